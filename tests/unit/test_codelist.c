/*
 * Unit tests for core/codelist: the shipped lists in config/codes load and hold
 * the codes the DfE and NHS specifications define; the file format's edges
 * (several tabs, CRLF, comments, '#' inside a label, other files ignored); and
 * every load error names the file and line. Temporary directories are made
 * under /tmp and removed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/codelist.h"

/* ---- the shipped lists --------------------------------------------------- */

static int load_shipped(void **state)
{
    const char *base = getenv("CASEWORK_TEST_CONFIG_DIR");
    char dir[1024];
    int n = snprintf(dir, sizeof dir, "%s/codes", base && *base ? base : "config");
    if (n < 0 || (size_t)n >= sizeof dir)
        return -1;
    struct err e = ERR_INIT;
    struct codelist_set *s = codelist_load_dir(dir, &e);
    if (!s) {
        print_error("cannot load %s: %s\n", dir, e.message);
        return -1;
    }
    *state = s;
    return 0;
}

static int free_shipped(void **state)
{
    codelist_free_set(*state);
    return 0;
}

static const struct codelist *must_get(void **state, const char *name)
{
    const struct codelist *l = codelist_get(*state, name);
    if (!l)
        fail_msg("no code list '%s'", name);
    assert_string_equal(codelist_name(l), name);
    return l;
}

static void assert_codes(const struct codelist *l, const char *const *codes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!codelist_has(l, codes[i]))
            fail_msg("%s has no code %s", codelist_name(l), codes[i]);
}

static void test_shipped_sex_and_gender(void **state)
{
    const struct codelist *sex = must_get(state, "sex");
    assert_int_equal(codelist_count(sex), 3);
    const char *code, *label;
    static const char *order[] = {"M", "F", "U"};
    for (size_t i = 0; i < 3; i++) {
        codelist_entry(sex, i, &code, &label);
        assert_string_equal(code, order[i]);
    }
    assert_string_equal(codelist_label(sex, "M"), "Male");
    assert_string_equal(codelist_label(sex, "F"), "Female");
    assert_null(codelist_label(sex, "X"));
    assert_false(codelist_has(sex, "m")); /* codes are exact */
    codelist_entry(sex, 3, &code, &label);
    assert_null(code);
    assert_null(label);

    const struct codelist *gender = must_get(state, "gender");
    static const char *g[] = {"1", "2", "9", "X"};
    assert_int_equal(codelist_count(gender), 4);
    assert_codes(gender, g, 4);
    assert_string_equal(codelist_label(gender, "1"), "Male");
}

