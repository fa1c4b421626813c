/*
 * calendar: working days and statutory timescales. A struct calendar is the set
 * of non-working days (bank holidays and local closures, each with a name) on top
 * of weekends; with it this module counts and adds working days, adds months, and
 * turns a timescale from config ("15 working days", "24 hours") into a due
 * instant. Days and instants are as in core/clock.h.
 *
 * Ownership: calendar_load and calendar_from_days return a calendar the caller
 * owns and frees with calendar_free; names returned by calendar_holiday_name live
 * as long as the calendar. Thread-safety: a calendar is immutable once built, so
 * any number of threads may query one at the same time.
 */
#ifndef CASEWORK_CORE_CALENDAR_H
#define CASEWORK_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct calendar;

enum timescale_unit {
    TIMESCALE_WORKING_DAYS,
    TIMESCALE_CALENDAR_DAYS,
    TIMESCALE_MONTHS,
    TIMESCALE_HOURS,
};

/* A statutory or local time limit, e.g. {TIMESCALE_WORKING_DAYS, 45}. */
struct timescale {
    enum timescale_unit unit;
    int amount; /* 0..CALENDAR_TIMESCALE_MAX */
};

#define CALENDAR_TIMESCALE_MAX 3650

/* Load non-working days from the bank holiday file and, if closures_path is not
 * NULL, the local closures file. Lines are "YYYY-MM-DD<whitespace>Name"; '#'
 * comments and blank lines are skipped. Returns NULL on failure with e naming the
 * file, the line number and the rule broken (ERR_INVALID), or ERR_IO/ERR_NOMEM. */
struct calendar *calendar_load(const char *bank_holidays_path, const char *closures_path,
                               struct err *e);

/* A calendar whose non-working days (besides weekends) are days[0..n), in any order
 * and possibly repeated; each is named "Non-working day". Returns NULL only when out
 * of memory (ERR_NOMEM). */
struct calendar *calendar_from_days(const int64_t *days, size_t n, struct err *e);

/* Free a calendar; NULL is allowed. */
void calendar_free(struct calendar *c);

/* True unless day is a Saturday, a Sunday, a bank holiday or a local closure. */
bool calendar_is_working_day(const struct calendar *c, int64_t day);

/* The name of the bank holiday or closure on day (the bank holiday's if both), or
 * NULL if it is neither. Weekends have no name. */
const char *calendar_holiday_name(const struct calendar *c, int64_t day);

/* The nth working day after day (day itself never counts, working or not); n == 0
 * returns day; negative n counts back the same way, giving the nth working day
 * before day. */
int64_t calendar_add_working_days(const struct calendar *c, int64_t day, int n);

/* The number of working days d with from < d <= to. If to < from, the mirror image:
 * minus the working days d with to <= d < from (so Friday is -1 from the Sunday
 * after). Either way count(c, f, calendar_add_working_days(c, f, n)) == n. */
int calendar_count_working_days(const struct calendar *c, int64_t from, int64_t to);

/* The same day of the month n months later (earlier if n < 0), clamped to the end
 * of a shorter month: 31 January + 1 month is 28 (or 29) February. */
int64_t calendar_add_months(int64_t day, int n);

/* Parse "15 working days", "1 working day", "28 calendar days", "7 days" (calendar
 * days), "3 months", "24 hours" (singular or plural, any case) with an amount from
 * 0 to CALENDAR_TIMESCALE_MAX. On failure returns false with ERR_INVALID and a
 * message listing the accepted forms. */
bool calendar_parse_timescale(const char *text, struct timescale *out, struct err *e);

/* The instant a timescale that starts at start_instant runs out. Days and months
 * count from the London day of start_instant and end at 23:59:59 London time on the
 * due day; hours are exact (start + amount hours, round the clock). c may be NULL
 * only for units other than working days. */
int64_t calendar_due(const struct calendar *c, const struct timescale *t, int64_t start_instant);

/* True once now is past the due instant (the due second itself is still in time). */
bool calendar_is_overdue(int64_t due_instant, int64_t now);

#endif
