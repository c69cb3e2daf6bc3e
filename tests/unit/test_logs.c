/* logs collector (derived): persistence, retention, forwarding and permissions of the auth logs,
 * from the rsyslog, journald and logrotate facts and the files themselves. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "core/diag.h"

static void link_in(const char *root, const char *target, const char *rel)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static void chmod_in(const char *root, const char *rel, mode_t mode)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_int_equal(chmod(p, mode), 0);
}

/* A Debian-like host: rsyslog writing /var/log/auth.log, rotated weekly x4, journald with the
 * shipped defaults and no /var/log/journal. The files belong to whoever runs the test, so the
 * tree's passwd/group name that user "syslog" and that group "adm" (root stays root). */
static char *host(const char *rsyslog_conf, const char *rotate)
{
	char *root = ks_test_tmpdir();
	char buf[512];
	snprintf(buf, sizeof buf, "root:x:0:0:root:/root:/bin/bash\nsyslog:x:%u:%u::/:/usr/sbin/nologin\n"
	                          "alice:x:4242:4242::/home/alice:/bin/bash\n",
	         (unsigned)getuid(), (unsigned)getgid());
	ks_test_write(root, "/etc/passwd", buf);
	snprintf(buf, sizeof buf, "root:x:0:\nadm:x:%u:\nusers:x:4343:\n", (unsigned)getgid());
	ks_test_write(root, "/etc/group", buf);
	ks_test_write(root, "/usr/sbin/rsyslogd", "\177ELF");
	ks_test_write(root, "/lib/systemd/system/rsyslog.service", "[Service]\nExecStart=/usr/sbin/rsyslogd -n\n");
	ks_test_write(root, "/etc/systemd/system/multi-user.target.wants/.keep", "");
	link_in(root, "/lib/systemd/system/rsyslog.service", "etc/systemd/system/multi-user.target.wants/rsyslog.service");
	ks_test_write(root, "/etc/rsyslog.conf", rsyslog_conf);
	ks_test_write(root, "/lib/systemd/systemd-journald", "\177ELF");
	ks_test_write(root, "/etc/systemd/journald.conf", "[Journal]\n#Storage=auto\n");
	ks_test_write(root, "/usr/sbin/logrotate", "\177ELF");
	ks_test_write(root, "/etc/logrotate.conf", "weekly\nrotate 4\ninclude /etc/logrotate.d\n");
	ks_test_write(root, "/etc/logrotate.d/rsyslog", rotate);
	return root;
}

static const char auth_conf[] = "*.*;auth,authpriv.none -/var/log/syslog\nauth,authpriv.* /var/log/auth.log\n";
static const char weekly4[] = "/var/log/syslog\n/var/log/auth.log\n{\n\trotate 4\n\tweekly\n}\n";

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_rsyslog(ctx), 0);
	assert_int_equal(ks_collect_journald(ctx), 0);
	assert_int_equal(ks_collect_logrotate(ctx), 0);
	assert_int_equal(ks_collect_logs(ctx), 0);
	return ctx;
}

static void done(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void expect_src(ks_collect_ctx *ctx, const char *key, const char *path, int line)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	assert_non_null(f->source.path);
	assert_string_equal(f->source.path, path);
	assert_int_equal(f->source.line, line);
}

static const ks_value *list_of(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	return &f->value;
}

static const char *field(const ks_value *list, size_t i, const char *name)
{
	assert_true(i < list->u.list.n);
	const ks_value *v = ks_record_get(&list->u.list.items[i], name);
	assert_non_null(v);
	return v->u.str.s;
}

static void test_debian_like(void **state)
{
	(void)state;
	char *root = host(auth_conf, weekly4);
	ks_test_write(root, "/var/log/auth.log", "");
	chmod_in(root, "var/log/auth.log", 0640);
	chmod_in(root, "var/log", 0755);
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "logs.auth_persisted"));
	expect_src(ctx, "logs.auth_persisted", "/etc/rsyslog.conf", 2);
	assert_int_equal(ks_test_fact_int(ctx, "logs.retention_days"), 28);
	expect_src(ctx, "logs.retention_days", "/etc/logrotate.d/rsyslog", 1);
	assert_false(ks_test_fact_bool(ctx, "logs.auth_forwarded"));
	assert_int_equal(list_of(ctx, "logs.forward_targets")->u.list.n, 0);
	const ks_value *d = list_of(ctx, "logs.auth_destinations");
	assert_int_equal(d->u.list.n, 1);
	assert_string_equal(field(d, 0, "name"), "/var/log/auth.log");
	assert_string_equal(field(d, 0, "kind"), "file");
	assert_int_equal(ks_test_fact_int(ctx, "logs.bad_permissions_count"), 0);
	assert_int_equal(list_of(ctx, "logs.bad_permissions")->u.list.n, 0);
	done(ctx, root);
}

