/*
 * ctx: what every domain entry point is given about the request it serves —
 * who is acting, the database connection (one thread's, for the request),
 * the current instant, the request id and client address for the audit log,
 * and the settings. Owned by the caller (the HTTP layer or the CLI); the
 * domain never keeps it past the call.
 */
#ifndef CASEWORK_DOMAIN_CTX_H
#define CASEWORK_DOMAIN_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "access/access.h"
#include "core/arena.h"
#include "core/config.h"
#include "store/store.h"

struct codelist_set;
struct workflow_set;
struct calendar;
struct enquiry_config;

struct ctx {
    struct store_conn *conn;
    const struct codelist_set *codes;       /* config/codes, for validating coded fields */
    const struct workflow_set *workflows;   /* config/workflows: pathway definitions */
    const struct calendar *calendar;        /* config/calendar: working days for due instants */
    const struct enquiry_config *enquiries; /* config/enquiries: service areas and levels */
    const struct principal *who; /* NULL when anonymous or the CLI acting as the system */
    const struct config *cfg;
    struct arena *arena; /* request-lifetime allocations for results */
    int64_t now;
    const char *request_id;
    const char *ip;
    int64_t break_glass_person; /* set by ntk_require when a reason would open this record */
};

/* Append an audit row for the acting principal (inside the caller's write
 * transaction). record_id 0 means none. */
bool ctx_audit(struct ctx *x, const char *action, const char *record_type, int64_t record_id,
               const char *reason, const char *detail, struct err *e);
/* As ctx_audit, and *id_out (may be NULL) gets the new row's id. */
bool ctx_audit_id(struct ctx *x, const char *action, const char *record_type, int64_t record_id,
                  const char *reason, const char *detail, int64_t *id_out, struct err *e);

/* Run sql (a string constant) with :id bound to id and return it on its first
 * row; NULL with e set when there is none (ERR_NOT_FOUND, "There is no WHAT
 * ID") or on a database error. The one-record lookup every entry point starts
 * with. */
struct store_stmt *ctx_row(struct ctx *x, const char *sql, int64_t id, const char *what,
                           struct err *e);

#endif
