/*
 * The rows the simulated work writes: the same tables, columns and audit
 * actions (with the same detail text) as the domain's contacts, cases, steps,
 * allocations and notes modules write for the same event, so a seeded case
 * reads, lists and verifies like a live one. The statements are those
 * modules' own (but for the ids, see SQL_MAX_CONTACT); each is prepared once
 * per connection (store_prepare caches).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "domain/notes_internal.h"
#include "domain/step_facts.h"
#include "seed/work_internal.h"

static const char SQL_CONTACT[] =
    "INSERT INTO contacts (id, pathway, received_at, referrer_name, referrer_role,"
    " referrer_organisation, referrer_contact, source, concern, created_at, created_by)"
    " VALUES (:id, :pathway, :received_at, :referrer_name, :referrer_role,"
    " :referrer_organisation, :referrer_contact, :source, :concern, :now, :by)";
static const char SQL_CONTACT_PERSON[] =
    "INSERT INTO contact_people (contact_id, person_id, case_id) VALUES (:id, :person_id,"
    " :case_id)";
static const char SQL_CASE[] =
    "INSERT INTO cases (id, person_id, contact_id, pathway, version, received_at, status,"
    " created_at, created_by) VALUES (:id, :person_id, :contact_id, :pathway, :version,"
    " :received_at, 'open', :now, :by)";
static const char SQL_STEP[] =
    "INSERT INTO case_steps (id, case_id, step, status, started_at, due_at, answers, facts,"
    " version, updated_at, updated_by) VALUES (:id, :case_id, :step, 'open', :started_at,"
    " :due_at, :answers, :facts, 1, :now, :by)";
static const char SQL_SUBMIT[] =
    "UPDATE case_steps SET answers = :answers, facts = :facts, status = :status,"
    " outcome = :outcome, closure_reason = :closure_reason, submitted_at = :now, submitted_by = "
    ":by,"
    " completed_at = :completed_at, completed_by = :completed_by, updated_at = :now,"
    " updated_by = :by WHERE id = :id";
static const char SQL_APPROVE[] =
    "UPDATE case_steps SET status = 'completed', completed_at = :now, completed_by = submitted_by,"
    " authorised_at = :now, authorised_by = :by, updated_at = :now, updated_by = :by"
    " WHERE id = :id";
static const char SQL_REVIEW[] =
    "INSERT INTO step_reviews (step_id, decision, note, decided_at, decided_by)"
    " VALUES (:id, 'approve', NULL, :now, :by)";
static const char SQL_VERSION[] =
    "INSERT INTO step_versions (step_id, version, answers, outcome, reason, saved_at, saved_by)"
    " VALUES (:id, 1, :answers, :outcome, NULL, :now, :by)";
static const char SQL_CLOSE[] = "UPDATE cases SET status = 'closed', closed_at = :now,"
                                " closure_reason = :reason WHERE id = :id";
static const char SQL_CANCEL_OPEN[] =
    "UPDATE case_steps SET status = 'cancelled', updated_at = :now, updated_by = :by"
    " WHERE case_id = :id AND status IN ('open', 'draft', 'awaiting_authorisation')";
static const char SQL_DECIDED[] =
    "UPDATE contact_people SET decision = :decision, decided_at = :now, decided_by = :by"
    " WHERE case_id = :case_id AND decision IS NULL";
static const char SQL_ALLOC_END[] =
    "UPDATE allocations SET to_at = :now WHERE case_id = :id AND to_at IS NULL";
static const char SQL_ALLOC_ADD[] =
    "INSERT INTO allocations (case_id, user_id, team_id, from_at, reason, by_user)"
    " VALUES (:id, :user_id, :team_id, :now, :reason, :by)";
static const char SQL_ALLOC_SET[] =
    "UPDATE cases SET allocated_user_id = :user_id, allocated_team_id = :team_id WHERE id = :id";
static const char SQL_NOTE[] =
    "INSERT INTO notes (id, person_id, type, occurred_on, body, version, author_id, created_at,"
    " updated_at) VALUES (:id, :person_id, :type, :occurred_on, :body, 1, :by, :now, :now)";
/* The highest id of each table the work inserts into: the rows get the ids
 * SQLite would give them (one more than the highest), without RETURNING
 * (which runs each insert through a temporary table). The seed is the
 * database's only writer while it runs. */
static const char SQL_MAX_CONTACT[] = "SELECT COALESCE(MAX(id), 0) FROM contacts";
static const char SQL_MAX_CASE[] = "SELECT COALESCE(MAX(id), 0) FROM cases";
static const char SQL_MAX_STEP[] = "SELECT COALESCE(MAX(id), 0) FROM case_steps";
static const char SQL_MAX_NOTE[] = "SELECT COALESCE(MAX(id), 0) FROM notes";
static const char SQL_NOTE_VERSION[] =
    "INSERT INTO note_versions (note_id, version, type, occurred_on, body, saved_by, created_at,"
    " updated_at) VALUES (:id, 1, :type, :occurred_on, :body, :by, :now, :now)";
