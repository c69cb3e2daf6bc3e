/* os-release collector: Debian's symlinked file, fallback path, shell quoting, defaults, errors. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "collect/osrelease.h"
#include "core/diag.h"

/* Debian 12's /usr/lib/os-release, verbatim. */
static const char debian12[] =
	"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	"NAME=\"Debian GNU/Linux\"\n"
	"VERSION_ID=\"12\"\n"
	"VERSION=\"12 (bookworm)\"\n"
	"VERSION_CODENAME=bookworm\n"
	"ID=debian\n"
	"HOME_URL=\"https://www.debian.org/\"\n"
	"SUPPORT_URL=\"https://www.debian.org/support\"\n"
	"BUG_REPORT_URL=\"https://bugs.debian.org/\"\n";

static void link_rel(const char *root, const char *target, const char *rel)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static void check_line(ks_collect_ctx *ctx, const char *key, const char *path, int line)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	assert_non_null(f->source.path);
	assert_string_equal(f->source.path, path);
	assert_int_equal(f->source.line, line);
}

static void test_debian_symlink(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/lib/os-release", debian12);
	ks_test_write(root, "/etc/placeholder", "");
	/* As on Debian: /etc/os-release -> ../usr/lib/os-release (relative, resolved inside the root). */
	link_rel(root, "../usr/lib/os-release", "etc/os-release");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_osrelease(ctx), 0);
	assert_string_equal(ks_test_fact_str(ctx, "os.id"), "debian");
	assert_string_equal(ks_test_fact_str(ctx, "os.version_id"), "12");
	assert_string_equal(ks_test_fact_str(ctx, "os.version_codename"), "bookworm");
	assert_string_equal(ks_test_fact_str(ctx, "os.pretty_name"), "Debian GNU/Linux 12 (bookworm)");
	assert_string_equal(ks_test_fact_str(ctx, "os.id_like"), "");
	check_line(ctx, "os.id", "/etc/os-release", 6);
	check_line(ctx, "os.version_id", "/etc/os-release", 3);
	check_line(ctx, "os.pretty_name", "/etc/os-release", 1);
	assert_non_null(ks_fact_get(ctx->facts, "os.id_like")->source.probe);
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_fallback_and_quoting(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/lib/os-release",
	              "# comment\n"
	              "\n"
	              "ID=ubuntu\n"                                   /* 3 */
	              "ID_LIKE=debian\n"                              /* 4 */
	              "PRETTY_NAME='Ubuntu 22.04.4 LTS'\n"             /* 5 */
	              "VERSION_ID=\"22.04\"\n"                         /* 6 */
	              "VERSION_CODENAME=jam\\my\n"                     /* 7: bare escape */
	              "ID_LIKE=\"debian \\\"x\\\" \\$y \\\\z\"\n"      /* 8: later assignment wins */
	              "  VERSION_ID=\"22.04\"   # trailing comment\n"  /* 9 */
	              "BROKEN=\"unterminated\n"                        /* 10 */
	              "BAD KEY=1\n"                                    /* 11 */
	              "PRETTY_NAME=two words\n"                        /* 12: not an assignment */
	              "1NUM=x\n");                                     /* 13 */
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_osrelease(ctx), 0);
	assert_string_equal(ks_test_fact_str(ctx, "os.id"), "ubuntu");
	assert_string_equal(ks_test_fact_str(ctx, "os.pretty_name"), "Ubuntu 22.04.4 LTS");
	assert_string_equal(ks_test_fact_str(ctx, "os.version_codename"), "jammy");
	assert_string_equal(ks_test_fact_str(ctx, "os.id_like"), "debian \"x\" $y \\z");
	assert_string_equal(ks_test_fact_str(ctx, "os.version_id"), "22.04");
	check_line(ctx, "os.id", "/usr/lib/os-release", 3);
	check_line(ctx, "os.id_like", "/usr/lib/os-release", 8);
	check_line(ctx, "os.version_id", "/usr/lib/os-release", 9);
	check_line(ctx, "os.pretty_name", "/usr/lib/os-release", 5);
	assert_int_equal(ks_diags_count(ctx->diags), 4);
	int lines[] = {10, 11, 12, 13};
	for (size_t i = 0; i < 4; i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		assert_int_equal(d->line, lines[i]);
		assert_string_equal(d->path, "/usr/lib/os-release");
	}
	assert_non_null(strstr(ks_diags_at(ctx->diags, 0)->message, "unterminated double quote"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_defaults_and_missing_keys(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/etc/os-release", "NAME=\"Something\"\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_osrelease(ctx), 0);
	/* os-release(5) defaults: ID=linux, PRETTY_NAME=Linux. */
	assert_string_equal(ks_test_fact_str(ctx, "os.id"), "linux");
	assert_non_null(ks_fact_get(ctx->facts, "os.id")->source.probe);
	assert_string_equal(ks_test_fact_str(ctx, "os.pretty_name"), "Linux");
	assert_true(ks_test_fact_is_unknown(ctx, "os.version_id"));
	assert_true(ks_test_fact_is_unknown(ctx, "os.version_codename"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "os.version_id")->reason, "VERSION_ID not set"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_absent(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_osrelease(ctx), 0);
	const char *keys[] = {"os.id", "os.version_id", "os.version_codename", "os.pretty_name", "os.id_like"};
	for (size_t i = 0; i < 5; i++)
		assert_true(ks_test_fact_is_unknown(ctx, keys[i]));
	assert_string_equal(ks_fact_get(ctx->facts, "os.id")->reason, "no /etc/os-release or /usr/lib/os-release");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_escape_outside_root(void **state)
{
	(void)state;
	/* An absolute link is resolved inside the root: never the scanner's own /etc/os-release. */
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/etc/placeholder", "");
	link_rel(root, "../../../../../../usr/lib/os-release", "etc/os-release");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_osrelease(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "os.id"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_unquote(void **state)
{
	(void)state;
	ks_arena *a = ks_arena_new();
	const char *err;
	const char *cases[][2] = {
		{"plain", "plain"},       {"\"a b\"", "a b"},         {"'a\\b'", "a\\b"},
		{"\"a\\nb\"", "a\\nb"},   {"a'b c'd", "ab cd"},       {"\"\"", ""},
		{"", ""},                  {"x  # c", "x"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *v = ks_osrelease_unquote(a, cases[i][0], strlen(cases[i][0]), &err);
		assert_non_null(v);
		assert_string_equal(v, cases[i][1]);
	}
	assert_null(ks_osrelease_unquote(a, "'open", 5, &err));
	assert_null(ks_osrelease_unquote(a, "trail\\", 6, &err));
	assert_null(ks_osrelease_unquote(a, "a b", 3, &err));
	ks_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_symlink),   cmocka_unit_test(test_fallback_and_quoting),
		cmocka_unit_test(test_defaults_and_missing_keys), cmocka_unit_test(test_absent),
		cmocka_unit_test(test_escape_outside_root), cmocka_unit_test(test_unquote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