static void test_shipped_cin_lists(void **state)
{
    /* The CIN census code lists, as listed in STATUTORY.md. */
    static const char *ethnicity[] = {"ABAN", "AIND", "AOTH", "APKN", "BAFR", "BCRB", "BOTH",
                                      "CHNE", "MOTH", "MWAS", "MWBA", "MWBC", "NOBT", "OOTH",
                                      "REFU", "WBRI", "WIRI", "WIRT", "WOTH", "WROM"};
    const struct codelist *eth = must_get(state, "ethnicity");
    assert_int_equal(codelist_count(eth), 20);
    assert_codes(eth, ethnicity, 20);
    assert_string_equal(codelist_label(eth, "WBRI"), "White British");
    assert_string_equal(codelist_label(eth, "NOBT"), "Information not yet obtained");
    assert_string_equal(codelist_label(eth, "REFU"), "Refused");

    static const char *disability[] = {"NONE", "MOB", "HAND", "PC",  "INC", "COMM", "LD",
                                       "HEAR", "VIS", "BEH",  "CON", "AUT", "DDA"};
    const struct codelist *dis = must_get(state, "disability");
    assert_int_equal(codelist_count(dis), 13);
    assert_codes(dis, disability, 13);

    const struct codelist *un = must_get(state, "upn_unknown");
    assert_int_equal(codelist_count(un), 10);
    for (int i = 1; i <= 10; i++) {
        char code[8];
        snprintf(code, sizeof code, "UN%d", i);
        const char *c, *label;
        codelist_entry(un, (size_t)(i - 1), &c, &label);
        assert_string_equal(c, code); /* in order UN1..UN10 */
        assert_true(strlen(label) > 10);
    }
    assert_false(codelist_has(un, "UN11"));

    /* The CIN details lists the workflows' forms use. */
    static const char *source[] = {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B",
                                   "3C", "3D", "3E", "3F", "4",  "5A", "5B", "5C",
                                   "5D", "6",  "7",  "8",  "9",  "10"};
    const struct codelist *rs = must_get(state, "referral_source");
    assert_int_equal(codelist_count(rs), 22);
    assert_codes(rs, source, 22);
    assert_string_equal(codelist_label(rs, "6"), "Police");

    const struct codelist *need = must_get(state, "primary_need");
    assert_int_equal(codelist_count(need), 10);
    for (int i = 0; i <= 9; i++) {
        char code[4];
        snprintf(code, sizeof code, "N%d", i);
        assert_true(codelist_has(need, code));
    }
    assert_string_equal(codelist_label(need, "N1"), "Abuse or neglect");

    const struct codelist *rc = must_get(state, "closure_reason");
    assert_int_equal(codelist_count(rc), 9);
    for (int i = 1; i <= 9; i++) {
        char code[4];
        snprintf(code, sizeof code, "RC%d", i);
        assert_true(codelist_has(rc, code));
    }
    assert_string_equal(codelist_label(rc, "RC8"),
                        "Case closed after assessment, no further action");

    static const char *abuse[] = {"NEG", "PHY", "SAB", "EMO", "MUL"};
    const struct codelist *coa = must_get(state, "category_of_abuse");
    assert_int_equal(codelist_count(coa), 5);
    assert_codes(coa, abuse, 5);

    static const char *factors[] = {"1A",  "1B",  "1C",  "2A",  "2B",  "2C",  "3A",  "3B",  "3C",
                                    "4A",  "4B",  "4C",  "5A",  "5B",  "5C",  "6A",  "6B",  "6C",
                                    "7A",  "8B",  "8C",  "8D",  "8E",  "8F",  "9A",  "10A", "11A",
                                    "12A", "13A", "14A", "15A", "16A", "17A", "18B", "18C", "19B",
                                    "19C", "20",  "21",  "22A", "23A", "24A"};
    const struct codelist *af = must_get(state, "assessment_factors");
    assert_int_equal(codelist_count(af), 42);
    assert_codes(af, factors, 42);
    assert_false(codelist_has(af, "18A")); /* retired */
    assert_false(codelist_has(af, "19A"));
}

static void test_shipped_other_lists(void **state)
{
    static const char *basic[] = {"ENG", "ENB", "OTH", "OTB", "REF", "NOT"};
    static const char *common[] = {"POL", "URD", "PNJ", "BNG", "ARA", "RMN", "SOM", "POR", "GUJ",
                                   "SPA", "TAM", "TUR", "LIT", "FRN", "CHI", "ITA", "RUS", "PRS",
                                   "PAT", "ALB", "YOR", "TGR", "KUR", "HIN", "MLM", "BUL", "UKR"};
    const struct codelist *lang = must_get(state, "language");
    assert_codes(lang, basic, 6);
    assert_codes(lang, common, sizeof common / sizeof common[0]);
    assert_true(codelist_count(lang) >= 6 + 25);
    assert_string_equal(codelist_label(lang, "NOT"), "Information not obtained");
    const char *first;
    codelist_entry(lang, 0, &first, NULL);
    assert_string_equal(first, "ENG");

    const struct codelist *rel = must_get(state, "religion");
    static const char *religion[] = {"NONE", "CHR", "BUD", "HIN", "JEW", "MUS", "SIK", "OTH"};
    assert_codes(rel, religion, 8);

    const struct codelist *imm = must_get(state, "immigration_status");
    static const char *imm_codes[] = {"BRIT",    "SETTLED", "PRESETTLED", "ILR",  "LLR",
                                      "REFUGEE", "ASYLUM",  "UASC",       "NRPF", "NK"};
    assert_codes(imm, imm_codes, 10);

    /* Every list in the set: entries in range, codes found, labels present. */
    const struct codelist_set *s = *state;
    assert_true(codelist_set_count(s) >= 8);
    assert_null(codelist_set_at(s, codelist_set_count(s)));
    const char *prev = "";
    for (size_t i = 0; i < codelist_set_count(s); i++) {
        const struct codelist *l = codelist_set_at(s, i);
        assert_true(strcmp(prev, codelist_name(l)) < 0); /* name order */
        prev = codelist_name(l);
        assert_ptr_equal(codelist_get(s, prev), l);
        for (size_t j = 0; j < codelist_count(l); j++) {
            const char *code, *label;
            codelist_entry(l, j, &code, &label);
            assert_true(codelist_has(l, code));
            assert_ptr_equal(codelist_label(l, code), label);
            assert_true(*label != '\0');
        }
    }
    assert_null(codelist_get(s, "no_such_list"));
    assert_null(codelist_get(s, NULL));
    assert_null(codelist_get(NULL, "sex"));
    assert_false(codelist_has(NULL, "M"));
    assert_false(codelist_has(codelist_get(s, "sex"), NULL));
    assert_int_equal(codelist_count(NULL), 0);
}

