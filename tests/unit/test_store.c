/*
 * Unit tests for store/store over the SQLite backend, each on a fresh
 * database file in a temporary directory: named parameters (and the loud
 * failure of an unknown name), constraint errors, transactions, the statement
 * cache, the connection pool under two threads, the refused PostgreSQL DSN,
 * and the stale-snapshot regression (a statement left on a row must not pin an
 * old read snapshot past commit or release).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/embedded.h"
#include "core/err.h"
#include "store/store.h"
#include "test_db.h"

extern const struct embedded_file embedded_migrations[];
extern const size_t embedded_migrations_count;

/* SQL is cached by the address of its text, so every statement is a constant. */
static const char SQL_INSERT_TEAM[] =
    "INSERT INTO teams (name, created_at) VALUES (:name, :created_at) RETURNING id";
static const char SQL_TEAM_BY_NAME[] = "SELECT id, name, created_at FROM teams WHERE name = :name";
static const char SQL_TEAM_NAME[] = "SELECT name FROM teams WHERE id = :id";
static const char SQL_COUNT_TEAMS[] = "SELECT COUNT(*) FROM teams";
static const char SQL_NAME_OF_ANY[] = "SELECT name FROM teams ORDER BY id";
static const char SQL_ECHO[] = "SELECT :v IS NULL, :v, :n";
static const char SQL_INSERT_SETTING[] = "INSERT INTO settings (key, value) VALUES (:key, :value)";

struct fixture {
    char dir[64];
    struct buf path;
    struct store *s;
};

static void remove_db(struct fixture *f)
{
    static const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        struct buf p = BUF_INIT;
        buf_printf(&p, "%s%s", f->path.data, suffix[i]);
        unlink(p.data);
        buf_release(&p);
    }
}

static struct store *open_migrated(const char *path, int pool)
{
    struct err e = ERR_INIT;
    struct store *s = store_open(path, pool, &e);
    if (!s)
        fail_msg("store_open %s: %s", path, e.message);
    if (!store_migrate(s, NULL, &e))
        fail_msg("store_migrate: %s", e.message);
    return s;
}

static int setup_pool(void **state, int pool)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/casework-store-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    buf_init(&f->path, 0);
    buf_printf(&f->path, "%s/test.db", f->dir);
    f->s = open_migrated(f->path.data, pool);
    *state = f;
    return 0;
}

static int setup1(void **state)
{
    return setup_pool(state, 1);
}

static int setup2(void **state)
{
    return setup_pool(state, 2);
}

static int setup3(void **state)
{
    return setup_pool(state, 3);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    remove_db(f);
    rmdir(f->dir);
    buf_release(&f->path);
    free(f);
    return 0;
}

/* Insert a team in its own write transaction; returns its id. */
static int64_t add_team(struct store_conn *c, const char *name)
{
    struct err e = ERR_INIT;
    assert_true(store_begin(c, true, &e));
    struct store_stmt *st = store_prepare(c, SQL_INSERT_TEAM, &e);
    assert_non_null(st);
    store_bind_text(st, ":name", name);
    store_bind_int64(st, ":created_at", 1767225600);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    int64_t id = store_col_int64(st, 0);
    assert_int_equal(store_step(st, &e), STORE_DONE);
    assert_true(store_commit(c, &e));
    return id;
}

static int64_t count_teams(struct store_conn *c)
{
    struct err e = ERR_INIT;
    struct store_stmt *st = store_prepare(c, SQL_COUNT_TEAMS, &e);
    assert_non_null(st);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    int64_t n = store_col_int64(st, 0);
    assert_int_equal(store_step(st, &e), STORE_DONE);
    return n;
}

static void test_migrated(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    /* A second, fresh database counts what the first migration run applies. */
    struct buf other = BUF_INIT;
    buf_printf(&other, "%s/other.db", f->dir);
    struct store *s = store_open(other.data, 1, &e);
    assert_non_null(s);
    int first = -1;
    assert_true(store_migrate(s, &first, &e));
    assert_true(first >= 1);
    /* Every embedded migration ran, and the schema version is the highest
     * number. (Numbers are handed out per branch, so a branch may have a gap
     * until the others are merged: 0009 before 0007.) */
    assert_int_equal((size_t)first, embedded_migrations_count);
    int highest = 0;
    for (size_t i = 0; i < embedded_migrations_count; i++) {
        int n = (int)strtol(embedded_migrations[i].name, NULL, 10); /* "NNNN_name.sql" */
        highest = n > highest ? n : highest;
    }
    int version = store_schema_version(s);
    assert_int_equal(version, highest);
    store_close(s);
    test_db_remove(other.data);
    buf_release(&other);

    assert_int_equal(store_schema_version(f->s), version);
    int applied = -1;
    assert_true(store_migrate(f->s, &applied, &e)); /* again: nothing to do */
    assert_int_equal(applied, 0);
    assert_true(store_check_integrity(f->s, &e));
}

