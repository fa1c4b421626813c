#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/identifiers.h"
#include "domain/matching.h"
#include "seed/gen_internal.h"

static const struct seed_profile profiles[] = {
    /* name, people, district, max_places, teams, users */
    {"tiny", 500, 1, 1, 4, 20},
    {"district", 25000, 1, 0, 20, 250},
    {"county", 250000, 0, 0, 120, 1500},
};

/* NHS numbers are drawn in a scrambled order (seq * a + b mod the range), so
 * they do not follow person ids; a is prime to ID_SYNTHETIC_NHS_COUNT. */
enum { NHS_STRIDE = 7919, UPN_YEARS = 100, UPN_ESTABLISHMENTS = 10000 };

/* The last letters of an inward code: Royal Mail never uses C I K M O V there.
 * Ten units per postcode sector keep about a dozen households per postcode in
 * the county, as real postcodes have. */
static const char *const UNITS[] = {"AB", "DE", "FG", "HJ", "LN", "PQ", "RS", "TU", "WX", "YZ"};

const struct seed_profile *seed_profile_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof profiles / sizeof profiles[0]; i++)
        if (strcmp(profiles[i].name, name) == 0)
            return &profiles[i];
    return NULL;
}

struct seed_gen *seed_gen_new(const struct seed_tables *t, const struct seed_profile *p,
                              uint64_t seed, int64_t as_of, uint32_t first_seq, struct err *e)
{
    struct seed_gen *g = calloc(1, sizeof *g);
    if (!g || !(g->upn_serials = calloc((size_t)UPN_ESTABLISHMENTS * UPN_YEARS, sizeof(uint16_t))))
        goto oom;
    g->t = t;
    g->profile = p;
    g->as_of = as_of;
    seed_rng_init(&g->rng, seed);
    uint64_t sm = seed ^ 0x5EEDC0DEULL;
    g->nhs_offset = (uint32_t)(seed_splitmix64(&sm) % ID_SYNTHETIC_NHS_COUNT);
    g->nhs_seq = first_seq;
    int taken = 0;
    for (size_t i = 0; i < t->nplaces; i++) {
        const struct seed_place *pl = &t->places[i];
        if ((p->district && pl->district != p->district) ||
            (p->max_places && taken == p->max_places))
            continue;
        struct seed_item item = {pl->town, NULL, (int)i, 0};
        struct seed_item *grown = realloc(g->places.items, (g->places.n + 1) * sizeof *grown);
        if (!grown)
            goto oom;
        item.cum = (g->places.n ? grown[g->places.n - 1].cum : 0) + pl->weight;
        g->places.items = grown;
        grown[g->places.n++] = item;
        taken++;
    }
    if (!seed_list_total(&g->places)) {
        err_set(e, ERR_INVALID, "profile", "No place in bench/data/places.txt fits profile %s",
                p->name);
        seed_gen_free(g);
        return NULL;
    }
    return g;
oom:
    err_set(e, ERR_NOMEM, "", "out of memory");
    seed_gen_free(g);
    return NULL;
}

void seed_gen_free(struct seed_gen *g)
{
    if (!g)
        return;
    free(g->places.items);
    free(g->upn_serials);
    free(g->dups);
    free(g->usernames);
    free(g);
}

/* --- dates --------------------------------------------------------------- */

int64_t gen_age(const struct seed_gen *g, int64_t dob)
{
    int y0, m0, d0, y1, m1, d1;
    clock_civil_from_days(g->as_of, &y0, &m0, &d0);
    clock_civil_from_days(dob, &y1, &m1, &d1);
    return y0 - y1 - ((m0 < m1 || (m0 == m1 && d0 < d1)) ? 1 : 0);
}

/* A day in the year before the as-of day's calendar date, age years back. */
static int64_t anniversary(const struct seed_gen *g, int years_back)
{
    int y, m, d;
    clock_civil_from_days(g->as_of, &y, &m, &d);
    int dim = clock_days_in_month(y - years_back, m);
    return clock_days_from_civil(y - years_back, m, d < dim ? d : dim);
}

