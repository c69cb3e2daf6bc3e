/* apt collector: sources (one-line and deb822), list file names, Release/InRelease, Packages
 * matching (multiarch, arch all, superseded fixes), compressed lists and decompression bombs,
 * ages, reboot-required, and every unknown path. */
#include "support.h"

#include <fcntl.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include "collect/apt.h"
#include "collect/collectors.h"
#include "collect/decompress.h"
#include "core/error.h"

#define NOW 1763769600 /* 2025-11-22T00:00:00Z, as ks_test_ctx */
#define LISTS "var/lib/apt/lists/"
#define SEC "deb.debian.org_debian-security_dists_bookworm-security_"
#define MAIN "deb.debian.org_debian_dists_bookworm_"

/* ---- helpers ---- */

static bool has_diag(ks_collect_ctx *ctx, const char *path, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if ((!path || (d->path && strcmp(d->path, path) == 0)) && (line < 0 || d->line == line) &&
		    strstr(d->message, needle))
			return true;
	}
	return false;
}

static void dump_diags(ks_collect_ctx *ctx)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		print_message("diag %s:%d %s\n", d->path ? d->path : "-", d->line, d->message);
	}
}

static const ks_fact *fact(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	if (!f)
		fail_msg("fact %s not set", key);
	return f;
}

static const char *reason(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = fact(ctx, key);
	if (f->value.type != KS_VAL_UNKNOWN)
		fail_msg("fact %s is known", key);
	return f->reason;
}

static const char *field(const ks_value *rec, const char *key)
{
	const ks_value *v = ks_record_get(rec, key);
	if (!v || v->type != KS_VAL_STR)
		fail_msg("record field %s missing", key);
	return v->u.str.s;
}

static long long ifield(const ks_value *rec, const char *key)
{
	const ks_value *v = ks_record_get(rec, key);
	if (!v || v->type != KS_VAL_INT)
		fail_msg("record field %s missing", key);
	return (long long)v->u.i;
}

static const ks_value *list(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = fact(ctx, key);
	if (f->value.type != KS_VAL_LIST)
		fail_msg("fact %s is not a list (reason %s)", key, f->reason ? f->reason : "-");
	return &f->value;
}

static void set_mtime(const char *root, const char *rel, time_t t)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	struct timespec ts[2] = {{t, 0}, {t, 0}};
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static void write_bin(const char *root, const char *rel, const void *data, size_t n)
{
	ks_test_write(root, rel, ""); /* parents */
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_int_equal(ks_collect_apt(ctx), 0);
	return ctx;
}

/* ---- compressors (the test's side only) ---- */

static void *gz(const char *in, size_t n, size_t *out_n)
{
	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, n) + 64;
	unsigned char *out = malloc(cap);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_n = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

static void *xz(const char *in, size_t n, size_t *out_n)
{
	size_t cap = lzma_stream_buffer_bound(n);
	unsigned char *out = malloc(cap);
	*out_n = 0;
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)in, n, out, out_n, cap),
	                 LZMA_OK);
	return out;
}

static void *lz4(const char *in, size_t n, size_t *out_n)
{
	size_t cap = LZ4F_compressFrameBound(n, NULL);
	void *out = malloc(cap);
	*out_n = LZ4F_compressFrame(out, cap, in, n, NULL);
	assert_false(LZ4F_isError(*out_n));
	return out;
}

static void *zst(const char *in, size_t n, size_t *out_n)
{
	size_t cap = ZSTD_compressBound(n);
	void *out = malloc(cap);
	*out_n = ZSTD_compress(out, cap, in, n, 3);
	assert_false(ZSTD_isError(*out_n));
	return out;
}

/* ---- a Debian 12 tree with a security suite ---- */

static const char status_file[] =
	"Package: dpkg\n"                      /* 1 */
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 1.21.22\n"
	"\n"
	"Package: libssl3\n"                   /* 6 */
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 3.0.11-1~deb12u2\n"
	"\n"
	"Package: tzdata\n"                    /* 11 */
	"Status: install ok installed\n"
	"Architecture: all\n"
	"Version: 2024a-0+deb12u1\n"
	"\n"
	"Package: libc6\n"                     /* 16 */
	"Status: install ok installed\n"
	"Architecture: i386\n"
	"Version: 2.36-9+deb12u4\n"
	"\n"
	"Package: libc6\n"                     /* 21 */
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 2.36-9+deb12u4\n"
	"\n"
	"Package: openssh-server\n"            /* 26 */
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 1:9.2p1-2+deb12u5\n"
	"\n"
	"Package: removed-pkg\n"               /* 31 */
	"Status: deinstall ok config-files\n"
	"Architecture: amd64\n"
	"Version: 1.0-1\n"
	"\n"
	"Package: foreign-only\n"              /* 36 */
	"Status: install ok installed\n"
	"Architecture: arm64\n"
	"Version: 1.0-1\n"
	"\n"
	"Package: held\n"                      /* 41 */
	"Status: hold ok installed\n"
	"Architecture: amd64\n"
	"Version: 1.0-1\n";

static const char sources_list[] =
	"# Debian 12\n"
	"deb http://deb.debian.org/debian bookworm main\n"
	"deb [arch=amd64,i386 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
	"http://deb.debian.org/debian-security bookworm-security main # security\n"
	"deb-src http://deb.debian.org/debian bookworm main\n";

static const char sec_inrelease[] =
	"-----BEGIN PGP SIGNED MESSAGE-----\n"            /* 1 */
	"Hash: SHA256\n"
	"\n"
	"Origin: Debian\n"                                 /* 4 */
	"Label: Debian-Security\n"                         /* 5 */
	"Suite: stable-security\n"
	"Version: 12\n"
	"Codename: bookworm-security\n"                    /* 8 */
	"Date: Wed, 19 Nov 2025 08:00:00 UTC\n"            /* 9 */
	"Valid-Until: Wed, 26 Nov 2025 08:00:00 UTC\n"     /* 10 */
	"Acquire-By-Hash: yes\n"
	"Architectures: amd64 arm64 armhf i386 ppc64el\n"
	"Components: updates/main updates/contrib updates/non-free-firmware updates/non-free\n"
	"Description: Debian 12 - Security Updates\n"
	"SHA256:\n"
	" e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855        0 contrib/Contents-amd64\n"
	"- -Date: this dash-escaped line is not a field\n"
	"-----BEGIN PGP SIGNATURE-----\n"
	"\n"
	"iQIzBAEBCAAdFiEEsMq5Jm6MOSl5iz7uvebSuSFux6gFAmk\n"
	"-----END PGP SIGNATURE-----\n";

