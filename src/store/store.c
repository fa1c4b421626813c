#include "store/store.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/embedded.h"
#include "core/log.h"
#include "store/store_backend.h"
#include "store/store_durable.h"

extern const struct embedded_file embedded_migrations[];
extern const size_t embedded_migrations_count;

struct store_stmt {
    const char *sql; /* cache key: the caller's string constant */
    void *handle;
    struct store_conn *conn;
    char bad_param[64]; /* first bind failure, reported at step */
    bool active;        /* stepped to a row and not yet reset: holds a read snapshot */
};

struct store_conn {
    void *handle;
    const struct store_backend *be;
    struct store *owner;
    bool in_use, in_tx;
    bool holds_write;      /* has owner->write_lock (a write transaction is open) */
    bool autocommit_wrote; /* a statement outside a transaction changed the database */
    bool autocommit_read;  /* a statement ran outside a transaction */
    uint64_t owe;          /* commits this connection's reads may have seen, to be
                              durable before it is released (0: none) */
    /* store_tx_state: one client's block for the open transaction. */
    bool (*tx_hook)(struct store_conn *c, void *state, struct err *e);
    union {
        max_align_t align;
        unsigned char bytes[STORE_TX_STATE_MAX];
    } tx_state;
    struct store_stmt **stmts; /* each allocated alone, so pointers stay valid */
    size_t nstmts, capstmts;
};

struct store {
    const struct store_backend *be;
    char *target;
    struct store_conn *conns;
    int nconns;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    /* One writer at a time, queued here rather than in the backend: SQLite
     * makes a waiting writer sleep and retry (1, 2, 5 ... 100 ms), which
     * under load turns a sub-millisecond wait into tens of milliseconds and
     * halves throughput; a mutex hands the lock straight to the next. */
    pthread_mutex_t write_lock;
    /* Group commit: commits are written without a flush and made durable
     * together (store_durable.h). */
    struct store_durable dur;
    /* The background checkpointer (store_start_checkpointer). */
    void *checkpoint_conn;
    pthread_t checkpointer;
    pthread_mutex_t checkpoint_lock;
    pthread_cond_t checkpoint_wake;
    bool checkpointing, stopping;
    int checkpoint_ms;
};

struct store *store_open(const char *target, int pool_size, struct err *e)
{
    if (strncmp(target, "postgres://", 11) == 0 || strncmp(target, "postgresql://", 13) == 0) {
        err_set(e, ERR_INVALID, "database",
                "the PostgreSQL backend is not built yet; set database to a SQLite file path");
        return NULL;
    }
    if (pool_size < 1)
        pool_size = 1;
    struct store *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        return NULL;
    }
    s->be = &store_sqlite_backend;
    s->conns = calloc((size_t)pool_size, sizeof *s->conns);
    s->target = strdup(target);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->freed, NULL);
    pthread_mutex_init(&s->write_lock, NULL);
    durable_init(&s->dur);
    pthread_mutex_init(&s->checkpoint_lock, NULL);
    pthread_condattr_t monotonic;
    pthread_condattr_init(&monotonic);
    pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
    pthread_cond_init(&s->checkpoint_wake, &monotonic);
    pthread_condattr_destroy(&monotonic);
    if (!s->conns || !s->target) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        store_close(s);
        return NULL;
    }
    for (int i = 0; i < pool_size; i++) {
        s->conns[i].be = s->be;
        s->conns[i].owner = s;
        s->conns[i].handle = s->be->connect(target, e);
        if (!s->conns[i].handle) {
            store_close(s);
            return NULL;
        }
        s->nconns++;
    }
    return s;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    if (s->checkpointing) {
        pthread_mutex_lock(&s->checkpoint_lock);
        s->stopping = true;
        pthread_cond_signal(&s->checkpoint_wake);
        pthread_mutex_unlock(&s->checkpoint_lock);
        pthread_join(s->checkpointer, NULL);
        s->be->disconnect(s->checkpoint_conn);
    }
    for (int i = 0; i < s->nconns; i++) {
        struct store_conn *c = &s->conns[i];
        for (size_t j = 0; j < c->nstmts; j++) {
            s->be->finalize(c->stmts[j]->handle);
            free(c->stmts[j]);
        }
        free(c->stmts);
        s->be->disconnect(c->handle);
    }
    free(s->conns);
    free(s->target);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->freed);
    pthread_mutex_destroy(&s->write_lock);
    durable_destroy(&s->dur);
    pthread_mutex_destroy(&s->checkpoint_lock);
    pthread_cond_destroy(&s->checkpoint_wake);
    free(s);
}

