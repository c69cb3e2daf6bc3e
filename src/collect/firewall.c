/* firewall collector: nftables, iptables-persistent, ufw and firewalld as set up for boot ->
 * firewall.tools, firewall.inbound_default_deny. The live kernel ruleset is not read: that needs
 * nft(8) or netlink, and kenshin runs no programs. */
#include "firewall.h"

#include <string.h>

#include "antimalware.h" /* ks_antimalware_unit_enabled */
#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "dpkg.h"

const char *ks_fw_policy_name(ks_fw_policy p)
{
	switch (p) {
	case KS_FW_NONE: return "none";
	case KS_FW_ACCEPT: return "accept";
	case KS_FW_DROP: return "drop";
	case KS_FW_REJECT: return "reject";
	default: return "unknown";
	}
}

static bool deny(ks_fw_policy p) { return p == KS_FW_DROP || p == KS_FW_REJECT; }

/* ---- chains shared by the nftables and iptables models -------------------------------------- */

/* Only unconditional rules with a verdict are kept: they alone decide what happens to a packet
 * that no specific rule matched. */
enum { R_ACCEPT, R_DROP, R_REJECT, R_RETURN, R_JUMP, R_GOTO, R_OTHER };

struct rule {
	int kind;
	const char *target; /* R_JUMP/R_GOTO chain; R_OTHER: the verdict's name */
	const char *path;
	int line;
};

struct ev {
	int res; /* R_ACCEPT, R_DROP, R_REJECT, R_RETURN (fell off the end), R_OTHER (unknown) */
	const char *path;
	int line;
	const char *why;
};

struct chain {
	const char *name;
	bool deleted, base, filter, input, uncertain;
	ks_fw_policy policy; /* NONE = not set (accept) */
	const char *policy_path, *decl_path, *hook_path, *uncertain_why;
	int policy_line, decl_line, hook_line, uncertain_line;
	struct rule *rules, *front; /* appended; inserted at the head (newest last) */
	size_t n, cap, nf, capf;
	int memo;            /* 0 not evaluated, 1 in progress, 2 done */
	struct ev memo_ev;
};

struct chainset {
	struct chain **c;       /* in creation order */
	size_t n, cap;
	struct chain **slots;   /* open-addressing index by name: the newest chain of each name */
	size_t nslots;
	bool full;              /* MAX_CHAINS reached */
};

/* Real rulesets have a few dozen chains and tables; the limits keep hostile files bounded. */
#define MAX_CHAINS 10000
#define MAX_RULES 10000 /* unconditional verdict rules kept per chain */
#define MAX_TABLES 64
#define MAX_DEFINES 256

static size_t name_hash(const char *s)
{
	size_t h = 1469598103934665603u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static struct chain **slot(struct chainset *cs, const char *name)
{
	size_t mask = cs->nslots - 1, i = name_hash(name) & mask;
	while (cs->slots[i] && strcmp(cs->slots[i]->name, name) != 0)
		i = (i + 1) & mask;
	return &cs->slots[i];
}

static struct chain *find_chain(struct chainset *cs, const char *name)
{
	if (!cs->nslots)
		return NULL;
	struct chain *c = *slot(cs, name);
	return c && !c->deleted ? c : NULL;
}

static struct chain *add_chain(ks_arena *a, struct chainset *cs, const char *name)
{
	struct chain *c = find_chain(cs, name);
	if (c)
		return c;
	if (cs->n >= MAX_CHAINS) {
		cs->full = true;
		return NULL;
	}
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 8;
		struct chain **nc = ks_arena_alloc(a, cap * sizeof *nc);
		size_t ns = cap * 2;
		struct chain **slots = ks_arena_alloc(a, ns * sizeof *slots);
		if (!nc || !slots)
			return NULL;
		if (cs->n)
			memcpy(nc, cs->c, cs->n * sizeof *nc);
		cs->c = nc;
		cs->cap = cap;
		/* Rebuild the index: later chains of a name replace earlier (deleted) ones. */
		cs->slots = slots;
		cs->nslots = ns;
		for (size_t i = 0; i < cs->n; i++)
			*slot(cs, cs->c[i]->name) = cs->c[i];
	}
	c = ks_arena_alloc(a, sizeof *c);
	if (!c || !(c->name = ks_arena_strdup(a, name)))
		return NULL;
	cs->c[cs->n++] = c;
	*slot(cs, name) = c;
	return c;
}

static int push_rule(ks_arena *a, struct rule **v, size_t *n, size_t *cap, struct rule r)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct rule *nr = ks_arena_alloc(a, c * sizeof *nr);
		if (!nr)
			return KS_ENOMEM;
		if (*n)
			memcpy(nr, *v, *n * sizeof *nr);
		*v = nr;
		*cap = c;
	}
	(*v)[(*n)++] = r;
	return KS_OK;
}

/* Rules inserted at the head are kept apart so an insert costs no move of the others. */
static int add_rule(ks_arena *a, struct chain *c, struct rule r, bool front)
{
	if (c->n + c->nf >= MAX_RULES) {
		c->uncertain = true;
		c->uncertain_line = r.line;
		c->uncertain_why = "too many unconditional rules to follow";
		return KS_OK;
	}
	return front ? push_rule(a, &c->front, &c->nf, &c->capf, r) : push_rule(a, &c->rules, &c->n, &c->cap, r);
}

static void flush_rules(struct chain *c) { c->n = c->nf = 0; }

#define MAX_JUMP_DEPTH 64

/* What a packet matching no specific rule meets in chain C; jumps are followed (each chain is
 * evaluated once: a loop is reported as unknown, nft and iptables refuse to load one). */
static struct ev eval_chain(struct chainset *cs, struct chain *c, int depth)
{
	if (c->memo == 2)
		return c->memo_ev;
	if (c->memo == 1)
		return (struct ev){R_OTHER, c->decl_path, c->decl_line, "chains jump in a loop"};
	if (depth > MAX_JUMP_DEPTH)
		return (struct ev){R_OTHER, c->decl_path, c->decl_line, "jumps nested too deep"};
	if (c->uncertain)
		return (struct ev){R_OTHER, c->decl_path, c->uncertain_line ? c->uncertain_line : c->decl_line,
		                   c->uncertain_why};
	c->memo = 1;
	struct ev e = {R_RETURN, c->decl_path, c->decl_line, NULL};
	for (size_t i = 0; i < c->nf + c->n; i++) {
		struct rule *r = i < c->nf ? &c->front[c->nf - 1 - i] : &c->rules[i - c->nf];
		if (r->kind == R_ACCEPT || r->kind == R_DROP || r->kind == R_REJECT) {
			e = (struct ev){r->kind, r->path, r->line, NULL};
			break;
		}
		if (r->kind == R_RETURN)
			break;
		if (r->kind == R_OTHER) {
			e = (struct ev){R_OTHER, r->path, r->line, "an unconditional rule hands packets to a verdict kenshin "
			                                           "does not judge (queue or an unknown target)"};
			break;
		}
		struct chain *t = find_chain(cs, r->target);
		if (!t) {
			e = (struct ev){R_OTHER, r->path, r->line, "an unconditional rule jumps to an undefined chain"};
			break;
		}
		struct ev sub = eval_chain(cs, t, depth + 1);
		if (sub.res == R_RETURN && r->kind == R_JUMP)
			continue;
		if (sub.res != R_RETURN)
			e = sub;
		break; /* a goto whose chain falls through returns past this chain too */
	}
	c->memo = 2;
	c->memo_ev = e;
	return e;
}

/* The verdict of base chain C: its unconditional rules, else its policy. */
static ks_fw_verdict eval_base(struct chainset *cs, struct chain *c)
{
	/* Memoized results do not depend on the base chain that reached them. */
	struct ev e = eval_chain(cs, c, 0);
	ks_fw_verdict v = {KS_FW_UNKNOWN, e.path, e.line, e.why};
	switch (e.res) {
	case R_ACCEPT: v.policy = KS_FW_ACCEPT; break;
	case R_DROP: v.policy = KS_FW_DROP; break;
	case R_REJECT: v.policy = KS_FW_REJECT; break;
	case R_RETURN:
		v.policy = c->policy == KS_FW_NONE ? KS_FW_ACCEPT : c->policy;
		/* No policy: the hook declaration, where the default (accept) applies. */
		v.path = c->policy_path ? c->policy_path : c->hook_path ? c->hook_path : c->decl_path;
		v.line = c->policy_path ? c->policy_line : c->hook_path ? c->hook_line : c->decl_line;
		v.why = c->policy == KS_FW_UNKNOWN ? "the chain policy is not understood" : NULL;
		break;
	default: break;
	}
	return v;
}

/* Several base chains on one hook: a packet passes only if every chain lets it through, so one
 * dropping by default is enough; else an unknown one keeps the result unknown. */
static void fold(ks_fw_verdict *acc, ks_fw_verdict v)
{
	if (deny(acc->policy))
		return;
	if (deny(v.policy) || (v.policy == KS_FW_UNKNOWN && acc->policy != KS_FW_UNKNOWN) ||
	    (v.policy == KS_FW_ACCEPT && acc->policy == KS_FW_NONE))
		*acc = v;
}

/* ---- nftables ----------------------------------------------------------------------------- */

enum { T_EOF, T_WORD, T_STR, T_LBRACE, T_RBRACE, T_SEMI, T_NL };

struct tok {
	int type;
	const char *s;
	size_t n;
	const char *path;
	int line;
};

struct lexer {
	const char *path, *p, *end;
	int line, depth;
	struct lexer *prev;
};

enum { F_IP = 1, F_IP6 = 2, F_INET = 3, F_OTHER = 4 };

struct table {
	int family;
	const char *name;
	bool deleted, dormant;
	struct chainset chains;
};

