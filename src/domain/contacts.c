/*
 * Contacts: recording one at the front door (a case per person it is about)
 * and deciding it per person.
 */
#include "domain/contacts.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/codelist.h"
#include "core/utf8.h"
#include "domain/cases_internal.h"
#include "domain/people.h"
#include "domain/need_to_know.h"

static const char SQL_INSERT[] =
    "INSERT INTO contacts (pathway, received_at, referrer_name, referrer_role,"
    " referrer_organisation, referrer_contact, source, concern, created_at, created_by)"
    " VALUES (:pathway, :received_at, :referrer_name, :referrer_role, :referrer_organisation,"
    " :referrer_contact, :source, :concern, :now, :by) RETURNING id";
static const char SQL_PERSON_INSERT[] =
    "INSERT INTO contact_people (contact_id, person_id, case_id) VALUES (:id, :person_id,"
    " :case_id)";
static const char SQL_CONTACT[] =
    "SELECT id, pathway, received_at, referrer_name, COALESCE(referrer_role, ''),"
    " COALESCE(referrer_organisation, ''), COALESCE(referrer_contact, ''), source, concern,"
    " created_at, created_by FROM contacts WHERE id = :id";
static const char SQL_PEOPLE[] =
    "SELECT cp.person_id, cp.case_id, COALESCE(cp.decision, ''), COALESCE(cp.decided_at, 0),"
    " COALESCE(cp.decided_by, 0), p.forenames || ' ' || p.surname,"
    " (SELECT MIN(s.id) FROM case_steps s WHERE s.case_id = cp.case_id)"
    " FROM contact_people cp JOIN people p ON p.id = cp.person_id"
    " WHERE cp.contact_id = :id ORDER BY cp.id";

static bool text_ok(const char *field, const char *label, const char *v, size_t max, bool required,
                    bool lines, struct err *e)
{
    if (!v || !*v)
        return required ? err_set(e, ERR_INVALID, field, "Enter the %s", label) : true;
    if (!utf8_valid(v, strlen(v)) || utf8_length(v) > max)
        return err_set(e, ERR_INVALID, field, "The %s must be text of %zu characters or fewer",
                       label, max);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
            return err_set(e, ERR_INVALID, field, "The %s must not contain control characters",
                           label);
    return true;
}

static bool validate(struct ctx *x, const struct contact_input *in, int64_t *received_at,
                     struct err *e)
{
    if (!text_ok("referrer_name", "referrer's name", in->referrer_name, 200, true, false, e) ||
        !text_ok("referrer_role", "referrer's role", in->referrer_role, 200, false, false, e) ||
        !text_ok("referrer_organisation", "referrer's organisation", in->referrer_organisation, 200,
                 false, false, e) ||
        !text_ok("referrer_contact", "referrer's contact details", in->referrer_contact, 200, false,
                 false, e) ||
        !text_ok("concern", "concern", in->concern, CONTACTS_MAX_CONCERN, true, true, e))
        return false;
    const struct codelist *l = x->codes ? codelist_get(x->codes, "referral_source") : NULL;
    if (!in->source || !*in->source)
        return err_set(e, ERR_INVALID, "source", "Choose the source of the contact");
    if (!l || !codelist_has(l, in->source))
        return err_set(e, ERR_INVALID, "source",
                       "The source '%s' is not a code in the referral_source list "
                       "(config/codes/referral_source.txt)",
                       strlen(in->source) <= 20 ? in->source : "(too long)");
    *received_at = x->now;
    if (in->received_at && *in->received_at) {
        struct err pe = ERR_INIT;
        if (!clock_parse_instant(in->received_at, received_at, &pe))
            return err_set(e, ERR_INVALID, "received_at",
                           "When it was received must be a date and time such as "
                           "2026-03-02T09:30:00Z");
        if (*received_at > x->now)
            return err_set(e, ERR_INVALID, "received_at",
                           "When it was received must be now or in the past");
    }
    if (!in->npeople)
        return err_set(e, ERR_INVALID, "people", "Say whom the contact is about (people)");
    for (size_t i = 0; i < in->npeople; i++)
        for (size_t j = 0; j < i; j++)
            if (in->people[i] == in->people[j])
                return err_set(e, ERR_INVALID, "people",
                               "Person %lld is named twice on the contact",
                               (long long)in->people[i]);
    return true;
}

