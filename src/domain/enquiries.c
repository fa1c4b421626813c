/*
 * Enquiries: logging one with its documents, reading one, the filtered list
 * and fetching a document. Assigning and replying are in enquiries_work.c.
 */
#include "domain/enquiries.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codelist.h"
#include "core/utf8.h"
#include "domain/enquiries_internal.h"
#include "domain/enquiry_config.h"
#include "domain/uploads.h"

#define ENQUIRY_COLUMNS                                                                            \
    "SELECT e.id, e.councillor_id, e.councillor_name, COALESCE(e.councillor_email, ''),"           \
    " COALESCE(e.councillor_phone, ''), e.service_area, e.directorate, e.enquiry_type,"            \
    " e.district, COALESCE(e.constituent_surname, ''), COALESCE(e.constituent_email, ''),"         \
    " e.details, e.contact_method, e.status, e.received_at, e.due_at, e.sla_text,"                 \
    " COALESCE(e.lead_officer_id, 0), COALESCE(u.display_name, ''), COALESCE(e.reply, ''),"        \
    " COALESCE(e.replied_at, 0),"                                                                  \
    " (SELECT COUNT(*) FROM enquiry_events v WHERE v.enquiry_id = e.id"                            \
    "  AND v.kind IN ('response', 'replied')),"                                                    \
    " COALESCE((SELECT MAX(v.id) FROM enquiry_events v WHERE v.enquiry_id = e.id"                  \
    "  AND v.kind = 'update_requested'), 0) > COALESCE((SELECT MAX(v.id) FROM enquiry_events v"    \
    "  WHERE v.enquiry_id = e.id AND v.kind IN ('response', 'replied')), 0)"                       \
    " FROM enquiries e LEFT JOIN users u ON u.id = e.lead_officer_id"                              \
    " WHERE (:all = 1 OR e.councillor_id = :me OR EXISTS (SELECT 1 FROM enquiry_officers o"        \
    "  WHERE o.enquiry_id = e.id AND o.user_id = :me))"

static const char SQL_GET[] = ENQUIRY_COLUMNS " AND e.id = :id";
static const char SQL_LIST[] =
    ENQUIRY_COLUMNS " AND (:type IS NULL OR e.enquiry_type = :type)"
                    " AND (:area IS NULL OR e.service_area = :area)"
                    " AND (:directorate IS NULL OR e.directorate = :directorate)"
                    " AND (:case_id IS NULL OR e.id = :case_id)"
                    " AND (:surname IS NULL OR lower(e.constituent_surname) = lower(:surname))"
                    " AND (:email IS NULL OR lower(e.constituent_email) = lower(:email)"
                    "  OR lower(e.councillor_email) = lower(:email))"
                    " AND (:district IS NULL OR e.district = :district)"
                    " AND (:status IS NULL OR e.status = :status)"
                    " AND (:overdue = 0 OR (e.status <> 'completed' AND e.due_at < :now))"
                    " ORDER BY e.received_at DESC, e.id DESC LIMIT :limit";
static const char SQL_OFFICERS[] =
    "SELECT o.user_id, u.display_name, o.lead FROM enquiry_officers o JOIN users u"
    " ON u.id = o.user_id WHERE o.enquiry_id = :id ORDER BY o.lead DESC, u.display_name";
static const char SQL_EVENTS[] =
    "SELECT v.kind, COALESCE(v.text, ''), v.at, v.by_user, u.display_name FROM enquiry_events v"
    " JOIN users u ON u.id = v.by_user WHERE v.enquiry_id = :id ORDER BY v.id";
static const char SQL_DOCUMENTS[] =
    "SELECT token, filename, content_type, size, uploaded_at FROM enquiry_documents"
    " WHERE enquiry_id = :id ORDER BY id";
static const char SQL_DOCUMENT[] =
    "SELECT enquiry_id, token, filename, content_type, size, uploaded_at, data_base64"
    " FROM enquiry_documents WHERE token = :token";
