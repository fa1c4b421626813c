#include "seed/work.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/codelist.h"
#include "domain/cases_internal.h"
#include "seed/work_internal.h"

enum { COMMIT_EVERY = 100000, SIBLINGS_MAX = 4, MAX_RECURRENCES = 16 };

/* How the council's services (bench/data/services.txt, the first part of a
 * seeded team's name) split the work: the domain whose cases a team holds and
 * whether it is that domain's front door. Teams of other services (complaints)
 * hold none. */
static const struct {
    const char *service;
    int domain;
    bool front_door;
} SERVICES[] = {
    {"Multi-Agency Safeguarding Hub", WORKFLOW_CHILDREN, true},
    {"Children's Assessment", WORKFLOW_CHILDREN, false},
    {"Child Protection and Court", WORKFLOW_CHILDREN, false},
    {"Children in Care", WORKFLOW_CHILDREN, false},
    {"Children with Disabilities", WORKFLOW_CHILDREN, false},
    {"Care Leavers", WORKFLOW_CHILDREN, false},
    {"Youth Justice", WORKFLOW_CHILDREN, false},
    {"Early Help", WORKFLOW_EARLY_HELP, true},
    {"Family Support", WORKFLOW_EARLY_HELP, false},
    {"Adult Access", WORKFLOW_ADULTS, true},
    {"Adult Locality", WORKFLOW_ADULTS, false},
    {"Hospital Discharge", WORKFLOW_ADULTS, false},
    {"Mental Health", WORKFLOW_ADULTS, false},
    {"Learning Disabilities", WORKFLOW_ADULTS, false},
    {"Safeguarding Adults", WORKFLOW_ADULTS, false},
    {"Reablement", WORKFLOW_ADULTS, false},
    {"Occupational Therapy", WORKFLOW_ADULTS, false},
};

/* Share of contacts by domain (per 100), as at a county's front doors. */
static const int DOMAIN_SHARE[3] = {55, 15, 30};

/* How often each outcome is chosen, by domain/step/outcome; anything not
 * listed (a new outcome in a later version) weighs 10. These are the rough
 * proportions of English councils' returns: most contacts end at the front
 * door, most assessments end with no further action, plans are reviewed a few
 * times before they end. */
static const struct {
    const char *key;
    int weight;
} WEIGHTS[] = {
    {"children/contact/nfa", 25},
    {"children/contact/information_advice", 25},
    {"children/contact/early_help", 15},
    {"children/contact/referral", 30},
    {"children/contact/strategy_discussion", 5},
    {"children/referral/assessment", 85},
    {"children/referral/strategy_discussion", 10},
    {"children/referral/nfa", 5},
    {"children/assessment/cin_plan", 25},
    {"children/assessment/strategy_discussion", 5},
    {"children/assessment/section47_continues", 5},
    {"children/assessment/nfa", 45},
    {"children/assessment/early_help", 20},
    {"children/strategy_discussion/section47", 70},
    {"children/strategy_discussion/no_section47", 15},
    {"children/strategy_discussion/cin_plan", 5},
    {"children/strategy_discussion/close", 10},
    {"children/section47/icpc", 40},
    {"children/section47/cin_plan", 25},
    {"children/section47/assessment_continues", 15},
    {"children/section47/close", 20},
    {"children/icpc/cp_plan", 80},
    {"children/icpc/cin_plan", 15},
    {"children/icpc/close", 5},
    {"children/review_conference/continue", 55},
    {"children/review_conference/cin_plan", 30},
    {"children/review_conference/close", 15},
    {"children/cin_review/continue", 60},
    {"children/cin_review/strategy_discussion", 3},
    {"children/cin_review/close", 37},
    {"early_help/request/accept", 60},
    {"early_help/request/information_advice", 20},
    {"early_help/request/nfa", 15},
    {"early_help/request/escalate", 5},
    {"early_help/eh_assessment/plan", 80},
    {"early_help/eh_assessment/no_needs", 12},
    {"early_help/eh_assessment/escalate", 8},
    {"early_help/eh_review/continue", 55},
    {"early_help/eh_review/close", 40},
    {"early_help/eh_review/step_up", 5},
    {"adults/contact/nfa", 15},
    {"adults/contact/information_advice", 35},
    {"adults/contact/needs_assessment", 30},
    {"adults/contact/carers_assessment", 8},
    {"adults/contact/safeguarding_concern", 12},
    {"adults/needs_assessment/eligibility", 75},
    {"adults/needs_assessment/no_needs", 25},
    {"adults/eligibility/eligible", 70},
    {"adults/eligibility/not_eligible", 30},
    {"adults/first_review/continue", 80},
    {"adults/first_review/reassess", 5},
    {"adults/first_review/close", 15},
    {"adults/annual_review/continue", 65},
    {"adults/annual_review/reassess", 5},
    {"adults/annual_review/close", 30},
    {"adults/carers_assessment/support_plan", 60},
    {"adults/carers_assessment/information_advice", 40},
    {"adults/carers_review/continue", 60},
    {"adults/carers_review/reassess", 5},
    {"adults/carers_review/close", 35},
    {"adults/s42_decision/enquiry", 45},
    {"adults/s42_decision/other_enquiry", 10},
    {"adults/s42_decision/needs_assessment", 10},
    {"adults/s42_decision/no_enquiry", 35},
    {"adults/safeguarding_outcome/close", 80},
    {"adults/safeguarding_outcome/needs_assessment", 20},
};

