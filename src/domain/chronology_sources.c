/*
 * The chronology's sources: one function per kind of record reads its table
 * (one prepared statement each) and emits events into the collector
 * (chronology.c), which keeps those in the date range.
 */
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "domain/chronology_internal.h"
#include "domain/people_internal.h"
#include "domain/workflow_def.h"
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
/* --- sources --------------------------------------------------------------- */

static bool source_person(struct collector *c, struct err *e)
{
    struct chron_event ev = {CHRON_PERSON,     chron_day_of(c, c->created_at),
                             c->created_at,    c->person_id,
                             "Record created", "",
                             c->created_by,    0};
    if (!chron_emit(c, ev, e))
        return false;
    if (*c->dob) {
        ev.date = c->dob;
        ev.title = c->dob_estimated ? "Born (date estimated)" : "Born";
        ev.by = "";
        if (!chron_emit(c, ev, e))
            return false;
    }
    if (*c->dod) {
        ev.date = c->dod;
        ev.title = "Died";
        ev.by = "";
        if (!chron_emit(c, ev, e))
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
        row->name = chron_printed(c, &b);
        const char *date = store_col_text(st, row->previous ? 5 : 4);
        row->at = store_col_int64(st, 6);
        row->date = *date ? chron_dup(c, date) : chron_day_of(c, row->at);
        row->by = chron_dup(c, store_col_text(st, 7));
    }
    if (r == STORE_ERROR) {
        buf_release(&b);
        return false;
    }
    buf_printf(&b, "%s %s", c->forenames, c->surname);
    const char *current = chron_printed(c, &b);
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
        struct chron_event ev = {CHRON_NAME,           rows[i].date, rows[i].at, rows[i].id,
                                 chron_printed(c, &b), "",           rows[i].by, 0};
        ok = chron_emit(c, ev, e);
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
                                 *from ? chron_dup(c, from) : chron_day_of(c, at),
                                 at,
                                 store_col_int64(st, 0),
                                 chron_printed(c, &b),
                                 "",
                                 chron_dup(c, store_col_text(st, 7)),
                                 0};
        ok = chron_emit(c, ev, e);
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
                                 *from ? chron_dup(c, from) : chron_day_of(c, at),
                                 at,
                                 store_col_int64(st, 0),
                                 chron_printed(c, &b),
                                 "",
                                 chron_dup(c, store_col_text(st, 8)),
                                 visible ? other : 0};
        ok = chron_emit(c, ev, e);
        if (ok && *to) {
            if (*prof)
                buf_printf(&b, "%s stopped being their %s", who.data, label);
            else
                buf_printf(&b, "Stopped being %s of %s", label, who.data);
            ev.date = chron_dup(c, to);
            ev.title = chron_printed(c, &b);
            ok = chron_emit(c, ev, e);
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
                                 chron_dup(c, store_col_text(st, 2)),
                                 store_col_int64(st, 4),
                                 store_col_int64(st, 0),
                                 chron_dup(c, label ? label : type),
                                 chron_dup(c, store_col_text(st, 3)),
                                 chron_dup(c, store_col_text(st, 5)),
                                 0};
        ok = chron_emit(c, ev, e);
    }
    return ok && r != STORE_ERROR;
}

/* A case event from a row laid out as (record id, instant, ..., ..., link,
 * recorded-by): the text built in b. Contacts and allocations share it. */
