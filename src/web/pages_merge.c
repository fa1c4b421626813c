/*
 * Duplicates and merging pages: the probable-duplicates report (with the
 * newest merges), the side-by-side comparison that confirms a merge, the merge
 * itself, one merge's page and its undo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/duplicates.h"
#include "domain/merge.h"
#include "web/page.h"
#include "web/pages.h"

enum { RECENT_MERGES = 20 };

/* A positive whole number from a form field or query, else 0. */
static int64_t id_from(const char *s)
{
    if (!s || !*s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    return *end || v <= 0 ? 0 : (int64_t)v;
}

/* A whole number in [lo, hi] from the query, def when absent; false when bad. */
static bool query_int(struct request *r, const char *name, long long lo, long long hi,
                      long long def, long long *out, struct err *e)
{
    const char *s = http_query(r, name);
    *out = def;
    if (!s || !*s)
        return true;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi)
        return err_set(e, ERR_INVALID, name, "Enter a whole number from %lld to %lld", lo, hi);
    *out = v;
    return true;
}

static void side(struct buf *b, const struct person_candidate *c)
{
    html(b,
         "<td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/people/%D\">%s %s</a>"
         "<br><span class=\"govuk-body-s\">id %D · born ",
         c->id, c->forenames, c->surname, c->id);
    page_date(b, *c->dob ? c->dob : "not recorded");
    if (*c->nhs_number)
        html(b, " · NHS %s", c->nhs_number);
    if (*c->postcode)
        html(b, " · %s", c->postcode);
    html(b, "</span></td>");
}

static void recent_merges(struct buf *b, struct request *r)
{
    struct merge_record m[RECENT_MERGES];
    size_t n = 0;
    struct err e = ERR_INIT;
    html(b, "<h2 class=\"govuk-heading-m\">Recent merges</h2>");
    if (!merge_list_recent(http_ctx(r), m, RECENT_MERGES, &n, &e)) {
        page_error_summary(b, &e);
        return;
    }
    if (!n) {
        html(b, "<p class=\"govuk-body\">No records have been merged yet.</p>");
        return;
    }
    html(b, "<table class=\"govuk-table\" data-testid=\"recent-merges\"><thead "
            "class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
            "<th scope=\"col\" class=\"govuk-table__header\">Merge</th>"
            "<th scope=\"col\" class=\"govuk-table__header\">Kept</th>"
            "<th scope=\"col\" class=\"govuk-table__header\">Merged away</th>"
            "<th scope=\"col\" class=\"govuk-table__header\">When</th></tr></thead>"
            "<tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        html(b,
             "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a "
             "class=\"govuk-link\" href=\"/people/merge/%D\">Merge %D</a>%R</td>"
             "<td class=\"govuk-table__cell\">%s (%D)</td><td class=\"govuk-table__cell\">%s "
             "(%D)</td><td class=\"govuk-table__cell\">",
             m[i].id, m[i].id,
             m[i].undone_at ? " <strong class=\"govuk-tag govuk-tag--grey\">Undone</strong>" : "",
             m[i].survivor_name, m[i].survivor_id, m[i].merged_name, m[i].merged_id);
        page_when(b, m[i].merged_at);
        html(b, "</td></tr>");
    }
    html(b, "</tbody></table>");
}

