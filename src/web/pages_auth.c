#include <sodium.h>
#include <string.h>

#include "domain/accounts.h"
#include "domain/auth.h"
#include "web/page.h"
#include "web/pages.h"

static const char SESSION_COOKIE[] = "cw_session";
static const char PRE_COOKIE[] = "cw_pre";

/* Only local paths may follow sign-in, never another site ("//evil" included). */
static const char *safe_next(const char *next)
{
    if (next && next[0] == '/' && next[1] != '/' && next[1] != '\\' && strlen(next) < 512 &&
        !strpbrk(next, "\r\n"))
        return next;
    return "/";
}

static void render_sign_in(struct request *r, int status, const char *username, const struct err *e)
{
    /* The pre-sign-in cookie binds the form's CSRF token to this browser. */
    const char *pre = http_cookie(r, PRE_COOKIE);
    char fresh[AUTH_TOKEN_CHARS + 1];
    if (!pre || strlen(pre) < 32 || strlen(pre) > AUTH_TOKEN_CHARS) {
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(fresh, sizeof fresh, raw, sizeof raw,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        http_set_cookie(r, PRE_COOKIE, fresh, 0);
        pre = fresh;
    }
    char csrf[65];
    auth_login_csrf(http_app(r)->secret, pre, csrf);
    const char *next = http_query(r, "next");
    if (!next)
        next = http_form(r, "next");

    struct buf b = BUF_INIT;
    page_begin(&b, r, e && e->code ? "Error: Sign in" : "Sign in");
    html(&b, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
    page_error_summary(&b, e);
    if (http_query(r, "expired"))
        html(&b, "<div class=\"govuk-notification-banner\" role=\"region\" "
                 "aria-labelledby=\"nb-title\" data-module=\"govuk-notification-banner\">"
                 "<div class=\"govuk-notification-banner__header\"><h2 "
                 "class=\"govuk-notification-banner__title\" id=\"nb-title\">Important</h2></div>"
                 "<div class=\"govuk-notification-banner__content\"><p "
                 "class=\"govuk-notification-banner__heading\">Your session has ended. Sign in "
                 "again to continue.</p></div></div>");
    if (http_query(r, "signed_out"))
        html(&b,
             "<div class=\"govuk-notification-banner govuk-notification-banner--success\" "
             "role=\"alert\" data-module=\"govuk-notification-banner\"><div "
             "class=\"govuk-notification-banner__content\"><p "
             "class=\"govuk-notification-banner__heading\">You have signed out.</p></div></div>");
    html(&b,
         "<h1 class=\"govuk-heading-l\">Sign in to casework</h1>"
         "<form method=\"post\" action=\"/sign-in\" novalidate>"
         "<input type=\"hidden\" name=\"csrf_token\" value=\"%s\">"
         "<input type=\"hidden\" name=\"next\" value=\"%s\">",
         csrf, safe_next(next));
    page_input(&b, "username", "Username", NULL, username, "text", "username", e);
    page_input(&b, "password", "Password", NULL, "", "password", "current-password", e);
    html(&b, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">"
             "Sign in</button></form></div></div>");
    page_send(&b, r, status);
}

void page_sign_in_form(struct request *r)
{
    if (http_principal(r)) {
        http_redirect(r, "/");
        return;
    }
    render_sign_in(r, 200, "", NULL);
}

void page_sign_in(struct request *r)
{
    struct err e = ERR_INIT;
    struct auth_session s;
    const char *username = http_form(r, "username");
    const struct principal *before = http_principal(r);
    if (!auth_sign_in(http_ctx(r), username, http_form(r, "password"),
                      before ? before->session_id : 0, &s, &e)) {
        render_sign_in(r, e.code == ERR_STORE ? 500 : err_http_status(e.code), username, &e);
        return;
    }
    /* A new session id at every sign-in (no fixation); the pre-sign-in cookie goes. */
    http_set_cookie(r, SESSION_COOKIE, s.token, 0);
    http_set_cookie(r, PRE_COOKIE, "", -1);
    sodium_memzero(&s, sizeof s);
    http_redirect(r, safe_next(http_form(r, "next")));
}

void page_sign_out(struct request *r)
{
    struct err e = ERR_INIT;
    if (!auth_sign_out(http_ctx(r), &e)) {
        http_reply_err(r, &e);
        return;
    }
    http_set_cookie(r, SESSION_COOKIE, "", -1);
    http_redirect(r, "/sign-in?signed_out=1");
}

void page_home(struct request *r)
{
    const struct principal *who = http_principal(r);
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Home");
    html(&b,
         "<h1 class=\"govuk-heading-l\">Welcome, %s</h1>"
         "<p class=\"govuk-body\">You are signed in as <strong>%s</strong> with the role "
         "<strong>%s</strong>.</p>",
         who->display_name, who->username, access_role_label(who->role));
    html(&b, "<ul class=\"govuk-list\">");
    if (access_allows(who, PERM_USERS_ADMIN))
        html(&b, "<li><a class=\"govuk-link\" href=\"/admin/users\">Manage users</a></li>"
                 "<li><a class=\"govuk-link\" href=\"/admin/teams\">Manage teams</a></li>");
    if (access_allows(who, PERM_AUDIT_READ))
        html(&b, "<li><a class=\"govuk-link\" href=\"/admin/audit\">Audit log</a></li>");
    html(&b, "<li><a class=\"govuk-link\" href=\"/account\">Your account and API tokens</a></li>"
             "</ul>");
    page_send(&b, r, 200);
}

struct token_rows {
    struct buf *b;
    struct request *r;
    int n;
};

static bool token_row(const struct api_token *t, void *arg)
{
    struct token_rows *tr = arg;
    struct buf *b = tr->b;
    tr->n++;
    html(b,
         "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td>"
         "<td class=\"govuk-table__cell cw-mono\">%s…</td><td class=\"govuk-table__cell\">",
         t->name, t->prefix);
    page_when(b, t->created_at);
    html(b, "</td><td class=\"govuk-table__cell\">");
    if (t->revoked_at) {
        html(b, "<strong class=\"govuk-tag govuk-tag--grey\">Revoked</strong>");
    } else {
        html(b, "<form method=\"post\" action=\"/account/tokens/%D/revoke\">", t->id);
        page_csrf(b, tr->r);
        html(b,
             "<button class=\"govuk-button govuk-button--warning govuk-!-margin-bottom-0\" "
             "data-module=\"govuk-button\">Revoke<span class=\"govuk-visually-hidden\"> %s"
             "</span></button></form>",
             t->name);
    }
    html(b, "</td></tr>");
    return true;
}

static void render_account(struct request *r, int status, const char *new_token,
                           const struct err *e)
{
    const struct principal *who = http_principal(r);
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Your account");
    page_error_summary(&b, e);
    html(&b,
         "<h1 class=\"govuk-heading-l\">Your account</h1>"
         "<dl class=\"govuk-summary-list\">"
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
         "Name</dt><dd class=\"govuk-summary-list__value\">%s</dd></div>"
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
         "Username</dt><dd class=\"govuk-summary-list__value\">%s</dd></div>"
         "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">"
         "Role</dt><dd class=\"govuk-summary-list__value\">%s</dd></div></dl>",
         who->display_name, who->username, access_role_label(who->role));
    if (new_token)
        html(&b,
             "<div class=\"govuk-panel govuk-panel--confirmation\"><h2 "
             "class=\"govuk-panel__title\">API token created</h2><div class=\"govuk-panel__body\">"
             "Copy it now: it will not be shown again.<br><span class=\"cw-mono\" "
             "data-testid=\"new-token\">%s</span></div></div>",
             new_token);
    html(&b, "<h2 class=\"govuk-heading-m\">API tokens</h2>"
             "<p class=\"govuk-body\">Integrations send a token as "
             "<code>Authorization: Bearer &lt;token&gt;</code>. Only a hash is kept.</p>"
             "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
             "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Name</th>"
             "<th scope=\"col\" class=\"govuk-table__header\">Starts</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Created</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Status</th></tr></thead><tbody "
             "class=\"govuk-table__body\">");
    struct token_rows tr = {&b, r, 0};
    struct err le = ERR_INIT;
    if (!auth_token_list(http_ctx(r), token_row, &tr, &le)) {
        buf_release(&b);
        http_reply_err(r, &le);
        return;
    }
    html(&b, "</tbody></table>");
    html(&b, "<form method=\"post\" action=\"/account/tokens\" novalidate>");
    page_csrf(&b, r);
    page_input(&b, "name", "New token name", "Say what will use it, like 'nightly extract'", "",
               "text", "off", e);
    html(&b, "<button class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">"
             "Create API token</button></form>"
             "<h2 class=\"govuk-heading-m\">Sign out everywhere</h2>"
             "<p class=\"govuk-body\">Ends every session you have open, on every device.</p>"
             "<form method=\"post\" action=\"/account/sign-out-everywhere\">");
    page_csrf(&b, r);
    html(&b, "<button class=\"govuk-button govuk-button--warning\" data-module=\"govuk-button\">"
             "Sign out everywhere</button></form>");
    page_send(&b, r, status);
}

void page_account(struct request *r)
{
    render_account(r, 200, NULL, NULL);
}

void page_account_token_create(struct request *r)
{
    struct err e = ERR_INIT;
    char token[AUTH_TOKEN_CHARS + 1];
    if (!auth_token_create(http_ctx(r), http_form(r, "name"), token, NULL, &e)) {
        render_account(r, err_http_status(e.code), NULL, &e);
        return;
    }
    render_account(r, 201, token, NULL);
    sodium_memzero(token, sizeof token);
}

void page_account_token_revoke(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!auth_token_revoke(http_ctx(r), id, &e)) {
        http_reply_err(r, &e);
        return;
    }
    http_redirect(r, "/account");
}

void page_account_sign_out_everywhere(struct request *r)
{
    struct err e = ERR_INIT;
    if (!auth_sign_out_everywhere(http_ctx(r), NULL, &e)) {
        http_reply_err(r, &e);
        return;
    }
    http_set_cookie(r, SESSION_COOKIE, "", -1);
    http_redirect(r, "/sign-in?signed_out=1");
}
