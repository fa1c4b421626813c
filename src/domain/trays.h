/*
 * trays: work to do, from the open steps of cases. A worker's tray holds the
 * open and draft steps of the cases allocated to them and, for a manager,
 * the steps awaiting authorisation on cases held by their teams (or by
 * members of them), except those they completed themselves. A team's tray
 * holds every unfinished step of the cases its members hold, of the cases the
 * team holds with no worker (new contacts wait there, in the front-door team
 * of config duty_team or the recording worker's team, until a manager
 * allocates them) and, for the duty team (or every team if none is set), of
 * cases no one holds, so no work waits unseen.
 * Tasks are ordered by due instant (no time limit last), each marked due
 * today (London) or overdue. A team's workload sums, per member, open cases,
 * open tasks, overdue tasks and the weighted caseload (each open step's
 * weight from its definition).
 *
 * Access: PERM_CASES_VIEW for one's own tray; PERM_CASES_ALLOCATE (managers)
 * for a team's tray and workload. Each read writes one audit row (tray.view,
 * workload.view). Results come from ctx->arena. Thread-safety: as the ctx's
 * connection.
 */
#ifndef CASEWORK_DOMAIN_TRAYS_H
#define CASEWORK_DOMAIN_TRAYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

enum { TRAY_MAX_TASKS = 1000, WORKLOAD_MAX_MEMBERS = 500 };

struct tray_task {
    int64_t step_id, case_id, person_id;
    const char *person_name, *step, *title;
    const char *status; /* open, draft, awaiting_authorisation */
    bool to_authorise;  /* the task is a manager's authorisation */
    int64_t due_at;     /* 0: no time limit */
    bool due_today, overdue;
    int64_t allocated_user_id; /* 0: no worker holds the case */
    int64_t allocated_team_id; /* 0: no team holds it */
    const char *holder_name;   /* the worker's display name; "" when none */
    int64_t assigned_user_id;  /* the task was given alone to this worker; 0: the case's */
    const char *assignee_name; /* their display name; "" when none */
};

struct tray {
    struct tray_task *tasks;
    size_t n;
    bool truncated;
};

struct workload_row {
    int64_t user_id;
    const char *name;
    int64_t open_cases, open_tasks, overdue_tasks, weighted;
};

struct workload {
    int64_t team_id;
    const char *team_name;
    struct workload_row *rows; /* members by name */
    size_t n;
    /* Cases in the team's tray that no worker holds (held by the team, or by
     * no one: see trays_team); user_id 0. */
    struct workload_row unallocated;
    struct workload_row total; /* members and unallocated; user_id 0, name "" */
};

struct colleague {
    int64_t user_id;
    const char *name;
};

/* The people a manager may allocate to: active users sharing a team with
 * them, by name (at most max). Needs PERM_CASES_ALLOCATE; not audited (no
 * personal data of the people in care). */
bool trays_colleagues(struct ctx *x, struct colleague *out, size_t max, size_t *n, struct err *e);

struct team_ref {
    int64_t id;
    const char *name;
};

/* The signed-in user's teams, by name (at most max). Needs PERM_CASES_VIEW;
 * not audited (no personal data of the people in care). */
bool trays_my_teams(struct ctx *x, struct team_ref *out, size_t max, size_t *n, struct err *e);

/* The signed-in user's tray. */
bool trays_mine(struct ctx *x, struct tray *out, struct err *e);
/* A team's tray; *team_name (may be NULL) gets the team's name. Trays and
 * workload are need-to-know: a manager's own teams only (ERR_DENIED
 * otherwise); administrators any team. */
bool trays_team(struct ctx *x, int64_t team_id, struct tray *out, const char **team_name,
                struct err *e);
/* A team's workload. */
bool trays_workload(struct ctx *x, int64_t team_id, struct workload *out, struct err *e);

/* The SQL text of the i-th tray or workload query and its name in *name, or
 * NULL past the last: for the unit test that checks their query plans start
 * from indexes (tests/unit/test_trays.c). */
const char *trays_query_sql(size_t i, const char **name);

#endif
