#include "seed/seed.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "domain/auth.h"
#include "domain/matching.h"
#include "domain/people.h"
#include "seed/audit_batch.h"
#include "seed/bulk.h"
#include "seed/gen.h"

static const char SQL_COUNT_PEOPLE[] = "SELECT COUNT(*) FROM people";
static const char SQL_INSERT_TEAM[] =
    "INSERT INTO teams (name, created_at) VALUES (:name, :now) ON CONFLICT (name) DO NOTHING";
static const char SQL_TEAM_ID[] = "SELECT id FROM teams WHERE name = :name";
static const char SQL_INSERT_USER[] =
    "INSERT INTO users (username, display_name, email, role, password_hash, created_at,"
    " updated_at) VALUES (:username, :display_name, :email, :role, :hash, :now, :now)"
    " ON CONFLICT (username) DO NOTHING";
static const char SQL_USER_ID[] = "SELECT id FROM users WHERE username = :username";
static const char SQL_USER_TEAM[] =
    "INSERT INTO user_teams (user_id, team_id) VALUES (:user_id, :team_id) ON CONFLICT DO NOTHING";
static const char SQL_INSERT_PERSON[] =
    "INSERT INTO people (id, forenames, surname, dob, dod, nhs_number, upn, sex, gender,"
    " ethnicity, language, religion, immigration_status, created_at, updated_at, created_by)"
    " VALUES (:id, :forenames, :surname, :dob, :dod, :nhs_number, :upn, :sex, :gender,"
    " :ethnicity, :language, :religion, :immigration_status, :created_at, :created_at, :by)";
/* People get the ids SQLite would give them (one more than the highest)
 * without RETURNING, which runs each insert through a temporary table. */
static const char SQL_MAX_PERSON[] = "SELECT COALESCE(MAX(id), 0) FROM people";
static const char SQL_INSERT_ADDRESS[] =
    "INSERT INTO addresses (person_id, line1, town, postcode, from_date, to_date, created_at,"
    " created_by) VALUES (:id, :line1, :town, :postcode, :from_date, :to_date, :created_at, :by)";
static const char SQL_INSERT_NAME[] =
    "INSERT INTO person_names (person_id, kind, forenames, surname, to_date, created_at,"
    " created_by) VALUES (:id, 'previous', :forenames, :surname, :to_date, :created_at, :by)";
static const char SQL_INSERT_DISABILITY[] =
    "INSERT INTO person_disabilities (person_id, code) VALUES (:id, :code)";
static const char SQL_INSERT_PHONE[] =
    "INSERT INTO contact_methods (person_id, kind, label, value, preferred, created_at)"
    " VALUES (:id, 'phone', 'mobile', :value, 1, :created_at)";
static const char SQL_INSERT_KEY[] =
    "INSERT INTO person_keys (key, person_id) VALUES (:key, :id) ON CONFLICT DO NOTHING";
static const char SQL_INSERT_RELATIONSHIP[] =
    "INSERT INTO relationships (person_id, related_id, type, from_date, to_date, created_at,"
    " created_by) VALUES (:person_id, :related_id, :type, :from_date, :to_date, :created_at, :by)";

enum { COMMIT_EVERY = 50000, PROGRESS_EVERY = 10000 };

struct writer {
    struct ctx *x;
    const struct seed_options *o;
    struct seed_report *r;
    int64_t *staff; /* user ids records are "created by" */
    size_t nstaff;
    struct seed_rng rng; /* picks the staff member; separate from the generator's */
    struct buf keys, detail, from, to;
    struct seed_audit audit; /* the chain head, in memory for a transaction */
    int64_t last_person;     /* highest people.id so far */
};

/* --- staff ---------------------------------------------------------------- */

static bool row_id(struct ctx *x, const char *sql, const char *param, const char *value,
                   int64_t *id, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, sql, e);
    if (!st)
        return false;
    store_bind_text(st, param, value);
    if (store_step(st, e) != STORE_ROW)
        return e->code ? false : err_set(e, ERR_INTERNAL, "", "%s vanished", value);
    *id = store_col_int64(st, 0);
    return store_exec(st, e);
}

