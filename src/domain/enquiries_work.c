/*
 * Working an enquiry: a co-ordinator assigns officers and chases them, the
 * councillor asks for an update, officers respond, and the lead officer or a
 * co-ordinator records the reply, which completes it.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"

#include "domain/enquiries.h"
#include "domain/enquiries_internal.h"

static const char SQL_CLEAR_OFFICERS[] = "DELETE FROM enquiry_officers WHERE enquiry_id = :id";
static const char SQL_ADD_OFFICER[] =
    "INSERT INTO enquiry_officers (enquiry_id, user_id, lead, assigned_at, assigned_by)"
    " VALUES (:id, :user, :lead, :now, :me)";
static const char SQL_OFFICER[] = "SELECT display_name FROM users WHERE id = :id AND disabled = 0"
                                  " AND role IN ('manager', 'practitioner')";
static const char SQL_SET_LEAD[] =
    "UPDATE enquiries SET lead_officer_id = :lead, status = CASE WHEN status = 'new'"
    " THEN 'in_progress' ELSE status END, updated_at = :now WHERE id = :id";
static const char SQL_IS_OFFICER[] =
    "SELECT lead FROM enquiry_officers WHERE enquiry_id = :id AND user_id = :me";
static const char SQL_REPLY[] =
    "UPDATE enquiries SET reply = :text, replied_at = :now, replied_by = :me,"
    " status = 'completed', updated_at = :now WHERE id = :id AND status <> 'completed'";
static const char SQL_STAFF[] =
    "SELECT id, display_name, role FROM users WHERE disabled = 0"
    " AND role IN ('manager', 'practitioner') ORDER BY display_name, id";

/* Begin a write and load the enquiry the user may see; false (rolled back)
 * otherwise. */
static bool begin(struct ctx *x, enum perm p, int64_t id, struct enquiry *q, struct err *e)
{
    if (!access_require(x->who, p, e) || !store_begin(x->conn, true, e))
        return false;
    if (enquiries_load(x, id, false, q, e))
        return true;
    store_rollback(x->conn);
    return false;
}

static bool finish(struct ctx *x, bool ok, struct err *e)
{
    ok = ok && store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static bool open_enquiry(const struct enquiry *q, struct err *e)
{
    if (!strcmp(q->status, "completed"))
        return err_set(e, ERR_CONFLICT, "", "Enquiry %lld has been replied to and is completed",
                       (long long)q->id);
    return true;
}

/* Is the user on the enquiry, and its lead? */
static bool officer_of(struct ctx *x, int64_t id, bool *on, bool *lead, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_IS_OFFICER, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":me", x->who->user_id);
    enum store_step_result r = store_step(st, e);
    *on = r == STORE_ROW;
    *lead = *on && store_col_int64(st, 0) != 0;
    return r != STORE_ERROR;
}

static bool add_officer(struct ctx *x, int64_t id, int64_t user, bool lead, struct buf *names,
                        struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_OFFICER, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", user);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE)
        return err_set(e, ERR_INVALID, lead ? "lead_officer" : "officers",
                       "User %lld is not an officer who can be assigned (a manager or "
                       "practitioner whose account is enabled)",
                       (long long)user);
    buf_printf(names, "%s%s%s", names->len ? ", " : "", store_col_text(st, 0),
               lead ? " (lead)" : "");
    if (!(st = store_prepare(x->conn, SQL_ADD_OFFICER, e)))
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":user", user);
    store_bind_int64(st, ":lead", lead);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":me", x->who->user_id);
    return store_exec(st, e);
}

bool enquiries_assign(struct ctx *x, int64_t id, int64_t lead, const int64_t *further,
                      size_t nfurther, struct err *e)
{
    struct enquiry q;
    if (lead < 1)
        return err_set(e, ERR_INVALID, "lead_officer", "Choose the lead officer");
    if (nfurther + 1 > ENQUIRY_MAX_OFFICERS)
        return err_set(e, ERR_INVALID, "officers", "Assign at most %d officers",
                       ENQUIRY_MAX_OFFICERS);
    for (size_t i = 0; i < nfurther; i++)
        for (size_t j = 0; j <= i; j++)
            if (further[i] == (j == i ? lead : further[j]))
                return err_set(e, ERR_INVALID, "officers", "An officer is named twice");
    if (!begin(x, PERM_ENQUIRIES_COORDINATE, id, &q, e))
        return false;
    struct buf names = BUF_INIT;
    bool ok = open_enquiry(&q, e) && store_exec_id(x->conn, SQL_CLEAR_OFFICERS, id, e) &&
              add_officer(x, id, lead, true, &names, e);
    for (size_t i = 0; ok && i < nfurther; i++)
        ok = add_officer(x, id, further[i], false, &names, e);
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_SET_LEAD, e) : NULL;
    if (st) {
        store_bind_int64(st, ":lead", lead);
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":id", id);
    }
    ok = st && store_exec(st, e) && enquiries_event(x, id, "assigned", names.data, e) &&
         ctx_audit(x, "enquiry.assign", "enquiry", id, NULL, names.data, e);
    buf_release(&names);
    return finish(x, ok, e);
}

