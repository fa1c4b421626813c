#include "access/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"

static const char SQL_HEAD[] = "SELECT last_id, hash FROM audit_head WHERE id = 1";
static const char SQL_INSERT[] =
    "INSERT INTO audit (id, at, actor_id, actor, action, record_type, record_id, reason,"
    " detail, ip, request_id, prev_hash, hash)"
    " VALUES (:id, :at, :actor_id, :actor, :action, :record_type, :record_id, :reason,"
    " :detail, :ip, :request_id, :prev_hash, :hash)";
static const char SQL_SET_HEAD[] = "UPDATE audit_head SET last_id = :id, hash = :hash WHERE id = 1";
static const char SQL_ALL[] =
    "SELECT id, at, actor_id, actor, action, record_type, record_id, reason, detail, ip,"
    " request_id, prev_hash, hash FROM audit ORDER BY id";
static const char SQL_QUERY[] =
    "SELECT id, at, actor_id, actor, action, record_type, record_id, reason, detail, ip,"
    " request_id FROM audit"
    " WHERE (:record_type IS NULL OR record_type = :record_type)"
    " AND (:record_id IS NULL OR record_id = :record_id)"
    " AND (:actor_id = 0 OR actor_id = :actor_id)"
    " AND (:before_id = 0 OR id < :before_id)"
    " ORDER BY id DESC LIMIT :limit";

enum { HASH_HEX = AUDIT_HASH_HEX };
_Static_assert(AUDIT_HASH_HEX == crypto_hash_sha256_BYTES * 2 + 1, "hex SHA-256");

/* v in decimal, as printf's %lld (the hash's encoding; printf was a tenth of
 * the seed's time); returns the length. */
static size_t format_int(char out[24], int64_t v)
{
    char tmp[24];
    size_t n = 0, k = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    out[k] = '\0';
    return k;
}

static void put_int(struct buf *b, int64_t v)
{
    char digits[24];
    buf_append(b, digits, format_int(digits, v));
    buf_putc(b, '|');
}

/* Length-prefixed field, so "ab"+"c" and "a"+"bc" hash differently; NULL is
 * distinct from "". */
static void put_field(struct buf *b, const char *s)
{
    if (!s) {
        buf_append(b, "-1:|", 4);
        return;
    }
    size_t n = strlen(s);
    char digits[24];
    buf_append(b, digits, format_int(digits, (int64_t)n));
    buf_putc(b, ':');
    buf_append(b, s, n);
    buf_putc(b, '|');
}

bool audit_row_hash(struct buf *scratch, const char *prev, const struct audit_entry *r,
                    char out[AUDIT_HASH_HEX])
{
    buf_reset(scratch);
    buf_puts(scratch, prev);
    buf_putc(scratch, '|');
    put_int(scratch, r->id);
    put_int(scratch, r->at);
    put_int(scratch, r->actor_id);
    put_field(scratch, r->actor ? r->actor : "-");
    put_field(scratch, r->action);
    put_field(scratch, r->record_type);
    put_field(scratch, r->record_id);
    put_field(scratch, r->reason);
    put_field(scratch, r->detail);
    put_field(scratch, r->ip);
    put_field(scratch, r->request_id);
    if (buf_failed(scratch))
        return false;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)scratch->data, scratch->len);
    sodium_bin2hex(out, AUDIT_HASH_HEX, h, sizeof h);
    return true;
}

static bool row_hash(const char *prev, const struct audit_entry *r, char out[HASH_HEX])
{
    struct buf b = BUF_INIT;
    bool ok = audit_row_hash(&b, prev, r, out);
    buf_release(&b);
    return ok;
}

/* The chain head, read once per write transaction and written back once,
 * just before it commits (store_tx_state), instead of a read and an update
 * for every row: a transaction that appends many rows (a bulk load, a
 * caseload reallocation) costs one INSERT per row. */
struct head_state {
    bool loaded, moved;
    int64_t last_id;
    char hash[HASH_HEX];
};

