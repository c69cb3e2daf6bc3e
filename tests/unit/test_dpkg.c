/* dpkg collector: deb822 paragraphs, continuation lines, Status filtering, lookups, malformed input. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/collectors.h"
#include "collect/dpkg.h"
#include "core/diag.h"
#include "core/text.h"

static const char status_basic[] =
	"Package: adduser\n"                                  /* 1 */
	"Status: install ok installed\n"
	"Priority: important\n"
	"Architecture: all\n"
	"Version: 3.134\n"                                    /* 5 */
	"Conffiles:\n"
	" /etc/adduser.conf cc3493ecd2d09837ffdcc3e25fdfff18\n"
	" /etc/deluser.conf 11a06baf8245fd8d690b99024d228c1f\n"
	"Description: add and remove users and groups\n"
	" This package includes the 'adduser' and 'deluser' commands.\n" /* 10 */
	" .\n"
	" Package: not-a-package\n"
	"\n"
	"Package: openssh-server\n"                           /* 14 */
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 1:9.2p1-2+deb12u3\n"
	"\n"
	"Package: telnetd\n"                                  /* 19 */
	"Status: deinstall ok config-files\n"
	"Architecture: amd64\n"
	"Version: 0.17+2.4-2\n"
	"\n"
	"package: xrdp\n"                                     /* 24: field names are case-insensitive */
	"STATUS: hold ok installed\n"
	"architecture: amd64\n"
	"version: 0.9.21.1-1\n"
	"\n"
	"Package: libc6\n"                                    /* 29 */
	"Status: install ok installed\n"
	"Architecture: i386\n"
	"Version: 2.36-9\n"
	"\n"
	"Package: libc6\n"                                    /* 34 */
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 2.36-9\n"
	"\n"
	"Package: dpkg\n"                                     /* 39 */
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 1.21.22\n"
	"\n"
	"Package: halfway\n"                                  /* 44 */
	"Status: install reinstreq half-installed\n"
	"Version: 1\n";

static const char *rec_str(const ks_value *rec, const char *field)
{
	const ks_value *v = ks_record_get(rec, field);
	assert_non_null(v);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

static void test_basic(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/var/lib/dpkg/status", status_basic);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_string_equal(ks_test_fact_str(ctx, "packages.manager"), "dpkg");
	assert_int_equal(ks_test_fact_int(ctx, "packages.count"), 6);
	const ks_fact *f = ks_fact_get(ctx->facts, "packages.installed");
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	assert_string_equal(f->source.path, "/var/lib/dpkg/status");
	/* Sorted by name then arch. */
	const char *order[] = {"adduser", "dpkg", "libc6", "libc6", "openssh-server", "xrdp"};
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(rec_str(&f->value.u.list.items[i], "name"), order[i]);

	const ks_value *r = ks_dpkg_find(ctx->facts, "openssh-server");
	assert_non_null(r);
	assert_string_equal(rec_str(r, "version"), "1:9.2p1-2+deb12u3");
	assert_string_equal(rec_str(r, "arch"), "amd64");
	assert_string_equal(rec_str(r, "source"), "/var/lib/dpkg/status:14");
	r = ks_dpkg_find(ctx->facts, "adduser");
	assert_non_null(r);
	assert_string_equal(rec_str(r, "source"), "/var/lib/dpkg/status:1");
	assert_string_equal(rec_str(r, "version"), "3.134");
	/* "hold ok installed" is installed; the capitalisation of field names does not matter. */
	r = ks_dpkg_find(ctx->facts, "xrdp");
	assert_non_null(r);
	assert_string_equal(rec_str(r, "source"), "/var/lib/dpkg/status:24");
	/* Multi-arch: the first architecture in sort order. */
	r = ks_dpkg_find(ctx->facts, "libc6");
	assert_non_null(r);
	assert_string_equal(rec_str(r, "arch"), "amd64");
	/* Not installed: config-files, half-installed; a Package: inside a description. */
	assert_null(ks_dpkg_find(ctx->facts, "telnetd"));
	assert_null(ks_dpkg_find(ctx->facts, "halfway"));
	assert_null(ks_dpkg_find(ctx->facts, "not-a-package"));
	assert_null(ks_dpkg_find(ctx->facts, "zzz"));
	assert_null(ks_dpkg_find(ctx->facts, "a"));
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_missing(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "packages.manager"));
	assert_true(ks_test_fact_is_unknown(ctx, "packages.installed"));
	assert_true(ks_test_fact_is_unknown(ctx, "packages.count"));
	assert_string_equal(ks_fact_get(ctx->facts, "packages.manager")->reason,
	                    "package manager not supported yet (no /var/lib/dpkg/status)");
	assert_null(ks_dpkg_find(ctx->facts, "dpkg"));
	assert_false(ks_dpkg_available(ctx->facts));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static bool has_diag(ks_collect_ctx *ctx, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->line == line && strstr(d->message, needle))
			return true;
	}
	return false;
}

