/*
 * Comments, compliments and complaints: recording, reading, and a
 * complaint's stages (deadlines, extensions, outcomes per point,
 * escalation, progress reports, closing).
 */
#include "domain/complaints.h"

#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "core/utf8.h"
#include "domain/complaints_internal.h"
#include "domain/enquiry_config.h"

static const char SQL_EXISTS[] = "SELECT status FROM representations WHERE id = :id";
static const char SQL_INSERT[] =
    "INSERT INTO representations (kind, procedure, about_type, about, service_area, channel,"
    " from_name, from_contact, summary, received_at, status, created_by, created_at)"
    " VALUES (:kind, :procedure, :about_type, :about, :area, :channel, :from_name,"
    " :from_contact, :summary, :received_at, 'open', :me, :now) RETURNING id";
static const char SQL_STAGE_INSERT[] =
    "INSERT INTO complaint_stages (representation_id, stage, started_at, timescale, due_at,"
    " original_due_at, investigator, independent_person) VALUES (:id, :stage, :started_at,"
    " :timescale, :due, :due, :investigator, :independent)";
static const char SQL_POINT_INSERT[] =
    "INSERT INTO complaint_points (representation_id, stage, point) VALUES (:id, :stage, :point)";
static const char SQL_ROW[] =
    "SELECT id, kind, procedure, about_type, about, service_area, channel, from_name,"
    " COALESCE(from_contact, ''), summary, status, received_at, COALESCE(closed_at, 0)"
    " FROM representations WHERE id = :id";
static const char SQL_LIST[] =
    "SELECT id, kind, procedure, about_type, about, service_area, channel, from_name,"
    " COALESCE(from_contact, ''), summary, status, received_at, COALESCE(closed_at, 0)"
    " FROM representations ORDER BY received_at DESC, id DESC LIMIT 500";
static const char SQL_STAGES[] =
    "SELECT s.id, s.stage, s.started_at, s.due_at, s.original_due_at, COALESCE(s.completed_at, 0),"
    " COALESCE(s.extended_at, 0), s.timescale, COALESCE(s.extension_reason, ''),"
    " COALESCE(s.investigator, ''), COALESCE(s.independent_person, ''),"
    " (SELECT COUNT(*) FROM complaint_progress_reports p WHERE p.stage_id = s.id),"
    " COALESCE((SELECT MAX(p.reported_at) FROM complaint_progress_reports p"
    "  WHERE p.stage_id = s.id), 0)"
    " FROM complaint_stages s WHERE s.representation_id = :id ORDER BY s.stage";
static const char SQL_POINTS[] =
    "SELECT id, stage, point, COALESCE(outcome, '') FROM complaint_points"
    " WHERE representation_id = :id ORDER BY stage, id";
static const char SQL_ACTIONS[] =
    "SELECT id, kind, text, COALESCE(owner, ''), COALESCE(due_on, ''), COALESCE(completed_at, 0)"
    " FROM complaint_actions WHERE representation_id = :id ORDER BY id";
static const char SQL_REFERRALS[] =
    "SELECT id, received_at, COALESCE(reference, ''), COALESCE(enquiries, ''),"
    " COALESCE(decision, ''), COALESCE(decided_at, 0) FROM lgsco_referrals"
    " WHERE representation_id = :id ORDER BY id";
static const char SQL_RECS[] =
    "SELECT id, text, due_on, COALESCE(complied_at, 0), COALESCE(evidence, '')"
    " FROM lgsco_recommendations WHERE referral_id = :id ORDER BY id";
static const char SQL_EXTEND[] =
    "UPDATE complaint_stages SET due_at = :due, extension_reason = :reason, extended_at = :now,"
    " extended_by = :me WHERE id = :stage_id";
static const char SQL_POINT_OUTCOME[] =
    "UPDATE complaint_points SET outcome = :outcome, decided_at = :now WHERE id = :pid";
static const char SQL_STAGE_COMPLETE[] =
    "UPDATE complaint_stages SET completed_at = :now WHERE id = :stage_id";
static const char SQL_CARRY_POINTS[] =
    "INSERT INTO complaint_points (representation_id, stage, point) SELECT representation_id,"
    " :next, point FROM complaint_points WHERE representation_id = :id AND stage = :stage"
    " AND (outcome IS NULL OR outcome <> 'withdrawn') ORDER BY id";
static const char SQL_REPORT[] =
    "INSERT INTO complaint_progress_reports (stage_id, reported_at, text, by_user)"
    " VALUES (:stage_id, :now, :text, :me)";
