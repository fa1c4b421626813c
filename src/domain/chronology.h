/*
 * chronology: one dated timeline of everything recorded about a person,
 * newest first — case notes, name changes, address changes, relationships
 * begun and ended, the record itself (birth, death, record created), and
 * casework: contacts received, workflow steps started and completed with
 * their outcomes (the case's closure among them) and allocations; and the
 * rectification notes added on any of the record's items (dated the day each
 * was added).
 *
 * Each kind of record is a source: one function in chronology_sources.c that reads
 * its table and emits struct chron_event values; the events of all chosen
 * sources are filtered by date range and sorted together. A later record type
 * (contacts, workflow steps, decisions, documents) adds an enum value here and
 * one function and one row in chronology_sources.c's source table.
 *
 * Access as for the person record: PERM_PEOPLE_VIEW, and a grant for a
 * restricted record; a related person whose record the user may not see is
 * shown without name or link. Every view writes a person.chronology-view
 * audit row naming the filters.
 *
 * Results are allocated from ctx->arena (request lifetime). Thread-safety: as
 * the ctx's connection; the pure helpers are thread-safe.
 */
#ifndef CASEWORK_DOMAIN_CHRONOLOGY_H
#define CASEWORK_DOMAIN_CHRONOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

enum { CHRONOLOGY_MAX_EVENTS = 2000 };

/* Kinds of event, one per source. Names are what ?types= takes. */
enum chron_type {
    CHRON_PERSON,       /* "person": born, died, record created */
    CHRON_NAME,         /* "name": a name changed, another name added */
    CHRON_ADDRESS,      /* "address": moved to (or recorded) an address */
    CHRON_RELATIONSHIP, /* "relationship": became / stopped being related to someone */
    CHRON_NOTE,         /* "note": a case note, dated by the event it records */
    CHRON_CASE, /* "case": contacts received, workflow steps and their outcomes, allocations */
    CHRON_RECTIFICATION, /* "rectification": a rectification note added on an item */
    CHRON_TYPE_COUNT
};

struct chron_event {
    enum chron_type type;
    const char *date;          /* "YYYY-MM-DD": when it happened (London civil date) */
    int64_t recorded_at;       /* instant it was recorded; orders events of one date */
    int64_t source_id;         /* id of the row in its source's table (a note's id) */
    const char *title;         /* one line: "Home visit", "Became mother of Amy Lee" */
    const char *text;          /* more: a note's text; "" when none */
    const char *by;            /* who recorded it; "" when not known */
    int64_t related_person_id; /* a person the event links to (visible only), else 0 */
};

struct chron_filter {
    unsigned types;        /* bit (1u << chron_type) per type shown; 0 = all */
    const char *from, *to; /* "YYYY-MM-DD" inclusive bounds; NULL or "" = open */
    bool for_print;        /* said in the audit row: a printed copy leaves the system */
};

struct chronology {
    int64_t person_id;
    const char *person_name;
    struct chron_event *events; /* newest first */
    size_t n;
    bool truncated; /* more than CHRONOLOGY_MAX_EVENTS matched: the newest are shown */
};

/* A person's chronology under a filter (checked as chronology_check_filter).
 * Audited as person.chronology-view. */
bool chronology_get(struct ctx *x, int64_t person_id, const struct chron_filter *f,
                    struct chronology *out, struct err *e);

/* --- pure helpers (unit-tested) ------------------------------------------ */

/* "note", "name", ... and "Case notes", "Names", ...; NULL out of range. */
const char *chronology_type_name(enum chron_type t);
const char *chronology_type_label(enum chron_type t);
/* Parse n comma-separated lists of type names (?types=a,b&types=c) into a
 * mask (nothing named: 0, meaning all). ERR_INVALID, field "types", for an
 * unknown name. */
bool chronology_parse_types(const char *const *lists, size_t n, unsigned *mask, struct err *e);
/* Check from/to: real dates "YYYY-MM-DD", from not after to. ERR_INVALID
 * naming "from" or "to". */
bool chronology_check_filter(const struct chron_filter *f, struct err *e);
/* Is date within [from, to] (either bound NULL or "" = open)? */
bool chronology_in_range(const char *date, const char *from, const char *to);
/* Order events newest first: by date, then when recorded, then source kind
 * (a record's creation after what was recorded with it), then source id. */
void chronology_sort(struct chron_event *events, size_t n);

#endif
