/*
 * rectification: notes attached to items of a record, never altering them.
 */
#include "domain/rectification.h"

#include <stdio.h>
#include <string.h>

#include "domain/need_to_know.h"

/* The kinds of item a note can be attached to, and how to check an item of
 * that kind belongs to the person (binds :item and :person). */
static const struct {
    const char *type, *belongs;
} items[] = {
    {"person", "SELECT 1 FROM people WHERE id = :item AND id = :person"},
    {"name", "SELECT 1 FROM person_names WHERE id = :item AND person_id = :person"},
    {"address", "SELECT 1 FROM addresses WHERE id = :item AND person_id = :person"},
    {"contact_detail", "SELECT 1 FROM contact_methods WHERE id = :item AND person_id = :person"},
    {"relationship", "SELECT 1 FROM relationships WHERE id = :item AND (person_id = :person"
                     " OR related_id = :person)"},
    {"note", "SELECT 1 FROM notes WHERE id = :item AND person_id = :person"},
    {"case", "SELECT 1 FROM cases WHERE id = :item AND person_id = :person"},
    {"step", "SELECT 1 FROM case_steps s JOIN cases c ON c.id = s.case_id WHERE s.id = :item"
             " AND c.person_id = :person"},
    {"contact", "SELECT 1 FROM contact_people WHERE contact_id = :item AND person_id = :person"},
};

static const char SQL_INSERT[] =
    "INSERT INTO rectifications (person_id, item_type, item_id, text, created_at, created_by)"
    " VALUES (:person, :type, :item, :text, :now, :by) RETURNING id";
static const char SQL_LIST[] =
    "SELECT r.id, r.item_type, r.item_id, r.text, r.created_at, u.username FROM rectifications r"
    " JOIN users u ON u.id = r.created_by WHERE r.person_id = :person ORDER BY r.id LIMIT :limit";

bool rect_add(struct ctx *x, int64_t person_id, const char *item_type, int64_t item_id,
              const char *text, int64_t *id, struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e))
        return false;
    size_t k = 0;
    while (k < sizeof items / sizeof items[0] && (!item_type || strcmp(items[k].type, item_type)))
        k++;
    if (k == sizeof items / sizeof items[0])
        return err_set(e, ERR_INVALID, "item_type",
                       "Choose what the note is about: person, name, address, contact_detail, "
                       "relationship, note, case, step or contact");
    if (!text || !*text || strlen(text) > RECTIFICATION_TEXT_MAX)
        return err_set(e, ERR_INVALID, "text", "Say what is wrong or missing (1 to %d characters)",
                       RECTIFICATION_TEXT_MAX);
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    if (!ntk_require(x, person_id, ACTION_EDIT, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, items[k].belongs, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":item", item_id);
    store_bind_int64(st, ":person", person_id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW) {
        if (r == STORE_DONE)
            err_set(e, ERR_INVALID, "item_id", "Person %lld's record has no %s %lld",
                    (long long)person_id, item_type, (long long)item_id);
        goto done;
    }
    if (!(st = store_prepare(x->conn, SQL_INSERT, e)))
        goto done;
    store_bind_int64(st, ":person", person_id);
    store_bind_text(st, ":type", item_type);
    store_bind_int64(st, ":item", item_id);
    store_bind_text(st, ":text", text);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t rid = store_col_int64(st, 0);
    char detail[96];
    snprintf(detail, sizeof detail, "rectification %lld on %s %lld", (long long)rid, item_type,
             (long long)item_id);
    ok = ctx_audit(x, "rectification.add", "person", person_id, NULL, detail, e) &&
         store_commit(x->conn, e);
    if (ok && id)
        *id = rid;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool rect_list(struct ctx *x, int64_t person_id, struct rectification **out, size_t *n,
               struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!ntk_require(x, person_id, ACTION_VIEW, e))
        return false;
    struct rectification *list = arena_alloc(x->arena, RECTIFICATION_MAX_LIST * sizeof *list);
    if (!list)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    struct store_stmt *st = store_prepare(x->conn, SQL_LIST, e);
    if (!st)
        return false;
    store_bind_int64(st, ":person", person_id);
    store_bind_int64(st, ":limit", RECTIFICATION_MAX_LIST);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct rectification *one = &list[(*n)++];
        one->id = store_col_int64(st, 0);
        one->item_type = arena_strdup(x->arena, store_col_text(st, 1));
        one->item_id = store_col_int64(st, 2);
        one->text = arena_strdup(x->arena, store_col_text(st, 3));
        one->created_at = store_col_int64(st, 4);
        one->created_by = arena_strdup(x->arena, store_col_text(st, 5));
        if (!one->item_type || !one->text || !one->created_by)
            return err_set(e, ERR_NOMEM, "", "out of memory");
    }
    *out = list;
    return r != STORE_ERROR;
}
