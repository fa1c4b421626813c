/*
 * Loading config/enquiries/ and the deadline rules built on core/calendar.
 * Files are tab-separated lines; '#' comments and blank lines are skipped;
 * every problem names the file and line.
 */
#include "domain/enquiry_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"

enum { MAX_FIELDS = 5, MAX_LINE = 1024 };

struct enquiry_config {
    struct enquiry_area *areas;
    size_t nareas;
    struct enquiry_sla *slas;
    size_t nslas;
    struct complaint_timescale *stages;
    size_t nstages;
    char **strings; /* every string above, owned here */
    size_t nstrings, capstrings;
};

static const char *keep(struct enquiry_config *c, const char *s)
{
    if (c->nstrings == c->capstrings) {
        size_t cap = c->capstrings ? c->capstrings * 2 : 64;
        char **grown = realloc(c->strings, cap * sizeof *grown);
        if (!grown)
            return NULL;
        c->strings = grown;
        c->capstrings = cap;
    }
    char *copy = strdup(s);
    if (copy)
        c->strings[c->nstrings++] = copy;
    return copy;
}

/* Grow an array of n elements of size sz by one; NULL when out of memory. */
static void *grow(void **arr, size_t *n, size_t sz)
{
    void *g = realloc(*arr, (*n + 1) * sz);
    if (!g)
        return NULL;
    *arr = g;
    memset((char *)g + *n * sz, 0, sz);
    return (char *)g + (*n)++ * sz;
}

typedef bool (*line_fn)(struct enquiry_config *c, char **f, int nf, const char *file, int lineno,
                        struct err *e);

