/* Unit tests of the sshd_config parser and the ssh.* facts (src/collect/sshd.c). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/sshd.h"
#include "core/error.h"

/* Debian 12's /etc/ssh/sshd_config as shipped by openssh-server 1:9.2p1-2+deb12u10
 * (/usr/share/openssh/sshd_config), verbatim. */
static const char debian_config[] =
	"\n"
	"# This is the sshd server system-wide configuration file.  See\n"
	"# sshd_config(5) for more information.\n"
	"\n"
	"# This sshd was compiled with PATH=/usr/local/bin:/usr/bin:/bin:/usr/games\n"
	"\n"
	"# The strategy used for options in the default sshd_config shipped with\n"
	"# OpenSSH is to specify options with their default value where\n"
	"# possible, but leave them commented.  Uncommented options override the\n"
	"# default value.\n"
	"\n"
	"Include /etc/ssh/sshd_config.d/*.conf\n"
	"\n"
	"#Port 22\n"
	"#AddressFamily any\n"
	"#ListenAddress 0.0.0.0\n"
	"#ListenAddress ::\n"
	"\n"
	"#HostKey /etc/ssh/ssh_host_rsa_key\n"
	"#HostKey /etc/ssh/ssh_host_ecdsa_key\n"
	"#HostKey /etc/ssh/ssh_host_ed25519_key\n"
	"\n"
	"# Ciphers and keying\n"
	"#RekeyLimit default none\n"
	"\n"
	"# Logging\n"
	"#SyslogFacility AUTH\n"
	"#LogLevel INFO\n"
	"\n"
	"# Authentication:\n"
	"\n"
	"#LoginGraceTime 2m\n"
	"#PermitRootLogin prohibit-password\n"
	"#StrictModes yes\n"
	"#MaxAuthTries 6\n"
	"#MaxSessions 10\n"
	"\n"
	"#PubkeyAuthentication yes\n"
	"\n"
	"# Expect .ssh/authorized_keys2 to be disregarded by default in future.\n"
	"#AuthorizedKeysFile\t.ssh/authorized_keys .ssh/authorized_keys2\n"
	"\n"
	"#AuthorizedPrincipalsFile none\n"
	"\n"
	"#AuthorizedKeysCommand none\n"
	"#AuthorizedKeysCommandUser nobody\n"
	"\n"
	"# For this to work you will also need host keys in /etc/ssh/ssh_known_hosts\n"
	"#HostbasedAuthentication no\n"
	"# Change to yes if you don't trust ~/.ssh/known_hosts for\n"
	"# HostbasedAuthentication\n"
	"#IgnoreUserKnownHosts no\n"
	"# Don't read the user's ~/.rhosts and ~/.shosts files\n"
	"#IgnoreRhosts yes\n"
	"\n"
	"# To disable tunneled clear text passwords, change to no here!\n"
	"#PasswordAuthentication yes\n"
	"#PermitEmptyPasswords no\n"
	"\n"
	"# Change to yes to enable challenge-response passwords (beware issues with\n"
	"# some PAM modules and threads)\n"
	"KbdInteractiveAuthentication no\n"
	"\n"
	"# Kerberos options\n"
	"#KerberosAuthentication no\n"
	"#KerberosOrLocalPasswd yes\n"
	"#KerberosTicketCleanup yes\n"
	"#KerberosGetAFSToken no\n"
	"\n"
	"# GSSAPI options\n"
	"#GSSAPIAuthentication no\n"
	"#GSSAPICleanupCredentials yes\n"
	"#GSSAPIStrictAcceptorCheck yes\n"
	"#GSSAPIKeyExchange no\n"
	"\n"
	"# Set this to 'yes' to enable PAM authentication, account processing,\n"
	"# and session processing. If this is enabled, PAM authentication will\n"
	"# be allowed through the KbdInteractiveAuthentication and\n"
	"# PasswordAuthentication.  Depending on your PAM configuration,\n"
	"# PAM authentication via KbdInteractiveAuthentication may bypass\n"
	"# the setting of \"PermitRootLogin prohibit-password\".\n"
	"# If you just want the PAM account and session checks to run without\n"
	"# PAM authentication, then enable this but set PasswordAuthentication\n"
	"# and KbdInteractiveAuthentication to 'no'.\n"
	"UsePAM yes\n"
	"\n"
	"#AllowAgentForwarding yes\n"
	"#AllowTcpForwarding yes\n"
	"#GatewayPorts no\n"
	"X11Forwarding yes\n"
	"#X11DisplayOffset 10\n"
	"#X11UseLocalhost yes\n"
	"#PermitTTY yes\n"
	"PrintMotd no\n"
	"#PrintLastLog yes\n"
	"#TCPKeepAlive yes\n"
	"#PermitUserEnvironment no\n"
	"#Compression delayed\n"
	"#ClientAliveInterval 0\n"
	"#ClientAliveCountMax 3\n"
	"#UseDNS no\n"
	"#PidFile /run/sshd.pid\n"
	"#MaxStartups 10:30:100\n"
	"#PermitTunnel no\n"
	"#ChrootDirectory none\n"
	"#VersionAddendum none\n"
	"\n"
	"# no default banner path\n"
	"#Banner none\n"
	"\n"
	"# Allow client to pass locale environment variables\n"
	"AcceptEnv LANG LC_*\n"
	"\n"
	"# override default of no subsystems\n"
	"Subsystem\tsftp\t/usr/lib/openssh/sftp-server\n"
	"\n"
	"# Example of overriding settings on a per-user basis\n"
	"#Match User anoncvs\n"
	"#\tX11Forwarding no\n"
	"#\tAllowTcpForwarding no\n"
	"#\tPermitTTY no\n"
	"#\tForceCommand cvs server\n";