/* ---- a temporary directory of list files --------------------------------- */

struct tmpdir {
    char path[64];
    char files[8][128];
    int nfiles;
};

static void tmp_make(struct tmpdir *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "/tmp/casework-codelist-XXXXXX");
    assert_non_null(mkdtemp(t->path));
}

static void tmp_write(struct tmpdir *t, const char *name, const char *text, size_t len)
{
    assert_true(t->nfiles < 8);
    char *p = t->files[t->nfiles++];
    char dir[sizeof t->path]; /* a copy: gcc -O2 cannot tell the members apart (-Wrestrict) */
    memcpy(dir, t->path, sizeof dir);
    int n = snprintf(p, 128, "%s/%s", dir, name);
    assert_true(n > 0 && n < 128);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void tmp_remove(struct tmpdir *t)
{
    for (int i = 0; i < t->nfiles; i++)
        unlink(t->files[i]);
    rmdir(t->path);
}

/* Load a directory holding one file, name, with text (of len bytes). */
static struct codelist_set *load_one(const char *name, const char *text, size_t len, struct err *e)
{
    struct tmpdir t;
    tmp_make(&t);
    tmp_write(&t, name, text, len);
    struct codelist_set *s = codelist_load_dir(t.path, e);
    tmp_remove(&t);
    return s;
}

static void assert_load_error(const char *text, size_t len, const char *where, const char *rule)
{
    struct err e = ERR_INIT;
    struct codelist_set *s = load_one("bad.txt", text, len, &e);
    if (s) {
        codelist_free_set(s);
        fail_msg("'%s' loaded without error", text);
    }
    assert_int_equal(e.code, ERR_INVALID);
    if (!strstr(e.message, where) || !strstr(e.message, rule))
        fail_msg("message '%s' lacks '%s' or '%s'", e.message, where, rule);
}

#define LOAD_ERROR(text, where, rule) assert_load_error(text, sizeof text - 1, where, rule)

static void test_format_edges(void **state)
{
    (void)state;
    struct tmpdir t;
    tmp_make(&t);
    static const char list[] = "# A list with the awkward cases\r\n"
                               "\r\n"
                               "   # an indented comment\n"
                               "X\t\t\tEx # not a comment  \r\n"
                               "y.1/a-b_c+\tLower case and punctuation\n"
                               "\n"
                               "Z\tZed, \xc3\xa9t\xc3\xa9"; /* no final newline; UTF-8 */
    tmp_write(&t, "edge.txt", list, sizeof list - 1);
    tmp_write(&t, "other.txt", "A\tAy\n", 5);
    tmp_write(&t, "README.md", "not a list\n", 11);
    tmp_write(&t, ".hidden.txt", "bad line\n", 9);
    tmp_write(&t, "notes.txt.bak", "bad line\n", 9);
    char dir_slash[80];
    snprintf(dir_slash, sizeof dir_slash, "%s/", t.path);
    struct err e = ERR_INIT;
    struct codelist_set *s = codelist_load_dir(dir_slash, &e);
    tmp_remove(&t);
    if (!s)
        fail_msg("%s", e.message);
    assert_int_equal(codelist_set_count(s), 2);
    const struct codelist *l = codelist_get(s, "edge");
    assert_non_null(l);
    assert_int_equal(codelist_count(l), 3);
    assert_string_equal(codelist_label(l, "X"), "Ex # not a comment");
    assert_string_equal(codelist_label(l, "y.1/a-b_c+"), "Lower case and punctuation");
    assert_string_equal(codelist_label(l, "Z"), "Zed, \xc3\xa9t\xc3\xa9");
    const char *code;
    codelist_entry(l, 2, &code, NULL);
    assert_string_equal(code, "Z");
    assert_non_null(codelist_get(s, "other"));
    assert_null(codelist_get(s, "README"));
    assert_null(codelist_get(s, ".hidden"));
    codelist_free_set(s);
}

static void test_line_errors(void **state)
{
    (void)state;
    LOAD_ERROR("# header\nA\tAlpha\nB\tBeta\nA\tAgain\nB\tAnd again\n", "bad.txt line 4",
               "duplicate code 'A' (already on line 2)");
    LOAD_ERROR("A\tAlpha\nB\n", "bad.txt line 2", "code 'B' has no label");
    LOAD_ERROR("A\tAlpha\nB\t\t  \n", "bad.txt line 2", "has no label");
    LOAD_ERROR("A Alpha\n", "bad.txt line 1", "separate the code from the label with a tab");
    LOAD_ERROR("A \tAlpha\n", "bad.txt line 1", "with a tab");
    LOAD_ERROR("\nA!\tAlpha\n", "bad.txt line 2", "may only contain letters, digits");
    LOAD_ERROR("A\u00e9\tAlpha\n", "bad.txt line 1", "may only contain letters, digits");
    LOAD_ERROR("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456\tToo long\n", "bad.txt line 1",
               "longer than 32 characters");
    LOAD_ERROR("A\tAl\x01pha\n", "bad.txt line 1", "control character");
    LOAD_ERROR("A\tAl\tpha\n", "bad.txt line 1", "tab or control character");
    LOAD_ERROR("A\tAl\xffpha\n", "bad.txt line 1", "not valid UTF-8");
    LOAD_ERROR("A\tAlpha\nB\tBe\0ta\n", "bad.txt line 2", "NUL byte");
    LOAD_ERROR("# only comments\n\n", "bad.txt", "has no codes");

    char long_label[300];
    memset(long_label, 'x', sizeof long_label);
    memcpy(long_label, "A\t", 2);
    long_label[sizeof long_label - 1] = '\n';
    assert_load_error(long_label, sizeof long_label, "bad.txt line 1", "longer than 200 bytes");
}

/* The error names the file at fault, not just the first or last one read. */
static void test_error_names_the_file(void **state)
{
    (void)state;
    struct tmpdir t;
    tmp_make(&t);
    tmp_write(&t, "a_good.txt", "A\tAy\n", 5);
    tmp_write(&t, "b_bad.txt", "A\tAy\nA\tAgain\n", 13);
    tmp_write(&t, "c_good.txt", "C\tSee\n", 6);
    struct err e = ERR_INIT;
    struct codelist_set *s = codelist_load_dir(t.path, &e);
    tmp_remove(&t);
    assert_null(s);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.message, "b_bad.txt line 2"));
    assert_null(strstr(e.message, "a_good"));
}

