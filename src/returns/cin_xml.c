/*
 * Writing the census XML with xmlTextWriter (escaping and encoding are
 * libxml2's), and validating it against the XSD.
 */
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "returns/cin_xml.h"

void cin_xml_init(void)
{
    xmlInitParser();
}

/* The writer and whether every call so far succeeded: one flag instead of a
 * check after each of some thirty calls per child. */
struct xw {
    xmlTextWriterPtr w;
    bool ok;
};

static void open_el(struct xw *x, const char *name)
{
    x->ok = x->ok && xmlTextWriterStartElement(x->w, BAD_CAST name) >= 0;
}

static void close_el(struct xw *x)
{
    x->ok = x->ok && xmlTextWriterEndElement(x->w) >= 0;
}

static void text_el(struct xw *x, const char *name, const char *value)
{
    if (value && *value)
        x->ok = x->ok && xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST value) >= 0;
}

static void date_el(struct xw *x, const char *name, int64_t day)
{
    char d[11];
    cin_format_date(day, d);
    text_el(x, name, d);
}

static void int_el(struct xw *x, const char *name, long long v)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", v);
    text_el(x, name, s);
}

static void bool_el(struct xw *x, const char *name, bool v)
{
    text_el(x, name, v ? "true" : "false");
}

static void write_header(struct xw *x, const struct cin_return *r, int64_t generated_at, int serial)
{
    open_el(x, "Header");
    open_el(x, "CollectionDetails");
    text_el(x, "Collection", "CIN");
    int_el(x, "Year", r->year->reference_year);
    date_el(x, "ReferenceDate", r->year->end);
    close_el(x);
    open_el(x, "Source");
    text_el(x, "SourceLevel", "L");
    text_el(x, "LEA", r->year->lea);
    text_el(x, "SoftwareCode", "casework");
    text_el(x, "Release", "1");
    int_el(x, "SerialNo", serial);
    struct buf when = BUF_INIT; /* London time, as the DfE's xs:dateTime without a zone */
    int64_t day = clock_london_day(generated_at);
    int64_t secs = generated_at + clock_london_offset(generated_at) - day * CLOCK_SECONDS_PER_DAY;
    clock_format_date(&when, day);
    buf_printf(&when, "T%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60),
               (int)(secs % 60));
    x->ok = x->ok && !buf_failed(&when);
    text_el(x, "DateTime", when.data);
    buf_release(&when);
    close_el(x);
    close_el(x);
}

static void write_episode(struct xw *x, const struct cin_episode *ep)
{
    open_el(x, "CINdetails");
    date_el(x, "CINreferralDate", ep->referral);
    text_el(x, "ReferralSource", ep->source);
    text_el(x, "PrimaryNeedCode", ep->primary_need);
    date_el(x, "CINclosureDate", ep->closure);
    text_el(x, "ReasonForClosure", ep->closure_reason);
    date_el(x, "DateOfInitialCPC", ep->icpc);
    bool_el(x, "ReferralNFA", ep->nfa);
    for (int i = 0; i < ep->nplans; i++) {
        open_el(x, "CINPlanDates");
        date_el(x, "CINPlanStartDate", ep->plans[i].start);
        date_el(x, "CINPlanEndDate", ep->plans[i].end);
        close_el(x);
    }
    for (int i = 0; i < ep->nassessments; i++) {
        const struct cin_assessment *a = &ep->assessments[i];
        open_el(x, "Assessments");
        date_el(x, "AssessmentActualStartDate", a->start);
        date_el(x, "AssessmentAuthorisationDate", a->authorised);
        if (a->nfactors) {
            open_el(x, "FactorsIdentifiedAtAssessment");
            for (int j = 0; j < a->nfactors; j++)
                text_el(x, "AssessmentFactors", a->factors[j]);
            close_el(x);
        }
        close_el(x);
    }
    for (int i = 0; i < ep->ns47s; i++) {
        const struct cin_s47 *q = &ep->s47s[i];
        open_el(x, "Section47");
        date_el(x, "S47ActualStartDate", q->start);
        date_el(x, "InitialCPCtarget", q->icpc_target);
        date_el(x, "DateOfInitialCPC", q->icpc_date);
        bool_el(x, "ICPCnotRequired", q->icpc_not_required);
        close_el(x);
    }
    for (int i = 0; i < ep->ncpps; i++) {
        const struct cin_cpp *p = &ep->cpps[i];
        open_el(x, "ChildProtectionPlans");
        date_el(x, "CPPstartDate", p->start);
        date_el(x, "CPPendDate", p->end);
        text_el(x, "InitialCategoryOfAbuse", p->initial_category);
        text_el(x, "LatestCategoryOfAbuse", p->latest_category);
        if (p->previous >= 0)
            int_el(x, "NumberOfPreviousCPP", p->previous);
        if (p->nreviews) {
            open_el(x, "Reviews");
            for (int j = 0; j < p->nreviews; j++)
                date_el(x, "CPPreviewDate", p->reviews[j]);
            close_el(x);
        }
        close_el(x);
    }
    close_el(x);
}

