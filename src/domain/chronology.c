/*
 * A person's chronology: one function per source emits events into a
 * collector, which keeps those in the date range; then all are sorted
 * together, newest first. To add a source: an enum chron_type value in the
 * header, a function here, and a row in `sources`.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "domain/chronology.h"
#include "domain/people_internal.h"
#include "domain/workflow_def.h"
#include "domain/need_to_know.h"

static const char SQL_PERSON[] =
    "SELECT p.forenames, p.surname, COALESCE(p.dob, ''), p.dob_estimated, COALESCE(p.dod, ''),"
    " p.created_at, COALESCE(u.display_name, '') FROM people p"
    " LEFT JOIN users u ON u.id = p.created_by WHERE p.id = :id";
static const char SQL_NAMES[] =
    "SELECT n.id, n.kind, n.forenames, n.surname, COALESCE(n.from_date, ''),"
    " COALESCE(n.to_date, ''), n.created_at, COALESCE(u.display_name, '')"
    " FROM person_names n LEFT JOIN users u ON u.id = n.created_by"
    " WHERE n.person_id = :id ORDER BY n.id";
static const char SQL_ADDRESSES[] =
    "SELECT a.id, a.line1, COALESCE(a.line2, ''), COALESCE(a.town, ''), COALESCE(a.postcode, ''),"
    " COALESCE(a.from_date, ''), a.created_at, COALESCE(u.display_name, '')"
    " FROM addresses a LEFT JOIN users u ON u.id = a.created_by"
    " WHERE a.person_id = :id ORDER BY a.id";
/* Both directions: rows stating the person's side, and rows where the person
 * is the related one (their side is the type's inverse). */
static const char SQL_RELATIONSHIPS[] =
    "SELECT r.id, CASE WHEN r.person_id = :id THEN 1 ELSE 0 END, r.type, "
    "COALESCE(r.professional_name, ''),"
    " COALESCE(r.professional_org, ''), COALESCE(r.from_date, ''), COALESCE(r.to_date, ''),"
    " r.created_at, COALESCE(u.display_name, ''), COALESCE(o.id, 0), COALESCE(o.forenames, ''),"
    " COALESCE(o.surname, ''), COALESCE(o.restricted, 0)"
    " FROM relationships r"
    " LEFT JOIN people o ON o.id = CASE WHEN r.person_id = :id THEN r.related_id"
    "   ELSE r.person_id END"
    " LEFT JOIN users u ON u.id = r.created_by"
    " WHERE r.person_id = :id OR r.related_id = :id ORDER BY r.id";
/* Notes are the bulk of a chronology: the range is applied here too, and only
 * the newest CHRONOLOGY_MAX_EVENTS are read. */
static const char SQL_NOTES[] =
    "SELECT n.id, n.type, n.occurred_on, n.body, n.created_at, COALESCE(u.display_name, '')"
    " FROM notes n LEFT JOIN users u ON u.id = n.author_id"
    " WHERE n.person_id = :id AND n.occurred_on >= :from AND n.occurred_on <= :to"
    " ORDER BY n.occurred_on DESC, n.created_at DESC, n.id DESC LIMIT :limit";

/* Contacts about the person, and every step of their cases. */
static const char SQL_CONTACTS[] =
    "SELECT c.id, c.received_at, c.referrer_name, c.source, c.concern, COALESCE(u.display_name, '')"
    " FROM contact_people cp JOIN contacts c ON c.id = cp.contact_id"
    " LEFT JOIN users u ON u.id = c.created_by WHERE cp.person_id = :id ORDER BY c.id";
static const char SQL_STEPS[] =
    "SELECT s.id, s.step, s.started_at, COALESCE(s.completed_at, 0), COALESCE(s.outcome, ''),"
    " COALESCE(s.closure_reason, ''), k.pathway, k.version, COALESCE(u.display_name, ''),"
    " COALESCE(v.display_name, ''), s.status"
    " FROM case_steps s JOIN cases k ON k.id = s.case_id"
    " LEFT JOIN users u ON u.id = s.completed_by LEFT JOIN users v ON v.id = s.updated_by"
    " WHERE k.person_id = :id ORDER BY s.id";

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

/* --- pure helpers ---------------------------------------------------------- */

static const char *const type_names[CHRON_TYPE_COUNT] = {"person",       "name", "address",
                                                         "relationship", "note", "case"};
static const char *const type_labels[CHRON_TYPE_COUNT] = {
    "Birth, death and record", "Names",      "Addresses",
    "Relationships",           "Case notes", "Contacts and case steps"};

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
                               "relationship, note or case, separated by commas",
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

static const char *dup(struct collector *c, const char *s)
{
    char *d = arena_strdup(c->x->arena, s ? s : "");
    if (!d)
        c->failed = true;
    return d ? d : "";
}

