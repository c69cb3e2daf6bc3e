/* session collector: TMOUT in /etc/environment, /etc/profile, /etc/bash.bashrc, /etc/profile.d
 * (order, readonly, export/declare/typeset forms, comments, quotes, here-documents, conditionals,
 * non-literal values, unset), session.ssh_idle_timeout_sec, the vendor fixtures. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collectors.h"
#include "collect/session.h"
#include "core/error.h"

static ks_collect_ctx *run(char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_session(ctx), 0);
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

static void assert_reason(ks_collect_ctx *ctx, const char *key, const char *part)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_UNKNOWN);
	if (!f->reason || !strstr(f->reason, part))
		fail_msg("%s: reason '%s' lacks '%s'", key, f->reason ? f->reason : "-", part);
}

/* One profile.d file with CONTENT; returns the context after the collector ran. */
static ks_collect_ctx *one(const char *content, char **root)
{
	*root = ks_test_tmpdir();
	ks_test_write(*root, "etc/profile.d/tmout.sh", content);
	return run(*root);
}

static void test_forms(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		long long tmout;
		int readonly;
		int line;
	} cases[] = {
		{"TMOUT=900\n", 900, 0, 1},
		{"# comment\nreadonly TMOUT=600\n", 600, 1, 2},
		{"export TMOUT=300\n", 300, 0, 1},
		{"declare -r TMOUT=600\n", 600, 1, 1},
		{"typeset -xr TMOUT=\"450\"\n", 450, 1, 1},
		{"TMOUT='120'; readonly TMOUT; export TMOUT\n", 120, 1, 1},
		{"TMOUT=900 # fifteen minutes\n", 900, 0, 1},
		{"  TMOUT=900\n#TMOUT=5\n", 900, 0, 1},
		{"TMOUT=0\n", 0, 0, 1},
		{"TMOUT=abc\n", 0, 0, 1},                     /* atoi: no timeout */
		{"TMOUT=900\nunset TMOUT\n", 0, 0, 2},
		{"TMOUT=5 sleep 1\n", 0, 0, 0},               /* a prefix assignment only lasts for sleep */
		{"echo TMOUT=5\n", 0, 0, 0},
		{"cat <<EOF\nTMOUT=5\nEOF\nTMOUT=700\n", 700, 0, 4},
		{"cat <<-'END' >/dev/null\n\tTMOUT=5\n\tEND\n", 0, 0, 0},
		{"readonly TMOUT=600\nTMOUT=0\nunset TMOUT\n", 600, 1, 1}, /* readonly wins */
		{"TMOUT=\\\n900\n", 900, 0, 1},
		{"PS1='$ '; TMOUT=800\n", 800, 0, 1},
		{"declare -i TMOUT=60\n", 60, 0, 1},
		{"f() { :; }\nTMOUT=100\n", 100, 0, 2},
		{"x=1 && TMOUT=100\nTMOUT=200\n", 200, 0, 2},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *root;
		ks_collect_ctx *ctx = one(cases[i].text, &root);
		const ks_fact *f = ks_fact_get(ctx->facts, "session.tmout");
		if (!f || f->value.type != KS_VAL_INT || f->value.u.i != cases[i].tmout)
			fail_msg("case %zu (%s): tmout %lld (reason %s), expected %lld", i, cases[i].text,
			         f && f->value.type == KS_VAL_INT ? (long long)f->value.u.i : -1LL,
			         f && f->reason ? f->reason : "-", cases[i].tmout);
		if (ks_test_fact_bool(ctx, "session.tmout_readonly") != cases[i].readonly)
			fail_msg("case %zu (%s): readonly mismatch", i, cases[i].text);
		if (cases[i].line)
			assert_src(ctx, "session.tmout", "/etc/profile.d/tmout.sh", cases[i].line);
		else
			assert_non_null(f->source.probe);
		finish(ctx, root);
	}
}

