/* session collector: the shell idle timeout TMOUT (bash) set in /etc/environment, /etc/profile,
 * /etc/bash.bashrc and /etc/profile.d/<name>.sh -> session.tmout, session.tmout_readonly,
 * session.tmout_settings; sshd's dead-client timeout -> session.ssh_idle_timeout_sec. */
#include "session.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

#define MAX_HEREDOCS 16
#define MAX_DELIM 64
#define MAX_SETTINGS 256

static const char *const tmout_files[] = {"/etc/profile", "/etc/bash.bashrc"};
#define ENVIRONMENT "/etc/environment"
#define PROFILE_D_GLOB "/etc/profile.d/*.sh"

void ks_session_tmout_init(ks_tmout_state *st)
{
	memset(st, 0, sizeof *st);
	st->settings = ks_val_list();
}

/* ---- effects on TMOUT -------------------------------------------------------------------- */

/* bash reads TMOUT with atoi(3) (eval.c): blanks, sign, digits; clamped here instead of UB. */
static int64_t bash_atoi(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\v' || s[i] == '\f' ||
	                 s[i] == '\r'))
		i++;
	bool neg = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	int64_t v = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		if (v <= INT_MAX)
			v = v * 10 + (s[i] - '0');
	if (v > INT_MAX)
		v = INT_MAX;
	return neg ? -v : v;
}

typedef enum { EF_ASSIGN, EF_READONLY, EF_UNSET } effect_kind;

typedef struct effect {
	effect_kind kind;
	const char *text;  /* shown as the record's name */
	size_t tlen;
	bool literal;      /* the value has no expansion */
	const char *val;   /* the value, quotes removed */
	size_t vlen;
	bool ro;           /* the assignment also makes TMOUT readonly */
	bool cond;         /* may or may not run */
	const char *why_nonliteral;
} effect;

static int add_setting(ks_collect_ctx *ctx, ks_tmout_state *st, const char *path, int line,
                       const effect *e, int64_t v, const char *note)
{
	if (st->nsettings >= MAX_SETTINGS) {
		if (st->nsettings++ == MAX_SETTINGS)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0,
			            "more than %d TMOUT settings: later ones are applied but not listed", MAX_SETTINGS);
		return KS_OK;
	}
	ks_arena *a = ctx->arena;
	ks_value rec = ks_val_record();
	size_t tl = e->tlen > 120 ? 120 : e->tlen;
	const char *src = ks_collect_where(ctx, path, line);
	ks_value val = e->kind == EF_ASSIGN && e->literal ? ks_val_int(v) : ks_val_unknown();
	if (e->kind == EF_UNSET)
		val = ks_val_int(0);
	if (!src || ks_record_set(a, &rec, "name", ks_val_str(a, e->text, tl)) < 0 ||
	    ks_record_set(a, &rec, "value", val) < 0 || ks_record_set(a, &rec, "readonly", ks_val_bool(e->ro)) < 0 ||
	    ks_record_set(a, &rec, "conditional", ks_val_bool(e->cond)) < 0 ||
	    ks_record_set(a, &rec, "summary", ks_val_strz(a, note ? note : "")) < 0 ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, src)) < 0 || ks_list_push(a, &st->settings, rec) < 0)
		return KS_ENOMEM;
	st->nsettings++;
	return KS_OK;
}

