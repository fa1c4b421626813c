/*
 * Reading merges: one merge with whether it can still be undone, and the
 * newest merges for the duplicates page. Names are shown only for records the
 * user may see.
 */
#include <stdio.h>
#include <string.h>

#include "domain/merge_internal.h"

#define MERGE_COLUMNS                                                                              \
    "SELECT m.id, m.survivor_id, m.merged_id, m.reason, m.detail, m.merged_at,"                    \
    " COALESCE(u.username, ''), COALESCE(m.undone_at, 0), COALESCE(v.username, ''),"               \
    " COALESCE(m.undo_reason, ''), m.survivor_updated_at, m.merged_updated_at, m.audit_id"         \
    " FROM merges m LEFT JOIN users u ON u.id = m.merged_by"                                       \
    " LEFT JOIN users v ON v.id = m.undone_by"
static const char SQL_MERGE[] = MERGE_COLUMNS " WHERE m.id = :id";
static const char SQL_RECENT[] = MERGE_COLUMNS " ORDER BY m.id DESC LIMIT :limit";

static const char *text(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

static bool read_row(struct ctx *x, struct store_stmt *st, struct merge_row *m, struct err *e)
{
    m->id = store_col_int64(st, 0);
    m->survivor_id = store_col_int64(st, 1);
    m->merged_id = store_col_int64(st, 2);
    m->reason = text(x, st, 3);
    m->detail = text(x, st, 4);
    m->merged_at = store_col_int64(st, 5);
    m->merged_by = text(x, st, 6);
    m->undone_at = store_col_int64(st, 7);
    m->undone_by = text(x, st, 8);
    m->undo_reason = text(x, st, 9);
    m->survivor_updated_at = store_col_int64(st, 10);
    m->merged_updated_at = store_col_int64(st, 11);
    m->audit_id = store_col_int64(st, 12);
    if (!m->reason || !m->detail || !m->merged_by || !m->undone_by || !m->undo_reason)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    return true;
}

bool merge_load(struct ctx *x, int64_t id, struct merge_row *m, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_MERGE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_DONE)
        return err_set(e, ERR_NOT_FOUND, "", "There is no merge %lld", (long long)id);
    return r == STORE_ROW && read_row(x, st, m, e) && store_exec(st, e);
}

/* "Forenames Surname", or "" (and *visible false) for a record the user may not see. */
static bool name_of(struct ctx *x, int64_t id, const char **name, bool *visible, struct err *e)
{
    struct person p;
    struct err le = ERR_INIT;
    *name = "";
    *visible = false;
    if (!merge_load_person(x, id, &p, &le)) {
        if (le.code != ERR_NOT_FOUND) {
            *e = le;
            return false;
        }
        return true;
    }
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s %s", p.forenames, p.surname);
    *name = arena_strdup(x->arena, b.data);
    buf_release(&b);
    *visible = true;
    return *name ? true : err_set(e, ERR_NOMEM, "", "out of memory");
}

static void to_record(const struct merge_row *m, struct merge_record *out)
{
    memset(out, 0, sizeof *out);
    out->id = m->id;
    out->survivor_id = m->survivor_id;
    out->merged_id = m->merged_id;
    out->reason = m->reason;
    out->detail = m->detail;
    out->merged_by = m->merged_by;
    out->merged_at = m->merged_at;
    out->undone_at = m->undone_at;
    out->undone_by = m->undone_by;
    out->undo_reason = m->undo_reason;
    out->undo_blocked = "";
}

static bool audit_read(struct ctx *x, const char *action, int64_t id, struct err *e)
{
    bool ok = store_begin(x->conn, true, e) && ctx_audit(x, action, "merge", id, NULL, NULL, e) &&
              store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool merge_get(struct ctx *x, int64_t merge_id, struct merge_record *out, struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e))
        return false;
    struct merge_row m;
    struct buf why = BUF_INIT;
    bool ok = false, seen_s, seen_m;
    if (!store_begin(x->conn, false, e) || !merge_load(x, merge_id, &m, e))
        goto done;
    to_record(&m, out);
    if (!name_of(x, m.survivor_id, &out->survivor_name, &seen_s, e) ||
        !name_of(x, m.merged_id, &out->merged_name, &seen_m, e))
        goto done;
    /* A merge involving a record the user may not see is not theirs to see. */
    if (!seen_s || !seen_m) {
        err_set(e, ERR_NOT_FOUND, "", "There is no merge %lld", (long long)merge_id);
        goto done;
    }
    if (!merge_undo_blocker(x, &m, &why, e))
        goto done;
    out->undo_blocked = arena_strdup(x->arena, why.data);
    if (!out->undo_blocked) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    store_rollback(x->conn);
    ok = audit_read(x, "merge.view", merge_id, e);
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&why);
    return ok;
}

bool merge_list_recent(struct ctx *x, struct merge_record *out, size_t max, size_t *n,
                       struct err *e)
{
    *n = 0;
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e))
        return false;
    struct merge_row *rows = arena_alloc(x->arena, (max ? max : 1) * sizeof *rows);
    if (!rows)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    bool ok = false;
    size_t count = 0;
    if (!store_begin(x->conn, false, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_RECENT, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":limit", (int64_t)max);
    enum store_step_result r = STORE_DONE;
    while (count < max && (r = store_step(st, e)) == STORE_ROW)
        if (!read_row(x, st, &rows[count++], e))
            goto done;
    if (count < max && r == STORE_ERROR)
        goto done;
    for (size_t i = 0; i < count; i++) {
        bool seen_s, seen_m;
        struct merge_record rec;
        to_record(&rows[i], &rec);
        rec.undo_blocked = NULL; /* not worked out for a list */
        if (!name_of(x, rows[i].survivor_id, &rec.survivor_name, &seen_s, e) ||
            !name_of(x, rows[i].merged_id, &rec.merged_name, &seen_m, e))
            goto done;
        if (seen_s && seen_m)
            out[(*n)++] = rec;
    }
    store_rollback(x->conn);
    ok = audit_read(x, "merge.list", 0, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}
