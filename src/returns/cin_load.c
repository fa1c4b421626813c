/*
 * Reading the census: three set-based queries (the episodes with their
 * children, their steps, the disabilities), the first two at once on two
 * connections, then the episodes are assembled in memory.
 * At county scale (~15,000 children in need a year) this is a few hundred
 * thousand rows read once, instead of a round trip per child.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "returns/cin.h"
#include "store/store.h"

/* The children's cases with a referral that may have been open in the year:
 * referral started before the year ended, case open or closed after it
 * began. The exact census dates are worked out in C afterwards. Steps are
 * read through the index that covers them with their facts (migration 0017),
 * never the step rows with their whole forms. */
#define CIN_CASES_WHERE                                                                            \
    " c.pathway = 'children' AND r.step = 'referral' AND r.started_at < :until"                    \
    " AND (c.closed_at IS NULL OR c.closed_at >= :since)"

/* Each case with its referral, its contact's source and its child. The cases
 * open in the year include those referred after it ended (a return made
 * months later): CROSS JOIN (SQLite's word for "in this order", an inner join
 * elsewhere) sets the referral's test before the reads of the child and the
 * contact. */
static const char SQL_EPISODES[] =
    "SELECT c.id, c.person_id, c.closed_at, c.closure_reason, r.id, r.started_at, r.outcome,"
    " r.facts, co.source, p.dob, p.expected_dob, p.dod, p.upn, p.upn_unknown, p.sex, p.ethnicity"
    " FROM cases c CROSS JOIN case_steps r CROSS JOIN people p"
    " LEFT JOIN contacts co ON co.id = c.contact_id WHERE r.case_id = c.id AND p.id = c.person_id"
    " AND" CIN_CASES_WHERE " ORDER BY c.id, r.id";

static const char SQL_STEPS[] =
    "SELECT s.case_id, s.id, s.step, s.status, s.started_at, s.completed_at, s.authorised_at,"
    " s.outcome, s.facts FROM case_steps r JOIN cases c ON c.id = r.case_id"
    " JOIN case_steps s ON s.case_id = c.id WHERE" CIN_CASES_WHERE
    " AND s.step IN ('assessment', 'section47', 'icpc', 'cp_plan', 'review_conference',"
    " 'cin_plan', 'cin_review', 'closure') AND s.status <> 'cancelled'"
    " ORDER BY s.case_id, s.started_at, s.id";

/* Every recorded disability in person order (the primary key's order): one
 * pass over a narrow index, matched to the children in C, costs less than a
 * seek per child. */
static const char SQL_DISABILITIES[] =
    "SELECT person_id, code FROM person_disabilities ORDER BY person_id, code";

/* One step of a case, as read. */
struct raw_step {
    int64_t case_id, id, started, completed, authorised;
    const char *step, *status, *outcome;
    json_t *answers; /* the step's facts: the answers returns read */
};

struct loader {
    struct ctx *x;
    const struct cin_year *year;
    struct arena *arena;
    int64_t until, since;
    struct raw_step *steps;
    size_t nsteps, capsteps;
    struct err *e;
};

static char *dup_col(struct loader *L, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return s && *s ? arena_strdup(L->arena, s) : NULL;
}

static int64_t day_or_none(struct store_stmt *st, int col)
{
    return store_col_is_null(st, col) ? CIN_NO_DATE : clock_london_day(store_col_int64(st, col));
}

static int64_t text_date(const char *s)
{
    int64_t d;
    struct err ignored = ERR_INIT;
    return s && clock_parse_date(s, &d, &ignored) ? d : CIN_NO_DATE;
}

/* A date answer, or fallback when the answer is missing (v1 forms lack it). */
static int64_t answer_date(json_t *answers, const char *name, int64_t fallback)
{
    const char *s = json_string_value(json_object_get(answers, name));
    if (!s)
        return fallback;
    int64_t d = text_date(s);
    return d == CIN_NO_DATE ? fallback : d;
}