static int apply(ks_collect_ctx *ctx, ks_tmout_state *st, const char *path, int line, const effect *e)
{
	ks_arena *a = ctx->arena;
	int64_t v = e->kind == EF_ASSIGN && e->literal ? bash_atoi(e->val, e->vlen) : 0;
	if (st->readonly) {
		/* bash: "TMOUT: readonly variable"; the assignment or unset fails. */
		const char *note = e->kind == EF_READONLY ? "already readonly" : "no effect: TMOUT is readonly";
		return add_setting(ctx, st, path, line, e, v, note);
	}
	const char *where = ks_collect_where(ctx, path, line);
	if (!where)
		return KS_ENOMEM;
	if (e->cond) {
		/* An assignment inside if/case/a loop/a function/a subshell, or after && / || / a pipe:
		 * whether it runs depends on the login; we do not guess. */
		if (!st->unknown || e->ro) {
			st->unknown = ks_arena_printf(a, "TMOUT %s conditionally at %s (inside if/case/a loop/a "
			                                 "function/a subshell or after && || |): not evaluated",
			                              e->kind == EF_UNSET ? "unset" : e->kind == EF_READONLY ? "made readonly"
			                                                                                    : "assigned",
			                              where);
			if (!st->unknown)
				return KS_ENOMEM;
		}
		if (e->ro)
			st->ro_unknown = true;
		return add_setting(ctx, st, path, line, e, v, "conditional: not evaluated");
	}
	if (e->kind == EF_READONLY) {
		st->readonly = true;
		st->ro_unknown = false;
		st->ro_path = path;
		st->ro_line = line;
		return add_setting(ctx, st, path, line, e, v, "readonly");
	}
	if (e->ro) {
		st->readonly = true;
		st->ro_path = path;
		st->ro_line = line;
	}
	if (st->ro_unknown) {
		/* A conditional readonly earlier may have frozen the value: this may have failed. */
		if (e->ro)
			st->ro_unknown = false;
		return add_setting(ctx, st, path, line, e, v, "may fail: TMOUT possibly readonly already");
	}
	st->ro_unknown = false;
	st->path = path;
	st->line = line;
	if (e->kind == EF_UNSET) {
		st->unknown = NULL;
		st->set = false;
		st->value = 0;
		return add_setting(ctx, st, path, line, e, 0, "unset");
	}
	if (!e->literal) {
		st->unknown = ks_arena_printf(a, "TMOUT=%.*s at %s: %s", (int)(e->vlen > 60 ? 60 : e->vlen), e->val,
		                              where, e->why_nonliteral ? e->why_nonliteral : "value is not a literal");
		if (!st->unknown)
			return KS_ENOMEM;
		return add_setting(ctx, st, path, line, e, 0, "value not a literal: not evaluated");
	}
	st->unknown = NULL;
	st->set = true;
	st->value = v;
	return add_setting(ctx, st, path, line, e, v, "applies");
}

static int apply_unknown(ks_collect_ctx *ctx, ks_tmout_state *st, const char *path, int line, const char *what)
{
	if (st->readonly)
		return KS_OK;
	st->unknown = ks_arena_printf(ctx->arena, "%s at %s: not evaluated", what, ks_collect_where(ctx, path, line));
	st->ro_unknown = true; /* it might also have made TMOUT readonly */
	return st->unknown ? KS_OK : KS_ENOMEM;
}

/* ---- shell lexer ------------------------------------------------------------------------- */

typedef struct word {
	const char *raw;   /* as written */
	size_t rawlen;
	char *val;         /* quotes removed (expansions kept as written) */
	size_t vlen;
	bool literal;      /* no $ or ` expansion */
	size_t eq;         /* assignment: length of NAME before "=" (0: not an assignment) */
	bool append;       /* NAME+=VALUE */
	int line;
} word;

typedef enum { T_NEWLINE, T_SEMI, T_ANDOR, T_PIPE, T_BG, T_CLOSE, T_EOF } term_kind;

typedef struct lexer {
	ks_collect_ctx *ctx;
	const char *path;
	ks_tmout_state *st;
	const char *p, *end;
	int line;
	word w[KS_MAX_TOKENS];
	size_t nw;
	bool truncated, mentions;
	char *buf;          /* quote-removed values, reset per command */
	size_t bufcap, bufoff;
	int depth;          /* open compound commands (if/case/loops/{}/functions) */
	int parens;         /* open subshells / (( )) */
	bool after_andor, in_pipe, fn_name;
	struct {
		char d[MAX_DELIM];
		size_t n;
		bool strip;
	} hd[MAX_HEREDOCS];
	size_t nhd;
	bool diag_depth;
} lexer;

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_meta(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' ||
	       c == '<' || c == '>';
}

/* "TMOUT" as a whole identifier that is not a parameter expansion ($TMOUT, ${TMOUT}). */
static bool mentions_tmout(const char *s, size_t n)
{
	for (size_t i = 0; i + 5 <= n; i++) {
		if (memcmp(s + i, "TMOUT", 5) != 0)
			continue;
		char before = i ? s[i - 1] : ' ';
		char after = i + 5 < n ? s[i + 5] : ' ';
		if (!is_ident(before) && before != '$' && before != '{' && !is_ident(after))
			return true;
	}
	return false;
}

static void put(lexer *lx, char c)
{
	if (lx->bufoff < lx->bufcap)
		lx->buf[lx->bufoff++] = c;
}

/* Skips a $(...), ${...} or $((...)) body starting at the opening bracket; nesting and quotes are
 * followed roughly. Copies what it skips into the value. */
static void skip_nested(lexer *lx, char open, char close)
{
	int depth = 0;
	char q = 0;
	while (lx->p < lx->end) {
		char c = *lx->p++;
		put(lx, c);
		if (c == '\n')
			lx->line++;
		if (q) {
			if (c == '\\' && q == '"' && lx->p < lx->end) {
				put(lx, *lx->p);
				if (*lx->p == '\n')
					lx->line++;
				lx->p++;
			} else if (c == q) {
				q = 0;
			}
			continue;
		}
		if (c == '\\' && lx->p < lx->end) {
			put(lx, *lx->p);
			if (*lx->p == '\n')
				lx->line++;
			lx->p++;
		} else if (c == '\'' || c == '"' || c == '`') {
			q = c;
		} else if (c == open) {
			depth++;
		} else if (c == close) {
			if (--depth <= 0)
				return;
		}
	}
	ks_diag_add(lx->ctx->diags, KS_DIAG_WARNING, lx->path, lx->line, 0, "unterminated %c...%c expansion", open,
	            close);
}

