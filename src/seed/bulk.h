/*
 * seed/bulk: the connection and schema settings of a bulk load (casework
 * seed), and back to what the server expects.
 *
 * seed_bulk_begin, outside a transaction: a large page cache, synchronous=OFF,
 * foreign keys off (the unit test runs PRAGMA foreign_key_check afterwards),
 * the rollback journal in memory instead of the write-ahead log (each page is
 * written once, into the file, not into the log and then again by a
 * checkpoint; when SQLite allows it: no other connection open, no statement
 * of this one still reading; else the load stays in WAL mode), and the indexes nothing in the load
 * reads (the audit log's and notes_person) dropped, to be built once, sorted, at the end. An index
 * is dropped only if its schema text is exactly the one it is rebuilt from.
 *
 * seed_bulk_end, outside a transaction: the indexes built again, the
 * write-ahead log, synchronous=FULL and foreign keys on; the file ends as the
 * server opens it. SQLite-specific (PRAGMAs, sqlite_master), like the rest
 * of the seed's bulk settings.
 *
 * A load that stops between the two (a crash, a kill) leaves a database to
 * delete and seed again: its journal was in memory. On an error,
 * seed_bulk_abort (after the rollback) puts back what it can.
 * Not thread-safe: one connection.
 */
#ifndef CASEWORK_SEED_BULK_H
#define CASEWORK_SEED_BULK_H

#include <stdbool.h>

#include "domain/ctx.h"

bool seed_bulk_begin(struct ctx *x, struct err *e);
bool seed_bulk_end(struct ctx *x, struct err *e);
void seed_bulk_abort(struct ctx *x);

#endif
