/*
 * access: who may do what. Only this module decides; the domain calls
 * access_require at every entry point before touching data, and the route
 * table names the permission each route needs so the access-matrix test can
 * walk it. Roles are fixed here; per-domain actions and legitimate relationships
 * (need-to-know) are decided by access_decide below.
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
    PERM_OVERRIDE_REVIEW,      /* list and review break-glass overrides on records one manages */
    PERM_RETENTION,            /* destruction review and batches, legal holds */
    PERM_SAR,                  /* subject access requests and their exports */
    PERM_ACCESS_GRANT,         /* grant a team member need-to-know access to a record */
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

/* --- need-to-know: may this user open this person's record? ---------------
 * A person's record belongs to the domains of their cases (a case's pathway
 * is its domain; early help sits inside children's). Roles grant actions per
 * domain (the role_domain_actions table); most need a legitimate
 * relationship with the person as well. domain/need_to_know gathers the
 * facts for one user and one record; access_decide is the only place that
 * turns them into a verdict. */

enum access_action {
    ACTION_VIEW,
    ACTION_CREATE,
    ACTION_EDIT,
    ACTION_AUTHORISE,
    ACTION_ADMINISTER,
    ACTION_COUNT
};

/* Record domains as bits. */
enum {
    DOMAIN_CHILDREN = 1u << 0,
    DOMAIN_EARLY_HELP = 1u << 1,
    DOMAIN_ADULTS = 1u << 2,
};

struct access_facts {
    bool restricted;         /* the record is restricted (people issue) */
    bool granted;            /* an explicit per-record grant to this user */
    bool related;            /* allocation, a contact they made or handle, a step they did */
    bool override_active;    /* an unexpired break-glass override of this user */
    unsigned record_domains; /* DOMAIN_* of the person's cases; 0: no case yet */
    unsigned role_domains;   /* domains where the role may take the action */
    unsigned role_rel_free;  /* of those, domains where no relationship is needed */
};

enum access_verdict {
    ACCESS_ALLOW,
    ACCESS_HIDDEN,       /* restricted without a grant: the record's existence is hidden */
    ACCESS_WRONG_DOMAIN, /* the role takes no such action in the record's domains */
    ACCESS_NEEDS_REASON, /* no legitimate relationship: break-glass with a reason, or nothing */
};

/* "view", "create", ...; NULL if out of range. */
const char *access_action_name(enum access_action a);
/* DOMAIN_* bit for "children", "early_help" or "adults"; 0 if unknown. */
unsigned access_domain_bit(const char *name);
/* The verdict for one user, action and record. */
enum access_verdict access_decide(const struct principal *who, const struct access_facts *f);

#endif
