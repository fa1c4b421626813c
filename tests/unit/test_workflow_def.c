/*
 * Unit tests for domain/workflow_def, loading: the shipped pathways load and
 * say what statute and guidance say; every validation rule is caught at the
 * right line of the file; versions, file names and the canonical hash. Due
 * instants are tested in test_workflow_due.c. The shipped config is found
 * through CASEWORK_TEST_CONFIG_DIR (set by CTest), or "config" relative to the
 * working directory; temporary directories are made under /tmp and removed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "domain/workflow_def.h"

#include "shipped_config.h"
}

static void assert_next(const struct workflow_step *s, const char *outcome, const char *next0,
                        const char *next1)
{
    const struct workflow_outcome *o = workflow_step_outcome(s, outcome);
    if (!o)
        fail_msg("step %s has no outcome %s", s->id, outcome);
    assert_int_equal(o->nnext, next0 ? (next1 ? 2 : 1) : 0);
    if (next0)
        assert_string_equal(o->next[0]->id, next0);
    if (next1)
        assert_string_equal(o->next[1]->id, next1);
}

/* ---- the shipped pathways -------------------------------------------------- */

static void test_shipped_load(void **state)
{
    (void)state;
    assert_int_equal(workflow_set_count(S->set), 5);
    /* Name order, then version: children.v2 added the census fields, v3 asks
     * the initial category of abuse at the initial conference. */
    static const char *names[] = {"adults", "children", "children", "children", "early_help"};
    static const int versions[] = {1, 1, 2, 3, 1};
    static const bool newest[] = {true, false, false, true, true};
    static const enum workflow_domain domains[] = {WORKFLOW_ADULTS, WORKFLOW_CHILDREN,
                                                   WORKFLOW_CHILDREN, WORKFLOW_CHILDREN,
                                                   WORKFLOW_EARLY_HELP};
    for (size_t i = 0; i < 5; i++) {
        const struct workflow_def *d = workflow_set_at(S->set, i);
        assert_string_equal(workflow_def_pathway(d), names[i]);
        assert_int_equal(workflow_def_version(d), versions[i]);
        assert_int_equal(workflow_def_domain(d), domains[i]);
        assert_true((workflow_set_newest(S->set, names[i]) == d) == newest[i]);
        assert_ptr_equal(workflow_set_get(S->set, names[i], versions[i]), d);
        assert_int_equal(strlen(workflow_def_hash(d)), WORKFLOW_HASH_HEX);
        assert_true(strspn(workflow_def_hash(d), "0123456789abcdef") == WORKFLOW_HASH_HEX);
        assert_non_null(strstr(workflow_def_source(d), names[i]));
        /* Every step can be found by id, and every outcome's next is resolved. */
        for (size_t j = 0; j < workflow_def_step_count(d); j++) {
            const struct workflow_step *s = workflow_def_step_at(d, j);
            assert_ptr_equal(workflow_def_step(d, s->id), s);
            assert_true(s->noutcomes > 0);
            assert_true(s->roles != 0);
            for (size_t k = 0; k < s->noutcomes; k++)
                for (size_t n = 0; n < s->outcomes[k].nnext; n++)
                    assert_ptr_equal(s->outcomes[k].next[n],
                                     workflow_def_step(d, s->outcomes[k].next_ids[n]));
        }
        assert_int_equal(workflow_def_start_count(d), 1);
        assert_true(workflow_def_start_at(d, 0)->start);
        assert_null(workflow_def_start_at(d, 1));
        assert_null(workflow_def_step_at(d, workflow_def_step_count(d)));
        assert_null(workflow_def_step(d, "no_such_step"));
    }
    assert_null(workflow_set_newest(S->set, "complaints"));
    assert_null(workflow_set_get(S->set, "children", 4));
    assert_null(workflow_set_at(S->set, 5));
}

