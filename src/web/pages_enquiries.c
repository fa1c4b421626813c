/*
 * Councillors' enquiries: the dashboard (counts by status, filters with
 * apply and reset, CSV export of what the filters select), the form to log
 * one with supporting documents, and document downloads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/codelist.h"
#include "core/csv.h"
#include "domain/enquiry_config.h"
#include "domain/uploads.h"
#include "web/pages.h"
#include "web/pages_enquiries.h"

const char *enquiry_code_label(struct request *r, const char *list, const char *code)
{
    const struct codelist *l = http_app(r)->codes ? codelist_get(http_app(r)->codes, list) : NULL;
    const char *label = l ? codelist_label(l, code) : NULL;
    return label ? label : code;
}

void enquiry_status_tags(struct buf *b, const struct enquiry *q)
{
    const char *label = "New", *colour = "blue";
    if (!strcmp(q->status, "in_progress"))
        label = "In progress", colour = "yellow";
    else if (!strcmp(q->status, "completed"))
        label = "Completed", colour = "green";
    html(b, "<strong class=\"govuk-tag govuk-tag--%s\" data-testid=\"status\">%s</strong>", colour,
         label);
    if (q->overdue)
        html(b, " <strong class=\"govuk-tag govuk-tag--red\">Overdue</strong>");
    if (q->update_requested)
        html(b, " <strong class=\"govuk-tag govuk-tag--purple\">Update requested</strong>");
}

void enquiry_table(struct buf *b, struct request *r, const struct enquiry_list *l,
                   bool update_buttons)
{
    if (!l->n) {
        html(b, "<p class=\"govuk-body\" data-testid=\"no-enquiries\">No enquiries.</p>");
        return;
    }
    html(b, "<table class=\"govuk-table\" data-testid=\"enquiries\"><thead "
            "class=\"govuk-table__head\"><tr class=\"govuk-table__row\">");
    static const char *const heads[] = {"Case id", "Received",  "Service area", "Type", "District",
                                        "Status",  "Reply due", "Responses",    ""};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        html(b, "<th scope=\"col\" class=\"govuk-table__header\">%s</th>", heads[i]);
    html(b, "</tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < l->n; i++) {
        const struct enquiry *q = &l->items[i];
        html(b,
             "<tr class=\"govuk-table__row\" data-testid=\"enquiry\"><td "
             "class=\"govuk-table__cell\">"
             "<a class=\"govuk-link\" href=\"/enquiries/%D\">%D</a></td><td "
             "class=\"govuk-table__cell\">",
             q->id, q->id);
        page_when(b, q->received_at);
        html(b,
             "</td><td class=\"govuk-table__cell\">%s<br><span class=\"govuk-hint\">%s</span>"
             "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td>"
             "<td class=\"govuk-table__cell\">",
             q->service_area_label, q->directorate,
             enquiry_code_label(r, "enquiry_type", q->enquiry_type),
             enquiry_code_label(r, "enquiry_district", q->district));
        enquiry_status_tags(b, q);
        html(b, "</td><td class=\"govuk-table__cell\">");
        page_when(b, q->due_at);
        html(b, "</td><td class=\"govuk-table__cell\">%d</td><td class=\"govuk-table__cell\">",
             q->responses);
        if (update_buttons && strcmp(q->status, "completed") != 0) {
            html(b,
                 "<form method=\"post\" action=\"/enquiries/%D/update-request\"><input "
                 "type=\"hidden\" name=\"back\" value=\"list\">",
                 q->id);
            page_csrf(b, r);
            html(b,
                 "<button class=\"govuk-button govuk-button--secondary govuk-!-margin-bottom-0\" "
                 "data-module=\"govuk-button\">Request an update<span "
                 "class=\"govuk-visually-hidden\"> on enquiry %D</span></button></form>",
                 q->id);
        }
        html(b, "</td></tr>");
    }
    html(b, "</tbody></table>");
}

static const char *const filter_names[] = {"enquiry_type", "service_area", "directorate", "case_id",
                                           "surname",      "email",        "district",    "status"};
enum { NFILTERS = sizeof filter_names / sizeof filter_names[0] };

static void read_filter(struct request *r, struct enquiry_filter *f, const char *v[NFILTERS])
{
    for (size_t i = 0; i < NFILTERS; i++)
        v[i] = http_query(r, filter_names[i]);
    *f = (struct enquiry_filter){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], false};
}

static void code_select(struct buf *b, struct request *r, const char *name, const char *label,
                        const char *list, const char *value, const struct err *e)
{
    const struct codelist *l = http_app(r)->codes ? codelist_get(http_app(r)->codes, list) : NULL;
    bool bad = e && !strcmp(e->field, name);
    html(b, "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"%s\">%s</label>",
         bad ? " govuk-form-group--error" : "", name, label);
    if (bad)
        html(b, "<p id=\"%s-error\" class=\"govuk-error-message\">%s</p>", name, e->message);
    html(b, "<select class=\"govuk-select\" id=\"%s\" name=\"%s\"><option value=\"\"></option>",
         name, name);
    for (size_t i = 0; l && i < codelist_count(l); i++) {
        const char *code, *text;
        codelist_entry(l, i, &code, &text);
        html(b, "<option value=\"%s\"%R>%s</option>", code,
             value && !strcmp(value, code) ? " selected" : "", text);
    }
    html(b, "</select></div>");
}

/* Service areas (with their directorate), or the directorates alone. */
static void area_select(struct buf *b, struct request *r, const char *name, const char *label,
                        bool directorates, const char *value, const struct err *e)
{
    const struct enquiry_config *c = http_app(r)->enquiries;
    bool bad = e && !strcmp(e->field, name);
    html(b, "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"%s\">%s</label>",
         bad ? " govuk-form-group--error" : "", name, label);
    if (bad)
        html(b, "<p id=\"%s-error\" class=\"govuk-error-message\">%s</p>", name, e->message);
    html(b, "<select class=\"govuk-select\" id=\"%s\" name=\"%s\"><option value=\"\"></option>",
         name, name);
    for (size_t i = 0; c && i < enquiry_config_area_count(c); i++) {
        const struct enquiry_area *a = enquiry_config_area_at(c, i);
        if (directorates) {
            bool seen = false;
            for (size_t j = 0; j < i; j++)
                seen |= !strcmp(enquiry_config_area_at(c, j)->directorate, a->directorate);
            if (!seen)
                html(b, "<option value=\"%s\"%R>%s</option>", a->directorate,
                     value && !strcmp(value, a->directorate) ? " selected" : "", a->directorate);
        } else {
            html(b, "<option value=\"%s\"%R>%s (%s)</option>", a->code,
                 value && !strcmp(value, a->code) ? " selected" : "", a->label, a->directorate);
        }
    }
    html(b, "</select></div>");
}

