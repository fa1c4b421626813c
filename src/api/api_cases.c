/*
 * /api/v1 front door and cases: record a contact, decide it per person, read
 * a case (steps with due and overdue) and a person's cases, save a step's
 * answers, complete it (422 listing every missing mandatory field) and
 * authorise it; allocation; trays and a team's workload.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "domain/cases.h"
#include "domain/contacts.h"
#include "domain/trays.h"

static json_t *instant(int64_t t)
{
    if (!t)
        return json_null();
    struct buf b = BUF_INIT;
    clock_format_instant(&b, t);
    json_t *j = json_string(b.data);
    buf_release(&b);
    return j;
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *answers_json(const char *text)
{
    json_t *j = json_loads(text && *text ? text : "{}", 0, NULL);
    return j ? j : json_object();
}

static json_t *step_json(const struct case_step *s)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:b, s:b, s:I}", "id", (json_int_t)s->id,
                          "case_id", (json_int_t)s->case_id, "step", s->step, "title", s->title,
                          "status", s->status, "overdue", s->overdue, "needs_authorisation",
                          s->authorise, "version", (json_int_t)s->version);
    json_object_set_new(j, "started_at", instant(s->started_at));
    json_object_set_new(j, "due_at", instant(s->due_at));
    json_object_set_new(j, "outcome", str_or_null(s->outcome));
    json_object_set_new(j, "closure_reason", str_or_null(s->closure_reason));
    json_object_set_new(j, "submitted_at", instant(s->submitted_at));
    json_object_set_new(j, "submitted_by", id_or_null(s->submitted_by));
    json_object_set_new(j, "completed_at", instant(s->completed_at));
    json_object_set_new(j, "completed_by", id_or_null(s->completed_by));
    json_object_set_new(j, "authorised_at", instant(s->authorised_at));
    json_object_set_new(j, "authorised_by", id_or_null(s->authorised_by));
    json_object_set_new(j, "assigned_user_id", id_or_null(s->assigned_user_id));
    json_object_set_new(j, "answers", answers_json(s->answers));
    if (s->versions) {
        json_t *vs = json_array();
        for (size_t i = 0; i < s->nversions; i++) {
            const struct step_version *v = &s->versions[i];
            json_t *vj = json_pack("{s:I, s:I}", "version", (json_int_t)v->version, "saved_by",
                                   (json_int_t)v->saved_by);
            json_object_set_new(vj, "saved_at", instant(v->saved_at));
            json_object_set_new(vj, "outcome", str_or_null(v->outcome));
            json_object_set_new(vj, "reason", str_or_null(v->reason));
            json_object_set_new(vj, "answers", answers_json(v->answers));
            json_array_append_new(vs, vj);
        }
        json_object_set_new(j, "versions", vs);
    }
    return j;
}

static json_t *case_json(const struct case_record *c)
{
    json_t *steps = json_array();
    for (size_t i = 0; i < c->nsteps; i++)
        json_array_append_new(steps, step_json(&c->steps[i]));
    json_t *j =
        json_pack("{s:I, s:I, s:s, s:s, s:i, s:s, s:o}", "id", (json_int_t)c->id, "person_id",
                  (json_int_t)c->person_id, "person_name", c->person_name, "pathway", c->pathway,
                  "version", c->version, "status", c->status, "steps", steps);
    json_object_set_new(j, "contact_id", id_or_null(c->contact_id));
    json_object_set_new(j, "received_at", instant(c->received_at));
    json_object_set_new(j, "closed_at", instant(c->closed_at));
    json_object_set_new(j, "closure_reason", str_or_null(c->closure_reason));
    json_object_set_new(j, "allocated_user_id", id_or_null(c->allocated_user_id));
    json_object_set_new(j, "allocated_team_id", id_or_null(c->allocated_team_id));
    return j;
}

static json_t *contact_json(const struct contact *c)
{
    json_t *people = json_array();
    for (size_t i = 0; i < c->npeople; i++) {
        const struct contact_person *p = &c->people[i];
        json_t *pj = json_pack("{s:I, s:s, s:I, s:I}", "person_id", (json_int_t)p->person_id,
                               "person_name", p->person_name, "case_id", (json_int_t)p->case_id,
                               "step_id", (json_int_t)p->step_id);
        json_object_set_new(pj, "decision", str_or_null(p->decision));
        json_object_set_new(pj, "decided_at", instant(p->decided_at));
        json_object_set_new(pj, "decided_by", id_or_null(p->decided_by));
        json_array_append_new(people, pj);
    }
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)c->id, "pathway",
                          c->pathway, "source", c->source, "concern", c->concern, "referrer_name",
                          c->referrer_name, "children", people);
    json_object_set_new(j, "received_at", instant(c->received_at));
    json_object_set_new(j, "created_at", instant(c->created_at));
    json_object_set_new(j, "referrer_role", str_or_null(c->referrer_role));
    json_object_set_new(j, "referrer_organisation", str_or_null(c->referrer_organisation));
    json_object_set_new(j, "referrer_contact", str_or_null(c->referrer_contact));
    return j;
}

static void reply_contact(struct request *r, int status, int64_t id)
{
    struct contact c;
    struct err e = ERR_INIT;
    if (!contacts_get(http_ctx(r), id, &c, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, status, contact_json(&c));
}

static void reply_step(struct request *r, int status, int64_t id)
{
    struct case_step s;
    struct err e = ERR_INIT;
    if (!cases_step_get(http_ctx(r), id, &s, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, status, step_json(&s));
}

/* A failed completion: for missing mandatory fields, every one of them in
 * "missing" as well as the first in "field". */
