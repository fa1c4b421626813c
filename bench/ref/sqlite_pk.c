/*
 * sqlite_pk: the floor under casework's person reads. Raw SQLite primary-key
 * lookups on a seeded database's people table, one thread, one prepared
 * statement reused, random ids (STACK.md section 5 anchor c), in two modes:
 * autocommit (each lookup its own read transaction) and 1,000 lookups per
 * BEGIN...COMMIT. Prints one line per mode:
 *
 *   sqlite_pk DB LOOKUPS
 *   mode=autocommit lookups=... seconds=... per_second=...
 *
 * The database is opened read-only, with the connection settings casework
 * uses (64 MiB cache, WAL).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t state = 0x9E3779B97F4A7C15ULL;

/* splitmix64: any fixed sequence of random ids will do. */
static uint64_t next_random(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "sqlite_pk: %s: %s\n", what, sqlite3_errmsg(db));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: sqlite_pk DB LOOKUPS\n");
        return 2;
    }
    long lookups = strtol(argv[2], NULL, 10);
    sqlite3 *db;
    if (lookups < 1000 || sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite_pk: cannot open %s (or LOOKUPS under 1000)\n", argv[1]);
        return 1;
    }
    sqlite3_exec(db, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
    sqlite3_stmt *max, *get;
    if (sqlite3_prepare_v2(db, "SELECT MAX(id) FROM people", -1, &max, NULL) != SQLITE_OK ||
        sqlite3_step(max) != SQLITE_ROW)
        return fail(db, "max id");
    int64_t n = sqlite3_column_int64(max, 0);
    sqlite3_finalize(max);
    if (n < 1 || sqlite3_prepare_v2(db,
                                    "SELECT id, forenames, surname, dob, nhs_number FROM people"
                                    " WHERE id = ?1",
                                    -1, &get, NULL) != SQLITE_OK)
        return fail(db, "prepare");
    for (int batched = 0; batched < 2; batched++) {
        long found = 0;
        double start = now();
        for (long i = 0; i < lookups; i++) {
            if (batched && i % 1000 == 0)
                sqlite3_exec(db, i ? "COMMIT; BEGIN" : "BEGIN", NULL, NULL, NULL);
            sqlite3_bind_int64(get, 1, (sqlite3_int64)(next_random() % (uint64_t)n) + 1);
            if (sqlite3_step(get) == SQLITE_ROW)
                found += sqlite3_column_bytes(get, 2) > 0;
            sqlite3_reset(get);
        }
        if (batched)
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        double seconds = now() - start;
        printf("mode=%s lookups=%ld found=%ld seconds=%.3f per_second=%.0f\n",
               batched ? "txn1000" : "autocommit", lookups, found, seconds,
               (double)lookups / seconds);
    }
    sqlite3_finalize(get);
    sqlite3_close(db);
    return 0;
}
