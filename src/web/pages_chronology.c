/*
 * A person's chronology page: the filter form (types, from and to dates), the
 * timeline (MOJ timeline component), and a plain copy to print (?print=1:
 * no header, navigation, footer or forms; the print stylesheet in
 * assets/casework.css hides the same on the ordinary page).
 */
#include <string.h>

#include "domain/chronology.h"
#include "web/page.h"
#include "web/pages.h"

/* Every ?types= value: checkboxes repeat it, a client may list several. */
static bool read_types(struct request *r, unsigned *mask, struct err *e)
{
    const char *v[2 * CHRON_TYPE_COUNT];
    return chronology_parse_types(v, http_query_all(r, "types", v, sizeof v / sizeof v[0]), mask,
                                  e);
}

/* The query string that reproduces this filter (for the print link). */
static void filter_query(struct buf *b, const struct chron_filter *f)
{
    for (unsigned t = 0; t < CHRON_TYPE_COUNT; t++)
        if (f->types & (1u << t))
            html(b, "&amp;types=%u", chronology_type_name(t));
    if (f->from && *f->from)
        html(b, "&amp;from=%u", f->from);
    if (f->to && *f->to)
        html(b, "&amp;to=%u", f->to);
}

static void date_field(struct buf *b, const char *name, const char *label, const char *value,
                       const struct err *e)
{
    bool bad = e && e->code && !strcmp(e->field, name);
    html(b,
         "<div class=\"govuk-form-group%s cw-inline-field\"><label class=\"govuk-label\" "
         "for=\"%s\">%s</label>",
         bad ? " govuk-form-group--error" : "", name, label);
    if (bad)
        html(b,
             "<p class=\"govuk-error-message\" id=\"%s-error\"><span "
             "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
             name, e->message);
    html(b,
         "<input class=\"govuk-input govuk-input--width-10%s\" id=\"%s\" name=\"%s\" "
         "type=\"date\" value=\"%s\"></div>",
         bad ? " govuk-input--error" : "", name, name, value ? value : "");
}

static void filter_form(struct buf *b, int64_t person_id, const struct chron_filter *f,
                        const struct err *e)
{
    html(b,
         "<form method=\"get\" action=\"/people/%D/chronology\" class=\"cw-filter\" "
         "data-testid=\"chronology-filter\"><div class=\"govuk-form-group\"><fieldset "
         "class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
         "govuk-fieldset__legend--s\">Show</legend><div class=\"govuk-checkboxes "
         "govuk-checkboxes--small\">",
         person_id);
    for (unsigned t = 0; t < CHRON_TYPE_COUNT; t++)
        html(b,
             "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" "
             "id=\"types-%s\" name=\"types\" type=\"checkbox\" value=\"%s\"%R><label "
             "class=\"govuk-label govuk-checkboxes__label\" for=\"types-%s\">%s</label></div>",
             chronology_type_name(t), chronology_type_name(t),
             !f->types || (f->types & (1u << t)) ? " checked" : "", chronology_type_name(t),
             chronology_type_label(t));
    html(b, "</div></fieldset></div>");
    date_field(b, "from", "From", f->from, e);
    date_field(b, "to", "To", f->to, e);
    html(b,
         "<div class=\"govuk-button-group\"><button class=\"govuk-button "
         "govuk-button--secondary\" data-module=\"govuk-button\">Apply filters</button><a "
         "class=\"govuk-link\" href=\"/people/%D/chronology\">Clear filters</a></div></form>",
         person_id);
}

static void timeline(struct buf *b, const struct chronology *c)
{
    if (!c->n) {
        html(b, "<p class=\"govuk-body\" data-testid=\"no-events\">Nothing recorded for these "
                "filters.</p>");
        return;
    }
    html(b, "<div class=\"moj-timeline\" data-testid=\"timeline\">");
    for (size_t i = 0; i < c->n; i++) {
        const struct chron_event *ev = &c->events[i];
        html(b,
             "<div class=\"moj-timeline__item\" data-testid=\"event\" data-type=\"%s\" "
             "data-date=\"%s\"><div class=\"moj-timeline__header\"><h2 "
             "class=\"moj-timeline__title\">",
             chronology_type_name(ev->type), ev->date);
        if (ev->type == CHRON_NOTE)
            html(b, "<a class=\"govuk-link\" href=\"/people/%D/notes/%D\">%s</a>", c->person_id,
                 ev->source_id, ev->title);
        else if (ev->related_person_id)
            html(b, "<a class=\"govuk-link\" href=\"/people/%D\">%s</a>", ev->related_person_id,
                 ev->title);
        else
            html(b, "%s", ev->title);
        html(b, "</h2>");
        if (*ev->by)
            html(b, " <p class=\"moj-timeline__byline\">recorded by %s</p>", ev->by);
        html(b, "</div><p class=\"moj-timeline__date\"><time datetime=\"%s\">", ev->date);
        page_date(b, ev->date);
        html(b, "</time> · %s</p>", chronology_type_label(ev->type));
        if (*ev->text)
            html(b, "<div class=\"moj-timeline__description cw-note-text\">%s</div>", ev->text);
        html(b, "</div>");
    }
    html(b, "</div>");
}