static const char *answer_text(struct loader *L, json_t *answers, const char *name)
{
    const char *s = json_string_value(json_object_get(answers, name));
    return s && *s ? arena_strdup(L->arena, s) : NULL;
}

/* The plan's initial category of abuse and number of previous plans, where
 * answers record them: the conference that made the plan (children v3) or the
 * plan's own step (v1, v2). An answer that is absent leaves what is known. */
static void plan_answers(struct loader *L, struct cin_cpp *c, json_t *answers)
{
    const char *category = answer_text(L, answers, "initial_category");
    if (category)
        c->initial_category = category;
    json_t *prev = json_object_get(answers, "previous_plans");
    if (json_is_integer(prev) && json_integer_value(prev) >= 0 && json_integer_value(prev) < 100)
        c->previous = (int)json_integer_value(prev);
}

static void bind_window(struct loader *L, struct store_stmt *st)
{
    store_bind_int64(st, ":until", L->until);
    store_bind_int64(st, ":since", L->since);
}

static bool load_steps(struct loader *L)
{
    struct store_stmt *st = store_prepare(L->x->conn, SQL_STEPS, L->e);
    if (!st)
        return false;
    bind_window(L, st);
    enum store_step_result rc;
    while ((rc = store_step(st, L->e)) == STORE_ROW) {
        if (L->nsteps == L->capsteps) {
            size_t cap = L->capsteps ? L->capsteps * 2 : 1024;
            struct raw_step *n = realloc(L->steps, cap * sizeof *n);
            if (!n)
                return err_set(L->e, ERR_NOMEM, "", "out of memory");
            L->steps = n;
            L->capsteps = cap;
        }
        struct raw_step *s = &L->steps[L->nsteps];
        s->case_id = store_col_int64(st, 0);
        s->id = store_col_int64(st, 1);
        s->step = dup_col(L, st, 2);
        s->status = dup_col(L, st, 3);
        s->started = clock_london_day(store_col_int64(st, 4));
        s->completed = day_or_none(st, 5);
        s->authorised = day_or_none(st, 6);
        s->outcome = dup_col(L, st, 7);
        const char *text = store_col_text(st, 8);
        s->answers = text ? json_loads(text, 0, NULL) : NULL;
        if (!s->answers)
            s->answers = json_object();
        if (!s->step || !s->status || !s->answers)
            return err_set(L->e, ERR_NOMEM, "", "out of memory");
        L->nsteps++;
    }
    return rc == STORE_DONE;
}

static bool completed(const struct raw_step *s)
{
    return strcmp(s->status, "completed") == 0;
}

static bool outcome_is(const struct raw_step *s, const char *o)
{
    return s->outcome && strcmp(s->outcome, o) == 0;
}

/* Grow-by-one arrays in the arena: episodes have few of each, so copying is cheap. */
#define PUSH(L, arr, n)                                                                            \
    ((arr) = grow((L), (arr), (size_t)(n), sizeof *(arr)), (arr) ? &(arr)[(n)++] : NULL)

static void *grow(struct loader *L, void *arr, size_t n, size_t size)
{
    void *bigger = arena_alloc(L->arena, (n + 1) * size);
    if (bigger && n)
        memcpy(bigger, arr, n * size);
    return bigger;
}

static struct cin_plan *open_plan(struct cin_episode *ep)
{
    return ep->nplans && ep->plans[ep->nplans - 1].end == CIN_NO_DATE ? &ep->plans[ep->nplans - 1]
                                                                      : NULL;
}

static struct cin_cpp *open_cpp(struct cin_episode *ep)
{
    return ep->ncpps && ep->cpps[ep->ncpps - 1].end == CIN_NO_DATE ? &ep->cpps[ep->ncpps - 1]
                                                                   : NULL;
}

/* What ended before the collection year began belongs to an earlier census:
 * assessments authorised, enquiries concluded and plans ended before 1 April
 * are left out, as are conference reviews outside the year. A plan with no
 * review yet has its initial category as its latest. */
