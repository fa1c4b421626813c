/*
 * cin_rules: the DfE's Children in Need census validation rules that apply to
 * one council's data, checked inside casework so errors are seen (and fixed)
 * when they are made, not in March.
 *
 * Each rule carries the DfE's number and message (the 2025 to 2026 rule set;
 * "Q" numbers are queries: "please check" warnings that do not stop a
 * submission). A failure names the rule, the child and the record where it is
 * fixed: the person (/people/:id), the case (/cases/:id) or the step
 * (/steps/:id). Rules that can never fire on a return casework builds (a
 * missing LA child ID, a closure reason without a closure date, a plan
 * starting on a different day from its conference) are left out; their
 * numbers are listed in docs/RETURNS.md.
 *
 * Ownership: a cin_failures list owns its array (cin_failures_free); the
 * rules and the failures point into the cin_return checked and the static
 * rule table. Thread-safety: pure functions of their arguments.
 */
#ifndef CASEWORK_RETURNS_CIN_RULES_H
#define CASEWORK_RETURNS_CIN_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "returns/cin.h"

struct cin_check;

struct cin_rule {
    const char *number;  /* "8608", "8675Q" */
    const char *message; /* the DfE's message */
    bool query;          /* a "please check" query rather than an error */
    void (*check)(struct cin_check *k, const struct cin_child *c);
};

enum cin_where { CIN_AT_PERSON, CIN_AT_CASE, CIN_AT_STEP };

struct cin_failure {
    const struct cin_rule *rule;
    int64_t person_id;
    enum cin_where where;
    int64_t id; /* the person, case or step */
};

struct cin_failures {
    struct cin_failure *items;
    size_t n, cap;
    size_t errors, queries;
    bool nomem; /* a failure could not be recorded: the list is incomplete */
};

/* The rule table, in the order the DfE lists the modules. */
size_t cin_rule_count(void);
const struct cin_rule *cin_rule_at(size_t i);
/* The rule numbered number, or NULL. */
const struct cin_rule *cin_rule_find(const char *number);

/* Check every child of r (and the return-wide rules) and append each failure
 * to out, children in order. False only when out of memory. */
bool cin_check(const struct cin_return *r, struct cin_failures *out);
/* One rule on one child (for tests): appends its failures to out. */
void cin_check_rule(const struct cin_return *r, const struct cin_rule *rule,
                    const struct cin_child *c, struct cin_failures *out);
void cin_failures_free(struct cin_failures *f);

/* The path in casework where a failure is fixed ("/steps/12"), into out. */
void cin_failure_path(const struct cin_failure *f, char out[32]);

#endif
