/*
 * Merging person records and undoing a merge. The merge and its undo each run
 * in one write transaction; everything the merge changes is recorded in
 * merge_moves, merge_fields, merge_marks and merge_dropped_relationships, and
 * the undo works from those records alone. Reading merges is in merge_read.c.
 */
#include "domain/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "domain/merge_internal.h"
#include "domain/people_internal.h"

/* --- what references people.id ------------------------------------------
 *
 * EVERY TABLE WITH A COLUMN THAT REFERENCES people.id MUST BE LISTED HERE, with
 * how a merge treats it; tests/unit/test_merge.c compares this list with the
 * schema's foreign keys and fails when one is missing. A table with an id
 * column that simply belongs to a person needs only REF_MOVE(table, column).
 *
 * The SQL is built by the preprocessor from string literals, so each statement
 * is still one constant with bound parameters. Parameters, by statement kind:
 * record/move/undo and drop_record :merge :from :to; drop_archive, drop_delete,
 * drop_restore and mark :merge; newer :merge :a :b.
 */

#define MOVED(keycol, t, c, act)                                                                   \
    "SELECT " keycol " FROM merge_moves WHERE merge_id = :merge AND table_name = '" t              \
    "' AND column_name = '" c "' AND action = '" act "'"

/* Rows with an id: record them, move them, and (undo) move them back. */
#define MOVE_SQL(t, c)                                                                             \
    "INSERT INTO merge_moves (merge_id, table_name, column_name, row_id, from_id, to_id, action)"  \
    " SELECT :merge, '" t "', '" c "', id, :from, :to, 'moved' FROM " t " WHERE " c " = :from",    \
        "UPDATE " t " SET " c " = :to WHERE " c                                                    \
        " = :from AND id IN (" MOVED("row_id", t, c, "moved") ")",                                 \
        "UPDATE " t " SET " c " = :from WHERE " c                                                  \
        " = :to AND id IN (" MOVED("row_id", t, c, "moved") ")"

/* Rows keyed by (person, key): the survivor gets those it lacks; the merged
 * record keeps its copies of the ones both had (the union is the same). */
#define UNION_SQL(t, c, key, keycol)                                                               \
    "INSERT INTO merge_moves (merge_id, table_name, column_name, " keycol ", from_id, to_id,"      \
    " action) SELECT :merge, '" t "', '" c "', " key ", :from, :to, 'moved' FROM " t " WHERE " c   \
    " = :from AND " key " NOT IN (SELECT " key " FROM " t " WHERE " c " = :to)",                   \
        "UPDATE " t " SET " c " = :to WHERE " c " = :from AND " key                                \
        " IN (" MOVED(keycol, t, c, "moved") ")",                                                  \
        "UPDATE " t " SET " c " = :from WHERE " c " = :to AND " key                                \
        " IN (" MOVED(keycol, t, c, "moved") ")"

#define MARK_SQL(t)                                                                                \
    "INSERT INTO merge_marks (merge_id, table_name, last_id) SELECT :merge, '" t "',"              \
    " COALESCE(MAX(id), 0) FROM " t
#define NEWER_SQL(t, c)                                                                            \
    "SELECT x.id, x." c " FROM " t " x JOIN merge_marks m ON m.merge_id = :merge AND"              \
    " m.table_name = '" t "' WHERE x." c " IN (:a, :b) AND x.id > m.last_id ORDER BY x.id LIMIT 1"

/* A relationship between the two records would point a person at themself
 * (and break its CHECK): it is dropped, kept whole in merge_dropped_relationships. */
#define REL_COLUMNS                                                                                \
    "id, person_id, related_id, type, professional_name, professional_org, from_date, to_date,"    \
    " created_at, created_by"
