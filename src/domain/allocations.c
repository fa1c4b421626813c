/*
 * Allocation: who holds a case. Each change ends the open row of the case's
 * allocation history and adds one, with the reason, in the same transaction
 * as the case's allocated_user_id/team_id and the audit row.
 */
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "domain/cases_internal.h"
#include "domain/people.h"

static const char SQL_CASE[] =
    "SELECT person_id, status, COALESCE(allocated_user_id, 0) FROM cases WHERE id = :id";
static const char SQL_USER[] = "SELECT display_name, disabled FROM users WHERE id = :id";
static const char SQL_TEAM[] = "SELECT name FROM teams WHERE id = :id";
static const char SQL_MEMBER[] =
    "SELECT 1 FROM user_teams WHERE user_id = :user_id AND team_id = :team_id";
static const char SQL_TEAM_MATE[] =
    "SELECT 1 FROM user_teams a JOIN user_teams b ON b.team_id = a.team_id"
    " WHERE a.user_id = :me AND b.user_id = :them";
static const char SQL_END[] =
    "UPDATE allocations SET to_at = :now WHERE case_id = :id AND to_at IS NULL";
static const char SQL_ADD[] =
    "INSERT INTO allocations (case_id, user_id, team_id, from_at, reason, by_user)"
    " VALUES (:id, :user_id, :team_id, :now, :reason, :by)";
static const char SQL_SET[] =
    "UPDATE cases SET allocated_user_id = :user_id, allocated_team_id = :team_id WHERE id = :id";

static bool one_row(struct ctx *x, const char *sql, int64_t id, const char *field, const char *what,
                    struct store_stmt **out, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, sql, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE)
        return err_set(e, *field ? ERR_INVALID : ERR_NOT_FOUND, field, "There is no %s %lld", what,
                       (long long)id);
    *out = st;
    return true;
}

static bool reason_ok(const char *reason, struct err *e)
{
    if (!reason || !*reason)
        return err_set(e, ERR_INVALID, "reason", "Say why the case is allocated (reason)");
    if (!utf8_valid(reason, strlen(reason)) || utf8_length(reason) > CASES_MAX_NOTE)
        return err_set(e, ERR_INVALID, "reason",
                       "The reason must be text of %d characters or fewer", CASES_MAX_NOTE);
    return true;
}

static bool allocate_in(struct ctx *x, int64_t case_id, int64_t user_id, int64_t team_id,
                        const char *reason, struct err *e);

