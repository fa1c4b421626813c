/*
 * jsonv: strict checking of JSON objects arriving from outside, against a
 * small declared schema: which members exist, their types, whether each is
 * required, and string length limits. Unknown members are refused, so a typo
 * in a client never silently does nothing. Pure; thread-safe.
 */
#ifndef CASEWORK_CORE_JSONV_H
#define CASEWORK_CORE_JSONV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum jsonv_type {
    JSONV_STRING,
    JSONV_INTEGER,
    JSONV_BOOLEAN,
    JSONV_INTEGER_ARRAY,
    JSONV_STRING_ARRAY, /* max_len limits the element count and each string to 200 bytes */
    JSONV_OBJECT,       /* checked by the caller with its own field list */
    JSONV_OBJECT_ARRAY, /* objects, each checked by the caller; max_len limits the count */
};

struct jsonv_field {
    const char *name;
    enum jsonv_type type;
    bool required;
    size_t max_len; /* strings: bytes; arrays: elements; 0 = no limit */
};

/* Check obj against fields; false with e naming the member and the rule. */
bool jsonv_check(const json_t *obj, const struct jsonv_field *fields, size_t n, struct err *e);

/* Member as a string, or NULL if absent or null. */
const char *jsonv_string(const json_t *obj, const char *name);

#endif
