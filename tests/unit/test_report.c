/* Reports: hostile host strings are escaped (HTML), quoted (CSV), valid (JSON), defanged (text). */
#include "support.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "profile/registry.h"
#include "report/report.h"

struct env {
	ks_arena *a;
	ks_profile *p;
	ks_facts *f;
	ks_diags *d;
	ks_verdicts v;
	ks_report r;
};

static const char evil[] = "<script>alert(\"x\")</script>'&\"\x1b[2J,\r\nbad\xff\xfe";

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	e->a = ks_arena_new();
	char err[512];
	if (ks_profile_open(e->a, "mhlw-r7", &e->p, err, sizeof err) != 0)
		fail_msg("%s", err);
	e->f = ks_facts_new(e->a);
	e->d = ks_diags_new(e->a);
	ks_fact_str(e->f, "host.hostname", evil, "/etc/hostname", 1);
	ks_fact_int(e->f, "accounts.uid0_count", 2, "/etc/passwd", 0);
	ks_value l = ks_val_list();
	ks_list_push(e->a, &l, ks_val_strz(e->a, evil));
	ks_fact_put(e->f, "accounts.uid0", l, "/etc/passwd", 3);
	ks_diag_add(e->d, KS_DIAG_WARNING, "/etc/x<y>", 4, 1, "bad %s", evil);
	assert_int_equal(ks_verdict_decide_all(e->a, e->p, e->f, KS_TARGET_SERVER, &e->v), 0);
	e->r = (ks_report){.profile = e->p, .verdicts = &e->v, .facts = e->f, .diags = e->d,
	                   .lang = KS_LANG_JA, .scanned_at = 1763769600, .root = "/", .as_root = true};
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

static char *render(struct env *e, int (*fn)(const ks_report *, FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(fn(&e->r, f), 0);
	fclose(f);
	return buf;
}

static void test_html(void **state)
{
	struct env *e = *state;
	char *h = render(e, ks_report_render_html);
	assert_null(strstr(h, "<script"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;"));
	assert_non_null(strstr(h, "/etc/x&lt;y&gt;"));
	assert_non_null(strstr(h, "default-src 'none'")); /* no script can run even if one slipped in */
	assert_non_null(strstr(h, "いいえ"));              /* 2-4 fails: two uid-0 accounts */
	assert_null(strstr(h, "\x1b"));
	free(h);
}

static void test_json(void **state)
{
	struct env *e = *state;
	char *j = render(e, ks_report_render_json);
	json_error_t err;
	json_t *doc = json_loads(j, 0, &err);
	if (!doc)
		fail_msg("invalid JSON at %d: %s", err.line, err.text);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")), "kenshin.scan/1");
	json_t *results = json_object_get(doc, "results");
	assert_int_equal(json_array_size(results), 18);
	json_t *r24 = NULL;
	for (size_t i = 0; i < json_array_size(results); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(results, i), "item")), "2-4") == 0)
			r24 = json_array_get(results, i);
	assert_non_null(r24);
	assert_string_equal(json_string_value(json_object_get(r24, "verdict")), "fail");
	const char *host = json_string_value(json_object_get(json_object_get(doc, "host"), "hostname"));
	assert_non_null(strstr(host, "<script>"));  /* kept as data, escaped by JSON itself */
	assert_non_null(strstr(host, "\xef\xbf\xbd")); /* invalid UTF-8 replaced */
	json_decref(doc);
	free(j);
}

static void test_csv(void **state)
{
	struct env *e = *state;
	char *c = render(e, ks_report_render_csv);
	/* RFC 4180: every field quoted, quotes doubled, records end in CRLF. */
	assert_non_null(strstr(c, "\"<script>alert(\"\"x\"\")</script>'&\"\"\x1b[2J,\r\nbad"));
	assert_int_equal(strncmp(c, "\"host\",\"item\"", 13), 0);
	size_t records = 0;
	bool quoted = false;
	for (char *p = c; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && p[0] == '\r' && p[1] == '\n')
			records++;
	}
	assert_int_equal(records, 19); /* header + 18 items */
	/* A host value that a spreadsheet would run as a formula is defanged (below). */
	free(c);
	ks_fact_str(e->f, "host.hostname", "=cmd|' /C calc'!A0", "/etc/hostname", 1);
	c = render(e, ks_report_render_csv);
	assert_non_null(strstr(c, "\"'=cmd|' /C calc'!A0\""));
	free(c);
}

static void test_text(void **state)
{
	struct env *e = *state;
	char *t = render(e, ks_report_render_text);
	assert_null(strstr(t, "\x1b")); /* no terminal escapes from host data */
	assert_non_null(strstr(t, "2-④"));
	assert_non_null(strstr(t, "いいえ"));
	e->r.lang = KS_LANG_EN;
	free(t);
	t = render(e, ks_report_render_text);
	assert_non_null(strstr(t, "summary: yes 0, no 1"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_html, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
