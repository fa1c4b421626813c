/*
 * Unit tests for core/buf: growth, the NUL-termination invariant, the size
 * limit (sticky failure, content left as it was), the escaping appenders and
 * ownership on detach. Expected escapes are written out by hand from the HTML
 * and RFC 3986 rules, not copied from the output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static void assert_terminated(const struct buf *b)
{
    assert_non_null(b->data);
    assert_int_equal(b->data[b->len], '\0');
    assert_int_equal(strlen(b->data), b->len);
}

static void test_init_is_empty_string(void **state)
{
    (void)state;
    struct buf a = BUF_INIT, b;
    buf_init(&b, 10);
    assert_string_equal(a.data, "");
    assert_string_equal(b.data, "");
    assert_int_equal(a.len, 0);
    assert_int_equal(b.limit, 10);
    assert_false(buf_failed(&a));
    assert_false(buf_failed(&b));
    /* Releasing a buffer that never allocated is allowed and keeps it usable. */
    buf_release(&a);
    buf_release(&b);
    assert_string_equal(a.data, "");
    assert_int_equal(b.limit, 10);
}

static void test_append_grows(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    /* Well past the first allocation, one byte at a time, checking every step. */
    for (int i = 0; i < 1000; i++) {
        assert_true(buf_putc(&b, (char)('a' + i % 26)));
        assert_int_equal(b.len, (size_t)i + 1);
        assert_true(b.cap > b.len);
        assert_terminated(&b);
    }
    assert_int_equal(b.data[0], 'a');
    assert_int_equal(b.data[25], 'z');
    assert_int_equal(b.data[26], 'a');
    assert_int_equal(b.data[999], 'a' + 999 % 26);

    buf_reset(&b);
    assert_true(buf_puts(&b, "hello"));
    assert_true(buf_append(&b, ", world", 7));
    assert_true(buf_append(&b, "ignored", 0));
    assert_string_equal(b.data, "hello, world");
    assert_int_equal(b.len, 12);
    buf_release(&b);
}

static void test_append_binary(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    const char bytes[] = {'a', '\0', 'b'};
    assert_true(buf_append(&b, bytes, 3));
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, bytes, 3);
    assert_int_equal(b.data[3], '\0');
    buf_release(&b);
}

static void test_printf(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_true(buf_printf(&b, "%d-%s-%05.1f", 42, "x", 3.14159));
    assert_string_equal(b.data, "42-x-003.1");
    assert_true(buf_printf(&b, "|%lld", (long long)-9000000000LL));
    assert_string_equal(b.data, "42-x-003.1|-9000000000");

    /* Longer than the 256-byte stack attempt: the second, in-place path. */
    char big[1001];
    memset(big, 'q', 1000);
    big[1000] = '\0';
    buf_reset(&b);
    assert_true(buf_puts(&b, "<"));
    assert_true(buf_printf(&b, "%s>%d", big, 7));
    assert_int_equal(b.len, 1 + 1000 + 2);
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[1000], 'q');
    assert_string_equal(b.data + 1001, ">7");
    assert_terminated(&b);
    buf_release(&b);
}

static void test_limit_is_sticky_and_keeps_content(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    assert_true(buf_puts(&b, "12345678")); /* exactly the limit is allowed */
    assert_string_equal(b.data, "12345678");

    assert_false(buf_putc(&b, '9'));
    assert_true(buf_failed(&b));
    assert_true(b.too_big);
    assert_string_equal(b.data, "12345678");
    assert_int_equal(b.len, 8);

    /* Sticky: nothing more is appended, not even nothing. */
    assert_false(buf_append(&b, "", 0));
    assert_false(buf_puts(&b, ""));
    assert_true(buf_failed(&b));
    assert_string_equal(b.data, "12345678");

    /* A refused append in the middle leaves earlier content intact. */
    buf_reset(&b);
    assert_false(buf_failed(&b));
    assert_false(b.too_big);
    assert_int_equal(b.limit, 8);
    assert_true(buf_puts(&b, "abc"));
    assert_false(buf_puts(&b, "defghi")); /* 3 + 6 > 8 */
    assert_string_equal(b.data, "abc");
    assert_int_equal(b.len, 3);
    assert_terminated(&b);
    assert_null(buf_detach(&b, NULL));  /* a failed buffer cannot be taken */
    assert_string_equal(b.data, "abc"); /* ...and still belongs to its owner */
    buf_release(&b);
}

static void test_printf_over_limit(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 300);
    assert_true(buf_puts(&b, "keep"));
    /* Short path (formats on the stack first). */
    assert_false(buf_printf(&b, "%0*d", 297, 1));
    assert_true(b.too_big);
    assert_string_equal(b.data, "keep");
    buf_reset(&b);
    assert_true(buf_puts(&b, "keep"));
    /* Long path (over 256 bytes, formats in place). */
    assert_false(buf_printf(&b, "%0*d", 400, 1));
    assert_true(b.too_big);
    assert_string_equal(b.data, "keep");
    assert_int_equal(b.len, 4);
    buf_release(&b);
}

