/*
 * need_to_know: gathering the facts for access_decide, break-glass overrides
 * and their review. The decision itself is access/access.c's.
 */
#include "domain/need_to_know.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/codelist.h"
#include "domain/people.h"
#include "domain/workflow_def.h"

/* "A case that is the user's": allocated to them, to a team of theirs, or to
 * a team-mate (the team's case, covered when they are away). */
#define MINE(c)                                                                                    \
    "(" c ".allocated_user_id = :user OR " c ".allocated_team_id IN"                               \
    " (SELECT team_id FROM user_teams WHERE user_id = :user) OR " c ".allocated_user_id IN"        \
    " (SELECT m.user_id FROM user_teams m WHERE m.team_id IN"                                      \
    " (SELECT team_id FROM user_teams WHERE user_id = :user)))"

static const char SQL_FACTS[] =
    "SELECT p.restricted,"
    " EXISTS (SELECT 1 FROM person_grants g WHERE g.person_id = p.id AND g.user_id = :user),"
    " EXISTS (SELECT 1 FROM access_overrides o WHERE o.person_id = p.id AND o.user_id = :user"
    "  AND o.expires_at > :now),"
    /* A manager's grant in force (domain/access_grants): a relationship. */
    " EXISTS (SELECT 1 FROM access_grants ag WHERE ag.person_id = p.id AND ag.user_id = :user"
    "  AND ag.revoked_at IS NULL AND ag.expires_at > :now),"
    " COALESCE(p.created_by, 0) = :user"
    " OR EXISTS (SELECT 1 FROM cases c WHERE c.person_id = p.id AND " MINE(
        "c") ")"
             " OR EXISTS (SELECT 1 FROM contact_people cp JOIN contacts k ON k.id = cp.contact_id"
             "  WHERE cp.person_id = p.id AND (k.created_by = :user OR cp.decided_by = :user))"
             " OR EXISTS (SELECT 1 FROM case_steps s JOIN cases c ON c.id = s.case_id"
             "  WHERE c.person_id = p.id AND (s.submitted_by = :user OR s.updated_by = :user"
             "  OR s.authorised_by = :user))"
             " OR EXISTS (SELECT 1 FROM cases c WHERE " MINE(
                 "c") " AND c.person_id IN"
                      "  (SELECT related_id FROM relationships WHERE person_id = p.id AND to_date "
                      "IS NULL"
                      "   UNION SELECT person_id FROM relationships WHERE related_id = p.id AND "
                      "to_date IS NULL))"
                      " FROM people p WHERE p.id = :id";
static const char SQL_DOMAINS[] = "SELECT DISTINCT pathway FROM cases WHERE person_id = :id";
static const char SQL_ROLE_DOMAINS[] = "SELECT domain, needs_relationship FROM role_domain_actions"
                                       " WHERE role = :role AND action = :action";
/* Open steps of the person's cases: handled by the teams their definitions name. */
static const char SQL_OPEN_STEPS[] =
    "SELECT c.pathway, c.version, s.step FROM case_steps s JOIN cases c ON c.id = s.case_id"
    " WHERE c.person_id = :id AND s.status IN ('open', 'draft', 'awaiting_authorisation')";
static const char SQL_IN_TEAM[] = "SELECT 1 FROM user_teams m JOIN teams t ON t.id = m.team_id"
                                  " WHERE m.user_id = :user AND t.name = :team";
static const char SQL_OVERRIDE_INSERT[] =
    "INSERT INTO access_overrides (person_id, user_id, reason_code, reason_text, granted_at,"
    " expires_at, audit_id) VALUES (:person, :user, :code, :text, :now, :expires, :audit)";

