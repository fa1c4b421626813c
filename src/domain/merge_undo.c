/*
 * Undoing a merge: only while nothing has happened to either record since (no
 * row referencing either added after the merge, no change audited on either),
 * because then putting back exactly what the merge recorded restores both
 * records as they were. Every step checks that it changed what the record says
 * it should; anything else rolls the whole undo back with ERR_CONFLICT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/merge_internal.h"
#include "domain/people_internal.h"

/* Changes to a person are audited with the record's id; views do not count. */
static const char SQL_CHANGED_SINCE[] =
    "SELECT action, record_id FROM audit WHERE record_type = 'person'"
    " AND record_id IN (:a, :b) AND id > :after AND action NOT LIKE '%.view'"
    " ORDER BY id LIMIT 1";
static const char SQL_COUNT_MOVES[] =
    "SELECT COUNT(*) FROM merge_moves WHERE merge_id = :merge AND table_name = :table"
    " AND column_name = :column AND action = :action";
static const char SQL_DELETE_ADDED[] =
    "DELETE FROM person_names WHERE person_id = :to AND id IN (SELECT row_id FROM merge_moves"
    " WHERE merge_id = :merge AND table_name = 'person_names' AND action = 'added')";
static const char SQL_COUNT_ADDED[] =
    "SELECT COUNT(*) FROM merge_moves WHERE merge_id = :merge AND action = 'added'";
static const char SQL_FIELDS[] =
    "SELECT field, value, previous FROM merge_fields WHERE merge_id = :merge ORDER BY field";
static const char SQL_GIVE_BACK_LEGACY_ID[] =
    "UPDATE people SET legacy_id = :value WHERE id = :id AND legacy_id IS NULL";
static const char SQL_UNMERGE[] =
    "UPDATE people SET merged_into = NULL, updated_at = :at WHERE id = :id"
    " AND merged_into = :survivor";
static const char SQL_TOUCH_BACK[] = "UPDATE people SET updated_at = :at WHERE id = :id";
static const char SQL_MARK_UNDONE[] =
    "UPDATE merges SET undone_at = :now, undone_by = :by, undo_reason = :reason"
    " WHERE id = :id AND undone_at IS NULL";

bool merge_undo_blocker(struct ctx *x, const struct merge_row *m, struct buf *why, struct err *e)
{
    if (m->undone_at) {
        buf_puts(why, "it has already been undone");
        return true;
    }
    for (size_t i = 0; i < merge_nrefs; i++) {
        const struct merge_ref *r = &merge_refs[i];
        if (!r->newer)
            continue;
        struct store_stmt *st = store_prepare(x->conn, r->newer, e);
        if (!st)
            return false;
        store_bind_int64(st, ":merge", m->id);
        store_bind_int64(st, ":a", m->survivor_id);
        store_bind_int64(st, ":b", m->merged_id);
        enum store_step_result res = store_step(st, e);
        if (res == STORE_ERROR)
            return false;
        if (res == STORE_ROW) {
            buf_printf(why, "a row in %s (id %lld) was added to person %lld after the merge",
                       r->table, (long long)store_col_int64(st, 0),
                       (long long)store_col_int64(st, 1));
            return store_exec(st, e);
        }
    }
    char a[24], b[24];
    snprintf(a, sizeof a, "%lld", (long long)m->survivor_id);
    snprintf(b, sizeof b, "%lld", (long long)m->merged_id);
    struct store_stmt *st = store_prepare(x->conn, SQL_CHANGED_SINCE, e);
    if (!st)
        return false;
    store_bind_text(st, ":a", a);
    store_bind_text(st, ":b", b);
    store_bind_int64(st, ":after", m->audit_id);
    enum store_step_result res = store_step(st, e);
    if (res == STORE_ROW) {
        buf_printf(why, "person %s was changed after the merge (%s)", store_col_text(st, 1),
                   store_col_text(st, 0));
        return store_exec(st, e);
    }
    return res == STORE_DONE;
}

static bool count(struct ctx *x, const char *sql, int64_t merge_id, const char *table,
                  const char *column, const char *action, int64_t *n, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, sql, e);
    if (!st)
        return false;
    store_bind_int64(st, ":merge", merge_id);
    if (table) {
        store_bind_text(st, ":table", table);
        store_bind_text(st, ":column", column);
        store_bind_text(st, ":action", action);
    }
    if (store_step(st, e) != STORE_ROW)
        return false;
    *n = store_col_int64(st, 0);
    return store_exec(st, e);
}

/* Put every recorded row back where it was, newest step first. */
static bool move_back(struct ctx *x, const struct merge_row *m, struct err *e)
{
    int64_t want, changed;
    if (!count(x, SQL_COUNT_ADDED, m->id, NULL, NULL, NULL, &want, e) ||
        !merge_run(x, SQL_DELETE_ADDED, m->id, 0, m->survivor_id, &changed, e))
        return false;
    if (changed != want)
        return err_set(e, ERR_CONFLICT, "", "The name the merge added has changed since");
    for (size_t i = merge_nrefs; i-- > 0;) {
        const struct merge_ref *r = &merge_refs[i];
        if (r->undo) {
            if (!count(x, SQL_COUNT_MOVES, m->id, r->table, r->column, "moved", &want, e) ||
                !merge_run(x, r->undo, m->id, m->merged_id, m->survivor_id, &changed, e))
                return false;
            if (changed != want)
                return err_set(e, ERR_CONFLICT, "",
                               "%lld of the %lld rows the merge moved in %s are no longer where "
                               "it put them",
                               (long long)(want - changed), (long long)want, r->table);
        }
        if (r->drop_restore) {
            if (!count(x, SQL_COUNT_MOVES, m->id, r->table, r->column, "dropped", &want, e) ||
                !merge_run(x, r->drop_restore, m->id, 0, 0, &changed, e))
                return false;
            if (changed != want)
                return err_set(e, ERR_CONFLICT, "", "A dropped relationship could not be restored");
        }
    }
    return true;
}

