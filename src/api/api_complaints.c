/*
 * /api/v1 comments, compliments and complaints: the list, one with its
 * stages, points, actions and Ombudsman referrals, recording one, the work
 * on its stages (extend, complete, escalate, progress report, close), actions
 * and learning, Ombudsman referrals, and the reports.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/clock.h"
#include "domain/complaints.h"

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

static json_t *stage_json(const struct complaint_stage *s)
{
    json_t *j = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:b}", "stage", s->stage,
                          "timescale", s->timescale, "extendable_to", s->limit_text, "basis",
                          s->basis, "investigator", s->investigator, "independent_person",
                          s->independent_person, "overdue", s->overdue, "progress_reports",
                          s->reports, "progress_report_missed", s->progress_missed);
    json_object_set_new(j, "started_at", instant(s->started_at));
    json_object_set_new(j, "due_at", instant(s->due_at));
    json_object_set_new(j, "original_due_at", instant(s->original_due_at));
    json_object_set_new(j, "extension_reason",
                        *s->extension_reason ? json_string(s->extension_reason) : json_null());
    json_object_set_new(j, "progress_report_due", instant(s->progress_due));
    json_object_set_new(j, "completed_at", instant(s->completed_at));
    return j;
}

static json_t *representation_json(const struct representation *p, bool full)
{
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->id, "kind",
        p->kind, "procedure", p->procedure, "about_type", p->about_type, "about", p->about,
        "service_area", p->service_area, "channel", p->channel, "from_name", p->from_name,
        "from_contact", p->from_contact, "summary", p->summary, "status", p->status);
    json_object_set_new(j, "received_at", instant(p->received_at));
    json_object_set_new(j, "closed_at", instant(p->closed_at));
    json_t *stages = json_array();
    for (size_t i = 0; i < p->nstages; i++)
        json_array_append_new(stages, stage_json(&p->stages[i]));
    json_object_set_new(j, "stages", stages);
    if (!full)
        return j;
    json_t *points = json_array(), *actions = json_array(), *referrals = json_array();
    for (size_t i = 0; i < p->npoints; i++)
        json_array_append_new(
            points,
            json_pack("{s:I, s:i, s:s, s:o}", "id", (json_int_t)p->points[i].id, "stage",
                      p->points[i].stage, "point", p->points[i].point, "outcome",
                      *p->points[i].outcome ? json_string(p->points[i].outcome) : json_null()));
    for (size_t i = 0; i < p->nactions; i++) {
        json_t *a = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->actions[i].id,
                              "kind", p->actions[i].kind, "text", p->actions[i].text, "owner",
                              p->actions[i].owner, "due_on", p->actions[i].due_on);
        json_object_set_new(a, "completed_at", instant(p->actions[i].completed_at));
        json_array_append_new(actions, a);
    }
    for (size_t i = 0; i < p->nreferrals; i++) {
        const struct lgsco_referral *f = &p->referrals[i];
        json_t *recs = json_array();
        for (size_t k = 0; k < f->nrecs; k++) {
            json_t *c = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)f->recs[k].id, "text",
                                  f->recs[k].text, "due_on", f->recs[k].due_on, "evidence",
                                  f->recs[k].evidence);
            json_object_set_new(c, "complied_at", instant(f->recs[k].complied_at));
            json_array_append_new(recs, c);
        }
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)f->id, "reference",
                              f->reference, "enquiries", f->enquiries, "decision", f->decision,
                              "recommendations", recs);
        json_object_set_new(o, "received_at", instant(f->received_at));
        json_object_set_new(o, "decided_at", instant(f->decided_at));
        json_array_append_new(referrals, o);
    }
    json_object_set_new(j, "points", points);
    json_object_set_new(j, "actions", actions);
    json_object_set_new(j, "lgsco_referrals", referrals);
    return j;
}

static void reply_one(struct request *r, int status, int64_t id)
{
    struct representation p;
    struct err e = ERR_INIT;
    if (!complaints_get(http_ctx(r), id, &p, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, status, representation_json(&p, true));
}

void api_complaints_list(struct request *r)
{
    struct representation *items;
    size_t n;
    struct err e = ERR_INIT;
    if (!complaints_list(http_ctx(r), &items, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, representation_json(&items[i], false));
    http_reply_json(r, 200, json_pack("{s:o}", "representations", list));
}

void api_complaint_get(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_one(r, 200, id);
}

void api_complaints_create(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"kind", JSONV_STRING, true, 16},
        {"procedure", JSONV_STRING, true, 16},
        {"about_type", JSONV_STRING, true, 16},
        {"about", JSONV_STRING, true, 4 * COMPLAINT_MAX_SHORT},
        {"service_area", JSONV_STRING, true, 64},
        {"channel", JSONV_STRING, true, 64},
        {"from_name", JSONV_STRING, true, 4 * COMPLAINT_MAX_SHORT},
        {"from_contact", JSONV_STRING, false, 4 * COMPLAINT_MAX_SHORT},
        {"summary", JSONV_STRING, true, 4 * COMPLAINT_MAX_TEXT},
        {"received_on", JSONV_STRING, false, 10},
        {"agreed_timescale", JSONV_STRING, false, 40},
        {"points", JSONV_STRING_ARRAY, false, COMPLAINT_MAX_POINTS},
    };
    if (!api_body_ok(r, fields, sizeof fields / sizeof fields[0]))
        return;
    json_t *b = http_json(r), *points = json_object_get(b, "points"), *v;
    struct representation_input in = {
        .kind = jsonv_string(b, "kind"),
        .procedure = jsonv_string(b, "procedure"),
        .about_type = jsonv_string(b, "about_type"),
        .about = jsonv_string(b, "about"),
        .service_area = jsonv_string(b, "service_area"),
        .channel = jsonv_string(b, "channel"),
        .from_name = jsonv_string(b, "from_name"),
        .from_contact = jsonv_string(b, "from_contact"),
        .summary = jsonv_string(b, "summary"),
        .received_on = jsonv_string(b, "received_on"),
        .agreed_timescale = jsonv_string(b, "agreed_timescale"),
    };
    size_t i;
    json_array_foreach(points, i, v)
    {
        if (in.npoints < COMPLAINT_MAX_POINTS)
            in.points[in.npoints++] = json_string_value(v);
    }
    int64_t id;
    struct err e = ERR_INIT;
    if (!complaints_create(http_ctx(r), &in, &id, &e)) {
        http_reply_err(r, &e);
        return;
    }
    api_location(r, "/api/v1/complaints", id);
    reply_one(r, 201, id);
}

/* Run one change and reply with the representation. */
static void changed(struct request *r, int64_t id, bool ok, const struct err *e)
{
    if (ok)
        reply_one(r, 200, id);
    else
        http_reply_err(r, e);
}

