/*
 * libFuzzer target for core/config: the input is written to a temporary file
 * and loaded with config_load_file, as `casework serve --config FILE` does;
 * and, split at its first NUL into key and value, given to config_set, as a
 * flag or an environment variable would be. Whatever is accepted must be
 * within the documented ranges; whatever is refused must say why.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/err.h"
#include "core/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
static char *copy_bytes(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/casework-fuzz-config-XXXXXX";
static int fd = -1;

static void remove_file(void)
{
    if (fd >= 0)
        unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fd = mkstemp(path);
    if (fd < 0)
        abort();
    atexit(remove_file);
    return 0;
}

static void check_ranges(const struct config *c)
{
    enum log_level lv;
    if (!c->listen || !c->database || !c->config_dir || !c->tls_cert || !c->tls_key ||
        !log_parse_level(c->log_level, &lv) || c->threads < 1 || c->threads > 256 ||
        c->session_idle_minutes < 1 || c->max_body_bytes < 1024 || c->max_header_bytes < 4096 ||
        c->request_timeout_seconds < 1 || c->request_timeout_seconds > 3600 ||
        c->login_max_failures < 1 || c->login_max_failures > 100 || strlen(c->listen) > 4096)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    struct config c;
    struct err e = ERR_INIT;
    if (!config_defaults(&c))
        abort();
    if (config_load_file(&c, path, &e))
        check_ranges(&c);
    else if (e.code != ERR_INVALID || !strstr(e.message, path))
        abort(); /* a refusal names the file (and line) */
    config_free(&c);

    /* key NUL value */
    const uint8_t *nul = memchr(data, '\0', size);
    if (nul) {
        size_t klen = (size_t)(nul - data);
        /* Copies by hand: clang 14's ASan strndup interceptor reads past the
         * n bytes it was given when they hold no NUL. */
        char *key = copy_bytes(data, klen);
        char *value = copy_bytes(nul + 1, size - klen - 1);
        if (!key || !value)
            abort();
        if (!config_defaults(&c))
            abort();
        err_clear(&e);
        bool known = config_is_key(key);
        if (config_set(&c, key, value, "--fuzz", &e)) {
            if (!known)
                abort();
            check_ranges(&c);
        } else if (e.code != ERR_INVALID || !strstr(e.message, "--fuzz")) {
            abort();
        }
        config_free(&c);
        free(key);
        free(value);
    }
    return 0;
}