static const char main_release[] =
	"Origin: Debian\n"
	"Label: Debian\n"
	"Suite: stable\n"
	"Version: 12.12\n"
	"Codename: bookworm\n"
	"Date: Sat, 08 Nov 2025 10:00:00 UTC\n"
	"Architectures: all amd64 arm64 armel armhf i386 mips64el mipsel ppc64el s390x\n"
	"Components: main contrib non-free-firmware non-free\n";

static const char sec_packages_amd64[] =
	"Package: libssl3\n"                            /* 1 */
	"Version: 3.0.17-1~deb12u2\n"
	"Architecture: amd64\n"
	"Description: Secure Sockets Layer toolkit\n"
	" Package: fake-in-a-continuation\n"            /* 5 */
	"\n"
	"Package: tzdata\n"                             /* 7 */
	"Version: 2025b-0+deb12u1\n"
	"Architecture: all\n"
	"\n"
	"Package: libc6\n"                              /* 11 */
	"Version: 2.36-9+deb12u10\n"
	"Architecture: amd64\n"
	"\n"
	"Package: openssh-server\n"                     /* 15: older than installed */
	"Version: 1:9.2p1-2+deb12u3\n"
	"Architecture: amd64\n"
	"\n"
	"Package: removed-pkg\n"                        /* 19: not installed */
	"Version: 2.0-1\n"
	"Architecture: amd64\n"
	"\n"
	"Package: fake-in-a-continuation\n"             /* 23 */
	"Version: 9\n"
	"Architecture: amd64\n"
	"\n"
	"Package: libssl3\n"                            /* 27: a lower duplicate */
	"Version: 3.0.15-1~deb12u1\n"
	"Architecture: amd64\n"
	"\n"
	"Package: foreign-only\n"                       /* 31: arm64 is not a dpkg architecture here */
	"Version: 2.0-1\n"
	"Architecture: arm64\n"
	"\n"
	"Package: held\n"                               /* 35 */
	"Version: 1.0-1+deb12u1\n"
	"Architecture: amd64\n";

static const char sec_packages_i386[] =
	"Package: libc6\n"
	"Version: 2.36-9+deb12u10\n"
	"Architecture: i386\n";

static char *debian_tree(void)
{
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/lib/dpkg/status", status_file);
	ks_test_write(root, "var/lib/dpkg/arch", "amd64\ni386\n");
	ks_test_write(root, "etc/apt/sources.list", sources_list);
	ks_test_write(root, LISTS SEC "InRelease", sec_inrelease);
	ks_test_write(root, LISTS SEC "main_binary-amd64_Packages", sec_packages_amd64);
	ks_test_write(root, LISTS SEC "main_binary-i386_Packages", sec_packages_i386);
	ks_test_write(root, LISTS MAIN "Release", main_release);
	ks_test_write(root, LISTS MAIN "main_binary-amd64_Packages", "Package: libssl3\nVersion: 99\nArchitecture: amd64\n");
	set_mtime(root, LISTS SEC "InRelease", NOW - 2 * 86400 - 3600);
	set_mtime(root, LISTS MAIN "Release", NOW - 14 * 86400);
	return root;
}

