/*
 * sqlite_fts: the floor under casework's note search. Raw SQLite FTS5 queries
 * on a seeded database's notes_fts index (the one the server searches), one
 * thread, prepared statements reused, inside read transactions of 100
 * queries, each query a word or a word prefix drawn from the seeded notes'
 * vocabulary. Two modes: the first 20 matches in rowid order (unranked), and
 * the 20 best by rank (bm25, which scores every match). Prints one line per
 * mode (ranked runs QUERIES / 200 queries, at least 10: each scores every
 * match, seconds on a county):
 *
 *   sqlite_fts DB QUERIES
 *   mode=unranked queries=... seconds=... per_second=... mean_ms=... max_ms=...
 *
 * The database is opened read-only with casework's 64 MiB cache.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Words from the seeded note text (seed/work_text.c): common ones
 * ("visit", "school"), rarer ones ("blister", "centile"), and prefixes. */
static const char *const TERMS[] = {
    "visit",     "school",  "mother",   "father", "attendance", "bruising", "medication",
    "blister",   "centile", "tenancy",  "police", "domestic",   "missing",  "parenting",
    "supervis*", "manag*",  "hous*",    "health", "falls",      "arrears",  "food",
    "dental",    "nurse",   "grandmo*", "drink*", "sleep*",     "teacher",  "review",
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: sqlite_fts DB QUERIES\n");
        return 2;
    }
    long queries = strtol(argv[2], NULL, 10);
    sqlite3 *db;
    if (queries < 100 || sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite_fts: cannot open %s (or QUERIES under 100)\n", argv[1]);
        return 1;
    }
    sqlite3_exec(db, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
    static const char *const SQL[] = {
        "SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?1 LIMIT 20",
        "SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?1 ORDER BY rank LIMIT 20",
    };
    static const char *const MODE[] = {"unranked", "ranked"};
    size_t nterms = sizeof TERMS / sizeof TERMS[0];
    for (int m = 0; m < 2; m++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, SQL[m], -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "sqlite_fts: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        long rows = 0, n = m ? (queries / 200 > 10 ? queries / 200 : 10) : queries;
        double start = now(), worst = 0;
        for (long i = 0; i < n; i++) {
            if (i % 100 == 0)
                sqlite3_exec(db, i ? "COMMIT; BEGIN" : "BEGIN", NULL, NULL, NULL);
            double t = now();
            sqlite3_bind_text(st, 1, TERMS[(size_t)i % nterms], -1, SQLITE_STATIC);
            while (sqlite3_step(st) == SQLITE_ROW)
                rows++;
            sqlite3_reset(st);
            if (now() - t > worst)
                worst = now() - t;
        }
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        double s = now() - start;
        sqlite3_finalize(st);
        if (!rows) {
            fprintf(stderr, "sqlite_fts: no matches: is the database seeded with notes?\n");
            return 1;
        }
        printf("mode=%s queries=%ld seconds=%.3f per_second=%.0f mean_ms=%.3f max_ms=%.3f\n",
               MODE[m], n, s, (double)n / s, s * 1000 / (double)n, worst * 1000);
    }
    sqlite3_close(db);
    return 0;
}