struct nft {
	ks_collect_ctx *ctx;
	struct lexer *lx;
	int files;
	struct tok peek;
	bool peeked;
	struct table **t;
	size_t nt, ct;
	const char **def_names, **def_vals; /* def_vals[i] NULL: not a single word */
	size_t nd, cd;
	const char *broken_path, *broken_why;
	int broken_line;
	bool full; /* MAX_TABLES reached */
};

#define HEADMAX 32
struct head {
	struct tok w[HEADMAX];
	size_t n;
	bool overflow, braces;
	int term; /* T_LBRACE (consumed), T_NL (end of statement), T_RBRACE (left), T_EOF */
};

static bool teq(const struct tok *t, const char *lit) { return t->type != T_LBRACE && ks_eq(t->s, t->n, lit); }

static struct tok lex(struct nft *n, struct lexer *l)
{
	for (;;) {
		if (l->p >= l->end)
			return (struct tok){T_EOF, NULL, 0, l->path, l->line};
		char c = *l->p;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			l->p++;
			continue;
		}
		if (c == '\\' && l->p + 1 < l->end && (l->p[1] == '\n' || l->p[1] == '\r')) {
			/* Line continuation. */
			l->p += l->p[1] == '\r' && l->p + 2 < l->end && l->p[2] == '\n' ? 3 : 2;
			l->line++;
			continue;
		}
		if (c == '#') {
			while (l->p < l->end && *l->p != '\n')
				l->p++;
			continue;
		}
		struct tok t = {T_WORD, l->p, 1, l->path, l->line};
		if (c == '\n') {
			l->p++;
			l->line++;
			t.type = T_NL;
			return t;
		}
		if (c == '{' || c == '}' || c == ';') {
			l->p++;
			t.type = c == '{' ? T_LBRACE : c == '}' ? T_RBRACE : T_SEMI;
			return t;
		}
		if (c == '"') {
			const char *q = l->p + 1;
			while (q < l->end && *q != '"' && *q != '\n')
				q++;
			t.type = T_STR;
			t.s = l->p + 1;
			t.n = (size_t)(q - t.s);
			if (q >= l->end || *q != '"') {
				ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, l->path, l->line, 0, "unterminated string");
				l->p = q;
			} else {
				l->p = q + 1;
			}
			return t;
		}
		const char *q = l->p;
		while (q < l->end && !strchr(" \t\r\f\v\n{};\"#", *q) && *q)
			q++;
		if (q == l->p) /* a NUL byte */
			q++;
		t.n = (size_t)(q - l->p);
		l->p = q;
		return t;
	}
}

static struct tok next(struct nft *n)
{
	if (n->peeked) {
		n->peeked = false;
		return n->peek;
	}
	while (n->lx) {
		struct tok t = lex(n, n->lx);
		if (t.type != T_EOF)
			return t;
		/* End of an included file ends the statement it was in. */
		n->lx = n->lx->prev;
		if (n->lx)
			return (struct tok){T_NL, NULL, 0, t.path, t.line};
		return t;
	}
	return (struct tok){T_EOF, NULL, 0, NULL, 0};
}

static void unget(struct nft *n, struct tok t)
{
	n->peek = t;
	n->peeked = true;
}

static void broken(struct nft *n, const char *path, int line, const char *why)
{
	if (!n->broken_why) {
		n->broken_path = path;
		n->broken_line = line;
		n->broken_why = why;
	}
}

static void skip_braces(struct nft *n)
{
	int depth = 1;
	while (depth > 0) {
		struct tok t = next(n);
		if (t.type == T_EOF)
			return;
		if (t.type == T_LBRACE)
			depth++;
		else if (t.type == T_RBRACE)
			depth--;
	}
}

/* Words up to '{', the end of the statement or a closing '}'. */
static void read_head(struct nft *n, struct head *h, struct tok first)
{
	h->n = 0;
	h->overflow = h->braces = false;
	struct tok t = first;
	for (;;) {
		if (t.type == T_WORD || t.type == T_STR) {
			if (h->n < HEADMAX)
				h->w[h->n++] = t;
			else
				h->overflow = true;
		} else if (t.type == T_LBRACE || t.type == T_EOF) {
			h->term = t.type;
			return;
		} else if (t.type == T_RBRACE) {
			unget(n, t);
			h->term = T_RBRACE;
			return;
		} else {
			h->term = T_NL;
			return;
		}
		t = next(n);
	}
}

/* Consumes the rest of a statement whose head ended at '{': the braced part and what follows. */
static void finish(struct nft *n, struct head *h)
{
	if (h->term != T_LBRACE)
		return;
	h->braces = true;
	skip_braces(n);
	for (;;) {
		struct tok t = next(n);
		if (t.type == T_LBRACE) {
			skip_braces(n);
		} else if (t.type == T_RBRACE) {
			unget(n, t);
			h->term = T_RBRACE;
			return;
		} else if (t.type == T_EOF || t.type == T_NL || t.type == T_SEMI) {
			h->term = T_NL;
			return;
		} else if (h->n < HEADMAX) {
			h->w[h->n++] = t;
		} else {
			h->overflow = true;
		}
	}
}

static const char *word(struct nft *n, const struct tok *t)
{
	if (t->type == T_WORD && t->n > 1 && t->s[0] == '$') {
		for (size_t i = n->nd; i-- > 0;)
			if (ks_eq(t->s + 1, t->n - 1, n->def_names[i]))
				return n->def_vals[i] ? n->def_vals[i] : "";
	}
	return ks_arena_strndup(n->ctx->arena, t->s, t->n);
}

static int family(const struct tok *t)
{
	if (teq(t, "ip"))
		return F_IP;
	if (teq(t, "ip6"))
		return F_IP6;
	if (teq(t, "inet"))
		return F_INET;
	if (teq(t, "arp") || teq(t, "bridge") || teq(t, "netdev"))
		return F_OTHER;
	return 0;
}

static struct table *find_table(struct nft *n, int fam, const char *name)
{
	for (size_t i = n->nt; i-- > 0;)
		if (!n->t[i]->deleted && n->t[i]->family == fam && strcmp(n->t[i]->name, name) == 0)
			return n->t[i];
	return NULL;
}

static struct table *add_table(struct nft *n, int fam, const char *name)
{
	struct table *t = find_table(n, fam, name);
	if (t)
		return t;
	ks_arena *a = n->ctx->arena;
	if (n->nt >= MAX_TABLES) {
		n->full = true;
		return NULL;
	}
	if (n->nt == n->ct) {
		size_t cap = n->ct ? n->ct * 2 : 8;
		struct table **nt = ks_arena_alloc(a, cap * sizeof *nt);
		if (!nt)
			return NULL;
		if (n->nt)
			memcpy(nt, n->t, n->nt * sizeof *nt);
		n->t = nt;
		n->ct = cap;
	}
	t = ks_arena_alloc(a, sizeof *t);
	if (!t || !(t->name = ks_arena_strdup(a, name)))
		return NULL;
	t->family = fam;
	n->t[n->nt++] = t;
	return t;
}

/* "[family] name..." starting at word I: fills FAM and the remaining word count. */
static bool fam_prefix(const struct head *h, size_t i, size_t want, int *fam, size_t *at)
{
	size_t left = h->n > i ? h->n - i : 0;
	if (left == want + 1 && family(&h->w[i])) {
		*fam = family(&h->w[i]);
		*at = i + 1;
		return true;
	}
	if (left == want) {
		*fam = F_IP; /* nft(8): the family defaults to ip */
		*at = i;
		return true;
	}
	return false;
}

static void expected(struct nft *n, const struct head *h, const char *what)
{
	const struct tok *t = h->n ? &h->w[0] : NULL;
	ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, t ? t->path : NULL, t ? t->line : 0, 0, "expected %s", what);
}

/* Classifies a rule's words: an unconditional verdict, or R_OTHER + 1 for anything else. */
#define R_NONE (R_OTHER + 1)
static int classify(struct nft *n, const struct head *h, const char **target)
{
	if (h->braces || h->overflow)
		return R_NONE; /* anonymous sets and maps are matches */
	int verdict = R_NONE;
	size_t i = 0;
	*target = NULL;
	while (i < h->n) {
		const struct tok *w = &h->w[i];
		if (w->type == T_STR)
			return R_NONE;
		if (teq(w, "counter")) {
			i++;
			while (i + 1 < h->n && (teq(&h->w[i], "packets") || teq(&h->w[i], "bytes") || teq(&h->w[i], "name")))
				i += 2;
		} else if (teq(w, "log")) {
			i++;
			while (i + 1 < h->n) {
				const struct tok *o = &h->w[i];
				if (teq(o, "prefix") || teq(o, "level") || teq(o, "group") || teq(o, "snaplen") ||
				    teq(o, "queue-threshold"))
					i += 2;
				else if (teq(o, "flags"))
					i += teq(&h->w[i + 1], "tcp") || teq(&h->w[i + 1], "ip") ? 3 : 2;
				else
					break;
			}
		} else if (teq(w, "comment")) {
			i += 2;
		} else if (verdict != R_NONE) {
			return R_NONE; /* something after the verdict: not a form kenshin knows */
		} else if (teq(w, "accept")) {
			verdict = R_ACCEPT;
			i++;
		} else if (teq(w, "drop")) {
			verdict = R_DROP;
			i++;
		} else if (teq(w, "reject")) {
			verdict = R_REJECT;
			i++;
			if (i < h->n && teq(&h->w[i], "with")) /* reject with icmp[x] type X / tcp reset */
				while (i < h->n && !teq(&h->w[i], "comment"))
					i++;
		} else if (teq(w, "return")) {
			verdict = R_RETURN;
			i++;
		} else if (teq(w, "continue")) {
			i++;
		} else if ((teq(w, "jump") || teq(w, "goto")) && i + 1 < h->n) {
			verdict = teq(w, "jump") ? R_JUMP : R_GOTO;
			*target = word(n, &h->w[i + 1]);
			i += 2;
		} else if (teq(w, "queue")) {
			verdict = R_OTHER;
			*target = "queue";
			i = h->n;
		} else {
			return R_NONE; /* a match (or a statement kenshin does not need) */
		}
	}
	return verdict;
}

