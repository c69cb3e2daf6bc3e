/* The checklist answers file: a full file reads into the model; every kind of mistake is reported
 * at its line and column with what was expected, and one run reports all of them. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/data.h"
#include "checklist/answers.h"
#include "core/error.h"
#include "core/limits.h"

static ks_arena *cat_arena;
static ks_catalog *cat;

static int setup(void **state)
{
	(void)state;
	size_t len;
	const char *data = ks_data_find("catalog/mhlw-r7.yaml", &len);
	char err[512];
	cat_arena = ks_arena_new();
	if (!data || !cat_arena || ks_catalog_load(cat_arena, "catalog/mhlw-r7.yaml", data, len, &cat, err, sizeof err))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ks_arena_free(cat_arena);
	return 0;
}

struct run {
	ks_arena *a;
	ks_diags *d;
	ks_answers *ans;
	int rc;
};

static struct run load_n(const char *yaml, size_t len, int form)
{
	struct run r = {.a = ks_arena_new()};
	assert_non_null(r.a);
	r.d = ks_diags_new(r.a);
	r.rc = ks_answers_load(r.a, "answers.yaml", yaml, len, cat, form, &r.ans, r.d);
	assert_non_null(r.ans);
	return r;
}

static struct run load(const char *yaml, int form)
{
	return load_n(yaml, strlen(yaml), form);
}

static size_t count(const struct run *r, ks_diag_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < ks_diags_count(r->d); i++)
		n += ks_diags_at(r->d, i)->severity == sev;
	return n;
}

static void dump(const struct run *r)
{
	for (size_t i = 0; i < ks_diags_count(r->d); i++) {
		const ks_diag *g = ks_diags_at(r->d, i);
		print_message("  %s:%d:%d: %s: %s\n", g->path, g->line, g->column,
		              g->severity == KS_DIAG_ERROR ? "error" : "warning", g->message);
	}
}

/* True when R holds a diagnostic of SEV at LINE:COL whose message contains NEEDLE. */
static bool has(const struct run *r, ks_diag_severity sev, int line, int col, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(r->d); i++) {
		const ks_diag *g = ks_diags_at(r->d, i);
		if (g->severity == sev && g->line == line && g->column == col && strstr(g->message, needle) &&
		    g->path && strcmp(g->path, "answers.yaml") == 0)
			return true;
	}
	return false;
}

static void check_has(const struct run *r, ks_diag_severity sev, int line, int col, const char *needle)
{
	if (!has(r, sev, line, col, needle)) {
		dump(r);
		fail_msg("no %s at %d:%d containing '%s'", sev == KS_DIAG_ERROR ? "error" : "warning", line, col,
		         needle);
	}
}

/* Loads YAML for FORM: exactly one error, at LINE:COL, naming NEEDLE. */
static void expect_error_form(const char *yaml, int form, int line, int col, const char *needle)
{
	struct run r = load(yaml, form);
	if (r.rc != KS_EPARSE || count(&r, KS_DIAG_ERROR) != 1) {
		dump(&r);
		fail_msg("rc %d with %zu errors for:\n%s", r.rc, count(&r, KS_DIAG_ERROR), yaml);
	}
	check_has(&r, KS_DIAG_ERROR, line, col, needle);
	ks_arena_free(r.a);
}

static void expect_error(const char *yaml, int line, int col, const char *needle)
{
	expect_error_form(yaml, KS_FORM_FACILITY, line, col, needle);
}

/* Loads without error; exactly one warning, at LINE:COL, naming NEEDLE. */
static void expect_warning(const char *yaml, int line, int col, const char *needle)
{
	struct run r = load(yaml, KS_FORM_FACILITY);
	if (r.rc != KS_OK || count(&r, KS_DIAG_WARNING) != 1 || ks_diags_count(r.d) != 1) {
		dump(&r);
		fail_msg("rc %d for:\n%s", r.rc, yaml);
	}
	check_has(&r, KS_DIAG_WARNING, line, col, needle);
	ks_arena_free(r.a);
}

static void expect_clean(const char *yaml, int form)
{
	struct run r = load(yaml, form);
	if (r.rc != KS_OK || ks_diags_count(r.d) != 0) {
		dump(&r);
		fail_msg("rc %d for:\n%s", r.rc, yaml);
	}
	ks_arena_free(r.a);
}

/* Three valid header lines; items start on line 4. */
#define HEAD "facility: {name: さくら病院, type: 病院}\nfiscal_year: 令和7年度\nconfirmed_by: {name: 山田}\n"
#define VHEAD                                                                                                  \
	"form: vendor\nfacility: {name: さくら病院}\nvendor: {name: あおば, system: 電子カルテ}\n"                 \
	"fiscal_year: 2025\nconfirmed_by: {name: 高橋}\n"

