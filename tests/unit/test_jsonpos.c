/*
 * Unit tests for core/jsonpos: the line of a member, an array element, nested
 * paths, keys with escapes and pointer escapes, values that share a line, and
 * the "deepest found" answer for paths that go past the text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/jsonpos.h"

static const char doc[] =
    "{\n"                                                              /* 1 */
    "  \"pathway\": \"children\",\n"                                   /* 2 */
    "  \"steps\": [\n"                                                 /* 3 */
    "    {\n"                                                          /* 4 */
    "      \"id\": \"contact\",\n"                                     /* 5 */
    "      \"note\": \"a } and ] in {a string\",\n"                    /* 6 */
    "      \"timescale\": {\n"                                         /* 7 */
    "        \"within\": \"1 working day\"\n"                          /* 8 */
    "      }\n"                                                        /* 9 */
    "    },\n"                                                         /* 10 */
    "    {\"id\": \"referral\", \"form\": [1, [2, 3], {\"x\": 4}]},\n" /* 11 */
    "    {\n"                                                          /* 12 */
    "      \"id\": \"a/b~c\",\n"                                       /* 13 */
    "      \"k\\u0065y\": true\n"                                      /* 14 */
    "    }\n"                                                          /* 15 */
    "  ],\n"                                                           /* 16 */
    "  \"settings\": {}\n"                                             /* 17 */
    "}\n";

static int line(const char *pointer)
{
    return jsonpos_line(doc, strlen(doc), pointer);
}

static void test_members_and_elements(void **state)
{
    (void)state;
    assert_int_equal(line(""), 1);
    assert_int_equal(line("/pathway"), 2);
    assert_int_equal(line("/steps"), 3);
    assert_int_equal(line("/steps/0"), 4);
    assert_int_equal(line("/steps/0/id"), 5);
    assert_int_equal(line("/steps/0/timescale"), 7);
    assert_int_equal(line("/steps/0/timescale/within"), 8);
    assert_int_equal(line("/steps/1"), 11);
    assert_int_equal(line("/steps/1/form/2/x"), 11);
    assert_int_equal(line("/steps/2/id"), 13);
    assert_int_equal(line("/settings"), 17);
}

static void test_strings_with_brackets_are_skipped(void **state)
{
    (void)state;
    /* The note on line 6 holds brackets; the next member must still be found. */
    assert_int_equal(line("/steps/0/timescale/within"), 8);
    assert_int_equal(line("/steps/2"), 12);
}

static void test_escapes(void **state)
{
    (void)state;
    assert_int_equal(line("/steps/2/key"), 14); /* \u0065 is 'e' */
    static const char text[] = "{\"a/b\": 1,\n \"m~n\": 2,\n \"q\\\"r\": 3}";
    assert_int_equal(jsonpos_line(text, strlen(text), "/a~1b"), 1);
    assert_int_equal(jsonpos_line(text, strlen(text), "/m~0n"), 2);
    assert_int_equal(jsonpos_line(text, strlen(text), "/q\"r"), 3);
}

static void test_missing_paths_give_deepest_found(void **state)
{
    (void)state;
    assert_int_equal(line("/steps/0/timescale/from"), 7); /* the timescale object */
    assert_int_equal(line("/steps/0/outcomes/0/next"), 4);
    assert_int_equal(line("/steps/9"), 3);
    assert_int_equal(line("/steps/x"), 3); /* not an index */
    assert_int_equal(line("/steps/01"), 3);
    assert_int_equal(line("/pathway/x"), 2); /* a string has no members */
    assert_int_equal(line("/nope"), 1);
}

static void test_empty_and_malformed(void **state)
{
    (void)state;
    assert_int_equal(jsonpos_line("", 0, ""), 0);
    assert_int_equal(jsonpos_line("  \n ", 4, "/a"), 0);
    assert_int_equal(jsonpos_line(NULL, 0, ""), 0);
    static const char cut[] = "{\n\"a\": [1,\n 2";
    assert_int_equal(jsonpos_line(cut, strlen(cut), "/a/5"), 2);
    static const char unterminated[] = "{\"a\": \"xx";
    assert_int_equal(jsonpos_line(unterminated, strlen(unterminated), "/b"), 1);
    assert_int_equal(jsonpos_line("[1]", 3, "/0"), 1);
    /* Found by fuzzing: these used to loop for ever. */
    static const char nuls[] = "[\n\0\0\0 999";
    assert_int_equal(jsonpos_line(nuls, sizeof nuls - 1, "/5"), 1);
    assert_int_equal(jsonpos_line("[,,]", 4, "/3"), 1);
    assert_int_equal(jsonpos_line("{\"a\": ,\n\"b\": 1}", 15, "/b"), 1);
    assert_int_equal(jsonpos_line("\n\n[1,\n2]", 8, "/1"), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members_and_elements),
        cmocka_unit_test(test_strings_with_brackets_are_skipped),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_missing_paths_give_deepest_found),
        cmocka_unit_test(test_empty_and_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
