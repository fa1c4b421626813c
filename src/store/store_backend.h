/*
 * store_backend: the table of functions a database backend implements
 * (SQLite today; PostgreSQL later). Only store.c calls these; the domain
 * sees store.h. A backend connection is opaque to store.c.
 */
#ifndef CASEWORK_STORE_BACKEND_H
#define CASEWORK_STORE_BACKEND_H

#include "store/store.h"

struct store_backend {
    const char *name;
    void *(*connect)(const char *target, struct err *e);
    void (*disconnect)(void *conn);
    /* Run trusted SQL text with no parameters (migrations, BEGIN/COMMIT). */
    bool (*exec_script)(void *conn, const char *sql, struct err *e);
    void *(*prepare)(void *conn, const char *sql, struct err *e);
    void (*finalize)(void *stmt);
    void (*reset)(void *stmt);
    /* Index of a named parameter (1-based), 0 if unknown. */
    int (*param_index)(void *stmt, const char *name);
    bool (*bind_text)(void *stmt, int idx, const char *v);
    bool (*bind_int64)(void *stmt, int idx, int64_t v);
    bool (*bind_null)(void *stmt, int idx);
    enum store_step_result (*step)(void *stmt, struct err *e);
    const char *(*col_text)(void *stmt, int col);
    int64_t (*col_int64)(void *stmt, int col);
    bool (*col_is_null)(void *stmt, int col);
    int64_t (*changes)(void *conn);
    bool (*check_integrity)(void *conn, struct err *e);
    /* Copy the write-ahead log into the database: without waiting for anyone,
     * or (restart) waiting for readers so the log restarts; *log_pages gets
     * the pages the log holds. NULL for a backend that needs no help. */
    bool (*checkpoint)(void *conn, bool restart, long *log_pages, struct err *e);
    /* This connection no longer checkpoints on commit (a thread does). */
    bool (*leave_checkpoints)(void *conn, struct err *e);
    /* Make every commit written so far (through any connection) durable,
     * using this connection; commits themselves need not flush. */
    bool (*flush_log)(void *conn, struct err *e);
    /* The statement may change the database. */
    bool (*stmt_writes)(void *stmt);
    /* A commit on this connection is written but not yet durable: the store
     * must flush_log (false when COMMIT flushes, or durability is off). */
    bool (*needs_flush)(void *conn);
};

extern const struct store_backend store_sqlite_backend;

#endif
