/*
 * Realistic census errors put into seeded data (see cin_errors.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/step_facts.h"
#include "returns/cin_rules.h"
#include "seed/cin_errors.h"
#include "store/store.h"

static const char *const KIND_RULE[SEED_CIN_ERROR_KINDS] = {"4220", "4180", "1510",
                                                            "8790", "8525", "8608"};

static const char SQL_NO_ETHNICITY[] = "UPDATE people SET ethnicity = NULL WHERE id = :id";
static const char SQL_NO_SEX[] = "UPDATE people SET sex = NULL WHERE id = :id";
static const char SQL_UPN[] = "UPDATE people SET upn = :upn WHERE id = :id";
static const char SQL_DISABILITY[] =
    "INSERT INTO person_disabilities (person_id, code) VALUES (:id, 'MOB')";
static const char SQL_EXPECTED[] = "UPDATE people SET expected_dob = :d WHERE id = :id";
static const char SQL_ANSWERS_GET[] = "SELECT answers FROM case_steps WHERE id = :id";
static const char SQL_ANSWERS_SET[] =
    "UPDATE case_steps SET answers = :answers, facts = :facts WHERE id = :id";

static bool exec_id_text(struct ctx *x, const char *sql, int64_t id, const char *name,
                         const char *value, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, sql, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    if (name)
        store_bind_text(st, name, value);
    return store_exec(st, e);
}

/* The assessment start typed a week after its authorisation, where that stays
 * inside the year and before any closure (so only 8608 breaks). */
static bool wrong_assessment_start(struct ctx *x, const struct cin_return *ret,
                                   const struct cin_child *c, bool *done, struct err *e)
{
    for (int i = 0; i < c->nepisodes; i++) {
        const struct cin_episode *ep = &c->episodes[i];
        if (ep->nassessments != 1 || ep->assessments[0].authorised == CIN_NO_DATE)
            continue;
        int64_t typed = ep->assessments[0].authorised + 7;
        if (typed > ret->year->end || (ep->closure != CIN_NO_DATE && typed > ep->closure))
            continue;
        struct store_stmt *st = store_prepare(x->conn, SQL_ANSWERS_GET, e);
        if (!st)
            return false;
        store_bind_int64(st, ":id", ep->assessments[0].step_id);
        if (store_step(st, e) != STORE_ROW)
            return e->code ? false : true;
        json_t *a = json_loads(store_col_text(st, 0), 0, NULL);
        char date[11];
        cin_format_date(typed, date);
        char *text = NULL;
        if (a && json_object_set_new(a, "started_on", json_string(date)) == 0)
            text = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
        if (!text || !(st = store_prepare(x->conn, SQL_ANSWERS_SET, e))) {
            json_decref(a);
            free(text);
            return e->code ? false : err_set(e, ERR_NOMEM, "", "out of memory");
        }
        store_bind_int64(st, ":id", ep->assessments[0].step_id);
        store_bind_text(st, ":answers", text);
        bool ok = step_facts_bind(st, a, e) && store_exec(st, e) &&
                  ctx_audit(x, "seed.cin-error", "step", ep->assessments[0].step_id, NULL,
                            "{\"rule\":\"8608\"}", e);
        json_decref(a);
        free(text);
        *done = ok;
        return ok;
    }
    return true;
}

