/* pam collector and stack loader: Debian 12 default stacks, include/substack/@include expansion
 * with file:line and include chains, loops and depth limits, libpam's line syntax ([..] controls
 * and arguments, continuation, comments, '-type'), malformed lines, the "other" fallback, vendor
 * directory lookup, unreadable files, and the second-factor (mfa) flow analysis. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collectors.h"
#include "collect/pam.h"
#include "core/error.h"
#include "core/limits.h"

/* The active lines of Debian 12's /etc/pam.d/common-auth (libpam-runtime), at their real lines. */
static const char debian_common_auth[] =
	"#\n# /etc/pam.d/common-auth - authentication settings common to all services\n#\n"
	"#\n#\n#\n#\n#\n#\n#\n#\n#\n#\n#\n\n"
	"# here are the per-package modules (the \"Primary\" block)\n"
	"auth\t[success=1 default=ignore]\tpam_unix.so nullok\n"
	"# here's the fallback if no module succeeds\n"
	"auth\trequisite\t\t\tpam_deny.so\n"
	"#\n#\n#\n"
	"auth\trequired\t\t\tpam_permit.so\n";

static char *tree(void)
{
	return ks_test_tmpdir();
}

static ks_collect_ctx *collect(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_pam(ctx), 0);
	return ctx;
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

static size_t list_len(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = fact(ctx, key);
	if (f->value.type != KS_VAL_LIST)
		fail_msg("%s is not a list (reason: %s)", key, f->reason ? f->reason : "-");
	return f->value.u.list.n;
}

static const ks_value *rec(ks_collect_ctx *ctx, const char *key, size_t i)
{
	assert_true(i < list_len(ctx, key));
	return &fact(ctx, key)->value.u.list.items[i];
}

static const char *field(const ks_value *r, const char *k)
{
	const ks_value *v = ks_record_get(r, k);
	if (!v)
		fail_msg("record has no field %s", k);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

static bool has_diag(ks_collect_ctx *ctx, const char *path, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if ((!path || (d->path && strcmp(d->path, path) == 0)) && d->line == line &&
		    strstr(d->message, needle))
			return true;
	}
	return false;
}

/* ---- Debian defaults ---------------------------------------------------------------------- */

static void test_debian12_stacks(void **state)
{
	(void)state;
	/* /etc/pam.d of Debian 12 with libpam-pwquality, copied from a real system. */
	ks_collect_ctx *ctx = collect(KS_FIXTURES "/2-7/fail");
	assert_true(ks_test_fact_bool(ctx, "pam.sshd.present"));
	assert_int_equal(list_len(ctx, "pam.sshd.auth"), 4);
	const ks_value *r = rec(ctx, "pam.sshd.auth", 0);
	assert_string_equal(field(r, "name"), "pam_unix");
	assert_string_equal(field(r, "module"), "pam_unix");
	assert_string_equal(field(r, "control"), "[success=1 default=ignore]");
	assert_string_equal(field(r, "source"), "/etc/pam.d/common-auth:17");
	assert_string_equal(field(r, "via"), "sshd > common-auth");
	const ks_value *args = ks_record_get(r, "args");
	assert_non_null(args);
	assert_int_equal(args->type, KS_VAL_LIST);
	assert_int_equal(args->u.list.n, 1);
	assert_string_equal(args->u.list.items[0].u.str.s, "nullok");
	assert_string_equal(field(rec(ctx, "pam.sshd.auth", 1), "source"), "/etc/pam.d/common-auth:19");
	assert_string_equal(field(rec(ctx, "pam.sshd.auth", 2), "name"), "pam_permit");
	assert_string_equal(field(rec(ctx, "pam.sshd.auth", 3), "name"), "pam_cap");

	r = rec(ctx, "pam.sshd.account", 0);
	assert_string_equal(field(r, "name"), "pam_nologin");
	assert_string_equal(field(r, "source"), "/etc/pam.d/sshd:7");
	assert_string_equal(field(r, "via"), "sshd");
	r = rec(ctx, "pam.sshd.account", 1);
	assert_string_equal(field(r, "control"), "[success=1 new_authtok_reqd=done default=ignore]");
	assert_string_equal(field(r, "source"), "/etc/pam.d/common-account:17");

	r = rec(ctx, "pam.passwd.password", 0);
	assert_string_equal(field(r, "name"), "pam_pwquality");
	assert_string_equal(field(r, "control"), "requisite");
	assert_string_equal(field(r, "source"), "/etc/pam.d/common-password:25");
	assert_string_equal(field(r, "via"), "passwd > common-password");
	assert_int_equal(list_len(ctx, "pam.passwd.password"), 4);
	/* passwd has no auth lines: libpam uses "other", which includes common-auth. */
	r = rec(ctx, "pam.passwd.auth", 0);
	assert_string_equal(field(r, "via"), "other > common-auth");
	assert_string_equal(fact(ctx, "pam.passwd.auth")->source.path, "/etc/pam.d/other");

	assert_false(ks_test_fact_bool(ctx, "pam.sshd.mfa"));
	assert_string_equal(ks_test_fact_str(ctx, "pam.sshd.mfa_module"), "");
	assert_non_null(strstr(fact(ctx, "pam.sshd.mfa")->source.probe, "no second-factor module"));
	assert_false(ks_test_fact_bool(ctx, "pam.login.mfa"));
	/* No /etc/pam.d/su and sudo in the fixture: present=false and nothing else. */
	assert_false(ks_test_fact_bool(ctx, "pam.su.present"));
	assert_false(ks_test_fact_bool(ctx, "pam.sudo.present"));
	assert_null(ks_fact_get(ctx->facts, "pam.su.auth"));
	assert_null(ks_fact_get(ctx->facts, "pam.sudo.mfa"));
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	finish(ctx, NULL);
}

