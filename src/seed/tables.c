#include "seed/tables.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"

extern const struct embedded_file embedded_seed_data[];
extern const size_t embedded_seed_data_count;

static const char *const file_names[SEED_FILES] = {
    "groups.txt", "forenames.txt", "surnames.txt", "surname_parts.txt",
    "places.txt", "streets.txt",   "services.txt",
};

enum { MAX_FIELDS = 12 };

const char *seed_file_name(enum seed_file f)
{
    return f < SEED_FILES ? file_names[f] : "?";
}

/* --- weighted lists ------------------------------------------------------ */

static bool list_add(struct seed_list *l, const char *text, const char *female, int ref,
                     uint64_t weight)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct seed_item *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return false;
        l->items = p;
        l->cap = cap;
    }
    uint64_t before = l->n ? l->items[l->n - 1].cum : 0;
    l->items[l->n++] = (struct seed_item){text, female, ref, before + weight};
    return true;
}

static void list_free(struct seed_list *l)
{
    free(l->items);
    memset(l, 0, sizeof *l);
}

uint64_t seed_list_total(const struct seed_list *l)
{
    return l->n ? l->items[l->n - 1].cum : 0;
}

const struct seed_item *seed_list_pick(const struct seed_list *l, struct seed_rng *r)
{
    uint64_t total = seed_list_total(l);
    if (!total)
        return NULL;
    uint64_t x = seed_rng_below(r, total);
    size_t lo = 0, hi = l->n - 1; /* the first item whose running total exceeds x */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->items[mid].cum > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return &l->items[lo];
}

int seed_era(int birth_year)
{
    return birth_year < 1970 ? 0 : birth_year < 2000 ? 1 : 2;
}

