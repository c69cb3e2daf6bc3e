/* password_policy collector: the 2-7 fixture trees, pwquality credits arithmetic and classes,
 * pwquality.conf(.d) order, precedence and error stop, module arguments, pam_cracklib, pam_unix
 * alone, enforcement (optional module, enforcing=0), history, hash algorithm, lockout. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/collectors.h"
#include "collect/pwquality.h"
#include "core/error.h"

#define DEBIAN_PASSWORD                                                                           \
	"password\trequisite\t\t\tpam_pwquality.so retry=3\n"                                      \
	"password\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok try_first_pass yescrypt\n" \
	"password\trequisite\t\t\tpam_deny.so\n"                                                   \
	"password\trequired\t\t\tpam_permit.so\n"

#define CONF "etc/security/pwquality.conf"

static ks_collect_ctx *run_all(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_logindefs(ctx), 0);
	assert_int_equal(ks_collect_pam(ctx), 0);
	assert_int_equal(ks_collect_password_policy(ctx), 0);
	return ctx;
}

/* A root with /etc/pam.d/passwd = PASSWD (Debian's four lines when NULL) and pwquality.conf. */
static char *root_with(const char *passwd, const char *conf)
{
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/pam.d/passwd", passwd ? passwd : DEBIAN_PASSWORD);
	if (conf)
		ks_test_write(root, CONF, conf);
	return root;
}

static void finish(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	if (root) {
		ks_test_rmtree(root);
		free(root);
	}
}

static const ks_fact *fact(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	if (!f)
		fail_msg("fact %s not set", key);
	return f;
}

static void assert_src(ks_collect_ctx *ctx, const char *key, const char *path, int line)
{
	const ks_fact *f = fact(ctx, key);
	if (!f->source.path || strcmp(f->source.path, path) != 0 || f->source.line != line)
		fail_msg("%s: source %s:%d (probe %s), expected %s:%d", key, f->source.path ? f->source.path : "-",
		         f->source.line, f->source.probe ? f->source.probe : "-", path, line);
}

static void assert_probe(ks_collect_ctx *ctx, const char *key, const char *part)
{
	const ks_fact *f = fact(ctx, key);
	if (!f->source.probe || !strstr(f->source.probe, part))
		fail_msg("%s: probe '%s' lacks '%s'", key, f->source.probe ? f->source.probe : "-", part);
}

static bool has_diag(ks_collect_ctx *ctx, const char *path, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->path && strcmp(d->path, path) == 0 && d->line == line && strstr(d->message, needle))
			return true;
	}
	return false;
}

/* Minimum length for one pwquality.conf body with Debian's stack. */
static long long min_length_for(const char *conf, long long *classes)
{
	char *root = root_with(NULL, conf);
	ks_collect_ctx *ctx = run_all(root);
	long long v = ks_test_fact_int(ctx, "password.min_length");
	if (classes)
		*classes = ks_test_fact_int(ctx, "password.min_classes");
	finish(ctx, root);
	return v;
}

/* ---- fixtures ----------------------------------------------------------------------------- */

static void expect_verdict(const char *c, const char *want)
{
	char path[4096], line[64] = "";
	snprintf(path, sizeof path, "%s/2-7/%s/expect", KS_FIXTURES, c);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	assert_string_equal(line, want);
}

static void test_fixture_pass(void **state)
{
	(void)state;
	expect_verdict("pass", "verdict=pass\n");
	ks_collect_ctx *ctx = run_all(KS_FIXTURES "/2-7/pass");
	assert_string_equal(ks_test_fact_str(ctx, "password.quality_module"), "pam_pwquality");
	assert_src(ctx, "password.quality_module", "/etc/pam.d/common-password", 25);
	assert_int_equal(ks_test_fact_int(ctx, "password.minlen_setting"), 14);
	assert_src(ctx, "password.minlen_setting", "/etc/security/pwquality.conf", 11);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 14);
	assert_src(ctx, "password.min_length", "/etc/security/pwquality.conf", 11);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_classes"), 3);
	assert_probe(ctx, "password.min_classes", "minclass 3 (/etc/security/pwquality.conf:34)");
	assert_true(ks_test_fact_bool(ctx, "password.username_check"));
	assert_probe(ctx, "password.username_check", "default");
	assert_false(ks_test_fact_bool(ctx, "password.enforce_for_root"));
	assert_string_equal(ks_test_fact_str(ctx, "password.hash_algorithm"), "yescrypt");
	assert_src(ctx, "password.hash_algorithm", "/etc/pam.d/common-password", 26);
	assert_int_equal(ks_test_fact_int(ctx, "password.history"), 0);
	assert_string_equal(ks_test_fact_str(ctx, "lockout.module"), "");
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "lockout.unlock_time"));
	finish(ctx, NULL);
}

