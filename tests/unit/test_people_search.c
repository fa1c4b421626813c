/*
 * Unit tests for people_search's candidate scoring on a database of 130
 * namesakes (more than two of the batches it reads candidates in): every
 * namesake is found, each with its own details (the summary of the right row,
 * whatever batch it came in), its current postcode (the newest address with
 * no end date, through the migration 0013 index), merged-away and restricted
 * records left out, and the one whose forename and postcode match ranked first.
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

#include "core/buf.h"
#include "domain/ctx.h"
#include "domain/people.h"
#include "domain/people_internal.h"
#include "store/store.h"
#include "test_db.h"

enum { NAMESAKES = 130 };

static const char SQL_PERSON[] =
    "INSERT INTO people (id, forenames, surname, dob, merged_into, restricted, created_at,"
    " updated_at) VALUES (:id, :forenames, 'Batchley', :dob, :merged, :restricted, 1, 1)";
static const char SQL_ADDRESS[] =
    "INSERT INTO addresses (person_id, line1, postcode, to_date, created_at)"
    " VALUES (:id, '1 Test Street', :postcode, :to_date, 1)";
static const char SQL_PLAN[] =
    "EXPLAIN QUERY PLAN SELECT a.postcode FROM addresses a WHERE a.person_id = 1"
    " AND a.to_date IS NULL ORDER BY a.id DESC LIMIT 1";

struct fixture {
    char dir[64];
    struct buf path;
    struct store *s;
    struct principal who;
    struct arena arena;
    struct ctx x;
};

static bool exec(struct ctx *x, const char *sql, int64_t id, const char *a, const char *b,
                 int64_t merged, int64_t restricted)
{
    struct err e = ERR_INIT;
    struct store_stmt *st = store_prepare(x->conn, sql, &e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    if (sql == SQL_PERSON) {
        store_bind_text(st, ":forenames", a);
        store_bind_text(st, ":dob", b);
        if (merged)
            store_bind_int64(st, ":merged", merged);
        else
            store_bind_null(st, ":merged");
        store_bind_int64(st, ":restricted", restricted);
    } else {
        store_bind_text(st, ":postcode", a);
        store_bind_text_or_null(st, ":to_date", b);
    }
    return store_exec(st, &e);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct err e = ERR_INIT;
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/casework-search-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    buf_init(&f->path, 0);
    buf_printf(&f->path, "%s/search.db", f->dir);
    f->s = store_open(f->path.data, 1, &e);
    if (!f->s || !store_migrate(f->s, NULL, &e))
        return -1;
    f->who = (struct principal){.user_id = 1, .username = "admin", .role = ROLE_ADMINISTRATOR};
    f->arena = (struct arena)ARENA_INIT;
    f->x = (struct ctx){.conn = store_acquire(f->s),
                        .who = &f->who,
                        .arena = &f->arena,
                        .now = 1,
                        .request_id = "t",
                        .ip = "127.0.0.1"};
    struct ctx *x = &f->x;
    if (!store_begin(x->conn, true, &e))
        return -1;
    for (int64_t id = 1; id <= NAMESAKES; id++) {
        char forenames[32], dob[16], postcode[16];
        snprintf(forenames, sizeof forenames, id == 117 ? "Zebedee" : "Alex");
        snprintf(dob, sizeof dob, "2001-01-%02d", (int)(id % 28) + 1);
        /* 8 is merged into 7; 9 is restricted (nobody has a grant). */
        if (!exec(x, SQL_PERSON, id, forenames, dob, id == 8 ? 7 : 0, id == 9))
            return -1;
        snprintf(postcode, sizeof postcode, "ZX%d 9AA", (int)(id % 90) + 1);
        /* An older, ended address first: the current one is what counts. */
        if (!exec(x, SQL_ADDRESS, id, "ZY1 1ZZ", "2020-01-01", 0, 0) ||
            !exec(x, SQL_ADDRESS, id, postcode, NULL, 0, 0) || !people_rebuild_keys(x, id, &e))
            return -1;
    }
    if (!store_commit(x->conn, &e))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_release(&f->arena);
    store_release(f->s, f->x.conn);
    store_close(f->s);
    test_db_remove(f->path.data);
    rmdir(f->dir);
    buf_release(&f->path);
    free(f);
    return 0;
}

static void test_every_namesake_with_its_own_details(void **state)
{
    struct fixture *f = *state;
    struct person_candidate out[NAMESAKES + 10];
    size_t n = 0;
    struct err e = ERR_INIT;
    assert_true(people_search(&f->x, "Batchley", out, NAMESAKES + 10, &n, &e));
    /* All but the merged-away record and the restricted one. */
    assert_int_equal(n, NAMESAKES - 2);
    bool seen[NAMESAKES + 1] = {false};
    for (size_t i = 0; i < n; i++) {
        int64_t id = out[i].id;
        assert_true(id >= 1 && id <= NAMESAKES);
        assert_false(seen[id]);
        seen[id] = true;
        assert_true(id != 8 && id != 9);
        char dob[16], postcode[16];
        snprintf(dob, sizeof dob, "2001-01-%02d", (int)(id % 28) + 1);
        snprintf(postcode, sizeof postcode, "ZX%d 9AA", (int)(id % 90) + 1);
        assert_string_equal(out[i].surname, "Batchley");
        assert_string_equal(out[i].forenames, id == 117 ? "Zebedee" : "Alex");
        assert_string_equal(out[i].dob, dob);
        assert_string_equal(out[i].postcode, postcode);
    }
}

static void test_best_match_first_from_a_later_batch(void **state)
{
    struct fixture *f = *state;
    struct person_candidate out[20];
    size_t n = 0;
    struct err e = ERR_INIT;
    assert_true(people_search(&f->x, "Zebedee Batchley ZX28 9AA", out, 20, &n, &e));
    assert_true(n >= 1);
    assert_int_equal(out[0].id, 117);
    assert_true(n == 1 || out[0].score > out[1].score);
}

static void test_current_postcode_read_from_the_index(void **state)
{
    struct fixture *f = *state;
    struct err e = ERR_INIT;
    struct store_stmt *st = store_prepare(f->x.conn, SQL_PLAN, &e);
    assert_non_null(st);
    bool covered = false;
    while (store_step(st, &e) == STORE_ROW)
        covered |= strstr(store_col_text(st, 3), "addresses_current") != NULL;
    assert_true(covered);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_namesake_with_its_own_details, setup, teardown),
        cmocka_unit_test_setup_teardown(test_best_match_first_from_a_later_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_current_postcode_read_from_the_index, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
