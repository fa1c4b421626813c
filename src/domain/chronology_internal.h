/*
 * chronology_internal: what chronology.c (the collector, filters, sorting,
 * chronology_get) shares with chronology_sources.c (one function per kind of
 * record). Not for use outside src/domain/chronology*.c.
 */
#ifndef CASEWORK_DOMAIN_CHRONOLOGY_INTERNAL_H
#define CASEWORK_DOMAIN_CHRONOLOGY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/chronology.h"

/* What the sources share while a chronology is built. */
struct collector {
    struct ctx *x;
    int64_t person_id;
    const struct chron_filter *f;
    struct chronology *out;
    size_t cap;
    bool failed; /* out of memory */
    /* the person row, read once */
    const char *forenames, *surname, *dob, *dod, *created_by;
    bool dob_estimated;
    int64_t created_at;
};

/* An arena copy of s ("" for NULL); on failure "" and c->failed is set. */
const char *chron_dup(struct collector *c, const char *s);
/* The London date ("YYYY-MM-DD") of an instant, as an arena copy. */
const char *chron_day_of(struct collector *c, int64_t instant);
/* Keep an event if it falls in the range. Its strings must be arena copies. */
bool chron_emit(struct collector *c, struct chron_event ev, struct err *e);
/* An arena copy of b's text; b is reset for the next one. */
const char *chron_printed(struct collector *c, struct buf *b);

/* One source per chron_type: reads its records and emits their events. */
typedef bool (*chron_source_fn)(struct collector *c, struct err *e);
extern const chron_source_fn chron_sources[CHRON_TYPE_COUNT];

#endif
