/* modprobe collector: kmod's file precedence and order, install/blacklist semantics, '-'/'_',
 * comments and continuations, the kernel command line, malformed lines. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "collect/modprobe.h"
#include "core/diag.h"

/* What Debian 12 ships in /lib/modprobe.d (kmod's aliases.conf and systemd's systemd.conf). */
static const char debian_aliases[] =
	"# These are the standard aliases and dependencies.\n"
	"# This file does not need to be modified.\n"
	"\n"
	"# prevent unusual drivers from appearing as the first sound device ###########\n"
	"options snd-pcsp index=-2\n"
	"options cx88_alsa index=-2\n"
	"options snd-atiixp-modem index=-2\n"
	"options snd-intel8x0m index=-2\n"
	"options snd-via82xx-modem index=-2\n"
	"\n"
	"# work around other kernel issues ############################################\n"
	"# The EHCI driver should be loaded before the ones for low speed controllers\n"
	"# or some devices may be confused when they are disconnected and reconnected.\n"
	"softdep uhci-hcd pre: ehci-hcd\n"
	"softdep ohci-hcd pre: ehci-hcd\n";
static const char debian_systemd[] =
	"#  SPDX-License-Identifier: LGPL-2.1-or-later\n"
	"\n"
	"options bonding max_bonds=0\n"
	"\n"
	"options dummy numdummies=0\n"
	"\n"
	"options ifb numifbs=0\n";

static char *debian_root(void)
{
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/lib/modprobe.d/aliases.conf", debian_aliases);
	ks_test_write(root, "/lib/modprobe.d/systemd.conf", debian_systemd);
	return root;
}

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_modprobe(ctx), 0);
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

static void expect_probe(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	assert_non_null(f->source.probe);
	assert_non_null(strstr(f->source.probe, "no rule in modprobe.d"));
}

static size_t nrules(ks_collect_ctx *ctx)
{
	const ks_fact *f = ks_fact_get(ctx->facts, "usb.modprobe_rules");
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	return f->value.u.list.n;
}

static void test_debian_defaults(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	assert_false(ks_test_fact_bool(ctx, "usb.uas_install_disabled"));
	assert_false(ks_test_fact_bool(ctx, "usb.storage_blacklisted"));
	assert_false(ks_test_fact_bool(ctx, "usb.uas_blacklisted"));
	expect_probe(ctx, "usb.storage_install_disabled");
	expect_probe(ctx, "usb.uas_blacklisted");
	assert_int_equal(nrules(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "usb.storage_loaded")); /* image */
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

static void test_install_false(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/etc/modprobe.d/usb-storage.conf",
	              "# CIS 1.1.10: disable USB storage\n"
	              "install usb-storage /bin/false\n"
	              "blacklist usb-storage\n");
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	expect_src(ctx, "usb.storage_install_disabled", "/etc/modprobe.d/usb-storage.conf", 2);
	assert_true(ks_test_fact_bool(ctx, "usb.storage_blacklisted"));
	expect_src(ctx, "usb.storage_blacklisted", "/etc/modprobe.d/usb-storage.conf", 3);
	assert_false(ks_test_fact_bool(ctx, "usb.uas_install_disabled"));
	assert_int_equal(nrules(ctx), 2);
	const ks_value *r = &ks_fact_get(ctx->facts, "usb.modprobe_rules")->value.u.list.items[0];
	assert_string_equal(ks_record_get(r, "name")->u.str.s, "usb_storage");
	assert_string_equal(ks_record_get(r, "directive")->u.str.s, "install");
	assert_string_equal(ks_record_get(r, "args")->u.str.s, "/bin/false");
	assert_string_equal(ks_record_get(r, "source")->u.str.s, "/etc/modprobe.d/usb-storage.conf:2");
	done(ctx, root);
}

/* A same-named file in an earlier directory replaces the later one entirely. */
static void test_etc_overrides_usr_lib(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/usr/lib/modprobe.d/usb.conf", "install usb-storage /bin/true\nblacklist uas\n");
	ks_test_write(root, "/etc/modprobe.d/usb.conf", "# emptied by the administrator\n");
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	assert_false(ks_test_fact_bool(ctx, "usb.uas_blacklisted"));
	done(ctx, root);

	root = debian_root();
	ks_test_write(root, "/usr/lib/modprobe.d/usb.conf", "# nothing\n");
	ks_test_write(root, "/run/modprobe.d/usb.conf", "blacklist uas\n");
	ks_test_write(root, "/lib/modprobe.d/usb.conf", "install uas /bin/true\n");
	ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "usb.uas_blacklisted"));
	expect_src(ctx, "usb.uas_blacklisted", "/run/modprobe.d/usb.conf", 1);
	assert_false(ks_test_fact_bool(ctx, "usb.uas_install_disabled"));
	done(ctx, root);
}

