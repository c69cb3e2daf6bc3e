/* Unit tests of the sudoers collector (src/collect/sudoers.c): includes, aliases, tags, Runas,
 * and the admin.* facts built with the accounts collector's facts. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/accounts.h"
#include "collect/sudoers.h"
#include "core/error.h"
#include "core/limits.h"

/* Debian 12's /etc/sudoers as shipped by sudo 1.9.13p3-1+deb12u4, verbatim. */
static const char debian_sudoers[] =
	"#\n"
	"# This file MUST be edited with the 'visudo' command as root.\n"
	"#\n"
	"# Please consider adding local content in /etc/sudoers.d/ instead of\n"
	"# directly modifying this file.\n"
	"#\n"
	"# See the man page for details on how to write a sudoers file.\n"
	"#\n"
	"Defaults\tenv_reset\n"
	"Defaults\tmail_badpass\n"
	"Defaults\tsecure_path=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n"
	"\n"
	"# This fixes CVE-2005-4890 and possibly breaks some versions of kdesu\n"
	"# (#1011624, https://bugs.kde.org/show_bug.cgi?id=452532)\n"
	"Defaults\tuse_pty\n"
	"\n"
	"# This preserves proxy settings from user environments of root\n"
	"# equivalent users (group sudo)\n"
	"#Defaults:%sudo env_keep += \"http_proxy https_proxy ftp_proxy all_proxy no_proxy\"\n"
	"\n"
	"# This allows running arbitrary commands, but so does ALL, and it means\n"
	"# different sudoers have their choice of editor respected.\n"
	"#Defaults:%sudo env_keep += \"EDITOR\"\n"
	"\n"
	"# Completely harmless preservation of a user preference.\n"
	"#Defaults:%sudo env_keep += \"GREP_COLOR\"\n"
	"\n"
	"# While you shouldn't normally run git as root, you need to with etckeeper\n"
	"#Defaults:%sudo env_keep += \"GIT_AUTHOR_* GIT_COMMITTER_*\"\n"
	"\n"
	"# Per-user preferences; root won't have sensible values for them.\n"
	"#Defaults:%sudo env_keep += \"EMAIL DEBEMAIL DEBFULLNAME\"\n"
	"\n"
	"# \"sudo scp\" or \"sudo rsync\" should be able to use your SSH agent.\n"
	"#Defaults:%sudo env_keep += \"SSH_AGENT_PID SSH_AUTH_SOCK\"\n"
	"\n"
	"# Ditto for GPG agent\n"
	"#Defaults:%sudo env_keep += \"GPG_AGENT_INFO\"\n"
	"\n"
	"# Host alias specification\n"
	"\n"
	"# User alias specification\n"
	"\n"
	"# Cmnd alias specification\n"
	"\n"
	"# User privilege specification\n"
	"root\tALL=(ALL:ALL) ALL\n"
	"\n"
	"# Allow members of group sudo to execute any command\n"
	"%sudo\tALL=(ALL:ALL) ALL\n"
	"\n"
	"# See sudoers(5) for more information on \"@include\" directives:\n"
	"\n"
	"@includedir /etc/sudoers.d\n";

static const char debian_readme[] =
	"#\n"
	"# The default /etc/sudoers file created on installation of the\n"
	"# sudo  package now includes the directive:\n"
	"# \n"
	"# \t@includedir /etc/sudoers.d\n"
	"# \n"
	"# This will cause sudo to read and parse any files in the /etc/sudoers.d \n"
	"# directory that do not end in '~' or contain a '.' character.\n"
	"#\n";

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/bash\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	"alice:x:1000:1000::/home/alice:/bin/bash\n"
	"bob:x:1001:1001::/home/bob:/bin/bash\n"
	"carol:x:1002:1002::/home/carol:/bin/bash\n"
	"dave:x:1003:10::/home/dave:/bin/bash\n"
	"erin:x:1004:1004::/home/erin:/bin/bash\n";

static const char group[] =
	"root:x:0:\n"
	"wheel:x:10:frank\n"
	"sudo:x:27:alice\n"
	"alice:x:1000:\n"
	"bob:x:1001:\n"
	"carol:x:1002:\n"
	"ops:x:2000:carol,erin\n";

static void base_tree(const char *root)
{
	ks_test_write(root, "etc/passwd", passwd);
	ks_test_write(root, "etc/shadow", "");
	ks_test_write(root, "etc/group", group);
}

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_accounts(ctx), KS_OK);
	assert_int_equal(ks_collect_sudoers(ctx), KS_OK);
	return ctx;
}

