/*
 * Unit tests for core/config: the defaults, validation in config_set (every
 * error names the key and the source), the file format (comments, blank lines,
 * a bad line named by file and line number), CASEWORK_* environment variables,
 * and precedence when the sources are applied in the documented order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"

static const char *const env_names[] = {
    "CASEWORK_LISTEN",
    "CASEWORK_DATABASE",
    "CASEWORK_CONFIG_DIR",
    "CASEWORK_LOG_LEVEL",
    "CASEWORK_TLS_CERT",
    "CASEWORK_TLS_KEY",
    "CASEWORK_THREADS",
    "CASEWORK_SESSION_IDLE_MINUTES",
    "CASEWORK_SESSION_ABSOLUTE_HOURS",
    "CASEWORK_MAX_BODY_BYTES",
    "CASEWORK_MAX_UPLOAD_BYTES",
    "CASEWORK_MAX_HEADER_BYTES",
    "CASEWORK_REQUEST_TIMEOUT_SECONDS",
    "CASEWORK_LOGIN_MAX_FAILURES",
    "CASEWORK_LOGIN_LOCKOUT_MINUTES",
};

/* Each test starts from no CASEWORK_* settings in the environment. */
static int clear_env(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof env_names / sizeof env_names[0]; i++)
        unsetenv(env_names[i]);
    return 0;
}

/* Write text to a fresh temporary file; its path goes into path (caller unlinks). */
static void write_temp(struct buf *path, const char *text)
{
    char name[] = "/tmp/casework-config-XXXXXX";
    int fd = mkstemp(name);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    assert_int_equal(close(fd), 0);
    buf_init(path, 0);
    assert_true(buf_puts(path, name));
}

static void test_defaults(void **state)
{
    (void)state;
    struct config c;
    assert_true(config_defaults(&c));
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_string_equal(c.database, "casework.db");
    assert_string_equal(c.config_dir, CASEWORK_CONFIG_DIR);
    assert_string_equal(c.log_level, "info");
    assert_string_equal(c.tls_cert, "");
    assert_string_equal(c.tls_key, "");
    assert_int_equal(c.threads, 4);
    assert_int_equal(c.session_idle_minutes, 30);
    assert_int_equal(c.session_absolute_hours, 12);
    assert_int_equal(c.max_body_bytes, 1048576);
    assert_int_equal(c.max_upload_bytes, 20971520);
    assert_int_equal(c.max_header_bytes, 16384);
    assert_int_equal(c.request_timeout_seconds, 30);
    assert_int_equal(c.login_max_failures, 5);
    assert_int_equal(c.login_lockout_minutes, 15);
    assert_int_equal(c.note_edit_minutes, 60);
    config_free(&c);
    assert_null(c.listen);
    config_free(&c); /* twice is harmless */
}

static void test_is_key(void **state)
{
    (void)state;
    assert_true(config_is_key("listen"));
    assert_true(config_is_key("login_lockout_minutes"));
    assert_false(config_is_key("Listen"));
    assert_false(config_is_key("port"));
    assert_false(config_is_key(""));
}

static void test_set_valid(void **state)
{
    (void)state;
    struct config c;
    struct err e = ERR_INIT;
    assert_true(config_defaults(&c));
    assert_true(config_set(&c, "threads", "1", "--threads", &e));
    assert_int_equal(c.threads, 1);
    assert_true(config_set(&c, "threads", "256", "--threads", &e));
    assert_int_equal(c.threads, 256);
    assert_true(config_set(&c, "listen", "0.0.0.0:9000", "--listen", &e));
    assert_string_equal(c.listen, "0.0.0.0:9000");
    assert_true(config_set(&c, "log_level", "debug", "--log-level", &e));
    assert_string_equal(c.log_level, "debug");
    assert_true(config_set(&c, "tls_cert", "", "--tls-cert", &e));
    assert_string_equal(c.tls_cert, "");
    assert_true(config_set(&c, "max_header_bytes", "4096", "test", &e));
    assert_int_equal(c.max_header_bytes, 4096);
    assert_int_equal(e.code, ERR_NONE);
    config_free(&c);
}

/* config_set(key, value) is refused; the message names the key, the source and
 * the bad value, and the setting keeps its old value. */