static const char SQL_INSERT[] =
    "INSERT INTO enquiries (councillor_id, councillor_name, councillor_email, councillor_phone,"
    " service_area, directorate, enquiry_type, district, constituent_surname, constituent_email,"
    " details, contact_method, status, received_at, sla_text, due_at, updated_at)"
    " VALUES (:me, :name, :email, :phone, :area, :directorate, :type, :district, :surname,"
    " :cemail, :details, :method, 'new', :now, :sla, :due, :now) RETURNING id";
static const char SQL_INSERT_DOCUMENT[] =
    "INSERT INTO enquiry_documents (enquiry_id, token, filename, content_type, size, sha256,"
    " data_base64, uploaded_at, uploaded_by) VALUES (:id, :token, :filename, :type, :size,"
    " :sha256, :data, :now, :me)";
static const char SQL_EVENT[] = "INSERT INTO enquiry_events (enquiry_id, kind, text, at, by_user)"
                                " VALUES (:id, :kind, :text, :now, :me)";
static const char SQL_ACCOUNT_EMAIL[] = "SELECT COALESCE(email, '') FROM users WHERE id = :id";

bool enquiries_sees_all(const struct principal *who)
{
    return who && (who->role == ROLE_ADMINISTRATOR || who->role == ROLE_ENQUIRY_COORDINATOR ||
                   who->role == ROLE_AUDITOR);
}

bool enquiries_text_ok(const char *field, const char *label, const char *v, size_t max,
                       bool required, bool lines, struct err *e)
{
    if (!v || !*v)
        return required ? err_set(e, ERR_INVALID, field, "Enter the %s", label) : true;
    if (!utf8_valid(v, strlen(v)) || utf8_length(v) > max)
        return err_set(e, ERR_INVALID, field, "The %s must be %zu characters or fewer", label, max);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
            return err_set(e, ERR_INVALID, field, "The %s must not contain control characters",
                           label);
    return true;
}

static bool email_ok(const char *field, const char *v, struct err *e)
{
    if (!v || !*v)
        return true;
    const char *at = strchr(v, '@');
    if (strlen(v) > ENQUIRY_MAX_TEXT || !at || at == v || strchr(at + 1, '@') ||
        !strchr(at + 1, '.') || strpbrk(v, " \t\r\n<>,;\"") || v[strlen(v) - 1] == '.')
        return err_set(e, ERR_INVALID, field,
                       "Enter an email address in the correct format, like name@example.com");
    return true;
}

bool enquiries_event(struct ctx *x, int64_t id, const char *kind, const char *text, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_EVENT, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_text(st, ":kind", kind);
    store_bind_text_or_null(st, ":text", text);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":me", x->who->user_id);
    return store_exec(st, e);
}

static const char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

static void bind_scope(struct ctx *x, struct store_stmt *st)
{
    store_bind_int64(st, ":all", enquiries_sees_all(x->who));
    store_bind_int64(st, ":me", x->who->user_id);
}

static void read_row(struct ctx *x, struct store_stmt *st, struct enquiry *q)
{
    memset(q, 0, sizeof *q);
    q->id = store_col_int64(st, 0);
    q->councillor_id = store_col_int64(st, 1);
    q->councillor_name = dup(x, st, 2);
    q->councillor_email = dup(x, st, 3);
    q->councillor_phone = dup(x, st, 4);
    q->service_area = dup(x, st, 5);
    q->directorate = dup(x, st, 6);
    q->enquiry_type = dup(x, st, 7);
    q->district = dup(x, st, 8);
    q->constituent_surname = dup(x, st, 9);
    q->constituent_email = dup(x, st, 10);
    q->details = dup(x, st, 11);
    q->contact_method = dup(x, st, 12);
    q->status = dup(x, st, 13);
    q->received_at = store_col_int64(st, 14);
    q->due_at = store_col_int64(st, 15);
    q->sla_text = dup(x, st, 16);
    q->lead_officer_id = store_col_int64(st, 17);
    q->lead_officer_name = dup(x, st, 18);
    q->reply = dup(x, st, 19);
    q->replied_at = store_col_int64(st, 20);
    q->responses = (int)store_col_int64(st, 21);
    q->update_requested = store_col_int64(st, 22) != 0;
    q->overdue = strcmp(q->status, "completed") != 0 && calendar_is_overdue(q->due_at, x->now);
    const struct enquiry_area *a =
        x->enquiries ? enquiry_config_area(x->enquiries, q->service_area) : NULL;
    q->service_area_label = a ? a->label : q->service_area;
}

