/*
 * Unit tests for core/clock. Expected values come from outside the module: the C
 * library's timegm and the system's Europe/London zone as oracles over long ranges,
 * and constants worked out independently (Python's datetime, a printed calendar).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"

/* 2026-11-22T10:05:00Z, from calendar.timegm((2026, 11, 22, 10, 5, 0)). */
#define NOV_22_2026_1005Z INT64_C(1795341900)

static int64_t day_of(int y, int m, int d)
{
    return clock_days_from_civil(y, m, d);
}

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    return clock_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

static void test_known_days(void **state)
{
    (void)state;
    assert_int_equal(clock_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(clock_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(clock_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(clock_days_from_civil(2026, 3, 31), 20543);
    assert_int_equal(clock_days_from_civil(1600, 2, 29), -135081);

    int y, m, d;
    clock_civil_from_days(-135081, &y, &m, &d);
    assert_int_equal(y, 1600);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    clock_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);

    assert_int_equal(clock_weekday(0), 3);                    /* Thursday 1 January 1970 */
    assert_int_equal(clock_weekday(day_of(2026, 3, 29)), 6);  /* Sunday */
    assert_int_equal(clock_weekday(day_of(2022, 12, 23)), 4); /* Friday */
    assert_int_equal(clock_weekday(day_of(2023, 5, 8)), 0);   /* Monday */
    assert_int_equal(clock_weekday(day_of(1969, 12, 29)), 0); /* Monday */

    assert_int_equal(clock_day_of(0), 0);
    assert_int_equal(clock_day_of(-1), -1);
    assert_int_equal(clock_day_of(86399), 0);
    assert_int_equal(clock_day_of(NOV_22_2026_1005Z), day_of(2026, 11, 22));

    assert_int_equal(clock_days_in_month(2024, 2), 29);
    assert_int_equal(clock_days_in_month(2023, 2), 28);
    assert_int_equal(clock_days_in_month(1900, 2), 28);
    assert_int_equal(clock_days_in_month(2000, 2), 29);
    assert_int_equal(clock_days_in_month(2023, 13), 0);
}

/* Every date 1901-2099 against the C library: day number, round trip, weekday and
 * what the strict parser accepts (timegm normalises 31 April into 1 May, which
 * tells us 31 April is not a real date). */
static void test_against_timegm(void **state)
{
    (void)state;
    struct buf text;
    buf_init(&text, 0);
    for (int y = 1901; y <= 2099; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= 31; d++) {
                struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
                time_t t = timegm(&tm);
                bool real = tm.tm_mday == d && tm.tm_mon == m - 1;
                buf_reset(&text);
                buf_printf(&text, "%04d-%02d-%02d", y, m, d);
                int64_t parsed = -1;
                struct err e = ERR_INIT;
                assert_int_equal(clock_parse_date(text.data, &parsed, &e), real);
                if (!real)
                    continue;
                int64_t day = clock_days_from_civil(y, m, d);
                assert_int_equal(day * 86400, (int64_t)t);
                assert_int_equal(parsed, day);
                assert_int_equal(clock_weekday(day), (tm.tm_wday + 6) % 7);
                int ry, rm, rd;
                clock_civil_from_days(day, &ry, &rm, &rd);
                assert_int_equal(ry, y);
                assert_int_equal(rm, m);
                assert_int_equal(rd, d);
            }
        }
    }
    buf_release(&text);
}

static void test_parse_date_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-01-32",
        "2024-04-31",
        "1900-02-29",
        "2024-01-01x",
        "2024-01-01 ",
        " 2024-01-01",
        "2024-1-01",
        "2024/01/01",
        "24-01-01",
        "",
        "2024-01-0",
        "0000-01-01",
        "2024-01-01T00:00:00Z",
        "2024-01-01\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = ERR_INIT;
        int64_t day = 12345;
        assert_false(clock_parse_date(bad[i], &day, &e));
        assert_int_equal(day, 12345);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "");
        assert_string_equal(e.message, "must be a real date in the form YYYY-MM-DD");
    }
    struct err e = ERR_INIT;
    int64_t day;
    assert_false(clock_parse_date(NULL, &day, &e));
    assert_true(clock_parse_date("2024-02-29", &day, &e));
    assert_int_equal(day, 19782); /* (date(2024,2,29) - date(1970,1,1)).days */
    assert_true(clock_parse_date("2000-02-29", &day, &e));
}