static ks_collect_ctx *ctx;
static char *root;

static int setup(void **state)
{
	(void)state;
	root = ks_test_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ks_test_ctx_free(ctx);
	ctx = NULL;
	ks_test_rmtree(root);
	free(root);
	return 0;
}

static void installed(void)
{
	ks_test_write(root, "usr/sbin/sshd", "");
}

static void run(void)
{
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_sshd(ctx), 0);
}

static const ks_fact *fact(const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	if (!f)
		fail_msg("fact %s was not set", key);
	return f;
}

static void assert_src(const char *key, const char *path, int line)
{
	const ks_fact *f = fact(key);
	if (!f->source.path || strcmp(f->source.path, path) != 0 || f->source.line != line)
		fail_msg("%s: source %s:%d, expected %s:%d", key, f->source.path ? f->source.path : "-",
		         f->source.line, path, line);
}

static void assert_default(const char *key)
{
	const ks_fact *f = fact(key);
	if (f->source.path || !f->source.probe || strcmp(f->source.probe, "OpenSSH default") != 0)
		fail_msg("%s: expected the OpenSSH default, source %s:%d", key,
		         f->source.path ? f->source.path : "-", f->source.line);
}

static void assert_unknown(const char *key, const char *reason_part)
{
	const ks_fact *f = fact(key);
	if (f->value.type != KS_VAL_UNKNOWN)
		fail_msg("%s is known, expected unknown", key);
	if (!f->reason || !strstr(f->reason, reason_part))
		fail_msg("%s: reason \"%s\" lacks \"%s\"", key, f->reason ? f->reason : "-", reason_part);
}

static const ks_value *list(const char *key)
{
	const ks_fact *f = fact(key);
	if (f->value.type != KS_VAL_LIST)
		fail_msg("%s is not a list (reason: %s)", key, f->reason ? f->reason : "-");
	return &f->value;
}

static const char *str_at(const ks_value *l, size_t i)
{
	assert_true(i < l->u.list.n);
	assert_int_equal(l->u.list.items[i].type, KS_VAL_STR);
	return l->u.list.items[i].u.str.s;
}

static const char *rec_str(const ks_value *rec, const char *k)
{
	const ks_value *v = ks_record_get(rec, k);
	assert_non_null(v);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

/* Number of warnings whose message contains PART, optionally at PATH:LINE (line 0 = any). */
static int diags(const char *part, const char *path, int line)
{
	int n = 0;
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->severity == KS_DIAG_INFO || !strstr(d->message, part))
			continue;
		if (path && (!d->path || strcmp(d->path, path) != 0))
			continue;
		if (line && d->line != line)
			continue;
		n++;
	}
	return n;
}

static int warnings(void)
{
	return diags("", NULL, 0);
}

#define CFG "/etc/ssh/sshd_config"