static const char SQL_CLOSE[] =
    "UPDATE representations SET status = 'closed', closed_at = :now WHERE id = :id";

bool complaints_text(const char *field, const char *label, const char *v, size_t max, bool required,
                     struct err *e)
{
    if (!v || !*v)
        return required ? err_set(e, ERR_INVALID, field, "Enter the %s", label) : true;
    if (!utf8_valid(v, strlen(v)) || utf8_length(v) > max)
        return err_set(e, ERR_INVALID, field, "The %s must be %zu characters or fewer", label, max);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
            return err_set(e, ERR_INVALID, field, "The %s must not contain control characters",
                           label);
    return true;
}

bool complaints_day(struct ctx *x, const char *field, const char *v, bool past_only, int64_t *day,
                    struct err *e)
{
    struct err pe = ERR_INIT;
    if (!v || !clock_parse_date(v, day, &pe))
        return err_set(e, ERR_INVALID, field, "Enter a real date, like 2026-03-02");
    if (past_only && *day > clock_london_day(x->now))
        return err_set(e, ERR_INVALID, field, "The date must be today or in the past");
    return true;
}

bool complaints_begin(struct ctx *x, enum perm p, int64_t id, bool *open_out, struct err *e)
{
    if (!access_require(x->who, p, e) || !store_begin(x->conn, true, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_EXISTS, e);
    enum store_step_result r = STORE_ERROR;
    if (st) {
        store_bind_int64(st, ":id", id);
        r = store_step(st, e);
    }
    if (r == STORE_ROW) {
        if (open_out)
            *open_out = !strcmp(store_col_text(st, 0), "open");
        return true;
    }
    if (r == STORE_DONE)
        err_set(e, ERR_NOT_FOUND, "", "There is no representation %lld", (long long)id);
    store_rollback(x->conn);
    return false;
}

bool complaints_finish(struct ctx *x, bool ok, struct err *e)
{
    ok = ok && store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static bool one_of(const char *v, const char *a, const char *b, const char *c)
{
    return v && (!strcmp(v, a) || !strcmp(v, b) || !strcmp(v, c));
}

static bool validate(struct ctx *x, const struct representation_input *in, int64_t *received_at,
                     struct err *e)
{
    if (!one_of(in->kind, "complaint", "compliment", "comment"))
        return err_set(e, ERR_INVALID, "kind", "Choose complaint, compliment or comment");
    if (!one_of(in->procedure, "children", "adults", "corporate"))
        return err_set(e, ERR_INVALID, "procedure",
                       "Choose the procedure: children's social care, adults' social care or "
                       "corporate");
    if (!one_of(in->about_type, "service", "person", "team"))
        return err_set(e, ERR_INVALID, "about_type",
                       "Say whether it is about a service, a person "
                       "or a team");
    if (!in->service_area || !x->enquiries || !enquiry_config_area(x->enquiries, in->service_area))
        return err_set(e, ERR_INVALID, "service_area",
                       "Choose a service area from the list (config/enquiries/service-areas.txt)");
    const struct codelist *l = x->codes ? codelist_get(x->codes, "representation_channel") : NULL;
    if (!in->channel || !l || !codelist_has(l, in->channel))
        return err_set(e, ERR_INVALID, "channel",
                       "Choose how it was received (config/codes/representation_channel.txt)");
    if (!complaints_text("about", "service, person or team it is about", in->about,
                         COMPLAINT_MAX_SHORT, true, e) ||
        !complaints_text("from_name", "name of who it is from", in->from_name, COMPLAINT_MAX_SHORT,
                         true, e) ||
        !complaints_text("from_contact", "contact details", in->from_contact, COMPLAINT_MAX_SHORT,
                         false, e) ||
        !complaints_text("summary", "summary", in->summary, COMPLAINT_MAX_TEXT, true, e))
        return false;
    bool complaint = !strcmp(in->kind, "complaint");
    if (complaint && !in->npoints)
        return err_set(e, ERR_INVALID, "points", "Enter at least one point of complaint");
    if (!complaint && in->npoints)
        return err_set(e, ERR_INVALID, "points", "Only a complaint has points of complaint");
    for (size_t i = 0; i < in->npoints; i++)
        if (!complaints_text("points", "point of complaint", in->points[i], COMPLAINT_MAX_TEXT,
                             true, e))
            return false;
    *received_at = x->now;
    if (in->received_on && *in->received_on) {
        int64_t day;
        if (!complaints_day(x, "received_on", in->received_on, true, &day, e))
            return false;
        /* Received that day: the clock counts from the London day, so noon
         * stands for "some time that day" without crossing midnight in BST. */
        *received_at =
            day == clock_london_day(x->now) ? x->now : clock_london_to_instant(day, 12, 0, 0);
    }
    return true;
}

static bool insert_stage(struct ctx *x, int64_t id, const char *procedure, int stage,
                         int64_t started_at, const char *agreed, const char *investigator,
                         const char *independent, struct err *e)
{
    const struct complaint_timescale *t = enquiry_config_stage(x->enquiries, procedure, stage);
    int64_t due;
    if (!t)
        return err_set(e, ERR_CONFLICT, "", "The %s procedure has no stage %d", procedure, stage);
    if (!complaint_stage_due(x->calendar, t, started_at, agreed, &due, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_STAGE_INSERT, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":stage", stage);
    store_bind_int64(st, ":started_at", started_at);
    store_bind_text(st, ":timescale", t->agreed ? agreed : t->within_text);
    store_bind_int64(st, ":due", due);
    store_bind_text_or_null(st, ":investigator", investigator);
    store_bind_text_or_null(st, ":independent", independent);
    char detail[96];
    snprintf(detail, sizeof detail, "%s stage %d started (%s)", procedure, stage,
             t->agreed ? agreed : t->within_text);
    return store_exec(st, e) &&
           ctx_audit(x, "representation.stage-start", "representation", id, NULL, detail, e);
}

bool complaints_create(struct ctx *x, const struct representation_input *in, int64_t *id_out,
                       struct err *e)
{
    int64_t received_at = 0;
    if (!access_require(x->who, PERM_COMPLAINTS_MANAGE, e) || !validate(x, in, &received_at, e))
        return false;
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT, e);
    if (!st)
        goto done;
    store_bind_text(st, ":kind", in->kind);
    store_bind_text(st, ":procedure", in->procedure);
    store_bind_text(st, ":about_type", in->about_type);
    store_bind_text(st, ":about", in->about);
    store_bind_text(st, ":area", in->service_area);
    store_bind_text(st, ":channel", in->channel);
    store_bind_text(st, ":from_name", in->from_name);
    store_bind_text_or_null(st, ":from_contact", in->from_contact);
    store_bind_text(st, ":summary", in->summary);
    store_bind_int64(st, ":received_at", received_at);
    store_bind_int64(st, ":me", x->who->user_id);
    store_bind_int64(st, ":now", x->now);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t id = store_col_int64(st, 0);
    char detail[96];
    snprintf(detail, sizeof detail, "%s, %s procedure, %s", in->kind, in->procedure,
             in->service_area);
    if (!store_exec(st, e) ||
        !ctx_audit(x, "representation.create", "representation", id, NULL, detail, e))
        goto done;
    if (!strcmp(in->kind, "complaint")) {
        if (!insert_stage(x, id, in->procedure, 1, received_at, in->agreed_timescale, NULL, NULL,
                          e))
            goto done;
        for (size_t i = 0; i < in->npoints; i++) {
            if (!(st = store_prepare(x->conn, SQL_POINT_INSERT, e)))
                goto done;
            store_bind_int64(st, ":id", id);
            store_bind_int64(st, ":stage", 1);
            store_bind_text(st, ":point", in->points[i]);
            if (!store_exec(st, e))
                goto done;
        }
    }
    ok = true;
    if (id_out)
        *id_out = id;
done:
    return complaints_finish(x, ok, e);
}

static const char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

static void read_row(struct ctx *x, struct store_stmt *st, struct representation *r)
{
    memset(r, 0, sizeof *r);
    r->id = store_col_int64(st, 0);
    r->kind = dup(x, st, 1);
    r->procedure = dup(x, st, 2);
    r->about_type = dup(x, st, 3);
    r->about = dup(x, st, 4);
    r->service_area = dup(x, st, 5);
    r->channel = dup(x, st, 6);
    r->from_name = dup(x, st, 7);
    r->from_contact = dup(x, st, 8);
    r->summary = dup(x, st, 9);
    r->status = dup(x, st, 10);
    r->received_at = store_col_int64(st, 11);
    r->closed_at = store_col_int64(st, 12);
}

static bool load_stages(struct ctx *x, struct representation *r, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_STAGES, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", r->id);
    enum store_step_result res;
    while ((res = store_step(st, e)) == STORE_ROW && r->nstages < 3) {
        struct complaint_stage *s = &r->stages[r->nstages++];
        s->id = store_col_int64(st, 0);
        s->stage = (int)store_col_int64(st, 1);
        s->started_at = store_col_int64(st, 2);
        s->due_at = store_col_int64(st, 3);
        s->original_due_at = store_col_int64(st, 4);
        s->completed_at = store_col_int64(st, 5);
        s->extended_at = store_col_int64(st, 6);
        s->timescale = dup(x, st, 7);
        s->extension_reason = dup(x, st, 8);
        s->investigator = dup(x, st, 9);
        s->independent_person = dup(x, st, 10);
        s->reports = (int)store_col_int64(st, 11);
        bool open = !s->completed_at && !strcmp(r->status, "open");
        s->overdue = open && calendar_is_overdue(s->due_at, x->now);
        if (open && s->stage == 2) {
            s->progress_due = complaint_progress_due(s->started_at, store_col_int64(st, 12));
            s->progress_missed = calendar_is_overdue(s->progress_due, x->now);
        }
        const struct complaint_timescale *t =
            x->enquiries ? enquiry_config_stage(x->enquiries, r->procedure, s->stage) : NULL;
        s->limit_text = t && t->has_limit ? t->limit_text : "";
        s->basis = t ? t->basis : "";
    }
    return res != STORE_ERROR;
}

/* Read rows of sql (bound :id) into an arena array via fill; at most
 * COMPLAINT_MAX_ITEMS. */
static void *read_many(struct ctx *x, const char *sql, int64_t id, size_t size, size_t *n,
                       void (*fill)(struct ctx *, struct store_stmt *, void *), struct err *e)
{
    *n = 0;
    char *items = arena_alloc(x->arena, COMPLAINT_MAX_ITEMS * size);
    struct store_stmt *st = items ? store_prepare(x->conn, sql, e) : NULL;
    if (!st) {
        if (!items)
            err_set(e, ERR_NOMEM, "", "out of memory");
        return NULL;
    }
    store_bind_int64(st, ":id", id);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW && *n < COMPLAINT_MAX_ITEMS)
        fill(x, st, items + (*n)++ * size);
    return r == STORE_ERROR ? NULL : items;
}

static void fill_point(struct ctx *x, struct store_stmt *st, void *out)
{
    struct complaint_point *p = out;
    p->id = store_col_int64(st, 0);
    p->stage = (int)store_col_int64(st, 1);
    p->point = dup(x, st, 2);
    p->outcome = dup(x, st, 3);
}

static void fill_action(struct ctx *x, struct store_stmt *st, void *out)
{
    struct complaint_action *a = out;
    a->id = store_col_int64(st, 0);
    a->kind = dup(x, st, 1);
    a->text = dup(x, st, 2);
    a->owner = dup(x, st, 3);
    a->due_on = dup(x, st, 4);
    a->completed_at = store_col_int64(st, 5);
}

static void fill_referral(struct ctx *x, struct store_stmt *st, void *out)
{
    struct lgsco_referral *f = out;
    f->id = store_col_int64(st, 0);
    f->received_at = store_col_int64(st, 1);
    f->reference = dup(x, st, 2);
    f->enquiries = dup(x, st, 3);
    f->decision = dup(x, st, 4);
    f->decided_at = store_col_int64(st, 5);
}

static void fill_rec(struct ctx *x, struct store_stmt *st, void *out)
{
    struct lgsco_recommendation *c = out;
    c->id = store_col_int64(st, 0);
    c->text = dup(x, st, 1);
    c->due_on = dup(x, st, 2);
    c->complied_at = store_col_int64(st, 3);
    c->evidence = dup(x, st, 4);
}

static bool load(struct ctx *x, int64_t id, struct representation *r, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_ROW, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result res = store_step(st, e);
    if (res != STORE_ROW)
        return res == STORE_DONE
                   ? err_set(e, ERR_NOT_FOUND, "", "There is no representation %lld", (long long)id)
                   : false;
    read_row(x, st, r);
    if (!load_stages(x, r, e) ||
        !(r->points =
              read_many(x, SQL_POINTS, id, sizeof *r->points, &r->npoints, fill_point, e)) ||
        !(r->actions =
              read_many(x, SQL_ACTIONS, id, sizeof *r->actions, &r->nactions, fill_action, e)) ||
        !(r->referrals = read_many(x, SQL_REFERRALS, id, sizeof *r->referrals, &r->nreferrals,
                                   fill_referral, e)))
        return false;
    for (size_t i = 0; i < r->nreferrals; i++)
        if (!(r->referrals[i].recs =
                  read_many(x, SQL_RECS, r->referrals[i].id, sizeof *r->referrals[i].recs,
                            &r->referrals[i].nrecs, fill_rec, e)))
            return false;
    return true;
}

bool complaints_get(struct ctx *x, int64_t id, struct representation *out, struct err *e)
{
    if (!complaints_begin(x, PERM_COMPLAINTS_VIEW, id, NULL, e))
        return false;
    bool ok = load(x, id, out, e) &&
              ctx_audit(x, "representation.view", "representation", id, NULL, NULL, e);
    return complaints_finish(x, ok, e);
}

bool complaints_list(struct ctx *x, struct representation **out, size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!access_require(x->who, PERM_COMPLAINTS_VIEW, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    struct representation *items = arena_alloc(x->arena, 500 * sizeof *items);
    struct store_stmt *st = items ? store_prepare(x->conn, SQL_LIST, e) : NULL;
    if (!st)
        goto done;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW && *n < 500)
        read_row(x, st, &items[(*n)++]);
    if (r == STORE_ERROR)
        goto done;
    for (size_t i = 0; i < *n; i++)
        if (!load_stages(x, &items[i], e))
            goto done;
    *out = items;
    ok = ctx_audit(x, "representation.list", "representation", 0, NULL, NULL, e);
done:
    return complaints_finish(x, ok, e);
}

/* The open stage of an open complaint (ERR_CONFLICT if none). */
static bool open_stage(struct ctx *x, int64_t id, struct representation *r,
                       struct complaint_stage **s, struct err *e)
{
    if (!load(x, id, r, e))
        return false;
    if (strcmp(r->kind, "complaint") != 0)
        return err_set(e, ERR_CONFLICT, "", "Only a complaint has stages");
    if (strcmp(r->status, "open") != 0)
        return err_set(e, ERR_CONFLICT, "", "Representation %lld is closed", (long long)id);
    *s = r->nstages ? &r->stages[r->nstages - 1] : NULL;
    if (!*s || (*s)->completed_at)
        return err_set(e, ERR_CONFLICT, "", "No stage of complaint %lld is open", (long long)id);
    return true;
}

bool complaints_extend(struct ctx *x, int64_t id, const char *due_on, const char *reason,
                       struct err *e)
{
    struct representation r;
    struct complaint_stage *s;
    int64_t day, due;
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, NULL, e))
        return false;
    bool ok =
        open_stage(x, id, &r, &s, e) && complaints_day(x, "due_on", due_on, false, &day, e) &&
        complaints_text("reason", "reason for the extension", reason, COMPLAINT_MAX_TEXT, true, e);
    const struct complaint_timescale *t =
        ok ? enquiry_config_stage(x->enquiries, r.procedure, s->stage) : NULL;
    ok = ok && complaint_extension_check(x->calendar, t, s->started_at, s->due_at, day, &due, e);
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_EXTEND, e) : NULL;
    if (st) {
        store_bind_int64(st, ":due", due);
        store_bind_text(st, ":reason", reason);
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":me", x->who->user_id);
        store_bind_int64(st, ":stage_id", s->id);
    }
    char detail[64];
    snprintf(detail, sizeof detail, "stage %d due %s", ok ? s->stage : 0, due_on ? due_on : "");
    ok = st && store_exec(st, e) &&
         ctx_audit(x, "representation.extend", "representation", id, reason, detail, e);
    return complaints_finish(x, ok, e);
}

