/*
 * seed/work: the second half of `casework seed` — ten years of the council's
 * work on the seeded population: contacts at the front door (children's, early
 * help and adults'), each person's case moved through the pathway definitions
 * that are loaded (config/workflows, whatever version is newest), steps
 * completed on time or late with every mandatory field of their form answered,
 * managers' authorisations, allocations to workers in the teams of the case's
 * domain, case notes while a case is allocated, and the audit row each of
 * those would have written, dated when it happened.
 *
 * It is a discrete-event simulation: every future event (a contact arriving, a
 * step completed, a step authorised, a note written) waits in a heap ordered
 * by instant and is written when its time comes, so ids and audit rows run in
 * time order as they would in a live system. What is still pending at the
 * as-of day is left open: open steps (some overdue), allocated caseloads.
 *
 * Like seed.c it is a bulk writer: cached prepared statements in transactions
 * of tens of thousands of writes, the domain's rules kept (answers pass
 * step_answers_check and step_answers_missing, due instants come from
 * workflow_step_due, the definition is stored as the cases module stores it,
 * note text goes into the FTS5 index through notes_index_add before each
 * commit, audit rows through seed/audit_batch, the same rows ctx_audit
 * writes). Deterministic for a seed, a database and as-of day.
 *
 * Not thread-safe: one connection, called only from seed_run.
 */
#ifndef CASEWORK_SEED_WORK_H
#define CASEWORK_SEED_WORK_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/ctx.h"

struct seed_work_report {
    int64_t contacts, cases, steps, completed, late, authorised, allocations, notes;
    int64_t open_cases, audit_rows;
};

struct seed_work_options {
    uint64_t seed;
    int64_t as_of;      /* day number: the simulation ends at its start */
    int years;          /* how many years of work before as_of */
    int64_t per_year;   /* contacts a year */
    double note_factor; /* 1.0: a note every 21-70 days on an allocated case */
    void (*progress)(const struct seed_work_report *so_far, int64_t day, void *arg);
    void *arg;
};

/* Contacts a year for a population of people (the county's 120,000 for its
 * 250,000, in proportion). */
int64_t seed_work_contacts_per_year(int64_t people);

/* Write the work on x's database (x->codes, x->workflows and x->calendar
 * must be set; people, teams and users already seeded). Commits as it goes;
 * on failure the last transaction is rolled back and e says why. */
bool seed_work_run(struct ctx *x, const struct seed_work_options *o, struct seed_work_report *r,
                   struct err *e);

#endif
