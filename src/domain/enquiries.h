/*
 * enquiries: councillors' (members') enquiries to service areas, from
 * submission to reply (docs/ENQUIRIES.md). A councillor logs an enquiry
 * (service area and directorate, enquiry type, district, details, preferred
 * contact method, supporting documents); its reply is due by the service
 * level for the area and type (config/enquiries/service-levels.txt, working
 * days on core/calendar). A co-ordinator assigns a lead officer and further
 * officers, chases them and records the reply; officers respond; the
 * councillor may ask for an update.
 *
 * Who sees what (checked here, after the route's permission): a councillor
 * sees only the enquiries they logged; an officer (manager, practitioner)
 * those they are assigned to; co-ordinators, administrators and auditors
 * see all. Anything else is ERR_NOT_FOUND, exactly as for an enquiry that
 * does not exist, so ids cannot be probed. Every read and change is audited
 * (record type "enquiry") in the same transaction.
 *
 * Results are allocated from ctx->arena. Thread-safety: as the ctx's
 * connection.
 */
#ifndef CASEWORK_DOMAIN_ENQUIRIES_H
#define CASEWORK_DOMAIN_ENQUIRIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

enum {
    ENQUIRY_MAX_DETAILS = 10000, /* characters */
    ENQUIRY_MAX_TEXT = 200,      /* characters, for names, emails, phone numbers */
    ENQUIRY_MAX_NOTE = 5000,     /* characters, for chases, responses, replies */
    ENQUIRY_MAX_OFFICERS = 8,
    ENQUIRY_LIST_MAX = 1000, /* rows a list or export returns at most */
};

struct enquiry_upload {
    const char *filename;
    const unsigned char *data;
    size_t len;
};

struct enquiry_input {
    const char *councillor_email, *councillor_phone; /* the name is the account's */
    const char *service_area, *enquiry_type, *district;
    const char *constituent_surname, *constituent_email; /* optional */
    const char *details;
    const char *contact_method; /* email | phone | letter */
    const struct enquiry_upload *documents;
    size_t ndocuments; /* at most UPLOADS_MAX_FILES */
};

struct enquiry_officer {
    int64_t user_id;
    const char *name;
    bool lead;
};

struct enquiry_event {
    const char *kind; /* submitted, assigned, chased, update_requested, response, replied */
    const char *text; /* "" when none */
    int64_t at, by;
    const char *by_name;
};

struct enquiry_document {
    const char *token, *filename, *content_type;
    int64_t size, uploaded_at;
};

struct enquiry {
    int64_t id, councillor_id;
    const char *councillor_name, *councillor_email, *councillor_phone;
    const char *service_area, *service_area_label, *directorate, *enquiry_type, *district;
    const char *constituent_surname, *constituent_email, *details, *contact_method;
    const char *status; /* new, in_progress, completed */
    int64_t received_at, due_at;
    const char *sla_text;
    bool overdue; /* not completed and past due_at */
    int64_t lead_officer_id;
    const char *lead_officer_name; /* "" when unassigned */
    const char *reply;             /* "" until replied */
    int64_t replied_at;
    int responses;         /* officers' responses and the reply */
    bool update_requested; /* the councillor asked for an update since the last response */
    /* Filled by enquiries_get only: */
    struct enquiry_officer *officers;
    size_t nofficers;
    struct enquiry_event *events;
    size_t nevents;
    struct enquiry_document *documents;
    size_t ndocuments;
};

/* Filters for a list; NULL or "" means any. case_id is an enquiry number. */
struct enquiry_filter {
    const char *enquiry_type, *service_area, *directorate, *case_id, *surname, *email, *district;
    const char *status;
    bool overdue; /* only those past due and not completed */
};

struct enquiry_list {
    struct enquiry *items; /* newest first */
    size_t n;
    bool truncated; /* more than ENQUIRY_LIST_MAX matched */
    int count_new, count_in_progress, count_completed;
};

/* The councillor's email on their account ("" if none), to pre-fill the form. */
bool enquiries_councillor_email(struct ctx *x, const char **email, struct err *e);

/* Log an enquiry for the signed-in councillor (PERM_ENQUIRIES_SUBMIT), with
 * its documents (checked by domain/uploads). ERR_INVALID or ERR_TOO_BIG
 * naming the field; nothing is written then. */
bool enquiries_create(struct ctx *x, const struct enquiry_input *in, int64_t *id_out,
                      struct err *e);
/* One enquiry with its officers, events and documents. Audited enquiry.view. */
bool enquiries_get(struct ctx *x, int64_t id, struct enquiry *out, struct err *e);
/* The enquiries the user may see, filtered, newest first; counts by status of
 * those listed. Audited enquiry.list with the filters. */
bool enquiries_list(struct ctx *x, const struct enquiry_filter *f, struct enquiry_list *out,
                    struct err *e);
/* A document by its token, with its bytes (arena; *len_out bytes) if the user
 * may see its enquiry. Audited enquiry.document-download. */
bool enquiries_document(struct ctx *x, const char *token, struct enquiry_document *doc,
                        unsigned char **data_out, size_t *len_out, struct err *e);

/* Co-ordinator (PERM_ENQUIRIES_COORDINATE): set the lead officer and any
 * further officers (managers or practitioners), replacing earlier ones; a
 * new enquiry becomes in progress. */
bool enquiries_assign(struct ctx *x, int64_t id, int64_t lead, const int64_t *further,
                      size_t nfurther, struct err *e);
/* Co-ordinator: remind the officers (text optional). */
bool enquiries_chase(struct ctx *x, int64_t id, const char *text, struct err *e);
/* The enquiry's councillor asks for an update (text optional). */
bool enquiries_request_update(struct ctx *x, int64_t id, const char *text, struct err *e);
/* An assigned officer or a co-ordinator records an interim response. */
bool enquiries_respond(struct ctx *x, int64_t id, const char *text, struct err *e);
/* The lead officer or a co-ordinator records the reply: the enquiry is then
 * completed (ERR_CONFLICT if it already is). */
bool enquiries_reply(struct ctx *x, int64_t id, const char *text, struct err *e);

/* Staff an enquiry can be assigned to (managers and practitioners, not
 * disabled), by name; for co-ordinators. */
struct enquiry_staff {
    int64_t id;
    const char *name, *role;
};
bool enquiries_staff(struct ctx *x, struct enquiry_staff **out, size_t *n, struct err *e);

#endif