static void test_shipped_children(void **state)
{
    (void)state;
    const struct workflow_def *d = workflow_set_newest(S->set, "children");
    assert_string_equal(workflow_def_start_at(d, 0)->id, "contact");

    const struct workflow_step *contact = step("children", "contact");
    assert_string_equal(contact->outcome_list, "contact_decision");
    assert_int_equal(contact->timescale.rule.within.unit, TIMESCALE_WORKING_DAYS);
    assert_int_equal(contact->timescale.rule.within.amount, 1);
    assert_int_equal(contact->timescale.rule.from, WORKFLOW_FROM_CASE_RECEIVED);
    assert_true(workflow_step_outcome(contact, "nfa")->closes);
    assert_null(workflow_step_outcome(contact, "nfa")->close_reasons);
    assert_next(contact, "referral", "referral", NULL);
    assert_next(contact, "strategy_discussion", "referral", "strategy_discussion");
    const struct workflow_field *source = workflow_step_field(contact, "referral_source");
    assert_int_equal(source->type, WORKFLOW_FIELD_CODE);
    assert_string_equal(source->list, "referral_source");
    assert_true(source->mandatory);
    assert_string_equal(workflow_step_field(contact, "dob")->prefill, "person.dob");
    assert_null(workflow_step_field(contact, "no_such_field"));
    assert_true(workflow_step_allows_role(contact, ROLE_PRACTITIONER));
    assert_true(workflow_step_allows_role(contact, ROLE_MANAGER));
    assert_false(workflow_step_allows_role(contact, ROLE_AUDITOR));

    /* 45 working days from the point of referral; CIN census items at the end. */
    const struct workflow_step *a = step("children", "assessment");
    assert_true(a->authorise);
    assert_int_equal(a->timescale.rule.within.amount, 45);
    assert_int_equal(a->timescale.rule.within.unit, TIMESCALE_WORKING_DAYS);
    assert_int_equal(a->timescale.rule.from, WORKFLOW_FROM_STARTED);
    assert_string_equal(a->timescale.rule.from_step, "referral");
    assert_string_equal(workflow_step_field(a, "factors")->list, "assessment_factors");
    assert_int_equal(workflow_step_field(a, "factors")->type, WORKFLOW_FIELD_CODES);
    assert_true(workflow_step_field(a, "factors")->copy_forward);
    assert_string_equal(workflow_step_field(a, "primary_need")->list, "primary_need");
    assert_non_null(strstr(a->timescale.basis, "45 working days"));

    /* ICPC: 15 working days from the strategy discussion that started the s47. */
    const struct workflow_step *icpc = step("children", "icpc");
    assert_int_equal(icpc->timescale.rule.within.amount, 15);
    assert_string_equal(icpc->timescale.rule.from_text, "section47.started");
    assert_next(step("children", "strategy_discussion"), "section47", "section47", NULL);
    assert_next(step("children", "section47"), "icpc", "icpc", NULL);

    /* Review conferences: 3 months after the ICPC, then every 6 months. */
    const struct workflow_step *rc = step("children", "review_conference");
    assert_true(rc->timescale.recurring);
    assert_int_equal(rc->timescale.first.within.unit, TIMESCALE_MONTHS);
    assert_int_equal(rc->timescale.first.within.amount, 3);
    assert_string_equal(rc->timescale.first.from_text, "icpc.completed");
    assert_int_equal(rc->timescale.rule.within.amount, 6);
    assert_int_equal(rc->timescale.rule.from, WORKFLOW_FROM_PREVIOUS);
    assert_next(rc, "continue", "review_conference", NULL);
    assert_string_equal(workflow_step_field(rc, "latest_category")->list, "category_of_abuse");
    /* v3: the conference that makes the plan records its initial category and
     * the previous plans, mandatory with the outcome that makes a plan;
     * v2 asked them at the plan step, which may still be open on 31 March. */
    const struct workflow_field *category = workflow_step_field(icpc, "initial_category");
    assert_string_equal(category->list, "category_of_abuse");
    assert_false(category->mandatory);
    assert_true(workflow_field_required(category, "cp_plan"));
    assert_false(workflow_field_required(category, "cin_plan"));
    const struct workflow_field *previous = workflow_step_field(icpc, "previous_plans");
    assert_int_equal(previous->type, WORKFLOW_FIELD_NUMBER);
    assert_true(workflow_field_required(previous, "cp_plan"));
    assert_null(workflow_step_field(step("children", "cp_plan"), "initial_category"));
    assert_null(workflow_step_field(step("children", "cp_plan"), "previous_plans"));
    const struct workflow_def *v2 = workflow_set_get(S->set, "children", 2);
    assert_non_null(v2);
    const struct workflow_step *v2_plan = workflow_def_step(v2, "cp_plan");
    assert_true(workflow_step_field(v2_plan, "initial_category")->mandatory);
    assert_null(workflow_step_field(workflow_def_step(v2, "icpc"), "initial_category"));

    /* Closure with the DfE reasons, authorised by a manager. */
    const struct workflow_step *closure = step("children", "closure");
    assert_true(closure->authorise);
    assert_false(closure->timescale.set);
    assert_string_equal(workflow_step_outcome(closure, "closed")->close_reasons, "closure_reason");

    /* Local settings. */
    size_t n = workflow_def_setting_count(d);
    assert_true(n >= 5);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        const struct workflow_setting *s = workflow_def_setting_at(d, i);
        assert_non_null(s->label);
        assert_non_null(s->basis);
        if (strcmp(s->name, "cin_review_interval") == 0)
            found = s->value.unit == TIMESCALE_MONTHS && s->value.amount == 3;
    }
    assert_true(found);
    assert_null(workflow_def_setting_at(d, n));
    assert_string_equal(step("children", "cin_review")->timescale.rule.setting,
                        "cin_review_interval");
}