bool cases_allocate(struct ctx *x, int64_t case_id, int64_t user_id, int64_t team_id,
                    const char *reason, struct err *e)
{
    if (!access_require(x->who, PERM_CASES_ALLOCATE, e))
        return false;
    if (!reason_ok(reason, e))
        return false;
    if (!user_id && !team_id)
        return err_set(e, ERR_INVALID, "user_id", "Choose a worker (user_id) or a team (team_id)");
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = allocate_in(x, case_id, user_id, team_id, reason, e) && store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

/* One case's allocation inside the caller's write transaction. */
static bool allocate_in(struct ctx *x, int64_t case_id, int64_t user_id, int64_t team_id,
                        const char *reason, struct err *e)
{
    bool ok = false;
    struct store_stmt *st;
    char detail[200];
    if (!one_row(x, SQL_CASE, case_id, "", "case", &st, e))
        goto done;
    int64_t person_id = store_col_int64(st, 0), before = store_col_int64(st, 2);
    if (strcmp(store_col_text(st, 1), "open")) {
        err_set(e, ERR_CONFLICT, "", "Case %lld is closed", (long long)case_id);
        goto done;
    }
    if (!people_may_see(x, person_id, e))
        goto done;
    if (user_id) {
        if (!one_row(x, SQL_USER, user_id, "user_id", "user", &st, e))
            goto done;
        if (store_col_int64(st, 1)) {
            err_set(e, ERR_INVALID, "user_id", "%s's account is disabled", store_col_text(st, 0));
            goto done;
        }
    }
    if (team_id && !one_row(x, SQL_TEAM, team_id, "team_id", "team", &st, e))
        goto done;
    if (user_id && team_id) {
        st = store_prepare(x->conn, SQL_MEMBER, e);
        if (!st)
            goto done;
        store_bind_int64(st, ":user_id", user_id);
        store_bind_int64(st, ":team_id", team_id);
        enum store_step_result r = store_step(st, e);
        if (r == STORE_ERROR)
            goto done;
        if (r == STORE_DONE) {
            err_set(e, ERR_INVALID, "team_id", "User %lld is not in team %lld", (long long)user_id,
                    (long long)team_id);
            goto done;
        }
    }
    st = store_prepare(x->conn, SQL_END, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":id", case_id);
    if (!store_exec(st, e))
        goto done;
    st = store_prepare(x->conn, SQL_ADD, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", case_id);
    if (user_id)
        store_bind_int64(st, ":user_id", user_id);
    else
        store_bind_null(st, ":user_id");
    if (team_id)
        store_bind_int64(st, ":team_id", team_id);
    else
        store_bind_null(st, ":team_id");
    store_bind_int64(st, ":now", x->now);
    store_bind_text(st, ":reason", reason);
    store_bind_int64(st, ":by", x->who->user_id);
    if (!store_exec(st, e))
        goto done;
    st = store_prepare(x->conn, SQL_SET, e);
    if (!st)
        goto done;
    if (user_id)
        store_bind_int64(st, ":user_id", user_id);
    else
        store_bind_null(st, ":user_id");
    if (team_id)
        store_bind_int64(st, ":team_id", team_id);
    else
        store_bind_null(st, ":team_id");
    store_bind_int64(st, ":id", case_id);
    snprintf(detail, sizeof detail, "case %lld allocated to user %lld team %lld (was user %lld)",
             (long long)case_id, (long long)user_id, (long long)team_id, (long long)before);
    ok = store_exec(st, e) && ctx_audit(x, "case.allocate", "person", person_id, reason, detail, e);
done:
    return ok;
}

static const char SQL_CASELOAD[] =
    "SELECT id FROM cases WHERE allocated_user_id = :id AND status = 'open' ORDER BY id"
    " LIMIT :limit";

static bool step_allocate_in(struct ctx *x, int64_t step_id, int64_t user_id, const char *reason,
                             struct err *e);
static const char SQL_ASSIGNED_TASKS[] =
    "SELECT s.id FROM case_steps s JOIN cases k ON k.id = s.case_id WHERE s.assigned_user_id = :id"
    " AND s.status IN ('open', 'draft') AND k.status = 'open' ORDER BY s.id LIMIT :limit";
/* Need-to-know: a manager moves the caseload of a team-mate (whose cases are
 * theirs by allocation to a team-mate); an administrator anyone's. */
static bool team_mate(struct ctx *x, int64_t user_id, struct err *e)
{
    if (x->who->role == ROLE_ADMINISTRATOR)
        return true;
    struct store_stmt *st = store_prepare(x->conn, SQL_TEAM_MATE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":me", x->who->user_id);
    store_bind_int64(st, ":them", user_id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    return r == STORE_ROW || err_set(e, ERR_DENIED, "", "That worker is not in a team of yours");
}

bool cases_reallocate_caseload(struct ctx *x, int64_t from_user_id, int64_t to_user_id,
                               int64_t team_id, const char *reason, size_t *moved, struct err *e)
{
    *moved = 0;
    if (!access_require(x->who, PERM_CASES_ALLOCATE, e) || !team_mate(x, from_user_id, e) ||
        !reason_ok(reason, e))
        return false;
    if (!to_user_id)
        return err_set(e, ERR_INVALID, "to_user_id", "Choose the worker to take the caseload");
    if (to_user_id == from_user_id)
        return err_set(e, ERR_INVALID, "to_user_id", "The caseload is already with that worker");
    int64_t *ids = arena_alloc(x->arena, CASES_MAX_CASELOAD * sizeof *ids);
    if (!ids)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    size_t n = 0;
    struct store_stmt *st;
    st = store_prepare(x->conn, SQL_CASELOAD, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", from_user_id);
    store_bind_int64(st, ":limit", CASES_MAX_CASELOAD);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW)
        ids[n++] = store_col_int64(st, 0);
    if (r == STORE_ERROR)
        goto done;
    /* All or nothing: a caseload is never left half moved. */
    for (size_t i = 0; i < n; i++)
        if (!allocate_in(x, ids[i], to_user_id, team_id, reason, e))
            goto done;
    /* Tasks given to the worker alone on others' cases go too, or a
     * departed worker's tasks would wait in a tray no one opens. */
    size_t nsteps = 0;
    if (!(st = store_prepare(x->conn, SQL_ASSIGNED_TASKS, e)))
        goto done;
    store_bind_int64(st, ":id", from_user_id);
    store_bind_int64(st, ":limit", CASES_MAX_CASELOAD);
    while ((r = store_step(st, e)) == STORE_ROW)
        ids[nsteps++] = store_col_int64(st, 0);
    if (r == STORE_ERROR)
        goto done;
    for (size_t i = 0; i < nsteps; i++)
        if (!step_allocate_in(x, ids[i], to_user_id, reason, e))
            goto done;
    ok = store_commit(x->conn, e);
    if (ok)
        *moved = n;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static const char SQL_TEAM_BY_NAME[] = "SELECT id FROM teams WHERE name = :name";
static const char SQL_FIRST_TEAM[] = "SELECT MIN(team_id) FROM user_teams WHERE user_id = :user_id";

bool cases_duty_team(struct ctx *x, int64_t *team_id, struct err *e)
{
    *team_id = 0;
    const char *name = x->cfg && x->cfg->duty_team ? x->cfg->duty_team : "";
    if (!*name)
        return true;
    struct store_stmt *st = store_prepare(x->conn, SQL_TEAM_BY_NAME, e);
    if (!st)
        return false;
    store_bind_text(st, ":name", name);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE)
        return err_set(e, ERR_CONFLICT, "",
                       "The configured duty_team '%.100s' is not a team: an administrator must "
                       "add it or change the setting",
                       name);
    *team_id = store_col_int64(st, 0);
    return true;
}

bool cases_hold_new(struct ctx *x, int64_t case_id, struct err *e)
{
    int64_t team_id;
    if (!cases_duty_team(x, &team_id, e))
        return false;
    const char *reason = "New work: held by the front-door (duty) team until allocated";
    if (!team_id) {
        struct store_stmt *st = store_prepare(x->conn, SQL_FIRST_TEAM, e);
        if (!st)
            return false;
        store_bind_int64(st, ":user_id", x->who->user_id);
        if (store_step(st, e) != STORE_ROW)
            return false;
        team_id = store_col_is_null(st, 0) ? 0 : store_col_int64(st, 0);
        reason = "New work: held by the recording worker's team until allocated";
    }
    /* No team at all: the case stays unheld, and every team's tray shows it,
     * so it is not lost (see trays.c). */
    return !team_id || allocate_in(x, case_id, 0, team_id, reason, e);
}

static const char SQL_STEP_END[] =
    "UPDATE step_allocations SET to_at = :now WHERE step_id = :id AND to_at IS NULL";
static const char SQL_STEP_ADD[] =
    "INSERT INTO step_allocations (step_id, user_id, from_at, reason, by_user)"
    " VALUES (:id, :user_id, :now, :reason, :by)";
static const char SQL_STEP_SET[] =
    "UPDATE case_steps SET assigned_user_id = :user_id WHERE id = :id";

/* One task's allocation inside the caller's write transaction. */
static bool step_allocate_in(struct ctx *x, int64_t step_id, int64_t user_id, const char *reason,
                             struct err *e)
{
    bool ok = false;
    struct case_record c;
    struct case_step *s;
    struct store_stmt *st;
    if (!cases_load_step(x, step_id, &c, &s, e) || !people_may_see(x, c.person_id, e))
        goto done;
    /* Only work still to do can move: a submitted step is the worker's until
     * a manager decides on it, a finished one is history. */
    if (strcmp(c.status, "open") ||
        (strcmp(s->status, "open") != 0 && strcmp(s->status, "draft") != 0)) {
        err_set(e, ERR_CONFLICT, "",
                "Only a task not yet submitted on an open case can be "
                "reallocated (this one is %s)",
                s->status);
        goto done;
    }
    if (user_id == c.allocated_user_id)
        user_id = 0; /* back to the case's worker */
    if (user_id) {
        if (!one_row(x, SQL_USER, user_id, "user_id", "user", &st, e))
            goto done;
        if (store_col_int64(st, 1)) {
            err_set(e, ERR_INVALID, "user_id", "%s's account is disabled", store_col_text(st, 0));
            goto done;
        }
    }
    if (!(st = store_prepare(x->conn, SQL_STEP_END, e)))
        goto done;
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":id", step_id);
    if (!store_exec(st, e) || !(st = store_prepare(x->conn, SQL_STEP_ADD, e)))
        goto done;
    store_bind_int64(st, ":id", step_id);
    if (user_id)
        store_bind_int64(st, ":user_id", user_id);
    else
        store_bind_null(st, ":user_id");
    store_bind_int64(st, ":now", x->now);
    store_bind_text(st, ":reason", reason);
    store_bind_int64(st, ":by", x->who->user_id);
    if (!store_exec(st, e) || !(st = store_prepare(x->conn, SQL_STEP_SET, e)))
        goto done;
    if (user_id)
        store_bind_int64(st, ":user_id", user_id);
    else
        store_bind_null(st, ":user_id");
    store_bind_int64(st, ":id", step_id);
    char detail[200];
    snprintf(detail, sizeof detail, "case %lld step %lld %s allocated to user %lld (was %lld)",
             (long long)c.id, (long long)step_id, s->step, (long long)user_id,
             (long long)s->assigned_user_id);
    ok = store_exec(st, e) &&
         ctx_audit(x, "step.allocate", "person", c.person_id, reason, detail, e);
done:
    return ok;
}

bool cases_step_allocate(struct ctx *x, int64_t step_id, int64_t user_id, const char *reason,
                         struct err *e)
{
    if (!access_require(x->who, PERM_CASES_ALLOCATE, e) || !reason_ok(reason, e))
        return false;
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = step_allocate_in(x, step_id, user_id, reason, e) && store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}