static void test_malformed(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/var/lib/dpkg/status",
	              " orphan continuation\n"             /* 1 */
	              "Package: good\n"                     /* 2 */
	              "Status: install ok installed\n"
	              "this line has no colon\n"           /* 4 */
	              "Version: 1.0\n"
	              "Version: 2.0\n"                      /* 6: repeated field */
	              "\n"
	              "Status: install ok installed\n"     /* 8: no Package */
	              "Version: 1\n"
	              "\n"
	              "Package: nostatus\n"                 /* 11 */
	              "Version: 1\n"
	              "\n"
	              "Package: badstatus\n"                /* 14 */
	              "Status: installed\n"                 /* 15 */
	              "\n"
	              "Package: noversion\n"                /* 17 */
	              "Status: install ok installed\n"
	              "\n"
	              "Package: good\n"                     /* 20: duplicate */
	              "Status: install ok installed\n"
	              "Version: 9\n"
	              "   \t \n"                            /* whitespace-only line separates */
	              "Package: last\n"                     /* 24 */
	              "Status: install ok installed\r\n"
	              "Version: 3\r\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "packages.count"), 3); /* good, noversion, last */
	const ks_value *r = ks_dpkg_find(ctx->facts, "good");
	assert_non_null(r);
	assert_string_equal(rec_str(r, "version"), "1.0");
	assert_string_equal(rec_str(r, "source"), "/var/lib/dpkg/status:2");
	r = ks_dpkg_find(ctx->facts, "noversion");
	assert_non_null(r);
	assert_int_equal(ks_record_get(r, "version")->type, KS_VAL_UNKNOWN);
	r = ks_dpkg_find(ctx->facts, "last");
	assert_non_null(r);
	assert_string_equal(rec_str(r, "version"), "3");
	assert_null(ks_dpkg_find(ctx->facts, "nostatus"));
	assert_null(ks_dpkg_find(ctx->facts, "badstatus"));
	assert_true(has_diag(ctx, 1, "continuation"));
	assert_true(has_diag(ctx, 4, "expected 'Field: value'"));
	assert_true(has_diag(ctx, 6, "repeated"));
	assert_true(has_diag(ctx, 8, "no Package"));
	assert_true(has_diag(ctx, 11, "no Status"));
	assert_true(has_diag(ctx, 15, "want flag state"));
	assert_true(has_diag(ctx, 17, "no Version"));
	assert_true(has_diag(ctx, 20, "listed twice"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_binary(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/var/lib/dpkg", root);
	ks_test_write(root, "/var/lib/dpkg/x", "");
	snprintf(path, sizeof path, "%s/var/lib/dpkg/status", root);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fwrite("Package: a\0b\n", 1, 13, fp);
	fclose(fp);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "packages.installed"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* A real status file has ~2000 paragraphs and 2 MB: one linear pass, then lookups. */
static void test_large(void **state)
{
	(void)state;
	size_t cap = 6u * 1024 * 1024, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (int i = 0; i < 5000; i++) {
		/* Written in reverse order so that the sort has work to do. */
		n += (size_t)snprintf(buf + n, cap - n,
		                      "Package: pkg%05d\nStatus: install ok installed\nArchitecture: amd64\n"
		                      "Version: 1.%d-1\nDescription: synthetic\n"
		                      " line one of a long description that goes on for a while\n"
		                      " line two of a long description that goes on for a while\n"
		                      " .\n line four\n\n",
		                      4999 - i, i);
	}
	buf[n] = '\0';
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/var/lib/dpkg/status", buf);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	clock_t t0 = clock();
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	for (int i = 0; i < 5000; i += 7) {
		char name[32];
		snprintf(name, sizeof name, "pkg%05d", i);
		assert_non_null(ks_dpkg_find(ctx->facts, name));
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_true(secs < 5.0); /* generous for sanitizer builds; linear parsing takes ~0.1 s */
	assert_int_equal(ks_test_fact_int(ctx, "packages.count"), 5000);
	const ks_value *r = ks_dpkg_find(ctx->facts, "pkg04999");
	assert_non_null(r);
	assert_string_equal(rec_str(r, "version"), "1.0-1");
	assert_string_equal(rec_str(r, "source"), "/var/lib/dpkg/status:1");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
	free(buf);
}

/* The deb822 reader on its own: field values, continuation extents, paragraph ends. */
static void test_deb822(void **state)
{
	(void)state;
	const char *text = "\n\nA: 1\nB:  two words  \n cont\n\tcont2\n\n\nC:3";
	ks_deb822 r;
	ks_deb822_init(&r, NULL, "x", text, strlen(text));
	ks_deb822_field f;
	assert_int_equal(ks_deb822_next(&r, &f), KS_DEB822_FIELD);
	assert_true(ks_eq(f.name, f.name_len, "A"));
	assert_true(ks_eq(f.value, f.value_len, "1"));
	assert_int_equal(f.line, 3);
	assert_int_equal(f.paragraph_line, 3);
	assert_int_equal(ks_deb822_next(&r, &f), KS_DEB822_FIELD);
	assert_true(ks_eq(f.value, f.value_len, "two words"));
	assert_true(ks_eq(f.raw, f.raw_len, "  two words  \n cont\n\tcont2"));
	assert_int_equal(f.line, 4);
	assert_int_equal(f.paragraph_line, 3);
	assert_int_equal(ks_deb822_next(&r, &f), KS_DEB822_END);
	assert_int_equal(ks_deb822_next(&r, &f), KS_DEB822_FIELD);
	assert_true(ks_eq(f.name, f.name_len, "C"));
	assert_true(ks_eq(f.value, f.value_len, "3"));
	assert_int_equal(f.line, 9);
	assert_int_equal(ks_deb822_next(&r, &f), KS_DEB822_END);
	assert_int_equal(ks_deb822_next(&r, &f), KS_DEB822_EOF);
	assert_int_equal(ks_deb822_next(&r, &f), KS_DEB822_EOF);
}

/* host.arch of an image comes from the dpkg package when /var/lib/dpkg/arch is absent. */
static void test_fills_arch(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/var/lib/dpkg/status", status_basic);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_fact_unknown(ctx->facts, "host.arch", NULL, "no /var/lib/dpkg/arch"), 0);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_string_equal(ks_test_fact_str(ctx, "host.arch"), "amd64");
	const ks_fact *f = ks_fact_get(ctx->facts, "host.arch");
	assert_string_equal(f->source.path, "/var/lib/dpkg/status");
	assert_int_equal(f->source.line, 39);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* Real status files have lines longer than KS_MAX_LINE (Build-Ids, Provides): not an error. */
static void test_long_lines(void **state)
{
	(void)state;
	size_t big = 20000;
	char *buf = malloc(2 * big + 512);
	assert_non_null(buf);
	size_t n = (size_t)sprintf(buf, "Package: longids\nStatus: install ok installed\nVersion: 1\nBuild-Ids:");
	for (size_t i = 0; i < big; i++)
		buf[n++] = i % 41 == 40 ? ' ' : 'a';
	n += (size_t)sprintf(buf + n, "\n\nPackage: longver\nStatus: install ok installed\nVersion: ");
	for (size_t i = 0; i < big; i++)
		buf[n++] = '1';
	buf[n++] = '\n';
	buf[n] = '\0';
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/var/lib/dpkg/status", buf);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_int_equal(ks_test_fact_int(ctx, "packages.count"), 2);
	assert_string_equal(rec_str(ks_dpkg_find(ctx->facts, "longids"), "version"), "1");
	assert_int_equal(ks_record_get(ks_dpkg_find(ctx->facts, "longver"), "version")->type, KS_VAL_UNKNOWN);
	assert_true(has_diag(ctx, 8, "longer than"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),     cmocka_unit_test(test_missing),
		cmocka_unit_test(test_malformed), cmocka_unit_test(test_binary),
		cmocka_unit_test(test_large),     cmocka_unit_test(test_deb822),
		cmocka_unit_test(test_fills_arch), cmocka_unit_test(test_long_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
