/*
 * Responses: one per request, built into the request and turned into an MHD
 * response by http_send, which adds the security headers every response
 * carries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/need_to_know.h"
#include "http/internal.h"

/* 'self' only: pages load nothing from elsewhere (no CDN), run no inline
 * script, and cannot be framed. */
static const char CSP[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

static void set_body(struct request *r, int status, char *data, size_t len, const char *type)
{
    if (r->replied) {
        free(data); /* a handler bug: keep the first reply */
        return;
    }
    r->replied = true;
    r->status = status;
    r->out = data;
    r->out_len = len;
    r->out_type = type;
}

static bool wants_json(const struct request *r)
{
    if (r->route)
        return (r->route->flags & ROUTE_API) != 0;
    return strncmp(r->path, "/api/", 5) == 0;
}

void http_reply_html(struct request *r, int status, struct buf *body)
{
    size_t len = 0;
    char *data = buf_detach(body, &len);
    if (!data) {
        buf_release(body);
        http_reply_problem(r, 500, "Internal error", "The page could not be built", NULL);
        return;
    }
    set_body(r, status, data, len, "text/html; charset=utf-8");
}

void http_reply_bytes(struct request *r, int status, const char *type, struct buf *body)
{
    size_t len = 0;
    char *data = buf_detach(body, &len);
    if (!data) {
        buf_release(body);
        http_reply_problem(r, 500, "Internal error", "The response could not be built", NULL);
        return;
    }
    set_body(r, status, data, len, type);
}

void http_reply_json(struct request *r, int status, json_t *value)
{
    char *data = value ? json_dumps(value, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(value);
    if (!data) {
        set_body(r, 500, strdup("{\"title\":\"Internal error\",\"status\":500}"), 38,
                 "application/problem+json");
        return;
    }
    set_body(r, status, data, strlen(data), "application/json");
}

void http_reply_problem(struct request *r, int status, const char *title, const char *detail,
                        const char *field)
{
    if (!wants_json(r) && r->app->page_error) {
        r->route = NULL; /* so the page renderer does not recurse into route logic */
        r->app->page_error(r, status, title, detail);
        if (r->replied)
            return;
    }
    const char *code = "error";
    switch (status) {
    case 400:
        code = "bad-request";
        break;
    case 401:
        code = "unauthorised";
        break;
    case 403:
        code = "forbidden";
        break;
    case 404:
        code = "not-found";
        break;
    case 405:
        code = "method-not-allowed";
        break;
    case 408:
        code = "request-timeout";
        break;
    case 409:
        code = "conflict";
        break;
    case 413:
        code = "too-large";
        break;
    case 415:
        code = "unsupported-media-type";
        break;
    case 422:
        code = "validation";
        break;
    case 429:
        code = "too-many-attempts";
        break;
    default:
        code = status >= 500 ? "internal" : "error";
    }
    char type[64];
    snprintf(type, sizeof type, "/problems/%s", code);
    json_t *p =
        json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", type, "title", title, "status", status,
                  "detail", detail ? detail : title, "instance", r->path, "request_id", r->id);
    if (p && field && *field)
        json_object_set_new(p, "field", json_string(field));
    char *data = p ? json_dumps(p, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(p);
    if (!data)
        data = strdup("{\"title\":\"Internal error\",\"status\":500}");
    set_body(r, status, data, data ? strlen(data) : 0, "application/problem+json");
}

void http_reply_problem_json(struct request *r, int status, json_t *problem)
{
    json_object_set_new(problem, "status", json_integer(status));
    json_object_set_new(problem, "instance", json_string(r->path));
    json_object_set_new(problem, "request_id", json_string(r->id));
    char *data = json_dumps(problem, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(problem);
    if (!data) {
        http_reply_problem(r, 500, "Internal error", "The reply could not be built", NULL);
        return;
    }
    set_body(r, status, data, strlen(data), "application/problem+json");
}

/* Need-to-know refused for want of a reason (domain/need_to_know): a page
 * goes to the break-glass form and comes back; the API names the endpoint
 * that takes the reason. */
static bool reply_break_glass(struct request *r, const struct err *e)
{
    if (e->code != ERR_DENIED || strcmp(e->field, NTK_BREAK_GLASS_FIELD) != 0 || !r->have_ctx ||
        !r->ctx.break_glass_person)
        return false;
    long long id = (long long)r->ctx.break_glass_person;
    struct buf to = BUF_INIT;
    if (r->route && (r->route->flags & ROUTE_PAGE)) {
        buf_printf(&to, "/people/%lld/break-glass?next=", id);
        buf_urlenc(&to, r->path);
        if (buf_failed(&to)) {
            buf_release(&to);
            return false;
        }
        http_redirect(r, to.data);
        buf_release(&to);
        return true;
    }
    buf_printf(&to, "/api/v1/people/%lld/break-glass", id);
    json_t *p = json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}}}", "type", "/problems/break-glass",
        "title", "Reason needed", "detail", e->message, "field", e->field, "break_glass", "method",
        "POST", "href", buf_failed(&to) ? "" : to.data, "body", "reason",
        "a code from config/codes/break_glass_reason.txt", "detail", "why you need the record");
    buf_release(&to);
    if (!p)
        return false;
    http_reply_problem_json(r, 403, p);
    return true;
}