int64_t gen_dob_for_age(struct seed_gen *g, int age)
{
    if (age < 0)
        age = 0;
    int64_t latest = anniversary(g, age), earliest = anniversary(g, age + 1) + 1;
    int64_t dob = earliest + (int64_t)seed_rng_below(&g->rng, (uint64_t)(latest - earliest + 1));
    return dob > g->as_of ? g->as_of : dob;
}

static int birth_year(int64_t day)
{
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    return y;
}

/* --- names --------------------------------------------------------------- */

char gen_sex(struct seed_gen *g)
{
    return seed_rng_chance(&g->rng, 0.51) ? 'M' : 'F';
}

int gen_group(struct seed_gen *g)
{
    return seed_list_pick(&g->t->group_weights, &g->rng)->ref;
}

void gen_family_name(struct seed_gen *g, int group, struct family_name *out)
{
    const struct seed_group *src = &g->t->groups[g->t->groups[group].surname_from];
    /* Real surnames have a long tail: the table's names cover about three in
     * ten British people; the rest get a rarer composed one. */
    if (strcmp(src->name, "british") == 0 && seed_rng_chance(&g->rng, 0.70)) {
        const char *pre = seed_list_pick(&g->t->prefixes, &g->rng)->text;
        const char *mid = seed_list_pick(&g->t->infixes, &g->rng)->text;
        const char *suf = seed_list_pick(&g->t->suffixes, &g->rng)->text;
        snprintf(out->male, sizeof out->male, "%s%s%s", pre, mid ? mid : "", suf);
        snprintf(out->female, sizeof out->female, "%s", out->male);
        return;
    }
    const struct seed_item *it = seed_list_pick(&src->surnames, &g->rng);
    snprintf(out->male, sizeof out->male, "%s", it->text);
    snprintf(out->female, sizeof out->female, "%s", it->female ? it->female : it->text);
}

/* First name and, for some, a middle name, from a group the person's group
 * takes forenames from. */
static void pick_forenames(struct seed_gen *g, int group, char sex, int64_t dob, char *out,
                           size_t size)
{
    const struct seed_group *grp = &g->t->groups[group];
    int src = seed_list_pick(&grp->forename_from, &g->rng)->ref;
    const struct seed_list *l = &g->t->groups[src].forenames[sex == 'F'][seed_era(birth_year(dob))];
    const char *first = seed_list_pick(l, &g->rng)->text;
    double middle = strcmp(g->t->groups[src].name, "british") == 0 ||
                            strcmp(g->t->groups[src].name, "irish") == 0
                        ? 0.45
                        : 0.2;
    const char *second = seed_rng_chance(&g->rng, middle) ? seed_list_pick(l, &g->rng)->text : NULL;
    if (second && strcmp(second, first) != 0)
        snprintf(out, size, "%s %s", first, second);
    else
        snprintf(out, size, "%s", first);
}

/* --- identifiers and codes ----------------------------------------------- */

static void next_nhs(struct seed_gen *g, char out[11])
{
    uint64_t seq = g->nhs_seq++;
    id_make_nhs((uint32_t)((seq * NHS_STRIDE + g->nhs_offset) % ID_SYNTHETIC_NHS_COUNT), out);
}

/* A school near the address: primary (2xxx) under 11, else secondary (4xxx),
 * numbered from the postcode district as DfE establishment numbers are by
 * phase; the UPN's year is the year the child started school. */
