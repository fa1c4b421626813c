/*
 * A person's chronology: the sources (chronology_sources.c) emit events into
 * a collector, which keeps those in the date range; then all are sorted
 * together, newest first. To add a source: an enum chron_type value in the
 * header, a function in chronology_sources.c and a row in its table.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "domain/chronology.h"
#include "domain/chronology_internal.h"
#include "domain/need_to_know.h"

static const char SQL_PERSON[] =
    "SELECT p.forenames, p.surname, COALESCE(p.dob, ''), p.dob_estimated, COALESCE(p.dod, ''),"
    " p.created_at, COALESCE(u.display_name, '') FROM people p"
    " LEFT JOIN users u ON u.id = p.created_by WHERE p.id = :id";

/* --- pure helpers ---------------------------------------------------------- */

static const char *const type_names[CHRON_TYPE_COUNT] = {
    "person", "name", "address", "relationship", "note", "case", "rectification"};
static const char *const type_labels[CHRON_TYPE_COUNT] = {
    "Birth, death and record", "Names",      "Addresses",
    "Relationships",           "Case notes", "Contacts and case steps",
    "Rectification notes"};

const char *chronology_type_name(enum chron_type t)
{
    return (unsigned)t < CHRON_TYPE_COUNT ? type_names[t] : NULL;
}

const char *chronology_type_label(enum chron_type t)
{
    return (unsigned)t < CHRON_TYPE_COUNT ? type_labels[t] : NULL;
}

bool chronology_parse_types(const char *const *lists, size_t n, unsigned *mask, struct err *e)
{
    *mask = 0;
    for (size_t i = 0; i < n; i++) {
        for (const char *p = lists[i] ? lists[i] : ""; *p;) {
            const char *end = strchr(p, ',');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            bool known = len == 0; /* "a,,b" and a trailing comma are harmless */
            for (unsigned t = 0; t < CHRON_TYPE_COUNT && !known; t++)
                if (strlen(type_names[t]) == len && !strncmp(p, type_names[t], len)) {
                    *mask |= 1u << t;
                    known = true;
                }
            /* Echoed only when short: cutting it could split a UTF-8 sequence. */
            if (!known)
                return err_set(e, ERR_INVALID, "types",
                               "'%.*s' is not a chronology type: use person, name, address, "
                               "relationship, note, case or rectification, separated by commas",
                               len <= 30 ? (int)len : 10, len <= 30 ? p : "(too long)");
            p += len + (end ? 1 : 0);
        }
    }
    return true;
}

static bool bound_ok(const char *field, const char *label, const char *v, struct err *e)
{
    int64_t day;
    struct err pe = ERR_INIT;
    if (v && *v && !clock_parse_date(v, &day, &pe))
        return err_set(e, ERR_INVALID, field,
                       "The %s date must be a real date in the form "
                       "YYYY-MM-DD",
                       label);
    return true;
}

bool chronology_check_filter(const struct chron_filter *f, struct err *e)
{
    if (!bound_ok("from", "from", f->from, e) || !bound_ok("to", "to", f->to, e))
        return false;
    /* Valid YYYY-MM-DD dates order as strings do. */
    if (f->from && *f->from && f->to && *f->to && strcmp(f->from, f->to) > 0)
        return err_set(e, ERR_INVALID, "to",
                       "The to date must be the same as or after the from "
                       "date");
    return true;
}

bool chronology_in_range(const char *date, const char *from, const char *to)
{
    if (from && *from && strcmp(date, from) < 0)
        return false;
    return !(to && *to && strcmp(date, to) > 0);
}

static int newest_first(const void *a, const void *b)
{
    const struct chron_event *x = a, *y = b;
    int c = strcmp(y->date, x->date);
    if (c)
        return c;
    if (x->recorded_at != y->recorded_at)
        return x->recorded_at < y->recorded_at ? 1 : -1;
    if (x->type != y->type)
        return x->type < y->type ? 1 : -1;
    return x->source_id < y->source_id ? 1 : x->source_id > y->source_id ? -1 : 0;
}

void chronology_sort(struct chron_event *events, size_t n)
{
    if (n > 1)
        qsort(events, n, sizeof *events, newest_first);
}

