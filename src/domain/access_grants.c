/*
 * access_grants: managers' need-to-know grants (see the header for the scope).
 */
#include "domain/access_grants.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "domain/need_to_know.h"
#include "domain/people.h"

static const char SQL_USER[] = "SELECT role, disabled FROM users WHERE id = :id";
/* Do the two users share a team? */
static const char SQL_TEAM_MATES[] =
    "SELECT 1 FROM user_teams a JOIN user_teams b ON b.team_id = a.team_id"
    " WHERE a.user_id = :a AND b.user_id = :b";
static const char SQL_IN_FORCE[] =
    "SELECT expires_at FROM access_grants WHERE person_id = :person AND user_id = :user"
    " AND revoked_at IS NULL AND expires_at > :now";
static const char SQL_INSERT[] =
    "INSERT INTO access_grants (person_id, user_id, granted_by, granted_at, reason, expires_at)"
    " VALUES (:person, :user, :by, :now, :reason, :expires) RETURNING id";
static const char SQL_GET[] =
    "SELECT person_id, user_id, granted_by, revoked_at FROM access_grants WHERE id = :id";
static const char SQL_REVOKE[] =
    "UPDATE access_grants SET revoked_at = :now, revoked_by = :by WHERE id = :id";
static const char SQL_LIST[] =
    "SELECT g.id, g.person_id, g.user_id, u.username, u.display_name, b.username, g.reason,"
    " g.granted_at, g.expires_at, COALESCE(g.revoked_at, 0), COALESCE(r.username, '')"
    " FROM access_grants g JOIN users u ON u.id = g.user_id JOIN users b ON b.id = g.granted_by"
    " LEFT JOIN users r ON r.id = g.revoked_by WHERE g.person_id = :person"
    " ORDER BY g.id DESC LIMIT :limit";
static const char SQL_CANDIDATES_ALL[] =
    "SELECT id, username, display_name FROM users WHERE disabled = 0 AND id <> :me"
    " ORDER BY display_name, id LIMIT :limit";
static const char SQL_CANDIDATES_TEAM[] =
    "SELECT DISTINCT u.id, u.username, u.display_name FROM users u"
    " JOIN user_teams b ON b.user_id = u.id JOIN user_teams a ON a.team_id = b.team_id"
    " WHERE a.user_id = :me AND u.id <> :me AND u.disabled = 0"
    " ORDER BY u.display_name, u.id LIMIT :limit";

static bool is_admin(const struct ctx *x)
{
    return x->who && x->who->role == ROLE_ADMINISTRATOR;
}

static bool team_mates(struct ctx *x, int64_t a, int64_t b, bool *out, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_TEAM_MATES, e);
    if (!st)
        return false;
    store_bind_int64(st, ":a", a);
    store_bind_int64(st, ":b", b);
    enum store_step_result r = store_step(st, e);
    *out = r == STORE_ROW;
    return r != STORE_ERROR;
}

static bool reason_ok(const char *v, struct err *e)
{
    if (!v || !*v)
        return err_set(e, ERR_INVALID, "reason", "Enter why the worker needs the record");
    if (strlen(v) > ACCESS_GRANT_REASON_MAX)
        return err_set(e, ERR_INVALID, "reason", "The reason must be %d characters or fewer",
                       ACCESS_GRANT_REASON_MAX);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
            return err_set(e, ERR_INVALID, "reason",
                           "The reason must not contain control "
                           "characters");
    return true;
}

/* The end of the London day expires_on, which must be after today and at most
 * ACCESS_GRANT_MAX_DAYS ahead. */
