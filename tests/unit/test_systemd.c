/* systemd collector: enablement links, aliases, masks, templates, drop-ins, the unit file syntax,
 * SysV rc links, and what is unknown. Unit texts are what Debian 12 ships. */
#include "support.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "collect/systemd.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/rootfs.h"

/* ---- helpers ----------------------------------------------------------------------------------- */

static void mkparents(const char *root, const char *rel)
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
}

static void mklink(const char *root, const char *rel, const char *target)
{
	mkparents(root, rel);
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", root, rel[0] == '/' ? rel + 1 : rel);
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

/* ---- Debian 12 units ------------------------------------------------------------------------------ */

static const char ssh_service[] =
	"[Unit]\n"
	"Description=OpenBSD Secure Shell server\n"
	"Documentation=man:sshd(8) man:sshd_config(5)\n"
	"After=network.target auditd.service\n"
	"ConditionPathExists=!/etc/ssh/sshd_not_to_be_run\n"
	"\n"
	"[Service]\n"
	"EnvironmentFile=-/etc/default/ssh\n"
	"ExecStartPre=/usr/sbin/sshd -t\n"
	"ExecStart=/usr/sbin/sshd -D $SSHD_OPTS\n"
	"ExecReload=/usr/sbin/sshd -t\n"
	"ExecReload=/bin/kill -HUP $MAINPID\n"
	"KillMode=process\n"
	"Restart=on-failure\n"
	"RestartPreventExitStatus=255\n"
	"Type=notify\n"
	"RuntimeDirectory=sshd\n"
	"RuntimeDirectoryMode=0755\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n"
	"Alias=sshd.service\n";

static const char cups_service[] =
	"[Unit]\n"
	"Description=CUPS Scheduler\n"
	"Documentation=man:cupsd(8)\n"
	"After=network.target nss-user-lookup.target nslcd.service\n"
	"Requires=cups.socket\n"
	"\n"
	"[Service]\n"
	"ExecStart=/usr/sbin/cupsd -l\n"
	"Type=notify\n"
	"Restart=on-failure\n"
	"\n"
	"\n"
	"[Install]\n"
	"Also=cups.socket cups.path\n"
	"WantedBy=printer.target multi-user.target\n";

static const char cups_socket[] =
	"[Unit]\n"
	"Description=CUPS Scheduler\n"
	"PartOf=cups.service\n"
	"\n"
	"[Socket]\n"
	"ListenStream=/run/cups/cups.sock\n"
	"RemoveOnStop=on\n"
	"\n"
	"[Install]\n"
	"WantedBy=sockets.target\n";

static const char cups_path[] =
	"[Unit]\n"
	"Description=CUPS Scheduler\n"
	"PartOf=cups.service\n"
	"\n"
	"[Path]\n"
	"PathExists=/var/cache/cups/org.cups.cupsd\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

static const char avahi_service[] =
	"# This file is part of avahi.\n"
	"#\n"
	"[Unit]\n"
	"Description=Avahi mDNS/DNS-SD Stack\n"
	"Requires=avahi-daemon.socket\n"
	"\n"
	"[Service]\n"
	"Type=dbus\n"
	"BusName=org.freedesktop.Avahi\n"
	"ExecStart=/usr/sbin/avahi-daemon -s\n"
	"ExecReload=/usr/sbin/avahi-daemon -r\n"
	"NotifyAccess=main\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n"
	"Also=avahi-daemon.socket\n"
	"Alias=dbus-org.freedesktop.Avahi.service\n";

static const char avahi_socket[] =
	"[Unit]\n"
	"Description=Avahi mDNS/DNS-SD Stack Activation Socket\n"
	"\n"
	"[Socket]\n"
	"ListenStream=/run/avahi-daemon/socket\n"
	"\n"
	"[Install]\n"
	"WantedBy=sockets.target\n";

static const char inetd_service[] =
	"[Unit]\n"
	"Description=Internet superserver\n"
	"Documentation=man:inetd(8)\n"
	"After=network-online.target\n"
	"Wants=network-online.target\n"
	"ConditionPathExists=/etc/inetd.conf\n"
	"\n"
	"[Service]\n"
	"Type=notify\n"
	"ExecStart=/usr/sbin/inetd\n"
	"ExecReload=/bin/kill -HUP $MAINPID\n"
	"Restart=on-failure\n"
	"WatchdogSec=5\n"
	"KillMode=process\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

static const char getty_service[] =
	"[Unit]\n"
	"Description=Getty on %I\n"
	"\n"
	"[Service]\n"
	"# The '-o' option value tells agetty to replace 'login' arguments with an\n"
	"# option to preserve environment (-p), followed by '--' for safety, and then\n"
	"# the entered username.\n"
	"ExecStart=-/sbin/agetty -o '-p -- \\\\u' --noclear - $TERM\n"
	"Type=idle\n"
	"\n"
	"[Install]\n"
	"WantedBy=getty.target\n"
	"DefaultInstance=tty1\n";

static const char apt_timer[] =
	"[Unit]\n"
	"Description=Daily apt download activities\n"
	"\n"
	"[Timer]\n"
	"OnCalendar=*-*-* 6,18:00\n"
	"RandomizedDelaySec=12h\n"
	"Persistent=true\n"
	"\n"
	"[Install]\n"
	"WantedBy=timers.target\n";

static const char apt_service[] =
	"[Unit]\n"
	"Description=Daily apt download activities\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStartPre=-/usr/lib/apt/apt-helper wait-online\n"
	"ExecStart=/usr/lib/apt/apt.systemd.daily update\n";

static char *debian_root(void)
{
	char *r = ks_test_tmpdir();
	ks_test_write(r, "/lib/systemd/system/ssh.service", ssh_service);
	ks_test_write(r, "/lib/systemd/system/cups.service", cups_service);
	ks_test_write(r, "/lib/systemd/system/cups.socket", cups_socket);
	ks_test_write(r, "/lib/systemd/system/cups.path", cups_path);
	ks_test_write(r, "/lib/systemd/system/avahi-daemon.service", avahi_service);
	ks_test_write(r, "/lib/systemd/system/avahi-daemon.socket", avahi_socket);
	ks_test_write(r, "/lib/systemd/system/inetd.service", inetd_service);
	mklink(r, "/lib/systemd/system/openbsd-inetd.service", "inetd.service");
	ks_test_write(r, "/lib/systemd/system/getty@.service", getty_service);
	ks_test_write(r, "/lib/systemd/system/apt-daily.timer", apt_timer);
	ks_test_write(r, "/lib/systemd/system/apt-daily.service", apt_service);
	ks_test_write(r, "/lib/systemd/system/remote-fs.target", "[Unit]\nDescription=Remote File Systems\n");
	ks_test_write(r, "/lib/systemd/systemd", "ELF");
	const char *w = "/etc/systemd/system/";
	char p[256];
	static const char *const mu[] = {"ssh.service", "cups.path", "cups.service", "avahi-daemon.service",
	                                 "remote-fs.target", "inetd.service"};
	for (size_t i = 0; i < sizeof mu / sizeof *mu; i++) {
		char t[256];
		snprintf(p, sizeof p, "%smulti-user.target.wants/%s", w, mu[i]);
		snprintf(t, sizeof t, "/lib/systemd/system/%s", mu[i]);
		mklink(r, p, t);
	}
	mklink(r, "/etc/systemd/system/printer.target.wants/cups.service", "/lib/systemd/system/cups.service");
	mklink(r, "/etc/systemd/system/sockets.target.wants/cups.socket", "/lib/systemd/system/cups.socket");
	mklink(r, "/etc/systemd/system/sockets.target.wants/avahi-daemon.socket",
	       "/lib/systemd/system/avahi-daemon.socket");
	mklink(r, "/etc/systemd/system/getty.target.wants/getty@tty1.service", "/lib/systemd/system/getty@.service");
	mklink(r, "/etc/systemd/system/timers.target.wants/apt-daily.timer", "/lib/systemd/system/apt-daily.timer");
	mklink(r, "/etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service");
	mklink(r, "/etc/systemd/system/dbus-org.freedesktop.Avahi.service", "/lib/systemd/system/avahi-daemon.service");
	return r;
}

static void test_debian_enabled(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_systemd(ctx), 0);
	const ks_value *en = list_fact(ctx, "services.enabled");
	/* getty@tty1, avahi-daemon.service, cups.path, cups.service, inetd, ssh, avahi-daemon.socket,
	 * cups.socket, apt-daily.timer; remote-fs.target is not a service kind, cups.service once. */
	assert_int_equal(en->u.list.n, 9);
	assert_string_equal(field(&en->u.list.items[0], "name"), "getty@tty1.service");
	assert_string_equal(field(&en->u.list.items[0], "exec"), "/sbin/agetty");
	assert_string_equal(field(&en->u.list.items[0], "file"), "/lib/systemd/system/getty@.service");

	const ks_value *ssh = find_rec(en, "ssh.service");
	assert_non_null(ssh);
	assert_string_equal(field(ssh, "kind"), "service");
	assert_string_equal(field(ssh, "exec"), "/usr/sbin/sshd");
	assert_string_equal(field(ssh, "description"), "OpenBSD Secure Shell server");
	assert_string_equal(field(ssh, "via"), "/etc/systemd/system/multi-user.target.wants/ssh.service");
	assert_string_equal(field(ssh, "source"), "/etc/systemd/system/multi-user.target.wants/ssh.service");
	assert_true(list_has(ks_record_get(ssh, "aliases"), "sshd.service"));

	const ks_value *cs = find_rec(en, "cups.socket");
	assert_non_null(cs);
	assert_string_equal(field(cs, "kind"), "socket");
	const ks_value *listen = ks_record_get(cs, "listen");
	assert_non_null(listen);
	assert_int_equal(listen->u.list.n, 1);
	assert_string_equal(listen->u.list.items[0].u.str.s, "stream /run/cups/cups.sock");
	assert_string_equal(field(cs, "activates"), "cups.service");
	assert_string_equal(field(cs, "exec"), "/usr/sbin/cupsd"); /* of the service it starts */
	assert_string_equal(field(find_rec(en, "cups.path"), "exec"), "/usr/sbin/cupsd");
	assert_string_equal(field(find_rec(en, "cups.service"), "via"),
	                    "/etc/systemd/system/multi-user.target.wants/cups.service");
	const ks_value *t = find_rec(en, "apt-daily.timer");
	assert_string_equal(field(t, "kind"), "timer");
	assert_string_equal(field(t, "activates"), "apt-daily.service");
	assert_string_equal(field(t, "exec"), "/usr/lib/apt/apt.systemd.daily");
	assert_true(list_has(ks_record_get(find_rec(en, "avahi-daemon.service"), "aliases"),
	                     "dbus-org.freedesktop.Avahi.service"));
	assert_null(find_rec(en, "remote-fs.target"));
	assert_int_equal(list_fact(ctx, "services.masked")->u.list.n, 0);
	assert_int_equal(list_fact(ctx, "services.sysv")->u.list.n, 0);
	const ks_fact *f = ks_fact_get(ctx->facts, "services.enabled");
	assert_non_null(f->source.probe);
	assert_non_null(strstr(f->source.probe, ".wants"));
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

static void test_unit_enabled_api(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	const char *ev = "x";
	assert_true(ks_systemd_unit_enabled(ctx, "ssh.service", &ev));
	assert_string_equal(ev, "/etc/systemd/system/multi-user.target.wants/ssh.service");
	/* an alias in /etc resolves to the unit that is linked */
	assert_true(ks_systemd_unit_enabled(ctx, "sshd.service", &ev));
	assert_string_equal(ev, "/etc/systemd/system/multi-user.target.wants/ssh.service");
	/* an alias shipped in /lib (openbsd-inetd.service -> inetd.service) */
	assert_true(ks_systemd_unit_enabled(ctx, "openbsd-inetd.service", &ev));
	assert_string_equal(ev, "/etc/systemd/system/multi-user.target.wants/inetd.service");
	assert_true(ks_systemd_unit_enabled(ctx, "getty@tty1.service", NULL));
	assert_false(ks_systemd_unit_enabled(ctx, "getty@tty2.service", &ev));
	assert_null(ev);
	assert_false(ks_systemd_unit_enabled(ctx, "apt-daily.service", &ev)); /* static: only its timer is */
	assert_false(ks_systemd_unit_enabled(ctx, "vsftpd.service", &ev));
	assert_false(ks_systemd_unit_enabled(ctx, "../etc/passwd", &ev));
	assert_false(ks_systemd_unit_enabled(ctx, "*.service", &ev));

	ks_systemd_unit u;
	assert_int_equal(ks_systemd_lookup(ctx, "sshd.service", &u), 0);
	assert_string_equal(u.name, "ssh.service");
	assert_string_equal(u.path, "/lib/systemd/system/ssh.service");
	assert_string_equal(u.exec_path, "/lib/systemd/system/ssh.service");
	assert_int_equal(u.exec_line, 10);
	assert_int_equal(ks_systemd_lookup(ctx, "nothing.service", &u), KS_ENOENT);
	assert_int_equal(ks_systemd_lookup(ctx, "nothing", &u), KS_EPARSE);
	assert_true(ks_systemd_present(ctx));
	done(ctx, root);
}

static void test_masked(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/lib/systemd/system/telnet.socket", "[Socket]\nListenStream=23\nAccept=yes\n");
	mklink(root, "/etc/systemd/system/sockets.target.wants/telnet.socket", "/lib/systemd/system/telnet.socket");
	mklink(root, "/etc/systemd/system/telnet.socket", "/dev/null");
	/* systemctl mask of an enabled unit: the link stays, the mask wins */
	mklink(root, "/etc/systemd/system/avahi-daemon.service.tmp", "/dev/null"); /* not a unit name */
	mklink(root, "/etc/systemd/system/cups.path", "/dev/null");
	/* an empty file masks too (systemd.unit(5)); a runtime mask in /run */
	ks_test_write(root, "/run/systemd/system/avahi-daemon.socket", "");
	/* a /run mask hidden by a real file in /etc does not count */
	ks_test_write(root, "/etc/systemd/system/apt-daily.timer", apt_timer);
	mklink(root, "/run/systemd/system/apt-daily.timer", "/dev/null");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_systemd(ctx), 0);
	const ks_value *en = list_fact(ctx, "services.enabled");
	assert_null(find_rec(en, "telnet.socket"));
	assert_null(find_rec(en, "cups.path"));
	assert_null(find_rec(en, "avahi-daemon.socket"));
	assert_non_null(find_rec(en, "apt-daily.timer"));
	assert_string_equal(field(find_rec(en, "apt-daily.timer"), "file"), "/etc/systemd/system/apt-daily.timer");
	const ks_value *m = list_fact(ctx, "services.masked");
	assert_int_equal(m->u.list.n, 3);
	assert_string_equal(m->u.list.items[0].u.str.s, "cups.path");
	assert_string_equal(m->u.list.items[1].u.str.s, "telnet.socket");
	assert_string_equal(m->u.list.items[2].u.str.s, "avahi-daemon.socket");
	assert_false(ks_systemd_unit_enabled(ctx, "telnet.socket", NULL));
	ks_systemd_unit u;
	assert_int_equal(ks_systemd_lookup(ctx, "telnet.socket", &u), 0);
	assert_true(u.masked);
	done(ctx, root);
}

