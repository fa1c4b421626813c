/*
 * Case notes: validation, writing (with the edit window and versions) and
 * reading. Search and the full-text index are in notes_search.c.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "core/utf8.h"
#include "domain/notes_internal.h"
#include "domain/people.h"
#include "domain/need_to_know.h"

/* The columns fill_note reads, in order. */
#define NOTE_COLUMNS                                                                               \
    "SELECT n.id, n.person_id, n.type, n.occurred_on, n.body, n.version, n.author_id,"             \
    " COALESCE(u.display_name, ''), n.created_at, n.updated_at, v.created_at,"                     \
    " p.forenames || ' ' || p.surname"                                                             \
    " FROM notes n JOIN note_versions v ON v.note_id = n.id AND v.version = n.version"             \
    " JOIN people p ON p.id = n.person_id LEFT JOIN users u ON u.id = n.author_id"

static const char SQL_NOTE[] = NOTE_COLUMNS " WHERE n.id = :id";
static const char SQL_PERSON_NOTES[] =
    NOTE_COLUMNS " WHERE n.person_id = :person_id"
                 " ORDER BY n.occurred_on DESC, n.created_at DESC, n.id DESC";
static const char SQL_VERSIONS[] =
    "SELECT v.version, v.type, v.occurred_on, v.body, v.saved_by, COALESCE(u.display_name, ''),"
    " v.created_at, v.updated_at, v.corrections FROM note_versions v LEFT JOIN users u ON u.id = "
    "v.saved_by"
    " WHERE v.note_id = :id ORDER BY v.version DESC";
static const char SQL_PERSON_NAME[] = "SELECT forenames, surname FROM people WHERE id = :id";
static const char SQL_INSERT_NOTE[] =
    "INSERT INTO notes (person_id, type, occurred_on, body, version, author_id, created_at,"
    " updated_at) VALUES (:person_id, :type, :occurred_on, :body, 1, :by, :now, :now)"
    " RETURNING id";
static const char SQL_INSERT_VERSION[] =
    "INSERT INTO note_versions (note_id, version, type, occurred_on, body, saved_by, created_at,"
    " updated_at) VALUES (:id, :version, :type, :occurred_on, :body, :by, :now, :now)";
static const char SQL_CORRECT_VERSION[] =
    "UPDATE note_versions SET type = :type, occurred_on = :occurred_on, body = :body,"
    " updated_at = :now, corrections = corrections + 1 WHERE note_id = :id AND version = :version";
static const char SQL_UPDATE_NOTE[] =
    "UPDATE notes SET type = :type, occurred_on = :occurred_on, body = :body,"
    " version = :version, updated_at = :now WHERE id = :id";

/* --- pure rules ------------------------------------------------------------ */

bool notes_in_edit_window(int64_t saved_at, int64_t now, long window_minutes)
{
    if (window_minutes <= 0)
        return false;
    return now - saved_at < (int64_t)window_minutes * 60;
}

