#include "core/calendar.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"

/* Names are for display on a page; a longer one in the files is a mistake. */
#define NAME_MAX_CHARS 200

struct holiday {
    int64_t day;
    size_t name;  /* offset of the NUL-terminated name in calendar.names */
    size_t order; /* position in load order, so the bank holiday's name wins a tie */
};

struct calendar {
    struct holiday *days; /* sorted by day, one entry per day */
    size_t n, cap;
    struct buf names; /* every name, each followed by its NUL */
};

static struct calendar *calendar_new(struct err *e)
{
    struct calendar *c = calloc(1, sizeof *c);
    if (!c) {
        err_set(e, ERR_NOMEM, "", "out of memory creating a calendar");
        return NULL;
    }
    buf_init(&c->names, 0);
    return c;
}

void calendar_free(struct calendar *c)
{
    if (!c)
        return;
    free(c->days);
    buf_release(&c->names);
    free(c);
}

/* Store a name and return its offset, or SIZE_MAX when out of memory. */
static size_t add_name(struct calendar *c, const char *name, size_t len)
{
    size_t at = c->names.len;
    if (!buf_append(&c->names, name, len) || !buf_putc(&c->names, '\0'))
        return SIZE_MAX;
    return at;
}

static bool add_day(struct calendar *c, int64_t day, size_t name, struct err *e)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct holiday *grown =
            cap > SIZE_MAX / sizeof *grown ? NULL : realloc(c->days, cap * sizeof *grown);
        if (!grown)
            return err_set(e, ERR_NOMEM, "", "out of memory loading the calendar");
        c->days = grown;
        c->cap = cap;
    }
    c->days[c->n] = (struct holiday){day, name, c->n};
    c->n++;
    return true;
}

