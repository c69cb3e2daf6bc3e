/* logrotate collector: Debian's shipped configuration, includes and taboo extensions, stanza
 * inheritance, retention arithmetic (periods, rotate, maxage, size), malformed input. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/collectors.h"
#include "collect/logrotate.h"
#include "core/diag.h"

/* Debian 12's /etc/logrotate.conf and /etc/logrotate.d/rsyslog, verbatim. */
static const char debian_conf[] =
	"# see \"man logrotate\" for details\n"
	"\n"
	"# global options do not affect preceding include directives\n"
	"\n"
	"# rotate log files weekly\n"
	"weekly\n"
	"\n"
	"# keep 4 weeks worth of backlogs\n"
	"rotate 4\n"
	"\n"
	"# create new (empty) log files after rotating old ones\n"
	"create\n"
	"\n"
	"# use date as a suffix of the rotated file\n"
	"#dateext\n"
	"\n"
	"# uncomment this if you want your log files compressed\n"
	"#compress\n"
	"\n"
	"# packages drop log rotation information into this directory\n"
	"include /etc/logrotate.d\n"
	"\n"
	"# system-specific logs may also be configured here.\n";

static const char debian_rsyslog[] =
	"/var/log/syslog\n"
	"/var/log/mail.log\n"
	"/var/log/kern.log\n"
	"/var/log/auth.log\n"
	"/var/log/user.log\n"
	"/var/log/cron.log\n"
	"{\n"
	"\trotate 4\n"
	"\tweekly\n"
	"\tmissingok\n"
	"\tnotifempty\n"
	"\tcompress\n"
	"\tdelaycompress\n"
	"\tsharedscripts\n"
	"\tpostrotate\n"
	"\t\t/usr/lib/rsyslog/rsyslog-rotate\n"
	"\tendscript\n"
	"}\n";

static const char debian_wtmp[] = "# no packages own wtmp -- we'll rotate it here\n"
                                  "/var/log/wtmp {\n"
                                  "    missingok\n"
                                  "    monthly\n"
                                  "    create 0664 root utmp\n"
                                  "    minsize 1M\n"
                                  "    rotate 1\n"
                                  "}\n";

static char *debian_root(void)
{
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/sbin/logrotate", "\177ELF");
	ks_test_write(root, "/etc/logrotate.conf", debian_conf);
	ks_test_write(root, "/etc/logrotate.d/rsyslog", debian_rsyslog);
	ks_test_write(root, "/etc/logrotate.d/wtmp", debian_wtmp);
	return root;
}

/* Runs the collector with rsyslog.auth_files naming FILES (NULL-terminated). */
static ks_collect_ctx *run(const char *root, const char *const *files)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_value list = ks_val_list();
	for (size_t i = 0; files && files[i]; i++) {
		ks_value rec = ks_val_record();
		assert_int_equal(ks_record_set(ctx->arena, &rec, "name", ks_val_strz(ctx->arena, files[i])), 0);
		assert_int_equal(ks_list_push(ctx->arena, &list, rec), 0);
	}
	if (files)
		assert_int_equal(ks_fact_put_probe(ctx->facts, "rsyslog.auth_files", list, "test"), 0);
	else
		assert_int_equal(ks_fact_unknown(ctx->facts, "rsyslog.auth_files", NULL, "test"), 0);
	assert_int_equal(ks_collect_logrotate(ctx), 0);
	return ctx;
}

static void done(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static const ks_value *rec_of(ks_collect_ctx *ctx, size_t i)
{
	const ks_fact *f = ks_fact_get(ctx->facts, "logrotate.files");
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	assert_true(i < f->value.u.list.n);
	return &f->value.u.list.items[i];
}

static long long int_field(const ks_value *rec, const char *name)
{
	const ks_value *v = ks_record_get(rec, name);
	assert_non_null(v);
	assert_int_equal(v->type, KS_VAL_INT);
	return (long long)v->u.i;
}

static const char *str_field(const ks_value *rec, const char *name)
{
	const ks_value *v = ks_record_get(rec, name);
	assert_non_null(v);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

static bool has_diag(ks_collect_ctx *ctx, const char *path, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->line == line && d->path && !strcmp(d->path, path) && strstr(d->message, needle))
			return true;
	}
	return false;
}