/* ---- includes ------------------------------------------------------------------------------ */

static void test_include_substack_expansion(void **state)
{
	(void)state;
	char *root = tree();
	ks_test_write(root, "etc/pam.d/svc", "# service\nauth  substack  sub1\nauth  required  pam_env.so\n");
	ks_test_write(root, "etc/pam.d/sub1", "auth include sub2\naccount required pam_nologin.so\n"
	                                      "auth [success=done default=die] pam_unix.so\n");
	ks_test_write(root, "etc/pam.d/sub2", "\n\nauth required pam_faildelay.so delay=1\n");
	ks_test_write(root, "etc/pam.d/other", "account required pam_deny.so\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_pam_loader *l = ks_pam_loader_new(ctx, false);
	ks_pam_stack *s;
	assert_int_equal(ks_pam_load(l, "svc", &s), 0);
	assert_null(s->error);
	assert_string_equal(s->file, "/etc/pam.d/svc");
	ks_pam_chain c;
	assert_int_equal(ks_pam_chain_get(ctx, s, KS_PAM_AUTH, &c), 0);
	assert_false(c.from_other);
	assert_null(c.incomplete);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.e[0]->kind, KS_PAM_E_SUBSTACK);
	assert_int_equal(c.e[0]->level, 0);
	assert_int_equal(c.e[0]->line, 2);
	assert_string_equal(c.e[1]->module, "pam_faildelay");
	assert_string_equal(c.e[1]->file, "/etc/pam.d/sub2");
	assert_int_equal(c.e[1]->line, 3);
	assert_int_equal(c.e[1]->level, 1);
	assert_string_equal(c.e[1]->via, "svc > sub1 > sub2");
	assert_string_equal(c.e[1]->args[0], "delay=1");
	assert_string_equal(c.e[2]->module, "pam_unix");
	assert_int_equal(c.e[2]->line, 3);
	assert_int_equal(c.e[2]->level, 1);
	assert_int_equal(c.e[2]->actions[KS_PAM_R_SUCCESS], KS_PAM_ACT_DONE);
	assert_int_equal(c.e[2]->actions[KS_PAM_R_AUTH_ERR], KS_PAM_ACT_DIE);
	assert_string_equal(c.e[3]->module, "pam_env");
	assert_int_equal(c.e[3]->level, 0);
	assert_string_equal(c.e[3]->via, "svc");
	/* "auth include" reads only auth lines: sub1's account line is not svc's. */
	assert_int_equal(ks_pam_chain_get(ctx, s, KS_PAM_ACCOUNT, &c), 0);
	assert_true(c.from_other);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.e[0]->module, "pam_deny");
	finish(ctx, root);
}

