#include "web/html.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

void html(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *run = fmt;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        buf_append(b, run, (size_t)(p - run));
        p++;
        switch (*p) {
        case 's':
            buf_html(b, va_arg(ap, const char *));
            break;
        case 'u': {
            const char *s = va_arg(ap, const char *);
            if (s)
                buf_urlenc(b, s);
            break;
        }
        case 'R': {
            const char *s = va_arg(ap, const char *);
            if (s)
                buf_puts(b, s);
            break;
        }
        case 'd':
            buf_printf(b, "%d", va_arg(ap, int));
            break;
        case 'D':
            buf_printf(b, "%lld", (long long)va_arg(ap, int64_t));
            break;
        case '%':
            buf_putc(b, '%');
            break;
        default:
            /* An unknown directive is a programming error; show it rather than guess. */
            buf_puts(b, "[bad format]");
            if (!*p)
                p--;
            break;
        }
        run = p + 1;
    }
    buf_puts(b, run);
    va_end(ap);
}
