/*
 * Statutory returns for the performance team (PERM_RETURNS): the children in
 * need census for a collection year, its counts, the XML to download, and
 * the data-quality list: every record breaking a DfE validation rule, with
 * the rule's number and message and a link to where in casework it is fixed.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "returns/cin.h"
#include "returns/cin_rules.h"
#include "returns/cin_xml.h"
#include "web/page.h"
#include "web/pages.h"

/* The data-quality page lists at most this many failures (the counts by rule
 * are always complete; ?rule= narrows the list). */
#define QUALITY_MAX_ROWS 5000

struct census {
    struct cin_year year;
    struct cin_return r;
    char years[16][8];
    int nyears;
};

/* The year asked for (?year=, else the newest with settings), loaded and read.
 * False with the error page sent. */
static bool load(struct request *r, struct census *c)
{
    struct ctx *x = http_ctx(r);
    struct err e = ERR_INIT;
    c->nyears = cin_years(x->cfg->config_dir, c->years, 16);
    const char *year = http_query(r, "year");
    if (!year || !*year)
        year = c->nyears ? c->years[0] : "";
    if (!access_require(x->who, PERM_RETURNS, &e) ||
        !cin_year_load(x->cfg->config_dir, year, &c->year, x->arena, &e) ||
        !cin_load(x, &c->year, &c->r, &e)) {
        http_reply_err(r, &e);
        return false;
    }
    return true;
}

static void year_form(struct buf *b, const struct census *c, const char *action)
{
    html(b,
         "<form method=\"get\" action=\"%s\" class=\"cw-filter\"><div "
         "class=\"govuk-form-group cw-inline-field\"><label class=\"govuk-label\" "
         "for=\"year\">Collection year</label><select class=\"govuk-select\" id=\"year\" "
         "name=\"year\">",
         action);
    for (int i = 0; i < c->nyears; i++)
        html(b, "<option value=\"%s\"%R>%s</option>", c->years[i],
             /* a fixed attribute, chosen here */
             strcmp(c->years[i], c->year.name) == 0 ? " selected" : "", c->years[i]);
    html(b, "</select></div><button type=\"submit\" class=\"govuk-button "
            "govuk-button--secondary\">Show</button></form>");
}

void page_returns(struct request *r)
{
    struct census c;
    if (!load(r, &c))
        return;
    struct cin_failures f = {0};
    if (!cin_check(&c.r, &f)) {
        cin_failures_free(&f);
        http_reply_problem(r, 500, "Internal error", "The checks could not be run", NULL);
        return;
    }
    struct cin_counts n;
    cin_count(&c.r, &n);
    char start[11], end[11];
    cin_format_date(c.year.start, start);
    cin_format_date(c.year.end, end);
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Statutory returns");
    html(&b, "<h1 class=\"govuk-heading-l\">Children in need census</h1>");
    year_form(&b, &c, "/returns");
    html(&b, "<p class=\"govuk-body\">Collection year %s: ", c.year.name);
    page_date(&b, start);
    html(&b, " to ");
    page_date(&b, end);
    html(&b, " (the reference date). Every child with a referral open at some time in the "
             "year, from what is recorded in casework now.</p>");
    html(&b,
         "<dl class=\"govuk-summary-list\" data-testid=\"cin-counts\">"
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Children"
         "</dt><dd class=\"govuk-summary-list__value\" data-count=\"children\">%d</dd></div>"
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Referrals "
         "(episodes)</dt><dd class=\"govuk-summary-list__value\" data-count=\"episodes\">%d</dd>"
         "</div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
         "Assessments</dt><dd class=\"govuk-summary-list__value\" data-count=\"assessments\">%d"
         "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
         "Section 47 enquiries</dt><dd class=\"govuk-summary-list__value\" data-count=\"s47\">%d"
         "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
         "Children in need plans</dt><dd class=\"govuk-summary-list__value\" "
         "data-count=\"cin_plans\">%d</dd></div><div class=\"govuk-summary-list__row\"><dt "
         "class=\"govuk-summary-list__key\">Child protection plans</dt><dd "
         "class=\"govuk-summary-list__value\" data-count=\"cp_plans\">%d</dd></div>"
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
         "Validation errors</dt><dd class=\"govuk-summary-list__value\" data-count=\"errors\">%d"
         "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
         "Queries to check</dt><dd class=\"govuk-summary-list__value\" data-count=\"queries\">%d"
         "</dd></div></dl>",
         n.children, n.episodes, n.assessments, n.s47s, n.plans, n.cpps, (int)f.errors,
         (int)f.queries);
    html(&b,
         "<div class=\"govuk-button-group\"><a class=\"govuk-button\" "
         "href=\"/returns/cin.xml?year=%u\" download>Download the census XML</a>"
         "<a class=\"govuk-button govuk-button--secondary\" "
         "href=\"/returns/cin/quality?year=%u\">Data quality</a></div>",
         c.year.name, c.year.name);
    cin_failures_free(&f);
    page_send(&b, r, 200);
}

