/* Password-policy collector (derived): the passwd service's password stack with pwquality.conf,
 * pam_cracklib/pam_unix/pam_pwhistory arguments and login.defs -> password.*; the auth stack
 * sshd uses with faillock.conf -> lockout.*. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "logindefs.h"
#include "pam.h"
#include "pwquality.h"

#define LOGIN_DEFS "/etc/login.defs"
#define FAILLOCK_CONF "/etc/security/faillock.conf"
#define UNIX_DEFAULT_MINLEN 6 /* Debian's pam_unix(8): "minlen=n ... The default value is 6" */
#define PWHISTORY_DEFAULT 10  /* pam_pwhistory(8): remember defaults to 10 */
#define FAILLOCK_MAX_TIME 604800

static const char *const pw_keys[] = {
	"password.quality_module", "password.minlen_setting", "password.min_length",
	"password.min_classes",    "password.username_check", "password.enforce_for_root",
	"password.history",        "password.hash_algorithm",
};
static const char *const lock_keys[] = {"lockout.module", "lockout.deny", "lockout.unlock_time"};

static int all_unknown(ks_collect_ctx *ctx, const char *const *keys, size_t n, const char *path,
                       const char *why)
{
	for (size_t i = 0; i < n; i++)
		if (ks_fact_unknown(ctx->facts, keys[i], path, "%s", why) < 0)
			return KS_ENOMEM;
	return KS_OK;
}

static const char *where(ks_collect_ctx *ctx, const char *path, int line)
{
	return ks_collect_where(ctx, path, line);
}

typedef struct one_target {
	const ks_pam_entry *e;
} one_target;

static ks_pam_target is_entry(const ks_pam_entry *e, void *arg)
{
	return e == ((one_target *)arg)->e ? KS_PAM_TARGET : KS_PAM_NOT_TARGET;
}

/* E is enforced when every way the chain can succeed goes through E succeeding. */
static int enforced(const ks_pam_chain *c, const ks_pam_entry *e, bool *out)
{
	one_target t = {e};
	ks_pam_flow f;
	if (ks_pam_flow_eval(c, is_entry, &t, &f) < 0)
		return KS_ENOMEM;
	if (f.too_complex)
		return KS_ELIMIT;
	*out = f.can_succeed && !f.without_target;
	return KS_OK;
}

static const ks_pam_entry *find_module(const ks_pam_chain *c, const char *m1, const char *m2)
{
	for (size_t i = 0; i < c->n; i++)
		if (ks_pam_is(c->e[i], m1) || (m2 && ks_pam_is(c->e[i], m2)))
			return c->e[i];
	return NULL;
}

/* ---- pam_unix hash algorithm ------------------------------------------------------------- */

/* pam_unix support.h unix_args tokens in table order (arguments match as prefixes); hash
 * algorithms are marked. */
static const struct {
	const char *token;
	bool hash;
} unix_tokens[] = {
	{"audit", false},         {"use_first_pass", false}, {"try_first_pass", false},
	{"authtok_type=", false}, {"use_authtok", false},    {"shadow", false},
	{"md5", true},            {"nullok", false},         {"debug", false},
	{"nodelay", false},       {"nis", false},            {"bigcrypt", true},
	{"likeauth", false},      {"remember=", false},      {"noreap", false},
	{"broken_shadow", false}, {"sha256", true},          {"sha512", true},
	{"rounds=", false},       {"blowfish", true},        {"minlen=", false},
	{"quiet", false},         {"no_pass_expiry", false}, {"des", true},
	{"gost_yescrypt", true},  {"yescrypt", true},        {"nullresetok", false},
};

static const char *unix_arg_algo(const ks_pam_entry *e)
{
	const char *algo = NULL;
	for (size_t a = 0; a < e->nargs; a++)
		for (size_t i = 0; i < sizeof unix_tokens / sizeof *unix_tokens; i++)
			if (strncmp(e->args[a], unix_tokens[i].token, strlen(unix_tokens[i].token)) == 0) {
				if (unix_tokens[i].hash)
					algo = unix_tokens[i].token;
				break;
			}
	return algo;
}

