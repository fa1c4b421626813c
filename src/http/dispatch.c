/*
 * Dispatch: match the route, parse the body, authenticate, check the
 * permission and the CSRF token, then run the handler. Everything a route
 * declares in the table is enforced here, once, so no handler can forget it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/embedded.h"
#include "core/utf8.h"
#include "domain/auth.h"
#include "http/internal.h"

extern const struct embedded_file embedded_assets[];
extern const size_t embedded_assets_count;

static const char SESSION_COOKIE[] = "cw_session";
static const char PRE_COOKIE[] = "cw_pre";

/* --- accessors ----------------------------------------------------------- */

const char *http_method(const struct request *r)
{
    return r->method;
}
const char *http_path(const struct request *r)
{
    return r->path;
}
const char *http_request_id(const struct request *r)
{
    return r->id;
}
struct arena *http_arena(struct request *r)
{
    return &r->arena;
}
const struct http_app *http_app(const struct request *r)
{
    return r->app;
}
const struct principal *http_principal(const struct request *r)
{
    return r->who;
}
json_t *http_json(const struct request *r)
{
    return r->json;
}

struct ctx *http_ctx(struct request *r)
{
    if (!r->have_ctx) {
        r->have_ctx = true;
        r->ctx.conn = store_acquire(r->app->store);
        r->ctx.cfg = r->app->cfg;
        r->ctx.codes = r->app->codes;
        r->ctx.workflows = r->app->workflows;
        r->ctx.calendar = r->app->calendar;
        r->ctx.enquiries = r->app->enquiries;
        r->ctx.arena = &r->arena;
        r->ctx.now = clock_now();
        r->ctx.request_id = r->id;
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        char ip[64] = "";
        if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET) {
            const struct sockaddr_in *in = (const struct sockaddr_in *)ci->client_addr;
            inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        }
        r->ctx.ip = arena_strdup(&r->arena, ip);
    }
    r->ctx.who = r->who;
    return &r->ctx;
}

const char *http_param(const struct request *r, const char *name)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->param_names[i], name) == 0)
            return r->param_values[i];
    return NULL;
}

bool http_param_id(struct request *r, const char *name, int64_t *id)
{
    const char *s = http_param(r, name);
    char *end = NULL;
    long long v = s && *s >= '1' && *s <= '9' ? strtoll(s, &end, 10) : 0;
    if (v <= 0 || !end || *end || strlen(s) > 18) {
        http_reply_problem(r, 404, "Not found", "There is no record with that id", NULL);
        return false;
    }
    *id = v;
    return true;
}

/* Values from outside that are not valid UTF-8 are treated as absent. */
static const char *checked(const char *v)
{
    return v && utf8_valid(v, strlen(v)) ? v : NULL;
}

const char *http_query(struct request *r, const char *name)
{
    return checked(MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name));
}

struct query_all {
    const char *name;
    const char **out;
    size_t max, n;
};

static enum MHD_Result query_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    struct query_all *q = cls;
    if (key && strcmp(key, q->name) == 0 && checked(value) && q->n < q->max)
        q->out[q->n++] = value;
    return q->n < q->max ? MHD_YES : MHD_NO;
}

size_t http_query_all(struct request *r, const char *name, const char **out, size_t max)
{
    struct query_all q = {name, out, max, 0};
    if (max)
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_value, &q);
    return q.n;
}

const char *http_header(struct request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct request *r, const char *name)
{
    return checked(MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name));
}

const char *http_form(const struct request *r, const char *name)
{
    for (size_t i = 0; i < r->nform; i++)
        if (!r->form[i].filename && strcmp(r->form[i].name, name) == 0)
            return r->form[i].value;
    return NULL;
}

size_t http_form_files(const struct request *r, const char *name, struct http_file *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nform && n < max; i++) {
        const struct field *f = &r->form[i];
        if (!f->filename || strcmp(f->name, name) != 0 || (!*f->filename && f->len == 0))
            continue;
        out[n].filename = f->filename;
        out[n].data = (const unsigned char *)f->value;
        out[n].len = f->len;
        n++;
    }
    return n;
}

size_t http_form_all(const struct request *r, const char *name, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nform && n < max; i++)
        if (!r->form[i].filename && strcmp(r->form[i].name, name) == 0)
            out[n++] = r->form[i].value;
    return n;
}

/* --- body parsing -------------------------------------------------------- */

