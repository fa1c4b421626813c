/*
 * Unit tests for domain/retention: the shipped rules file parses and names
 * its values as defaults; each rule's date worked out by hand (looked-after
 * child to the 75th birthday, other children and early help to the 25th,
 * adults 8 years after the last involvement); the latest applicable date
 * wins; nothing is scheduled while a case is open, for someone with no case,
 * or when a birth-based rule has no date of birth; bad rules files are
 * refused naming the line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/buf.h"
#include "core/clock.h"
#include "domain/retention.h"

static struct retention_rules shipped;

static int load(void **state)
{
    (void)state;
    const char *dir = getenv("CASEWORK_TEST_CONFIG_DIR");
    struct err e = ERR_INIT;
    if (!retention_rules_load(dir ? dir : "config", &shipped, &e)) {
        fprintf(stderr, "%s\n", e.message);
        return -1;
    }
    return 0;
}

static int unload(void **state)
{
    (void)state;
    retention_rules_free(&shipped);
    return 0;
}

static int64_t day(const char *s)
{
    int64_t d;
    struct err e = ERR_INIT;
    assert_true(clock_parse_date(s, &d, &e));
    return d;
}

static void assert_date(const struct retention_result *r, const char *rule, const char *want)
{
    assert_true(r->scheduled);
    assert_string_equal(r->rule, rule);
    struct buf b = BUF_INIT;
    clock_format_date(&b, r->destroy_on);
    assert_string_equal(b.data, want);
    buf_release(&b);
}

static void test_shipped_rules(void **state)
{
    (void)state;
    assert_int_equal(shipped.n, 3);
    for (size_t i = 0; i < shipped.n; i++)
        assert_non_null(strstr(shipped.rules[i].label, "(default)"));
    assert_string_equal(shipped.rules[0].name, "looked_after");
    assert_int_equal(shipped.rules[0].years, 75);
    assert_int_equal(shipped.rules[1].years, 25);
    assert_int_equal(shipped.rules[2].years, 8);
    assert_int_equal(shipped.rules[2].from, RETENTION_FROM_LAST_INVOLVEMENT);
}

static void test_children_25th_birthday(void **state)
{
    (void)state;
    struct retention_person p = {.dob = day("2010-06-15"),
                                 .last_involvement = day("2020-01-01"),
                                 .domains = DOMAIN_CHILDREN};
    struct retention_result r;
    retention_compute(&shipped, &p, &r);
    assert_date(&r, "children", "2035-06-15");
    /* Early help records follow the same rule. */
    p.domains = DOMAIN_EARLY_HELP;
    retention_compute(&shipped, &p, &r);
    assert_date(&r, "children", "2035-06-15");
    /* Born on 29 February: the 25th birthday falls on 28 February. */
    p.dob = day("2008-02-29");
    retention_compute(&shipped, &p, &r);
    assert_date(&r, "children", "2033-02-28");
}

static void test_looked_after_75th_birthday(void **state)
{
    (void)state;
    /* The shipped rule fires on a recorded looked-after period
     * (domain/looked_after), not on a step. */
    assert_true(shipped.rules[0].looked_after);
    assert_int_equal(shipped.rules[0].nsteps, 0);
    static const char *const steps[] = {"contact", "placement"};
    struct retention_person p = {.dob = day("2010-06-15"),
                                 .last_involvement = day("2024-03-01"),
                                 .domains = DOMAIN_CHILDREN,
                                 .looked_after = true};
    struct retention_result r;
    retention_compute(&shipped, &p, &r);
    /* Both child rules apply; the later date (75th birthday) wins. */
    assert_date(&r, "looked_after", "2085-06-15");
    /* Born on 29 February: the 75th birthday is 28 February in a common year. */
    p.dob = day("2008-02-29");
    retention_compute(&shipped, &p, &r);
    assert_date(&r, "looked_after", "2083-02-28");
    /* Not looked after: the 25th birthday, whatever the steps are called. */
    p.dob = day("2010-06-15");
    p.looked_after = false;
    p.steps = steps;
    p.nsteps = 2;
    retention_compute(&shipped, &p, &r);
    assert_date(&r, "children", "2035-06-15");
    /* Looked after but only known to adults' services now: a children's rule
     * needs a children's case. */
    p.looked_after = true;
    p.domains = DOMAIN_ADULTS;
    retention_compute(&shipped, &p, &r);
    assert_date(&r, "adults", "2032-03-01");
    /* Looked after, date of birth unknown: never due (not the adults' date). */
    p.domains = DOMAIN_CHILDREN | DOMAIN_ADULTS;
    p.dob = INT64_MIN;
    retention_compute(&shipped, &p, &r);
    assert_false(r.scheduled);
    assert_non_null(strstr(r.why, "date of birth unknown"));
    /* A council's own file can still name steps; WHEN looked_after parses. */
    struct retention_rules own;
    struct err e = ERR_INIT;
    assert_true(retention_rules_parse("la\tchildren\tlooked_after\tbirth\t80\tL\n"
                                      "st\tchildren\tstep=placement\tbirth\t30\tS\n",
                                      &own, &e));
    p.dob = day("2010-06-15");
    p.domains = DOMAIN_CHILDREN;
    retention_compute(&own, &p, &r);
    assert_date(&r, "la", "2090-06-15");
    p.looked_after = false;
    retention_compute(&own, &p, &r);
    assert_date(&r, "st", "2040-06-15");
    retention_rules_free(&own);
}

