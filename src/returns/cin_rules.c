/*
 * The CIN census validation rules. Each rule is a function over one child
 * (its identifiers, characteristics and episodes); its number and message are
 * the DfE's (Children in need census validation rules, 2025 to 2026). The
 * conditions follow the DfE's rule descriptions: dates compared as days,
 * "within the census year" meaning from 1 April to the reference date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "domain/identifiers.h"
#include "returns/cin_rules.h"

struct cin_check {
    const struct cin_return *r;
    const struct cin_rule *rule;
    struct cin_failures *out;
};

static void fail(struct cin_check *k, const struct cin_child *c, enum cin_where where, int64_t id)
{
    struct cin_failures *f = k->out;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        struct cin_failure *bigger = realloc(f->items, cap * sizeof *bigger);
        if (!bigger) {
            f->nomem = true;
            return;
        }
        f->items = bigger;
        f->cap = cap;
    }
    f->items[f->n++] = (struct cin_failure){k->rule, c->person_id, where, id};
    if (k->rule->query)
        f->queries++;
    else
        f->errors++;
}

#define NONE CIN_NO_DATE
#define HAS(d) ((d) != CIN_NO_DATE)
#define START (k->r->year->start)
#define END (k->r->year->end)
#define YEAR (k->r->year)
#define OUTSIDE_YEAR(d) (HAS(d) && ((d) < START || (d) > END))
#define EACH_EPISODE(c)                                                                            \
    for (const struct cin_episode *ep = (c)->episodes; ep < (c)->episodes + (c)->nepisodes; ep++)
#define EACH(ep, arr, n, T) for (const T *it = (ep)->arr; it < (ep)->arr + (ep)->n; it++)

/* --- child identifiers and characteristics ------------------------------- */

static void r1510(struct cin_check *k, const struct cin_child *c)
{
    char upn[14];
    struct err e = ERR_INIT;
    if (c->upn && !id_upn(c->upn, upn, &e))
        fail(k, c, CIN_AT_PERSON, c->person_id);
}

static void r8520(struct cin_check *k, const struct cin_child *c)
{
    if (HAS(c->dob) && c->dob > END)
        fail(k, c, CIN_AT_PERSON, c->person_id);
}

static void r8525(struct cin_check *k, const struct cin_child *c)
{
    if (HAS(c->dob) == HAS(c->expected_dob))
        fail(k, c, CIN_AT_PERSON, c->person_id);
}

static void r4180(struct cin_check *k, const struct cin_child *c)
{
    if (!cin_codes_has(&YEAR->sex, c->sex))
        fail(k, c, CIN_AT_PERSON, c->person_id);
}

static void r4220(struct cin_check *k, const struct cin_child *c)
{
    if (!cin_codes_has(&YEAR->ethnicity, c->ethnicity))
        fail(k, c, CIN_AT_PERSON, c->person_id);
}

static bool any_further_action(const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (!ep->nfa)
        return true;
    return false;
}

static void r8540(struct cin_check *k, const struct cin_child *c)
{
    if (!HAS(c->dob) || !any_further_action(c))
        return;
    bool bad = c->ndisabilities == 0;
    for (int i = 0; i < c->ndisabilities; i++)
        bad = bad || !cin_codes_has(&YEAR->disability, c->disabilities[i]);
    if (bad)
        fail(k, c, CIN_AT_PERSON, c->person_id);
}

static void r8790(struct cin_check *k, const struct cin_child *c)
{
    bool none = false, other = false;
    for (int i = 0; i < c->ndisabilities; i++)
        *(strcmp(c->disabilities[i], "NONE") == 0 ? &none : &other) = true;
    if (HAS(c->dob) && none && other)
        fail(k, c, CIN_AT_PERSON, c->person_id);
}

static void r8772(struct cin_check *k, const struct cin_child *c)
{
    if (c->upn_unknown && strcmp(c->upn_unknown, "UN7") == 0 && any_further_action(c))
        fail(k, c, CIN_AT_PERSON, c->person_id);
}