static int rule_into(struct nft *n, struct chain *c, const struct head *h, size_t from, bool front, bool positioned)
{
	struct head r = *h;
	if (from > r.n)
		from = r.n;
	memmove(r.w, r.w + from, (r.n - from) * sizeof *r.w);
	r.n -= from;
	const char *target;
	int kind = classify(n, &r, &target);
	if (kind == R_NONE)
		return KS_OK;
	if ((kind == R_JUMP || kind == R_GOTO) && !target)
		return KS_ENOMEM;
	const struct tok *at = h->n ? &h->w[0] : NULL;
	if (positioned) {
		/* Inserted at a handle or index: its place among the other rules is not known. */
		c->uncertain = true;
		c->uncertain_line = at ? at->line : 0;
		c->uncertain_why = "an unconditional rule is placed by handle or index";
		return KS_OK;
	}
	return add_rule(n->ctx->arena, c, (struct rule){kind, target, at ? at->path : NULL, at ? at->line : 0}, front);
}

static int block(struct nft *n, int scope, struct table *t, struct chain *c);
enum { S_TOP, S_TABLE, S_CHAIN };

static void do_include(struct nft *n, const struct tok *s)
{
	ks_collect_ctx *ctx = n->ctx;
	char *name = ks_arena_strndup(ctx->arena, s->s, s->n);
	if (!name || !name[0] || memchr(s->s, '\0', s->n)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, s->path, s->line, 0, "expected a file name after include");
		return;
	}
	/* nft(8): a relative name not starting with ./ or ../ is searched in the include path
	 * (/etc on Debian); nftables.service runs nft from /. */
	const char *pat = name[0] == '/'                                     ? name
	                  : strncmp(name, "./", 2) == 0 || strncmp(name, "../", 3) == 0 ? ks_arena_printf(ctx->arena, "/%s", name)
	                                                                           : ks_arena_printf(ctx->arena, "/etc/%s", name);
	if (!pat)
		return;
	bool glob = strpbrk(name, "*?[") != NULL;
	const char **paths;
	size_t np;
	int rc = ks_rootfs_glob(ctx->root, ctx->arena, pat, &paths, &np);
	if (np == 0 && !glob) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, s->path, s->line, 0, "include %s: %s", name,
		            ks_strerror(rc < 0 ? rc : KS_ENOENT));
		broken(n, s->path, s->line, "an included file is missing: nft refuses the whole ruleset");
		return;
	}
	int depth = n->lx ? n->lx->depth + 1 : 1;
	if (depth > KS_MAX_INCLUDE_DEPTH) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, s->path, s->line, 0, "includes nested deeper than %d; not followed",
		            KS_MAX_INCLUDE_DEPTH);
		broken(n, s->path, s->line, "includes nested too deep to follow");
		return;
	}
	for (size_t i = np; i-- > 0;) {
		if (n->files >= KS_MAX_INCLUDE_FILES) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, s->path, s->line, 0,
			            "more than %d included files; the rest are not read", KS_MAX_INCLUDE_FILES);
			broken(n, s->path, s->line, "too many included files to follow");
			return;
		}
		char *data;
		size_t len;
		rc = ks_collect_read(ctx, paths[i], &data, &len);
		if (rc < 0) {
			if (rc != KS_ENOMEM && rc != KS_ENOTREG)
				broken(n, paths[i], 0, "an included file cannot be read");
			continue;
		}
		struct lexer *l = ks_arena_alloc(ctx->arena, sizeof *l);
		if (!l)
			return;
		*l = (struct lexer){paths[i], data, data + len, 1, depth, n->lx};
		n->lx = l;
		n->files++;
	}
}

static void cmd_define(struct nft *n, struct head *h)
{
	/* define NAME = VALUE: only single-word values are used (for a policy). */
	if (h->n < 3 || !teq(&h->w[2], "=")) {
		expected(n, h, "define NAME = VALUE");
		return;
	}
	if (n->nd >= MAX_DEFINES)
		return;
	if (n->nd == n->cd) {
		size_t cap = n->cd ? n->cd * 2 : 8;
		const char **nn = ks_arena_alloc(n->ctx->arena, cap * sizeof *nn);
		const char **nv = ks_arena_alloc(n->ctx->arena, cap * sizeof *nv);
		if (!nn || !nv)
			return;
		if (n->nd) {
			memcpy(nn, n->def_names, n->nd * sizeof *nn);
			memcpy(nv, n->def_vals, n->nd * sizeof *nv);
		}
		n->def_names = nn;
		n->def_vals = nv;
		n->cd = cap;
	}
	const char *name = ks_arena_strndup(n->ctx->arena, h->w[1].s, h->w[1].n);
	const char *val = h->n == 4 && !h->braces && h->w[3].type == T_WORD ? word(n, &h->w[3]) : NULL;
	if (!name)
		return;
	n->def_names[n->nd] = name;
	n->def_vals[n->nd++] = val;
}

static int too_many(struct nft *n, struct head *h, const char *what)
{
	const struct tok *t = &h->w[0];
	ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, t->path, t->line, 0, "more %s than kenshin follows (%d)", what,
	            MAX_CHAINS);
	broken(n, t->path, t->line, "more tables or chains than kenshin follows");
	finish(n, h);
	return KS_OK;
}

static int cmd_table(struct nft *n, struct head *h, size_t i)
{
	int fam;
	size_t at;
	if (!fam_prefix(h, i, 1, &fam, &at)) {
		expected(n, h, "table [family] name");
		finish(n, h);
		return KS_OK;
	}
	const char *name = word(n, &h->w[at]);
	struct table *t = name ? add_table(n, fam, name) : NULL;
	if (!t && n->full)
		return too_many(n, h, "tables");
	if (!t)
		return KS_ENOMEM;
	if (h->term == T_LBRACE)
		return block(n, S_TABLE, t, NULL);
	return KS_OK;
}

static int cmd_chain(struct nft *n, struct head *h, size_t i)
{
	int fam;
	size_t at;
	if (!fam_prefix(h, i, 2, &fam, &at)) {
		expected(n, h, "chain [family] table name");
		finish(n, h);
		return KS_OK;
	}
	const char *tname = word(n, &h->w[at]), *cname = word(n, &h->w[at + 1]);
	if (!tname || !cname)
		return KS_ENOMEM;
	struct table *t = find_table(n, fam, tname);
	if (!t) {
		ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, h->w[0].path, h->w[0].line, 0,
		            "chain %s in table %s, which does not exist here", cname, tname);
		finish(n, h);
		return KS_OK;
	}
	struct chain *c = add_chain(n->ctx->arena, &t->chains, cname);
	if (!c && t->chains.full)
		return too_many(n, h, "chains");
	if (!c)
		return KS_ENOMEM;
	if (!c->decl_path) {
		c->decl_path = h->w[0].path;
		c->decl_line = h->w[0].line;
	}
	if (h->term == T_LBRACE)
		return block(n, S_CHAIN, t, c);
	return KS_OK;
}

/* [family] table chain, then the rule (or "position N"/"index N"/"handle N" first). */
static int cmd_rule(struct nft *n, struct head *h, size_t i, bool insert)
{
	finish(n, h);
	size_t at = i;
	int fam = F_IP;
	if (h->n > i + 2 && family(&h->w[i])) {
		fam = family(&h->w[i]);
		at = i + 1;
	}
	if (h->n < at + 2) {
		expected(n, h, "rule [family] table chain ...");
		return KS_OK;
	}
	const char *tname = word(n, &h->w[at]), *cname = word(n, &h->w[at + 1]);
	if (!tname || !cname)
		return KS_ENOMEM;
	struct table *t = find_table(n, fam, tname);
	struct chain *c = t ? find_chain(&t->chains, cname) : NULL;
	if (!c) {
		ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, h->w[0].path, h->w[0].line, 0,
		            "rule for chain %s %s, which does not exist here", tname, cname);
		return KS_OK;
	}
	size_t from = at + 2;
	bool positioned = false;
	if (h->n > from + 1 && (teq(&h->w[from], "position") || teq(&h->w[from], "index") || teq(&h->w[from], "handle"))) {
		positioned = true;
		from += 2;
	}
	return rule_into(n, c, h, from, insert, positioned);
}

static struct chain *cmd_target_chain(struct nft *n, struct head *h, size_t i, struct table **tp)
{
	int fam;
	size_t at;
	*tp = NULL;
	if (!fam_prefix(h, i, 2, &fam, &at))
		return NULL;
	const char *tname = word(n, &h->w[at]), *cname = word(n, &h->w[at + 1]);
	struct table *t = tname ? find_table(n, fam, tname) : NULL;
	*tp = t;
	return t && cname ? find_chain(&t->chains, cname) : NULL;
}

/* "delete|replace rule [family] table chain handle N ...": which rule is not known. */
static void uncertain_rule(struct nft *n, const struct head *h, const char *why)
{
	struct head hh = *h;
	for (size_t k = 2; k < h->n; k++)
		if (teq(&h->w[k], "handle")) {
			hh.n = k;
			break;
		}
	struct table *t;
	struct chain *c = cmd_target_chain(n, &hh, 2, &t);
	if (c) {
		c->uncertain = true;
		c->uncertain_line = h->w[0].line;
		c->uncertain_why = why;
	}
}

