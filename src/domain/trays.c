/*
 * Trays and workload: reading the open steps of cases by who holds them.
 */
#include "domain/trays.h"

#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "domain/cases_internal.h"
#include "domain/people.h"
#include "domain/workflow_def.h"

/* A task is an unfinished step. It is the case worker's unless a manager
 * gave it alone to someone else (s.assigned_user_id). */
#define TASK_COLUMNS                                                                               \
    "SELECT s.id AS step_id, s.case_id, k.person_id, p.forenames || ' ' || p.surname, s.step,"     \
    " s.status, COALESCE(s.due_at, 0) AS due, COALESCE(k.allocated_user_id, 0), k.pathway,"        \
    " k.version, COALESCE(k.allocated_team_id, 0), COALESCE(u.display_name, ''),"                  \
    " COALESCE(s.assigned_user_id, 0), COALESCE(a.display_name, '')"                               \
    " FROM case_steps s JOIN cases k ON k.id = s.case_id JOIN people p ON p.id = k.person_id"      \
    " LEFT JOIN users u ON u.id = k.allocated_user_id"                                             \
    " LEFT JOIN users a ON a.id = s.assigned_user_id"
/* Due first, no time limit last. The UNIONs below let each part use its own
 * index (cases by holder, then their steps by case; tasks given alone by
 * assignee) where one WHERE with ORs would scan every open step. */
#define TASK_ORDER ") AS t ORDER BY CASE WHEN due = 0 THEN 1 ELSE 0 END, due, step_id LIMIT :limit"

/* A worker's own tasks (on the cases they hold, less those given to someone
 * else, plus those given to them alone); a manager's authorisations on cases
 * their teams or team-mates hold (never a step they completed: four eyes).
 * Each part starts from the cases held (a team's 30 workers hold about
 * 1,200), not from the county's steps awaiting authorisation; "awaiting
 * authorisation" is said as NOT IN so the planner cannot take
 * case_steps_open instead. A case with a worker is found through the worker
 * (allocation keeps the worker in the case's team), one with none through
 * its team, so no step is found twice. */
#define AWAITING                                                                                   \
    " AND k.status = 'open' AND s.status NOT IN ('open', 'draft', 'completed', 'cancelled')"       \
    " AND COALESCE(s.submitted_by, 0) <> :user"
static const char SQL_MINE[] =
    "SELECT * FROM (" TASK_COLUMNS " WHERE k.allocated_user_id = :user AND k.status = 'open'"
    " AND s.status NOT IN ('awaiting_authorisation', 'completed', 'cancelled')"
    " AND s.assigned_user_id IS NULL"
    " UNION ALL " TASK_COLUMNS " WHERE s.assigned_user_id = :user AND s.status IN ('open', 'draft')"
    " AND k.status = 'open'"
    " UNION ALL " TASK_COLUMNS " WHERE :manager = 1 AND k.allocated_user_id IN (SELECT m.user_id"
    " FROM user_teams mine JOIN user_teams m ON m.team_id = mine.team_id"
    " WHERE mine.user_id = :user)" AWAITING " UNION ALL " TASK_COLUMNS
    " WHERE :manager = 1 AND k.allocated_team_id IN (SELECT team_id FROM user_teams"
    " WHERE user_id = :user) AND k.allocated_user_id IS NULL" AWAITING TASK_ORDER;
/* A team's tray: cases the team holds with no worker, cases its members hold
 * and, for the duty team (or every team when none is configured), cases no
 * one holds, so nothing waits unseen; and tasks given alone to its members.
 * UNION lists a task found twice (a member's task on a member's case) once. */
/* "Not finished" is said as NOT IN so the planner cannot start from the
 * county's open steps (case_steps_open) instead of the team's cases. */
