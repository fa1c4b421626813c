/*
 * sar_pdf: draw a subject access export (JSON) as an A4 PDF with cairo+pango.
 */
#include "domain/sar_pdf.h"

#include <cairo-pdf.h>
#include <ctype.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "domain/workflow_def.h"

enum { PDF_MAX_BYTES = 64 * 1024 * 1024, LABEL_MAX = 64 };

/* A4 in points. */
static const double PAGE_W = 595.0, PAGE_H = 842.0, MARGIN = 50.0;

struct pdf {
    cairo_surface_t *surface;
    cairo_t *cr;
    double y;
    int page;
    const struct codelist_set *codes;
    const struct workflow_set *workflows;
    const char *section;              /* the part of the record being printed */
    const struct workflow_step *step; /* the definition of the step being printed, or NULL */
};

/* Coded values, printed by their labels from config/codes: the section, the
 * field and the code lists to look in (the first that has the code wins; a
 * case's closure reason comes from its pathway's list). A code no list has
 * is printed as stored. */
static const struct {
    const char *section, *key, *lists[3];
} CODED[] = {
    {"details", "sex", {"sex"}},
    {"details", "gender", {"gender"}},
    {"details", "ethnicity", {"ethnicity"}},
    {"details", "language", {"language"}},
    {"details", "religion", {"religion"}},
    {"details", "immigration_status", {"immigration_status"}},
    {"details", "upn_unknown", {"upn_unknown"}},
    {"disabilities", "code", {"disability"}},
    {"relationships", "type", {"relationship"}},
    {"contacts", "source", {"referral_source"}},
    {"contacts", "decision", {"contact_decision"}},
    {"cases", "closure_reason", {"closure_reason", "adult_closure_reason", "early_help_closure"}},
    {"notes", "type", {"note_type"}},
    {"looked_after", "legal_status", {"legal_status"}},
};

/* Field names a reader would not guess from the key. */
static const struct {
    const char *key, *label;
} LABELS[] = {
    {"dob", "Date of birth"},
    {"dod", "Date of death"},
    {"expected_dob", "Expected date of birth"},
    {"dob_estimated", "Date of birth estimated"},
    {"nhs_number", "NHS number"},
    {"upn", "Unique pupil number"},
    {"upn_unknown", "Why there is no UPN"},
    {"uprn", "UPRN"},
    {"legacy_id", "Record number in the previous system"},
    {"code", "Disability"},
    {"item_type", "Attached to"},
    {"item_id", "Item number"},
};

/* The label of a coded value, or NULL when it is not coded or not found. */
static const char *code_label(const struct pdf *p, const char *key, const char *value)
{
    if (!p->codes || !p->section)
        return NULL;
    for (size_t i = 0; i < sizeof CODED / sizeof CODED[0]; i++) {
        if (strcmp(CODED[i].section, p->section) || strcmp(CODED[i].key, key))
            continue;
        for (size_t j = 0; j < 3 && CODED[i].lists[j]; j++) {
            const struct codelist *l = codelist_get(p->codes, CODED[i].lists[j]);
            const char *label = l ? codelist_label(l, value) : NULL;
            if (label)
                return label;
        }
    }
    return NULL;
}

/* The record's parts, in the order they are printed. */
static const struct {
    const char *key, *title;
} SECTIONS[] = {
    {"names", "Names"},
    {"addresses", "Address history"},
    {"contact_details", "Contact details"},
    {"disabilities", "Disabilities"},
    {"relationships", "Relationships"},
    {"contacts", "Contacts (referrals)"},
    {"cases", "Cases"},
    {"looked_after", "Looked-after periods"},
    {"steps", "Steps and forms"},
    {"notes", "Case notes"},
    {"rectifications", "Rectification notes"},
    {"documents", "Documents"},
    {"third_parties", "Other people named in this record (third parties)"},
    {"access_log", "Who has seen this record"},
};

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
    return buf_append(closure, data, len) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void footer(struct pdf *p)
{
    char text[48];
    snprintf(text, sizeof text, "Subject access disclosure - page %d", p->page);
    PangoLayout *l = pango_cairo_create_layout(p->cr);
    PangoFontDescription *f = pango_font_description_from_string("DejaVu Sans 7");
    pango_layout_set_font_description(l, f);
    pango_layout_set_text(l, text, -1);
    cairo_move_to(p->cr, MARGIN, PAGE_H - MARGIN + 14);
    pango_cairo_show_layout(p->cr, l);
    pango_font_description_free(f);
    g_object_unref(l);
}

