/*
 * Unit tests for core/calendar. Expected dates were worked out independently of
 * the module (by hand against a printed calendar and with Python's datetime over
 * the GOV.UK list); the property tests compare against a naive day-by-day walk.
 * The shipped bank holiday file is found through CASEWORK_TEST_CONFIG_DIR (set by
 * CTest), or "config" relative to the working directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"

static int64_t day_of(int y, int m, int d)
{
    return clock_days_from_civil(y, m, d);
}

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    return clock_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

static void config_path(struct buf *b, const char *file)
{
    const char *dir = getenv("CASEWORK_TEST_CONFIG_DIR");
    buf_init(b, 0);
    buf_printf(b, "%s/calendar/%s", dir && *dir ? dir : "config", file);
    assert_false(buf_failed(b));
}

static int load_shipped(void **state)
{
    struct buf bank, closures;
    struct err e = ERR_INIT;
    config_path(&bank, "bank-holidays-england-and-wales.txt");
    config_path(&closures, "local-closures.txt");
    struct calendar *c = calendar_load(bank.data, closures.data, &e);
    if (!c)
        fprintf(stderr, "calendar_load: %s\n", e.message);
    buf_release(&bank);
    buf_release(&closures);
    *state = c;
    return c ? 0 : -1;
}

static int free_shipped(void **state)
{
    calendar_free(*state);
    return 0;
}

struct named_day {
    int y, m, d;
    const char *name;
};

/* Every named day of year y in the calendar must be exactly want[0..n). */
static void assert_year(const struct calendar *c, int y, const struct named_day *want, size_t n)
{
    size_t found = 0;
    for (int64_t day = day_of(y, 1, 1); day < day_of(y + 1, 1, 1); day++) {
        const char *name = calendar_holiday_name(c, day);
        if (!name)
            continue;
        assert_in_range(found, 0, n - 1);
        assert_int_equal(day, day_of(want[found].y, want[found].m, want[found].d));
        assert_string_equal(name, want[found].name);
        assert_false(calendar_is_working_day(c, day));
        found++;
    }
    assert_int_equal(found, n);
}