static void drop_before_year(struct loader *L, struct cin_episode *ep)
{
    const int64_t start = L->year->start;
    int n = 0;
    for (int i = 0; i < ep->nassessments; i++)
        if (ep->assessments[i].authorised == CIN_NO_DATE || ep->assessments[i].authorised >= start)
            ep->assessments[n++] = ep->assessments[i];
    ep->nassessments = n;
    n = 0;
    for (int i = 0; i < ep->ns47s; i++) {
        const struct cin_s47 *q = &ep->s47s[i];
        bool ended_before = q->icpc_date != CIN_NO_DATE ? q->icpc_date < start
                                                        : q->icpc_not_required && q->start < start;
        if (!ended_before)
            ep->s47s[n++] = *q;
    }
    ep->ns47s = n;
    n = 0;
    for (int i = 0; i < ep->nplans; i++)
        if (ep->plans[i].end == CIN_NO_DATE || ep->plans[i].end >= start)
            ep->plans[n++] = ep->plans[i];
    ep->nplans = n;
    n = 0;
    for (int i = 0; i < ep->ncpps; i++) {
        struct cin_cpp *c = &ep->cpps[i];
        if (c->end != CIN_NO_DATE && c->end < start)
            continue;
        int nr = 0;
        for (int j = 0; j < c->nreviews; j++)
            if (c->reviews[j] >= start)
                c->reviews[nr++] = c->reviews[j];
        c->nreviews = nr;
        if (!c->latest_category)
            c->latest_category = c->initial_category;
        ep->cpps[n++] = *c;
    }
    ep->ncpps = n;
}

/* Build an episode from its case's steps (in the order they started). Only what
 * had happened by the reference date counts. */