static void test_parser(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	static const char text[] =
		"ExecStart=/bin/outside\n"                   /* 1: outside a section */
		"[Unit]\n"                                   /* 2 */
		"Description=A long \\\n"                    /* 3 */
		"# a comment inside a continuation\n"        /* 4 */
		"  description\n"                            /* 5 */
		"; semicolon comment\n"                      /* 6 */
		"[Service]\n"                                /* 7 */
		"ExecStart=\n"                               /* 8: reset */
		"ExecStart=-@\"/opt/my prog/run\" argv0 -x\n" /* 9 */
		"ExecStart=/second\n"                        /* 10: oneshot extra, ignored */
		"this line has no equals sign\n"             /* 11 */
		"=novalue\n"                                 /* 12 */
		"[Socket\n"                                  /* 13: bad header */
		"ListenStream=99\n"                          /* 14: ignored under a bad header */
		"[Socket]\n"                                 /* 15 */
		"ListenStream=0.0.0.0:23\n"                  /* 16 */
		"ListenDatagram=69\n"                        /* 17 */
		"Accept=maybe\n"                             /* 18 */
		"Accept=yes\n"                               /* 19 */
		"[Install]\n"                                /* 20 */
		"Alias=a.service b.service\n"                /* 21 */
		"[X-Vendor]\n"                               /* 22 */
		"Whatever=1\n"                               /* 23 */
		"[Service]\n"                                /* 24 */
		"ExecStart=/third \\";                       /* 25: continuation at EOF */
	ks_systemd_unit u;
	ks_systemd_unit_init(&u);
	const char *p = "/etc/systemd/system/x.socket";
	assert_int_equal(ks_systemd_parse_buffer(ctx, p, text, sizeof text - 1, &u), 0);
	assert_string_equal(u.description, "A long    description");
	assert_string_equal(u.exec, "/opt/my prog/run");
	assert_int_equal(u.exec_line, 9);
	assert_int_equal(u.listen.u.list.n, 2);
	assert_string_equal(u.listen.u.list.items[0].u.str.s, "stream 0.0.0.0:23");
	assert_string_equal(u.listen.u.list.items[1].u.str.s, "datagram 69");
	assert_true(u.accept);
	assert_int_equal(u.aliases.u.list.n, 2);
	assert_string_equal(u.aliases.u.list.items[1].u.str.s, "b.service");
	assert_true(has_diag(ctx, p, 1, "outside"));
	assert_true(has_diag(ctx, p, 11, "Key=Value"));
	assert_true(has_diag(ctx, p, 12, "Key=Value"));
	assert_true(has_diag(ctx, p, 13, "[Section]"));
	assert_true(has_diag(ctx, p, 18, "boolean"));
	assert_int_equal(ks_diags_count(ctx->diags), 5);

	/* A drop-in resets ExecStart= and the listen list. */
	static const char dropin[] = "[Service]\nExecStart=\nExecStart=/usr/local/bin/new\n[Socket]\nListenStream=\n";
	assert_int_equal(ks_systemd_parse_buffer(ctx, "/d.conf", dropin, sizeof dropin - 1, &u), 0);
	assert_string_equal(u.exec, "/usr/local/bin/new");
	assert_string_equal(u.exec_path, "/d.conf");
	assert_int_equal(u.exec_line, 3);
	assert_int_equal(u.listen.u.list.n, 0);

	/* Over-long logical lines are reported at their first line and skipped. */
	size_t big = 3 * 8192;
	char *longtext = malloc(big + 64);
	assert_non_null(longtext);
	strcpy(longtext, "[Unit]\nDescription=");
	size_t o = strlen(longtext);
	for (size_t i = 0; i < big; i++)
		longtext[o++] = (i % 100 == 99) ? '\\' : 'a';
	longtext[o++] = '\n';
	strcpy(longtext + o, "[Service]\nExecStart=/ok\n");
	ks_systemd_unit v;
	ks_systemd_unit_init(&v);
	assert_int_equal(ks_systemd_parse_buffer(ctx, "/long", longtext, strlen(longtext), &v), 0);
	assert_null(v.description);
	assert_string_equal(v.exec, "/ok");
	assert_true(has_diag(ctx, "/long", 2, "longer than"));
	free(longtext);

	assert_string_equal(ks_systemd_exec_program(ctx->arena, " !!/usr/bin/x y", 15), "/usr/bin/x");
	assert_null(ks_systemd_exec_program(ctx->arena, "-@", 2));
	done(ctx, root);
}