static void test_debian_default(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG, debian_config);
	ks_test_write(root, "etc/ssh/sshd_config.d/.keep", ""); /* empty directory, as shipped */
	run();
	assert_int_equal(warnings(), 0);
	assert_true(ks_test_fact_bool(ctx, "ssh.installed"));
	assert_true(ks_test_fact_bool(ctx, "ssh.config_present"));
	const ks_value *files = list("ssh.config_files");
	assert_int_equal(files->u.list.n, 1);
	assert_string_equal(str_at(files, 0), CFG);

	assert_false(ks_test_fact_bool(ctx, "ssh.kbd_interactive_authentication"));
	assert_src("ssh.kbd_interactive_authentication", CFG, 62);
	assert_true(ks_test_fact_bool(ctx, "ssh.use_pam"));
	assert_src("ssh.use_pam", CFG, 85);
	assert_true(ks_test_fact_bool(ctx, "ssh.x11_forwarding"));
	assert_src("ssh.x11_forwarding", CFG, 90);

	assert_true(ks_test_fact_bool(ctx, "ssh.password_authentication"));
	assert_default("ssh.password_authentication");
	assert_true(ks_test_fact_bool(ctx, "ssh.pubkey_authentication"));
	assert_default("ssh.pubkey_authentication");
	assert_false(ks_test_fact_bool(ctx, "ssh.permit_empty_passwords"));
	assert_false(ks_test_fact_bool(ctx, "ssh.hostbased_authentication"));
	assert_false(ks_test_fact_bool(ctx, "ssh.gssapi_authentication"));
	assert_string_equal(ks_test_fact_str(ctx, "ssh.permit_root_login"), "prohibit-password");
	assert_default("ssh.permit_root_login");
	assert_string_equal(ks_test_fact_str(ctx, "ssh.authentication_methods"), "any");
	assert_int_equal(ks_test_fact_int(ctx, "ssh.client_alive_interval"), 0);
	assert_int_equal(ks_test_fact_int(ctx, "ssh.client_alive_count_max"), 3);
	assert_int_equal(ks_test_fact_int(ctx, "ssh.max_auth_tries"), 6);
	assert_int_equal(ks_test_fact_int(ctx, "ssh.login_grace_time"), 120);
	assert_default("ssh.login_grace_time");

	const ks_value *ports = list("ssh.ports");
	assert_int_equal(ports->u.list.n, 1);
	assert_int_equal(ports->u.list.items[0].u.i, 22);
	assert_default("ssh.ports");
	assert_int_equal(list("ssh.allow_users")->u.list.n, 0);
	assert_int_equal(list("ssh.deny_users")->u.list.n, 0);
	assert_int_equal(list("ssh.allow_groups")->u.list.n, 0);
	assert_int_equal(list("ssh.match_blocks")->u.list.n, 0);
}

static void test_debian_dropin_overrides(void **state)
{
	(void)state;
	/* Debian's Include comes first, so a drop-in beats the main file (first value wins). */
	installed();
	ks_test_write(root, CFG, debian_config);
	ks_test_write(root, "etc/ssh/sshd_config.d/50-hardening.conf",
	              "# local policy\n"
	              "PasswordAuthentication no\n"
	              "X11Forwarding no\n"
	              "KbdInteractiveAuthentication yes\n");
	run();
	assert_false(ks_test_fact_bool(ctx, "ssh.password_authentication"));
	assert_src("ssh.password_authentication", "/etc/ssh/sshd_config.d/50-hardening.conf", 2);
	assert_false(ks_test_fact_bool(ctx, "ssh.x11_forwarding"));
	assert_src("ssh.x11_forwarding", "/etc/ssh/sshd_config.d/50-hardening.conf", 3);
	assert_true(ks_test_fact_bool(ctx, "ssh.kbd_interactive_authentication"));
	assert_src("ssh.kbd_interactive_authentication", "/etc/ssh/sshd_config.d/50-hardening.conf", 4);
	const ks_value *files = list("ssh.config_files");
	assert_int_equal(files->u.list.n, 2);
	assert_string_equal(str_at(files, 1), "/etc/ssh/sshd_config.d/50-hardening.conf");
}

static void test_include_glob_order_and_relative(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG,
	              "Include extra/*.conf\n"               /* relative: /etc/ssh/extra */
	              "Include /etc/ssh/sshd_config.d/*.conf\n"
	              "PasswordAuthentication yes\n"
	              "MaxAuthTries 2\n");
	ks_test_write(root, "etc/ssh/extra/only.conf", "LoginGraceTime 30\n");
	ks_test_write(root, "etc/ssh/extra/ignored.txt", "LoginGraceTime 99\n");
	ks_test_write(root, "etc/ssh/sshd_config.d/20-b.conf", "PasswordAuthentication yes\nPort 2020\n");
	ks_test_write(root, "etc/ssh/sshd_config.d/10-a.conf",
	              "\n\nPasswordAuthentication no\nPort 1010\n");
	/* glob(3) without GLOB_PERIOD: "*" does not match a leading dot. */
	ks_test_write(root, "etc/ssh/sshd_config.d/.hidden.conf", "MaxAuthTries 9\nPort 9\n");
	run();
	assert_int_equal(warnings(), 0);
	const ks_value *files = list("ssh.config_files");
	assert_int_equal(files->u.list.n, 4);
	assert_string_equal(str_at(files, 0), CFG);
	assert_string_equal(str_at(files, 1), "/etc/ssh/extra/only.conf");
	assert_string_equal(str_at(files, 2), "/etc/ssh/sshd_config.d/10-a.conf");
	assert_string_equal(str_at(files, 3), "/etc/ssh/sshd_config.d/20-b.conf");
	assert_int_equal(ks_test_fact_int(ctx, "ssh.login_grace_time"), 30);
	assert_src("ssh.login_grace_time", "/etc/ssh/extra/only.conf", 1);
	assert_false(ks_test_fact_bool(ctx, "ssh.password_authentication"));
	assert_src("ssh.password_authentication", "/etc/ssh/sshd_config.d/10-a.conf", 3);
	assert_int_equal(ks_test_fact_int(ctx, "ssh.max_auth_tries"), 2);
	assert_src("ssh.max_auth_tries", CFG, 4);
	/* Port accumulates, in reading order. */
	const ks_value *ports = list("ssh.ports");
	assert_int_equal(ports->u.list.n, 2);
	assert_int_equal(ports->u.list.items[0].u.i, 1010);
	assert_int_equal(ports->u.list.items[1].u.i, 2020);
	assert_src("ssh.ports", "/etc/ssh/sshd_config.d/10-a.conf", 4);
}

