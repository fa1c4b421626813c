#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "access/audit.h"
#include "domain/auditlog.h"
#include "domain/accounts.h"
#include "domain/auth.h"
#include "web/page.h"
#include "web/pages.h"

/* A readable one-time password: 20 characters from an unambiguous alphabet
 * (about 100 bits), shown once to the administrator to pass on. */
static void generate_password(char out[21])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    for (int i = 0; i < 20; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[20] = '\0';
}

static const char *const role_values[] = {"practitioner",      "manager",    "administrator",
                                          "auditor",           "councillor", "enquiry_coordinator",
                                          "complaints_officer"};

static void role_radios(struct buf *b, const char *current)
{
    html(b, "<div class=\"govuk-form-group\"><fieldset class=\"govuk-fieldset\">"
            "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">Role</legend>"
            "<div class=\"govuk-radios govuk-radios--small\" data-module=\"govuk-radios\">");
    for (size_t i = 0; i < sizeof role_values / sizeof role_values[0]; i++) {
        enum role role;
        access_parse_role(role_values[i], &role);
        bool checked = current ? strcmp(current, role_values[i]) == 0 : i == 0;
        html(b,
             "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" "
             "id=\"role-%s\" name=\"role\" type=\"radio\" value=\"%s\"%R>"
             "<label class=\"govuk-label govuk-radios__label\" for=\"role-%s\">%s</label></div>",
             role_values[i], role_values[i], checked ? " checked" : "", role_values[i],
             access_role_label(role));
    }
    html(b, "</div></fieldset></div>");
}

struct team_boxes {
    struct buf *b;
    const struct user *u;
    int n;
};

static bool team_box(const struct team *t, void *arg)
{
    struct team_boxes *tb = arg;
    bool checked = false;
    for (size_t i = 0; tb->u && i < tb->u->nteams; i++)
        if (tb->u->team_ids[i] == t->id)
            checked = true;
    html(tb->b,
         "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" "
         "id=\"team-%D\" name=\"teams\" type=\"checkbox\" value=\"%D\"%R>"
         "<label class=\"govuk-label govuk-checkboxes__label\" for=\"team-%D\">%s</label></div>",
         t->id, t->id, checked ? " checked" : "", t->id, t->name);
    tb->n++;
    return true;
}

static bool team_checkboxes(struct request *r, struct buf *b, const struct user *u, struct err *e)
{
    html(b, "<div class=\"govuk-form-group\"><fieldset class=\"govuk-fieldset\">"
            "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">Teams</legend>"
            "<div class=\"govuk-checkboxes govuk-checkboxes--small\" "
            "data-module=\"govuk-checkboxes\">");
    struct team_boxes tb = {b, u, 0};
    if (!accounts_list_teams(http_ctx(r), team_box, &tb, e))
        return false;
    if (!tb.n)
        html(b, "<p class=\"govuk-body\">No teams yet. <a class=\"govuk-link\" "
                "href=\"/admin/teams\">Add a team</a>.</p>");
    html(b, "</div></fieldset></div>");
    return true;
}

/* Read the checked teams from the form; false on a malformed id. */
static bool form_teams(struct request *r, struct user_input *in, struct err *e)
{
    const char *vals[ACCOUNTS_MAX_TEAMS + 1];
    size_t n = http_form_all(r, "teams", vals, ACCOUNTS_MAX_TEAMS + 1);
    if (n > ACCOUNTS_MAX_TEAMS)
        return err_set(e, ERR_INVALID, "teams", "A user can be in at most %d teams",
                       ACCOUNTS_MAX_TEAMS);
    in->set_teams = true;
    in->nteams = 0;
    for (size_t i = 0; i < n; i++) {
        char *end;
        long long id = strtoll(vals[i], &end, 10);
        if (id <= 0 || *end)
            return err_set(e, ERR_INVALID, "teams", "Choose teams from the list");
        in->team_ids[in->nteams++] = id;
    }
    return true;
}

struct user_rows {
    struct buf *b;
};

