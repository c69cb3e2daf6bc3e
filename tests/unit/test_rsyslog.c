/* rsyslog collector: Debian's shipped configuration, sysklogd selectors, RainerScript filters and
 * actions, stop/discard, rulesets and calls, includes, forwarding, enablement, malformed input. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "collect/rsyslog.h"
#include "core/diag.h"

/* Debian 12's /etc/rsyslog.conf, verbatim (line 60 is "auth,authpriv.* /var/log/auth.log"). */
static const char debian_conf[] =
	"# /etc/rsyslog.conf configuration file for rsyslog\n"
	"#\n"
	"# For more information install rsyslog-doc and see\n"
	"# /usr/share/doc/rsyslog-doc/html/configuration/index.html\n"
	"\n"
	"\n"
	"#################\n"
	"#### MODULES ####\n"
	"#################\n"
	"\n"
	"module(load=\"imuxsock\") # provides support for local system logging\n"
	"module(load=\"imklog\")   # provides kernel logging support\n"
	"#module(load=\"immark\")  # provides --MARK-- message capability\n"
	"\n"
	"# provides UDP syslog reception\n"
	"#module(load=\"imudp\")\n"
	"#input(type=\"imudp\" port=\"514\")\n"
	"\n"
	"# provides TCP syslog reception\n"
	"#module(load=\"imtcp\")\n"
	"#input(type=\"imtcp\" port=\"514\")\n"
	"\n"
	"\n"
	"###########################\n"
	"#### GLOBAL DIRECTIVES ####\n"
	"###########################\n"
	"\n"
	"#\n"
	"# Set the default permissions for all log files.\n"
	"#\n"
	"$FileOwner root\n"
	"$FileGroup adm\n"
	"$FileCreateMode 0640\n"
	"$DirCreateMode 0755\n"
	"$Umask 0022\n"
	"\n"
	"#\n"
	"# Where to place spool and state files\n"
	"#\n"
	"$WorkDirectory /var/spool/rsyslog\n"
	"\n"
	"#\n"
	"# Include all config files in /etc/rsyslog.d/\n"
	"#\n"
	"$IncludeConfig /etc/rsyslog.d/*.conf\n"
	"\n"
	"\n"
	"###############\n"
	"#### RULES ####\n"
	"###############\n"
	"\n"
	"#\n"
	"# Log anything besides private authentication messages to a single log file\n"
	"#\n"
	"*.*;auth,authpriv.none\t\t-/var/log/syslog\n"
	"\n"
	"#\n"
	"# Log commonly used facilities to their own log file\n"
	"#\n"
	"auth,authpriv.*\t\t\t/var/log/auth.log\n"
	"cron.*\t\t\t\t-/var/log/cron.log\n"
	"kern.*\t\t\t\t-/var/log/kern.log\n"
	"mail.*\t\t\t\t-/var/log/mail.log\n"
	"user.*\t\t\t\t-/var/log/user.log\n"
	"\n"
	"#\n"
	"# Emergencies are sent to everybody logged in.\n"
	"#\n"
	"*.emerg\t\t\t\t:omusrmsg:*\n";

static void link_in(const char *root, const char *target, const char *rel)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static char *installed_root(const char *conf)
{
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/usr/sbin/rsyslogd", "\177ELF");
	ks_test_write(root, "/lib/systemd/system/rsyslog.service", "[Service]\nExecStart=/usr/sbin/rsyslogd -n\n");
	ks_test_write(root, "/etc/systemd/system/multi-user.target.wants/.keep", "");
	link_in(root, "/lib/systemd/system/rsyslog.service", "etc/systemd/system/multi-user.target.wants/rsyslog.service");
	if (conf)
		ks_test_write(root, "/etc/rsyslog.conf", conf);
	return root;
}

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_rsyslog(ctx), 0);
	return ctx;
}

static void done(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
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
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

static bool has_diag(ks_collect_ctx *ctx, const char *path, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->line == line && d->path && !strcmp(d->path, path) && strstr(d->message, needle))
			return true;
	}
	return false;
}

/* Parses CONF as /etc/rsyslog.conf of an installed, enabled rsyslog. */
static ks_collect_ctx *conf_ctx(const char *conf, char **root)
{
	*root = installed_root(conf);
	return run(*root);
}