static void test_include_loop_terminates(void **state)
{
	(void)state;
	char *root = tree();
	ks_test_write(root, "etc/pam.d/sshd", "@include a\n");
	ks_test_write(root, "etc/pam.d/a", "auth required pam_env.so\n@include b\n");
	ks_test_write(root, "etc/pam.d/b", "\nauth include a\n");
	ks_collect_ctx *ctx = collect(root);
	assert_true(ks_test_fact_bool(ctx, "pam.sshd.present"));
	assert_true(ks_test_fact_is_unknown(ctx, "pam.sshd.auth"));
	const char *why = fact(ctx, "pam.sshd.auth")->reason;
	assert_non_null(strstr(why, "/etc/pam.d/b:2"));
	assert_non_null(strstr(why, "include loop /etc/pam.d/a > /etc/pam.d/b > /etc/pam.d/a"));
	assert_true(has_diag(ctx, "/etc/pam.d/b", 2, "include loop"));
	assert_true(ks_test_fact_is_unknown(ctx, "pam.sshd.mfa"));
	/* Account lines of a/b are fine: b's loop only concerns auth. */
	assert_int_equal(list_len(ctx, "pam.sshd.account"), 0);
	finish(ctx, root);

	/* A file including itself. */
	root = tree();
	ks_test_write(root, "etc/pam.d/login", "auth required pam_unix.so\n@include login\n");
	ctx = collect(root);
	assert_true(ks_test_fact_is_unknown(ctx, "pam.login.session"));
	assert_true(has_diag(ctx, "/etc/pam.d/login", 2, "include loop"));
	finish(ctx, root);
}

static void test_include_depth_limit(void **state)
{
	(void)state;
	char *root = tree();
	char name[64], body[128];
	ks_test_write(root, "etc/pam.d/su", "auth include f0\n");
	for (int i = 0; i < KS_MAX_INCLUDE_DEPTH + 4; i++) {
		snprintf(name, sizeof name, "etc/pam.d/f%d", i);
		snprintf(body, sizeof body, "auth substack f%d\n", i + 1);
		ks_test_write(root, name, body);
	}
	ks_collect_ctx *ctx = collect(root);
	assert_true(ks_test_fact_is_unknown(ctx, "pam.su.auth"));
	assert_non_null(strstr(fact(ctx, "pam.su.auth")->reason, "nested deeper"));
	bool found = false;
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++)
		found |= strstr(ks_diags_at(ctx->diags, i)->message, "nested deeper") != NULL;
	assert_true(found);
	finish(ctx, root);
}

static void test_missing_include_is_unknown(void **state)
{
	(void)state;
	char *root = tree();
	ks_test_write(root, "etc/pam.d/passwd", "#\n\npassword include common-pw-site\n");
	ks_test_write(root, "etc/pam.d/other", "auth required pam_deny.so\n");
	ks_collect_ctx *ctx = collect(root);
	assert_true(ks_test_fact_is_unknown(ctx, "pam.passwd.password"));
	assert_non_null(strstr(fact(ctx, "pam.passwd.password")->reason,
	                       "/etc/pam.d/passwd:3: included file 'common-pw-site' not found"));
	assert_true(has_diag(ctx, "/etc/pam.d/passwd", 3, "not found"));
	/* Only the password type is affected; auth comes from other. */
	assert_int_equal(list_len(ctx, "pam.passwd.auth"), 1);
	finish(ctx, root);
}