static void test_adults_8_years_after_last_involvement(void **state)
{
    (void)state;
    struct retention_person p = {
        .dob = day("1950-01-01"), .last_involvement = day("2024-11-22"), .domains = DOMAIN_ADULTS};
    struct retention_result r;
    retention_compute(&shipped, &p, &r);
    assert_date(&r, "adults", "2032-11-22");
    /* The date of birth does not matter to the adults' rule. */
    p.dob = INT64_MIN;
    retention_compute(&shipped, &p, &r);
    assert_date(&r, "adults", "2032-11-22");
    /* Known to both services: the later of the two dates. */
    p.dob = day("2005-01-01");
    p.domains = DOMAIN_ADULTS | DOMAIN_CHILDREN;
    retention_compute(&shipped, &p, &r);
    assert_date(&r, "adults", "2032-11-22"); /* 25th birthday 2030-01-01 is earlier */
    p.last_involvement = day("2020-01-01");
    retention_compute(&shipped, &p, &r);
    assert_date(&r, "children", "2030-01-01");
}

static void test_not_scheduled(void **state)
{
    (void)state;
    struct retention_result r;
    struct retention_person open = {.dob = day("2010-06-15"),
                                    .last_involvement = day("2020-01-01"),
                                    .domains = DOMAIN_CHILDREN,
                                    .open_case = true};
    retention_compute(&shipped, &open, &r);
    assert_false(r.scheduled);
    assert_string_equal(r.why, "a case is open");
    struct retention_person none = {.dob = day("2010-06-15"),
                                    .last_involvement = day("2020-01-01")};
    retention_compute(&shipped, &none, &r);
    assert_false(r.scheduled);
    assert_non_null(strstr(r.why, "no case"));
    /* A child without a date of birth is never due: a shorter rule must not
     * take its place. */
    struct retention_person child = {
        .dob = INT64_MIN, .last_involvement = day("2020-01-01"), .domains = DOMAIN_CHILDREN};
    retention_compute(&shipped, &child, &r);
    assert_false(r.scheduled);
    assert_non_null(strstr(r.why, "date of birth unknown"));
}

static void test_bad_files(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } bad[] = {
        {"x\tchildren\talways\tbirth\t25\n", "line 1: expected 6"},
        {"# c\nX\tchildren\talways\tbirth\t25\tL\n", "line 2: the rule name"},
        {"a\tpeople\talways\tbirth\t25\tL\n", "'people' is not a domain"},
        {"a\tadults\tsometimes\tbirth\t25\tL\n", "WHEN must be"},
        {"a\tadults\talways\tdeath\t25\tL\n", "FROM must be"},
        {"a\tadults\talways\tbirth\t0\tL\n", "YEARS must be 1 to 150"},
        {"a\tadults\talways\tbirth\t25x\tL\n", "YEARS must be"},
        {"a\tadults\talways\tbirth\t25\tL\na\tadults\talways\tbirth\t8\tM\n", "rule 'a' again"},
        {"# nothing\n", "no rules"},
        /* Found by fuzz_retention: an empty DOMAINS made a rule that applied to nobody. */
        {"a\t\talways\tbirth\t25\tL\n", "DOMAINS is empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct retention_rules r;
        struct err e = ERR_INIT;
        assert_false(retention_rules_parse(bad[i].text, &r, &e));
        if (!strstr(e.message, bad[i].message))
            fail_msg("%s: got '%s'", bad[i].text, e.message);
    }
    struct retention_rules r;
    struct err e = ERR_INIT;
    assert_true(
        retention_rules_parse("a\tadults,children\tstep=x,y\tbirth\t3\tA label\r\n", &r, &e));
    assert_int_equal(r.rules[0].domains, DOMAIN_ADULTS | DOMAIN_CHILDREN);
    assert_int_equal(r.rules[0].nsteps, 2);
    assert_string_equal(r.rules[0].steps[1], "y");
    assert_string_equal(r.rules[0].label, "A label");
    retention_rules_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_rules),
        cmocka_unit_test(test_children_25th_birthday),
        cmocka_unit_test(test_looked_after_75th_birthday),
        cmocka_unit_test(test_adults_8_years_after_last_involvement),
        cmocka_unit_test(test_not_scheduled),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests_name("retention", tests, load, unload);
}
