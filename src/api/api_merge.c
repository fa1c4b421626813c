/*
 * /api/v1/people/duplicates and /api/v1/people/merge: the probable-duplicates
 * report, merging two records, reading a merge and undoing it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "domain/duplicates.h"
#include "domain/merge.h"

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

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

/* A whole-number query parameter in [lo, hi], or def when absent; false with a
 * 400 reply when it is something else. */
static bool query_number(struct request *r, const char *name, long long lo, long long hi,
                         long long def, long long *out)
{
    const char *s = http_query(r, name);
    *out = def;
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

static json_t *side_json(const struct person_candidate *c)
{
    json_t *j = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->id, "forenames", c->forenames,
                          "surname", c->surname);
    json_object_set_new(j, "dob", str_or_null(c->dob));
    json_object_set_new(j, "nhs_number", str_or_null(c->nhs_number));
    json_object_set_new(j, "postcode", str_or_null(c->postcode));
    json_object_set_new(j, "sex", str_or_null(c->sex));
    return j;
}

void api_people_duplicates(struct request *r)
{
    long long min_score, limit;
    if (!query_number(r, "min_score", 1, 100, DUPLICATES_MIN_SCORE, &min_score) ||
        !query_number(r, "limit", 1, DUPLICATES_LIMIT_MAX, DUPLICATES_LIMIT, &limit))
        return;
    struct duplicates_report rep;
    struct err e = ERR_INIT;
    if (!duplicates_report(http_ctx(r), (int)min_score, (size_t)limit, &rep, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *pairs = json_array();
    for (size_t i = 0; i < rep.npairs; i++)
        json_array_append_new(pairs, json_pack("{s:i, s:s, s:o, s:o}", "score", rep.pairs[i].score,
                                               "reasons", rep.pairs[i].reasons, "a",
                                               side_json(&rep.pairs[i].a), "b",
                                               side_json(&rep.pairs[i].b)));
    http_reply_json(r, 200,
                    json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:s, s:o}", "min_score",
                              (int)min_score, "limit", (json_int_t)limit, "total",
                              (json_int_t)rep.total, "people", (json_int_t)rep.people,
                              "pairs_scored", (json_int_t)rep.pairs_scored, "groups_skipped",
                              (json_int_t)rep.groups_skipped, "skipped", rep.skipped, "pairs",
                              pairs));
}

static json_t *merge_json(const struct merge_record *m)
{
    json_t *j =
        json_pack("{s:I, s:{s:I, s:s}, s:{s:I, s:s}, s:s, s:s, s:s}", "id", (json_int_t)m->id,
                  "survivor", "id", (json_int_t)m->survivor_id, "name", m->survivor_name, "merged",
                  "id", (json_int_t)m->merged_id, "name", m->merged_name, "reason", m->reason,
                  "detail", m->detail, "merged_by", m->merged_by);
    json_object_set_new(j, "merged_at", instant_json(m->merged_at));
    json_object_set_new(j, "undone_at", instant_json(m->undone_at));
    json_object_set_new(j, "undone_by", str_or_null(m->undone_by));
    json_object_set_new(j, "undo_reason", str_or_null(m->undo_reason));
    if (m->undo_blocked) {
        json_object_set_new(j, "can_undo", json_boolean(!*m->undo_blocked));
        json_object_set_new(j, "undo_blocked", str_or_null(m->undo_blocked));
    }
    return j;
}

static void reply_merge(struct request *r, int status, int64_t id)
{
    struct merge_record m;
    struct err e = ERR_INIT;
    if (!merge_get(http_ctx(r), id, &m, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, status, merge_json(&m));
}

void api_people_merge(struct request *r)
{
    static const struct jsonv_field fields[] = {{"survivor", JSONV_INTEGER, true, 0},
                                                {"merged", JSONV_INTEGER, true, 0},
                                                {"reason", JSONV_STRING, true, 500}};
    struct err e = ERR_INIT;
    json_t *b = http_json(r);
    if (!b || !jsonv_check(b, fields, sizeof fields / sizeof fields[0], &e)) {
        if (!b)
            err_set(&e, ERR_INVALID, "", "Send a JSON object as the request body");
        http_reply_err(r, &e);
        return;
    }
    int64_t id;
    if (!merge_people(http_ctx(r), json_integer_value(json_object_get(b, "survivor")),
                      json_integer_value(json_object_get(b, "merged")), jsonv_string(b, "reason"),
                      &id, &e)) {
        http_reply_err(r, &e);
        return;
    }
    api_location(r, "/api/v1/people/merge", id);
    reply_merge(r, 201, id);
}

void api_merge_get(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_merge(r, 200, id);
}

void api_merge_undo(struct request *r)
{
    static const struct jsonv_field fields[] = {{"reason", JSONV_STRING, true, 500}};
    int64_t id;
    struct err e = ERR_INIT;
    json_t *b = http_json(r);
    if (!http_param_id(r, "id", &id))
        return;
    if (!b || !jsonv_check(b, fields, 1, &e)) {
        if (!b)
            err_set(&e, ERR_INVALID, "", "Send a JSON object as the request body");
        http_reply_err(r, &e);
        return;
    }
    if (!merge_undo(http_ctx(r), id, jsonv_string(b, "reason"), &e))
        http_reply_err(r, &e);
    else
        reply_merge(r, 200, id);
}