static void write_child(struct xw *x, const struct cin_child *c)
{
    open_el(x, "Child");
    open_el(x, "ChildIdentifiers");
    int_el(x, "LAchildID", c->person_id);
    text_el(x, "UPN", c->upn);
    if (!c->upn)
        text_el(x, "UPNunknown", c->upn_unknown);
    date_el(x, "PersonBirthDate", c->dob);
    date_el(x, "ExpectedPersonBirthDate", c->expected_dob);
    text_el(x, "Sex", c->sex);
    date_el(x, "PersonDeathDate", c->dod);
    close_el(x);
    open_el(x, "ChildCharacteristics");
    text_el(x, "Ethnicity", c->ethnicity);
    if (c->ndisabilities) {
        open_el(x, "Disabilities");
        for (int i = 0; i < c->ndisabilities; i++)
            text_el(x, "Disability", c->disabilities[i]);
        close_el(x);
    }
    close_el(x);
    for (int i = 0; i < c->nepisodes; i++)
        write_episode(x, &c->episodes[i]);
    close_el(x);
}

bool cin_xml_write(const struct cin_return *r, int64_t generated_at, int serial, struct buf *out,
                   struct err *e)
{
    xmlBufferPtr xb = xmlBufferCreate();
    struct xw x = {xb ? xmlNewTextWriterMemory(xb, 0) : NULL, true};
    if (!x.w) {
        xmlBufferFree(xb);
        return err_set(e, ERR_NOMEM, "", "out of memory");
    }
    x.ok = xmlTextWriterSetIndent(x.w, 1) >= 0 &&
           xmlTextWriterSetIndentString(x.w, BAD_CAST "  ") >= 0 &&
           xmlTextWriterStartDocument(x.w, NULL, "UTF-8", NULL) >= 0;
    open_el(&x, "Message");
    write_header(&x, r, generated_at, serial);
    open_el(&x, "Children");
    for (int i = 0; i < r->nchildren && x.ok; i++) {
        write_child(&x, &r->children[i]);
        /* Move what is written so far out of libxml2's buffer every so often,
         * so a county's return is not held twice at its largest. */
        if (x.ok && (i & 255) == 255 && xmlTextWriterFlush(x.w) >= 0) {
            x.ok = buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
            xmlBufferEmpty(xb);
        }
    }
    close_el(&x);
    close_el(&x);
    x.ok = x.ok && xmlTextWriterEndDocument(x.w) >= 0;
    xmlFreeTextWriter(x.w); /* flushes into xb */
    x.ok = x.ok && buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
    xmlBufferFree(xb);
    if (!x.ok)
        return err_set(e, buf_failed(out) && out->too_big ? ERR_TOO_BIG : ERR_NOMEM, "",
                       "the census XML could not be written");
    return true;
}

struct problems {
    struct err *e;
    int n;
};

static void on_problem(void *arg, const char *fmt, ...)
{
    struct problems *p = arg;
    if (p->n++ > 0)
        return; /* the first problem names the place; the rest follow from it */
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        msg[--len] = '\0';
    err_set(p->e, ERR_INVALID, "xml", "%s", msg);
}

static void on_structured(void *arg, xmlErrorPtr error)
{
    struct problems *p = arg;
    if (p->n++ > 0)
        return;
    char msg[200];
    snprintf(msg, sizeof msg, "%s", error && error->message ? error->message : "invalid");
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        msg[--len] = '\0';
    err_set(p->e, ERR_INVALID, "xml", "line %d: %s", error ? error->line : 0, msg);
}

bool cin_xml_validate(const char *xml, size_t len, const char *xsd_path, struct err *e)
{
    struct problems p = {e, 0};
    bool ok = false;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd_path);
    xmlSchemaPtr schema = NULL;
    xmlSchemaValidCtxtPtr vc = NULL;
    xmlDocPtr doc = NULL;
    if (!pc) {
        err_set(e, ERR_IO, "xsd", "cannot read the schema %s", xsd_path);
        goto done;
    }
    xmlSchemaSetParserErrors(pc, on_problem, on_problem, &p);
    if (!(schema = xmlSchemaParse(pc))) {
        if (!p.n)
            err_set(e, ERR_INVALID, "xsd", "the schema %s is not valid", xsd_path);
        goto done;
    }
    if (len > (size_t)0x7fffffff) {
        err_set(e, ERR_TOO_BIG, "xml", "the document is too large to validate");
        goto done;
    }
    /* No network, no entity substitution, no DTD loading: the document is data. */
    doc = xmlReadMemory(xml, (int)len, "census.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        err_set(e, ERR_INVALID, "xml", "the document is not well-formed XML");
        goto done;
    }
    vc = xmlSchemaNewValidCtxt(schema);
    if (!vc) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        goto done;
    }
    xmlSchemaSetValidStructuredErrors(vc, on_structured, &p);
    int rc = xmlSchemaValidateDoc(vc, doc);
    ok = rc == 0;
    if (!ok && !p.n)
        err_set(e, ERR_INVALID, "xml", "the document does not match the schema");
done:
    xmlSchemaFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return ok;
}