static void test_fixture_fail(void **state)
{
	(void)state;
	expect_verdict("fail", "verdict=fail\n");
	ks_collect_ctx *ctx = run_all(KS_FIXTURES "/2-7/fail");
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 8);
	assert_src(ctx, "password.min_length", "/etc/security/pwquality.conf", 11);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_classes"), 0);
	assert_int_equal(ks_test_fact_int(ctx, "login_defs.pass_max_days"), 99999);
	finish(ctx, NULL);
}

static void test_fixture_unknown(void **state)
{
	(void)state;
	expect_verdict("unknown", "verdict=unknown\n");
	ks_collect_ctx *ctx = run_all(KS_FIXTURES "/2-7/unknown");
	const char *keys[] = {"password.quality_module", "password.min_length", "password.min_classes",
	                      "password.minlen_setting", "password.username_check"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		assert_true(ks_test_fact_is_unknown(ctx, keys[i]));
		assert_non_null(strstr(fact(ctx, keys[i])->reason,
		                       "/etc/pam.d/passwd:5: included file 'common-password-local' not found"));
	}
	assert_int_equal(ks_test_fact_int(ctx, "login_defs.pass_max_days"), 60);
	/* The missing include is reported once (by the pam collector). */
	size_t n = 0;
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++)
		n += strstr(ks_diags_at(ctx->diags, i)->message, "common-password-local") != NULL;
	assert_int_equal(n, 1);
	finish(ctx, NULL);
}

/* ---- credits arithmetic ------------------------------------------------------------------- */

static void test_credits(void **state)
{
	(void)state;
	char *root = root_with(NULL, "minlen = 8\ndcredit = 1\n");
	ks_collect_ctx *ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 7);
	assert_probe(ctx, "password.min_length",
	             "minlen 8 (/etc/security/pwquality.conf:1) - dcredit 1 (/etc/security/pwquality.conf:2) = 7");
	assert_int_equal(ks_test_fact_int(ctx, "password.minlen_setting"), 8);
	finish(ctx, root);

	long long classes;
	assert_int_equal(min_length_for("minlen=12\ndcredit=1\nucredit=1\n", NULL), 10);
	/* With large credits, each character of a short password earns one: 4 + 4 credits >= 8
	 * (pam_unix's own minimum lowered to 1 so that it does not decide). */
	root = root_with("password requisite pam_pwquality.so\npassword required pam_unix.so minlen=1 sha512\n",
	                 "minlen=8\ndcredit=3\nucredit=3\nlcredit=3\nocredit=3\n");
	ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 4);
	assert_probe(ctx, "password.min_length", "4 characters can each earn a credit");
	finish(ctx, root);
	/* Same with Debian's pam_unix (minlen 6 by default): pam_unix decides. */
	assert_int_equal(min_length_for("minlen=8\ndcredit=3\nucredit=3\nlcredit=3\nocredit=3\n", NULL), 6);
	/* Negative credits: required characters, no credit; classes = max(minclass, count). */
	assert_int_equal(min_length_for("minlen = 8\ndcredit = -1\nucredit = -2\nminclass = 1\n", &classes), 8);
	assert_int_equal(classes, 2);
	assert_int_equal(min_length_for("minlen = 6\ndcredit = -4\nucredit = -4\n", &classes), 8);
	assert_int_equal(classes, 2);
	assert_int_equal(min_length_for("minclass = 3\nocredit = -1\n", &classes), 8);
	assert_int_equal(classes, 3);
	assert_int_equal(min_length_for("minclass = 9\n", &classes), 8);
	assert_int_equal(classes, 4); /* libpwquality caps minclass at 4 */
	/* Without a configuration: libpwquality 1.4.5 defaults (minlen 8, no credits). */
	assert_int_equal(min_length_for(NULL, &classes), 8);
	assert_int_equal(classes, 0);
}