bool notes_text_ok(const char *text, struct err *e)
{
    bool blank = true;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            blank = false;
        if ((*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n') || *p == 0x7f)
            return err_set(e, ERR_INVALID, "text",
                           "The note must not contain control characters (other than tabs and "
                           "new lines)");
    }
    if (blank)
        return err_set(e, ERR_INVALID, "text", "Enter the note");
    if (!utf8_valid(text, strlen(text)))
        return err_set(e, ERR_INVALID, "text", "The note must be valid UTF-8 text");
    if (utf8_length(text) > NOTES_MAX_TEXT)
        return err_set(e, ERR_INVALID, "text", "The note must be %d characters or fewer",
                       NOTES_MAX_TEXT);
    return true;
}

/* --- validation ------------------------------------------------------------ */

static long edit_window(const struct ctx *x)
{
    return x->cfg ? x->cfg->note_edit_minutes : NOTES_DEFAULT_EDIT_MIN;
}

/* Browsers send CRLF from a textarea; notes keep plain newlines so an edit
 * that changes nothing compares equal. */
static const char *plain_newlines(struct ctx *x, const char *text)
{
    if (!text || !strchr(text, '\r'))
        return text;
    char *out = arena_strdup(x->arena, text);
    if (!out)
        return NULL;
    char *w = out;
    for (const char *p = text; *p; p++)
        if (!(p[0] == '\r' && p[1] == '\n'))
            *w++ = *p;
    *w = '\0';
    return out;
}

/* Check the fields given (all are required when creating). */
static bool validate(struct ctx *x, struct note_input *in, bool creating, struct err *e)
{
    if (creating || in->type) {
        const struct codelist *l = x->codes ? codelist_get(x->codes, "note_type") : NULL;
        if (!l)
            return err_set(e, ERR_INTERNAL, "type", "The code list note_type is not loaded");
        if (!in->type || !*in->type)
            return err_set(e, ERR_INVALID, "type", "Choose the type of note");
        /* Echoed only when short: cutting it could split a UTF-8 sequence. */
        if (!codelist_has(l, in->type))
            return err_set(e, ERR_INVALID, "type",
                           "The type '%s' is not a code in the note_type list "
                           "(config/codes/note_type.txt)",
                           strlen(in->type) <= 40 ? in->type : "(too long)");
    }
    if (creating || in->occurred_on) {
        int64_t day;
        struct err pe = ERR_INIT;
        if (!in->occurred_on || !*in->occurred_on)
            return err_set(e, ERR_INVALID, "occurred_on", "Enter the date of the event");
        if (!clock_parse_date(in->occurred_on, &day, &pe))
            return err_set(e, ERR_INVALID, "occurred_on",
                           "The date of the event must be a real date in the form YYYY-MM-DD");
        if (day > clock_london_day(x->now))
            return err_set(e, ERR_INVALID, "occurred_on",
                           "The date of the event must be today or in the past");
        if (day < clock_days_from_civil(1900, 1, 1))
            return err_set(e, ERR_INVALID, "occurred_on",
                           "The date of the event must be in 1900 or later");
    }
    if (creating || in->text) {
        const char *plain = plain_newlines(x, in->text);
        if (in->text && !plain)
            return err_set(e, ERR_NOMEM, "text", "out of memory");
        in->text = plain;
        if (!notes_text_ok(in->text, e))
            return false;
    }
    return true;
}

/* --- reading rows ---------------------------------------------------------- */

static const char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

static void fill_note(struct ctx *x, struct store_stmt *st, struct note *n)
{
    memset(n, 0, sizeof *n);
    n->id = store_col_int64(st, 0);
    n->person_id = store_col_int64(st, 1);
    n->type = dup(x, st, 2);
    n->occurred_on = dup(x, st, 3);
    n->text = dup(x, st, 4);
    n->version = store_col_int64(st, 5);
    n->author_id = store_col_int64(st, 6);
    n->author_name = dup(x, st, 7);
    n->created_at = store_col_int64(st, 8);
    n->updated_at = store_col_int64(st, 9);
    n->version_saved_at = store_col_int64(st, 10);
    n->person_name = dup(x, st, 11);
    long window = edit_window(x);
    n->editable_until = n->version_saved_at + (window > 0 ? (int64_t)window * 60 : 0);
}

/* Room for one more element in an arena array (doubling). */
static bool grow(struct ctx *x, void **items, size_t *cap, size_t n, size_t size, struct err *e)
{
    if (n < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *bigger = arena_alloc(x->arena, ncap * size);
    if (!bigger)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    if (n)
        memcpy(bigger, *items, n * size);
    *items = bigger;
    *cap = ncap;
    return true;
}

static bool load_note(struct ctx *x, int64_t person_id, int64_t id, struct note *out, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_NOTE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE || (person_id && store_col_int64(st, 1) != person_id))
        return err_set(e, ERR_NOT_FOUND, "", "There is no case note %lld", (long long)id);
    fill_note(x, st, out);
    return true;
}

static bool load_versions(struct ctx *x, struct note *n, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_VERSIONS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", n->id);
    size_t cap = 0;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (!grow(x, (void **)&n->versions, &cap, n->nversions, sizeof *n->versions, e))
            return false;
        struct note_version *v = &n->versions[n->nversions++];
        v->version = store_col_int64(st, 0);
        v->type = dup(x, st, 1);
        v->occurred_on = dup(x, st, 2);
        v->text = dup(x, st, 3);
        v->saved_by = store_col_int64(st, 4);
        v->saved_by_name = dup(x, st, 5);
        v->created_at = store_col_int64(st, 6);
        v->updated_at = store_col_int64(st, 7);
        v->corrections = store_col_int64(st, 8);
    }
    return r == STORE_DONE;
}

/* --- writing --------------------------------------------------------------- */

static bool insert_version(struct ctx *x, int64_t id, int64_t version, const struct note_input *in,
                           struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT_VERSION, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":version", version);
    store_bind_text(st, ":type", in->type);
    store_bind_text(st, ":occurred_on", in->occurred_on);
    store_bind_text(st, ":body", in->text);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_int64(st, ":now", x->now);
    return store_exec(st, e);
}