/* One team per service in each district council area, in that order. */
static bool make_teams(struct writer *w, const struct seed_tables *t, const struct seed_profile *p,
                       int64_t *team_ids, int *nteams, struct err *e)
{
    struct ctx *x = w->x;
    *nteams = 0;
    for (int d = 1; d <= t->ndistricts && *nteams < p->teams; d++) {
        if (p->district && d != p->district)
            continue;
        const char *town = NULL;
        for (size_t i = 0; i < t->nplaces && !town; i++)
            if (t->places[i].district == d)
                town = t->places[i].town;
        for (size_t s = 0; s < t->services.n && *nteams < p->teams; s++) {
            char name[160];
            snprintf(name, sizeof name, "%s, %s", t->services.items[s].text, town ? town : "?");
            struct store_stmt *st = store_prepare(x->conn, SQL_INSERT_TEAM, e);
            if (!st)
                return false;
            store_bind_text(st, ":name", name);
            store_bind_int64(st, ":now", x->now);
            if (!store_exec(st, e))
                return false;
            bool created = store_changes(x->conn) > 0;
            int64_t id;
            if (!row_id(x, SQL_TEAM_ID, ":name", name, &id, e) ||
                (created &&
                 !seed_audit_append(&w->audit, x, "team.create", "team", id, NULL, name, e)))
                return false;
            w->r->teams += created;
            w->r->audit_rows += created;
            team_ids[(*nteams)++] = id;
        }
    }
    return *nteams ? true : err_set(e, ERR_INVALID, "profile", "The profile has no teams");
}

/* A manager for each team, then practitioners spread over the teams in
 * proportion to their service's share. */
static bool make_users(struct writer *w, struct seed_gen *g, const struct seed_tables *t,
                       const struct seed_profile *p, struct err *e)
{
    struct ctx *x = w->x;
    int64_t team_ids[512];
    int nteams;
    char hash[AUTH_HASH_BYTES];
    if (!make_teams(w, t, p, team_ids, &nteams, e) ||
        !auth_hash_password(w->o->password, hash, e)) /* one hash: the same password for all */
        return false;
    struct seed_list by_share = {0};
    for (int i = 0; i < nteams; i++) {
        const struct seed_item *svc = &t->services.items[(size_t)i % t->services.n];
        uint64_t share = svc->cum - (i % (int)t->services.n ? (svc - 1)->cum : 0);
        struct seed_item *grown = realloc(by_share.items, (by_share.n + 1) * sizeof *grown);
        if (!grown) {
            free(by_share.items);
            return err_set(e, ERR_NOMEM, "", "out of memory");
        }
        by_share.items = grown;
        grown[by_share.n] =
            (struct seed_item){NULL, NULL, i, (by_share.n ? grown[by_share.n - 1].cum : 0) + share};
        by_share.n++;
    }
    w->staff = calloc((size_t)p->users, sizeof *w->staff);
    bool ok = w->staff != NULL;
    for (int u = 0; ok && u < p->users; u++) {
        char username[64], display[100], email[96];
        bool manager = u < nteams;
        int team = manager ? u : seed_list_pick(&by_share, &w->rng)->ref;
        ok = seed_gen_staff_name(g, username, display);
        snprintf(email, sizeof email, "%s@northmere.example", username);
        struct store_stmt *st = ok ? store_prepare(x->conn, SQL_INSERT_USER, e) : NULL;
        if (!(ok = st != NULL))
            break;
        store_bind_text(st, ":username", username);
        store_bind_text(st, ":display_name", display);
        store_bind_text(st, ":email", email);
        store_bind_text(st, ":role", manager ? "manager" : "practitioner");
        store_bind_text(st, ":hash", hash);
        store_bind_int64(st, ":now", x->now);
        ok = store_exec(st, e);
        bool created = ok && store_changes(x->conn) > 0;
        int64_t id = 0;
        ok = ok && row_id(x, SQL_USER_ID, ":username", username, &id, e);
        if (ok && created) {
            buf_reset(&w->detail);
            buf_printf(&w->detail, "username=%s role=%s teams=%lld (casework seed)", username,
                       manager ? "manager" : "practitioner", (long long)team_ids[team]);
            ok =
                seed_audit_append(&w->audit, x, "user.create", "user", id, NULL, w->detail.data, e);
            w->r->users++;
            w->r->audit_rows++;
        }
        st = ok ? store_prepare(x->conn, SQL_USER_TEAM, e) : NULL;
        if (!(ok = st != NULL))
            break;
        store_bind_int64(st, ":user_id", id);
        store_bind_int64(st, ":team_id", team_ids[team]);
        ok = store_exec(st, e);
        if (ok && !manager)
            w->staff[w->nstaff++] = id;
    }
    sodium_memzero(hash, sizeof hash);
    free(by_share.items);
    if (ok && !w->nstaff)
        return err_set(e, ERR_INVALID, "profile", "The profile has no practitioners");
    return ok;
}

