/* lockout collector: placement of pam_faillock (preauth before pam_unix, authfail reached when it
 * fails, account line), pam_tally2, UsePAM, per-service records, agreement with lockout.deny, the
 * vendor fixtures, unknown stacks. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collectors.h"
#include "core/error.h"

#define ACCOUNT "account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so\n" \
                "account requisite pam_deny.so\naccount required pam_permit.so\n"
#define ACCOUNT_FL "account required pam_faillock.so\n" ACCOUNT

/* pam_faillock(8)'s recipe in Debian's common-auth. */
#define AUTH_GOOD                                                                                  \
	"auth requisite pam_faillock.so preauth\n"                                                     \
	"auth [success=1 default=ignore] pam_unix.so nullok\n"                                         \
	"auth [default=die] pam_faillock.so authfail\n"                                                \
	"auth sufficient pam_faillock.so authsucc\n"                                                   \
	"auth requisite pam_deny.so\n"                                                                 \
	"auth required pam_permit.so\n"

static ks_collect_ctx *tree(const char *auth, const char *account, const char *faillock, char **root)
{
	*root = ks_test_tmpdir();
	ks_test_write(*root, "etc/pam.d/sshd", "@include common-auth\n@include common-account\n");
	ks_test_write(*root, "etc/pam.d/login", "auth optional pam_faildelay.so delay=3000000\n"
	                                        "auth requisite pam_nologin.so\n@include common-auth\n"
	                                        "auth optional pam_group.so\n@include common-account\n");
	ks_test_write(*root, "etc/pam.d/common-auth", auth);
	ks_test_write(*root, "etc/pam.d/common-account", account);
	if (faillock)
		ks_test_write(*root, "etc/security/faillock.conf", faillock);
	ks_collect_ctx *ctx = ks_test_ctx(*root);
	assert_int_equal(ks_collect_pam(ctx), 0);
	return ctx;
}

static void finish(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static const ks_value *service(ks_collect_ctx *ctx, const char *name)
{
	const ks_fact *f = ks_fact_get(ctx->facts, "lockout.services");
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	for (size_t i = 0; i < f->value.u.list.n; i++) {
		const ks_value *n = ks_record_get(&f->value.u.list.items[i], "name");
		if (n && n->type == KS_VAL_STR && !strcmp(n->u.str.s, name))
			return &f->value.u.list.items[i];
	}
	return NULL;
}

static const char *field_str(const ks_value *rec, const char *k)
{
	const ks_value *v = ks_record_get(rec, k);
	assert_non_null(v);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

static void assert_reason(ks_collect_ctx *ctx, const char *svc, const char *part)
{
	const ks_value *r = service(ctx, svc);
	assert_non_null(r);
	const char *why = field_str(r, "reason");
	if (!strstr(why, part))
		fail_msg("%s reason '%s' lacks '%s'", svc, why, part);
}

static void assert_effective(ks_collect_ctx *ctx, const char *svc, int expect)
{
	const ks_value *r = service(ctx, svc);
	assert_non_null(r);
	const ks_value *e = ks_record_get(r, "effective");
	assert_non_null(e);
	if (expect < 0) {
		assert_int_equal(e->type, KS_VAL_UNKNOWN);
	} else {
		assert_int_equal(e->type, KS_VAL_BOOL);
		assert_int_equal(e->u.b, expect);
	}
}

static void test_good_recipe(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = tree(AUTH_GOOD, ACCOUNT_FL, "# comment\ndeny = 4\n", &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_effective(ctx, "sshd", 1);
	assert_effective(ctx, "login", 1);
	const ks_value *r = service(ctx, "sshd");
	assert_string_equal(field_str(r, "source"), "/etc/pam.d/common-auth:1");
	assert_string_equal(field_str(r, "module"), "pam_faillock");
	const ks_value *deny = ks_record_get(r, "deny");
	assert_int_equal(deny->type, KS_VAL_INT);
	assert_int_equal(deny->u.i, 4);
	assert_reason(ctx, "login", "authfail (/etc/pam.d/common-auth:3) reached");
	/* password_policy did not run: lockout.deny comes from the services, with a probe. */
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 4);
	const ks_fact *f = ks_fact_get(ctx->facts, "lockout.deny");
	assert_non_null(f->source.probe);
	assert_non_null(strstr(f->source.probe, "/etc/security/faillock.conf:2"));
	finish(ctx, root);
}

static void test_agrees_with_password_policy(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = tree(AUTH_GOOD, ACCOUNT_FL, "deny = 5\n", &root);
	assert_int_equal(ks_collect_password_policy(ctx), 0);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	/* Same value: password_policy's provenance (the conf line) is kept. */
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 5);
	const ks_fact *f = ks_fact_get(ctx->facts, "lockout.deny");
	assert_string_equal(f->source.path, "/etc/security/faillock.conf");
	assert_int_equal(f->source.line, 1);
	finish(ctx, root);

	/* login asks for deny=10 on its own preauth line: the weaker value is reported. */
	ctx = tree(AUTH_GOOD, ACCOUNT_FL, "deny = 5\n", &root);
	ks_test_write(root, "etc/pam.d/login", "auth requisite pam_faillock.so preauth deny=10\n"
	                                       "auth [success=2 default=ignore] pam_unix.so\n"
	                                       "auth [default=die] pam_faillock.so authfail deny=10\n"
	                                       "auth requisite pam_deny.so\nauth required pam_permit.so\n"
	                                       "@include common-account\n");
	ks_test_ctx_free(ctx);
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_pam(ctx), 0);
	assert_int_equal(ks_collect_password_policy(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 5);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 10);
	f = ks_fact_get(ctx->facts, "lockout.deny");
	assert_non_null(strstr(f->source.probe, "login pam_faillock deny=10 (/etc/pam.d/login:1)"));
	assert_true(ks_test_fact_bool(ctx, "lockout.effective"));
	finish(ctx, root);
}

