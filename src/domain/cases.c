/*
 * Cases: the definition a case keeps, starting cases and steps (due instants
 * from the case's events), and reading cases and steps back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "domain/cases_internal.h"
#include "domain/people.h"
#include "domain/need_to_know.h"
#include "domain/step_facts.h"

static const char SQL_DEF_STORED[] =
    "SELECT hash, text FROM workflow_definitions WHERE pathway = :pathway AND version = :version";
static const char SQL_DEF_STORE[] =
    "INSERT INTO workflow_definitions (pathway, version, hash, text, stored_at)"
    " VALUES (:pathway, :version, :hash, :text, :now)";
static const char SQL_CASE_INSERT[] =
    "INSERT INTO cases (person_id, contact_id, pathway, version, received_at, status, created_at,"
    " created_by) VALUES (:person_id, :contact_id, :pathway, :version, :received_at, 'open', :now,"
    " :by) RETURNING id";
static const char SQL_EVENTS[] =
    "SELECT step, started_at, completed_at FROM case_steps WHERE case_id = :id"
    " AND status <> 'cancelled' ORDER BY id";
static const char SQL_STEP_INSERT[] =
    "INSERT INTO case_steps (case_id, step, status, started_at, due_at, answers, facts, version,"
    " updated_at, updated_by) VALUES (:case_id, :step, 'open', :started_at, :due_at, :answers,"
    " :facts, 1, :now, :by) RETURNING id";
#define CASE_COLUMNS                                                                               \
    "SELECT c.id, c.person_id, COALESCE(c.contact_id, 0), c.pathway, c.version, c.received_at,"    \
    " c.status, COALESCE(c.closed_at, 0), COALESCE(c.closure_reason, ''),"                         \
    " COALESCE(c.allocated_user_id, 0), p.forenames || ' ' || p.surname,"                          \
    " COALESCE(c.allocated_team_id, 0)"                                                            \
    " FROM cases c JOIN people p ON p.id = c.person_id"
static const char SQL_CASE[] = CASE_COLUMNS " WHERE c.id = :id";
static const char SQL_PERSON_CASES[] =
    "SELECT id FROM cases WHERE person_id = :id ORDER BY received_at DESC, id DESC LIMIT :limit";
#define STEP_COLUMNS                                                                               \
    "SELECT id, case_id, step, status, started_at, COALESCE(due_at, 0), answers, version,"         \
    " COALESCE(outcome, ''), COALESCE(closure_reason, ''), COALESCE(submitted_at, 0),"             \
    " COALESCE(submitted_by, 0), COALESCE(completed_at, 0), COALESCE(completed_by, 0),"            \
    " COALESCE(authorised_at, 0), COALESCE(authorised_by, 0), COALESCE(assigned_user_id, 0)"       \
    " FROM case_steps"
static const char SQL_CASE_STEPS[] = STEP_COLUMNS " WHERE case_id = :id ORDER BY id";
static const char SQL_STEP[] = STEP_COLUMNS " WHERE id = :id";
static const char SQL_STEP_VERSIONS[] =
    "SELECT version, answers, COALESCE(outcome, ''), COALESCE(reason, ''), saved_at, saved_by"
    " FROM step_versions WHERE step_id = :id ORDER BY version";

/* --- definitions ------------------------------------------------------------ */

void case_def_release(struct case_def *cd)
{
    workflow_def_free(cd->owned);
    cd->owned = NULL;
    cd->d = NULL;
}

bool cases_definition_for_new(struct ctx *x, const char *pathway, const struct workflow_def **out,
                              struct err *e)
{
    const struct workflow_def *d = x->workflows ? workflow_set_newest(x->workflows, pathway) : NULL;
    if (!d)
        return err_set(e, ERR_INVALID, "pathway", "There is no pathway called '%.40s'", pathway);
    struct store_stmt *st = store_prepare(x->conn, SQL_DEF_STORED, e);
    if (!st)
        return false;
    store_bind_text(st, ":pathway", pathway);
    store_bind_int64(st, ":version", workflow_def_version(d));
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_ROW) {
        /* A changed file that kept its version would silently change cases
         * in flight; the council must give it a new version instead. */
        if (strcmp(store_col_text(st, 0), workflow_def_hash(d)) != 0)
            return err_set(e, ERR_CONFLICT, "pathway",
                           "The workflow definition %s has changed since cases started on "
                           "version %d: give the changed file a new version number",
                           workflow_def_source(d), workflow_def_version(d));
        *out = d;
        return true;
    }
    size_t len;
    const char *text = workflow_def_text(d, &len);
    st = store_prepare(x->conn, SQL_DEF_STORE, e);
    if (!st)
        return false;
    store_bind_text(st, ":pathway", pathway);
    store_bind_int64(st, ":version", workflow_def_version(d));
    store_bind_text(st, ":hash", workflow_def_hash(d));
    store_bind_text(st, ":text", text);
    store_bind_int64(st, ":now", x->now);
    *out = d;
    return store_exec(st, e);
}

