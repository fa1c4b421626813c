/*
 * Steps: saving a draft, completing with an outcome (mandatory fields
 * enforced), authorisation by a manager, changes after completion as new
 * versions, and what an outcome does (start the next steps, or close).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codelist.h"
#include "domain/cases_internal.h"
#include "domain/step_facts.h"

static const char SQL_SAVE_DRAFT[] =
    "UPDATE case_steps SET answers = :answers, facts = :facts, status = 'draft', updated_at = :now,"
    " updated_by = :by WHERE id = :id";
static const char SQL_AMEND[] = "UPDATE case_steps SET answers = :answers, facts = :facts, version "
                                "= :version, updated_at = :now,"
                                " updated_by = :by WHERE id = :id";
static const char SQL_VERSION_INSERT[] =
    "INSERT INTO step_versions (step_id, version, answers, outcome, reason, saved_at, saved_by)"
    " VALUES (:id, :version, :answers, :outcome, :reason, :now, :by)";
static const char SQL_SUBMIT[] =
    "UPDATE case_steps SET answers = :answers, facts = :facts, status = :status, outcome = "
    ":outcome,"
    " closure_reason = :closure_reason, submitted_at = :now, submitted_by = :by,"
    " completed_at = :completed_at, completed_by = :completed_by, updated_at = :now,"
    " updated_by = :by WHERE id = :id";
static const char SQL_APPROVE[] =
    "UPDATE case_steps SET status = 'completed', completed_at = :now, completed_by = submitted_by,"
    " authorised_at = :now, authorised_by = :by, updated_at = :now, updated_by = :by"
    " WHERE id = :id";
static const char SQL_RETURN[] =
    "UPDATE case_steps SET status = 'draft', outcome = NULL, closure_reason = NULL,"
    " submitted_at = NULL, submitted_by = NULL, updated_at = :now, updated_by = :by"
    " WHERE id = :id";
static const char SQL_REVIEW[] =
    "INSERT INTO step_reviews (step_id, decision, note, decided_at, decided_by)"
    " VALUES (:id, :decision, :note, :now, :by)";
static const char SQL_CLOSE_CASE[] =
    "UPDATE cases SET status = 'closed', closed_at = :now, closure_reason = :reason"
    " WHERE id = :id";
static const char SQL_CANCEL_OPEN[] =
    "UPDATE case_steps SET status = 'cancelled', updated_at = :now, updated_by = :by"
    " WHERE case_id = :id AND status IN ('open', 'draft', 'awaiting_authorisation')";
static const char SQL_STEP_OPEN[] = "SELECT 1 FROM case_steps WHERE case_id = :id AND step = :step"
                                    " AND status IN ('open', 'draft', 'awaiting_authorisation')";

/* answers merged into the step's current ones: members replace, null removes.
 * The caller owns the result. */
static json_t *merged(const char *current, const json_t *answers, struct err *e)
{
    json_error_t je;
    json_t *m = json_loads(current && *current ? current : "{}", 0, &je);
    if (!m || !json_is_object(m)) {
        json_decref(m);
        err_set(e, ERR_INTERNAL, "answers", "stored answers are not a JSON object");
        return NULL;
    }
    if (answers) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)answers, k, v)
        {
            if (json_is_null(v))
                json_object_del(m, k);
            else
                json_object_set(m, k, v);
        }
    }
    return m;
}

static const struct workflow_step *def_step(const struct case_def *cd, const struct case_step *s,
                                            struct err *e)
{
    const struct workflow_step *ws = workflow_def_step(cd->d, s->step);
    if (!ws)
        err_set(e, ERR_INTERNAL, "", "step %s is not in its definition", s->step);
    return ws;
}

static const char SQL_IN_TEAM[] = "SELECT 1 FROM user_teams m JOIN teams t ON t.id = m.team_id"
                                  " WHERE m.user_id = :user_id AND t.name = :team";

/* The step's roles, and if it names teams, membership of one of them. */
static bool may_do(struct ctx *x, const struct workflow_step *ws, struct err *e)
{
    if (!workflow_step_allows_role(ws, x->who->role))
        return err_set(e, ERR_DENIED, "", "Your role (%s) may not do the step '%s'",
                       access_role_name(x->who->role), ws->title);
    for (size_t i = 0; i < ws->nteams; i++) {
        struct store_stmt *st = store_prepare(x->conn, SQL_IN_TEAM, e);
        if (!st)
            return false;
        store_bind_int64(st, ":user_id", x->who->user_id);
        store_bind_text(st, ":team", ws->teams[i]);
        enum store_step_result r = store_step(st, e);
        if (r == STORE_ERROR)
            return false;
        if (r == STORE_ROW)
            return true;
    }
    if (ws->nteams)
        return err_set(e, ERR_DENIED, "", "Only members of the step's teams may do '%s'",
                       ws->title);
    return true;
}

