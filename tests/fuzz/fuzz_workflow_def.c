/*
 * libFuzzer target for domain/workflow_def and core/jsonpos: definitions are
 * re-read from text stored with each case (workflow_def_parse_text), and
 * jsonpos walks whatever text it is given. Arbitrary bytes are parsed as a
 * definition; a refusal must be ERR_INVALID (or ERR_NOMEM) naming the source
 * and a line within the text; an acceptance must be fully resolved (every
 * next step and start found, every step found by id) and parse again from its
 * own text to the same hash. The line jsonpos finds for a pointer made from
 * the input's tail must lie within the text.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonpos.h"
#include "domain/workflow_def.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_lines(const char *text, size_t len)
{
    int n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    return n;
}

static void check_accepted(const struct workflow_def *d)
{
    for (size_t i = 0; i < workflow_def_step_count(d); i++) {
        const struct workflow_step *s = workflow_def_step_at(d, i);
        if (workflow_def_step(d, s->id) != s)
            abort();
        for (size_t o = 0; o < s->noutcomes; o++)
            for (size_t k = 0; k < s->outcomes[o].nnext; k++)
                if (!s->outcomes[o].next[k])
                    abort();
    }
    for (size_t i = 0; i < workflow_def_start_count(d); i++)
        if (!workflow_def_start_at(d, i) || !workflow_def_start_at(d, i)->start)
            abort();
    size_t len;
    const char *text = workflow_def_text(d, &len);
    struct err e = ERR_INIT;
    struct workflow_def *again = workflow_def_parse_text(text, len, "again", NULL, NULL, &e);
    if (!again || strcmp(workflow_def_hash(again), workflow_def_hash(d)) != 0)
        abort();
    workflow_def_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct err e = ERR_INIT;
    struct workflow_def *d = workflow_def_parse_text(text, size, "fuzz", NULL, NULL, &e);
    if (d) {
        check_accepted(d);
        workflow_def_free(d);
    } else if (e.code == ERR_INVALID) {
        int line = 0;
        if (strncmp(e.message, "fuzz line ", 10) == 0)
            line = atoi(e.message + 10);
        if (line < 0 || line > count_lines(text, size))
            abort();
    } else if (e.code != ERR_NOMEM) {
        abort();
    }

    /* A pointer from the last bytes (up to the first NUL), over the whole input. */
    char pointer[64] = "/";
    size_t tail = size < 40 ? size : 40;
    memcpy(pointer + 1, text + size - tail, tail);
    pointer[1 + tail] = '\0';
    int line = jsonpos_line(text, size, pointer);
    if (line < 0 || line > count_lines(text, size))
        abort();
    return 0;
}