static bool assemble(struct loader *L, struct cin_episode *ep, const struct raw_step *steps,
                     size_t n, int64_t closed_at_day)
{
    const int64_t end = L->year->end;
    const char *assessment_need = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct raw_step *s = &steps[i];
        if (s->started > end)
            continue;
        if (strcmp(s->step, "assessment") == 0) {
            struct cin_assessment *a = PUSH(L, ep->assessments, ep->nassessments);
            if (!a)
                return err_set(L->e, ERR_NOMEM, "", "out of memory");
            a->step_id = s->id;
            a->start = answer_date(s->answers, "started_on", s->started);
            a->authorised = CIN_NO_DATE;
            if (completed(s)) {
                int64_t at = s->authorised != CIN_NO_DATE ? s->authorised : s->completed;
                a->authorised = at <= end ? at : CIN_NO_DATE;
                json_t *f = json_object_get(s->answers, "factors");
                if (a->authorised != CIN_NO_DATE && json_is_array(f)) {
                    size_t nf = json_array_size(f) < 64 ? json_array_size(f) : 64;
                    a->factors = arena_alloc(L->arena, sizeof *a->factors * (nf ? nf : 1));
                    if (!a->factors)
                        return err_set(L->e, ERR_NOMEM, "", "out of memory");
                    for (size_t k = 0; k < nf; k++) {
                        const char *c = json_string_value(json_array_get(f, k));
                        if (c && !(a->factors[a->nfactors++] = arena_strdup(L->arena, c)))
                            return err_set(L->e, ERR_NOMEM, "", "out of memory");
                    }
                }
                if (a->authorised != CIN_NO_DATE)
                    assessment_need = answer_text(L, s->answers, "primary_need");
            }
        } else if (strcmp(s->step, "section47") == 0) {
            struct cin_s47 *q = PUSH(L, ep->s47s, ep->ns47s);
            if (!q)
                return err_set(L->e, ERR_NOMEM, "", "out of memory");
            q->step_id = s->id;
            q->start = answer_date(s->answers, "started_on", s->started);
            /* Working Together 2023: the conference within 15 working days of
             * the strategy discussion that started the enquiry. */
            q->icpc_target = L->x->calendar
                                 ? calendar_add_working_days(L->x->calendar, q->start, 15)
                                 : CIN_NO_DATE;
            q->icpc_date = CIN_NO_DATE;
            q->icpc_not_required = completed(s) && s->completed <= end && !outcome_is(s, "icpc");
        } else if (strcmp(s->step, "icpc") == 0) {
            if (!completed(s))
                continue;
            int64_t held = answer_date(s->answers, "held_on", s->completed);
            if (held > end)
                continue;
            for (int k = ep->ns47s - 1; k >= 0; k--) /* the enquiry it concluded */
                if (ep->s47s[k].icpc_step_id == 0 && !ep->s47s[k].icpc_not_required) {
                    ep->s47s[k].icpc_step_id = s->id;
                    ep->s47s[k].icpc_date = held;
                    break;
                }
            if (outcome_is(s, "cp_plan")) {
                struct cin_plan *p = open_plan(ep); /* a CP plan replaces a CIN plan */
                if (p)
                    p->end = held;
                struct cin_cpp *c = PUSH(L, ep->cpps, ep->ncpps);
                if (!c)
                    return err_set(L->e, ERR_NOMEM, "", "out of memory");
                c->step_id = s->id;
                c->start = held;
                c->end = CIN_NO_DATE;
                c->previous = -1;
                plan_answers(L, c, s->answers);
            }
        } else if (strcmp(s->step, "cp_plan") == 0) {
            struct cin_cpp *c = open_cpp(ep);
            if (!c || !completed(s))
                continue;
            plan_answers(L, c, s->answers);
        } else if (strcmp(s->step, "review_conference") == 0) {
            struct cin_cpp *c = open_cpp(ep);
            if (!c || !completed(s))
                continue;
            int64_t held = answer_date(s->answers, "held_on", s->completed);
            if (held > end)
                continue;
            int64_t *r = PUSH(L, c->reviews, c->nreviews);
            if (!r)
                return err_set(L->e, ERR_NOMEM, "", "out of memory");
            *r = held;
            const char *latest = answer_text(L, s->answers, "latest_category");
            if (latest)
                c->latest_category = latest;
            if (!outcome_is(s, "continue"))
                c->end = held;
        } else if (strcmp(s->step, "cin_plan") == 0) {
            if (!completed(s))
                continue;
            int64_t start = answer_date(s->answers, "start_date", s->completed);
            if (start > end)
                continue;
            struct cin_plan *p = PUSH(L, ep->plans, ep->nplans);
            if (!p)
                return err_set(L->e, ERR_NOMEM, "", "out of memory");
            p->step_id = s->id;
            p->start = start;
            p->end = CIN_NO_DATE;
        } else if (strcmp(s->step, "cin_review") == 0) {
            struct cin_plan *p = open_plan(ep);
            if (!p || !completed(s) || outcome_is(s, "continue"))
                continue;
            int64_t held = answer_date(s->answers, "held_on", s->completed);
            if (held <= end)
                p->end = held;
        } else if (strcmp(s->step, "closure") == 0) {
            if (!completed(s))
                continue;
            ep->closure_step_id = s->id;
            ep->closure = answer_date(s->answers, "closed_on", s->completed);
        }
    }
    if (ep->closure == CIN_NO_DATE && closed_at_day != CIN_NO_DATE)
        ep->closure = closed_at_day;
    if (ep->closure != CIN_NO_DATE && ep->closure > end) {
        ep->closure = CIN_NO_DATE; /* closed after the reference date: open in this census */
        ep->closure_reason = NULL;
    }
    if (ep->closure != CIN_NO_DATE) { /* plans still open end with the episode */
        struct cin_plan *p = open_plan(ep);
        struct cin_cpp *c = open_cpp(ep);
        if (p)
            p->end = ep->closure;
        if (c)
            c->end = ep->closure;
    } else {
        ep->closure_reason = NULL;
    }
    if (assessment_need)
        ep->primary_need = assessment_need;
    drop_before_year(L, ep);
    return true;
}

