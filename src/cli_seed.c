/*
 * casework seed and casework token create: the commands the benchmark uses
 * (bench/run.sh) to fill a database and to get an API token.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "domain/accounts.h"
#include "domain/auth.h"
#include "domain/workflow_def.h"
#include "returns/cin.h"
#include "seed/cin_errors.h"
#include "seed/seed.h"
#include "store/store.h"

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void seed_progress(const struct seed_report *r, void *arg)
{
    fprintf(stderr, "  %lld people, %.1f s\n", (long long)r->people, seconds_since(arg));
}

static void work_progress(const struct seed_work_report *r, int64_t day, void *arg)
{
    struct buf d = BUF_INIT;
    clock_format_date(&d, day);
    fprintf(stderr,
            "  work to %s: %lld contacts, %lld cases, %lld steps, %lld notes, %lld audit rows, "
            "%.1f s\n",
            d.data ? d.data : "?", (long long)r->contacts, (long long)r->cases, (long long)r->steps,
            (long long)r->notes, (long long)r->audit_rows, seconds_since(arg));
    buf_release(&d);
}

/* The definitions and the calendar cases run on, as `casework serve` loads them. */
static bool load_work_config(const char *config_dir, const struct codelist_set *codes,
                             struct workflow_set **set, struct calendar **cal, struct err *e)
{
    struct buf dir = BUF_INIT, problems = BUF_INIT, closures = BUF_INIT;
    buf_printf(&dir, "%s/workflows", config_dir);
    *set = workflow_set_load_dir(dir.data, codes, &problems, e);
    if (*set) {
        buf_reset(&dir);
        buf_printf(&dir, "%s/calendar/bank-holidays-england-and-wales.txt", config_dir);
        buf_printf(&closures, "%s/calendar/local-closures.txt", config_dir);
        *cal = calendar_load(dir.data, closures.data, e);
    } else if (problems.len) {
        fputs(problems.data, stderr);
    }
    buf_release(&dir);
    buf_release(&problems);
    buf_release(&closures);
    return *set && *cal;
}

/* Size of a SQLite file with its write-ahead log, in bytes (0 if absent). */
static long long file_bytes(const char *path)
{
    struct stat st;
    long long n = stat(path, &st) == 0 ? (long long)st.st_size : 0;
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", path);
    return n + (stat(wal, &st) == 0 ? (long long)st.st_size : 0);
}

static const char SEED_PASSWORD[] = "casework-bench-password";