#define TEAM_STEPS " AND k.status = 'open' AND s.status NOT IN ('completed', 'cancelled')"
#define MEMBERS "(SELECT user_id FROM user_teams WHERE team_id = :team)"
static const char SQL_TEAM_TASKS[] =
    "SELECT * FROM (" TASK_COLUMNS " WHERE k.allocated_team_id = :team"
    " AND k.allocated_user_id IS NULL" TEAM_STEPS " UNION " TASK_COLUMNS
    " WHERE k.allocated_user_id IN " MEMBERS TEAM_STEPS " UNION " TASK_COLUMNS
    " WHERE :unheld = 1 AND k.allocated_team_id IS NULL AND k.allocated_user_id IS NULL" TEAM_STEPS
    " UNION " TASK_COLUMNS " WHERE s.assigned_user_id IN " MEMBERS TEAM_STEPS TASK_ORDER;
static const char SQL_TEAM[] = "SELECT name FROM teams WHERE id = :id";
static const char SQL_MEMBERS[] =
    "SELECT u.id, u.display_name FROM user_teams m JOIN users u ON u.id = m.user_id"
    " WHERE m.team_id = :team ORDER BY u.display_name, u.id LIMIT :limit";
/* Each open case of the team's members with its unfinished steps (a case
 * with none gives one row with NULL step columns): holder, case, step, due,
 * pathway, version, step id, assignee. */
#define LOAD_COLUMNS                                                                               \
    " k.id, COALESCE(s.step, ''), COALESCE(s.due_at, 0), k.pathway, k.version, s.id,"              \
    " COALESCE(s.assigned_user_id, 0) FROM cases k LEFT JOIN case_steps s ON s.case_id = k.id"     \
    " AND s.status IN ('open', 'draft', 'awaiting_authorisation') WHERE k.status = 'open'"
static const char SQL_LOAD[] =
    "SELECT k.allocated_user_id," LOAD_COLUMNS " AND k.allocated_user_id IN " MEMBERS
    " ORDER BY k.allocated_user_id, k.id";
/* The cases in the team's tray that no worker holds (as in SQL_TEAM_TASKS). */
static const char SQL_LOAD_UNALLOCATED[] =
    "SELECT 0," LOAD_COLUMNS " AND k.allocated_team_id = :team AND k.allocated_user_id IS NULL"
    " UNION ALL SELECT 0," LOAD_COLUMNS " AND :unheld = 1 AND k.allocated_team_id IS NULL"
    " AND k.allocated_user_id IS NULL ORDER BY 2";
/* Tasks given alone to the team's members on cases the two queries above do
 * not count (held by other teams' workers, or other teams). */
static const char SQL_LOAD_ASSIGNED[] =
    "SELECT s.assigned_user_id, k.id, s.step, COALESCE(s.due_at, 0), k.pathway, k.version, s.id,"
    " s.assigned_user_id FROM case_steps s JOIN cases k ON k.id = s.case_id"
    " WHERE s.assigned_user_id IN " MEMBERS " AND s.status NOT IN ('completed', 'cancelled')"
    " AND k.status = 'open' AND COALESCE(k.allocated_user_id, 0) NOT IN " MEMBERS
    " AND NOT (k.allocated_user_id IS NULL AND (COALESCE(k.allocated_team_id, 0) = :team"
    " OR (:unheld = 1 AND k.allocated_team_id IS NULL))) ORDER BY 1, 2";

static const char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

static const struct workflow_step *step_of(struct ctx *x, const char *pathway, int version,
                                           const char *step)
{
    const struct workflow_def *d =
        x->workflows ? workflow_set_get(x->workflows, pathway, version) : NULL;
    return d ? workflow_def_step(d, step) : NULL;
}

