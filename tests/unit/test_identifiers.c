/*
 * Unit tests for domain/identifiers. Expected values were computed outside
 * this code (by hand and with a separate script following the published
 * algorithms): 943 476 5919 is the NHS Data Dictionary's worked example and
 * 401 023 2137 another valid number; H801200001001 and the temporary
 * G80120000101A are the DfE UPN guidance's examples; B801200005001 is
 * python-stdnum's. Every error message is checked for the rule it names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/identifiers.h"

/* e must be an ERR_INVALID for field whose message contains rule. */
static void assert_rule(const struct err *e, const char *field, const char *rule)
{
    assert_int_equal(e->code, ERR_INVALID);
    assert_string_equal(e->field, field);
    if (!strstr(e->message, rule))
        fail_msg("message '%s' does not contain '%s'", e->message, rule);
}

/* ---- NHS number ---------------------------------------------------------- */

static void test_nhs_valid_forms(void **state)
{
    (void)state;
    static const char *forms[] = {"9434765919", "943 476 5919", "943-476-5919", "  9434765919\t"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        struct err e = ERR_INIT;
        char out[11] = "junk";
        assert_true(id_nhs_number(forms[i], out, &e));
        assert_string_equal(out, "9434765919");
        assert_int_equal(e.code, ERR_NONE);
    }
    struct err e = ERR_INIT;
    char out[11];
    assert_true(id_nhs_number("401 023 2137", out, &e));
    assert_string_equal(out, "4010232137");
    /* Weighted sum 264 = 24 x 11: remainder 0, 11 - 0 = 11, which becomes check digit 0. */
    assert_true(id_nhs_number("943 476 0070", out, &e));
    assert_string_equal(out, "9434760070");
    assert_true(id_nhs_number("9434765919", NULL, &e)); /* validate only */
}

static void test_nhs_errors(void **state)
{
    (void)state;
    static const struct {
        const char *in, *rule;
    } cases[] = {
        {"943476591", "NHS number must be 10 digits"},
        {"94347659190", "NHS number must be 10 digits"},
        {"", "NHS number must be 10 digits"},
        {"943 476 591X", "only digits, spaces and hyphens"},
        {"943.476.5919", "only digits, spaces and hyphens"},
        {"9434 765 919", "grouped 3 3 4"},
        {"943 476-5919", "grouped 3 3 4"},
        {"943  476 5919", "grouped 3 3 4"},
        {"943476 5919", "grouped 3 3 4"},
        {"9434765918", "NHS number check digit is wrong (modulus 11)"},
        {"9434765991", "NHS number check digit is wrong (modulus 11)"}, /* adjacent swap */
        /* 999 000 000: weighted sum 243, 243 mod 11 = 1, 11 - 1 = 10 */
        {"9990000000", "a check digit of 10 is never issued"},
        {"9990000001", "a check digit of 10 is never issued"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct err e = ERR_INIT;
        char out[11] = "junk";
        assert_false(id_nhs_number(cases[i].in, out, &e));
        assert_rule(&e, "nhs_number", cases[i].rule);
        assert_string_equal(out, "");
    }
    struct err e = ERR_INIT;
    assert_false(id_nhs_number(NULL, NULL, &e));
    assert_rule(&e, "nhs_number", "must be 10 digits");
    assert_false(id_nhs_number("1", NULL, NULL)); /* no err is allowed */
}

/* Modulus 11 with weights 10..2 catches every single-digit substitution. */
static void test_nhs_single_digit_errors_caught(void **state)
{
    (void)state;
    char good[11] = "9434765919";
    for (int pos = 0; pos < 10; pos++) {
        for (char d = '0'; d <= '9'; d++) {
            if (d == good[pos])
                continue;
            char bad[11];
            memcpy(bad, good, sizeof bad);
            bad[pos] = d;
            assert_false(id_nhs_number(bad, NULL, NULL));
        }
    }
}

/* ---- UPN ----------------------------------------------------------------- */

static void test_upn_valid(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"H801200001001", "H801200001001"},   {"h801200001001", "H801200001001"},
        {" B801200005001 ", "B801200005001"}, {"A950000178301", "A950000178301"},
        {"H243278544154", "H243278544154"},   {"G80120000101A", "G80120000101A"}, /* temporary */
        {"g80120000101a", "G80120000101A"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct err e = ERR_INIT;
        char out[14] = "junk";
        if (!id_upn(cases[i].in, out, &e))
            fail_msg("%s: %s", cases[i].in, e.message);
        assert_string_equal(out, cases[i].out);
    }
}