static void test_vendor_dir_lookup(void **state)
{
	(void)state;
	char *root = tree();
	ks_test_write(root, "usr/lib/pam.d/sshd", "@include common-auth\n");
	ks_test_write(root, "usr/lib/pam.d/common-auth", debian_common_auth);
	ks_test_write(root, "etc/pam.d/common-auth", "auth required pam_securetty.so\n"); /* /etc wins */
	ks_collect_ctx *ctx = collect(root);
	assert_true(ks_test_fact_bool(ctx, "pam.sshd.present"));
	assert_string_equal(fact(ctx, "pam.sshd.present")->source.path, "/usr/lib/pam.d/sshd");
	assert_int_equal(list_len(ctx, "pam.sshd.auth"), 1);
	assert_string_equal(field(rec(ctx, "pam.sshd.auth", 0), "source"), "/etc/pam.d/common-auth:1");
	assert_false(ks_test_fact_bool(ctx, "pam.login.present"));
	finish(ctx, root);
}

static void test_no_pamd_dirs_and_unreadable(void **state)
{
	(void)state;
	char *root = tree();
	ks_test_write(root, "etc/pam.conf", "sshd auth required pam_unix.so\n");
	ks_collect_ctx *ctx = collect(root);
	assert_true(ks_test_fact_is_unknown(ctx, "pam.sshd.present"));
	assert_non_null(strstr(fact(ctx, "pam.sshd.present")->reason, "/etc/pam.conf"));
	assert_true(ks_test_fact_is_unknown(ctx, "pam.sshd.mfa"));
	finish(ctx, root);

	/* The service file exists but cannot be read: everything about it is unknown. */
	root = tree();
	ks_test_write(root, "etc/pam.d/passwd", "password required pam_unix.so\n");
	ctx = ks_test_ctx(root);
	ks_pam_loader *l = ks_pam_loader_new(ctx, false);
	ks_pam_stack *s;
	ks_rootfs_fail_after(ctx->root, 2); /* 1: stat of /etc/pam.d, 2: the service file */
	assert_int_equal(ks_pam_load(l, "passwd", &s), 0);
	assert_non_null(s->error);
	assert_non_null(strstr(s->error, "/etc/pam.d/passwd"));
	finish(ctx, root);
}

/* ---- syntax ------------------------------------------------------------------------------- */

