#include "seed/audit_batch.h"

#include <stdio.h>
#include <string.h>

#include "access/audit.h"

/* audit.c's statements; the row hash is audit.c's own (audit_row_hash). */
static const char SQL_HEAD[] = "SELECT last_id, hash FROM audit_head WHERE id = 1";
static const char SQL_INSERT[] =
    "INSERT INTO audit (id, at, actor_id, actor, action, record_type, record_id, reason,"
    " detail, ip, request_id, prev_hash, hash)"
    " VALUES (:id, :at, :actor_id, :actor, :action, :record_type, :record_id, :reason,"
    " :detail, :ip, :request_id, :prev_hash, :hash)";
static const char SQL_SET_HEAD[] = "UPDATE audit_head SET last_id = :id, hash = :hash WHERE id = 1";

enum { HASH_HEX = AUDIT_HASH_HEX };

/* Empty text is stored as NULL (store_bind_text_or_null), so it is hashed as NULL. */
static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

static bool read_head(struct seed_audit *a, struct ctx *x, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_HEAD, e);
    if (!st || store_step(st, e) != STORE_ROW)
        return e->code ? false : err_set(e, ERR_STORE, "", "audit head missing");
    a->last_id = store_col_int64(st, 0);
    const char *h = store_col_text(st, 1);
    if (!h || strlen(h) != HASH_HEX - 1)
        return err_set(e, ERR_STORE, "", "audit head hash malformed");
    memcpy(a->hash, h, HASH_HEX);
    a->loaded = true;
    a->dirty = false;
    return store_exec(st, e);
}

bool seed_audit_append(struct seed_audit *a, struct ctx *x, const char *action,
                       const char *record_type, int64_t record_id, const char *reason,
                       const char *detail, struct err *e)
{
    if (!store_in_transaction(x->conn))
        return err_set(e, ERR_INTERNAL, "", "seed_audit_append needs a write transaction");
    if (!a->loaded && !read_head(a, x, e))
        return false;
    char id_text[24] = ""; /* ctx_audit's "%lld", or NULL for 0 */
    if (record_id)
        snprintf(id_text, sizeof id_text, "%lld", (long long)record_id);
    int64_t id = a->last_id + 1;
    int64_t actor_id = x->who ? x->who->user_id : 0;
    const char *actor = x->who && x->who->username ? x->who->username : "-";
    record_type = or_null(record_type);
    const char *rid = or_null(id_text);
    reason = or_null(reason);
    detail = or_null(detail);
    const char *ip = or_null(x->ip), *request_id = or_null(x->request_id);

    struct audit_entry row = {.id = id,
                              .at = x->now,
                              .actor_id = actor_id,
                              .actor = actor,
                              .action = action,
                              .record_type = record_type,
                              .record_id = rid,
                              .reason = reason,
                              .detail = detail,
                              .ip = ip,
                              .request_id = request_id};
    char hash[HASH_HEX];
    if (!audit_row_hash(&a->msg, a->hash, &row, hash))
        return err_set(e, ERR_NOMEM, "", "out of memory hashing audit row");

    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":at", x->now);
    if (actor_id)
        store_bind_int64(st, ":actor_id", actor_id);
    else
        store_bind_null(st, ":actor_id");
    store_bind_text(st, ":actor", actor);
    store_bind_text(st, ":action", action);
    store_bind_text_or_null(st, ":record_type", record_type);
    store_bind_text_or_null(st, ":record_id", rid);
    store_bind_text_or_null(st, ":reason", reason);
    store_bind_text_or_null(st, ":detail", detail);
    store_bind_text_or_null(st, ":ip", ip);
    store_bind_text_or_null(st, ":request_id", request_id);
    store_bind_text(st, ":prev_hash", a->hash);
    store_bind_text(st, ":hash", hash);
    if (!store_exec(st, e))
        return false;
    a->last_id = id;
    memcpy(a->hash, hash, HASH_HEX);
    a->dirty = true;
    return true;
}

bool seed_audit_flush(struct seed_audit *a, struct ctx *x, struct err *e)
{
    if (a->loaded && a->dirty) {
        struct store_stmt *st = store_prepare(x->conn, SQL_SET_HEAD, e);
        if (!st)
            return false;
        store_bind_int64(st, ":id", a->last_id);
        store_bind_text(st, ":hash", a->hash);
        if (!store_exec(st, e))
            return false;
    }
    seed_audit_forget(a);
    return true;
}

bool seed_audit_commit(struct seed_audit *a, struct ctx *x, struct err *e)
{
    return seed_audit_flush(a, x, e) && store_commit(x->conn, e);
}

void seed_audit_forget(struct seed_audit *a)
{
    a->loaded = false;
    a->dirty = false;
}

void seed_audit_release(struct seed_audit *a)
{
    buf_release(&a->msg);
    seed_audit_forget(a);
}