/* The census schema's own check: UN8 to UN10 belong to the SEN2 return. */
static void rschema_upn_unknown(struct cin_check *k, const struct cin_child *c)
{
    if (c->upn_unknown && !cin_codes_has(&YEAR->upn_unknown, c->upn_unknown))
        fail(k, c, CIN_AT_PERSON, c->person_id);
}

/* --- episodes (CINdetails) ------------------------------------------------ */

static void r8606(struct cin_check *k, const struct cin_child *c)
{
    /* 40 weeks: 280 days before the (expected) birth. */
    EACH_EPISODE(c)
    if ((HAS(c->dob) && ep->referral < c->dob - 280) ||
        (HAS(c->expected_dob) && ep->referral < c->expected_dob - 280))
        fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

static void r8555(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (HAS(c->dod) && c->dod < ep->referral)
        fail(k, c, CIN_AT_PERSON, c->person_id);
}

static void r8866(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (!cin_codes_has(&YEAR->referral_source, ep->source))
        fail(k, c, CIN_AT_CASE, ep->case_id);
}

static void r8610(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (!ep->nfa && !ep->primary_need)
        fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

static void r8650(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->primary_need && !cin_codes_has(&YEAR->primary_need, ep->primary_need))
        fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

static void r8569(struct cin_check *k, const struct cin_child *c)
{
    /* One working day before the collection start, on the bank-holiday calendar. */
    int64_t prev = START - 1;
    while (k->r->calendar ? !calendar_is_working_day(k->r->calendar, prev)
                          : clock_weekday(prev) >= 5)
        prev--;
    EACH_EPISODE(c)
    if (ep->nfa && ep->referral < prev)
        fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

static void r8620(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (OUTSIDE_YEAR(ep->closure))
        fail(k, c, CIN_AT_CASE, ep->case_id);
}

static void r8630(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (HAS(ep->closure) && ep->closure < ep->referral)
        fail(k, c, CIN_AT_CASE, ep->case_id);
}

static void r8640(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->closure_reason && !cin_codes_has(&YEAR->closure_reason, ep->closure_reason))
        fail(k, c, CIN_AT_CASE, ep->case_id);
}

static void r8805(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (HAS(ep->closure) && !ep->closure_reason)
        fail(k, c, CIN_AT_CASE, ep->case_id);
}

static int64_t closure_step_or_case(const struct cin_episode *ep, enum cin_where *where)
{
    *where = ep->closure_step_id ? CIN_AT_STEP : CIN_AT_CASE;
    return ep->closure_step_id ? ep->closure_step_id : ep->case_id;
}

static bool after_closure(const struct cin_episode *ep, int64_t d)
{
    return HAS(ep->closure) && HAS(d) && d > ep->closure;
}

static void r8565(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        bool bad = after_closure(ep, ep->icpc);
        EACH(ep, assessments, nassessments, struct cin_assessment)
        bad = bad || after_closure(ep, it->start) || after_closure(ep, it->authorised);
        EACH(ep, s47s, ns47s, struct cin_s47)
        bad = bad || after_closure(ep, it->start) || after_closure(ep, it->icpc_date);
        EACH(ep, plans, nplans, struct cin_plan)
        bad = bad || after_closure(ep, it->start) || after_closure(ep, it->end);
        EACH(ep, cpps, ncpps, struct cin_cpp)
        bad = bad || after_closure(ep, it->end);
        enum cin_where w;
        int64_t id = closure_step_or_case(ep, &w);
        if (bad)
            fail(k, c, w, id);
    }
}

static void r8868(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        if (!HAS(ep->closure))
            continue;
        EACH(ep, s47s, ns47s, struct cin_s47)
        if (!HAS(it->icpc_date) && !it->icpc_not_required)
            fail(k, c, CIN_AT_STEP, it->step_id);
    }
}

static void r8867(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        if (!HAS(ep->closure))
            continue;
        EACH(ep, assessments, nassessments, struct cin_assessment)
        if (!HAS(it->authorised))
            fail(k, c, CIN_AT_STEP, it->step_id);
    }
}

