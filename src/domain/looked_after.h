/*
 * looked_after: the periods in which a child was looked after by the council
 * (Children Act 1989 s.22: in care under an order, or accommodated), each
 * with its SSDA903 legal status (config/codes/legal_status.txt), start and end
 * dates. It is the person-level fact retention's looked_after rule (kept until
 * the 75th birthday, config/retention.txt) fires on.
 *
 * Recording and ending need PERM_PEOPLE_EDIT and need-to-know edit access to
 * the child, and are audited on the person (person.looked-after,
 * person.looked-after-end: retention recomputes the date from that row);
 * listing needs view access and is audited as looked-after.view.
 *
 * Results are allocated from ctx->arena. Thread-safety: as the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_LOOKED_AFTER_H
#define CASEWORK_DOMAIN_LOOKED_AFTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

enum { LOOKED_AFTER_MAX_LIST = 100 };

struct looked_after_period {
    int64_t id, recorded_at;
    const char *legal_status, *legal_status_label;
    const char *started_on, *ended_on; /* "YYYY-MM-DD"; ended_on "" while looked after */
    const char *recorded_by;
};

/* Record a period: legal_status a code of legal_status.txt; started_on a date
 * not in the future, on or after the date of birth and before the 18th
 * birthday; ended_on NULL or "" (still looked after) or a date from started_on
 * to today. Only one period may be open at a time (ERR_CONFLICT). *id (may be
 * NULL) gets the period. ERR_INVALID names the field. */
bool looked_after_add(struct ctx *x, int64_t person_id, const char *legal_status,
                      const char *started_on, const char *ended_on, int64_t *id, struct err *e);

/* End the open period period_id of person_id on ended_on (from its start to
 * today). ERR_NOT_FOUND, ERR_CONFLICT when already ended. */
bool looked_after_end(struct ctx *x, int64_t person_id, int64_t period_id, const char *ended_on,
                      struct err *e);

/* The person's periods, newest start first. */
bool looked_after_list(struct ctx *x, int64_t person_id, struct looked_after_period **out,
                       size_t *n, struct err *e);

#endif