/* pam_modutil_search_key(): first line whose first word is KEY (any case); '#' starts a comment;
 * the value follows blanks and '='. */
static const char *search_key(ks_arena *a, const char *data, size_t len, const char *key, int *line)
{
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *ln;
	size_t n;
	while (ks_lines_next(&it, &ln, &n)) {
		const char *h = memchr(ln, '#', n);
		if (h)
			n = (size_t)(h - ln);
		while (n && ks_is_space(*ln)) {
			ln++;
			n--;
		}
		size_t i = 0;
		while (i < n && ln[i] != ' ' && ln[i] != '\t' && ln[i] != '=')
			i++;
		if (!i || !ks_ieq(ln, i, key))
			continue;
		while (i < n && (ks_is_space(ln[i]) || ln[i] == '='))
			i++;
		*line = it.lineno;
		return ks_arena_strndup(a, ln + i, n - i);
	}
	return NULL;
}

/* The algorithm pam_unix hashes new passwords with. Returns 0, KS_ENOMEM, or KS_EACCES etc.
 * when login.defs cannot be read (then *WHY says so). */
static int unix_algo(ks_collect_ctx *ctx, const ks_pam_entry *ue, const char **algo, const char **path,
                     int *line, const char **probe)
{
	*probe = NULL;
	*path = NULL;
	*line = 0;
	if ((*algo = unix_arg_algo(ue))) {
		*path = ue->file;
		*line = ue->line;
		return KS_OK;
	}
	/* support.c _set_ctrl(): ENCRYPT_METHOD of login.defs presets the algorithm. */
	ks_collect_ctx q = *ctx;
	if (!(q.diags = ks_diags_new(ctx->arena)))
		return KS_ENOMEM;
	char *data;
	size_t len;
	int rc = ks_collect_read(&q, LOGIN_DEFS, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && rc != KS_ENOENT)
		return rc;
	const char *val = rc == KS_OK ? search_key(ctx->arena, data, len, "ENCRYPT_METHOD", line) : NULL;
	if (val) {
		for (size_t i = 0; i < sizeof unix_tokens / sizeof *unix_tokens; i++) {
			size_t tl = strlen(unix_tokens[i].token);
			if (unix_tokens[i].hash && strncasecmp(val, unix_tokens[i].token, tl) == 0) {
				*algo = unix_tokens[i].token;
				*path = LOGIN_DEFS;
				return KS_OK;
			}
		}
		*algo = "des";
		*probe = ks_arena_printf(ctx->arena, "pam_unix (%s) has no algorithm option and does not "
		                                     "know ENCRYPT_METHOD '%s' (%s:%d): DES",
		                         where(ctx, ue->file, ue->line), val, LOGIN_DEFS, *line);
		return *probe ? KS_OK : KS_ENOMEM;
	}
	*algo = "des";
	*probe = ks_arena_printf(ctx->arena, "pam_unix (%s) has no algorithm option and %s sets no "
	                                     "ENCRYPT_METHOD: DES",
	                         where(ctx, ue->file, ue->line), LOGIN_DEFS);
	return *probe ? KS_OK : KS_ENOMEM;
}

/* ---- minimum length ---------------------------------------------------------------------- */

static const char *val_where(ks_collect_ctx *ctx, const ks_pwq *q, const ks_pwq_val *v)
{
	if (!v->path)
		return q->cracklib ? "default (not set; pam_cracklib)" : "default (not set; libpwquality 1.4.5)";
	return where(ctx, v->path, v->line);
}

/* The shortest password the checks accept. pwquality/cracklib simple(): each character of a
 * class with credit c > 0 counts double, for up to c characters of that class; a class with
 * credit c < 0 needs -c characters and earns nothing. With N required characters and C the sum
 * of positive credits, L characters reach L + min(L - N, C) against minlen. */
static int64_t shortest(int64_t minlen, int64_t N, int64_t C, int64_t classes, bool *half)
{
	int64_t L;
	*half = false;
	if (minlen <= N) {
		L = N;
	} else {
		int64_t h = (minlen + N + 1) / 2; /* L + (L - N) >= minlen */
		if (h <= N + C) {
			L = h;
			*half = true;
		} else {
			L = minlen - C;
		}
	}
	if (L < classes)
		L = classes;
	return L < 1 ? 1 : L; /* an empty password is always refused */
}

