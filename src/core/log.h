/*
 * log: structured logging to stderr, one line per event as key=value pairs
 * (values quoted when they contain spaces), e.g.
 *   ts=2026-11-22T10:00:00Z level=info event=request id=4f.. user=alice
 *   method=GET path=/ status=200 ms=1.2
 * Thread-safe: each line is written with one write(2) call. The level is set
 * once at startup.
 */
#ifndef CASEWORK_CORE_LOG_H
#define CASEWORK_CORE_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Parse "debug", "info", "warn" or "error"; false if unknown. */
bool log_parse_level(const char *s, enum log_level *out);
void log_set_level(enum log_level level);
bool log_enabled(enum log_level level);

/* Write one line: event name, then alternating key, value strings ending in NULL.
 * A NULL value is written as "-". */
void log_event(enum log_level level, const char *event, ...) __attribute__((sentinel));

#endif
