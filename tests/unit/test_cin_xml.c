/*
 * The census XML (returns/cin_xml): a small return written with libxml2 is
 * valid against the shipped 2025-26 schema (config/returns/cin-2025-26.xsd)
 * and carries what was recorded, in the DfE's element order; a return with a
 * code the census does not accept, or an element out of order, is refused by
 * the same schema with the line named; text is escaped by the writer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "domain/identifiers.h"
#include "returns/cin.h"
#include "returns/cin_xml.h"

static struct cin_year year;
static struct arena arena = ARENA_INIT;
static char xsd[4096];

static int64_t D(const char *s)
{
    int64_t d;
    struct err e = ERR_INIT;
    if (!clock_parse_date(s, &d, &e))
        fail_msg("bad date %s", s);
    return d;
}

struct fx {
    struct cin_child child;
    struct cin_episode ep;
    struct cin_assessment a;
    struct cin_s47 s47;
    struct cin_cpp cpp;
    struct cin_plan plan;
    int64_t review;
    const char *factors[2], *disabilities[1];
    char upn[14];
    struct cin_return r;
};

static void fx_init(struct fx *f)
{
    memset(f, 0, sizeof *f);
    id_make_upn(ID_SYNTHETIC_UPN_LA, 2001, 15, 7, f->upn);
    f->disabilities[0] = "NONE";
    f->factors[0] = "3A";
    f->factors[1] = "4B";
    f->a = (struct cin_assessment){302, D("2025-05-02"), D("2025-06-10"), f->factors, 2};
    f->s47 = (struct cin_s47){303, 304, D("2025-05-06"), D("2025-05-28"), D("2025-05-20"), false};
    f->review = D("2025-08-20");
    f->cpp =
        (struct cin_cpp){304, D("2025-05-20"), D("2025-11-20"), "PHY", "NEG", 0, &f->review, 1};
    f->plan = (struct cin_plan){308, D("2025-11-20"), CIN_NO_DATE};
    f->ep = (struct cin_episode){.case_id = 201,
                                 .referral_step_id = 301,
                                 .referral = D("2025-05-01"),
                                 .closure = CIN_NO_DATE,
                                 .icpc = CIN_NO_DATE,
                                 .source = "3A",
                                 .primary_need = "N1",
                                 .assessments = &f->a,
                                 .nassessments = 1,
                                 .s47s = &f->s47,
                                 .ns47s = 1,
                                 .plans = &f->plan,
                                 .nplans = 1,
                                 .cpps = &f->cpp,
                                 .ncpps = 1};
    f->child = (struct cin_child){101, D("2015-06-01"), CIN_NO_DATE,     CIN_NO_DATE, f->upn, NULL,
                                  "F", "WBRI",          f->disabilities, 1,           &f->ep, 1};
    f->r = (struct cin_return){&year, NULL, &f->child, 1, 1};
}

static void write(struct fx *f, struct buf *out)
{
    struct err e = ERR_INIT;
    buf_init(out, 0);
    /* 2026-04-15 10:30 London (BST): the header's DateTime is local time. */
    if (!cin_xml_write(&f->r, clock_london_to_instant(D("2026-04-15"), 10, 30, 0), 3, out, &e))
        fail_msg("write: %s", e.message);
}

