/*
 * Unit tests for web/html, the escaping formatter: each directive with the
 * output its context needs, written out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/buf.h"
#include "web/html.h"

static void test_text_is_escaped(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    html(&b, "<p class=\"name\">%s</p>", "<script>alert('x')</script> & \"co\"");
    assert_string_equal(b.data, "<p class=\"name\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
                                " &amp; &quot;co&quot;</p>");
    buf_reset(&b);
    html(&b, "<input value=\"%s\">", "\" onfocus=\"x");
    assert_string_equal(b.data, "<input value=\"&quot; onfocus=&quot;x\">");
    buf_release(&b);
}

static void test_null_text_prints_nothing(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    html(&b, "[%s]", (const char *)NULL);
    assert_string_equal(b.data, "[]");
    buf_reset(&b);
    html(&b, "[%s|%s]", "", "a");
    assert_string_equal(b.data, "[|a]");
    buf_release(&b);
}

static void test_url_encoding(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    html(&b, "<a href=\"/users?q=%u\">", "o'brien & co/\"x\"");
    assert_string_equal(b.data, "<a href=\"/users?q=o%27brien%20%26%20co%2F%22x%22\">");
    buf_reset(&b);
    html(&b, "/people/%u", "Zo\xc3\xab");
    assert_string_equal(b.data, "/people/Zo%C3%AB");
    buf_release(&b);
}

static void test_raw(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    html(&b, "<div>%R</div>", "<strong>built by us</strong>");
    assert_string_equal(b.data, "<div><strong>built by us</strong></div>");
    buf_release(&b);
}

static void test_numbers_and_percent(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    html(&b, "%d|%d|%d", 0, -42, 2147483647);
    assert_string_equal(b.data, "0|-42|2147483647");
    buf_reset(&b);
    html(&b, "%D|%D", (int64_t)9007199254740993LL, (int64_t)INT64_MIN);
    assert_string_equal(b.data, "9007199254740993|-9223372036854775808");
    buf_reset(&b);
    html(&b, "100%% of %d%%", 5);
    assert_string_equal(b.data, "100% of 5%");
    buf_reset(&b);
    html(&b, "no directives at all");
    assert_string_equal(b.data, "no directives at all");
    buf_release(&b);
}

static void test_mixed(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    html(&b, "<a href=\"/u/%D?next=%u\">%s</a> (%d%%)%R", (int64_t)12, "/a b", "A&B", 3, "<br>");
    assert_string_equal(b.data, "<a href=\"/u/12?next=%2Fa%20b\">A&amp;B</a> (3%)<br>");
    buf_release(&b);
}

static void test_failure_is_sticky(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 10);
    html(&b, "<p>%s</p>", "<<<<");
    assert_true(buf_failed(&b));
    assert_true(b.too_big);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_is_escaped),     cmocka_unit_test(test_null_text_prints_nothing),
        cmocka_unit_test(test_url_encoding),        cmocka_unit_test(test_raw),
        cmocka_unit_test(test_numbers_and_percent), cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_failure_is_sticky),
    };
    return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
