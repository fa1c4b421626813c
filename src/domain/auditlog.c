#include "domain/auditlog.h"

#include "core/buf.h"

static bool record_read(struct ctx *x, const char *action, const char *detail, struct err *e)
{
    bool ok = store_begin(x->conn, true, e) && ctx_audit(x, action, NULL, 0, NULL, detail, e) &&
              store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool auditlog_query(struct ctx *x, const struct audit_filter *f,
                    bool (*fn)(const struct audit_entry *row, void *arg), void *arg, struct err *e)
{
    if (!access_require(x->who, PERM_AUDIT_READ, e))
        return false;
    struct buf detail = BUF_INIT;
    buf_printf(&detail, "record_type=%s record_id=%s actor_id=%lld",
               f->record_type ? f->record_type : "*", f->record_id ? f->record_id : "*",
               (long long)f->actor_id);
    bool ok = record_read(x, "audit.view", detail.data, e) && audit_query(x->conn, f, fn, arg, e);
    buf_release(&detail);
    return ok;
}

bool auditlog_verify(struct ctx *x, struct audit_verify_result *r, struct err *e)
{
    if (!access_require(x->who, PERM_AUDIT_READ, e))
        return false;
    /* Verify first and record afterwards, so the check covers the log as found. */
    bool ok = store_begin(x->conn, false, e) && audit_verify(x->conn, r, e);
    store_rollback(x->conn);
    if (!ok)
        return false;
    return record_read(x, "audit.verify", r->broken_id ? r->problem : "chain intact", e);
}
