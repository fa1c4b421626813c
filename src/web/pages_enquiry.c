/*
 * One enquiry: its details, deadline, officers, history, documents and the
 * forms for the work each role may do on it (assign and chase for
 * co-ordinators, respond for officers, reply for the lead officer or a
 * co-ordinator, request an update for the councillor); and the
 * co-ordinator's list of new and overdue enquiries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/pages.h"
#include "web/pages_enquiries.h"

static const char *event_label(const char *kind)
{
    static const char *const labels[][2] = {
        {"submitted", "Enquiry logged"}, {"assigned", "Officers assigned"},
        {"chased", "Officers chased"},   {"update_requested", "Update requested"},
        {"response", "Response"},        {"replied", "Reply"}};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(kind, labels[i][0]))
            return labels[i][1];
    return kind;
}

static void row(struct buf *b, const char *key, const char *value)
{
    html(b,
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%s</dt>"
         "<dd class=\"govuk-summary-list__value\">%s</dd></div>",
         key, value && *value ? value : "Not given");
}

static void text_form(struct buf *b, struct request *r, int64_t id, const char *action,
                      const char *label, const char *button, const char *name, const struct err *e)
{
    bool bad = e && e->code != ERR_NONE && !strcmp(e->field, name);
    html(b, "<form method=\"post\" action=\"/enquiries/%D/%s\" novalidate>", id, action);
    page_csrf(b, r);
    html(b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label govuk-label--s\" "
         "for=\"%s-%s\">%s</label>",
         bad ? " govuk-form-group--error" : "", action, name, label);
    if (bad)
        html(b, "<p class=\"govuk-error-message\">%s</p>", e->message);
    html(
        b,
        "<textarea class=\"govuk-textarea\" id=\"%s-%s\" name=\"%s\" rows=\"3\"></textarea>"
        "</div><button class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\" "
        "id=\"%s-button\">%s</button></form>",
        action, name, name, action, button);
}

static void assign_form(struct buf *b, struct request *r, const struct enquiry *q,
                        const struct err *e)
{
    struct enquiry_staff *staff;
    size_t n;
    struct err se = ERR_INIT;
    if (!enquiries_staff(http_ctx(r), &staff, &n, &se))
        return;
    html(b,
         "<h2 class=\"govuk-heading-m\">Assign officers</h2><form method=\"post\" "
         "action=\"/enquiries/%D/assign\" novalidate>",
         q->id);
    page_csrf(b, r);
    bool bad = e && e->code != ERR_NONE && !strcmp(e->field, "lead_officer");
    html(b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"lead_officer\">Lead "
         "officer</label>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(b, "<p class=\"govuk-error-message\">%s</p>", e->message);
    html(b, "<select class=\"govuk-select\" id=\"lead_officer\" name=\"lead_officer\">"
            "<option value=\"\"></option>");
    for (size_t i = 0; i < n; i++)
        html(b, "<option value=\"%D\"%R>%s (%s)</option>", staff[i].id,
             staff[i].id == q->lead_officer_id ? " selected" : "", staff[i].name, staff[i].role);
    html(b, "</select></div><div class=\"govuk-form-group\"><fieldset class=\"govuk-fieldset\">"
            "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">Further officers"
            "</legend><div class=\"govuk-checkboxes govuk-checkboxes--small\" "
            "data-module=\"govuk-checkboxes\">");
    for (size_t i = 0; i < n; i++) {
        bool on = false;
        for (size_t j = 0; j < q->nofficers; j++)
            on |= q->officers[j].user_id == staff[i].id && !q->officers[j].lead;
        html(b,
             "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" "
             "id=\"officer-%D\" name=\"officers\" type=\"checkbox\" value=\"%D\"%R><label "
             "class=\"govuk-label govuk-checkboxes__label\" for=\"officer-%D\">%s</label></div>",
             staff[i].id, staff[i].id, on ? " checked" : "", staff[i].id, staff[i].name);
    }
    html(b, "</div></fieldset></div><button class=\"govuk-button\" data-module=\"govuk-button\" "
            "id=\"assign-button\">Assign</button></form>");
}

static void render(struct request *r, int status, const struct enquiry *q, const struct err *e)
{
    const struct principal *who = http_principal(r);
    struct buf b = BUF_INIT;
    char title[48];
    snprintf(title, sizeof title, "Enquiry %lld", (long long)q->id);
    page_begin(&b, r, title);
    page_error_summary(&b, e);
    html(&b,
         "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-l\">%s</h1><p "
         "class=\"govuk-body\">",
         q->service_area_label, title);
    enquiry_status_tags(&b, q);
    html(&b, "</p><dl class=\"govuk-summary-list\">");
    struct buf t = BUF_INIT;
    page_when(&t, q->received_at);
    row(&b, "Received", t.data);
    buf_reset(&t);
    page_when(&t, q->due_at);
    buf_printf(&t, " (%s)", q->sla_text);
    row(&b, "Reply due", t.data);
    row(&b, "Councillor", q->councillor_name);
    buf_reset(&t);
    buf_printf(&t, "%s%s%s", q->councillor_email, *q->councillor_phone ? ", " : "",
               q->councillor_phone);
    row(&b, "Contact details", t.data);
    row(&b, "Preferred contact", q->contact_method);
    row(&b, "Service area", q->service_area_label);
    row(&b, "Directorate", q->directorate);
    row(&b, "Enquiry type", enquiry_code_label(r, "enquiry_type", q->enquiry_type));
    row(&b, "District or division", enquiry_code_label(r, "enquiry_district", q->district));
    row(&b, "Resident's surname", q->constituent_surname);
    row(&b, "Resident's email", q->constituent_email);
    row(&b, "Lead officer", q->lead_officer_name);
    buf_reset(&t);
    for (size_t i = 0; i < q->nofficers; i++)
        if (!q->officers[i].lead)
            buf_printf(&t, "%s%s", t.len ? ", " : "", q->officers[i].name);
    row(&b, "Further officers", t.data);
    buf_release(&t);
    html(&b, "</dl><h2 class=\"govuk-heading-m\">Details</h2><p class=\"govuk-body cw-pre\">%s</p>",
         q->details);
    if (*q->reply) {
        html(&b,
             "<h2 class=\"govuk-heading-m\">Reply</h2><div class=\"govuk-inset-text\" "
             "data-testid=\"reply\">%s</div>",
             q->reply);
    }
    html(&b, "<h2 class=\"govuk-heading-m\">Documents</h2>");
    if (!q->ndocuments)
        html(&b, "<p class=\"govuk-body\">None.</p>");
    else
        html(&b, "<ul class=\"govuk-list\" data-testid=\"documents\">");
    for (size_t i = 0; i < q->ndocuments; i++)
        html(&b,
             "<li><a class=\"govuk-link\" href=\"/enquiries/documents/%s\">%s</a> (%D bytes)</li>",
             q->documents[i].token, q->documents[i].filename, q->documents[i].size);
    if (q->ndocuments)
        html(&b, "</ul>");
    html(&b, "<h2 class=\"govuk-heading-m\">History</h2><ol class=\"govuk-list\" "
             "data-testid=\"history\">");
    for (size_t i = 0; i < q->nevents; i++) {
        const struct enquiry_event *v = &q->events[i];
        html(&b, "<li><strong>%s</strong>, ", event_label(v->kind));
        page_when(&b, v->at);
        html(&b, " by %s", v->by_name);
        if (*v->text)
            html(&b, "<br><span class=\"cw-pre\">%s</span>", v->text);
        html(&b, "</li>");
    }
    html(&b, "</ol>");
    bool open = strcmp(q->status, "completed") != 0;
    bool coordinator = access_allows(who, PERM_ENQUIRIES_COORDINATE);
    bool on = false, lead = q->lead_officer_id == who->user_id;
    for (size_t i = 0; i < q->nofficers; i++)
        on |= q->officers[i].user_id == who->user_id;
    if (open && who->user_id == q->councillor_id)
        text_form(&b, r, q->id, "update-request", "Ask for an update (optional message)",
                  "Request an update", "text", e);
    if (open && coordinator) {
        assign_form(&b, r, q, e);
        if (q->lead_officer_id)
            text_form(&b, r, q->id, "chase", "Chase the officers (optional message)", "Chase",
                      "text", e);
    }
    if (open && (on || coordinator) && access_allows(who, PERM_ENQUIRIES_RESPOND))
        text_form(&b, r, q->id, "responses", "Interim response", "Add response", "text", e);
    if (open && (lead || coordinator) && access_allows(who, PERM_ENQUIRIES_RESPOND))
        text_form(&b, r, q->id, "reply", "Reply to the councillor (completes the enquiry)",
                  "Record reply", "reply", e);
    html(&b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/enquiries\">All enquiries</a>"
             "</p>");
    page_send(&b, r, status);
}

void page_enquiry(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    struct enquiry q;
    struct err e = ERR_INIT;
    if (!enquiries_get(http_ctx(r), id, &q, &e))
        http_reply_err(r, &e);
    else
        render(r, 200, &q, NULL);
}

/* After an action: back to the enquiry, or the enquiry again with the error. */
static void done(struct request *r, int64_t id, bool ok, const struct err *e)
{
    if (ok) {
        const char *back = http_form(r, "back");
        char to[48];
        snprintf(to, sizeof to, "/enquiries/%lld", (long long)id);
        http_redirect(r, back && !strcmp(back, "list") ? "/enquiries" : to);
        return;
    }
    struct enquiry q;
    struct err ge = ERR_INIT;
    if (e->code != ERR_INVALID || !enquiries_get(http_ctx(r), id, &q, &ge))
        http_reply_err(r, e);
    else
        render(r, 422, &q, e);
}

