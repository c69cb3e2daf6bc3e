/* Scan result reader: a complete result file into ks_cl_host, and every refusal with its position. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/data.h"
#include "checklist/results.h"
#include "core/error.h"
#include "core/limits.h"

/* Shaped like `kenshin scan --format json` output, plus fields this reader must ignore. */
static const char full[] =
	"{\n"                                                                   /* 1 */
	"  \"schema\": \"kenshin.scan/1\",\n"
	"  \"kenshin\": \"0.1.0\",\n"
	"  \"profile\": \"mhlw-r7\",\n"
	"  \"catalog\": {\"name\": \"mhlw-r7\", \"edition\": \"令和7年度 (FY2025)\"},\n" /* 5 */
	"  \"scanned_at\": \"2026-11-22T04:50:00Z\",\n"
	"  \"root\": \"/\",\n"
	"  \"as_root\": true,\n"
	"  \"host\": {\n"
	"    \"hostname\": \"web01\", \"os\": \"Debian GNU/Linux 12 (bookworm)\", \"os_id\": \"debian\",\n" /* 10 */
	"    \"os_version\": \"12\", \"kernel\": null, \"arch\": \"x86_64\", \"machine_id\": null,\n"
	"    \"addresses\": [\"192.0.2.10\", \"fd00::10\"], \"role\": \"terminal\", \"gpu\": {\"n\": [1, {}]}\n"
	"  },\n"
	"  \"params\": {\"dormant_days\": 90, \"allow_services\": []},\n"
	"  \"summary\": {\"pass\": 0, \"fail\": 1},\n" /* 15 */
	"  \"results\": [\n"
	"    {\"item\": \"2-7\", \"label\": \"2-⑦\", \"verdict\": \"fail\", \"title\": {\"ja\": \"パスワード\", \"en\": \"x\"},\n"
	"     \"targets\": [\"server\", \"terminal\"], \"severity\": \"high\",\n"
	"     \"evidence\": [\n"
	"       {\"fact\": \"password.min_length\", \"value\": 8, \"source\": \"/etc/security/pwquality.conf:11\",\n" /* 20 */
	"        \"decisive\": false},\n"
	"       {\"value\": {\"name\": \"bob\", \"max_days\": 99999, \"groups\": [\"a\", \"b\"], \"x\": null,\n"
	"                  \"ok\": true, \"s\": \"q\\\"\\\\\\n\\u0001\", \"f\": -1.5e3, \"e\": {}, \"l\": []},\n"
	"        \"fact\": \"accounts.list[bob]\", \"source\": \"/etc/passwd:27\", \"decisive\": true, \"new\": [1]}\n"
	"     ],\n" /* 25 */
	"     \"references\": [\"システム運用編 8.⑤\"], \"remediation\": {\"ja\": null, \"en\": null}},\n"
	"    {\"item\": \"2-9\", \"verdict\": \"waived\", \"evidence\": [\n"
	"       {\"fact\": \"e1\", \"value\": null, \"note\": \"cannot read\", \"decisive\": false},\n"
	"       {\"fact\": \"e2\", \"value\": \"two\", \"decisive\": false},\n"
	"       {\"fact\": \"e3\", \"value\": [], \"decisive\": false},\n" /* 30 */
	"       {\"fact\": \"e4\", \"value\": false, \"decisive\": false},\n"
	"       {\"fact\": \"e5\", \"value\": 5, \"decisive\": false}],\n"
	"     \"waiver\": {\"justification\": \"USB DVD import for radiology\", \"approver\": \"CISO Sato\",\n"
	"       \"expires\": \"2026-03-31\", \"host\": \"web*\", \"source\": \"waivers.yaml:2\", \"expired\": false,\n"
	"       \"verdict_without_waiver\": \"fail\"}},\n" /* 35 */
	"    {\"item\": \"9-99\", \"verdict\": \"pass\", \"evidence\": []},\n"
	"    {\"verdict\": \"manual\", \"item\": \"1-1\", \"rule_error\": \"the rule is broken\",\n"
	"     \"question\": {\"ja\": \"?\", \"en\": \"?\"}, \"future\": [[[{\"a\": \"b\"}]]]}\n"
	"  ],\n"
	"  \"diagnostics\": [{\"severity\": \"warning\", \"path\": \"/etc/shadow\"}, {\"severity\": \"info\"}],\n" /* 40 */
	"  \"diagnostics_dropped\": 0\n"
	"}\n";

