/*
 * The CIN census validation rules (returns/cin_rules), one passing and one
 * failing case each: a clean child (two episodes: one closed with an
 * assessment, a section 47 enquiry, a conference, a child protection plan and
 * then a children in need plan; one open and later) passes every rule; for
 * each rule, one realistic change to that child makes the rule fail, naming
 * the record where it is fixed. Every rule in the table must have its change
 * here, so a new rule cannot go untested. The shipped 2025-26 year settings
 * and bank holidays are used (CASEWORK_TEST_CONFIG_DIR).
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
#include "core/calendar.h"
#include "core/clock.h"
#include "domain/identifiers.h"
#include "returns/cin.h"
#include "returns/cin_rules.h"

static struct cin_year year;
static struct arena year_arena = ARENA_INIT;
static struct calendar *cal;

static int64_t D(const char *s)
{
    int64_t d;
    struct err e = ERR_INIT;
    if (!clock_parse_date(s, &d, &e))
        fail_msg("bad date %s", s);
    return d;
}

/* The fixture: two children (the second only for 1520), arrays with room for
 * a second item so a change can add one. */
struct fx {
    struct cin_child child, other;
    struct cin_episode eps[2], other_ep;
    struct cin_assessment a[2], b[2];
    struct cin_s47 s47[2];
    struct cin_cpp cpp[2];
    struct cin_plan plan[2];
    int64_t reviews[2];
    const char *factors[2], *disabilities[2];
    char upn[14], other_upn[14];
    struct cin_return r;
};

static void fx_init(struct fx *f)
{
    memset(f, 0, sizeof *f);
    id_make_upn(ID_SYNTHETIC_UPN_LA, 2001, 15, 7, f->upn);
    id_make_upn(ID_SYNTHETIC_UPN_LA, 2001, 15, 8, f->other_upn);
    f->disabilities[0] = "NONE";
    f->child = (struct cin_child){101, D("2015-06-01"), CIN_NO_DATE,     CIN_NO_DATE, f->upn, NULL,
                                  "F", "WBRI",          f->disabilities, 1,           f->eps, 2};
    /* Episode A, closed: referral, assessment, S47, ICPC -> CP plan, then a CIN plan. */
    f->factors[0] = "3A";
    f->factors[1] = "4B";
    f->a[0] = (struct cin_assessment){302, D("2025-05-02"), D("2025-06-10"), f->factors, 2};
    f->s47[0] = (struct cin_s47){303,
                                 304,
                                 D("2025-05-06"),
                                 calendar_add_working_days(cal, D("2025-05-06"), 15),
                                 D("2025-05-20"),
                                 false};
    f->reviews[0] = D("2025-08-20");
    f->cpp[0] =
        (struct cin_cpp){304, D("2025-05-20"), D("2025-11-20"), "PHY", "NEG", 0, f->reviews, 1};
    f->plan[0] = (struct cin_plan){308, D("2025-11-20"), D("2026-02-20")};
    f->eps[0] = (struct cin_episode){.case_id = 201,
                                     .referral_step_id = 301,
                                     .closure_step_id = 309,
                                     .referral = D("2025-05-01"),
                                     .closure = D("2026-02-20"),
                                     .icpc = CIN_NO_DATE,
                                     .source = "3A",
                                     .primary_need = "N1",
                                     .closure_reason = "RC7",
                                     .assessments = f->a,
                                     .nassessments = 1,
                                     .s47s = f->s47,
                                     .ns47s = 1,
                                     .plans = f->plan,
                                     .nplans = 1,
                                     .cpps = f->cpp,
                                     .ncpps = 1};
    /* Episode B, open: a new referral after A closed, its assessment under way. */
    f->b[0] = (struct cin_assessment){312, D("2026-03-03"), CIN_NO_DATE, NULL, 0};
    f->eps[1] = (struct cin_episode){.case_id = 202,
                                     .referral_step_id = 311,
                                     .referral = D("2026-03-02"),
                                     .closure = CIN_NO_DATE,
                                     .icpc = CIN_NO_DATE,
                                     .source = "2A",
                                     .primary_need = "N4",
                                     .assessments = f->b,
                                     .nassessments = 1};
    f->other_ep = (struct cin_episode){.case_id = 203,
                                       .referral_step_id = 321,
                                       .referral = D("2025-09-01"),
                                       .closure = CIN_NO_DATE,
                                       .icpc = CIN_NO_DATE,
                                       .source = "6",
                                       .nfa = true};
    f->other =
        (struct cin_child){102, D("2019-02-03"), CIN_NO_DATE, CIN_NO_DATE, f->other_upn, NULL,
                           "M", "BAFR",          NULL,        0,           &f->other_ep, 1};
    f->r = (struct cin_return){&year, cal, &f->child, 2, 3};
}

