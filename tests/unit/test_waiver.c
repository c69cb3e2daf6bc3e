/* Waivers: strict loading (every field, real dates, known items), host globs, expiry. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "profile/registry.h"
#include "verdict/waiver.h"

static const char good[] =
	"waivers:\n"
	"  - item: \"2-9\"\n"
	"    host: \"ws-*\"\n"
	"    justification: \"Radiology viewers need USB DVD import until the PACS upgrade\"\n"
	"    approver: \"CISO Sato\"\n"
	"    expires: 2026-03-31\n"
	"  - item: \"2-7\"\n"
	"    host: \"*\"\n"
	"    justification: \"old policy\"\n"
	"    approver: \"IT\"\n"
	"    expires: 2025-01-31\n";

static void expect_error(const ks_catalog *c, const char *yaml, const char *needle)
{
	ks_arena *a = ks_arena_new();
	ks_waivers w;
	char err[512] = "";
	assert_int_equal(ks_waivers_load(a, "waivers.yaml", yaml, strlen(yaml), &c, 1, &w, err, sizeof err), KS_EPARSE);
	if (!strstr(err, needle))
		fail_msg("'%s' lacks '%s'", err, needle);
	ks_arena_free(a);
}

static void test_load_errors(void **state)
{
	(void)state;
	ks_arena *a = ks_arena_new();
	ks_profile *p;
	char err[512];
	assert_int_equal(ks_profile_open(a, "mhlw-r7", &p, err, sizeof err), 0);
	const ks_catalog *c = p->catalog;
	expect_error(c, "waivers:\n  - {item: \"2-9\", host: \"*\", justification: x, expires: 2026-01-01}\n",
	             "waivers.yaml:2:5: missing required field 'approver'");
	expect_error(c, "waivers:\n  - {item: \"2-9\", host: \"*\", justification: x, approver: y, expires: 2026-02-30}\n",
	             "waivers.yaml:2:70: expected a date YYYY-MM-DD");
	expect_error(c, "waivers:\n  - {item: \"9-9\", host: \"*\", justification: x, approver: y, expires: 2026-01-01}\n",
	             "no such item or control in any catalog");
	expect_error(c, "waivers:\n  - {item: \"2-9\", hosts: \"*\", justification: x, approver: y, expires: 2026-01-01}\n",
	             "unknown field");
	expect_error(c, "waivers:\n  - {item: \"2-9\", host: \"*\", justification: \"\", approver: y, expires: 2026-01-01}\n",
	             "must not be empty");
	expect_error(c, "waiver: []\n", "expected a list under 'waivers'");
	expect_error(c, "waivers: [\n", "waivers.yaml:");
	ks_waivers w;
	assert_int_equal(ks_waivers_load(a, "waivers.yaml", good, strlen(good), &c, 1, &w, err, sizeof err), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.items[0].source, "waivers.yaml:2");
	ks_arena_free(a);
}

static void test_apply(void **state)
{
	(void)state;
	ks_arena *a = ks_arena_new();
	ks_profile *p;
	char err[512];
	assert_int_equal(ks_profile_open(a, "mhlw-r7", &p, err, sizeof err), 0);
	ks_waivers w;
	assert_int_equal(ks_waivers_load(a, "w.yaml", good, strlen(good), &p->catalog, 1, &w, err, sizeof err), 0);
	ks_facts *f = ks_facts_new(a);
	/* 2-9 fails (nothing blocks USB storage); 2-7 fails (no class rule). */
	ks_fact_bool(f, "usb.storage_install_disabled", false, NULL, 0);
	ks_fact_bool(f, "usb.storage_blacklisted", false, NULL, 0);
	ks_fact_bool(f, "usbguard.enabled", false, NULL, 0);
	ks_fact_int(f, "password.min_classes", 0, "/etc/security/pwquality.conf", 1);
	ks_verdicts v;
	time_t now = 1763769600; /* 2025-11-22 */
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_SERVER, &v), 0);
	const ks_verdict *v9 = NULL, *v7 = NULL;
	for (size_t i = 0; i < v.n; i++) {
		if (strcmp(v.items[i].item->id, "2-9") == 0)
			v9 = &v.items[i];
		if (strcmp(v.items[i].item->id, "2-7") == 0)
			v7 = &v.items[i];
	}
	assert_int_equal(v9->kind, KS_VERDICT_FAIL);
	/* Host outside the glob: nothing applies. */
	ks_waivers_apply(&w, "srv-db1", now, &v);
	assert_int_equal(v9->kind, KS_VERDICT_FAIL);
	assert_null(v9->waiver);
	/* Matching host, not yet expired: waived, the original verdict kept. */
	ks_waivers_apply(&w, "ws-12", now, &v);
	assert_int_equal(v9->kind, KS_VERDICT_WAIVED);
	assert_int_equal(v9->unwaived, KS_VERDICT_FAIL);
	assert_string_equal(v9->waiver->approver, "CISO Sato");
	/* The 2-7 waiver expired in January: the failure stands and the report can say why. */
	assert_int_equal(v7->kind, KS_VERDICT_FAIL);
	assert_true(v7->waiver_expired);
	/* The last day of a waiver still counts (until 23:59:59 UTC). */
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_SERVER, &v), 0);
	ks_waivers_apply(&w, "ws-1", 1775001599, &v); /* 2026-03-31T23:59:59Z */
	for (size_t i = 0; i < v.n; i++)
		if (strcmp(v.items[i].item->id, "2-9") == 0)
			assert_int_equal(v.items[i].kind, KS_VERDICT_WAIVED);
	assert_int_equal(ks_verdict_decide_all(a, p, f, KS_TARGET_SERVER, &v), 0);
	ks_waivers_apply(&w, "ws-1", 1775001600, &v);
	for (size_t i = 0; i < v.n; i++)
		if (strcmp(v.items[i].item->id, "2-9") == 0) {
			assert_int_equal(v.items[i].kind, KS_VERDICT_FAIL);
			assert_true(v.items[i].waiver_expired);
		}
	ks_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_apply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
