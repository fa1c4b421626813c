/*
 * cin: the Department for Education's Children in Need census, built from what
 * practitioners record in the children's pathway (config/workflows/children.*)
 * and the person record.
 *
 * A collection year ("2025-26": 1 April 2025 to 31 March 2026, reference date
 * 31 March 2026) has its settings and code lists in config/returns/cin-YEAR.json,
 * so a later year can differ without a code change. cin_load reads every
 * children's case with a referral that was open at some time in the year, in a
 * few set-based queries (never one round trip per child), into a struct
 * cin_return: one cin_child per person, one cin_episode (the census
 * <CINdetails>) per referral, with its assessments, section 47 enquiries,
 * children in need plans and child protection plans. cin_rules.h checks it
 * against the DfE validation rules; cin_xml.h writes the census XML.
 *
 * Where each item comes from (v1 cases, which lack the v2 date fields, fall
 * back to the step's own instants):
 *   UPNunknown           the person record's, else (no UPN) the latest referral's
 *                        upn_unknown answer (v2, v3)
 *   CINreferralDate      the referral step's start (London date)
 *   ReferralSource       the contact's source (contacts.source, DfE code)
 *   PrimaryNeedCode      the latest completed assessment's primary_need, else
 *                        the referral's primary_need (v2)
 *   ReferralNFA          the referral step's outcome "nfa"
 *   CINclosureDate       the closure step's closed_on (v2), else the case's closed_at
 *   ReasonForClosure     the case's closure_reason
 *   Assessment dates     started_on (v2) / the step's start; authorised_at
 *   Section 47           started_on (v2) / the step's start; the ICPC's held_on;
 *                        ICPCnotRequired when the enquiry ended other than "icpc"
 *   CP plan              starts at the ICPC (outcome cp_plan) held_on; initial
 *                        category and previous plans from that ICPC (v3) or the
 *                        cp_plan step (v1, v2), latest from review_conference;
 *                        ends at a review with outcome cin_plan/close, or closure
 *   CIN plan             start_date (v2) / completion; ends at a cin_review whose
 *                        outcome is not "continue" (held_on, v2), at the next CP
 *                        plan's start, or at closure
 *
 * Ownership: everything in a cin_return lives in the arena given to cin_load.
 * Thread-safety: a cin_return is read-only once loaded.
 */
#ifndef CASEWORK_RETURNS_CIN_H
#define CASEWORK_RETURNS_CIN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/ctx.h"

/* A date as a day number (clock_days_from_civil); CIN_NO_DATE when absent. */
#define CIN_NO_DATE INT64_MIN

/* Codes of one census item allowed in a collection year. */
struct cin_codes {
    const char **codes;
    int n;
};

/* A collection year's settings (config/returns/cin-YEAR.json). */
struct cin_year {
    char name[8];       /* "2025-26" */
    int64_t start, end; /* 1 April .. 31 March (the reference date) */
    int reference_year; /* 2026: the header's <Year> */
    char lea[4];        /* the council's 3-digit DfE code, for the header */
    struct cin_codes referral_source, primary_need, closure_reason, assessment_factors,
        category_of_abuse, ethnicity, disability, upn_unknown, sex;
};

struct cin_assessment {
    int64_t step_id;
    int64_t start, authorised; /* authorised: CIN_NO_DATE while not yet authorised */
    const char **factors;
    int nfactors;
};

struct cin_s47 {
    int64_t step_id, icpc_step_id; /* icpc_step_id 0: no conference recorded */
    int64_t start, icpc_target, icpc_date;
    bool icpc_not_required;
};

struct cin_plan {
    int64_t step_id;
    int64_t start, end;
};

struct cin_cpp {
    int64_t step_id; /* the ICPC that started it */
    int64_t start, end;
    const char *initial_category, *latest_category; /* NULL when not recorded */
    int previous;                                   /* -1 when not recorded */
    int64_t *reviews;
    int nreviews;
};

struct cin_episode {
    int64_t case_id, referral_step_id, closure_step_id; /* closure_step_id 0: none */
    int64_t referral, closure, icpc;                    /* icpc: <DateOfInitialCPC> in CINdetails */
    const char *source, *primary_need, *closure_reason; /* NULL when not recorded */
    const char *upn_unknown; /* the referral's answer (v2, v3), NULL when not given */
    bool nfa;
    struct cin_assessment *assessments;
    int nassessments;
    struct cin_s47 *s47s;
    int ns47s;
    struct cin_plan *plans;
    int nplans;
    struct cin_cpp *cpps;
    int ncpps;
};

struct cin_child {
    int64_t person_id; /* also the <LAchildID> */
    int64_t dob, expected_dob, dod;
    const char *upn, *upn_unknown, *sex, *ethnicity; /* NULL when not recorded */
    const char **disabilities;
    int ndisabilities;
    struct cin_episode *episodes;
    int nepisodes;
};

struct cin_return {
    const struct cin_year *year;
    const struct calendar *calendar; /* working days for <InitialCPCtarget> */
    struct cin_child *children;      /* by person id */
    int nchildren;
    int nepisodes;
};

/* Read config_dir/returns/cin-NAME.json ("2025-26") into *out, strings in
 * arena. False with e set (ERR_NOT_FOUND for a year with no file). */
bool cin_year_load(const char *config_dir, const char *name, struct cin_year *out,
                   struct arena *arena, struct err *e);

/* The collection years with settings in config_dir/returns, newest first:
 * up to max names ("2025-26") into names[i][8]. Returns how many. */
int cin_years(const char *config_dir, char names[][8], int max);

/* Whether code is one of the year's codes for an item. */
bool cin_codes_has(const struct cin_codes *c, const char *code);

/* Read the census for year from the database into *out (in x->arena).
 * Requires PERM_RETURNS and writes one audit row ("returns.cin", with the
 * counts). False with e set. */
bool cin_load(struct ctx *x, const struct cin_year *year, struct cin_return *out, struct err *e);

/* Count of the year's assessments, section 47 enquiries, CIN plans and CP plans. */
struct cin_counts {
    int children, episodes, assessments, s47s, plans, cpps;
};
void cin_count(const struct cin_return *r, struct cin_counts *out);

/* A day number as YYYY-MM-DD into out[11]; "" for CIN_NO_DATE. */
void cin_format_date(int64_t day, char out[11]);

#endif
