/*
 * What people write: form answers made from a step's field definitions (type,
 * code list, whether mandatory; nothing here knows a particular pathway's
 * fields), case-note text, referrers and concerns. Synthetic, plain and
 * varied enough that full-text search has common and rare words to find.
 */
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "seed/work_internal.h"

#define N(a) (sizeof(a) / sizeof(a)[0])

static const char *const OPENERS[] = {
    "Visited the family home as planned.",
    "Spoke with mother by phone.",
    "Spoke with father by phone.",
    "Met the young person at school with the designated safeguarding lead.",
    "Home visit unannounced; nobody answered at first.",
    "Attended the core group meeting.",
    "Received an email from the health visitor.",
    "Discussed the case in supervision with the team manager.",
    "Telephone call from the GP surgery.",
    "Met with the adult and their daughter at the day centre.",
    "Joint visit with the community nurse.",
    "Called the housing officer about the tenancy.",
    "Office visit by grandmother, who asked for an update.",
    "Spoke with the class teacher about attendance.",
    "Reviewed the chronology before the conference.",
};
static const char *const MIDDLES[] = {
    "The house was warm and tidy, with food in the fridge.",
    "The kitchen was cluttered and there were dirty dishes.",
    "Attendance has dropped to around seventy percent this term.",
    "Mother said she is struggling with her mental health and not sleeping.",
    "Father has moved back into the home; mother says he is no longer drinking.",
    "The child was seen alone in their bedroom and said they felt safe.",
    "There were concerns about missed dental and health appointments.",
    "Neighbours reported shouting late at night over the weekend.",
    "The adult manages personal care with a little help each morning.",
    "Carers report the adult has had two falls since the last review.",
    "Rent arrears are rising and a notice has been served.",
    "The young person has been missing from home twice this month.",
    "School report that behaviour has improved since the last meeting.",
    "Bruising to the upper arm was explained as a fall in the park.",
    "The family have engaged well with the parenting programme.",
    "Medication is now delivered weekly in a blister pack.",
    "There is no food bank referral yet; one was offered.",
    "Domestic abuse advisor has been in touch with mother.",
    "The baby was feeding well and weight is on the centile line.",
    "Police attended the address on Saturday after a 999 call.",
};
static const char *const CLOSERS[] = {
    "Next visit booked in two weeks.",
    "Will update the plan and share it with the family.",
    "Actions agreed: school to monitor attendance, health visitor to visit.",
    "Manager informed; no change to the plan for now.",
    "Referral to the family support service to be made this week.",
    "Will chase the GP for a report before the review.",
    "Agreed to speak again on Friday.",
    "Case discussed with the adult; they agree with the next steps.",
};
static const char *const PHRASES[] = {
    "Seen and spoken with",      "As discussed with the family", "See the case notes",
    "Agreed at the meeting",     "Shared with partners",         "Recorded by the worker",
    "Reviewed with the manager", "No concerns raised",           "Family informed in person",
};
static const char *const FORENAMES[] = {"Sam",   "Alex",  "Jo",     "Chris", "Pat",    "Jordan",
                                        "Robin", "Kim",   "Lee",    "Sasha", "Morgan", "Taylor",
                                        "Amir",  "Priya", "Oksana", "Ewa",   "Kofi",   "Aisha"};
static const char *const SURNAMES[] = {"Ashdown", "Brereton", "Carrow",  "Dunmore",   "Elsworth",
                                       "Fenwick", "Garside",  "Hollins", "Ingleby",   "Jessop",
                                       "Kemble",  "Lowther",  "Marsden", "Northcott", "Okafor",
                                       "Patel",   "Quayle",   "Rahman",  "Sowerby",   "Thwaite"};
static const char *const ROLES[] = {"Designated safeguarding lead",
                                    "Police officer",
                                    "Health visitor",
                                    "GP",
                                    "Neighbour",
                                    "Family member",
                                    "Housing officer",
                                    "Community nurse",
                                    "Hospital social worker",
                                    "Youth worker"};
