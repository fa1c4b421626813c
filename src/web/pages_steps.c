/*
 * The step page: a step's form, drawn from its definition (fields by type,
 * outcomes, a closure reason where an outcome needs one), saved as a draft
 * or completed; and a manager's authorisation form. Posted fields become the
 * JSON answers the domain checks, so the page and the API share every rule.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codelist.h"
#include "domain/cases.h"
#include "domain/trays.h"
#include "domain/workflow_def.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/rect_view.h"

enum { MAX_CODES = 50 };

/* The definition the case is on, as loaded (a case whose file has changed is
 * checked against its stored text by the domain when the form is posted). */
static const struct workflow_step *definition(struct request *r, const struct case_record *c,
                                              const struct case_step *s)
{
    const struct workflow_set *set = http_app(r)->workflows;
    const struct workflow_def *d = set ? workflow_set_get(set, c->pathway, c->version) : NULL;
    return d ? workflow_def_step(d, s->step) : NULL;
}

static void field_error(struct buf *b, const char *name, const struct err *e, bool *bad)
{
    *bad = e && e->code != ERR_NONE && !strcmp(e->field, name);
    if (*bad)
        html(b,
             "<p id=\"%s-error\" class=\"govuk-error-message\"><span "
             "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
             name, e->message);
}

static void code_options(struct buf *b, const struct codelist *l, const char *chosen)
{
    for (size_t i = 0; l && i < codelist_count(l); i++) {
        const char *code, *label;
        codelist_entry(l, i, &code, &label);
        html(b, "<option value=\"%s\"%s>%s</option>", code,
             chosen && !strcmp(chosen, code) ? " selected" : "", label);
    }
}