static void test_shipped_adults_and_early_help(void **state)
{
    (void)state;
    const struct workflow_step *contact = step("adults", "contact");
    assert_next(contact, "needs_assessment", "needs_assessment", NULL);
    assert_next(contact, "carers_assessment", "carers_assessment", NULL);
    assert_next(contact, "safeguarding_concern", "safeguarding_concern", NULL);
    assert_next(step("adults", "needs_assessment"), "eligibility", "eligibility", NULL);
    assert_next(step("adults", "eligibility"), "eligible", "support_plan", NULL);
    assert_next(step("adults", "support_plan"), "first_review", "first_review", NULL);
    assert_next(step("adults", "first_review"), "continue", "annual_review", NULL);
    assert_next(step("adults", "safeguarding_concern"), "decide", "s42_decision", NULL);
    assert_next(step("adults", "s42_decision"), "enquiry", "s42_enquiry", NULL);
    assert_next(step("adults", "s42_enquiry"), "outcome", "safeguarding_outcome", NULL);

    /* First review 6 to 8 weeks: a local setting, 56 days by default. */
    const struct workflow_step *fr = step("adults", "first_review");
    assert_string_equal(fr->timescale.rule.setting, "adults_first_review");
    assert_int_equal(fr->timescale.rule.within.unit, TIMESCALE_CALENDAR_DAYS);
    assert_int_equal(fr->timescale.rule.within.amount, 56);
    const struct workflow_step *ar = step("adults", "annual_review");
    assert_true(ar->timescale.recurring);
    assert_int_equal(ar->timescale.rule.within.unit, TIMESCALE_MONTHS);
    assert_int_equal(ar->timescale.rule.within.amount, 12);
    assert_string_equal(
        workflow_step_field(step("adults", "eligibility"), "unable_to_achieve")->list,
        "eligibility_outcome");
    assert_string_equal(
        workflow_step_field(step("adults", "safeguarding_concern"), "abuse_types")->list,
        "adult_abuse_type");

    const struct workflow_step *review = step("early_help", "eh_review");
    assert_true(review->timescale.recurring);
    assert_string_equal(review->timescale.first.setting, "eh_review_first");
    assert_string_equal(
        workflow_step_outcome(step("early_help", "eh_closure"), "closed")->close_reasons,
        "early_help_closure");
    /* Every early help timescale is local. */
    const struct workflow_def *d = workflow_set_newest(S->set, "early_help");
    for (size_t i = 0; i < workflow_def_step_count(d); i++) {
        const struct workflow_step *s = workflow_def_step_at(d, i);
        if (s->timescale.set)
            assert_non_null(s->timescale.rule.setting);
    }
}

static void test_text_round_trip_and_hash(void **state)
{
    (void)state;
    const struct workflow_def *d = workflow_set_newest(S->set, "children");
    size_t len;
    const char *text = workflow_def_text(d, &len);
    struct err e = ERR_INIT;
    struct workflow_def *again =
        workflow_def_parse_text(text, len, "stored children v1", S->codes, NULL, &e);
    assert_non_null(again);
    assert_string_equal(workflow_def_hash(again), workflow_def_hash(d));
    assert_string_equal(workflow_def_source(again), "stored children v1");
    assert_int_equal(workflow_def_step_count(again), workflow_def_step_count(d));

    /* Layout is not a change: the same JSON with no whitespace has the same hash. */
    struct buf squeezed = BUF_INIT;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
            in_string = !in_string;
        if (in_string || !strchr(" \n\t", text[i]))
            buf_putc(&squeezed, text[i]);
    }
    struct workflow_def *compact =
        workflow_def_parse_text(squeezed.data, squeezed.len, "compact", S->codes, NULL, &e);
    assert_non_null(compact);
    assert_string_equal(workflow_def_hash(compact), workflow_def_hash(d));

    /* A changed label with the same version is a different definition. */
    struct buf changed = BUF_INIT;
    const char *at = strstr(text, "Case closure");
    assert_non_null(at);
    buf_append(&changed, text, (size_t)(at - text));
    buf_puts(&changed, "Closing the case");
    buf_puts(&changed, at + strlen("Case closure"));
    struct workflow_def *edited =
        workflow_def_parse_text(changed.data, changed.len, "edited", S->codes, NULL, &e);
    assert_non_null(edited);
    assert_int_equal(workflow_def_version(edited), workflow_def_version(d));
    assert_string_not_equal(workflow_def_hash(edited), workflow_def_hash(d));

    workflow_def_free(again);
    workflow_def_free(compact);
    workflow_def_free(edited);
    buf_release(&squeezed);
    buf_release(&changed);
}

/* ---- validation: each rule, at its line ---------------------------------- */