/* The closure reason after a step's outcome, where the DfE CIN census says
 * which (RC7: a referral that needed no further action; RC8 and RC9: closed
 * straight after an assessment); otherwise mostly "services ceased". */
static const struct {
    const char *after, *reason;
} CLOSURE_AFTER[] = {
    {"referral/nfa", "RC7"},
    {"assessment/nfa", "RC8"},
    {"assessment/early_help", "RC9"},
};
static const struct {
    const char *reason;
    int weight;
} CLOSURE_OTHERWISE[] = {{"RC7", 80}, {"RC5", 6}, {"RC4", 5}, {"RC3", 4}, {"RC6", 4}, {"RC1", 1}};

int64_t seed_work_contacts_per_year(int64_t people)
{
    return people * 120000 / 250000;
}

/* --- the event heap ---------------------------------------------------------- */

static bool before(const struct wk_event *a, const struct wk_event *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static bool push(struct wk *w, struct wk_event ev, struct err *e)
{
    if (ev.at >= w->end) { /* after the as-of day: left as it is (an open step) */
        free(ev.answers);
        return true;
    }
    if (w->nheap == w->cap_heap) {
        size_t cap = w->cap_heap ? 2 * w->cap_heap : 4096;
        struct wk_event *h = realloc(w->heap, cap * sizeof *h);
        if (!h)
            return err_set(e, ERR_NOMEM, "", "out of memory");
        w->heap = h;
        w->cap_heap = cap;
    }
    ev.seq = w->seq++;
    if (ev.c)
        ev.c->refs++;
    size_t i = w->nheap++;
    while (i && before(&ev, &w->heap[(i - 1) / 2])) {
        w->heap[i] = w->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    w->heap[i] = ev;
    return true;
}

static struct wk_event pop(struct wk *w)
{
    struct wk_event top = w->heap[0], last = w->heap[--w->nheap];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const struct wk_event *best = &last;
        if (l < w->nheap && before(&w->heap[l], best))
            best = &w->heap[m = l];
        if (r < w->nheap && before(&w->heap[r], best))
            best = &w->heap[m = r];
        if (m == i)
            break;
        w->heap[i] = w->heap[m];
        i = m;
    }
    if (w->nheap)
        w->heap[i] = last;
    return top;
}

/* --- cases ------------------------------------------------------------------- */

static void case_events_free(struct wk_case *c)
{
    for (size_t i = 0; i < c->nev; i++)
        free((char *)c->ev[i].name);
    c->nev = 0;
}

static void case_free(struct wk_case *c)
{
    case_events_free(c);
    for (size_t i = 0; i < c->nsteps; i++)
        json_decref(c->steps[i].answers);
    free(c->steps);
    free(c->ev);
    free(c);
}

/* Only a case's own events make new events for it, so once none is pending
 * (closed, or everything next falls after the as-of day) nothing will name
 * it again. */
static void case_unref(struct wk_case *c)
{
    if (c && --c->refs <= 0)
        case_free(c);
}

static bool add_event(struct wk_case *c, const char *step, const char *what, int64_t at,
                      struct err *e)
{
    if (c->nev == c->cap_ev) {
        size_t cap = c->cap_ev ? 2 * c->cap_ev : 8;
        struct workflow_event *ev = realloc(c->ev, cap * sizeof *ev);
        if (!ev)
            return err_set(e, ERR_NOMEM, "", "out of memory");
        c->ev = ev;
        c->cap_ev = cap;
    }
    size_t size = strlen(step) + strlen(what) + 2;
    char *name = malloc(size);
    if (!name)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    snprintf(name, size, "%s%s%s", step, *what ? "." : "", what);
    c->ev[c->nev++] = (struct workflow_event){name, at};
    return true;
}

static int weight_of(const struct wk_case *c, const struct wk_step *st,
                     const struct workflow_outcome *o)
{
    char key[160];
    snprintf(key, sizeof key, "%s/%s/%s", workflow_domain_name(workflow_def_domain(c->d)),
             st->s->id, o->id);
    for (size_t i = 0; i < sizeof WEIGHTS / sizeof WEIGHTS[0]; i++)
        if (!strcmp(WEIGHTS[i].key, key))
            return WEIGHTS[i].weight;
    return 10;
}

static int open_steps(const struct wk_case *c)
{
    int n = 0;
    for (size_t i = 0; i < c->nsteps; i++)
        n += c->steps[i].open;
    return n;
}

static int occurrences(const struct wk_case *c, const struct workflow_step *s)
{
    int n = 0;
    for (size_t i = 0; i < c->nsteps; i++)
        n += c->steps[i].s == s;
    return n;
}

/* While two branches of a children's case run side by side (an assessment
 * beside a section 47 enquiry), one does not start a plan or close the case
 * or a second strategy discussion while the other may still lead to a child
 * protection plan: practitioners let the enquiry decide, so the census sees
 * no CIN plan beside a CP plan (4001, 4014, 4016), no two CP plans at once
 * (8935, 8940) and no episode closed with an enquiry unfinished. */
static bool parallel_decides(const struct wk_case *c, const struct workflow_outcome *o)
{
    if (c->domain != WORKFLOW_CHILDREN)
        return false;
    for (size_t k = 0; k < o->nnext; k++)
        if (!strcmp(o->next[k]->id, "cin_plan") || !strcmp(o->next[k]->id, "closure") ||
            !strcmp(o->next[k]->id, "strategy_discussion"))
            return true;
    return o->closes;
}

/* A referral is not closed "no further action" (RC7) once a strategy
 * discussion or enquiry has begun beside it (rule 8831): it goes on. */
static bool enquired(const struct wk_case *c, const struct wk_step *st,
                     const struct workflow_outcome *o)
{
    if (c->domain != WORKFLOW_CHILDREN || strcmp(st->s->id, "referral") || strcmp(o->id, "nfa"))
        return false;
    for (size_t i = 0; i < c->nsteps; i++)
        if (strcmp(c->steps[i].s->id, "contact") && strcmp(c->steps[i].s->id, "referral"))
            return true;
    return false;
}

/* "No further action" on a referral is decided as the referral is taken (the
 * census's ReferralNFA); a referral still undecided a week on has become work,
 * so it goes on to an assessment. Otherwise a referral taken before 1 April
 * could be closed NFA in the next collection year (rule 8569). */
static bool late_nfa(const struct wk *w, const struct wk_case *c, const struct wk_step *st,
                     const struct workflow_outcome *o)
{
    return c->domain == WORKFLOW_CHILDREN && !strcmp(st->s->id, "referral") &&
           !strcmp(o->id, "nfa") && w->x->now - st->started_at > 7 * CLOCK_SECONDS_PER_DAY;
}

/* An outcome for the step: by weight, never one that would leave the case
 * with nothing open and not closed, and no endless reviews. */
static const struct workflow_outcome *choose(struct wk *w, const struct wk_case *c,
                                             const struct wk_step *st)
{
    int weights[64], total = 0;
    size_t n = st->s->noutcomes < 64 ? st->s->noutcomes : 64;
    bool alone = open_steps(c) <= 1;
    int pending = 0; /* open or awaiting a manager's authorisation */
    for (size_t i = 0; i < c->nsteps; i++)
        pending += c->steps[i].open || !c->steps[i].outcome;
    bool alone_pending = pending <= 1;
    int again = occurrences(c, st->s);
    for (size_t i = 0; i < n; i++) {
        const struct workflow_outcome *o = &st->s->outcomes[i];
        int wgt = weight_of(c, st, o);
        if (!o->closes && !o->nnext && alone)
            wgt = 0;
        if (!alone_pending && parallel_decides(c, o))
            wgt = 0;
        if (enquired(c, st, o) || late_nfa(w, c, st, o))
            wgt = 0;
        for (size_t k = 0; k < o->nnext; k++)
            if (o->next[k] == st->s && again >= MAX_RECURRENCES)
                wgt = 0;
        weights[i] = wgt;
        total += wgt;
    }
    if (!total && !alone_pending) /* another branch decides: this one just ends */
        for (size_t i = 0; i < n; i++)
            if (!st->s->outcomes[i].closes && !st->s->outcomes[i].nnext)
                return &st->s->outcomes[i];
    if (!total) { /* nothing weighs: the first outcome that moves the case on */
        for (size_t i = 0; i < n; i++)
            if (st->s->outcomes[i].closes || st->s->outcomes[i].nnext)
                return &st->s->outcomes[i];
        return &st->s->outcomes[0];
    }
    int r = (int)seed_rng_below(&w->rng, (uint64_t)total);
    for (size_t i = 0; i < n; i++)
        if ((r -= weights[i]) < 0)
            return &st->s->outcomes[i];
    return &st->s->outcomes[n - 1];
}

/* When a step started at started and due at due (0: no limit) gets done:
 * most on time, some late, as in councils' returns. */
static int64_t completion(struct wk *w, int64_t started, int64_t due)
{
    const int64_t hour = 3600, day = CLOCK_SECONDS_PER_DAY;
    if (!due || due <= started)
        return started + hour + (int64_t)seed_rng_below(&w->rng, 14 * (uint64_t)day);
    if (seed_rng_chance(&w->rng, 0.14)) /* late */
        return w->r->late++, due + hour + (int64_t)seed_rng_below(&w->rng, 25 * (uint64_t)day);
    int64_t span = due - started;
    return started + span / 5 + (int64_t)seed_rng_below(&w->rng, (uint64_t)(span - span / 5));
}

static void act_as(struct wk *w, int user)
{
    w->x->who = &w->users[user].who;
}

/* Who does step s of c: the allocated worker, the team's manager for a
 * manager's step, or a front-door worker before allocation. */
static int performer(struct wk *w, const struct wk_case *c, const struct workflow_step *s)
{
    int u = c->worker != WK_NONE ? c->worker : c->front_worker;
    if (!workflow_step_allows_role(s, w->users[u].who.role)) {
        int m = w->teams[w->users[u].team].manager;
        if (m != WK_NONE && workflow_step_allows_role(s, w->users[m].who.role))
            return m;
    }
    return u;
}

static int manager_for(struct wk *w, const struct wk_case *c, int not_user)
{
    int u = c->worker != WK_NONE ? c->worker : c->front_worker;
    int m = w->teams[w->users[u].team].manager;
    if (m != WK_NONE && m != not_user)
        return m;
    for (size_t i = 0; i < w->nteams; i++) { /* four eyes: any other manager */
        int other = w->teams[(size_t)(w->users[u].team + 1 + (int)i) % w->nteams].manager;
        if (other != WK_NONE && other != not_user)
            return other;
    }
    return m;
}

static bool commit_now_and_then(struct wk *w, struct err *e)
{
    if (w->writes_since_commit < COMMIT_EVERY)
        return true;
    w->writes_since_commit = 0;
    return wk_commit(w, true, e);
}

static bool start_step(struct wk *w, struct wk_case *c, const struct workflow_step *s, int64_t at,
                       json_t *given, struct err *e)
{
    if (c->nsteps == c->cap_steps) {
        size_t cap = c->cap_steps ? 2 * c->cap_steps : 4;
        struct wk_step *ss = realloc(c->steps, cap * sizeof *ss);
        if (!ss) {
            json_decref(given);
            return err_set(e, ERR_NOMEM, "", "out of memory");
        }
        c->steps = ss;
        c->cap_steps = cap;
    }
    struct wk_step *st = &c->steps[c->nsteps++];
    *st = (struct wk_step){
        .s = s, .started_at = at, .open = true, .answers = given ? given : json_object()};
    if (!add_event(c, s->id, "started", at, e))
        return false;
    int64_t due = 0;
    if (s->timescale.set && !workflow_step_due(s, w->x->calendar, c->ev, c->nev, &due, e))
        return false;
    wk_answers_at_start(w, c, s, st->answers);
    bool want = false;
    for (size_t i = 0; i < s->nfields; i++)
        want |= s->fields[i].prefill || s->fields[i].copy_forward;
    if (want && !step_answers_prefill(w->x, s, c->person_id, st->answers, e))
        return false;
    char *text = json_dumps(st->answers, JSON_COMPACT | JSON_SORT_KEYS);
    bool ok = text && wk_write_step_start(w, c, st, due, text, e);
    free(text);
    if (!ok)
        return e->code ? false : err_set(e, ERR_NOMEM, "", "out of memory");
    return push(
        w,
        (struct wk_event){
            .at = completion(w, at, due), .kind = WK_COMPLETE, .c = c, .step = c->nsteps - 1},
        e);
}

static bool allocate(struct wk *w, struct wk_case *c, struct err *e)
{
    const int *pool = w->pool[c->domain];
    size_t n = w->npool[c->domain];
    /* The least loaded of three drawn at random: caseloads even out, but not
     * perfectly, as in a real team. */
    int best = pool[seed_rng_below(&w->rng, n)];
    for (int i = 0; i < 2; i++) {
        int u = pool[seed_rng_below(&w->rng, n)];
        if (w->users[u].open < w->users[best].open)
            best = u;
    }
    int m = w->teams[w->users[best].team].manager;
    act_as(w, m != WK_NONE ? m : best);
    if (!wk_write_allocate(w, c, best, "New case from the front door", e))
        return false;
    c->worker = best;
    c->team = w->users[best].team;
    if (c->domain == WORKFLOW_CHILDREN)
        w->busy[c->person_id - w->min_id] = 1;
    w->users[best].open++;
    int64_t gap = (int64_t)((2 + seed_rng_below(&w->rng, 20)) * CLOCK_SECONDS_PER_DAY);
    return push(w, (struct wk_event){.at = w->x->now + gap, .kind = WK_NOTE, .c = c}, e);
}

/* The outcome takes effect at w->x->now (completion or authorisation). */
static bool take_effect(struct wk *w, struct wk_case *c, struct wk_step *st,
                        const struct workflow_outcome *o, const char *closure, struct err *e)
{
    int64_t now = w->x->now;
    st->open = false;
    st->outcome = o->id;
    if (!add_event(c, st->s->id, "completed", now, e))
        return false;
    if (o->closes) {
        if (!wk_write_close(w, c, closure && *closure ? closure : o->id, e))
            return false;
        c->closed = true;
        for (size_t i = 0; i < c->nsteps; i++)
            c->steps[i].open = false;
        if (c->worker != WK_NONE)
            w->users[c->worker].open--;
        if (c->domain == WORKFLOW_CHILDREN)
            w->busy[c->person_id - w->min_id] = 0;
        return true;
    }
    if (o->nnext && c->worker == WK_NONE && !allocate(w, c, e))
        return false;
    for (size_t i = 0; i < o->nnext; i++) {
        bool running = false;
        for (size_t k = 0; k < c->nsteps; k++)
            running |= c->steps[k].open && c->steps[k].s == o->next[i];
        act_as(w, performer(w, c, o->next[i]));
        if (!running && !start_step(w, c, o->next[i], now, NULL, e))
            return false;
    }
    return true;
}

/* Whether the case went further than an assessment (an enquiry, a conference
 * or a plan): then its closure is not "after assessment, no further action"
 * (RC8, rule 2990) and its assessment does not say "no factors" (21). */
static bool went_further(const struct wk_case *c)
{
    static const char *const further[] = {"section47", "icpc", "cp_plan", "cin_plan"};
    for (size_t i = 0; i < c->nsteps; i++)
        for (size_t k = 0; k < sizeof further / sizeof further[0]; k++)
            if (!strcmp(c->steps[i].s->id, further[k]))
                return true;
    return false;
}

/* The closure reason for outcome o (a code of its list), from the outcome
 * that led to the closing step. */
static const char *closure_reason(struct wk *w, const struct wk_case *c,
                                  const struct workflow_outcome *o)
{
    if (!o->closes || !o->close_reasons)
        return NULL;
    const struct codelist *l = codelist_get(w->x->codes, o->close_reasons);
    if (!strcmp(o->close_reasons, "closure_reason")) {
        for (size_t i = c->nsteps; i-- > 0;) {
            const struct wk_step *st = &c->steps[i];
            if (!st->outcome)
                continue;
            char key[120];
            snprintf(key, sizeof key, "%s/%s", st->s->id, st->outcome);
            for (size_t k = 0; k < sizeof CLOSURE_AFTER / sizeof CLOSURE_AFTER[0]; k++)
                if (!strcmp(key, CLOSURE_AFTER[k].after) &&
                    codelist_has(l, CLOSURE_AFTER[k].reason) &&
                    !(strcmp(CLOSURE_AFTER[k].reason, "RC8") == 0 && went_further(c)))
                    return CLOSURE_AFTER[k].reason;
            break;
        }
        int r = (int)seed_rng_below(&w->rng, 100);
        for (size_t k = 0; k < sizeof CLOSURE_OTHERWISE / sizeof CLOSURE_OTHERWISE[0]; k++)
            if ((r -= CLOSURE_OTHERWISE[k].weight) < 0 &&
                codelist_has(l, CLOSURE_OTHERWISE[k].reason))
                return CLOSURE_OTHERWISE[k].reason;
    }
    return wk_code(w, o->close_reasons);
}

static bool complete(struct wk *w, struct wk_case *c, size_t idx, struct err *e)
{
    struct wk_step *st = &c->steps[idx];
    if (c->closed || !st->open)
        return true;
    const struct workflow_outcome *o = choose(w, c, st);
    int who = performer(w, c, st->s);
    act_as(w, who);
    json_t *answers = json_deep_copy(st->answers);
    struct buf missing = BUF_INIT;
    const char *closure = closure_reason(w, c, o);
    bool ok = answers && wk_answers_fill(w, c, st->s, answers, st->started_at, w->x->now, e) &&
              (wk_factors_fix(w, answers, o->id, !went_further(c)), true) &&
              (wk_plan_fix(w, st->s, answers, o->id), true) &&
              (wk_upn_fix(w, c, st->s, st->answers, answers), true) &&
              step_answers_check(w->x, st->s, answers, e);
    if (ok && step_answers_missing_for(st->s, answers, o->id, &missing))
        ok = err_set(e, ERR_INTERNAL, "answers", "generated answers miss %s", missing.data);
    buf_release(&missing);
    char *text = ok ? json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    ok = ok && text && wk_write_submit(w, c, st, o, answers, text, closure, e);
    json_decref(answers);
    if (ok && st->s->authorise) {
        struct wk_event ev = {.at = w->x->now + 1800 +
                                    (int64_t)seed_rng_below(&w->rng, 3 * CLOCK_SECONDS_PER_DAY),
                              .kind = WK_AUTHORISE,
                              .c = c,
                              .step = idx,
                              .by = who,
                              .o = o,
                              .answers = text};
        snprintf(ev.closure, sizeof ev.closure, "%s", closure ? closure : "");
        st->open = false; /* awaiting authorisation: not the worker's to complete again */
        return push(w, ev, e);
    }
    ok = ok && wk_write_version(w, st, text, o, w->users[who].id, e);
    free(text);
    if (!ok)
        return e->code ? false : err_set(e, ERR_NOMEM, "", "out of memory");
    if (!c->nsteps || idx != 0 || !c->contact_id || (ok = wk_write_decision(w, c, o->id, e)))
        ok = take_effect(w, c, st, o, closure, e);
    return ok;
}

static bool authorise(struct wk *w, struct wk_event *ev, struct err *e)
{
    struct wk_case *c = ev->c;
    struct wk_step *st = &c->steps[ev->step];
    if (c->closed)
        return true;
    act_as(w, manager_for(w, c, ev->by));
    if (!wk_write_authorise(w, c, st, w->users[ev->by].id, e) ||
        !wk_write_version(w, st, ev->answers, ev->o, w->users[ev->by].id, e))
        return false;
    st->open = true; /* take_effect closes it */
    if (ev->step == 0 && c->contact_id && !wk_write_decision(w, c, ev->o->id, e))
        return false;
    return take_effect(w, c, st, ev->o, ev->closure, e);
}

static bool note(struct wk *w, struct wk_case *c, struct err *e)
{
    if (c->closed || c->worker == WK_NONE)
        return true;
    act_as(w, c->worker);
    const char *type = wk_code(w, "note_type");
    struct buf on = BUF_INIT;
    clock_format_date(&on, clock_london_day(w->x->now));
    buf_reset(&w->b);
    wk_note_text(w, type, &w->b);
    bool ok = type && wk_write_note(w, c, type, on.data, w->b.data, e);
    buf_release(&on);
    if (!ok)
        return e->code ? false : err_set(e, ERR_INVALID, "note_type", "no note types");
    double f = w->o->note_factor > 0 ? w->o->note_factor : 1.0;
    int64_t gap =
        (int64_t)((21.0 + (double)seed_rng_below(&w->rng, 50)) / f * (double)CLOCK_SECONDS_PER_DAY);
    return push(w, (struct wk_event){.at = w->x->now + gap, .kind = WK_NOTE, .c = c}, e);
}

/* --- contacts ------------------------------------------------------------------ */

/* Someone of the right age on day: a child (0-17) or an adult (18+). */
static int64_t pick_person(struct wk *w, int64_t day, bool child)
{
    /* pdob is in birth order: the children on day are a suffix of it. */
    int64_t cut = day - 18 * 365 - 4; /* born after cut: a child */
    size_t lo = 0, hi = w->npeople;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (w->pdob[mid] <= cut)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t born_by = lo, hi2 = w->npeople; /* and born by day */
    lo = born_by;
    while (lo < hi2) {
        size_t mid = (lo + hi2) / 2;
        if (w->pdob[mid] <= day)
            lo = mid + 1;
        else
            hi2 = mid;
    }
    if (child)
        return lo > born_by ? w->pid[born_by + seed_rng_below(&w->rng, lo - born_by)] : 0;
    /* adults: older people come to adult services more often */
    if (!born_by)
        return 0;
    size_t i = seed_rng_below(&w->rng, born_by);
    if (seed_rng_chance(&w->rng, 0.5))
        i = seed_rng_below(&w->rng, i + 1);
    return w->pid[i];
}

static bool contact(struct wk *w, int domain, struct err *e)
{
    const struct workflow_def *d = w->defs[domain];
    int64_t day = clock_london_day(w->x->now);
    int64_t people[1 + SIBLINGS_MAX];
    size_t n = 0;
    /* A child with an open children's episode is not referred again: the
     * census allows one open episode at a time (the contact would join it). */
    for (int tries = 0; tries < 4; tries++) {
        people[n] = pick_person(w, day, domain != WORKFLOW_ADULTS);
        if (!people[n] || domain != WORKFLOW_CHILDREN || !w->busy[people[n] - w->min_id])
            break;
        people[n] = 0;
    }
    if (!people[n])
        return true; /* nobody of that age yet */
    n++;
    if (domain != WORKFLOW_ADULTS && seed_rng_chance(&w->rng, 0.3)) {
        n += wk_siblings(w, people[0], day, people + 1, SIBLINGS_MAX, e);
        if (e->code)
            return false;
        if (domain == WORKFLOW_CHILDREN) { /* a sibling already in an episode joins it */
            size_t kept = 1;
            for (size_t i = 1; i < n; i++)
                if (!w->busy[people[i] - w->min_id])
                    people[kept++] = people[i];
            n = kept;
        }
    }
    int fw = w->front[domain][seed_rng_below(&w->rng, w->nfront[domain])];
    act_as(w, fw);
    const char *source = wk_code(w, "referral_source");
    char referrer[64], phone[16];
    const char *role, *org;
    wk_referrer(w, source, referrer, &role, &org, phone);
    buf_reset(&w->detail);
    wk_concern(w, domain, &w->detail);
    struct buf who = BUF_INIT;
    buf_puts(&who, referrer);
    buf_printf(&who, " (%s)", role);
    if (org)
        buf_printf(&who, ", %s", org);
    int64_t contact_id;
    if (!source)
        return err_set(e, ERR_INVALID, "referral_source", "the referral_source list is empty");
    bool ok = wk_write_contact(w, domain, workflow_def_pathway(d), source, referrer, role, org,
                               phone, w->detail.data, &contact_id, e);
    const struct workflow_step *first = workflow_def_start_at(d, 0);
    for (size_t i = 0; ok && i < n; i++) {
        struct wk_case *c = calloc(1, sizeof *c);
        if (!c) {
            ok = err_set(e, ERR_NOMEM, "", "out of memory");
            break;
        }
        *c = (struct wk_case){.person_id = people[i],
                              .contact_id = contact_id,
                              .received_at = w->x->now,
                              .d = d,
                              .domain = domain,
                              .team = WK_NONE,
                              .worker = WK_NONE,
                              .front_worker = fw};
        /* The episode is open from the contact on, before anyone holds it. */
        if (domain == WORKFLOW_CHILDREN)
            w->busy[people[i] - w->min_id] = 1;
        /* What contacts_create puts into the front-door form (the shipped
         * pathways name these fields differently), where the form has it. */
        json_t *given = json_object();
        const char *keys[] = {"referral_source",  "referrer", "contact_from", "requested_by",
                              "referrer_contact", "concern",  "reason",       "needs"};
        const char *vals[] = {source, who.data,       who.data,       who.data,
                              phone,  w->detail.data, w->detail.data, w->detail.data};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (workflow_step_field(first, keys[k]))
                json_object_set_new(given, keys[k], json_string(vals[k]));
        for (size_t f = 0; f < first->nfields; f++)
            if (first->fields[f].type == WORKFLOW_FIELD_PERSON) {
                json_object_set_new(given, first->fields[f].name, json_integer(people[i]));
                break;
            }
        ok = add_event(c, "case", "received", w->x->now, e) && wk_write_case(w, c, e) &&
             start_step(w, c, first, w->x->now, given, e) &&
             wk_write_contact_person(w, c, source, e);
        if (!c->refs) { /* nothing pending (the step is after the as-of day) */
            c->refs = 1;
            case_unref(c);
        }
    }
    buf_release(&who);
    return ok;
}

/* --- loading what the population seed wrote ----------------------------------- */

static const char SQL_PEOPLE[] = "SELECT id, dob FROM people WHERE merged_into IS NULL AND dod IS"
                                 " NULL AND dob IS NOT NULL ORDER BY dob, id";
static const char SQL_MAX_ID[] = "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM people";
static const char SQL_TEAMS[] = "SELECT id, name FROM teams ORDER BY id";
static const char SQL_USERS[] =
    "SELECT u.id, u.username, u.display_name, u.role, ut.team_id FROM users u"
    " JOIN user_teams ut ON ut.user_id = u.id WHERE u.disabled = 0"
    " AND u.role IN ('manager', 'practitioner') ORDER BY u.id, ut.team_id";

static bool load_people(struct wk *w, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_MAX_ID, e);
    if (!st || store_step(st, e) != STORE_ROW)
        return false;
    w->min_id = store_col_int64(st, 0);
    w->ndob_by_id = (size_t)(store_col_int64(st, 1) - w->min_id + 1);
    if (!(w->dob_by_id = calloc(w->ndob_by_id, sizeof *w->dob_by_id)) ||
        !(w->busy = calloc(w->ndob_by_id, 1)) ||
        !(w->pid = malloc(w->ndob_by_id * sizeof *w->pid)) ||
        !(w->pdob = malloc(w->ndob_by_id * sizeof *w->pdob)))
        return err_set(e, ERR_NOMEM, "", "out of memory");
    if (!(st = store_prepare(w->x->conn, SQL_PEOPLE, e)))
        return false;
    enum store_step_result r;
    struct err pe = ERR_INIT;
    while ((r = store_step(st, e)) == STORE_ROW) {
        int64_t id = store_col_int64(st, 0), dob;
        if (!clock_parse_date(store_col_text(st, 1), &dob, &pe) || id < w->min_id ||
            (size_t)(id - w->min_id) >= w->ndob_by_id)
            continue;
        w->dob_by_id[id - w->min_id] = dob;
        w->pid[w->npeople] = id;
        w->pdob[w->npeople++] = dob;
    }
    return r == STORE_DONE;
}

