/*
 * utf8: validation of text arriving from outside. Pure; thread-safe.
 */
#ifndef CASEWORK_CORE_UTF8_H
#define CASEWORK_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or code
 * points above U+10FFFF) and contains no NUL byte. */
bool utf8_valid(const char *s, size_t n);

/* Number of code points in a valid UTF-8 string. */
size_t utf8_length(const char *s);

#endif
