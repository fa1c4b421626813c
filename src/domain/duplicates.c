/*
 * The duplicates report. Designed for ~250,000 people in well under a minute:
 * one read of the people (the fields scoring needs, kept in memory for the
 * length of the call), one ordered pass over each selective key range of
 * person_keys (rows arrive grouped by key, so a group is paired as soon as the
 * key changes), a set of pairs already scored so a pair sharing several keys
 * is scored once, and a cap on very common keys.
 */
#include "domain/duplicates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "domain/matching.h"

static const char SQL_PEOPLE[] =
    "SELECT id, forenames, surname, COALESCE(dob, ''), COALESCE(nhs_number, ''),"
    " COALESCE(upn, ''), COALESCE(sex, ''), restricted FROM people"
    " WHERE merged_into IS NULL ORDER BY id";
/* The current address's postcode: the newest open address wins, as in search. */
static const char SQL_POSTCODES[] =
    "SELECT person_id, postcode FROM addresses WHERE to_date IS NULL AND postcode IS NOT NULL"
    " ORDER BY person_id, id";
static const char SQL_OTHER_SURNAMES[] = "SELECT person_id, surname FROM person_names";
static const char SQL_GRANTS[] = "SELECT person_id FROM person_grants WHERE user_id = :user_id";
static const char SQL_KEYS[] = "SELECT key, person_id FROM person_keys"
                               " WHERE key >= :lo AND key < :hi ORDER BY key, person_id";

/* The key ranges read, as [lo, hi): ';' follows ':' in ASCII. */
enum key_kind { KEY_EXACT, KEY_SURNAME_YEAR };
static const struct {
    const char *lo, *hi, *label;
    enum key_kind kind;
} key_ranges[] = {
    {"nhs:", "nhs;", "NHS number", KEY_EXACT},
    {"upn:", "upn;", "UPN", KEY_EXACT},
    {"d:", "d;", "date of birth", KEY_EXACT},
    {"p:", "p;", "surname sounding like", KEY_SURNAME_YEAR},
};

enum { SURNAME_KEYS = 4, SKIPPED_SHOWN = 5 };

struct dperson {
    int64_t id;
    const char *forenames, *surname, *dob, *nhs, *upn, *sex, *postcode;
    uint32_t surname_key[SURNAME_KEYS]; /* hashes of the phonetic keys of surnames */
    unsigned nsurname_keys;
    int year; /* of birth, 0 when unknown */
    bool hidden;
};

struct member {
    uint32_t idx;
    int year;
};

struct found {
    uint32_t a, b;
    int score;
};

struct scan {
    struct arena pool; /* the people's strings */
    struct dperson *p;
    size_t n, cap;
    uint64_t *seen; /* pair keys (a << 32 | b, a < b, so never 0); 0 is empty */
    size_t seen_n, seen_cap;
    struct found *found;
    size_t nfound, found_cap;
    struct member *group;
    size_t group_n, group_cap;
    int min_score;
    size_t pairs_scored, groups_skipped;
    struct buf skipped, scratch;
};

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static bool grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 1024;
    while (ncap < need)
        ncap *= 2;
    void *nv = realloc(*v, ncap * size);
    if (!nv)
        return false;
    *v = nv;
    *cap = ncap;
    return true;
}

static const struct dperson *find(const struct scan *s, int64_t id, size_t *idx)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->p[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == s->n || s->p[lo].id != id)
        return NULL;
    *idx = lo;
    return &s->p[lo];
}

/* The phonetic keys of a surname's tokens, as match_keys makes them. */
static void add_surname_keys(struct scan *s, struct dperson *d, const char *surname)
{
    buf_reset(&s->scratch);
    match_normalise(surname, &s->scratch);
    for (char *tok = s->scratch.data; *tok;) {
        char *end = strchr(tok, ' ');
        if (end)
            *end = '\0';
        char key[MATCH_PHONETIC_MAX];
        match_phonetic(tok, key, sizeof key);
        uint32_t h = fnv1a(key);
        bool have = !*key;
        for (unsigned i = 0; i < d->nsurname_keys && !have; i++)
            have = d->surname_key[i] == h;
        if (!have && d->nsurname_keys < SURNAME_KEYS)
            d->surname_key[d->nsurname_keys++] = h;
        if (!end)
            break;
        tok = end + 1;
    }
}