bool complaints_complete_stage(struct ctx *x, int64_t id, const char *const *outcomes, size_t n,
                               struct err *e)
{
    struct representation r;
    struct complaint_stage *s;
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, NULL, e))
        return false;
    bool ok = open_stage(x, id, &r, &s, e);
    size_t k = 0;
    for (size_t i = 0; ok && i < r.npoints; i++) {
        if (r.points[i].stage != s->stage)
            continue;
        const char *o = k < n ? outcomes[k] : NULL;
        if (!o || (!one_of(o, "upheld", "partly_upheld", "not_upheld") && strcmp(o, "withdrawn")))
            ok = err_set(e, ERR_INVALID, "outcome",
                         "Give every point an outcome: upheld, partly upheld, not upheld or "
                         "withdrawn (point %zu has none)",
                         k + 1);
        struct store_stmt *st = ok ? store_prepare(x->conn, SQL_POINT_OUTCOME, e) : NULL;
        if (st) {
            store_bind_text(st, ":outcome", o);
            store_bind_int64(st, ":now", x->now);
            store_bind_int64(st, ":pid", r.points[i].id);
        }
        ok = st && store_exec(st, e);
        k++;
    }
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_STAGE_COMPLETE, e) : NULL;
    if (st) {
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":stage_id", s->id);
    }
    char detail[64];
    snprintf(detail, sizeof detail, "stage %d completed%s", ok ? s->stage : 0,
             ok && calendar_is_overdue(s->due_at, x->now) ? " late" : " in time");
    ok = st && store_exec(st, e) &&
         ctx_audit(x, "representation.stage-complete", "representation", id, NULL, detail, e);
    return complaints_finish(x, ok, e);
}

