/* usbguard collector: installation, systemd enablement and masking, daemon settings with their
 * documented defaults, the rule language and whether USB storage gets through. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "collect/usbguard.h"
#include "core/diag.h"

/* The settings of Debian 12's /etc/usbguard/usbguard-daemon.conf (comments shortened). */
static const char debian_conf[] =
	"#\n"
	"# Rule set file path.\n"
	"#\n"
	"# RuleFile=/path/to/rules.conf\n"
	"#\n"
	"RuleFile=/etc/usbguard/rules.conf\n"                  /* 6 */
	"\n"
	"# RuleFolder=/path/to/rulesfolder/\n"
	"#\n"
	"RuleFolder=/etc/usbguard/rules.d/\n"                  /* 10 */
	"\n"
	"# How to treat devices that don't match any rule in the policy.\n"
	"ImplicitPolicyTarget=block\n"                         /* 13 */
	"PresentDevicePolicy=apply-policy\n"
	"PresentControllerPolicy=keep\n"
	"InsertedDevicePolicy=apply-policy\n"
	"AuthorizedDefault=none\n"
	"RestoreControllerDeviceState=false\n"
	"DeviceManagerBackend=uevent\n"
	"IPCAllowedUsers=root\n"
	"IPCAllowedGroups=root plugdev\n"
	"IPCAccessControlFiles=/etc/usbguard/IPCAccessControl.d/\n"
	"DeviceRulesWithPort=false\n"
	"AuditBackend=FileAudit\n"
	"AuditFilePath=/var/log/usbguard/usbguard-audit.log\n"
	"HidePII=false\n";

/* As "usbguard generate-policy" writes it for a root hub and a keyboard. */
static const char generated_rules[] =
	"allow id 1d6b:0002 serial \"0000:00:14.0\" name \"xHCI Host Controller\" "
	"hash \"jEP/6WzviqdJ5VSeTUY8PatCNBKeaREvo2OqdplND/o=\" parent-hash "
	"\"rV9bfLq7c2eA4tYjVjwO4bxhm+y6GgZpl9J60L0fBkY=\" with-interface 09:00:00 with-connect-type \"\"\n"
	"allow id 046d:c31c serial \"\" name \"USB Keyboard\" hash \"Y0R4bOaLj9V2ZbyUJkWuo3rjZyqH9Df3oE2fCqGqjNw=\" "
	"parent-hash \"jEP/6WzviqdJ5VSeTUY8PatCNBKeaREvo2OqdplND/o=\" via-port \"1-2\" "
	"with-interface { 03:01:01 03:00:00 } with-connect-type \"hotplug\"\n";

static const char unit[] = "[Unit]\nDescription=USBGuard daemon\n[Service]\n"
                           "ExecStart=/usr/sbin/usbguard-daemon -f -s -c /etc/usbguard/usbguard-daemon.conf\n"
                           "[Install]\nWantedBy=basic.target\n";

static void link_in(const char *root, const char *target, const char *rel)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static char *installed_root(bool enabled)
{
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/sbin/usbguard-daemon", "\177ELF");
	ks_test_write(root, "/lib/systemd/system/usbguard.service", unit);
	ks_test_write(root, "/etc/usbguard/usbguard-daemon.conf", debian_conf);
	ks_test_write(root, "/etc/usbguard/rules.conf", "");
	ks_test_write(root, "/etc/systemd/system/basic.target.wants/.keep", "");
	if (enabled)
		link_in(root, "/lib/systemd/system/usbguard.service",
		        "etc/systemd/system/basic.target.wants/usbguard.service");
	return root;
}

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_usbguard(ctx), 0);
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

static void test_not_installed(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "usbguard.installed"));
	assert_false(ks_test_fact_bool(ctx, "usbguard.enabled"));
	assert_true(ks_test_fact_is_unknown(ctx, "usbguard.implicit_policy_target"));
	assert_true(ks_test_fact_is_unknown(ctx, "usbguard.allows_all"));
	assert_true(ks_test_fact_is_unknown(ctx, "usbguard.rules"));
	assert_string_equal(ks_fact_get(ctx->facts, "usbguard.rule_file")->reason, "usbguard not installed");
	done(ctx, root);
}

static void test_debian_default(void **state)
{
	(void)state;
	char *root = installed_root(true);
	ks_test_write(root, "/etc/usbguard/rules.conf", generated_rules);
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "usbguard.installed"));
	expect_src(ctx, "usbguard.installed", "/usr/sbin/usbguard-daemon", 0);
	assert_true(ks_test_fact_bool(ctx, "usbguard.enabled"));
	expect_src(ctx, "usbguard.enabled", "/etc/systemd/system/basic.target.wants/usbguard.service", 0);
	assert_string_equal(ks_test_fact_str(ctx, "usbguard.implicit_policy_target"), "block");
	expect_src(ctx, "usbguard.implicit_policy_target", "/etc/usbguard/usbguard-daemon.conf", 13);
	assert_string_equal(ks_test_fact_str(ctx, "usbguard.rule_file"), "/etc/usbguard/rules.conf");
	expect_src(ctx, "usbguard.rule_file", "/etc/usbguard/usbguard-daemon.conf", 6);
	const ks_fact *f = ks_fact_get(ctx->facts, "usbguard.rules");
	assert_int_equal(f->value.type, KS_VAL_LIST);
	assert_int_equal(f->value.u.list.n, 2);
	const ks_value *r = &f->value.u.list.items[1];
	assert_string_equal(ks_record_get(r, "target")->u.str.s, "allow");
	assert_string_equal(ks_record_get(r, "source")->u.str.s, "/etc/usbguard/rules.conf:2");
	assert_non_null(strstr(ks_record_get(r, "name")->u.str.s, "allow id 046d:c31c"));
	assert_false(ks_test_fact_bool(ctx, "usbguard.allows_all"));
	assert_non_null(ks_fact_get(ctx->facts, "usbguard.allows_all")->source.probe);
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

