#include "web/page.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"

struct nav_item {
    const char *href, *label;
    enum perm perm;
};

static const struct nav_item nav[] = {
    {"/", "Home", PERM_SIGNED_IN},
    {"/people", "People", PERM_PEOPLE_VIEW},
    {"/enquiries", "Enquiries", PERM_ENQUIRIES_VIEW},
    {"/complaints", "Complaints", PERM_COMPLAINTS_VIEW},
    {"/admin/users", "Users", PERM_USERS_ADMIN},
    {"/admin/teams", "Teams", PERM_USERS_ADMIN},
    {"/admin/audit", "Audit", PERM_AUDIT_READ},
    {"/returns", "Returns", PERM_RETURNS},
    {"/subject-access", "Subject access", PERM_SAR},
    {"/account", "Your account", PERM_SIGNED_IN},
};

static bool is_current(const char *path, const char *href)
{
    if (strcmp(href, "/") == 0)
        return strcmp(path, "/") == 0;
    return strncmp(path, href, strlen(href)) == 0;
}

static void head(struct buf *b, const char *title)
{
    html(b,
         "<!DOCTYPE html>\n<html lang=\"en\" class=\"govuk-template\">\n<head>\n"
         "<meta charset=\"utf-8\">\n<title>%s – casework</title>\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1, "
         "viewport-fit=cover\">\n"
         "<link rel=\"icon\" sizes=\"48x48\" href=\"/assets/images/favicon.ico\">\n"
         "<link rel=\"stylesheet\" href=\"/assets/govuk-frontend.min.css\">\n"
         "<link rel=\"stylesheet\" href=\"/assets/moj-frontend.min.css\">\n"
         "<link rel=\"stylesheet\" href=\"/assets/casework.css\">\n"
         "</head>\n<body class=\"govuk-template__body\">\n"
         "<script type=\"module\" src=\"/assets/casework.js\"></script>\n",
         title);
}

void page_begin(struct buf *b, struct request *r, const char *title)
{
    const struct principal *who = http_principal(r);
    head(b, title);
    html(b, "<a href=\"#main-content\" class=\"govuk-skip-link\" "
            "data-module=\"govuk-skip-link\">Skip to main content</a>\n"
            "<header class=\"govuk-template__header\">\n"
            "<div class=\"govuk-generic-header\"><div class=\"govuk-generic-header__container "
            "govuk-width-container\"><div class=\"govuk-generic-header__logo\">"
            "<a href=\"/\" class=\"govuk-generic-header__homepage-link\">casework</a>"
            "</div></div></div>\n");
    if (who) {
        html(b, "<section aria-label=\"Service information\" class=\"govuk-service-navigation\" "
                "data-module=\"govuk-service-navigation\"><div class=\"govuk-width-container\">"
                "<div class=\"govuk-service-navigation__container\">"
                "<nav aria-label=\"Menu\" class=\"govuk-service-navigation__wrapper\">"
                "<ul class=\"govuk-service-navigation__list\" id=\"navigation\">");
        for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
            if (!access_allows(who, nav[i].perm))
                continue;
            bool cur = is_current(http_path(r), nav[i].href);
            html(b,
                 "<li class=\"govuk-service-navigation__item%s\">"
                 "<a class=\"govuk-service-navigation__link\" href=\"%s\"%R>%s</a></li>",
                 cur ? " govuk-service-navigation__item--active" : "", nav[i].href,
                 cur ? " aria-current=\"page\"" : "", nav[i].label);
        }
        html(b, "<li class=\"govuk-service-navigation__item\">"
                "<form class=\"cw-sign-out\" method=\"post\" action=\"/sign-out\">");
        page_csrf(b, r);
        html(b,
             "<button type=\"submit\" class=\"govuk-service-navigation__link\" "
             "data-testid=\"sign-out\">Sign out %s</button></form></li>"
             "</ul></nav></div></div></section>\n",
             who->display_name);
    }
    html(b, "</header>\n<div class=\"govuk-width-container\">\n"
            "<main class=\"govuk-main-wrapper\" id=\"main-content\">\n");
}

void page_send(struct buf *b, struct request *r, int status)
{
    html(b, "</main>\n</div>\n<footer class=\"govuk-footer\"><div class=\"govuk-width-container\">"
            "<div class=\"govuk-footer__meta\"><div class=\"govuk-footer__meta-item "
            "govuk-footer__meta-item--grow\">casework " CASEWORK_VERSION
            " · open-source case management for social care</div></div></div></footer>\n"
            "</body>\n</html>\n");
    http_reply_html(r, status, b);
}

void page_begin_plain(struct buf *b, struct request *r, const char *title)
{
    (void)r;
    head(b, title);
    html(b, "<div class=\"govuk-width-container cw-plain\">\n"
            "<main class=\"govuk-main-wrapper\" id=\"main-content\">\n");
}

void page_send_plain(struct buf *b, struct request *r, int status)
{
    html(b, "</main>\n</div>\n</body>\n</html>\n");
    http_reply_html(r, status, b);
}

void page_error_summary(struct buf *b, const struct err *e)
{
    if (!e || e->code == ERR_NONE)
        return;
    html(b, "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\">"
            "<div role=\"alert\"><h2 class=\"govuk-error-summary__title\">There is a problem</h2>"
            "<div class=\"govuk-error-summary__body\"><ul class=\"govuk-list "
            "govuk-error-summary__list\"><li>");
    if (e->field[0])
        html(b, "<a href=\"#%s\">%s</a>", e->field, e->message);
    else
        html(b, "%s", e->message);
    html(b, "</li></ul></div></div></div>\n");
}