bool contacts_create(struct ctx *x, const struct contact_input *in, int64_t *id_out, struct err *e)
{
    int64_t received_at;
    if (!access_require(x->who, PERM_CASES_EDIT, e) || !validate(x, in, &received_at, e))
        return false;
    const char *pathway = in->pathway && *in->pathway ? in->pathway : "children";
    if (!store_begin(x->conn, true, e))
        return false;
    bool ok = false;
    const struct workflow_def *d;
    if (!cases_definition_for_new(x, pathway, &d, e))
        goto done;
    const struct workflow_step *first = workflow_def_start_at(d, 0);
    if (!workflow_step_allows_role(first, x->who->role)) {
        err_set(e, ERR_DENIED, "", "Your role (%s) may not record a contact on the %s pathway",
                access_role_name(x->who->role), pathway);
        goto done;
    }
    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT, e);
    if (!st)
        goto done;
    store_bind_text(st, ":pathway", pathway);
    store_bind_int64(st, ":received_at", received_at);
    store_bind_text(st, ":referrer_name", in->referrer_name);
    store_bind_text_or_null(st, ":referrer_role", in->referrer_role);
    store_bind_text_or_null(st, ":referrer_organisation", in->referrer_organisation);
    store_bind_text_or_null(st, ":referrer_contact", in->referrer_contact);
    store_bind_text(st, ":source", in->source);
    store_bind_text(st, ":concern", in->concern);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t id = store_col_int64(st, 0);
    if (!store_exec(st, e))
        goto done;
    /* What the contact says goes into the front-door form where it has a field
     * of that name, so the worker does not type it twice. */
    struct buf referrer = BUF_INIT;
    buf_puts(&referrer, in->referrer_name);
    if (in->referrer_role && *in->referrer_role)
        buf_printf(&referrer, " (%s)", in->referrer_role);
    if (in->referrer_organisation && *in->referrer_organisation)
        buf_printf(&referrer, ", %s", in->referrer_organisation);
    for (size_t i = 0; i < in->npeople; i++) {
        int64_t case_id;
        if (!people_may_see(x, in->people[i], e)) {
            /* Naming someone who is not there is bad input, not a missing page. */
            if (e && e->code == ERR_NOT_FOUND)
                e->code = ERR_INVALID;
            if (e)
                snprintf(e->field, sizeof e->field, "people");
            break;
        }
        json_t *given = json_object();
        /* The shipped pathways name these fields differently (children: referrer
         * and concern; adults: contact_from and reason; early help:
         * requested_by and needs). */
        const char *keys[] = {"referral_source",  "referrer", "contact_from", "requested_by",
                              "referrer_contact", "concern",  "reason",       "needs"};
        const char *vals[] = {in->source,           referrer.data, referrer.data, referrer.data,
                              in->referrer_contact, in->concern,   in->concern,   in->concern};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (vals[k] && *vals[k] && workflow_step_field(first, keys[k]))
                json_object_set_new(given, keys[k], json_string(vals[k]));
        for (size_t f = 0; f < first->nfields; f++)
            if (first->fields[f].type == WORKFLOW_FIELD_PERSON) {
                json_object_set_new(given, first->fields[f].name, json_integer(in->people[i]));
                break;
            }
        bool started =
            cases_insert(x, in->people[i], id, d, received_at, &case_id, e) &&
            cases_start_step(x, case_id, in->people[i], first, received_at, given, NULL, e) &&
            cases_hold_new(x, case_id, e);
        json_decref(given);
        if (!started)
            break;
        st = store_prepare(x->conn, SQL_PERSON_INSERT, e);
        if (!st)
            break;
        store_bind_int64(st, ":id", id);
        store_bind_int64(st, ":person_id", in->people[i]);
        store_bind_int64(st, ":case_id", case_id);
        char detail[96];
        snprintf(detail, sizeof detail, "contact %lld (%s) case %lld", (long long)id, in->source,
                 (long long)case_id);
        if (!store_exec(st, e) ||
            !ctx_audit(x, "contact.create", "person", in->people[i], NULL, detail, e))
            break;
        if (i + 1 == in->npeople)
            ok = true;
    }
    buf_release(&referrer);
    if (!ok)
        goto done;
    ok = store_commit(x->conn, e);
    if (ok && id_out)
        *id_out = id;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static const char *dup(struct ctx *x, struct store_stmt *st, int col)
{
    const char *s = store_col_text(st, col);
    return arena_strdup(x->arena, s ? s : "");
}