typedef struct quality {
	int64_t min_length, classes, minlen;
	const char *length_probe;   /* NULL: the minlen setting alone decided (use its file:line) */
	const char *classes_probe;
} quality;

static int quality_numbers(ks_collect_ctx *ctx, const ks_pwq *q, quality *out)
{
	ks_arena *a = ctx->arena;
	static const int credit_ids[] = {KS_PWQ_DCREDIT, KS_PWQ_UCREDIT, KS_PWQ_LCREDIT, KS_PWQ_OCREDIT};
	const ks_pwq_val *ml = &q->s[KS_PWQ_MINLEN];
	int64_t C = 0, N = 0, nneg = 0;
	char *credits = ks_arena_strdup(a, ""), *negs = ks_arena_strdup(a, "");
	for (size_t i = 0; i < 4 && credits && negs; i++) {
		const ks_pwq_val *v = &q->s[credit_ids[i]];
		if (v->v > 0) {
			C += v->v;
			credits = ks_arena_printf(a, "%s - %s %lld (%s)", credits, ks_pwq_setting_name(credit_ids[i]),
			                          (long long)v->v, val_where(ctx, q, v));
		} else if (v->v < 0) {
			N -= v->v;
			nneg++;
			negs = ks_arena_printf(a, "%s%s%s %lld (%s)", negs, *negs ? ", " : "",
			                       ks_pwq_setting_name(credit_ids[i]), (long long)v->v,
			                       val_where(ctx, q, v));
		}
	}
	if (!credits || !negs)
		return KS_ENOMEM;
	const ks_pwq_val *mc = &q->s[KS_PWQ_MINCLASS];
	int64_t classes = mc->v > nneg ? mc->v : nneg;
	if (classes < 0)
		classes = 0;
	bool half;
	out->minlen = ml->v;
	out->classes = classes;
	out->min_length = shortest(ml->v, N, C, classes, &half);
	out->length_probe = NULL;
	const char *mls = ks_arena_printf(a, "minlen %lld (%s%s%s)", (long long)ml->v, val_where(ctx, q, ml),
	                                  ml->note ? ", " : "", ml->note ? ml->note : "");
	if (!mls)
		return KS_ENOMEM;
	if (half)
		out->length_probe = ks_arena_printf(a, "%s with credits%s: %lld characters can each earn a credit",
		                                    mls, credits, (long long)out->min_length);
	else if (C || N || out->min_length != ml->v || ml->note || !ml->path)
		out->length_probe = ks_arena_printf(a, "%s%s%s%s = %lld", mls, credits,
		                                    N ? ", at least the characters required by " : "",
		                                    N ? negs : "", (long long)out->min_length);
	if ((half || C || N || out->min_length != ml->v || ml->note || !ml->path) && !out->length_probe)
		return KS_ENOMEM;
	out->classes_probe = ks_arena_printf(a, "max(minclass %lld (%s), %lld negative credits%s%s%s)",
	                                     (long long)mc->v, val_where(ctx, q, mc), (long long)nneg,
	                                     nneg ? ": " : "", negs, "");
	return out->classes_probe ? KS_OK : KS_ENOMEM;
}

/* pam_unix minlen= (atoi); Debian default 6; DES hashes cap it at 8 (support.c). */
static int64_t unix_minlen(const ks_pam_entry *ue, bool des, const char **note)
{
	const char *v = ks_pam_arg(ue, "minlen=");
	int64_t m = v ? atoi(v) : UNIX_DEFAULT_MINLEN;
	*note = v ? NULL : "pam_unix default";
	if (des && m > 8) {
		m = 8;
		*note = "DES passwords: pam_unix lowers minlen to 8";
	}
	return m;
}

/* ---- password.* -------------------------------------------------------------------------- */

