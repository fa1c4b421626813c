/*
 * Person pages: search, create (with the likely-matches check), view, edit,
 * and adding addresses, other names and contact details.
 */
#include <stdio.h>
#include <string.h>

#include "core/codelist.h"
#include "domain/people.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/rect_view.h"

/* --- form pieces ----------------------------------------------------------- */

/* A date from the form's day/month/year fields (web/page); when those are all
 * empty, the plain field of the same name that the check-for-matches page
 * carries through as a hidden input. */
static const char *form_date(struct request *r, const char *name)
{
    const char *v = page_form_date(r, name);
    return *v ? v : http_form(r, name);
}

static void code_select(struct buf *b, struct request *r, const char *name, const char *list,
                        const char *label, const char *value, const struct err *e)
{
    const struct codelist *l = codelist_get(http_app(r)->codes, list);
    bool bad = e && e->code && !strcmp(e->field, name);
    html(b, "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"%s\">%s</label>",
         bad ? " govuk-form-group--error" : "", name, label);
    if (bad)
        html(b, "<p class=\"govuk-error-message\" id=\"%s-error\">%s</p>", name, e->message);
    html(b,
         "<select class=\"govuk-select\" id=\"%s\" name=\"%s\"><option value=\"\">Not "
         "recorded</option>",
         name, name);
    for (size_t i = 0; l && i < codelist_count(l); i++) {
        const char *code, *text;
        codelist_entry(l, i, &code, &text);
        html(b, "<option value=\"%s\"%R>%s</option>", code,
             value && !strcmp(value, code) ? " selected" : "", text);
    }
    html(b, "</select></div>");
}

static const char *label_of(struct request *r, const char *list, const char *code)
{
    const struct codelist *l = codelist_get(http_app(r)->codes, list);
    const char *label = l && code && *code ? codelist_label(l, code) : NULL;
    return label ? label : code;
}

/* Every field of the create/edit form, read into in. */
static void read_form(struct request *r, struct person_input *in)
{
    memset(in, 0, sizeof *in);
    in->forenames = http_form(r, "forenames");
    in->surname = http_form(r, "surname");
    in->preferred_name = http_form(r, "preferred_name");
    in->dob = form_date(r, "dob");
    in->dob_estimated = http_form(r, "dob_estimated") ? "1" : "0";
    in->expected_dob = form_date(r, "expected_dob");
    in->nhs_number = http_form(r, "nhs_number");
    in->upn = http_form(r, "upn");
    in->sex = http_form(r, "sex");
    in->ethnicity = http_form(r, "ethnicity");
    in->language = http_form(r, "language");
    in->religion = http_form(r, "religion");
    in->immigration_status = http_form(r, "immigration_status");
    in->restricted = http_form(r, "restricted") ? "1" : "0";
    in->address_line1 = http_form(r, "address_line1");
    in->address_town = http_form(r, "address_town");
    in->address_postcode = http_form(r, "address_postcode");
}

static void person_fields(struct buf *b, struct request *r, const struct person_input *in,
                          bool with_address, const struct err *e)
{
    page_input(b, "forenames", "First names", "Include middle names", in->forenames, "text", "off",
               e);
    page_input(b, "surname", "Last name", NULL, in->surname, "text", "off", e);
    page_input(b, "preferred_name", "Preferred name (optional)", NULL, in->preferred_name, "text",
               "off", e);
    page_date_input(b, "dob", "Date of birth", "For example, 27 3 2016", in->dob, e);
    html(b,
         "<div class=\"govuk-form-group\"><div class=\"govuk-checkboxes govuk-checkboxes--small\">"
         "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" "
         "id=\"dob_estimated\" name=\"dob_estimated\" type=\"checkbox\" value=\"1\"%R><label "
         "class=\"govuk-label govuk-checkboxes__label\" for=\"dob_estimated\">The date of "
         "birth is estimated</label></div></div></div>",
         in->dob_estimated && !strcmp(in->dob_estimated, "1") ? " checked" : "");
    page_date_input(b, "expected_dob", "Expected date of birth (unborn child)",
                    "Only for a child not yet born", in->expected_dob, e);
    page_input(b, "nhs_number", "NHS number (optional)", "10 digits, like 999 123 4560",
               in->nhs_number, "text", "off", e);
    page_input(b, "upn", "Unique pupil number (optional)", "13 characters, like A123456789012",
               in->upn, "text", "off", e);
    code_select(b, r, "sex", "sex", "Sex", in->sex, e);
    code_select(b, r, "ethnicity", "ethnicity", "Ethnicity", in->ethnicity, e);
    code_select(b, r, "language", "language", "First language", in->language, e);
    code_select(b, r, "religion", "religion", "Religion", in->religion, e);
    code_select(b, r, "immigration_status", "immigration_status", "Immigration status",
                in->immigration_status, e);
    if (with_address) {
        html(b, "<h2 class=\"govuk-heading-m\">Address (optional)</h2>");
        page_input(b, "address_line1", "Address line 1", NULL, in->address_line1, "text", "off", e);
        page_input(b, "address_town", "Town or city", NULL, in->address_town, "text", "off", e);
        page_input(b, "address_postcode", "Postcode", NULL, in->address_postcode, "text", "off", e);
    }
    html(b,
         "<div class=\"govuk-form-group\"><div class=\"govuk-checkboxes govuk-checkboxes--small\">"
         "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" "
         "id=\"restricted\" name=\"restricted\" type=\"checkbox\" value=\"1\"%R><label "
         "class=\"govuk-label govuk-checkboxes__label\" for=\"restricted\">Restricted record "
         "(only people given access can find or open it)</label></div></div></div>",
         in->restricted && !strcmp(in->restricted, "1") ? " checked" : "");
}

