/* journald collector: Debian's shipped journald.conf, drop-in precedence, Storage= and the
 * /var/log/journal rule, time spans, malformed values, not installed. */
#include "support.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "collect/journald.h"
#include "core/diag.h"

/* Debian 12's /etc/systemd/journald.conf, verbatim: every setting commented out. */
static const char debian_conf[] =
	"#  This file is part of systemd.\n"
	"#\n"
	"#  systemd is free software; you can redistribute it and/or modify it under the\n"
	"#  terms of the GNU Lesser General Public License as published by the Free\n"
	"#  Software Foundation; either version 2.1 of the License, or (at your option)\n"
	"#  any later version.\n"
	"#\n"
	"# Entries in this file show the compile time defaults. Local configuration\n"
	"# should be created by either modifying this file, or by creating \"drop-ins\" in\n"
	"# the journald.conf.d/ subdirectory. The latter is generally recommended.\n"
	"# Defaults can be restored by simply deleting this file and all drop-ins.\n"
	"#\n"
	"# Use 'systemd-analyze cat-config systemd/journald.conf' to display the full config.\n"
	"#\n"
	"# See journald.conf(5) for details.\n"
	"\n"
	"[Journal]\n"
	"#Storage=auto\n"
	"#Compress=yes\n"
	"#Seal=yes\n"
	"#SplitMode=uid\n"
	"#SyncIntervalSec=5m\n"
	"#RateLimitIntervalSec=30s\n"
	"#RateLimitBurst=10000\n"
	"#SystemMaxUse=\n"
	"#SystemKeepFree=\n"
	"#SystemMaxFileSize=\n"
	"#SystemMaxFiles=100\n"
	"#RuntimeMaxUse=\n"
	"#RuntimeKeepFree=\n"
	"#RuntimeMaxFileSize=\n"
	"#RuntimeMaxFiles=100\n"
	"#MaxRetentionSec=\n"
	"#MaxFileSec=1month\n"
	"#ForwardToSyslog=yes\n"
	"#ForwardToKMsg=no\n"
	"#ForwardToConsole=no\n"
	"#ForwardToWall=yes\n"
	"#TTYPath=/dev/console\n"
	"#MaxLevelStore=debug\n"
	"#MaxLevelSyslog=debug\n"
	"#MaxLevelKMsg=notice\n"
	"#MaxLevelConsole=info\n"
	"#MaxLevelWall=emerg\n"
	"#LineMax=48K\n"
	"#ReadKMsg=yes\n"
	"#Audit=no\n";

static char *installed_root(bool persistent_dir)
{
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/lib/systemd/systemd-journald", "\177ELF");
	ks_test_write(root, "/etc/systemd/journald.conf", debian_conf);
	if (persistent_dir)
		ks_test_write(root, "/var/log/journal/.keep", "");
	return root;
}

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_journald(ctx), 0);
	return ctx;
}

static void done(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void expect_src(ks_collect_ctx *ctx, const char *key, const char *path, int line)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	assert_non_null(f->source.path);
	assert_string_equal(f->source.path, path);
	assert_int_equal(f->source.line, line);
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
	char *root = installed_root(true);
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "journald.installed"));
	assert_string_equal(ks_test_fact_str(ctx, "journald.storage"), "auto");
	assert_non_null(strstr(ks_fact_get(ctx->facts, "journald.storage")->source.probe, "default"));
	assert_true(ks_test_fact_bool(ctx, "journald.persistent"));
	expect_src(ctx, "journald.persistent", "/var/log/journal", 0);
	assert_int_equal(ks_test_fact_int(ctx, "journald.max_retention_sec"), 0);
	assert_int_equal(ks_test_fact_int(ctx, "journald.max_file_sec"), 2629800);
	assert_true(ks_test_fact_bool(ctx, "journald.forward_to_syslog"));
	assert_string_equal(ks_test_fact_str(ctx, "journald.system_max_use"), "");
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);

	/* Storage=auto without /var/log/journal keeps the journal in /run only. */
	root = installed_root(false);
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "journald.persistent"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "journald.persistent")->source.probe, "/run"));
	done(ctx, root);
}

