/*
 * A step's form answers: checking them against the definition's fields,
 * finding mandatory fields left empty, and pre-filling a new step from the
 * person record and from the last completed step of the same kind.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/codelist.h"
#include "core/utf8.h"
#include "domain/cases_internal.h"
#include "domain/people.h"
#include "domain/people_internal.h"

enum { TEXT_MAX = 500, TEXTAREA_MAX = 20000, CODES_MAX = 50 };

static const char SQL_PERSON_EXISTS[] = "SELECT 1 FROM people WHERE id = :id";
static const char SQL_DISABILITIES[] =
    "SELECT code FROM person_disabilities WHERE person_id = :id ORDER BY code";
static const char SQL_ADDRESS[] =
    "SELECT line1, COALESCE(line2, ''), COALESCE(town, ''), COALESCE(postcode, '')"
    " FROM addresses WHERE person_id = :id AND to_date IS NULL ORDER BY id DESC LIMIT 1";
/* The person's last completed step of this kind, in any of their cases. */
/* "+s.status": without table statistics SQLite would otherwise walk every
 * completed step in the database through case_steps_open; the person's
 * cases are a handful. */
static const char SQL_LAST_OF_KIND[] =
    "SELECT s.answers FROM case_steps s JOIN cases c ON c.id = s.case_id"
    " WHERE c.person_id = :person_id AND s.step = :step AND +s.status = 'completed'"
    " ORDER BY s.completed_at DESC, s.id DESC LIMIT 1";

static bool text_ok(const struct workflow_field *f, const char *v, size_t max, bool lines,
                    struct err *e)
{
    if (!utf8_valid(v, strlen(v)))
        return err_set(e, ERR_INVALID, f->name, "%s must be valid UTF-8 text", f->label);
    if (utf8_length(v) > max)
        return err_set(e, ERR_INVALID, f->name, "%s must be %zu characters or fewer", f->label,
                       max);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
            return err_set(e, ERR_INVALID, f->name, "%s must not contain control characters",
                           f->label);
    return true;
}

static bool code_ok(struct ctx *x, const struct workflow_field *f, const json_t *v, struct err *e)
{
    const struct codelist *l = x->codes ? codelist_get(x->codes, f->list) : NULL;
    if (!json_is_string(v))
        return err_set(e, ERR_INVALID, f->name, "%s must be a code from the %s list", f->label,
                       f->list);
    const char *s = json_string_value(v);
    if (!l || !codelist_has(l, s))
        return err_set(e, ERR_INVALID, f->name,
                       "%s: '%s' is not a code in the %s list (config/codes/%s.txt)", f->label,
                       strlen(s) <= 20 ? s : "(too long)", f->list, f->list);
    return true;
}

static bool field_ok(struct ctx *x, const struct workflow_field *f, const json_t *v, struct err *e)
{
    switch (f->type) {
    case WORKFLOW_FIELD_TEXT:
    case WORKFLOW_FIELD_TEXTAREA:
        if (!json_is_string(v))
            return err_set(e, ERR_INVALID, f->name, "%s must be text", f->label);
        return text_ok(f, json_string_value(v),
                       f->type == WORKFLOW_FIELD_TEXT ? TEXT_MAX : TEXTAREA_MAX,
                       f->type == WORKFLOW_FIELD_TEXTAREA, e);
    case WORKFLOW_FIELD_DATE: {
        int64_t day;
        struct err pe = ERR_INIT;
        if (!json_is_string(v) || !clock_parse_date(json_string_value(v), &day, &pe))
            return err_set(e, ERR_INVALID, f->name, "%s must be a real date in the form YYYY-MM-DD",
                           f->label);
        return true;
    }
    case WORKFLOW_FIELD_DATETIME: {
        int64_t at;
        struct err pe = ERR_INIT;
        if (!json_is_string(v) || !clock_parse_instant(json_string_value(v), &at, &pe))
            return err_set(e, ERR_INVALID, f->name,
                           "%s must be a date and time such as 2026-03-02T14:30:00Z", f->label);
        return true;
    }
    case WORKFLOW_FIELD_CODE:
        return code_ok(x, f, v, e);
    case WORKFLOW_FIELD_CODES: {
        if (!json_is_array(v) || json_array_size(v) > CODES_MAX)
            return err_set(e, ERR_INVALID, f->name, "%s must be a list of codes from the %s list",
                           f->label, f->list);
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c) if (!code_ok(x, f, c, e)) return false;
        return true;
    }
    case WORKFLOW_FIELD_YES_NO:
        if (!json_is_boolean(v))
            return err_set(e, ERR_INVALID, f->name, "%s must be true or false", f->label);
        return true;
    case WORKFLOW_FIELD_NUMBER:
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000)
            return err_set(e, ERR_INVALID, f->name, "%s must be a whole number from 0", f->label);
        return true;
    case WORKFLOW_FIELD_PERSON: {
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return err_set(e, ERR_INVALID, f->name, "%s must be a person record's id", f->label);
        struct store_stmt *st = store_prepare(x->conn, SQL_PERSON_EXISTS, e);
        if (!st)
            return false;
        store_bind_int64(st, ":id", json_integer_value(v));
        enum store_step_result r = store_step(st, e);
        if (r == STORE_ERROR)
            return false;
        if (r == STORE_DONE)
            return err_set(e, ERR_INVALID, f->name, "%s: there is no person record %lld", f->label,
                           (long long)json_integer_value(v));
        return true;
    }
    }
    return err_set(e, ERR_INTERNAL, f->name, "unknown field type");
}