static void test_parse_instant(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    int64_t t;
    assert_true(clock_parse_instant("2026-11-22T10:05:00Z", &t, &e));
    assert_int_equal(t, NOV_22_2026_1005Z);
    assert_true(clock_parse_instant("2026-11-22T10:05:00.999Z", &t, &e));
    assert_int_equal(t, NOV_22_2026_1005Z);
    assert_true(clock_parse_instant("2026-11-22T11:05:00+01:00", &t, &e));
    assert_int_equal(t, NOV_22_2026_1005Z);
    assert_true(clock_parse_instant("2026-11-22T04:35:00.5-05:30", &t, &e));
    assert_int_equal(t, NOV_22_2026_1005Z);
    assert_true(clock_parse_instant("2026-11-23T00:05:00+14:00", &t, &e));
    assert_int_equal(t, NOV_22_2026_1005Z);
    assert_true(clock_parse_instant("1970-01-01T00:00:00Z", &t, &e));
    assert_int_equal(t, 0);
    assert_true(clock_parse_instant("1969-12-31T23:59:59Z", &t, &e));
    assert_int_equal(t, -1);

    static const char *const bad[] = {
        "2026-11-22T10:05:00",       "2026-11-22 10:05:00Z",     "2026-11-22T10:05Z",
        "2026-11-22T24:00:00Z",      "2026-11-22T10:60:00Z",     "2026-11-22T10:05:60Z",
        "2026-11-22T10:05:00Zjunk",  "2026-11-22T10:05:00+1:00", "2026-11-22T10:05:00+0100",
        "2026-11-22T10:05:00+01:60", "2026-11-22T10:05:00.Z",    "2026-02-29T10:05:00Z",
        "2026-11-22t10:05:00Z",      "2026-11-22T10:05:00z",     "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err be = ERR_INIT;
        int64_t untouched = 7;
        assert_false(clock_parse_instant(bad[i], &untouched, &be));
        assert_int_equal(untouched, 7);
        assert_int_equal(be.code, ERR_INVALID);
        assert_string_equal(be.field, "");
        assert_non_null(strstr(be.message, "YYYY-MM-DDTHH:MM:SSZ"));
    }
}

static void assert_formats(void (*format)(struct buf *, int64_t), int64_t v, const char *want)
{
    struct buf b;
    buf_init(&b, 0);
    format(&b, v);
    assert_false(buf_failed(&b));
    assert_string_equal(b.data, want);
    buf_release(&b);
}

static void test_format_iso(void **state)
{
    (void)state;
    assert_formats(clock_format_date, 20543, "2026-03-31");
    assert_formats(clock_format_date, 0, "1970-01-01");
    assert_formats(clock_format_date, -1, "1969-12-31");
    assert_formats(clock_format_instant, NOV_22_2026_1005Z, "2026-11-22T10:05:00Z");
    assert_formats(clock_format_instant, -1, "1969-12-31T23:59:59Z");
    assert_formats(clock_format_instant, 0, "1970-01-01T00:00:00Z");
}

/* The clocks change at 01:00 UTC on 29 March and 25 October 2026. */
static void test_bst_transitions_2026(void **state)
{
    (void)state;
    assert_int_equal(clock_london_offset(utc(2026, 3, 29, 0, 59, 59)), 0);
    assert_int_equal(clock_london_offset(utc(2026, 3, 29, 1, 0, 0)), 3600);
    assert_int_equal(clock_london_offset(utc(2026, 10, 25, 0, 59, 59)), 3600);
    assert_int_equal(clock_london_offset(utc(2026, 10, 25, 1, 0, 0)), 0);
    assert_int_equal(clock_london_offset(utc(2026, 1, 15, 12, 0, 0)), 0);
    assert_int_equal(clock_london_offset(utc(2026, 7, 1, 12, 0, 0)), 3600);
    /* 2023's changes were on 26 March and 29 October. */
    assert_int_equal(clock_london_offset(utc(2023, 3, 26, 1, 0, 0)), 3600);
    assert_int_equal(clock_london_offset(utc(2023, 3, 25, 12, 0, 0)), 0);
    assert_int_equal(clock_london_offset(utc(2023, 10, 29, 0, 59, 59)), 3600);
    assert_int_equal(clock_london_offset(utc(2023, 10, 29, 1, 0, 0)), 0);

    /* Wall clock to instant: ordinary times, the gap, the overlap. */
    int64_t spring = day_of(2026, 3, 29), autumn = day_of(2026, 10, 25);
    assert_int_equal(clock_london_to_instant(spring, 0, 59, 59), utc(2026, 3, 29, 0, 59, 59));
    assert_int_equal(clock_london_to_instant(spring, 1, 30, 0), utc(2026, 3, 29, 1, 30, 0));
    assert_int_equal(clock_london_to_instant(spring, 2, 0, 0), utc(2026, 3, 29, 1, 0, 0));
    assert_int_equal(clock_london_to_instant(spring, 23, 59, 59), utc(2026, 3, 29, 22, 59, 59));
    assert_int_equal(clock_london_to_instant(autumn, 0, 30, 0), utc(2026, 10, 24, 23, 30, 0));
    assert_int_equal(clock_london_to_instant(autumn, 1, 30, 0), utc(2026, 10, 25, 0, 30, 0));
    assert_int_equal(clock_london_to_instant(autumn, 2, 0, 0), utc(2026, 10, 25, 2, 0, 0));
    assert_int_equal(clock_london_to_instant(autumn, 23, 59, 59), utc(2026, 10, 25, 23, 59, 59));
    assert_int_equal(clock_london_to_instant(day_of(2026, 7, 1), 12, 0, 0),
                     utc(2026, 7, 1, 11, 0, 0));
    assert_int_equal(clock_london_to_instant(day_of(2026, 1, 15), 12, 0, 0),
                     utc(2026, 1, 15, 12, 0, 0));

    /* London day of an instant near midnight. */
    assert_int_equal(clock_london_day(utc(2026, 6, 30, 23, 30, 0)), day_of(2026, 7, 1));
    assert_int_equal(clock_london_day(utc(2026, 6, 30, 22, 59, 59)), day_of(2026, 6, 30));
    assert_int_equal(clock_london_day(utc(2026, 12, 31, 23, 30, 0)), day_of(2026, 12, 31));
    assert_int_equal(clock_london_day(utc(2026, 10, 24, 23, 30, 0)), day_of(2026, 10, 25));
}