static void test_dropins(void **state)
{
	(void)state;
	char *root = installed_root(false);
	ks_test_write(root, "/etc/systemd/journald.conf", "[Journal]\nStorage=volatile\nMaxRetentionSec=1week\n");
	ks_test_write(root, "/usr/lib/systemd/journald.conf.d/10-vendor.conf",
	              "# vendor\n[Journal]\nStorage=persistent\nForwardToSyslog=no\n");
	ks_test_write(root, "/etc/systemd/journald.conf.d/20-site.conf", "[Journal]\nMaxRetentionSec=1year\n");
	/* Same name: /etc wins over /usr/lib, whatever the order of directories. */
	ks_test_write(root, "/usr/lib/systemd/journald.conf.d/30-x.conf", "[Journal]\nSystemMaxUse=1G\n");
	ks_test_write(root, "/etc/systemd/journald.conf.d/30-x.conf", "[Journal]\nSystemMaxUse=50G\n");
	ks_test_write(root, "/etc/systemd/journald.conf.d/notes.txt", "[Journal]\nStorage=none\n");
	ks_collect_ctx *ctx = run(root);
	assert_string_equal(ks_test_fact_str(ctx, "journald.storage"), "persistent");
	expect_src(ctx, "journald.storage", "/usr/lib/systemd/journald.conf.d/10-vendor.conf", 3);
	assert_true(ks_test_fact_bool(ctx, "journald.persistent"));
	expect_src(ctx, "journald.persistent", "/usr/lib/systemd/journald.conf.d/10-vendor.conf", 3);
	assert_int_equal(ks_test_fact_int(ctx, "journald.max_retention_sec"), 31557600);
	expect_src(ctx, "journald.max_retention_sec", "/etc/systemd/journald.conf.d/20-site.conf", 2);
	assert_false(ks_test_fact_bool(ctx, "journald.forward_to_syslog"));
	assert_string_equal(ks_test_fact_str(ctx, "journald.system_max_use"), "50G");
	expect_src(ctx, "journald.system_max_use", "/etc/systemd/journald.conf.d/30-x.conf", 2);
	done(ctx, root);

	/* A drop-in linked to /dev/null masks the vendor one of the same name. */
	root = installed_root(false);
	ks_test_write(root, "/usr/lib/systemd/journald.conf.d/10-vendor.conf", "[Journal]\nStorage=persistent\n");
	ks_test_write(root, "/etc/systemd/journald.conf.d/.keep", "");
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/systemd/journald.conf.d/10-vendor.conf", root);
	assert_int_equal(symlink("/dev/null", p), 0);
	ctx = run(root);
	assert_string_equal(ks_test_fact_str(ctx, "journald.storage"), "auto");
	assert_false(ks_test_fact_bool(ctx, "journald.persistent"));
	done(ctx, root);
}