/* Episodes of a child in referral order. */
static int by_person_then_referral(const void *a, const void *b)
{
    const struct cin_episode *x = a, *y = b;
    if (x->referral != y->referral)
        return (x->referral > y->referral) - (x->referral < y->referral);
    return (x->case_id > y->case_id) - (x->case_id < y->case_id);
}

struct person_episode {
    int64_t person_id;
    struct cin_episode ep;
    struct cin_child child; /* the person record's columns, read with the episode */
};

static int by_person(const void *a, const void *b)
{
    const struct person_episode *x = a, *y = b;
    if (x->person_id != y->person_id)
        return (x->person_id > y->person_id) - (x->person_id < y->person_id);
    return by_person_then_referral(&x->ep, &y->ep);
}

/* The episodes: each case with its referral, child and contact, in case order.
 * The caller frees *out and *closed_at (each case's closing day). */
static bool read_episodes(struct loader *L, struct person_episode **out, int64_t **closed_out,
                          size_t *nout)
{
    struct store_stmt *st = store_prepare(L->x->conn, SQL_EPISODES, L->e);
    if (!st)
        return false;
    bind_window(L, st);
    struct person_episode *eps = NULL;
    size_t n = 0, cap = 0;
    enum store_step_result rc;
    int64_t *closed_at = NULL;
    while ((rc = store_step(st, L->e)) == STORE_ROW) {
        int64_t case_id = store_col_int64(st, 0);
        if (n && eps[n - 1].ep.case_id == case_id)
            continue; /* one referral per case: the first */
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            struct person_episode *bigger = realloc(eps, cap * sizeof *bigger);
            int64_t *bc = realloc(closed_at, cap * sizeof *bc);
            if (bigger)
                eps = bigger;
            if (bc)
                closed_at = bc;
            if (!bigger || !bc)
                break;
        }
        struct person_episode *pe = &eps[n];
        memset(pe, 0, sizeof *pe);
        pe->person_id = store_col_int64(st, 1);
        pe->ep.case_id = case_id;
        closed_at[n] = day_or_none(st, 2);
        pe->ep.closure_reason = dup_col(L, st, 3);
        pe->ep.referral_step_id = store_col_int64(st, 4);
        pe->ep.referral = clock_london_day(store_col_int64(st, 5));
        const char *outcome = store_col_text(st, 6);
        pe->ep.nfa = outcome && strcmp(outcome, "nfa") == 0;
        const char *text = store_col_text(st, 7);
        json_t *answers = text ? json_loads(text, 0, NULL) : NULL;
        pe->ep.primary_need = answer_text(L, answers, "primary_need");
        pe->ep.upn_unknown = answer_text(L, answers, "upn_unknown");
        json_decref(answers);
        pe->ep.source = dup_col(L, st, 8);
        struct cin_child *c = &pe->child;
        c->dob = text_date(store_col_text(st, 9));
        c->expected_dob = text_date(store_col_text(st, 10));
        c->dod = text_date(store_col_text(st, 11));
        c->upn = dup_col(L, st, 12);
        c->upn_unknown = dup_col(L, st, 13);
        c->sex = dup_col(L, st, 14);
        c->ethnicity = dup_col(L, st, 15);
        pe->ep.closure = CIN_NO_DATE;
        pe->ep.icpc = CIN_NO_DATE;
        n++;
    }
    *out = eps;
    *closed_out = closed_at;
    *nout = n;
    if (rc == STORE_ROW)
        return err_set(L->e, ERR_NOMEM, "", "out of memory");
    return rc == STORE_DONE;
}

/* Each episode from its case's steps (both lists in case order), then only
 * those open at some time in the year, by child. */
