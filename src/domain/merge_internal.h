/*
 * Private to the merge module (merge.c, merge_undo.c, merge_read.c): the table
 * of references to people.id with the SQL for each, the fields a merge may
 * fill, a loaded merge row, and helpers the files share.
 */
#ifndef CASEWORK_DOMAIN_MERGE_INTERNAL_H
#define CASEWORK_DOMAIN_MERGE_INTERNAL_H

#include "core/buf.h"
#include "domain/merge.h"

enum merge_ref_how {
    REF_MOVE,  /* rows with an id move to the survivor */
    REF_UNION, /* rows keyed by (person, key): the survivor gets the keys it lacks */
    REF_KEYS,  /* derived search keys: the merged record's are dropped, both rebuilt */
    REF_SELF,  /* the merge's own bookkeeping (people.merged_into, merges) */
};

struct merge_ref {
    const char *table, *column;
    enum merge_ref_how how;
    const char *record, *move, *undo; /* record the rows, move them, move them back */
    /* rows that would join a person to themself: record, keep, delete, put back */
    const char *drop_record, *drop_archive, *drop_delete, *drop_restore;
    const char *mark;  /* remember the table's highest id (once per table) */
    const char *newer; /* a row referencing either record added after the merge */
};

extern const struct merge_ref *const merge_refs;
extern const size_t merge_nrefs;

struct merge_field {
    const char *name;
    bool flag;                 /* 0/1 column, bound as an integer */
    const char *fill, *unfill; /* :id, :value */
};

/* The rule for one people column a merge may fill; NULL if none. */
const struct merge_field *merge_field_named(const char *name);

/* A merges row. */
struct merge_row {
    int64_t id, survivor_id, merged_id, merged_at, undone_at;
    int64_t survivor_updated_at, merged_updated_at, audit_id;
    const char *reason, *detail, *merged_by, *undone_by, *undo_reason;
};

bool merge_reason_ok(const char *reason, struct err *e);
/* A record's main row, if the user may see it (ERR_NOT_FOUND otherwise). */
bool merge_load_person(struct ctx *x, int64_t id, struct person *p, struct err *e);
/* Run one statement of the reference table (0 leaves :from / :to unbound);
 * *changes (may be NULL) gets the rows changed. */
bool merge_run(struct ctx *x, const char *sql, int64_t merge_id, int64_t from, int64_t to,
               int64_t *changes, struct err *e);
/* Load a merges row; ERR_NOT_FOUND when there is none. */
bool merge_load(struct ctx *x, int64_t id, struct merge_row *m, struct err *e);
/* Why this merge cannot be undone now, appended to why (nothing when it can). */
bool merge_undo_blocker(struct ctx *x, const struct merge_row *m, struct buf *why, struct err *e);

#endif