static void filters_form(struct buf *b, struct request *r, const char *v[NFILTERS],
                         const struct err *e)
{
    html(b, "<form method=\"get\" action=\"/enquiries\" class=\"cw-filters\" novalidate>"
            "<h2 class=\"govuk-heading-m\">Filter</h2><div class=\"govuk-grid-row\">"
            "<div class=\"govuk-grid-column-one-third\">");
    code_select(b, r, "enquiry_type", "Enquiry type", "enquiry_type", v[0], e);
    area_select(b, r, "service_area", "Service area", false, v[1], e);
    area_select(b, r, "directorate", "Directorate", true, v[2], e);
    html(b, "</div><div class=\"govuk-grid-column-one-third\">");
    page_input(b, "case_id", "Case id", NULL, v[3], "text", "off", e);
    page_input(b, "surname", "Resident's surname", NULL, v[4], "text", "off", e);
    page_input(b, "email", "Email", NULL, v[5], "text", "off", e);
    html(b, "</div><div class=\"govuk-grid-column-one-third\">");
    code_select(b, r, "district", "District or division", "enquiry_district", v[6], e);
    html(b, "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"status\">Status"
            "</label><select class=\"govuk-select\" id=\"status\" name=\"status\">"
            "<option value=\"\"></option>");
    static const char *const statuses[][2] = {
        {"new", "New"}, {"in_progress", "In progress"}, {"completed", "Completed"}};
    for (size_t i = 0; i < 3; i++)
        html(b, "<option value=\"%s\"%R>%s</option>", statuses[i][0],
             v[7] && !strcmp(v[7], statuses[i][0]) ? " selected" : "", statuses[i][1]);
    html(b, "</select></div></div></div><div class=\"govuk-button-group\">"
            "<button class=\"govuk-button\" data-module=\"govuk-button\" id=\"apply\">Apply "
            "filters</button><a class=\"govuk-link\" href=\"/enquiries\" id=\"reset\">Reset "
            "filters</a></div></form>");
}

