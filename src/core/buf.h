/*
 * buf: the one growable text/byte buffer, used wherever text is built.
 *
 * Invariants: after buf_init, data is never NULL and is always NUL-terminated
 * (data[len] == '\0'), so it can be passed as a C string. A buffer may carry a
 * size limit (for anything fed from the network); an append that would pass
 * the limit, or an allocation failure, sets a sticky failure flag and leaves
 * the content as it was, so builders may append freely and check buf_failed()
 * once at the end. The owner calls buf_release. Not thread-safe: one owner.
 */
#ifndef CASEWORK_CORE_BUF_H
#define CASEWORK_CORE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
    char *data;   /* never NULL; NUL-terminated */
    size_t len;   /* bytes used, excluding the NUL */
    size_t cap;   /* bytes allocated (0 while data points at the shared empty string) */
    size_t limit; /* maximum len, 0 for no limit */
    bool failed;  /* an append was refused (limit or out of memory) */
    bool too_big; /* ...because of the limit */
};

#define BUF_INIT                                                                                   \
    {                                                                                              \
        (char *)buf_empty, 0, 0, 0, false, false                                                   \
    }
extern const char buf_empty[1];

void buf_init(struct buf *b, size_t limit);
void buf_release(struct buf *b);
/* Empty the buffer but keep its memory and limit; clears the failure flags. */
void buf_reset(struct buf *b);

bool buf_append(struct buf *b, const void *data, size_t n);
bool buf_puts(struct buf *b, const char *s);
bool buf_putc(struct buf *b, char c);
bool buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/* Append s with HTML escaping (& < > " ' become entities); safe in text and in
 * quoted attribute values. */
bool buf_html(struct buf *b, const char *s);
/* Append s percent-encoded for a URL query value or path segment. */
bool buf_urlenc(struct buf *b, const char *s);
/* Append lowercase hex of n bytes. */
bool buf_hex(struct buf *b, const unsigned char *bytes, size_t n);

/* Take ownership of the content as a malloc'd string (caller frees); the buffer
 * is left empty. Returns NULL if the buffer has failed or on out of memory. */
char *buf_detach(struct buf *b, size_t *len_out);

static inline bool buf_failed(const struct buf *b)
{
    return b->failed;
}

#endif
