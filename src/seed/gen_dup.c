/*
 * Planted near-duplicates: about 1% of people get a second record, made later
 * by someone who did not find the first, with the mistakes such records
 * really have: a typo, two letters transposed, day and month swapped, the
 * middle name left out, an address the person has left (or a new one), and
 * often no NHS number or ethnicity. The duplicates report and search must
 * find them; the audit detail of each says which record it copies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "seed/gen_internal.h"

enum { DUPLICATE_PER_MILLION = 10100, RELEASE_WITHIN = 3000 };

/* Neighbouring keys on a UK keyboard, for substitution typos. */
static const char *const NEAR[26] = {
    "qwsz",   "vghn",  "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko",
    "huikmn", "jiolm", "kop",  "njk",    "bhjm", "iklp",   "ol",     "wa",     "edft",
    "awedxz", "rfgy",  "yhji", "cfgb",   "qase", "zsdc",   "tghu",   "asx"};

static bool is_ascii_letter(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* A position (not the first letter) whose letter, and the next when pair is
 * set, is plain ASCII; -1 if none. */
static int letter_at(struct seed_gen *g, const char *s, bool pair)
{
    int candidates[128], n = 0;
    for (int i = 1; s[i] && n < 128; i++)
        if (is_ascii_letter(s[i]) &&
            (!pair || (is_ascii_letter(s[i + 1]) && (s[i] | 32) != (s[i + 1] | 32))))
            candidates[n++] = i;
    return n ? candidates[seed_rng_below(&g->rng, (uint64_t)n)] : -1;
}

/* One typing slip in s: a neighbouring key, a letter missed or doubled. */
static bool typo(struct seed_gen *g, char *s, size_t size)
{
    int i = letter_at(g, s, false);
    size_t len = strlen(s);
    if (i < 0 || len + 2 > size)
        return false;
    switch (seed_rng_below(&g->rng, 3)) {
    case 0: {
        const char *near = NEAR[(s[i] | 32) - 'a'];
        char ch = near[seed_rng_below(&g->rng, strlen(near))];
        s[i] = s[i] >= 'a' ? ch : (char)(ch - 32);
        break;
    }
    case 1:
        memmove(s + i, s + i + 1, len - (size_t)i);
        break;
    default:
        memmove(s + i + 1, s + i, len - (size_t)i + 1);
        break;
    }
    return true;
}

static bool transpose(struct seed_gen *g, char *s)
{
    int i = letter_at(g, s, true);
    if (i < 0)
        return false;
    char ch = s[i];
    s[i] = s[i + 1];
    s[i + 1] = ch;
    return true;
}

/* The date typed the American way round; only where that is a real date
 * no later than the as-of day. */
static bool swap_day_month(struct seed_gen *g, struct seed_person *p)
{
    int y, m, d;
    clock_civil_from_days(p->dob, &y, &m, &d);
    if (d > 12 || d == m || m > clock_days_in_month(y, d))
        return false;
    int64_t swapped = clock_days_from_civil(y, d, m);
    if (swapped > g->as_of)
        return false;
    p->dob = swapped;
    return true;
}

enum change { TYPO, TRANSPOSED, DAY_MONTH, NO_MIDDLE, MOVED, CHANGES };

static bool apply(struct seed_gen *g, struct pending_duplicate *d, struct seed_cluster *c,
                  enum change what, struct seed_person *p, char *how, size_t size)
{
    bool surname = seed_rng_chance(&g->rng, 0.6);
    char *name = surname ? p->surname : p->forenames;
    size_t name_size = surname ? sizeof p->surname : sizeof p->forenames;
    const char *which = surname ? "surname" : "forename";
    char *space;
    switch (what) {
    case TYPO:
        if (!typo(g, name, name_size))
            return false;
        snprintf(how + strlen(how), size - strlen(how), "%s%s typo", *how ? ", " : "", which);
        return true;
    case TRANSPOSED:
        if (!transpose(g, name))
            return false;
        snprintf(how + strlen(how), size - strlen(how), "%sletters transposed in %s",
                 *how ? ", " : "", which);
        return true;
    case DAY_MONTH:
        if (!swap_day_month(g, p))
            return false;
        snprintf(how + strlen(how), size - strlen(how), "%sday and month swapped",
                 *how ? ", " : "");
        return true;
    case NO_MIDDLE:
        if (!(space = strchr(p->forenames, ' ')))
            return false;
        *space = '\0';
        snprintf(how + strlen(how), size - strlen(how), "%smiddle name missing", *how ? ", " : "");
        return true;
    default:
        if (d->has_previous && seed_rng_chance(&g->rng, 0.5))
            c->addresses[0] = d->previous; /* the address they left */
        else
            p->address = gen_address(g, c, 0);
        snprintf(how + strlen(how), size - strlen(how), "%sdifferent address", *how ? ", " : "");
        return true;
    }
}

/* The duplicate record of d as a cluster of one. */
static void emit_duplicate(struct seed_gen *g, struct pending_duplicate *d, struct seed_cluster *c)
{
    c->npeople = c->nrels = 0;
    c->naddresses = 1;
    c->addresses[0] = d->address;
    struct seed_person *p = &c->people[c->npeople++];
    *p = d->p;
    p->address = 0;
    p->previous_address = -1;
    p->moved_in = 0;
    p->previous_surname[0] = '\0';
    p->duplicate_of = d->p.id;
    p->id = 0;
    p->duplicate_how[0] = '\0';
    enum change first = (enum change)seed_rng_below(&g->rng, CHANGES);
    int applied = 0;
    for (int k = 0; k < CHANGES && !applied; k++)
        applied = apply(g, d, c, (enum change)((first + k) % CHANGES), p, p->duplicate_how,
                        sizeof p->duplicate_how);
    if (seed_rng_chance(&g->rng, 0.3))
        apply(g, d, c, (enum change)((first + 1 + seed_rng_below(&g->rng, CHANGES - 1)) % CHANGES),
              p, p->duplicate_how, sizeof p->duplicate_how);
    if (!seed_rng_chance(&g->rng, 0.4))
        p->nhs[0] = '\0';
    /* A child's duplicate is made without the school's UPN: two records with
     * one UPN would fail the children in need census (rule 1520). */
    if (!seed_rng_chance(&g->rng, 0.5) || g->as_of - p->dob < 30 * 365)
        p->upn[0] = '\0';
    /* A child's duplicate, made at the front door, still records the
     * ethnicity the children in need census needs (rule 4220). */
    if (seed_rng_chance(&g->rng, 0.5) && g->as_of - p->dob >= 30 * 365)
        p->ethnicity = p->religion = NULL;
    p->phone[0] = '\0';
    int64_t later = p->created_at + (int64_t)seed_rng_below(&g->rng, 2 * 365 * 86400ULL);
    p->created_at = later < g->as_of * CLOCK_SECONDS_PER_DAY ? later : p->created_at;
}

bool seed_gen_next(struct seed_gen *g, struct seed_cluster *c)
{
    bool done = g->people_made >= g->profile->people;
    if (g->dups_head < g->ndups && (done || g->dups[g->dups_head].release_at <= g->clusters_made)) {
        emit_duplicate(g, &g->dups[g->dups_head++], c);
    } else if (!done) {
        gen_family_cluster(g, c);
    } else {
        return false;
    }
    g->clusters_made++;
    g->people_made += c->npeople;
    return true;
}

void seed_gen_written(struct seed_gen *g, const struct seed_cluster *c)
{
    for (int i = 0; i < c->npeople; i++) {
        const struct seed_person *p = &c->people[i];
        if (p->duplicate_of || !p->id || seed_rng_below(&g->rng, 1000000) >= DUPLICATE_PER_MILLION)
            continue;
        if (g->ndups == g->dups_cap) {
            /* Emitted entries at the head are dropped before growing. */
            if (g->dups_head)
                memmove(g->dups, g->dups + g->dups_head,
                        (g->ndups - g->dups_head) * sizeof *g->dups);
            g->ndups -= g->dups_head;
            g->dups_head = 0;
            if (g->ndups == g->dups_cap) {
                size_t cap = g->dups_cap ? g->dups_cap * 2 : 256;
                struct pending_duplicate *grown = realloc(g->dups, cap * sizeof *grown);
                if (!grown)
                    continue; /* out of memory: one fewer duplicate, nothing lost */
                g->dups = grown;
                g->dups_cap = cap;
            }
        }
        struct pending_duplicate *d = &g->dups[g->ndups++];
        d->p = *p;
        d->address = c->addresses[p->address];
        d->has_previous = p->previous_address >= 0;
        if (d->has_previous)
            d->previous = c->addresses[p->previous_address];
        d->release_at = g->clusters_made + 1 + (int64_t)seed_rng_below(&g->rng, RELEASE_WITHIN);
    }
}