static void test_upn_errors(void **state)
{
    (void)state;
    static const struct {
        const char *in, *rule;
    } cases[] = {
        {"H80120000100", "UPN must be 13 characters"},
        {"H8012000010011", "UPN must be 13 characters"},
        {"", "UPN must be 13 characters"},
        {"H 801200001001", "UPN must be 13 characters"},
        {"1801200001001", "UPN character 1 must be a letter"},
        {"H80120000A001", "UPN characters 2 to 12 must be digits"},
        {"H80120000100I", "UPN character 13 must be a digit, or for a temporary UPN a letter "
                          "other than I, O or S"},
        {"H80120000100O", "other than I, O or S"},
        {"H80120000100-", "other than I, O or S"},
        {"Z801200001001", "UPN check letter is wrong"},
        {"A801200005001", "UPN check letter is wrong"},
        {"R247962919251", "UPN check letter is wrong"},
        {"H80120000101A", "UPN check letter is wrong"}, /* temporary with the wrong letter */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct err e = ERR_INIT;
        char out[14] = "junk";
        assert_false(id_upn(cases[i].in, out, &e));
        assert_rule(&e, "upn", cases[i].rule);
        assert_string_equal(out, "");
    }
}

/* Weights 2..13 modulo the prime 23 catch every single-character change. */
static void test_upn_single_digit_errors_caught(void **state)
{
    (void)state;
    const char *good = "H801200001001";
    for (int pos = 1; pos < 13; pos++) {
        for (char d = '0'; d <= '9'; d++) {
            if (d == good[pos])
                continue;
            char bad[14];
            memcpy(bad, good, sizeof bad);
            bad[pos] = d;
            assert_false(id_upn(bad, NULL, NULL));
        }
    }
}

/* ---- Postcode ------------------------------------------------------------ */

static void test_postcode_valid(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"SW1A 1AA", "SW1A 1AA"}, {"sw1a1aa", "SW1A 1AA"},  {"  Sw1A   1aA ", "SW1A 1AA"},
        {"EC1A 1BB", "EC1A 1BB"}, {"W1A 0AX", "W1A 0AX"},   {"M1 1AE", "M1 1AE"},
        {"m11ae", "M1 1AE"},      {"B33 8TH", "B33 8TH"},   {"CR2 6XH", "CR2 6XH"},
        {"DN55 1PT", "DN55 1PT"}, {"SW1W 0NY", "SW1W 0NY"}, {"N1P 1AA", "N1P 1AA"},
        {"GIR 0AA", "GIR 0AA"},   {"gir0aa", "GIR 0AA"},    {"LS1 4AP", "LS1 4AP"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct err e = ERR_INIT;
        char out[9] = "junk";
        if (!id_postcode(cases[i].in, out, &e))
            fail_msg("%s: %s", cases[i].in, e.message);
        assert_string_equal(out, cases[i].out);
    }
}