static bool user_row(const struct user *u, void *arg)
{
    struct buf *b = ((struct user_rows *)arg)->b;
    html(b,
         "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
         "href=\"/admin/users/%D\">%s</a></td><td class=\"govuk-table__cell\">%s</td>"
         "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%R</td></tr>",
         u->id, u->username, u->display_name, access_role_label(u->role),
         u->disabled       ? "<strong class=\"govuk-tag govuk-tag--grey\">Disabled</strong>"
         : u->locked_until ? "<strong class=\"govuk-tag govuk-tag--red\">Locked</strong>"
                           : "<strong class=\"govuk-tag govuk-tag--green\">Active</strong>");
    return true;
}

static void render_users(struct request *r, int status, const struct user_input *in,
                         const char *created_name, const char *created_password,
                         const struct err *e)
{
    struct buf b = BUF_INIT;
    struct err le = ERR_INIT;
    page_begin(&b, r, "Users");
    page_error_summary(&b, e);
    if (created_password)
        html(&b,
             "<div class=\"govuk-panel govuk-panel--confirmation\"><h2 "
             "class=\"govuk-panel__title\">User %s created</h2><div class=\"govuk-panel__body\">"
             "Their first password is <span class=\"cw-mono\" data-testid=\"password\">%s</span>"
             "<br>Give it to them securely; it is not shown again.</div></div>",
             created_name, created_password);
    html(&b, "<h1 class=\"govuk-heading-l\">Users</h1><table class=\"govuk-table\"><thead "
             "class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
             "class=\"govuk-table__header\">Username</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Name</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Role</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Status</th></tr></thead><tbody "
             "class=\"govuk-table__body\">");
    struct user_rows ur = {&b};
    if (!accounts_list_users(http_ctx(r), user_row, &ur, &le))
        goto fail;
    html(&b, "</tbody></table><h2 class=\"govuk-heading-m\">Add a user</h2>"
             "<form method=\"post\" action=\"/admin/users\" novalidate>");
    page_csrf(&b, r);
    page_input(&b, "username", "Username",
               "3 to 64 characters: lowercase letters, digits, '.', '-' or '_'",
               in ? in->username : "", "text", "off", e);
    page_input(&b, "display_name", "Full name", NULL, in ? in->display_name : "", "text", "off", e);
    page_input(&b, "email", "Email address (optional)", NULL, in ? in->email : "", "email", "off",
               e);
    role_radios(&b, in ? in->role : NULL);
    if (!team_checkboxes(r, &b, NULL, &le))
        goto fail;
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Add user</button>"
             "</form>");
    page_send(&b, r, status);
    return;
fail:
    buf_release(&b);
    http_reply_err(r, &le);
}

void page_admin_users(struct request *r)
{
    render_users(r, 200, NULL, NULL, NULL, NULL);
}

void page_admin_user_create(struct request *r)
{
    struct user_input in = {
        .username = http_form(r, "username"),
        .display_name = http_form(r, "display_name"),
        .email = http_form(r, "email"),
        .role = http_form(r, "role"),
    };
    char password[21];
    generate_password(password);
    in.password = password;
    struct err e = ERR_INIT;
    if (!form_teams(r, &in, &e) || !accounts_create_user(http_ctx(r), &in, NULL, &e)) {
        render_users(r, err_http_status(e.code), &in, NULL, NULL, &e);
        return;
    }
    render_users(r, 201, NULL, in.username, password, NULL);
    sodium_memzero(password, sizeof password);
}

