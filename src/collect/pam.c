/* PAM collector: /etc/pam.d service stacks (Linux-PAM 1.5 syntax and lookup) -> pam.<service>.*
 * facts, plus the stack loader and flow analysis declared in pam.h. */
#include "pam.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/stateset.h"
#include "core/limits.h"
#include "core/text.h"

static const char *const type_names[KS_PAM_NTYPES] = {"auth", "account", "password", "session"};

/* libpam's _pam_token_returns (pam_tokens.h), indexed by return value; "default" last. */
static const char *const ret_names[KS_PAM_NRET + 1] = {
	"success", "open_err", "symbol_err", "service_err", "system_err", "buf_err", "perm_denied",
	"auth_err", "cred_insufficient", "authinfo_unavail", "user_unknown", "maxtries",
	"new_authtok_reqd", "acct_expired", "session_err", "cred_unavail", "cred_expired", "cred_err",
	"no_module_data", "conv_err", "authtok_err", "authtok_recover_err", "authtok_lock_busy",
	"authtok_disable_aging", "try_again", "ignore", "abort", "authtok_expired", "module_unknown",
	"bad_item", "conv_again", "incomplete", "default",
};
/* libpam's _pam_token_actions: index i is action -i. */
static const char *const act_names[] = {"ignore", "ok", "done", "bad", "die", "reset"};

/* Debian's libpam 1.5.2 is built without a vendor directory: only these two are searched. */
static const char *const pamd_dirs[] = {"/etc/pam.d", "/usr/lib/pam.d"};

#define TYPE_BITS_ALL 0xFu
#define DIAG_TYPELESS 0x10u /* lines whose type is unusable were reported for this file */

const char *ks_pam_type_name(ks_pam_type t)
{
	return (unsigned)t < KS_PAM_NTYPES ? type_names[t] : "?";
}

/* ---- loader ------------------------------------------------------------------------------ */

typedef struct cached_file {
	const char *path;
	char *data;
	size_t len;
	int rc;
	unsigned diag_mask; /* types (bits) whose lines were already checked and reported */
} cached_file;

struct ks_pam_loader {
	ks_collect_ctx cctx; /* the caller's context; diags replaced by a scratch list when quiet */
	cached_file *files;
	size_t nfiles, cap;
};

typedef struct run {
	ks_pam_loader *l;
	ks_pam_entry *v;
	size_t n, cap;
	const char **incomplete; /* [KS_PAM_NTYPES] */
	const char *open[KS_MAX_INCLUDE_DEPTH + 2]; /* resolved paths being read (loop detection) */
	int depth;
	int files;
} run;

ks_pam_loader *ks_pam_loader_new(ks_collect_ctx *ctx, bool quiet)
{
	ks_pam_loader *l = ks_arena_alloc(ctx->arena, sizeof *l);
	if (!l)
		return NULL;
	l->cctx = *ctx;
	if (quiet && !(l->cctx.diags = ks_diags_new(ctx->arena)))
		return NULL;
	return l;
}

static cached_file *cache_find(ks_pam_loader *l, const char *path)
{
	for (size_t i = 0; i < l->nfiles; i++)
		if (strcmp(l->files[i].path, path) == 0)
			return &l->files[i];
	return NULL;
}

/* Reads PATH once per loader; returns the cached entry (rc is the read result) or NULL (ENOMEM). */
static cached_file *cache_read(ks_pam_loader *l, const char *path)
{
	cached_file *f = cache_find(l, path);
	if (f)
		return f;
	if (l->nfiles == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		cached_file *nf = ks_arena_alloc(l->cctx.arena, cap * sizeof *nf);
		if (!nf)
			return NULL;
		if (l->nfiles)
			memcpy(nf, l->files, l->nfiles * sizeof *nf);
		l->files = nf;
		l->cap = cap;
	}
	f = &l->files[l->nfiles];
	memset(f, 0, sizeof *f);
	if (!(f->path = ks_arena_strdup(l->cctx.arena, path)))
		return NULL;
	f->rc = ks_collect_read(&l->cctx, path, &f->data, &f->len);
	if (f->rc == KS_ENOMEM)
		return NULL;
	if (f->rc == KS_OK && !ks_is_text(f->data, f->len)) {
		ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, path, 0, 0, "binary data in a PAM file");
		f->rc = KS_EPARSE;
	}
	l->nfiles++;
	return f;
}

/* Finds NAME as libpam's _pam_open_config_file does: absolute as is, else each pam.d dir in
 * turn. A file that exists but cannot be read stops the search (libpam, as root, would read it). */
static cached_file *resolve(run *r, const char *name, int *rc)
{
	if (name[0] == '/') {
		cached_file *f = cache_read(r->l, name);
		*rc = f ? f->rc : KS_ENOMEM;
		return f;
	}
	cached_file *f = NULL;
	for (size_t i = 0; i < sizeof pamd_dirs / sizeof *pamd_dirs; i++) {
		char *p = ks_arena_printf(r->l->cctx.arena, "%s/%s", pamd_dirs[i], name);
		if (!p || !(f = cache_read(r->l, p))) {
			*rc = KS_ENOMEM;
			return NULL;
		}
		if (f->rc != KS_ENOENT)
			break;
	}
	*rc = f->rc;
	return f;
}

static int push_entry(run *r, const ks_pam_entry *e)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		ks_pam_entry *nv = ks_arena_alloc(r->l->cctx.arena, cap * sizeof *nv);
		if (!nv)
			return KS_ENOMEM;
		if (r->n)
			memcpy(nv, r->v, r->n * sizeof *nv);
		r->v = nv;
		r->cap = cap;
	}
	r->v[r->n++] = *e;
	return KS_OK;
}

static void set_default(signed char *actions, int act)
{
	for (int i = 0; i < KS_PAM_NRET; i++)
		if (actions[i] == KS_PAM_ACT_UNDEF)
			actions[i] = (signed char)act;
}

/* libpam's _pam_parse_control: "value=action" pairs; return names match as prefixes in table
 * order, as libpam's strncmp does. On error every value becomes "bad". */
