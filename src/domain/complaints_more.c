/*
 * Complaints: actions and learning, Ombudsman (LGSCO) referrals, and the
 * reports (counts for a period, stage 2 in time and compliments per quarter).
 */
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "domain/complaints.h"
#include "domain/complaints_internal.h"

static const char SQL_ACTION_ADD[] =
    "INSERT INTO complaint_actions (representation_id, kind, text, owner, due_on)"
    " VALUES (:id, :kind, :text, :owner, :due_on)";
static const char SQL_ACTION_DONE[] =
    "UPDATE complaint_actions SET completed_at = :now WHERE id = :aid AND representation_id = :id"
    " AND completed_at IS NULL";
static const char SQL_LGSCO_ADD[] =
    "INSERT INTO lgsco_referrals (representation_id, received_at, reference)"
    " VALUES (:id, :received_at, :reference)";
static const char SQL_LGSCO_UPDATE[] =
    "UPDATE lgsco_referrals SET enquiries = COALESCE(:enquiries, enquiries),"
    " decision = COALESCE(:decision, decision), decided_at = CASE WHEN :decision IS NULL"
    " THEN decided_at ELSE :now END WHERE id = :rid AND representation_id = :id";
static const char SQL_LGSCO_REC[] =
    "INSERT INTO lgsco_recommendations (referral_id, text, due_on) SELECT id, :text, :due_on"
    " FROM lgsco_referrals WHERE id = :rid AND representation_id = :id";
static const char SQL_LGSCO_COMPLY[] =
    "UPDATE lgsco_recommendations SET complied_at = :now, evidence = :evidence WHERE id = :cid"
    " AND complied_at IS NULL AND referral_id IN (SELECT id FROM lgsco_referrals"
    " WHERE representation_id = :id)";
/* Rows for the report: the period's representations, stages and outcomes,
 * aggregated in C so the SQL stays free of backend date functions. */
static const char SQL_REPORT_REPS[] =
    "SELECT kind, procedure, service_area, received_at FROM representations"
    " WHERE received_at >= :from AND received_at < :to";
static const char SQL_REPORT_STAGES[] =
    "SELECT r.procedure, s.stage, s.started_at, COALESCE(s.completed_at, 0), s.due_at"
    " FROM complaint_stages s JOIN representations r ON r.id = s.representation_id"
    " WHERE (s.started_at >= :from AND s.started_at < :to)"
    " OR (s.completed_at >= :from AND s.completed_at < :to)";
static const char SQL_REPORT_OUTCOMES[] =
    "SELECT outcome FROM complaint_points WHERE outcome IS NOT NULL AND decided_at >= :from"
    " AND decided_at < :to";

/* One change of an enquiry's sub-record: run st (prepared and bound), which
 * must change a row, and audit it. */
static bool change(struct ctx *x, int64_t id, struct store_stmt *st, const char *action,
                   const char *what, struct err *e)
{
    if (!st || !store_exec(st, e))
        return false;
    if (store_changes(x->conn) != 1)
        return err_set(e, ERR_NOT_FOUND, "",
                       "There is no such %s on representation %lld, or it "
                       "is already done",
                       what, (long long)id);
    return ctx_audit(x, action, "representation", id, NULL, what, e);
}

bool complaints_action_add(struct ctx *x, int64_t id, const char *kind, const char *text,
                           const char *owner, const char *due_on, struct err *e)
{
    int64_t day;
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, NULL, e))
        return false;
    bool ok = true;
    if (!kind || (strcmp(kind, "action") && strcmp(kind, "learning")))
        ok = err_set(e, ERR_INVALID, "kind", "Choose action or learning");
    ok = ok && complaints_text("text", "action or learning", text, COMPLAINT_MAX_TEXT, true, e) &&
         complaints_text("owner", "owner", owner, COMPLAINT_MAX_SHORT, false, e) &&
         (!due_on || !*due_on || complaints_day(x, "due_on", due_on, false, &day, e));
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_ACTION_ADD, e) : NULL;
    if (st) {
        store_bind_int64(st, ":id", id);
        store_bind_text(st, ":kind", kind);
        store_bind_text(st, ":text", text);
        store_bind_text_or_null(st, ":owner", owner);
        store_bind_text_or_null(st, ":due_on", due_on);
    }
    ok = ok && change(x, id, st, "representation.action-add", kind, e);
    return complaints_finish(x, ok, e);
}

