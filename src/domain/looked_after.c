/*
 * looked_after: periods of being looked after, by legal status.
 */
#include "domain/looked_after.h"

#include <stdio.h>
#include <string.h>

#include "core/codelist.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "domain/need_to_know.h"

static const char SQL_DOB[] = "SELECT COALESCE(dob, '') FROM people WHERE id = :id";
static const char SQL_OPEN[] =
    "SELECT id FROM looked_after_periods WHERE person_id = :person AND ended_on IS NULL";
static const char SQL_INSERT[] =
    "INSERT INTO looked_after_periods (person_id, legal_status, started_on, ended_on,"
    " recorded_at, recorded_by) VALUES (:person, :status, :from, :to, :now, :by) RETURNING id";
static const char SQL_GET[] =
    "SELECT started_on, ended_on FROM looked_after_periods WHERE id = :id AND person_id = :person";
static const char SQL_END[] = "UPDATE looked_after_periods SET ended_on = :to WHERE id = :id";
static const char SQL_LIST[] =
    "SELECT l.id, l.legal_status, l.started_on, COALESCE(l.ended_on, ''), l.recorded_at,"
    " u.username FROM looked_after_periods l JOIN users u ON u.id = l.recorded_by"
    " WHERE l.person_id = :person ORDER BY l.started_on DESC, l.id DESC LIMIT :limit";

/* A date field: a real date, not after today. */
static bool date_ok(struct ctx *x, const char *field, const char *label, const char *v,
                    int64_t *day, struct err *e)
{
    struct err pe = ERR_INIT;
    if (!v || !*v)
        return err_set(e, ERR_INVALID, field, "Enter the date %s", label);
    if (strlen(v) != 10 || !clock_parse_date(v, day, &pe))
        return err_set(e, ERR_INVALID, field, "The date %s must be a real date (YYYY-MM-DD)",
                       label);
    if (*day > clock_london_day(x->now))
        return err_set(e, ERR_INVALID, field, "The date %s must be today or in the past", label);
    return true;
}

bool looked_after_add(struct ctx *x, int64_t person_id, const char *legal_status,
                      const char *started_on, const char *ended_on, int64_t *id, struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e))
        return false;
    const struct codelist *l = x->codes ? codelist_get(x->codes, "legal_status") : NULL;
    if (!l)
        return err_set(e, ERR_INTERNAL, "", "the legal_status code list is not loaded");
    if (!legal_status || !codelist_has(l, legal_status))
        return err_set(e, ERR_INVALID, "legal_status", "Select the legal status");
    int64_t from, to = 0;
    bool ends = ended_on && *ended_on;
    if (!date_ok(x, "started_on", "the child became looked after", started_on, &from, e) ||
        (ends && !date_ok(x, "ended_on", "the period ended", ended_on, &to, e)))
        return false;
    if (ends && to < from)
        return err_set(e, ERR_INVALID, "ended_on",
                       "The date the period ended must be on or after the date it started");
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    if (!ntk_require(x, person_id, ACTION_EDIT, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_DOB, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", person_id);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    const char *dob = store_col_text(st, 0);
    int64_t born;
    struct err pe = ERR_INIT;
    if (dob && *dob && clock_parse_date(dob, &born, &pe)) {
        /* A looked-after child is under 18 (Children Act 1989 s.105). */
        int64_t adult = calendar_add_months(born, 18 * 12);
        if (from < born || from >= adult) {
            err_set(e, ERR_INVALID, "started_on",
                    "The date the child became looked after must be between their birth and "
                    "their 18th birthday");
            goto done;
        }
    }
    if (!ends) {
        if (!(st = store_prepare(x->conn, SQL_OPEN, e)))
            goto done;
        store_bind_int64(st, ":person", person_id);
        enum store_step_result r = store_step(st, e);
        if (r == STORE_ERROR)
            goto done;
        if (r == STORE_ROW) {
            err_set(e, ERR_CONFLICT, "started_on",
                    "The child is already looked after: end the current period first");
            goto done;
        }
    }
    if (!(st = store_prepare(x->conn, SQL_INSERT, e)))
        goto done;
    store_bind_int64(st, ":person", person_id);
    store_bind_text(st, ":status", legal_status);
    store_bind_text(st, ":from", started_on);
    store_bind_text_or_null(st, ":to", ends ? ended_on : NULL);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t pid = store_col_int64(st, 0);
    char detail[96];
    snprintf(detail, sizeof detail, "{\"period\":%lld,\"legal_status\":\"%.3s\"}", (long long)pid,
             legal_status);
    ok = ctx_audit(x, "person.looked-after", "person", person_id, NULL, detail, e) &&
         store_commit(x->conn, e);
    if (ok && id)
        *id = pid;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool looked_after_end(struct ctx *x, int64_t person_id, int64_t period_id, const char *ended_on,
                      struct err *e)
{
    int64_t to, from;
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) ||
        !date_ok(x, "ended_on", "the period ended", ended_on, &to, e))
        return false;
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    if (!ntk_require(x, person_id, ACTION_EDIT, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_GET, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", period_id);
    store_bind_int64(st, ":person", person_id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW) {
        if (r == STORE_DONE)
            err_set(e, ERR_NOT_FOUND, "", "Person %lld has no looked-after period %lld",
                    (long long)person_id, (long long)period_id);
        goto done;
    }
    if (!store_col_is_null(st, 1)) {
        err_set(e, ERR_CONFLICT, "ended_on", "That period has already ended");
        goto done;
    }
    struct err pe = ERR_INIT;
    if (!clock_parse_date(store_col_text(st, 0), &from, &pe) || to < from) {
        err_set(e, ERR_INVALID, "ended_on",
                "The date the period ended must be on or after the date it started");
        goto done;
    }
    if (!(st = store_prepare(x->conn, SQL_END, e)))
        goto done;
    store_bind_int64(st, ":id", period_id);
    store_bind_text(st, ":to", ended_on);
    char detail[64];
    snprintf(detail, sizeof detail, "{\"period\":%lld}", (long long)period_id);
    ok = store_exec(st, e) &&
         ctx_audit(x, "person.looked-after-end", "person", person_id, NULL, detail, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool looked_after_list(struct ctx *x, int64_t person_id, struct looked_after_period **out,
                       size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    if (!ntk_require(x, person_id, ACTION_VIEW, e))
        goto done;
    const struct codelist *codes = x->codes ? codelist_get(x->codes, "legal_status") : NULL;
    struct looked_after_period *list = arena_alloc(x->arena, LOOKED_AFTER_MAX_LIST * sizeof *list);
    if (!list) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    struct store_stmt *st = store_prepare(x->conn, SQL_LIST, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":person", person_id);
    store_bind_int64(st, ":limit", LOOKED_AFTER_MAX_LIST);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct looked_after_period *p = &list[(*n)++];
        p->id = store_col_int64(st, 0);
        p->legal_status = arena_strdup(x->arena, store_col_text(st, 1));
        const char *label = codes ? codelist_label(codes, p->legal_status) : NULL;
        p->legal_status_label = label ? label : p->legal_status;
        p->started_on = arena_strdup(x->arena, store_col_text(st, 2));
        p->ended_on = arena_strdup(x->arena, store_col_text(st, 3));
        p->recorded_at = store_col_int64(st, 4);
        p->recorded_by = arena_strdup(x->arena, store_col_text(st, 5));
    }
    if (r == STORE_ERROR)
        goto done;
    *out = list;
    ok = ctx_audit(x, "looked-after.view", "person", person_id, NULL, NULL, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}
