#include "domain/relationships.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "domain/people_internal.h"
#include "domain/need_to_know.h"

static const char SQL_PERSON[] =
    "SELECT forenames || ' ' || surname, COALESCE(dob, ''), restricted,"
    " COALESCE(merged_into, 0) FROM people WHERE id = :id";
/* A pair of people has one current family relationship at a time (ending it
 * records a change, e.g. partner to former partner); being someone's carer can
 * sit beside any other. */
static const char SQL_EXISTING[] =
    "SELECT type FROM relationships WHERE to_date IS NULL"
    " AND type NOT IN ('carer', 'cared_for') AND :type NOT IN ('carer', 'cared_for')"
    " AND ((person_id = :a AND related_id = :b) OR (person_id = :b AND related_id = :a))";
static const char SQL_INSERT[] =
    "INSERT INTO relationships (person_id, related_id, type, professional_name,"
    " professional_org, from_date, created_at, created_by)"
    " VALUES (:person_id, :related_id, :type, :professional_name, :professional_org,"
    " :from_date, :now, :by) RETURNING id";
static const char SQL_GET[] = "SELECT person_id, COALESCE(related_id, 0), COALESCE(from_date, ''),"
                              " COALESCE(to_date, '') FROM relationships WHERE id = :id";
static const char SQL_END[] = "UPDATE relationships SET to_date = :to_date WHERE id = :id";
/* Both directions; `side` says whether the row was stated from this person. */
static const char SQL_LIST[] =
    "SELECT r.id, 1, COALESCE(r.related_id, 0), r.type, COALESCE(r.professional_name, ''),"
    " COALESCE(r.professional_org, ''), COALESCE(r.from_date, ''), COALESCE(r.to_date, '')"
    " FROM relationships r WHERE r.person_id = :id"
    " UNION ALL"
    " SELECT r.id, 0, r.person_id, r.type, '', '', COALESCE(r.from_date, ''),"
    " COALESCE(r.to_date, '') FROM relationships r WHERE r.related_id = :id"
    " ORDER BY 8, 1";

static const struct codelist *list(struct ctx *x, const char *name)
{
    return x->codes ? codelist_get(x->codes, name) : NULL;
}

const char *rel_label(struct ctx *x, const char *type)
{
    const struct codelist *l = list(x, "relationship");
    const char *label = l ? codelist_label(l, type) : NULL;
    return label ? label : type;
}

static const char *inverse_of(struct ctx *x, const char *type)
{
    const struct codelist *l = list(x, "relationship_inverse");
    const char *inv = l ? codelist_label(l, type) : NULL;
    return inv ? inv : type;
}

static bool is_professional(const char *type)
{
    return strncmp(type, "prof_", 5) == 0;
}

/* Check a person exists, is not merged away, and may be seen by the user. */
static bool person_ok(struct ctx *x, int64_t id, const char *field, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_PERSON, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE)
        return err_set(e, ERR_INVALID, field, "There is no person record %lld", (long long)id);
    bool restricted = store_col_int64(st, 2) != 0;
    int64_t merged = store_col_int64(st, 3);
    store_exec(st, e);
    if (merged)
        return err_set(e, ERR_INVALID, field, "Person %lld was merged into %lld; use that record",
                       (long long)id, (long long)merged);
    if (!people_visible(x, id, restricted, e)) {
        snprintf(e->field, sizeof e->field, "%s", field);
        e->code = ERR_INVALID;
        return false;
    }
    return true;
}

static bool text_ok(const char *field, const char *label, const char *v, size_t max, struct err *e)
{
    if (v && strlen(v) > max)
        return err_set(e, ERR_INVALID, field, "The %s must be %zu characters or fewer", label, max);
    for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return err_set(e, ERR_INVALID, field, "The %s must not contain control characters",
                           label);
    return true;
}

static bool date_ok(struct ctx *x, const char *field, const char *v, struct err *e)
{
    int64_t day;
    struct err pe = ERR_INIT;
    if (!v || !*v)
        return true;
    if (!clock_parse_date(v, &day, &pe))
        return err_set(e, ERR_INVALID, field,
                       "The date must be a real date in the form "
                       "YYYY-MM-DD");
    if (day > clock_london_day(x->now))
        return err_set(e, ERR_INVALID, field, "The date must be today or in the past");
    return true;
}

