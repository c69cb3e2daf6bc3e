/* Two-factor derivation (auth.*): sshd login paths from ssh.* facts, console from pam.login.mfa. */
#include "sshd.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/text.h"

typedef enum { NO = 0, YES = 1, UNK = 2 } tri;

static tri tri_and(tri a, tri b)
{
	if (a == NO || b == NO)
		return NO;
	return a == UNK || b == UNK ? UNK : YES;
}

static tri tri_or(tri a, tri b)
{
	if (a == YES || b == YES)
		return YES;
	return a == UNK || b == UNK ? UNK : NO;
}

/* Authentication methods of OpenSSH 9.2 (auth2.c authmethods[]). */
enum method { M_PUBKEY, M_PASSWORD, M_KBDINT, M_HOSTBASED, M_GSSAPI, M_NONE, M_COUNT };

static const struct {
	const char *name;    /* in AuthenticationMethods */
	const char *keyword; /* sshd_config option that enables it */
	const char *fact;
} methods[M_COUNT] = {
	{"publickey", "PubkeyAuthentication", "ssh.pubkey_authentication"},
	{"password", "PasswordAuthentication", "ssh.password_authentication"},
	{"keyboard-interactive", "KbdInteractiveAuthentication", "ssh.kbd_interactive_authentication"},
	{"hostbased", "HostbasedAuthentication", "ssh.hostbased_authentication"},
	{"gssapi-with-mic", "GSSAPIAuthentication", "ssh.gssapi_authentication"},
	{"none", NULL, NULL},
};

struct val {
	tri t;              /* booleans; YES for a known string */
	const char *s;      /* strings; NULL when unknown */
	const char *reason; /* why unknown */
};

/* Allocation failures are sticky: formatting then yields a placeholder and sets oom, and the
 * collector returns KS_ENOMEM instead of writing a fact with a broken explanation. */
struct env {
	ks_collect_ctx *ctx;
	ks_arena *a;
	bool oom;
	struct val use_pam;
	struct val pam_mfa; /* pam.sshd.mfa: the sshd PAM auth stack requires a second factor */
};

__attribute__((format(printf, 2, 3))) static const char *fmt(struct env *e, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	char *r = n >= 0 ? ks_arena_alloc(e->a, (size_t)n + 1) : NULL;
	if (!r) {
		e->oom = true;
		return "?";
	}
	va_start(ap, f);
	vsnprintf(r, (size_t)n + 1, f, ap);
	va_end(ap);
	return r;
}

static ks_value sv(struct env *e, const char *s)
{
	ks_value v = ks_val_strz(e->a, s);
	if (v.type != KS_VAL_STR)
		e->oom = true;
	return v;
}

static void push(struct env *e, ks_value *list, ks_value item)
{
	if (ks_list_push(e->a, list, item) < 0)
		e->oom = true;
}

static void set(struct env *e, ks_value *rec, const char *key, ks_value v)
{
	if (ks_record_set(e->a, rec, key, v) < 0)
		e->oom = true;
}

/* A growable string in the arena. */
struct sbuf {
	char *s;
	size_t n, cap;
};

static void sb_add(struct env *e, struct sbuf *b, const char *s)
{
	size_t l = strlen(s);
	if (b->n + l + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + l + 1)
			cap *= 2;
		char *ns = ks_arena_alloc(e->a, cap);
		if (!ns) {
			e->oom = true;
			return;
		}
		if (b->n)
			memcpy(ns, b->s, b->n);
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, l + 1);
	b->n += l;
}

static const char *sb_str(struct sbuf *b)
{
	return b->s ? b->s : "";
}

/* ---- inputs --------------------------------------------------------------------------------- */

static const char *unknown_why(struct env *e, const char *key, const ks_fact *f)
{
	if (!f)
		return fmt(e, "%s was not collected", key);
	return fmt(e, "%s is unknown: %s", key, f->reason ? f->reason : "no value");
}

static struct val fact_bool(struct env *e, const char *key)
{
	const ks_fact *f = ks_fact_get(e->ctx->facts, key);
	if (f && f->value.type == KS_VAL_BOOL)
		return (struct val){.t = f->value.u.b ? YES : NO};
	return (struct val){.t = UNK, .reason = unknown_why(e, key, f)};
}