static void test_long_retention_and_forwarding(void **state)
{
	(void)state;
	char *root = host("auth,authpriv.* /var/log/auth.log\nauth,authpriv.* @@siem.example:514\n",
	                  "/var/log/auth.log {\n  daily\n  rotate 400\n  maxage 366\n}\n");
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "logs.retention_days"), 366);
	assert_true(ks_test_fact_bool(ctx, "logs.auth_forwarded"));
	expect_src(ctx, "logs.auth_forwarded", "/etc/rsyslog.conf", 2);
	const ks_value *t = list_of(ctx, "logs.forward_targets");
	assert_int_equal(t->u.list.n, 1);
	assert_string_equal(t->u.list.items[0].u.str.s, "siem.example:514");
	done(ctx, root);
}

static void test_journald_only(void **state)
{
	(void)state;
	char *root = host("mail.* /var/log/mail.log\n", weekly4);
	ks_test_write(root, "/etc/systemd/journald.conf", "[Journal]\nStorage=persistent\nMaxRetentionSec=2y\n");
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "logs.auth_persisted"));
	expect_src(ctx, "logs.auth_persisted", "/etc/systemd/journald.conf", 2);
	assert_int_equal(ks_test_fact_int(ctx, "logs.retention_days"), 730);
	expect_src(ctx, "logs.retention_days", "/etc/systemd/journald.conf", 3);
	const ks_value *d = list_of(ctx, "logs.auth_destinations");
	assert_int_equal(d->u.list.n, 1);
	assert_string_equal(field(d, 0, "kind"), "journal");
	done(ctx, root);

	/* Without MaxRetentionSec= the size caps decide: no guaranteed age. */
	root = host("mail.* /var/log/mail.log\n", weekly4);
	ks_test_write(root, "/etc/systemd/journald.conf", "[Journal]\nStorage=persistent\n");
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "logs.retention_days"), 0);
	done(ctx, root);
}

static void test_rsyslog_not_fed(void **state)
{
	(void)state;
	/* journald keeps nothing and forwards nothing, and rsyslog does not read the journal. */
	char *root = host(auth_conf, weekly4);
	ks_test_write(root, "/etc/systemd/journald.conf", "[Journal]\nStorage=volatile\nForwardToSyslog=no\n");
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "logs.auth_persisted"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "logs.auth_persisted")->source.probe, "journald does not forward"));
	assert_int_equal(ks_test_fact_int(ctx, "logs.retention_days"), 0);
	done(ctx, root);

	/* imjournal reads the journal instead. */
	root = host("module(load=\"imjournal\")\nauth,authpriv.* /var/log/auth.log\n", weekly4);
	ks_test_write(root, "/etc/systemd/journald.conf", "[Journal]\nStorage=volatile\nForwardToSyslog=no\n");
	ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "logs.auth_persisted"));
	done(ctx, root);

	/* rsyslog disabled. */
	root = host(auth_conf, weekly4);
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/systemd/system/multi-user.target.wants/rsyslog.service", root);
	assert_int_equal(unlink(p), 0);
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "logs.auth_persisted"));
	assert_false(ks_test_fact_bool(ctx, "logs.auth_forwarded"));
	done(ctx, root);
}