static bool read_tasks(struct ctx *x, struct store_stmt *st, struct tray *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->tasks = arena_alloc(x->arena, TRAY_MAX_TASKS * sizeof *out->tasks);
    if (!out->tasks)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    store_bind_int64(st, ":limit", TRAY_MAX_TASKS + 1);
    int64_t today = clock_london_day(x->now);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (out->n == TRAY_MAX_TASKS) {
            out->truncated = true;
            break;
        }
        struct tray_task *t = &out->tasks[out->n];
        memset(t, 0, sizeof *t);
        t->step_id = store_col_int64(st, 0);
        t->case_id = store_col_int64(st, 1);
        t->person_id = store_col_int64(st, 2);
        t->person_name = dup(x, st, 3);
        t->step = dup(x, st, 4);
        t->status = dup(x, st, 5);
        t->due_at = store_col_int64(st, 6);
        t->allocated_user_id = store_col_int64(st, 7);
        t->allocated_team_id = store_col_int64(st, 10);
        t->holder_name = dup(x, st, 11);
        t->assigned_user_id = store_col_int64(st, 12);
        t->assignee_name = dup(x, st, 13);
        const struct workflow_step *ws =
            step_of(x, store_col_text(st, 8), (int)store_col_int64(st, 9), t->step);
        t->title = ws ? ws->title : t->step;
        t->to_authorise = !strcmp(t->status, "awaiting_authorisation");
        t->overdue = t->due_at && calendar_is_overdue(t->due_at, x->now);
        t->due_today = t->due_at && !t->overdue && clock_london_day(t->due_at) == today;
        out->n++;
    }
    if (r == STORE_ERROR)
        return false;
    /* A restricted record the user has no grant for is left out, name and all. */
    size_t kept = 0;
    for (size_t i = 0; i < out->n; i++) {
        struct err hidden = ERR_INIT;
        if (people_may_see(x, out->tasks[i].person_id, &hidden))
            out->tasks[kept++] = out->tasks[i];
        else if (hidden.code != ERR_NOT_FOUND && hidden.code != ERR_DENIED)
            return err_set(e, hidden.code, "", "%s", hidden.message);
    }
    out->n = kept;
    return true;
}

/* End the read (ok: it succeeded) and, if it did, write its audit row. The
 * read runs in a read transaction and only the audit row takes the write
 * lock: a team's tray reads up to a thousand tasks, and SQLite has one writer,
 * so reading under the write lock would hold up every write in the county.
 * The audit row is committed before the caller answers. */
static bool finish(struct ctx *x, bool ok, const char *action, const char *record_type, int64_t id,
                   size_t n, struct err *e)
{
    store_rollback(x->conn); /* nothing was written: ends the read */
    if (!ok || !store_begin(x->conn, true, e))
        return false;
    char detail[64];
    snprintf(detail, sizeof detail, "%zu rows", n);
    ok = ctx_audit(x, action, record_type, id, NULL, detail, e) && store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool trays_mine(struct ctx *x, struct tray *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!access_require(x->who, PERM_CASES_VIEW, e) || !store_begin(x->conn, false, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_MINE, e);
    bool ok = st != NULL;
    if (ok) {
        store_bind_int64(st, ":user", x->who->user_id);
        store_bind_int64(st, ":manager", access_allows(x->who, PERM_CASES_AUTHORISE) ? 1 : 0);
        ok = read_tasks(x, st, out, e);
    }
    return finish(x, ok, "tray.view", "user", x->who->user_id, out->n, e);
}

static const char SQL_IN_TEAM[] =
    "SELECT 1 FROM user_teams WHERE user_id = :user AND team_id = :team";

/* Need-to-know for a team's tray and workload: they name the people in the
 * team's cases, so a manager sees them only for a team of theirs (every case
 * there is then theirs by allocation to their team or a team-mate); an
 * administrator stands in for any team's manager. Call after team_name. */
static bool in_team(struct ctx *x, int64_t team_id, struct err *e)
{
    if (x->who->role == ROLE_ADMINISTRATOR)
        return true;
    struct store_stmt *st = store_prepare(x->conn, SQL_IN_TEAM, e);
    if (!st)
        return false;
    store_bind_int64(st, ":user", x->who->user_id);
    store_bind_int64(st, ":team", team_id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    return r == STORE_ROW || err_set(e, ERR_DENIED, "",
                                     "You are not in this team: only its own "
                                     "managers see its tray and workload");
}

static bool team_name(struct ctx *x, int64_t team_id, const char **name, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_TEAM, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", team_id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW)
        return r == STORE_DONE
                   ? err_set(e, ERR_NOT_FOUND, "", "There is no team %lld", (long long)team_id)
                   : false;
    *name = dup(x, st, 0);
    return true;
}

bool trays_team(struct ctx *x, int64_t team_id, struct tray *out, const char **team_name_out,
                struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!access_require(x->who, PERM_CASES_ALLOCATE, e) || !store_begin(x->conn, false, e))
        return false;
    const char *name;
    int64_t duty = 0;
    bool ok =
        team_name(x, team_id, &name, e) && in_team(x, team_id, e) && cases_duty_team(x, &duty, e);
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_TEAM_TASKS, e) : NULL;
    ok = st != NULL;
    if (ok) {
        store_bind_int64(st, ":team", team_id);
        store_bind_int64(st, ":unheld", !duty || duty == team_id ? 1 : 0);
        ok = read_tasks(x, st, out, e);
    }
    if (ok && team_name_out)
        *team_name_out = name;
    return finish(x, ok, "tray.view", "team", team_id, out->n, e);
}