/* A small valid definition; the comment on each line is its line number. */
// clang-format off
static const char base[] =
    "{\n"                                                                              /* 1 */
    "  \"pathway\": \"test\",\n"                                                       /* 2 */
    "  \"version\": 1,\n"                                                              /* 3 */
    "  \"title\": \"Test pathway\",\n"                                                 /* 4 */
    "  \"domain\": \"children\",\n"                                                    /* 5 */
    "  \"start\": [\"a\"],\n"                                                          /* 6 */
    "  \"settings\": {\n"                                                              /* 7 */
    "    \"local_limit\": {\"default\": \"5 working days\", \"label\": \"Local\"}\n"   /* 8 */
    "  },\n"                                                                           /* 9 */
    "  \"steps\": [\n"                                                                 /* 10 */
    "    {\n"                                                                          /* 11 */
    "      \"id\": \"a\",\n"                                                           /* 12 */
    "      \"title\": \"Step A\",\n"                                                   /* 13 */
    "      \"who\": {\"roles\": [\"practitioner\"]},\n"                                /* 14 */
    "      \"authorise\": false,\n"                                                    /* 15 */
    "      \"timescale\": {\"within\": \"1 working day\", "
    "\"from\": \"case.received\"},\n"                                                  /* 16 */
    "      \"form\": [\n"                                                              /* 17 */
    "        {\"name\": \"kind\", \"type\": \"code\", \"list\": \"sex\", "
    "\"label\": \"Kind\"}\n"                                                           /* 18 */
    "      ],\n"                                                                       /* 19 */
    "      \"outcomes\": [\n"                                                          /* 20 */
    "        {\"id\": \"go\", \"label\": \"Go on\", \"next\": [\"b\"]},\n"             /* 21 */
    "        {\"id\": \"stop\", \"label\": \"Stop\", \"close\": true}\n"               /* 22 */
    "      ]\n"                                                                        /* 23 */
    "    },\n"                                                                         /* 24 */
    "    {\n"                                                                          /* 25 */
    "      \"id\": \"b\",\n"                                                           /* 26 */
    "      \"title\": \"Step B\",\n"                                                   /* 27 */
    "      \"who\": {\"roles\": [\"manager\"], \"teams\": [\"Front door\"]},\n"        /* 28 */
    "      \"authorise\": true,\n"                                                     /* 29 */
    "      \"timescale\": {\"within\": \"$local_limit\", "
    "\"from\": \"a.completed\"},\n"                                                    /* 30 */
    "      \"outcomes\": [\n"                                                          /* 31 */
    "        {\"id\": \"review\", \"label\": \"Review\", \"next\": [\"c\"]},\n"        /* 32 */
    "        {\"id\": \"done\", \"label\": \"Done\", "
    "\"close\": {\"reasons\": \"closure_reason\"}}\n"                                  /* 33 */
    "      ]\n"                                                                        /* 34 */
    "    },\n"                                                                         /* 35 */
    "    {\n"                                                                          /* 36 */
    "      \"id\": \"c\",\n"                                                           /* 37 */
    "      \"title\": \"Review\",\n"                                                   /* 38 */
    "      \"who\": {\"roles\": [\"manager\"]},\n"                                     /* 39 */
    "      \"authorise\": false,\n"                                                    /* 40 */
    "      \"timescale\": {\"within\": \"6 months\", "
    "\"from\": \"previous.completed\",\n"                                              /* 41 */
    "                    \"first\": {\"within\": \"3 months\", "
    "\"from\": \"b.completed\"}},\n"                                                   /* 42 */
    "      \"outcomes\": [\n"                                                          /* 43 */
    "        {\"id\": \"again\", \"label\": \"Again\", \"next\": [\"c\"]},\n"          /* 44 */
    "        {\"id\": \"back\", \"label\": \"Back\", \"next\": [\"b\"]}\n"             /* 45 */
    "      ]\n"                                                                        /* 46 */
    "    }\n"                                                                          /* 47 */
    "  ]\n"                                                                            /* 48 */
    "}\n";                                                                             /* 49 */
// clang-format on

/* base with the one occurrence of from replaced by to. */
static void edited(struct buf *out, const char *from, const char *to)
{
    const char *at = strstr(base, from);
    if (!at || strstr(at + 1, from))
        fail_msg("'%s' must occur exactly once in the base definition", from);
    buf_init(out, 0);
    buf_append(out, base, (size_t)(at - base));
    buf_puts(out, to);
    buf_puts(out, at + strlen(from));
}

/* Parsing base with from replaced by to fails, first at line with fragment. */
static void expect_problem(const char *from, const char *to, int line, const char *fragment)
{
    struct buf text;
    edited(&text, from, to);
    struct err e = ERR_INIT;
    struct buf problems = BUF_INIT;
    struct workflow_def *d =
        workflow_def_parse_text(text.data, text.len, "t.json", S->codes, &problems, &e);
    if (d)
        fail_msg("replacing '%s' with '%s' was accepted", from, to);
    char want[32];
    snprintf(want, sizeof want, "t.json line %d: ", line);
    if (strncmp(e.message, want, strlen(want)) != 0 || !strstr(e.message, fragment))
        fail_msg("replacing '%s' with '%s': expected \"%s...%s\", got \"%s\"", from, to, want,
                 fragment, e.message);
    assert_int_equal(e.code, ERR_INVALID);
    assert_true(strncmp(problems.data, e.message, strlen(e.message)) == 0);
    buf_release(&text);
    buf_release(&problems);
}

static void test_base_is_valid(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    struct workflow_def *d =
        workflow_def_parse_text(base, strlen(base), "t.json", S->codes, NULL, &e);
    if (!d)
        fail_msg("%s", e.message);
    assert_string_equal(workflow_def_pathway(d), "test");
    const struct workflow_step *b = workflow_def_step(d, "b");
    assert_int_equal(b->nteams, 1);
    assert_string_equal(b->teams[0], "Front door");
    assert_true(b->authorise);
    assert_int_equal(b->weight, 1);
    assert_int_equal(b->timescale.rule.within.amount, 5);
    assert_string_equal(b->timescale.rule.within_text, "$local_limit");
    assert_false(workflow_def_step(d, "a")->fields[0].mandatory);
    workflow_def_free(d);
}

