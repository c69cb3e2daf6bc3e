/* timesync collector: Debian's chrony, ntpsec and systemd-timesyncd configurations, sources from
 * included directories, DHCP-only sources, choice among several clients, nothing enabled. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "collect/timesync.h"
#include "core/diag.h"

/* Debian 12's /etc/chrony/chrony.conf without its comment lines. */
static const char chrony_conf[] = "# Welcome to the chrony configuration file.\n"   /* 1 */
                                  "confdir /etc/chrony/conf.d\n"                     /* 2 */
                                  "pool 2.debian.pool.ntp.org iburst\n"              /* 3 */
                                  "sourcedir /run/chrony-dhcp\n"                     /* 4 */
                                  "sourcedir /etc/chrony/sources.d\n"                /* 5 */
                                  "keyfile /etc/chrony/chrony.keys\n"
                                  "driftfile /var/lib/chrony/chrony.drift\n"
                                  "ntsdumpdir /var/lib/chrony\n"
                                  "logdir /var/log/chrony\n"
                                  "maxupdateskew 100.0\n"
                                  "rtcsync\n"
                                  "makestep 1 3\n"
                                  "leapsectz right/UTC\n";

/* Debian 12's /etc/ntpsec/ntp.conf without comments. */
static const char ntp_conf[] = "driftfile /var/lib/ntpsec/ntp.drift\n"
                               "leapfile /usr/share/zoneinfo/leap-seconds.list\n"
                               "tos maxclock 11\n"
                               "tos minclock 4 minsane 3\n"
                               "pool 0.debian.pool.ntp.org iburst\n"  /* 5 */
                               "pool 1.debian.pool.ntp.org iburst\n"
                               "pool 2.debian.pool.ntp.org iburst\n"
                               "pool 3.debian.pool.ntp.org iburst\n"
                               "restrict default kod nomodify nopeer noquery limited\n"
                               "restrict 127.0.0.1\n"
                               "restrict ::1\n";

/* Debian 12's /etc/systemd/timesyncd.conf: every setting commented out. */
static const char timesyncd_conf[] =
	"[Time]\n#NTP=\n#FallbackNTP=0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org "
	"3.debian.pool.ntp.org\n#RootDistanceMaxSec=5\n#PollIntervalMinSec=32\n";

static void enable(const char *root, const char *unit, const char *target)
{
	char rel[256], p[1024], t[256];
	snprintf(rel, sizeof rel, "/lib/systemd/system/%s", unit);
	ks_test_write(root, rel, "[Service]\nExecStart=/x\n");
	snprintf(rel, sizeof rel, "/etc/systemd/system/%s.wants/.keep", target);
	ks_test_write(root, rel, "");
	snprintf(p, sizeof p, "%s/etc/systemd/system/%s.wants/%s", root, target, unit);
	snprintf(t, sizeof t, "/lib/systemd/system/%s", unit);
	assert_int_equal(symlink(t, p), 0);
}

static char *chrony_root(void)
{
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/sbin/chronyd", "\177ELF");
	ks_test_write(root, "/etc/chrony/chrony.conf", chrony_conf);
	ks_test_write(root, "/etc/chrony/sources.d/README", "server ignored.example\n");
	ks_test_write(root, "/etc/chrony/conf.d/README", "");
	return root;
}

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_timesync(ctx), 0);
	return ctx;
}

static void done(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static const ks_value *servers(ks_collect_ctx *ctx)
{
	const ks_fact *f = ks_fact_get(ctx->facts, "time.servers");
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	return &f->value;
}

static const char *server(ks_collect_ctx *ctx, size_t i)
{
	const ks_value *l = servers(ctx);
	assert_true(i < l->u.list.n);
	return l->u.list.items[i].u.str.s;
}

static void test_chrony(void **state)
{
	(void)state;
	char *root = chrony_root();
	enable(root, "chrony.service", "multi-user.target");
	ks_test_write(root, "/etc/chrony/sources.d/hospital.sources", "server ntp1.hospital.example iburst\n");
	ks_test_write(root, "/etc/chrony/conf.d/peers.conf", "! comment\npeer 10.0.0.2\n");
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "time.sync_enabled"));
	assert_string_equal(ks_fact_get(ctx->facts, "time.sync_enabled")->source.path,
	                    "/etc/systemd/system/multi-user.target.wants/chrony.service");
	assert_string_equal(ks_test_fact_str(ctx, "time.sync_service"), "chrony");
	assert_int_equal(servers(ctx)->u.list.n, 3);
	assert_string_equal(server(ctx, 0), "10.0.0.2"); /* confdir comes first in the file */
	assert_string_equal(server(ctx, 1), "2.debian.pool.ntp.org");
	assert_string_equal(server(ctx, 2), "ntp1.hospital.example");
	assert_non_null(strstr(ks_fact_get(ctx->facts, "time.servers")->source.probe, "/etc/chrony/conf.d/peers.conf"));
	done(ctx, root);

	/* Only DHCP-provided sources: cannot be checked offline. */
	root = chrony_root();
	enable(root, "chrony.service", "multi-user.target");
	ks_test_write(root, "/etc/chrony/chrony.conf", "sourcedir /run/chrony-dhcp\ndriftfile /x\n");
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "time.sync_enabled"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "time.sync_enabled")->reason, "DHCP"));
	done(ctx, root);

	/* Installed but not enabled. */
	root = chrony_root();
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "time.sync_enabled"));
	assert_string_equal(ks_test_fact_str(ctx, "time.sync_service"), "none");
	assert_int_equal(servers(ctx)->u.list.n, 0);
	done(ctx, root);
}