static void test_shipped_special_years(void **state)
{
    const struct calendar *c = *state;
    static const struct named_day y2022[] = {
        {2022, 1, 3, "New Year's Day (substitute day)"},
        {2022, 4, 15, "Good Friday"},
        {2022, 4, 18, "Easter Monday"},
        {2022, 5, 2, "Early May bank holiday"},
        {2022, 6, 2, "Spring bank holiday"},
        {2022, 6, 3, "Platinum Jubilee bank holiday"},
        {2022, 8, 29, "Summer bank holiday"},
        {2022, 9, 19, "Bank Holiday for the State Funeral of Queen Elizabeth II"},
        {2022, 12, 26, "Boxing Day"},
        {2022, 12, 27, "Christmas Day (substitute day)"},
    };
    static const struct named_day y2023[] = {
        {2023, 1, 2, "New Year's Day (substitute day)"},
        {2023, 4, 7, "Good Friday"},
        {2023, 4, 10, "Easter Monday"},
        {2023, 5, 1, "Early May bank holiday"},
        {2023, 5, 8, "Bank holiday for the coronation of King Charles III"},
        {2023, 5, 29, "Spring bank holiday"},
        {2023, 8, 28, "Summer bank holiday"},
        {2023, 12, 25, "Christmas Day"},
        {2023, 12, 26, "Boxing Day"},
    };
    static const struct named_day y2020[] = {
        {2020, 1, 1, "New Year's Day"},       {2020, 4, 10, "Good Friday"},
        {2020, 4, 13, "Easter Monday"},       {2020, 5, 8, "Early May bank holiday (VE day)"},
        {2020, 5, 25, "Spring bank holiday"}, {2020, 8, 31, "Summer bank holiday"},
        {2020, 12, 25, "Christmas Day"},      {2020, 12, 28, "Boxing Day (substitute day)"},
    };
    static const struct named_day y2021[] = {
        {2021, 1, 1, "New Year's Day"},
        {2021, 4, 2, "Good Friday"},
        {2021, 4, 5, "Easter Monday"},
        {2021, 5, 3, "Early May bank holiday"},
        {2021, 5, 31, "Spring bank holiday"},
        {2021, 8, 30, "Summer bank holiday"},
        {2021, 12, 27, "Christmas Day (substitute day)"},
        {2021, 12, 28, "Boxing Day (substitute day)"},
    };
    /* Projected from the rules: 1 January 2028 is a Saturday. */
    static const struct named_day y2028[] = {
        {2028, 1, 3, "New Year's Day (substitute day)"},
        {2028, 4, 14, "Good Friday"},
        {2028, 4, 17, "Easter Monday"},
        {2028, 5, 1, "Early May bank holiday"},
        {2028, 5, 29, "Spring bank holiday"},
        {2028, 8, 28, "Summer bank holiday"},
        {2028, 12, 25, "Christmas Day"},
        {2028, 12, 26, "Boxing Day"},
    };
    assert_year(c, 2020, y2020, sizeof y2020 / sizeof y2020[0]);
    assert_year(c, 2021, y2021, sizeof y2021 / sizeof y2021[0]);
    assert_year(c, 2022, y2022, sizeof y2022 / sizeof y2022[0]);
    assert_year(c, 2023, y2023, sizeof y2023 / sizeof y2023[0]);
    assert_year(c, 2028, y2028, sizeof y2028 / sizeof y2028[0]);

    /* The usual days that those years moved are ordinary working days. */
    assert_true(calendar_is_working_day(c, day_of(2020, 5, 4)));
    assert_true(calendar_is_working_day(c, day_of(2022, 5, 30)));
    assert_true(calendar_is_working_day(c, day_of(2022, 12, 28)));
    /* Weekend days are not working days but carry no name. */
    assert_false(calendar_is_working_day(c, day_of(2021, 12, 25)));
    assert_null(calendar_holiday_name(c, day_of(2021, 12, 25)));
    assert_null(calendar_holiday_name(c, day_of(2023, 1, 1)));
}

/* Each year 2015-2030: eight bank holidays (ten in 2022, nine in 2023), all on
 * weekdays, with Good Friday and Easter Monday around the Gregorian Easter Sunday
 * (dates checked with two independent implementations of the computus). */
static void test_shipped_every_year(void **state)
{
    const struct calendar *c = *state;
    static const int easter[][2] = {
        {4, 5}, {3, 27}, {4, 16}, {4, 1}, {4, 21}, {4, 12}, {4, 4}, {4, 17},
        {4, 9}, {3, 31}, {4, 20}, {4, 5}, {3, 28}, {4, 16}, {4, 1}, {4, 21},
    };
    for (int y = 2015; y <= 2030; y++) {
        int count = 0;
        for (int64_t day = day_of(y, 1, 1); day < day_of(y + 1, 1, 1); day++) {
            if (!calendar_holiday_name(c, day))
                continue;
            assert_in_range(clock_weekday(day), 0, 4);
            count++;
        }
        assert_int_equal(count, y == 2022 ? 10 : y == 2023 ? 9 : 8);
        int64_t sunday = day_of(y, easter[y - 2015][0], easter[y - 2015][1]);
        assert_int_equal(clock_weekday(sunday), 6);
        assert_string_equal(calendar_holiday_name(c, sunday - 2), "Good Friday");
        assert_string_equal(calendar_holiday_name(c, sunday + 1), "Easter Monday");
        /* Christmas Day at a weekend moves to Tuesday 27 December. */
        int64_t christmas = day_of(y, 12, 25);
        int64_t christmas_off = clock_weekday(christmas) < 5 ? christmas : day_of(y, 12, 27);
        assert_non_null(strstr(calendar_holiday_name(c, christmas_off), "Christmas Day"));
    }
}