static const char *const ORGS[] = {"Northmere Police",           "Northmere Community Health",
                                   "Ashby Primary School",       "Fenwick Academy",
                                   "Northmere General Hospital", "Northmere Homes",
                                   "St Anne's Surgery",          NULL};
static const char *const CHILD_CONCERNS[] = {
    "Child arrived at school hungry and with unexplained bruising.",
    "Police called to a domestic incident at the home; the children were present.",
    "Parent seen under the influence of alcohol when collecting the children.",
    "Young person disclosed that they do not want to go home.",
    "Baby missed several health appointments and the home conditions are poor.",
    "Concerns about a young person going missing and older associates.",
    "Parent asked for help with behaviour and money worries.",
    "Sibling reported the child is left alone overnight.",
};
static const char *const ADULT_CONCERNS[] = {
    "Adult struggling with personal care since coming home from hospital.",
    "Neighbour worried that an older man is not eating and is confused.",
    "Carer says she cannot carry on without a break.",
    "Concern that a relative is taking the adult's money.",
    "Adult with a learning disability at risk of losing their tenancy.",
    "Care home staff report unexplained bruising on a resident.",
};

static const char *pick(struct wk *w, const char *const *a, size_t n)
{
    return a[seed_rng_below(&w->rng, n)];
}

const char *wk_code(struct wk *w, const char *list)
{
    const struct codelist *l = codelist_get(w->x->codes, list);
    size_t n = l ? codelist_count(l) : 0;
    if (!n)
        return NULL;
    const char *code, *label;
    codelist_entry(l, seed_rng_below(&w->rng, n), &code, &label);
    return code;
}

void wk_note_text(struct wk *w, const char *type, struct buf *b)
{
    (void)type;
    buf_puts(b, pick(w, OPENERS, N(OPENERS)));
    int n = seed_rng_range(&w->rng, 1, 3);
    for (int i = 0; i < n; i++) {
        buf_putc(b, ' ');
        buf_puts(b, pick(w, MIDDLES, N(MIDDLES)));
    }
    buf_putc(b, ' ');
    buf_puts(b, pick(w, CLOSERS, N(CLOSERS)));
}

void wk_referrer(struct wk *w, const char *source, char name[64], const char **role,
                 const char **org, char phone[16])
{
    (void)source;
    snprintf(name, 64, "%s %s", pick(w, FORENAMES, N(FORENAMES)), pick(w, SURNAMES, N(SURNAMES)));
    *role = pick(w, ROLES, N(ROLES));
    *org = pick(w, ORGS, N(ORGS));
    /* Ofcom's drama range: never a real number. */
    snprintf(phone, 16, "07700 900%03d", (int)seed_rng_below(&w->rng, 1000));
}

void wk_concern(struct wk *w, int domain, struct buf *b)
{
    if (domain == WORKFLOW_ADULTS)
        buf_puts(b, pick(w, ADULT_CONCERNS, N(ADULT_CONCERNS)));
    else
        buf_puts(b, pick(w, CHILD_CONCERNS, N(CHILD_CONCERNS)));
}

static json_t *textarea(struct wk *w)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, pick(w, MIDDLES, N(MIDDLES)));
    if (seed_rng_chance(&w->rng, 0.6)) {
        buf_putc(&b, ' ');
        buf_puts(&b, pick(w, CLOSERS, N(CLOSERS)));
    }
    json_t *v = json_string(b.data ? b.data : "");
    buf_release(&b);
    return v;
}

static json_t *codes(struct wk *w, const char *list)
{
    json_t *a = json_array();
    int n = seed_rng_range(&w->rng, 1, 3);
    for (int i = 0; i < n; i++) {
        const char *c = wk_code(w, list);
        bool seen = false;
        size_t j;
        json_t *v;
        json_array_foreach(a, j, v) seen |= c && !strcmp(json_string_value(v), c);
        if (c && !seen)
            json_array_append_new(a, json_string(c));
    }
    return a;
}

static bool after_referral_nfa(const struct wk_case *c)
{
    for (size_t i = c->nsteps; i-- > 0;)
        if (c->steps[i].outcome)
            return !strcmp(c->steps[i].s->id, "referral") && !strcmp(c->steps[i].outcome, "nfa");
    return false;
}