void page_person_chronology(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    bool print = http_query(r, "print") != NULL;
    struct chron_filter f = {0, http_query(r, "from"), http_query(r, "to"), print};
    struct chronology c;
    struct err e = ERR_INIT;
    /* A bad filter is shown on the form; anything else (not found, denied) is
     * an error page. */
    bool ok = read_types(r, &f.types, &e) && chronology_get(http_ctx(r), id, &f, &c, &e);
    if (!ok && e.code != ERR_INVALID) {
        http_reply_err(r, &e);
        return;
    }
    if (!ok) {
        /* Nothing was read: the form comes back with the error, and no name. */
        c.person_name = "";
        f.types = 0;
    }
    struct buf b = BUF_INIT, title = BUF_INIT;
    buf_printf(&title, "%sChronology%s%s", ok ? "" : "Error: ", ok ? " – " : "", c.person_name);
    if (print && ok) {
        page_begin_plain(&b, r, title.data);
        html(&b, "<p class=\"govuk-body-s\">OFFICIAL-SENSITIVE: personal data. Printed by %s on ",
             http_principal(r)->display_name);
        page_when(&b, http_ctx(r)->now);
        html(&b, ".</p>");
    } else {
        page_begin(&b, r, title.data);
        html(&b,
             "<nav class=\"govuk-breadcrumbs\" aria-label=\"Breadcrumb\"><ol "
             "class=\"govuk-breadcrumbs__list\"><li class=\"govuk-breadcrumbs__list-item\"><a "
             "class=\"govuk-breadcrumbs__link\" href=\"/people/%D\">%s</a></li></ol></nav>",
             id, ok ? c.person_name : "Person");
        page_error_summary(&b, &e);
    }
    buf_release(&title);
    html(&b,
         "<span class=\"govuk-caption-l\">%s%sperson %D</span><h1 "
         "class=\"govuk-heading-l\">Chronology</h1>",
         c.person_name, ok ? " · " : "", id);
    if (ok && (f.types || (f.from && *f.from) || (f.to && *f.to))) {
        html(&b, "<p class=\"govuk-body\" data-testid=\"filter-summary\">Showing ");
        for (unsigned t = 0, k = 0; t < CHRON_TYPE_COUNT; t++)
            if (!f.types || (f.types & (1u << t)))
                html(&b, "%s%s", k++ ? ", " : "", chronology_type_label(t));
        if (f.from && *f.from) {
            html(&b, " from ");
            page_date(&b, f.from);
        }
        if (f.to && *f.to) {
            html(&b, " to ");
            page_date(&b, f.to);
        }
        html(&b, ".</p>");
    }
    if (!print || !ok) {
        filter_form(&b, id, &f, &e);
        html(&b,
             "<p class=\"govuk-body cw-no-print\"><a class=\"govuk-link\" "
             "data-testid=\"print-link\" "
             "href=\"/people/%D/chronology?print=1",
             id);
        filter_query(&b, &f);
        html(&b,
             "\">Printable version</a> · <a class=\"govuk-link\" "
             "href=\"/people/%D/notes\">Case notes</a></p>",
             id);
    }
    if (ok) {
        if (c.truncated)
            html(&b,
                 "<div class=\"govuk-inset-text\">Only the newest %d events are shown. Choose "
                 "a date range to see earlier ones.</div>",
                 CHRONOLOGY_MAX_EVENTS);
        timeline(&b, &c);
    }
    if (print && ok)
        page_send_plain(&b, r, 200);
    else
        page_send(&b, r, ok ? 200 : 422);
}