static int year_of(const char *dob)
{
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (dob[i] < '0' || dob[i] > '9')
            return 0;
        y = y * 10 + (dob[i] - '0');
    }
    return y;
}

static const char *keep(struct scan *s, struct store_stmt *st, int col)
{
    const char *v = store_col_text(st, col);
    return arena_strdup(&s->pool, v ? v : "");
}

static bool load_people(struct ctx *x, struct scan *s, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_PEOPLE, e);
    if (!st)
        return false;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (!grow((void **)&s->p, &s->cap, s->n + 1, sizeof *s->p))
            return err_set(e, ERR_NOMEM, "", "out of memory");
        struct dperson *d = &s->p[s->n++];
        memset(d, 0, sizeof *d);
        d->id = store_col_int64(st, 0);
        d->forenames = keep(s, st, 1);
        d->surname = keep(s, st, 2);
        d->dob = keep(s, st, 3);
        d->nhs = keep(s, st, 4);
        d->upn = keep(s, st, 5);
        d->sex = keep(s, st, 6);
        d->postcode = "";
        d->hidden = store_col_int64(st, 7) != 0; /* until a grant shows otherwise */
        if (!d->forenames || !d->surname || !d->dob || !d->nhs || !d->upn || !d->sex)
            return err_set(e, ERR_NOMEM, "", "out of memory");
        d->year = strlen(d->dob) == 10 ? year_of(d->dob) : 0;
        add_surname_keys(s, d, d->surname);
    }
    if (r == STORE_ERROR)
        return false;
    size_t idx;
    if (!(st = store_prepare(x->conn, SQL_POSTCODES, e)))
        return false;
    while ((r = store_step(st, e)) == STORE_ROW)
        if (find(s, store_col_int64(st, 0), &idx) && !(s->p[idx].postcode = keep(s, st, 1)))
            return err_set(e, ERR_NOMEM, "", "out of memory");
    if (r == STORE_ERROR || !(st = store_prepare(x->conn, SQL_OTHER_SURNAMES, e)))
        return false;
    /* A previous or alternative surname pairs a person too (a name changed on
     * marriage or adoption is a classic source of duplicates). */
    while ((r = store_step(st, e)) == STORE_ROW)
        if (find(s, store_col_int64(st, 0), &idx))
            add_surname_keys(s, &s->p[idx], store_col_text(st, 1));
    if (r == STORE_ERROR || !(st = store_prepare(x->conn, SQL_GRANTS, e)))
        return false;
    store_bind_int64(st, ":user_id", x->who ? x->who->user_id : 0);
    while ((r = store_step(st, e)) == STORE_ROW)
        if (find(s, store_col_int64(st, 0), &idx))
            s->p[idx].hidden = false;
    return r != STORE_ERROR &&
           (!buf_failed(&s->scratch) || err_set(e, ERR_NOMEM, "", "out of memory"));
}

static void as_match(const struct dperson *d, struct match_person *m)
{
    memset(m, 0, sizeof *m);
    m->forenames = d->forenames;
    m->surname = d->surname;
    if (strlen(d->dob) == 10) {
        m->dob_year = d->year;
        m->dob_month = (d->dob[5] - '0') * 10 + (d->dob[6] - '0');
        m->dob_day = (d->dob[8] - '0') * 10 + (d->dob[9] - '0');
    }
    m->nhs_number = *d->nhs ? d->nhs : NULL;
    m->upn = *d->upn ? d->upn : NULL;
    m->postcode = *d->postcode ? d->postcode : NULL;
    m->sex = *d->sex ? d->sex : NULL;
}

/* Score a pair. match_score weighs what the query gives, so the record with a
 * date of birth asks: a record without one then earns part of the date's
 * weight instead of the date not counting at all (the stricter reading). */
static int pair_score(const struct dperson *a, const struct dperson *b, struct match_explain *why)
{
    if (!a->year && b->year) {
        const struct dperson *t = a;
        a = b;
        b = t;
    }
    struct match_person ma, mb;
    as_match(a, &ma);
    as_match(b, &mb);
    return match_score(&ma, &mb, why);
}

