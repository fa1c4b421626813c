/*
 * Unit tests for group commit (store/store_durable and store_commit), on a
 * fresh database in a temporary directory:
 * - the flush leader: commits written while a flush runs are made durable
 *   together by the next one (a fake flush, so the count is exact), and a
 *   failed flush fails its waiters and every later one;
 * - eight threads committing at once, one transaction in five failing on a
 *   constraint: every acknowledged write is there after the store is closed
 *   and opened again, no failed one is, and no commit needed a flush of its own
 *   more often than there were commits;
 * - the same with audit rows (several per transaction, some transactions
 *   rolled back after appending): the chain verifies after reopening;
 * - one thread alone: one flush per commit, and reads flush nothing.
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

#include "access/audit.h"
#include "core/buf.h"
#include "store/store.h"
#include "store/store_durable.h"
#include "test_db.h"

enum { THREADS = 8, PER_THREAD = 40 };

static const char SQL_INSERT_TEAM[] =
    "INSERT INTO teams (name, created_at) VALUES (:name, :created_at)";
static const char SQL_TEAM_EXISTS[] = "SELECT COUNT(*) FROM teams WHERE name = :name";
static const char SQL_COUNT_TEAMS[] = "SELECT COUNT(*) FROM teams";
static const char SQL_COUNT_AUDIT[] = "SELECT COUNT(*) FROM audit";

static int setup(void **state)
{
    *state = test_db_open("group", THREADS);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    test_db_close(*state);
    return 0;
}

static void reopen(struct test_db *f)
{
    store_close(f->s);
    struct err e = ERR_INIT;
    f->s = store_open(f->path.data, THREADS, &e);
    assert_non_null(f->s);
}

static int64_t count(struct store *s, const char *sql, const char *name)
{
    struct err e = ERR_INIT;
    struct store_conn *c = store_acquire(s);
    struct store_stmt *st = store_prepare(c, sql, &e);
    assert_non_null(st);
    if (name)
        store_bind_text(st, ":name", name);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    int64_t n = store_col_int64(st, 0);
    store_release(s, c);
    return n;
}

/* --- the flush leader, with a fake flush -------------------------------- */

struct fake {
    struct store_durable d;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool entered, go, fail;
    int flushes;
};

static bool fake_flush(void *handle, struct err *e)
{
    struct fake *f = handle;
    pthread_mutex_lock(&f->lock);
    f->flushes++;
    f->entered = true;
    pthread_cond_broadcast(&f->cond);
    while (!f->go)
        pthread_cond_wait(&f->cond, &f->lock);
    bool ok = !f->fail;
    pthread_mutex_unlock(&f->lock);
    return ok || err_set(e, ERR_STORE, "", "fake flush failed");
}

struct waiter {
    struct fake *f;
    uint64_t seq;
    bool ok;
};

static void *wait_for(void *arg)
{
    struct waiter *w = arg;
    struct err e = ERR_INIT;
    w->ok = durable_wait(&w->f->d, w->seq, fake_flush, w->f, &e);
    return NULL;
}

static void fake_init(struct fake *f)
{
    memset(f, 0, sizeof *f);
    durable_init(&f->d);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
}

static void fake_destroy(struct fake *f)
{
    durable_destroy(&f->d);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->cond);
}

/* Commit 1 starts a flush that blocks; commits 2..5 are written meanwhile;
 * when the first flush ends, one more flush covers all four. */