static const char full[] =
	"# comment\n"
	"form: facility\n"
	"facility:\n"
	"  name: \"医療法人 さくら総合病院\"\n"
	"  type: hospital\n"
	"fiscal_year: R7\n"
	"confirmed_by:\n"
	"  name: \"山田 花子\"\n"
	"  title: \"医療情報システム安全管理責任者\"\n"
	"has_medical_information_system: はい\n"
	"max_result_age_days: 45\n"
	"items:\n"
	"  \"1-①\":\n"                                  /* line 13: the label maps to 1-1 */
	"    answer: はい\n"
	"    confirmed: 2025-05-16\n"
	"    confirmed_by: \"佐藤 健一\"\n"
	"    evidence:\n"
	"      - document: \"任命書\"\n"
	"        version: \"2025-04-01 版\"\n"
	"        location: \"総務課 文書庫\"\n"
	"      - {document: \"組織図\", location: \"イントラネット\"}\n"
	"  \"3-3\":\n"                                   /* line 22 */
	"    answer: No\n"
	"    confirmed: 2025-04-01\n"
	"    target: 2026-03-31\n"
	"    note: |\n"
	"      策定中。\n"
	"      \t12月承認予定\n"
	"  \"2-7\":\n"                                   /* measured item: only a note */
	"    note: \"事業者管理の機器を含む\"\n"
	"practices:\n"
	"  - cell: staff-preventive\n"                  /* line 32 */
	"    description: \"全職員研修\"\n"
	"    confirmed: 2025-06-10\n"
	"    evidence: [{document: 受講記録, version: 令和7年度, location: 教育研修室}]\n"
	"  - cell: staff-detective\n"
	"    description: \"報告訓練\"\n";

static void test_full(void **state)
{
	(void)state;
	struct run r = load(full, KS_FORM_FACILITY);
	if (r.rc != KS_OK || ks_diags_count(r.d)) {
		dump(&r);
		fail();
	}
	const ks_answers *x = r.ans;
	assert_string_equal(x->path, "answers.yaml");
	assert_string_equal(x->facility_name, "医療法人 さくら総合病院");
	assert_int_equal(x->facility_type, KS_FACILITY_HOSPITAL);
	assert_null(x->vendor_name);
	assert_null(x->system_name);
	assert_int_equal(x->fiscal_year, 2025);
	assert_string_equal(x->confirmer_name, "山田 花子");
	assert_string_equal(x->confirmer_title, "医療情報システム安全管理責任者");
	assert_true(x->has_system);
	assert_int_equal(x->max_result_age_days, 45);

	assert_int_equal(x->nitems, 3);
	const ks_item_answer *a = ks_answers_find(x, "1-1");
	assert_non_null(a);
	assert_string_equal(a->item, "1-1");
	assert_int_equal(a->answer, KS_ANSWER_YES);
	assert_int_equal(a->confirmed, ks_day_from_ymd(2025, 5, 16));
	assert_int_equal(a->target, KS_DAY_NONE);
	assert_string_equal(a->confirmed_by, "佐藤 健一");
	assert_null(a->note);
	assert_int_equal(a->line, 13);
	assert_int_equal(a->ndocs, 2);
	assert_string_equal(a->docs[0].document, "任命書");
	assert_string_equal(a->docs[0].version, "2025-04-01 版");
	assert_string_equal(a->docs[0].location, "総務課 文書庫");
	assert_string_equal(a->docs[1].document, "組織図");
	assert_null(a->docs[1].version);
	assert_string_equal(a->docs[1].location, "イントラネット");

	a = ks_answers_find(x, "3-3");
	assert_non_null(a);
	assert_int_equal(a->answer, KS_ANSWER_NO);
	assert_int_equal(a->confirmed, ks_day_from_ymd(2025, 4, 1));
	assert_int_equal(a->target, ks_day_from_ymd(2026, 3, 31));
	assert_null(a->confirmed_by);
	assert_string_equal(a->note, "策定中。\n\t12月承認予定\n");
	assert_int_equal(a->ndocs, 0);
	assert_int_equal(a->line, 22);

	a = ks_answers_find(x, "2-7");
	assert_non_null(a);
	assert_int_equal(a->answer, KS_ANSWER_NONE);
	assert_int_equal(a->confirmed, KS_DAY_NONE);
	assert_string_equal(a->note, "事業者管理の機器を含む");

	assert_null(ks_answers_find(x, "2-1"));
	assert_null(ks_answers_find(x, "1-①")); /* lookups use the id */
	assert_null(ks_answers_find(NULL, "1-1"));

	assert_int_equal(x->npractices, 2);
	assert_int_equal(x->practices[0].cell, ks_cell_parse("staff-preventive"));
	assert_string_equal(x->practices[0].description, "全職員研修");
	assert_int_equal(x->practices[0].confirmed, ks_day_from_ymd(2025, 6, 10));
	assert_int_equal(x->practices[0].line, 32);
	assert_int_equal(x->practices[0].ndocs, 1);
	assert_string_equal(x->practices[0].docs[0].document, "受講記録");
	assert_string_equal(x->practices[0].docs[0].version, "令和7年度");
	assert_string_equal(x->practices[0].docs[0].location, "教育研修室");
	assert_int_equal(x->practices[1].cell, KS_CELL_STAFF * 3 + KS_CELL_DETECTIVE);
	assert_int_equal(x->practices[1].confirmed, KS_DAY_NONE);
	assert_int_equal(x->practices[1].ndocs, 0);
	ks_arena_free(r.a);
}