static void test_minlen_floor(void **state)
{
	(void)state;
	char *root = root_with(NULL, "minlen = 4\n");
	ks_collect_ctx *ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.minlen_setting"), 6);
	assert_probe(ctx, "password.minlen_setting", "floor 6");
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 6);
	finish(ctx, root);
}

/* ---- configuration files and arguments ---------------------------------------------------- */

static void test_module_absent_ignores_conf(void **state)
{
	(void)state;
	char *root = root_with("password required pam_unix.so obscure sha512\n", "minlen = 20\nminclass = 4\n");
	ks_collect_ctx *ctx = run_all(root);
	assert_string_equal(ks_test_fact_str(ctx, "password.quality_module"), "");
	assert_probe(ctx, "password.quality_module", "no pam_pwquality or pam_cracklib");
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 6); /* pam_unix's default */
	assert_probe(ctx, "password.min_length", "pam_unix minlen 6 (/etc/pam.d/passwd:1, pam_unix default)");
	assert_int_equal(ks_test_fact_int(ctx, "password.min_classes"), 0);
	assert_false(ks_test_fact_bool(ctx, "password.username_check"));
	assert_string_equal(ks_test_fact_str(ctx, "password.hash_algorithm"), "sha512");
	finish(ctx, root);

	root = root_with("password required pam_unix.so minlen=10\n", NULL);
	ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 8); /* DES: capped at 8 */
	assert_probe(ctx, "password.min_length", "DES");
	assert_string_equal(ks_test_fact_str(ctx, "password.hash_algorithm"), "des");
	finish(ctx, root);
}

static void test_args_override_conf(void **state)
{
	(void)state;
	char *root = root_with("#\npassword requisite pam_pwquality.so retry=3 minlen=15 ucredit=-1 "
	                       "enforce_for_root usercheck=0 dcredit=x\n"
	                       "password required pam_unix.so use_authtok\n",
	                       "minlen = 10\ndcredit = 2\n");
	ks_collect_ctx *ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.minlen_setting"), 15);
	assert_src(ctx, "password.minlen_setting", "/etc/pam.d/passwd", 2);
	/* dcredit=x is ignored by pam_pwquality: dcredit 2 from the file stays. */
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 13);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_classes"), 1);
	assert_true(ks_test_fact_bool(ctx, "password.enforce_for_root"));
	assert_src(ctx, "password.enforce_for_root", "/etc/pam.d/passwd", 2);
	assert_false(ks_test_fact_bool(ctx, "password.username_check"));
	assert_true(has_diag(ctx, "/etc/pam.d/passwd", 2, "dcredit"));
	finish(ctx, root);
}

static void test_conf_d_order(void **state)
{
	(void)state;
	char *root = root_with(NULL, "minlen = 11\n");
	ks_test_write(root, CONF ".d/20-b.conf", "minlen = 12\nminclass = 2\n");
	ks_test_write(root, CONF ".d/10-a.conf", "minlen = 10\nminclass = 1\nucredit = -1\n");
	ks_test_write(root, CONF ".d/notes.txt", "minlen = 99\n");
	ks_test_write(root, CONF ".d/x.conf.bak", "minlen = 98\n");
	ks_collect_ctx *ctx = run_all(root);
	/* .d files in strcmp order, then the main file: it has the last word. */
	assert_int_equal(ks_test_fact_int(ctx, "password.minlen_setting"), 11);
	assert_src(ctx, "password.minlen_setting", "/etc/security/pwquality.conf", 1);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_classes"), 2);
	assert_probe(ctx, "password.min_classes", "/etc/security/pwquality.conf.d/20-b.conf:2");
	finish(ctx, root);

	root = root_with(NULL, NULL);
	ks_test_write(root, CONF ".d/20-b.conf", "minlen = 12\n");
	ks_test_write(root, CONF ".d/10-a.conf", "minlen = 10\n");
	ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.minlen_setting"), 12);
	assert_src(ctx, "password.minlen_setting", "/etc/security/pwquality.conf.d/20-b.conf", 1);
	finish(ctx, root);
}