static void test_syntax_errors_have_lines(void **state)
{
    (void)state;
    expect_problem("      \"title\": \"Step A\",\n",
                   "      \"title\": \"Step A\", \"title\": \"Again\",\n", 13, "duplicate");
    expect_problem("\"authorise\": true,", "\"authorise\": true", 30, "not valid JSON");
    struct err e = ERR_INIT;
    assert_null(workflow_def_parse_text("", 0, "empty.json", S->codes, NULL, &e));
    assert_non_null(strstr(e.message, "empty.json line 1: not valid JSON"));
    assert_null(workflow_def_parse_text("[1, 2]", 6, "array.json", S->codes, NULL, &e));
    assert_non_null(strstr(e.message, "array.json line 1: a workflow definition is one JSON"));
}

static void test_reference_errors(void **state)
{
    (void)state;
    expect_problem("\"start\": [\"a\"]", "\"start\": [\"x\"]", 6, "'start' names 'x'");
    expect_problem("\"start\": [\"a\"]", "\"start\": \"x\"", 6, "'start' names 'x'");
    expect_problem("\"Go on\", \"next\": [\"b\"]", "\"Go on\", \"next\": [\"bee\"]", 21,
                   "starts 'bee', which is not");
    /* Two bad ids in one list: each problem's path is built from the list's
     * (once read after the next path had freed it; the fuzzer found it). */
    expect_problem("\"Go on\", \"next\": [\"b\"]", "\"Go on\", \"next\": [\"B1\", \"B2\"]", 21,
                   "'B1' is not a step id");
    expect_problem("\"from\": \"a.completed\"", "\"from\": \"zed.completed\"", 30,
                   "there is no step 'zed'");
    expect_problem("\"id\": \"c\"", "\"id\": \"b\"", 37, "duplicate step id 'b'");
    expect_problem("\"id\": \"stop\"", "\"id\": \"go\"", 22, "duplicate outcome id 'go'");
    expect_problem("{\"name\": \"kind\",",
                   "{\"name\": \"kind\", \"list\": \"sex\", \"name\": \"x\",", 18, "duplicate");
}

static void test_graph_errors(void **state)
{
    (void)state;
    expect_problem("\"Go on\", \"next\": [\"b\"]", "\"Go on\", \"next\": []", 26,
                   "step 'b' cannot be reached");
    /* b's clock cannot count from c: a case reaches b from a without passing c. */
    expect_problem("\"from\": \"a.completed\"", "\"from\": \"c.completed\"", 30,
                   "without passing 'c'");
    expect_problem("\"from\": \"a.completed\"", "\"from\": \"b.completed\"", 30,
                   "its own completion");
    expect_problem("\"from\": \"b.completed\"", "\"from\": \"c.started\"", 42,
                   "must count from an earlier step's event");
    expect_problem("{\"id\": \"back\", \"label\": \"Back\", \"next\": [\"b\"]}",
                   "{\"id\": \"back\", \"label\": \"Back\", \"next\": [\"c\"]}", 37,
                   "can never close");
    expect_problem("{\"id\": \"again\", \"label\": \"Again\", \"next\": [\"c\"]},\n"
                   "        {\"id\": \"back\", \"label\": \"Back\", \"next\": [\"b\"]}",
                   "{\"id\": \"again\", \"label\": \"Again\", \"close\": true},\n"
                   "        {\"id\": \"back\", \"label\": \"Back\", \"close\": true}",
                   41, "nothing starts it again");
    expect_problem("\"close\": true}", "\"close\": true, \"next\": [\"b\"]}", 22,
                   "cannot also start steps");
    /* No closing outcome anywhere. */
    struct buf once, twice;
    edited(&once, "\"close\": true}", "\"next\": [\"a\"]}");
    const char *at = strstr(once.data, "\"close\": {\"reasons\": \"closure_reason\"}}");
    assert_non_null(at);
    buf_init(&twice, 0);
    buf_append(&twice, once.data, (size_t)(at - once.data));
    buf_puts(&twice, "\"next\": [\"a\"]}");
    buf_puts(&twice, at + strlen("\"close\": {\"reasons\": \"closure_reason\"}}"));
    struct err e = ERR_INIT;
    assert_null(workflow_def_parse_text(twice.data, twice.len, "t.json", S->codes, NULL, &e));
    assert_non_null(strstr(e.message, "t.json line 10: no outcome closes the case"));
    buf_release(&once);
    buf_release(&twice);
}

