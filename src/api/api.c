#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "domain/accounts.h"
#include "domain/auditlog.h"
#include "domain/auth.h"

/* Instants go out as ISO 8601 UTC strings; 0 (never) as null. */
static json_t *instant_json(int64_t t)
{
    if (!t)
        return json_null();
    struct buf b = BUF_INIT;
    clock_format_instant(&b, t);
    json_t *j = json_string(b.data);
    buf_release(&b);
    return j;
}

bool api_body_ok(struct request *r, const struct jsonv_field *fields, size_t n)
{
    struct err e = ERR_INIT;
    json_t *body = http_json(r);
    if (!body) {
        http_reply_problem(r, 400, "Missing body", "Send a JSON object as the request body", NULL);
        return false;
    }
    if (!jsonv_check(body, fields, n, &e)) {
        http_reply_err(r, &e);
        return false;
    }
    return true;
}

void api_location(struct request *r, const char *collection, int64_t id)
{
    struct buf loc = BUF_INIT;
    buf_printf(&loc, "%s/%lld", collection, (long long)id);
    if (!buf_failed(&loc))
        http_add_header(r, "Location", loc.data);
    buf_release(&loc);
}

void api_health(struct request *r)
{
    int v = store_schema_version(http_app(r)->store);
    http_reply_json(r, v > 0 ? 200 : 503,
                    json_pack("{s:s, s:s, s:i}", "status", v > 0 ? "ok" : "unavailable", "version",
                              CASEWORK_VERSION, "schema", v));
}

void api_me(struct request *r)
{
    const struct principal *p = http_principal(r);
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->user_id, "username",
                          p->username, "display_name", p->display_name, "role",
                          access_role_name(p->role), "auth", p->token_id ? "token" : "session");
    if (j && p->csrf_token)
        json_object_set_new(j, "csrf_token", json_string(p->csrf_token));
    http_reply_json(r, 200, j);
}

static json_t *user_json(const struct user *u)
{
    json_t *teams = json_array();
    for (size_t i = 0; i < u->nteams; i++)
        json_array_append_new(teams, json_pack("{s:I, s:s}", "id", (json_int_t)u->team_ids[i],
                                               "name", u->team_names[i]));
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "id", (json_int_t)u->id,
                          "username", u->username, "display_name", u->display_name, "email",
                          u->email, "role", access_role_name(u->role), "disabled", u->disabled,
                          "locked", u->locked_until != 0, "teams", teams);
    if (j)
        json_object_set_new(j, "created_at", instant_json(u->created_at));
    return j;
}

static bool user_item(const struct user *u, void *arg)
{
    json_array_append_new(arg, user_json(u));
    return true;
}

void api_users_list(struct request *r)
{
    struct err e = ERR_INIT;
    json_t *list = json_array();
    if (!accounts_list_users(http_ctx(r), user_item, list, &e)) {
        json_decref(list);
        http_reply_err(r, &e);
        return;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "users", list));
}

/* Copy a JSON array of team ids into in. */
static void teams_from_json(struct user_input *in, const json_t *teams)
{
    if (!teams || json_is_null(teams))
        return;
    in->set_teams = true;
    size_t i;
    json_t *v;
    json_array_foreach(teams, i, v) in->team_ids[in->nteams++] = json_integer_value(v);
}

static void reply_user(struct request *r, int status, int64_t id)
{
    struct err e = ERR_INIT;
    struct user u;
    if (!accounts_get_user(http_ctx(r), id, &u, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, status, user_json(&u));
}

void api_users_create(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"username", JSONV_STRING, true, 64},
        {"display_name", JSONV_STRING, true, 100},
        {"email", JSONV_STRING, false, 254},
        {"role", JSONV_STRING, true, 20},
        {"password", JSONV_STRING, true, 128},
        {"teams", JSONV_INTEGER_ARRAY, false, ACCOUNTS_MAX_TEAMS},
    };
    if (!api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    struct user_input in = {
        .username = jsonv_string(b, "username"),
        .display_name = jsonv_string(b, "display_name"),
        .email = jsonv_string(b, "email"),
        .role = jsonv_string(b, "role"),
        .password = jsonv_string(b, "password"),
    };
    teams_from_json(&in, json_object_get(b, "teams"));
    struct err e = ERR_INIT;
    int64_t id;
    if (!accounts_create_user(http_ctx(r), &in, &id, &e)) {
        http_reply_err(r, &e);
        return;
    }
    api_location(r, "/api/v1/users", id);
    reply_user(r, 201, id);
}

void api_user_get(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_user(r, 200, id);
}

void api_user_update(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"display_name", JSONV_STRING, false, 100},
        {"email", JSONV_STRING, false, 254},
        {"role", JSONV_STRING, false, 20},
        {"teams", JSONV_INTEGER_ARRAY, false, ACCOUNTS_MAX_TEAMS},
        {"disabled", JSONV_BOOLEAN, false, 0},
    };
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    struct user_input in = {
        .display_name = jsonv_string(b, "display_name"),
        .email = jsonv_string(b, "email"),
        .role = jsonv_string(b, "role"),
    };
    teams_from_json(&in, json_object_get(b, "teams"));
    struct err e = ERR_INIT;
    json_t *dis = json_object_get(b, "disabled");
    bool changes = in.display_name || in.email || in.role || in.set_teams;
    if ((changes && !accounts_update_user(http_ctx(r), id, &in, &e)) ||
        (json_is_boolean(dis) && !accounts_set_disabled(http_ctx(r), id, json_is_true(dis), &e))) {
        http_reply_err(r, &e);
        return;
    }
    reply_user(r, 200, id);
}

