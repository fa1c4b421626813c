/*
 * embedded: files compiled into the binary by tools/embed.c (SQL migrations,
 * page assets). Tables are sorted by name and immutable; thread-safe.
 */
#ifndef CASEWORK_CORE_EMBEDDED_H
#define CASEWORK_CORE_EMBEDDED_H

#include <stddef.h>
#include <stdint.h>

struct embedded_file {
    const char *name;          /* e.g. "0001_init.sql" or "/assets/fonts/x.woff2" */
    const unsigned char *data; /* NUL-terminated */
    size_t len;
    uint64_t hash; /* FNV-1a of the content */
};

/* Find name in a sorted table; NULL when absent. */
const struct embedded_file *embedded_find(const struct embedded_file *table, size_t count,
                                          const char *name);

#endif