bool cases_definition(struct ctx *x, const char *pathway, int version, struct case_def *out,
                      struct err *e)
{
    memset(out, 0, sizeof *out);
    const struct workflow_def *d =
        x->workflows ? workflow_set_get(x->workflows, pathway, version) : NULL;
    struct store_stmt *st = store_prepare(x->conn, SQL_DEF_STORED, e);
    if (!st)
        return false;
    store_bind_text(st, ":pathway", pathway);
    store_bind_int64(st, ":version", version);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW)
        return r == STORE_DONE ? err_set(e, ERR_INTERNAL, "", "The definition %s v%d is not stored",
                                         pathway, version)
                               : false;
    if (d && !strcmp(store_col_text(st, 0), workflow_def_hash(d))) {
        out->d = d;
        return true;
    }
    /* The file changed (or went) since the case started: the case keeps the
     * text it started on. */
    const char *text = store_col_text(st, 1);
    char source[96];
    snprintf(source, sizeof source, "stored %s.v%d", pathway, version);
    out->owned = workflow_def_parse_text(text, strlen(text), source, x->codes, NULL, e);
    out->d = out->owned;
    return out->d != NULL;
}

/* --- starting ------------------------------------------------------------------ */

bool cases_insert(struct ctx *x, int64_t person_id, int64_t contact_id,
                  const struct workflow_def *d, int64_t received_at, int64_t *case_id,
                  struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_CASE_INSERT, e);
    if (!st)
        return false;
    store_bind_int64(st, ":person_id", person_id);
    if (contact_id)
        store_bind_int64(st, ":contact_id", contact_id);
    else
        store_bind_null(st, ":contact_id");
    store_bind_text(st, ":pathway", workflow_def_pathway(d));
    store_bind_int64(st, ":version", workflow_def_version(d));
    store_bind_int64(st, ":received_at", received_at);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (store_step(st, e) != STORE_ROW)
        return false;
    *case_id = store_col_int64(st, 0);
    if (!store_exec(st, e))
        return false;
    char detail[96];
    snprintf(detail, sizeof detail, "case %lld on %s v%d", (long long)*case_id,
             workflow_def_pathway(d), workflow_def_version(d));
    return ctx_audit(x, "case.create", "person", person_id, NULL, detail, e);
}

static const char *printed(struct ctx *x, const char *fmt, const char *a, const char *b)
{
    struct buf t = BUF_INIT;
    buf_printf(&t, fmt, a, b);
    const char *s = buf_failed(&t) ? NULL : arena_strdup(x->arena, t.data);
    buf_release(&t);
    return s;
}

/* The case's history as named events, for workflow_step_due. */
static bool case_events(struct ctx *x, int64_t case_id, int64_t received_at,
                        struct workflow_event **out, size_t *n, struct err *e)
{
    size_t cap = 16;
    struct workflow_event *ev = arena_alloc(x->arena, cap * sizeof *ev);
    if (!ev)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    ev[0] = (struct workflow_event){"case.received", received_at};
    *n = 1;
    struct store_stmt *st = store_prepare(x->conn, SQL_EVENTS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", case_id);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (*n + 3 > cap) { /* two events, and room for the caller's one */
            struct workflow_event *bigger = arena_alloc(x->arena, 2 * cap * sizeof *ev);
            if (!bigger)
                return err_set(e, ERR_NOMEM, "", "out of memory");
            memcpy(bigger, ev, *n * sizeof *ev);
            ev = bigger;
            cap *= 2;
        }
        const char *step = store_col_text(st, 0);
        ev[*n] =
            (struct workflow_event){printed(x, "%s.%s", step, "started"), store_col_int64(st, 1)};
        if (!ev[(*n)++].name)
            return err_set(e, ERR_NOMEM, "", "out of memory");
        if (!store_col_is_null(st, 2)) {
            ev[*n] = (struct workflow_event){printed(x, "%s.%s", step, "completed"),
                                             store_col_int64(st, 2)};
            if (!ev[(*n)++].name)
                return err_set(e, ERR_NOMEM, "", "out of memory");
        }
    }
    *out = ev;
    return r == STORE_DONE;
}