/* All files are processed in file-name order whatever their directory; the first install wins. */
static void test_first_install_wins(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/usr/lib/modprobe.d/10-vendor.conf",
	              "install usb_storage /sbin/modprobe --ignore-install usb_storage $CMDLINE_OPTS\n");
	ks_test_write(root, "/etc/modprobe.d/50-hardening.conf", "install usb-storage /bin/false\n");
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	expect_src(ctx, "usb.storage_install_disabled", "/usr/lib/modprobe.d/10-vendor.conf", 1);
	assert_int_equal(nrules(ctx), 2);
	done(ctx, root);

	root = debian_root();
	ks_test_write(root, "/etc/modprobe.d/00-hardening.conf",
	              "install usb-storage /bin/false\ninstall usb-storage /bin/sh\n");
	ks_test_write(root, "/usr/lib/modprobe.d/10-vendor.conf", "install usb_storage /bin/sh\n");
	ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	expect_src(ctx, "usb.storage_install_disabled", "/etc/modprobe.d/00-hardening.conf", 1);
	done(ctx, root);
}

static void test_comments_count_for_nothing(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/etc/modprobe.d/usb.conf",
	              "#install usb-storage /bin/false\n"
	              "# blacklist usb-storage\n"
	              "   # blacklist uas\n"
	              "\n");
	ks_test_write(root, "/etc/modprobe.d/usb.conf.disabled", "install usb-storage /bin/false\n");
	ks_test_write(root, "/etc/modprobe.d/.hidden.conf", "install usb-storage /bin/false\n");
	ks_test_write(root, "/etc/modprobe.d/dir.conf/inner.conf", "install usb-storage /bin/false\n");
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	assert_false(ks_test_fact_bool(ctx, "usb.storage_blacklisted"));
	assert_false(ks_test_fact_bool(ctx, "usb.uas_blacklisted"));
	assert_int_equal(nrules(ctx), 0);
	done(ctx, root);
}

static void test_dash_underscore_and_patterns(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/etc/modprobe.d/a.conf",
	              "blacklist usb-storage\n"         /* 1 */
	              "blacklist ua[s]\n"               /* 2: blacklist takes no pattern */
	              "install u[a-z]s /bin/true\n"     /* 3: install does (fnmatch) */
	              "options usb-storage quirks=1\n"  /* 4 */
	              "softdep uas pre: usb-storage\n"  /* 5 */
	              "alias usb:v*d*dc*dsc*dp*ic08isc06ip50in* usb-storage\n"); /* 6 */
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "usb.storage_blacklisted"));
	assert_false(ks_test_fact_bool(ctx, "usb.uas_blacklisted"));
	assert_true(ks_test_fact_bool(ctx, "usb.uas_install_disabled"));
	expect_src(ctx, "usb.uas_install_disabled", "/etc/modprobe.d/a.conf", 3);
	assert_false(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	assert_int_equal(nrules(ctx), 5);
	const ks_value *l = &ks_fact_get(ctx->facts, "usb.modprobe_rules")->value;
	assert_string_equal(ks_record_get(&l->u.list.items[2], "name")->u.str.s, "usb_storage");
	assert_string_equal(ks_record_get(&l->u.list.items[2], "args")->u.str.s, "quirks=1");
	assert_string_equal(ks_record_get(&l->u.list.items[4], "directive")->u.str.s, "alias");
	done(ctx, root);
}

static void test_continuation(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/etc/modprobe.d/a.conf",
	              "options foo a=1 \\\n"
	              "  b=2\n"
	              "install usb-storage \\\n"        /* 3 */
	              "  /bin/false\n"
	              "blacklist u\\as\n");             /* 5: the backslash is dropped */
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	expect_src(ctx, "usb.storage_install_disabled", "/etc/modprobe.d/a.conf", 3);
	assert_true(ks_test_fact_bool(ctx, "usb.uas_blacklisted"));
	expect_src(ctx, "usb.uas_blacklisted", "/etc/modprobe.d/a.conf", 5);
	done(ctx, root);
}

static void test_masked_by_dev_null(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/usr/lib/modprobe.d/hardening.conf", "install usb-storage /bin/false\n");
	ks_test_write(root, "/etc/modprobe.d/keep", "");
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/modprobe.d/hardening.conf", root);
	assert_int_equal(symlink("/dev/null", p), 0);
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

static void test_unreadable_file(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/etc/modprobe.d/keep", "");
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/modprobe.d/fifo.conf", root);
	assert_int_equal(mkfifo(p, 0600), 0);
	ks_test_write(root, "/etc/modprobe.d/usb.conf", "install usb-storage /bin/false\n");
	ks_collect_ctx *ctx = run(root);
	/* A rule that was read still decides; what could not be read makes "no rule" unknown. */
	assert_true(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	assert_true(ks_test_fact_is_unknown(ctx, "usb.storage_blacklisted"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "usb.storage_blacklisted")->reason, "fifo.conf"));
	done(ctx, root);
}

static void test_malformed(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/etc/modprobe.d/bad.conf",
	              "frobnicate usb-storage\n"          /* 1 */
	              "install usb-storage\n"             /* 2 */
	              "blacklist\n"                       /* 3 */
	              "blacklist usb-storage\r\n"         /* 4: CRLF: kmod keeps the '\r' */
	              "install ua[s /bin/false\n"         /* 5 */
	              "include /etc/other.conf\n");       /* 6 */
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "usb.storage_blacklisted"));
	assert_false(ks_test_fact_bool(ctx, "usb.uas_install_disabled"));
	assert_int_equal(ks_diags_count(ctx->diags), 6);
	for (int i = 0; i < 6; i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, (size_t)i);
		assert_int_equal(d->line, i + 1);
		assert_string_equal(d->path, "/etc/modprobe.d/bad.conf");
	}
	assert_non_null(strstr(ks_diags_at(ctx->diags, 3)->message, "carriage return"));
	done(ctx, root);
}

