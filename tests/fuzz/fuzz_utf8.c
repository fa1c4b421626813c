/*
 * libFuzzer target for core/utf8. Every form field and JSON string passes
 * through utf8_valid, so it is checked against an independent reference: the
 * Unicode Standard's Table 3-7 of well-formed byte sequences, written out
 * range by range (plus our rule that NUL is refused). A disagreement aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool in(uint8_t b, uint8_t lo, uint8_t hi)
{
    return b >= lo && b <= hi;
}

/* Length of the well-formed sequence at s[0..n), or 0 if there is none. */
static size_t table_3_7(const uint8_t *s, size_t n)
{
    uint8_t b = s[0];
    if (in(b, 0x01, 0x7F))
        return 1;
    if (in(b, 0xC2, 0xDF))
        return n >= 2 && in(s[1], 0x80, 0xBF) ? 2 : 0;
    if (b >= 0xE0 && b <= 0xEF) {
        uint8_t lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
        return n >= 3 && in(s[1], lo, hi) && in(s[2], 0x80, 0xBF) ? 3 : 0;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        uint8_t lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
        return n >= 4 && in(s[1], lo, hi) && in(s[2], 0x80, 0xBF) && in(s[3], 0x80, 0xBF) ? 4 : 0;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t code_points = 0;
    bool want = true;
    for (size_t i = 0; i < size;) {
        size_t len = table_3_7(data + i, size - i);
        if (!len) {
            want = false;
            break;
        }
        i += len;
        code_points++;
    }
    if (utf8_valid((const char *)data, size) != want)
        abort();
    if (want) {
        char *text = malloc(size + 1);
        if (!text)
            return 0;
        if (size)
            memcpy(text, data, size);
        text[size] = '\0';
        if (utf8_length(text) != code_points)
            abort();
        free(text);
    }
    return 0;
}
