/*
 * Private to the people modules (people.c, people_read.c, and merge.c, which
 * rewrites records): the validated, normalised form of a person_input, and
 * helpers they share.
 */
#ifndef CASEWORK_DOMAIN_PEOPLE_INTERNAL_H
#define CASEWORK_DOMAIN_PEOPLE_INTERNAL_H

#include "domain/people.h"

/* A person_input after validation: identifiers normalised, booleans parsed. */
struct person_clean {
    const struct person_input *in;
    char nhs[11], upn[14], postcode[9], uprn[13];
    int dob_estimated, restricted; /* -1: not given */
};

/* Validate in (creating: names required). Fills c; false with e naming the field. */
bool people_validate(struct ctx *x, const struct person_input *in, bool creating,
                     struct person_clean *c, struct err *e);
/* Recompute a person's search keys from the stored record (in the caller's
 * write transaction). */
bool people_rebuild_keys(struct ctx *x, int64_t id, struct err *e);
/* Read the main row of one record as stored (no merge following, no access
 * check, no audit; children not loaded). ERR_NOT_FOUND when there is none. */
bool people_load_row(struct ctx *x, int64_t id, struct person *p, struct err *e);
/* Record-level visibility: restricted records need a grant. */
bool people_visible(struct ctx *x, int64_t id, bool restricted, struct err *e);

#endif
