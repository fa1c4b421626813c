/*
 * Private to the notes module (notes.c, notes_search.c): upkeep of the
 * full-text index, which lives in notes_search.c with the rest of the
 * backend-specific search SQL.
 */
#ifndef CASEWORK_DOMAIN_NOTES_INTERNAL_H
#define CASEWORK_DOMAIN_NOTES_INTERNAL_H

#include "domain/notes.h"

/* Index a note's current text (after inserting or updating notes.body), in
 * the caller's write transaction. */
bool notes_index_add(struct ctx *x, int64_t note_id, const char *text, struct err *e);
/* Take a note's current text out of the index (before notes.body changes), in
 * the caller's write transaction. */
bool notes_index_remove(struct ctx *x, int64_t note_id, struct err *e);

#endif
