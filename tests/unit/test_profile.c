/* Catalog and profile loading (positioned errors), verdict decisions, parameters. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/data.h"
#include "core/error.h"
#include "profile/profile.h"
#include "profile/registry.h"
#include "verdict/verdict.h"

static const char catalog_yaml[] =
	"catalog: t\n"
	"items:\n"
	"  - {id: \"1-1\", section: 1, title: {ja: \"組織\", en: Org}, targets: []}\n"
	"  - {id: \"2-1\", section: 2, title: T1, targets: [server, terminal], references: [\"A 1\"]}\n"
	"  - {id: \"2-2\", section: 2, title: T2, targets: [network]}\n"
	"  - {id: \"2-3\", section: 2, title: T3, targets: [server]}\n"
	"  - {id: \"2-4\", section: 2, title: T4, targets: [server]}\n";

static ks_catalog *load_catalog(ks_arena *a)
{
	ks_catalog *c;
	char err[256];
	if (ks_catalog_load(a, "t.yaml", catalog_yaml, strlen(catalog_yaml), &c, err, sizeof err) != 0)
		fail_msg("%s", err);
	return c;
}

static void expect_error(const char *yaml, const char *needle)
{
	ks_arena *a = ks_arena_new();
	ks_catalog *c = load_catalog(a);
	ks_profile *p;
	char err[512] = "";
	assert_int_not_equal(ks_profile_load(a, "p.yaml", yaml, strlen(yaml), c, &p, err, sizeof err), 0);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
	ks_arena_free(a);
}

static void test_profile_errors(void **state)
{
	(void)state;
	expect_error("profile: p\ncatalog: t\nrules:\n  - item: \"9-9\"\n", "p.yaml:4:11: no such item");
	expect_error("profile: p\ncatalog: t\nrules:\n  - item: \"2-1\"\n    pass_if: \"a &&\"\n",
	             "p.yaml:5:14: pass_if: column 5: unexpected end");
	expect_error("profile: p\ncatalog: t\nrules:\n  - item: \"2-1\"\n    pass_if: \"a > $x\"\n",
	             "uses $x, which 'params' does not declare");
	expect_error("profile: p\ncatalog: other\nrules: []\n", "different catalog");
	expect_error("profile: p\ncatalog: t\nrules:\n  - {item: \"2-1\"}\n  - {item: \"2-1\"}\n", "p.yaml:5:5: a second rule");
	expect_error("profile: p\ncatalog: t\nrules:\n  - {item: \"2-1\", otherwise: maybe}\n", "expected 'pass' or 'manual'");
	expect_error("profile: p\nrules: []\n", "missing required field 'catalog'");
	expect_error("profile: [p\n", "p.yaml:");
	expect_error("", "empty");
}

static void test_catalog_errors(void **state)
{
	(void)state;
	ks_arena *a = ks_arena_new();
	ks_catalog *c;
	char err[512];
	const char *bad = "catalog: t\nitems:\n  - {id: \"1\", section: 1, title: x, targets: [moon]}\n";
	assert_int_not_equal(ks_catalog_load(a, "c.yaml", bad, strlen(bad), &c, err, sizeof err), 0);
	assert_non_null(strstr(err, "c.yaml:3:"));
	assert_non_null(strstr(err, "unknown target"));
	const char *dup = "catalog: t\nitems:\n  - {id: \"1\", section: 1, title: x}\n  - {id: \"1\", section: 1, title: y}\n";
	assert_int_not_equal(ks_catalog_load(a, "c.yaml", dup, strlen(dup), &c, err, sizeof err), 0);
	assert_non_null(strstr(err, "duplicate item id"));
	ks_arena_free(a);
}

static void test_decisions(void **state)
{
	(void)state;
	ks_arena *a = ks_arena_new();
	ks_catalog *c = load_catalog(a);
	const char *yaml =
		"profile: p\ncatalog: t\nparams: {limit: {default: 5}}\nrules:\n"
		"  - {item: \"2-1\", pass_if: \"x.n <= $limit\", evidence: [x.n]}\n"
		"  - {item: \"2-3\", fail_if: \"x.n > 100\", otherwise: manual}\n"
		"  - {item: \"2-4\", fail_if: \"y.unknown > 1\"}\n";
	ks_profile *p;
	char err[512];
	if (ks_profile_load(a, "p.yaml", yaml, strlen(yaml), c, &p, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(p->nrules, 5); /* one per catalog item, in catalog order */
	assert_true(p->rules[0].implicit);
	ks_facts *f = ks_facts_new(a);
	ks_fact_int(f, "x.n", 4, "/etc/x.conf", 7);
	ks_fact_unknown(f, "y.unknown", "/etc/y", "permission denied");
	ks_verdicts v;
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_SERVER, &v), 0);
	assert_int_equal(v.items[0].kind, KS_VERDICT_MANUAL);  /* organisational */
	assert_int_equal(v.items[1].kind, KS_VERDICT_PASS);
	assert_string_equal(v.items[1].evidence[0].source, "/etc/x.conf:7");
	assert_int_equal(v.items[2].kind, KS_VERDICT_NA);      /* network item on a server */
	assert_int_equal(v.items[3].kind, KS_VERDICT_MANUAL);  /* fail_if false, otherwise manual */
	assert_int_equal(v.items[4].kind, KS_VERDICT_UNKNOWN); /* unknown never passes */
	assert_string_equal(v.items[4].evidence[0].note, "permission denied");
	/* Parameters: typed overrides, unknown names and wrong types refused. */
	assert_int_equal(ks_profile_set_param(a, p, "limit", "3", err, sizeof err), 0);
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_SERVER, &v), 0);
	assert_int_equal(v.items[1].kind, KS_VERDICT_FAIL);
	assert_int_not_equal(ks_profile_set_param(a, p, "limit", "many", err, sizeof err), 0);
	assert_non_null(strstr(err, "whole number"));
	assert_int_not_equal(ks_profile_set_param(a, p, "nosuch", "1", err, sizeof err), 0);
	/* Role terminal: 2-3 and 2-4 are server-only. */
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_TERMINAL, &v), 0);
	assert_int_equal(v.items[3].kind, KS_VERDICT_NA);
	assert_int_equal(v.items[2].kind, KS_VERDICT_NA);
	ks_arena_free(a);
}

