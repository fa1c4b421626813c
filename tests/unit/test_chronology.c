/*
 * Unit tests for the pure parts of domain/chronology: the order events are
 * merged in, the date range, the type list and the filter checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/chronology.h"

static struct chron_event ev(enum chron_type type, const char *date, int64_t at, int64_t id)
{
    struct chron_event e = {type, date, at, id, "", "", "", 0};
    return e;
}

static void test_sort_newest_first(void **state)
{
    (void)state;
    /* Sources arrive one after another, each in its own order; the merge is
     * by date, then by when recorded, then the record's creation last among
     * what was recorded with it, then the newer row first. */
    struct chron_event v[] = {
        ev(CHRON_PERSON, "2026-01-10", 500, 1),         /* record created */
        ev(CHRON_ADDRESS, "2026-01-10", 500, 7),        /* address given at creation */
        ev(CHRON_NOTE, "2026-03-01", 900, 4),           /* later note about an earlier day */
        ev(CHRON_NOTE, "2026-03-02", 600, 3),           /* the newest day */
        ev(CHRON_NAME, "2026-03-01", 950, 2),           /* same day, recorded later */
        ev(CHRON_PERSON, "2010-05-04", 500, 1),         /* born */
        ev(CHRON_RELATIONSHIP, "2026-03-01", 950, 9),   /* same instant as the name, newer kind */
        ev(CHRON_NOTE, "2026-03-01", 900, 5),           /* same instant as note 4, newer row */
        ev(CHRON_RECTIFICATION, "2026-03-02", 1000, 1), /* a note on note 3, added later */
    };
    size_t n = sizeof v / sizeof v[0];
    chronology_sort(v, n);
    const struct {
        enum chron_type type;
        int64_t id;
    } want[] = {{CHRON_RECTIFICATION, 1}, {CHRON_NOTE, 3},   {CHRON_RELATIONSHIP, 9},
                {CHRON_NAME, 2},          {CHRON_NOTE, 5},   {CHRON_NOTE, 4},
                {CHRON_ADDRESS, 7},       {CHRON_PERSON, 1}, {CHRON_PERSON, 1}};
    for (size_t i = 0; i < n; i++) {
        if (v[i].type != want[i].type || v[i].source_id != want[i].id)
            fail_msg("position %zu: got %s %lld on %s", i, chronology_type_name(v[i].type),
                     (long long)v[i].source_id, v[i].date);
    }
    assert_string_equal(v[n - 1].date, "2010-05-04");
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(v[i - 1].date, v[i].date) >= 0);
    /* Sorting is stable in outcome: sorting again changes nothing. */
    struct chron_event again[sizeof v / sizeof v[0]];
    memcpy(again, v, sizeof v);
    chronology_sort(again, n);
    assert_memory_equal(again, v, sizeof v);
    chronology_sort(NULL, 0);
}

static void test_in_range(void **state)
{
    (void)state;
    assert_true(chronology_in_range("2026-03-01", NULL, NULL));
    assert_true(chronology_in_range("2026-03-01", "", ""));
    assert_true(chronology_in_range("2026-03-01", "2026-03-01", "2026-03-01"));
    assert_true(chronology_in_range("2026-03-01", "2026-01-01", NULL));
    assert_false(chronology_in_range("2025-12-31", "2026-01-01", NULL));
    assert_true(chronology_in_range("2026-03-01", NULL, "2026-03-01"));
    assert_false(chronology_in_range("2026-03-02", NULL, "2026-03-01"));
    assert_false(chronology_in_range("2026-03-02", "2026-01-01", "2026-03-01"));
}

/* Parse one ?types= value. */
static bool parse1(const char *list, unsigned *mask, struct err *e)
{
    return chronology_parse_types(&list, 1, mask, e);
}

