/*
 * sar: subject access requests and the export of a person's whole record.
 */
#include "domain/sar.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "domain/access_log.h"

static const char SQL_INSERT[] =
    "INSERT INTO sar_requests (person_id, received_on, due_on, requester, created_at, created_by)"
    " VALUES (:person, :received, :due, :requester, :now, :by) RETURNING id";
static const char SQL_PERSON_EXISTS[] =
    "SELECT forenames || ' ' || surname FROM people WHERE id = :id AND merged_into IS NULL";
#define REQUEST_COLUMNS                                                                            \
    "SELECT s.id, s.person_id, s.received_on, s.due_on, s.requester, s.created_at,"                \
    " COALESCE(s.last_export_at, 0), p.forenames || ' ' || p.surname"                              \
    " FROM sar_requests s JOIN people p ON p.id = s.person_id"
static const char SQL_LIST[] = REQUEST_COLUMNS " ORDER BY s.due_on, s.id LIMIT :limit";
static const char SQL_ONE[] = REQUEST_COLUMNS " WHERE s.id = :id";
static const char SQL_EXPORTED[] = "UPDATE sar_requests SET last_export_at = :now WHERE id = :id";

/* The record's sections: the SQL and the names its columns go out under. */
struct section {
    const char *name;
    const char *sql; /* binds :id (the person) */
    const char *const *columns;
    bool review; /* may name other people: marked for redaction review */
};

#define COLS(...)                                                                                  \
    (const char *const[])                                                                          \
    {                                                                                              \
        __VA_ARGS__, NULL                                                                          \
    }

static const struct section sections[] = {
    {"names",
     "SELECT kind, forenames, surname, from_date, to_date FROM person_names WHERE person_id = :id"
     " ORDER BY id",
     COLS("kind", "forenames", "surname", "from_date", "to_date"), false},
    {"addresses",
     "SELECT line1, line2, town, postcode, uprn, from_date, to_date FROM addresses"
     " WHERE person_id = :id ORDER BY id",
     COLS("line1", "line2", "town", "postcode", "uprn", "from_date", "to_date"), false},
    {"contact_details",
     "SELECT kind, label, value FROM contact_methods WHERE person_id = :id ORDER BY id",
     COLS("kind", "label", "value"), false},
    {"disabilities", "SELECT code FROM person_disabilities WHERE person_id = :id ORDER BY code",
     COLS("code"), false},
    {"contacts",
     "SELECT k.id, k.pathway, k.received_at, k.referrer_name, k.referrer_role,"
     " k.referrer_organisation, k.referrer_contact, k.source, k.concern, cp.decision"
     " FROM contact_people cp JOIN contacts k ON k.id = cp.contact_id WHERE cp.person_id = :id"
     " ORDER BY k.received_at",
     COLS("id", "pathway", "received_at", "referrer_name", "referrer_role", "referrer_organisation",
          "referrer_contact", "source", "concern", "decision"),
     true},
    {"cases",
     "SELECT id, pathway, version, received_at, status, closed_at, closure_reason FROM cases"
     " WHERE person_id = :id ORDER BY id",
     COLS("id", "pathway", "version", "received_at", "status", "closed_at", "closure_reason"),
     false},
    {"steps",
     "SELECT s.case_id, c.pathway, c.version, s.step, s.status, s.started_at, s.due_at,"
     " s.outcome, s.completed_at, s.answers FROM case_steps s JOIN cases c ON c.id = s.case_id"
     " WHERE c.person_id = :id ORDER BY s.id",
     COLS("case_id", "pathway", "version", "step", "status", "started_at", "due_at", "outcome",
          "completed_at", "answers"),
     true},
    {"notes",
     "SELECT n.id, n.type, n.occurred_on, n.body, n.version, u.display_name FROM notes n"
     " JOIN users u ON u.id = n.author_id WHERE n.person_id = :id ORDER BY n.occurred_on, n.id",
     COLS("id", "type", "occurred_on", "text", "version", "author"), true},
    {"looked_after",
     "SELECT legal_status, started_on, ended_on FROM looked_after_periods WHERE person_id = :id"
     " ORDER BY started_on, id",
     COLS("legal_status", "started_on", "ended_on"), false},
    {"rectifications",
     "SELECT item_type, item_id, text, created_at FROM rectifications WHERE person_id = :id"
     " ORDER BY id",
     COLS("item_type", "item_id", "text", "created_at"), true},
};

/* Other people named in the record, for the officer's redaction review. */
static const char SQL_THIRD_PARTIES[] =
    "SELECT 'relationship', p.forenames || ' ' || p.surname FROM relationships r"
    " JOIN people p ON p.id = r.related_id WHERE r.person_id = :id"
    " UNION SELECT 'relationship', p.forenames || ' ' || p.surname FROM relationships r"
    " JOIN people p ON p.id = r.person_id WHERE r.related_id = :id"
    " UNION SELECT 'professional', r.professional_name FROM relationships r"
    " WHERE (r.person_id = :id) AND r.professional_name IS NOT NULL"
    " UNION SELECT 'referrer', k.referrer_name FROM contact_people cp"
    " JOIN contacts k ON k.id = cp.contact_id WHERE cp.person_id = :id"
    " UNION SELECT 'on the same contact', p.forenames || ' ' || p.surname FROM contact_people cp"
    " JOIN contact_people o ON o.contact_id = cp.contact_id AND o.person_id <> cp.person_id"
    " JOIN people p ON p.id = o.person_id WHERE cp.person_id = :id"
    " ORDER BY 1, 2";
