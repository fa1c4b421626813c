/*
 * rect_view: rectification notes shown beside the item they are attached to
 * (domain/rectification). The item is shown as it is; each note follows it
 * with who added it and when, and users who may add one get a link to the
 * form (/people/:id/rectifications/new).
 *
 * Appends to a caller-owned buffer; the list is the caller's (rect_list).
 * Thread-safe.
 */
#ifndef CASEWORK_WEB_RECT_VIEW_H
#define CASEWORK_WEB_RECT_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/rectification.h"
#include "http/http.h"

struct rect_view {
    int64_t person_id;
    const struct rectification *items;
    size_t n;
    const char *next; /* the page to come back to after adding one */
    bool can_add;     /* the user holds PERM_PEOPLE_EDIT */
};

/* Load person_id's notes for a page (need-to-know view access, as the page
 * itself). False with e set. */
bool rect_view_load(struct request *r, int64_t person_id, const char *next, struct rect_view *v,
                    struct err *e);

/* The notes on item_type/item_id, then the link to add one. */
void rect_view_item(struct buf *b, const struct rect_view *v, const char *item_type,
                    int64_t item_id);

#endif
