/*
 * Reading people: one record in full (people_get), search, the likely matches
 * shown before a record is created, and the search keys behind both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "domain/matching.h"
#include "domain/people_internal.h"
#include "domain/need_to_know.h"

static const char SQL_GET[] =
    "SELECT id, COALESCE(legacy_id, ''), forenames, surname, COALESCE(preferred_name, ''),"
    " COALESCE(dob, ''), dob_estimated, COALESCE(expected_dob, ''), COALESCE(dod, ''),"
    " COALESCE(nhs_number, ''), COALESCE(upn, ''), COALESCE(upn_unknown, ''),"
    " COALESCE(sex, ''), COALESCE(gender, ''), COALESCE(ethnicity, ''),"
    " COALESCE(language, ''), COALESCE(religion, ''), COALESCE(immigration_status, ''),"
    " restricted, COALESCE(merged_into, 0), created_at, updated_at FROM people WHERE id = :id";
static const char SQL_NAMES[] =
    "SELECT id, kind, forenames, surname, COALESCE(from_date, ''), COALESCE(to_date, '')"
    " FROM person_names WHERE person_id = :id ORDER BY id DESC";
static const char SQL_DISABILITIES[] =
    "SELECT code FROM person_disabilities WHERE person_id = :id ORDER BY code";
static const char SQL_ADDRESSES[] =
    "SELECT id, line1, COALESCE(line2, ''), COALESCE(town, ''), COALESCE(postcode, ''),"
    " COALESCE(uprn, ''), COALESCE(from_date, ''), COALESCE(to_date, '') FROM addresses"
    " WHERE person_id = :id"
    " ORDER BY (to_date IS NULL) DESC, COALESCE(from_date, '') DESC, id DESC";
static const char SQL_CONTACTS[] =
    "SELECT id, kind, label, value, preferred FROM contact_methods WHERE person_id = :id"
    " ORDER BY kind, preferred DESC, id";
/* What ranking and disambiguation need about a candidate, in one row. */
static const char SQL_SUMMARY[] =
    "SELECT p.id, p.forenames, p.surname, COALESCE(p.dob, ''), COALESCE(p.nhs_number, ''),"
    " COALESCE(p.upn, ''), COALESCE(p.sex, ''), p.restricted, COALESCE(p.merged_into, 0),"
    " COALESCE((SELECT a.postcode FROM addresses a WHERE a.person_id = p.id"
    "   AND a.to_date IS NULL ORDER BY a.id DESC LIMIT 1), '')"
    " FROM people p WHERE p.id = :id";
/* The same for up to SUMMARY_BATCH people at once (unused slots bound to
 * NULL): a broad search scores hundreds of candidates, and one statement per
 * candidate spent as much time starting and ending statements as reading. */
enum { SUMMARY_BATCH = 50 };
static const char SQL_SUMMARIES[] =
    "SELECT p.id, p.forenames, p.surname, COALESCE(p.dob, ''), COALESCE(p.nhs_number, ''),"
    " COALESCE(p.upn, ''), COALESCE(p.sex, ''), p.restricted, COALESCE(p.merged_into, 0),"
    " COALESCE((SELECT a.postcode FROM addresses a WHERE a.person_id = p.id"
    "   AND a.to_date IS NULL ORDER BY a.id DESC LIMIT 1), '')"
    " FROM people p WHERE p.id IN "
    "(:i0,:i1,:i2,:i3,:i4,:i5,:i6,:i7,:i8,:i9,:i10,:i11,:i12,:i13,:i14,:i15,:i16,:i17,:i18,:i19,:"
    "i20,:i21,:i22,:i23,:i24,:i25,:i26,:i27,:i28,:i29,:i30,:i31,:i32,:i33,:i34,:i35,:i36,:i37,:i38,"
    ":i39,:i40,:i41,:i42,:i43,:i44,:i45,:i46,:i47,:i48,:i49)";
static const char SQL_KEY_HITS[] = "SELECT person_id FROM person_keys WHERE key = :key LIMIT 3000";
static const char SQL_CLEAR_KEYS[] = "DELETE FROM person_keys WHERE person_id = :id";
static const char SQL_ADD_KEY[] =
    "INSERT INTO person_keys (key, person_id) VALUES (:key, :id) ON CONFLICT DO NOTHING";
