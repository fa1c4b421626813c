#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"

enum kind { K_STRING, K_LONG, K_LEVEL };

struct key {
    const char *name;
    enum kind kind;
    size_t offset;
    const char *fallback;
    long min, max; /* K_LONG range */
    const char *help;
};

#define S(f) offsetof(struct config, f)
static const struct key keys[] = {
    {"listen", K_STRING, S(listen), "127.0.0.1:8080", 0, 0, "address:port to listen on"},
    {"database", K_STRING, S(database), "casework.db", 0, 0,
     "SQLite file (created and migrated at start); postgresql://... is reserved for the "
     "PostgreSQL backend"},
    {"config_dir", K_STRING, S(config_dir), CASEWORK_CONFIG_DIR, 0, 0,
     "directory of shipped data (calendar, code lists, workflows)"},
    {"log_level", K_LEVEL, S(log_level), "info", 0, 0, "debug, info, warn or error"},
    {"tls_cert", K_STRING, S(tls_cert), "", 0, 0, "PEM certificate: serve HTTPS (with tls_key)"},
    {"tls_key", K_STRING, S(tls_key), "", 0, 0, "PEM private key for tls_cert"},
    {"threads", K_LONG, S(threads), "4", 1, 256, "HTTP worker threads"},
    {"session_idle_minutes", K_LONG, S(session_idle_minutes), "30", 1, 24 * 60,
     "sign out after this many minutes without a request"},
    {"session_absolute_hours", K_LONG, S(session_absolute_hours), "12", 1, 24 * 7,
     "sign out this many hours after sign-in"},
    {"max_body_bytes", K_LONG, S(max_body_bytes), "1048576", 1024, 64L * 1024 * 1024,
     "largest JSON or form body accepted"},
    {"max_upload_bytes", K_LONG, S(max_upload_bytes), "20971520", 1024, 1024L * 1024 * 1024,
     "largest file upload accepted"},
    {"max_header_bytes", K_LONG, S(max_header_bytes), "16384", 4096, 1024 * 1024,
     "largest request line plus headers"},
    {"request_timeout_seconds", K_LONG, S(request_timeout_seconds), "30", 1, 3600,
     "longest a request may take to arrive; idle connections close after it"},
    {"login_max_failures", K_LONG, S(login_max_failures), "5", 1, 100,
     "failed sign-ins in a row before the account is locked"},
    {"login_lockout_minutes", K_LONG, S(login_lockout_minutes), "15", 1, 24 * 60,
     "how long a locked account stays locked"},
    {"note_edit_minutes", K_LONG, S(note_edit_minutes), "60", 0, 7 * 24 * 60,
     "minutes after saving a case note in which its author may correct it in place; later "
     "edits add a new version (0: every edit does)"},
    {"duty_team", K_STRING, S(duty_team), "", 0, 0,
     "name of the front-door (duty) team: new contacts' cases are held in its tray until "
     "allocated, as are cases no one holds (empty: the recording worker's team)"},
    {"break_glass_minutes", K_LONG, S(break_glass_minutes), "240", 5, 7 * 24 * 60,
     "minutes a break-glass override (a reasoned opening of a record without a legitimate "
     "relationship) lasts"},
};
#undef S
enum { NKEYS = sizeof keys / sizeof keys[0] };

static const struct key *find_key(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

bool config_is_key(const char *key)
{
    return find_key(key) != NULL;
}

static bool apply(struct config *c, const struct key *k, const char *value, const char *source,
                  struct err *e)
{
    char *base = (char *)c;
    if (strlen(value) > 4096)
        return err_set(e, ERR_INVALID, k->name, "%s: %s is longer than 4096 characters", source,
                       k->name);
    if (k->kind == K_LONG) {
        errno = 0;
        char *end;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < k->min || v > k->max)
            return err_set(e, ERR_INVALID, k->name,
                           "%s: %s must be a whole number from %ld to %ld, not '%s'", source,
                           k->name, k->min, k->max, value);
        *(long *)(base + k->offset) = v;
        return true;
    }
    if (k->kind == K_LEVEL) {
        enum log_level lv;
        if (!log_parse_level(value, &lv))
            return err_set(e, ERR_INVALID, k->name,
                           "%s: %s must be debug, info, warn or error, not '%s'", source, k->name,
                           value);
    }
    char *copy = strdup(value);
    if (!copy)
        return err_set(e, ERR_NOMEM, k->name, "out of memory");
    char **slot = (char **)(base + k->offset);
    free(*slot);
    *slot = copy;
    return true;
}

bool config_defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < NKEYS; i++)
        if (!apply(c, &keys[i], keys[i].fallback, "default", NULL))
            return false;
    return true;
}

void config_free(struct config *c)
{
    for (size_t i = 0; i < NKEYS; i++) {
        if (keys[i].kind != K_LONG) {
            char **slot = (char **)((char *)c + keys[i].offset);
            free(*slot);
            *slot = NULL;
        }
    }
}

bool config_set(struct config *c, const char *key, const char *value, const char *source,
                struct err *e)
{
    const struct key *k = find_key(key);
    if (!k)
        return err_set(e, ERR_INVALID, key, "%s: unknown setting '%s' (see casework serve --help)",
                       source, key);
    return apply(c, k, value, source, e);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

bool config_load_file(struct config *c, const char *path, struct err *e)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(e, ERR_IO, "config", "cannot open config file %s: %s", path,
                       strerror(errno));
    bool ok = true;
    struct buf line = BUF_INIT, source = BUF_INIT;
    int lineno = 0, ch;
    for (;;) {
        buf_reset(&line);
        while ((ch = fgetc(f)) != EOF && ch != '\n')
            buf_putc(&line, (char)ch);
        if (ch == EOF && line.len == 0)
            break;
        lineno++;
        char *s = trim(line.data);
        if (!*s || *s == '#')
            continue;
        buf_reset(&source);
        buf_printf(&source, "%s line %d", path, lineno);
        char *eq = strchr(s, '=');
        if (!eq) {
            ok = err_set(e, ERR_INVALID, "config", "%s: expected 'key = value'", source.data);
            break;
        }
        *eq = '\0';
        if (!config_set(c, trim(s), trim(eq + 1), source.data, e)) {
            ok = false;
            break;
        }
    }
    fclose(f);
    buf_release(&line);
    buf_release(&source);
    return ok;
}

bool config_load_env(struct config *c, struct err *e)
{
    for (size_t i = 0; i < NKEYS; i++) {
        char name[64] = "CASEWORK_";
        size_t n = strlen(name);
        for (const char *p = keys[i].name; *p && n + 1 < sizeof name; p++)
            name[n++] = (char)toupper((unsigned char)*p);
        name[n] = '\0';
        const char *v = getenv(name);
        if (v && !apply(c, &keys[i], v, name, e))
            return false;
    }
    return true;
}

void config_print_help(FILE *out)
{
    fprintf(out, "Settings (flag --key value, env CASEWORK_KEY, or 'key = value' in --config "
                 "FILE):\n");
    for (size_t i = 0; i < NKEYS; i++) {
        const char *d = keys[i].fallback;
        if (keys[i].offset == offsetof(struct config, config_dir))
            d = "(the source tree's config/)";
        fprintf(out, "  %-24s %s [default: %s]\n", keys[i].name, keys[i].help, *d ? d : "none");
    }
}