static bool is_rc8(const struct cin_episode *ep)
{
    return ep->closure_reason && strcmp(ep->closure_reason, "RC8") == 0;
}

static void r2990(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (is_rc8(ep) && (ep->ns47s || ep->nplans || ep->ncpps || HAS(ep->icpc)))
        fail(k, c, CIN_AT_CASE, ep->case_id);
}

static bool has_factor(const struct cin_assessment *a, const char *code)
{
    for (int i = 0; i < a->nfactors; i++)
        if (strcmp(a->factors[i], code) == 0)
            return true;
    return false;
}

static void r8873(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->nassessments == 1 && has_factor(&ep->assessments[0], "21") && ep->closure_reason &&
        !is_rc8(ep))
        fail(k, c, CIN_AT_CASE, ep->case_id);
}

static void r8815(struct cin_check *k, const struct cin_child *c)
{
    int open = 0;
    EACH_EPISODE(c)
    open += !HAS(ep->closure) && !ep->nfa;
    if (open > 1)
        EACH_EPISODE(c)
    if (!HAS(ep->closure) && !ep->nfa)
        fail(k, c, CIN_AT_CASE, ep->case_id);
}

static void r8816(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        if (HAS(ep->closure) || ep->nfa)
            continue;
        for (int j = 0; j < c->nepisodes; j++)
            if (c->episodes[j].referral > ep->referral) {
                fail(k, c, CIN_AT_CASE, ep->case_id);
                break;
            }
    }
}

static void r8820(struct cin_check *k, const struct cin_child *c)
{
    /* An episode may start the day the one before it closed, no earlier. */
    EACH_EPISODE(c)
    for (int j = 0; j < c->nepisodes; j++) {
        const struct cin_episode *b = &c->episodes[j];
        int64_t b_end = HAS(b->closure) ? b->closure : (b->nfa ? NONE : END);
        if (b == ep || ep->referral < b->referral || !HAS(b_end))
            continue;
        if (ep->referral < b_end) {
            fail(k, c, CIN_AT_CASE, ep->case_id);
            break;
        }
    }
}

static void r8831(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->nfa && (ep->nassessments || ep->ns47s || HAS(ep->icpc)))
        fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

static void r4000(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->nfa && ep->nplans)
        fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

static void r8832(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->nfa && ep->ncpps)
        fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

/* --- assessments ---------------------------------------------------------- */

#define EACH_ASSESSMENT(c)                                                                         \
    EACH_EPISODE(c)                                                                                \
    EACH(ep, assessments, nassessments, struct cin_assessment)

