/* Unit tests of the two-factor derivation (src/collect/mfa.c) over real sshd_config parsing. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/sshd.h"
#include "core/error.h"

static ks_collect_ctx *ctx;
static char *root;

static int setup(void **state)
{
	(void)state;
	root = ks_test_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ks_test_ctx_free(ctx);
	ctx = NULL;
	ks_test_rmtree(root);
	free(root);
	return 0;
}

/* pam.*.mfa come from the PAM collector; here they are set by hand (NULL = leave unset). */
enum { PAM_UNSET = -1, PAM_NO = 0, PAM_YES = 1, PAM_UNKNOWN = 2 };

static void put_pam(const char *key, int v)
{
	if (v == PAM_UNKNOWN)
		assert_int_equal(ks_fact_unknown(ctx->facts, key, "/etc/pam.d/x", "test: unknown"), 0);
	else if (v != PAM_UNSET)
		assert_int_equal(ks_fact_bool(ctx->facts, key, v == PAM_YES, "/etc/pam.d/x", 1), 0);
}

/* Runs sshd + mfa over sshd_config CONFIG (NULL: sshd not installed). */
static void run(const char *config, int pam_sshd, int pam_login)
{
	if (config) {
		ks_test_write(root, "usr/sbin/sshd", "");
		ks_test_write(root, "etc/ssh/sshd_config", config);
	}
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_sshd(ctx), 0);
	put_pam("pam.sshd.mfa", pam_sshd);
	put_pam("pam.login.mfa", pam_login);
	assert_int_equal(ks_collect_mfa(ctx), 0);
}

static const ks_fact *fact(const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	if (!f)
		fail_msg("fact %s was not set", key);
	return f;
}

/* 1 true, 0 false, 2 unknown */
static int tri(const char *key)
{
	const ks_fact *f = fact(key);
	if (f->value.type == KS_VAL_UNKNOWN)
		return 2;
	assert_int_equal(f->value.type, KS_VAL_BOOL);
	return f->value.u.b;
}

static void assert_why(const char *key, const char *part)
{
	const ks_fact *f = fact(key);
	const char *why = f->value.type == KS_VAL_UNKNOWN ? f->reason : f->source.probe;
	if (!why || !strstr(why, part))
		fail_msg("%s: \"%s\" lacks \"%s\"", key, why ? why : "-", part);
}

static const ks_value *paths(void)
{
	const ks_fact *f = fact("auth.remote_paths");
	assert_int_equal(f->value.type, KS_VAL_LIST);
	return &f->value;
}

static const ks_value *field(size_t path, const char *k)
{
	const ks_value *p = paths();
	assert_true(path < p->u.list.n);
	const ks_value *v = ks_record_get(&p->u.list.items[path], k);
	assert_non_null(v);
	return v;
}