static void test_known_working_days(void **state)
{
    const struct calendar *c = *state;
    /* Christmas 2022: Sat 24, Sun 25, Mon 26 and Tue 27 are off. */
    assert_int_equal(calendar_add_working_days(c, day_of(2022, 12, 23), 1), day_of(2022, 12, 28));
    assert_int_equal(calendar_add_working_days(c, day_of(2022, 12, 28), -1), day_of(2022, 12, 23));
    /* Christmas 2021: Mon 27 and Tue 28 are the substitute days; New Year Mon 3 Jan. */
    assert_int_equal(calendar_add_working_days(c, day_of(2021, 12, 24), 1), day_of(2021, 12, 29));
    assert_int_equal(calendar_add_working_days(c, day_of(2021, 12, 31), 1), day_of(2022, 1, 4));
    /* Easter 2023: Good Friday 7 April, Easter Monday 10 April. */
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 4, 6), 1), day_of(2023, 4, 11));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 4, 11), -1), day_of(2023, 4, 6));
    /* Platinum Jubilee week: Thu 2 and Fri 3 June 2022. */
    assert_int_equal(calendar_add_working_days(c, day_of(2022, 6, 1), 1), day_of(2022, 6, 6));
    assert_int_equal(calendar_add_working_days(c, day_of(2022, 5, 25), 20), day_of(2022, 6, 24));
    /* Coronation: Mon 8 May 2023, a week after the Early May bank holiday. */
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 5, 5), 1), day_of(2023, 5, 9));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 4, 28), 1), day_of(2023, 5, 2));
    /* Weekend starts: the start day never counts. */
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 1, 7), 1), day_of(2023, 1, 9));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 1, 8), 1), day_of(2023, 1, 9));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 1, 8), 5), day_of(2023, 1, 13));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 1, 7), 0), day_of(2023, 1, 7));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 1, 7), -1), day_of(2023, 1, 6));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 1, 9), -1), day_of(2023, 1, 6));
    /* A holiday start does not count either. */
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 5, 8), 1), day_of(2023, 5, 9));
}

/* Children Act 1989 assessments: 45 working days from the referral; a section 47
 * strategy discussion's enquiry: 15 working days (Working Together 2023). */
static void test_statutory_examples(void **state)
{
    const struct calendar *c = *state;
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 3, 14), 45), day_of(2023, 5, 22));
    assert_int_equal(calendar_add_working_days(c, day_of(2025, 11, 20), 45), day_of(2026, 1, 27));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 4, 12), -45), day_of(2023, 2, 6));
    assert_int_equal(calendar_add_working_days(c, day_of(2022, 12, 12), 15), day_of(2023, 1, 5));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 1, 10), 15), day_of(2023, 1, 31));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 6, 1), 15), day_of(2023, 6, 22));
}

static void test_count_known(void **state)
{
    const struct calendar *c = *state;
    assert_int_equal(calendar_count_working_days(c, day_of(2022, 12, 31), day_of(2023, 12, 31)),
                     251);
    assert_int_equal(calendar_count_working_days(c, day_of(2021, 12, 31), day_of(2022, 12, 31)),
                     250);
    assert_int_equal(calendar_count_working_days(c, day_of(2022, 12, 23), day_of(2022, 12, 28)), 1);
    assert_int_equal(calendar_count_working_days(c, day_of(2022, 12, 28), day_of(2022, 12, 23)),
                     -1);
    assert_int_equal(calendar_count_working_days(c, day_of(2023, 1, 6), day_of(2023, 1, 6)), 0);
    assert_int_equal(calendar_count_working_days(c, day_of(2023, 1, 6), day_of(2023, 1, 8)), 0);
    /* Backwards mirrors forwards: Friday is one working day before Sunday. */
    assert_int_equal(calendar_count_working_days(c, day_of(2023, 1, 8), day_of(2023, 1, 6)), -1);
    assert_int_equal(calendar_count_working_days(c, day_of(2023, 3, 14), day_of(2023, 5, 22)), 45);
}

