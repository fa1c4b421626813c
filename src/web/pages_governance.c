/*
 * Information governance pages: the break-glass form a worker with no
 * legitimate relationship sees before opening a record, and the managers'
 * list of overrides to review.
 */
#include <stdio.h>
#include <string.h>

#include "core/codelist.h"
#include "domain/need_to_know.h"
#include "web/page.h"
#include "web/pages.h"

/* Only a local path may be returned to: never another site ("//x", "/\x"). */
static const char *local_next(const char *next, int64_t id, char *fallback, size_t n)
{
    if (next && next[0] == '/' && next[1] != '/' && next[1] != '\\' && strlen(next) < 512)
        return next;
    snprintf(fallback, n, "/people/%lld", (long long)id);
    return fallback;
}

static void render_form(struct request *r, int64_t id, int status, const char *reason,
                        const char *detail, const char *next, const struct err *e)
{
    const struct codelist *l = codelist_get(http_app(r)->codes, "break_glass_reason");
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Give a reason to open this record");
    page_error_summary(&b, e);
    html(&b,
         "<span class=\"govuk-caption-l\">Person %D</span>"
         "<h1 class=\"govuk-heading-l\">Give a reason to open this record</h1>"
         "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" "
         "aria-hidden=\"true\">!</span><strong class=\"govuk-warning-text__text\">"
         "<span class=\"govuk-visually-hidden\">Warning</span>You have no work with this "
         "person: no allocated case, contact or grant. Opening the record is recorded with "
         "your reason and reviewed by the record's manager.</strong></div>"
         "<form method=\"post\" action=\"/people/%D/break-glass\" novalidate>",
         id, id);
    page_csrf(&b, r);
    html(&b, "<input type=\"hidden\" name=\"next\" value=\"%s\">", next);
    bool bad = e && e->code && !strcmp(e->field, "reason");
    html(&b,
         "<div class=\"govuk-form-group%s\"><fieldset class=\"govuk-fieldset\" id=\"reason\">"
         "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--m\">Why do you need "
         "this record?</legend>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(&b,
             "<p class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:"
             "</span> %s</p>",
             e->message);
    html(&b, "<div class=\"govuk-radios\" data-module=\"govuk-radios\">");
    for (size_t i = 0; i < codelist_count(l); i++) {
        const char *code, *label;
        codelist_entry(l, i, &code, &label);
        html(&b,
             "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" "
             "id=\"reason-%s\" name=\"reason\" type=\"radio\" value=\"%s\"%R>"
             "<label class=\"govuk-label govuk-radios__label\" for=\"reason-%s\">%s</label>"
             "</div>",
             code, code, reason && !strcmp(reason, code) ? " checked" : "", code, label);
    }
    html(&b, "</div></fieldset></div>");
    bad = e && e->code && !strcmp(e->field, "detail");
    html(&b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label govuk-label--s\" "
         "for=\"detail\">Say what you need it for</label>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(&b,
             "<p class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:"
             "</span> %s</p>",
             e->message);
    html(&b,
         "<textarea class=\"govuk-textarea\" id=\"detail\" name=\"detail\" rows=\"4\">%s"
         "</textarea></div>"
         "<div class=\"govuk-button-group\"><button class=\"govuk-button "
         "govuk-button--warning\" data-module=\"govuk-button\" id=\"break-glass\">Open the "
         "record</button><a class=\"govuk-link\" href=\"/people\">Cancel</a></div></form>",
         detail ? detail : "");
    page_send(&b, r, status);
}

void page_break_glass_form(struct request *r)
{
    int64_t id;
    char fallback[40];
    if (!http_param_id(r, "id", &id))
        return;
    render_form(r, id, 200, NULL, NULL,
                local_next(http_query(r, "next"), id, fallback, sizeof fallback), NULL);
}

void page_break_glass(struct request *r)
{
    int64_t id;
    char fallback[40];
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    const char *next = local_next(http_form(r, "next"), id, fallback, sizeof fallback);
    const char *reason = http_form(r, "reason"), *detail = http_form(r, "detail");
    if (ntk_break_glass(http_ctx(r), id, reason, detail, NULL, &e)) {
        http_redirect(r, next);
        return;
    }
    if (e.code == ERR_INVALID)
        render_form(r, id, 422, reason, detail, next, &e);
    else
        http_reply_err(r, &e);
}

/* --- review -------------------------------------------------------------- */

static void override_rows(struct buf *b, struct request *r, const struct ntk_override_list *l,
                          bool reviewed)
{
    if (!l->n) {
        html(b, "<p class=\"govuk-body\">None.</p>");
        return;
    }
    html(b, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
            "class=\"govuk-table__row\"><th class=\"govuk-table__header\">When</th>"
            "<th class=\"govuk-table__header\">Who</th><th class=\"govuk-table__header\">"
            "Record</th><th class=\"govuk-table__header\">Reason</th>"
            "<th class=\"govuk-table__header\">Review</th></tr></thead>"
            "<tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < l->n; i++) {
        const struct ntk_override *o = &l->items[i];
        html(b,
             "<tr class=\"govuk-table__row\" data-testid=\"override-%D\"><td "
             "class=\"govuk-table__cell\">",
             o->id);
        page_when(b, o->granted_at);
        html(b,
             "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">"
             "<a class=\"govuk-link\" href=\"/people/%D\">%s</a></td>"
             "<td class=\"govuk-table__cell\"><strong>%s</strong><br>%s</td>"
             "<td class=\"govuk-table__cell\">",
             o->username, o->person_id, o->person_name, o->reason_label, o->reason_text);
        if (reviewed) {
            html(b, "%s: %s", o->reviewed_by, o->review_note);
        } else {
            html(b,
                 "<form method=\"post\" action=\"/overrides/%D/review\" novalidate>"
                 "<label class=\"govuk-label govuk-visually-hidden\" for=\"note-%D\">Outcome "
                 "of the review</label><input class=\"govuk-input\" id=\"note-%D\" "
                 "name=\"note\" type=\"text\">",
                 o->id, o->id, o->id);
            page_csrf(b, r);
            html(b, "<button class=\"govuk-button govuk-button--secondary\" "
                    "data-module=\"govuk-button\">Mark reviewed</button></form>");
        }
        html(b, "</td></tr>");
    }
    html(b, "</tbody></table>");
}

static void render_overrides(struct request *r, int status, const struct err *fe)
{
    struct ntk_override_list todo, done;
    struct err e = ERR_INIT;
    if (!ntk_overrides(http_ctx(r), false, &todo, &e) ||
        !ntk_overrides(http_ctx(r), true, &done, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Overrides to review");
    page_error_summary(&b, fe);
    html(&b, "<h1 class=\"govuk-heading-l\">Overrides to review</h1><p class=\"govuk-body\">"
             "Records opened without a legitimate relationship, on records your teams "
             "hold.</p>");
    override_rows(&b, r, &todo, false);
    html(&b, "<h2 class=\"govuk-heading-m\">Reviewed</h2>");
    override_rows(&b, r, &done, true);
    page_send(&b, r, status);
}

void page_overrides(struct request *r)
{
    render_overrides(r, 200, NULL);
}

void page_override_review(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (ntk_override_review(http_ctx(r), id, http_form(r, "note"), &e))
        http_redirect(r, "/overrides");
    else if (e.code == ERR_INVALID)
        render_overrides(r, 422, &e);
    else
        http_reply_err(r, &e);
}
