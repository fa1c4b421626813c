/*
 * destruction: legal holds, review, confirmed batches, certificates.
 */
#include "domain/destruction.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "domain/notes_internal.h"

/* An unlifted hold h covers person pid when it is for every domain or names
 * the domain of one of their cases (a children's hold covers early help,
 * which sits inside children's). */
#define HOLD_COVERS(pid)                                                                           \
    "(h.domains = '*' OR EXISTS (SELECT 1 FROM cases c WHERE c.person_id = " pid                   \
    " AND (',' || h.domains || ',' LIKE '%,' || c.pathway || ',%' OR (c.pathway = 'early_help'"    \
    " AND ',' || h.domains || ',' LIKE '%,children,%'))))"
#define HOLD_OF(pid, col)                                                                          \
    "(SELECT " col " FROM legal_holds h WHERE h.lifted_at IS NULL AND " HOLD_COVERS(               \
        pid) " ORDER BY h.id LIMIT 1)"
#define DUE_COLUMNS                                                                                \
    "SELECT r.person_id, p.forenames || ' ' || p.surname, COALESCE(p.dob, ''), r.rule,"            \
    " r.destroy_on, COALESCE(" HOLD_OF(                                                            \
        "r.person_id",                                                                             \
        "h.id") ", 0),"                                                                            \
                " COALESCE(" HOLD_OF(                                                              \
                    "r.person_id",                                                                 \
                    "h.reason") ", '')"                                                            \
                                " FROM person_retention r JOIN people p ON p.id = r.person_id"

static const char SQL_DUE[] =
    DUE_COLUMNS " WHERE r.destroy_on IS NOT NULL AND r.destroy_on <= :today"
                " ORDER BY r.destroy_on, r.person_id LIMIT :limit";
static const char SQL_DUE_ONE[] = DUE_COLUMNS " WHERE r.person_id = :id";
static const char SQL_BATCH[] =
    "INSERT INTO destruction_batches (confirmed_at, confirmed_by, authority, count)"
    " VALUES (:now, :by, :authority, :count) RETURNING id";
static const char SQL_TOMBSTONE[] =
    "INSERT INTO destroyed_records (person_id, destroyed_at, rule, destroy_on, batch_id)"
    " VALUES (:id, :now, :rule, :on, :batch)";
static const char SQL_MERGED_AWAY[] = "SELECT id FROM people WHERE merged_into = :id LIMIT 64";
static const char SQL_NOTES[] = "SELECT id FROM notes WHERE person_id = :id";
static const char SQL_CONTACTS[] =
    "SELECT DISTINCT contact_id FROM contact_people WHERE person_id = :id"
    " UNION SELECT contact_id FROM cases WHERE person_id = :id AND contact_id IS NOT NULL";
/* A contact goes when no other person's record still holds it. */
static const char SQL_CONTACT_ORPHAN[] =
    "DELETE FROM contacts WHERE id = :id AND NOT EXISTS (SELECT 1 FROM contact_people"
    " WHERE contact_id = :id) AND NOT EXISTS (SELECT 1 FROM cases WHERE contact_id = :id)";

#define PERSON_STEPS                                                                               \
    "(SELECT s.id FROM case_steps s JOIN cases c ON c.id = s.case_id WHERE c.person_id = :id)"
#define PERSON_MERGES "(SELECT id FROM merges WHERE survivor_id = :id OR merged_id = :id)"

/* Every row of personal data about one person, children before parents (the
 * foreign keys are on). The list covers every table of domain/merge's
 * reference list and the tables hanging off them; the destruction HTTP test
 * checks no column naming the person is left anywhere. */
static const char *const SQL_DESTROY[] = {
    "DELETE FROM note_versions WHERE note_id IN (SELECT id FROM notes WHERE person_id = :id)",
    "DELETE FROM notes WHERE person_id = :id",
    "DELETE FROM step_versions WHERE step_id IN " PERSON_STEPS,
    "DELETE FROM step_reviews WHERE step_id IN " PERSON_STEPS,
    "DELETE FROM case_steps WHERE case_id IN (SELECT id FROM cases WHERE person_id = :id)",
    "DELETE FROM allocations WHERE case_id IN (SELECT id FROM cases WHERE person_id = :id)",
    "DELETE FROM contact_people WHERE person_id = :id",
    "DELETE FROM cases WHERE person_id = :id",
    "DELETE FROM merge_moves WHERE merge_id IN " PERSON_MERGES,
    "DELETE FROM merge_marks WHERE merge_id IN " PERSON_MERGES,
    "DELETE FROM merge_fields WHERE merge_id IN " PERSON_MERGES,
    "DELETE FROM merge_dropped_relationships WHERE merge_id IN " PERSON_MERGES
    " OR person_id = :id OR related_id = :id",
    "DELETE FROM merges WHERE survivor_id = :id OR merged_id = :id",
    "DELETE FROM relationships WHERE person_id = :id OR related_id = :id",
    "DELETE FROM person_names WHERE person_id = :id",
    "DELETE FROM addresses WHERE person_id = :id",
    "DELETE FROM contact_methods WHERE person_id = :id",
    "DELETE FROM person_disabilities WHERE person_id = :id",
    "DELETE FROM person_keys WHERE person_id = :id",
    "DELETE FROM person_grants WHERE person_id = :id",
    "DELETE FROM access_overrides WHERE person_id = :id",
    "DELETE FROM person_retention WHERE person_id = :id",
    "DELETE FROM sar_requests WHERE person_id = :id",
    "DELETE FROM rectifications WHERE person_id = :id",
    "DELETE FROM access_grants WHERE person_id = :id",
    "DELETE FROM looked_after_periods WHERE person_id = :id",
    "DELETE FROM people WHERE id = :id",
};