static void test_parse_types(void **state)
{
    (void)state;
    unsigned mask = 99;
    struct err e = ERR_INIT;
    assert_true(chronology_parse_types(NULL, 0, &mask, &e));
    assert_int_equal(mask, 0);
    assert_true(parse1(NULL, &mask, &e));
    assert_int_equal(mask, 0);
    assert_true(parse1("", &mask, &e));
    assert_int_equal(mask, 0);
    assert_true(parse1("note", &mask, &e));
    assert_int_equal(mask, 1u << CHRON_NOTE);
    assert_true(parse1("note,address,,relationship,", &mask, &e));
    assert_int_equal(mask, (1u << CHRON_NOTE) | (1u << CHRON_ADDRESS) | (1u << CHRON_RELATIONSHIP));
    assert_true(parse1("person,name,address,relationship,note,case,note", &mask, &e));
    assert_int_equal(mask, ((1u << CHRON_TYPE_COUNT) - 1) & ~(1u << CHRON_RECTIFICATION));
    assert_true(parse1("person,name,address,relationship,note,case,rectification,note", &mask, &e));
    assert_int_equal(mask, (1u << CHRON_TYPE_COUNT) - 1);
    /* Rectification notes are a type of their own, alone or with others. */
    assert_true(parse1("rectification", &mask, &e));
    assert_int_equal(mask, 1u << CHRON_RECTIFICATION);
    assert_true(parse1("note,rectification", &mask, &e));
    assert_int_equal(mask, (1u << CHRON_NOTE) | (1u << CHRON_RECTIFICATION));
    const char *checkboxes[] = {"rectification", "case"};
    assert_true(chronology_parse_types(checkboxes, 2, &mask, &e));
    assert_int_equal(mask, (1u << CHRON_RECTIFICATION) | (1u << CHRON_CASE));
    assert_string_equal(chronology_type_name(CHRON_RECTIFICATION), "rectification");
    assert_string_equal(chronology_type_label(CHRON_RECTIFICATION), "Rectification notes");
    /* Repeated parameters (checkboxes) add up. */
    const char *repeated[] = {"note", "name,address", ""};
    assert_true(chronology_parse_types(repeated, 3, &mask, &e));
    assert_int_equal(mask, (1u << CHRON_NOTE) | (1u << CHRON_NAME) | (1u << CHRON_ADDRESS));
    const char *bad[] = {"notes", "Note",           "note,x", "note ,name",
                         "not",   "rectifications", "rectify"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err be = ERR_INIT;
        assert_false(parse1(bad[i], &mask, &be));
        assert_int_equal(be.code, ERR_INVALID);
        assert_string_equal(be.field, "types");
        assert_non_null(strstr(be.message, "is not a chronology type"));
    }
    /* A long name is not echoed (cutting it could split a UTF-8 sequence). */
    assert_false(parse1("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
                        &mask, &e));
    assert_non_null(strstr(e.message, "'(too long)' is not a chronology type"));
    const char *second_bad[] = {"note", "nope"};
    assert_false(chronology_parse_types(second_bad, 2, &mask, &e));
    assert_non_null(strstr(e.message, "'nope'"));
    assert_non_null(strstr(e.message, "case or rectification"));
    for (unsigned t = 0; t < CHRON_TYPE_COUNT; t++) {
        assert_non_null(chronology_type_name(t));
        assert_non_null(chronology_type_label(t));
    }
    assert_null(chronology_type_name(CHRON_TYPE_COUNT));
}

static void test_check_filter(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    struct chron_filter ok[] = {{0, NULL, NULL, false},
                                {0, "", "", false},
                                {0, "2026-01-01", NULL, false},
                                {0, NULL, "2026-01-01", false},
                                {0, "2024-02-29", "2024-02-29", false},
                                {1u << CHRON_RECTIFICATION, "2026-01-01", "2026-03-31", true}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_true(chronology_check_filter(&ok[i], &e));
    const struct {
        struct chron_filter f;
        const char *field, *rule;
    } bad[] = {
        {{0, "2026-02-30", NULL, false}, "from", "real date"},
        {{0, "1/2/2026", NULL, false}, "from", "real date"},
        {{0, NULL, "2026-13-01", false}, "to", "real date"},
        {{0, "2026-03-02", "2026-03-01", false}, "to", "same as or after the from date"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err be = ERR_INIT;
        assert_false(chronology_check_filter(&bad[i].f, &be));
        assert_int_equal(be.code, ERR_INVALID);
        assert_string_equal(be.field, bad[i].field);
        assert_non_null(strstr(be.message, bad[i].rule));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_newest_first),
        cmocka_unit_test(test_in_range),
        cmocka_unit_test(test_parse_types),
        cmocka_unit_test(test_check_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
