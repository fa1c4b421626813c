/*
 * workflow_def: loading a directory of definitions, the problem reporting the
 * checks share, the canonical hash, lookups and due instants. The checks
 * themselves are in workflow_parse.c (one object at a time) and
 * workflow_graph.c (across steps).
 */
#include "domain/workflow_def.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/jsonpos.h"
#include "domain/workflow_internal.h"

struct workflow_set {
    struct workflow_def **defs; /* pathway, then version order */
    size_t n;
};

/* ---- problem reporting -------------------------------------------------- */

bool wl_valid_id(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z'))
        return false;
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
            return false;
    return n <= WORKFLOW_ID_MAX;
}

const char *wl_at(struct workflow_loader *ld, const char *fmt, ...)
{
    /* Formatted into a fresh buffer first: an argument may point into the old one. */
    struct buf fresh = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&fresh, fmt, ap);
    va_end(ap);
    buf_release(&ld->pointer);
    ld->pointer = fresh;
    return ld->pointer.data;
}

/* "/steps/3/timescale/from" as people read it: "steps[3].timescale.from". */
static void display_path(struct buf *out, const char *pointer)
{
    for (const char *p = pointer; *p == '/';) {
        const char *seg = ++p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - seg);
        bool index = len > 0 && strspn(seg, "0123456789") >= len;
        if (index) {
            buf_printf(out, "[%.*s]", (int)len, seg);
            continue;
        }
        if (out->len)
            buf_putc(out, '.');
        for (const char *q = seg; q < p; q++) {
            if (*q == '~' && q + 1 < p && (q[1] == '0' || q[1] == '1')) {
                buf_putc(out, q[1] == '1' ? '/' : '~');
                q++;
            } else {
                buf_putc(out, *q);
            }
        }
    }
}

void wl_problem(struct workflow_loader *ld, const char *pointer, const char *fmt, ...)
{
    if (++ld->nproblems > WORKFLOW_MAX_PROBLEMS) {
        if (ld->nproblems == WORKFLOW_MAX_PROBLEMS + 1 && ld->problems)
            buf_printf(ld->problems, "%s: more than %d problems; the rest are not listed\n",
                       ld->source, WORKFLOW_MAX_PROBLEMS);
        return;
    }
    int line = jsonpos_line(ld->text, ld->len, pointer);
    struct buf msg = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    if (ld->problems)
        buf_printf(ld->problems, "%s line %d: %s\n", ld->source, line, msg.data);
    if (ld->e && ld->e->code == ERR_NONE) {
        struct buf path = BUF_INIT;
        display_path(&path, pointer);
        err_set(ld->e, ERR_INVALID, path.data, "%s line %d: %s", ld->source, line, msg.data);
        buf_release(&path);
    }
    buf_release(&msg);
}

void wl_nomem(struct workflow_loader *ld)
{
    ld->nproblems++;
    err_set(ld->e, ERR_NOMEM, "", "out of memory loading %s", ld->source);
}

/* ---- one definition ------------------------------------------------------- */

/* SHA-256 of the JSON with keys sorted and no whitespace: re-indenting a file or
 * reordering its keys is not a change; anything else is. */
static bool canonical_hash(json_t *root, char out[WORKFLOW_HASH_HEX + 1])
{
    char *canonical = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    if (!canonical || sodium_init() < 0) {
        free(canonical);
        return false;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)canonical, strlen(canonical));
    free(canonical);
    sodium_bin2hex(out, WORKFLOW_HASH_HEX + 1, digest, sizeof digest);
    return true;
}

void workflow_def_free(struct workflow_def *d)
{
    if (!d)
        return;
    arena_release(&d->arena);
    free(d);
}