/* Split on tabs into f (at most MAX_FIELDS); returns the count. */
static int split(char *line, char **f)
{
    int n = 0;
    for (char *p = line; n < MAX_FIELDS;) {
        f[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static bool read_lines(struct enquiry_config *c, const char *dir, const char *name, line_fn fn,
                       struct err *e)
{
    struct buf path = BUF_INIT;
    if (!buf_printf(&path, "%s/%s", dir, name)) {
        buf_release(&path);
        return err_set(e, ERR_NOMEM, "", "out of memory");
    }
    FILE *fp = fopen(path.data, "r");
    buf_release(&path);
    if (!fp)
        return err_set(e, ERR_IO, "", "cannot open %s/%s: %s", dir, name, strerror(errno));
    char line[MAX_LINE + 2];
    int lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, fp)) {
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        else if (!feof(fp)) {
            ok = err_set(e, ERR_INVALID, "", "%s line %d: longer than %d characters", name, lineno,
                         MAX_LINE);
            break;
        }
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *f[MAX_FIELDS];
        int nf = split(line, f);
        ok = fn(c, f, nf, name, lineno, e);
    }
    (void)fclose(fp); /* read-only: nothing buffered to lose */
    return ok;
}

static bool area_line(struct enquiry_config *c, char **f, int nf, const char *file, int lineno,
                      struct err *e)
{
    if (nf != 3 || !*f[0] || !*f[1] || !*f[2])
        return err_set(e, ERR_INVALID, "", "%s line %d: expected code<TAB>directorate<TAB>label",
                       file, lineno);
    if (enquiry_config_area(c, f[0]))
        return err_set(e, ERR_INVALID, "", "%s line %d: service area %s is listed twice", file,
                       lineno, f[0]);
    for (const char *p = f[0]; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return err_set(e, ERR_INVALID, "", "%s line %d: a code is a-z, 0-9 and _", file,
                           lineno);
    struct enquiry_area *a = grow((void **)&c->areas, &c->nareas, sizeof *a);
    if (!a || !(a->code = keep(c, f[0])) || !(a->directorate = keep(c, f[1])) ||
        !(a->label = keep(c, f[2])))
        return err_set(e, ERR_NOMEM, "", "out of memory");
    return true;
}

static bool sla_line(struct enquiry_config *c, char **f, int nf, const char *file, int lineno,
                     struct err *e)
{
    if (nf != 3 || !*f[0] || !*f[1])
        return err_set(e, ERR_INVALID, "",
                       "%s line %d: expected service_area<TAB>enquiry_type<TAB>timescale", file,
                       lineno);
    if (strcmp(f[0], "*") != 0 && !enquiry_config_area(c, f[0]))
        return err_set(e, ERR_INVALID, "",
                       "%s line %d: %s is not a service area in service-areas.txt", file, lineno,
                       f[0]);
    for (size_t i = 0; i < c->nslas; i++)
        if (!strcmp(c->slas[i].area, f[0]) && !strcmp(c->slas[i].type, f[1]))
            return err_set(e, ERR_INVALID, "", "%s line %d: %s %s is listed twice", file, lineno,
                           f[0], f[1]);
    struct timescale t;
    struct err pe = ERR_INIT;
    if (!calendar_parse_timescale(f[2], &t, &pe))
        return err_set(e, ERR_INVALID, "", "%s line %d: %s", file, lineno, pe.message);
    if (t.unit != TIMESCALE_WORKING_DAYS)
        return err_set(e, ERR_INVALID, "",
                       "%s line %d: a service level is a number of working days", file, lineno);
    struct enquiry_sla *s = grow((void **)&c->slas, &c->nslas, sizeof *s);
    if (!s || !(s->area = keep(c, f[0])) || !(s->type = keep(c, f[1])) ||
        !(s->text = keep(c, f[2])))
        return err_set(e, ERR_NOMEM, "", "out of memory");
    s->within = t;
    return true;
}

static bool stage_line(struct enquiry_config *c, char **f, int nf, const char *file, int lineno,
                       struct err *e)
{
    if (nf != 5)
        return err_set(e, ERR_INVALID, "",
                       "%s line %d: expected procedure<TAB>stage<TAB>within<TAB>limit<TAB>basis",
                       file, lineno);
    if (strcmp(f[0], "children") && strcmp(f[0], "adults") && strcmp(f[0], "corporate"))
        return err_set(e, ERR_INVALID, "",
                       "%s line %d: the procedure must be children, adults or corporate", file,
                       lineno);
    int stage = f[1][0] >= '1' && f[1][0] <= '3' && !f[1][1] ? f[1][0] - '0' : 0;
    if (!stage || stage != enquiry_config_stage_count(c, f[0]) + 1)
        return err_set(e, ERR_INVALID, "",
                       "%s line %d: stages are 1 to 3, each procedure's in order from 1", file,
                       lineno);
    struct complaint_timescale *t = grow((void **)&c->stages, &c->nstages, sizeof *t);
    if (!t)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    t->stage = stage;
    struct err pe = ERR_INIT;
    t->agreed = strcmp(f[2], "agreed") == 0;
    if (!t->agreed && !calendar_parse_timescale(f[2], &t->within, &pe))
        return err_set(e, ERR_INVALID, "", "%s line %d: %s", file, lineno, pe.message);
    t->has_limit = strcmp(f[3], "-") != 0;
    if (t->has_limit && !calendar_parse_timescale(f[3], &t->limit, &pe))
        return err_set(e, ERR_INVALID, "", "%s line %d: %s", file, lineno, pe.message);
    if (t->agreed && !t->has_limit)
        return err_set(e, ERR_INVALID, "", "%s line %d: an agreed timescale needs a limit", file,
                       lineno);
    if (!*f[4])
        return err_set(e, ERR_INVALID, "", "%s line %d: give the basis", file, lineno);
    if (!(t->procedure = keep(c, f[0])) || !(t->within_text = keep(c, f[2])) ||
        !(t->limit_text = keep(c, f[3])) || !(t->basis = keep(c, f[4])))
        return err_set(e, ERR_NOMEM, "", "out of memory");
    return true;
}

struct enquiry_config *enquiry_config_load(const char *dir, struct err *e)
{
    struct enquiry_config *c = calloc(1, sizeof *c);
    if (!c) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        return NULL;
    }
    if (!read_lines(c, dir, "service-areas.txt", area_line, e) ||
        !read_lines(c, dir, "service-levels.txt", sla_line, e) ||
        !read_lines(c, dir, "complaint-timescales.txt", stage_line, e))
        goto fail;
    if (!c->nareas) {
        err_set(e, ERR_INVALID, "", "service-areas.txt lists no service area");
        goto fail;
    }
    bool fallback = false;
    for (size_t i = 0; i < c->nslas; i++)
        fallback |= !strcmp(c->slas[i].area, "*") && !strcmp(c->slas[i].type, "*");
    if (!fallback) {
        err_set(e, ERR_INVALID, "",
                "service-levels.txt needs a default line: *<TAB>*<TAB>N "
                "working days");
        goto fail;
    }
    static const char *const procedures[] = {"children", "adults", "corporate"};
    for (size_t i = 0; i < 3; i++)
        if (!enquiry_config_stage_count(c, procedures[i])) {
            err_set(e, ERR_INVALID, "", "complaint-timescales.txt has no stage for %s",
                    procedures[i]);
            goto fail;
        }
    return c;
fail:
    enquiry_config_free(c);
    return NULL;
}

void enquiry_config_free(struct enquiry_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nstrings; i++)
        free(c->strings[i]);
    free(c->strings);
    free(c->areas);
    free(c->slas);
    free(c->stages);
    free(c);
}