static void test_named_parameters(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct store_conn *c = store_acquire(f->s);
    int64_t id = add_team(c, "MASH North");
    assert_true(id > 0);
    add_team(c, "Adult access");

    struct store_stmt *st = store_prepare(c, SQL_TEAM_BY_NAME, &e);
    assert_non_null(st);
    store_bind_text(st, ":name", "MASH North");
    assert_int_equal(store_step(st, &e), STORE_ROW);
    assert_int_equal(store_col_int64(st, 0), id);
    assert_string_equal(store_col_text(st, 1), "MASH North");
    assert_int_equal(store_col_int64(st, 2), 1767225600);
    assert_false(store_col_is_null(st, 1));
    assert_int_equal(store_step(st, &e), STORE_DONE);

    /* Text that looks like SQL is only ever a value. */
    st = store_prepare(c, SQL_TEAM_BY_NAME, &e);
    store_bind_text(st, ":name", "x' OR '1'='1");
    assert_int_equal(store_step(st, &e), STORE_DONE);

    /* NULL, "" and the int64 range. */
    st = store_prepare(c, SQL_ECHO, &e);
    store_bind_text_or_null(st, ":v", "");
    store_bind_int64(st, ":n", INT64_MIN);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    assert_int_equal(store_col_int64(st, 0), 1);
    assert_true(store_col_is_null(st, 1));
    assert_null(store_col_text(st, 1));
    assert_int_equal(store_col_int64(st, 1), 0);
    assert_int_equal(store_col_int64(st, 2), INT64_MIN);

    st = store_prepare(c, SQL_ECHO, &e); /* re-prepare clears the old bindings */
    store_bind_text_or_null(st, ":v", "text");
    assert_int_equal(store_step(st, &e), STORE_ROW);
    assert_int_equal(store_col_int64(st, 0), 0);
    assert_string_equal(store_col_text(st, 1), "text");
    assert_true(store_col_is_null(st, 2));

    st = store_prepare(c, SQL_ECHO, &e);
    store_bind_text(st, ":v", "");
    store_bind_null(st, ":n");
    assert_int_equal(store_step(st, &e), STORE_ROW);
    assert_int_equal(store_col_int64(st, 0), 0); /* "" bound as text is not NULL */
    assert_string_equal(store_col_text(st, 1), "");
    assert_true(store_col_is_null(st, 2));
    store_release(f->s, c);
}

static void test_unknown_parameter_fails_loudly(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct store_conn *c = store_acquire(f->s);
    struct store_stmt *st = store_prepare(c, SQL_TEAM_BY_NAME, &e);
    assert_non_null(st);
    store_bind_text(st, ":nmae", "MASH North"); /* typo */
    assert_int_equal(store_step(st, &e), STORE_ERROR);
    assert_int_equal(e.code, ERR_INTERNAL);
    assert_non_null(strstr(e.message, ":nmae"));

    /* Every bind kind reports it, and the first bad name is the one named. */
    st = store_prepare(c, SQL_INSERT_TEAM, &e);
    store_bind_int64(st, ":created", 1);
    store_bind_null(st, ":other");
    store_bind_text(st, ":name", "ok");
    err_clear(&e);
    assert_int_equal(store_step(st, &e), STORE_ERROR);
    assert_int_equal(e.code, ERR_INTERNAL);
    assert_non_null(strstr(e.message, ":created"));
    assert_null(strstr(e.message, ":other"));
    assert_int_equal(count_teams(c), 0); /* nothing ran */

    /* The next prepare of the same statement starts clean. */
    st = store_prepare(c, SQL_TEAM_BY_NAME, &e);
    store_bind_text(st, ":name", "nobody");
    err_clear(&e);
    assert_int_equal(store_step(st, &e), STORE_DONE);
    assert_int_equal(e.code, ERR_NONE);
    store_release(f->s, c);
}