/* As workflow_def_parse_text, but e keeps the first problem of earlier calls. */
static struct workflow_def *parse_one(const char *text, size_t len, const char *source,
                                      const struct codelist_set *codes, struct buf *problems,
                                      struct err *e)
{
    struct workflow_def *d = calloc(1, sizeof *d);
    struct workflow_loader ld = {.d = d,
                                 .source = source,
                                 .text = text,
                                 .len = len,
                                 .codes = codes,
                                 .problems = problems,
                                 .e = e};
    json_t *root = NULL;
    if (!d) {
        wl_nomem(&ld);
        return NULL;
    }
    if (len > WORKFLOW_MAX_FILE_BYTES) {
        wl_problem(&ld, "",
                   "larger than %d bytes: a definition this big cannot be checked by "
                   "people, split the pathway",
                   WORKFLOW_MAX_FILE_BYTES);
        goto fail;
    }
    json_error_t jerr;
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        /* A syntax error: jansson knows the line, jsonpos cannot help. */
        ld.nproblems++;
        if (problems)
            buf_printf(problems, "%s line %d: not valid JSON: %s\n", source, jerr.line, jerr.text);
        if (e && e->code == ERR_NONE)
            err_set(e, ERR_INVALID, "", "%s line %d: not valid JSON: %s", source, jerr.line,
                    jerr.text);
        goto fail;
    }
    d->source = arena_strdup(&d->arena, source);
    d->text = arena_strndup(&d->arena, text, len);
    d->text_len = len;
    if (!d->source || !d->text) {
        wl_nomem(&ld);
        goto fail;
    }
    workflow_parse_root(&ld, root);
    workflow_check_graph(&ld);
    if (ld.nproblems == 0 && !canonical_hash(root, d->hash))
        wl_nomem(&ld);
    if (ld.nproblems)
        goto fail;
    json_decref(root);
    buf_release(&ld.pointer);
    return d;
fail:
    json_decref(root);
    buf_release(&ld.pointer);
    workflow_def_free(d);
    return NULL;
}

struct workflow_def *workflow_def_parse_text(const char *text, size_t len, const char *source,
                                             const struct codelist_set *codes, struct buf *problems,
                                             struct err *e)
{
    struct err unused = ERR_INIT;
    if (!e)
        e = &unused; /* the problems are still counted and listed */
    err_clear(e);
    return parse_one(text ? text : "", text ? len : 0, source ? source : "(text)", codes, problems,
                     e);
}

/* ---- a directory ---------------------------------------------------------- */

/* "children.v12.json" -> pathway "children", version 12; false if the name does
 * not have that shape (no leading zeros, so one version has one name). */
static bool parse_file_name(const char *name, char *pathway, size_t size, int *version)
{
    const char *v = strstr(name, ".v");
    size_t plen = v ? (size_t)(v - name) : 0;
    if (!v || plen == 0 || plen >= size)
        return false;
    memcpy(pathway, name, plen);
    pathway[plen] = '\0';
    const char *digits = v + 2, *p = digits;
    long n = 0;
    while (*p >= '0' && *p <= '9' && n <= 1000000)
        n = n * 10 + (*p++ - '0');
    if (p == digits || (*digits == '0') || n > 1000000 || strcmp(p, ".json") != 0)
        return false;
    *version = (int)n;
    return wl_valid_id(pathway);
}

static bool read_file(const char *path, struct buf *out, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, ERR_IO, "", "cannot open %s: %s", path, strerror(errno));
    char chunk[8192];
    size_t got;
    bool ok = true;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (!buf_append(out, chunk, got)) {
            ok = err_set(e, ERR_NOMEM, "", "out of memory reading %s", path);
            break;
        }
        if (out->len > WORKFLOW_MAX_FILE_BYTES)
            break; /* enough to say it is too big */
    }
    if (ok && ferror(f))
        ok = err_set(e, ERR_IO, "", "cannot read %s: %s", path, strerror(errno));
    (void)fclose(f); /* read-only */
    return ok;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_def(const void *a, const void *b)
{
    const struct workflow_def *x = *(struct workflow_def *const *)a;
    const struct workflow_def *y = *(struct workflow_def *const *)b;
    int c = strcmp(x->pathway, y->pathway);
    return c ? c : (x->version > y->version) - (x->version < y->version);
}