void api_complaint_extend(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"due_on", JSONV_STRING, true, 10}, {"reason", JSONV_STRING, true, 4 * COMPLAINT_MAX_TEXT}};
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 2))
        return;
    json_t *b = http_json(r);
    changed(r, id,
            complaints_extend(http_ctx(r), id, jsonv_string(b, "due_on"), jsonv_string(b, "reason"),
                              &e),
            &e);
}

void api_complaint_complete_stage(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"outcomes", JSONV_STRING_ARRAY, true, COMPLAINT_MAX_POINTS}};
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 1))
        return;
    const char *outcomes[COMPLAINT_MAX_POINTS];
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(json_object_get(http_json(r), "outcomes"), i, v)
    {
        if (n < COMPLAINT_MAX_POINTS)
            outcomes[n++] = json_string_value(v);
    }
    changed(r, id, complaints_complete_stage(http_ctx(r), id, outcomes, n, &e), &e);
}

void api_complaint_escalate(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"investigator", JSONV_STRING, false, 4 * COMPLAINT_MAX_SHORT},
        {"independent_person", JSONV_STRING, false, 4 * COMPLAINT_MAX_SHORT}};
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 2))
        return;
    json_t *b = http_json(r);
    changed(r, id,
            complaints_escalate(http_ctx(r), id, jsonv_string(b, "investigator"),
                                jsonv_string(b, "independent_person"), &e),
            &e);
}

void api_complaint_progress(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"text", JSONV_STRING, true, 4 * COMPLAINT_MAX_TEXT}};
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 1))
        return;
    changed(r, id,
            complaints_progress_report(http_ctx(r), id, jsonv_string(http_json(r), "text"), &e),
            &e);
}

void api_complaint_close(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (http_param_id(r, "id", &id))
        changed(r, id, complaints_close(http_ctx(r), id, &e), &e);
}

static json_t *counts_json(const struct complaints_count *c, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, c[i].key, json_integer(c[i].count));
    return o;
}