bool complaints_escalate(struct ctx *x, int64_t id, const char *investigator,
                         const char *independent_person, struct err *e)
{
    struct representation r;
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, NULL, e))
        return false;
    bool ok = load(x, id, &r, e);
    const struct complaint_stage *last = ok && r.nstages ? &r.stages[r.nstages - 1] : NULL;
    if (ok && (strcmp(r.kind, "complaint") || strcmp(r.status, "open") || !last))
        ok = err_set(e, ERR_CONFLICT, "", "Only an open complaint can go to its next stage");
    else if (ok && !last->completed_at)
        ok = err_set(e, ERR_CONFLICT, "", "Complete stage %d before starting stage %d", last->stage,
                     last->stage + 1);
    int next = last ? last->stage + 1 : 0;
    if (ok && !enquiry_config_stage(x->enquiries, r.procedure, next))
        ok = err_set(e, ERR_CONFLICT, "", "The %s procedure has no stage %d", r.procedure, next);
    ok = ok &&
         complaints_text("investigator", "investigator", investigator, COMPLAINT_MAX_SHORT,
                         !strcmp(r.procedure, "children") && next == 2, e) &&
         complaints_text("independent_person", "independent person", independent_person,
                         COMPLAINT_MAX_SHORT, !strcmp(r.procedure, "children") && next == 2, e) &&
         insert_stage(x, id, r.procedure, next, x->now, NULL, investigator, independent_person, e);
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_CARRY_POINTS, e) : NULL;
    if (st) {
        store_bind_int64(st, ":next", next);
        store_bind_int64(st, ":id", id);
        store_bind_int64(st, ":stage", next - 1);
    }
    ok = st && store_exec(st, e);
    return complaints_finish(x, ok, e);
}

