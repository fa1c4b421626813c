/*
 * The front door's form: find the people a contact is about with the people
 * search (or go and add a record, then come back from the person page), then
 * record who made it, its source, the concern and when it was received, once
 * for all of them. Each person gets a case whose front-door decision is made
 * separately: the contact's page lists each person with their decision or a
 * link to make it. The chosen people travel in the query (?people=1,2) so the
 * search can be run as often as needed before the details are typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codelist.h"
#include "core/buf.h"
#include "domain/contacts.h"
#include "domain/people.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/rect_view.h"

struct contact_form {
    const char *people, *referrer_name, *referrer_role, *referrer_organisation, *referrer_contact,
        *source, *concern, *received_at;
};

/* "12, 15": record numbers separated by commas (or spaces). */
static bool parse_people(const char *text, int64_t *ids, size_t *n, struct err *e)
{
    *n = 0;
    for (const char *p = text ? text : ""; *p;) {
        if (*p == ',' || *p == ' ') {
            p++;
            continue;
        }
        char *end;
        long long id = strtoll(p, &end, 10);
        if (end == p || id < 1 || *n == CONTACTS_MAX_PEOPLE)
            return err_set(e, ERR_INVALID, "people",
                           "Give up to %d person record numbers, separated by commas",
                           CONTACTS_MAX_PEOPLE);
        bool seen = false;
        for (size_t i = 0; i < *n; i++)
            seen = seen || ids[i] == id;
        if (!seen)
            ids[(*n)++] = id;
        p = end;
    }
    return true;
}

/* The chosen ids as "1,2,3", leaving out skip (0: none) and adding add. */
static void people_list(struct buf *out, const int64_t *ids, size_t n, int64_t skip, int64_t add)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] != skip)
            buf_printf(out, "%s%lld", out->len ? "," : "", (long long)ids[i]);
    if (add)
        buf_printf(out, "%s%lld", out->len ? "," : "", (long long)add);
}

/* Who the contact is about: the people chosen so far, each with a link to
 * take them off, then the people search, each result with a link to add. */