static void next_upn(struct seed_gen *g, const struct seed_address *a, int64_t dob, int age,
                     char out[14])
{
    /* A number per postcode district, below 200: ZY1..ZY99 give 0..99 and
     * ZX1..ZX99 100..199 (the two areas places.txt uses). */
    int district = 0;
    for (const char *s = a->postcode + 2; *s >= '0' && *s <= '9'; s++)
        district = district * 10 + (*s - '0');
    int zone = ((a->postcode[1] - 'A') * 100 + district) % 200;
    int est = age < 11 ? 2000 + zone * 5 + (int)seed_rng_below(&g->rng, 5)
                       : 4000 + zone * 2 + (int)seed_rng_below(&g->rng, 2);
    int year2 = (birth_year(dob) + 5) % 100;
    uint16_t *serial = &g->upn_serials[est * UPN_YEARS + year2];
    id_make_upn(ID_SYNTHETIC_UPN_LA, est, year2, (*serial)++ % 1000, out);
}

static const char *pick_disability(struct seed_gen *g, int64_t age)
{
    static const char *const child[] = {"LD", "AUT", "COMM", "BEH", "MOB", "HEAR", "VIS"};
    static const char *const adult[] = {"MOB", "LD", "DDA", "HAND"};
    static const char *const older[] = {"MOB", "VIS", "HEAR", "PC"};
    /* A child's record says "no disability" (NONE) rather than nothing: the
     * children in need census needs one or the other (rule 8540). So does a
     * young adult's, who was a child in the years the seed's work covers. */
    if (age < 18)
        return seed_rng_chance(&g->rng, 0.04) ? child[seed_rng_below(&g->rng, 7)] : "NONE";
    if (age < 65)
        return seed_rng_chance(&g->rng, 0.03) ? adult[seed_rng_below(&g->rng, 4)]
               : age < 30                     ? "NONE"
                                              : NULL;
    return seed_rng_chance(&g->rng, 0.15) ? older[seed_rng_below(&g->rng, 4)] : NULL;
}

/* When the record was made: some time in the eight years before the as-of
 * day (as if migrated from an older system), never before the birth, in
 * office hours. */
static int64_t created_at(struct seed_gen *g, int64_t dob)
{
    int64_t day = g->as_of - 1 - (int64_t)seed_rng_below(&g->rng, 8 * 365);
    if (day < dob)
        day = dob + (int64_t)seed_rng_below(&g->rng, (uint64_t)(g->as_of - dob) + 1);
    if (day >= g->as_of)
        day = g->as_of - 1;
    return day * CLOCK_SECONDS_PER_DAY + 8 * 3600 + (int64_t)seed_rng_below(&g->rng, 10 * 3600);
}

/* --- people -------------------------------------------------------------- */

static struct seed_person *new_slot(struct seed_cluster *c)
{
    /* Cluster shapes (gen_family.c) stay far below the limit; reaching it is a bug. */
    if (c->npeople == SEED_MAX_PEOPLE) {
        fprintf(stderr, "casework seed: a family cluster outgrew %d people\n", SEED_MAX_PEOPLE);
        abort();
    }
    struct seed_person *p = &c->people[c->npeople++];
    memset(p, 0, sizeof *p);
    return p;
}

