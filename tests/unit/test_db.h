/*
 * test_db: a migrated store in a temporary directory for a unit test's
 * fixture (test_db_open / test_db_close), and removing a test's SQLite
 * database with its WAL and shared-memory files.
 */
#ifndef CASEWORK_TESTS_TEST_DB_H
#define CASEWORK_TESTS_TEST_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/buf.h"
#include "store/store.h"

static inline void test_db_remove(const char *path)
{
    static const char *suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        struct buf p = BUF_INIT;
        buf_printf(&p, "%s%s", path, suffix[i]);
        unlink(p.data);
        buf_release(&p);
    }
}

/* A store on dir/test.db, migrated, with a pool of pool connections. */
struct test_db {
    char dir[64];
    struct buf path;
    struct store *s;
};

/* A new test_db under /tmp/casework-NAME-XXXXXX, or NULL on failure. */
static inline struct test_db *test_db_open(const char *name, int pool)
{
    struct test_db *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    snprintf(f->dir, sizeof f->dir, "/tmp/casework-%.20s-XXXXXX", name);
    if (!mkdtemp(f->dir))
        return NULL;
    buf_init(&f->path, 0);
    buf_printf(&f->path, "%s/test.db", f->dir);
    struct err e = ERR_INIT;
    f->s = store_open(f->path.data, pool, &e);
    return f->s && store_migrate(f->s, NULL, &e) ? f : NULL;
}

static inline void test_db_close(struct test_db *f)
{
    store_close(f->s);
    test_db_remove(f->path.data);
    rmdir(f->dir);
    buf_release(&f->path);
    free(f);
}

#endif
