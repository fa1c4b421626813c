#include "seed/bulk.h"

#include <string.h>

/* A bulk load keeps a large page cache (its indexes are written all over;
 * 8 GiB holds a county's hot pages: 6 GiB did once, but not since steps carry
 * their facts (county seed 613-625 s at 6 GiB, 472 s at 8 GiB); 2 GiB never
 * did) and does not wait for the disk at each of its commits. */
static const char SQL_CACHE[] = "PRAGMA cache_size = -8388608";
static const char SQL_SYNC_OFF[] = "PRAGMA synchronous = OFF";
static const char SQL_SYNC_FULL[] = "PRAGMA synchronous = FULL";
static const char SQL_FK_OFF[] = "PRAGMA foreign_keys = OFF";
static const char SQL_FK_ON[] = "PRAGMA foreign_keys = ON";
/* Each returns the mode in force afterwards. */
static const char SQL_JOURNAL_MEMORY[] = "PRAGMA journal_mode = MEMORY";
static const char SQL_JOURNAL_WAL[] = "PRAGMA journal_mode = WAL";
static const char SQL_INDEX_SQL[] = "SELECT sql FROM sqlite_master WHERE type = 'index'"
                                    " AND name = :name";

/* Indexes no statement of the load reads (the audit log's, the notes', and
 * those of cases, steps, contacts and allocations the trays, lists and
 * returns read; the steps' by case and kind has a stand-in below): the schema text (as the
 * migration wrote it and sqlite_master keeps it), and the statements to drop and build. */
static const struct deferred {
    const char *name, *schema, *drop, *create;
} DEFERRED[] = {
#define INDEX(name, on)                                                                            \
    {                                                                                              \
        name, "CREATE INDEX " name " ON " on, "DROP INDEX IF EXISTS " name,                        \
            "CREATE INDEX IF NOT EXISTS " name " ON " on                                           \
    }
    INDEX("audit_record", "audit (record_type, record_id)"),
    INDEX("audit_actor", "audit (actor_id, at)"),
    INDEX("notes_person", "notes (person_id, occurred_on)"),
    INDEX("case_steps_open", "case_steps (status, due_at)"),
    INDEX("cases_allocated", "cases (allocated_user_id, status)"),
    INDEX("cases_team_open",
          "cases (allocated_team_id, allocated_user_id)\n    WHERE status = 'open'"),
    INDEX("cases_pathway_closed",
          "cases (pathway, closed_at, person_id, contact_id, closure_reason)"),
    INDEX("case_steps_case_step", "case_steps (case_id, step, status, started_at, completed_at,"
                                  " authorised_at, outcome, facts)"),
    INDEX("contacts_received", "contacts (received_at)"),
    INDEX("allocations_user", "allocations (user_id, case_id)"),
};
#undef INDEX
enum { NDEFERRED = sizeof DEFERRED / sizeof DEFERRED[0] };

/* The load reads each person's last step of a kind (copy-forward) through
 * case_steps_case_step, which it defers because its facts and states change
 * at every step's completion: this narrow stand-in serves those reads while
 * the load runs, and goes before the deferred indexes are built. */
static const char SQL_STAND_IN[] =
    "CREATE INDEX IF NOT EXISTS seed_case_steps_kind ON case_steps (case_id, step)";
static const char SQL_STAND_IN_DROP[] = "DROP INDEX IF EXISTS seed_case_steps_kind";

static bool run(struct ctx *x, const char *sql, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, sql, e);
    return st && store_exec(st, e);
}

/* Set the journal mode; *mode gets the one in force ("wal", "memory"). */
static bool journal(struct ctx *x, const char *sql, char mode[16], struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, sql, e);
    if (!st || store_step(st, e) != STORE_ROW)
        return e->code ? false : err_set(e, ERR_STORE, "", "journal_mode gave no answer");
    const char *m = store_col_text(st, 0);
    strncpy(mode, m ? m : "", 15);
    mode[15] = '\0';
    return store_exec(st, e);
}

/* Drop the deferred indexes whose schema text is the one we rebuild. */
static bool drop_deferred(struct ctx *x, struct err *e)
{
    if (!store_begin(x->conn, true, e))
        return false;
    for (size_t i = 0; i < NDEFERRED; i++) {
        struct store_stmt *st = store_prepare(x->conn, SQL_INDEX_SQL, e);
        if (!st)
            goto fail;
        store_bind_text(st, ":name", DEFERRED[i].name);
        enum store_step_result r = store_step(st, e);
        if (r == STORE_ERROR)
            goto fail;
        bool same = r == STORE_ROW && store_col_text(st, 0) &&
                    strcmp(store_col_text(st, 0), DEFERRED[i].schema) == 0;
        if (!store_exec(st, e) || (same && !run(x, DEFERRED[i].drop, e)))
            goto fail;
    }
    if (!run(x, SQL_STAND_IN, e))
        goto fail;
    return store_commit(x->conn, e);
fail:
    store_rollback(x->conn);
    return false;
}

static bool create_deferred(struct ctx *x, struct err *e)
{
    if (!store_begin(x->conn, true, e))
        return false;
    if (!run(x, SQL_STAND_IN_DROP, e)) {
        store_rollback(x->conn);
        return false;
    }
    for (size_t i = 0; i < NDEFERRED; i++)
        if (!run(x, DEFERRED[i].create, e)) {
            store_rollback(x->conn);
            return false;
        }
    return store_commit(x->conn, e);
}

bool seed_bulk_begin(struct ctx *x, struct err *e)
{
    if (!run(x, SQL_CACHE, e) || !run(x, SQL_SYNC_OFF, e) || !run(x, SQL_FK_OFF, e))
        return false;
    /* Best effort: SQLite refuses while another connection has the database
     * open or a statement of this one is still reading; the load then stays
     * in WAL mode, only slower. */
    struct err refused = ERR_INIT;
    char mode[16];
    journal(x, SQL_JOURNAL_MEMORY, mode, &refused);
    return drop_deferred(x, e);
}

bool seed_bulk_end(struct ctx *x, struct err *e)
{
    char mode[16];
    if (!create_deferred(x, e) || !journal(x, SQL_JOURNAL_WAL, mode, e))
        return false;
    if (strcmp(mode, "wal") != 0)
        return err_set(e, ERR_STORE, "", "the database stayed in journal mode %s, not wal", mode);
    return run(x, SQL_SYNC_FULL, e) && run(x, SQL_FK_ON, e);
}

void seed_bulk_abort(struct ctx *x)
{
    struct err ignored = ERR_INIT;
    char mode[16];
    create_deferred(x, &ignored);
    journal(x, SQL_JOURNAL_WAL, mode, &ignored);
    run(x, SQL_SYNC_FULL, &ignored);
    run(x, SQL_FK_ON, &ignored);
}
