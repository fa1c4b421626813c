#include "core/codelist.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/utf8.h"

/* Codes go into XML returns, URLs and form values: short, and from a character
 * set that needs no escaping anywhere. Labels are for people. */
#define CODE_MAX_CHARS 32
#define LABEL_MAX_BYTES 200

struct entry {
    char *code;
    char *label;
    int line; /* in the file, for error messages */
};

struct codelist {
    char *name;
    struct entry *entries; /* file order */
    size_t n, cap;
    const struct entry **by_code; /* sorted by code, for lookups */
};

struct codelist_set {
    struct codelist *lists; /* sorted by name */
    size_t n;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool code_char_ok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c && strchr("-_./+", c));
}

static void list_release(struct codelist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->entries[i].code);
        free(l->entries[i].label);
    }
    free(l->entries);
    free(l->by_code);
    free(l->name);
}

static bool add_entry(struct codelist *l, const char *code, size_t code_len, const char *label,
                      int line)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct entry *grown = realloc(l->entries, cap * sizeof *grown);
        if (!grown)
            return false;
        l->entries = grown;
        l->cap = cap;
    }
    struct entry *en = &l->entries[l->n];
    en->code = strndup(code, code_len);
    en->label = strdup(label);
    en->line = line;
    if (!en->code || !en->label) {
        free(en->code);
        free(en->label);
        return false;
    }
    l->n++;
    return true;
}