static const char SQL_CASE_RECEIVED[] = "SELECT received_at FROM cases WHERE id = :id";

bool cases_start_step(struct ctx *x, int64_t case_id, int64_t person_id,
                      const struct workflow_step *s, int64_t at, const json_t *given,
                      int64_t *step_id, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_CASE_RECEIVED, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", case_id);
    if (store_step(st, e) != STORE_ROW)
        return err_set(e, ERR_NOT_FOUND, "", "There is no case %lld", (long long)case_id);
    int64_t received_at = store_col_int64(st, 0);
    struct workflow_event *ev = NULL;
    size_t nev = 0;
    if (!case_events(x, case_id, received_at, &ev, &nev, e))
        return false;
    /* The step's own start is an event its timescale may count from. */
    ev[nev++] = (struct workflow_event){printed(x, "%s.%s", s->id, "started"), at};
    int64_t due = 0;
    if (s->timescale.set && !workflow_step_due(s, x->calendar, ev, nev, &due, e))
        return false;
    json_t *answers = json_object();
    if (!answers)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    if (given)
        json_object_update(answers, (json_t *)given);
    bool ok = false;
    char *text = NULL;
    char detail[128];
    if (!step_answers_prefill(x, s, person_id, answers, e))
        goto done;
    text = json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    st = store_prepare(x->conn, SQL_STEP_INSERT, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":case_id", case_id);
    store_bind_text(st, ":step", s->id);
    store_bind_int64(st, ":started_at", at);
    if (due)
        store_bind_int64(st, ":due_at", due);
    else
        store_bind_null(st, ":due_at");
    store_bind_text(st, ":answers", text);
    if (!step_facts_bind(st, answers, e))
        goto done;
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t id = store_col_int64(st, 0);
    if (!store_exec(st, e))
        goto done;
    if (step_id)
        *step_id = id;
    snprintf(detail, sizeof detail, "case %lld step %lld %s started", (long long)case_id,
             (long long)id, s->id);
    ok = ctx_audit(x, "step.start", "person", person_id, NULL, detail, e);
done:
    free(text);
    json_decref(answers);
    return ok;
}

/* --- reading ---------------------------------------------------------------------- */

static const char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

static void fill_step(struct ctx *x, struct store_stmt *st, const struct workflow_def *d,
                      struct case_step *s)
{
    memset(s, 0, sizeof *s);
    s->id = store_col_int64(st, 0);
    s->case_id = store_col_int64(st, 1);
    s->step = dup(x, st, 2);
    s->status = dup(x, st, 3);
    s->started_at = store_col_int64(st, 4);
    s->due_at = store_col_int64(st, 5);
    s->answers = dup(x, st, 6);
    s->version = store_col_int64(st, 7);
    s->outcome = dup(x, st, 8);
    s->closure_reason = dup(x, st, 9);
    s->submitted_at = store_col_int64(st, 10);
    s->submitted_by = store_col_int64(st, 11);
    s->completed_at = store_col_int64(st, 12);
    s->completed_by = store_col_int64(st, 13);
    s->authorised_at = store_col_int64(st, 14);
    s->authorised_by = store_col_int64(st, 15);
    s->assigned_user_id = store_col_int64(st, 16);
    const struct workflow_step *ws = d ? workflow_def_step(d, s->step) : NULL;
    /* Copied: a definition parsed from stored text is freed before the caller reads this. */
    s->title = arena_strdup(x->arena, ws ? ws->title : s->step);
    if (!s->title)
        s->title = s->step;
    s->authorise = ws && ws->authorise;
    bool finished = !strcmp(s->status, "completed") || !strcmp(s->status, "cancelled");
    s->overdue = !finished && s->due_at && calendar_is_overdue(s->due_at, x->now);
}