/* The *.json names in dir, sorted so the order of problems does not depend on
 * the file system. */
static char **list_json(const char *dir, size_t *n_out, struct err *e)
{
    DIR *d = opendir(dir);
    if (!d) {
        err_set(e, ERR_IO, "", "cannot open the workflow directory %s: %s", dir, strerror(errno));
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            size_t grown_cap = cap ? cap * 2 : 8;
            char **grown = realloc(names, grown_cap * sizeof *grown);
            if (!grown)
                goto nomem;
            names = grown;
            cap = grown_cap;
        }
        if (!(names[n] = strdup(de->d_name)))
            goto nomem;
        n++;
    }
    (void)closedir(d);
    if (n == 0) {
        free(names);
        err_set(e, ERR_IO, "", "no workflow definitions (*.json) in %s", dir);
        return NULL;
    }
    qsort(names, n, sizeof *names, cmp_name);
    *n_out = n;
    return names;
nomem:
    (void)closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    err_set(e, ERR_NOMEM, "", "out of memory listing %s", dir);
    return NULL;
}

/* A problem in an already parsed definition (its name, its domain). */
static void def_problem(struct workflow_def *d, struct buf *problems, struct err *e,
                        const char *pointer, const char *fmt, const char *a, const char *b)
{
    struct workflow_loader ld = {.d = d,
                                 .source = d->source,
                                 .text = d->text,
                                 .len = d->text_len,
                                 .problems = problems,
                                 .e = e};
    wl_problem(&ld, pointer, fmt, a, b);
}

struct workflow_set *workflow_set_load_dir(const char *dir, const struct codelist_set *codes,
                                           struct buf *problems, struct err *e)
{
    struct err unused = ERR_INIT;
    if (!e)
        e = &unused; /* the problems are still counted and listed */
    err_clear(e);
    size_t nfiles = 0;
    char **names = list_json(dir, &nfiles, e);
    if (!names)
        return NULL;
    struct workflow_set *s = calloc(1, sizeof *s);
    if (s)
        s->defs = calloc(nfiles, sizeof *s->defs);
    if (!s || !s->defs) {
        err_set(e, ERR_NOMEM, "", "out of memory loading workflows");
        goto done;
    }
    struct buf path = BUF_INIT, text = BUF_INIT;
    size_t dlen = strlen(dir);
    const char *sep = dlen && dir[dlen - 1] == '/' ? "" : "/";
    for (size_t i = 0; i < nfiles; i++) {
        buf_reset(&path);
        buf_reset(&text);
        buf_printf(&path, "%s%s%s", dir, sep, names[i]);
        char pathway[WORKFLOW_ID_MAX + 1];
        int version = 0;
        if (!parse_file_name(names[i], pathway, sizeof pathway, &version)) {
            if (problems)
                buf_printf(problems,
                           "%s: name a definition <pathway>.v<version>.json, e.g. "
                           "children.v2.json\n",
                           path.data);
            if (e->code == ERR_NONE)
                err_set(e, ERR_INVALID, "",
                        "%s: name a definition <pathway>.v<version>.json, e.g. children.v2.json",
                        path.data);
            continue;
        }
        struct err re = ERR_INIT;
        if (buf_failed(&path) || !read_file(path.data, &text, &re)) {
            if (problems)
                buf_printf(problems, "%s\n", re.message);
            if (e->code == ERR_NONE)
                *e = re;
            continue;
        }
        struct workflow_def *d = parse_one(text.data, text.len, path.data, codes, problems, e);
        if (!d)
            continue;
        s->defs[s->n++] = d;
        char named[16], inside[16];
        snprintf(named, sizeof named, "%d", version);
        snprintf(inside, sizeof inside, "%d", d->version);
        if (strcmp(d->pathway, pathway) != 0)
            def_problem(d, problems, e, "/pathway",
                        "the file name says pathway '%s' but the file says '%s'", pathway,
                        d->pathway);
        if (d->version != version)
            def_problem(d, problems, e, "/version",
                        "the file name says version %s but the file says %s", named, inside);
    }
    buf_release(&path);
    buf_release(&text);
    qsort(s->defs, s->n, sizeof *s->defs, cmp_def);
    for (size_t i = 1; i < s->n; i++) {
        struct workflow_def *prev = s->defs[i - 1], *d = s->defs[i];
        if (strcmp(prev->pathway, d->pathway) == 0 && prev->domain != d->domain)
            def_problem(d, problems, e, "/domain",
                        "domain '%s' differs from an earlier version's ('%s'): a pathway keeps "
                        "its domain",
                        workflow_domain_name(d->domain), workflow_domain_name(prev->domain));
    }
done:
    for (size_t i = 0; i < nfiles; i++)
        free(names[i]);
    free(names);
    if (e->code != ERR_NONE) {
        workflow_set_free(s);
        return NULL;
    }
    return s;
}