/* An event with optional text, after the rule says the user may add it. */
static bool note(struct ctx *x, int64_t id, const char *kind, const char *text, bool required,
                 const char *label, struct err *e)
{
    return enquiries_text_ok("text", label, text, ENQUIRY_MAX_NOTE, required, true, e) &&
           enquiries_event(x, id, kind, text, e);
}

bool enquiries_chase(struct ctx *x, int64_t id, const char *text, struct err *e)
{
    struct enquiry q;
    if (!begin(x, PERM_ENQUIRIES_COORDINATE, id, &q, e))
        return false;
    bool ok = open_enquiry(&q, e);
    if (ok && !q.lead_officer_id)
        ok = err_set(e, ERR_CONFLICT, "", "Assign a lead officer before chasing");
    ok = ok && note(x, id, "chased", text, false, "message", e) &&
         ctx_audit(x, "enquiry.chase", "enquiry", id, NULL, NULL, e);
    return finish(x, ok, e);
}

bool enquiries_request_update(struct ctx *x, int64_t id, const char *text, struct err *e)
{
    struct enquiry q;
    if (!begin(x, PERM_ENQUIRIES_SUBMIT, id, &q, e))
        return false;
    bool ok = open_enquiry(&q, e);
    if (ok && q.councillor_id != x->who->user_id) /* cannot happen: scoped to their own */
        ok = err_set(e, ERR_NOT_FOUND, "", "There is no enquiry %lld that you can see",
                     (long long)id);
    ok = ok && note(x, id, "update_requested", text, false, "message", e) &&
         ctx_audit(x, "enquiry.request-update", "enquiry", id, NULL, NULL, e);
    return finish(x, ok, e);
}

bool enquiries_respond(struct ctx *x, int64_t id, const char *text, struct err *e)
{
    struct enquiry q;
    bool on = false, lead = false;
    if (!begin(x, PERM_ENQUIRIES_RESPOND, id, &q, e))
        return false;
    bool ok = open_enquiry(&q, e) && officer_of(x, id, &on, &lead, e);
    if (ok && !on && x->who->role != ROLE_ENQUIRY_COORDINATOR && x->who->role != ROLE_ADMINISTRATOR)
        ok = err_set(e, ERR_DENIED, "", "Only an officer assigned to the enquiry may respond");
    ok = ok && note(x, id, "response", text, true, "response", e) &&
         ctx_audit(x, "enquiry.respond", "enquiry", id, NULL, NULL, e);
    return finish(x, ok, e);
}

bool enquiries_reply(struct ctx *x, int64_t id, const char *text, struct err *e)
{
    struct enquiry q;
    bool on = false, lead = false;
    if (!begin(x, PERM_ENQUIRIES_RESPOND, id, &q, e))
        return false;
    bool ok = open_enquiry(&q, e) && officer_of(x, id, &on, &lead, e);
    if (ok && !lead && x->who->role != ROLE_ENQUIRY_COORDINATOR &&
        x->who->role != ROLE_ADMINISTRATOR)
        ok = err_set(e, ERR_DENIED, "",
                     "Only the lead officer or an enquiry co-ordinator may record the reply");
    ok = ok && enquiries_text_ok("reply", "reply", text, ENQUIRY_MAX_NOTE, true, true, e);
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_REPLY, e) : NULL;
    if (st) {
        store_bind_text(st, ":text", text);
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":me", x->who->user_id);
        store_bind_int64(st, ":id", id);
    }
    char detail[64];
    snprintf(detail, sizeof detail, "%s", q.overdue ? "replied after the deadline" : "in time");
    ok = st && store_exec(st, e) && enquiries_event(x, id, "replied", text, e) &&
         ctx_audit(x, "enquiry.reply", "enquiry", id, NULL, detail, e);
    return finish(x, ok, e);
}

bool enquiries_staff(struct ctx *x, struct enquiry_staff **out, size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!access_require(x->who, PERM_ENQUIRIES_COORDINATE, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_STAFF, e);
    if (!st)
        return false;
    size_t cap = 0;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW && *n < 2000) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            struct enquiry_staff *g = arena_alloc(x->arena, cap * sizeof *g);
            if (!g)
                return err_set(e, ERR_NOMEM, "", "out of memory");
            if (*n)
                memcpy(g, *out, *n * sizeof *g);
            *out = g;
        }
        struct enquiry_staff *s = &(*out)[(*n)++];
        s->id = store_col_int64(st, 0);
        s->name = arena_strdup(x->arena, store_col_text(st, 1));
        s->role = arena_strdup(x->arena, store_col_text(st, 2));
    }
    return r != STORE_ERROR;
}
