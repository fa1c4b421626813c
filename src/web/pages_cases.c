/*
 * Pages for casework (read-only for now): my tray of tasks by due date, and
 * a case with its steps, due instants, outcomes and answers.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cases.h"
#include "domain/trays.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/rect_view.h"

static void due_cell(struct buf *b, int64_t due_at, bool overdue, bool due_today)
{
    if (!due_at) {
        html(b, "No time limit");
        return;
    }
    page_when(b, due_at);
    if (overdue)
        html(
            b,
            " <strong class=\"govuk-tag govuk-tag--red\" data-testid=\"overdue\">Overdue</strong>");
    else if (due_today)
        html(b, " <strong class=\"govuk-tag govuk-tag--yellow\">Due today</strong>");
}

static const char *status_label(const char *status)
{
    if (!strcmp(status, "awaiting_authorisation"))
        return "Awaiting authorisation";
    if (!strcmp(status, "open"))
        return "Not started";
    if (!strcmp(status, "draft"))
        return "In progress";
    if (!strcmp(status, "completed"))
        return "Completed";
    if (!strcmp(status, "cancelled"))
        return "Ended when the case closed";
    return status;
}

/* Tasks by due date. A team's tray also says who holds each case, and marks
 * those no worker holds yet (a manager allocates them from the case page). */
static void tray_table(struct buf *b, const struct tray *t, bool team)
{
    html(b, "<table class=\"govuk-table\" data-testid=\"tray\"><thead "
            "class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
            "class=\"govuk-table__header\">Person</th><th scope=\"col\" "
            "class=\"govuk-table__header\">Task</th><th scope=\"col\" "
            "class=\"govuk-table__header\">Status</th>");
    if (team)
        html(b, "<th scope=\"col\" class=\"govuk-table__header\">Held by</th>");
    html(b, "<th scope=\"col\" class=\"govuk-table__header\">Due</th></tr></thead><tbody "
            "class=\"govuk-table__body\">");
    for (size_t i = 0; i < t->n; i++) {
        const struct tray_task *k = &t->tasks[i];
        html(b,
             "<tr class=\"govuk-table__row\" data-testid=\"task\"><td class=\"govuk-table__cell\">"
             "<a class=\"govuk-link\" href=\"/cases/%D\">%s</a></td><td "
             "class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/steps/%D\">%s%s</a>"
             "</td><td class=\"govuk-table__cell\">%s</td>",
             k->case_id, k->person_name, k->step_id, k->to_authorise ? "Authorise: " : "", k->title,
             status_label(k->status));
        if (team) {
            html(b, "<td class=\"govuk-table__cell\">");
            if (k->assigned_user_id)
                html(b, "%s <span class=\"govuk-body-s\">(this task alone)</span>",
                     k->assignee_name);
            else if (k->allocated_user_id)
                html(b, "%s", k->holder_name);
            else
                html(b,
                     "<strong class=\"govuk-tag govuk-tag--grey\" data-testid=\"unallocated\">"
                     "Not allocated</strong> <a class=\"govuk-link\" href=\"/cases/%D\">Allocate"
                     "<span class=\"govuk-visually-hidden\"> %s's case</span></a>",
                     k->case_id, k->person_name);
            html(b, "</td>");
        }
        html(b, "<td class=\"govuk-table__cell\">");
        due_cell(b, k->due_at, k->overdue, k->due_today);
        html(b, "</td></tr>");
    }
    html(b, "</tbody></table>");
    if (t->truncated)
        html(b, "<p class=\"govuk-body\">Only the first %D tasks are shown.</p>",
             (int64_t)TRAY_MAX_TASKS);
}

enum { MAX_MY_TEAMS = 20 };

void page_tray(struct request *r)
{
    struct tray t;
    struct team_ref teams[MAX_MY_TEAMS];
    size_t nteams = 0;
    struct err e = ERR_INIT;
    bool manager = access_allows(http_principal(r), PERM_CASES_ALLOCATE);
    if (!trays_mine(http_ctx(r), &t, &e) ||
        (manager && !trays_my_teams(http_ctx(r), teams, MAX_MY_TEAMS, &nteams, &e))) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Your tasks");
    html(&b, "<h1 class=\"govuk-heading-l\">Your tasks</h1>");
    if (nteams) {
        html(&b, "<ul class=\"govuk-list\" data-testid=\"my-teams\">");
        for (size_t i = 0; i < nteams; i++)
            html(&b,
                 "<li>%s: <a class=\"govuk-link\" href=\"/teams/%D/tray\">team tray</a> · <a "
                 "class=\"govuk-link\" href=\"/teams/%D/workload\">workload</a></li>",
                 teams[i].name, teams[i].id, teams[i].id);
        html(&b, "</ul>");
    }
    if (t.n)
        tray_table(&b, &t, false);
    else
        html(&b, "<p class=\"govuk-body\">You have no tasks.</p>");
    page_send(&b, r, 200);
}