static const char SQL_RELATIONSHIPS[] =
    "SELECT r.type, COALESCE(p.forenames || ' ' || p.surname, r.professional_name),"
    " r.professional_org, r.from_date, r.to_date FROM relationships r"
    " LEFT JOIN people p ON p.id = r.related_id WHERE r.person_id = :id"
    " UNION ALL SELECT 'is ' || r.type || ' of this person', p.forenames || ' ' || p.surname,"
    " NULL, r.from_date, r.to_date FROM relationships r JOIN people p ON p.id = r.person_id"
    " WHERE r.related_id = :id";
static const char SQL_DETAILS[] =
    "SELECT id, legacy_id, forenames, surname, preferred_name, dob, dob_estimated, expected_dob,"
    " dod, nhs_number, upn, upn_unknown, sex, gender, ethnicity, language, religion,"
    " immigration_status, restricted, created_at, updated_at FROM people WHERE id = :id";
static const char *const DETAIL_COLUMNS[] = {"id",
                                             "legacy_id",
                                             "forenames",
                                             "surname",
                                             "preferred_name",
                                             "dob",
                                             "dob_estimated",
                                             "expected_dob",
                                             "dod",
                                             "nhs_number",
                                             "upn",
                                             "upn_unknown",
                                             "sex",
                                             "gender",
                                             "ethnicity",
                                             "language",
                                             "religion",
                                             "immigration_status",
                                             "restricted",
                                             "created_at",
                                             "updated_at",
                                             NULL};

static const char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

static void fill_request(struct ctx *x, struct store_stmt *st, struct sar_request *r)
{
    r->id = store_col_int64(st, 0);
    r->person_id = store_col_int64(st, 1);
    r->received_on = dup(x, st, 2);
    r->due_on = dup(x, st, 3);
    r->requester = dup(x, st, 4);
    r->created_at = store_col_int64(st, 5);
    r->last_export_at = store_col_int64(st, 6);
    r->person_name = dup(x, st, 7);
}

bool sar_create(struct ctx *x, int64_t person_id, const char *received_on, const char *requester,
                struct sar_request *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!access_require(x->who, PERM_SAR, e))
        return false;
    int64_t received;
    if (!received_on || !clock_parse_date(received_on, &received, e))
        return err_set(e, ERR_INVALID, "received_on",
                       "Enter the date the request was received as YYYY-MM-DD");
    if (received > clock_london_day(x->now))
        return err_set(e, ERR_INVALID, "received_on", "The date received cannot be in the future");
    if (!requester || !*requester || strlen(requester) > SAR_REQUESTER_MAX)
        return err_set(e, ERR_INVALID, "requester",
                       "Enter who made the request (1 to %d characters)", SAR_REQUESTER_MAX);
    /* One calendar month: the same day of the next month, or its last day
     * when it has none (31 January -> 28 or 29 February). */
    struct buf rec = BUF_INIT, due = BUF_INIT;
    clock_format_date(&rec, received);
    clock_format_date(&due, calendar_add_months(received, 1));
    bool ok = false;
    if (buf_failed(&rec) || buf_failed(&due) || !store_begin(x->conn, true, e))
        goto out;
    struct store_stmt *st = ctx_row(x, SQL_PERSON_EXISTS, person_id, "person record", e);
    if (!st)
        goto done;
    out->person_name = dup(x, st, 0);
    if (!(st = store_prepare(x->conn, SQL_INSERT, e)))
        goto done;
    store_bind_int64(st, ":person", person_id);
    store_bind_text(st, ":received", rec.data);
    store_bind_text(st, ":due", due.data);
    store_bind_text(st, ":requester", requester);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    out->id = store_col_int64(st, 0);
    char detail[64];
    snprintf(detail, sizeof detail, "request %lld due %s", (long long)out->id, due.data);
    ok = ctx_audit(x, "sar.create", "person", person_id, NULL, detail, e) &&
         store_commit(x->conn, e);
    out->person_id = person_id;
    out->received_on = arena_strdup(x->arena, rec.data);
    out->due_on = arena_strdup(x->arena, due.data);
    out->requester = arena_strdup(x->arena, requester);
    out->created_at = x->now;
done:
    if (!ok)
        store_rollback(x->conn);
out:
    buf_release(&rec);
    buf_release(&due);
    return ok;
}

bool sar_list(struct ctx *x, struct sar_request **out, size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (!access_require(x->who, PERM_SAR, e))
        return false;
    struct sar_request *list = arena_alloc(x->arena, SAR_MAX_LIST * sizeof *list);
    if (!list)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    struct store_stmt *st = store_prepare(x->conn, SQL_LIST, e);
    if (!st)
        return false;
    store_bind_int64(st, ":limit", SAR_MAX_LIST);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW)
        fill_request(x, st, &list[(*n)++]);
    *out = list;
    return r != STORE_ERROR;
}