/* A value for field f of a step started at started and done at done. */
static json_t *value(struct wk *w, struct wk_case *c, const struct workflow_field *f,
                     int64_t started, int64_t done)
{
    struct buf b = BUF_INIT;
    json_t *v = NULL;
    int64_t at = started + (int64_t)seed_rng_below(&w->rng, (uint64_t)(done - started) + 1);
    switch (f->type) {
    case WORKFLOW_FIELD_TEXT:
        v = json_string(pick(w, PHRASES, N(PHRASES)));
        break;
    case WORKFLOW_FIELD_TEXTAREA:
        v = textarea(w);
        break;
    case WORKFLOW_FIELD_DATE: {
        int64_t day = clock_london_day(at);
        /* Conferences and reviews (held_on) are held on working days: the
         * working day before, or after if the step began that day. */
        if (!strcmp(f->name, "held_on")) {
            int64_t first = clock_london_day(started);
            int64_t d = day;
            while (d > first && !calendar_is_working_day(w->x->calendar, d))
                d--;
            while (!calendar_is_working_day(w->x->calendar, d) && d < day + 14)
                d++;
            day = d;
        }
        /* A referral closed with no further action closes the day that was
         * decided (rule 8569 for one decided just before the year began). */
        if (!strcmp(f->name, "closed_on") && after_referral_nfa(c))
            day = clock_london_day(started);
        clock_format_date(&b, day);
        v = json_string(b.data);
        break;
    }
    case WORKFLOW_FIELD_DATETIME:
        clock_format_instant(&b, at);
        v = json_string(b.data);
        break;
    case WORKFLOW_FIELD_CODE: {
        const char *code = wk_code(w, f->list);
        v = code ? json_string(code) : NULL;
        break;
    }
    case WORKFLOW_FIELD_CODES:
        v = codes(w, f->list);
        break;
    case WORKFLOW_FIELD_YES_NO:
        v = json_boolean(seed_rng_chance(&w->rng, 0.75));
        break;
    case WORKFLOW_FIELD_NUMBER:
        v = json_integer(seed_rng_range(&w->rng, 0, 3) * (seed_rng_chance(&w->rng, 0.5) ? 1 : 150));
        break;
    case WORKFLOW_FIELD_PERSON:
        v = json_integer(c->person_id);
        break;
    }
    buf_release(&b);
    return v;
}

static bool answered(const json_t *v)
{
    return v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v)) &&
           !(json_is_array(v) && !json_array_size(v));
}

bool wk_answers_fill(struct wk *w, struct wk_case *c, const struct workflow_step *s,
                     json_t *answers, int64_t started, int64_t done, struct err *e)
{
    for (size_t i = 0; i < s->nfields; i++) {
        const struct workflow_field *f = &s->fields[i];
        if (answered(json_object_get(answers, f->name)))
            continue;
        if (!f->mandatory && !seed_rng_chance(&w->rng, 0.6))
            continue;
        json_t *v = value(w, c, f, started, done);
        if (!v)
            return err_set(e, ERR_INTERNAL, f->name, "no value for %s (list %s empty?)", f->name,
                           f->list ? f->list : "-");
        json_object_set_new(answers, f->name, v);
    }
    return true;
}

/* Assessment factors the way the census wants them recorded: "21" (no
 * factors identified) only alone, and only on an assessment that ends with no
 * further action in a case that had no enquiry or plan (its closure reason is
 * then RC8); any other assessment has
 * at least one real factor. */
void wk_factors_fix(struct wk *w, json_t *answers, const char *outcome, bool none_allowed)
{
    json_t *a = json_object_get(answers, "factors");
    if (!json_is_array(a))
        return;
    if (none_allowed && !strcmp(outcome, "nfa") && seed_rng_chance(&w->rng, 0.5)) {
        json_object_set_new(answers, "factors", json_pack("[s]", "21"));
        return;
    }
    for (size_t i = json_array_size(a); i-- > 0;)
        if (!strcmp(json_string_value(json_array_get(a, i)), "21"))
            json_array_remove(a, i);
    for (int tries = 0; !json_array_size(a) && tries < 50; tries++) {
        const char *c = wk_code(w, "assessment_factors");
        if (c && strcmp(c, "21"))
            json_array_append_new(a, json_string(c));
    }
}