/* A valid prefix for the error cases: lines 1 and 2, the third line starts at "\"results\"". */
#define HEAD                                                                                         \
	"{\"schema\": \"kenshin.scan/1\", \"catalog\": {\"name\": \"mhlw-r7\"},\n"                     \
	"\"scanned_at\": \"2026-11-22T04:50:00Z\", \"host\": {\"role\": \"server\"},\n"

struct fixture {
	ks_arena *a;
	ks_catalog *cat;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[512];
	size_t len;
	const char *data = ks_data_find("catalog/mhlw-r7.yaml", &len);
	assert_non_null(data);
	f->a = ks_arena_new();
	assert_int_equal(ks_catalog_load(f->a, "catalog/mhlw-r7.yaml", data, len, &f->cat, err, sizeof err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	ks_arena_free(f->a);
	free(f);
	return 0;
}

static long index_of(const ks_catalog *c, const char *id)
{
	for (size_t i = 0; i < c->nitems; i++)
		if (strcmp(c->items[i].id, id) == 0)
			return (long)i;
	fail_msg("catalog has no item %s", id);
	return -1;
}

static int read_text(struct fixture *f, const char *text, size_t len, ks_cl_host *h, char *err, size_t errlen)
{
	return ks_cl_result_read(f->a, "r.json", text, len, f->cat, h, err, errlen);
}

static void test_full(void **state)
{
	struct fixture *f = *state;
	ks_cl_host h;
	char err[512] = "";
	int rc = read_text(f, full, strlen(full), &h, err, sizeof err);
	if (rc != 0)
		fail_msg("%s", err);
	assert_string_equal(h.file, "r.json");
	assert_string_equal(h.hostname, "web01");
	assert_string_equal(h.os, "Debian GNU/Linux 12 (bookworm)");
	assert_string_equal(h.os_id, "debian");
	assert_string_equal(h.os_version, "12");
	assert_null(h.kernel);
	assert_string_equal(h.arch, "x86_64");
	assert_null(h.machine_id);
	assert_int_equal(h.naddresses, 2);
	assert_string_equal(h.addresses[0], "192.0.2.10");
	assert_string_equal(h.addresses[1], "fd00::10");
	assert_int_equal(h.role, KS_TARGET_TERMINAL);
	assert_int_equal(h.scanned_at, 1795323000); /* 2026-11-22T04:50:00Z */
	assert_string_equal(h.scanned_at_text, "2026-11-22T04:50:00Z");
	assert_string_equal(h.profile, "mhlw-r7");
	assert_string_equal(h.catalog, "mhlw-r7");
	assert_string_equal(h.edition, "令和7年度 (FY2025)");
	assert_string_equal(h.kenshin_version, "0.1.0");
	assert_true(h.as_root);
	assert_int_equal(h.ndiagnostics, 2);
	assert_int_equal(h.nunknown_items, 1); /* 9-99 */
	assert_int_equal(h.nresults, f->cat->nitems);

	/* results sit at their catalog index; items the file lacks are absent, never a pass */
	const ks_cl_result *r7 = &h.results[index_of(f->cat, "2-7")];
	assert_true(r7->present);
	assert_int_equal(r7->verdict, KS_VERDICT_FAIL);
	assert_null(r7->waiver);
	assert_null(r7->rule_error);
	/* the decisive entry wins over the one before it, though "decisive" follows its value */
	assert_int_equal(r7->nevidence, 1);
	assert_string_equal(r7->evidence[0].fact, "accounts.list[bob]");
	assert_string_equal(r7->evidence[0].value,
	                    "{\"name\":\"bob\",\"max_days\":99999,\"groups\":[\"a\",\"b\"],\"x\":null,\"ok\":true,"
	                    "\"s\":\"q\\\"\\\\\\n\\u0001\",\"f\":-1.5e3,\"e\":{},\"l\":[]}");
	assert_string_equal(r7->evidence[0].source, "/etc/passwd:27");
	assert_null(r7->evidence[0].note);

	/* no decisive entry: the first KS_CL_EVIDENCE_MAX, in order */
	const ks_cl_result *r9 = &h.results[index_of(f->cat, "2-9")];
	assert_true(r9->present);
	assert_int_equal(r9->verdict, KS_VERDICT_WAIVED);
	assert_int_equal(r9->nevidence, KS_CL_EVIDENCE_MAX);
	assert_string_equal(r9->evidence[0].fact, "e1");
	assert_string_equal(r9->evidence[0].value, "null");
	assert_string_equal(r9->evidence[0].note, "cannot read");
	assert_null(r9->evidence[0].source);
	assert_string_equal(r9->evidence[1].value, "\"two\"");
	assert_string_equal(r9->evidence[2].value, "[]");
	assert_string_equal(r9->evidence[3].fact, "e4");
	assert_string_equal(r9->evidence[3].value, "false");
	const ks_cl_waiver *w = r9->waiver;
	assert_non_null(w);
	assert_string_equal(w->item, "2-9");
	assert_string_equal(w->justification, "USB DVD import for radiology");
	assert_string_equal(w->approver, "CISO Sato");
	assert_string_equal(w->expires, "2026-03-31");
	assert_string_equal(w->host, "web*");
	assert_string_equal(w->source, "waivers.yaml:2");
	assert_false(w->expired);
	assert_int_equal(w->verdict_without, KS_VERDICT_FAIL);

	const ks_cl_result *r1 = &h.results[index_of(f->cat, "1-1")];
	assert_true(r1->present);
	assert_int_equal(r1->verdict, KS_VERDICT_MANUAL);
	assert_string_equal(r1->rule_error, "the rule is broken");
	assert_int_equal(r1->nevidence, 0);

	const ks_cl_result *r2 = &h.results[index_of(f->cat, "2-2")];
	assert_false(r2->present);
	assert_int_not_equal(r2->verdict, KS_VERDICT_PASS);
}

/* A result with one evidence value of N copies of the 3-byte "あ". */
static char *long_value_doc(size_t n)
{
	size_t size = 1024 + n * 3;
	char *v = malloc(n * 3 + 1), *doc = malloc(size);
	for (size_t i = 0; i < n; i++)
		memcpy(v + i * 3, "あ", 3);
	v[n * 3] = 0;
	snprintf(doc, size, HEAD "\"results\": [{\"item\": \"2-7\", \"verdict\": \"fail\", \"evidence\": ["
	         "{\"fact\": \"%s\", \"value\": {\"kk\": \"%s\"}, \"decisive\": true}]}]}", v, v);
	free(v);
	return doc;
}

static void test_value_cut(void **state)
{
	struct fixture *f = *state;
	ks_cl_host h;
	char err[512] = "";
	char *doc = long_value_doc(100);
	if (read_text(f, doc, strlen(doc), &h, err, sizeof err) != 0)
		fail_msg("%s", err);
	const ks_cl_evidence *e = &h.results[index_of(f->cat, "2-7")].evidence[0];
	/* {"kk":" is 7 bytes; 230 more fit before the 3-byte "…" (237 of 240), which would split the
	 * 77th character: the cut falls back to 76 whole characters */
	char want[KS_CL_VALUE_MAX + 1];
	memcpy(want, "{\"kk\":\"", 7);
	for (size_t i = 0; i < 76; i++)
		memcpy(want + 7 + i * 3, "あ", 3);
	strcpy(want + 7 + 76 * 3, "…");
	assert_string_equal(e->value, want);
	assert_true(strlen(e->value) <= KS_CL_VALUE_MAX);
	/* other evidence text is cut the same way: 79 characters (237 bytes) and "…" */
	assert_int_equal(strlen(e->fact), KS_CL_VALUE_MAX);
	assert_string_equal(e->fact + 237, "…");
	assert_memory_equal(e->fact + 234, "あ", 3);
	free(doc);

	doc = long_value_doc(78); /* {"kk":" + 234 + "} = 243 bytes: too long */
	assert_int_equal(read_text(f, doc, strlen(doc), &h, err, sizeof err), 0);
	e = &h.results[index_of(f->cat, "2-7")].evidence[0];
	assert_string_equal(e->value + strlen(e->value) - 3, "…");
	free(doc);
	/* exactly at the limit: kept whole, no "…" */
	doc = long_value_doc(77); /* 7 + 231 + 2 = 240 bytes */
	assert_int_equal(read_text(f, doc, strlen(doc), &h, err, sizeof err), 0);
	e = &h.results[index_of(f->cat, "2-7")].evidence[0];
	assert_int_equal(strlen(e->value), KS_CL_VALUE_MAX);
	assert_string_equal(e->value + 238, "\"}");
	free(doc);
}

static void test_limits(void **state)
{
	struct fixture *f = *state;
	ks_cl_host h;
	char err[512] = "";
	/* too big is refused before reading a byte (the length alone decides) */
	assert_int_equal(read_text(f, "{}", (size_t)KS_MAX_RESULT_BYTES + 1, &h, err, sizeof err), KS_ETOOBIG);
	assert_non_null(strstr(err, "r.json: "));
	assert_non_null(strstr(err, "64 MiB"));

	/* a 300-byte hostname is kept as 252 bytes and "…"; 40 decisive entries keep 16 */
	size_t size = 16384;
	char *doc = malloc(size), *p = doc;
	p += sprintf(p, "{\"schema\": \"kenshin.scan/1\", \"catalog\": {\"name\": \"mhlw-r7\"},"
	             "\"scanned_at\": \"2026-11-22T04:50:00Z\", \"host\": {\"role\": \"server\", \"hostname\": \"");
	memset(p, 'h', 300);
	p += 300;
	p += sprintf(p, "\"}, \"results\": [{\"item\": \"2-6\", \"verdict\": \"fail\", \"evidence\": [");
	for (int i = 0; i < 40; i++)
		p += sprintf(p, "%s{\"fact\": \"f%d\", \"value\": %d, \"decisive\": %s}", i ? "," : "", i, i,
		             i % 2 ? "true" : "false");
	strcpy(p, "]}]}");
	if (read_text(f, doc, strlen(doc), &h, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(strlen(h.hostname), 255);
	assert_string_equal(h.hostname + 252, "…");
	const ks_cl_result *r = &h.results[index_of(f->cat, "2-6")];
	assert_int_equal(r->nevidence, 16);
	assert_string_equal(r->evidence[0].fact, "f1");
	assert_string_equal(r->evidence[15].fact, "f31");
	assert_string_equal(r->evidence[15].value, "31");
	free(doc);
}

static void expect_error(struct fixture *f, const char *text, const char *want)
{
	ks_cl_host h;
	char err[512] = "";
	assert_int_equal(read_text(f, text, strlen(text), &h, err, sizeof err), KS_EPARSE);
	if (strcmp(err, want) != 0)
		fail_msg("got  '%s'\nwant '%s'", err, want);
	assert_null(h.results); /* nothing half-read is handed out */
}

static void test_errors(void **state)
{
	struct fixture *f = *state;
	expect_error(f, HEAD "\"results\": [}",
	             "r.json:3:13: invalid JSON: parse error: unallowed token at this point in JSON text");
	expect_error(f, HEAD "\"as_root\": tru}", "r.json:3:15: invalid JSON: lexical error: invalid string in json text.");
	expect_error(f, HEAD "\"results\": [", "r.json:3:13: JSON ends too early (a truncated file?)");
	expect_error(f, "", "r.json:1:1: empty file (expected a kenshin scan --format json result)");
	expect_error(f, HEAD "\"results\": []} x", "r.json:3:16: invalid JSON: parse error: trailing garbage");
	expect_error(f, "[1]", "r.json:1:1: expected a JSON object (a kenshin scan --format json result), found an array");

	expect_error(f, "{\"results\": [],\n \"schema\": \"kenshin.scan/2\"}",
	             "r.json:2:12: unsupported schema 'kenshin.scan/2' (this kenshin reads 'kenshin.scan/1' results)");
	/* a newer schema explains a verdict this reader does not know, so it is the one reported */
	expect_error(f, "{\"results\": [{\"item\": \"2-7\", \"verdict\": \"partial\"}], \"schema\": \"kenshin.scan/2\"}",
	             "r.json:1:64: unsupported schema 'kenshin.scan/2' (this kenshin reads 'kenshin.scan/1' results)");
	/* when the schema turns out to be ours, the error held back is the one reported */
	expect_error(f, "{\"results\": [{\"item\": \"2-7\", \"verdict\": \"partial\"}], \"schema\": \"kenshin.scan/1\"}",
	             "r.json:1:41: unknown verdict 'partial' (expected pass, fail, unknown, manual, na or waived)");
	expect_error(f, "{\"schema\": 2}", "r.json:1:12: unsupported schema a number (this kenshin reads 'kenshin.scan/1' results)");
	expect_error(f, "{\"results\": []}", "r.json: missing 'schema' (not a kenshin scan --format json result?)");

	expect_error(f, "{\"schema\": \"kenshin.scan/1\",\n  \"catalog\": {\"name\": \"vendor-baseline\"}}",
	             "r.json:2:23: results are for catalog 'vendor-baseline'; this checklist needs 'mhlw-r7' results "
	             "(kenshin scan --profile mhlw-r7)");
	expect_error(f, "{\"schema\": \"kenshin.scan/1\", \"catalog\": {\"name\": \"mhlw-r7\"}, \"host\": {\"role\": \"server\"},\n"
	             "\"results\": []}", "r.json: missing 'scanned_at'");
	expect_error(f, "{\"schema\": \"kenshin.scan/1\", \"catalog\": {\"name\": \"mhlw-r7\"}, \"host\": {\"role\": \"server\"},\n"
	             "\"scanned_at\": \"2026-11-22T04:50:00Z\"}", "r.json: missing 'results'");
	expect_error(f, "{\"schema\": \"kenshin.scan/1\",\n \"host\": {\"hostname\": \"a\"}}",
	             "r.json:2:10: 'host' has no 'role' (expected server, terminal or network)");
	expect_error(f, "{\"schema\": \"kenshin.scan/1\",\n \"host\": {\"role\": \"desktop\"}}",
	             "r.json:2:19: unknown host role 'desktop' (expected server, terminal or network)");
	expect_error(f, "{\"schema\": \"kenshin.scan/1\",\n \"host\": {\"role\": \"server\", \"hostname\": 5}}",
	             "r.json:2:41: expected a string or null for 'hostname', found a number");
	expect_error(f, HEAD "\"scanned_at\": \"2026-02-30T00:00:00Z\"}",
	             "r.json:3:15: 'scanned_at' is '2026-02-30T00:00:00Z', expected a UTC time such as "
	             "\"2026-11-22T04:50:00Z\"");
	expect_error(f, HEAD "\"results\": [{\"item\": \"2-7\", \"verdict\": \"passed\"}]}",
	             "r.json:3:40: unknown verdict 'passed' (expected pass, fail, unknown, manual, na or waived)");
	expect_error(f, HEAD "\"results\": [{\"item\": \"2-7\", \"verdict\": \"pass\"},\n  {\"verdict\": \"fail\", \"item\": \"2-7\"}]}",
	             "r.json:4:31: second result for item '2-7'");
	expect_error(f, HEAD "\"results\": [\n  {\"item\": \"2-7\"}]}", "r.json:4:3: result for item '2-7' has no 'verdict'");

	char deep[512];
	snprintf(deep, sizeof deep, "%s\"x\": ", HEAD);
	for (int i = 0; i < 64; i++)
		strcat(deep, "[");
	/* the root object is level 1: the 64th bracket is level 65 */
	expect_error(f, deep, "r.json:3:69: nested deeper than 64 levels");

	expect_error(f, HEAD "\"x\": \"ab\xff\"}", "r.json:3:9: invalid UTF-8 in a string (result files are UTF-8 JSON)");
	expect_error(f, HEAD "\"host\": {\"role\": \"server\", \"os\": \"\xe3\x81\"}}",
	             "r.json:3:35: invalid UTF-8 in a string (result files are UTF-8 JSON)");
	/* forms yajl lets through are refused in text that is kept: an overlong NUL, a surrogate */
	expect_error(f, HEAD "\"host\": {\"role\": \"server\", \"os\": \"\xc0\x80\"}}",
	             "r.json:3:35: invalid UTF-8 in a string (result files are UTF-8 JSON)");
	expect_error(f, HEAD "\"results\": [{\"item\": \"2-7\", \"verdict\": \"fail\", \"evidence\": [\n"
	             "{\"fact\": \"x\", \"value\": [\"\xed\xa0\x80\"], \"decisive\": true}]}]}",
	             "r.json:4:26: invalid UTF-8 in a string (result files are UTF-8 JSON)");
	/* ... and ignored in text that is not */
	static const char skipped[] = HEAD "\"results\": [], \"root\": \"\xc0\x80\"}";
	ks_cl_host h;
	char err[512];
	assert_int_equal(read_text(f, skipped, strlen(skipped), &h, err, sizeof err), 0);
}

/* Control bytes from the file never reach a message (terminal escape sequences). */
static void test_error_text_is_tame(void **state)
{
	struct fixture *f = *state;
	expect_error(f, HEAD "\"results\": [{\"item\": \"2-7\", \"verdict\": \"\\u001b[31mred\"}]}",
	             "r.json:3:40: unknown verdict '?[31mred' (expected pass, fail, unknown, manual, na or waived)");
}

/* The file may be read by two threads at once with their own arenas; each call is independent. */
static void test_reentrant(void **state)
{
	struct fixture *f = *state;
	ks_cl_host h1, h2;
	char err[512];
	assert_int_equal(read_text(f, full, strlen(full), &h1, err, sizeof err), 0);
	assert_int_equal(read_text(f, full, strlen(full), &h2, err, sizeof err), 0);
	assert_ptr_not_equal(h1.results, h2.results);
	assert_string_equal(h1.hostname, h2.hostname);
}

/* Any allocation failing gives KS_ENOMEM, never a crash or a half-filled host. */
static void test_nomem(void **state)
{
	struct fixture *f = *state;
	for (unsigned long n = 1; n < 200; n++) {
		ks_arena *a = ks_arena_new();
		ks_arena_fail_after(a, n);
		ks_cl_host h;
		char err[512];
		int rc = ks_cl_result_read(a, "r.json", full, strlen(full), f->cat, &h, err, sizeof err);
		ks_arena_free(a);
		if (rc == 0)
			return;
		assert_int_equal(rc, KS_ENOMEM);
	}
	fail_msg("still out of memory after 200 allocations");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_text_is_tame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reentrant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nomem, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