/* --- collecting ------------------------------------------------------------ */

const char *chron_dup(struct collector *c, const char *s)
{
    char *d = arena_strdup(c->x->arena, s ? s : "");
    if (!d)
        c->failed = true;
    return d ? d : "";
}

/* The London date of an instant, for events that have no date of their own. */
const char *chron_day_of(struct collector *c, int64_t instant)
{
    struct buf b = BUF_INIT;
    clock_format_date(&b, clock_london_day(instant));
    const char *d = chron_dup(c, b.data);
    buf_release(&b);
    return d;
}

/* Keep an event if it falls in the range. Its strings must be arena copies. */
bool chron_emit(struct collector *c, struct chron_event ev, struct err *e)
{
    if (c->failed)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    if (!chronology_in_range(ev.date, c->f->from, c->f->to))
        return true;
    struct chronology *o = c->out;
    if (o->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 64;
        struct chron_event *bigger = arena_alloc(c->x->arena, ncap * sizeof *bigger);
        if (!bigger)
            return err_set(e, ERR_NOMEM, "", "out of memory");
        if (o->n)
            memcpy(bigger, o->events, o->n * sizeof *bigger);
        o->events = bigger;
        c->cap = ncap;
    }
    o->events[o->n++] = ev;
    return true;
}

const char *chron_printed(struct collector *c, struct buf *b)
{
    const char *s = chron_dup(c, b->data);
    buf_reset(b);
    return s;
}

/* --- the whole ------------------------------------------------------------- */

static bool load_person(struct collector *c, struct err *e)
{
    struct store_stmt *st = store_prepare(c->x->conn, SQL_PERSON, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", c->person_id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW)
        return r == STORE_DONE ? err_set(e, ERR_NOT_FOUND, "", "There is no person record %lld",
                                         (long long)c->person_id)
                               : false;
    c->forenames = chron_dup(c, store_col_text(st, 0));
    c->surname = chron_dup(c, store_col_text(st, 1));
    c->dob = chron_dup(c, store_col_text(st, 2));
    c->dob_estimated = store_col_int64(st, 3) != 0;
    c->dod = chron_dup(c, store_col_text(st, 4));
    c->created_at = store_col_int64(st, 5);
    c->created_by = chron_dup(c, store_col_text(st, 6));
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s %s", c->forenames, c->surname);
    c->out->person_name = chron_printed(c, &b);
    buf_release(&b);
    return !c->failed || err_set(e, ERR_NOMEM, "", "out of memory");
}

bool chronology_get(struct ctx *x, int64_t person_id, const struct chron_filter *f,
                    struct chronology *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->person_id = person_id;
    if (!access_require(x->who, PERM_PEOPLE_VIEW, e) || !chronology_check_filter(f, e))
        return false;
    struct collector c = {.x = x, .person_id = person_id, .f = f, .out = out};
    struct buf detail = BUF_INIT;
    bool ok = false;
    /* Read in a read transaction; only the audit row takes the write lock. */
    if (!store_begin(x->conn, false, e) || !ntk_require(x, person_id, ACTION_VIEW, e) ||
        !load_person(&c, e))
        goto done;
    for (unsigned t = 0; t < CHRON_TYPE_COUNT; t++) {
        if (f->types && !(f->types & (1u << t)))
            continue;
        if (!chron_sources[t](&c, e))
            goto done;
        buf_printf(&detail, "%s%s", detail.len ? "," : "types=", type_names[t]);
    }
    chronology_sort(out->events, out->n);
    if (out->n > CHRONOLOGY_MAX_EVENTS) {
        out->n = CHRONOLOGY_MAX_EVENTS;
        out->truncated = true;
    }
    buf_printf(&detail, " from=%s to=%s%s", f->from && *f->from ? f->from : "-",
               f->to && *f->to ? f->to : "-", f->for_print ? " (for printing)" : "");
    store_rollback(x->conn); /* nothing was written: ends the read */
    ok = !buf_failed(&detail) && store_begin(x->conn, true, e) &&
         ctx_audit(x, "person.chronology-view", "person", person_id, NULL, detail.data, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&detail);
    return ok;
}