static void test_constraint_is_conflict(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct store_conn *c = store_acquire(f->s);
    add_team(c, "Duplicate");

    assert_true(store_begin(c, true, &e));
    struct store_stmt *st = store_prepare(c, SQL_INSERT_TEAM, &e);
    store_bind_text(st, ":name", "Duplicate");
    store_bind_int64(st, ":created_at", 1);
    assert_int_equal(store_step(st, &e), STORE_ERROR);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_int_equal(err_http_status(e.code), 409);
    store_rollback(c);

    /* NOT NULL is a constraint too. */
    err_clear(&e);
    st = store_prepare(c, SQL_INSERT_SETTING, &e);
    store_bind_text(st, ":key", "k");
    store_bind_null(st, ":value");
    assert_false(store_exec(st, &e));
    assert_int_equal(e.code, ERR_CONFLICT);

    /* The connection is still usable after the error. */
    st = store_prepare(c, SQL_INSERT_SETTING, &e);
    store_bind_text(st, ":key", "k");
    store_bind_text(st, ":value", "v");
    assert_true(store_exec(st, &e));
    assert_int_equal(store_changes(c), 1);
    assert_int_equal(count_teams(c), 1);
    store_release(f->s, c);
}

static void test_transactions(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct store_conn *c = store_acquire(f->s);
    assert_false(store_in_transaction(c));
    assert_true(store_begin(c, true, &e));
    assert_true(store_in_transaction(c));
    assert_false(store_begin(c, false, &e)); /* no nesting */
    assert_int_equal(e.code, ERR_INTERNAL);

    struct store_stmt *st = store_prepare(c, SQL_INSERT_TEAM, &e);
    store_bind_text(st, ":name", "Rolled back");
    store_bind_int64(st, ":created_at", 1);
    assert_true(store_exec(st, &e));
    assert_int_equal(count_teams(c), 1); /* visible inside the transaction */
    store_rollback(c);
    assert_false(store_in_transaction(c));
    assert_int_equal(count_teams(c), 0);
    store_rollback(c); /* nothing open: harmless */

    err_clear(&e);
    assert_false(store_commit(c, &e));
    assert_int_equal(e.code, ERR_INTERNAL);

    /* Releasing with a transaction open rolls it back. */
    assert_true(store_begin(c, true, &e));
    st = store_prepare(c, SQL_INSERT_TEAM, &e);
    store_bind_text(st, ":name", "Abandoned");
    store_bind_int64(st, ":created_at", 1);
    assert_true(store_exec(st, &e));
    store_release(f->s, c);
    c = store_acquire(f->s);
    assert_false(store_in_transaction(c));
    assert_int_equal(count_teams(c), 0);
    store_release(f->s, c);
}

static void test_commit_persists(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct store_conn *c = store_acquire(f->s);
    int64_t id = add_team(c, "Durable");
    store_release(f->s, c);
    int version = store_schema_version(f->s);
    store_close(f->s);

    f->s = store_open(f->path.data, 1, &e);
    assert_non_null(f->s);
    c = store_acquire(f->s);
    struct store_stmt *st = store_prepare(c, SQL_TEAM_NAME, &e);
    store_bind_int64(st, ":id", id);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    assert_string_equal(store_col_text(st, 0), "Durable");
    store_release(f->s, c);
    assert_int_equal(store_schema_version(f->s), version);
}

static void test_statement_cache(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct store_conn *c = store_acquire(f->s);
    struct store_stmt *a = store_prepare(c, SQL_COUNT_TEAMS, &e);
    struct store_stmt *b = store_prepare(c, SQL_TEAM_NAME, &e);
    struct store_stmt *a2 = store_prepare(c, SQL_COUNT_TEAMS, &e);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_equal(a, a2);
    assert_ptr_not_equal(a, b);

    /* A cached statement comes back reset: a half-read result starts over. */
    add_team(c, "One");
    add_team(c, "Two");
    struct store_stmt *names = store_prepare(c, SQL_NAME_OF_ANY, &e);
    assert_int_equal(store_step(names, &e), STORE_ROW);
    assert_string_equal(store_col_text(names, 0), "One");
    names = store_prepare(c, SQL_NAME_OF_ANY, &e);
    assert_int_equal(store_step(names, &e), STORE_ROW);
    assert_string_equal(store_col_text(names, 0), "One");

    /* Bad SQL fails at prepare, with ERR_STORE, and is not cached. */
    static const char SQL_BAD[] = "SELEC nothing";
    err_clear(&e);
    assert_null(store_prepare(c, SQL_BAD, &e));
    assert_int_equal(e.code, ERR_STORE);
    assert_null(store_prepare(c, SQL_BAD, &e));
    store_release(f->s, c);
}

struct pool_run {
    struct store *s;
    atomic_int holders; /* threads holding a connection right now */
    atomic_int max_holders;
    atomic_int failures;
};