static struct val fact_str(struct env *e, const char *key)
{
	const ks_fact *f = ks_fact_get(e->ctx->facts, key);
	if (f && f->value.type == KS_VAL_STR)
		return (struct val){.t = YES, .s = f->value.u.str.s};
	return (struct val){.t = UNK, .reason = unknown_why(e, key, f)};
}

/* Settings of one login path: which methods are enabled, and AuthenticationMethods. */
struct path_in {
	struct val enabled[M_COUNT];
	struct val auth_methods;
};

/* ---- evaluation ----------------------------------------------------------------------------- */

struct path_out {
	ks_value alternatives, dropped;
	struct sbuf factors;
	struct sbuf passing; /* summaries of the two-factor alternatives */
	tri two;
	const char *reason; /* the decisive one, for the probe */
	const char *sum;    /* its short form for the record's summary */
	int reason_rank;    /* not two-factor 3, unknown 2, cannot log in 1, two-factor 0 */
};

static void set_reason(struct path_out *o, int rank, const char *r, const char *sum)
{
	if (!o->reason || rank > o->reason_rank) {
		o->reason = r;
		o->sum = sum;
		o->reason_rank = rank;
	}
}

static int method_of(const char *s, size_t n)
{
	for (int m = 0; m < M_COUNT; m++)
		if (ks_eq(s, n, methods[m].name))
			return m;
	return -1;
}

/* Can method M (SUB: its ":submethod", or NULL) ever succeed on this path? */
static tri usable(struct env *e, const struct path_in *in, int m, const char *sub, size_t subn,
                  const char **why)
{
	if (m == M_NONE)
		return YES;
	tri t = in->enabled[m].t;
	if (t == NO) {
		*why = fmt(e, "%s is disabled (%s no)", methods[m].name, methods[m].keyword);
		return NO;
	}
	if (t == UNK)
		*why = in->enabled[m].reason;
	if (m == M_KBDINT) {
		/* On Linux the only keyboard-interactive device is PAM, removed when UsePAM is off
		 * (auth2-chall.c kbdint_alloc; Debian builds without BSD auth). */
		if (sub && !ks_eq(sub, subn, "pam")) {
			*why = fmt(e, "keyboard-interactive device \"%.*s\" does not exist on Linux",
			           (int)subn, sub);
			return NO;
		}
		if (e->use_pam.t == NO) {
			*why = "keyboard-interactive has no device without UsePAM";
			return NO;
		}
		if (e->use_pam.t == UNK)
			*why = e->use_pam.reason;
		t = tri_and(t, e->use_pam.t);
	}
	return t;
}

/* One alternative: a comma list of methods that must all succeed. */
static void eval_alternative(struct env *e, const struct path_in *in, const char *alt,
                             struct path_out *o)
{
	tri use = YES, know = NO, poss = NO;
	size_t nmethods = 0;
	const char *why_unusable = "?", *why_unknown = "?";
	bool bad_name = false, have_unusable = false, have_unknown = false;
	struct sbuf kinds = {0};
	for (const char *p = alt;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *colon = memchr(p, ':', n);
		size_t mn = colon ? (size_t)(colon - p) : n;
		int m = method_of(p, mn);
		if (nmethods++)
			sb_add(e, &kinds, "+");
		if (m < 0) {
			bad_name = true;
			sb_add(e, &kinds, "?");
		} else {
			const char *why = "?";
			tri u = usable(e, in, m, colon ? colon + 1 : NULL, colon ? n - mn - 1 : 0, &why);
			if (u == NO && !have_unusable) {
				why_unusable = why;
				have_unusable = true;
			}
			if (u == UNK && !have_unknown) {
				why_unknown = why;
				have_unknown = true;
			}
			use = tri_and(use, u);
			switch (m) {
			case M_PUBKEY:
				poss = YES;
				sb_add(e, &kinds, "possession");
				break;
			case M_PASSWORD:
			case M_GSSAPI: /* a Kerberos ticket is normally obtained with the password */
				know = YES;
				sb_add(e, &kinds, "knowledge");
				break;
			case M_KBDINT:
				/* The PAM conversation asks for the password; when the sshd PAM auth stack
				 * also runs a mandatory second-factor module, it asks for that too. */
				know = YES;
				poss = tri_or(poss, tri_and(e->use_pam.t, e->pam_mfa.t));
				if (e->pam_mfa.t == YES && e->use_pam.t == YES)
					sb_add(e, &kinds, "knowledge+possession(PAM)");
				else if (e->pam_mfa.t == NO || e->use_pam.t == NO)
					sb_add(e, &kinds, "knowledge");
				else
					sb_add(e, &kinds, "knowledge(+possession if PAM MFA)");
				break;
			case M_HOSTBASED: /* authenticates the client machine, not the user */
				sb_add(e, &kinds, "host");
				break;
			default:
				sb_add(e, &kinds, "nothing");
				break;
			}
		}
		if (!end)
			break;
		p = end + 1;
	}
	const char *k = sb_str(&kinds);
	const char *alone = nmethods < 2 ? " alone" : "";
	if (use == NO) {
		/* auth2_setup_methods_lists(): a list naming a disabled method is skipped. */
		push(e, &o->dropped, sv(e, fmt(e, "%s: %s", alt, why_unusable)));
		return;
	}
	push(e, &o->alternatives, sv(e, alt));
	if (o->factors.n)
		sb_add(e, &o->factors, "; ");
	sb_add(e, &o->factors, alt);
	sb_add(e, &o->factors, ": ");
	sb_add(e, &o->factors, k);

