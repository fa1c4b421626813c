/*
 * libFuzzer target for what the case note search box, a note's text and the
 * chronology's type filter take from outside: notes_fts_query must turn any
 * text into an FTS5 query that SQLite accepts (checked against a real
 * in-memory FTS5 table: a syntax error aborts), made only of quoted phrases;
 * notes_text_ok must never accept text that is not valid UTF-8 or is too
 * long; chronology_parse_types must only set known type bits.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "domain/chronology.h"
#include "domain/notes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *match;

static void open_index(void)
{
    if (db)
        return;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'porter unicode61 "
                     "remove_diacritics 2'); INSERT INTO t VALUES ('the quick brown fox');",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?", -1, &match, NULL) !=
            SQLITE_OK)
        abort();
}

/* Only "phrase" or "phrase"* separated by single spaces, "" inside a phrase. */
static bool only_phrases(const char *q)
{
    const char *p = q;
    int phrases = 0;
    for (;;) {
        if (*p++ != '"')
            return false;
        for (;;) {
            if (!*p)
                return false;
            if (*p == '"') {
                if (p[1] == '"') {
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            p++;
        }
        phrases++;
        if (*p == '*')
            p++;
        if (!*p)
            return phrases <= 16;
        if (*p++ != ' ')
            return false;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    open_index();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';

    struct buf q = BUF_INIT;
    struct err e = ERR_INIT;
    if (notes_fts_query(text, &q, &e)) {
        if (!only_phrases(q.data))
            abort();
        /* Invalid UTF-8 never reaches the search (the HTTP layer refuses it). */
        if (utf8_valid(q.data, q.len)) {
            sqlite3_reset(match);
            sqlite3_bind_text(match, 1, q.data, -1, SQLITE_STATIC);
            int rc = sqlite3_step(match);
            if (rc != SQLITE_ROW)
                abort();
        }
    } else if (e.code != ERR_INVALID || strcmp(e.field, "q") != 0) {
        abort();
    }
    buf_release(&q);

    struct err te = ERR_INIT;
    if (notes_text_ok(text, &te) &&
        (!utf8_valid(text, strlen(text)) || utf8_length(text) > NOTES_MAX_TEXT))
        abort();

    unsigned mask = 0;
    struct err ce = ERR_INIT;
    const char *lists[1] = {text};
    if (chronology_parse_types(lists, 1, &mask, &ce) && mask >= (1u << CHRON_TYPE_COUNT))
        abort();
    free(text);
    return 0;
}