static enum MHD_Result form_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *filename, const char *content_type,
                                  const char *transfer_encoding, const char *data, uint64_t off,
                                  size_t size)
{
    (void)kind;
    (void)content_type; /* the client's claim about a file: never trusted */
    (void)transfer_encoding;
    struct request *r = cls;
    struct field *f = NULL;
    if (off > 0 && r->nform && strcmp(r->form[r->nform - 1].name, key) == 0) {
        f = &r->form[r->nform - 1]; /* the next piece of a long value */
    } else {
        if (r->nform == MAX_FORM_FIELDS) {
            r->form_overflow = true;
            return MHD_NO;
        }
        f = &r->form[r->nform++];
        f->name = arena_strdup(&r->arena, key);
        f->value = arena_strdup(&r->arena, "");
        f->len = 0;
        f->cap = 0;
        f->filename = filename ? arena_strdup(&r->arena, filename) : NULL;
        if (!f->name || !f->value || (filename && !f->filename))
            return MHD_NO;
    }
    /* Grow by doubling: an upload arrives in pieces of a few kilobytes, and
     * copying the whole value for each would be quadratic in time and in
     * arena memory (freed only with the request). */
    if (f->len + size + 1 > f->cap) {
        size_t cap = f->cap ? f->cap : 64;
        while (cap < f->len + size + 1)
            cap *= 2;
        char *grown = arena_alloc(&r->arena, cap);
        if (!grown)
            return MHD_NO;
        memcpy(grown, f->value, f->len);
        f->value = grown;
        f->cap = cap;
    }
    memcpy(f->value + f->len, data, size);
    f->len += size;
    f->value[f->len] = '\0';
    return MHD_YES;
}