static void *pool_worker(void *arg)
{
    struct pool_run *run = arg;
    for (int i = 0; i < 100; i++) {
        struct store_conn *c = store_acquire(run->s);
        int now = atomic_fetch_add(&run->holders, 1) + 1;
        int seen = atomic_load(&run->max_holders);
        while (now > seen && !atomic_compare_exchange_weak(&run->max_holders, &seen, now))
            ;
        struct err e = ERR_INIT;
        if (!store_begin(c, true, &e)) {
            atomic_fetch_add(&run->failures, 1);
        } else {
            struct store_stmt *st = store_prepare(c, SQL_INSERT_TEAM, &e);
            char name[48];
            snprintf(name, sizeof name, "team %p %d", (void *)&i, i);
            store_bind_text(st, ":name", name);
            store_bind_int64(st, ":created_at", i);
            if (store_step(st, &e) != STORE_ROW || !store_commit(c, &e))
                atomic_fetch_add(&run->failures, 1);
        }
        atomic_fetch_sub(&run->holders, 1);
        store_release(run->s, c);
    }
    return NULL;
}

/* Pool of one, two threads: they take turns, never share, and all work lands. */
static void test_pool_two_threads(void **state)
{
    struct fixture *f = *state;
    struct pool_run run = {.s = f->s};
    atomic_init(&run.holders, 0);
    atomic_init(&run.max_holders, 0);
    atomic_init(&run.failures, 0);
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, pool_worker, &run), 0);
    assert_int_equal(pthread_create(&t2, NULL, pool_worker, &run), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert_int_equal(atomic_load(&run.failures), 0);
    assert_int_equal(atomic_load(&run.max_holders), 1);
    struct store_conn *c = store_acquire(f->s);
    assert_int_equal(count_teams(c), 200);
    store_release(f->s, c);
}

struct waiter {
    struct store *s;
    struct store_conn *got;
    atomic_bool done;
};

static void *acquire_one(void *arg)
{
    struct waiter *w = arg;
    w->got = store_acquire(w->s);
    atomic_store(&w->done, true);
    return NULL;
}

/* Pool of two: two different connections; a third acquire waits for a release. */
static void test_pool_waits(void **state)
{
    struct fixture *f = *state;
    struct store_conn *a = store_acquire(f->s);
    struct store_conn *b = store_acquire(f->s);
    assert_ptr_not_equal(a, b);

    struct waiter w = {.s = f->s, .got = NULL};
    atomic_init(&w.done, false);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, acquire_one, &w), 0);
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    assert_false(atomic_load(&w.done)); /* still waiting: both are out */
    store_release(f->s, b);
    pthread_join(t, NULL);
    assert_true(atomic_load(&w.done));
    assert_ptr_equal(w.got, b);
    store_release(f->s, w.got);
    store_release(f->s, a);
}

static void test_postgresql_refused(void **state)
{
    (void)state;
    static const char *dsns[] = {"postgresql://casework@localhost/casework",
                                 "postgres://u:p@db.example:5432/cw"};
    for (size_t i = 0; i < 2; i++) {
        struct err e = ERR_INIT;
        assert_null(store_open(dsns[i], 2, &e));
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "database");
        assert_non_null(strstr(e.message, "PostgreSQL"));
        assert_non_null(strstr(e.message, "SQLite"));
    }
    /* And the failure to open a file names it. */
    struct err e = ERR_INIT;
    assert_null(store_open("/nonexistent-dir/x/casework.db", 1, &e));
    assert_int_equal(e.code, ERR_STORE);
    assert_non_null(strstr(e.message, "/nonexistent-dir/x/casework.db"));
}

/* Step a statement to its first row and leave it there, un-reset. */
static void leave_on_row(struct store_conn *c)
{
    struct err e = ERR_INIT;
    struct store_stmt *st = store_prepare(c, SQL_NAME_OF_ANY, &e);
    assert_int_equal(store_step(st, &e), STORE_ROW);
}

static const char *team_name(struct store_conn *c, int64_t id)
{
    struct err e = ERR_INIT;
    struct store_stmt *st = store_prepare(c, SQL_TEAM_NAME, &e);
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, &e);
    assert_int_not_equal(r, STORE_ERROR);
    return r == STORE_ROW ? store_col_text(st, 0) : NULL;
}

/* Regression: a row read and left un-reset held its read snapshot past release,
 * so the next request on that connection saw old data. */
