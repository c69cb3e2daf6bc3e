/* packages_policy collector: dev-tools.list and file-sharing.list entries found in the dpkg
 * database (installed only), record fields and provenance, counts, no database -> unknown,
 * the vendor fixtures, the embedded lists' syntax. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/data.h"
#include "collect/collectors.h"
#include "core/error.h"
#include "core/text.h"

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_int_equal(ks_collect_packages_policy(ctx), 0);
	return ctx;
}

static const ks_value *item(ks_collect_ctx *ctx, const char *key, size_t i)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	assert_true(i < f->value.u.list.n);
	return &f->value.u.list.items[i];
}

static const char *field(const ks_value *rec, const char *k)
{
	const ks_value *v = ks_record_get(rec, k);
	assert_non_null(v);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

static void test_found(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/lib/dpkg/status",
	              "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b8\n\n"
	              "Package: gcc-12\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.2.0-14\n\n"
	              "Package: gdb\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 13.1-3\n\n"
	              "Package: samba\nStatus: install ok installed\nArchitecture: amd64\n"
	              "Version: 2:4.17.12+dfsg-0+deb12u4\n\n"
	              "Package: vsftpd\nStatus: hold ok installed\nArchitecture: amd64\nVersion: 3.0.3-13+b2\n");
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "packages.dev_tools_count"), 1); /* gdb is only config-files */
	const ks_value *r = item(ctx, "packages.dev_tools", 0);
	assert_string_equal(field(r, "name"), "gcc-12");
	assert_string_equal(field(r, "version"), "12.2.0-14");
	assert_string_equal(field(r, "category"), "compiler");
	assert_string_equal(field(r, "source"), "/var/lib/dpkg/status:6");
	assert_int_equal(ks_test_fact_int(ctx, "packages.file_sharing_count"), 2);
	assert_string_equal(field(item(ctx, "packages.file_sharing", 0), "name"), "samba"); /* list order */
	assert_string_equal(field(item(ctx, "packages.file_sharing", 1), "name"), "vsftpd");
	assert_string_equal(field(item(ctx, "packages.file_sharing", 1), "category"), "ftp");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_no_database(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "packages.dev_tools"));
	assert_true(ks_test_fact_is_unknown(ctx, "packages.dev_tools_count"));
	assert_true(ks_test_fact_is_unknown(ctx, "packages.file_sharing_count"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_fixtures(void **state)
{
	(void)state;
	char root[4096];
	snprintf(root, sizeof root, "%s/vendor/sw-pass", KS_FIXTURES);
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "packages.dev_tools_count"), 0);
	assert_int_equal(ks_test_fact_int(ctx, "packages.file_sharing_count"), 0);
	ks_test_ctx_free(ctx);

	snprintf(root, sizeof root, "%s/vendor/sw-fail", KS_FIXTURES);
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "packages.dev_tools_count"), 3); /* gcc, gcc-12, make */
	assert_int_equal(ks_test_fact_int(ctx, "packages.file_sharing_count"), 1);
	assert_string_equal(field(item(ctx, "packages.file_sharing", 0), "name"), "samba");
	ks_test_ctx_free(ctx);
}

/* Every entry of the built-in lists has the package<TAB>category form (no diagnostics). */
static void test_lists_well_formed(void **state)
{
	(void)state;
	static const char *const files[] = {"profiles/dev-tools.list", "profiles/file-sharing.list"};
	for (size_t f = 0; f < 2; f++) {
		size_t len;
		const char *data = ks_data_find(files[f], &len);
		assert_non_null(data);
		size_t entries = 0;
		ks_lines it;
		ks_lines_init(&it, data, len);
		const char *ln;
		size_t n;
		while (ks_lines_next(&it, &ln, &n)) {
			if (!n || ln[0] == '#')
				continue;
			assert_non_null(memchr(ln, '\t', n));
			entries++;
		}
		assert_true(entries >= 20);
	}
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/lib/dpkg/status", "Package: bash\nStatus: install ok installed\nVersion: 5\n");
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found),
		cmocka_unit_test(test_no_database),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_lists_well_formed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
