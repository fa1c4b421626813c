/*
 * rect_view: rectification notes beside their items.
 */
#include "web/rect_view.h"

#include <string.h>

#include "web/page.h"

bool rect_view_load(struct request *r, int64_t person_id, const char *next, struct rect_view *v,
                    struct err *e)
{
    struct rectification *l;
    size_t n;
    memset(v, 0, sizeof *v);
    if (!rect_list(http_ctx(r), person_id, &l, &n, e))
        return false;
    v->person_id = person_id;
    v->items = l;
    v->n = n;
    v->next = next;
    v->can_add = access_allows(http_principal(r), PERM_PEOPLE_EDIT);
    return true;
}

void rect_view_item(struct buf *b, const struct rect_view *v, const char *item_type,
                    int64_t item_id)
{
    for (size_t i = 0; i < v->n; i++) {
        const struct rectification *x = &v->items[i];
        if (x->item_id != item_id || strcmp(x->item_type, item_type))
            continue;
        html(b,
             "<div class=\"govuk-inset-text govuk-!-margin-top-1 govuk-!-margin-bottom-2\" "
             "data-testid=\"rectification\" data-item=\"%s-%D\"><p class=\"govuk-body-s "
             "govuk-!-margin-bottom-1\"><strong>Rectification note</strong> by %s, ",
             item_type, item_id, x->created_by);
        page_when(b, x->created_at);
        html(b, "</p><p class=\"govuk-body govuk-!-margin-bottom-0\">%s</p></div>", x->text);
    }
    if (v->can_add)
        html(b,
             "<p class=\"govuk-body-s\"><a class=\"govuk-link\" data-testid=\"add-rectification\" "
             "href=\"/people/%D/rectifications/new?item_type=%s&amp;item_id=%D&amp;next=%s\">"
             "Add a rectification note<span class=\"govuk-visually-hidden\"> to this %s</span>"
             "</a></p>",
             v->person_id, item_type, item_id, v->next ? v->next : "", item_type);
}