static void test_defaults_and_vendor(void **state)
{
	(void)state;
	struct run r = load(HEAD, KS_FORM_FACILITY);
	assert_int_equal(r.rc, KS_OK);
	assert_true(r.ans->has_system);
	assert_int_equal(r.ans->max_result_age_days, 30);
	assert_int_equal(r.ans->nitems, 0);
	assert_int_equal(r.ans->npractices, 0);
	assert_null(r.ans->confirmer_title);
	ks_arena_free(r.a);

	r = load(VHEAD "has_medical_information_system: なし\nitems: {\"2-⑬\": {answer: yes, confirmed: 2025-10-01}}\n",
	         KS_FORM_VENDOR);
	if (r.rc != KS_OK || ks_diags_count(r.d))
		dump(&r), fail();
	assert_string_equal(r.ans->vendor_name, "あおば");
	assert_string_equal(r.ans->system_name, "電子カルテ");
	assert_int_equal(r.ans->facility_type, 0); /* optional on the vendor form */
	assert_false(r.ans->has_system);
	assert_non_null(ks_answers_find(r.ans, "2-13"));
	ks_arena_free(r.a);

	/* every accepted spelling */
	static const struct {
		const char *type;
		int want;
	} types[] = {{"病院", KS_FACILITY_HOSPITAL}, {"診療所", KS_FACILITY_CLINIC}, {"薬局", KS_FACILITY_PHARMACY},
	             {"clinic", KS_FACILITY_CLINIC}, {"Pharmacy", KS_FACILITY_PHARMACY}};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		char y[256];
		snprintf(y, sizeof y, "facility: {name: x, type: %s}\nfiscal_year: 2025\nconfirmed_by: {name: y}\n",
		         types[i].type);
		r = load(y, KS_FORM_FACILITY);
		assert_int_equal(r.rc, KS_OK);
		assert_int_equal(r.ans->facility_type, types[i].want);
		ks_arena_free(r.a);
	}
	static const char *const bools[] = {"true", "false", "yes", "no", "はい", "いいえ", "あり", "なし", "True"};
	for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
		char y[256];
		snprintf(y, sizeof y, HEAD "has_medical_information_system: %s\n", bools[i]);
		r = load(y, KS_FORM_FACILITY);
		assert_int_equal(r.rc, KS_OK);
		assert_int_equal(r.ans->has_system, i % 2 == 0);
		ks_arena_free(r.a);
	}
	expect_clean(HEAD "max_result_age_days: 1\n", KS_FORM_FACILITY);
	expect_clean(HEAD "max_result_age_days: 3650\n", KS_FORM_FACILITY);
	expect_clean(HEAD "form: facility\n", KS_FORM_FACILITY);
	expect_clean(HEAD "items:\n  \"3-3\": {answer: いいえ, confirmed: 2025-04-01, target: 2025-04-01}\n",
	             KS_FORM_FACILITY);
}

static void test_syntax_and_shapes(void **state)
{
	(void)state;
	expect_error("a: b\n  c: d\n", 2, 4, "YAML syntax error: mapping values are not allowed");
	expect_error("", 1, 1, "YAML syntax error: the document is empty");
	/* a second document would be ignored: refused where it starts */
	expect_error("facility: {name: x}\n---\nitems: {}\n", 2, 1, "a second YAML document starts here");
	expect_error("- a\n- b\n", 1, 1, "expected a mapping at the top level");
	expect_error("plain text\n", 1, 1, "expected a mapping at the top level");
	expect_error("facility: さくら病院\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 1, 11,
	             "facility: expected a mapping with the keys name, type, not a single value");
	expect_error("facility: {name: x, type: 病院}\nfiscal_year: 2025\nconfirmed_by: 山田\n", 3, 15,
	             "confirmed_by: expected a mapping with the keys name, title");
	expect_error(HEAD "items: [\"1-1\"]\n", 4, 8, "items: expected a mapping from item id");
	expect_error(HEAD "practices: {cell: staff-preventive}\n", 4, 12, "practices: expected a list of measures");
	expect_error(HEAD "items:\n  \"1-1\": はい\n", 5, 10,
	             "items.1-1: expected a mapping with the keys answer, confirmed, confirmed_by, target, evidence, note");
	expect_error(HEAD "items:\n  \"1-1\":\n    note: x\n    evidence: 任命書\n", 7, 15,
	             "items.1-1.evidence: expected a list of documents");
	expect_error(HEAD "items:\n  \"1-1\":\n    evidence: [任命書]\n", 6, 16,
	             "items.1-1.evidence[0]: expected a mapping with the keys document, version, location");
	expect_error(HEAD "practices: [staff-preventive]\n", 4, 13, "practices[0]: expected a mapping with the keys cell");
	expect_error("facility: {name: [x], type: 病院}\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 1, 18,
	             "facility.name: expected a single value, not a list");
	expect_error(HEAD "? [a]\n: b\n", 4, 3, "expected a plain key");
}

