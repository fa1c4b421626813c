/*
 * arena: per-request bump allocator. Everything that lives exactly as long as
 * one request (parsed form fields, path parameters, strings for a page) is
 * taken from the request's arena and freed in one go by arena_release when the
 * response has been queued. Allocation failure returns NULL (never aborts).
 * Not thread-safe: one arena belongs to one request.
 */
#ifndef CASEWORK_CORE_ARENA_H
#define CASEWORK_CORE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
    size_t total; /* bytes handed out, for limits and diagnostics */
};

#define ARENA_INIT                                                                                 \
    {                                                                                              \
        NULL, 0                                                                                    \
    }

/* n bytes, aligned for any type, zeroed; NULL on out of memory. */
void *arena_alloc(struct arena *a, size_t n);
/* Copy of s (or of its first n bytes for arena_strndup); NULL on out of memory. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Move every allocation of from into into (they then live as long as into's);
 * from is left empty. For work done on another thread with an arena of its own. */
void arena_adopt(struct arena *into, struct arena *from);
/* Free every allocation at once; the arena is reusable afterwards. */
void arena_release(struct arena *a);

#endif