void page_returns_cin_xml(struct request *r)
{
    struct census c;
    if (!load(r, &c))
        return;
    struct buf xml = BUF_INIT;
    struct err e = ERR_INIT;
    if (!cin_xml_write(&c.r, http_ctx(r)->now, 1, &xml, &e)) {
        buf_release(&xml);
        http_reply_err(r, &e);
        return;
    }
    char disposition[64];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"cin-%s.xml\"", c.year.name);
    http_add_header(r, "Content-Disposition", disposition);
    http_reply_bytes(r, 200, "application/xml; charset=utf-8", &xml);
}

static const char *where_label(enum cin_where w)
{
    return w == CIN_AT_PERSON ? "Person record" : w == CIN_AT_CASE ? "Case" : "Step";
}

void page_returns_cin_quality(struct request *r)
{
    struct census c;
    if (!load(r, &c))
        return;
    const char *only = http_query(r, "rule");
    const struct cin_rule *rule = only && *only ? cin_rule_find(only) : NULL;
    if (only && *only && !rule) {
        http_reply_problem(r, 404, "Not found", "No such validation rule", NULL);
        return;
    }
    struct cin_failures f = {0};
    if (!cin_check(&c.r, &f)) {
        cin_failures_free(&f);
        http_reply_problem(r, 500, "Internal error", "The checks could not be run", NULL);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Children in need census: data quality");
    html(&b,
         "<h1 class=\"govuk-heading-l\">Children in need census: data quality</h1>"
         "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/returns?year=%u\">Back to the "
         "census</a></p>",
         c.year.name);
    year_form(&b, &c, "/returns/cin/quality");
    html(&b,
         "<p class=\"govuk-body\" data-testid=\"quality-summary\">%d errors and %d queries "
         "in the %s return.</p>",
         (int)f.errors, (int)f.queries, c.year.name);
    if (!f.n) {
        html(&b, "<p class=\"govuk-body\">Every record passes the DfE's validation rules.</p>");
        cin_failures_free(&f);
        page_send(&b, r, 200);
        return;
    }
    /* By rule, with counts: the complete picture even when the list is long. */
    html(&b, "<h2 class=\"govuk-heading-m\">By rule</h2><table class=\"govuk-table\" "
             "data-testid=\"quality-by-rule\"><thead class=\"govuk-table__head\"><tr "
             "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Rule"
             "</th><th scope=\"col\" class=\"govuk-table__header\">Message</th><th scope=\"col\" "
             "class=\"govuk-table__header govuk-table__header--numeric\">Records</th></tr>"
             "</thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < cin_rule_count(); i++) {
        const struct cin_rule *ru = cin_rule_at(i);
        int count = 0;
        for (size_t k = 0; k < f.n; k++)
            count += f.items[k].rule == ru;
        if (count)
            html(&b,
                 "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
                 "class=\"govuk-link\" href=\"/returns/cin/quality?year=%u&amp;rule=%u\">%s</a>"
                 "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell "
                 "govuk-table__cell--numeric\" data-rule=\"%s\">%d</td></tr>",
                 c.year.name, ru->number, ru->number, ru->message, ru->number, count);
    }
    html(&b, "</tbody></table>");
    html(&b, "<h2 class=\"govuk-heading-m\">Records to fix%s%s</h2>", rule ? ": rule " : "",
         rule ? rule->number : "");
    html(&b, "<table class=\"govuk-table\" data-testid=\"quality-list\"><thead "
             "class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
             "class=\"govuk-table__header\">Rule</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Message</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Child</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Fix it at</th></tr></thead><tbody "
             "class=\"govuk-table__body\">");
    int shown = 0;
    for (size_t k = 0; k < f.n && shown < QUALITY_MAX_ROWS; k++) {
        const struct cin_failure *it = &f.items[k];
        if (rule && it->rule != rule)
            continue;
        char path[32];
        cin_failure_path(it, path);
        html(&b,
             "<tr class=\"govuk-table__row\" data-testid=\"failure\"><td "
             "class=\"govuk-table__cell\">%s%s</td><td class=\"govuk-table__cell\">%s</td><td "
             "class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/people/%D\">%D</a></td>"
             "<td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"%s\" "
             "data-fix=\"%s\">%s %D</a></td></tr>",
             it->rule->number, it->rule->query ? " (query)" : "", it->rule->message, it->person_id,
             it->person_id, path, path, where_label(it->where), it->id);
        shown++;
    }
    html(&b, "</tbody></table>");
    if (shown == QUALITY_MAX_ROWS)
        html(&b,
             "<p class=\"govuk-body\">The first %d records are shown; choose a rule above "
             "to see its records.</p>",
             QUALITY_MAX_ROWS);
    cin_failures_free(&f);
    page_send(&b, r, 200);
}
