/*
 * access_log: who has seen a person's record, and what a user looked at, from
 * the audit log, for information governance. Every person-linked audit row
 * carries record_type "person" and the person's id (views and changes of the
 * record, its notes, network, chronology, contacts, cases and steps), so one
 * indexed query answers each question. A row is marked as an override when it
 * is the break-glass itself (person.override) or falls inside one of its
 * actor's overrides on that record.
 *
 * Needs PERM_AUDIT_READ (administrators and auditors). Each call is audited
 * itself: access-log.person (on the person, so it shows in its own list) and
 * access-log.user (on the user). Rows are given to a callback; strings are
 * valid during the call. Thread-safety: as the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_ACCESS_LOG_H
#define CASEWORK_DOMAIN_ACCESS_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/ctx.h"

enum { ACCESS_LOG_PAGE = 500, ACCESS_LOG_EXPORT_MAX = 100000 };

struct access_log_row {
    int64_t audit_id, at, actor_id, person_id;
    const char *actor, *action, *record_type, *record_id, *reason, *detail;
    bool override; /* the break-glass itself, or inside one */
};

/* Every audit row on person_id, newest first, at most limit; fn returns false
 * to stop. ERR_NOT_FOUND if there is no such person. */
bool access_log_person(struct ctx *x, int64_t person_id, int limit,
                       bool (*fn)(const struct access_log_row *row, void *arg), void *arg,
                       struct err *e);

/* Every audit row user_id made on a record, newest first, at most limit.
 * ERR_NOT_FOUND if there is no such user. */
bool access_log_user(struct ctx *x, int64_t user_id, int limit,
                     bool (*fn)(const struct access_log_row *row, void *arg), void *arg,
                     struct err *e);

#endif
