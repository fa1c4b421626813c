/*
 * seed/audit_batch: the audit rows a bulk writer (casework seed) appends,
 * with the hash chain kept in memory for the length of a transaction.
 *
 * audit_append reads the chain head, inserts the row and moves the head: three
 * statements a row, and the seed writes ~17 million rows for a county. Here
 * the head is read once per transaction (at the first append), each row is
 * one INSERT, and the head is written once, by seed_audit_flush, before the
 * transaction commits. The rows and the chain are exactly those audit_append
 * would write (same columns, same normalisation of empty text to NULL, same
 * hash: audit_row_hash), so `casework audit verify`
 * checks them; test_seed does.
 *
 * Rules for the caller: nothing else may append audit rows on the connection
 * between the first seed_audit_append of a transaction and seed_audit_flush
 * (ctx_audit would read a stale head and fork the chain), and every commit
 * must come through seed_audit_commit (or follow seed_audit_flush). After a
 * rollback, call seed_audit_forget. Not thread-safe: one connection.
 */
#ifndef CASEWORK_SEED_AUDIT_BATCH_H
#define CASEWORK_SEED_AUDIT_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/ctx.h"

struct seed_audit {
    int64_t last_id; /* the chain head: last row written (in memory) */
    char hash[65];
    bool loaded;    /* head read in this transaction */
    bool dirty;     /* rows appended since the head was read */
    struct buf msg; /* the text hashed, reused row to row */
};

#define SEED_AUDIT_INIT                                                                            \
    {                                                                                              \
        0, {0}, false, false, BUF_INIT                                                             \
    }

/* As ctx_audit(x, ...): a row at x->now by x->who, with x->ip and
 * x->request_id, in x's open write transaction. */
bool seed_audit_append(struct seed_audit *a, struct ctx *x, const char *action,
                       const char *record_type, int64_t record_id, const char *reason,
                       const char *detail, struct err *e);
/* Write the head if rows were appended; the next append reads it again. */
bool seed_audit_flush(struct seed_audit *a, struct ctx *x, struct err *e);
/* seed_audit_flush, then store_commit. */
bool seed_audit_commit(struct seed_audit *a, struct ctx *x, struct err *e);
/* After a rollback: forget the head read in the transaction. */
void seed_audit_forget(struct seed_audit *a);
void seed_audit_release(struct seed_audit *a);

#endif