static void reply_completion_err(struct request *r, const struct err *e, struct buf *missing)
{
    if (e->code != ERR_INVALID || !missing->len) {
        http_reply_err(r, e);
        return;
    }
    json_t *names = json_array();
    for (char *line = missing->data; *line;) {
        size_t len = strcspn(line, "\n");
        json_array_append_new(names, json_stringn(line, len));
        line += len + (line[len] ? 1 : 0);
    }
    http_reply_problem_json(r, 422,
                            json_pack("{s:s, s:s, s:i, s:s, s:s, s:o}", "type",
                                      "/problems/validation", "title", "Invalid input", "status",
                                      422, "detail", e->message, "field", e->field, "missing",
                                      names));
}

void api_contacts_create(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"pathway", JSONV_STRING, false, 48},
        {"received_at", JSONV_STRING, false, 40},
        {"children", JSONV_OBJECT_ARRAY, true, CONTACTS_MAX_PEOPLE},
        {"referrer", JSONV_OBJECT, true, 0},
        {"source", JSONV_STRING, true, 20},
        {"concern", JSONV_STRING, true, 4 * CONTACTS_MAX_CONCERN},
    };
    static const struct jsonv_field child_fields[] = {{"person_id", JSONV_INTEGER, true, 0}};
    static const struct jsonv_field referrer_fields[] = {
        {"name", JSONV_STRING, true, 800},
        {"role", JSONV_STRING, false, 800},
        {"organisation", JSONV_STRING, false, 800},
        {"contact", JSONV_STRING, false, 800},
    };
    if (!api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    struct err e = ERR_INIT;
    json_t *referrer = json_object_get(b, "referrer");
    if (!jsonv_check(referrer, referrer_fields, sizeof referrer_fields / sizeof referrer_fields[0],
                     &e)) {
        char field[sizeof e.field];
        snprintf(field, sizeof field, "referrer.%.40s", e.field);
        snprintf(e.field, sizeof e.field, "%s", field);
        http_reply_err(r, &e);
        return;
    }
    struct contact_input in = {
        .pathway = jsonv_string(b, "pathway"),
        .received_at = jsonv_string(b, "received_at"),
        .referrer_name = jsonv_string(referrer, "name"),
        .referrer_role = jsonv_string(referrer, "role"),
        .referrer_organisation = jsonv_string(referrer, "organisation"),
        .referrer_contact = jsonv_string(referrer, "contact"),
        .source = jsonv_string(b, "source"),
        .concern = jsonv_string(b, "concern"),
    };
    size_t i;
    json_t *child;
    json_array_foreach(json_object_get(b, "children"), i, child)
    {
        if (!jsonv_check(child, child_fields, 1, &e)) {
            snprintf(e.field, sizeof e.field, "children");
            http_reply_err(r, &e);
            return;
        }
        in.people[in.npeople++] = json_integer_value(json_object_get(child, "person_id"));
    }
    int64_t id;
    if (!contacts_create(http_ctx(r), &in, &id, &e)) {
        if (!strcmp(e.field, "people"))
            snprintf(e.field, sizeof e.field, "children");
        http_reply_err(r, &e);
        return;
    }
    api_location(r, "/api/v1/contacts", id);
    reply_contact(r, 201, id);
}

