/*
 * Unit tests for domain/enquiry_config: loading config/enquiries (the shipped
 * files, and broken ones naming file and line), the service level chosen for
 * an area and type, reply deadlines in working days over bank holidays and
 * across BST, complaint stage deadlines, agreed timescales, extensions within
 * the statutory limits, and progress report dates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "domain/enquiry_config.h"

static struct enquiry_config *cfg;
static struct calendar *cal;

static void path(struct buf *b, const char *rel)
{
    const char *dir = getenv("CASEWORK_TEST_CONFIG_DIR");
    buf_init(b, 0);
    buf_printf(b, "%s/%s", dir && *dir ? dir : "config", rel);
}

static int setup(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    struct buf p = BUF_INIT, h = BUF_INIT;
    path(&p, "enquiries");
    path(&h, "calendar/bank-holidays-england-and-wales.txt");
    cfg = enquiry_config_load(p.data, &e);
    cal = calendar_load(h.data, NULL, &e);
    buf_release(&p);
    buf_release(&h);
    return cfg && cal ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    enquiry_config_free(cfg);
    calendar_free(cal);
    return 0;
}

/* A London wall-clock instant. */
static int64_t at(int y, int m, int d, int hh, int mm)
{
    return clock_london_to_instant(clock_days_from_civil(y, m, d), hh, mm, 0);
}

static int64_t end_of(int y, int m, int d)
{
    return clock_london_to_instant(clock_days_from_civil(y, m, d), 23, 59, 59);
}

static void test_shipped(void **state)
{
    (void)state;
    const struct enquiry_area *a = enquiry_config_area(cfg, "highways");
    assert_non_null(a);
    assert_string_equal(a->directorate, "Place");
    assert_null(enquiry_config_area(cfg, "nowhere"));
    assert_int_equal(enquiry_config_stage_count(cfg, "children"), 3);
    assert_int_equal(enquiry_config_stage_count(cfg, "adults"), 1);
    assert_int_equal(enquiry_config_stage_count(cfg, "corporate"), 2);
    const struct complaint_timescale *t = enquiry_config_stage(cfg, "children", 2);
    assert_string_equal(t->within_text, "25 working days");
    assert_string_equal(t->limit_text, "65 working days");
    assert_non_null(strstr(t->basis, "default"));
    assert_true(enquiry_config_stage(cfg, "adults", 1)->agreed);
    assert_null(enquiry_config_stage(cfg, "adults", 2));
}

static void test_most_specific_service_level(void **state)
{
    (void)state;
    /* area and type, then type, then default; an area line with * beats a type line */
    assert_string_equal(enquiry_config_sla(cfg, "highways", "service_request")->text,
                        "5 working days");
    assert_string_equal(enquiry_config_sla(cfg, "waste", "service_request")->text,
                        "3 working days");
    assert_string_equal(enquiry_config_sla(cfg, "planning", "complaint")->text, "20 working days");
    assert_string_equal(enquiry_config_sla(cfg, "highways", "information")->text,
                        "10 working days");
    assert_string_equal(enquiry_config_sla(cfg, "unknown", "unknown")->text, "10 working days");
}

static void test_reply_due_over_christmas(void **state)
{
    (void)state;
    /* Thu 24 Dec 2026: Fri 25, Mon 28 (Boxing Day substitute) and Fri 1 Jan are bank
     * holidays, so 5 working days are 29, 30, 31 Dec, 4 and 5 Jan. */
    const struct enquiry_sla *s = enquiry_config_sla(cfg, "highways", "service_request");
    assert_int_equal(enquiry_reply_due(cal, s, at(2026, 12, 24, 10, 0)), end_of(2027, 1, 5));
    /* received on a Saturday: counting starts from the Monday */
    assert_int_equal(enquiry_reply_due(cal, s, at(2026, 6, 6, 11, 0)), end_of(2026, 6, 12));
    /* in BST the due instant is 23:59:59 London, 22:59:59 UTC */
    int64_t due = enquiry_reply_due(cal, enquiry_config_sla(cfg, "x", "y"), at(2026, 6, 1, 9, 0));
    assert_int_equal(due, end_of(2026, 6, 15));
    assert_int_equal(due % 86400, 22 * 3600 + 59 * 60 + 59);
}