static bool parse_control(signed char *actions, const char *tok, const char **err)
{
	const char *p = tok;
	for (;;) {
		while (ks_is_space(*p))
			p++;
		if (!*p)
			return true;
		int ret;
		size_t len = 0;
		for (ret = 0; ret <= KS_PAM_NRET; ret++) {
			len = strlen(ret_names[ret]);
			if (strncmp(ret_names[ret], p, len) == 0)
				break;
		}
		if (ret > KS_PAM_NRET || !p[len]) {
			*err = "expecting a return value (success, auth_err, default ...)";
			goto bad;
		}
		p += len;
		while (ks_is_space(*p))
			p++;
		if (*p != '=') {
			*err = "expecting '='";
			goto bad;
		}
		p++;
		while (ks_is_space(*p))
			p++;
		if (!*p) {
			*err = "expecting an action";
			goto bad;
		}
		int act = 1;
		for (int a = 0; a < (int)(sizeof act_names / sizeof *act_names); a++) {
			size_t al = strlen(act_names[a]);
			if (strncmp(act_names[a], p, al) == 0) {
				act = -a;
				p += al;
				break;
			}
		}
		if (act > 0) {
			if (*p < '0' || *p > '9') {
				*err = "expecting an action or a jump number";
				goto bad;
			}
			long n = 0;
			while (*p >= '0' && *p <= '9') {
				if (n < 1000)
					n = n * 10 + (*p - '0');
				p++;
			}
			if (n == 0) {
				*err = "a jump must be non-zero";
				goto bad;
			}
			act = n > 127 ? 127 : (int)n; /* a jump past the end fails the same way */
		}
		if (ret != KS_PAM_NRET)
			actions[ret] = (signed char)act;
		else
			set_default(actions, act);
	}
bad:
	for (int i = 0; i < KS_PAM_NRET; i++)
		actions[i] = KS_PAM_ACT_BAD;
	return false;
}

static void set_simple_control(signed char *actions, ks_pam_control_kind k)
{
	for (int i = 0; i < KS_PAM_NRET; i++)
		actions[i] = KS_PAM_ACT_UNDEF;
	/* pam_handlers.c: the four keywords as [..] equivalents. */
	switch (k) {
	case KS_PAM_CTL_REQUIRED:
	case KS_PAM_CTL_REQUISITE:
		actions[KS_PAM_R_SUCCESS] = KS_PAM_ACT_OK;
		actions[KS_PAM_R_NEW_AUTHTOK_REQD] = KS_PAM_ACT_OK;
		actions[KS_PAM_R_IGNORE] = KS_PAM_ACT_IGNORE;
		set_default(actions, k == KS_PAM_CTL_REQUIRED ? KS_PAM_ACT_BAD : KS_PAM_ACT_DIE);
		break;
	case KS_PAM_CTL_OPTIONAL:
		actions[KS_PAM_R_SUCCESS] = KS_PAM_ACT_OK;
		actions[KS_PAM_R_NEW_AUTHTOK_REQD] = KS_PAM_ACT_OK;
		set_default(actions, KS_PAM_ACT_IGNORE);
		break;
	case KS_PAM_CTL_SUFFICIENT:
		actions[KS_PAM_R_SUCCESS] = KS_PAM_ACT_DONE;
		actions[KS_PAM_R_NEW_AUTHTOK_REQD] = KS_PAM_ACT_DONE;
		set_default(actions, KS_PAM_ACT_IGNORE);
		break;
	default:
		set_default(actions, KS_PAM_ACT_BAD);
		break;
	}
}

typedef struct tok {
	const char *s;   /* cooked (bracket content unescaped), NUL-terminated */
	size_t raw_off;  /* span in the original logical line */
	size_t raw_len;
	bool bracket;
} tok;

/* libpam's _pam_StrTok over " \n\t": a token starting with '[' runs to the first ']' ("\]"
 * stands for ']') and is returned without its brackets. Tokenises BUF in place. */
static size_t tokenize(char *buf, tok *t, size_t max, bool *truncated)
{
	size_t n = 0;
	char *p = buf;
	*truncated = false;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (n == max) {
			*truncated = true;
			break;
		}
		char *start = p;
		if (*p == '[') {
			char *from = ++p, *to = p;
			while (*from && *from != ']') {
				if (*from == '\\' && from[1] == ']')
					from++;
				*to++ = *from++;
			}
			bool closed = *from == ']';
			char *next = closed ? from + 1 : from;
			t[n] = (tok){.s = p, .raw_off = (size_t)(start - buf), .raw_len = (size_t)(next - start),
			             .bracket = true};
			*to = '\0';
			p = next;
		} else {
			while (*p && *p != ' ' && *p != '\t' && *p != '\n')
				p++;
			t[n] = (tok){.s = start, .raw_off = (size_t)(start - buf), .raw_len = (size_t)(p - start)};
			if (*p)
				*p++ = '\0';
		}
		n++;
	}
	return n;
}

/* Module name as libpam's extract_modulename: basename up to its last '.'. */
static const char *module_name(ks_arena *a, const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	const char *dot = strrchr(b, '.');
	return ks_arena_strndup(a, b, dot ? (size_t)(dot - b) : strlen(b));
}

static void mark_incomplete(run *r, unsigned mask, const char *reason)
{
	for (int t = 0; t < KS_PAM_NTYPES; t++)
		if ((mask & (1u << t)) && !r->incomplete[t])
			r->incomplete[t] = reason;
}

static int parse_file(run *r, const char *path, const char *data, size_t len, int req, int level,
                      const char *via);

