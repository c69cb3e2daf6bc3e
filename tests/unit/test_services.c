/* services collector: unwanted services from enabled units (names, aliases, programs), inetd,
 * SysV scripts and listening processes; roles; the review list; unknown inputs; the data list. */
#include "support.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/data.h"
#include "collect/collectors.h"
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

static const ks_value *find_rec(const ks_value *list, const char *name)
{
	for (size_t i = 0; i < list->u.list.n; i++) {
		const ks_value *n = ks_record_get(&list->u.list.items[i], "name");
		if (n && n->type == KS_VAL_STR && strcmp(n->u.str.s, name) == 0)
			return &list->u.list.items[i];
	}
	return NULL;
}

static const char *field(const ks_value *rec, const char *key)
{
	const ks_value *v = ks_record_get(rec, key);
	assert_non_null(v);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

static bool list_has(const ks_value *list, const char *s)
{
	for (size_t i = 0; i < list->u.list.n; i++)
		if (list->u.list.items[i].type == KS_VAL_STR && strcmp(list->u.list.items[i].u.str.s, s) == 0)
			return true;
	return false;
}

static ks_collect_ctx *run_all(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_systemd(ctx), 0);
	assert_int_equal(ks_collect_inetd(ctx), 0);
	assert_int_equal(ks_collect_listening(ctx), 0);
	assert_int_equal(ks_collect_services(ctx), 0);
	return ctx;
}

