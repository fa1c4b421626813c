/*
 * Unit tests for domain/merge: which of the survivor's fields a merge fills
 * (merge_plan_fills), and the reference table against the schema — every
 * foreign key to people.id in the migrated database must be in the merge's
 * list and every entry of the list must be a real foreign key, so a new table
 * that references people cannot be forgotten by merge and undo.
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

#include "core/buf.h"
#include "domain/merge.h"
#include "domain/merge_internal.h"
#include "store/store.h"
#include "test_db.h"

static struct person blank(void)
{
    struct person p;
    memset(&p, 0, sizeof p);
    p.forenames = "Ann";
    p.surname = "Example";
    p.legacy_id = p.preferred_name = p.dob = p.expected_dob = p.dod = "";
    p.nhs_number = p.upn = p.upn_unknown = p.sex = p.gender = p.ethnicity = "";
    p.language = p.religion = p.immigration_status = "";
    return p;
}

static const struct merge_fill *find(const struct merge_fill *f, size_t n, const char *field)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i].field, field))
            return &f[i];
    return NULL;
}

static void fills_every_empty_field(void **state)
{
    (void)state;
    struct person s = blank(), m = blank();
    m.preferred_name = "Annie";
    m.dob = "2010-02-03";
    m.dob_estimated = true;
    m.dod = "2020-01-01";
    m.nhs_number = "9434765919";
    m.upn = "A123456789012";
    m.legacy_id = "OLD-1";
    m.sex = "F";
    m.gender = "2";
    m.ethnicity = "WBRI";
    m.language = "ENG";
    m.religion = "NONE";
    m.immigration_status = "UASC";
    m.restricted = true;
    struct merge_fill f[MERGE_MAX_FILLS];
    size_t n = merge_plan_fills(&s, &m, f);
    const char *want[] = {
        "preferred_name",     "dob",       "dob_estimated", "dod",       "nhs_number", "upn",
        "legacy_id",          "sex",       "gender",        "ethnicity", "language",   "religion",
        "immigration_status", "restricted"};
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(find(f, n, want[i]));
        /* Every planned field has a rule to fill it and undo it. */
        assert_non_null(merge_field_named(f[i].field));
    }
    assert_string_equal(find(f, n, "dob")->value, "2010-02-03");
    assert_null(find(f, n, "dob")->previous);
    assert_string_equal(find(f, n, "dob_estimated")->value, "1");
    assert_string_equal(find(f, n, "dob_estimated")->previous, "0");
    assert_string_equal(find(f, n, "restricted")->value, "1");
    assert_string_equal(find(f, n, "restricted")->previous, "0");
}

static void keeps_what_the_survivor_has(void **state)
{
    (void)state;
    struct person s = blank(), m = blank();
    s.dob = "2010-02-03";
    s.nhs_number = "9434765919";
    s.sex = "M";
    m.dob = "2011-01-01";
    m.dob_estimated = true;
    m.nhs_number = "4010232137";
    m.sex = "F";
    struct merge_fill f[MERGE_MAX_FILLS];
    assert_int_equal(merge_plan_fills(&s, &m, f), 0);
    /* Both restricted, or neither: nothing to do. */
    s.restricted = m.restricted = true;
    assert_int_equal(merge_plan_fills(&s, &m, f), 0);
    /* A restricted survivor stays restricted whatever the merged record was. */
    m.restricted = false;
    assert_int_equal(merge_plan_fills(&s, &m, f), 0);
}

static void date_and_upn_alternatives(void **state)
{
    (void)state;
    struct merge_fill f[MERGE_MAX_FILLS];
    struct person s = blank(), m = blank();
    /* An expected date of birth counts as a date: no date of birth is added. */
    s.expected_dob = "2026-09-01";
    m.dob = "2010-02-03";
    assert_int_equal(merge_plan_fills(&s, &m, f), 0);
    /* With neither, the merged record's expected date is taken. */
    s = blank();
    m = blank();
    m.expected_dob = "2026-09-01";
    size_t n = merge_plan_fills(&s, &m, f);
    assert_int_equal(n, 1);
    assert_string_equal(f[0].field, "expected_dob");
    /* A reason the UPN is unknown counts as a UPN, and vice versa. */
    s = blank();
    m = blank();
    s.upn_unknown = "UN1";
    m.upn = "A123456789012";
    assert_int_equal(merge_plan_fills(&s, &m, f), 0);
    s = blank();
    m.upn = "";
    m.upn_unknown = "UN2";
    n = merge_plan_fills(&s, &m, f);
    assert_int_equal(n, 1);
    assert_string_equal(f[0].field, "upn_unknown");
    assert_string_equal(f[0].value, "UN2");
    /* An estimated date of birth is not marked estimated unless it is. */
    s = blank();
    m = blank();
    m.dob = "2010-02-03";
    n = merge_plan_fills(&s, &m, f);
    assert_int_equal(n, 1);
    assert_string_equal(f[0].field, "dob");
}

/* --- the reference table against the schema -------------------------------- */

/* SQLite's pragma functions are fine here: this checks the schema, not the app. */
static const char SQL_PEOPLE_FKS[] =
    "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f"
    " WHERE m.type = 'table' AND f.\"table\" = 'people' ORDER BY 1, 2";

static bool listed(const char *table, const char *column)
{
    for (size_t i = 0; i < merge_reference_count(); i++) {
        const char *t, *c;
        merge_reference(i, &t, &c);
        if (!strcmp(t, table) && !strcmp(c, column))
            return true;
    }
    return false;
}

static void references_match_the_schema(void **state)
{
    (void)state;
    char dir[] = "/tmp/casework-merge-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct buf path = BUF_INIT;
    buf_printf(&path, "%s/test.db", dir);
    struct err e = ERR_INIT;
    struct store *s = store_open(path.data, 1, &e);
    assert_non_null(s);
    assert_true(store_migrate(s, NULL, &e));
    struct store_conn *c = store_acquire(s);
    struct store_stmt *st = store_prepare(c, SQL_PEOPLE_FKS, &e);
    assert_non_null(st);
    size_t found = 0;
    enum store_step_result r;
    struct buf missing = BUF_INIT;
    while ((r = store_step(st, &e)) == STORE_ROW) {
        const char *table = store_col_text(st, 0), *column = store_col_text(st, 1);
        found++;
        if (!listed(table, column))
            buf_printf(&missing, " %s.%s", table, column);
    }
    assert_int_equal(r, STORE_DONE);
    if (missing.len)
        fail_msg("tables referencing people.id missing from the merge's list in "
                 "src/domain/merge.c:%s",
                 missing.data);
    /* ...and nothing listed that is not a foreign key (a renamed column, say). */
    assert_int_equal(found, merge_reference_count());
    assert_true(found >= 10);
    buf_release(&missing);
    store_release(s, c);
    store_close(s);
    test_db_remove(path.data);
    rmdir(dir);
    buf_release(&path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fills_every_empty_field),
        cmocka_unit_test(keeps_what_the_survivor_has),
        cmocka_unit_test(date_and_upn_alternatives),
        cmocka_unit_test(references_match_the_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