static void test_not_enabled_and_masked(void **state)
{
	(void)state;
	char *root = installed_root(false);
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "usbguard.enabled"));
	assert_non_null(ks_fact_get(ctx->facts, "usbguard.enabled")->source.probe);
	done(ctx, root);

	root = installed_root(true);
	link_in(root, "/dev/null", "etc/systemd/system/usbguard.service");
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "usbguard.enabled"));
	expect_src(ctx, "usbguard.enabled", "/etc/systemd/system/usbguard.service", 0);
	done(ctx, root);

	/* A wants link whose unit file is gone enables nothing. */
	root = installed_root(true);
	char p[1024];
	snprintf(p, sizeof p, "%s/lib/systemd/system/usbguard.service", root);
	assert_int_equal(unlink(p), 0);
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "usbguard.enabled"));
	done(ctx, root);
}

static void test_installed_by_package(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/var/lib/dpkg/status",
	              "Package: usbguard\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.1.2+ds-2\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_int_equal(ks_collect_usbguard(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "usbguard.installed"));
	expect_src(ctx, "usbguard.installed", "/var/lib/dpkg/status", 1);
	/* No configuration file: the documented defaults, said to be defaults. */
	assert_string_equal(ks_test_fact_str(ctx, "usbguard.implicit_policy_target"), "block");
	assert_non_null(strstr(ks_fact_get(ctx->facts, "usbguard.implicit_policy_target")->source.probe,
	                       "default"));
	assert_string_equal(ks_test_fact_str(ctx, "usbguard.rule_file"), "/etc/usbguard/rules.conf");
	assert_false(ks_test_fact_bool(ctx, "usbguard.allows_all"));
	done(ctx, root);
}

static void test_implicit_target(void **state)
{
	(void)state;
	char *root = installed_root(true);
	ks_test_write(root, "/etc/usbguard/usbguard-daemon.conf",
	              "ImplicitPolicyTarget=block\n# ImplicitPolicyTarget=allow\n  ImplicitPolicyTarget = allow  \n");
	ks_collect_ctx *ctx = run(root);
	assert_string_equal(ks_test_fact_str(ctx, "usbguard.implicit_policy_target"), "allow");
	expect_src(ctx, "usbguard.implicit_policy_target", "/etc/usbguard/usbguard-daemon.conf", 3);
	done(ctx, root);

	root = installed_root(true);
	ks_test_write(root, "/etc/usbguard/usbguard-daemon.conf", "ImplicitPolicyTarget=deny\n");
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "usbguard.implicit_policy_target"));
	assert_int_equal(ks_diags_count(ctx->diags), 1);
	done(ctx, root);
}

/* Parses RULES and returns allows_all: 1 true, 0 false, -1 unknown (malformed). */
static int allows(const char *rules, int *line)
{
	char *root = installed_root(true);
	ks_test_write(root, "/etc/usbguard/rules.conf", rules);
	ks_collect_ctx *ctx = run(root);
	const ks_fact *f = ks_fact_get(ctx->facts, "usbguard.allows_all");
	assert_non_null(f);
	int r = f->value.type == KS_VAL_UNKNOWN ? -1 : f->value.u.b;
	if (line)
		*line = r == 1 ? f->source.line : 0;
	done(ctx, root);
	return r;
}

static void test_allows_all(void **state)
{
	(void)state;
	int line;
	assert_int_equal(allows("allow\n", &line), 1);
	assert_int_equal(line, 1);
	assert_int_equal(allows("# policy\nallow id 1234:5678\nallow with-interface equals { 08:*:* }\n", &line), 1);
	assert_int_equal(line, 3);
	assert_int_equal(allows("allow with-interface 08:06:50\n", NULL), 1);
	assert_int_equal(allows("allow with-interface one-of { 03:00:01 08:*:* }\n", NULL), 1);
	assert_int_equal(allows("allow label \"anything\" with-connect-type \"hotplug\"\n", NULL), 1);
	assert_int_equal(allows("allow id *:*\n", NULL), 1);
	assert_int_equal(allows("allow with-interface none-of { 03:*:* }\n", NULL), 1);
	assert_int_equal(allows("allow if localtime(08:00-17:00)\n", NULL), 1); /* may apply */
	assert_int_equal(allows("allow with-interface none-of { 08:*:* }\n", NULL), 0);
	assert_int_equal(allows("allow with-interface 03:00:01\n", NULL), 0);
	assert_int_equal(allows("allow id 0781:*\n", NULL), 0);
	assert_int_equal(allows("allow via-port \"1-2\"\n", NULL), 0);
	assert_int_equal(allows("allow hash \"abc\"\n", NULL), 0);
	/* First match wins: after a catch-all block nothing else is reached. */
	assert_int_equal(allows("block\nallow\n", NULL), 0);
	assert_int_equal(allows("reject with-interface one-of { 08:*:* }\nallow\n", NULL), 0);
	assert_int_equal(allows("block if random\nallow\n", NULL), 1);
	assert_int_equal(allows("block id 1234:5678\nallow\n", NULL), 1);
	assert_int_equal(allows("block with-interface equals { 08:*:* }\nallow\n", NULL), 1);
	assert_int_equal(allows("", NULL), 0);
	assert_int_equal(allows("   \n#allow\n  # allow\n", NULL), 0);
}

