/*
 * Unit tests for access/audit on a fresh migrated SQLite file per test: the
 * chain verifies when intact; rows changed, deleted or cut off the end through
 * a raw sqlite3 connection (triggers dropped, as an attacker with file access
 * would) are reported with the first broken row; appends outside a transaction
 * fail; "" and NULL fields keep the chain sound; audit_query's filters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access/audit.h"
#include "core/buf.h"
#include "core/err.h"
#include "store/store.h"
#include "test_db.h"

struct fixture {
    char dir[64];
    struct buf path;
    struct store *s;
    struct store_conn *c;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct err e = ERR_INIT;
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/casework-audit-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    buf_init(&f->path, 0);
    buf_printf(&f->path, "%s/audit.db", f->dir);
    f->s = store_open(f->path.data, 1, &e);
    if (!f->s || !store_migrate(f->s, NULL, &e)) {
        fprintf(stderr, "store: %s\n", e.message);
        return -1;
    }
    f->c = store_acquire(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_release(f->s, f->c);
    store_close(f->s);
    test_db_remove(f->path.data);
    rmdir(f->dir);
    buf_release(&f->path);
    free(f);
    return 0;
}

/* Append one row in its own write transaction; returns its id. */
static int64_t append(struct fixture *f, struct audit_entry *entry)
{
    struct err e = ERR_INIT;
    assert_true(store_begin(f->c, true, &e));
    if (!audit_append(f->c, entry, &e))
        fail_msg("audit_append: %s", e.message);
    assert_true(store_commit(f->c, &e));
    return entry->id;
}

static int64_t append_simple(struct fixture *f, int64_t actor_id, const char *action,
                             const char *record_type, const char *record_id)
{
    struct audit_entry entry = {
        .at = 1767225600 + actor_id,
        .actor_id = actor_id,
        .actor = actor_id ? "alice" : NULL,
        .action = action,
        .record_type = record_type,
        .record_id = record_id,
        .detail = "detail text",
        .ip = "127.0.0.1",
        .request_id = "req-1",
    };
    return append(f, &entry);
}

/* Five rows: ids 1..5. */
static void append_five(struct fixture *f)
{
    assert_int_equal(append_simple(f, 1, "login", NULL, NULL), 1);
    assert_int_equal(append_simple(f, 1, "user.view", "user", "2"), 2);
    assert_int_equal(append_simple(f, 2, "user.create", "user", "3"), 3);
    assert_int_equal(append_simple(f, 0, "login-failed", NULL, NULL), 4);
    assert_int_equal(append_simple(f, 2, "team.create", "team", "2"), 5);
}

static struct audit_verify_result verify(struct fixture *f)
{
    struct audit_verify_result r;
    struct err e = ERR_INIT;
    assert_true(store_begin(f->c, false, &e));
    if (!audit_verify(f->c, &r, &e))
        fail_msg("audit_verify could not run: %s", e.message);
    store_rollback(f->c);
    return r;
}

/* Run SQL on a separate, raw connection to the same file. */
static void raw_sql(struct fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path.data, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("raw SQL %s: %s", sql, msg);
    sqlite3_close(db);
}

static void test_intact_chain(void **state)
{
    struct fixture *f = *state;
    struct audit_verify_result r = verify(f);
    assert_int_equal(r.rows, 0); /* an empty log is intact */
    assert_int_equal(r.broken_id, 0);
    append_five(f);
    r = verify(f);
    assert_int_equal(r.rows, 5);
    assert_int_equal(r.broken_id, 0);
    assert_string_equal(r.problem, "");
}

static void test_triggers_refuse_changes(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path.data, &db), SQLITE_OK);
    char *msg = NULL;
    assert_int_not_equal(
        sqlite3_exec(db, "UPDATE audit SET detail = 'x' WHERE id = 2", NULL, NULL, &msg),
        SQLITE_OK);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg);
    msg = NULL;
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit WHERE id = 5", NULL, NULL, &msg),
                         SQLITE_OK);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg);
    sqlite3_close(db);
    assert_int_equal(verify(f).broken_id, 0);
}

static void test_changed_row(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    raw_sql(f, "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing to see' "
               "WHERE id = 3");
    struct audit_verify_result r = verify(f);
    assert_int_equal(r.broken_id, 3);
    assert_non_null(strstr(r.problem, "row 3"));
    assert_non_null(strstr(r.problem, "changed"));
    assert_int_equal(r.rows, 3); /* stopped at the first broken row */
}