static void test_unknown_and_duplicate_keys(void **state)
{
	(void)state;
	expect_error(HEAD "fiscal_yaer: 2025\n", 4, 1,
	             "unknown key 'fiscal_yaer' at the top level (accepted keys: form, facility, vendor, fiscal_year, "
	             "confirmed_by, has_medical_information_system, max_result_age_days, items, practices)");
	expect_error("facility:\n  name: x\n  type: 病院\n  kind: y\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 4, 3,
	             "facility: unknown key 'kind' (accepted keys: name, type)");
	expect_error(HEAD "items:\n  \"1-1\":\n    answr: はい\n", 6, 5,
	             "items.1-1: unknown key 'answr' (accepted keys: answer, confirmed, confirmed_by, target, evidence, note)");
	expect_error(HEAD "items:\n  \"1-1\":\n    evidence:\n      - document: x\n        place: y\n", 8, 9,
	             "items.1-1.evidence[0]: unknown key 'place' (accepted keys: document, version, location)");
	expect_error(HEAD "practices:\n  - cell: staff-preventive\n    description: x\n    when: 2025-05-01\n", 7, 5,
	             "practices[0]: unknown key 'when' (accepted keys: cell, description, confirmed, evidence)");
	expect_error(HEAD "confirmed_by: {name: z}\n", 4, 1, "confirmed_by: duplicate key (first given at line 3)");
	expect_error(HEAD "items:\n  \"1-1\":\n    note: a\n    note: b\n", 7, 5,
	             "items.1-1.note: duplicate key (first given at line 6)");
	expect_error(HEAD "items:\n  \"2-7\":\n    note: a\n  \"2-8\":\n    note: b\n  \"2-⑦\":\n    note: c\n", 9, 3,
	             "item 2-7 is given twice (first at line 5)");
	/* a control character in a key is shown as '?', never copied to the terminal */
	expect_error(HEAD "\"x\\e[31m\": 1\n", 4, 1, "unknown key 'x?[31m' at the top level");
}

static void test_missing_fields(void **state)
{
	(void)state;
	expect_error("fiscal_year: 2025\nconfirmed_by: {name: y}\n", 1, 1, "missing required key 'facility'");
	expect_error("facility: {name: x, type: 病院}\nconfirmed_by: {name: y}\n", 1, 1,
	             "missing required key 'fiscal_year'");
	expect_error("facility: {name: x, type: 病院}\nfiscal_year: 2025\n", 1, 1, "missing required key 'confirmed_by'");
	expect_error("facility:\n  type: 病院\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 2, 3,
	             "facility: missing required key 'name'");
	expect_error("facility:\n  name: x\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 2, 3,
	             "facility: missing required key 'type'");
	expect_error("facility: {name: \"\", type: 病院}\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 1, 18,
	             "facility.name: must not be empty");
	expect_error("facility: {name: x, type: 病院}\nfiscal_year: 2025\nconfirmed_by:\n  title: 室長\n", 4, 3,
	             "confirmed_by: missing required key 'name'");
	expect_error_form("facility: {name: x}\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", KS_FORM_VENDOR, 1, 1,
	                  "missing required key 'vendor'");
	expect_error_form("facility: {name: x}\nvendor:\n  name: v\nfiscal_year: 2025\nconfirmed_by: {name: y}\n",
	                  KS_FORM_VENDOR, 3, 3, "vendor: missing required key 'system'");
	expect_error(HEAD "items:\n  \"1-1\":\n    answer: はい\n", 6, 5,
	             "items.1-1: an answer needs the day it was confirmed (確認日)");
	expect_error(HEAD "items:\n  \"1-1\":\n    note: x\n    evidence:\n      - version: v1\n", 8, 9,
	             "items.1-1.evidence[0]: missing required key 'document'");
	expect_error(HEAD "practices:\n  - cell: staff-preventive\n", 5, 5,
	             "practices[0]: missing required key 'description'");
	expect_error(HEAD "practices:\n  - description: 研修\n", 5, 5, "practices[0]: missing required key 'cell'");
}