static void test_debian_default(void **state)
{
	(void)state;
	char *root = installed_root(debian_conf);
	ks_test_write(root, "/etc/rsyslog.d/.keep", "");
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "rsyslog.installed"));
	assert_true(ks_test_fact_bool(ctx, "rsyslog.enabled"));
	assert_string_equal(ks_fact_get(ctx->facts, "rsyslog.enabled")->source.path,
	                    "/etc/systemd/system/multi-user.target.wants/rsyslog.service");
	const ks_value *l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "name"), "/var/log/auth.log");
	assert_string_equal(field(l, 0, "source"), "/etc/rsyslog.conf:60");
	assert_string_equal(field(l, 0, "facilities"), "auth,authpriv");
	assert_string_equal(field(l, 0, "kind"), "file");
	assert_int_equal(list_of(ctx, "rsyslog.auth_forward")->u.list.n, 0);
	assert_false(ks_test_fact_bool(ctx, "rsyslog.reads_journal"));
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

static void test_not_installed(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "/etc/rsyslog.conf", debian_conf);
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "rsyslog.installed"));
	assert_false(ks_test_fact_bool(ctx, "rsyslog.enabled"));
	assert_int_equal(list_of(ctx, "rsyslog.auth_files")->u.list.n, 0);
	assert_string_equal(ks_fact_get(ctx->facts, "rsyslog.auth_files")->source.probe, "rsyslog not installed");
	done(ctx, root);
}

static void test_enablement(void **state)
{
	(void)state;
	char *root = installed_root(debian_conf);
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/systemd/system/multi-user.target.wants/rsyslog.service", root);
	assert_int_equal(unlink(p), 0);
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "rsyslog.enabled"));
	assert_non_null(ks_fact_get(ctx->facts, "rsyslog.enabled")->source.probe);
	/* The configuration is still read: the files are what rsyslog would write. */
	assert_int_equal(list_of(ctx, "rsyslog.auth_files")->u.list.n, 1);
	done(ctx, root);

	root = installed_root(debian_conf);
	link_in(root, "/dev/null", "etc/systemd/system/rsyslog.service");
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "rsyslog.enabled"));
	assert_string_equal(ks_fact_get(ctx->facts, "rsyslog.enabled")->source.path, "/etc/systemd/system/rsyslog.service");
	done(ctx, root);

	/* SysV only (no unit file): an S link in a multi-user runlevel enables it. */
	root = ks_test_tmpdir();
	ks_test_write(root, "/usr/sbin/rsyslogd", "\177ELF");
	ks_test_write(root, "/etc/init.d/rsyslog", "#!/bin/sh\n");
	ks_test_write(root, "/etc/rc2.d/.keep", "");
	link_in(root, "../init.d/rsyslog", "etc/rc2.d/S01rsyslog");
	ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "rsyslog.enabled"));
	assert_string_equal(ks_fact_get(ctx->facts, "rsyslog.enabled")->source.path, "/etc/rc2.d/S01rsyslog");
	done(ctx, root);
}

static void test_selectors(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = conf_ctx("auth.warn /var/log/warn.log\n"              /* 1: not info */
	                               "*.*;auth,authpriv.none -/var/log/syslog\n"   /* 2: excluded */
	                               "*.=info /var/log/info.log\n"                 /* 3: info only */
	                               "auth.!debug /var/log/nothing.log\n"          /* 4: empty */
	                               "authpriv.* /var/log/secure\n"                /* 5: authpriv */
	                               "auth.*;auth.!=debug -/var/log/auth-nodebug\n" /* 6: info..emerg */
	                               "security.info /var/log/security\n"           /* 7: = auth.info */
	                               "auth,authpriv.* /var/log/secure\n"           /* 8: duplicate */
	                               "*.* /dev/console\n",                         /* 9: not kept */
	                               &root);
	const ks_value *l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 3);
	assert_string_equal(field(l, 0, "name"), "/var/log/secure");
	assert_string_equal(field(l, 0, "facilities"), "authpriv");
	assert_string_equal(field(l, 0, "source"), "/etc/rsyslog.conf:5");
	assert_string_equal(field(l, 1, "name"), "/var/log/auth-nodebug");
	assert_string_equal(field(l, 1, "facilities"), "auth");
	assert_string_equal(field(l, 2, "name"), "/var/log/security");
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

