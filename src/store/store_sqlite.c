/*
 * SQLite backend. Settings chosen for "nothing is lost": a WAL journal whose
 * commits the store makes durable itself (synchronous=NORMAL writes the
 * commit to the log without flushing it; store.c then flushes the log once
 * for every commit waiting, sq_flush_log, before any of them is answered),
 * foreign keys enforced, and a busy timeout so writers queue instead of
 * failing under load. A database that cannot use WAL (":memory:") keeps
 * synchronous=FULL, where COMMIT itself flushes.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_backend.h"

/* SQLite counts every allocation under one process-wide mutex unless told
 * not to; with several request threads that mutex was a point of contention.
 * Must run before SQLite initialises, so before the first connection. */
static void configure_once(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int copy_mode(void *arg, int n, char **values, char **names)
{
    (void)names;
    if (n > 0 && values[0])
        snprintf(arg, 16, "%s", values[0]);
    return 0;
}

static void *sq_connect(const char *target, struct err *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_once);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(
        target, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_STORE, "database", "cannot open database %s: %s", target,
                db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 10000);
    char *msg = NULL;
    char mode[16] = "";
    rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", copy_mode, mode, &msg);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
                          strcmp(mode, "wal") == 0
                              ? "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                                "PRAGMA trusted_schema=OFF; PRAGMA cache_size=-65536;"
                                /* opens the log now, so sq_flush_log has it */
                                "SELECT count(*) FROM sqlite_schema;"
                              : "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                                "PRAGMA trusted_schema=OFF; PRAGMA cache_size=-65536;",
                          NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_STORE, "database", "cannot configure database %s: %s", target,
                msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static void sq_disconnect(void *conn)
{
    sqlite3_close_v2(conn);
}

static bool sq_exec_script(void *conn, const char *sql, struct err *e)
{
    char *msg = NULL;
    int rc = sqlite3_exec(conn, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_STORE, "", "database error: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return false;
    }
    return true;
}

static void *sq_prepare(void *conn, const char *sql, struct err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_STORE, "", "cannot prepare statement: %s", sqlite3_errmsg(conn));
        return NULL;
    }
    return st;
}

static void sq_finalize(void *stmt)
{
    sqlite3_finalize(stmt);
}

static void sq_reset(void *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

static int sq_param_index(void *stmt, const char *name)
{
    return sqlite3_bind_parameter_index(stmt, name);
}

static bool sq_bind_text(void *stmt, int idx, const char *v)
{
    return sqlite3_bind_text(stmt, idx, v, -1, SQLITE_TRANSIENT) == SQLITE_OK;
}

static bool sq_bind_int64(void *stmt, int idx, int64_t v)
{
    return sqlite3_bind_int64(stmt, idx, (sqlite3_int64)v) == SQLITE_OK;
}

static bool sq_bind_null(void *stmt, int idx)
{
    return sqlite3_bind_null(stmt, idx) == SQLITE_OK;
}

static enum store_step_result sq_step(void *stmt, struct err *e)
{
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        return STORE_ROW;
    if (rc == SQLITE_DONE)
        return STORE_DONE;
    sqlite3 *db = sqlite3_db_handle(stmt);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        err_set(e, ERR_CONFLICT, "", "%s", sqlite3_errmsg(db));
    else
        err_set(e, ERR_STORE, "", "database error: %s", sqlite3_errmsg(db));
    sqlite3_reset(stmt);
    return STORE_ERROR;
}

static const char *sq_col_text(void *stmt, int col)
{
    return (const char *)sqlite3_column_text(stmt, col);
}

static int64_t sq_col_int64(void *stmt, int col)
{
    return sqlite3_column_int64(stmt, col);
}

static bool sq_col_is_null(void *stmt, int col)
{
    return sqlite3_column_type(stmt, col) == SQLITE_NULL;
}

static int64_t sq_changes(void *conn)
{
    return sqlite3_changes64(conn);
}

static bool sq_check_integrity(void *conn, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(conn, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return err_set(e, ERR_STORE, "", "integrity check failed to run: %s", sqlite3_errmsg(conn));
    bool ok = sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    if (!ok)
        err_set(e, ERR_STORE, "", "integrity check: %s",
                sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "error");
    sqlite3_finalize(st);
    return ok;
}

static bool sq_checkpoint(void *conn, bool restart, long *log_pages, struct err *e)
{
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(
        conn, NULL, restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    *log_pages = log;
    /* BUSY: another checkpoint is running, or (restart) readers stayed; next time. */
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        return err_set(e, ERR_STORE, "", "checkpoint: %s", sqlite3_errmsg(conn));
    return true;
}

static bool sq_leave_checkpoints(void *conn, struct err *e)
{
    return sq_exec_script(conn, "PRAGMA wal_autocheckpoint=0", e);
}

/* Flush the write-ahead log to disk through this connection's own handle on
 * it (the same file every connection appends to, so one flush covers every
 * commit written before it). Without a log (not WAL mode) COMMIT flushed. */
static bool sq_flush_log(void *conn, struct err *e)
{
    char mode[16] = "";
    sqlite3_file *wal = NULL;
    int rc = sqlite3_file_control(conn, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
    if (rc != SQLITE_OK)
        return err_set(e, ERR_STORE, "", "cannot reach the write-ahead log: %s",
                       sqlite3_errstr(rc));
    if (!wal || !wal->pMethods) {
        /* No open log: fine only if this database does not use one. */
        if (sqlite3_exec(conn, "PRAGMA journal_mode", copy_mode, mode, NULL) == SQLITE_OK &&
            strcmp(mode, "wal") != 0)
            return true;
        return err_set(e, ERR_STORE, "", "the write-ahead log is not open on this connection");
    }
    rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
    if (rc != SQLITE_OK)
        return err_set(e, ERR_STORE, "", "flushing the write-ahead log failed: %s",
                       sqlite3_errstr(rc));
    return true;
}

static int copy_int(void *arg, int n, char **values, char **names)
{
    (void)names;
    if (n > 0 && values[0])
        *(int *)arg = atoi(values[0]);
    return 0;
}

/* synchronous=NORMAL in WAL mode: COMMIT wrote the log without flushing it.
 * FULL flushed it already; OFF (a bulk load, casework seed) asked for none. */
static bool sq_needs_flush(void *conn)
{
    int level = 2;
    if (sqlite3_exec(conn, "PRAGMA synchronous", copy_int, &level, NULL) != SQLITE_OK)
        return true;
    return level == 1;
}

static bool sq_stmt_writes(void *stmt)
{
    return !sqlite3_stmt_readonly(stmt);
}

const struct store_backend store_sqlite_backend = {
    .name = "sqlite",
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .exec_script = sq_exec_script,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .param_index = sq_param_index,
    .bind_text = sq_bind_text,
    .bind_int64 = sq_bind_int64,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_text = sq_col_text,
    .col_int64 = sq_col_int64,
    .col_is_null = sq_col_is_null,
    .changes = sq_changes,
    .check_integrity = sq_check_integrity,
    .checkpoint = sq_checkpoint,
    .leave_checkpoints = sq_leave_checkpoints,
    .flush_log = sq_flush_log,
    .stmt_writes = sq_stmt_writes,
    .needs_flush = sq_needs_flush,
};
