/*
 * Unit tests for domain/workflow_def, due instants: the due instant of every
 * shipped timescale rule on the England and Wales bank-holiday calendar
 * (weekends, bank holidays, BST day boundaries, month ends), late completions,
 * and the recurrence of review conferences and plan reviews. Expected dates
 * were worked out independently of casework (Python's datetime over
 * config/calendar/bank-holidays-england-and-wales.txt) and are the end of the
 * due day in London. The shipped config is found through
 * CASEWORK_TEST_CONFIG_DIR (set by CTest), or "config" relative to the working
 * directory.
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
#include "core/codelist.h"
#include "domain/workflow_def.h"

#include "shipped_config.h"
}

/* ---- due instants of every shipped rule ---------------------------------- */

struct ev {
    const char *name;
    int y, m, d, h, mi; /* UTC */
};

struct due_case {
    const char *pathway, *step, *why;
    struct ev ev[4];
    int y, m, d; /* due at the end of this London day */
};

/* At least one case per timed step, and for each recurring step one for its
 * first occurrence and one for a later one (test_every_rule_is_tested checks).
 * Laid out by hand as a table. */
// clang-format off
static const struct due_case due_cases[] = {
    /* children */
    {"children", "contact", "received the day before Good Friday: Easter skipped",
     {{"case.received", 2026, 4, 2, 16, 0}}, 2026, 4, 7},
    {"children", "referral", "Christmas Eve: Christmas and the Boxing Day substitute skipped",
     {{"referral.started", 2026, 12, 24, 15, 0}}, 2026, 12, 29},
    {"children", "assessment", "45 working days across Christmas and New Year",
     {{"case.received", 2026, 12, 16, 9, 0},
      {"referral.started", 2026, 12, 17, 10, 0}},
     2027, 2, 23},
    {"children", "strategy_discussion", "decided on a Friday before the early May bank holiday",
     {{"strategy_discussion.started", 2026, 5, 1, 9, 0}}, 2026, 5, 5},
    {"children", "section47", "across the spring bank holiday",
     {{"strategy_discussion.completed", 2026, 5, 22, 11, 0}}, 2026, 6, 15},
    {"children", "icpc", "15 working days from the strategy discussion that started the s47",
     {{"strategy_discussion.completed", 2026, 8, 20, 10, 0},
      {"section47.started", 2026, 8, 20, 10, 0}},
     2026, 9, 11},
    {"children", "cp_plan", "first core group across Christmas",
     {{"icpc.completed", 2026, 12, 18, 14, 0}}, 2027, 1, 6},
    {"children", "review_conference", "first review: 3 months after the ICPC",
     {{"icpc.completed", 2026, 1, 15, 14, 0}}, 2026, 4, 15},
    {"children", "review_conference", "first review, month end clamped",
     {{"icpc.completed", 2026, 11, 30, 12, 0}}, 2027, 2, 28},
    {"children", "review_conference", "second review: 6 months after the first",
     {{"icpc.completed", 2026, 1, 15, 14, 0},
      {"review_conference.completed", 2026, 4, 14, 10, 0}},
     2026, 10, 14},
    {"children", "review_conference", "held late: the next is 6 months from when it was held",
     {{"icpc.completed", 2026, 1, 15, 14, 0},
      {"review_conference.completed", 2026, 5, 1, 10, 0}},
     2026, 11, 1},
    {"children", "review_conference", "reviews of an earlier plan do not count for a new one",
     {{"review_conference.completed", 2025, 9, 1, 10, 0},
      {"icpc.completed", 2026, 1, 15, 14, 0}},
     2026, 4, 15},
    {"children", "cin_plan", "across Good Friday and Easter Monday",
     {{"cin_plan.started", 2026, 3, 27, 10, 0}}, 2026, 4, 14},
    {"children", "cin_review", "first review, clamped to the end of April",
     {{"cin_plan.completed", 2026, 1, 31, 10, 0}}, 2026, 4, 30},
    {"children", "cin_review", "later review",
     {{"cin_plan.completed", 2026, 1, 31, 10, 0},
      {"cin_review.completed", 2026, 5, 6, 10, 0}},
     2026, 8, 6},
    /* early help */
    {"early_help", "request", "across Christmas and New Year's Day",
     {{"case.received", 2026, 12, 23, 10, 0}}, 2027, 1, 4},
    {"early_help", "eh_assessment", "across the spring bank holiday",
     {{"request.completed", 2026, 5, 20, 10, 0}}, 2026, 7, 2},
    {"early_help", "eh_plan", "across the summer bank holiday",
     {{"eh_assessment.completed", 2026, 8, 27, 10, 0}}, 2026, 9, 11},
    {"early_help", "eh_review", "first review, 6 weeks",
     {{"eh_plan.completed", 2026, 3, 20, 10, 0}}, 2026, 5, 1},
    {"early_help", "eh_review", "later review held late, due on a Sunday (calendar days)",
     {{"eh_plan.completed", 2026, 3, 20, 10, 0},
      {"eh_review.completed", 2026, 5, 10, 10, 0}},
     2026, 6, 21},
    /* adults */
    {"adults", "contact", "received on the Friday before the summer bank holiday",
     {{"case.received", 2026, 8, 28, 16, 0}}, 2026, 9, 2},
    {"adults", "needs_assessment", "started 00:30 BST on 2 June counts from 2 June",
     {{"needs_assessment.started", 2026, 6, 1, 23, 30}}, 2026, 6, 30},
    {"adults", "eligibility", "across Easter",
     {{"needs_assessment.completed", 2026, 4, 1, 10, 0}}, 2026, 4, 10},
    {"adults", "eligibility", "an assessment completed late: counts from its completion",
     {{"needs_assessment.started", 2026, 6, 1, 10, 0},
      {"needs_assessment.completed", 2026, 7, 20, 10, 0}},
     2026, 7, 27},
    {"adults", "support_plan", "across two May bank holidays",
     {{"eligibility.completed", 2026, 5, 1, 10, 0}}, 2026, 6, 2},
    {"adults", "first_review", "56 days after the plan",
     {{"support_plan.completed", 2026, 3, 2, 10, 0}}, 2026, 4, 27},
    {"adults", "annual_review", "first annual review",
     {{"first_review.completed", 2026, 2, 28, 10, 0}}, 2027, 2, 28},
    {"adults", "annual_review", "later review held late",
     {{"first_review.completed", 2026, 2, 28, 10, 0},
      {"annual_review.completed", 2027, 3, 10, 10, 0}},
     2028, 3, 10},
    {"adults", "annual_review", "from 29 February to 28 February",
     {{"first_review.completed", 2026, 2, 28, 10, 0},
      {"annual_review.completed", 2028, 2, 29, 10, 0}},
     2029, 2, 28},
    {"adults", "carers_assessment", "started on the day the clocks go back",
     {{"carers_assessment.started", 2026, 10, 25, 23, 30}}, 2026, 11, 22},
    {"adults", "carers_support_plan", "across Christmas and New Year",
     {{"carers_assessment.completed", 2026, 12, 21, 10, 0}}, 2027, 1, 21},
    {"adults", "carers_review", "first review",
     {{"carers_support_plan.completed", 2026, 7, 15, 10, 0}}, 2027, 7, 15},
    {"adults", "carers_review", "later review",
     {{"carers_support_plan.completed", 2026, 7, 15, 10, 0},
      {"carers_review.completed", 2027, 7, 20, 10, 0}},
     2028, 7, 20},
    {"adults", "safeguarding_concern", "New Year's Eve: the holiday and weekend skipped",
     {{"safeguarding_concern.started", 2026, 12, 31, 17, 0}}, 2027, 1, 4},
    {"adults", "s42_decision", "across the spring bank holiday",
     {{"safeguarding_concern.completed", 2026, 5, 22, 10, 0}}, 2026, 5, 27},
    {"adults", "s42_enquiry", "across Christmas and New Year",
     {{"s42_decision.completed", 2026, 12, 10, 10, 0}}, 2027, 1, 12},
    {"adults", "safeguarding_outcome", "the day before Good Friday",
     {{"s42_enquiry.completed", 2026, 4, 2, 10, 0}}, 2026, 4, 13},
};
// clang-format on

