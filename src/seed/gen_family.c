/*
 * The shapes of family clusters and how often each occurs. The shares are
 * rounded, plausible figures for England (about three in ten households one
 * person, a quarter couples with dependent children, one in ten a lone parent
 * and so on), tilted towards what a council's social care records hold: more
 * extended and blended families, and foster placements.
 */
#include <stdio.h>
#include <string.h>

#include "seed/gen_internal.h"

/* Ages drawn uniformly within a band; bands chosen by weight. */
struct band {
    int lo, hi, weight;
};

static const struct band SINGLE_AGES[] = {{18, 24, 10}, {25, 34, 14}, {35, 49, 16},
                                          {50, 64, 20}, {65, 79, 22}, {80, 99, 18}};
static const struct band COUPLE_AGES[] = {{20, 34, 20}, {35, 54, 15}, {55, 69, 30}, {70, 92, 35}};
static const struct band ELDEST_CHILD_AGES[] = {
    {0, 4, 25}, {5, 10, 30}, {11, 15, 28}, {16, 19, 17}};
static const struct band CHILDREN[] = {{1, 1, 38}, {2, 2, 40}, {3, 3, 15}, {4, 4, 5}, {5, 5, 2}};
static const struct band ADULT_CHILDREN[] = {{1, 1, 30}, {2, 2, 45}, {3, 3, 25}};

enum shape { SINGLE, COUPLE, NUCLEAR, LONE, BLENDED, EXTENDED, MULTIGEN, SHARED, FOSTER, SHAPES };
static const int SHAPE_WEIGHT[SHAPES] = {300, 210, 140, 75, 35, 150, 30, 30, 8};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int from_bands(struct seed_gen *g, const struct band *b, size_t n)
{
    int total = 0;
    for (size_t i = 0; i < n; i++)
        total += b[i].weight;
    int x = (int)seed_rng_below(&g->rng, (uint64_t)total);
    for (size_t i = 0; i < n; i++, x -= b[i - 1].weight)
        if (x < b[i].weight)
            return seed_rng_range(&g->rng, b[i].lo, b[i].hi);
    return b[n - 1].hi;
}

static int idx(const struct seed_cluster *c, const struct seed_person *p)
{
    return (int)(p - c->people);
}

/* The group of a partner: mostly the same, sometimes anyone's. */
static int partner_group(struct seed_gen *g, int group)
{
    return seed_rng_chance(&g->rng, 0.92) ? group : gen_group(g);
}

/* A day they married or got together: after the younger turned 18. */
static int64_t union_day(struct seed_gen *g, int64_t younger_dob)
{
    int64_t earliest = younger_dob + 18 * 365;
    if (earliest >= g->as_of)
        return g->as_of;
    return earliest + (int64_t)seed_rng_below(&g->rng, (uint64_t)(g->as_of - earliest));
}

struct couple {
    int a, b; /* a is the man in a mixed-sex couple */
    int group_a, group_b;
    struct family_name name; /* the family's (a's) surname */
    int64_t since;
};

/* Two adults at address, the first aged age; married couples mostly share
 * the man's surname, the wife's birth name kept for some. */
static void make_couple(struct seed_gen *g, struct seed_cluster *c, int group, int age, int address,
                        bool same_sex_ok, struct couple *out)
{
    out->group_a = group;
    out->group_b = partner_group(g, group);
    gen_family_name(g, out->group_a, &out->name);
    bool same_sex = same_sex_ok && seed_rng_chance(&g->rng, 0.03);
    char sex_b = same_sex ? (seed_rng_chance(&g->rng, 0.5) ? 'M' : 'F') : 'F';
    char sex_a = same_sex ? sex_b : 'M';
    struct seed_person *a =
        gen_person(g, c, out->group_a, sex_a, gen_dob_for_age(g, age), &out->name, address);
    int age_b = age + seed_rng_range(&g->rng, -6, 2);
    struct family_name own;
    gen_family_name(g, out->group_b, &own);
    struct seed_person *b = gen_person(g, c, out->group_b, sex_b,
                                       gen_dob_for_age(g, age_b < 18 ? 18 : age_b), &own, address);
    out->a = idx(c, a);
    out->b = idx(c, b);
    out->since = union_day(g, a->dob > b->dob ? a->dob : b->dob);
    bool married = seed_rng_chance(&g->rng, age >= 55 ? 0.8 : 0.55);
    if (married && seed_rng_chance(&g->rng, 0.8))
        gen_take_surname(g, b, &out->name, out->since);
    gen_rel(c, out->a, out->b, married ? "spouse" : "partner", out->since, 0);
}