static int put_setting_int(ks_collect_ctx *ctx, const char *key, const ks_pwq *q, const ks_pwq_val *v)
{
	if (v->path && !v->note)
		return ks_fact_int(ctx->facts, key, v->v, v->path, v->line);
	const char *p = ks_arena_printf(ctx->arena, "%s%s%s", val_where(ctx, q, v), v->note ? ": " : "",
	                                v->note ? v->note : "");
	return p ? ks_fact_put_probe(ctx->facts, key, ks_val_int(v->v), p) : KS_ENOMEM;
}

static int put_setting_bool(ks_collect_ctx *ctx, const char *key, const ks_pwq *q, const ks_pwq_val *v)
{
	if (v->path)
		return ks_fact_bool(ctx->facts, key, v->v != 0, v->path, v->line);
	return ks_fact_put_probe(ctx->facts, key, ks_val_bool(v->v != 0), val_where(ctx, q, v));
}

static int history_fact(ks_collect_ctx *ctx, const ks_pam_chain *c)
{
	int64_t best = 0;
	const ks_pam_entry *from = NULL;
	const char *probe = NULL;
	for (size_t i = 0; i < c->n; i++) {
		const ks_pam_entry *e = c->e[i];
		int64_t n;
		const char *v;
		if (ks_pam_is(e, "pam_pwhistory")) {
			bool on;
			int rc = enforced(c, e, &on);
			if (rc == KS_ENOMEM)
				return rc;
			if (rc < 0 || !on)
				continue;
			/* pam_pwhistory.c: strtol, clamped to 0..400; default 10. */
			v = ks_pam_arg(e, "remember=");
			n = v ? strtol(v, NULL, 10) : PWHISTORY_DEFAULT;
			n = n < 0 ? 0 : n > 400 ? 400 : n;
			if (n > best || !from) {
				best = n;
				from = e;
				probe = v ? NULL : "pam_pwhistory default remember=10";
			}
		} else if (ks_pam_is(e, "pam_unix") && (v = ks_pam_arg(e, "remember="))) {
			n = strtol(v, NULL, 10);
			n = n < 0 ? 0 : n > 400 ? 400 : n;
			if (n > best) {
				best = n;
				from = e;
				probe = NULL;
			}
		}
	}
	if (!from)
		return ks_fact_put_probe(ctx->facts, "password.history", ks_val_int(0),
		                         "no pam_pwhistory and no pam_unix remember= in the password stack");
	if (probe) {
		const char *p = ks_arena_printf(ctx->arena, "%s (%s)", probe, where(ctx, from->file, from->line));
		return p ? ks_fact_put_probe(ctx->facts, "password.history", ks_val_int(best), p) : KS_ENOMEM;
	}
	return ks_fact_int(ctx->facts, "password.history", best, from->file, from->line);
}

static int hash_fact(ks_collect_ctx *ctx, const ks_pam_entry *ue, const char **algo_out)
{
	const char *key = "password.hash_algorithm";
	*algo_out = NULL;
	if (!ue) {
		/* No pam_unix: passwd(1)'s own hashing is shadow-utils' ENCRYPT_METHOD. */
		const ks_fact *f = ks_fact_get(ctx->facts, "login_defs.encrypt_method");
		if (!f || f->value.type != KS_VAL_STR)
			return ks_fact_unknown(ctx->facts, key, LOGIN_DEFS, "no pam_unix in the password stack and "
			                                                    "login.defs ENCRYPT_METHOD unknown%s%s",
			                       f && f->reason ? ": " : "", f && f->reason ? f->reason : "");
		char *lower = ks_arena_strdup(ctx->arena, f->value.u.str.s);
		if (!lower)
			return KS_ENOMEM;
		for (char *p = lower; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
		if (f->source.path)
			return ks_fact_str(ctx->facts, key, lower, f->source.path, f->source.line);
		return ks_fact_put_probe(ctx->facts, key, ks_val_strz(ctx->arena, lower), f->source.probe);
	}
	const char *algo, *path, *probe;
	int line;
	int rc = unix_algo(ctx, ue, &algo, &path, &line, &probe);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0)
		return ks_fact_unknown(ctx->facts, key, LOGIN_DEFS, "%s: %s", LOGIN_DEFS, ks_strerror(rc));
	*algo_out = algo;
	if (probe)
		return ks_fact_put_probe(ctx->facts, key, ks_val_strz(ctx->arena, algo), probe);
	return ks_fact_str(ctx->facts, key, algo, path, line);
}