static void render_field(struct buf *b, struct request *r, const struct workflow_step *s,
                         const struct workflow_field *f, const json_t *answers, const struct err *e)
{
    const json_t *v = json_object_get(answers, f->name);
    bool bad;
    html(b, "<div class=\"govuk-form-group\" data-field=\"%s\">", f->name);
    html(b, "<label class=\"govuk-label govuk-label--s\" for=\"%s\">%s%s</label>", f->name,
         f->label, f->mandatory || f->nmandatory_for ? "" : " (optional)");
    if (f->nmandatory_for) {
        html(b, "<div class=\"govuk-hint\">Needed with the outcome");
        for (size_t i = 0; i < f->nmandatory_for; i++) {
            const struct workflow_outcome *o = workflow_step_outcome(s, f->mandatory_for[i]);
            html(b, "%s '%s'", i ? " or" : "", o ? o->label : f->mandatory_for[i]);
        }
        html(b, "</div>");
    }
    if (f->help)
        html(b, "<div class=\"govuk-hint\">%s</div>", f->help);
    field_error(b, f->name, e, &bad);
    const struct codelist *l =
        f->list && http_app(r)->codes ? codelist_get(http_app(r)->codes, f->list) : NULL;
    switch (f->type) {
    case WORKFLOW_FIELD_TEXTAREA:
        html(b, "<textarea class=\"govuk-textarea\" id=\"%s\" name=\"%s\" rows=\"5\">%s</textarea>",
             f->name, f->name, json_is_string(v) ? json_string_value(v) : "");
        break;
    case WORKFLOW_FIELD_CODE:
        html(b,
             "<select class=\"govuk-select\" id=\"%s\" name=\"%s\"><option value=\"\">"
             "</option>",
             f->name, f->name);
        code_options(b, l, json_is_string(v) ? json_string_value(v) : NULL);
        html(b, "</select>");
        break;
    case WORKFLOW_FIELD_CODES: {
        /* Checkbox names are filled in here: code_options cannot know the field. */
        html(b,
             "<input type=\"hidden\" name=\"%s\" value=\"\"><div class=\"govuk-checkboxes "
             "govuk-checkboxes--small\" id=\"%s\">",
             f->name, f->name);
        for (size_t i = 0; l && i < codelist_count(l); i++) {
            const char *code, *label;
            codelist_entry(l, i, &code, &label);
            bool on = false;
            size_t k;
            json_t *item;
            json_array_foreach(v, k, item) on |=
                json_is_string(item) && !strcmp(json_string_value(item), code);
            html(b,
                 "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" "
                 "type=\"checkbox\" name=\"%s\" id=\"%s-%s\" value=\"%s\"%s><label "
                 "class=\"govuk-label govuk-checkboxes__label\" for=\"%s-%s\">%s</label></div>",
                 f->name, f->name, code, code, on ? " checked" : "", f->name, code, label);
        }
        html(b, "</div>");
        break;
    }
    case WORKFLOW_FIELD_YES_NO:
        html(b, "<div class=\"govuk-radios govuk-radios--inline\" id=\"%s\">", f->name);
        for (int yes = 1; yes >= 0; yes--)
            html(b,
                 "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" "
                 "type=\"radio\" name=\"%s\" id=\"%s-%s\" value=\"%s\"%s><label "
                 "class=\"govuk-label govuk-radios__label\" for=\"%s-%s\">%s</label></div>",
                 f->name, f->name, yes ? "yes" : "no", yes ? "yes" : "no",
                 json_is_boolean(v) && json_is_true(v) == (yes == 1) ? " checked" : "", f->name,
                 yes ? "yes" : "no", yes ? "Yes" : "No");
        html(b, "</div>");
        break;
    default: {
        char number[32] = "";
        if (json_is_integer(v))
            snprintf(number, sizeof number, "%lld", (long long)json_integer_value(v));
        const char *hint = f->type == WORKFLOW_FIELD_DATE       ? "YYYY-MM-DD"
                           : f->type == WORKFLOW_FIELD_DATETIME ? "YYYY-MM-DDTHH:MM:SSZ"
                           : f->type == WORKFLOW_FIELD_PERSON   ? "person record number"
                                                                : NULL;
        if (hint)
            html(b, "<div class=\"govuk-hint\">%s</div>", hint);
        html(b, "<input class=\"govuk-input\" id=\"%s\" name=\"%s\" type=\"text\" value=\"%s\">",
             f->name, f->name, json_is_string(v) ? json_string_value(v) : number);
    }
    }
    html(b, "</div>");
}

static void render_form(struct buf *b, struct request *r, const struct case_step *s,
                        const struct workflow_step *ws, const json_t *answers, const char *outcome,
                        const struct err *e)
{
    html(b, "<form method=\"post\" action=\"/steps/%D\" novalidate>", s->id);
    page_csrf(b, r);
    for (size_t i = 0; i < ws->nfields; i++)
        render_field(b, r, ws, &ws->fields[i], answers, e);
    bool bad;
    const char *reasons = NULL;
    html(b, "<div class=\"govuk-form-group\"><fieldset class=\"govuk-fieldset\" id=\"outcome\">"
            "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--m\">Outcome</legend>");
    field_error(b, "outcome", e, &bad);
    html(b, "<div class=\"govuk-radios\">");
    for (size_t i = 0; i < ws->noutcomes; i++) {
        const struct workflow_outcome *o = &ws->outcomes[i];
        if (o->close_reasons)
            reasons = o->close_reasons;
        html(b,
             "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" "
             "type=\"radio\" name=\"outcome\" id=\"outcome-%s\" value=\"%s\"%s><label "
             "class=\"govuk-label govuk-radios__label\" for=\"outcome-%s\">%s</label></div>",
             o->id, o->id, outcome && !strcmp(outcome, o->id) ? " checked" : "", o->id, o->label);
    }
    html(b, "</div></fieldset></div>");
    if (reasons) {
        const struct codelist *l =
            http_app(r)->codes ? codelist_get(http_app(r)->codes, reasons) : NULL;
        html(b, "<div class=\"govuk-form-group\"><label class=\"govuk-label\" "
                "for=\"closure_reason\">Reason for closure</label>");
        field_error(b, "closure_reason", e, &bad);
        html(b, "<select class=\"govuk-select\" id=\"closure_reason\" name=\"closure_reason\">"
                "<option value=\"\"></option>");
        code_options(b, l, http_form(r, "closure_reason"));
        html(b, "</select></div>");
    }
    html(b, "<div class=\"govuk-button-group\"><button class=\"govuk-button\" name=\"action\" "
            "value=\"complete\" data-module=\"govuk-button\">Complete</button><button "
            "class=\"govuk-button govuk-button--secondary\" name=\"action\" value=\"save\" "
            "data-module=\"govuk-button\">Save as draft</button></div></form>");
}

