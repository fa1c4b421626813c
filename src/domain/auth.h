/*
 * auth: signing in and out, sessions, API tokens and password hashing.
 *
 * Passwords are argon2id strings (libsodium crypto_pwhash_str, interactive
 * limits: ~75 ms and 64 MiB per hash by design). Session and API tokens are
 * 32 random bytes shown once (cookie or token text); only their SHA-256 is
 * stored. Consecutive failed sign-ins lock the account for a while. Every
 * sign-in, failure, lock and sign-out is audited.
 *
 * auth_init must run once before any request thread starts; after that the
 * module holds only read-only state and is thread-safe given one connection
 * per thread.
 */
#ifndef CASEWORK_DOMAIN_AUTH_H
#define CASEWORK_DOMAIN_AUTH_H

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/ctx.h"

enum { AUTH_HASH_BYTES = crypto_pwhash_STRBYTES, AUTH_TOKEN_CHARS = 48 };

/* Initialise libsodium and the dummy hash used to keep failed look-ups as slow
 * as real ones. False if libsodium cannot start. */
bool auth_init(struct err *e);
/* Hash a password into out (NUL-terminated). */
bool auth_hash_password(const char *password, char out[AUTH_HASH_BYTES], struct err *e);

/* The server's secret key (32 bytes), created at first use and kept in settings. */
bool auth_server_secret(struct store_conn *c, unsigned char key[32], struct err *e);
/* Token for the sign-in form, bound to the visitor's pre-sign-in cookie. */
void auth_login_csrf(const unsigned char key[32], const char *pre_cookie, char out[65]);

struct auth_session {
    char token[AUTH_TOKEN_CHARS + 1]; /* cookie value, shown once */
    char csrf[AUTH_TOKEN_CHARS + 1];
    int64_t user_id;
};

/* Check a username and password and open a new session. Fails with ERR_AUTH
 * ("The username or password is wrong") or ERR_LOCKED (after repeated
 * failures; the message says until when). previous_session (0 if none) is
 * ended: a session id never survives sign-in. */
bool auth_sign_in(struct ctx *x, const char *username, const char *password,
                  int64_t previous_session, struct auth_session *out, struct err *e);

/* Resolve a session cookie into a principal (strings from x->arena). ERR_AUTH
 * with message "expired" details when idle or absolute timeouts passed.
 * Touches last_seen_at at most once a minute. */
bool auth_session_principal(struct ctx *x, const char *token, struct principal *out, struct err *e);
/* Resolve an "Authorization: Bearer" token. */
bool auth_token_principal(struct ctx *x, const char *token, struct principal *out, struct err *e);

/* End the acting session (x->who); audited. */
bool auth_sign_out(struct ctx *x, struct err *e);
/* End every session of the acting user; *ended gets how many. */
bool auth_sign_out_everywhere(struct ctx *x, int64_t *ended, struct err *e);

struct api_token {
    int64_t id;
    const char *name;
    const char *prefix;
    int64_t created_at, last_used_at, revoked_at;
};

/* Create an API token for the acting user; token_out gets the secret text,
 * shown once. */
bool auth_token_create(struct ctx *x, const char *name, char token_out[AUTH_TOKEN_CHARS + 1],
                       int64_t *id_out, struct err *e);
/* Create an API token for another user (administrators only; the command
 * line's `casework token create`); audited with the user it is for. */
bool auth_token_create_for(struct ctx *x, int64_t user_id, const char *name,
                           char token_out[AUTH_TOKEN_CHARS + 1], int64_t *id_out, struct err *e);
/* Revoke one of the acting user's tokens. */
bool auth_token_revoke(struct ctx *x, int64_t id, struct err *e);
/* List the acting user's tokens, newest first. */
bool auth_token_list(struct ctx *x, bool (*fn)(const struct api_token *t, void *arg), void *arg,
                     struct err *e);

#endif
