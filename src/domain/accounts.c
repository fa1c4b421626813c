#include "domain/accounts.h"

#include <ctype.h>
#include <string.h>

#include "core/buf.h"
#include "domain/auth.h"

static const char SQL_INSERT_USER[] =
    "INSERT INTO users (username, display_name, email, role, password_hash, created_at,"
    " updated_at) VALUES (:username, :display_name, :email, :role, :hash, :now, :now)"
    " RETURNING id";
static const char SQL_USERNAME_TAKEN[] = "SELECT id FROM users WHERE username = :username";
static const char SQL_UPDATE_USER[] =
    "UPDATE users SET display_name = COALESCE(:display_name, display_name),"
    " email = CASE WHEN :email_set = 1 THEN :email ELSE email END,"
    " role = COALESCE(:role, role), updated_at = :now WHERE id = :id";
static const char SQL_CLEAR_TEAMS[] = "DELETE FROM user_teams WHERE user_id = :id";
static const char SQL_ADD_TEAM[] =
    "INSERT INTO user_teams (user_id, team_id) VALUES (:user_id, :team_id)";
static const char SQL_TEAM_EXISTS[] = "SELECT 1 FROM teams WHERE id = :id";
static const char SQL_SET_DISABLED[] =
    "UPDATE users SET disabled = :disabled, updated_at = :now WHERE id = :id";
static const char SQL_SET_PASSWORD[] =
    "UPDATE users SET password_hash = :hash, failed_logins = 0, locked_until = NULL,"
    " updated_at = :now WHERE id = :id";
static const char SQL_END_SESSIONS[] = "DELETE FROM sessions WHERE user_id = :id";
static const char SQL_GET_USER[] =
    "SELECT id, username, display_name, COALESCE(email, ''), role, disabled,"
    " COALESCE(locked_until, 0), created_at FROM users WHERE id = :id";
static const char SQL_USER_TEAMS[] =
    "SELECT t.id, t.name FROM user_teams ut JOIN teams t ON t.id = ut.team_id"
    " WHERE ut.user_id = :id ORDER BY t.name";
static const char SQL_LIST_USERS[] =
    "SELECT id, username, display_name, COALESCE(email, ''), role, disabled,"
    " COALESCE(locked_until, 0), created_at FROM users ORDER BY username";
static const char SQL_COUNT_USERS[] = "SELECT COUNT(*) FROM users";
static const char SQL_INSERT_TEAM[] =
    "INSERT INTO teams (name, created_at) VALUES (:name, :now) RETURNING id";
static const char SQL_TEAM_NAME_TAKEN[] = "SELECT id FROM teams WHERE name = :name";
static const char SQL_LIST_TEAMS[] =
    "SELECT t.id, t.name, (SELECT COUNT(*) FROM user_teams ut WHERE ut.team_id = t.id)"
    " FROM teams t ORDER BY t.name";

/* --- validation rules ---------------------------------------------------- */

bool accounts_check_username(const char *s, struct err *e)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 3 || n > 64)
        return err_set(e, ERR_INVALID, "username", "Username must be 3 to 64 characters long");
    if (!islower((unsigned char)s[0]))
        return err_set(e, ERR_INVALID, "username",
                       "Username must start with a lowercase letter (a to z)");
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!islower(c) && !isdigit(c) && c != '.' && c != '-' && c != '_')
            return err_set(e, ERR_INVALID, "username",
                           "Username can only contain lowercase letters, digits, '.', '-' and '_'");
    }
    return true;
}

/* NIST SP 800-63B: length over composition rules; at least 12 characters. */
bool accounts_check_password(const char *password, const char *username, struct err *e)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)(password ? password : ""); *p; p++)
        if ((*p & 0xC0) != 0x80)
            chars++;
    if (chars < 12)
        return err_set(e, ERR_INVALID, "password", "Password must be at least 12 characters long");
    if (strlen(password) > 128)
        return err_set(e, ERR_INVALID, "password", "Password must be 128 bytes or fewer");
    if (username && *username && strstr(password, username))
        return err_set(e, ERR_INVALID, "password", "Password must not contain the username");
    return true;
}