static size_t to_events(const struct due_case *c, struct workflow_event *out)
{
    size_t n = 0;
    for (; n < 4 && c->ev[n].name; n++) {
        const struct ev *v = &c->ev[n];
        out[n].name = v->name;
        out[n].at = clock_days_from_civil(v->y, v->m, v->d) * CLOCK_SECONDS_PER_DAY +
                    (int64_t)v->h * 3600 + (int64_t)v->mi * 60;
    }
    return n;
}

static void test_due_every_shipped_rule(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof due_cases / sizeof due_cases[0]; i++) {
        const struct due_case *c = &due_cases[i];
        struct workflow_event events[4];
        size_t n = to_events(c, events);
        int64_t due = 0;
        struct err e = ERR_INIT;
        if (!workflow_step_due(step(c->pathway, c->step), S->cal, events, n, &due, &e))
            fail_msg("%s %s (%s): %s", c->pathway, c->step, c->why, e.message);
        int64_t want = clock_london_to_instant(clock_days_from_civil(c->y, c->m, c->d), 23, 59, 59);
        if (due != want) {
            struct buf got = BUF_INIT, expected = BUF_INIT;
            clock_format_instant(&got, due);
            clock_format_instant(&expected, want);
            fail_msg("%s %s (%s): due %s, expected %s", c->pathway, c->step, c->why, got.data,
                     expected.data);
        }
    }
}

