/*
 * complaints: comments, compliments and complaints ("representations") and
 * the complaint procedures (docs/ENQUIRIES.md): children's social care
 * (statutory: stage 1, stage 2 investigation with an investigator and an
 * independent person, stage 3 review panel), adults' social care (one stage,
 * timescale agreed with the complainant) and corporate (stages 1 and 2).
 * Stage deadlines come from config/enquiries/complaint-timescales.txt on the
 * working-day calendar; an extension moves a deadline up to the stage's limit
 * and keeps its reason. Stage 2 investigations report progress every 14 days
 * (a missed report is flagged). Each complaint point gets an outcome when its
 * stage is completed; actions and learning are tracked to completion;
 * Ombudsman (LGSCO) referrals keep their enquiries, decision and
 * recommendations with due dates and compliance. Reports count them.
 *
 * Access: PERM_COMPLAINTS_VIEW to read, PERM_COMPLAINTS_MANAGE to change
 * (complaints officers, administrators; auditors read). Every read and change
 * is audited (record type "representation") in the same transaction.
 *
 * Results are allocated from ctx->arena. Thread-safety: as the ctx's
 * connection.
 */
#ifndef CASEWORK_DOMAIN_COMPLAINTS_H
#define CASEWORK_DOMAIN_COMPLAINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

enum {
    COMPLAINT_MAX_POINTS = 10,
    COMPLAINT_MAX_TEXT = 5000, /* characters: summary, points, reports */
    COMPLAINT_MAX_SHORT = 200, /* characters: names, references */
    COMPLAINT_MAX_ITEMS = 50,  /* actions, referrals, recommendations read back */
};

struct representation_input {
    const char *kind;       /* complaint | compliment | comment */
    const char *procedure;  /* children | adults | corporate */
    const char *about_type; /* service | person | team */
    const char *about, *service_area, *channel, *from_name, *from_contact, *summary;
    const char *received_on;                  /* YYYY-MM-DD, not in the future; NULL or "": now */
    const char *agreed_timescale;             /* adults' complaints: "30 working days" */
    const char *points[COMPLAINT_MAX_POINTS]; /* complaints: what is complained of */
    size_t npoints;
};

struct complaint_stage {
    int64_t id;
    int stage;
    int64_t started_at, due_at, original_due_at, completed_at, extended_at;
    const char *timescale, *extension_reason, *investigator, *independent_person;
    bool overdue;                   /* open and past due */
    int64_t progress_due;           /* stage 2 while open: the next report's deadline */
    bool progress_missed;           /* ...and it has passed */
    int reports;                    /* progress reports so far */
    const char *limit_text, *basis; /* from config */
};

struct complaint_point {
    int64_t id;
    int stage;
    const char *point, *outcome; /* outcome "" until decided */
};

struct complaint_action {
    int64_t id;
    const char *kind, *text, *owner, *due_on; /* kind: action | learning */
    int64_t completed_at;
};

struct lgsco_recommendation {
    int64_t id;
    const char *text, *due_on, *evidence;
    int64_t complied_at;
};

struct lgsco_referral {
    int64_t id, received_at, decided_at;
    const char *reference, *enquiries, *decision;
    struct lgsco_recommendation *recs;
    size_t nrecs;
};

struct representation {
    int64_t id;
    const char *kind, *procedure, *about_type, *about, *service_area, *channel, *from_name,
        *from_contact, *summary, *status;
    int64_t received_at, closed_at;
    struct complaint_stage stages[3];
    size_t nstages; /* complaints: stages started so far */
    struct complaint_point *points;
    size_t npoints;
    struct complaint_action *actions;
    size_t nactions;
    struct lgsco_referral *referrals;
    size_t nreferrals;
};

/* Record a representation; a complaint starts stage 1 at receipt. */
bool complaints_create(struct ctx *x, const struct representation_input *in, int64_t *id_out,
                       struct err *e);
/* One representation with everything above. Audited representation.view. */
bool complaints_get(struct ctx *x, int64_t id, struct representation *out, struct err *e);
/* Newest first (at most 500), without points, actions or referrals; stages
 * are filled. Audited representation.list. */
bool complaints_list(struct ctx *x, struct representation **out, size_t *n, struct err *e);

/* Extend the open stage's deadline to the end of due_on (YYYY-MM-DD) with a
 * reason, within the stage's limit (domain/enquiry_config). */
bool complaints_extend(struct ctx *x, int64_t id, const char *due_on, const char *reason,
                       struct err *e);
/* Complete the open stage: outcomes[i] (upheld, partly_upheld, not_upheld,
 * withdrawn) for the stage's points in order; every point needs one. */
bool complaints_complete_stage(struct ctx *x, int64_t id, const char *const *outcomes, size_t n,
                               struct err *e);
/* Start the next stage (the previous one completed) at now, carrying the
 * points forward. Children's stage 2 needs an investigator and an independent
 * person. ERR_CONFLICT when there is no next stage. */
bool complaints_escalate(struct ctx *x, int64_t id, const char *investigator,
                         const char *independent_person, struct err *e);
/* A stage 2 investigator's progress report on the open stage 2. */
bool complaints_progress_report(struct ctx *x, int64_t id, const char *text, struct err *e);
/* Close (no stage open). */
bool complaints_close(struct ctx *x, int64_t id, struct err *e);

/* Actions and learning: add (due_on optional YYYY-MM-DD), complete. */
bool complaints_action_add(struct ctx *x, int64_t id, const char *kind, const char *text,
                           const char *owner, const char *due_on, struct err *e);
bool complaints_action_complete(struct ctx *x, int64_t id, int64_t action_id, struct err *e);

/* Ombudsman referrals: received (received_on YYYY-MM-DD), the Ombudsman's
 * enquiries and decision (either may be NULL to leave as is),
 * recommendations with a due date, and compliance with evidence. */
bool complaints_lgsco_add(struct ctx *x, int64_t id, const char *received_on, const char *reference,
                          struct err *e);
bool complaints_lgsco_update(struct ctx *x, int64_t id, int64_t referral_id, const char *enquiries,
                             const char *decision, struct err *e);
bool complaints_lgsco_recommend(struct ctx *x, int64_t id, int64_t referral_id, const char *text,
                                const char *due_on, struct err *e);
bool complaints_lgsco_comply(struct ctx *x, int64_t id, int64_t rec_id, const char *evidence,
                             struct err *e);

/* Reports for London days from..to inclusive. */
struct complaints_count {
    const char *key; /* "complaint / children", "children stage 2", "upheld", a service area */
    int count;
};
struct complaints_quarter {
    int year, quarter;
    int stage2_completed, stage2_in_time; /* completed in the quarter */
    int compliments;                      /* received in the quarter */
};
struct complaints_report {
    struct complaints_count *by_kind, *by_stage, *by_service, *by_outcome;
    size_t nkind, nstage, nservice, noutcome;
    struct complaints_quarter *quarters; /* from the first to the last quarter of the period */
    size_t nquarters;
};
bool complaints_report(struct ctx *x, int64_t from_day, int64_t to_day,
                       struct complaints_report *out, struct err *e);

#endif
