/*
 * Looked-after periods of a child (domain/looked_after): the periods with
 * their legal status, the form to record one and to end the open one. The
 * looked-after retention rule (75th birthday) fires on these.
 */
#include <stdio.h>
#include <string.h>

#include "core/codelist.h"
#include "domain/looked_after.h"
#include "domain/people.h"
#include "web/page.h"
#include "web/pages.h"

static void render(struct request *r, int64_t id, int status, const struct err *fe,
                   const char *status_code, const char *started_on, const char *ended_on)
{
    struct looked_after_period *l;
    size_t n;
    const char *forenames, *surname, *dob;
    struct err e = ERR_INIT;
    if (!looked_after_list(http_ctx(r), id, &l, &n, &e) ||
        !people_label(http_ctx(r), id, &forenames, &surname, &dob, &e)) {
        http_reply_err(r, &e);
        return;
    }
    bool can_edit = access_allows(http_principal(r), PERM_PEOPLE_EDIT);
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Looked-after periods");
    page_error_summary(&b, fe);
    html(&b,
         "<span class=\"govuk-caption-l\"><a class=\"govuk-link\" href=\"/people/%D\">%s %s</a> "
         "(person %D)</span><h1 class=\"govuk-heading-l\">Looked-after periods</h1>"
         "<p class=\"govuk-body\">When the child was in the council's care or accommodated, "
         "and under which legal status. A child who has been looked after has their record "
         "kept until their 75th birthday (config/retention.txt).</p>",
         id, forenames, surname, id);
    if (!n) {
        html(&b, "<p class=\"govuk-body\" data-testid=\"no-periods\">None recorded.</p>");
    } else {
        html(&b, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
                 "class=\"govuk-table__row\"><th class=\"govuk-table__header\">Legal status</th>"
                 "<th class=\"govuk-table__header\">From</th><th class=\"govuk-table__header\">"
                 "To</th><th class=\"govuk-table__header\">Recorded by</th></tr></thead>"
                 "<tbody class=\"govuk-table__body\">");
        for (size_t i = 0; i < n; i++) {
            html(&b,
                 "<tr class=\"govuk-table__row\" data-testid=\"period\"><td "
                 "class=\"govuk-table__cell\">%s (%s)</td><td class=\"govuk-table__cell\">",
                 l[i].legal_status_label, l[i].legal_status);
            page_date(&b, l[i].started_on);
            html(&b, "</td><td class=\"govuk-table__cell\">");
            if (*l[i].ended_on) {
                page_date(&b, l[i].ended_on);
            } else if (can_edit) {
                html(&b,
                     "Still looked after<form method=\"post\" "
                     "action=\"/people/%D/looked-after/%D/end\" novalidate>",
                     id, l[i].id);
                page_csrf(&b, r);
                page_date_input(&b, "ended_on", "Ended on", "For example, 27 3 2026", "", fe);
                html(&b, "<button class=\"govuk-button govuk-button--secondary\" "
                         "data-module=\"govuk-button\">End the period</button></form>");
            } else {
                html(&b, "Still looked after");
            }
            html(&b, "</td><td class=\"govuk-table__cell\">%s, ", l[i].recorded_by);
            page_when(&b, l[i].recorded_at);
            html(&b, "</td></tr>");
        }
        html(&b, "</tbody></table>");
    }
    if (can_edit) {
        const struct codelist *codes = codelist_get(http_app(r)->codes, "legal_status");
        html(&b,
             "<h2 class=\"govuk-heading-m\">Record a period</h2><form method=\"post\" "
             "action=\"/people/%D/looked-after\" novalidate>",
             id);
        page_csrf(&b, r);
        bool bad = fe && fe->code && !strcmp(fe->field, "legal_status");
        html(&b,
             "<div class=\"govuk-form-group%s\"><label class=\"govuk-label govuk-label--s\" "
             "for=\"legal_status\">Legal status</label>",
             bad ? " govuk-form-group--error" : "");
        if (bad)
            html(&b,
                 "<p class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:"
                 "</span> %s</p>",
                 fe->message);
        html(&b, "<select class=\"govuk-select\" id=\"legal_status\" name=\"legal_status\">"
                 "<option value=\"\">Choose</option>");
        for (size_t i = 0; i < codelist_count(codes); i++) {
            const char *code, *label;
            codelist_entry(codes, i, &code, &label);
            html(&b, "<option value=\"%s\"%s>%s (%s)</option>", code,
                 status_code && !strcmp(status_code, code) ? " selected" : "", label, code);
        }
        html(&b, "</select></div>");
        page_date_input(&b, "started_on", "Became looked after on", "For example, 27 3 2026",
                        started_on ? started_on : "", fe);
        page_date_input(&b, "ended_on", "Period ended on",
                        "Leave blank if the child is still looked after", ended_on ? ended_on : "",
                        fe);
        html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\" "
                 "id=\"record-period\">Record the period</button></form>");
    }
    page_send(&b, r, status);
}

static void back(struct request *r, int64_t id)
{
    char to[64];
    snprintf(to, sizeof to, "/people/%lld/looked-after", (long long)id);
    http_redirect(r, to);
}

void page_looked_after(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        render(r, id, 200, NULL, NULL, NULL, NULL);
}

void page_looked_after_add(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    const char *code = http_form(r, "legal_status");
    const char *from = page_form_date(r, "started_on"), *to = page_form_date(r, "ended_on");
    if (looked_after_add(http_ctx(r), id, code, from, to, NULL, &e))
        back(r, id);
    else if (e.code == ERR_INVALID || e.code == ERR_CONFLICT)
        render(r, id, e.code == ERR_CONFLICT ? 409 : 422, &e, code, from, to);
    else
        http_reply_err(r, &e);
}

void page_looked_after_end(struct request *r)
{
    int64_t id, period;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !http_param_id(r, "period", &period))
        return;
    if (looked_after_end(http_ctx(r), id, period, page_form_date(r, "ended_on"), &e))
        back(r, id);
    else if (e.code == ERR_INVALID || e.code == ERR_CONFLICT)
        render(r, id, e.code == ERR_CONFLICT ? 409 : 422, &e, NULL, NULL, NULL);
    else
        http_reply_err(r, &e);
}