static int password_facts(ks_collect_ctx *ctx, const ks_pam_chain *c, const char *stack_file)
{
	ks_arena *a = ctx->arena;
	const ks_pam_entry *qe = find_module(c, "pam_pwquality", "pam_cracklib");
	const ks_pam_entry *ue = find_module(c, "pam_unix", NULL);
	bool q_on = false, u_on = false;
	int rc;
	if (qe && (rc = enforced(c, qe, &q_on)) < 0)
		goto flow_error;
	if (ue && (rc = enforced(c, ue, &u_on)) < 0)
		goto flow_error;

	ks_pwq q;
	const char *q_off = NULL; /* why a quality module in the stack does not count */
	if (qe && !q_on) {
		/* Its configuration does not matter: the change goes through when the check fails. */
		q_off = ks_arena_printf(a, "%s (%s) does not stop the change: the stack can succeed when it fails",
		                        qe->module, where(ctx, qe->file, qe->line));
		if (!q_off)
			return KS_ENOMEM;
	} else if (qe) {
		if (ks_pam_is(qe, "pam_cracklib")) {
			ks_pwq_cracklib_defaults(&q);
		} else {
			ks_pwq_defaults(&q);
			if ((rc = ks_pwq_load(ctx, &q)) < 0)
				return rc;
			if (q.unknown) {
				/* Settings unknown; the hash and history do not depend on them. */
				const char *algo;
				if ((rc = all_unknown(ctx, pw_keys, 6, q.unknown_path, q.unknown)) < 0 ||
				    (rc = hash_fact(ctx, ue, &algo)) < 0)
					return rc;
				return history_fact(ctx, c);
			}
		}
		if ((rc = ks_pwq_apply_args(ctx, &q, qe->args, qe->nargs, qe->file, qe->line)) < 0)
			return rc;
		if (!q.cracklib && q.s[KS_PWQ_ENFORCING].v == 0) {
			/* pam_pwquality: "The new password is rejected if it fails the check and the value
			 * is not 0" (pwquality.conf(5)). */
			q_off = ks_arena_printf(a, "%s (%s) only warns: enforcing = 0 (%s)", qe->module,
			                        where(ctx, qe->file, qe->line),
			                        val_where(ctx, &q, &q.s[KS_PWQ_ENFORCING]));
			if (!q_off)
				return KS_ENOMEM;
		}
	}
	bool use_q = qe && !q_off;

	/* password.quality_module */
	if (use_q)
		rc = ks_fact_str(ctx->facts, pw_keys[0], qe->module, qe->file, qe->line);
	else
		rc = ks_fact_put_probe(ctx->facts, pw_keys[0], ks_val_strz(a, ""),
		                       q_off ? q_off : "no pam_pwquality or pam_cracklib in the password stack");
	if (rc < 0)
		return rc;

	const char *algo = NULL;
	if ((rc = hash_fact(ctx, ue, &algo)) < 0 || (rc = history_fact(ctx, c)) < 0)
		return rc;

	const char *none = ks_arena_printf(a, "no password check in the password stack of %s (no enforced "
	                                      "pam_pwquality, pam_cracklib or pam_unix)",
	                                   stack_file ? stack_file : "passwd");
	if (!none)
		return KS_ENOMEM;
	if (!use_q && !u_on)
		return all_unknown(ctx, pw_keys + 1, 5, stack_file, none);

	/* pam_unix's own length check (when pam_unix must succeed for the change to succeed). */
	const char *u_note = NULL;
	int64_t u_min = u_on ? unix_minlen(ue, algo && strcmp(algo, "des") == 0, &u_note) : 0;

	if (use_q) {
		quality qn;
		if ((rc = quality_numbers(ctx, &q, &qn)) < 0)
			return rc;
		if ((rc = put_setting_int(ctx, pw_keys[1], &q, &q.s[KS_PWQ_MINLEN])) < 0)
			return rc;
		if (u_on && u_min > qn.min_length) {
			const char *p = ks_arena_printf(a, "pam_unix minlen %lld (%s%s%s) is above the %s minimum of %lld",
			                                (long long)u_min, where(ctx, ue->file, ue->line),
			                                u_note ? ", " : "", u_note ? u_note : "", qe->module,
			                                (long long)qn.min_length);
			rc = p ? ks_fact_put_probe(ctx->facts, pw_keys[2], ks_val_int(u_min), p) : KS_ENOMEM;
		} else if (qn.length_probe) {
			rc = ks_fact_put_probe(ctx->facts, pw_keys[2], ks_val_int(qn.min_length), qn.length_probe);
		} else {
			rc = ks_fact_int(ctx->facts, pw_keys[2], qn.min_length, q.s[KS_PWQ_MINLEN].path,
			                 q.s[KS_PWQ_MINLEN].line);
		}
		if (rc < 0 ||
		    (rc = ks_fact_put_probe(ctx->facts, pw_keys[3], ks_val_int(qn.classes), qn.classes_probe)) < 0 ||
		    (rc = put_setting_bool(ctx, pw_keys[4], &q, &q.s[KS_PWQ_USERCHECK])) < 0 ||
		    (rc = put_setting_bool(ctx, pw_keys[5], &q, &q.s[KS_PWQ_ENFORCE_FOR_ROOT])) < 0)
			return rc;
		return KS_OK;
	}

	/* pam_unix alone. */
	const char *w = where(ctx, ue->file, ue->line);
	const char *p = ks_arena_printf(a, "pam_unix minlen %lld (%s%s%s)%s%s", (long long)u_min, w,
	                                u_note ? ", " : "", u_note ? u_note : "", q_off ? "; " : "",
	                                q_off ? q_off : "");
	const char *pc = ks_arena_printf(a, "pam_unix (%s) requires no character classes", w);
	const char *pu = ks_arena_printf(a, "pam_unix (%s) does not check for the user name", w);
	const char *pr = ks_arena_printf(a, "pam_unix (%s) skips its checks when root sets a password", w);
	if (!p || !pc || !pu || !pr)
		return KS_ENOMEM;
	if ((rc = ks_fact_put_probe(ctx->facts, pw_keys[1], ks_val_int(u_min), p)) < 0 ||
	    (rc = ks_fact_put_probe(ctx->facts, pw_keys[2], ks_val_int(u_min < 1 ? 1 : u_min), p)) < 0 ||
	    (rc = ks_fact_put_probe(ctx->facts, pw_keys[3], ks_val_int(0), pc)) < 0 ||
	    (rc = ks_fact_put_probe(ctx->facts, pw_keys[4], ks_val_bool(false), pu)) < 0 ||
	    (rc = ks_fact_put_probe(ctx->facts, pw_keys[5], ks_val_bool(false), pr)) < 0)
		return rc;
	return KS_OK;

flow_error:
	if (rc == KS_ENOMEM)
		return rc;
	return all_unknown(ctx, pw_keys, sizeof pw_keys / sizeof *pw_keys, stack_file,
	                   "password stack too complex to analyse");
}