/* Failures of one rule on the fixture (the whole return for 1520). */
static size_t failures(struct fx *f, const struct cin_rule *rule, struct cin_failures *out)
{
    struct cin_child both[2] = {f->child, f->other};
    f->r.children = both;
    memset(out, 0, sizeof *out);
    cin_check_rule(&f->r, rule, &f->child, out);
    f->r.children = &f->child;
    return out->n;
}

/* --- one change per rule -------------------------------------------------- */

#define A (f->eps[0])
#define B (f->eps[1])
#define CH (f->child)

static void m1510(struct fx *f)
{
    f->upn[0] = f->upn[0] == 'A' ? 'B' : 'A';
}
static void m8520(struct fx *f)
{
    CH.dob = D("2026-04-02");
}
static void m8525(struct fx *f)
{
    CH.expected_dob = D("2016-01-01");
}
static void m4180(struct fx *f)
{
    CH.sex = "X";
}
static void m4220(struct fx *f)
{
    CH.ethnicity = NULL;
}
static void m8540(struct fx *f)
{
    f->disabilities[0] = "WINGS";
}
static void m8790(struct fx *f)
{
    f->disabilities[1] = "MOB";
    CH.ndisabilities = 2;
}
static void m8772(struct fx *f)
{
    CH.upn = NULL;
    CH.upn_unknown = "UN7";
}
static void m8770(struct fx *f)
{
    CH.upn = NULL;
    CH.upn_unknown = "UN1";
}
static void mschema(struct fx *f)
{
    CH.upn = NULL;
    CH.upn_unknown = "UN8";
}
static void m8606(struct fx *f)
{
    CH.dob = D("2026-03-01");
}
static void m8555(struct fx *f)
{
    CH.dod = D("2025-04-15");
}
static void m8866(struct fx *f)
{
    A.source = "ZZ";
}
static void m8610(struct fx *f)
{
    A.primary_need = NULL;
}
static void m8650(struct fx *f)
{
    A.primary_need = "N12";
}
static void m8569(struct fx *f)
{
    B.nfa = true;
    B.nassessments = 0;
    B.referral = D("2025-03-20");
}
static void m8620(struct fx *f)
{
    A.closure = D("2026-04-10");
}
static void m8630(struct fx *f)
{
    A.closure = D("2025-04-20");
}
static void m8640(struct fx *f)
{
    A.closure_reason = "RC10";
}
static void m8805(struct fx *f)
{
    A.closure_reason = NULL;
}
static void m8565(struct fx *f)
{
    f->plan[0].end = D("2026-03-01");
}
static void m8868(struct fx *f)
{
    f->s47[0].icpc_date = CIN_NO_DATE;
    f->s47[0].icpc_step_id = 0;
}
static void m8867(struct fx *f)
{
    f->a[0].authorised = CIN_NO_DATE;
}
static void m2990(struct fx *f)
{
    A.closure_reason = "RC8";
}
static void m8873(struct fx *f)
{
    f->factors[0] = "21";
    f->a[0].nfactors = 1;
}
static void m8815(struct fx *f)
{
    A.closure = CIN_NO_DATE;
    A.closure_reason = NULL;
}
static void m8816(struct fx *f)
{
    A.closure = CIN_NO_DATE;
    A.closure_reason = NULL;
}
static void m8820(struct fx *f)
{
    B.referral = D("2026-01-10");
}
static void m8831(struct fx *f)
{
    B.nfa = true;
}
static void m4000(struct fx *f)
{
    A.nfa = true;
}
static void m8832(struct fx *f)
{
    A.nfa = true;
}
static void m1103(struct fx *f)
{
    f->a[0].start = D("2025-04-20");
}
static void m8608(struct fx *f)
{
    f->a[0].start = D("2025-06-20");
}
static void m8696(struct fx *f)
{
    f->a[0].authorised = D("2025-03-20");
}
static void m8736(struct fx *f)
{
    f->b[0].start = D("2025-03-01");
}
static void m8897(struct fx *f)
{
    f->factors[0] = "ZZ";
    f->a[0].nfactors = 1;
}
static void m8898(struct fx *f)
{
    f->factors[1] = "3A";
}
static void m8869(struct fx *f)
{
    f->factors[1] = "21";
}
static void m8617(struct fx *f)
{
    f->factors[1] = "8A";
}
static void m8896(struct fx *f)
{
    f->b[1] = (struct cin_assessment){313, D("2026-03-10"), CIN_NO_DATE, NULL, 0};
    B.nassessments = 2;
}
static void m8863(struct fx *f)
{
    f->a[1] = (struct cin_assessment){305, D("2025-05-10"), D("2025-06-12"), f->factors, 2};
    A.nassessments = 2;
}
static void m4008(struct fx *f)
{
    CH.dod = D("2025-11-01");
}
static void m4009(struct fx *f)
{
    CH.dod = D("2026-01-01");
}
static void m4010(struct fx *f)
{
    f->plan[0].start = D("2026-04-05");
}
static void m4011(struct fx *f)
{
    f->plan[0].end = D("2025-11-10");
}
static void m4013(struct fx *f)
{
    f->plan[0].end = D("2026-04-10");
}
static void m4015(struct fx *f)
{
    f->plan[0].start = D("2025-04-20");
}
static void m4004(struct fx *f)
{
    f->plan[0].end = CIN_NO_DATE;
    f->plan[1] = (struct cin_plan){310, D("2026-01-01"), CIN_NO_DATE};
    A.nplans = 2;
}
static void m4014(struct fx *f)
{
    f->plan[1] = (struct cin_plan){310, D("2026-01-01"), D("2026-02-01")};
    A.nplans = 2;
}
static void m4001(struct fx *f)
{
    f->plan[0].end = CIN_NO_DATE;
    f->cpp[0].end = CIN_NO_DATE;
}
static void m4003(struct fx *f)
{
    f->reviews[1] = D("2025-12-01");
    f->cpp[0].nreviews = 2;
}
static void m4016(struct fx *f)
{
    f->plan[0].start = D("2025-10-01");
}
static void m4017(struct fx *f)
{
    f->cpp[0].start = D("2025-12-01");
    f->cpp[0].end = CIN_NO_DATE;
}
static void m1104(struct fx *f)
{
    f->s47[0].icpc_date = D("2025-04-20");
}
static void m8615(struct fx *f)
{
    f->s47[0].start = D("2025-05-25");
}
static void m2889(struct fx *f)
{
    f->s47[0].start = D("2025-04-20");
}
static void m8740(struct fx *f)
{
    f->s47[0].icpc_date = CIN_NO_DATE;
    f->s47[0].start = D("2025-03-10");
}
static void m8715(struct fx *f)
{
    f->s47[0].icpc_date = D("2025-03-20");
}
static void m8875(struct fx *f)
{
    f->s47[0].icpc_date = D("2025-05-24");
}
static void m8839(struct fx *f)
{
    f->s47[0].icpc_date = CIN_NO_DATE;
    f->s47[1] = (struct cin_s47){306, 0, D("2025-05-08"), CIN_NO_DATE, CIN_NO_DATE, false};
    A.ns47s = 2;
}
static void m8675(struct fx *f)
{
    f->s47[0].icpc_date = CIN_NO_DATE;
    f->s47[0].icpc_step_id = 0;
}
static void m8905(struct fx *f)
{
    f->cpp[0].initial_category = "XYZ";
}
static void m8910(struct fx *f)
{
    f->cpp[0].latest_category = NULL;
}
static void m8730(struct fx *f)
{
    f->cpp[0].previous = -1;
}
static void m8720(struct fx *f)
{
    f->cpp[0].start = D("2026-04-10");
}
static void m8915(struct fx *f)
{
    CH.dod = D("2025-05-10");
}
static void m8920(struct fx *f)
{
    CH.dod = D("2025-10-01");
}
static void m8925(struct fx *f)
{
    f->cpp[0].end = D("2025-05-10");
}
static void m8930(struct fx *f)
{
    f->cpp[0].end = D("2026-04-10");
}
static void m8840(struct fx *f)
{
    f->cpp[0].end = f->cpp[0].start;
}
static void m8841(struct fx *f)
{
    f->reviews[0] = D("2025-05-20");
}
static void m1105(struct fx *f)
{
    f->cpp[0].start = D("2025-04-20");
}
static void m8935(struct fx *f)
{
    f->cpp[0].end = CIN_NO_DATE;
    f->cpp[1] = (struct cin_cpp){307, D("2025-09-01"), CIN_NO_DATE, "EMO", "EMO", 1, NULL, 0};
    A.ncpps = 2;
}
static void m8940(struct fx *f)
{
    f->cpp[1] = (struct cin_cpp){307, D("2025-06-01"), D("2025-07-01"), "EMO", "EMO", 1, NULL, 0};
    A.ncpps = 2;
}
static void m1520(struct fx *f)
{
    memcpy(f->other_upn, f->upn, sizeof f->upn);
}