static int top_statement(struct nft *n, struct head *h)
{
	const struct tok *w = h->w;
	if (teq(&w[0], "table"))
		return cmd_table(n, h, 1);
	if (teq(&w[0], "chain"))
		return cmd_chain(n, h, 1);
	if (h->n > 1 && (teq(&w[0], "add") || teq(&w[0], "create"))) {
		if (teq(&w[1], "table"))
			return cmd_table(n, h, 2);
		if (teq(&w[1], "chain"))
			return cmd_chain(n, h, 2);
		if (teq(&w[1], "rule"))
			return cmd_rule(n, h, 2, false);
		finish(n, h); /* sets, maps, elements, counters, ... */
		return KS_OK;
	}
	if (h->n > 1 && teq(&w[0], "insert") && teq(&w[1], "rule"))
		return cmd_rule(n, h, 2, true);
	if (h->n > 1 && (teq(&w[0], "delete") || teq(&w[0], "destroy") || teq(&w[0], "flush"))) {
		bool flush = teq(&w[0], "flush");
		finish(n, h);
		if (flush && teq(&w[1], "ruleset")) {
			int fam = h->n > 2 ? family(&w[2]) : 0;
			for (size_t i = 0; i < n->nt; i++)
				if (!fam || n->t[i]->family == fam)
					n->t[i]->deleted = true;
			return KS_OK;
		}
		if (teq(&w[1], "table")) {
			int fam;
			size_t at;
			const char *name = fam_prefix(h, 2, 1, &fam, &at) ? word(n, &w[at]) : NULL;
			struct table *t = name ? find_table(n, fam, name) : NULL;
			if (t && !flush)
				t->deleted = true;
			for (size_t i = 0; t && flush && i < t->chains.n; i++)
				flush_rules(t->chains.c[i]);
			return KS_OK;
		}
		struct table *t;
		if (teq(&w[1], "chain")) {
			struct chain *c = cmd_target_chain(n, h, 2, &t);
			if (c && flush)
				flush_rules(c);
			else if (c)
				c->deleted = true;
			return KS_OK;
		}
		if (teq(&w[1], "rule"))
			uncertain_rule(n, h, "a rule is deleted by handle");
		return KS_OK;
	}
	if (h->n > 1 && teq(&w[0], "replace") && teq(&w[1], "rule")) {
		finish(n, h);
		uncertain_rule(n, h, "a rule is replaced by handle");
		return KS_OK;
	}
	if (teq(&w[0], "define") || teq(&w[0], "redefine")) {
		finish(n, h);
		cmd_define(n, h);
		return KS_OK;
	}
	if (teq(&w[0], "undefine") || teq(&w[0], "list") || teq(&w[0], "reset") || teq(&w[0], "monitor") ||
	    teq(&w[0], "export") || teq(&w[0], "import") || teq(&w[0], "describe") || teq(&w[0], "rename") ||
	    teq(&w[0], "delete") || teq(&w[0], "add") || teq(&w[0], "create") || teq(&w[0], "insert")) {
		finish(n, h);
		return KS_OK;
	}
	ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, w[0].path, w[0].line, 0, "unexpected statement \"%.*s\"",
	            (int)(w[0].n > 40 ? 40 : w[0].n), w[0].s);
	finish(n, h);
	return KS_OK;
}

static int table_statement(struct nft *n, struct head *h, struct table *t)
{
	const struct tok *w = h->w;
	if (teq(&w[0], "chain")) {
		if (h->n != 2) {
			expected(n, h, "chain NAME {");
			finish(n, h);
			return KS_OK;
		}
		const char *name = word(n, &w[1]);
		struct chain *c = name ? add_chain(n->ctx->arena, &t->chains, name) : NULL;
		if (!c && t->chains.full)
			return too_many(n, h, "chains");
		if (!c)
			return KS_ENOMEM;
		if (!c->decl_path) {
			c->decl_path = w[0].path;
			c->decl_line = w[0].line;
		}
		return h->term == T_LBRACE ? block(n, S_CHAIN, t, c) : KS_OK;
	}
	if (teq(&w[0], "flags")) {
		/* "flags dormant": the table's chains are not attached to their hooks. */
		for (size_t i = 1; i < h->n; i++) {
			const char *s = w[i].s;
			size_t l = w[i].n;
			for (size_t k = 0; k + 7 <= l; k++)
				if (memcmp(s + k, "dormant", 7) == 0)
					t->dormant = true;
		}
		finish(n, h);
		return KS_OK;
	}
	static const char *const skip[] = {"set", "map", "flowtable", "counter", "quota", "ct", "limit",
	                                   "secmark", "synproxy", "comment", "tunnel"};
	for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
		if (teq(&w[0], skip[i])) {
			finish(n, h);
			return KS_OK;
		}
	ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, w[0].path, w[0].line, 0,
	            "unexpected \"%.*s\" in a table block", (int)(w[0].n > 40 ? 40 : w[0].n), w[0].s);
	finish(n, h);
	return KS_OK;
}

static int chain_statement(struct nft *n, struct head *h, struct chain *c)
{
	const struct tok *w = h->w;
	if (teq(&w[0], "type")) {
		/* type TYPE hook HOOK [device DEV] priority PRIO */
		finish(n, h);
		c->base = true;
		c->filter = h->n > 1 && teq(&w[1], "filter");
		c->input = false;
		for (size_t i = 2; i + 1 < h->n; i++)
			if (teq(&w[i], "hook"))
				c->input = teq(&w[i + 1], "input");
		c->hook_path = w[0].path;
		c->hook_line = w[0].line;
		return KS_OK;
	}
	if (teq(&w[0], "policy")) {
		finish(n, h);
		const char *v = h->n == 2 ? word(n, &w[1]) : NULL;
		if (v && !strcmp(v, "accept"))
			c->policy = KS_FW_ACCEPT;
		else if (v && !strcmp(v, "drop"))
			c->policy = KS_FW_DROP;
		else {
			c->policy = KS_FW_UNKNOWN;
			ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, w[0].path, w[0].line, 0, "expected policy accept or drop");
		}
		c->policy_path = w[0].path;
		c->policy_line = w[0].line;
		return KS_OK;
	}
	if (teq(&w[0], "comment") || teq(&w[0], "devices") || teq(&w[0], "flags")) {
		finish(n, h);
		return KS_OK;
	}
	finish(n, h);
	return rule_into(n, c, h, 0, false, false);
}

static int block(struct nft *n, int scope, struct table *t, struct chain *c)
{
	struct head *h = ks_arena_alloc(n->ctx->arena, sizeof *h);
	if (!h)
		return KS_ENOMEM;
	for (;;) {
		struct tok tk = next(n);
		switch (tk.type) {
		case T_EOF:
			if (scope != S_TOP) {
				ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, tk.path, tk.line, 0, "missing }");
				broken(n, tk.path, tk.line, "a block is not closed: nft refuses the whole ruleset");
			}
			return KS_OK;
		case T_NL:
		case T_SEMI:
			continue;
		case T_RBRACE:
			if (scope != S_TOP)
				return KS_OK;
			ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, tk.path, tk.line, 0, "unexpected }");
			continue;
		case T_LBRACE:
			ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, tk.path, tk.line, 0, "unexpected {");
			skip_braces(n);
			continue;
		default:
			break;
		}
		if (tk.type == T_WORD && teq(&tk, "include")) {
			/* include is read by nft's scanner: it may appear at any statement. */
			struct tok s = next(n);
			if (s.type == T_STR)
				do_include(n, &s);
			else {
				ks_diag_add(n->ctx->diags, KS_DIAG_WARNING, tk.path, tk.line, 0, "expected include \"FILE\"");
				unget(n, s);
			}
			continue;
		}
		read_head(n, h, tk);
		if (h->n == 0) {
			finish(n, h);
			continue;
		}
		int rc = scope == S_TOP     ? top_statement(n, h)
		         : scope == S_TABLE ? table_statement(n, h, t)
		                            : chain_statement(n, h, c);
		if (rc < 0)
			return rc;
	}
}

int ks_firewall_parse_nft_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                 ks_fw_result *out)
{
	memset(out, 0, sizeof *out);
	struct nft *n = ks_arena_alloc(ctx->arena, sizeof *n);
	struct lexer *l = ks_arena_alloc(ctx->arena, sizeof *l);
	if (!n || !l)
		return KS_ENOMEM;
	n->ctx = ctx;
	*l = (struct lexer){path, data, data + len, 1, 0, NULL};
	n->lx = l;
	n->files = 1;
	int rc = block(n, S_TOP, NULL, NULL);
	if (rc < 0)
		return rc;
	if (n->broken_why) {
		out->v4 = out->v6 = (ks_fw_verdict){KS_FW_UNKNOWN, n->broken_path, n->broken_line, n->broken_why};
		return KS_OK;
	}
	for (size_t i = 0; i < n->nt; i++) {
		struct table *t = n->t[i];
		if (t->deleted || t->dormant || t->family == F_OTHER)
			continue;
		for (size_t k = 0; k < t->chains.n; k++) {
			struct chain *c = t->chains.c[k];
			if (c->deleted || !c->base || !c->filter || !c->input)
				continue;
			ks_fw_verdict v = eval_base(&t->chains, c);
			if (t->family & F_IP)
				fold(&out->v4, v);
			if (t->family & F_IP6)
				fold(&out->v6, v);
		}
	}
	return KS_OK;
}

/* ---- iptables-save format ------------------------------------------------------------------- */

#define IPT_ARGS 64

/* Splits like iptables-restore: blanks separate, double quotes group (backslash escapes). */
static size_t ipt_split(const char *s, size_t n, const char **w, size_t *wl, bool *overflow)
{
	size_t k = 0, i = 0;
	*overflow = false;
	while (i < n) {
		while (i < n && ks_is_space(s[i]))
			i++;
		if (i >= n)
			break;
		size_t start = i;
		bool quoted = s[i] == '"';
		if (quoted) {
			start = ++i;
			while (i < n && s[i] != '"')
				i += s[i] == '\\' && i + 1 < n ? 2 : 1;
		} else {
			while (i < n && !ks_is_space(s[i]))
				i++;
		}
		size_t end = i > n ? n : i;
		if (quoted && i < n)
			i++;
		if (k == IPT_ARGS) {
			*overflow = true;
			return k;
		}
		w[k] = s + start;
		wl[k++] = end - start;
	}
	return k;
}

