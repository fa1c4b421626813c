/*
 * The checks that need the whole pathway at once. Steps and the outcomes
 * between them form a directed graph (an outcome's "next" is an edge); a case
 * starts at one of "start" and moves along edges. On that graph:
 *   - every id referenced (start, next, a timescale's event) names a step, and
 *     step ids are unique;
 *   - every step is reachable from a start, and from every step some path leads
 *     to an outcome that closes the case (else a case could never close);
 *   - an event a timescale counts from has happened whenever the step starts:
 *     "<X>.started" needs X to be the step itself or to dominate it, and
 *     "<X>.completed" needs X to dominate it (X on every path from a start to
 *     the step), not merely to lie upstream on one path; otherwise a case
 *     arriving by another path would have no event to count from;
 *   - a recurring step (previous.completed) can start again after itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/workflow_internal.h"

static int cmp_step_ptr(const void *a, const void *b)
{
    const struct workflow_step *x = *(const struct workflow_step *const *)a;
    const struct workflow_step *y = *(const struct workflow_step *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x > y) - (x < y); /* ties in file order, so the later one is reported */
}

static int cmp_key_step(const void *key, const void *elem)
{
    return strcmp(key, (*(const struct workflow_step *const *)elem)->id);
}

/* Index of the step with this id, or -1. Needs d->by_id. */
static long step_index(const struct workflow_def *d, const char *id)
{
    if (!id)
        return -1;
    const struct workflow_step *const *at =
        bsearch(id, d->by_id, d->nby_id, sizeof *d->by_id, cmp_key_step);
    return at ? (long)(*at - d->steps) : -1;
}

struct graph {
    size_t n;        /* steps; node n is a virtual root with an edge to each start */
    size_t words;    /* 64-bit words in one bit set of n + 1 nodes */
    bool *reachable; /* from a start */
    uint64_t *dom;   /* (n + 1) bit sets: dom[v] holds the nodes that dominate v */
};

static bool has_bit(const uint64_t *set, size_t i)
{
    return (set[i / 64] >> (i % 64)) & 1u;
}

static void set_bit(uint64_t *set, size_t i)
{
    set[i / 64] |= (uint64_t)1 << (i % 64);
}

/* The classic iterative data-flow solution: dom(v) = {v} + the intersection of
 * dom(p) over v's predecessors p, from "everything" down to the fixed point.
 * Pathways have at most WORKFLOW_MAX_STEPS steps, so the quadratic cost is
 * nothing next to reading the file. */
static bool compute_dominators(const struct workflow_def *d, struct graph *g)
{
    size_t n = g->n, w = g->words;
    g->dom = calloc((n + 1) * w, sizeof *g->dom);
    uint64_t *next = calloc(w, sizeof *next);
    if (!g->dom || !next) {
        free(next);
        return false;
    }
    set_bit(&g->dom[n * w], n);
    for (size_t v = 0; v < n; v++)
        for (size_t i = 0; i <= n; i++)
            set_bit(&g->dom[v * w], i);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t v = 0; v < n; v++) {
            if (!g->reachable[v])
                continue;
            for (size_t i = 0; i < w; i++)
                next[i] = ~(uint64_t)0;
            if (d->steps[v].start)
                for (size_t i = 0; i < w; i++)
                    next[i] &= g->dom[n * w + i];
            for (size_t u = 0; u < n; u++) {
                if (!g->reachable[u])
                    continue;
                const struct workflow_step *s = &d->steps[u];
                for (size_t o = 0; o < s->noutcomes; o++)
                    for (size_t k = 0; k < s->outcomes[o].nnext; k++)
                        if (s->outcomes[o].next[k] == &d->steps[v])
                            for (size_t i = 0; i < w; i++)
                                next[i] &= g->dom[u * w + i];
            }
            set_bit(next, v);
            if (memcmp(next, &g->dom[v * w], w * sizeof *next) != 0) {
                memcpy(&g->dom[v * w], next, w * sizeof *next);
                changed = true;
            }
        }
    }
    free(next);
    return true;
}

