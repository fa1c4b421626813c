/*
 * test_db: removing a test's SQLite database with its WAL and shared-memory
 * files, for the unit tests that make one in a temporary directory.
 */
#ifndef CASEWORK_TESTS_TEST_DB_H
#define CASEWORK_TESTS_TEST_DB_H

#include <unistd.h>

#include "core/buf.h"

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

#endif
