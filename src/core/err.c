#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool err_set(struct err *e, enum err_code code, const char *field, const char *fmt, ...)
{
    if (!e)
        return false;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    /* Truncation is acceptable: the message is for people and stays readable. */
    int n = vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    if (n < 0)
        e->message[0] = '\0';
    return false;
}

void err_clear(struct err *e)
{
    if (!e)
        return;
    e->code = ERR_NONE;
    e->field[0] = '\0';
    e->message[0] = '\0';
}

const char *err_code_name(enum err_code code)
{
    switch (code) {
    case ERR_NONE:
        return "none";
    case ERR_INVALID:
        return "invalid";
    case ERR_NOT_FOUND:
        return "not-found";
    case ERR_CONFLICT:
        return "conflict";
    case ERR_DENIED:
        return "forbidden";
    case ERR_AUTH:
        return "unauthorised";
    case ERR_LOCKED:
        return "too-many-attempts";
    case ERR_TOO_BIG:
        return "too-large";
    case ERR_IO:
        return "io";
    case ERR_STORE:
        return "store";
    case ERR_NOMEM:
        return "out-of-memory";
    case ERR_INTERNAL:
        return "internal";
    }
    return "internal";
}

int err_http_status(enum err_code code)
{
    switch (code) {
    case ERR_NONE:
        return 200;
    case ERR_INVALID:
        return 422;
    case ERR_NOT_FOUND:
        return 404;
    case ERR_CONFLICT:
        return 409;
    case ERR_DENIED:
        return 403;
    case ERR_AUTH:
        return 401;
    case ERR_LOCKED:
        return 429;
    case ERR_TOO_BIG:
        return 413;
    case ERR_IO:
    case ERR_STORE:
    case ERR_NOMEM:
    case ERR_INTERNAL:
        return 500;
    }
    return 500;
}