static bool validate(struct ctx *x, int64_t person_id, const struct relationship_input *in,
                     struct err *e)
{
    const struct codelist *types = list(x, "relationship");
    if (!types)
        return err_set(e, ERR_INTERNAL, "type", "The relationship code list is not loaded");
    if (!in->type || !codelist_has(types, in->type))
        return err_set(e, ERR_INVALID, "type",
                       "Choose a relationship type from the list (config/codes/relationship.txt)");
    if (!date_ok(x, "from_date", in->from_date, e) ||
        !text_ok("professional_name", "professional's name", in->professional_name, 200, e) ||
        !text_ok("professional_org", "organisation", in->professional_org, 200, e))
        return false;
    if (is_professional(in->type)) {
        if (in->related_id)
            return err_set(e, ERR_INVALID, "related_id",
                           "A professional involvement names the professional, not a person "
                           "record");
        if (!in->professional_name || !*in->professional_name)
            return err_set(e, ERR_INVALID, "professional_name",
                           "Enter the professional's name (or the school or practice)");
        return true;
    }
    if (in->professional_name && *in->professional_name)
        return err_set(e, ERR_INVALID, "professional_name",
                       "Only professional involvements have a professional's name");
    if (in->related_id <= 0)
        return err_set(e, ERR_INVALID, "related_id", "Choose the related person's record");
    if (in->related_id == person_id)
        return err_set(e, ERR_INVALID, "related_id", "A person cannot be related to themselves");
    return person_ok(x, in->related_id, "related_id", e);
}

bool rel_add(struct ctx *x, int64_t person_id, const struct relationship_input *in, int64_t *id_out,
             struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) ||
        !ntk_require(x, person_id, ACTION_EDIT, e) || !validate(x, person_id, in, e))
        return false;
    bool ok = false;
    struct buf detail = BUF_INIT;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st;
    if (in->related_id) {
        st = store_prepare(x->conn, SQL_EXISTING, e);
        if (!st)
            goto done;
        store_bind_text(st, ":type", in->type);
        store_bind_int64(st, ":a", person_id);
        store_bind_int64(st, ":b", in->related_id);
        enum store_step_result r = store_step(st, e);
        if (r == STORE_ERROR)
            goto done;
        if (r == STORE_ROW) {
            err_set(e, ERR_CONFLICT, "type",
                    "These two people already have a current relationship (%s); end it first "
                    "if it has changed",
                    rel_label(x, store_col_text(st, 0)));
            goto done;
        }
    }
    st = store_prepare(x->conn, SQL_INSERT, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":person_id", person_id);
    if (in->related_id)
        store_bind_int64(st, ":related_id", in->related_id);
    else
        store_bind_null(st, ":related_id");
    store_bind_text(st, ":type", in->type);
    store_bind_text_or_null(st, ":professional_name", in->professional_name);
    store_bind_text_or_null(st, ":professional_org", in->professional_org);
    store_bind_text_or_null(st, ":from_date", in->from_date);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t id = store_col_int64(st, 0);
    if (!store_exec(st, e))
        goto done;
    buf_printf(&detail, "relationship %lld: %s of %s%lld", (long long)id, in->type,
               in->related_id ? "person " : "professional", (long long)in->related_id);
    if (!ctx_audit(x, "relationship.add", "person", person_id, NULL, detail.data, e) ||
        (in->related_id &&
         !ctx_audit(x, "relationship.add", "person", in->related_id, NULL, detail.data, e)) ||
        !store_commit(x->conn, e))
        goto done;
    if (id_out)
        *id_out = id;
    ok = true;
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&detail);
    return ok;
}