static void test_directory_errors(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    assert_null(codelist_load_dir("/nonexistent/casework/codes", &e));
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.message, "/nonexistent/casework/codes"));

    struct tmpdir t;
    tmp_make(&t);
    tmp_write(&t, "README.md", "no lists here\n", 14);
    struct err e2 = ERR_INIT;
    assert_null(codelist_load_dir(t.path, &e2));
    tmp_remove(&t);
    assert_int_equal(e2.code, ERR_IO);
    assert_non_null(strstr(e2.message, "has no .txt files"));

    codelist_free_set(NULL);
}

int main(void)
{
    const struct CMUnitTest shipped[] = {
        cmocka_unit_test(test_shipped_sex_and_gender),
        cmocka_unit_test(test_shipped_cin_lists),
        cmocka_unit_test(test_shipped_other_lists),
    };
    const struct CMUnitTest files[] = {
        cmocka_unit_test(test_format_edges),
        cmocka_unit_test(test_line_errors),
        cmocka_unit_test(test_error_names_the_file),
        cmocka_unit_test(test_directory_errors),
    };
    int failed =
        cmocka_run_group_tests_name("shipped code lists", shipped, load_shipped, free_shipped);
    failed += cmocka_run_group_tests_name("code list files", files, NULL, NULL);
    return failed;
}