static const char SQL_SIBLINGS[] =
    "SELECT related_id FROM relationships WHERE person_id = :id"
    " AND type IN ('sibling', 'half_sibling', 'step_sibling') AND to_date IS NULL";

static bool audit(struct wk *w, const char *action, int64_t person_id, const char *reason,
                  const char *detail, struct err *e)
{
    w->r->audit_rows++;
    w->writes_since_commit++;
    return seed_audit_append(&w->audit, w->x, action, "person", person_id, reason, detail, e);
}

static bool max_id(struct wk *w, const char *sql, int64_t *id, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, sql, e);
    if (!st || store_step(st, e) != STORE_ROW)
        return e->code ? false : err_set(e, ERR_INTERNAL, "", "no highest id");
    *id = store_col_int64(st, 0);
    return store_exec(st, e);
}

bool wk_ids_load(struct wk *w, struct err *e)
{
    return max_id(w, SQL_MAX_CONTACT, &w->last_contact, e) &&
           max_id(w, SQL_MAX_CASE, &w->last_case, e) && max_id(w, SQL_MAX_STEP, &w->last_step, e) &&
           max_id(w, SQL_MAX_NOTE, &w->last_note, e);
}

/* Keep a note's text for the full-text index until wk_commit. */
static bool index_later(struct wk *w, int64_t id, const char *body, struct err *e)
{
    if (w->nfts == w->cap_fts) {
        size_t cap = w->cap_fts ? w->cap_fts * 2 : 1024;
        struct wk_fts_pending *p = realloc(w->fts, cap * sizeof *p);
        if (!p)
            return err_set(e, ERR_NOMEM, "", "out of memory");
        w->fts = p;
        w->cap_fts = cap;
    }
    w->fts[w->nfts].id = id;
    w->fts[w->nfts].off = w->fts_text.len;
    if (!buf_append(&w->fts_text, body, strlen(body) + 1))
        return err_set(e, ERR_NOMEM, "", "out of memory");
    w->nfts++;
    return true;
}

bool wk_commit(struct wk *w, bool reopen, struct err *e)
{
    for (size_t i = 0; i < w->nfts; i++)
        if (!notes_index_add(w->x, w->fts[i].id, w->fts_text.data + w->fts[i].off, e))
            return false;
    w->nfts = 0;
    buf_reset(&w->fts_text);
    return seed_audit_commit(&w->audit, w->x, e) && (!reopen || store_begin(w->x->conn, true, e));
}

void wk_forget(struct wk *w)
{
    w->nfts = 0;
    buf_reset(&w->fts_text);
    seed_audit_forget(&w->audit);
}

static int64_t by(const struct wk *w)
{
    return w->x->who->user_id;
}