/* Every checkpoint_ms, copy what the write-ahead log holds into the database
 * file without blocking anyone (a passive checkpoint). Should readers keep
 * it from finishing while the log passes RESTART_PAGES, wait for them once
 * (a restart checkpoint, which holds writers back briefly) so the log starts
 * again from its beginning and does not grow without bound. */
enum { RESTART_PAGES = 16384 };

static void *checkpoint_loop(void *arg)
{
    struct store *s = arg;
    pthread_mutex_lock(&s->checkpoint_lock);
    while (!s->stopping) {
        struct timespec at;
        clock_gettime(CLOCK_MONOTONIC, &at);
        at.tv_nsec += (long)(s->checkpoint_ms % 1000) * 1000000L;
        at.tv_sec += s->checkpoint_ms / 1000 + at.tv_nsec / 1000000000L;
        at.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&s->checkpoint_wake, &s->checkpoint_lock, &at);
        if (s->stopping)
            break;
        pthread_mutex_unlock(&s->checkpoint_lock);
        struct err e = ERR_INIT;
        long pages = 0;
        bool ok = s->be->checkpoint(s->checkpoint_conn, false, &pages, &e);
        if (ok && pages > RESTART_PAGES)
            ok = s->be->checkpoint(s->checkpoint_conn, true, &pages, &e);
        if (!ok)
            log_event(LOG_WARN, "checkpoint-failed", "error", e.message, NULL);
        pthread_mutex_lock(&s->checkpoint_lock);
    }
    pthread_mutex_unlock(&s->checkpoint_lock);
    return NULL;
}

bool store_start_checkpointer(struct store *s, int interval_ms, struct err *e)
{
    if (s->checkpointing)
        return true;
    if (!s->be->checkpoint)
        return true; /* the backend checkpoints by itself */
    s->checkpoint_conn = s->be->connect(s->target, e);
    if (!s->checkpoint_conn)
        return false;
    s->checkpoint_ms = interval_ms < 1 ? 1 : interval_ms;
    for (int i = 0; i < s->nconns; i++)
        if (!s->be->leave_checkpoints(s->conns[i].handle, e))
            goto fail;
    if (pthread_create(&s->checkpointer, NULL, checkpoint_loop, s) != 0) {
        err_set(e, ERR_INTERNAL, "", "cannot start the checkpoint thread");
        goto fail;
    }
    s->checkpointing = true;
    return true;
fail:
    s->be->disconnect(s->checkpoint_conn);
    s->checkpoint_conn = NULL;
    return false;
}

/* A statement left on a row keeps its read snapshot open even after COMMIT,
 * so the connection would go on seeing old data and fail to write
 * (SQLITE_BUSY_SNAPSHOT). Every transaction boundary and release resets them. */
static void reset_active(struct store_conn *c)
{
    for (size_t i = 0; i < c->nstmts; i++) {
        if (c->stmts[i]->active) {
            c->be->reset(c->stmts[i]->handle);
            c->stmts[i]->active = false;
        }
    }
}

struct store_conn *store_acquire(struct store *s)
{
    pthread_mutex_lock(&s->lock);
    for (;;) {
        for (int i = 0; i < s->nconns; i++) {
            if (!s->conns[i].in_use) {
                s->conns[i].in_use = true;
                pthread_mutex_unlock(&s->lock);
                return &s->conns[i];
            }
        }
        pthread_cond_wait(&s->freed, &s->lock);
    }
}

struct store *store_of(struct store_conn *c)
{
    return c->owner;
}

struct store_conn *store_try_acquire(struct store *s)
{
    struct store_conn *got = NULL;
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < s->nconns && !got; i++)
        if (!s->conns[i].in_use) {
            s->conns[i].in_use = true;
            got = &s->conns[i];
        }
    pthread_mutex_unlock(&s->lock);
    return got;
}

/* The store whose write lock this thread holds, if any: its reads need not
 * wait for its own commit in progress (which nobody else can see yet). */
static _Thread_local struct store *writing;

/* A read ended: what it saw must be durable before the connection goes back
 * (and so before the answer built from it is sent). */
static void owe_reads(struct store_conn *c)
{
    uint64_t h = durable_horizon(&c->owner->dur, writing != c->owner);
    if (h > c->owe)
        c->owe = h;
}

