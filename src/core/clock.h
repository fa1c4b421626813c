/*
 * clock: the current time, civil-date arithmetic, UK (London) local time, and
 * strict parsing/formatting of dates and instants. One of the two modules
 * allowed to do date arithmetic (the other is core/calendar).
 *
 * An instant is int64_t seconds since 1970-01-01T00:00:00Z (UTC, no leap
 * seconds). A day is int64_t days since 1970-01-01 in the proleptic Gregorian
 * calendar. London time applies the UK rule in force since 1996 (BST from
 * 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
 * October) to every year; it does not read the system time zone.
 *
 * Nothing here allocates except by appending to a caller-owned struct buf.
 * Thread-safe: the only shared state is the clock offset, read and written
 * atomically.
 */
#ifndef CASEWORK_CORE_CLOCK_H
#define CASEWORK_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define CLOCK_SECONDS_PER_DAY 86400

/* The current UTC instant (CLOCK_REALTIME) plus the offset set by clock_set_offset. */
int64_t clock_now(void);

/* Shift clock_now by seconds (0 for real time). For startup and tests that simulate
 * time passing; atomic, so safe while other threads read the clock. */
void clock_set_offset(int64_t seconds);

/* Day number of the civil date y-m-d. Expects m in 1..12 and d in 1..31; validate
 * outside input with clock_parse_date first. */
int64_t clock_days_from_civil(int y, int m, int d);

/* Civil date (year, month 1..12, day 1..31) of a day number. */
void clock_civil_from_days(int64_t day, int *y, int *m, int *d);

/* Day of the week of a day: 0 = Monday ... 5 = Saturday, 6 = Sunday. */
int clock_weekday(int64_t day);

/* The UTC day an instant falls in (floors, so negative instants work). */
int64_t clock_day_of(int64_t instant);

/* Number of days in month m (1..12) of year y; 0 if m is out of range. */
int clock_days_in_month(int y, int m);

/* Parse a strict "YYYY-MM-DD" that names a real date (no 2023-02-29, no month 13,
 * nothing trailing). On failure returns false and fills e with ERR_INVALID and an
 * empty field (the caller names the field). */
bool clock_parse_date(const char *s, int64_t *day, struct err *e);

/* Parse "YYYY-MM-DDTHH:MM:SSZ" or the same with "+HH:MM"/"-HH:MM" instead of Z; a
 * fraction after the seconds (".123") is accepted and ignored. On failure returns
 * false and fills e with ERR_INVALID and an empty field. */
bool clock_parse_instant(const char *s, int64_t *instant, struct err *e);

/* Append a day as "2026-03-31". */
void clock_format_date(struct buf *b, int64_t day);

/* Append an instant in UTC as "2026-11-22T10:05:00Z". */
void clock_format_instant(struct buf *b, int64_t instant);

/* The London offset from UTC at an instant, in seconds: 0 (GMT) or 3600 (BST). */
int clock_london_offset(int64_t instant);

/* The instant of a London wall-clock time on a day. A time in the spring-forward
 * gap is read as GMT (the later reading); in the autumn overlap the first (BST)
 * occurrence is returned. */
int64_t clock_london_to_instant(int64_t day, int hour, int minute, int second);

/* The London civil day an instant falls in. */
int64_t clock_london_day(int64_t instant);

/* Append an instant in London time, GOV.UK style: "22 November 2026 at 10:05am",
 * "... at 10am" on the hour, "12pm" for midday, "12am" for midnight. Seconds are
 * dropped. */
void clock_format_london(struct buf *b, int64_t instant);

/* Append a day GOV.UK style: "22 November 2026". */
void clock_format_london_date(struct buf *b, int64_t day);

#endif