static void test_unknown(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *reason;
	} cases[] = {
		{"if [ \"$(id -u)\" -ne 0 ]; then\n  TMOUT=600\nfi\n", "conditionally at /etc/profile.d/tmout.sh:2"},
		{"[ -n \"$SSH_CONNECTION\" ] && TMOUT=600\n", "conditionally"},
		{"case $TERM in\nxterm) TMOUT=600 ;;\nesac\n", "conditionally"},
		{"settimeout() {\n  TMOUT=600\n}\n", "conditionally"},
		{"(TMOUT=600)\n", "conditionally"},
		{"TMOUT=$((15*60))\n", "value is not a literal"},
		{"TMOUT=${TIMEOUT:-900}\n", "value is not a literal"},
		{"let TMOUT=900\n", "changed by 'let'"},
		{"read TMOUT < /etc/tmout\n", "changed by 'read'"},
		{"TMOUT+=0\n", "appends"},
		{"declare -i TMOUT=15*60\n", "arithmetic"},
		/* A conditional readonly may freeze an earlier value: the later assignment may fail. */
		{"if true; then readonly TMOUT=100; fi\nTMOUT=900\n", "conditionally"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *root;
		ks_collect_ctx *ctx = one(cases[i].text, &root);
		assert_reason(ctx, "session.tmout", cases[i].reason);
		finish(ctx, root);
	}
	/* A conditional assignment followed by an unconditional one: the latter decides. */
	char *root;
	ks_collect_ctx *ctx = one("if [ -n \"$X\" ]; then\n TMOUT=60\nfi\nTMOUT=900\n", &root);
	assert_int_equal(ks_test_fact_int(ctx, "session.tmout"), 900);
	assert_src(ctx, "session.tmout", "/etc/profile.d/tmout.sh", 4);
	finish(ctx, root);
	/* ... unless the conditional one was readonly. */
	ctx = one("if [ -n \"$X\" ]; then\n readonly TMOUT=60\nfi\nTMOUT=900\n", &root);
	assert_true(ks_test_fact_is_unknown(ctx, "session.tmout"));
	assert_true(ks_test_fact_is_unknown(ctx, "session.tmout_readonly"));
	finish(ctx, root);
}

static void test_file_order(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/environment", "LANG=C.UTF-8\nTMOUT=\"1200\"\n");
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "session.tmout"), 1200);
	assert_src(ctx, "session.tmout", "/etc/environment", 2);
	assert_false(ks_test_fact_bool(ctx, "session.tmout_readonly"));
	ks_test_ctx_free(ctx);

	/* /etc/profile after /etc/environment, profile.d (sorted) last. */
	ks_test_write(root, "etc/profile", "PATH=/usr/bin:/bin\nexport TMOUT=600\n");
	ks_test_write(root, "etc/profile.d/a.sh", "TMOUT=500\n");
	ks_test_write(root, "etc/profile.d/b.sh", "TMOUT=450\n");
	ks_test_write(root, "etc/profile.d/c.txt", "TMOUT=5\n"); /* not *.sh: not sourced */
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "session.tmout"), 450);
	assert_src(ctx, "session.tmout", "/etc/profile.d/b.sh", 1);
	const ks_fact *f = ks_fact_get(ctx->facts, "session.tmout_settings");
	assert_int_equal(f->value.type, KS_VAL_LIST);
	assert_int_equal(f->value.u.list.n, 4);
	ks_test_ctx_free(ctx);

	/* readonly in bash.bashrc freezes the value against profile.d */
	ks_test_write(root, "etc/bash.bashrc", "[ -z \"$PS1\" ] && return\nreadonly TMOUT=300\n");
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "session.tmout"), 300);
	assert_src(ctx, "session.tmout", "/etc/bash.bashrc", 2);
	assert_src(ctx, "session.tmout_readonly", "/etc/bash.bashrc", 2);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);

	/* nothing anywhere */
	root = ks_test_tmpdir();
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "session.tmout"), 0);
	f = ks_fact_get(ctx->facts, "session.tmout");
	assert_non_null(strstr(f->source.probe, "TMOUT not set"));
	finish(ctx, root);
}

static void test_diagnostics(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = one("echo 'unterminated\nTMOUT=5\n", &root);
	bool seen = false;
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->path && !strcmp(d->path, "/etc/profile.d/tmout.sh") && d->line == 1 && strstr(d->message, "'"))
			seen = true;
	}
	assert_true(seen);
	/* The quote swallowed the rest of the file, as sh would. */
	assert_int_equal(ks_test_fact_int(ctx, "session.tmout"), 0);
	finish(ctx, root);

	ctx = one("cat <<EOF\nTMOUT=5\n", &root);
	assert_true(ks_diags_count(ctx->diags) > 0);
	assert_int_equal(ks_test_fact_int(ctx, "session.tmout"), 0);
	finish(ctx, root);
}

