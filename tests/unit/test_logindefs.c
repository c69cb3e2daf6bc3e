/* logindefs collector: Debian 12's login.defs, shadow-utils getdef semantics (last occurrence
 * wins, quotes, base-0 numbers, trailing text), defaults and a missing file. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collectors.h"
#include "collect/logindefs.h"
#include "core/error.h"

static ks_collect_ctx *run_with(const char *content, char **root)
{
	*root = ks_test_tmpdir();
	if (content)
		ks_test_write(*root, "etc/login.defs", content);
	ks_collect_ctx *ctx = ks_test_ctx(*root);
	assert_int_equal(ks_collect_logindefs(ctx), 0);
	return ctx;
}

static void done(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static const ks_fact *fact(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	return f;
}

static bool has_diag(ks_collect_ctx *ctx, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->line == line && strstr(d->message, needle))
			return true;
	}
	return false;
}

static void test_debian12_file(void **state)
{
	(void)state;
	/* The file Debian 12's login package ships (copied into the 2-7 fixture trees). */
	ks_collect_ctx *ctx = ks_test_ctx(KS_FIXTURES "/2-7/fail");
	assert_int_equal(ks_collect_logindefs(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "login_defs.pass_max_days"), 99999);
	assert_int_equal(fact(ctx, "login_defs.pass_max_days")->source.line, 165);
	assert_string_equal(fact(ctx, "login_defs.pass_max_days")->source.path, "/etc/login.defs");
	assert_int_equal(ks_test_fact_int(ctx, "login_defs.pass_min_days"), 0);
	assert_int_equal(fact(ctx, "login_defs.pass_min_days")->source.line, 166);
	assert_int_equal(ks_test_fact_int(ctx, "login_defs.pass_warn_age"), 7);
	assert_int_equal(fact(ctx, "login_defs.pass_warn_age")->source.line, 167);
	assert_string_equal(ks_test_fact_str(ctx, "login_defs.encrypt_method"), "SHA512");
	assert_int_equal(fact(ctx, "login_defs.encrypt_method")->source.line, 294);
	assert_string_equal(ks_test_fact_str(ctx, "login_defs.umask"), "022");
	assert_int_equal(fact(ctx, "login_defs.umask")->source.line, 151);
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	ks_test_ctx_free(ctx);
}

static void test_last_occurrence_wins(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = run_with("PASS_MAX_DAYS 90\n# comment\n  PASS_MAX_DAYS\t30\n", &root);
	assert_int_equal(ks_test_fact_int(ctx, "login_defs.pass_max_days"), 30);
	assert_int_equal(fact(ctx, "login_defs.pass_max_days")->source.line, 3);
	done(ctx, root);
}

static void test_defaults_when_unset(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = run_with("MAIL_DIR /var/mail\n", &root);
	const ks_fact *f = fact(ctx, "login_defs.pass_max_days");
	assert_int_equal(f->value.type, KS_VAL_INT);
	assert_int_equal(f->value.u.i, 99999);
	assert_null(f->source.path);
	assert_non_null(f->source.probe);
	assert_non_null(strstr(f->source.probe, "default (not set in /etc/login.defs)"));
	assert_int_equal(ks_test_fact_int(ctx, "login_defs.pass_min_days"), 0);
	assert_int_equal(ks_test_fact_int(ctx, "login_defs.pass_warn_age"), 0);
	assert_string_equal(ks_test_fact_str(ctx, "login_defs.encrypt_method"), "DES");
	assert_string_equal(ks_test_fact_str(ctx, "login_defs.umask"), "022");
	assert_non_null(strstr(fact(ctx, "login_defs.umask")->source.probe, "default (not set"));
	done(ctx, root);

	ctx = run_with("MD5_CRYPT_ENAB yes\n", &root);
	assert_string_equal(ks_test_fact_str(ctx, "login_defs.encrypt_method"), "MD5");
	done(ctx, root);
}