int cli_seed(int argc, char **argv)
{
    struct cli_opts o;
    int rc = 0;
    if (!cli_parse(argc, argv, 2, &o, "seed", &rc))
        return rc;
    if (o.help) {
        printf(
            "usage: casework seed --profile tiny|district|county [--seed N] [--as-of DATE]\n"
            "                     [--force] [--cin-errors N [--year 2025-26]] [--database FILE]\n\n"
            "Fill the database with a synthetic population for benchmarks and demonstrations:\n"
            "tiny ~500 people, district ~25,000, county ~250,000, with families and their\n"
            "relationships, addresses in made-up postcode areas (ZX, ZY), NHS numbers from the\n"
            "999 test range, UPNs with local authority number 999, ~1%% planted\n"
            "near-duplicates, teams and staff users who all have the password\n"
            "'%s'. The same --seed (default 1), profile and --as-of date (ages are counted\n"
            "from it; default 1 January this year) give the same data. Refuses a database\n"
            "that already has people unless --force. --cin-errors N then puts N realistic\n"
            "children in need census errors into the year's return (default 2025-26), each on a\n"
            "different clean child and breaking one rule (4220, 4180, 1510, 8790, 8525, 8608 in\n"
            "turn), for the data-quality page to find.\n",
            SEED_PASSWORD);
        config_free(&o.cfg);
        return 0;
    }
    rc = 1;
    struct err e = ERR_INIT;
    struct buf dir = BUF_INIT;
    struct codelist_set *codes = NULL;
    struct workflow_set *workflows = NULL;
    struct calendar *cal = NULL;
    struct store *s = NULL;
    struct arena arena = ARENA_INIT;
    char *end = NULL;
    unsigned long long seed = o.seed ? strtoull(o.seed, &end, 10) : 1;
    int64_t as_of = 0;
    if (!o.profile || (o.seed && (!*o.seed || *end || *o.seed == '-'))) {
        rc =
            cli_usage_error("seed", "give --profile tiny, district or county, and --seed a number");
        goto done;
    }
    if (o.as_of && !clock_parse_date(o.as_of, &as_of, &e)) {
        rc = cli_usage_error("seed", "--as-of must be a date YYYY-MM-DD");
        goto done;
    }
    /* --cin-errors: a whole number up to 100,000 (more than a county has children in need). */
    char *cin_end = NULL;
    long cin_errors = o.cin_errors ? strtol(o.cin_errors, &cin_end, 10) : 0;
    if (o.cin_errors && (!*o.cin_errors || *cin_end || cin_errors < 0 || cin_errors > 100000)) {
        rc = cli_usage_error("seed", "--cin-errors must be a whole number from 0 to 100000");
        goto done;
    }
    if (!o.as_of) { /* 1 January of this year: the data stays the same all year */
        int y, m, d;
        clock_civil_from_days(clock_london_day(clock_now()), &y, &m, &d);
        as_of = clock_days_from_civil(y, 1, 1);
    }
    buf_printf(&dir, "%s/codes", o.cfg.config_dir);
    if (!(codes = codelist_load_dir(dir.data, &e)) ||
        !load_work_config(o.cfg.config_dir, codes, &workflows, &cal, &e) ||
        !(s = cli_open_store(&o, 1, true))) {
        if (e.code)
            fprintf(stderr, "casework seed: %s\n", e.message);
        goto done;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct principal cli = cli_principal();
    struct ctx x = cli_ctx(store_acquire(s), &cli, &o, &arena);
    x.codes = codes;
    x.workflows = workflows;
    x.calendar = cal;
    x.request_id = "seed";
    struct seed_options so = {.profile = o.profile,
                              .seed = seed,
                              .as_of = as_of,
                              .force = o.force,
                              .password = SEED_PASSWORD,
                              .work_years = 10,
                              .progress = seed_progress,
                              .arg = &start,
                              .work_progress = work_progress};
    struct seed_report r;
    bool ok = seed_run(&x, &so, &r, &e);
    struct seed_cin_errors_report injected = {0};
    if (ok && cin_errors > 0) {
        struct cin_year year;
        ok = cin_year_load(o.cfg.config_dir, o.year ? o.year : "2025-26", &year, &arena, &e) &&
             seed_cin_errors(&x, &year, (int)cin_errors, seed, &injected, &e);
    }
    store_release(s, x.conn);
    double seeding = seconds_since(&start);
    store_close(s); /* checkpoints the write-ahead log into the file */
    s = NULL;
    if (!ok) {
        fprintf(stderr, "casework seed: %s%s%s\n", e.field[0] ? e.field : "",
                e.field[0] ? ": " : "", e.message);
        goto done;
    }
    printf("seeded profile %s (seed %llu): %lld people (%lld planted near-duplicates, first id "
           "%lld), %lld relationships, %lld addresses, %lld search keys, %lld teams, %lld users, "
           "%lld audit rows\n"
           "work over 10 years: %lld contacts, %lld cases (%lld open, allocated), %lld steps "
           "(%lld completed, %lld authorised, %lld late), %lld allocations, %lld case notes\n"
           "time: %.1f s writing, %.1f s with the final checkpoint; database size: %.1f MB\n"
           "every seeded user's password: %s\n",
           o.profile, seed, (long long)r.people, (long long)r.duplicates,
           (long long)r.first_person_id, (long long)r.relationships, (long long)r.addresses,
           (long long)r.keys, (long long)r.teams, (long long)r.users, (long long)r.audit_rows,
           (long long)r.work.contacts, (long long)r.work.cases, (long long)r.work.open_cases,
           (long long)r.work.steps, (long long)r.work.completed, (long long)r.work.authorised,
           (long long)r.work.late, (long long)r.work.allocations, (long long)r.work.notes, seeding,
           seconds_since(&start), (double)file_bytes(o.cfg.database) / 1e6, SEED_PASSWORD);
    if (cin_errors > 0) {
        printf("children in need census errors put in: %d (", injected.injected);
        for (int k = 0; k < SEED_CIN_ERROR_KINDS; k++)
            printf("%s%s: %d", k ? ", " : "", injected.rules[k], injected.by_kind[k]);
        printf(")\n");
    }
    rc = 0;
done:
    store_close(s);
    workflow_set_free(workflows);
    calendar_free(cal);
    codelist_free_set(codes);
    buf_release(&dir);
    arena_release(&arena);
    config_free(&o.cfg);
    return rc;
}

int cli_token(int argc, char **argv)
{
    struct cli_opts o;
    int rc = 0;
    if (!cli_parse(argc, argv, 2, &o, "token", &rc))
        return rc;
    if (o.help || o.npositional != 3 || strcmp(o.positional[0], "create") != 0) {
        printf("usage: casework token create USERNAME NAME [--database FILE]\n\n"
               "Create an API token for USERNAME (NAME says what uses it) and print it once.\n"
               "For scripts and benchmarks; people create their own on the account page.\n");
        config_free(&o.cfg);
        return o.help ? 0 : 2;
    }
    rc = 1;
    struct arena arena = ARENA_INIT;
    struct store *s = cli_open_store(&o, 1, true);
    if (s) {
        struct principal cli = cli_principal();
        struct ctx x = cli_ctx(store_acquire(s), &cli, &o, &arena);
        struct err e = ERR_INIT;
        char token[AUTH_TOKEN_CHARS + 1];
        int64_t user_id = 0;
        if (accounts_find_username(&x, o.positional[1], &user_id, &e) &&
            auth_token_create_for(&x, user_id, o.positional[2], token, NULL, &e)) {
            printf("%s\n", token);
            rc = 0;
        } else {
            fprintf(stderr, "casework token create: %s\n", e.message);
        }
        sodium_memzero(token, sizeof token);
        store_release(s, x.conn);
    }
    store_close(s);
    arena_release(&arena);
    config_free(&o.cfg);
    return rc;
}