static void add(struct workload_row *to, const struct workload_row *r)
{
    to->open_cases += r->open_cases;
    to->open_tasks += r->open_tasks;
    to->overdue_tasks += r->overdue_tasks;
    to->weighted += r->weighted;
}

static struct workload_row *row_of(struct workload *out, int64_t user)
{
    if (!user)
        return &out->unallocated;
    for (size_t i = 0; i < out->n; i++)
        if (out->rows[i].user_id == user)
            return &out->rows[i];
    return NULL;
}

/* Count the rows of a SQL_LOAD* query (ordered by holder, then case): each
 * case for its holder's row (holder 0: out->unallocated) when count_cases,
 * each task for its assignee's row if it was given to someone alone (not
 * counted here if they are outside the team: their own team counts it),
 * else for the holder's. */
static bool tally(struct ctx *x, struct store_stmt *st, struct workload *out, bool count_cases,
                  struct err *e)
{
    int64_t last_case = 0;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        int64_t case_id = store_col_int64(st, 1), assignee = store_col_int64(st, 7);
        struct workload_row *holder = row_of(out, store_col_int64(st, 0));
        if (count_cases && holder && case_id != last_case) {
            holder->open_cases++;
            last_case = case_id;
        }
        if (store_col_is_null(st, 6))
            continue; /* an open case with no open step */
        struct workload_row *w = assignee ? row_of(out, assignee) : holder;
        if (!w)
            continue;
        int64_t due = store_col_int64(st, 3);
        const struct workflow_step *ws =
            step_of(x, store_col_text(st, 4), (int)store_col_int64(st, 5), store_col_text(st, 2));
        w->open_tasks++;
        w->overdue_tasks += due && calendar_is_overdue(due, x->now) ? 1 : 0;
        w->weighted += ws ? ws->weight : 1;
    }
    return r != STORE_ERROR;
}