struct seed_person *gen_person(struct seed_gen *g, struct seed_cluster *c, int group, char sex,
                               int64_t dob, const struct family_name *name, int address)
{
    struct seed_person *p = new_slot(c);
    const struct seed_group *grp = &g->t->groups[group];
    int64_t age = gen_age(g, dob);
    p->group = group;
    p->sex = sex;
    p->dob = dob;
    p->address = address;
    p->previous_address = -1;
    snprintf(p->surname, sizeof p->surname, "%s", sex == 'F' ? name->female : name->male);
    pick_forenames(g, group, sex, dob, p->forenames, sizeof p->forenames);
    double unknown = seed_rng_unit(&g->rng);
    p->ethnicity = unknown < 0.03 ? "NOBT" : unknown < 0.04 ? "REFU" : grp->ethnicity;
    p->language = seed_list_pick(age < 18 ? &grp->child_lang : &grp->adult_lang, &g->rng)->text;
    p->religion = seed_list_pick(&grp->religion, &g->rng)->text;
    p->status = age >= 18 ? seed_list_pick(&grp->status, &g->rng)->text : NULL;
    p->gender = seed_rng_chance(&g->rng, 0.5) ? (sex == 'M' ? "1" : "2") : NULL;
    if (seed_rng_chance(&g->rng, 0.9))
        next_nhs(g, p->nhs);
    /* A UPN stays with a pupil for life: anyone of school age at some time in
     * the ten years the seed's work covers may have one on the record (a young
     * adult whose children's case ran past 18 is still in the CIN census). */
    if (age >= 5 && age <= 28 && seed_rng_chance(&g->rng, 0.88))
        next_upn(g, &c->addresses[address], dob, (int)age, p->upn);
    p->disability = pick_disability(g, age);
    if (age >= 18 && seed_rng_chance(&g->rng, 0.4)) /* Ofcom's range for drama: never a real line */
        snprintf(p->phone, sizeof p->phone, "07700 900%03d", (int)seed_rng_below(&g->rng, 1000));
    if (age >= 75 && seed_rng_chance(&g->rng, 0.06)) {
        uint64_t span = (uint64_t)(g->as_of - dob < 3 * 365 ? g->as_of - dob : 3 * 365);
        p->dod = g->as_of - (int64_t)seed_rng_below(&g->rng, span);
    }
    p->created_at = created_at(g, dob);
    return p;
}

struct seed_person *gen_child(struct seed_gen *g, struct seed_cluster *c, int group_a, int group_b,
                              char sex, int64_t dob, const struct family_name *name, int address)
{
    if (group_a == group_b)
        return gen_person(g, c, group_a, sex, dob, name, address);
    struct seed_person *p = gen_person(g, c, seed_rng_chance(&g->rng, 0.5) ? group_a : group_b, sex,
                                       dob, name, address);
    enum seed_broad a = g->t->groups[group_a].broad, b = g->t->groups[group_b].broad;
    if (p->ethnicity && strcmp(p->ethnicity, "NOBT") && strcmp(p->ethnicity, "REFU")) {
        bool white = a == SEED_WHITE || b == SEED_WHITE;
        enum seed_broad other = a == SEED_WHITE ? b : a;
        p->ethnicity = !white || a == b          ? "MOTH"
                       : other == SEED_CARIBBEAN ? "MWBC"
                       : other == SEED_AFRICAN   ? "MWBA"
                       : other == SEED_ASIAN     ? "MWAS"
                                                 : "MOTH";
    }
    if (seed_rng_chance(&g->rng, 0.85))
        p->language = "ENG";
    return p;
}

void gen_take_surname(struct seed_gen *g, struct seed_person *p, const struct family_name *name,
                      int64_t from)
{
    const char *now = p->sex == 'F' ? name->female : name->male;
    if (strcmp(now, p->surname) == 0)
        return;
    if (seed_rng_chance(&g->rng, 0.4)) { /* the birth name is recorded for some */
        snprintf(p->previous_surname, sizeof p->previous_surname, "%s", p->surname);
        p->previous_to = from - 1 > p->dob ? from - 1 : p->dob;
    }
    snprintf(p->surname, sizeof p->surname, "%s", now);
}