static void new_page(struct pdf *p)
{
    footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN;
}

/* Print text (UTF-8, wrapped) at indent in font, line by line so a long
 * note runs over pages. */
static void para(struct pdf *p, const char *text, const char *font, double indent)
{
    PangoLayout *l = pango_cairo_create_layout(p->cr);
    PangoFontDescription *f = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, f);
    pango_layout_set_width(l, (int)((PAGE_W - 2 * MARGIN - indent) * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l, text, -1);
    int n = pango_layout_get_line_count(l);
    for (int i = 0; i < n; i++) {
        PangoLayoutLine *line = pango_layout_get_line_readonly(l, i);
        PangoRectangle logical;
        pango_layout_line_get_pixel_extents(line, NULL, &logical);
        if (p->y + logical.height > PAGE_H - MARGIN)
            new_page(p);
        cairo_move_to(p->cr, MARGIN + indent, p->y - logical.y);
        pango_cairo_show_layout_line(p->cr, line);
        p->y += logical.height;
    }
    pango_font_description_free(f);
    g_object_unref(l);
}

/* "received_on" -> "Received on"; the few in LABELS by name. */
static void label(const char *key, char *out, size_t size)
{
    for (size_t k = 0; k < sizeof LABELS / sizeof LABELS[0]; k++)
        if (!strcmp(LABELS[k].key, key)) {
            snprintf(out, size, "%s", LABELS[k].label);
            return;
        }
    size_t i = 0;
    for (; key[i] && i + 1 < size; i++)
        out[i] = key[i] == '_' ? ' ' : key[i];
    out[i] = '\0';
    if (out[0])
        out[0] = (char)toupper((unsigned char)out[0]);
}

/* The value as text in b (empty for null). */
static void value_text(struct buf *b, const json_t *v)
{
    if (json_is_string(v))
        buf_puts(b, json_string_value(v));
    else if (json_is_integer(v))
        buf_printf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_boolean(v))
        buf_puts(b, json_is_true(v) ? "yes" : "no");
    else if (!json_is_null(v)) {
        char *s = json_dumps(v, JSON_COMPACT);
        if (s)
            buf_puts(b, s);
        free(s);
    }
}

static void line(struct pdf *p, const char *name, const char *text, double indent)
{
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s: %s", name, text);
    if (!buf_failed(&b))
        para(p, b.data, "DejaVu Sans 9", indent);
    buf_release(&b);
}

/* An instant kept as seconds (received_at, started_at...): printed as a
 * date and time in London. */
static bool is_instant(const char *key, const char *text)
{
    size_t n = strlen(key);
    if (n < 3 || strcmp(key + n - 3, "_at") || !*text || strlen(text) > 12)
        return false;
    for (const char *c = text; *c; c++)
        if (!isdigit((unsigned char)*c))
            return false;
    return true;
}

static void field(struct pdf *p, const char *key, const char *text, double indent)
{
    char name[LABEL_MAX];
    label(key, name, sizeof name);
    const char *coded = code_label(p, key, text);
    if (p->step && !strcmp(key, "step"))
        coded = p->step->title;
    else if (p->step && !strcmp(key, "outcome")) {
        const struct workflow_outcome *o = workflow_step_outcome(p->step, text);
        coded = o ? o->label : NULL;
    }
    struct buf when = BUF_INIT;
    if (!coded && is_instant(key, text)) {
        clock_format_london(&when, strtoll(text, NULL, 10));
        coded = buf_failed(&when) ? NULL : when.data;
    }
    line(p, name, coded ? coded : text, indent);
    buf_release(&when);
}

/* One form answer by its field's label; a coded answer (or each of several)
 * by its code list's label. */
static void answer(struct pdf *p, const char *key, const json_t *v, double indent)
{
    const struct workflow_field *f = p->step ? workflow_step_field(p->step, key) : NULL;
    const struct codelist *l = f && f->list && p->codes ? codelist_get(p->codes, f->list) : NULL;
    struct buf b = BUF_INIT;
    if (l && (json_is_string(v) || json_is_array(v))) {
        size_t n = json_is_array(v) ? json_array_size(v) : 1;
        for (size_t i = 0; i < n; i++) {
            const json_t *one = json_is_array(v) ? json_array_get(v, i) : v;
            const char *code = json_string_value(one);
            const char *text = code ? codelist_label(l, code) : NULL;
            if (i)
                buf_puts(&b, "; ");
            if (text || code)
                buf_puts(&b, text ? text : code);
            else
                value_text(&b, one);
        }
    } else {
        value_text(&b, v);
    }
    if (!buf_failed(&b) && b.len) {
        if (f)
            line(p, f->label, b.data, indent);
        else
            field(p, key, b.data, indent);
    }
    buf_release(&b);
}