static bool ieq_any(const char *s, size_t n, const char *a, const char *b)
{
	return ks_eq(s, n, a) || (b && ks_eq(s, n, b));
}

struct ipt {
	ks_collect_ctx *ctx;
	const char *path;
	struct chainset chains;
	struct chain *input;
	bool in_filter, seen_filter;
	int filter_line;
	const char *broken_why;
	int broken_line;
};

static struct chain *ipt_builtin(struct ipt *p, const char *name, size_t n)
{
	char buf[16];
	if (n >= sizeof buf)
		return NULL;
	memcpy(buf, name, n);
	buf[n] = 0;
	struct chain *c = find_chain(&p->chains, buf);
	return c;
}

static int ipt_full(struct ipt *p, int line)
{
	ks_diag_add(p->ctx->diags, KS_DIAG_WARNING, p->path, line, 1, "more than %d chains; not followed", MAX_CHAINS);
	if (!p->broken_why) {
		p->broken_why = "more chains than kenshin follows";
		p->broken_line = line;
	}
	return KS_OK;
}

static int ipt_reset(struct ipt *p, int line)
{
	p->chains.n = 0;
	p->chains.full = false;
	if (p->chains.nslots)
		memset(p->chains.slots, 0, p->chains.nslots * sizeof *p->chains.slots);
	static const char *const builtin[] = {"INPUT", "FORWARD", "OUTPUT"};
	for (size_t i = 0; i < 3; i++) {
		struct chain *c = add_chain(p->ctx->arena, &p->chains, builtin[i]);
		if (!c)
			return KS_ENOMEM;
		c->base = true;
		c->decl_path = p->path;
		c->decl_line = line;
	}
	p->input = p->chains.c[0];
	return KS_OK;
}

/* A rule's options after "-A CHAIN": an unconditional jump, or R_NONE. */
static int ipt_classify(const char **w, const size_t *wl, size_t n, size_t i, const char **target, size_t *tl)
{
	int kind = R_NONE;
	while (i < n) {
		if (ieq_any(w[i], wl[i], "-j", "--jump") || ieq_any(w[i], wl[i], "-g", "--goto")) {
			if (i + 1 >= n || kind != R_NONE)
				return R_NONE;
			bool go = w[i][1] == 'g' || (wl[i] > 2 && w[i][2] == 'g');
			*target = w[i + 1];
			*tl = wl[i + 1];
			i += 2;
			if (ks_eq(*target, *tl, "REJECT") && i + 1 < n && ks_eq(w[i], wl[i], "--reject-with"))
				i += 2;
			kind = go ? R_GOTO : R_JUMP;
		} else if (ieq_any(w[i], wl[i], "-m", "--match") && i + 1 < n && ks_eq(w[i + 1], wl[i + 1], "comment")) {
			i += 2;
			if (i + 1 < n && ks_eq(w[i], wl[i], "--comment"))
				i += 2;
		} else if (ieq_any(w[i], wl[i], "-c", "--set-counters") && i + 2 < n) {
			i += 3;
		} else {
			return R_NONE; /* a match: the rule is conditional */
		}
	}
	if (kind == R_NONE)
		return R_NONE;
	static const char *const passthrough[] = {"LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "CONNSECMARK",
	                                          "SECMARK", "TRACE", "AUDIT", "CLASSIFY", "DSCP", "TOS", "TTL",
	                                          "HL", "TCPMSS", "CT", "NOTRACK", "CHECKSUM", "SET", "IDLETIMER",
	                                          "LED", "RATEEST", "TEE"};
	for (size_t k = 0; k < sizeof passthrough / sizeof *passthrough; k++)
		if (ks_eq(*target, *tl, passthrough[k]))
			return R_NONE; /* non-terminating: the packet goes on */
	if (kind == R_JUMP) {
		if (ks_eq(*target, *tl, "ACCEPT"))
			return R_ACCEPT;
		if (ks_eq(*target, *tl, "DROP"))
			return R_DROP;
		if (ks_eq(*target, *tl, "REJECT"))
			return R_REJECT;
		if (ks_eq(*target, *tl, "RETURN"))
			return R_RETURN;
		if (ks_eq(*target, *tl, "QUEUE") || ks_eq(*target, *tl, "NFQUEUE"))
			return R_OTHER;
	}
	return kind; /* a user chain; checked when evaluated */
}

static void ipt_uncertain(struct chain *c, int line, const char *why)
{
	c->uncertain = true;
	c->uncertain_line = line;
	c->uncertain_why = why;
}

static int ipt_command(struct ipt *p, const char **w, size_t *wl, size_t n, int line)
{
	ks_collect_ctx *ctx = p->ctx;
	ks_arena *a = ctx->arena;
	const char *cmd = w[0];
	size_t cl = wl[0];
	char *cname = n > 1 ? ks_arena_strndup(a, w[1], wl[1]) : NULL;
	if (n > 1 && !cname)
		return KS_ENOMEM;
	struct chain *c = cname ? find_chain(&p->chains, cname) : NULL;
	bool append = ieq_any(cmd, cl, "-A", "--append"), insert = ieq_any(cmd, cl, "-I", "--insert");
	if (append || insert) {
		if (!c) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, p->path, line, 0, "rule for an undeclared chain");
			p->broken_why = p->broken_why ? p->broken_why : "a rule names an undeclared chain: iptables-restore "
			                                                "refuses the table";
			p->broken_line = p->broken_line ? p->broken_line : line;
			return KS_OK;
		}
		size_t i = 2;
		bool positioned = false;
		int64_t num;
		if (insert && n > 2 && ks_parse_int(w[2], wl[2], &num)) {
			positioned = num != 1;
			i = 3;
		}
		const char *target = NULL;
		size_t tl = 0;
		int kind = ipt_classify(w, wl, n, i, &target, &tl);
		if (kind == R_NONE)
			return KS_OK;
		if (positioned) {
			ipt_uncertain(c, line, "an unconditional rule is inserted at a position");
			return KS_OK;
		}
		const char *t = ks_arena_strndup(a, target, tl);
		if (!t)
			return KS_ENOMEM;
		return add_rule(a, c, (struct rule){kind, t, p->path, line}, insert);
	}
	if (ieq_any(cmd, cl, "-N", "--new-chain")) {
		if (!cname)
			return KS_OK;
		struct chain *nc = add_chain(a, &p->chains, cname);
		if (!nc && p->chains.full)
			return ipt_full(p, line);
		if (!nc)
			return KS_ENOMEM;
		nc->decl_path = p->path;
		nc->decl_line = line;
		return KS_OK;
	}
	if (ieq_any(cmd, cl, "-P", "--policy")) {
		if (!c || !c->base || n < 3)
			return KS_OK;
		c->policy = ks_eq(w[2], wl[2], "DROP") ? KS_FW_DROP : ks_eq(w[2], wl[2], "ACCEPT") ? KS_FW_ACCEPT : KS_FW_UNKNOWN;
		c->policy_path = p->path;
		c->policy_line = line;
		return KS_OK;
	}
	if (ieq_any(cmd, cl, "-F", "--flush")) {
		for (size_t i = 0; i < p->chains.n; i++)
			if (!c || p->chains.c[i] == c)
				flush_rules(p->chains.c[i]);
		return KS_OK;
	}
	if (ieq_any(cmd, cl, "-X", "--delete-chain")) {
		for (size_t i = 0; i < p->chains.n; i++)
			if ((!c || p->chains.c[i] == c) && !p->chains.c[i]->base)
				p->chains.c[i]->deleted = true;
		return KS_OK;
	}
	if (ieq_any(cmd, cl, "-D", "--delete") || ieq_any(cmd, cl, "-R", "--replace") || ieq_any(cmd, cl, "-E", "--rename-chain")) {
		if (c)
			ipt_uncertain(c, line, "rules are deleted, replaced or renamed in place");
		else
			ipt_uncertain(p->input, line, "rules are deleted, replaced or renamed in place");
		return KS_OK;
	}
	if (ieq_any(cmd, cl, "-Z", "--zero"))
		return KS_OK;
	ks_diag_add(ctx->diags, KS_DIAG_WARNING, p->path, line, 1, "expected an iptables command (-A, -I, -N, -P, -F, -X)");
	return KS_OK;
}