static void render_authorise(struct buf *b, struct request *r, const struct case_step *s)
{
    html(b,
         "<h2 class=\"govuk-heading-m\">Authorise</h2><form method=\"post\" "
         "action=\"/steps/%D/authorise\" novalidate>",
         s->id);
    page_csrf(b, r);
    html(b,
         "<div class=\"govuk-form-group\"><div class=\"govuk-radios\" id=\"decision\">"
         "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" type=\"radio\" "
         "name=\"decision\" id=\"decision-approve\" value=\"approve\"><label class=\"govuk-label "
         "govuk-radios__label\" for=\"decision-approve\">Approve</label></div><div "
         "class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" type=\"radio\" "
         "name=\"decision\" id=\"decision-return\" value=\"return\"><label class=\"govuk-label "
         "govuk-radios__label\" for=\"decision-return\">Return to the worker</label></div>"
         "</div></div><div class=\"govuk-form-group\"><label class=\"govuk-label\" "
         "for=\"note\">Note</label><textarea class=\"govuk-textarea\" id=\"note\" name=\"note\" "
         "rows=\"3\"></textarea></div><button class=\"govuk-button\" "
         "data-module=\"govuk-button\">Record decision</button></form>");
}

enum { MAX_COLLEAGUES = 200 };

/* A manager gives this one task to another worker (or back to the case's),
 * with a reason. Field names are prefixed so they cannot clash with the
 * step's own form fields (adults' contact has a "reason"). */
static void render_allocate(struct buf *b, struct request *r, const struct case_step *s,
                            const struct case_record *c, const struct err *e)
{
    struct colleague people[MAX_COLLEAGUES];
    size_t n = 0;
    struct err le = ERR_INIT;
    if (!trays_colleagues(http_ctx(r), people, MAX_COLLEAGUES, &n, &le))
        return;
    bool mine =
        e && (!strcmp(e->field, "allocation_user_id") || !strcmp(e->field, "allocation_reason"));
    html(b,
         "<details class=\"govuk-details\"%s><summary class=\"govuk-details__summary\"><span "
         "class=\"govuk-details__summary-text\">Reallocate this task</span></summary><div "
         "class=\"govuk-details__text\"><form method=\"post\" action=\"/steps/%D/allocation\" "
         "novalidate>",
         mine ? " open" : "", s->id);
    page_csrf(b, r);
    html(b, "<div class=\"govuk-form-group\"><label class=\"govuk-label\" "
            "for=\"allocation_user_id\">Worker</label><select class=\"govuk-select\" "
            "id=\"allocation_user_id\" name=\"allocation_user_id\"><option value=\"\">The "
            "case's worker</option>");
    int64_t current = s->assigned_user_id ? s->assigned_user_id : c->allocated_user_id;
    for (size_t i = 0; i < n; i++)
        html(b, "<option value=\"%D\"%s>%s</option>", people[i].user_id,
             people[i].user_id == current ? " selected" : "", people[i].name);
    html(b, "</select></div>");
    page_input(b, "allocation_reason", "Reason", NULL, NULL, "text", NULL, mine ? e : NULL);
    html(b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Reallocate</button>"
            "</form></div></details>");
}