static void run_leader(bool fail)
{
    struct fake f;
    fake_init(&f);
    f.fail = fail;
    struct waiter w[5];
    pthread_t t[5];
    uint64_t seq = durable_commit_begin(&f.d);
    durable_commit_end(&f.d, seq);
    w[0] = (struct waiter){&f, seq, false};
    assert_int_equal(pthread_create(&t[0], NULL, wait_for, &w[0]), 0);
    pthread_mutex_lock(&f.lock);
    while (!f.entered)
        pthread_cond_wait(&f.cond, &f.lock);
    pthread_mutex_unlock(&f.lock);
    for (int i = 1; i < 5; i++) {
        seq = durable_commit_begin(&f.d);
        durable_commit_end(&f.d, seq);
        w[i] = (struct waiter){&f, seq, false};
        assert_int_equal(pthread_create(&t[i], NULL, wait_for, &w[i]), 0);
    }
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    pthread_mutex_lock(&f.lock);
    f.go = true;
    pthread_cond_broadcast(&f.cond);
    pthread_mutex_unlock(&f.lock);
    for (int i = 0; i < 5; i++) {
        pthread_join(t[i], NULL);
        assert_true(w[i].ok == !fail);
    }
    /* Failed: the store is poisoned, one flush was tried and nothing more. */
    assert_int_equal(f.flushes, fail ? 1 : 2);
    uint64_t commits = 0, syncs = 0;
    durable_counts(&f.d, &commits, &syncs);
    assert_int_equal(commits, 5);
    assert_int_equal(syncs, f.flushes);
    if (fail) {
        struct err e = ERR_INIT;
        f.fail = false;
        seq = durable_commit_begin(&f.d);
        durable_commit_end(&f.d, seq);
        assert_false(durable_wait(&f.d, seq, fake_flush, &f, &e));
        assert_int_equal(e.code, ERR_STORE);
    }
    fake_destroy(&f);
}

static void test_leader_groups_waiting_commits(void **state)
{
    (void)state;
    run_leader(false);
}

static void test_failed_flush_fails_waiters_and_poisons(void **state)
{
    (void)state;
    run_leader(true);
}

/* --- threads committing at once ------------------------------------------ */

struct writers {
    struct store *s;
    bool audit;              /* append audit rows too */
    atomic_int acknowledged; /* transactions whose commit returned true */
    atomic_int audited;      /* audit rows in acknowledged transactions */
    atomic_int failures;     /* unexpected failures */
    char names[THREADS][PER_THREAD][32];
    bool acked[THREADS][PER_THREAD];
};

struct writer_arg {
    struct writers *w;
    int n;
};

static bool insert_team(struct store_conn *c, const char *name, struct err *e)
{
    struct store_stmt *st = store_prepare(c, SQL_INSERT_TEAM, e);
    if (!st)
        return false;
    store_bind_text(st, ":name", name);
    store_bind_int64(st, ":created_at", 1);
    return store_exec(st, e);
}

static bool append(struct store_conn *c, const char *name, struct err *e)
{
    struct audit_entry entry = {
        .at = 1, .action = "team.create", .record_type = "team", .detail = name};
    return audit_append(c, &entry, e);
}

static void *writer(void *arg)
{
    struct writer_arg *a = arg;
    struct writers *w = a->w;
    struct store_conn *c = store_acquire(w->s);
    for (int i = 0; i < PER_THREAD; i++) {
        struct err e = ERR_INIT;
        char *name = w->names[a->n][i];
        snprintf(name, 32, "team %d-%d", a->n, i);
        if (!store_begin(c, true, &e)) {
            atomic_fetch_add(&w->failures, 1);
            continue;
        }
        bool ok = (!w->audit || append(c, name, &e)) && insert_team(c, name, &e);
        if (ok && i % 5 == 4) {
            /* A request that fails part-way: the name again breaks the
             * unique constraint; it rolls back, after its own audit row. */
            ok = (!w->audit || append(c, "again", &e)) && insert_team(c, name, &e);
            if (ok || e.code != ERR_CONFLICT)
                atomic_fetch_add(&w->failures, 1);
            store_rollback(c);
            continue;
        }
        if (ok && w->audit && i % 3 == 0)
            ok = append(c, "second row", &e) && append(c, "third row", &e);
        if (!ok || !store_commit(c, &e)) {
            store_rollback(c);
            atomic_fetch_add(&w->failures, 1);
            continue;
        }
        w->acked[a->n][i] = true;
        atomic_fetch_add(&w->acknowledged, 1);
        if (w->audit)
            atomic_fetch_add(&w->audited, i % 3 == 0 ? 3 : 1);
    }
    store_release(w->s, c);
    return NULL;
}

