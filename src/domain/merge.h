/*
 * merge: merging a duplicate person record into the one that survives, and
 * undoing that. A merge moves everything that references the merged record
 * (people.id) to the survivor — addresses, names, contact details,
 * relationships (both sides), disabilities and grants (as unions) — adds the
 * merged record's name as an alternative name, fills the survivor's empty
 * fields from the merged record, rebuilds the survivor's search keys and sets
 * people.merged_into, so the old id still opens the survivor and search no
 * longer finds it. Every row touched is recorded (0005_merges.sql), so undo
 * puts back exactly that — as long as nothing new has been added to either
 * record since; otherwise undo fails with ERR_CONFLICT naming what blocks it.
 *
 * Which tables reference people, and how each is handled, is one static table
 * in merge.c; a test compares it with the schema's foreign keys, so a new
 * table that references people.id cannot be forgotten.
 *
 * Needs PERM_PEOPLE_EDIT, and both records visible to the user (a restricted
 * record needs a grant). Audited as person.merge and person.merge-undo on both
 * records, with the reason. Results are allocated from ctx->arena.
 * Thread-safety: as the ctx's connection; merge_plan_fills and the reference
 * list are pure.
 */
#ifndef CASEWORK_DOMAIN_MERGE_H
#define CASEWORK_DOMAIN_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/people.h"

enum { MERGE_MAX_FILLS = 20 };

/* One field of the survivor filled from the merged record. */
struct merge_fill {
    const char *field;    /* column of people */
    const char *value;    /* what the survivor gets */
    const char *previous; /* what it had: NULL, or "0" for a flag */
};

/* A merge as recorded. Names are "" when the user may not see that record. */
struct merge_record {
    int64_t id, survivor_id, merged_id;
    const char *survivor_name, *merged_name;
    const char *reason, *detail, *merged_by;
    int64_t merged_at;
    int64_t undone_at; /* 0 while in force */
    const char *undone_by, *undo_reason;
    const char *undo_blocked; /* why undo is not possible now; "" when it is */
};

/* Which of the survivor's fields to fill from the merged record: only those the
 * survivor has none of (a date of birth only when it has neither a date of birth
 * nor an expected one; a UPN only when it has neither a UPN nor a reason it is
 * unknown), and the restricted flag when either record is restricted. Pure:
 * out's strings point into merged. Returns how many (<= MERGE_MAX_FILLS). */
size_t merge_plan_fills(const struct person *survivor, const struct person *merged,
                        struct merge_fill *out);

/* The (table, column) pairs that reference people.id, as the merge knows them;
 * i < merge_reference_count(). */
size_t merge_reference_count(void);
void merge_reference(size_t i, const char **table, const char **column);

/* Merge merged_id into survivor_id for a reason (required). *merge_id gets the
 * merge's id. ERR_INVALID for the same id twice or a missing reason (field
 * "merged" or "reason"); ERR_NOT_FOUND for an unknown or unseeable record;
 * ERR_CONFLICT when either record has already been merged away. */
bool merge_people(struct ctx *x, int64_t survivor_id, int64_t merged_id, const char *reason,
                  int64_t *merge_id, struct err *e);

/* Undo a merge for a reason (required). ERR_CONFLICT naming the blocker when it
 * was already undone or either record has changed since. */
bool merge_undo(struct ctx *x, int64_t merge_id, const char *reason, struct err *e);

/* Load one merge, with undo_blocked filled in (audited as merge.view).
 * ERR_NOT_FOUND when unknown or when the user may not see either record. */
bool merge_get(struct ctx *x, int64_t merge_id, struct merge_record *out, struct err *e);

/* The newest merges (at most max) involving only records the user may see, for
 * the duplicates page; undo_blocked is left NULL. Audited as merge.list. */
bool merge_list_recent(struct ctx *x, struct merge_record *out, size_t max, size_t *n,
                       struct err *e);

#endif
