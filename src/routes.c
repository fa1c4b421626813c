#include "routes.h"

#include "api/api.h"
#include "web/pages.h"

enum {
    PAGE = ROUTE_PAGE,
    FORM = ROUTE_PAGE | ROUTE_CSRF,
    API = ROUTE_API,
    API_WRITE = ROUTE_API | ROUTE_CSRF,
};

const struct route casework_routes[] = {
    /* static assets, served from the binary */
    {"GET", "/assets/", PERM_NONE, ROUTE_PREFIX, http_serve_asset, "page assets"},
    {"GET", "/health", PERM_NONE, API, api_health, "health check"},

    /* pages */
    {"GET", "/sign-in", PERM_NONE, PAGE, page_sign_in_form, "sign-in form"},
    {"POST", "/sign-in", PERM_NONE, PAGE | ROUTE_LOGIN_CSRF, page_sign_in, "sign in"},
    {"POST", "/sign-out", PERM_SIGNED_IN, FORM, page_sign_out, "sign out"},
    {"GET", "/", PERM_SIGNED_IN, PAGE, page_home, "home"},
    {"GET", "/account", PERM_SIGNED_IN, PAGE, page_account, "own account and tokens"},
    {"POST", "/account/tokens", PERM_SIGNED_IN, FORM, page_account_token_create,
     "create API token"},
    {"POST", "/account/tokens/:id/revoke", PERM_SIGNED_IN, FORM, page_account_token_revoke,
     "revoke API token"},
    {"POST", "/account/sign-out-everywhere", PERM_SIGNED_IN, FORM, page_account_sign_out_everywhere,
     "end all own sessions"},
    {"GET", "/admin/users", PERM_USERS_ADMIN, PAGE, page_admin_users, "list users"},
    {"POST", "/admin/users", PERM_USERS_ADMIN, FORM, page_admin_user_create, "add user"},
    {"GET", "/admin/users/:id", PERM_USERS_ADMIN, PAGE, page_admin_user, "view user"},
    {"POST", "/admin/users/:id", PERM_USERS_ADMIN, FORM, page_admin_user_update, "change user"},
    {"POST", "/admin/users/:id/disable", PERM_USERS_ADMIN, FORM, page_admin_user_disable,
     "disable or enable user"},
    {"POST", "/admin/users/:id/reset", PERM_USERS_ADMIN, FORM, page_admin_user_reset,
     "reset password"},
    {"GET", "/admin/teams", PERM_USERS_ADMIN, PAGE, page_admin_teams, "list teams"},
    {"POST", "/admin/teams", PERM_USERS_ADMIN, FORM, page_admin_team_create, "add team"},
    {"GET", "/admin/audit", PERM_AUDIT_READ, PAGE, page_admin_audit, "audit log"},

    /* JSON API */
    {"GET", "/api/v1/health", PERM_NONE, API, api_health, "health check"},
    {"GET", "/api/v1/me", PERM_SIGNED_IN, API, api_me, "who am I"},
    {"GET", "/api/v1/users", PERM_USERS_ADMIN, API, api_users_list, "list users"},
    {"POST", "/api/v1/users", PERM_USERS_ADMIN, API_WRITE, api_users_create, "add user"},
    {"GET", "/api/v1/users/:id", PERM_USERS_ADMIN, API, api_user_get, "view user"},
    {"PATCH", "/api/v1/users/:id", PERM_USERS_ADMIN, API_WRITE, api_user_update, "change user"},
    {"POST", "/api/v1/users/:id/reset-password", PERM_USERS_ADMIN, API_WRITE,
     api_user_reset_password, "reset password"},
    {"GET", "/api/v1/teams", PERM_SIGNED_IN, API, api_teams_list, "list teams"},
    {"POST", "/api/v1/teams", PERM_USERS_ADMIN, API_WRITE, api_teams_create, "add team"},
    {"GET", "/api/v1/tokens", PERM_SIGNED_IN, API, api_tokens_list, "own API tokens"},
    {"POST", "/api/v1/tokens", PERM_SIGNED_IN, API_WRITE, api_tokens_create, "create API token"},
    {"DELETE", "/api/v1/tokens/:id", PERM_SIGNED_IN, API_WRITE, api_token_revoke,
     "revoke API token"},
    {"POST", "/api/v1/sign-out-everywhere", PERM_SIGNED_IN, API_WRITE, api_sign_out_everywhere,
     "end all own sessions"},
    {"GET", "/api/v1/audit", PERM_AUDIT_READ, API, api_audit_list, "audit log"},
    {"GET", "/api/v1/audit/verify", PERM_AUDIT_READ, API, api_audit_verify, "verify audit chain"},
};

const size_t casework_routes_count = sizeof casework_routes / sizeof casework_routes[0];
