/*
 * access: who may do what. Only this module decides; the domain calls
 * access_require at every entry point before touching data, and the route
 * table names the permission each route needs so the access-matrix test can
 * walk it. Roles are fixed here; later issues add per-domain grants and
 * legitimate relationships on top.
 *
 * Pure functions over a caller-owned struct principal; thread-safe.
 */
#ifndef CASEWORK_ACCESS_ACCESS_H
#define CASEWORK_ACCESS_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

enum role {
    ROLE_ADMINISTRATOR,
    ROLE_MANAGER,
    ROLE_PRACTITIONER,
    ROLE_AUDITOR,
    /* Councillor enquiries and complaints (docs/ENQUIRIES.md): none of these
     * sees social care records. */
    ROLE_COUNCILLOR,          /* logs enquiries and sees only their own */
    ROLE_ENQUIRY_COORDINATOR, /* sees every enquiry, assigns, chases, records replies */
    ROLE_COMPLAINTS_OFFICER,  /* runs comments, compliments and complaints */
    ROLE_COUNT
};

enum perm {
    PERM_NONE,            /* public: no sign-in needed */
    PERM_SIGNED_IN,       /* any signed-in user */
    PERM_USERS_ADMIN,     /* manage users, teams, roles */
    PERM_AUDIT_READ,      /* read and verify the audit log */
    PERM_PEOPLE_VIEW,     /* see person records (restricted ones need a grant too) */
    PERM_PEOPLE_EDIT,     /* create and change person records */
    PERM_CASES_VIEW,      /* see contacts, cases and their steps */
    PERM_CASES_EDIT,      /* record contacts, decide them, save and complete steps */
    PERM_CASES_AUTHORISE, /* authorise or return a step someone else completed */
    PERM_CASES_ALLOCATE,  /* allocate and reallocate cases */
    PERM_RETURNS,         /* statutory returns (CIN census) and their data-quality lists */
    /* Enquiries: the domain narrows each to the enquiries the user may see
     * (a councillor's own, an officer's assigned, all for a co-ordinator). */
    PERM_ENQUIRIES_SUBMIT,     /* log an enquiry as a councillor */
    PERM_ENQUIRIES_VIEW,       /* see enquiries */
    PERM_ENQUIRIES_RESPOND,    /* respond to or reply on an enquiry (assigned officers) */
    PERM_ENQUIRIES_COORDINATE, /* see all, assign officers, chase */
    PERM_COMPLAINTS_VIEW,      /* see comments, compliments and complaints, and reports */
    PERM_COMPLAINTS_MANAGE,    /* record and run them */
    PERM_COUNT
};

/* The signed-in user a request acts for. Strings are owned by the request. */
struct principal {
    int64_t user_id;
    const char *username;
    const char *display_name;
    enum role role;
    int64_t session_id; /* 0 when authenticated by API token */
    int64_t token_id;   /* 0 when authenticated by session */
    const char *csrf_token;
};

/* "administrator" etc. */
const char *access_role_name(enum role r);
/* Parse a role name; false if unknown. */
bool access_parse_role(const char *s, enum role *out);
/* Human label ("Administrator"). */
const char *access_role_label(enum role r);
const char *access_perm_name(enum perm p);

/* True if who (NULL = anonymous) holds p. */
bool access_allows(const struct principal *who, enum perm p);
/* As access_allows, filling e (ERR_AUTH when anonymous, ERR_DENIED otherwise). */
bool access_require(const struct principal *who, enum perm p, struct err *e);

#endif