/* Reads one word at lx->p (not at a blank or operator). */
static void lex_word(lexer *lx, word *w)
{
	memset(w, 0, sizeof *w);
	w->raw = lx->p;
	w->line = lx->line;
	w->literal = true;
	w->val = lx->buf + lx->bufoff;
	size_t start = lx->bufoff;
	bool name_ok = true, any_quote = false;
	while (lx->p < lx->end && !is_meta(*lx->p)) {
		char c = *lx->p;
		if (c == '\\') {
			lx->p++;
			if (lx->p < lx->end) {
				if (*lx->p == '\n') {
					lx->line++;
				} else {
					put(lx, *lx->p);
					name_ok = false;
				}
				lx->p++;
			}
			continue;
		}
		if (c == '\'') {
			lx->p++;
			any_quote = true;
			name_ok = false;
			while (lx->p < lx->end && *lx->p != '\'') {
				if (*lx->p == '\n')
					lx->line++;
				put(lx, *lx->p++);
			}
			if (lx->p < lx->end)
				lx->p++;
			else
				ks_diag_add(lx->ctx->diags, KS_DIAG_WARNING, lx->path, w->line, 0, "unterminated ' quote");
			continue;
		}
		if (c == '"') {
			lx->p++;
			any_quote = true;
			name_ok = false;
			while (lx->p < lx->end && *lx->p != '"') {
				char d = *lx->p;
				if (d == '\\' && lx->p + 1 < lx->end &&
				    (lx->p[1] == '$' || lx->p[1] == '`' || lx->p[1] == '"' || lx->p[1] == '\\' ||
				     lx->p[1] == '\n')) {
					if (lx->p[1] == '\n')
						lx->line++;
					else
						put(lx, lx->p[1]);
					lx->p += 2;
					continue;
				}
				if (d == '$' && lx->p + 1 < lx->end && (lx->p[1] == '(' || lx->p[1] == '{')) {
					w->literal = false;
					put(lx, *lx->p++);
					skip_nested(lx, *lx->p, *lx->p == '(' ? ')' : '}');
					continue;
				}
				if (d == '$' && lx->p + 1 < lx->end && (is_ident_start(lx->p[1]) || strchr("@*#?-$!0123456789", lx->p[1])))
					w->literal = false;
				if (d == '`')
					w->literal = false;
				if (d == '\n')
					lx->line++;
				put(lx, d);
				lx->p++;
			}
			if (lx->p < lx->end)
				lx->p++;
			else
				ks_diag_add(lx->ctx->diags, KS_DIAG_WARNING, lx->path, w->line, 0, "unterminated \" quote");
			continue;
		}
		if (c == '$' && lx->p + 1 < lx->end && (lx->p[1] == '(' || lx->p[1] == '{')) {
			w->literal = false;
			name_ok = false;
			put(lx, *lx->p++);
			skip_nested(lx, *lx->p, *lx->p == '(' ? ')' : '}');
			continue;
		}
		if (c == '$' && lx->p + 1 < lx->end && lx->p[1] == '\'') {
			/* $'...' ANSI-C quoting: escapes are not decoded, so the value is not trusted. */
			w->literal = false;
		}
		if (c == '`') {
			w->literal = false;
			name_ok = false;
			put(lx, *lx->p++);
			while (lx->p < lx->end && *lx->p != '`') {
				if (*lx->p == '\\' && lx->p + 1 < lx->end)
					put(lx, *lx->p++);
				if (*lx->p == '\n')
					lx->line++;
				put(lx, *lx->p++);
			}
			if (lx->p < lx->end)
				put(lx, *lx->p++);
			continue;
		}
		if (c == '$' && lx->p + 1 < lx->end && lx->p[1] != '=')
			w->literal = false;
		if (!w->eq && name_ok && !any_quote) {
			size_t sofar = lx->bufoff - start;
			if (c == '=' && sofar > 0) {
				w->eq = sofar;
				put(lx, c);
				lx->p++;
				name_ok = false;
				continue;
			}
			if (c == '+' && sofar > 0 && lx->p + 1 < lx->end && lx->p[1] == '=') {
				w->eq = sofar;
				w->append = true;
				put(lx, '+');
				put(lx, '=');
				lx->p += 2;
				name_ok = false;
				continue;
			}
			if (sofar == 0 ? !is_ident_start(c) : !is_ident(c))
				name_ok = false;
		}
		put(lx, c);
		lx->p++;
	}
	w->rawlen = (size_t)(lx->p - w->raw);
	w->vlen = lx->bufoff - start;
	if (w->rawlen > KS_MAX_LINE) {
		ks_diag_add(lx->ctx->diags, KS_DIAG_WARNING, lx->path, w->line, 0,
		            "word longer than %u characters: not analysed", KS_MAX_LINE);
		w->literal = false;
		w->eq = 0;
	}
}

