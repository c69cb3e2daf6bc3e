/* inetd collector: inetd.conf lines (openbsd-inetd, inetutils-inetd), update-inetd's "#<off>#",
 * tcpd, xinetd blocks and includes, and that nothing counts unless a super-server is enabled. */
#include "support.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "collect/inetd.h"
#include "core/diag.h"

static void mklink(const char *root, const char *rel, const char *target)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", root, rel[0] == '/' ? rel + 1 : rel);
	for (char *s = p + strlen(root) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				fail_msg("mkdir %s: %s", p, strerror(errno));
			*s = '/';
		}
	if (symlink(target, p) < 0)
		fail_msg("symlink %s: %s", p, strerror(errno));
}

static const ks_value *list_fact(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	if (f->value.type != KS_VAL_LIST)
		fail_msg("%s is not a list (reason: %s)", key, f->reason ? f->reason : "-");
	return &f->value;
}

static const char *field(const ks_value *rec, const char *key)
{
	const ks_value *v = ks_record_get(rec, key);
	assert_non_null(v);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

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

static void done(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* /etc/inetd.conf as Debian 12 leaves it after installing openbsd-inetd and telnetd
 * (inetutils-telnetd's postinst adds telnet disabled). */
static const char debian_inetd_conf[] =
	"# /etc/inetd.conf:  see inetd(8) for further informations.\n"
	"#\n"
	"# Internet superserver configuration database\n"
	"#\n"
	"#\n"
	"# Lines starting with \"#:LABEL:\" or \"#<off>#\" should not\n"
	"# be changed unless you know what you are doing!\n"
	"#\n"
	"# If you want to disable an entry so it isn't touched during\n"
	"# package updates just comment it out with a single '#' character.\n"
	"#\n"
	"# Packages should modify this file by using update-inetd(8)\n"
	"#\n"
	"# <service_name> <sock_type> <proto> <flags> <user> <server_path> <args>\n"
	"#\n"
	"#:INTERNAL: Internal services\n"
	"#echo\t\tstream\ttcp\tnowait\troot\tinternal\n"
	"#discard\t\tstream\ttcp\tnowait\troot\tinternal\n"
	"#discard\t\tdgram\tudp\twait\troot\tinternal\n"
	"#daytime\t\tstream\ttcp\tnowait\troot\tinternal\n"
	"#time\t\tstream\ttcp\tnowait\troot\tinternal\n"
	"#chargen\t\tstream\ttcp\tnowait\troot\tinternal\n"
	"\n"
	"#:STANDARD: These are standard services.\n"
	"#<off># telnet\tstream\ttcp\tnowait\troot\t/usr/sbin/tcpd\t/usr/sbin/telnetd\n"
	"\n"
	"#:BSD: Shell, login, exec and talk are BSD protocols.\n"
	"\n"
	"#:OTHER: Other services\n";

static char *inetd_root(const char *conf)
{
	char *r = ks_test_tmpdir();
	ks_test_write(r, "/lib/systemd/system/inetd.service", "[Service]\nExecStart=/usr/sbin/inetd\n");
	mklink(r, "/lib/systemd/system/openbsd-inetd.service", "inetd.service");
	mklink(r, "/etc/systemd/system/multi-user.target.wants/inetd.service", "/lib/systemd/system/inetd.service");
	ks_test_write(r, "/etc/init.d/openbsd-inetd", "#!/bin/sh\n");
	mklink(r, "/etc/rc2.d/S01openbsd-inetd", "../init.d/openbsd-inetd");
	if (conf)
		ks_test_write(r, "/etc/inetd.conf", conf);
	return r;
}

static void test_debian_default_off(void **state)
{
	(void)state;
	char *root = inetd_root(debian_inetd_conf);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_inetd(ctx), 0);
	assert_int_equal(list_fact(ctx, "services.inetd")->u.list.n, 0);
	const ks_fact *f = ks_fact_get(ctx->facts, "services.inetd");
	assert_non_null(strstr(f->source.probe, "inetd.service enabled"));
	assert_non_null(strstr(f->source.probe, "multi-user.target.wants/inetd.service"));
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

static void test_telnet_enabled(void **state)
{
	(void)state;
	char buf[4096];
	snprintf(buf, sizeof buf, "%s%s", debian_inetd_conf,
	         "telnet\tstream\ttcp\tnowait\troot\t/usr/sbin/tcpd\t/usr/sbin/telnetd\n" /* line 30 */
	         "127.0.0.1:tftp dgram udp wait.100 nobody /usr/sbin/in.tftpd /srv/tftp\n"
	         "::1:\n"
	         "echo stream tcp nowait root internal\n"
	         "shell stream tcp nowait root\n"            /* too few fields */
	         "login bogus tcp nowait root /usr/sbin/in.rlogind\n"
	         "exec stream tcp sometimes root /usr/sbin/in.rexecd\n");
	char *root = inetd_root(buf);
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_inetd(ctx), 0);
	const ks_value *l = list_fact(ctx, "services.inetd");
	assert_int_equal(l->u.list.n, 3);
	assert_string_equal(field(&l->u.list.items[0], "name"), "telnet");
	assert_string_equal(field(&l->u.list.items[0], "server"), "/usr/sbin/telnetd");
	assert_string_equal(field(&l->u.list.items[0], "via"), "inetd");
	assert_string_equal(field(&l->u.list.items[0], "source"), "/etc/inetd.conf:30");
	assert_string_equal(field(&l->u.list.items[1], "name"), "tftp");
	assert_string_equal(field(&l->u.list.items[1], "server"), "/usr/sbin/in.tftpd");
	assert_string_equal(field(&l->u.list.items[1], "proto"), "udp");
	assert_string_equal(field(&l->u.list.items[2], "server"), "internal");
	assert_true(has_diag(ctx, "/etc/inetd.conf", 34, "expected: service"));
	assert_true(has_diag(ctx, "/etc/inetd.conf", 35, "socket type"));
	assert_true(has_diag(ctx, "/etc/inetd.conf", 36, "wait or nowait"));
	assert_int_equal(ks_diags_count(ctx->diags), 3);
	done(ctx, root);
}

static void test_inetd_not_enabled(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	/* installed (unit file and script) but disabled: no wants link, no rc S link */
	ks_test_write(root, "/lib/systemd/system/inetd.service", "[Service]\nExecStart=/usr/sbin/inetd\n");
	mklink(root, "/lib/systemd/system/openbsd-inetd.service", "inetd.service");
	ks_test_write(root, "/etc/init.d/openbsd-inetd", "#!/bin/sh\n");
	mklink(root, "/etc/rc2.d/K01openbsd-inetd", "../init.d/openbsd-inetd");
	ks_test_write(root, "/etc/inetd.conf", "telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/telnetd\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_inetd(ctx), 0);
	assert_int_equal(list_fact(ctx, "services.inetd")->u.list.n, 0);
	assert_non_null(strstr(ks_fact_get(ctx->facts, "services.inetd")->source.probe, "no inetd"));
	assert_true(has_diag(ctx, "/etc/inetd.conf", 0, "no inetd is enabled"));
	done(ctx, root);
}

static void test_inetd_unreadable(void **state)
{
	(void)state;
	char *root = inetd_root(NULL);
	ks_test_write(root, "/etc/inetd.conf/oops", "x"); /* a directory where the file should be */
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_inetd(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "services.inetd"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "services.inetd")->reason, "/etc/inetd.conf"));
	done(ctx, root);

	/* enabled but no inetd.conf: inetd serves nothing */
	root = inetd_root(NULL);
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_inetd(ctx), 0);
	assert_int_equal(list_fact(ctx, "services.inetd")->u.list.n, 0);
	done(ctx, root);
}