#define REL_DROP_SQL(c, other)                                                                     \
    "INSERT INTO merge_moves (merge_id, table_name, column_name, row_id, from_id, to_id, action)"  \
    " SELECT :merge, 'relationships', '" c "', id, :from, NULL, 'dropped' FROM relationships"      \
    " WHERE " c " = :from AND " other " = :to",                                                    \
        "INSERT INTO merge_dropped_relationships (merge_id, " REL_COLUMNS                          \
        ") SELECT :merge, " REL_COLUMNS                                                            \
        " FROM relationships WHERE id IN (" MOVED("row_id", "relationships", c, "dropped") ")",    \
        "DELETE FROM relationships WHERE id IN (" MOVED("row_id", "relationships", c,              \
                                                        "dropped") ")",                            \
        "INSERT INTO relationships (" REL_COLUMNS ") SELECT " REL_COLUMNS                          \
        " FROM merge_dropped_relationships WHERE merge_id = :merge AND id IN (" MOVED(             \
            "row_id", "relationships", c, "dropped") ")"
#define NO_DROP NULL, NULL, NULL, NULL

static const struct merge_ref refs[] = {
    {"people", "merged_into", REF_SELF, NULL, NULL, NULL, NO_DROP, NULL, NULL},
    {"person_names", "person_id", REF_MOVE, MOVE_SQL("person_names", "person_id"), NO_DROP,
     MARK_SQL("person_names"), NEWER_SQL("person_names", "person_id")},
    {"addresses", "person_id", REF_MOVE, MOVE_SQL("addresses", "person_id"), NO_DROP,
     MARK_SQL("addresses"), NEWER_SQL("addresses", "person_id")},
    {"contact_methods", "person_id", REF_MOVE, MOVE_SQL("contact_methods", "person_id"), NO_DROP,
     MARK_SQL("contact_methods"), NEWER_SQL("contact_methods", "person_id")},
    {"person_disabilities", "person_id", REF_UNION,
     UNION_SQL("person_disabilities", "person_id", "code", "row_code"), NO_DROP, NULL, NULL},
    {"person_grants", "person_id", REF_UNION,
     UNION_SQL("person_grants", "person_id", "user_id", "row_id"), NO_DROP, NULL, NULL},
    {"person_keys", "person_id", REF_KEYS, NULL, NULL, NULL, NO_DROP, NULL, NULL},
    {"relationships", "person_id", REF_MOVE, MOVE_SQL("relationships", "person_id"),
     REL_DROP_SQL("person_id", "related_id"), MARK_SQL("relationships"),
     NEWER_SQL("relationships", "person_id")},
    {"relationships", "related_id", REF_MOVE, MOVE_SQL("relationships", "related_id"),
     REL_DROP_SQL("related_id", "person_id"), NULL, NEWER_SQL("relationships", "related_id")},
    {"notes", "person_id", REF_MOVE, MOVE_SQL("notes", "person_id"), NO_DROP, MARK_SQL("notes"),
     NEWER_SQL("notes", "person_id")},
    {"contact_people", "person_id", REF_MOVE, MOVE_SQL("contact_people", "person_id"), NO_DROP,
     MARK_SQL("contact_people"), NEWER_SQL("contact_people", "person_id")},
    {"cases", "person_id", REF_MOVE, MOVE_SQL("cases", "person_id"), NO_DROP, MARK_SQL("cases"),
     NEWER_SQL("cases", "person_id")},
    {"merges", "survivor_id", REF_SELF, NULL, NULL, NULL, NO_DROP, NULL, NULL},
    {"merges", "merged_id", REF_SELF, NULL, NULL, NULL, NO_DROP, NULL, NULL},
    /* A break-glass override records who opened which record: it stays with
     * the id opened and never opens the survivor. */
    {"access_overrides", "person_id", REF_SELF, NULL, NULL, NULL, NO_DROP, NULL, NULL},
    /* Derived: recomputed from the audit log (domain/retention), not moved. */
    {"person_retention", "person_id", REF_SELF, NULL, NULL, NULL, NO_DROP, NULL, NULL},
    /* A subject access request is about the record as it was asked for. */
    {"sar_requests", "person_id", REF_SELF, NULL, NULL, NULL, NO_DROP, NULL, NULL},
    {"rectifications", "person_id", REF_MOVE, MOVE_SQL("rectifications", "person_id"), NO_DROP,
     MARK_SQL("rectifications"), NEWER_SQL("rectifications", "person_id")},
    /* A manager's access grant was given on the record as it was: it stays with
     * the id granted and does not open the survivor (grant again there). */
    {"access_grants", "person_id", REF_SELF, NULL, NULL, NULL, NO_DROP, NULL, NULL},
    {"looked_after_periods", "person_id", REF_MOVE, MOVE_SQL("looked_after_periods", "person_id"),
     NO_DROP, MARK_SQL("looked_after_periods"), NEWER_SQL("looked_after_periods", "person_id")},
};
const struct merge_ref *const merge_refs = refs;
const size_t merge_nrefs = sizeof refs / sizeof refs[0];