static void test_pending_multiarch(void **state)
{
	(void)state;
	char *root = debian_tree();
	ks_collect_ctx *ctx = run(root);
	dump_diags(ctx);

	assert_true(ks_test_fact_bool(ctx, "apt.security_suite_configured"));
	const ks_fact *f = fact(ctx, "apt.security_suite_configured");
	assert_string_equal(f->source.path, "/etc/apt/sources.list");
	assert_int_equal(f->source.line, 3);

	const ks_value *src = list(ctx, "apt.sources");
	assert_int_equal(src->u.list.n, 3);
	assert_string_equal(field(&src->u.list.items[1], "name"),
	                    "http://deb.debian.org/debian-security bookworm-security");
	assert_string_equal(field(&src->u.list.items[1], "source"), "/etc/apt/sources.list:3");
	assert_string_equal(field(&src->u.list.items[2], "source"), "/etc/apt/sources.list:4");

	const ks_value *suites = list(ctx, "apt.security_suites");
	assert_int_equal(suites->u.list.n, 1);
	const ks_value *s0 = &suites->u.list.items[0];
	assert_string_equal(field(s0, "name"), "bookworm-security");
	assert_string_equal(field(s0, "label"), "Debian-Security");
	assert_string_equal(field(s0, "codename"), "bookworm-security");
	assert_int_equal(ifield(s0, "date"), 1763539200);
	assert_int_equal(ifield(s0, "age_days"), 2);
	assert_int_equal(ifield(s0, "valid_until"), 1763539200 + 7 * 86400);
	assert_string_equal(field(s0, "source"), "/" LISTS SEC "InRelease");

	assert_int_equal(ks_test_fact_int(ctx, "apt.security_release_age_days"), 2);
	f = fact(ctx, "apt.security_release_age_days");
	assert_string_equal(f->source.path, "/" LISTS SEC "InRelease");
	assert_int_equal(f->source.line, 9);
	assert_int_equal(ks_test_fact_int(ctx, "apt.lists_age_days"), 2);
	assert_non_null(strstr(fact(ctx, "apt.lists_age_days")->source.probe, SEC "InRelease"));

	const ks_value *p = list(ctx, "updates.pending_security");
	assert_int_equal(ks_test_fact_int(ctx, "updates.pending_security_count"), 5);
	assert_int_equal(p->u.list.n, 5);
	static const char *const want[][6] = {
		{"held", "amd64", "1.0-1", "1.0-1+deb12u1", "_main_binary-amd64_Packages:35", "installed 1.0-1 < security 1.0-1+deb12u1"},
		{"libc6", "amd64", "2.36-9+deb12u4", "2.36-9+deb12u10", "_main_binary-amd64_Packages:11", NULL},
		{"libc6", "i386", "2.36-9+deb12u4", "2.36-9+deb12u10", "_main_binary-i386_Packages:1", NULL},
		{"libssl3", "amd64", "3.0.11-1~deb12u2", "3.0.17-1~deb12u2", "_main_binary-amd64_Packages:1", NULL},
		{"tzdata", "all", "2024a-0+deb12u1", "2025b-0+deb12u1", "_main_binary-amd64_Packages:7", NULL},
	};
	for (size_t i = 0; i < 5; i++) {
		const ks_value *r = &p->u.list.items[i];
		assert_string_equal(field(r, "name"), want[i][0]);
		assert_string_equal(field(r, "arch"), want[i][1]);
		assert_string_equal(field(r, "installed"), want[i][2]);
		assert_string_equal(field(r, "candidate"), want[i][3]);
		assert_string_equal(field(r, "suite"), "bookworm-security");
		const char *where = field(r, "source");
		assert_non_null(strstr(where, "/var/lib/apt/lists/" SEC));
		assert_non_null(strstr(where, want[i][4]));
		if (want[i][5])
			assert_string_equal(field(r, "summary"), want[i][5]);
	}
	assert_false(ks_test_fact_bool(ctx, "system.reboot_required"));
	assert_string_equal(fact(ctx, "system.reboot_required")->source.probe,
	                    "not applicable to an image (no running kernel)");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_no_pending_and_superseded(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/lib/dpkg/status",
	              "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.21.22\n\n"
	              "Package: patched\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1+deb12u2\n\n"
	              "Package: superseded\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n");
	ks_test_write(root, "etc/apt/sources.list",
	              "deb http://deb.debian.org/debian bookworm main\n"
	              "deb http://deb.debian.org/debian bookworm-updates main\n"
	              "deb http://deb.debian.org/debian-security bookworm-security main\n");
	ks_test_write(root, LISTS SEC "InRelease", sec_inrelease);
	/* "patched" has the point-release version that superseded the security fix: nothing pending.
	 * "superseded" is still below the security version: pending, though bookworm-updates has an
	 * even newer version (whose Packages file is never read). */
	ks_test_write(root, LISTS SEC "main_binary-amd64_Packages",
	              "Package: patched\nVersion: 1.0-1+deb12u1\nArchitecture: amd64\n\n"
	              "Package: superseded\nVersion: 1.0-1+deb12u1\nArchitecture: amd64\n");
	ks_test_write(root, LISTS "deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages",
	              "Package: superseded\nVersion: 1.0-1+deb12u2\nArchitecture: amd64\n");
	set_mtime(root, LISTS SEC "InRelease", NOW - 3600);
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "updates.pending_security_count"), 1);
	const ks_value *p = list(ctx, "updates.pending_security");
	assert_string_equal(field(&p->u.list.items[0], "name"), "superseded");
	assert_string_equal(field(&p->u.list.items[0], "candidate"), "1.0-1+deb12u1");
	assert_int_equal(ks_test_fact_int(ctx, "apt.lists_age_days"), 0);
	/* Nothing pending at all: count 0, known. */
	ks_test_ctx_free(ctx);
	ks_test_write(root, LISTS SEC "main_binary-amd64_Packages",
	              "Package: patched\nVersion: 1.0-1+deb12u1\nArchitecture: amd64\n");
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "updates.pending_security_count"), 0);
	assert_int_equal(list(ctx, "updates.pending_security")->u.list.n, 0);
	assert_non_null(strstr(fact(ctx, "updates.pending_security_count")->source.probe, "1 security Packages file"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_no_security_suite(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/lib/dpkg/status",
	              "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.21.22\n");
	ks_test_write(root, "etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n");
	ks_test_write(root, LISTS MAIN "InRelease", main_release);
	set_mtime(root, LISTS MAIN "InRelease", NOW - 86400 * 3);
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "apt.security_suite_configured"));
	assert_non_null(strstr(fact(ctx, "apt.security_suite_configured")->source.probe, "among 1 source"));
	assert_string_equal(reason(ctx, "apt.security_release_age_days"), "no security suite configured");
	assert_string_equal(reason(ctx, "updates.pending_security_count"), "no security suite configured");
	assert_int_equal(list(ctx, "apt.security_suites")->u.list.n, 0);
	assert_int_equal(ks_test_fact_int(ctx, "apt.lists_age_days"), 3);
	ks_test_ctx_free(ctx);

	/* No sources at all. */
	ks_test_write(root, "etc/apt/sources.list", "# nothing\n");
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "apt.security_suite_configured"));
	assert_int_equal(list(ctx, "apt.sources")->u.list.n, 0);
	assert_string_equal(reason(ctx, "apt.lists_age_days"), "no apt sources configured");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_lists_never_downloaded(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/lib/dpkg/status",
	              "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.21.22\n");
	ks_test_write(root, "etc/apt/sources.list.d/debian.sources",
	              "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n"
	              "Components: main\n");
	ks_collect_ctx *ctx = run(root);
	/* Recognised by its name without a Release file. */
	assert_true(ks_test_fact_bool(ctx, "apt.security_suite_configured"));
	assert_int_equal(fact(ctx, "apt.security_suite_configured")->source.line, 1);
	assert_non_null(strstr(reason(ctx, "apt.security_release_age_days"), "lists never downloaded"));
	assert_non_null(strstr(reason(ctx, "apt.lists_age_days"), "lists never downloaded"));
	const char *why = reason(ctx, "updates.pending_security_count");
	assert_non_null(strstr(why, "security lists missing"));
	assert_non_null(strstr(why, SEC "InRelease"));
	ks_test_ctx_free(ctx);

	/* Release downloaded but a Packages file is missing: nothing found proves nothing... */
	ks_test_write(root, LISTS SEC "InRelease", sec_inrelease);
	ctx = run(root);
	assert_non_null(strstr(reason(ctx, "updates.pending_security_count"), SEC "main_binary-amd64_Packages"));
	assert_int_equal(ks_test_fact_int(ctx, "apt.security_release_age_days"), 2);
	ks_test_ctx_free(ctx);
	/* ...while a pending update found in the lists present is certain. */
	ks_test_write(root, "var/lib/dpkg/arch", "amd64\ni386\n");
	ks_test_write(root, LISTS SEC "main_binary-amd64_Packages",
	              "Package: dpkg\nVersion: 1.21.23\nArchitecture: amd64\n");
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "updates.pending_security_count"), 1);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_no_dpkg(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/apt/sources.list", sources_list);
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(list(ctx, "apt.sources")->u.list.n, 3);
	static const char *const keys[] = {"apt.security_suite_configured", "apt.security_suites",
	                                   "apt.security_release_age_days", "apt.lists_age_days",
	                                   "updates.pending_security", "updates.pending_security_count"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		assert_non_null(strstr(reason(ctx, keys[i]), "package manager not supported yet"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_sources_one_line(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	static const char text[] =
		"# comment\n"                                                                    /* 1 */
		"   \n"
		"deb http://deb.debian.org/debian bookworm main contrib non-free-firmware\n"     /* 3 */
		"deb [ arch=amd64 signed-by=/usr/share/keyrings/x.gpg ] https://u:p@example.org:8443/deb stable main # c\n"
		"deb-src [arch=amd64,arm64] http://deb.debian.org/debian bookworm main\n"        /* 5 */
		"deb [trusted=yes#x] file:/srv/repo ./\n"                                         /* 6: '#' inside [] */
		"deb http://deb.debian.org/debian\n"                                              /* 7: no dist */
		"deb http://deb.debian.org/debian bookworm\n"                                     /* 8: no component */
		"rpm http://example.org/ stable main\n"                                           /* 9 */
		"deb [arch=amd64 http://example.org/ stable main\n"                              /* 10 */
		"deb example.org stable main\n"                                                   /* 11: URI without scheme */
		"deb http://example.org/ ./ main\n"                                               /* 12 */
		"deb \"http://example.org/with space\" stable main\n"                            /* 13 */
		"\tdeb\thttp://deb.debian.org/debian-security\tbookworm-security\tmain\r\n";     /* 14 */
	ks_apt_sources s = {0};
	assert_int_equal(ks_apt_sources_parse_list(ctx, "/etc/apt/sources.list", text, strlen(text), &s), 0);
	assert_int_equal(s.n, 6);
	assert_true(s.v[0].deb && !s.v[0].deb_src);
	assert_string_equal(s.v[0].uri, "http://deb.debian.org/debian");
	assert_string_equal(s.v[0].suite, "bookworm");
	assert_int_equal(s.v[0].ncomponents, 3);
	assert_string_equal(s.v[0].components[2], "non-free-firmware");
	assert_int_equal(s.v[0].line, 3);
	assert_string_equal(s.v[1].uri, "https://u:p@example.org:8443/deb");
	assert_int_equal(s.v[1].narchs, 1);
	assert_string_equal(s.v[1].archs[0], "amd64");
	assert_int_equal(s.v[1].ncomponents, 1);
	assert_true(s.v[2].deb_src && !s.v[2].deb);
	assert_int_equal(s.v[2].narchs, 2);
	assert_string_equal(s.v[2].archs[1], "arm64");
	assert_string_equal(s.v[3].uri, "file:/srv/repo");
	assert_string_equal(s.v[3].suite, "./");
	assert_int_equal(s.v[3].ncomponents, 0);
	assert_int_equal(s.v[3].line, 6);
	assert_string_equal(s.v[4].uri, "http://example.org/with space");
	assert_string_equal(s.v[5].suite, "bookworm-security");
	assert_int_equal(s.v[5].line, 14);
	const char *p = "/etc/apt/sources.list";
	assert_true(has_diag(ctx, p, 7, "(dist)"));
	assert_true(has_diag(ctx, p, 8, "(component)"));
	assert_true(has_diag(ctx, p, 9, "type 'rpm' is not known"));
	assert_true(has_diag(ctx, p, 10, "options without ']'"));
	assert_true(has_diag(ctx, p, 11, "(URI)"));
	assert_true(has_diag(ctx, p, 12, "absolute dist"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_sources_deb822(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	static const char text[] =
		"# Debian 12 as the installer writes it\n"                 /* 1 */
		"Types: deb deb-src\n"                                      /* 2 */
		"URIs: http://deb.debian.org/debian\n"
		"Suites: bookworm\n"
		"  bookworm-updates\n"                                      /* 5: continued value */
		"Components: main non-free-firmware\n"
		"Signed-By: -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
		" .\n"
		" mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPS/V\n"
		" -----END PGP PUBLIC KEY BLOCK-----\n"                     /* 10 */
		"\n"
		"types: deb\n"                                              /* 12: names are case-insensitive */
		"uris: http://deb.debian.org/debian-security https://security.example/debian\n"
		"suites: bookworm-security\n"
		"components: main\n"
		"architectures: amd64\n"
		"\n"
		"Types: deb\n"                                              /* 18 */
		"URIs: http://disabled.example/\n"
		"Suites: stable\n"
		"Components: main\n"
		"Enabled: no\n"
		"\n"
		"Types: deb\n"                                              /* 24: no Components */
		"URIs: http://broken.example/\n"
		"Suites: stable\n"
		"\n"
		"Types: deb\n"                                              /* 28: flat */
		"URIs: http://flat.example/repo\n"
		"Suites: ./\n"
		"Enabled: yes\n"
		"\n"
		"Types: foo\n"                                              /* 33 */
		"URIs: http://x.example/\n"
		"Suites: s\n"
		"Components: c\n";
	ks_apt_sources s = {0};
	const char *p = "/etc/apt/sources.list.d/debian.sources";
	assert_int_equal(ks_apt_sources_parse_deb822(ctx, p, text, strlen(text), &s), 0);
	assert_int_equal(s.n, 5);
	assert_true(s.v[0].deb && s.v[0].deb_src);
	assert_string_equal(s.v[0].suite, "bookworm");
	assert_string_equal(s.v[1].suite, "bookworm-updates");
	assert_int_equal(s.v[1].line, 2);
	assert_int_equal(s.v[1].ncomponents, 2);
	assert_string_equal(s.v[2].uri, "http://deb.debian.org/debian-security");
	assert_string_equal(s.v[3].uri, "https://security.example/debian");
	assert_int_equal(s.v[3].line, 12);
	assert_int_equal(s.v[3].narchs, 1);
	assert_string_equal(s.v[4].suite, "./");
	assert_int_equal(s.v[4].ncomponents, 0);
	assert_true(has_diag(ctx, p, 24, "no Components"));
	assert_true(has_diag(ctx, p, 33, "type 'foo' is not known"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_sources_dir(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/lib/dpkg/status",
	              "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.21.22\n");
	ks_test_write(root, "etc/apt/sources.list.d/a.list", "deb http://a.example/ s main\n");
	ks_test_write(root, "etc/apt/sources.list.d/b.sources",
	              "Types: deb\nURIs: http://b.example/\nSuites: s\nComponents: main\n");
	ks_test_write(root, "etc/apt/sources.list.d/c.list.disabled", "deb http://c.example/ s main\n");
	ks_test_write(root, "etc/apt/sources.list.d/d.list.save", "deb http://d.example/ s main\n");
	ks_test_write(root, "etc/apt/sources.list.d/bad name.list", "deb http://e.example/ s main\n");
	ks_test_write(root, "etc/apt/sources.list.d/.hidden.list", "deb http://f.example/ s main\n");
	ks_collect_ctx *ctx = run(root);
	const ks_value *l = list(ctx, "apt.sources");
	assert_int_equal(l->u.list.n, 2);
	assert_string_equal(field(&l->u.list.items[0], "source"), "/etc/apt/sources.list.d/a.list:1");
	assert_string_equal(field(&l->u.list.items[1], "source"), "/etc/apt/sources.list.d/b.sources:1");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_list_names(void **state)
{
	(void)state;
	ks_arena *a = ks_arena_new();
	static const char *const cases[][3] = {
		{"http://deb.debian.org/debian-security", "dists/bookworm-security/InRelease",
		 "deb.debian.org_debian-security_dists_bookworm-security_InRelease"},
		{"http://deb.debian.org/debian/", "dists/bookworm/main/binary-amd64/Packages",
		 "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"},
		{"https://user:secret@example.org:8443/deb", "dists/stable/InRelease",
		 "example.org:8443_deb_dists_stable_InRelease"},
		{"http://example.org:080/x", "InRelease", "example.org:80_x_InRelease"},
		{"http://security.debian.org/debian-security", "dists/buster/updates/InRelease",
		 "security.debian.org_debian-security_dists_buster_updates_InRelease"},
		{"file:/srv/repo", "./InRelease", "_srv_repo_._InRelease"},
		{"http://example.org/~user/my_repo", "dists/a=b/InRelease",
		 "example.org_%7euser_my%5frepo_dists_a%3db_InRelease"},
		{"tor+http://onion.example/debian", "dists/s/Release", "onion.example_debian_dists_s_Release"},
		{"http://[::1]:3142/debian", "dists/s/Release", "::1:3142_debian_dists_s_Release"},
		{"http://example.org/with space", "x", "example.org_with%20space_x"},
		{"http://ppa.launchpadcontent.net/deadsnakes/ppa/ubuntu", "dists/jammy/InRelease",
		 "ppa.launchpadcontent.net_deadsnakes_ppa_ubuntu_dists_jammy_InRelease"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *got = ks_apt_list_name(a, cases[i][0], cases[i][1]);
		assert_non_null(got);
		if (strcmp(got, cases[i][2]) != 0)
			fail_msg("%s + %s: got %s, want %s", cases[i][0], cases[i][1], got, cases[i][2]);
	}
	ks_arena_free(a);
}

static void test_release_parse(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_apt_release r;
	const char *p = "/x_InRelease";
	assert_int_equal(ks_apt_release_parse_buffer(ctx, p, sec_inrelease, strlen(sec_inrelease), &r), 0);
	assert_true(r.clearsigned);
	assert_string_equal(r.origin, "Debian");
	assert_string_equal(r.label, "Debian-Security");
	assert_int_equal(r.label_line, 5);
	assert_string_equal(r.suite, "stable-security");
	assert_string_equal(r.codename, "bookworm-security");
	assert_int_equal(r.codename_line, 8);
	assert_true(r.has_date && r.has_valid_until);
	assert_int_equal(r.date, 1763539200);
	assert_int_equal(r.date_line, 9);
	assert_int_equal(r.valid_until_line, 10);
	assert_true(ks_apt_release_is_security(&r));
	assert_int_equal(ks_diags_count(ctx->diags), 0);

	/* Plain Release, CRLF, a second paragraph that apt ignores, a malformed line and date. */
	static const char rel[] =
		"\r\n"
		"Origin: Ubuntu\r\n"           /* 2 */
		"Label: Ubuntu\r\n"
		"Suite: jammy-security\r\n"    /* 4 */
		"Codename: jammy\r\n"
		"not a field\r\n"              /* 6 */
		"Date: 32 Nov 2025 00:00:00 UTC\r\n"  /* 7 */
		"\r\n"
		"Label: Debian-Security\r\n";
	assert_int_equal(ks_apt_release_parse_buffer(ctx, "/r", rel, strlen(rel), &r), 0);
	assert_false(r.clearsigned);
	assert_string_equal(r.label, "Ubuntu");
	assert_int_equal(r.suite_line, 4);
	assert_false(r.has_date);
	assert_true(ks_apt_release_is_security(&r)); /* Suite jammy-security */
	assert_true(has_diag(ctx, "/r", 6, "expected 'Field: value'"));
	assert_true(has_diag(ctx, "/r", 7, "RFC 2822"));

	static const char upd[] = "Origin: Debian\nLabel: Debian\nSuite: stable-updates\nCodename: bookworm-updates\n";
	assert_int_equal(ks_apt_release_parse_buffer(ctx, "/u", upd, strlen(upd), &r), 0);
	assert_false(ks_apt_release_is_security(&r));

	/* Clearsigned without its signature: reported, still read. */
	static const char nosig[] = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nLabel: Debian-Security\n";
	assert_int_equal(ks_apt_release_parse_buffer(ctx, "/n", nosig, strlen(nosig), &r), 0);
	assert_string_equal(r.label, "Debian-Security");
	assert_true(has_diag(ctx, "/n", 0, "without a signature"));
	/* Nothing usable. */
	assert_int_equal(ks_apt_release_parse_buffer(ctx, "/e", "", 0, &r), 0);
	assert_true(has_diag(ctx, "/e", 0, "no Release fields"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_dates(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		long long want; /* -1: rejected */
	} cases[] = {
		{"Sat, 22 Nov 2025 00:00:00 UTC", 1763769600},
		{"Sat, 22 Nov 2025 00:00:00 GMT", 1763769600},
		{"22 Nov 2025 00:00:00 +0000", 1763769600},
		{"Sat, 22 Nov 2025 09:00:00 +0900", 1763769600},
		{"Fri, 21 Nov 2025 19:30:00 -0430", 1763769600},
		{"Sat,  2 Nov 2025 00:00 Z", 1762041600},
		{"sat, 22 nov 2025 00:00:00 UTC", 1763769600},
		{"Thu, 01 Jan 1970 00:00:00 UTC", 0},
		{"Thu, 29 Feb 2024 12:00:00 UTC", 1709208000},
		{"Sat, 29 Feb 2025 12:00:00 UTC", -1},
		{"Sat, 22 Nov 2025 24:00:00 UTC", -1},
		{"Sat, 22 Foo 2025 00:00:00 UTC", -1},
		{"Sat, 22 Nov 25 00:00:00 UTC", -1},
		{"Sat, 22 Nov 2025 00:00:00 CET", -1},
		{"Sat, 22 Nov 2025 00:00:00", -1},
		{"2025-11-22T00:00:00Z", -1},
		{"", -1},
		{"Sat, 22 Nov 2025 00:00:00 UTC trailing", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int64_t t = -12345;
		bool ok = ks_apt_parse_date(cases[i].s, strlen(cases[i].s), &t);
		if (ok != (cases[i].want != -1) || (ok && t != cases[i].want))
			fail_msg("'%s': ok %d t %lld, want %lld", cases[i].s, ok, (long long)t, cases[i].want);
	}
}

static void test_packages_malformed(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_test_write(root, "var/lib/dpkg/status", status_file);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	const ks_value *inst = &ks_fact_get(ctx->facts, "packages.installed")->value;
	ks_apt_index *ix;
	assert_int_equal(ks_apt_index_new(ctx, inst, "amd64", NULL, 0, &ix), 0);
	static const char pk[] =
		"Version: 1\n"                               /* 1: no Package */
		"\n"
		"Package: libssl3\n"                          /* 3 */
		"Version: 3.0.17 -1\n"                        /* embedded space */
		"Architecture: amd64\n"
		"\n"
		"Package: libssl3\n"                          /* 7 */
		"Architecture: amd64\n"
		"\n"
		"Package: libc6\n"                            /* 10 */
		"Version: 9:9\n"
		"\n"
		"  \t \n"                                     /* blank-only line ends nothing more */
		"package: LIBC6\n"                            /* 14: names are case-sensitive */
		"version: 9\n"
		"architecture: amd64\n"
		"\n"
		"PACKAGE: tzdata\r\n"                         /* 18: field names are not */
		"VERSION: 2099-1\r\n"
		"ARCHITECTURE: all\r\n"
		"\r\n"
		"Package: libc6\n"                            /* 22 */
		"Version: a1\n"                               /* dpkg would only warn: we refuse */
		"Architecture: amd64\n";
	assert_int_equal(ks_apt_packages_parse_buffer(ctx, ix, "/P", "s", pk, strlen(pk)), 0);
	ks_value pend;
	size_t und;
	assert_int_equal(ks_apt_index_pending(ctx, ix, &pend, &und), 0);
	assert_int_equal(und, 0);
	assert_int_equal(pend.u.list.n, 1);
	assert_string_equal(field(&pend.u.list.items[0], "name"), "tzdata");
	assert_string_equal(field(&pend.u.list.items[0], "source"), "/P:18");
	assert_true(has_diag(ctx, "/P", 1, "no Package field"));
	assert_true(has_diag(ctx, "/P", 3, "embedded spaces"));
	assert_true(has_diag(ctx, "/P", 7, "no Version field"));
	assert_true(has_diag(ctx, "/P", 10, "no Architecture field"));
	assert_true(has_diag(ctx, "/P", 22, "does not start with digit"));
	/* Arbitrary bytes and an empty buffer never crash. */
	static const char junk[] = "\0\0Package: \xff\n\n\n:\n Package: x\nPackage:\n";
	assert_int_equal(ks_apt_packages_parse_buffer(ctx, ix, "/J", "s", junk, sizeof junk - 1), 0);
	assert_int_equal(ks_apt_packages_parse_buffer(ctx, ix, "/J", "s", "", 0), 0);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static const char plain_packages[] =
	"Package: libssl3\nVersion: 3.0.17-1~deb12u2\nArchitecture: amd64\n\n"
	"Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n";

typedef void *(*compressor)(const char *, size_t, size_t *);

static void test_compressed_lists(void **state)
{
	(void)state;
	static const struct {
		const char *ext;
		compressor fn;
	} fmts[] = {{".gz", gz}, {".xz", xz}, {".lz4", lz4}, {".zst", zst}};
	for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++) {
		char *root = ks_test_tmpdir();
		ks_test_write(root, "var/lib/dpkg/status", status_file);
		ks_test_write(root, "etc/apt/sources.list",
		              "deb http://deb.debian.org/debian-security bookworm-security main\n");
		ks_test_write(root, LISTS SEC "InRelease", sec_inrelease);
		size_t n;
		void *c = fmts[i].fn(plain_packages, strlen(plain_packages), &n);
		char rel[512];
		snprintf(rel, sizeof rel, LISTS SEC "main_binary-amd64_Packages%s", fmts[i].ext);
		write_bin(root, rel, c, n);
		free(c);
		ks_collect_ctx *ctx = run(root);
		const ks_value *p = list(ctx, "updates.pending_security");
		assert_int_equal(p->u.list.n, 1);
		const char *where = field(&p->u.list.items[0], "source");
		if (!strstr(where, fmts[i].ext) || !strstr(where, ":1"))
			fail_msg("%s: source %s", fmts[i].ext, where);
		ks_test_ctx_free(ctx);
		ks_test_rmtree(root);
		free(root);
	}
}

static void test_decompress_read(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	const char *text = plain_packages;
	size_t tl = strlen(text);
	compressor fns[] = {gz, xz, lz4, zst};
	const char *names[] = {"/f.gz", "/f.xz", "/f.lz4", "/f.zst"};
	for (size_t i = 0; i < 4; i++) {
		size_t n;
		unsigned char *c = fns[i](text, tl, &n);
		write_bin(root, names[i], c, n);
		char *out;
		size_t ol;
		assert_int_equal(ks_decompress_read(ctx, names[i], 1 << 20, &out, &ol), 0);
		assert_int_equal(ol, tl);
		assert_memory_equal(out, text, tl);
		assert_int_equal(out[ol], '\0');
		free(out);
		/* Truncated: reported, never accepted as shorter text. */
		write_bin(root, "/t.bin", c, n - 3);
		assert_int_equal(ks_decompress_read(ctx, "/t.bin", 1 << 20, &out, &ol), KS_EPARSE);
		assert_null(out);
		assert_true(has_diag(ctx, "/t.bin", 0, "data"));
		/* Concatenated streams/members/frames decode as one (gzip(1), xz(1), lz4(1), zstd(1)). */
		unsigned char *two = malloc(2 * n);
		memcpy(two, c, n);
		memcpy(two + n, c, n);
		write_bin(root, "/two.bin", two, 2 * n);
		assert_int_equal(ks_decompress_read(ctx, "/two.bin", 1 << 20, &out, &ol), 0);
		assert_int_equal(ol, 2 * tl);
		free(out);
		free(two);
		/* The same through the in-memory entry point. */
		assert_int_equal(ks_decompress_buffer(ks_compression_sniff(c, n), c, n, 1 << 20, &out, &ol, NULL), 0);
		assert_int_equal(ol, tl);
		free(out);
		free(c);
	}
	char *out;
	size_t ol;
	/* Plain file; missing file (silent); suffix that lies; bzip2; empty compressed file. */
	ks_test_write(root, "/plain", "Package: x\n");
	assert_int_equal(ks_decompress_read(ctx, "/plain", 100, &out, &ol), 0);
	assert_int_equal(ol, 11);
	free(out);
	size_t nd = ks_diags_count(ctx->diags);
	assert_int_equal(ks_decompress_read(ctx, "/missing.gz", 100, &out, &ol), KS_ENOENT);
	assert_int_equal(ks_diags_count(ctx->diags), nd);
	ks_test_write(root, "/liar.xz", "Package: x\n");
	assert_int_equal(ks_decompress_read(ctx, "/liar.xz", 100, &out, &ol), KS_EPARSE);
	assert_true(has_diag(ctx, "/liar.xz", 0, "not in the format its name says"));
	ks_test_write(root, "/b.bz2", "BZh91AY&SY");
	assert_int_equal(ks_decompress_read(ctx, "/b.bz2", 100, &out, &ol), KS_EPARSE);
	assert_true(has_diag(ctx, "/b.bz2", 0, "bzip2 compression is not supported"));
	ks_test_write(root, "/empty.zst", "");
	assert_int_equal(ks_decompress_read(ctx, "/empty.zst", 100, &out, &ol), KS_EPARSE);
	assert_int_equal(ks_decompress_buffer(KS_COMP_GZIP, "", 0, 100, &out, &ol, NULL), KS_EPARSE);
	/* A plain file over the cap. */
	assert_int_equal(ks_decompress_read(ctx, "/plain", 5, &out, &ol), KS_ETOOBIG);
	assert_null(out);
	/* Garbage after the gzip magic. */
	write_bin(root, "/g.gz", "\x1f\x8b\x08\x00garbagegarbage", 18);
	assert_int_equal(ks_decompress_read(ctx, "/g.gz", 100, &out, &ol), KS_EPARSE);
	assert_true(has_diag(ctx, "/g.gz", 0, "gzip"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* 16 MiB of zeros compresses to a few KiB: it must stop at a 1 MiB cap with a diagnostic, in
 * every format, and allocate no more than about the cap. */
static void test_decompression_bomb(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	size_t big = 16u << 20;
	char *zeros = calloc(1, big);
	compressor fns[] = {gz, xz, lz4, zst};
	const char *names[] = {"/bomb.gz", "/bomb.xz", "/bomb.lz4", "/bomb.zst"};
	for (size_t i = 0; i < 4; i++) {
		size_t n;
		void *c = fns[i](zeros, big, &n);
		assert_true(n < big / 100);
		write_bin(root, names[i], c, n);
		char *out;
		size_t ol;
		assert_int_equal(ks_decompress_read(ctx, names[i], 1u << 20, &out, &ol), KS_ETOOBIG);
		assert_null(out);
		assert_true(has_diag(ctx, names[i], 0, "exceeds the cap"));
		assert_true(has_diag(ctx, names[i], 0, "decompression bomb"));
		const char *why = NULL;
		assert_int_equal(ks_decompress_buffer(ks_compression_sniff(c, n), c, n, 1u << 20, &out, &ol, &why),
		                 KS_ETOOBIG);
		assert_non_null(why);
		/* Exactly at the cap is fine. */
		why = NULL;
		int rc = ks_decompress_buffer(ks_compression_sniff(c, n), c, n, big, &out, &ol, &why);
		if (rc != 0)
			fail_msg("%s at the cap: %d %s", names[i], rc, why ? why : "");
		assert_int_equal(ol, big);
		free(out);
		free(c);
	}
	free(zeros);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_reboot_required(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ctx->live = true; /* the flag file is read only on a running system */
	assert_int_equal(ks_collect_apt(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "system.reboot_required"));
	assert_string_equal(fact(ctx, "system.reboot_required")->source.probe, "no /run/reboot-required");
	assert_int_equal(list(ctx, "system.reboot_required_pkgs")->u.list.n, 0);
	ks_test_ctx_free(ctx);

	ks_test_write(root, "run/reboot-required", "*** System restart required ***\n");
	ks_test_write(root, "run/reboot-required.pkgs", "linux-image-6.1.0-41-amd64\nlibc6\n\nlibc6\n");
	ctx = ks_test_ctx(root);
	ctx->live = true;
	assert_int_equal(ks_collect_apt(ctx), 0);
	assert_true(ks_test_fact_bool(ctx, "system.reboot_required"));
	assert_string_equal(fact(ctx, "system.reboot_required")->source.path, "/run/reboot-required");
	const ks_value *l = list(ctx, "system.reboot_required_pkgs");
	assert_int_equal(l->u.list.n, 2);
	assert_string_equal(field(&l->u.list.items[0], "name"), "linux-image-6.1.0-41-amd64");
	assert_string_equal(field(&l->u.list.items[1], "source"), "/run/reboot-required.pkgs:2");
	ks_test_ctx_free(ctx);

	/* The same tree as an image: a flag file left in it means nothing. */
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_apt(ctx), 0);
	assert_false(ks_test_fact_bool(ctx, "system.reboot_required"));
	assert_non_null(strstr(reason(ctx, "system.reboot_required_pkgs"), "not applicable to an image"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_stale_and_ubuntu(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/lib/dpkg/status",
	              "Package: dpkg\nStatus: install ok installed\nArchitecture: arm64\nVersion: 1.21.1ubuntu2.3\n\n"
	              "Package: openssl\nStatus: install ok installed\nArchitecture: arm64\nVersion: 3.0.2-0ubuntu1.18\n");
	ks_test_write(root, "etc/apt/sources.list",
	              "deb http://ports.ubuntu.com/ubuntu-ports jammy main restricted\n"
	              "deb http://ports.ubuntu.com/ubuntu-ports jammy-security main restricted\n");
	const char *rel = LISTS "ports.ubuntu.com_ubuntu-ports_dists_jammy-security_InRelease";
	ks_test_write(root, rel,
	              "Origin: Ubuntu\nLabel: Ubuntu\nSuite: jammy-security\nVersion: 22.04\nCodename: jammy\n"
	              "Date: Wed, 22 Oct 2025 10:00:00 UTC\n"
	              "Architectures: amd64 arm64 armhf i386 ppc64el riscv64 s390x\n"
	              "Components: main restricted universe multiverse\n");
	ks_test_write(root, LISTS "ports.ubuntu.com_ubuntu-ports_dists_jammy-security_main_binary-arm64_Packages.gz",
	              ""); /* replaced below */
	size_t n;
	static const char pk[] = "Package: openssl\nVersion: 3.0.2-0ubuntu1.20\nArchitecture: arm64\n";
	void *c = gz(pk, strlen(pk), &n);
	write_bin(root, LISTS "ports.ubuntu.com_ubuntu-ports_dists_jammy-security_main_binary-arm64_Packages.gz", c, n);
	free(c);
	set_mtime(root, rel, NOW - 31 * 86400);
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "apt.security_suite_configured"));
	assert_int_equal(fact(ctx, "apt.security_suite_configured")->source.line, 2);
	assert_int_equal(ks_test_fact_int(ctx, "apt.security_release_age_days"), 30);
	assert_int_equal(ks_test_fact_int(ctx, "apt.lists_age_days"), 31);
	assert_int_equal(ks_test_fact_int(ctx, "updates.pending_security_count"), 1);
	/* restricted has no Packages file: the pending update found is still certain. */
	const ks_value *p = list(ctx, "updates.pending_security");
	assert_string_equal(field(&p->u.list.items[0], "arch"), "arm64");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* Components split over several entries, one repeated: every Packages list is read once. */
static void test_duplicate_entries(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/lib/dpkg/status",
	              "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.21.22\n\n"
	              "Package: firmware-x\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n");
	ks_test_write(root, "etc/apt/sources.list",
	              "deb http://deb.debian.org/debian-security bookworm-security main\n"
	              "deb http://deb.debian.org/debian-security bookworm-security main contrib\n"
	              "deb http://deb.debian.org/debian-security/ bookworm-security main\n");
	ks_test_write(root, LISTS SEC "InRelease", sec_inrelease);
	ks_test_write(root, LISTS SEC "main_binary-amd64_Packages", "Package: dpkg\nVersion: 1.21.23\nArchitecture: amd64\n");
	ks_test_write(root, LISTS SEC "contrib_binary-amd64_Packages", "Package: firmware-x\nVersion: 2\nArchitecture: all\n");
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "updates.pending_security_count"), 2);
	assert_int_equal(list(ctx, "apt.security_suites")->u.list.n, 1); /* ".../debian-security/": the same suite */
	assert_non_null(strstr(fact(ctx, "updates.pending_security")->source.probe, "2 security Packages file"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending_multiarch),   cmocka_unit_test(test_no_pending_and_superseded),
		cmocka_unit_test(test_no_security_suite),   cmocka_unit_test(test_lists_never_downloaded),
		cmocka_unit_test(test_no_dpkg),             cmocka_unit_test(test_sources_one_line),
		cmocka_unit_test(test_sources_deb822),      cmocka_unit_test(test_sources_dir),
		cmocka_unit_test(test_list_names),          cmocka_unit_test(test_release_parse),
		cmocka_unit_test(test_dates),               cmocka_unit_test(test_packages_malformed),
		cmocka_unit_test(test_compressed_lists),    cmocka_unit_test(test_decompress_read),
		cmocka_unit_test(test_decompression_bomb),  cmocka_unit_test(test_reboot_required),
		cmocka_unit_test(test_stale_and_ubuntu),    cmocka_unit_test(test_duplicate_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