static void test_dropins_and_templates(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/lib/systemd/system/vncserver@.service",
	              "[Service]\nExecStart=/usr/bin/vncserver -fg %i\n");
	ks_test_write(root, "/lib/systemd/system/vncserver@.service.d/10-vendor.conf",
	              "[Service]\nExecStart=\nExecStart=/usr/bin/tigervncserver %i\n");
	/* same drop-in name in /etc hides the vendor one; the instance's own drop-in comes after */
	ks_test_write(root, "/etc/systemd/system/vncserver@.service.d/10-vendor.conf",
	              "[Unit]\nDescription=admin override\n");
	ks_test_write(root, "/etc/systemd/system/vncserver@:1.service.d/20-local.conf",
	              "[Service]\nExecStart=\nExecStart=/opt/vnc/Xvnc :1\n");
	ks_test_write(root, "/etc/systemd/system/vncserver@:1.service.d/notes.txt", "[Service]\nExecStart=/no\n");
	mklink(root, "/etc/systemd/system/multi-user.target.wants/vncserver@:1.service",
	       "/lib/systemd/system/vncserver@.service");
	/* a wants link whose target is wrong still enables by name; one with no unit file does not */
	mklink(root, "/etc/systemd/system/default.target.wants/vncserver@:2.service", "/nowhere");
	mklink(root, "/etc/systemd/system/multi-user.target.wants/ghost.service", "/lib/systemd/system/ghost.service");
	mklink(root, "/etc/systemd/system/multi-user.target.wants/bad name.service", "/x");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_systemd(ctx), 0);
	const ks_value *en = list_fact(ctx, "services.enabled");
	assert_int_equal(en->u.list.n, 2);
	const ks_value *v1 = find_rec(en, "vncserver@:1.service");
	assert_non_null(v1);
	assert_string_equal(field(v1, "exec"), "/opt/vnc/Xvnc");
	assert_string_equal(field(v1, "description"), "admin override");
	const ks_value *v2 = find_rec(en, "vncserver@:2.service");
	assert_non_null(v2);
	/* the vendor drop-in that changed the program is hidden by the admin's file of the same name */
	assert_string_equal(field(v2, "exec"), "/usr/bin/vncserver");
	assert_string_equal(field(v2, "description"), "admin override");
	assert_string_equal(field(v2, "via"), "/etc/systemd/system/default.target.wants/vncserver@:2.service");
	assert_true(has_diag(ctx, "/etc/systemd/system/multi-user.target.wants/ghost.service", 0, "no unit file"));
	assert_true(has_diag(ctx, "/etc/systemd/system/multi-user.target.wants/bad name.service", 0, "not a unit name"));
	done(ctx, root);
}