/* Is the user in a team an open step of the person's cases names? */
static bool handles_open_step(struct ctx *x, int64_t person_id, bool *out, struct err *e)
{
    *out = false;
    if (!x->workflows)
        return true;
    struct store_stmt *st = store_prepare(x->conn, SQL_OPEN_STEPS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", person_id);
    /* Team names are copied out first: the membership query reuses the connection. */
    const char *teams[32];
    size_t nteams = 0;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        const struct workflow_def *d =
            workflow_set_get(x->workflows, store_col_text(st, 0), (int)store_col_int64(st, 1));
        const struct workflow_step *ws = d ? workflow_def_step(d, store_col_text(st, 2)) : NULL;
        for (size_t i = 0; ws && i < ws->nteams && nteams < 32; i++)
            teams[nteams++] = ws->teams[i]; /* owned by the definition set */
    }
    if (r == STORE_ERROR)
        return false;
    for (size_t i = 0; i < nteams && !*out; i++) {
        st = store_prepare(x->conn, SQL_IN_TEAM, e);
        if (!st)
            return false;
        store_bind_int64(st, ":user", x->who->user_id);
        store_bind_text(st, ":team", teams[i]);
        r = store_step(st, e);
        if (r == STORE_ERROR)
            return false;
        *out = r == STORE_ROW;
    }
    return true;
}

/* The record's domains and what the role may do in them. */
static bool gather_domains(struct ctx *x, int64_t id, enum access_action a, struct access_facts *f,
                           struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_DOMAINS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW)
        f->record_domains |= access_domain_bit(store_col_text(st, 0));
    if (r == STORE_ERROR)
        return false;
    st = store_prepare(x->conn, SQL_ROLE_DOMAINS, e);
    if (!st)
        return false;
    store_bind_text(st, ":role", access_role_name(x->who->role));
    store_bind_text(st, ":action", access_action_name(a));
    while ((r = store_step(st, e)) == STORE_ROW) {
        unsigned bit = access_domain_bit(store_col_text(st, 0));
        f->role_domains |= bit;
        if (store_col_int64(st, 1) == 0)
            f->role_rel_free |= bit;
    }
    return r != STORE_ERROR;
}

/* Restriction, grant, override and the legitimate relationships. */
static bool gather_relationship(struct ctx *x, int64_t id, bool own_only, struct access_facts *f,
                                struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_FACTS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":user", x->who->user_id);
    store_bind_int64(st, ":now", x->now);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE)
        return err_set(e, ERR_NOT_FOUND, "", "There is no person record %lld", (long long)id);
    f->restricted = store_col_int64(st, 0) != 0;
    f->granted = store_col_int64(st, 1) != 0;
    f->override_active = store_col_int64(st, 2) != 0;
    bool access_granted = store_col_int64(st, 3) != 0;
    f->related = store_col_int64(st, 4) != 0;
    if (own_only) {
        f->granted = f->override_active = false;
        access_granted = false;
    }
    f->related = f->related || access_granted;
    if (!f->related && !f->granted && !f->override_active) {
        bool handles;
        if (!handles_open_step(x, id, &handles, e))
            return false;
        f->related = handles;
    }
    return true;
}

/* The verdict. The relationship facts are gathered only when the domains
 * alone leave a reason needed: they can only turn that into an allow, and a
 * restricted record without its grant has already been refused by
 * people_may_see. This keeps the auditor's reads (no relationship needed)
 * to the two domain queries. */
static bool decide(struct ctx *x, int64_t id, enum access_action a, enum access_verdict *v,
                   struct err *e)
{
    struct access_facts f;
    memset(&f, 0, sizeof f);
    if (!gather_domains(x, id, a, &f, e))
        return false;
    *v = access_decide(x->who, &f);
    if (*v != ACCESS_NEEDS_REASON)
        return true;
    if (!gather_relationship(x, id, false, &f, e))
        return false;
    *v = access_decide(x->who, &f);
    return true;
}

bool ntk_require(struct ctx *x, int64_t person_id, enum access_action a, struct err *e)
{
    if (!people_may_see(x, person_id, e))
        return false;
    enum access_verdict v;
    if (!decide(x, person_id, a, &v, e))
        return false;
    switch (v) {
    case ACCESS_ALLOW:
        return true;
    case ACCESS_HIDDEN:
        return err_set(e, ERR_NOT_FOUND, "", "There is no person record %lld",
                       (long long)person_id);
    case ACCESS_WRONG_DOMAIN:
        return err_set(e, ERR_DENIED, "",
                       "Records in this person's service area are not open to your role (%s) "
                       "to %s",
                       access_role_name(x->who->role), access_action_name(a));
    case ACCESS_NEEDS_REASON:
        break;
    }
    x->break_glass_person = person_id;
    return err_set(e, ERR_DENIED, NTK_BREAK_GLASS_FIELD,
                   "You have no work with person %lld. To open the record give a reason "
                   "(POST /api/v1/people/%lld/break-glass, or /people/%lld/break-glass); it is "
                   "audited and reviewed by the record's manager",
                   (long long)person_id, (long long)person_id, (long long)person_id);
}