static bool has_control_chars(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

static bool check_display_name(const char *s, struct err *e)
{
    size_t n = strlen(s);
    if (n == 0)
        return err_set(e, ERR_INVALID, "display_name", "Enter the person's full name");
    if (n > 100)
        return err_set(e, ERR_INVALID, "display_name", "Full name must be 100 bytes or fewer");
    if (has_control_chars(s))
        return err_set(e, ERR_INVALID, "display_name",
                       "Full name must not contain control characters");
    return true;
}

static bool check_email(const char *s, struct err *e)
{
    if (!*s)
        return true;
    const char *at = strchr(s, '@');
    if (strlen(s) > 254 || !at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
        at[1] == '.' || s[strlen(s) - 1] == '.' || strpbrk(s, " \t<>,;\"") || has_control_chars(s))
        return err_set(e, ERR_INVALID, "email",
                       "Enter an email address in the correct format, like name@example.gov.uk");
    return true;
}

static bool check_role(const char *s, enum role *out, struct err *e)
{
    if (!access_parse_role(s, out))
        return err_set(e, ERR_INVALID, "role",
                       "Role must be administrator, manager, practitioner, auditor, councillor, "
                       "enquiry_coordinator or complaints_officer");
    return true;
}

static bool set_teams(struct ctx *x, int64_t user_id, const struct user_input *in, struct err *e)
{
    if (!store_exec_id(x->conn, SQL_CLEAR_TEAMS, user_id, e))
        return false;
    struct store_stmt *st;
    for (size_t i = 0; i < in->nteams; i++) {
        st = store_prepare(x->conn, SQL_TEAM_EXISTS, e);
        if (!st)
            return false;
        store_bind_int64(st, ":id", in->team_ids[i]);
        enum store_step_result r = store_step(st, e);
        if (r == STORE_ERROR)
            return false;
        if (r == STORE_DONE)
            return err_set(e, ERR_INVALID, "teams", "Team %lld does not exist",
                           (long long)in->team_ids[i]);
        st = store_prepare(x->conn, SQL_ADD_TEAM, e);
        if (!st)
            return false;
        store_bind_int64(st, ":user_id", user_id);
        store_bind_int64(st, ":team_id", in->team_ids[i]);
        if (!store_exec(st, e) && e->code != ERR_CONFLICT) /* the same team twice is harmless */
            return false;
    }
    return true;
}

/* Short JSON-ish description of what changed, for the audit detail. */
static void describe(struct buf *b, const struct user_input *in)
{
    const char *sep = "";
    if (in->username) {
        buf_printf(b, "username=%s", in->username);
        sep = " ";
    }
    if (in->display_name) {
        buf_printf(b, "%sdisplay_name=%s", sep, in->display_name);
        sep = " ";
    }
    if (in->email) {
        buf_printf(b, "%semail=%s", sep, in->email);
        sep = " ";
    }
    if (in->role) {
        buf_printf(b, "%srole=%s", sep, in->role);
        sep = " ";
    }
    if (in->set_teams) {
        buf_printf(b, "%steams=", sep);
        for (size_t i = 0; i < in->nteams; i++)
            buf_printf(b, "%s%lld", i ? "," : "", (long long)in->team_ids[i]);
    }
}

bool accounts_create_user(struct ctx *x, const struct user_input *in, int64_t *id_out,
                          struct err *e)
{
    enum role role;
    if (!access_require(x->who, PERM_USERS_ADMIN, e) || !accounts_check_username(in->username, e) ||
        !check_display_name(in->display_name ? in->display_name : "", e) ||
        !check_email(in->email ? in->email : "", e) ||
        !check_role(in->role ? in->role : "", &role, e) ||
        !accounts_check_password(in->password, in->username, e))
        return false;
    (void)role;
    /* Hash before taking the write lock: argon2id takes ~75 ms by design. */
    char hash[AUTH_HASH_BYTES];
    if (!auth_hash_password(in->password, hash, e))
        return false;

    bool ok = false;
    struct buf detail = BUF_INIT;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_USERNAME_TAKEN, e);
    if (!st)
        goto done;
    store_bind_text(st, ":username", in->username);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        goto done;
    if (r == STORE_ROW) {
        err_set(e, ERR_CONFLICT, "username", "Username %s is already taken", in->username);
        goto done;
    }
    st = store_prepare(x->conn, SQL_INSERT_USER, e);
    if (!st)
        goto done;
    store_bind_text(st, ":username", in->username);
    store_bind_text(st, ":display_name", in->display_name);
    store_bind_text_or_null(st, ":email", in->email);
    store_bind_text(st, ":role", in->role);
    store_bind_text(st, ":hash", hash);
    store_bind_int64(st, ":now", x->now);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t id = store_col_int64(st, 0);
    if (!store_exec(st, e) || !set_teams(x, id, in, e))
        goto done;
    describe(&detail, in);
    if (!ctx_audit(x, "user.create", "user", id, NULL, detail.data, e) || !store_commit(x->conn, e))
        goto done;
    if (id_out)
        *id_out = id;
    ok = true;
done:
    sodium_memzero(hash, sizeof hash);
    if (!ok)
        store_rollback(x->conn);
    buf_release(&detail);
    return ok;
}