int seed_group_index(const struct seed_tables *t, const char *name)
{
    for (size_t i = 0; i < t->ngroups; i++)
        if (strcmp(t->groups[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* --- parsing ------------------------------------------------------------- */

struct parse {
    struct seed_tables *t;
    enum seed_file file;
    int line;
    struct err *e;
};

static bool bad(struct parse *p, const char *what)
{
    return err_set(p->e, ERR_INVALID, "", "bench/data/%s line %d: %s", file_names[p->file], p->line,
                   what);
}

static bool oom(struct parse *p)
{
    return err_set(p->e, ERR_NOMEM, "", "out of memory reading bench/data/%s", file_names[p->file]);
}

static bool number(struct parse *p, const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || errno || v > max || *s == '-' || *s == '+')
        return bad(p, "a number is expected");
    *out = v;
    return true;
}

/* "CODE:weight,CODE:weight" ("-" as CODE: not recorded) into l, in place. */
static bool code_weights(struct parse *p, char *s, struct seed_list *l)
{
    for (char *item = s; item && *item;) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        char *colon = strchr(item, ':');
        unsigned long w;
        if (!colon || colon == item)
            return bad(p, "a list of CODE:weight is expected");
        *colon = '\0';
        if (!number(p, colon + 1, 1000000, &w))
            return false;
        if (!list_add(l, strcmp(item, "-") == 0 ? NULL : item, NULL, -1, w))
            return oom(p);
        item = comma ? comma + 1 : NULL;
    }
    return l->n ? true : bad(p, "an empty list");
}

static bool on_group(struct parse *p, char **f, int n)
{
    struct seed_tables *t = p->t;
    if (n != 10)
        return bad(p, "10 columns are expected");
    if (seed_group_index(t, f[0]) >= 0)
        return bad(p, "the group is listed twice");
    struct seed_group *g = realloc(t->groups, (t->ngroups + 1) * sizeof *g);
    if (!g)
        return oom(p);
    t->groups = g;
    g = &t->groups[t->ngroups++];
    memset(g, 0, sizeof *g);
    g->name = f[0];
    g->ethnicity = f[3];
    g->surname_from = -1;
    g->surname_from_name = f[8];
    static const char *const broad[] = {"white", "asian", "african", "caribbean", "other"};
    g->broad = SEED_OTHER;
    bool known = false;
    for (int i = 0; i < 5; i++)
        if (strcmp(f[2], broad[i]) == 0) {
            g->broad = (enum seed_broad)i;
            known = true;
        }
    unsigned long w;
    if (!known)
        return bad(p, "broad must be white, asian, african, caribbean or other");
    if (!number(p, f[1], 1000000, &w) ||
        !list_add(&t->group_weights, g->name, NULL, (int)(t->ngroups - 1), w))
        return false;
    return code_weights(p, f[4], &g->adult_lang) && code_weights(p, f[5], &g->child_lang) &&
           code_weights(p, f[6], &g->religion) && code_weights(p, f[7], &g->forename_from) &&
           code_weights(p, f[9], &g->status);
}

static struct seed_group *group_named(struct parse *p, const char *name)
{
    int i = seed_group_index(p->t, name);
    if (i < 0) {
        bad(p, "the group is not in groups.txt");
        return NULL;
    }
    return &p->t->groups[i];
}

static bool on_forename(struct parse *p, char **f, int n)
{
    if (n != 6)
        return bad(p, "6 columns are expected: group, sex, name, three weights");
    struct seed_group *g = group_named(p, f[0]);
    if (!g)
        return false;
    if (strcmp(f[1], "M") != 0 && strcmp(f[1], "F") != 0)
        return bad(p, "sex must be M or F");
    int sex = f[1][0] == 'F';
    for (int era = 0; era < SEED_ERAS; era++) {
        unsigned long w;
        if (!number(p, f[3 + era], 1000000, &w))
            return false;
        if (w && !list_add(&g->forenames[sex][era], f[2], NULL, -1, w))
            return oom(p);
    }
    return true;
}

static bool on_surname(struct parse *p, char **f, int n)
{
    if (n != 3 && n != 4)
        return bad(p, "3 or 4 columns are expected: group, name, weight, female form");
    struct seed_group *g = group_named(p, f[0]);
    unsigned long w;
    if (!g || !number(p, f[2], 1000000, &w))
        return false;
    return list_add(&g->surnames, f[1], n == 4 ? f[3] : NULL, -1, w) ? true : oom(p);
}

/* "prefix|infix|suffix" or "stem|type": which list a row goes to ("-" is an
 * empty infix). */
static bool on_part(struct parse *p, char **f, int n, const char *const *kinds,
                    struct seed_list *const *lists)
{
    unsigned long w;
    if (n != 3)
        return bad(p, "3 columns are expected: kind, text, weight");
    if (!number(p, f[2], 1000000, &w))
        return false;
    for (int i = 0; kinds[i]; i++)
        if (strcmp(f[0], kinds[i]) == 0)
            return list_add(lists[i], strcmp(f[1], "-") == 0 ? NULL : f[1], NULL, -1, w) ? true
                                                                                         : oom(p);
    return bad(p, "unknown kind in the first column");
}

static bool on_place(struct parse *p, char **f, int n)
{
    struct seed_tables *t = p->t;
    unsigned long district, first, last, w;
    if (n != 6)
        return bad(p, "6 columns are expected");
    if (!number(p, f[0], 99, &district) || !number(p, f[3], 99, &first) ||
        !number(p, f[4], 99, &last) || !number(p, f[5], 1000000, &w))
        return false;
    if (district < 1 || first < 1 || last < first)
        return bad(p, "district must be 1 or more and the postcode districts a range");
    if (strlen(f[2]) != 2 || f[2][0] < 'A' || f[2][0] > 'Z' || f[2][1] < 'A' || f[2][1] > 'Z')
        return bad(p, "the postcode area must be two capital letters");
    struct seed_place *pl = realloc(t->places, (t->nplaces + 1) * sizeof *pl);
    if (!pl)
        return oom(p);
    t->places = pl;
    t->places[t->nplaces++] =
        (struct seed_place){(int)district, f[1], f[2], (int)first, (int)last, (unsigned)w};
    if ((int)district > t->ndistricts)
        t->ndistricts = (int)district;
    return true;
}

static bool on_service(struct parse *p, char **f, int n)
{
    unsigned long w;
    if (n != 2)
        return bad(p, "2 columns are expected: service, share");
    if (!number(p, f[1], 1000000, &w))
        return false;
    return list_add(&p->t->services, f[0], NULL, -1, w) ? true : oom(p);
}

static bool on_line(struct parse *p, char **f, int n)
{
    struct seed_tables *t = p->t;
    switch (p->file) {
    case SEED_FILE_GROUPS:
        return on_group(p, f, n);
    case SEED_FILE_FORENAMES:
        return on_forename(p, f, n);
    case SEED_FILE_SURNAMES:
        return on_surname(p, f, n);
    case SEED_FILE_SURNAME_PARTS: {
        static const char *const kinds[] = {"prefix", "infix", "suffix", NULL};
        struct seed_list *const lists[] = {&t->prefixes, &t->infixes, &t->suffixes};
        return on_part(p, f, n, kinds, lists);
    }
    case SEED_FILE_PLACES:
        return on_place(p, f, n);
    case SEED_FILE_STREETS: {
        static const char *const kinds[] = {"stem", "type", NULL};
        struct seed_list *const lists[] = {&t->stems, &t->types};
        return on_part(p, f, n, kinds, lists);
    }
    case SEED_FILE_SERVICES:
        return on_service(p, f, n);
    default:
        return bad(p, "unknown file");
    }
}

/* Cut one file into lines and TAB-separated fields, in place. */
static bool parse_file(struct parse *p, char *text)
{
    p->line = 0;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        p->line++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len && line[0] != '#') {
            char *f[MAX_FIELDS];
            int n = 0;
            for (char *field = line; field; n++) {
                if (n == MAX_FIELDS)
                    return bad(p, "too many columns");
                f[n] = field;
                field = strchr(field, '\t');
                if (field)
                    *field++ = '\0';
            }
            for (int i = 0; i < n; i++)
                if (!*f[i])
                    return bad(p, "an empty column (columns are separated by one TAB)");
            if (!on_line(p, f, n))
                return false;
        }
        line = nl ? nl + 1 : NULL;
    }
    return true;
}

