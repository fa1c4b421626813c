/*
 * Case note pages: a person's notes with the add form, one note with its
 * versions and the edit form, and full-text search across notes. The
 * chronology page is in pages_chronology.c.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/codelist.h"
#include "domain/notes.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/rect_view.h"

static const char *type_label(struct request *r, const char *code)
{
    const struct codelist *l = codelist_get(http_app(r)->codes, "note_type");
    const char *label = l && code ? codelist_label(l, code) : NULL;
    return label ? label : code;
}

/* --- form pieces ----------------------------------------------------------- */

static void type_select(struct buf *b, struct request *r, const char *value, const struct err *e)
{
    const struct codelist *l = codelist_get(http_app(r)->codes, "note_type");
    bool bad = e && e->code && !strcmp(e->field, "type");
    html(b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label govuk-label--s\" "
         "for=\"type\">Type of note</label>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(b,
             "<p class=\"govuk-error-message\" id=\"type-error\"><span "
             "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
             e->message);
    html(b,
         "<select class=\"govuk-select%s\" id=\"type\" name=\"type\"><option "
         "value=\"\">Choose a type</option>",
         bad ? " govuk-select--error" : "");
    for (size_t i = 0; l && i < codelist_count(l); i++) {
        const char *code, *text;
        codelist_entry(l, i, &code, &text);
        html(b, "<option value=\"%s\"%R>%s</option>", code,
             value && !strcmp(value, code) ? " selected" : "", text);
    }
    html(b, "</select></div>");
}

/* GOV.UK textarea with the character count component. The newline after the
 * opening tag is dropped by HTML parsers, so a note that starts with a blank
 * line survives a round trip through the edit form. */
static void text_area(struct buf *b, const char *value, const struct err *e)
{
    bool bad = e && e->code && !strcmp(e->field, "text");
    html(b,
         "<div class=\"govuk-form-group govuk-character-count%s\" "
         "data-module=\"govuk-character-count\" data-maxlength=\"%d\"><label class=\"govuk-label "
         "govuk-label--s\" for=\"text\">Note</label><div id=\"text-hint\" "
         "class=\"govuk-hint\">What happened, who was there, what was said and decided</div>",
         bad ? " govuk-form-group--error" : "", NOTES_MAX_TEXT);
    if (bad)
        html(b,
             "<p class=\"govuk-error-message\" id=\"text-error\"><span "
             "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
             e->message);
    html(
        b,
        "<textarea class=\"govuk-textarea govuk-js-character-count%s\" id=\"text\" name=\"text\" "
        "rows=\"10\" aria-describedby=\"text-info text-hint\">\n%s</textarea><div id=\"text-info\" "
        "class=\"govuk-hint govuk-character-count__message\">You can enter up to %d "
        "characters</div></div>",
        bad ? " govuk-textarea--error" : "", value ? value : "", NOTES_MAX_TEXT);
}

static void note_fields(struct buf *b, struct request *r, const struct note_input *in,
                        const struct err *e)
{
    type_select(b, r, in->type, e);
    page_date_input(b, "occurred_on", "Date of the event", "For example, 27 3 2026",
                    in->occurred_on, e);
    text_area(b, in->text, e);
}

static void read_form(struct request *r, struct note_input *in)
{
    in->type = http_form(r, "type");
    in->occurred_on = page_form_date(r, "occurred_on");
    in->text = http_form(r, "text");
}

static void banner(struct buf *b, const char *message)
{
    html(b,
         "<div class=\"govuk-notification-banner govuk-notification-banner--success\" "
         "role=\"alert\" data-module=\"govuk-notification-banner\"><div "
         "class=\"govuk-notification-banner__content\"><p "
         "class=\"govuk-notification-banner__heading\">%s</p></div></div>",
         message);
}