bool ntk_related(struct ctx *x, int64_t person_id, bool *out, struct err *e)
{
    struct access_facts f;
    memset(&f, 0, sizeof f);
    *out = false;
    if (!gather_relationship(x, person_id, true, &f, e))
        return false;
    *out = f.related;
    return true;
}

bool ntk_allows(struct ctx *x, int64_t person_id, enum access_action a)
{
    struct err ignore = ERR_INIT;
    int64_t keep = x->break_glass_person;
    bool ok = ntk_require(x, person_id, a, &ignore);
    x->break_glass_person = keep;
    return ok;
}

/* --- break-glass --------------------------------------------------------- */

static bool text_ok(const char *field, const char *label, const char *v, struct err *e)
{
    if (!v || !*v)
        return err_set(e, ERR_INVALID, field, "Enter %s", label);
    if (strlen(v) > NTK_REASON_TEXT_MAX)
        return err_set(e, ERR_INVALID, field, "The %s must be %d characters or fewer", label + 4,
                       NTK_REASON_TEXT_MAX);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
            return err_set(e, ERR_INVALID, field, "The %s must not contain control characters",
                           label + 4);
    return true;
}

bool ntk_break_glass(struct ctx *x, int64_t person_id, const char *reason_code,
                     const char *reason_text, int64_t *expires_at, struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_VIEW, e))
        return false;
    const struct codelist *reasons = x->codes ? codelist_get(x->codes, "break_glass_reason") : NULL;
    if (!reasons)
        return err_set(e, ERR_INTERNAL, "", "the break_glass_reason code list is not loaded");
    if (!reason_code || !*reason_code)
        return err_set(e, ERR_INVALID, "reason", "Select why you need to open the record");
    if (!codelist_has(reasons, reason_code))
        return err_set(e, ERR_INVALID, "reason", "Select a reason from the list");
    if (!text_ok("detail", "the detail of why you need the record", reason_text, e))
        return false;
    long minutes = x->cfg ? x->cfg->break_glass_minutes : 240;
    int64_t until = x->now + (int64_t)minutes * 60;
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        return false;
    /* The record must exist and be visible (a restricted one needs its grant:
     * breaking the glass does not open those). */
    if (!people_may_see(x, person_id, e))
        goto done;
    struct buf why = BUF_INIT;
    buf_printf(&why, "%s: %s", reason_code, reason_text);
    char detail[96];
    snprintf(detail, sizeof detail, "{\"override\":true,\"expires_at\":%lld}", (long long)until);
    int64_t audit_id = 0;
    ok = !buf_failed(&why) &&
         ctx_audit_id(x, "person.override", "person", person_id, why.data, detail, &audit_id, e);
    buf_release(&why);
    if (!ok)
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_OVERRIDE_INSERT, e);
    ok = st != NULL;
    if (!ok)
        goto done;
    store_bind_int64(st, ":person", person_id);
    store_bind_int64(st, ":user", x->who->user_id);
    store_bind_text(st, ":code", reason_code);
    store_bind_text(st, ":text", reason_text);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":expires", until);
    store_bind_int64(st, ":audit", audit_id);
    ok = store_exec(st, e) && store_commit(x->conn, e);
    if (ok && expires_at)
        *expires_at = until;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

/* --- review -------------------------------------------------------------- */

/* An override is the acting manager's to review when a case of the person is
 * allocated to a team of theirs (or to a team-mate); administrators review
 * any, so an override on a record with no allocation is not lost. :all = 1
 * for them. */
#define REVIEWER_SEES                                                                              \
    " (:all = 1 OR EXISTS (SELECT 1 FROM cases c WHERE c.person_id = o.person_id AND " MINE(       \
        "c") "))"