void workflow_set_free(struct workflow_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        workflow_def_free(s->defs[i]);
    free(s->defs);
    free(s);
}

size_t workflow_set_count(const struct workflow_set *s)
{
    return s ? s->n : 0;
}

const struct workflow_def *workflow_set_at(const struct workflow_set *s, size_t i)
{
    return s && i < s->n ? s->defs[i] : NULL;
}

const struct workflow_def *workflow_set_newest(const struct workflow_set *s, const char *pathway)
{
    const struct workflow_def *best = NULL;
    for (size_t i = 0; s && pathway && i < s->n; i++)
        if (strcmp(s->defs[i]->pathway, pathway) == 0)
            best = s->defs[i]; /* version order: the last one is the newest */
    return best;
}

const struct workflow_def *workflow_set_get(const struct workflow_set *s, const char *pathway,
                                            int version)
{
    for (size_t i = 0; s && pathway && i < s->n; i++)
        if (s->defs[i]->version == version && strcmp(s->defs[i]->pathway, pathway) == 0)
            return s->defs[i];
    return NULL;
}

/* ---- accessors ---------------------------------------------------------------- */

const char *workflow_def_pathway(const struct workflow_def *d)
{
    return d->pathway;
}

int workflow_def_version(const struct workflow_def *d)
{
    return d->version;
}

const char *workflow_def_title(const struct workflow_def *d)
{
    return d->title;
}

enum workflow_domain workflow_def_domain(const struct workflow_def *d)
{
    return d->domain;
}

const char *workflow_def_source(const struct workflow_def *d)
{
    return d->source;
}

const char *workflow_def_hash(const struct workflow_def *d)
{
    return d->hash;
}

const char *workflow_def_text(const struct workflow_def *d, size_t *len)
{
    if (len)
        *len = d->text_len;
    return d->text;
}

size_t workflow_def_step_count(const struct workflow_def *d)
{
    return d->nsteps;
}

const struct workflow_step *workflow_def_step_at(const struct workflow_def *d, size_t i)
{
    return i < d->nsteps ? &d->steps[i] : NULL;
}

static int cmp_key_step(const void *key, const void *elem)
{
    return strcmp(key, (*(const struct workflow_step *const *)elem)->id);
}

const struct workflow_step *workflow_def_step(const struct workflow_def *d, const char *id)
{
    if (!id)
        return NULL;
    const struct workflow_step *const *at =
        bsearch(id, d->by_id, d->nby_id, sizeof *d->by_id, cmp_key_step);
    return at ? *at : NULL;
}

size_t workflow_def_start_count(const struct workflow_def *d)
{
    return d->nstarts;
}

const struct workflow_step *workflow_def_start_at(const struct workflow_def *d, size_t i)
{
    return i < d->nstarts ? d->starts[i] : NULL;
}

size_t workflow_def_setting_count(const struct workflow_def *d)
{
    return d->nsettings;
}

const struct workflow_setting *workflow_def_setting_at(const struct workflow_def *d, size_t i)
{
    return i < d->nsettings ? &d->settings[i] : NULL;
}

