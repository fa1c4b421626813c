/*
 * /api/v1/people/:id/relationships and /api/v1/relationships/:id/end.
 */
#include <stdio.h>

#include "api/api.h"
#include "core/jsonv.h"
#include "domain/relationships.h"

static void reply_list(struct request *r, int status, int64_t person_id)
{
    struct relationship *rels;
    size_t n;
    struct err e = ERR_INIT;
    if (!rel_list(http_ctx(r), person_id, &rels, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct relationship *x = &rels[i];
        json_t *j =
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)x->id, "type",
                      x->type, "label", x->label, "other_label", x->other_label, "other_name",
                      x->other_name, "professional", x->professional, "hidden", x->hidden);
        json_object_set_new(j, "other_id", x->other_id ? json_integer(x->other_id) : json_null());
        json_object_set_new(j, "professional_org",
                            *x->professional_org ? json_string(x->professional_org) : json_null());
        json_object_set_new(j, "from_date",
                            *x->from_date ? json_string(x->from_date) : json_null());
        json_object_set_new(j, "to_date", *x->to_date ? json_string(x->to_date) : json_null());
        json_array_append_new(list, j);
    }
    http_reply_json(
        r, status,
        json_pack("{s:I, s:o}", "person_id", (json_int_t)person_id, "relationships", list));
}

void api_relationships_list(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_list(r, 200, id);
}

void api_relationships_add(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"type", JSONV_STRING, true, 40},
        {"related_id", JSONV_INTEGER, false, 0},
        {"professional_name", JSONV_STRING, false, 200},
        {"professional_org", JSONV_STRING, false, 200},
        {"from_date", JSONV_STRING, false, 10},
    };
    int64_t id;
    struct err e = ERR_INIT;
    json_t *b = http_json(r);
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    struct relationship_input in = {
        jsonv_string(b, "type"), json_integer_value(json_object_get(b, "related_id")),
        jsonv_string(b, "professional_name"), jsonv_string(b, "professional_org"),
        jsonv_string(b, "from_date")};
    if (!rel_add(http_ctx(r), id, &in, NULL, &e))
        http_reply_err(r, &e);
    else
        reply_list(r, 201, id);
}

void api_relationship_end(struct request *r)
{
    static const struct jsonv_field fields[] = {{"to_date", JSONV_STRING, false, 10}};
    int64_t id;
    struct err e = ERR_INIT;
    json_t *b = http_json(r);
    if (!http_param_id(r, "id", &id))
        return;
    if (b && !jsonv_check(b, fields, 1, &e)) {
        http_reply_err(r, &e);
        return;
    }
    if (!rel_end(http_ctx(r), id, b ? jsonv_string(b, "to_date") : NULL, &e))
        http_reply_err(r, &e);
    else
        http_reply_empty(r, 204);
}