/* For many start days and n, add agrees with a naive walk and count inverts add.
 * The walk steps one day at a time, asking only calendar_is_working_day. */
static void test_add_count_properties(void **state)
{
    const struct calendar *c = *state;
    enum { N = 70 };
    for (int64_t start = day_of(2019, 1, 1); start <= day_of(2029, 12, 31); start++) {
        int64_t ahead[N + 1], behind[N + 1];
        ahead[0] = behind[0] = start;
        for (int k = 1, d = 0; k <= N; k++) {
            do
                d++;
            while (!calendar_is_working_day(c, start + d));
            ahead[k] = start + d;
        }
        for (int k = 1, d = 0; k <= N; k++) {
            do
                d--;
            while (!calendar_is_working_day(c, start + d));
            behind[k] = start + d;
        }
        for (int n = -N; n <= N; n++) {
            int64_t want = n >= 0 ? ahead[n] : behind[-n];
            int64_t got = calendar_add_working_days(c, start, n);
            assert_int_equal(got, want);
            assert_int_equal(calendar_count_working_days(c, start, got), n);
        }
        /* Count against the walk for days that are not themselves results of add. */
        int naive = 0;
        for (int j = 1; j <= 100; j++) {
            naive += calendar_is_working_day(c, start + j);
            assert_int_equal(calendar_count_working_days(c, start, start + j), naive);
        }
        naive = 0;
        for (int j = 1; j <= 100; j++) {
            naive += calendar_is_working_day(c, start - j);
            assert_int_equal(calendar_count_working_days(c, start, start - j), -naive);
        }
    }
}

static void test_from_days(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    /* Unsorted, repeated, and one on a Saturday (6 January 2024). */
    const int64_t days[] = {day_of(2024, 1, 3), day_of(2024, 1, 6), day_of(2024, 1, 3),
                            day_of(2024, 1, 1)};
    struct calendar *c = calendar_from_days(days, sizeof days / sizeof days[0], &e);
    assert_non_null(c);
    assert_false(calendar_is_working_day(c, day_of(2024, 1, 1)));
    assert_true(calendar_is_working_day(c, day_of(2024, 1, 2)));
    assert_false(calendar_is_working_day(c, day_of(2024, 1, 3)));
    assert_string_equal(calendar_holiday_name(c, day_of(2024, 1, 3)), "Non-working day");
    assert_null(calendar_holiday_name(c, day_of(2024, 1, 4)));
    /* Sun 31 Dec 2023 to Sun 7 Jan 2024: five weekdays less Mon 1 and Wed 3. */
    assert_int_equal(calendar_count_working_days(c, day_of(2023, 12, 31), day_of(2024, 1, 7)), 3);
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 12, 31), 1), day_of(2024, 1, 2));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 12, 31), 2), day_of(2024, 1, 4));
    assert_int_equal(calendar_add_working_days(c, day_of(2023, 12, 31), 4), day_of(2024, 1, 8));
    assert_int_equal(calendar_add_working_days(c, day_of(2024, 1, 8), -3), day_of(2024, 1, 2));
    calendar_free(c);

    c = calendar_from_days(NULL, 0, &e);
    assert_non_null(c);
    assert_true(calendar_is_working_day(c, day_of(2022, 12, 26)));
    assert_int_equal(calendar_add_working_days(c, day_of(2022, 12, 23), 1), day_of(2022, 12, 26));
    calendar_free(c);
}

