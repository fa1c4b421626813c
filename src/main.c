/*
 * casework: the command line. Each command parses its own arguments, builds
 * the settings (defaults < --config file < CASEWORK_* environment < flags)
 * and calls into the layers below; nothing here knows HTTP or SQL. The
 * commands for benchmarks (seed, token create) are in cli_seed.c.
 */
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "access/audit.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "domain/enquiry_config.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "core/config.h"
#include "core/log.h"
#include "domain/accounts.h"
#include "domain/auditlog.h"
#include "domain/auth.h"
#include "domain/workflow_def.h"
#include "http/http.h"
#include "routes.h"
#include "store/store.h"
#include "web/page.h"
#include "returns/cin_xml.h"

int cli_usage_error(const char *cmd, const char *msg)
{
    fprintf(stderr, "casework %s: %s (see casework %s --help)\n", cmd, msg, cmd);
    return 2;
}

/* Parse settings flags (any config key) and the command's own options. */
bool cli_parse(int argc, char **argv, int first, struct cli_opts *o, const char *cmd, int *rc)
{
    memset(o, 0, sizeof *o);
    struct err e = ERR_INIT;
    if (!config_defaults(&o->cfg)) {
        fprintf(stderr, "casework: out of memory\n");
        *rc = 1;
        return false;
    }
    for (int i = first; i < argc; i++) /* the config file first: flags override it */
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc &&
            !config_load_file(&o->cfg, argv[i + 1], &e))
            goto bad;
    const char *file = getenv("CASEWORK_CONFIG");
    if (file && !config_load_file(&o->cfg, file, &e))
        goto bad;
    if (!config_load_env(&o->cfg, &e))
        goto bad;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->help = true;
            continue;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (o->npositional == 4) {
                *rc = cli_usage_error(cmd, "too many arguments");
                return false;
            }
            o->positional[o->npositional++] = a;
            continue;
        }
        if (strcmp(a, "--check") == 0) {
            o->check = true;
            continue;
        }
        if (strcmp(a, "--password-stdin") == 0 || strcmp(a, "--force") == 0) {
            *(a[2] == 'f' ? &o->force : &o->password_stdin) = true;
            continue;
        }
        char key[64];
        const char *eq = strchr(a + 2, '=');
        size_t klen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (klen >= sizeof key) {
            *rc = cli_usage_error(cmd, "unknown option");
            return false;
        }
        memcpy(key, a + 2, klen);
        key[klen] = '\0';
        for (char *p = key; *p; p++)
            if (*p == '-')
                *p = '_';
        const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!value) {
            fprintf(stderr, "casework %s: %s needs a value\n", cmd, a);
            *rc = 2;
            return false;
        }
        if (strcmp(key, "config") == 0)
            continue;
        if (strcmp(key, "role") == 0)
            o->role = value;
        else if (strcmp(key, "name") == 0)
            o->name = value;
        else if (strcmp(key, "email") == 0)
            o->email = value;
        else if (strcmp(key, "profile") == 0)
            o->profile = value;
        else if (strcmp(key, "seed") == 0)
            o->seed = value;
        else if (strcmp(key, "as_of") == 0)
            o->as_of = value;
        else if (strcmp(key, "year") == 0)
            o->year = value;
        else if (strcmp(key, "out") == 0)
            o->out = value;
        else if (strcmp(key, "cin_errors") == 0)
            o->cin_errors = value;
        else if (!config_set(&o->cfg, key, value, a, &e))
            goto bad;
    }
    enum log_level lv;
    if (log_parse_level(o->cfg.log_level, &lv))
        log_set_level(lv);
    return true;
bad:
    fprintf(stderr, "casework %s: %s\n", cmd, e.message);
    *rc = 2;
    return false;
}

struct store *cli_open_store(struct cli_opts *o, int pool, bool migrate)
{
    struct err e = ERR_INIT;
    struct store *s = store_open(o->cfg.database, pool, &e);
    int applied = 0;
    if (!s || (migrate && !store_migrate(s, &applied, &e))) {
        fprintf(stderr, "casework: %s\n", e.message);
        store_close(s);
        return NULL;
    }
    if (!auth_init(&e)) {
        fprintf(stderr, "casework: %s\n", e.message);
        store_close(s);
        return NULL;
    }
    return s;
}