static void test_include_missing_is_silent(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG, "Include /etc/ssh/nowhere/*.conf\nInclude absent.conf\nUsePAM yes\n");
	run();
	assert_int_equal(warnings(), 0);
	assert_true(ks_test_fact_bool(ctx, "ssh.use_pam"));
	assert_src("ssh.use_pam", CFG, 3);
	assert_int_equal(list("ssh.config_files")->u.list.n, 1);
}

static void test_include_loop(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG, "UsePAM yes\nInclude loop.conf\nPasswordAuthentication no\n");
	ks_test_write(root, "etc/ssh/loop.conf", "X11Forwarding no\nInclude /etc/ssh/loop.conf\n");
	run();
	assert_int_equal(diags("Include loop", "/etc/ssh/loop.conf", 2), 1);
	/* sshd refuses such a configuration; what came before the loop is still certain for
	 * global-only options, everything later is unknown. */
	assert_true(ks_test_fact_bool(ctx, "ssh.use_pam"));
	assert_src("ssh.use_pam", CFG, 1);
	assert_unknown("ssh.password_authentication", "Include loop");
	assert_unknown("ssh.match_blocks", "Include loop");
}

static void test_include_depth(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG, "Include d0.conf\n");
	char name[64], body[64];
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "etc/ssh/d%d.conf", i);
		snprintf(body, sizeof body, "Include d%d.conf\n", i + 1);
		ks_test_write(root, name, body);
	}
	run();
	assert_int_equal(diags("deeper than 16", "/etc/ssh/d15.conf", 1), 1);
	assert_int_equal(list("ssh.config_files")->u.list.n, 17);
	assert_unknown("ssh.use_pam", "deeper than 16");
}

static void test_include_unreadable(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG, "UsePAM yes\nInclude /etc/ssh/sshd_config.d/*.conf\nMaxAuthTries 3\n");
	ks_test_write(root, "etc/ssh/sshd_config.d/10-ok.conf", "LoginGraceTime 1m\n");
	char fifo[4200];
	snprintf(fifo, sizeof fifo, "%s/etc/ssh/sshd_config.d/20-fifo.conf", root);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	run();
	assert_true(ks_test_fact_bool(ctx, "ssh.use_pam"));
	assert_int_equal(ks_test_fact_int(ctx, "ssh.login_grace_time"), 60);
	assert_src("ssh.login_grace_time", "/etc/ssh/sshd_config.d/10-ok.conf", 1);
	assert_unknown("ssh.max_auth_tries", "/etc/ssh/sshd_config.d/20-fifo.conf");
	assert_unknown("ssh.ports", "20-fifo.conf");
	assert_unknown("ssh.password_authentication", "20-fifo.conf");
}

static void test_include_dangling_symlink(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG, "UsePAM yes\nInclude /etc/ssh/sshd_config.d/*.conf\nPort 22\n");
	ks_test_write(root, "etc/ssh/sshd_config.d/10-ok.conf", "X11Forwarding no\n");
	char link[4200];
	snprintf(link, sizeof link, "%s/etc/ssh/sshd_config.d/20-gone.conf", root);
	assert_int_equal(symlink("/etc/ssh/removed.conf", link), 0);
	run();
	/* glob(3) returns the name; sshd's fopen() fails and sshd exits. */
	assert_int_equal(diags("dangling", "/etc/ssh/sshd_config.d/20-gone.conf", 0), 1);
	assert_true(ks_test_fact_bool(ctx, "ssh.use_pam"));
	assert_unknown("ssh.ports", "20-gone.conf");
	assert_unknown("ssh.x11_forwarding", "20-gone.conf"); /* Match-allowed: a Match all could follow */
}