static void test_every_rule_is_tested(void **state)
{
    (void)state;
    for (size_t i = 0; i < workflow_set_count(S->set); i++) {
        const struct workflow_def *d = workflow_set_at(S->set, i);
        for (size_t j = 0; j < workflow_def_step_count(d); j++) {
            const struct workflow_step *s = workflow_def_step_at(d, j);
            if (!s->timescale.set)
                continue;
            struct buf own = BUF_INIT;
            buf_printf(&own, "%s.completed", s->id);
            int first = 0, later = 0;
            for (size_t k = 0; k < sizeof due_cases / sizeof due_cases[0]; k++) {
                const struct due_case *c = &due_cases[k];
                if (strcmp(c->pathway, workflow_def_pathway(d)) != 0 || strcmp(c->step, s->id))
                    continue;
                bool repeat = false;
                for (size_t v = 0; v < 4 && c->ev[v].name; v++)
                    repeat = repeat || strcmp(c->ev[v].name, own.data) == 0;
                repeat ? later++ : first++;
            }
            if (first == 0 || (s->timescale.recurring && later == 0))
                fail_msg("no due-date test for %s %s%s", workflow_def_pathway(d), s->id,
                         first ? " (a later occurrence)" : "");
            buf_release(&own);
        }
    }
}

static void test_due_exact_instants(void **state)
{
    (void)state;
    /* End of the London day: 23:59:59 BST is 22:59:59Z, GMT is the same. */
    struct workflow_event bst[] = {{"case.received", 0}};
    bst[0].at = clock_days_from_civil(2026, 4, 2) * CLOCK_SECONDS_PER_DAY + 16 * 3600;
    int64_t due;
    struct err e = ERR_INIT;
    assert_true(workflow_step_due(step("children", "contact"), S->cal, bst, 1, &due, &e));
    struct buf b = BUF_INIT;
    clock_format_instant(&b, due);
    assert_string_equal(b.data, "2026-04-07T22:59:59Z");
    struct workflow_event gmt[] = {{"safeguarding_concern.started", 0}};
    gmt[0].at = clock_days_from_civil(2026, 12, 31) * CLOCK_SECONDS_PER_DAY + 17 * 3600;
    assert_true(
        workflow_step_due(step("adults", "safeguarding_concern"), S->cal, gmt, 1, &due, &e));
    buf_reset(&b);
    clock_format_instant(&b, due);
    assert_string_equal(b.data, "2027-01-04T23:59:59Z");
    /* In time until that second, overdue after it. */
    assert_false(calendar_is_overdue(due, due));
    assert_true(calendar_is_overdue(due, due + 1));
    buf_release(&b);
}