static struct writers *run_writers(struct store *s, bool audit)
{
    struct writers *w = calloc(1, sizeof *w);
    assert_non_null(w);
    w->s = s;
    w->audit = audit;
    pthread_t t[THREADS];
    struct writer_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (struct writer_arg){w, i};
        assert_int_equal(pthread_create(&t[i], NULL, writer, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&w->failures), 0);
    assert_int_equal(atomic_load(&w->acknowledged), THREADS * PER_THREAD * 4 / 5);
    return w;
}

static void check_acknowledged(struct store *s, struct writers *w)
{
    assert_int_equal(count(s, SQL_COUNT_TEAMS, NULL), atomic_load(&w->acknowledged));
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < PER_THREAD; i++)
            assert_int_equal(count(s, SQL_TEAM_EXISTS, w->names[t][i]), w->acked[t][i] ? 1 : 0);
}

static void test_concurrent_commits_survive_reopen(void **state)
{
    struct test_db *f = *state;
    uint64_t commits0 = 0, flushes0 = 0, commits = 0, flushes = 0;
    store_commit_counts(f->s, &commits0, &flushes0);
    struct writers *w = run_writers(f->s, false);
    store_commit_counts(f->s, &commits, &flushes);
    /* Every commit attempted counts; each was made durable by some flush. */
    assert_int_equal(commits - commits0, atomic_load(&w->acknowledged));
    assert_true(flushes > flushes0);
    assert_true(flushes - flushes0 <= commits - commits0);
    reopen(f);
    check_acknowledged(f->s, w);
    free(w);
}

static void test_concurrent_audit_rows_verify(void **state)
{
    struct test_db *f = *state;
    struct writers *w = run_writers(f->s, true);
    reopen(f);
    check_acknowledged(f->s, w);
    assert_int_equal(count(f->s, SQL_COUNT_AUDIT, NULL), atomic_load(&w->audited));
    struct store_conn *c = store_acquire(f->s);
    struct audit_verify_result r;
    struct err e = ERR_INIT;
    assert_true(store_begin(c, false, &e));
    assert_true(audit_verify(c, &r, &e));
    store_rollback(c);
    store_release(f->s, c);
    if (r.broken_id)
        fail_msg("audit chain broken at %lld: %s", (long long)r.broken_id, r.problem);
    assert_int_equal(r.rows, atomic_load(&w->audited));
    free(w);
}

static void test_alone_one_flush_per_commit(void **state)
{
    struct test_db *f = *state;
    uint64_t commits0 = 0, flushes0 = 0, commits = 0, flushes = 0;
    store_commit_counts(f->s, &commits0, &flushes0);
    struct store_conn *c = store_acquire(f->s);
    struct err e = ERR_INIT;
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "alone %d", i);
        assert_true(store_begin(c, true, &e));
        assert_true(insert_team(c, name, &e));
        assert_true(store_commit(c, &e));
    }
    store_release(f->s, c);
    /* Reads of durable data flush nothing. */
    assert_int_equal(count(f->s, SQL_COUNT_TEAMS, NULL), 5);
    c = store_acquire(f->s);
    assert_true(store_begin(c, false, &e));
    struct store_stmt *st = store_prepare(c, SQL_COUNT_TEAMS, &e);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    assert_true(store_commit(c, &e));
    store_release(f->s, c);
    store_commit_counts(f->s, &commits, &flushes);
    assert_int_equal(commits - commits0, 5);
    assert_int_equal(flushes - flushes0, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leader_groups_waiting_commits),
        cmocka_unit_test(test_failed_flush_fails_waiters_and_poisons),
        cmocka_unit_test_setup_teardown(test_concurrent_commits_survive_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_audit_rows_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alone_one_flush_per_commit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