/* --- addresses and relationships ----------------------------------------- */

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int gen_address(struct seed_gen *g, struct seed_cluster *c, int near_address)
{
    if (c->naddresses == SEED_MAX_ADDRESSES) {
        fprintf(stderr, "casework seed: a family cluster outgrew %d addresses\n",
                SEED_MAX_ADDRESSES);
        abort();
    }
    const struct seed_place *pl = NULL;
    if (near_address >= 0 && seed_rng_chance(&g->rng, 0.6)) /* family nearby: same town */
        for (size_t i = 0; i < g->places.n && !pl; i++)
            if (g->t->places[g->places.items[i].ref].town == c->addresses[near_address].town)
                pl = &g->t->places[g->places.items[i].ref];
    if (!pl)
        pl = &g->t->places[seed_list_pick(&g->places, &g->rng)->ref];
    struct seed_address *a = &c->addresses[c->naddresses];
    snprintf(a->postcode, sizeof a->postcode, "%s%d %d%s", pl->area,
             seed_rng_range(&g->rng, pl->first, pl->last), (int)seed_rng_below(&g->rng, 10),
             UNITS[seed_rng_below(&g->rng, 10)]);
    a->town = pl->town;
    /* One postcode, one street: the street is chosen by the postcode itself. */
    struct seed_rng street;
    seed_rng_init(&street, fnv1a(a->postcode));
    const char *stem = seed_list_pick(&g->t->stems, &street)->text;
    const char *type = seed_list_pick(&g->t->types, &street)->text;
    int number = seed_rng_range(&g->rng, 1, 160);
    if (seed_rng_chance(&g->rng, 0.12))
        snprintf(a->line1, sizeof a->line1, "Flat %d, %d %s %s", seed_rng_range(&g->rng, 1, 12),
                 number, stem, type);
    else
        snprintf(a->line1, sizeof a->line1, "%d %s %s", number, stem, type);
    return c->naddresses++;
}

void gen_rel(struct seed_cluster *c, int a, int b, const char *type, int64_t from, int64_t to)
{
    if (c->nrels == SEED_MAX_RELS) {
        fprintf(stderr, "casework seed: a family cluster outgrew %d relationships\n",
                SEED_MAX_RELS);
        abort();
    }
    c->rels[c->nrels++] = (struct seed_rel){a, b, type, from, to};
}

/* --- staff --------------------------------------------------------------- */

/* Lowercase a-z only (diacritics folded, the rest dropped), appended to out. */
static void ascii_letters(const char *name, char *out, size_t size)
{
    struct buf b = BUF_INIT;
    match_normalise(name, &b);
    size_t n = strlen(out);
    for (const char *s = b.data; *s && n + 1 < size; s++)
        if (*s >= 'a' && *s <= 'z')
            out[n++] = *s;
    out[n] = '\0';
    buf_release(&b);
}

static bool username_taken(const struct seed_gen *g, const char *name)
{
    for (size_t i = 0; i < g->nusernames; i++)
        if (strcmp(g->usernames[i], name) == 0)
            return true;
    return false;
}

bool seed_gen_staff_name(struct seed_gen *g, char username[64], char display_name[100])
{
    int group = gen_group(g);
    char sex = gen_sex(g), forenames[120];
    struct family_name family;
    gen_family_name(g, group, &family);
    const char *surname = sex == 'F' ? family.female : family.male;
    pick_forenames(g, group, sex, gen_dob_for_age(g, seed_rng_range(&g->rng, 23, 64)), forenames,
                   sizeof forenames);
    forenames[strcspn(forenames, " ")] = '\0';
    snprintf(display_name, 100, "%.40s %.58s", forenames, surname);
    char base[48] = "";
    ascii_letters(forenames, base, 20);
    size_t n = strlen(base);
    if (n + 2 < sizeof base) {
        base[n] = '.';
        base[n + 1] = '\0';
    }
    ascii_letters(surname, base, sizeof base);
    if (strlen(base) < 3 || base[0] < 'a' || base[0] > 'z')
        snprintf(base, sizeof base, "staff");
    snprintf(username, 64, "%s", base);
    for (int k = 2; username_taken(g, username); k++)
        snprintf(username, 64, "%s%d", base, k);
    if (g->nusernames % 256 == 0) {
        char(*grown)[64] = realloc(g->usernames, (g->nusernames + 256) * sizeof *grown);
        if (!grown)
            return false;
        g->usernames = grown;
    }
    memcpy(g->usernames[g->nusernames++], username, 64);
    return true;
}
