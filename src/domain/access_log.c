/*
 * access_log: the audit log read per person and per user.
 */
#include "domain/access_log.h"

#include <stdio.h>

/* Inside an override: the actor's unexpired break-glass on that person when
 * the row was written. */
#define IN_OVERRIDE(person)                                                                        \
    "(a.action = 'person.override' OR EXISTS (SELECT 1 FROM access_overrides o"                    \
    " WHERE o.person_id = " person " AND o.user_id = a.actor_id AND a.at >= o.granted_at"          \
    " AND a.at < o.expires_at))"
#define COLUMNS                                                                                    \
    "SELECT a.id, a.at, COALESCE(a.actor_id, 0), a.actor, a.action, COALESCE(a.record_type, ''),"  \
    " COALESCE(a.record_id, ''), COALESCE(a.reason, ''), COALESCE(a.detail, ''), "

static const char SQL_PERSON[] =
    COLUMNS IN_OVERRIDE(":person") " FROM audit a"
                                   " WHERE a.record_type = 'person' AND a.record_id = :record_id"
                                   " ORDER BY a.id DESC LIMIT :limit";
static const char SQL_USER[] = COLUMNS "a.record_type = 'person' AND " IN_OVERRIDE(
    "CAST(a.record_id AS INTEGER)") " FROM audit a WHERE a.actor_id = :user AND a.record_type IS "
                                    "NOT NULL"
                                    " ORDER BY a.id DESC LIMIT :limit";
static const char SQL_PERSON_EXISTS[] = "SELECT 1 FROM people WHERE id = :id";
static const char SQL_USER_EXISTS[] = "SELECT 1 FROM users WHERE id = :id";

static bool run(struct ctx *x, struct store_stmt *st,
                bool (*fn)(const struct access_log_row *, void *), void *arg, struct err *e)
{
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct access_log_row row = {
            .audit_id = store_col_int64(st, 0),
            .at = store_col_int64(st, 1),
            .actor_id = store_col_int64(st, 2),
            .actor = store_col_text(st, 3),
            .action = store_col_text(st, 4),
            .record_type = store_col_text(st, 5),
            .record_id = store_col_text(st, 6),
            .reason = store_col_text(st, 7),
            .detail = store_col_text(st, 8),
            .override = store_col_int64(st, 9) != 0,
        };
        if (!row.actor)
            row.actor = "-";
        (void)x;
        if (!fn(&row, arg))
            break;
    }
    return r != STORE_ERROR;
}

static int clamp(int limit)
{
    return limit < 1 ? 1 : limit > ACCESS_LOG_EXPORT_MAX ? ACCESS_LOG_EXPORT_MAX : limit;
}

bool access_log_person(struct ctx *x, int64_t person_id, int limit,
                       bool (*fn)(const struct access_log_row *row, void *arg), void *arg,
                       struct err *e)
{
    if (!access_require(x->who, PERM_AUDIT_READ, e))
        return false;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)person_id);
    bool ok = false;
    /* Audited first, in its own transaction: the list then includes this look. */
    if (!store_begin(x->conn, true, e))
        return false;
    if (!ctx_row(x, SQL_PERSON_EXISTS, person_id, "person record", e) ||
        !ctx_audit(x, "access-log.person", "person", person_id, NULL, NULL, e) ||
        !store_commit(x->conn, e))
        goto done;
    if (!store_begin(x->conn, false, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_PERSON, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":person", person_id);
    store_bind_text(st, ":record_id", id);
    store_bind_int64(st, ":limit", clamp(limit));
    ok = run(x, st, fn, arg, e);
done:
    store_rollback(x->conn);
    return ok;
}

bool access_log_user(struct ctx *x, int64_t user_id, int limit,
                     bool (*fn)(const struct access_log_row *row, void *arg), void *arg,
                     struct err *e)
{
    if (!access_require(x->who, PERM_AUDIT_READ, e))
        return false;
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        return false;
    if (!ctx_row(x, SQL_USER_EXISTS, user_id, "user", e) ||
        !ctx_audit(x, "access-log.user", "user", user_id, NULL, NULL, e) ||
        !store_commit(x->conn, e))
        goto done;
    if (!store_begin(x->conn, false, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_USER, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":user", user_id);
    store_bind_int64(st, ":limit", clamp(limit));
    ok = run(x, st, fn, arg, e);
done:
    store_rollback(x->conn);
    return ok;
}
