/*
 * config: the server's settings. One table of keys drives all three sources,
 * applied in order: built-in defaults, then a config file ("key = value" lines,
 * '#' comments), then environment variables (CASEWORK_<KEY> upper-cased), then
 * command-line flags (--key value or --key=value). Every value is validated
 * when set; an error names the key, the source and the rule.
 *
 * The struct owns its strings; config_free releases them. Read-only after
 * startup, so safe to share between request threads.
 */
#ifndef CASEWORK_CORE_CONFIG_H
#define CASEWORK_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

struct config {
    char *listen;     /* "127.0.0.1:8080" */
    char *database;   /* SQLite file path, or a postgresql:// DSN (not yet supported) */
    char *config_dir; /* shipped data: calendar, code lists, workflows */
    char *log_level;  /* debug|info|warn|error */
    char *tls_cert;   /* PEM path; with tls_key, serve HTTPS and send HSTS */
    char *tls_key;
    long threads;                 /* HTTP worker threads */
    long session_idle_minutes;    /* sign out after this long without a request */
    long session_absolute_hours;  /* sign out this long after sign-in whatever happens */
    long max_body_bytes;          /* JSON and form bodies */
    long max_upload_bytes;        /* multipart uploads (documents) */
    long max_header_bytes;        /* request line plus headers */
    long request_timeout_seconds; /* whole request, and idle connections */
    long login_max_failures;      /* failed sign-ins before the account is locked */
    long login_lockout_minutes;   /* how long the lock lasts */
    long note_edit_minutes;       /* the author corrects a case note in place this long */
    char *duty_team;              /* team (by name) holding new contacts until allocated; "" none */
    long break_glass_minutes;     /* a break-glass override lets its user in this long */
};

/* Fill c with the defaults. Returns false only on out of memory. */
bool config_defaults(struct config *c);
void config_free(struct config *c);

/* Set one key from text; source is named in errors ("--listen", "casework.conf line 3"). */
bool config_set(struct config *c, const char *key, const char *value, const char *source,
                struct err *e);
/* Apply a "key = value" file. A missing file is an error. */
bool config_load_file(struct config *c, const char *path, struct err *e);
/* Apply CASEWORK_* environment variables for every known key. */
bool config_load_env(struct config *c, struct err *e);

/* True if key names a setting (used by the CLI to tell flags from arguments). */
bool config_is_key(const char *key);
/* Write the documented list of keys with defaults (for --help). */
void config_print_help(FILE *out);

#endif