static void test_forwarding(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = conf_ctx("auth,authpriv.* @@(o)loghost.example:6514;RSYSLOG_SyslogProtocol23Format\n"
	                               "*.* @10.0.0.9\n"
	                               "mail.* @@mailhost\n"
	                               "authpriv.* :omrelp:relp.example:2514\n"
	                               "*.* action(type=\"omfwd\" target=\"siem.example\" port=\"514\" protocol=\"TCP\")\n"
	                               "*.* @[2001:db8::1]:514\n",
	                               &root);
	const ks_value *l = list_of(ctx, "rsyslog.auth_forward");
	assert_int_equal(l->u.list.n, 5);
	assert_string_equal(field(l, 0, "name"), "loghost.example:6514");
	assert_string_equal(field(l, 0, "protocol"), "tcp");
	assert_string_equal(field(l, 1, "name"), "10.0.0.9");
	assert_string_equal(field(l, 1, "protocol"), "udp");
	assert_string_equal(field(l, 2, "name"), "relp.example:2514");
	assert_string_equal(field(l, 2, "protocol"), "relp");
	assert_string_equal(field(l, 2, "source"), "/etc/rsyslog.conf:4");
	assert_string_equal(field(l, 3, "name"), "siem.example:514");
	assert_string_equal(field(l, 3, "protocol"), "tcp");
	assert_string_equal(field(l, 4, "name"), "[2001:db8::1]:514");
	assert_int_equal(list_of(ctx, "rsyslog.auth_files")->u.list.n, 0);
	done(ctx, root);
}

static void test_rainerscript(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = conf_ctx(
		"module(load=\"imuxsock\")   # local logging\n"                                  /* 1 */
		"/* a block comment\n"                                                          /* 2 */
		"   over two lines */\n"                                                        /* 3 */
		"if $syslogfacility-text == 'authpriv' then /var/log/secure\n"                  /* 4 */
		"if $programname == 'sshd' then /var/log/sshd.log\n"                            /* 5: some */
		"if $syslogfacility-text == ['auth', 'authpriv'] then {\n"                      /* 6 */
		"    action(type=\"omfile\"\n"                                                  /* 7 */
		"           file=\"/var/log/both.log\"   # trailing comment\n"                  /* 8 */
		"           fileCreateMode=\"0600\")\n"                                         /* 9 */
		"}\n"                                                                           /* 10 */
		"if re_match($msg, 'x') or $syslogfacility == 4 then action(type=\"omfile\" file=\"/var/log/a4\")\n" /* 11 */
		"if not ($syslogseverity > 6) and prifilt(\"auth.*\") then /var/log/p\n"        /* 12 */
		"if $syslogfacility-text startswith 'auth' and $syslogseverity-text != 'debug' then /var/log/s\n" /* 13 */
		"if $syslogfacility-text == 'auth' then stop else /var/log/else.log\n",         /* 14 */
		&root);
	const ks_value *l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 6);
	assert_string_equal(field(l, 0, "name"), "/var/log/secure");
	assert_string_equal(field(l, 0, "source"), "/etc/rsyslog.conf:4");
	assert_string_equal(field(l, 1, "name"), "/var/log/both.log");
	assert_string_equal(field(l, 1, "source"), "/etc/rsyslog.conf:7");
	assert_string_equal(field(l, 1, "facilities"), "auth,authpriv");
	assert_string_equal(field(l, 2, "name"), "/var/log/a4");
	assert_string_equal(field(l, 2, "facilities"), "auth");
	assert_string_equal(field(l, 3, "name"), "/var/log/p");
	assert_string_equal(field(l, 4, "name"), "/var/log/s");
	assert_string_equal(field(l, 4, "facilities"), "auth,authpriv");
	/* The else branch gets authpriv (auth was stopped in the then branch). */
	assert_string_equal(field(l, 5, "name"), "/var/log/else.log");
	assert_string_equal(field(l, 5, "facilities"), "authpriv");
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

static void test_not_binds_tightest(void **state)
{
	(void)state;
	/* rsyslog's grammar: "not" binds tighter than "==", so this compares (not $x) with 'y':
	 * a message property, never all auth messages. */
	char *root;
	ks_collect_ctx *ctx = conf_ctx("if not $syslogfacility-text == 'mail' then /var/log/x\n", &root);
	assert_true(ks_test_fact_is_unknown(ctx, "rsyslog.auth_files"));
	done(ctx, root);
	ctx = conf_ctx("if not ($syslogfacility-text == 'mail') then /var/log/x\n", &root);
	assert_int_equal(list_of(ctx, "rsyslog.auth_files")->u.list.n, 1);
	done(ctx, root);
}