static json_t *text_or_null(struct store_stmt *st, int col)
{
    return store_col_is_null(st, col) ? json_null() : json_string(store_col_text(st, col));
}

/* Rows of sql as objects named by columns; NULL on error. */
static json_t *rows(struct ctx *x, const char *sql, const char *const *columns, int64_t id,
                    bool review, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, sql, e);
    if (!st)
        return NULL;
    store_bind_int64(st, ":id", id);
    json_t *list = json_array();
    enum store_step_result r;
    while (list && (r = store_step(st, e)) == STORE_ROW) {
        json_t *o = json_object();
        for (int i = 0; o && columns[i]; i++)
            json_object_set_new(o, columns[i], text_or_null(st, i));
        if (o && review)
            json_object_set_new(o, "redaction_review", json_true());
        json_array_append_new(list, o);
    }
    if (!list || r == STORE_ERROR) {
        json_decref(list);
        if (!list)
            err_set(e, ERR_NOMEM, "", "out of memory");
        return NULL;
    }
    return list;
}

static bool audit_item(const struct access_log_row *row, void *arg)
{
    struct buf when = BUF_INIT;
    clock_format_instant(&when, row->at);
    json_t *j = json_pack("{s:s, s:s, s:s, s:s?, s:b}", "at", when.data ? when.data : "", "user",
                          row->actor, "action", row->action, "reason",
                          *row->reason ? row->reason : NULL, "override", row->override);
    buf_release(&when);
    return j && json_array_append_new(arg, j) == 0;
}

static bool build(struct ctx *x, const struct sar_request *req, json_t *doc, struct err *e)
{
    int64_t id = req->person_id;
    struct store_stmt *st = store_prepare(x->conn, SQL_DETAILS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    if (store_step(st, e) != STORE_ROW)
        return err_set(e, ERR_NOT_FOUND, "", "There is no person record %lld", (long long)id);
    json_t *details = json_object();
    for (int i = 0; details && DETAIL_COLUMNS[i]; i++)
        json_object_set_new(details, DETAIL_COLUMNS[i], text_or_null(st, i));
    json_object_set_new(doc, "details", details);
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        json_t *list = rows(x, sections[i].sql, sections[i].columns, id, sections[i].review, e);
        if (!list)
            return false;
        json_object_set_new(doc, sections[i].name, list);
    }
    static const char *const rel_columns[] = {"type",      "other",   "organisation",
                                              "from_date", "to_date", NULL};
    json_t *rels = rows(x, SQL_RELATIONSHIPS, rel_columns, id, true, e);
    if (!rels)
        return false;
    json_object_set_new(doc, "relationships", rels);
    static const char *const third_columns[] = {"named_as", "name", NULL};
    json_t *third = rows(x, SQL_THIRD_PARTIES, third_columns, id, true, e);
    if (!third)
        return false;
    json_object_set_new(doc, "third_parties", third);
    /* casework keeps no documents yet: the list is there, and empty, so a
     * reader knows it was looked for. */
    json_object_set_new(doc, "documents", json_array());
    return true;
}

bool sar_export(struct ctx *x, int64_t id, json_t **out, struct err *e)
{
    *out = NULL;
    if (!access_require(x->who, PERM_SAR, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    json_t *doc = NULL;
    struct sar_request req;
    struct store_stmt *st = store_prepare(x->conn, SQL_ONE, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW) {
        if (r == STORE_DONE)
            err_set(e, ERR_NOT_FOUND, "", "There is no subject access request %lld", (long long)id);
        goto done;
    }
    fill_request(x, st, &req);
    struct buf now = BUF_INIT;
    clock_format_instant(&now, x->now);
    doc = json_pack("{s:s, s:{s:I, s:I, s:s, s:s, s:s, s:s}}", "format", "casework-sar-1",
                    "request", "id", (json_int_t)req.id, "person_id", (json_int_t)req.person_id,
                    "received_on", req.received_on, "due_on", req.due_on, "requester",
                    req.requester, "exported_at", now.data ? now.data : "");
    buf_release(&now);
    if (!doc) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    if (!build(x, &req, doc, e))
        goto done;
    char detail[48];
    snprintf(detail, sizeof detail, "request %lld", (long long)id);
    if (!(st = store_prepare(x->conn, SQL_EXPORTED, e)))
        goto done;
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":now", x->now);
    ok = store_exec(st, e) &&
         ctx_audit(x, "sar.export", "person", req.person_id, NULL, detail, e) &&
         store_commit(x->conn, e);
done:
    if (!ok) {
        store_rollback(x->conn);
        json_decref(doc);
        return false;
    }
    /* Who saw the record, after this export's own row (so it is listed). */
    json_t *seen = json_array();
    if (!seen || !access_log_person(x, req.person_id, ACCESS_LOG_EXPORT_MAX, audit_item, seen, e)) {
        json_decref(seen);
        json_decref(doc);
        return false;
    }
    json_object_set_new(doc, "access_log", seen);
    *out = doc;
    return true;
}
