/* Account collector: /etc/passwd, /etc/shadow, /etc/group, authorized_keys and login history ->
 * accounts.* and login.* facts. Password hashes never leave this file except as keyed digests. */
#include "accounts.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "lastlog.h"

#define PASSWD_PATH "/etc/passwd"
#define SHADOW_PATH "/etc/shadow"
#define GROUP_PATH "/etc/group"
#define LASTLOG_PATH "/var/log/lastlog"
#define DAY 86400
#define NO_MAX_DAYS 99999 /* shadow(5): an empty maximum age means the password never expires */
#define MAX_ID 4294967294u /* (uid_t)-1 is reserved as "no id" */

/* ---- small helpers ---- */

typedef enum { T_FALSE, T_TRUE, T_UNKNOWN } tri;

static ks_value tri_val(tri t) { return t == T_UNKNOWN ? ks_val_unknown() : ks_val_bool(t == T_TRUE); }

/* Grows an arena array of N used elements to hold one more. */
static void *grow(ks_arena *a, void *v, size_t n, size_t *cap, size_t el)
{
	if (n < *cap)
		return v;
	size_t nc = *cap ? *cap * 2 : 16;
	void *nv = ks_arena_alloc(a, nc * el);
	if (!nv)
		return NULL;
	if (n)
		memcpy(nv, v, n * el);
	*cap = nc;
	return nv;
}

/* Splits at ':' keeping up to MAXF fields; returns the number of fields in the line. */
static size_t split_colon(const char *s, size_t len, const char **f, size_t *fl, size_t maxf)
{
	size_t n = 0;
	const char *start = s;
	for (size_t i = 0; i <= len; i++)
		if (i == len || s[i] == ':') {
			if (n < maxf) {
				f[n] = start;
				fl[n] = (size_t)(s + i - start);
			}
			n++;
			start = s + i + 1;
		}
	return n;
}

static bool parse_id(const char *s, size_t len, uint32_t *out)
{
	int64_t v;
	if (!len || s[0] < '0' || s[0] > '9' || !ks_parse_int(s, len, &v) || v < 0 || v > MAX_ID)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* The checks shared by the three colon files. Returns false for a line to skip; S and LEN are left
 * at the line without leading blanks (glibc's nss_files skips them, and comment lines too). */
static bool take_line(ks_collect_ctx *ctx, const char *path, int lineno, const char **s, size_t *len)
{
	if (*len > KS_MAX_LINE) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, 0,
		            "line longer than %u bytes; skipped", KS_MAX_LINE);
		return false;
	}
	while (*len && ks_is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	if (*len == 0 || **s == '#')
		return false;
	if (memchr(*s, '\0', *len)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, 0, "line contains a NUL byte; skipped");
		return false;
	}
	if (**s == '+' || **s == '-') {
		/* passwd(5) compat mode: "+", "+name", "+@netgroup", "-name" pull entries from NIS. */
		ks_diag_add(ctx->diags, KS_DIAG_INFO, path, lineno, 1,
		            "NIS compat entry (+/-) skipped: NIS entries are not resolved");
		return false;
	}
	return true;
}

/* ---- parsers ---- */

int ks_accounts_parse_passwd(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                             ks_passwd_ent **out, size_t *n)
{
	ks_passwd_ent *v = NULL;
	size_t cnt = 0, cap = 0;
	ks_lines it;
	const char *line;
	size_t ll;
	*out = NULL;
	*n = 0;
	ks_lines_init(&it, data, len);
	while (ks_lines_next(&it, &line, &ll)) {
		if (!take_line(ctx, path, it.lineno, &line, &ll))
			continue;
		const char *f[7];
		size_t fl[7];
		size_t nf = split_colon(line, ll, f, fl, 7);
		if (nf < 4) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 0,
			            "expected 7 fields, found %zu; skipped", nf);
			continue;
		}
		if (fl[0] == 0) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "empty user name; skipped");
			continue;
		}
		uint32_t uid, gid;
		if (!parse_id(f[2], fl[2], &uid)) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, (int)(f[2] - line) + 1,
			            "expected a numeric uid from 0 to %u; skipped", MAX_ID);
			continue;
		}
		if (!parse_id(f[3], fl[3], &gid)) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, (int)(f[3] - line) + 1,
			            "expected a numeric gid from 0 to %u; skipped", MAX_ID);
			continue;
		}
		if (nf < 7)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 0,
			            "expected 7 fields, found %zu; missing fields taken as empty", nf);
		else if (nf > 7)
			/* glibc takes everything after the sixth ':' as the shell; so do we, not hiding the
			 * account (it still exists for the system). */
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 0,
			            "expected 7 fields, found %zu; the rest of the line is taken as the shell",
			            nf);
		if (cnt >= KS_MAX_ACCOUNTS) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 0,
			            "more than %u accounts; the rest of the file is ignored", KS_MAX_ACCOUNTS);
			break;
		}
		if (!(v = grow(ctx->arena, v, cnt, &cap, sizeof *v)))
			return KS_ENOMEM;
		ks_passwd_ent *e = &v[cnt];
		e->name = ks_arena_strndup(ctx->arena, f[0], fl[0]);
		e->passwd = f[1];
		e->passwd_len = fl[1];
		e->uid = uid;
		e->gid = gid;
		e->gecos = ks_arena_strndup(ctx->arena, nf > 4 ? f[4] : "", nf > 4 ? fl[4] : 0);
		e->home = ks_arena_strndup(ctx->arena, nf > 5 ? f[5] : "", nf > 5 ? fl[5] : 0);
		e->shell = ks_arena_strndup(ctx->arena, nf > 6 ? f[6] : "",
		                            nf > 6 ? (size_t)(line + ll - f[6]) : 0);
		e->line = it.lineno;
		if (!e->name || !e->gecos || !e->home || !e->shell)
			return KS_ENOMEM;
		cnt++;
	}
	*out = v;
	*n = cnt;
	return KS_OK;
}

