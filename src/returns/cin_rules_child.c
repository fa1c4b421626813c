/*
 * CIN census validation rules on a child's identifiers and characteristics,
 * their referral episodes (CINdetails) and assessments. Numbers and messages
 * are in the table in cin_rules.c; conditions follow the DfE's rule
 * descriptions (dates compared as days; "within the census year" means from
 * 1 April to the reference date).
 */
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "domain/identifiers.h"
#include "returns/cin_rules_internal.h"

/* --- child identifiers and characteristics ------------------------------- */

void cin_rule_1510(struct cin_check *k, const struct cin_child *c)
{
    char upn[14];
    struct err e = ERR_INIT;
    if (c->upn && !id_upn(c->upn, upn, &e))
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

void cin_rule_8520(struct cin_check *k, const struct cin_child *c)
{
    if (HAS(c->dob) && c->dob > END)
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

void cin_rule_8525(struct cin_check *k, const struct cin_child *c)
{
    if (HAS(c->dob) == HAS(c->expected_dob))
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

void cin_rule_4180(struct cin_check *k, const struct cin_child *c)
{
    if (!cin_codes_has(&YEAR->sex, c->sex))
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

void cin_rule_4220(struct cin_check *k, const struct cin_child *c)
{
    if (!cin_codes_has(&YEAR->ethnicity, c->ethnicity))
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

static bool any_further_action(const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (!ep->nfa)
        return true;
    return false;
}

void cin_rule_8540(struct cin_check *k, const struct cin_child *c)
{
    if (!HAS(c->dob) || !any_further_action(c))
        return;
    bool bad = c->ndisabilities == 0;
    for (int i = 0; i < c->ndisabilities; i++)
        bad = bad || !cin_codes_has(&YEAR->disability, c->disabilities[i]);
    if (bad)
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

void cin_rule_8790(struct cin_check *k, const struct cin_child *c)
{
    bool none = false, other = false;
    for (int i = 0; i < c->ndisabilities; i++)
        *(strcmp(c->disabilities[i], "NONE") == 0 ? &none : &other) = true;
    if (HAS(c->dob) && none && other)
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

void cin_rule_8772(struct cin_check *k, const struct cin_child *c)
{
    if (c->upn_unknown && strcmp(c->upn_unknown, "UN7") == 0 && any_further_action(c))
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

/* 8770Q: a child of six or more at the reference date, referred for further
 * action, with no UPN and no reason that applies to an older child (UN1 is for
 * under-sixes, UN7 for referrals with no further action). */
void cin_rule_8770(struct cin_check *k, const struct cin_child *c)
{
    if (c->upn || !HAS(c->dob) || !any_further_action(c))
        return;
    int y, m, d;
    clock_civil_from_days(c->dob, &y, &m, &d);
    int64_t sixth = clock_days_from_civil(y + 6, m, m == 2 && d == 29 ? 28 : d);
    const char *u = c->upn_unknown;
    bool older_reason =
        u && strlen(u) == 3 && strncmp(u, "UN", 2) == 0 && u[2] >= '2' && u[2] <= '6';
    if (sixth <= END && !older_reason)
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

/* The census schema's own check: UN8 to UN10 belong to the SEN2 return. */
void cin_rule_schema_upn_unknown(struct cin_check *k, const struct cin_child *c)
{
    if (c->upn_unknown && !cin_codes_has(&YEAR->upn_unknown, c->upn_unknown))
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

/* --- episodes (CINdetails) ------------------------------------------------ */

void cin_rule_8606(struct cin_check *k, const struct cin_child *c)
{
    /* 40 weeks: 280 days before the (expected) birth. */
    EACH_EPISODE(c)
    if ((HAS(c->dob) && ep->referral < c->dob - 280) ||
        (HAS(c->expected_dob) && ep->referral < c->expected_dob - 280))
        cin_rules_fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

void cin_rule_8555(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (HAS(c->dod) && c->dod < ep->referral)
        cin_rules_fail(k, c, CIN_AT_PERSON, c->person_id);
}

void cin_rule_8866(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (!cin_codes_has(&YEAR->referral_source, ep->source))
        cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
}

void cin_rule_8610(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (!ep->nfa && !ep->primary_need)
        cin_rules_fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

void cin_rule_8650(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->primary_need && !cin_codes_has(&YEAR->primary_need, ep->primary_need))
        cin_rules_fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

void cin_rule_8569(struct cin_check *k, const struct cin_child *c)
{
    /* One working day before the collection start, on the bank-holiday calendar. */
    int64_t prev = START - 1;
    while (k->r->calendar ? !calendar_is_working_day(k->r->calendar, prev)
                          : clock_weekday(prev) >= 5)
        prev--;
    EACH_EPISODE(c)
    if (ep->nfa && ep->referral < prev)
        cin_rules_fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

void cin_rule_8620(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (OUTSIDE_YEAR(ep->closure))
        cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
}

void cin_rule_8630(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (HAS(ep->closure) && ep->closure < ep->referral)
        cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
}

void cin_rule_8640(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->closure_reason && !cin_codes_has(&YEAR->closure_reason, ep->closure_reason))
        cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
}

void cin_rule_8805(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (HAS(ep->closure) && !ep->closure_reason)
        cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
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

void cin_rule_8565(struct cin_check *k, const struct cin_child *c)
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
            cin_rules_fail(k, c, w, id);
    }
}

void cin_rule_8868(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        if (!HAS(ep->closure))
            continue;
        EACH(ep, s47s, ns47s, struct cin_s47)
        if (!HAS(it->icpc_date) && !it->icpc_not_required)
            cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
    }
}

void cin_rule_8867(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        if (!HAS(ep->closure))
            continue;
        EACH(ep, assessments, nassessments, struct cin_assessment)
        if (!HAS(it->authorised))
            cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
    }
}

static bool is_rc8(const struct cin_episode *ep)
{
    return ep->closure_reason && strcmp(ep->closure_reason, "RC8") == 0;
}

void cin_rule_2990(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (is_rc8(ep) && (ep->ns47s || ep->nplans || ep->ncpps || HAS(ep->icpc)))
        cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
}

static bool has_factor(const struct cin_assessment *a, const char *code)
{
    for (int i = 0; i < a->nfactors; i++)
        if (strcmp(a->factors[i], code) == 0)
            return true;
    return false;
}

void cin_rule_8873(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->nassessments == 1 && has_factor(&ep->assessments[0], "21") && ep->closure_reason &&
        !is_rc8(ep))
        cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
}

void cin_rule_8815(struct cin_check *k, const struct cin_child *c)
{
    int open = 0;
    EACH_EPISODE(c)
    open += !HAS(ep->closure) && !ep->nfa;
    if (open > 1)
        EACH_EPISODE(c)
    if (!HAS(ep->closure) && !ep->nfa)
        cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
}

void cin_rule_8816(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        if (HAS(ep->closure) || ep->nfa)
            continue;
        for (int j = 0; j < c->nepisodes; j++)
            if (c->episodes[j].referral > ep->referral) {
                cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
                break;
            }
    }
}

void cin_rule_8820(struct cin_check *k, const struct cin_child *c)
{
    /* An episode may start the day the one before it closed, no earlier. */
    EACH_EPISODE(c)
    for (int j = 0; j < c->nepisodes; j++) {
        const struct cin_episode *b = &c->episodes[j];
        int64_t b_end = HAS(b->closure) ? b->closure : (b->nfa ? NONE : END);
        if (b == ep || ep->referral < b->referral || !HAS(b_end))
            continue;
        if (ep->referral < b_end) {
            cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
            break;
        }
    }
}

void cin_rule_8831(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->nfa && (ep->nassessments || ep->ns47s || HAS(ep->icpc)))
        cin_rules_fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

void cin_rule_4000(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->nfa && ep->nplans)
        cin_rules_fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

void cin_rule_8832(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    if (ep->nfa && ep->ncpps)
        cin_rules_fail(k, c, CIN_AT_STEP, ep->referral_step_id);
}

/* --- assessments ---------------------------------------------------------- */

#define EACH_ASSESSMENT(c)                                                                         \
    EACH_EPISODE(c)                                                                                \
    EACH(ep, assessments, nassessments, struct cin_assessment)

void cin_rule_1103(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (it->start < ep->referral)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8608(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (HAS(it->authorised) && it->start > it->authorised)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8696(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (OUTSIDE_YEAR(it->authorised))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8736(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (!HAS(it->authorised) && OUTSIDE_YEAR(it->start))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8897(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    {
        if (!HAS(it->authorised) || it->authorised < START)
            continue;
        bool valid = false;
        for (int i = 0; i < it->nfactors; i++)
            valid = valid || cin_codes_has(&YEAR->assessment_factors, it->factors[i]);
        if (!valid)
            cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
    }
}

void cin_rule_8898(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    {
        bool dup = false;
        for (int i = 0; i < it->nfactors; i++)
            for (int j = i + 1; j < it->nfactors; j++)
                dup = dup || strcmp(it->factors[i], it->factors[j]) == 0;
        if (dup)
            cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
    }
}

void cin_rule_8869(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (has_factor(it, "21") && it->nfactors > 1)
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8617(struct cin_check *k, const struct cin_child *c)
{
    EACH_ASSESSMENT(c)
    if (has_factor(it, "8A"))
        cin_rules_fail(k, c, CIN_AT_STEP, it->step_id);
}

void cin_rule_8896(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    {
        int open = 0;
        EACH(ep, assessments, nassessments, struct cin_assessment)
        open += !HAS(it->authorised);
        if (open > 1)
            cin_rules_fail(k, c, CIN_AT_CASE, ep->case_id);
    }
}

void cin_rule_8863(struct cin_check *k, const struct cin_child *c)
{
    EACH_EPISODE(c)
    for (int i = 0; i < ep->nassessments; i++)
        for (int j = 0; j < ep->nassessments; j++) {
            const struct cin_assessment *a = &ep->assessments[i], *b = &ep->assessments[j];
            int64_t b_end = HAS(b->authorised) ? b->authorised : END;
            if (i != j && a->start >= b->start && a->start < b_end &&
                (a->start != b->start || i > j)) {
                cin_rules_fail(k, c, CIN_AT_STEP, a->step_id);
                j = ep->nassessments;
            }
        }
}