static void assert_set_refused(struct config *c, const char *key, const char *value)
{
    struct err e = ERR_INIT;
    long threads = c->threads;
    if (config_set(c, key, value, "--from-test", &e))
        fail_msg("%s = '%s' was accepted", key, value);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, key);
    assert_non_null(strstr(e.message, "--from-test"));
    assert_non_null(strstr(e.message, key));
    assert_int_equal(c->threads, threads);
}

static void test_set_invalid(void **state)
{
    (void)state;
    struct config c;
    assert_true(config_defaults(&c));
    assert_set_refused(&c, "threads", "0");
    assert_set_refused(&c, "threads", "257");
    assert_set_refused(&c, "threads", "-1");
    assert_set_refused(&c, "threads", "");
    assert_set_refused(&c, "threads", "four");
    assert_set_refused(&c, "threads", "4x");
    assert_set_refused(&c, "threads", "4.0");
    assert_set_refused(&c, "threads", "0x10");
    assert_set_refused(&c, "threads", "99999999999999999999999");
    assert_set_refused(&c, "max_header_bytes", "4095");
    assert_set_refused(&c, "max_body_bytes", "1023");
    assert_set_refused(&c, "log_level", "verbose");
    assert_set_refused(&c, "log_level", "INFO");
    assert_set_refused(&c, "portnumber", "80"); /* unknown key */
    assert_int_equal(c.threads, 4);
    assert_string_equal(c.log_level, "info");

    /* Over-long text values are refused too. */
    char *longv = malloc(5000);
    assert_non_null(longv);
    memset(longv, 'a', 4999);
    longv[4999] = '\0';
    assert_set_refused(&c, "listen", longv);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    free(longv);

    /* The value is quoted so the user sees what was wrong. */
    struct err e = ERR_INIT;
    assert_false(config_set(&c, "threads", "lots", "casework.conf line 3", &e));
    assert_non_null(strstr(e.message, "casework.conf line 3"));
    assert_non_null(strstr(e.message, "'lots'"));
    assert_non_null(strstr(e.message, "256"));
    config_free(&c);
}

static void test_load_file(void **state)
{
    (void)state;
    struct config c;
    struct err e = ERR_INIT;
    struct buf path;
    write_temp(&path, "# casework settings\n"
                      "\n"
                      "   \t\n"
                      "listen = 127.0.0.1:9999\n"
                      "  threads=8  \n"
                      "\t# indented comment\n"
                      "database = /var/lib/casework/data.db\n"
                      "log_level = warn\r\n"
                      "tls_cert =\n"
                      "login_max_failures = 3"); /* no newline at the end */
    assert_true(config_defaults(&c));
    assert_true(config_load_file(&c, path.data, &e));
    assert_int_equal(e.code, ERR_NONE);
    assert_string_equal(c.listen, "127.0.0.1:9999");
    assert_int_equal(c.threads, 8);
    assert_string_equal(c.database, "/var/lib/casework/data.db");
    assert_string_equal(c.log_level, "warn");
    assert_string_equal(c.tls_cert, "");
    assert_int_equal(c.login_max_failures, 3);
    assert_int_equal(c.session_idle_minutes, 30); /* untouched keys keep defaults */
    config_free(&c);
    unlink(path.data);
    buf_release(&path);
}

/* Loading text fails with the file and line (and the key, if given) in the message. */
static void assert_file_refused(const char *text, const char *line, const char *key)
{
    struct config c;
    struct err e = ERR_INIT;
    struct buf path, where = BUF_INIT;
    write_temp(&path, text);
    assert_true(config_defaults(&c));
    assert_false(config_load_file(&c, path.data, &e));
    assert_int_equal(e.code, ERR_INVALID);
    buf_printf(&where, "%s %s", path.data, line);
    if (!strstr(e.message, where.data))
        fail_msg("'%s' does not name '%s'", e.message, where.data);
    if (key)
        assert_non_null(strstr(e.message, key));
    config_free(&c);
    unlink(path.data);
    buf_release(&path);
    buf_release(&where);
}

