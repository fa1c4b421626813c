/*
 * Subject access pages: the requests with their one-month due dates, a form
 * to record one, and the JSON and PDF downloads of each (the same exports as
 * the API, audited the same way).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/people.h"
#include "domain/sar.h"
#include "domain/sar_pdf.h"
#include "web/page.h"
#include "web/pages.h"

/* The person is found with the people search (name, date of birth, NHS
 * number...; restricted records without a grant are left out) and chosen
 * from its results; the search is kept in the form so a refusal shows the
 * same choice again. */
enum { SAR_PAGE_MATCHES = 20 };

static void request_form(struct buf *b, struct request *r, const struct err *fe)
{
    const char *q = http_query(r, "q");
    if (!q)
        q = http_form(r, "q");
    const char *chosen = fe ? http_form(r, "person_id") : NULL;
    struct person_candidate c[SAR_PAGE_MATCHES];
    size_t n = 0;
    struct err se = ERR_INIT;
    bool searched = q && *q;
    if (searched)
        people_search(http_ctx(r), q, c, SAR_PAGE_MATCHES, &n, &se);
    html(b, "<h2 class=\"govuk-heading-m\" id=\"record\">Record a request</h2><form "
            "method=\"get\" action=\"/subject-access#record\" role=\"search\">");
    page_input(b, "q", "Find the person",
               "Name, date of birth, NHS number, postcode or #record number", q ? q : "", "search",
               "off", &se);
    html(b, "<button class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\" "
            "id=\"find-person\">Search</button></form>");
    html(b, "<form method=\"post\" action=\"/subject-access\" novalidate>");
    page_csrf(b, r);
    html(b, "<input type=\"hidden\" name=\"q\" value=\"%s\">", q ? q : "");
    bool bad = fe && fe->code && !strcmp(fe->field, "person_id");
    html(b,
         "<div class=\"govuk-form-group%s\"><fieldset class=\"govuk-fieldset\" id=\"person_id\">"
         "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">Whose record"
         "</legend>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(b,
             "<p class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:"
             "</span> %s</p>",
             fe->message);
    if (!searched)
        html(b, "<p class=\"govuk-body\" data-testid=\"search-first\">Find the person "
                "above, then choose them here.</p>");
    else if (!n)
        html(b,
             "<p class=\"govuk-body\" data-testid=\"no-results\">No one found for "
             "&lsquo;%s&rsquo;.</p>",
             q);
    html(b, "<div class=\"govuk-radios govuk-radios--small\" data-module=\"govuk-radios\">");
    for (size_t i = 0; i < n; i++) {
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)c[i].id);
        html(b,
             "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" "
             "id=\"person-%D\" name=\"person_id\" type=\"radio\" value=\"%D\"%s "
             "data-testid=\"candidate\"><label class=\"govuk-label govuk-radios__label\" "
             "for=\"person-%D\">%s %s, born ",
             c[i].id, c[i].id, (chosen && !strcmp(chosen, v)) || n == 1 ? " checked" : "", c[i].id,
             c[i].forenames, c[i].surname);
        page_date(b, *c[i].dob ? c[i].dob : "unknown");
        html(b, "%s%s (record %D)</label></div>", *c[i].nhs_number ? ", NHS number " : "",
             c[i].nhs_number, c[i].id);
    }
    html(b, "</div></fieldset></div>");
    page_input(b, "requester", "Who made the request",
               "For example: the person themselves, or their solicitor on their behalf",
               fe ? http_form(r, "requester") : "", "text", "off", fe);
    page_date_input(b, "received_on", "Date received", "For example, 31 1 2026",
                    fe ? page_form_date(r, "received_on") : "", fe);
    html(b, "<button class=\"govuk-button\" data-module=\"govuk-button\" id=\"record-request\">"
            "Record the request</button></form>");
}

static void render(struct request *r, int status, const struct err *fe)
{
    struct sar_request *list;
    size_t n;
    struct err e = ERR_INIT;
    if (!sar_list(http_ctx(r), &list, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Subject access requests");
    page_error_summary(&b, fe);
    html(&b, "<h1 class=\"govuk-heading-l\">Subject access requests</h1><p class=\"govuk-body\">"
             "A request is due one calendar month after it was received (UK GDPR Article "
             "12(3)). Review every item flagged for redaction before disclosure.</p>");
    if (!n) {
        html(&b, "<p class=\"govuk-body\" data-testid=\"no-requests\">No requests.</p>");
    } else {
        html(&b, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
                 "class=\"govuk-table__row\"><th class=\"govuk-table__header\">Record</th><th "
                 "class=\"govuk-table__header\">Requester</th><th class=\"govuk-table__header\">"
                 "Received</th><th class=\"govuk-table__header\">Due</th><th "
                 "class=\"govuk-table__header\">Exported</th><th class=\"govuk-table__header\">"
                 "Download</th></tr></thead><tbody class=\"govuk-table__body\">");
        for (size_t i = 0; i < n; i++) {
            const struct sar_request *s = &list[i];
            html(&b,
                 "<tr class=\"govuk-table__row\" data-testid=\"request\" data-id=\"%D\"><td "
                 "class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/people/%D\">%s</a> "
                 "(%D)</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">",
                 s->id, s->person_id, s->person_name, s->person_id, s->requester);
            page_date(&b, s->received_on);
            html(&b, "</td><td class=\"govuk-table__cell\" data-testid=\"due\">");
            page_date(&b, s->due_on);
            html(&b, "</td><td class=\"govuk-table__cell\">");
            if (s->last_export_at)
                page_when(&b, s->last_export_at);
            else
                html(&b, "Not yet");
            html(&b,
                 "</td><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                 "href=\"/subject-access/%D/json\">JSON</a> <a class=\"govuk-link\" "
                 "href=\"/subject-access/%D/pdf\">PDF</a></td></tr>",
                 s->id, s->id);
        }
        html(&b, "</tbody></table>");
    }
    request_form(&b, r, fe);
    page_send(&b, r, status);
}

void page_sar_list(struct request *r)
{
    render(r, 200, NULL);
}

void page_sar_create(struct request *r)
{
    struct err e = ERR_INIT;
    const char *given = http_form(r, "person_id");
    char *end = NULL;
    long long person = given ? strtoll(given, &end, 10) : 0;
    if (!given || end == given || *end || person <= 0) {
        err_set(&e, ERR_INVALID, "person_id", "Find the person and choose them");
        render(r, 422, &e);
        return;
    }
    struct sar_request s;
    if (!sar_create(http_ctx(r), person, page_form_date(r, "received_on"),
                    http_form(r, "requester"), &s, &e)) {
        if (e.code == ERR_INVALID || e.code == ERR_NOT_FOUND) {
            if (e.code == ERR_NOT_FOUND)
                err_set(&e, ERR_INVALID, "person_id", "There is no person record %lld", person);
            render(r, 422, &e);
        } else {
            http_reply_err(r, &e);
        }
        return;
    }
    http_redirect(r, "/subject-access");
}
