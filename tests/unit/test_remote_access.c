/* remote_access collector: packages and paths from profiles/remote-access.list, one entry per
 * product, and no pass-looking empty list when nothing could be checked. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "catalog/data.h"
#include "collect/collectors.h"
#include "core/diag.h"

static const char status[] =
	"Package: adduser\nStatus: install ok installed\nArchitecture: all\nVersion: 3.134\n\n"
	"Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\n" /* 6 */
	"Version: 1:9.2p1-2+deb12u3\n\n"
	"Package: teamviewer\nStatus: install ok installed\nArchitecture: amd64\n"     /* 11 */
	"Version: 15.48.4\n\n"
	"Package: telnetd\nStatus: deinstall ok config-files\nArchitecture: amd64\n"
	"Version: 0.17+2.4-2\n\n"
	"Package: xrdp\nStatus: install ok installed\nArchitecture: amd64\n"           /* 21 */
	"Version: 0.9.21.1-1\n";

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_int_equal(ks_collect_remote_access(ctx), 0);
	return ctx;
}

static const char *field(const ks_value *rec, const char *k)
{
	const ks_value *v = ks_record_get(rec, k);
	assert_non_null(v);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

static void test_packages_and_paths(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/var/lib/dpkg/status", status);
	ks_test_write(root, "/usr/sbin/sshd", "\177ELF"); /* same product as openssh-server */
	ks_test_write(root, "/opt/screenconnect-4f2a9c/ClientService", "x");
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "remote_access.count"), 4);
	const ks_fact *f = ks_fact_get(ctx->facts, "remote_access.software");
	assert_int_equal(f->value.type, KS_VAL_LIST);
	assert_int_equal(f->value.u.list.n, 4);
	const ks_value *it = f->value.u.list.items;
	assert_string_equal(field(&it[0], "name"), "OpenSSH server");
	assert_string_equal(field(&it[0], "kind"), "ssh");
	assert_string_equal(field(&it[0], "evidence"), "package openssh-server 1:9.2p1-2+deb12u3");
	assert_string_equal(field(&it[0], "source"), "/var/lib/dpkg/status:6");
	assert_string_equal(field(&it[1], "name"), "xrdp");
	assert_string_equal(field(&it[1], "kind"), "rdp");
	assert_string_equal(field(&it[1], "source"), "/var/lib/dpkg/status:21");
	assert_string_equal(field(&it[2], "name"), "TeamViewer");
	assert_string_equal(field(&it[2], "kind"), "remote-support");
	assert_string_equal(field(&it[3], "name"), "ConnectWise ScreenConnect");
	assert_string_equal(field(&it[3], "evidence"), "/opt/screenconnect-4f2a9c");
	assert_string_equal(field(&it[3], "source"), "/opt/screenconnect-4f2a9c");
	/* telnetd left only its configuration: not installed. */
	for (size_t i = 0; i < 4; i++)
		assert_string_not_equal(field(&it[i], "kind"), "remote-shell");
	/* The built-in list itself is well formed. */
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_nothing_installed(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/var/lib/dpkg/status",
	              "Package: adduser\nStatus: install ok installed\nArchitecture: all\nVersion: 3.134\n");
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "remote_access.count"), 0);
	assert_int_equal(ks_fact_get(ctx->facts, "remote_access.software")->value.u.list.n, 0);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_no_package_database(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = run(root);
	/* Nothing could be checked: unknown, never an empty (pass-looking) list. */
	assert_true(ks_test_fact_is_unknown(ctx, "remote_access.software"));
	assert_true(ks_test_fact_is_unknown(ctx, "remote_access.count"));
	ks_test_ctx_free(ctx);

	ks_test_write(root, "/usr/bin/anydesk", "x");
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "remote_access.count"), 1);
	const ks_fact *f = ks_fact_get(ctx->facts, "remote_access.software");
	assert_string_equal(field(&f->value.u.list.items[0], "name"), "AnyDesk");
	assert_non_null(strstr(f->source.probe, "lower bound"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_list_format(void **state)
{
	(void)state;
	size_t len;
	const char *data = ks_data_find("profiles/remote-access.list", &len);
	assert_non_null(data);
	/* Every product the issue names is covered. */
	const char *want[] = {"openssh-server\t", "dropbear", "tigervnc-standalone-server\t",
	                      "tightvncserver\t", "x11vnc\t", "vino\t", "xrdp\t", "teamviewer\t",
	                      "anydesk\t", "rustdesk\t", "realvnc-vnc-server\t", "chrome-remote-desktop\t",
	                      "telnetd\t", "inetutils-telnetd\t", "rsh-server\t", "/opt/screenconnect*\t",
	                      "splashtop-streamer\t"};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		if (!strstr(data, want[i]))
			fail_msg("remote-access.list lacks %s", want[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packages_and_paths), cmocka_unit_test(test_nothing_installed),
		cmocka_unit_test(test_no_package_database), cmocka_unit_test(test_list_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