/* Try error kind on child c; *done when it was put in. */
static bool inject(struct ctx *x, const struct cin_return *ret, const struct cin_child *c, int kind,
                   bool *done, struct err *e)
{
    *done = false;
    const char *sql = NULL, *name = NULL, *value = NULL;
    char buf[14];
    switch (kind) {
    case 0:
        sql = c->ethnicity ? SQL_NO_ETHNICITY : NULL;
        break;
    case 1:
        sql = c->sex ? SQL_NO_SEX : NULL;
        break;
    case 2:
        if (c->upn && strlen(c->upn) == 13) {
            /* The next letter of the check alphabet: a UPN mistyped at character 1. */
            static const char letters[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
            const char *at = strchr(letters, c->upn[0]);
            memcpy(buf, c->upn, 14);
            buf[0] = at && at[1] ? at[1] : 'A';
            sql = SQL_UPN, name = ":upn", value = buf;
        }
        break;
    case 3:
        if (c->dob != CIN_NO_DATE && c->ndisabilities == 1 &&
            strcmp(c->disabilities[0], "NONE") == 0)
            sql = SQL_DISABILITY;
        break;
    case 4:
        if (c->dob != CIN_NO_DATE && c->expected_dob == CIN_NO_DATE) {
            cin_format_date(c->dob, buf);
            sql = SQL_EXPECTED, name = ":d", value = buf;
        }
        break;
    default:
        return wrong_assessment_start(x, ret, c, done, e);
    }
    if (!sql)
        return true;
    char detail[40];
    snprintf(detail, sizeof detail, "{\"rule\":\"%s\"}", KIND_RULE[kind]);
    *done = exec_id_text(x, sql, c->person_id, name, value, e) &&
            ctx_audit(x, "seed.cin-error", "person", c->person_id, NULL, detail, e);
    return *done;
}

static int by_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

bool seed_cin_errors(struct ctx *x, const struct cin_year *year, int n, uint64_t seed,
                     struct seed_cin_errors_report *r, struct err *e)
{
    memset(r, 0, sizeof *r);
    for (int k = 0; k < SEED_CIN_ERROR_KINDS; k++)
        r->rules[k] = KIND_RULE[k];
    struct cin_return ret;
    struct cin_failures f = {0};
    if (!cin_load(x, year, &ret, e))
        return false;
    if (!cin_check(&ret, &f)) {
        cin_failures_free(&f);
        return err_set(e, ERR_NOMEM, "", "out of memory");
    }
    /* Only children with no failure (error or query) take an error. */
    int64_t *failing = malloc(sizeof *failing * (f.n ? f.n : 1));
    if (!failing) {
        cin_failures_free(&f);
        return err_set(e, ERR_NOMEM, "", "out of memory");
    }
    for (size_t i = 0; i < f.n; i++)
        failing[i] = f.items[i].person_id;
    size_t nfailing = f.n;
    cin_failures_free(&f);
    if (nfailing)
        qsort(failing, nfailing, sizeof *failing, by_id);
    bool ok = store_begin(x->conn, true, e);
    int start = ret.nchildren ? (int)(seed % (uint64_t)ret.nchildren) : 0;
    /* Each error in turn takes the next kind (4220, 4180, ... 8608, 4220, ...)
     * on the first clean child not yet used that can take it; a kind no child
     * can take gives its turn to the next kind. */
    bool *used = calloc(ret.nchildren ? (size_t)ret.nchildren : 1, sizeof *used);
    if (!used)
        ok = err_set(e, ERR_NOMEM, "", "out of memory");
    bool progress = true;
    while (ok && progress && r->injected < n) {
        progress = false;
        for (int t = 0; ok && !progress && t < SEED_CIN_ERROR_KINDS; t++) {
            int kind = (r->injected + t) % SEED_CIN_ERROR_KINDS;
            for (int i = 0; ok && i < ret.nchildren; i++) {
                int at = (start + i) % ret.nchildren;
                const struct cin_child *c = &ret.children[at];
                if (used[at] ||
                    (nfailing && bsearch(&c->person_id, failing, nfailing, sizeof *failing, by_id)))
                    continue;
                bool done = false;
                ok = inject(x, &ret, c, kind, &done, e);
                if (ok && done) {
                    used[at] = true;
                    r->by_kind[kind]++;
                    r->injected++;
                    progress = true;
                    break;
                }
            }
        }
    }
    free(used);
    free(failing);
    if (ok)
        return store_commit(x->conn, e);
    store_rollback(x->conn);
    return false;
}