size_t enquiry_config_area_count(const struct enquiry_config *c)
{
    return c->nareas;
}

const struct enquiry_area *enquiry_config_area_at(const struct enquiry_config *c, size_t i)
{
    return i < c->nareas ? &c->areas[i] : NULL;
}

const struct enquiry_area *enquiry_config_area(const struct enquiry_config *c, const char *code)
{
    for (size_t i = 0; code && i < c->nareas; i++)
        if (!strcmp(c->areas[i].code, code))
            return &c->areas[i];
    return NULL;
}

const struct enquiry_sla *enquiry_config_sla(const struct enquiry_config *c, const char *area,
                                             const char *type)
{
    /* Most specific first: area and type, area, type, default. */
    const struct enquiry_sla *best = NULL;
    int best_rank = -1;
    for (size_t i = 0; i < c->nslas; i++) {
        const struct enquiry_sla *s = &c->slas[i];
        bool any_area = !strcmp(s->area, "*"), any_type = !strcmp(s->type, "*");
        if ((!any_area && strcmp(s->area, area)) || (!any_type && strcmp(s->type, type)))
            continue;
        int rank = (any_area ? 0 : 2) + (any_type ? 0 : 1);
        if (rank > best_rank) {
            best = s;
            best_rank = rank;
        }
    }
    return best;
}

const struct complaint_timescale *enquiry_config_stage(const struct enquiry_config *c,
                                                       const char *procedure, int stage)
{
    for (size_t i = 0; procedure && i < c->nstages; i++)
        if (!strcmp(c->stages[i].procedure, procedure) && c->stages[i].stage == stage)
            return &c->stages[i];
    return NULL;
}

int enquiry_config_stage_count(const struct enquiry_config *c, const char *procedure)
{
    int n = 0;
    for (size_t i = 0; i < c->nstages; i++)
        n += !strcmp(c->stages[i].procedure, procedure);
    return n;
}

int64_t enquiry_reply_due(const struct calendar *cal, const struct enquiry_sla *sla,
                          int64_t received_at)
{
    return calendar_due(cal, &sla->within, received_at);
}

bool complaint_stage_due(const struct calendar *cal, const struct complaint_timescale *t,
                         int64_t started_at, const char *agreed, int64_t *due_out, struct err *e)
{
    if (!t->agreed) {
        *due_out = calendar_due(cal, &t->within, started_at);
        return true;
    }
    struct timescale a;
    struct err pe = ERR_INIT;
    if (!agreed || !*agreed)
        return err_set(e, ERR_INVALID, "agreed_timescale",
                       "Enter the timescale agreed with the complainant, like 30 working days");
    if (!calendar_parse_timescale(agreed, &a, &pe))
        return err_set(e, ERR_INVALID, "agreed_timescale", "%s", pe.message);
    int64_t due = calendar_due(cal, &a, started_at);
    if (t->has_limit && due > calendar_due(cal, &t->limit, started_at))
        return err_set(e, ERR_INVALID, "agreed_timescale",
                       "The agreed timescale must end within %s of the start", t->limit_text);
    *due_out = due;
    return true;
}

bool complaint_extension_check(const struct calendar *cal, const struct complaint_timescale *t,
                               int64_t started_at, int64_t due_at, int64_t new_due_day,
                               int64_t *new_due_out, struct err *e)
{
    if (!t->has_limit || t->agreed)
        return err_set(e, ERR_CONFLICT, "", "Stage %d of the %s procedure cannot be extended",
                       t->stage, t->procedure);
    if (new_due_day <= clock_london_day(due_at))
        return err_set(e, ERR_INVALID, "due_on", "The new date must be after the current one");
    int64_t limit = calendar_due(cal, &t->limit, started_at);
    int64_t new_due = clock_london_to_instant(new_due_day, 23, 59, 59);
    if (new_due > limit) {
        struct buf b = BUF_INIT;
        clock_format_date(&b, clock_london_day(limit));
        err_set(e, ERR_INVALID, "due_on",
                "The new date must be no later than %s (%s from the start of the stage)", b.data,
                t->limit_text);
        buf_release(&b);
        return false;
    }
    *new_due_out = new_due;
    return true;
}

int64_t complaint_progress_due(int64_t started_at, int64_t last_report_at)
{
    const struct timescale every = {TIMESCALE_CALENDAR_DAYS, COMPLAINT_PROGRESS_INTERVAL_DAYS};
    return calendar_due(NULL, &every, last_report_at > started_at ? last_report_at : started_at);
}