bool complaints_action_complete(struct ctx *x, int64_t id, int64_t action_id, struct err *e)
{
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, NULL, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_ACTION_DONE, e);
    if (st) {
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":aid", action_id);
        store_bind_int64(st, ":id", id);
    }
    return complaints_finish(x, change(x, id, st, "representation.action-complete", "action", e),
                             e);
}

bool complaints_lgsco_add(struct ctx *x, int64_t id, const char *received_on, const char *reference,
                          struct err *e)
{
    int64_t day;
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, NULL, e))
        return false;
    bool ok = complaints_day(x, "received_on", received_on, true, &day, e) &&
              complaints_text("reference", "Ombudsman's reference", reference, COMPLAINT_MAX_SHORT,
                              false, e);
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_LGSCO_ADD, e) : NULL;
    if (st) {
        store_bind_int64(st, ":id", id);
        store_bind_int64(st, ":received_at", clock_london_to_instant(day, 12, 0, 0));
        store_bind_text_or_null(st, ":reference", reference);
    }
    ok = ok && change(x, id, st, "representation.lgsco-referral", "Ombudsman referral", e);
    return complaints_finish(x, ok, e);
}

bool complaints_lgsco_update(struct ctx *x, int64_t id, int64_t referral_id, const char *enquiries,
                             const char *decision, struct err *e)
{
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, NULL, e))
        return false;
    const char *enq = enquiries && *enquiries ? enquiries : NULL;
    const char *dec = decision && *decision ? decision : NULL;
    bool ok =
        complaints_text("enquiries", "Ombudsman's enquiries", enq, COMPLAINT_MAX_TEXT, false, e) &&
        complaints_text("decision", "decision", dec, COMPLAINT_MAX_TEXT, false, e);
    if (ok && !enq && !dec)
        ok = err_set(e, ERR_INVALID, "enquiries", "Enter the Ombudsman's enquiries or decision");
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_LGSCO_UPDATE, e) : NULL;
    if (st) {
        store_bind_text_or_null(st, ":enquiries", enq);
        store_bind_text_or_null(st, ":decision", dec);
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":rid", referral_id);
        store_bind_int64(st, ":id", id);
    }
    ok = ok && change(x, id, st, "representation.lgsco-update", "Ombudsman referral", e);
    return complaints_finish(x, ok, e);
}

bool complaints_lgsco_recommend(struct ctx *x, int64_t id, int64_t referral_id, const char *text,
                                const char *due_on, struct err *e)
{
    int64_t day;
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, NULL, e))
        return false;
    bool ok = complaints_text("text", "recommendation", text, COMPLAINT_MAX_TEXT, true, e) &&
              complaints_day(x, "due_on", due_on, false, &day, e);
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_LGSCO_REC, e) : NULL;
    if (st) {
        store_bind_text(st, ":text", text);
        store_bind_text(st, ":due_on", due_on);
        store_bind_int64(st, ":rid", referral_id);
        store_bind_int64(st, ":id", id);
    }
    ok = ok && change(x, id, st, "representation.lgsco-recommendation", "Ombudsman referral", e);
    return complaints_finish(x, ok, e);
}

bool complaints_lgsco_comply(struct ctx *x, int64_t id, int64_t rec_id, const char *evidence,
                             struct err *e)
{
    if (!complaints_begin(x, PERM_COMPLAINTS_MANAGE, id, NULL, e))
        return false;
    bool ok = complaints_text("evidence", "evidence of compliance", evidence, COMPLAINT_MAX_TEXT,
                              true, e);
    struct store_stmt *st = ok ? store_prepare(x->conn, SQL_LGSCO_COMPLY, e) : NULL;
    if (st) {
        store_bind_int64(st, ":now", x->now);
        store_bind_text(st, ":evidence", evidence);
        store_bind_int64(st, ":cid", rec_id);
        store_bind_int64(st, ":id", id);
    }
    ok = ok && change(x, id, st, "representation.lgsco-compliance", "recommendation", e);
    return complaints_finish(x, ok, e);
}

/* --- reports ------------------------------------------------------------- */

enum { MAX_KEYS = 64 };

struct tally {
    struct complaints_count items[MAX_KEYS];
    size_t n;
};

static void bump(struct ctx *x, struct tally *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->items[i].key, key)) {
            t->items[i].count++;
            return;
        }
    if (t->n < MAX_KEYS) {
        t->items[t->n].key = arena_strdup(x->arena, key);
        t->items[t->n++].count = 1;
    }
}