static void test_first_value_wins(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG,
	              "# comment\n"
	              "ChallengeResponseAuthentication no\n"
	              "PasswordAuthentication no\n"
	              "KbdInteractiveAuthentication yes\n"
	              "PasswordAuthentication yes\n"
	              "PermitRootLogin without-password\n"
	              "PermitRootLogin yes\n"
	              "AuthenticationMethods publickey,password publickey,keyboard-interactive\n"
	              "AuthenticationMethods any\n"
	              "ClientAliveInterval 1h30m\n"
	              "ClientAliveCountMax 0\n");
	run();
	/* sshd even refuses a later "any" once a list is set (servconf.c); the first line decides. */
	assert_int_equal(diags("\"any\" after a method list", CFG, 9), 1);
	assert_int_equal(warnings(), 1);
	assert_false(ks_test_fact_bool(ctx, "ssh.kbd_interactive_authentication"));
	assert_src("ssh.kbd_interactive_authentication", CFG, 2);
	assert_false(ks_test_fact_bool(ctx, "ssh.password_authentication"));
	assert_src("ssh.password_authentication", CFG, 3);
	assert_string_equal(ks_test_fact_str(ctx, "ssh.permit_root_login"), "prohibit-password");
	assert_src("ssh.permit_root_login", CFG, 6);
	assert_string_equal(ks_test_fact_str(ctx, "ssh.authentication_methods"),
	                    "publickey,password publickey,keyboard-interactive");
	assert_src("ssh.authentication_methods", CFG, 8);
	assert_int_equal(ks_test_fact_int(ctx, "ssh.client_alive_interval"), 5400);
	assert_int_equal(ks_test_fact_int(ctx, "ssh.client_alive_count_max"), 0);
	assert_src("ssh.client_alive_count_max", CFG, 11);
}

static void test_multi_value(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG,
	              "Port 22\n"
	              "AllowUsers alice bob@10.0.0.0/8\n"
	              "Port 2222\n"
	              "AllowUsers carol\n"
	              "DenyUsers root\n"
	              "AllowGroups ssh-users\n"
	              "AcceptEnv LANG\n"
	              "AcceptEnv LC_*\n");
	run();
	assert_int_equal(warnings(), 0);
	const ks_value *ports = list("ssh.ports");
	assert_int_equal(ports->u.list.n, 2);
	assert_int_equal(ports->u.list.items[0].u.i, 22);
	assert_int_equal(ports->u.list.items[1].u.i, 2222);
	assert_src("ssh.ports", CFG, 1);
	const ks_value *users = list("ssh.allow_users");
	assert_int_equal(users->u.list.n, 3);
	assert_string_equal(str_at(users, 0), "alice");
	assert_string_equal(str_at(users, 1), "bob@10.0.0.0/8");
	assert_string_equal(str_at(users, 2), "carol");
	assert_src("ssh.allow_users", CFG, 2);
	assert_string_equal(str_at(list("ssh.deny_users"), 0), "root");
	assert_src("ssh.deny_users", CFG, 5);
	assert_string_equal(str_at(list("ssh.allow_groups"), 0), "ssh-users");
}

static void test_match_reported_not_merged(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG,
	              "Include /etc/ssh/sshd_config.d/*.conf\n"
	              "PasswordAuthentication no\n"
	              "X11Forwarding yes\n"
	              "Match User bob Address 10.0.0.0/8\n"
	              "  PasswordAuthentication yes\n"
	              "  AuthenticationMethods password\n"
	              "  X11Forwarding no\n"
	              "Match Group admins\n"
	              "\tPermitRootLogin yes\n");
	/* A Match block in an included file ends with that file. */
	ks_test_write(root, "etc/ssh/sshd_config.d/10-sftp.conf",
	              "Match Group sftp\n"
	              "ForceCommand internal-sftp\n"
	              "AllowTcpForwarding no\n");
	run();
	assert_int_equal(warnings(), 0);
	assert_false(ks_test_fact_bool(ctx, "ssh.password_authentication"));
	assert_src("ssh.password_authentication", CFG, 2);
	assert_true(ks_test_fact_bool(ctx, "ssh.x11_forwarding"));
	assert_src("ssh.x11_forwarding", CFG, 3);
	assert_string_equal(ks_test_fact_str(ctx, "ssh.authentication_methods"), "any");
	assert_string_equal(ks_test_fact_str(ctx, "ssh.permit_root_login"), "prohibit-password");

	const ks_value *mb = list("ssh.match_blocks");
	assert_int_equal(mb->u.list.n, 3);
	const ks_value *b0 = &mb->u.list.items[0], *b1 = &mb->u.list.items[1];
	assert_string_equal(rec_str(b0, "name"), "Group sftp");
	assert_string_equal(rec_str(b0, "source"), "/etc/ssh/sshd_config.d/10-sftp.conf:1");
	const ks_value *s0 = ks_record_get(b0, "settings");
	assert_int_equal(s0->u.list.n, 2);
	assert_string_equal(str_at(s0, 0), "ForceCommand internal-sftp");
	assert_string_equal(str_at(s0, 1), "AllowTcpForwarding no");
	assert_string_equal(rec_str(b1, "criteria"), "User bob Address 10.0.0.0/8");
	assert_string_equal(rec_str(b1, "source"), "/etc/ssh/sshd_config:4");
	const ks_value *s1 = ks_record_get(b1, "settings");
	assert_int_equal(s1->u.list.n, 3);
	assert_string_equal(str_at(s1, 0), "PasswordAuthentication yes");
	assert_string_equal(str_at(s1, 1), "AuthenticationMethods password");
	assert_string_equal(rec_str(&mb->u.list.items[2], "name"), "Group admins");
}