bool wk_write_contact(struct wk *w, int domain, const char *pathway, const char *source,
                      const char *referrer, const char *role, const char *org, const char *contact,
                      const char *concern, int64_t *id, struct err *e)
{
    (void)domain;
    struct store_stmt *st = store_prepare(w->x->conn, SQL_CONTACT, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", w->last_contact + 1);
    store_bind_text(st, ":pathway", pathway);
    store_bind_int64(st, ":received_at", w->x->now);
    store_bind_text(st, ":referrer_name", referrer);
    store_bind_text_or_null(st, ":referrer_role", role);
    store_bind_text_or_null(st, ":referrer_organisation", org);
    store_bind_text_or_null(st, ":referrer_contact", contact);
    store_bind_text(st, ":source", source);
    store_bind_text(st, ":concern", concern);
    store_bind_int64(st, ":now", w->x->now);
    store_bind_int64(st, ":by", by(w));
    if (!store_exec(st, e))
        return false;
    *id = ++w->last_contact;
    w->r->contacts++;
    return true;
}

bool wk_write_case(struct wk *w, struct wk_case *c, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_CASE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", w->last_case + 1);
    store_bind_int64(st, ":person_id", c->person_id);
    store_bind_int64(st, ":contact_id", c->contact_id);
    store_bind_text(st, ":pathway", workflow_def_pathway(c->d));
    store_bind_int64(st, ":version", workflow_def_version(c->d));
    store_bind_int64(st, ":received_at", c->received_at);
    store_bind_int64(st, ":now", w->x->now);
    store_bind_int64(st, ":by", by(w));
    if (!store_exec(st, e))
        return false;
    c->id = ++w->last_case;
    char detail[96];
    snprintf(detail, sizeof detail, "case %lld on %s v%d", (long long)c->id,
             workflow_def_pathway(c->d), workflow_def_version(c->d));
    w->r->cases++;
    return audit(w, "case.create", c->person_id, NULL, detail, e);
}

bool wk_write_contact_person(struct wk *w, struct wk_case *c, const char *source, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_CONTACT_PERSON, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", c->contact_id);
    store_bind_int64(st, ":person_id", c->person_id);
    store_bind_int64(st, ":case_id", c->id);
    char detail[96];
    snprintf(detail, sizeof detail, "contact %lld (%s) case %lld", (long long)c->contact_id, source,
             (long long)c->id);
    return store_exec(st, e) && audit(w, "contact.create", c->person_id, NULL, detail, e);
}

bool wk_write_step_start(struct wk *w, struct wk_case *c, struct wk_step *s, int64_t due,
                         const char *text, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_STEP, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", w->last_step + 1);
    store_bind_int64(st, ":case_id", c->id);
    store_bind_text(st, ":step", s->s->id);
    store_bind_int64(st, ":started_at", s->started_at);
    if (due)
        store_bind_int64(st, ":due_at", due);
    else
        store_bind_null(st, ":due_at");
    store_bind_text(st, ":answers", text);
    if (!step_facts_bind(st, s->answers, e))
        return false;
    store_bind_int64(st, ":now", w->x->now);
    store_bind_int64(st, ":by", by(w));
    if (!store_exec(st, e))
        return false;
    s->id = ++w->last_step;
    char detail[128];
    snprintf(detail, sizeof detail, "case %lld step %lld %s started", (long long)c->id,
             (long long)s->id, s->s->id);
    w->r->steps++;
    return audit(w, "step.start", c->person_id, NULL, detail, e);
}

bool wk_write_submit(struct wk *w, struct wk_case *c, struct wk_step *s,
                     const struct workflow_outcome *o, const json_t *answers, const char *text,
                     const char *closure, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_SUBMIT, e);
    if (!st)
        return false;
    bool authorise = s->s->authorise;
    store_bind_text(st, ":answers", text);
    if (!step_facts_bind(st, answers, e))
        return false;
    store_bind_text(st, ":status", authorise ? "awaiting_authorisation" : "completed");
    store_bind_text(st, ":outcome", o->id);
    store_bind_text_or_null(st, ":closure_reason", closure);
    store_bind_int64(st, ":now", w->x->now);
    store_bind_int64(st, ":by", by(w));
    if (authorise) {
        store_bind_null(st, ":completed_at");
        store_bind_null(st, ":completed_by");
    } else {
        store_bind_int64(st, ":completed_at", w->x->now);
        store_bind_int64(st, ":completed_by", by(w));
    }
    store_bind_int64(st, ":id", s->id);
    if (!store_exec(st, e))
        return false;
    char detail[160];
    snprintf(detail, sizeof detail, "case %lld step %lld %s outcome %s%s", (long long)c->id,
             (long long)s->id, s->s->id, o->id, authorise ? " (awaiting authorisation)" : "");
    w->r->completed++;
    return audit(w, "step.complete", c->person_id, NULL, detail, e);
}

bool wk_write_authorise(struct wk *w, struct wk_case *c, struct wk_step *s, int64_t submitted_by,
                        struct err *e)
{
    (void)submitted_by;
    struct store_stmt *st = store_prepare(w->x->conn, SQL_APPROVE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":now", w->x->now);
    store_bind_int64(st, ":by", by(w));
    store_bind_int64(st, ":id", s->id);
    if (!store_exec(st, e) || !(st = store_prepare(w->x->conn, SQL_REVIEW, e)))
        return false;
    store_bind_int64(st, ":id", s->id);
    store_bind_int64(st, ":now", w->x->now);
    store_bind_int64(st, ":by", by(w));
    if (!store_exec(st, e))
        return false;
    char detail[160];
    snprintf(detail, sizeof detail, "case %lld step %lld %s approved", (long long)c->id,
             (long long)s->id, s->s->id);
    w->r->authorised++;
    return audit(w, "step.authorise", c->person_id, NULL, detail, e);
}

bool wk_write_version(struct wk *w, struct wk_step *s, const char *text,
                      const struct workflow_outcome *o, int64_t saved_by, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_VERSION, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", s->id);
    store_bind_text(st, ":answers", text);
    store_bind_text(st, ":outcome", o->id);
    store_bind_int64(st, ":now", w->x->now);
    store_bind_int64(st, ":by", saved_by);
    w->writes_since_commit++;
    return store_exec(st, e);
}