static const char *const shadow_field_names[9] = {
	"name", "password", "lastchg", "min", "max", "warn", "inactive", "expire", "flag",
};

int ks_accounts_parse_shadow(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                             ks_shadow_ent **out, size_t *n)
{
	ks_shadow_ent *v = NULL;
	size_t cnt = 0, cap = 0;
	ks_lines it;
	const char *line;
	size_t ll;
	*out = NULL;
	*n = 0;
	ks_lines_init(&it, data, len);
	while (ks_lines_next(&it, &line, &ll)) {
		/* Never quote shadow text in a diagnostic: any field may hold (part of) a hash. */
		if (!take_line(ctx, path, it.lineno, &line, &ll))
			continue;
		const char *f[9];
		size_t fl[9];
		size_t nf = split_colon(line, ll, f, fl, 9);
		if (nf < 2 || nf > 9) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 0,
			            "expected 9 fields, found %zu; skipped", nf);
			continue;
		}
		if (fl[0] == 0) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "empty user name; skipped");
			continue;
		}
		/* Trailing fields may be missing (the old 5-field form is still accepted by glibc). */
		int64_t num[9];
		bool ok = true;
		for (size_t i = 2; i < 9; i++) {
			num[i] = -1;
			if (i >= nf || fl[i] == 0)
				continue;
			if (!ks_parse_int(f[i], fl[i], &num[i])) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, (int)(f[i] - line) + 1,
				            "field %zu (%s) is not a number; skipped", i + 1, shadow_field_names[i]);
				ok = false;
				break;
			}
		}
		if (!ok)
			continue;
		if (cnt >= KS_MAX_ACCOUNTS) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 0,
			            "more than %u entries; the rest of the file is ignored", KS_MAX_ACCOUNTS);
			break;
		}
		if (!(v = grow(ctx->arena, v, cnt, &cap, sizeof *v)))
			return KS_ENOMEM;
		ks_shadow_ent *e = &v[cnt];
		if (!(e->name = ks_arena_strndup(ctx->arena, f[0], fl[0])))
			return KS_ENOMEM;
		e->pw = f[1];
		e->pw_len = fl[1];
		e->lastchg = num[2];
		e->min = num[3];
		e->max = num[4];
		e->warn = num[5];
		e->inactive = num[6];
		e->expire = num[7];
		e->line = it.lineno;
		cnt++;
	}
	*out = v;
	*n = cnt;
	return KS_OK;
}

int ks_accounts_parse_group(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                            ks_group_ent **out, size_t *n)
{
	ks_group_ent *v = NULL;
	size_t cnt = 0, cap = 0;
	ks_lines it;
	const char *line;
	size_t ll;
	*out = NULL;
	*n = 0;
	ks_lines_init(&it, data, len);
	while (ks_lines_next(&it, &line, &ll)) {
		if (!take_line(ctx, path, it.lineno, &line, &ll))
			continue;
		const char *f[4];
		size_t fl[4];
		size_t nf = split_colon(line, ll, f, fl, 4);
		if (nf < 3 || nf > 4) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 0,
			            "expected 4 fields, found %zu; skipped", nf);
			continue;
		}
		if (fl[0] == 0) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "empty group name; skipped");
			continue;
		}
		uint32_t gid;
		if (!parse_id(f[2], fl[2], &gid)) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, (int)(f[2] - line) + 1,
			            "expected a numeric gid from 0 to %u; skipped", MAX_ID);
			continue;
		}
		if (cnt >= KS_MAX_ACCOUNTS) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 0,
			            "more than %u groups; the rest of the file is ignored", KS_MAX_ACCOUNTS);
			break;
		}
		if (!(v = grow(ctx->arena, v, cnt, &cap, sizeof *v)))
			return KS_ENOMEM;
		ks_group_ent *e = &v[cnt];
		if (!(e->name = ks_arena_strndup(ctx->arena, f[0], fl[0])))
			return KS_ENOMEM;
		e->gid = gid;
		e->line = it.lineno;
		size_t mcap = 0;
		if (nf == 4) {
			const char *p = f[3], *end = f[3] + fl[3];
			while (p < end) {
				const char *c = memchr(p, ',', (size_t)(end - p));
				const char *me = c ? c : end;
				const char *m = p;
				size_t ml = (size_t)(me - p);
				ks_trim(&m, &ml);
				if (ml && e->nmembers < KS_MAX_ACCOUNTS) {
					e->members = grow(ctx->arena, (void *)e->members, e->nmembers, &mcap,
					                  sizeof *e->members);
					if (!e->members || !(e->members[e->nmembers] = ks_arena_strndup(ctx->arena, m, ml)))
						return KS_ENOMEM;
					e->nmembers++;
				}
				p = c ? c + 1 : end;
			}
		}
		cnt++;
	}
	*out = v;
	*n = cnt;
	return KS_OK;
}