static void done(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void unit(const char *root, const char *name, const char *text, const char *target)
{
	char p[512], w[512], l[512];
	snprintf(p, sizeof p, "/lib/systemd/system/%s", name);
	ks_test_write(root, p, text);
	if (target) {
		snprintf(w, sizeof w, "/etc/systemd/system/%s.wants/%s", target, name);
		snprintf(l, sizeof l, "/lib/systemd/system/%s", name);
		mklink(root, w, l);
	}
}

static void test_units(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	unit(root, "ssh.service", "[Service]\nExecStart=/usr/sbin/sshd -D\n", "multi-user.target");
	unit(root, "telnet.socket", "[Socket]\nListenStream=23\nAccept=yes\n", "sockets.target");
	unit(root, "telnet@.service", "[Service]\nExecStart=-/usr/sbin/in.telnetd\nStandardInput=socket\n", NULL);
	unit(root, "cups.service", "[Service]\nExecStart=/usr/sbin/cupsd -l\n", "multi-user.target");
	/* matched by the program it runs, not its name */
	unit(root, "remote-help.service", "[Service]\nExecStart=/usr/bin/x11vnc -forever\n", "graphical.target");
	/* matched by an alias */
	unit(root, "mdns.service", "[Service]\nExecStart=/opt/mdns\n[Install]\nAlias=avahi-daemon.service\n",
	     "multi-user.target");
	unit(root, "vncserver@.service", "[Service]\nExecStart=/usr/bin/vncserver %i\n", NULL);
	mklink(root, "/etc/systemd/system/multi-user.target.wants/vncserver@:1.service",
	       "/lib/systemd/system/vncserver@.service");
	ks_collect_ctx *ctx = run_all(root);
	const ks_value *u = list_fact(ctx, "services.unwanted");
	assert_int_equal(u->u.list.n, 5);
	const ks_value *t = find_rec(u, "telnet.socket");
	assert_non_null(t);
	assert_string_equal(field(t, "how"), "enabled unit");
	assert_string_equal(field(t, "summary"), "telnet.socket enabled: cleartext remote login (telnet)");
	assert_string_equal(field(t, "source"), "/etc/systemd/system/sockets.target.wants/telnet.socket");
	assert_string_equal(field(t, "pattern"), "telnet");
	const ks_value *roles = ks_record_get(t, "roles");
	assert_true(list_has(roles, "server") && list_has(roles, "terminal"));
	const ks_value *c = find_rec(u, "cups.service");
	assert_non_null(c);
	assert_int_equal(ks_record_get(c, "roles")->u.list.n, 1);
	assert_true(list_has(ks_record_get(c, "roles"), "server"));
	assert_string_equal(field(find_rec(u, "remote-help.service"), "pattern"), "x11vnc");
	assert_string_equal(field(find_rec(u, "mdns.service"), "pattern"), "avahi-daemon");
	assert_string_equal(field(find_rec(u, "vncserver@:1.service"), "pattern"), "vncserver@*");
	assert_null(find_rec(u, "ssh.service"));
	const ks_value *rv = list_fact(ctx, "services.review");
	assert_int_equal(rv->u.list.n, 6);
	assert_true(list_has(rv, "ssh.service"));
	assert_true(list_has(rv, "telnet.socket"));
	const ks_fact *f = ks_fact_get(ctx->facts, "services.unwanted");
	assert_non_null(strstr(f->source.probe, "services.listening is unknown"));
	done(ctx, root);
}

static void test_inetd_and_sysv(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	unit(root, "inetd.service", "[Service]\nExecStart=/usr/sbin/inetd\n", "multi-user.target");
	ks_test_write(root, "/etc/inetd.conf",
	              "telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/telnetd\n"
	              "login stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.rlogind\n"
	              "daytime stream tcp nowait root internal\n");
	ks_test_write(root, "/etc/init.d/vncserver", "#!/bin/sh\n");
	mklink(root, "/etc/rc2.d/S02vncserver", "../init.d/vncserver");
	ks_test_write(root, "/etc/init.d/tftpd-hpa", "#!/bin/sh\n");
	mklink(root, "/etc/rc2.d/S02tftpd-hpa", "../init.d/tftpd-hpa");
	ks_collect_ctx *ctx = run_all(root);
	const ks_value *u = list_fact(ctx, "services.unwanted");
	assert_int_equal(u->u.list.n, 4);
	const ks_value *t = find_rec(u, "telnet");
	assert_string_equal(field(t, "how"), "inetd");
	assert_string_equal(field(t, "source"), "/etc/inetd.conf:1");
	assert_string_equal(field(t, "summary"),
	                    "telnet started by inetd (/usr/sbin/telnetd): cleartext remote login (telnet)");
	const ks_value *l = find_rec(u, "login");
	assert_string_equal(field(l, "pattern"), "in.rlogind");
	const ks_value *v = find_rec(u, "vncserver");
	assert_string_equal(field(v, "how"), "sysv");
	assert_string_equal(field(v, "source"), "/etc/rc2.d/S02vncserver");
	assert_non_null(find_rec(u, "tftpd-hpa"));
	const ks_value *rv = list_fact(ctx, "services.review");
	assert_true(list_has(rv, "inetd.service"));
	assert_true(list_has(rv, "inetd:telnet"));
	assert_true(list_has(rv, "inetd:daytime"));
	assert_true(list_has(rv, "sysv:vncserver"));
	done(ctx, root);
}

static ks_value sock(ks_arena *a, const char *name, const char *proc, int port)
{
	ks_value r = ks_val_record();
	assert_int_equal(ks_record_set(a, &r, "name", ks_val_strz(a, name)), 0);
	assert_int_equal(ks_record_set(a, &r, "proto", ks_val_strz(a, "tcp")), 0);
	assert_int_equal(ks_record_set(a, &r, "address", ks_val_strz(a, "0.0.0.0")), 0);
	assert_int_equal(ks_record_set(a, &r, "port", ks_val_int(port)), 0);
	assert_int_equal(ks_record_set(a, &r, "process", proc ? ks_val_strz(a, proc) : ks_val_unknown()), 0);
	assert_int_equal(ks_record_set(a, &r, "source", ks_val_strz(a, "/proc/net/tcp:2")), 0);
	return r;
}

static void test_listening(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	unit(root, "vsftpd.service", "[Service]\nExecStart=/usr/sbin/vsftpd /etc/vsftpd.conf\n", "multi-user.target");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_systemd(ctx), 0);
	assert_int_equal(ks_collect_inetd(ctx), 0);
	ks_arena *a = ctx->arena;
	ks_value l = ks_val_list();
	assert_int_equal(ks_list_push(a, &l, sock(a, "tcp 0.0.0.0:21 vsftpd", "vsftpd", 21)), 0);
	assert_int_equal(ks_list_push(a, &l, sock(a, "tcp 0.0.0.0:5900 Xtigervnc", "Xtigervnc", 5900)), 0);
	assert_int_equal(ks_list_push(a, &l, sock(a, "tcp6 [::]:5900 Xtigervnc", "Xtigervnc", 5900)), 0);
	assert_int_equal(ks_list_push(a, &l, sock(a, "tcp 0.0.0.0:111 ?", NULL, 111)), 0);
	assert_int_equal(ks_list_push(a, &l, sock(a, "tcp 0.0.0.0:22 sshd", "sshd", 22)), 0);
	assert_int_equal(ks_fact_put_probe(ctx->facts, "services.listening", l, "test"), 0);
	assert_int_equal(ks_collect_services(ctx), 0);
	const ks_value *u = list_fact(ctx, "services.unwanted");
	/* vsftpd is reported once, as the enabled unit; the VNC server found only by its socket */
	assert_int_equal(u->u.list.n, 2);
	assert_string_equal(field(&u->u.list.items[0], "name"), "vsftpd.service");
	const ks_value *x = find_rec(u, "Xtigervnc");
	assert_non_null(x);
	assert_string_equal(field(x, "how"), "listening");
	assert_string_equal(field(x, "summary"), "Xtigervnc listening on tcp 0.0.0.0:5900: remote desktop server (VNC)");
	assert_string_equal(field(x, "source"), "/proc/net/tcp:2");
	assert_null(strstr(ks_fact_get(ctx->facts, "services.unwanted")->source.probe, "unknown"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_unknown_inputs(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_fact_unknown(ctx->facts, "services.enabled", NULL, "/etc/systemd/system: permission denied"), 0);
	assert_int_equal(ks_collect_services(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "services.unwanted"));
	assert_true(ks_test_fact_is_unknown(ctx, "services.review"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "services.unwanted")->reason, "permission denied"));
	ks_test_ctx_free(ctx);

	/* inetd unknown: nothing can be concluded either */
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_fact_put_probe(ctx->facts, "services.enabled", ks_val_list(), "t"), 0);
	assert_int_equal(ks_fact_unknown(ctx->facts, "services.inetd", NULL, "xinetd include unreadable"), 0);
	assert_int_equal(ks_fact_put_probe(ctx->facts, "services.sysv", ks_val_list(), "t"), 0);
	assert_int_equal(ks_collect_services(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "services.unwanted"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "services.unwanted")->reason, "services.inetd"));
	ks_test_ctx_free(ctx);

	/* not collected at all */
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_services(ctx), 0);
	assert_non_null(strstr(ks_fact_get(ctx->facts, "services.unwanted")->reason, "not collected"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_list_format(void **state)
{
	(void)state;
	size_t len;
	const char *data = ks_data_find("profiles/unwanted-services.list", &len);
	assert_non_null(data);
	static const char *const want[] = {
		"\ntelnet\t", "\ntelnetd\t", "\ninetutils-telnetd\t", "\ntelnet.socket\t", "\nrsh-server\t",
		"\nrlogind\t", "\nrexecd\t", "\ntftpd-hpa\t", "\natftpd\t", "\ntftp\t", "\nvsftpd\t", "\nproftpd\t",
		"\npure-ftpd\t", "\nvncserver@*\t", "\nx11vnc\t", "\ntigervnc*\t", "\ntightvnc*\t", "\nxrdp\t",
		"\navahi-daemon\t", "\ncups\tserver\t", "\ncups-browsed\tserver\t", "\nrpcbind\t", "\nnfs-server\t",
		"\nnfs-kernel-server\t", "\nsmbd\t", "\nnmbd\t", "\nsamba\t", "\nsnmpd\t", "\nypbind\t", "\nypserv\t",
		"\nnis\t", "\nfingerd\t", "\ncfingerd\t", "\ntalkd\t", "\nntalk\t", "\nteamviewerd\t", "\nanydesk\t",
		"\nrustdesk\t", "\nconnectwisecontrol-*\t", "\nchrome-remote-desktop*\t"};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		if (!strstr(data, want[i]))
			fail_msg("unwanted-services.list lacks %s", want[i] + 1);
	/* every line parses: a run over an empty host leaves no diagnostic */
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = run_all(root);
	assert_int_equal(list_fact(ctx, "services.unwanted")->u.list.n, 0);
	assert_int_equal(list_fact(ctx, "services.review")->u.list.n, 0);
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),     cmocka_unit_test(test_inetd_and_sysv), cmocka_unit_test(test_listening),
		cmocka_unit_test(test_unknown_inputs), cmocka_unit_test(test_list_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