/* A builtin name or operand (quoting does not matter to builtins, unlike reserved words). */
static bool wis(const word *w, const char *lit)
{
	return w->literal && ks_eq(w->val, w->vlen, lit);
}

static bool assigns_tmout(const word *w)
{
	return w->eq == 5 && memcmp(w->val, "TMOUT", 5) == 0;
}

static int assign_effect(lexer *lx, const word *w, bool cond, bool ro, bool int_attr)
{
	size_t skip = w->eq + (w->append ? 2 : 1);
	effect e = {.kind = EF_ASSIGN, .text = w->raw, .tlen = w->rawlen, .literal = w->literal,
	            .val = w->val + skip, .vlen = w->vlen - skip, .ro = ro, .cond = cond};
	if (w->append) {
		e.literal = false;
		e.why_nonliteral = "appends to the previous value";
	} else if (int_attr) {
		/* declare -i evaluates the value arithmetically: only plain numbers are taken. */
		for (size_t i = 0; i < e.vlen; i++)
			if (!(e.val[i] >= '0' && e.val[i] <= '9') && !(i == 0 && (e.val[i] == '-' || e.val[i] == '+'))) {
				e.literal = false;
				e.why_nonliteral = "arithmetic value (declare -i) not evaluated";
				break;
			}
	}
	return apply(lx->ctx, lx->st, lx->path, w->line, &e);
}

static int simple_effect(lexer *lx, const word *w, effect_kind k, bool cond, const char *text)
{
	effect e = {.kind = k, .text = text, .tlen = strlen(text), .literal = true, .ro = k == EF_READONLY,
	            .cond = cond};
	return apply(lx->ctx, lx->st, lx->path, w->line, &e);
}

/* One simple command: what it does to TMOUT. */
static int command(lexer *lx, bool cond)
{
	word *w = lx->w;
	size_t n = lx->nw, i = 0;
	if (lx->truncated) {
		if (lx->mentions)
			return apply_unknown(lx->ctx, lx->st, lx->path, w[0].line, "a command with more than 256 words "
			                                                           "mentioning TMOUT");
		return KS_OK;
	}
	while (i < n && w[i].eq)
		i++;
	if (i == n) { /* assignments only */
		for (size_t k = 0; k < n; k++)
			if (assigns_tmout(&w[k])) {
				int rc = assign_effect(lx, &w[k], cond, false, false);
				if (rc < 0)
					return rc;
			}
		return KS_OK;
	}
	const word *cmd = &w[i];
	if (!cmd->literal) {
		for (size_t k = i; k < n; k++)
			if (mentions_tmout(w[k].raw, w[k].rawlen))
				return apply_unknown(lx->ctx, lx->st, lx->path, w[k].line,
				                     "TMOUT passed to a command given by an expansion");
		return KS_OK;
	}
	bool is_ro = wis(cmd, "readonly");
	if (is_ro || wis(cmd, "export") || wis(cmd, "declare") || wis(cmd, "typeset") || wis(cmd, "local")) {
		bool ro = is_ro, fn = false, int_attr = false, opts = true;
		for (size_t k = i + 1; k < n; k++) {
			const word *a = &w[k];
			if (opts && a->literal && !a->eq && a->vlen >= 1 && (a->val[0] == '-' || a->val[0] == '+')) {
				if (ks_eq(a->val, a->vlen, "--")) {
					opts = false;
					continue;
				}
				if (a->val[0] == '-')
					for (size_t c = 1; c < a->vlen; c++) {
						if (a->val[c] == 'r')
							ro = true;
						else if (a->val[c] == 'f' || a->val[c] == 'F')
							fn = true;
						else if (a->val[c] == 'i')
							int_attr = true;
					}
				continue;
			}
			opts = false;
			if (fn)
				break;
			int rc = KS_OK;
			word q = *a;
			if (!q.eq && q.literal && q.vlen >= 6 && !memcmp(q.val, "TMOUT=", 6))
				q.eq = 5; /* declare "TMOUT=5": the builtin splits its own operands */
			if (assigns_tmout(&q))
				rc = assign_effect(lx, &q, cond, ro, int_attr);
			else if (wis(a, "TMOUT") && ro)
				rc = simple_effect(lx, a, EF_READONLY, cond, "readonly TMOUT");
			else if (!a->literal && mentions_tmout(a->raw, a->rawlen))
				rc = apply_unknown(lx->ctx, lx->st, lx->path, a->line, "TMOUT declared through an expansion");
			if (rc < 0)
				return rc;
		}
		return KS_OK;
	}
	if (wis(cmd, "unset")) {
		bool fn = false;
		for (size_t k = i + 1; k < n; k++) {
			if (wis(&w[k], "-f"))
				fn = true;
			else if (wis(&w[k], "-v"))
				fn = false;
			else if (!fn && wis(&w[k], "TMOUT")) {
				int rc = simple_effect(lx, &w[k], EF_UNSET, cond, "unset TMOUT");
				if (rc < 0)
					return rc;
			}
		}
		return KS_OK;
	}
	static const char *const changers[] = {"let", "read", "printf", "eval", "mapfile", "readarray", "getopts"};
	for (size_t c = 0; c < sizeof changers / sizeof *changers; c++)
		if (wis(cmd, changers[c])) {
			for (size_t k = i + 1; k < n; k++)
				if (mentions_tmout(w[k].raw, w[k].rawlen)) {
					char what[64];
					snprintf(what, sizeof what, "TMOUT changed by '%s'", changers[c]);
					return apply_unknown(lx->ctx, lx->st, lx->path, w[k].line, what);
				}
			return KS_OK;
		}
	/* Other commands: prefix assignments (TMOUT=5 cmd) only last for that command. */
	return KS_OK;
}

