/*
 * seed/tables: the frequency tables the synthetic population is drawn from,
 * kept as data in bench/data (one .txt file each) and compiled into the binary: heritage
 * groups (with the codes their members' records carry), forenames by group,
 * sex and birth era, surnames by group (with women's forms), parts of rare
 * English surnames, the made-up county's places and postcode districts,
 * street names, and the council's services (for teams).
 *
 * Every table is a weighted list; seed_list_pick draws from it in proportion
 * to the weights with the caller's seed_rng, so draws are deterministic.
 *
 * Ownership: seed_tables_load returns tables the caller frees with
 * seed_tables_free; every string and list inside lives as long as they do.
 * Read-only after loading, so any number of threads may draw from them (each
 * with its own seed_rng).
 */
#ifndef CASEWORK_SEED_TABLES_H
#define CASEWORK_SEED_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "seed/rng.h"

/* Birth eras of the forename table: before 1970, 1970-1999, 2000 on. */
enum { SEED_ERAS = 3 };

/* Broad ethnic background, which decides a mixed child's ethnicity code. */
enum seed_broad { SEED_WHITE, SEED_ASIAN, SEED_AFRICAN, SEED_CARIBBEAN, SEED_OTHER };

struct seed_item {
    const char *text;   /* NULL for "-" (not recorded) in code lists */
    const char *female; /* a woman's form of a surname, or NULL */
    int ref;            /* the group, place... the item names, or -1 */
    uint64_t cum;       /* running total of the weights up to this item */
};

struct seed_list {
    struct seed_item *items;
    size_t n, cap;
};

struct seed_group {
    const char *name, *ethnicity;
    enum seed_broad broad;
    struct seed_list adult_lang, child_lang, religion, status; /* code lists */
    struct seed_list forename_from;                            /* ref: group index */
    const char *surname_from_name;
    int surname_from;                         /* group index */
    struct seed_list forenames[2][SEED_ERAS]; /* [0] male, [1] female */
    struct seed_list surnames;
};

struct seed_place {
    int district; /* district council number, 1.. */
    const char *town, *area;
    int first, last; /* postcode district numbers */
    unsigned weight; /* share of households */
};

enum seed_file {
    SEED_FILE_GROUPS,
    SEED_FILE_FORENAMES,
    SEED_FILE_SURNAMES,
    SEED_FILE_SURNAME_PARTS,
    SEED_FILE_PLACES,
    SEED_FILE_STREETS,
    SEED_FILE_SERVICES,
    SEED_FILES
};

struct seed_tables {
    char *storage[SEED_FILES]; /* the files' text, cut into strings in place */
    struct seed_group *groups;
    size_t ngroups;
    struct seed_list group_weights;               /* ref: group index */
    struct seed_list prefixes, infixes, suffixes; /* infix text NULL: none */
    struct seed_place *places;
    size_t nplaces;
    int ndistricts;
    struct seed_list stems, types;
    struct seed_list services; /* weight: share of users */
};

/* The file name of each table in bench/data ("groups.txt"...). */
const char *seed_file_name(enum seed_file f);

/* Parse the tables from texts[f] for every file f (NUL-terminated; copied).
 * NULL with e (ERR_INVALID naming file and line, or ERR_NOMEM) on failure. */
struct seed_tables *seed_tables_parse(const char *const texts[SEED_FILES], struct err *e);

/* The tables compiled into the binary from bench/data. */
struct seed_tables *seed_tables_load(struct err *e);

void seed_tables_free(struct seed_tables *t);

/* One item drawn in proportion to the weights; NULL when the list is empty
 * or every weight is 0. */
const struct seed_item *seed_list_pick(const struct seed_list *l, struct seed_rng *r);

/* Sum of a list's weights. */
uint64_t seed_list_total(const struct seed_list *l);

/* The forename era of a birth year. */
int seed_era(int birth_year);

/* Index of the group called name, or -1. */
int seed_group_index(const struct seed_tables *t, const char *name);

#endif