struct principal cli_principal(void)
{
    static char name[80];
    struct passwd *pw = getpwuid(getuid());
    snprintf(name, sizeof name, "cli:%s", pw ? pw->pw_name : "unknown");
    return (struct principal){
        .user_id = 0, .username = name, .display_name = name, .role = ROLE_ADMINISTRATOR};
}

struct ctx cli_ctx(struct store_conn *c, const struct principal *who, const struct cli_opts *o,
                   struct arena *arena)
{
    return (struct ctx){.conn = c,
                        .who = who,
                        .cfg = &o->cfg,
                        .arena = arena,
                        .now = clock_now(),
                        .request_id = "cli"};
}

/* 20 characters from an unambiguous alphabet (about 110 bits). */
static void generate_password(char out[21])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    for (int i = 0; i < 20; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[20] = '\0';
}

static bool read_password(char *out, size_t size)
{
    if (!fgets(out, (int)size, stdin))
        return false;
    out[strcspn(out, "\r\n")] = '\0';
    return true;
}

/* Create the demo administrator on a database with no users, printing the
 * password once. */
static bool first_start(struct store *s, const struct config *cfg)
{
    struct arena arena = ARENA_INIT;
    struct principal cli = cli_principal();
    struct ctx x = {.conn = store_acquire(s),
                    .who = &cli,
                    .cfg = cfg,
                    .arena = &arena,
                    .now = clock_now(),
                    .request_id = "first-start"};
    struct err e = ERR_INIT;
    int64_t n = 0;
    bool ok = accounts_count_users(&x, &n, &e);
    if (ok && n == 0) {
        char password[21];
        generate_password(password);
        struct user_input in = {.username = "admin",
                                .display_name = "Demo Administrator",
                                .role = "administrator",
                                .password = password};
        ok = accounts_create_user(&x, &in, NULL, &e);
        if (ok)
            printf("\nFirst start: created the demo administrator.\n"
                   "  username: admin\n  password: %s\n"
                   "This password is shown once. Change it with: casework user reset admin\n\n",
                   password);
        sodium_memzero(password, sizeof password);
    }
    if (!ok)
        fprintf(stderr, "casework: cannot create the demo administrator: %s\n", e.message);
    store_release(s, x.conn);
    arena_release(&arena);
    fflush(stdout);
    return ok;
}

/* Load and check config_dir/workflows; on failure print every problem (one per
 * line, "FILE line N: rule") and return NULL. */
static struct workflow_set *load_workflows(const char *config_dir, const struct codelist_set *codes,
                                           const char *who)
{
    struct buf dir = BUF_INIT, problems = BUF_INIT;
    struct err e = ERR_INIT;
    buf_printf(&dir, "%s/workflows", config_dir);
    struct workflow_set *set = workflow_set_load_dir(dir.data, codes, &problems, &e);
    if (!set) {
        fprintf(stderr, "%s: the workflow definitions in %s are not valid:\n", who, dir.data);
        if (problems.len)
            fputs(problems.data, stderr);
        else
            fprintf(stderr, "%s\n", e.message);
    }
    buf_release(&dir);
    buf_release(&problems);
    return set;
}

static void print_rule(struct buf *out, const struct workflow_rule *r)
{
    static const char *const units[] = {"working days", "calendar days", "months", "hours"};
    buf_printf(out, "within %d %s", r->within.amount, units[r->within.unit]);
    if (r->setting)
        buf_printf(out, " ($%s, local)", r->setting);
    buf_printf(out, " of %s", r->from_text);
}