static int end_command(lexer *lx, term_kind t)
{
	int rc = KS_OK;
	if (lx->nw || lx->truncated) {
		bool cond = lx->depth > 0 || lx->parens > 0 || lx->after_andor || lx->in_pipe || t == T_PIPE || t == T_BG;
		rc = command(lx, cond);
	} else if (t == T_NEWLINE) {
		return KS_OK; /* "a &&\n b": the list goes on */
	}
	lx->nw = 0;
	lx->truncated = lx->mentions = false;
	lx->bufoff = 0;
	lx->after_andor = t == T_ANDOR;
	lx->in_pipe = t == T_PIPE;
	return rc;
}

/* Reserved words in command position change the nesting and are not part of the command. */
static bool keyword(lexer *lx, const word *w)
{
	if (lx->nw || !w->literal || w->rawlen != w->vlen)
		return false;
	static const char *const open[] = {"if", "while", "until", "case", "for", "select", "{"};
	static const char *const close[] = {"fi", "done", "esac", "}"};
	static const char *const pass[] = {"then", "else", "elif", "do", "!", "time"};
	for (size_t i = 0; i < sizeof open / sizeof *open; i++)
		if (ks_eq(w->val, w->vlen, open[i])) {
			if (lx->depth < INT_MAX)
				lx->depth++;
			return true;
		}
	for (size_t i = 0; i < sizeof close / sizeof *close; i++)
		if (ks_eq(w->val, w->vlen, close[i])) {
			if (lx->depth > 0)
				lx->depth--;
			else if (!lx->diag_depth) {
				lx->diag_depth = true;
				ks_diag_add(lx->ctx->diags, KS_DIAG_WARNING, lx->path, w->line, 0,
				            "'%.*s' without an opening keyword", (int)w->vlen, w->val);
			}
			return true;
		}
	for (size_t i = 0; i < sizeof pass / sizeof *pass; i++)
		if (ks_eq(w->val, w->vlen, pass[i]))
			return true;
	if (ks_eq(w->val, w->vlen, "function")) {
		lx->fn_name = true;
		return true;
	}
	return false;
}

/* After a newline: skips the bodies of here-documents opened on that line. */
static void skip_heredocs(lexer *lx)
{
	for (size_t h = 0; h < lx->nhd; h++) {
		bool found = false;
		while (lx->p < lx->end && !found) {
			const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
			const char *le = nl ? nl : lx->end;
			const char *s = lx->p;
			if (lx->hd[h].strip)
				while (s < le && *s == '\t')
					s++;
			found = (size_t)(le - s) == lx->hd[h].n && memcmp(s, lx->hd[h].d, lx->hd[h].n) == 0;
			lx->p = nl ? nl + 1 : lx->end;
			lx->line++;
		}
		if (!found)
			ks_diag_add(lx->ctx->diags, KS_DIAG_WARNING, lx->path, lx->line, 0,
			            "here-document not terminated by '%s'", lx->hd[h].d);
	}
	lx->nhd = 0;
}