void page_people_duplicates(struct request *r)
{
    long long min_score, limit;
    struct err e = ERR_INIT;
    struct duplicates_report rep = {0};
    bool asked = query_int(r, "min_score", 1, 100, DUPLICATES_MIN_SCORE, &min_score, &e) &&
                 query_int(r, "limit", 1, DUPLICATES_LIMIT_MAX, DUPLICATES_LIMIT, &limit, &e);
    if (asked && !duplicates_report(http_ctx(r), (int)min_score, (size_t)limit, &rep, &e) &&
        e.code != ERR_INVALID) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Probable duplicate records");
    page_error_summary(&b, &e);
    html(&b, "<h1 class=\"govuk-heading-l\">Probable duplicate records</h1><p "
             "class=\"govuk-body\">Pairs of records that probably describe the same person, "
             "best match first. A duplicate record splits a person's history: compare each "
             "pair and merge it if it is one person.</p><form method=\"get\" "
             "action=\"/people/duplicates\">");
    char v[24];
    snprintf(v, sizeof v, "%lld", min_score);
    page_input(&b, "min_score", "Lowest score shown", "From 1 to 100", v, "text", "off", &e);
    html(&b, "<button class=\"govuk-button govuk-button--secondary\" "
             "data-module=\"govuk-button\">Show</button></form>");
    if (!e.code) {
        html(&b,
             "<p class=\"govuk-body\" data-testid=\"duplicates-summary\">%D pair%s scoring %d or "
             "more among %D records.</p>",
             (int64_t)rep.total, rep.total == 1 ? "" : "s", (int)min_score, (int64_t)rep.people);
        if (rep.groups_skipped)
            html(&b,
                 "<p class=\"govuk-body-s\">%D details are shared by too many records to "
                 "suggest duplicates and were not compared: %s.</p>",
                 (int64_t)rep.groups_skipped, rep.skipped);
    }
    if (rep.npairs) {
        html(&b, "<table class=\"govuk-table\" data-testid=\"duplicates\"><thead "
                 "class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
                 "<th scope=\"col\" class=\"govuk-table__header\">Match</th>"
                 "<th scope=\"col\" class=\"govuk-table__header\">Record</th>"
                 "<th scope=\"col\" class=\"govuk-table__header\">Record</th>"
                 "<th scope=\"col\" class=\"govuk-table__header\"></th></tr></thead>"
                 "<tbody class=\"govuk-table__body\">");
        for (size_t i = 0; i < rep.npairs; i++) {
            const struct duplicate_pair *p = &rep.pairs[i];
            html(&b,
                 "<tr class=\"govuk-table__row\" data-testid=\"pair\"><td "
                 "class=\"govuk-table__cell\"><strong>%d%%</strong><br><span "
                 "class=\"govuk-body-s\">%s</span></td>",
                 p->score, p->reasons);
            side(&b, &p->a);
            side(&b, &p->b);
            html(&b,
                 "<td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                 "href=\"/people/merge?survivor=%D&amp;merged=%D\">Compare<span "
                 "class=\"govuk-visually-hidden\"> %s %s and %s %s</span></a></td></tr>",
                 p->a.id, p->b.id, p->a.forenames, p->a.surname, p->b.forenames, p->b.surname);
        }
        html(&b, "</tbody></table>");
    }
    recent_merges(&b, r);
    page_send(&b, r, e.code ? err_http_status(e.code) : 200);
}

/* --- compare and confirm -------------------------------------------------- */

static void compare_row(struct buf *b, const char *key, const char *a, const char *bv)
{
    a = a && *a ? a : "Not recorded";
    bv = bv && *bv ? bv : "Not recorded";
    /* Differences in bold, so the eye goes to what disagrees. */
    bool differ = strcmp(a, bv) != 0;
    html(b,
         "<tr class=\"govuk-table__row\"%R><th scope=\"row\" class=\"govuk-table__header\">%s"
         "</th><td class=\"govuk-table__cell\">%R%s%R</td><td class=\"govuk-table__cell\">%R%s%R"
         "</td></tr>",
         differ ? " data-differs=\"1\"" : "", key, differ ? "<strong>" : "", a,
         differ ? "</strong>" : "", differ ? "<strong>" : "", bv, differ ? "</strong>" : "");
}

/* One record's addresses, other names or contact details as a short list. */
static const char *summarise(struct request *r, const struct person *p, int what)
{
    struct buf b = BUF_INIT;
    if (what == 0)
        for (size_t i = 0; i < p->naddresses; i++)
            buf_printf(&b, "%s%s %s%s", i ? "; " : "", p->addresses[i].line1,
                       p->addresses[i].postcode, *p->addresses[i].to_date ? " (previous)" : "");
    if (what == 1)
        for (size_t i = 0; i < p->nnames; i++)
            buf_printf(&b, "%s%s %s (%s)", i ? "; " : "", p->names[i].forenames,
                       p->names[i].surname, p->names[i].kind);
    if (what == 2)
        for (size_t i = 0; i < p->ncontacts; i++)
            buf_printf(&b, "%s%s", i ? "; " : "", p->contacts[i].value);
    if (what == 3)
        for (size_t i = 0; i < p->ndisabilities; i++)
            buf_printf(&b, "%s%s", i ? ", " : "", p->disabilities[i]);
    char *s = arena_strdup(http_arena(r), buf_failed(&b) ? "" : b.data);
    buf_release(&b);
    return s;
}

