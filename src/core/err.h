/*
 * err: the one error type. A function that can fail returns a status (bool or
 * int) and fills a caller-owned struct err with a machine code, the name of the
 * input field at fault (empty when none) and a human message that says which
 * rule failed. The caller decides how to show it (problem+json, a form error
 * summary, a CLI message). Plain value type; no allocation; thread-safe.
 */
#ifndef CASEWORK_CORE_ERR_H
#define CASEWORK_CORE_ERR_H

#include <stdbool.h>

enum err_code {
    ERR_NONE = 0,
    ERR_INVALID,   /* input broke a validation rule (400/422) */
    ERR_NOT_FOUND, /* no such record (404) */
    ERR_CONFLICT,  /* clashes with existing state (409) */
    ERR_DENIED,    /* not permitted (403) */
    ERR_AUTH,      /* not signed in or bad credentials (401) */
    ERR_LOCKED,    /* too many attempts, try later (429) */
    ERR_TOO_BIG,   /* over a size limit (413) */
    ERR_IO,        /* file or OS error */
    ERR_STORE,     /* database error */
    ERR_NOMEM,     /* allocation failed */
    ERR_INTERNAL,  /* a bug or an impossible state */
};

struct err {
    enum err_code code;
    char field[64];    /* input field at fault, "" when none */
    char message[256]; /* human sentence naming the rule; truncated if longer */
};

#define ERR_INIT                                                                                   \
    {                                                                                              \
        ERR_NONE, "", ""                                                                           \
    }

/* Fill e (if not NULL) and return false, so callers can `return err_set(...)`. */
bool err_set(struct err *e, enum err_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reset e to ERR_NONE. */
void err_clear(struct err *e);

/* Short stable name of a code ("invalid", "not-found", ...), used in problem types. */
const char *err_code_name(enum err_code code);

/* HTTP status that best represents a code (400 for ERR_INVALID, 500 for ERR_STORE...). */
int err_http_status(enum err_code code);

#endif