/* The London date of an instant, for events that have no date of their own. */
static const char *day_of(struct collector *c, int64_t instant)
{
    struct buf b = BUF_INIT;
    clock_format_date(&b, clock_london_day(instant));
    const char *d = dup(c, b.data);
    buf_release(&b);
    return d;
}

/* Keep an event if it falls in the range. Its strings must be arena copies. */
static bool emit(struct collector *c, struct chron_event ev, struct err *e)
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

static const char *printed(struct collector *c, struct buf *b)
{
    const char *s = dup(c, b->data);
    buf_reset(b);
    return s;
}

/* --- sources --------------------------------------------------------------- */

static bool source_person(struct collector *c, struct err *e)
{
    struct chron_event ev = {CHRON_PERSON,     day_of(c, c->created_at),
                             c->created_at,    c->person_id,
                             "Record created", "",
                             c->created_by,    0};
    if (!emit(c, ev, e))
        return false;
    if (*c->dob) {
        ev.date = c->dob;
        ev.title = c->dob_estimated ? "Born (date estimated)" : "Born";
        ev.by = "";
        if (!emit(c, ev, e))
            return false;
    }
    if (*c->dod) {
        ev.date = c->dod;
        ev.title = "Died";
        ev.by = "";
        if (!emit(c, ev, e))
            return false;
    }
    return true;
}

/* A previous name was the current one until the change (its to_date); what
 * it changed to is the next previous name recorded, or the name the record
 * holds now. So the rows are read first, then paired. */
struct name_row {
    int64_t id, at;
    bool previous;
    const char *name, *date, *by;
};

static bool source_names(struct collector *c, struct err *e)
{
    struct store_stmt *st = store_prepare(c->x->conn, SQL_NAMES, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", c->person_id);
    struct name_row *rows = NULL;
    size_t n = 0, cap = 0;
    struct buf b = BUF_INIT;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct name_row *bigger = arena_alloc(c->x->arena, ncap * sizeof *bigger);
            if (!bigger) {
                buf_release(&b);
                return err_set(e, ERR_NOMEM, "", "out of memory");
            }
            if (n)
                memcpy(bigger, rows, n * sizeof *rows);
            rows = bigger;
            cap = ncap;
        }
        struct name_row *row = &rows[n++];
        row->id = store_col_int64(st, 0);
        row->previous = !strcmp(store_col_text(st, 1), "previous");
        buf_printf(&b, "%s %s", store_col_text(st, 2), store_col_text(st, 3));
        row->name = printed(c, &b);
        const char *date = store_col_text(st, row->previous ? 5 : 4);
        row->at = store_col_int64(st, 6);
        row->date = *date ? dup(c, date) : day_of(c, row->at);
        row->by = dup(c, store_col_text(st, 7));
    }
    if (r == STORE_ERROR) {
        buf_release(&b);
        return false;
    }
    buf_printf(&b, "%s %s", c->forenames, c->surname);
    const char *current = printed(c, &b);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        if (rows[i].previous) {
            const char *became = current;
            for (size_t j = i + 1; j < n; j++)
                if (rows[j].previous) {
                    became = rows[j].name;
                    break;
                }
            buf_printf(&b, "Name changed from %s to %s", rows[i].name, became);
        } else {
            buf_printf(&b, "Also known as %s", rows[i].name);
        }
        struct chron_event ev = {CHRON_NAME,     rows[i].date, rows[i].at, rows[i].id,
                                 printed(c, &b), "",           rows[i].by, 0};
        ok = emit(c, ev, e);
    }
    buf_release(&b);
    return ok;
}

static bool source_addresses(struct collector *c, struct err *e)
{
    struct store_stmt *st = store_prepare(c->x->conn, SQL_ADDRESSES, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", c->person_id);
    struct buf b = BUF_INIT;
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(st, e)) == STORE_ROW) {
        const char *from = store_col_text(st, 5);
        int64_t at = store_col_int64(st, 6);
        buf_puts(&b, *from ? "Moved to " : "Address recorded: ");
        buf_puts(&b, store_col_text(st, 1));
        for (int col = 2; col <= 4; col++)
            if (*store_col_text(st, col))
                buf_printf(&b, ", %s", store_col_text(st, col));
        struct chron_event ev = {CHRON_ADDRESS,
                                 *from ? dup(c, from) : day_of(c, at),
                                 at,
                                 store_col_int64(st, 0),
                                 printed(c, &b),
                                 "",
                                 dup(c, store_col_text(st, 7)),
                                 0};
        ok = emit(c, ev, e);
    }
    buf_release(&b);
    return ok && r != STORE_ERROR;
}

/* "mother" -> "mother"; read from this person's side, a row where they are
 * the related one uses the type's inverse (relationship_inverse.txt). */
