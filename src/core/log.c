#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

static atomic_int current_level = LOG_INFO;

static const char *level_names[] = {"debug", "info", "warn", "error"};

bool log_parse_level(const char *s, enum log_level *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return true;
        }
    }
    return false;
}

void log_set_level(enum log_level level)
{
    atomic_store(&current_level, (int)level);
}

bool log_enabled(enum log_level level)
{
    return (int)level >= atomic_load(&current_level);
}

static void put_value(struct buf *b, const char *v)
{
    if (!v || !*v) {
        buf_putc(b, '-');
        return;
    }
    bool quote = strpbrk(v, " \t\"=") != NULL;
    if (quote)
        buf_putc(b, '"');
    for (const char *p = v; *p; p++) {
        /* Keep one event on one line whatever the value holds (log injection). */
        if (*p == '\n' || *p == '\r')
            buf_puts(b, "\\n");
        else if (*p == '"')
            buf_puts(b, "\\\"");
        else
            buf_putc(b, *p);
    }
    if (quote)
        buf_putc(b, '"');
}

void log_event(enum log_level level, const char *event, ...)
{
    if (!log_enabled(level))
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

    struct buf b;
    buf_init(&b, 16 * 1024);
    buf_printf(&b, "ts=%s level=%s event=", stamp, level_names[level]);
    put_value(&b, event);
    va_list ap;
    va_start(ap, event);
    for (;;) {
        const char *key = va_arg(ap, const char *);
        if (!key)
            break;
        const char *value = va_arg(ap, const char *);
        buf_printf(&b, " %s=", key);
        put_value(&b, value);
    }
    va_end(ap);
    if (b.too_big) {
        buf_reset(&b);
        buf_printf(&b, "ts=%s level=%s event=log-line-too-long", stamp, level_names[level]);
    }
    buf_putc(&b, '\n');
    if (!buf_failed(&b)) {
        ssize_t w = write(STDERR_FILENO, b.data, b.len);
        (void)w; /* nowhere left to report a failed log write */
    }
    buf_release(&b);
}
