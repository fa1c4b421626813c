/*
 * cin_xml: the census as the DfE's XML message (Header, then Children/Child
 * with ChildIdentifiers, ChildCharacteristics and one CINdetails per
 * episode), written with libxml2's xmlTextWriter, and checked against the
 * census schema (config/returns/cin-YEAR.xsd) with libxml2's XSD validator.
 *
 * Ownership: the caller owns the buffer written into. Thread-safety: call
 * cin_xml_init once before threads start (it initialises libxml2); after that
 * both functions may run on several threads at once.
 */
#ifndef CASEWORK_RETURNS_CIN_XML_H
#define CASEWORK_RETURNS_CIN_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "returns/cin.h"

/* Initialise libxml2 (idempotent; not thread-safe itself). */
void cin_xml_init(void);

/* Append the return to out. generated_at (an instant) becomes the header's
 * <DateTime>; serial is the header's <SerialNo>. False with e set. */
bool cin_xml_write(const struct cin_return *r, int64_t generated_at, int serial, struct buf *out,
                   struct err *e);

/* Validate xml[len] against the schema file at xsd_path. False with e set to
 * the first problems found (line numbers included). The document is parsed
 * with no network access and no entity expansion. */
bool cin_xml_validate(const char *xml, size_t len, const char *xsd_path, struct err *e);

#endif