size_t merge_reference_count(void)
{
    return merge_nrefs;
}

void merge_reference(size_t i, const char **table, const char **column)
{
    *table = i < merge_nrefs ? refs[i].table : NULL;
    *column = i < merge_nrefs ? refs[i].column : NULL;
}

/* --- fields filled from the merged record -------------------------------- */

#define TEXT_FIELD(f)                                                                              \
    {                                                                                              \
        f, false, "UPDATE people SET " f " = :value WHERE id = :id AND COALESCE(" f ", '') = ''",  \
            "UPDATE people SET " f " = NULL WHERE id = :id AND " f " = :value"                     \
    }
#define FLAG_FIELD(f)                                                                              \
    {                                                                                              \
        f, true, "UPDATE people SET " f " = :value WHERE id = :id",                                \
            "UPDATE people SET " f " = :value WHERE id = :id AND " f " <> :value"                  \
    }

static const struct merge_field fields[] = {
    TEXT_FIELD("preferred_name"),
    TEXT_FIELD("dob"),
    FLAG_FIELD("dob_estimated"),
    TEXT_FIELD("expected_dob"),
    TEXT_FIELD("dod"),
    TEXT_FIELD("nhs_number"),
    TEXT_FIELD("upn"),
    TEXT_FIELD("upn_unknown"),
    TEXT_FIELD("legacy_id"),
    TEXT_FIELD("sex"),
    TEXT_FIELD("gender"),
    TEXT_FIELD("ethnicity"),
    TEXT_FIELD("language"),
    TEXT_FIELD("religion"),
    TEXT_FIELD("immigration_status"),
    FLAG_FIELD("restricted"),
};

const struct merge_field *merge_field_named(const char *name)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!strcmp(fields[i].name, name))
            return &fields[i];
    return NULL;
}

static bool empty(const char *s)
{
    return !s || !*s;
}

size_t merge_plan_fills(const struct person *s, const struct person *m, struct merge_fill *out)
{
    size_t n = 0;
#define FILL(name, v, prev)                                                                        \
    out[n++] = (struct merge_fill)                                                                 \
    {                                                                                              \
        (name), (v), (prev)                                                                        \
    }
    if (empty(s->preferred_name) && !empty(m->preferred_name))
        FILL("preferred_name", m->preferred_name, NULL);
    /* A date of birth, or else an expected one, only into a record with neither. */
    if (empty(s->dob) && empty(s->expected_dob)) {
        if (!empty(m->dob)) {
            FILL("dob", m->dob, NULL);
            if (m->dob_estimated && !s->dob_estimated)
                FILL("dob_estimated", "1", "0");
        } else if (!empty(m->expected_dob)) {
            FILL("expected_dob", m->expected_dob, NULL);
        }
    }
    if (empty(s->dod) && !empty(m->dod))
        FILL("dod", m->dod, NULL);
    if (empty(s->nhs_number) && !empty(m->nhs_number))
        FILL("nhs_number", m->nhs_number, NULL);
    /* A UPN, or else the reason there is none, only into a record with neither. */
    if (empty(s->upn) && empty(s->upn_unknown)) {
        if (!empty(m->upn))
            FILL("upn", m->upn, NULL);
        else if (!empty(m->upn_unknown))
            FILL("upn_unknown", m->upn_unknown, NULL);
    }
    if (empty(s->legacy_id) && !empty(m->legacy_id))
        FILL("legacy_id", m->legacy_id, NULL);
    const struct {
        const char *name, *sv, *mv;
    } coded[] = {{"sex", s->sex, m->sex},
                 {"gender", s->gender, m->gender},
                 {"ethnicity", s->ethnicity, m->ethnicity},
                 {"language", s->language, m->language},
                 {"religion", s->religion, m->religion},
                 {"immigration_status", s->immigration_status, m->immigration_status}};
    for (size_t i = 0; i < sizeof coded / sizeof coded[0]; i++)
        if (empty(coded[i].sv) && !empty(coded[i].mv))
            FILL(coded[i].name, coded[i].mv, NULL);
    /* Safeguarding: what was restricted stays restricted after the merge. */
    if (m->restricted && !s->restricted)
        FILL("restricted", "1", "0");
#undef FILL
    return n;
}