static void test_grammar(void **state)
{
	(void)state;
	/* Accepted by the daemon. */
	const char *good[] = {
		"allow 1050:0011 name \"Yubico Yubikey II\" serial \"0001234567\" via-port \"1-2\" hash \"0440\"\n",
		"allow with-interface one-of { 03:00:01 03:01:01 } if !allowed-matches(with-interface one-of { 03:00:01 03:01:01 })\n",
		"reject with-interface all-of { 08:*:* 03:00:* }   # suspicious\n",
		"allow if random(0.1666)\n",
		"allow name \"a \\\"quoted\\\" \\x41 \\101 \\\\ name\" label \"x\" label \"y\"\n",
		"block key \"abc\"\n",
		"allow if { true !false }\n",
		"allow id { 1234:5678 *:* }\n",
		"\tallow\t\n",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (allows(good[i], NULL) < 0)
			fail_msg("rejected: %s", good[i]);
	/* Refused by the daemon (it then loads no policy): allows_all is unknown. */
	const char *bad[] = {
		"permit\n",
		"allow name Yubikey\n",
		"allow id 12345:1\n",
		"allow with-interface 8:*:*\n",
		"allow name \"a\" name \"b\"\n",
		"allow with-interface { 08:*:* \n",
		"allow with-interface one-of 08:*:*\n",
		"allow name \"unterminated\n",
		"allow colour \"red\"\n",
		"allow\r\n",
		"allow name \"bad \\q escape\"\n",
		"allow key \"k\" name \"x\"\n",
		"allow name\"x\"\n",
		"allowx\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (allows(bad[i], NULL) != -1)
			fail_msg("accepted: %s", bad[i]);
}

static void test_malformed_diag(void **state)
{
	(void)state;
	char *root = installed_root(true);
	ks_test_write(root, "/etc/usbguard/rules.conf", "allow id 1234:5678\nallow name oops\nallow\n");
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "usbguard.allows_all"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "usbguard.allows_all")->reason, "rules.conf:2"));
	assert_int_equal(ks_diags_count(ctx->diags), 1);
	const ks_diag *d = ks_diags_at(ctx->diags, 0);
	assert_int_equal(d->line, 2);
	assert_int_equal(d->column, 12);
	assert_string_equal(d->path, "/etc/usbguard/rules.conf");
	/* The well-formed rules are still listed. */
	assert_int_equal(ks_fact_get(ctx->facts, "usbguard.rules")->value.u.list.n, 2);
	done(ctx, root);
}

static void test_rule_folder(void **state)
{
	(void)state;
	char *root = installed_root(true);
	ks_test_write(root, "/etc/usbguard/rules.conf", "allow id 1234:5678\n");
	ks_test_write(root, "/etc/usbguard/rules.d/20-storage.conf", "allow with-interface 08:*:*\n");
	ks_test_write(root, "/etc/usbguard/rules.d/10-block.conf", "block with-interface 03:*:*\n");
	ks_test_write(root, "/etc/usbguard/rules.d/sub/x.conf", "allow\n"); /* not a regular file */
	ks_collect_ctx *ctx = run(root);
	const ks_fact *f = ks_fact_get(ctx->facts, "usbguard.rules");
	assert_int_equal(f->value.u.list.n, 3);
	assert_string_equal(ks_record_get(&f->value.u.list.items[1], "source")->u.str.s,
	                    "/etc/usbguard/rules.d/10-block.conf:1");
	assert_string_equal(ks_record_get(&f->value.u.list.items[1], "target")->u.str.s, "block");
	assert_true(ks_test_fact_bool(ctx, "usbguard.allows_all"));
	expect_src(ctx, "usbguard.allows_all", "/etc/usbguard/rules.d/20-storage.conf", 1);
	done(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_installed),   cmocka_unit_test(test_debian_default),
		cmocka_unit_test(test_not_enabled_and_masked), cmocka_unit_test(test_installed_by_package),
		cmocka_unit_test(test_implicit_target), cmocka_unit_test(test_allows_all),
		cmocka_unit_test(test_grammar),         cmocka_unit_test(test_malformed_diag),
		cmocka_unit_test(test_rule_folder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
