#include "store/store_durable.h"

#include "core/log.h"

void durable_init(struct store_durable *d)
{
    *d = (struct store_durable){0};
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->moved, NULL);
}

void durable_destroy(struct store_durable *d)
{
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->moved);
}

uint64_t durable_commit_begin(struct store_durable *d)
{
    pthread_mutex_lock(&d->lock);
    uint64_t seq = ++d->started;
    pthread_mutex_unlock(&d->lock);
    return seq;
}

void durable_commit_end(struct store_durable *d, uint64_t seq)
{
    pthread_mutex_lock(&d->lock);
    if (seq > d->committed)
        d->committed = seq;
    pthread_cond_broadcast(&d->moved);
    pthread_mutex_unlock(&d->lock);
}

uint64_t durable_horizon(struct store_durable *d, bool all_begun)
{
    pthread_mutex_lock(&d->lock);
    uint64_t h = all_begun ? d->started : d->committed;
    pthread_mutex_unlock(&d->lock);
    return h;
}

bool durable_wait(struct store_durable *d, uint64_t seq, store_flush_fn flush, void *handle,
                  struct err *e)
{
    pthread_mutex_lock(&d->lock);
    while (d->synced < seq && !d->poisoned) {
        /* Someone is flushing, or the commit is not written yet: a flush now
         * would not cover it. Either way the next move wakes us. */
        if (d->syncing || d->committed < seq) {
            pthread_cond_wait(&d->moved, &d->lock);
            continue;
        }
        d->syncing = true;
        uint64_t upto = d->committed;
        pthread_mutex_unlock(&d->lock);
        struct err why = ERR_INIT;
        bool ok = flush(handle, &why);
        if (!ok)
            log_event(LOG_ERROR, "store-flush-failed", "error", why.message, NULL);
        pthread_mutex_lock(&d->lock);
        d->syncing = false;
        d->syncs++;
        if (!ok)
            d->poisoned = true;
        else if (upto > d->synced)
            d->synced = upto;
        pthread_cond_broadcast(&d->moved);
    }
    bool ok = d->synced >= seq;
    pthread_mutex_unlock(&d->lock);
    if (!ok)
        err_set(e, ERR_STORE, "",
                "the database could not make the change durable (a flush to disk failed); "
                "restart the server");
    return ok;
}

void durable_counts(struct store_durable *d, uint64_t *commits, uint64_t *syncs)
{
    pthread_mutex_lock(&d->lock);
    *commits = d->started;
    *syncs = d->syncs;
    pthread_mutex_unlock(&d->lock);
}
