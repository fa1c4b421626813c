/*
 * duplicates: the probable-duplicates report over the whole database, because
 * a duplicate person record splits a person's history and is a safeguarding
 * risk. Candidate pairs come from the person_keys index, never from all pairs:
 * people who share a selective key — the same NHS number, the same UPN, the
 * same full date of birth, or the same phonetic surname key and year of birth
 * — are paired, each pair is scored once with match_score, and pairs scoring
 * at least min_score are listed best first. A key shared by more than
 * DUPLICATES_GROUP_CAP people is too common to say anything and is skipped
 * (and counted), so one popular surname cannot make the report quadratic.
 * Merged-away records are left out, and so are restricted records the user
 * has no grant for.
 *
 * Needs PERM_PEOPLE_EDIT (the report exists to drive merges); audited as
 * person.duplicates. Results are allocated from ctx->arena. Thread-safety: as
 * the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_DUPLICATES_H
#define CASEWORK_DOMAIN_DUPLICATES_H

#include <stddef.h>

#include "domain/people.h"

enum {
    DUPLICATES_MIN_SCORE = 70, /* default threshold */
    DUPLICATES_LIMIT = 100,    /* default number of pairs listed */
    DUPLICATES_LIMIT_MAX = 1000,
    DUPLICATES_GROUP_CAP = 250, /* people sharing one key beyond which it is skipped */
};

struct duplicate_pair {
    int score;
    const char *reasons;
    struct person_candidate a, b; /* a has the lower id */
};

struct duplicates_report {
    struct duplicate_pair *pairs; /* best first; at most the limit asked for */
    size_t npairs;
    size_t total;          /* pairs at or above min_score, before the limit */
    size_t people;         /* records considered */
    size_t pairs_scored;   /* distinct pairs scored */
    size_t groups_skipped; /* keys shared by more than DUPLICATES_GROUP_CAP people */
    const char *skipped;   /* a few of them in words ("surname key SM0 born 1980: 312 people") */
};

/* Build the report: pairs scoring at least min_score (1..100), best first (ties
 * by lower ids), at most limit (1..DUPLICATES_LIMIT_MAX). ERR_INVALID naming
 * min_score or limit when out of range. */
bool duplicates_report(struct ctx *x, int min_score, size_t limit, struct duplicates_report *out,
                       struct err *e);

#endif