int ks_firewall_parse_iptables_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                      ks_fw_verdict *out)
{
	memset(out, 0, sizeof *out);
	struct ipt *p = ks_arena_alloc(ctx->arena, sizeof *p);
	if (!p)
		return KS_ENOMEM;
	p->ctx = ctx;
	p->path = path;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	const char *w[IPT_ARGS];
	size_t wl[IPT_ARGS];
	int table_line = 0;
	bool filter_done = false;
	while (ks_lines_next_capped(&it, ctx->diags, path, &line, &n)) {
		ks_trim(&line, &n);
		if (!n || line[0] == '#')
			continue;
		if (line[0] == '*') {
			if (table_line)
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "table starts before COMMIT");
			table_line = it.lineno;
			p->in_filter = ks_eq(line + 1, n - 1, "filter");
			if (p->in_filter) {
				/* iptables-restore replaces the whole table (without --noflush). */
				int rc = ipt_reset(p, it.lineno);
				if (rc < 0)
					return rc;
				p->seen_filter = true;
				filter_done = false;
				p->filter_line = it.lineno;
			}
			continue;
		}
		if (ks_eq(line, n, "COMMIT")) {
			if (!table_line)
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "COMMIT outside a table");
			if (p->in_filter)
				filter_done = true;
			table_line = 0;
			p->in_filter = false;
			continue;
		}
		if (!table_line) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "expected *table before rules");
			continue;
		}
		if (!p->in_filter)
			continue;
		/* "[packets:bytes] -A ..." from iptables-save -c */
		if (line[0] == '[') {
			const char *e = memchr(line, ']', n);
			if (!e) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "expected [packets:bytes]");
				continue;
			}
			n -= (size_t)(e + 1 - line);
			line = e + 1;
			ks_trim(&line, &n);
		}
		bool overflow;
		size_t k = ipt_split(line, n, w, wl, &overflow);
		if (k == 0)
			continue;
		if (line[0] == ':') {
			/* ":CHAIN POLICY [packets:bytes]"; user chains have policy "-". */
			if (k < 2 || wl[0] < 2) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "expected :CHAIN POLICY [packets:bytes]");
				continue;
			}
			struct chain *c = ipt_builtin(p, w[0] + 1, wl[0] - 1);
			if (c && c->base) {
				if (ks_eq(w[1], wl[1], "ACCEPT"))
					c->policy = KS_FW_ACCEPT;
				else if (ks_eq(w[1], wl[1], "DROP"))
					c->policy = KS_FW_DROP;
				else {
					c->policy = KS_FW_UNKNOWN;
					ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, (int)(w[1] - line) + 1,
					            "expected policy ACCEPT or DROP");
				}
				c->policy_path = path;
				c->policy_line = it.lineno;
			} else {
				char *name = ks_arena_strndup(ctx->arena, w[0] + 1, wl[0] - 1);
				struct chain *nc = name ? add_chain(ctx->arena, &p->chains, name) : NULL;
				if (!nc && p->chains.full) {
					ipt_full(p, it.lineno);
					continue;
				}
				if (!nc)
					return KS_ENOMEM;
				flush_rules(nc);
				nc->decl_path = path;
				nc->decl_line = it.lineno;
			}
			continue;
		}
		if (overflow) {
			/* Too many words for an unconditional rule: it has matches. Still a chain it names
			 * must exist. */
			continue;
		}
		if (wl[0] == 0 || w[0][0] != '-') {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "expected a rule (-A CHAIN ...)");
			continue;
		}
		int rc = ipt_command(p, w, wl, k, it.lineno);
		if (rc < 0)
			return rc;
	}
	if (!p->seen_filter) {
		*out = (ks_fw_verdict){KS_FW_NONE, path, 0, NULL};
		return KS_OK;
	}
	if (!filter_done) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, p->filter_line, 1, "*filter has no COMMIT");
		*out = (ks_fw_verdict){KS_FW_UNKNOWN, path, p->filter_line,
		                       "*filter has no COMMIT: iptables-restore refuses the file"};
		return KS_OK;
	}
	if (p->broken_why) {
		*out = (ks_fw_verdict){KS_FW_UNKNOWN, path, p->broken_line, p->broken_why};
		return KS_OK;
	}
	*out = eval_base(&p->chains, p->input);
	return KS_OK;
}

/* ---- ufw and firewalld KEY=value files ----------------------------------------------------- */

static ks_fw_policy policy_word(const char *v, size_t n)
{
	if (ks_ieq(v, n, "DROP"))
		return KS_FW_DROP;
	if (ks_ieq(v, n, "REJECT"))
		return KS_FW_REJECT;
	if (ks_ieq(v, n, "ACCEPT"))
		return KS_FW_ACCEPT;
	return KS_FW_UNKNOWN;
}

int ks_firewall_parse_ufw_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                 ks_ufw_conf *out)
{
	memset(out, 0, sizeof *out);
	out->enabled = out->ipv6 = -1;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next_capped(&it, ctx->diags, path, &line, &n)) {
		ks_trim(&line, &n);
		if (!n || line[0] == '#')
			continue;
		const char *eq = memchr(line, '=', n);
		const char *key = line, *val = eq ? eq + 1 : NULL;
		size_t kl = eq ? (size_t)(eq - line) : 0, vl = eq ? n - kl - 1 : 0;
		bool ok = eq && kl > 0;
		for (size_t i = 0; ok && i < kl; i++)
			ok = (key[i] >= 'A' && key[i] <= 'Z') || (key[i] >= 'a' && key[i] <= 'z') ||
			     (key[i] >= '0' && key[i] <= '9') || key[i] == '_';
		if (!ok) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "expected KEY=value");
			continue;
		}
		/* Shell word: an optional quoted value, then blanks or a comment. */
		if (vl && (val[0] == '"' || val[0] == '\'')) {
			const char *close = memchr(val + 1, val[0], vl - 1);
			if (!close) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, (int)(val - line) + 1,
				            "unterminated quote");
				continue;
			}
			vl = (size_t)(close - val - 1);
			val++;
		} else {
			size_t k = 0;
			while (k < vl && !ks_is_space(val[k]) && val[k] != '#')
				k++;
			vl = k;
		}
		int col = (int)(val - line) + 1;
		if (ks_eq(key, kl, "ENABLED")) {
			out->enabled = ks_ieq(val, vl, "yes");
			out->enabled_line = it.lineno;
			if (!out->enabled && !ks_ieq(val, vl, "no"))
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, col, "expected ENABLED=yes or no");
		} else if (ks_eq(key, kl, "DEFAULT_INPUT_POLICY")) {
			out->input = policy_word(val, vl);
			out->input_line = it.lineno;
			if (out->input == KS_FW_UNKNOWN)
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, col, "expected DROP, REJECT or ACCEPT");
		} else if (ks_eq(key, kl, "IPV6")) {
			out->ipv6 = ks_ieq(val, vl, "yes");
			out->ipv6_line = it.lineno;
		} else if (ks_eq(key, kl, "DefaultZone")) {
			if (!(out->default_zone = ks_arena_strndup(ctx->arena, val, vl)))
				return KS_ENOMEM;
			out->default_zone_line = it.lineno;
		}
	}
	return KS_OK;
}

static int line_at(const char *data, size_t off)
{
	int l = 1;
	for (size_t i = 0; i < off; i++)
		l += data[i] == '\n';
	return l;
}

static bool find_str(const char *d, size_t len, size_t *i, const char *lit)
{
	size_t l = strlen(lit);
	for (; *i + l <= len; (*i)++)
		if (memcmp(d + *i, lit, l) == 0) {
			*i += l;
			return true;
		}
	*i = len;
	return false;
}

int ks_firewall_parse_zone_xml(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                               ks_fw_zone *out)
{
	memset(out, 0, sizeof *out);
	size_t i = 0;
	while (i < len) {
		const char *lt = memchr(data + i, '<', len - i);
		if (!lt)
			break;
		i = (size_t)(lt - data);
		size_t start = i;
		if (len - i >= 4 && memcmp(data + i, "<!--", 4) == 0) {
			i += 4;
			find_str(data, len, &i, "-->");
			continue;
		}
		if (len - i >= 2 && data[i + 1] == '?') {
			i += 2;
			find_str(data, len, &i, "?>");
			continue;
		}
		if (len - i >= 2 && (data[i + 1] == '!' || data[i + 1] == '/')) {
			i += 2;
			find_str(data, len, &i, ">");
			continue;
		}
		i++;
		size_t ns = i;
		while (i < len && (ks_is_space(data[i]) == false) && data[i] != '>' && data[i] != '/')
			i++;
		const char *name = data + ns;
		size_t nl = i - ns;
		bool is_zone = ks_eq(name, nl, "zone") && !out->found;
		if (ks_eq(name, nl, "interface") && !out->has_interface) {
			out->has_interface = true;
			out->interface_line = line_at(data, start);
		}
		if (is_zone) {
			out->found = true;
			out->target = KS_FW_REJECT; /* no target attribute = "default" */
			out->target_line = line_at(data, start);
		}
		/* Attributes: name="value" or name='value'. */
		for (;;) {
			while (i < len && ks_is_space(data[i]))
				i++;
			if (i >= len || data[i] == '>' || data[i] == '/') {
				i++;
				break;
			}
			size_t as = i;
			while (i < len && data[i] != '=' && data[i] != '>' && !ks_is_space(data[i]))
				i++;
			size_t al = i - as;
			while (i < len && ks_is_space(data[i]))
				i++;
			if (i >= len || data[i] != '=') {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line_at(data, i < len ? i : len), 0,
				            "expected attribute=\"value\"");
				return is_zone || out->found ? KS_OK : KS_EPARSE;
			}
			i++;
			while (i < len && ks_is_space(data[i]))
				i++;
			if (i >= len || (data[i] != '"' && data[i] != '\'')) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line_at(data, i < len ? i : len), 0,
				            "expected a quoted attribute value");
				if (is_zone)
					out->target = KS_FW_UNKNOWN;
				return KS_OK;
			}
			const char *q = memchr(data + i + 1, data[i], len - i - 1);
			if (!q) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line_at(data, i), 0, "unterminated attribute value");
				if (is_zone)
					out->target = KS_FW_UNKNOWN;
				return KS_OK;
			}
			const char *v = data + i + 1;
			size_t vl = (size_t)(q - v);
			i = (size_t)(q - data) + 1;
			if (is_zone && ks_eq(data + as, al, "target")) {
				/* firewalld.zone(5): default, ACCEPT, %%REJECT%% (REJECT) or DROP; default
				 * rejects what the zone does not allow. */
				if (ks_eq(v, vl, "default") || ks_eq(v, vl, "%%REJECT%%") || ks_eq(v, vl, "REJECT"))
					out->target = KS_FW_REJECT;
				else if (ks_eq(v, vl, "DROP"))
					out->target = KS_FW_DROP;
				else if (ks_eq(v, vl, "ACCEPT"))
					out->target = KS_FW_ACCEPT;
				else {
					out->target = KS_FW_UNKNOWN;
					ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, out->target_line, 0,
					            "expected target default, ACCEPT, %%%%REJECT%%%% or DROP");
				}
			}
		}
	}
	return KS_OK;
}

/* ---- collector ---------------------------------------------------------------------------- */

