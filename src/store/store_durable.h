/*
 * store_durable: group commit for the store (internal to src/store/).
 *
 * Connections commit with the backend's cheap commit (for SQLite in WAL
 * mode, synchronous=NORMAL: the commit is written to the log but not flushed)
 * and then wait here until the log is flushed past their commit. The first
 * waiter to find nobody flushing becomes the leader: it notes how far
 * commits have gone, flushes the log once through its own connection (one
 * fsync) and wakes every waiter that flush covered; commits that arrive
 * meanwhile wait for the next flush. So N requests waiting together cost one
 * fsync, and the write lock is never held across an fsync.
 *
 * Sequence numbers: durable_commit_begin (called with the write lock held,
 * just before COMMIT) hands out the next number; durable_commit_end (just
 * after COMMIT returned, success or not) records it as committed. Readers
 * wait for durable_horizon(): every commit begun so far, so an answer never
 * shows data that is not yet on disk.
 *
 * A failed flush poisons the store: after an fsync error the kernel may have
 * dropped the unwritten pages, so no later flush can prove anything durable;
 * every later wait fails (ERR_STORE) until the process restarts.
 *
 * Thread-safety: all functions are thread-safe.
 */
#ifndef CASEWORK_STORE_DURABLE_H
#define CASEWORK_STORE_DURABLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct store_durable {
    pthread_mutex_t lock;
    pthread_cond_t moved; /* committed or synced advanced, or a leader finished */
    uint64_t started;     /* commits begun (the write lock orders them) */
    uint64_t committed;   /* commits whose COMMIT has returned */
    uint64_t synced;      /* commits known to be on disk */
    bool syncing, poisoned;
    uint64_t syncs; /* flushes made, for tests and the benchmark note */
};

/* flush makes every commit written through any connection durable, using
 * handle (the caller's own connection). */
typedef bool (*store_flush_fn)(void *handle, struct err *e);

void durable_init(struct store_durable *d);
void durable_destroy(struct store_durable *d);

uint64_t durable_commit_begin(struct store_durable *d);
void durable_commit_end(struct store_durable *d, uint64_t seq);
/* The newest commit begun; all_begun false gives the newest that has
 * returned (for a thread that itself holds the write lock). */
uint64_t durable_horizon(struct store_durable *d, bool all_begun);

/* Wait until commit seq is durable, leading a flush if nobody is. False with
 * e set if it cannot be made durable. */
bool durable_wait(struct store_durable *d, uint64_t seq, store_flush_fn flush, void *handle,
                  struct err *e);

/* Counters: commits begun and flushes made. */
void durable_counts(struct store_durable *d, uint64_t *commits, uint64_t *syncs);

#endif
