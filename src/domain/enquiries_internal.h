/*
 * Private to the enquiries module (enquiries.c: logging, reading, listing,
 * documents; enquiries_work.c: assigning, chasing, responses, the reply):
 * who sees which enquiry, loading one, and text checks.
 */
#ifndef CASEWORK_DOMAIN_ENQUIRIES_INTERNAL_H
#define CASEWORK_DOMAIN_ENQUIRIES_INTERNAL_H

#include "domain/enquiries.h"

/* Co-ordinators, administrators and auditors see every enquiry. */
bool enquiries_sees_all(const struct principal *who);
/* Load enquiry id if the user may see it (ERR_NOT_FOUND otherwise); with
 * details (officers, events, documents) when full. No audit. */
bool enquiries_load(struct ctx *x, int64_t id, bool full, struct enquiry *out, struct err *e);
/* Optional or required text of at most max characters; lines allows line breaks. */
bool enquiries_text_ok(const char *field, const char *label, const char *v, size_t max,
                       bool required, bool lines, struct err *e);
/* Append an event (inside the caller's write transaction). */
bool enquiries_event(struct ctx *x, int64_t id, const char *kind, const char *text, struct err *e);

#endif
