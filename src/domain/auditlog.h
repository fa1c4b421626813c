/*
 * auditlog: reading and verifying the audit log, for people (admin page,
 * API) and the CLI. Reading the log is itself audited. Needs PERM_AUDIT_READ.
 * Thread-safety: as the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_AUDITLOG_H
#define CASEWORK_DOMAIN_AUDITLOG_H

#include "access/audit.h"
#include "domain/ctx.h"

/* Rows matching f, newest first; fn returns false to stop. */
bool auditlog_query(struct ctx *x, const struct audit_filter *f,
                    bool (*fn)(const struct audit_entry *row, void *arg), void *arg, struct err *e);
/* Verify the whole chain (see audit_verify); records that a check was run. */
bool auditlog_verify(struct ctx *x, struct audit_verify_result *r, struct err *e);

#endif