/* ---- password classification and digests ---- */

static bool crypt64(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '/';
}

/* crypt(5): "$id$[params$]salt$hash" (also "$2b$", "$y$", "$gy$", "$7$"), traditional DES
 * (13 chars of [./0-9A-Za-z]) and BSDi extended DES ("_" + 19 chars). */
static bool is_hash(const char *s, size_t len)
{
	if (len >= 4 && s[0] == '$') {
		size_t dollars = 0;
		for (size_t i = 0; i < len; i++) {
			char c = s[i];
			if (c == '$')
				dollars++;
			else if (!crypt64(c) && c != '=' && c != ',' && c != '-' && c != '+')
				return false;
		}
		return dollars >= 3 && s[len - 1] != '$';
	}
	if (len == 13 || (len == 20 && s[0] == '_')) {
		for (size_t i = len == 20 ? 1 : 0; i < len; i++)
			if (!crypt64(s[i]))
				return false;
		return true;
	}
	return false;
}

ks_pw_class ks_accounts_classify(const char *pw, size_t len)
{
	if (len == 0)
		return KS_PW_EMPTY;
	if (pw[0] == '!')
		/* "!!" is the "never set" marker of useradd on Red Hat systems, not a lock. */
		return len == 2 && pw[1] == '!' ? KS_PW_DISABLED : KS_PW_LOCKED;
	return is_hash(pw, len) ? KS_PW_HASH : KS_PW_DISABLED;
}

const char *ks_accounts_class_name(ks_pw_class c)
{
	switch (c) {
	case KS_PW_EMPTY: return "empty";
	case KS_PW_LOCKED: return "locked";
	case KS_PW_HASH: return "hash";
	case KS_PW_DISABLED: break;
	}
	return "disabled";
}

int ks_accounts_digest(const ks_collect_ctx *ctx, const char *secret, size_t len,
                       char hex[KS_ACCOUNTS_DIGEST_HEX])
{
	unsigned char out[32];
	hex[0] = '\0';
	if (sodium_init() < 0) /* idempotent; 1 when already initialised */
		return KS_EIO;
	if (crypto_generichash(out, sizeof out, (const unsigned char *)secret, len, ctx->digest_key,
	                       sizeof ctx->digest_key) != 0)
		return KS_EIO;
	sodium_bin2hex(hex, KS_ACCOUNTS_DIGEST_HEX, out, sizeof out);
	sodium_memzero(out, sizeof out);
	return KS_OK;
}

/* ---- name index: open addressing, first occurrence wins (as getspnam/getgrnam) ---- */

struct name_index {
	const char **keys;
	size_t *vals;
	size_t nslots;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int index_init(ks_arena *a, struct name_index *ix, size_t n)
{
	ix->nslots = 16;
	while (ix->nslots < n * 2 + 1)
		ix->nslots *= 2;
	ix->keys = ks_arena_alloc(a, ix->nslots * sizeof *ix->keys);
	ix->vals = ks_arena_alloc(a, ix->nslots * sizeof *ix->vals);
	return ix->keys && ix->vals ? KS_OK : KS_ENOMEM;
}

static size_t index_slot(const struct name_index *ix, const char *name)
{
	size_t i = (size_t)hash_str(name) & (ix->nslots - 1);
	while (ix->keys[i] && strcmp(ix->keys[i], name) != 0)
		i = (i + 1) & (ix->nslots - 1);
	return i;
}

/* Adds NAME -> VAL unless present; returns the value stored for NAME. */
static size_t index_put(struct name_index *ix, const char *name, size_t val)
{
	size_t i = index_slot(ix, name);
	if (!ix->keys[i]) {
		ix->keys[i] = name;
		ix->vals[i] = val;
	}
	return ix->vals[i];
}

static bool index_get(const struct name_index *ix, const char *name, size_t *val)
{
	size_t i = index_slot(ix, name);
	if (!ix->keys[i])
		return false;
	*val = ix->vals[i];
	return true;
}

/* ---- login history ---- */

struct history {
	bool lastlog_ok, wtmp_ok;
	ks_lastlog ll;
	ks_wtmp *wtmp;
	const char *why_unknown; /* when neither source is usable */
};

static int history_open(ks_collect_ctx *ctx, struct history *h)
{
	static const char *const wtmp_paths[] = {"/var/log/wtmp", "/var/log/wtmp.1"};
	static const char *const sqlite_paths[] = {"/var/lib/wtmpdb/wtmp.db", "/var/lib/lastlog/lastlog2.db"};
	int rc = ks_lastlog_open(ctx, LASTLOG_PATH, &h->ll);
	h->lastlog_ok = rc == KS_OK;
	if (rc == KS_OK || rc == KS_ENOENT)
		rc = ks_fact_bool(ctx->facts, "login.lastlog_present", rc == KS_OK, LASTLOG_PATH, 0);
	else
		rc = ks_fact_unknown(ctx->facts, "login.lastlog_present", LASTLOG_PATH, "%s: %s", LASTLOG_PATH,
		                     ks_strerror(rc));
	if (rc < 0)
		return rc;

	if (!(h->wtmp = ks_wtmp_new(ctx->arena)))
		return KS_ENOMEM;
	int failed = 0, absent = 0;
	const char *err = NULL;
	for (size_t i = 0; i < 2; i++) {
		rc = ks_wtmp_read(ctx, wtmp_paths[i], h->wtmp);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc == KS_OK)
			h->wtmp_ok = true;
		else if (rc == KS_ENOENT)
			absent++;
		else {
			failed++;
			err = ks_arena_printf(ctx->arena, "%s: %s", wtmp_paths[i], ks_strerror(rc));
		}
	}
	if (h->wtmp_ok || absent == 2)
		rc = ks_fact_put_probe(ctx->facts, "login.wtmp_records", ks_val_int((int64_t)ks_wtmp_records(h->wtmp)),
		                       "complete utmp records read from /var/log/wtmp and /var/log/wtmp.1 "
		                       "(at most the last 64 MiB of each)");
	else
		rc = ks_fact_unknown(ctx->facts, "login.wtmp_records", wtmp_paths[0], "%s",
		                     err ? err : "unreadable");
	if (rc < 0)
		return rc;
	(void)failed;