static bool load_staff(struct wk *w, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_TEAMS, e);
    if (!st)
        return false;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct wk_team *t = realloc(w->teams, (w->nteams + 1) * sizeof *t);
        if (!t)
            return err_set(e, ERR_NOMEM, "", "out of memory");
        w->teams = t;
        t = &w->teams[w->nteams++];
        *t = (struct wk_team){store_col_int64(st, 0), WK_NONE, false, WK_NONE};
        const char *name = store_col_text(st, 1);
        for (size_t i = 0; i < sizeof SERVICES / sizeof SERVICES[0]; i++) {
            size_t len = strlen(SERVICES[i].service);
            if (!strncmp(name, SERVICES[i].service, len) && (!name[len] || name[len] == ',')) {
                t->domain = SERVICES[i].domain;
                t->front_door = SERVICES[i].front_door;
            }
        }
    }
    if (r != STORE_DONE || !(st = store_prepare(w->x->conn, SQL_USERS, e)))
        return false;
    int64_t last = 0;
    while ((r = store_step(st, e)) == STORE_ROW) {
        int64_t id = store_col_int64(st, 0), team_id = store_col_int64(st, 4);
        if (id == last)
            continue; /* the first team of someone in several */
        last = id;
        size_t team = 0;
        while (team < w->nteams && w->teams[team].id != team_id)
            team++;
        struct wk_user *u = realloc(w->users, (w->nusers + 1) * sizeof *u);
        if (!u || team == w->nteams)
            return u ? true : err_set(e, ERR_NOMEM, "", "out of memory");
        w->users = u;
        u = &w->users[w->nusers++];
        memset(u, 0, sizeof *u);
        u->id = id;
        u->team = (int)team;
        snprintf(u->username, sizeof u->username, "%s", store_col_text(st, 1));
        enum role role = ROLE_PRACTITIONER;
        access_parse_role(store_col_text(st, 3), &role);
        u->who = (struct principal){.user_id = id, .username = u->username, .role = role};
    }
    if (r != STORE_DONE)
        return false;
    for (size_t i = 0; i < w->nusers; i++) /* usernames moved with realloc */
        w->users[i].who.username = w->users[i].username;
    for (size_t i = 0; i < w->nusers; i++)
        if (w->users[i].who.role == ROLE_MANAGER && w->teams[w->users[i].team].manager == WK_NONE)
            w->teams[w->users[i].team].manager = (int)i;
    /* Front doors and caseload pools per domain; where a profile has no team
     * of the kind, the nearest there is (any practitioner at last). */
    for (int d = 0; d < 3; d++) {
        if (!(w->front[d] = malloc(w->nusers * sizeof(int))) ||
            !(w->pool[d] = malloc(w->nusers * sizeof(int))))
            return err_set(e, ERR_NOMEM, "", "out of memory");
        for (int pass = 0; pass < 3; pass++) {
            for (size_t i = 0; i < w->nusers; i++) {
                const struct wk_user *u = &w->users[i];
                const struct wk_team *t = &w->teams[u->team];
                if (u->who.role != ROLE_PRACTITIONER)
                    continue;
                bool mine = pass == 2 || t->domain == d;
                if (mine && (pass == 2 || t->front_door))
                    w->front[d][w->nfront[d]++] = (int)i;
                if (mine && (pass >= 1 || !t->front_door))
                    w->pool[d][w->npool[d]++] = (int)i;
            }
            if (w->nfront[d] && w->npool[d])
                break;
            w->nfront[d] = w->npool[d] = 0;
        }
        if (!w->nfront[d])
            return err_set(e, ERR_INVALID, "users", "no practitioners to do the work");
    }
    return true;
}

