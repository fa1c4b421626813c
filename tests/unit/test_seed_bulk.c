/*
 * Unit tests for the seed's bulk-load path (seed/bulk, seed/audit_batch, ids
 * given without RETURNING, the full-text index filled at each commit): two
 * seeds with the same --seed give the same rows in every table the seed
 * writes (the audit log, its chain and the FTS5 index included); the seeded
 * database ends with exactly the schema a freshly migrated one has (every
 * index dropped for the load is back, as the migration wrote it), in WAL
 * mode; the audit chain verifies; and a seed_audit chain interleaves with
 * rows from audit_append.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access/audit.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "domain/auth.h"
#include "domain/workflow_def.h"
#include "seed/audit_batch.h"
#include "seed/seed.h"
#include "test_db.h"

struct env {
    char dir[40];
    struct codelist_set *codes;
    struct workflow_set *workflows;
    struct calendar *cal;
    struct config cfg;
};

static struct env *env_new(void)
{
    struct env *v = calloc(1, sizeof *v);
    assert_non_null(v);
    snprintf(v->dir, sizeof v->dir, "/tmp/casework-bulk-XXXXXX");
    assert_non_null(mkdtemp(v->dir));
    const char *base = getenv("CASEWORK_TEST_CONFIG_DIR");
    base = base && *base ? base : "config";
    struct buf p = BUF_INIT, hol = BUF_INIT, clo = BUF_INIT;
    struct err e = ERR_INIT;
    buf_printf(&p, "%s/codes", base);
    v->codes = codelist_load_dir(p.data, &e);
    assert_non_null(v->codes);
    buf_reset(&p);
    buf_printf(&p, "%s/workflows", base);
    v->workflows = workflow_set_load_dir(p.data, v->codes, NULL, &e);
    assert_non_null(v->workflows);
    buf_printf(&hol, "%s/calendar/bank-holidays-england-and-wales.txt", base);
    buf_printf(&clo, "%s/calendar/local-closures.txt", base);
    v->cal = calendar_load(hol.data, clo.data, &e);
    assert_non_null(v->cal);
    assert_true(config_defaults(&v->cfg));
    assert_true(auth_init(&e));
    buf_release(&p);
    buf_release(&hol);
    buf_release(&clo);
    return v;
}

static void env_free(struct env *v)
{
    workflow_set_free(v->workflows);
    calendar_free(v->cal);
    codelist_free_set(v->codes);
    config_free(&v->cfg);
    rmdir(v->dir);
    free(v);
}

static char *db_path(const struct env *v, const char *name)
{
    struct buf p = BUF_INIT;
    buf_printf(&p, "%s/%s", v->dir, name);
    return buf_detach(&p, NULL);
}

/* A migrated database at path, seeded (seed != 0) at a fixed instant. */
static void make_db(struct env *v, const char *path, uint64_t seed)
{
    struct err e = ERR_INIT;
    struct store *s = store_open(path, 1, &e);
    assert_non_null(s);
    assert_true(store_migrate(s, NULL, &e));
    if (seed) {
        struct arena arena = ARENA_INIT;
        struct principal admin = {.user_id = 0, .username = "cli:test", .role = ROLE_ADMINISTRATOR};
        int64_t as_of = clock_days_from_civil(2026, 1, 1);
        struct ctx x = {.conn = store_acquire(s),
                        .codes = v->codes,
                        .workflows = v->workflows,
                        .calendar = v->cal,
                        .who = &admin,
                        .cfg = &v->cfg,
                        .arena = &arena,
                        .now = clock_london_to_instant(as_of, 9, 0, 0),
                        .request_id = "test"};
        struct seed_options o = {.profile = "tiny",
                                 .seed = seed,
                                 .as_of = as_of,
                                 .password = "correct-horse-battery",
                                 .work_years = 2};
        struct seed_report r;
        if (!seed_run(&x, &o, &r, &e))
            fail_msg("seed_run: %s %s", e.field, e.message);
        assert_true(r.work.notes > 0 && r.work.cases > 0);
        struct audit_verify_result av;
        assert_true(audit_verify(x.conn, &av, &e));
        assert_int_equal(av.broken_id, 0);
        assert_int_equal(av.rows, r.audit_rows);
        store_release(s, x.conn);
        arena_release(&arena);
    }
    store_close(s);
}