static void test_bad_permissions(void **state)
{
	(void)state;
	char *root = host("auth.* /var/log/auth.log\nauthpriv.* /var/log/secure\nauth.* /var/log/priv/a.log\n"
	                  "auth.* /var/log/null.log\nauth.* /var/log/alice.log\n",
	                  weekly4);
	ks_test_write(root, "/var/log/auth.log", "");
	ks_test_write(root, "/var/log/secure", "");
	ks_test_write(root, "/var/log/priv/a.log", "");
	ks_test_write(root, "/var/log/alice.log", "");
	chmod_in(root, "var/log", 0755);
	chmod_in(root, "var/log/auth.log", 0666);
	chmod_in(root, "var/log/secure", 0640);
	chmod_in(root, "var/log/priv/a.log", 0600);
	chmod_in(root, "var/log/priv", 0777);
	chmod_in(root, "var/log/alice.log", 0600);
	link_in(root, "/dev/null", "var/log/null.log");
	char p[1024];
	snprintf(p, sizeof p, "%s/var/log/alice.log", root);
	int own = chown(p, 4242, 4343); /* only possible as root */
	ks_collect_ctx *ctx = run(root);
	const ks_value *l = list_of(ctx, "logs.bad_permissions");
	size_t expect = own == 0 ? 4 : 3;
	assert_int_equal(l->u.list.n, expect);
	assert_string_equal(field(l, 0, "name"), "/var/log/auth.log");
	assert_string_equal(field(l, 0, "mode"), "0666");
	assert_string_equal(field(l, 0, "summary"), "writable by every user");
	assert_string_equal(field(l, 0, "source"), "/var/log/auth.log");
	assert_string_equal(field(l, 1, "name"), "/var/log/priv");
	assert_string_equal(field(l, 1, "mode"), "0777");
	assert_string_equal(field(l, 2, "name"), "/var/log/null.log");
	assert_non_null(strstr(field(l, 2, "summary"), "nothing is kept")); /* no /dev in the tree: dangling */
	if (own == 0) {
		assert_string_equal(field(l, 3, "owner"), "alice");
		assert_string_equal(field(l, 3, "group"), "users");
		assert_string_equal(field(l, 3, "summary"), "owned by alice");
	}
	assert_int_equal(ks_test_fact_int(ctx, "logs.bad_permissions_count"), (long long)expect);
	expect_src(ctx, "logs.bad_permissions_count", "/var/log/auth.log", 0);
	done(ctx, root);

	/* Group-writable by a group that is not trusted with logs. */
	root = host(auth_conf, weekly4);
	ks_test_write(root, "/var/log/auth.log", "");
	chmod_in(root, "var/log", 0755);
	chmod_in(root, "var/log/auth.log", 0660);
	ks_test_write(root, "/etc/group", "root:x:0:\nusers:x:4343:\n");
	snprintf(p, sizeof p, "%s/var/log/auth.log", root);
	if (chown(p, 0, 4343) == 0) {
		ctx = run(root);
		l = list_of(ctx, "logs.bad_permissions");
		assert_int_equal(l->u.list.n, 1);
		assert_string_equal(field(l, 0, "summary"), "writable by group users");
		ks_test_ctx_free(ctx);
	}
	ks_test_rmtree(root);
	free(root);

	/* logrotate would recreate the file world-writable at the next rotation. */
	root = host(auth_conf, "/var/log/auth.log {\n  weekly\n  rotate 60\n  create 0666 root adm\n}\n");
	ctx = run(root);
	l = list_of(ctx, "logs.bad_permissions");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "source"), "/etc/logrotate.d/rsyslog:4");
	assert_non_null(strstr(field(l, 0, "summary"), "logrotate recreates it"));
	done(ctx, root);
}

static void test_journal_permissions(void **state)
{
	(void)state;
	char *root = host("mail.* /var/log/mail.log\n", weekly4);
	ks_test_write(root, "/var/log/journal/0123456789abcdef/system.journal", "LPKSHHRH");
	chmod_in(root, "var/log/journal", 02755);
	chmod_in(root, "var/log/journal/0123456789abcdef", 02755);
	chmod_in(root, "var/log/journal/0123456789abcdef/system.journal", 0646);
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "logs.auth_persisted"));
	const ks_value *l = list_of(ctx, "logs.bad_permissions");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "name"), "/var/log/journal/0123456789abcdef/system.journal");
	done(ctx, root);
}

static void test_unknowns(void **state)
{
	(void)state;
	/* rsyslog's configuration cannot be read: whether it persists auth is unknown... */
	char *root = host(auth_conf, weekly4);
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/rsyslog.conf", root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "logs.auth_persisted"));
	assert_true(ks_test_fact_is_unknown(ctx, "logs.retention_days"));
	assert_true(ks_test_fact_is_unknown(ctx, "logs.auth_forwarded"));
	assert_true(ks_test_fact_is_unknown(ctx, "logs.bad_permissions_count"));
	done(ctx, root);

	/* ...unless the journal is kept on disk anyway; its retention still depends on the files. */
	root = host(auth_conf, weekly4);
	snprintf(p, sizeof p, "%s/etc/rsyslog.conf", root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);
	ks_test_write(root, "/etc/systemd/journald.conf", "[Journal]\nStorage=persistent\n");
	ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "logs.auth_persisted"));
	assert_true(ks_test_fact_is_unknown(ctx, "logs.retention_days"));
	done(ctx, root);

	/* An auth file without a logrotate stanza: its retention is unknown. */
	root = host(auth_conf, "/var/log/syslog {\n rotate 1\n}\n");
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "logs.retention_days"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "logs.retention_days")->reason, "no logrotate stanza"));
	done(ctx, root);

	/* File names from a template cannot be checked. */
	root = host("auth.* ?PerHost\n", weekly4);
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "logs.bad_permissions"));
	assert_true(ks_test_fact_bool(ctx, "logs.auth_persisted"));
	done(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_like),
		cmocka_unit_test(test_long_retention_and_forwarding),
		cmocka_unit_test(test_journald_only),
		cmocka_unit_test(test_rsyslog_not_fed),
		cmocka_unit_test(test_bad_permissions),
		cmocka_unit_test(test_journal_permissions),
		cmocka_unit_test(test_unknowns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