	bool sqlite = false;
	for (size_t i = 0; i < 2; i++) {
		struct stat st;
		if (ks_rootfs_stat(ctx->root, sqlite_paths[i], &st) == KS_OK) {
			sqlite = true;
			/* Debian 13 keeps login history in SQLite (wtmpdb, lastlog2); kenshin links no SQLite. */
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, sqlite_paths[i], 0, 0,
			            "login history database is not read yet; last-login facts use only "
			            "/var/log/lastlog and /var/log/wtmp");
		}
	}
	if (!h->lastlog_ok && !h->wtmp_ok) {
		h->why_unknown = sqlite ? "login history is only in wtmpdb/lastlog2, which is not read yet"
		                        : "neither /var/log/lastlog nor /var/log/wtmp could be read";
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, LASTLOG_PATH, 0, 0,
		            "last-login times are unknown: %s", h->why_unknown);
	} else if (!h->lastlog_ok) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, LASTLOG_PATH, 0, 0,
		            "no lastlog: users absent from wtmp (which is rotated) have an unknown last login");
	}
	return KS_OK;
}

/* Last login of P: max(lastlog, wtmp). *KNOWN false when it cannot be told. lastlog is the
 * long-term record; wtmp alone only proves logins within its rotation window. */
static void history_get(ks_collect_ctx *ctx, struct history *h, const ks_passwd_ent *p, bool *known,
                        int64_t *when, const char **src)
{
	int64_t lt = 0, wt = 0;
	*known = false;
	*when = 0;
	*src = "";
	if (h->wtmp_ok)
		wt = ks_wtmp_last_login(h->wtmp, p->name);
	if (h->lastlog_ok) {
		if (ks_lastlog_get(ctx, &h->ll, p->uid, &lt) < 0)
			return;
		*known = true;
	} else if (wt > 0) {
		*known = true;
	}
	if (!*known)
		return;
	if (lt >= wt && lt > 0) {
		*when = lt;
		*src = "lastlog";
	} else if (wt > 0) {
		*when = wt;
		*src = "wtmp";
	}
}

/* ---- authorized_keys ---- */

static bool has_key_line(const char *d, size_t len)
{
	ks_lines it;
	const char *l;
	size_t ll;
	ks_lines_init(&it, d, len);
	while (ks_lines_next(&it, &l, &ll)) {
		ks_trim(&l, &ll);
		if (ll && l[0] != '#')
			return true;
	}
	return false;
}

/* sshd's default AuthorizedKeysFile: .ssh/authorized_keys .ssh/authorized_keys2 (sshd_config(5)).
 * A file sshd would refuse (not regular, loops) counts as absent; a read error makes it unknown. */
static int authorized_keys(ks_collect_ctx *ctx, const char *home, tri *out)
{
	static const char *const files[] = {".ssh/authorized_keys", ".ssh/authorized_keys2"};
	size_t hl = strlen(home);
	while (hl && home[hl - 1] == '/')
		hl--;
	*out = T_FALSE;
	for (size_t i = 0; i < 2; i++) {
		char *path = ks_arena_printf(ctx->arena, "%.*s/%s", (int)hl, home, files[i]);
		char *data;
		size_t len;
		if (!path)
			return KS_ENOMEM;
		int rc = ks_rootfs_read(ctx->root, ctx->arena, path, KS_MAX_CONFIG_BYTES, &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc == KS_OK) {
			if (has_key_line(data, len)) {
				*out = T_TRUE;
				return KS_OK;
			}
			continue;
		}
		if (rc == KS_ENOENT || rc == KS_ENOTDIR)
			continue;
		if (rc == KS_ENOTREG || rc == KS_ELOOP) {
			ks_diag_add(ctx->diags, KS_DIAG_INFO, path, 0, 0, "not a regular file (%s); sshd ignores it",
			            ks_strerror(rc));
			continue;
		}
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0, "cannot read: %s", ks_strerror(rc));
		*out = T_UNKNOWN;
	}
	return KS_OK;
}

/* ---- the collector ---- */

/* Shells that end the session at once: the account is not interactive (passwd(5): an empty
 * shell field means /bin/sh, which is). */
static bool interactive_shell(const char *shell)
{
	static const char *const stop[] = {"nologin", "false", "sync", "shutdown", "halt"};
	const char *s = shell;
	size_t len = strlen(s);
	ks_trim(&s, &len);
	if (len == 0)
		return true;
	const char *base = s;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/')
			base = s + i + 1;
	size_t bl = (size_t)(s + len - base);
	for (size_t i = 0; i < sizeof stop / sizeof *stop; i++)
		if (ks_eq(base, bl, stop[i]))
			return false;
	return true;
}