struct tool {
	const char *name;
	bool installed;
	const char *installed_src;
	int enabled; /* -1 unknown */
	const char *enabled_src;
	const char *enabled_why;
	ks_fw_result res;
};

struct fw {
	ks_collect_ctx *ctx;
	struct tool t[4];
	size_t n;
	int unit_error;
};

static int installed(struct fw *f, struct tool *t, const char *pkg, const char *binary)
{
	const ks_value *p = ks_dpkg_find(f->ctx->facts, pkg);
	if (p) {
		const ks_value *src = ks_record_get(p, "source");
		t->installed = true;
		t->installed_src = src && src->type == KS_VAL_STR ? src->u.str.s : KS_DPKG_STATUS;
		return KS_OK;
	}
	struct stat st;
	if (ks_rootfs_stat(f->ctx->root, binary, &st) == KS_OK && S_ISREG(st.st_mode)) {
		t->installed = true;
		t->installed_src = binary;
	}
	return KS_OK;
}

static int unit(struct fw *f, struct tool *t, const char *name)
{
	bool en;
	const char *where;
	int rc = ks_antimalware_unit_enabled(f->ctx, name, &en, &where);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && !en) {
		t->enabled = -1;
		t->enabled_why = ks_arena_printf(f->ctx->arena, "cannot list the systemd unit links: %s", ks_strerror(rc));
		f->unit_error = rc;
		return t->enabled_why ? KS_OK : KS_ENOMEM;
	}
	t->enabled = en;
	t->enabled_src = where;
	if (en && !t->installed) {
		t->installed = true;
		t->installed_src = where;
	}
	if (!en && !(t->enabled_why = where ? ks_arena_printf(f->ctx->arena, "%s is masked", name)
	                                   : ks_arena_printf(f->ctx->arena, "%s is not enabled", name)))
		return KS_ENOMEM;
	return KS_OK;
}

static ks_fw_verdict unreadable(ks_collect_ctx *ctx, const char *path, int rc)
{
	return (ks_fw_verdict){KS_FW_UNKNOWN, path, 0, ks_arena_printf(ctx->arena, "%s: %s", path, ks_strerror(rc))};
}

static int tool_nftables(struct fw *f, struct tool *t)
{
	ks_collect_ctx *ctx = f->ctx;
	int rc;
	if ((rc = installed(f, t, "nftables", "/usr/sbin/nft")) < 0 || (rc = unit(f, t, "nftables.service")) < 0)
		return rc;
	if (!t->installed)
		return KS_OK;
	char *data;
	size_t len;
	rc = ks_collect_read(ctx, KS_NFT_CONF, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT) {
		/* nftables.service runs nft -f /etc/nftables.conf: without it nothing is loaded. */
		t->res.v4 = t->res.v6 = (ks_fw_verdict){KS_FW_NONE, KS_NFT_CONF, 0, NULL};
		return KS_OK;
	}
	if (rc < 0) {
		t->res.v4 = t->res.v6 = unreadable(ctx, KS_NFT_CONF, rc);
		return KS_OK;
	}
	return ks_firewall_parse_nft_buffer(ctx, KS_NFT_CONF, data, len, &t->res);
}

static int rules_file(struct fw *f, const char *path, ks_fw_verdict *v)
{
	char *data;
	size_t len;
	int rc = ks_collect_read(f->ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT) {
		/* The netfilter-persistent plugins skip a missing file ("no rules to load"). */
		*v = (ks_fw_verdict){KS_FW_NONE, path, 0, NULL};
		return KS_OK;
	}
	if (rc < 0) {
		*v = unreadable(f->ctx, path, rc);
		return KS_OK;
	}
	return ks_firewall_parse_iptables_buffer(f->ctx, path, data, len, v);
}

static int tool_iptables(struct fw *f, struct tool *t)
{
	int rc;
	if ((rc = installed(f, t, "iptables-persistent", "/usr/share/netfilter-persistent/plugins.d/15-ip4tables")) < 0)
		return rc;
	if (!t->installed)
		return KS_OK; /* netfilter-persistent alone loads nothing */
	if ((rc = unit(f, t, "netfilter-persistent.service")) < 0 || (rc = rules_file(f, KS_IPT_RULES_V4, &t->res.v4)) < 0)
		return rc;
	return rules_file(f, KS_IPT_RULES_V6, &t->res.v6);
}

static int tool_ufw(struct fw *f, struct tool *t)
{
	ks_collect_ctx *ctx = f->ctx;
	int rc;
	if ((rc = installed(f, t, "ufw", "/usr/sbin/ufw")) < 0 || (rc = unit(f, t, "ufw.service")) < 0)
		return rc;
	if (!t->installed)
		return KS_OK;
	char *data;
	size_t len;
	ks_ufw_conf conf, defs;
	memset(&conf, 0, sizeof conf);
	/* ufw-init starts the firewall at boot only with ENABLED=yes in ufw.conf (default no). */
	rc = ks_collect_read(ctx, KS_UFW_CONF, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && rc != KS_ENOENT) {
		if (t->enabled == 1) {
			t->enabled = -1;
			t->enabled_why = ks_arena_printf(ctx->arena, "%s: %s", KS_UFW_CONF, ks_strerror(rc));
		}
	} else {
		if (rc == KS_OK && (rc = ks_firewall_parse_ufw_buffer(ctx, KS_UFW_CONF, data, len, &conf)) < 0)
			return rc;
		bool on = rc == KS_OK && conf.enabled == 1;
		if (t->enabled == 1 && !on) {
			t->enabled = 0;
			t->enabled_src = KS_UFW_CONF;
			t->enabled_why = rc == KS_ENOENT ? "no " KS_UFW_CONF " (ENABLED defaults to no)"
			                                 : ks_arena_printf(ctx->arena, "%s:%d: ENABLED is not yes", KS_UFW_CONF,
			                                                   conf.enabled_line);
		} else if (t->enabled == 0 && on) {
			t->enabled_why = ks_arena_printf(ctx->arena, "%s:%d ENABLED=yes, but ufw.service is not enabled",
			                                 KS_UFW_CONF, conf.enabled_line);
		} else if (t->enabled == 1) {
			t->enabled_src = ks_collect_where(ctx, KS_UFW_CONF, conf.enabled_line);
		}
	}
	rc = ks_collect_read(ctx, KS_UFW_DEFAULTS, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		t->res.v4 = t->res.v6 = rc == KS_ENOENT ? (ks_fw_verdict){KS_FW_UNKNOWN, KS_UFW_DEFAULTS, 0,
		                                                           "no " KS_UFW_DEFAULTS ": ufw cannot start"}
		                                        : unreadable(ctx, KS_UFW_DEFAULTS, rc);
		return KS_OK;
	}
	if ((rc = ks_firewall_parse_ufw_buffer(ctx, KS_UFW_DEFAULTS, data, len, &defs)) < 0)
		return rc;
	ks_fw_verdict v = {defs.input, KS_UFW_DEFAULTS, defs.input_line, NULL};
	if (defs.input == KS_FW_NONE)
		v = (ks_fw_verdict){KS_FW_UNKNOWN, KS_UFW_DEFAULTS, 0, "DEFAULT_INPUT_POLICY is not set"};
	else if (defs.input == KS_FW_UNKNOWN)
		v.why = "DEFAULT_INPUT_POLICY is not DROP, REJECT or ACCEPT";
	t->res.v4 = v;
	/* IPV6=yes: ufw applies the same default policy to ip6tables; otherwise it leaves IPv6 alone. */
	t->res.v6 = defs.ipv6 == 1 ? v : (ks_fw_verdict){KS_FW_NONE, KS_UFW_DEFAULTS, defs.ipv6_line, NULL};
	return KS_OK;
}

static bool zone_name_ok(const char *z)
{
	if (!z[0] || z[0] == '.' || strlen(z) > 64)
		return false;
	for (const char *p = z; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("_-+.", *p)))
			return false;
	return true;
}

static int read_zone(ks_collect_ctx *ctx, const char *path, ks_fw_zone *z, bool *found, ks_fw_verdict *err)
{
	char *data;
	size_t len;
	*found = false;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT)
		return KS_OK;
	*found = true;
	if (rc < 0) {
		*err = unreadable(ctx, path, rc);
		return KS_OK;
	}
	rc = ks_firewall_parse_zone_xml(ctx, path, data, len, z);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 || !z->found) {
		if (!z->found)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0, "expected a <zone> element");
		*err = (ks_fw_verdict){KS_FW_UNKNOWN, path, 0, "the zone file is malformed"};
	}
	return KS_OK;
}

