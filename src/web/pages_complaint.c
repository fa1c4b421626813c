/*
 * One comment, compliment or complaint: its details, stages with deadlines
 * and extensions, points and outcomes, progress reports, actions and
 * learning, Ombudsman referrals, the forms for each, and the reports page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/complaints.h"
#include "web/page.h"
#include "web/pages.h"

static void form_open(struct buf *b, struct request *r, int64_t id, const char *action,
                      const char *title)
{
    html(b,
         "<form method=\"post\" action=\"/complaints/%D/%s\" novalidate class=\"cw-form\">"
         "<h3 class=\"govuk-heading-s\">%s</h3>",
         id, action, title);
    page_csrf(b, r);
}

static void form_close(struct buf *b, const char *id, const char *button)
{
    html(b,
         "<button class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\" "
         "id=\"%s\">%s</button></form>",
         id, button);
}

static void area(struct buf *b, const char *id, const char *name, const char *label,
                 const struct err *e)
{
    bool bad = e && e->code != ERR_NONE && !strcmp(e->field, name);
    html(b, "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"%s\">%s</label>",
         bad ? " govuk-form-group--error" : "", id, label);
    if (bad)
        html(b, "<p class=\"govuk-error-message\">%s</p>", e->message);
    html(b, "<textarea class=\"govuk-textarea\" id=\"%s\" name=\"%s\" rows=\"2\"></textarea></div>",
         id, name);
}

static const char *outcome_label(const char *o)
{
    return !strcmp(o, "upheld")          ? "Upheld"
           : !strcmp(o, "partly_upheld") ? "Partly upheld"
           : !strcmp(o, "not_upheld")    ? "Not upheld"
           : !strcmp(o, "withdrawn")     ? "Withdrawn"
                                         : "Not decided";
}

static void stage_section(struct buf *b, struct request *r, const struct representation *p,
                          const struct complaint_stage *s, bool manage, const struct err *e)
{
    bool open = !s->completed_at && !strcmp(p->status, "open");
    html(b,
         "<section data-testid=\"stage-%d\"><h2 class=\"govuk-heading-m\">Stage %d</h2>"
         "<dl class=\"govuk-summary-list\"><div class=\"govuk-summary-list__row\"><dt "
         "class=\"govuk-summary-list__key\">Started</dt><dd class=\"govuk-summary-list__value\">",
         s->stage, s->stage);
    page_when(b, s->started_at);
    html(b,
         "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
         "Due</dt><dd class=\"govuk-summary-list__value\" data-testid=\"due\">");
    page_when(b, s->due_at);
    html(b, " (%s%s%s)", s->timescale, *s->limit_text ? ", extendable to " : "", s->limit_text);
    if (s->overdue)
        html(b, " <strong class=\"govuk-tag govuk-tag--red\">Overdue</strong>");
    html(b, "<br><span class=\"govuk-hint\">%s</span></dd></div>", s->basis);
    if (*s->extension_reason) {
        html(b, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
                "Extended</dt><dd class=\"govuk-summary-list__value\" data-testid=\"extension\">"
                "from ");
        page_when(b, s->original_due_at);
        html(b, ": %s</dd></div>", s->extension_reason);
    }
    if (*s->investigator)
        html(b,
             "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
             "Investigator</dt><dd class=\"govuk-summary-list__value\">%s</dd></div>",
             s->investigator);
    if (*s->independent_person)
        html(b,
             "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
             "Independent person</dt><dd class=\"govuk-summary-list__value\">%s</dd></div>",
             s->independent_person);
    if (s->stage == 2) {
        html(b,
             "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
             "Progress reports</dt><dd class=\"govuk-summary-list__value\">%d",
             s->reports);
        if (s->progress_due) {
            html(b, "; next due ");
            page_when(b, s->progress_due);
        }
        if (s->progress_missed)
            html(b,
                 " <strong class=\"govuk-tag govuk-tag--orange\" data-testid=\"progress-missed\">"
                 "Progress report missed</strong>");
        html(b, "</dd></div>");
    }
    if (s->completed_at) {
        html(b, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
                "Completed</dt><dd class=\"govuk-summary-list__value\">");
        page_when(b, s->completed_at);
        html(b, "%s</dd></div>", s->completed_at <= s->due_at ? " (in time)" : " (late)");
    }
    html(b, "</dl><ol class=\"govuk-list govuk-list--number\">");
    for (size_t i = 0; i < p->npoints; i++)
        if (p->points[i].stage == s->stage)
            html(b, "<li data-testid=\"point\">%s: <strong>%s</strong></li>", p->points[i].point,
                 outcome_label(p->points[i].outcome));
    html(b, "</ol>");
    if (open && manage) {
        form_open(b, r, p->id, "extend", "Extend the deadline");
        page_input(b, "due_on", "New due date", "For example 2026-03-30", NULL, "text", "off", e);
        area(b, "extend-reason", "reason", "Reason", e);
        form_close(b, "extend-button", "Extend");
        form_open(b, r, p->id, "complete-stage", "Complete this stage with an outcome per point");
        int k = 0;
        for (size_t i = 0; i < p->npoints; i++) {
            if (p->points[i].stage != s->stage)
                continue;
            k++;
            html(
                b,
                "<div class=\"govuk-form-group\"><label class=\"govuk-label\" "
                "for=\"outcome-%d\">%d. %s</label><select class=\"govuk-select\" id=\"outcome-%d\" "
                "name=\"outcome\"><option value=\"\"></option><option value=\"upheld\">Upheld"
                "</option><option value=\"partly_upheld\">Partly upheld</option><option "
                "value=\"not_upheld\">Not upheld</option><option value=\"withdrawn\">Withdrawn"
                "</option></select></div>",
                k, k, p->points[i].point, k);
        }
        form_close(b, "complete-button", "Complete stage");
        if (s->stage == 2) {
            form_open(b, r, p->id, "progress", "Investigator's progress report");
            area(b, "progress-text", "text", "Progress", e);
            form_close(b, "progress-button", "Add progress report");
        }
    }
    html(b, "</section>");
}

static void render(struct request *r, int status, const struct representation *p,
                   const struct err *e)
{
    bool manage = access_allows(http_principal(r), PERM_COMPLAINTS_MANAGE);
    struct buf b = BUF_INIT;
    char title[64];
    snprintf(title, sizeof title, "%s %lld",
             !strcmp(p->kind, "complaint")    ? "Complaint"
             : !strcmp(p->kind, "compliment") ? "Compliment"
                                              : "Comment",
             (long long)p->id);
    page_begin(&b, r, title);
    page_error_summary(&b, e);
    html(&b,
         "<span class=\"govuk-caption-l\">%s procedure</span><h1 class=\"govuk-heading-l\">%s"
         "</h1><p class=\"govuk-body\" data-testid=\"status\">%s</p><p class=\"govuk-body\">"
         "From %s (%s) about %s %s, %s. Received ",
         p->procedure, title, !strcmp(p->status, "open") ? "Open" : "Closed", p->from_name,
         p->channel, p->about_type, p->about, p->service_area);
    page_when(&b, p->received_at);
    html(&b, ".</p><p class=\"govuk-body cw-pre\">%s</p>", p->summary);
    for (size_t i = 0; i < p->nstages; i++)
        stage_section(&b, r, p, &p->stages[i], manage, e);
    const struct complaint_stage *last = p->nstages ? &p->stages[p->nstages - 1] : NULL;
    bool open = !strcmp(p->status, "open");
    if (manage && open && last && last->completed_at) {
        form_open(&b, r, p->id, "escalate", "Go to the next stage");
        page_input(&b, "investigator", "Investigator", NULL, NULL, "text", "off", e);
        page_input(&b, "independent_person", "Independent person (children's stage 2)", NULL, NULL,
                   "text", "off", e);
        form_close(&b, "escalate-button", "Start next stage");
    }
    if (manage && open && (!last || last->completed_at)) {
        form_open(&b, r, p->id, "close", "Close");
        form_close(&b, "close-button", "Close");
    }
    html(&b, "<h2 class=\"govuk-heading-m\">Actions and learning</h2><ul class=\"govuk-list\">");
    for (size_t i = 0; i < p->nactions; i++) {
        const struct complaint_action *a = &p->actions[i];
        html(&b, "<li data-testid=\"action\">%s: %s%s%s%s%s — ", a->kind, a->text,
             *a->owner ? " (" : "", a->owner, *a->owner ? ")" : "", *a->due_on ? ", due " : "");
        if (*a->due_on)
            page_date(&b, a->due_on);
        if (a->completed_at) {
            html(&b, " <strong class=\"govuk-tag govuk-tag--green\">Done</strong>");
        } else if (manage) {
            html(&b, "<form method=\"post\" action=\"/complaints/%D/actions/%D/complete\">", p->id,
                 a->id);
            page_csrf(&b, r);
            html(&b, "<button class=\"govuk-button govuk-button--secondary\">Mark done</button>"
                     "</form>");
        }
        html(&b, "</li>");
    }
    html(&b, "</ul>");
    if (manage) {
        form_open(&b, r, p->id, "actions", "Add an action or learning");
        html(&b, "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"action-kind\">"
                 "Kind</label><select class=\"govuk-select\" id=\"action-kind\" name=\"kind\">"
                 "<option value=\"action\">Action</option><option value=\"learning\">Learning"
                 "</option></select></div>");
        area(&b, "action-text", "text", "What", e);
        page_input(&b, "owner", "Owner (optional)", NULL, NULL, "text", "off", e);
        page_input(&b, "action_due_on", "Due (optional)", "For example 2026-05-01", NULL, "text",
                   "off", e);
        form_close(&b, "action-button", "Add");
    }
    html(&b, "<h2 class=\"govuk-heading-m\">Ombudsman (LGSCO)</h2>");
    for (size_t i = 0; i < p->nreferrals; i++) {
        const struct lgsco_referral *f = &p->referrals[i];
        html(&b, "<div data-testid=\"lgsco\"><p class=\"govuk-body\">Referral %s received ",
             f->reference);
        page_when(&b, f->received_at);
        html(&b, ". Enquiries: %s. Decision: %s.</p><ul class=\"govuk-list\">",
             *f->enquiries ? f->enquiries : "none yet", *f->decision ? f->decision : "awaited");
        for (size_t j = 0; j < f->nrecs; j++) {
            html(&b, "<li>%s, due ", f->recs[j].text);
            page_date(&b, f->recs[j].due_on);
            if (f->recs[j].complied_at)
                html(&b, " <strong class=\"govuk-tag govuk-tag--green\">Complied</strong> %s",
                     f->recs[j].evidence);
            else if (manage) {
                char action[64];
                snprintf(action, sizeof action, "recommendations/%lld/comply",
                         (long long)f->recs[j].id);
                form_open(&b, r, p->id, action, "Record compliance");
                area(&b, "comply-evidence", "evidence", "Evidence", e);
                form_close(&b, "comply-button", "Record");
            }
            html(&b, "</li>");
        }
        html(&b, "</ul>");
        if (manage) {
            char action[48];
            snprintf(action, sizeof action, "lgsco/%lld", (long long)f->id);
            form_open(&b, r, p->id, action, "Ombudsman's enquiries or decision");
            area(&b, "lgsco-enquiries", "enquiries", "Enquiries", e);
            area(&b, "lgsco-decision", "decision", "Decision", e);
            form_close(&b, "lgsco-update-button", "Save");
            snprintf(action, sizeof action, "lgsco/%lld/recommendations", (long long)f->id);
            form_open(&b, r, p->id, action, "Add a recommendation");
            area(&b, "rec-text", "text", "Recommendation", e);
            page_input(&b, "rec_due_on", "Due", "For example 2026-06-01", NULL, "text", "off", e);
            form_close(&b, "rec-button", "Add");
        }
        html(&b, "</div>");
    }
    if (manage) {
        form_open(&b, r, p->id, "lgsco", "Record an Ombudsman referral");
        page_input(&b, "lgsco_received_on", "Received on", "For example 2026-05-01", NULL, "text",
                   "off", e);
        page_input(&b, "reference", "Ombudsman's reference (optional)", NULL, NULL, "text", "off",
                   e);
        form_close(&b, "lgsco-button", "Record referral");
    }
    html(&b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/complaints\">All</a></p>");
    page_send(&b, r, status);
}

void page_complaint(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    struct representation p;
    struct err e = ERR_INIT;
    if (!complaints_get(http_ctx(r), id, &p, &e))
        http_reply_err(r, &e);
    else
        render(r, 200, &p, &e);
}

static void done(struct request *r, int64_t id, bool ok, const struct err *e)
{
    struct representation p;
    struct err ge = ERR_INIT;
    if (ok) {
        char to[48];
        snprintf(to, sizeof to, "/complaints/%lld", (long long)id);
        http_redirect(r, to);
    } else if (e->code != ERR_INVALID || !complaints_get(http_ctx(r), id, &p, &ge)) {
        http_reply_err(r, e);
    } else {
        render(r, 422, &p, e);
    }
}

static bool ids(struct request *r, int64_t *id, const char *sub, int64_t *sub_id)
{
    return http_param_id(r, "id", id) && (!sub || http_param_id(r, sub, sub_id));
}

void page_complaint_post(struct request *r)
{
    int64_t id, sub = 0;
    const char *path = http_path(r), *action = strrchr(path, '/');
    struct ctx *x = http_ctx(r);
    struct err e = ERR_INIT;
    bool ok;
    if (!strcmp(action, "/extend")) {
        if (!ids(r, &id, NULL, NULL))
            return;
        ok = complaints_extend(x, id, http_form(r, "due_on"), http_form(r, "reason"), &e);
    } else if (!strcmp(action, "/complete-stage")) {
        const char *outcomes[COMPLAINT_MAX_POINTS + 1];
        size_t n = http_form_all(r, "outcome", outcomes, COMPLAINT_MAX_POINTS + 1);
        for (size_t i = 0; i < n; i++)
            outcomes[i] = *outcomes[i] ? outcomes[i] : NULL;
        if (!ids(r, &id, NULL, NULL))
            return;
        ok = complaints_complete_stage(x, id, outcomes, n, &e);
    } else if (!strcmp(action, "/escalate")) {
        if (!ids(r, &id, NULL, NULL))
            return;
        ok = complaints_escalate(x, id, http_form(r, "investigator"),
                                 http_form(r, "independent_person"), &e);
    } else if (!strcmp(action, "/progress")) {
        if (!ids(r, &id, NULL, NULL))
            return;
        ok = complaints_progress_report(x, id, http_form(r, "text"), &e);
    } else if (!strcmp(action, "/close")) {
        if (!ids(r, &id, NULL, NULL))
            return;
        ok = complaints_close(x, id, &e);
    } else if (!strcmp(action, "/actions")) {
        if (!ids(r, &id, NULL, NULL))
            return;
        ok = complaints_action_add(x, id, http_form(r, "kind"), http_form(r, "text"),
                                   http_form(r, "owner"), http_form(r, "action_due_on"), &e);
    } else if (!strcmp(action, "/complete")) {
        if (!ids(r, &id, "action", &sub))
            return;
        ok = complaints_action_complete(x, id, sub, &e);
    } else if (!strcmp(action, "/lgsco")) {
        if (!ids(r, &id, NULL, NULL))
            return;
        ok = complaints_lgsco_add(x, id, http_form(r, "lgsco_received_on"),
                                  http_form(r, "reference"), &e);
    } else if (!strcmp(action, "/recommendations")) {
        if (!ids(r, &id, "referral", &sub))
            return;
        ok = complaints_lgsco_recommend(x, id, sub, http_form(r, "text"),
                                        http_form(r, "rec_due_on"), &e);
    } else if (!strcmp(action, "/comply")) {
        if (!ids(r, &id, "rec", &sub))
            return;
        ok = complaints_lgsco_comply(x, id, sub, http_form(r, "evidence"), &e);
    } else { /* /complaints/:id/lgsco/:referral */
        if (!ids(r, &id, "referral", &sub))
            return;
        ok = complaints_lgsco_update(x, id, sub, http_form(r, "enquiries"),
                                     http_form(r, "decision"), &e);
    }
    done(r, id, ok, &e);
}