static void breadcrumbs(struct buf *b, int64_t person_id, const char *name, bool to_notes)
{
    html(b,
         "<nav class=\"govuk-breadcrumbs\" aria-label=\"Breadcrumb\"><ol "
         "class=\"govuk-breadcrumbs__list\"><li class=\"govuk-breadcrumbs__list-item\"><a "
         "class=\"govuk-breadcrumbs__link\" href=\"/people/%D\">%s</a></li>",
         person_id, name);
    if (to_notes)
        html(b,
             "<li class=\"govuk-breadcrumbs__list-item\"><a class=\"govuk-breadcrumbs__link\" "
             "href=\"/people/%D/notes\">Case notes</a></li>",
             person_id);
    html(b, "</ol></nav>");
}

/* "4 March 2026 · Pat Smith · version 2" */
static void note_meta(struct buf *b, const char *occurred_on, const char *by, int64_t version)
{
    html(b, "<p class=\"govuk-body-s cw-note-meta\">");
    page_date(b, occurred_on);
    html(b, " · written by %s", by);
    if (version > 1)
        html(b, " · <strong class=\"govuk-tag govuk-tag--blue\">version %D</strong>", version);
    html(b, "</p>");
}

/* --- a person's notes ------------------------------------------------------ */

static void render_notes(struct request *r, int64_t person_id, int status,
                         const struct note_input *in, const struct err *e)
{
    struct note_list l;
    struct err le = ERR_INIT;
    char self[48];
    snprintf(self, sizeof self, "/people/%lld/notes", (long long)person_id);
    struct rect_view rv;
    if (!notes_list(http_ctx(r), person_id, &l, &le) ||
        !rect_view_load(r, person_id, self, &rv, &le)) {
        http_reply_err(r, &le);
        return;
    }
    struct buf b = BUF_INIT;
    struct buf title = BUF_INIT;
    buf_printf(&title, "%sCase notes – %s", e && e->code ? "Error: " : "", l.person_name);
    page_begin(&b, r, title.data);
    buf_release(&title);
    breadcrumbs(&b, person_id, l.person_name, false);
    page_error_summary(&b, e);
    if (http_query(r, "added"))
        banner(&b, "Case note added.");
    html(&b,
         "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-l\">Case notes</h1>"
         "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/people/%D/chronology\">"
         "Chronology</a> · <a class=\"govuk-link\" href=\"/notes/search\">Search all case "
         "notes</a></p>",
         l.person_name, person_id);
    if (access_allows(http_principal(r), PERM_PEOPLE_EDIT)) {
        struct buf today = BUF_INIT;
        clock_format_date(&today, clock_london_day(http_ctx(r)->now));
        struct note_input blank = {NULL, today.data, NULL};
        html(&b,
             "<details class=\"govuk-details\"%R><summary class=\"govuk-details__summary\"><span "
             "class=\"govuk-details__summary-text\">Add a case note</span></summary><div "
             "class=\"govuk-details__text\"><form method=\"post\" action=\"/people/%D/notes\" "
             "novalidate>",
             e && e->code ? " open" : "", person_id);
        page_csrf(&b, r);
        note_fields(&b, r, in ? in : &blank, e);
        html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Save note</button>"
                 "</form></div></details>");
        buf_release(&today);
    }
    if (!l.n)
        html(&b, "<p class=\"govuk-body\" data-testid=\"no-notes\">No case notes yet.</p>");
    for (size_t i = 0; i < l.n; i++) {
        const struct note *n = &l.notes[i];
        html(&b,
             "<div class=\"cw-note\" data-testid=\"note\"><h2 class=\"govuk-heading-s\"><a "
             "class=\"govuk-link\" href=\"/people/%D/notes/%D\">%s</a></h2>",
             person_id, n->id, type_label(r, n->type));
        note_meta(&b, n->occurred_on, n->author_name, n->version);
        html(&b, "<div class=\"govuk-body cw-note-text\">%s</div>", n->text);
        rect_view_item(&b, &rv, "note", n->id);
        html(&b, "</div>");
    }
    page_send(&b, r, status);
}

void page_person_notes(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        render_notes(r, id, 200, NULL, NULL);
}

