/*
 * seed/cin_errors: `casework seed --cin-errors N` — after the seeded work, put N
 * realistic children in need census errors into the data, each on a different
 * child whose record was clean and each breaking exactly one DfE validation
 * rule, so the data-quality page can be shown finding exactly those: an
 * ethnicity left blank (4220), sex left blank (4180), a UPN typed with the
 * wrong check letter (1510), a disability added beside "no disability"
 * (8790), an expected date of birth left on a born child (8525), and an
 * assessment start date typed after its authorisation (8608).
 *
 * Like the rest of seed/ a bulk writer: the changes are prepared statements in
 * one transaction, each with its audit row ("seed.cin-error", naming the rule).
 * Deterministic for a database and seed. Not thread-safe.
 */
#ifndef CASEWORK_SEED_CIN_ERRORS_H
#define CASEWORK_SEED_CIN_ERRORS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/ctx.h"
#include "returns/cin.h"

#define SEED_CIN_ERROR_KINDS 6

struct seed_cin_errors_report {
    int injected;
    const char *rules[SEED_CIN_ERROR_KINDS]; /* the rule each kind breaks */
    int by_kind[SEED_CIN_ERROR_KINDS];
};

/* Inject n errors into the year's return on x's database (x acts as the
 * command-line administrator; x->calendar set). Fewer are injected only if
 * there are too few clean children; r says how many of each. False with e set. */
bool seed_cin_errors(struct ctx *x, const struct cin_year *year, int n, uint64_t seed,
                     struct seed_cin_errors_report *r, struct err *e);

#endif
