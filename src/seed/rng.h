/*
 * seed/rng: the seed generator's own pseudo-random numbers, so that a seed
 * gives the same synthetic population on every machine and C library (rand()
 * differs between them and shares hidden global state). The generator is
 * xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", 2018), its state filled by splitmix64 from the 64-bit seed as
 * its authors recommend. Not for secrets: tokens and passwords use libsodium.
 *
 * Only integer arithmetic and IEEE doubles built from integers are used (no
 * libm), so results are bit-identical across platforms. A struct seed_rng is
 * a plain value owned by its caller; no global state, so thread-safe as long
 * as each thread has its own.
 */
#ifndef CASEWORK_SEED_RNG_H
#define CASEWORK_SEED_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct seed_rng {
    uint64_t s[4];
};

/* Advance a splitmix64 state and return its next output. */
uint64_t seed_splitmix64(uint64_t *state);

/* Fill r's state from seed (any value, 0 included). */
void seed_rng_init(struct seed_rng *r, uint64_t seed);

/* The next 64 random bits. */
uint64_t seed_rng_next(struct seed_rng *r);

/* Uniform in [0, n), without modulo bias; 0 when n is 0. */
uint64_t seed_rng_below(struct seed_rng *r, uint64_t n);

/* Uniform integer in [lo, hi] (lo <= hi). */
int seed_rng_range(struct seed_rng *r, int lo, int hi);

/* Uniform double in [0, 1), from the top 53 bits. */
double seed_rng_unit(struct seed_rng *r);

/* True with probability p (p <= 0 never, p >= 1 always). */
bool seed_rng_chance(struct seed_rng *r, double p);

#endif
