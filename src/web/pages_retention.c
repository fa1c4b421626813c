/*
 * Retention pages: the destruction review (records past their date, held ones
 * shown apart), a manager's confirmation of the batch, the destruction
 * certificate, and legal holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/destruction.h"
#include "web/page.h"
#include "web/pages.h"

static bool load_rules(struct request *r, struct retention_rules *rules, struct err *e)
{
    return retention_rules_load(http_app(r)->cfg->config_dir, rules, e);
}

static void render_review(struct request *r, int status, const struct err *fe)
{
    struct retention_rules rules;
    struct destruction_review rev;
    struct legal_hold *holds;
    size_t nholds;
    struct err e = ERR_INIT;
    if (!load_rules(r, &rules, &e)) {
        http_reply_err(r, &e);
        return;
    }
    bool ok = destruction_review(http_ctx(r), &rules, &rev, &e) &&
              holds_list(http_ctx(r), &holds, &nholds, &e);
    retention_rules_free(&rules);
    if (!ok) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Destruction review");
    page_error_summary(&b, fe);
    html(&b, "<h1 class=\"govuk-heading-l\">Destruction review</h1><p class=\"govuk-body\">"
             "Records whose retention period has ended (config/retention.txt). Nothing is "
             "destroyed until you confirm; records under a legal hold cannot be.</p>");
    size_t due = 0;
    for (size_t i = 0; i < rev.n; i++)
        due += rev.items[i].hold_id == 0;
    if (!due) {
        html(&b, "<p class=\"govuk-body\" data-testid=\"none-due\">No records are due.</p>");
    } else {
        html(&b, "<form method=\"post\" action=\"/retention/batches\" novalidate>");
        page_csrf(&b, r);
        html(&b, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
                 "class=\"govuk-table__row\"><th class=\"govuk-table__header\">Destroy</th>"
                 "<th class=\"govuk-table__header\">Record</th><th class=\"govuk-table__header\">"
                 "Born</th><th class=\"govuk-table__header\">Rule</th><th "
                 "class=\"govuk-table__header\">Due</th></tr></thead><tbody "
                 "class=\"govuk-table__body\">");
        for (size_t i = 0; i < rev.n; i++) {
            const struct destruction_due *d = &rev.items[i];
            if (d->hold_id)
                continue;
            html(&b,
                 "<tr class=\"govuk-table__row\" data-testid=\"due\"><td "
                 "class=\"govuk-table__cell\"><input type=\"checkbox\" name=\"person_ids\" "
                 "value=\"%D\" id=\"destroy-%D\" checked><label class=\"govuk-visually-hidden\" "
                 "for=\"destroy-%D\">Destroy %s</label></td><td class=\"govuk-table__cell\">%s "
                 "(%D)</td><td class=\"govuk-table__cell\">",
                 d->person_id, d->person_id, d->person_id, d->name, d->name, d->person_id);
            page_date(&b, d->dob);
            html(&b, "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">",
                 d->rule);
            page_date(&b, d->destroy_on);
            html(&b, "</td></tr>");
        }
        html(&b, "</tbody></table>");
        page_input(&b, "authority", "Authority for this destruction",
                   "For example: Monthly destruction review, approved by the Head of Service", "",
                   "text", "off", fe);
        html(&b, "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" "
                 "aria-hidden=\"true\">!</span><strong class=\"govuk-warning-text__text\">"
                 "Destroyed records cannot be brought back.</strong></div><button "
                 "class=\"govuk-button govuk-button--warning\" data-module=\"govuk-button\" "
                 "id=\"confirm-destruction\">Confirm and destroy</button></form>");
    }
    if (rev.truncated)
        html(&b, "<p class=\"govuk-body\">More records are due: confirm this batch, then review "
                 "again.</p>");
    html(&b, "<h2 class=\"govuk-heading-m\">Due but held</h2><ul class=\"govuk-list\">");
    for (size_t i = 0; i < rev.n; i++)
        if (rev.items[i].hold_id)
            html(&b, "<li data-testid=\"held\">%s (%D): legal hold %D, %s</li>", rev.items[i].name,
                 rev.items[i].person_id, rev.items[i].hold_id, rev.items[i].hold_reason);
    html(&b, "</ul><h2 class=\"govuk-heading-m\">Legal holds</h2><ul class=\"govuk-list\">");
    for (size_t i = 0; i < nholds; i++) {
        html(&b, "<li data-testid=\"hold\">%D: %s (%s), set by %s%R", holds[i].id, holds[i].reason,
             holds[i].domains, holds[i].set_by,
             holds[i].lifted_at ? " <strong class=\"govuk-tag govuk-tag--grey\">Lifted</strong>"
                                : "");
        if (!holds[i].lifted_at) {
            html(&b,
                 " <form class=\"cw-inline\" method=\"post\" "
                 "action=\"/retention/holds/%D/lift\">",
                 holds[i].id);
            page_csrf(&b, r);
            html(&b, "<button class=\"govuk-button govuk-button--secondary\" "
                     "data-module=\"govuk-button\">Lift</button></form>");
        }
        html(&b, "</li>");
    }
    html(&b, "</ul><form method=\"post\" action=\"/retention/holds\" novalidate>");
    page_csrf(&b, r);
    page_input(&b, "reason", "Reason for a new hold",
               "For example: the national inquiry asked that these records are kept", "", "text",
               "off", fe);
    page_input(&b, "domains", "Records it covers",
               "children, early_help, adults (comma-separated), or * for all", "*", "text", "off",
               fe);
    html(&b, "<button class=\"govuk-button govuk-button--secondary\" "
             "data-module=\"govuk-button\">Set the hold</button></form>");
    page_send(&b, r, status);
}

void page_retention(struct request *r)
{
    render_review(r, 200, NULL);
}

void page_retention_confirm(struct request *r)
{
    const char *given[DESTRUCTION_MAX_BATCH];
    size_t n = http_form_all(r, "person_ids", given, DESTRUCTION_MAX_BATCH);
    int64_t ids[DESTRUCTION_MAX_BATCH];
    struct err e = ERR_INIT;
    for (size_t i = 0; i < n; i++) {
        char *end;
        long long v = strtoll(given[i], &end, 10);
        if (end == given[i] || *end || v <= 0) {
            err_set(&e, ERR_INVALID, "person_ids", "Choose records from the list");
            render_review(r, 422, &e);
            return;
        }
        ids[i] = v;
    }
    struct retention_rules rules;
    int64_t batch;
    if (!load_rules(r, &rules, &e)) {
        http_reply_err(r, &e);
        return;
    }
    bool ok =
        destruction_confirm(http_ctx(r), &rules, ids, n, http_form(r, "authority"), &batch, &e);
    retention_rules_free(&rules);
    if (!ok) {
        if (e.code == ERR_INVALID || e.code == ERR_CONFLICT)
            render_review(r, err_http_status(e.code), &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[48];
    snprintf(to, sizeof to, "/retention/batches/%lld", (long long)batch);
    http_redirect(r, to);
}

void page_retention_certificate(struct request *r)
{
    int64_t id;
    struct destruction_certificate c;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!destruction_certificate(http_ctx(r), id, &c, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin_plain(&b, r, "Destruction certificate");
    html(&b,
         "<h1 class=\"govuk-heading-l\">Destruction certificate</h1><dl "
         "class=\"govuk-summary-list\" data-testid=\"certificate\"><div "
         "class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Batch</dt><dd "
         "class=\"govuk-summary-list__value\">%D</dd></div><div "
         "class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Confirmed "
         "by</dt><dd class=\"govuk-summary-list__value\">%s</dd></div><div "
         "class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Authority</dt>"
         "<dd class=\"govuk-summary-list__value\">%s</dd></div><div "
         "class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Destroyed "
         "on</dt><dd class=\"govuk-summary-list__value\">",
         c.batch_id, c.confirmed_by, c.authority);
    page_when(&b, c.confirmed_at);
    html(&b, "</dd></div></dl><p class=\"govuk-body\">The personal data of these records has "
             "been removed from casework. Only the record number, the date, the rule and this "
             "batch are kept.</p><table class=\"govuk-table\"><thead "
             "class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th "
             "class=\"govuk-table__header\">Record</th><th class=\"govuk-table__header\">Rule</th>"
             "<th class=\"govuk-table__header\">Due</th></tr></thead><tbody "
             "class=\"govuk-table__body\">");
    for (size_t i = 0; i < c.nrecords; i++) {
        html(&b,
             "<tr class=\"govuk-table__row\" data-testid=\"destroyed\"><td "
             "class=\"govuk-table__cell\">%D</td><td class=\"govuk-table__cell\">%s</td><td "
             "class=\"govuk-table__cell\">",
             c.records[i].person_id, c.records[i].rule);
        page_date(&b, c.records[i].destroy_on);
        html(&b, "</td></tr>");
    }
    html(&b, "</tbody></table>");
    page_send_plain(&b, r, 200);
}

void page_retention_hold(struct request *r)
{
    struct err e = ERR_INIT;
    if (holds_set(http_ctx(r), http_form(r, "reason"), http_form(r, "domains"), NULL, &e))
        http_redirect(r, "/retention");
    else if (e.code == ERR_INVALID)
        render_review(r, 422, &e);
    else
        http_reply_err(r, &e);
}

void page_retention_hold_lift(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (holds_lift(http_ctx(r), id, &e))
        http_redirect(r, "/retention");
    else
        http_reply_err(r, &e);
}