/* Add a pair key; *fresh says whether it was new. */
static bool seen_add(struct scan *s, uint64_t key, bool *fresh)
{
    if (s->seen_n * 2 >= s->seen_cap) {
        size_t ncap = s->seen_cap ? s->seen_cap * 2 : 1 << 16;
        uint64_t *nv = calloc(ncap, sizeof *nv);
        if (!nv)
            return false;
        for (size_t i = 0; i < s->seen_cap; i++) {
            if (!s->seen[i])
                continue;
            size_t j = (size_t)((s->seen[i] * 0x9E3779B97F4A7C15ULL) >> 20) & (ncap - 1);
            while (nv[j])
                j = (j + 1) & (ncap - 1);
            nv[j] = s->seen[i];
        }
        free(s->seen);
        s->seen = nv;
        s->seen_cap = ncap;
    }
    size_t j = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 20) & (s->seen_cap - 1);
    for (; s->seen[j]; j = (j + 1) & (s->seen_cap - 1))
        if (s->seen[j] == key) {
            *fresh = false;
            return true;
        }
    s->seen[j] = key;
    s->seen_n++;
    *fresh = true;
    return true;
}

static bool score_pair(struct scan *s, uint32_t i, uint32_t j)
{
    if (i > j) {
        uint32_t t = i;
        i = j;
        j = t;
    }
    bool fresh;
    if (!seen_add(s, ((uint64_t)i << 32) | j, &fresh))
        return false;
    if (!fresh)
        return true;
    s->pairs_scored++;
    int score = pair_score(&s->p[i], &s->p[j], NULL);
    if (score < s->min_score)
        return true;
    if (!grow((void **)&s->found, &s->found_cap, s->nfound + 1, sizeof *s->found))
        return false;
    s->found[s->nfound++] = (struct found){i, j, score};
    return true;
}

/* Pair every two members of one group, unless it is too common to mean anything. */
static bool pair_all(struct scan *s, const struct member *m, size_t n, const char *label,
                     const char *value, int year)
{
    if (n < 2)
        return true;
    if (n > DUPLICATES_GROUP_CAP) {
        if (s->groups_skipped++ < SKIPPED_SHOWN) {
            buf_printf(&s->skipped, "%s%s %s", s->skipped.len ? "; " : "", label, value);
            if (year >= 0)
                buf_printf(&s->skipped, year ? ", born %d" : ", no date of birth", year);
            buf_printf(&s->skipped, " (%zu people)", n);
        }
        return true;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (!score_pair(s, m[i].idx, m[j].idx))
                return false;
    return true;
}

static int by_year(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* One key's people: exact keys pair everyone; a phonetic key pairs those whose
 * surname (not forename) has it, within each year of birth. */
static bool flush_group(struct scan *s, size_t range, const char *key)
{
    const char *value = key + strlen(key_ranges[range].lo);
    if (key_ranges[range].kind == KEY_EXACT)
        return pair_all(s, s->group, s->group_n, key_ranges[range].label, value, -1);
    uint32_t h = fnv1a(value);
    size_t n = 0;
    for (size_t i = 0; i < s->group_n; i++) {
        const struct dperson *d = &s->p[s->group[i].idx];
        for (unsigned k = 0; k < d->nsurname_keys; k++)
            if (d->surname_key[k] == h) {
                s->group[n++] = s->group[i];
                break;
            }
    }
    if (n > 1)
        qsort(s->group, n, sizeof *s->group, by_year);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s->group[j].year == s->group[i].year)
            j++;
        if (!pair_all(s, s->group + i, j - i, key_ranges[range].label, value, s->group[i].year))
            return false;
        i = j;
    }
    return true;
}

static bool scan_keys(struct ctx *x, struct scan *s, size_t range, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_KEYS, e);
    if (!st)
        return false;
    store_bind_text(st, ":lo", key_ranges[range].lo);
    store_bind_text(st, ":hi", key_ranges[range].hi);
    struct buf cur = BUF_INIT;
    bool ok = false;
    s->group_n = 0;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        const char *key = store_col_text(st, 0);
        if (!key)
            continue;
        if (strcmp(key, cur.data)) {
            if (cur.len && !flush_group(s, range, cur.data))
                goto oom;
            buf_reset(&cur);
            buf_puts(&cur, key);
            s->group_n = 0;
        }
        size_t idx;
        const struct dperson *d = find(s, store_col_int64(st, 1), &idx);
        if (!d || d->hidden)
            continue;
        if (!grow((void **)&s->group, &s->group_cap, s->group_n + 1, sizeof *s->group))
            goto oom;
        s->group[s->group_n++] = (struct member){(uint32_t)idx, d->year};
    }
    if (r == STORE_ERROR)
        goto done;
    if (cur.len && !flush_group(s, range, cur.data))
        goto oom;
    ok = !buf_failed(&cur) || err_set(e, ERR_NOMEM, "", "out of memory");
    goto done;