void page_person_note_create(struct request *r)
{
    int64_t person, id;
    struct note_input in;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &person))
        return;
    read_form(r, &in);
    if (!notes_create(http_ctx(r), person, &in, &id, &e)) {
        if (e.code == ERR_INVALID)
            render_notes(r, person, 422, &in, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[64];
    snprintf(to, sizeof to, "/people/%lld/notes?added=%lld", (long long)person, (long long)id);
    http_redirect(r, to);
}

/* --- one note -------------------------------------------------------------- */

static void render_versions(struct buf *b, struct request *r, const struct note *n)
{
    html(b, "<h2 class=\"govuk-heading-m\">Versions</h2><p class=\"govuk-body\">Every version of "
            "this note is kept. The newest is first.</p>");
    for (size_t i = 0; i < n->nversions; i++) {
        const struct note_version *v = &n->versions[i];
        html(b,
             "<div class=\"cw-note cw-note-version\" data-testid=\"version\"><h3 "
             "class=\"govuk-heading-s\">Version %D%R</h3><p class=\"govuk-body-s\">%s · ",
             v->version, v->version == n->version ? " (current)" : "", type_label(r, v->type));
        page_date(b, v->occurred_on);
        html(b, " · saved by %s on ", v->saved_by_name);
        page_when(b, v->created_at);
        if (v->corrections) {
            html(b, " · corrected %s, last on ", v->corrections == 1 ? "once" : "more than once");
            page_when(b, v->updated_at);
        }
        html(b, "</p><div class=\"govuk-body cw-note-text\">%s</div></div>", v->text);
    }
}

static void render_note(struct request *r, int64_t person_id, int64_t note_id, int status,
                        const struct note_input *in, const struct err *e)
{
    struct note n;
    struct err le = ERR_INIT;
    char self[64];
    snprintf(self, sizeof self, "/people/%lld/notes/%lld", (long long)person_id,
             (long long)note_id);
    struct rect_view rv;
    if (!notes_get(http_ctx(r), person_id, note_id, &n, &le) ||
        !rect_view_load(r, person_id, self, &rv, &le)) {
        http_reply_err(r, &le);
        return;
    }
    const struct principal *who = http_principal(r);
    struct buf b = BUF_INIT, title = BUF_INIT;
    buf_printf(&title, "%s%s – %s", e && e->code ? "Error: " : "", type_label(r, n.type),
               n.person_name);
    page_begin(&b, r, title.data);
    buf_release(&title);
    breadcrumbs(&b, person_id, n.person_name, true);
    page_error_summary(&b, e);
    const char *saved = http_query(r, "saved");
    if (saved)
        banner(&b, !strcmp(saved, "version") ? "Your change was saved as a new version."
                                             : "Note corrected.");
    html(&b,
         "<span class=\"govuk-caption-l\">%s · case note %D</span><h1 class=\"govuk-heading-l\" "
         "data-testid=\"note-type\">%s</h1>",
         n.person_name, n.id, type_label(r, n.type));
    note_meta(&b, n.occurred_on, n.author_name, n.version);
    html(&b, "<div class=\"govuk-body cw-note-text\" data-testid=\"note-text\">%s</div>", n.text);
    rect_view_item(&b, &rv, "note", n.id);
    if (who && who->user_id == n.author_id && access_allows(who, PERM_PEOPLE_EDIT)) {
        struct note_input cur = {n.type, n.occurred_on, n.text};
        html(&b,
             "<details class=\"govuk-details\"%R><summary class=\"govuk-details__summary\">"
             "<span class=\"govuk-details__summary-text\">Change this note</span></summary>"
             "<div class=\"govuk-details__text\"><p class=\"govuk-body\" "
             "data-testid=\"edit-rule\">",
             e && e->code ? " open" : "");
        if (http_ctx(r)->now < n.editable_until) {
            html(&b, "You can correct this note until ");
            page_when(&b, n.editable_until);
            html(&b, ". After that, a change is saved as a new version and this one stays "
                     "visible.");
        } else {
            html(&b,
                 "Your change will be saved as version %D. Version %D stays visible in the "
                 "history.",
                 n.version + 1, n.version);
        }
        html(&b, "</p><form method=\"post\" action=\"/people/%D/notes/%D\" novalidate>", person_id,
             n.id);
        page_csrf(&b, r);
        note_fields(&b, r, in ? in : &cur, e);
        html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Save "
                 "change</button></form></div></details>");
    }
    render_versions(&b, r, &n);
    page_send(&b, r, status);
}