static void test_valid_against_the_schema(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    struct buf xml;
    write(&f, &xml);
    struct err e = ERR_INIT;
    if (!cin_xml_validate(xml.data, xml.len, xsd, &e))
        fail_msg("%s\n%s", e.message, xml.data);
    /* What was recorded, where the DfE puts it. */
    const char *expect[] = {
        "<Collection>CIN</Collection>",
        "<Year>2026</Year>",
        "<ReferenceDate>2026-03-31</ReferenceDate>",
        "<LEA>999</LEA>",
        "<SerialNo>3</SerialNo>",
        "<DateTime>2026-04-15T10:30:00</DateTime>",
        "<LAchildID>101</LAchildID>",
        "<PersonBirthDate>2015-06-01</PersonBirthDate>",
        "<Sex>F</Sex>",
        "<Disability>NONE</Disability>",
        "<CINreferralDate>2025-05-01</CINreferralDate>",
        "<ReferralNFA>false</ReferralNFA>",
        "<CINPlanStartDate>2025-11-20</CINPlanStartDate>",
        "<AssessmentFactors>4B</AssessmentFactors>",
        "<InitialCPCtarget>2025-05-28</InitialCPCtarget>",
        "<ICPCnotRequired>false</ICPCnotRequired>",
        "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>",
        "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>",
        "<CPPreviewDate>2025-08-20</CPPreviewDate>",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        if (!strstr(xml.data, expect[i]))
            fail_msg("missing %s in\n%s", expect[i], xml.data);
    /* Absent items are left out, not written empty. */
    assert_null(strstr(xml.data, "CINclosureDate"));
    assert_null(strstr(xml.data, "CINPlanEndDate"));
    assert_null(strstr(xml.data, "UPNunknown"));
    assert_true(strstr(xml.data, "<CINreferralDate>") < strstr(xml.data, "<CINPlanDates>"));
    assert_true(strstr(xml.data, "<CINPlanDates>") < strstr(xml.data, "<Assessments>"));
    assert_true(strstr(xml.data, "<Section47>") < strstr(xml.data, "<ChildProtectionPlans>"));
    buf_release(&xml);
}

static void test_schema_refuses_bad_returns(void **state)
{
    (void)state;
    struct fx f;
    struct buf xml;
    struct err e = ERR_INIT;
    /* A code the census does not accept. */
    fx_init(&f);
    f.child.ethnicity = "ZZZZ";
    write(&f, &xml);
    assert_false(cin_xml_validate(xml.data, xml.len, xsd, &e));
    assert_non_null(strstr(e.message, "Ethnicity"));
    assert_non_null(strstr(e.message, "line "));
    buf_release(&xml);
    /* UN8 belongs to the SEN2 return. */
    fx_init(&f);
    f.child.upn = NULL;
    f.child.upn_unknown = "UN8";
    write(&f, &xml);
    assert_false(cin_xml_validate(xml.data, xml.len, xsd, &e));
    assert_non_null(strstr(e.message, "UPNunknown"));
    buf_release(&xml);
    /* A required item missing: a CP plan with no category. */
    fx_init(&f);
    f.cpp.initial_category = NULL;
    write(&f, &xml);
    assert_false(cin_xml_validate(xml.data, xml.len, xsd, &e));
    buf_release(&xml);
    /* Not XML at all, and an external entity that must not be fetched. */
    const char *bad = "<Message><Header>";
    assert_false(cin_xml_validate(bad, strlen(bad), xsd, &e));
    assert_string_equal(e.field, "xml");
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM "
                      "\"file:///etc/passwd\">]><Message>&x;</Message>";
    assert_false(cin_xml_validate(xxe, strlen(xxe), xsd, &e));
}

static void test_text_is_escaped(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    f.ep.source = "<&>";
    struct buf xml;
    write(&f, &xml);
    assert_non_null(strstr(xml.data, "<ReferralSource>&lt;&amp;&gt;</ReferralSource>"));
    struct err e = ERR_INIT;
    assert_false(cin_xml_validate(xml.data, xml.len, xsd, &e)); /* and not a referral source */
    buf_release(&xml);
}

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("CASEWORK_TEST_CONFIG_DIR");
    if (!dir || !*dir)
        dir = "config";
    cin_xml_init();
    snprintf(xsd, sizeof xsd, "%s/returns/cin-2025-26.xsd", dir);
    struct err e = ERR_INIT;
    if (!cin_year_load(dir, "2025-26", &year, &arena, &e)) {
        fprintf(stderr, "setup: %s\n", e.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_release(&arena);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_against_the_schema),
        cmocka_unit_test(test_schema_refuses_bad_returns),
        cmocka_unit_test(test_text_is_escaped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
