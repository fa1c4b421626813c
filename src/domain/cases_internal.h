/*
 * Shared by cases.c, steps.c, step_answers.c and contacts.c: the case's
 * definition, starting a step, completing one inside the caller's
 * transaction, and the form rules.
 */
#ifndef CASEWORK_DOMAIN_CASES_INTERNAL_H
#define CASEWORK_DOMAIN_CASES_INTERNAL_H

#include "domain/cases.h"
#include "domain/workflow_def.h"

/* A case's definition: the loaded one when its hash matches what the case
 * stored, otherwise parsed from the stored text (then owned, and freed by
 * case_def_release). */
struct case_def {
    const struct workflow_def *d;
    struct workflow_def *owned;
};
void case_def_release(struct case_def *cd);

/* The definition new cases on pathway take, stored in workflow_definitions if
 * this is its first case; ERR_CONFLICT if a different text was stored under
 * the same version. */
bool cases_definition_for_new(struct ctx *x, const char *pathway, const struct workflow_def **out,
                              struct err *e);
/* The definition the case was started on. */
bool cases_definition(struct ctx *x, const char *pathway, int version, struct case_def *out,
                      struct err *e);

/* Insert a case (in the caller's transaction). */
bool cases_insert(struct ctx *x, int64_t person_id, int64_t contact_id,
                  const struct workflow_def *d, int64_t received_at, int64_t *case_id,
                  struct err *e);
/* Start step s on a case at instant at, with the due instant from the case's
 * events and the form pre-filled (person record, copy-forward, then given,
 * which may be NULL). */
bool cases_start_step(struct ctx *x, int64_t case_id, int64_t person_id,
                      const struct workflow_step *s, int64_t at, const json_t *given,
                      int64_t *step_id, struct err *e);
/* Complete a step inside the caller's write transaction (see
 * cases_step_complete); *case_id_out gets its case. */
bool cases_complete_in(struct ctx *x, int64_t step_id, const char *outcome, const json_t *answers,
                       const char *closure_reason, struct buf *missing, int64_t *case_id_out,
                       struct err *e);

/* --- allocations.c ------------------------------------------------------------ */

/* The configured front-door team (config duty_team, by name): *team_id gets
 * its id, or 0 when none is configured. ERR_CONFLICT if the name is not a
 * team. */
bool cases_duty_team(struct ctx *x, int64_t *team_id, struct err *e);
/* Hold a new case in a team's tray until a manager allocates it to a worker:
 * the duty team, else the recording worker's first team (by id); nothing if
 * neither exists (the case then shows in every team's tray as held by no
 * one). Inside the caller's write transaction; audited as case.allocate. */
bool cases_hold_new(struct ctx *x, int64_t case_id, struct err *e);

/* --- contacts.c --------------------------------------------------------------- */

/* A children's front-door decision of early help (outcome id "early_help")
 * hands the child on: a case on the newest early_help pathway opens now, from
 * the same contact, its first step filled from the decision's answers
 * (referral source, referrer, concern) and held as new work is
 * (cases_hold_new). Nothing happens for other outcomes or domains, or where
 * no early_help pathway is loaded. Inside the caller's write transaction. */
bool contacts_hand_on(struct ctx *x, const struct case_record *c, const struct workflow_def *from,
                      const char *outcome, const json_t *answers, struct err *e);

/* Load a step and its case in the caller's transaction (access checked
 * through the case's person); *s points into c->steps. */
bool cases_load_step(struct ctx *x, int64_t step_id, struct case_record *c, struct case_step **s,
                     struct err *e);

/* --- step_answers.c ---------------------------------------------------------- */

/* Check answers against the step's form: unknown names, types, codes, people
 * (ERR_INVALID naming the field). */
bool step_answers_check(struct ctx *x, const struct workflow_step *s, const json_t *answers,
                        struct err *e);
/* Mandatory fields with no answer (absent, null, "" or []): their names, one
 * per line, appended to missing; the number of them. Pure. step_answers_missing
 * counts the fields mandatory with every outcome; _for also those mandatory
 * with outcome (workflow_field_required). */
size_t step_answers_missing(const struct workflow_step *s, const json_t *answers,
                            struct buf *missing);
size_t step_answers_missing_for(const struct workflow_step *s, const json_t *answers,
                                const char *outcome, struct buf *missing);
/* Fill fields of a new step that have no answer: prefill from the person
 * record, copy-forward from the person's last completed step of the same id. */
bool step_answers_prefill(struct ctx *x, const struct workflow_step *s, int64_t person_id,
                          json_t *answers, struct err *e);

#endif