/* Children of mother and father (either -1 when not in the cluster), eldest
 * aged eldest_age, at address; appended to kids. */
static void make_children(struct seed_gen *g, struct seed_cluster *c, int mother, int father,
                          int group_m, int group_f, const struct family_name *name, int eldest_age,
                          int n, int address, int *kids, int *nkids)
{
    int age = eldest_age;
    int64_t previous_dob = 0;
    for (int i = 0; i < n && age >= 0; i++) {
        bool twin = previous_dob && seed_rng_chance(&g->rng, 0.03);
        int64_t dob = twin ? previous_dob : gen_dob_for_age(g, age);
        struct seed_person *k = gen_child(g, c, group_m, group_f, gen_sex(g), dob, name, address);
        int ki = idx(c, k);
        if (mother >= 0)
            gen_rel(c, mother, ki, "mother", dob, 0);
        if (father >= 0)
            gen_rel(c, father, ki, "father", dob, 0);
        kids[(*nkids)++] = ki;
        previous_dob = dob;
        if (!twin)
            age -= seed_rng_range(&g->rng, 1, 5);
    }
}

static void siblings(struct seed_cluster *c, const int *kids, int from, int to, const char *type)
{
    for (int i = from; i < to; i++)
        for (int j = i + 1; j < to; j++)
            gen_rel(c, kids[i], kids[j], type, 0, 0);
}

static void single(struct seed_gen *g, struct seed_cluster *c, int group, int address)
{
    int age = from_bands(g, SINGLE_AGES, N(SINGLE_AGES));
    char sex = age >= 70 ? (seed_rng_chance(&g->rng, 0.62) ? 'F' : 'M') : gen_sex(g);
    struct family_name name, married;
    gen_family_name(g, group, &name);
    struct seed_person *p = gen_person(g, c, group, sex, gen_dob_for_age(g, age), &name, address);
    if (sex == 'F' && age >= 28 && seed_rng_chance(&g->rng, 0.4)) {
        gen_family_name(g, group, &married);
        gen_take_surname(g, p, &married, union_day(g, p->dob));
    }
}

/* A couple with their children at home. */
static void couple_with_children(struct seed_gen *g, struct seed_cluster *c, int group, int address)
{
    int eldest = from_bands(g, ELDEST_CHILD_AGES, N(ELDEST_CHILD_AGES));
    int n = from_bands(g, CHILDREN, N(CHILDREN));
    struct couple cp;
    make_couple(g, c, group, eldest + seed_rng_range(&g->rng, 20, 42), address, false, &cp);
    int kids[8], nkids = 0;
    make_children(g, c, cp.b, cp.a, cp.group_b, cp.group_a, &cp.name, eldest, n, address, kids,
                  &nkids);
    siblings(c, kids, 0, nkids, "sibling");
}

/* The end of a partnership some time after their youngest child was born. */
static int64_t parted(struct seed_gen *g, const struct seed_cluster *c, const int *kids, int nkids)
{
    int64_t day = (nkids ? c->people[kids[nkids - 1]].dob : g->as_of - 3650) +
                  seed_rng_range(&g->rng, 30, 1500);
    return day < g->as_of ? day : g->as_of - 1;
}

/* One parent with the children (mostly the mother); the other, in about
 * half the cases known, lives elsewhere. Returns the parent at home. */
static int lone_parent(struct seed_gen *g, struct seed_cluster *c, int group, int address,
                       int *kids, int *nkids, int *absent)
{
    int eldest = from_bands(g, ELDEST_CHILD_AGES, N(ELDEST_CHILD_AGES));
    int n = from_bands(g, CHILDREN, N(CHILDREN));
    int mother_age = eldest + seed_rng_range(&g->rng, 17, 38);
    int father_age = mother_age + seed_rng_range(&g->rng, -1, 6);
    bool father_stays = seed_rng_chance(&g->rng, 0.12);
    int other_group = partner_group(g, group);
    struct family_name own, other;
    gen_family_name(g, group, &own);
    gen_family_name(g, other_group, &other);
    int stays = idx(c, gen_person(g, c, group, father_stays ? 'M' : 'F',
                                  gen_dob_for_age(g, father_stays ? father_age : mother_age), &own,
                                  address));
    int left = -1;
    if (seed_rng_chance(&g->rng, 0.55))
        left = idx(c, gen_person(g, c, other_group, father_stays ? 'F' : 'M',
                                 gen_dob_for_age(g, father_stays ? mother_age : father_age), &other,
                                 gen_address(g, c, address)));
    const struct family_name *kid_name =
        left >= 0 && !father_stays && seed_rng_chance(&g->rng, 0.5) ? &other : &own;
    int mother = father_stays ? left : stays, father = father_stays ? stays : left;
    make_children(g, c, mother, father, father_stays ? other_group : group,
                  father_stays ? group : other_group, kid_name, eldest, n, address, kids, nkids);
    siblings(c, kids, 0, *nkids, "sibling");
    if (left >= 0)
        gen_rel(c, stays, left, "partner", union_day(g, c->people[stays].dob),
                parted(g, c, kids, *nkids));
    *absent = left;
    return stays;
}