static const char SQL_LIST[] =
    "SELECT o.id, o.person_id, o.user_id, p.forenames || ' ' || p.surname, u.username,"
    " o.reason_code, o.reason_text, o.granted_at, o.expires_at, COALESCE(o.reviewed_at, 0),"
    " COALESCE(r.username, ''), COALESCE(o.review_note, '')"
    " FROM access_overrides o JOIN people p ON p.id = o.person_id JOIN users u ON u.id = o.user_id"
    " LEFT JOIN users r ON r.id = o.reviewed_by"
    " WHERE (o.reviewed_at IS NOT NULL) = :reviewed AND" REVIEWER_SEES
    " ORDER BY o.granted_at DESC, o.id DESC LIMIT :limit";
static const char SQL_ONE[] = "SELECT o.reviewed_at IS NOT NULL, o.user_id FROM access_overrides o"
                              " WHERE o.id = :id AND" REVIEWER_SEES;
static const char SQL_REVIEW[] =
    "UPDATE access_overrides SET reviewed_at = :now, reviewed_by = :user, review_note = :note"
    " WHERE id = :id AND reviewed_at IS NULL";

static bool reviews_all(const struct ctx *x)
{
    return x->who->role == ROLE_ADMINISTRATOR;
}

static const char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

bool ntk_overrides(struct ctx *x, bool reviewed, struct ntk_override_list *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!access_require(x->who, PERM_OVERRIDE_REVIEW, e))
        return false;
    const struct codelist *reasons = x->codes ? codelist_get(x->codes, "break_glass_reason") : NULL;
    out->items = arena_alloc(x->arena, NTK_MAX_OVERRIDES * sizeof *out->items);
    if (!out->items)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_LIST, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":reviewed", reviewed);
    store_bind_int64(st, ":all", reviews_all(x));
    store_bind_int64(st, ":user", x->who->user_id);
    store_bind_int64(st, ":limit", NTK_MAX_OVERRIDES);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct ntk_override *o = &out->items[out->n++];
        o->id = store_col_int64(st, 0);
        o->person_id = store_col_int64(st, 1);
        o->user_id = store_col_int64(st, 2);
        o->person_name = dup(x, st, 3);
        o->username = dup(x, st, 4);
        o->reason_code = dup(x, st, 5);
        const char *label = reasons ? codelist_label(reasons, o->reason_code) : NULL;
        o->reason_label = label ? label : o->reason_code;
        o->reason_text = dup(x, st, 6);
        o->granted_at = store_col_int64(st, 7);
        o->expires_at = store_col_int64(st, 8);
        o->reviewed_at = store_col_int64(st, 9);
        o->reviewed_by = dup(x, st, 10);
        o->review_note = dup(x, st, 11);
    }
    if (r == STORE_ERROR)
        goto done;
    ok = ctx_audit(x, "override.list", NULL, 0, NULL, reviewed ? "reviewed" : "to review", e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool ntk_override_review(struct ctx *x, int64_t override_id, const char *note, struct err *e)
{
    if (!access_require(x->who, PERM_OVERRIDE_REVIEW, e) ||
        !text_ok("note", "the outcome of your review", note, e))
        return false;
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_ONE, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", override_id);
    store_bind_int64(st, ":all", reviews_all(x));
    store_bind_int64(st, ":user", x->who->user_id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        goto done;
    if (r == STORE_DONE) {
        err_set(e, ERR_NOT_FOUND, "", "There is no override %lld for you to review",
                (long long)override_id);
        goto done;
    }
    if (store_col_int64(st, 0)) {
        err_set(e, ERR_CONFLICT, "", "Override %lld has already been reviewed",
                (long long)override_id);
        goto done;
    }
    /* Four eyes: nobody reviews their own override. */
    if (store_col_int64(st, 1) == x->who->user_id) {
        err_set(e, ERR_DENIED, "", "Another manager must review your own override");
        goto done;
    }
    st = store_prepare(x->conn, SQL_REVIEW, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", override_id);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":user", x->who->user_id);
    store_bind_text(st, ":note", note);
    ok = store_exec(st, e) &&
         ctx_audit(x, "override.review", "override", override_id, note, NULL, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}