static void test_add_months(void **state)
{
    (void)state;
    assert_int_equal(calendar_add_months(day_of(2023, 1, 31), 1), day_of(2023, 2, 28));
    assert_int_equal(calendar_add_months(day_of(2024, 1, 31), 1), day_of(2024, 2, 29));
    assert_int_equal(calendar_add_months(day_of(2024, 2, 29), 12), day_of(2025, 2, 28));
    assert_int_equal(calendar_add_months(day_of(2026, 3, 31), -1), day_of(2026, 2, 28));
    assert_int_equal(calendar_add_months(day_of(2026, 8, 31), 6), day_of(2027, 2, 28));
    assert_int_equal(calendar_add_months(day_of(2026, 5, 31), 1), day_of(2026, 6, 30));
    assert_int_equal(calendar_add_months(day_of(2026, 11, 15), 3), day_of(2027, 2, 15));
    assert_int_equal(calendar_add_months(day_of(2026, 1, 15), -13), day_of(2024, 12, 15));
    assert_int_equal(calendar_add_months(day_of(2026, 12, 31), 0), day_of(2026, 12, 31));
    assert_int_equal(calendar_add_months(day_of(2026, 12, 31), 1), day_of(2027, 1, 31));
    assert_int_equal(calendar_add_months(day_of(2026, 1, 1), -1), day_of(2025, 12, 1));
    assert_int_equal(calendar_add_months(day_of(1969, 12, 31), 2), day_of(1970, 2, 28));
}

static void test_parse_timescale(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum timescale_unit unit;
        int amount;
    } good[] = {
        {"15 working days", TIMESCALE_WORKING_DAYS, 15},
        {"1 working day", TIMESCALE_WORKING_DAYS, 1},
        {"45 working days", TIMESCALE_WORKING_DAYS, 45},
        {"3 months", TIMESCALE_MONTHS, 3},
        {"6 months", TIMESCALE_MONTHS, 6},
        {"1 month", TIMESCALE_MONTHS, 1},
        {"24 hours", TIMESCALE_HOURS, 24},
        {"28 calendar days", TIMESCALE_CALENDAR_DAYS, 28},
        {"7 days", TIMESCALE_CALENDAR_DAYS, 7},
        {"0 days", TIMESCALE_CALENDAR_DAYS, 0},
        {"3650 days", TIMESCALE_CALENDAR_DAYS, 3650},
        {"  10  Working   Days ", TIMESCALE_WORKING_DAYS, 10},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct timescale t = {TIMESCALE_HOURS, -1};
        struct err e = ERR_INIT;
        assert_true(calendar_parse_timescale(good[i].text, &t, &e));
        assert_int_equal(t.unit, good[i].unit);
        assert_int_equal(t.amount, good[i].amount);
    }
    static const char *const bad[] = {
        "",
        "15",
        "working days",
        "-1 days",
        "+3 days",
        "1.5 days",
        "3651 days",
        "99999999999 days",
        "15 work days",
        "15 weeks",
        "15 working",
        "days 15",
        "15days",
        "15 working days later",
        "fifteen working days",
        "15 calendar",
        "15 dayss",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct timescale t = {TIMESCALE_HOURS, -1};
        struct err e = ERR_INIT;
        assert_false(calendar_parse_timescale(bad[i], &t, &e));
        assert_int_equal(t.amount, -1);
        assert_int_equal(e.code, ERR_INVALID);
        assert_non_null(strstr(e.message, "is not a timescale"));
    }
    struct timescale t;
    struct err e = ERR_INIT;
    assert_false(calendar_parse_timescale("15 weeks", &t, &e));
    assert_non_null(strstr(e.message, "'working days', 'calendar days', 'days', 'months' or "
                                      "'hours'"));
    assert_false(calendar_parse_timescale("3651 days", &t, &e));
    assert_non_null(strstr(e.message, "from 0 to 3650"));
    assert_false(calendar_parse_timescale(NULL, &t, &e));
}

static int64_t due(const struct calendar *c, enum timescale_unit unit, int amount, int64_t start)
{
    struct timescale t = {unit, amount};
    return calendar_due(c, &t, start);
}

