/*
 * Unit tests for core/csv: RFC 4180 quoting and the formula-injection guard
 * (cells starting =, +, -, @, tab or CR are shown as text).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/csv.h"

static void cell_is(const char *in, const char *want)
{
    struct buf b = BUF_INIT;
    csv_cell(&b, in);
    assert_string_equal(b.data, want);
    buf_release(&b);
}

static void test_cells(void **state)
{
    (void)state;
    cell_is("plain text", "plain text");
    cell_is(NULL, "");
    cell_is("", "");
    cell_is("a,b", "\"a,b\"");
    cell_is("say \"hi\"", "\"say \"\"hi\"\"\"");
    cell_is("two\nlines", "\"two\nlines\"");
    cell_is("=SUM(A1:A2)", "\"'=SUM(A1:A2)\"");
    cell_is("+44 20", "\"'+44 20\"");
    cell_is("-2+3", "\"'-2+3\"");
    cell_is("@SUM(1)", "\"'@SUM(1)\"");
    cell_is("\t=1", "\"'\t=1\"");
    cell_is("\r=1", "\"'\r=1\"");
    cell_is("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"");
    cell_is("a=b", "a=b"); /* only a leading sign is a formula */
}

static void test_row(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    const char *cells[] = {"1", "Smith, Jo", NULL, "=1"};
    csv_row(&b, cells, 4);
    assert_string_equal(b.data, "1,\"Smith, Jo\",,\"'=1\"\r\n");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells),
        cmocka_unit_test(test_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
