/*
 * destruction: legal holds, the monthly destruction review, a manager's
 * confirmation of a batch, destroying each confirmed record, and the
 * destruction certificate.
 *
 * Nothing is destroyed without a confirmed batch, and no held record can be:
 * confirmation re-checks every person (still due, not held by any legal hold
 * covering one of their cases' domains) and refuses the whole batch,
 * destroying nothing, if one fails. Destroying a person removes their rows
 * from every table that holds personal data about them (the tables of
 * domain/merge's reference list, their cases, steps, notes and the contacts
 * only about them) and leaves a tombstone in destroyed_records: the id, the
 * instant, the rule and date that made it due, and the batch (so the
 * authority). The audit log is not changed (see docs/GOVERNANCE.md).
 *
 * Needs PERM_RETENTION. Results are allocated from ctx->arena.
 * Thread-safety: as the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_DESTRUCTION_H
#define CASEWORK_DOMAIN_DESTRUCTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"
#include "domain/retention.h"

enum { DESTRUCTION_MAX_BATCH = 500, HOLDS_MAX = 100, HOLD_REASON_MAX = 1000 };

struct destruction_due {
    int64_t person_id;
    const char *name, *dob, *rule, *destroy_on;
    int64_t hold_id; /* 0 when not held */
    const char *hold_reason;
};

struct destruction_review {
    struct destruction_due *items; /* due on or before today, held ones too */
    size_t n;
    bool truncated;
};

/* Bring every date up to date (retention_refresh), then list the records due
 * on or before today (London), oldest date first, at most
 * DESTRUCTION_MAX_BATCH. Audited as retention.review. */
bool destruction_review(struct ctx *x, const struct retention_rules *rules,
                        struct destruction_review *out, struct err *e);

/* Destroy the given people as one confirmed batch (1..DESTRUCTION_MAX_BATCH),
 * authority: the confirming manager's words (e.g. "Monthly review, November
 * 2026"). ERR_CONFLICT naming the first person not due or held (nothing is
 * destroyed). *batch_id gets the new batch. */
bool destruction_confirm(struct ctx *x, const struct retention_rules *rules,
                         const int64_t *person_ids, size_t n, const char *authority,
                         int64_t *batch_id, struct err *e);

struct destruction_certificate {
    int64_t batch_id, confirmed_at, count;
    const char *confirmed_by, *authority;
    struct {
        int64_t person_id, destroyed_at;
        const char *rule, *destroy_on;
    } * records;
    size_t nrecords;
};

/* A batch and its tombstones. Audited as retention.certificate. */
bool destruction_certificate(struct ctx *x, int64_t batch_id, struct destruction_certificate *out,
                             struct err *e);

struct legal_hold {
    int64_t id, set_at, lifted_at;
    const char *reason, *domains, *set_by;
};

/* Set a hold on the records of domains ("children,early_help", "adults" or
 * "*"), with a reason. Audited as retention.hold. */
bool holds_set(struct ctx *x, const char *reason, const char *domains, int64_t *id, struct err *e);
/* Lift a hold (it stays listed). Audited as retention.hold-lift. */
bool holds_lift(struct ctx *x, int64_t id, struct err *e);
/* Holds, newest first, lifted ones too (at most HOLDS_MAX). */
bool holds_list(struct ctx *x, struct legal_hold **out, size_t *n, struct err *e);

#endif
