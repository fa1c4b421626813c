/*
 * notes: case notes about a person. A note has a type (config/codes/
 * note_type.txt), the date of the event it records, its author and its text
 * (1..20000 characters of UTF-8). Notes are never deleted. Their author may
 * correct the current version in place for note_edit_minutes after saving it
 * (a typo spotted at once is not a new version); after that an edit adds a
 * new version, shown as such, and every version stays readable.
 *
 * Access: PERM_PEOPLE_VIEW to read, PERM_PEOPLE_EDIT to write, and the person
 * must be visible to the user (a restricted record needs a grant; without one
 * its notes do not exist as far as the user can tell). Only the author edits a
 * note (ERR_DENIED for anyone else). Every read writes an audit row
 * (person.notes-view, note.search with the query) and every write its own row
 * (note.create, note.edit) in the same transaction as the change.
 *
 * Full-text search uses the notes_fts index, kept in step here in the same
 * transaction as each change to a note's text (see notes.c).
 *
 * Results are allocated from ctx->arena (request lifetime). Thread-safety: as
 * the ctx's connection. The pure helpers at the end are thread-safe.
 */
#ifndef CASEWORK_DOMAIN_NOTES_H
#define CASEWORK_DOMAIN_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

enum {
    NOTES_MAX_TEXT = 20000,     /* characters (code points) */
    NOTES_MAX_QUERY = 200,      /* bytes of a search */
    NOTES_MAX_RESULTS = 100,    /* search results returned */
    NOTES_DEFAULT_EDIT_MIN = 60 /* when no settings are given */
};

/* Search snippets mark the matched words with these bytes (never in a note's
 * text, which may not hold control characters other than tab and newline). */
#define NOTES_MARK_START '\x01'
#define NOTES_MARK_END '\x02'

struct note_version {
    int64_t version;
    const char *type, *occurred_on, *text;
    int64_t saved_by;
    const char *saved_by_name;
    int64_t created_at, updated_at; /* first saved; last corrected in place */
    int64_t corrections;            /* times corrected in place (0: as first saved) */
};

struct note {
    int64_t id, person_id;
    const char *person_name;               /* "Forenames Surname" */
    const char *type, *occurred_on, *text; /* the current version */
    int64_t version;                       /* current version number, from 1 */
    int64_t author_id;
    const char *author_name;
    int64_t created_at, updated_at;
    int64_t version_saved_at;      /* when the current version was first saved */
    int64_t editable_until;        /* from then on an edit adds a version (<= saved_at: always) */
    struct note_version *versions; /* newest first; only filled by notes_get */
    size_t nversions;
};

/* What a person types. On edit, NULL keeps the current value. */
struct note_input {
    const char *type, *occurred_on, *text;
};

/* The notes of one person, newest event first. */
struct note_list {
    int64_t person_id;
    const char *person_name; /* "Forenames Surname" */
    struct note *notes;
    size_t n;
};

struct note_hit {
    int64_t note_id, person_id;
    const char *person_name, *type, *occurred_on;
    const char *snippet; /* text around the matches, marked with NOTES_MARK_* */
};

/* Add a note to a person; *id_out receives its id. Fails with e naming the
 * field (type, occurred_on, text) and the rule. */
bool notes_create(struct ctx *x, int64_t person_id, const struct note_input *in, int64_t *id_out,
                  struct err *e);
/* Change a note (author only). Inside the edit window the current version is
 * corrected in place; after it a new version is added. *new_version (may be
 * NULL) is set to whether a version was added. Nothing changed: nothing is
 * written and true is returned. person_id, when not 0, is the person the note
 * must be about (ERR_NOT_FOUND otherwise: a page addresses notes under their
 * person). */
bool notes_edit(struct ctx *x, int64_t person_id, int64_t note_id, const struct note_input *in,
                bool *new_version, struct err *e);
/* One note with all its versions (audited as person.notes-view); person_id as
 * for notes_edit. */
bool notes_get(struct ctx *x, int64_t person_id, int64_t note_id, struct note *out, struct err *e);
/* A person's notes, current versions only (audited as person.notes-view). */
bool notes_list(struct ctx *x, int64_t person_id, struct note_list *out, struct err *e);
/* Full-text search over the current text of notes about people the user may
 * see, best match first, at most max (<= NOTES_MAX_RESULTS). Audited as
 * note.search with the query. */
bool notes_search(struct ctx *x, const char *query, struct note_hit *out, size_t max, size_t *n,
                  struct err *e);

/* --- pure rules (unit-tested) -------------------------------------------- */

/* May a version saved at saved_at still be corrected in place at now, with a
 * window of window_minutes? (0: never; a clock that went back: yes.) */
bool notes_in_edit_window(int64_t saved_at, int64_t now, long window_minutes);
/* Check a note's text: present (not only spaces), at most NOTES_MAX_TEXT
 * characters, valid UTF-8, no control characters but tab, CR and newline.
 * ERR_INVALID naming field "text". */
bool notes_text_ok(const char *text, struct err *e);
/* Turn what someone typed into a search into an FTS5 query that cannot be a
 * syntax error: every word becomes a quoted phrase (all must match); a word
 * ending in '*' matches as a prefix. Appends to out; false (ERR_INVALID,
 * field "q") when there is no word to search for. */
bool notes_fts_query(const char *typed, struct buf *out, struct err *e);

#endif