static void test_changed_fields_each_detected(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    raw_sql(f, "DROP TRIGGER audit_no_update");
    /* Each column the hash covers, changed one at a time and put back. */
    static const char *changes[][2] = {
        {"UPDATE audit SET at = at + 1 WHERE id = 2", "UPDATE audit SET at = at - 1 WHERE id = 2"},
        {"UPDATE audit SET actor_id = 9 WHERE id = 2",
         "UPDATE audit SET actor_id = 1 WHERE id = 2"},
        {"UPDATE audit SET actor = 'mallory' WHERE id = 2",
         "UPDATE audit SET actor = 'alice' WHERE id = 2"},
        {"UPDATE audit SET action = 'user.edit' WHERE id = 2",
         "UPDATE audit SET action = 'user.view' WHERE id = 2"},
        {"UPDATE audit SET record_id = '3' WHERE id = 2",
         "UPDATE audit SET record_id = '2' WHERE id = 2"},
        {"UPDATE audit SET reason = 'because' WHERE id = 2",
         "UPDATE audit SET reason = NULL WHERE id = 2"},
        {"UPDATE audit SET ip = '10.0.0.1' WHERE id = 2",
         "UPDATE audit SET ip = '127.0.0.1' WHERE id = 2"},
        {"UPDATE audit SET request_id = NULL WHERE id = 2",
         "UPDATE audit SET request_id = 'req-1' WHERE id = 2"},
        {"UPDATE audit SET record_type = '' WHERE id = 2",
         "UPDATE audit SET record_type = 'user' WHERE id = 2"},
    };
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        raw_sql(f, changes[i][0]);
        struct audit_verify_result r = verify(f);
        if (r.broken_id != 2)
            fail_msg("%s: broken_id %lld", changes[i][0], (long long)r.broken_id);
        raw_sql(f, changes[i][1]);
        assert_int_equal(verify(f).broken_id, 0);
    }
}

static void test_relinked_row(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    raw_sql(f, "DROP TRIGGER audit_no_update;"
               "UPDATE audit SET prev_hash = (SELECT prev_hash FROM audit WHERE id = 2)"
               " WHERE id = 4");
    struct audit_verify_result r = verify(f);
    assert_int_equal(r.broken_id, 4);
    assert_non_null(strstr(r.problem, "chain"));
}

