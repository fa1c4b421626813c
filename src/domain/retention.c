/*
 * retention: rules from config/retention.txt, each person's destruction date,
 * and keeping those dates current from the audit log.
 */
#include "domain/retention.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"

/* --- the rules file -------------------------------------------------------- */

void retention_rules_free(struct retention_rules *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->rules[i].name);
        free(r->rules[i].label);
        for (size_t j = 0; j < r->rules[i].nsteps; j++)
            free(r->rules[i].steps[j]);
    }
    memset(r, 0, sizeof *r);
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* Split a line on tabs into at most max fields (the text is modified). */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    for (char *p = line; n < max;) {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = 0;
        p = tab + 1;
    }
    return n;
}

static bool name_ok(const char *s)
{
    if (!*s || strlen(s) > 40)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static bool parse_line(char *line, int lineno, struct retention_rule *r, struct err *e)
{
    char *f[7];
    if (split_tabs(line, f, 7) != 6)
        return err_set(e, ERR_INVALID, "", "retention.txt line %d: expected 6 tab-separated fields",
                       lineno);
    if (!name_ok(f[0]))
        return err_set(e, ERR_INVALID, "",
                       "retention.txt line %d: the rule name must be a-z, 0-9, _", lineno);
    for (char *d = f[1], *end; d && *d; d = end ? end + 1 : NULL) {
        end = strchr(d, ',');
        if (end)
            *end = 0;
        unsigned bit = access_domain_bit(d);
        if (!bit)
            return err_set(e, ERR_INVALID, "",
                           "retention.txt line %d: '%s' is not a domain (children, early_help, "
                           "adults)",
                           lineno, d);
        r->domains |= bit;
    }
    if (!r->domains)
        return err_set(e, ERR_INVALID, "", "retention.txt line %d: DOMAINS is empty", lineno);
    if (!strcmp(f[2], "looked_after")) {
        r->looked_after = true;
    } else if (strcmp(f[2], "always") != 0) {
        if (strncmp(f[2], "step=", 5) != 0 || !f[2][5])
            return err_set(e, ERR_INVALID, "",
                           "retention.txt line %d: WHEN must be 'always', 'looked_after' or "
                           "'step=ID[,ID]'",
                           lineno);
        for (char *s = f[2] + 5, *end; s && *s; s = end ? end + 1 : NULL) {
            end = strchr(s, ',');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (r->nsteps == RETENTION_MAX_STEPS)
                return err_set(e, ERR_INVALID, "", "retention.txt line %d: at most %d step ids",
                               lineno, RETENTION_MAX_STEPS);
            if (!(r->steps[r->nsteps++] = dup_n(s, len)))
                return err_set(e, ERR_NOMEM, "", "out of memory");
        }
    }
    if (!strcmp(f[3], "birth"))
        r->from = RETENTION_FROM_BIRTH;
    else if (!strcmp(f[3], "last_involvement"))
        r->from = RETENTION_FROM_LAST_INVOLVEMENT;
    else
        return err_set(e, ERR_INVALID, "",
                       "retention.txt line %d: FROM must be 'birth' or 'last_involvement'", lineno);
    char *end;
    errno = 0;
    long years = strtol(f[4], &end, 10);
    if (errno || end == f[4] || *end || years < 1 || years > 150)
        return err_set(e, ERR_INVALID, "", "retention.txt line %d: YEARS must be 1 to 150", lineno);
    r->years = (int)years;
    if (!*f[5])
        return err_set(e, ERR_INVALID, "", "retention.txt line %d: the label is empty", lineno);
    if (!(r->name = dup_n(f[0], strlen(f[0]))) || !(r->label = dup_n(f[5], strlen(f[5]))))
        return err_set(e, ERR_NOMEM, "", "out of memory");
    return true;
}

bool retention_rules_parse(const char *text, struct retention_rules *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    int lineno = 0;
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char *line = dup_n(p, len);
        if (!line)
            return err_set(e, ERR_NOMEM, "", "out of memory");
        if (len && line[len - 1] == '\r')
            line[len - 1] = 0;
        bool ok = true;
        if (line[0] && line[0] != '#') {
            if (out->n == RETENTION_MAX_RULES)
                ok = err_set(e, ERR_INVALID, "", "retention.txt: at most %d rules",
                             RETENTION_MAX_RULES);
            else
                ok = parse_line(line, lineno, &out->rules[out->n++], e);
            for (size_t i = 0; ok && i + 1 < out->n; i++)
                if (!strcmp(out->rules[i].name, out->rules[out->n - 1].name))
                    ok = err_set(e, ERR_INVALID, "", "retention.txt line %d: rule '%s' again",
                                 lineno, out->rules[i].name);
        }
        free(line);
        if (!ok) {
            retention_rules_free(out);
            return false;
        }
        p = nl ? nl + 1 : NULL;
    }
    if (!out->n)
        return err_set(e, ERR_INVALID, "", "retention.txt has no rules");
    return true;
}

