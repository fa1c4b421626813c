/*
 * Unit tests for core/jsonv: each rule (unknown member, type, required, null
 * for optional, length limits, non-object body) must refuse with ERR_INVALID
 * and name the member at fault; bodies that keep every rule pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonv.h"

/* A user-creation body, as an API handler would declare it. */
static const struct jsonv_field user_fields[] = {
    {"username", JSONV_STRING, true, 8},         {"display_name", JSONV_STRING, false, 0},
    {"team_id", JSONV_INTEGER, false, 0},        {"disabled", JSONV_BOOLEAN, false, 0},
    {"team_ids", JSONV_INTEGER_ARRAY, false, 3},
};
enum { NFIELDS = sizeof user_fields / sizeof user_fields[0] };

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!v)
        fail_msg("bad test JSON %s: %s", text, jerr.text);
    return v;
}

static bool check(const char *text, struct err *e)
{
    json_t *v = parse(text);
    err_clear(e);
    bool ok = jsonv_check(v, user_fields, NFIELDS, e);
    json_decref(v);
    return ok;
}

/* Refused with ERR_INVALID naming field, and the message names it too. */
static void assert_refused(const char *text, const char *field)
{
    struct err e = ERR_INIT;
    if (check(text, &e))
        fail_msg("accepted %s", text);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, field);
    if (*field)
        assert_non_null(strstr(e.message, field));
}

static void test_valid_bodies(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    assert_true(check("{\"username\": \"ann\"}", &e));
    assert_int_equal(e.code, ERR_NONE);
    assert_true(check("{\"username\": \"12345678\", \"display_name\": \"Ann Smith\","
                      " \"team_id\": 4, \"disabled\": false, \"team_ids\": [1, 2, 3]}",
                      &e));
    assert_true(check("{\"team_ids\": [], \"username\": \"b\"}", &e));

    json_t *v = parse("{\"username\": \"ann\", \"display_name\": null}");
    assert_string_equal(jsonv_string(v, "username"), "ann");
    assert_null(jsonv_string(v, "display_name")); /* null */
    assert_null(jsonv_string(v, "team_id"));      /* absent */
    json_decref(v);
}

static void test_unknown_field(void **state)
{
    (void)state;
    assert_refused("{\"username\": \"ann\", \"user_name\": \"ann\"}", "user_name");
    assert_refused("{\"role\": \"administrator\", \"username\": \"ann\"}", "role");
    /* Names are matched exactly: case matters. */
    assert_refused("{\"Username\": \"ann\"}", "Username");
}

static void test_wrong_types(void **state)
{
    (void)state;
    assert_refused("{\"username\": 5}", "username");
    assert_refused("{\"username\": [\"ann\"]}", "username");
    assert_refused("{\"username\": \"ann\", \"team_id\": \"4\"}", "team_id");
    assert_refused("{\"username\": \"ann\", \"team_id\": 4.5}", "team_id");
    assert_refused("{\"username\": \"ann\", \"disabled\": 0}", "disabled");
    assert_refused("{\"username\": \"ann\", \"disabled\": \"true\"}", "disabled");
    assert_refused("{\"username\": \"ann\", \"team_ids\": 1}", "team_ids");
    assert_refused("{\"username\": \"ann\", \"team_ids\": [1, \"2\"]}", "team_ids");
    assert_refused("{\"username\": \"ann\", \"team_ids\": [1, null]}", "team_ids");
    assert_refused("{\"username\": \"ann\", \"team_ids\": [[1]]}", "team_ids");
}

static void test_required(void **state)
{
    (void)state;
    assert_refused("{}", "username");
    assert_refused("{\"display_name\": \"Ann\"}", "username");
    /* null does not satisfy a required member. */
    assert_refused("{\"username\": null}", "username");
}

static void test_null_for_optional(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    assert_true(check("{\"username\": \"ann\", \"display_name\": null, \"team_id\": null,"
                      " \"disabled\": null, \"team_ids\": null}",
                      &e));
}

static void test_max_len(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    assert_refused("{\"username\": \"123456789\"}", "username");
    /* Bytes, not characters: 4 x 2-byte 'é' is 8 bytes (ok), 5 is 10 (refused). */
    assert_true(check("{\"username\": \"\\u00e9\\u00e9\\u00e9\\u00e9\"}", &e));
    assert_refused("{\"username\": \"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"}", "username");
    assert_refused("{\"username\": \"ann\", \"team_ids\": [1, 2, 3, 4]}", "team_ids");
    /* No limit declared: a long display name is fine. */
    char body[2200];
    char name[2001];
    memset(name, 'x', 2000);
    name[2000] = '\0';
    snprintf(body, sizeof body, "{\"username\": \"ann\", \"display_name\": \"%s\"}", name);
    assert_true(check(body, &e));
}

static void test_not_an_object(void **state)
{
    (void)state;
    static const char *bodies[] = {"[]",  "[{\"username\": \"ann\"}]", "\"ann\"", "42", "null",
                                   "true"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct err e = ERR_INIT;
        json_t *v = parse(bodies[i]);
        assert_false(jsonv_check(v, user_fields, NFIELDS, &e));
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "");
        json_decref(v);
    }
    struct err e = ERR_INIT;
    assert_false(jsonv_check(NULL, user_fields, NFIELDS, &e)); /* a failed parse */
    assert_int_equal(e.code, ERR_INVALID);
}

static void test_long_unknown_name(void **state)
{
    (void)state;
    /* A hostile member name longer than err.field is truncated, not overrun. */
    char body[400];
    char key[301];
    memset(key, 'k', 300);
    key[300] = '\0';
    snprintf(body, sizeof body, "{\"%s\": 1}", key);
    struct err e = ERR_INIT;
    assert_false(check(body, &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_int_equal(strlen(e.field), sizeof e.field - 1);
    assert_memory_equal(e.field, key, sizeof e.field - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_bodies),      cmocka_unit_test(test_unknown_field),
        cmocka_unit_test(test_wrong_types),       cmocka_unit_test(test_required),
        cmocka_unit_test(test_null_for_optional), cmocka_unit_test(test_max_len),
        cmocka_unit_test(test_not_an_object),     cmocka_unit_test(test_long_unknown_name),
    };
    return cmocka_run_group_tests_name("jsonv", tests, NULL, NULL);
}