static bool add_version(struct ctx *x, int64_t step_id, int64_t version, const char *answers,
                        const char *outcome, const char *reason, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_VERSION_INSERT, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", step_id);
    store_bind_int64(st, ":version", version);
    store_bind_text(st, ":answers", answers);
    store_bind_text_or_null(st, ":outcome", outcome);
    store_bind_text_or_null(st, ":reason", reason);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    return store_exec(st, e);
}

bool cases_step_save(struct ctx *x, int64_t step_id, const json_t *answers, const char *reason,
                     struct err *e)
{
    if (!access_require(x->who, PERM_CASES_EDIT, e) || !store_begin(x->conn, true, e))
        return false;
    struct case_record c;
    struct case_step *s;
    struct case_def cd = {0};
    json_t *m = NULL;
    char *text = NULL;
    bool ok = false;
    char detail[128];
    if (!cases_load_step(x, step_id, &c, &s, e) ||
        !cases_definition(x, c.pathway, c.version, &cd, e))
        goto done;
    const struct workflow_step *ws = def_step(&cd, s, e);
    if (!ws || !may_do(x, ws, e))
        goto done;
    bool completed = !strcmp(s->status, "completed");
    if (!completed && strcmp(s->status, "open") && strcmp(s->status, "draft")) {
        err_set(e, ERR_CONFLICT, "", "The step '%s' is %s and cannot be changed now", ws->title,
                !strcmp(s->status, "cancelled") ? "cancelled" : "awaiting authorisation");
        goto done;
    }
    if (!(m = merged(s->answers, answers, e)) || !step_answers_check(x, ws, m, e))
        goto done;
    if (completed) {
        struct buf missing = BUF_INIT;
        size_t n = step_answers_missing_for(ws, m, s->outcome, &missing);
        if (n) {
            char first[64];
            snprintf(first, sizeof first, "%.*s", (int)strcspn(missing.data, "\n"), missing.data);
            err_set(e, ERR_INVALID, first, "A completed step keeps every mandatory field: %s",
                    first);
            buf_release(&missing);
            goto done;
        }
        buf_release(&missing);
        if (!reason || !*reason) {
            err_set(e, ERR_INVALID, "reason", "Say why a completed step is being changed (reason)");
            goto done;
        }
    }
    text = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    struct store_stmt *st = store_prepare(x->conn, completed ? SQL_AMEND : SQL_SAVE_DRAFT, e);
    if (!st)
        goto done;
    store_bind_text(st, ":answers", text);
    if (!step_facts_bind(st, m, e))
        goto done;
    if (completed)
        store_bind_int64(st, ":version", s->version + 1);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_int64(st, ":id", step_id);
    if (!store_exec(st, e))
        goto done;
    if (completed) {
        if (!add_version(x, step_id, s->version + 1, text, s->outcome, reason, e))
            goto done;
        snprintf(detail, sizeof detail, "case %lld step %lld %s version %lld", (long long)c.id,
                 (long long)step_id, ws->id, (long long)(s->version + 1));
    } else {
        snprintf(detail, sizeof detail, "case %lld step %lld %s draft", (long long)c.id,
                 (long long)step_id, ws->id);
    }
    ok = ctx_audit(x, completed ? "step.amend" : "step.save", "person", c.person_id,
                   completed ? reason : NULL, detail, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    free(text);
    json_decref(m);
    case_def_release(&cd);
    return ok;
}

/* What an outcome does once the step is complete: start its next steps at
 * the completion instant (one already open is not started twice), or close
 * the case, ending any step still open. */
static bool apply_outcome(struct ctx *x, const struct case_record *c, const struct workflow_def *d,
                          const struct workflow_outcome *o, const char *closure_reason,
                          struct err *e)
{
    if (o->closes) {
        struct store_stmt *st = store_prepare(x->conn, SQL_CLOSE_CASE, e);
        if (!st)
            return false;
        store_bind_int64(st, ":now", x->now);
        store_bind_text(st, ":reason", closure_reason && *closure_reason ? closure_reason : o->id);
        store_bind_int64(st, ":id", c->id);
        if (!store_exec(st, e))
            return false;
        st = store_prepare(x->conn, SQL_CANCEL_OPEN, e);
        if (!st)
            return false;
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":by", x->who->user_id);
        store_bind_int64(st, ":id", c->id);
        char detail[96];
        snprintf(detail, sizeof detail, "case %lld closed (%s)", (long long)c->id,
                 closure_reason && *closure_reason ? closure_reason : o->id);
        return store_exec(st, e) &&
               ctx_audit(x, "case.close", "person", c->person_id, NULL, detail, e);
    }
    (void)d;
    for (size_t i = 0; i < o->nnext; i++) {
        struct store_stmt *st = store_prepare(x->conn, SQL_STEP_OPEN, e);
        if (!st)
            return false;
        store_bind_int64(st, ":id", c->id);
        store_bind_text(st, ":step", o->next[i]->id);
        enum store_step_result r = store_step(st, e);
        if (r == STORE_ERROR)
            return false;
        if (r == STORE_ROW)
            continue;
        if (!cases_start_step(x, c->id, c->person_id, o->next[i], x->now, NULL, NULL, e))
            return false;
    }
    return true;
}