static const char SQL_ATTACH[] = "ATTACH DATABASE :path AS other";
static const char SQL_DETACH[] = "DETACH DATABASE other";
static const char SQL_JOURNAL[] = "PRAGMA journal_mode";

/* For each table the seed writes: rows here, rows only here, rows only there
 * (every column; users without the password hash, salted at random). */
#define SAME_ROWS(t)                                                                               \
    "SELECT (SELECT COUNT(*) FROM main." t "),"                                                    \
    " (SELECT COUNT(*) FROM (SELECT * FROM main." t " EXCEPT SELECT * FROM other." t ")),"         \
    " (SELECT COUNT(*) FROM (SELECT * FROM other." t " EXCEPT SELECT * FROM main." t "))"
static const char *const SQL_SAME[] = {
    SAME_ROWS("people"),
    SAME_ROWS("addresses"),
    SAME_ROWS("person_keys"),
    SAME_ROWS("relationships"),
    SAME_ROWS("teams"),
    SAME_ROWS("user_teams"),
    SAME_ROWS("contacts"),
    SAME_ROWS("contact_people"),
    SAME_ROWS("cases"),
    SAME_ROWS("case_steps"),
    SAME_ROWS("step_versions"),
    SAME_ROWS("step_reviews"),
    SAME_ROWS("allocations"),
    SAME_ROWS("notes"),
    SAME_ROWS("note_versions"),
    SAME_ROWS("audit"),
    SAME_ROWS("audit_head"),
    "SELECT (SELECT COUNT(*) FROM main.users),"
    " (SELECT COUNT(*) FROM (SELECT id, username, display_name, email, role FROM main.users"
    "  EXCEPT SELECT id, username, display_name, email, role FROM other.users)), 0",
};
/* The schema, both ways (rootpage aside). */
static const char SQL_SAME_SCHEMA[] =
    "SELECT (SELECT COUNT(*) FROM main.sqlite_master),"
    " (SELECT COUNT(*) FROM (SELECT type, name, tbl_name, sql FROM main.sqlite_master"
    "  EXCEPT SELECT type, name, tbl_name, sql FROM other.sqlite_master)),"
    " (SELECT COUNT(*) FROM (SELECT type, name, tbl_name, sql FROM other.sqlite_master"
    "  EXCEPT SELECT type, name, tbl_name, sql FROM main.sqlite_master))";
/* The full-text index finds the same notes (its segments may be laid out
 * differently). */
static const char SQL_FTS_MAIN[] =
    "SELECT (SELECT COUNT(*) FROM main.notes_fts WHERE notes_fts MATCH 'visit'),"
    " (SELECT COUNT(*) FROM main.notes_fts WHERE notes_fts MATCH 'school OR mother')";
static const char SQL_FTS_OTHER[] =
    "SELECT (SELECT COUNT(*) FROM other.notes_fts WHERE notes_fts MATCH 'visit'),"
    " (SELECT COUNT(*) FROM other.notes_fts WHERE notes_fts MATCH 'school OR mother')";

static void row3(struct store_stmt *st, int64_t out[3])
{
    struct err e = ERR_INIT;
    assert_non_null(st);
    if (store_step(st, &e) != STORE_ROW)
        fail_msg("query: %s", e.message);
    for (int i = 0; i < 3; i++)
        out[i] = store_col_int64(st, i);
    assert_true(store_exec(st, &e));
}