static void test_unknown_if_and_lists(void **state)
{
	(void)state;
	ks_arena *a = ks_arena_new();
	ks_catalog *c = load_catalog(a);
	const char *yaml =
		"profile: p\ncatalog: t\nparams:\n  age: {default: 7}\n  allow: {default: [telnet]}\nrules:\n"
		"  - {item: \"2-1\", fail_if: \"x.pending > 0\", unknown_if: \"x.age > $age\"}\n"
		"  - {item: \"2-3\", fail_if: \"any(x.bad, !contains($allow, it) && $role == \\\"server\\\")\"}\n";
	ks_profile *p;
	char err[512];
	if (ks_profile_load(a, "p.yaml", yaml, strlen(yaml), c, &p, err, sizeof err) != 0)
		fail_msg("%s", err);
	ks_facts *f = ks_facts_new(a);
	ks_fact_int(f, "x.pending", 0, "/a", 1);
	ks_fact_int(f, "x.age", 30, "/b", 2);
	ks_value bad = ks_val_list();
	ks_list_push(a, &bad, ks_val_strz(a, "telnet"));
	ks_list_push(a, &bad, ks_val_strz(a, "vnc"));
	ks_fact_put(f, "x.bad", bad, "/c", 3);
	ks_verdicts v;
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_SERVER, &v), 0);
	/* Nothing pending but the evidence is too old to prove it: unknown, showing the age. */
	assert_int_equal(v.items[1].kind, KS_VERDICT_UNKNOWN);
	assert_string_equal(v.items[1].evidence[0].fact, "x.age");
	assert_true(v.items[1].evidence[0].decisive);
	assert_int_equal(v.items[3].kind, KS_VERDICT_FAIL); /* vnc is not allowed */
	ks_fact_int(f, "x.pending", 2, "/a", 1);
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_SERVER, &v), 0);
	assert_int_equal(v.items[1].kind, KS_VERDICT_FAIL);  /* a failure is shown even with old data */
	ks_fact_int(f, "x.pending", 0, "/a", 1);
	ks_fact_int(f, "x.age", 1, "/b", 2);
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_SERVER, &v), 0);
	assert_int_equal(v.items[1].kind, KS_VERDICT_PASS);
	/* List parameters take comma-separated values; $role follows the scan. */
	assert_int_equal(ks_profile_set_param(a, p, "allow", "telnet, vnc", err, sizeof err), 0);
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_SERVER, &v), 0);
	assert_int_equal(v.items[3].kind, KS_VERDICT_PASS);
	assert_int_equal(ks_profile_set_param(a, p, "allow", "", err, sizeof err), 0);
	assert_int_equal(ks_profile_set_role(a, p, "terminal"), 0);
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_SERVER, &v), 0);
	assert_int_equal(v.items[3].kind, KS_VERDICT_PASS);
	assert_int_not_equal(ks_profile_set_param(a, p, "role", "network", err, sizeof err), 0);
	ks_arena_free(a);
}

static void test_builtin_profiles_load(void **state)
{
	(void)state;
	for (size_t i = 0; ks_profile_builtin(i); i++) {
		ks_arena *a = ks_arena_new();
		ks_profile *p;
		char err[512];
		if (ks_profile_open(a, ks_profile_builtin(i), &p, err, sizeof err) != 0)
			fail_msg("built-in profile %s: %s", ks_profile_builtin(i), err);
		ks_arena_free(a);
	}
	ks_arena *a = ks_arena_new();
	ks_profile *p;
	char err[512];
	assert_int_equal(ks_profile_open(a, "mhlw-r7", &p, err, sizeof err), 0);
	/* The FY2025 checklist has 18 items; every one appears in the profile. */
	assert_int_equal(p->nrules, 18);
	assert_string_equal(ks_profile_rule(p, "2-7")->item->label, "2-⑦");
	assert_non_null(ks_profile_rule(p, "2-7")->pass_if);
	assert_non_null(strstr(ks_profile_rule(p, "2-7")->item->references[0], "8.⑤"));
	assert_int_not_equal(ks_profile_open(a, "no-such-profile", &p, err, sizeof err), 0);
	ks_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_catalog_errors),
		cmocka_unit_test(test_decisions),
		cmocka_unit_test(test_unknown_if_and_lists),
		cmocka_unit_test(test_builtin_profiles_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
