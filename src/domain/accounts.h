/*
 * accounts: staff users and teams. Every entry point checks access
 * (PERM_USERS_ADMIN for changes) and writes its audit row in the same
 * transaction as the change, which commits before the call returns true.
 *
 * Results are allocated from ctx->arena and live as long as the request.
 * Thread-safety: as the ctx's connection (one thread).
 */
#ifndef CASEWORK_DOMAIN_ACCOUNTS_H
#define CASEWORK_DOMAIN_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ctx.h"

enum { ACCOUNTS_MAX_TEAMS = 32 };

struct user {
    int64_t id;
    const char *username;
    const char *display_name;
    const char *email; /* "" when none */
    enum role role;
    bool disabled;
    int64_t locked_until; /* 0 when not locked */
    int64_t created_at;
    size_t nteams;
    int64_t team_ids[ACCOUNTS_MAX_TEAMS];
    const char *team_names[ACCOUNTS_MAX_TEAMS];
};

/* What a person types to create or change a user. NULL fields are left as they
 * are on update; username and password apply to creation only. */
struct user_input {
    const char *username;
    const char *display_name;
    const char *email;
    const char *role;
    const char *password;
    bool set_teams; /* on update, replace teams with team_ids */
    size_t nteams;
    int64_t team_ids[ACCOUNTS_MAX_TEAMS];
};

struct team {
    int64_t id;
    const char *name;
    int64_t members;
};

/* Validation rules, shared with forms: each returns false naming field and rule. */
bool accounts_check_username(const char *s, struct err *e);
bool accounts_check_password(const char *password, const char *username, struct err *e);

/* Create a user; *id_out gets the new id. ERR_CONFLICT if the username is taken. */
bool accounts_create_user(struct ctx *x, const struct user_input *in, int64_t *id_out,
                          struct err *e);
/* Change display name, email, role or teams. */
bool accounts_update_user(struct ctx *x, int64_t id, const struct user_input *in, struct err *e);
/* Disable (true) or re-enable a user; disabling ends their sessions. */
bool accounts_set_disabled(struct ctx *x, int64_t id, bool disabled, struct err *e);
/* Set a new password, clear any lock-out and end the user's sessions. */
bool accounts_reset_password(struct ctx *x, int64_t id, const char *password, struct err *e);

/* Load one user (audited as a view of a staff record). */
bool accounts_get_user(struct ctx *x, int64_t id, struct user *out, struct err *e);
/* The id for a username; ERR_NOT_FOUND if none. Not audited: ids are not personal data. */
bool accounts_find_username(struct ctx *x, const char *username, int64_t *id, struct err *e);
/* Every user in username order; fn returns false to stop. */
bool accounts_list_users(struct ctx *x, bool (*fn)(const struct user *u, void *arg), void *arg,
                         struct err *e);
/* Number of users (for first start). */
bool accounts_count_users(struct ctx *x, int64_t *count, struct err *e);

bool accounts_create_team(struct ctx *x, const char *name, int64_t *id_out, struct err *e);
bool accounts_list_teams(struct ctx *x, bool (*fn)(const struct team *t, void *arg), void *arg,
                         struct err *e);

#endif