static bool load(struct ctx *x, int64_t id, struct contact *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct store_stmt *st = store_prepare(x->conn, SQL_CONTACT, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW)
        return r == STORE_DONE
                   ? err_set(e, ERR_NOT_FOUND, "", "There is no contact %lld", (long long)id)
                   : false;
    out->id = id;
    out->pathway = dup(x, st, 1);
    out->received_at = store_col_int64(st, 2);
    out->referrer_name = dup(x, st, 3);
    out->referrer_role = dup(x, st, 4);
    out->referrer_organisation = dup(x, st, 5);
    out->referrer_contact = dup(x, st, 6);
    out->source = dup(x, st, 7);
    out->concern = dup(x, st, 8);
    out->created_at = store_col_int64(st, 9);
    out->created_by = store_col_int64(st, 10);
    st = store_prepare(x->conn, SQL_PEOPLE, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    while ((r = store_step(st, e)) == STORE_ROW && out->npeople < CONTACTS_MAX_PEOPLE) {
        struct contact_person *p = &out->people[out->npeople++];
        p->person_id = store_col_int64(st, 0);
        p->case_id = store_col_int64(st, 1);
        p->decision = dup(x, st, 2);
        p->decided_at = store_col_int64(st, 3);
        p->decided_by = store_col_int64(st, 4);
        p->person_name = dup(x, st, 5);
        p->step_id = store_col_int64(st, 6);
    }
    if (r == STORE_ERROR)
        return false;
    /* Seeing a contact means seeing everyone it is about. */
    for (size_t i = 0; i < out->npeople; i++)
        if (!ntk_require(x, out->people[i].person_id, ACTION_VIEW, e))
            return false;
    return true;
}

bool contacts_get(struct ctx *x, int64_t id, struct contact *out, struct err *e)
{
    if (!access_require(x->who, PERM_CASES_VIEW, e) || !store_begin(x->conn, true, e))
        return false;
    bool ok = load(x, id, out, e);
    char detail[48];
    snprintf(detail, sizeof detail, "contact %lld", (long long)id);
    for (size_t i = 0; ok && i < out->npeople; i++)
        ok = ctx_audit(x, "contact.view", "person", out->people[i].person_id, NULL, detail, e);
    ok = ok && store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool contacts_decide(struct ctx *x, int64_t contact_id, int64_t person_id, const char *outcome,
                     const json_t *answers, const char *closure_reason, struct buf *missing,
                     struct err *e)
{
    if (!access_require(x->who, PERM_CASES_EDIT, e) || !store_begin(x->conn, true, e))
        return false;
    struct contact c;
    bool ok = false;
    if (!load(x, contact_id, &c, e))
        goto done;
    const struct contact_person *p = NULL;
    for (size_t i = 0; i < c.npeople; i++)
        if (c.people[i].person_id == person_id)
            p = &c.people[i];
    if (!p) {
        err_set(e, ERR_INVALID, "person_id", "The contact %lld is not about person %lld",
                (long long)contact_id, (long long)person_id);
        goto done;
    }
    if (*p->decision) {
        err_set(e, ERR_CONFLICT, "person_id", "The contact about %s has already been decided (%s)",
                p->person_name, p->decision);
        goto done;
    }
    ok = cases_complete_in(x, p->step_id, outcome, answers, closure_reason, missing, NULL, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool contacts_hand_on(struct ctx *x, const struct case_record *c, const struct workflow_def *from,
                      const char *outcome, const json_t *answers, struct err *e)
{
    if (strcmp(outcome, "early_help") || workflow_def_domain(from) != WORKFLOW_CHILDREN)
        return true;
    /* A council without an early help pathway: the decision just closes the case. */
    if (!x->workflows || !workflow_set_newest(x->workflows, "early_help"))
        return true;
    const struct workflow_def *d;
    if (!cases_definition_for_new(x, "early_help", &d, e))
        return false;
    const struct workflow_step *first = workflow_def_start_at(d, 0);
    /* The request for support starts from what the front door recorded. */
    json_t *given = json_object();
    const char *from_keys[] = {"referral_source", "referrer", "concern"};
    const char *to_keys[] = {"referral_source", "requested_by", "needs"};
    for (size_t k = 0; k < sizeof from_keys / sizeof from_keys[0]; k++) {
        json_t *v = json_object_get(answers, from_keys[k]);
        if (json_is_string(v) && workflow_step_field(first, to_keys[k]))
            json_object_set(given, to_keys[k], v);
    }
    for (size_t f = 0; f < first->nfields; f++)
        if (first->fields[f].type == WORKFLOW_FIELD_PERSON) {
            json_object_set_new(given, first->fields[f].name, json_integer(c->person_id));
            break;
        }
    int64_t case_id;
    bool ok = cases_insert(x, c->person_id, c->contact_id, d, x->now, &case_id, e) &&
              cases_start_step(x, case_id, c->person_id, first, x->now, given, NULL, e) &&
              cases_hold_new(x, case_id, e);
    json_decref(given);
    return ok;
}