/* Adds libpam's stand-in for a line it could not use: a handler that always fails. */
static int push_must_fail(run *r, unsigned mask, const signed char *actions, const char *control,
                          ks_pam_control_kind ck, const char *target, const char *path, int line,
                          const char *via, int level, const char *why)
{
	for (int t = 0; t < KS_PAM_NTYPES; t++) {
		if (!(mask & (1u << t)))
			continue;
		ks_pam_entry e = {.type = (ks_pam_type)t, .kind = KS_PAM_E_MUST_FAIL, .control = control,
		                  .control_kind = ck, .module_path = target, .file = path, .line = line,
		                  .via = via, .level = level, .error = why};
		if (actions)
			memcpy(e.actions, actions, sizeof e.actions);
		else
			for (int i = 0; i < KS_PAM_NRET; i++)
				e.actions[i] = KS_PAM_ACT_BAD;
		int rc = push_entry(r, &e);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

/* include/substack/@include of NAME for the types in REQ (-1: all). Returns 0, KS_ENOMEM, or
 * another negative code after recording why (the caller adds the failing stand-in). */
static int include_file(run *r, const char *name, int req, int level, const char *via,
                        const char *from, int line, bool report, const char **why)
{
	ks_pam_loader *l = r->l;
	ks_arena *a = l->cctx.arena;
	if (r->depth > KS_MAX_INCLUDE_DEPTH) {
		*why = ks_arena_printf(a, "%s:%d: includes nested deeper than %d", from, line,
		                       KS_MAX_INCLUDE_DEPTH);
		if (report)
			ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, from, line, 0,
			            "includes nested deeper than %d: not followed", KS_MAX_INCLUDE_DEPTH);
		return *why ? KS_ELIMIT : KS_ENOMEM;
	}
	if (r->files >= KS_MAX_INCLUDE_FILES) {
		*why = ks_arena_printf(a, "%s:%d: more than %d included files", from, line,
		                       KS_MAX_INCLUDE_FILES);
		if (report)
			ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, from, line, 0,
			            "more than %d included files: not followed", KS_MAX_INCLUDE_FILES);
		return *why ? KS_ELIMIT : KS_ENOMEM;
	}
	int rc;
	cached_file *f = resolve(r, name, &rc);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		*why = ks_arena_printf(a, "%s:%d: included file '%s' %s", from, line, name,
		                       rc == KS_ENOENT ? "not found" : ks_strerror(rc));
		if (rc == KS_ENOENT && report)
			ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, from, line, 0,
			            "included file '%s' not found in /etc/pam.d or /usr/lib/pam.d "
			            "(libpam fails this line)", name);
		return *why ? rc : KS_ENOMEM;
	}
	for (int i = 0; i < r->depth; i++) {
		if (strcmp(r->open[i], f->path) != 0)
			continue;
		char *chain = ks_arena_printf(a, "%s", r->open[i]);
		for (int j = i + 1; chain && j < r->depth; j++)
			chain = ks_arena_printf(a, "%s > %s", chain, r->open[j]);
		chain = chain ? ks_arena_printf(a, "%s > %s", chain, f->path) : NULL;
		*why = chain ? ks_arena_printf(a, "%s:%d: include loop %s", from, line, chain) : NULL;
		if (report)
			ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, from, line, 0, "include loop: %s",
			            chain ? chain : f->path);
		return *why ? KS_ELOOP : KS_ENOMEM;
	}
	const char *v = ks_arena_printf(a, "%s > %s", via, name);
	if (!v)
		return KS_ENOMEM;
	r->files++;
	r->open[r->depth++] = f->path;
	rc = parse_file(r, f->path, f->data, f->len, req, level, v);
	r->depth--;
	if (rc == KS_EPARSE)
		*why = ks_arena_printf(a, "%s:%d: included file %s is rejected by libpam", from, line, f->path);
	return rc == KS_EPARSE && !*why ? KS_ENOMEM : rc;
}

static int type_of(const char *s, bool *silent)
{
	*silent = false;
	if (*s == '-') {
		*silent = true;
		s++;
	}
	for (int t = 0; t < KS_PAM_NTYPES; t++)
		if (strcasecmp(s, type_names[t]) == 0)
			return t;
	return -1;
}