/* --- people ---------------------------------------------------------------- */

static const char *date_or_null(struct buf *b, int64_t day)
{
    buf_reset(b);
    if (!day)
        return NULL;
    clock_format_date(b, day);
    return b->data;
}

static void split_day(int64_t day, int *y, int *m, int *d)
{
    clock_civil_from_days(day, y, m, d);
}

/* The domain's own rules, applied to what the generator made. */
static bool check_person(struct writer *w, const struct seed_person *p,
                         const struct seed_address *a, struct err *e)
{
    struct buf dob = BUF_INIT, dod = BUF_INIT;
    char sex[2] = {p->sex, '\0'};
    struct person_input in = {.forenames = p->forenames,
                              .surname = p->surname,
                              .dob = date_or_null(&dob, p->dob),
                              .dod = date_or_null(&dod, p->dod),
                              .nhs_number = p->nhs,
                              .upn = p->upn,
                              .sex = sex,
                              .gender = p->gender,
                              .ethnicity = p->ethnicity,
                              .language = p->language,
                              .religion = p->religion,
                              .immigration_status = p->status,
                              .ndisabilities = p->disability ? 1 : 0,
                              .disabilities = {p->disability},
                              .address_line1 = a->line1,
                              .address_town = a->town,
                              .address_postcode = a->postcode};
    bool ok = people_check(w->x, &in, e);
    if (!ok) {
        char why[sizeof e->message];
        snprintf(why, sizeof why, "%s", e->message);
        err_set(e, ERR_INTERNAL, e->field, "a generated person breaks a rule: %s (%s %s)", why,
                p->forenames, p->surname);
    }
    buf_release(&dob);
    buf_release(&dod);
    return ok;
}