static const char SQL_OTHER_NAMES[] =
    "SELECT forenames, surname FROM person_names WHERE person_id = :id";

static char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

/* Rows of a child table into an arena array. */
#define LOAD_ROWS(x, sql, id, type, out, count, fill, e)                                           \
    do {                                                                                           \
        struct store_stmt *st_ = store_prepare((x)->conn, (sql), (e));                             \
        if (!st_)                                                                                  \
            return false;                                                                          \
        store_bind_int64(st_, ":id", (id));                                                        \
        size_t cap_ = 0;                                                                           \
        enum store_step_result r_;                                                                 \
        while ((r_ = store_step(st_, (e))) == STORE_ROW) {                                         \
            if ((count) == cap_) {                                                                 \
                size_t ncap_ = cap_ ? cap_ * 2 : 8;                                                \
                type *grown_ = arena_alloc((x)->arena, ncap_ * sizeof(type));                      \
                if (!grown_)                                                                       \
                    return err_set((e), ERR_NOMEM, "", "out of memory");                           \
                if (cap_)                                                                          \
                    memcpy(grown_, (out), cap_ * sizeof(type));                                    \
                (out) = grown_;                                                                    \
                cap_ = ncap_;                                                                      \
            }                                                                                      \
            type *row_ = &(out)[(count)++];                                                        \
            fill;                                                                                  \
        }                                                                                          \
        if (r_ == STORE_ERROR)                                                                     \
            return false;                                                                          \
    } while (0)

static bool load_children(struct ctx *x, struct person *p, struct err *e)
{
    LOAD_ROWS(
        x, SQL_NAMES, p->id, struct person_name, p->names, p->nnames,
        {
            row_->id = store_col_int64(st_, 0);
            row_->kind = dup(x, st_, 1);
            row_->forenames = dup(x, st_, 2);
            row_->surname = dup(x, st_, 3);
            row_->from_date = dup(x, st_, 4);
            row_->to_date = dup(x, st_, 5);
        },
        e);
    LOAD_ROWS(
        x, SQL_ADDRESSES, p->id, struct address, p->addresses, p->naddresses,
        {
            row_->id = store_col_int64(st_, 0);
            row_->line1 = dup(x, st_, 1);
            row_->line2 = dup(x, st_, 2);
            row_->town = dup(x, st_, 3);
            row_->postcode = dup(x, st_, 4);
            row_->uprn = dup(x, st_, 5);
            row_->from_date = dup(x, st_, 6);
            row_->to_date = dup(x, st_, 7);
        },
        e);
    LOAD_ROWS(
        x, SQL_CONTACTS, p->id, struct contact_method, p->contacts, p->ncontacts,
        {
            row_->id = store_col_int64(st_, 0);
            row_->kind = dup(x, st_, 1);
            row_->label = dup(x, st_, 2);
            row_->value = dup(x, st_, 3);
            row_->preferred = store_col_int64(st_, 4) != 0;
        },
        e);
    struct store_stmt *st = store_prepare(x->conn, SQL_DISABILITIES, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", p->id);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW && p->ndisabilities < PEOPLE_MAX_DISABILITIES)
        p->disabilities[p->ndisabilities++] = dup(x, st, 0);
    return r != STORE_ERROR;
}

/* The main row; p->merged_into gets the survivor if this id was merged away. */
bool people_load_row(struct ctx *x, int64_t id, struct person *p, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_GET, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE)
        return err_set(e, ERR_NOT_FOUND, "", "There is no person record %lld", (long long)id);
    memset(p, 0, sizeof *p);
    p->id = store_col_int64(st, 0);
    const char **text[] = {&p->legacy_id,
                           &p->forenames,
                           &p->surname,
                           &p->preferred_name,
                           &p->dob,
                           NULL,
                           &p->expected_dob,
                           &p->dod,
                           &p->nhs_number,
                           &p->upn,
                           &p->upn_unknown,
                           &p->sex,
                           &p->gender,
                           &p->ethnicity,
                           &p->language,
                           &p->religion,
                           &p->immigration_status};
    for (int i = 0; i < 17; i++)
        if (text[i])
            *text[i] = dup(x, st, i + 1);
    p->dob_estimated = store_col_int64(st, 6) != 0;
    p->restricted = store_col_int64(st, 18) != 0;
    p->merged_into = store_col_int64(st, 19);
    p->created_at = store_col_int64(st, 20);
    p->updated_at = store_col_int64(st, 21);
    return true;
}

