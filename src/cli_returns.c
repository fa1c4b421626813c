/*
 * casework returns cin: write the children in need census XML for a
 * collection year, or (--check) list every record that breaks a DfE
 * validation rule, with where in casework it is fixed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "returns/cin.h"
#include "returns/cin_rules.h"
#include "returns/cin_xml.h"
#include "store/store.h"

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static int usage(int rc)
{
    printf("usage: casework returns cin --year YYYY-YY [--out FILE | --check] [--database FILE]\n\n"
           "The Department for Education's children in need census for a collection year\n"
           "(--year 2025-26: 1 April 2025 to 31 March 2026), built from the children's pathway\n"
           "and the person records. Writes the census XML to FILE (or standard output); when\n"
           "every validation rule passes, checks it against config/returns/cin-YEAR.xsd (exit 1\n"
           "if a rule fails or it does not match). With --check, prints every record\n"
           "that breaks a DfE validation rule (rule, message, where to fix it) instead, and\n"
           "exits 1 if any error is found (queries, numbered ...Q, are listed but do not fail).\n");
    return rc;
}

static int check(const struct cin_return *r)
{
    struct cin_failures f = {0};
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    bool ok = cin_check(r, &f);
    fprintf(stderr, "validation rules run in %.2f s\n", seconds_since(&start));
    if (!ok) {
        fprintf(stderr, "casework returns cin: out of memory\n");
        cin_failures_free(&f);
        return 1;
    }
    for (size_t i = 0; i < f.n; i++) {
        char path[32];
        cin_failure_path(&f.items[i], path);
        printf("%-6s child %lld  %-14s %s\n", f.items[i].rule->number,
               (long long)f.items[i].person_id, path, f.items[i].rule->message);
    }
    printf("%s: %d children, %d episodes; %zu errors, %zu queries\n", r->year->name, r->nchildren,
           r->nepisodes, f.errors, f.queries);
    int rc = f.errors ? 1 : 0;
    cin_failures_free(&f);
    return rc;
}

static int write_xml(const struct cin_return *r, const struct cli_opts *o)
{
    struct buf xml = BUF_INIT;
    struct err e = ERR_INIT;
    int rc = 1;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (!cin_xml_write(r, clock_now(), 1, &xml, &e)) {
        fprintf(stderr, "casework returns cin: %s\n", e.message);
        goto done;
    }
    double writing = seconds_since(&start);
    FILE *f = o->out ? fopen(o->out, "wb") : stdout;
    if (!f || fwrite(xml.data, 1, xml.len, f) != xml.len || (o->out && fclose(f) != 0)) {
        fprintf(stderr, "casework returns cin: cannot write %s\n", o->out ? o->out : "output");
        goto done;
    }
    char xsd[4096];
    snprintf(xsd, sizeof xsd, "%s/returns/cin-%s.xsd", o->cfg.config_dir, r->year->name);
    struct cin_counts n;
    cin_count(r, &n);
    fprintf(stderr,
            "%s: %d children, %d episodes, %d assessments, %d section 47 enquiries, %d CIN plans, "
            "%d CP plans; %zu bytes written in %.2f s\n",
            r->year->name, n.children, n.episodes, n.assessments, n.s47s, n.plans, n.cpps, xml.len,
            writing);
    /* The schema is checked only when the rules pass: libxml2 slows down by orders of
     * magnitude reporting thousands of schema errors, and the rules name each record
     * and where to fix it, which the schema's messages do not. */
    struct cin_failures failures = {0};
    clock_gettime(CLOCK_MONOTONIC, &start);
    bool checked = cin_check(r, &failures);
    fprintf(stderr, "validation rules run in %.2f s\n", seconds_since(&start));
    size_t errors = failures.errors;
    cin_failures_free(&failures);
    if (!checked || errors) {
        fprintf(stderr,
                "casework returns cin: written, but %zu records break the DfE validation rules "
                "(casework returns cin --check lists them); not checked against %s\n",
                errors, xsd);
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &start);
    bool valid = cin_xml_validate(xml.data, xml.len, xsd, &e);
    fprintf(stderr, "checked against the schema in %.2f s\n", seconds_since(&start));
    if (!valid) {
        fprintf(stderr,
                "casework returns cin: the return does not match %s: %s\n"
                "(casework returns cin --check lists the records to fix)\n",
                xsd, e.message);
        goto done;
    }
    rc = 0;
done:
    buf_release(&xml);
    return rc;
}

int cli_returns(int argc, char **argv)
{
    struct cli_opts o;
    int rc = 0;
    if (!cli_parse(argc, argv, 2, &o, "returns", &rc))
        return rc;
    if (o.help || o.npositional != 1 || strcmp(o.positional[0], "cin") != 0 || !o.year ||
        (o.check && o.out)) {
        config_free(&o.cfg);
        return usage(o.help ? 0 : 2);
    }
    rc = 1;
    struct err e = ERR_INIT;
    struct arena arena = ARENA_INIT;
    struct buf holidays = BUF_INIT, closures = BUF_INIT;
    struct calendar *cal = NULL;
    struct store *s = NULL;
    struct cin_year year;
    buf_printf(&holidays, "%s/calendar/bank-holidays-england-and-wales.txt", o.cfg.config_dir);
    buf_printf(&closures, "%s/calendar/local-closures.txt", o.cfg.config_dir);
    if (!cin_year_load(o.cfg.config_dir, o.year, &year, &arena, &e) ||
        !(cal = calendar_load(holidays.data, closures.data, &e))) {
        fprintf(stderr, "casework returns cin: %s\n", e.message);
        goto done;
    }
    /* Three connections: the census reads on two at once (cin_load). */
    if (!(s = cli_open_store(&o, 3, true)))
        goto done;
    cin_xml_init();
    struct principal cli = cli_principal();
    struct ctx x = cli_ctx(store_acquire(s), &cli, &o, &arena);
    x.calendar = cal;
    x.request_id = "returns";
    struct cin_return r;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    bool loaded = cin_load(&x, &year, &r, &e);
    double loading = seconds_since(&start);
    store_release(s, x.conn);
    if (!loaded) {
        fprintf(stderr, "casework returns cin: %s\n", e.message);
        goto done;
    }
    fprintf(stderr, "read %d children in need (%d episodes) in %.2f s\n", r.nchildren, r.nepisodes,
            loading);
    rc = o.check ? check(&r) : write_xml(&r, &o);
done:
    store_close(s);
    calendar_free(cal);
    buf_release(&holidays);
    buf_release(&closures);
    arena_release(&arena);
    config_free(&o.cfg);
    return rc;
}