static void test_postcode_errors(void **state)
{
    (void)state;
    static const struct {
        const char *in, *rule;
    } cases[] = {
        {"SW1A-1AA", "only contain letters, digits and spaces"},
        {"SW1A\t1AA", "only contain letters, digits and spaces"},
        {"SW1", "must be 5 to 7 letters and digits"},
        {"", "must be 5 to 7 letters and digits"},
        {"SW1A 1AAA", "must be 5 to 7 letters and digits"},
        {"SW1A 1A1", "must end with a digit and two letters"},
        {"SW1A AAA", "must end with a digit and two letters"},
        {"SW1A 1CA", "last two letters cannot be C, I, K, M, O or V"},
        {"SW1A 1AV", "last two letters cannot be C, I, K, M, O or V"},
        {"QA1 1AA", "cannot start with Q, V or X"},
        {"X1 1AA", "cannot start with Q, V or X"},
        {"AI1 1AA", "second letter cannot be I, J or Z"},
        {"BZ12 1AA", "second letter cannot be I, J or Z"},
        {"W1L 1AA", "third character"},
        {"EC1C 1AA", "fourth character"},
        {"1W1 1AA", "must start with one or two letters"},
        {"SWA1 1AA", "must start with one or two letters"},
        {"A123 1AA", "must start with one or two letters"},
        {"ABC 1AA", "must start with one or two letters"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct err e = ERR_INIT;
        char out[9] = "junk";
        if (id_postcode(cases[i].in, out, &e))
            fail_msg("%s was accepted as %s", cases[i].in, out);
        assert_rule(&e, "postcode", cases[i].rule);
        assert_string_equal(out, "");
    }
}

/* ---- UPRN ---------------------------------------------------------------- */

static void test_uprn(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    char out[13] = "junk";
    assert_true(id_uprn("100023336956", out, &e));
    assert_string_equal(out, "100023336956");
    assert_true(id_uprn(" 0012345 ", out, &e));
    assert_string_equal(out, "12345");
    assert_true(id_uprn("1", out, &e));
    assert_string_equal(out, "1");

    static const struct {
        const char *in, *rule;
    } cases[] = {
        {"", "UPRN must be 1 to 12 digits"},
        {"1000233369561", "UPRN must be 1 to 12 digits"},
        {"12a", "UPRN must be 1 to 12 digits"},
        {"-5", "UPRN must be 1 to 12 digits"},
        {"0", "UPRN cannot be 0"},
        {"000", "UPRN cannot be 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct err e2 = ERR_INIT;
        char out2[13] = "junk";
        assert_false(id_uprn(cases[i].in, out2, &e2));
        assert_rule(&e2, "uprn", cases[i].rule);
        assert_string_equal(out2, "");
    }
}

/* ---- Generators ---------------------------------------------------------- */

static void test_make_nhs(void **state)
{
    (void)state;
    char out[11];
    /* 999 000 000 0 has check digit 10 and is skipped; 999 000 001 gives 8. */
    id_make_nhs(0, out);
    assert_string_equal(out, "9990000018");
    id_make_nhs(1, out);
    assert_string_equal(out, "9990000026");

    /* Every value validates, stays in the test range, and strictly increases
     * (so all are distinct) up to the documented count; then it wraps. */
    char prev[11] = "";
    for (uint32_t seq = 0; seq < ID_SYNTHETIC_NHS_COUNT; seq++) {
        id_make_nhs(seq, out);
        struct err e = ERR_INIT;
        if (!id_nhs_number(out, NULL, &e))
            fail_msg("seq %u gave %s: %s", seq, out, e.message);
        long long v = strtoll(out, NULL, 10);
        assert_true(v >= ID_SYNTHETIC_NHS_FIRST && v <= ID_SYNTHETIC_NHS_LAST);
        assert_true(strcmp(prev, out) < 0);
        memcpy(prev, out, sizeof prev);
    }
    char again[11];
    id_make_nhs(ID_SYNTHETIC_NHS_COUNT, again);
    id_make_nhs(0, out);
    assert_string_equal(again, out);
    id_make_nhs(UINT32_MAX, out);
    assert_true(id_nhs_number(out, NULL, NULL));
    assert_memory_equal(out, "999", 3);
}

static void test_make_upn(void **state)
{
    (void)state;
    char out[14];
    id_make_upn(ID_SYNTHETIC_UPN_LA, 1234, 25, 1, out);
    assert_string_equal(out, "C999123425001");
    /* Out-of-range parts are reduced to their width: 1999 -> 999, -1 -> 9999,
     * 125 -> 25, 1001 -> 001. */
    id_make_upn(1999, -1, 125, 1001, out);
    assert_string_equal(out, "F999999925001");
    id_make_upn(ID_SYNTHETIC_UPN_LA, 1, 0, 0, out);
    assert_string_equal(out, "X999000100000");

    for (int est = 0; est < 10000; est += 37)
        for (int serial = 0; serial < 1000; serial += 53) {
            id_make_upn(ID_SYNTHETIC_UPN_LA, est, est % 100, serial, out);
            struct err e = ERR_INIT;
            char norm[14];
            if (!id_upn(out, norm, &e))
                fail_msg("%s: %s", out, e.message);
            assert_string_equal(norm, out);
            assert_memory_equal(out + 1, "999", 3);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nhs_valid_forms),
        cmocka_unit_test(test_nhs_errors),
        cmocka_unit_test(test_nhs_single_digit_errors_caught),
        cmocka_unit_test(test_upn_valid),
        cmocka_unit_test(test_upn_errors),
        cmocka_unit_test(test_upn_single_digit_errors_caught),
        cmocka_unit_test(test_postcode_valid),
        cmocka_unit_test(test_postcode_errors),
        cmocka_unit_test(test_uprn),
        cmocka_unit_test(test_make_nhs),
        cmocka_unit_test(test_make_upn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
