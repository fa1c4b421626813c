/*
 * Private to the complaints module (complaints.c: recording, reading, stages;
 * complaints_more.c: actions, Ombudsman referrals, reports).
 */
#ifndef CASEWORK_DOMAIN_COMPLAINTS_INTERNAL_H
#define CASEWORK_DOMAIN_COMPLAINTS_INTERNAL_H

#include "domain/complaints.h"

/* Check the permission, begin a write, and check the representation exists
 * (ERR_NOT_FOUND); *open_out (may be NULL) says whether it is open. False
 * (rolled back) on failure. */
bool complaints_begin(struct ctx *x, enum perm p, int64_t id, bool *open_out, struct err *e);
/* Commit if ok, else roll back; returns whether it committed. */
bool complaints_finish(struct ctx *x, bool ok, struct err *e);
/* Text of at most max characters; required or optional. */
bool complaints_text(const char *field, const char *label, const char *v, size_t max, bool required,
                     struct err *e);
/* A YYYY-MM-DD day, not after today when past_only. */
bool complaints_day(struct ctx *x, const char *field, const char *v, bool past_only, int64_t *day,
                    struct err *e);

#endif