static bool emit_case_row(struct collector *c, struct store_stmt *st, struct buf *b, struct err *e)
{
    int64_t at = store_col_int64(st, 1);
    struct chron_event ev = {CHRON_CASE,
                             chron_day_of(c, at),
                             at,
                             store_col_int64(st, 0),
                             chron_printed(c, b),
                             chron_dup(c, store_col_text(st, 4)),
                             chron_dup(c, store_col_text(st, 5)),
                             0};
    return chron_emit(c, ev, e);
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
            CHRON_CASE, chron_day_of(c, started), started, id, chron_printed(c, &b), "", "", 0};
        ok = chron_emit(c, ev, e);
        if (ok && completed) {
            const char *reason = store_col_text(st, 5);
            buf_printf(&b, "%s: %s", title, outcome);
            ev.date = chron_day_of(c, completed);
            ev.recorded_at = completed;
            ev.title = chron_printed(c, &b);
            if (*reason)
                buf_printf(&b, "Closure reason: %s", reason);
            ev.text = chron_printed(c, &b);
            ev.by = chron_dup(c, store_col_text(st, 8));
            ok = chron_emit(c, ev, e);
        } else if (ok && !strcmp(store_col_text(st, 10), "cancelled")) {
            buf_printf(&b, "%s ended: the case closed", title);
            ev.title = chron_printed(c, &b);
            ok = chron_emit(c, ev, e);
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

/* Rectification notes, each with what it needs to say which item it is about
 * (joined by the item's kind, so one statement reads them all). */
static const char SQL_RECTIFICATIONS[] =
    "SELECT r.id, r.item_type, r.text, r.created_at, COALESCE(u.display_name, ''),"
    " COALESCE(n.occurred_on, ''), COALESCE(pn.forenames || ' ' || pn.surname, ''),"
    " COALESCE(a.line1, ''), COALESCE(ct.received_at, 0), COALESCE(s.step, ''),"
    " COALESCE(k.pathway, ''), COALESCE(k.version, 0)"
    " FROM rectifications r LEFT JOIN users u ON u.id = r.created_by"
    " LEFT JOIN notes n ON r.item_type = 'note' AND n.id = r.item_id"
    " LEFT JOIN person_names pn ON r.item_type = 'name' AND pn.id = r.item_id"
    " LEFT JOIN addresses a ON r.item_type = 'address' AND a.id = r.item_id"
    " LEFT JOIN contacts ct ON r.item_type = 'contact' AND ct.id = r.item_id"
    " LEFT JOIN case_steps s ON r.item_type = 'step' AND s.id = r.item_id"
    " LEFT JOIN cases k ON k.id = s.case_id"
    " WHERE r.person_id = :id ORDER BY r.id";

/* "... on the record", "... on the address 12 High Street", "... on a case
 * note of 3 March 2025": which item a rectification note is about, in words. */
static void rectified_item(struct collector *c, struct store_stmt *st, struct buf *b)
{
    const char *type = store_col_text(st, 1);
    buf_puts(b, "Rectification note on ");
    if (!strcmp(type, "person")) {
        buf_puts(b, "the record");
    } else if (!strcmp(type, "name")) {
        const char *name = store_col_text(st, 6);
        buf_printf(b, *name ? "the name %s" : "a name%s", name);
    } else if (!strcmp(type, "address")) {
        const char *line1 = store_col_text(st, 7);
        buf_printf(b, *line1 ? "the address %s" : "an address%s", line1);
    } else if (!strcmp(type, "contact_detail")) {
        buf_puts(b, "a contact detail");
    } else if (!strcmp(type, "relationship")) {
        buf_puts(b, "a relationship");
    } else if (!strcmp(type, "note")) {
        int64_t day;
        struct err pe = ERR_INIT;
        buf_puts(b, "a case note");
        if (clock_parse_date(store_col_text(st, 5), &day, &pe)) {
            buf_puts(b, " of ");
            clock_format_london_date(b, day);
        }
    } else if (!strcmp(type, "case")) {
        buf_puts(b, "a case");
    } else if (!strcmp(type, "step")) {
        const char *title, *outcome;
        step_words(c, store_col_text(st, 10), (int)store_col_int64(st, 11), store_col_text(st, 9),
                   "", &title, &outcome);
        buf_printf(b, *title ? "the case step %s" : "a case step%s", title);
    } else if (!strcmp(type, "contact")) {
        int64_t received = store_col_int64(st, 8);
        buf_puts(b, "a contact");
        if (received) {
            buf_puts(b, " received on ");
            clock_format_london_date(b, clock_london_day(received));
        }
    } else {
        buf_printf(b, "a %s", type);
    }
}

/* Dated the day each note was added: it says something about an item, it
 * does not change when the item happened. */
static bool source_rectifications(struct collector *c, struct err *e)
{
    struct store_stmt *st = store_prepare(c->x->conn, SQL_RECTIFICATIONS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", c->person_id);
    struct buf b = BUF_INIT;
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(st, e)) == STORE_ROW) {
        int64_t at = store_col_int64(st, 3);
        rectified_item(c, st, &b);
        struct chron_event ev = {CHRON_RECTIFICATION,
                                 chron_day_of(c, at),
                                 at,
                                 store_col_int64(st, 0),
                                 chron_printed(c, &b),
                                 chron_dup(c, store_col_text(st, 2)),
                                 chron_dup(c, store_col_text(st, 4)),
                                 0};
        ok = chron_emit(c, ev, e);
    }
    buf_release(&b);
    return ok && r != STORE_ERROR;
}

const chron_source_fn chron_sources[CHRON_TYPE_COUNT] = {
    [CHRON_PERSON] = source_person,
    [CHRON_NAME] = source_names,
    [CHRON_ADDRESS] = source_addresses,
    [CHRON_RELATIONSHIP] = source_relationships,
    [CHRON_NOTE] = source_notes,
    [CHRON_CASE] = source_cases,
    [CHRON_RECTIFICATION] = source_rectifications,
};