/* The conference that makes a child protection plan decides its category of
 * abuse (children v3 asks it there, optionally, since a conference may make no
 * plan); v1 and v2 ask it, mandatory, at the plan step. Either way it is
 * recorded with the plan, so a plan starting just before 31 March has it (rules
 * 8905, 8910). Most children have had no earlier plan. */
void wk_plan_fix(struct wk *w, const struct workflow_step *s, json_t *answers, const char *outcome)
{
    const struct workflow_field *category = workflow_step_field(s, "initial_category");
    const struct workflow_field *previous = workflow_step_field(s, "previous_plans");
    if (!category && !previous)
        return;
    if (!(category && category->mandatory) && strcmp(outcome, "cp_plan")) {
        json_object_del(answers, "initial_category");
        json_object_del(answers, "previous_plans");
        return;
    }
    const char *code = wk_code(w, "category_of_abuse");
    if (category && code && !json_string_value(json_object_get(answers, "initial_category")))
        json_object_set_new(answers, "initial_category", json_string(code));
    if (previous) {
        double u = seed_rng_unit(&w->rng);
        json_object_set_new(answers, "previous_plans",
                            json_integer(u < 0.78   ? 0
                                         : u < 0.94 ? 1
                                                    : 2));
    }
}

/* A children's referral (v2, v3) shows the person's UPN, prefilled, and asks
 * why there is none: a practitioner types no UPN the record lacks, and for a
 * child with none mostly records a reason the census accepts (UPNunknown,
 * query 8770Q): UN1 for a child under six, else never at a maintained school
 * in England (UN2), educated outside England (UN3), records that do not match
 * (UN5, as for a near-duplicate made at the front door) or not obtained (UN6).
 * Never UN7 (a later referral of the year may go further: rule 8772) nor the
 * SEN2 return's UN8-UN10. */
void wk_upn_fix(struct wk *w, const struct wk_case *c, const struct workflow_step *s,
                const json_t *given, json_t *answers)
{
    const struct workflow_field *upn = workflow_step_field(s, "upn");
    if (!workflow_step_field(s, "upn_unknown") || !upn || !upn->prefill)
        return;
    bool has_upn = json_string_value(json_object_get(given, "upn")) != NULL;
    if (!has_upn)
        json_object_del(answers, "upn");
    if (json_object_get(given, "upn_unknown")) /* the person record's own reason */
        return;
    json_object_del(answers, "upn_unknown");
    if (has_upn || !seed_rng_chance(&w->rng, 0.9))
        return;
    int64_t i = c->person_id - w->min_id;
    int64_t dob = i >= 0 && (size_t)i < w->ndob_by_id ? w->dob_by_id[i] : 0;
    double u = seed_rng_unit(&w->rng);
    const char *code = dob && clock_london_day(w->x->now) - dob < 6 * 365 ? "UN1"
                       : u < 0.45                                         ? "UN2"
                       : u < 0.75                                         ? "UN6"
                       : u < 0.9                                          ? "UN5"
                                                                          : "UN3";
    json_object_set_new(answers, "upn_unknown", json_string(code));
}

/* What practitioners record when a step begins, not when it is done: the
 * primary need when the referral is taken (rule 8610 counts an open
 * referral). */
void wk_answers_at_start(struct wk *w, struct wk_case *c, const struct workflow_step *s,
                         json_t *answers)
{
    for (size_t i = 0; i < s->nfields; i++) {
        const struct workflow_field *f = &s->fields[i];
        if (f->type != WORKFLOW_FIELD_CODE || !f->list || strcmp(f->name, "primary_need") ||
            json_object_get(answers, f->name))
            continue;
        json_t *v = value(w, c, f, 0, 0);
        if (v)
            json_object_set_new(answers, f->name, v);
    }
}
