/* Unit tests of the account collector (src/collect/accounts.c): passwd/shadow/group parsing,
 * password classification and digests, login history, and the 2-4/2-5/2-8 fixture trees. */
#include "support.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/accounts.h"
#include "collect/lastlog.h"
#include "collect/sudoers.h"
#include "core/error.h"

#define NOW 1763769600LL /* ks_test_ctx's scan time: day 20414 */
#define TODAY 20414
#define DAY 86400LL

static const char HASH_A[] =
	"$6$Xq3v9LmN2pRt$L4vo1ltyGrVslibCzDA3py7RDU7R5ldqdily1iMClBxI2D2S8.BKBQJ8bOR9yCwndqlfz7WKeJyEE38zFSOAU1";
static const char HASH_B[] =
	"$6$7HkW2sYd1FgQ$wCDESx..ZKaNLlFSozd6snjVpA4jkhYCqnPy.QFlKskCNxrnOg/oEzqtP8yZjXdPYBf5OMTUZDuf2u4/c7A2m.";
static const char HASH_Y[] = "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7";

/* ---- helpers ---- */

static char *path_in(const char *root, const char *rel)
{
	char *p = malloc(strlen(root) + strlen(rel) + 2);
	assert_non_null(p);
	sprintf(p, "%s/%s", root, rel);
	return p;
}

static void put32(unsigned char *p, int64_t v)
{
	uint32_t u = (uint32_t)v;
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(u >> (8 * i));
}

static void write_at(const char *root, const char *rel, const void *data, size_t len, off_t at)
{
	char *p = path_in(root, rel);
	int fd = open(p, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, at), (ssize_t)len);
	close(fd);
	free(p);
}

static void lastlog_at(const char *root, uint32_t uid, int64_t t)
{
	unsigned char rec[KS_LASTLOG_RECORD] = {0};
	put32(rec, t);
	write_at(root, "var/log/lastlog", rec, sizeof rec, (off_t)uid * KS_LASTLOG_RECORD);
}

static void wtmp_login(const char *root, const char *rel, const char *user, int64_t t)
{
	char *p = path_in(root, rel);
	struct stat st;
	off_t end = stat(p, &st) == 0 ? st.st_size : 0;
	free(p);
	unsigned char rec[KS_UTMP_RECORD] = {0};
	rec[0] = KS_UTMP_USER_PROCESS;
	memcpy(rec + 44, user, strlen(user));
	put32(rec + 340, t);
	write_at(root, rel, rec, sizeof rec, end);
}

static const ks_value *list_fact(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	if (!f)
		fail_msg("fact %s not set", key);
	if (f->value.type != KS_VAL_LIST)
		fail_msg("fact %s is not a list (reason: %s)", key, f->reason ? f->reason : "-");
	return &f->value;
}

static const ks_value *account(ks_collect_ctx *ctx, const char *name)
{
	const ks_value *l = list_fact(ctx, "accounts.list");
	for (size_t i = 0; i < l->u.list.n; i++) {
		const ks_value *n = ks_record_get(&l->u.list.items[i], "name");
		if (n && n->type == KS_VAL_STR && strcmp(n->u.str.s, name) == 0)
			return &l->u.list.items[i];
	}
	fail_msg("no account %s", name);
	return NULL;
}

static const ks_value *field(const ks_value *rec, const char *k)
{
	const ks_value *v = ks_record_get(rec, k);
	if (!v)
		fail_msg("record has no field %s", k);
	return v;
}

static long long fint(const ks_value *rec, const char *k)
{
	const ks_value *v = field(rec, k);
	if (v->type != KS_VAL_INT)
		fail_msg("field %s has type %d, expected int", k, v->type);
	return (long long)v->u.i;
}

static int fbool(const ks_value *rec, const char *k)
{
	const ks_value *v = field(rec, k);
	if (v->type != KS_VAL_BOOL)
		fail_msg("field %s has type %d, expected bool", k, v->type);
	return v->u.b;
}

static const char *fstr(const ks_value *rec, const char *k)
{
	const ks_value *v = field(rec, k);
	if (v->type != KS_VAL_STR)
		fail_msg("field %s has type %d, expected str", k, v->type);
	return v->u.str.s;
}

static bool funknown(const ks_value *rec, const char *k)
{
	return field(rec, k)->type == KS_VAL_UNKNOWN;
}

/* The list of strings fact KEY, joined with ",". */
static const char *joined(ks_collect_ctx *ctx, const ks_value *l)
{
	char *out = ks_arena_strdup(ctx->arena, "");
	for (size_t i = 0; i < l->u.list.n; i++)
		out = ks_arena_printf(ctx->arena, "%s%s%s", out, i ? "," : "", l->u.list.items[i].u.str.s);
	return out;
}

static const ks_diag *find_diag(ks_collect_ctx *ctx, const char *path, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if ((!path || (d->path && strcmp(d->path, path) == 0)) && (line < 0 || d->line == line) &&
		    strstr(d->message, needle))
			return d;
	}
	return NULL;
}

static void dump_diags(ks_collect_ctx *ctx)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		fprintf(stderr, "  diag %s:%d:%d %s\n", d->path ? d->path : "-", d->line, d->column, d->message);
	}
}