struct change {
    const char *rule;
    void (*apply)(struct fx *f);
    enum cin_where where; /* where the failure sends the user */
    int64_t id;
};

static const struct change changes[] = {
    {"1510", m1510, CIN_AT_PERSON, 101},  {"8520", m8520, CIN_AT_PERSON, 101},
    {"8525", m8525, CIN_AT_PERSON, 101},  {"4180", m4180, CIN_AT_PERSON, 101},
    {"4220", m4220, CIN_AT_PERSON, 101},  {"8540", m8540, CIN_AT_PERSON, 101},
    {"8790", m8790, CIN_AT_PERSON, 101},  {"8772", m8772, CIN_AT_PERSON, 101},
    {"8770Q", m8770, CIN_AT_PERSON, 101}, {"schema", mschema, CIN_AT_PERSON, 101},
    {"8606", m8606, CIN_AT_STEP, 301},    {"8555", m8555, CIN_AT_PERSON, 101},
    {"8866", m8866, CIN_AT_CASE, 201},    {"8610", m8610, CIN_AT_STEP, 301},
    {"8650", m8650, CIN_AT_STEP, 301},    {"8569", m8569, CIN_AT_STEP, 311},
    {"8620", m8620, CIN_AT_CASE, 201},    {"8630", m8630, CIN_AT_CASE, 201},
    {"8640", m8640, CIN_AT_CASE, 201},    {"8805", m8805, CIN_AT_CASE, 201},
    {"8565", m8565, CIN_AT_STEP, 309},    {"8868", m8868, CIN_AT_STEP, 303},
    {"8867", m8867, CIN_AT_STEP, 302},    {"2990", m2990, CIN_AT_CASE, 201},
    {"8873", m8873, CIN_AT_CASE, 201},    {"8815", m8815, CIN_AT_CASE, 201},
    {"8816", m8816, CIN_AT_CASE, 201},    {"8820", m8820, CIN_AT_CASE, 202},
    {"8831", m8831, CIN_AT_STEP, 311},    {"4000", m4000, CIN_AT_STEP, 301},
    {"8832", m8832, CIN_AT_STEP, 301},    {"1103", m1103, CIN_AT_STEP, 302},
    {"8608", m8608, CIN_AT_STEP, 302},    {"8696", m8696, CIN_AT_STEP, 302},
    {"8736", m8736, CIN_AT_STEP, 312},    {"8897", m8897, CIN_AT_STEP, 302},
    {"8898", m8898, CIN_AT_STEP, 302},    {"8869", m8869, CIN_AT_STEP, 302},
    {"8617", m8617, CIN_AT_STEP, 302},    {"8896", m8896, CIN_AT_CASE, 202},
    {"8863", m8863, CIN_AT_STEP, 305},    {"4008", m4008, CIN_AT_STEP, 308},
    {"4009", m4009, CIN_AT_STEP, 308},    {"4010", m4010, CIN_AT_STEP, 308},
    {"4011", m4011, CIN_AT_STEP, 308},    {"4013", m4013, CIN_AT_STEP, 308},
    {"4015", m4015, CIN_AT_STEP, 308},    {"4004", m4004, CIN_AT_CASE, 201},
    {"4014", m4014, CIN_AT_STEP, 310},    {"4001", m4001, CIN_AT_CASE, 201},
    {"4003", m4003, CIN_AT_CASE, 201},    {"4016", m4016, CIN_AT_CASE, 201},
    {"4017", m4017, CIN_AT_CASE, 201},    {"1104", m1104, CIN_AT_STEP, 304},
    {"8615", m8615, CIN_AT_STEP, 303},    {"2889", m2889, CIN_AT_STEP, 303},
    {"8740", m8740, CIN_AT_STEP, 303},    {"8715", m8715, CIN_AT_STEP, 304},
    {"8875", m8875, CIN_AT_STEP, 304},    {"8839", m8839, CIN_AT_CASE, 201},
    {"8675Q", m8675, CIN_AT_STEP, 303},   {"8905", m8905, CIN_AT_STEP, 304},
    {"8910", m8910, CIN_AT_STEP, 304},    {"8730", m8730, CIN_AT_STEP, 304},
    {"8720", m8720, CIN_AT_STEP, 304},    {"8915", m8915, CIN_AT_STEP, 304},
    {"8920", m8920, CIN_AT_STEP, 304},    {"8925", m8925, CIN_AT_STEP, 304},
    {"8930", m8930, CIN_AT_STEP, 304},    {"8840", m8840, CIN_AT_STEP, 304},
    {"8841", m8841, CIN_AT_STEP, 304},    {"1105", m1105, CIN_AT_STEP, 304},
    {"8935", m8935, CIN_AT_CASE, 201},    {"8940", m8940, CIN_AT_STEP, 307},
    {"1520", m1520, CIN_AT_PERSON, 101},
};