static void test_timescale_errors(void **state)
{
    (void)state;
    expect_problem("\"1 working day\"", "\"one working day\"", 16, "is not a timescale");
    expect_problem("\"1 working day\"", "\"1 fortnight\"", 16, "is not a timescale");
    expect_problem("\"from\": \"case.received\"", "\"from\": \"case.opened\"", 16,
                   "unknown event 'case.opened'");
    expect_problem("\"from\": \"a.completed\"", "\"from\": \"a.finished\"", 30,
                   "unknown event 'a.finished'");
    expect_problem("\"$local_limit\"", "\"$no_such_setting\"", 30, "unknown setting");
    expect_problem("\"$local_limit\"", "\"2 working days\"", 8, "'local_limit' is not used");
    expect_problem("\"5 working days\"", "\"5 fortnights\"", 8, "setting 'local_limit'");
    expect_problem(",\n                    \"first\": {\"within\": \"3 months\", \"from\": "
                   "\"b.completed\"}}",
                   "}", 41, "needs a \"first\" rule");
    expect_problem("\"from\": \"case.received\"}",
                   "\"from\": \"case.received\", \"first\": {\"within\": \"1 day\", \"from\": "
                   "\"case.received\"}}",
                   16, "only for a recurring step");
    expect_problem("\"from\": \"b.completed\"", "\"from\": \"previous.completed\"", 42,
                   "cannot count from previous.completed");
    expect_problem("\"timescale\": {\"within\": \"1 working day\", ",
                   "\"timescale\": {\"within\": \"1 working day\", \"when\": 1, ", 16,
                   "unknown key 'when' in a timescale");
}

static void test_key_and_value_errors(void **state)
{
    (void)state;
    /* Missing mandatory keys point at the object that lacks them. */
    expect_problem("      \"authorise\": false,\n      \"timescale\": {\"within\": \"1",
                   "      \"timescale\": {\"within\": \"1", 11, "has no 'authorise'");
    expect_problem("  \"title\": \"Test pathway\",\n", "", 1, "has no 'title'");
    expect_problem("\"label\": \"Kind\"", "\"labl\": \"Kind\"", 18, "unknown key 'labl'");
    expect_problem("      \"authorise\": false,\n      \"timescale\": {\"within\": \"1",
                   "      \"authorize\": false,\n      \"timescale\": {\"within\": \"1", 15,
                   "unknown key 'authorize' in a step");
    expect_problem("\"id\": \"a\"", "\"id\": \"Step-A\"", 12, "is not an id");
    expect_problem("\"version\": 1", "\"version\": 0", 3, "'version' must be a whole number");
    expect_problem("\"version\": 1", "\"version\": \"1\"", 3, "'version' must be a whole number");
    expect_problem("\"domain\": \"children\"", "\"domain\": \"health\"", 5, "unknown domain");
    expect_problem("\"authorise\": true", "\"authorise\": \"yes\"", 29, "true or false");
    expect_problem("\"title\": \"Step B\"", "\"title\": \"\"", 27, "must not be empty");
    expect_problem("\"title\": \"Step B\"", "\"title\": 7", 27, "must be a string");
    expect_problem("\"roles\": [\"manager\"], \"teams\"", "\"roles\": [\"boss\"], \"teams\"", 28,
                   "unknown role 'boss'");
    expect_problem("\"roles\": [\"manager\"], \"teams\"", "\"roles\": [], \"teams\"", 28,
                   "must not be an empty list");
    expect_problem("\"authorise\": true,", "\"authorise\": true, \"weight\": 101,", 29,
                   "'weight' must be a whole number 0 to 100");
}

static void test_form_errors(void **state)
{
    (void)state;
    expect_problem("\"type\": \"code\"", "\"type\": \"checkbox\"", 18, "unknown field type");
    expect_problem("\"list\": \"sex\"", "\"list\": \"no_such_list\"", 18,
                   "unknown code list 'no_such_list'");
    expect_problem("\"type\": \"code\", \"list\": \"sex\",", "\"type\": \"code\",", 18,
                   "needs \"list\"");
    expect_problem("\"type\": \"code\"", "\"type\": \"text\"", 18, "only code and codes");
    expect_problem("\"label\": \"Kind\"}", "\"label\": \"Kind\", \"prefill\": \"person.dob\"}", 18,
                   "person.dob is a date");
    expect_problem("\"label\": \"Kind\"}", "\"label\": \"Kind\", \"prefill\": \"person.shoe\"}", 18,
                   "unknown person field 'person.shoe'");
    expect_problem("\"label\": \"Kind\"}", "\"label\": \"Kind\", \"mandatory\": 1}", 18,
                   "'mandatory' must be true or false");
    /* mandatory_for: outcomes of the field's own step, and not with mandatory. */
    expect_problem("\"label\": \"Kind\"}", "\"label\": \"Kind\", \"mandatory_for\": [\"review\"]}",
                   18, "'review' is not an outcome of step 'a'");
    expect_problem("\"label\": \"Kind\"}", "\"label\": \"Kind\", \"mandatory_for\": []}", 18,
                   "must not be an empty list");
    expect_problem("\"label\": \"Kind\"}",
                   "\"label\": \"Kind\", \"mandatory\": true, \"mandatory_for\": [\"go\"]}", 18,
                   "either \"mandatory\" or \"mandatory_for\"");
    expect_problem("\"close\": {\"reasons\": \"closure_reason\"}",
                   "\"close\": {\"reasons\": \"nope\"}", 33, "unknown code list 'nope'");
    expect_problem("\"close\": true}", "\"close\": \"yes\"}", 22, "\"close\" must be true or");
    /* outcome_list: every outcome id must be a code of the list. */
    expect_problem("      \"authorise\": false,\n      \"timescale\": {\"within\": \"1",
                   "      \"authorise\": false, \"outcome_list\": \"contact_decision\",\n"
                   "      \"timescale\": {\"within\": \"1",
                   21, "outcome 'go' is not a code in contact_decision");
    /* A matching prefill is fine. */
    struct buf text;
    edited(&text, "\"label\": \"Kind\"}", "\"label\": \"Kind\", \"prefill\": \"person.sex\"}");
    struct err e = ERR_INIT;
    struct workflow_def *d = workflow_def_parse_text(text.data, text.len, "t", S->codes, NULL, &e);
    assert_non_null(d);
    workflow_def_free(d);
    buf_release(&text);
    /* A field mandatory with one outcome is required with that one only. */
    edited(&text, "\"label\": \"Kind\"}", "\"label\": \"Kind\", \"mandatory_for\": [\"go\"]}");
    d = workflow_def_parse_text(text.data, text.len, "t", S->codes, NULL, &e);
    assert_non_null(d);
    const struct workflow_field *kind = &workflow_def_step(d, "a")->fields[0];
    assert_false(kind->mandatory);
    assert_true(workflow_field_required(kind, "go"));
    assert_false(workflow_field_required(kind, "stop"));
    assert_false(workflow_field_required(kind, NULL));
    workflow_def_free(d);
    buf_release(&text);
}