/* A mother, her children by a former partner, her new partner and their
 * children: half-siblings, a step-parent, an ended partnership. */
static void blended(struct seed_gen *g, struct seed_cluster *c, int group, int address)
{
    int older[8], nolder = 0, absent;
    int mother = lone_parent(g, c, group, address, older, &nolder, &absent);
    if (c->people[mother].sex != 'F' || !nolder)
        return; /* a lone father: kept as he is */
    int64_t mother_age = gen_age(g, c->people[mother].dob);
    int youngest_older = (int)gen_age(g, c->people[older[nolder - 1]].dob);
    if (youngest_older < 2 || mother_age > 44)
        return; /* no room for a second family */
    int pgroup = partner_group(g, group);
    struct family_name pname;
    gen_family_name(g, pgroup, &pname);
    int partner =
        idx(c, gen_person(g, c, pgroup, 'M',
                          gen_dob_for_age(g, (int)mother_age + seed_rng_range(&g->rng, -3, 6)),
                          &pname, address));
    int64_t since = parted(g, c, older, nolder);
    gen_rel(c, mother, partner, "partner", since, 0);
    int kids[16], nkids = 0;
    for (int i = 0; i < nolder; i++)
        kids[nkids++] = older[i];
    make_children(g, c, mother, partner, group, pgroup, &pname,
                  youngest_older - 1 - seed_rng_range(&g->rng, 0, youngest_older - 2),
                  seed_rng_range(&g->rng, 1, 2), address, kids, &nkids);
    siblings(c, kids, nolder, nkids, "sibling");
    for (int i = 0; i < nolder; i++) {
        gen_rel(c, partner, older[i], "step_parent", since, 0);
        for (int j = nolder; j < nkids; j++)
            gen_rel(c, older[i], kids[j], "half_sibling", 0, 0);
    }
}

/* Grandparents (a couple, or one widowed) and one to three adult children in
 * households of their own, with the grandchildren: a three-generation family
 * in several addresses, usually in the same town. */