bool retention_rules_load(const char *config_dir, struct retention_rules *out, struct err *e)
{
    struct buf path = BUF_INIT, text = BUF_INIT;
    buf_printf(&path, "%s/retention.txt", config_dir ? config_dir : "config");
    FILE *f = buf_failed(&path) ? NULL : fopen(path.data, "r");
    bool ok = false;
    if (!f) {
        err_set(e, ERR_IO, "", "cannot read %s", path.data ? path.data : "retention.txt");
        goto done;
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len < 1024 * 1024)
        buf_append(&text, chunk, n);
    fclose(f);
    ok = !buf_failed(&text) && retention_rules_parse(text.data ? text.data : "", out, e);
done:
    buf_release(&path);
    buf_release(&text);
    return ok;
}

/* --- the calculation ------------------------------------------------------- */

/* Early help sits inside children's: a children's rule covers early help
 * records only if it names early_help too (the file says which). */
static bool applies(const struct retention_rule *r, const struct retention_person *p)
{
    if (!(r->domains & p->domains))
        return false;
    if (r->looked_after)
        return p->looked_after;
    if (!r->nsteps)
        return true;
    for (size_t i = 0; i < r->nsteps; i++)
        for (size_t j = 0; j < p->nsteps; j++)
            if (p->steps[j] && !strcmp(r->steps[i], p->steps[j]))
                return true;
    return false;
}

void retention_compute(const struct retention_rules *rules, const struct retention_person *p,
                       struct retention_result *out)
{
    memset(out, 0, sizeof *out);
    if (!p->domains) {
        out->why = "no case: kept while the records that name them are";
        return;
    }
    if (p->open_case) {
        out->why = "a case is open";
        return;
    }
    bool unknown_birth = false;
    for (size_t i = 0; i < rules->n; i++) {
        const struct retention_rule *r = &rules->rules[i];
        if (!applies(r, p))
            continue;
        int64_t from = r->from == RETENTION_FROM_BIRTH ? p->dob : p->last_involvement;
        if (from == INT64_MIN) {
            unknown_birth |= r->from == RETENTION_FROM_BIRTH;
            continue;
        }
        int64_t on = calendar_add_months(from, r->years * 12);
        if (!out->scheduled || on > out->destroy_on) {
            out->scheduled = true;
            out->destroy_on = on;
            out->rule = r->name;
        }
    }
    /* A birth-based rule that cannot be worked out must not let a shorter rule
     * destroy the record early. */
    if (unknown_birth) {
        out->scheduled = false;
        out->rule = NULL;
        out->why = "date of birth unknown: set it, or the record is never due";
    } else if (!out->scheduled) {
        out->why = "no retention rule applies";
    }
}

/* --- keeping dates current -------------------------------------------------- */

/* Events that are not involvement: reading, looking at who read, breaking the
 * glass, and retention's own work. */
#define INVOLVEMENT                                                                                \
    " a.action NOT LIKE '%view' AND a.action NOT IN ('person.override', 'access-log.person',"      \
    " 'person.access-grant', 'person.access-revoke')"                                              \
    " AND a.action NOT LIKE 'retention.%'"

static const char SQL_WATERMARK[] = "SELECT last_audit_id FROM retention_state WHERE id = 1";
static const char SQL_SET_WATERMARK[] =
    "UPDATE retention_state SET last_audit_id = :id WHERE id = 1";
static const char SQL_MAX_AUDIT[] = "SELECT COALESCE(MAX(id), 0) FROM audit";
/* People with an event since the watermark, and (first run) everyone. */
static const char SQL_CHANGED[] =
    "SELECT DISTINCT CAST(a.record_id AS INTEGER) FROM audit a WHERE a.id > :from"
    " AND a.id <= :to AND a.record_type = 'person' AND" INVOLVEMENT
    " UNION SELECT p.id FROM people p WHERE :from = 0";
static const char SQL_PERSON[] =
    "SELECT COALESCE(p.dob, ''), (SELECT MAX(a.at) FROM audit a WHERE a.record_type = 'person'"
    " AND a.record_id = CAST(p.id AS TEXT) AND" INVOLVEMENT "),"
    " EXISTS (SELECT 1 FROM cases c WHERE c.person_id = p.id AND c.status = 'open'),"
    " EXISTS (SELECT 1 FROM looked_after_periods l WHERE l.person_id = p.id)"
    " FROM people p WHERE p.id = :id AND p.merged_into IS NULL";