static void test_line_syntax(void **state)
{
	(void)state;
	char *root = tree();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	const char *in =
		"# header\n"                                                              /* 1 */
		"-session   optional   pam_systemd.so\n"                                   /* 2 */
		"auth [success=2 new_authtok_reqd=done \\\n"                               /* 3 */
		"# a comment line inside a continuation is skipped\n"                      /* 4 */
		"      default=ignore] /lib/x86_64-linux-gnu/security/pam_unix.so nullok \\\n" /* 5 */
		"   try_first_pass\n"                                                      /* 6 */
		"password required pam_exec.so [arg one] tail [x\\]y]\n"                   /* 7 */
		"account Required pam_access.so   # trailing comment\n"                    /* 8 */
		"auht required pam_unix.so\n"                                              /* 9 */
		"session\n"                                                                /* 10 */
		"auth [success=foo] pam_x.so\n"                                            /* 11 */
		"password requried pam_y.so\n"                                             /* 12 */
		"session include\n"                                                        /* 13 */
		"AUTH sufficient pam_rootok.so\r\n";                                       /* 14 */
	ks_pam_stack *s;
	assert_int_equal(ks_pam_parse_buffer(ctx, "/etc/pam.d/test", in, strlen(in), &s), 0);
	assert_string_equal(s->service, "test");
	ks_pam_chain c;

	assert_int_equal(ks_pam_chain_get(ctx, s, KS_PAM_SESSION, &c), 0);
	assert_int_equal(c.n, 3);
	assert_true(c.e[0]->silent);
	assert_string_equal(c.e[0]->module, "pam_systemd");
	assert_int_equal(c.e[0]->control_kind, KS_PAM_CTL_OPTIONAL);
	assert_int_equal(c.e[1]->kind, KS_PAM_E_MUST_FAIL); /* line 10: no control */
	assert_int_equal(c.e[1]->line, 10);
	assert_int_equal(c.e[2]->kind, KS_PAM_E_MUST_FAIL); /* line 13: include without a name */
	assert_int_equal(c.e[2]->line, 13);

	assert_int_equal(ks_pam_chain_get(ctx, s, KS_PAM_AUTH, &c), 0);
	assert_int_equal(c.n, 4);
	const ks_pam_entry *e = c.e[0];
	assert_int_equal(e->line, 3);
	assert_string_equal(e->control, "[success=2 new_authtok_reqd=done  default=ignore]");
	assert_int_equal(e->control_kind, KS_PAM_CTL_BRACKET);
	assert_int_equal(e->actions[KS_PAM_R_SUCCESS], 2);
	assert_int_equal(e->actions[KS_PAM_R_NEW_AUTHTOK_REQD], KS_PAM_ACT_DONE);
	assert_int_equal(e->actions[KS_PAM_R_AUTH_ERR], KS_PAM_ACT_IGNORE);
	assert_string_equal(e->module, "pam_unix");
	assert_string_equal(e->module_path, "/lib/x86_64-linux-gnu/security/pam_unix.so");
	assert_int_equal(e->nargs, 2);
	assert_string_equal(e->args[0], "nullok");
	assert_string_equal(e->args[1], "try_first_pass");
	assert_int_equal(c.e[1]->kind, KS_PAM_E_MUST_FAIL); /* line 9: illegal type, installed for auth */
	assert_int_equal(c.e[1]->line, 9);
	assert_string_equal(c.e[1]->error, "illegal module type");
	assert_int_equal(c.e[2]->line, 11);
	assert_int_equal(c.e[2]->control_kind, KS_PAM_CTL_INVALID);
	assert_int_equal(c.e[2]->actions[KS_PAM_R_SUCCESS], KS_PAM_ACT_BAD);
	assert_int_equal(c.e[3]->line, 14); /* type is case-insensitive; CRLF tolerated */
	assert_string_equal(c.e[3]->module, "pam_rootok");

	assert_int_equal(ks_pam_chain_get(ctx, s, KS_PAM_PASSWORD, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.e[0]->nargs, 3);
	assert_string_equal(c.e[0]->args[0], "arg one");
	assert_string_equal(c.e[0]->args[1], "tail");
	assert_string_equal(c.e[0]->args[2], "x]y");
	assert_int_equal(c.e[1]->control_kind, KS_PAM_CTL_INVALID); /* "requried" */
	assert_int_equal(c.e[1]->actions[KS_PAM_R_SUCCESS], KS_PAM_ACT_BAD);

	assert_int_equal(ks_pam_chain_get(ctx, s, KS_PAM_ACCOUNT, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.e[0]->control_kind, KS_PAM_CTL_REQUIRED);
	assert_int_equal(c.e[0]->nargs, 0);

	assert_true(has_diag(ctx, "/etc/pam.d/test", 9, "expected a module type"));
	assert_true(has_diag(ctx, "/etc/pam.d/test", 10, "expected a control"));
	assert_true(has_diag(ctx, "/etc/pam.d/test", 11, "control [success=foo]"));
	assert_true(has_diag(ctx, "/etc/pam.d/test", 12, "unknown control 'requried'"));
	assert_true(has_diag(ctx, "/etc/pam.d/test", 13, "without a file name"));
	assert_int_equal(ks_diags_count(ctx->diags), 5);
	finish(ctx, root);
}

static void test_control_parsing(void **state)
{
	(void)state;
	char *root = tree();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	const char *in = "auth [default=ignore success=ok] pam_a.so\n"
	                 "auth [ success = 3  user_unknown=reset] pam_b.so\n"
	                 "auth [success=0] pam_c.so\n"
	                 "auth [success=ok default=die] pam_d.so\n"
	                 "auth [success=ok auth_err=done]\n";
	ks_pam_stack *s;
	assert_int_equal(ks_pam_parse_buffer(ctx, "/etc/pam.d/x", in, strlen(in), &s), 0);
	ks_pam_chain c;
	assert_int_equal(ks_pam_chain_get(ctx, s, KS_PAM_AUTH, &c), 0);
	assert_int_equal(c.n, 5);
	assert_int_equal(c.e[0]->actions[KS_PAM_R_SUCCESS], KS_PAM_ACT_OK);
	assert_int_equal(c.e[0]->actions[KS_PAM_R_AUTH_ERR], KS_PAM_ACT_IGNORE);
	assert_int_equal(c.e[1]->actions[KS_PAM_R_SUCCESS], 3);
	assert_int_equal(c.e[1]->actions[10], KS_PAM_ACT_RESET);  /* user_unknown */
	assert_int_equal(c.e[1]->actions[KS_PAM_R_AUTH_ERR], KS_PAM_ACT_BAD); /* unset -> bad */
	assert_int_equal(c.e[2]->control_kind, KS_PAM_CTL_INVALID); /* a jump of 0 is refused */
	assert_int_equal(c.e[3]->actions[KS_PAM_R_IGNORE], KS_PAM_ACT_DIE);
	assert_int_equal(c.e[4]->kind, KS_PAM_E_MUST_FAIL); /* no module */
	assert_true(has_diag(ctx, NULL, 3, "non-zero"));
	assert_true(has_diag(ctx, NULL, 5, "expected a module"));
	finish(ctx, root);
}

static void test_file_ends_in_continuation(void **state)
{
	(void)state;
	char *root = tree();
	ks_test_write(root, "etc/pam.d/sshd", "auth required pam_unix.so\naccount required \\\n");
	ks_collect_ctx *ctx = collect(root);
	assert_true(ks_test_fact_is_unknown(ctx, "pam.sshd.auth"));
	assert_true(has_diag(ctx, "/etc/pam.d/sshd", 2, "continued line"));
	finish(ctx, root);
}

static void test_diag_reported_once(void **state)
{
	(void)state;
	char *root = tree();
	/* common-auth is read for sshd, login and other; its bad line is reported once. */
	ks_test_write(root, "etc/pam.d/common-auth", "auth [success=x] pam_unix.so\n@include gone\n");
	ks_test_write(root, "etc/pam.d/sshd", "@include common-auth\n");
	ks_test_write(root, "etc/pam.d/login", "@include common-auth\n");
	ks_test_write(root, "etc/pam.d/other", "@include common-auth\n");
	ks_collect_ctx *ctx = collect(root);
	assert_int_equal(ks_diags_count(ctx->diags), 2);
	assert_true(has_diag(ctx, "/etc/pam.d/common-auth", 1, "control [success=x]"));
	assert_true(has_diag(ctx, "/etc/pam.d/common-auth", 2, "'gone' not found"));
	finish(ctx, root);
}

/* ---- mfa ---------------------------------------------------------------------------------- */

static ks_collect_ctx *sshd_with(const char *sshd, char **root)
{
	*root = tree();
	ks_test_write(*root, "etc/pam.d/common-auth", debian_common_auth);
	ks_test_write(*root, "etc/pam.d/sshd", sshd);
	return collect(*root);
}

static void expect_mfa(const char *sshd, bool want, int line, const char *probe_part)
{
	char *root;
	ks_collect_ctx *ctx = sshd_with(sshd, &root);
	const ks_fact *f = fact(ctx, "pam.sshd.mfa");
	if (f->value.type != KS_VAL_BOOL)
		fail_msg("mfa unknown: %s", f->reason);
	if (f->value.u.b != want)
		fail_msg("mfa %d for:\n%s\n(%s)", f->value.u.b, sshd, f->source.probe ? f->source.probe : "");
	const ks_fact *m = fact(ctx, "pam.sshd.mfa_module");
	if (want) {
		assert_string_equal(f->source.path, "/etc/pam.d/sshd");
		assert_int_equal(f->source.line, line);
		assert_int_equal(m->source.line, line);
		assert_true(strncmp(m->value.u.str.s, "pam_", 4) == 0);
	} else {
		assert_string_equal(m->value.u.str.s, "");
		assert_non_null(f->source.probe);
		if (probe_part && !strstr(f->source.probe, probe_part))
			fail_msg("probe '%s' lacks '%s'", f->source.probe, probe_part);
	}
	finish(ctx, root);
}

static void test_mfa_required_after_unix(void **state)
{
	(void)state;
	expect_mfa("@include common-auth\nauth required pam_google_authenticator.so\n", true, 2, NULL);
	expect_mfa("auth requisite pam_google_authenticator.so\n@include common-auth\n", true, 1, NULL);
	/* Explicit [..] whose failures are bad/die. */
	expect_mfa("@include common-auth\n\nauth [success=ok default=die] pam_google_authenticator.so\n", true,
	           3, NULL);
	/* A second factor on its own (password login disabled in sshd). */
	expect_mfa("auth required pam_u2f.so cue\n", true, 1, NULL);
	/* A bypassable factor followed by a mandatory one: the mandatory one is named. */
	expect_mfa("@include common-auth\nauth required pam_google_authenticator.so nullok\n"
	           "auth required pam_u2f.so\n",
	           true, 3, NULL);
	/* Either of two factors: every successful path has one; the first is named. */
	expect_mfa("auth [success=2 default=ignore] pam_u2f.so\n"
	           "auth [success=1 default=bad] pam_google_authenticator.so\n"
	           "auth requisite pam_deny.so\nauth required pam_permit.so\n",
	           true, 1, NULL);
}

static void test_mfa_bypassable(void **state)
{
	(void)state;
	/* An earlier sufficient module completes authentication alone. */
	expect_mfa("auth sufficient pam_unix.so\nauth required pam_google_authenticator.so\n", false, 0,
	           "can succeed without pam_google_authenticator (/etc/pam.d/sshd:2)");
	expect_mfa("auth [success=done default=ignore] pam_unix.so\nauth required pam_oath.so\n", false, 0,
	           NULL);
	/* A jump over the second factor. */
	expect_mfa("auth [success=1 default=ignore] pam_unix.so\nauth required pam_google_authenticator.so\n"
	           "auth required pam_permit.so\n",
	           false, 0, NULL);
	/* Its failure is ignored. */
	expect_mfa("@include common-auth\nauth optional pam_google_authenticator.so\n", false, 0, NULL);
	expect_mfa("@include common-auth\nauth [success=ok default=ignore] pam_duo.so\n", false, 0, NULL);
	/* nullok / nouserok let users without a token through. */
	expect_mfa("@include common-auth\nauth required pam_google_authenticator.so nullok\n", false, 0,
	           "option nullok");
	expect_mfa("@include common-auth\nauth required pam_u2f.so nouserok\n", false, 0, "option nouserok");
	/* Not present at all. */
	expect_mfa("@include common-auth\n", false, 0, "no second-factor module");
}

static void test_mfa_substack_scope(void **state)
{
	(void)state;
	char *root = tree();
	/* "sufficient" inside a substack only ends the substack: the factor after it still runs. */
	ks_test_write(root, "etc/pam.d/first", "auth sufficient pam_unix.so\nauth required pam_deny.so\n");
	ks_test_write(root, "etc/pam.d/sshd", "auth substack first\nauth required pam_yubico.so id=1\n");
	ks_collect_ctx *ctx = collect(root);
	assert_true(ks_test_fact_bool(ctx, "pam.sshd.mfa"));
	assert_string_equal(ks_test_fact_str(ctx, "pam.sshd.mfa_module"), "pam_yubico");
	assert_int_equal(fact(ctx, "pam.sshd.mfa")->source.line, 2);
	finish(ctx, root);

	/* The same lines included (not a substack): sufficient ends the whole stack. */
	root = tree();
	ks_test_write(root, "etc/pam.d/first", "auth sufficient pam_unix.so\nauth required pam_deny.so\n");
	ks_test_write(root, "etc/pam.d/sshd", "auth include first\nauth required pam_yubico.so id=1\n");
	ctx = collect(root);
	assert_false(ks_test_fact_bool(ctx, "pam.sshd.mfa"));
	finish(ctx, root);

	/* The factor inside a substack after a sufficient module there: skipped by "done". */
	root = tree();
	ks_test_write(root, "etc/pam.d/mfa", "auth sufficient pam_unix.so\nauth required pam_pkcs11.so\n");
	ks_test_write(root, "etc/pam.d/sshd", "auth substack mfa\n");
	ctx = collect(root);
	assert_false(ks_test_fact_bool(ctx, "pam.sshd.mfa"));
	finish(ctx, root);
}

static void test_mfa_from_other_and_never_succeeds(void **state)
{
	(void)state;
	char *root = tree();
	ks_test_write(root, "etc/pam.d/sshd", "account required pam_nologin.so\n");
	ks_test_write(root, "etc/pam.d/other", "auth required pam_unix.so\nauth required pam_p11.so\n");
	ks_collect_ctx *ctx = collect(root);
	assert_true(ks_test_fact_bool(ctx, "pam.sshd.mfa"));
	assert_string_equal(fact(ctx, "pam.sshd.mfa")->source.path, "/etc/pam.d/other");
	finish(ctx, root);

	root = tree();
	ks_test_write(root, "etc/pam.d/sshd", "auth required pam_deny.so\nauth required pam_google_authenticator.so\n");
	ctx = collect(root);
	assert_false(ks_test_fact_bool(ctx, "pam.sshd.mfa"));
	assert_non_null(strstr(fact(ctx, "pam.sshd.mfa")->source.probe, "can never succeed"));
	finish(ctx, root);
}

static ks_pam_target first_target(const ks_pam_entry *e, void *arg)
{
	(void)arg;
	return ks_pam_is(e, "pam_t") ? KS_PAM_TARGET : KS_PAM_NOT_TARGET;
}

static void test_flow_edge_cases(void **state)
{
	(void)state;
	char *root = tree();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	struct {
		const char *stack;
		bool can_succeed, without;
	} cases[] = {
		/* A jump past the end is "bad jump in stack": never success. */
		{"auth [success=5 default=die] pam_t.so\nauth required pam_permit.so\n", false, false},
		/* reset forgets the failure of the module before. */
		{"auth required pam_x.so\nauth [success=ok default=reset] pam_t.so\nauth required pam_permit.so\n",
		 true, true},
		/* [success=bad]: a successful module still fails the stack. */
		{"auth [success=bad default=die] pam_t.so\nauth required pam_permit.so\n", false, false},
		/* required failure is not undone by a later sufficient. */
		{"auth required pam_t.so\nauth sufficient pam_permit.so\n", true, false},
		/* empty chain: libpam fails. */
		{"account required pam_permit.so\n", false, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ks_pam_stack *s;
		assert_int_equal(ks_pam_parse_buffer(ctx, "/etc/pam.d/f", cases[i].stack, strlen(cases[i].stack), &s), 0);
		ks_pam_chain c;
		assert_int_equal(ks_pam_chain_get(ctx, s, KS_PAM_AUTH, &c), 0);
		ks_pam_flow fl;
		assert_int_equal(ks_pam_flow_eval(&c, first_target, NULL, &fl), 0);
		if (fl.can_succeed != cases[i].can_succeed || fl.without_target != cases[i].without)
			fail_msg("case %zu: can_succeed %d without %d", i, fl.can_succeed, fl.without_target);
		assert_false(fl.too_complex);
	}
	finish(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian12_stacks),
		cmocka_unit_test(test_include_substack_expansion),
		cmocka_unit_test(test_include_loop_terminates),
		cmocka_unit_test(test_include_depth_limit),
		cmocka_unit_test(test_missing_include_is_unknown),
		cmocka_unit_test(test_vendor_dir_lookup),
		cmocka_unit_test(test_no_pamd_dirs_and_unreadable),
		cmocka_unit_test(test_line_syntax),
		cmocka_unit_test(test_control_parsing),
		cmocka_unit_test(test_file_ends_in_continuation),
		cmocka_unit_test(test_diag_reported_once),
		cmocka_unit_test(test_mfa_required_after_unix),
		cmocka_unit_test(test_mfa_bypassable),
		cmocka_unit_test(test_mfa_substack_scope),
		cmocka_unit_test(test_mfa_from_other_and_never_succeeds),
		cmocka_unit_test(test_flow_edge_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