static void skip_blanks(lexer *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == ' ' || *lx->p == '\t')
			lx->p++;
		else if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] == '\n') {
			lx->p += 2;
			lx->line++;
		} else
			break;
	}
}

static void redirection(lexer *lx)
{
	const char *op = lx->p;
	bool heredoc = false, strip = false;
	if (op[0] == '<' && op + 1 < lx->end && op[1] == '<') {
		if (op + 2 < lx->end && op[2] == '<') {
			lx->p += 3; /* here-string */
		} else {
			heredoc = true;
			lx->p += 2;
			if (lx->p < lx->end && *lx->p == '-') {
				strip = true;
				lx->p++;
			}
		}
	} else {
		lx->p++;
		if (lx->p < lx->end && (*lx->p == '>' || *lx->p == '&' || *lx->p == '|' || (op[0] == '<' && *lx->p == '>')))
			lx->p++;
	}
	/* A word of digits just before the operator was its file descriptor. */
	if (lx->nw && lx->w[lx->nw - 1].raw + lx->w[lx->nw - 1].rawlen == op) {
		const word *fd = &lx->w[lx->nw - 1];
		bool digits = fd->rawlen > 0;
		for (size_t i = 0; i < fd->rawlen; i++)
			if (fd->raw[i] < '0' || fd->raw[i] > '9')
				digits = false;
		if (digits)
			lx->nw--;
	}
	skip_blanks(lx);
	if (lx->p >= lx->end || is_meta(*lx->p))
		return;
	size_t save = lx->bufoff;
	word target;
	lex_word(lx, &target);
	if (heredoc) {
		if (lx->nhd < MAX_HEREDOCS) {
			size_t n = target.vlen < MAX_DELIM - 1 ? target.vlen : MAX_DELIM - 1;
			memcpy(lx->hd[lx->nhd].d, target.val, n);
			lx->hd[lx->nhd].d[n] = '\0';
			lx->hd[lx->nhd].n = n;
			lx->hd[lx->nhd].strip = strip;
			lx->nhd++;
		} else {
			ks_diag_add(lx->ctx->diags, KS_DIAG_WARNING, lx->path, lx->line, 0,
			            "more than %d here-documents on one line", MAX_HEREDOCS);
		}
	}
	lx->bufoff = save;
}

int ks_session_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                            ks_tmout_state *st)
{
	lexer *lx = ks_arena_alloc(ctx->arena, sizeof *lx);
	if (!lx)
		return KS_ENOMEM;
	lx->ctx = ctx;
	lx->path = ks_arena_strdup(ctx->arena, path);
	lx->st = st;
	lx->p = data;
	lx->end = data + len;
	lx->line = 1;
	lx->bufcap = len + 1;
	lx->buf = ks_arena_alloc(ctx->arena, lx->bufcap);
	if (!lx->path || !lx->buf)
		return KS_ENOMEM;
	int rc = KS_OK;
	while (lx->p < lx->end && rc >= 0) {
		char c = *lx->p;
		if (c == ' ' || c == '\t') {
			lx->p++;
		} else if (c == '\\' && lx->p + 1 < lx->end && lx->p[1] == '\n') {
			lx->p += 2;
			lx->line++;
		} else if (c == '\n') {
			rc = end_command(lx, T_NEWLINE);
			lx->p++;
			if (lx->nhd)
				skip_heredocs(lx);
			lx->line++;
		} else if (c == '#') {
			const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
			lx->p = nl ? nl : lx->end;
		} else if (c == ';') {
			rc = end_command(lx, T_SEMI);
			lx->p++;
			while (lx->p < lx->end && (*lx->p == ';' || *lx->p == '&'))
				lx->p++; /* ;; ;& ;;& */
		} else if (c == '&') {
			if (lx->p + 1 < lx->end && lx->p[1] == '&') {
				rc = end_command(lx, T_ANDOR);
				lx->p += 2;
			} else if (lx->p + 1 < lx->end && lx->p[1] == '>') {
				redirection(lx);
			} else {
				rc = end_command(lx, T_BG);
				lx->p++;
			}
		} else if (c == '|') {
			bool orr = lx->p + 1 < lx->end && lx->p[1] == '|';
			rc = end_command(lx, orr ? T_ANDOR : T_PIPE);
			lx->p += orr || (lx->p + 1 < lx->end && lx->p[1] == '&') ? 2 : 1;
		} else if (c == '(') {
			if (lx->nw) { /* name() { ...; }: a function definition, not a command */
				lx->nw = 0;
				lx->bufoff = 0;
			}
			if (lx->parens < INT_MAX)
				lx->parens++;
			lx->p++;
		} else if (c == ')') {
			rc = end_command(lx, T_CLOSE);
			if (lx->parens > 0)
				lx->parens--;
			lx->p++;
		} else if (c == '<' || c == '>') {
			redirection(lx);
		} else {
			word w;
			lex_word(lx, &w);
			if (w.rawlen == 0) { /* cannot happen: is_meta chars are handled above */
				lx->p++;
				continue;
			}
			if (mentions_tmout(w.raw, w.rawlen))
				lx->mentions = true;
			if (lx->fn_name && !lx->nw) {
				lx->fn_name = false; /* "function NAME": the name is not a command */
				continue;
			}
			if (keyword(lx, &w))
				continue;
			if (lx->nw < KS_MAX_TOKENS)
				lx->w[lx->nw++] = w;
			else if (!lx->truncated) {
				lx->truncated = true;
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, lx->path, w.line, 0,
				            "command with more than %u words: not analysed", KS_MAX_TOKENS);
			}
		}
	}
	if (rc >= 0)
		rc = end_command(lx, T_EOF);
	return rc < 0 ? rc : KS_OK;
}

