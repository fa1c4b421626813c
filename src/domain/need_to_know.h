/*
 * need_to_know: the one check every domain entry point that reads or changes
 * a person-linked record (people, notes, chronology, relationships, cases,
 * contacts, steps) makes first, with one line:
 *
 *     if (!ntk_require(x, person_id, ACTION_VIEW, e)) ...
 *
 * It gathers the facts about the acting user and the record (restricted and
 * granted, the record's domains from its cases' pathways, the role's actions
 * per domain from role_domain_actions, a legitimate relationship, an
 * unexpired break-glass override) and asks access_decide for the verdict.
 *
 * Legitimate relationships: a case of the person allocated to the user, to a
 * team of theirs or to a team-mate; a contact about the person they recorded
 * or decided; a step of the person's case they saved, completed or
 * authorised, or an open one whose definition names a team of theirs; a
 * current relationship (network) with a person whose case is theirs by the
 * same rule; a grant (person_grants, or a manager's access_grants in force);
 * having created the record.
 *
 * Without one, the user may break the glass: give a reason from
 * config/codes/break_glass_reason.txt and free text; the access is allowed for
 * break_glass_minutes, audited as person.override and listed for review by
 * the record's manager (see ntk_overrides).
 *
 * Results are allocated from ctx->arena. Thread-safety: as the ctx's
 * connection.
 */
#ifndef CASEWORK_DOMAIN_NEED_TO_KNOW_H
#define CASEWORK_DOMAIN_NEED_TO_KNOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/access.h"
#include "domain/ctx.h"

/* The err field ntk_require sets when a reason would open the record; the
 * person is in x->break_glass_person. */
#define NTK_BREAK_GLASS_FIELD "break_glass"

enum { NTK_REASON_TEXT_MAX = 1000, NTK_MAX_OVERRIDES = 200 };

/* May the acting user take action a on person_id's record? Also checks
 * PERM_PEOPLE_VIEW, existence, restriction and merging (people_may_see).
 * False with e set: ERR_NOT_FOUND (no record, or restricted without a grant),
 * ERR_DENIED (wrong domain; or field NTK_BREAK_GLASS_FIELD: no relationship,
 * a reason would open it), ERR_CONFLICT (merged away). Reads only; call it
 * inside or outside the caller's transaction. */
bool ntk_require(struct ctx *x, int64_t person_id, enum access_action a, struct err *e);

/* Has the acting user a legitimate relationship of their own with person_id
 * (rules 1-4 and 6: not a grant, not an override)? For handing access on
 * (domain/access_grants). Reads only. */
bool ntk_related(struct ctx *x, int64_t person_id, bool *out, struct err *e);

/* As ntk_require, without an error: for filtering lists (search results that
 * would show a record's content). */
bool ntk_allows(struct ctx *x, int64_t person_id, enum access_action a);

/* Break the glass on person_id: reason_code from break_glass_reason.txt,
 * reason_text (1..NTK_REASON_TEXT_MAX characters) saying why. Records the
 * override and its person.override audit row in one transaction; *expires_at
 * (may be NULL) gets when it ends. A restricted record still needs its grant
 * (ERR_NOT_FOUND). */
bool ntk_break_glass(struct ctx *x, int64_t person_id, const char *reason_code,
                     const char *reason_text, int64_t *expires_at, struct err *e);

struct ntk_override {
    int64_t id, person_id, user_id;
    const char *person_name, *username, *reason_code, *reason_label, *reason_text;
    int64_t granted_at, expires_at, reviewed_at;
    const char *reviewed_by, *review_note; /* "" until reviewed */
};

struct ntk_override_list {
    struct ntk_override *items;
    size_t n;
};

/* Overrides waiting for review by the acting user: a manager sees those on
 * records allocated to a team of theirs; an administrator sees all. reviewed=true lists the
 * reviewed ones instead (newest first, at most NTK_MAX_OVERRIDES). Audited as override.list. */
bool ntk_overrides(struct ctx *x, bool reviewed, struct ntk_override_list *out, struct err *e);

/* Mark an override reviewed, with a note (1..NTK_REASON_TEXT_MAX). Only a
 * user who would see it in ntk_overrides may; audited as override.review. */
bool ntk_override_review(struct ctx *x, int64_t override_id, const char *note, struct err *e);

#endif
