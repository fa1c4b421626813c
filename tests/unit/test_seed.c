/*
 * Unit tests for seed/: the PRNG against published and independently
 * computed outputs (splitmix64 from 0 is the well-known e220a8397b1dcdaf...;
 * the xoshiro256** values were computed with a separate Python
 * implementation of the reference algorithm), unbiased ranges, weighted
 * draws in proportion, table parsing errors naming file and line, the
 * compiled-in tables' codes against config/codes, the generator's
 * determinism and identifiers, and a seeded database whose search keys are
 * exactly those people_rebuild_keys makes.
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

#include "access/audit.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "core/calendar.h"
#include "domain/auth.h"
#include "domain/cases_internal.h"
#include "domain/workflow_def.h"
#include "domain/identifiers.h"
#include "domain/people_internal.h"
#include "seed/gen.h"
#include "seed/rng.h"
#include "seed/seed.h"
#include "seed/tables.h"
#include "test_db.h"

/* ---- PRNG ----------------------------------------------------------------- */

static void test_splitmix64_known_answers(void **state)
{
    (void)state;
    uint64_t s = 0;
    assert_true(seed_splitmix64(&s) == 0xe220a8397b1dcdafULL);
    assert_true(seed_splitmix64(&s) == 0x6e789e6aa1b965f4ULL);
    assert_true(seed_splitmix64(&s) == 0x06c45d188009454fULL);
}

static void test_xoshiro_known_answers(void **state)
{
    (void)state;
    struct seed_rng r;
    seed_rng_init(&r, 1);
    const uint64_t expect[] = {0xb3f2af6d0fc710c5ULL, 0x853b559647364ceaULL, 0x92f89756082a4514ULL,
                               0x642e1c7bc266a3a7ULL};
    for (int i = 0; i < 4; i++)
        assert_true(seed_rng_next(&r) == expect[i]);
}

static void test_ranges_and_uniformity(void **state)
{
    (void)state;
    struct seed_rng r;
    seed_rng_init(&r, 42);
    int counts[7] = {0};
    for (int i = 0; i < 70000; i++) {
        uint64_t v = seed_rng_below(&r, 7);
        assert_true(v < 7);
        counts[v]++;
        int x = seed_rng_range(&r, -3, 3);
        assert_true(x >= -3 && x <= 3);
        double u = seed_rng_unit(&r);
        assert_true(u >= 0.0 && u < 1.0);
    }
    for (int i = 0; i < 7; i++) /* 10,000 expected; 5 standard deviations is about 470 */
        assert_in_range(counts[i], 9500, 10500);
    assert_int_equal(seed_rng_below(&r, 0), 0);
    assert_int_equal(seed_rng_range(&r, 5, 5), 5);
    assert_false(seed_rng_chance(&r, 0.0));
    assert_true(seed_rng_chance(&r, 1.0));
}

/* ---- tables --------------------------------------------------------------- */

static const char *const MINI[SEED_FILES] = {
    "# groups\nbritish\t1\twhite\tWBRI\tENG:1\tENG:1\t-:1\tbritish:1\tbritish\t-:1\n",
    "british\tM\tJohn\t1\t1\t1\nbritish\tF\tJane\t1\t1\t1\n",
    "british\tSmith\t1\nbritish\tJones\t2\nbritish\tBrown\t7\n",
    "prefix\tAsh\t1\ninfix\t-\t1\nsuffix\tton\t1\n",
    "1\tTown\tZX\t1\t2\t1\n",
    "stem\tMill\t1\ntype\tLane\t1\n",
    "Early Help\t1\n",
};

static void test_weighted_pick_in_proportion(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    struct seed_tables *t = seed_tables_parse(MINI, &e);
    assert_non_null(t);
    const struct seed_list *l = &t->groups[0].surnames;
    assert_int_equal(seed_list_total(l), 10);
    struct seed_rng r;
    seed_rng_init(&r, 7);
    int smith = 0, jones = 0, brown = 0;
    for (int i = 0; i < 100000; i++) {
        const char *s = seed_list_pick(l, &r)->text;
        smith += !strcmp(s, "Smith");
        jones += !strcmp(s, "Jones");
        brown += !strcmp(s, "Brown");
    }
    assert_in_range(smith, 9500, 10500);
    assert_in_range(jones, 19300, 20700);
    assert_in_range(brown, 69200, 70800);
    struct seed_list empty = {0};
    assert_null(seed_list_pick(&empty, &r));
    seed_tables_free(t);
}