static const struct change *change_for(const char *rule)
{
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
        if (strcmp(changes[i].rule, rule) == 0)
            return &changes[i];
    return NULL;
}

/* --- the tests ------------------------------------------------------------- */

static void test_clean_child_passes_every_rule(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f);
    for (size_t i = 0; i < cin_rule_count(); i++) {
        struct cin_failures out;
        size_t n = failures(&f, cin_rule_at(i), &out);
        if (n)
            fail_msg("rule %s fails on the clean child: %s", cin_rule_at(i)->number,
                     cin_rule_at(i)->message);
        cin_failures_free(&out);
    }
    /* The whole check agrees, with no errors and no queries. */
    struct cin_child both[2] = {f.child, f.other};
    f.r.children = both;
    struct cin_failures all = {0};
    assert_true(cin_check(&f.r, &all));
    assert_int_equal(all.n, 0);
    cin_failures_free(&all);
}

static void test_every_rule_fails_on_its_change(void **state)
{
    (void)state;
    for (size_t i = 0; i < cin_rule_count(); i++) {
        const struct cin_rule *rule = cin_rule_at(i);
        const struct change *c = change_for(rule->number);
        if (!c)
            fail_msg("rule %s has no failing case in this test: add one", rule->number);
        struct fx f;
        fx_init(&f);
        c->apply(&f);
        struct cin_failures out;
        size_t n = failures(&f, rule, &out);
        if (n == 0)
            fail_msg("rule %s does not fail on its change", rule->number);
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found = found || (out.items[k].where == c->where && out.items[k].id == c->id);
        if (!found) {
            char path[32];
            cin_failure_path(&out.items[0], path);
            fail_msg("rule %s points at %s, not the record to fix", rule->number, path);
        }
        assert_ptr_equal(out.items[0].rule, rule);
        assert_int_equal(out.items[0].person_id, 101);
        assert_int_equal(rule->query ? out.queries : out.errors, n);
        cin_failures_free(&out);
    }
}