/* pam_env's _parse_env_file (Linux-PAM 1.5.2): blanks, '#' comments, optional "export ", the value
 * runs to '#' or the end of the line, quotes are dropped. */
int ks_session_parse_environment(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                 ks_tmout_state *st)
{
	const char *p = ks_arena_strdup(ctx->arena, path);
	if (!p)
		return KS_ENOMEM;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *ln;
	size_t n;
	while (ks_lines_next(&it, &ln, &n)) {
		if (n > KS_MAX_LINE) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, p, it.lineno, 0, "line longer than %u characters: skipped",
			            KS_MAX_LINE);
			continue;
		}
		while (n && (*ln == ' ' || *ln == '\t')) {
			ln++;
			n--;
		}
		if (!n || *ln == '#')
			continue;
		if (n >= 7 && !memcmp(ln, "export ", 7)) {
			ln += 7;
			n -= 7;
		}
		const char *h = memchr(ln, '#', n);
		if (h)
			n = (size_t)(h - ln);
		if (n < 5 || memcmp(ln, "TMOUT", 5) != 0 || (n > 5 && ln[5] != '='))
			continue;
		int rc;
		if (n == 5) {
			/* "TMOUT" alone deletes the variable from the PAM environment. */
			effect e = {.kind = EF_UNSET, .text = ln, .tlen = n, .literal = true};
			rc = apply(ctx, st, p, it.lineno, &e);
		} else {
			char val[KS_MAX_LINE + 1];
			size_t vl = 0;
			for (size_t i = 6; i < n; i++)
				if (ln[i] != '"' && ln[i] != '\'')
					val[vl++] = ln[i];
			effect e = {.kind = EF_ASSIGN, .text = ln, .tlen = n, .literal = true, .val = val, .vlen = vl};
			rc = apply(ctx, st, p, it.lineno, &e);
		}
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

/* ---- collector -------------------------------------------------------------------------- */

static int read_into(ks_collect_ctx *ctx, ks_tmout_state *st, const char *path, bool env)
{
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT)
		return KS_OK;
	if (rc < 0) {
		if (st->readonly)
			return KS_OK;
		st->unknown = ks_arena_printf(ctx->arena, "%s: %s", path, ks_strerror(rc));
		st->ro_unknown = true;
		return st->unknown ? KS_OK : KS_ENOMEM;
	}
	return env ? ks_session_parse_environment(ctx, path, data, len, st)
	           : ks_session_parse_buffer(ctx, path, data, len, st);
}

static const ks_fact *int_fact(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	return f && f->value.type == KS_VAL_INT ? f : NULL;
}

static const char *fact_where(ks_collect_ctx *ctx, const ks_fact *f, const char *dflt)
{
	if (f->source.path)
		return ks_collect_where(ctx, f->source.path, f->source.line);
	return f->source.probe ? f->source.probe : dflt;
}