void page_person_note(struct request *r)
{
    int64_t person, note;
    if (http_param_id(r, "id", &person) && http_param_id(r, "note", &note))
        render_note(r, person, note, 200, NULL, NULL);
}

void page_person_note_update(struct request *r)
{
    int64_t person, note;
    struct note_input in;
    struct err e = ERR_INIT;
    bool added = false;
    if (!http_param_id(r, "id", &person) || !http_param_id(r, "note", &note))
        return;
    read_form(r, &in);
    if (!notes_edit(http_ctx(r), person, note, &in, &added, &e)) {
        if (e.code == ERR_INVALID)
            render_note(r, person, note, 422, &in, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[80];
    snprintf(to, sizeof to, "/people/%lld/notes/%lld?saved=%s", (long long)person, (long long)note,
             added ? "version" : "corrected");
    http_redirect(r, to);
}

/* --- search ---------------------------------------------------------------- */

/* A snippet with its match marks as <mark>; every piece of text is escaped. */
static void snippet(struct buf *b, const char *s)
{
    struct buf piece = BUF_INIT;
    for (;; s++) {
        if (*s && *s != NOTES_MARK_START && *s != NOTES_MARK_END) {
            buf_putc(&piece, *s);
            continue;
        }
        html(b, "%s", piece.data);
        buf_reset(&piece);
        if (!*s)
            break;
        /* Raw markup this function builds: the marks become <mark> tags. */
        html(b, "%R", *s == NOTES_MARK_START ? "<mark>" : "</mark>");
    }
    buf_release(&piece);
}

void page_notes_search(struct request *r)
{
    const char *q = http_query(r, "q");
    struct note_hit hits[NOTES_MAX_RESULTS];
    size_t n = 0;
    struct err e = ERR_INIT;
    bool searched = q && *q;
    if (searched && !notes_search(http_ctx(r), q, hits, NOTES_MAX_RESULTS, &n, &e) &&
        e.code != ERR_INVALID) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, e.code ? "Error: Search case notes" : "Search case notes");
    page_error_summary(&b, &e);
    html(&b, "<h1 class=\"govuk-heading-l\">Search case notes</h1><form method=\"get\" "
             "action=\"/notes/search\" role=\"search\">");
    page_input(&b, "q", "Words to find",
               "Every word must appear in the note. End a word with * to match its beginning, "
               "like assess*.",
               q ? q : "", "search", "off", &e);
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Search</button></form>");
    if (searched && !e.code && !n)
        html(&b,
             "<p class=\"govuk-body\" data-testid=\"no-results\">No case notes found for "
             "&lsquo;%s&rsquo;.</p>",
             q);
    if (n)
        html(&b, "<table class=\"govuk-table\" data-testid=\"note-results\"><thead "
                 "class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
                 "class=\"govuk-table__header\">Person</th><th scope=\"col\" "
                 "class=\"govuk-table__header\">Note</th><th scope=\"col\" "
                 "class=\"govuk-table__header\">Where the words appear</th></tr></thead><tbody "
                 "class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        const struct note_hit *h = &hits[i];
        html(&b,
             "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
             "class=\"govuk-link\" href=\"/people/%D\">%s</a></td><td "
             "class=\"govuk-table__cell\"><a class=\"govuk-link\" "
             "href=\"/people/%D/notes/%D\">%s</a><br><span class=\"govuk-body-s\">",
             h->person_id, h->person_name, h->person_id, h->note_id, type_label(r, h->type));
        page_date(&b, h->occurred_on);
        html(&b, "</span></td><td class=\"govuk-table__cell cw-snippet\">");
        snippet(&b, h->snippet);
        html(&b, "</td></tr>");
    }
    if (n)
        html(&b, "</tbody></table>");
    page_send(&b, r, e.code ? err_http_status(e.code) : 200);
}