/* One logical line (comments removed, continuations joined). */
static int parse_line(run *r, const char *path, int lineno, char *buf, size_t blen, tok *t, int req,
                      int level, const char *via, unsigned diag_mask)
{
	ks_pam_loader *l = r->l;
	ks_arena *a = l->cctx.arena;
	const char *orig = ks_arena_strndup(a, buf, blen);
	if (!orig)
		return KS_ENOMEM;
	bool truncated;
	size_t nt = tokenize(buf, t, KS_MAX_TOKENS, &truncated);
	if (nt == 0)
		return KS_OK;

	/* Debian's libpam: "@include FILE" pulls in FILE's lines of the types being read. */
	if (strcasecmp(t[0].s, "@include") == 0) {
		unsigned mask = req < 0 ? TYPE_BITS_ALL : 1u << req;
		if (nt < 2) {
			if (!(diag_mask & DIAG_TYPELESS))
				ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, path, lineno, 0,
				            "@include without a file name (libpam fails this service)");
			return push_must_fail(r, mask, NULL, "@include", KS_PAM_CTL_INCLUDE, NULL, path, lineno,
			                      via, level, "@include without a file name");
		}
		const char *why = NULL;
		int rc = include_file(r, t[1].s, req, level, via, path, lineno, !(diag_mask & DIAG_TYPELESS),
		                      &why);
		if (rc == KS_ENOMEM || rc == KS_OK)
			return rc;
		mark_incomplete(r, mask, why);
		const char *target = ks_arena_strdup(a, t[1].s);
		return target ? push_must_fail(r, mask, NULL, "@include", KS_PAM_CTL_INCLUDE, target, path,
		                               lineno, via, level, why)
		              : KS_ENOMEM;
	}

	bool silent;
	int type = type_of(t[0].s, &silent);
	bool must_fail = false;
	const char *why = NULL;
	if (type < 0) {
		/* pam_handlers.c: an illegal type is installed as a failing handler for the type being
		 * read, or for auth ("most sensitive") when reading the whole file. */
		if (!(diag_mask & DIAG_TYPELESS))
			ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, path, lineno, 1,
			            "expected a module type (auth, account, password, session), got '%s'",
			            t[0].s);
		type = req >= 0 ? req : KS_PAM_AUTH;
		must_fail = true;
		why = "illegal module type";
	}
	if (req >= 0 && type != req)
		return KS_OK;
	bool report = !(diag_mask & (1u << type));
	if (truncated && report)
		ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, path, lineno, 0,
		            "more than %u words: the rest are ignored", KS_MAX_TOKENS);

	ks_pam_entry e = {.type = (ks_pam_type)type, .kind = KS_PAM_E_MODULE, .silent = silent,
	                  .file = path, .line = lineno, .via = via, .level = level};
	for (int i = 0; i < KS_PAM_NRET; i++)
		e.actions[i] = KS_PAM_ACT_UNDEF;
	if (nt < 2) {
		if (report)
			ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, path, lineno, 0,
			            "expected a control (required, requisite, sufficient, optional, [..])");
		e.control = "";
		e.control_kind = KS_PAM_CTL_INVALID;
		set_default(e.actions, KS_PAM_ACT_BAD);
		must_fail = true;
		why = why ? why : "no control";
	} else {
		const char *c = t[1].s;
		if (!(e.control = ks_arena_strndup(a, orig + t[1].raw_off, t[1].raw_len)))
			return KS_ENOMEM;
		static const struct {
			const char *word;
			ks_pam_control_kind k;
		} kw[] = {{"required", KS_PAM_CTL_REQUIRED},   {"requisite", KS_PAM_CTL_REQUISITE},
		          {"optional", KS_PAM_CTL_OPTIONAL},   {"sufficient", KS_PAM_CTL_SUFFICIENT},
		          {"include", KS_PAM_CTL_INCLUDE},     {"substack", KS_PAM_CTL_SUBSTACK}};
		/* libpam compares the token with its brackets already stripped: "[required]" works. */
		e.control_kind = KS_PAM_CTL_BRACKET;
		for (size_t i = 0; i < sizeof kw / sizeof *kw; i++)
			if (strcasecmp(c, kw[i].word) == 0)
				e.control_kind = kw[i].k;
		if (e.control_kind == KS_PAM_CTL_BRACKET) {
			const char *err = NULL;
			if (!parse_control(e.actions, c, &err)) {
				e.control_kind = KS_PAM_CTL_INVALID;
				if (report)
					ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, path, lineno, 0,
					            t[1].bracket ? "control [%s]: %s (libpam treats every result as failure)"
					                         : "unknown control '%s' (%s; libpam treats every "
					                           "result as failure)",
					            c, err);
			}
			set_default(e.actions, KS_PAM_ACT_BAD);
		} else {
			set_simple_control(e.actions, e.control_kind);
		}
	}

	if (!must_fail && (e.control_kind == KS_PAM_CTL_INCLUDE || e.control_kind == KS_PAM_CTL_SUBSTACK)) {
		bool sub = e.control_kind == KS_PAM_CTL_SUBSTACK;
		if (nt < 3) {
			if (report)
				ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, path, lineno, 0,
				            "%s without a file name (libpam fails this line)", e.control);
			return push_must_fail(r, 1u << type, NULL, e.control, e.control_kind, NULL, path, lineno,
			                      via, level, "include without a file name");
		}
		const char *target = ks_arena_strdup(a, t[2].s);
		if (!target)
			return KS_ENOMEM;
		if (sub) {
			ks_pam_entry head = e;
			head.kind = KS_PAM_E_SUBSTACK;
			head.module_path = target;
			int rc = push_entry(r, &head);
			if (rc < 0)
				return rc;
		}
		int rc = include_file(r, target, type, level + (sub ? 1 : 0), via, path, lineno, report, &why);
		if (rc == KS_ENOMEM || rc == KS_OK)
			return rc;
		mark_incomplete(r, 1u << type, why);
		return push_must_fail(r, 1u << type, NULL, e.control, e.control_kind, target, path, lineno, via,
		                      level, why);
	}

	if (nt < 3 && !must_fail) {
		if (report)
			ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, path, lineno, 0,
			            "expected a module after the control");
		must_fail = true;
		why = "no module name";
	}
	if (nt >= 3) {
		if (!(e.module_path = ks_arena_strdup(a, t[2].s)) || !(e.module = module_name(a, t[2].s)))
			return KS_ENOMEM;
		e.nargs = nt - 3;
		if (e.nargs) {
			e.args = ks_arena_alloc(a, e.nargs * sizeof *e.args);
			if (!e.args)
				return KS_ENOMEM;
			for (size_t i = 0; i < e.nargs; i++)
				if (!(e.args[i] = ks_arena_strdup(a, t[3 + i].s)))
					return KS_ENOMEM;
		}
	}
	if (must_fail) {
		e.kind = KS_PAM_E_MUST_FAIL;
		e.error = why;
	}
	return push_entry(r, &e);
}

/* libpam's _pam_assemble_line: comments run from '#' to the end of the line; a trailing
 * backslash joins the next non-blank, non-comment line; REQ is the type being read (-1 all). */
static int parse_file(run *r, const char *path, const char *data, size_t len, int req, int level,
                      const char *via)
{
	ks_pam_loader *l = r->l;
	cached_file *cf = cache_find(l, path);
	unsigned diag_mask = cf ? cf->diag_mask : 0;
	/* One line buffer and token array per file being read (parse_line recurses for includes). */
	char *buf = ks_arena_alloc(l->cctx.arena, KS_MAX_LINE + 2);
	tok *t = ks_arena_alloc(l->cctx.arena, KS_MAX_TOKENS * sizeof *t);
	if (!buf || !t)
		return KS_ENOMEM;
	ks_lines it;
	ks_lines_init(&it, data, len);
	int rc = KS_OK;
	for (;;) {
		size_t used = 0;
		int start = 0;
		bool complete = false, overflow = false;
		const char *ln;
		size_t n;
		while (ks_lines_next(&it, &ln, &n)) {
			size_t i = 0;
			while (i < n && (ln[i] == ' ' || ln[i] == '\t'))
				i++;
			if (i == n || ln[i] == '#')
				continue; /* blank or comment: skipped, even inside a continuation */
			if (!start)
				start = it.lineno;
			const char *s = ln + i;
			size_t m = n - i;
			const char *hash = memchr(s, '#', m);
			bool cont = false;
			if (hash) {
				m = (size_t)(hash - s);
			} else {
				while (m && (s[m - 1] == ' ' || s[m - 1] == '\t'))
					m--;
				if (m && s[m - 1] == '\\') {
					m--;
					cont = true;
				}
			}
			if (used + m + 1 > KS_MAX_LINE) {
				overflow = true;
			} else {
				memcpy(buf + used, s, m);
				used += m;
				if (cont)
					buf[used++] = ' ';
			}
			if (!cont) {
				complete = true;
				break;
			}
		}
		if (!start)
			break;
		if (!complete) {
			/* libpam: a file ending inside a continued line is an error for the whole file. */
			if (!(diag_mask & DIAG_TYPELESS))
				ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, path, start, 0,
				            "file ends inside a continued line (libpam rejects the file)");
			rc = KS_EPARSE;
			break;
		}
		if (overflow) {
			if (!(diag_mask & DIAG_TYPELESS))
				ks_diag_add(l->cctx.diags, KS_DIAG_WARNING, path, start, 0,
				            "line longer than %u bytes: skipped", KS_MAX_LINE);
			continue;
		}
		buf[used] = '\0';
		rc = parse_line(r, path, start, buf, used, t, req, level, via, diag_mask);
		if (rc == KS_ENOMEM)
			return rc;
		rc = KS_OK;
	}
	if ((cf = cache_find(l, path)))
		cf->diag_mask |= (req < 0 ? TYPE_BITS_ALL : 1u << req) | DIAG_TYPELESS;
	return rc;
}

