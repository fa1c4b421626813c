#include "domain/auth.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"

static const char SQL_LOGIN_USER[] =
    "SELECT id, password_hash, disabled, failed_logins, COALESCE(locked_until, 0)"
    " FROM users WHERE username = :username";
/* Count a failure; a lock that has run out starts the count again, so the
 * user gets the full number of attempts after it. Every expression reads the
 * row as it was before the update. */
static const char SQL_LOGIN_FAILED[] =
    "UPDATE users SET"
    " failed_logins = CASE WHEN COALESCE(locked_until, 0) BETWEEN 1 AND :now THEN 1"
    "   ELSE failed_logins + 1 END,"
    " locked_until = CASE"
    "   WHEN (CASE WHEN COALESCE(locked_until, 0) BETWEEN 1 AND :now THEN 1"
    "         ELSE failed_logins + 1 END) >= :max THEN :until"
    "   WHEN COALESCE(locked_until, 0) BETWEEN 1 AND :now THEN NULL"
    "   ELSE locked_until END"
    " WHERE id = :id RETURNING COALESCE(locked_until, 0)";
static const char SQL_LOGIN_OK[] =
    "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id";
static const char SQL_INSERT_SESSION[] =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at,"
    " expires_at, ip) VALUES (:hash, :user_id, :csrf, :now, :now, :expires, :ip)";
static const char SQL_DELETE_SESSION[] = "DELETE FROM sessions WHERE id = :id";
static const char SQL_DELETE_USER_SESSIONS[] = "DELETE FROM sessions WHERE user_id = :id";
static const char SQL_SESSION[] =
    "SELECT s.id, s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.username,"
    " u.display_name, u.role, u.disabled FROM sessions s JOIN users u ON u.id = s.user_id"
    " WHERE s.token_hash = :hash";
static const char SQL_TOUCH_SESSION[] = "UPDATE sessions SET last_seen_at = :now WHERE id = :id";
static const char SQL_TOKEN[] =
    "SELECT t.id, t.user_id, COALESCE(t.last_used_at, 0), u.username, u.display_name, u.role,"
    " u.disabled FROM api_tokens t JOIN users u ON u.id = t.user_id"
    " WHERE t.token_hash = :hash AND t.revoked_at IS NULL";
static const char SQL_TOUCH_TOKEN[] = "UPDATE api_tokens SET last_used_at = :now WHERE id = :id";
static const char SQL_INSERT_TOKEN[] =
    "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at)"
    " VALUES (:user_id, :name, :hash, :prefix, :now) RETURNING id";
static const char SQL_REVOKE_TOKEN[] =
    "UPDATE api_tokens SET revoked_at = :now"
    " WHERE id = :id AND user_id = :user_id AND revoked_at IS NULL";
static const char SQL_LIST_TOKENS[] =
    "SELECT id, name, prefix, created_at, COALESCE(last_used_at, 0), COALESCE(revoked_at, 0)"
    " FROM api_tokens WHERE user_id = :user_id ORDER BY id DESC";
static const char SQL_GET_SECRET[] = "SELECT value FROM settings WHERE key = 'server_secret'";
static const char SQL_PUT_SECRET[] =
    "INSERT INTO settings (key, value) VALUES ('server_secret', :value)"
    " ON CONFLICT (key) DO NOTHING";

/* A real argon2id hash of a random password: failed look-ups of unknown
 * usernames verify against it, so they take as long as known ones and do not
 * reveal which usernames exist. Written once by auth_init. */
static char dummy_hash[AUTH_HASH_BYTES];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static bool init_ok;

static void init_once_fn(void)
{
    if (sodium_init() < 0)
        return;
    char pw[33];
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
    init_ok = crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

bool auth_init(struct err *e)
{
    pthread_once(&init_once, init_once_fn);
    if (!init_ok)
        return err_set(e, ERR_INTERNAL, "", "libsodium failed to initialise");
    return true;
}

bool auth_hash_password(const char *password, char out[AUTH_HASH_BYTES], struct err *e)
{
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return err_set(e, ERR_NOMEM, "", "not enough memory to hash the password");
    return true;
}

/* 32 random bytes as URL-safe base64 (43 characters), with an optional prefix. */
static void random_token(char out[AUTH_TOKEN_CHARS + 1], const char *prefix)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    size_t p = strlen(prefix);
    memcpy(out, prefix, p);
    sodium_bin2base64(out + p, AUTH_TOKEN_CHARS + 1 - p, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

static void token_hash(const char *token, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, h, sizeof h);
}

bool auth_server_secret(struct store_conn *c, unsigned char key[32], struct err *e)
{
    struct store_stmt *st = store_prepare(c, SQL_PUT_SECRET, e);
    if (!st)
        return false;
    unsigned char fresh[32];
    char hex[65];
    randombytes_buf(fresh, sizeof fresh);
    sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
    store_bind_text(st, ":value", hex);
    if (!store_exec(st, e))
        return false;
    st = store_prepare(c, SQL_GET_SECRET, e);
    if (!st || store_step(st, e) != STORE_ROW)
        return err_set(e, ERR_STORE, "", "server secret missing");
    size_t len = 0;
    bool ok =
        sodium_hex2bin(key, 32, store_col_text(st, 0), 64, NULL, &len, NULL) == 0 && len == 32;
    store_exec(st, e);
    sodium_memzero(hex, sizeof hex);
    return ok ? true : err_set(e, ERR_STORE, "", "server secret is malformed");
}

void auth_login_csrf(const unsigned char key[32], const char *pre_cookie, char out[65])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)pre_cookie, strlen(pre_cookie), key);
    sodium_bin2hex(out, 65, mac, sizeof mac);
}

