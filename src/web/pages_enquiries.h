/*
 * Private to the enquiry pages (pages_enquiries.c: dashboard, filters, CSV,
 * the form, documents; pages_enquiry.c: one enquiry and the work on it, the
 * co-ordinator's list): shared pieces of markup.
 */
#ifndef CASEWORK_WEB_PAGES_ENQUIRIES_H
#define CASEWORK_WEB_PAGES_ENQUIRIES_H

#include "domain/enquiries.h"
#include "web/page.h"

/* A GOV.UK tag for a status ("new" -> "New"), and a red "Overdue" tag if so. */
void enquiry_status_tags(struct buf *b, const struct enquiry *q);
/* A table of enquiries (for councillor-facing lists with a request-an-update
 * button when update_buttons). */
void enquiry_table(struct buf *b, struct request *r, const struct enquiry_list *l,
                   bool update_buttons);
/* The label of a code in a code list, or the code. */
const char *enquiry_code_label(struct request *r, const char *list, const char *code);

#endif
