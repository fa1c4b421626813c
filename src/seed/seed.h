/*
 * seed: `casework seed`, which fills an empty database with a synthetic
 * population (seed/gen) for benchmarks, demonstrations and tests: teams, staff
 * users sharing one known password, people with addresses, previous names,
 * phone numbers, disabilities and search keys, the relationships between
 * them, and one audit row per record created, appended through the audit
 * chain so `casework audit verify` still passes.
 *
 * A bulk loader, the one place outside domain/ that writes these tables: the
 * domain's per-record entry points would run a duplicate check and a
 * separate transaction (with an fsync) per person, hours for a county. It
 * keeps the domain's rules instead: every person is checked with
 * people_check before it is written, every code and relationship type
 * against config/codes, and the search keys are made by the same
 * match_keys that people_rebuild_keys uses (a unit test holds them equal).
 * Writes are prepared statements in a few large transactions.
 *
 * Called only from main.c, as the command-line administrator. Not
 * thread-safe: one connection.
 */
#ifndef CASEWORK_SEED_SEED_H
#define CASEWORK_SEED_SEED_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/ctx.h"
#include "seed/work.h"

struct seed_report {
    int64_t people, duplicates, relationships, addresses, names, keys;
    int64_t teams, users, audit_rows;
    int64_t first_person_id;
    struct seed_work_report work; /* the work (seed/work), when asked for */
};

struct seed_options {
    const char *profile;  /* "tiny", "district" or "county" */
    uint64_t seed;        /* same seed, profile and as_of: same data */
    int64_t as_of;        /* day number ages are counted from */
    bool force;           /* add to a database that already has people */
    const char *password; /* every seeded user's password */
    int work_years;       /* years of contacts, cases and notes before as_of (0: none);
                           * needs x->workflows and x->calendar */
    /* Called every 10,000 people or so (may be NULL). */
    void (*progress)(const struct seed_report *so_far, void *arg);
    void *arg;
    /* Called after each simulated year of work (may be NULL). */
    void (*work_progress)(const struct seed_work_report *so_far, int64_t day, void *arg);
};

/* Seed x's database; r gets what was written. Refuses (ERR_CONFLICT) a
 * database that already has people unless o->force; ERR_INVALID for an
 * unknown profile or a table whose codes config/codes does not have. Nothing
 * is left half-written by a failure in the teams and users; people are
 * committed every 50,000, so a failure there leaves the earlier ones. */
bool seed_run(struct ctx *x, const struct seed_options *o, struct seed_report *r, struct err *e);

#endif
