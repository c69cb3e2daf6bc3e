/* host collector: hostname, machine-id validation, newest kernel of an image, arch, timezone. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "core/diag.h"

static void mkdir_in(const char *root, const char *rel)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/.keep", rel);
	ks_test_write(root, p, "");
}

static void link_in(const char *root, const char *target, const char *rel)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static void test_image(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/etc/hostname", "# set by the installer\n\nrad-ws01\n");
	ks_test_write(root, "/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
	/* Three kernels; 6.1.0-9 and 6.1.0-10 installed, 6.1.0-13 removed (a bare DKMS leftover). */
	mkdir_in(root, "lib/modules/6.1.0-9-amd64/kernel");
	mkdir_in(root, "lib/modules/6.1.0-10-amd64/kernel");
	mkdir_in(root, "lib/modules/6.1.0-13-amd64/updates/dkms");
	ks_test_write(root, "/boot/vmlinuz-5.10.0-28-amd64", "x");
	mkdir_in(root, "lib/modules/5.10.0-28-amd64");
	ks_test_write(root, "/var/lib/dpkg/arch", "amd64\ni386\n");
	ks_test_write(root, "/etc/timezone", "Asia/Tokyo\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_host(ctx), 0);
	assert_string_equal(ks_test_fact_str(ctx, "host.hostname"), "rad-ws01");
	assert_int_equal(ks_fact_get(ctx->facts, "host.hostname")->source.line, 3);
	assert_string_equal(ks_test_fact_str(ctx, "host.machine_id"), "0123456789abcdef0123456789abcdef");
	assert_string_equal(ks_fact_get(ctx->facts, "host.machine_id")->source.path, "/etc/machine-id");
	assert_string_equal(ks_test_fact_str(ctx, "host.kernel"), "6.1.0-10-amd64");
	assert_non_null(strstr(ks_fact_get(ctx->facts, "host.kernel")->source.probe, "/lib/modules/6.1.0-10-amd64"));
	assert_string_equal(ks_test_fact_str(ctx, "host.arch"), "amd64");
	assert_string_equal(ks_fact_get(ctx->facts, "host.arch")->source.path, "/var/lib/dpkg/arch");
	assert_true(ks_test_fact_is_unknown(ctx, "host.addresses"));
	assert_string_equal(ks_fact_get(ctx->facts, "host.addresses")->reason, "not available for an image");
	assert_string_equal(ks_test_fact_str(ctx, "host.timezone"), "Asia/Tokyo");
	assert_string_equal(ks_fact_get(ctx->facts, "host.timezone")->source.path, "/etc/timezone");
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_empty_image(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/etc/machine-id", "");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_host(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "host.hostname"));
	assert_true(ks_test_fact_is_unknown(ctx, "host.machine_id"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "host.machine_id")->reason, "empty"));
	assert_true(ks_test_fact_is_unknown(ctx, "host.kernel"));
	assert_true(ks_test_fact_is_unknown(ctx, "host.arch"));
	/* Neither /etc/timezone nor /etc/localtime: glibc falls back to UTC. */
	assert_string_equal(ks_test_fact_str(ctx, "host.timezone"), "UTC");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_bad_machine_id(void **state)
{
	(void)state;
	const char *bad[] = {"0123456789ABCDEF0123456789ABCDEF\n", "0123\n", "uninitialized\n",
	                     "0123456789abcdef0123456789abcdeg\n"};
	for (size_t i = 0; i < 4; i++) {
		char *root = ks_test_tmpdir();
		ks_test_write(root, "/etc/machine-id", bad[i]);
		ks_collect_ctx *ctx = ks_test_ctx(root);
		assert_int_equal(ks_collect_host(ctx), 0);
		assert_true(ks_test_fact_is_unknown(ctx, "host.machine_id"));
		ks_test_ctx_free(ctx);
		ks_test_rmtree(root);
		free(root);
	}
}

static void test_localtime_link(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/share/zoneinfo/Asia/Tokyo", "TZif2 tokyo");
	ks_test_write(root, "/usr/share/zoneinfo/Asia/Seoul", "TZif2 seoul");
	ks_test_write(root, "/usr/share/zoneinfo/posix/Asia/Tokyo", "TZif2 tokyo");
	link_in(root, "Asia/Tokyo", "usr/share/zoneinfo/Japan");
	ks_test_write(root, "/etc/hostname", "x\n");
	/* As timedatectl writes it: a relative link through the Japan alias. */
	link_in(root, "../usr/share/zoneinfo/Japan", "etc/localtime");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_host(ctx), 0);
	assert_string_equal(ks_test_fact_str(ctx, "host.timezone"), "Asia/Tokyo");
	assert_non_null(strstr(ks_fact_get(ctx->facts, "host.timezone")->source.probe, "Asia/Tokyo"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_localtime_copy(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/share/zoneinfo/Asia/Tokyo", "TZif2 tokyo");
	ks_test_write(root, "/etc/localtime", "TZif2 tokyo");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_host(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "host.timezone"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* A live scan probes uname() and getifaddrs(); files still win for the host name. */
static void test_live(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ctx->live = true;
	assert_int_equal(ks_collect_host(ctx), 0);
	struct utsname u;
	assert_int_equal(uname(&u), 0);
	assert_string_equal(ks_test_fact_str(ctx, "host.hostname"), u.nodename);
	assert_non_null(ks_fact_get(ctx->facts, "host.hostname")->source.probe);
	assert_string_equal(ks_test_fact_str(ctx, "host.kernel"), u.release);
	assert_string_equal(ks_fact_get(ctx->facts, "host.kernel")->source.probe, "uname() release");
	assert_string_equal(ks_test_fact_str(ctx, "host.arch"), u.machine);
	const ks_fact *f = ks_fact_get(ctx->facts, "host.addresses");
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	for (size_t i = 0; i < f->value.u.list.n; i++) {
		assert_int_equal(f->value.u.list.items[i].type, KS_VAL_STR);
		assert_string_not_equal(f->value.u.list.items[i].u.str.s, "127.0.0.1");
	}
	ks_test_ctx_free(ctx);

	ks_test_write(root, "/etc/hostname", "from-file\n");
	ctx = ks_test_ctx(root);
	ctx->live = true;
	assert_int_equal(ks_collect_host(ctx), 0);
	assert_string_equal(ks_test_fact_str(ctx, "host.hostname"), "from-file");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_invalid_hostname(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/etc/hostname", "bad_host name\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_host(ctx), 0);
	assert_string_equal(ks_test_fact_str(ctx, "host.hostname"), "bad_host name");
	assert_int_equal(ks_diags_count(ctx->diags), 1);
	assert_int_equal(ks_diags_at(ctx->diags, 0)->line, 1);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image),          cmocka_unit_test(test_empty_image),
		cmocka_unit_test(test_bad_machine_id), cmocka_unit_test(test_localtime_link),
		cmocka_unit_test(test_localtime_copy), cmocka_unit_test(test_live),
		cmocka_unit_test(test_invalid_hostname),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