/* ClientAliveInterval x ClientAliveCountMax: how long sshd waits for an unresponsive client. */
static int ssh_idle(ks_collect_ctx *ctx)
{
	const char *key = "session.ssh_idle_timeout_sec";
	const ks_fact *inst = ks_fact_get(ctx->facts, "ssh.installed");
	if (inst && inst->value.type == KS_VAL_BOOL && !inst->value.u.b)
		return ks_fact_put_probe(ctx->facts, key, ks_val_int(0), "OpenSSH server not installed");
	const ks_fact *fi = int_fact(ctx, "ssh.client_alive_interval");
	const ks_fact *fc = int_fact(ctx, "ssh.client_alive_count_max");
	if (!fi) {
		const ks_fact *f = ks_fact_get(ctx->facts, "ssh.client_alive_interval");
		return ks_fact_unknown(ctx->facts, key, f ? f->source.path : NULL, "ssh.client_alive_interval %s",
		                       f && f->reason ? f->reason : "not collected");
	}
	ks_arena *a = ctx->arena;
	if (fi->value.u.i <= 0) {
		const char *p = ks_arena_printf(a, "ClientAliveInterval 0 (%s): sshd never checks idle clients",
		                                fact_where(ctx, fi, "default"));
		return p ? ks_fact_put_probe(ctx->facts, key, ks_val_int(0), p) : KS_ENOMEM;
	}
	if (!fc) {
		const ks_fact *f = ks_fact_get(ctx->facts, "ssh.client_alive_count_max");
		return ks_fact_unknown(ctx->facts, key, f ? f->source.path : NULL, "ssh.client_alive_count_max %s",
		                       f && f->reason ? f->reason : "not collected");
	}
	if (fc->value.u.i <= 0) {
		/* OpenSSH >= 8.2: ClientAliveCountMax 0 disables the disconnection. */
		const char *p = ks_arena_printf(a, "ClientAliveCountMax 0 (%s): sshd never disconnects",
		                                fact_where(ctx, fc, "default"));
		return p ? ks_fact_put_probe(ctx->facts, key, ks_val_int(0), p) : KS_ENOMEM;
	}
	int64_t iv = fi->value.u.i, cm = fc->value.u.i;
	int64_t v = iv > INT32_MAX || cm > INT32_MAX ? INT64_MAX / 2 : iv * cm;
	const char *p = ks_arena_printf(a, "ClientAliveInterval %lld (%s) x ClientAliveCountMax %lld (%s)",
	                                (long long)iv, fact_where(ctx, fi, "default"), (long long)cm,
	                                fact_where(ctx, fc, "default 3"));
	return p ? ks_fact_put_probe(ctx->facts, key, ks_val_int(v), p) : KS_ENOMEM;
}

int ks_collect_session(ks_collect_ctx *ctx)
{
	ks_tmout_state st;
	ks_session_tmout_init(&st);
	int rc = read_into(ctx, &st, ENVIRONMENT, true);
	for (size_t i = 0; rc >= 0 && i < sizeof tmout_files / sizeof *tmout_files; i++)
		rc = read_into(ctx, &st, tmout_files[i], false);
	if (rc < 0)
		return rc;
	const char **paths;
	size_t n;
	rc = ks_rootfs_glob(ctx->root, ctx->arena, PROFILE_D_GLOB, &paths, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && !st.readonly) {
		st.unknown = ks_arena_printf(ctx->arena, "/etc/profile.d: %s", ks_strerror(rc));
		st.ro_unknown = true;
		if (!st.unknown)
			return KS_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		if (ks_rootfs_stat(ctx->root, paths[i], &sb) == 0 && !S_ISREG(sb.st_mode))
			continue; /* /etc/profile sources only readable files ([ -r ]); directories fail */
		if ((rc = read_into(ctx, &st, paths[i], false)) < 0)
			return rc;
	}
	const char *files = "/etc/environment, /etc/profile, /etc/bash.bashrc, /etc/profile.d/*.sh";
	if ((rc = ks_fact_put_probe(ctx->facts, "session.tmout_settings", st.settings, files)) < 0)
		return rc;
	if (st.unknown) {
		rc = ks_fact_unknown(ctx->facts, "session.tmout", st.path, "%s", st.unknown);
	} else if (st.set) {
		rc = ks_fact_int(ctx->facts, "session.tmout", st.value > 0 ? st.value : 0, st.path, st.line);
	} else if (st.path) {
		rc = ks_fact_int(ctx->facts, "session.tmout", 0, st.path, st.line); /* unset */
	} else {
		const char *p = ks_arena_printf(ctx->arena, "TMOUT not set in %s: no shell idle timeout", files);
		rc = p ? ks_fact_put_probe(ctx->facts, "session.tmout", ks_val_int(0), p) : KS_ENOMEM;
	}
	if (rc < 0)
		return rc;
	if (st.readonly)
		rc = ks_fact_bool(ctx->facts, "session.tmout_readonly", true, st.ro_path, st.ro_line);
	else if (st.ro_unknown)
		rc = ks_fact_unknown(ctx->facts, "session.tmout_readonly", st.path, "%s",
		                     st.unknown ? st.unknown : "TMOUT possibly made readonly conditionally");
	else
		rc = ks_fact_put_probe(ctx->facts, "session.tmout_readonly", ks_val_bool(false),
		                       "no unconditional 'readonly TMOUT' (declare -r, typeset -r): users can "
		                       "change or unset it");
	if (rc < 0)
		return rc;
	return ssh_idle(ctx);
}