static bool insert_address(struct writer *w, int64_t id, const struct seed_person *p,
                           const struct seed_address *a, int64_t from, int64_t to, int64_t by,
                           struct err *e)
{
    struct store_stmt *st = store_prepare(w->x->conn, SQL_INSERT_ADDRESS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_text(st, ":line1", a->line1);
    store_bind_text(st, ":town", a->town);
    store_bind_text(st, ":postcode", a->postcode);
    store_bind_text_or_null(st, ":from_date", date_or_null(&w->from, from));
    store_bind_text_or_null(st, ":to_date", date_or_null(&w->to, to));
    store_bind_int64(st, ":created_at", p->created_at);
    store_bind_int64(st, ":by", by);
    w->r->addresses++;
    return store_exec(st, e);
}

/* The search keys people_rebuild_keys would make for the record as written. */
static bool insert_keys(struct writer *w, int64_t id, const struct seed_person *p,
                        const char *postcode, struct err *e)
{
    char sex[2] = {p->sex, '\0'};
    struct match_person mp = {.forenames = p->forenames,
                              .surname = p->surname,
                              .nhs_number = p->nhs[0] ? p->nhs : NULL,
                              .upn = p->upn[0] ? p->upn : NULL,
                              .postcode = postcode,
                              .sex = sex};
    split_day(p->dob, &mp.dob_year, &mp.dob_month, &mp.dob_day);
    buf_reset(&w->keys);
    match_keys(&mp, &w->keys);
    if (p->previous_surname[0]) {
        struct match_person other = {.forenames = p->forenames, .surname = p->previous_surname};
        buf_putc(&w->keys, '\n');
        match_keys(&other, &w->keys);
    }
    if (buf_failed(&w->keys))
        return err_set(e, ERR_NOMEM, "", "out of memory");
    for (char *line = w->keys.data; *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (*line) {
            struct store_stmt *st = store_prepare(w->x->conn, SQL_INSERT_KEY, e);
            if (!st)
                return false;
            store_bind_text(st, ":key", line);
            store_bind_int64(st, ":id", id);
            if (!store_exec(st, e))
                return false;
            w->r->keys++;
        }
        if (!end)
            break;
        line = end + 1;
    }
    return true;
}

static bool insert_person(struct writer *w, struct seed_cluster *c, struct seed_person *p,
                          struct err *e)
{
    struct ctx *x = w->x;
    const struct seed_address *home = &c->addresses[p->address];
    int64_t by = w->staff[seed_rng_below(&w->rng, w->nstaff)];
    if (!check_person(w, p, home, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT_PERSON, e);
    if (!st)
        return false;
    char sex[2] = {p->sex, '\0'};
    store_bind_int64(st, ":id", w->last_person + 1);
    store_bind_text(st, ":forenames", p->forenames);
    store_bind_text(st, ":surname", p->surname);
    store_bind_text(st, ":dob", date_or_null(&w->from, p->dob));
    store_bind_text_or_null(st, ":dod", date_or_null(&w->to, p->dod));
    store_bind_text_or_null(st, ":nhs_number", p->nhs);
    store_bind_text_or_null(st, ":upn", p->upn);
    store_bind_text(st, ":sex", sex);
    store_bind_text_or_null(st, ":gender", p->gender);
    store_bind_text_or_null(st, ":ethnicity", p->ethnicity);
    store_bind_text_or_null(st, ":language", p->language);
    store_bind_text_or_null(st, ":religion", p->religion);
    store_bind_text_or_null(st, ":immigration_status", p->status);
    store_bind_int64(st, ":created_at", p->created_at);
    store_bind_int64(st, ":by", by);
    if (!store_exec(st, e))
        return false;
    p->id = ++w->last_person;
    if (p->previous_address >= 0 &&
        !insert_address(w, p->id, p, &c->addresses[p->previous_address], 0, p->moved_in - 1, by, e))
        return false;
    if (!insert_address(w, p->id, p, home, p->moved_in, 0, by, e))
        return false;
    if (p->previous_surname[0]) {
        if (!(st = store_prepare(x->conn, SQL_INSERT_NAME, e)))
            return false;
        store_bind_int64(st, ":id", p->id);
        store_bind_text(st, ":forenames", p->forenames);
        store_bind_text(st, ":surname", p->previous_surname);
        store_bind_text_or_null(st, ":to_date", date_or_null(&w->to, p->previous_to));
        store_bind_int64(st, ":created_at", p->created_at);
        store_bind_int64(st, ":by", by);
        if (!store_exec(st, e))
            return false;
        w->r->names++;
    }
    if (p->disability) {
        if (!(st = store_prepare(x->conn, SQL_INSERT_DISABILITY, e)))
            return false;
        store_bind_int64(st, ":id", p->id);
        store_bind_text(st, ":code", p->disability);
        if (!store_exec(st, e))
            return false;
    }
    if (p->phone[0]) {
        if (!(st = store_prepare(x->conn, SQL_INSERT_PHONE, e)))
            return false;
        store_bind_int64(st, ":id", p->id);
        store_bind_text(st, ":value", p->phone);
        store_bind_int64(st, ":created_at", p->created_at);
        if (!store_exec(st, e))
            return false;
    }
    buf_reset(&w->detail);
    if (p->duplicate_of)
        buf_printf(&w->detail,
                   "synthetic record (casework seed): planted near-duplicate of "
                   "person %lld (%s)",
                   (long long)p->duplicate_of, p->duplicate_how);
    else
        buf_puts(&w->detail, "synthetic record (casework seed)");
    if (!insert_keys(w, p->id, p, home->postcode, e) ||
        !seed_audit_append(&w->audit, x, "person.create", "person", p->id, NULL, w->detail.data, e))
        return false;
    w->r->people++;
    w->r->duplicates += p->duplicate_of != 0;
    w->r->audit_rows++;
    if (!w->r->first_person_id)
        w->r->first_person_id = p->id;
    return true;
}

static bool insert_relationship(struct writer *w, const struct seed_cluster *c,
                                const struct seed_rel *rel, struct err *e)
{
    const struct codelist *types = codelist_get(w->x->codes, "relationship");
    if (!codelist_has(types, rel->type))
        return err_set(e, ERR_INTERNAL, "type",
                       "relationship type %s is not in config/codes/relationship.txt", rel->type);
    struct store_stmt *st = store_prepare(w->x->conn, SQL_INSERT_RELATIONSHIP, e);
    if (!st)
        return false;
    const struct seed_person *a = &c->people[rel->a];
    store_bind_int64(st, ":person_id", a->id);
    store_bind_int64(st, ":related_id", c->people[rel->b].id);
    store_bind_text(st, ":type", rel->type);
    store_bind_text_or_null(st, ":from_date", date_or_null(&w->from, rel->from));
    store_bind_text_or_null(st, ":to_date", date_or_null(&w->to, rel->to));
    store_bind_int64(st, ":created_at",
                     a->created_at > c->people[rel->b].created_at ? a->created_at
                                                                  : c->people[rel->b].created_at);
    store_bind_int64(st, ":by", w->staff[seed_rng_below(&w->rng, w->nstaff)]);
    w->r->relationships++;
    return store_exec(st, e);
}

static bool scalar(struct ctx *x, const char *sql, int64_t *n, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, sql, e);
    if (!st || store_step(st, e) != STORE_ROW)
        return false;
    *n = store_col_int64(st, 0);
    return store_exec(st, e);
}

static bool write_people(struct writer *w, struct seed_gen *g, struct err *e)
{
    struct seed_cluster *c = malloc(sizeof *c);
    if (!c)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    bool ok = true;
    int64_t since_commit = 0, next_progress = PROGRESS_EVERY;
    while (ok && seed_gen_next(g, c)) {
        for (int i = 0; ok && i < c->npeople; i++)
            ok = insert_person(w, c, &c->people[i], e);
        for (int i = 0; ok && i < c->nrels; i++)
            ok = insert_relationship(w, c, &c->rels[i], e);
        if (!ok)
            break;
        seed_gen_written(g, c);
        since_commit += c->npeople;
        if (since_commit >= COMMIT_EVERY) {
            ok = seed_audit_commit(&w->audit, w->x, e) && store_begin(w->x->conn, true, e);
            since_commit = 0;
        }
        if (w->r->people >= next_progress && w->o->progress) {
            w->o->progress(w->r, w->o->arg);
            next_progress += PROGRESS_EVERY;
        }
    }
    free(c);
    return ok;
}

bool seed_run(struct ctx *x, const struct seed_options *o, struct seed_report *r, struct err *e)
{
    memset(r, 0, sizeof *r);
    const struct seed_profile *p = seed_profile_find(o->profile);
    if (!p)
        return err_set(e, ERR_INVALID, "profile", "The profile must be tiny, district or county");
    if (!access_require(x->who, PERM_USERS_ADMIN, e) ||
        !access_require(x->who, PERM_PEOPLE_EDIT, e))
        return false;
    struct writer w = {.x = x, .o = o, .r = r};
    seed_rng_init(&w.rng, o->seed ^ 0xC0FFEEULL);
    struct seed_tables *t = seed_tables_load(e);
    struct seed_gen *g = NULL;
    bool ok = false;
    int64_t existing = 0;
    if (!t || !seed_bulk_begin(x, e) || !store_begin(x->conn, true, e) ||
        !scalar(x, SQL_COUNT_PEOPLE, &existing, e) || !scalar(x, SQL_MAX_PERSON, &w.last_person, e))
        goto done;
    if (existing && !o->force) {
        err_set(e, ERR_CONFLICT, "database",
                "The database already has %lld people; seed an empty database, or give --force "
                "to add a second population",
                (long long)existing);
        goto done;
    }
    g = seed_gen_new(t, p, o->seed, o->as_of, (uint32_t)existing, e);
    if (!g || !make_users(&w, g, t, p, e) || !seed_audit_commit(&w.audit, x, e) ||
        !store_begin(x->conn, true, e) || !write_people(&w, g, e))
        goto done;
    if (o->work_years > 0) {
        struct seed_work_options wo = {.seed = o->seed,
                                       .as_of = o->as_of,
                                       .years = o->work_years,
                                       .per_year = seed_work_contacts_per_year(r->people),
                                       .note_factor = 1.0,
                                       .progress = o->work_progress,
                                       .arg = o->arg};
        if (!seed_audit_commit(&w.audit, x, e) || !seed_work_run(x, &wo, &r->work, e) ||
            !store_begin(x->conn, true, e))
            goto done;
        r->audit_rows += r->work.audit_rows;
    }
    buf_reset(&w.detail);
    buf_printf(&w.detail,
               "profile %s, seed %llu: %lld people (%lld planted near-duplicates), %lld "
               "relationships, %lld teams, %lld users",
               p->name, (unsigned long long)o->seed, (long long)r->people, (long long)r->duplicates,
               (long long)r->relationships, (long long)r->teams, (long long)r->users);
    ok = seed_audit_commit(&w.audit, x, e) && seed_bulk_end(x, e) &&
         store_begin(x->conn, true, e) &&
         ctx_audit(x, "seed.run", NULL, 0, NULL, w.detail.data, e) && store_commit(x->conn, e);
    r->audit_rows += ok;
done:
    if (!ok) {
        store_rollback(x->conn);
        seed_audit_forget(&w.audit);
        seed_bulk_abort(x);
    }
    seed_gen_free(g);
    seed_tables_free(t);
    free(w.staff);
    buf_release(&w.keys);
    buf_release(&w.detail);
    buf_release(&w.from);
    buf_release(&w.to);
    seed_audit_release(&w.audit);
    return ok;
}
