#include "seed/rng.h"

uint64_t seed_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void seed_rng_init(struct seed_rng *r, uint64_t seed)
{
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = seed_splitmix64(&sm);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t seed_rng_next(struct seed_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t seed_rng_below(struct seed_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    /* Reject the lowest 2^64 mod n values, so every residue is equally likely. */
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t x = seed_rng_next(r);
        if (x >= threshold)
            return x % n;
    }
}

int seed_rng_range(struct seed_rng *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int)seed_rng_below(r, (uint64_t)((int64_t)hi - lo + 1));
}

double seed_rng_unit(struct seed_rng *r)
{
    return (double)(seed_rng_next(r) >> 11) * 0x1.0p-53;
}

bool seed_rng_chance(struct seed_rng *r, double p)
{
    return seed_rng_unit(r) < p;
}
