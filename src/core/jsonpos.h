/*
 * jsonpos: the line a value sits on in JSON text, found by JSON Pointer
 * (RFC 6901, e.g. "/steps/3/timescale/from").
 *
 * Why this exists: jansson reports the line of a syntax error, but the values it
 * builds carry no positions, so a rule broken by well-formed JSON (an unknown
 * step id, a bad timescale) could not otherwise be reported at its line, and a
 * council editing a workflow file needs the line. This re-reads text that
 * jansson has already accepted; it is a locator, not a parser: it builds no
 * values and trusts the text to be valid JSON (on text that is not, it returns
 * whatever line it had reached, or 0).
 *
 * Pure functions over caller-owned text; thread-safe.
 */
#ifndef CASEWORK_CORE_JSONPOS_H
#define CASEWORK_CORE_JSONPOS_H

#include <stddef.h>

/* The 1-based line of the value pointer names: for an object member, the line of
 * its key; for an array element, the line where the element starts; "" is the
 * whole document. If the pointer goes further than the text (a missing member,
 * an index past the end), the line of the deepest value that does exist on the
 * way, so "missing key" errors point at the object that lacks it. Returns 0
 * only for empty or malformed text. */
int jsonpos_line(const char *text, size_t len, const char *pointer);

#endif