/* ---- lockout.* --------------------------------------------------------------------------- */

typedef struct lockset {
	int64_t deny, unlock;
	const char *deny_path, *unlock_path;
	int deny_line, unlock_line;
} lockset;


/* pam_faillock set_conf_opt() for the two settings we report. */
static void faillock_opt(ks_collect_ctx *ctx, lockset *ls, const char *name, size_t nlen, const char *val,
                         size_t vlen, const char *path, int line)
{
	uint64_t v;
	if (ks_eq(name, nlen, "deny")) {
		if (ks_scan_unsigned(val, vlen, 0xFFFFull, &v)) {
			ls->deny = (int64_t)v;
			ls->deny_path = path;
			ls->deny_line = line;
		} else {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0,
			            "pam_faillock ignores deny '%.*s' (not a number)", (int)(vlen > 32 ? 32 : vlen), val);
		}
	} else if (ks_eq(name, nlen, "unlock_time")) {
		if (ks_eq(val, vlen, "never")) {
			ls->unlock = 0; /* reported as 0: never unlocks by itself */
		} else if (ks_scan_unsigned(val, vlen, 0xFFFFFFFFull, &v) && v <= FAILLOCK_MAX_TIME) {
			ls->unlock = (int64_t)v;
		} else {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0,
			            "pam_faillock ignores unlock_time '%.*s' (not a number of seconds up to 604800)",
			            (int)(vlen > 32 ? 32 : vlen), val);
			return;
		}
		ls->unlock_path = path;
		ls->unlock_line = line;
	}
}

