/*
 * sar_pdf: the readable PDF of a subject access export. It is drawn from the
 * same JSON document sar_export makes (so the two cannot disagree), with cairo
 * and pango: a title page block with the request, then one headed section per
 * part of the record in a fixed order (details, names, addresses, contact
 * details, relationships, contacts, cases, looked-after periods, steps and
 * forms, notes,
 * rectifications, documents, third parties, access log). Every item marked
 * "redaction_review" is printed under a "REDACTION REVIEW" flag; an empty
 * section says "None recorded." so a reader knows it was looked for.
 *
 * No access check here: the caller has the document from sar_export, which
 * checked and audited. Thread-safety: reentrant (no shared state).
 */
#ifndef CASEWORK_DOMAIN_SAR_PDF_H
#define CASEWORK_DOMAIN_SAR_PDF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct codelist_set;
struct workflow_set;

/* Render doc to a PDF; *data (malloc'd, the caller's) and *len on success.
 * Coded values (sex, ethnicity, referral source, legal status...) are printed
 * by their labels from codes (config/codes; NULL: as stored); a step by its
 * title, its outcome and form fields by their labels and its coded answers by
 * their code lists' labels, from the definition its case keeps in workflows
 * (NULL, or a definition no longer loaded: as stored). */
bool sar_pdf_render(const json_t *doc, const struct codelist_set *codes,
                    const struct workflow_set *workflows, char **data, size_t *len, struct err *e);

#endif