static const ks_value *list_fact(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	if (!f)
		fail_msg("fact %s not set", key);
	if (f->value.type != KS_VAL_LIST)
		fail_msg("fact %s is not a list (reason: %s)", key, f->reason ? f->reason : "-");
	return &f->value;
}

static const char *str_field(const ks_value *rec, const char *k)
{
	const ks_value *v = ks_record_get(rec, k);
	if (!v || v->type != KS_VAL_STR)
		fail_msg("no string field %s", k);
	return v->u.str.s;
}

static int bool_field(const ks_value *rec, const char *k)
{
	const ks_value *v = ks_record_get(rec, k);
	if (!v || v->type != KS_VAL_BOOL)
		fail_msg("no bool field %s", k);
	return v->u.b;
}

static const char *joined(ks_collect_ctx *ctx, const ks_value *l)
{
	char *out = ks_arena_strdup(ctx->arena, "");
	for (size_t i = 0; i < l->u.list.n; i++)
		out = ks_arena_printf(ctx->arena, "%s%s%s", out, i ? "," : "", l->u.list.items[i].u.str.s);
	return out;
}

/* "who|all_commands|runas_root|nopasswd_all|source" per rule, ";" separated. */
static const char *rules_summary(ks_collect_ctx *ctx)
{
	const ks_value *l = list_fact(ctx, "admin.sudoers_rules");
	char *out = ks_arena_strdup(ctx->arena, "");
	for (size_t i = 0; i < l->u.list.n; i++) {
		const ks_value *r = &l->u.list.items[i];
		assert_string_equal(str_field(r, "name"), str_field(r, "who"));
		out = ks_arena_printf(ctx->arena, "%s%s%s|%d|%d|%d|%s", out, i ? ";" : "", str_field(r, "who"),
		                      bool_field(r, "all_commands"), bool_field(r, "runas_root"),
		                      bool_field(r, "nopasswd_all"), str_field(r, "source"));
	}
	return out;
}

static const ks_diag *find_diag(ks_collect_ctx *ctx, const char *path, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if ((!path || (d->path && strcmp(d->path, path) == 0)) && (line < 0 || d->line == line) &&
		    strstr(d->message, needle))
			return d;
	}
	return NULL;
}

#define ASSERT_DIAG(ctx, p_, l_, n_)                                                            \
	do {                                                                                        \
		if (!find_diag(ctx, p_, l_, n_)) {                                                      \
			for (size_t i_ = 0; i_ < ks_diags_count((ctx)->diags); i_++) {                      \
				const ks_diag *d_ = ks_diags_at((ctx)->diags, i_);                              \
				fprintf(stderr, "  diag %s:%d %s\n", d_->path ? d_->path : "-", d_->line,     \
				        d_->message);                                                           \
			}                                                                                   \
			fail_msg("no diagnostic %s:%d \"%s\"", p_, l_, n_);                              \
		}                                                                                       \
	} while (0)

