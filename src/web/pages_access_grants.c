/*
 * Access to a record by a manager's grant (domain/access_grants): the grants
 * on a person's record with their reason, who gave them, expiry and
 * revocation; the form a manager uses to grant a team member access, and the
 * revoke buttons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access_grants.h"
#include "domain/people.h"
#include "web/page.h"
#include "web/pages.h"

static void field_error(struct buf *b, const struct err *e, const char *field)
{
    if (e && e->code && !strcmp(e->field, field))
        html(b,
             "<p class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:"
             "</span> %s</p>",
             e->message);
}

static void grant_rows(struct buf *b, struct request *r, int64_t id, const struct access_grant *l,
                       size_t n)
{
    if (!n) {
        html(b, "<p class=\"govuk-body\" data-testid=\"no-grants\">No manager has granted access "
                "to this record.</p>");
        return;
    }
    html(b, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
            "class=\"govuk-table__row\"><th class=\"govuk-table__header\">Worker</th><th "
            "class=\"govuk-table__header\">Reason</th><th class=\"govuk-table__header\">Granted"
            "</th><th class=\"govuk-table__header\">Until</th><th class=\"govuk-table__header\">"
            "Status</th></tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        const struct access_grant *g = &l[i];
        html(b,
             "<tr class=\"govuk-table__row\" data-testid=\"grant\" data-id=\"%D\"><td "
             "class=\"govuk-table__cell\">%s (%s)</td><td class=\"govuk-table__cell\">%s</td>"
             "<td class=\"govuk-table__cell\">by %s, ",
             g->id, g->display_name, g->username, g->reason, g->granted_by);
        page_when(b, g->granted_at);
        html(b, "</td><td class=\"govuk-table__cell\">");
        page_when(b, g->expires_at);
        html(b, "</td><td class=\"govuk-table__cell\" data-testid=\"grant-status\">");
        if (g->revoked_at) {
            html(b, "Revoked by %s, ", g->revoked_by);
            page_when(b, g->revoked_at);
        } else if (!g->in_force) {
            html(b, "Expired");
        } else {
            html(b,
                 "<strong class=\"govuk-tag\">In force</strong><form method=\"post\" "
                 "action=\"/people/%D/access/%D/revoke\" novalidate>",
                 id, g->id);
            page_csrf(b, r);
            html(b,
                 "<button class=\"govuk-button govuk-button--warning govuk-!-margin-bottom-0\" "
                 "data-module=\"govuk-button\" data-testid=\"revoke-%D\">Revoke<span "
                 "class=\"govuk-visually-hidden\"> %s's access</span></button></form>",
                 g->id, g->display_name);
        }
        html(b, "</td></tr>");
    }
    html(b, "</tbody></table>");
}

static void render(struct request *r, int64_t id, int status, const struct err *fe,
                   const char *user_id, const char *reason, const char *expires_on)
{
    struct access_grant *l;
    struct access_grant_user *users;
    size_t n, nusers;
    const char *forenames, *surname, *dob;
    struct err e = ERR_INIT;
    if (!access_grant_list(http_ctx(r), id, &l, &n, &e) ||
        !access_grant_candidates(http_ctx(r), &users, &nusers, &e) ||
        !people_label(http_ctx(r), id, &forenames, &surname, &dob, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Access to this record");
    page_error_summary(&b, fe);
    html(&b,
         "<span class=\"govuk-caption-l\"><a class=\"govuk-link\" href=\"/people/%D\">%s %s</a> "
         "(person %D)</span><h1 class=\"govuk-heading-l\">Access to this record</h1>"
         "<p class=\"govuk-body\">A manager may let a member of their own team open this record "
         "when the team works on it, for a reason and until a date. The grant is recorded and "
         "can be revoked. It does not open a restricted record: that needs an administrator's "
         "grant.</p>",
         id, forenames, surname, id);
    grant_rows(&b, r, id, l, n);
    html(&b,
         "<h2 class=\"govuk-heading-m\">Grant access</h2><form method=\"post\" "
         "action=\"/people/%D/access\" novalidate>",
         id);
    page_csrf(&b, r);
    bool bad = fe && fe->code && !strcmp(fe->field, "user_id");
    html(&b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label govuk-label--s\" "
         "for=\"user_id\">Worker</label>",
         bad ? " govuk-form-group--error" : "");
    field_error(&b, fe, "user_id");
    html(&b, "<select class=\"govuk-select\" id=\"user_id\" name=\"user_id\"><option "
             "value=\"\">Choose a worker</option>");
    for (size_t i = 0; i < nusers; i++) {
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)users[i].id);
        html(&b, "<option value=\"%D\"%s>%s (%s)</option>", users[i].id,
             user_id && !strcmp(user_id, v) ? " selected" : "", users[i].display_name,
             users[i].username);
    }
    html(&b, "</select></div>");
    bad = fe && fe->code && !strcmp(fe->field, "reason");
    html(&b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label govuk-label--s\" "
         "for=\"reason\">Why they need the record</label>",
         bad ? " govuk-form-group--error" : "");
    field_error(&b, fe, "reason");
    html(&b,
         "<textarea class=\"govuk-textarea\" id=\"reason\" name=\"reason\" rows=\"3\">%s"
         "</textarea></div>",
         reason ? reason : "");
    page_date_input(&b, "expires_on", "Access ends on",
                    "The grant ends at the end of this day; at most a year ahead",
                    expires_on ? expires_on : "", fe);
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\" "
             "id=\"grant-access\">Grant access</button></form>");
    page_send(&b, r, status);
}

void page_person_access(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        render(r, id, 200, NULL, NULL, NULL, NULL);
}

void page_person_access_grant(struct request *r)
{
    int64_t id, user = 0;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    const char *user_id = http_form(r, "user_id"), *reason = http_form(r, "reason");
    const char *expires_on = page_form_date(r, "expires_on");
    char *end = NULL;
    if (user_id && *user_id)
        user = strtoll(user_id, &end, 10);
    if (!user_id || !*user_id || !end || *end || user <= 0)
        err_set(&e, ERR_INVALID, "user_id", "Choose a worker");
    else if (access_grant_add(http_ctx(r), id, user, reason, expires_on, NULL, &e)) {
        char to[64];
        snprintf(to, sizeof to, "/people/%lld/access", (long long)id);
        http_redirect(r, to);
        return;
    }
    if (e.code == ERR_INVALID || e.code == ERR_CONFLICT ||
        (e.code == ERR_DENIED && !strcmp(e.field, "user_id")))
        render(r, id, e.code == ERR_CONFLICT ? 409 : 422, &e, user_id, reason, expires_on);
    else
        http_reply_err(r, &e);
}

void page_person_access_revoke(struct request *r)
{
    int64_t id, grant;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !http_param_id(r, "grant", &grant))
        return;
    if (!access_grant_revoke(http_ctx(r), id, grant, &e)) {
        http_reply_err(r, &e);
        return;
    }
    char to[64];
    snprintf(to, sizeof to, "/people/%lld/access", (long long)id);
    http_redirect(r, to);
}