/* Mark everything reachable from the steps already marked in seen. */
static void flood(const struct workflow_def *d, bool *seen)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t u = 0; u < d->nsteps; u++) {
            if (!seen[u])
                continue;
            const struct workflow_step *s = &d->steps[u];
            for (size_t o = 0; o < s->noutcomes; o++)
                for (size_t k = 0; k < s->outcomes[o].nnext; k++) {
                    const struct workflow_step *t = s->outcomes[o].next[k];
                    if (t && !seen[t - d->steps]) {
                        seen[t - d->steps] = true;
                        changed = true;
                    }
                }
        }
    }
}

/* Whether step i can start again after it has started (a path from i to i). */
static bool on_cycle(const struct workflow_def *d, size_t i, bool *seen)
{
    memset(seen, 0, d->nsteps * sizeof *seen);
    const struct workflow_step *s = &d->steps[i];
    for (size_t o = 0; o < s->noutcomes; o++)
        for (size_t k = 0; k < s->outcomes[o].nnext; k++)
            if (s->outcomes[o].next[k])
                seen[s->outcomes[o].next[k] - d->steps] = true;
    flood(d, seen);
    return seen[i];
}

static void check_anchor(struct workflow_loader *ld, const struct graph *g, size_t i,
                         const struct workflow_rule *r, const char *pointer)
{
    const struct workflow_def *d = ld->d;
    const struct workflow_step *s = &d->steps[i];
    if (r->from != WORKFLOW_FROM_STARTED && r->from != WORKFLOW_FROM_COMPLETED)
        return;
    long x = step_index(d, r->from_step);
    if (x < 0) {
        wl_problem(ld, pointer, "step '%s' counts from '%s', but there is no step '%s'", s->id,
                   r->from_text, r->from_step);
        return;
    }
    if ((size_t)x == i && r->from == WORKFLOW_FROM_COMPLETED) {
        wl_problem(ld, pointer,
                   "step '%s' counts from its own completion, which cannot come before it "
                   "starts (a recurring step counts from previous.completed)",
                   s->id);
        return;
    }
    if ((size_t)x != i && !has_bit(&g->dom[i * g->words], (size_t)x))
        wl_problem(ld, pointer,
                   "step '%s' counts from '%s', but a case can reach '%s' without passing "
                   "'%s', so that event may not have happened",
                   s->id, r->from_text, s->id, r->from_step);
}

/* Step ids unique; the lookup index built. */
static void index_steps(struct workflow_loader *ld)
{
    struct workflow_def *d = ld->d;
    d->by_id = arena_alloc(&d->arena, (d->nsteps ? d->nsteps : 1) * sizeof *d->by_id);
    if (!d->by_id) {
        wl_nomem(ld);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < d->nsteps; i++)
        if (d->steps[i].id)
            d->by_id[n++] = &d->steps[i];
    qsort(d->by_id, n, sizeof *d->by_id, cmp_step_ptr);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept && strcmp(d->by_id[kept - 1]->id, d->by_id[i]->id) == 0) {
            wl_problem(ld, wl_at(ld, "/steps/%zu/id", (size_t)(d->by_id[i] - d->steps)),
                       "duplicate step id '%s' (step %zu has it too)", d->by_id[i]->id,
                       (size_t)(d->by_id[kept - 1] - d->steps) + 1);
            continue;
        }
        d->by_id[kept++] = d->by_id[i];
    }
    d->nby_id = kept;
}

/* Resolve start and next ids into steps. */
static void resolve(struct workflow_loader *ld)
{
    struct workflow_def *d = ld->d;
    d->starts = arena_alloc(&d->arena, (d->nstarts ? d->nstarts : 1) * sizeof *d->starts);
    if (!d->starts) {
        wl_nomem(ld);
        return;
    }
    for (size_t k = 0; k < d->nstarts; k++) {
        long x = step_index(d, d->start_ids[k]);
        if (x >= 0) {
            d->starts[k] = &d->steps[x];
            d->steps[x].start = true;
        } else if (d->start_ids[k]) {
            wl_problem(ld, ld->start_is_array ? wl_at(ld, "/start/%zu", k) : "/start",
                       "'start' names '%s', which is not a step", d->start_ids[k]);
        }
    }
    for (size_t i = 0; i < d->nsteps; i++) {
        struct workflow_step *s = &d->steps[i];
        for (size_t o = 0; o < s->noutcomes; o++) {
            struct workflow_outcome *out = (struct workflow_outcome *)&s->outcomes[o];
            const struct workflow_step **next =
                arena_alloc(&d->arena, (out->nnext ? out->nnext : 1) * sizeof *next);
            if (!next) {
                wl_nomem(ld);
                return;
            }
            for (size_t k = 0; k < out->nnext; k++) {
                long x = step_index(d, out->next_ids[k]);
                if (x >= 0)
                    next[k] = &d->steps[x];
                else if (out->next_ids[k])
                    wl_problem(ld, wl_at(ld, "/steps/%zu/outcomes/%zu/next/%zu", i, o, k),
                               "outcome '%s' of step '%s' starts '%s', which is not a step",
                               out->id ? out->id : "?", s->id ? s->id : "?", out->next_ids[k]);
            }
            out->next = next;
        }
    }
}