static const char *sfield(size_t path, const char *k)
{
	const ks_value *v = field(path, k);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

static int tfield(size_t path)
{
	const ks_value *v = field(path, "two_factor");
	return v->type == KS_VAL_UNKNOWN ? 2 : v->u.b;
}

#define DEBIAN_PAM "KbdInteractiveAuthentication no\nUsePAM yes\n" /* Debian's settings */

static void test_any_fails(void **state)
{
	(void)state;
	run(DEBIAN_PAM, PAM_YES, PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
	assert_int_equal(tri("auth.two_factor"), 0);
	assert_why("auth.two_factor_remote", "sshd (global): alternative 'publickey' has one method");
	assert_int_equal(paths()->u.list.n, 1);
	assert_string_equal(sfield(0, "name"), "sshd (global)");
	assert_string_equal(sfield(0, "methods"), "any");
	assert_string_equal(sfield(0, "source"), "OpenSSH default");
	const ks_value *alts = field(0, "alternatives");
	assert_int_equal(alts->u.list.n, 2); /* keyboard-interactive is disabled */
	assert_string_equal(alts->u.list.items[0].u.str.s, "publickey");
	assert_string_equal(alts->u.list.items[1].u.str.s, "password");
	assert_string_equal(sfield(0, "factors"), "publickey: possession; password: knowledge");
	assert_string_equal(sfield(0, "summary"), "publickey alone: possession only");
	assert_int_equal(tfield(0), 0);
}

static void test_publickey_password_passes(void **state)
{
	(void)state;
	run(DEBIAN_PAM "AuthenticationMethods publickey,password\n", PAM_UNSET, PAM_UNSET);
	/* pam.sshd.mfa is not needed, so its absence does not matter. */
	assert_int_equal(tri("auth.two_factor_remote"), 1);
	assert_int_equal(tri("auth.two_factor"), 1);
	assert_string_equal(sfield(0, "source"), "/etc/ssh/sshd_config:3");
	assert_string_equal(sfield(0, "factors"), "publickey,password: possession+knowledge");
	assert_string_equal(sfield(0, "summary"), "publickey,password: possession+knowledge");
	assert_int_equal(tfield(0), 1);
	assert_why("auth.two_factor", "sshd installed");
}

static void test_publickey_only_fails_despite_pam(void **state)
{
	(void)state;
	/* google-authenticator in the sshd PAM stack is never reached by publickey alone. */
	run(DEBIAN_PAM "AuthenticationMethods publickey\n", PAM_YES, PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
	assert_why("auth.two_factor_remote", "alternative 'publickey' has one method");
}

static void test_kbdint_alone_fails(void **state)
{
	(void)state;
	run("UsePAM yes\nAuthenticationMethods keyboard-interactive\n", PAM_YES, PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
	assert_why("auth.two_factor_remote", "alternative 'keyboard-interactive' has one method");
	assert_string_equal(sfield(0, "factors"),
	                    "keyboard-interactive: knowledge+possession(PAM)");
}

static void test_password_kbdint_with_pam_mfa(void **state)
{
	(void)state;
	run("UsePAM yes\nAuthenticationMethods password,keyboard-interactive:pam\n", PAM_YES,
	    PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 1);
	assert_string_equal(sfield(0, "factors"),
	                    "password,keyboard-interactive:pam: knowledge+knowledge+possession(PAM)");
}

static void test_password_kbdint_without_pam_mfa(void **state)
{
	(void)state;
	run("UsePAM yes\nAuthenticationMethods password,keyboard-interactive\n", PAM_NO, PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
	assert_why("auth.two_factor_remote", "gives one factor kind (knowledge+knowledge)");
	assert_string_equal(sfield(0, "summary"), "password,keyboard-interactive: no possession");
}

static void test_pam_unknown_is_unknown(void **state)
{
	(void)state;
	run("UsePAM yes\nAuthenticationMethods password,keyboard-interactive\n", PAM_UNKNOWN,
	    PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 2);
	assert_int_equal(tri("auth.two_factor"), 2);
	assert_why("auth.two_factor_remote", "pam.sshd.mfa is unknown: test: unknown");
	assert_int_equal(tfield(0), 2);
	teardown(state);
	setup(state);
	/* Never collected at all: the same. */
	run("UsePAM yes\nAuthenticationMethods password,keyboard-interactive\n", PAM_UNSET, PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 2);
	assert_why("auth.two_factor_remote", "pam.sshd.mfa was not collected");
}

static void test_same_kind_twice_fails(void **state)
{
	(void)state;
	run("AuthenticationMethods publickey,publickey\n", PAM_UNSET, PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
	assert_why("auth.two_factor_remote", "gives one factor kind (possession+possession)");
}

static void test_hostbased_is_not_a_user_factor(void **state)
{
	(void)state;
	run("HostbasedAuthentication yes\nAuthenticationMethods hostbased,password\n", PAM_UNSET,
	    PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
	assert_string_equal(sfield(0, "factors"), "hostbased,password: host+knowledge");
}

static void test_disabled_alternative_dropped(void **state)
{
	(void)state;
	/* keyboard-interactive is off, so its single-method alternative can never succeed. */
	run(DEBIAN_PAM "AuthenticationMethods publickey,password keyboard-interactive\n", PAM_YES,
	    PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 1);
	const ks_value *dropped = field(0, "dropped");
	assert_int_equal(dropped->u.list.n, 1);
	assert_string_equal(dropped->u.list.items[0].u.str.s,
	                    "keyboard-interactive: keyboard-interactive is disabled "
	                    "(KbdInteractiveAuthentication no)");
	assert_int_equal(field(0, "alternatives")->u.list.n, 1);
}

static void test_kbdint_without_usepam_dropped(void **state)
{
	(void)state;
	run("AuthenticationMethods publickey,password keyboard-interactive\n", PAM_YES, PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 1);
	assert_string_equal(field(0, "dropped")->u.list.items[0].u.str.s,
	                    "keyboard-interactive: keyboard-interactive has no device without UsePAM");
}

static void test_no_usable_alternative(void **state)
{
	(void)state;
	/* Nobody can log in this way: the path is noted, it does not weaken the result. */
	run("PasswordAuthentication no\nAuthenticationMethods password,publickey\n", PAM_UNSET,
	    PAM_UNSET);
	assert_int_equal(tfield(0), 1);
	assert_string_equal(sfield(0, "factors"), "no usable alternative: this path cannot log in");
	assert_string_equal(sfield(0, "summary"), "no usable method: cannot log in");
	assert_int_equal(tri("auth.two_factor_remote"), 1);
	assert_why("auth.two_factor_remote", "cannot log in");
}

static void test_match_block_weakens(void **state)
{
	(void)state;
	run(DEBIAN_PAM
	    "AuthenticationMethods publickey,password\n"
	    "Match Group sftp\n"           /* 4: irrelevant to authentication */
	    "  ForceCommand internal-sftp\n"
	    "Match User vendor Address 192.0.2.0/24\n" /* 6 */
	    "  AuthenticationMethods password\n",
	    PAM_UNSET, PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
	assert_why("auth.two_factor_remote",
	           "sshd Match User vendor Address 192.0.2.0/24: alternative 'password' has one method");
	assert_int_equal(paths()->u.list.n, 2);
	assert_int_equal(tfield(0), 1);
	assert_string_equal(sfield(1, "name"), "sshd Match User vendor Address 192.0.2.0/24");
	assert_string_equal(sfield(1, "source"), "/etc/ssh/sshd_config:6");
	assert_string_equal(sfield(1, "methods"), "password");
	assert_int_equal(tfield(1), 0);
}

static void test_match_block_enables_method(void **state)
{
	(void)state;
	/* The global list names password, but only the Match block enables it. */
	run("PasswordAuthentication no\n"
	    "AuthenticationMethods publickey password\n"
	    "Match User alice\n"
	    "PasswordAuthentication yes\n",
	    PAM_UNSET, PAM_UNSET);
	assert_int_equal(tfield(0), 0); /* publickey alone */
	assert_int_equal(field(0, "dropped")->u.list.n, 1);
	assert_string_equal(sfield(1, "methods"), "publickey password");
	assert_int_equal(field(1, "alternatives")->u.list.n, 2);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
}

static void test_match_block_strengthens_only_itself(void **state)
{
	(void)state;
	run("Match User admin\nAuthenticationMethods publickey,password\n", PAM_UNSET, PAM_UNSET);
	assert_int_equal(tfield(1), 1);
	assert_int_equal(tfield(0), 0);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
	assert_why("auth.two_factor_remote", "sshd (global)");
}

static void test_match_all_overrides(void **state)
{
	(void)state;
	/* An earlier "Match all" wins over a later conditional block for its connections too. */
	run("AuthenticationMethods publickey,password\n"
	    "Match all\n"
	    "AuthenticationMethods publickey\n"
	    "Match User bob\n"
	    "AuthenticationMethods publickey,password\n"
	    "PasswordAuthentication yes\n",
	    PAM_UNSET, PAM_UNSET);
	assert_string_equal(sfield(0, "methods"), "publickey");
	assert_string_equal(sfield(0, "source"), "/etc/ssh/sshd_config:3");
	assert_int_equal(paths()->u.list.n, 2);
	assert_string_equal(sfield(1, "methods"), "publickey");
	assert_int_equal(tri("auth.two_factor_remote"), 0);
}

/* Password is off globally; one block turns it on, another names it alone. Each block alone is
 * harmless, but a connection matching both (vendor from 10.0.0.0/8) logs in with the password:
 * sshd takes each keyword from the first matching block that sets it. */
#define COMBINATION_GLOBAL                                                                        \
	"UsePAM yes\n"                                                                            \
	"PasswordAuthentication no\n"                                                             \
	"AuthenticationMethods publickey,keyboard-interactive\n"
static void test_match_combination_fails(void **state)
{
	(void)state;
	run(COMBINATION_GLOBAL
	    "Match User vendor\n"          /* 4 */
	    "  PasswordAuthentication yes\n"
	    "Match Address 10.0.0.0/8\n"   /* 6 */
	    "  AuthenticationMethods password\n",
	    PAM_YES, PAM_UNSET);
	assert_int_equal(paths()->u.list.n, 4);
	assert_int_equal(tfield(0), 1);
	assert_int_equal(tfield(1), 1);
	assert_string_equal(sfield(1, "name"), "sshd Match User vendor");
	assert_int_equal(tfield(2), 1);
	assert_string_equal(sfield(2, "summary"), "no usable method: cannot log in");
	assert_string_equal(sfield(3, "name"), "sshd Match User vendor + Match Address 10.0.0.0/8");
	assert_string_equal(sfield(3, "source"), "/etc/ssh/sshd_config:4 + /etc/ssh/sshd_config:6");
	assert_string_equal(sfield(3, "methods"), "password");
	assert_string_equal(sfield(3, "summary"), "password alone: knowledge only");
	assert_int_equal(tfield(3), 0);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
	assert_int_equal(tri("auth.two_factor"), 0);
	assert_why("auth.two_factor_remote", "sshd Match User vendor + Match Address 10.0.0.0/8: "
	                                     "alternative 'password' has one method");
	/* ChallengeResponseAuthentication is the old name of KbdInteractiveAuthentication; the
	 * blocks in the other order. */
	teardown(state);
	setup(state);
	run("UsePAM yes\nKbdInteractiveAuthentication no\nAuthenticationMethods publickey,password\n"
	    "Match Address 10.0.0.0/8\n"
	    "  AuthenticationMethods keyboard-interactive\n" /* alone: cannot log in */
	    "Match User vendor\n"
	    "  ChallengeResponseAuthentication yes\n",        /* alone: publickey,password */
	    PAM_NO, PAM_UNSET);
	assert_int_equal(paths()->u.list.n, 4);
	assert_string_equal(sfield(3, "name"), "sshd Match Address 10.0.0.0/8 + Match User vendor");
	assert_string_equal(sfield(3, "summary"), "keyboard-interactive alone: knowledge only");
	assert_int_equal(tri("auth.two_factor_remote"), 0);
}

/* The first matching block that sets a keyword wins: in this order the combination keeps the
 * strong list; in the other order it is the password alone. */
static void test_match_combination_order(void **state)
{
	(void)state;
	static const char strong[] = "Match User admin\n"
	                             "  AuthenticationMethods publickey,password\n"
	                             "  PasswordAuthentication yes\n";
	static const char weak[] = "Match Address 10.0.0.0/8\n"
	                           "  AuthenticationMethods password\n";
	char cfg[512];
	snprintf(cfg, sizeof cfg, "PasswordAuthentication no\nAuthenticationMethods publickey,password\n"
	         "%s%s", strong, weak);
	run(cfg, PAM_UNSET, PAM_UNSET);
	assert_int_equal(paths()->u.list.n, 3); /* no weaker combination to show */
	assert_int_equal(tfield(1), 1);
	assert_int_equal(tfield(2), 1); /* password is off: cannot log in */
	assert_int_equal(tri("auth.two_factor_remote"), 1);
	assert_why("auth.two_factor_remote", "cannot log in");
	teardown(state);
	setup(state);
	snprintf(cfg, sizeof cfg, "PasswordAuthentication no\nAuthenticationMethods publickey,password\n"
	         "%s%s", weak, strong);
	run(cfg, PAM_UNSET, PAM_UNSET);
	assert_int_equal(paths()->u.list.n, 4);
	assert_string_equal(sfield(3, "name"), "sshd Match Address 10.0.0.0/8 + Match User admin");
	assert_int_equal(tfield(3), 0);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
}

/* A block's lines can surround a nested block (Include inside Match): the nested block's line,
 * read first, wins over the enclosing block's later line for connections matching both. */
static void test_match_combination_reading_order(void **state)
{
	(void)state;
	ks_test_write(root, "etc/ssh/bob.conf",
	              "Match Address 192.0.2.0/24\n"
	              "AuthenticationMethods password\n");
	run("PasswordAuthentication no\n"
	    "AuthenticationMethods publickey,password\n"
	    "Match User bob\n"
	    "Include bob.conf\n"
	    "AuthenticationMethods publickey,password\n"
	    "PasswordAuthentication yes\n",
	    PAM_UNSET, PAM_UNSET);
	assert_int_equal(paths()->u.list.n, 4);
	assert_int_equal(tfield(1), 1);
	assert_int_equal(tfield(2), 1); /* password off: cannot log in */
	assert_string_equal(sfield(3, "name"),
	                    "sshd Match User bob + Match User bob Address 192.0.2.0/24");
	assert_string_equal(sfield(3, "methods"), "password");
	assert_int_equal(tri("auth.two_factor_remote"), 0);
}

/* Blocks that each need "Match User uN" and two factors; N > 10 cannot be combined. */
static void many_blocks(int n, char *buf, size_t size)
{
	int off = snprintf(buf, size, DEBIAN_PAM "AuthenticationMethods publickey,password\n");
	for (int i = 0; i < n; i++)
		off += snprintf(buf + off, size - (size_t)off,
		                "Match User u%d\n  AuthenticationMethods %s\n  PubkeyAuthentication yes\n",
		                i, i % 2 ? "password,publickey" : "publickey,password");
}

static void test_match_too_many_blocks(void **state)
{
	(void)state;
	char cfg[4096];
	many_blocks(10, cfg, sizeof cfg);
	run(cfg, PAM_UNSET, PAM_UNSET);
	assert_int_equal(paths()->u.list.n, 11);
	assert_int_equal(tri("auth.two_factor_remote"), 1);
	teardown(state);
	setup(state);
	many_blocks(11, cfg, sizeof cfg);
	run(cfg, PAM_UNSET, PAM_UNSET);
	assert_int_equal(paths()->u.list.n, 12);
	assert_int_equal(tfield(11), 1);
	assert_int_equal(tri("auth.two_factor_remote"), 2); /* never a pass */
	assert_int_equal(tri("auth.two_factor"), 2);
	assert_why("auth.two_factor_remote", "too many Match blocks to check every combination (11)");
	/* A path that fails on its own still decides. */
	teardown(state);
	setup(state);
	size_t len = strlen(cfg);
	snprintf(cfg + len, sizeof cfg - len, "Match Group x\n  AuthenticationMethods password\n");
	run(cfg, PAM_UNSET, PAM_UNSET);
	assert_int_equal(tri("auth.two_factor_remote"), 0);
	assert_why("auth.two_factor_remote", "sshd Match Group x: alternative 'password' has one method");
}

static void test_sshd_absent_console_decides(void **state)
{
	(void)state;
	run(NULL, PAM_UNSET, PAM_YES);
	assert_int_equal(tri("auth.two_factor_console"), 1);
	assert_int_equal(tri("auth.two_factor"), 1);
	assert_why("auth.two_factor", "sshd not installed");
	assert_int_equal(tri("auth.two_factor_remote"), 2);
	assert_int_equal(paths()->u.list.n, 0);
	teardown(state);
	setup(state);
	run(NULL, PAM_UNSET, PAM_NO);
	assert_int_equal(tri("auth.two_factor"), 0);
	teardown(state);
	setup(state);
	run(NULL, PAM_UNSET, PAM_UNSET);
	assert_int_equal(tri("auth.two_factor"), 2);
	assert_why("auth.two_factor_console", "pam.login.mfa was not collected");
}

static void test_config_missing_unknown(void **state)
{
	(void)state;
	ks_test_write(root, "usr/sbin/sshd", "");
	run(NULL, PAM_YES, PAM_YES);
	assert_int_equal(tri("auth.two_factor_remote"), 2);
	assert_int_equal(tri("auth.two_factor"), 2); /* the console does not rescue it */
	assert_why("auth.two_factor", "not found");
	assert_true(ks_test_fact_is_unknown(ctx, "auth.remote_paths"));
}

/* The fixture trees of rule 2-10 with their expected verdicts, derived directly. pam.*.mfa are
 * the PAM collector's; where a fixture needs one, it is set here as that collector must find it. */
static void test_fixtures(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int pam_sshd, pam_login;
	} cases[] = {
		{"pass", PAM_UNSET, PAM_UNSET},
		{"fail", PAM_NO, PAM_UNSET},
		{"unknown", PAM_UNSET, PAM_UNSET},
		{"fail-match", PAM_UNSET, PAM_UNSET},
		{"console-pass", PAM_UNSET, PAM_YES},
		{"fail-match-combination", PAM_YES, PAM_UNSET},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char dir[4096], exp[4200], line[64] = "";
		snprintf(dir, sizeof dir, "%s/2-10/%s", KS_FIXTURES, cases[i].name);
		snprintf(exp, sizeof exp, "%s/expect", dir);
		FILE *f = fopen(exp, "r");
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof line, f));
		fclose(f);
		ctx = ks_test_ctx(dir);
		assert_int_equal(ks_collect_sshd(ctx), 0);
		put_pam("pam.sshd.mfa", cases[i].pam_sshd);
		put_pam("pam.login.mfa", cases[i].pam_login);
		assert_int_equal(ks_collect_mfa(ctx), 0);
		int t = tri("auth.two_factor");
		const char *want = t == 1 ? "verdict=pass\n" : t == 0 ? "verdict=fail\n" : "verdict=unknown\n";
		if (strcmp(line, want) != 0)
			fail_msg("fixture %s: expect says %s but auth.two_factor gives %s", cases[i].name, line,
			         want);
		ks_test_ctx_free(ctx);
		ctx = NULL;
	}
}

static void test_enomem(void **state)
{
	(void)state;
	ks_test_write(root, "usr/sbin/sshd", "");
	ks_test_write(root, "etc/ssh/sshd_config",
	              "UsePAM yes\nKbdInteractiveAuthentication no\n"
	              "AuthenticationMethods publickey,password keyboard-interactive\n"
	              "Match User a\nAuthenticationMethods password,keyboard-interactive\n"
	              "KbdInteractiveAuthentication yes\n");
	/* Each allocation of the derivation fails in turn: KS_ENOMEM, or the same result. */
	int failed = 0;
	for (unsigned long k = 1; k < 600; k++) {
		ks_collect_ctx *c = ks_test_ctx(root);
		assert_int_equal(ks_collect_sshd(c), 0);
		ks_fact_bool(c->facts, "pam.sshd.mfa", true, "/etc/pam.d/sshd", 3);
		ks_arena_fail_after(c->arena, k);
		int rc = ks_collect_mfa(c);
		ks_arena_fail_after(c->arena, 0);
		if (rc == KS_ENOMEM) {
			failed++;
		} else {
			assert_int_equal(rc, 0);
			const ks_fact *f = ks_fact_get(c->facts, "auth.two_factor_remote");
			assert_non_null(f);
			assert_int_equal(f->value.type, KS_VAL_BOOL);
			assert_true(f->value.u.b);
			const ks_fact *p = ks_fact_get(c->facts, "auth.remote_paths");
			assert_int_equal(p->value.type, KS_VAL_LIST);
			assert_int_equal(p->value.u.list.n, 2);
			assert_non_null(ks_fact_get(c->facts, "auth.two_factor"));
		}
		ks_test_ctx_free(c);
	}
	assert_true(failed > 20);
	/* The same with a weak combination of two blocks to list. */
	ks_test_write(root, "etc/ssh/sshd_config",
	              COMBINATION_GLOBAL "Match User vendor\nPasswordAuthentication yes\n"
	              "Match Address 10.0.0.0/8\nAuthenticationMethods password\n");
	failed = 0;
	for (unsigned long k = 1; k < 600; k++) {
		ks_collect_ctx *c = ks_test_ctx(root);
		assert_int_equal(ks_collect_sshd(c), 0);
		ks_fact_bool(c->facts, "pam.sshd.mfa", true, "/etc/pam.d/sshd", 3);
		ks_arena_fail_after(c->arena, k);
		int rc = ks_collect_mfa(c);
		ks_arena_fail_after(c->arena, 0);
		if (rc == KS_ENOMEM) {
			failed++;
		} else {
			assert_int_equal(rc, 0);
			const ks_fact *f = ks_fact_get(c->facts, "auth.two_factor_remote");
			assert_non_null(f);
			assert_int_equal(f->value.type, KS_VAL_BOOL);
			assert_false(f->value.u.b);
			const ks_fact *p = ks_fact_get(c->facts, "auth.remote_paths");
			assert_int_equal(p->value.type, KS_VAL_LIST);
			assert_int_equal(p->value.u.list.n, 4);
		}
		ks_test_ctx_free(c);
	}
	assert_true(failed > 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_any_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publickey_password_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_publickey_only_fails_despite_pam, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kbdint_alone_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_kbdint_with_pam_mfa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_kbdint_without_pam_mfa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pam_unknown_is_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_kind_twice_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostbased_is_not_a_user_factor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_alternative_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kbdint_without_usepam_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_usable_alternative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_block_weakens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_block_enables_method, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_block_strengthens_only_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_all_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_combination_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_combination_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_combination_reading_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_too_many_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sshd_absent_console_decides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_missing_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixtures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enomem, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
