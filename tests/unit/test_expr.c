/* Expression language: parsing errors, Kleene logic, list functions, witnesses. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "profile/expr.h"

struct env {
	ks_arena *a;
	ks_facts *f;
	ks_value params;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	e->a = ks_arena_new();
	e->f = ks_facts_new(e->a);
	e->params = ks_val_record();
	ks_record_set(e->a, &e->params, "max", ks_val_int(60));
	ks_fact_int(e->f, "password.min_length", 12, "/etc/security/pwquality.conf", 11);
	ks_fact_bool(e->f, "ssh.installed", true, NULL, 0);
	ks_fact_str(e->f, "ssh.permit_root_login", "no", "/etc/ssh/sshd_config", 33);
	ks_fact_unknown(e->f, "shadow.thing", "/etc/shadow", "permission denied");
	ks_value list = ks_val_list();
	const char *names[] = {"alice", "bob", "carol"};
	int64_t ages[] = {30, 120, 99999};
	for (int i = 0; i < 3; i++) {
		ks_value r = ks_val_record();
		ks_record_set(e->a, &r, "name", ks_val_strz(e->a, names[i]));
		ks_record_set(e->a, &r, "max_days", ks_val_int(ages[i]));
		ks_record_set(e->a, &r, "interactive", ks_val_bool(i != 2));
		ks_list_push(e->a, &list, r);
	}
	ks_fact_put(e->f, "accounts.list", list, "/etc/passwd", 0);
	ks_value ulist = ks_val_list();
	ks_value r = ks_val_record();
	ks_record_set(e->a, &r, "name", ks_val_strz(e->a, "dave"));
	ks_record_set(e->a, &r, "max_days", ks_val_unknown());
	ks_list_push(e->a, &ulist, r);
	ks_fact_put(e->f, "accounts.partial", ulist, "/etc/passwd", 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	ks_arena_free(e->a);
	free(e);
	return 0;
}

/* Returns 1 true, 0 false, -1 unknown; fails on a rule error. */
static int run(struct env *e, const char *src, ks_eval *ev)
{
	ks_expr *x;
	char err[256];
	int rc = ks_expr_parse(e->a, src, &x, err, sizeof err);
	if (rc != 0)
		fail_msg("parse %s: %s", src, err);
	assert_int_equal(ks_expr_eval(e->a, x, e->f, &e->params, ev), 0);
	if (ev->error)
		fail_msg("eval %s: %s", src, ev->error);
	if (ev->result.type == KS_VAL_UNKNOWN)
		return -1;
	assert_int_equal(ev->result.type, KS_VAL_BOOL);
	return ev->result.u.b;
}

static void test_comparisons(void **state)
{
	struct env *e = *state;
	ks_eval ev;
	assert_int_equal(run(e, "password.min_length >= 12", &ev), 1);
	assert_int_equal(run(e, "password.min_length > 12", &ev), 0);
	assert_int_equal(run(e, "password.min_length + 1 == 13 && -1 < 0", &ev), 1);
	assert_int_equal(run(e, "ssh.permit_root_login == \"no\"", &ev), 1);
	assert_int_equal(run(e, "ssh.permit_root_login != 'no'", &ev), 0);
	assert_int_equal(run(e, "ssh.installed == true && !(1 > 2)", &ev), 1);
	assert_int_equal(run(e, "password.min_length <= $max", &ev), 1);
}

static void test_kleene(void **state)
{
	struct env *e = *state;
	ks_eval ev;
	assert_int_equal(run(e, "shadow.thing == 1", &ev), -1);
	assert_int_equal(ev.nunknowns, 1);
	assert_string_equal(ev.unknowns[0].key, "shadow.thing");
	assert_string_equal(ev.unknowns[0].reason, "permission denied");
	assert_int_equal(run(e, "!(shadow.thing == 1)", &ev), -1);
	assert_int_equal(run(e, "shadow.thing == 1 && false", &ev), 0);
	assert_int_equal(run(e, "false && shadow.thing == 1", &ev), 0);
	assert_int_equal(run(e, "shadow.thing == 1 || true", &ev), 1);
	assert_int_equal(run(e, "shadow.thing == 1 || false", &ev), -1);
	assert_int_equal(run(e, "shadow.thing == 1 && true", &ev), -1);
	/* A fact no collector produced is unknown, not false. */
	assert_int_equal(run(e, "never.collected", &ev), -1);
	assert_string_equal(ev.unknowns[0].reason, "not collected");
	assert_int_equal(run(e, "exists(never.collected)", &ev), 0);
	assert_int_equal(run(e, "exists(password.min_length)", &ev), 1);
	assert_int_equal(run(e, "exists(shadow.thing)", &ev), -1);
}

