/*
 * http: the web server (libmicrohttpd with an internal thread pool), the
 * router, and the request/response API handlers use.
 *
 * One route table, built by the caller (src/routes.c), declares for every
 * route its method, path pattern, the permission it needs and flags (API or
 * page, CSRF). The dispatcher enforces all of it before a handler runs: body
 * size and time limits, content type and parsing (form or JSON, valid UTF-8),
 * authentication by session cookie or API token, the permission, and the
 * CSRF token on state-changing requests. A handler therefore only checks
 * domain rules, loads through the domain, and replies.
 *
 * A struct request lives from the first byte of a request until its response
 * is sent; its arena holds everything handlers allocate. One thread handles a
 * request at a time. The server and its app are shared read-only.
 */
#ifndef CASEWORK_HTTP_HTTP_H
#define CASEWORK_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/access.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "domain/ctx.h"
#include "store/store.h"

struct request;

enum route_flags {
    ROUTE_API = 1 << 0,        /* JSON in and out; errors as problem+json; bearer tokens */
    ROUTE_PAGE = 1 << 1,       /* HTML; signed-out visitors are sent to /sign-in */
    ROUTE_CSRF = 1 << 2,       /* state-changing: needs the session's CSRF token */
    ROUTE_LOGIN_CSRF = 1 << 3, /* the sign-in form: CSRF bound to the pre-sign-in cookie */
    ROUTE_PREFIX = 1 << 4,     /* pattern matches any path below it (assets) */
};

struct route {
    const char *method;  /* "GET", "POST", "PATCH", "DELETE" (GET also answers HEAD) */
    const char *pattern; /* "/admin/users/:id": ":name" segments become parameters */
    enum perm perm;
    unsigned flags;
    void (*handler)(struct request *r);
    const char *summary; /* one line, for --help and the access matrix */
};

struct codelist_set;
struct workflow_set;
struct calendar;

struct http_app {
    const struct config *cfg;
    const struct codelist_set *codes;     /* config/codes, loaded at start */
    const struct workflow_set *workflows; /* config/workflows, loaded and checked at start */
    const struct calendar *calendar;      /* config/calendar: bank holidays and closures */
    struct store *store;
    const struct route *routes;
    size_t nroutes;
    unsigned char secret[32]; /* signs pre-sign-in CSRF tokens */
    bool tls;
    /* Renders an HTML error page (set by the web layer). */
    void (*page_error)(struct request *r, int status, const char *title, const char *detail);
};

/* Start listening on cfg->listen with cfg->threads workers. NULL on error. */
struct http_server *http_start(struct http_app *app, struct err *e);
void http_stop(struct http_server *s);

/* --- reading the request ------------------------------------------------- */
const char *http_method(const struct request *r);
const char *http_path(const struct request *r);
const char *http_request_id(const struct request *r);
struct arena *http_arena(struct request *r);
const struct http_app *http_app(const struct request *r);
/* The signed-in principal, or NULL. */
const struct principal *http_principal(const struct request *r);
/* Domain context for this request (acquires the request's store connection). */
struct ctx *http_ctx(struct request *r);

/* Path parameter from the pattern (":id" -> "id"); NULL if absent. */
const char *http_param(const struct request *r, const char *name);
/* Path parameter as a positive id; false (and a 404 reply) if not one. */
bool http_param_id(struct request *r, const char *name, int64_t *id);
const char *http_query(struct request *r, const char *name);
/* All values of a repeated query parameter (checkboxes in a GET form), in
 * order; returns how many (<= max). Values that are not UTF-8 are left out. */
size_t http_query_all(struct request *r, const char *name, const char **out, size_t max);
const char *http_header(struct request *r, const char *name);
const char *http_cookie(struct request *r, const char *name);
/* First value of a form field, or NULL. */
const char *http_form(const struct request *r, const char *name);
/* All values of a repeated form field (checkboxes); returns how many (<= max). */
size_t http_form_all(const struct request *r, const char *name, const char **out, size_t max);
/* The parsed JSON body (an object) or NULL when there was none. */
json_t *http_json(const struct request *r);

/* --- replying (exactly one per request) ---------------------------------- */
/* Send body as text/html; takes the buffer's content. */
void http_reply_html(struct request *r, int status, struct buf *body);
/* Send body with a content type of the caller's (a CSV export); takes the buffer's content. */
void http_reply_text(struct request *r, int status, const char *type, struct buf *body);
/* Send a JSON value (reference stolen). */
void http_reply_json(struct request *r, int status, json_t *value);
/* RFC 9457 problem details; for page routes an HTML error page instead. */
void http_reply_problem(struct request *r, int status, const char *title, const char *detail,
                        const char *field);
/* A problem+json reply with extension members (reference stolen); instance and
 * request_id are added. */
void http_reply_problem_json(struct request *r, int status, json_t *problem);
/* Reply for a domain error: status from the code, detail from the message. */
void http_reply_err(struct request *r, const struct err *e);
/* 303 See Other to a local path. */
void http_redirect(struct request *r, const char *location);
void http_reply_empty(struct request *r, int status);
/* Add a response header (copied). */
void http_add_header(struct request *r, const char *name, const char *value);
/* Set a cookie: HttpOnly, SameSite=Strict, Path=/, Secure under TLS.
 * max_age_seconds < 0 deletes it; 0 makes a browser-session cookie. */
void http_set_cookie(struct request *r, const char *name, const char *value, long max_age_seconds);
bool http_replied(const struct request *r);

/* Handler for the page assets embedded in the binary (ETag, cache headers). */
void http_serve_asset(struct request *r);

#endif