static void r1103(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (it->start < ep->referral)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8608(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (HAS(it->authorised) && it->start > it->authorised)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8696(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (OUTSIDE_YEAR(it->authorised))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8736(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (!HAS(it->authorised) && OUTSIDE_YEAR(it->start))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8897(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    {
        if (!HAS(it->authorised) || it->authorised < START)
            continue;
        bool valid = false;
        for (int i = 0; i < it->nfactors; i++)
            valid = valid || cin_codes_has(&YEAR->assessment_factors, it->factors[i]);
        if (!valid)
            fail(k, c, CIN_AT_STEP, it->step_id);
    }
}

static void r8898(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    {
        bool dup = false;
        for (int i = 0; i < it->nfactors; i++)
            for (int j = i + 1; j < it->nfactors; j++)
                dup = dup || strcmp(it->factors[i], it->factors[j]) == 0;
        if (dup)
            fail(k, c, CIN_AT_STEP, it->step_id);
    }
}

static void r8869(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (has_factor(it, "21") && it->nfactors > 1)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8617(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (has_factor(it, "8A"))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8896(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        int open = 0;
        EACH(ep, assessments, nassessments, struct cin_assessment)
        open += !HAS(it->authorised);
        if (open > 1)
            fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

static void r8863(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    for (int i = 0; i < ep->nassessments; i++)
        for (int j = 0; j < ep->nassessments; j++) {
            const struct cin_assessment *a = &ep->assessments[i], *b = &ep->assessments[j];
            int64_t b_end = HAS(b->authorised) ? b->authorised : END;
            if (i != j && a->start >= b->start && a->start < b_end &&
                (a->start != b->start || i > j)) {
                fail(k, c, CIN_AT_STEP, a->step_id);
                j = ep->nassessments;
            }
        }
}

/* --- children in need plans ---------------------------------------------- */

#define EACH_PLAN(c) EACH_EPISODE(c) EACH(ep, plans, nplans, struct cin_plan)

static void r4008(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (HAS(c->dod) && it->start > c->dod)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r4009(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (HAS(c->dod) && (!HAS(it->end) || it->end > c->dod))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r4010(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (!HAS(it->start) || it->start > END)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r4011(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (HAS(it->end) && it->end < it->start)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r4013(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (OUTSIDE_YEAR(it->end))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r4015(struct cin_check *k, const struct cin_child *c)
{
    EACH_PLAN(c)
    if (it->start < ep->referral)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r4004(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        int open = 0;
        EACH(ep, plans, nplans, struct cin_plan)
        open += !HAS(it->end);
        if (open > 1)
            fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

static void r4014(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    for (int i = 0; i < ep->nplans; i++)
        for (int j = 0; j < ep->nplans; j++) {
            const struct cin_plan *a = &ep->plans[i], *b = &ep->plans[j];
            int64_t b_end = HAS(b->end) ? b->end : END;
            if (i != j && a->start >= b->start && a->start <= b_end && a->start != b->end &&
                (a->start != b->start || i > j)) {
                fail(k, c, CIN_AT_STEP, a->step_id);
                j = ep->nplans;
            }
        }
}

static void r4001(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        bool plan = false, cpp = false;
        EACH(ep, plans, nplans, struct cin_plan)
        plan = plan || !HAS(it->end);
        EACH(ep, cpps, ncpps, struct cin_cpp)
        cpp = cpp || !HAS(it->end);
        if (plan && cpp)
            fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

static void r4003(struct cin_check *k, const struct cin_child *c)
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
            fail(k, c, CIN_AT_CASE, ep->case_id);
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
            fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

static void r4016(struct cin_check *k, const struct cin_child *c)
{
    plan_cpp_overlap(k, c, true);
}

static void r4017(struct cin_check *k, const struct cin_child *c)
{
    plan_cpp_overlap(k, c, false);
}

/* --- section 47 enquiries and initial conferences ------------------------ */

#define EACH_S47(c) EACH_EPISODE(c) EACH(ep, s47s, ns47s, struct cin_s47)

static void r1104(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (HAS(it->icpc_date) && it->icpc_date < ep->referral)
        fail(k, c, CIN_AT_STEP, it->icpc_step_id);
}

static void r8615(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (HAS(it->icpc_date) && (!HAS(it->start) || it->start > it->icpc_date))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r2889(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (it->start < ep->referral)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8740(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (!HAS(it->icpc_date) && !it->icpc_not_required && OUTSIDE_YEAR(it->start))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8715(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (OUTSIDE_YEAR(it->icpc_date))
        fail(k, c, CIN_AT_STEP, it->icpc_step_id);
}

static void r8875(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    if (HAS(it->icpc_date) && clock_weekday(it->icpc_date) >= 5)
        fail(k, c, CIN_AT_STEP, it->icpc_step_id);
}

static void r8839(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        int open = 0;
        EACH(ep, s47s, ns47s, struct cin_s47)
        open += !HAS(it->icpc_date) && !it->icpc_not_required;
        if (open > 1)
            fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

/* 8675Q: no conference yet, though the enquiry started more than 15 working
 * days (England and Wales bank holidays skipped) before the reference date. */
static void r8675(struct cin_check *k, const struct cin_child *c)
{
    EACH_S47(c)
    {
        if (HAS(it->icpc_date) || it->icpc_not_required)
            continue;
        int64_t due = k->r->calendar ? calendar_add_working_days(k->r->calendar, it->start, 15)
                                     : it->start + 21;
        if (due < END)
            fail(k, c, CIN_AT_STEP, it->step_id);
    }
}

/* --- child protection plans ---------------------------------------------- */

#define EACH_CPP(c) EACH_EPISODE(c) EACH(ep, cpps, ncpps, struct cin_cpp)

static void r8905(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (!cin_codes_has(&YEAR->category_of_abuse, it->initial_category))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8910(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (!cin_codes_has(&YEAR->category_of_abuse, it->latest_category))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8720(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (!HAS(it->start) || it->start > END)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8915(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (HAS(c->dod) && it->start > c->dod)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8920(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (HAS(c->dod) && (!HAS(it->end) || it->end > c->dod))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8925(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (HAS(it->end) && it->end < it->start)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8930(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (OUTSIDE_YEAR(it->end))
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8840(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (HAS(it->end) && it->end == it->start)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8841(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    for (int i = 0; i < it->nreviews; i++)
        if (it->reviews[i] <= it->start) {
            fail(k, c, CIN_AT_STEP, it->step_id);
            break;
        }
}

static void r1105(struct cin_check *k, const struct cin_child *c)
{
    EACH_CPP(c)
    if (it->start < ep->referral)
        fail(k, c, CIN_AT_STEP, it->step_id);
}

static void r8935(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        int open = 0;
        EACH(ep, cpps, ncpps, struct cin_cpp)
        open += !HAS(it->end);
        if (open > 1)
            fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

static void r8940(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    for (int i = 0; i < ep->ncpps; i++)
        for (int j = 0; j < i; j++) {
            const struct cin_cpp *a = &ep->cpps[i], *b = &ep->cpps[j];
            if (a->start >= b->start && a->start <= (HAS(b->end) ? b->end : END)) {
                fail(k, c, CIN_AT_STEP, a->step_id);
                break;
            }
        }
}

/* --- the table ------------------------------------------------------------ */

static const struct cin_rule rules[] = {
    {"1510", "UPN invalid (wrong check letter at character 1)", false, r1510},
    {"8520",
     "Date of Birth is after data collection period (must be on or before the end of the census "
     "period)",
     false, r8520},
    {"8525", "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
     false, r8525},
    {"4180", "Sex is missing or invalid (see Sex table)", false, r4180},
    {"4220", "Ethnicity is missing or invalid (see Ethnicity table)", false, r4220},
    {"8540", "Child’s disability is missing or invalid (see Disability table)", false, r8540},
    {"8790", "Disability information includes both None and other values", false, r8790},
    {"8772",
     "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details is "
     "a "
     "referral going on to further action",
     false, r8772},
    {"schema", "UPN unknown reason is not one the census accepts (UN1 to UN7)", false,
     rschema_upn_unknown},
    {"8606", "Child referral date is more than 40 weeks before DOB or expected DOB", false, r8606},
    {"8555", "Child cannot be referred after its recorded date of death", false, r8555},
    {"8866", "Source of Referral is missing or an invalid code", false, r8866},
    {"8610", "Primary Need code is missing for a referral which led to further action", false,
     r8610},
    {"8650", "Primary Need Code invalid (see Primary Need table in CIN census code set)", false,
     r8650},
    {"8569",
     "A case with referral date before one working day prior to the collection start date must not "
     "be flagged as a no further action case",
     false, r8569},
    {"8620", "CIN Closure Date present and does not fall within the Census year", false, r8620},
    {"8630", "CIN Closure Date is before CIN Referral Date for the same CIN episode", false, r8630},
    {"8640",
     "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
     false, r8640},
    {"8805", "A CIN case cannot have a CIN closure date without a Reason for Closure", false,
     r8805},
    {"8565", "Activity shown after a case has been closed", false, r8565},
    {"8868",
     "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by ICPC "
     "date or ICPC not required flag",
     false, r8868},
    {"8867", "CIN episode is shown as closed, however Assessment is not shown as completed", false,
     r8867},
    {"2990",
     "Activity is recorded against a case marked as ‘Case closed after assessment, no further "
     "action’",
     false, r2990},
    {"8873",
     "When there is only one assessment on the episode and the factors code “21 No factors "
     "identified” has been used for the completed assessment, the reason for closure ‘RC8’ must be "
     "used.",
     false, r8873},
    {"8815",
     "More than one open CIN Details episode (a module with no CIN Closure Date) has been provided "
     "for this child and case is not a referral with no further action.",
     false, r8815},
    {"8816",
     "An open CIN episode is shown and case is not a referral with no further action, but it is "
     "not "
     "the latest episode.",
     false, r8816},
    {"8820", "The dates on the CIN episodes for this child overlap", false, r8820},
    {"8831", "Activity is recorded against a case marked as a referral with no further action",
     false, r8831},
    {"4000", "CIN Plan details provided for a referral with no further action", false, r4000},
    {"8832", "Child Protection details provided for a referral with no further action", false,
     r8832},
    {"1103", "The assessment start date cannot be before the referral date", false, r1103},
    {"8608", "Assessment Start Date cannot be later than its End Date", false, r8608},
    {"8696", "Assessment end date must fall within the census year", false, r8696},
    {"8736",
     "For an Assessment that has not been completed, the start date must fall within the census "
     "year",
     false, r8736},
    {"8897",
     "Parental or child factors at assessment information is missing from a completed "
     "assessment",
     false, r8897},
    {"8898", "The assessment has more than one parental or child factors with the same code", false,
     r8898},
    {"8869",
     "The assessment factors code “21” cannot be used in conjunction with any other assessment "
     "factors.",
     false, r8869},
    {"8617", "Code 8A has been returned. This code is not a valid code.", false, r8617},
    {"8896", "Within one CINDetails group there are 2 or more open Assessments groups", false,
     r8896},
    {"8863", "An Assessment is shown as starting when there is another Assessment ongoing", false,
     r8863},
    {"4008", "CIN Plan shown as starting after the child’s Date of Death", false, r4008},
    {"4009", "CIN Plan cannot end after the child’s Date of Death", false, r4009},
    {"4010", "CIN Plan start date is missing or out of data collection period", false, r4010},
    {"4011", "CIN Plan End Date earlier than Start Date", false, r4011},
    {"4013", "CIN Plan end date must fall within the census year", false, r4013},
    {"4015", "The CIN Plan start date cannot be before the referral date", false, r4015},
    {"4004", "This child is showing more than one open CIN Plan, i.e. with no End Date", false,
     r4004},
    {"4014", "CIN Plan data contains overlapping dates", false, r4014},
    {"4001", "A CIN Plan cannot run concurrently with a Child Protection Plan", false, r4001},
    {"4003", "A CPP review date is shown as being held at the same time as an open CIN Plan", false,
     r4003},
    {"4016", "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
     false, r4016},
    {"4017", "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
     false, r4017},
    {"1104",
     "The date of the initial child protection conference cannot be before the referral date",
     false, r1104},
    {"8615",
     "Section 47 Enquiry Start Date must be present and cannot be later than the date of the "
     "initial Child Protection Conference",
     false, r8615},
    {"2889", "The S47 start date cannot be before the referral date.", false, r2889},
    {"8740",
     "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the "
     "end "
     "of the census year, the start date must fall within the census year",
     false, r8740},
    {"8715", "Date of Initial Child Protection Conference must fall within the census year", false,
     r8715},
    {"8875", "The Date of Initial Child Protection Conference cannot be a weekend", false, r8875},
    {"8839", "Within one CINDetails group there are 2 or more open S47 Assessments", false, r8839},
    {"8675Q",
     "Please check: S47 Enquiry started more than 15 working days before the end of the census "
     "year. However, there is no date of Initial Child Protection Conference.",
     true, r8675},
    {"8905",
     "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census "
     "code set)",
     false, r8905},
    {"8910",
     "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census "
     "code set)",
     false, r8910},
    {"8720", "Child Protection Plan Start Date missing or out of data collection period", false,
     r8720},
    {"8915", "Child Protection Plan shown as starting after the child’s Date of Death", false,
     r8915},
    {"8920", "Child Protection Plan cannot end after the child’s Date of Death", false, r8920},
    {"8925", "Child Protection Plan End Date earlier than Start Date", false, r8925},
    {"8930", "Child Protection Plan End Date must fall within the census year", false, r8930},
    {"8840", "Child Protection Plan cannot start and end on the same day", false, r8840},
    {"8841",
     "The review date cannot be on the same day or before the Child protection Plan start date.",
     false, r8841},
    {"1105", "The child protection plan start date cannot be before the referral date", false,
     r1105},
    {"8935",
     "This child is showing more than one open Child Protection plan, i.e. with no End Date", false,
     r8935},
    {"8940", "Child Protection Plan data contains overlapping dates", false, r8940},
};

/* 1520 compares children with each other, so it runs once over the return. */
static const struct cin_rule rule_1520 = {"1520", "More than one record with the same UPN", false,
                                          NULL};

size_t cin_rule_count(void)
{
    return sizeof rules / sizeof rules[0] + 1;
}

const struct cin_rule *cin_rule_at(size_t i)
{
    size_t n = sizeof rules / sizeof rules[0];
    return i < n ? &rules[i] : i == n ? &rule_1520 : NULL;
}

const struct cin_rule *cin_rule_find(const char *number)
{
    for (size_t i = 0; i < cin_rule_count(); i++)
        if (strcmp(cin_rule_at(i)->number, number) == 0)
            return cin_rule_at(i);
    return NULL;
}

struct upn_ref {
    const char *upn;
    const struct cin_child *child;
};

static int by_upn(const void *a, const void *b)
{
    const struct upn_ref *x = a, *y = b;
    int d = strcmp(x->upn, y->upn);
    return d ? d
             : (x->child->person_id > y->child->person_id) -
                   (x->child->person_id < y->child->person_id);
}

/* 1520 over the whole return: sort the UPNs, report each child sharing one. */
static bool check_1520(const struct cin_return *r, struct cin_failures *out)
{
    struct upn_ref *refs = malloc(sizeof *refs * (size_t)(r->nchildren ? r->nchildren : 1));
    if (!refs)
        return false;
    size_t n = 0;
    for (int i = 0; i < r->nchildren; i++)
        if (r->children[i].upn)
            refs[n++] = (struct upn_ref){r->children[i].upn, &r->children[i]};
    qsort(refs, n, sizeof *refs, by_upn);
    struct cin_check k = {r, &rule_1520, out};
    for (size_t i = 0; i < n; i++)
        if ((i > 0 && strcmp(refs[i].upn, refs[i - 1].upn) == 0) ||
            (i + 1 < n && strcmp(refs[i].upn, refs[i + 1].upn) == 0))
            fail(&k, refs[i].child, CIN_AT_PERSON, refs[i].child->person_id);
    free(refs);
    return true;
}

void cin_check_rule(const struct cin_return *r, const struct cin_rule *rule,
                    const struct cin_child *c, struct cin_failures *out)
{
    if (rule == &rule_1520) {
        struct cin_return one = *r;
        (void)c;
        if (!check_1520(&one, out))
            out->nomem = true;
        return;
    }
    struct cin_check k = {r, rule, out};
    rule->check(&k, c);
}

bool cin_check(const struct cin_return *r, struct cin_failures *out)
{
    size_t n = sizeof rules / sizeof rules[0];
    for (int i = 0; i < r->nchildren; i++)
        for (size_t j = 0; j < n; j++) {
            struct cin_check k = {r, &rules[j], out};
            rules[j].check(&k, &r->children[i]);
        }
    if (!check_1520(r, out))
        out->nomem = true;
    return !out->nomem;
}

void cin_failures_free(struct cin_failures *f)
{
    free(f->items);
    memset(f, 0, sizeof *f);
}

void cin_failure_path(const struct cin_failure *f, char out[32])
{
    static const char *const prefix[] = {"/people/", "/cases/", "/steps/"};
    snprintf(out, 32, "%s%lld", prefix[f->where], (long long)f->id);
}