static void test_conf_error_stops_reading(void **state)
{
	(void)state;
	char *root = root_with(NULL, "minlen = 20\n");
	ks_test_write(root, CONF ".d/10-a.conf", "minlen = 10\nminlenn = 5\nminclass = 4\n");
	ks_collect_ctx *ctx = run_all(root);
	/* libpwquality stops at the unknown setting: nothing after it, not even the main file. */
	assert_int_equal(ks_test_fact_int(ctx, "password.minlen_setting"), 10);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_classes"), 0);
	assert_true(has_diag(ctx, "/etc/security/pwquality.conf.d/10-a.conf", 2, "unknown setting"));
	finish(ctx, root);

	root = root_with(NULL, "minlen = 12\nminclass = three\nminclass=4\n");
	ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 12);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_classes"), 0);
	assert_true(has_diag(ctx, "/etc/security/pwquality.conf", 2, "expected an integer"));
	finish(ctx, root);
}

static void test_conf_unreadable(void **state)
{
	(void)state;
	char *root = root_with(NULL, NULL);
	ks_test_write(root, "etc/security/limits.conf", "");
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", root, CONF);
	assert_int_equal(mkdir(p, 0755), 0); /* not a regular file: cannot be read */
	ks_collect_ctx *ctx = run_all(root);
	assert_true(ks_test_fact_is_unknown(ctx, "password.min_length"));
	assert_true(ks_test_fact_is_unknown(ctx, "password.quality_module"));
	assert_non_null(strstr(fact(ctx, "password.min_length")->reason, "/etc/security/pwquality.conf"));
	assert_string_equal(ks_test_fact_str(ctx, "password.hash_algorithm"), "yescrypt");
	finish(ctx, root);
}

static void test_parse_buffer_api(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_pwq q;
	ks_pwq_defaults(&q);
	const char *in = "  # c\nminlen=9 # trailing\n DCREDIT   =   -2\nenforce_for_root = 0\nretry\n";
	assert_int_equal(ks_pwq_parse_buffer(ctx, "/p", in, strlen(in), &q), KS_EPARSE);
	assert_int_equal(q.s[KS_PWQ_MINLEN].v, 9);
	assert_int_equal(q.s[KS_PWQ_MINLEN].line, 2);
	assert_int_equal(q.s[KS_PWQ_DCREDIT].v, -2); /* names are case-insensitive */
	assert_int_equal(q.s[KS_PWQ_ENFORCE_FOR_ROOT].v, 1); /* a "set" option: any value turns it on */
	assert_true(has_diag(ctx, "/p", 5, "expected an integer")); /* retry without a value */
	finish(ctx, root);
}

/* ---- modules and enforcement -------------------------------------------------------------- */

static void test_cracklib(void **state)
{
	(void)state;
	const char *stack = "password requisite pam_cracklib.so retry=3\n"
	                    "password [success=1 default=ignore] pam_unix.so use_authtok sha512\n"
	                    "password requisite pam_deny.so\npassword required pam_permit.so\n";
	char *root = root_with(stack, "minlen = 20\n"); /* pam_cracklib does not read pwquality.conf */
	ks_collect_ctx *ctx = run_all(root);
	assert_string_equal(ks_test_fact_str(ctx, "password.quality_module"), "pam_cracklib");
	assert_int_equal(ks_test_fact_int(ctx, "password.minlen_setting"), 9);
	assert_probe(ctx, "password.minlen_setting", "pam_cracklib");
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 6); /* 9 - 4 credits = 5 < pam_unix 6 */
	assert_probe(ctx, "password.min_length", "pam_unix minlen 6");
	assert_false(ks_test_fact_bool(ctx, "password.username_check"));
	finish(ctx, root);

	root = root_with("password requisite pam_cracklib.so minlen=14 dcredit=-1 ucredit=-1 ocredit=-1 "
	                 "lcredit=0 reject_username\n",
	                 NULL);
	ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 14);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_classes"), 3);
	assert_true(ks_test_fact_bool(ctx, "password.username_check"));
	finish(ctx, root);
}