#define ASSERT_DIAG(ctx, path, line, needle)                                                    \
	do {                                                                                        \
		if (!find_diag(ctx, path, line, needle)) {                                              \
			dump_diags(ctx);                                                                    \
			fail_msg("no diagnostic %s:%d \"%s\"", path ? path : "-", line, needle);           \
		}                                                                                       \
	} while (0)

/* No fact value, provenance, reason or diagnostic contains 8 consecutive characters of SECRET. */
static void assert_not_leaked(ks_collect_ctx *ctx, const char *secret)
{
	size_t sl = strlen(secret);
	for (size_t i = 0; i < ks_facts_count(ctx->facts); i++) {
		const ks_fact *f = ks_facts_at(ctx->facts, i);
		const char *texts[4] = {ks_value_format(ctx->arena, &f->value), f->reason, f->source.path,
		                        f->source.probe};
		for (int t = 0; t < 4; t++)
			for (size_t k = 0; texts[t] && k + 8 <= sl; k++)
				if (strstr(texts[t], ks_arena_strndup(ctx->arena, secret + k, 8)))
					fail_msg("fact %s leaks part of a hash", f->key);
	}
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		for (size_t k = 0; k + 8 <= sl; k++)
			if (strstr(d->message, ks_arena_strndup(ctx->arena, secret + k, 8)))
				fail_msg("diagnostic \"%s\" leaks part of a hash", d->message);
	}
}

static const char group_file[] =
	"root:x:0:\n"
	"adm:x:4:syslog\n"
	"sudo:x:27:alice\n"
	"users:x:100:\n"
	"alice:x:1000:\n"
	"bob:x:1001:\n";

static ks_collect_ctx *run(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_accounts(ctx), KS_OK);
	return ctx;
}

/* ---- tests ---- */

static void test_basic_tree(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/passwd",
	              "root:x:0:0:root:/root:/bin/bash\n"
	              "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	              "sync:x:4:65534:sync:/bin:/bin/sync\n"
	              "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
	              "bob:x:1001:1001:Bob:/home/bob:/bin/bash\n"
	              "carol:x:1002:100::/home/carol:/bin/zsh\n"
	              "dave:x:1003:100::/home/dave:\n"
	              "svc:x:999:999::/srv:/bin/false\n");
	char *shadow = NULL;
	assert_true(asprintf(&shadow,
	                     "root:*:20228:0:99999:7:::\n"
	                     "daemon:*:20228:0:99999:7:::\n"
	                     "sync:*:20228:0:99999:7:::\n"
	                     "alice:%s:20400:0:99999:7:::\n"
	                     "bob:!%s:20300:0:90:7:::\n"
	                     "carol::20400:0:99999:7:::\n"
	                     "dave:!!:20214::::::\n"
	                     "svc:%s:20000:0:99999:7:::\n",
	                     HASH_A, HASH_B, HASH_Y) > 0);
	ks_test_write(root, "etc/shadow", shadow);
	ks_test_write(root, "etc/group", group_file);
	ks_test_write(root, "home/bob/.ssh/authorized_keys", "# keys\n\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE bob@pc\n");
	ks_test_write(root, "var/log/.keep", "");
	lastlog_at(root, 1000, NOW - 10 * DAY);
	lastlog_at(root, 1001, NOW - 200 * DAY);
	wtmp_login(root, "var/log/wtmp", "bob", NOW - 30 * DAY);     /* newer than bob's lastlog */
	wtmp_login(root, "var/log/wtmp", "alice", NOW - 40 * DAY);   /* older than alice's lastlog */
	wtmp_login(root, "var/log/wtmp.1", "carol", NOW - 60 * DAY);

	ks_collect_ctx *ctx = run(root);
	const ks_value *a = account(ctx, "alice");
	assert_int_equal(fint(a, "uid"), 1000);
	assert_int_equal(fint(a, "gid"), 1000);
	assert_string_equal(fstr(a, "home"), "/home/alice");
	assert_string_equal(fstr(a, "shell"), "/bin/bash");
	assert_true(fbool(a, "interactive"));
	assert_string_equal(fstr(a, "password"), "hash");
	assert_true(fbool(a, "usable_password"));
	assert_false(fbool(a, "authorized_keys"));
	assert_true(fbool(a, "can_login"));
	assert_false(fbool(a, "account_expired"));
	assert_int_equal(fint(a, "last_login"), NOW - 10 * DAY);
	assert_true(fbool(a, "ever_logged_in"));
	assert_int_equal(fint(a, "days_since_login"), 10);
	assert_string_equal(fstr(a, "last_login_source"), "lastlog");
	assert_int_equal(fint(a, "password_changed_days_ago"), TODAY - 20400);
	assert_int_equal(fint(a, "max_days"), 99999);
	assert_int_equal(strlen(fstr(a, "hash_digest")), 64);
	assert_string_equal(fstr(a, "source"), "/etc/passwd:4");

	const ks_value *b = account(ctx, "bob");
	assert_string_equal(fstr(b, "password"), "locked");
	assert_false(fbool(b, "usable_password"));
	assert_true(fbool(b, "authorized_keys"));
	assert_true(fbool(b, "can_login")); /* locked password, but an ssh key */
	assert_int_equal(fint(b, "last_login"), NOW - 30 * DAY);
	assert_string_equal(fstr(b, "last_login_source"), "wtmp");
	assert_int_equal(fint(b, "days_since_login"), 30);
	assert_int_equal(fint(b, "max_days"), 90);
	assert_null(ks_record_get(b, "hash_digest"));
	assert_string_equal(fstr(b, "source"), "/etc/passwd:5");

	const ks_value *c = account(ctx, "carol");
	assert_string_equal(fstr(c, "password"), "empty");
	assert_false(fbool(c, "usable_password"));
	assert_false(fbool(c, "can_login")); /* nothing to log in with, though anyone could */
	/* carol is only in the rotated wtmp, and lastlog has no record for her. */
	assert_int_equal(fint(c, "last_login"), NOW - 60 * DAY);
	assert_string_equal(fstr(c, "last_login_source"), "wtmp");

	const ks_value *d = account(ctx, "dave");
	assert_string_equal(fstr(d, "password"), "disabled"); /* "!!": never set */
	assert_true(fbool(d, "interactive"));                 /* empty shell = /bin/sh */
	assert_false(fbool(d, "can_login"));
	assert_int_equal(fint(d, "last_login"), 0);
	assert_false(fbool(d, "ever_logged_in"));
	assert_int_equal(fint(d, "days_since_login"), -1);
	assert_string_equal(fstr(d, "last_login_source"), "");
	assert_int_equal(fint(d, "password_changed_days_ago"), 200);
	assert_int_equal(fint(d, "max_days"), 99999); /* empty max field */

	const ks_value *s = account(ctx, "svc");
	assert_false(fbool(s, "interactive"));
	assert_true(fbool(s, "usable_password"));
	assert_false(fbool(s, "can_login"));
	assert_false(fbool(account(ctx, "sync"), "interactive"));
	assert_false(fbool(account(ctx, "daemon"), "interactive"));
	assert_string_equal(fstr(account(ctx, "root"), "password"), "disabled");

	assert_int_equal(ks_test_fact_int(ctx, "accounts.interactive_count"), 5);
	assert_string_equal(joined(ctx, list_fact(ctx, "accounts.uid0")), "root");
	assert_int_equal(ks_test_fact_int(ctx, "accounts.uid0_count"), 1);
	assert_string_equal(joined(ctx, list_fact(ctx, "accounts.empty_password")), "carol");
	assert_int_equal(ks_test_fact_int(ctx, "accounts.shared_hash_count"), 0);
	assert_true(ks_test_fact_bool(ctx, "accounts.shadow_readable"));
	assert_true(ks_test_fact_bool(ctx, "login.lastlog_present"));
	assert_int_equal(ks_test_fact_int(ctx, "login.wtmp_records"), 3);

	const ks_fact *f = ks_fact_get(ctx->facts, "accounts.list");
	assert_string_equal(f->source.path, "/etc/passwd");
	const ks_value *groups = list_fact(ctx, "accounts.groups");
	assert_int_equal(groups->u.list.n, 6);
	assert_string_equal(fstr(&groups->u.list.items[2], "name"), "sudo");
	assert_int_equal(fint(&groups->u.list.items[2], "gid"), 27);
	assert_string_equal(fstr(&groups->u.list.items[2], "source"), "/etc/group:3");

	assert_not_leaked(ctx, HASH_A);
	assert_not_leaked(ctx, HASH_B);
	assert_not_leaked(ctx, HASH_Y);
	ks_test_ctx_free(ctx);
	free(shadow);
	ks_test_rmtree(root);
	free(root);
}