static void test_items_and_forms(void **state)
{
	(void)state;
	expect_error(HEAD "items:\n  \"9-9\":\n    note: x\n", 5, 3,
	             "items: unknown item '9-9' (the catalog mhlw-r7 has items 1-1 .. 4-1");
	expect_error(HEAD "items:\n  \"2-⑭\":\n    note: x\n", 5, 3, "unknown item '2-⑭'");
	expect_error_form(VHEAD "items:\n  \"3-1\":\n    answer: はい\n    confirmed: 2025-05-01\n", KS_FORM_VENDOR, 7, 3,
	                  "item 3-1 is not on the vendor form (事業者確認用): sections 3 and 4 are answered by the "
	                  "medical institution");
	expect_error_form(VHEAD "items:\n  \"4-①\":\n    note: x\n", KS_FORM_VENDOR, 7, 3,
	                  "item 4-1 is not on the vendor form");
	expect_error(HEAD "vendor: {name: v, system: s}\n", 4, 1,
	             "vendor: only on the vendor form (事業者確認用); this is the facility form");
	expect_error(HEAD "form: vendor\n", 4, 7,
	             "form: this file is for the vendor (事業者確認用) form but the facility (医療機関等確認用) form");
	struct run r = load(VHEAD, KS_FORM_FACILITY);
	assert_int_equal(r.rc, KS_EPARSE);
	assert_int_equal(count(&r, KS_DIAG_ERROR), 3);
	check_has(&r, KS_DIAG_ERROR, 1, 7, "form: this file is for the vendor");
	check_has(&r, KS_DIAG_ERROR, 2, 11, "facility: missing required key 'type'");
	check_has(&r, KS_DIAG_ERROR, 3, 1, "vendor: only on the vendor form");
	ks_arena_free(r.a);
	expect_error(HEAD "form: hospital\n", 4, 7, "form: expected facility or vendor, got 'hospital'");
}

static void test_values(void **state)
{
	(void)state;
	expect_error(HEAD "items:\n  \"1-1\":\n    answer: maybe\n    confirmed: 2025-05-16\n", 6, 13,
	             "items.1-1.answer: expected はい, いいえ, yes or no, got 'maybe'");
	expect_error(HEAD "items:\n  \"1-1\":\n    answer: true\n    confirmed: 2025-05-16\n", 6, 13,
	             "expected はい, いいえ, yes or no");
	expect_error(HEAD "items:\n  \"1-1\":\n    answer: はい\n    confirmed: 2025-5-1\n", 7, 16,
	             "items.1-1.confirmed: expected a date YYYY-MM-DD that exists in the calendar, got '2025-5-1'");
	expect_error(HEAD "items:\n  \"1-1\":\n    answer: はい\n    confirmed: 2026-02-29\n", 7, 16,
	             "got '2026-02-29'");
	expect_error(HEAD "items:\n  \"1-1\":\n    answer: はい\n    confirmed: 2025-03-31\n", 7, 16,
	             "items.1-1.confirmed: 2025-03-31 must fall within 令和7年度 (2025-04-01 to 2026-03-31)");
	expect_error(HEAD "items:\n  \"3-3\":\n    answer: いいえ\n    confirmed: 2025-05-16\n    target: 2026-04-01\n",
	             8, 13, "items.3-3.target: 2026-04-01 must fall within 令和7年度 (2025-04-01 to 2026-03-31)");
	expect_error(HEAD "items:\n  \"3-3\":\n    answer: いいえ\n    confirmed: 2025-05-16\n", 6, 5,
	             "items.3-3: the answer いいえ needs a target date (目標日)");
	expect_error(HEAD "items:\n  \"3-3\":\n    answer: no\n    confirmed: 2025-05-16\n    target: 2025-05-15\n", 8,
	             13, "items.3-3.target: 2025-05-15 is earlier than the confirmation date 2025-05-16");
	expect_error(HEAD "practices:\n  - cell: staff-preventive\n    description: x\n    confirmed: 2026-04-01\n", 7,
	             16, "practices[0].confirmed: 2026-04-01 must fall within 令和7年度");
	expect_error("facility: {name: x, type: クリニック}\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 1, 27,
	             "facility.type: expected 病院, 診療所 or 薬局 (hospital, clinic, pharmacy), got 'クリニック'");
	expect_error("facility: {name: x, type: 病院}\nfiscal_year: 令和7年度末\nconfirmed_by: {name: y}\n", 2, 14,
	             "fiscal_year: expected a fiscal year such as 令和7年度, 令和7, R7 or 2025, got '令和7年度末'");
	static const char *const ages[] = {"0", "3651", "abc", "30.5", "-1", "\"\"", "00000030", "99999999999"};
	for (size_t i = 0; i < sizeof ages / sizeof ages[0]; i++) {
		char y[256];
		snprintf(y, sizeof y, HEAD "max_result_age_days: %s\n", ages[i]);
		expect_error(y, 4, 22, "max_result_age_days: expected a whole number of days from 1 to 3650");
	}
	expect_error(HEAD "has_medical_information_system: maybe\n", 4, 33,
	             "has_medical_information_system: expected true or false");
	expect_error(HEAD "practices:\n  - cell: staff-preventative\n    description: x\n", 5, 11,
	             "practices[0].cell: unknown cell 'staff-preventative' (expected ROW-COLUMN");
	/* an unusable fiscal year does not hide the other problems, and dates are not range-checked */
	struct run r = load("facility: {name: x, type: 病院}\nfiscal_year: 1980\nconfirmed_by: {name: y}\n"
	                    "items: {\"1-1\": {answer: x, confirmed: 1980-05-01}}\n",
	                    KS_FORM_FACILITY);
	assert_int_equal(r.rc, KS_EPARSE);
	assert_int_equal(count(&r, KS_DIAG_ERROR), 2);
	check_has(&r, KS_DIAG_ERROR, 2, 14, "got '1980'");
	check_has(&r, KS_DIAG_ERROR, 4, 25, "got 'x'");
	ks_arena_free(r.a);
}