static void test_rule_table(void **state)
{
    (void)state;
    /* Numbers are unique and found by number; messages are the DfE's sentences. */
    for (size_t i = 0; i < cin_rule_count(); i++) {
        const struct cin_rule *r = cin_rule_at(i);
        assert_ptr_equal(cin_rule_find(r->number), r);
        assert_true(strlen(r->message) > 10);
        assert_int_equal(r->query, r->number[strlen(r->number) - 1] == 'Q');
    }
    assert_null(cin_rule_at(cin_rule_count()));
    assert_null(cin_rule_find("9999"));
    assert_string_equal(cin_rule_find("8608")->message,
                        "Assessment Start Date cannot be later than its End Date");
    struct cin_failure f = {cin_rule_find("8608"), 1, CIN_AT_STEP, 42};
    char path[32];
    cin_failure_path(&f, path);
    assert_string_equal(path, "/steps/42");
}

/* 8675Q counts working days on the bank-holiday calendar: an enquiry started
 * 15 working days before the reference date is not yet overdue; one started a
 * day earlier is (Good Friday and Easter Monday 2026 fall after the year). */
static void test_8675_counts_working_days(void **state)
{
    (void)state;
    const struct cin_rule *rule = cin_rule_find("8675Q");
    struct fx f;
    fx_init(&f);
    m8675(&f);
    int64_t day = year.end;
    for (int n = 0; n < 15;)
        if (calendar_is_working_day(cal, --day))
            n++;
    f.s47[0].start = day; /* due exactly on 31 March: not overdue */
    struct cin_failures out;
    assert_int_equal(failures(&f, rule, &out), 0);
    cin_failures_free(&out);
    do
        f.s47[0].start--;
    while (!calendar_is_working_day(cal, f.s47[0].start));
    assert_int_equal(failures(&f, rule, &out), 1);
    cin_failures_free(&out);
}

