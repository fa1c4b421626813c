/*
 * cli: what the command-line commands share (src/main.c and the commands in
 * src/cli_*.c): option parsing into settings, opening the store, and the
 * context the command line acts in. The command line sits above every layer
 * and is the only caller of seed/.
 */
#ifndef CASEWORK_CLI_H
#define CASEWORK_CLI_H

#include <stdbool.h>

#include "core/config.h"
#include "domain/ctx.h"

struct cli_opts {
    struct config cfg;
    const char *positional[4];
    int npositional;
    const char *role, *name, *email, *profile, *seed, *as_of;
    const char *year, *out; /* casework returns; seed --cin-errors uses year */
    const char *cin_errors; /* casework seed --cin-errors N */
    bool password_stdin, force, help;
    bool check; /* casework returns cin --check */
};

/* Print "casework CMD: msg (see casework CMD --help)"; returns 2. */
int cli_usage_error(const char *cmd, const char *msg);

/* Parse settings (defaults < --config file < CASEWORK_* < flags) and the
 * command's own options from argv[first...]. False with *rc set (message
 * printed) on a bad argument. */
bool cli_parse(int argc, char **argv, int first, struct cli_opts *o, const char *cmd, int *rc);

/* Open (and, with migrate, migrate) the database with pool connections and
 * initialise auth; NULL with a message printed on failure. */
struct store *cli_open_store(struct cli_opts *o, int pool, bool migrate);

/* The CLI acts as an administrator: whoever can run it can read the database file. */
struct principal cli_principal(void);

/* A context for the CLI acting as who, on connection c. */
struct ctx cli_ctx(struct store_conn *c, const struct principal *who, const struct cli_opts *o,
                   struct arena *arena);

/* The commands in cli_seed.c. */
int cli_seed(int argc, char **argv);
int cli_token(int argc, char **argv);

/* The command in cli_returns.c: casework returns cin. */
int cli_returns(int argc, char **argv);

#endif
