/*
 * Unit tests for domain/uploads: each allowed type by extension and magic
 * number (case-insensitive extension), a program or script refused under any
 * allowed name (named for what it is), mismatched bytes, unknown types,
 * empty and oversized files, Word documents told from other zips, text
 * without control characters, and safe file names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/uploads.h"

static const unsigned char PDF[] = "%PDF-1.7\n...";
static const unsigned char PNG[] = "\x89PNG\r\n\x1a\n....";
static const unsigned char JPEG[] = "\xff\xd8\xff\xe0....";
static const unsigned char ELF[] = "\x7f"
                                   "ELF\x02\x01\x01....";
static const unsigned char PE[] = "MZ\x90\x00....";
static const unsigned char SCRIPT[] = "#!/bin/sh\necho hi\n";
static const unsigned char DOCX[] = "PK\x03\x04....[Content_Types].xml....word/document.xml";
static const unsigned char JAR[] = "PK\x03\x04....META-INF/MANIFEST.MF";

static const char *check(const char *name, const unsigned char *d, size_t n, struct err *e)
{
    const char *type = NULL;
    err_clear(e);
    return uploads_check("documents", name, d, n, &type, e) ? type : NULL;
}

#define CHECK(name, bytes, e) check(name, bytes, sizeof bytes - 1, e)

static void test_allowed(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    assert_string_equal(CHECK("a.pdf", PDF, &e), "application/pdf");
    assert_string_equal(CHECK("A.PDF", PDF, &e), "application/pdf");
    assert_string_equal(CHECK("p.png", PNG, &e), "image/png");
    assert_string_equal(CHECK("p.jpg", JPEG, &e), "image/jpeg");
    assert_string_equal(CHECK("p.jpeg", JPEG, &e), "image/jpeg");
    assert_non_null(strstr(CHECK("letter.docx", DOCX, &e), "wordprocessingml"));
    static const unsigned char text[] = "Dear Cllr Smith,\r\n\tThank you — £5.\n";
    assert_string_equal(CHECK("note.txt", text, &e), "text/plain; charset=utf-8");
}

static void test_programs_refused_under_any_name(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    const char *names[] = {"a.pdf", "b.png", "c.jpg", "d.docx", "e.txt"};
    for (size_t i = 0; i < 5; i++) {
        assert_null(CHECK(names[i], ELF, &e));
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "documents");
        assert_non_null(strstr(e.message, "a Linux program (ELF)"));
        assert_null(CHECK(names[i], PE, &e));
        assert_non_null(strstr(e.message, "a Windows program (PE)"));
        assert_null(CHECK(names[i], SCRIPT, &e));
        assert_non_null(strstr(e.message, "a script"));
    }
    static const unsigned char macho[] = "\xcf\xfa\xed\xfe....";
    assert_null(CHECK("x.pdf", macho, &e));
    assert_non_null(strstr(e.message, "Mach-O"));
}

static void test_mismatch_and_unknown(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    assert_null(CHECK("photo.png", PDF, &e));
    assert_string_equal(e.message,
                        "photo.png is not a PNG image: its contents do not match its name");
    assert_null(CHECK("x.docx", JAR, &e)); /* a zip, but not a Word document */
    assert_null(CHECK("setup.exe", PDF, &e));
    assert_non_null(strstr(e.message, "must be one of these types: .pdf"));
    assert_null(CHECK("noextension", PDF, &e));
    assert_null(CHECK("page.html", PDF, &e));
    assert_null(CHECK("a.pdf.exe", PDF, &e));
    static const unsigned char nul[] = "text\0more";
    assert_null(CHECK("n.txt", nul, &e));
    static const unsigned char bad_utf8[] = "caf\xe9";
    assert_null(CHECK("n.txt", bad_utf8, &e));
}

static void test_sizes_and_names(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    assert_null(check("empty.pdf", PDF, 0, &e));
    assert_non_null(strstr(e.message, "is empty"));
    unsigned char *big = calloc(1, UPLOADS_MAX_BYTES + 1);
    assert_non_null(big);
    memcpy(big, "%PDF-", 5);
    assert_non_null(check("big.pdf", big, UPLOADS_MAX_BYTES, &e));
    assert_null(check("big.pdf", big, UPLOADS_MAX_BYTES + 1, &e));
    assert_int_equal(e.code, ERR_TOO_BIG);
    assert_string_equal(e.message, "big.pdf is larger than 5 MB");
    free(big);
    char longname[UPLOADS_MAX_NAME + 8];
    memset(longname, 'a', sizeof longname);
    memcpy(longname + sizeof longname - 5, ".pdf", 5);
    assert_null(CHECK(longname, PDF, &e));
    assert_null(CHECK("", PDF, &e));
    assert_string_equal(e.message, "Choose a file to upload");
}

static void test_safe_name(void **state)
{
    (void)state;
    char out[32];
    uploads_safe_name("../../etc/passwd", out, sizeof out);
    assert_string_equal(out, "passwd");
    uploads_safe_name("C:\\Users\\cllr\\letter 1.pdf", out, sizeof out);
    assert_string_equal(out, "letter 1.pdf");
    uploads_safe_name("a\"b;c\r\nd.pdf", out, sizeof out);
    assert_string_equal(out, "a_b_c__d.pdf");
    uploads_safe_name("", out, sizeof out);
    assert_string_equal(out, "document");
    uploads_safe_name("abcdefghijklmnopqrstuvwxyz0123456789.pdf", out, 8);
    assert_string_equal(out, "abcdefg");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allowed),
        cmocka_unit_test(test_programs_refused_under_any_name),
        cmocka_unit_test(test_mismatch_and_unknown),
        cmocka_unit_test(test_sizes_and_names),
        cmocka_unit_test(test_safe_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