static void test_strings(void **state)
{
	(void)state;
	expect_error("facility: {name: \"a\\u0001b\", type: 病院}\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 1, 18,
	             "facility.name: contains the control character U+0001");
	expect_error("facility: {name: \"ab\\0cd\", type: 病院}\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 1, 18,
	             "facility.name: contains the control character U+0000");
	expect_error("facility: {name: \"a\\tb\", type: 病院}\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 1, 18,
	             "contains the control character U+0009");
	expect_error("facility: {name: \"a\\u0085b\", type: 病院}\nfiscal_year: 2025\nconfirmed_by: {name: y}\n", 1, 18,
	             "contains the control character U+0085");
	expect_error(HEAD "items:\n  \"1-1\":\n    note: \"a\\rb\"\n", 6, 11,
	             "items.1-1.note: contains the control character U+000D; only tab and line breaks may appear");
	expect_error(HEAD "items:\n  \"1-1\":\n    note: \"a\\0b\"\n", 6, 11, "control character U+0000");
	/* tab and newline are fine in a note */
	expect_clean(HEAD "items:\n  \"1-1\":\n    note: \"a\\tb\\nc\"\n", KS_FORM_FACILITY);

	/* KS_MAX_ANSWER_TEXT bytes are accepted, one more is not */
	size_t n = KS_MAX_ANSWER_TEXT;
	char *y = malloc(n + 256);
	assert_non_null(y);
	for (int extra = 0; extra <= 1; extra++) {
		int o = snprintf(y, 256, HEAD "items:\n  \"1-1\":\n    note: ");
		memset(y + o, 'x', n + (size_t)extra);
		strcpy(y + o + n + (size_t)extra, "\n");
		if (extra)
			expect_error(y, 6, 11, "items.1-1.note: the value is 4097 bytes long; at most 4096 bytes");
		else
			expect_clean(y, KS_FORM_FACILITY);
	}
	free(y);
}

static void test_limits(void **state)
{
	(void)state;
	/* the whole file */
	size_t n = KS_MAX_ANSWERS_BYTES + 1;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, '#', n);
	struct run r = load_n(big, n, KS_FORM_FACILITY);
	assert_int_equal(r.rc, KS_EPARSE);
	assert_int_equal(ks_diags_count(r.d), 1);
	assert_non_null(strstr(ks_diags_at(r.d, 0)->message, "at most 1048576 bytes"));
	ks_arena_free(r.a);
	free(big);

	/* evidence lists are cut at KS_MAX_ANSWER_LIST, with an error */
	size_t cap = 64 * (2 * KS_MAX_ANSWER_LIST + 2) + 8192;
	char *y = malloc(cap);
	assert_non_null(y);
	size_t o = (size_t)snprintf(y, cap, HEAD "items:\n  \"1-1\":\n    evidence:\n");
	for (unsigned i = 0; i < KS_MAX_ANSWER_LIST + 1; i++)
		o += (size_t)snprintf(y + o, cap - o, "      - {document: d%u, location: l}\n", i);
	r = load(y, KS_FORM_FACILITY);
	assert_int_equal(r.rc, KS_EPARSE);
	assert_int_equal(count(&r, KS_DIAG_ERROR), 1);
	check_has(&r, KS_DIAG_ERROR, 7, 7, "items.1-1.evidence: 257 documents; at most 256 are accepted");
	assert_int_equal(ks_answers_find(r.ans, "1-1")->ndocs, KS_MAX_ANSWER_LIST);
	ks_arena_free(r.a);

	/* aliases cannot make the loader copy far more text than the file holds: 256 practices share
	 * one list of 256 documents that all name the same 4000-byte text */
	o = (size_t)snprintf(y, cap, HEAD "practices:\n  - cell: staff-preventive\n    description: x\n"
	                                  "    evidence: &d\n      - {location: l, document: &t \"");
	memset(y + o, 'x', 4000);
	o += 4000;
	o += (size_t)snprintf(y + o, cap - o, "\"}\n");
	for (unsigned i = 1; i < KS_MAX_ANSWER_LIST; i++)
		o += (size_t)snprintf(y + o, cap - o, "      - {document: *t, location: l}\n");
	for (unsigned i = 1; i < KS_MAX_ANSWER_LIST; i++)
		o += (size_t)snprintf(y + o, cap - o, "  - {cell: staff-detective, description: y, evidence: *d}\n");
	r = load(y, KS_FORM_FACILITY);
	assert_int_equal(r.rc, KS_EPARSE);
	assert_int_equal(count(&r, KS_DIAG_ERROR), 1);
	check_has(&r, KS_DIAG_ERROR, 8, 33, "aliases repeat text beyond 2097152 bytes");
	assert_true(ks_arena_used(r.a) < 8u * KS_MAX_ANSWERS_BYTES);
	ks_arena_free(r.a);
	free(y);
}

