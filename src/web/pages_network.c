/*
 * The network page: a person's relationships drawn as an eco-map (an SVG
 * picture: the person in the middle, family and others around them, lines
 * labelled with the relationship) and, as its accessible equivalent, the same
 * relationships as a table; plus forms to add and end relationships.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codelist.h"
#include "domain/people.h"
#include "domain/relationships.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/rect_view.h"

enum { MAP_W = 760, MAP_H = 520, CX = MAP_W / 2, CY = MAP_H / 2, RING = 200 };

/* Text drawn in SVG is escaped like any other (html %s). Coordinates are
 * integers computed here. Lines of ended relationships are dashed. */
static void ecomap(struct buf *b, const char *name, const struct relationship *rels, size_t n)
{
    size_t current = 0;
    for (size_t i = 0; i < n; i++)
        if (!*rels[i].to_date)
            current++;
    html(b,
         "<svg class=\"cw-ecomap\" viewBox=\"0 0 %d %d\" role=\"img\" "
         "aria-labelledby=\"ecomap-title ecomap-desc\" data-testid=\"ecomap\">"
         "<title id=\"ecomap-title\">Eco-map of %s</title><desc id=\"ecomap-desc\">%d current "
         "relationships; the table below lists them all.</desc>",
         MAP_W, MAP_H, name, (int)current);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (*rels[i].to_date)
            continue; /* the picture shows the network as it is now */
        double angle = -M_PI / 2 + 2 * M_PI * (double)k / (double)(current ? current : 1);
        int x = CX + (int)lround(RING * cos(angle)), y = CY + (int)lround(RING * 0.8 * sin(angle));
        int mx = (CX + x) / 2, my = (CY + y) / 2;
        const char *cls = rels[i].professional ? "cw-ecomap-prof" : "cw-ecomap-family";
        html(b,
             "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"cw-ecomap-line %s\"/>"
             "<text x=\"%d\" y=\"%d\" class=\"cw-ecomap-rel\" text-anchor=\"middle\">%s</text>",
             CX, CY, x, y, cls, mx, my - 4, rels[i].other_label);
        if (rels[i].other_id)
            html(b, "<a href=\"/people/%D/network\">", rels[i].other_id);
        html(b,
             "<circle cx=\"%d\" cy=\"%d\" r=\"34\" class=\"cw-ecomap-node %s\"/>"
             "<text x=\"%d\" y=\"%d\" class=\"cw-ecomap-name\" text-anchor=\"middle\">%s</text>",
             x, y, cls, x, y + 50, rels[i].other_name);
        if (rels[i].other_id)
            html(b, "</a>");
        k++;
    }
    html(b,
         "<circle cx=\"%d\" cy=\"%d\" r=\"46\" class=\"cw-ecomap-node cw-ecomap-self\"/>"
         "<text x=\"%d\" y=\"%d\" class=\"cw-ecomap-name cw-ecomap-selfname\" "
         "text-anchor=\"middle\">%s</text></svg>",
         CX, CY, CX, CY + 66, name);
}

static void rel_table(struct buf *b, struct request *r, int64_t person_id,
                      const struct relationship *rels, size_t n, bool can_edit,
                      const struct rect_view *rv)
{
    html(b, "<table class=\"govuk-table\" data-testid=\"relationships\"><caption "
            "class=\"govuk-table__caption govuk-table__caption--m\">Relationships</caption><thead "
            "class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
            "class=\"govuk-table__header\">This person is the</th><th scope=\"col\" "
            "class=\"govuk-table__header\">of</th><th scope=\"col\" "
            "class=\"govuk-table__header\">From</th><th scope=\"col\" "
            "class=\"govuk-table__header\">Until</th><th scope=\"col\" "
            "class=\"govuk-table__header\"><span class=\"govuk-visually-hidden\">Actions</span>"
            "</th></tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
        const struct relationship *rel = &rels[i];
        html(b,
             "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td>"
             "<td class=\"govuk-table__cell\">",
             rel->label);
        if (rel->other_id)
            html(b, "<a class=\"govuk-link\" href=\"/people/%D\">%s</a>", rel->other_id,
                 rel->other_name);
        else
            html(b, "%s%s%s", rel->other_name, *rel->professional_org ? ", " : "",
                 rel->professional_org);
        /* Rectification notes on the relationship, beside whom it names. */
        rect_view_item(b, rv, "relationship", rel->id);
        html(b, "</td><td class=\"govuk-table__cell\">");
        page_date(b, rel->from_date);
        html(b, "</td><td class=\"govuk-table__cell\">");
        page_date(b, rel->to_date);
        html(b, "</td><td class=\"govuk-table__cell\">");
        if (can_edit && !*rel->to_date) {
            html(b,
                 "<form method=\"post\" action=\"/relationships/%D/end\"><input type=\"hidden\" "
                 "name=\"back\" value=\"%D\">",
                 rel->id, person_id);
            page_csrf(b, r);
            html(b,
                 "<button class=\"govuk-button govuk-button--secondary "
                 "govuk-!-margin-bottom-0\">End<span class=\"govuk-visually-hidden\"> %s, %s"
                 "</span></button></form>",
                 rel->other_name, rel->label);
        }
        html(b, "</td></tr>");
    }
    if (!n)
        html(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\" colspan=\"5\">No "
                "relationships recorded.</td></tr>");
    html(b, "</tbody></table>");
}