bool rel_end(struct ctx *x, int64_t rel_id, const char *to_date, struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_GET, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", rel_id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW)
        return r == STORE_DONE ? err_set(e, ERR_NOT_FOUND, "", "There is no relationship %lld",
                                         (long long)rel_id)
                               : false;
    int64_t person_id = store_col_int64(st, 0), related_id = store_col_int64(st, 1);
    char from[11], ended[11];
    snprintf(from, sizeof from, "%s", store_col_text(st, 2));
    snprintf(ended, sizeof ended, "%s", store_col_text(st, 3));
    store_exec(st, e);
    if (!ntk_require(x, person_id, ACTION_EDIT, e) ||
        (related_id && !people_may_see(x, related_id, e)))
        return false;
    if (*ended)
        return err_set(e, ERR_CONFLICT, "to_date", "This relationship already ended on %s", ended);
    struct buf today = BUF_INIT;
    clock_format_date(&today, clock_london_day(x->now));
    const char *end = to_date && *to_date ? to_date : today.data;
    bool ok = false;
    if (!date_ok(x, "to_date", end, e))
        goto done;
    if (*from && strcmp(end, from) < 0) {
        err_set(e, ERR_INVALID, "to_date", "The end date must be on or after the start date (%s)",
                from);
        goto done;
    }
    if (!store_begin(x->conn, true, e))
        goto done;
    st = store_prepare(x->conn, SQL_END, e);
    if (!st)
        goto done;
    store_bind_text(st, ":to_date", end);
    store_bind_int64(st, ":id", rel_id);
    char detail[64];
    snprintf(detail, sizeof detail, "relationship %lld ended %s", (long long)rel_id, end);
    ok = store_exec(st, e) &&
         ctx_audit(x, "relationship.end", "person", person_id, NULL, detail, e) &&
         (!related_id || ctx_audit(x, "relationship.end", "person", related_id, NULL, detail, e)) &&
         store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
done:
    buf_release(&today);
    return ok;
}

bool rel_list(struct ctx *x, int64_t person_id, struct relationship **out, size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!ntk_require(x, person_id, ACTION_VIEW, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_LIST, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", person_id);
    size_t cap = 0;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct relationship *grown = arena_alloc(x->arena, ncap * sizeof *grown);
            if (!grown)
                return err_set(e, ERR_NOMEM, "", "out of memory");
            if (cap)
                memcpy(grown, *out, cap * sizeof *grown);
            *out = grown;
            cap = ncap;
        }
        struct relationship *rel = &(*out)[(*n)++];
        memset(rel, 0, sizeof *rel);
        rel->id = store_col_int64(st, 0);
        bool stated_here = store_col_int64(st, 1) != 0;
        rel->other_id = store_col_int64(st, 2);
        const char *type = store_col_text(st, 3);
        rel->type = arena_strdup(x->arena, stated_here ? type : inverse_of(x, type));
        rel->professional = is_professional(type);
        rel->other_name = arena_strdup(x->arena, store_col_text(st, 4));
        rel->professional_org = arena_strdup(x->arena, store_col_text(st, 5));
        rel->from_date = arena_strdup(x->arena, store_col_text(st, 6));
        rel->to_date = arena_strdup(x->arena, store_col_text(st, 7));
        if (!rel->type || !rel->other_name || !rel->from_date || !rel->to_date)
            return err_set(e, ERR_NOMEM, "", "out of memory");
        rel->label = rel_label(x, rel->type);
        rel->other_label = rel_label(x, stated_here ? inverse_of(x, type) : type);
    }
    if (r == STORE_ERROR)
        return false;
    /* Names of the related people, and whether this user may see them. */
    for (size_t i = 0; i < *n; i++) {
        struct relationship *rel = &(*out)[i];
        if (!rel->other_id)
            continue;
        st = store_prepare(x->conn, SQL_PERSON, e);
        if (!st)
            return false;
        store_bind_int64(st, ":id", rel->other_id);
        if (store_step(st, e) != STORE_ROW)
            return false;
        bool restricted = store_col_int64(st, 2) != 0;
        struct err ignore = ERR_INIT;
        rel->hidden = restricted && !people_visible(x, rel->other_id, true, &ignore);
        rel->other_name =
            arena_strdup(x->arena, rel->hidden ? "Restricted record" : store_col_text(st, 0));
        rel->other_dob = arena_strdup(x->arena, rel->hidden ? "" : store_col_text(st, 1));
        store_exec(st, e);
        if (rel->hidden)
            rel->other_id = 0;
    }
    bool ok = store_begin(x->conn, true, e) &&
              ctx_audit(x, "person.network-view", "person", person_id, NULL, NULL, e) &&
              store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}
