/*
 * workflow_internal: shared between the three files of the workflow_def module
 * (workflow_def.c: the public API, loading and due dates; workflow_parse.c:
 * JSON to structs with the checks one object at a time; workflow_graph.c: the
 * checks across steps). Not for use outside them.
 */
#ifndef CASEWORK_DOMAIN_WORKFLOW_INTERNAL_H
#define CASEWORK_DOMAIN_WORKFLOW_INTERNAL_H

#include <jansson.h>

#include "core/arena.h"
#include "domain/workflow_def.h"

/* After this many problems in one file the rest are not listed: by then the
 * file needs reading as a whole, not another message. */
#define WORKFLOW_MAX_PROBLEMS 50

struct workflow_def {
    struct arena arena; /* every string and array below */
    const char *pathway, *title, *source, *text;
    size_t text_len;
    int version;
    enum workflow_domain domain;
    char hash[WORKFLOW_HASH_HEX + 1];
    struct workflow_step *steps; /* file order */
    size_t nsteps;
    const struct workflow_step **by_id; /* sorted by id, for lookups; duplicates left out */
    size_t nby_id;
    const struct workflow_step **starts;
    size_t nstarts;
    const char **start_ids; /* as written, resolved into starts by the graph checks */
    struct workflow_setting *settings;
    size_t nsettings;
};

/* The state of checking one file. */
struct workflow_loader {
    struct workflow_def *d;
    const char *source, *text;
    size_t len;
    bool start_is_array; /* "start" was an array, not one id (for pointers) */
    const struct codelist_set *codes;
    struct buf *problems; /* may be NULL */
    struct err *e;
    int nproblems;
    unsigned char *setting_used; /* per setting: some step uses it */
    struct buf pointer;          /* scratch for wl_at */
};

/* Format a JSON Pointer into the loader's scratch buffer and return it; valid
 * until the next call. */
const char *wl_at(struct workflow_loader *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record a problem at the value pointer names: "SOURCE line N: message". The
 * first goes into ld->e as well (field: the path, e.g. "steps[3].timescale"). */
void wl_problem(struct workflow_loader *ld, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Out of memory: recorded as ERR_NOMEM (overrides an earlier ERR_INVALID). */
void wl_nomem(struct workflow_loader *ld);

/* True if s is a valid id: 1..WORKFLOW_ID_MAX of a-z, 0-9, _ starting with a-z. */
bool wl_valid_id(const char *s);

/* Fill ld->d from root (parsed JSON) with every per-object check. */
void workflow_parse_root(struct workflow_loader *ld, json_t *root);

/* The checks across steps: ids, references, reachability, events, closure.
 * Resolves next, starts and by_id. */
void workflow_check_graph(struct workflow_loader *ld);

#endif