static void test_due(void **state)
{
    const struct calendar *c = *state;
    /* Working days, ending 23:59:59 London time: GMT in January... */
    assert_int_equal(due(c, TIMESCALE_WORKING_DAYS, 15, utc(2023, 1, 10, 9, 0, 0)),
                     utc(2023, 1, 31, 23, 59, 59));
    /* ...BST in June, so an hour earlier in UTC. */
    assert_int_equal(due(c, TIMESCALE_WORKING_DAYS, 15, utc(2023, 6, 1, 9, 0, 0)),
                     utc(2023, 6, 22, 22, 59, 59));
    /* 23:30 UTC on 1 June is 00:30 on 2 June in London: the clock starts on 2 June. */
    assert_int_equal(due(c, TIMESCALE_WORKING_DAYS, 15, utc(2023, 6, 1, 23, 30, 0)),
                     utc(2023, 6, 23, 22, 59, 59));
    /* Referral received in GMT, assessment due in BST. */
    assert_int_equal(due(c, TIMESCALE_WORKING_DAYS, 45, utc(2023, 3, 14, 16, 20, 0)),
                     utc(2023, 5, 22, 22, 59, 59));
    /* Zero working days from a Saturday: the end of that Saturday. */
    assert_int_equal(due(c, TIMESCALE_WORKING_DAYS, 0, utc(2023, 1, 7, 12, 0, 0)),
                     utc(2023, 1, 7, 23, 59, 59));

    /* Hours are exact, across the spring change and the autumn change. */
    assert_int_equal(due(c, TIMESCALE_HOURS, 24, utc(2026, 3, 28, 12, 0, 0)),
                     utc(2026, 3, 29, 12, 0, 0));
    assert_int_equal(due(c, TIMESCALE_HOURS, 72, utc(2026, 10, 24, 9, 15, 0)),
                     utc(2026, 10, 27, 9, 15, 0));

    /* Calendar days ending on the days the clocks change. */
    assert_int_equal(due(c, TIMESCALE_CALENDAR_DAYS, 28, utc(2026, 9, 27, 8, 0, 0)),
                     utc(2026, 10, 25, 23, 59, 59));
    assert_int_equal(due(c, TIMESCALE_CALENDAR_DAYS, 7, utc(2026, 3, 22, 12, 0, 0)),
                     utc(2026, 3, 29, 22, 59, 59));

    /* Months, clamped to the end of February. */
    assert_int_equal(due(c, TIMESCALE_MONTHS, 3, utc(2026, 11, 30, 10, 0, 0)),
                     utc(2027, 2, 28, 23, 59, 59));
    assert_int_equal(due(c, TIMESCALE_MONTHS, 6, utc(2026, 8, 31, 10, 0, 0)),
                     utc(2027, 2, 28, 23, 59, 59));
    assert_int_equal(due(c, TIMESCALE_MONTHS, 1, utc(2026, 6, 15, 10, 0, 0)),
                     utc(2026, 7, 15, 22, 59, 59));

    int64_t d = utc(2023, 1, 31, 23, 59, 59);
    assert_false(calendar_is_overdue(d, d - 1));
    assert_false(calendar_is_overdue(d, d));
    assert_true(calendar_is_overdue(d, d + 1));
}