static void test_passwd_formats(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/passwd",
	              "root:x:0:0:root:/root:/bin/bash\r\n"        /* 1: CRLF */
	              "\r\n"                                       /* 2: blank */
	              "# a comment\n"                              /* 3 */
	              "+@netadmins::::::\n"                        /* 4: NIS compat */
	              "-mallory\n"                                 /* 5 */
	              "broken:x:1\n"                               /* 6: 3 fields */
	              "nonum:x:abc:100::/home/x:/bin/sh\n"         /* 7: bad uid */
	              "big:x:4294967295:100::/:/bin/sh\n"          /* 8: (uid_t)-1 */
	              "short:x:1200:100:Short:/home/short\n"       /* 9: no shell field */
	              "colon:x:1201:100::/home/colon:/bin/sh:extra\n" /* 10: 8 fields */
	              ":x:1202:100::/:/bin/sh\n"                   /* 11: empty name */
	              "   spaced:x:1203:100::/home/spaced:/bin/sh\n" /* 12: leading blanks */
	              "root:x:0:0:dup:/root:/bin/sh\n"             /* 13: duplicate */
	              "huge:x:4294967294:4294967294::/:/usr/sbin/nologin"); /* 14: no final newline */
	ks_test_write(root, "etc/shadow", "");
	ks_test_write(root, "etc/group", "root:x:0:\n");
	ks_collect_ctx *ctx = run(root);

	/* A dropped line may hide an account: everything built from the list is unknown. */
	assert_true(ks_test_fact_is_unknown(ctx, "accounts.list"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "accounts.list")->reason, "malformed at line 6"));
	assert_true(ks_test_fact_is_unknown(ctx, "accounts.uid0_count"));

	/* The parser itself keeps every well-formed entry, with its fields as glibc reads them. */
	char *data;
	size_t len;
	assert_int_equal(ks_rootfs_read(ctx->root, ctx->arena, "/etc/passwd", 1 << 20, &data, &len), 0);
	ks_passwd_ent *pw;
	size_t n;
	assert_int_equal(ks_accounts_parse_passwd(ctx, "/etc/passwd", data, len, &pw, &n), 0);
	assert_int_equal(n, 6);
	assert_string_equal(pw[0].name, "root");
	assert_int_equal(pw[0].line, 1);
	assert_string_equal(pw[0].shell, "/bin/bash");
	assert_string_equal(pw[1].name, "short");
	assert_string_equal(pw[1].shell, "");
	assert_string_equal(pw[1].home, "/home/short");
	assert_string_equal(pw[2].shell, "/bin/sh:extra");
	assert_string_equal(pw[3].name, "spaced");
	assert_int_equal(pw[3].line, 12);
	assert_int_equal(pw[5].uid, 4294967294u);

	ASSERT_DIAG(ctx, "/etc/passwd", 4, "NIS compat entry");
	ASSERT_DIAG(ctx, "/etc/passwd", 5, "NIS compat entry");
	ASSERT_DIAG(ctx, "/etc/passwd", 6, "expected 7 fields, found 3; skipped");
	ASSERT_DIAG(ctx, "/etc/passwd", 7, "expected a numeric uid");
	assert_int_equal(find_diag(ctx, "/etc/passwd", 7, "uid")->column, 9);
	ASSERT_DIAG(ctx, "/etc/passwd", 8, "expected a numeric uid");
	ASSERT_DIAG(ctx, "/etc/passwd", 9, "expected 7 fields, found 6; missing fields taken as empty");
	ASSERT_DIAG(ctx, "/etc/passwd", 10, "expected 7 fields, found 8");
	ASSERT_DIAG(ctx, "/etc/passwd", 11, "empty user name");
	assert_null(find_diag(ctx, "/etc/passwd", 2, ""));
	assert_null(find_diag(ctx, "/etc/passwd", 3, ""));
	ks_test_ctx_free(ctx);
	/* A well-formed file with a duplicate name keeps the list and says so. */
	ks_test_write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\nroot:x:0:0:dup:/root:/bin/sh\n");
	ctx = run(root);
	assert_int_equal(list_fact(ctx, "accounts.list")->u.list.n, 2);
	ASSERT_DIAG(ctx, "/etc/passwd", 2, "user root is listed again (first at line 1)");
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_parsers_direct(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	char *shadow = NULL;
	assert_true(asprintf(&shadow,
	                     "old:%s:20000:0:99999\n"            /* 1: old 5-field form */
	                     "bad:%s:twenty:0:99999:7:::\n"     /* 2: lastchg not a number */
	                     "many:%s:1:2:3:4:5:6:7:8\n"        /* 3: 10 fields */
	                     "x\n"                              /* 4 */
	                     "neg:!:-1:::::-1:\n",              /* 5 */
	                     HASH_A, HASH_B, HASH_Y) > 0);
	ks_shadow_ent *sh;
	size_t n;
	assert_int_equal(ks_accounts_parse_shadow(ctx, "/etc/shadow", shadow, strlen(shadow), &sh, &n), KS_OK);
	assert_int_equal(n, 2);
	assert_string_equal(sh[0].name, "old");
	assert_int_equal(sh[0].pw_len, strlen(HASH_A));
	assert_int_equal(sh[0].lastchg, 20000);
	assert_int_equal(sh[0].max, 99999);
	assert_int_equal(sh[0].warn, -1);
	assert_int_equal(sh[0].expire, -1);
	assert_int_equal(sh[0].line, 1);
	assert_string_equal(sh[1].name, "neg");
	assert_int_equal(sh[1].line, 5);
	ASSERT_DIAG(ctx, "/etc/shadow", 2, "field 3 (lastchg) is not a number; skipped");
	ASSERT_DIAG(ctx, "/etc/shadow", 3, "expected 9 fields, found 10; skipped");
	ASSERT_DIAG(ctx, "/etc/shadow", 4, "expected 9 fields, found 1; skipped");
	assert_not_leaked(ctx, HASH_B);
	assert_not_leaked(ctx, HASH_Y);

	const char grp[] = "sudo:x:27:alice,bob,,carol\nwheel:x:10\nbad:x:\nempty:x:5:\nx:y:1:a:b\n";
	ks_group_ent *g;
	assert_int_equal(ks_accounts_parse_group(ctx, "/etc/group", grp, strlen(grp), &g, &n), KS_OK);
	assert_int_equal(n, 3);
	assert_string_equal(g[0].name, "sudo");
	assert_int_equal(g[0].nmembers, 3);
	assert_string_equal(g[0].members[2], "carol");
	assert_int_equal(g[1].gid, 10);
	assert_int_equal(g[1].nmembers, 0);
	assert_int_equal(g[2].nmembers, 0);
	ASSERT_DIAG(ctx, "/etc/group", 3, "expected a numeric gid");
	ASSERT_DIAG(ctx, "/etc/group", 5, "expected 4 fields, found 5");

	/* Classification of password fields. */
	assert_int_equal(ks_accounts_classify("", 0), KS_PW_EMPTY);
	assert_int_equal(ks_accounts_classify("!", 1), KS_PW_LOCKED);
	assert_int_equal(ks_accounts_classify("!*", 2), KS_PW_LOCKED);
	assert_int_equal(ks_accounts_classify("!!", 2), KS_PW_DISABLED);
	assert_int_equal(ks_accounts_classify("*", 1), KS_PW_DISABLED);
	assert_int_equal(ks_accounts_classify("x", 1), KS_PW_DISABLED);
	assert_int_equal(ks_accounts_classify("*LK*", 4), KS_PW_DISABLED);
	assert_int_equal(ks_accounts_classify(HASH_A, strlen(HASH_A)), KS_PW_HASH);
	assert_int_equal(ks_accounts_classify(HASH_Y, strlen(HASH_Y)), KS_PW_HASH);
	assert_int_equal(ks_accounts_classify("abJnggxhB/yWI", 13), KS_PW_HASH); /* DES */
	assert_int_equal(ks_accounts_classify("$6$", 3), KS_PW_DISABLED);
	assert_int_equal(ks_accounts_classify("$6$salt$", 8), KS_PW_DISABLED);
	assert_string_equal(ks_accounts_class_name(KS_PW_LOCKED), "locked");
	free(shadow);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void write_ab(const char *root, const char *ha, const char *hb)
{
	char *shadow = NULL;
	ks_test_write(root, "etc/passwd",
	              "root:x:0:0:root:/root:/bin/bash\n"
	              "alice:x:1000:1000::/home/alice:/bin/bash\n"
	              "bob:x:1001:1001::/home/bob:/bin/bash\n"
	              "carol:x:1002:1002::/home/carol:/bin/bash\n");
	assert_true(asprintf(&shadow,
	                     "root:*:20228:0:99999:7:::\n"
	                     "alice:%s:20400:0:99999:7:::\n"
	                     "bob:%s:20380:0:99999:7:::\n"
	                     "carol:%s:20380:0:99999:7:::\n",
	                     ha, hb, HASH_Y) > 0);
	ks_test_write(root, "etc/shadow", shadow);
	ks_test_write(root, "etc/group", group_file);
	free(shadow);
}

static void test_shadow_fifo(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	write_ab(root, HASH_A, HASH_B);
	char *p = path_in(root, "etc/shadow");
	unlink(p);
	assert_int_equal(mkfifo(p, 0600), 0); /* read fails (not a regular file), without blocking */
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "accounts.shadow_readable"));
	const ks_value *a = account(ctx, "alice");
	assert_true(funknown(a, "password"));
	assert_true(funknown(a, "usable_password"));
	assert_true(funknown(a, "can_login"));
	assert_true(funknown(a, "hash_digest"));
	assert_true(funknown(a, "password_changed_days_ago"));
	assert_true(funknown(a, "max_days"));
	assert_true(funknown(a, "account_expired"));
	assert_true(fbool(a, "interactive"));
	assert_int_equal(fint(a, "uid"), 1000);
	assert_true(ks_test_fact_is_unknown(ctx, "accounts.empty_password"));
	assert_true(ks_test_fact_is_unknown(ctx, "accounts.shared_hash"));
	assert_true(ks_test_fact_is_unknown(ctx, "accounts.shared_hash_count"));
	assert_int_equal(ks_test_fact_int(ctx, "accounts.uid0_count"), 1);
	ASSERT_DIAG(ctx, "/etc/shadow", 0, "password state, password age and expiry of shadowed accounts are unknown");
	free(p);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* A non-root run: /etc/shadow is 0640 root:shadow. As root, drop to nobody in a child. */