void api_contact_get(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_contact(r, 200, id);
}

void api_contact_decide(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"person_id", JSONV_INTEGER, true, 0},
        {"outcome", JSONV_STRING, true, 48},
        {"answers", JSONV_OBJECT, false, 0},
        {"closure_reason", JSONV_STRING, false, 20},
    };
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    struct err e = ERR_INIT;
    struct buf missing = BUF_INIT;
    if (!contacts_decide(http_ctx(r), id, json_integer_value(json_object_get(b, "person_id")),
                         jsonv_string(b, "outcome"), json_object_get(b, "answers"),
                         jsonv_string(b, "closure_reason"), &missing, &e))
        reply_completion_err(r, &e, &missing);
    else
        reply_contact(r, 200, id);
    buf_release(&missing);
}

void api_case_get(struct request *r)
{
    int64_t id;
    struct case_record c;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!cases_get(http_ctx(r), id, &c, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, 200, case_json(&c));
}

void api_person_cases(struct request *r)
{
    int64_t id;
    struct case_record *cs;
    size_t n;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!cases_for_person(http_ctx(r), id, &cs, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, case_json(&cs[i]));
    http_reply_json(r, 200, json_pack("{s:I, s:o}", "person_id", (json_int_t)id, "cases", list));
}

void api_step_get(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_step(r, 200, id);
}

void api_step_save(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"answers", JSONV_OBJECT, true, 0},
        {"reason", JSONV_STRING, false, CASES_MAX_NOTE},
    };
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    struct err e = ERR_INIT;
    if (!cases_step_save(http_ctx(r), id, json_object_get(b, "answers"), jsonv_string(b, "reason"),
                         &e))
        http_reply_err(r, &e);
    else
        reply_step(r, 200, id);
}

void api_step_complete(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"outcome", JSONV_STRING, true, 48},
        {"answers", JSONV_OBJECT, false, 0},
        {"closure_reason", JSONV_STRING, false, 20},
    };
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    struct err e = ERR_INIT;
    struct buf missing = BUF_INIT;
    if (!cases_step_complete(http_ctx(r), id, jsonv_string(b, "outcome"),
                             json_object_get(b, "answers"), jsonv_string(b, "closure_reason"),
                             &missing, &e))
        reply_completion_err(r, &e, &missing);
    else
        reply_step(r, 200, id);
    buf_release(&missing);
}

void api_step_authorise(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"decision", JSONV_STRING, true, 10},
        {"note", JSONV_STRING, false, 4 * CASES_MAX_NOTE},
    };
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    const char *decision = jsonv_string(b, "decision");
    if (strcmp(decision, "approve") && strcmp(decision, "return")) {
        http_reply_problem(r, 422, "Invalid input", "The decision must be approve or return",
                           "decision");
        return;
    }
    struct err e = ERR_INIT;
    if (!cases_step_authorise(http_ctx(r), id, !strcmp(decision, "approve"),
                              jsonv_string(b, "note"), &e))
        http_reply_err(r, &e);
    else
        reply_step(r, 200, id);
}

void api_step_allocate(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"user_id", JSONV_INTEGER, false, 0},
        {"reason", JSONV_STRING, true, 4 * CASES_MAX_NOTE},
    };
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    struct err e = ERR_INIT;
    if (!cases_step_allocate(http_ctx(r), id, json_integer_value(json_object_get(b, "user_id")),
                             jsonv_string(b, "reason"), &e))
        http_reply_err(r, &e);
    else
        reply_step(r, 200, id);
}