/* --- the run ---------------------------------------------------------------------- */

static bool handle(struct wk *w, struct wk_event *ev, struct err *e)
{
    w->x->now = ev->at;
    switch (ev->kind) {
    case WK_CONTACT:
        return contact(w, ev->domain, e);
    case WK_COMPLETE:
        return complete(w, ev->c, ev->step, e);
    case WK_AUTHORISE:
        return authorise(w, ev, e);
    case WK_NOTE:
        return note(w, ev->c, e);
    }
    return true;
}

/* The day's contacts: more on weekdays, in office hours mostly. */
static bool schedule_day(struct wk *w, int64_t day, double per_day, struct err *e)
{
    int wd = clock_weekday(day); /* 0 Monday .. 6 Sunday? counted below either way */
    bool weekend = !calendar_is_working_day(w->x->calendar, day);
    (void)wd;
    double expect = per_day * (weekend ? 0.35 : 1.26);
    int n = (int)expect + (seed_rng_unit(&w->rng) < expect - (int)expect);
    int total = DOMAIN_SHARE[0] * (w->defs[0] != NULL) + DOMAIN_SHARE[1] * (w->defs[1] != NULL) +
                DOMAIN_SHARE[2] * (w->defs[2] != NULL);
    for (int i = 0; i < n && total; i++) {
        int r = (int)seed_rng_below(&w->rng, (uint64_t)total), d = 0;
        for (d = 0; d < 3; d++)
            if (w->defs[d] && (r -= DOMAIN_SHARE[d]) < 0)
                break;
        int hour = weekend ? seed_rng_range(&w->rng, 0, 23) : seed_rng_range(&w->rng, 8, 18);
        int64_t at = clock_london_to_instant(day, hour, seed_rng_range(&w->rng, 0, 59),
                                             seed_rng_range(&w->rng, 0, 59));
        if (!push(w, (struct wk_event){.at = at, .kind = WK_CONTACT, .domain = d}, e))
            return false;
    }
    return true;
}

