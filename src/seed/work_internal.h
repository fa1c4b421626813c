/*
 * Private to seed/work (work.c: the simulation; work_write.c: the rows it
 * writes; work_text.c: form answers and note text).
 */
#ifndef CASEWORK_SEED_WORK_INTERNAL_H
#define CASEWORK_SEED_WORK_INTERNAL_H

#include <jansson.h>

#include "core/buf.h"
#include "domain/workflow_def.h"
#include "seed/audit_batch.h"
#include "seed/rng.h"
#include "seed/work.h"

enum { WK_NONE = -1 };

struct wk_user {
    int64_t id;
    char username[64];
    struct principal who;
    int team; /* index into teams */
    int open; /* open cases allocated */
};

struct wk_team {
    int64_t id;
    int domain;      /* enum workflow_domain, or WK_NONE */
    bool front_door; /* decides contacts for its domain */
    int manager;     /* index into users, or WK_NONE */
};

struct wk_step {
    int64_t id;
    const struct workflow_step *s;
    int64_t started_at;
    bool open;
    json_t *answers;     /* what the form held when it started (given, prefill) */
    const char *outcome; /* once it took effect (the definition's string) */
};

struct wk_case {
    int64_t id, person_id, contact_id, received_at;
    const struct workflow_def *d;
    int domain;
    int team, worker; /* WK_NONE until allocated */
    int front_worker; /* who decided the contact */
    bool closed;
    int refs; /* pending events that name it */
    struct workflow_event *ev;
    size_t nev, cap_ev;
    struct wk_step *steps;
    size_t nsteps, cap_steps;
};

enum wk_kind { WK_CONTACT, WK_COMPLETE, WK_AUTHORISE, WK_NOTE };

struct wk_event {
    int64_t at;
    uint64_t seq;
    int kind;
    struct wk_case *c;
    size_t step; /* index into c->steps */
    int domain;  /* WK_CONTACT */
    int by;      /* WK_AUTHORISE: who submitted */
    const struct workflow_outcome *o;
    char *answers;    /* WK_AUTHORISE: the submitted text (owned) */
    char closure[24]; /* WK_AUTHORISE: the closure reason given */
};

struct wk {
    struct ctx *x;
    const struct seed_work_options *o;
    struct seed_work_report *r;
    struct seed_rng rng;
    struct wk_user *users;
    size_t nusers;
    struct wk_team *teams;
    size_t nteams;
    /* practitioners who decide contacts / hold cases, per domain (user indexes) */
    int *front[3], *pool[3];
    size_t nfront[3], npool[3];
    const struct workflow_def *defs[3]; /* newest per domain, or NULL */
    /* people: ids and dates of birth in birth order (alive at as_of) */
    int64_t *pid, *pdob;
    size_t npeople;
    int64_t min_id;
    int64_t *dob_by_id; /* index id - min_id; 0: unknown */
    size_t ndob_by_id;
    uint8_t *busy; /* index id - min_id: has an open children's episode */
    struct wk_event *heap;
    size_t nheap, cap_heap;
    uint64_t seq;
    int64_t end; /* instant the simulation stops (start of as_of) */
    int64_t writes_since_commit;
    struct buf b, detail;
    struct seed_audit audit; /* the chain head, in memory for a transaction */
    int64_t last_contact, last_case, last_step, last_note; /* ids given so far */
    /* Notes written in this transaction and not yet in the full-text index:
     * indexed together just before the commit (wk_commit), as every statement
     * after an FTS5 write in a transaction makes FTS5 flush its pending terms. */
    struct wk_fts_pending {
        int64_t id;
        size_t off; /* into fts_text, NUL-terminated */
    } * fts;
    size_t nfts, cap_fts;
    struct buf fts_text;
};

/* work_write.c: each writes its rows and audit rows at w->x->now as who. */
bool wk_write_contact(struct wk *w, int domain, const char *pathway, const char *source,
                      const char *referrer, const char *role, const char *org, const char *contact,
                      const char *concern, int64_t *id, struct err *e);
bool wk_write_case(struct wk *w, struct wk_case *c, struct err *e);
bool wk_write_contact_person(struct wk *w, struct wk_case *c, const char *source, struct err *e);
bool wk_write_step_start(struct wk *w, struct wk_case *c, struct wk_step *st, int64_t due,
                         const char *text, struct err *e);
bool wk_write_submit(struct wk *w, struct wk_case *c, struct wk_step *st,
                     const struct workflow_outcome *o, const json_t *answers, const char *text,
                     const char *closure, struct err *e);
bool wk_write_authorise(struct wk *w, struct wk_case *c, struct wk_step *st, int64_t submitted_by,
                        struct err *e);
bool wk_write_version(struct wk *w, struct wk_step *st, const char *text,
                      const struct workflow_outcome *o, int64_t by, struct err *e);
bool wk_write_close(struct wk *w, struct wk_case *c, const char *reason, struct err *e);
bool wk_write_decision(struct wk *w, struct wk_case *c, const char *outcome, struct err *e);
bool wk_write_allocate(struct wk *w, struct wk_case *c, int worker, const char *reason,
                       struct err *e);
bool wk_write_note(struct wk *w, struct wk_case *c, const char *type, const char *occurred_on,
                   const char *body, struct err *e);
/* Read the highest ids so far (at the start, before any write). */
bool wk_ids_load(struct wk *w, struct err *e);
/* Index the notes written since the last commit, write the audit chain head
 * and commit (then, with reopen, begin the next write transaction). */
bool wk_commit(struct wk *w, bool reopen, struct err *e);
/* After a failure: drop what was pending for the rolled-back transaction. */
void wk_forget(struct wk *w);
/* The person's relative of one of the sibling types who is a child on day, up to max. */
size_t wk_siblings(struct wk *w, int64_t person_id, int64_t day, int64_t *out, size_t max,
                   struct err *e);

/* work_text.c */
/* Fill every field of s that answers lacks (mandatory ones always, others
 * mostly), for a step started at started and completed at done. */
void wk_factors_fix(struct wk *w, json_t *answers, const char *outcome, bool none_allowed);
void wk_answers_at_start(struct wk *w, struct wk_case *c, const struct workflow_step *s,
                         json_t *answers);
bool wk_answers_fill(struct wk *w, struct wk_case *c, const struct workflow_step *s,
                     json_t *answers, int64_t started, int64_t done, struct err *e);
/* A child protection plan's initial category of abuse and previous plans, as
 * recorded with the plan: set when the step makes or is the plan, removed from
 * a conference that makes none. */
void wk_plan_fix(struct wk *w, const struct workflow_step *s, json_t *answers, const char *outcome);
/* The UPN and the reason there is none, as recorded at a children's referral:
 * given is what the form started with (the person record's UPN, prefilled). */
void wk_upn_fix(struct wk *w, const struct wk_case *c, const struct workflow_step *s,
                const json_t *given, json_t *answers);
/* A few sentences of case-note text (appended to b). */
void wk_note_text(struct wk *w, const char *type, struct buf *b);
/* A referrer for a contact from source: name, role, organisation, phone. */
void wk_referrer(struct wk *w, const char *source, char name[64], const char **role,
                 const char **org, char phone[16]);
/* The concern in the referrer's words (appended to b). */
void wk_concern(struct wk *w, int domain, struct buf *b);
/* A random code from list (NULL if the list is missing or empty). */
const char *wk_code(struct wk *w, const char *list);

#endif
