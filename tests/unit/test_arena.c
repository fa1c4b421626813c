/*
 * Unit tests for core/arena: alignment for any type, zeroed memory, requests
 * larger than a chunk, string copies, release and reuse, and sizes so large
 * that the chunk size would overflow (must fail with NULL, never abort).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdalign.h>
#include <string.h>

#include "core/arena.h"

static void assert_aligned(const void *p)
{
    assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
}

static void assert_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(p[i], 0);
}

static void test_alignment(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    /* Odd sizes must not misalign the next allocation. */
    static const size_t sizes[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 100, 1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *p = arena_alloc(&a, sizes[i]);
        assert_non_null(p);
        assert_aligned(p);
    }
    long double *ld = arena_alloc(&a, sizeof *ld);
    assert_non_null(ld);
    *ld = 1.5L;
    assert_true(*ld == 1.5L);
    arena_release(&a);
}

static void test_distinct_and_zeroed(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    unsigned char *p = arena_alloc(&a, 40);
    unsigned char *q = arena_alloc(&a, 40);
    assert_non_null(p);
    assert_non_null(q);
    assert_zero(p, 40);
    assert_zero(q, 40);
    memset(p, 0xAA, 40);
    assert_zero(q, 40); /* no overlap */
    assert_true(q >= p + 40 || p >= q + 40);
    assert_true(a.total >= 80);
    arena_release(&a);
}

static void test_beyond_chunk_size(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    char *small = arena_strdup(&a, "before");
    size_t big_n = 100 * 1024; /* larger than the 16 KiB chunk */
    unsigned char *big = arena_alloc(&a, big_n);
    assert_non_null(big);
    assert_aligned(big);
    assert_zero(big, big_n);
    memset(big, 0x5A, big_n);
    char *after = arena_strdup(&a, "after");
    assert_non_null(after);
    assert_string_equal(small, "before");
    assert_string_equal(after, "after");
    assert_int_equal(big[0], 0x5A);
    assert_int_equal(big[big_n - 1], 0x5A);
    assert_true(a.total >= big_n);

    /* Many allocations filling several chunks stay separate. */
    char *ptrs[2000];
    for (int i = 0; i < 2000; i++) {
        ptrs[i] = arena_alloc(&a, 24);
        assert_non_null(ptrs[i]);
        memset(ptrs[i], (char)i, 24);
    }
    for (int i = 0; i < 2000; i++)
        assert_int_equal(ptrs[i][23], (char)i);
    arena_release(&a);
}

static void test_impossible_sizes_fail(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    /* SIZE_MAX rounds up past the top and wraps: refused. */
    assert_null(arena_alloc(&a, SIZE_MAX));
    /* These round up without wrapping, but the chunk header added on top of them
     * would wrap to a tiny malloc that the zeroing then overruns. They must be
     * NULL ("allocation failure returns NULL (never aborts)"). Sizes that merely
     * exceed memory are not tried: ASan aborts on those by design. */
    assert_null(arena_alloc(&a, SIZE_MAX - 15));
    assert_null(arena_alloc(&a, SIZE_MAX - 20));
    assert_null(arena_alloc(&a, SIZE_MAX - 31));
    assert_null(arena_strndup(&a, "x", SIZE_MAX - 16));
    /* The arena still works afterwards. */
    char *s = arena_strdup(&a, "fine");
    assert_non_null(s);
    assert_string_equal(s, "fine");
    arena_release(&a);
}

static void test_strdup_strndup(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    const char *src = "Safeguarding referral";
    char *d = arena_strdup(&a, src);
    assert_non_null(d);
    assert_string_equal(d, src);
    assert_true(d != src);
    char *n = arena_strndup(&a, src, 12);
    assert_string_equal(n, "Safeguarding");
    char *z = arena_strndup(&a, src, 0);
    assert_string_equal(z, "");
    char *e = arena_strdup(&a, "");
    assert_string_equal(e, "");
    /* Copies of parts of a buffer that is not NUL-terminated at n. */
    const char query[] = "name=Ann&age=4";
    char *key = arena_strndup(&a, query, 4);
    char *value = arena_strndup(&a, query + 5, 3);
    assert_string_equal(key, "name");
    assert_string_equal(value, "Ann");
    arena_release(&a);
}

static void test_release_and_reuse(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    arena_release(&a); /* releasing an empty arena is allowed */
    assert_null(a.head);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 100; i++)
            assert_non_null(arena_alloc(&a, 1000));
        assert_non_null(a.head);
        assert_true(a.total >= 100 * 1000);
        arena_release(&a);
        assert_null(a.head);
        assert_int_equal(a.total, 0);
    }
    unsigned char *p = arena_alloc(&a, 64);
    assert_zero(p, 64);
    arena_release(&a);
}

/* Adopted allocations live on with the arena that took them, and that arena
 * goes on allocating from its own chunk. */
static void test_adopt(void **state)
{
    (void)state;
    struct arena into = ARENA_INIT, from = ARENA_INIT;
    arena_adopt(&into, &from); /* both empty: nothing to do */
    assert_null(into.head);
    char *kept = arena_strdup(&from, "kept by another arena");
    for (int i = 0; i < 40; i++) /* several chunks */
        assert_non_null(arena_alloc(&from, 1000));
    size_t moved = from.total;
    arena_adopt(&into, &from);
    assert_null(from.head);
    assert_int_equal(from.total, 0);
    assert_int_equal(into.total, moved);
    char *mine = arena_strdup(&into, "its own");
    struct arena other = ARENA_INIT;
    char *more = arena_strdup(&other, "adopted into a non-empty arena");
    arena_adopt(&into, &other);
    assert_string_equal(arena_strdup(&into, "after"), "after");
    assert_string_equal(kept, "kept by another arena");
    assert_string_equal(mine, "its own");
    assert_string_equal(more, "adopted into a non-empty arena");
    arena_release(&from); /* empty: frees nothing adopted */
    arena_release(&into); /* ASan reports any chunk freed twice or lost */
    assert_null(into.head);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_distinct_and_zeroed),
        cmocka_unit_test(test_beyond_chunk_size),
        cmocka_unit_test(test_impossible_sizes_fail),
        cmocka_unit_test(test_strdup_strndup),
        cmocka_unit_test(test_release_and_reuse),
        cmocka_unit_test(test_adopt),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