bool people_get(struct ctx *x, int64_t id, struct person *out, struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_VIEW, e))
        return false;
    /* Everything is read in a read transaction; only the view's audit row
     * takes the write lock, in its own short transaction committed before
     * the answer (reading under the write lock would hold up every writer).
     * A merged-away id (ERR_CONFLICT from need-to-know) is checked below on
     * the record it leads to. */
    if (!store_begin(x->conn, false, e))
        return false;
    bool ok = false;
    struct err pre = ERR_INIT;
    bool checked = ntk_require(x, id, ACTION_VIEW, &pre);
    if (!checked && pre.code != ERR_CONFLICT) {
        if (pre.code != ERR_NONE)
            *e = pre;
        goto done;
    }
    if (!people_load_row(x, id, out, e))
        goto done;
    /* A merged-away id stays resolvable: follow it to the surviving record
     * (bounded, so a corrupt cycle cannot loop). */
    for (int hops = 0; out->merged_into && hops < 8; hops++)
        if (!people_load_row(x, out->merged_into, out, e))
            goto done;
    if (out->merged_into) {
        err_set(e, ERR_INTERNAL, "", "Person %lld has a merge chain that does not end",
                (long long)id);
        goto done;
    }
    if (!people_visible(x, out->id, out->restricted, e) ||
        (!checked && !ntk_require(x, out->id, ACTION_VIEW, e)) || !load_children(x, out, e))
        goto done;
    store_rollback(x->conn); /* nothing was written: ends the read */
    ok = store_begin(x->conn, true, e) &&
         ctx_audit(x, "person.view", "person", out->id, NULL,
                   out->id != id ? "opened through a merged-away id" : NULL, e) &&
         store_commit(x->conn, e);
    out->merged_into = out->id != id ? out->id : 0;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static const char SQL_LABEL[] =
    "SELECT forenames, surname, COALESCE(dob, '') FROM people WHERE id = :id";

bool people_label(struct ctx *x, int64_t id, const char **forenames, const char **surname,
                  const char **dob, struct err *e)
{
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    struct store_stmt *st;
    if (!people_may_see(x, id, e) || !(st = store_prepare(x->conn, SQL_LABEL, e)))
        goto done;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW) {
        if (r == STORE_DONE)
            err_set(e, ERR_NOT_FOUND, "", "There is no person record %lld", (long long)id);
        goto done;
    }
    *forenames = dup(x, st, 0);
    *surname = dup(x, st, 1);
    *dob = dup(x, st, 2);
    ok = ctx_audit(x, "person.label", "person", id, NULL, NULL, e) && store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

/* --- search keys --------------------------------------------------------- */

struct summary {
    int64_t id;
    const char *forenames, *surname, *dob, *nhs, *upn, *sex, *postcode;
    bool restricted;
    int64_t merged_into;
};

/* The summary columns of the row st is on. */
static bool read_summary(struct ctx *x, struct store_stmt *st, struct summary *s, struct err *e)
{
    s->id = store_col_int64(st, 0);
    s->forenames = dup(x, st, 1);
    s->surname = dup(x, st, 2);
    s->dob = dup(x, st, 3);
    s->nhs = dup(x, st, 4);
    s->upn = dup(x, st, 5);
    s->sex = dup(x, st, 6);
    s->restricted = store_col_int64(st, 7) != 0;
    s->merged_into = store_col_int64(st, 8);
    s->postcode = dup(x, st, 9);
    return s->forenames && s->surname && s->dob && s->postcode
               ? true
               : err_set(e, ERR_NOMEM, "", "out of memory");
}

