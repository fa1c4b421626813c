/*
 * access_grants: a manager's grant of need-to-know access. A team manager
 * lets a named worker open a person's record as if they had a legitimate
 * relationship with it (rule 5 of docs/GOVERNANCE.md), with a reason and an
 * expiry date, until it expires or is revoked. Grants never open a
 * restricted record: that still needs its administrator's grant
 * (people_grant, person_grants).
 *
 * Scope: a manager grants only to a member of a team they are in, only on a
 * record they have a legitimate relationship with themselves (their team's
 * case, a contact or step of theirs...; neither an override nor a grant of
 * their own counts), never to themselves. Administrators grant to any active
 * user on any record they may see. Revoking: the granter, a manager of a team
 * the grantee is in, or an administrator. Granting and revoking are audited on
 * the person (person.access-grant, person.access-revoke); listing is audited
 * as access-grant.view.
 *
 * Results are allocated from ctx->arena. Thread-safety: as the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_ACCESS_GRANTS_H
#define CASEWORK_DOMAIN_ACCESS_GRANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

enum {
    ACCESS_GRANT_REASON_MAX = 500,
    ACCESS_GRANT_MAX_DAYS = 366, /* a grant is reviewed at least yearly */
    ACCESS_GRANT_MAX_LIST = 200,
};

struct access_grant {
    int64_t id, person_id, user_id;
    const char *username, *display_name; /* the grantee */
    const char *granted_by, *reason;
    int64_t granted_at, expires_at; /* instants; expires at the end of its London day */
    int64_t revoked_at;             /* 0 while not revoked */
    const char *revoked_by;         /* "" while not revoked */
    bool in_force;                  /* neither revoked nor expired */
};

/* A user the acting user may grant to (see the scope above). */
struct access_grant_user {
    int64_t id;
    const char *username, *display_name;
};

/* Grant user_id access to person_id until the end of expires_on
 * ("YYYY-MM-DD", London; after today and at most ACCESS_GRANT_MAX_DAYS ahead),
 * with a reason (1..ACCESS_GRANT_REASON_MAX). *id (may be NULL) gets the
 * grant. ERR_DENIED outside the scope, ERR_CONFLICT when the user already
 * holds a grant in force on the record, ERR_INVALID naming the field. */
bool access_grant_add(struct ctx *x, int64_t person_id, int64_t user_id, const char *reason,
                      const char *expires_on, int64_t *id, struct err *e);

/* Revoke grant_id on person_id's record. ERR_NOT_FOUND (no such grant on that
 * record), ERR_CONFLICT when already revoked, ERR_DENIED outside the scope. */
bool access_grant_revoke(struct ctx *x, int64_t person_id, int64_t grant_id, struct err *e);

/* The grants on person_id, newest first (at most ACCESS_GRANT_MAX_LIST). */
bool access_grant_list(struct ctx *x, int64_t person_id, struct access_grant **out, size_t *n,
                       struct err *e);

/* The users the acting user may grant to, by name (at most ACCESS_GRANT_MAX_LIST). */
bool access_grant_candidates(struct ctx *x, struct access_grant_user **out, size_t *n,
                             struct err *e);

#endif