static const char SQL_DECIDED[] =
    "UPDATE contact_people SET decision = :decision, decided_at = :now, decided_by = :by"
    " WHERE case_id = :case_id AND decision IS NULL";

/* The first step of a case a contact opened is the front-door decision for
 * that person, however it is completed (the contact's decision endpoint or
 * the step's own). */
static bool record_decision(struct ctx *x, const struct case_record *c, const char *outcome,
                            struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_DECIDED, e);
    if (!st)
        return false;
    store_bind_text(st, ":decision", outcome);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_int64(st, ":case_id", c->id);
    char detail[96];
    snprintf(detail, sizeof detail, "contact %lld decided: %s", (long long)c->contact_id, outcome);
    return store_exec(st, e) &&
           ctx_audit(x, "contact.decide", "person", c->person_id, NULL, detail, e);
}

bool cases_complete_in(struct ctx *x, int64_t step_id, const char *outcome, const json_t *answers,
                       const char *closure_reason, struct buf *missing, int64_t *case_id_out,
                       struct err *e)
{
    struct case_record c;
    struct case_step *s;
    struct case_def cd = {0};
    json_t *m = NULL;
    char *text = NULL;
    bool ok = false;
    char detail[160];
    if (!cases_load_step(x, step_id, &c, &s, e) ||
        !cases_definition(x, c.pathway, c.version, &cd, e))
        goto done;
    if (case_id_out)
        *case_id_out = c.id;
    const struct workflow_step *ws = def_step(&cd, s, e);
    if (!ws || !may_do(x, ws, e))
        goto done;
    if (strcmp(s->status, "open") && strcmp(s->status, "draft")) {
        err_set(e, ERR_CONFLICT, "", "The step '%s' is %s, not open", ws->title,
                !strcmp(s->status, "awaiting_authorisation") ? "awaiting authorisation"
                                                             : s->status);
        goto done;
    }
    const struct workflow_outcome *o = outcome ? workflow_step_outcome(ws, outcome) : NULL;
    if (!o) {
        struct buf ids = BUF_INIT;
        for (size_t i = 0; i < ws->noutcomes; i++)
            buf_printf(&ids, "%s%s", i ? ", " : "", ws->outcomes[i].id);
        err_set(e, ERR_INVALID, "outcome", "Choose the outcome of '%s': one of %s", ws->title,
                ids.data ? ids.data : "");
        buf_release(&ids);
        goto done;
    }
    if (o->closes && o->close_reasons) {
        const struct codelist *l = x->codes ? codelist_get(x->codes, o->close_reasons) : NULL;
        if (!closure_reason || !*closure_reason || !l || !codelist_has(l, closure_reason)) {
            err_set(e, ERR_INVALID, "closure_reason",
                    "Choose the reason for closure from the %s list (config/codes/%s.txt)",
                    o->close_reasons, o->close_reasons);
            goto done;
        }
    } else if (closure_reason && *closure_reason) {
        err_set(e, ERR_INVALID, "closure_reason",
                "A closure reason is given only with an outcome that closes the case");
        goto done;
    }
    if (!(m = merged(s->answers, answers, e)) || !step_answers_check(x, ws, m, e))
        goto done;
    struct buf names = BUF_INIT;
    size_t n = step_answers_missing_for(ws, m, o->id, &names);
    if (n) {
        /* Every missing field is named, so the worker fixes them in one go. */
        char first[64];
        snprintf(first, sizeof first, "%.*s", (int)strcspn(names.data, "\n"), names.data);
        struct buf list = BUF_INIT;
        for (const char *p = names.data; *p; p++)
            if (*p != '\n')
                buf_putc(&list, *p);
            else if (p[1])
                buf_puts(&list, ", ");
        err_set(e, ERR_INVALID, first, "Answer every mandatory field before completing '%s': %s",
                ws->title, list.data ? list.data : "");
        buf_release(&list);
        if (missing) {
            size_t dummy = step_answers_missing_for(ws, m, o->id, missing);
            (void)dummy;
        }
        buf_release(&names);
        goto done;
    }
    buf_release(&names);
    text = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    struct store_stmt *st = store_prepare(x->conn, SQL_SUBMIT, e);
    if (!st)
        goto done;
    store_bind_text(st, ":answers", text);
    if (!step_facts_bind(st, m, e))
        goto done;
    store_bind_text(st, ":status", ws->authorise ? "awaiting_authorisation" : "completed");
    store_bind_text(st, ":outcome", o->id);
    store_bind_text_or_null(st, ":closure_reason", closure_reason);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (ws->authorise) {
        store_bind_null(st, ":completed_at");
        store_bind_null(st, ":completed_by");
    } else {
        store_bind_int64(st, ":completed_at", x->now);
        store_bind_int64(st, ":completed_by", x->who->user_id);
    }
    store_bind_int64(st, ":id", step_id);
    if (!store_exec(st, e))
        goto done;
    snprintf(detail, sizeof detail, "case %lld step %lld %s outcome %s%s", (long long)c.id,
             (long long)step_id, ws->id, o->id, ws->authorise ? " (awaiting authorisation)" : "");
    if (!ctx_audit(x, "step.complete", "person", c.person_id, NULL, detail, e))
        goto done;
    if (!ws->authorise && (!add_version(x, step_id, s->version, text, o->id, NULL, e) ||
                           !apply_outcome(x, &c, cd.d, o, closure_reason, e)))
        goto done;
    if (c.contact_id && c.nsteps && c.steps[0].id == step_id &&
        (!record_decision(x, &c, o->id, e) ||
         (!ws->authorise && !contacts_hand_on(x, &c, cd.d, o->id, m, e))))
        goto done;
    ok = true;
done:
    free(text);
    json_decref(m);
    case_def_release(&cd);
    return ok;
}