static const char *relationship_label(struct collector *c, const char *type, bool own_side)
{
    const struct codelist_set *codes = c->x->codes;
    if (!own_side) {
        const char *inverse =
            codes ? codelist_label(codelist_get(codes, "relationship_inverse"), type) : NULL;
        type = inverse ? inverse : type;
    }
    const char *label = codes ? codelist_label(codelist_get(codes, "relationship"), type) : NULL;
    return label ? label : type;
}

static bool source_relationships(struct collector *c, struct err *e)
{
    struct store_stmt *st = store_prepare(c->x->conn, SQL_RELATIONSHIPS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", c->person_id);
    struct buf who = BUF_INIT, b = BUF_INIT;
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(st, e)) == STORE_ROW) {
        bool own_side = store_col_int64(st, 1) != 0;
        const char *label = relationship_label(c, store_col_text(st, 2), own_side);
        const char *prof = store_col_text(st, 3), *org = store_col_text(st, 4);
        const char *from = store_col_text(st, 5), *to = store_col_text(st, 6);
        int64_t at = store_col_int64(st, 7), other = store_col_int64(st, 9);
        struct err hidden = ERR_INIT;
        bool visible = other && people_visible(c->x, other, store_col_int64(st, 12) != 0, &hidden);
        if (other && !visible && hidden.code != ERR_NOT_FOUND) {
            *e = hidden;
            ok = false;
            break;
        }
        buf_reset(&who);
        if (*prof)
            buf_printf(&who, *org ? "%s (%s)" : "%s%s", prof, org);
        else if (visible)
            buf_printf(&who, "%s %s", store_col_text(st, 10), store_col_text(st, 11));
        else
            buf_puts(&who, "a person whose record is restricted");
        /* A professional is the person's worker, school, GP...: "<who> became
         * their social worker". A person: "Became mother of <who>". */
        if (*prof)
            buf_printf(&b, "%s became their %s", who.data, label);
        else
            buf_printf(&b, "Became %s of %s", label, who.data);
        struct chron_event ev = {CHRON_RELATIONSHIP,
                                 *from ? dup(c, from) : day_of(c, at),
                                 at,
                                 store_col_int64(st, 0),
                                 printed(c, &b),
                                 "",
                                 dup(c, store_col_text(st, 8)),
                                 visible ? other : 0};
        ok = emit(c, ev, e);
        if (ok && *to) {
            if (*prof)
                buf_printf(&b, "%s stopped being their %s", who.data, label);
            else
                buf_printf(&b, "Stopped being %s of %s", label, who.data);
            ev.date = dup(c, to);
            ev.title = printed(c, &b);
            ok = emit(c, ev, e);
        }
    }
    buf_release(&who);
    buf_release(&b);
    return ok && r != STORE_ERROR;
}

static bool source_notes(struct collector *c, struct err *e)
{
    struct store_stmt *st = store_prepare(c->x->conn, SQL_NOTES, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", c->person_id);
    store_bind_text(st, ":from", c->f->from && *c->f->from ? c->f->from : "0000-01-01");
    store_bind_text(st, ":to", c->f->to && *c->f->to ? c->f->to : "9999-12-31");
    store_bind_int64(st, ":limit", CHRONOLOGY_MAX_EVENTS + 1);
    const struct codelist *types = c->x->codes ? codelist_get(c->x->codes, "note_type") : NULL;
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(st, e)) == STORE_ROW) {
        const char *type = store_col_text(st, 1);
        const char *label = types ? codelist_label(types, type) : NULL;
        struct chron_event ev = {CHRON_NOTE,
                                 dup(c, store_col_text(st, 2)),
                                 store_col_int64(st, 4),
                                 store_col_int64(st, 0),
                                 dup(c, label ? label : type),
                                 dup(c, store_col_text(st, 3)),
                                 dup(c, store_col_text(st, 5)),
                                 0};
        ok = emit(c, ev, e);
    }
    return ok && r != STORE_ERROR;
}

/* A case event from a row laid out as (record id, instant, ..., ..., link,
 * recorded-by): the text built in b. Contacts and allocations share it. */
static bool emit_case_row(struct collector *c, struct store_stmt *st, struct buf *b, struct err *e)
{
    int64_t at = store_col_int64(st, 1);
    struct chron_event ev = {CHRON_CASE,
                             day_of(c, at),
                             at,
                             store_col_int64(st, 0),
                             printed(c, b),
                             dup(c, store_col_text(st, 4)),
                             dup(c, store_col_text(st, 5)),
                             0};
    return emit(c, ev, e);
}