bool notes_create(struct ctx *x, int64_t person_id, const struct note_input *given, int64_t *id_out,
                  struct err *e)
{
    struct note_input in = *given;
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) ||
        !ntk_require(x, person_id, ACTION_EDIT, e) || !validate(x, &in, true, e))
        return false;
    bool ok = false;
    char detail[64];
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT_NOTE, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":person_id", person_id);
    store_bind_text(st, ":type", in.type);
    store_bind_text(st, ":occurred_on", in.occurred_on);
    store_bind_text(st, ":body", in.text);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_int64(st, ":now", x->now);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t id = store_col_int64(st, 0);
    if (!store_exec(st, e))
        goto done;
    snprintf(detail, sizeof detail, "note %lld created (%s)", (long long)id, in.type);
    if (!insert_version(x, id, 1, &in, e) || !notes_index_add(x, id, in.text, e) ||
        !ctx_audit(x, "note.create", "person", person_id, NULL, detail, e) ||
        !store_commit(x->conn, e))
        goto done;
    if (id_out)
        *id_out = id;
    ok = true;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool notes_edit(struct ctx *x, int64_t person_id, int64_t note_id, const struct note_input *given,
                bool *new_version, struct err *e)
{
    struct note_input in = *given;
    struct note cur = {0};
    bool ok = false, added = false;
    char detail[96];
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) || !store_begin(x->conn, true, e))
        return false;
    /* Existence and visibility before authorship, so a restricted record's
     * notes are "not found", not "someone else's". */
    if (!load_note(x, person_id, note_id, &cur, e) ||
        !ntk_require(x, cur.person_id, ACTION_EDIT, e))
        goto done;
    if (cur.author_id != x->who->user_id) {
        err_set(e, ERR_DENIED, "", "Only the author of a case note (%s) can change it",
                cur.author_name);
        goto done;
    }
    if (!validate(x, &in, false, e))
        goto done;
    if (!in.type)
        in.type = cur.type;
    if (!in.occurred_on)
        in.occurred_on = cur.occurred_on;
    if (!in.text)
        in.text = cur.text;
    if (!strcmp(in.type, cur.type) && !strcmp(in.occurred_on, cur.occurred_on) &&
        !strcmp(in.text, cur.text)) {
        ok = true; /* nothing changed: no version, nothing to audit */
        goto done;
    }
    /* The window runs from when the current version was first saved: a quick
     * correction of what was just written is not a new version; a later
     * change of the record is, so the earlier text stays visible. */
    added = !notes_in_edit_window(cur.version_saved_at, x->now, edit_window(x));
    int64_t version = cur.version + (added ? 1 : 0);
    struct store_stmt *st;
    if (added) {
        if (!insert_version(x, note_id, version, &in, e))
            goto done;
    } else {
        st = store_prepare(x->conn, SQL_CORRECT_VERSION, e);
        if (!st)
            goto done;
        store_bind_text(st, ":type", in.type);
        store_bind_text(st, ":occurred_on", in.occurred_on);
        store_bind_text(st, ":body", in.text);
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":id", note_id);
        store_bind_int64(st, ":version", version);
        if (!store_exec(st, e))
            goto done;
    }
    /* The index entry must be removed while notes.body still holds the old text. */
    if (!notes_index_remove(x, note_id, e))
        goto done;
    st = store_prepare(x->conn, SQL_UPDATE_NOTE, e);
    if (!st)
        goto done;
    store_bind_text(st, ":type", in.type);
    store_bind_text(st, ":occurred_on", in.occurred_on);
    store_bind_text(st, ":body", in.text);
    store_bind_int64(st, ":version", version);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":id", note_id);
    snprintf(detail, sizeof detail, "note %lld version %lld %s", (long long)note_id,
             (long long)version, added ? "added" : "corrected in place");
    ok = store_exec(st, e) && notes_index_add(x, note_id, in.text, e) &&
         ctx_audit(x, "note.edit", "person", cur.person_id, NULL, detail, e) &&
         store_commit(x->conn, e);
done:
    store_rollback(x->conn); /* no-op after a commit */
    if (ok && new_version)
        *new_version = added;
    return ok;
}

/* --- reading --------------------------------------------------------------- */

bool notes_get(struct ctx *x, int64_t person_id, int64_t note_id, struct note *out, struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_VIEW, e))
        return false;
    bool ok = false;
    char detail[48];
    if (!store_begin(x->conn, true, e))
        goto done;
    if (!load_note(x, person_id, note_id, out, e) ||
        !ntk_require(x, out->person_id, ACTION_VIEW, e) || !load_versions(x, out, e))
        goto done;
    snprintf(detail, sizeof detail, "note %lld", (long long)note_id);
    ok = ctx_audit(x, "person.notes-view", "person", out->person_id, NULL, detail, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool notes_list(struct ctx *x, int64_t person_id, struct note_list *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->person_id = person_id;
    if (!access_require(x->who, PERM_PEOPLE_VIEW, e))
        return false;
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    if (!ntk_require(x, person_id, ACTION_VIEW, e))
        goto done;
    struct store_stmt *st = ctx_row(x, SQL_PERSON_NAME, person_id, "person record", e);
    if (!st)
        goto done;
    struct buf name = BUF_INIT;
    buf_printf(&name, "%s %s", store_col_text(st, 0), store_col_text(st, 1));
    out->person_name = arena_strdup(x->arena, name.data);
    buf_release(&name);
    st = store_prepare(x->conn, SQL_PERSON_NOTES, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":person_id", person_id);
    size_t cap = 0;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (!grow(x, (void **)&out->notes, &cap, out->n, sizeof *out->notes, e))
            goto done;
        fill_note(x, st, &out->notes[out->n++]);
    }
    if (r == STORE_ERROR)
        goto done;
    ok = ctx_audit(x, "person.notes-view", "person", person_id, NULL, "list", e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}
