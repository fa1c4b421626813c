/*
 * Retention API: records due for destruction, confirming a batch, the
 * destruction certificate, legal holds.
 */
#include <stdio.h>

#include "api/api.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "domain/destruction.h"

static json_t *instant(int64_t t)
{
    if (!t)
        return json_null();
    struct buf b = BUF_INIT;
    clock_format_instant(&b, t);
    json_t *j = buf_failed(&b) ? json_null() : json_string(b.data);
    buf_release(&b);
    return j;
}

static bool load_rules(struct request *r, struct retention_rules *rules)
{
    struct err e = ERR_INIT;
    if (retention_rules_load(http_app(r)->cfg->config_dir, rules, &e))
        return true;
    http_reply_err(r, &e);
    return false;
}

void api_retention_due(struct request *r)
{
    struct retention_rules rules;
    struct destruction_review rev;
    struct err e = ERR_INIT;
    if (!load_rules(r, &rules))
        return;
    bool ok = destruction_review(http_ctx(r), &rules, &rev, &e);
    retention_rules_free(&rules);
    if (!ok) {
        http_reply_err(r, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < rev.n; i++) {
        const struct destruction_due *d = &rev.items[i];
        json_t *j =
            json_pack("{s:I, s:s, s:s, s:s, s:s}", "person_id", (json_int_t)d->person_id, "name",
                      d->name, "dob", d->dob, "rule", d->rule, "destroy_on", d->destroy_on);
        if (!j)
            continue;
        json_object_set_new(j, "hold_id", d->hold_id ? json_integer(d->hold_id) : json_null());
        json_object_set_new(j, "hold_reason",
                            d->hold_id ? json_string(d->hold_reason) : json_null());
        json_array_append_new(items, j);
    }
    http_reply_json(r, 200, json_pack("{s:o, s:b}", "items", items, "truncated", rev.truncated));
}

static void reply_certificate(struct request *r, int status, int64_t batch)
{
    struct destruction_certificate c;
    struct err e = ERR_INIT;
    if (!destruction_certificate(http_ctx(r), batch, &c, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *records = json_array();
    for (size_t i = 0; records && i < c.nrecords; i++) {
        json_t *j = json_pack("{s:I, s:s, s:s}", "person_id", (json_int_t)c.records[i].person_id,
                              "rule", c.records[i].rule, "destroy_on", c.records[i].destroy_on);
        if (j)
            json_object_set_new(j, "destroyed_at", instant(c.records[i].destroyed_at));
        json_array_append_new(records, j);
    }
    json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:o}", "batch_id", (json_int_t)c.batch_id,
                          "confirmed_by", c.confirmed_by, "authority", c.authority, "count",
                          (json_int_t)c.count, "records", records);
    if (j)
        json_object_set_new(j, "confirmed_at", instant(c.confirmed_at));
    http_reply_json(r, status, j);
}

void api_retention_confirm(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"person_ids", JSONV_INTEGER_ARRAY, true, DESTRUCTION_MAX_BATCH},
        {"authority", JSONV_STRING, true, HOLD_REASON_MAX}};
    if (!api_body_ok(r, fields, 2))
        return;
    json_t *list = json_object_get(http_json(r), "person_ids");
    size_t n = json_array_size(list);
    int64_t ids[DESTRUCTION_MAX_BATCH];
    for (size_t i = 0; i < n && i < DESTRUCTION_MAX_BATCH; i++)
        ids[i] = json_integer_value(json_array_get(list, i));
    struct retention_rules rules;
    struct err e = ERR_INIT;
    int64_t batch;
    if (!load_rules(r, &rules))
        return;
    bool ok = destruction_confirm(http_ctx(r), &rules, ids, n,
                                  jsonv_string(http_json(r), "authority"), &batch, &e);
    retention_rules_free(&rules);
    if (!ok) {
        http_reply_err(r, &e);
        return;
    }
    api_location(r, "/api/v1/retention/batches", batch);
    reply_certificate(r, 201, batch);
}

void api_retention_certificate(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_certificate(r, 200, id);
}

void api_retention_holds(struct request *r)
{
    struct legal_hold *h;
    size_t n;
    struct err e = ERR_INIT;
    if (!holds_list(http_ctx(r), &h, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++) {
        json_t *j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)h[i].id, "reason",
                              h[i].reason, "domains", h[i].domains, "set_by", h[i].set_by);
        if (!j)
            continue;
        json_object_set_new(j, "set_at", instant(h[i].set_at));
        json_object_set_new(j, "lifted_at", instant(h[i].lifted_at));
        json_array_append_new(items, j);
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_retention_hold_set(struct request *r)
{
    static const struct jsonv_field fields[] = {{"reason", JSONV_STRING, true, HOLD_REASON_MAX},
                                                {"domains", JSONV_STRING, true, 64}};
    int64_t id;
    struct err e = ERR_INIT;
    if (!api_body_ok(r, fields, 2))
        return;
    json_t *b = http_json(r);
    if (!holds_set(http_ctx(r), jsonv_string(b, "reason"), jsonv_string(b, "domains"), &id, &e)) {
        http_reply_err(r, &e);
        return;
    }
    api_location(r, "/api/v1/retention/holds", id);
    http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

void api_retention_hold_lift(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!holds_lift(http_ctx(r), id, &e))
        http_reply_err(r, &e);
    else
        http_reply_empty(r, 204);
}