static void test_ntpsec(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/sbin/ntpd", "\177ELF");
	ks_test_write(root, "/etc/ntpsec/ntp.conf", ntp_conf);
	enable(root, "ntpsec.service", "multi-user.target");
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "time.sync_enabled"));
	assert_string_equal(ks_test_fact_str(ctx, "time.sync_service"), "ntpsec");
	assert_int_equal(servers(ctx)->u.list.n, 4);
	assert_string_equal(server(ctx, 3), "3.debian.pool.ntp.org");
	done(ctx, root);

	/* The undisciplined local clock is not a time source. */
	root = ks_test_tmpdir();
	ks_test_write(root, "/usr/sbin/ntpd", "\177ELF");
	ks_test_write(root, "/etc/ntp.conf", "server 127.127.1.0\nfudge 127.127.1.0 stratum 10\nincludefile /etc/ntp.d/x.conf\n");
	ks_test_write(root, "/etc/ntp.d/x.conf", "# nothing\n");
	enable(root, "ntp.service", "multi-user.target");
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "time.sync_enabled"));
	assert_string_equal(ks_test_fact_str(ctx, "time.sync_service"), "ntp");
	assert_non_null(strstr(ks_fact_get(ctx->facts, "time.sync_enabled")->source.probe, "no server"));
	done(ctx, root);
}

static void test_timesyncd(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/lib/systemd/systemd-timesyncd", "\177ELF");
	ks_test_write(root, "/etc/systemd/timesyncd.conf", timesyncd_conf);
	enable(root, "systemd-timesyncd.service", "sysinit.target");
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "time.sync_enabled"));
	assert_string_equal(ks_test_fact_str(ctx, "time.sync_service"), "systemd-timesyncd");
	assert_int_equal(servers(ctx)->u.list.n, 4);
	assert_string_equal(server(ctx, 0), "0.debian.pool.ntp.org");
	assert_non_null(strstr(ks_fact_get(ctx->facts, "time.servers")->source.probe, "compiled-in"));
	done(ctx, root);

	root = ks_test_tmpdir();
	ks_test_write(root, "/lib/systemd/systemd-timesyncd", "\177ELF");
	ks_test_write(root, "/etc/systemd/timesyncd.conf", timesyncd_conf);
	ks_test_write(root, "/etc/systemd/timesyncd.conf.d/50-site.conf", "[Time]\nNTP=ntp1.example ntp2.example\n");
	ks_test_write(root, "/usr/lib/systemd/timesyncd.conf.d/10-vendor.conf", "[Time]\nFallbackNTP=\n");
	enable(root, "systemd-timesyncd.service", "sysinit.target");
	ctx = run(root);
	assert_int_equal(servers(ctx)->u.list.n, 2);
	assert_string_equal(server(ctx, 1), "ntp2.example");
	assert_non_null(strstr(ks_fact_get(ctx->facts, "time.servers")->source.probe,
	                       "/etc/systemd/timesyncd.conf.d/50-site.conf:2"));
	done(ctx, root);

	/* Both lists emptied: servers could only come from systemd-networkd. */
	root = ks_test_tmpdir();
	ks_test_write(root, "/lib/systemd/systemd-timesyncd", "\177ELF");
	ks_test_write(root, "/etc/systemd/timesyncd.conf", "[Time]\nNTP=\nFallbackNTP=\n");
	enable(root, "systemd-timesyncd.service", "sysinit.target");
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "time.sync_enabled"));
	done(ctx, root);
}

static void test_choice(void **state)
{
	(void)state;
	/* chrony installed but disabled; timesyncd enabled: timesyncd keeps time. A dangling link
	 * (package removed) enables nothing. */
	char *root = chrony_root();
	ks_test_write(root, "/lib/systemd/systemd-timesyncd", "\177ELF");
	enable(root, "systemd-timesyncd.service", "sysinit.target");
	ks_test_write(root, "/etc/systemd/system/multi-user.target.wants/.keep", "");
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/systemd/system/multi-user.target.wants/ntpsec.service", root);
	assert_int_equal(symlink("/lib/systemd/system/ntpsec.service", p), 0);
	ks_collect_ctx *ctx = run(root);
	assert_string_equal(ks_test_fact_str(ctx, "time.sync_service"), "systemd-timesyncd");
	done(ctx, root);

	root = ks_test_tmpdir();
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "time.sync_enabled"));
	assert_string_equal(ks_test_fact_str(ctx, "time.sync_service"), "none");
	done(ctx, root);
}

static void test_parse_buffers(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_timesync_sources s;
	ks_timesync_sources_init(&s);
	const char *c = "server a.example iburst\npool\nrefclock PHC /dev/ptp0 poll 2\ninclude /nothing/*.conf\n";
	assert_int_equal(ks_timesync_parse_chrony(ctx, &s, "/etc/chrony/chrony.conf", c, strlen(c), 0), 0);
	assert_int_equal(s.servers.u.list.n, 2);
	assert_string_equal(s.servers.u.list.items[1].u.str.s, "refclock PHC /dev/ptp0 poll 2");
	assert_int_equal(ks_diags_count(ctx->diags), 1); /* "pool" without an address */
	const char *ntp = NULL, *ntp_src = NULL, *fb = NULL, *fb_src = NULL;
	const char *t = "NTP=x\n[Time]\nNTP=a\nNTP=b c\nFallbackNTP=\n";
	assert_int_equal(ks_timesync_parse_timesyncd(ctx, "/t.conf", t, strlen(t), &ntp, &ntp_src, &fb, &fb_src), 0);
	assert_string_equal(ntp, "a b c");
	assert_string_equal(ntp_src, "/t.conf:4");
	assert_string_equal(fb, "");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chrony),
		cmocka_unit_test(test_ntpsec),
		cmocka_unit_test(test_timesyncd),
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_parse_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