static void test_warnings(void **state)
{
	(void)state;
	expect_warning(HEAD "items:\n  \"3-3\":\n    answer: はい\n    confirmed: 2025-05-16\n    target: 2025-12-26\n",
	               8, 13, "items.3-3.target: kept, but not printed on the form because the answer is はい");
	expect_warning(HEAD "items:\n  \"1-1\":\n    answer: はい\n    confirmed: 2025-05-16\n    evidence:\n"
	                    "      - document: 任命書\n        version: v1\n",
	               9, 9, "items.1-1.evidence[0]: no location");
	expect_warning(HEAD "practices:\n  - cell: staff-preventive\n    description: x\n    evidence: [{document: d}]\n",
	               7, 16, "practices[0].evidence[0]: no location");
	expect_warning(HEAD "items:\n  \"1-1\":\n    evidence: [{document: d, location: \"\"}]\n", 6, 16,
	               "items.1-1.evidence[0]: no location");
	/* the warned-about values are still kept */
	struct run r = load(HEAD "items:\n  \"3-3\": {answer: はい, confirmed: 2025-05-16, target: 2025-12-26}\n",
	                    KS_FORM_FACILITY);
	assert_int_equal(r.rc, KS_OK);
	assert_int_equal(ks_answers_find(r.ans, "3-3")->target, ks_day_from_ymd(2025, 12, 26));
	ks_arena_free(r.a);
}

/* One run lists every problem, and what could be read is still there. */
static void test_all_errors_reported(void **state)
{
	(void)state;
	static const char bad[] =
		"facility:\n"
		"  name: さくら病院\n"
		"  type: 医院\n"                    /* 3:9 */
		"fiscal_year: 令和7年度\n"
		"confirmed_by: {name: 山田, role: 室長}\n" /* 5:26 unknown key */
		"items:\n"
		"  \"1-1\":\n"
		"    answer: はい\n"
		"    confirmed: 2025-13-01\n"        /* 9:16 */
		"  \"2-1\":\n"
		"    answer: はい\n"
		"    confirmed: 2025-06-01\n"        /* a good one */
		"  \"3-3\":\n"
		"    answer: いいえ\n"              /* 14: no target -> 14:5 (mapping start) */
		"    confirmed: 2025-06-01\n"
		"  \"5-1\":\n"                       /* 16:3 */
		"    note: x\n"
		"practices:\n"
		"  - cell: everyone-preventive\n"    /* 19:11 */
		"    description: 研修\n"
		"max_result_age_days: 0\n";          /* 21:22 */
	struct run r = load(bad, KS_FORM_FACILITY);
	assert_int_equal(r.rc, KS_EPARSE);
	check_has(&r, KS_DIAG_ERROR, 3, 9, "facility.type: expected 病院");
	check_has(&r, KS_DIAG_ERROR, 5, 26, "confirmed_by: unknown key 'role'");
	check_has(&r, KS_DIAG_ERROR, 9, 16, "items.1-1.confirmed: expected a date");
	check_has(&r, KS_DIAG_ERROR, 14, 5, "items.3-3: the answer いいえ needs a target date");
	check_has(&r, KS_DIAG_ERROR, 16, 3, "unknown item '5-1'");
	check_has(&r, KS_DIAG_ERROR, 19, 11, "unknown cell 'everyone-preventive'");
	check_has(&r, KS_DIAG_ERROR, 21, 22, "max_result_age_days: expected a whole number");
	if (count(&r, KS_DIAG_ERROR) != 7 || ks_diags_count(r.d) != 7) {
		dump(&r);
		fail();
	}
	/* the rest was read */
	assert_string_equal(r.ans->facility_name, "さくら病院");
	assert_int_equal(r.ans->fiscal_year, 2025);
	assert_string_equal(r.ans->confirmer_name, "山田");
	assert_int_equal(ks_answers_find(r.ans, "2-1")->answer, KS_ANSWER_YES);
	assert_int_equal(ks_answers_find(r.ans, "3-3")->answer, KS_ANSWER_NO);
	assert_int_equal(r.ans->npractices, 0);
	ks_arena_free(r.a);
}