static void test_not_enforced(void **state)
{
	(void)state;
	char *root = root_with("password optional pam_pwquality.so\npassword required pam_unix.so sha512 minlen=9\n",
	                       "minlen = 14\n");
	ks_collect_ctx *ctx = run_all(root);
	assert_string_equal(ks_test_fact_str(ctx, "password.quality_module"), "");
	assert_probe(ctx, "password.quality_module", "does not stop the change");
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 9);
	finish(ctx, root);

	root = root_with(NULL, "minlen = 14\nenforcing = 0\n");
	ctx = run_all(root);
	assert_string_equal(ks_test_fact_str(ctx, "password.quality_module"), "");
	assert_probe(ctx, "password.quality_module", "enforcing = 0 (/etc/security/pwquality.conf:2)");
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 6);
	finish(ctx, root);

	/* A module that does not count: its unreadable configuration does not matter either. */
	root = root_with("password optional pam_pwquality.so\npassword required pam_unix.so sha512\n", NULL);
	ks_test_write(root, "etc/security/limits.conf", "");
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", root, CONF);
	assert_int_equal(mkdir(p, 0755), 0);
	ctx = run_all(root);
	assert_string_equal(ks_test_fact_str(ctx, "password.quality_module"), "");
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 6);
	finish(ctx, root);

	/* Nothing that checks passwords at all. */
	root = root_with("password required pam_permit.so\n", NULL);
	ctx = run_all(root);
	assert_true(ks_test_fact_is_unknown(ctx, "password.min_length"));
	assert_non_null(strstr(fact(ctx, "password.min_length")->reason, "no password check"));
	finish(ctx, root);
}

static void test_history_and_hash(void **state)
{
	(void)state;
	char *root = root_with("password requisite pam_pwhistory.so use_authtok\npassword required pam_unix.so\n",
	                       NULL);
	ks_test_write(root, "etc/login.defs", "# x\nENCRYPT_METHOD SHA512\n");
	ks_collect_ctx *ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.history"), 10);
	assert_probe(ctx, "password.history", "pam_pwhistory default remember=10 (/etc/pam.d/passwd:1)");
	assert_string_equal(ks_test_fact_str(ctx, "password.hash_algorithm"), "sha512");
	assert_src(ctx, "password.hash_algorithm", "/etc/login.defs", 2);
	finish(ctx, root);

	root = root_with("password requisite pam_pwhistory.so remember=5\n"
	                 "password required pam_unix.so remember=24 md5 yescrypt\n",
	                 NULL);
	ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.history"), 24);
	assert_src(ctx, "password.history", "/etc/pam.d/passwd", 2);
	assert_string_equal(ks_test_fact_str(ctx, "password.hash_algorithm"), "yescrypt"); /* last wins */
	finish(ctx, root);

	/* No pam_unix: passwd(1) hashes with login.defs ENCRYPT_METHOD. */
	root = root_with("password requisite pam_pwquality.so\npassword required pam_permit.so\n", NULL);
	ks_test_write(root, "etc/login.defs", "ENCRYPT_METHOD YESCRYPT\n");
	ctx = run_all(root);
	assert_string_equal(ks_test_fact_str(ctx, "password.hash_algorithm"), "yescrypt");
	assert_src(ctx, "password.hash_algorithm", "/etc/login.defs", 1);
	assert_int_equal(ks_test_fact_int(ctx, "password.history"), 0);
	finish(ctx, root);
}

static void test_stacks_missing(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/pam.d/sshd", "auth required pam_unix.so\n");
	ks_collect_ctx *ctx = run_all(root);
	assert_true(ks_test_fact_is_unknown(ctx, "password.min_length"));
	assert_non_null(strstr(fact(ctx, "password.min_length")->reason, "both missing"));
	assert_true(ks_test_fact_is_unknown(ctx, "password.hash_algorithm"));
	finish(ctx, root);

	/* passwd missing: "other" decides, as in libpam. */
	root = ks_test_tmpdir();
	ks_test_write(root, "etc/pam.d/other", DEBIAN_PASSWORD);
	ks_test_write(root, CONF, "minlen = 13\nminclass = 3\n");
	ctx = run_all(root);
	assert_int_equal(ks_test_fact_int(ctx, "password.min_length"), 13);
	assert_src(ctx, "password.quality_module", "/etc/pam.d/other", 1);
	finish(ctx, root);
}