void api_user_reset_password(struct request *r)
{
    static const struct jsonv_field fields[] = {{"password", JSONV_STRING, true, 128}};
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 1))
        return;
    struct err e = ERR_INIT;
    if (!accounts_reset_password(http_ctx(r), id, jsonv_string(http_json(r), "password"), &e))
        http_reply_err(r, &e);
    else
        http_reply_empty(r, 204);
}

static bool team_item(const struct team *t, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)t->id, "name",
                                         t->name, "members", (json_int_t)t->members));
    return true;
}

void api_teams_list(struct request *r)
{
    struct err e = ERR_INIT;
    json_t *list = json_array();
    if (!accounts_list_teams(http_ctx(r), team_item, list, &e)) {
        json_decref(list);
        http_reply_err(r, &e);
        return;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "teams", list));
}

void api_teams_create(struct request *r)
{
    static const struct jsonv_field fields[] = {{"name", JSONV_STRING, true, 100}};
    if (!api_body_ok(r, fields, 1))
        return;
    struct err e = ERR_INIT;
    int64_t id;
    const char *name = jsonv_string(http_json(r), "name");
    if (!accounts_create_team(http_ctx(r), name, &id, &e)) {
        http_reply_err(r, &e);
        return;
    }
    http_reply_json(r, 201,
                    json_pack("{s:I, s:s, s:i}", "id", (json_int_t)id, "name", name, "members", 0));
}

static bool token_item(const struct api_token *t, void *arg)
{
    json_t *j =
        json_pack("{s:I, s:s, s:s}", "id", (json_int_t)t->id, "name", t->name, "prefix", t->prefix);
    json_object_set_new(j, "created_at", instant_json(t->created_at));
    json_object_set_new(j, "last_used_at", instant_json(t->last_used_at));
    json_object_set_new(j, "revoked_at", instant_json(t->revoked_at));
    json_array_append_new(arg, j);
    return true;
}

void api_tokens_list(struct request *r)
{
    struct err e = ERR_INIT;
    json_t *list = json_array();
    if (!auth_token_list(http_ctx(r), token_item, list, &e)) {
        json_decref(list);
        http_reply_err(r, &e);
        return;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "tokens", list));
}

void api_tokens_create(struct request *r)
{
    static const struct jsonv_field fields[] = {{"name", JSONV_STRING, true, 100}};
    if (!api_body_ok(r, fields, 1))
        return;
    struct err e = ERR_INIT;
    char token[AUTH_TOKEN_CHARS + 1];
    int64_t id;
    if (!auth_token_create(http_ctx(r), jsonv_string(http_json(r), "name"), token, &id, &e)) {
        http_reply_err(r, &e);
        return;
    }
    http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "token", token));
    sodium_memzero(token, sizeof token);
}

void api_token_revoke(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!auth_token_revoke(http_ctx(r), id, &e))
        http_reply_err(r, &e);
    else
        http_reply_empty(r, 204);
}

void api_sign_out_everywhere(struct request *r)
{
    struct err e = ERR_INIT;
    int64_t ended = 0;
    if (!auth_sign_out_everywhere(http_ctx(r), &ended, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, 200, json_pack("{s:I}", "sessions_ended", (json_int_t)ended));
}

static bool audit_item(const struct audit_entry *a, void *arg)
{
    json_t *j = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)a->id, "actor", a->actor, "action",
                          a->action);
    json_object_set_new(j, "at", instant_json(a->at));
    json_object_set_new(j, "actor_id", a->actor_id ? json_integer(a->actor_id) : json_null());
    const char *keys[] = {"record_type", "record_id", "reason", "detail", "ip", "request_id"};
    const char *vals[] = {a->record_type, a->record_id, a->reason, a->detail, a->ip, a->request_id};
    for (size_t i = 0; i < 6; i++)
        json_object_set_new(j, keys[i], vals[i] ? json_string(vals[i]) : json_null());
    json_array_append_new(arg, j);
    return true;
}

/* A query parameter that must be a whole number in [lo, hi] if present. */
static bool query_number(struct request *r, const char *name, long long lo, long long hi,
                         long long *out)
{
    const char *s = http_query(r, name);
    if (!s)
        return true;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) {
        char detail[120];
        snprintf(detail, sizeof detail,
                 "Query parameter '%s' must be a whole number from %lld to %lld", name, lo, hi);
        http_reply_problem(r, 400, "Invalid query", detail, name);
        return false;
    }
    *out = v;
    return true;
}

void api_audit_list(struct request *r)
{
    long long limit = 50, actor = 0, before = 0;
    if (!query_number(r, "limit", 1, 500, &limit) ||
        !query_number(r, "actor_id", 1, INT64_MAX, &actor) ||
        !query_number(r, "before_id", 1, INT64_MAX, &before))
        return;
    struct audit_filter f = {http_query(r, "record_type"), http_query(r, "record_id"), actor,
                             before, (int)limit};
    struct err e = ERR_INIT;
    json_t *list = json_array();
    if (!auditlog_query(http_ctx(r), &f, audit_item, list, &e)) {
        json_decref(list);
        http_reply_err(r, &e);
        return;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "entries", list));
}

void api_audit_verify(struct request *r)
{
    struct audit_verify_result v;
    struct err e = ERR_INIT;
    if (!auditlog_verify(http_ctx(r), &v, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *j = json_pack("{s:b, s:I}", "intact", v.broken_id == 0, "rows", (json_int_t)v.rows);
    if (v.broken_id) {
        json_object_set_new(j, "broken_id", json_integer(v.broken_id));
        json_object_set_new(j, "problem", json_string(v.problem));
    }
    http_reply_json(r, 200, j);
}