static void render_user(struct request *r, int status, int64_t id, const char *notice,
                        const char *new_password, const struct err *e)
{
    struct user u;
    struct err le = ERR_INIT;
    if (!accounts_get_user(http_ctx(r), id, &u, &le)) {
        http_reply_err(r, &le);
        return;
    }
    struct buf b = BUF_INIT;
    page_begin(&b, r, u.display_name);
    page_error_summary(&b, e);
    if (notice)
        html(&b,
             "<div class=\"govuk-notification-banner govuk-notification-banner--success\" "
             "role=\"alert\"><div class=\"govuk-notification-banner__content\"><p "
             "class=\"govuk-notification-banner__heading\">%s</p></div></div>",
             notice);
    if (new_password)
        html(&b,
             "<div class=\"govuk-panel govuk-panel--confirmation\"><h2 "
             "class=\"govuk-panel__title\">Password reset</h2><div "
             "class=\"govuk-panel__body\">New password: <span class=\"cw-mono\" "
             "data-testid=\"password\">%s</span><br>It is not shown again.</div></div>",
             new_password);
    html(&b,
         "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-l\">%s</h1>"
         "<p class=\"govuk-body\">Status: %R</p>",
         u.username, u.display_name,
         u.disabled       ? "<strong class=\"govuk-tag govuk-tag--grey\">Disabled</strong>"
         : u.locked_until ? "<strong class=\"govuk-tag govuk-tag--red\">Locked after failed "
                            "sign-ins</strong>"
                          : "<strong class=\"govuk-tag govuk-tag--green\">Active</strong>");
    html(&b, "<form method=\"post\" action=\"/admin/users/%D\" novalidate>", u.id);
    page_csrf(&b, r);
    page_input(&b, "display_name", "Full name", NULL, u.display_name, "text", "off", e);
    page_input(&b, "email", "Email address (optional)", NULL, u.email, "email", "off", e);
    role_radios(&b, access_role_name(u.role));
    if (!team_checkboxes(r, &b, &u, &le)) {
        buf_release(&b);
        http_reply_err(r, &le);
        return;
    }
    html(&b,
         "<button class=\"govuk-button\" data-module=\"govuk-button\">Save changes</button>"
         "</form><h2 class=\"govuk-heading-m\">Account</h2><div class=\"govuk-button-group\">"
         "<form method=\"post\" action=\"/admin/users/%D/reset\">",
         u.id);
    page_csrf(&b, r);
    html(&b,
         "<button class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">"
         "Reset password</button></form><form method=\"post\" "
         "action=\"/admin/users/%D/disable\"><input type=\"hidden\" name=\"disabled\" "
         "value=\"%s\">",
         u.id, u.disabled ? "0" : "1");
    page_csrf(&b, r);
    html(&b,
         "<button class=\"govuk-button govuk-button--warning\" data-module=\"govuk-button\">"
         "%s</button></form></div>"
         "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/admin/audit?record_type=user"
         "&amp;record_id=%D\">Audit of this user record</a></p>",
         u.disabled ? "Enable account" : "Disable account", u.id);
    page_send(&b, r, status);
}

void page_admin_user(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        render_user(r, 200, id, NULL, NULL, NULL);
}

void page_admin_user_update(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    struct user_input in = {
        .display_name = http_form(r, "display_name"),
        .email = http_form(r, "email"),
        .role = http_form(r, "role"),
    };
    struct err e = ERR_INIT;
    if (!form_teams(r, &in, &e) || !accounts_update_user(http_ctx(r), id, &in, &e)) {
        if (e.code == ERR_NOT_FOUND)
            http_reply_err(r, &e);
        else
            render_user(r, err_http_status(e.code), id, NULL, NULL, &e);
        return;
    }
    render_user(r, 200, id, "Changes saved", NULL, NULL);
}

void page_admin_user_disable(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    const char *v = http_form(r, "disabled");
    bool disable = !v || strcmp(v, "0") != 0;
    struct err e = ERR_INIT;
    if (!accounts_set_disabled(http_ctx(r), id, disable, &e)) {
        if (e.code == ERR_NOT_FOUND)
            http_reply_err(r, &e);
        else
            render_user(r, err_http_status(e.code), id, NULL, NULL, &e);
        return;
    }
    render_user(r, 200, id, disable ? "Account disabled and its sessions ended" : "Account enabled",
                NULL, NULL);
}

void page_admin_user_reset(struct request *r)
{
    int64_t id;
    if (!http_param_id(r, "id", &id))
        return;
    char password[21];
    generate_password(password);
    struct err e = ERR_INIT;
    if (!accounts_reset_password(http_ctx(r), id, password, &e))
        http_reply_err(r, &e);
    else
        render_user(r, 200, id, NULL, password, NULL);
    sodium_memzero(password, sizeof password);
}

static bool team_row(const struct team *t, void *arg)
{
    html(arg,
         "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td>"
         "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td></tr>",
         t->name, t->members);
    return true;
}