static bool source_contacts(struct collector *c, struct err *e)
{
    struct store_stmt *st = store_prepare(c->x->conn, SQL_CONTACTS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", c->person_id);
    const struct codelist *sources =
        c->x->codes ? codelist_get(c->x->codes, "referral_source") : NULL;
    struct buf b = BUF_INIT;
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(st, e)) == STORE_ROW) {
        const char *source = store_col_text(st, 3);
        const char *label = sources ? codelist_label(sources, source) : NULL;
        buf_printf(&b, "Contact received from %s (%s)", store_col_text(st, 2),
                   label ? label : source);
        ok = emit_case_row(c, st, &b, e);
    }
    buf_release(&b);
    return ok && r != STORE_ERROR;
}

/* A step's title and an outcome's label from the definition the case is on
 * (the loaded file of that version); the ids when it is not loaded. */
static void step_words(struct collector *c, const char *pathway, int version, const char *step,
                       const char *outcome, const char **title, const char **outcome_label)
{
    const struct workflow_def *d =
        c->x->workflows ? workflow_set_get(c->x->workflows, pathway, version) : NULL;
    const struct workflow_step *s = d ? workflow_def_step(d, step) : NULL;
    const struct workflow_outcome *o = s && *outcome ? workflow_step_outcome(s, outcome) : NULL;
    *title = s ? s->title : step;
    *outcome_label = o ? o->label : outcome;
}

static bool source_steps(struct collector *c, struct err *e)
{
    struct store_stmt *st = store_prepare(c->x->conn, SQL_STEPS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", c->person_id);
    struct buf b = BUF_INIT;
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(st, e)) == STORE_ROW) {
        const char *title, *outcome;
        step_words(c, store_col_text(st, 6), (int)store_col_int64(st, 7), store_col_text(st, 1),
                   store_col_text(st, 4), &title, &outcome);
        int64_t id = store_col_int64(st, 0), started = store_col_int64(st, 2),
                completed = store_col_int64(st, 3);
        buf_printf(&b, "%s started", title);
        struct chron_event ev = {
            CHRON_CASE, day_of(c, started), started, id, printed(c, &b), "", "", 0};
        ok = emit(c, ev, e);
        if (ok && completed) {
            const char *reason = store_col_text(st, 5);
            buf_printf(&b, "%s: %s", title, outcome);
            ev.date = day_of(c, completed);
            ev.recorded_at = completed;
            ev.title = printed(c, &b);
            if (*reason)
                buf_printf(&b, "Closure reason: %s", reason);
            ev.text = printed(c, &b);
            ev.by = dup(c, store_col_text(st, 8));
            ok = emit(c, ev, e);
        } else if (ok && !strcmp(store_col_text(st, 10), "cancelled")) {
            buf_printf(&b, "%s ended: the case closed", title);
            ev.title = printed(c, &b);
            ok = emit(c, ev, e);
        }
    }
    buf_release(&b);
    return ok && r != STORE_ERROR;
}

static const char SQL_ALLOCATIONS[] =
    "SELECT a.id, a.from_at, COALESCE(u.display_name, ''), COALESCE(t.name, ''), a.reason,"
    " COALESCE(b.display_name, '') FROM allocations a JOIN cases k ON k.id = a.case_id"
    " LEFT JOIN users u ON u.id = a.user_id LEFT JOIN teams t ON t.id = a.team_id"
    " LEFT JOIN users b ON b.id = a.by_user WHERE k.person_id = :id ORDER BY a.id";

static bool source_allocations(struct collector *c, struct err *e)
{
    struct store_stmt *st = store_prepare(c->x->conn, SQL_ALLOCATIONS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", c->person_id);
    struct buf b = BUF_INIT;
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(st, e)) == STORE_ROW) {
        const char *user = store_col_text(st, 2), *team = store_col_text(st, 3);
        buf_printf(&b, "Allocated to %s%s%s", user, *user && *team ? ", " : "", team);
        ok = emit_case_row(c, st, &b, e);
    }
    buf_release(&b);
    return ok && r != STORE_ERROR;
}

static bool source_cases(struct collector *c, struct err *e)
{
    return source_contacts(c, e) && source_steps(c, e) && source_allocations(c, e);
}

static bool (*const sources[CHRON_TYPE_COUNT])(struct collector *, struct err *) = {
    [CHRON_PERSON] = source_person,     [CHRON_NAME] = source_names,
    [CHRON_ADDRESS] = source_addresses, [CHRON_RELATIONSHIP] = source_relationships,
    [CHRON_NOTE] = source_notes,        [CHRON_CASE] = source_cases,
};

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
    c->forenames = dup(c, store_col_text(st, 0));
    c->surname = dup(c, store_col_text(st, 1));
    c->dob = dup(c, store_col_text(st, 2));
    c->dob_estimated = store_col_int64(st, 3) != 0;
    c->dod = dup(c, store_col_text(st, 4));
    c->created_at = store_col_int64(st, 5);
    c->created_by = dup(c, store_col_text(st, 6));
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s %s", c->forenames, c->surname);
    c->out->person_name = printed(c, &b);
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
        if (!sources[t](&c, e))
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
