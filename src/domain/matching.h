/*
 * matching: finding a person despite typos and spelling variants, because a
 * duplicate person record is a safeguarding risk. This module scores how likely
 * two sets of details (a query and a stored record) describe the same person,
 * says why in words, makes the index keys that let a search fetch candidates
 * without scanning every record, and parses a single search box. The string
 * tools it builds on (normalisation, phonetic key, distances) are in
 * domain/phonetic.h, included here.
 *
 * Ownership: struct match_person only points at caller-owned strings; keys are
 * appended to a caller-owned struct buf; match_parse_query copies the strings it
 * recognises into a caller-owned storage buffer. Thread-safety: pure functions,
 * no global state; any number of threads may call them at once.
 *
 * Scoring (match_score), deterministic, 0..100:
 *   base = 100 * earned / available over what the query gives:
 *     names 60 x name similarity, date of birth 30 x date similarity (a record
 *     without a date of birth earns 0.4 of it).
 *   Name similarity: tokens of forenames and surname are paired greedily, best
 *     pair first, across fields so order does not matter, each pair scored by
 *     match_token_likeness (phonetic.h: exact 1.0, typo 0.85/0.75, sounds alike
 *     0.7, similar or shortened 0.6, initial 0.5). A pair that crosses
 *     forename/surname counts x0.95. The sum is divided by the smaller token
 *     count (a missing middle name costs nothing more), less 0.02 per extra
 *     token on the longer side (at most 0.06) when the shorter side all paired.
 *   Date of birth: exact (or as precise as the query) 1.0; record less precise
 *     but agreeing 0.8; day and month swapped 0.85; one digit different 0.8;
 *     year off by one 0.7; same month and year 0.5; partial dates a year out 0.5;
 *     same year only 0.3; otherwise 0.
 *   Then: same postcode +5 (only beside names or a date; alone it is 100 or 0);
 *     sex recorded on both and different -8.
 *   Identifiers: same NHS number or UPN gives 95 + base/20 (100 when the query
 *     had nothing else), but exactly 70 when both have names and no name token is
 *     alike at all (flagged: the identifier may be wrong). Different NHS numbers
 *     -50; different UPNs -25 (temporary UPNs get replaced). Clamped to 0..100.
 *   An identical record scores 100; a query with nothing usable scores 0.
 */
#ifndef CASEWORK_DOMAIN_MATCHING_H
#define CASEWORK_DOMAIN_MATCHING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/phonetic.h"

/* Name tokens considered per person; later ones are ignored. */
#define MATCH_NAME_TOKENS_MAX 8

/* The details compared. Any pointer may be NULL and any date part 0 (unknown);
 * a date needs its year to count, and its month for the day to count. sex is
 * compared on its first letter, m/f (or NHS codes 1/2); anything else is unknown. */
struct match_person {
    const char *forenames;
    const char *surname;
    int dob_year, dob_month, dob_day;
    const char *nhs_number; /* 10 digits; spaces and hyphens ignored */
    const char *upn;        /* 13 characters, any case */
    const char *postcode;   /* any case, spaces ignored */
    const char *sex;
};

struct match_explain {
    int score;
    char reasons[160]; /* "NHS number matches; surname sounds alike; ..." */
};

/* Score how likely candidate is the person the query describes, 0..100 (weights
 * above); fills why (may be NULL) with the score and the reasons, most important
 * first, as many as fit. NULL query or candidate scores 0. */
int match_score(const struct match_person *query, const struct match_person *candidate,
                struct match_explain *why);

/* Append to keys, one per line ("key\n"), the index keys of p: "n:<token>" and
 * "p:<phonetic>" for every name token, "s3:<first 3 letters>" of each surname
 * token, "d:YYYY-MM-DD" for a full date of birth, "y:YYYY", "nhs:<10 digits>",
 * "upn:<13 upper-case>", "pc:<postcode upper-case, no space>". Keys this call
 * already appended are not repeated. Returns how many were appended; an
 * allocation failure shows as buf_failed(keys). */
size_t match_keys(const struct match_person *p, struct buf *keys);

/* What match_parse_query recognised (bits of match_query.found). */
enum {
    MATCH_FOUND_NAME = 1 << 0,
    MATCH_FOUND_DATE = 1 << 1,
    MATCH_FOUND_NHS = 1 << 2,
    MATCH_FOUND_UPN = 1 << 3,
    MATCH_FOUND_POSTCODE = 1 << 4,
    MATCH_FOUND_LOCAL_ID = 1 << 5,
};

struct match_query {
    struct match_person person; /* strings point into the storage buffer */
    int64_t local_id;           /* from "#123" or "id:123"; 0 when none */
    unsigned found;             /* MATCH_FOUND_* */
};

/* Parse one search box. Recognised, in any order: an NHS number (10 digits, or
 * grouped 3-3-4 by spaces or hyphens; the check digit is not required, as a
 * mistyped number is still what the user meant to search by), a UPN (letter and
 * 12 digits, or letter, 11 digits and letter), a postcode (with or without its
 * space), a date of birth (dd/mm/yyyy, d/m/yyyy, also with '-' or '.',
 * yyyy-mm-dd, mm/yyyy, or a year 1900-2100), a local id ("#123", "id:123").
 * Other words without digits are names: the last is the surname and the rest
 * forenames, or, when a comma follows the first name word(s), those are the
 * surname ("Smith, John"). Unrecognised words with digits are ignored, as are
 * the second and later of a kind. At most 32 words are read.
 * Copies the strings into storage (appended to); q's pointers stay valid until
 * storage is next changed or released. Returns true when anything was
 * recognised; false for an empty query or when storage failed (buf_failed). */
bool match_parse_query(const char *text, struct match_query *q, struct buf *storage);

/* Append the lookup keys of a parsed query, in match_keys' formats. Unlike
 * match_keys, "s3:" is given for every name token (the surname may have been
 * typed first), and a full date also gives its day/month-swapped twin when that
 * is a real date. Returns how many keys were appended. */
size_t match_query_keys(const struct match_query *q, struct buf *keys);

#endif