static void test_due_late_completion_moves_the_next(void **state)
{
    (void)state;
    /* The ICPC was due 15 working days after the s47 started, but was held late;
     * the first core group counts from when it was actually held. */
    const struct workflow_step *icpc = step("children", "icpc");
    const struct workflow_step *cp_plan = step("children", "cp_plan");
    struct workflow_event ev[2] = {
        {"section47.started", clock_days_from_civil(2026, 6, 1) * CLOCK_SECONDS_PER_DAY + 36000},
        {"icpc.completed", 0},
    };
    int64_t icpc_due, core_due;
    struct err e = ERR_INIT;
    assert_true(workflow_step_due(icpc, S->cal, ev, 1, &icpc_due, &e));
    assert_int_equal(icpc_due,
                     clock_london_to_instant(clock_days_from_civil(2026, 6, 22), 23, 59, 59));
    ev[1].at = clock_days_from_civil(2026, 7, 1) * CLOCK_SECONDS_PER_DAY + 36000; /* late */
    assert_true(workflow_step_due(cp_plan, S->cal, ev, 2, &core_due, &e));
    /* 10 working days from Wednesday 1 July 2026, not from 22 June. */
    assert_int_equal(core_due,
                     clock_london_to_instant(clock_days_from_civil(2026, 7, 15), 23, 59, 59));
}

static void test_due_errors(void **state)
{
    (void)state;
    int64_t due = 0;
    struct err e = ERR_INIT;
    struct workflow_event ev[] = {{"referral.started", 1700000000}};
    /* The event has not happened. */
    assert_false(workflow_step_due(step("children", "icpc"), S->cal, ev, 1, &due, &e));
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_non_null(strstr(e.message, "section47.started"));
    assert_false(
        workflow_step_due(step("children", "review_conference"), S->cal, NULL, 0, &due, &e));
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_non_null(strstr(e.message, "icpc.completed"));
    /* No timescale. */
    assert_false(workflow_step_due(step("children", "closure"), S->cal, ev, 1, &due, &e));
    assert_int_equal(e.code, ERR_INVALID);
    /* Working days need a calendar; calendar days do not. */
    assert_false(workflow_step_due(step("children", "assessment"), NULL, ev, 1, &due, &e));
    assert_int_equal(e.code, ERR_INVALID);
    struct workflow_event started[] = {{"needs_assessment.started", 0}};
    assert_true(workflow_step_due(step("adults", "needs_assessment"), NULL, started, 1, &due, &e));
    /* Names must match exactly: "referral.started" is not "referral_x.started". */
    struct workflow_event other[] = {{"referral_x.started", 1700000000}, {"referral.startedx", 1}};
    assert_false(workflow_step_due(step("children", "assessment"), S->cal, other, 2, &due, &e));
    /* The latest of repeated events counts. */
    struct workflow_event twice[] = {
        {"strategy_discussion.started", clock_days_from_civil(2026, 5, 1) * 86400},
        {"strategy_discussion.started", clock_days_from_civil(2026, 6, 1) * 86400},
    };
    assert_true(
        workflow_step_due(step("children", "strategy_discussion"), S->cal, twice, 2, &due, &e));
    assert_int_equal(due, clock_london_to_instant(clock_days_from_civil(2026, 6, 2), 23, 59, 59));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_due_every_shipped_rule),
        cmocka_unit_test(test_every_rule_is_tested),
        cmocka_unit_test(test_due_exact_instants),
        cmocka_unit_test(test_due_late_completion_moves_the_next),
        cmocka_unit_test(test_due_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