static void test_syntax(void **state)
{
	(void)state;
	char *root = installed_root(true);
	ks_test_write(root, "/etc/systemd/journald.conf",
	              "Storage=none\n"                 /* 1: outside any section: ignored */
	              "[Journal]\n"                    /* 2 */
	              "  Storage = persistent  \n"     /* 3 */
	              "Storage=sometimes\n"            /* 4: invalid, ignored */
	              "MaxRetentionSec=6month \\\n"    /* 5: continued */
	              "  2weeks\n"                     /* 6 */
	              "MaxFileSec=soon\n"              /* 7: invalid */
	              "ForwardToSyslog=maybe\n"        /* 8: invalid */
	              "just text\n"                    /* 9 */
	              "[Upload]\n"                     /* 10 */
	              "Storage=volatile\n");           /* 11: other section */
	ks_collect_ctx *ctx = run(root);
	assert_string_equal(ks_test_fact_str(ctx, "journald.storage"), "persistent");
	expect_src(ctx, "journald.storage", "/etc/systemd/journald.conf", 3);
	assert_int_equal(ks_test_fact_int(ctx, "journald.max_retention_sec"), 15778800 + 1209600);
	expect_src(ctx, "journald.max_retention_sec", "/etc/systemd/journald.conf", 5);
	assert_int_equal(ks_test_fact_int(ctx, "journald.max_file_sec"), 2629800);
	assert_true(ks_test_fact_bool(ctx, "journald.forward_to_syslog"));
	assert_true(has_diag(ctx, "/etc/systemd/journald.conf", 4, "Storage="));
	assert_true(has_diag(ctx, "/etc/systemd/journald.conf", 7, "time span"));
	assert_true(has_diag(ctx, "/etc/systemd/journald.conf", 8, "boolean"));
	assert_true(has_diag(ctx, "/etc/systemd/journald.conf", 9, "Key=Value"));
	done(ctx, root);

	/* An empty assignment restores the default. */
	root = installed_root(false);
	ks_test_write(root, "/etc/systemd/journald.conf", "[Journal]\nMaxRetentionSec=1y\nStorage=volatile\n");
	ks_test_write(root, "/etc/systemd/journald.conf.d/reset.conf", "[Journal]\nMaxRetentionSec=\nStorage=\n");
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "journald.max_retention_sec"), 0);
	assert_string_equal(ks_test_fact_str(ctx, "journald.storage"), "auto");
	done(ctx, root);
}

static void test_timespan(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int64_t out;
	} ok[] = {{"1year", 31557600}, {"1y", 31557600}, {"6month", 15778800}, {"6M", 15778800}, {"2w 3d", 1468800},
	          {"1.5h", 5400}, {"3600", 3600}, {"5 min", 300}, {"5m", 300}, {"1d12h", 129600}, {"500ms", 0},
	          {"0", 0}, {"infinity", INT64_MAX}, {" 2 weeks ", 1209600}};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		int64_t v = -1;
		assert_true(ks_journald_parse_timespan(ok[i].in, &v));
		assert_int_equal(v, ok[i].out);
	}
	static const char *const bad[] = {"", "x", "1x", "1 year ago", ".", "-5s", "99999999999999999999y"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t v;
		assert_false(ks_journald_parse_timespan(bad[i], &v));
	}
}

static void test_not_installed(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/etc/systemd/journald.conf", "[Journal]\nStorage=persistent\n");
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "journald.installed"));
	assert_false(ks_test_fact_bool(ctx, "journald.persistent"));
	assert_true(ks_test_fact_is_unknown(ctx, "journald.storage"));
	assert_true(ks_test_fact_is_unknown(ctx, "journald.max_retention_sec"));
	done(ctx, root);
}

static void test_unreadable(void **state)
{
	(void)state;
	char *root = installed_root(true);
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/systemd/journald.conf.d", root);
	/* A drop-in directory that is a file cannot be listed: not an error (no drop-ins). */
	ks_test_write(root, "/etc/systemd/journald.conf.d", "x");
	ks_collect_ctx *ctx = run(root);
	assert_string_equal(ks_test_fact_str(ctx, "journald.storage"), "auto");
	done(ctx, root);

	/* The main file being a directory is a read error: every setting unknown. */
	root = installed_root(true);
	snprintf(p, sizeof p, "%s/etc/systemd/journald.conf", root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "journald.storage"));
	assert_true(ks_test_fact_is_unknown(ctx, "journald.persistent"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "journald.persistent")->reason, "/etc/systemd/journald.conf"));
	done(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_default),
		cmocka_unit_test(test_dropins),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_timespan),
		cmocka_unit_test(test_not_installed),
		cmocka_unit_test(test_unreadable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
