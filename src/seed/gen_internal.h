/*
 * Private to seed/gen (gen.c: people, names, identifiers, addresses and
 * near-duplicates; gen_family.c: the family clusters).
 */
#ifndef CASEWORK_SEED_GEN_INTERNAL_H
#define CASEWORK_SEED_GEN_INTERNAL_H

#include "seed/gen.h"

/* A family's surname in both forms (they differ in some languages). */
struct family_name {
    char male[80], female[80];
};

struct pending_duplicate {
    struct seed_person p;
    struct seed_address address, previous;
    bool has_previous;
    int64_t release_at; /* cluster number after which it is emitted */
};

struct seed_gen {
    const struct seed_tables *t;
    const struct seed_profile *profile;
    struct seed_rng rng;
    int64_t as_of;
    struct seed_list places; /* ref: place index; the profile's places only */
    uint32_t nhs_seq, nhs_offset;
    uint16_t *upn_serials; /* [establishment 0..9999][year 0..99] */
    int64_t people_made, clusters_made;
    struct pending_duplicate *dups;
    size_t ndups, dups_head, dups_cap;
    char (*usernames)[64];
    size_t nusernames;
};

/* gen.c */
int64_t gen_age(const struct seed_gen *g, int64_t dob);
int64_t gen_dob_for_age(struct seed_gen *g, int age);
void gen_family_name(struct seed_gen *g, int group, struct family_name *out);
/* A new person of group in c at address, with the given family name. */
struct seed_person *gen_person(struct seed_gen *g, struct seed_cluster *c, int group, char sex,
                               int64_t dob, const struct family_name *name, int address);
/* A child of two groups (mixed heritage when they differ). */
struct seed_person *gen_child(struct seed_gen *g, struct seed_cluster *c, int group_a, int group_b,
                              char sex, int64_t dob, const struct family_name *name, int address);
int gen_address(struct seed_gen *g, struct seed_cluster *c, int near_address);
void gen_rel(struct seed_cluster *c, int a, int b, const char *type, int64_t from, int64_t to);
/* Record a married name: the person's surname becomes name, the old one is kept. */
void gen_take_surname(struct seed_gen *g, struct seed_person *p, const struct family_name *name,
                      int64_t from);
char gen_sex(struct seed_gen *g);
int gen_group(struct seed_gen *g);

/* gen_family.c */
void gen_family_cluster(struct seed_gen *g, struct seed_cluster *c);

#endif