static void test_match_all_applies_globally(void **state)
{
	(void)state;
	installed();
	/* sshd applies matching Match blocks over the globals per connection, and "Match all"
	 * matches every connection (sshd -T shows passwordauthentication yes here). */
	ks_test_write(root, CFG,
	              "PasswordAuthentication no\n"
	              "Match User bob\n"
	              "KbdInteractiveAuthentication no\n"
	              "Match all\n"
	              "PasswordAuthentication yes\n"
	              "UsePAM yes\n");
	run();
	assert_int_equal(warnings(), 0);
	assert_true(ks_test_fact_bool(ctx, "ssh.password_authentication"));
	assert_src("ssh.password_authentication", CFG, 5);
	assert_true(ks_test_fact_bool(ctx, "ssh.use_pam")); /* global-only: applied at load time */
	assert_src("ssh.use_pam", CFG, 6);
	assert_true(ks_test_fact_bool(ctx, "ssh.kbd_interactive_authentication"));
	assert_int_equal(list("ssh.match_blocks")->u.list.n, 2);
}

static void test_include_inside_match(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG,
	              "Match User bob\n"
	              "Include bob.conf\n"
	              "X11Forwarding yes\n");
	ks_test_write(root, "etc/ssh/bob.conf",
	              "PasswordAuthentication no\n"
	              "Match Address 192.0.2.0/24\n"
	              "PubkeyAuthentication no\n");
	run();
	assert_int_equal(warnings(), 0);
	assert_false(ks_test_fact_bool(ctx, "ssh.x11_forwarding"));
	const ks_value *mb = list("ssh.match_blocks");
	assert_int_equal(mb->u.list.n, 2);
	const ks_value *s0 = ks_record_get(&mb->u.list.items[0], "settings");
	assert_int_equal(s0->u.list.n, 2);
	assert_string_equal(str_at(s0, 0), "PasswordAuthentication no");
	assert_string_equal(str_at(s0, 1), "X11Forwarding yes");
	/* Only connections that matched the enclosing block reach the nested one. */
	assert_string_equal(rec_str(&mb->u.list.items[1], "criteria"),
	                    "User bob Address 192.0.2.0/24");
	assert_string_equal(rec_str(&mb->u.list.items[1], "source"), "/etc/ssh/bob.conf:2");
	/* "order": the reading order of each setting; the enclosing block's lines surround the
	 * nested block's. */
	const ks_value *o0 = ks_record_get(&mb->u.list.items[0], "order");
	const ks_value *o1 = ks_record_get(&mb->u.list.items[1], "order");
	assert_non_null(o0);
	assert_non_null(o1);
	assert_int_equal(o0->u.list.n, 2);
	assert_int_equal(o1->u.list.n, 1);
	assert_int_equal(o0->u.list.items[0].type, KS_VAL_INT);
	assert_true(o0->u.list.items[0].u.i < o1->u.list.items[0].u.i);
	assert_true(o1->u.list.items[0].u.i < o0->u.list.items[1].u.i);
}