static bool load_details(struct ctx *x, struct enquiry *q, struct err *e)
{
    enum store_step_result r;
    size_t cap = 0;
    struct store_stmt *st = store_prepare(x->conn, SQL_OFFICERS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", q->id);
    q->officers = arena_alloc(x->arena, ENQUIRY_MAX_OFFICERS * sizeof *q->officers);
    if (!q->officers)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    while ((r = store_step(st, e)) == STORE_ROW && q->nofficers < ENQUIRY_MAX_OFFICERS) {
        struct enquiry_officer *o = &q->officers[q->nofficers++];
        o->user_id = store_col_int64(st, 0);
        o->name = dup(x, st, 1);
        o->lead = store_col_int64(st, 2) != 0;
    }
    if (r == STORE_ERROR || !(st = store_prepare(x->conn, SQL_EVENTS, e)))
        return false;
    store_bind_int64(st, ":id", q->id);
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (q->nevents == cap) {
            cap = cap ? cap * 2 : 16;
            struct enquiry_event *g = arena_alloc(x->arena, cap * sizeof *g);
            if (!g)
                return err_set(e, ERR_NOMEM, "", "out of memory");
            if (q->nevents)
                memcpy(g, q->events, q->nevents * sizeof *g);
            q->events = g;
        }
        struct enquiry_event *v = &q->events[q->nevents++];
        v->kind = dup(x, st, 0);
        v->text = dup(x, st, 1);
        v->at = store_col_int64(st, 2);
        v->by = store_col_int64(st, 3);
        v->by_name = dup(x, st, 4);
    }
    if (r == STORE_ERROR || !(st = store_prepare(x->conn, SQL_DOCUMENTS, e)))
        return false;
    store_bind_int64(st, ":id", q->id);
    q->documents = arena_alloc(x->arena, UPLOADS_MAX_FILES * sizeof *q->documents);
    if (!q->documents)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    while ((r = store_step(st, e)) == STORE_ROW && q->ndocuments < UPLOADS_MAX_FILES) {
        struct enquiry_document *d = &q->documents[q->ndocuments++];
        d->token = dup(x, st, 0);
        d->filename = dup(x, st, 1);
        d->content_type = dup(x, st, 2);
        d->size = store_col_int64(st, 3);
        d->uploaded_at = store_col_int64(st, 4);
    }
    return r != STORE_ERROR;
}

bool enquiries_load(struct ctx *x, int64_t id, bool full, struct enquiry *out, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_GET, e);
    if (!st)
        return false;
    bind_scope(x, st);
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE) /* missing and not yours look the same */
        return err_set(e, ERR_NOT_FOUND, "", "There is no enquiry %lld that you can see",
                       (long long)id);
    read_row(x, st, out);
    return !full || load_details(x, out, e);
}

