/*
 * A manager moves a worker's whole caseload (leave, a change of team) to a
 * colleague in one go, with a reason: every open case is reallocated in one
 * transaction (cases_reallocate_caseload), each with its own history row and
 * audit entry. Single cases are reallocated from the case page. Reached from
 * a team's workload page (?team= keeps the cases with that team).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cases.h"
#include "domain/trays.h"
#include "web/page.h"
#include "web/pages.h"

enum { MAX_COLLEAGUES = 200 };

/* A positive record number from a form or query value; 0 when absent. */
static bool id_value(const char *s, int64_t *out)
{
    *out = 0;
    if (!s || !*s)
        return true;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < 1)
        return false;
    *out = v;
    return true;
}

static void render(struct request *r, int64_t from_user, int64_t team_id, int status,
                   const char *to_user, const char *reason, const struct err *e)
{
    struct colleague people[MAX_COLLEAGUES];
    size_t n = 0;
    struct err le = ERR_INIT;
    if (!trays_colleagues(http_ctx(r), people, MAX_COLLEAGUES, &n, &le)) {
        http_reply_err(r, &le);
        return;
    }
    const char *name = NULL;
    for (size_t i = 0; i < n && !name; i++)
        if (people[i].user_id == from_user)
            name = people[i].name;
    /* How many cases would move, when we know the team to count in. The
     * team's members include workers whose accounts are disabled, whose
     * caseloads most need moving (colleagues do not). */
    int64_t open_cases = -1;
    struct workload w;
    if (team_id && trays_workload(http_ctx(r), team_id, &w, &le))
        for (size_t i = 0; i < w.n; i++)
            if (w.rows[i].user_id == from_user) {
                open_cases = w.rows[i].open_cases;
                name = name ? name : w.rows[i].name;
            }
    if (!name) {
        page_error(r, 404, "Not one of your teams' workers",
                   "You can move the caseload of a worker in one of your teams.");
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, e && e->code ? "Error: Move a caseload" : "Move a caseload");
    page_error_summary(&b, e);
    html(&b,
         "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-l\">Move a "
         "caseload</h1>",
         name);
    if (open_cases >= 0)
        html(&b,
             "<p class=\"govuk-body\" data-testid=\"open-cases\">%s holds %D open case%s. Every "
             "one moves to the worker you choose.</p>",
             name, open_cases, open_cases == 1 ? "" : "s");
    html(&b, "<form method=\"post\" action=\"/users/%D/caseload\" novalidate>", from_user);
    page_csrf(&b, r);
    if (team_id)
        html(&b, "<input type=\"hidden\" name=\"team_id\" value=\"%D\">", team_id);
    bool bad = e && !strcmp(e->field, "to_user_id");
    html(&b,
         "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"to_user_id\">"
         "Move to</label>",
         bad ? " govuk-form-group--error" : "");
    if (bad)
        html(&b, "<p id=\"to_user_id-error\" class=\"govuk-error-message\">%s</p>", e->message);
    html(&b, "<select class=\"govuk-select\" id=\"to_user_id\" name=\"to_user_id\"><option "
             "value=\"\"></option>");
    for (size_t i = 0; i < n; i++) {
        if (people[i].user_id == from_user)
            continue;
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)people[i].user_id);
        html(&b, "<option value=\"%D\"%s>%s</option>", people[i].user_id,
             to_user && !strcmp(to_user, v) ? " selected" : "", people[i].name);
    }
    html(&b, "</select></div>");
    page_input(&b, "reason", "Reason", "Recorded against every case that moves", reason, "text",
               NULL, e);
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Move the caseload"
             "</button></form>");
    page_send(&b, r, status);
}

void page_caseload(struct request *r)
{
    int64_t id, team_id;
    if (!http_param_id(r, "id", &id))
        return;
    if (!id_value(http_query(r, "team"), &team_id)) {
        page_error(r, 400, "Bad team", "The team must be a record number.");
        return;
    }
    render(r, id, team_id, 200, NULL, NULL, NULL);
}

void page_caseload_reallocate(struct request *r)
{
    int64_t id, team_id, to_user_id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    const char *to_user = http_form(r, "to_user_id"), *reason = http_form(r, "reason");
    if (!id_value(http_form(r, "team_id"), &team_id) || !id_value(to_user, &to_user_id)) {
        err_set(&e, ERR_INVALID, "to_user_id", "Choose the worker to take the caseload");
        render(r, id, 0, 422, NULL, reason, &e);
        return;
    }
    size_t moved;
    if (!cases_reallocate_caseload(http_ctx(r), id, to_user_id, team_id, reason, &moved, &e)) {
        if (e.code == ERR_INVALID)
            render(r, id, team_id, 422, to_user, reason, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[80];
    if (team_id)
        snprintf(to, sizeof to, "/teams/%lld/workload?moved=%zu", (long long)team_id, moved);
    else
        snprintf(to, sizeof to, "/tray?moved=%zu", moved);
    http_redirect(r, to);
}