/* What decides an account's password, the pam_unix way (passverify.c): the passwd field, unless
 * it is "x" (or "##name"), in which case the shadow entry. */
struct pwinfo {
	bool known;            /* class known */
	ks_pw_class cls;
	const char *hash;      /* when cls == KS_PW_HASH */
	size_t hash_len;
	const ks_shadow_ent *aging; /* shadow entry giving ages/expiry; NULL = none applies */
	bool aging_known;
};

static bool shadowed(const ks_passwd_ent *p)
{
	if (p->passwd_len == 1 && p->passwd[0] == 'x')
		return true;
	size_t nl = strlen(p->name);
	return p->passwd_len == nl + 2 && p->passwd[0] == '#' && p->passwd[1] == '#' &&
	       memcmp(p->passwd + 2, p->name, nl) == 0;
}

static void password_of(ks_collect_ctx *ctx, const ks_passwd_ent *p, bool shadow_ok,
                        const ks_shadow_ent *sh, size_t nsh, const struct name_index *shix,
                        struct pwinfo *pi)
{
	memset(pi, 0, sizeof *pi);
	if (!shadowed(p)) {
		/* The passwd field itself is the password; no shadow aging applies to it. */
		pi->known = true;
		pi->cls = ks_accounts_classify(p->passwd, p->passwd_len);
		pi->hash = p->passwd;
		pi->hash_len = p->passwd_len;
		pi->aging_known = true;
		return;
	}
	if (!shadow_ok)
		return; /* unknown: the password is in a shadow file we could not read */
	size_t i;
	pi->known = true;
	pi->aging_known = true;
	if (!index_get(shix, p->name, &i) || i >= nsh) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, PASSWD_PATH, p->line, 0,
		            "user %s has no /etc/shadow entry; password login is impossible", p->name);
		pi->cls = KS_PW_DISABLED;
		return;
	}
	pi->aging = &sh[i];
	pi->cls = ks_accounts_classify(sh[i].pw, sh[i].pw_len);
	pi->hash = sh[i].pw;
	pi->hash_len = sh[i].pw_len;
}

struct acct {
	const ks_passwd_ent *p;
	struct pwinfo pw;
	bool interactive;
};

static int set(ks_collect_ctx *ctx, ks_value *rec, const char *key, ks_value v)
{
	return ks_record_set(ctx->arena, rec, key, v);
}

#define TRY(x)                   \
	do {                         \
		if ((rc = (x)) < 0)      \
			goto out;            \
	} while (0)

static int account_record(ks_collect_ctx *ctx, struct history *h, const struct acct *a, ks_value *rec)
{
	const ks_passwd_ent *p = a->p;
	const struct pwinfo *pw = &a->pw;
	int64_t today = (int64_t)ctx->now / DAY;
	int rc;
	*rec = ks_val_record();
	TRY(set(ctx, rec, "name", ks_val_strz(ctx->arena, p->name)));
	TRY(set(ctx, rec, "uid", ks_val_int(p->uid)));
	TRY(set(ctx, rec, "gid", ks_val_int(p->gid)));
	TRY(set(ctx, rec, "home", ks_val_strz(ctx->arena, p->home)));
	TRY(set(ctx, rec, "shell", ks_val_strz(ctx->arena, p->shell)));
	TRY(set(ctx, rec, "interactive", ks_val_bool(a->interactive)));

	tri usable = !pw->known ? T_UNKNOWN : pw->cls == KS_PW_HASH ? T_TRUE : T_FALSE;
	TRY(set(ctx, rec, "password",
	        pw->known ? ks_val_strz(ctx->arena, ks_accounts_class_name(pw->cls)) : ks_val_unknown()));
	TRY(set(ctx, rec, "usable_password", tri_val(usable)));

	/* Account expiry (shadow field 8, days since the epoch). 0 is ambiguous per shadow(5)
	 * ("no expiration" or "1970"); it is read as no expiration so that the checks still apply. */
	tri expired = T_FALSE;
	if (!pw->aging_known)
		expired = T_UNKNOWN;
	else if (pw->aging && pw->aging->expire > 0 && today >= pw->aging->expire)
		expired = T_TRUE;
	TRY(set(ctx, rec, "account_expired", tri_val(expired)));

	tri keys;
	TRY(authorized_keys(ctx, p->home, &keys));
	TRY(set(ctx, rec, "authorized_keys", tri_val(keys)));

	/* can_login = interactive and not expired and (usable password or authorized key). */
	tri can;
	if (!a->interactive || expired == T_TRUE)
		can = T_FALSE;
	else if (usable == T_FALSE && keys == T_FALSE)
		can = T_FALSE;
	else if (expired == T_FALSE && (usable == T_TRUE || keys == T_TRUE))
		can = T_TRUE;
	else
		can = T_UNKNOWN;
	TRY(set(ctx, rec, "can_login", tri_val(can)));

	bool known;
	int64_t when;
	const char *src;
	history_get(ctx, h, p, &known, &when, &src);
	if (known) {
		int64_t days = -1;
		if (when > 0) {
			days = ((int64_t)ctx->now - when) / DAY;
			if (days < 0)
				days = 0; /* within the tolerated clock skew */
		}
		TRY(set(ctx, rec, "last_login", ks_val_int(when)));
		TRY(set(ctx, rec, "ever_logged_in", ks_val_bool(when > 0)));
		TRY(set(ctx, rec, "days_since_login", ks_val_int(days)));
		TRY(set(ctx, rec, "last_login_source", ks_val_strz(ctx->arena, src)));
	} else {
		TRY(set(ctx, rec, "last_login", ks_val_unknown()));
		TRY(set(ctx, rec, "ever_logged_in", ks_val_unknown()));
		TRY(set(ctx, rec, "days_since_login", ks_val_unknown()));
		TRY(set(ctx, rec, "last_login_source", ks_val_unknown()));
	}

	/* Password age from shadow lastchg (days since the epoch). lastchg 0 means "must change at
	 * next login" (shadow(5)): counted as changed on day 0, i.e. very long ago. */
	ks_value changed = ks_val_unknown();
	if (pw->aging_known && pw->aging && pw->aging->lastchg >= 0) {
		int64_t lc = pw->aging->lastchg;
		if (lc > (int64_t)ctx->now / DAY) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, SHADOW_PATH, pw->aging->line, 0,
			            "user %s: last password change is in the future; password age unknown",
			            p->name);
		} else {
			changed = ks_val_int(((int64_t)ctx->now - lc * DAY) / DAY);
		}
	}
	TRY(set(ctx, rec, "password_changed_days_ago", changed));
	/* Maximum age: empty (or negative, which shadow-utils also reads as "none") = 99999. */
	ks_value maxd = ks_val_unknown();
	if (pw->aging_known)
		maxd = ks_val_int(pw->aging && pw->aging->max >= 0 ? pw->aging->max : NO_MAX_DAYS);
	TRY(set(ctx, rec, "max_days", maxd));

	if (usable == T_TRUE) {
		char hex[KS_ACCOUNTS_DIGEST_HEX];
		if (ks_accounts_digest(ctx, pw->hash, pw->hash_len, hex) == KS_OK)
			TRY(set(ctx, rec, "hash_digest", ks_val_strz(ctx->arena, hex)));
		else
			TRY(set(ctx, rec, "hash_digest", ks_val_unknown()));
	} else if (usable == T_UNKNOWN) {
		TRY(set(ctx, rec, "hash_digest", ks_val_unknown()));
	}
	TRY(set(ctx, rec, "source", ks_val_strz(ctx->arena, ks_collect_where(ctx, PASSWD_PATH, p->line))));