static void extended(struct seed_gen *g, struct seed_cluster *c, int group, int address)
{
    int gage = seed_rng_range(&g->rng, 60, 92);
    struct couple gp;
    make_couple(g, c, group, gage, address, false, &gp);
    bool widowed = seed_rng_chance(&g->rng, 0.35);
    if (widowed) { /* the last made is the wife: drop her, or him */
        if (seed_rng_chance(&g->rng, 0.6))
            c->people[gp.a] = c->people[gp.b];
        c->npeople--;
        c->nrels--;
        gp.b = -1;
    }
    int grandma = gp.b >= 0 ? gp.b : (c->people[gp.a].sex == 'F' ? gp.a : -1);
    int grandpa = c->people[gp.a].sex == 'M' ? gp.a : -1;
    int64_t mother_age = grandma >= 0 ? gen_age(g, c->people[grandma].dob) : gage;
    int adults[3], nadults = 0, n = from_bands(g, ADULT_CHILDREN, N(ADULT_CHILDREN));
    int grandkids[3][8], ngrand[3] = {0, 0, 0};
    for (int i = 0; i < n; i++) {
        int age = (int)mother_age - seed_rng_range(&g->rng, 22, 38);
        if (age < 18)
            break;
        int home = gen_address(g, c, address);
        char sex = gen_sex(g);
        struct seed_person *a = gen_child(g, c, gp.group_a, gp.b >= 0 ? gp.group_b : gp.group_a,
                                          sex, gen_dob_for_age(g, age), &gp.name, home);
        int ai = idx(c, a);
        adults[nadults++] = ai;
        if (grandma >= 0)
            gen_rel(c, grandma, ai, "mother", a->dob, 0);
        if (grandpa >= 0)
            gen_rel(c, grandpa, ai, "father", a->dob, 0);
        double what = seed_rng_unit(&g->rng);
        if (what < 0.2 || age < 21)
            continue; /* lives alone */
        int pgroup = partner_group(g, gp.group_a);
        struct family_name pname;
        gen_family_name(g, pgroup, &pname);
        char psex = sex == 'M' ? 'F' : 'M';
        int partner = idx(c, gen_person(g, c, pgroup, psex,
                                        gen_dob_for_age(g, age + seed_rng_range(&g->rng, -4, 4)),
                                        &pname, home));
        int64_t since =
            union_day(g, c->people[partner].dob > c->people[ai].dob ? c->people[partner].dob
                                                                    : c->people[ai].dob);
        bool married = seed_rng_chance(&g->rng, 0.6);
        const struct family_name *family = sex == 'M' ? &gp.name : &pname;
        if (married)
            gen_take_surname(g, sex == 'M' ? &c->people[partner] : &c->people[ai], family, since);
        gen_rel(c, ai, partner, married ? "spouse" : "partner", since, 0);
        if (what < 0.35 || age > 55)
            continue; /* a couple without children at home */
        int mother = sex == 'F' ? ai : partner, father = sex == 'M' ? ai : partner;
        int eldest = age - seed_rng_range(&g->rng, 20, 34);
        if (eldest < 0)
            continue;
        make_children(g, c, mother, father, c->people[mother].group, c->people[father].group,
                      family, eldest > 19 ? 19 : eldest, from_bands(g, CHILDREN, N(CHILDREN)), home,
                      grandkids[i], &ngrand[i]);
        siblings(c, grandkids[i], 0, ngrand[i], "sibling");
        for (int k = 0; k < ngrand[i]; k++) {
            if (grandma >= 0)
                gen_rel(c, grandma, grandkids[i][k], "grandparent", 0, 0);
            if (grandpa >= 0)
                gen_rel(c, grandpa, grandkids[i][k], "grandparent", 0, 0);
        }
    }
    siblings(c, adults, 0, nadults, "sibling");
    for (int i = 0; i < nadults; i++)
        for (int j = 0; j < nadults; j++)
            for (int k = 0; i != j && k < ngrand[j]; k++)
                if (seed_rng_chance(&g->rng, 0.4)) /* recorded for some */
                    gen_rel(c, adults[i], grandkids[j][k], "aunt_uncle", 0, 0);
    int eldest_gp = grandma >= 0 ? grandma : gp.a;
    if (nadults && gen_age(g, c->people[eldest_gp].dob) >= 78 && seed_rng_chance(&g->rng, 0.3))
        gen_rel(c, adults[seed_rng_below(&g->rng, (uint64_t)nadults)], eldest_gp, "carer", 0, 0);
}

/* A couple, their children and a grandparent under one roof. */
static void multigenerational(struct seed_gen *g, struct seed_cluster *c, int group, int address)
{
    int first = c->npeople;
    couple_with_children(g, c, group, address);
    struct seed_person *parent = &c->people[first + (seed_rng_chance(&g->rng, 0.7) ? 0 : 1)];
    int age = (int)gen_age(g, parent->dob) + seed_rng_range(&g->rng, 20, 34);
    /* The grandparent bears the parent's birth name: the recorded one, the
     * husband's own, or (a wife's unrecorded birth name) a new one. */
    int pi = idx(c, parent);
    struct family_name name;
    gen_family_name(g, parent->group, &name);
    const char *birth = parent->previous_surname[0] ? parent->previous_surname
                        : pi == first               ? parent->surname
                                                    : NULL;
    if (birth) {
        snprintf(name.male, sizeof name.male, "%s", birth);
        snprintf(name.female, sizeof name.female, "%s", birth);
    }
    struct seed_person *gp =
        gen_person(g, c, parent->group, seed_rng_chance(&g->rng, 0.65) ? 'F' : 'M',
                   gen_dob_for_age(g, age > 99 ? 99 : age), &name, address);
    int gi = idx(c, gp);
    gen_rel(c, gi, pi, gp->sex == 'F' ? "mother" : "father", c->people[pi].dob, 0);
    for (int k = first + 2; k < gi; k++)
        gen_rel(c, gi, k, "grandparent", 0, 0);
}