static void render_confirm(struct request *r, int64_t survivor, int64_t merged, const char *reason,
                           int status, const struct err *fe)
{
    struct person a, m;
    struct err e = ERR_INIT;
    if (!survivor || !merged) {
        http_reply_problem(r, 400, "Choose two records",
                           "Open this page from the duplicates report, or give ?survivor= and "
                           "?merged= record ids",
                           NULL);
        return;
    }
    if (survivor == merged) {
        http_reply_problem(r, 422, "Choose two different records",
                           "A record cannot be merged into itself", "merged");
        return;
    }
    if (!people_get(http_ctx(r), survivor, &a, &e) || !people_get(http_ctx(r), merged, &m, &e)) {
        http_reply_err(r, &e);
        return;
    }
    if (a.merged_into || m.merged_into) {
        char detail[160];
        snprintf(detail, sizeof detail, "Person %lld has already been merged into %lld",
                 (long long)(a.merged_into ? survivor : merged),
                 (long long)(a.merged_into ? a.id : m.id));
        http_reply_problem(r, 409, "Already merged", detail, NULL);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, fe && fe->code ? "Error: Merge two records" : "Merge two records");
    page_error_summary(&b, fe);
    html(&b, "<h1 class=\"govuk-heading-l\">Merge two records</h1>");
    if (*a.nhs_number && *m.nhs_number && strcmp(a.nhs_number, m.nhs_number))
        html(&b, "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" "
                 "aria-hidden=\"true\">!</span><strong class=\"govuk-warning-text__text\"><span "
                 "class=\"govuk-visually-hidden\">Warning</span>The NHS numbers differ: these may "
                 "be two people.</strong></div>");
    html(&b,
         "<p class=\"govuk-body\">Everything recorded on person %D moves to person %D, which "
         "fills its empty details from it and keeps its name as an alternative name. Person "
         "%D's id will still open the kept record. The merge can be undone until either "
         "record changes.</p><table class=\"govuk-table\" data-testid=\"compare\"><thead "
         "class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
         "class=\"govuk-table__header\"></th><th scope=\"col\" class=\"govuk-table__header\">"
         "Keep: person %D</th><th scope=\"col\" class=\"govuk-table__header\">Merge away: "
         "person %D</th></tr></thead><tbody class=\"govuk-table__body\">",
         m.id, a.id, m.id, a.id, m.id);
    struct buf na = BUF_INIT, nm = BUF_INIT, da = BUF_INIT, dm = BUF_INIT;
    buf_printf(&na, "%s %s", a.forenames, a.surname);
    buf_printf(&nm, "%s %s", m.forenames, m.surname);
    page_date(&da, a.dob);
    page_date(&dm, m.dob);
    compare_row(&b, "Name", na.data, nm.data);
    compare_row(&b, "Date of birth", da.data, dm.data);
    buf_release(&na);
    buf_release(&nm);
    buf_release(&da);
    buf_release(&dm);
    compare_row(&b, "NHS number", a.nhs_number, m.nhs_number);
    compare_row(&b, "Unique pupil number", a.upn, m.upn);
    compare_row(&b, "Sex", a.sex, m.sex);
    compare_row(&b, "Ethnicity", a.ethnicity, m.ethnicity);
    compare_row(&b, "First language", a.language, m.language);
    compare_row(&b, "Restricted", a.restricted ? "Yes" : "No", m.restricted ? "Yes" : "No");
    compare_row(&b, "Addresses", summarise(r, &a, 0), summarise(r, &m, 0));
    compare_row(&b, "Other names", summarise(r, &a, 1), summarise(r, &m, 1));
    compare_row(&b, "Contact details", summarise(r, &a, 2), summarise(r, &m, 2));
    compare_row(&b, "Disabilities", summarise(r, &a, 3), summarise(r, &m, 3));
    html(&b,
         "</tbody></table><p class=\"govuk-body\"><a class=\"govuk-link\" "
         "href=\"/people/merge?survivor=%D&amp;merged=%D\" data-testid=\"swap\">Keep person "
         "%D instead</a></p><form method=\"post\" action=\"/people/merge\" novalidate>",
         m.id, a.id, m.id);
    page_csrf(&b, r);
    html(&b,
         "<input type=\"hidden\" name=\"survivor\" value=\"%D\"><input type=\"hidden\" "
         "name=\"merged\" value=\"%D\">",
         a.id, m.id);
    page_input(&b, "reason", "Why are these the same person?",
               "Recorded in the audit log with the merge", reason ? reason : "", "text", "off", fe);
    html(&b,
         "<button class=\"govuk-button govuk-button--warning\" data-module=\"govuk-button\" "
         "data-testid=\"confirm-merge\">Merge person %D into person %D</button></form>",
         m.id, a.id);
    page_send(&b, r, status);
}

void page_merge_confirm(struct request *r)
{
    render_confirm(r, id_from(http_query(r, "survivor")), id_from(http_query(r, "merged")), NULL,
                   200, NULL);
}