const struct workflow_outcome *workflow_step_outcome(const struct workflow_step *s, const char *id)
{
    for (size_t i = 0; s && id && i < s->noutcomes; i++)
        if (strcmp(s->outcomes[i].id, id) == 0)
            return &s->outcomes[i];
    return NULL;
}

const struct workflow_field *workflow_step_field(const struct workflow_step *s, const char *name)
{
    for (size_t i = 0; s && name && i < s->nfields; i++)
        if (strcmp(s->fields[i].name, name) == 0)
            return &s->fields[i];
    return NULL;
}

bool workflow_field_required(const struct workflow_field *f, const char *outcome)
{
    if (f->mandatory)
        return true;
    for (size_t i = 0; outcome && i < f->nmandatory_for; i++)
        if (!strcmp(f->mandatory_for[i], outcome))
            return true;
    return false;
}

bool workflow_step_allows_role(const struct workflow_step *s, enum role r)
{
    return s && (unsigned)r < ROLE_COUNT && (s->roles >> r) & 1u;
}

/* ---- due instants ---------------------------------------------------------------- */

/* Whether name is "<step>.<kind>" (or "case.received" when step is NULL). */
static bool event_is(const char *name, const char *step, const char *kind)
{
    if (!step)
        return strcmp(name, "case.received") == 0;
    size_t n = strlen(step);
    return strncmp(name, step, n) == 0 && name[n] == '.' && strcmp(name + n + 1, kind) == 0;
}

/* The latest instant of the event r counts from (for step s); false if none. */
static bool anchor_at(const struct workflow_step *s, const struct workflow_rule *r,
                      const struct workflow_event *events, size_t n, int64_t *at)
{
    const char *step = NULL, *kind = "";
    switch (r->from) {
    case WORKFLOW_FROM_CASE_RECEIVED:
        break;
    case WORKFLOW_FROM_STARTED:
        step = r->from_step, kind = "started";
        break;
    case WORKFLOW_FROM_COMPLETED:
        step = r->from_step, kind = "completed";
        break;
    case WORKFLOW_FROM_PREVIOUS:
        step = s->id, kind = "completed";
        break;
    }
    bool found = false;
    for (size_t i = 0; i < n; i++)
        if (events[i].name && event_is(events[i].name, step, kind) &&
            (!found || events[i].at > *at)) {
            *at = events[i].at;
            found = true;
        }
    return found;
}

bool workflow_step_due(const struct workflow_step *s, const struct calendar *cal,
                       const struct workflow_event *events, size_t nevents, int64_t *due,
                       struct err *e)
{
    if (!s || !s->timescale.set)
        return err_set(e, ERR_INVALID, "", "step '%s' has no timescale", s ? s->id : "?");
    const struct workflow_rule *rule = &s->timescale.rule;
    int64_t from = 0;
    if (s->timescale.recurring) {
        int64_t first_at = 0, prev_at = 0;
        bool first = anchor_at(s, &s->timescale.first, events, nevents, &first_at);
        bool prev = anchor_at(s, rule, events, nevents, &prev_at);
        /* A completion of this step before the first rule's event belongs to an
         * earlier run of the pathway (an earlier plan's reviews): start afresh. */
        if (prev && (!first || prev_at >= first_at)) {
            from = prev_at;
        } else if (first) {
            rule = &s->timescale.first;
            from = first_at;
        } else {
            return err_set(e, ERR_NOT_FOUND, "", "step '%s' counts from %s, which has not happened",
                           s->id, s->timescale.first.from_text);
        }
    } else if (!anchor_at(s, rule, events, nevents, &from)) {
        return err_set(e, ERR_NOT_FOUND, "", "step '%s' counts from %s, which has not happened",
                       s->id, rule->from_text);
    }
    if (rule->within.unit == TIMESCALE_WORKING_DAYS && !cal)
        return err_set(e, ERR_INVALID, "", "step '%s' counts working days: a calendar is needed",
                       s->id);
    *due = calendar_due(cal, &rule->within, from);
    return true;
}