bool cases_step_complete(struct ctx *x, int64_t step_id, const char *outcome, const json_t *answers,
                         const char *closure_reason, struct buf *missing, struct err *e)
{
    if (!access_require(x->who, PERM_CASES_EDIT, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = cases_complete_in(x, step_id, outcome, answers, closure_reason, missing, NULL, e) &&
              store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool cases_step_authorise(struct ctx *x, int64_t step_id, bool approve, const char *note,
                          struct err *e)
{
    if (!access_require(x->who, PERM_CASES_AUTHORISE, e))
        return false;
    if (note && strlen(note) > CASES_MAX_NOTE)
        return err_set(e, ERR_INVALID, "note", "The note must be %d characters or fewer",
                       CASES_MAX_NOTE);
    if (!approve && (!note || !*note))
        return err_set(e, ERR_INVALID, "note", "Say why the step is returned (note)");
    if (!store_begin(x->conn, true, e))
        return false;
    struct case_record c;
    struct case_step *s;
    struct case_def cd = {0};
    bool ok = false;
    char detail[160];
    if (!cases_load_step(x, step_id, &c, &s, e) ||
        !cases_definition(x, c.pathway, c.version, &cd, e))
        goto done;
    const struct workflow_step *ws = def_step(&cd, s, e);
    if (!ws)
        goto done;
    if (strcmp(s->status, "awaiting_authorisation")) {
        err_set(e, ERR_CONFLICT, "", "The step '%s' is not awaiting authorisation", ws->title);
        goto done;
    }
    /* Four eyes: whoever completed a step cannot authorise it. */
    if (s->submitted_by == x->who->user_id) {
        err_set(e, ERR_DENIED, "", "You completed the step '%s'; another manager must authorise it",
                ws->title);
        goto done;
    }
    struct store_stmt *st = store_prepare(x->conn, approve ? SQL_APPROVE : SQL_RETURN, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_int64(st, ":id", step_id);
    if (!store_exec(st, e))
        goto done;
    st = store_prepare(x->conn, SQL_REVIEW, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", step_id);
    store_bind_text(st, ":decision", approve ? "approve" : "return");
    store_bind_text_or_null(st, ":note", note);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (!store_exec(st, e))
        goto done;
    snprintf(detail, sizeof detail, "case %lld step %lld %s %s", (long long)c.id,
             (long long)step_id, ws->id, approve ? "approved" : "returned");
    if (!ctx_audit(x, "step.authorise", "person", c.person_id, note, detail, e))
        goto done;
    if (approve) {
        const struct workflow_outcome *o = workflow_step_outcome(ws, s->outcome);
        if (!o) {
            err_set(e, ERR_INTERNAL, "", "outcome %s is not in the definition", s->outcome);
            goto done;
        }
        /* The version is saved in the worker's name: it is their record. */
        st = store_prepare(x->conn, SQL_VERSION_INSERT, e);
        if (!st)
            goto done;
        store_bind_int64(st, ":id", step_id);
        store_bind_int64(st, ":version", s->version);
        store_bind_text(st, ":answers", s->answers);
        store_bind_text(st, ":outcome", o->id);
        store_bind_null(st, ":reason");
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":by", s->submitted_by);
        if (!store_exec(st, e) || !apply_outcome(x, &c, cd.d, o, s->closure_reason, e))
            goto done;
    }
    ok = store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    case_def_release(&cd);
    return ok;
}