void workflow_check_graph(struct workflow_loader *ld)
{
    struct workflow_def *d = ld->d;
    size_t n = d->nsteps;
    index_steps(ld);
    resolve(ld);

    struct graph g = {.n = n, .words = (n + 1 + 63) / 64};
    g.reachable = calloc(n ? n : 1, sizeof *g.reachable);
    bool *seen = calloc(n ? n : 1, sizeof *seen);
    if (!g.reachable || !seen)
        goto nomem;
    for (size_t i = 0; i < n; i++)
        g.reachable[i] = d->steps[i].start;
    flood(d, g.reachable);
    for (size_t i = 0; i < n; i++)
        if (!g.reachable[i] && d->steps[i].id)
            wl_problem(ld, wl_at(ld, "/steps/%zu/id", i),
                       "step '%s' cannot be reached: it is not a start and no outcome of a "
                       "reachable step leads to it",
                       d->steps[i].id);

    /* Closure: can[i] once step i has a closing outcome or leads to a step that can. */
    bool any_close = false;
    for (size_t i = 0; i < n; i++)
        for (size_t o = 0; o < d->steps[i].noutcomes; o++)
            if (d->steps[i].outcomes[o].closes)
                seen[i] = any_close = true;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; i++) {
            const struct workflow_step *s = &d->steps[i];
            for (size_t o = 0; o < s->noutcomes && !seen[i]; o++)
                for (size_t k = 0; k < s->outcomes[o].nnext; k++)
                    if (s->outcomes[o].next[k] && seen[s->outcomes[o].next[k] - d->steps]) {
                        seen[i] = changed = true;
                        break;
                    }
        }
    }
    if (!any_close)
        wl_problem(ld, "/steps",
                   "no outcome closes the case: at least one needs \"close\": true or "
                   "{\"reasons\": ...}");
    for (size_t i = 0; i < n && any_close; i++)
        if (g.reachable[i] && !seen[i] && d->steps[i].id)
            wl_problem(ld, wl_at(ld, "/steps/%zu/id", i),
                       "a case at step '%s' can never close: no outcome of it, or of any step "
                       "after it, closes the case",
                       d->steps[i].id);

    if (!compute_dominators(d, &g))
        goto nomem;
    struct buf at = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const struct workflow_step *s = &d->steps[i];
        if (!g.reachable[i] || !s->timescale.set)
            continue;
        buf_reset(&at);
        buf_printf(&at, "/steps/%zu/timescale", i);
        check_anchor(ld, &g, i, &s->timescale.rule, wl_at(ld, "%s/from", at.data));
        if (!s->timescale.recurring)
            continue;
        const struct workflow_rule *first = &s->timescale.first;
        if (first->from_step && strcmp(first->from_step, s->id) == 0)
            wl_problem(ld, wl_at(ld, "%s/first/from", at.data),
                       "the first occurrence of step '%s' must count from an earlier step's "
                       "event, not its own",
                       s->id);
        else
            check_anchor(ld, &g, i, first, wl_at(ld, "%s/first/from", at.data));
        if (!on_cycle(d, i, seen))
            wl_problem(ld, wl_at(ld, "%s/from", at.data),
                       "step '%s' counts from previous.completed, but nothing starts it again: "
                       "one of its outcomes (or a later step's) must lead back to it",
                       s->id);
    }
    buf_release(&at);
    free(g.reachable);
    free(g.dom);
    free(seen);
    return;
nomem:
    free(g.reachable);
    free(g.dom);
    free(seen);
    wl_nomem(ld);
}