static bool assemble_episodes(struct loader *L, struct person_episode *eps,
                              const int64_t *closed_at, size_t n, size_t *nout)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        while (k < L->nsteps && L->steps[k].case_id < eps[i].ep.case_id)
            k++;
        size_t first = k;
        while (k < L->nsteps && L->steps[k].case_id == eps[i].ep.case_id)
            k++;
        if (!assemble(L, &eps[i].ep, &L->steps[first], k - first, closed_at[i]))
            return false;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cin_episode *ep = &eps[i].ep;
        if (ep->referral <= L->year->end &&
            (ep->closure == CIN_NO_DATE || ep->closure >= L->year->start))
            eps[kept++] = eps[i];
    }
    if (kept) /* qsort's array may not be NULL, even when empty */
        qsort(eps, kept, sizeof *eps, by_person);
    *nout = kept;
    return true;
}

static bool load_children(struct loader *L, struct person_episode *eps, size_t neps,
                          struct cin_return *r)
{
    size_t nchildren = 0;
    for (size_t i = 0; i < neps; i++)
        if (i == 0 || eps[i].person_id != eps[i - 1].person_id)
            nchildren++;
    r->children = arena_alloc(L->arena, sizeof *r->children * (nchildren ? nchildren : 1));
    if (!r->children)
        return err_set(L->e, ERR_NOMEM, "", "out of memory");
    for (size_t i = 0; i < neps;) {
        size_t j = i;
        while (j < neps && eps[j].person_id == eps[i].person_id)
            j++;
        struct cin_child *c = &r->children[r->nchildren++];
        *c = eps[i].child;
        c->person_id = eps[i].person_id;
        c->nepisodes = (int)(j - i);
        c->episodes = arena_alloc(L->arena, sizeof *c->episodes * (j - i));
        if (!c->episodes)
            return err_set(L->e, ERR_NOMEM, "", "out of memory");
        for (size_t k = i; k < j; k++)
            c->episodes[k - i] = eps[k].ep;
        r->nepisodes += c->nepisodes;
        /* No UPN and no reason on the person record: the reason the
         * practitioner gave at the latest referral (children v2, v3). */
        for (int k = c->nepisodes; !c->upn && !c->upn_unknown && k-- > 0;)
            c->upn_unknown = c->episodes[k].upn_unknown;
        i = j;
    }
    /* Their disabilities, in person order like the children. */
    struct store_stmt *st = store_prepare(L->x->conn, SQL_DISABILITIES, L->e);
    if (!st)
        return false;
    enum store_step_result rc;
    int ci = 0;
    while ((rc = store_step(st, L->e)) == STORE_ROW) {
        int64_t id = store_col_int64(st, 0);
        while (ci < r->nchildren && r->children[ci].person_id < id)
            ci++;
        if (ci == r->nchildren)
            break; /* past the last child: the rest are no one's in the return */
        if (r->children[ci].person_id != id)
            continue;
        struct cin_child *c = &r->children[ci];
        const char **slot = PUSH(L, c->disabilities, c->ndisabilities);
        if (!slot || !(*slot = dup_col(L, st, 1)))
            return err_set(L->e, ERR_NOMEM, "", "out of memory");
    }
    return rc != STORE_ERROR;
}

/* The steps, read on a connection of their own (see read_in_parallel). */
struct steps_job {
    struct loader L;
    struct ctx x;
    struct arena arena;
    struct err e;
    bool ok;
};

static void *steps_thread(void *arg)
{
    struct steps_job *j = arg;
    j->ok = load_steps(&j->L);
    return NULL;
}

/* The episodes on the caller's connection and the steps on a second, at the
 * same time on two cores, both seeing one snapshot (store_begin_same_snapshot,
 * with a third connection holding the write lock for a moment). False with
 * e unset when the store has no two connections free at once, or the write
 * lock could not be had for the moment: the caller then reads one after the
 * other. On success the caller's connection is left in its
 * read transaction for the children's disabilities. */
