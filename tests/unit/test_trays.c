/*
 * Unit tests for domain/trays: the tray and workload queries must stay
 * index-backed at county scale (about 1,500 workers, millions of steps). On a
 * freshly migrated database (no ANALYZE statistics, as a new install has),
 * every query's plan must start from the cases a worker or team holds and
 * reach their steps through case_steps (case_id, status), or from the tasks
 * given to workers alone (case_steps_assigned), never by scanning a table or
 * walking the county's open steps (case_steps_open).
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

#include "core/buf.h"
#include "core/err.h"
#include "domain/trays.h"
#include "store/store.h"
#include "test_db.h"

struct fixture {
    char dir[64];
    struct buf path;
    sqlite3 *db;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/casework-trays-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    buf_init(&f->path, 0);
    buf_printf(&f->path, "%s/test.db", f->dir);
    struct err e = ERR_INIT;
    struct store *s = store_open(f->path.data, 1, &e);
    if (!s || !store_migrate(s, NULL, &e)) {
        fprintf(stderr, "store: %s\n", e.message);
        return -1;
    }
    store_close(s);
    if (sqlite3_open_v2(f->path.data, &f->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    sqlite3_close(f->db);
    test_db_remove(f->path.data);
    rmdir(f->dir);
    buf_release(&f->path);
    free(f);
    return 0;
}

/* The plan's detail lines, one per line, into out. */
static void plan_of(sqlite3 *db, const char *sql, struct buf *out)
{
    struct buf q = BUF_INIT;
    buf_printf(&q, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, q.data, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare: %s\n%s", sqlite3_errmsg(db), sql);
    while (sqlite3_step(st) == SQLITE_ROW)
        buf_printf(out, "%s\n", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    buf_release(&q);
}

static void test_plans_start_from_indexes(void **state)
{
    struct fixture *f = *state;
    const char *name, *sql;
    size_t n = 0;
    for (size_t i = 0; (sql = trays_query_sql(i, &name)); i++, n++) {
        struct buf plan = BUF_INIT;
        plan_of(f->db, sql, &plan);
        /* "SCAN t" is the outer pass over the UNION's own rows; any other SCAN
         * reads a whole table. */
        for (const char *line = plan.data; line && *line;) {
            const char *end = strchr(line, '\n');
            if (!strncmp(line, "SCAN ", 5) && strncmp(line, "SCAN t\n", 7))
                fail_msg("%s: the plan scans a table:\n%s", name, plan.data);
            line = end ? end + 1 : NULL;
        }
        if (strstr(plan.data, "case_steps_open"))
            fail_msg("%s: the plan walks every open step (case_steps_open):\n%s", name, plan.data);
        if (strstr(sql, "case_steps") && !strstr(plan.data, "case_steps_case_status") &&
            !strstr(plan.data, "case_steps_assigned"))
            fail_msg("%s: steps are reached neither by case nor by assignee:\n%s", name, plan.data);
        buf_release(&plan);
    }
    assert_int_equal(n, 6);
}

static void test_team_held_cases_use_the_partial_index(void **state)
{
    struct fixture *f = *state;
    const char *name, *sql;
    for (size_t i = 0; (sql = trays_query_sql(i, &name)); i++) {
        if (strcmp(name, "team_tasks") && strcmp(name, "load_unallocated"))
            continue;
        struct buf plan = BUF_INIT;
        plan_of(f->db, sql, &plan);
        if (!strstr(plan.data, "cases_team_open"))
            fail_msg("%s: cases the team holds are not found by cases_team_open:\n%s", name,
                     plan.data);
        buf_release(&plan);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plans_start_from_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_team_held_cases_use_the_partial_index, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
