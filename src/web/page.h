/*
 * page: the practitioner layout (GOV.UK Frontend + MOJ styles, served by
 * casework itself) and the components pages share: error summary, inputs,
 * the CSRF field. All text goes through web/html's escaping.
 *
 * Functions append to a caller-owned buffer; thread-safe.
 */
#ifndef CASEWORK_WEB_PAGE_H
#define CASEWORK_WEB_PAGE_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "http/http.h"
#include "web/html.h"

/* Open the page: head, header, navigation for the signed-in user, and <main>. */
void page_begin(struct buf *b, struct request *r, const char *title);
/* Close <main> and the page, and send it with the given status. */
void page_send(struct buf *b, struct request *r, int status);

/* The same page without header, navigation, footer or sign-out form: a copy
 * to print. Closed by page_send_plain. */
void page_begin_plain(struct buf *b, struct request *r, const char *title);
void page_send_plain(struct buf *b, struct request *r, int status);

/* GOV.UK error summary for one error (nothing when e is NULL or ERR_NONE). */
void page_error_summary(struct buf *b, const struct err *e);
/* Hidden CSRF field for the signed-in session. */
void page_csrf(struct buf *b, struct request *r);
/* Text input with label, optional hint, and the error if it is for this field. */
void page_input(struct buf *b, const char *name, const char *label, const char *hint,
                const char *value, const char *type, const char *autocomplete, const struct err *e);
/* A London date and time for people ("22 November 2026 at 10:05am"), "" for 0. */
void page_when(struct buf *b, int64_t instant);

/* A GOV.UK date input (day, month, year fields named <name>-day etc.) showing a
 * "YYYY-MM-DD" value, with the error if it is for this field. */
void page_date_input(struct buf *b, const char *name, const char *label, const char *hint,
                     const char *value, const struct err *e);
/* Read a page_date_input back as "YYYY-MM-DD" (arena string): "" when all three
 * parts are empty, something the validator refuses when only partly filled. */
const char *page_form_date(struct request *r, const char *name);

/* A civil date "YYYY-MM-DD" for people ("4 March 2010"); anything else as given. */
void page_date(struct buf *b, const char *date);
/* The error page renderer installed in struct http_app. */
void page_error(struct request *r, int status, const char *title, const char *detail);

#endif
