/*
 * Unit tests for store/store under concurrent writers and the background
 * checkpointer, each on a fresh database in a temporary directory: writers on
 * four connections queue for the write lock (never two at once, none
 * failing), and with the checkpointer running the write-ahead log is copied
 * back into the database as it goes, so its file stays small instead of
 * growing by every commit; store_close stops the thread cleanly.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "store/store.h"
#include "test_db.h"

static const char SQL_INSERT_TEAM[] =
    "INSERT INTO teams (name, created_at) VALUES (:name, :created_at)";
static const char SQL_COUNT_TEAMS[] = "SELECT COUNT(*) FROM teams";

static int setup(void **state)
{
    *state = test_db_open("wal", 4);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    test_db_close(*state);
    return 0;
}

static long long wal_bytes(struct test_db *f)
{
    struct buf p = BUF_INIT;
    buf_printf(&p, "%s-wal", f->path.data);
    struct stat st;
    long long n = stat(p.data, &st) == 0 ? (long long)st.st_size : 0;
    buf_release(&p);
    return n;
}

struct writers {
    struct store *s;
    int per_thread;
    atomic_int inside, most_inside, failures;
};

static atomic_int next_team; /* team names are unique across runs */

static void *writer(void *arg)
{
    struct writers *w = arg;
    struct store_conn *c = store_acquire(w->s); /* each thread its own connection */
    for (int i = 0; i < w->per_thread; i++) {
        struct err e = ERR_INIT;
        if (!store_begin(c, true, &e)) {
            atomic_fetch_add(&w->failures, 1);
            continue;
        }
        int now = atomic_fetch_add(&w->inside, 1) + 1;
        int seen = atomic_load(&w->most_inside);
        while (now > seen && !atomic_compare_exchange_weak(&w->most_inside, &seen, now))
            ;
        struct store_stmt *st = store_prepare(c, SQL_INSERT_TEAM, &e);
        char name[32];
        snprintf(name, sizeof name, "team %d", atomic_fetch_add(&next_team, 1));
        store_bind_text(st, ":name", name);
        store_bind_int64(st, ":created_at", i);
        bool ok = store_exec(st, &e);
        atomic_fetch_sub(&w->inside, 1);
        if (!ok || !store_commit(c, &e))
            atomic_fetch_add(&w->failures, 1);
    }
    store_release(w->s, c);
    return NULL;
}

static void run_writers(struct store *s, int per_thread)
{
    struct writers w = {.s = s, .per_thread = per_thread};
    atomic_init(&w.inside, 0);
    atomic_init(&w.most_inside, 0);
    atomic_init(&w.failures, 0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, writer, &w), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&w.failures), 0);
    assert_int_equal(atomic_load(&w.most_inside), 1);
}

static int64_t teams(struct store *s)
{
    struct err e = ERR_INIT;
    struct store_conn *c = store_acquire(s);
    struct store_stmt *st = store_prepare(c, SQL_COUNT_TEAMS, &e);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    int64_t n = store_col_int64(st, 0);
    store_release(s, c);
    return n;
}

static void test_writers_queue(void **state)
{
    struct test_db *f = *state;
    run_writers(f->s, 50);
    assert_int_equal(teams(f->s), 200);
}

static void test_checkpointer_keeps_the_log_small(void **state)
{
    struct test_db *f = *state;
    struct err e = ERR_INIT;
    assert_true(store_start_checkpointer(f->s, 10, &e));
    assert_true(store_start_checkpointer(f->s, 10, &e)); /* a second start is harmless */
    /* 400 commits of a few pages each: without checkpoints the log would
     * pass 4 MB; checkpointed every 10 ms it restarts from its beginning.
     * In rounds of 40 with a pause between, so that on a loaded machine,
     * where the checkpointer may wait for a core through a whole round, the
     * log still restarts in the pauses and stays under half that. */
    for (int round = 0; round < 10; round++) {
        run_writers(f->s, 10);
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    assert_int_equal(teams(f->s), 400);
    long long wal = wal_bytes(f);
    if (wal > 2 * 1024 * 1024)
        fail_msg("the write-ahead log grew to %lld bytes", wal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_writers_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpointer_keeps_the_log_small, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