/* Loads NAME as a top-level service into R; returns the read result (0, KS_ENOENT ...). */
static int load_top(run *r, const char *name, const char **found)
{
	*found = NULL;
	int rc;
	cached_file *f = resolve(r, name, &rc);
	if (rc < 0)
		return rc;
	*found = f->path;
	r->files = 1;
	r->depth = 1;
	r->open[0] = f->path;
	rc = parse_file(r, f->path, f->data, f->len, -1, 0, name);
	if (rc == KS_EPARSE) {
		const char *why = ks_arena_printf(r->l->cctx.arena, "%s is rejected by libpam", f->path);
		if (!why)
			return KS_ENOMEM;
		mark_incomplete(r, TYPE_BITS_ALL, why);
		rc = KS_OK;
	}
	return rc;
}

static bool pamd_dir_exists(ks_pam_loader *l)
{
	for (size_t i = 0; i < sizeof pamd_dirs / sizeof *pamd_dirs; i++) {
		struct stat st;
		if (ks_rootfs_stat(l->cctx.root, pamd_dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			return true;
	}
	return false;
}

static int new_stack(ks_arena *a, const char *service, ks_pam_stack **out)
{
	ks_pam_stack *s = ks_arena_alloc(a, sizeof *s);
	if (!s || !(s->service = ks_arena_strdup(a, service)))
		return KS_ENOMEM;
	*out = s;
	return KS_OK;
}

int ks_pam_load(ks_pam_loader *l, const char *service, ks_pam_stack **out)
{
	ks_arena *a = l->cctx.arena;
	ks_pam_stack *s;
	if (new_stack(a, service, &s) < 0)
		return KS_ENOMEM;
	*out = s;
	if (!pamd_dir_exists(l)) {
		/* libpam would fall back to /etc/pam.conf, which kenshin does not read. */
		s->error = "neither /etc/pam.d nor /usr/lib/pam.d exists (/etc/pam.conf is not analysed)";
		return KS_OK;
	}
	run r = {.l = l, .incomplete = s->incomplete};
	int rc = load_top(&r, service, &s->file);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && rc != KS_ENOENT) {
		s->error = ks_arena_printf(a, "%s/%s: %s", pamd_dirs[0], service, ks_strerror(rc));
		return s->error ? KS_OK : KS_ENOMEM;
	}
	s->entries = r.v;
	s->n = r.n;
	run o = {.l = l, .incomplete = s->other_incomplete};
	rc = load_top(&o, "other", &s->other_file);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && rc != KS_ENOENT) {
		/* Only matters for types the service file lacks. */
		const char *why = ks_arena_printf(a, "%s/other: %s", pamd_dirs[0], ks_strerror(rc));
		if (!why)
			return KS_ENOMEM;
		for (int t = 0; t < KS_PAM_NTYPES; t++)
			s->other_incomplete[t] = why;
	}
	s->other = o.v;
	s->nother = o.n;
	return KS_OK;
}

int ks_pam_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                        ks_pam_stack **out)
{
	ks_pam_loader *l = ks_pam_loader_new(ctx, false);
	if (!l)
		return KS_ENOMEM;
	const char *base = strrchr(path, '/');
	ks_pam_stack *s;
	if (new_stack(ctx->arena, base ? base + 1 : path, &s) < 0)
		return KS_ENOMEM;
	*out = s;
	if (!(s->file = ks_arena_strdup(ctx->arena, path)))
		return KS_ENOMEM;
	run r = {.l = l, .incomplete = s->incomplete, .files = 1, .depth = 1};
	r.open[0] = s->file;
	int rc = parse_file(&r, s->file, data, len, -1, 0, s->service);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_EPARSE)
		mark_incomplete(&r, TYPE_BITS_ALL, "the file is rejected by libpam");
	s->entries = r.v;
	s->n = r.n;
	return KS_OK;
}

int ks_pam_chain_get(ks_collect_ctx *ctx, const ks_pam_stack *s, ks_pam_type type, ks_pam_chain *out)
{
	memset(out, 0, sizeof *out);
	out->type = type;
	const ks_pam_entry *v = s->entries;
	size_t n = s->n;
	bool own = false;
	for (size_t i = 0; i < n && !own; i++)
		own = v[i].type == type;
	/* pam_dispatch.c: a type with no handler in the service falls back to "other". */
	const char *const *inc = s->incomplete;
	if (!own) {
		v = s->other;
		n = s->nother;
		inc = s->other_incomplete;
		out->from_other = true;
	}
	out->incomplete = inc[type];
	size_t cnt = 0;
	for (size_t i = 0; i < n; i++)
		cnt += v[i].type == type;
	if (!cnt)
		return KS_OK;
	out->e = ks_arena_alloc(ctx->arena, cnt * sizeof *out->e);
	if (!out->e)
		return KS_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (v[i].type == type)
			out->e[out->n++] = &v[i];
	return KS_OK;
}

const char *ks_pam_arg(const ks_pam_entry *e, const char *prefix)
{
	size_t pl = strlen(prefix);
	const char *v = NULL;
	for (size_t i = 0; i < e->nargs; i++)
		if (strncmp(e->args[i], prefix, pl) == 0)
			v = e->args[i] + pl;
	return v;
}

bool ks_pam_has_arg(const ks_pam_entry *e, const char *word)
{
	for (size_t i = 0; i < e->nargs; i++)
		if (strcmp(e->args[i], word) == 0)
			return true;
	return false;
}