static bool content_type_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Parse the body by its content type. False with a reply queued on bad input. */
static bool parse_body(struct request *r)
{
    const char *ct = http_header(r, "Content-Type");
    bool api = r->route->flags & ROUTE_API;
    if (r->body.len == 0 && (!ct || !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")))
        return true; /* no body: handlers that need one say so */
    if (api) {
        if (!content_type_is(ct, "application/json")) {
            http_reply_problem(r, 415, "Unsupported media type",
                               "Send the request body as application/json", NULL);
            return false;
        }
        json_error_t jerr;
        r->json = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
        if (!r->json) {
            char detail[256];
            snprintf(detail, sizeof detail, "The body is not valid JSON (line %d, column %d): %s",
                     jerr.line, jerr.column, jerr.text);
            http_reply_problem(r, 400, "Malformed JSON", detail, NULL);
            return false;
        }
        if (!json_is_object(r->json)) {
            http_reply_problem(r, 400, "Malformed JSON", "The body must be a JSON object", NULL);
            return false;
        }
        return true;
    }
    if (!content_type_is(ct, "application/x-www-form-urlencoded") &&
        !content_type_is(ct, "multipart/form-data")) {
        http_reply_problem(r, 415, "Unsupported media type",
                           "Send forms as application/x-www-form-urlencoded", NULL);
        return false;
    }
    struct MHD_PostProcessor *pp = MHD_create_post_processor(r->conn, 8192, form_field, r);
    if (!pp) {
        http_reply_problem(r, 400, "Bad form", "The form body could not be read", NULL);
        return false;
    }
    enum MHD_Result ok = r->body.len ? MHD_post_process(pp, r->body.data, r->body.len) : MHD_YES;
    MHD_destroy_post_processor(pp);
    if (r->form_overflow) {
        http_reply_problem(r, 413, "Too many fields", "The form has more than 200 fields", NULL);
        return false;
    }
    if (ok != MHD_YES) {
        http_reply_problem(r, 400, "Bad form", "The form body is malformed", NULL);
        return false;
    }
    for (size_t i = 0; i < r->nform; i++) {
        /* A file's bytes are checked by whoever takes it (domain/uploads);
         * its name and every other field must be text. */
        bool file = r->form[i].filename != NULL;
        if (!utf8_valid(r->form[i].name, strlen(r->form[i].name)) ||
            (file && !utf8_valid(r->form[i].filename, strlen(r->form[i].filename))) ||
            (!file && !utf8_valid(r->form[i].value, r->form[i].len))) {
            char detail[160];
            snprintf(detail, sizeof detail, "Field '%.40s' is not valid UTF-8 text",
                     utf8_valid(r->form[i].name, strlen(r->form[i].name)) ? r->form[i].name : "?");
            http_reply_problem(r, 400, "Invalid text", detail, r->form[i].name);
            return false;
        }
    }
    return true;
}

/* --- routing ------------------------------------------------------------- */

/* Match path against a pattern, capturing ":name" segments. */
static bool match(struct request *r, const struct route *rt)
{
    if (rt->flags & ROUTE_PREFIX)
        return strncmp(r->path, rt->pattern, strlen(rt->pattern)) == 0;
    const char *p = rt->pattern, *s = r->path;
    size_t n = 0;
    while (*p && *s) {
        if (*p == ':') {
            const char *pe = strchr(p, '/');
            const char *se = strchr(s, '/');
            size_t plen = pe ? (size_t)(pe - p) : strlen(p);
            size_t slen = se ? (size_t)(se - s) : strlen(s);
            if (slen == 0 || slen > 64 || n == MAX_PARAMS)
                return false;
            r->param_names[n] = arena_strndup(&r->arena, p + 1, plen - 1);
            r->param_values[n] = arena_strndup(&r->arena, s, slen);
            n++;
            p += plen;
            s += slen;
            continue;
        }
        if (*p != *s)
            return false;
        p++;
        s++;
    }
    if (*p || *s)
        return false;
    r->nparams = n;
    return true;
}

static const struct route *find_route(struct request *r, struct buf *allow)
{
    bool head = strcmp(r->method, "HEAD") == 0;
    for (size_t i = 0; i < r->app->nroutes; i++) {
        const struct route *rt = &r->app->routes[i];
        if (!match(r, rt))
            continue;
        if (strcmp(rt->method, r->method) == 0 || (head && strcmp(rt->method, "GET") == 0))
            return rt;
        buf_printf(allow, "%s%s", allow->len ? ", " : "", rt->method);
    }
    return NULL;
}

/* --- authentication and CSRF --------------------------------------------- */

static bool tokens_equal(const char *a, const char *b)
{
    size_t n = a ? strlen(a) : 0;
    return a && b && n == strlen(b) && n > 0 && sodium_memcmp(a, b, n) == 0;
}

/* Who is asking: bearer token (API routes only) or session cookie. False
 * with a reply queued when the credentials are bad and the route needs them. */
static bool authenticate(struct request *r)
{
    const struct route *rt = r->route;
    const char *authz = http_header(r, "Authorization");
    struct err e = ERR_INIT;
    if (authz && (rt->flags & ROUTE_API)) {
        if (strncmp(authz, "Bearer ", 7) != 0) {
            http_add_header(r, "WWW-Authenticate", "Bearer");
            http_reply_problem(r, 401, "Unauthorised",
                               "The Authorization header must be 'Bearer <token>'", NULL);
            return false;
        }
        if (!auth_token_principal(http_ctx(r), authz + 7, &r->who_storage, &e)) {
            http_add_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
            http_reply_err(r, &e);
            return false;
        }
        r->who = &r->who_storage;
        return true;
    }
    const char *cookie = http_cookie(r, SESSION_COOKIE);
    if (!cookie || !*cookie)
        return true;
    if (auth_session_principal(http_ctx(r), cookie, &r->who_storage, &e)) {
        r->who = &r->who_storage;
        return true;
    }
    if (e.code != ERR_AUTH) {
        http_reply_err(r, &e);
        return false;
    }
    http_set_cookie(r, SESSION_COOKIE, "", -1);
    if (rt->perm == PERM_NONE)
        return true; /* a stale cookie on a public page is simply dropped */
    if (rt->flags & ROUTE_PAGE) {
        http_redirect(r, "/sign-in?expired=1");
        return false;
    }
    http_reply_problem(r, 401, "Unauthorised", e.message, NULL);
    return false;
}

static bool check_csrf(struct request *r)
{
    const struct route *rt = r->route;
    if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
        return true;
    if (rt->flags & ROUTE_LOGIN_CSRF) {
        const char *pre = http_cookie(r, PRE_COOKIE);
        const char *sent = http_form(r, "csrf_token");
        if (!pre || !*pre) {
            http_reply_problem(r, 403, "Cookies needed",
                               "Your browser did not send the sign-in cookie. Allow cookies for "
                               "this site and reload the sign-in page",
                               NULL);
            return false;
        }
        char want[65];
        auth_login_csrf(r->app->secret, pre, want);
        if (!sent || !*sent) {
            http_reply_problem(r, 403, "Security token missing",
                               "The form has no security token. Reload the page and try again",
                               "csrf_token");
            return false;
        }
        if (!tokens_equal(sent, want)) {
            http_reply_problem(r, 403, "Security token out of date",
                               "The form's security token does not match. Reload the page and "
                               "try again",
                               "csrf_token");
            return false;
        }
        return true;
    }
    if (!(rt->flags & ROUTE_CSRF) || !r->who || r->who->token_id)
        return true; /* bearer tokens are not sent by browsers, so cannot be forged */
    bool api = rt->flags & ROUTE_API;
    const char *sent = api ? http_header(r, "X-CSRF-Token") : http_form(r, "csrf_token");
    if (!sent || !*sent) {
        http_reply_problem(r, 403, "Security token missing",
                           api ? "Send the session's CSRF token in the X-CSRF-Token header"
                               : "The form has no security token. Reload the page and try again",
                           "csrf_token");
        return false;
    }
    if (!tokens_equal(sent, r->who->csrf_token)) {
        http_reply_problem(r, 403, "Security token out of date",
                           "The security token does not match your current session. Reload "
                           "the page and try again",
                           "csrf_token");
        return false;
    }
    return true;
}

void http_dispatch(struct request *r)
{
    if (!utf8_valid(r->path, strlen(r->path))) {
        http_reply_problem(r, 400, "Bad request", "The path is not valid UTF-8", NULL);
        return;
    }
    struct buf allow = BUF_INIT;
    r->route = find_route(r, &allow);
    if (!r->route) {
        if (allow.len) {
            http_add_header(r, "Allow", allow.data);
            http_reply_problem(r, 405, "Method not allowed",
                               "This address does not accept that method", NULL);
        } else {
            http_reply_problem(r, 404, "Page not found",
                               "If you typed the web address, check it is correct", NULL);
        }
        buf_release(&allow);
        return;
    }
    buf_release(&allow);
    if (r->route->flags & ROUTE_PREFIX) {
        r->route->handler(r); /* static assets: no session, no body */
        return;
    }
    if (!authenticate(r) || !parse_body(r))
        return;
    if (!access_allows(r->who, r->route->perm)) {
        if (!r->who && (r->route->flags & ROUTE_PAGE)) {
            struct buf to = BUF_INIT;
            buf_puts(&to, "/sign-in?next=");
            buf_urlenc(&to, r->path);
            http_redirect(r, buf_failed(&to) ? "/sign-in" : to.data);
            buf_release(&to);
        } else if (!r->who) {
            http_add_header(r, "WWW-Authenticate", "Bearer");
            http_reply_problem(r, 401, "Unauthorised",
                               "Sign in, or send an API token as 'Authorization: Bearer <token>'",
                               NULL);
        } else {
            http_reply_problem(r, 403, "Forbidden",
                               "Your role does not allow you to see or do this", NULL);
        }
        return;
    }
    if (!check_csrf(r))
        return;
    r->route->handler(r);
}

/* --- static assets ------------------------------------------------------- */

void http_serve_asset(struct request *r)
{
    const struct embedded_file *f = embedded_find(embedded_assets, embedded_assets_count, r->path);
    if (!f) {
        http_reply_problem(r, 404, "Not found", "No such asset", NULL);
        return;
    }
    char etag[24];
    snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)f->hash);
    const char *inm = http_header(r, "If-None-Match");
    r->cache_control = "public, max-age=86400";
    http_add_header(r, "ETag", etag);
    if (inm && strcmp(inm, etag) == 0) {
        http_reply_empty(r, 304);
        return;
    }
    const char *type = "application/octet-stream";
    const char *dot = strrchr(f->name, '.');
    static const struct {
        const char *ext, *type;
    } types[] = {{".css", "text/css; charset=utf-8"},
                 {".js", "text/javascript; charset=utf-8"},
                 {".mjs", "text/javascript; charset=utf-8"},
                 {".woff2", "font/woff2"},
                 {".woff", "font/woff"},
                 {".png", "image/png"},
                 {".svg", "image/svg+xml"},
                 {".ico", "image/x-icon"},
                 {".json", "application/json"}};
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            type = types[i].type;
    r->replied = true;
    r->status = 200;
    r->out = (char *)f->data;
    r->out_len = f->len;
    r->out_static = true;
    r->out_type = type;
}