static void test_every_problem_listed(void **state)
{
    (void)state;
    struct buf text, problems = BUF_INIT;
    struct err e = ERR_INIT;
    edited(&text, "\"list\": \"sex\", \"label\": \"Kind\"}",
           "\"list\": \"nope\", \"label\": \"Kind\", \"x\": 1}");
    /* Three problems in one line: all listed, the first also in e with its field. */
    assert_null(workflow_def_parse_text(text.data, text.len, "t.json", S->codes, &problems, &e));
    assert_string_equal(e.field, "steps[0].form[0].x");
    size_t lines = 0;
    for (const char *p = problems.data; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(lines, 2);
    assert_non_null(strstr(problems.data, "t.json line 18: unknown key 'x'"));
    assert_non_null(strstr(problems.data, "t.json line 18: unknown code list 'nope'"));
    /* Without code lists the list is not checked. */
    assert_null(workflow_def_parse_text(text.data, text.len, "t.json", NULL, NULL, &e));
    assert_non_null(strstr(e.message, "unknown key 'x'"));
    buf_release(&text);
    buf_release(&problems);

    /* A file past the size limit is refused before parsing. */
    size_t big = WORKFLOW_MAX_FILE_BYTES + 1;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, ' ', big);
    assert_null(workflow_def_parse_text(huge, big, "big.json", S->codes, NULL, &e));
    assert_non_null(strstr(e.message, "larger than"));
    free(huge);
}

/* ---- a directory: versions and file names ------------------------------- */

struct tmpdir {
    struct buf path;
};

static void tmp_make(struct tmpdir *t)
{
    buf_init(&t->path, 0);
    buf_puts(&t->path, "/tmp/casework-workflows-XXXXXX");
    assert_non_null(mkdtemp(t->path.data));
}

static void tmp_write(struct tmpdir *t, const char *name, const char *text)
{
    struct buf p = BUF_INIT;
    buf_printf(&p, "%s/%s", t->path.data, name);
    FILE *f = fopen(p.data, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    buf_release(&p);
}

static void tmp_remove(struct tmpdir *t)
{
    DIR *d = opendir(t->path.data);
    assert_non_null(d);
    struct dirent *de;
    struct buf p = BUF_INIT;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        buf_reset(&p);
        buf_printf(&p, "%s/%s", t->path.data, de->d_name);
        assert_int_equal(unlink(p.data), 0);
    }
    closedir(d);
    assert_int_equal(rmdir(t->path.data), 0);
    buf_release(&p);
    buf_release(&t->path);
}

/* base with version v, title and domain changed. */
static void version_text(struct buf *out, int v, const char *title, const char *domain)
{
    struct buf a, b;
    char version[32];
    snprintf(version, sizeof version, "\"version\": %d", v);
    edited(&a, "\"version\": 1", version);
    const char *at = strstr(a.data, "Test pathway");
    buf_init(&b, 0);
    buf_append(&b, a.data, (size_t)(at - a.data));
    buf_puts(&b, title);
    buf_puts(&b, at + strlen("Test pathway"));
    at = strstr(b.data, "\"children\"");
    buf_init(out, 0);
    buf_append(out, b.data, (size_t)(at - b.data));
    buf_printf(out, "\"%s\"", domain);
    buf_puts(out, at + strlen("\"children\""));
    buf_release(&a);
    buf_release(&b);
}

static struct workflow_set *load_tmp(struct tmpdir *t, struct buf *problems, struct err *e)
{
    buf_reset(problems);
    return workflow_set_load_dir(t->path.data, S->codes, problems, e);
}

