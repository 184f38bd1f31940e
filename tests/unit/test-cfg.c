/* Unit tests for lib/cfg: defaults, file loading, bad values, path lookup. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/cfg.h"
#include "lib/time.h"

/* A configuration and the temporary file it was loaded from. */
struct fixture {
	struct cfg	 cfg;
	char		 path[64];
	int		 has_file;
};

static int
setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	cfg_defaults(&f->cfg);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	if (f->has_file)
		(void)unlink(f->path);
	cfg_release(&f->cfg);
	free(f);
	unsetenv("CONCIERGE_CONFIG");
	return 0;
}

/* Write text to a fresh temporary file; each call replaces the last one. */
static void
write_file(struct fixture *f, const char *text)
{
	int	 fd;
	size_t	 len = strlen(text);

	if (f->has_file)
		(void)unlink(f->path);
	snprintf(f->path, sizeof(f->path), "/tmp/concierge-test-cfg-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	f->has_file = 1;
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* Load text over fresh defaults. */
static int
load(struct fixture *f, const char *text)
{
	write_file(f, text);
	cfg_release(&f->cfg);
	cfg_defaults(&f->cfg);
	return cfg_load(&f->cfg, f->path);
}

static void
t_cfg_defaults(void **state)
{
	struct fixture	*f = *state;
	struct cfg	*c = &f->cfg;

	assert_int_equal(c->is_dev, 0);
	assert_int_equal(c->session_idle_minutes, 30);
	assert_int_equal(c->session_absolute_hours, 12);
	assert_int_equal(c->session_touch_seconds, 60);
	assert_int_equal(c->argon2_memory_kib, 19456);
	assert_int_equal(c->argon2_iterations, 2);
	assert_int_equal(c->argon2_parallelism, 1);
	assert_int_equal(c->db_port, 3306);
	assert_int_equal(c->http_max_body, 1048576);
	assert_int_equal(c->http_max_upload, 10485760);
	assert_int_equal(c->login_lock_threshold, 10);
	assert_int_equal(c->login_lock_minutes, 15);
	assert_int_equal(c->login_max_failures_hour, 100);
	assert_int_equal(c->appt_min_notice_minutes, 60);
	assert_int_equal(c->appt_cancel_window_hours, 24);
	assert_non_null(c->log_level);
	assert_string_equal(c->log_level, "info");
	assert_non_null(c->db_host);
	assert_string_equal(c->db_host, "127.0.0.1");
	assert_non_null(c->db_name);
	assert_string_equal(c->db_name, "concierge");
	assert_non_null(c->db_user);
	assert_string_equal(c->db_user, "concierge_app");
	assert_non_null(c->mfa_issuer);
	assert_string_equal(c->mfa_issuer, "Concierge");
	assert_null(c->db_socket);
	assert_null(c->db_password);
	assert_null(c->db_admin_password);
	assert_null(c->crypto_data_key);
	assert_null(c->audit_key_file);
}

static void
t_cfg_load(void **state)
{
	struct fixture	*f = *state;
	struct cfg	*c = &f->cfg;

	assert_int_equal(load(f,
	    "# Concierge test configuration\n"
	    "\n"
	    "   \n"
	    "\t# an indented comment\n"
	    "mode = dev\n"
	    "session.idle_minutes=45\n"
	    "   db.socket   =   /run/mysqld/mysqld.sock   \n"
	    "\tdb.port\t=\t3307\t\n"
	    "db.password = pa=ss word\n"
	    "log.level = debug\n"
	    "argon2.memory_kib = 65536"), 0);	/* no final newline */
	assert_int_equal(c->is_dev, 1);
	assert_int_equal(c->session_idle_minutes, 45);
	assert_int_equal(c->db_port, 3307);
	assert_int_equal(c->argon2_memory_kib, 65536);
	assert_non_null(c->db_socket);
	assert_string_equal(c->db_socket, "/run/mysqld/mysqld.sock");
	assert_non_null(c->db_password);
	assert_string_equal(c->db_password, "pa=ss word");
	assert_string_equal(c->log_level, "debug");
	/* Keys not in the file keep their defaults. */
	assert_int_equal(c->session_absolute_hours, 12);
	assert_string_equal(c->db_host, "127.0.0.1");
}

static void
t_cfg_load_crlf(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(load(f, "mode = prod\r\nsession.idle_minutes = 15\r\n"), 0);
	assert_int_equal(f->cfg.is_dev, 0);
	assert_int_equal(f->cfg.session_idle_minutes, 15);
}

static void
t_cfg_load_empty(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(load(f, ""), 0);
	assert_int_equal(f->cfg.session_idle_minutes, 30);
}

static void
t_cfg_load_bounds(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(load(f, "session.idle_minutes = 1\n"), 0);
	assert_int_equal(f->cfg.session_idle_minutes, 1);
	assert_int_equal(load(f, "session.idle_minutes = 1440\n"), 0);
	assert_int_equal(f->cfg.session_idle_minutes, 1440);
	assert_int_equal(load(f, "appointments.min_notice_minutes = 0\n"), 0);
	assert_int_equal(f->cfg.appt_min_notice_minutes, 0);
}

static void
t_cfg_load_missing_bad(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(cfg_load(&f->cfg,
	    "/nonexistent/concierge-test.conf"), -1);
}

static void
t_cfg_load_unknown_key_bad(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(load(f, "session.idle = 5\n"), -1);
	assert_int_equal(load(f, "mode = dev\nnot_a_key = 1\n"), -1);
	assert_int_equal(load(f, "Session.Idle_Minutes = 5\n"), -1);
	assert_int_equal(load(f, "= 5\n"), -1);
}

static void
t_cfg_load_range_bad(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(load(f, "session.idle_minutes = 0\n"), -1);
	assert_int_equal(load(f, "session.idle_minutes = 1441\n"), -1);
	assert_int_equal(load(f, "session.idle_minutes = -5\n"), -1);
	assert_int_equal(load(f, "db.port = 65536\n"), -1);
	assert_int_equal(load(f, "argon2.memory_kib = 7\n"), -1);
	assert_int_equal(load(f,
	    "argon2.iterations = 99999999999999999999999999\n"), -1);
}

static void
t_cfg_load_nonnumeric_bad(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(load(f, "session.idle_minutes = abc\n"), -1);
	assert_int_equal(load(f, "session.idle_minutes = 12abc\n"), -1);
	assert_int_equal(load(f, "session.idle_minutes = 1.5\n"), -1);
	assert_int_equal(load(f, "session.idle_minutes = 0x10\n"), -1);
	assert_int_equal(load(f, "session.idle_minutes = 3 0\n"), -1);
	assert_int_equal(load(f, "session.idle_minutes =\n"), -1);
}

static void
t_cfg_load_mode_bad(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(load(f, "mode = staging\n"), -1);
	assert_int_equal(load(f, "mode = DEV\n"), -1);
	assert_int_equal(load(f, "mode =\n"), -1);
	assert_int_equal(load(f, "mode = dev prod\n"), -1);
}

/* A shifted clock is a test tool: production refuses it. */
static void
t_cfg_dev_clock_bad(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(load(f, "dev.clock_offset_file = /tmp/x\n"), -1);
	assert_int_equal(load(f, "mode = prod\ndev.clock_offset_file = /tmp/x\n"), -1);
	assert_int_equal(load(f, "mode = dev\ndev.clock_offset_file = /nonexistent/x\n"), 0);
	(void)utc_set_offset_file(NULL);
}

static void
t_cfg_load_syntax_bad(void **state)
{
	struct fixture	*f = *state;
	char		 line[2100];

	assert_int_equal(load(f, "session.idle_minutes 30\n"), -1);
	assert_int_equal(load(f, "mode = dev\njust words\n"), -1);
	/* A line longer than the reader's buffer is refused, not split. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "mfa.issuer = ", 13);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(load(f, line), -1);
}

static void
t_cfg_path_arg(void **state)
{
	char	*argv[] = { "prog", "--config", "/etc/concierge.conf", NULL };
	char	*argv2[] = { "prog", "-v", "--config", "/a.conf", "x", NULL };

	(void)state;
	unsetenv("CONCIERGE_CONFIG");
	assert_non_null(cfg_path(3, argv));
	assert_string_equal(cfg_path(3, argv), "/etc/concierge.conf");
	assert_non_null(cfg_path(5, argv2));
	assert_string_equal(cfg_path(5, argv2), "/a.conf");
	/* --config wins over the environment. */
	assert_int_equal(setenv("CONCIERGE_CONFIG", "/env.conf", 1), 0);
	assert_string_equal(cfg_path(3, argv), "/etc/concierge.conf");
}

static void
t_cfg_path_env(void **state)
{
	char	*argv[] = { "prog", NULL };

	(void)state;
	unsetenv("CONCIERGE_CONFIG");
	assert_null(cfg_path(1, argv));
	assert_int_equal(setenv("CONCIERGE_CONFIG", "/env.conf", 1), 0);
	assert_non_null(cfg_path(1, argv));
	assert_string_equal(cfg_path(1, argv), "/env.conf");
	unsetenv("CONCIERGE_CONFIG");
	assert_null(cfg_path(1, argv));
}

static void
t_cfg_path_dangling_bad(void **state)
{
	char	*argv[] = { "prog", "--config", NULL };

	(void)state;
	unsetenv("CONCIERGE_CONFIG");
	/* "--config" without a value is not a path. */
	assert_null(cfg_path(2, argv));
	assert_int_equal(setenv("CONCIERGE_CONFIG", "/env.conf", 1), 0);
	assert_string_equal(cfg_path(2, argv), "/env.conf");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(t_cfg_defaults),
		T(t_cfg_load),
		T(t_cfg_load_crlf),
		T(t_cfg_load_empty),
		T(t_cfg_load_bounds),
		T(t_cfg_load_missing_bad),
		T(t_cfg_load_unknown_key_bad),
		T(t_cfg_load_range_bad),
		T(t_cfg_load_nonnumeric_bad),
		T(t_cfg_load_mode_bad),
		T(t_cfg_dev_clock_bad),
		T(t_cfg_load_syntax_bad),
		T(t_cfg_path_arg),
		T(t_cfg_path_env),
		T(t_cfg_path_dangling_bad),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