static void test_table_errors_name_file_and_line(void **state)
{
    (void)state;
    const char *texts[SEED_FILES];
    memcpy(texts, MINI, sizeof texts);
    struct err e = ERR_INIT;
    texts[SEED_FILE_SURNAMES] = "british\tSmith\t1\nbritish\tJones\tmany\n";
    assert_null(seed_tables_parse(texts, &e));
    assert_string_equal(e.message, "bench/data/surnames.txt line 2: a number is expected");
    memcpy(texts, MINI, sizeof texts);
    texts[SEED_FILE_FORENAMES] = "welsh\tM\tDai\t1\t1\t1\n";
    assert_null(seed_tables_parse(texts, &e));
    assert_string_equal(e.message,
                        "bench/data/forenames.txt line 1: the group is not in groups.txt");
    memcpy(texts, MINI, sizeof texts);
    texts[SEED_FILE_FORENAMES] = "british\tM\tJohn\t1\t1\t1\n"; /* no women's names */
    assert_null(seed_tables_parse(texts, &e));
    assert_non_null(strstr(e.message, "has no female forenames"));
    memcpy(texts, MINI, sizeof texts);
    texts[SEED_FILE_PLACES] = "1\tTown\tZ1\t1\t2\t1\n";
    assert_null(seed_tables_parse(texts, &e));
    assert_non_null(strstr(e.message, "places.txt line 1: the postcode area"));
}

static struct codelist_set *codes(void)
{
    const char *base = getenv("CASEWORK_TEST_CONFIG_DIR");
    struct buf dir = BUF_INIT;
    buf_printf(&dir, "%s/codes", base && *base ? base : "config");
    struct err e = ERR_INIT;
    struct codelist_set *s = codelist_load_dir(dir.data, &e);
    buf_release(&dir);
    if (!s)
        fail_msg("codes: %s", e.message);
    return s;
}

static void each_code(const struct codelist *cl, const struct seed_list *l, const char *what)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].text && !codelist_has(cl, l->items[i].text))
            fail_msg("%s code %s is not in config/codes", what, l->items[i].text);
}

static void test_compiled_tables_use_real_codes(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    struct seed_tables *t = seed_tables_load(&e);
    assert_non_null(t);
    struct codelist_set *s = codes();
    assert_true(t->ngroups >= 15);
    for (size_t i = 0; i < t->ngroups; i++) {
        const struct seed_group *g = &t->groups[i];
        assert_true(codelist_has(codelist_get(s, "ethnicity"), g->ethnicity));
        each_code(codelist_get(s, "language"), &g->adult_lang, "language");
        each_code(codelist_get(s, "language"), &g->child_lang, "language");
        each_code(codelist_get(s, "religion"), &g->religion, "religion");
        each_code(codelist_get(s, "immigration_status"), &g->status, "immigration status");
    }
    codelist_free_set(s);
    seed_tables_free(t);
}

/* ---- generator ------------------------------------------------------------ */