out:
	return rc < 0 ? rc : KS_OK;
}

/* A growing string in the arena (joining many names with printf would be quadratic). */
struct sbuf {
	char *s;
	size_t n, cap;
};

static int sb_add(ks_arena *a, struct sbuf *b, const char *str)
{
	size_t l = str ? strlen(str) : 0;
	if (!str)
		return KS_ENOMEM; /* a failed arena string upstream */
	if (b->n + l + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 64;
		while (nc < b->n + l + 1)
			nc *= 2;
		char *ns = ks_arena_alloc(a, nc);
		if (!ns)
			return KS_ENOMEM;
		if (b->n)
			memcpy(ns, b->s, b->n);
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, str, l);
	b->n += l;
	b->s[b->n] = '\0';
	return KS_OK;
}

/* Usable hashes, sorted so that identical strings are adjacent. */
struct hash_ref {
	const char *h;
	size_t len;
	size_t acct;
};

static int cmp_hash(const void *x, const void *y)
{
	const struct hash_ref *a = x, *b = y;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	int c = memcmp(a->h, b->h, a->len);
	if (c)
		return c;
	if (a->h != b->h) /* group references to one entry together, in file order */
		return a->h < b->h ? -1 : 1;
	return a->acct < b->acct ? -1 : a->acct > b->acct;
}