static bool read_in_parallel(struct loader *L, struct person_episode **eps, int64_t **closed_at,
                             size_t *neps)
{
    struct store *s = store_of(L->x->conn);
    struct store_conn *w = store_try_acquire(s), *b = w ? store_try_acquire(s) : NULL;
    if (!b) {
        store_release(s, w);
        return false;
    }
    struct store_conn *both[2] = {L->x->conn, b};
    struct err refused = ERR_INIT; /* e.g. the write lock busy: read without it */
    bool ok = store_begin_same_snapshot(w, both, 2, &refused);
    store_release(s, w);
    if (!ok) {
        store_release(s, b);
        return false;
    }
    struct steps_job *j = calloc(1, sizeof *j);
    if (!j) {
        store_release(s, b);
        return err_set(L->e, ERR_NOMEM, "", "out of memory");
    }
    j->x = *L->x;
    j->x.conn = b;
    j->L = *L;
    j->L.x = &j->x;
    j->L.arena = &j->arena;
    j->L.e = &j->e;
    /* jansson seeds its hash function at the first object made: here, before
     * two threads make them. */
    json_decref(json_object());
    pthread_t t;
    bool threaded = pthread_create(&t, NULL, steps_thread, j) == 0;
    if (!threaded)
        steps_thread(j);
    ok = read_episodes(L, eps, closed_at, neps);
    if (threaded)
        pthread_join(t, NULL);
    arena_adopt(L->arena, &j->arena);
    L->steps = j->L.steps;
    L->nsteps = j->L.nsteps;
    if (!j->ok && ok) {
        *L->e = j->e;
        ok = false;
    }
    ok = ok && store_commit(b, L->e);
    store_release(s, b);
    free(j);
    if (!ok && !L->e->code)
        err_set(L->e, ERR_STORE, "", "the census could not be read");
    return ok;
}

bool cin_load(struct ctx *x, const struct cin_year *year, struct cin_return *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->year = year;
    out->calendar = x->calendar;
    if (!access_require(x->who, PERM_RETURNS, e))
        return false;
    struct loader L = {.x = x, .year = year, .arena = x->arena, .e = e};
    /* London midnight after the reference date; a case closed before the year
     * began is left out (its closure date can only be earlier still). */
    L.until = clock_london_to_instant(year->end + 1, 0, 0, 0);
    L.since = clock_london_to_instant(year->start, 0, 0, 0);
    struct person_episode *eps = NULL;
    int64_t *closed_at = NULL;
    size_t neps = 0;
    bool ok = read_in_parallel(&L, &eps, &closed_at, &neps);
    if (!ok && !e->code) { /* no connection to spare: one after the other */
        ok = store_begin(x->conn, false, e) && read_episodes(&L, &eps, &closed_at, &neps) &&
             load_steps(&L);
    }
    ok = ok && assemble_episodes(&L, eps, closed_at, neps, &neps) &&
         load_children(&L, eps, neps, out);
    if (store_in_transaction(x->conn)) {
        if (ok)
            ok = store_commit(x->conn, e);
        else
            store_rollback(x->conn);
    }
    for (size_t i = 0; i < L.nsteps; i++)
        json_decref(L.steps[i].answers);
    free(L.steps);
    free(eps);
    free(closed_at);
    if (!ok)
        return false;
    /* Reading every child in need is a read of personal data: audited. */
    char detail[160];
    snprintf(detail, sizeof detail, "{\"year\":\"%s\",\"children\":%d,\"episodes\":%d}", year->name,
             out->nchildren, out->nepisodes);
    if (!store_begin(x->conn, true, e))
        return false;
    if (!ctx_audit(x, "returns.cin", "return", 0, NULL, detail, e) || !store_commit(x->conn, e)) {
        store_rollback(x->conn);
        return false;
    }
    return true;
}

void cin_count(const struct cin_return *r, struct cin_counts *out)
{
    memset(out, 0, sizeof *out);
    out->children = r->nchildren;
    for (int i = 0; i < r->nchildren; i++)
        for (int j = 0; j < r->children[i].nepisodes; j++) {
            const struct cin_episode *ep = &r->children[i].episodes[j];
            out->episodes++;
            out->assessments += ep->nassessments;
            out->s47s += ep->ns47s;
            out->plans += ep->nplans;
            out->cpps += ep->ncpps;
        }
}