static bool write_head(struct store_conn *c, void *state, struct err *e)
{
    struct head_state *h = state;
    if (!h->moved)
        return true;
    struct store_stmt *st = store_prepare(c, SQL_SET_HEAD, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", h->last_id);
    store_bind_text(st, ":hash", h->hash);
    if (!store_exec(st, e))
        return false;
    if (store_changes(c) != 1)
        return err_set(e, ERR_STORE, "", "audit head missing: no head row to move");
    return true;
}

static bool load_head(struct store_conn *c, struct head_state *h, struct err *e)
{
    struct store_stmt *st = store_prepare(c, SQL_HEAD, e);
    enum store_step_result head = st ? store_step(st, e) : STORE_ERROR;
    if (head != STORE_ROW) {
        /* Copy the cause out first: formatting e->message into itself overlaps. */
        char why[sizeof e->message] = "no head row";
        if (head == STORE_ERROR && e)
            snprintf(why, sizeof why, "%s", e->message);
        return err_set(e, ERR_STORE, "", "audit head missing: %s", why);
    }
    h->last_id = store_col_int64(st, 0);
    snprintf(h->hash, sizeof h->hash, "%s", store_col_text(st, 1));
    h->loaded = true;
    return true;
}

bool audit_append(struct store_conn *c, struct audit_entry *entry, struct err *e)
{
    if (!store_in_transaction(c))
        return err_set(e, ERR_INTERNAL, "", "audit_append needs the caller's write transaction");
    struct head_state *h = store_tx_state(c, sizeof *h, write_head);
    if (!h)
        return err_set(e, ERR_INTERNAL, "", "audit_append cannot keep the chain head");
    if (!h->loaded && !load_head(c, h, e))
        return false;
    int64_t last_id = h->last_id;
    char prev[HASH_HEX];
    snprintf(prev, sizeof prev, "%s", h->hash);

    /* Empty text is stored as NULL, so hash it as NULL too, or verify would
     * see a different row from the one written. */
    const char **texts[] = {&entry->record_type, &entry->record_id, &entry->reason,
                            &entry->detail,      &entry->ip,        &entry->request_id};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (*texts[i] && !**texts[i])
            *texts[i] = NULL;
    entry->id = last_id + 1;
    char hash[HASH_HEX];
    if (!row_hash(prev, entry, hash))
        return err_set(e, ERR_NOMEM, "", "out of memory hashing audit row");

    struct store_stmt *st = store_prepare(c, SQL_INSERT, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", entry->id);
    store_bind_int64(st, ":at", entry->at);
    if (entry->actor_id)
        store_bind_int64(st, ":actor_id", entry->actor_id);
    else
        store_bind_null(st, ":actor_id");
    store_bind_text(st, ":actor", entry->actor ? entry->actor : "-");
    store_bind_text(st, ":action", entry->action);
    store_bind_text_or_null(st, ":record_type", entry->record_type);
    store_bind_text_or_null(st, ":record_id", entry->record_id);
    store_bind_text_or_null(st, ":reason", entry->reason);
    store_bind_text_or_null(st, ":detail", entry->detail);
    store_bind_text_or_null(st, ":ip", entry->ip);
    store_bind_text_or_null(st, ":request_id", entry->request_id);
    store_bind_text(st, ":prev_hash", prev);
    store_bind_text(st, ":hash", hash);
    if (!store_exec(st, e))
        return false;
    h->last_id = entry->id;
    memcpy(h->hash, hash, sizeof h->hash);
    h->moved = true;
    return true;
}

/* Empty strings were stored as NULL (store_bind_text_or_null), so read them back the same way. */
static const char *col_or_null(struct store_stmt *st, int col)
{
    return store_col_is_null(st, col) ? NULL : store_col_text(st, col);
}

static void read_row(struct store_stmt *st, struct audit_entry *r)
{
    r->id = store_col_int64(st, 0);
    r->at = store_col_int64(st, 1);
    r->actor_id = store_col_int64(st, 2);
    r->actor = store_col_text(st, 3);
    r->action = store_col_text(st, 4);
    r->record_type = col_or_null(st, 5);
    r->record_id = col_or_null(st, 6);
    r->reason = col_or_null(st, 7);
    r->detail = col_or_null(st, 8);
    r->ip = col_or_null(st, 9);
    r->request_id = col_or_null(st, 10);
}

bool audit_verify(struct store_conn *c, struct audit_verify_result *r, struct err *e)
{
    memset(r, 0, sizeof *r);
    char running[HASH_HEX];
    memset(running, '0', HASH_HEX - 1);
    running[HASH_HEX - 1] = '\0';
    struct store_stmt *st = store_prepare(c, SQL_ALL, e);
    if (!st)
        return false;
    enum store_step_result rc;
    int64_t expect_id = 1;
    while ((rc = store_step(st, e)) == STORE_ROW) {
        struct audit_entry row;
        read_row(st, &row);
        r->rows++;
        const char *prev = store_col_text(st, 11);
        const char *stored = store_col_text(st, 12);
        char hash[HASH_HEX];
        if (row.id != expect_id) {
            r->broken_id = row.id;
            snprintf(r->problem, sizeof r->problem,
                     "row %lld follows row %lld: rows between them were deleted", (long long)row.id,
                     (long long)expect_id - 1);
        } else if (strcmp(prev, running) != 0) {
            r->broken_id = row.id;
            snprintf(r->problem, sizeof r->problem,
                     "row %lld does not follow the row before it (chain broken)",
                     (long long)row.id);
        } else if (!row_hash(prev, &row, hash) || strcmp(hash, stored) != 0) {
            r->broken_id = row.id;
            snprintf(r->problem, sizeof r->problem,
                     "row %lld was changed after it was written (hash mismatch)",
                     (long long)row.id);
        }
        if (r->broken_id)
            return true;
        snprintf(running, sizeof running, "%s", stored);
        expect_id++;
    }
    if (rc == STORE_ERROR)
        return false;
    st = store_prepare(c, SQL_HEAD, e);
    if (!st || store_step(st, e) != STORE_ROW)
        return err_set(e, ERR_STORE, "", "audit head missing");
    int64_t head_id = store_col_int64(st, 0);
    if (head_id != expect_id - 1 || strcmp(store_col_text(st, 1), running) != 0) {
        r->broken_id = expect_id;
        snprintf(r->problem, sizeof r->problem,
                 "the log ends at row %lld but its head records row %lld: newest rows removed",
                 (long long)expect_id - 1, (long long)head_id);
    }
    return true;
}

bool audit_query(struct store_conn *c, const struct audit_filter *f,
                 bool (*fn)(const struct audit_entry *row, void *arg), void *arg, struct err *e)
{
    struct store_stmt *st = store_prepare(c, SQL_QUERY, e);
    if (!st)
        return false;
    store_bind_text_or_null(st, ":record_type", f->record_type);
    store_bind_text_or_null(st, ":record_id", f->record_id);
    store_bind_int64(st, ":actor_id", f->actor_id);
    store_bind_int64(st, ":before_id", f->before_id);
    store_bind_int64(st, ":limit", f->limit < 1 ? 50 : f->limit > 500 ? 500 : f->limit);
    enum store_step_result rc;
    while ((rc = store_step(st, e)) == STORE_ROW) {
        struct audit_entry row;
        read_row(st, &row);
        if (!fn(&row, arg))
            break;
    }
    return rc != STORE_ERROR;
}
