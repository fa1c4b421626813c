/*
 * workflow_def: pathway definitions as data. One JSON file per pathway version
 * in config/workflows/, named <pathway>.v<version>.json (children.v1.json),
 * declares the steps a case moves through: who may do each, whether a manager
 * authorises it, its form, its outcomes and the steps each starts, and its
 * timescale counted by core/calendar from a named earlier event. The format is
 * described in docs/WORKFLOWS.md.
 *
 * Everything is checked when a definition is loaded (unknown or duplicate ids,
 * unreachable steps, steps that cannot lead to closure, bad timescales, events
 * that cannot have happened before a step starts, unknown code lists, field
 * types, roles, person fields and keys); each problem names the file, the line
 * and the rule. Several versions of a pathway may be loaded side by side: new
 * cases take the newest, a case in flight keeps the one it started on (the
 * case module stores a definition's text and re-reads it with
 * workflow_def_parse_text; the canonical hash tells it whether a file with the
 * same version has changed since).
 *
 * Ownership: a set owns its definitions; a definition owns every step, field,
 * outcome, setting and string reachable from it, which live as long as it.
 * The structs below are read-only views. Thread-safety: immutable once loaded,
 * so any number of threads may read one at the same time.
 */
#ifndef CASEWORK_DOMAIN_WORKFLOW_DEF_H
#define CASEWORK_DOMAIN_WORKFLOW_DEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/access.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/codelist.h"
#include "core/err.h"

/* Limits that keep a definition a size people can read and check. */
#define WORKFLOW_MAX_FILE_BYTES (1024 * 1024)
#define WORKFLOW_MAX_STEPS 200
#define WORKFLOW_ID_MAX 48   /* ids: a-z first, then a-z 0-9 _ */
#define WORKFLOW_HASH_HEX 64 /* SHA-256 of the canonical text, lowercase hex */

struct workflow_set;
struct workflow_def;
struct workflow_step;

enum workflow_domain { WORKFLOW_CHILDREN, WORKFLOW_EARLY_HELP, WORKFLOW_ADULTS };

enum workflow_field_type {
    WORKFLOW_FIELD_TEXT,     /* one line */
    WORKFLOW_FIELD_TEXTAREA, /* several paragraphs */
    WORKFLOW_FIELD_DATE,     /* YYYY-MM-DD */
    WORKFLOW_FIELD_DATETIME, /* an instant */
    WORKFLOW_FIELD_CODE,     /* one code from list */
    WORKFLOW_FIELD_CODES,    /* any number of codes from list */
    WORKFLOW_FIELD_YES_NO,
    WORKFLOW_FIELD_NUMBER,
    WORKFLOW_FIELD_PERSON, /* a person record, chosen through the people search */
};

/* The event a timescale counts from. */
enum workflow_anchor {
    WORKFLOW_FROM_CASE_RECEIVED, /* "case.received": when the contact was received */
    WORKFLOW_FROM_STARTED,       /* "<step>.started" */
    WORKFLOW_FROM_COMPLETED,     /* "<step>.completed" */
    WORKFLOW_FROM_PREVIOUS,      /* "previous.completed": this step's last completion */
};

struct workflow_rule {
    struct timescale within;
    const char *within_text; /* as written: "15 working days" or "$setting_name" */
    const char *setting;     /* the setting's name when within_text is "$name", else NULL */
    enum workflow_anchor from;
    const char *from_step; /* the step of STARTED and COMPLETED, else NULL */
    const char *from_text; /* as written: "strategy_discussion.completed" */
};

struct workflow_timescale {
    bool set;                   /* false: the step has no time limit */
    struct workflow_rule rule;  /* for a recurring step, every occurrence after the first */
    bool recurring;             /* rule.from is WORKFLOW_FROM_PREVIOUS */
    struct workflow_rule first; /* recurring only: the first occurrence */
    const char *basis; /* the statute, guidance or local decision it comes from; may be NULL */
};

struct workflow_field {
    const char *name, *label;
    const char *help; /* may be NULL */
    enum workflow_field_type type;
    const char *list;    /* the code list of CODE and CODES fields, else NULL */
    bool mandatory;      /* enforced when the step is completed, not when a draft is saved */
    /* Outcome ids of this step with which the field is mandatory (a conference's
     * category of abuse only when it makes a plan); none when nmandatory_for is 0.
     * Never set together with mandatory. */
    const char *const *mandatory_for;
    size_t nmandatory_for;
    bool copy_forward;   /* start from the answer given at the previous step of this kind */
    const char *prefill; /* a person-record field ("person.dob"), else NULL */
};

struct workflow_outcome {
    const char *id, *label;
    const char *const *next_ids;             /* as written */
    const struct workflow_step *const *next; /* the same, resolved */
    size_t nnext;
    bool closes;               /* the case closes with this outcome (then nnext is 0) */
    const char *close_reasons; /* code list the closure reason comes from; NULL: the label is it */
};

struct workflow_step {
    const char *id, *title;
    const char *help;         /* may be NULL */
    unsigned roles;           /* bit (1u << enum role) for each role that may do it */
    const char *const *teams; /* if any, the worker must also be in one of these teams */
    size_t nteams;
    bool authorise;           /* completion needs a manager's authorisation */
    bool start;               /* a case may begin with this step */
    int weight;               /* caseload weight of an open step, 0..100 (default 1) */
    const char *outcome_list; /* if set, every outcome id is a code in this list */
    struct workflow_timescale timescale;
    const struct workflow_field *fields;
    size_t nfields;
    const struct workflow_outcome *outcomes;
    size_t noutcomes;
};

