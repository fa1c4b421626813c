/*
 * rectification: a note attached to any item of a person's record (the
 * record itself, a name, an address, a contact detail, a relationship, a case
 * note, a case, a step, a contact) saying what is wrong or missing, without
 * altering the item. The item must belong to the person. Adding needs
 * PERM_PEOPLE_EDIT and need-to-know edit access to the person; reading needs
 * view access. Adding is audited on the person.
 * Results are allocated from ctx->arena. Thread-safety: as the ctx's connection.
 */
#ifndef CASEWORK_DOMAIN_RECTIFICATION_H
#define CASEWORK_DOMAIN_RECTIFICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

enum { RECTIFICATION_TEXT_MAX = 4000, RECTIFICATION_MAX_LIST = 500 };

struct rectification {
    int64_t id, item_id, created_at;
    const char *item_type, *text, *created_by;
};

/* Attach text to item_type/item_id of person_id; *id (may be NULL) gets it. */
bool rect_add(struct ctx *x, int64_t person_id, const char *item_type, int64_t item_id,
              const char *text, int64_t *id, struct err *e);
/* A person's rectification notes, oldest first (the first RECTIFICATION_MAX_LIST). */
bool rect_list(struct ctx *x, int64_t person_id, struct rectification **out, size_t *n,
               struct err *e);

#endif