static void test_same_seed_same_database_and_schema(void **state)
{
    (void)state;
    struct env *v = env_new();
    char *a = db_path(v, "a.db"), *b = db_path(v, "b.db"), *fresh = db_path(v, "fresh.db");
    make_db(v, a, 7);
    make_db(v, b, 7);
    make_db(v, fresh, 0);

    struct err e = ERR_INIT;
    struct store *s = store_open(a, 1, &e);
    assert_non_null(s);
    struct store_conn *c = store_acquire(s);
    struct store_stmt *st = store_prepare(c, SQL_JOURNAL, &e);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    assert_string_equal(store_col_text(st, 0), "wal");
    assert_true(store_exec(st, &e));

    st = store_prepare(c, SQL_ATTACH, &e);
    store_bind_text(st, ":path", b);
    assert_true(store_exec(st, &e));
    int64_t n[3];
    for (size_t i = 0; i < sizeof SQL_SAME / sizeof SQL_SAME[0]; i++) {
        row3(store_prepare(c, SQL_SAME[i], &e), n);
        if (n[0] == 0 || n[1] != 0 || n[2] != 0)
            fail_msg("%s: %lld rows, %lld and %lld differ", SQL_SAME[i], (long long)n[0],
                     (long long)n[1], (long long)n[2]);
    }
    int64_t fts[2][2];
    const char *fts_sql[2] = {SQL_FTS_MAIN, SQL_FTS_OTHER};
    for (int i = 0; i < 2; i++) {
        st = store_prepare(c, fts_sql[i], &e);
        assert_int_equal(store_step(st, &e), STORE_ROW);
        fts[i][0] = store_col_int64(st, 0);
        fts[i][1] = store_col_int64(st, 1);
        assert_true(store_exec(st, &e));
    }
    assert_true(fts[0][0] > 0 && fts[0][1] > 0);
    assert_int_equal(fts[0][0], fts[1][0]);
    assert_int_equal(fts[0][1], fts[1][1]);
    assert_true(store_exec(store_prepare(c, SQL_DETACH, &e), &e));

    /* The seeded schema is the migrated one: every index is back as written. */
    st = store_prepare(c, SQL_ATTACH, &e);
    store_bind_text(st, ":path", fresh);
    assert_true(store_exec(st, &e));
    row3(store_prepare(c, SQL_SAME_SCHEMA, &e), n);
    assert_true(n[0] > 50);
    assert_int_equal(n[1], 0);
    assert_int_equal(n[2], 0);
    assert_true(store_exec(store_prepare(c, SQL_DETACH, &e), &e));
    store_release(s, c);
    store_close(s);

    test_db_remove(a);
    test_db_remove(b);
    test_db_remove(fresh);
    free(a);
    free(b);
    free(fresh);
    env_free(v);
}

/* Rows from seed_audit_append and audit_append, in turn, make one chain. */
static void test_seed_audit_chain_interleaves(void **state)
{
    (void)state;
    struct env *v = env_new();
    char *path = db_path(v, "chain.db");
    make_db(v, path, 0);
    struct err e = ERR_INIT;
    struct store *s = store_open(path, 1, &e);
    assert_non_null(s);
    struct arena arena = ARENA_INIT;
    struct principal who = {.user_id = 42, .username = "chain", .role = ROLE_ADMINISTRATOR};
    struct ctx x = {.conn = store_acquire(s),
                    .who = &who,
                    .cfg = &v->cfg,
                    .arena = &arena,
                    .now = 1700000000,
                    .ip = "",
                    .request_id = "r1"};
    struct seed_audit a = SEED_AUDIT_INIT;
    for (int round = 0; round < 3; round++) {
        assert_true(store_begin(x.conn, true, &e));
        for (int i = 0; i < 5; i++) {
            x.now++;
            assert_true(seed_audit_append(&a, &x, "test.bulk", i % 2 ? "person" : NULL, i,
                                          i == 3 ? "a reason" : "", "detail with | and 12:", &e));
        }
        assert_true(seed_audit_commit(&a, &x, &e));
        assert_true(store_begin(x.conn, true, &e));
        assert_true(ctx_audit(&x, "test.single", "person", 9, NULL, "one", &e));
        assert_true(store_commit(x.conn, &e));
    }
    /* A rolled-back batch leaves the chain as it was. */
    assert_true(store_begin(x.conn, true, &e));
    assert_true(seed_audit_append(&a, &x, "test.lost", NULL, 0, NULL, NULL, &e));
    store_rollback(x.conn);
    seed_audit_forget(&a);
    assert_true(store_begin(x.conn, true, &e));
    assert_true(seed_audit_append(&a, &x, "test.after", NULL, 0, NULL, NULL, &e));
    assert_true(seed_audit_commit(&a, &x, &e));

    struct audit_verify_result r;
    assert_true(audit_verify(x.conn, &r, &e));
    assert_int_equal(r.broken_id, 0);
    assert_int_equal(r.rows, 3 * 6 + 1);
    seed_audit_release(&a);
    store_release(s, x.conn);
    store_close(s);
    arena_release(&arena);
    test_db_remove(path);
    free(path);
    env_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_database_and_schema),
        cmocka_unit_test(test_seed_audit_chain_interleaves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