static void test_html_escaping(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_true(buf_html(&b, "<a href=\"x\">Tom & Jerry's</a>"));
    assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    buf_reset(&b);
    assert_true(buf_html(&b, "plain text, no change"));
    assert_string_equal(b.data, "plain text, no change");
    buf_reset(&b);
    assert_true(buf_html(&b, "&&"));
    assert_string_equal(b.data, "&amp;&amp;");
    buf_reset(&b);
    assert_true(buf_html(&b, "caf\xc3\xa9 \xe2\x82\xac")); /* UTF-8 passes through */
    assert_string_equal(b.data, "caf\xc3\xa9 \xe2\x82\xac");
    buf_reset(&b);
    assert_true(buf_html(&b, NULL));
    assert_true(buf_html(&b, ""));
    assert_string_equal(b.data, "");
    buf_release(&b);

    struct buf small;
    buf_init(&small, 6);
    assert_true(buf_html(&small, "a<b")); /* "a&lt;b" is exactly 6 */
    assert_string_equal(small.data, "a&lt;b");
    buf_release(&small);
}

static void test_html_over_limit(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 5);
    /* "<" becomes 4 bytes; "<<" would need 8. */
    assert_false(buf_html(&b, "<<"));
    assert_true(b.too_big);
    buf_release(&b);
    buf_init(&b, 4);
    assert_true(buf_html(&b, "<"));
    assert_string_equal(b.data, "&lt;");
    buf_release(&b);
}

static void test_urlenc(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_true(buf_urlenc(&b, "AZaz09-_.~"));
    assert_string_equal(b.data, "AZaz09-_.~");
    buf_reset(&b);
    assert_true(buf_urlenc(&b, "a b&c=d/e?f#g+h%"));
    assert_string_equal(b.data, "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
    buf_reset(&b);
    assert_true(buf_urlenc(&b, "\xc3\xa9\x01\xff"));
    assert_string_equal(b.data, "%C3%A9%01%FF");
    buf_reset(&b);
    assert_true(buf_urlenc(&b, ""));
    assert_string_equal(b.data, "");
    buf_release(&b);

    buf_init(&b, 5);
    assert_false(buf_urlenc(&b, "ab c")); /* "ab%20c" is 6 */
    assert_true(b.too_big);
    buf_release(&b);
}

static void test_hex(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    const unsigned char bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    assert_true(buf_hex(&b, bytes, sizeof bytes));
    assert_string_equal(b.data, "00017f80abff");
    assert_true(buf_hex(&b, bytes, 0));
    assert_string_equal(b.data, "00017f80abff");
    buf_release(&b);

    buf_init(&b, 3);
    assert_false(buf_hex(&b, bytes, 2));
    assert_true(b.too_big);
    assert_string_equal(b.data, "00"); /* the first pair fitted; the second was refused */
    buf_release(&b);
}

static void test_detach(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 100);
    assert_true(buf_puts(&b, "owned text"));
    size_t len = 0;
    char *s = buf_detach(&b, &len);
    assert_non_null(s);
    assert_string_equal(s, "owned text");
    assert_int_equal(len, 10);
    /* The buffer is empty and reusable, with its limit kept; s is ours. */
    assert_string_equal(b.data, "");
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.limit, 100);
    assert_true(b.data != s);
    assert_true(buf_puts(&b, "again"));
    assert_string_equal(s, "owned text");
    free(s);
    buf_release(&b);

    /* Detaching a buffer that never allocated still gives a freeable string. */
    struct buf empty = BUF_INIT;
    char *e = buf_detach(&empty, NULL);
    assert_non_null(e);
    assert_string_equal(e, "");
    assert_true(e != buf_empty);
    free(e);
}

static void test_reset_keeps_memory(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 50);
    assert_true(buf_puts(&b, "some text here"));
    char *before = b.data;
    size_t cap = b.cap;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_ptr_equal(b.data, before);
    assert_int_equal(b.cap, cap);
    assert_int_equal(b.limit, 50);
    buf_release(&b);

    struct buf never = BUF_INIT;
    buf_reset(&never);
    assert_string_equal(never.data, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_empty_string),
        cmocka_unit_test(test_append_grows),
        cmocka_unit_test(test_append_binary),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_limit_is_sticky_and_keeps_content),
        cmocka_unit_test(test_printf_over_limit),
        cmocka_unit_test(test_html_escaping),
        cmocka_unit_test(test_html_over_limit),
        cmocka_unit_test(test_urlenc),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_detach),
        cmocka_unit_test(test_reset_keeps_memory),
    };
    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