static void test_missing_file_unknown(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = run_with(NULL, &root);
	const char *keys[] = {"login_defs.pass_max_days", "login_defs.pass_min_days",
	                      "login_defs.pass_warn_age", "login_defs.encrypt_method", "login_defs.umask"};
	for (size_t i = 0; i < 5; i++) {
		assert_true(ks_test_fact_is_unknown(ctx, keys[i]));
		assert_non_null(strstr(fact(ctx, keys[i])->reason, "not present"));
	}
	done(ctx, root);
}

static void test_unreadable_file_unknown(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/login.defs", "PASS_MAX_DAYS 30\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_rootfs_fail_after(ctx->root, 1); /* the read of /etc/login.defs fails with EIO */
	assert_int_equal(ks_collect_logindefs(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "login_defs.pass_max_days"));
	assert_null(strstr(fact(ctx, "login_defs.pass_max_days")->reason, "not present"));
	done(ctx, root);
}

static void test_getdef_value_syntax(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = run_with("ENCRYPT_METHOD \"YESCRYPT\"\n"
	                               "PASS_MAX_DAYS 90 # days\n"    /* trailing text: not a number */
	                               "PASS_MIN_DAYS 010\n"          /* strtol base 0: octal */
	                               "PASS_WARN_AGE 0x0e\n"         /* and hex */
	                               "UMASK\t\t077\n"
	                               "LONELY_KEY\n",
	                               &root);
	assert_string_equal(ks_test_fact_str(ctx, "login_defs.encrypt_method"), "YESCRYPT");
	assert_int_equal(fact(ctx, "login_defs.encrypt_method")->source.line, 1);
	const ks_fact *f = fact(ctx, "login_defs.pass_max_days");
	assert_int_equal(f->value.u.i, 99999); /* shadow falls back to "no maximum" */
	assert_non_null(strstr(f->source.probe, "not a number"));
	assert_true(has_diag(ctx, 2, "not a number"));
	assert_int_equal(ks_test_fact_int(ctx, "login_defs.pass_min_days"), 8);
	assert_int_equal(ks_test_fact_int(ctx, "login_defs.pass_warn_age"), 14);
	assert_string_equal(ks_test_fact_str(ctx, "login_defs.umask"), "077");
	assert_int_equal(fact(ctx, "login_defs.umask")->source.line, 5);
	assert_true(has_diag(ctx, 6, "no value"));
	done(ctx, root);
}

static void test_negative_max_is_no_maximum(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = run_with("PASS_MAX_DAYS -1\nUMASK 0x\n", &root);
	const ks_fact *f = fact(ctx, "login_defs.pass_max_days");
	assert_int_equal(f->value.u.i, 99999);
	assert_non_null(strstr(f->source.probe, "/etc/login.defs:1"));
	assert_string_equal(ks_test_fact_str(ctx, "login_defs.umask"), "022");
	assert_true(has_diag(ctx, 2, "UMASK"));
	done(ctx, root);
}

static void test_parse_buffer(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	const char *in = "A 1\nB\t\"two words\" tail\n\n#C 3\nA 4";
	ks_logindefs d;
	assert_int_equal(ks_logindefs_parse_buffer(ctx, "/x", in, strlen(in), &d), 0);
	assert_int_equal(d.n, 3);
	assert_string_equal(ks_logindefs_get(&d, "B")->value, "two words");
	assert_string_equal(ks_logindefs_get(&d, "A")->value, "4");
	assert_int_equal(ks_logindefs_get(&d, "A")->line, 5);
	assert_null(ks_logindefs_get(&d, "C"));
	done(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian12_file),
		cmocka_unit_test(test_last_occurrence_wins),
		cmocka_unit_test(test_defaults_when_unset),
		cmocka_unit_test(test_missing_file_unknown),
		cmocka_unit_test(test_unreadable_file_unknown),
		cmocka_unit_test(test_getdef_value_syntax),
		cmocka_unit_test(test_negative_max_is_no_maximum),
		cmocka_unit_test(test_parse_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
