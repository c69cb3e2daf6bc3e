/* limits collector: pam_limits placement in the sshd/login session stacks (UsePAM, optional,
 * missing), limits.conf + limits.d order and pam_limits priorities for maxlogins/maxsyslogins,
 * values (unlimited, 0, invalid), the missing limits.conf, the vendor fixtures. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collectors.h"
#include "collect/limits.h"
#include "core/error.h"

#define SESSION "session required pam_limits.so\nsession required pam_unix.so\n"

static char *tree(const char *session, const char *limits)
{
	char *root = ks_test_tmpdir();
	char buf[512];
	snprintf(buf, sizeof buf, "auth required pam_unix.so\n%s", session);
	ks_test_write(root, "etc/pam.d/sshd", buf);
	ks_test_write(root, "etc/pam.d/login", buf);
	if (limits)
		ks_test_write(root, "etc/security/limits.conf", limits);
	return root;
}

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_limits(ctx), 0);
	return ctx;
}

static void finish(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void assert_src(ks_collect_ctx *ctx, const char *key, const char *path, int line)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	if (!f->source.path || strcmp(f->source.path, path) != 0 || f->source.line != line)
		fail_msg("%s: source %s:%d (probe %s), expected %s:%d", key, f->source.path ? f->source.path : "-",
		         f->source.line, f->source.probe ? f->source.probe : "-", path, line);
}

static void assert_probe(ks_collect_ctx *ctx, const char *key, const char *part)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	const char *s = f->source.probe ? f->source.probe : f->reason;
	if (!s || !strstr(s, part))
		fail_msg("%s: probe/reason '%s' lacks '%s'", key, s ? s : "-", part);
}

static void test_active(void **state)
{
	(void)state;
	char *root = tree(SESSION, "");
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "limits.pam_limits_active"));
	assert_probe(ctx, "limits.pam_limits_active", "sshd: pam_limits at /etc/pam.d/sshd:2");
	finish(ctx, root);

	root = tree("session optional pam_limits.so\nsession required pam_unix.so\n", "");
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "limits.pam_limits_active"));
	assert_probe(ctx, "limits.pam_limits_active", "control optional) does not stop the session");
	finish(ctx, root);

	root = tree("session required pam_unix.so\n", "");
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "limits.pam_limits_active"));
	assert_probe(ctx, "limits.pam_limits_active", "no pam_limits in the session stack of sshd");
	finish(ctx, root);

	/* UsePAM no: sshd sessions skip PAM. */
	root = tree(SESSION, "");
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_fact_bool(ctx->facts, "ssh.use_pam", false, "/etc/ssh/sshd_config", 3), 0);
	assert_int_equal(ks_collect_limits(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "limits.pam_limits_active"));
	assert_probe(ctx, "limits.pam_limits_active", "UsePAM no");
	ks_test_ctx_free(ctx);

	/* No OpenSSH: only login counts. */
	ks_test_write(root, "etc/pam.d/sshd", "session optional pam_limits.so\n");
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_fact_bool(ctx->facts, "ssh.installed", false, "/usr/sbin/sshd", 0), 0);
	assert_int_equal(ks_collect_limits(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "limits.pam_limits_active"));
	finish(ctx, root);

	/* Include that does not exist: unknown. */
	root = tree("@include common-session-missing\n", "");
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "limits.pam_limits_active"));
	finish(ctx, root);
}