bool complaints_progress_report(struct ctx *x, int64_t id, const char *text, struct err *e)
{
    struct representation r;
    struct complaint_stage *s;
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, NULL, e))
        return false;
    bool ok = open_stage(x, id, &r, &s, e);
    if (ok && s->stage != 2)
        ok = err_set(e, ERR_CONFLICT, "", "Progress reports are for a stage 2 investigation");
    ok = ok && complaints_text("text", "progress report", text, COMPLAINT_MAX_TEXT, true, e);
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_REPORT, e) : NULL;
    if (st) {
        store_bind_int64(st, ":stage_id", s->id);
        store_bind_int64(st, ":now", x->now);
        store_bind_text(st, ":text", text);
        store_bind_int64(st, ":me", x->who->user_id);
    }
    ok = st && store_exec(st, e) &&
         ctx_audit(x, "representation.progress-report", "representation", id, NULL, NULL, e);
    return complaints_finish(x, ok, e);
}

bool complaints_close(struct ctx *x, int64_t id, struct err *e)
{
    struct representation r;
    bool open = false;
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, &open, e))
        return false;
    bool ok = load(x, id, &r, e);
    if (ok && !open)
        ok = err_set(e, ERR_CONFLICT, "", "Representation %lld is already closed", (long long)id);
    if (ok && r.nstages && !r.stages[r.nstages - 1].completed_at)
        ok = err_set(e, ERR_CONFLICT, "", "Complete stage %d before closing",
                     r.stages[r.nstages - 1].stage);
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_CLOSE, e) : NULL;
    if (st) {
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":id", id);
    }
    ok = st && store_exec(st, e) &&
         ctx_audit(x, "representation.close", "representation", id, NULL, NULL, e);
    return complaints_finish(x, ok, e);
}