bool enquiries_councillor_email(struct ctx *x, const char **email, struct err *e)
{
    if (!access_require(x->who, PERM_ENQUIRIES_SUBMIT, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_ACCOUNT_EMAIL, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", x->who->user_id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    *email = r == STORE_ROW ? dup(x, st, 0) : "";
    return true;
}

static bool validate(struct ctx *x, const struct enquiry_input *in,
                     const struct enquiry_area **area, const char **types, struct err *e)
{
    if (!in->service_area || !*in->service_area)
        return err_set(e, ERR_INVALID, "service_area", "Choose the service area");
    *area = x->enquiries ? enquiry_config_area(x->enquiries, in->service_area) : NULL;
    if (!*area)
        return err_set(e, ERR_INVALID, "service_area",
                       "Choose a service area from the list (config/enquiries/service-areas.txt)");
    static const char *const lists[][3] = {
        {"enquiry_type", "enquiry_type", "enquiry type"},
        {"district", "enquiry_district", "district or division"}};
    const char *values[2] = {in->enquiry_type, in->district};
    for (size_t i = 0; i < 2; i++) {
        const struct codelist *l = x->codes ? codelist_get(x->codes, lists[i][1]) : NULL;
        if (!values[i] || !*values[i])
            return err_set(e, ERR_INVALID, lists[i][0], "Choose the %s", lists[i][2]);
        if (!l || !codelist_has(l, values[i]))
            return err_set(e, ERR_INVALID, lists[i][0],
                           "Choose the %s from the list (config/codes/%s.txt)", lists[i][2],
                           lists[i][1]);
    }
    *types = in->enquiry_type;
    if (!enquiries_text_ok("details", "details of the enquiry", in->details, ENQUIRY_MAX_DETAILS,
                           true, true, e) ||
        !enquiries_text_ok("councillor_phone", "phone number", in->councillor_phone,
                           ENQUIRY_MAX_TEXT, false, false, e) ||
        !enquiries_text_ok("constituent_surname", "resident's surname", in->constituent_surname,
                           ENQUIRY_MAX_TEXT, false, false, e) ||
        !email_ok("councillor_email", in->councillor_email, e) ||
        !email_ok("constituent_email", in->constituent_email, e))
        return false;
    const char *m = in->contact_method ? in->contact_method : "";
    if (strcmp(m, "email") && strcmp(m, "phone") && strcmp(m, "letter"))
        return err_set(e, ERR_INVALID, "contact_method",
                       "Choose how you would like the reply: email, phone or letter");
    if (!strcmp(m, "email") && (!in->councillor_email || !*in->councillor_email))
        return err_set(e, ERR_INVALID, "councillor_email",
                       "Enter your email address, or choose another way to be contacted");
    if (!strcmp(m, "phone") && (!in->councillor_phone || !*in->councillor_phone))
        return err_set(e, ERR_INVALID, "councillor_phone",
                       "Enter your phone number, or choose another way to be contacted");
    if (in->ndocuments > UPLOADS_MAX_FILES)
        return err_set(e, ERR_INVALID, "documents", "Upload at most %d documents",
                       UPLOADS_MAX_FILES);
    return true;
}

static bool insert_document(struct ctx *x, int64_t id, const struct enquiry_upload *u,
                            const char *content_type, struct err *e)
{
    unsigned char raw[16], hash[crypto_hash_sha256_BYTES];
    char token[sizeof raw * 2 + 1], sha[sizeof hash * 2 + 1], name[UPLOADS_MAX_NAME + 1];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, sizeof token, raw, sizeof raw);
    crypto_hash_sha256(hash, u->data, u->len);
    sodium_bin2hex(sha, sizeof sha, hash, sizeof hash);
    uploads_safe_name(u->filename, name, sizeof name);
    size_t b64len = sodium_base64_ENCODED_LEN(u->len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    if (!b64)
        return err_set(e, ERR_NOMEM, "", "out of memory storing a document");
    sodium_bin2base64(b64, b64len, u->data, u->len, sodium_base64_VARIANT_ORIGINAL);
    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT_DOCUMENT, e);
    bool ok = false;
    if (st) {
        store_bind_int64(st, ":id", id);
        store_bind_text(st, ":token", token);
        store_bind_text(st, ":filename", name);
        store_bind_text(st, ":type", content_type);
        store_bind_int64(st, ":size", (int64_t)u->len);
        store_bind_text(st, ":sha256", sha);
        store_bind_text(st, ":data", b64);
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":me", x->who->user_id);
        ok = store_exec(st, e);
    }
    free(b64);
    char detail[200];
    snprintf(detail, sizeof detail, "document %s (%s, %zu bytes, sha256 %.16s)", name, content_type,
             u->len, sha);
    return ok && ctx_audit(x, "enquiry.document-upload", "enquiry", id, NULL, detail, e);
}

