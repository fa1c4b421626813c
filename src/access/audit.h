/*
 * audit: the append-only, hash-chained audit log of who did what to which
 * record, when and why.
 *
 * Each row's hash is SHA-256 over the previous row's hash and this row's
 * fields in a length-prefixed encoding, so changing or deleting any past row
 * (or cutting off the newest ones, checked against audit_head) is detected by
 * audit_verify. The database refuses UPDATE and DELETE on the table itself.
 *
 * audit_append must run inside the caller's write transaction, so the audit
 * row commits or rolls back with the change it describes. Thread-safety: as
 * the store connection passed in (one thread at a time).
 */
#ifndef CASEWORK_ACCESS_AUDIT_H
#define CASEWORK_ACCESS_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

struct audit_entry {
    int64_t id;         /* filled by audit_append / audit_query */
    int64_t at;         /* instant */
    int64_t actor_id;   /* 0 for anonymous or the system */
    const char *actor;  /* username, or NULL for "-" */
    const char *action; /* "login", "login-failed", "user.view", ... */
    const char *record_type;
    const char *record_id;
    const char *reason;
    const char *detail;
    const char *ip;
    const char *request_id;
};

enum { AUDIT_HASH_HEX = 65 }; /* a row hash: SHA-256 in hex, with its NUL */

/* Append one row; e->code is ERR_STORE on failure (the caller must roll back). */
bool audit_append(struct store_conn *c, struct audit_entry *entry, struct err *e);

/* The chain hash of row r after the row whose hash is prev: SHA-256 over prev
 * and r's fields, length-prefixed; r's empty text must already be NULL, as
 * stored. scratch is reused (for a writer of many rows; it is reset first).
 * False only when out of memory. For audit_append and the seed's batches. */
struct buf;
bool audit_row_hash(struct buf *scratch, const char *prev, const struct audit_entry *r,
                    char out[AUDIT_HASH_HEX]);

struct audit_verify_result {
    int64_t rows;      /* rows checked */
    int64_t broken_id; /* first row whose chain fails, 0 if sound */
    char problem[160]; /* what failed, "" if sound */
};

/* Walk the whole chain. Returns false only if verification could not run;
 * a broken chain is reported in r with a true return. */
bool audit_verify(struct store_conn *c, struct audit_verify_result *r, struct err *e);

struct audit_filter {
    const char *record_type; /* NULL: any */
    const char *record_id;   /* NULL: any */
    int64_t actor_id;        /* 0: any */
    int64_t before_id;       /* 0: newest first from the end; else rows with id < before_id */
    int limit;               /* 1..500 */
};

/* Call fn for each matching row, newest first. Strings in the entry are valid
 * only during the call. Returns false with e set on a database error. */
bool audit_query(struct store_conn *c, const struct audit_filter *f,
                 bool (*fn)(const struct audit_entry *row, void *arg), void *arg, struct err *e);

#endif