/* --- the merge ----------------------------------------------------------- */

static const char SQL_INSERT_MERGE[] =
    "INSERT INTO merges (survivor_id, merged_id, reason, merged_at, merged_by,"
    " survivor_updated_at, merged_updated_at, audit_id, detail)"
    " VALUES (:survivor, :merged, :reason, :now, :by, :survivor_updated_at,"
    " :merged_updated_at, 0, '') RETURNING id";
static const char SQL_FINISH_MERGE[] =
    "UPDATE merges SET audit_id = :audit_id, detail = :detail WHERE id = :id";
static const char SQL_SAME_NAME[] =
    "SELECT 1 FROM person_names WHERE person_id = :id AND forenames = :forenames"
    " AND surname = :surname";
static const char SQL_ADD_NAME[] =
    "INSERT INTO person_names (person_id, kind, forenames, surname, created_at, created_by)"
    " VALUES (:id, 'alternative', :forenames, :surname, :now, :by) RETURNING id";
static const char SQL_RECORD_ADDED[] =
    "INSERT INTO merge_moves (merge_id, table_name, column_name, row_id, from_id, to_id, action)"
    " VALUES (:merge, 'person_names', 'person_id', :row, NULL, :to, 'added')";
static const char SQL_RECORD_FIELD[] = "INSERT INTO merge_fields (merge_id, field, value, previous)"
                                       " VALUES (:merge, :field, :value, :previous)";
static const char SQL_TAKE_LEGACY_ID[] =
    "UPDATE people SET legacy_id = NULL WHERE id = :id AND legacy_id = :value";
static const char SQL_SET_MERGED[] = "UPDATE people SET merged_into = :survivor, updated_at = :now"
                                     " WHERE id = :id AND merged_into IS NULL";
static const char SQL_TOUCH[] = "UPDATE people SET updated_at = :at WHERE id = :id";
static const char SQL_DROP_KEYS[] = "DELETE FROM person_keys WHERE person_id = :id";

bool merge_reason_ok(const char *reason, struct err *e)
{
    if (empty(reason))
        return err_set(e, ERR_INVALID, "reason", "Enter the reason");
    if (strlen(reason) > 500)
        return err_set(e, ERR_INVALID, "reason", "The reason must be 500 characters or fewer");
    for (const unsigned char *p = (const unsigned char *)reason; *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
            return err_set(e, ERR_INVALID, "reason",
                           "The reason must not contain control characters");
    return true;
}

bool merge_load_person(struct ctx *x, int64_t id, struct person *p, struct err *e)
{
    if (!people_load_row(x, id, p, e) || !people_visible(x, id, p->restricted, e))
        return false;
    return true;
}

/* Run one of the reference table's statements; 0 for from/to leaves them unbound. */
bool merge_run(struct ctx *x, const char *sql, int64_t merge_id, int64_t from, int64_t to,
               int64_t *changes, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, sql, e);
    if (!st)
        return false;
    store_bind_int64(st, ":merge", merge_id);
    if (from)
        store_bind_int64(st, ":from", from);
    if (to)
        store_bind_int64(st, ":to", to);
    if (!store_exec(st, e))
        return false;
    if (changes)
        *changes = store_changes(x->conn);
    return true;
}