/* A local (non-statutory) timescale, named in a file's "settings" block and used
 * by steps as "within": "$name". */
struct workflow_setting {
    const char *name, *label;
    const char *basis; /* may be NULL */
    const char *text;  /* the default as written: "56 calendar days" */
    struct timescale value;
};

/* One event in a case's history, for computing due instants. */
struct workflow_event {
    const char *name; /* "case.received", "<step>.started" or "<step>.completed" */
    int64_t at;       /* instant */
};

/* ---- loading ------------------------------------------------------------- */

/* Load and check every *.json in dir. codes (may be NULL to skip those checks)
 * is where "list" names must exist. Returns NULL on failure with e holding the
 * first problem (ERR_INVALID "FILE line N: rule", ERR_IO, ERR_NOMEM); if
 * problems is not NULL every problem found is appended to it, one per line. */
struct workflow_set *workflow_set_load_dir(const char *dir, const struct codelist_set *codes,
                                           struct buf *problems, struct err *e);
void workflow_set_free(struct workflow_set *s);

/* Parse and check one definition from text (e.g. as stored with a case). source
 * names it in messages. Returns NULL as workflow_set_load_dir does. The caller
 * owns the result and frees it with workflow_def_free. */
struct workflow_def *workflow_def_parse_text(const char *text, size_t len, const char *source,
                                             const struct codelist_set *codes, struct buf *problems,
                                             struct err *e);
void workflow_def_free(struct workflow_def *d);

/* ---- a set of definitions ------------------------------------------------- */

/* Definitions in pathway name order, then version order. */
size_t workflow_set_count(const struct workflow_set *s);
const struct workflow_def *workflow_set_at(const struct workflow_set *s, size_t i);
/* The newest version of a pathway (what new cases take), or NULL. */
const struct workflow_def *workflow_set_newest(const struct workflow_set *s, const char *pathway);
/* One version of a pathway, or NULL. */
const struct workflow_def *workflow_set_get(const struct workflow_set *s, const char *pathway,
                                            int version);

/* ---- one definition --------------------------------------------------------- */

const char *workflow_def_pathway(const struct workflow_def *d);
int workflow_def_version(const struct workflow_def *d);
const char *workflow_def_title(const struct workflow_def *d);
enum workflow_domain workflow_def_domain(const struct workflow_def *d);
/* Where it was loaded from (the file path or parse_text's source). */
const char *workflow_def_source(const struct workflow_def *d);
/* SHA-256 (hex) of the canonical JSON (keys sorted, no whitespace): equal for
 * files that differ only in layout, different after any real change. */
const char *workflow_def_hash(const struct workflow_def *d);
/* The text it was parsed from, exactly (to store with a case). */
const char *workflow_def_text(const struct workflow_def *d, size_t *len);

/* Steps in file order. */
size_t workflow_def_step_count(const struct workflow_def *d);
const struct workflow_step *workflow_def_step_at(const struct workflow_def *d, size_t i);
/* The step with this id, or NULL. */
const struct workflow_step *workflow_def_step(const struct workflow_def *d, const char *id);
/* The steps a case may begin with, in "start" order. */
size_t workflow_def_start_count(const struct workflow_def *d);
const struct workflow_step *workflow_def_start_at(const struct workflow_def *d, size_t i);
/* Local timescale settings, in file order. */
size_t workflow_def_setting_count(const struct workflow_def *d);
const struct workflow_setting *workflow_def_setting_at(const struct workflow_def *d, size_t i);

/* ---- one step ------------------------------------------------------------------ */

/* The outcome or field with this id/name, or NULL. */
const struct workflow_outcome *workflow_step_outcome(const struct workflow_step *s, const char *id);
const struct workflow_field *workflow_step_field(const struct workflow_step *s, const char *name);
/* Whether f must be answered to complete its step with outcome (an outcome id;
 * NULL: whatever the outcome, i.e. only fields mandatory with every outcome). */
bool workflow_field_required(const struct workflow_field *f, const char *outcome);
/* True if someone with role r may do the step (teams are the caller's check). */
bool workflow_step_allows_role(const struct workflow_step *s, enum role r);

/* The instant step s is due, counted by calendar_due from the event its
 * timescale names, looked up in events (a case's history, any order; where a
 * name occurs more than once the latest counts, so a repeated strategy
 * discussion or a reassessment restarts the clock). A recurring step is due
 * "within" its rule of its own latest completion if that is not earlier than the
 * event of its "first" rule, otherwise by the first rule: so the first review
 * conference counts from the initial conference even when an earlier plan had
 * reviews, and a late review moves the next one. cal may be NULL only when no
 * working days are counted. Fails with ERR_NOT_FOUND naming the event if it is
 * not in events, ERR_INVALID if the step has no timescale or cal is missing. */
bool workflow_step_due(const struct workflow_step *s, const struct calendar *cal,
                       const struct workflow_event *events, size_t nevents, int64_t *due,
                       struct err *e);

/* ---- names ------------------------------------------------------------------------ */

/* "children", "early_help", "adults". */
const char *workflow_domain_name(enum workflow_domain d);
/* "text", "textarea", "date", "datetime", "code", "codes", "yes_no", "number", "person". */
const char *workflow_field_type_name(enum workflow_field_type t);

#endif
