/*
 * Full-text search of case notes, and upkeep of its index.
 *
 * This file holds the only backend-specific SQL of the notes module: the
 * SQLite FTS5 table notes_fts (migration 0004), its MATCH operator, rank
 * (bm25) and snippet(). The index is external-content over notes.body and is
 * kept in step here, called from notes.c inside the same transaction as every
 * change to a note's text (no triggers, which PostgreSQL would not share). A
 * PostgreSQL backend replaces this file's three statements with a tsvector
 * column on notes, to_tsquery and ts_headline; nothing else changes.
 */
#include <string.h>

#include "core/buf.h"
#include "domain/notes_internal.h"
#include "domain/people_internal.h"
#include "domain/need_to_know.h"

/* FTS5: add a row's tokens. */
static const char SQL_INDEX_ADD[] = "INSERT INTO notes_fts (rowid, body) VALUES (:id, :body)";
/* FTS5 'delete' command: an external-content index must be told the exact text
 * it indexed, which is notes.body until the caller updates it. */
static const char SQL_INDEX_REMOVE[] =
    "INSERT INTO notes_fts (notes_fts, rowid, body) SELECT 'delete', id, body FROM notes"
    " WHERE id = :id";
/* FTS5: MATCH, ranked best first by bm25; snippet() marks the matched words.
 * Scans past the results shown, so restricted records the user may not see
 * cannot push visible ones out of the list. */
static const char SQL_SEARCH[] =
    "SELECT n.id, n.person_id, p.forenames, p.surname, p.restricted, n.type, n.occurred_on,"
    " snippet(notes_fts, 0, :mark_start, :mark_end, '…', 24)"
    " FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid JOIN people p ON p.id = n.person_id"
    " WHERE notes_fts MATCH :query ORDER BY rank LIMIT 2000";

enum { MAX_WORDS = 16 };

bool notes_index_add(struct ctx *x, int64_t note_id, const char *text, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_INDEX_ADD, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", note_id);
    store_bind_text(st, ":body", text);
    return store_exec(st, e);
}

bool notes_index_remove(struct ctx *x, int64_t note_id, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_INDEX_REMOVE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", note_id);
    return store_exec(st, e);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool notes_fts_query(const char *typed, struct buf *out, struct err *e)
{
    int words = 0;
    const char *p = typed ? typed : "";
    while (*p && words < MAX_WORDS) {
        while (is_space(*p))
            p++;
        const char *start = p;
        while (*p && !is_space(*p))
            p++;
        size_t len = (size_t)(p - start);
        bool prefix = len > 1 && start[len - 1] == '*';
        if (prefix)
            len--;
        /* A word with no letter or digit would be an empty phrase: skip it.
         * Bytes >= 0x80 are letters of other scripts. */
        bool has_word_char = false;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)start[i];
            if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
                has_word_char = true;
        }
        if (!has_word_char)
            continue;
        /* Quoted, every operator character is literal; a quote is doubled. */
        if (words++)
            buf_putc(out, ' ');
        buf_putc(out, '"');
        for (size_t i = 0; i < len; i++) {
            if (start[i] == '"')
                buf_putc(out, '"');
            buf_putc(out, start[i]);
        }
        buf_puts(out, prefix ? "\"*" : "\"");
    }
    if (!words)
        return err_set(e, ERR_INVALID, "q", "Enter a word to search the case notes for");
    return !buf_failed(out) || err_set(e, ERR_NOMEM, "q", "out of memory");
}

bool notes_search(struct ctx *x, const char *query, struct note_hit *out, size_t max, size_t *n,
                  struct err *e)
{
    *n = 0;
    if (!access_require(x->who, PERM_PEOPLE_VIEW, e))
        return false;
    if (!query || !*query || strlen(query) > NOTES_MAX_QUERY)
        return err_set(e, ERR_INVALID, "q", "Enter the words to search for (up to %d characters)",
                       NOTES_MAX_QUERY);
    if (max > NOTES_MAX_RESULTS)
        max = NOTES_MAX_RESULTS;
    struct buf fts = BUF_INIT, name = BUF_INIT;
    bool ok = false;
    if (!notes_fts_query(query, &fts, e) || !store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_SEARCH, e);
    if (!st)
        goto done;
    char mark_start[2] = {NOTES_MARK_START, 0}, mark_end[2] = {NOTES_MARK_END, 0};
    store_bind_text(st, ":mark_start", mark_start);
    store_bind_text(st, ":mark_end", mark_end);
    store_bind_text(st, ":query", fts.data);
    enum store_step_result r = STORE_DONE;
    while (*n < max && (r = store_step(st, e)) == STORE_ROW) {
        int64_t person_id = store_col_int64(st, 1);
        struct err hidden = ERR_INIT;
        /* The people module's own rule decides who sees a restricted record. */
        if (!people_visible(x, person_id, store_col_int64(st, 4) != 0, &hidden)) {
            if (hidden.code != ERR_NOT_FOUND) {
                *e = hidden;
                goto done;
            }
            continue;
        }
        if (!ntk_allows(x, person_id, ACTION_VIEW)) /* need-to-know: no snippet without it */
            continue;
        buf_reset(&name);
        buf_printf(&name, "%s %s", store_col_text(st, 2), store_col_text(st, 3));
        const char *type = store_col_text(st, 5), *on = store_col_text(st, 6),
                   *snippet = store_col_text(st, 7);
        struct note_hit h = {store_col_int64(st, 0),
                             person_id,
                             arena_strdup(x->arena, name.data),
                             arena_strdup(x->arena, type ? type : ""),
                             arena_strdup(x->arena, on ? on : ""),
                             arena_strdup(x->arena, snippet ? snippet : "")};
        if (!h.person_name || !h.type || !h.occurred_on || !h.snippet) {
            err_set(e, ERR_NOMEM, "", "out of memory");
            goto done;
        }
        out[(*n)++] = h;
    }
    if (r == STORE_ERROR)
        goto done;
    /* Results show names and what was written about people: audited like a view. */
    ok = ctx_audit(x, "note.search", NULL, 0, NULL, query, e) && store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&fts);
    buf_release(&name);
    return ok;
}
