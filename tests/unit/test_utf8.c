/*
 * Unit tests for core/utf8. Byte sequences come from the Unicode Standard's
 * table of well-formed UTF-8 (Table 3-7) and Markus Kuhn's decoder stress test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/utf8.h"

static bool valid(const char *s)
{
    return utf8_valid(s, strlen(s));
}

static void test_ascii_and_empty(void **state)
{
    (void)state;
    assert_true(utf8_valid("", 0));
    assert_true(valid("Referral received 2026-03-31"));
    assert_true(valid("\x01\x7f"));
    assert_true(utf8_valid("abc", 2));
}

static void test_valid_multibyte(void **state)
{
    (void)state;
    assert_true(valid("\xc2\x80"));         /* U+0080, smallest 2-byte */
    assert_true(valid("Zo\xc3\xab"));       /* Zoë */
    assert_true(valid("\xdf\xbf"));         /* U+07FF */
    assert_true(valid("\xe0\xa0\x80"));     /* U+0800, smallest 3-byte */
    assert_true(valid("\xe2\x82\xac"));     /* € */
    assert_true(valid("\xed\x9f\xbf"));     /* U+D7FF, just below the surrogates */
    assert_true(valid("\xee\x80\x80"));     /* U+E000, just above them */
    assert_true(valid("\xef\xbf\xbf"));     /* U+FFFF */
    assert_true(valid("\xf0\x90\x80\x80")); /* U+10000, smallest 4-byte */
    assert_true(valid("\xf0\x9f\x98\x80")); /* 😀 */
    assert_true(valid("\xf4\x8f\xbf\xbf")); /* U+10FFFF, the last code point */
    assert_true(valid("Si\xc3\xb4n \xe2\x80\x94 \xf0\x9f\x8f\xa0")); /* mixed */
}

static void test_overlongs(void **state)
{
    (void)state;
    assert_false(valid("\xc0\x80"));         /* NUL as 2 bytes */
    assert_false(valid("\xc1\xbf"));         /* U+007F as 2 bytes */
    assert_false(valid("\xe0\x80\x80"));     /* NUL as 3 bytes */
    assert_false(valid("\xe0\x9f\xbf"));     /* U+07FF as 3 bytes */
    assert_false(valid("\xf0\x80\x80\x80")); /* NUL as 4 bytes */
    assert_false(valid("\xf0\x8f\xbf\xbf")); /* U+FFFF as 4 bytes */
    assert_false(valid("\xc0\xaf"));         /* '/' overlong: the classic path trick */
}

static void test_surrogates_and_range(void **state)
{
    (void)state;
    assert_false(valid("\xed\xa0\x80"));             /* U+D800 */
    assert_false(valid("\xed\xbf\xbf"));             /* U+DFFF */
    assert_false(valid("\xed\xa0\xbd\xed\xb8\x80")); /* CESU-8 surrogate pair */
    assert_false(valid("\xf4\x90\x80\x80"));         /* U+110000 */
    assert_false(valid("\xf5\x80\x80\x80"));         /* lead byte F5 */
    assert_false(valid("\xf7\xbf\xbf\xbf"));
    assert_false(valid("\xf8\x88\x80\x80\x80")); /* old 5-byte form */
    assert_false(valid("\xfe"));
    assert_false(valid("\xff"));
}

static void test_truncated_and_stray(void **state)
{
    (void)state;
    assert_false(valid("\xc3"));         /* lead with nothing after */
    assert_false(valid("abc\xe2\x82"));  /* 3-byte cut short at the end */
    assert_false(valid("\xf0\x9f\x98")); /* 4-byte cut short */
    assert_false(valid("\xe2\x82X"));    /* continuation replaced by ASCII */
    assert_false(valid("\xe2X\xac"));
    assert_false(valid("\x80")); /* lone continuation byte */
    assert_false(valid("a\xbf"
                       "b"));
    assert_false(valid("\xc3\xa9\xa9")); /* extra continuation */
    /* The length bounds the check: a sequence cut by n is invalid even if the
     * bytes after n would complete it. */
    assert_false(utf8_valid("\xe2\x82\xac", 2));
    assert_true(utf8_valid("\xe2\x82\xac", 3));
}

static void test_embedded_nul(void **state)
{
    (void)state;
    assert_false(utf8_valid("a\0b", 3));
    assert_false(utf8_valid("\0", 1));
    assert_true(utf8_valid("a\0b", 1));
}

static void test_length(void **state)
{
    (void)state;
    assert_int_equal(utf8_length(""), 0);
    assert_int_equal(utf8_length("abc"), 3);
    assert_int_equal(utf8_length("Zo\xc3\xab"), 3);
    assert_int_equal(utf8_length("\xe2\x82\xac"
                                 "5"),
                     2);
    assert_int_equal(utf8_length("\xf0\x9f\x98\x80\xf0\x9f\x98\x80"), 2);
    assert_int_equal(utf8_length("Si\xc3\xb4n \xe2\x80\x94 \xf0\x9f\x8f\xa0"), 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_and_empty),
        cmocka_unit_test(test_valid_multibyte),
        cmocka_unit_test(test_overlongs),
        cmocka_unit_test(test_surrogates_and_range),
        cmocka_unit_test(test_truncated_and_stray),
        cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_length),
    };
    return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