/* The step page; answers/outcome/e/missing are what was posted when a
 * completion was refused (NULL otherwise). */
static void render(struct request *r, int64_t id, int status, const json_t *posted,
                   const char *outcome, const struct err *e)
{
    struct case_step s;
    struct case_record c;
    struct err le = ERR_INIT;
    char self[40];
    snprintf(self, sizeof self, "/steps/%lld", (long long)id);
    struct rect_view rv;
    if (!cases_step_get(http_ctx(r), id, &s, &le) || !cases_get(http_ctx(r), s.case_id, &c, &le) ||
        !rect_view_load(r, c.person_id, self, &rv, &le)) {
        http_reply_err(r, &le);
        return;
    }
    const struct workflow_step *ws = definition(r, &c, &s);
    struct buf b = BUF_INIT;
    page_begin(&b, r, s.title);
    page_error_summary(&b, e);
    html(&b,
         "<span class=\"govuk-caption-l\"><a class=\"govuk-link\" href=\"/cases/%D\">%s</a></span>"
         "<h1 class=\"govuk-heading-l\">%s</h1>",
         c.id, c.person_name, s.title);
    if (ws && ws->help)
        html(&b, "<p class=\"govuk-body\">%s</p>", ws->help);
    bool editable = !strcmp(s.status, "open") || !strcmp(s.status, "draft");
    const struct principal *who = http_principal(r);
    json_t *answers = json_loads(*s.answers ? s.answers : "{}", 0, NULL);
    if (answers && posted)
        json_object_update(answers, (json_t *)posted);
    if (editable && ws && answers)
        render_form(&b, r, &s, ws, answers, outcome, e);
    else
        html(&b, "<p class=\"govuk-body\" data-testid=\"step-status\">%s%s%s</p>", s.status,
             *s.outcome ? " · outcome: " : "", s.outcome);
    /* Rectification notes on the step: the answers above are left as recorded. */
    rect_view_item(&b, &rv, "step", s.id);
    if (s.assigned_user_id)
        html(&b,
             "<p class=\"govuk-body\" data-testid=\"assigned\">Given to worker %D alone (not "
             "the case's worker).</p>",
             s.assigned_user_id);
    if (editable && who && access_allows(who, PERM_CASES_ALLOCATE))
        render_allocate(&b, r, &s, &c, e);
    if (!strcmp(s.status, "awaiting_authorisation") && who &&
        access_allows(who, PERM_CASES_AUTHORISE) && s.submitted_by != who->user_id)
        render_authorise(&b, r, &s);
    json_decref(answers);
    page_send(&b, r, status);
}

void page_step(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        render(r, id, 200, NULL, NULL, NULL);
}

/* Posted fields as JSON answers, by the field's type: an empty field removes
 * the answer (null), a field not posted at all is left alone. Text that is
 * not a number stays text, so the domain's check names the field. */
static json_t *posted_answers(struct request *r, const struct workflow_step *ws)
{
    json_t *a = json_object();
    for (size_t i = 0; i < ws->nfields; i++) {
        const struct workflow_field *f = &ws->fields[i];
        if (f->type == WORKFLOW_FIELD_CODES) {
            const char *v[MAX_CODES];
            size_t n = http_form_all(r, f->name, v, MAX_CODES);
            if (!n)
                continue; /* not on the form posted: left as it is */
            /* The form's hidden empty value says the field was there, so
             * clearing every box clears the answer. */
            json_t *list = json_array();
            for (size_t k = 0; k < n; k++)
                if (*v[k])
                    json_array_append_new(list, json_string(v[k]));
            if (json_array_size(list))
                json_object_set_new(a, f->name, list);
            else {
                json_decref(list);
                json_object_set_new(a, f->name, json_null());
            }
            continue;
        }
        const char *v = http_form(r, f->name);
        if (!v)
            continue; /* not on the form posted (an unanswered yes/no): left as it is */
        json_t *j = json_null();
        if (v && *v) {
            char *end;
            long long n = strtoll(v, &end, 10);
            if (f->type == WORKFLOW_FIELD_YES_NO && (!strcmp(v, "yes") || !strcmp(v, "no")))
                j = json_boolean(!strcmp(v, "yes"));
            else if ((f->type == WORKFLOW_FIELD_NUMBER || f->type == WORKFLOW_FIELD_PERSON) &&
                     !*end)
                j = json_integer(n);
            else
                j = json_string(v);
        }
        json_object_set_new(a, f->name, j);
    }
    return a;
}