void page_merge(struct request *r)
{
    int64_t survivor = id_from(http_form(r, "survivor")), merged = id_from(http_form(r, "merged"));
    const char *reason = http_form(r, "reason");
    struct err e = ERR_INIT;
    int64_t id;
    if (!merge_people(http_ctx(r), survivor, merged, reason, &id, &e)) {
        if (e.code == ERR_INVALID && !strcmp(e.field, "reason"))
            render_confirm(r, survivor, merged, reason, 422, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[48];
    snprintf(to, sizeof to, "/people/merge/%lld?done=1", (long long)id);
    http_redirect(r, to);
}

/* --- one merge, and undo ----------------------------------------------------- */

static void render_merge(struct request *r, int64_t id, int status, const char *reason,
                         const struct err *fe)
{
    struct merge_record m;
    struct err e = ERR_INIT;
    if (!merge_get(http_ctx(r), id, &m, &e)) {
        http_reply_err(r, &e);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Merge");
    page_error_summary(&b, fe);
    if (http_query(r, "done"))
        html(&b, "<div class=\"govuk-notification-banner govuk-notification-banner--success\" "
                 "role=\"alert\"><div class=\"govuk-notification-banner__content\"><p "
                 "class=\"govuk-notification-banner__heading\" data-testid=\"merged\">Records "
                 "merged.</p></div></div>");
    if (http_query(r, "undone"))
        html(&b, "<div class=\"govuk-notification-banner govuk-notification-banner--success\" "
                 "role=\"alert\"><div class=\"govuk-notification-banner__content\"><p "
                 "class=\"govuk-notification-banner__heading\" data-testid=\"undone\">Merge "
                 "undone: the two records are separate again.</p></div></div>");
    html(&b,
         "<span class=\"govuk-caption-l\">Merge %D</span><h1 class=\"govuk-heading-l\">%s "
         "(%D) merged into %s (%D)</h1><dl class=\"govuk-summary-list\">",
         m.id, m.merged_name, m.merged_id, m.survivor_name, m.survivor_id);
    struct buf when = BUF_INIT;
    page_when(&when, m.merged_at);
    html(&b,
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Kept "
         "record</dt><dd class=\"govuk-summary-list__value\"><a class=\"govuk-link\" "
         "href=\"/people/%D\" data-testid=\"survivor\">%s (person %D)</a></dd></div>"
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Merged "
         "by</dt><dd class=\"govuk-summary-list__value\">%s, %s</dd></div>"
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Reason"
         "</dt><dd class=\"govuk-summary-list__value\">%s</dd></div>"
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">What "
         "changed</dt><dd class=\"govuk-summary-list__value\" data-testid=\"detail\">%s</dd>"
         "</div></dl>",
         m.survivor_id, m.survivor_name, m.survivor_id, m.merged_by, when.data, m.reason, m.detail);
    buf_reset(&when);
    if (m.undone_at) {
        page_when(&when, m.undone_at);
        html(&b, "<p class=\"govuk-body\" data-testid=\"undone-note\">Undone by %s, %s: %s</p>",
             m.undone_by, when.data, m.undo_reason);
    } else if (*m.undo_blocked) {
        html(&b,
             "<p class=\"govuk-body\" data-testid=\"undo-blocked\">This merge can no longer be "
             "undone: %s.</p>",
             m.undo_blocked);
    } else {
        html(&b,
             "<h2 class=\"govuk-heading-m\">Undo this merge</h2><form method=\"post\" "
             "action=\"/people/merge/%D/undo\" novalidate>",
             m.id);
        page_csrf(&b, r);
        page_input(&b, "reason", "Why undo it?", "Recorded in the audit log", reason ? reason : "",
                   "text", "off", fe);
        html(&b, "<button class=\"govuk-button govuk-button--secondary\" "
                 "data-module=\"govuk-button\" data-testid=\"undo\">Undo merge</button></form>");
    }
    buf_release(&when);
    html(&b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/people/duplicates\">Back "
             "to probable duplicates</a></p>");
    page_send(&b, r, status);
}

void page_merge_view(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        render_merge(r, id, 200, NULL, NULL);
}

void page_merge_undo(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    const char *reason = http_form(r, "reason");
    if (!merge_undo(http_ctx(r), id, reason, &e)) {
        if (e.code == ERR_INVALID || e.code == ERR_CONFLICT)
            render_merge(r, id, err_http_status(e.code), reason, &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[48];
    snprintf(to, sizeof to, "/people/merge/%lld?undone=1", (long long)id);
    http_redirect(r, to);
}
