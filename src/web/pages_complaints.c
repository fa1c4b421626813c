/*
 * Comments, compliments and complaints: the list, the form to record one,
 * a representation with the work on its stages (extend, complete with
 * outcomes, escalate, progress reports, close), actions and learning,
 * Ombudsman referrals, and the reports page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/complaints.h"
#include "domain/enquiry_config.h"
#include "web/page.h"
#include "web/pages.h"

static const char *label_of(const char *code)
{
    static const char *const labels[][2] = {{"children", "Children's social care"},
                                            {"adults", "Adults' social care"},
                                            {"corporate", "Corporate"},
                                            {"upheld", "Upheld"},
                                            {"partly_upheld", "Partly upheld"},
                                            {"not_upheld", "Not upheld"},
                                            {"withdrawn", "Withdrawn"},
                                            {"complaint", "Complaint"},
                                            {"compliment", "Compliment"},
                                            {"comment", "Comment"}};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(code, labels[i][0]))
            return labels[i][1];
    return code;
}

static void stage_tags(struct buf *b, const struct complaint_stage *s)
{
    if (s->completed_at)
        html(b, "<strong class=\"govuk-tag govuk-tag--green\">Stage %d completed</strong>",
             s->stage);
    else
        html(b, "<strong class=\"govuk-tag\">Stage %d</strong>", s->stage);
    if (s->overdue)
        html(b, " <strong class=\"govuk-tag govuk-tag--red\">Overdue</strong>");
    if (s->progress_missed)
        html(b, " <strong class=\"govuk-tag govuk-tag--orange\" data-testid=\"progress-missed\">"
                "Progress report missed</strong>");
}

void page_complaints(struct request *r)
{
    struct representation *items;
    size_t n;
    struct err e = ERR_INIT;
    if (!complaints_list(http_ctx(r), &items, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Comments, compliments and complaints");
    html(&b, "<h1 class=\"govuk-heading-l\">Comments, compliments and complaints</h1>");
    if (access_allows(http_principal(r), PERM_COMPLAINTS_MANAGE))
        html(&b, "<a class=\"govuk-button\" data-module=\"govuk-button\" href=\"/complaints/new\">"
                 "Record one</a> ");
    html(&b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/complaints/report\">Reports"
             "</a></p><table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
             "class=\"govuk-table__row\"><th class=\"govuk-table__header\">Number</th><th "
             "class=\"govuk-table__header\">Received</th><th class=\"govuk-table__header\">Kind"
             "</th><th class=\"govuk-table__header\">Procedure</th><th "
             "class=\"govuk-table__header\">From</th><th class=\"govuk-table__header\">Stage</th>"
             "<th class=\"govuk-table__header\">Due</th></tr></thead><tbody "
             "class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        const struct representation *p = &items[i];
        html(&b,
             "<tr class=\"govuk-table__row\" data-testid=\"representation\"><td "
             "class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/complaints/%D\">%D</a>"
             "</td><td class=\"govuk-table__cell\">",
             p->id, p->id);
        page_when(&b, p->received_at);
        html(&b,
             "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td>"
             "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">",
             label_of(p->kind), label_of(p->procedure), p->from_name);
        const struct complaint_stage *s = p->nstages ? &p->stages[p->nstages - 1] : NULL;
        if (!strcmp(p->status, "closed"))
            html(&b, "<strong class=\"govuk-tag govuk-tag--grey\">Closed</strong>");
        else if (s)
            stage_tags(&b, s);
        html(&b, "</td><td class=\"govuk-table__cell\">");
        if (s && !s->completed_at)
            page_when(&b, s->due_at);
        html(&b, "</td></tr>");
    }
    html(&b, "</tbody></table>");
    page_send(&b, r, 200);
}

static void select_of(struct buf *b, const char *name, const char *label,
                      const char *const (*opts)[2], size_t n, const char *value,
                      const struct err *e)
{
    bool bad = e && !strcmp(e->field, name);
    html(b, "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"%s\">%s</label>",
         bad ? " govuk-form-group--error" : "", name, label);
    if (bad)
        html(b, "<p id=\"%s-error\" class=\"govuk-error-message\">%s</p>", name, e->message);
    html(b, "<select class=\"govuk-select\" id=\"%s\" name=\"%s\"><option value=\"\"></option>",
         name, name);
    for (size_t i = 0; i < n; i++)
        html(b, "<option value=\"%s\"%R>%s</option>", opts[i][0],
             value && !strcmp(value, opts[i][0]) ? " selected" : "", opts[i][1]);
    html(b, "</select></div>");
}

static void textarea(struct buf *b, const char *id, const char *name, const char *label,
                     const char *value, const struct err *e)
{
    bool bad = e && e->code != ERR_NONE && !strcmp(e->field, name);
    html(b, "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"%s\">%s</label>",
         bad ? " govuk-form-group--error" : "", id, label);
    if (bad)
        html(b, "<p class=\"govuk-error-message\">%s</p>", e->message);
    html(b,
         "<textarea class=\"govuk-textarea\" id=\"%s\" name=\"%s\" rows=\"3\">%s</textarea></div>",
         id, name, value ? value : "");
}

static const char *const KINDS[][2] = {
    {"complaint", "Complaint"}, {"compliment", "Compliment"}, {"comment", "Comment"}};
static const char *const PROCEDURES[][2] = {{"children", "Children's social care (statutory)"},
                                            {"adults", "Adults' social care"},
                                            {"corporate", "Corporate"}};
static const char *const ABOUT[][2] = {
    {"service", "A service"}, {"person", "A person"}, {"team", "A team"}};
static void render_new(struct request *r, int status, const struct representation_input *in,
                       const char *points, const struct err *e)
{
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Record a comment, compliment or complaint");
    page_error_summary(&b, e);
    html(&b, "<h1 class=\"govuk-heading-l\">Record a comment, compliment or complaint</h1><form "
             "method=\"post\" action=\"/complaints\" novalidate>");
    page_csrf(&b, r);
    select_of(&b, "kind", "Kind", KINDS, 3, in->kind, e);
    select_of(&b, "procedure", "Procedure", PROCEDURES, 3, in->procedure, e);
    select_of(&b, "about_type", "About", ABOUT, 3, in->about_type, e);
    page_input(&b, "about", "Which service, person or team", NULL, in->about, "text", "off", e);
    const struct enquiry_config *c = http_app(r)->enquiries;
    size_t na = c ? enquiry_config_area_count(c) : 0;
    const char *(*areas)[2] = arena_alloc(http_arena(r), (na ? na : 1) * sizeof *areas);
    for (size_t i = 0; areas && i < na; i++) {
        areas[i][0] = enquiry_config_area_at(c, i)->code;
        areas[i][1] = enquiry_config_area_at(c, i)->label;
    }
    select_of(&b, "service_area", "Service area", (const char *const(*)[2])areas, areas ? na : 0,
              in->service_area, e);
    static const char *const CHANNELS[][2] = {
        {"online", "Online form"}, {"email", "Email"},         {"phone", "Telephone"},
        {"letter", "Letter"},      {"in_person", "In person"}, {"advocate", "Through an advocate"}};
    select_of(&b, "channel", "Received by", CHANNELS, 6, in->channel, e);
    page_input(&b, "from_name", "From (name)", NULL, in->from_name, "text", "off", e);
    page_input(&b, "from_contact", "Their contact details (optional)", NULL, in->from_contact,
               "text", "off", e);
    page_input(&b, "received_on", "Received on (optional: today)", "For example 2026-03-02",
               in->received_on, "text", "off", e);
    textarea(&b, "summary", "summary", "Summary", in->summary, e);
    textarea(&b, "points", "points", "Points of complaint, one a line (complaints only)", points,
             e);
    page_input(&b, "agreed_timescale", "Timescale agreed with the complainant (adults only)",
               "For example 30 working days", in->agreed_timescale, "text", "off", e);
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Record</button></form>");
    page_send(&b, r, status);
}

void page_complaint_new(struct request *r)
{
    struct representation_input in = {0};
    render_new(r, 200, &in, NULL, NULL);
}

void page_complaint_create(struct request *r)
{
    struct representation_input in = {
        .kind = http_form(r, "kind"),
        .procedure = http_form(r, "procedure"),
        .about_type = http_form(r, "about_type"),
        .about = http_form(r, "about"),
        .service_area = http_form(r, "service_area"),
        .channel = http_form(r, "channel"),
        .from_name = http_form(r, "from_name"),
        .from_contact = http_form(r, "from_contact"),
        .summary = http_form(r, "summary"),
        .received_on = http_form(r, "received_on"),
        .agreed_timescale = http_form(r, "agreed_timescale"),
    };
    const char *points = http_form(r, "points");
    struct err e = ERR_INIT;
    /* One point a line; blank lines skipped. */
    char *copy = arena_strdup(http_arena(r), points ? points : ""), *save = NULL;
    for (char *line = copy ? strtok_r(copy, "\r\n", &save) : NULL; line;
         line = strtok_r(NULL, "\r\n", &save)) {
        if (!*line)
            continue;
        if (in.npoints == COMPLAINT_MAX_POINTS) {
            err_set(&e, ERR_INVALID, "points", "Give at most %d points", COMPLAINT_MAX_POINTS);
            render_new(r, 422, &in, points, &e);
            return;
        }
        in.points[in.npoints++] = line;
    }
    int64_t id;
    if (!complaints_create(http_ctx(r), &in, &id, &e)) {
        if (e.code == ERR_INVALID)
            render_new(r, 422, &in, points, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[48];
    snprintf(to, sizeof to, "/complaints/%lld", (long long)id);
    http_redirect(r, to);
}