/* One line: blank, a '#' comment, or "CODE<TAB>Label" with one or more tabs. */
static bool parse_line(struct codelist *l, const char *path, int lineno, char *line, size_t len,
                       struct err *e)
{
    if (memchr(line, '\0', len))
        return err_set(e, ERR_INVALID, "", "%s line %d: contains a NUL byte, not text", path,
                       lineno);
    while (len > 0 && (is_blank(line[len - 1]) || line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    const char *p = line;
    while (is_blank(*p))
        p++;
    if (*p == '\0' || *p == '#')
        return true;

    const char *tab = strchr(p, '\t');
    size_t code_len = tab ? (size_t)(tab - p) : strlen(p);
    const char *space = memchr(p, ' ', code_len);
    if (space)
        return err_set(e, ERR_INVALID, "",
                       "%s line %d: '%.*s' is not a code (no spaces); separate the code from the "
                       "label with a tab: CODE<TAB>Label",
                       path, lineno, (int)(code_len > 40 ? 40 : code_len), p);
    if (!tab)
        return err_set(e, ERR_INVALID, "",
                       "%s line %d: code '%.*s' has no label; write CODE<TAB>Label", path, lineno,
                       (int)(code_len > 40 ? 40 : code_len), p);
    if (code_len > CODE_MAX_CHARS)
        return err_set(e, ERR_INVALID, "", "%s line %d: the code is longer than %d characters",
                       path, lineno, CODE_MAX_CHARS);
    for (size_t i = 0; i < code_len; i++)
        if (!code_char_ok(p[i]))
            return err_set(e, ERR_INVALID, "",
                           "%s line %d: code '%.*s' may only contain letters, digits and - _ . / +",
                           path, lineno, (int)code_len, p);

    const char *label = tab;
    while (*label == '\t')
        label++;
    size_t label_len = strlen(label);
    if (label_len > LABEL_MAX_BYTES)
        return err_set(e, ERR_INVALID, "", "%s line %d: the label is longer than %d bytes", path,
                       lineno, LABEL_MAX_BYTES);
    if (!utf8_valid(label, label_len))
        return err_set(e, ERR_INVALID, "", "%s line %d: the label is not valid UTF-8", path,
                       lineno);
    for (size_t i = 0; i < label_len; i++)
        if ((unsigned char)label[i] < 0x20 || label[i] == 0x7F)
            return err_set(e, ERR_INVALID, "",
                           "%s line %d: the label contains a tab or control character", path,
                           lineno);
    if (!add_entry(l, p, code_len, label, lineno))
        return err_set(e, ERR_NOMEM, "", "out of memory loading %s", path);
    return true;
}

static int cmp_entry_code(const void *a, const void *b)
{
    const struct entry *x = *(const struct entry *const *)a;
    const struct entry *y = *(const struct entry *const *)b;
    int c = strcmp(x->code, y->code);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Build the lookup index; a code twice in one list is an error, reported at
 * its first repeat in file order. */
static bool index_list(struct codelist *l, const char *path, struct err *e)
{
    if (l->n == 0)
        return err_set(e, ERR_INVALID, "", "%s: has no codes (write one CODE<TAB>Label per line)",
                       path);
    l->by_code = malloc(l->n * sizeof *l->by_code);
    if (!l->by_code)
        return err_set(e, ERR_NOMEM, "", "out of memory loading %s", path);
    for (size_t i = 0; i < l->n; i++)
        l->by_code[i] = &l->entries[i];
    qsort(l->by_code, l->n, sizeof *l->by_code, cmp_entry_code);
    const struct entry *repeat = NULL, *first = NULL, *group = l->by_code[0];
    for (size_t i = 1; i < l->n; i++) {
        if (strcmp(l->by_code[i]->code, group->code) != 0) {
            group = l->by_code[i];
            continue;
        }
        if (!repeat || l->by_code[i]->line < repeat->line) {
            repeat = l->by_code[i];
            first = group;
        }
    }
    if (repeat)
        return err_set(e, ERR_INVALID, "", "%s line %d: duplicate code '%s' (already on line %d)",
                       path, repeat->line, repeat->code, first->line);
    return true;
}

static bool load_list(struct codelist *l, const char *path, struct err *e)
{
    bool ok = false;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    int lineno = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(e, ERR_IO, "", "cannot open %s: %s", path, strerror(errno));
    while ((got = getline(&line, &line_cap, f)) != -1) {
        lineno++;
        if (!parse_line(l, path, lineno, line, (size_t)got, e))
            goto done;
    }
    if (ferror(f)) {
        err_set(e, ERR_IO, "", "cannot read %s: %s", path, strerror(errno));
        goto done;
    }
    ok = index_list(l, path, e);
done:
    free(line);
    (void)fclose(f); /* read-only: nothing buffered to lose */
    return ok;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The list names in dir: every "*.txt" except hidden files, sorted so loading
 * (and the first error reported) does not depend on directory order. */
static bool list_names(const char *dir, char ***names_out, size_t *n_out, struct err *e)
{
    char **names = NULL;
    size_t n = 0, cap = 0;
    bool ok = false;
    DIR *d = opendir(dir);
    if (!d)
        return err_set(e, ERR_IO, "", "cannot open the code list directory %s: %s", dir,
                       strerror(errno));
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= 4 || strcmp(de->d_name + len - 4, ".txt") != 0)
            continue;
        if (n == cap) {
            size_t grown_cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, grown_cap * sizeof *grown);
            if (!grown)
                goto nomem;
            names = grown;
            cap = grown_cap;
        }
        names[n] = strndup(de->d_name, len - 4);
        if (!names[n])
            goto nomem;
        n++;
        errno = 0;
    }
    if (errno) {
        err_set(e, ERR_IO, "", "cannot read the code list directory %s: %s", dir, strerror(errno));
        goto done;
    }
    if (n == 0) {
        err_set(e, ERR_IO, "", "the code list directory %s has no .txt files", dir);
        goto done;
    }
    qsort(names, n, sizeof *names, cmp_name);
    ok = true;
    goto done;
nomem:
    err_set(e, ERR_NOMEM, "", "out of memory listing %s", dir);
done:
    (void)closedir(d);
    if (!ok) {
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return false;
    }
    *names_out = names;
    *n_out = n;
    return true;
}

struct codelist_set *codelist_load_dir(const char *dir, struct err *e)
{
    char **names = NULL;
    size_t n = 0;
    struct buf path = BUF_INIT;
    if (!list_names(dir, &names, &n, e))
        return NULL;
    struct codelist_set *s = calloc(1, sizeof *s);
    if (s)
        s->lists = calloc(n, sizeof *s->lists);
    if (!s || !s->lists) {
        err_set(e, ERR_NOMEM, "", "out of memory loading code lists");
        goto fail;
    }
    size_t dir_len = strlen(dir);
    const char *sep = dir_len && dir[dir_len - 1] == '/' ? "" : "/";
    for (size_t i = 0; i < n; i++) {
        struct codelist *l = &s->lists[s->n++];
        l->name = names[i]; /* the set owns it from here */
        names[i] = NULL;
        buf_reset(&path);
        if (!buf_printf(&path, "%s%s%s.txt", dir, sep, l->name)) {
            err_set(e, ERR_NOMEM, "", "out of memory loading code lists");
            goto fail;
        }
        if (!load_list(l, path.data, e))
            goto fail;
    }
    free(names);
    buf_release(&path);
    return s;
fail:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    buf_release(&path);
    codelist_free_set(s);
    return NULL;
}

void codelist_free_set(struct codelist_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        list_release(&s->lists[i]);
    free(s->lists);
    free(s);
}

static int cmp_key_list(const void *key, const void *elem)
{
    return strcmp(key, ((const struct codelist *)elem)->name);
}

const struct codelist *codelist_get(const struct codelist_set *s, const char *name)
{
    if (!s || !name)
        return NULL;
    return bsearch(name, s->lists, s->n, sizeof *s->lists, cmp_key_list);
}

size_t codelist_set_count(const struct codelist_set *s)
{
    return s ? s->n : 0;
}

const struct codelist *codelist_set_at(const struct codelist_set *s, size_t i)
{
    return s && i < s->n ? &s->lists[i] : NULL;
}

const char *codelist_name(const struct codelist *l)
{
    return l ? l->name : NULL;
}

static int cmp_key_entry(const void *key, const void *elem)
{
    return strcmp(key, (*(const struct entry *const *)elem)->code);
}

static const struct entry *find(const struct codelist *l, const char *code)
{
    if (!l || !code)
        return NULL;
    const struct entry *const *at =
        bsearch(code, l->by_code, l->n, sizeof *l->by_code, cmp_key_entry);
    return at ? *at : NULL;
}

bool codelist_has(const struct codelist *l, const char *code)
{
    return find(l, code) != NULL;
}

const char *codelist_label(const struct codelist *l, const char *code)
{
    const struct entry *en = find(l, code);
    return en ? en->label : NULL;
}

size_t codelist_count(const struct codelist *l)
{
    return l ? l->n : 0;
}

void codelist_entry(const struct codelist *l, size_t i, const char **code, const char **label)
{
    const struct entry *en = l && i < l->n ? &l->entries[i] : NULL;
    if (code)
        *code = en ? en->code : NULL;
    if (label)
        *label = en ? en->label : NULL;
}