static bool flush(void *handle, struct err *e)
{
    /* The handle is a store_conn here, so the backend is known. */
    struct store_conn *c = handle;
    return c->be->flush_log(c->handle, e);
}

/* Make durable what this connection wrote outside a transaction and what its
 * reads saw. A failure is logged: it can no longer fail the request, but the
 * store is poisoned and every later commit fails. */
static void settle(struct store *s, struct store_conn *c)
{
    struct err e = ERR_INIT;
    if (c->autocommit_read) {
        c->autocommit_read = false;
        owe_reads(c);
    }
    if (c->autocommit_wrote) {
        c->autocommit_wrote = false;
        if (c->be->needs_flush(c->handle) && !c->be->flush_log(c->handle, &e))
            log_event(LOG_ERROR, "store-flush-failed", "error", e.message, NULL);
    }
    if (c->owe) {
        if (!durable_wait(&s->dur, c->owe, flush, c, &e))
            log_event(LOG_ERROR, "store-read-not-durable", "error", e.message, NULL);
        c->owe = 0;
    }
}

void store_release(struct store *s, struct store_conn *c)
{
    if (!c)
        return;
    if (c->in_tx)
        store_rollback(c);
    reset_active(c);
    settle(s, c);
    pthread_mutex_lock(&s->lock);
    c->in_use = false;
    pthread_cond_signal(&s->freed);
    pthread_mutex_unlock(&s->lock);
}

static void release_write(struct store_conn *c)
{
    c->tx_hook = NULL;
    if (c->holds_write) {
        c->holds_write = false;
        writing = NULL;
        pthread_mutex_unlock(&c->owner->write_lock);
    }
}

bool store_begin(struct store_conn *c, bool write, struct err *e)
{
    if (c->in_tx)
        return err_set(e, ERR_INTERNAL, "", "transaction already open");
    reset_active(c);
    c->tx_hook = NULL;
    if (write) {
        pthread_mutex_lock(&c->owner->write_lock);
        c->holds_write = true;
        writing = c->owner;
    }
    if (!c->be->exec_script(c->handle, write ? "BEGIN IMMEDIATE" : "BEGIN", e)) {
        release_write(c);
        return false;
    }
    c->in_tx = true;
    return true;
}

/* A read transaction takes its snapshot at its first read: this one, of a
 * table every store has. */
static const char SQL_SNAPSHOT[] = "SELECT 1 FROM schema_migrations LIMIT 1";

bool store_begin_same_snapshot(struct store_conn *w, struct store_conn **conns, int n,
                               struct err *e)
{
    if (!store_begin(w, true, e))
        return false;
    bool ok = true;
    int begun = 0;
    while (ok && begun < n) {
        struct store_conn *c = conns[begun];
        if (!store_begin(c, false, e))
            break;
        begun++;
        ok = c->be->exec_script(c->handle, SQL_SNAPSHOT, e);
    }
    ok = ok && begun == n;
    store_rollback(w);
    for (int i = 0; !ok && i < begun; i++)
        store_rollback(conns[i]);
    return ok;
}

bool store_commit(struct store_conn *c, struct err *e)
{
    if (!c->in_tx)
        return err_set(e, ERR_INTERNAL, "", "no transaction to commit");
    if (c->tx_hook && !c->tx_hook(c, &c->tx_state, e)) {
        store_rollback(c);
        return false;
    }
    reset_active(c);
    if (!c->holds_write) {
        /* A read: nothing to flush, but what it saw must be durable. */
        bool ok = c->be->exec_script(c->handle, "COMMIT", e);
        if (!ok)
            store_rollback(c);
        c->in_tx = false;
        c->tx_hook = NULL;
        owe_reads(c);
        return ok;
    }
    struct store_durable *d = &c->owner->dur;
    uint64_t seq = durable_commit_begin(d);
    bool ok = c->be->exec_script(c->handle, "COMMIT", e);
    durable_commit_end(d, seq);
    if (!ok) {
        store_rollback(c);
        return false;
    }
    c->in_tx = false;
    release_write(c);
    /* Written; answer nothing until it is on disk, flushed together with
     * every other commit waiting at the same moment. */
    return !c->be->needs_flush(c->handle) || durable_wait(d, seq, flush, c, e);
}