static bool audit_login(struct ctx *x, const char *action, int64_t user_id, const char *username,
                        const char *detail, struct err *e)
{
    /* The actor of a sign-in is the person signing in, known or not. */
    struct principal as = {.user_id = user_id, .username = username};
    const struct principal *saved = x->who;
    x->who = &as;
    bool ok = ctx_audit(x, action, user_id ? "user" : NULL, user_id, NULL, detail, e);
    x->who = saved;
    return ok;
}

/* Record a failure (and the lock it may trigger) in its own transaction. */
static void record_failure(struct ctx *x, int64_t user_id, const char *username, const char *why,
                           bool count_it)
{
    struct err e2 = ERR_INIT;
    bool ok = store_begin(x->conn, true, &e2);
    if (ok && count_it) {
        struct store_stmt *st = store_prepare(x->conn, SQL_LOGIN_FAILED, &e2);
        ok = st != NULL;
        if (ok) {
            int64_t until = x->now + x->cfg->login_lockout_minutes * 60;
            store_bind_int64(st, ":max", x->cfg->login_max_failures);
            store_bind_int64(st, ":until", until);
            store_bind_int64(st, ":now", x->now);
            store_bind_int64(st, ":id", user_id);
            ok = store_step(st, &e2) == STORE_ROW;
            if (ok && store_col_int64(st, 0) == until) { /* this failure set the lock */
                store_exec(st, &e2);
                ok = audit_login(x, "login-locked", user_id, username, "account locked", &e2);
            } else if (ok) {
                store_exec(st, &e2);
            }
        }
    }
    ok = ok && audit_login(x, "login-failed", user_id, username, why, &e2) &&
         store_commit(x->conn, &e2);
    if (!ok) {
        store_rollback(x->conn);
        /* The sign-in is refused either way; the lost audit row must be seen. */
        log_event(LOG_ERROR, "audit-write-failed", "action", "login-failed", "error", e2.message,
                  NULL);
    }
}

