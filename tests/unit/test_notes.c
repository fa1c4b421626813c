/*
 * Unit tests for the pure rules of domain/notes: the edit window, the check
 * of a note's text, and turning typed words into an FTS5 query that cannot be
 * a syntax error (every expected query was worked out by hand from the FTS5
 * query syntax: quoted strings are phrases, "" inside one is a quote, a
 * trailing * after the closing quote makes a prefix).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "domain/notes.h"

static void assert_text_rule(const char *text, const char *rule)
{
    struct err e = ERR_INIT;
    assert_false(notes_text_ok(text, &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "text");
    if (!strstr(e.message, rule))
        fail_msg("'%s': message '%s' does not contain '%s'", text ? text : "(null)", e.message,
                 rule);
}

static void test_edit_window(void **state)
{
    (void)state;
    const int64_t saved = 1790000000;
    /* 60 minutes: the last in-place second is 59:59 after saving. */
    assert_true(notes_in_edit_window(saved, saved, 60));
    assert_true(notes_in_edit_window(saved, saved + 3599, 60));
    assert_false(notes_in_edit_window(saved, saved + 3600, 60));
    assert_false(notes_in_edit_window(saved, saved + 86400 * 365, 60));
    /* 0 minutes: every edit is a new version. */
    assert_false(notes_in_edit_window(saved, saved, 0));
    assert_false(notes_in_edit_window(saved, saved - 10, 0));
    /* A clock that went back (another node a little behind) still corrects. */
    assert_true(notes_in_edit_window(saved, saved - 5, 1));
    /* The largest window the setting allows: a week. */
    assert_true(notes_in_edit_window(saved, saved + 7 * 86400 - 1, 7 * 24 * 60));
    assert_false(notes_in_edit_window(saved, saved + 7 * 86400, 7 * 24 * 60));
}

static void test_text_ok(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    assert_true(notes_text_ok("x", &e));
    assert_true(notes_text_ok("Line one\nLine two\r\n\tindented", &e));
    assert_true(notes_text_ok("Zoë met Łukasz — 10 % better 😀", &e));
    assert_int_equal(e.code, ERR_NONE);

    char *big = malloc(4 * NOTES_MAX_TEXT + 8);
    assert_non_null(big);
    memset(big, 'a', NOTES_MAX_TEXT);
    big[NOTES_MAX_TEXT] = '\0';
    assert_true(notes_text_ok(big, &e));
    big[NOTES_MAX_TEXT] = 'a';
    big[NOTES_MAX_TEXT + 1] = '\0';
    assert_text_rule(big, "20000 characters or fewer");
    /* Counted in characters: 20000 four-byte emoji are allowed, 20001 are not. */
    for (int i = 0; i < NOTES_MAX_TEXT; i++)
        memcpy(big + 4 * i, "\xF0\x9F\x98\x80", 4);
    big[4 * NOTES_MAX_TEXT] = '\0';
    assert_true(notes_text_ok(big, &e));
    memcpy(big + 4 * NOTES_MAX_TEXT, "\xF0\x9F\x98\x80", 5);
    assert_text_rule(big, "20000 characters or fewer");
    free(big);

    assert_text_rule(NULL, "Enter the note");
    assert_text_rule("", "Enter the note");
    assert_text_rule(" \t\r\n ", "Enter the note");
    assert_text_rule("bell\x07", "control characters");
    assert_text_rule("esc\x1b[31m", "control characters");
    assert_text_rule("del\x7f", "control characters");
    assert_text_rule("\xC3\x28", "valid UTF-8");         /* broken two-byte sequence */
    assert_text_rule("\xC0\xAF", "valid UTF-8");         /* overlong '/' */
    assert_text_rule("\xED\xA0\x80", "valid UTF-8");     /* a UTF-16 surrogate */
    assert_text_rule("\xF4\x90\x80\x80", "valid UTF-8"); /* above U+10FFFF */
    assert_text_rule("ok then \xFF", "valid UTF-8");
}

static void assert_query(const char *typed, const char *expected)
{
    struct buf b = BUF_INIT;
    struct err e = ERR_INIT;
    if (!notes_fts_query(typed, &b, &e))
        fail_msg("'%s': %s", typed, e.message);
    assert_string_equal(b.data, expected);
    buf_release(&b);
}

static void assert_no_query(const char *typed)
{
    struct buf b = BUF_INIT;
    struct err e = ERR_INIT;
    assert_false(notes_fts_query(typed, &b, &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "q");
    buf_release(&b);
}

static void test_fts_query(void **state)
{
    (void)state;
    assert_query("trampoline", "\"trampoline\"");
    assert_query("  trampoline   park\t", "\"trampoline\" \"park\"");
    assert_query("assess*", "\"assess\"*");
    /* Operators and syntax are only words. */
    assert_query("a OR b", "\"a\" \"OR\" \"b\"");
    assert_query("NEAR(a b)", "\"NEAR(a\" \"b)\"");
    assert_query("-neglect +care", "\"-neglect\" \"+care\"");
    assert_query("col:value", "\"col:value\"");
    assert_query("say \"hello\"", "\"say\" \"\"\"hello\"\"\"");
    assert_query("O'Brien", "\"O'Brien\"");
    assert_query("Zoë", "\"Zoë\"");
    /* A lone star, or only punctuation, is no word. */
    assert_query("care * - \" plan", "\"care\" \"plan\"");
    assert_no_query("**");
    assert_no_query("");
    assert_no_query(NULL);
    assert_no_query(" \t ");
    assert_no_query("- \" * ()");
    /* At most 16 words are searched for. */
    assert_query("a b c d e f g h i j k l m n o p q r s",
                 "\"a\" \"b\" \"c\" \"d\" \"e\" \"f\" \"g\" \"h\" \"i\" \"j\" \"k\" \"l\" \"m\" "
                 "\"n\" \"o\" \"p\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_window),
        cmocka_unit_test(test_text_ok),
        cmocka_unit_test(test_fts_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
