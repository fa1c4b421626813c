/*
 * codelist: code lists kept as data (the .txt files in config/codes), so a new collection
 * year's codes are an edit to a text file, not to C. A set holds every list in
 * a directory, each named after its file without ".txt" ("ethnicity" from
 * ethnicity.txt). A file has one entry per line, "CODE<TAB>Label" (one or more
 * tabs between), with blank lines and '#' comments; each file opens with a
 * comment naming its source. Codes are 1-32 characters from A-Z a-z 0-9 and
 * "-_./+", unique within their list and compared exactly (case matters);
 * labels are non-empty UTF-8 without control characters.
 *
 * Ownership: codelist_load_dir returns a set the caller owns and frees with
 * codelist_free_set; lists, codes and labels returned by the other functions
 * live as long as the set. Thread-safety: a set is read-only once loaded, so
 * any number of threads may query it at the same time.
 */
#ifndef CASEWORK_CORE_CODELIST_H
#define CASEWORK_CORE_CODELIST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct codelist_set;
struct codelist;

/* Load every *.txt file in dir. Returns NULL and fills e on failure: ERR_IO if
 * the directory or a file cannot be read, ERR_INVALID naming the file and line
 * for a malformed line or a duplicate code, ERR_NOMEM. */
struct codelist_set *codelist_load_dir(const char *dir, struct err *e);

/* Release a set and everything in it. NULL is allowed. */
void codelist_free_set(struct codelist_set *s);

/* The list called name (file name without ".txt"), or NULL if there is none. */
const struct codelist *codelist_get(const struct codelist_set *s, const char *name);

/* Number of lists in the set, and the i-th in name order (NULL if i is out of range). */
size_t codelist_set_count(const struct codelist_set *s);
const struct codelist *codelist_set_at(const struct codelist_set *s, size_t i);

/* The list's name, as given to codelist_get. */
const char *codelist_name(const struct codelist *l);

/* True if code is in the list. False for a NULL list or code. */
bool codelist_has(const struct codelist *l, const char *code);

/* The label for code, or NULL if code is not in the list. */
const char *codelist_label(const struct codelist *l, const char *code);

/* Number of entries (0 for a NULL list). */
size_t codelist_count(const struct codelist *l);

/* The i-th entry in file order, for building forms; sets both to NULL if i is
 * out of range. Either output pointer may be NULL. */
void codelist_entry(const struct codelist *l, size_t i, const char **code, const char **label);

#endif