bool auth_sign_in(struct ctx *x, const char *username, const char *password,
                  int64_t previous_session, struct auth_session *out, struct err *e)
{
    static const char wrong[] = "The username or password is wrong";
    if (!username || !*username)
        return err_set(e, ERR_INVALID, "username", "Enter your username");
    if (!password || !*password)
        return err_set(e, ERR_INVALID, "password", "Enter your password");
    if (strlen(username) > 64 || strlen(password) > 128)
        return err_set(e, ERR_AUTH, "username", wrong);

    struct store_stmt *st = store_prepare(x->conn, SQL_LOGIN_USER, e);
    if (!st)
        return false;
    store_bind_text(st, ":username", username);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    int64_t user_id = 0, locked_until = 0;
    bool disabled = false;
    char hash[AUTH_HASH_BYTES];
    snprintf(hash, sizeof hash, "%s", dummy_hash);
    if (r == STORE_ROW) {
        user_id = store_col_int64(st, 0);
        snprintf(hash, sizeof hash, "%s", store_col_text(st, 1));
        disabled = store_col_int64(st, 2) != 0;
        locked_until = store_col_int64(st, 4);
        store_exec(st, e);
    }
    /* Always verify, so the time taken does not say whether the user exists. */
    bool good = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 && user_id;
    sodium_memzero(hash, sizeof hash);

    if (user_id && locked_until > x->now) {
        record_failure(x, user_id, username, "account is locked", false);
        long minutes = (long)((locked_until - x->now + 59) / 60);
        return err_set(e, ERR_LOCKED, "username",
                       "Too many failed sign-in attempts. Try again in %ld minute%s, or ask an "
                       "administrator to reset your password",
                       minutes, minutes == 1 ? "" : "s");
    }
    if (!good || disabled) {
        record_failure(x, user_id, username,
                       !user_id   ? "unknown username"
                       : disabled ? "account disabled"
                                  : "wrong password",
                       user_id && !disabled);
        return err_set(e, ERR_AUTH, "username", wrong);
    }

    random_token(out->token, "");
    random_token(out->csrf, "");
    out->user_id = user_id;
    char th[65];
    token_hash(out->token, th);
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    if (!store_exec_id(x->conn, SQL_LOGIN_OK, user_id, e) ||
        (previous_session && !store_exec_id(x->conn, SQL_DELETE_SESSION, previous_session, e)))
        goto done;
    st = store_prepare(x->conn, SQL_INSERT_SESSION, e);
    if (!st)
        goto done;
    store_bind_text(st, ":hash", th);
    store_bind_int64(st, ":user_id", user_id);
    store_bind_text(st, ":csrf", out->csrf);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":expires", x->now + x->cfg->session_absolute_hours * 3600);
    store_bind_text_or_null(st, ":ip", x->ip);
    ok = store_exec(st, e) && audit_login(x, "login", user_id, username, NULL, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static bool delete_session(struct ctx *x, int64_t id, struct err *e)
{
    return store_exec_id(x->conn, SQL_DELETE_SESSION, id, e);
}

/* End an expired session and say why, in one transaction. */
static bool expire_session(struct ctx *x, int64_t id, int64_t user_id, const char *username,
                           const char *why, struct err *e)
{
    struct err e2 = ERR_INIT;
    if (!store_begin(x->conn, true, &e2) || !delete_session(x, id, &e2) ||
        !audit_login(x, "session-expired", user_id, username, why, &e2) ||
        !store_commit(x->conn, &e2)) {
        store_rollback(x->conn);
        log_event(LOG_ERROR, "session-expiry-failed", "error", e2.message, NULL);
    }
    return err_set(e, ERR_AUTH, "", "Your session has expired (%s). Sign in again", why);
}

bool auth_session_principal(struct ctx *x, const char *token, struct principal *out, struct err *e)
{
    if (!token || strlen(token) > AUTH_TOKEN_CHARS)
        return err_set(e, ERR_AUTH, "", "You need to sign in");
    char th[65];
    token_hash(token, th);
    struct store_stmt *st = store_prepare(x->conn, SQL_SESSION, e);
    if (!st)
        return false;
    store_bind_text(st, ":hash", th);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE)
        return err_set(e, ERR_AUTH, "", "You need to sign in (your session has ended)");
    memset(out, 0, sizeof *out);
    out->session_id = store_col_int64(st, 0);
    out->user_id = store_col_int64(st, 1);
    out->csrf_token = arena_strdup(x->arena, store_col_text(st, 2));
    int64_t last_seen = store_col_int64(st, 3), expires = store_col_int64(st, 4);
    out->username = arena_strdup(x->arena, store_col_text(st, 5));
    out->display_name = arena_strdup(x->arena, store_col_text(st, 6));
    access_parse_role(store_col_text(st, 7), &out->role);
    bool disabled = store_col_int64(st, 8) != 0;
    store_exec(st, e);
    if (!out->csrf_token || !out->username || !out->display_name)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    if (disabled)
        return expire_session(x, out->session_id, out->user_id, out->username,
                              "the account is disabled", e);
    if (x->now >= expires)
        return expire_session(x, out->session_id, out->user_id, out->username,
                              "signed in too long ago", e);
    if (x->now - last_seen >= x->cfg->session_idle_minutes * 60)
        return expire_session(x, out->session_id, out->user_id, out->username,
                              "no activity for too long", e);
    /* Touch at most once a minute: the idle timeout is in minutes, and a write
     * per request would serialise every page view on the write lock. */
    if (x->now - last_seen >= 60) {
        st = store_prepare(x->conn, SQL_TOUCH_SESSION, e);
        if (!st)
            return false;
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":id", out->session_id);
        if (!store_exec(st, e))
            return false;
    }
    return true;
}

bool auth_token_principal(struct ctx *x, const char *token, struct principal *out, struct err *e)
{
    if (!token || strlen(token) > AUTH_TOKEN_CHARS)
        return err_set(e, ERR_AUTH, "", "The API token is not valid");
    char th[65];
    token_hash(token, th);
    struct store_stmt *st = store_prepare(x->conn, SQL_TOKEN, e);
    if (!st)
        return false;
    store_bind_text(st, ":hash", th);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE)
        return err_set(e, ERR_AUTH, "", "The API token is not valid or has been revoked");
    memset(out, 0, sizeof *out);
    out->token_id = store_col_int64(st, 0);
    out->user_id = store_col_int64(st, 1);
    int64_t last_used = store_col_int64(st, 2);
    out->username = arena_strdup(x->arena, store_col_text(st, 3));
    out->display_name = arena_strdup(x->arena, store_col_text(st, 4));
    access_parse_role(store_col_text(st, 5), &out->role);
    bool disabled = store_col_int64(st, 6) != 0;
    store_exec(st, e);
    if (!out->username || !out->display_name)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    if (disabled)
        return err_set(e, ERR_AUTH, "", "The API token's user is disabled");
    if (x->now - last_used >= 60) {
        st = store_prepare(x->conn, SQL_TOUCH_TOKEN, e);
        if (!st)
            return false;
        store_bind_int64(st, ":now", x->now);
        store_bind_int64(st, ":id", out->token_id);
        if (!store_exec(st, e))
            return false;
    }
    return true;
}

