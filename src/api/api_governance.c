/*
 * Information governance API: break-glass (POST /api/v1/people/:id/break-glass),
 * the review of overrides (/api/v1/overrides) and managers' access grants
 * (/api/v1/people/:id/access-grants).
 */
#include <stdio.h>

#include "api/api.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "domain/access_grants.h"
#include "domain/access_log.h"
#include "domain/need_to_know.h"

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

void api_person_break_glass(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"reason", JSONV_STRING, true, 64}, {"detail", JSONV_STRING, true, NTK_REASON_TEXT_MAX}};
    int64_t id, expires = 0;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 2))
        return;
    json_t *b = http_json(r);
    if (!ntk_break_glass(http_ctx(r), id, jsonv_string(b, "reason"), jsonv_string(b, "detail"),
                         &expires, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *j = json_pack("{s:I}", "person_id", (json_int_t)id);
    if (j)
        json_object_set_new(j, "expires_at", instant(expires));
    http_reply_json(r, 201, j);
}

void api_overrides_list(struct request *r)
{
    const char *which = http_query(r, "reviewed");
    bool reviewed = which && (which[0] == '1' || which[0] == 't');
    struct ntk_override_list l;
    struct err e = ERR_INIT;
    if (!ntk_overrides(http_ctx(r), reviewed, &l, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < l.n; i++) {
        const struct ntk_override *o = &l.items[i];
        json_t *j =
            json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)o->id,
                      "person_id", (json_int_t)o->person_id, "person_name", o->person_name,
                      "user_id", (json_int_t)o->user_id, "username", o->username, "reason",
                      o->reason_code, "reason_label", o->reason_label, "detail", o->reason_text);
        if (!j)
            continue;
        json_object_set_new(j, "granted_at", instant(o->granted_at));
        json_object_set_new(j, "expires_at", instant(o->expires_at));
        json_object_set_new(j, "reviewed_at", instant(o->reviewed_at));
        json_object_set_new(j, "reviewed_by",
                            *o->reviewed_by ? json_string(o->reviewed_by) : json_null());
        json_object_set_new(j, "review_note",
                            *o->review_note ? json_string(o->review_note) : json_null());
        json_array_append_new(items, j);
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_override_review(struct request *r)
{
    static const struct jsonv_field fields[] = {{"note", JSONV_STRING, true, NTK_REASON_TEXT_MAX}};
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 1))
        return;
    if (!ntk_override_review(http_ctx(r), id, jsonv_string(http_json(r), "note"), &e))
        http_reply_err(r, &e);
    else
        http_reply_empty(r, 204);
}

/* --- who has seen a record, what a user looked at ------------------------- */

static bool log_item(const struct access_log_row *row, void *arg)
{
    json_t *items = arg;
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "audit_id", (json_int_t)row->audit_id,
                          "actor", row->actor, "action", row->action, "record_type",
                          row->record_type, "record_id", row->record_id, "override", row->override);
    if (!j)
        return false;
    json_object_set_new(j, "at", instant(row->at));
    json_object_set_new(j, "actor_id", row->actor_id ? json_integer(row->actor_id) : json_null());
    json_object_set_new(j, "reason", *row->reason ? json_string(row->reason) : json_null());
    json_object_set_new(j, "detail", *row->detail ? json_string(row->detail) : json_null());
    return json_array_append_new(items, j) == 0;
}

static void access_log_reply(struct request *r, bool per_user)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    json_t *items = json_array();
    if (!items) {
        http_reply_problem(r, 500, "Internal error", "Out of memory", NULL);
        return;
    }
    bool ok = per_user
                  ? access_log_user(http_ctx(r), id, ACCESS_LOG_EXPORT_MAX, log_item, items, &e)
                  : access_log_person(http_ctx(r), id, ACCESS_LOG_EXPORT_MAX, log_item, items, &e);
    if (!ok) {
        json_decref(items);
        http_reply_err(r, &e);
        return;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_person_seen_by(struct request *r)
{
    access_log_reply(r, false);
}

void api_user_activity(struct request *r)
{
    access_log_reply(r, true);
}

/* --- managers' access grants ---------------------------------------------- */

static json_t *grant_json(const struct access_grant *g)
{
    json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)g->id,
                          "person_id", (json_int_t)g->person_id, "user_id", (json_int_t)g->user_id,
                          "username", g->username, "display_name", g->display_name, "granted_by",
                          g->granted_by, "reason", g->reason, "in_force", g->in_force);
    if (!j)
        return NULL;
    json_object_set_new(j, "granted_at", instant(g->granted_at));
    json_object_set_new(j, "expires_at", instant(g->expires_at));
    json_object_set_new(j, "revoked_at", instant(g->revoked_at));
    json_object_set_new(j, "revoked_by", *g->revoked_by ? json_string(g->revoked_by) : json_null());
    return j;
}

void api_access_grants_list(struct request *r)
{
    int64_t id;
    struct access_grant *l;
    size_t n;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!access_grant_list(http_ctx(r), id, &l, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, grant_json(&l[i]));
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_access_grant_add(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"user_id", JSONV_INTEGER, true, 0},
        {"reason", JSONV_STRING, true, ACCESS_GRANT_REASON_MAX},
        {"expires_on", JSONV_STRING, true, 10}};
    int64_t id, gid = 0;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 3))
        return;
    json_t *b = http_json(r);
    if (!access_grant_add(http_ctx(r), id, json_integer_value(json_object_get(b, "user_id")),
                          jsonv_string(b, "reason"), jsonv_string(b, "expires_on"), &gid, &e)) {
        http_reply_err(r, &e);
        return;
    }
    http_reply_json(r, 201,
                    json_pack("{s:I, s:I}", "id", (json_int_t)gid, "person_id", (json_int_t)id));
}

void api_access_grant_revoke(struct request *r)
{
    int64_t id, grant;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !http_param_id(r, "grant", &grant))
        return;
    if (!access_grant_revoke(http_ctx(r), id, grant, &e))
        http_reply_err(r, &e);
    else
        http_reply_empty(r, 204);
}