static void test_parse_buffer_api(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_tmout_state st;
	ks_session_tmout_init(&st);
	const char *a = "TMOUT=100\n";
	assert_int_equal(ks_session_parse_buffer(ctx, "/etc/profile", a, strlen(a), &st), 0);
	assert_true(st.set);
	assert_int_equal(st.value, 100);
	const char *b = "export TMOUT=200 # comment\n";
	assert_int_equal(ks_session_parse_environment(ctx, "/etc/environment", b, strlen(b), &st), 0);
	assert_int_equal(st.value, 200);
	assert_int_equal(st.nsettings, 2);
	finish(ctx, root);
}

static void test_ssh_idle(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_fact_bool(ctx->facts, "ssh.installed", true, "/usr/sbin/sshd", 0), 0);
	assert_int_equal(ks_fact_int(ctx->facts, "ssh.client_alive_interval", 300, "/etc/ssh/sshd_config", 7), 0);
	assert_int_equal(ks_fact_put_probe(ctx->facts, "ssh.client_alive_count_max", ks_val_int(3), "OpenSSH default"), 0);
	assert_int_equal(ks_collect_session(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "session.ssh_idle_timeout_sec"), 900);
	const ks_fact *f = ks_fact_get(ctx->facts, "session.ssh_idle_timeout_sec");
	assert_non_null(strstr(f->source.probe, "ClientAliveInterval 300 (/etc/ssh/sshd_config:7)"));
	ks_test_ctx_free(ctx);

	ctx = ks_test_ctx(root);
	assert_int_equal(ks_fact_bool(ctx->facts, "ssh.installed", true, "/usr/sbin/sshd", 0), 0);
	assert_int_equal(ks_fact_int(ctx->facts, "ssh.client_alive_interval", 300, "/etc/ssh/sshd_config", 7), 0);
	assert_int_equal(ks_fact_int(ctx->facts, "ssh.client_alive_count_max", 0, "/etc/ssh/sshd_config", 8), 0);
	assert_int_equal(ks_collect_session(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "session.ssh_idle_timeout_sec"), 0);
	ks_test_ctx_free(ctx);

	ctx = ks_test_ctx(root);
	assert_int_equal(ks_fact_bool(ctx->facts, "ssh.installed", true, "/usr/sbin/sshd", 0), 0);
	assert_int_equal(ks_fact_unknown(ctx->facts, "ssh.client_alive_interval", "/etc/ssh/sshd_config",
	                                 "/etc/ssh/sshd_config: permission denied"), 0);
	assert_int_equal(ks_collect_session(ctx), 0);
	assert_reason(ctx, "session.ssh_idle_timeout_sec", "permission denied");
	ks_test_ctx_free(ctx);

	ctx = ks_test_ctx(root);
	assert_int_equal(ks_fact_bool(ctx->facts, "ssh.installed", false, "/usr/sbin/sshd", 0), 0);
	assert_int_equal(ks_collect_session(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "session.ssh_idle_timeout_sec"), 0);
	finish(ctx, root);
}

static void test_fixtures(void **state)
{
	(void)state;
	char root[4096];
	snprintf(root, sizeof root, "%s/vendor/tmout-pass", KS_FIXTURES);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_session(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "session.tmout"), 900);
	assert_src(ctx, "session.tmout", "/etc/profile.d/tmout.sh", 3);
	assert_true(ks_test_fact_bool(ctx, "session.tmout_readonly"));
	assert_src(ctx, "session.tmout_readonly", "/etc/profile.d/tmout.sh", 4);
	/* Debian's own /etc/profile and /etc/bash.bashrc are scanned without complaint. */
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++)
		fail_msg("unexpected diagnostic: %s:%d %s", ks_diags_at(ctx->diags, i)->path,
		         ks_diags_at(ctx->diags, i)->line, ks_diags_at(ctx->diags, i)->message);
	ks_test_ctx_free(ctx);

	snprintf(root, sizeof root, "%s/vendor/tmout-fail", KS_FIXTURES);
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_session(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "session.tmout"), 3600);
	assert_false(ks_test_fact_bool(ctx, "session.tmout_readonly"));
	ks_test_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_file_order),
		cmocka_unit_test(test_diagnostics),
		cmocka_unit_test(test_parse_buffer_api),
		cmocka_unit_test(test_ssh_idle),
		cmocka_unit_test(test_fixtures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