/* One definition as a council officer checking it would want to read it. */
static void print_def(const struct workflow_def *d)
{
    struct buf line = BUF_INIT;
    printf("%s v%d: %s (domain %s, %zu steps, sha256 %.16s)\n", workflow_def_pathway(d),
           workflow_def_version(d), workflow_def_title(d),
           workflow_domain_name(workflow_def_domain(d)), workflow_def_step_count(d),
           workflow_def_hash(d));
    buf_puts(&line, "  start:");
    for (size_t i = 0; i < workflow_def_start_count(d); i++)
        buf_printf(&line, " %s", workflow_def_start_at(d, i)->id);
    printf("%s\n", line.data);
    for (size_t i = 0; i < workflow_def_step_count(d); i++) {
        const struct workflow_step *st = workflow_def_step_at(d, i);
        buf_reset(&line);
        buf_printf(&line, "  %-22s %s", st->id, st->title);
        if (st->authorise)
            buf_puts(&line, " [manager authorises]");
        printf("%s\n", line.data);
        buf_reset(&line);
        const struct workflow_timescale *t = &st->timescale;
        if (t->set && t->recurring) {
            buf_puts(&line, "first ");
            print_rule(&line, &t->first);
            buf_puts(&line, ", then ");
        }
        if (t->set)
            print_rule(&line, &t->rule);
        else
            buf_puts(&line, "no time limit");
        printf("      due: %s\n", line.data);
        buf_reset(&line);
        for (size_t j = 0; j < st->noutcomes; j++) {
            const struct workflow_outcome *out = &st->outcomes[j];
            buf_printf(&line, "%s%s", j ? ", " : "", out->id);
            if (out->closes)
                buf_printf(&line, " (closes%s%s)", out->close_reasons ? ": " : "",
                           out->close_reasons ? out->close_reasons : "");
            for (size_t k = 0; k < out->nnext; k++)
                buf_printf(&line, "%s%s", k ? " + " : " -> ", out->next[k]->id);
        }
        printf("      outcomes: %s\n", line.data);
    }
    for (size_t i = 0; i < workflow_def_setting_count(d); i++) {
        const struct workflow_setting *set = workflow_def_setting_at(d, i);
        printf("  setting $%s = %s (%s)\n", set->name, set->text, set->label);
    }
    buf_release(&line);
}

static int cmd_workflows(int argc, char **argv)
{
    struct cli_opts o;
    int rc = 0;
    if (!cli_parse(argc, argv, 2, &o, "workflows", &rc))
        return rc;
    if (o.help || o.npositional != 1 || strcmp(o.positional[0], "check") != 0) {
        printf("usage: casework workflows check [--config-dir DIR]\n\n"
               "Load and check every workflow definition in DIR/workflows (DIR defaults to\n"
               "the config_dir setting), with the code lists in DIR/codes. Prints each\n"
               "pathway version with its steps, timescales and outcomes and exits 0; if any\n"
               "definition is invalid, prints every problem found (FILE line N: rule) and\n"
               "exits 1.\n");
        config_free(&o.cfg);
        return o.help ? 0 : 2;
    }
    rc = 1;
    struct err e = ERR_INIT;
    struct buf codes_dir = BUF_INIT;
    buf_printf(&codes_dir, "%s/codes", o.cfg.config_dir);
    struct codelist_set *codes = codelist_load_dir(codes_dir.data, &e);
    buf_release(&codes_dir);
    struct workflow_set *set = NULL;
    if (!codes)
        fprintf(stderr, "casework workflows: %s\n", e.message);
    else
        set = load_workflows(o.cfg.config_dir, codes, "casework workflows");
    if (set) {
        for (size_t i = 0; i < workflow_set_count(set); i++)
            print_def(workflow_set_at(set, i));
        printf("%zu workflow definition%s valid\n", workflow_set_count(set),
               workflow_set_count(set) == 1 ? "" : "s");
        rc = 0;
    }
    workflow_set_free(set);
    codelist_free_set(codes);
    config_free(&o.cfg);
    return rc;
}

