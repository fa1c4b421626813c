#include "core/clock.h"

#include <stdatomic.h>
#include <time.h>

/* The one piece of process-wide mutable state: tests and the startup option that
 * simulates time passing set it, request threads read it. Atomic so a read never
 * sees half a write. */
static _Atomic int64_t clock_offset;

static const char *const month_names[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

/* Division that rounds towards minus infinity, so instants before 1970 land in the
 * right day rather than the day after. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0)))
        q--;
    return q;
}

int64_t clock_now(void)
{
    struct timespec ts;
    int64_t now;
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
        now = (int64_t)ts.tv_sec;
    else
        now = (int64_t)time(NULL); /* CLOCK_REALTIME cannot fail on Linux; belt and braces */
    return now + atomic_load_explicit(&clock_offset, memory_order_relaxed);
}

void clock_set_offset(int64_t seconds)
{
    atomic_store_explicit(&clock_offset, seconds, memory_order_relaxed);
}

/* Howard Hinnant's days_from_civil: counts in 400-year eras starting 1 March, so
 * the leap day is the last day of its "year" and needs no special case. */
int64_t clock_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;                                  /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void clock_civil_from_days(int64_t day, int *y, int *m, int *d)
{
    int64_t z = day + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

int clock_weekday(int64_t day)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t w = (day + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int64_t clock_day_of(int64_t instant)
{
    return floor_div(instant, CLOCK_SECONDS_PER_DAY);
}

int clock_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return 29;
    return days[m - 1];
}

/* Read exactly n ASCII digits. Stops at the first non-digit, so it never reads past
 * a terminating NUL. */
static bool read_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" at the start of s; does not look past s[9]. */
static bool read_ymd(const char *s, int64_t *day)
{
    int y, m, d;
    if (!read_digits(s, 4, &y) || s[4] != '-' || !read_digits(s + 5, 2, &m) || s[7] != '-' ||
        !read_digits(s + 8, 2, &d))
        return false;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > clock_days_in_month(y, m))
        return false;
    *day = clock_days_from_civil(y, m, d);
    return true;
}

bool clock_parse_date(const char *s, int64_t *day, struct err *e)
{
    int64_t parsed;
    if (!s || !read_ymd(s, &parsed) || s[10] != '\0')
        return err_set(e, ERR_INVALID, "", "must be a real date in the form YYYY-MM-DD");
    *day = parsed;
    return true;
}

bool clock_parse_instant(const char *s, int64_t *instant, struct err *e)
{
    int64_t day;
    int hh, mi, ss, oh = 0, om = 0, sign = 0;
    if (!s || !read_ymd(s, &day) || s[10] != 'T' || !read_digits(s + 11, 2, &hh) || s[13] != ':' ||
        !read_digits(s + 14, 2, &mi) || s[16] != ':' || !read_digits(s + 17, 2, &ss))
        goto bad;
    /* No leap seconds: 23:59:60 cannot be represented as Unix time. */
    if (hh > 23 || mi > 59 || ss > 59)
        goto bad;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            goto bad;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (p[0] == 'Z' && p[1] == '\0') {
        sign = 0;
    } else if ((p[0] == '+' || p[0] == '-') && read_digits(p + 1, 2, &oh) && p[3] == ':' &&
               read_digits(p + 4, 2, &om) && p[6] == '\0') {
        if (oh > 23 || om > 59)
            goto bad;
        sign = p[0] == '+' ? 1 : -1;
    } else {
        goto bad;
    }
    /* A local time at +01:00 is one hour ahead of UTC, so subtract the offset. */
    int64_t wall = day * CLOCK_SECONDS_PER_DAY + (int64_t)hh * 3600 + (int64_t)mi * 60 + ss;
    *instant = wall - (int64_t)sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
    return true;
bad:
    return err_set(e, ERR_INVALID, "",
                   "must be a real date and time in the form YYYY-MM-DDTHH:MM:SSZ or "
                   "YYYY-MM-DDTHH:MM:SS+HH:MM");
}

void clock_format_date(struct buf *b, int64_t day)
{
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    buf_printf(b, "%04d-%02d-%02d", y, m, d);
}

void clock_format_instant(struct buf *b, int64_t instant)
{
    int64_t day = clock_day_of(instant);
    int64_t secs = instant - day * CLOCK_SECONDS_PER_DAY;
    clock_format_date(b, day);
    buf_printf(b, "T%02d:%02d:%02dZ", (int)(secs / 3600), (int)(secs % 3600 / 60),
               (int)(secs % 60));
}

/* The last Sunday of month m of year y. */
static int64_t last_sunday(int y, int m)
{
    int64_t last = clock_days_from_civil(y, m, clock_days_in_month(y, m));
    return last - (clock_weekday(last) + 1) % 7;
}

int clock_london_offset(int64_t instant)
{
    int y, m, d;
    clock_civil_from_days(clock_day_of(instant), &y, &m, &d);
    /* The UK rule since 1996 (now the Summer Time Order 2002): both changes happen
     * at 01:00 UTC, whatever the local time. Earlier years had other rules; we
     * hold no data from before 1996, so the current rule is applied throughout. */
    int64_t bst_start = last_sunday(y, 3) * CLOCK_SECONDS_PER_DAY + 3600;
    int64_t bst_end = last_sunday(y, 10) * CLOCK_SECONDS_PER_DAY + 3600;
    return instant >= bst_start && instant < bst_end ? 3600 : 0;
}

int64_t clock_london_to_instant(int64_t day, int hour, int minute, int second)
{
    int64_t wall =
        day * CLOCK_SECONDS_PER_DAY + (int64_t)hour * 3600 + (int64_t)minute * 60 + second;
    /* Try BST first: in the autumn overlap this picks the first occurrence. If the
     * BST reading is not in summer time, the wall time is GMT, which also gives the
     * later reading of a time in the spring gap (01:30 on the day the clocks go
     * forward becomes 01:30 UTC, i.e. 02:30 BST). */
    if (clock_london_offset(wall - 3600) == 3600)
        return wall - 3600;
    return wall;
}

int64_t clock_london_day(int64_t instant)
{
    return clock_day_of(instant + clock_london_offset(instant));
}

void clock_format_london_date(struct buf *b, int64_t day)
{
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    buf_printf(b, "%d %s %d", d, month_names[m - 1], y);
}

void clock_format_london(struct buf *b, int64_t instant)
{
    int64_t wall = instant + clock_london_offset(instant);
    int64_t day = clock_day_of(wall);
    int64_t secs = wall - day * CLOCK_SECONDS_PER_DAY;
    int hour = (int)(secs / 3600);
    int minute = (int)(secs % 3600 / 60);
    /* GOV.UK style: 12-hour clock, "am"/"pm" with no space, no ":00" on the hour. */
    int hour12 = hour % 12 == 0 ? 12 : hour % 12;
    const char *half = hour < 12 ? "am" : "pm";
    clock_format_london_date(b, day);
    if (minute == 0)
        buf_printf(b, " at %d%s", hour12, half);
    else
        buf_printf(b, " at %d:%02d%s", hour12, minute, half);
}