void api_case_allocate(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"user_id", JSONV_INTEGER, false, 0},
        {"team_id", JSONV_INTEGER, false, 0},
        {"reason", JSONV_STRING, true, 4 * CASES_MAX_NOTE},
    };
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    struct err e = ERR_INIT;
    struct case_record c;
    if (!cases_allocate(http_ctx(r), id, json_integer_value(json_object_get(b, "user_id")),
                        json_integer_value(json_object_get(b, "team_id")),
                        jsonv_string(b, "reason"), &e) ||
        !cases_get(http_ctx(r), id, &c, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, 200, case_json(&c));
}

static json_t *tray_json(const struct tray *t)
{
    json_t *tasks = json_array();
    for (size_t i = 0; i < t->n; i++) {
        const struct tray_task *k = &t->tasks[i];
        json_t *j = json_pack(
            "{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "step_id", (json_int_t)k->step_id,
            "case_id", (json_int_t)k->case_id, "person_id", (json_int_t)k->person_id, "person_name",
            k->person_name, "step", k->step, "title", k->title, "status", k->status, "to_authorise",
            k->to_authorise, "due_today", k->due_today, "overdue", k->overdue);
        json_object_set_new(j, "due_at", instant(k->due_at));
        json_object_set_new(j, "allocated_user_id", id_or_null(k->allocated_user_id));
        json_object_set_new(j, "allocated_team_id", id_or_null(k->allocated_team_id));
        json_object_set_new(j, "assigned_user_id", id_or_null(k->assigned_user_id));
        json_array_append_new(tasks, j);
    }
    return json_pack("{s:o, s:b}", "tasks", tasks, "truncated", t->truncated);
}

void api_tray_mine(struct request *r)
{
    struct tray t;
    struct err e = ERR_INIT;
    if (!trays_mine(http_ctx(r), &t, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, 200, tray_json(&t));
}

void api_team_tray(struct request *r)
{
    int64_t id;
    struct tray t;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!trays_team(http_ctx(r), id, &t, NULL, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, 200, tray_json(&t));
}

static json_t *workload_row_json(const struct workload_row *w)
{
    json_t *j =
        json_pack("{s:I, s:I, s:I, s:I}", "open_cases", (json_int_t)w->open_cases, "open_tasks",
                  (json_int_t)w->open_tasks, "overdue_tasks", (json_int_t)w->overdue_tasks,
                  "weighted_caseload", (json_int_t)w->weighted);
    if (w->user_id) {
        json_object_set_new(j, "user_id", json_integer(w->user_id));
        json_object_set_new(j, "name", json_string(w->name));
    }
    return j;
}

void api_team_workload(struct request *r)
{
    int64_t id;
    struct workload w;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!trays_workload(http_ctx(r), id, &w, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *rows = json_array();
    for (size_t i = 0; i < w.n; i++)
        json_array_append_new(rows, workload_row_json(&w.rows[i]));
    http_reply_json(r, 200,
                    json_pack("{s:I, s:s, s:o, s:o, s:o}", "team_id", (json_int_t)w.team_id,
                              "team_name", w.team_name, "workers", rows, "unallocated",
                              workload_row_json(&w.unallocated), "total",
                              workload_row_json(&w.total)));
}

void api_caseload_reallocate(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"to_user_id", JSONV_INTEGER, true, 0},
        {"team_id", JSONV_INTEGER, false, 0},
        {"reason", JSONV_STRING, true, 4 * CASES_MAX_NOTE},
    };
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    struct err e = ERR_INIT;
    size_t moved;
    if (!cases_reallocate_caseload(http_ctx(r), id,
                                   json_integer_value(json_object_get(b, "to_user_id")),
                                   json_integer_value(json_object_get(b, "team_id")),
                                   jsonv_string(b, "reason"), &moved, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, 200, json_pack("{s:I}", "moved", (json_int_t)moved));
}