void http_reply_err(struct request *r, const struct err *e)
{
    if (reply_break_glass(r, e))
        return;
    int status = err_http_status(e->code);
    const char *title = "Error";
    switch (e->code) {
    case ERR_INVALID:
        title = "Invalid input";
        break;
    case ERR_NOT_FOUND:
        title = "Not found";
        break;
    case ERR_CONFLICT:
        title = "Conflict";
        break;
    case ERR_DENIED:
        title = "Forbidden";
        break;
    case ERR_AUTH:
        title = "Sign-in required";
        break;
    case ERR_LOCKED:
        title = "Too many attempts";
        break;
    case ERR_TOO_BIG:
        title = "Too large";
        break;
    default:
        title = "Internal error";
    }
    /* Internal details (SQL errors) stay in the log, not in the reply. */
    http_reply_problem(
        r, status, title,
        status >= 500 ? "Something went wrong; the error has been logged" : e->message, e->field);
}

void http_reply_download(struct request *r, char *data, size_t len, const char *content_type,
                         const char *filename)
{
    char name[128], header[160];
    size_t n = 0;
    for (const char *p = filename ? filename : ""; *p && n + 1 < sizeof name; p++) {
        char c = *p;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_' || c == ' ';
        name[n++] = keep ? c : '_';
    }
    name[n] = '\0';
    snprintf(header, sizeof header, "attachment; filename=\"%s\"", n ? name : "download");
    http_add_header(r, "Content-Disposition", header);
    set_body(r, 200, data, len, content_type);
}

void http_redirect(struct request *r, const char *location)
{
    if (r->replied)
        return;
    http_add_header(r, "Location", location);
    set_body(r, 303, NULL, 0, NULL);
}

void http_reply_empty(struct request *r, int status)
{
    set_body(r, status, NULL, 0, NULL);
}

void http_add_header(struct request *r, const char *name, const char *value)
{
    if (r->nheaders == MAX_HEADERS_OUT)
        return;
    r->headers[r->nheaders].name = name;
    r->headers[r->nheaders].value = arena_strdup(&r->arena, value);
    if (r->headers[r->nheaders].value)
        r->nheaders++;
}

void http_set_cookie(struct request *r, const char *name, const char *value, long max_age_seconds)
{
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=Strict", name,
               max_age_seconds < 0 ? "" : value);
    if (max_age_seconds < 0)
        buf_puts(&b, "; Max-Age=0");
    else if (max_age_seconds > 0)
        buf_printf(&b, "; Max-Age=%ld", max_age_seconds);
    if (r->app->tls)
        buf_puts(&b, "; Secure");
    if (!buf_failed(&b))
        http_add_header(r, "Set-Cookie", b.data);
    buf_release(&b);
}

bool http_replied(const struct request *r)
{
    return r->replied;
}

enum MHD_Result http_send(struct request *r)
{
    struct MHD_Response *resp;
    if (r->out_static)
        resp = MHD_create_response_from_buffer(r->out_len, r->out, MHD_RESPMEM_PERSISTENT);
    else
        resp = MHD_create_response_from_buffer(r->out_len, r->out ? r->out : (char *)"",
                                               r->out ? MHD_RESPMEM_MUST_FREE
                                                      : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        if (!r->out_static)
            free(r->out);
        r->out = NULL;
        return MHD_NO;
    }
    r->out = NULL; /* owned by the response now */
    if (r->out_type)
        MHD_add_response_header(resp, "Content-Type", r->out_type);
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    MHD_add_response_header(resp, "X-Request-Id", r->id);
    /* Pages carry personal data: never cached unless the handler says so (assets). */
    MHD_add_response_header(resp, "Cache-Control",
                            r->cache_control ? r->cache_control : "no-store");
    if (r->app->tls)
        MHD_add_response_header(resp, "Strict-Transport-Security",
                                "max-age=31536000; includeSubDomains");
    for (size_t i = 0; i < r->nheaders; i++)
        MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}