void page_csrf(struct buf *b, struct request *r)
{
    const struct principal *who = http_principal(r);
    if (who && who->csrf_token)
        html(b, "<input type=\"hidden\" name=\"csrf_token\" value=\"%s\">", who->csrf_token);
}

void page_input(struct buf *b, const char *name, const char *label, const char *hint,
                const char *value, const char *type, const char *autocomplete, const struct err *e)
{
    bool bad = e && e->code != ERR_NONE && strcmp(e->field, name) == 0;
    html(b, "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"%s\">%s</label>",
         bad ? " govuk-form-group--error" : "", name, label);
    if (hint)
        html(b, "<div id=\"%s-hint\" class=\"govuk-hint\">%s</div>", name, hint);
    if (bad)
        html(b,
             "<p id=\"%s-error\" class=\"govuk-error-message\"><span "
             "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
             name, e->message);
    html(b, "<input class=\"govuk-input%s\" id=\"%s\" name=\"%s\" type=\"%s\" value=\"%s\"",
         bad ? " govuk-input--error" : "", name, name, type, value ? value : "");
    if (autocomplete)
        html(b, " autocomplete=\"%s\"", autocomplete);
    if (hint && bad)
        html(b, " aria-describedby=\"%s-hint %s-error\"", name, name);
    else if (hint)
        html(b, " aria-describedby=\"%s-hint\"", name);
    else if (bad)
        html(b, " aria-describedby=\"%s-error\"", name);
    html(b, "></div>\n");
}

void page_when(struct buf *b, int64_t instant)
{
    if (instant)
        clock_format_london(b, instant);
}

void page_date(struct buf *b, const char *date)
{
    int64_t day;
    struct err e = ERR_INIT;
    if (date && *date && clock_parse_date(date, &day, &e))
        clock_format_london_date(b, day);
    else if (date)
        buf_html(b, date);
}

void page_date_input(struct buf *b, const char *name, const char *label, const char *hint,
                     const char *value, const struct err *e)
{
    char y[8] = "", m[4] = "", d[4] = "";
    if (value && strlen(value) == 10) {
        snprintf(y, sizeof y, "%.4s", value);
        snprintf(m, sizeof m, "%.2s", value + 5);
        snprintf(d, sizeof d, "%.2s", value + 8);
    }
    bool bad = e && e->code && !strcmp(e->field, name);
    html(b,
         "<div class=\"govuk-form-group%s\"><fieldset class=\"govuk-fieldset\" role=\"group\" "
         "aria-describedby=\"%s-hint\"><legend class=\"govuk-fieldset__legend "
         "govuk-fieldset__legend--s\">%s</legend><div id=\"%s-hint\" class=\"govuk-hint\">%s</div>",
         bad ? " govuk-form-group--error" : "", name, label, name, hint);
    if (bad)
        html(b,
             "<p id=\"%s-error\" class=\"govuk-error-message\"><span "
             "class=\"govuk-visually-hidden\">Error:</span> %s</p>",
             name, e->message);
    html(b, "<div class=\"govuk-date-input\" id=\"%s\">", name);
    const char *parts[3][3] = {{"day", "Day", d}, {"month", "Month", m}, {"year", "Year", y}};
    for (int i = 0; i < 3; i++)
        html(b,
             "<div class=\"govuk-date-input__item\"><div class=\"govuk-form-group\"><label "
             "class=\"govuk-label govuk-date-input__label\" for=\"%s-%s\">%s</label><input "
             "class=\"govuk-input govuk-date-input__input govuk-input--width-%s%s\" id=\"%s-%s\" "
             "name=\"%s-%s\" type=\"text\" inputmode=\"numeric\" value=\"%s\"></div></div>",
             name, parts[i][0], parts[i][1], i == 2 ? "4" : "2", bad ? " govuk-input--error" : "",
             name, parts[i][0], name, parts[i][0], parts[i][2]);
    html(b, "</div></fieldset></div>");
}

const char *page_form_date(struct request *r, const char *name)
{
    char key[48];
    const char *v[3];
    const char *part[3] = {"year", "month", "day"};
    for (int i = 0; i < 3; i++) {
        snprintf(key, sizeof key, "%s-%s", name, part[i]);
        v[i] = http_form(r, key);
        if (!v[i])
            v[i] = "";
    }
    if (!*v[0] && !*v[1] && !*v[2])
        return "";
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s-%s%s-%s%s", v[0], strlen(v[1]) == 1 ? "0" : "", v[1],
               strlen(v[2]) == 1 ? "0" : "", v[2]);
    char *out = arena_strdup(http_arena(r), buf_failed(&b) ? "?" : b.data);
    buf_release(&b);
    return out ? out : "?";
}

void page_error(struct request *r, int status, const char *title, const char *detail)
{
    struct buf b = BUF_INIT;
    page_begin(&b, r, title);
    html(&b,
         "<h1 class=\"govuk-heading-l\">%s</h1><p class=\"govuk-body\">%s</p>"
         "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/\">Go to the home page</a></p>"
         "<p class=\"govuk-body-s\">Reference: <span class=\"cw-mono\">%s</span></p>",
         title, detail ? detail : "", http_request_id(r));
    page_send(&b, r, status);
}