static int cmd_serve(int argc, char **argv)
{
    struct cli_opts o;
    int rc = 0;
    if (!cli_parse(argc, argv, 2, &o, "serve", &rc))
        return rc;
    if (o.help) {
        printf("usage: casework serve [--config FILE] [--key value ...]\n\n"
               "Start the web server. The database is created and migrated if needed; on a\n"
               "database with no users a demo administrator is created and its password\n"
               "printed once.\n\n");
        config_print_help(stdout);
        config_free(&o.cfg);
        return 0;
    }
    rc = 1;
    struct http_server *server = NULL;
    struct store *s = NULL;
    struct err e = ERR_INIT;
    struct buf codes_dir = BUF_INIT;
    buf_printf(&codes_dir, "%s/codes", o.cfg.config_dir);
    struct codelist_set *codes = codelist_load_dir(codes_dir.data, &e);
    struct workflow_set *workflows = NULL;
    struct calendar *cal = NULL;
    struct enquiry_config *enquiries = NULL;
    buf_release(&codes_dir);
    if (!codes) {
        fprintf(stderr, "casework: %s\n", e.message);
        goto done;
    }
    workflows = load_workflows(o.cfg.config_dir, codes, "casework");
    if (!workflows)
        goto done;
    struct buf holidays = BUF_INIT, closures = BUF_INIT;
    buf_printf(&holidays, "%s/calendar/bank-holidays-england-and-wales.txt", o.cfg.config_dir);
    buf_printf(&closures, "%s/calendar/local-closures.txt", o.cfg.config_dir);
    cal = calendar_load(holidays.data, closures.data, &e);
    buf_release(&holidays);
    buf_release(&closures);
    if (!cal) {
        fprintf(stderr, "casework: %s\n", e.message);
        goto done;
    }
    struct buf enquiries_dir = BUF_INIT;
    buf_printf(&enquiries_dir, "%s/enquiries", o.cfg.config_dir);
    enquiries = enquiry_config_load(enquiries_dir.data, &e);
    buf_release(&enquiries_dir);
    if (!enquiries) {
        fprintf(stderr, "casework: config/enquiries: %s\n", e.message);
        goto done;
    }
    for (size_t i = 0; i < workflow_set_count(workflows); i++) {
        const struct workflow_def *d = workflow_set_at(workflows, i);
        char version[16];
        snprintf(version, sizeof version, "%d", workflow_def_version(d));
        log_event(LOG_INFO, "workflow-loaded", "pathway", workflow_def_pathway(d), "version",
                  version, "sha256", workflow_def_hash(d), NULL);
    }
    s = cli_open_store(&o, (int)o.cfg.threads + 2, true);
    if (!s || !first_start(s, &o.cfg))
        goto done;
    if (!store_start_checkpointer(s, 200, &e)) {
        fprintf(stderr, "casework: %s\n", e.message);
        goto done;
    }
    struct http_app app = {.cfg = &o.cfg,
                           .codes = codes,
                           .workflows = workflows,
                           .calendar = cal,
                           .enquiries = enquiries,
                           .store = s,
                           .routes = casework_routes,
                           .nroutes = casework_routes_count,
                           .page_error = page_error};
    struct store_conn *c = store_acquire(s);
    bool ok = auth_server_secret(c, app.secret, &e);
    store_release(s, c);
    if (!ok) {
        fprintf(stderr, "casework: %s\n", e.message);
        goto done;
    }
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL); /* worker threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);
    cin_xml_init(); /* libxml2, before the request threads start */
    server = http_start(&app, &e);
    if (!server) {
        fprintf(stderr, "casework: %s\n", e.message);
        goto done;
    }
    printf("casework %s listening on %s://%s (database %s)\n", CASEWORK_VERSION,
           app.tls ? "https" : "http", o.cfg.listen, o.cfg.database);
    fflush(stdout);
    log_event(LOG_INFO, "started", "listen", o.cfg.listen, "database", o.cfg.database, NULL);
    int sig = 0;
    sigwait(&sigs, &sig);
    log_event(LOG_INFO, "stopping", "signal", sig == SIGINT ? "INT" : "TERM", NULL);
    rc = 0;
done:
    http_stop(server);
    store_close(s);
    workflow_set_free(workflows);
    calendar_free(cal);
    enquiry_config_free(enquiries);
    codelist_free_set(codes);
    config_free(&o.cfg);
    return rc;
}