/* inetutils-inetd (sysv script only, started through systemd-sysv-generator) reads /etc/inetd.d. */
static void test_inetutils(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/etc/systemd/system/.keep", "");
	ks_test_write(root, "/etc/init.d/inetutils-inetd", "#!/bin/sh\n");
	mklink(root, "/etc/rc3.d/S01inetutils-inetd", "../init.d/inetutils-inetd");
	ks_test_write(root, "/etc/inetd.conf", "# empty\n");
	ks_test_write(root, "/etc/inetd.d/finger", "finger stream tcp nowait nobody /usr/sbin/in.fingerd\n");
	ks_test_write(root, "/etc/inetd.d/finger~", "talk dgram udp wait nobody /usr/sbin/in.talkd\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_inetd(ctx), 0);
	const ks_value *l = list_fact(ctx, "services.inetd");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(&l->u.list.items[0], "name"), "finger");
	assert_string_equal(field(&l->u.list.items[0], "source"), "/etc/inetd.d/finger:1");
	assert_non_null(strstr(ks_fact_get(ctx->facts, "services.inetd")->source.probe, "/etc/rc3.d/S01inetutils-inetd"));
	done(ctx, root);
}

/* Debian 12 xinetd: /etc/xinetd.conf and the disabled internal services it ships. */
static const char xinetd_conf[] =
	"# Simple configuration file for xinetd\n"
	"#\n"
	"# Some defaults, and include /etc/xinetd.d/\n"
	"\n"
	"defaults\n"
	"{\n"
	"\n"
	"# Please note that you need a log_type line to be able to use log_on_success\n"
	"# and log_on_failure. The default is the following :\n"
	"# log_type = SYSLOG daemon info\n"
	"\n"
	"}\n"
	"\n"
	"includedir /etc/xinetd.d\n";