static void test_shadow_permission_denied(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	write_ab(root, HASH_A, HASH_B);
	char *p = path_in(root, "etc/shadow");
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(chmod(root, 0755), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		bool was_root = getuid() == 0;
		if (was_root && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(3);
		if (!was_root && chmod(p, 0) != 0)
			_exit(4);
		ks_collect_ctx *ctx = ks_test_ctx(root);
		int ok = ks_collect_accounts(ctx) == KS_OK &&
		         ks_fact_get(ctx->facts, "accounts.shadow_readable")->value.u.b == false &&
		         find_diag(ctx, "/etc/shadow", 0, "permission denied") &&
		         find_diag(ctx, "/etc/shadow", 0, "run kenshin as root") &&
		         ks_record_get(account(ctx, "alice"), "password")->type == KS_VAL_UNKNOWN;
		ks_test_ctx_free(ctx);
		_exit(ok ? 0 : 1);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	chmod(p, 0600);
	free(p);
	ks_test_rmtree(root);
	free(root);
}

static void test_shadow_missing(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/passwd",
	              "root:x:0:0:root:/root:/bin/bash\n"
	              "alice:x:1000:1000::/home/alice:/bin/bash\n"
	              "old:$1$abcdefgh$ABCDEFGHIJKLMNOPQRSTUV:1001:1001::/home/old:/bin/sh\n"
	              "open::1002:1002::/home/open:/bin/sh\n");
	ks_test_write(root, "etc/group", group_file);
	ks_collect_ctx *ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "accounts.shadow_readable"));
	ASSERT_DIAG(ctx, "/etc/shadow", 0, "not found");
	assert_true(funknown(account(ctx, "alice"), "password"));
	/* Not shadowed: pam_unix uses the passwd field itself. */
	assert_string_equal(fstr(account(ctx, "old"), "password"), "hash");
	assert_string_equal(fstr(account(ctx, "open"), "password"), "empty");
	assert_int_equal(fint(account(ctx, "open"), "max_days"), 99999);
	assert_true(funknown(account(ctx, "open"), "password_changed_days_ago"));
	assert_true(ks_test_fact_is_unknown(ctx, "accounts.empty_password"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_digests(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	write_ab(root, HASH_A, HASH_A); /* alice and bob share a hash; carol has her own */
	ks_collect_ctx *ctx = run(root);
	const char *da = fstr(account(ctx, "alice"), "hash_digest");
	const char *db = fstr(account(ctx, "bob"), "hash_digest");
	const char *dc = fstr(account(ctx, "carol"), "hash_digest");
	assert_string_equal(da, db);
	assert_string_not_equal(da, dc);
	assert_int_equal(strlen(da), 64);
	assert_int_equal(strspn(da, "0123456789abcdef"), 64);
	assert_int_equal(ks_test_fact_int(ctx, "accounts.shared_hash_count"), 1);
	const ks_value *sh = list_fact(ctx, "accounts.shared_hash");
	const ks_value *r = &sh->u.list.items[0];
	assert_string_equal(fstr(r, "name"), "alice, bob");
	assert_string_equal(joined(ctx, field(r, "names")), "alice,bob");
	assert_string_equal(fstr(r, "digest"), da);
	assert_string_equal(fstr(r, "source"), "/etc/shadow:2, /etc/shadow:3");
	assert_not_leaked(ctx, HASH_A);
	assert_not_leaked(ctx, HASH_Y);

	/* The digest is keyed: another key, another digest; same key, same digest. */
	char h1[KS_ACCOUNTS_DIGEST_HEX], h2[KS_ACCOUNTS_DIGEST_HEX];
	assert_int_equal(ks_accounts_digest(ctx, HASH_A, strlen(HASH_A), h1), KS_OK);
	assert_string_equal(h1, da);
	ctx->digest_key[0] ^= 1;
	assert_int_equal(ks_accounts_digest(ctx, HASH_A, strlen(HASH_A), h2), KS_OK);
	assert_string_not_equal(h1, h2);
	ks_test_ctx_free(ctx);

	/* Distinct hashes: nothing shared. */
	write_ab(root, HASH_A, HASH_B);
	ctx = run(root);
	assert_int_equal(ks_test_fact_int(ctx, "accounts.shared_hash_count"), 0);
	assert_int_equal(list_fact(ctx, "accounts.shared_hash")->u.list.n, 0);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_aging_and_expiry(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	char *shadow = NULL;
	ks_test_write(root, "etc/passwd",
	              "zero:x:1000:100::/home/zero:/bin/bash\n"
	              "nochg:x:1001:100::/home/nochg:/bin/bash\n"
	              "future:x:1002:100::/home/future:/bin/bash\n"
	              "expired:x:1003:100::/home/expired:/bin/bash\n"
	              "exp0:x:1004:100::/home/exp0:/bin/bash\n"
	              "negmax:x:1005:100::/home/negmax:/bin/bash\n"
	              "ghost:x:1006:100::/home/ghost:/bin/bash\n");
	assert_true(asprintf(&shadow,
	                     "zero:%s:0:0:99999:7:::\n"
	                     "nochg:%s::0:99999:7:::\n"
	                     "future:%s:20500:0:99999:7:::\n"
	                     "expired:%s:20400:0:99999:7::20000:\n"
	                     "exp0:%s:20400:0:99999:7::0:\n"
	                     "negmax:%s:20400:0:-1:7:::\n",
	                     HASH_A, HASH_A, HASH_A, HASH_B, HASH_B, HASH_Y) > 0);
	ks_test_write(root, "etc/shadow", shadow);
	ks_test_write(root, "etc/group", group_file);
	ks_collect_ctx *ctx = run(root);
	/* lastchg 0 = "must change at next login": counted from day 0. */
	assert_int_equal(fint(account(ctx, "zero"), "password_changed_days_ago"), TODAY);
	assert_true(funknown(account(ctx, "nochg"), "password_changed_days_ago"));
	assert_true(funknown(account(ctx, "future"), "password_changed_days_ago"));
	ASSERT_DIAG(ctx, "/etc/shadow", 3, "user future: last password change is in the future");
	assert_true(fbool(account(ctx, "expired"), "account_expired"));
	assert_false(fbool(account(ctx, "expired"), "can_login"));
	assert_false(fbool(account(ctx, "exp0"), "account_expired"));
	assert_true(fbool(account(ctx, "exp0"), "can_login"));
	assert_int_equal(fint(account(ctx, "negmax"), "max_days"), 99999);
	/* "x" without a shadow entry: no password can match. */
	assert_string_equal(fstr(account(ctx, "ghost"), "password"), "disabled");
	ASSERT_DIAG(ctx, "/etc/passwd", 7, "user ghost has no /etc/shadow entry");
	/* No lastlog and no wtmp: last logins are unknown, not "never". */
	assert_true(funknown(account(ctx, "zero"), "last_login"));
	assert_true(funknown(account(ctx, "zero"), "ever_logged_in"));
	assert_true(funknown(account(ctx, "zero"), "days_since_login"));
	assert_false(ks_test_fact_bool(ctx, "login.lastlog_present"));
	assert_int_equal(ks_test_fact_int(ctx, "login.wtmp_records"), 0);
	ASSERT_DIAG(ctx, "/var/log/lastlog", 0, "last-login times are unknown");
	free(shadow);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_authorized_keys(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/passwd",
	              "a:x:1000:100::/home/a:/bin/bash\n"
	              "b:x:1001:100::/home/b/:/bin/bash\n"
	              "c:x:1002:100::/home/c:/bin/bash\n"
	              "d:x:1003:100::/home/d:/bin/bash\n"
	              "e:x:1004:100::/home/e:/usr/sbin/nologin\n");
	ks_test_write(root, "etc/shadow", "a:!:20400::::::\nb:!:20400::::::\nc:!:20400::::::\n"
	                                  "d:!:20400::::::\ne:!:20400::::::\n");
	ks_test_write(root, "etc/group", group_file);
	ks_test_write(root, "home/a/.ssh/authorized_keys", "# only a comment\n   \n");
	ks_test_write(root, "home/b/.ssh/authorized_keys2", "ssh-rsa AAAAB3Nza b@x\n");
	ks_test_write(root, "home/c/.ssh/authorized_keys/x", "a directory, not a file\n");
	ks_test_write(root, "home/e/.ssh/authorized_keys", "ssh-ed25519 AAAAC3 e@x\n");
	ks_collect_ctx *ctx = run(root);
	assert_false(fbool(account(ctx, "a"), "authorized_keys"));
	assert_false(fbool(account(ctx, "a"), "can_login"));
	assert_true(fbool(account(ctx, "b"), "authorized_keys"));
	assert_true(fbool(account(ctx, "b"), "can_login"));
	assert_false(fbool(account(ctx, "c"), "authorized_keys"));
	ASSERT_DIAG(ctx, "/home/c/.ssh/authorized_keys", 0, "not a regular file");
	assert_false(fbool(account(ctx, "d"), "authorized_keys"));
	assert_true(fbool(account(ctx, "e"), "authorized_keys"));
	assert_false(fbool(account(ctx, "e"), "can_login")); /* nologin shell */
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_login_sources(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	write_ab(root, HASH_A, HASH_B);
	ks_test_write(root, "var/log/.keep", "");
	wtmp_login(root, "var/log/wtmp", "alice", NOW - 5 * DAY);
	ks_test_write(root, "var/lib/wtmpdb/wtmp.db", "SQLite format 3");
	ks_collect_ctx *ctx = run(root);
	/* Only wtmp (rotated): a login found there is known, an absence proves nothing. */
	assert_int_equal(fint(account(ctx, "alice"), "last_login"), NOW - 5 * DAY);
	assert_int_equal(fint(account(ctx, "alice"), "days_since_login"), 5);
	assert_true(funknown(account(ctx, "bob"), "last_login"));
	assert_true(funknown(account(ctx, "bob"), "days_since_login"));
	assert_false(ks_test_fact_bool(ctx, "login.lastlog_present"));
	assert_int_equal(ks_test_fact_int(ctx, "login.wtmp_records"), 1);
	ASSERT_DIAG(ctx, "/var/lib/wtmpdb/wtmp.db", 0, "login history database is not read yet");
	ks_test_ctx_free(ctx);

	/* Debian 13: only the SQLite databases. */
	char *w = path_in(root, "var/log/wtmp");
	unlink(w);
	free(w);
	ks_test_write(root, "var/lib/lastlog/lastlog2.db", "SQLite format 3");
	ctx = run(root);
	assert_true(funknown(account(ctx, "alice"), "last_login"));
	ASSERT_DIAG(ctx, "/var/lib/lastlog/lastlog2.db", 0, "not read yet");
	ASSERT_DIAG(ctx, "/var/log/lastlog", 0, "only in wtmpdb/lastlog2");
	ks_test_ctx_free(ctx);

	/* An unreadable lastlog is unknown, not absent. */
	char *ll = path_in(root, "var/log/lastlog");
	assert_int_equal(mkdir(ll, 0755), 0);
	free(ll);
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "login.lastlog_present"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_passwd_missing(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "accounts.list"));
	assert_string_equal(ks_fact_get(ctx->facts, "accounts.list")->reason, "/etc/passwd: not found");
	assert_true(ks_test_fact_is_unknown(ctx, "accounts.uid0_count"));
	assert_true(ks_test_fact_is_unknown(ctx, "accounts.groups"));
	assert_false(ks_test_fact_bool(ctx, "accounts.shadow_readable"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* ---- fixture trees: evaluate the lead's rules over our facts, three-valued ---- */

typedef enum { F, T, U } tv;
static tv t_and(tv a, tv b) { return a == F || b == F ? F : a == U || b == U ? U : T; }
static tv t_or(tv a, tv b) { return a == T || b == T ? T : a == U || b == U ? U : F; }
static tv t_bool(const ks_value *v) { return v->type == KS_VAL_BOOL ? (v->u.b ? T : F) : U; }
static tv t_gt(const ks_value *v, int64_t k) { return v->type == KS_VAL_INT ? (v->u.i > k ? T : F) : U; }

/* 2-5: fail if an account that can log in has been dormant > 90 days, or never logged in with a
 * password older than 90 days, or any account has an empty password; else pass. */
static const char *rule_2_5(ks_collect_ctx *ctx)
{
	const ks_fact *lf = ks_fact_get(ctx->facts, "accounts.list");
	const ks_fact *ef = ks_fact_get(ctx->facts, "accounts.empty_password");
	if (lf->value.type != KS_VAL_LIST)
		return "unknown";
	tv fail = ef->value.type == KS_VAL_LIST ? (ef->value.u.list.n > 0 ? T : F) : U;
	for (size_t i = 0; i < lf->value.u.list.n; i++) {
		const ks_value *r = &lf->value.u.list.items[i];
		tv dormant = t_gt(field(r, "days_since_login"), 90);
		tv never = t_bool(field(r, "ever_logged_in"));
		never = never == U ? U : never == T ? F : T;
		tv stale = t_and(never, t_gt(field(r, "password_changed_days_ago"), 90));
		fail = t_or(fail, t_and(t_bool(field(r, "can_login")), t_or(dormant, stale)));
	}
	return fail == T ? "fail" : fail == U ? "unknown" : "pass";
}

static const char *rule_count(ks_collect_ctx *ctx, const char *key, int64_t limit)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	if (f->value.type != KS_VAL_INT)
		return "unknown";
	return f->value.u.i > limit ? "fail" : "manual";
}

static void check_fixture(const char *fixtures, const char *rule, const char *name)
{
	char path[4096], expect[64] = "";
	snprintf(path, sizeof path, "%s/%s/%s/expect", fixtures, rule, name);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(expect, sizeof expect, fp));
	fclose(fp);
	expect[strcspn(expect, "\n")] = '\0';
	snprintf(path, sizeof path, "%s/%s/%s", fixtures, rule, name);
	ks_collect_ctx *ctx = ks_test_ctx(path);
	assert_int_equal(ks_collect_accounts(ctx), KS_OK);
	assert_int_equal(ks_collect_sudoers(ctx), KS_OK);
	const char *v = strcmp(rule, "2-5") == 0 ? rule_2_5(ctx)
	                : strcmp(rule, "2-8") == 0 ? rule_count(ctx, "accounts.shared_hash_count", 0)
	                                           : rule_count(ctx, "accounts.uid0_count", 1);
	char want[80];
	snprintf(want, sizeof want, "verdict=%s", v);
	if (strcmp(want, expect) != 0) {
		dump_diags(ctx);
		fail_msg("%s/%s: got %s, expected %s", rule, name, want, expect);
	}
	ks_test_ctx_free(ctx);
}

static void test_fixtures(void **state)
{
	(void)state;
	char *tmp = ks_test_tmpdir();
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cp -r '%s/2-4' '%s/2-5' '%s/2-8' '%s/' && sh '%s/make-binlogs.sh' '%s'",
	         KS_FIXTURES, KS_FIXTURES, KS_FIXTURES, tmp, KS_FIXTURES, tmp);
	assert_int_equal(system(cmd), 0);
	static const char *const cases[][2] = {
		{"2-5", "pass"}, {"2-5", "fail-dormant"}, {"2-5", "fail-never"}, {"2-5", "fail-empty"},
		{"2-5", "unknown"}, {"2-8", "fail"}, {"2-8", "manual"}, {"2-4", "fail"}, {"2-4", "manual"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		check_fixture(tmp, cases[i][0], cases[i][1]);

	/* Spot checks of what decided the verdicts. */
	char path[4096];
	snprintf(path, sizeof path, "%s/2-5/fail-dormant", tmp);
	ks_collect_ctx *ctx = run(path);
	assert_int_equal(fint(account(ctx, "bob"), "days_since_login"), 120);
	assert_true(fbool(account(ctx, "bob"), "can_login"));
	ks_test_ctx_free(ctx);
	snprintf(path, sizeof path, "%s/2-5/fail-never", tmp);
	ctx = run(path);
	assert_false(fbool(account(ctx, "bob"), "ever_logged_in"));
	assert_int_equal(fint(account(ctx, "bob"), "password_changed_days_ago"), 200);
	ks_test_ctx_free(ctx);
	snprintf(path, sizeof path, "%s/2-5/pass", tmp);
	ctx = run(path);
	assert_string_equal(fstr(account(ctx, "alice"), "last_login_source"), "lastlog");
	assert_int_equal(fint(account(ctx, "bob"), "days_since_login"), 10);
	assert_int_equal(ks_test_fact_int(ctx, "login.wtmp_records"), 2);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(tmp);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_tree),
		cmocka_unit_test(test_passwd_formats),
		cmocka_unit_test(test_parsers_direct),
		cmocka_unit_test(test_shadow_fifo),
		cmocka_unit_test(test_shadow_permission_denied),
		cmocka_unit_test(test_shadow_missing),
		cmocka_unit_test(test_digests),
		cmocka_unit_test(test_aging_and_expiry),
		cmocka_unit_test(test_authorized_keys),
		cmocka_unit_test(test_login_sources),
		cmocka_unit_test(test_passwd_missing),
		cmocka_unit_test(test_fixtures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