static void test_no_stale_snapshot_after_release(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c1 = store_acquire(f->s);
    add_team(c1, "First");
    leave_on_row(c1);
    struct store_conn *c2 = store_acquire(f->s);
    int64_t id = add_team(c2, "Written by another connection");
    store_release(f->s, c2);
    store_release(f->s, c1);

    struct store_conn *again = store_acquire(f->s);
    assert_ptr_equal(again, c1); /* the first free connection: the one that read */
    const char *name = team_name(again, id);
    assert_non_null(name);
    assert_string_equal(name, "Written by another connection");
    store_release(f->s, again);
}

/* Same after a commit: the connection keeps its statement, and the next
 * statement on it must see rows other connections committed since. */
static void test_no_stale_snapshot_after_commit(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct store_conn *c1 = store_acquire(f->s);
    struct store_conn *c2 = store_acquire(f->s);
    add_team(c1, "First");
    assert_true(store_begin(c1, false, &e));
    leave_on_row(c1);
    assert_true(store_commit(c1, &e));
    int64_t id = add_team(c2, "After the commit");
    const char *name = team_name(c1, id);
    assert_non_null(name);
    assert_string_equal(name, "After the commit");

    /* A statement left on a row outside a transaction must not make the next
     * write transaction fail (SQLITE_BUSY_SNAPSHOT) or miss new rows. */
    leave_on_row(c1);
    int64_t id2 = add_team(c2, "Second writer");
    assert_true(store_begin(c1, true, &e));
    name = team_name(c1, id2);
    assert_non_null(name);
    assert_string_equal(name, "Second writer");
    struct store_stmt *st = store_prepare(c1, SQL_INSERT_TEAM, &e);
    store_bind_text(st, ":name", "c1 writes");
    store_bind_int64(st, ":created_at", 2);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    assert_true(store_commit(c1, &e));
    assert_int_equal(count_teams(c2), 4);
    store_release(f->s, c2);
    store_release(f->s, c1);
}

/* Two connections begun on one snapshot keep seeing it while a third commits;
 * a fourth is not to be had without waiting. */
static void test_same_snapshot(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct store_conn *a = store_acquire(f->s), *w = store_try_acquire(f->s),
                      *b = store_try_acquire(f->s);
    assert_non_null(w);
    assert_non_null(b);
    assert_ptr_equal(store_of(a), f->s);
    assert_null(store_try_acquire(f->s)); /* all three in use */
    struct store_conn *both[2] = {a, b};
    assert_true(store_begin_same_snapshot(w, both, 2, &e));
    assert_true(store_in_transaction(a));
    assert_true(store_in_transaction(b));
    assert_false(store_in_transaction(w)); /* its write lock is let go */
    assert_true(store_begin(w, true, &e)); /* so a writer commits meanwhile */
    struct store_stmt *st = store_prepare(w, SQL_INSERT_TEAM, &e);
    store_bind_text(st, ":name", "After the snapshot");
    store_bind_int64(st, ":created_at", 1);
    assert_true(store_exec(st, &e));
    assert_true(store_commit(w, &e));
    assert_int_equal(count_teams(a), 0);
    assert_int_equal(count_teams(b), 0);
    assert_true(store_commit(a, &e));
    assert_true(store_commit(b, &e));
    assert_int_equal(count_teams(a), 1);
    store_release(f->s, w);
    assert_ptr_equal(store_try_acquire(f->s), w);
    /* w busy in a transaction of its own: nothing is left open on failure. */
    assert_true(store_begin(w, false, &e));
    assert_false(store_begin_same_snapshot(w, both, 2, &e));
    assert_false(store_in_transaction(a));
    assert_false(store_in_transaction(b));
    store_release(f->s, w);
    store_release(f->s, b);
    store_release(f->s, a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrated, setup1, teardown),
        cmocka_unit_test_setup_teardown(test_named_parameters, setup1, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_parameter_fails_loudly, setup1, teardown),
        cmocka_unit_test_setup_teardown(test_constraint_is_conflict, setup1, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup1, teardown),
        cmocka_unit_test_setup_teardown(test_commit_persists, setup1, teardown),
        cmocka_unit_test_setup_teardown(test_statement_cache, setup1, teardown),
        cmocka_unit_test_setup_teardown(test_pool_two_threads, setup1, teardown),
        cmocka_unit_test_setup_teardown(test_pool_waits, setup2, teardown),
        cmocka_unit_test_setup_teardown(test_same_snapshot, setup3, teardown),
        cmocka_unit_test(test_postgresql_refused),
        cmocka_unit_test_setup_teardown(test_no_stale_snapshot_after_release, setup2, teardown),
        cmocka_unit_test_setup_teardown(test_no_stale_snapshot_after_commit, setup2, teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