static struct complaints_count *keep(struct ctx *x, const struct tally *t, size_t *n)
{
    struct complaints_count *c = arena_alloc(x->arena, (t->n ? t->n : 1) * sizeof *c);
    if (c)
        memcpy(c, t->items, t->n * sizeof *c);
    *n = c ? t->n : 0;
    return c;
}

static int quarter_index(int64_t first_day, int64_t instant)
{
    int y0, m0, d0, y, m, d;
    clock_civil_from_days(first_day, &y0, &m0, &d0);
    clock_civil_from_days(clock_london_day(instant), &y, &m, &d);
    return (y * 4 + (m - 1) / 3) - (y0 * 4 + (m0 - 1) / 3);
}

bool complaints_report(struct ctx *x, int64_t from_day, int64_t to_day,
                       struct complaints_report *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!access_require(x->who, PERM_COMPLAINTS_VIEW, e))
        return false;
    if (to_day < from_day || to_day - from_day > 366 * 5)
        return err_set(e, ERR_INVALID, "to",
                       "The period must end after it starts and span at "
                       "most five years");
    int64_t from = clock_london_to_instant(from_day, 0, 0, 0);
    int64_t to = clock_london_to_instant(to_day + 1, 0, 0, 0);
    int nq = quarter_index(from_day, clock_london_to_instant(to_day, 12, 0, 0)) + 1;
    out->quarters = arena_alloc(x->arena, (size_t)nq * sizeof *out->quarters);
    struct tally *t = arena_alloc(x->arena, 4 * sizeof *t);
    if (!out->quarters || !t)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    out->nquarters = (size_t)nq;
    for (int i = 0; i < nq; i++) {
        int y, m, d;
        clock_civil_from_days(from_day, &y, &m, &d);
        int q = y * 4 + (m - 1) / 3 + i;
        out->quarters[i].year = q / 4;
        out->quarters[i].quarter = q % 4 + 1;
    }
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    char key[96];
    struct store_stmt *st = store_prepare(x->conn, SQL_REPORT_REPS, e);
    enum store_step_result r = STORE_ERROR;
    if (st) {
        store_bind_int64(st, ":from", from);
        store_bind_int64(st, ":to", to);
        while ((r = store_step(st, e)) == STORE_ROW) {
            const char *kind = store_col_text(st, 0);
            snprintf(key, sizeof key, "%s / %s", kind, store_col_text(st, 1));
            bump(x, &t[0], key);
            bump(x, &t[2], store_col_text(st, 2));
            int q = quarter_index(from_day, store_col_int64(st, 3));
            if (!strcmp(kind, "compliment") && q >= 0 && q < nq)
                out->quarters[q].compliments++;
        }
    }
    if (r == STORE_ERROR || !(st = store_prepare(x->conn, SQL_REPORT_STAGES, e)))
        goto done;
    store_bind_int64(st, ":from", from);
    store_bind_int64(st, ":to", to);
    while ((r = store_step(st, e)) == STORE_ROW) {
        int64_t started = store_col_int64(st, 2), completed = store_col_int64(st, 3);
        int stage = (int)store_col_int64(st, 1);
        if (started >= from && started < to) {
            snprintf(key, sizeof key, "%s stage %d", store_col_text(st, 0), stage);
            bump(x, &t[1], key);
        }
        int q = completed ? quarter_index(from_day, completed) : -1;
        if (stage == 2 && completed >= from && completed < to && q >= 0 && q < nq) {
            out->quarters[q].stage2_completed++;
            out->quarters[q].stage2_in_time += completed <= store_col_int64(st, 4);
        }
    }
    if (r == STORE_ERROR || !(st = store_prepare(x->conn, SQL_REPORT_OUTCOMES, e)))
        goto done;
    store_bind_int64(st, ":from", from);
    store_bind_int64(st, ":to", to);
    while ((r = store_step(st, e)) == STORE_ROW)
        bump(x, &t[3], store_col_text(st, 0));
    if (r == STORE_ERROR)
        goto done;
    out->by_kind = keep(x, &t[0], &out->nkind);
    out->by_stage = keep(x, &t[1], &out->nstage);
    out->by_service = keep(x, &t[2], &out->nservice);
    out->by_outcome = keep(x, &t[3], &out->noutcome);
    ok = ctx_audit(x, "representation.report", "representation", 0, NULL, NULL, e);
done:
    return complaints_finish(x, ok, e);
}