static void test_sysv(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_test_write(root, "/etc/init.d/ssh", "#!/bin/sh\n");
	ks_test_write(root, "/etc/init.d/vncserver", "#!/bin/sh\n");
	ks_test_write(root, "/etc/init.d/hwclock.sh", "#!/bin/sh\n");
	ks_test_write(root, "/etc/init.d/openbsd-inetd", "#!/bin/sh\n");
	ks_test_write(root, "/etc/init.d/legacy", "#!/bin/sh\n");
	mklink(root, "/lib/systemd/system/hwclock.service", "/dev/null"); /* Debian masks it this way */
	mklink(root, "/etc/rc2.d/S01ssh", "../init.d/ssh");
	mklink(root, "/etc/rc2.d/S01openbsd-inetd", "../init.d/openbsd-inetd");
	mklink(root, "/etc/rc2.d/S02hwclock.sh", "../init.d/hwclock.sh");
	mklink(root, "/etc/rc2.d/K01legacy", "../init.d/legacy");
	mklink(root, "/etc/rc2.d/S03gone", "../init.d/gone");
	mklink(root, "/etc/rc3.d/S05vncserver", "../init.d/vncserver");
	mklink(root, "/etc/rc5.d/S05vncserver", "../init.d/vncserver");
	mklink(root, "/etc/rc1.d/S01legacy", "../init.d/legacy"); /* runlevel 1 is not a default */
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_systemd(ctx), 0);
	const ks_value *sv = list_fact(ctx, "services.sysv");
	assert_int_equal(sv->u.list.n, 1);
	assert_string_equal(field(&sv->u.list.items[0], "name"), "vncserver");
	assert_string_equal(field(&sv->u.list.items[0], "source"), "/etc/rc3.d/S05vncserver");
	assert_string_equal(field(&sv->u.list.items[0], "script"), "/etc/init.d/vncserver");
	const char *ev;
	assert_true(ks_sysv_enabled(ctx, "vncserver", &ev));
	assert_string_equal(ev, "/etc/rc3.d/S05vncserver");
	assert_false(ks_sysv_enabled(ctx, "ssh", &ev));
	assert_false(ks_sysv_enabled(ctx, "legacy", &ev));
	assert_false(ks_sysv_enabled(ctx, "gone", &ev));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);

	/* Without systemd every S link to an existing script starts it. */
	root = ks_test_tmpdir();
	ks_test_write(root, "/etc/init.d/ssh", "#!/bin/sh\n");
	ks_test_write(root, "/etc/init.d/hwclock.sh", "#!/bin/sh\n");
	mklink(root, "/etc/rc2.d/S01ssh", "../init.d/ssh");
	mklink(root, "/etc/rc2.d/S02hwclock.sh", "/etc/init.d/hwclock.sh");
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_systemd(ctx), 0);
	sv = list_fact(ctx, "services.sysv");
	assert_int_equal(sv->u.list.n, 2);
	assert_string_equal(field(&sv->u.list.items[0], "name"), "ssh");
	assert_string_equal(field(&sv->u.list.items[1], "name"), "hwclock.sh");
	assert_int_equal(list_fact(ctx, "services.enabled")->u.list.n, 0);
	const ks_fact *f = ks_fact_get(ctx->facts, "services.enabled");
	assert_non_null(strstr(f->source.probe, "not installed"));
	assert_false(ks_systemd_present(ctx));
	done(ctx, root);
}