static const char xinetd_echo[] =
	"# default: off\n"
	"# description: An xinetd internal service which echo's characters back to\n"
	"# clients.\n"
	"# This is the tcp version.\n"
	"service echo\n"
	"{\n"
	"\tdisable\t\t= yes\n"
	"\ttype\t\t= INTERNAL\n"
	"\tid\t\t= echo-stream\n"
	"\tsocket_type\t= stream\n"
	"\tprotocol\t= tcp\n"
	"\tuser\t\t= root\n"
	"\twait\t\t= no\n"
	"}\n"
	"\n"
	"# This is the udp version.\n"
	"service echo\n"
	"{\n"
	"\tdisable\t\t= yes\n"
	"\ttype\t\t= INTERNAL\n"
	"\tid\t\t= echo-dgram\n"
	"\tsocket_type\t= dgram\n"
	"\tprotocol\t= udp\n"
	"\tuser\t\t= root\n"
	"\twait\t\t= yes\n"
	"}\n";

static char *xinetd_root(void)
{
	char *r = ks_test_tmpdir();
	ks_test_write(r, "/lib/systemd/systemd", "ELF");
	ks_test_write(r, "/etc/init.d/xinetd", "#!/bin/sh\n");
	mklink(r, "/etc/rc2.d/S01xinetd", "../init.d/xinetd");
	ks_test_write(r, "/etc/xinetd.conf", xinetd_conf);
	ks_test_write(r, "/etc/xinetd.d/echo", xinetd_echo);
	return r;
}