static int cmd_migrate(int argc, char **argv)
{
    struct cli_opts o;
    int rc = 0;
    if (!cli_parse(argc, argv, 2, &o, "migrate", &rc))
        return rc;
    if (o.help) {
        printf("usage: casework migrate [--database FILE]\n\n"
               "Apply every database migration not yet applied, then print the schema "
               "version.\n");
        config_free(&o.cfg);
        return 0;
    }
    struct err e = ERR_INIT;
    struct store *s = store_open(o.cfg.database, 1, &e);
    int applied = 0;
    rc = 1;
    if (s && store_migrate(s, &applied, &e)) {
        printf("%d migration%s applied; schema version %d\n", applied, applied == 1 ? "" : "s",
               store_schema_version(s));
        rc = 0;
    } else {
        fprintf(stderr, "casework migrate: %s\n", e.message);
    }
    store_close(s);
    config_free(&o.cfg);
    return rc;
}

static int user_usage(void)
{
    printf("usage:\n"
           "  casework user add USERNAME --role ROLE --name \"Full Name\" [--email ADDRESS]\n"
           "                    [--password-stdin]\n"
           "  casework user disable USERNAME\n"
           "  casework user enable USERNAME\n"
           "  casework user reset USERNAME [--password-stdin]\n\n"
           "ROLE is administrator, manager, practitioner or auditor. Without\n"
           "--password-stdin a password is generated and printed once. reset also clears a\n"
           "lock-out and ends the user's sessions; disable ends them too.\n"
           "Takes the settings flags of casework serve (e.g. --database FILE).\n");
    return 0;
}

static int cmd_user(int argc, char **argv)
{
    struct cli_opts o;
    int rc = 0;
    if (!cli_parse(argc, argv, 2, &o, "user", &rc))
        return rc;
    if (o.help || o.npositional == 0) {
        config_free(&o.cfg);
        return o.help ? user_usage() : (user_usage(), 2);
    }
    const char *sub = o.positional[0];
    const char *username = o.npositional > 1 ? o.positional[1] : NULL;
    rc = 1;
    struct store *s = NULL;
    struct arena arena = ARENA_INIT;
    struct principal cli = cli_principal();
    struct err e = ERR_INIT;
    char password[130] = "";
    if (!username || o.npositional > 2) {
        rc = cli_usage_error("user", "give one USERNAME");
        goto out;
    }
    bool is_add = strcmp(sub, "add") == 0, is_reset = strcmp(sub, "reset") == 0;
    bool is_disable = strcmp(sub, "disable") == 0, is_enable = strcmp(sub, "enable") == 0;
    if (!is_add && !is_reset && !is_disable && !is_enable) {
        rc = cli_usage_error("user", "the subcommand must be add, disable, enable or reset");
        goto out;
    }
    if ((is_add || is_reset) && o.password_stdin && !read_password(password, sizeof password)) {
        fprintf(stderr, "casework user: no password on standard input\n");
        goto out;
    }
    bool generated = (is_add || is_reset) && !o.password_stdin;
    if (generated)
        generate_password(password);
    s = cli_open_store(&o, 1, true);
    if (!s)
        goto out;
    struct ctx x = cli_ctx(store_acquire(s), &cli, &o, &arena);
    int64_t id = 0;
    bool ok;
    if (is_add) {
        struct user_input in = {.username = username,
                                .display_name = o.name,
                                .email = o.email,
                                .role = o.role,
                                .password = password};
        if (!o.role || !o.name) {
            store_release(s, x.conn);
            rc = cli_usage_error("user", "add needs --role and --name");
            goto out;
        }
        ok = accounts_create_user(&x, &in, &id, &e);
    } else {
        ok = accounts_find_username(&x, username, &id, &e);
        if (ok && is_reset)
            ok = accounts_reset_password(&x, id, password, &e);
        else if (ok)
            ok = accounts_set_disabled(&x, id, is_disable, &e);
    }
    store_release(s, x.conn);
    if (!ok) {
        fprintf(stderr, "casework user %s: %s%s%s\n", sub, e.field[0] ? e.field : "",
                e.field[0] ? ": " : "", e.message);
        goto out;
    }
    printf("user %s: %s done", username, sub);
    if (generated)
        printf("; password (shown once): %s", password);
    printf("\n");
    rc = 0;
out:
    sodium_memzero(password, sizeof password);
    store_close(s);
    arena_release(&arena);
    config_free(&o.cfg);
    return rc;
}