static void test_values(void **state)
{
	(void)state;
	static const struct {
		const char *conf;
		long long max;
		const char *scope;
		int line;           /* 0: a probe */
	} cases[] = {
		{"*  hard  maxlogins  3\n", 3, "per-user", 1},
		{"# c\n*\t-\tmaxlogins\t4 # four\n", 4, "per-user", 2},
		{"*  soft  MAXLOGINS  5\n", 5, "per-user", 1},           /* items are lower-cased */
		{"*  hard  maxlogins  3\n*  hard  maxlogins  8\n", 8, "per-user", 2}, /* later line wins */
		{"%  hard  maxlogins  3\n*  hard  maxlogins  8\n", 3, "system", 1},  /* '%' outranks '*' */
		{"*  hard  maxsyslogins  20\n", 20, "system", 1},
		{"*  hard  maxlogins  unlimited\n", 0, "", 0},
		{"*  hard  maxlogins  -1\n", 0, "", 0},
		{"*  hard  maxlogins  x\n", 0, "", 0},                    /* ignored by pam_limits */
		{"@staff  hard  maxlogins  2\n", 0, "", 0},               /* only some accounts */
		{"*  hard  maxlogins\n", 0, "", 0},                        /* three fields: ignored */
		{"", 0, "", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *root = tree(SESSION, cases[i].conf);
		ks_collect_ctx *ctx = run(root);
		if (ks_test_fact_int(ctx, "limits.maxlogins") != cases[i].max)
			fail_msg("case %zu (%s): maxlogins %lld", i, cases[i].conf, ks_test_fact_int(ctx, "limits.maxlogins"));
		assert_string_equal(ks_test_fact_str(ctx, "limits.maxlogins_scope"), cases[i].scope);
		if (cases[i].line)
			assert_src(ctx, "limits.maxlogins", "/etc/security/limits.conf", cases[i].line);
		else
			assert_non_null(ks_fact_get(ctx->facts, "limits.maxlogins")->source.probe);
		finish(ctx, root);
	}
}

static void test_files(void **state)
{
	(void)state;
	/* limits.d after limits.conf, sorted; non-.conf ignored */
	char *root = tree(SESSION, "*  hard  maxlogins  10\n");
	ks_test_write(root, "etc/security/limits.d/90-vendor.conf", "*  hard  maxlogins  2\nvendor - maxlogins 50\n");
	ks_test_write(root, "etc/security/limits.d/10-a.conf", "*  hard  maxlogins  7\n");
	ks_test_write(root, "etc/security/limits.d/99-z.conf.disabled", "*  hard  maxlogins  100\n");
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "limits.maxlogins"), 2);
	assert_probe(ctx, "limits.maxlogins", "/etc/security/limits.d/90-vendor.conf:1");
	assert_probe(ctx, "limits.maxlogins", "1 user/group line(s) override it");
	const ks_fact *f = ks_fact_get(ctx->facts, "limits.entries");
	assert_int_equal(f->value.type, KS_VAL_LIST);
	assert_int_equal(f->value.u.list.n, 4);
	const ks_value *last = &f->value.u.list.items[3];
	assert_string_equal(ks_record_get(last, "name")->u.str.s, "vendor");
	assert_string_equal(ks_record_get(last, "value")->u.str.s, "50");
	assert_string_equal(ks_record_get(last, "source")->u.str.s, "/etc/security/limits.d/90-vendor.conf:2");
	finish(ctx, root);

	/* limits.conf missing: pam_limits fails every session -> unknown */
	root = tree(SESSION, NULL);
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "limits.maxlogins"));
	assert_probe(ctx, "limits.maxlogins", "pam_limits fails the session");
	finish(ctx, root);

	/* conf= on the module: only that file */
	root = tree("session required pam_limits.so conf=/etc/security/vendor-limits.conf\n", "* - maxlogins 1\n");
	ks_test_write(root, "etc/security/vendor-limits.conf", "* - maxlogins 6\n");
	ks_test_write(root, "etc/security/limits.d/a.conf", "* - maxlogins 1\n");
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "limits.maxlogins"), 6);
	assert_src(ctx, "limits.maxlogins", "/etc/security/vendor-limits.conf", 1);
	finish(ctx, root);
}

static void test_diagnostics_and_api(void **state)
{
	(void)state;
	char *root = tree(SESSION, "*  hard  maxlogins  abc\nfoo bar baz\n");
	ks_collect_ctx *ctx = run(root);
	bool num = false, fields = false;
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->line == 1 && strstr(d->message, "not a number"))
			num = true;
		if (d->line == 2 && strstr(d->message, "expected '<domain> <type> <item> <value>'"))
			fields = true;
	}
	assert_true(num);
	assert_true(fields);
	finish(ctx, root);

	root = ks_test_tmpdir();
	ctx = ks_test_ctx(root);
	ks_limits st;
	ks_limits_init(&st);
	const char *a = "*\thard\tmaxsyslogins\t9\n%\t-\tmaxlogins\t4\n*\t-\tmaxlogins\t1\n";
	assert_int_equal(ks_limits_parse_buffer(ctx, "/etc/security/limits.conf", a, strlen(a), &st), 0);
	/* '%' (ALL) outranks the later '*' line, but the flag follows the last item read: pam_limits
	 * then counts every user's sessions. */
	assert_int_equal(st.limit, 4);
	assert_int_equal(st.def, KS_LIMITS_DEF_ALL);
	assert_false(st.syslogins);
	assert_int_equal(st.line, 2);
	assert_int_equal(st.nentries, 3);
	finish(ctx, root);
}

static void test_fixtures(void **state)
{
	(void)state;
	char root[4096];
	snprintf(root, sizeof root, "%s/vendor/limits-pass", KS_FIXTURES);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_sshd(ctx), 0);
	assert_int_equal(ks_collect_limits(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "limits.pam_limits_active"));
	assert_int_equal(ks_test_fact_int(ctx, "limits.maxlogins"), 3);
	assert_src(ctx, "limits.maxlogins", "/etc/security/limits.conf", 67);
	ks_test_ctx_free(ctx);

	snprintf(root, sizeof root, "%s/vendor/limits-fail", KS_FIXTURES);
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_sshd(ctx), 0);
	assert_int_equal(ks_collect_limits(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "limits.pam_limits_active"));
	assert_int_equal(ks_test_fact_int(ctx, "limits.maxlogins"), 0);
	assert_probe(ctx, "limits.maxlogins", "no '*' maxlogins");
	ks_test_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_active),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_diagnostics_and_api),
		cmocka_unit_test(test_fixtures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
