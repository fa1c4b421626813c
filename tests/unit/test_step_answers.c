/*
 * Mandatory fields of a step (step_answers_missing): what counts as
 * unanswered (absent, null, blank text, an empty list) and what does not
 * (false, 0), with every missing field named in form order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/cases_internal.h"

static const char DEF[] =
    "{\"pathway\": \"t\", \"version\": 1, \"title\": \"T\", \"domain\": \"children\","
    " \"start\": [\"a\"], \"steps\": [{\"id\": \"a\", \"title\": \"A\","
    " \"who\": {\"roles\": [\"practitioner\"]}, \"authorise\": false, \"form\": ["
    "  {\"name\": \"summary\", \"type\": \"textarea\", \"label\": \"Summary\", \"mandatory\": "
    "true},"
    "  {\"name\": \"note\", \"type\": \"text\", \"label\": \"Note\"},"
    "  {\"name\": \"seen\", \"type\": \"yes_no\", \"label\": \"Seen\", \"mandatory\": true},"
    "  {\"name\": \"count\", \"type\": \"number\", \"label\": \"Count\", \"mandatory\": true}],"
    " \"outcomes\": [{\"id\": \"done\", \"label\": \"Done\", \"close\": true}]}]}";

static struct workflow_def *def;

static int setup(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    def = workflow_def_parse_text(DEF, strlen(DEF), "test", NULL, NULL, &e);
    return def ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    workflow_def_free(def);
    return 0;
}

static size_t missing_of(const char *answers, struct buf *names)
{
    json_t *a = json_loads(answers, 0, NULL);
    assert_non_null(a);
    size_t n = step_answers_missing(workflow_def_step(def, "a"), a, names);
    json_decref(a);
    return n;
}

static void test_every_missing_field_in_form_order(void **state)
{
    (void)state;
    struct buf names = BUF_INIT;
    assert_int_equal(missing_of("{}", &names), 3);
    assert_string_equal(names.data, "summary\nseen\ncount\n");
    buf_release(&names);
    /* NULL names: only the count. */
    assert_int_equal(missing_of("{\"note\": \"x\"}", NULL), 3);
}

static void test_what_counts_as_an_answer(void **state)
{
    (void)state;
    struct buf names = BUF_INIT;
    /* false and 0 are answers; blank text and null are not. */
    assert_int_equal(
        missing_of("{\"summary\": \" \\n\\t\", \"seen\": false, \"count\": 0}", &names), 1);
    assert_string_equal(names.data, "summary\n");
    buf_reset(&names);
    assert_int_equal(missing_of("{\"summary\": \"ok\", \"seen\": null, \"count\": 2}", &names), 1);
    assert_string_equal(names.data, "seen\n");
    buf_reset(&names);
    assert_int_equal(missing_of("{\"summary\": \"ok\", \"seen\": true, \"count\": 2}", &names), 0);
    assert_string_equal(names.data, "");
    buf_release(&names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_missing_field_in_form_order),
        cmocka_unit_test(test_what_counts_as_an_answer),
    };
    return cmocka_run_group_tests_name("step_answers", tests, setup, teardown);
}
