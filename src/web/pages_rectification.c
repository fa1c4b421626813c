/*
 * Rectification pages: the form to attach a rectification note to one item
 * of a person's record (reached from the "Add a rectification note" link
 * beside the item, web/rect_view), and adding it. The item is never changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/need_to_know.h"
#include "domain/rectification.h"
#include "web/page.h"
#include "web/pages.h"

static const struct {
    const char *type, *label;
} kinds[] = {
    {"person", "the record's details"},
    {"name", "a name"},
    {"address", "an address"},
    {"contact_detail", "a phone number or email"},
    {"relationship", "a relationship"},
    {"note", "a case note"},
    {"case", "a case"},
    {"step", "a step or form"},
    {"contact", "a contact"},
};

static const char *kind_label(const char *type)
{
    for (size_t i = 0; type && i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].type, type))
            return kinds[i].label;
    return NULL;
}

/* Only a local path may be returned to: never another site ("//x", "/\x"). */
static const char *local_next(struct request *r, const char *next, int64_t id)
{
    if (next && next[0] == '/' && next[1] != '/' && next[1] != '\\' && strlen(next) < 512)
        return next;
    char fallback[40];
    snprintf(fallback, sizeof fallback, "/people/%lld", (long long)id);
    return arena_strdup(http_arena(r), fallback);
}

static void render(struct request *r, int64_t id, int status, const char *type, const char *item_id,
                   const char *text, const char *next, const struct err *e)
{
    const char *label = kind_label(type);
    if (!label) {
        http_reply_problem(r, 404, "Not found", "There is no such kind of item", NULL);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Add a rectification note");
    page_error_summary(&b, e);
    html(&b,
         "<span class=\"govuk-caption-l\">Person %D</span><h1 class=\"govuk-heading-l\">Add a "
         "rectification note</h1><p class=\"govuk-body\">The note is attached to %s (%s %s) "
         "and shown beside it with your name and the time. The item itself is not changed: "
         "say what is wrong or missing.</p><form method=\"post\" "
         "action=\"/people/%D/rectifications\" novalidate>",
         id, label, type, item_id, id);
    page_csrf(&b, r);
    html(&b,
         "<input type=\"hidden\" name=\"item_type\" value=\"%s\"><input type=\"hidden\" "
         "name=\"item_id\" value=\"%s\"><input type=\"hidden\" name=\"next\" value=\"%s\">",
         type, item_id, next);
    bool bad = e && e->code;
    html(&b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label govuk-label--s\" "
         "for=\"text\">What is wrong or missing</label>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(&b,
             "<p class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:"
             "</span> %s</p>",
             e->message);
    html(&b,
         "<textarea class=\"govuk-textarea\" id=\"text\" name=\"text\" rows=\"5\">%s</textarea>"
         "</div><div class=\"govuk-button-group\"><button class=\"govuk-button\" "
         "data-module=\"govuk-button\" id=\"add-rectification\">Add note</button><a "
         "class=\"govuk-link\" href=\"%s\">Cancel</a></div></form>",
         text ? text : "", next);
    page_send(&b, r, status);
}

void page_rect_form(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    /* The form names nothing of the record, but only those who may add a
     * note to it get one (a break-glass reason otherwise). */
    struct err e = ERR_INIT;
    if (!ntk_require(http_ctx(r), id, ACTION_EDIT, &e)) {
        http_reply_err(r, &e);
        return;
    }
    const char *item_id = http_query(r, "item_id");
    render(r, id, 200, http_query(r, "item_type"), item_id ? item_id : "", NULL,
           local_next(r, http_query(r, "next"), id), NULL);
}

void page_rect_add(struct request *r)
{
    int64_t id, item = 0;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    const char *type = http_form(r, "item_type"), *item_id = http_form(r, "item_id");
    const char *text = http_form(r, "text");
    const char *next = local_next(r, http_form(r, "next"), id);
    char *end = NULL;
    if (item_id && *item_id)
        item = strtoll(item_id, &end, 10);
    if (!item_id || !*item_id || !end || *end || item <= 0)
        err_set(&e, ERR_INVALID, "item_id", "Choose the item the note is about");
    else if (rect_add(http_ctx(r), id, type, item, text, NULL, &e)) {
        http_redirect(r, next);
        return;
    }
    if (e.code == ERR_INVALID && kind_label(type))
        render(r, id, 422, type, item_id ? item_id : "", text, next, &e);
    else
        http_reply_err(r, &e);
}
