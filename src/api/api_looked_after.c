/*
 * Looked-after periods API: /api/v1/people/:id/looked-after.
 */
#include "api/api.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "domain/looked_after.h"

void api_looked_after_list(struct request *r)
{
    int64_t id;
    struct looked_after_period *l;
    size_t n;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!looked_after_list(http_ctx(r), id, &l, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++) {
        json_t *j =
            json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)l[i].id, "legal_status",
                      l[i].legal_status, "legal_status_label", l[i].legal_status_label,
                      "started_on", l[i].started_on, "recorded_by", l[i].recorded_by);
        if (!j)
            continue;
        json_object_set_new(j, "ended_on",
                            *l[i].ended_on ? json_string(l[i].ended_on) : json_null());
        struct buf b = BUF_INIT;
        clock_format_instant(&b, l[i].recorded_at);
        json_object_set_new(j, "recorded_at", buf_failed(&b) ? json_null() : json_string(b.data));
        buf_release(&b);
        json_array_append_new(items, j);
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_looked_after_add(struct request *r)
{
    static const struct jsonv_field fields[] = {{"legal_status", JSONV_STRING, true, 8},
                                                {"started_on", JSONV_STRING, true, 10},
                                                {"ended_on", JSONV_STRING, false, 10}};
    int64_t id, pid = 0;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 3))
        return;
    json_t *b = http_json(r);
    if (!looked_after_add(http_ctx(r), id, jsonv_string(b, "legal_status"),
                          jsonv_string(b, "started_on"), jsonv_string(b, "ended_on"), &pid, &e)) {
        http_reply_err(r, &e);
        return;
    }
    http_reply_json(r, 201,
                    json_pack("{s:I, s:I}", "id", (json_int_t)pid, "person_id", (json_int_t)id));
}

void api_looked_after_end(struct request *r)
{
    static const struct jsonv_field fields[] = {{"ended_on", JSONV_STRING, true, 10}};
    int64_t id, period;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !http_param_id(r, "period", &period) ||
        !api_body_ok(r, fields, 1))
        return;
    if (!looked_after_end(http_ctx(r), id, period, jsonv_string(http_json(r), "ended_on"), &e))
        http_reply_err(r, &e);
    else
        http_reply_empty(r, 204);
}
