/*
 * retention: how long each person's record is kept, from rules that are data
 * (config/retention.txt; the shipped values are named as defaults), and the
 * date each person's record falls due for destruction, kept current from the
 * events recorded about them.
 *
 * The rules and the calculation are pure (unit-tested per rule); retention_
 * refresh reads the audit log past its watermark, so every event on a person
 * (a change, contact, step, note, case closing) recomputes that person's date
 * without the modules that record events knowing about retention.
 * Destruction itself is domain/destruction.
 *
 * Rules own their strings (retention_rules_free). Thread-safety: the rules are
 * read-only once parsed; the rest as the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_RETENTION_H
#define CASEWORK_DOMAIN_RETENTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "domain/ctx.h"

enum { RETENTION_MAX_RULES = 32, RETENTION_MAX_STEPS = 8 };

enum retention_from { RETENTION_FROM_BIRTH, RETENTION_FROM_LAST_INVOLVEMENT };

struct retention_rule {
    char *name, *label;
    unsigned domains;                 /* DOMAIN_* bits (access.h) */
    bool looked_after;                /* WHEN looked_after: a looked-after period recorded */
    char *steps[RETENTION_MAX_STEPS]; /* WHEN step=...; none (and not looked_after): always */
    size_t nsteps;
    enum retention_from from;
    int years;
};

struct retention_rules {
    struct retention_rule rules[RETENTION_MAX_RULES];
    size_t n;
};

/* What the calculation needs to know about one person. */
struct retention_person {
    int64_t dob;              /* day number (clock), or INT64_MIN when unknown */
    int64_t last_involvement; /* day of the latest event recorded, or INT64_MIN */
    unsigned domains;         /* DOMAIN_* of their cases */
    bool open_case;           /* any case still open */
    bool looked_after;        /* a looked-after period is recorded (domain/looked_after) */
    const char *const *steps; /* step ids of their cases */
    size_t nsteps;
};

struct retention_result {
    bool scheduled;
    int64_t destroy_on; /* day number, when scheduled */
    const char *rule;   /* the rule that gave the date (owned by the rules) */
    const char *why;    /* when not scheduled: a static sentence */
};

/* Parse the rules file's text. False with e naming the line and the rule broken. */
bool retention_rules_parse(const char *text, struct retention_rules *out, struct err *e);
/* Read and parse DIR/retention.txt. */
bool retention_rules_load(const char *config_dir, struct retention_rules *out, struct err *e);
void retention_rules_free(struct retention_rules *r);

/* The destruction date of one person: the latest date of the rules that apply
 * (domain matches, WHEN holds, FROM known); not scheduled while a case is open
 * or when no rule applies. */
void retention_compute(const struct retention_rules *rules, const struct retention_person *p,
                       struct retention_result *out);

/* Recompute the dates of every person with an event since the last refresh
 * (all people the first time), in one write transaction; *n (may be NULL)
 * gets how many. Called by the review page and `casework retention refresh`. */
bool retention_refresh(struct ctx *x, const struct retention_rules *rules, int64_t *n,
                       struct err *e);

#endif