static void wk_free(struct wk *w)
{
    /* Everything still pending; a case is freed when its last event goes. */
    while (w->nheap) {
        struct wk_event ev = pop(w);
        free(ev.answers);
        case_unref(ev.c);
    }
    free(w->heap);
    for (int d = 0; d < 3; d++) {
        free(w->front[d]);
        free(w->pool[d]);
    }
    free(w->users);
    free(w->teams);
    free(w->pid);
    free(w->pdob);
    free(w->dob_by_id);
    free(w->busy);
    buf_release(&w->b);
    buf_release(&w->detail);
    free(w->fts);
    buf_release(&w->fts_text);
    seed_audit_release(&w->audit);
}

bool seed_work_run(struct ctx *x, const struct seed_work_options *o, struct seed_work_report *r,
                   struct err *e)
{
    memset(r, 0, sizeof *r);
    if (!x->codes || !x->workflows || !x->calendar)
        return err_set(e, ERR_INTERNAL, "", "seed_work_run needs codes, workflows and a calendar");
    struct wk w = {.x = x, .o = o, .r = r};
    const struct principal *caller = x->who;
    int64_t caller_now = x->now;
    seed_rng_init(&w.rng, o->seed ^ 0x5EEDC0DEULL);
    int64_t start_day = o->as_of - (int64_t)o->years * 365 - o->years / 4;
    w.end = clock_london_to_instant(o->as_of, 0, 0, 0);
    bool ok = false;
    x->now = clock_london_to_instant(start_day, 0, 0, 0);
    if (!store_begin(x->conn, true, e) || !load_people(&w, e) || !load_staff(&w, e) ||
        !wk_ids_load(&w, e))
        goto done;
    for (size_t i = 0; i < workflow_set_count(x->workflows); i++) {
        const struct workflow_def *d = workflow_set_at(x->workflows, i);
        const struct workflow_def *newest;
        if (workflow_set_newest(x->workflows, workflow_def_pathway(d)) != d)
            continue;
        /* Stored as the cases module stores a definition a case starts on. */
        if (!cases_definition_for_new(x, workflow_def_pathway(d), &newest, e))
            goto done;
        if (!w.defs[workflow_def_domain(d)])
            w.defs[workflow_def_domain(d)] = newest;
    }
    double per_day = (double)o->per_year / 365.25;
    for (int64_t day = start_day; day < o->as_of; day++) {
        if (!schedule_day(&w, day, per_day, e))
            goto done;
        int64_t day_end = clock_london_to_instant(day + 1, 0, 0, 0);
        while (w.nheap && w.heap[0].at < day_end) {
            struct wk_event ev = pop(&w);
            bool done_ok = handle(&w, &ev, e);
            free(ev.answers);
            case_unref(ev.c);
            if (!done_ok || !commit_now_and_then(&w, e))
                goto done;
        }
        if (o->progress && (day - start_day) % 365 == 364)
            o->progress(r, day, o->arg);
    }
    for (size_t i = 0; i < w.nusers; i++)
        r->open_cases += w.users[i].open;
    x->who = caller;
    x->now = caller_now;
    ok = wk_commit(&w, false, e);
done:
    if (!ok) {
        store_rollback(x->conn);
        wk_forget(&w);
    }
    x->who = caller;
    x->now = caller_now;
    wk_free(&w);
    return ok;
}