/* Move every referencing row, recording each; detail says how many of what. */
static bool move_rows(struct ctx *x, int64_t merge_id, int64_t from, int64_t to, struct buf *detail,
                      struct err *e)
{
    int64_t n, dropped = 0;
    buf_puts(detail, " moved:");
    size_t listed = 0;
    for (size_t i = 0; i < merge_nrefs; i++) {
        const struct merge_ref *r = &refs[i];
        if (r->drop_record) {
            if (!merge_run(x, r->drop_record, merge_id, from, to, &n, e) ||
                !merge_run(x, r->drop_archive, merge_id, 0, 0, NULL, e) ||
                !merge_run(x, r->drop_delete, merge_id, 0, 0, NULL, e))
                return false;
            dropped += n;
        }
        if (r->how != REF_MOVE && r->how != REF_UNION)
            continue;
        if (!merge_run(x, r->record, merge_id, from, to, &n, e) ||
            !merge_run(x, r->move, merge_id, from, to, NULL, e))
            return false;
        if (n)
            buf_printf(detail, "%s %s.%s %lld", listed++ ? "," : "", r->table, r->column,
                       (long long)n);
    }
    if (!listed)
        buf_puts(detail, " nothing");
    buf_putc(detail, ';');
    if (dropped)
        buf_printf(detail, " dropped %lld relationship%s between the two records;",
                   (long long)dropped, dropped == 1 ? "" : "s");
    return true;
}

/* The merged record's name becomes an alternative name of the survivor, unless
 * the survivor already has that name. */
static bool add_name(struct ctx *x, int64_t merge_id, const struct person *s,
                     const struct person *m, struct buf *detail, struct err *e)
{
    if (!strcasecmp(s->forenames, m->forenames) && !strcasecmp(s->surname, m->surname))
        return true;
    struct store_stmt *st = store_prepare(x->conn, SQL_SAME_NAME, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", s->id);
    store_bind_text(st, ":forenames", m->forenames);
    store_bind_text(st, ":surname", m->surname);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_DONE)
        return r == STORE_ROW; /* already there: nothing to add */
    if (!(st = store_prepare(x->conn, SQL_ADD_NAME, e)))
        return false;
    store_bind_int64(st, ":id", s->id);
    store_bind_text(st, ":forenames", m->forenames);
    store_bind_text(st, ":surname", m->surname);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (store_step(st, e) != STORE_ROW)
        return false;
    int64_t row = store_col_int64(st, 0);
    if (!store_exec(st, e) || !(st = store_prepare(x->conn, SQL_RECORD_ADDED, e)))
        return false;
    store_bind_int64(st, ":merge", merge_id);
    store_bind_int64(st, ":row", row);
    store_bind_int64(st, ":to", s->id);
    buf_printf(detail, " added the name %s %s as an alternative name;", m->forenames, m->surname);
    return store_exec(st, e);
}

static bool fill_fields(struct ctx *x, int64_t merge_id, const struct person *s,
                        const struct person *m, struct buf *detail, struct err *e)
{
    struct merge_fill fill[MERGE_MAX_FILLS];
    size_t n = merge_plan_fills(s, m, fill);
    if (n)
        buf_puts(detail, " filled from the merged record (this record had none):");
    for (size_t i = 0; i < n; i++) {
        const struct merge_field *f = merge_field_named(fill[i].field);
        if (!f)
            return err_set(e, ERR_INTERNAL, "", "no merge rule for the field %s", fill[i].field);
        struct store_stmt *st;
        /* legacy_id is unique: it moves rather than being copied. */
        if (!strcmp(f->name, "legacy_id")) {
            if (!(st = store_prepare(x->conn, SQL_TAKE_LEGACY_ID, e)))
                return false;
            store_bind_int64(st, ":id", m->id);
            store_bind_text(st, ":value", fill[i].value);
            if (!store_exec(st, e))
                return false;
        }
        if (!(st = store_prepare(x->conn, f->fill, e)))
            return false;
        store_bind_int64(st, ":id", s->id);
        if (f->flag)
            store_bind_int64(st, ":value", strcmp(fill[i].value, "0") != 0);
        else
            store_bind_text(st, ":value", fill[i].value);
        if (!store_exec(st, e) || !(st = store_prepare(x->conn, SQL_RECORD_FIELD, e)))
            return false;
        store_bind_int64(st, ":merge", merge_id);
        store_bind_text(st, ":field", f->name);
        store_bind_text(st, ":value", fill[i].value);
        store_bind_text_or_null(st, ":previous", fill[i].previous);
        if (!store_exec(st, e))
            return false;
        buf_printf(detail, "%s %s", i ? "," : "", f->name);
    }
    if (n)
        buf_putc(detail, ';');
    return true;
}