static void test_unknown_filter(void **state)
{
	(void)state;
	char *root;
	/* A function kenshin does not know: the action may or may not get auth messages. */
	ks_collect_ctx *ctx = conf_ctx("mail.* /var/log/mail.log\n"
	                               "if custom_fn($msg) then /var/log/custom.log\n",
	                               &root);
	assert_true(ks_test_fact_is_unknown(ctx, "rsyslog.auth_files"));
	const ks_fact *f = ks_fact_get(ctx->facts, "rsyslog.auth_files");
	assert_string_equal(f->source.path, "/etc/rsyslog.conf");
	assert_non_null(strstr(f->reason, "/etc/rsyslog.conf:2"));
	done(ctx, root);

	/* A definite auth file elsewhere decides it. */
	ctx = conf_ctx("if custom_fn($msg) then /var/log/custom.log\nauth,authpriv.* /var/log/auth.log\n", &root);
	assert_int_equal(list_of(ctx, "rsyslog.auth_files")->u.list.n, 1);
	done(ctx, root);

	/* A regular expression on the facility is not evaluated either. */
	ctx = conf_ctx(":syslogfacility-text, regex, \"^auth\" /var/log/r\n", &root);
	assert_true(ks_test_fact_is_unknown(ctx, "rsyslog.auth_files"));
	done(ctx, root);
}

static void test_stop_and_discard(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = conf_ctx("auth.* stop\nauth,authpriv.* /var/log/auth.log\n", &root);
	const ks_value *l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "facilities"), "authpriv");
	done(ctx, root);

	/* Dropping sshd's messages first: the file no longer gets every auth message. */
	ctx = conf_ctx(":programname, isequal, \"sshd\" ~\nauth,authpriv.* /var/log/auth.log\n", &root);
	assert_int_equal(list_of(ctx, "rsyslog.auth_files")->u.list.n, 0);
	done(ctx, root);

	ctx = conf_ctx("*.* stop\nauth,authpriv.* /var/log/auth.log\n", &root);
	assert_int_equal(list_of(ctx, "rsyslog.auth_files")->u.list.n, 0);
	done(ctx, root);

	/* "&" continues the previous filter's action list. */
	ctx = conf_ctx("auth,authpriv.* /var/log/auth.log\n& stop\nauth,authpriv.* /var/log/later.log\n", &root);
	l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "name"), "/var/log/auth.log");
	done(ctx, root);
}

static void test_property_filter(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = conf_ctx(":syslogfacility-text, isequal, \"auth\" /var/log/a\n"
	                               ":syslogfacility-text, !contains, \"auth\" /var/log/not-auth\n"
	                               ":msg, contains, \"session opened\" /var/log/sessions\n",
	                               &root);
	const ks_value *l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "name"), "/var/log/a");
	done(ctx, root);
}

static void test_rulesets(void **state)
{
	(void)state;
	char *root;
	/* Actions of a ruleset bound to a network input are not where local auth messages go. */
	ks_collect_ctx *ctx = conf_ctx("ruleset(name=\"remote\") {\n"
	                               "  auth,authpriv.* /var/log/remote-auth.log\n"
	                               "}\n"
	                               "input(type=\"imtcp\" port=\"514\" ruleset=\"remote\")\n",
	                               &root);
	assert_int_equal(list_of(ctx, "rsyslog.auth_files")->u.list.n, 0);
	done(ctx, root);

	ctx = conf_ctx("ruleset(name=\"authlogs\") {\n"
	               "  action(type=\"omfile\" file=\"/var/log/auth.log\")\n"
	               "  stop\n"
	               "}\n"
	               "if $syslogfacility-text == 'auth' then call authlogs\n"
	               "auth.* /var/log/after-call.log\n"
	               "$RuleSet other\n"
	               "authpriv.* /var/log/other\n"
	               "$RuleSet RSYSLOG_DefaultRuleset\n"
	               "authpriv.* /var/log/default\n",
	               &root);
	const ks_value *l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 2);
	assert_string_equal(field(l, 0, "name"), "/var/log/auth.log");
	assert_string_equal(field(l, 0, "source"), "/etc/rsyslog.conf:2");
	assert_string_equal(field(l, 1, "name"), "/var/log/default");
	done(ctx, root);
}