bool trays_workload(struct ctx *x, int64_t team_id, struct workload *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->team_id = team_id;
    out->total.name = "";
    out->unallocated.name = "Not allocated to a worker";
    if (!access_require(x->who, PERM_CASES_ALLOCATE, e) || !store_begin(x->conn, false, e))
        return false;
    bool ok = false;
    int64_t duty = 0;
    if (!team_name(x, team_id, &out->team_name, e) || !in_team(x, team_id, e) ||
        !cases_duty_team(x, &duty, e))
        goto done;
    out->rows = arena_alloc(x->arena, WORKLOAD_MAX_MEMBERS * sizeof *out->rows);
    if (!out->rows) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    struct store_stmt *st = store_prepare(x->conn, SQL_MEMBERS, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":team", team_id);
    store_bind_int64(st, ":limit", WORKLOAD_MAX_MEMBERS);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct workload_row *w = &out->rows[out->n++];
        memset(w, 0, sizeof *w);
        w->user_id = store_col_int64(st, 0);
        w->name = dup(x, st, 1);
    }
    if (r == STORE_ERROR || !(st = store_prepare(x->conn, SQL_LOAD, e)))
        goto done;
    store_bind_int64(st, ":team", team_id);
    if (!tally(x, st, out, true, e) || !(st = store_prepare(x->conn, SQL_LOAD_UNALLOCATED, e)))
        goto done;
    store_bind_int64(st, ":team", team_id);
    store_bind_int64(st, ":unheld", !duty || duty == team_id ? 1 : 0);
    if (!tally(x, st, out, true, e) || !(st = store_prepare(x->conn, SQL_LOAD_ASSIGNED, e)))
        goto done;
    store_bind_int64(st, ":team", team_id);
    store_bind_int64(st, ":unheld", !duty || duty == team_id ? 1 : 0);
    if (!tally(x, st, out, false, e))
        goto done;
    for (size_t i = 0; i < out->n; i++)
        add(&out->total, &out->rows[i]);
    add(&out->total, &out->unallocated);
    ok = true;
done:
    return finish(x, ok, "workload.view", "team", team_id, out->n, e);
}

static const char SQL_COLLEAGUES[] =
    "SELECT DISTINCT u.id, u.display_name FROM user_teams mine"
    " JOIN user_teams them ON them.team_id = mine.team_id JOIN users u ON u.id = them.user_id"
    " WHERE mine.user_id = :user AND u.disabled = 0 AND u.role IN ('manager', 'practitioner')"
    " ORDER BY u.display_name, u.id LIMIT :limit";

bool trays_colleagues(struct ctx *x, struct colleague *out, size_t max, size_t *n, struct err *e)
{
    *n = 0;
    if (!access_require(x->who, PERM_CASES_ALLOCATE, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_COLLEAGUES, e);
    if (!st)
        return false;
    store_bind_int64(st, ":user", x->who->user_id);
    store_bind_int64(st, ":limit", (int64_t)max);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW && *n < max) {
        out[*n].user_id = store_col_int64(st, 0);
        out[(*n)++].name = dup(x, st, 1);
    }
    return r != STORE_ERROR;
}

static const char SQL_MY_TEAMS[] =
    "SELECT t.id, t.name FROM user_teams m JOIN teams t ON t.id = m.team_id"
    " WHERE m.user_id = :user ORDER BY t.name, t.id LIMIT :limit";

bool trays_my_teams(struct ctx *x, struct team_ref *out, size_t max, size_t *n, struct err *e)
{
    *n = 0;
    if (!access_require(x->who, PERM_CASES_VIEW, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_MY_TEAMS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":user", x->who->user_id);
    store_bind_int64(st, ":limit", (int64_t)max);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW && *n < max) {
        out[*n].id = store_col_int64(st, 0);
        out[(*n)++].name = dup(x, st, 1);
    }
    return r != STORE_ERROR;
}

const char *trays_query_sql(size_t i, const char **name)
{
    static const struct {
        const char *name, *sql;
    } queries[] = {
        {"mine", SQL_MINE},
        {"team_tasks", SQL_TEAM_TASKS},
        {"members", SQL_MEMBERS},
        {"load", SQL_LOAD},
        {"load_unallocated", SQL_LOAD_UNALLOCATED},
        {"load_assigned", SQL_LOAD_ASSIGNED},
    };
    if (i >= sizeof queries / sizeof queries[0])
        return NULL;
    *name = queries[i].name;
    return queries[i].sql;
}