/* Write text to a new file in dir and return its path in b. */
static void write_file(struct buf *b, const char *dir, const char *name, const char *text)
{
    buf_init(b, 0);
    buf_printf(b, "%s/%s", dir, name);
    assert_false(buf_failed(b));
    FILE *f = fopen(b->data, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void assert_load_fails(const char *dir, const char *text, const char *want_tail)
{
    struct buf path, want;
    struct err e = ERR_INIT;
    write_file(&path, dir, "bad.txt", text);
    assert_null(calendar_load(path.data, NULL, &e));
    assert_int_equal(e.code, ERR_INVALID);
    buf_init(&want, 0);
    buf_printf(&want, "%s %s", path.data, want_tail);
    assert_string_equal(e.message, want.data);
    buf_release(&want);
    unlink(path.data);
    buf_release(&path);
}

static void test_load_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/casework-calendar-XXXXXX";
    assert_non_null(mkdtemp(dir));

    assert_load_fails(dir, "# header\n2023-01-02 New Year's Day\n2023-02-30 Not a day\n",
                      "line 3: '2023-02-30' is not a real date in the form YYYY-MM-DD");
    assert_load_fails(dir, "2023-01-02\n",
                      "line 1: 2023-01-02 has no name (write 'YYYY-MM-DD "
                      "Name of the day')");
    assert_load_fails(dir, "\n\n2023-01-02Holiday\n",
                      "line 3: '2023-01-02Holiday' is not a real date in the form YYYY-MM-DD");
    assert_load_fails(dir, "2023-1-2 Holiday\n",
                      "line 1: '2023-1-2' is not a real date in the form YYYY-MM-DD");
    assert_load_fails(dir, "Christmas Day 2023-12-25\n",
                      "line 1: 'Christmas' is not a real date in the form YYYY-MM-DD");

    /* Comments, blank lines, tabs and CRLF are fine; a closure may repeat a bank
     * holiday, and the bank holiday's name is kept. */
    struct buf bank, closures, broken, missing;
    write_file(&bank, dir, "bank.txt",
               "# bank holidays\r\n\r\n2022-12-26\tBoxing Day\r\n  2022-12-27   Christmas Day "
               "(substitute day)  \r\n");
    write_file(&closures, dir, "closures.txt",
               "2022-12-26 Offices closed\n2022-12-29 Offices closed\n");
    struct err e = ERR_INIT;
    struct calendar *c = calendar_load(bank.data, closures.data, &e);
    assert_non_null(c);
    assert_string_equal(calendar_holiday_name(c, day_of(2022, 12, 26)), "Boxing Day");
    assert_string_equal(calendar_holiday_name(c, day_of(2022, 12, 27)),
                        "Christmas Day (substitute day)");
    assert_string_equal(calendar_holiday_name(c, day_of(2022, 12, 29)), "Offices closed");
    assert_int_equal(calendar_add_working_days(c, day_of(2022, 12, 23), 1), day_of(2022, 12, 28));
    assert_int_equal(calendar_add_working_days(c, day_of(2022, 12, 23), 2), day_of(2022, 12, 30));
    calendar_free(c);

    /* An error in the closures file names that file. */
    write_file(&broken, dir, "broken.txt", "2022-12-29 Offices closed\n2022-13-01 Nope\n");
    assert_null(calendar_load(bank.data, broken.data, &e));
    assert_int_equal(e.code, ERR_INVALID);
    struct buf want;
    buf_init(&want, 0);
    buf_printf(&want, "%s line 2: '2022-13-01' is not a real date in the form YYYY-MM-DD",
               broken.data);
    assert_string_equal(e.message, want.data);
    buf_release(&want);

    /* A missing file is an I/O error naming the path. */
    buf_init(&missing, 0);
    buf_printf(&missing, "%s/no-such-file.txt", dir);
    assert_null(calendar_load(missing.data, NULL, &e));
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.message, missing.data));

    unlink(bank.data);
    unlink(closures.data);
    unlink(broken.data);
    buf_release(&bank);
    buf_release(&closures);
    buf_release(&broken);
    buf_release(&missing);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_special_years),
        cmocka_unit_test(test_shipped_every_year),
        cmocka_unit_test(test_known_working_days),
        cmocka_unit_test(test_statutory_examples),
        cmocka_unit_test(test_count_known),
        cmocka_unit_test(test_add_count_properties),
        cmocka_unit_test(test_due),
    };
    const struct CMUnitTest standalone[] = {
        cmocka_unit_test(test_from_days),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_parse_timescale),
        cmocka_unit_test(test_load_files),
    };
    int failed =
        cmocka_run_group_tests_name("calendar (shipped file)", tests, load_shipped, free_shipped);
    failed += cmocka_run_group_tests_name("calendar", standalone, NULL, NULL);
    return failed;
}