static void test_lists(void **state)
{
	struct env *e = *state;
	ks_eval ev;
	assert_int_equal(run(e, "count(accounts.list) == 3", &ev), 1);
	assert_int_equal(run(e, "count(accounts.list, it.interactive) == 2", &ev), 1);
	assert_int_equal(run(e, "all(accounts.list, !it.interactive || it.max_days <= $max)", &ev), 0);
	assert_int_equal(ev.nwitnesses, 1);
	const ks_value *name = ks_record_get(ev.witnesses[0].element, "name");
	assert_string_equal(name->u.str.s, "bob");
	assert_string_equal(ev.witnesses[0].list_key, "accounts.list");
	assert_int_equal(run(e, "any(accounts.list, it.max_days > 1000)", &ev), 1);
	assert_int_equal(ev.nwitnesses, 1);
	assert_int_equal(run(e, "any(accounts.list, it.name == \"zed\")", &ev), 0);
	assert_int_equal(run(e, "contains(ssh.permit_root_login, \"o\")", &ev), 1);
	/* An element whose field is unknown makes all() unknown unless another element fails. */
	assert_int_equal(run(e, "all(accounts.partial, it.max_days <= 60)", &ev), -1);
	assert_string_equal(ev.unknowns[0].key, "accounts.partial[dave].max_days");
	assert_int_equal(run(e, "any(accounts.partial, it.max_days > 60)", &ev), -1);
	assert_int_equal(run(e, "count(accounts.partial, it.max_days > 60) == 0", &ev), -1);
}

static void test_decisive(void **state)
{
	struct env *e = *state;
	ks_eval ev;
	/* || true: only the true branch decides; && false: only the false operand. */
	assert_int_equal(run(e, "password.min_length > 20 || ssh.installed", &ev), 1);
	assert_int_equal(ev.ndecisive, 1);
	assert_string_equal(ev.decisive[0], "ssh.installed");
	assert_int_equal(run(e, "ssh.installed && password.min_length > 20", &ev), 0);
	assert_int_equal(ev.ndecisive, 1);
	assert_string_equal(ev.decisive[0], "password.min_length");
	/* A false || and a true && are decided by both sides. */
	assert_int_equal(run(e, "!(password.min_length > 20 || ssh.permit_root_login == \"yes\")", &ev), 1);
	assert_int_equal(ev.ndecisive, 2);
	/* Unknown results name no decisive fact (the unknown ones are listed instead). */
	assert_int_equal(run(e, "shadow.thing == 1 || false", &ev), -1);
	assert_int_equal(ev.ndecisive, 0);
}

static void test_parse_errors(void **state)
{
	struct env *e = *state;
	const char *bad[] = {"", "a &&", "(a", "a b", "nofn(x)", "exists(1)", "\"open", "a == = b",
	                     "any(x)", "a.", "$", "99999999999999999999", "a # b"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ks_expr *x;
		char err[256];
		if (ks_expr_parse(e->a, bad[i], &x, err, sizeof err) == 0)
			fail_msg("'%s' parsed", bad[i]);
		assert_non_null(strstr(err, "column"));
	}
	char deep[400];
	memset(deep, '(', 200);
	strcpy(deep + 200, "1");
	ks_expr *x;
	char err[256];
	assert_int_not_equal(ks_expr_parse(e->a, deep, &x, err, sizeof err), 0);
	assert_non_null(strstr(err, "deeply"));
}

static void test_type_errors_are_unknown(void **state)
{
	struct env *e = *state;
	ks_expr *x;
	char err[256];
	ks_eval ev;
	assert_int_equal(ks_expr_parse(e->a, "password.min_length == \"12\"", &x, err, sizeof err), 0);
	ks_expr_eval(e->a, x, e->f, &e->params, &ev);
	assert_non_null(ev.error);
	assert_int_equal(ev.result.type, KS_VAL_UNKNOWN);
	assert_int_equal(ks_expr_parse(e->a, "$undefined > 1", &x, err, sizeof err), 0);
	ks_expr_eval(e->a, x, e->f, &e->params, &ev);
	assert_non_null(strstr(ev.error, "undefined"));
	assert_int_equal(ks_expr_parse(e->a, "password.min_length || true", &x, err, sizeof err), 0);
	ks_expr_eval(e->a, x, e->f, &e->params, &ev);
	assert_non_null(ev.error);
	assert_int_equal(ev.result.type, KS_VAL_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_comparisons, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kleene, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decisive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type_errors_are_unknown, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
