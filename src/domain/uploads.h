/*
 * uploads: what supporting documents may be. A file is accepted only if its
 * name's extension is on the allow-list and its bytes begin with that type's
 * magic number (or, for text, are plain UTF-8 text), so an executable or a
 * script renamed to .pdf is refused; the content type we store and serve is
 * the allow-list's, never the client's. Limits: UPLOADS_MAX_BYTES a file,
 * UPLOADS_MAX_FILES a record, names of UPLOADS_MAX_NAME characters.
 *
 * Pure functions; thread-safe.
 */
#ifndef CASEWORK_DOMAIN_UPLOADS_H
#define CASEWORK_DOMAIN_UPLOADS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum {
    UPLOADS_MAX_BYTES = 5 * 1024 * 1024, /* a scanned letter or a few photographs */
    UPLOADS_MAX_FILES = 5,
    UPLOADS_MAX_NAME = 100,
};

/* The allow-list, for hints: ".pdf, .png, .jpg, .jpeg, .docx, .txt". */
extern const char UPLOADS_ALLOWED[];

/* Check one file (field names the form field for the error). On success
 * *content_type is the allow-listed type for its bytes. ERR_TOO_BIG over the
 * size limit; ERR_INVALID for an empty file, a bad name, a type not on the
 * list, or bytes that are not what the extension says (naming what they look
 * like when it is an executable or a script). */
bool uploads_check(const char *field, const char *filename, const unsigned char *data, size_t len,
                   const char **content_type, struct err *e);

/* A copy of filename safe in a Content-Disposition header and a page: the
 * last path segment, with anything but letters, digits, '.', '-', '_' and
 * space replaced by '_', at most out_size - 1 bytes. */
void uploads_safe_name(const char *filename, char *out, size_t out_size);

#endif