static void test_debian_default(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = tree("auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\n"
	                           "auth required pam_permit.so\nauth optional pam_cap.so\n",
	                           ACCOUNT, NULL, &root);
	assert_int_equal(ks_collect_password_policy(ctx), 0);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_reason(ctx, "sshd", "no pam_faillock or pam_tally2");
	assert_effective(ctx, "login", 0);
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 0);
	assert_string_equal(ks_test_fact_str(ctx, "lockout.module"), "");
	finish(ctx, root);
}

static void test_order_and_reachability(void **state)
{
	(void)state;
	char *root;
	/* preauth after pam_unix */
	ks_collect_ctx *ctx = tree("auth [success=2 default=ignore] pam_unix.so\n"
	                           "auth [default=die] pam_faillock.so authfail\n"
	                           "auth requisite pam_deny.so\nauth required pam_faillock.so preauth\n"
	                           "auth required pam_permit.so\n",
	                           ACCOUNT_FL, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_reason(ctx, "sshd", "preauth (/etc/pam.d/common-auth:4) comes after pam_unix (/etc/pam.d/common-auth:1)");
	finish(ctx, root);

	/* authfail behind pam_deny: a rejected password never reaches it */
	ctx = tree("auth required pam_faillock.so preauth\nauth [success=2 default=ignore] pam_unix.so\n"
	           "auth requisite pam_deny.so\nauth [default=die] pam_faillock.so authfail\n"
	           "auth required pam_permit.so\n",
	           ACCOUNT_FL, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_reason(ctx, "sshd", "without reaching pam_faillock authfail (/etc/pam.d/common-auth:4)");
	finish(ctx, root);

	/* no authfail at all */
	ctx = tree("auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so\n"
	           "auth requisite pam_deny.so\nauth required pam_permit.so\n",
	           ACCOUNT_FL, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_reason(ctx, "login", "no 'auth [default=die] pam_faillock.so authfail' line");
	finish(ctx, root);

	/* authfail "required" falls through to a sufficient authsucc: a wrong password is accepted */
	ctx = tree("auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so\n"
	           "auth required pam_faillock.so authfail\nauth sufficient pam_faillock.so authsucc\n"
	           "auth requisite pam_deny.so\n",
	           ACCOUNT_FL, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_reason(ctx, "sshd", "can succeed after pam_unix (/etc/pam.d/common-auth:2) rejects the password");
	finish(ctx, root);

	/* preauth optional: a locked account is not refused */
	ctx = tree("auth optional pam_faillock.so preauth\nauth [success=2 default=ignore] pam_unix.so\n"
	           "auth [default=die] pam_faillock.so authfail\nauth requisite pam_deny.so\n"
	           "auth required pam_permit.so\n",
	           ACCOUNT_FL, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_reason(ctx, "sshd", "control optional) does not stop the login");
	finish(ctx, root);

	/* no account line and no authsucc */
	ctx = tree("auth required pam_faillock.so preauth\nauth [success=2 default=ignore] pam_unix.so\n"
	           "auth [default=die] pam_faillock.so authfail\nauth requisite pam_deny.so\n"
	           "auth required pam_permit.so\n",
	           ACCOUNT, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_reason(ctx, "sshd", "no 'account required pam_faillock.so' line");
	finish(ctx, root);

	/* [success=1] jumps from pam_unix onto pam_deny: nobody can log in */
	ctx = tree("auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so\n"
	           "auth [default=die] pam_faillock.so authfail\nauth requisite pam_deny.so\n"
	           "auth required pam_permit.so\n",
	           ACCOUNT_FL, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_reason(ctx, "sshd", "can never succeed");
	finish(ctx, root);

	/* the same with authsucc instead of the account line counts */
	ctx = tree(AUTH_GOOD, ACCOUNT, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_reason(ctx, "sshd", "authsucc (/etc/pam.d/common-auth:4)");
	finish(ctx, root);
}

static void test_tally2(void **state)
{
	(void)state;
	char *root;
	const char *auth = "auth required pam_tally2.so deny=5 onerr=fail\n"
	                   "auth [success=1 default=ignore] pam_unix.so\nauth requisite pam_deny.so\n"
	                   "auth required pam_permit.so\n";
	ks_collect_ctx *ctx = tree(auth, "account required pam_tally2.so\n" ACCOUNT, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 5);
	assert_string_equal(ks_test_fact_str(ctx, "lockout.module"), "pam_tally2");
	finish(ctx, root);

	ctx = tree(auth, ACCOUNT, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_reason(ctx, "login", "no 'account required pam_tally2.so' line");
	finish(ctx, root);
}

static void test_sshd_facts(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = tree(AUTH_GOOD, ACCOUNT_FL, NULL, &root);
	assert_int_equal(ks_fact_bool(ctx->facts, "ssh.use_pam", false, "/etc/ssh/sshd_config", 12), 0);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_reason(ctx, "sshd", "UsePAM no, /etc/ssh/sshd_config:12");
	assert_effective(ctx, "login", 1);
	finish(ctx, root);

	/* OpenSSH not installed: only login is judged. */
	ctx = tree(AUTH_GOOD, ACCOUNT_FL, NULL, &root);
	ks_test_write(root, "etc/pam.d/sshd", "auth required pam_permit.so\n");
	assert_int_equal(ks_fact_bool(ctx->facts, "ssh.installed", false, "/usr/sbin/sshd", 0), 0);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_null(service(ctx, "sshd"));
	assert_true(ks_test_fact_bool(ctx, "lockout.effective"));
	finish(ctx, root);
}

static void test_unknown(void **state)
{
	(void)state;
	char *root;
	/* An include that does not exist: the stack cannot be judged. */
	ks_collect_ctx *ctx = tree("@include common-auth-local\n", ACCOUNT_FL, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "lockout.effective"));
	assert_effective(ctx, "sshd", -1);
	finish(ctx, root);

	/* Password module other than pam_unix: placement not analysed. */
	ctx = tree("auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_sss.so\n"
	           "auth [default=die] pam_faillock.so authfail\nauth requisite pam_deny.so\n"
	           "auth required pam_permit.so\n",
	           ACCOUNT_FL, NULL, &root);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "lockout.effective"));
	assert_reason(ctx, "sshd", "no pam_unix in the auth stack");
	finish(ctx, root);

	/* A conf= file that does not exist: deny unknown, the placement is still judged. */
	ctx = tree("auth requisite pam_faillock.so preauth conf=/etc/security/none.conf\n"
	           "auth [success=2 default=ignore] pam_unix.so\n"
	           "auth [default=die] pam_faillock.so authfail conf=/etc/security/none.conf\n"
	           "auth requisite pam_deny.so\nauth required pam_permit.so\n",
	           ACCOUNT_FL, NULL, &root);
	assert_int_equal(ks_collect_password_policy(ctx), 0);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "lockout.effective"));
	assert_true(ks_test_fact_is_unknown(ctx, "lockout.deny"));
	assert_int_equal(ks_record_get(service(ctx, "sshd"), "deny")->type, KS_VAL_UNKNOWN);
	finish(ctx, root);
}

/* The tests/fixtures/vendor trees are real Debian 12 pam.d files. */
static void run_fixture(const char *name, bool effective, const char *reason)
{
	char root[4096];
	snprintf(root, sizeof root, "%s/vendor/%s", KS_FIXTURES, name);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_pam(ctx), 0);
	assert_int_equal(ks_collect_password_policy(ctx), 0);
	assert_int_equal(ks_collect_sshd(ctx), 0);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_int_equal(ks_test_fact_bool(ctx, "lockout.effective"), effective);
	assert_reason(ctx, "sshd", reason);
	assert_reason(ctx, "login", reason);
	ks_test_ctx_free(ctx);
}

static void test_fixtures(void **state)
{
	(void)state;
	run_fixture("lock-pass", true, "preauth (/etc/pam.d/common-auth:17) before pam_unix");
	run_fixture("lock-fail-order", false, "comes after pam_unix (/etc/pam.d/common-auth:17)");
	run_fixture("lock-none", false, "no pam_faillock or pam_tally2");
	char root[4096];
	snprintf(root, sizeof root, "%s/vendor/lock-pass", KS_FIXTURES);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_pam(ctx), 0);
	assert_int_equal(ks_collect_password_policy(ctx), 0);
	assert_int_equal(ks_collect_lockout(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "lockout.deny"), 5);
	const ks_fact *f = ks_fact_get(ctx->facts, "lockout.deny");
	assert_string_equal(f->source.path, "/etc/security/faillock.conf");
	assert_int_equal(f->source.line, 33);
	ks_test_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_recipe),
		cmocka_unit_test(test_agrees_with_password_policy),
		cmocka_unit_test(test_debian_default),
		cmocka_unit_test(test_order_and_reachability),
		cmocka_unit_test(test_tally2),
		cmocka_unit_test(test_sshd_facts),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_fixtures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