static bool unfill(struct ctx *x, const struct merge_row *m, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_FIELDS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":merge", m->id);
    struct merge_fill fill[MERGE_MAX_FILLS];
    size_t n = 0;
    enum store_step_result r;
    /* Read them all first: the statements below must not interleave with this one. */
    while ((r = store_step(st, e)) == STORE_ROW && n < MERGE_MAX_FILLS) {
        const char *prev = store_col_text(st, 2);
        fill[n].field = arena_strdup(x->arena, store_col_text(st, 0));
        fill[n].value = arena_strdup(x->arena, store_col_text(st, 1));
        fill[n].previous = prev ? arena_strdup(x->arena, prev) : NULL;
        if (!fill[n].field || !fill[n].value || (prev && !fill[n].previous))
            return err_set(e, ERR_NOMEM, "", "out of memory");
        n++;
    }
    if (r == STORE_ERROR || (r == STORE_ROW && !store_exec(st, e)))
        return false;
    for (size_t i = 0; i < n; i++) {
        const struct merge_field *f = merge_field_named(fill[i].field);
        if (!f)
            return err_set(e, ERR_INTERNAL, "", "no merge rule for the field %s", fill[i].field);
        if (!(st = store_prepare(x->conn, f->unfill, e)))
            return false;
        store_bind_int64(st, ":id", m->survivor_id);
        if (f->flag)
            store_bind_int64(st, ":value", fill[i].previous && strcmp(fill[i].previous, "0") != 0);
        else
            store_bind_text(st, ":value", fill[i].value);
        if (!store_exec(st, e))
            return false;
        if (store_changes(x->conn) != 1)
            return err_set(e, ERR_CONFLICT, "", "The %s of person %lld has changed since the merge",
                           f->name, (long long)m->survivor_id);
        if (!strcmp(f->name, "legacy_id")) {
            if (!(st = store_prepare(x->conn, SQL_GIVE_BACK_LEGACY_ID, e)))
                return false;
            store_bind_int64(st, ":id", m->merged_id);
            store_bind_text(st, ":value", fill[i].value);
            if (!store_exec(st, e))
                return false;
        }
    }
    return true;
}

static bool restore_people(struct ctx *x, const struct merge_row *m, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_UNMERGE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":at", m->merged_updated_at);
    store_bind_int64(st, ":id", m->merged_id);
    store_bind_int64(st, ":survivor", m->survivor_id);
    if (!store_exec(st, e))
        return false;
    if (store_changes(x->conn) != 1)
        return err_set(e, ERR_CONFLICT, "", "Person %lld is no longer merged into %lld",
                       (long long)m->merged_id, (long long)m->survivor_id);
    if (!(st = store_prepare(x->conn, SQL_TOUCH_BACK, e)))
        return false;
    store_bind_int64(st, ":at", m->survivor_updated_at);
    store_bind_int64(st, ":id", m->survivor_id);
    return store_exec(st, e) && people_rebuild_keys(x, m->survivor_id, e) &&
           people_rebuild_keys(x, m->merged_id, e);
}

bool merge_undo(struct ctx *x, int64_t merge_id, const char *reason, struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) || !merge_reason_ok(reason, e))
        return false;
    struct merge_row m;
    struct person s, p;
    struct buf why = BUF_INIT, detail = BUF_INIT;
    bool ok = false;
    if (!store_begin(x->conn, true, e) || !merge_load(x, merge_id, &m, e) ||
        !merge_load_person(x, m.survivor_id, &s, e) || !merge_load_person(x, m.merged_id, &p, e) ||
        !merge_undo_blocker(x, &m, &why, e))
        goto done;
    if (why.len) {
        err_set(e, ERR_CONFLICT, "", "Merge %lld cannot be undone: %s", (long long)merge_id,
                why.data);
        goto done;
    }
    if (!move_back(x, &m, e) || !unfill(x, &m, e) || !restore_people(x, &m, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_MARK_UNDONE, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_text(st, ":reason", reason);
    store_bind_int64(st, ":id", merge_id);
    buf_printf(&detail, "merge %lld undone: person %lld separated from person %lld",
               (long long)merge_id, (long long)m.merged_id, (long long)m.survivor_id);
    ok = !buf_failed(&detail) && store_exec(st, e) &&
         ctx_audit(x, "person.merge-undo", "person", m.survivor_id, reason, detail.data, e) &&
         ctx_audit(x, "person.merge-undo", "person", m.merged_id, reason, detail.data, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&why);
    buf_release(&detail);
    return ok;
}