static int shared_hashes(ks_collect_ctx *ctx, const struct acct *ac, size_t n, bool known)
{
	int rc;
	if (!known) {
		TRY(ks_fact_unknown(ctx->facts, "accounts.shared_hash", SHADOW_PATH,
		                    "some passwords are in an unreadable /etc/shadow"));
		TRY(ks_fact_unknown(ctx->facts, "accounts.shared_hash_count", SHADOW_PATH,
		                    "some passwords are in an unreadable /etc/shadow"));
		return KS_OK;
	}
	struct hash_ref *v = ks_arena_alloc(ctx->arena, (n ? n : 1) * sizeof *v);
	size_t m = 0;
	if (!v)
		return KS_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (ac[i].pw.known && ac[i].pw.cls == KS_PW_HASH)
			v[m++] = (struct hash_ref){ac[i].pw.hash, ac[i].pw.hash_len, i};
	qsort(v, m, sizeof *v, cmp_hash);
	ks_value list = ks_val_list();
	for (size_t i = 0; i < m;) {
		size_t j = i + 1, distinct = 1;
		while (j < m && v[j].len == v[i].len && memcmp(v[j].h, v[i].h, v[i].len) == 0) {
			/* The same shadow entry reached twice (a duplicate user name) is one hash. */
			distinct += v[j].h != v[j - 1].h;
			j++;
		}
		if (distinct >= 2) {
			ks_value rec = ks_val_record(), names = ks_val_list();
			struct sbuf joined = {0}, where = {0};
			char hex[KS_ACCOUNTS_DIGEST_HEX];
			for (size_t k = i; k < j; k++) {
				if (k > i && v[k].h == v[k - 1].h)
					continue;
				const struct acct *a = &ac[v[k].acct];
				const char *sep = k == i ? "" : ", ";
				int line = a->pw.aging ? a->pw.aging->line : a->p->line;
				TRY(ks_list_push(ctx->arena, &names, ks_val_strz(ctx->arena, a->p->name)));
				TRY(sb_add(ctx->arena, &joined, sep));
				TRY(sb_add(ctx->arena, &joined, a->p->name));
				TRY(sb_add(ctx->arena, &where, sep));
				TRY(sb_add(ctx->arena, &where, ks_collect_where(ctx, a->pw.aging ? SHADOW_PATH : PASSWD_PATH,
				                                                line)));
			}
			TRY(set(ctx, &rec, "name", ks_val_str(ctx->arena, joined.s, joined.n)));
			TRY(set(ctx, &rec, "names", names));
			if (ks_accounts_digest(ctx, v[i].h, v[i].len, hex) == KS_OK)
				TRY(set(ctx, &rec, "digest", ks_val_strz(ctx->arena, hex)));
			else
				TRY(set(ctx, &rec, "digest", ks_val_unknown()));
			TRY(set(ctx, &rec, "source", ks_val_str(ctx->arena, where.s, where.n)));
			TRY(ks_list_push(ctx->arena, &list, rec));
		}
		i = j;
	}
	const char *probe = "accounts whose usable password hash strings are identical "
	                    "(compared inside kenshin; only keyed digests are reported)";
	TRY(ks_fact_put_probe(ctx->facts, "accounts.shared_hash", list, probe));
	TRY(ks_fact_put_probe(ctx->facts, "accounts.shared_hash_count", ks_val_int((int64_t)list.u.list.n),
	                      probe));
out:
	return rc < 0 ? rc : KS_OK;
}

/* The parsers report every line they drop (malformed, NUL bytes, too long, over the account
 * limit) as a warning ending in "skipped" or "ignored"; NIS compat lines are only informational.
 * Returns the first such line added since MARK, or 0. */
static int dropped_line(ks_collect_ctx *ctx, size_t mark, const char *path)
{
	for (size_t i = mark; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->severity == KS_DIAG_WARNING && d->path && strcmp(d->path, path) == 0 && d->line > 0 &&
		    (strstr(d->message, "skipped") || strstr(d->message, "is ignored")))
			return d->line;
	}
	return ks_diags_dropped(ctx->diags) ? -1 : 0;
}

static int passwd_unknown(ks_collect_ctx *ctx, const char *why)
{
	static const char *const keys[] = {
		"accounts.list", "accounts.interactive_count", "accounts.uid0", "accounts.uid0_count",
		"accounts.empty_password", "accounts.shared_hash", "accounts.shared_hash_count",
	};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		int rc = ks_fact_unknown(ctx->facts, keys[i], PASSWD_PATH, "%s", why);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

static int groups_fact(ks_collect_ctx *ctx)
{
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, GROUP_PATH, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0)
		return ks_fact_unknown(ctx->facts, "accounts.groups", GROUP_PATH, "%s: %s", GROUP_PATH,
		                       rc == KS_ENOENT ? "not found" : ks_strerror(rc));
	ks_group_ent *g;
	size_t n;
	TRY(ks_accounts_parse_group(ctx, GROUP_PATH, data, len, &g, &n));
	ks_value list = ks_val_list();
	for (size_t i = 0; i < n; i++) {
		ks_value rec = ks_val_record(), mem = ks_val_list();
		for (size_t k = 0; k < g[i].nmembers; k++)
			TRY(ks_list_push(ctx->arena, &mem, ks_val_strz(ctx->arena, g[i].members[k])));
		TRY(set(ctx, &rec, "name", ks_val_strz(ctx->arena, g[i].name)));
		TRY(set(ctx, &rec, "gid", ks_val_int(g[i].gid)));
		TRY(set(ctx, &rec, "members", mem));
		TRY(set(ctx, &rec, "source", ks_val_strz(ctx->arena, ks_collect_where(ctx, GROUP_PATH, g[i].line))));
		TRY(ks_list_push(ctx->arena, &list, rec));
	}
	TRY(ks_fact_put(ctx->facts, "accounts.groups", list, GROUP_PATH, 0));
out:
	return rc < 0 ? rc : KS_OK;
}