static bool load_summary(struct ctx *x, int64_t id, struct summary *s, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_SUMMARY, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW)
        return r == STORE_DONE ? err_set(e, ERR_NOT_FOUND, "", "no person %lld", (long long)id)
                               : false;
    return read_summary(x, st, s, e);
}

/* Summaries of ids[0..n) into out[], found[i] false for an id with no row. */
static bool load_summaries(struct ctx *x, const int64_t *ids, size_t n, struct summary *out,
                           bool *found, struct err *e)
{
    static const char *const names[SUMMARY_BATCH] = {
#define I10(t)                                                                                     \
    ":i" #t "0", ":i" #t "1", ":i" #t "2", ":i" #t "3", ":i" #t "4", ":i" #t "5", ":i" #t "6",     \
        ":i" #t "7", ":i" #t "8", ":i" #t "9"
        ":i0", ":i1", ":i2",  ":i3",  ":i4",  ":i5", ":i6", ":i7",
        ":i8", ":i9", I10(1), I10(2), I10(3), I10(4)
#undef I10
    };
    memset(found, 0, n * sizeof *found);
    for (size_t base = 0; base < n; base += SUMMARY_BATCH) {
        size_t k = n - base < SUMMARY_BATCH ? n - base : SUMMARY_BATCH;
        struct store_stmt *st = store_prepare(x->conn, SQL_SUMMARIES, e);
        if (!st)
            return false;
        for (size_t i = 0; i < SUMMARY_BATCH; i++) {
            if (i < k)
                store_bind_int64(st, names[i], ids[base + i]);
            else
                store_bind_null(st, names[i]);
        }
        enum store_step_result r;
        while ((r = store_step(st, e)) == STORE_ROW) {
            int64_t id = store_col_int64(st, 0);
            for (size_t i = 0; i < k; i++) {
                if (ids[base + i] == id && !found[base + i]) {
                    if (!read_summary(x, st, &out[base + i], e))
                        return false;
                    found[base + i] = true;
                    break;
                }
            }
        }
        if (r == STORE_ERROR)
            return false;
    }
    return true;
}

/* "YYYY-MM-DD" (or "") into the matcher's parts. */
static void split_date(const char *d, int *y, int *m, int *dd)
{
    *y = *m = *dd = 0;
    if (d && strlen(d) == 10) {
        *y = atoi(d);
        *m = atoi(d + 5);
        *dd = atoi(d + 8);
    }
}

static void summary_person(const struct summary *s, struct match_person *mp)
{
    memset(mp, 0, sizeof *mp);
    mp->forenames = s->forenames;
    mp->surname = s->surname;
    split_date(s->dob, &mp->dob_year, &mp->dob_month, &mp->dob_day);
    mp->nhs_number = *s->nhs ? s->nhs : NULL;
    mp->upn = *s->upn ? s->upn : NULL;
    mp->postcode = *s->postcode ? s->postcode : NULL;
    mp->sex = *s->sex ? s->sex : NULL;
}

bool people_rebuild_keys(struct ctx *x, int64_t id, struct err *e)
{
    struct summary s;
    struct match_person mp;
    struct buf keys = BUF_INIT;
    bool ok = false;
    if (!load_summary(x, id, &s, e))
        goto done;
    summary_person(&s, &mp);
    match_keys(&mp, &keys);
    /* Previous and alternative names find the person too. */
    struct store_stmt *st = store_prepare(x->conn, SQL_OTHER_NAMES, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", id);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct match_person other = {.forenames = store_col_text(st, 0),
                                     .surname = store_col_text(st, 1)};
        buf_putc(&keys, '\n');
        match_keys(&other, &keys);
    }
    if (r == STORE_ERROR)
        goto done;
    st = store_prepare(x->conn, SQL_CLEAR_KEYS, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", id);
    if (!store_exec(st, e) || buf_failed(&keys))
        goto done;
    for (char *line = keys.data; *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (*line) {
            st = store_prepare(x->conn, SQL_ADD_KEY, e);
            if (!st)
                goto done;
            store_bind_text(st, ":key", line);
            store_bind_int64(st, ":id", id);
            if (!store_exec(st, e))
                goto done;
        }
        if (!end)
            break;
        line = end + 1;
    }
    ok = true;
done:
    buf_release(&keys);
    return ok;
}

