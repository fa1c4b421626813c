/*
 * libFuzzer target for domain/uploads and core/csv, which take bytes and
 * names from outside (uploaded documents, text exported to spreadsheets).
 * The input is "name\0bytes". Checked: an accepted file's bytes begin with
 * its type's magic number (or are text) and are never a program; a safe
 * name holds only the allowed characters; a CSV cell never begins with a
 * formula sign and has its quotes balanced.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "domain/uploads.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    if (!nul)
        return 0;
    const char *name = (const char *)data;
    const unsigned char *bytes = nul + 1;
    size_t len = size - (size_t)(nul + 1 - data);
    const char *type = NULL;
    struct err e = ERR_INIT;
    if (uploads_check("documents", name, bytes, len, &type, &e)) {
        if (!type || !len)
            abort();
        if ((len >= 4 && !memcmp(bytes,
                                 "\x7f"
                                 "ELF",
                                 4)) ||
            (len >= 2 && (!memcmp(bytes, "MZ", 2) || !memcmp(bytes, "#!", 2))))
            abort();
        if (!strcmp(type, "application/pdf") && (len < 5 || memcmp(bytes, "%PDF-", 5)))
            abort();
    } else if (e.code != ERR_INVALID && e.code != ERR_TOO_BIG) {
        abort();
    }
    char safe[64];
    uploads_safe_name(name, safe, sizeof safe);
    for (const char *p = safe; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_ ", *p))
            abort();
    struct buf b = BUF_INIT;
    csv_cell(&b, name);
    if (b.len && strchr("=+-@\t\r", b.data[0]))
        abort();
    size_t quotes = 0;
    for (size_t i = 0; i < b.len; i++)
        quotes += b.data[i] == '"';
    if (quotes % 2)
        abort();
    buf_release(&b);
    return 0;
}