void page_step_post(struct request *r)
{
    int64_t id;
    struct case_step s;
    struct case_record c;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!cases_step_get(http_ctx(r), id, &s, &e) || !cases_get(http_ctx(r), s.case_id, &c, &e)) {
        http_reply_err(r, &e);
        return;
    }
    const struct workflow_step *ws = definition(r, &c, &s);
    if (!ws) {
        http_reply_problem(r, 409, "Conflict", "This step's definition is not loaded", NULL);
        return;
    }
    json_t *answers = posted_answers(r, ws);
    const char *action = http_form(r, "action"), *outcome = http_form(r, "outcome");
    bool ok = action && !strcmp(action, "save")
                  ? cases_step_save(http_ctx(r), id, answers, NULL, &e)
                  : cases_step_complete(http_ctx(r), id, outcome, answers,
                                        http_form(r, "closure_reason"), NULL, &e);
    if (!ok && e.code == ERR_INVALID)
        render(r, id, 422, answers, outcome, &e);
    else if (!ok)
        http_reply_err(r, &e);
    else {
        char to[48];
        snprintf(to, sizeof to, "/cases/%lld", (long long)c.id);
        http_redirect(r, to);
    }
    json_decref(answers);
}

void page_step_authorise(struct request *r)
{
    int64_t id;
    struct case_step s;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    const char *decision = http_form(r, "decision");
    if (!decision || (strcmp(decision, "approve") && strcmp(decision, "return"))) {
        err_set(&e, ERR_INVALID, "decision", "Choose approve or return");
        render(r, id, 422, NULL, NULL, &e);
        return;
    }
    const char *note = http_form(r, "note");
    if (!cases_step_authorise(http_ctx(r), id, !strcmp(decision, "approve"), note, &e)) {
        if (e.code == ERR_INVALID)
            render(r, id, 422, NULL, NULL, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    if (!cases_step_get(http_ctx(r), id, &s, &e)) {
        http_reply_err(r, &e);
        return;
    }
    char to[48];
    snprintf(to, sizeof to, "/cases/%lld", (long long)s.case_id);
    http_redirect(r, to);
}

void page_step_allocate(struct request *r)
{
    int64_t id;
    struct case_step s;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    const char *user = http_form(r, "allocation_user_id");
    char *end = NULL;
    long long user_id = user && *user ? strtoll(user, &end, 10) : 0;
    if ((end && *end) || user_id < 0) {
        err_set(&e, ERR_INVALID, "allocation_user_id", "Choose a worker");
        render(r, id, 422, NULL, NULL, &e);
        return;
    }
    if (!cases_step_allocate(http_ctx(r), id, user_id, http_form(r, "allocation_reason"), &e)) {
        if (e.code == ERR_INVALID) {
            snprintf(e.field, sizeof e.field, "%s",
                     !strcmp(e.field, "reason") ? "allocation_reason" : "allocation_user_id");
            render(r, id, 422, NULL, NULL, &e);
        } else
            http_reply_err(r, &e);
        return;
    }
    if (!cases_step_get(http_ctx(r), id, &s, &e)) {
        http_reply_err(r, &e);
        return;
    }
    char to[48];
    snprintf(to, sizeof to, "/cases/%lld", (long long)s.case_id);
    http_redirect(r, to);
}