static void render_people(struct buf *b, struct request *r, const int64_t *ids, size_t n,
                          const char *q, const struct err *e)
{
    html(b, "<h2 class=\"govuk-heading-m\" id=\"people\">Who the contact is about</h2>");
    bool bad = e && !strcmp(e->field, "people");
    if (bad)
        html(b, "<p id=\"people-error\" class=\"govuk-error-message\">%s</p>", e->message);
    struct buf list = BUF_INIT, href = BUF_INIT;
    if (n) {
        html(b, "<ul class=\"govuk-list\" data-testid=\"chosen\">");
        for (size_t i = 0; i < n; i++) {
            struct {
                const char *forenames, *surname, *dob;
            } p;
            struct err pe = ERR_INIT;
            buf_reset(&list);
            people_list(&list, ids, n, ids[i], 0);
            /* Name and date of birth only, as the search shows them: the
             * front door records contacts about people it has no work with
             * yet (the contact makes the relationship). */
            if (!people_label(http_ctx(r), ids[i], &p.forenames, &p.surname, &p.dob, &pe)) {
                html(b,
                     "<li>Record %D: %s <a class=\"govuk-link\" href=\"/contacts/new?people=%u\">"
                     "Remove</a></li>",
                     ids[i], pe.message, list.data ? list.data : "");
                continue;
            }
            html(b, "<li data-testid=\"chosen-person\">%s %s", p.forenames, p.surname);
            if (*p.dob) {
                html(b, ", born ");
                page_date(b, p.dob);
            }
            html(b,
                 " (id %D) <a class=\"govuk-link\" href=\"/contacts/new?people=%u\">Remove<span "
                 "class=\"govuk-visually-hidden\"> %s %s</span></a></li>",
                 ids[i], list.data ? list.data : "", p.forenames, p.surname);
        }
        html(b, "</ul>");
    } else {
        html(b, "<p class=\"govuk-body\">Find each child (or adult) the contact is about. "
                "Several children of one family are recorded on one contact and decided on one "
                "by one.</p>");
    }
    buf_reset(&list);
    people_list(&list, ids, n, 0, 0);
    html(b,
         "<form method=\"get\" action=\"/contacts/new\" role=\"search\" novalidate><input "
         "type=\"hidden\" name=\"people\" value=\"%s\">",
         list.data ? list.data : "");
    page_input(b, "q", "Find a person",
               "Name, date of birth, NHS number, UPN, postcode or #id. Spelling need not be "
               "exact.",
               q, "search", "off", NULL);
    html(b, "<button class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">"
            "Search</button></form>");
    if (q && *q) {
        struct person_candidate c[20];
        size_t nc = 0;
        struct err se = ERR_INIT;
        if (!people_search(http_ctx(r), q, c, 20, &nc, &se))
            html(b, "<p class=\"govuk-error-message\">%s</p>", se.message);
        else if (!nc)
            html(b,
                 "<p class=\"govuk-body\" data-testid=\"no-results\">No one found for "
                 "&lsquo;%s&rsquo;.</p>",
                 q);
        else {
            html(b, "<table class=\"govuk-table\" data-testid=\"people-results\"><tbody "
                    "class=\"govuk-table__body\">");
            for (size_t i = 0; i < nc; i++) {
                buf_reset(&href);
                people_list(&href, ids, n, c[i].id, c[i].id);
                html(b,
                     "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s %s"
                     "<br><span class=\"govuk-body-s\">id %D</span></td><td "
                     "class=\"govuk-table__cell\">",
                     c[i].forenames, c[i].surname, c[i].id);
                page_date(b, c[i].dob);
                html(b,
                     "</td><td class=\"govuk-table__cell\">%s</td><td "
                     "class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                     "href=\"/contacts/new?people=%u\">Add<span "
                     "class=\"govuk-visually-hidden\"> %s %s</span></a></td></tr>",
                     c[i].postcode, href.data, c[i].forenames, c[i].surname);
            }
            html(b, "</tbody></table>");
        }
    }
    if (access_allows(http_principal(r), PERM_PEOPLE_EDIT))
        html(b, "<p class=\"govuk-body\">Not found? <a class=\"govuk-link\" "
                "href=\"/people/new\">Add a new person</a>, then choose &lsquo;Record a "
                "contact&rsquo; on their page.</p>");
    buf_release(&list);
    buf_release(&href);
}