static void test_syntax(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG,
	              "PasswordAuthentication=no\n"
	              "  pOrT   =   2200\n"
	              "Port=2201 # trailing comment\n"
	              "PUBKEYAUTHENTICATION NO\n"
	              "AllowUsers \"al ice\" 'bob' c\\ d #eve\n"
	              "PermitRootLogin No\r\n"
	              "\t\tMaxAuthTries\t4\t\n"
	              "LoginGraceTime 1h2m3\n"
	              "Banner \"/etc/issue net\"\n"
	              "Protocol 2\n" /* obsolete: an info diagnostic, not a warning */
	              "Match User \"x y\"\n"
	              "Banner none\n");
	run();
	assert_int_equal(warnings(), 0);
	assert_false(ks_test_fact_bool(ctx, "ssh.password_authentication"));
	assert_src("ssh.password_authentication", CFG, 1);
	const ks_value *ports = list("ssh.ports");
	assert_int_equal(ports->u.list.n, 2);
	assert_int_equal(ports->u.list.items[0].u.i, 2200);
	assert_int_equal(ports->u.list.items[1].u.i, 2201);
	assert_false(ks_test_fact_bool(ctx, "ssh.pubkey_authentication"));
	const ks_value *users = list("ssh.allow_users");
	assert_int_equal(users->u.list.n, 3);
	assert_string_equal(str_at(users, 0), "al ice");
	assert_string_equal(str_at(users, 1), "bob");
	assert_string_equal(str_at(users, 2), "c d");
	assert_string_equal(ks_test_fact_str(ctx, "ssh.permit_root_login"), "no");
	assert_int_equal(ks_test_fact_int(ctx, "ssh.max_auth_tries"), 4);
	assert_src("ssh.max_auth_tries", CFG, 7);
	assert_int_equal(ks_test_fact_int(ctx, "ssh.login_grace_time"), 3723);
	const ks_value *mb = list("ssh.match_blocks");
	assert_string_equal(rec_str(&mb->u.list.items[0], "criteria"), "User \"x y\"");
}

static void test_malformed(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG,
	              "Frobnicate yes\n"                  /* 1 */
	              "MaxAuthTries lots\n"               /* 2 */
	              "MaxAuthTries 3\n"                  /* 3 */
	              "PasswordAuthentication maybe\n"    /* 4 */
	              "AllowUsers \"unterminated\n"       /* 5 */
	              "UsePAM\n"                          /* 6 */
	              "AuthenticationMethods publickey,sms\n" /* 7 */
	              "Port 0\n"                          /* 8 */
	              "PermitRootLogin sometimes\n"       /* 9 */
	              "Match User bob\n"                  /* 10 */
	              "UsePAM yes\n"                      /* 11 */
	              "Match Colour blue\n"               /* 12 */
	              "Banner none\n");
	run();
	assert_int_equal(diags("unknown keyword \"Frobnicate\"", CFG, 1), 1);
	assert_int_equal(diags("MaxAuthTries expects an integer", CFG, 2), 1);
	assert_int_equal(diags("yes or no", CFG, 4), 1);
	assert_int_equal(diags("unterminated quote", CFG, 5), 1);
	assert_int_equal(diags("no argument", CFG, 6), 1);
	assert_int_equal(diags("invalid method list", CFG, 7), 1);
	assert_int_equal(diags("1..65535", CFG, 8), 1);
	assert_int_equal(diags("PermitRootLogin", CFG, 9), 1);
	assert_int_equal(diags("not allowed within a Match block", CFG, 11), 1);
	assert_int_equal(diags("unsupported attribute", CFG, 12), 1);
	assert_int_equal(warnings(), 10);
	/* The deciding (first) line is bad: unknown, never a guess from a later line. */
	assert_unknown("ssh.max_auth_tries", "malformed at line 2");
	assert_src("ssh.max_auth_tries", CFG, 0);
	assert_unknown("ssh.password_authentication", "malformed at line 4");
	assert_unknown("ssh.authentication_methods", "line 7");
	assert_unknown("ssh.ports", "line 8");
	assert_unknown("ssh.permit_root_login", "line 9");
	/* UsePAM inside the Match block was rejected, so the default stands. */
	assert_false(ks_test_fact_bool(ctx, "ssh.use_pam"));
	assert_default("ssh.use_pam");
	/* column of the keyword */
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->line == 1)
			assert_int_equal(d->column, 1);
	}
}

static void test_not_installed(void **state)
{
	(void)state;
	ks_test_write(root, CFG, "PasswordAuthentication no\n");
	run();
	assert_false(ks_test_fact_bool(ctx, "ssh.installed"));
	assert_src("ssh.installed", "/usr/sbin/sshd", 0);
	assert_true(ks_test_fact_bool(ctx, "ssh.config_present"));
	assert_unknown("ssh.password_authentication", "OpenSSH server not installed");
	assert_unknown("ssh.authentication_methods", "OpenSSH server not installed");
	assert_unknown("ssh.match_blocks", "OpenSSH server not installed");
	assert_unknown("ssh.ports", "OpenSSH server not installed");
}

static void test_config_missing(void **state)
{
	(void)state;
	installed();
	run();
	assert_true(ks_test_fact_bool(ctx, "ssh.installed"));
	assert_false(ks_test_fact_bool(ctx, "ssh.config_present"));
	assert_unknown("ssh.password_authentication", "not found");
	assert_unknown("ssh.use_pam", "not found");
	assert_int_equal(list("ssh.config_files")->u.list.n, 0);
}

