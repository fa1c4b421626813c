/*
 * libFuzzer target for the calendar and clock parsers: the input is loaded as
 * a bank holiday file (calendar_load via a temporary file) and, as text, given
 * to clock_parse_date, clock_parse_instant and calendar_parse_timescale. What
 * parses must keep the documented properties: a date formats back to the same
 * text, an instant survives format and re-parse, a timescale is in range, and
 * counting the working days that calendar_add_working_days added gives n back.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/casework-fuzz-calendar-XXXXXX";
static int fd = -1;

static void remove_file(void)
{
    if (fd >= 0)
        unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fd = mkstemp(path);
    if (fd < 0)
        abort();
    atexit(remove_file);
    return 0;
}

static void check_calendar(const struct calendar *c)
{
    static const int ns[] = {0, 1, 5, 20, -1, -15};
    int64_t from = clock_days_from_civil(2026, 12, 18);
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        int64_t to = calendar_add_working_days(c, from, ns[i]);
        if (calendar_count_working_days(c, from, to) != ns[i])
            abort();
        if (ns[i] && !calendar_is_working_day(c, to))
            abort();
    }
}

static void check_text(const char *text)
{
    struct err e = ERR_INIT;
    struct buf b = BUF_INIT;
    int64_t day, instant;
    if (clock_parse_date(text, &day, &e)) {
        clock_format_date(&b, day);
        if (strcmp(b.data, text) != 0)
            abort();
    } else if (e.code != ERR_INVALID) {
        abort();
    }
    buf_reset(&b);
    err_clear(&e);
    if (clock_parse_instant(text, &instant, &e)) {
        /* Formatting covers years 0000-9999; an offset can push past either end. */
        int64_t first = clock_days_from_civil(0, 1, 1) * CLOCK_SECONDS_PER_DAY;
        int64_t last = clock_days_from_civil(9999, 12, 31) * CLOCK_SECONDS_PER_DAY + 86399;
        int64_t again;
        clock_format_instant(&b, instant);
        if (instant >= first && instant <= last &&
            (!clock_parse_instant(b.data, &again, NULL) || again != instant))
            abort();
    } else if (e.code != ERR_INVALID) {
        abort();
    }
    buf_release(&b);
    struct timescale t;
    err_clear(&e);
    if (calendar_parse_timescale(text, &t, &e)) {
        if (t.amount < 0 || t.amount > CALENDAR_TIMESCALE_MAX)
            abort();
        struct calendar *none = calendar_from_days(NULL, 0, NULL);
        if (!none)
            abort();
        int64_t start = clock_days_from_civil(2026, 3, 27) * CLOCK_SECONDS_PER_DAY + 3600;
        if (calendar_due(none, &t, start) < start)
            abort();
        calendar_free(none);
    } else if (e.code != ERR_INVALID) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    struct err e = ERR_INIT;
    struct calendar *c = calendar_load(path, NULL, &e);
    if (c) {
        check_calendar(c);
        calendar_free(c);
    } else if (e.code != ERR_INVALID || !strstr(e.message, path)) {
        abort(); /* a refusal names the file and line */
    }

    char *text = malloc(size + 1);
    if (!text)
        abort();
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    check_text(text);
    free(text);
    return 0;
}