static void test_deleted_row(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    raw_sql(f, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 2");
    struct audit_verify_result r = verify(f);
    assert_int_equal(r.broken_id, 3); /* the row after the gap */
    assert_non_null(strstr(r.problem, "deleted"));
}

static void test_deleted_first_row(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    raw_sql(f, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 1");
    struct audit_verify_result r = verify(f);
    assert_int_equal(r.broken_id, 2);
    assert_non_null(strstr(r.problem, "deleted"));
}

static void test_truncated_tail(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    raw_sql(f, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id >= 4");
    struct audit_verify_result r = verify(f);
    assert_int_equal(r.rows, 3);
    assert_int_equal(r.broken_id, 4); /* the first missing row */
    assert_non_null(strstr(r.problem, "newest rows removed"));

    /* Wiping the whole log is caught by the head too. */
    raw_sql(f, "DELETE FROM audit");
    r = verify(f);
    assert_int_equal(r.rows, 0);
    assert_int_equal(r.broken_id, 1);
}

static void test_append_needs_transaction(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    struct audit_entry entry = {.at = 1, .action = "sneaky"};
    struct err e = ERR_INIT;
    assert_false(audit_append(f->c, &entry, &e));
    assert_int_not_equal(e.code, ERR_NONE);
    struct audit_verify_result r = verify(f);
    assert_int_equal(r.rows, 5);
    assert_int_equal(r.broken_id, 0);

    /* Rolled back with the caller's transaction: nothing remains, chain sound. */
    assert_true(store_begin(f->c, true, &e));
    assert_true(audit_append(f->c, &entry, &e));
    assert_int_equal(entry.id, 6);
    store_rollback(f->c);
    r = verify(f);
    assert_int_equal(r.rows, 5);
    assert_int_equal(r.broken_id, 0);
    struct audit_entry next = {.at = 2, .action = "after"};
    assert_int_equal(append(f, &next), 6);
    assert_int_equal(verify(f).broken_id, 0);
}

struct collected {
    int n;
    int64_t ids[16];
    char reason[16][16]; /* "(null)" for NULL */
    char actor[16][16];
    int64_t actor_ids[16];
    int stop_after; /* 0: never */
};

static bool collect(const struct audit_entry *row, void *arg)
{
    struct collected *c = arg;
    if (c->n < 16) {
        c->ids[c->n] = row->id;
        snprintf(c->reason[c->n], sizeof c->reason[0], "%s", row->reason ? row->reason : "(null)");
        snprintf(c->actor[c->n], sizeof c->actor[0], "%s", row->actor ? row->actor : "(null)");
        c->actor_ids[c->n] = row->actor_id;
    }
    c->n++;
    return !(c->stop_after && c->n >= c->stop_after);
}

static struct collected query(struct fixture *f, struct audit_filter filter)
{
    struct collected got = {0};
    struct err e = ERR_INIT;
    if (!audit_query(f->c, &filter, collect, &got, &e))
        fail_msg("audit_query: %s", e.message);
    return got;
}

static void test_empty_and_null_fields(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    struct audit_entry empty = {.at = 100,
                                .actor_id = 0,
                                .actor = "",
                                .action = "empty",
                                .record_type = "",
                                .record_id = "",
                                .reason = "",
                                .detail = "",
                                .ip = "",
                                .request_id = ""};
    assert_int_equal(append(f, &empty), 6);
    struct audit_entry nulls = {.at = 101, .action = "nulls"};
    assert_int_equal(append(f, &nulls), 7);
    struct audit_entry set = {.at = 102, .actor = "bob", .action = "set", .reason = "why"};
    assert_int_equal(append(f, &set), 8);
    struct audit_verify_result r = verify(f);
    assert_int_equal(r.rows, 8);
    assert_int_equal(r.broken_id, 0);

    struct collected got = query(f, (struct audit_filter){.limit = 3});
    assert_int_equal(got.n, 3);
    assert_int_equal(got.ids[0], 8);
    assert_string_equal(got.reason[0], "why");
    assert_string_equal(got.actor[0], "bob");
    assert_int_equal(got.ids[1], 7);
    assert_string_equal(got.reason[1], "(null)");
    assert_string_equal(got.actor[1], "-"); /* no actor is recorded as "-" */
    assert_int_equal(got.ids[2], 6);
    assert_string_equal(got.reason[2], "(null)"); /* "" is kept as NULL */
    assert_string_equal(got.actor[2], "");
    assert_int_equal(got.actor_ids[2], 0);

    /* A later row whose text differs only by "" vs NULL still chains. */
    struct audit_entry again = {.at = 103, .action = "x", .reason = ""};
    append(f, &again);
    assert_int_equal(verify(f).broken_id, 0);
}

static void test_query_filters(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    struct collected got = query(f, (struct audit_filter){.limit = 50});
    assert_int_equal(got.n, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(got.ids[i], 5 - i); /* newest first */

    got = query(f, (struct audit_filter){.record_type = "user", .limit = 50});
    assert_int_equal(got.n, 2);
    assert_int_equal(got.ids[0], 3);
    assert_int_equal(got.ids[1], 2);

    got = query(f, (struct audit_filter){.record_type = "user", .record_id = "2", .limit = 50});
    assert_int_equal(got.n, 1);
    assert_int_equal(got.ids[0], 2);

    got = query(f, (struct audit_filter){.record_id = "2", .limit = 50});
    assert_int_equal(got.n, 2); /* user 2 and team 2 */
    assert_int_equal(got.ids[0], 5);
    assert_int_equal(got.ids[1], 2);

    got = query(f, (struct audit_filter){.actor_id = 2, .limit = 50});
    assert_int_equal(got.n, 2);
    assert_int_equal(got.ids[0], 5);
    assert_int_equal(got.ids[1], 3);

    got = query(f, (struct audit_filter){.before_id = 4, .limit = 50});
    assert_int_equal(got.n, 3);
    assert_int_equal(got.ids[0], 3);

    got = query(f, (struct audit_filter){.before_id = 5, .limit = 2});
    assert_int_equal(got.n, 2);
    assert_int_equal(got.ids[0], 4);
    assert_int_equal(got.ids[1], 3);

    got = query(f, (struct audit_filter){.record_type = "person", .limit = 50});
    assert_int_equal(got.n, 0);

    /* "" for a text filter means any, like NULL. */
    got = query(f, (struct audit_filter){.record_type = "", .limit = 50});
    assert_int_equal(got.n, 5);

    /* Limits outside 1..500 are clamped, not trusted: 0 gives the default page. */
    got = query(f, (struct audit_filter){.limit = 0});
    assert_int_equal(got.n, 5);

    /* The callback can stop the walk. */
    struct collected stop = {.stop_after = 2};
    struct err e = ERR_INIT;
    struct audit_filter all = {.limit = 50};
    assert_true(audit_query(f->c, &all, collect, &stop, &e));
    assert_int_equal(stop.n, 2);
}

static void test_missing_head(void **state)
{
    struct fixture *f = *state;
    append_five(f);
    raw_sql(f, "DROP TABLE audit_head");
    struct err e = ERR_INIT;
    struct audit_entry entry = {.at = 1, .action = "x"};
    assert_true(store_begin(f->c, true, &e));
    assert_false(audit_append(f->c, &entry, &e));
    store_rollback(f->c);
    assert_int_equal(e.code, ERR_STORE);
    /* The message keeps the database's own reason, readable. */
    assert_non_null(strstr(e.message, "audit head missing"));
    if (!strstr(e.message, "no such table: audit_head"))
        fail_msg("message lost the cause: '%s'", e.message);
    assert_null(strstr(e.message + 1, "audit head missing"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_intact_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_triggers_refuse_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_fields_each_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relinked_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_first_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_needs_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_null_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_head, setup, teardown),
    };
    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