static void test_versions(void **state)
{
    (void)state;
    struct tmpdir t;
    struct buf v1, v2, v3, problems = BUF_INIT;
    struct err e = ERR_INIT;
    tmp_make(&t);
    version_text(&v1, 1, "First", "children");
    version_text(&v2, 2, "Second", "children");
    version_text(&v3, 10, "Tenth", "children");
    tmp_write(&t, "test.v1.json", v1.data);
    tmp_write(&t, "test.v10.json", v3.data);
    tmp_write(&t, "test.v2.json", v2.data);
    tmp_write(&t, "README.txt", "not a definition");
    struct workflow_set *set = load_tmp(&t, &problems, &e);
    if (!set)
        fail_msg("%s", problems.data);
    assert_int_equal(workflow_set_count(set), 3);
    assert_int_equal(workflow_def_version(workflow_set_at(set, 0)), 1);
    assert_int_equal(workflow_def_version(workflow_set_at(set, 1)), 2);
    assert_int_equal(workflow_def_version(workflow_set_at(set, 2)), 10); /* not "10" < "2" */
    assert_string_equal(workflow_def_title(workflow_set_newest(set, "test")), "Tenth");
    assert_string_equal(workflow_def_title(workflow_set_get(set, "test", 2)), "Second");
    assert_string_equal(workflow_def_title(workflow_set_get(set, "test", 1)), "First");
    assert_null(workflow_set_get(set, "test", 3));
    assert_string_not_equal(workflow_def_hash(workflow_set_get(set, "test", 1)),
                            workflow_def_hash(workflow_set_get(set, "test", 2)));
    workflow_set_free(set);

    /* A later version may not move the pathway to another domain. */
    struct buf moved;
    version_text(&moved, 2, "Second", "adults");
    tmp_write(&t, "test.v2.json", moved.data);
    assert_null(load_tmp(&t, &problems, &e));
    assert_non_null(strstr(e.message, "test.v2.json line 5: domain 'adults' differs"));
    tmp_write(&t, "test.v2.json", v2.data);

    /* The file name must match the content. */
    tmp_write(&t, "test.v3.json", v1.data);
    assert_null(load_tmp(&t, &problems, &e));
    assert_non_null(strstr(e.message, "test.v3.json line 3: the file name says version 3 but"));
    struct buf renamed;
    edited(&renamed, "\"version\": 1", "\"version\": 3");
    tmp_write(&t, "other.v3.json", renamed.data);
    struct buf p = BUF_INIT;
    buf_printf(&p, "%s/test.v3.json", t.path.data);
    assert_int_equal(unlink(p.data), 0);
    assert_null(load_tmp(&t, &problems, &e));
    assert_non_null(
        strstr(e.message, "other.v3.json line 2: the file name says pathway 'other' but"));
    buf_reset(&p);
    buf_printf(&p, "%s/other.v3.json", t.path.data);
    assert_int_equal(unlink(p.data), 0);

    /* Names without a version, or with a leading zero, are refused. */
    tmp_write(&t, "test.json", v1.data);
    assert_null(load_tmp(&t, &problems, &e));
    assert_non_null(strstr(e.message, "test.json: name a definition <pathway>.v<version>.json"));
    buf_reset(&p);
    buf_printf(&p, "%s/test.json", t.path.data);
    assert_int_equal(unlink(p.data), 0);
    tmp_write(&t, "test.v01.json", v1.data);
    assert_null(load_tmp(&t, &problems, &e));
    assert_non_null(strstr(e.message, "test.v01.json: name a definition"));
    buf_reset(&p);
    buf_printf(&p, "%s/test.v01.json", t.path.data);
    assert_int_equal(unlink(p.data), 0);

    /* One bad file among good ones: the set is refused, every problem listed. */
    struct buf bad;
    edited(&bad, "\"from\": \"a.completed\"", "\"from\": \"zed.completed\"");
    tmp_write(&t, "broken.v1.json", bad.data);
    assert_null(load_tmp(&t, &problems, &e));
    assert_non_null(strstr(problems.data, "broken.v1.json line 30: step 'b' counts from"));

    buf_release(&p);
    buf_release(&bad);
    buf_release(&renamed);
    buf_release(&moved);
    buf_release(&v1);
    buf_release(&v2);
    buf_release(&v3);
    buf_release(&problems);
    tmp_remove(&t);
}

static void test_directory_errors(void **state)
{
    (void)state;
    struct tmpdir t;
    struct err e = ERR_INIT;
    struct buf problems = BUF_INIT;
    tmp_make(&t);
    assert_null(load_tmp(&t, &problems, &e));
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.message, "no workflow definitions"));
    assert_null(workflow_set_load_dir("/nonexistent/casework", S->codes, NULL, &e));
    assert_int_equal(e.code, ERR_IO);
    tmp_remove(&t);
    buf_release(&problems);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_load),
        cmocka_unit_test(test_shipped_children),
        cmocka_unit_test(test_shipped_adults_and_early_help),
        cmocka_unit_test(test_text_round_trip_and_hash),
        cmocka_unit_test(test_base_is_valid),
        cmocka_unit_test(test_syntax_errors_have_lines),
        cmocka_unit_test(test_reference_errors),
        cmocka_unit_test(test_graph_errors),
        cmocka_unit_test(test_timescale_errors),
        cmocka_unit_test(test_key_and_value_errors),
        cmocka_unit_test(test_form_errors),
        cmocka_unit_test(test_every_problem_listed),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_directory_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