int ks_collect_accounts(ks_collect_ctx *ctx)
{
	char *pdata = NULL, *sdata = NULL;
	size_t plen = 0, slen = 0;
	ks_passwd_ent *pw = NULL;
	ks_shadow_ent *sh = NULL;
	size_t npw = 0, nsh = 0;
	struct history h = {.ll = {.fd = -1}};
	int rc = KS_OK;

	TRY(groups_fact(ctx));

	int prc = ks_collect_read(ctx, PASSWD_PATH, &pdata, &plen);
	if (prc == KS_ENOMEM)
		return prc;
	int src = ks_collect_read(ctx, SHADOW_PATH, &sdata, &slen);
	if (src == KS_ENOMEM)
		return src;
	bool shadow_ok = src == KS_OK;
	if (shadow_ok) {
		TRY(ks_fact_bool(ctx->facts, "accounts.shadow_readable", true, SHADOW_PATH, 0));
	} else {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, SHADOW_PATH, 0, 0,
		            "%s: password state, password age and expiry of shadowed accounts are unknown%s",
		            src == KS_ENOENT ? "not found" : ks_strerror(src),
		            src == KS_EACCES ? "; run kenshin as root" : "");
		TRY(ks_fact_put(ctx->facts, "accounts.shadow_readable", ks_val_bool(false), SHADOW_PATH, 0));
	}

	if (prc < 0) {
		char why[128];
		snprintf(why, sizeof why, "/etc/passwd: %s", ks_strerror(prc));
		TRY(passwd_unknown(ctx, why));
		TRY(history_open(ctx, &h));
		goto out;
	}
	size_t mark = ks_diags_count(ctx->diags);
	TRY(ks_accounts_parse_passwd(ctx, PASSWD_PATH, pdata, plen, &pw, &npw));
	int bad = dropped_line(ctx, mark, PASSWD_PATH);
	if (bad) {
		/* A line sshd or login would read differently from us may hide an account: the list is
		 * incomplete, so nothing built from it can pass. */
		char why[128];
		snprintf(why, sizeof why, "/etc/passwd: malformed at line %d", bad);
		TRY(passwd_unknown(ctx, why));
		goto out;
	}
	struct name_index shix = {0}, pwix = {0};
	if (shadow_ok) {
		mark = ks_diags_count(ctx->diags);
		TRY(ks_accounts_parse_shadow(ctx, SHADOW_PATH, sdata, slen, &sh, &nsh));
		if ((bad = dropped_line(ctx, mark, SHADOW_PATH)) != 0) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, SHADOW_PATH, bad, 0,
			            "malformed: password state and age of every account are unknown");
			shadow_ok = false;
			src = KS_EPARSE;
			nsh = 0;
			TRY(ks_fact_put(ctx->facts, "accounts.shadow_readable", ks_val_bool(false), SHADOW_PATH, bad));
		}
		TRY(index_init(ctx->arena, &shix, nsh));
		for (size_t i = 0; i < nsh; i++) {
			size_t first = index_put(&shix, sh[i].name, i);
			if (first != i)
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, SHADOW_PATH, sh[i].line, 0,
				            "duplicate entry for %s (first at line %d); ignored", sh[i].name,
				            sh[first].line);
		}
	}
	TRY(index_init(ctx->arena, &pwix, npw));
	for (size_t i = 0; i < npw; i++) {
		size_t first = index_put(&pwix, pw[i].name, i);
		if (first != i)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, PASSWD_PATH, pw[i].line, 0,
			            "user %s is listed again (first at line %d)", pw[i].name, pw[first].line);
	}
	TRY(history_open(ctx, &h));

	struct acct *ac = ks_arena_alloc(ctx->arena, (npw ? npw : 1) * sizeof *ac);
	if (!ac) {
		rc = KS_ENOMEM;
		goto out;
	}
	ks_value list = ks_val_list(), uid0 = ks_val_list(), empty = ks_val_list();
	int64_t interactive = 0;
	bool all_known = true;
	for (size_t i = 0; i < npw; i++) {
		ac[i].p = &pw[i];
		ac[i].interactive = interactive_shell(pw[i].shell);
		password_of(ctx, &pw[i], shadow_ok, sh, nsh, &shix, &ac[i].pw);
		ks_value rec;
		TRY(account_record(ctx, &h, &ac[i], &rec));
		TRY(ks_list_push(ctx->arena, &list, rec));
		interactive += ac[i].interactive;
		if (pw[i].uid == 0)
			TRY(ks_list_push(ctx->arena, &uid0, ks_val_strz(ctx->arena, pw[i].name)));
		if (!ac[i].pw.known)
			all_known = false;
		else if (ac[i].pw.cls == KS_PW_EMPTY)
			TRY(ks_list_push(ctx->arena, &empty, ks_val_strz(ctx->arena, pw[i].name)));
	}
	TRY(ks_fact_put(ctx->facts, "accounts.list", list, PASSWD_PATH, 0));
	TRY(ks_fact_put_probe(ctx->facts, "accounts.interactive_count", ks_val_int(interactive),
	                      "accounts in /etc/passwd whose shell is not nologin/false/sync/shutdown/halt"));
	TRY(ks_fact_put_probe(ctx->facts, "accounts.uid0", uid0, "accounts in /etc/passwd with uid 0"));
	TRY(ks_fact_put_probe(ctx->facts, "accounts.uid0_count", ks_val_int((int64_t)uid0.u.list.n),
	                      "accounts in /etc/passwd with uid 0"));
	if (all_known)
		TRY(ks_fact_put_probe(ctx->facts, "accounts.empty_password", empty,
		                      "accounts whose effective password field (shadow for \"x\", else passwd) "
		                      "is empty"));
	else
		TRY(ks_fact_unknown(ctx->facts, "accounts.empty_password", SHADOW_PATH,
		                    "/etc/shadow: %s", shadow_ok ? "incomplete" : ks_strerror(src)));
	TRY(shared_hashes(ctx, ac, npw, all_known));
out:
	ks_lastlog_close(&h.ll);
	/* Wipe the hashes we read: nothing past this point needs them. */
	if (sdata)
		sodium_memzero(sdata, slen);
	if (pdata)
		sodium_memzero(pdata, plen);
	return rc < 0 ? rc : KS_OK;
}