oom:
    err_set(e, ERR_NOMEM, "", "out of memory");
done:
    buf_release(&cur);
    return ok;
}

static int by_score(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    if (x->score != y->score)
        return y->score - x->score;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return x->b < y->b ? -1 : x->b > y->b;
}

static char *copy(struct ctx *x, const char *s)
{
    return arena_strdup(x->arena, s ? s : "");
}

static void candidate(struct ctx *x, const struct dperson *d, int score, struct person_candidate *c)
{
    *c = (struct person_candidate){d->id,
                                   score,
                                   NULL,
                                   copy(x, d->forenames),
                                   copy(x, d->surname),
                                   copy(x, d->dob),
                                   copy(x, d->nhs),
                                   copy(x, d->postcode),
                                   copy(x, d->sex)};
}

static bool build_result(struct ctx *x, struct scan *s, size_t limit, struct duplicates_report *out,
                         struct err *e)
{
    if (s->nfound > 1)
        qsort(s->found, s->nfound, sizeof *s->found, by_score);
    size_t n = s->nfound < limit ? s->nfound : limit;
    out->pairs = n ? arena_alloc(x->arena, n * sizeof *out->pairs) : NULL;
    if (n && !out->pairs)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    for (size_t i = 0; i < n; i++) {
        const struct dperson *a = &s->p[s->found[i].a], *b = &s->p[s->found[i].b];
        struct match_explain why;
        int score = pair_score(a, b, &why);
        struct duplicate_pair *dp = &out->pairs[i];
        dp->score = score;
        dp->reasons = copy(x, why.reasons);
        candidate(x, a, score, &dp->a);
        candidate(x, b, score, &dp->b);
        dp->a.reasons = dp->b.reasons = dp->reasons;
        if (!dp->reasons || !dp->a.sex || !dp->b.sex)
            return err_set(e, ERR_NOMEM, "", "out of memory");
    }
    out->npairs = n;
    out->total = s->nfound;
    out->people = s->n;
    out->pairs_scored = s->pairs_scored;
    out->groups_skipped = s->groups_skipped;
    out->skipped = copy(x, s->skipped.data);
    return out->skipped || err_set(e, ERR_NOMEM, "", "out of memory");
}

bool duplicates_report(struct ctx *x, int min_score, size_t limit, struct duplicates_report *out,
                       struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e))
        return false;
    if (min_score < 1 || min_score > 100)
        return err_set(e, ERR_INVALID, "min_score", "The lowest score must be from 1 to 100");
    if (limit < 1 || limit > DUPLICATES_LIMIT_MAX)
        return err_set(e, ERR_INVALID, "limit", "The number of pairs must be from 1 to %d",
                       DUPLICATES_LIMIT_MAX);
    struct scan s = {.pool = ARENA_INIT, .min_score = min_score};
    buf_init(&s.skipped, 0);
    buf_init(&s.scratch, 0);
    bool ok = false;
    /* One read transaction, so the people and their keys are one snapshot. */
    if (!store_begin(x->conn, false, e) || !load_people(x, &s, e))
        goto done;
    for (size_t i = 0; i < sizeof key_ranges / sizeof key_ranges[0]; i++)
        if (!scan_keys(x, &s, i, e))
            goto done;
    store_rollback(x->conn);
    if (!build_result(x, &s, limit, out, e))
        goto done;
    struct buf detail = BUF_INIT;
    buf_printf(&detail, "min_score=%d limit=%zu: %zu pairs (%zu scored, %zu common keys skipped)",
               min_score, limit, out->total, out->pairs_scored, out->groups_skipped);
    /* The report shows names and dates of birth across the database. */
    ok = store_begin(x->conn, true, e) &&
         ctx_audit(x, "person.duplicates", NULL, 0, NULL, detail.data, e) &&
         store_commit(x->conn, e);
    buf_release(&detail);
done:
    if (!ok)
        store_rollback(x->conn);
    arena_release(&s.pool);
    free(s.p);
    free(s.seen);
    free(s.found);
    free(s.group);
    buf_release(&s.skipped);
    buf_release(&s.scratch);
    return ok;
}