static const char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

static void today(struct ctx *x, char out[16])
{
    struct buf b = BUF_INIT;
    clock_format_date(&b, clock_london_day(x->now));
    snprintf(out, 16, "%s", buf_failed(&b) ? "0000-00-00" : b.data);
    buf_release(&b);
}

static void fill_due(struct ctx *x, struct store_stmt *st, struct destruction_due *d)
{
    d->person_id = store_col_int64(st, 0);
    d->name = dup(x, st, 1);
    d->dob = dup(x, st, 2);
    d->rule = dup(x, st, 3);
    d->destroy_on = dup(x, st, 4);
    d->hold_id = store_col_int64(st, 5);
    d->hold_reason = dup(x, st, 6);
}

bool destruction_review(struct ctx *x, const struct retention_rules *rules,
                        struct destruction_review *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!retention_refresh(x, rules, NULL, e))
        return false;
    out->items = arena_alloc(x->arena, (DESTRUCTION_MAX_BATCH + 1) * sizeof *out->items);
    if (!out->items)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    char day[16];
    today(x, day);
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_DUE, e);
    if (!st)
        goto done;
    store_bind_text(st, ":today", day);
    store_bind_int64(st, ":limit", DESTRUCTION_MAX_BATCH + 1);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW)
        fill_due(x, st, &out->items[out->n++]);
    if (r == STORE_ERROR)
        goto done;
    if (out->n > DESTRUCTION_MAX_BATCH) {
        out->n = DESTRUCTION_MAX_BATCH;
        out->truncated = true;
    }
    char detail[48];
    snprintf(detail, sizeof detail, "%zu due on %s", out->n, day);
    ok = ctx_audit(x, "retention.review", NULL, 0, NULL, detail, e) && store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static bool destroy_rows(struct ctx *x, int64_t id, struct err *e)
{
    /* The notes' full-text index is told first, while it can still read the text. */
    int64_t notes[256];
    size_t nnotes;
    do {
        nnotes = 0;
        struct store_stmt *st = store_prepare(x->conn, SQL_NOTES, e);
        if (!st)
            return false;
        store_bind_int64(st, ":id", id);
        enum store_step_result r;
        while (nnotes < 256 && (r = store_step(st, e)) == STORE_ROW)
            notes[nnotes++] = store_col_int64(st, 0);
        if (nnotes < 256 && r == STORE_ERROR)
            return false;
        for (size_t i = 0; i < nnotes; i++)
            if (!notes_index_remove(x, notes[i], e) ||
                !store_exec_id(x->conn, "DELETE FROM note_versions WHERE note_id = :id", notes[i],
                               e) ||
                !store_exec_id(x->conn, "DELETE FROM notes WHERE id = :id", notes[i], e))
                return false;
    } while (nnotes == 256);
    int64_t contacts[64];
    size_t ncontacts = 0;
    struct store_stmt *st = store_prepare(x->conn, SQL_CONTACTS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW && ncontacts < 64)
        contacts[ncontacts++] = store_col_int64(st, 0);
    if (r == STORE_ERROR)
        return false;
    for (size_t i = 0; i < sizeof SQL_DESTROY / sizeof SQL_DESTROY[0]; i++)
        if (!store_exec_id(x->conn, SQL_DESTROY[i], id, e))
            return false;
    for (size_t i = 0; i < ncontacts; i++)
        if (!store_exec_id(x->conn, SQL_CONTACT_ORPHAN, contacts[i], e))
            return false;
    return true;
}