/* Every hour 1996-2037 against the system's Europe/London zone, when it has one. */
static void test_against_tzdata(void **state)
{
    (void)state;
    if (access("/usr/share/zoneinfo/Europe/London", R_OK) != 0)
        skip();
    setenv("TZ", "Europe/London", 1);
    tzset();
    int64_t from = utc(1996, 1, 1, 0, 0, 0), to = utc(2037, 12, 31, 0, 0, 0);
    for (int64_t t = from; t < to; t += 3600) {
        time_t tt = (time_t)t;
        struct tm tm;
        assert_non_null(localtime_r(&tt, &tm));
        assert_int_equal(clock_london_offset(t), tm.tm_gmtoff);
        assert_int_equal(clock_london_day(t),
                         clock_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday));
    }
}

static void test_format_london(void **state)
{
    (void)state;
    assert_formats(clock_format_london, NOV_22_2026_1005Z, "22 November 2026 at 10:05am");
    assert_formats(clock_format_london, utc(2026, 7, 1, 11, 0, 0), "1 July 2026 at 12pm");
    assert_formats(clock_format_london, utc(2026, 6, 30, 23, 0, 0), "1 July 2026 at 12am");
    assert_formats(clock_format_london, utc(2026, 7, 1, 12, 30, 59), "1 July 2026 at 1:30pm");
    assert_formats(clock_format_london, utc(2026, 1, 1, 0, 15, 0), "1 January 2026 at 12:15am");
    assert_formats(clock_format_london, utc(2026, 1, 1, 12, 0, 0), "1 January 2026 at 12pm");
    assert_formats(clock_format_london, utc(2026, 12, 31, 23, 59, 0),
                   "31 December 2026 at 11:59pm");
    assert_formats(clock_format_london, utc(2026, 3, 29, 1, 0, 0), "29 March 2026 at 2am");
    assert_formats(clock_format_london, utc(2026, 10, 25, 0, 30, 0), "25 October 2026 at 1:30am");
    assert_formats(clock_format_london, utc(2026, 10, 25, 1, 30, 0), "25 October 2026 at 1:30am");
    assert_formats(clock_format_london_date, day_of(2026, 11, 22), "22 November 2026");
    assert_formats(clock_format_london_date, day_of(2027, 2, 1), "1 February 2027");
}

static void test_now_and_offset(void **state)
{
    (void)state;
    int64_t before = (int64_t)time(NULL);
    int64_t now = clock_now();
    assert_in_range(now, before, before + 5);
    clock_set_offset(INT64_C(864000));
    now = clock_now();
    assert_in_range(now, before + INT64_C(864000), before + INT64_C(864000) + 5);
    clock_set_offset(0);
    now = clock_now();
    assert_in_range(now, before, before + 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),         cmocka_unit_test(test_against_timegm),
        cmocka_unit_test(test_parse_date_rejects), cmocka_unit_test(test_parse_instant),
        cmocka_unit_test(test_format_iso),         cmocka_unit_test(test_bst_transitions_2026),
        cmocka_unit_test(test_against_tzdata),     cmocka_unit_test(test_format_london),
        cmocka_unit_test(test_now_and_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
