/*
 * Private to http/: the request structure shared by server.c (libmicrohttpd
 * glue and limits), dispatch.c (routing, body parsing, authentication, CSRF)
 * and reply.c (responses, headers, cookies).
 */
#ifndef CASEWORK_HTTP_INTERNAL_H
#define CASEWORK_HTTP_INTERNAL_H

#include <microhttpd.h>

#include "http/http.h"

enum { MAX_PARAMS = 4, MAX_FORM_FIELDS = 200, MAX_HEADERS_OUT = 16 };

struct field {
    const char *name;
    char *value;
    size_t len;
    size_t cap;           /* bytes allocated for value (grown by doubling: uploads are large) */
    const char *filename; /* a multipart file part: the client's name for it, else NULL */
};

struct header_out {
    const char *name, *value;
};

struct request {
    struct http_app *app;
    struct MHD_Connection *conn;
    struct arena arena;
    char id[33];
    const char *method, *path;
    int64_t started_us; /* monotonic, for duration and the request time limit */
    bool started_body;
    struct buf body;
    bool too_big, too_slow;

    const struct route *route;
    const char *param_names[MAX_PARAMS];
    const char *param_values[MAX_PARAMS];
    size_t nparams;
    struct field form[MAX_FORM_FIELDS];
    size_t nform;
    bool form_overflow, form_bad;
    json_t *json;

    struct principal who_storage;
    const struct principal *who;
    struct ctx ctx;
    bool have_ctx;

    /* the response */
    int status;
    bool replied;
    char *out;
    size_t out_len;
    bool out_static; /* out points at embedded data */
    const char *out_type;
    const char *cache_control;
    struct header_out headers[MAX_HEADERS_OUT];
    size_t nheaders;
};

/* dispatch.c: route, authenticate and run the handler; fills the response. */
void http_dispatch(struct request *r);
/* reply.c: turn the request's response fields into an MHD response and queue it. */
enum MHD_Result http_send(struct request *r);
int64_t http_monotonic_us(void);

#endif