void page_enquiry_assign(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    const char *values[ENQUIRY_MAX_OFFICERS + 1];
    int64_t further[ENQUIRY_MAX_OFFICERS + 1];
    size_t n = http_form_all(r, "officers", values, ENQUIRY_MAX_OFFICERS + 1);
    const char *lead_text = http_form(r, "lead_officer");
    int64_t lead = lead_text ? strtoll(lead_text, NULL, 10) : 0;
    size_t nfurther = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t v = strtoll(values[i], NULL, 10);
        if (v != lead) /* the lead ticked as a further officer too: once is enough */
            further[nfurther++] = v;
    }
    struct err e = ERR_INIT;
    bool ok = enquiries_assign(http_ctx(r), id, lead, further, nfurther, &e);
    done(r, id, ok, &e);
}

void page_enquiry_chase(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    struct err e = ERR_INIT;
    done(r, id, enquiries_chase(http_ctx(r), id, http_form(r, "text"), &e), &e);
}

void page_enquiry_update_request(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    struct err e = ERR_INIT;
    done(r, id, enquiries_request_update(http_ctx(r), id, http_form(r, "text"), &e), &e);
}

void page_enquiry_respond(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    struct err e = ERR_INIT;
    done(r, id, enquiries_respond(http_ctx(r), id, http_form(r, "text"), &e), &e);
}

void page_enquiry_reply(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    struct err e = ERR_INIT;
    done(r, id, enquiries_reply(http_ctx(r), id, http_form(r, "reply"), &e), &e);
}

void page_enquiries_coordinate(struct request *r)
{
    struct enquiry_filter fresh = {.status = "new"}, late = {.overdue = true};
    struct enquiry_list ln, lo;
    struct err e = ERR_INIT;
    if (!enquiries_list(http_ctx(r), &fresh, &ln, &e) ||
        !enquiries_list(http_ctx(r), &late, &lo, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "New and overdue enquiries");
    html(&b,
         "<h1 class=\"govuk-heading-l\">New and overdue enquiries</h1>"
         "<h2 class=\"govuk-heading-m\" id=\"new\">New: %D to assign</h2>",
         (int64_t)ln.n);
    enquiry_table(&b, r, &ln, false);
    html(&b,
         "<h2 class=\"govuk-heading-m\" id=\"overdue\">Overdue: %D past their reply "
         "deadline</h2><div data-testid=\"overdue\">",
         (int64_t)lo.n);
    enquiry_table(&b, r, &lo, false);
    html(&b, "</div>");
    page_send(&b, r, 200);
}
