/*
 * relationships: typed, dated relationships between people, and the
 * professionals involved with a person. One row states a relationship from one
 * side ("A is mother of B"); the other side ("B is child of A") is derived from
 * the type's inverse in config/codes/relationship_inverse.txt, so the two can
 * never disagree. Ending a relationship sets its to_date; rows are never
 * deleted.
 *
 * Access: PERM_PEOPLE_VIEW to read (the person must be visible; a related
 * restricted record without a grant is shown without its name), PERM_PEOPLE_EDIT
 * to change. Reads are audited as person.network-view; changes in their own
 * transaction with relationship.add / relationship.end on both people.
 * Results live in ctx->arena. Thread-safety: as the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_RELATIONSHIPS_H
#define CASEWORK_DOMAIN_RELATIONSHIPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

struct relationship {
    int64_t id;
    int64_t other_id;        /* the other person; 0 for a professional */
    const char *type;        /* this person's side: "child" when "other is mother of this" */
    const char *label;       /* label of type: "this person is the <label> of other" */
    const char *other_label; /* the other side: "other is the <other_label> of this person" */
    const char *other_name;  /* "Forename Surname", the professional's name, or
                                "Restricted record" */
    const char *other_dob;   /* "" when unknown or hidden */
    const char *professional_org;
    const char *from_date, *to_date; /* "" when not recorded / still current */
    bool professional;
    bool hidden; /* the other person is restricted and the user has no grant */
};

struct relationship_input {
    const char *type;   /* relationship.txt code, "person is <type> of other" */
    int64_t related_id; /* another person, or 0 for a professional */
    const char *professional_name, *professional_org;
    const char *from_date;
};

/* State "person_id is <type> of related" (or a professional involvement). */
bool rel_add(struct ctx *x, int64_t person_id, const struct relationship_input *in, int64_t *id_out,
             struct err *e);
/* End a relationship on to_date ("" or NULL: today). */
bool rel_end(struct ctx *x, int64_t rel_id, const char *to_date, struct err *e);
/* Everyone related to person_id, seen from their side: current ones first, then
 * ended ones by end date; audited as person.network-view. */
bool rel_list(struct ctx *x, int64_t person_id, struct relationship **out, size_t *n,
              struct err *e);
/* The label for a relationship type code, or the code itself if unknown. */
const char *rel_label(struct ctx *x, const char *type);

#endif