static void test_noop_commands(void **state)
{
	(void)state;
	const char *yes[] = {"/bin/false", "/bin/true", "/usr/bin/false", "/usr/bin/true", "false", "true",
	                     ":", "exit", "exit 1", "/bin/false usb-storage", "  /bin/true  ",
	                     "/bin/sh -c 'false'", "/bin/sh -c \"exit 1\"", "sh -c true",
	                     "/bin/true # disabled"};
	const char *no[] = {"", "/sbin/modprobe --ignore-install usb-storage",
	                    "/bin/true; /sbin/modprobe --ignore-install usb-storage",
	                    "/bin/false || /sbin/modprobe usb_storage", "/bin/true && insmod x",
	                    "/bin/echo disabled", "/bin/sh -c 'false; modprobe x'", "exit $(modprobe x)",
	                    "/bin/sh -c 'sh -c false'", "truex", "/opt/bin/false", "exit 1 2",
	                    "/bin/true `modprobe x`", "/bin/sh", "/bin/sh -c", "/bin/sh -c 'false\""};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (!ks_modprobe_install_is_noop(yes[i]))
			fail_msg("should be a no-op: %s", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (ks_modprobe_install_is_noop(no[i]))
			fail_msg("should not be a no-op: %s", no[i]);
	assert_false(ks_modprobe_install_is_noop(NULL));
}

/* Live: the kernel command line and /proc/modules (read through the root, here a scratch tree). */
static void test_live_cmdline_and_loaded(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/proc/cmdline",
	              "BOOT_IMAGE=/vmlinuz-6.1.0-13-amd64 root=UUID=x ro quiet "
	              "modprobe.blacklist=uas,firewire_core module_blacklist=usb_storage\n");
	ks_test_write(root, "/proc/modules",
	              "uas 32768 0 - Live 0x0000000000000000\n"
	              "usb_storage 81920 1 uas, Live 0x0000000000000000\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ctx->live = true;
	assert_int_equal(ks_collect_modprobe(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "usb.uas_blacklisted"));
	expect_src(ctx, "usb.uas_blacklisted", "/proc/cmdline", 1);
	/* module_blacklist= makes the kernel refuse the module: as good as a no-op install. */
	assert_true(ks_test_fact_bool(ctx, "usb.storage_install_disabled"));
	expect_src(ctx, "usb.storage_install_disabled", "/proc/cmdline", 1);
	assert_false(ks_test_fact_bool(ctx, "usb.storage_blacklisted"));
	assert_true(ks_test_fact_bool(ctx, "usb.storage_loaded"));
	expect_src(ctx, "usb.storage_loaded", "/proc/modules", 2);
	ks_test_ctx_free(ctx);

	/* kmod does not map '-' to '_' on the command line: modprobe.blacklist=usb-storage is inert. */
	ks_test_write(root, "/proc/cmdline", "ro modprobe.blacklist=usb-storage\n");
	ks_test_write(root, "/proc/modules", "ext4 1 0 - Live 0x0\n");
	ctx = ks_test_ctx(root);
	ctx->live = true;
	assert_int_equal(ks_collect_modprobe(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "usb.storage_blacklisted"));
	assert_false(ks_test_fact_bool(ctx, "usb.storage_loaded"));
	ks_test_ctx_free(ctx);

	/* Built in: /sys/module/usb_storage without a /proc/modules line. */
	ks_test_write(root, "/sys/module/usb_storage/parameters/delay_use", "1\n");
	ctx = ks_test_ctx(root);
	ctx->live = true;
	assert_int_equal(ks_collect_modprobe(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "usb.storage_loaded"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "usb.storage_loaded")->source.probe, "built into"));
	done(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_defaults),
		cmocka_unit_test(test_install_false),
		cmocka_unit_test(test_etc_overrides_usr_lib),
		cmocka_unit_test(test_first_install_wins),
		cmocka_unit_test(test_comments_count_for_nothing),
		cmocka_unit_test(test_dash_underscore_and_patterns),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_masked_by_dev_null),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_noop_commands),
		cmocka_unit_test(test_live_cmdline_and_loaded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