/* --- candidates and ranking ---------------------------------------------- */

struct hit {
    int64_t id;
    int hits;
};

enum { MAX_HITS = 20000, MAX_SCORED = 400, HIT_SLOTS = 1 << 16 };

/* Per-search tally of how many query keys each person matched: an array of
 * hits plus an open-addressing index (slots hold index + 1; 0 is empty). */
struct hits {
    struct hit *v;
    size_t n;
    uint32_t *slots;
};

static bool add_hit(struct hits *h, int64_t id)
{
    uint64_t k = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = (uint32_t)(k >> 48) & (HIT_SLOTS - 1);; i = (i + 1) & (HIT_SLOTS - 1)) {
        if (!h->slots[i]) {
            if (h->n == MAX_HITS)
                return true; /* full: further people are not candidates */
            h->v[h->n] = (struct hit){id, 1};
            h->slots[i] = (uint32_t)++h->n;
            return true;
        }
        if (h->v[h->slots[i] - 1].id == id) {
            h->v[h->slots[i] - 1].hits++;
            return true;
        }
    }
}

static int by_hits(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->hits != y->hits)
        return y->hits - x->hits;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int by_score(const void *a, const void *b)
{
    const struct person_candidate *x = a, *y = b;
    if (x->score != y->score)
        return y->score - x->score;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Look up every key, then score the most-hit people against the query and
 * keep the best `max` scoring at least min_score. */
static bool rank(struct ctx *x, const char *keys, int64_t direct_id,
                 const struct match_person *query, int min_score, struct person_candidate *out,
                 size_t max, size_t *n, struct err *e)
{
    struct hits h = {calloc(MAX_HITS, sizeof(struct hit)), 0, calloc(HIT_SLOTS, sizeof(uint32_t))};
    bool ok = false;
    /* One read transaction for every lookup: in autocommit each of the
     * hundreds of statements takes and drops SQLite's file locks (two fcntl
     * calls and a stat each), which was a third of a broad search's time. */
    bool own_tx = !store_in_transaction(x->conn);
    *n = 0;
    if (!h.v || !h.slots)
        goto oom;
    if (own_tx && !store_begin(x->conn, false, e)) {
        own_tx = false;
        goto done;
    }
    if (direct_id > 0 && !add_hit(&h, direct_id))
        goto oom;
    for (const char *line = keys; *line && h.n < MAX_HITS;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len) {
            char *key = arena_strndup(x->arena, line, len);
            struct store_stmt *st = key ? store_prepare(x->conn, SQL_KEY_HITS, e) : NULL;
            if (!st)
                goto done;
            store_bind_text(st, ":key", key);
            enum store_step_result r;
            while ((r = store_step(st, e)) == STORE_ROW)
                if (!add_hit(&h, store_col_int64(st, 0)))
                    goto oom;
            if (r == STORE_ERROR)
                goto done;
        }
        line += len + (end ? 1 : 0);
    }
    qsort(h.v, h.n, sizeof *h.v, by_hits);
    size_t nscored = h.n < MAX_SCORED ? h.n : MAX_SCORED;
    int64_t *ids = arena_alloc(x->arena, (nscored + 1) * sizeof *ids);
    struct summary *sums = arena_alloc(x->arena, (nscored + 1) * sizeof *sums);
    bool *found = arena_alloc(x->arena, (nscored + 1) * sizeof *found);
    if (!ids || !sums || !found)
        goto oom;
    for (size_t i = 0; i < nscored; i++)
        ids[i] = h.v[i].id;
    if (!load_summaries(x, ids, nscored, sums, found, e))
        goto done;
    for (size_t i = 0; i < nscored; i++) {
        struct err ignore = ERR_INIT;
        if (!found[i])
            continue; /* e.g. a #id that does not exist */
        const struct summary s = sums[i];
        if (s.merged_into || (s.restricted && !people_visible(x, s.id, true, &ignore)))
            continue; /* merged-away records and restricted ones without a grant stay out */
        struct match_person mp;
        summary_person(&s, &mp);
        struct match_explain why;
        int score = direct_id == s.id ? 100 : match_score(query, &mp, &why);
        if (direct_id == s.id)
            snprintf(why.reasons, sizeof why.reasons, "local id matches");
        if (score < min_score)
            continue;
        struct person_candidate c = {s.id,        score,      arena_strdup(x->arena, why.reasons),
                                     s.forenames, s.surname,  s.dob,
                                     s.nhs,       s.postcode, s.sex};
        if (*n < max) {
            out[(*n)++] = c;
        } else if (score > out[max - 1].score) {
            out[max - 1] = c;
        } else {
            continue;
        }
        qsort(out, *n, sizeof *out, by_score);
    }
    ok = true;
    goto done;
oom:
    err_set(e, ERR_NOMEM, "", "out of memory");
done:
    if (own_tx && !(ok && store_commit(x->conn, e))) {
        store_rollback(x->conn);
        ok = false;
    }
    free(h.v);
    free(h.slots);
    return ok;
}