static void test_xinetd(void **state)
{
	(void)state;
	char *root = xinetd_root();
	ks_test_write(root, "/etc/xinetd.d/tftp",
	              "service tftp\n"                 /* 1 */
	              "{\n"                            /* 2 */
	              "\tsocket_type = dgram\n"
	              "\tprotocol    = udp\n"
	              "\twait        = yes\n"
	              "\tuser        = root\n"
	              "\tserver      = /usr/sbin/in.tftpd\n"
	              "\tserver_args = -s /srv/tftp\n"
	              "\tdisable     = no\n"
	              "}\n");
	ks_test_write(root, "/etc/xinetd.d/tftp.dpkg-old", "service old\n{\nserver = /x\n}\n");
	ks_test_write(root, "/etc/xinetd.d/telnet~", "service telnet\n{\nserver = /x\n}\n");
	ks_test_write(root, "/etc/xinetd.d/rsync", "service rsync {\n\tserver = /usr/bin/rsync\n\tdisable=no\n}\n");
	ks_test_write(root, "/etc/xinetd.d/servers",
	              "service servers\n{\n\ttype = INTERNAL UNLISTED\n\tport = 9099\n}\n"
	              "service broken\n"  /* 6: no brace */
	              "\tserver = /x\n"   /* 7 */
	              "service noserver\n{\n\tdisable = no\n}\n"
	              "service open\n{\n\tserver = /usr/sbin/in.fingerd\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_inetd(ctx), 0);
	const ks_value *l = list_fact(ctx, "services.inetd");
	assert_int_equal(l->u.list.n, 3);
	assert_string_equal(field(&l->u.list.items[0], "name"), "rsync");
	assert_string_equal(field(&l->u.list.items[0], "server"), "/usr/bin/rsync");
	assert_string_equal(field(&l->u.list.items[1], "name"), "servers");
	assert_string_equal(field(&l->u.list.items[1], "server"), "internal");
	assert_string_equal(field(&l->u.list.items[2], "name"), "tftp");
	assert_string_equal(field(&l->u.list.items[2], "server"), "/usr/sbin/in.tftpd");
	assert_string_equal(field(&l->u.list.items[2], "via"), "xinetd");
	assert_string_equal(field(&l->u.list.items[2], "source"), "/etc/xinetd.d/tftp:1");
	assert_true(has_diag(ctx, "/etc/xinetd.d/servers", 7, "expected {"));
	assert_true(has_diag(ctx, "/etc/xinetd.d/servers", 8, "no server attribute"));
	assert_true(has_diag(ctx, "/etc/xinetd.d/servers", 12, "not closed"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "services.inetd")->source.probe, "/etc/rc2.d/S01xinetd"));
	done(ctx, root);
}

static void test_xinetd_defaults_lists(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	static const char conf[] =
		"defaults\n{\n\tdisabled = tftp\n\tdisabled += rsync\n\tenabled = tftp finger rsync\n}\n"
		"service tftp\n{\n\tserver = /usr/sbin/in.tftpd\n}\n"
		"service finger\n{\n\tserver = /usr/sbin/in.fingerd\n}\n"
		"service rsync\n{\n\tserver = /usr/bin/rsync\n}\n"
		"service talk\n{\n\tserver = /usr/sbin/in.talkd\n}\n"
		"bogus line\n"
		"includefile /etc/missing.conf\n";
	ks_value l = ks_val_list();
	bool incomplete = false;
	assert_int_equal(ks_xinetd_parse_buffer(ctx, "/etc/xinetd.conf", conf, sizeof conf - 1, &l, &incomplete), 0);
	assert_true(incomplete);
	assert_int_equal(l.u.list.n, 1);
	assert_string_equal(field(&l.u.list.items[0], "name"), "finger");
	assert_true(has_diag(ctx, "/etc/xinetd.conf", 23, "expected defaults"));
	assert_true(has_diag(ctx, "/etc/xinetd.conf", 24, "does not exist"));
	done(ctx, root);
}

static void test_xinetd_include_loop(void **state)
{
	(void)state;
	char *root = xinetd_root();
	ks_test_write(root, "/etc/xinetd.conf", "includefile /etc/xinetd.conf\n");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_inetd(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "services.inetd"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "services.inetd")->reason, "xinetd"));
	assert_true(has_diag(ctx, "/etc/xinetd.conf", 1, "include limit"));
	done(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_default_off), cmocka_unit_test(test_telnet_enabled),
		cmocka_unit_test(test_inetd_not_enabled),  cmocka_unit_test(test_inetd_unreadable),
		cmocka_unit_test(test_inetutils),          cmocka_unit_test(test_xinetd),
		cmocka_unit_test(test_xinetd_defaults_lists), cmocka_unit_test(test_xinetd_include_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