/* A step's form answers are a JSON object kept as text: one line each. */
static void answers(struct pdf *p, const char *text, double indent)
{
    json_t *form = json_loads(text, 0, NULL);
    if (!json_is_object(form)) {
        field(p, "answers", text, indent);
        json_decref(form);
        return;
    }
    para(p, "Form answers:", "DejaVu Sans 9", indent);
    const char *k;
    json_t *v;
    json_object_foreach(form, k, v) answer(p, k, v, indent + 12);
    json_decref(form);
}

static void item(struct pdf *p, const json_t *o, double indent)
{
    p->step = NULL;
    if (p->workflows && p->section && !strcmp(p->section, "steps")) {
        const char *version = json_string_value(json_object_get(o, "version"));
        const char *pathway = json_string_value(json_object_get(o, "pathway"));
        const struct workflow_def *d =
            pathway && version ? workflow_set_get(p->workflows, pathway, atoi(version)) : NULL;
        const char *step = json_string_value(json_object_get(o, "step"));
        p->step = d && step ? workflow_def_step(d, step) : NULL;
    }
    if (json_is_true(json_object_get(o, "redaction_review")))
        para(p, "REDACTION REVIEW: may name other people; review before disclosure",
             "DejaVu Sans Bold 8", indent);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        if (!strcmp(k, "redaction_review") || json_is_null(v))
            continue;
        if (!strcmp(k, "answers") && json_is_string(v)) {
            answers(p, json_string_value(v), indent);
            continue;
        }
        struct buf b = BUF_INIT;
        value_text(&b, v);
        if (!buf_failed(&b) && b.len)
            field(p, k, b.data, indent);
        buf_release(&b);
    }
}

static void heading(struct pdf *p, const char *title)
{
    if (p->y + 60 > PAGE_H - MARGIN)
        new_page(p);
    p->y += 10;
    para(p, title, "DejaVu Sans Bold 13", 0);
    p->y += 4;
}

static void section(struct pdf *p, const char *key, const char *title, const json_t *list)
{
    p->section = key;
    heading(p, title);
    size_t n = json_array_size(list);
    if (!n)
        para(p, "None recorded.", "DejaVu Sans Italic 9", 0);
    for (size_t i = 0; i < n; i++) {
        item(p, json_array_get(list, i), 0);
        p->y += 6;
    }
}

bool sar_pdf_render(const json_t *doc, const struct codelist_set *codes,
                    const struct workflow_set *workflows, char **data, size_t *len, struct err *e)
{
    *data = NULL;
    *len = 0;
    struct buf out;
    buf_init(&out, PDF_MAX_BYTES);
    struct pdf p = {.y = MARGIN, .page = 1, .codes = codes, .workflows = workflows};
    p.surface = cairo_pdf_surface_create_for_stream(write_cb, &out, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE,
                                   "Subject access disclosure");
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "casework");
    p.cr = cairo_create(p.surface);
    cairo_set_source_rgb(p.cr, 0, 0, 0);

    para(&p, "Subject access disclosure", "DejaVu Sans Bold 18", 0);
    p.y += 6;
    item(&p, json_object_get(doc, "request"), 0);
    para(&p,
         "Items flagged REDACTION REVIEW may contain other people's personal data. Review them "
         "(UK GDPR Article 15(4), DPA 2018 Schedule 2 Part 3) before this is disclosed.",
         "DejaVu Sans Italic 9", 0);
    heading(&p, "Personal details");
    p.section = "details";
    item(&p, json_object_get(doc, "details"), 0);
    for (size_t i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++)
        section(&p, SECTIONS[i].key, SECTIONS[i].title, json_object_get(doc, SECTIONS[i].key));
    footer(&p);
    cairo_show_page(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(p.surface);
    cairo_status_t status = cairo_surface_status(p.surface);
    cairo_surface_destroy(p.surface);
    if (status != CAIRO_STATUS_SUCCESS || buf_failed(&out)) {
        bool big = out.too_big;
        buf_release(&out);
        return err_set(e, big ? ERR_TOO_BIG : ERR_INTERNAL, "", "The PDF could not be made: %s",
                       big ? "it is too large" : cairo_status_to_string(status));
    }
    *data = buf_detach(&out, len);
    return *data != NULL || err_set(e, ERR_NOMEM, "", "out of memory");
}