static void test_config_not_regular(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, "etc/ssh/sshd_config/x", "");
	run();
	assert_true(ks_test_fact_bool(ctx, "ssh.config_present"));
	assert_unknown("ssh.use_pam", CFG ": ");
	assert_true(ks_test_fact_is_unknown(ctx, "ssh.config_files"));
}

static void test_parse_buffer(void **state)
{
	(void)state;
	ctx = ks_test_ctx(root); /* empty root: Include matches nothing */
	static const char buf[] = "Include *.conf\nPort 2022\nMatch all\nX11Forwarding yes\n";
	ks_sshd_config *cfg;
	assert_int_equal(ks_sshd_parse_buffer(ctx, "/buf", buf, sizeof buf - 1, &cfg), 0);
	assert_non_null(cfg);
	assert_int_equal(ks_sshd_put_facts(ctx, cfg), 0);
	assert_int_equal(list("ssh.ports")->u.list.items[0].u.i, 2022);
	assert_src("ssh.ports", "/buf", 2);
	assert_true(ks_test_fact_bool(ctx, "ssh.x11_forwarding"));
	assert_src("ssh.x11_forwarding", "/buf", 4);
	/* NUL bytes: not a configuration file. */
	static const char bin[] = "Port 1\0Port 2\n";
	assert_int_equal(ks_sshd_parse_buffer(ctx, "/bin", bin, sizeof bin - 1, &cfg), 0);
	assert_int_equal(ks_sshd_put_facts(ctx, cfg), 0);
	assert_unknown("ssh.ports", "not a text file");
}

static void test_long_line_and_many_tokens(void **state)
{
	(void)state;
	installed();
	size_t n = 9000;
	char *big = malloc(n + 64);
	assert_non_null(big);
	strcpy(big, "UsePAM yes\nAllowUsers ");
	size_t at = strlen(big);
	memset(big + at, 'a', n);
	strcpy(big + at + n, "\nPasswordAuthentication no\n");
	ks_test_write(root, CFG, big);
	free(big);
	run();
	assert_int_equal(diags("longer than 8192", CFG, 2), 1);
	assert_true(ks_test_fact_bool(ctx, "ssh.use_pam"));
	assert_unknown("ssh.allow_users", "line too long");
	assert_unknown("ssh.password_authentication", "line too long");
}

/* Every fact with its value, line and reason, one line each (malloc'd). */
static char *dump(ks_collect_ctx *c)
{
	size_t cap = 1 << 16, n = 0;
	char *out = calloc(1, cap);
	assert_non_null(out);
	for (size_t i = 0; i < ks_facts_count(c->facts); i++) {
		const ks_fact *f = ks_facts_at(c->facts, i);
		char *v = ks_value_format(c->arena, &f->value);
		/* Sources are left out: fact.c copies them without reporting a failed copy. */
		n += (size_t)snprintf(out + n, cap - n, "%s=%s line %d %s\n", f->key, v ? v : "?",
		                      f->source.line, f->reason ? f->reason : "");
		assert_true(n < cap);
	}
	return out;
}

static void test_enomem(void **state)
{
	(void)state;
	installed();
	ks_test_write(root, CFG, debian_config);
	ks_test_write(root, "etc/ssh/sshd_config.d/a.conf",
	              "Port 2222\nMaxAuthTries x\nMatch User a\nPasswordAuthentication no\n");
	ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_sshd(ctx), 0);
	char *want = dump(ctx);
	/* Each allocation in turn fails: the collector reports KS_ENOMEM or, when the failure
	 * was not on its path, produces exactly the same facts. Never a crash or a silent gap. */
	int failed = 0;
	for (unsigned long k = 1; k < 3000; k++) {
		ks_collect_ctx *c = ks_test_ctx(root);
		ks_arena_fail_after(c->arena, k);
		int rc = ks_collect_sshd(c);
		ks_arena_fail_after(c->arena, 0); /* the check below allocates too */
		if (rc == KS_ENOMEM) {
			failed++;
		} else {
			assert_int_equal(rc, 0);
			char *got = dump(c);
			if (strcmp(got, want) != 0) {
				size_t i = 0;
				while (got[i] == want[i])
					i++;
				while (i && want[i - 1] != '\n')
					i--;
				fprintf(stderr, "allocation %lu: got  %.200s\nwanted %.200s\n", k, got + i,
				        want + i);
				free(got);
				free(want);
				ks_test_ctx_free(c);
				fail_msg("facts differ after a swallowed allocation failure");
			}
			free(got);
		}
		ks_test_ctx_free(c);
	}
	assert_true(failed > 100);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_debian_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debian_dropin_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_glob_order_and_relative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_missing_is_silent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_dangling_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_value_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multi_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_reported_not_merged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_all_applies_globally, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_inside_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_installed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_not_regular, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line_and_many_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enomem, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