static int cmd_audit(int argc, char **argv)
{
    struct cli_opts o;
    int rc = 0;
    if (!cli_parse(argc, argv, 2, &o, "audit", &rc))
        return rc;
    if (o.help || o.npositional != 1 || strcmp(o.positional[0], "verify") != 0) {
        printf("usage: casework audit verify [--database FILE]\n\n"
               "Recompute the audit log's hash chain. Exits 0 if intact, 3 if any row was\n"
               "changed or removed (naming the first), 1 if the check could not run.\n");
        config_free(&o.cfg);
        return o.help ? 0 : 2;
    }
    rc = 1;
    struct store *s = cli_open_store(&o, 1, true);
    if (s) {
        struct arena arena = ARENA_INIT;
        struct principal cli = cli_principal();
        struct ctx x = cli_ctx(store_acquire(s), &cli, &o, &arena);
        struct audit_verify_result v;
        struct err e = ERR_INIT;
        if (!auditlog_verify(&x, &v, &e)) {
            fprintf(stderr, "casework audit verify: %s\n", e.message);
        } else if (v.broken_id) {
            printf("audit log BROKEN at row %lld: %s\n", (long long)v.broken_id, v.problem);
            rc = 3;
        } else {
            printf("audit log intact: %lld rows verified\n", (long long)v.rows);
            rc = 0;
        }
        store_release(s, x.conn);
        arena_release(&arena);
    }
    store_close(s);
    config_free(&o.cfg);
    return rc;
}

static int main_usage(FILE *out)
{
    fprintf(out, "usage: casework COMMAND [options]\n\n"
                 "Commands:\n"
                 "  serve            start the web server (creates and migrates the database)\n"
                 "  migrate          apply database migrations\n"
                 "  user             add, disable, enable or reset a user\n"
                 "  audit verify     check the audit log's hash chain\n"
                 "  workflows check  load and check the workflow definitions\n"
                 "  seed             fill the database with a synthetic population\n"
                 "  token create     create an API token for a user\n"
                 "  returns cin      write or check the children in need census\n"
                 "  version          print the version\n\n"
                 "Run casework COMMAND --help for a command's options.\n");
    return out == stdout ? 0 : 2;
}

/* CASEWORK_CLOCK_OFFSET_SECONDS shifts the server's clock, for tests that
 * need time to pass (session timeouts, lock-outs) without waiting. */
static bool apply_clock_offset(void)
{
    const char *s = getenv("CASEWORK_CLOCK_OFFSET_SECONDS");
    if (!s)
        return true;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < -100LL * 366 * 86400 || v > 100LL * 366 * 86400) {
        fprintf(stderr, "casework: CASEWORK_CLOCK_OFFSET_SECONDS must be a whole number of "
                        "seconds within 100 years\n");
        return false;
    }
    clock_set_offset(v);
    return true;
}

int main(int argc, char **argv)
{
    if (!apply_clock_offset())
        return 2;
    if (argc < 2)
        return main_usage(stderr);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        return main_usage(stdout);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        if (argc > 2 && strcmp(argv[2], "--help") == 0) {
            printf("usage: casework version\n\nPrint the version and the schema it carries.\n");
            return 0;
        }
        printf("casework %s\n", CASEWORK_VERSION);
        return 0;
    }
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(argc, argv);
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(argc, argv);
    if (strcmp(cmd, "user") == 0)
        return cmd_user(argc, argv);
    if (strcmp(cmd, "audit") == 0)
        return cmd_audit(argc, argv);
    if (strcmp(cmd, "workflows") == 0)
        return cmd_workflows(argc, argv);
    if (strcmp(cmd, "seed") == 0)
        return cli_seed(argc, argv);
    if (strcmp(cmd, "token") == 0)
        return cli_token(argc, argv);
    if (strcmp(cmd, "returns") == 0)
        return cli_returns(argc, argv);
    fprintf(stderr, "casework: unknown command '%s'\n", cmd);
    return main_usage(stderr);
}
