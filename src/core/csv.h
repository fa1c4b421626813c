/*
 * csv: cells for a CSV export (RFC 4180) that a spreadsheet opens safely.
 * A cell is quoted when it holds a comma, quote or line break (quotes are
 * doubled), and a cell a spreadsheet would run as a formula (starting with
 * =, +, -, @, tab or carriage return: OWASP's "CSV injection") gets a
 * leading apostrophe so it is shown as text.
 *
 * Appends to a caller's buffer; thread-safe.
 */
#ifndef CASEWORK_CORE_CSV_H
#define CASEWORK_CORE_CSV_H

#include "core/buf.h"

/* Append one cell (NULL is empty); comma handling is the caller's. */
void csv_cell(struct buf *b, const char *text);
/* Append the cells of a row separated by commas, then CRLF. */
void csv_row(struct buf *b, const char *const *cells, int n);

#endif