static void test_stage_due_and_extension(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    const struct complaint_timescale *s1 = enquiry_config_stage(cfg, "children", 1);
    int64_t start = at(2026, 3, 2, 9, 30), due, extended;
    assert_true(complaint_stage_due(cal, s1, start, NULL, &due, &e));
    assert_int_equal(due, end_of(2026, 3, 16)); /* 10 working days */
    /* up to 20 working days (30 March) */
    assert_true(complaint_extension_check(cal, s1, start, due, clock_days_from_civil(2026, 3, 30),
                                          &extended, &e));
    assert_int_equal(extended, end_of(2026, 3, 30));
    assert_false(complaint_extension_check(cal, s1, start, due, clock_days_from_civil(2026, 3, 31),
                                           &extended, &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "due_on");
    assert_non_null(strstr(e.message, "2026-03-30"));
    assert_false(complaint_extension_check(cal, s1, start, due, clock_days_from_civil(2026, 3, 16),
                                           &extended, &e));
    assert_non_null(strstr(e.message, "after the current one"));
    /* stage 2: 25 working days, extendable to 65 (Easter 2026: 3 and 6 April) */
    const struct complaint_timescale *s2 = enquiry_config_stage(cfg, "children", 2);
    assert_true(complaint_stage_due(cal, s2, start, NULL, &due, &e));
    assert_int_equal(due, end_of(2026, 4, 8));
    /* stage 3 (the panel) cannot be extended */
    const struct complaint_timescale *s3 = enquiry_config_stage(cfg, "children", 3);
    assert_true(complaint_stage_due(cal, s3, start, NULL, &due, &e));
    assert_false(complaint_extension_check(cal, s3, start, due, clock_days_from_civil(2026, 6, 1),
                                           &extended, &e));
    assert_int_equal(e.code, ERR_CONFLICT);
}

static void test_adults_agreed_timescale(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    const struct complaint_timescale *a = enquiry_config_stage(cfg, "adults", 1);
    int64_t start = at(2026, 3, 2, 9, 30), due;
    assert_true(complaint_stage_due(cal, a, start, "30 working days", &due, &e));
    assert_int_equal(due, end_of(2026, 4, 15));
    assert_true(complaint_stage_due(cal, a, start, "6 months", &due, &e));
    assert_int_equal(due, end_of(2026, 9, 2));
    assert_false(complaint_stage_due(cal, a, start, "7 months", &due, &e));
    assert_string_equal(e.field, "agreed_timescale");
    assert_false(complaint_stage_due(cal, a, start, NULL, &due, &e));
    assert_false(complaint_stage_due(cal, a, start, "soon", &due, &e));
}

static void test_progress_reports(void **state)
{
    (void)state;
    int64_t start = at(2026, 6, 1, 10, 0);
    assert_int_equal(complaint_progress_due(start, 0), end_of(2026, 6, 15));
    assert_int_equal(complaint_progress_due(start, at(2026, 6, 10, 16, 0)), end_of(2026, 6, 24));
    assert_false(calendar_is_overdue(complaint_progress_due(start, 0), end_of(2026, 6, 15)));
    assert_true(calendar_is_overdue(complaint_progress_due(start, 0), end_of(2026, 6, 15) + 1));
}

/* Write three files into a fresh directory and load it. */
static struct enquiry_config *load_files(const char *areas, const char *levels, const char *stages,
                                         struct err *e)
{
    char dir[] = "/tmp/enquiry-config-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *names[] = {"service-areas.txt", "service-levels.txt", "complaint-timescales.txt"};
    const char *texts[] = {areas, levels, stages};
    char p[128];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fputs(texts[i], f);
        fclose(f);
    }
    struct enquiry_config *c = enquiry_config_load(dir, e);
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    return c;
}

static const char AREAS[] = "# comment\nroads\tPlace\tRoads\n";
static const char LEVELS[] = "*\t*\t10 working days\n";
static const char STAGES[] = "children\t1\t10 working days\t20 working days\tdefault\n"
                             "adults\t1\tagreed\t6 months\tdefault\n"
                             "corporate\t1\t10 working days\t-\tdefault\n";

static void test_bad_files(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    struct enquiry_config *c = load_files(AREAS, LEVELS, STAGES, &e);
    assert_non_null(c);
    enquiry_config_free(c);
    struct {
        const char *areas, *levels, *stages, *message;
    } cases[] = {
        {"roads\tPlace\n", LEVELS, STAGES, "service-areas.txt line 1: expected code"},
        {"Roads\tPlace\tRoads\n", LEVELS, STAGES, "line 1: a code is a-z"},
        {AREAS, "roads\tx\t5 working days\n", STAGES, "needs a default line"},
        {AREAS, "parks\t*\t5 working days\n*\t*\t1 working day\n", STAGES,
         "service-levels.txt line 1: parks is not a service area"},
        {AREAS, "*\t*\t2 months\n", STAGES, "line 1: a service level is a number of working days"},
        {AREAS, "*\t*\tsoon\n", STAGES, "service-levels.txt line 1:"},
        {AREAS, LEVELS, "children\t2\t10 working days\t-\tx\n", "in order from 1"},
        {AREAS, LEVELS, "adults\t1\tagreed\t-\tx\n", "an agreed timescale needs a limit"},
        {AREAS, LEVELS, "children\t1\t10 working days\t-\tx\n", "has no stage for adults"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err_clear(&e);
        assert_null(load_files(cases[i].areas, cases[i].levels, cases[i].stages, &e));
        if (!strstr(e.message, cases[i].message))
            fail_msg("case %zu: got \"%s\"", i, e.message);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_most_specific_service_level),
        cmocka_unit_test(test_reply_due_over_christmas),
        cmocka_unit_test(test_stage_due_and_extension),
        cmocka_unit_test(test_adults_agreed_timescale),
        cmocka_unit_test(test_progress_reports),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