	tri two = tri_and(nmethods >= 2 ? YES : NO, tri_and(know, poss));
	const char *r = NULL, *sum = NULL; /* sum: the record's summary when this one decides */
	if (bad_name) {
		two = UNK;
		r = fmt(e, "alternative '%s' names an unknown method", alt);
		sum = fmt(e, "%s: unknown method name", alt);
	} else if (nmethods < 2) {
		r = fmt(e, "alternative '%s' has one method", alt);
		sum = fmt(e, "%s alone: %s", alt,
		          know == YES && poss == NO ? "knowledge only"
		          : know == NO && poss == YES ? "possession only"
		          : know == NO && poss == NO ? "no user factor"
		                                     : "one method");
	} else if (two == NO) {
		r = fmt(e, "alternative '%s' gives one factor kind (%s)", alt, k);
		sum = fmt(e, "%s: %s", alt,
		          know == NO && poss == NO ? "no user factor"
		          : know == NO             ? "no knowledge"
		                                   : "no possession");
	} else if (two == UNK) {
		r = fmt(e, "alternative '%s' depends on PAM: %s", alt,
		        e->use_pam.t == UNK ? e->use_pam.reason : e->pam_mfa.reason);
		sum = fmt(e, "%s: second factor only if PAM asks for one (unknown)", alt);
	}
	/* An alternative that might be unusable only counts against the path if it is usable. */
	if (use == UNK && two != YES) {
		two = UNK;
		r = fmt(e, "alternative '%s' may be usable (%s) and %s", alt, why_unknown,
		        r ? r : "is not two-factor");
		sum = fmt(e, "%s, if usable (unknown)", sum ? sum : fmt(e, "%s%s: %s", alt, alone, k));
	}
	o->two = tri_and(o->two, two);
	if (r) {
		set_reason(o, two == NO ? 3 : two == UNK ? 2 : 0, r, sum);
	} else {
		if (o->passing.n)
			sb_add(e, &o->passing, "; ");
		sb_add(e, &o->passing, fmt(e, "%s: %s", alt, k));
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Evaluates one login path into a record for auth.remote_paths; *two gets its verdict and
 * *reason "<name>: <decisive reason>". */
static ks_value eval_path(struct env *e, const char *name, const struct path_in *in,
                          const char *source, tri *two, const char **reason)
{
	struct path_out o = {.alternatives = ks_val_list(), .dropped = ks_val_list(), .two = YES};
	const char *am = in->auth_methods.s;
	if (!am) {
		o.two = UNK;
		set_reason(&o, 2, in->auth_methods.reason,
		           fmt(e, "unknown: %s", in->auth_methods.reason));
	} else if (strcmp(am, "any") == 0) {
		/* "any": every enabled method alone completes authentication (sshd_config(5)). */
		static const int order[] = {M_PUBKEY, M_PASSWORD, M_KBDINT, M_HOSTBASED, M_GSSAPI};
		for (size_t i = 0; i < sizeof order / sizeof *order; i++)
			if (in->enabled[order[i]].t != NO)
				eval_alternative(e, in, methods[order[i]].name, &o);
	} else {
		/* Blank-separated alternatives, each a comma list (sshd_config(5)). */
		for (const char *p = am; *p;) {
			while (*p && is_blank(*p))
				p++;
			const char *q = p;
			while (*q && !is_blank(*q))
				q++;
			if (q > p) {
				char *alt = ks_arena_strndup(e->a, p, (size_t)(q - p));
				if (!alt) {
					e->oom = true;
					break;
				}
				eval_alternative(e, in, alt, &o);
			}
			p = q;
		}
	}
	if (am && o.alternatives.u.list.n == 0) {
		/* auth2_setup_methods_lists(): nothing left, so every login on this path fails. */
		sb_add(e, &o.factors, "no usable alternative: this path cannot log in");
		set_reason(&o, 1, "no usable alternative: this path cannot log in",
		           "no usable method: cannot log in");
	}
	if (!o.reason)
		o.reason = "every alternative needs two methods of different factor kinds";
	if (!o.sum)
		o.sum = sb_str(&o.passing);
	ks_value rec = ks_val_record();
	set(e, &rec, "name", sv(e, name));
	set(e, &rec, "summary", sv(e, o.sum));
	set(e, &rec, "methods", am ? sv(e, am) : ks_val_unknown());
	set(e, &rec, "alternatives", o.alternatives);
	set(e, &rec, "dropped", o.dropped);
	set(e, &rec, "factors", sv(e, am ? sb_str(&o.factors) : in->auth_methods.reason));
	set(e, &rec, "two_factor", o.two == UNK ? ks_val_unknown() : ks_val_bool(o.two == YES));
	set(e, &rec, "reason", sv(e, o.reason));
	set(e, &rec, "source", sv(e, source));
	*two = o.two;
	*reason = fmt(e, "%s: %s", name, o.reason);
	return rec;
}

/* ---- Match blocks --------------------------------------------------------------------------- */

static const char *rec_str(const ks_value *rec, const char *key)
{
	const ks_value *v = rec->type == KS_VAL_RECORD ? ks_record_get(rec, key) : NULL;
	return v && v->type == KS_VAL_STR ? v->u.str.s : NULL;
}

static const char *const path_keywords[] = { /* AuthenticationMethods first */
	"AuthenticationMethods", "PasswordAuthentication", "KbdInteractiveAuthentication",
	"PubkeyAuthentication", "HostbasedAuthentication", "GSSAPIAuthentication",
};
enum { NKW = sizeof path_keywords / sizeof *path_keywords };

/* Blocks combined exhaustively: 2^10 - 1 subsets at most. */
#define MAX_COMBINED 10

/* The value of the first "Keyword value" for KEYWORD in block B's settings (first value wins
 * inside a block, as everywhere in sshd_config), or NULL; *pos gets its place in sshd's reading
 * order (the block's "order" list; without one, the block's position). */
static const char *block_setting(const ks_value *rec, size_t b, const char *keyword, int64_t *pos)
{
	const ks_value *settings = rec->type == KS_VAL_RECORD ? ks_record_get(rec, "settings") : NULL;
	const ks_value *order = rec->type == KS_VAL_RECORD ? ks_record_get(rec, "order") : NULL;
	size_t kl = strlen(keyword);
	for (size_t i = 0; settings && settings->type == KS_VAL_LIST && i < settings->u.list.n; i++) {
		const ks_value *s = &settings->u.list.items[i];
		if (s->type != KS_VAL_STR || s->u.str.len <= kl)
			continue;
		const char *t = s->u.str.s;
		if (ks_ieq(t, kl, keyword) && is_blank(t[kl])) {
			t += kl;
			while (is_blank(*t))
				t++;
			bool have = order && order->type == KS_VAL_LIST && i < order->u.list.n &&
			            order->u.list.items[i].type == KS_VAL_INT;
			*pos = have ? order->u.list.items[i].u.i : ((int64_t)b << 20) + (int64_t)i;
			return t;
		}
	}
	return NULL;
}

/* A conditional Match block that changes authentication: for each keyword, the value it gives
 * its connections (NULL: it does not set it, or an earlier "Match all" line decides) and where
 * that line stands in the reading order. */
struct mblock {
	const char *crit, *src;
	const char *val[NKW];
	int64_t pos[NKW];
};

/* The settings of a connection matching exactly the blocks SEL (in file order): sshd parses the
 * whole configuration per connection and keeps, for each keyword, the first line of a matching
 * block (servconf.c parse_server_match_config: "if (*activep && *intptr == -1)"), then copies
 * what was set over the global values (copy_set_server_options). */
static void combine(struct env *e, const struct path_in *global, const struct mblock *const *sel,
                    size_t nsel, struct path_in *in, unsigned *used)
{
	*in = *global;
	*used = 0;
	const char *vals[NKW];
	const struct mblock *from[NKW];
	for (size_t k = 0; k < NKW; k++) {
		size_t best = nsel;
		for (size_t i = 0; i < nsel; i++)
			if (sel[i]->val[k] && (best == nsel || sel[i]->pos[k] < sel[best]->pos[k]))
				best = i;
		vals[k] = best < nsel ? sel[best]->val[k] : NULL;
		from[k] = best < nsel ? sel[best] : NULL;
		if (best < nsel && best < 32)
			*used |= 1u << best;
	}
	if (vals[0])
		in->auth_methods = (struct val){.t = YES, .s = vals[0]};
	for (int m = 0; m < M_COUNT; m++) {
		size_t k = 1;
		while (methods[m].keyword && k < NKW && strcmp(path_keywords[k], methods[m].keyword) != 0)
			k++;
		if (!methods[m].keyword || k == NKW || !vals[k])
			continue;
		const char *v = vals[k];
		size_t vl = strlen(v);
		if (ks_ieq(v, vl, "yes") || ks_ieq(v, vl, "no"))
			in->enabled[m] = (struct val){.t = ks_ieq(v, vl, "yes") ? YES : NO};
		else
			in->enabled[m] = (struct val){
				.t = UNK,
				.reason = fmt(e, "%s \"%s\" in Match %s", methods[m].keyword, v, from[k]->crit)};
	}
}

/* The conditional blocks of ssh.match_blocks that set an authentication keyword, in file order.
 * A value counts unless a "Match all" line read before it sets the keyword too: that block
 * matches every connection, and its value is already in the global ssh.* facts. */
static struct mblock *auth_blocks(struct env *e, const ks_value *blocks, size_t *n)
{
	size_t nb = blocks->u.list.n;
	int64_t all_pos[NKW];
	for (size_t k = 0; k < NKW; k++) {
		all_pos[k] = INT64_MAX;
		for (size_t b = 0; b < nb; b++) {
			const char *c = rec_str(&blocks->u.list.items[b], "criteria");
			int64_t p;
			if (c && strcmp(c, "all") == 0 &&
			    block_setting(&blocks->u.list.items[b], b, path_keywords[k], &p) && p < all_pos[k])
				all_pos[k] = p;
		}
	}
	struct mblock *mb = ks_arena_alloc(e->a, (nb ? nb : 1) * sizeof *mb);
	*n = 0;
	if (!mb) {
		e->oom = true;
		return NULL;
	}
	for (size_t b = 0; b < nb; b++) {
		const ks_value *rec = &blocks->u.list.items[b];
		struct mblock *m = &mb[*n];
		m->crit = rec_str(rec, "criteria");
		m->src = rec_str(rec, "source");
		if (!m->crit || strcmp(m->crit, "all") == 0)
			continue; /* "Match all" is already part of the global values */
		if (!m->src)
			m->src = "";
		bool relevant = false;
		for (size_t k = 0; k < NKW; k++) {
			m->val[k] = block_setting(rec, b, path_keywords[k], &m->pos[k]);
			if (m->val[k] && m->pos[k] > all_pos[k])
				m->val[k] = NULL;
			relevant |= m->val[k] != NULL;
		}
		if (relevant)
			(*n)++; /* otherwise the same authentication as the global path */
	}
	return mb;
}

/* ---- the collector -------------------------------------------------------------------------- */

static int put_tri(struct env *e, const char *key, tri t, const char *why)
{
	if (e->oom)
		return KS_ENOMEM;
	if (t == UNK)
		return ks_fact_unknown(e->ctx->facts, key, NULL, "%s", why);
	return ks_fact_put_probe(e->ctx->facts, key, ks_val_bool(t == YES), why);
}

/* The running verdict over all paths: false if any path fails, else unknown if any is unknown;
 * WORST is the reason of the first path of the worst kind. */
struct verdict {
	tri all;
	const char *worst;
	int worst_rank; /* 2 not two-factor, 1 unknown, 0 two-factor */
};

static int rank_of(tri t)
{
	return t == NO ? 2 : t == UNK ? 1 : 0;
}

static void add_path(struct verdict *v, tri two, const char *reason)
{
	v->all = tri_and(v->all, two);
	if (!v->worst || rank_of(two) > v->worst_rank) {
		v->worst = reason;
		v->worst_rank = rank_of(two);
	}
}

/* Every combination of two or more of the N blocks MB (N <= MAX_COMBINED): any of them may match
 * one connection together (criteria such as Address or User are not evaluated here). RANK holds
 * each single block's rank at index 1 << i. A combination is listed in PATHS only when it is worse
 * than every smaller combination of its blocks, so that the record shows the weak mix itself. */
static void combinations(struct env *e, const struct path_in *global, const struct mblock *mb,
                         size_t n, unsigned char *rank, ks_value *paths, struct verdict *v)
{
	unsigned char worse_sub[1u << MAX_COMBINED]; /* worst rank of any proper non-empty subset */
	worse_sub[0] = 0;
	for (unsigned mask = 1; mask < (1u << n) && !e->oom; mask++) {
		worse_sub[mask] = 0;
		const struct mblock *sel[MAX_COMBINED];
		size_t nsel = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned rest = mask & ~(1u << i);
			if (!(mask & (1u << i)))
				continue;
			sel[nsel++] = &mb[i];
			if (rest) {
				unsigned char w = rank[rest] > worse_sub[rest] ? rank[rest] : worse_sub[rest];
				if (w > worse_sub[mask])
					worse_sub[mask] = w;
			}
		}
		if (nsel < 2)
			continue; /* single blocks were evaluated as their own paths */
		struct path_in in;
		unsigned used_sel, used = 0;
		combine(e, global, sel, nsel, &in, &used_sel);
		for (size_t i = 0, j = 0; i < n; i++)
			if (mask & (1u << i))
				used |= (used_sel >> j++ & 1u) << i;
		if (used != mask) {
			/* A block that decides no keyword here changes nothing: same as without it. */
			rank[mask] = rank[used];
			continue;
		}
		/* Most combinations are only looked at: evaluate them in a scratch arena. */
		ks_arena *keep = e->a, *scratch = ks_arena_new();
		if (!scratch) {
			e->oom = true;
			return;
		}
		tri two;
		const char *reason;
		e->a = scratch;
		combine(e, global, sel, nsel, &in, &used_sel);
		(void)eval_path(e, "", &in, "", &two, &reason);
		e->a = keep;
		ks_arena_free(scratch);
		rank[mask] = (unsigned char)rank_of(two);
		v->all = tri_and(v->all, two);
		if (rank[mask] <= worse_sub[mask])
			continue;
		struct sbuf name = {0}, src = {0};
		sb_add(e, &name, "sshd");
		for (size_t i = 0; i < nsel; i++) {
			sb_add(e, &name, i ? " + Match " : " Match ");
			sb_add(e, &name, sel[i]->crit);
			if (i)
				sb_add(e, &src, " + ");
			sb_add(e, &src, sel[i]->src);
		}
		combine(e, global, sel, nsel, &in, &used_sel);
		push(e, paths, eval_path(e, sb_str(&name), &in, sb_str(&src), &two, &reason));
		add_path(v, two, reason);
	}
}

/* Every sshd login path; *out: do all of them require two factors. */
static int remote(struct env *e, tri *out, const char **out_reason)
{
	ks_collect_ctx *ctx = e->ctx;
	e->use_pam = fact_bool(e, "ssh.use_pam"); /* global-only in sshd: not in Match blocks */
	e->pam_mfa = fact_bool(e, "pam.sshd.mfa");
	struct path_in global = {.auth_methods = fact_str(e, "ssh.authentication_methods")};
	for (int m = 0; m < M_COUNT; m++)
		global.enabled[m] = methods[m].fact ? fact_bool(e, methods[m].fact)
		                                    : (struct val){.t = YES};
	const ks_fact *amf = ks_fact_get(ctx->facts, "ssh.authentication_methods");
	const char *gsrc = "OpenSSH default";
	if (amf && amf->source.path)
		gsrc = amf->source.line ? fmt(e, "%s:%d", amf->source.path, amf->source.line)
		                        : amf->source.path;

	ks_value paths = ks_val_list();
	struct verdict v = {.all = YES};
	tri two;
	const char *reason;
	push(e, &paths, eval_path(e, "sshd (global)", &global, gsrc, &two, &reason));
	add_path(&v, two, reason);

	const ks_fact *mbf = ks_fact_get(ctx->facts, "ssh.match_blocks");
	bool blocks_known = mbf && mbf->value.type == KS_VAL_LIST;
	size_t n = 0;
	struct mblock *mb = blocks_known ? auth_blocks(e, &mbf->value, &n) : NULL;
	unsigned char rank[1u << MAX_COMBINED];
	for (size_t i = 0; mb && i < n; i++) {
		const struct mblock *sel = &mb[i];
		struct path_in in;
		unsigned used;
		combine(e, &global, &sel, 1, &in, &used);
		push(e, &paths, eval_path(e, fmt(e, "sshd Match %s", mb[i].crit), &in, mb[i].src, &two,
		                          &reason));
		add_path(&v, two, reason);
		if (i < MAX_COMBINED)
			rank[1u << i] = (unsigned char)rank_of(two);
	}
	const char *probe = "sshd login paths: the global configuration, each Match block that "
	                    "changes authentication, and each combination of those blocks that is "
	                    "weaker than its parts";
	if (n > MAX_COMBINED) {
		/* 2^n combinations: too many to list; a failing single path still decides. */
		const char *why = fmt(e, "too many Match blocks to check every combination (%zu)", n);
		if (v.all != NO) {
			v.all = UNK;
			v.worst = why;
		}
		probe = fmt(e, "sshd login paths: the global configuration and each Match block that "
		               "changes authentication; combinations not checked: %s", why);
	} else if (n >= 2) {
		combinations(e, &global, mb, n, rank, &paths, &v);
	}
	if (e->oom)
		return KS_ENOMEM;
	int rc;
	if (blocks_known) {
		rc = ks_fact_put_probe(ctx->facts, "auth.remote_paths", paths, probe);
	} else {
		/* Unlisted Match blocks could weaken any result but an already failing one. */
		const char *why = unknown_why(e, "ssh.match_blocks", mbf);
		if (e->oom)
			return KS_ENOMEM;
		rc = ks_fact_unknown(ctx->facts, "auth.remote_paths", NULL, "%s", why);
		if (v.all == YES) {
			v.all = UNK;
			v.worst = why;
		}
	}
	*out = v.all;
	*out_reason = v.worst;
	return rc;
}

int ks_collect_mfa(ks_collect_ctx *ctx)
{
	struct env e = {.ctx = ctx, .a = ctx->arena};
	struct val installed = fact_bool(&e, "ssh.installed");
	tri rem = UNK;
	const char *rem_reason;
	int rc;
	if (installed.t == NO) {
		rem_reason = "OpenSSH server not installed";
		rc = ks_fact_put_probe(ctx->facts, "auth.remote_paths", ks_val_list(), rem_reason);
	} else {
		rc = remote(&e, &rem, &rem_reason);
	}
	if (rc < 0 || (rc = put_tri(&e, "auth.two_factor_remote", rem, rem_reason)) < 0)
		return rc;

	struct val console = fact_bool(&e, "pam.login.mfa");
	const char *cwhy = console.t == UNK ? console.reason
	                 : console.t == YES ? "pam.login.mfa: the login PAM auth stack requires a "
	                                      "second factor"
	                                    : "pam.login.mfa: the login PAM auth stack has no mandatory "
	                                      "second factor";
	if ((rc = put_tri(&e, "auth.two_factor_console", console.t, cwhy)) < 0)
		return rc;

	/* Where sshd is installed, remote login is the exposure that decides; otherwise the console. */
	tri t;
	const char *why;
	if (installed.t == YES) {
		t = rem;
		why = fmt(&e, "sshd installed: %s", rem_reason);
	} else if (installed.t == NO) {
		t = console.t;
		why = fmt(&e, "sshd not installed: %s", cwhy);
	} else if (rem != UNK && rem == console.t) {
		t = rem;
		why = fmt(&e, "%s; remote and console agree: %s", installed.reason, rem_reason);
	} else {
		t = UNK;
		why = installed.reason;
	}
	return put_tri(&e, "auth.two_factor", t, why);
}