void store_rollback(struct store_conn *c)
{
    if (!c->in_tx)
        return;
    reset_active(c);
    struct err ignored = ERR_INIT;
    /* A failed ROLLBACK means SQLite already rolled back (e.g. after a full disk). */
    c->be->exec_script(c->handle, "ROLLBACK", &ignored);
    c->in_tx = false;
    release_write(c);
    c->tx_hook = NULL;
    owe_reads(c);
}

bool store_in_transaction(struct store_conn *c)
{
    return c->in_tx;
}

struct store_stmt *store_prepare(struct store_conn *c, const char *sql, struct err *e)
{
    for (size_t i = 0; i < c->nstmts; i++) {
        if (c->stmts[i]->sql == sql) {
            c->be->reset(c->stmts[i]->handle);
            c->stmts[i]->active = false;
            c->stmts[i]->bad_param[0] = '\0';
            return c->stmts[i];
        }
    }
    if (c->nstmts == c->capstmts) {
        /* Statements are never evicted: the set is the program's fixed SQL
         * text, so it is bounded. */
        size_t cap = c->capstmts ? c->capstmts * 2 : 64;
        struct store_stmt **p = realloc(c->stmts, cap * sizeof *p);
        if (!p) {
            err_set(e, ERR_NOMEM, "", "out of memory");
            return NULL;
        }
        c->stmts = p;
        c->capstmts = cap;
    }
    void *h = c->be->prepare(c->handle, sql, e);
    if (!h) {
        log_event(LOG_ERROR, "sql-prepare-failed", "error", e ? e->message : "", "sql", sql, NULL);
        return NULL;
    }
    struct store_stmt *st = malloc(sizeof *st);
    if (!st) {
        c->be->finalize(h);
        err_set(e, ERR_NOMEM, "", "out of memory");
        return NULL;
    }
    c->stmts[c->nstmts++] = st;
    st->sql = sql;
    st->handle = h;
    st->conn = c;
    st->bad_param[0] = '\0';
    st->active = false;
    return st;
}

static int param(struct store_stmt *st, const char *name)
{
    int idx = st->conn->be->param_index(st->handle, name);
    if (idx == 0 && !st->bad_param[0])
        snprintf(st->bad_param, sizeof st->bad_param, "%s", name);
    return idx;
}

void store_bind_text(struct store_stmt *st, const char *name, const char *value)
{
    int idx = param(st, name);
    if (idx && !st->conn->be->bind_text(st->handle, idx, value) && !st->bad_param[0])
        snprintf(st->bad_param, sizeof st->bad_param, "%s", name);
}

void store_bind_int64(struct store_stmt *st, const char *name, int64_t value)
{
    int idx = param(st, name);
    if (idx && !st->conn->be->bind_int64(st->handle, idx, value) && !st->bad_param[0])
        snprintf(st->bad_param, sizeof st->bad_param, "%s", name);
}

void store_bind_null(struct store_stmt *st, const char *name)
{
    int idx = param(st, name);
    if (idx && !st->conn->be->bind_null(st->handle, idx) && !st->bad_param[0])
        snprintf(st->bad_param, sizeof st->bad_param, "%s", name);
}

void store_bind_text_or_null(struct store_stmt *st, const char *name, const char *value)
{
    if (value && *value)
        store_bind_text(st, name, value);
    else
        store_bind_null(st, name);
}

enum store_step_result store_step(struct store_stmt *st, struct err *e)
{
    if (st->bad_param[0]) {
        /* A programming error: fail loudly rather than run with a missing value. */
        err_set(e, ERR_INTERNAL, "", "SQL parameter %s is unknown or could not be bound",
                st->bad_param);
        log_event(LOG_ERROR, "sql-bad-parameter", "param", st->bad_param, "sql", st->sql, NULL);
        return STORE_ERROR;
    }
    if (!st->conn->in_tx) {
        st->conn->autocommit_wrote |= st->conn->be->stmt_writes(st->handle);
        st->conn->autocommit_read = true; /* what it saw is settled at release */
    }
    enum store_step_result r = st->conn->be->step(st->handle, e);
    st->active = r == STORE_ROW;
    if (r == STORE_ERROR && e && e->code != ERR_CONFLICT)
        log_event(LOG_ERROR, "sql-failed", "error", e->message, "sql", st->sql, NULL);
    return r;
}

bool store_exec(struct store_stmt *st, struct err *e)
{
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW)
        ;
    return r == STORE_DONE;
}

