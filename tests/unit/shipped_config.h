/*
 * Test fixture shared by the workflow unit tests: the shipped code lists,
 * calendar and pathway definitions, loaded once per test group from
 * CASEWORK_TEST_CONFIG_DIR (set by CTest) or "config". Include after cmocka.h.
 */
#ifndef CASEWORK_TESTS_SHIPPED_CONFIG_H
#define CASEWORK_TESTS_SHIPPED_CONFIG_H

#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/calendar.h"
#include "core/codelist.h"
#include "domain/workflow_def.h"

struct shipped {
    struct codelist_set *codes;
    struct calendar *cal;
    struct workflow_set *set;
};

static struct shipped *S; /* set up once for the whole group */

static void config_path(struct buf *b, const char *rel)
{
    const char *dir = getenv("CASEWORK_TEST_CONFIG_DIR");
    buf_init(b, 0);
    buf_printf(b, "%s/%s", dir && *dir ? dir : "config", rel);
    assert_false(buf_failed(b));
}

static int setup(void **state)
{
    (void)state;
    static struct shipped s;
    struct buf codes, bank, closures, workflows, problems = BUF_INIT;
    struct err e = ERR_INIT;
    config_path(&codes, "codes");
    config_path(&bank, "calendar/bank-holidays-england-and-wales.txt");
    config_path(&closures, "calendar/local-closures.txt");
    config_path(&workflows, "workflows");
    s.codes = codelist_load_dir(codes.data, &e);
    if (s.codes)
        s.cal = calendar_load(bank.data, closures.data, &e);
    if (s.cal)
        s.set = workflow_set_load_dir(workflows.data, s.codes, &problems, &e);
    if (!s.set)
        fprintf(stderr, "setup: %s\n%s", e.message, problems.data);
    buf_release(&codes);
    buf_release(&bank);
    buf_release(&closures);
    buf_release(&workflows);
    buf_release(&problems);
    S = &s;
    return s.set ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    workflow_set_free(S->set);
    calendar_free(S->cal);
    codelist_free_set(S->codes);
    return 0;
}

static const struct workflow_step *step(const char *pathway, const char *id)
{
    const struct workflow_def *d = workflow_set_newest(S->set, pathway);
    assert_non_null(d);
    const struct workflow_step *s = workflow_def_step(d, id);
    if (!s)
        fail_msg("%s has no step %s", pathway, id);
    return s;

#endif