bool ks_pam_is(const ks_pam_entry *e, const char *module)
{
	return e->kind == KS_PAM_E_MODULE && e->module && strcmp(e->module, module) == 0;
}

/* ---- flow analysis ----------------------------------------------------------------------- */

/* An abstract run of libpam's _pam_dispatch_aux (pam_dispatch.c, frozen-chain mode as for
 * pam_authenticate/pam_chauthtok): every module may return any value unless we know better, and
 * we search all reachable states. IMPRESSION: 0 undefined, 1 positive, 2 negative. */
#define FLOW_LEVELS (KS_MAX_INCLUDE_DEPTH + 3)
#define FLOW_MAX_STATES 65536u

typedef struct fstate {
	uint32_t idx;
	uint8_t hit;             /* a counted target returned success on the way */
	uint8_t prev_level;
	uint8_t imp;
	uint8_t ok;              /* status == PAM_SUCCESS */
	uint8_t sub[FLOW_LEVELS]; /* substates saved on entering a level: 1 + imp * 2 + ok */
} fstate;


static uint32_t returns_of(const ks_pam_entry *e, ks_pam_target tg)
{
	const uint32_t any = ~(1u << KS_PAM_R_INCOMPLETE); /* incomplete suspends, it never decides */
	if (e->kind == KS_PAM_E_MUST_FAIL)
		return 1u << KS_PAM_R_PERM_DENIED;
	if (tg == KS_PAM_TARGET)
		return any & ~(1u << KS_PAM_R_IGNORE);
	if (tg == KS_PAM_TARGET_BYPASSABLE)
		return any;
	if (ks_pam_is(e, "pam_permit"))
		return 1u << KS_PAM_R_SUCCESS;
	if (ks_pam_is(e, "pam_deny")) /* pam_deny.c: the type's failure code, nothing else */
		return 1u << (e->type == KS_PAM_PASSWORD  ? KS_PAM_R_AUTHTOK_ERR
		              : e->type == KS_PAM_SESSION ? KS_PAM_R_SESSION_ERR
		                                          : KS_PAM_R_AUTH_ERR);
	return any;
}

typedef struct fstack {
	fstate *v;
	size_t n, cap;
} fstack;

/* One module result in libpam's dispatch loop (_pam_dispatch_aux): folds the control's action
 * for result SUCC into the stack's impression IMP (0 none, 1 success-so-far, 2 failure) and status
 * OK, and returns the index of the last entry consumed (a jump skips whole nested substacks; done
 * and die end the current level). SUB is the substate saved on entering this level (1+imp*2+ok). */
size_t ks_pam_dispatch_step(const ks_pam_chain *c, size_t idx, int act, int succ, uint8_t sub, uint8_t *imp,
                            uint8_t *ok)
{
	const size_t n = c->n;
	const int L = c->e[idx]->level;
	bool decided = false;
	size_t j = idx;
	switch (act) {
	case KS_PAM_ACT_RESET: {
		int sv = sub ? sub - 1 : 0;
		*imp = (uint8_t)(sv / 2);
		*ok = (uint8_t)(sv % 2);
		break;
	}
	case KS_PAM_ACT_OK:
	case KS_PAM_ACT_DONE:
		if (*imp == 0 || (*imp == 1 && *ok)) {
			*imp = 1;
			*ok = (uint8_t)succ;
		}
		decided = *imp == 1 && act == KS_PAM_ACT_DONE;
		break;
	case KS_PAM_ACT_BAD:
	case KS_PAM_ACT_DIE:
		if (*imp != 2) {
			*imp = 2;
			*ok = (uint8_t)succ;
		}
		decided = act == KS_PAM_ACT_DIE;
		break;
	case KS_PAM_ACT_IGNORE:
		break;
	default:
		if (act > 0) {
			/* Skip ACT modules of this level, each with whatever nests below it. */
			int left = act;
			while (j + 1 < n && c->e[j + 1]->level >= L && left > 0) {
				do
					j++;
				while (j + 1 < n && c->e[j + 1]->level > L);
				left--;
			}
			if (left) { /* "bad jump in stack" */
				*imp = 2;
				*ok = 0;
			}
		} else {
			*imp = 2;
			*ok = 0;
		}
		break;
	}
	if (decided) /* done/die end this (sub)stack */
		while (j + 1 < n && c->e[j + 1]->level >= L)
			j++;
	return j;
}

static int fpush(fstack *st, ks_stateset *seen, const fstate *s)
{
	int added = ks_stateset_add(seen, s);
	if (added <= 0)
		return added;
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 256;
		fstate *nv = realloc(st->v, cap * sizeof *nv);
		if (!nv)
			return KS_ENOMEM;
		st->v = nv;
		st->cap = cap;
	}
	st->v[st->n++] = *s;
	return 1;
}

/* One search. COUNTS[i]: entry i's success sets the state's "hit" bit. Results: some successful
 * end state (*CAN), one without the bit (*WITHOUT). Returns 0, KS_ENOMEM or KS_ELIMIT. */