static bool expiry_ok(struct ctx *x, const char *expires_on, int64_t *until, struct err *e)
{
    int64_t day, today = clock_london_day(x->now);
    struct err pe = ERR_INIT;
    if (!expires_on || !*expires_on)
        return err_set(e, ERR_INVALID, "expires_on", "Enter the date the access ends");
    if (!clock_parse_date(expires_on, &day, &pe))
        return err_set(e, ERR_INVALID, "expires_on",
                       "The date the access ends must be a real date (YYYY-MM-DD)");
    if (day <= today || day > today + ACCESS_GRANT_MAX_DAYS)
        return err_set(e, ERR_INVALID, "expires_on",
                       "The date the access ends must be after today and within %d days",
                       ACCESS_GRANT_MAX_DAYS);
    *until = clock_london_to_instant(day + 1, 0, 0, 0);
    return true;
}

/* The grantee: an active user whose role may open person records, in a team
 * of the granting manager (administrators: anyone), not the granter. */
static bool grantee_ok(struct ctx *x, int64_t user_id, struct err *e)
{
    if (user_id == x->who->user_id)
        return err_set(e, ERR_INVALID, "user_id", "You cannot grant access to yourself");
    struct store_stmt *st = store_prepare(x->conn, SQL_USER, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", user_id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE || store_col_int64(st, 1))
        return err_set(e, ERR_INVALID, "user_id", "Choose an active user");
    enum role role;
    struct principal p = {.user_id = user_id};
    if (!access_parse_role(store_col_text(st, 0), &role))
        return err_set(e, ERR_INVALID, "user_id", "Choose an active user");
    p.role = role;
    if (!access_allows(&p, PERM_PEOPLE_VIEW))
        return err_set(e, ERR_INVALID, "user_id", "That user's role (%s) opens no person records",
                       access_role_name(role));
    if (is_admin(x))
        return true;
    bool mates;
    if (!team_mates(x, x->who->user_id, user_id, &mates, e))
        return false;
    if (!mates)
        return err_set(e, ERR_DENIED, "user_id",
                       "You can grant access only to members of your own teams");
    return true;
}

bool access_grant_add(struct ctx *x, int64_t person_id, int64_t user_id, const char *reason,
                      const char *expires_on, int64_t *id, struct err *e)
{
    int64_t until = 0;
    if (!access_require(x->who, PERM_ACCESS_GRANT, e))
        return false;
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    if (is_admin(x)) {
        if (!people_may_see(x, person_id, e))
            goto done;
    } else {
        /* The manager's own legitimate relationship: an override or a grant
         * of theirs does not let them hand the record on. */
        bool related;
        if (!ntk_require(x, person_id, ACTION_VIEW, e) || !ntk_related(x, person_id, &related, e))
            goto done;
        if (!related) {
            err_set(e, ERR_DENIED, "",
                    "You can grant access only to records you or your team work on (a case, "
                    "contact or step); an override or a grant does not count");
            goto done;
        }
    }
    if (!grantee_ok(x, user_id, e) || !reason_ok(reason, e) || !expiry_ok(x, expires_on, &until, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_IN_FORCE, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":person", person_id);
    store_bind_int64(st, ":user", user_id);
    store_bind_int64(st, ":now", x->now);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        goto done;
    if (r == STORE_ROW) {
        err_set(e, ERR_CONFLICT, "user_id",
                "That user already has a grant on this record; revoke it to give a new one");
        goto done;
    }
    if (!(st = store_prepare(x->conn, SQL_INSERT, e)))
        goto done;
    store_bind_int64(st, ":person", person_id);
    store_bind_int64(st, ":user", user_id);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_int64(st, ":now", x->now);
    store_bind_text(st, ":reason", reason);
    store_bind_int64(st, ":expires", until);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t gid = store_col_int64(st, 0);
    char detail[128];
    snprintf(detail, sizeof detail, "{\"grant\":%lld,\"user\":%lld,\"expires_on\":\"%.10s\"}",
             (long long)gid, (long long)user_id, expires_on);
    ok = ctx_audit(x, "person.access-grant", "person", person_id, reason, detail, e) &&
         store_commit(x->conn, e);
    if (ok && id)
        *id = gid;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool access_grant_revoke(struct ctx *x, int64_t person_id, int64_t grant_id, struct err *e)
{
    if (!access_require(x->who, PERM_ACCESS_GRANT, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    struct store_stmt *st = store_prepare(x->conn, SQL_GET, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", grant_id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW || store_col_int64(st, 0) != person_id) {
        if (r != STORE_ERROR)
            err_set(e, ERR_NOT_FOUND, "", "Person %lld's record has no access grant %lld",
                    (long long)person_id, (long long)grant_id);
        goto done;
    }
    int64_t pid = person_id, uid = store_col_int64(st, 1), by = store_col_int64(st, 2);
    bool revoked = !store_col_is_null(st, 3);
    if (!is_admin(x) && by != x->who->user_id) {
        bool mates;
        if (!team_mates(x, x->who->user_id, uid, &mates, e))
            goto done;
        if (!mates) {
            err_set(e, ERR_DENIED, "",
                    "Only the manager who gave a grant, a manager of the worker's team or an "
                    "administrator may revoke it");
            goto done;
        }
    }
    if (revoked) {
        err_set(e, ERR_CONFLICT, "", "Access grant %lld is already revoked", (long long)grant_id);
        goto done;
    }
    if (!(st = store_prepare(x->conn, SQL_REVOKE, e)))
        goto done;
    store_bind_int64(st, ":id", grant_id);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    char detail[96];
    snprintf(detail, sizeof detail, "{\"grant\":%lld,\"user\":%lld}", (long long)grant_id,
             (long long)uid);
    ok = store_exec(st, e) &&
         ctx_audit(x, "person.access-revoke", "person", pid, NULL, detail, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static const char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

bool access_grant_list(struct ctx *x, int64_t person_id, struct access_grant **out, size_t *n,
                       struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!access_require(x->who, PERM_ACCESS_GRANT, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    if (is_admin(x) ? !people_may_see(x, person_id, e) : !ntk_require(x, person_id, ACTION_VIEW, e))
        goto done;
    struct access_grant *list = arena_alloc(x->arena, ACCESS_GRANT_MAX_LIST * sizeof *list);
    if (!list) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    struct store_stmt *st = store_prepare(x->conn, SQL_LIST, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":person", person_id);
    store_bind_int64(st, ":limit", ACCESS_GRANT_MAX_LIST);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct access_grant *g = &list[(*n)++];
        g->id = store_col_int64(st, 0);
        g->person_id = store_col_int64(st, 1);
        g->user_id = store_col_int64(st, 2);
        g->username = dup(x, st, 3);
        g->display_name = dup(x, st, 4);
        g->granted_by = dup(x, st, 5);
        g->reason = dup(x, st, 6);
        g->granted_at = store_col_int64(st, 7);
        g->expires_at = store_col_int64(st, 8);
        g->revoked_at = store_col_int64(st, 9);
        g->revoked_by = dup(x, st, 10);
        g->in_force = !g->revoked_at && g->expires_at > x->now;
    }
    if (r == STORE_ERROR)
        goto done;
    *out = list;
    ok = ctx_audit(x, "access-grant.view", "person", person_id, NULL, NULL, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool access_grant_candidates(struct ctx *x, struct access_grant_user **out, size_t *n,
                             struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!access_require(x->who, PERM_ACCESS_GRANT, e))
        return false;
    struct access_grant_user *list = arena_alloc(x->arena, ACCESS_GRANT_MAX_LIST * sizeof *list);
    if (!list)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    struct store_stmt *st =
        store_prepare(x->conn, is_admin(x) ? SQL_CANDIDATES_ALL : SQL_CANDIDATES_TEAM, e);
    if (!st)
        return false;
    store_bind_int64(st, ":me", x->who->user_id);
    store_bind_int64(st, ":limit", ACCESS_GRANT_MAX_LIST);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct access_grant_user *u = &list[(*n)++];
        u->id = store_col_int64(st, 0);
        u->username = dup(x, st, 1);
        u->display_name = dup(x, st, 2);
    }
    *out = list;
    return r != STORE_ERROR;
}
