/*
 * seed/gen: the synthetic population, one family cluster at a time. A
 * cluster is the people of one or more related households (a couple and
 * their children; grandparents with their adult children's households; a
 * lone parent and the other parent living elsewhere; a blended family; foster
 * carers and the children placed with them...), their addresses, and the
 * relationships between them as rows for the relationships table. Near-
 * duplicates of about 1% of people (a typo, transposed letters, day and month
 * swapped, a missing middle name, a different address) come out later as
 * clusters of their own, as a second record made by someone who did not find
 * the first.
 *
 * Everything is drawn from the tables (seed/tables) with the generator's own
 * seed_rng, so a seed, a profile and an as-of date give the same clusters on
 * every run and machine. Dates of birth are counted back from the as-of day.
 * NHS numbers come from the 999 test range (id_make_nhs), UPNs carry the
 * reserved local authority number ID_SYNTHETIC_UPN_LA (id_make_upn), and
 * postcodes use areas that Royal Mail does not use (places.txt).
 *
 * Ownership: seed_gen_new returns a generator the caller frees with
 * seed_gen_free; clusters are filled into caller-owned structs and point
 * only into the tables (which must outlive the generator) or themselves.
 * Not thread-safe: one generator, one thread.
 */
#ifndef CASEWORK_SEED_GEN_H
#define CASEWORK_SEED_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "seed/tables.h"

/* How big a population to make, and where. */
struct seed_profile {
    const char *name;
    int64_t people; /* target; the last cluster may overshoot a little */
    int district;   /* only this district council's places (0: all) */
    int max_places; /* only the first places of that (0: all) */
    int teams, users;
};

/* The profile called name ("tiny", "district", "county"), or NULL. */
const struct seed_profile *seed_profile_find(const char *name);

enum { SEED_MAX_PEOPLE = 48, SEED_MAX_RELS = 512, SEED_MAX_ADDRESSES = 24 };

struct seed_address {
    char line1[80];
    const char *town;
    char postcode[9]; /* "ZX12 3AB" */
};

struct seed_person {
    char forenames[120], surname[80];
    char sex;     /* 'M' or 'F' */
    int64_t dob;  /* day number */
    int64_t dod;  /* day number, 0 when alive */
    char nhs[11]; /* "" when not recorded */
    char upn[14]; /* "" when none */
    const char *ethnicity, *language, *religion, *status, *gender, *disability; /* NULL: none */
    char previous_surname[80]; /* a name used before (birth surname), "" when none */
    int64_t previous_to;       /* last day of that name */
    char phone[16];            /* "" when none */
    int address;               /* index into the cluster's addresses */
    int previous_address;      /* -1 when none */
    int64_t moved_in;          /* day they moved to address, 0 when not known */
    int64_t created_at;        /* instant the record is dated */
    int group;                 /* heritage group index */
    int64_t id;                /* set by the writer */
    int64_t duplicate_of;      /* a planted near-duplicate: the original's id */
    char duplicate_how[96];    /* what differs from the original */
};

/* "a is <type> of b" (relationship.txt), with dates (0: none). */
struct seed_rel {
    int a, b;
    const char *type;
    int64_t from, to;
};

struct seed_cluster {
    struct seed_person people[SEED_MAX_PEOPLE];
    int npeople;
    struct seed_address addresses[SEED_MAX_ADDRESSES];
    int naddresses;
    struct seed_rel rels[SEED_MAX_RELS];
    int nrels;
};

struct seed_gen;

/* A generator for profile p from seed, with ages counted back from as_of (a
 * day number). first_seq numbers the first NHS number drawn (give the count
 * of people already in the database, so numbers do not repeat). NULL with e
 * on failure (out of memory, or a profile the tables cannot fill). */
struct seed_gen *seed_gen_new(const struct seed_tables *t, const struct seed_profile *p,
                              uint64_t seed, int64_t as_of, uint32_t first_seq, struct err *e);
void seed_gen_free(struct seed_gen *g);

/* Fill c with the next cluster; false when the population is complete. */
bool seed_gen_next(struct seed_gen *g, struct seed_cluster *c);

/* Tell the generator c was written (its people have ids): some of them are
 * chosen to get a near-duplicate in a later cluster. */
void seed_gen_written(struct seed_gen *g, const struct seed_cluster *c);

/* A fresh generator's username and display name for staff member n, drawn
 * from the same tables (deterministic for the seed); username is unique among
 * those this generator returned. */
bool seed_gen_staff_name(struct seed_gen *g, char username[64], char display_name[100]);

#endif
