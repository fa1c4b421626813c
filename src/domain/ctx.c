#include "domain/ctx.h"

#include <stdio.h>

#include "access/audit.h"

bool ctx_audit(struct ctx *x, const char *action, const char *record_type, int64_t record_id,
               const char *reason, const char *detail, struct err *e)
{
    return ctx_audit_id(x, action, record_type, record_id, reason, detail, NULL, e);
}

bool ctx_audit_id(struct ctx *x, const char *action, const char *record_type, int64_t record_id,
                  const char *reason, const char *detail, int64_t *id_out, struct err *e)
{
    char id[24] = "";
    if (record_id)
        snprintf(id, sizeof id, "%lld", (long long)record_id);
    struct audit_entry entry = {
        .at = x->now,
        .actor_id = x->who ? x->who->user_id : 0,
        .actor = x->who ? x->who->username : NULL,
        .action = action,
        .record_type = record_type,
        .record_id = id,
        .reason = reason,
        .detail = detail,
        .ip = x->ip,
        .request_id = x->request_id,
    };
    if (!audit_append(x->conn, &entry, e))
        return false;
    if (id_out)
        *id_out = entry.id;
    return true;
}

struct store_stmt *ctx_row(struct ctx *x, const char *sql, int64_t id, const char *what,
                           struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, sql, e);
    if (!st)
        return NULL;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_DONE)
        err_set(e, ERR_NOT_FOUND, "", "There is no %s %lld", what, (long long)id);
    return r == STORE_ROW ? st : NULL;
}