static int put_lock_int(ks_collect_ctx *ctx, const char *key, int64_t v, const char *path, int line,
                        const char *dflt)
{
	if (path)
		return ks_fact_int(ctx->facts, key, v, path, line);
	return ks_fact_put_probe(ctx->facts, key, ks_val_int(v), dflt);
}

/* pam_faillock is there but its settings cannot be known. */
static int faillock_unknown(ks_collect_ctx *ctx, const ks_pam_entry *fe, const char *path, const char *why)
{
	if (!why || ks_fact_str(ctx->facts, lock_keys[0], "pam_faillock", fe->file, fe->line) < 0)
		return KS_ENOMEM;
	return all_unknown(ctx, lock_keys + 1, 2, path, why);
}

static int faillock_facts(ks_collect_ctx *ctx, const ks_pam_chain *c, const ks_pam_entry *fe)
{
	/* The preauth call refuses locked users; it carries the deny that counts. */
	for (size_t i = 0; i < c->n; i++)
		if (ks_pam_is(c->e[i], "pam_faillock") && ks_pam_has_arg(c->e[i], "preauth")) {
			fe = c->e[i];
			break;
		}
	lockset ls = {.deny = 3, .unlock = 600}; /* pam_faillock.c defaults */
	const char *conf = ks_pam_arg(fe, "conf=");
	const char *cpath = conf ? conf : FAILLOCK_CONF;
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, cpath, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && (rc != KS_ENOENT || conf)) {
		/* A conf= file that is missing makes pam_faillock fail ("Configuration file missing"). */
		return faillock_unknown(ctx, fe, cpath, ks_arena_printf(ctx->arena, "%s: %s", cpath, ks_strerror(rc)));
	}
	const char *p = ks_arena_strdup(ctx->arena, cpath);
	if (!p)
		return KS_ENOMEM;
	if (rc == KS_OK) {
		ks_lines it;
		ks_lines_init(&it, data, len);
		const char *ln, *name, *val;
		size_t n, nlen, vlen;
		while (ks_lines_next(&it, &ln, &n)) {
			if (n > 1022) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, p, it.lineno, 0,
				            "line longer than 1022 characters: pam_faillock rejects the file");
				return faillock_unknown(ctx, fe, p, "faillock.conf rejected by pam_faillock (overlong line)");
			}
			if (ks_pwq_split_line(ln, n, &name, &nlen, &val, &vlen))
				faillock_opt(ctx, &ls, name, nlen, val, vlen, p, it.lineno);
		}
	}
	/* Arguments override the file (everything but the action words and conf=). */
	for (size_t i = 0; i < fe->nargs; i++) {
		const char *arg = fe->args[i];
		if (!strcmp(arg, "preauth") || !strcmp(arg, "authfail") || !strcmp(arg, "authsucc") ||
		    !strncmp(arg, "conf=", 5))
			continue;
		const char *eq = strchr(arg, '=');
		size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		const char *val = eq ? eq + 1 : "";
		faillock_opt(ctx, &ls, arg, nlen, val, strlen(val), fe->file, fe->line);
	}
	if (ks_fact_str(ctx->facts, lock_keys[0], "pam_faillock", fe->file, fe->line) < 0 ||
	    put_lock_int(ctx, lock_keys[1], ls.deny, ls.deny_path, ls.deny_line,
	                 "pam_faillock default deny=3 (not set in faillock.conf or the module arguments)") < 0 ||
	    put_lock_int(ctx, lock_keys[2], ls.unlock, ls.unlock_path, ls.unlock_line,
	                 "pam_faillock default unlock_time=600 (not set in faillock.conf or the module "
	                 "arguments)") < 0)
		return KS_ENOMEM;
	return KS_OK;
}