static void test_debian_default(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	base_tree(root);
	ks_test_write(root, "etc/sudoers", debian_sudoers);
	ks_test_write(root, "etc/sudoers.d/README", debian_readme);
	ks_test_write(root, "etc/sudoers.d/90-cloud-init-users",
	              "# Created by cloud-init v. 22.4.2 on Tue, 20 May 2025 10:00:00 +0000\n"
	              "\n"
	              "# User rules for bob\n"
	              "bob ALL=(ALL) NOPASSWD:ALL\n");
	ks_test_write(root, "etc/sudoers.d/50-old~", "carol ALL=(ALL) ALL\n");        /* editor backup */
	ks_test_write(root, "etc/sudoers.d/60.dpkg-old", "carol ALL=(ALL) ALL\n");    /* has a '.' */
	ks_collect_ctx *ctx = run(root);
	assert_string_equal(rules_summary(ctx),
	                    "root|1|1|0|/etc/sudoers:47;"
	                    "%sudo|1|1|0|/etc/sudoers:50;"
	                    "bob|1|1|1|/etc/sudoers.d/90-cloud-init-users:4");
	const ks_value *r = &list_fact(ctx, "admin.sudoers_rules")->u.list.items[1];
	assert_string_equal(str_field(r, "rule"), "%sudo\tALL=(ALL:ALL) ALL");
	assert_string_equal(joined(ctx, list_fact(ctx, "admin.nopasswd_all")), "bob");
	assert_string_equal(joined(ctx, list_fact(ctx, "admin.holders")), "alice,bob,dave,frank,root");
	const ks_value *g = list_fact(ctx, "admin.groups");
	assert_int_equal(g->u.list.n, 2);
	assert_string_equal(str_field(&g->u.list.items[0], "name"), "sudo");
	assert_string_equal(joined(ctx, ks_record_get(&g->u.list.items[0], "members")), "alice");
	assert_string_equal(str_field(&g->u.list.items[0], "source"), "/etc/group:3");
	/* wheel: frank is listed, dave has it as his primary group. */
	assert_string_equal(str_field(&g->u.list.items[1], "name"), "wheel");
	assert_string_equal(joined(ctx, ks_record_get(&g->u.list.items[1], "members")), "dave,frank");
	assert_string_equal(ks_fact_get(ctx->facts, "admin.sudoers_rules")->source.path, "/etc/sudoers");
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->path && strncmp(d->path, "/etc/sudoers", 12) == 0)
			fail_msg("unexpected diagnostic %s:%d %s", d->path, d->line, d->message);
	}
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_aliases_and_tags(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	base_tree(root);
	ks_test_write(root, "etc/sudoers",
	              "User_Alias ADMINS = alice, \\\n"                                     /* 1 */
	              "                    bob # trailing comment\n"                         /* 2 */
	              "User_Alias OPS = %ops, !erin : NESTED = ADMINS, #1003\n"              /* 3 */
	              "Cmnd_Alias EVERYTHING = ALL\n"                                        /* 4 */
	              "Cmnd_Alias SHELLS = /bin/sh, /bin/bash, /usr/bin/su \\- root\n"       /* 5 */
	              "Runas_Alias ROOTISH = operator, root\n"                               /* 6 */
	              "Host_Alias SERVERS = 192.0.2.0/24, db1\n"                             /* 7 */
	              "Defaults:ADMINS !lecture\n"                                           /* 8 */
	              "ADMINS SERVERS = (ROOTISH) NOPASSWD: EVERYTHING\n"                    /* 9 */
	              "OPS ALL = (www-data) ALL, (root) /usr/bin/systemctl restart nginx\n"  /* 10 */
	              "carol ALL = (:adm) ALL\n"                                             /* 11 */
	              "erin ALL = NOPASSWD: /usr/bin/apt update, PASSWD: ALL\n"              /* 12 */
	              "NESTED ALL = (ALL) ALL, !SHELLS\n"                                    /* 13 */
	              "ALL, !bob ALL = CWD=/tmp NOEXEC: sha256:0GomF8mNN3wlDt1HD9XldjJ3SNgpFdbjO1+NsQ== /bin/ls\n" /* 14 */
	              "#0 ALL = ALL\n"                                                        /* 15 */
	              "dave host1 = /bin/true : host2 = (root) NOPASSWD: ALL\n"               /* 16 */
	              "%#2000 ALL = (ALL:ALL) ALL\n"                                          /* 17 */
	              "GHOSTS ALL = ALL\n"                                                    /* 18 */
	              "frank ALL = NOPASSWD: ALL, PASSWD: ALL\n");                            /* 19 */
	ks_collect_ctx *ctx = run(root);
	assert_string_equal(rules_summary(ctx),
	                    "alice|1|1|1|/etc/sudoers:9;bob|1|1|1|/etc/sudoers:9;"
	                    "%ops|1|0|0|/etc/sudoers:10;"
	                    "carol|1|0|0|/etc/sudoers:11;"
	                    "erin|1|1|0|/etc/sudoers:12;"
	                    "alice|1|1|0|/etc/sudoers:13;bob|1|1|0|/etc/sudoers:13;#1003|1|1|0|/etc/sudoers:13;"
	                    "ALL|0|0|0|/etc/sudoers:14;"
	                    "#0|1|1|0|/etc/sudoers:15;"
	                    "dave|1|1|1|/etc/sudoers:16;"
	                    "%#2000|1|1|0|/etc/sudoers:17;"
	                    "frank|1|1|1|/etc/sudoers:19");
	assert_string_equal(joined(ctx, list_fact(ctx, "admin.nopasswd_all")), "alice,bob,dave,frank");
	/* %ops runs ALL only as www-data, carol only with group adm: not root. */
	assert_string_equal(joined(ctx, list_fact(ctx, "admin.holders")),
	                    "alice,bob,carol,dave,erin,frank,root");
	ASSERT_DIAG(ctx, "/etc/sudoers", 18, "User_Alias GHOSTS is used but not defined");
	const ks_value *r = &list_fact(ctx, "admin.sudoers_rules")->u.list.items[0];
	assert_string_equal(str_field(r, "rule"), "ADMINS SERVERS = (ROOTISH) NOPASSWD: EVERYTHING");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_includes(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	base_tree(root);
	ks_test_write(root, "etc/sudoers",
	              "root ALL=(ALL) ALL\n"
	              "#include sudoers.local\n"            /* 2: relative to /etc */
	              "@include \"/etc/sudo rules/extra\"\n" /* 3: quoted, with a space */
	              "@include /etc/sudoers\n"             /* 4: loop */
	              "@include /etc/missing\n"             /* 5 */
	              "#includedir /etc/sudoers.d\n"        /* 6 */
	              "# include /etc/not-a-directive\n"    /* 7: a comment */
	              "@include /etc/sudoers.%h\n");        /* 8 */
	ks_test_write(root, "etc/hostname", "web01.example.org\n");
	ks_test_write(root, "etc/sudoers.web01", "erin ALL = ALL\n");
	ks_test_write(root, "etc/sudoers.local", "alice ALL=(ALL) NOPASSWD: ALL\n@include sub/inner\n");
	ks_test_write(root, "etc/sub/inner", "carol ALL=(ALL) ALL\n");
	ks_test_write(root, "etc/sudo rules/extra", "bob ALL=(ALL) ALL\n");
	ks_test_write(root, "etc/not-a-directive", "dave ALL=(ALL) ALL\n");
	ks_test_write(root, "etc/sudoers.d/b", "dave ALL=(ALL) /usr/bin/id\n");
	ks_test_write(root, "etc/sudoers.d/a", "@include ../sudoers.d/b\n"); /* b twice: allowed */
	ks_test_write(root, "etc/sudoers.d/sub/x", "dave ALL=ALL\n");        /* a directory: skipped */
	ks_collect_ctx *ctx = run(root);
	assert_string_equal(rules_summary(ctx),
	                    "root|1|1|0|/etc/sudoers:1;"
	                    "alice|1|1|1|/etc/sudoers.local:1;"
	                    "carol|1|1|0|/etc/sub/inner:1;"
	                    "bob|1|1|0|/etc/sudo rules/extra:1;"
	                    "dave|0|0|0|/etc/sudoers.d/../sudoers.d/b:1;"
	                    "dave|0|0|0|/etc/sudoers.d/b:1;"
	                    "erin|1|1|0|/etc/sudoers.web01:1");
	ASSERT_DIAG(ctx, "/etc/sudoers", 4, "include loop: /etc/sudoers is already being read");
	ASSERT_DIAG(ctx, "/etc/sudoers", 5, "included file /etc/missing not found");
	ASSERT_DIAG(ctx, "/etc/sudoers.d/sub", 0, "not a regular file");
	assert_string_equal(joined(ctx, list_fact(ctx, "admin.holders")),
	                    "alice,bob,carol,dave,erin,frank,root");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_include_depth(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	base_tree(root);
	ks_test_write(root, "etc/sudoers", "@include /etc/chain/1\n");
	for (int i = 1; i <= KS_MAX_INCLUDE_DEPTH + 4; i++) {
		char rel[64], body[128];
		snprintf(rel, sizeof rel, "etc/chain/%d", i);
		snprintf(body, sizeof body, "alice ALL=/bin/true\n@include /etc/chain/%d\n", i + 1);
		ks_test_write(root, rel, body);
	}
	ks_collect_ctx *ctx = run(root);
	ASSERT_DIAG(ctx, "/etc/chain/16", 2, "include depth limit (16) reached");
	/* Part of the tree is unread: the rules cannot be complete. */
	assert_true(ks_test_fact_is_unknown(ctx, "admin.sudoers_rules"));
	assert_true(ks_test_fact_is_unknown(ctx, "admin.nopasswd_all"));
	assert_true(ks_test_fact_is_unknown(ctx, "admin.holders"));
	assert_int_equal(list_fact(ctx, "admin.groups")->u.list.n, 2);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_malformed(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	base_tree(root);
	ks_test_write(root, "etc/sudoers",
	              "alice ALL\n"                         /* 1: no '=' */
	              "bob ALL = (root ALL\n"               /* 2: unclosed Runas */
	              "User_Alias lower = x\n"              /* 3: bad alias name */
	              "User_Alias ALL = x\n"                /* 4: reserved */
	              "carol ALL = \n"                      /* 5: no command */
	              ", ALL = ALL\n"                       /* 6: no user */
	              "dave ALL = ALL : host2 /bin/ls\n"    /* 7: ':' without '=' */
	              "User_Alias DUP = alice\n"            /* 8 */
	              "User_Alias DUP = bob\n"              /* 9 */
	              "DUP ALL = ALL\n"                     /* 10 */
	              "User_Alias LOOP = LOOP, B2, frank\n" /* 11: a cycle */
	              "User_Alias B2 = LOOP, alice\n"        /* 12 */
	              "LOOP ALL = ALL\n"                     /* 13 */
	              "erin ALL = ALL \\\n");               /* 14: continuation at end of file */
	ks_collect_ctx *ctx = run(root);
	ASSERT_DIAG(ctx, "/etc/sudoers", 1, "expected 'host = command' after the user list");
	ASSERT_DIAG(ctx, "/etc/sudoers", 2, "expected ')' closing the Runas list");
	ASSERT_DIAG(ctx, "/etc/sudoers", 3, "expected an alias name");
	ASSERT_DIAG(ctx, "/etc/sudoers", 4, "a reserved word cannot be an alias name");
	ASSERT_DIAG(ctx, "/etc/sudoers", 5, "expected a command");
	ASSERT_DIAG(ctx, "/etc/sudoers", 6, "expected a user list");
	ASSERT_DIAG(ctx, "/etc/sudoers", 7, "expected 'host = command' after ':'");
	ASSERT_DIAG(ctx, "/etc/sudoers", 9, "User_Alias DUP is already defined at /etc/sudoers:8");
	assert_int_equal(find_diag(ctx, "/etc/sudoers", 1, "host")->column, 7);
	assert_string_equal(rules_summary(ctx), "alice|1|1|0|/etc/sudoers:10;"
	                                       "alice|1|1|0|/etc/sudoers:13;frank|1|1|0|/etc/sudoers:13;"
	                                       "erin|1|1|0|/etc/sudoers:14");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_absent_and_unreadable(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	base_tree(root);
	ks_collect_ctx *ctx = run(root);
	/* No sudo: no rules, but uid 0 and the admin groups still hold root. */
	assert_int_equal(list_fact(ctx, "admin.sudoers_rules")->u.list.n, 0);
	assert_non_null(strstr(ks_fact_get(ctx->facts, "admin.sudoers_rules")->source.probe, "not installed"));
	assert_int_equal(list_fact(ctx, "admin.nopasswd_all")->u.list.n, 0);
	assert_string_equal(joined(ctx, list_fact(ctx, "admin.holders")), "alice,dave,frank,root");
	ks_test_ctx_free(ctx);

	char *p = malloc(strlen(root) + 16);
	sprintf(p, "%s/etc/sudoers", root);
	assert_int_equal(mkfifo(p, 0600), 0);
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "admin.sudoers_rules"));
	assert_string_equal(ks_fact_get(ctx->facts, "admin.sudoers_rules")->reason,
	                    "/etc/sudoers: not a regular file");
	assert_true(ks_test_fact_is_unknown(ctx, "admin.holders"));
	ks_test_ctx_free(ctx);
	unlink(p);
	free(p);

	/* Without the accounts facts, group-based holders cannot be told. */
	ks_test_write(root, "etc/sudoers", "root ALL=(ALL) ALL\n");
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_sudoers(ctx), KS_OK);
	assert_int_equal(list_fact(ctx, "admin.sudoers_rules")->u.list.n, 1);
	assert_true(ks_test_fact_is_unknown(ctx, "admin.groups"));
	assert_true(ks_test_fact_is_unknown(ctx, "admin.holders"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_parse_buffer(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_sudoers *s = ks_sudoers_new(ctx->arena);
	const char text[] = "alice ALL=(ALL) NOPASSWD: ALL\n@includedir /etc/sudoers.d\n\"quoted\0nul\"";
	/* A NUL byte: not a sudoers file. */
	assert_int_equal(ks_sudoers_parse_buffer(ctx, s, "/x", text, sizeof text - 1), KS_OK);
	ASSERT_DIAG(ctx, "/x", 0, "contains NUL bytes");
	s = ks_sudoers_new(ctx->arena);
	assert_int_equal(ks_sudoers_parse_buffer(ctx, s, "/x", text, strlen(text)), KS_OK);
	assert_int_equal(ks_sudoers_publish(ctx, s), KS_OK);
	assert_string_equal(joined(ctx, list_fact(ctx, "admin.nopasswd_all")), "alice");
	ASSERT_DIAG(ctx, "/x", 2, "/etc/sudoers.d: no such directory");
	ASSERT_DIAG(ctx, "/x", 3, "expected a user list");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_default),
		cmocka_unit_test(test_aliases_and_tags),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_include_depth),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_absent_and_unreadable),
		cmocka_unit_test(test_parse_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
