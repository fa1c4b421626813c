/*
 * libmicrohttpd glue: the thread pool, per-connection limits, and the
 * request life cycle (first call -> body chunks -> dispatch -> completed).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "http/internal.h"

struct http_server {
    struct MHD_Daemon *daemon;
    char *cert, *key;
};

int64_t http_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void reply_limit(struct request *r, int status, const char *title, const char *detail)
{
    http_reply_problem(r, status, title, detail, NULL);
}

static void reply_too_big(struct request *r)
{
    char detail[160];
    snprintf(detail, sizeof detail, "The request body is larger than the limit of %zu bytes",
             r->body.limit);
    reply_limit(r, 413, "Request body too large", detail);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct http_app *app = cls;
    struct request *r = *con_cls;
    if (!r) {
        /* First call: headers are in. Set up and return without queueing, so
         * keep-alive works (MHD 0.9.75 closes the connection otherwise). */
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        *con_cls = r;
        r->app = app;
        r->conn = conn;
        r->started_us = http_monotonic_us();
        r->method = method;
        r->path = url;
        unsigned char raw[16];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(r->id, sizeof r->id, raw, sizeof raw);
        buf_init(&r->body, (size_t)app->cfg->max_body_bytes);
        /* RFC 9112 3.2: an HTTP/1.1 request without Host is a 400. (MHD's own
         * strict mode garbles that reply in 0.9.75: it sends the headers twice.) */
        if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
            !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST)) {
            reply_limit(r, 400, "Bad request", "An HTTP/1.1 request must have a Host header");
            return http_send(r);
        }
        const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0)
            r->body.limit = (size_t)app->cfg->max_upload_bytes;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || end == cl || n > r->body.limit) {
                /* Refuse before reading a byte of it (and before 100 Continue). */
                r->too_big = true;
                reply_too_big(r);
                return http_send(r);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (r->replied) {
            /* A refusal is queued or waiting for the end of the body: discard
             * the rest, but close once the body has had all the time it gets. */
            *upload_data_size = 0;
            bool late =
                http_monotonic_us() - r->started_us > app->cfg->request_timeout_seconds * 1000000;
            return late ? MHD_NO : MHD_YES;
        }
        int64_t elapsed = http_monotonic_us() - r->started_us;
        int64_t limit = app->cfg->request_timeout_seconds * 1000000;
        if (r->too_slow || elapsed > limit) {
            /* Too slow (a slow-loris body). MHD 0.9.75 cannot answer while a body
             * is still arriving, so the rest is discarded and 408 goes out when
             * the body ends; a body still dribbling at twice the limit is cut off. */
            if (!r->too_slow)
                log_event(LOG_WARN, "request-too-slow", "id", r->id, "path", r->path, NULL);
            r->too_slow = true;
            *upload_data_size = 0;
            return elapsed > 2 * limit ? MHD_NO : MHD_YES;
        }
        if (!buf_append(&r->body, upload_data, *upload_data_size)) {
            /* Over the limit without a Content-Length (chunked). MHD 0.9.75
             * refuses to queue a reply mid-body (it would close the connection
             * unanswered), so the 413 goes out when the body ends. */
            r->too_big = true;
            reply_too_big(r);
            *upload_data_size = 0;
            return MHD_YES;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->replied) /* body.too_big: the 413 above was held back until now */
        return r->body.too_big ? http_send(r) : MHD_YES;
    if (r->too_slow) {
        char detail[160];
        snprintf(detail, sizeof detail, "The request body took longer than %ld seconds to arrive",
                 app->cfg->request_timeout_seconds);
        reply_limit(r, 408, "Request timed out", detail);
        http_add_header(r, "Connection", "close");
        return http_send(r);
    }
    http_dispatch(r);
    if (!r->replied)
        http_reply_problem(r, 500, "Internal error", "The handler gave no response", NULL);
    /* The answer is built: give the database connection back now, not when
     * the answer has been sent. A worker thread serves many connections; one
     * that read a burst of requests would otherwise hold a pool connection
     * for each unsent answer and then wait in the pool for connections only
     * its own unsent answers held: the server stalled under load and could
     * not stop. */
    if (r->have_ctx && r->ctx.conn) {
        store_release(app->store, r->ctx.conn);
        r->ctx.conn = NULL;
    }
    return http_send(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    struct request *r = *con_cls;
    if (!r)
        return;
    char status[8], ms[24];
    snprintf(status, sizeof status, "%d", r->replied ? r->status : 0);
    snprintf(ms, sizeof ms, "%.1f", (double)(http_monotonic_us() - r->started_us) / 1000.0);
    const char *end = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK      ? NULL
                      : toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "timeout"
                      : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT    ? "client-abort"
                                                                      : "error";
    log_event(r->replied && r->status >= 500 ? LOG_ERROR : LOG_INFO, "request", "id", r->id, "user",
              r->who ? r->who->username : NULL, "method", r->method, "path", r->path, "status",
              status, "ms", ms, end ? "ended" : NULL, end, NULL);
    if (r->have_ctx && r->ctx.conn)
        store_release(r->app->store, r->ctx.conn);
    if (r->json)
        json_decref(r->json);
    buf_release(&r->body);
    arena_release(&r->arena);
    free(r);
    *con_cls = NULL;
}

/* Requests MHD rejects itself (malformed request line, headers over the
 * memory limit) never reach on_request; log them so they are not silent. */
static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    struct buf b = BUF_INIT;
    buf_vprintf(&b, fmt, ap);
    while (b.len && b.data[b.len - 1] == '\n')
        b.data[--b.len] = '\0';
    log_event(LOG_WARN, "http-error", "detail", b.data, NULL);
    buf_release(&b);
}