static int lockout_facts(ks_collect_ctx *ctx, ks_pam_loader *l)
{
	ks_pam_stack *s;
	if (ks_pam_load(l, "sshd", &s) < 0)
		return KS_ENOMEM;
	if (s->error)
		return all_unknown(ctx, lock_keys, 3, NULL, s->error);
	ks_pam_chain c;
	if (ks_pam_chain_get(ctx, s, KS_PAM_AUTH, &c) < 0)
		return KS_ENOMEM;
	const char *src = c.from_other ? s->other_file : s->file;
	if (c.incomplete)
		return all_unknown(ctx, lock_keys, 3, src, c.incomplete);
	const ks_pam_entry *fe = find_module(&c, "pam_faillock", NULL);
	if (fe)
		return faillock_facts(ctx, &c, fe);
	const ks_pam_entry *te = find_module(&c, "pam_tally2", NULL);
	if (te) {
		/* pam_tally2(8): deny=0 (never lock) and no unlock_time unless given. */
		const char *d = ks_pam_arg(te, "deny="), *u = ks_pam_arg(te, "unlock_time=");
		if (ks_fact_str(ctx->facts, lock_keys[0], "pam_tally2", te->file, te->line) < 0 ||
		    put_lock_int(ctx, lock_keys[1], d ? strtol(d, NULL, 10) : 0, d ? te->file : NULL, te->line,
		                 "pam_tally2 default deny=0: never locks") < 0 ||
		    put_lock_int(ctx, lock_keys[2], u ? strtol(u, NULL, 10) : 0, u ? te->file : NULL, te->line,
		                 "pam_tally2 default: no automatic unlock") < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	const char *why = ks_arena_printf(ctx->arena, "no pam_faillock or pam_tally2 in the auth stack of "
	                                              "sshd%s",
	                                  c.from_other ? " (from /etc/pam.d/other)" : "");
	if (!why || ks_fact_put_probe(ctx->facts, lock_keys[0], ks_val_strz(ctx->arena, ""), why) < 0 ||
	    ks_fact_put_probe(ctx->facts, lock_keys[1], ks_val_int(0), why) < 0 ||
	    ks_fact_unknown(ctx->facts, lock_keys[2], src, "%s", why) < 0)
		return KS_ENOMEM;
	return KS_OK;
}

int ks_collect_password_policy(ks_collect_ctx *ctx)
{
	/* Quiet loader: the pam collector already reported malformed PAM lines. */
	ks_pam_loader *l = ks_pam_loader_new(ctx, true);
	if (!l)
		return KS_ENOMEM;
	ks_pam_stack *s;
	if (ks_pam_load(l, "passwd", &s) < 0)
		return KS_ENOMEM;
	int rc;
	if (s->error) {
		rc = all_unknown(ctx, pw_keys, sizeof pw_keys / sizeof *pw_keys, NULL, s->error);
	} else if (!s->file && !s->other_file) {
		rc = all_unknown(ctx, pw_keys, sizeof pw_keys / sizeof *pw_keys, "/etc/pam.d/passwd",
		                 "/etc/pam.d/passwd and /etc/pam.d/other are both missing");
	} else {
		ks_pam_chain c;
		if (ks_pam_chain_get(ctx, s, KS_PAM_PASSWORD, &c) < 0)
			return KS_ENOMEM;
		const char *src = c.from_other ? s->other_file : s->file;
		if (c.incomplete)
			rc = all_unknown(ctx, pw_keys, sizeof pw_keys / sizeof *pw_keys, src, c.incomplete);
		else if (!c.n)
			rc = all_unknown(ctx, pw_keys, sizeof pw_keys / sizeof *pw_keys, src,
			                 "no password lines for passwd (libpam refuses every password change)");
		else
			rc = password_facts(ctx, &c, src);
	}
	if (rc < 0)
		return rc;
	return lockout_facts(ctx, l);
}
