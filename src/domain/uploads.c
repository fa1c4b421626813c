/*
 * Upload checks: extension allow-list, magic numbers, and refusing what looks
 * like a program whatever it is called.
 */
#include "domain/uploads.h"

#include <string.h>
#include <strings.h>

#include "core/utf8.h"

const char UPLOADS_ALLOWED[] = ".pdf, .png, .jpg, .jpeg, .docx, .txt";

struct kind {
    const char *ext, *content_type, *label;
    const char *magic;
    size_t magic_len;
};

/* DOCX is a zip; it is accepted only with the Office Open XML part list
 * ([Content_Types].xml) and a word/ part inside, so a zip of anything else
 * (or a .jar) is not. */
static const struct kind kinds[] = {
    {".pdf", "application/pdf", "a PDF", "%PDF-", 5},
    {".png", "image/png", "a PNG image", "\x89PNG\r\n\x1a\n", 8},
    {".jpg", "image/jpeg", "a JPEG image", "\xff\xd8\xff", 3},
    {".jpeg", "image/jpeg", "a JPEG image", "\xff\xd8\xff", 3},
    {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "a Word document", "PK\x03\x04", 4},
    {".txt", "text/plain; charset=utf-8", "plain text", NULL, 0},
};

/* What the bytes are when they are a program: refused under any name. */
static const char *program_kind(const unsigned char *d, size_t n)
{
    if (n >= 4 && !memcmp(d,
                          "\x7f"
                          "ELF",
                          4))
        return "a Linux program (ELF)";
    if (n >= 2 && !memcmp(d, "MZ", 2))
        return "a Windows program (PE)";
    if (n >= 4 && (!memcmp(d, "\xcf\xfa\xed\xfe", 4) || !memcmp(d, "\xce\xfa\xed\xfe", 4) ||
                   !memcmp(d, "\xca\xfe\xba\xbe", 4)))
        return "a macOS program (Mach-O)";
    if (n >= 2 && !memcmp(d, "#!", 2))
        return "a script";
    return NULL;
}

static bool contains(const unsigned char *d, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (d[i] == (unsigned char)needle[0] && !memcmp(d + i, needle, m))
            return true;
    return false;
}

/* Plain text: UTF-8 with no control characters but tab, CR and LF. */
static bool plain_text(const unsigned char *d, size_t n)
{
    if (!utf8_valid((const char *)d, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\r' && d[i] != '\n') || d[i] == 0x7f)
            return false;
    return true;
}

bool uploads_check(const char *field, const char *filename, const unsigned char *data, size_t len,
                   const char **content_type, struct err *e)
{
    if (!filename || !*filename)
        return err_set(e, ERR_INVALID, field, "Choose a file to upload");
    if (strlen(filename) > UPLOADS_MAX_NAME || !utf8_valid(filename, strlen(filename)))
        return err_set(e, ERR_INVALID, field, "A file name must be text of %d characters or fewer",
                       UPLOADS_MAX_NAME);
    if (len > UPLOADS_MAX_BYTES)
        return err_set(e, ERR_TOO_BIG, field, "%.60s is larger than %d MB", filename,
                       UPLOADS_MAX_BYTES / (1024 * 1024));
    if (len == 0)
        return err_set(e, ERR_INVALID, field, "%.60s is empty", filename);
    const char *dot = strrchr(filename, '.');
    const struct kind *k = NULL;
    for (size_t i = 0; dot && i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcasecmp(dot, kinds[i].ext))
            k = &kinds[i];
    if (!k)
        return err_set(e, ERR_INVALID, field, "%.60s must be one of these types: %s", filename,
                       UPLOADS_ALLOWED);
    const char *program = program_kind(data, len);
    if (program)
        return err_set(e, ERR_INVALID, field,
                       "%.60s is not %s: its contents are %s, which cannot be uploaded", filename,
                       k->label, program);
    bool ok = k->magic ? len >= k->magic_len && !memcmp(data, k->magic, k->magic_len)
                       : plain_text(data, len);
    if (ok && !strcmp(k->ext, ".docx"))
        ok = contains(data, len, "[Content_Types].xml") && contains(data, len, "word/");
    if (!ok)
        return err_set(e, ERR_INVALID, field, "%.60s is not %s: its contents do not match its name",
                       filename, k->label);
    *content_type = k->content_type;
    return true;
}

void uploads_safe_name(const char *filename, char *out, size_t out_size)
{
    if (!out_size)
        return;
    const char *base = filename ? filename : "";
    for (const char *p = base; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    size_t n = 0;
    for (const char *p = base; *p && n + 1 < out_size; p++) {
        char c = *p;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_' || c == ' ';
        out[n++] = keep ? c : '_';
    }
    if (n == 0 && out_size > 8) {
        memcpy(out, "document", 8);
        n = 8;
    }
    out[n] = '\0';
}