static void add_form(struct buf *b, struct request *r, int64_t id, const struct err *e)
{
    const struct codelist *types = codelist_get(http_app(r)->codes, "relationship");
    html(b,
         "<h2 class=\"govuk-heading-m\">Add a relationship</h2><form method=\"post\" "
         "action=\"/people/%D/relationships\" novalidate>",
         id);
    page_csrf(b, r);
    html(b, "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"type\">This "
            "person is the</label><select class=\"govuk-select\" id=\"type\" name=\"type\">");
    for (size_t i = 0; types && i < codelist_count(types); i++) {
        const char *code, *label;
        codelist_entry(types, i, &code, &label);
        html(b, "<option value=\"%s\">%s</option>", code, label);
    }
    html(b, "</select></div>");
    page_input(b, "related_id", "of the person with id",
               "Find their id with the search; leave empty for a professional", "", "text", "off",
               e);
    page_input(b, "professional_name", "Professional's name (for a professional)", NULL, "", "text",
               "off", e);
    page_input(b, "professional_org", "Organisation (optional)", NULL, "", "text", "off", e);
    page_input(b, "from_date", "Since (YYYY-MM-DD, optional)", NULL, "", "text", "off", e);
    html(b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Add relationship</button>"
            "</form>");
}

static void render_network(struct request *r, int64_t id, int status, const struct err *e)
{
    struct person p;
    struct relationship *rels;
    size_t n;
    struct err le = ERR_INIT;
    char self[48];
    struct rect_view rv;
    if (!people_get(http_ctx(r), id, &p, &le) || !rel_list(http_ctx(r), p.id, &rels, &n, &le)) {
        http_reply_err(r, &le);
        return;
    }
    snprintf(self, sizeof self, "/people/%lld/network", (long long)p.id);
    if (!rect_view_load(r, p.id, self, &rv, &le)) {
        http_reply_err(r, &le);
        return;
    }
    struct buf b = BUF_INIT, name = BUF_INIT;
    buf_printf(&name, "%s %s", p.forenames, p.surname);
    page_begin(&b, r, "Network");
    page_error_summary(&b, e);
    html(&b,
         "<a class=\"govuk-back-link\" href=\"/people/%D\">Back to the record</a><span "
         "class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-l\">Network</h1>",
         p.id, name.data);
    ecomap(&b, name.data, rels, n);
    rel_table(&b, r, p.id, rels, n, access_allows(http_principal(r), PERM_PEOPLE_EDIT), &rv);
    if (access_allows(http_principal(r), PERM_PEOPLE_EDIT))
        add_form(&b, r, p.id, e);
    buf_release(&name);
    page_send(&b, r, status);
}

void page_person_network(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        render_network(r, id, 200, NULL);
}

void page_person_add_relationship(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    const char *related = http_form(r, "related_id");
    char *end = NULL;
    long long rid = related && *related ? strtoll(related, &end, 10) : 0;
    struct err e = ERR_INIT;
    if (end && (*end || rid <= 0)) {
        err_set(&e, ERR_INVALID, "related_id", "Enter the related person's id as a number");
        render_network(r, id, 422, &e);
        return;
    }
    struct relationship_input in = {http_form(r, "type"), rid, http_form(r, "professional_name"),
                                    http_form(r, "professional_org"), http_form(r, "from_date")};
    if (!rel_add(http_ctx(r), id, &in, NULL, &e)) {
        if (e.code == ERR_INVALID || e.code == ERR_CONFLICT)
            render_network(r, id, err_http_status(e.code), &e);
        else
            http_reply_err(r, &e);
        return;
    }
    char to[48];
    snprintf(to, sizeof to, "/people/%lld/network", (long long)id);
    http_redirect(r, to);
}

void page_relationship_end(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!rel_end(http_ctx(r), id, http_form(r, "to_date"), &e)) {
        http_reply_err(r, &e);
        return;
    }
    /* Back to the network page the form was on (only ever a number). */
    const char *back = http_form(r, "back");
    char *end = NULL;
    long long person = back ? strtoll(back, &end, 10) : 0;
    char to[48] = "/people";
    if (person > 0 && end && !*end)
        snprintf(to, sizeof to, "/people/%lld/network", person);
    http_redirect(r, to);
}