/* Two to four unrelated adults sharing a house. */
static void shared(struct seed_gen *g, struct seed_cluster *c, int address)
{
    int n = seed_rng_range(&g->rng, 2, 4), first = c->npeople;
    for (int i = 0; i < n; i++) {
        int group = gen_group(g);
        struct family_name name;
        gen_family_name(g, group, &name);
        gen_person(g, c, group, gen_sex(g), gen_dob_for_age(g, seed_rng_range(&g->rng, 19, 35)),
                   &name, address);
    }
    if (seed_rng_chance(&g->rng, 0.3))
        gen_rel(c, first, first + 1, "friend", 0, 0);
}

/* Foster carers and the children placed with them; some children's birth
 * mothers are known and live elsewhere. */
static void foster(struct seed_gen *g, struct seed_cluster *c, int group, int address)
{
    struct couple cp;
    make_couple(g, c, group, seed_rng_range(&g->rng, 40, 64), address, true, &cp);
    int n = seed_rng_range(&g->rng, 1, 3);
    for (int i = 0; i < n; i++) {
        int cgroup = gen_group(g);
        struct family_name name;
        gen_family_name(g, cgroup, &name);
        struct seed_person *k =
            gen_person(g, c, cgroup, gen_sex(g), gen_dob_for_age(g, seed_rng_range(&g->rng, 0, 17)),
                       &name, address);
        int ki = idx(c, k);
        int64_t placed = g->as_of - seed_rng_range(&g->rng, 30, 1500);
        if (placed < k->dob)
            placed = k->dob;
        gen_rel(c, cp.a, ki, "foster_carer", placed, 0);
        gen_rel(c, cp.b, ki, "foster_carer", placed, 0);
        if (seed_rng_chance(&g->rng, 0.6)) {
            int age = (int)gen_age(g, k->dob) + seed_rng_range(&g->rng, 16, 35);
            struct seed_person *m = gen_person(g, c, cgroup, 'F', gen_dob_for_age(g, age), &name,
                                               gen_address(g, c, address));
            gen_rel(c, idx(c, m), ki, "mother", c->people[ki].dob, 0);
        }
    }
}

/* Some households moved in the last eight years: their members born before
 * the move have the old address too, ended the day before. */
static void some_moved(struct seed_gen *g, struct seed_cluster *c)
{
    int homes = c->naddresses;
    for (int h = 0; h < homes; h++) {
        if (!seed_rng_chance(&g->rng, 0.15))
            continue;
        int before = gen_address(g, c, h);
        int64_t moved = g->as_of - seed_rng_range(&g->rng, 30, 3000);
        for (int i = 0; i < c->npeople; i++)
            if (c->people[i].address == h && c->people[i].dob < moved) {
                c->people[i].previous_address = before;
                c->people[i].moved_in = moved;
            }
    }
}

void gen_family_cluster(struct seed_gen *g, struct seed_cluster *c)
{
    c->npeople = c->naddresses = c->nrels = 0;
    int group = gen_group(g);
    int weight[SHAPES], total = 0;
    for (int s = 0; s < SHAPES; s++) {
        weight[s] = SHAPE_WEIGHT[s];
        if (s == MULTIGEN && g->t->groups[group].broad == SEED_ASIAN)
            weight[s] *= 4; /* more common in South Asian families */
        total += weight[s];
    }
    int x = (int)seed_rng_below(&g->rng, (uint64_t)total), shape = 0;
    while (x >= weight[shape])
        x -= weight[shape++];
    int address = gen_address(g, c, -1), kids[8], nkids = 0, absent;
    struct couple cp;
    switch ((enum shape)shape) {
    case SINGLE:
        single(g, c, group, address);
        break;
    case COUPLE:
        make_couple(g, c, group, from_bands(g, COUPLE_AGES, N(COUPLE_AGES)), address, true, &cp);
        break;
    case NUCLEAR:
        couple_with_children(g, c, group, address);
        break;
    case LONE:
        lone_parent(g, c, group, address, kids, &nkids, &absent);
        break;
    case BLENDED:
        blended(g, c, group, address);
        break;
    case EXTENDED:
        extended(g, c, group, address);
        break;
    case MULTIGEN:
        multigenerational(g, c, group, address);
        break;
    case SHARED:
        shared(g, c, address);
        break;
    default:
        foster(g, c, group, address);
        break;
    }
    some_moved(g, c);
}