static void test_unreadable(void **state)
{
	(void)state;
	char *root = debian_root();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	/* open 1: the stat that finds systemd; open 2: the listing of /etc/systemd/system */
	ks_rootfs_fail_after(ctx->root, 2);
	assert_int_equal(ks_collect_systemd(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "services.enabled"));
	const ks_fact *f = ks_fact_get(ctx->facts, "services.enabled");
	assert_non_null(strstr(f->reason, "/etc/systemd/system"));
	/* the other facts are still read */
	assert_false(ks_test_fact_is_unknown(ctx, "services.masked"));
	assert_false(ks_test_fact_is_unknown(ctx, "services.sysv"));
	done(ctx, root);
}

static void test_hostile_links(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	/* a symlink loop and a link that climbs out of the root */
	mklink(root, "/etc/systemd/system/loop.service", "loop2.service");
	mklink(root, "/etc/systemd/system/loop2.service", "loop.service");
	mklink(root, "/etc/systemd/system/multi-user.target.wants/loop.service", "../loop.service");
	mklink(root, "/etc/systemd/system/multi-user.target.wants/out.service", "../../../../../../etc/passwd");
	mklink(root, "/etc/systemd/system/out.service", "../../../../../../../../etc/passwd");
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_systemd(ctx), 0);
	/* /etc/passwd inside the (empty) root does not exist: nothing outside is read */
	assert_int_equal(list_fact(ctx, "services.enabled")->u.list.n, 0);
	assert_true(has_diag(ctx, NULL, -1, "too many symbolic links"));
	done(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_enabled),   cmocka_unit_test(test_unit_enabled_api),
		cmocka_unit_test(test_masked),           cmocka_unit_test(test_parser),
		cmocka_unit_test(test_dropins_and_templates), cmocka_unit_test(test_sysv),
		cmocka_unit_test(test_unreadable),       cmocka_unit_test(test_hostile_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
