/*
 * /api/v1/people/:id/rectifications: notes attached to items of a record.
 */
#include <stdio.h>

#include "api/api.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "domain/rectification.h"

static void reply_list(struct request *r, int status, int64_t person_id)
{
    struct rectification *list;
    size_t n;
    struct err e = ERR_INIT;
    if (!rect_list(http_ctx(r), person_id, &list, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++) {
        struct buf at = BUF_INIT;
        clock_format_instant(&at, list[i].created_at);
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)list[i].id,
                             "item_type", list[i].item_type, "item_id", (json_int_t)list[i].item_id,
                             "text", list[i].text, "created_by", list[i].created_by, "created_at",
                             at.data ? at.data : ""));
        buf_release(&at);
    }
    http_reply_json(r, status,
                    json_pack("{s:I, s:o}", "person_id", (json_int_t)person_id, "items", items));
}

void api_rect_add(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"item_type", JSONV_STRING, true, 20},
        {"item_id", JSONV_INTEGER, true, 0},
        {"text", JSONV_STRING, true, RECTIFICATION_TEXT_MAX}};
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 3))
        return;
    json_t *b = http_json(r);
    if (!rect_add(http_ctx(r), id, jsonv_string(b, "item_type"),
                  json_integer_value(json_object_get(b, "item_id")), jsonv_string(b, "text"), NULL,
                  &e)) {
        http_reply_err(r, &e);
        return;
    }
    reply_list(r, 201, id);
}

void api_rect_list(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_list(r, 200, id);
}
