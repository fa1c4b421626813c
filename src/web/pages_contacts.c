/*
 * The front door's form: record a contact about one or more people (their
 * record numbers, filled in from the person page's link), who made it, its
 * source, the concern and when it was received. Each person gets a case whose
 * decision step is then in the recorder's hands through the step page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codelist.h"
#include "domain/contacts.h"
#include "web/page.h"
#include "web/pages.h"

struct contact_form {
    const char *people, *referrer_name, *referrer_role, *referrer_organisation, *referrer_contact,
        *source, *concern, *received_at;
};

static void render(struct request *r, int status, const struct contact_form *f, const struct err *e)
{
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Record a contact");
    page_error_summary(&b, e);
    html(&b, "<h1 class=\"govuk-heading-l\">Record a contact</h1><form method=\"post\" "
             "action=\"/contacts\" novalidate>");
    page_csrf(&b, r);
    page_input(&b, "people", "Person record numbers", "Separate several children with commas",
               f->people, "text", NULL, e);
    page_input(&b, "referrer_name", "Referrer's name", NULL, f->referrer_name, "text", NULL, e);
    page_input(&b, "referrer_role", "Referrer's role (optional)", NULL, f->referrer_role, "text",
               NULL, e);
    page_input(&b, "referrer_organisation", "Referrer's organisation (optional)", NULL,
               f->referrer_organisation, "text", NULL, e);
    page_input(&b, "referrer_contact", "Referrer's phone number or email (optional)", NULL,
               f->referrer_contact, "text", NULL, e);
    const struct codelist *l =
        http_app(r)->codes ? codelist_get(http_app(r)->codes, "referral_source") : NULL;
    bool bad = e && !strcmp(e->field, "source");
    html(&b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"source\">Source "
         "of the contact</label>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(&b, "<p id=\"source-error\" class=\"govuk-error-message\">%s</p>", e->message);
    html(&b, "<select class=\"govuk-select\" id=\"source\" name=\"source\"><option "
             "value=\"\"></option>");
    for (size_t i = 0; l && i < codelist_count(l); i++) {
        const char *code, *label;
        codelist_entry(l, i, &code, &label);
        html(&b, "<option value=\"%s\"%s>%s</option>", code,
             f->source && !strcmp(f->source, code) ? " selected" : "", label);
    }
    html(&b, "</select></div>");
    bad = e && !strcmp(e->field, "concern");
    html(&b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"concern\">What "
         "the concern is</label>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(&b, "<p id=\"concern-error\" class=\"govuk-error-message\">%s</p>", e->message);
    html(&b,
         "<textarea class=\"govuk-textarea\" id=\"concern\" name=\"concern\" rows=\"6\">%s"
         "</textarea></div>",
         f->concern ? f->concern : "");
    page_input(&b, "received_at", "When it was received (optional: now)",
               "For example 2026-03-02T09:30:00Z", f->received_at, "text", NULL, e);
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Record contact</button>"
             "</form>");
    page_send(&b, r, status);
}

void page_contact_new(struct request *r)
{
    struct contact_form f = {0};
    f.people = http_query(r, "people");
    render(r, 200, &f, NULL);
}

void page_contact_create(struct request *r)
{
    struct contact_form f = {
        http_form(r, "people"),           http_form(r, "referrer_name"),
        http_form(r, "referrer_role"),    http_form(r, "referrer_organisation"),
        http_form(r, "referrer_contact"), http_form(r, "source"),
        http_form(r, "concern"),          http_form(r, "received_at")};
    struct contact_input in = {
        .received_at = f.received_at,
        .referrer_name = f.referrer_name,
        .referrer_role = f.referrer_role,
        .referrer_organisation = f.referrer_organisation,
        .referrer_contact = f.referrer_contact,
        .source = f.source,
        .concern = f.concern,
    };
    struct err e = ERR_INIT;
    /* "12, 15": record numbers separated by commas (or spaces). */
    for (const char *p = f.people ? f.people : ""; *p;) {
        if (*p == ',' || *p == ' ') {
            p++;
            continue;
        }
        char *end;
        long long id = strtoll(p, &end, 10);
        if (end == p || id < 1 || in.npeople == CONTACTS_MAX_PEOPLE) {
            err_set(&e, ERR_INVALID, "people",
                    "Give up to %d person record numbers, separated by commas",
                    CONTACTS_MAX_PEOPLE);
            render(r, 422, &f, &e);
            return;
        }
        in.people[in.npeople++] = id;
        p = end;
    }
    int64_t id;
    if (!contacts_create(http_ctx(r), &in, &id, &e)) {
        if (e.code == ERR_INVALID)
            render(r, 422, &f, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    struct contact c;
    if (!contacts_get(http_ctx(r), id, &c, &e)) {
        http_reply_err(r, &e);
        return;
    }
    /* Straight to the first child's decision; the others are in the tray. */
    char to[48];
    snprintf(to, sizeof to, "/steps/%lld", (long long)c.people[0].step_id);
    http_redirect(r, to);
}