bool enquiries_create(struct ctx *x, const struct enquiry_input *in, int64_t *id_out, struct err *e)
{
    const struct enquiry_area *area = NULL;
    const char *type = NULL;
    if (!access_require(x->who, PERM_ENQUIRIES_SUBMIT, e) || !validate(x, in, &area, &type, e))
        return false;
    const char *content_types[UPLOADS_MAX_FILES];
    for (size_t i = 0; i < in->ndocuments; i++)
        if (!uploads_check("documents", in->documents[i].filename, in->documents[i].data,
                           in->documents[i].len, &content_types[i], e))
            return false;
    const struct enquiry_sla *sla = enquiry_config_sla(x->enquiries, area->code, type);
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":me", x->who->user_id);
    store_bind_text(st, ":name", x->who->display_name);
    store_bind_text_or_null(st, ":email", in->councillor_email);
    store_bind_text_or_null(st, ":phone", in->councillor_phone);
    store_bind_text(st, ":area", area->code);
    store_bind_text(st, ":directorate", area->directorate);
    store_bind_text(st, ":type", type);
    store_bind_text(st, ":district", in->district);
    store_bind_text_or_null(st, ":surname", in->constituent_surname);
    store_bind_text_or_null(st, ":cemail", in->constituent_email);
    store_bind_text(st, ":details", in->details);
    store_bind_text(st, ":method", in->contact_method);
    store_bind_int64(st, ":now", x->now);
    store_bind_text(st, ":sla", sla->text);
    store_bind_int64(st, ":due", enquiry_reply_due(x->calendar, sla, x->now));
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t id = store_col_int64(st, 0);
    char detail[160];
    snprintf(detail, sizeof detail, "service_area=%s type=%s district=%s sla=%s documents=%zu",
             area->code, type, in->district, sla->text, in->ndocuments);
    if (!store_exec(st, e) || !enquiries_event(x, id, "submitted", NULL, e) ||
        !ctx_audit(x, "enquiry.create", "enquiry", id, NULL, detail, e))
        goto done;
    for (size_t i = 0; i < in->ndocuments; i++)
        if (!insert_document(x, id, &in->documents[i], content_types[i], e))
            goto done;
    ok = store_commit(x->conn, e);
    if (ok && id_out)
        *id_out = id;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool enquiries_get(struct ctx *x, int64_t id, struct enquiry *out, struct err *e)
{
    if (!access_require(x->who, PERM_ENQUIRIES_VIEW, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = enquiries_load(x, id, true, out, e) &&
              ctx_audit(x, "enquiry.view", "enquiry", id, NULL, NULL, e) &&
              store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

bool enquiries_list(struct ctx *x, const struct enquiry_filter *f, struct enquiry_list *out,
                    struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!access_require(x->who, PERM_ENQUIRIES_VIEW, e))
        return false;
    int64_t case_id = 0;
    if (nonempty(f->case_id)) {
        char *end;
        long long v = strtoll(f->case_id, &end, 10);
        if (*end || v < 1 || strlen(f->case_id) > 18)
            return err_set(e, ERR_INVALID, "case_id", "The case id must be an enquiry number");
        case_id = v;
    }
    const char *status = nonempty(f->status);
    if (status && strcmp(status, "new") && strcmp(status, "in_progress") &&
        strcmp(status, "completed"))
        return err_set(e, ERR_INVALID, "status", "Status must be new, in_progress or completed");
    const char *texts[] = {f->enquiry_type, f->service_area, f->directorate,
                           f->surname,      f->email,        f->district};
    static const char *const names[] = {"enquiry_type", "service_area", "directorate",
                                        "surname",      "email",        "district"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (!enquiries_text_ok(names[i], "filter", texts[i], ENQUIRY_MAX_TEXT, false, false, e))
            return false;
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    struct store_stmt *st = store_prepare(x->conn, SQL_LIST, e);
    if (!st)
        goto done;
    bind_scope(x, st);
    store_bind_text_or_null(st, ":type", nonempty(f->enquiry_type));
    store_bind_text_or_null(st, ":area", nonempty(f->service_area));
    store_bind_text_or_null(st, ":directorate", nonempty(f->directorate));
    if (case_id)
        store_bind_int64(st, ":case_id", case_id);
    else
        store_bind_null(st, ":case_id");
    store_bind_text_or_null(st, ":surname", nonempty(f->surname));
    store_bind_text_or_null(st, ":email", nonempty(f->email));
    store_bind_text_or_null(st, ":district", nonempty(f->district));
    store_bind_text_or_null(st, ":status", status);
    store_bind_int64(st, ":overdue", f->overdue);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":limit", ENQUIRY_LIST_MAX + 1);
    size_t cap = 0;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        if (out->n == ENQUIRY_LIST_MAX) {
            out->truncated = true;
            continue;
        }
        if (out->n == cap) {
            cap = cap ? cap * 2 : 32;
            struct enquiry *g = arena_alloc(x->arena, cap * sizeof *g);
            if (!g) {
                err_set(e, ERR_NOMEM, "", "out of memory");
                goto done;
            }
            if (out->n)
                memcpy(g, out->items, out->n * sizeof *g);
            out->items = g;
        }
        struct enquiry *q = &out->items[out->n++];
        read_row(x, st, q);
        out->count_new += !strcmp(q->status, "new");
        out->count_in_progress += !strcmp(q->status, "in_progress");
        out->count_completed += !strcmp(q->status, "completed");
    }
    if (r == STORE_ERROR)
        goto done;
    char detail[64];
    snprintf(detail, sizeof detail, "%zu listed%s", out->n, f->overdue ? " (overdue)" : "");
    ok = ctx_audit(x, "enquiry.list", "enquiry", 0, NULL, detail, e) && store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool enquiries_document(struct ctx *x, const char *token, struct enquiry_document *doc,
                        unsigned char **data_out, size_t *len_out, struct err *e)
{
    if (!access_require(x->who, PERM_ENQUIRIES_VIEW, e))
        return false;
    if (!token || strlen(token) != 32 || strspn(token, "0123456789abcdef") != 32)
        return err_set(e, ERR_NOT_FOUND, "", "There is no such document");
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    struct store_stmt *st = store_prepare(x->conn, SQL_DOCUMENT, e);
    if (!st)
        goto done;
    store_bind_text(st, ":token", token);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW) {
        if (r == STORE_DONE)
            err_set(e, ERR_NOT_FOUND, "", "There is no such document");
        goto done;
    }
    int64_t id = store_col_int64(st, 0);
    doc->token = dup(x, st, 1);
    doc->filename = dup(x, st, 2);
    doc->content_type = dup(x, st, 3);
    doc->size = store_col_int64(st, 4);
    doc->uploaded_at = store_col_int64(st, 5);
    const char *b64 = store_col_text(st, 6);
    size_t b64len = b64 ? strlen(b64) : 0;
    unsigned char *data = arena_alloc(x->arena, b64len + 1);
    size_t len = 0;
    if (!data || sodium_base642bin(data, b64len + 1, b64 ? b64 : "", b64len, NULL, &len, NULL,
                                   sodium_base64_VARIANT_ORIGINAL) != 0) {
        err_set(e, ERR_INTERNAL, "", "The stored document could not be read");
        goto done;
    }
    struct enquiry q;
    char detail[160];
    snprintf(detail, sizeof detail, "document %s", doc->filename);
    if (!enquiries_load(x, id, false, &q, e)) {
        if (e && e->code == ERR_NOT_FOUND)
            err_set(e, ERR_NOT_FOUND, "", "There is no such document");
        goto done;
    }
    ok = ctx_audit(x, "enquiry.document-download", "enquiry", id, NULL, detail, e) &&
         store_commit(x->conn, e);
    *data_out = data;
    *len_out = len;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}