bool auth_sign_out(struct ctx *x, struct err *e)
{
    if (!access_require(x->who, PERM_SIGNED_IN, e))
        return false;
    bool ok = store_begin(x->conn, true, e) && delete_session(x, x->who->session_id, e) &&
              ctx_audit(x, "logout", "user", x->who->user_id, NULL, NULL, e) &&
              store_commit(x->conn, e);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool auth_sign_out_everywhere(struct ctx *x, int64_t *ended, struct err *e)
{
    if (!access_require(x->who, PERM_SIGNED_IN, e))
        return false;
    bool ok = false;
    struct buf detail = BUF_INIT;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_DELETE_USER_SESSIONS, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", x->who->user_id);
    if (!store_exec(st, e))
        goto done;
    int64_t n = store_changes(x->conn);
    buf_printf(&detail, "%lld sessions ended", (long long)n);
    ok = ctx_audit(x, "logout-everywhere", "user", x->who->user_id, NULL, detail.data, e) &&
         store_commit(x->conn, e);
    if (ok && ended)
        *ended = n;
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&detail);
    return ok;
}

/* A new token for user_id, audited with detail. */
static bool create_token(struct ctx *x, int64_t user_id, const char *name, const char *detail,
                         char token_out[AUTH_TOKEN_CHARS + 1], int64_t *id_out, struct err *e)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 100)
        return err_set(e, ERR_INVALID, "name",
                       "Give the token a name of 1 to 100 characters, saying what uses it");
    random_token(token_out, "cw_");
    char th[65], prefix[12];
    token_hash(token_out, th);
    snprintf(prefix, sizeof prefix, "%.10s", token_out);
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT_TOKEN, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":user_id", user_id);
    store_bind_text(st, ":name", name);
    store_bind_text(st, ":hash", th);
    store_bind_text(st, ":prefix", prefix);
    store_bind_int64(st, ":now", x->now);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t id = store_col_int64(st, 0);
    if (!store_exec(st, e) || !ctx_audit(x, "token.create", "api_token", id, NULL, detail, e) ||
        !store_commit(x->conn, e))
        goto done;
    if (id_out)
        *id_out = id;
    ok = true;
done:
    if (!ok) {
        store_rollback(x->conn);
        sodium_memzero(token_out, AUTH_TOKEN_CHARS + 1);
    }
    return ok;
}

bool auth_token_create(struct ctx *x, const char *name, char token_out[AUTH_TOKEN_CHARS + 1],
                       int64_t *id_out, struct err *e)
{
    if (!access_require(x->who, PERM_SIGNED_IN, e))
        return false;
    return create_token(x, x->who->user_id, name, name, token_out, id_out, e);
}

bool auth_token_create_for(struct ctx *x, int64_t user_id, const char *name,
                           char token_out[AUTH_TOKEN_CHARS + 1], int64_t *id_out, struct err *e)
{
    if (!access_require(x->who, PERM_USERS_ADMIN, e))
        return false;
    char detail[160];
    snprintf(detail, sizeof detail, "for user %lld: %.100s", (long long)user_id, name ? name : "");
    return create_token(x, user_id, name, detail, token_out, id_out, e);
}

bool auth_token_revoke(struct ctx *x, int64_t id, struct err *e)
{
    if (!access_require(x->who, PERM_SIGNED_IN, e))
        return false;
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_REVOKE_TOKEN, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":user_id", x->who->user_id);
    if (!store_exec(st, e))
        goto done;
    if (store_changes(x->conn) == 0) {
        err_set(e, ERR_NOT_FOUND, "", "You have no active API token %lld", (long long)id);
        goto done;
    }
    ok = ctx_audit(x, "token.revoke", "api_token", id, NULL, NULL, e) && store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool auth_token_list(struct ctx *x, bool (*fn)(const struct api_token *t, void *arg), void *arg,
                     struct err *e)
{
    if (!access_require(x->who, PERM_SIGNED_IN, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_LIST_TOKENS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":user_id", x->who->user_id);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct api_token t = {store_col_int64(st, 0), store_col_text(st, 1),
                              store_col_text(st, 2),  store_col_int64(st, 3),
                              store_col_int64(st, 4), store_col_int64(st, 5)};
        if (!fn(&t, arg))
            break;
    }
    return r != STORE_ERROR;
}