static void test_includes(void **state)
{
	(void)state;
	char *root = installed_root("$IncludeConfig /etc/rsyslog.d/*.conf\n"
	                            "include(file=\"/etc/rsyslog.extra/*.conf\" mode=\"optional\")\n"
	                            "include(file=\"/etc/rsyslog.missing.conf\")\n"
	                            "include(text=\"authpriv.* /var/log/from-text\")\n");
	ks_test_write(root, "/etc/rsyslog.d/10-auth.conf", "# comment\nauth,authpriv.* /var/log/auth.log\n");
	ks_test_write(root, "/etc/rsyslog.d/20-fwd.conf", "auth.* action(type=\"omrelp\" target=\"relp.example\" port=\"2514\")\n");
	ks_test_write(root, "/etc/rsyslog.d/30-ignored.conf.dpkg-old", "auth.* /var/log/ignored\n");
	ks_collect_ctx *ctx = run(root);
	const ks_value *l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 2);
	assert_string_equal(field(l, 0, "name"), "/var/log/auth.log");
	assert_string_equal(field(l, 0, "source"), "/etc/rsyslog.d/10-auth.conf:2");
	assert_string_equal(field(l, 1, "name"), "/var/log/from-text");
	l = list_of(ctx, "rsyslog.auth_forward");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "name"), "relp.example:2514");
	assert_string_equal(field(l, 0, "source"), "/etc/rsyslog.d/20-fwd.conf:1");
	assert_true(has_diag(ctx, "/etc/rsyslog.conf", 3, "does not exist"));
	done(ctx, root);
}

static void test_include_loop(void **state)
{
	(void)state;
	char *root = installed_root("$IncludeConfig /etc/rsyslog.conf\nauth.* /var/log/a\n");
	ks_collect_ctx *ctx = run(root);
	/* The self-include is followed until the depth limit, then the facts are unknown. */
	assert_true(ks_test_fact_is_unknown(ctx, "rsyslog.auth_files"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "rsyslog.auth_files")->reason, "nested too deeply"));
	done(ctx, root);
}

static void test_dynafile_and_journal(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = conf_ctx("module(load=\"imjournal\" StateFile=\"imjournal.state\")\n"
	                               "template(name=\"PerHost\" type=\"string\" string=\"/var/log/%HOSTNAME%/auth.log\")\n"
	                               "template(name=\"T2\" type=\"list\") {\n  property(name=\"msg\")\n  constant(value=\"\\n\")\n}\n"
	                               "auth,authpriv.* ?PerHost\n"
	                               "auth.* action(type=\"omfile\" dynaFile=\"PerHost\")\n",
	                               &root);
	assert_true(ks_test_fact_bool(ctx, "rsyslog.reads_journal"));
	const ks_value *l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "name"), "?PerHost");
	assert_string_equal(field(l, 0, "kind"), "dynafile");
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	done(ctx, root);
}

static void test_bsd_blocks(void **state)
{
	(void)state;
	char *root;
	ks_collect_ctx *ctx = conf_ctx("!sshd\nauth.* /var/log/sshd-only\n!*\nauthpriv.* /var/log/all-authpriv\n", &root);
	const ks_value *l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "name"), "/var/log/all-authpriv");
	done(ctx, root);
}