/* Run one UPDATE keyed by :id and require it to find the user. */
static bool user_must_exist(struct ctx *x, int64_t id, struct err *e)
{
    if (store_changes(x->conn) == 0)
        return err_set(e, ERR_NOT_FOUND, "", "User %lld does not exist", (long long)id);
    return true;
}

bool accounts_update_user(struct ctx *x, int64_t id, const struct user_input *in, struct err *e)
{
    enum role role;
    if (!access_require(x->who, PERM_USERS_ADMIN, e) ||
        (in->display_name && !check_display_name(in->display_name, e)) ||
        (in->email && !check_email(in->email, e)) || (in->role && !check_role(in->role, &role, e)))
        return false;
    if (in->role && x->who->user_id == id && strcmp(in->role, "administrator") != 0)
        return err_set(e, ERR_INVALID, "role",
                       "You cannot remove your own administrator role; ask another administrator");
    bool ok = false;
    struct buf detail = BUF_INIT;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_UPDATE_USER, e);
    if (!st)
        goto done;
    store_bind_text_or_null(st, ":display_name", in->display_name);
    store_bind_int64(st, ":email_set", in->email != NULL);
    store_bind_text_or_null(st, ":email", in->email);
    store_bind_text_or_null(st, ":role", in->role);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":id", id);
    if (!store_exec(st, e) || !user_must_exist(x, id, e))
        goto done;
    if (in->set_teams && !set_teams(x, id, in, e))
        goto done;
    describe(&detail, in);
    ok = ctx_audit(x, "user.update", "user", id, NULL, detail.data, e) && store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&detail);
    return ok;
}

static bool end_sessions(struct ctx *x, int64_t id, struct err *e)
{
    return store_exec_id(x->conn, SQL_END_SESSIONS, id, e);
}

bool accounts_set_disabled(struct ctx *x, int64_t id, bool disabled, struct err *e)
{
    if (!access_require(x->who, PERM_USERS_ADMIN, e))
        return false;
    if (disabled && x->who->user_id == id)
        return err_set(e, ERR_INVALID, "", "You cannot disable your own account");
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_SET_DISABLED, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":disabled", disabled);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":id", id);
    if (!store_exec(st, e) || !user_must_exist(x, id, e))
        goto done;
    if (disabled && !end_sessions(x, id, e))
        goto done;
    ok = ctx_audit(x, disabled ? "user.disable" : "user.enable", "user", id, NULL, NULL, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool accounts_reset_password(struct ctx *x, int64_t id, const char *password, struct err *e)
{
    struct user u;
    if (!access_require(x->who, PERM_USERS_ADMIN, e) || !accounts_get_user(x, id, &u, e) ||
        !accounts_check_password(password, u.username, e))
        return false;
    char hash[AUTH_HASH_BYTES];
    if (!auth_hash_password(password, hash, e))
        return false;
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_SET_PASSWORD, e);
    if (!st)
        goto done;
    store_bind_text(st, ":hash", hash);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":id", id);
    if (!store_exec(st, e) || !user_must_exist(x, id, e) || !end_sessions(x, id, e))
        goto done;
    ok = ctx_audit(x, "user.reset-password", "user", id, NULL, NULL, e) && store_commit(x->conn, e);