static void render_teams(struct request *r, int status, const char *name, const struct err *e)
{
    struct buf b = BUF_INIT;
    struct err le = ERR_INIT;
    page_begin(&b, r, "Teams");
    page_error_summary(&b, e);
    html(&b, "<h1 class=\"govuk-heading-l\">Teams</h1><table class=\"govuk-table\"><thead "
             "class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
             "class=\"govuk-table__header\">Team</th><th scope=\"col\" class=\"govuk-table__header "
             "govuk-table__header--numeric\">Members</th></tr></thead><tbody "
             "class=\"govuk-table__body\">");
    if (!accounts_list_teams(http_ctx(r), team_row, &b, &le)) {
        buf_release(&b);
        http_reply_err(r, &le);
        return;
    }
    html(&b, "</tbody></table><h2 class=\"govuk-heading-m\">Add a team</h2>"
             "<form method=\"post\" action=\"/admin/teams\" novalidate>");
    page_csrf(&b, r);
    page_input(&b, "name", "Team name", NULL, name, "text", "off", e);
    html(&b, "<button class=\"govuk-button\" data-module=\"govuk-button\">Add team</button>"
             "</form>");
    page_send(&b, r, status);
}

void page_admin_teams(struct request *r)
{
    render_teams(r, 200, "", NULL);
}

void page_admin_team_create(struct request *r)
{
    struct err e = ERR_INIT;
    const char *name = http_form(r, "name");
    if (!accounts_create_team(http_ctx(r), name, NULL, &e)) {
        render_teams(r, err_http_status(e.code), name, &e);
        return;
    }
    http_redirect(r, "/admin/teams");
}

static bool audit_row(const struct audit_entry *a, void *arg)
{
    struct buf *b = arg;
    html(b,
         "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%D</td>"
         "<td class=\"govuk-table__cell\">",
         a->id);
    page_when(b, a->at);
    html(b,
         "</td><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td>"
         "<td class=\"govuk-table__cell\">%s%s%s</td><td class=\"govuk-table__cell\">%s</td>"
         "<td class=\"govuk-table__cell\">%s</td></tr>",
         a->actor, a->action, a->record_type ? a->record_type : "", a->record_id ? " " : "",
         a->record_id ? a->record_id : "", a->reason ? a->reason : "", a->detail ? a->detail : "");
    return true;
}

void page_admin_audit(struct request *r)
{
    struct err e = ERR_INIT;
    struct buf b = BUF_INIT;
    page_begin(&b, r, "Audit log");
    html(&b, "<h1 class=\"govuk-heading-l\">Audit log</h1>");
    if (http_query(r, "verify")) {
        struct audit_verify_result v;
        if (!auditlog_verify(http_ctx(r), &v, &e))
            goto fail;
        if (v.broken_id)
            html(&b,
                 "<div class=\"govuk-error-summary\" data-testid=\"audit-broken\"><div "
                 "role=\"alert\"><h2 class=\"govuk-error-summary__title\">The audit log has been "
                 "tampered with</h2><div class=\"govuk-error-summary__body\"><p "
                 "class=\"govuk-body\">%s</p></div></div></div>",
                 v.problem);
        else
            html(&b,
                 "<div class=\"govuk-notification-banner govuk-notification-banner--success\" "
                 "role=\"alert\" data-testid=\"audit-ok\"><div "
                 "class=\"govuk-notification-banner__content\"><p "
                 "class=\"govuk-notification-banner__heading\">The chain is intact: %D rows "
                 "checked.</p></div></div>",
                 v.rows);
    } else {
        html(&b, "<p class=\"govuk-body\"><a class=\"govuk-button govuk-button--secondary\" "
                 "href=\"/admin/audit?verify=1\">Check the chain</a></p>");
    }
    struct audit_filter f = {
        .record_type = http_query(r, "record_type"),
        .record_id = http_query(r, "record_id"),
        .limit = 100,
    };
    html(&b, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr "
             "class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">#</th>"
             "<th scope=\"col\" class=\"govuk-table__header\">When</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Who</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Action</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Record</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Reason</th><th scope=\"col\" "
             "class=\"govuk-table__header\">Detail</th></tr></thead><tbody "
             "class=\"govuk-table__body\">");
    if (!auditlog_query(http_ctx(r), &f, audit_row, &b, &e))
        goto fail;
    html(&b, "</tbody></table>");
    page_send(&b, r, 200);
    return;
fail:
    buf_release(&b);
    http_reply_err(r, &e);
}