static int by_day_then_order(const void *pa, const void *pb)
{
    const struct holiday *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Sort and keep the first-loaded entry of each day, so lookups can binary search
 * and counting never subtracts a day twice. */
static void finish(struct calendar *c)
{
    if (c->n == 0)
        return;
    qsort(c->days, c->n, sizeof *c->days, by_day_then_order);
    size_t kept = 1;
    for (size_t i = 1; i < c->n; i++)
        if (c->days[i].day != c->days[kept - 1].day)
            c->days[kept++] = c->days[i];
    c->n = kept;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* One line of a calendar file: blank, a '#' comment, or "YYYY-MM-DD Name". */
static bool parse_line(struct calendar *c, const char *path, int lineno, char *line, size_t len,
                       struct err *e)
{
    if (memchr(line, '\0', len))
        return err_set(e, ERR_INVALID, "", "%s line %d: contains a NUL byte, not text", path,
                       lineno);
    while (len > 0 && (is_blank(line[len - 1]) || line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    const char *p = line;
    while (is_blank(*p))
        p++;
    if (*p == '\0' || *p == '#')
        return true;

    const char *end = p;
    while (*end && !is_blank(*end))
        end++;
    size_t date_len = (size_t)(end - p);
    char date[11] = "";
    int64_t day = 0;
    if (date_len == 10) {
        memcpy(date, p, 10);
        date[10] = '\0';
    }
    if (date_len != 10 || !clock_parse_date(date, &day, NULL))
        return err_set(e, ERR_INVALID, "",
                       "%s line %d: '%.*s' is not a real date in the form YYYY-MM-DD", path, lineno,
                       (int)(date_len > 40 ? 40 : date_len), p);

    const char *name = end;
    while (is_blank(*name))
        name++;
    size_t name_len = strlen(name);
    if (name_len == 0)
        return err_set(e, ERR_INVALID, "",
                       "%s line %d: %s has no name (write 'YYYY-MM-DD Name of the day')", path,
                       lineno, date);
    if (name_len > NAME_MAX_CHARS)
        return err_set(e, ERR_INVALID, "", "%s line %d: the name is longer than %d characters",
                       path, lineno, NAME_MAX_CHARS);
    for (size_t i = 0; i < name_len; i++)
        if ((unsigned char)name[i] < 0x20 && name[i] != '\t')
            return err_set(e, ERR_INVALID, "", "%s line %d: the name contains a control character",
                           path, lineno);

    size_t at = add_name(c, name, name_len);
    if (at == SIZE_MAX)
        return err_set(e, ERR_NOMEM, "", "out of memory loading %s", path);
    return add_day(c, day, at, e);
}

static bool load_file(struct calendar *c, const char *path, struct err *e)
{
    bool ok = false;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    int lineno = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(e, ERR_IO, "", "cannot open %s: %s", path, strerror(errno));
    while ((got = getline(&line, &line_cap, f)) != -1) {
        lineno++;
        if (!parse_line(c, path, lineno, line, (size_t)got, e))
            goto done;
    }
    if (ferror(f)) {
        err_set(e, ERR_IO, "", "cannot read %s: %s", path, strerror(errno));
        goto done;
    }
    ok = true;
done:
    free(line);
    (void)fclose(f); /* read-only: nothing buffered to lose */
    return ok;
}

struct calendar *calendar_load(const char *bank_holidays_path, const char *closures_path,
                               struct err *e)
{
    struct calendar *c = calendar_new(e);
    if (!c)
        return NULL;
    /* Bank holidays first, so a day in both files keeps its bank holiday name. */
    if (!load_file(c, bank_holidays_path, e) ||
        (closures_path && !load_file(c, closures_path, e))) {
        calendar_free(c);
        return NULL;
    }
    finish(c);
    return c;
}

struct calendar *calendar_from_days(const int64_t *days, size_t n, struct err *e)
{
    static const char name[] = "Non-working day";
    struct calendar *c = calendar_new(e);
    if (!c)
        return NULL;
    size_t at = add_name(c, name, sizeof name - 1);
    if (at == SIZE_MAX) {
        err_set(e, ERR_NOMEM, "", "out of memory creating a calendar");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        if (!add_day(c, days[i], at, e))
            goto fail;
    finish(c);
    return c;
fail:
    calendar_free(c);
    return NULL;
}

/* Index of the first entry with day > after (c->n if none). A NULL calendar has no
 * entries: weekends only. */
static size_t first_after(const struct calendar *c, int64_t after)
{
    if (!c)
        return 0;
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->days[mid].day <= after)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const struct holiday *find(const struct calendar *c, int64_t day)
{
    size_t i = first_after(c, day - 1);
    return c && i < c->n && c->days[i].day == day ? &c->days[i] : NULL;
}

bool calendar_is_working_day(const struct calendar *c, int64_t day)
{
    return clock_weekday(day) < 5 && !find(c, day);
}

const char *calendar_holiday_name(const struct calendar *c, int64_t day)
{
    const struct holiday *h = find(c, day);
    return h ? c->names.data + h->name : NULL;
}

static int64_t floor_div7(int64_t a)
{
    return a >= 0 ? a / 7 : -((-a + 6) / 7);
}

/* Monday-to-Friday days up to and including day, counted from a fixed origin; only
 * differences are meaningful. With z = day + 4, z mod 7 is 1..5 for Monday..Friday,
 * 6 for Saturday and 0 for Sunday, so min(z mod 7, 5) is the weekdays so far in
 * z's week and 5 per whole week before it. */
static int64_t weekdays_through(int64_t day)
{
    int64_t z = day + 4;
    int64_t weeks = floor_div7(z);
    int64_t rest = z - weeks * 7;
    return weeks * 5 + (rest < 5 ? rest : 5);
}

/* Working days d with from < d <= to, for from <= to. Arithmetic on weeks, then the
 * weekday holidays in range, so long ranges cost no more than short ones. */
static int64_t count_forward(const struct calendar *c, int64_t from, int64_t to)
{
    int64_t count = weekdays_through(to) - weekdays_through(from);
    if (!c)
        return count;
    size_t end = first_after(c, to);
    for (size_t i = first_after(c, from); i < end; i++)
        if (clock_weekday(c->days[i].day) < 5)
            count--;
    return count;
}

int calendar_count_working_days(const struct calendar *c, int64_t from, int64_t to)
{
    /* Going back is the mirror image of going forward: working days d with
     * to <= d < from, negated. That keeps count(f, add(f, n)) == n for negative n
     * even when f is not a working day (Saturday minus 1 working day is Friday,
     * one working day back). */
    int64_t count = to >= from ? count_forward(c, from, to) : -count_forward(c, to - 1, from - 1);
    if (count > INT_MAX)
        return INT_MAX;
    if (count < INT_MIN)
        return INT_MIN;
    return (int)count;
}

int64_t calendar_add_working_days(const struct calendar *c, int64_t day, int n)
{
    if (n == 0)
        return day;
    int64_t want = n > 0 ? (int64_t)n : -(int64_t)n;
    /* Any 7 days hold 5 weekdays and each listed day removes at most one, so the
     * answer lies within 2 * (want + listed) + 7 days: binary search that span. */
    int64_t span = 2 * (want + (int64_t)(c ? c->n : 0)) + 7;
    if (n > 0) {
        int64_t lo = day + 1, hi = day + span;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (count_forward(c, day, mid) >= want)
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    }
    int64_t lo = day - span, hi = day - 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo + 1) / 2;
        if (count_forward(c, mid - 1, day - 1) >= want)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

int64_t calendar_add_months(int64_t day, int n)
{
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    int64_t months = (int64_t)y * 12 + (m - 1) + n;
    int64_t years = months >= 0 ? months / 12 : -((-months + 11) / 12);
    int ny = (int)years;
    int nm = (int)(months - years * 12) + 1;
    int last = clock_days_in_month(ny, nm);
    return clock_days_from_civil(ny, nm, d < last ? d : last);
}

static bool word_is(const char *w, size_t len, const char *want)
{
    size_t i = 0;
    for (; i < len && want[i]; i++) {
        char ch = w[i] >= 'A' && w[i] <= 'Z' ? (char)(w[i] - 'A' + 'a') : w[i];
        if (ch != want[i])
            return false;
    }
    return i == len && want[i] == '\0';
}

/* Singular or plural: "1 working day" reads right, and "1 working days" is a slip
 * that changes nothing, so both are accepted. */
static bool unit_is(const char *w, size_t len, const char *singular)
{
    if (word_is(w, len, singular))
        return true;
    return len > 1 && (w[len - 1] == 's' || w[len - 1] == 'S') && word_is(w, len - 1, singular);
}

bool calendar_parse_timescale(const char *text, struct timescale *out, struct err *e)
{
    const char *word[3];
    size_t word_len[3];
    size_t words = 0;
    const char *p = text ? text : "";
    while (*p) {
        while (is_blank(*p))
            p++;
        if (!*p)
            break;
        if (words == 3)
            goto bad;
        word[words] = p;
        while (*p && !is_blank(*p))
            p++;
        word_len[words] = (size_t)(p - word[words]);
        words++;
    }
    if (words < 2)
        goto bad;

    /* Whole numbers only: no sign, no decimals. Nine digits at most so the value
     * cannot overflow before the range check. */
    for (size_t i = 0; i < word_len[0]; i++)
        if (word[0][i] < '0' || word[0][i] > '9')
            goto bad;
    if (word_len[0] > 9)
        goto range;
    int amount = 0;
    for (size_t i = 0; i < word_len[0]; i++)
        amount = amount * 10 + (word[0][i] - '0');

    enum timescale_unit unit;
    if (words == 3 && word_is(word[1], word_len[1], "working") &&
        unit_is(word[2], word_len[2], "day"))
        unit = TIMESCALE_WORKING_DAYS;
    else if ((words == 3 && word_is(word[1], word_len[1], "calendar") &&
              unit_is(word[2], word_len[2], "day")) ||
             (words == 2 && unit_is(word[1], word_len[1], "day")))
        unit = TIMESCALE_CALENDAR_DAYS;
    else if (words == 2 && unit_is(word[1], word_len[1], "month"))
        unit = TIMESCALE_MONTHS;
    else if (words == 2 && unit_is(word[1], word_len[1], "hour"))
        unit = TIMESCALE_HOURS;
    else
        goto bad;
    if (amount > CALENDAR_TIMESCALE_MAX)
        goto range;
    out->unit = unit;
    out->amount = amount;
    return true;
range:
    return err_set(e, ERR_INVALID, "",
                   "'%.40s' is not a timescale: the number must be from 0 to %d", text,
                   CALENDAR_TIMESCALE_MAX);
bad:
    return err_set(e, ERR_INVALID, "",
                   "'%.40s' is not a timescale: write a whole number from 0 to %d then 'working "
                   "days', 'calendar days', 'days', 'months' or 'hours', e.g. '15 working days'",
                   text ? text : "", CALENDAR_TIMESCALE_MAX);
}

int64_t calendar_due(const struct calendar *c, const struct timescale *t, int64_t start_instant)
{
    /* Hours run round the clock from the exact start (e.g. 24 hours to decide
     * what happens to a referral). A local rule counting only working hours is
     * out of scope here. */
    if (t->unit == TIMESCALE_HOURS)
        return start_instant + (int64_t)t->amount * 3600;

    /* Day and month timescales start from the day the clock starts in London (a
     * referral received at 00:30 BST on 1 June was received on 1 June) and run to
     * the end of the due day, so anything done that day is in time. */
    int64_t start_day = clock_london_day(start_instant);
    int64_t due_day = start_day;
    switch (t->unit) {
    case TIMESCALE_WORKING_DAYS:
        due_day = calendar_add_working_days(c, start_day, t->amount);
        break;
    case TIMESCALE_CALENDAR_DAYS:
        due_day = start_day + t->amount;
        break;
    case TIMESCALE_MONTHS:
        due_day = calendar_add_months(start_day, t->amount);
        break;
    case TIMESCALE_HOURS:
        break;
    }
    return clock_london_to_instant(due_day, 23, 59, 59);
}

bool calendar_is_overdue(int64_t due_instant, int64_t now)
{
    return now > due_instant;
}
