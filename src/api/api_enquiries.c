/*
 * /api/v1 councillors' enquiries: the filtered list with counts, one
 * enquiry with its officers, history and documents, logging one (documents
 * are uploaded through the page's multipart form), and the work on it.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/clock.h"
#include "domain/enquiries.h"

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

static json_t *enquiry_json(const struct enquiry *q, bool full)
{
    json_t *j = json_pack(
        "{s:I, s:{s:I, s:s, s:s, s:s}, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b,"
        " s:i, s:b}",
        "id", (json_int_t)q->id, "councillor", "id", (json_int_t)q->councillor_id, "name",
        q->councillor_name, "email", q->councillor_email, "phone", q->councillor_phone,
        "service_area", q->service_area, "directorate", q->directorate, "enquiry_type",
        q->enquiry_type, "district", q->district, "constituent_surname", q->constituent_surname,
        "constituent_email", q->constituent_email, "details", q->details, "contact_method",
        q->contact_method, "status", q->status, "service_level", q->sla_text, "overdue", q->overdue,
        "responses", q->responses, "update_requested", q->update_requested);
    if (!j)
        return NULL;
    json_object_set_new(j, "received_at", instant(q->received_at));
    json_object_set_new(j, "due_at", instant(q->due_at));
    json_object_set_new(j, "replied_at", instant(q->replied_at));
    json_object_set_new(j, "reply", *q->reply ? json_string(q->reply) : json_null());
    json_object_set_new(j, "lead_officer",
                        q->lead_officer_id
                            ? json_pack("{s:I, s:s}", "id", (json_int_t)q->lead_officer_id, "name",
                                        q->lead_officer_name)
                            : json_null());
    if (!full)
        return j;
    json_t *officers = json_array(), *events = json_array(), *docs = json_array();
    for (size_t i = 0; i < q->nofficers; i++)
        json_array_append_new(officers,
                              json_pack("{s:I, s:s, s:b}", "id", (json_int_t)q->officers[i].user_id,
                                        "name", q->officers[i].name, "lead", q->officers[i].lead));
    for (size_t i = 0; i < q->nevents; i++) {
        json_t *v = json_pack("{s:s, s:s, s:{s:I, s:s}}", "kind", q->events[i].kind, "text",
                              q->events[i].text, "by", "id", (json_int_t)q->events[i].by, "name",
                              q->events[i].by_name);
        json_object_set_new(v, "at", instant(q->events[i].at));
        json_array_append_new(events, v);
    }
    for (size_t i = 0; i < q->ndocuments; i++) {
        struct buf url = BUF_INIT;
        buf_printf(&url, "/enquiries/documents/%s", q->documents[i].token);
        json_t *d = json_pack("{s:s, s:s, s:I, s:s}", "filename", q->documents[i].filename,
                              "content_type", q->documents[i].content_type, "size",
                              (json_int_t)q->documents[i].size, "url", url.data);
        buf_release(&url);
        json_object_set_new(d, "uploaded_at", instant(q->documents[i].uploaded_at));
        json_array_append_new(docs, d);
    }
    json_object_set_new(j, "officers", officers);
    json_object_set_new(j, "history", events);
    json_object_set_new(j, "documents", docs);
    return j;
}

void api_enquiries_list(struct request *r)
{
    struct enquiry_filter f = {
        http_query(r, "enquiry_type"), http_query(r, "service_area"), http_query(r, "directorate"),
        http_query(r, "case_id"),      http_query(r, "surname"),      http_query(r, "email"),
        http_query(r, "district"),     http_query(r, "status"),       false};
    const char *overdue = http_query(r, "overdue");
    f.overdue = overdue && !strcmp(overdue, "true");
    struct enquiry_list l;
    struct err e = ERR_INIT;
    if (!enquiries_list(http_ctx(r), &f, &l, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, enquiry_json(&l.items[i], false));
    http_reply_json(r, 200,
                    json_pack("{s:o, s:{s:i, s:i, s:i}, s:b}", "enquiries", items, "counts", "new",
                              l.count_new, "in_progress", l.count_in_progress, "completed",
                              l.count_completed, "truncated", l.truncated));
}

static void reply_enquiry(struct request *r, int status, int64_t id)
{
    struct enquiry q;
    struct err e = ERR_INIT;
    if (!enquiries_get(http_ctx(r), id, &q, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, status, enquiry_json(&q, true));
}

void api_enquiry_get(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_enquiry(r, 200, id);
}

void api_enquiries_create(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"councillor_email", JSONV_STRING, false, 4 * ENQUIRY_MAX_TEXT},
        {"councillor_phone", JSONV_STRING, false, 4 * ENQUIRY_MAX_TEXT},
        {"service_area", JSONV_STRING, true, 64},
        {"enquiry_type", JSONV_STRING, true, 64},
        {"district", JSONV_STRING, true, 64},
        {"constituent_surname", JSONV_STRING, false, 4 * ENQUIRY_MAX_TEXT},
        {"constituent_email", JSONV_STRING, false, 4 * ENQUIRY_MAX_TEXT},
        {"details", JSONV_STRING, true, 4 * ENQUIRY_MAX_DETAILS},
        {"contact_method", JSONV_STRING, true, 16},
    };
    if (!api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r);
    struct enquiry_input in = {jsonv_string(b, "councillor_email"),
                               jsonv_string(b, "councillor_phone"),
                               jsonv_string(b, "service_area"),
                               jsonv_string(b, "enquiry_type"),
                               jsonv_string(b, "district"),
                               jsonv_string(b, "constituent_surname"),
                               jsonv_string(b, "constituent_email"),
                               jsonv_string(b, "details"),
                               jsonv_string(b, "contact_method"),
                               NULL,
                               0};
    int64_t id;
    struct err e = ERR_INIT;
    if (!enquiries_create(http_ctx(r), &in, &id, &e)) {
        http_reply_err(r, &e);
        return;
    }
    api_location(r, "/api/v1/enquiries", id);
    reply_enquiry(r, 201, id);
}

void api_enquiry_assign(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"lead_officer", JSONV_INTEGER, true, 0},
        {"officers", JSONV_INTEGER_ARRAY, false, ENQUIRY_MAX_OFFICERS},
    };
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r), *officers = json_object_get(b, "officers");
    int64_t further[ENQUIRY_MAX_OFFICERS];
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(officers, i, v)
    {
        if (n < ENQUIRY_MAX_OFFICERS)
            further[n++] = (int64_t)json_integer_value(v);
    }
    struct err e = ERR_INIT;
    if (!enquiries_assign(http_ctx(r), id,
                          (int64_t)json_integer_value(json_object_get(b, "lead_officer")), further,
                          n, &e))
        http_reply_err(r, &e);
    else
        reply_enquiry(r, 200, id);
}

/* The one-text actions: chase, update request, response, reply. */
static void text_action(struct request *r, const char *member, bool required,
                        bool (*fn)(struct ctx *, int64_t, const char *, struct err *))
{
    const struct jsonv_field fields[] = {{member, JSONV_STRING, required, 4 * ENQUIRY_MAX_NOTE}};
    int64_t id;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 1))
        return;
    struct err e = ERR_INIT;
    if (!fn(http_ctx(r), id, jsonv_string(http_json(r), member), &e))
        http_reply_err(r, &e);
    else
        reply_enquiry(r, 200, id);
}

void api_enquiry_chase(struct request *r)
{
    text_action(r, "text", false, enquiries_chase);
}

void api_enquiry_update_request(struct request *r)
{
    text_action(r, "text", false, enquiries_request_update);
}

void api_enquiry_respond(struct request *r)
{
    text_action(r, "text", true, enquiries_respond);
}

void api_enquiry_reply(struct request *r)
{
    text_action(r, "reply", true, enquiries_reply);
}