static char *read_file(const char *path, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, ERR_IO, "tls", "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    struct buf b = BUF_INIT;
    buf_init(&b, 1024 * 1024);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    char *out = buf_detach(&b, NULL);
    if (!out)
        err_set(e, ERR_IO, "tls", "%s is too large", path);
    return out;
}

struct http_server *http_start(struct http_app *app, struct err *e)
{
    const struct config *cfg = app->cfg;
    struct sockaddr_in addr = {.sin_family = AF_INET};
    char host[64];
    unsigned port = 0;
    const char *colon = strrchr(cfg->listen, ':');
    if (!colon || (size_t)(colon - cfg->listen) >= sizeof host ||
        sscanf(colon + 1, "%5u", &port) != 1 || port == 0 || port > 65535) {
        err_set(e, ERR_INVALID, "listen", "listen must be address:port, like 127.0.0.1:8080");
        return NULL;
    }
    memcpy(host, cfg->listen, (size_t)(colon - cfg->listen));
    host[colon - cfg->listen] = '\0';
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        err_set(e, ERR_INVALID, "listen", "listen address '%s' is not an IPv4 address", host);
        return NULL;
    }
    addr.sin_port = htons((uint16_t)port);

    struct http_server *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, ERR_NOMEM, "", "out of memory");
        return NULL;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    app->tls = cfg->tls_cert[0] && cfg->tls_key[0];
    if (app->tls) {
        s->cert = read_file(cfg->tls_cert, e);
        s->key = s->cert ? read_file(cfg->tls_key, e) : NULL;
        if (!s->key) {
            http_stop(s);
            return NULL;
        }
        flags |= MHD_USE_TLS;
    }
    /* The connection memory pool holds the request line and headers; a
     * request whose headers do not fit is refused by MHD with 431. Body
     * chunks pass through it too, so it needs room beyond the headers. */
    size_t memory = (size_t)cfg->max_header_bytes + 16 * 1024;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, app, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_error, NULL, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)cfg->request_timeout_seconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)200, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        app->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, s->cert, MHD_OPTION_HTTPS_MEM_KEY,
        s->key, MHD_OPTION_END);
    if (!s->daemon) {
        err_set(e, ERR_IO, "listen", "cannot listen on %s (is it in use?)", cfg->listen);
        http_stop(s);
        return NULL;
    }
    return s;
}

void http_stop(struct http_server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    if (s->key)
        sodium_memzero(s->key, strlen(s->key));
    free(s->cert);
    free(s->key);
    free(s);
}