/* Links between tables: forename and surname sources, and that nothing a
 * group draws from is empty. */
static bool resolve(struct parse *p)
{
    struct seed_tables *t = p->t;
    p->file = SEED_FILE_GROUPS;
    p->line = 0;
    for (size_t i = 0; i < t->ngroups; i++) {
        struct seed_group *g = &t->groups[i];
        const char *surname_group = g->surname_from_name;
        g->surname_from = seed_group_index(t, surname_group);
        if (g->surname_from < 0)
            return err_set(p->e, ERR_INVALID, "",
                           "bench/data/groups.txt: group %s takes surnames "
                           "from %s, which is not a group",
                           g->name, surname_group);
        if (!seed_list_total(&t->groups[g->surname_from].surnames))
            return err_set(p->e, ERR_INVALID, "", "bench/data/surnames.txt has no surnames for %s",
                           surname_group);
        for (size_t j = 0; j < g->forename_from.n; j++) {
            struct seed_item *it = &g->forename_from.items[j];
            it->ref = it->text ? seed_group_index(t, it->text) : -1;
            if (it->ref < 0)
                return err_set(p->e, ERR_INVALID, "",
                               "bench/data/groups.txt: group %s takes forenames from %s, which "
                               "is not a group",
                               g->name, it->text ? it->text : "-");
            for (int sex = 0; sex < 2; sex++)
                for (int era = 0; era < SEED_ERAS; era++)
                    if (!seed_list_total(&t->groups[it->ref].forenames[sex][era]))
                        return err_set(p->e, ERR_INVALID, "",
                                       "bench/data/forenames.txt has no %s forenames of era %d "
                                       "for %s",
                                       sex ? "female" : "male", era, it->text);
        }
    }
    if (!t->ngroups || !t->nplaces || !seed_list_total(&t->prefixes) ||
        !seed_list_total(&t->infixes) || !seed_list_total(&t->suffixes) ||
        !seed_list_total(&t->stems) || !seed_list_total(&t->types) || !t->services.n)
        return err_set(p->e, ERR_INVALID, "", "bench/data: a table is empty");
    return true;
}

struct seed_tables *seed_tables_parse(const char *const texts[SEED_FILES], struct err *e)
{
    struct seed_tables *t = calloc(1, sizeof *t);
    struct parse p = {t, SEED_FILE_GROUPS, 0, e};
    if (!t) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        return NULL;
    }
    for (int f = 0; f < SEED_FILES; f++) {
        p.file = (enum seed_file)f;
        t->storage[f] = strdup(texts[f] ? texts[f] : "");
        if (!t->storage[f]) {
            oom(&p);
            goto fail;
        }
        if (!parse_file(&p, t->storage[f]))
            goto fail;
    }
    if (resolve(&p))
        return t;
fail:
    seed_tables_free(t);
    return NULL;
}

struct seed_tables *seed_tables_load(struct err *e)
{
    const char *texts[SEED_FILES];
    for (int f = 0; f < SEED_FILES; f++) {
        const struct embedded_file *ef =
            embedded_find(embedded_seed_data, embedded_seed_data_count, file_names[f]);
        if (!ef) {
            err_set(e, ERR_INTERNAL, "", "bench/data/%s was not compiled in", file_names[f]);
            return NULL;
        }
        texts[f] = (const char *)ef->data;
    }
    return seed_tables_parse(texts, e);
}

void seed_tables_free(struct seed_tables *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ngroups; i++) {
        struct seed_group *g = &t->groups[i];
        struct seed_list *lists[] = {&g->adult_lang, &g->child_lang,    &g->religion,
                                     &g->status,     &g->forename_from, &g->surnames};
        for (size_t j = 0; j < sizeof lists / sizeof lists[0]; j++)
            list_free(lists[j]);
        for (int sex = 0; sex < 2; sex++)
            for (int era = 0; era < SEED_ERAS; era++)
                list_free(&g->forenames[sex][era]);
    }
    free(t->groups);
    free(t->places);
    struct seed_list *lists[] = {&t->group_weights, &t->prefixes, &t->infixes, &t->suffixes,
                                 &t->stems,         &t->types,    &t->services};
    for (size_t j = 0; j < sizeof lists / sizeof lists[0]; j++)
        list_free(lists[j]);
    for (int f = 0; f < SEED_FILES; f++)
        free(t->storage[f]);
    free(t);
}