bool people_find_matches(struct ctx *x, const struct person_input *in, struct person_candidate *out,
                         size_t *n, struct err *e)
{
    struct person_clean c;
    *n = 0;
    if (!access_require(x->who, PERM_PEOPLE_VIEW, e) || !people_validate(x, in, true, &c, e))
        return false;
    struct match_person mp = {.forenames = in->forenames,
                              .surname = in->surname,
                              .nhs_number = c.nhs[0] ? c.nhs : NULL,
                              .upn = c.upn[0] ? c.upn : NULL,
                              .postcode = c.postcode[0] ? c.postcode : NULL,
                              .sex = in->sex && *in->sex ? in->sex : NULL};
    split_date(in->dob, &mp.dob_year, &mp.dob_month, &mp.dob_day);
    struct buf keys = BUF_INIT;
    match_keys(&mp, &keys);
    bool ok =
        !buf_failed(&keys) && rank(x, keys.data, 0, &mp, 50, out, PEOPLE_MAX_CANDIDATES, n, e);
    buf_release(&keys);
    if (!ok)
        return false;
    /* The candidates show names, dates of birth and NHS numbers: audited like a search. */
    struct buf detail = BUF_INIT;
    buf_printf(&detail, "%s %s: %zu candidate%s", in->forenames ? in->forenames : "",
               in->surname ? in->surname : "", *n, *n == 1 ? "" : "s");
    for (size_t i = 0; i < *n; i++)
        buf_printf(&detail, "%s %lld", i ? "," : "", (long long)out[i].id);
    ok = store_begin(x->conn, true, e) &&
         ctx_audit(x, "person.matches", NULL, 0, NULL, detail.data, e) && store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    buf_release(&detail);
    return ok;
}

bool people_search(struct ctx *x, const char *query, struct person_candidate *out, size_t max,
                   size_t *n, struct err *e)
{
    *n = 0;
    if (!access_require(x->who, PERM_PEOPLE_VIEW, e))
        return false;
    if (!query || !*query || strlen(query) > 200)
        return err_set(e, ERR_INVALID, "q",
                       "Enter a name, date of birth, NHS number, UPN, postcode or id (up to 200 "
                       "characters)");
    struct match_query q;
    struct buf storage = BUF_INIT, keys = BUF_INIT;
    bool ok = false;
    if (!match_parse_query(query, &q, &storage)) {
        err_set(e, ERR_INVALID, "q", "The search could not be understood");
        goto done;
    }
    match_query_keys(&q, &keys);
    if (buf_failed(&keys) || buf_failed(&storage)) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    if (!rank(x, keys.data, q.local_id, &q.person, 30, out, max, n, e))
        goto done;
    /* Searching shows names and dates of birth, so it is audited like a view. */
    ok = store_begin(x->conn, true, e) && ctx_audit(x, "person.search", NULL, 0, NULL, query, e) &&
         store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
done:
    buf_release(&storage);
    buf_release(&keys);
    return ok;
}
