/*
 * Subject access API: record a request, list requests, export the record.
 */
#include <stdio.h>

#include "api/api.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "domain/sar.h"
#include "domain/sar_pdf.h"

static json_t *request_json(const struct sar_request *s)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)s->id, "person_id",
                     (json_int_t)s->person_id, "person_name", s->person_name ? s->person_name : "",
                     "received_on", s->received_on, "due_on", s->due_on, "requester", s->requester);
}

void api_sar_create(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"received_on", JSONV_STRING, true, 10},
        {"requester", JSONV_STRING, true, SAR_REQUESTER_MAX}};
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 2))
        return;
    json_t *b = http_json(r);
    struct sar_request s;
    if (!sar_create(http_ctx(r), id, jsonv_string(b, "received_on"), jsonv_string(b, "requester"),
                    &s, &e)) {
        http_reply_err(r, &e);
        return;
    }
    api_location(r, "/api/v1/subject-access", s.id);
    http_reply_json(r, 201, request_json(&s));
}

void api_sar_list(struct request *r)
{
    struct sar_request *list;
    size_t n;
    struct err e = ERR_INIT;
    if (!sar_list(http_ctx(r), &list, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, request_json(&list[i]));
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_sar_export(struct request *r)
{
    int64_t id;
    json_t *doc;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!sar_export(http_ctx(r), id, &doc, &e)) {
        http_reply_err(r, &e);
        return;
    }
    char disposition[64];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"subject-access-%lld.json\"",
             (long long)id);
    http_add_header(r, "Content-Disposition", disposition);
    http_reply_json(r, 200, doc);
}

void api_sar_pdf(struct request *r)
{
    int64_t id;
    json_t *doc;
    char *pdf;
    size_t len;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!sar_export(http_ctx(r), id, &doc, &e)) {
        http_reply_err(r, &e);
        return;
    }
    bool ok = sar_pdf_render(doc, http_app(r)->codes, http_app(r)->workflows, &pdf, &len, &e);
    json_decref(doc);
    if (!ok) {
        http_reply_err(r, &e);
        return;
    }
    char filename[48];
    snprintf(filename, sizeof filename, "subject-access-%lld.pdf", (long long)id);
    http_reply_download(r, pdf, len, "application/pdf", filename);
}
