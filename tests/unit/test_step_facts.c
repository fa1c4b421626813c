/*
 * Step facts: the answers kept for the returns (step_facts_of), and migration
 * 0017, which derived them for steps written before it, keeping the same ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/embedded.h"
#include "domain/step_facts.h"

extern const struct embedded_file embedded_migrations[];
extern const size_t embedded_migrations_count;

/* Answers of each shape a step holds: census names among others, none, an
 * empty object, and values of every JSON type. */
static const char *const SAMPLES[] = {
    "{\"factors\":[\"14A\",\"9A\"],\"primary_need\":\"N8\",\"summary\":\"Seen at home\"}",
    "{\"held_on\":\"2025-06-02\",\"initial_category\":\"NEG\",\"previous_plans\":2,"
    "\"attendees\":[\"a\",\"b\"]}",
    "{\"summary\":\"Nothing for the census\",\"seen\":true}",
    "{}",
    "{\"closed_on\":\"2026-01-05\",\"start_date\":null,\"started_on\":\"2025-04-01\","
    "\"upn_unknown\":\"UN2\",\"latest_category\":\"PHY\",\"nested\":{\"held_on\":\"x\"}}",
    "{\"previous_plans\":0,\"factors\":[]}",
};
#define NSAMPLES (sizeof SAMPLES / sizeof SAMPLES[0])

static void check_facts(const char *answers_text, const char *facts_text)
{
    json_t *facts = json_loads(facts_text, 0, NULL);
    json_t *answers = json_loads(answers_text, 0, NULL);
    assert_non_null(facts);
    assert_non_null(answers);
    const char *k;
    json_t *v;
    json_object_foreach(facts, k, v) /* only kept names, with their values */
    {
        bool kept = false;
        for (size_t i = 0; i < step_fact_count; i++)
            kept |= strcmp(step_fact_names[i], k) == 0;
        assert_true(kept);
        assert_true(json_equal(v, json_object_get(answers, k)));
    }
    for (size_t i = 0; i < step_fact_count; i++) /* and every kept name present */
        assert_int_equal(json_object_get(answers, step_fact_names[i]) != NULL,
                         json_object_get(facts, step_fact_names[i]) != NULL);
    json_decref(facts);
    json_decref(answers);
}

static void test_facts_of_answers(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        json_t *answers = json_loads(SAMPLES[i], 0, NULL);
        char *facts = step_facts_of(answers);
        assert_non_null(facts);
        check_facts(SAMPLES[i], facts);
        free(facts);
        json_decref(answers);
    }
    char *facts = step_facts_of(NULL);
    assert_string_equal(facts, "{}");
    free(facts);
    json_t *list = json_array();
    facts = step_facts_of(list);
    assert_string_equal(facts, "{}");
    free(facts);
    json_decref(list);
    json_t *a = json_loads(SAMPLES[0], 0, NULL);
    facts = step_facts_of(a);
    assert_string_equal(facts, "{\"factors\":[\"14A\",\"9A\"],\"primary_need\":\"N8\"}");
    free(facts);
    json_decref(a);
}

static void test_names_sorted(void **state)
{
    (void)state;
    for (size_t i = 1; i < step_fact_count; i++)
        assert_true(strcmp(step_fact_names[i - 1], step_fact_names[i]) < 0);
}

static const char *migration_0017(void)
{
    for (size_t i = 0; i < embedded_migrations_count; i++)
        if (strncmp(embedded_migrations[i].name, "0017_", 5) == 0)
            return (const char *)embedded_migrations[i].data;
    fail_msg("migration 0017 is not embedded");
    return NULL;
}

/* The migration's UPDATE, run over steps written as before it, derives the
 * same facts as step_facts_of. */
static void test_migration_derives_the_same(void **state)
{
    (void)state;
    const char *sql = migration_0017();
    const char *from = strstr(sql, "UPDATE case_steps SET facts");
    assert_non_null(from);
    const char *to = strchr(from, ';');
    assert_non_null(to);
    char *update = strndup(from, (size_t)(to - from + 1));
    assert_non_null(update);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE case_steps (id INTEGER PRIMARY KEY, answers TEXT"
                                  " NOT NULL, facts TEXT NOT NULL DEFAULT '{}')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db, "INSERT INTO case_steps (answers) VALUES (?)", -1, &st, NULL),
        SQLITE_OK);
    for (size_t i = 0; i < NSAMPLES; i++) {
        sqlite3_bind_text(st, 1, SAMPLES[i], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(db, update, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT answers, facts FROM case_steps ORDER BY id", -1, &st, NULL),
        SQLITE_OK);
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *answers = (const char *)sqlite3_column_text(st, 0);
        const char *facts = (const char *)sqlite3_column_text(st, 1);
        json_t *a = json_loads(answers, 0, NULL);
        char *ours = step_facts_of(a);
        json_t *theirs = json_loads(facts, 0, NULL), *mine = json_loads(ours, 0, NULL);
        assert_non_null(theirs);
        assert_true(json_equal(theirs, mine));
        check_facts(answers, facts);
        json_decref(theirs);
        json_decref(mine);
        json_decref(a);
        free(ours);
        n++;
    }
    assert_int_equal(n, NSAMPLES);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(update);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts_of_answers),
        cmocka_unit_test(test_names_sorted),
        cmocka_unit_test(test_migration_derives_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