static void test_load_file_errors(void **state)
{
    (void)state;
    assert_file_refused("# ok\nthreads = 2\njust some words\n", "line 3", NULL);
    assert_file_refused("\n\n\n\nthreads = 1000\n", "line 5", "threads");
    assert_file_refused("listen = :80\nport = 80\n", "line 2", "port");
    assert_file_refused("log_level = loud", "line 1", "log_level");
    assert_file_refused("= 5\n", "line 1", NULL); /* empty key is unknown */

    struct config c;
    struct err e = ERR_INIT;
    assert_true(config_defaults(&c));
    assert_false(config_load_file(&c, "/nonexistent/casework.conf", &e));
    assert_int_equal(e.code, ERR_IO);
    assert_non_null(strstr(e.message, "/nonexistent/casework.conf"));
    config_free(&c);
}

static void test_env(void **state)
{
    (void)state;
    struct config c;
    struct err e = ERR_INIT;
    assert_true(config_defaults(&c));
    assert_true(config_load_env(&c, &e)); /* nothing set: nothing changes */
    assert_int_equal(c.threads, 4);

    setenv("CASEWORK_THREADS", "12", 1);
    setenv("CASEWORK_LOG_LEVEL", "error", 1);
    setenv("CASEWORK_REQUEST_TIMEOUT_SECONDS", "90", 1);
    setenv("CASEWORK_DATABASE", "/tmp/x.db", 1);
    setenv("casework_listen", "1.2.3.4:5", 1); /* wrong case: not ours */
    assert_true(config_load_env(&c, &e));
    assert_int_equal(c.threads, 12);
    assert_string_equal(c.log_level, "error");
    assert_int_equal(c.request_timeout_seconds, 90);
    assert_string_equal(c.database, "/tmp/x.db");
    assert_string_equal(c.listen, "127.0.0.1:8080");
    unsetenv("casework_listen");

    setenv("CASEWORK_LOGIN_LOCKOUT_MINUTES", "0", 1);
    assert_false(config_load_env(&c, &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "login_lockout_minutes");
    assert_non_null(strstr(e.message, "CASEWORK_LOGIN_LOCKOUT_MINUTES"));
    assert_int_equal(c.login_lockout_minutes, 15);
    config_free(&c);
    clear_env(NULL);
}

static void test_precedence(void **state)
{
    (void)state;
    struct config c;
    struct err e = ERR_INIT;
    struct buf path;
    write_temp(&path, "threads = 8\nlisten = 127.0.0.1:7000\nlog_level = debug\n");
    setenv("CASEWORK_THREADS", "16", 1);
    setenv("CASEWORK_LISTEN", "127.0.0.1:7001", 1);
    /* defaults < file < environment < flags */
    assert_true(config_defaults(&c));
    assert_true(config_load_file(&c, path.data, &e));
    assert_true(config_load_env(&c, &e));
    assert_true(config_set(&c, "listen", "127.0.0.1:7002", "--listen", &e));
    assert_string_equal(c.listen, "127.0.0.1:7002"); /* flag */
    assert_int_equal(c.threads, 16);                 /* environment over file */
    assert_string_equal(c.log_level, "debug");       /* file over default */
    assert_int_equal(c.max_body_bytes, 1048576);     /* default */
    config_free(&c);
    unlink(path.data);
    buf_release(&path);
    clear_env(NULL);
}

static void test_help(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    config_print_help(f);
    assert_int_equal(fclose(f), 0);
    assert_non_null(strstr(text, "listen"));
    assert_non_null(strstr(text, "[default: 127.0.0.1:8080]"));
    assert_non_null(strstr(text, "login_lockout_minutes"));
    assert_non_null(strstr(text, "tls_key"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, clear_env),
        cmocka_unit_test_setup(test_is_key, clear_env),
        cmocka_unit_test_setup(test_set_valid, clear_env),
        cmocka_unit_test_setup(test_set_invalid, clear_env),
        cmocka_unit_test_setup(test_load_file, clear_env),
        cmocka_unit_test_setup(test_load_file_errors, clear_env),
        cmocka_unit_test_setup(test_env, clear_env),
        cmocka_unit_test_setup(test_precedence, clear_env),
        cmocka_unit_test_setup(test_help, clear_env),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