static int flow_run(const ks_pam_chain *c, const ks_pam_target *tg, const bool *counts, bool *can,
                    bool *without)
{
	size_t n = c->n;
	ks_stateset seen = KS_STATESET_INIT(sizeof(fstate));
	fstack st = {0};
	int rc;
	*can = *without = false;
	fstate s0;
	memset(&s0, 0, sizeof s0);
	s0.sub[0] = 1; /* libpam: substates[0] = {undefined, PAM_MUST_FAIL_CODE} */
	if ((rc = fpush(&st, &seen, &s0)) < 0)
		goto done;
	rc = KS_OK;
	while (st.n) {
		if (seen.n > FLOW_MAX_STATES) {
			rc = KS_ELIMIT;
			break;
		}
		fstate s = st.v[--st.n];
		if (s.idx >= n) {
			if (s.imp == 1 && s.ok) {
				*can = true;
				if (!s.hit)
					*without = true;
			}
			continue;
		}
		const ks_pam_entry *h = c->e[s.idx];
		int L = h->level;
		if (s.prev_level < L)
			s.sub[L] = (uint8_t)(1 + s.imp * 2 + s.ok);
		if (h->kind == KS_PAM_E_SUBSTACK) { /* placeholder: libpam skips it */
			fstate t = s;
			t.idx++;
			t.prev_level = (uint8_t)L;
			if ((rc = fpush(&st, &seen, &t)) < 0)
				goto done;
			continue;
		}
		uint32_t rets = returns_of(h, tg[s.idx]);
		unsigned done_pairs = 0; /* bit (action + 7) * 2 + success, for the non-jump actions */
		for (int rv = 0; rv < KS_PAM_NRET; rv++) {
			if (!(rets & (1u << rv)))
				continue;
			int act = h->actions[rv];
			bool succ = rv == KS_PAM_R_SUCCESS;
			if (act <= 0 && act >= -7) {
				unsigned key = 1u << ((unsigned)(act + 7) * 2 + succ);
				if (done_pairs & key)
					continue;
				done_pairs |= key;
			}
			fstate t = s;
			if (succ && counts[s.idx])
				t.hit = 1;
			size_t j = ks_pam_dispatch_step(c, s.idx, act, succ, t.sub[L], &t.imp, &t.ok);
			t.idx = (uint32_t)(j + 1);
			t.prev_level = (uint8_t)L;
			if ((rc = fpush(&st, &seen, &t)) < 0)
				goto done;
		}
		rc = KS_OK;
	}
done:
	ks_stateset_free(&seen);
	free(st.v);
	return rc < 0 ? rc : KS_OK;
}

int ks_pam_flow_eval(const ks_pam_chain *c, ks_pam_target_fn fn, void *arg, ks_pam_flow *out)
{
	memset(out, 0, sizeof *out);
	size_t n = c->n;
	for (size_t i = 0; i < n; i++)
		if (c->e[i]->level < 0 || c->e[i]->level >= FLOW_LEVELS) {
			out->too_complex = true;
			return KS_OK;
		}
	ks_pam_target *tg = calloc(n ? n : 1, sizeof *tg);
	bool *counts = calloc(n ? n : 1, sizeof *counts);
	int rc = KS_OK;
	if (!tg || !counts) {
		rc = KS_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		tg[i] = fn ? fn(c->e[i], arg) : KS_PAM_NOT_TARGET;
		counts[i] = tg[i] == KS_PAM_TARGET;
	}
	rc = flow_run(c, tg, counts, &out->can_succeed, &out->without_target);
	if (rc == KS_ELIMIT) {
		out->too_complex = true;
		rc = KS_OK;
		goto done;
	}
	if (rc < 0 || !out->can_succeed || out->without_target)
		goto done;
	/* Every successful path has some target: find one that is on all of them. */
	for (size_t i = 0; i < n; i++) {
		if (tg[i] != KS_PAM_TARGET)
			continue;
		memset(counts, 0, n * sizeof *counts);
		counts[i] = true;
		bool can, without;
		rc = flow_run(c, tg, counts, &can, &without);
		if (rc == KS_ELIMIT) {
			rc = KS_OK;
			break;
		}
		if (rc < 0)
			break;
		if (!without) {
			out->always = c->e[i];
			break;
		}
	}
done:
	free(tg);
	free(counts);
	return rc;
}

/* Second-factor modules and the options that let a user without a token through:
 * pam_google_authenticator nullok ("causes this module to say IGNORE", its README),
 * pam_u2f nouserok, pam_yubico nullok. */
static const struct {
	const char *module;
	const char *bypass;
} mfa_modules[] = {
	{"pam_google_authenticator", "nullok"},
	{"pam_oath", NULL},
	{"pam_u2f", "nouserok"},
	{"pam_yubico", "nullok"},
	{"pam_duo", NULL},
	{"pam_pkcs11", NULL},
	{"pam_p11", NULL},
};

/* The bypass option E carries, or NULL. */
static const char *mfa_bypass_option(const ks_pam_entry *e)
{
	for (size_t i = 0; i < sizeof mfa_modules / sizeof *mfa_modules; i++)
		if (ks_pam_is(e, mfa_modules[i].module))
			return mfa_modules[i].bypass && ks_pam_has_arg(e, mfa_modules[i].bypass)
			           ? mfa_modules[i].bypass
			           : NULL;
	return NULL;
}

ks_pam_target ks_pam_mfa_target(const ks_pam_entry *e, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < sizeof mfa_modules / sizeof *mfa_modules; i++)
		if (ks_pam_is(e, mfa_modules[i].module))
			return mfa_bypass_option(e) ? KS_PAM_TARGET_BYPASSABLE : KS_PAM_TARGET;
	return KS_PAM_NOT_TARGET;
}

/* ---- collector --------------------------------------------------------------------------- */

static const char *const services[] = {"passwd", "sshd", "login", "su", "sudo"};

static int str_field(ks_arena *a, ks_value *rec, const char *k, const char *v)
{
	return ks_record_set(a, rec, k, ks_val_strz(a, v ? v : ""));
}

static int entry_record(ks_collect_ctx *ctx, const ks_pam_entry *e, ks_value *out)
{
	ks_arena *a = ctx->arena;
	ks_value rec = ks_val_record(), args = ks_val_list();
	for (size_t i = 0; i < e->nargs; i++)
		if (ks_list_push(a, &args, ks_val_strz(a, e->args[i])) < 0)
			return KS_ENOMEM;
	const char *name = e->module ? e->module : e->module_path;
	if (str_field(a, &rec, "name", name) < 0 || str_field(a, &rec, "module", e->module) < 0 ||
	    str_field(a, &rec, "control", e->control) < 0 ||
	    ks_record_set(a, &rec, "args", args) < 0 ||
	    str_field(a, &rec, "source", ks_collect_where(ctx, e->file, e->line)) < 0 ||
	    str_field(a, &rec, "via", e->via) < 0)
		return KS_ENOMEM;
	if (e->kind == KS_PAM_E_MUST_FAIL &&
	    str_field(a, &rec, "error", ks_arena_printf(a, "libpam fails this line: %s", e->error)) < 0)
		return KS_ENOMEM;
	*out = rec;
	return KS_OK;
}