static void counts(struct buf *b, const char *title, const char *testid,
                   const struct complaints_count *c, size_t n)
{
    html(b,
         "<h2 class=\"govuk-heading-m\">%s</h2><table class=\"govuk-table\" "
         "data-testid=\"%s\"><tbody class=\"govuk-table__body\">",
         title, testid);
    for (size_t i = 0; i < n; i++)
        html(b,
             "<tr class=\"govuk-table__row\"><th class=\"govuk-table__header\">%s</th><td "
             "class=\"govuk-table__cell govuk-table__cell--numeric\">%d</td></tr>",
             strcmp(outcome_label(c[i].key), "Not decided") ? outcome_label(c[i].key) : c[i].key,
             c[i].count);
    if (!n)
        html(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">None</td></tr>");
    html(b, "</tbody></table>");
}

void page_complaints_report(struct request *r)
{
    const char *from = http_query(r, "from"), *to = http_query(r, "to");
    int64_t today = clock_london_day(http_ctx(r)->now), from_day, to_day;
    struct err e = ERR_INIT;
    int y, m, d;
    clock_civil_from_days(today, &y, &m, &d);
    from_day = clock_days_from_civil(y - 1, 1, 1);
    to_day = today;
    bool ok = (!from || !*from || clock_parse_date(from, &from_day, &e)) &&
              (!to || !*to || clock_parse_date(to, &to_day, &e));
    if (!ok)
        err_set(&e, ERR_INVALID, "from", "Enter the dates as YYYY-MM-DD");
    struct complaints_report rep;
    if (ok && !complaints_report(http_ctx(r), from_day, to_day, &rep, &e)) {
        if (e.code != ERR_INVALID) {
            http_reply_err(r, &e);
            return;
        }
        ok = false;
    }
    struct buf b = BUF_INIT, fb = BUF_INIT, tb = BUF_INIT;
    clock_format_date(&fb, from_day);
    clock_format_date(&tb, to_day);
    page_begin(&b, r, "Complaints reports");
    page_error_summary(&b, ok ? NULL : &e);
    html(&b, "<h1 class=\"govuk-heading-l\">Comments, compliments and complaints: reports</h1>"
             "<form method=\"get\" action=\"/complaints/report\">");
    page_input(&b, "from", "From", NULL, fb.data, "text", "off", ok ? NULL : &e);
    page_input(&b, "to", "To", NULL, tb.data, "text", "off", NULL);
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Show</button></form>");
    buf_release(&fb);
    buf_release(&tb);
    if (ok) {
        counts(&b, "Received, by kind and procedure", "by-kind", rep.by_kind, rep.nkind);
        counts(&b, "Stages started, by procedure and stage", "by-stage", rep.by_stage, rep.nstage);
        counts(&b, "Received, by service area", "by-service", rep.by_service, rep.nservice);
        counts(&b, "Outcomes of complaint points", "by-outcome", rep.by_outcome, rep.noutcome);
        html(&b, "<h2 class=\"govuk-heading-m\">By quarter</h2><table class=\"govuk-table\" "
                 "data-testid=\"quarters\"><thead class=\"govuk-table__head\"><tr "
                 "class=\"govuk-table__row\"><th class=\"govuk-table__header\">Quarter</th><th "
                 "class=\"govuk-table__header\">Stage 2 completed</th><th "
                 "class=\"govuk-table__header\">Within timescale</th><th "
                 "class=\"govuk-table__header\">Compliments</th></tr></thead><tbody "
                 "class=\"govuk-table__body\">");
        for (size_t i = 0; i < rep.nquarters; i++) {
            const struct complaints_quarter *q = &rep.quarters[i];
            char pct[16] = "–";
            if (q->stage2_completed)
                snprintf(pct, sizeof pct, "%d%%", q->stage2_in_time * 100 / q->stage2_completed);
            html(&b,
                 "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%d Q%d</td>"
                 "<td class=\"govuk-table__cell\">%d</td><td class=\"govuk-table__cell\">%s"
                 "</td><td class=\"govuk-table__cell\">%d</td></tr>",
                 q->year, q->quarter, q->stage2_completed, pct, q->compliments);
        }
        html(&b, "</tbody></table>");
    }
    page_send(&b, r, ok ? 200 : 422);
}