/* --- search ---------------------------------------------------------------- */

/* new_tab: on the check-before-create page, a candidate opens in a new tab so
 * the check page (the answer to a POST, never cached) stays where it is. */
static void candidate_rows(struct buf *b, const struct person_candidate *c, size_t n,
                           bool with_score, bool new_tab)
{
    html(b, "<table class=\"govuk-table\" data-testid=\"people-results\"><thead "
            "class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
            "<th scope=\"col\" class=\"govuk-table__header\">Name</th>"
            "<th scope=\"col\" class=\"govuk-table__header\">Date of birth</th>"
            "<th scope=\"col\" class=\"govuk-table__header\">NHS number</th>"
            "<th scope=\"col\" class=\"govuk-table__header\">Postcode</th>"
            "<th scope=\"col\" class=\"govuk-table__header\">Sex</th>");
    if (with_score)
        html(b, "<th scope=\"col\" class=\"govuk-table__header\">Match</th>");
    html(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        html(b,
             "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
             "class=\"govuk-link\" href=\"/people/%D\"%R>%s %s%R</a><br><span "
             "class=\"govuk-body-s\">id %D</span></td><td class=\"govuk-table__cell\">",
             c[i].id, new_tab ? " target=\"_blank\" rel=\"noopener noreferrer\"" : "",
             c[i].forenames, c[i].surname, new_tab ? " (opens in new tab)" : "", c[i].id);
        page_date(b, c[i].dob);
        html(b,
             "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td>"
             "<td class=\"govuk-table__cell\">%s</td>",
             c[i].nhs_number, c[i].postcode, c[i].sex);
        if (with_score)
            html(b,
                 "<td class=\"govuk-table__cell\"><strong>%d%%</strong><br><span "
                 "class=\"govuk-body-s\">%s</span></td>",
                 c[i].score, c[i].reasons);
        html(b, "</tr>");
    }
    html(b, "</tbody></table>");
}

void page_people_search(struct request *r)
{
    const char *q = http_query(r, "q");
    struct person_candidate c[50];
    size_t n = 0;
    struct err e = ERR_INIT;
    bool searched = q && *q;
    if (searched && !people_search(http_ctx(r), q, c, 50, &n, &e) && e.code != ERR_INVALID) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Find a person");
    page_error_summary(&b, &e);
    html(&b, "<h1 class=\"govuk-heading-l\">Find a person</h1><form method=\"get\" "
             "action=\"/people\" role=\"search\">");
    page_input(&b, "q", "Search",
               "Name, date of birth, NHS number, UPN, postcode or #id. Spelling need not be "
               "exact.",
               q ? q : "", "search", "off", &e);
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Search</button></form>");
    if (searched && !e.code) {
        if (n)
            candidate_rows(&b, c, n, true, false);
        else
            html(&b,
                 "<p class=\"govuk-body\" data-testid=\"no-results\">No one found for "
                 "&lsquo;%s&rsquo;.</p>",
                 q);
    }
    if (access_allows(http_principal(r), PERM_PEOPLE_EDIT))
        html(&b, "<p class=\"govuk-body\"><a class=\"govuk-button govuk-button--secondary\" "
                 "href=\"/people/new\">Add a new person</a></p>"
                 "<p class=\"govuk-body\"><a class=\"govuk-link\" "
                 "href=\"/people/duplicates\">Probable duplicate records</a></p>");
    page_send(&b, r, e.code ? err_http_status(e.code) : 200);
}