void page_enquiries(struct request *r)
{
    const struct principal *who = http_principal(r);
    const char *v[NFILTERS];
    struct enquiry_filter f;
    read_filter(r, &f, v);
    struct enquiry_list l;
    struct err e = ERR_INIT;
    bool ok = enquiries_list(http_ctx(r), &f, &l, &e);
    if (!ok && e.code != ERR_INVALID) {
        http_reply_err(r, &e);
        return;
    }
    bool councillor = who->role == ROLE_COUNCILLOR;
    struct buf b = BUF_INIT;
    page_begin(&b, r, councillor ? "Your enquiries" : "Enquiries");
    page_error_summary(&b, ok ? NULL : &e);
    html(&b, "<h1 class=\"govuk-heading-l\">%s</h1>",
         councillor ? "Your enquiries" : "Enquiries you can see");
    if (councillor)
        html(&b, "<a class=\"govuk-button\" data-module=\"govuk-button\" "
                 "href=\"/enquiries/new\">Log an enquiry</a>");
    if (access_allows(who, PERM_ENQUIRIES_COORDINATE))
        html(&b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/enquiries/coordinate\">"
                 "New and overdue enquiries</a></p>");
    html(&b,
         "<div class=\"govuk-grid-row\" data-testid=\"counts\">"
         "<div class=\"govuk-grid-column-one-third\"><p class=\"govuk-heading-xl "
         "govuk-!-margin-bottom-1\" data-testid=\"count-new\">%d</p><p class=\"govuk-body\">New</p>"
         "</div><div class=\"govuk-grid-column-one-third\"><p class=\"govuk-heading-xl "
         "govuk-!-margin-bottom-1\" data-testid=\"count-in-progress\">%d</p><p "
         "class=\"govuk-body\">In progress</p></div><div class=\"govuk-grid-column-one-third\"><p "
         "class=\"govuk-heading-xl govuk-!-margin-bottom-1\" data-testid=\"count-completed\">%d</p>"
         "<p class=\"govuk-body\">Completed</p></div></div>",
         l.count_new, l.count_in_progress, l.count_completed);
    filters_form(&b, r, v, ok ? NULL : &e);
    struct buf q = BUF_INIT;
    for (size_t i = 0; i < NFILTERS; i++)
        if (v[i] && *v[i]) {
            buf_printf(&q, "%s%s=", q.len ? "&" : "?", filter_names[i]);
            buf_urlenc(&q, v[i]);
        }
    html(&b,
         "<p class=\"govuk-body\"><a class=\"govuk-link\" id=\"export\" "
         "href=\"/enquiries/export.csv%s\">Export these enquiries (CSV)</a></p>",
         q.data);
    buf_release(&q);
    if (l.truncated)
        html(&b, "<p class=\"govuk-body\">Only the newest %d are shown; filter to see others.</p>",
             ENQUIRY_LIST_MAX);
    enquiry_table(&b, r, &l, councillor);
    page_send(&b, r, ok ? 200 : 422);
}

