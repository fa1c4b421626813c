/*
 * /api/v1 case notes (a person's notes, one note with its versions, edits,
 * full-text search) and a person's chronology.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "domain/chronology.h"
#include "domain/notes.h"

/* Text is counted in characters by the domain; this only bounds the bytes. */
static const struct jsonv_field note_fields_create[] = {
    {"type", JSONV_STRING, true, 40},
    {"occurred_on", JSONV_STRING, true, 10},
    {"text", JSONV_STRING, true, 4 * NOTES_MAX_TEXT},
};
static const struct jsonv_field note_fields_edit[] = {
    {"type", JSONV_STRING, false, 40},
    {"occurred_on", JSONV_STRING, false, 10},
    {"text", JSONV_STRING, false, 4 * NOTES_MAX_TEXT},
};

/* Instants go out as ISO 8601 UTC strings. */
static json_t *instant(int64_t t)
{
    struct buf b = BUF_INIT;
    clock_format_instant(&b, t);
    json_t *j = json_string(b.data);
    buf_release(&b);
    return j;
}

static json_t *note_json(const struct note *n)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:{s:I, s:s}}", "id", (json_int_t)n->id,
                          "person_id", (json_int_t)n->person_id, "type", n->type, "occurred_on",
                          n->occurred_on, "text", n->text, "version", (json_int_t)n->version,
                          "author", "id", (json_int_t)n->author_id, "name", n->author_name);
    json_object_set_new(j, "created_at", instant(n->created_at));
    json_object_set_new(j, "updated_at", instant(n->updated_at));
    json_object_set_new(j, "editable_until", instant(n->editable_until));
    if (n->versions) {
        json_t *vs = json_array();
        for (size_t i = 0; i < n->nversions; i++) {
            const struct note_version *v = &n->versions[i];
            json_t *vj =
                json_pack("{s:I, s:s, s:s, s:s, s:{s:I, s:s}, s:b}", "version",
                          (json_int_t)v->version, "type", v->type, "occurred_on", v->occurred_on,
                          "text", v->text, "saved_by", "id", (json_int_t)v->saved_by, "name",
                          v->saved_by_name, "corrected_in_place", v->corrections > 0);
            json_object_set_new(vj, "created_at", instant(v->created_at));
            json_object_set_new(vj, "updated_at", instant(v->updated_at));
            json_object_set_new(vj, "corrections", json_integer(v->corrections));
            json_array_append_new(vs, vj);
        }
        json_object_set_new(j, "versions", vs);
    }
    return j;
}

static void reply_note(struct request *r, int status, int64_t id)
{
    struct note n;
    struct err e = ERR_INIT;
    if (!notes_get(http_ctx(r), 0, id, &n, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, status, note_json(&n));
}

/* Check the body against a schema; false with the reply sent. */
static bool body_ok(struct request *r, const struct jsonv_field *fields, size_t n)
{
    struct err e = ERR_INIT;
    json_t *b = http_json(r);
    if (!b) {
        http_reply_problem(r, 400, "Missing body", "Send a JSON object as the request body", NULL);
        return false;
    }
    if (!jsonv_check(b, fields, n, &e)) {
        http_reply_err(r, &e);
        return false;
    }
    return true;
}

void api_person_notes(struct request *r)
{
    int64_t id;
    struct note_list l;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!notes_list(http_ctx(r), id, &l, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(list, note_json(&l.notes[i]));
    http_reply_json(r, 200,
                    json_pack("{s:I, s:s, s:o}", "person_id", (json_int_t)id, "person_name",
                              l.person_name, "notes", list));
}

void api_person_note_create(struct request *r)
{
    int64_t person, id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &person) ||
        !body_ok(r, note_fields_create, sizeof note_fields_create / sizeof note_fields_create[0]))
        return;
    json_t *b = http_json(r);
    struct note_input in = {jsonv_string(b, "type"), jsonv_string(b, "occurred_on"),
                            jsonv_string(b, "text")};
    if (!notes_create(http_ctx(r), person, &in, &id, &e)) {
        http_reply_err(r, &e);
        return;
    }
    api_location(r, "/api/v1/notes", id);
    reply_note(r, 201, id);
}

void api_note_get(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_note(r, 200, id);
}

void api_note_update(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) ||
        !body_ok(r, note_fields_edit, sizeof note_fields_edit / sizeof note_fields_edit[0]))
        return;
    json_t *b = http_json(r);
    struct note_input in = {jsonv_string(b, "type"), jsonv_string(b, "occurred_on"),
                            jsonv_string(b, "text")};
    if (!notes_edit(http_ctx(r), 0, id, &in, NULL, &e))
        http_reply_err(r, &e);
    else
        reply_note(r, 200, id);
}

/* The snippet without its match marks. */
static json_t *plain_snippet(const char *s)
{
    struct buf b = BUF_INIT;
    for (; *s; s++)
        if (*s != NOTES_MARK_START && *s != NOTES_MARK_END)
            buf_putc(&b, *s);
    json_t *j = json_string(b.data);
    buf_release(&b);
    return j;
}

void api_notes_search(struct request *r)
{
    struct note_hit hits[NOTES_MAX_RESULTS];
    size_t n = 0;
    struct err e = ERR_INIT;
    if (!notes_search(http_ctx(r), http_query(r, "q"), hits, NOTES_MAX_RESULTS, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s}", "note_id", (json_int_t)hits[i].note_id,
                              "person_id", (json_int_t)hits[i].person_id, "person_name",
                              hits[i].person_name, "type", hits[i].type, "occurred_on",
                              hits[i].occurred_on);
        json_object_set_new(j, "snippet", plain_snippet(hits[i].snippet));
        json_array_append_new(list, j);
    }
    http_reply_json(r, 200, json_pack("{s:o}", "results", list));
}

/* Every ?types= value: checkboxes repeat it, a client may list several. */
static bool read_types(struct request *r, unsigned *mask, struct err *e)
{
    const char *v[2 * CHRON_TYPE_COUNT];
    return chronology_parse_types(v, http_query_all(r, "types", v, sizeof v / sizeof v[0]), mask,
                                  e);
}

void api_person_chronology(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    struct chron_filter f = {0, http_query(r, "from"), http_query(r, "to"), false};
    struct chronology c;
    if (!http_param_id(r, "id", &id))
        return;
    if (!read_types(r, &f.types, &e) || !chronology_get(http_ctx(r), id, &f, &c, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *events = json_array();
    for (size_t i = 0; i < c.n; i++) {
        const struct chron_event *ev = &c.events[i];
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I}", "type", chronology_type_name(ev->type),
                              "date", ev->date, "title", ev->title, "text", ev->text, "source_id",
                              (json_int_t)ev->source_id);
        json_object_set_new(j, "recorded_at", instant(ev->recorded_at));
        json_object_set_new(j, "recorded_by", *ev->by ? json_string(ev->by) : json_null());
        if (ev->related_person_id)
            json_object_set_new(j, "related_person_id", json_integer(ev->related_person_id));
        json_array_append_new(events, j);
    }
    http_reply_json(r, 200,
                    json_pack("{s:I, s:s, s:b, s:o}", "person_id", (json_int_t)id, "person_name",
                              c.person_name, "truncated", c.truncated, "events", events));
}