static const char SQL_DOMAINS[] = "SELECT DISTINCT pathway FROM cases WHERE person_id = :id";
static const char SQL_STEPS[] = "SELECT DISTINCT s.step FROM case_steps s JOIN cases c"
                                " ON c.id = s.case_id WHERE c.person_id = :id LIMIT 64";
static const char SQL_UPSERT[] =
    "INSERT INTO person_retention (person_id, rule, destroy_on, why, computed_at)"
    " VALUES (:id, :rule, :on, :why, :now) ON CONFLICT (person_id) DO UPDATE SET"
    " rule = excluded.rule, destroy_on = excluded.destroy_on, why = excluded.why,"
    " computed_at = excluded.computed_at";
static const char SQL_FORGET[] = "DELETE FROM person_retention WHERE person_id = :id";

static bool refresh_one(struct ctx *x, const struct retention_rules *rules, int64_t id,
                        struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_PERSON, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE) /* merged away or destroyed: nothing to schedule */
        return store_exec_id(x->conn, SQL_FORGET, id, e);
    struct retention_person p = {.dob = INT64_MIN, .last_involvement = INT64_MIN};
    int64_t day;
    struct err ignore = ERR_INIT;
    const char *dob = store_col_text(st, 0);
    if (dob && *dob && clock_parse_date(dob, &day, &ignore))
        p.dob = day;
    if (!store_col_is_null(st, 1))
        p.last_involvement = clock_london_day(store_col_int64(st, 1));
    p.open_case = store_col_int64(st, 2) != 0;
    p.looked_after = store_col_int64(st, 3) != 0;

    if (!(st = store_prepare(x->conn, SQL_DOMAINS, e)))
        return false;
    store_bind_int64(st, ":id", id);
    while ((r = store_step(st, e)) == STORE_ROW)
        p.domains |= access_domain_bit(store_col_text(st, 0));
    if (r == STORE_ERROR)
        return false;
    const char *steps[64];
    if (!(st = store_prepare(x->conn, SQL_STEPS, e)))
        return false;
    store_bind_int64(st, ":id", id);
    while ((r = store_step(st, e)) == STORE_ROW && p.nsteps < 64)
        steps[p.nsteps++] = arena_strdup(x->arena, store_col_text(st, 0));
    if (r == STORE_ERROR)
        return false;
    p.steps = steps;

    struct retention_result res;
    retention_compute(rules, &p, &res);
    struct buf on = BUF_INIT;
    if (res.scheduled)
        clock_format_date(&on, res.destroy_on);
    if (!(st = store_prepare(x->conn, SQL_UPSERT, e))) {
        buf_release(&on);
        return false;
    }
    store_bind_int64(st, ":id", id);
    store_bind_text_or_null(st, ":rule", res.rule);
    store_bind_text_or_null(st, ":on", res.scheduled ? on.data : NULL);
    store_bind_text(st, ":why", res.scheduled ? "" : res.why);
    store_bind_int64(st, ":now", x->now);
    bool ok = store_exec(st, e);
    buf_release(&on);
    return ok;
}

bool retention_refresh(struct ctx *x, const struct retention_rules *rules, int64_t *n,
                       struct err *e)
{
    if (!access_require(x->who, PERM_RETENTION, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    int64_t from = 0, to = 0, count = 0;
    struct store_stmt *st = store_prepare(x->conn, SQL_WATERMARK, e);
    if (!st || store_step(st, e) != STORE_ROW)
        goto done;
    from = store_col_int64(st, 0);
    if (!(st = store_prepare(x->conn, SQL_MAX_AUDIT, e)) || store_step(st, e) != STORE_ROW)
        goto done;
    to = store_col_int64(st, 0);
    /* Ids first: recomputing reuses the connection's statements. */
    size_t cap = 1024, nids = 0;
    int64_t *ids = malloc(cap * sizeof *ids);
    if (!ids) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    if (!(st = store_prepare(x->conn, SQL_CHANGED, e))) {
        free(ids);
        goto done;
    }
    store_bind_int64(st, ":from", from);
    store_bind_int64(st, ":to", to);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (nids == cap) {
            int64_t *more = realloc(ids, 2 * cap * sizeof *ids);
            if (!more) {
                free(ids);
                err_set(e, ERR_NOMEM, "", "out of memory");
                goto done;
            }
            ids = more;
            cap *= 2;
        }
        ids[nids++] = store_col_int64(st, 0);
    }
    bool each = r != STORE_ERROR;
    for (size_t i = 0; each && i < nids; i++, count++)
        each = refresh_one(x, rules, ids[i], e);
    free(ids);
    if (!each || !(st = store_prepare(x->conn, SQL_SET_WATERMARK, e)))
        goto done;
    store_bind_int64(st, ":id", to);
    ok = store_exec(st, e) && store_commit(x->conn, e);
    if (ok && n)
        *n = count;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}