void api_complaints_report(struct request *r)
{
    const char *from = http_query(r, "from"), *to = http_query(r, "to");
    int64_t from_day, to_day;
    struct err e = ERR_INIT;
    if (!from || !to || !clock_parse_date(from, &from_day, &e) ||
        !clock_parse_date(to, &to_day, &e)) {
        http_reply_problem(r, 422, "Invalid input", "Give from and to as YYYY-MM-DD", "from");
        return;
    }
    struct complaints_report rep;
    if (!complaints_report(http_ctx(r), from_day, to_day, &rep, &e)) {
        http_reply_err(r, &e);
        return;
    }
    json_t *quarters = json_array();
    for (size_t i = 0; i < rep.nquarters; i++) {
        const struct complaints_quarter *q = &rep.quarters[i];
        json_array_append_new(
            quarters, json_pack("{s:i, s:i, s:i, s:i, s:o, s:i}", "year", q->year, "quarter",
                                q->quarter, "stage2_completed", q->stage2_completed,
                                "stage2_in_time", q->stage2_in_time, "stage2_in_time_percent",
                                q->stage2_completed
                                    ? json_real(100.0 * q->stage2_in_time / q->stage2_completed)
                                    : json_null(),
                                "compliments", q->compliments));
    }
    http_reply_json(r, 200,
                    json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "from", from, "to", to,
                              "by_kind", counts_json(rep.by_kind, rep.nkind), "by_stage",
                              counts_json(rep.by_stage, rep.nstage), "by_service",
                              counts_json(rep.by_service, rep.nservice), "by_outcome",
                              counts_json(rep.by_outcome, rep.noutcome), "quarters", quarters));
}

/* Path parameters id and sub; false with the reply (404) sent. */
static bool two_ids(struct request *r, const char *sub, int64_t *id, int64_t *sub_id)
{
    return http_param_id(r, "id", id) && http_param_id(r, sub, sub_id);
}

void api_complaint_action_add(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"kind", JSONV_STRING, true, 16},
        {"text", JSONV_STRING, true, 4 * COMPLAINT_MAX_TEXT},
        {"owner", JSONV_STRING, false, 4 * COMPLAINT_MAX_SHORT},
        {"due_on", JSONV_STRING, false, 10}};
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 4))
        return;
    json_t *b = http_json(r);
    changed(r, id,
            complaints_action_add(http_ctx(r), id, jsonv_string(b, "kind"), jsonv_string(b, "text"),
                                  jsonv_string(b, "owner"), jsonv_string(b, "due_on"), &e),
            &e);
}

void api_complaint_action_complete(struct request *r)
{
    int64_t id, action;
    struct err e = ERR_INIT;
    if (two_ids(r, "action", &id, &action))
        changed(r, id, complaints_action_complete(http_ctx(r), id, action, &e), &e);
}

void api_complaint_lgsco_add(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"received_on", JSONV_STRING, true, 10},
        {"reference", JSONV_STRING, false, 4 * COMPLAINT_MAX_SHORT}};
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 2))
        return;
    json_t *b = http_json(r);
    changed(r, id,
            complaints_lgsco_add(http_ctx(r), id, jsonv_string(b, "received_on"),
                                 jsonv_string(b, "reference"), &e),
            &e);
}

void api_complaint_lgsco_update(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"enquiries", JSONV_STRING, false, 4 * COMPLAINT_MAX_TEXT},
        {"decision", JSONV_STRING, false, 4 * COMPLAINT_MAX_TEXT}};
    int64_t id, referral;
    struct err e = ERR_INIT;
    if (!two_ids(r, "referral", &id, &referral) || !api_body_ok(r, fields, 2))
        return;
    json_t *b = http_json(r);
    changed(r, id,
            complaints_lgsco_update(http_ctx(r), id, referral, jsonv_string(b, "enquiries"),
                                    jsonv_string(b, "decision"), &e),
            &e);
}

void api_complaint_lgsco_recommend(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"text", JSONV_STRING, true, 4 * COMPLAINT_MAX_TEXT}, {"due_on", JSONV_STRING, true, 10}};
    int64_t id, referral;
    struct err e = ERR_INIT;
    if (!two_ids(r, "referral", &id, &referral) || !api_body_ok(r, fields, 2))
        return;
    json_t *b = http_json(r);
    changed(r, id,
            complaints_lgsco_recommend(http_ctx(r), id, referral, jsonv_string(b, "text"),
                                       jsonv_string(b, "due_on"), &e),
            &e);
}

void api_complaint_lgsco_comply(struct request *r)
{
    static const struct jsonv_field fields[] = {
        {"evidence", JSONV_STRING, true, 4 * COMPLAINT_MAX_TEXT}};
    int64_t id, rec;
    struct err e = ERR_INIT;
    if (!two_ids(r, "rec", &id, &rec) || !api_body_ok(r, fields, 1))
        return;
    changed(
        r, id,
        complaints_lgsco_comply(http_ctx(r), id, rec, jsonv_string(http_json(r), "evidence"), &e),
        &e);
}
