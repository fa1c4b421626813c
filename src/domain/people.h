/*
 * people: the person record — names (with history), dates of life,
 * identifiers (NHS number, UPN) with check-digit validation, coded
 * characteristics from config/codes, addresses (with history), phone numbers
 * and email addresses, and the restricted flag.
 *
 * Every entry point checks access first: PERM_PEOPLE_VIEW to read,
 * PERM_PEOPLE_EDIT to change, and for a restricted record an explicit grant
 * (person_grants) as well. Every read of a record writes a person.view audit
 * row; every change writes its row in the same transaction.
 *
 * Results are allocated from ctx->arena (request lifetime). Thread-safety: as
 * the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_PEOPLE_H
#define CASEWORK_DOMAIN_PEOPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

enum { PEOPLE_MAX_DISABILITIES = 16, PEOPLE_MAX_CANDIDATES = 20 };

struct person_name {
    int64_t id;
    const char *kind; /* "previous" or "alternative" */
    const char *forenames, *surname, *from_date, *to_date;
};

struct address {
    int64_t id;
    const char *line1, *line2, *town, *postcode, *uprn, *from_date, *to_date;
};

struct contact_method {
    int64_t id;
    const char *kind; /* "phone" or "email" */
    const char *label, *value;
    bool preferred;
};

struct person {
    int64_t id;
    int64_t merged_into; /* non-zero: this record was merged into that one */
    const char *legacy_id;
    const char *forenames, *surname, *preferred_name;
    const char *dob, *expected_dob, *dod; /* "YYYY-MM-DD" or "" */
    bool dob_estimated;
    const char *nhs_number, *upn, *upn_unknown;
    const char *sex, *gender, *ethnicity, *language, *religion, *immigration_status;
    bool restricted;
    int64_t created_at, updated_at;
    size_t ndisabilities;
    const char *disabilities[PEOPLE_MAX_DISABILITIES];
    struct person_name *names;
    size_t nnames;
    struct address *addresses; /* newest first; the current one has no to_date */
    size_t naddresses;
    struct contact_method *contacts;
    size_t ncontacts;
};

/* What a person types. On update, NULL leaves a field as it is and "" clears it
 * (names cannot be cleared). */
struct person_input {
    const char *forenames, *surname, *preferred_name;
    const char *dob, *expected_dob, *dod;
    const char *dob_estimated; /* "1"/"0", "true"/"false" */
    const char *nhs_number, *upn, *upn_unknown, *legacy_id;
    const char *sex, *gender, *ethnicity, *language, *religion, *immigration_status;
    const char *restricted;
    bool set_disabilities;
    size_t ndisabilities;
    const char *disabilities[PEOPLE_MAX_DISABILITIES];
    /* optional first address on create */
    const char *address_line1, *address_line2, *address_town, *address_postcode, *address_uprn;
};

struct address_input {
    const char *line1, *line2, *town, *postcode, *uprn, *from_date;
};

struct person_candidate {
    int64_t id;
    int score; /* 0..100 */
    const char *reasons;
    const char *forenames, *surname, *dob, *nhs_number, *postcode, *sex;
};

/* Likely existing records for what someone is about to create, best first
 * (score >= 50). *n receives how many (at most PEOPLE_MAX_CANDIDATES). */
bool people_find_matches(struct ctx *x, const struct person_input *in, struct person_candidate *out,
                         size_t *n, struct err *e);

/* Check details by the rules people_create applies (fields, dates, identifiers,
 * codes, address), writing nothing: for bulk loaders that write records
 * themselves. False with e naming the field and the rule. */
bool people_check(struct ctx *x, const struct person_input *in, struct err *e);

/* Create a person. If likely matches exist and confirm_new is false, fails with
 * ERR_CONFLICT (message says to check the matches); with confirm_new the
 * creation is audited as confirmed against those candidates. */
bool people_create(struct ctx *x, const struct person_input *in, bool confirm_new, int64_t *id_out,
                   struct err *e);
/* Load a person (audited as person.view). A merged-away id yields the record it
 * was merged into, with merged_into set to that id. */
bool people_get(struct ctx *x, int64_t id, struct person *out, struct err *e);
/* A record's name and date of birth ("" if none), as a search result shows
 * them, for pickers (the contact form's chosen people): PERM_PEOPLE_VIEW and
 * people_may_see (restricted, merged), not need-to-know, which guards the
 * record itself. Audited as person.label. */
bool people_label(struct ctx *x, int64_t id, const char **forenames, const char **surname,
                  const char **dob, struct err *e);
/* Change fields; a changed name keeps the old one as a previous name. */
bool people_update(struct ctx *x, int64_t id, const struct person_input *in, struct err *e);
/* Add an address; the current one ends the day before from_date (or today). */
bool people_add_address(struct ctx *x, int64_t id, const struct address_input *in, struct err *e);
/* Add an alternative name (alias, name used by a community). */
bool people_add_name(struct ctx *x, int64_t id, const char *forenames, const char *surname,
                     const char *from_date, struct err *e);
/* Add a phone number or email address (kind "phone" or "email"). */
bool people_add_contact(struct ctx *x, int64_t id, const char *kind, const char *label,
                        const char *value, bool preferred, struct err *e);
/* Let user_id see a restricted record (administrators only); reason required. */
bool people_grant(struct ctx *x, int64_t id, int64_t user_id, const char *reason, struct err *e);

/* One search box: name (typos, phonetic, order), date of birth (also partial),
 * NHS number, UPN, postcode or local id (#123). Ranked best first; restricted
 * records without a grant are left out. Audited as person.search. */
bool people_search(struct ctx *x, const char *query, struct person_candidate *out, size_t max,
                   size_t *n, struct err *e);

/* May the acting user see this record at all (restricted check), to change it?
 * ERR_NOT_FOUND for a restricted record without a grant, so its existence is
 * not revealed; ERR_CONFLICT for a merged-away record (change the survivor). */
bool people_may_see(struct ctx *x, int64_t id, struct err *e);

#endif
