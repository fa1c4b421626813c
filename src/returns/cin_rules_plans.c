/*
 * CIN census validation rules on children in need plans, section 47
 * enquiries with their initial conferences, and child protection plans.
 */
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "domain/identifiers.h"
#include "returns/cin_rules_internal.h"

/* --- children in need plans ---------------------------------------------- */

#define EACH_PLAN(c) EACH_EPISODE(c) EACH(ep, plans, nplans, struct cin_plan)

void cin_rule_4008(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (HAS(c->dod) && it->start > c->dod)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_4009(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (HAS(c->dod) && (!HAS(it->end) || it->end > c->dod))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_4010(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (!HAS(it->start) || it->start > END)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_4011(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (HAS(it->end) && it->end < it->start)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_4013(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (OUTSIDE_YEAR(it->end))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_4015(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (it->start < ep->referral)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_4004(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        int open = 0;
        EACH(ep, plans, nplans, struct cin_plan)
        open += !HAS(it->end);
        if (open > 1)
            cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

void cin_rule_4014(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    for (int i = 0; i < ep->nplans; i++)
        for (int j = 0; j < ep->nplans; j++) {
            const struct cin_plan *a = &ep->plans[i], *b = &ep->plans[j];
            int64_t b_end = HAS(b->end) ? b->end : END;
            if (i != j && a->start >= b->start && a->start <= b_end && a->start != b->end &&
                (a->start != b->start || i > j)) {
                cin_rules_fail(k, c, CIN_AT_STEP, a->step_id);
                j = ep->nplans;
            }
        }
}

void cin_rule_4001(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        bool plan = false, cpp = false;
        EACH(ep, plans, nplans, struct cin_plan)
        plan = plan || !HAS(it->end);
        EACH(ep, cpps, ncpps, struct cin_cpp)
        cpp = cpp || !HAS(it->end);
        if (plan && cpp)
            cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

void cin_rule_4003(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        bool bad = false;
        EACH(ep, plans, nplans, struct cin_plan)
        for (int i = 0; i < ep->ncpps; i++)
            for (int j = 0; j < ep->cpps[i].nreviews; j++) {
                int64_t d = ep->cpps[i].reviews[j];
                bad = bad || (d > it->start && HAS(it->end) && d < it->end);
            }
        if (bad)
            cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

/* 4016: a CIN plan starting during a CP plan; 4017: a CP plan starting during
 * a CIN plan. The day one ends the other may start. */
static void plan_cpp_overlap(struct cin_check *k, const struct cin_child *c, bool plan_in_cpp)
{
    EACH_EPISODE(c)
    {
        bool bad = false;
        EACH(ep, plans, nplans, struct cin_plan)
        for (int i = 0; i < ep->ncpps; i++) {
            const struct cin_cpp *p = &ep->cpps[i];
            int64_t s1 = plan_in_cpp ? it->start : p->start;
            int64_t s2 = plan_in_cpp ? p->start : it->start;
            int64_t e2 = plan_in_cpp ? p->end : it->end;
            bad = bad || (s1 >= s2 && s1 <= (HAS(e2) ? e2 : END) && s1 != e2);
        }
        if (bad)
            cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

void cin_rule_4016(struct cin_check *k, const struct cin_child *c)
{
    plan_cpp_overlap(k, c, true);
}

void cin_rule_4017(struct cin_check *k, const struct cin_child *c)
{
    plan_cpp_overlap(k, c, false);
}

/* --- section 47 enquiries and initial conferences ------------------------ */

#define EACH_S47(c) EACH_EPISODE(c) EACH(ep, s47s, ns47s, struct cin_s47)

void cin_rule_1104(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (HAS(it->icpc_date) && it->icpc_date < ep->referral)
        cin_rules_fail(k, c, CIN_AT_STEP, it->icpc_step_id);
}

void cin_rule_8615(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (HAS(it->icpc_date) && (!HAS(it->start) || it->start > it->icpc_date))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_2889(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (it->start < ep->referral)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8740(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (!HAS(it->icpc_date) && !it->icpc_not_required && OUTSIDE_YEAR(it->start))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8715(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (OUTSIDE_YEAR(it->icpc_date))
        cin_rules_fail(k, c, CIN_AT_STEP, it->icpc_step_id);
}

void cin_rule_8875(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (HAS(it->icpc_date) && clock_weekday(it->icpc_date) >= 5)
        cin_rules_fail(k, c, CIN_AT_STEP, it->icpc_step_id);
}

void cin_rule_8839(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        int open = 0;
        EACH(ep, s47s, ns47s, struct cin_s47)
        open += !HAS(it->icpc_date) && !it->icpc_not_required;
        if (open > 1)
            cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

/* 8675Q: no conference yet, though the enquiry started more than 15 working
 * days (England and Wales bank holidays skipped) before the reference date. */
void cin_rule_8675(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    {
        if (HAS(it->icpc_date) || it->icpc_not_required)
            continue;
        int64_t due = k->r->calendar ? calendar_add_working_days(k->r->calendar, it->start, 15)
                                     : it->start + 21;
        if (due < END)
            cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
    }
}

/* --- child protection plans ---------------------------------------------- */

#define EACH_CPP(c) EACH_EPISODE(c) EACH(ep, cpps, ncpps, struct cin_cpp)

void cin_rule_8905(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (!cin_codes_has(&YEAR->category_of_abuse, it->initial_category))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8910(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (!cin_codes_has(&YEAR->category_of_abuse, it->latest_category))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

/* 8730: the census schema requires NumberOfPreviousCPP on every plan; it is
 * recorded at the conference that made the plan (children v3) or at the plan
 * step (v1, v2), and the fix is made at that conference. */
void cin_rule_8730(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (it->previous < 0)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8720(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (!HAS(it->start) || it->start > END)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8915(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (HAS(c->dod) && it->start > c->dod)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8920(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (HAS(c->dod) && (!HAS(it->end) || it->end > c->dod))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8925(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (HAS(it->end) && it->end < it->start)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8930(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (OUTSIDE_YEAR(it->end))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8840(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (HAS(it->end) && it->end == it->start)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8841(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    for (int i = 0; i < it->nreviews; i++)
        if (it->reviews[i] <= it->start) {
            cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
            break;
        }
}

void cin_rule_1105(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (it->start < ep->referral)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8935(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        int open = 0;
        EACH(ep, cpps, ncpps, struct cin_cpp)
        open += !HAS(it->end);
        if (open > 1)
            cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

void cin_rule_8940(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    for (int i = 0; i < ep->ncpps; i++)
        for (int j = 0; j < i; j++) {
            const struct cin_cpp *a = &ep->cpps[i], *b = &ep->cpps[j];
            if (a->start >= b->start && a->start <= (HAS(b->end) ? b->end : END)) {
                cin_rules_fail(k, c, CIN_AT_STEP, a->step_id);
                break;
            }
        }
}
