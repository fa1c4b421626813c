#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char buf_empty[1] = "";

void buf_init(struct buf *b, size_t limit)
{
    b->data = (char *)buf_empty;
    b->len = 0;
    b->cap = 0;
    b->limit = limit;
    b->failed = false;
    b->too_big = false;
}

void buf_release(struct buf *b)
{
    if (b->cap)
        free(b->data);
    buf_init(b, b->limit);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->cap)
        b->data[0] = '\0';
    b->failed = false;
    b->too_big = false;
}

/* Make room for n more bytes plus the NUL. */
static bool grow(struct buf *b, size_t n)
{
    if (b->failed)
        return false;
    if (n > SIZE_MAX / 2 - b->len || (b->limit && b->len + n > b->limit)) {
        b->failed = true;
        b->too_big = true;
        return false;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->cap ? b->data : NULL, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    if (!b->cap)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return true;
}

bool buf_append(struct buf *b, const void *data, size_t n)
{
    if (!grow(b, n))
        return false;
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

bool buf_putc(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

bool buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->failed = true;
        return false;
    }
    if ((size_t)n < sizeof small)
        return buf_append(b, small, (size_t)n);
    if (!grow(b, (size_t)n))
        return false;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return true;
}

bool buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return ok;
}

bool buf_html(struct buf *b, const char *s)
{
    if (!s)
        return true;
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        buf_append(b, run, (size_t)(p - run));
        buf_puts(b, rep);
        run = p + 1;
    }
    return buf_puts(b, run);
}

bool buf_urlenc(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            buf_putc(b, (char)c);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_append(b, enc, 3);
        }
    }
    return !b->failed;
}

bool buf_hex(struct buf *b, const unsigned char *bytes, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        char pair[2] = {hex[bytes[i] >> 4], hex[bytes[i] & 15]};
        buf_append(b, pair, 2);
    }
    return !b->failed;
}

char *buf_detach(struct buf *b, size_t *len_out)
{
    if (b->failed)
        return NULL;
    char *out;
    if (b->cap) {
        out = b->data;
    } else {
        out = malloc(1);
        if (!out)
            return NULL;
        out[0] = '\0';
    }
    if (len_out)
        *len_out = b->len;
    size_t limit = b->limit;
    buf_init(b, limit);
    return out;
}