static int mfa_facts(ks_collect_ctx *ctx, const char *svc, const ks_pam_chain *c, const char *src)
{
	ks_arena *a = ctx->arena;
	char *k_mfa = ks_arena_printf(a, "pam.%s.mfa", svc);
	char *k_mod = ks_arena_printf(a, "pam.%s.mfa_module", svc);
	if (!k_mfa || !k_mod)
		return KS_ENOMEM;
	if (c->incomplete) {
		if (ks_fact_unknown(ctx->facts, k_mfa, src, "auth stack incomplete: %s", c->incomplete) < 0 ||
		    ks_fact_unknown(ctx->facts, k_mod, src, "auth stack incomplete: %s", c->incomplete) < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	const ks_pam_entry *first = NULL;
	for (size_t i = 0; i < c->n && !first; i++)
		if (ks_pam_mfa_target(c->e[i], NULL) != KS_PAM_NOT_TARGET)
			first = c->e[i];
	ks_pam_flow fl;
	if (ks_pam_flow_eval(c, ks_pam_mfa_target, NULL, &fl) < 0)
		return KS_ENOMEM;
	if (fl.too_complex) {
		if (ks_fact_unknown(ctx->facts, k_mfa, src, "auth stack too complex to analyse") < 0 ||
		    ks_fact_unknown(ctx->facts, k_mod, src, "auth stack too complex to analyse") < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	if (first && fl.can_succeed && !fl.without_target) {
		/* Every successful path went through a second factor; name the one common to all. */
		const ks_pam_entry *m = fl.always;
		for (size_t i = 0; i < c->n && !m; i++)
			if (ks_pam_mfa_target(c->e[i], NULL) == KS_PAM_TARGET)
				m = c->e[i];
		if (!m)
			m = first;
		if (ks_fact_bool(ctx->facts, k_mfa, true, m->file, m->line) < 0 ||
		    ks_fact_str(ctx->facts, k_mod, m->module, m->file, m->line) < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	const char *why;
	if (!first) {
		why = ks_arena_printf(a, "no second-factor module (pam_google_authenticator, pam_oath, "
		                         "pam_u2f, pam_yubico, pam_duo, pam_pkcs11, pam_p11) in the %s auth stack",
		                      svc);
	} else if (!fl.can_succeed) {
		why = ks_arena_printf(a, "the %s auth stack can never succeed", svc);
	} else {
		const char *w = ks_collect_where(ctx, first->file, first->line);
		const char *opt = mfa_bypass_option(first);
		if (opt)
			why = ks_arena_printf(a, "%s (%s) lets users without a token pass (option %s)",
			                      first->module, w, opt);
		else
			why = ks_arena_printf(a, "authentication can succeed without %s (%s) succeeding: an "
			                         "earlier module can complete it, or its failure is ignored",
			                      first->module, w);
	}
	if (!why || ks_fact_put_probe(ctx->facts, k_mfa, ks_val_bool(false), why) < 0 ||
	    ks_fact_put_probe(ctx->facts, k_mod, ks_val_strz(a, ""), why) < 0)
		return KS_ENOMEM;
	return KS_OK;
}

static int service_facts(ks_collect_ctx *ctx, ks_pam_loader *l, const char *svc)
{
	ks_arena *a = ctx->arena;
	ks_pam_stack *s;
	if (ks_pam_load(l, svc, &s) < 0)
		return KS_ENOMEM;
	char *k_present = ks_arena_printf(a, "pam.%s.present", svc);
	if (!k_present)
		return KS_ENOMEM;
	if (s->error) {
		if (ks_fact_unknown(ctx->facts, k_present, NULL, "%s", s->error) < 0)
			return KS_ENOMEM;
		for (int t = 0; t < KS_PAM_NTYPES; t++) {
			char *k = ks_arena_printf(a, "pam.%s.%s", svc, type_names[t]);
			if (!k || ks_fact_unknown(ctx->facts, k, NULL, "%s", s->error) < 0)
				return KS_ENOMEM;
		}
		char *k1 = ks_arena_printf(a, "pam.%s.mfa", svc), *k2 = ks_arena_printf(a, "pam.%s.mfa_module", svc);
		if (!k1 || !k2 || ks_fact_unknown(ctx->facts, k1, NULL, "%s", s->error) < 0 ||
		    ks_fact_unknown(ctx->facts, k2, NULL, "%s", s->error) < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	if (!s->file) {
		char *probe = ks_arena_printf(a, "no %s in /etc/pam.d or /usr/lib/pam.d", svc);
		if (!probe || ks_fact_put_probe(ctx->facts, k_present, ks_val_bool(false), probe) < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	if (ks_fact_bool(ctx->facts, k_present, true, s->file, 0) < 0)
		return KS_ENOMEM;
	ks_pam_chain auth = {0};
	for (int t = 0; t < KS_PAM_NTYPES; t++) {
		ks_pam_chain c;
		if (ks_pam_chain_get(ctx, s, (ks_pam_type)t, &c) < 0)
			return KS_ENOMEM;
		if (t == KS_PAM_AUTH)
			auth = c;
		const char *src = c.from_other ? s->other_file : s->file;
		char *k = ks_arena_printf(a, "pam.%s.%s", svc, type_names[t]);
		if (!k)
			return KS_ENOMEM;
		if (c.incomplete) {
			if (ks_fact_unknown(ctx->facts, k, src, "%s", c.incomplete) < 0)
				return KS_ENOMEM;
			continue;
		}
		ks_value list = ks_val_list();
		for (size_t i = 0; i < c.n; i++) {
			if (c.e[i]->kind == KS_PAM_E_SUBSTACK)
				continue;
			ks_value rec;
			if (entry_record(ctx, c.e[i], &rec) < 0 || ks_list_push(a, &list, rec) < 0)
				return KS_ENOMEM;
		}
		if (ks_fact_put(ctx->facts, k, list, src ? src : s->file, 0) < 0)
			return KS_ENOMEM;
	}
	return mfa_facts(ctx, svc, &auth, auth.from_other ? s->other_file : s->file);
}

int ks_collect_pam(ks_collect_ctx *ctx)
{
	ks_pam_loader *l = ks_pam_loader_new(ctx, false);
	if (!l)
		return KS_ENOMEM;
	for (size_t i = 0; i < sizeof services / sizeof *services; i++) {
		int rc = service_facts(ctx, l, services[i]);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}