void page_team_tray(struct request *r)
{
    int64_t id;
    struct tray t;
    const char *name;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!trays_team(http_ctx(r), id, &t, &name, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, name);
    html(&b,
         "<span class=\"govuk-caption-l\">Team tray</span><h1 class=\"govuk-heading-l\">%s</h1>"
         "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/teams/%D/workload\">Workload "
         "per worker</a></p>",
         name, id);
    if (t.n)
        tray_table(&b, &t, true);
    else
        html(&b, "<p class=\"govuk-body\">The team has no tasks.</p>");
    page_send(&b, r, 200);
}

/* One answer as people read it. */
static void answer_value(struct buf *b, const json_t *v)
{
    if (json_is_string(v))
        html(b, "%s", json_string_value(v));
    else if (json_is_true(v))
        html(b, "Yes");
    else if (json_is_false(v))
        html(b, "No");
    else if (json_is_integer(v))
        html(b, "%D", (int64_t)json_integer_value(v));
    else if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            if (i)
                html(b, ", ");
            answer_value(b, item);
        }
    }
}

static void render_answers(struct buf *b, const char *text)
{
    json_t *a = json_loads(text && *text ? text : "{}", 0, NULL);
    if (!a || !json_object_size(a)) {
        json_decref(a);
        return;
    }
    html(b, "<dl class=\"govuk-summary-list govuk-summary-list--no-border\">");
    const char *k;
    json_t *v;
    json_object_foreach(a, k, v)
    {
        html(b,
             "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%s"
             "</dt><dd class=\"govuk-summary-list__value\">",
             k);
        answer_value(b, v);
        html(b, "</dd></div>");
    }
    html(b, "</dl>");
    json_decref(a);
}

enum { MAX_COLLEAGUES = 200 };

/* A manager's allocation form: workers who share a team with them. */
static void render_allocate(struct buf *b, struct request *r, const struct case_record *c,
                            const struct err *e)
{
    struct colleague people[MAX_COLLEAGUES];
    size_t n = 0;
    struct err le = ERR_INIT;
    if (!trays_colleagues(http_ctx(r), people, MAX_COLLEAGUES, &n, &le))
        return;
    html(b,
         "<details class=\"govuk-details\"%s><summary class=\"govuk-details__summary\"><span "
         "class=\"govuk-details__summary-text\">Allocate this case</span></summary><div "
         "class=\"govuk-details__text\"><form method=\"post\" action=\"/cases/%D/allocation\" "
         "novalidate>",
         e ? " open" : "", c->id);
    page_csrf(b, r);
    html(b, "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"user_id\">Worker"
            "</label><select class=\"govuk-select\" id=\"user_id\" name=\"user_id\"><option "
            "value=\"\"></option>");
    for (size_t i = 0; i < n; i++)
        html(b, "<option value=\"%D\"%s>%s</option>", people[i].user_id,
             people[i].user_id == c->allocated_user_id ? " selected" : "", people[i].name);
    html(b, "</select></div>");
    page_input(b, "reason", "Reason", NULL, NULL, "text", NULL, e);
    html(b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Allocate</button>"
            "</form></div></details>");
}

static void render_case(struct request *r, int64_t id, int status, const struct err *e)
{
    struct case_record c;
    struct err le = ERR_INIT;
    char self[40];
    snprintf(self, sizeof self, "/cases/%lld", (long long)id);
    struct rect_view rv;
    if (!cases_get(http_ctx(r), id, &c, &le) || !rect_view_load(r, c.person_id, self, &rv, &le)) {
        http_reply_err(r, &le);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, c.person_name);
    page_error_summary(&b, e);
    html(&b,
         "<span class=\"govuk-caption-l\">%s v%d · case %D</span><h1 class=\"govuk-heading-l\">"
         "<a class=\"govuk-link\" href=\"/people/%D\">%s</a></h1><p class=\"govuk-body\" "
         "data-testid=\"case-status\">Received ",
         c.pathway, c.version, c.id, c.person_id, c.person_name);
    page_when(&b, c.received_at);
    if (!strcmp(c.status, "closed")) {
        html(&b, " · closed ");
        page_when(&b, c.closed_at);
        html(&b, " (%s)", c.closure_reason);
    } else {
        html(&b, " · open");
        if (!c.allocated_user_id)
            html(&b, " <strong class=\"govuk-tag govuk-tag--grey\" data-testid=\"unallocated\">"
                     "Not allocated to a worker</strong>");
    }
    if (c.contact_id)
        html(&b, " · <a class=\"govuk-link\" href=\"/contacts/%D\">the contact</a>", c.contact_id);
    html(&b, "</p>");
    rect_view_item(&b, &rv, "case", c.id);
    const struct principal *who = http_principal(r);
    if (!strcmp(c.status, "open") && who && access_allows(who, PERM_CASES_ALLOCATE))
        render_allocate(&b, r, &c, e);
    for (size_t i = 0; i < c.nsteps; i++) {
        const struct case_step *s = &c.steps[i];
        html(&b,
             "<div class=\"govuk-summary-card\" data-testid=\"step\"><div "
             "class=\"govuk-summary-card__title-wrapper\"><h2 class=\"govuk-summary-card__title\">"
             "<a class=\"govuk-link\" href=\"/steps/%D\">%s</a></h2></div><div "
             "class=\"govuk-summary-card__content\"><p class=\"govuk-body-s\">%s · started ",
             s->id, s->title, status_label(s->status));
        page_when(&b, s->started_at);
        html(&b, " · due ");
        due_cell(&b, s->due_at, s->overdue, false);
        if (*s->outcome)
            html(&b, " · outcome: %s", s->outcome);
        if (s->version > 1)
            html(&b, " · version %D", s->version);
        html(&b, "</p>");
        render_answers(&b, s->answers);
        rect_view_item(&b, &rv, "step", s->id);
        html(&b, "</div></div>");
    }
    page_send(&b, r, status);
}