static void render(struct request *r, int status, const struct contact_form *f, const char *q,
                   const struct err *e)
{
    int64_t ids[CONTACTS_MAX_PEOPLE];
    size_t n = 0;
    struct err pe = ERR_INIT;
    if (!parse_people(f->people, ids, &n, &pe) && !(e && e->code)) {
        e = &pe;
        status = 422;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, e && e->code ? "Error: Record a contact" : "Record a contact");
    page_error_summary(&b, e);
    html(&b, "<h1 class=\"govuk-heading-l\">Record a contact</h1>");
    render_people(&b, r, ids, n, q, e);
    if (!n) {
        page_send(&b, r, status);
        return;
    }
    struct buf list = BUF_INIT;
    people_list(&list, ids, n, 0, 0);
    html(&b,
         "<h2 class=\"govuk-heading-m\">The contact</h2><form method=\"post\" "
         "action=\"/contacts\" novalidate><input type=\"hidden\" name=\"people\" "
         "value=\"%s\">",
         list.data);
    buf_release(&list);
    page_csrf(&b, r);
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
    render(r, 200, &f, http_query(r, "q"), NULL);
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
    if (!parse_people(f.people, in.people, &in.npeople, &e)) {
        render(r, 422, &f, NULL, &e);
        return;
    }
    int64_t id;
    if (!contacts_create(http_ctx(r), &in, &id, &e)) {
        if (e.code == ERR_INVALID)
            render(r, 422, &f, NULL, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[48];
    snprintf(to, sizeof to, "/contacts/%lld", (long long)id);
    http_redirect(r, to);
}

/* A contact: what was said, by whom, and for each person it is about their
 * case and front-door decision, or a link to make it. */
void page_contact(struct request *r)
{
    int64_t id;
    struct contact c;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!contacts_get(http_ctx(r), id, &c, &e)) {
        http_reply_err(r, &e);
        return;
    }
    const struct codelist *l =
        http_app(r)->codes ? codelist_get(http_app(r)->codes, "referral_source") : NULL;
    const char *source = l ? codelist_label(l, c.source) : NULL;
    /* Front-door outcomes come from contact_decision in every pathway
     * (outcome_list); an early help request's own outcomes may not. */
    const struct codelist *decisions =
        http_app(r)->codes ? codelist_get(http_app(r)->codes, "contact_decision") : NULL;
    char self[40];
    snprintf(self, sizeof self, "/contacts/%lld", (long long)id);
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Contact");
    html(&b,
         "<span class=\"govuk-caption-l\">%s pathway · contact %D</span><h1 "
         "class=\"govuk-heading-l\">Contact received ",
         c.pathway, c.id);
    page_when(&b, c.received_at);
    html(&b,
         "</h1><dl class=\"govuk-summary-list\"><div class=\"govuk-summary-list__row\"><dt "
         "class=\"govuk-summary-list__key\">From</dt><dd class=\"govuk-summary-list__value\">%s",
         c.referrer_name);
    if (*c.referrer_role)
        html(&b, " (%s)", c.referrer_role);
    if (*c.referrer_organisation)
        html(&b, ", %s", c.referrer_organisation);
    if (*c.referrer_contact)
        html(&b, "<br>%s", c.referrer_contact);
    html(&b,
         "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
         "Source</dt><dd class=\"govuk-summary-list__value\">%s (%s)</dd></div><div "
         "class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Concern</dt><dd "
         "class=\"govuk-summary-list__value\">%s</dd></div></dl>",
         source ? source : c.source, c.source, c.concern);
    html(&b, "<h2 class=\"govuk-heading-m\">Decisions</h2><table class=\"govuk-table\"><thead "
             "class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
             "class=\"govuk-table__header\">Person</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Decision</th></tr></thead><tbody "
             "class=\"govuk-table__body\">");
    for (size_t i = 0; i < c.npeople; i++) {
        const struct contact_person *p = &c.people[i];
        html(&b,
             "<tr class=\"govuk-table__row\" data-testid=\"contact-person\"><td "
             "class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/cases/%D\">%s</a></td>"
             "<td class=\"govuk-table__cell\">",
             p->case_id, p->person_name);
        if (*p->decision) {
            const char *label = decisions ? codelist_label(decisions, p->decision) : NULL;
            html(&b,
                 "<strong class=\"govuk-tag govuk-tag--green\" data-decision=\"%s\">%s</strong> ",
                 p->decision, label ? label : p->decision);
            page_when(&b, p->decided_at);
        } else
            html(&b,
                 "<a class=\"govuk-link\" href=\"/steps/%D\">Decide<span "
                 "class=\"govuk-visually-hidden\"> for %s</span></a>",
                 p->step_id, p->person_name);
        /* Each person's rectification notes on this contact (contacts_get has
         * checked need-to-know on every one of them). */
        struct rect_view rv;
        struct err re = ERR_INIT;
        if (!rect_view_load(r, p->person_id, self, &rv, &re)) {
            buf_release(&b);
            http_reply_err(r, &re);
            return;
        }
        rect_view_item(&b, &rv, "contact", c.id);
        html(&b, "</td></tr>");
    }
    html(&b, "</tbody></table>");
    page_send(&b, r, 200);
}
