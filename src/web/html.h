/*
 * html: build HTML with escaping chosen by the formatter, so dynamic text
 * never reaches a page through a raw path by accident (Fossil's %h habit).
 *
 *   %s  text, HTML-escaped (safe in element content and quoted attributes);
 *       NULL prints nothing
 *   %u  text, percent-encoded for a URL query value or path segment
 *   %R  raw trusted HTML (markup this program built); each use needs a reason
 *   %d  int       %D  int64_t     %%  a percent sign
 *
 * Appends to a struct buf; failures are sticky in the buffer. Thread-safe.
 */
#ifndef CASEWORK_WEB_HTML_H
#define CASEWORK_WEB_HTML_H

#include "core/buf.h"

void html(struct buf *b, const char *fmt, ...);

#endif