void page_case(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        render_case(r, id, 200, NULL);
}

void page_case_allocate(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    const char *user = http_form(r, "user_id");
    char *end = NULL;
    long long user_id = user && *user ? strtoll(user, &end, 10) : 0;
    if (end && *end) {
        err_set(&e, ERR_INVALID, "user_id", "Choose a worker");
        render_case(r, id, 422, &e);
        return;
    }
    if (!cases_allocate(http_ctx(r), id, user_id, 0, http_form(r, "reason"), &e)) {
        if (e.code == ERR_INVALID)
            render_case(r, id, 422, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[48];
    snprintf(to, sizeof to, "/cases/%lld?allocated=1", (long long)id);
    http_redirect(r, to);
}

static void workload_cells(struct buf *b, const struct workload_row *w)
{
    html(b,
         "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td><td "
         "class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td><td "
         "class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td><td "
         "class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td>",
         w->open_cases, w->open_tasks, w->overdue_tasks, w->weighted);
}

void page_team_workload(struct request *r)
{
    int64_t id;
    struct workload w;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!trays_workload(http_ctx(r), id, &w, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, w.team_name);
    const char *moved = http_query(r, "moved");
    if (moved && *moved && strspn(moved, "0123456789") == strlen(moved))
        html(&b,
             "<div class=\"govuk-notification-banner govuk-notification-banner--success\" "
             "role=\"alert\" data-testid=\"moved\"><div "
             "class=\"govuk-notification-banner__content\"><p "
             "class=\"govuk-notification-banner__heading\">Caseload moved: %s case%s</p></div>"
             "</div>",
             moved, strcmp(moved, "1") ? "s" : "");
    html(&b,
         "<span class=\"govuk-caption-l\">Workload</span><h1 class=\"govuk-heading-l\">%s</h1>"
         "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/teams/%D/tray\">The team's "
         "tray</a></p><table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
         "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Worker</th>"
         "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Open "
         "cases</th><th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">"
         "Open tasks</th><th scope=\"col\" class=\"govuk-table__header "
         "govuk-table__header--numeric\">Overdue</th><th scope=\"col\" class=\"govuk-table__header "
         "govuk-table__header--numeric\">Weighted caseload</th><th scope=\"col\" "
         "class=\"govuk-table__header\"><span class=\"govuk-visually-hidden\">Actions</span>"
         "</th></tr></thead><tbody class=\"govuk-table__body\">",
         w.team_name, id);
    for (size_t i = 0; i < w.n; i++) {
        html(&b,
             "<tr class=\"govuk-table__row\" data-testid=\"worker\"><th scope=\"row\" "
             "class=\"govuk-table__header\">%s</th>",
             w.rows[i].name);
        workload_cells(&b, &w.rows[i]);
        html(&b,
             "<td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
             "href=\"/users/%D/caseload?team=%D\">Move caseload<span "
             "class=\"govuk-visually-hidden\"> of %s</span></a></td></tr>",
             w.rows[i].user_id, id, w.rows[i].name);
    }
    html(&b, "<tr class=\"govuk-table__row\" data-testid=\"unallocated\"><th scope=\"row\" "
             "class=\"govuk-table__header\">Not allocated to a worker</th>");
    workload_cells(&b, &w.unallocated);
    html(&b, "<td class=\"govuk-table__cell\"></td></tr><tr class=\"govuk-table__row\" "
             "data-testid=\"total\"><th scope=\"row\" class=\"govuk-table__header\">Team</th>");
    workload_cells(&b, &w.total);
    html(&b, "<td class=\"govuk-table__cell\"></td></tr></tbody></table>");
    page_send(&b, r, 200);
}