bool step_answers_check(struct ctx *x, const struct workflow_step *s, const json_t *answers,
                        struct err *e)
{
    if (!json_is_object(answers))
        return err_set(e, ERR_INVALID, "answers", "The answers must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)answers, k, v)
    {
        const struct workflow_field *f = workflow_step_field(s, k);
        if (!f)
            return err_set(e, ERR_INVALID, strlen(k) < 60 ? k : "answers",
                           "'%s' is not a field of the step '%s'", strlen(k) <= 40 ? k : "(long)",
                           s->title);
        if (!json_is_null(v) && !field_ok(x, f, v, e))
            return false;
    }
    return true;
}

static bool answered(const json_t *v)
{
    if (!v || json_is_null(v))
        return false;
    if (json_is_string(v)) {
        for (const char *p = json_string_value(v); *p; p++)
            if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
                return true;
        return false;
    }
    if (json_is_array(v))
        return json_array_size(v) > 0;
    return true;
}

size_t step_answers_missing(const struct workflow_step *s, const json_t *answers,
                            struct buf *missing)
{
    return step_answers_missing_for(s, answers, NULL, missing);
}

size_t step_answers_missing_for(const struct workflow_step *s, const json_t *answers,
                                const char *outcome, struct buf *missing)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nfields; i++) {
        const struct workflow_field *f = &s->fields[i];
        if (workflow_field_required(f, outcome) && !answered(json_object_get(answers, f->name))) {
            n++;
            if (missing)
                buf_printf(missing, "%s\n", f->name);
        }
    }
    return n;
}

/* The value of person.<name> for a field of type t, or NULL when empty. */
static json_t *person_value(struct ctx *x, const struct person *p, const char *name, struct err *e)
{
    struct {
        const char *name, *value;
    } texts[] = {
        {"forenames", p->forenames},
        {"surname", p->surname},
        {"preferred_name", p->preferred_name},
        {"dob", p->dob},
        {"expected_dob", p->expected_dob},
        {"dod", p->dod},
        {"nhs_number", p->nhs_number},
        {"upn", p->upn},
        {"upn_unknown", p->upn_unknown},
        {"sex", p->sex},
        {"gender", p->gender},
        {"ethnicity", p->ethnicity},
        {"language", p->language},
        {"religion", p->religion},
        {"immigration_status", p->immigration_status},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (!strcmp(name, texts[i].name))
            return texts[i].value && *texts[i].value ? json_string(texts[i].value) : NULL;
    if (!strcmp(name, "disabilities")) {
        struct store_stmt *st = store_prepare(x->conn, SQL_DISABILITIES, e);
        if (!st)
            return NULL;
        store_bind_int64(st, ":id", p->id);
        json_t *a = json_array();
        while (store_step(st, e) == STORE_ROW)
            json_array_append_new(a, json_string(store_col_text(st, 0)));
        if (json_array_size(a))
            return a;
        json_decref(a);
        return NULL;
    }
    if (!strcmp(name, "address")) {
        struct store_stmt *st = store_prepare(x->conn, SQL_ADDRESS, e);
        if (!st || (store_bind_int64(st, ":id", p->id), store_step(st, e)) != STORE_ROW)
            return NULL;
        struct buf b = BUF_INIT;
        for (int c = 0; c < 4; c++) {
            const char *part = store_col_text(st, c);
            if (part && *part)
                buf_printf(&b, "%s%s", b.len ? ", " : "", part);
        }
        json_t *v = b.len ? json_string(b.data) : NULL;
        buf_release(&b);
        return v;
    }
    return NULL;
}

bool step_answers_prefill(struct ctx *x, const struct workflow_step *s, int64_t person_id,
                          json_t *answers, struct err *e)
{
    bool want_person = false, want_copy = false;
    for (size_t i = 0; i < s->nfields; i++) {
        want_person |= s->fields[i].prefill != NULL;
        want_copy |= s->fields[i].copy_forward;
    }
    json_t *last = NULL;
    if (want_copy) {
        struct store_stmt *st = store_prepare(x->conn, SQL_LAST_OF_KIND, e);
        if (!st)
            return false;
        store_bind_int64(st, ":person_id", person_id);
        store_bind_text(st, ":step", s->id);
        enum store_step_result r = store_step(st, e);
        if (r == STORE_ERROR)
            return false;
        if (r == STORE_ROW)
            last = json_loads(store_col_text(st, 0), 0, NULL);
    }
    struct person p;
    if (want_person && !people_load_row(x, person_id, &p, e)) {
        json_decref(last);
        return false;
    }
    for (size_t i = 0; i < s->nfields; i++) {
        const struct workflow_field *f = &s->fields[i];
        if (answered(json_object_get(answers, f->name)))
            continue;
        json_t *v = NULL;
        /* What was recorded last time is closer to the worker's view than the
         * demographic record, so copy-forward wins over prefill. */
        if (f->copy_forward && last && answered(json_object_get(last, f->name)))
            v = json_incref(json_object_get(last, f->name));
        else if (f->prefill && !strncmp(f->prefill, "person.", 7))
            v = person_value(x, &p, f->prefill + 7, e);
        if (v)
            json_object_set_new(answers, f->name, v);
    }
    json_decref(last);
    return true;
}
