/*
 * Information governance pages from the audit log: who has seen a person's
 * record, and what a user looked at; each also as a CSV download.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/access_log.h"
#include "web/page.h"
#include "web/pages.h"

/* One CSV field (RFC 4180 quoting). A spreadsheet would run a cell starting
 * with = + - @ as a formula, so such text gets a leading apostrophe. */
static void csv_field(struct buf *b, const char *s, bool last)
{
    s = s ? s : "";
    buf_putc(b, '"');
    if (strchr("=+-@", s[0]) && s[0])
        buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"')
            buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_puts(b, last ? "\"\r\n" : "\",");
}

struct listing {
    struct buf *b;
    bool csv, per_user;
    size_t n;
};

static bool row_out(const struct access_log_row *row, void *arg)
{
    struct listing *l = arg;
    l->n++;
    if (l->csv) {
        struct buf when = BUF_INIT;
        clock_format_instant(&when, row->at);
        csv_field(l->b, when.data, false);
        buf_release(&when);
        csv_field(l->b, l->per_user ? row->record_type : row->actor, false);
        if (l->per_user)
            csv_field(l->b, row->record_id, false);
        csv_field(l->b, row->action, false);
        csv_field(l->b, row->reason, false);
        csv_field(l->b, row->override ? "yes" : "no", false);
        csv_field(l->b, row->detail, true);
        return true;
    }
    html(l->b, "<tr class=\"govuk-table__row\" data-testid=\"access-row\"><td "
               "class=\"govuk-table__cell\">");
    page_when(l->b, row->at);
    if (l->per_user) {
        if (!strcmp(row->record_type, "person"))
            html(l->b,
                 "</td><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                 "href=\"/people/%s/seen-by\">Person %s</a>",
                 row->record_id, row->record_id);
        else
            html(l->b, "</td><td class=\"govuk-table__cell\">%s %s", row->record_type,
                 row->record_id);
    } else {
        html(l->b,
             "</td><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
             "href=\"/users/%D/activity\">%s</a>",
             row->actor_id, row->actor);
    }
    html(l->b,
         "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td>"
         "<td class=\"govuk-table__cell\">%R</td></tr>",
         row->action, row->reason,
         row->override ? "<strong class=\"govuk-tag govuk-tag--red\">Override</strong>" : "");
    return true;
}

static void reply(struct request *r, bool per_user)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    const char *format = http_query(r, "format");
    bool csv = format && !strcmp(format, "csv");
    struct buf b = BUF_INIT;
    struct listing l = {&b, csv, per_user, 0};
    struct err e = ERR_INIT;
    char title[80];
    snprintf(title, sizeof title,
             per_user ? "What user %lld looked at" : "Who has seen person %lld", (long long)id);
    if (csv) {
        buf_puts(&b, per_user ? "\"when\",\"record_type\",\"record_id\",\"action\",\"reason\","
                                "\"override\",\"detail\"\r\n"
                              : "\"when\",\"user\",\"action\",\"reason\",\"override\","
                                "\"detail\"\r\n");
    } else {
        page_begin(&b, r, title);
        html(&b,
             "<h1 class=\"govuk-heading-l\">%s</h1><p class=\"govuk-body\">Every view and change, "
             "newest first (at most %d here; the download has up to %d). Looking at this list "
             "is recorded too.</p><p class=\"govuk-body\"><a class=\"govuk-link\" "
             "href=\"?format=csv\" download>Download as CSV</a></p>"
             "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
             "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">When</th>"
             "<th scope=\"col\" class=\"govuk-table__header\">%s</th><th scope=\"col\" "
             "class=\"govuk-table__header\">What</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Reason</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Override</th></tr></thead><tbody "
             "class=\"govuk-table__body\">",
             title, ACCESS_LOG_PAGE, ACCESS_LOG_EXPORT_MAX, per_user ? "Record" : "Who");
    }
    int limit = csv ? ACCESS_LOG_EXPORT_MAX : ACCESS_LOG_PAGE;
    bool ok = per_user ? access_log_user(http_ctx(r), id, limit, row_out, &l, &e)
                       : access_log_person(http_ctx(r), id, limit, row_out, &l, &e);
    if (!ok) {
        buf_release(&b);
        http_reply_err(r, &e);
        return;
    }
    if (csv) {
        char disposition[80];
        snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%lld-access.csv\"",
                 per_user ? "user" : "person", (long long)id);
        http_add_header(r, "Content-Disposition", disposition);
        http_reply_bytes(r, 200, "text/csv; charset=utf-8", &b);
        return;
    }
    html(&b, "</tbody></table>");
    page_send(&b, r, 200);
}

void page_person_seen_by(struct request *r)
{
    reply(r, false);
}

void page_user_activity(struct request *r)
{
    reply(r, true);
}