static void test_malformed(void **state)
{
	(void)state;
	char *root;
	/* Errors rsyslog reports per line (it drops the line and reads on). */
	ks_collect_ctx *ctx = conf_ctx("bogus.* /var/log/bogus\n"                  /* 1: unknown facility */
	                               "auth.loud /var/log/loud\n"                  /* 2: unknown priority */
	                               ":msg, sounds-like, \"x\" /var/log/x\n"      /* 3: unknown operation */
	                               "action(file=\"/var/log/a\")\n"              /* 4: no type */
	                               "auth,authpriv.* /var/log/auth.log\n",       /* 5 */
	                               &root);
	const ks_value *l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "source"), "/etc/rsyslog.conf:5");
	assert_true(has_diag(ctx, "/etc/rsyslog.conf", 1, "unknown facility"));
	assert_true(has_diag(ctx, "/etc/rsyslog.conf", 2, "unknown priority"));
	assert_true(has_diag(ctx, "/etc/rsyslog.conf", 3, "unknown compare operation"));
	assert_true(has_diag(ctx, "/etc/rsyslog.conf", 4, "without type"));
	done(ctx, root);

	/* Syntax errors stop rsyslogd's parser: actions before stay, those after are uncertain. */
	ctx = conf_ctx("auth,authpriv.* /var/log/auth.log\n"                           /* 1 */
	               "if $msg == then /var/log/x\n"                                  /* 2: bad expression */
	               "authpriv.* /var/log/secure\n"                                  /* 3 */
	               "}\n"                                                           /* 4 */
	               "what is this\n"                                                /* 5 */
	               "action(type=\"omfile\" file=\"/var/log/unterminated)\n",       /* 6 */
	               &root);
	l = list_of(ctx, "rsyslog.auth_files");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(field(l, 0, "source"), "/etc/rsyslog.conf:1");
	assert_true(has_diag(ctx, "/etc/rsyslog.conf", 2, "if:"));
	assert_true(has_diag(ctx, "/etc/rsyslog.conf", 4, "without a matching"));
	assert_true(has_diag(ctx, "/etc/rsyslog.conf", 5, "unrecognised statement"));
	assert_true(has_diag(ctx, "/etc/rsyslog.conf", 6, "unterminated string"));
	done(ctx, root);

	ctx = conf_ctx("what is this\nauth,authpriv.* /var/log/auth.log\n", &root);
	assert_true(ks_test_fact_is_unknown(ctx, "rsyslog.auth_files"));
	const ks_fact *f = ks_fact_get(ctx->facts, "rsyslog.auth_files");
	assert_int_equal(f->source.line, 0);
	assert_non_null(strstr(f->reason, "/etc/rsyslog.conf:2"));
	assert_non_null(strstr(f->reason, "syntax error at /etc/rsyslog.conf:1"));
	done(ctx, root);
}

static void test_missing_conf_and_read_error(void **state)
{
	(void)state;
	char *root = installed_root(NULL);
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(list_of(ctx, "rsyslog.auth_files")->u.list.n, 0);
	assert_non_null(strstr(ks_fact_get(ctx->facts, "rsyslog.auth_files")->source.probe, "no /etc/rsyslog.conf"));
	done(ctx, root);

	/* A configuration that is not a regular file cannot be read: unknown, not "no auth files". */
	root = installed_root(NULL);
	char p[1024];
	snprintf(p, sizeof p, "%s/etc/rsyslog.conf", root);
	assert_int_equal(mkdir(p, 0755), 0);
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "rsyslog.auth_files"));
	assert_true(ks_test_fact_is_unknown(ctx, "rsyslog.auth_forward"));
	done(ctx, root);
}

static void test_parse_buffer(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_rsyslog_conf conf;
	const char *text = "auth,authpriv.* /var/log/auth.log\n*.* @@siem:514\n";
	assert_int_equal(ks_rsyslog_parse_buffer(ctx, "/etc/rsyslog.conf", text, strlen(text), &conf), 0);
	assert_int_equal(conf.auth_files.u.list.n, 1);
	assert_int_equal(conf.auth_forward.u.list.n, 1);
	assert_null(conf.incomplete);
	/* Deep nesting is cut off, never recursed without bound. */
	size_t n = 200 * 30 + 1;
	char *deep = calloc(n, 1);
	for (int i = 0; i < 200; i++)
		strcat(deep, "if 1 == 1 then { ");
	assert_int_equal(ks_rsyslog_parse_buffer(ctx, "/etc/rsyslog.conf", deep, strlen(deep), &conf), 0);
	assert_non_null(conf.incomplete);
	free(deep);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_default),
		cmocka_unit_test(test_not_installed),
		cmocka_unit_test(test_enablement),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_forwarding),
		cmocka_unit_test(test_rainerscript),
		cmocka_unit_test(test_not_binds_tightest),
		cmocka_unit_test(test_unknown_filter),
		cmocka_unit_test(test_stop_and_discard),
		cmocka_unit_test(test_property_filter),
		cmocka_unit_test(test_rulesets),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_include_loop),
		cmocka_unit_test(test_dynafile_and_journal),
		cmocka_unit_test(test_bsd_blocks),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_missing_conf_and_read_error),
		cmocka_unit_test(test_parse_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