static bool load_case(struct ctx *x, int64_t case_id, struct case_record *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct store_stmt *st = store_prepare(x->conn, SQL_CASE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", case_id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW)
        return r == STORE_DONE
                   ? err_set(e, ERR_NOT_FOUND, "", "There is no case %lld", (long long)case_id)
                   : false;
    out->id = store_col_int64(st, 0);
    out->person_id = store_col_int64(st, 1);
    out->contact_id = store_col_int64(st, 2);
    out->pathway = dup(x, st, 3);
    out->version = (int)store_col_int64(st, 4);
    out->received_at = store_col_int64(st, 5);
    out->status = dup(x, st, 6);
    out->closed_at = store_col_int64(st, 7);
    out->closure_reason = dup(x, st, 8);
    out->allocated_user_id = store_col_int64(st, 9);
    out->person_name = dup(x, st, 10);
    out->allocated_team_id = store_col_int64(st, 11);
    if (!ntk_require(x, out->person_id, ACTION_VIEW, e))
        return false;
    struct case_def cd;
    if (!cases_definition(x, out->pathway, out->version, &cd, e))
        return false;
    bool ok = false;
    st = store_prepare(x->conn, SQL_CASE_STEPS, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", case_id);
    size_t cap = 0;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (out->nsteps == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            struct case_step *bigger = arena_alloc(x->arena, ncap * sizeof *bigger);
            if (!bigger) {
                err_set(e, ERR_NOMEM, "", "out of memory");
                goto done;
            }
            if (out->nsteps)
                memcpy(bigger, out->steps, out->nsteps * sizeof *bigger);
            out->steps = bigger;
            cap = ncap;
        }
        fill_step(x, st, cd.d, &out->steps[out->nsteps++]);
    }
    ok = r == STORE_DONE;
done:
    case_def_release(&cd);
    return ok;
}

static bool audit_view(struct ctx *x, int64_t person_id, const char *what, int64_t id,
                       struct err *e)
{
    char detail[64];
    snprintf(detail, sizeof detail, "%s %lld", what, (long long)id);
    return ctx_audit(x, "case.view", "person", person_id, NULL, detail, e);
}

bool cases_get(struct ctx *x, int64_t case_id, struct case_record *out, struct err *e)
{
    if (!access_require(x->who, PERM_CASES_VIEW, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = load_case(x, case_id, out, e) && audit_view(x, out->person_id, "case", case_id, e) &&
              store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool cases_for_person(struct ctx *x, int64_t person_id, struct case_record **out, size_t *n,
                      struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!access_require(x->who, PERM_CASES_VIEW, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    int64_t ids[CASES_MAX_PER_PERSON];
    size_t nids = 0;
    if (!ntk_require(x, person_id, ACTION_VIEW, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_PERSON_CASES, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", person_id);
    store_bind_int64(st, ":limit", CASES_MAX_PER_PERSON);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW)
        ids[nids++] = store_col_int64(st, 0);
    if (r == STORE_ERROR)
        goto done;
    *out = arena_alloc(x->arena, (nids ? nids : 1) * sizeof **out);
    if (!*out) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nids; i++)
        if (!load_case(x, ids[i], &(*out)[(*n)++], e))
            goto done;
    ok = audit_view(x, person_id, "cases of person", person_id, e) && store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool cases_load_step(struct ctx *x, int64_t step_id, struct case_record *c, struct case_step **s,
                     struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_STEP, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", step_id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW)
        return r == STORE_DONE
                   ? err_set(e, ERR_NOT_FOUND, "", "There is no step %lld", (long long)step_id)
                   : false;
    int64_t case_id = store_col_int64(st, 1);
    if (!load_case(x, case_id, c, e))
        return false;
    for (size_t i = 0; i < c->nsteps; i++)
        if (c->steps[i].id == step_id) {
            *s = &c->steps[i];
            return true;
        }
    return err_set(e, ERR_INTERNAL, "", "step %lld is not in its case", (long long)step_id);
}

bool cases_step_get(struct ctx *x, int64_t step_id, struct case_step *out, struct err *e)
{
    if (!access_require(x->who, PERM_CASES_VIEW, e) || !store_begin(x->conn, true, e))
        return false;
    struct case_record c;
    struct case_step *s = NULL;
    bool ok = false;
    if (!cases_load_step(x, step_id, &c, &s, e))
        goto done;
    *out = *s;
    struct store_stmt *st = store_prepare(x->conn, SQL_STEP_VERSIONS, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", step_id);
    enum store_step_result r;
    size_t cap = 0;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (out->nversions == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            struct step_version *bigger = arena_alloc(x->arena, ncap * sizeof *bigger);
            if (!bigger) {
                err_set(e, ERR_NOMEM, "", "out of memory");
                goto done;
            }
            if (out->nversions)
                memcpy(bigger, out->versions, out->nversions * sizeof *bigger);
            out->versions = bigger;
            cap = ncap;
        }
        struct step_version *v = &out->versions[out->nversions++];
        v->version = store_col_int64(st, 0);
        v->answers = dup(x, st, 1);
        v->outcome = dup(x, st, 2);
        v->reason = dup(x, st, 3);
        v->saved_at = store_col_int64(st, 4);
        v->saved_by = store_col_int64(st, 5);
    }
    ok = r == STORE_DONE && audit_view(x, c.person_id, "step", step_id, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}