static void test_year_settings(void **state)
{
    (void)state;
    char d[11];
    cin_format_date(year.start, d);
    assert_string_equal(d, "2025-04-01");
    cin_format_date(year.end, d);
    assert_string_equal(d, "2026-03-31");
    assert_int_equal(year.reference_year, 2026);
    assert_true(cin_codes_has(&year.upn_unknown, "UN7"));
    assert_false(cin_codes_has(&year.upn_unknown, "UN8"));
    assert_false(cin_codes_has(&year.assessment_factors, "18A"));
    /* A year with no settings, or a name that is not a year, is refused. */
    struct arena a = ARENA_INIT;
    struct cin_year y;
    struct err e = ERR_INIT;
    const char *dir = getenv("CASEWORK_TEST_CONFIG_DIR");
    assert_false(cin_year_load(dir ? dir : "config", "1999-00", &y, &a, &e));
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_false(cin_year_load(dir ? dir : "config", "../../x", &y, &a, &e));
    assert_int_equal(e.code, ERR_INVALID);
    arena_release(&a);
}

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("CASEWORK_TEST_CONFIG_DIR");
    if (!dir || !*dir)
        dir = "config";
    struct err e = ERR_INIT;
    char bank[4096], closures[4096];
    snprintf(bank, sizeof bank, "%s/calendar/bank-holidays-england-and-wales.txt", dir);
    snprintf(closures, sizeof closures, "%s/calendar/local-closures.txt", dir);
    if (!(cal = calendar_load(bank, closures, &e)) ||
        !cin_year_load(dir, "2025-26", &year, &year_arena, &e)) {
        fprintf(stderr, "setup: %s\n", e.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    calendar_free(cal);
    arena_release(&year_arena);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_child_passes_every_rule),
        cmocka_unit_test(test_every_rule_fails_on_its_change),
        cmocka_unit_test(test_rule_table),
        cmocka_unit_test(test_8675_counts_working_days),
        cmocka_unit_test(test_year_settings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