void page_enquiries_export(struct request *r)
{
    const char *v[NFILTERS];
    struct enquiry_filter f;
    read_filter(r, &f, v);
    struct enquiry_list l;
    struct err e = ERR_INIT;
    if (!enquiries_list(http_ctx(r), &f, &l, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    static const char *const head[] = {
        "Case id",      "Received", "Councillor",       "Service area", "Directorate",
        "Enquiry type", "District", "Resident surname", "Email",        "Status",
        "Reply due",    "Overdue",  "Lead officer",     "Responses",    "Replied"};
    csv_row(&b, head, (int)(sizeof head / sizeof head[0]));
    for (size_t i = 0; i < l.n; i++) {
        const struct enquiry *q = &l.items[i];
        struct buf id = BUF_INIT, received = BUF_INIT, due = BUF_INIT, replied = BUF_INIT,
                   n = BUF_INIT;
        buf_printf(&id, "%lld", (long long)q->id);
        clock_format_instant(&received, q->received_at);
        clock_format_instant(&due, q->due_at);
        if (q->replied_at)
            clock_format_instant(&replied, q->replied_at);
        buf_printf(&n, "%d", q->responses);
        const char *row[] = {id.data,
                             received.data,
                             q->councillor_name,
                             q->service_area_label,
                             q->directorate,
                             enquiry_code_label(r, "enquiry_type", q->enquiry_type),
                             enquiry_code_label(r, "enquiry_district", q->district),
                             q->constituent_surname,
                             q->constituent_email,
                             q->status,
                             due.data,
                             q->overdue ? "yes" : "no",
                             q->lead_officer_name,
                             n.data,
                             replied.data};
        csv_row(&b, row, (int)(sizeof row / sizeof row[0]));
        buf_release(&id);
        buf_release(&received);
        buf_release(&due);
        buf_release(&replied);
        buf_release(&n);
    }
    size_t len = 0;
    char *data = buf_detach(&b, &len);
    if (!data) {
        buf_release(&b);
        http_reply_problem(r, 500, "Internal error", "The export could not be built", NULL);
        return;
    }
    http_reply_download(r, data, len, "text/csv; charset=utf-8", "enquiries.csv");
}

struct enquiry_form {
    const char *councillor_email, *councillor_phone, *service_area, *enquiry_type, *district,
        *constituent_surname, *constituent_email, *details, *contact_method;
};

static void render_form(struct request *r, int status, const struct enquiry_form *f,
                        const struct err *e)
{
    const struct principal *who = http_principal(r);
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Log an enquiry");
    page_error_summary(&b, e);
    html(&b,
         "<h1 class=\"govuk-heading-l\">Log an enquiry</h1><form method=\"post\" "
         "action=\"/enquiries\" enctype=\"multipart/form-data\" novalidate>"
         "<h2 class=\"govuk-heading-m\">Your details</h2><p class=\"govuk-body\">Name: "
         "<strong>%s</strong></p>",
         who->display_name);
    page_csrf(&b, r);
    page_input(&b, "councillor_email", "Email address", NULL, f->councillor_email, "email", "email",
               e);
    page_input(&b, "councillor_phone", "Phone number (optional)", NULL, f->councillor_phone, "tel",
               "tel", e);
    html(&b, "<h2 class=\"govuk-heading-m\">The enquiry</h2>");
    area_select(&b, r, "service_area", "Service area", false, f->service_area, e);
    code_select(&b, r, "enquiry_type", "Enquiry type", "enquiry_type", f->enquiry_type, e);
    code_select(&b, r, "district", "District or division", "enquiry_district", f->district, e);
    page_input(&b, "constituent_surname", "Resident's surname (optional)", NULL,
               f->constituent_surname, "text", "off", e);
    page_input(&b, "constituent_email", "Resident's email (optional)", NULL, f->constituent_email,
               "email", "off", e);
    bool bad = e && !strcmp(e->field, "details");
    html(&b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"details\">Details"
         "</label>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(&b, "<p id=\"details-error\" class=\"govuk-error-message\">%s</p>", e->message);
    html(&b,
         "<textarea class=\"govuk-textarea\" id=\"details\" name=\"details\" rows=\"8\">%s"
         "</textarea></div>",
         f->details ? f->details : "");
    bad = e && !strcmp(e->field, "contact_method");
    html(&b,
         "<div class=\"govuk-form-group%s\"><fieldset class=\"govuk-fieldset\" "
         "id=\"contact_method\"><legend class=\"govuk-fieldset__legend "
         "govuk-fieldset__legend--s\">How would you like the reply?</legend>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(&b, "<p class=\"govuk-error-message\">%s</p>", e->message);
    html(&b, "<div class=\"govuk-radios govuk-radios--small\" data-module=\"govuk-radios\">");
    static const char *const methods[][2] = {
        {"email", "Email"}, {"phone", "Phone"}, {"letter", "Letter"}};
    for (size_t i = 0; i < 3; i++)
        html(&b,
             "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" "
             "id=\"contact_method-%s\" name=\"contact_method\" type=\"radio\" value=\"%s\"%R>"
             "<label class=\"govuk-label govuk-radios__label\" for=\"contact_method-%s\">%s"
             "</label></div>",
             methods[i][0], methods[i][0],
             f->contact_method && !strcmp(f->contact_method, methods[i][0]) ? " checked" : "",
             methods[i][0], methods[i][1]);
    html(&b, "</div></fieldset></div>");
    bad = e && !strcmp(e->field, "documents");
    html(&b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"documents\">"
         "Supporting documents (optional)</label><div class=\"govuk-hint\" id=\"documents-hint\">"
         "Up to %d files of %d MB each: %s</div>",
         bad ? " govuk-form-group--error" : "", UPLOADS_MAX_FILES,
         UPLOADS_MAX_BYTES / (1024 * 1024), UPLOADS_ALLOWED);
    if (bad)
        html(&b, "<p id=\"documents-error\" class=\"govuk-error-message\">%s</p>", e->message);
    html(&b, "<input class=\"govuk-file-upload\" id=\"documents\" name=\"documents\" "
             "type=\"file\" multiple aria-describedby=\"documents-hint\"></div>"
             "<button class=\"govuk-button\" data-module=\"govuk-button\">Send enquiry</button>"
             "</form>");
    page_send(&b, r, status);
}

void page_enquiry_new(struct request *r)
{
    struct enquiry_form f = {0};
    struct err e = ERR_INIT;
    if (!enquiries_councillor_email(http_ctx(r), &f.councillor_email, &e)) {
        http_reply_err(r, &e);
        return;
    }
    f.contact_method = "email";
    render_form(r, 200, &f, NULL);
}

void page_enquiry_create(struct request *r)
{
    struct enquiry_form f = {http_form(r, "councillor_email"),  http_form(r, "councillor_phone"),
                             http_form(r, "service_area"),      http_form(r, "enquiry_type"),
                             http_form(r, "district"),          http_form(r, "constituent_surname"),
                             http_form(r, "constituent_email"), http_form(r, "details"),
                             http_form(r, "contact_method")};
    struct http_file files[UPLOADS_MAX_FILES + 1];
    size_t nfiles = http_form_files(r, "documents", files, UPLOADS_MAX_FILES + 1);
    struct enquiry_upload uploads[UPLOADS_MAX_FILES + 1];
    for (size_t i = 0; i < nfiles; i++)
        uploads[i] = (struct enquiry_upload){files[i].filename, files[i].data, files[i].len};
    struct enquiry_input in = {f.councillor_email,
                               f.councillor_phone,
                               f.service_area,
                               f.enquiry_type,
                               f.district,
                               f.constituent_surname,
                               f.constituent_email,
                               f.details,
                               f.contact_method,
                               uploads,
                               nfiles};
    struct err e = ERR_INIT;
    int64_t id;
    if (!enquiries_create(http_ctx(r), &in, &id, &e)) {
        if (e.code == ERR_INVALID || e.code == ERR_TOO_BIG)
            render_form(r, e.code == ERR_TOO_BIG ? 413 : 422, &f, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[48];
    snprintf(to, sizeof to, "/enquiries/%lld", (long long)id);
    http_redirect(r, to);
}

void page_enquiry_document(struct request *r)
{
    struct enquiry_document d;
    unsigned char *data;
    size_t len;
    struct err e = ERR_INIT;
    if (!enquiries_document(http_ctx(r), http_param(r, "token"), &d, &data, &len, &e)) {
        http_reply_err(r, &e);
        return;
    }
    char *copy = malloc(len ? len : 1); /* the reply owns a malloc'd copy */
    if (!copy) {
        http_reply_problem(r, 500, "Internal error", "Out of memory", NULL);
        return;
    }
    memcpy(copy, data, len);
    http_reply_download(r, copy, len, d.content_type, d.filename);
}