/* --- create ---------------------------------------------------------------- */

static void render_new(struct request *r, int status, const struct person_input *in,
                       const struct err *e)
{
    struct buf b = BUF_INIT;
    page_begin(&b, r, e && e->code ? "Error: Add a person" : "Add a person");
    page_error_summary(&b, e);
    html(&b, "<h1 class=\"govuk-heading-l\">Add a person</h1><p class=\"govuk-body\">We check "
             "for existing records before creating a new one.</p>"
             "<form method=\"post\" action=\"/people/new\" novalidate>");
    page_csrf(&b, r);
    person_fields(&b, r, in, true, e);
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Continue</button>"
             "</form>");
    page_send(&b, r, status);
}

void page_person_new(struct request *r)
{
    struct person_input in = {0};
    render_new(r, 200, &in, NULL);
}

/* Carry every field of the form through the matches page unchanged. */
static void hidden_fields(struct buf *b, const struct person_input *in)
{
    const struct {
        const char *name, *value;
    } f[] = {{"forenames", in->forenames},
             {"surname", in->surname},
             {"preferred_name", in->preferred_name},
             {"dob", in->dob},
             {"expected_dob", in->expected_dob},
             {"nhs_number", in->nhs_number},
             {"upn", in->upn},
             {"sex", in->sex},
             {"ethnicity", in->ethnicity},
             {"language", in->language},
             {"religion", in->religion},
             {"immigration_status", in->immigration_status},
             {"address_line1", in->address_line1},
             {"address_town", in->address_town},
             {"address_postcode", in->address_postcode}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].value && *f[i].value)
            html(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", f[i].name, f[i].value);
    if (in->dob_estimated && !strcmp(in->dob_estimated, "1"))
        html(b, "<input type=\"hidden\" name=\"dob_estimated\" value=\"1\">");
    if (in->restricted && !strcmp(in->restricted, "1"))
        html(b, "<input type=\"hidden\" name=\"restricted\" value=\"1\">");
}