static int tool_firewalld(struct fw *f, struct tool *t)
{
	ks_collect_ctx *ctx = f->ctx;
	int rc;
	if ((rc = installed(f, t, "firewalld", "/usr/sbin/firewalld")) < 0 || (rc = unit(f, t, "firewalld.service")) < 0)
		return rc;
	if (!t->installed)
		return KS_OK;
	char *data;
	size_t len;
	ks_ufw_conf conf;
	memset(&conf, 0, sizeof conf);
	rc = ks_collect_read(ctx, KS_FIREWALLD_CONF, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && rc != KS_ENOENT) {
		t->res.v4 = t->res.v6 = unreadable(ctx, KS_FIREWALLD_CONF, rc);
		return KS_OK;
	}
	if (rc == KS_OK && (rc = ks_firewall_parse_ufw_buffer(ctx, KS_FIREWALLD_CONF, data, len, &conf)) < 0)
		return rc;
	/* firewalld.conf(5): DefaultZone defaults to public. */
	const char *zone = conf.default_zone && conf.default_zone[0] ? conf.default_zone : "public";
	if (!zone_name_ok(zone)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, KS_FIREWALLD_CONF, conf.default_zone_line, 0,
		            "DefaultZone is not a zone name");
		t->res.v4 = t->res.v6 = (ks_fw_verdict){KS_FW_UNKNOWN, KS_FIREWALLD_CONF, conf.default_zone_line,
		                                        "DefaultZone is not a zone name"};
		return KS_OK;
	}
	/* A zone in /etc/firewalld/zones overrides the shipped one of the same name. */
	ks_fw_verdict v = {KS_FW_UNKNOWN, NULL, 0, NULL};
	ks_fw_zone z;
	bool found = false;
	static const char *const dirs[] = {"/etc/firewalld/zones", "/usr/lib/firewalld/zones"};
	for (size_t i = 0; i < 2 && !found; i++) {
		const char *p = ks_arena_printf(ctx->arena, "%s/%s.xml", dirs[i], zone);
		if (!p)
			return KS_ENOMEM;
		v = (ks_fw_verdict){KS_FW_UNKNOWN, NULL, 0, NULL};
		memset(&z, 0, sizeof z);
		if ((rc = read_zone(ctx, p, &z, &found, &v)) < 0)
			return rc;
		if (found && z.found && !v.why)
			v = (ks_fw_verdict){z.target, p, z.target_line,
			                    z.target == KS_FW_UNKNOWN ? "the zone target is not understood" : NULL};
	}
	if (!found) {
		/* The targets of firewalld's built-in zones, should their files be missing. */
		ks_fw_policy p = !strcmp(zone, "trusted") ? KS_FW_ACCEPT
		                 : !strcmp(zone, "drop")  ? KS_FW_DROP
		                 : (!strcmp(zone, "block") || !strcmp(zone, "public") || !strcmp(zone, "external") ||
		                    !strcmp(zone, "dmz") || !strcmp(zone, "work") || !strcmp(zone, "home") ||
		                    !strcmp(zone, "internal"))
		                     ? KS_FW_REJECT
		                     : KS_FW_UNKNOWN;
		v = (ks_fw_verdict){p, conf.default_zone ? KS_FIREWALLD_CONF : NULL, conf.default_zone_line,
		                    p == KS_FW_UNKNOWN ? ks_arena_printf(ctx->arena, "zone %s is not defined", zone) : NULL};
	}
	/* An interface bound to an accepting zone lets everything in on that interface. */
	const char **paths;
	size_t np;
	rc = ks_rootfs_glob(ctx->root, ctx->arena, "/etc/firewalld/zones/*.xml", &paths, &np);
	if (rc == KS_ENOMEM)
		return rc;
	for (size_t i = 0; i < np && deny(v.policy); i++) {
		ks_fw_zone oz;
		ks_fw_verdict ov = {0};
		bool of;
		if ((rc = read_zone(ctx, paths[i], &oz, &of, &ov)) < 0)
			return rc;
		if (of && oz.found && oz.target == KS_FW_ACCEPT && oz.has_interface)
			v = (ks_fw_verdict){KS_FW_ACCEPT, paths[i], oz.interface_line, NULL};
	}
	t->res.v4 = t->res.v6 = v;
	return KS_OK;
}

/* One policy for a tool: deny only if IPv4 is denied and IPv6 is denied or left alone. */
static ks_fw_policy combined(const ks_fw_result *r)
{
	if (deny(r->v4.policy) && (deny(r->v6.policy) || r->v6.policy == KS_FW_NONE))
		return r->v4.policy;
	if (r->v4.policy == KS_FW_ACCEPT || r->v4.policy == KS_FW_NONE || r->v6.policy == KS_FW_ACCEPT)
		return KS_FW_ACCEPT;
	return KS_FW_UNKNOWN;
}

static int put_tools(struct fw *f)
{
	ks_collect_ctx *ctx = f->ctx;
	ks_arena *a = ctx->arena;
	ks_value list = ks_val_list();
	for (size_t i = 0; i < f->n; i++) {
		struct tool *t = &f->t[i];
		if (!t->installed)
			continue;
		ks_fw_policy pol = combined(&t->res);
		/* The verdict behind the combined policy. */
		const ks_fw_verdict *dec = &t->res.v4;
		if ((pol == KS_FW_ACCEPT && t->res.v4.policy != KS_FW_ACCEPT && t->res.v4.policy != KS_FW_NONE) ||
		    (pol == KS_FW_UNKNOWN && t->res.v4.policy != KS_FW_UNKNOWN))
			dec = &t->res.v6;
		const char *src = dec->path ? ks_collect_where(ctx, dec->path, dec->line) : t->installed_src;
		const char *summary = ks_arena_printf(a, "%s, inbound %s",
		                                      t->enabled == 1 ? "enabled" : t->enabled == 0 ? "not enabled"
		                                                                                     : "enablement unknown",
		                                      ks_fw_policy_name(pol));
		ks_value rec = ks_val_record();
		if (!src || !summary || ks_record_set(a, &rec, "name", ks_val_strz(a, t->name)) < 0 ||
		    ks_record_set(a, &rec, "installed", ks_val_bool(true)) < 0 ||
		    ks_record_set(a, &rec, "enabled", t->enabled < 0 ? ks_val_unknown() : ks_val_bool(t->enabled == 1)) < 0 ||
		    ks_record_set(a, &rec, "inbound_policy", ks_val_strz(a, ks_fw_policy_name(pol))) < 0 ||
		    ks_record_set(a, &rec, "inbound_policy_ipv4", ks_val_strz(a, ks_fw_policy_name(t->res.v4.policy))) < 0 ||
		    ks_record_set(a, &rec, "inbound_policy_ipv6", ks_val_strz(a, ks_fw_policy_name(t->res.v6.policy))) < 0)
			return KS_ENOMEM;
		if (t->enabled_src && ks_record_set(a, &rec, "enabled_source", ks_val_strz(a, t->enabled_src)) < 0)
			return KS_ENOMEM;
		const char *why = dec->why ? dec->why : t->enabled != 1 ? t->enabled_why : NULL;
		if (why && ks_record_set(a, &rec, "note", ks_val_strz(a, why)) < 0)
			return KS_ENOMEM;
		if (ks_record_set(a, &rec, "summary", ks_val_strz(a, summary)) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, src)) < 0 || ks_list_push(a, &list, rec) < 0)
			return KS_ENOMEM;
	}
	return ks_fact_put_probe(ctx->facts, "firewall.tools", list,
	                         "nftables, iptables-persistent, ufw and firewalld: package or program, systemd "
	                         "enablement and boot configuration");
}

static int put_default_deny(struct fw *f)
{
	ks_collect_ctx *ctx = f->ctx;
	const char *key = "firewall.inbound_default_deny";
	const ks_fw_verdict *v4 = NULL, *v6 = NULL;
	bool v6_rules = false, maybe4 = false, maybe6 = false;
	const char *maybe_why = NULL;
	for (size_t i = 0; i < f->n; i++) {
		struct tool *t = &f->t[i];
		if (!t->installed || t->enabled == 0)
			continue;
		const ks_fw_result *r = &t->res;
		bool sure = t->enabled == 1;
		if (sure && r->v6.policy != KS_FW_NONE)
			v6_rules = true;
		if (sure && deny(r->v4.policy) && !v4)
			v4 = &r->v4;
		if (sure && deny(r->v6.policy) && !v6)
			v6 = &r->v6;
		/* Could deny, if the unknown part turned out well. */
		if ((deny(r->v4.policy) || r->v4.policy == KS_FW_UNKNOWN) && !(sure && deny(r->v4.policy))) {
			maybe4 = true;
			maybe_why = maybe_why ? maybe_why
			                      : ks_arena_printf(ctx->arena, "%s: %s", t->name,
			                                        r->v4.policy == KS_FW_UNKNOWN && r->v4.why ? r->v4.why
			                                        : t->enabled_why ? t->enabled_why
			                                                         : "inbound policy unknown");
		}
		if ((deny(r->v6.policy) || r->v6.policy == KS_FW_UNKNOWN) && !(sure && deny(r->v6.policy))) {
			maybe6 = true;
			maybe_why = maybe_why ? maybe_why
			                      : ks_arena_printf(ctx->arena, "%s: %s", t->name,
			                                        r->v6.policy == KS_FW_UNKNOWN && r->v6.why ? r->v6.why
			                                        : t->enabled_why ? t->enabled_why
			                                                         : "IPv6 inbound policy unknown");
		}
	}
	if (v4 && (!v6_rules || v6))
		return ks_fact_put(ctx->facts, key, ks_val_bool(true), v4->path, v4->line);
	if ((v4 || maybe4) && (!v6_rules || v6 || maybe6) && (maybe4 || maybe6))
		return ks_fact_unknown(ctx->facts, key, NULL, "%s", maybe_why ? maybe_why : "some firewall state unknown");
	if (f->unit_error)
		return ks_fact_unknown(ctx->facts, key, "/etc/systemd/system", "cannot list the systemd unit links: %s",
		                       ks_strerror(f->unit_error));
	const char *probe = v4 ? "IPv4 is denied by default, but IPv6 rules exist and no enabled firewall drops "
	                         "IPv6 by default"
	                       : "no enabled firewall drops or rejects inbound IPv4 by default";
	return ks_fact_put_probe(ctx->facts, key, ks_val_bool(false), probe);
}

int ks_collect_firewall(ks_collect_ctx *ctx)
{
	struct fw *f = ks_arena_alloc(ctx->arena, sizeof *f);
	if (!f)
		return KS_ENOMEM;
	f->ctx = ctx;
	static const char *const names[] = {"nftables", "iptables-persistent", "ufw", "firewalld"};
	static int (*const fns[])(struct fw *, struct tool *) = {tool_nftables, tool_iptables, tool_ufw, tool_firewalld};
	for (size_t i = 0; i < 4; i++) {
		struct tool *t = &f->t[f->n++];
		t->name = names[i];
		int rc = fns[i](f, t);
		if (rc < 0)
			return rc;
	}
	int rc = put_tools(f);
	if (rc < 0)
		return rc;
	return put_default_deny(f);
}