/* ---- lockout ------------------------------------------------------------------------------ */

static ks_collect_ctx *lockout_tree(const char *sshd, const char *faillock, char **root)
{
	*root = root_with(NULL, NULL);
	ks_test_write(*root, "etc/pam.d/sshd", sshd);
	ks_test_write(*root, "etc/pam.d/common-auth", "auth [success=1 default=ignore] pam_unix.so\n"
	                                              "auth requisite pam_deny.so\nauth required pam_permit.so\n");
	if (faillock)
		ks_test_write(*root, "etc/security/faillock.conf", faillock);
	return run_all(*root);
}

static void test_lockout(void **state)
{
	(void)state;
	char *root;
	const char *sshd = "auth required pam_faillock.so preauth\n@include common-auth\n"
	                   "auth [default=die] pam_faillock.so authfail deny=5\n";
	ks_collect_ctx *ctx = lockout_tree(sshd, "# faillock\ndeny = 4\nunlock_time = 900\n", &root);
	assert_string_equal(ks_test_fact_str(ctx, "lockout.module"), "pam_faillock");
	assert_src(ctx, "lockout.module", "/etc/pam.d/sshd", 1);
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 4); /* preauth reads the file */
	assert_src(ctx, "lockout.deny", "/etc/security/faillock.conf", 2);
	assert_int_equal(ks_test_fact_int(ctx, "lockout.unlock_time"), 900);
	assert_src(ctx, "lockout.unlock_time", "/etc/security/faillock.conf", 3);
	finish(ctx, root);

	ctx = lockout_tree("auth required pam_faillock.so preauth deny=6 unlock_time=never\n@include common-auth\n",
	                   "deny = 4\n", &root);
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 6);
	assert_src(ctx, "lockout.deny", "/etc/pam.d/sshd", 1);
	assert_int_equal(ks_test_fact_int(ctx, "lockout.unlock_time"), 0); /* never */
	finish(ctx, root);

	ctx = lockout_tree("auth required pam_faillock.so preauth\n@include common-auth\n", NULL, &root);
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 3);
	assert_probe(ctx, "lockout.deny", "default deny=3");
	assert_int_equal(ks_test_fact_int(ctx, "lockout.unlock_time"), 600);
	finish(ctx, root);

	ctx = lockout_tree("auth required pam_faillock.so preauth conf=/etc/security/none.conf\n", NULL, &root);
	assert_true(ks_test_fact_is_unknown(ctx, "lockout.deny"));
	finish(ctx, root);

	ctx = lockout_tree("auth required pam_tally2.so deny=5 unlock_time=300\n@include common-auth\n", NULL, &root);
	assert_string_equal(ks_test_fact_str(ctx, "lockout.module"), "pam_tally2");
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 5);
	assert_int_equal(ks_test_fact_int(ctx, "lockout.unlock_time"), 300);
	finish(ctx, root);

	ctx = lockout_tree("@include common-auth\n", "deny = 4\n", &root);
	assert_string_equal(ks_test_fact_str(ctx, "lockout.module"), "");
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "lockout.unlock_time"));
	finish(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_pass),
		cmocka_unit_test(test_fixture_fail),
		cmocka_unit_test(test_fixture_unknown),
		cmocka_unit_test(test_credits),
		cmocka_unit_test(test_minlen_floor),
		cmocka_unit_test(test_module_absent_ignores_conf),
		cmocka_unit_test(test_args_override_conf),
		cmocka_unit_test(test_conf_d_order),
		cmocka_unit_test(test_conf_error_stops_reading),
		cmocka_unit_test(test_conf_unreadable),
		cmocka_unit_test(test_parse_buffer_api),
		cmocka_unit_test(test_cracklib),
		cmocka_unit_test(test_not_enforced),
		cmocka_unit_test(test_history_and_hash),
		cmocka_unit_test(test_stacks_missing),
		cmocka_unit_test(test_lockout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