bool wk_write_close(struct wk *w, struct wk_case *c, const char *reason, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_CLOSE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":now", w->x->now);
    store_bind_text(st, ":reason", reason);
    store_bind_int64(st, ":id", c->id);
    if (!store_exec(st, e) || !(st = store_prepare(w->x->conn, SQL_CANCEL_OPEN, e)))
        return false;
    store_bind_int64(st, ":now", w->x->now);
    store_bind_int64(st, ":by", by(w));
    store_bind_int64(st, ":id", c->id);
    char detail[96];
    snprintf(detail, sizeof detail, "case %lld closed (%s)", (long long)c->id, reason);
    return store_exec(st, e) && audit(w, "case.close", c->person_id, NULL, detail, e);
}

bool wk_write_decision(struct wk *w, struct wk_case *c, const char *outcome, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_DECIDED, e);
    if (!st)
        return false;
    store_bind_text(st, ":decision", outcome);
    store_bind_int64(st, ":now", w->x->now);
    store_bind_int64(st, ":by", by(w));
    store_bind_int64(st, ":case_id", c->id);
    char detail[96];
    snprintf(detail, sizeof detail, "contact %lld decided: %s", (long long)c->contact_id, outcome);
    return store_exec(st, e) && audit(w, "contact.decide", c->person_id, NULL, detail, e);
}

bool wk_write_allocate(struct wk *w, struct wk_case *c, int worker, const char *reason,
                       struct err *e)
{
    const struct wk_user *u = &w->users[worker];
    int64_t team_id = w->teams[u->team].id;
    int64_t before = c->worker == WK_NONE ? 0 : w->users[c->worker].id;
    struct store_stmt *st = store_prepare(w->x->conn, SQL_ALLOC_END, e);
    if (!st)
        return false;
    store_bind_int64(st, ":now", w->x->now);
    store_bind_int64(st, ":id", c->id);
    if (!store_exec(st, e) || !(st = store_prepare(w->x->conn, SQL_ALLOC_ADD, e)))
        return false;
    store_bind_int64(st, ":id", c->id);
    store_bind_int64(st, ":user_id", u->id);
    store_bind_int64(st, ":team_id", team_id);
    store_bind_int64(st, ":now", w->x->now);
    store_bind_text(st, ":reason", reason);
    store_bind_int64(st, ":by", by(w));
    if (!store_exec(st, e) || !(st = store_prepare(w->x->conn, SQL_ALLOC_SET, e)))
        return false;
    store_bind_int64(st, ":user_id", u->id);
    store_bind_int64(st, ":team_id", team_id);
    store_bind_int64(st, ":id", c->id);
    char detail[200];
    snprintf(detail, sizeof detail, "case %lld allocated to user %lld team %lld (was user %lld)",
             (long long)c->id, (long long)u->id, (long long)team_id, (long long)before);
    w->r->allocations++;
    return store_exec(st, e) && audit(w, "case.allocate", c->person_id, reason, detail, e);
}

bool wk_write_note(struct wk *w, struct wk_case *c, const char *type, const char *occurred_on,
                   const char *body, struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_NOTE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", w->last_note + 1);
    store_bind_int64(st, ":person_id", c->person_id);
    store_bind_text(st, ":type", type);
    store_bind_text(st, ":occurred_on", occurred_on);
    store_bind_text(st, ":body", body);
    store_bind_int64(st, ":by", by(w));
    store_bind_int64(st, ":now", w->x->now);
    if (!store_exec(st, e) || !(st = store_prepare(w->x->conn, SQL_NOTE_VERSION, e)))
        return false;
    int64_t id = ++w->last_note;
    store_bind_int64(st, ":id", id);
    store_bind_text(st, ":type", type);
    store_bind_text(st, ":occurred_on", occurred_on);
    store_bind_text(st, ":body", body);
    store_bind_int64(st, ":by", by(w));
    store_bind_int64(st, ":now", w->x->now);
    char detail[64];
    snprintf(detail, sizeof detail, "note %lld created (%s)", (long long)id, type);
    w->r->notes++;
    return store_exec(st, e) && index_later(w, id, body, e) &&
           audit(w, "note.create", c->person_id, NULL, detail, e);
}

size_t wk_siblings(struct wk *w, int64_t person_id, int64_t day, int64_t *out, size_t max,
                   struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_SIBLINGS, e);
    if (!st)
        return 0;
    store_bind_int64(st, ":id", person_id);
    size_t n = 0;
    while (n < max && store_step(st, e) == STORE_ROW) {
        int64_t id = store_col_int64(st, 0), i = id - w->min_id;
        int64_t dob = i >= 0 && (size_t)i < w->ndob_by_id ? w->dob_by_id[i] : 0;
        if (dob && dob <= day && day - dob < 18 * 365 && !w->busy[i])
            out[n++] = id;
    }
    return n; /* store_prepare resets the statement before its next use */
}