/* A practice that is dropped for an error leaves no trace in the next one (found by fuzzing: its
 * documents were counted into the slot the next practice reused). */
static void test_dropped_practice(void **state)
{
	(void)state;
	struct run r = load(HEAD "practices:\n"
	                         "  - {cell: bad, description: x, evidence: [{document: a, location: l}, {document: b, location: l}]}\n"
	                         "  - {cell: staff-preventive, description: y, evidence: [{document: c, location: l}]}\n"
	                         "  - {cell: staff-detective, description: z}\n",
	                    KS_FORM_FACILITY);
	assert_int_equal(r.rc, KS_EPARSE);
	assert_int_equal(count(&r, KS_DIAG_ERROR), 1);
	assert_int_equal(r.ans->npractices, 2);
	assert_string_equal(r.ans->practices[0].description, "y");
	assert_int_equal(r.ans->practices[0].ndocs, 1);
	assert_string_equal(r.ans->practices[0].docs[0].document, "c");
	assert_int_equal(r.ans->practices[0].line, 6);
	assert_string_equal(r.ans->practices[1].description, "z");
	assert_int_equal(r.ans->practices[1].ndocs, 0);
	ks_arena_free(r.a);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	*len = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	return buf;
}

/* The shipped examples load with no error and no warning. */
static void test_examples(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		int form;
		size_t nitems;
	} ex[] = {{"answers.yaml", KS_FORM_FACILITY, 10}, {"answers-vendor.yaml", KS_FORM_VENDOR, 5}};
	for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/../../examples/%s", KS_FIXTURES, ex[i].file);
		size_t len;
		char *data = slurp(path, &len);
		if (!data)
			fail_msg("cannot read %s", path);
		struct run r = load_n(data, len, ex[i].form);
		if (r.rc != KS_OK || ks_diags_count(r.d)) {
			dump(&r);
			fail_msg("%s", ex[i].file);
		}
		assert_int_equal(r.ans->nitems, ex[i].nitems);
		assert_int_equal(r.ans->fiscal_year, 2025);
		if (ex[i].form == KS_FORM_FACILITY) {
			assert_int_equal(r.ans->npractices, 2);
			assert_int_equal(ks_answers_find(r.ans, "3-3")->answer, KS_ANSWER_NO);
		} else {
			assert_non_null(r.ans->vendor_name);
			assert_non_null(ks_answers_find(r.ans, "1-1"));
		}
		ks_arena_free(r.a);

		/* the same file saved by a Windows editor: byte order mark and CRLF line ends */
		char *w = malloc(2 * len + 4);
		assert_non_null(w);
		size_t o = 0;
		memcpy(w, "\xef\xbb\xbf", 3);
		o = 3;
		for (size_t k = 0; k < len; k++) {
			if (data[k] == '\n')
				w[o++] = '\r';
			w[o++] = data[k];
		}
		r = load_n(w, o, ex[i].form);
		if (r.rc != KS_OK || ks_diags_count(r.d)) {
			dump(&r);
			fail_msg("%s with CRLF", ex[i].file);
		}
		assert_int_equal(r.ans->nitems, ex[i].nitems);
		for (size_t k = 0; k < r.ans->nitems; k++)
			assert_null(r.ans->items[k].note ? strchr(r.ans->items[k].note, '\r') : NULL);
		ks_arena_free(r.a);
		free(w);
		free(data);
	}
}

/* Allocation failures anywhere end in KS_ENOMEM, never a crash. */
static void test_out_of_memory(void **state)
{
	(void)state;
	bool done = false;
	for (unsigned long k = 1; k < 2000 && !done; k++) {
		ks_arena *a = ks_arena_new();
		assert_non_null(a);
		ks_diags *d = ks_diags_new(a);
		ks_answers *ans = NULL;
		ks_arena_fail_after(a, k);
		int rc = ks_answers_load(a, "answers.yaml", full, strlen(full), cat, KS_FORM_FACILITY, &ans, d);
		assert_true(rc == KS_OK || rc == KS_ENOMEM);
		done = rc == KS_OK;
		ks_arena_free(a);
	}
	assert_true(done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults_and_vendor),
		cmocka_unit_test(test_syntax_and_shapes),
		cmocka_unit_test(test_unknown_and_duplicate_keys),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_items_and_forms),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_dropped_practice),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
