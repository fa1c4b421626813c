#include "core/jsonpos.h"

#include <stdbool.h>
#include <string.h>

struct scan {
    const char *p, *end;
    int line;
};

static void skip_ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) {
        if (*s->p == '\n')
            s->line++;
        s->p++;
    }
}

/* Past a string starting at its opening quote. JSON strings cannot hold a raw
 * newline, so lines need no counting inside them. */
static bool skip_string(struct scan *s)
{
    if (s->p >= s->end || *s->p != '"')
        return false;
    for (s->p++; s->p < s->end; s->p++) {
        if (*s->p == '\\') {
            s->p++;
            continue;
        }
        if (*s->p == '"') {
            s->p++;
            return true;
        }
    }
    return false;
}

/* Past one value of any kind. Containers are skipped by counting brackets
 * outside strings, so depth costs nothing and cannot overflow the stack. */
static bool skip_value(struct scan *s)
{
    skip_ws(s);
    if (s->p >= s->end)
        return false;
    if (*s->p == '"')
        return skip_string(s);
    if (*s->p != '{' && *s->p != '[') {
        /* A NUL is not a delimiter (strchr would find the terminator), and a
         * scalar must advance: malformed text such as "[,]" or NUL bytes would
         * otherwise loop for ever. */
        const char *start = s->p;
        while (s->p < s->end && (*s->p == '\0' || !strchr(",]} \t\r\n", *s->p)))
            s->p++;
        return s->p > start;
    }
    size_t depth = 0;
    while (s->p < s->end) {
        char c = *s->p;
        if (c == '"') {
            if (!skip_string(s))
                return false;
            continue;
        }
        if (c == '\n')
            s->line++;
        else if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth == 0) {
            s->p++;
            return true;
        }
        s->p++;
    }
    return false;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Next byte of a JSON string's decoded content from *p (just inside the quotes),
 * or -1 at the closing quote. \uXXXX escapes outside ASCII decode to a byte that
 * matches nothing (0xFF never occurs in UTF-8), which is enough for comparing. */
static int string_byte(const char **p, const char *end)
{
    if (*p >= end || **p == '"')
        return -1;
    char c = *(*p)++;
    if (c != '\\' || *p >= end)
        return (unsigned char)c;
    c = *(*p)++;
    switch (c) {
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    case 'u': {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = *p < end ? hex_digit(**p) : -1;
            if (d < 0)
                return 0xFF;
            v = v * 16 + d;
            (*p)++;
        }
        return v < 0x80 ? v : 0xFF;
    }
    default:
        return (unsigned char)c; /* \" \\ \/ */
    }
}

/* Next byte of a pointer segment (RFC 6901: ~1 is '/', ~0 is '~'), or -1 at its end. */
static int segment_byte(const char **p)
{
    if (**p == '\0' || **p == '/')
        return -1;
    if (**p == '~' && ((*p)[1] == '0' || (*p)[1] == '1')) {
        int c = (*p)[1] == '1' ? '/' : '~';
        *p += 2;
        return c;
    }
    return (unsigned char)*(*p)++;
}

/* Whether the string at s->p (its opening quote) equals segment seg. */
static bool key_equals(const struct scan *s, const char *seg)
{
    const char *k = s->p + 1;
    for (;;) {
        int a = string_byte(&k, s->end), b = segment_byte(&seg);
        if (a != b)
            return false;
        if (a < 0)
            return true;
    }
}

/* The array index a segment names, or -1 if it is not a plain decimal number. */
static long segment_index(const char *seg)
{
    long n = 0;
    const char *p = seg;
    if (*p == '\0' || *p == '/' || (*p == '0' && p[1] != '\0' && p[1] != '/'))
        return -1;
    for (; *p && *p != '/'; p++) {
        if (*p < '0' || *p > '9' || n > 100000000)
            return -1;
        n = n * 10 + (*p - '0');
    }
    return n;
}

/* At the start of a value (whitespace skipped); ptr is the rest of the pointer,
 * "" or "/seg...". Returns the line of the value it names or the deepest found. */
static int locate(struct scan *s, const char *ptr, int here)
{
    if (*ptr == '\0')
        return here;
    const char *seg = ptr + 1;
    const char *rest = strchr(seg, '/');
    if (!rest)
        rest = seg + strlen(seg);
    if (s->p >= s->end)
        return here;
    if (*s->p == '{') {
        s->p++;
        for (;;) {
            skip_ws(s);
            if (s->p >= s->end || *s->p != '"')
                return here; /* '}' (not found) or malformed */
            int key_line = s->line;
            bool match = key_equals(s, seg);
            if (!skip_string(s))
                return here;
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':')
                return here;
            s->p++;
            skip_ws(s);
            if (match)
                return locate(s, rest, key_line);
            if (!skip_value(s))
                return here;
            skip_ws(s);
            if (s->p < s->end && *s->p == ',')
                s->p++;
        }
    }
    if (*s->p == '[') {
        long want = segment_index(seg);
        if (want < 0)
            return here;
        s->p++;
        for (long i = 0;; i++) {
            skip_ws(s);
            if (s->p >= s->end || *s->p == ']')
                return here;
            if (i == want)
                return locate(s, rest, s->line);
            if (!skip_value(s))
                return here;
            skip_ws(s);
            if (s->p < s->end && *s->p == ',')
                s->p++;
        }
    }
    return here; /* a scalar has no members */
}

int jsonpos_line(const char *text, size_t len, const char *pointer)
{
    if (!text || !pointer)
        return 0;
    struct scan s = {text, text + len, 1};
    skip_ws(&s);
    if (s.p >= s.end)
        return 0;
    return locate(&s, pointer, s.line);
}
