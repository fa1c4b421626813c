/*
 * contacts: the front door. A contact records when it was received, who made
 * it (name, role, organisation, contact details, DfE referral source), what
 * the concern is and whom it is about. Each person it is about gets a case on
 * the contact's pathway whose first step (the front-door decision) starts at
 * receipt, so its clock (1 working day for children) runs from then. Each
 * person is decided on separately with an outcome from the definition; the
 * decision completes that person's first step, which starts the next steps
 * or closes the case.
 *
 * Access: PERM_CASES_EDIT to record and decide, PERM_CASES_VIEW to read; each
 * person must be visible to the user. Audited as contact.create (with
 * case.create and step.start per person), contact.decide (with
 * step.complete), contact.view.
 *
 * Results are allocated from ctx->arena. Thread-safety: as the ctx's
 * connection.
 */
#ifndef CASEWORK_DOMAIN_CONTACTS_H
#define CASEWORK_DOMAIN_CONTACTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/ctx.h"

enum { CONTACTS_MAX_PEOPLE = 12, CONTACTS_MAX_CONCERN = 20000 };

struct contact_input {
    const char *pathway;     /* NULL: "children" */
    const char *received_at; /* ISO 8601 instant; NULL: now. Not in the future. */
    const char *referrer_name, *referrer_role, *referrer_organisation, *referrer_contact;
    const char *source; /* referral_source.txt code */
    const char *concern;
    int64_t people[CONTACTS_MAX_PEOPLE];
    size_t npeople;
};

struct contact_person {
    int64_t person_id, case_id, step_id; /* step_id: the front-door step */
    const char *person_name;
    const char *decision; /* "" while undecided */
    int64_t decided_at, decided_by;
};

struct contact {
    int64_t id;
    const char *pathway;
    int64_t received_at;
    const char *referrer_name, *referrer_role, *referrer_organisation, *referrer_contact;
    const char *source, *concern;
    int64_t created_at, created_by;
    struct contact_person people[CONTACTS_MAX_PEOPLE];
    size_t npeople;
};

/* Record a contact and open a case per person. ERR_INVALID naming the field. */
bool contacts_create(struct ctx *x, const struct contact_input *in, int64_t *id_out, struct err *e);
/* A contact with its people and their decisions. Audited as contact.view. */
bool contacts_get(struct ctx *x, int64_t id, struct contact *out, struct err *e);
/* Decide for one person: complete their front-door step with outcome and
 * answers, as cases_step_complete (missing as there). */
bool contacts_decide(struct ctx *x, int64_t contact_id, int64_t person_id, const char *outcome,
                     const json_t *answers, const char *closure_reason, struct buf *missing,
                     struct err *e);

#endif
