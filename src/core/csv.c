#include "core/csv.h"

#include <string.h>

void csv_cell(struct buf *b, const char *text)
{
    const char *s = text ? text : "";
    bool formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        buf_putc(b, '"');
    if (formula)
        buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    if (quote)
        buf_putc(b, '"');
}

void csv_row(struct buf *b, const char *const *cells, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        csv_cell(b, cells[i]);
    }
    buf_puts(b, "\r\n");
}
