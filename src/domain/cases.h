/*
 * cases: the workflow engine's runtime. A case is one person on one version
 * of a pathway (config/workflows, see workflow_def.h); it moves through
 * steps. Each step starts with a due instant from its timescale
 * (workflow_step_due over the case's events: case.received and every
 * <step>.started / <step>.completed so far), its form pre-filled from the
 * person record and copied forward from the last completed step of the same
 * kind. A worker saves answers as a draft (no mandatory check), then
 * completes the step with an outcome (every mandatory field required); a step
 * that needs authorisation then waits for a manager other than the worker,
 * who approves or returns it. Completion starts the outcome's next steps at
 * the completion instant, or closes the case with a reason. A completed step
 * is locked: changing it adds a new version and keeps the old.
 *
 * The definition a case started on is stored with it (workflow_definitions),
 * so a case in flight keeps its version when the file changes.
 *
 * Access: PERM_CASES_VIEW to read, PERM_CASES_EDIT to save and complete (and
 * the step's roles), PERM_CASES_AUTHORISE to authorise; the case's person must
 * be visible to the user; PERM_CASES_ALLOCATE to allocate (allocations.c). Every read and write is
 * audited in the same transaction (case.view, step.save, step.amend, step.complete,
 * step.authorise).
 *
 * Results are allocated from ctx->arena (request lifetime). Thread-safety: as
 * the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_CASES_H
#define CASEWORK_DOMAIN_CASES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/ctx.h"

enum { CASES_MAX_NOTE = 2000, CASES_MAX_PER_PERSON = 200, CASES_MAX_CASELOAD = 5000 };

struct step_version {
    int64_t version;
    const char *answers; /* JSON object text */
    const char *outcome; /* may be "" */
    const char *reason;  /* why it was changed after completion; "" for version 1 */
    int64_t saved_at, saved_by;
};

struct case_step {
    int64_t id, case_id;
    const char *step, *title;   /* id in the definition and its title */
    const char *status;         /* open, draft, awaiting_authorisation, completed, cancelled */
    int64_t started_at, due_at; /* due_at 0: no time limit */
    bool overdue;               /* not completed or cancelled, and past due_at */
    bool authorise;             /* completion needs a manager's authorisation */
    const char *answers;        /* JSON object text */
    int64_t version;
    const char *outcome, *closure_reason; /* "" when none */
    int64_t submitted_at, submitted_by, completed_at, completed_by, authorised_at, authorised_by;
    int64_t assigned_user_id;      /* a worker given this task alone; 0: the case's worker */
    struct step_version *versions; /* oldest first; only filled by cases_step_get */
    size_t nversions;
};

struct case_record {
    int64_t id, person_id, contact_id;
    const char *person_name;
    const char *pathway;
    int version;
    int64_t received_at;
    const char *status; /* open, closed */
    int64_t closed_at;
    const char *closure_reason;                   /* "" when open */
    int64_t allocated_user_id, allocated_team_id; /* 0: none */
    struct case_step *steps;                      /* in the order they started */
    size_t nsteps;
};

/* One case with its steps. Audited as case.view. */
bool cases_get(struct ctx *x, int64_t case_id, struct case_record *out, struct err *e);
/* A person's cases, newest first, each with its steps. Audited as case.view. */
bool cases_for_person(struct ctx *x, int64_t person_id, struct case_record **out, size_t *n,
                      struct err *e);
/* One step with its versions. Audited as case.view. */
bool cases_step_get(struct ctx *x, int64_t step_id, struct case_step *out, struct err *e);

/* Save answers (a JSON object; members replace, null removes) on an open or
 * draft step, as a draft: fields are checked but mandatory ones are not
 * required. On a completed step this is a change after completion: every
 * mandatory field is required, reason says why, and a new version is added
 * with the earlier kept. ERR_CONFLICT while the step awaits authorisation or
 * once cancelled. */
bool cases_step_save(struct ctx *x, int64_t step_id, const json_t *answers, const char *reason,
                     struct err *e);

/* Complete an open or draft step with outcome (an id from the definition),
 * merging answers first. Every mandatory field must be answered: if any is
 * not, fails with ERR_INVALID naming the first, and missing (may be NULL)
 * gets every missing field's name, one per line; nothing changes. A closing
 * outcome with a reason list needs closure_reason from it. */
bool cases_step_complete(struct ctx *x, int64_t step_id, const char *outcome, const json_t *answers,
                         const char *closure_reason, struct buf *missing, struct err *e);

/* A manager (not the worker who completed it) approves a step awaiting
 * authorisation (it completes now and its outcome takes effect) or returns it
 * to the worker as a draft, with a note. */
bool cases_step_authorise(struct ctx *x, int64_t step_id, bool approve, const char *note,
                          struct err *e);

/* Allocate an open case to a worker and/or a team (the worker must be in the
 * team), with a reason: the history keeps every allocation. Needs
 * PERM_CASES_ALLOCATE. Audited as case.allocate. */
bool cases_allocate(struct ctx *x, int64_t case_id, int64_t user_id, int64_t team_id,
                    const char *reason, struct err *e);

/* Give one unfinished step (a task) to a worker other than the case's, with
 * a reason; user_id 0 (or the case's worker) gives it back to the case's
 * worker. The worker's tray then has it instead. Needs PERM_CASES_ALLOCATE;
 * ERR_CONFLICT once the step is submitted or finished. Audited as
 * step.allocate; the history keeps every allocation (step_allocations). */
bool cases_step_allocate(struct ctx *x, int64_t step_id, int64_t user_id, const char *reason,
                         struct err *e);

/* Move every open case of one worker to another (and team_id, 0 for none),
 * and every task given to them alone (cases_step_allocate), with one reason,
 * in one transaction; *moved gets how many cases. A manager moves only a
 * team-mate's caseload (ERR_DENIED otherwise); administrators anyone's. */
bool cases_reallocate_caseload(struct ctx *x, int64_t from_user_id, int64_t to_user_id,
                               int64_t team_id, const char *reason, size_t *moved, struct err *e);

#endif
