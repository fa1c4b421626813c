/*
 * sar: subject access requests. A request about a person records when it was
 * received and its due date (one calendar month later, UK GDPR Article
 * 12(3)); the export gathers the person's whole record as a machine-readable
 * JSON document: details, names and address history, contact details,
 * relationships, contacts, cases with their steps and forms, case notes, the
 * documents list, and the audit of who saw the record. Other people named in
 * it (relatives, referrers, professionals, other children on a contact) are
 * listed under "third_parties" and every item that may name them carries
 * "redaction_review": true, for the officer to review before disclosure.
 *
 * Needs PERM_SAR (administrators and information governance). Creating and
 * exporting are audited on the person. The JSON is the caller's (json_decref).
 * Thread-safety: as the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_SAR_H
#define CASEWORK_DOMAIN_SAR_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/ctx.h"

enum { SAR_REQUESTER_MAX = 200, SAR_MAX_LIST = 200 };

struct sar_request {
    int64_t id, person_id, created_at, last_export_at;
    const char *received_on, *due_on, *requester, *person_name;
};

/* Record a request about person_id received on received_on (YYYY-MM-DD, not
 * in the future). *out gets it with its due date. */
bool sar_create(struct ctx *x, int64_t person_id, const char *received_on, const char *requester,
                struct sar_request *out, struct err *e);

/* Requests, soonest due first (at most SAR_MAX_LIST). */
bool sar_list(struct ctx *x, struct sar_request **out, size_t *n, struct err *e);

/* The export of request id as a JSON object (new reference in *out). */
bool sar_export(struct ctx *x, int64_t id, json_t **out, struct err *e);

#endif