static void test_debian_default(void **state)
{
	(void)state;
	char *root = debian_root();
	static const char *const files[] = {"/var/log/auth.log", "/var/log/wtmp", "/var/log/other.log", NULL};
	ks_collect_ctx *ctx = run(root, files);
	assert_true(ks_test_fact_bool(ctx, "logrotate.installed"));
	const ks_value *r = rec_of(ctx, 0);
	assert_string_equal(str_field(r, "name"), "/var/log/auth.log");
	assert_int_equal(int_field(r, "retention_days"), 28);
	assert_int_equal(int_field(r, "rotate"), 4);
	assert_string_equal(str_field(r, "period"), "weekly");
	assert_int_equal(int_field(r, "maxage"), 0);
	assert_string_equal(str_field(r, "source"), "/etc/logrotate.d/rsyslog:1");
	/* The global "create" (no mode) is inherited: no create_mode field. */
	assert_null(ks_record_get(r, "create_mode"));
	r = rec_of(ctx, 1);
	assert_int_equal(int_field(r, "retention_days"), 30); /* monthly, rotate 1 */
	assert_string_equal(str_field(r, "create_mode"), "0664");
	assert_string_equal(str_field(r, "create_group"), "utmp");
	assert_string_equal(str_field(r, "create_source"), "/etc/logrotate.d/wtmp:5");
	r = rec_of(ctx, 2);
	assert_int_equal(ks_record_get(r, "retention_days")->type, KS_VAL_UNKNOWN);
	assert_non_null(strstr(str_field(r, "summary"), "no logrotate stanza"));
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

static void test_retention_rules(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/sbin/logrotate", "\177ELF");
	ks_test_write(root, "/etc/logrotate.conf",
	              "daily\n"                                              /* 1 */
	              "rotate 30\n"                                          /* 2 */
	              "/var/log/a.log { }\n"                                 /* 3: inherits daily x30 */
	              "\"/var/log/b c.log\" /var/log/b2.log {\n"             /* 4 */
	              "  monthly\n  rotate 12\n}\n"                          /* 5-7: 365 */
	              "/var/log/c*.log {\n  weekly\n  rotate 52\n  maxage 180\n}\n" /* 8-12: 180 */
	              "/var/log/d.log {\n  rotate 5\n  size 100M\n}\n"       /* 13-16: by size */
	              "/var/log/e.log {\n  rotate -1\n}\n"                   /* 17-19: forever */
	              "/var/log/f.log {\n  yearly\n  rotate 2\n  maxsize 1G\n}\n" /* 20-24: maxsize */
	              "/var/log/g.log {\n  hourly\n  rotate 48\n}\n"         /* 25-27: 2 days */
	              "/var/log/a.log {\n  rotate 999\n}\n"                  /* 28-30: duplicate */
	              "/var/log/h.log {\n  size 10M\n  daily\n  rotate 7\n}\n"); /* 31-35: daily wins */
	static const char *const files[] = {"/var/log/a.log", "/var/log/b c.log", "/var/log/b2.log", "/var/log/cx.log",
	                                    "/var/log/d.log", "/var/log/e.log", "/var/log/f.log", "/var/log/g.log",
	                                    "/var/log/h.log", "/var/log/sub/c.log", NULL};
	ks_collect_ctx *ctx = run(root, files);
	assert_int_equal(int_field(rec_of(ctx, 0), "retention_days"), 30);
	assert_string_equal(str_field(rec_of(ctx, 0), "source"), "/etc/logrotate.conf:3");
	assert_int_equal(int_field(rec_of(ctx, 1), "retention_days"), 365);
	assert_int_equal(int_field(rec_of(ctx, 2), "retention_days"), 365);
	assert_int_equal(int_field(rec_of(ctx, 3), "retention_days"), 180);
	assert_int_equal(ks_record_get(rec_of(ctx, 4), "retention_days")->type, KS_VAL_UNKNOWN);
	assert_string_equal(str_field(rec_of(ctx, 4), "period"), "size");
	assert_int_equal(int_field(rec_of(ctx, 5), "retention_days"), 36500);
	assert_true(ks_record_get(rec_of(ctx, 5), "unlimited")->u.b);
	assert_int_equal(ks_record_get(rec_of(ctx, 6), "retention_days")->type, KS_VAL_UNKNOWN);
	assert_int_equal(int_field(rec_of(ctx, 7), "retention_days"), 2);
	assert_int_equal(int_field(rec_of(ctx, 8), "retention_days"), 7);
	/* "*" does not cross "/": no stanza for a file in a subdirectory. */
	assert_int_equal(ks_record_get(rec_of(ctx, 9), "retention_days")->type, KS_VAL_UNKNOWN);
	done(ctx, root);
}

static void test_retention_arithmetic(void **state)
{
	(void)state;
	ks_logrotate_opts o;
	memset(&o, 0, sizeof o);
	bool unlimited;
	o.period = KS_LR_WEEKLY;
	o.rotate = 4;
	assert_int_equal(ks_logrotate_retention_days(&o, &unlimited), 28);
	o.rotate = 0;
	assert_int_equal(ks_logrotate_retention_days(&o, &unlimited), 0);
	o.period = KS_LR_YEARLY;
	o.rotate = 1;
	assert_int_equal(ks_logrotate_retention_days(&o, &unlimited), 365);
	o.maxage = 100;
	assert_int_equal(ks_logrotate_retention_days(&o, &unlimited), 100);
	o.rotate = -1;
	assert_int_equal(ks_logrotate_retention_days(&o, &unlimited), 100);
	assert_false(unlimited);
	o.period = KS_LR_SIZE;
	assert_int_equal(ks_logrotate_retention_days(&o, &unlimited), -1);
}

static void test_includes_and_taboo(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/sbin/logrotate", "\177ELF");
	ks_test_write(root, "/etc/logrotate.conf", "weekly\nrotate 4\ninclude /etc/logrotate.d\nrotate 99\n"
	                                           "include /etc/logrotate.extra\n");
	ks_test_write(root, "/etc/logrotate.d/a.dpkg-old", "/var/log/auth.log {\n rotate 1000\n}\n");
	ks_test_write(root, "/etc/logrotate.d/b~", "/var/log/auth.log {\n rotate 1000\n}\n");
	ks_test_write(root, "/etc/logrotate.d/c", "/var/log/auth.log {\n  daily\n}\n");
	ks_test_write(root, "/etc/logrotate.d/d", "/var/log/secure {\n  daily\n}\n");
	ks_test_write(root, "/etc/logrotate.extra", "/var/log/late.log {\n}\n");
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/logrotate.d/d", root);
	assert_int_equal(chmod(p, 0666), 0);
	static const char *const files[] = {"/var/log/auth.log", "/var/log/secure", "/var/log/late.log", NULL};
	ks_collect_ctx *ctx = run(root, files);
	const ks_value *r = rec_of(ctx, 0);
	assert_int_equal(int_field(r, "retention_days"), 4); /* daily x the global rotate 4 */
	assert_string_equal(str_field(r, "source"), "/etc/logrotate.d/c:1");
	/* A world-writable configuration file is ignored by logrotate. */
	assert_int_equal(ks_record_get(rec_of(ctx, 1), "retention_days")->type, KS_VAL_UNKNOWN);
	assert_true(has_diag(ctx, "/etc/logrotate.d/d", 0, "logrotate ignores"));
	/* Globals set after an include apply to later stanzas only. */
	assert_int_equal(int_field(rec_of(ctx, 2), "retention_days"), 99 * 7);
	done(ctx, root);
}

static void test_malformed(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/sbin/logrotate", "\177ELF");
	ks_test_write(root, "/etc/logrotate.conf",
	              "weekly\n"                         /* 1 */
	              "rotate many\n"                    /* 2: not a number */
	              "frobnicate\n"                     /* 3: unknown option */
	              "}\n"                              /* 4: stray */
	              "/var/log/auth.log {\n"            /* 5 */
	              "  rotate 8\n"                     /* 6 */
	              "  include /etc/other\n"           /* 7: not allowed here */
	              "  postrotate\n"                   /* 8 */
	              "    rotate 1000 # shell text\n"   /* 9: inside the script */
	              "  endscript\n"                    /* 10 */
	              "  create 0999 root adm\n"         /* 11: bad mode */
	              "}\n"                              /* 12 */
	              "/var/log/open.log {\n"            /* 13: never closed */
	              "  rotate 2\n");
	static const char *const files[] = {"/var/log/auth.log", NULL};
	ks_collect_ctx *ctx = run(root, files);
	assert_int_equal(int_field(rec_of(ctx, 0), "retention_days"), 56);
	const char *p = "/etc/logrotate.conf";
	assert_true(has_diag(ctx, p, 2, "needs a number"));
	assert_true(has_diag(ctx, p, 3, "unknown option"));
	assert_true(has_diag(ctx, p, 4, "without a matching"));
	assert_true(has_diag(ctx, p, 7, "not allowed"));
	assert_true(has_diag(ctx, p, 11, "octal"));
	assert_true(has_diag(ctx, p, 13, "without a matching"));
	done(ctx, root);
}

static void test_unknown_inputs(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_collect_ctx *ctx = run(root, NULL);
	assert_true(ks_test_fact_is_unknown(ctx, "logrotate.files"));
	done(ctx, root);

	/* Not installed: nothing rotates these files as far as kenshin can tell. */
	root = ks_test_tmpdir();
	static const char *const files[] = {"/var/log/auth.log", NULL};
	ctx = run(root, files);
	assert_false(ks_test_fact_bool(ctx, "logrotate.installed"));
	assert_int_equal(ks_record_get(rec_of(ctx, 0), "retention_days")->type, KS_VAL_UNKNOWN);
	done(ctx, root);

	/* An unreadable include (here a FIFO, never opened) makes the stanzas incomplete: unknown,
	 * not "no stanza". */
	root = debian_root();
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/logrotate.fifo", root);
	assert_int_equal(mkfifo(p, 0644), 0);
	ks_test_write(root, "/etc/logrotate.conf", "include /etc/logrotate.fifo\ninclude /etc/logrotate.d\n");
	ctx = run(root, files);
	assert_true(ks_test_fact_is_unknown(ctx, "logrotate.files"));
	done(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_default),
		cmocka_unit_test(test_retention_rules),
		cmocka_unit_test(test_retention_arithmetic),
		cmocka_unit_test(test_includes_and_taboo),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_unknown_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