static uint64_t cluster_digest(uint64_t h, const struct seed_cluster *c)
{
    for (int i = 0; i < c->npeople; i++) {
        const struct seed_person *p = &c->people[i];
        char line[512];
        snprintf(line, sizeof line, "%s|%s|%c|%lld|%s|%s|%s|%s", p->forenames, p->surname, p->sex,
                 (long long)p->dob, p->nhs, p->upn, c->addresses[p->address].postcode,
                 p->ethnicity ? p->ethnicity : "");
        for (const char *s = line; *s; s++)
            h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    for (int i = 0; i < c->nrels; i++)
        h = (h ^ (uint64_t)(c->rels[i].a * 131 + c->rels[i].b)) * 1099511628211ULL;
    return h;
}

static uint64_t run_generator(const struct seed_tables *t, uint64_t seed, int64_t as_of, bool check)
{
    struct err e = ERR_INIT;
    struct seed_gen *g = seed_gen_new(t, seed_profile_find("tiny"), seed, as_of, 0, &e);
    assert_non_null(g);
    static struct seed_cluster c;
    uint64_t h = 1469598103934665603ULL;
    int64_t next_id = 1, people = 0;
    while (seed_gen_next(g, &c)) {
        for (int i = 0; i < c.npeople; i++) {
            struct seed_person *p = &c.people[i];
            p->id = next_id++;
            people++;
            if (!check)
                continue;
            char out[14];
            if (p->nhs[0]) {
                assert_true(id_nhs_number(p->nhs, out, &e));
                assert_memory_equal(p->nhs, "999", 3);
            }
            if (p->upn[0]) {
                assert_true(id_upn(p->upn, out, &e));
                assert_memory_equal(p->upn + 1, "999", 3);
            }
            assert_true(id_postcode(c.addresses[p->address].postcode, out, &e));
            assert_true(out[0] == 'Z' && (out[1] == 'X' || out[1] == 'Y'));
            assert_true(p->dob <= as_of && p->dob >= clock_days_from_civil(1900, 1, 1));
            assert_true(p->dod == 0 || (p->dod >= p->dob && p->dod <= as_of));
            assert_true(p->sex == 'M' || p->sex == 'F');
        }
        for (int i = 0; i < c.nrels; i++) {
            assert_in_range(c.rels[i].a, 0, c.npeople - 1);
            assert_in_range(c.rels[i].b, 0, c.npeople - 1);
            assert_int_not_equal(c.rels[i].a, c.rels[i].b);
        }
        seed_gen_written(g, &c);
        h = cluster_digest(h, &c);
    }
    assert_in_range(people, 480, 560);
    seed_gen_free(g);
    return h;
}

static void test_generator_is_deterministic_and_valid(void **state)
{
    (void)state;
    struct err e = ERR_INIT;
    struct seed_tables *t = seed_tables_load(&e);
    assert_non_null(t);
    int64_t as_of = clock_days_from_civil(2026, 1, 1);
    uint64_t a = run_generator(t, 1, as_of, true);
    assert_true(a == run_generator(t, 1, as_of, false));
    assert_true(a != run_generator(t, 2, as_of, false));
    assert_true(a != run_generator(t, 1, as_of + 365, false));
    assert_null(seed_profile_find("city"));
    seed_tables_free(t);
}

/* ---- a seeded database ---------------------------------------------------- */

static const char SQL_KEYS_OF[] =
    "SELECT group_concat(key, ' ') FROM (SELECT key FROM person_keys WHERE person_id = :id"
    " ORDER BY key)";
static const char SQL_PEOPLE_COUNT[] = "SELECT COUNT(*), MAX(id) FROM people";

static char *keys_of(struct ctx *x, int64_t id)
{
    struct err e = ERR_INIT;
    struct store_stmt *st = store_prepare(x->conn, SQL_KEYS_OF, &e);
    assert_non_null(st);
    store_bind_int64(st, ":id", id);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    char *s = strdup(store_col_text(st, 0) ? store_col_text(st, 0) : "");
    assert_true(store_exec(st, &e));
    return s;
}

static void test_seeded_keys_match_the_domain(void **state)
{
    (void)state;
    char dir[] = "/tmp/casework-seed-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct buf path = BUF_INIT;
    buf_printf(&path, "%s/seed.db", dir);
    struct err e = ERR_INIT;
    struct store *s = store_open(path.data, 1, &e);
    assert_non_null(s);
    assert_true(store_migrate(s, NULL, &e));
    assert_true(auth_init(&e));
    struct codelist_set *cs = codes();
    struct arena arena = ARENA_INIT;
    struct principal admin = {.user_id = 0, .username = "cli:test", .role = ROLE_ADMINISTRATOR};
    struct config cfg;
    assert_true(config_defaults(&cfg));
    struct ctx x = {.conn = store_acquire(s),
                    .codes = cs,
                    .who = &admin,
                    .cfg = &cfg,
                    .arena = &arena,
                    .now = clock_now(),
                    .request_id = "test"};
    struct seed_options o = {.profile = "tiny",
                             .seed = 3,
                             .as_of = clock_days_from_civil(2026, 1, 1),
                             .password = "correct-horse-battery"};
    struct seed_report r;
    assert_true(seed_run(&x, &o, &r, &e));
    assert_in_range(r.people, 480, 560);
    assert_true(r.duplicates > 0 && r.relationships > r.people / 2);
    assert_int_equal(r.users, 20);
    assert_int_equal(r.teams, 4);

    /* The keys the seed wrote are those the domain would write. */
    for (int64_t id = 1; id <= r.people; id += 7) {
        char *seeded = keys_of(&x, id);
        assert_true(store_begin(x.conn, true, &e));
        assert_true(people_rebuild_keys(&x, id, &e));
        assert_true(store_commit(x.conn, &e));
        char *rebuilt = keys_of(&x, id);
        assert_string_equal(seeded, rebuilt);
        free(seeded);
        free(rebuilt);
    }
    struct audit_verify_result v;
    assert_true(audit_verify(x.conn, &v, &e));
    assert_int_equal(v.broken_id, 0);
    assert_int_equal(v.rows, r.audit_rows);

    /* A second run refuses the database, unless forced. */
    struct seed_report r2;
    assert_false(seed_run(&x, &o, &r2, &e));
    assert_int_equal(e.code, ERR_CONFLICT);
    o.force = true;
    assert_true(seed_run(&x, &o, &r2, &e));
    assert_int_equal(r2.users, 0); /* the same staff already exist */
    struct store_stmt *st = store_prepare(x.conn, SQL_PEOPLE_COUNT, &e);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    assert_int_equal(store_col_int64(st, 0), r.people + r2.people);
    assert_true(store_exec(st, &e));
    o.profile = "city";
    assert_false(seed_run(&x, &o, &r2, &e));
    assert_string_equal(e.field, "profile");

    store_release(s, x.conn);
    store_close(s);
    codelist_free_set(cs);
    config_free(&cfg);
    arena_release(&arena);
    test_db_remove(path.data);
    rmdir(dir);
    buf_release(&path);
}

/* ---- the work: contacts, cases, steps, notes ---------------------------------------- */

static const char SQL_COMPLETED[] =
    "SELECT s.step, s.answers, c.pathway, c.version, s.outcome, s.started_at, s.due_at,"
    " s.completed_at, (SELECT COUNT(*) FROM step_versions v WHERE v.step_id = s.id)"
    " FROM case_steps s JOIN cases c ON c.id = s.case_id WHERE s.status = 'completed'";
static const char SQL_WORK_COUNTS[] =
    "SELECT (SELECT COUNT(*) FROM contacts), (SELECT COUNT(*) FROM cases),"
    " (SELECT COUNT(*) FROM case_steps), (SELECT COUNT(*) FROM notes),"
    " (SELECT COUNT(*) FROM notes_fts WHERE notes_fts MATCH 'visit'),"
    " (SELECT COUNT(*) FROM cases WHERE status = 'open' AND allocated_user_id IS NOT NULL),"
    " (SELECT COUNT(*) FROM contact_people WHERE decision IS NULL AND case_id IN"
    "   (SELECT id FROM cases WHERE status = 'closed')),"
    " (SELECT COUNT(*) FROM cases WHERE status = 'closed' AND closure_reason IS NULL),"
    " (SELECT COUNT(*) FROM case_steps WHERE due_at IS NOT NULL AND completed_at > due_at)";

static void test_seeded_work_follows_the_definitions(void **state)
{
    (void)state;
    char dir[] = "/tmp/casework-work-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct buf path = BUF_INIT, wdir = BUF_INIT, hol = BUF_INIT, clo = BUF_INIT;
    buf_printf(&path, "%s/work.db", dir);
    const char *base = getenv("CASEWORK_TEST_CONFIG_DIR");
    base = base && *base ? base : "config";
    buf_printf(&wdir, "%s/workflows", base);
    buf_printf(&hol, "%s/calendar/bank-holidays-england-and-wales.txt", base);
    buf_printf(&clo, "%s/calendar/local-closures.txt", base);
    struct err e = ERR_INIT;
    struct store *s = store_open(path.data, 1, &e);
    assert_non_null(s);
    assert_true(store_migrate(s, NULL, &e));
    assert_true(auth_init(&e));
    struct codelist_set *cs = codes();
    struct workflow_set *ws = workflow_set_load_dir(wdir.data, cs, NULL, &e);
    assert_non_null(ws);
    struct calendar *cal = calendar_load(hol.data, clo.data, &e);
    assert_non_null(cal);
    struct arena arena = ARENA_INIT;
    struct principal admin = {.user_id = 0, .username = "cli:test", .role = ROLE_ADMINISTRATOR};
    struct config cfg;
    assert_true(config_defaults(&cfg));
    struct ctx x = {.conn = store_acquire(s),
                    .codes = cs,
                    .workflows = ws,
                    .calendar = cal,
                    .who = &admin,
                    .cfg = &cfg,
                    .arena = &arena,
                    .now = clock_now(),
                    .request_id = "test"};
    struct seed_options o = {.profile = "tiny",
                             .seed = 5,
                             .as_of = clock_days_from_civil(2026, 1, 1),
                             .password = "correct-horse-battery",
                             .work_years = 3};
    struct seed_report r;
    if (!seed_run(&x, &o, &r, &e))
        fail_msg("seed_run: %s %s", e.field, e.message);
    assert_true(r.work.contacts > 500 && r.work.cases >= r.work.contacts);
    assert_true(r.work.steps > r.work.cases && r.work.notes > 100);

    /* Every completed step passes the form rules of the definition its case
     * keeps, has its version 1, and was completed after it started. */
    struct store_stmt *st = store_prepare(x.conn, SQL_COMPLETED, &e);
    int64_t n = 0;
    while (store_step(st, &e) == STORE_ROW) {
        const struct workflow_def *d =
            workflow_set_get(ws, store_col_text(st, 2), (int)store_col_int64(st, 3));
        assert_non_null(d);
        const struct workflow_step *step = workflow_def_step(d, store_col_text(st, 0));
        assert_non_null(step);
        assert_non_null(workflow_step_outcome(step, store_col_text(st, 4)));
        json_t *answers = json_loads(store_col_text(st, 1), 0, NULL);
        assert_non_null(answers);
        struct buf missing = BUF_INIT;
        assert_int_equal(step_answers_missing_for(step, answers, store_col_text(st, 4), &missing),
                         0);
        buf_release(&missing);
        json_decref(answers);
        assert_true(store_col_int64(st, 7) >= store_col_int64(st, 5));
        assert_int_equal(store_col_int64(st, 8), 1);
        n++;
    }
    assert_true(n > r.work.cases);

    st = store_prepare(x.conn, SQL_WORK_COUNTS, &e);
    assert_int_equal(store_step(st, &e), STORE_ROW);
    assert_int_equal(store_col_int64(st, 0), r.work.contacts);
    assert_int_equal(store_col_int64(st, 1), r.work.cases);
    assert_int_equal(store_col_int64(st, 2), r.work.steps);
    assert_int_equal(store_col_int64(st, 3), r.work.notes);
    assert_true(store_col_int64(st, 4) > 0); /* the FTS index is in step */
    assert_int_equal(store_col_int64(st, 5), r.work.open_cases);
    assert_int_equal(store_col_int64(st, 6), 0); /* every closed case's contact was decided */
    assert_int_equal(store_col_int64(st, 7), 0); /* and has its reason */
    assert_true(store_col_int64(st, 8) > 0);     /* some steps were late */
    assert_true(store_exec(st, &e));

    /* The bulk load skips the per-row foreign key checks; the result holds them. */
    st = store_prepare(x.conn, "PRAGMA foreign_key_check", &e);
    assert_non_null(st);
    assert_int_equal(store_step(st, &e), STORE_DONE);

    struct audit_verify_result v;
    assert_true(audit_verify(x.conn, &v, &e));
    assert_int_equal(v.broken_id, 0);
    assert_int_equal(v.rows, r.audit_rows);

    store_release(s, x.conn);
    store_close(s);
    workflow_set_free(ws);
    calendar_free(cal);
    codelist_free_set(cs);
    config_free(&cfg);
    arena_release(&arena);
    test_db_remove(path.data);
    rmdir(dir);
    buf_release(&path);
    buf_release(&wdir);
    buf_release(&hol);
    buf_release(&clo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_splitmix64_known_answers),
        cmocka_unit_test(test_xoshiro_known_answers),
        cmocka_unit_test(test_ranges_and_uniformity),
        cmocka_unit_test(test_weighted_pick_in_proportion),
        cmocka_unit_test(test_table_errors_name_file_and_line),
        cmocka_unit_test(test_compiled_tables_use_real_codes),
        cmocka_unit_test(test_generator_is_deterministic_and_valid),
        cmocka_unit_test(test_seeded_keys_match_the_domain),
        cmocka_unit_test(test_seeded_work_follows_the_definitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