void page_person_create(struct request *r)
{
    struct person_input in;
    read_form(r, &in);
    bool confirm = http_form(r, "confirm_new") != NULL;
    struct err e = ERR_INIT;
    int64_t id;
    if (people_create(http_ctx(r), &in, confirm, &id, &e)) {
        char to[40];
        snprintf(to, sizeof to, "/people/%lld?created=1", (long long)id);
        http_redirect(r, to);
        return;
    }
    if (e.code != ERR_CONFLICT) {
        render_new(r, err_http_status(e.code), &in, &e);
        return;
    }
    struct person_candidate c[PEOPLE_MAX_CANDIDATES];
    size_t n = 0;
    struct err me = ERR_INIT;
    if (!people_find_matches(http_ctx(r), &in, c, &n, &me)) {
        http_reply_err(r, &me);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Check for existing records");
    html(&b,
         "<h1 class=\"govuk-heading-l\">Check for existing records</h1><div "
         "class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" "
         "aria-hidden=\"true\">!</span><strong class=\"govuk-warning-text__text\"><span "
         "class=\"govuk-visually-hidden\">Warning</span>%s %s may already have a record. A "
         "duplicate record splits a person's history: open the matching record if it is "
         "them.</strong></div>",
         in.forenames, in.surname);
    candidate_rows(&b, c, n, true, true);
    html(&b, "<form method=\"post\" action=\"/people/new\">");
    page_csrf(&b, r);
    hidden_fields(&b, &in);
    html(&b, "<input type=\"hidden\" name=\"confirm_new\" value=\"1\"><button "
             "class=\"govuk-button govuk-button--warning\" data-module=\"govuk-button\" "
             "data-testid=\"confirm-new\">None of these is the person: create a new "
             "record</button></form>");
    page_send(&b, r, 200);
}

/* --- view ------------------------------------------------------------------ */

static void row(struct buf *b, const char *key, const char *value)
{
    html(b,
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%s</dt>"
         "<dd class=\"govuk-summary-list__value\">%s</dd></div>",
         key, value && *value ? value : "Not recorded");
}

static void render_person(struct request *r, int64_t id, int status, const struct err *e)
{
    struct person p;
    struct err le = ERR_INIT;
    if (!people_get(http_ctx(r), id, &p, &le)) {
        http_reply_err(r, &le);
        return;
    }
    char self[40];
    snprintf(self, sizeof self, "/people/%lld", (long long)p.id);
    struct rect_view rv;
    if (!rect_view_load(r, p.id, self, &rv, &le)) {
        http_reply_err(r, &le);
        return;
    }
    struct buf b = BUF_INIT, name = BUF_INIT;
    buf_printf(&name, "%s %s", p.forenames, p.surname);
    page_begin(&b, r, name.data);
    page_error_summary(&b, e);
    if (p.merged_into)
        html(&b, "<div class=\"govuk-inset-text\">Record %D was merged into this one.</div>", id);
    if (http_query(r, "created"))
        html(&b, "<div class=\"govuk-notification-banner govuk-notification-banner--success\" "
                 "role=\"alert\"><div class=\"govuk-notification-banner__content\"><p "
                 "class=\"govuk-notification-banner__heading\">Record created.</p></div></div>");
    html(&b,
         "<span class=\"govuk-caption-l\">Person %D%R</span><h1 class=\"govuk-heading-l\" "
         "data-testid=\"person-name\">%s</h1>",
         p.id,
         p.restricted ? " <strong class=\"govuk-tag govuk-tag--red\">Restricted</strong>" : "",
         name.data);
    html(&b, "<dl class=\"govuk-summary-list\">");
    row(&b, "Preferred name", p.preferred_name);
    struct buf d = BUF_INIT;
    page_date(&d, p.dob);
    if (*p.dob && p.dob_estimated)
        buf_puts(&d, " (estimated)");
    row(&b, "Date of birth", d.data);
    if (*p.expected_dob) {
        buf_reset(&d);
        page_date(&d, p.expected_dob);
        row(&b, "Expected date of birth", d.data);
    }
    if (*p.dod) {
        buf_reset(&d);
        page_date(&d, p.dod);
        row(&b, "Date of death", d.data);
    }
    buf_release(&d);
    row(&b, "NHS number", p.nhs_number);
    row(&b, "Unique pupil number", *p.upn ? p.upn : label_of(r, "upn_unknown", p.upn_unknown));
    row(&b, "Sex", label_of(r, "sex", p.sex));
    row(&b, "Ethnicity", label_of(r, "ethnicity", p.ethnicity));
    row(&b, "First language", label_of(r, "language", p.language));
    row(&b, "Religion", label_of(r, "religion", p.religion));
    row(&b, "Immigration status", label_of(r, "immigration_status", p.immigration_status));
    struct buf dis = BUF_INIT;
    for (size_t i = 0; i < p.ndisabilities; i++)
        buf_printf(&dis, "%s%s", i ? ", " : "", label_of(r, "disability", p.disabilities[i]));
    row(&b, "Disabilities", dis.data);
    buf_release(&dis);
    html(&b, "</dl>");
    rect_view_item(&b, &rv, "person", p.id);
    bool can_edit = access_allows(http_principal(r), PERM_PEOPLE_EDIT);
    /* Everything else about the person, one list of links. */
    html(&b,
         "<ul class=\"govuk-list\" data-testid=\"person-links\"><li><a class=\"govuk-link\" "
         "href=\"/people/%D/chronology\">Chronology</a></li><li><a class=\"govuk-link\" "
         "href=\"/people/%D/notes\">Case notes</a></li><li><a class=\"govuk-link\" "
         "href=\"/people/%D/network\">Network and relationships</a></li>",
         p.id, p.id, p.id);
    if (access_allows(http_principal(r), PERM_CASES_EDIT))
        html(&b,
             "<li><a class=\"govuk-link\" href=\"/contacts/new?people=%D\">Record a contact"
             "</a></li>",
             p.id);
    if (access_allows(http_principal(r), PERM_AUDIT_READ))
        html(&b,
             "<li><a class=\"govuk-link\" href=\"/people/%D/seen-by\">Who has seen this "
             "record</a></li>",
             p.id);
    html(&b,
         "<li><a class=\"govuk-link\" href=\"/people/%D/looked-after\">Looked-after periods"
         "</a></li>",
         p.id);
    if (access_allows(http_principal(r), PERM_SAR))
        html(&b,
             "<li><a class=\"govuk-link\" href=\"/subject-access?q=%%23%D#record\">Record a "
             "subject access request</a></li>",
             p.id);
    if (access_allows(http_principal(r), PERM_ACCESS_GRANT))
        html(&b,
             "<li><a class=\"govuk-link\" href=\"/people/%D/access\">Access to this record"
             "</a></li>",
             p.id);
    if (can_edit)
        html(&b,
             "<li><a class=\"govuk-link\" href=\"/people/%D/edit\">Change details<span "
             "class=\"govuk-visually-hidden\"> of %s</span></a></li>",
             p.id, name.data);
    html(&b, "</ul>");

    html(&b, "<h2 class=\"govuk-heading-m\">Addresses</h2>");
    if (!p.naddresses)
        html(&b, "<p class=\"govuk-body\">No address recorded.</p>");
    for (size_t i = 0; i < p.naddresses; i++) {
        const struct address *a = &p.addresses[i];
        html(&b,
             "<p class=\"govuk-body\" data-testid=\"address\">%s%s%s%s%s%s%s<br><span "
             "class=\"govuk-body-s\">%s %s%s%s</span></p>",
             a->line1, *a->line2 ? ", " : "", a->line2, *a->town ? ", " : "", a->town,
             *a->postcode ? ", " : "", a->postcode, *a->to_date ? "Previous address" : "Current",
             *a->from_date ? "from " : "", a->from_date, *a->to_date ? " to " : "");
        if (*a->to_date)
            html(&b, "<span class=\"govuk-body-s\">%s</span>", a->to_date);
        rect_view_item(&b, &rv, "address", a->id);
    }
    html(&b, "<h2 class=\"govuk-heading-m\">Other names</h2>");
    if (!p.nnames)
        html(&b, "<p class=\"govuk-body\">None recorded.</p>");
    for (size_t i = 0; i < p.nnames; i++) {
        html(&b,
             "<p class=\"govuk-body\" data-testid=\"other-name\">%s %s <span "
             "class=\"govuk-body-s\">(%s%s%s%s%s)</span></p>",
             p.names[i].forenames, p.names[i].surname, p.names[i].kind,
             *p.names[i].from_date ? " from " : "", p.names[i].from_date,
             *p.names[i].to_date ? " until " : "", p.names[i].to_date);
        rect_view_item(&b, &rv, "name", p.names[i].id);
    }
    html(&b, "<h2 class=\"govuk-heading-m\">Contact details</h2>");
    if (!p.ncontacts)
        html(&b, "<p class=\"govuk-body\">None recorded.</p>");
    for (size_t i = 0; i < p.ncontacts; i++) {
        html(&b, "<p class=\"govuk-body\">%s (%s%s): %s</p>", p.contacts[i].kind,
             p.contacts[i].label, p.contacts[i].preferred ? ", preferred" : "",
             p.contacts[i].value);
        rect_view_item(&b, &rv, "contact_detail", p.contacts[i].id);
    }
    if (can_edit) {
        html(&b,
             "<details class=\"govuk-details\"><summary class=\"govuk-details__summary\"><span "
             "class=\"govuk-details__summary-text\">Add an address</span></summary><div "
             "class=\"govuk-details__text\"><form method=\"post\" "
             "action=\"/people/%D/addresses\" novalidate>",
             p.id);
        page_csrf(&b, r);
        page_input(&b, "line1", "Address line 1", NULL, "", "text", "off", e);
        page_input(&b, "town", "Town or city", NULL, "", "text", "off", e);
        page_input(&b, "postcode", "Postcode", NULL, "", "text", "off", e);
        page_input(&b, "from_date", "Moved in on (YYYY-MM-DD)", "Leave blank for today", "", "text",
                   "off", e);
        html(&b, "<button class=\"govuk-button govuk-button--secondary\">Add address</button>"
                 "</form></div></details>");
        html(&b,
             "<details class=\"govuk-details\"><summary class=\"govuk-details__summary\"><span "
             "class=\"govuk-details__summary-text\">Add another name</span></summary><div "
             "class=\"govuk-details__text\"><form method=\"post\" "
             "action=\"/people/%D/names\" novalidate>",
             p.id);
        page_csrf(&b, r);
        page_input(&b, "forenames", "First names", NULL, "", "text", "off", e);
        page_input(&b, "surname", "Last name", NULL, "", "text", "off", e);
        html(&b, "<button class=\"govuk-button govuk-button--secondary\">Add name</button>"
                 "</form></div></details>");
        html(&b,
             "<details class=\"govuk-details\"><summary class=\"govuk-details__summary\"><span "
             "class=\"govuk-details__summary-text\">Add a phone number or email</span>"
             "</summary><div class=\"govuk-details__text\"><form method=\"post\" "
             "action=\"/people/%D/contacts\" novalidate>",
             p.id);
        page_csrf(&b, r);
        html(&b, "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"kind\">Type"
                 "</label><select class=\"govuk-select\" id=\"kind\" name=\"kind\"><option "
                 "value=\"phone\">Phone</option><option value=\"email\">Email</option></select>"
                 "</div><div class=\"govuk-form-group\"><label class=\"govuk-label\" "
                 "for=\"label\">Where</label><select class=\"govuk-select\" id=\"label\" "
                 "name=\"label\"><option value=\"mobile\">Mobile</option><option "
                 "value=\"home\">Home</option><option value=\"work\">Work</option><option "
                 "value=\"other\">Other</option></select></div>");
        page_input(&b, "value", "Number or address", NULL, "", "text", "off", e);
        html(&b, "<button class=\"govuk-button govuk-button--secondary\">Add</button></form>"
                 "</div></details>");
    }
    buf_release(&name);
    page_send(&b, r, status);
}

void page_person(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        render_person(r, id, 200, NULL);
}

/* --- edit ------------------------------------------------------------------ */

static void render_edit(struct request *r, int64_t id, int status, const struct person_input *in,
                        const struct err *e)
{
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Change details");
    page_error_summary(&b, e);
    html(&b,
         "<h1 class=\"govuk-heading-l\">Change details</h1><form method=\"post\" "
         "action=\"/people/%D/edit\" novalidate>",
         id);
    page_csrf(&b, r);
    person_fields(&b, r, in, false, e);
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Save</button></form>");
    page_send(&b, r, status);
}

void page_person_edit(struct request *r)
{
    int64_t id;
    struct person p;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!people_get(http_ctx(r), id, &p, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct person_input in = {.forenames = p.forenames,
                              .surname = p.surname,
                              .preferred_name = p.preferred_name,
                              .dob = p.dob,
                              .dob_estimated = p.dob_estimated ? "1" : "0",
                              .expected_dob = p.expected_dob,
                              .nhs_number = p.nhs_number,
                              .upn = p.upn,
                              .sex = p.sex,
                              .ethnicity = p.ethnicity,
                              .language = p.language,
                              .religion = p.religion,
                              .immigration_status = p.immigration_status,
                              .restricted = p.restricted ? "1" : "0"};
    render_edit(r, p.id, 200, &in, NULL);
}

void page_person_update(struct request *r)
{
    int64_t id;
    struct person_input in;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    read_form(r, &in);
    in.address_line1 = in.address_town = in.address_postcode = NULL;
    if (!people_update(http_ctx(r), id, &in, &e)) {
        if (e.code == ERR_NOT_FOUND)
            http_reply_err(r, &e);
        else
            render_edit(r, id, err_http_status(e.code), &in, &e);
        return;
    }
    char to[32];
    snprintf(to, sizeof to, "/people/%lld", (long long)id);
    http_redirect(r, to);
}

/* After adding something, show the record again (with the error if any). */
static void after_add(struct request *r, int64_t id, bool ok, const struct err *e)
{
    if (!ok && e->code != ERR_INVALID) {
        http_reply_err(r, e);
        return;
    }
    if (!ok) {
        render_person(r, id, 422, e);
        return;
    }
    char to[32];
    snprintf(to, sizeof to, "/people/%lld", (long long)id);
    http_redirect(r, to);
}

void page_person_add_address(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    struct address_input in = {http_form(r, "line1"),    NULL, http_form(r, "town"),
                               http_form(r, "postcode"), NULL, http_form(r, "from_date")};
    after_add(r, id, people_add_address(http_ctx(r), id, &in, &e), &e);
}

void page_person_add_name(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    after_add(r, id,
              people_add_name(http_ctx(r), id, http_form(r, "forenames"), http_form(r, "surname"),
                              NULL, &e),
              &e);
}

void page_person_add_contact(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    after_add(r, id,
              people_add_contact(http_ctx(r), id, http_form(r, "kind"), http_form(r, "label"),
                                 http_form(r, "value"), false, &e),
              &e);
}