done:
    sodium_memzero(hash, sizeof hash);
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static void read_user(struct ctx *x, struct store_stmt *st, struct user *u)
{
    memset(u, 0, sizeof *u);
    u->id = store_col_int64(st, 0);
    u->username = arena_strdup(x->arena, store_col_text(st, 1));
    u->display_name = arena_strdup(x->arena, store_col_text(st, 2));
    u->email = arena_strdup(x->arena, store_col_text(st, 3));
    access_parse_role(store_col_text(st, 4), &u->role);
    u->disabled = store_col_int64(st, 5) != 0;
    u->locked_until = store_col_int64(st, 6);
    if (u->locked_until <= x->now)
        u->locked_until = 0;
    u->created_at = store_col_int64(st, 7);
}

static bool load_teams(struct ctx *x, struct user *u, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_USER_TEAMS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", u->id);
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW && u->nteams < ACCOUNTS_MAX_TEAMS) {
        u->team_ids[u->nteams] = store_col_int64(st, 0);
        u->team_names[u->nteams] = arena_strdup(x->arena, store_col_text(st, 1));
        u->nteams++;
    }
    return r != STORE_ERROR;
}

bool accounts_get_user(struct ctx *x, int64_t id, struct user *out, struct err *e)
{
    if (!access_require(x->who, PERM_USERS_ADMIN, e))
        return false;
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_GET_USER, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        goto done;
    if (r == STORE_DONE) {
        err_set(e, ERR_NOT_FOUND, "", "User %lld does not exist", (long long)id);
        goto done;
    }
    read_user(x, st, out);
    store_exec(st, e);
    ok = load_teams(x, out, e) && ctx_audit(x, "user.view", "user", id, NULL, NULL, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool accounts_find_username(struct ctx *x, const char *username, int64_t *id, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_USERNAME_TAKEN, e);
    if (!st)
        return false;
    store_bind_text(st, ":username", username);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ROW) {
        *id = store_col_int64(st, 0);
        store_exec(st, e);
        return true;
    }
    if (r == STORE_DONE)
        err_set(e, ERR_NOT_FOUND, "username", "No user is called %s", username);
    return false;
}

bool accounts_list_users(struct ctx *x, bool (*fn)(const struct user *u, void *arg), void *arg,
                         struct err *e)
{
    if (!access_require(x->who, PERM_USERS_ADMIN, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_LIST_USERS, e);
    if (!st)
        return false;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct user u;
        read_user(x, st, &u);
        if (!fn(&u, arg))
            break;
    }
    return r != STORE_ERROR;
}

bool accounts_count_users(struct ctx *x, int64_t *count, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_COUNT_USERS, e);
    if (!st || store_step(st, e) != STORE_ROW)
        return false;
    *count = store_col_int64(st, 0);
    store_exec(st, e);
    return true;
}

bool accounts_create_team(struct ctx *x, const char *name, int64_t *id_out, struct err *e)
{
    size_t n = name ? strlen(name) : 0;
    if (!access_require(x->who, PERM_USERS_ADMIN, e))
        return false;
    if (n == 0 || n > 100 || has_control_chars(name))
        return err_set(e, ERR_INVALID, "name",
                       "Team name must be 1 to 100 characters with no control characters");
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_TEAM_NAME_TAKEN, e);
    if (!st)
        goto done;
    store_bind_text(st, ":name", name);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        goto done;
    if (r == STORE_ROW) {
        err_set(e, ERR_CONFLICT, "name", "A team called %s already exists", name);
        goto done;
    }
    st = store_prepare(x->conn, SQL_INSERT_TEAM, e);
    if (!st)
        goto done;
    store_bind_text(st, ":name", name);
    store_bind_int64(st, ":now", x->now);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t id = store_col_int64(st, 0);
    if (!store_exec(st, e) || !ctx_audit(x, "team.create", "team", id, NULL, name, e) ||
        !store_commit(x->conn, e))
        goto done;
    if (id_out)
        *id_out = id;
    ok = true;
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool accounts_list_teams(struct ctx *x, bool (*fn)(const struct team *t, void *arg), void *arg,
                         struct err *e)
{
    if (!access_require(x->who, PERM_SIGNED_IN, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_LIST_TEAMS, e);
    if (!st)
        return false;
    enum store_step_result r;
    while ((r = store_step(st, e)) == STORE_ROW) {
        struct team t = {store_col_int64(st, 0), store_col_text(st, 1), store_col_int64(st, 2)};
        if (!fn(&t, arg))
            break;
    }
    return r != STORE_ERROR;
}
