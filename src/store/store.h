/*
 * store: the one narrow interface between the domain and a database.
 *
 * A struct store is a database plus a pool of connections; a request thread
 * takes one connection with store_acquire, runs its work inside one
 * transaction and gives it back with store_release. Statements are prepared
 * once per connection and cached (keyed by the SQL text's address, so pass
 * string constants), parameters are bound by name (":username"), and an
 * unknown parameter name fails loudly at step time. SQL text must stay
 * portable between SQLite and PostgreSQL (INSERT ... RETURNING, no
 * backend-specific functions), since only the backend changes at scale.
 *
 * The backend is a table of function pointers (store_backend.h). SQLite runs
 * in WAL mode with foreign keys on. A write is durable when store_commit
 * returns true, and callers acknowledge nothing before that.
 *
 * Write transactions queue on a mutex of the store's (one writer at a time,
 * as SQLite allows), so waiting writers are woken in turn instead of
 * sleeping in the backend's busy handler. The write lock is held only while
 * the transaction runs and its COMMIT writes the log, never across a flush to
 * disk: store_commit then waits for a group flush (store_durable.h), one
 * fsync for every commit waiting at that moment, led by one of the waiting
 * threads, so concurrent writers share the disk's flush rate instead of
 * queueing for one flush each. A read transaction never takes the write lock;
 * store_release waits until every commit its reads could have seen is on
 * disk, so no answer shows data that a power cut could still take back.
 * If a flush ever fails, every later commit fails (the store is poisoned).
 *
 * Audited reads: read in a read transaction (store_begin(c, false)), end it,
 * then write the audit row in its own short write transaction and commit it
 * before answering. Never hold the write lock while reading.
 *
 * Thread-safety: the store and its pool are thread-safe; a connection and its
 * statements belong to one thread between acquire and release.
 */
#ifndef CASEWORK_STORE_STORE_H
#define CASEWORK_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct store;
struct store_conn;
struct store_stmt;

enum store_step_result { STORE_ERROR = -1, STORE_DONE = 0, STORE_ROW = 1 };

/* Open target (a SQLite file path; postgresql:// DSNs are recognised and refused
 * until that backend exists) with a pool of pool_size connections. NULL on error. */
struct store *store_open(const char *target, int pool_size, struct err *e);
void store_close(struct store *s);

/* Checkpoint the write-ahead log from a thread of the store's own, every
 * interval_ms, instead of in whichever request's commit crosses the log's
 * size limit (which stalled that request for tens of milliseconds). For the
 * server; stopped by store_close. A no-op for backends that need none. */
bool store_start_checkpointer(struct store *s, int interval_ms, struct err *e);

/* Apply every embedded migration not yet applied, each in its own transaction.
 * *applied (may be NULL) receives how many ran. */
bool store_migrate(struct store *s, int *applied, struct err *e);
/* Highest applied migration number, or -1 on error. */
int store_schema_version(struct store *s);

/* Borrow a connection (waits for a free one); give it back with store_release,
 * which rolls back any transaction left open. */
struct store_conn *store_acquire(struct store *s);
void store_release(struct store *s, struct store_conn *c);

/* For work that reads in parallel on several connections. The store c
 * belongs to; another free connection of s, or NULL at once when none is free
 * (a caller already holding a connection must not wait for a second: callers
 * doing the same could wait on each other for ever). */
struct store *store_of(struct store_conn *c);
struct store_conn *store_try_acquire(struct store *s);
/* Begin read transactions on each of n connections that all see the same
 * snapshot: w (another connection, idle) holds the write lock while they take
 * it, so no commit falls between them, then lets it go. False with e set and
 * nothing left open. */
bool store_begin_same_snapshot(struct store_conn *w, struct store_conn **conns, int n,
                               struct err *e);

/* Transactions. write=true takes the write lock at once (BEGIN IMMEDIATE), so
 * two writers never deadlock upgrading from a read. */
bool store_begin(struct store_conn *c, bool write, struct err *e);
bool store_commit(struct store_conn *c, struct err *e);
void store_rollback(struct store_conn *c);
bool store_in_transaction(struct store_conn *c);

/* Cached prepared statement for sql (a string constant). NULL with e set on error.
 * The statement is reset and its bindings cleared before it is returned. */
struct store_stmt *store_prepare(struct store_conn *c, const char *sql, struct err *e);

/* Bind by name. A bad name or type is remembered and reported by store_step. */
void store_bind_text(struct store_stmt *st, const char *name, const char *value);
void store_bind_int64(struct store_stmt *st, const char *name, int64_t value);
void store_bind_null(struct store_stmt *st, const char *name);
/* Bind value, or NULL when value is NULL or "". */
void store_bind_text_or_null(struct store_stmt *st, const char *name, const char *value);

/* Run one step: STORE_ROW with a row ready, STORE_DONE when finished, STORE_ERROR
 * with e set (a constraint failure is ERR_CONFLICT). */
enum store_step_result store_step(struct store_stmt *st, struct err *e);
/* Step to completion expecting no rows; false with e set on error. */
bool store_exec(struct store_stmt *st, struct err *e);

/* Prepare sql, bind :id and run it to completion: the common one-parameter
 * statement (DELETE ... WHERE x = :id). False with e set on error. */
bool store_exec_id(struct store_conn *c, const char *sql, int64_t id, struct err *e);

/* Column values of the current row (0-based). Text is valid until the next
 * step or reset; NULL columns give NULL text and 0. */
const char *store_col_text(struct store_stmt *st, int col);
int64_t store_col_int64(struct store_stmt *st, int col);
bool store_col_is_null(struct store_stmt *st, int col);

/* Per-transaction state for one client module (the audit log's chain head):
 * a zeroed block of size bytes (at most STORE_TX_STATE_MAX), the same block
 * for every call in one transaction, gone when the transaction ends.
 * before_commit runs inside store_commit just before COMMIT; if it fails the
 * transaction rolls back and store_commit fails. NULL outside a transaction,
 * if size is too large, or if another before_commit already holds the block. */
enum { STORE_TX_STATE_MAX = 128 };
void *store_tx_state(struct store_conn *c, size_t size,
                     bool (*before_commit)(struct store_conn *c, void *state, struct err *e));

/* Commits begun and flushes to disk made since store_open (group commit
 * makes the second smaller under concurrency). */
void store_commit_counts(struct store *s, uint64_t *commits, uint64_t *flushes);

/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t store_changes(struct store_conn *c);

/* Run PRAGMA integrity_check (or the backend's equivalent); true if sound. */
bool store_check_integrity(struct store *s, struct err *e);

#endif