/* Due and not held, as of now; the row gives the rule and date. */
static bool check_due(struct ctx *x, int64_t id, const char *day, struct destruction_due *d,
                      struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_DUE_ONE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_ROW)
        fill_due(x, st, d);
    if (r == STORE_DONE || !*d->destroy_on || strcmp(d->destroy_on, day) > 0)
        return err_set(e, ERR_CONFLICT, "person_ids",
                       "Person %lld is not due for destruction; nothing was destroyed",
                       (long long)id);
    if (d->hold_id)
        return err_set(e, ERR_CONFLICT, "person_ids",
                       "Person %lld is under legal hold %lld (%s); nothing was destroyed",
                       (long long)id, (long long)d->hold_id, d->hold_reason);
    return true;
}

static bool destroy_one(struct ctx *x, const struct destruction_due *d, int64_t batch,
                        struct err *e)
{
    /* Records merged into this one are part of it: they go first (their
     * merged_into points here). */
    int64_t merged[64];
    size_t nmerged = 0;
    struct store_stmt *st = store_prepare(x->conn, SQL_MERGED_AWAY, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", d->person_id);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW && nmerged < 64)
        merged[nmerged++] = store_col_int64(st, 0);
    if (r == STORE_ERROR)
        return false;
    char detail[160];
    for (size_t i = 0; i <= nmerged; i++) {
        int64_t id = i < nmerged ? merged[i] : d->person_id;
        if (!destroy_rows(x, id, e) || !(st = store_prepare(x->conn, SQL_TOMBSTONE, e)))
            return false;
        store_bind_int64(st, ":id", id);
        store_bind_int64(st, ":now", x->now);
        store_bind_text(st, ":rule", d->rule);
        store_bind_text(st, ":on", d->destroy_on);
        store_bind_int64(st, ":batch", batch);
        /* The audit row names ids, the rule and the batch: no personal data. */
        snprintf(detail, sizeof detail, "batch %lld; rule %s; due %s%s", (long long)batch, d->rule,
                 d->destroy_on, i < nmerged ? "; merged into the destroyed record" : "");
        if (!store_exec(st, e) || !ctx_audit(x, "retention.destroy", "person", id, NULL, detail, e))
            return false;
    }
    return true;
}

bool destruction_confirm(struct ctx *x, const struct retention_rules *rules,
                         const int64_t *person_ids, size_t n, const char *authority,
                         int64_t *batch_id, struct err *e)
{
    if (!access_require(x->who, PERM_RETENTION, e))
        return false;
    if (!n)
        return err_set(e, ERR_INVALID, "person_ids", "Choose the records to destroy");
    if (n > DESTRUCTION_MAX_BATCH)
        return err_set(e, ERR_INVALID, "person_ids", "A batch has at most %d records",
                       DESTRUCTION_MAX_BATCH);
    if (!authority || !*authority || strlen(authority) > HOLD_REASON_MAX)
        return err_set(e, ERR_INVALID, "authority",
                       "Enter the authority for this destruction (1 to %d characters)",
                       HOLD_REASON_MAX);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (person_ids[i] == person_ids[j])
                return err_set(e, ERR_INVALID, "person_ids", "Person %lld is listed twice",
                               (long long)person_ids[i]);
    /* Dates as of now, so nothing is destroyed on a date an event has moved. */
    if (!retention_refresh(x, rules, NULL, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    char day[16];
    today(x, day);
    struct destruction_due *due = arena_alloc(x->arena, n * sizeof *due);
    if (!due) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!check_due(x, person_ids[i], day, &due[i], e))
            goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_BATCH, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_text(st, ":authority", authority);
    store_bind_int64(st, ":count", (int64_t)n);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t batch = store_col_int64(st, 0);
    for (size_t i = 0; i < n; i++)
        if (!destroy_one(x, &due[i], batch, e))
            goto done;
    char detail[48];
    snprintf(detail, sizeof detail, "%zu records", n);
    ok = ctx_audit(x, "retention.batch", "destruction_batch", batch, authority, detail, e) &&
         store_commit(x->conn, e);
    if (ok && batch_id)
        *batch_id = batch;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static const char SQL_CERT[] =
    "SELECT b.confirmed_at, u.username, b.authority, b.count FROM destruction_batches b"
    " JOIN users u ON u.id = b.confirmed_by WHERE b.id = :id";
static const char SQL_CERT_RECORDS[] =
    "SELECT person_id, destroyed_at, rule, destroy_on FROM destroyed_records"
    " WHERE batch_id = :id ORDER BY person_id";

bool destruction_certificate(struct ctx *x, int64_t batch_id, struct destruction_certificate *out,
                             struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!access_require(x->who, PERM_RETENTION, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    struct store_stmt *st = ctx_row(x, SQL_CERT, batch_id, "destruction batch", e);
    if (!st)
        goto done;
    out->batch_id = batch_id;
    out->confirmed_at = store_col_int64(st, 0);
    out->confirmed_by = dup(x, st, 1);
    out->authority = dup(x, st, 2);
    out->count = store_col_int64(st, 3);
    out->records = arena_alloc(x->arena, ((size_t)out->count * 2 + 1) * sizeof *out->records);
    if (!out->records) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    if (!(st = store_prepare(x->conn, SQL_CERT_RECORDS, e)))
        goto done;
    store_bind_int64(st, ":id", batch_id);
    /* count is of confirmed people; records merged into them add tombstones. */
    size_t cap = (size_t)out->count * 2 + 1;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW && out->nrecords < cap) {
        out->records[out->nrecords].person_id = store_col_int64(st, 0);
        out->records[out->nrecords].destroyed_at = store_col_int64(st, 1);
        out->records[out->nrecords].rule = dup(x, st, 2);
        out->records[out->nrecords].destroy_on = dup(x, st, 3);
        out->nrecords++;
    }
    if (r == STORE_ERROR)
        goto done;
    ok = ctx_audit(x, "retention.certificate", "destruction_batch", batch_id, NULL, NULL, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

/* --- legal holds ----------------------------------------------------------- */

static const char SQL_HOLD_SET[] =
    "INSERT INTO legal_holds (reason, domains, set_at, set_by) VALUES (:reason, :domains, :now,"
    " :by) RETURNING id";
static const char SQL_HOLD_LIFT[] = "UPDATE legal_holds SET lifted_at = :now, lifted_by = :by"
                                    " WHERE id = :id AND lifted_at IS NULL";
static const char SQL_HOLDS[] =
    "SELECT h.id, h.set_at, COALESCE(h.lifted_at, 0), h.reason, h.domains, u.username"
    " FROM legal_holds h JOIN users u ON u.id = h.set_by ORDER BY h.id DESC LIMIT :limit";

static bool domains_ok(const char *d, struct err *e)
{
    if (!d || !*d || strlen(d) > 64)
        return err_set(e, ERR_INVALID, "domains",
                       "Choose the records the hold covers: children, early_help, adults or *");
    if (!strcmp(d, "*"))
        return true;
    char copy[65];
    snprintf(copy, sizeof copy, "%s", d);
    for (char *s = copy, *end; s; s = end ? end + 1 : NULL) {
        end = strchr(s, ',');
        if (end)
            *end = 0;
        if (!access_domain_bit(s))
            return err_set(e, ERR_INVALID, "domains",
                           "'%s' is not a record domain (children, early_help, adults, or *)", s);
    }
    return true;
}

bool holds_set(struct ctx *x, const char *reason, const char *domains, int64_t *id, struct err *e)
{
    if (!access_require(x->who, PERM_RETENTION, e))
        return false;
    if (!reason || !*reason || strlen(reason) > HOLD_REASON_MAX)
        return err_set(e, ERR_INVALID, "reason",
                       "Enter the reason for the hold (1 to %d characters)", HOLD_REASON_MAX);
    if (!domains_ok(domains, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    struct store_stmt *st = store_prepare(x->conn, SQL_HOLD_SET, e);
    if (!st)
        goto done;
    store_bind_text(st, ":reason", reason);
    store_bind_text(st, ":domains", domains);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t hold = store_col_int64(st, 0);
    ok = ctx_audit(x, "retention.hold", "legal_hold", hold, reason, domains, e) &&
         store_commit(x->conn, e);
    if (ok && id)
        *id = hold;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool holds_lift(struct ctx *x, int64_t id, struct err *e)
{
    if (!access_require(x->who, PERM_RETENTION, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    struct store_stmt *st = store_prepare(x->conn, SQL_HOLD_LIFT, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (!store_exec(st, e))
        goto done;
    if (store_changes(x->conn) != 1) {
        err_set(e, ERR_NOT_FOUND, "", "There is no legal hold %lld in force", (long long)id);
        goto done;
    }
    ok = ctx_audit(x, "retention.hold-lift", "legal_hold", id, NULL, NULL, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool holds_list(struct ctx *x, struct legal_hold **out, size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!access_require(x->who, PERM_RETENTION, e))
        return false;
    struct legal_hold *h = arena_alloc(x->arena, HOLDS_MAX * sizeof *h);
    if (!h)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    struct store_stmt *st = store_prepare(x->conn, SQL_HOLDS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":limit", HOLDS_MAX);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct legal_hold *one = &h[(*n)++];
        one->id = store_col_int64(st, 0);
        one->set_at = store_col_int64(st, 1);
        one->lifted_at = store_col_int64(st, 2);
        one->reason = dup(x, st, 3);
        one->domains = dup(x, st, 4);
        one->set_by = dup(x, st, 5);
    }
    *out = h;
    return r != STORE_ERROR;
}