bool store_exec_id(struct store_conn *c, const char *sql, int64_t id, struct err *e)
{
    struct store_stmt *st = store_prepare(c, sql, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    return store_exec(st, e);
}

const char *store_col_text(struct store_stmt *st, int col)
{
    return st->conn->be->col_text(st->handle, col);
}

int64_t store_col_int64(struct store_stmt *st, int col)
{
    return st->conn->be->col_int64(st->handle, col);
}

bool store_col_is_null(struct store_stmt *st, int col)
{
    return st->conn->be->col_is_null(st->handle, col);
}

void *store_tx_state(struct store_conn *c, size_t size,
                     bool (*before_commit)(struct store_conn *c, void *state, struct err *e))
{
    if (!c->in_tx || size > sizeof c->tx_state.bytes || !before_commit)
        return NULL;
    if (!c->tx_hook) {
        memset(c->tx_state.bytes, 0, size);
        c->tx_hook = before_commit;
    } else if (c->tx_hook != before_commit) {
        return NULL; /* one client per transaction */
    }
    return c->tx_state.bytes;
}

void store_commit_counts(struct store *s, uint64_t *commits, uint64_t *flushes)
{
    durable_counts(&s->dur, commits, flushes);
}

int64_t store_changes(struct store_conn *c)
{
    return c->be->changes(c->handle);
}

bool store_check_integrity(struct store *s, struct err *e)
{
    struct store_conn *c = store_acquire(s);
    bool ok = c->be->check_integrity(c->handle, e);
    store_release(s, c);
    return ok;
}

/* --- migrations --------------------------------------------------------- */

static const char SQL_MIGRATIONS_TABLE[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                           " version INTEGER PRIMARY KEY,"
                                           " name TEXT NOT NULL,"
                                           " applied_at TEXT NOT NULL)";
static const char SQL_MIGRATION_DONE[] = "SELECT 1 FROM schema_migrations WHERE version = :v";
static const char SQL_MIGRATION_RECORD[] =
    "INSERT INTO schema_migrations (version, name, applied_at)"
    " VALUES (:v, :name, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
static const char SQL_SCHEMA_VERSION[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

/* Migration files are named NNNN_what.sql; the number is the version. */
static int migration_number(const char *name)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        v = v * 10 + (name[i] - '0');
    }
    return name[4] == '_' ? v : -1;
}

bool store_migrate(struct store *s, int *applied, struct err *e)
{
    int count = 0;
    bool ok = false;
    struct store_conn *c = store_acquire(s);
    if (!c->be->exec_script(c->handle, SQL_MIGRATIONS_TABLE, e))
        goto done;
    for (size_t i = 0; i < embedded_migrations_count; i++) {
        const struct embedded_file *m = &embedded_migrations[i];
        int v = migration_number(m->name);
        if (v < 0) {
            err_set(e, ERR_INTERNAL, "", "migration %s is not named NNNN_name.sql", m->name);
            goto done;
        }
        if (!store_begin(c, true, e))
            goto done;
        struct store_stmt *st = store_prepare(c, SQL_MIGRATION_DONE, e);
        if (!st)
            goto done;
        store_bind_int64(st, ":v", v);
        enum store_step_result r = store_step(st, e);
        if (r == STORE_ERROR)
            goto done;
        if (r == STORE_ROW) {
            store_rollback(c);
            continue;
        }
        if (!c->be->exec_script(c->handle, (const char *)m->data, e)) {
            char why[sizeof e->message];
            snprintf(why, sizeof why, "%s", e ? e->message : "");
            err_set(e, ERR_STORE, "", "migration %s failed: %s", m->name, why);
            goto done;
        }
        st = store_prepare(c, SQL_MIGRATION_RECORD, e);
        if (!st)
            goto done;
        store_bind_int64(st, ":v", v);
        store_bind_text(st, ":name", m->name);
        if (!store_exec(st, e) || !store_commit(c, e))
            goto done;
        log_event(LOG_INFO, "migration-applied", "name", m->name, NULL);
        count++;
    }
    ok = true;
done:
    store_rollback(c);
    store_release(s, c);
    if (applied)
        *applied = count;
    return ok;
}

int store_schema_version(struct store *s)
{
    struct err e = ERR_INIT;
    int v = -1;
    struct store_conn *c = store_acquire(s);
    struct store_stmt *st = store_prepare(c, SQL_SCHEMA_VERSION, &e);
    if (st && store_step(st, &e) == STORE_ROW)
        v = (int)store_col_int64(st, 0);
    store_release(s, c);
    return v;
}