/* Mark the merged record, touch the survivor, and make search see the result. */
static bool finish_people(struct ctx *x, const struct person *s, const struct person *m,
                          struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_SET_MERGED, e);
    if (!st)
        return false;
    store_bind_int64(st, ":survivor", s->id);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":id", m->id);
    if (!store_exec(st, e))
        return false;
    if (store_changes(x->conn) != 1)
        return err_set(e, ERR_CONFLICT, "merged", "Person %lld has already been merged",
                       (long long)m->id);
    if (!(st = store_prepare(x->conn, SQL_TOUCH, e)))
        return false;
    store_bind_int64(st, ":at", x->now);
    store_bind_int64(st, ":id", s->id);
    if (!store_exec(st, e) || !(st = store_prepare(x->conn, SQL_DROP_KEYS, e)))
        return false;
    store_bind_int64(st, ":id", m->id);
    return store_exec(st, e) && people_rebuild_keys(x, s->id, e);
}

static bool mergeable(struct ctx *x, int64_t id, const char *field, struct person *p, struct err *e)
{
    if (!merge_load_person(x, id, p, e)) {
        if (e)
            snprintf(e->field, sizeof e->field, "%s", field);
        return false;
    }
    if (p->merged_into)
        return err_set(e, ERR_CONFLICT, field, "Person %lld has already been merged into %lld",
                       (long long)id, (long long)p->merged_into);
    return true;
}

bool merge_people(struct ctx *x, int64_t survivor_id, int64_t merged_id, const char *reason,
                  int64_t *merge_id, struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) || !merge_reason_ok(reason, e))
        return false;
    if (survivor_id == merged_id)
        return err_set(e, ERR_INVALID, "merged",
                       "Choose two different records: a record cannot be merged into itself");
    struct person s, m;
    struct buf detail = BUF_INIT, other = BUF_INIT;
    bool ok = false;
    int64_t id = 0, audit_id = 0;
    if (!store_begin(x->conn, true, e) || !mergeable(x, survivor_id, "survivor", &s, e) ||
        !mergeable(x, merged_id, "merged", &m, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT_MERGE, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":survivor", s.id);
    store_bind_int64(st, ":merged", m.id);
    store_bind_text(st, ":reason", reason);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_int64(st, ":survivor_updated_at", s.updated_at);
    store_bind_int64(st, ":merged_updated_at", m.updated_at);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    id = store_col_int64(st, 0);
    if (!store_exec(st, e))
        goto done;
    buf_printf(&detail, "merge %lld: person %lld merged into this record;", (long long)id,
               (long long)m.id);
    if (!move_rows(x, id, m.id, s.id, &detail, e) || !add_name(x, id, &s, &m, &detail, e) ||
        !fill_fields(x, id, &s, &m, &detail, e) || !finish_people(x, &s, &m, e))
        goto done;
    /* After every row the merge itself wrote: anything newer came later. */
    for (size_t i = 0; i < merge_nrefs; i++)
        if (refs[i].mark && !merge_run(x, refs[i].mark, id, 0, 0, NULL, e))
            goto done;
    buf_printf(&other, "merge %lld: merged into person %lld", (long long)id, (long long)s.id);
    if (buf_failed(&detail) || buf_failed(&other)) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    if (!ctx_audit(x, "person.merge", "person", s.id, reason, detail.data, e) ||
        !ctx_audit_id(x, "person.merge", "person", m.id, reason, other.data, &audit_id, e) ||
        !(st = store_prepare(x->conn, SQL_FINISH_MERGE, e)))
        goto done;
    store_bind_int64(st, ":audit_id", audit_id);
    store_bind_text(st, ":detail", detail.data);
    store_bind_int64(st, ":id", id);
    if (!store_exec(st, e) || !store_commit(x->conn, e))
        goto done;
    if (merge_id)
        *merge_id = id;
    ok = true;
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&detail);
    buf_release(&other);
    return ok;
}
