/* rsyslog collector: rsyslog.installed, rsyslog.enabled, rsyslog.auth_files, rsyslog.auth_forward,
 * rsyslog.reads_journal.
 *
 * The configuration is parsed into statements per ruleset, then the default ruleset is walked with a
 * four-valued filter per (facility, severity): T (every such message passes), F (none), U (depends on
 * other properties, e.g. $programname: not every message) and X (a filter kenshin does not
 * understand). An action "records auth" when it receives T for every severity emerg..info of the
 * auth or of the authpriv facility; X there makes the answer unknown, never yes. Only the default
 * ruleset and rulesets it `call`s are followed: local programs log through imuxsock/imjournal, which
 * feed the default ruleset unless bound elsewhere (not modelled; documented in docs/facts.md). */
#include "rsyslog.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "dpkg.h"
#include "systemd_enable.h"

#define NFAC 24
#define NSEV 8
#define FAC_AUTH 4
#define FAC_AUTHPRIV 10
#define SEV_INFO 6
#define MAX_RULESETS 256
#define MAX_STATEMENTS 100000u  /* statements kept per configuration tree */
#define MAX_WALK_STEPS 100000u /* statements visited while following calls: real configs need a few hundred; self-calling rulesets would otherwise grow exponentially */
#define MAX_PARAMS KS_MAX_TOKENS
#define MAX_RECORDS 1024u       /* auth destinations kept per list */

/* ---- four-valued filter tables ------------------------------------------------------------ */

enum { TV_F = 0, TV_U = 1, TV_X = 2, TV_T = 3 };

typedef struct tvt {
	unsigned char v[NFAC][NSEV];
} tvt;

static unsigned char tv_and(unsigned char a, unsigned char b)
{
	if (a == TV_F || b == TV_F)
		return TV_F;
	if (a == TV_X || b == TV_X)
		return TV_X;
	if (a == TV_U || b == TV_U)
		return TV_U;
	return TV_T;
}

static unsigned char tv_or(unsigned char a, unsigned char b)
{
	if (a == TV_T || b == TV_T)
		return TV_T;
	if (a == TV_X || b == TV_X)
		return TV_X;
	if (a == TV_U || b == TV_U)
		return TV_U;
	return TV_F;
}

static unsigned char tv_not(unsigned char a)
{
	return a == TV_T ? TV_F : a == TV_F ? TV_T : a;
}

static void tvt_fill(tvt *t, unsigned char v)
{
	memset(t->v, v, sizeof t->v);
}

static void tvt_and(tvt *dst, const tvt *a, const tvt *b)
{
	for (int f = 0; f < NFAC; f++)
		for (int p = 0; p < NSEV; p++)
			dst->v[f][p] = tv_and(a->v[f][p], b->v[f][p]);
}

static void tvt_or(tvt *dst, const tvt *a, const tvt *b)
{
	for (int f = 0; f < NFAC; f++)
		for (int p = 0; p < NSEV; p++)
			dst->v[f][p] = tv_or(a->v[f][p], b->v[f][p]);
}

static void tvt_not(tvt *dst, const tvt *a)
{
	for (int f = 0; f < NFAC; f++)
		for (int p = 0; p < NSEV; p++)
			dst->v[f][p] = tv_not(a->v[f][p]);
}

/* ---- syslog names (rsyslog's syslogFacNames / syslogPriNames) ------------------------------ */

static const char *const fac_text[NFAC] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
	"ntp", "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4", "local5",
	"local6", "local7"};
static const char *const sev_text[NSEV] = {"emerg", "alert", "crit", "err", "warning", "notice", "info",
                                           "debug"};

#define PRI_NONE 0x10 /* INTERNAL_NOPRI */
#define PRI_ALL 0xff  /* TABLE_ALLPRI */

static int decode_pri(const char *s)
{
	static const struct {
		const char *name;
		int v;
	} names[] = {{"emerg", 0}, {"panic", 0}, {"alert", 1}, {"crit", 2}, {"err", 3}, {"error", 3},
	             {"warning", 4}, {"warn", 4}, {"notice", 5}, {"info", 6}, {"debug", 7},
	             {"none", PRI_NONE}, {"*", PRI_ALL}};
	if (isdigit((unsigned char)s[0])) {
		char *end;
		long v = strtol(s, &end, 10);
		return *end == '\0' && v >= 0 && v < NSEV ? (int)v : -1;
	}
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].v;
	return -1;
}

/* Facility index, NFAC for "mark" (accepted, never a message facility here), -1 if unknown. */
static int decode_fac(const char *s)
{
	if (strcasecmp(s, "security") == 0)
		return FAC_AUTH;
	if (strcasecmp(s, "mark") == 0)
		return NFAC;
	static const char *const extra[] = {"ftp", "ntp", "audit", "console", "cron2"};
	for (int i = 0; i < NFAC; i++)
		if (strcasecmp(s, fac_text[i]) == 0)
			return i;
	for (int i = 0; i < 5; i++)
		if (strcasecmp(s, extra[i]) == 0)
			return 11 + i;
	if (isdigit((unsigned char)s[0])) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end == '\0' && v >= 0 && v < NFAC)
			return (int)v;
	}
	return -1;
}

static void apply_mask(unsigned char *mask, int pri, bool ignore, bool single)
{
	if (pri == PRI_NONE) {
		*mask = ignore ? 0xff : 0;
	} else if (single) {
		if (ignore)
			*mask &= (unsigned char)~(1u << pri);
		else
			*mask |= (unsigned char)(1u << pri);
	} else if (pri == PRI_ALL) {
		*mask = ignore ? 0 : 0xff;
	} else {
		for (int i = 0; i <= pri; i++) {
			if (ignore)
				*mask &= (unsigned char)~(1u << i);
			else
				*mask |= (unsigned char)(1u << i);
		}
	}
}

/* A sysklogd selector ("auth,authpriv.*;mail.!=info") as rsyslog's cflineProcessTradPRIFilter
 * reads it: components left to right, each setting the priority mask of the facilities it names.
 * Returns NULL on success or the error rsyslog would report (the line is then discarded). */
static const char *parse_selector(const char *sel, tvt *out)
{
	unsigned char mask[NFAC + 1];
	memset(mask, 0, sizeof mask);
	const char *p = sel;
	while (*p) {
		const char *q = p;
		while (*q && *q != '.')
			q++;
		if (*q == '.')
			q++;
		char buf[64];
		size_t bl = 0;
		while (*q && !strchr(",;", *q)) {
			if (bl + 1 < sizeof buf)
				buf[bl++] = *q;
			q++;
		}
		buf[bl] = '\0';
		while (*q && strchr(",;", *q))
			q++;
		const char *b = buf;
		bool ignore = false, single = false;
		if (*b == '!') {
			ignore = true;
			b++;
		}
		if (*b == '=') {
			single = true;
			b++;
		}
		int pri = decode_pri(b);
		if (pri < 0)
			return "unknown priority name";
		while (*p && *p != '.' && *p != ';') {
			char fb[64];
			size_t fl = 0;
			while (*p && !strchr(",;.", *p)) {
				if (fl + 1 < sizeof fb)
					fb[fl++] = *p;
				p++;
			}
			fb[fl] = '\0';
			if (fb[0] == '*') {
				for (int i = 0; i <= NFAC; i++)
					apply_mask(&mask[i], pri, ignore, single);
			} else {
				int fac = decode_fac(fb);
				if (fac < 0)
					return "unknown facility name";
				apply_mask(&mask[fac], pri, ignore, single);
			}
			while (*p == ',')
				p++;
		}
		if (q <= p && *p) /* no progress: malformed beyond repair */
			return "malformed selector";
		p = q;
	}
	for (int f = 0; f < NFAC; f++)
		for (int s = 0; s < NSEV; s++)
			out->v[f][s] = (mask[f] >> s) & 1 ? TV_T : TV_F;
	return NULL;
}

/* ---- statements ------------------------------------------------------------------------- */

enum { ST_ACTION, ST_STOP, ST_IF, ST_CALL, ST_CALL_UNKNOWN };
enum { ACT_FILE, ACT_DYNAFILE, ACT_FORWARD, ACT_OTHER };

struct stmt;
struct slist {
	struct stmt *head, **tail;
};

struct action {
	int kind;
	const char *file;     /* ACT_FILE: path; ACT_DYNAFILE: template name */
	const char *target;   /* ACT_FORWARD */
	const char *protocol; /* ACT_FORWARD */
};

struct stmt {
	int kind;
	const char *path;
	int line;
	const tvt *cond;           /* ST_IF */
	struct slist then_l, else_l;
	struct action act;         /* ST_ACTION */
	bool after_error;          /* follows a syntax error: rsyslogd would not load it */
	const char *callee;        /* ST_CALL */
	struct stmt *next;
};

struct ruleset {
	const char *name;
	struct slist body;
};

struct param {
	const char *name, *value;
};

struct params {
	struct param v[MAX_PARAMS];
	size_t n;
};

struct parser {
	ks_collect_ctx *ctx;
	struct params params;     /* scratch for the object being parsed (not kept) */
	struct ruleset sets[MAX_RULESETS];
	size_t nsets;
	struct ruleset *cur;      /* target of top-level statements ($RuleSet switches it) */
	struct ruleset overflow;  /* sink once MAX_RULESETS is reached */
	size_t files, stmts;
	const tvt *bsd;           /* filter of a BSD-style !prog / +host block, or NULL */
	bool reads_journal;
	const char *incomplete;
	const char *err_path; /* first syntax error */
	int err_line;
};

struct cur {
	struct parser *P;
	const char *path;
	const char *s;
	size_t i, n;
	int line;
	int depth; /* include depth */
};

static void slist_init(struct slist *l)
{
	l->head = NULL;
	l->tail = &l->head;
}

static void warn(struct cur *c, int line, const char *msg)
{
	ks_diag_add(c->P->ctx->diags, KS_DIAG_WARNING, c->path, line, 0, "%s", msg);
}

/* A syntax error stops rsyslogd's parser (bison without error recovery): statements before it are
 * loaded, later ones are not. kenshin keeps reading but marks what follows as uncertain. */
static void syntax(struct cur *c, int line, const char *msg)
{
	warn(c, line, msg);
	if (!c->P->err_path) {
		c->P->err_path = c->path;
		c->P->err_line = line;
	}
}

static struct ruleset *ruleset_get(struct parser *P, const char *name)
{
	for (size_t i = 0; i < P->nsets; i++)
		if (strcmp(P->sets[i].name, name) == 0)
			return &P->sets[i];
	if (P->nsets == MAX_RULESETS)
		return &P->overflow;
	struct ruleset *r = &P->sets[P->nsets++];
	r->name = name;
	slist_init(&r->body);
	return r;
}

static struct slist *target(struct cur *c, struct slist *list)
{
	return list ? list : &c->P->cur->body;
}

static struct stmt *add_stmt(struct cur *c, struct slist *list, int kind, int line)
{
	if (c->P->stmts >= MAX_STATEMENTS) {
		if (!c->P->incomplete) {
			c->P->incomplete = "too many statements";
			warn(c, line, "more than 100000 statements; the rest is ignored");
		}
		return NULL;
	}
	struct stmt *s = ks_arena_alloc(c->P->ctx->arena, sizeof *s);
	if (!s)
		return NULL;
	s->kind = kind;
	s->path = c->path;
	s->line = line;
	s->after_error = c->P->err_path != NULL;
	slist_init(&s->then_l);
	slist_init(&s->else_l);
	struct slist *l = target(c, list);
	*l->tail = s;
	l->tail = &s->next;
	c->P->stmts++;
	return s;
}

/* ---- lexical helpers ------------------------------------------------------------------------ */

static bool at_end(const struct cur *c) { return c->i >= c->n; }
static int peekc(const struct cur *c) { return at_end(c) ? -1 : (unsigned char)c->s[c->i]; }
static int peekc2(const struct cur *c) { return c->i + 1 >= c->n ? -1 : (unsigned char)c->s[c->i + 1]; }

static void skip_to_eol(struct cur *c)
{
	while (!at_end(c) && c->s[c->i] != '\n')
		c->i++;
}

/* Skips blanks and comments ('#' to the end of the line, C-style blocks); newlines too when NL. */
static void skip_space(struct cur *c, bool nl)
{
	while (!at_end(c)) {
		char ch = c->s[c->i];
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v') {
			c->i++;
		} else if (ch == '\n' && nl) {
			c->i++;
			c->line++;
		} else if (ch == '#') {
			skip_to_eol(c);
		} else if (ch == '/' && peekc2(c) == '*') {
			int start = c->line;
			c->i += 2;
			while (!at_end(c) && !(c->s[c->i] == '*' && peekc2(c) == '/')) {
				if (c->s[c->i] == '\n')
					c->line++;
				c->i++;
			}
			if (at_end(c)) {
				syntax(c, start, "unterminated /* comment");
				return;
			}
			c->i += 2;
		} else {
			return;
		}
	}
}

static bool is_word_char(int ch)
{
	return ch >= 0 && (isalnum(ch) || ch == '_' || ch == '-' || ch == '.');
}

/* An identifier at the cursor (not consumed): letters, digits, '_', '-', '.'. */
static size_t word_len(const struct cur *c)
{
	size_t k = 0;
	while (c->i + k < c->n && is_word_char((unsigned char)c->s[c->i + k]))
		k++;
	return k;
}

static bool word_is(const struct cur *c, size_t len, const char *kw)
{
	return strlen(kw) == len && strncasecmp(c->s + c->i, kw, len) == 0;
}

/* The sysklogd selector pattern rsyslog's lexer recognises at a statement start:
 * [*a-z]+[0-7]*[.,][,!=;.*a-z0-9]+ (letters in either case). Returns its length or 0. */
static size_t selector_len(const struct cur *c)
{
	size_t k = c->i;
	while (k < c->n && (isalpha((unsigned char)c->s[k]) || c->s[k] == '*'))
		k++;
	if (k == c->i)
		return 0;
	while (k < c->n && c->s[k] >= '0' && c->s[k] <= '7')
		k++;
	if (k >= c->n || (c->s[k] != '.' && c->s[k] != ','))
		return 0;
	size_t start = k;
	while (k < c->n && (isalnum((unsigned char)c->s[k]) || strchr(",!=;.*", c->s[k])))
		k++;
	return k > start + 1 ? k - c->i : 0;
}

/* A quoted string ('...' or "..." with backslash escapes, or `...`) at the cursor, unescaped. */
static int read_string(struct cur *c, char **out)
{
	char q = c->s[c->i];
	int start = c->line;
	size_t j = c->i + 1;
	while (j < c->n && c->s[j] != q)
		j += c->s[j] == '\\' && q != '`' && j + 1 < c->n ? 2 : 1;
	*out = NULL;
	if (j >= c->n) {
		syntax(c, start, "unterminated string");
		for (size_t k = c->i; k < c->n; k++)
			c->line += c->s[k] == '\n';
		c->i = c->n;
		return KS_EPARSE;
	}
	char *buf = ks_arena_alloc(c->P->ctx->arena, j - c->i);
	if (!buf)
		return KS_ENOMEM;
	size_t k = 0;
	for (size_t m = c->i + 1; m < j; m++) {
		char ch = c->s[m];
		if (ch == '\n')
			c->line++;
		if (ch == '\\' && q != '`') {
			ch = c->s[++m];
			if (ch == 'n')
				ch = '\n';
			else if (ch == 't')
				ch = '\t';
			else if (ch == '\n')
				c->line++;
		}
		buf[k++] = ch;
	}
	buf[k] = '\0';
	c->i = j + 1;
	*out = buf;
	return KS_OK;
}

/* ---- parameter lists: name="value" ... ------------------------------------------------------- */

static const char *param(const struct params *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (strcasecmp(ps->v[i].name, name) == 0)
			return ps->v[i].value;
	return NULL;
}

/* Skips to the matching CLOSE, honouring strings and comments; for recovery and template bodies. */
static void skip_balanced(struct cur *c, char open, char close)
{
	int level = 0;
	while (!at_end(c)) {
		skip_space(c, true);
		if (at_end(c))
			break;
		char ch = c->s[c->i];
		if (ch == '"' || ch == '\'' || ch == '`') {
			char *s;
			if (read_string(c, &s) < 0)
				return;
			continue;
		}
		c->i++;
		if (ch == open) {
			level++;
		} else if (ch == close) {
			if (--level <= 0)
				return;
		}
	}
}

/* "(name=value ...)" at the cursor. On a syntax error, reports it and skips past the ')'. */
static int parse_params(struct cur *c, struct params *ps, bool *ok)
{
	ps->n = 0;
	*ok = false;
	skip_space(c, true);
	if (peekc(c) != '(') {
		syntax(c, c->line, "expected '('");
		skip_to_eol(c);
		return KS_OK;
	}
	size_t open = c->i;
	c->i++;
	for (;;) {
		skip_space(c, true);
		int ch = peekc(c);
		if (ch == ')') {
			c->i++;
			*ok = true;
			return KS_OK;
		}
		if (ch == ',') { /* not rsyslog syntax, but harmless */
			c->i++;
			continue;
		}
		size_t wl = word_len(c);
		if (!wl)
			break;
		char *name = ks_arena_strndup(c->P->ctx->arena, c->s + c->i, wl);
		if (!name)
			return KS_ENOMEM;
		c->i += wl;
		skip_space(c, true);
		if (peekc(c) != '=')
			break;
		c->i++;
		skip_space(c, true);
		ch = peekc(c);
		char *value = NULL;
		if (ch == '"' || ch == '\'' || ch == '`') {
			int rc = read_string(c, &value);
			if (rc == KS_ENOMEM)
				return rc;
			if (rc < 0)
				return KS_OK;
		} else if (ch == '[') {
			skip_balanced(c, '[', ']');
			value = "";
		} else {
			size_t vl = word_len(c);
			if (!vl)
				break;
			value = ks_arena_strndup(c->P->ctx->arena, c->s + c->i, vl);
			if (!value)
				return KS_ENOMEM;
			c->i += vl;
		}
		if (ps->n < MAX_PARAMS) {
			ps->v[ps->n].name = name;
			ps->v[ps->n].value = value;
			ps->n++;
		}
	}
	syntax(c, c->line, "malformed parameter list: expected name=\"value\" or ')'");
	c->i = open;
	skip_balanced(c, '(', ')');
	return KS_OK;
}

/* ---- expressions (RainerScript), evaluated abstractly over facility and severity ----------- */

enum { TK_EOF, TK_LP, TK_RP, TK_LB, TK_RB, TK_COMMA, TK_STR, TK_NUM, TK_VAR, TK_WORD, TK_OP, TK_BAD };

struct tok {
	int kind;
	const char *s; /* raw text */
	size_t n;
	char *str;     /* TK_STR: unescaped */
};

static int next_tok(struct cur *c, struct tok *t)
{
	memset(t, 0, sizeof *t);
	skip_space(c, true);
	if (at_end(c)) {
		t->kind = TK_EOF;
		return KS_OK;
	}
	const char *p = c->s + c->i;
	char ch = *p;
	t->s = p;
	t->n = 1;
	switch (ch) {
	case '(': t->kind = TK_LP; c->i++; return KS_OK;
	case ')': t->kind = TK_RP; c->i++; return KS_OK;
	case '[': t->kind = TK_LB; c->i++; return KS_OK;
	case ']': t->kind = TK_RB; c->i++; return KS_OK;
	case ',': t->kind = TK_COMMA; c->i++; return KS_OK;
	case '"':
	case '\'':
	case '`': {
		t->kind = TK_STR;
		int rc = read_string(c, &t->str);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0)
			t->kind = TK_BAD;
		return KS_OK;
	}
	case '$': {
		size_t k = 1;
		while (c->i + k < c->n && (is_word_char((unsigned char)p[k]) || p[k] == '!' || p[k] == '/' ||
		                           p[k] == '$'))
			k++;
		t->kind = TK_VAR;
		t->n = k;
		c->i += k;
		return KS_OK;
	}
	default:
		break;
	}
	if (isdigit((unsigned char)ch)) {
		size_t k = 0;
		while (c->i + k < c->n && isalnum((unsigned char)p[k]))
			k++;
		t->kind = TK_NUM;
		t->n = k;
		c->i += k;
		return KS_OK;
	}
	if (isalpha((unsigned char)ch) || ch == '_') {
		size_t k = 0;
		while (c->i + k < c->n && (isalnum((unsigned char)p[k]) || p[k] == '_'))
			k++;
		t->kind = TK_WORD;
		t->n = k;
		c->i += k;
		return KS_OK;
	}
	static const char *const ops[] = {"==", "!=", "<>", "<=", ">=", "<", ">", "=", "&", "+", "-", "*", "/", "%"};
	for (size_t o = 0; o < sizeof ops / sizeof *ops; o++) {
		size_t l = strlen(ops[o]);
		if (c->n - c->i >= l && memcmp(p, ops[o], l) == 0) {
			t->kind = TK_OP;
			t->n = l;
			c->i += l;
			return KS_OK;
		}
	}
	t->kind = TK_BAD;
	c->i++;
	return KS_OK;
}

static int peek_tok(struct cur *c, struct tok *t)
{
	size_t i = c->i;
	int line = c->line;
	int rc = next_tok(c, t);
	c->i = i;
	c->line = line;
	return rc;
}

static bool tok_is(const struct tok *t, const char *w)
{
	return (t->kind == TK_WORD || t->kind == TK_OP) && strlen(w) == t->n && strncasecmp(t->s, w, t->n) == 0;
}

enum { AV_CONST, AV_FACNUM, AV_FACTEXT, AV_SEVNUM, AV_SEVTEXT, AV_PRINUM, AV_OTHER, AV_UNKNOWN, AV_BOOL,
       AV_ARRAY };

#define MAX_ARRAY 64

struct aval {
	int kind;
	const char *s;                 /* AV_CONST */
	const char *arr[MAX_ARRAY];    /* AV_ARRAY */
	size_t narr;
	tvt t;                         /* AV_BOOL */
};

struct expr {
	struct cur *c;
	const char *err;
	int depth;
};

static void to_bool(const struct aval *a, tvt *out)
{
	switch (a->kind) {
	case AV_BOOL:
		*out = a->t;
		return;
	case AV_OTHER:
		tvt_fill(out, TV_U);
		return;
	case AV_FACNUM:
	case AV_SEVNUM:
	case AV_PRINUM:
		for (int f = 0; f < NFAC; f++)
			for (int p = 0; p < NSEV; p++) {
				int v = a->kind == AV_FACNUM ? f : a->kind == AV_SEVNUM ? p : f * 8 + p;
				out->v[f][p] = v ? TV_T : TV_F;
			}
		return;
	case AV_CONST: {
		char *end;
		long v = strtol(a->s, &end, 10);
		if (*a->s && *end == '\0') {
			tvt_fill(out, v ? TV_T : TV_F);
			return;
		}
		break;
	}
	default:
		break;
	}
	tvt_fill(out, TV_X);
}

/* The concrete value of A for a message of facility F and severity P: 1 with *S set, 0 when it
 * depends on other properties, -1 when unknown. */
static int concrete(const struct aval *a, int f, int p, const char **s, char *buf, size_t bl)
{
	switch (a->kind) {
	case AV_CONST: *s = a->s; return 1;
	case AV_FACTEXT: *s = fac_text[f]; return 1;
	case AV_SEVTEXT: *s = sev_text[p]; return 1;
	case AV_FACNUM:
	case AV_SEVNUM:
	case AV_PRINUM:
		snprintf(buf, bl, "%d", a->kind == AV_FACNUM ? f : a->kind == AV_SEVNUM ? p : f * 8 + p);
		*s = buf;
		return 1;
	case AV_BOOL:
		if (a->t.v[f][p] == TV_T || a->t.v[f][p] == TV_F) {
			*s = a->t.v[f][p] == TV_T ? "1" : "0";
			return 1;
		}
		return a->t.v[f][p] == TV_U ? 0 : -1;
	case AV_OTHER: return 0;
	default: return -1;
	}
}

static bool as_number(const char *s, long long *v)
{
	char *end;
	if (!*s)
		return false;
	*v = strtoll(s, &end, 10);
	return *end == '\0';
}

static bool compare1(const char *a, const char *op, const char *b)
{
	long long x, y;
	bool num = as_number(a, &x) && as_number(b, &y);
	int cmp = num ? (x > y) - (x < y) : strcmp(a, b);
	if (!strcmp(op, "==") || !strcmp(op, "="))
		return cmp == 0;
	if (!strcmp(op, "!=") || !strcmp(op, "<>"))
		return cmp != 0;
	if (!strcmp(op, "<"))
		return cmp < 0;
	if (!strcmp(op, "<="))
		return cmp <= 0;
	if (!strcmp(op, ">"))
		return cmp > 0;
	if (!strcmp(op, ">="))
		return cmp >= 0;
	if (!strcmp(op, "contains"))
		return strstr(a, b) != NULL;
	if (!strcmp(op, "contains_i"))
		return strcasestr(a, b) != NULL;
	if (!strcmp(op, "startswith"))
		return strncmp(a, b, strlen(b)) == 0;
	if (!strcmp(op, "endswith"))
		return strlen(a) >= strlen(b) && strcmp(a + strlen(a) - strlen(b), b) == 0;
	return strncasecmp(a, b, strlen(b)) == 0; /* startswith_i */
}

static void compare(const struct aval *a, const char *op, const struct aval *b, struct aval *out)
{
	out->kind = AV_BOOL;
	bool neg = !strcmp(op, "!=") || !strcmp(op, "<>");
	for (int f = 0; f < NFAC; f++)
		for (int p = 0; p < NSEV; p++) {
			const char *x = NULL, *y = NULL; /* set by concrete() when it returns > 0 */
			char bx[16], by[16];
			int ka = concrete(a, f, p, &x, bx, sizeof bx);
			unsigned char r;
			if (b->kind == AV_ARRAY) {
				/* "$x == ['a','b']": any element; "!=": none of them. */
				if (ka <= 0) {
					r = ka < 0 ? TV_X : TV_U;
				} else {
					bool any = false;
					for (size_t k = 0; k < b->narr; k++)
						any |= compare1(x, neg ? "==" : op, b->arr[k]);
					r = (neg ? !any : any) ? TV_T : TV_F;
				}
			} else {
				int kb = concrete(b, f, p, &y, by, sizeof by);
				if (ka < 0 || kb < 0 || a->kind == AV_ARRAY)
					r = TV_X;
				else if (ka == 0 || kb == 0)
					r = TV_U;
				else
					r = compare1(x, op, y) ? TV_T : TV_F;
			}
			out->t.v[f][p] = r;
		}
}

static bool known_function(const char *name, size_t n)
{
	static const char *const fns[] = {
		"re_match", "re_match_i", "re_extract", "re_extract_i", "field", "strlen", "substring", "getenv",
		"replace", "wrap", "exec_template", "lookup", "dyn_inc", "percentile_observe", "format_time",
		"parse_time", "is_time", "script_error", "previous_action_suspended", "random", "ipv42num",
		"num2ipv4", "int2hex", "parse_json", "get_property", "http_request", "ltrim", "rtrim", "cstr",
		"cnum", "tolower", "toupper", "prifilt", "exists", "split", "trim"};
	for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
		if (strlen(fns[i]) == n && strncasecmp(name, fns[i], n) == 0)
			return true;
	return false;
}

/* rsyslog's grammar: "and" and "or" share the lowest level (left to right), then comparisons,
 * then + - &, then * / %; "not" and unary minus bind tightest. */
enum { PREC_LOGIC = 1, PREC_CMP = 2, PREC_ADD = 3, PREC_MUL = 4, PREC_PREFIX = 5 };

static int parse_expr(struct expr *e, int minprec, struct aval *out);

static int expr_fail(struct expr *e, const char *msg)
{
	if (!e->err)
		e->err = msg;
	return KS_EPARSE;
}

static int parse_call(struct expr *e, const struct tok *name, struct aval *out)
{
	struct tok t;
	int rc;
	struct aval first; /* only the first argument is ever looked at */
	size_t nargs = 0;
	bool unknown = false;
	if ((rc = peek_tok(e->c, &t)) < 0)
		return rc;
	if (t.kind == TK_RP) {
		next_tok(e->c, &t);
	} else {
		for (;;) {
			struct aval tmp;
			if ((rc = parse_expr(e, 0, &tmp)) < 0)
				return rc;
			if (tmp.kind == AV_UNKNOWN)
				unknown = true;
			if (nargs++ == 0)
				first = tmp;
			if ((rc = next_tok(e->c, &t)) < 0)
				return rc;
			if (t.kind == TK_RP)
				break;
			if (t.kind != TK_COMMA)
				return expr_fail(e, "expected ',' or ')' in function call");
		}
	}
	memset(out, 0, sizeof *out);
	if (!known_function(name->s, name->n)) {
		out->kind = AV_UNKNOWN;
		return KS_OK;
	}
	if (name->n == 7 && strncasecmp(name->s, "prifilt", 7) == 0 && nargs == 1 && first.kind == AV_CONST) {
		/* prifilt("auth,authpriv.*") tests a sysklogd selector. */
		out->kind = parse_selector(first.s, &out->t) ? AV_UNKNOWN : AV_BOOL;
		return KS_OK;
	}
	bool passthrough = (name->n == 7 && strncasecmp(name->s, "tolower", 7) == 0) ||
	                   (name->n == 4 && strncasecmp(name->s, "cstr", 4) == 0) ||
	                   (name->n == 4 && strncasecmp(name->s, "cnum", 4) == 0);
	if (passthrough && nargs == 1 && first.kind != AV_BOOL && first.kind != AV_ARRAY) {
		*out = first; /* syslog names are already lower case */
		return KS_OK;
	}
	out->kind = unknown ? AV_UNKNOWN : AV_OTHER;
	return KS_OK;
}

static void classify_var(const struct tok *t, struct aval *out)
{
	static const struct {
		const char *name;
		int kind;
	} vars[] = {{"$syslogfacility", AV_FACNUM}, {"$syslogfacility-text", AV_FACTEXT},
	            {"$syslogseverity", AV_SEVNUM}, {"$syslogseverity-text", AV_SEVTEXT},
	            {"$syslogpriority", AV_SEVNUM}, {"$syslogpriority-text", AV_SEVTEXT}, {"$pri", AV_PRINUM}};
	memset(out, 0, sizeof *out);
	out->kind = AV_OTHER; /* $msg, $programname, $!json, $.local …: message content */
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
		if (strlen(vars[i].name) == t->n && strncasecmp(t->s, vars[i].name, t->n) == 0)
			out->kind = vars[i].kind;
}

static int parse_primary(struct expr *e, struct aval *out)
{
	struct tok t;
	int rc = peek_tok(e->c, &t);
	if (rc < 0)
		return rc;
	if (tok_is(&t, "then") || tok_is(&t, "do"))
		return expr_fail(e, "expected an expression before 'then'");
	next_tok(e->c, &t);
	memset(out, 0, sizeof *out);
	switch (t.kind) {
	case TK_LP:
		if ((rc = parse_expr(e, 0, out)) < 0)
			return rc;
		if ((rc = next_tok(e->c, &t)) < 0)
			return rc;
		return t.kind == TK_RP ? KS_OK : expr_fail(e, "expected ')'");
	case TK_LB:
		out->kind = AV_ARRAY;
		for (;;) {
			if ((rc = next_tok(e->c, &t)) < 0)
				return rc;
			if (t.kind == TK_RB && out->narr == 0)
				return KS_OK;
			if (t.kind == TK_STR || t.kind == TK_NUM) {
				const char *v = t.kind == TK_STR ? t.str : ks_arena_strndup(e->c->P->ctx->arena, t.s, t.n);
				if (!v)
					return KS_ENOMEM;
				if (out->narr < MAX_ARRAY)
					out->arr[out->narr++] = v;
				else
					out->kind = AV_UNKNOWN;
			} else {
				return expr_fail(e, "expected a constant in array");
			}
			if ((rc = next_tok(e->c, &t)) < 0)
				return rc;
			if (t.kind == TK_RB)
				return KS_OK;
			if (t.kind != TK_COMMA)
				return expr_fail(e, "expected ',' or ']' in array");
		}
	case TK_STR:
		out->kind = AV_CONST;
		out->s = t.str;
		return KS_OK;
	case TK_NUM:
		out->kind = AV_CONST;
		out->s = ks_arena_strndup(e->c->P->ctx->arena, t.s, t.n);
		return out->s ? KS_OK : KS_ENOMEM;
	case TK_VAR:
		classify_var(&t, out);
		return KS_OK;
	case TK_WORD: {
		if (tok_is(&t, "not")) {
			struct aval v;
			if ((rc = parse_expr(e, PREC_MUL, &v)) < 0)
				return rc;
			tvt b;
			to_bool(&v, &b);
			out->kind = AV_BOOL;
			tvt_not(&out->t, &b);
			return KS_OK;
		}
		struct tok lp;
		if ((rc = peek_tok(e->c, &lp)) < 0)
			return rc;
		if (lp.kind == TK_LP) {
			next_tok(e->c, &lp);
			return parse_call(e, &t, out);
		}
		return expr_fail(e, "unexpected word in expression");
	}
	case TK_OP:
		if (t.n == 1 && t.s[0] == '-') {
			struct aval v;
			if ((rc = parse_expr(e, PREC_MUL, &v)) < 0)
				return rc;
			out->kind = v.kind == AV_UNKNOWN ? AV_UNKNOWN : AV_OTHER;
			return KS_OK;
		}
		return expr_fail(e, "unexpected operator");
	default:
		return expr_fail(e, "expected an expression");
	}
}

/* Binding power of the operator T, 0 when T does not continue an expression. */
static int infix_prec(const struct tok *t)
{
	if (tok_is(t, "or") || tok_is(t, "and"))
		return PREC_LOGIC;
	if (tok_is(t, "contains") || tok_is(t, "contains_i") || tok_is(t, "startswith") ||
	    tok_is(t, "startswith_i") || tok_is(t, "endswith"))
		return PREC_CMP;
	if (t->kind != TK_OP)
		return 0;
	if (t->n == 2 || t->s[0] == '<' || t->s[0] == '>' || t->s[0] == '=')
		return PREC_CMP;
	if (t->s[0] == '&' || t->s[0] == '+' || t->s[0] == '-')
		return PREC_ADD;
	return PREC_MUL;
}

static int parse_expr(struct expr *e, int minprec, struct aval *out)
{
	if (++e->depth > KS_MAX_EXPR_DEPTH) {
		e->depth--;
		return expr_fail(e, "expression nested too deeply");
	}
	int rc = parse_primary(e, out);
	while (rc == KS_OK) {
		struct tok t;
		if ((rc = peek_tok(e->c, &t)) < 0)
			break;
		int prec = infix_prec(&t);
		if (prec <= minprec)
			break;
		next_tok(e->c, &t);
		struct aval rhsv;
		struct aval *rhs = &rhsv;
		if ((rc = parse_expr(e, prec, rhs)) < 0)
			break;
		char op[16];
		size_t ol = t.n < sizeof op - 1 ? t.n : sizeof op - 1;
		for (size_t k = 0; k < ol; k++)
			op[k] = (char)tolower((unsigned char)t.s[k]);
		op[ol] = '\0';
		if (prec == PREC_LOGIC) {
			tvt a, b;
			to_bool(out, &a);
			to_bool(rhs, &b);
			out->kind = AV_BOOL;
			if (op[0] == 'o')
				tvt_or(&out->t, &a, &b);
			else
				tvt_and(&out->t, &a, &b);
		} else if (prec == PREC_CMP) {
			struct aval lhs = *out;
			compare(&lhs, op, rhs, out);
		} else if (op[0] == '&' && out->kind == AV_CONST && rhs->kind == AV_CONST) {
			out->s = ks_arena_printf(e->c->P->ctx->arena, "%s%s", out->s, rhs->s);
			if (!out->s)
				rc = KS_ENOMEM;
		} else {
			out->kind = out->kind == AV_UNKNOWN || rhs->kind == AV_UNKNOWN ? AV_UNKNOWN : AV_OTHER;
		}
	}
	e->depth--;
	return rc;
}

/* ---- statements -------------------------------------------------------------------------- */

static int parse_stmts(struct cur *c, struct slist *list, int nest, bool in_block);
static int parse_block(struct cur *c, struct slist *list, int nest);
static int parse_file(struct parser *P, const char *path, const char *data, size_t len, struct slist *list,
                      int depth);

static char *dup_range(struct cur *c, const char *s, size_t n)
{
	return ks_arena_strndup(c->P->ctx->arena, s, n);
}

/* A legacy action (the text after a selector, up to the end of the line), as rsyslog's output
 * modules parse it: [-]/file, ?DynaFile, @udp-host, @@tcp-host, :omrelp:host:port, ~ (discard),
 * :omusrmsg:users, |pipe, ^program, * (wall), user names. */
static int legacy_action(struct cur *c, struct slist *list, const char *a, size_t n, int line)
{
	while (n && (a[n - 1] == ' ' || a[n - 1] == '\t' || a[n - 1] == '\r'))
		n--;
	if (n == 1 && a[0] == '~')
		return add_stmt(c, list, ST_STOP, line) || c->P->incomplete ? KS_OK : KS_ENOMEM;
	struct stmt *s = add_stmt(c, list, ST_ACTION, line);
	if (!s)
		return c->P->incomplete ? KS_OK : KS_ENOMEM;
	struct action *act = &s->act;
	act->kind = ACT_OTHER;
	size_t k = 0;
	if (n && a[0] == '-')
		k = 1;
	if (k < n && (a[k] == '/' || a[k] == '?')) {
		size_t e = k + 1;
		while (e < n && a[e] != ';' && a[e] != ' ' && a[e] != '\t')
			e++;
		act->kind = a[k] == '/' ? ACT_FILE : ACT_DYNAFILE;
		act->file = dup_range(c, a + k + (a[k] == '?'), e - k - (a[k] == '?'));
		return act->file ? KS_OK : KS_ENOMEM;
	}
	if (n && a[0] == '@') {
		k = 1;
		act->protocol = "udp";
		if (k < n && a[k] == '@') {
			k++;
			act->protocol = "tcp";
		}
		if (k < n && a[k] == '(') { /* @(o,z9)host: compression/octet-framing options */
			while (k < n && a[k] != ')')
				k++;
			if (k < n)
				k++;
		}
		size_t e = k;
		if (e < n && a[e] == '[') {
			while (e < n && a[e] != ']')
				e++;
			if (e < n)
				e++;
		}
		while (e < n && a[e] != ';' && a[e] != ' ' && a[e] != '\t')
			e++;
		act->kind = ACT_FORWARD;
		act->target = dup_range(c, a + k, e - k);
		return act->target ? KS_OK : KS_ENOMEM;
	}
	if (n > 8 && strncasecmp(a, ":omrelp:", 8) == 0) {
		size_t e = 8;
		while (e < n && a[e] != ';' && a[e] != ' ' && a[e] != '\t')
			e++;
		act->kind = ACT_FORWARD;
		act->protocol = "relp";
		act->target = dup_range(c, a + 8, e - 8);
		return act->target ? KS_OK : KS_ENOMEM;
	}
	return KS_OK;
}

/* RainerScript action(type="..." ...). */
static int script_action(struct cur *c, struct slist *list, int line)
{
	struct params *ps = &c->P->params;
	bool ok;
	int rc = parse_params(c, ps, &ok);
	if (rc < 0 || !ok)
		return rc;
	const char *type = param(ps, "type");
	if (!type) {
		warn(c, line, "action() without type=: rsyslog rejects it");
		return KS_OK;
	}
	struct stmt *s = add_stmt(c, list, ST_ACTION, line);
	if (!s)
		return c->P->incomplete ? KS_OK : KS_ENOMEM;
	struct action *act = &s->act;
	act->kind = ACT_OTHER;
	if (strcasecmp(type, "omfile") == 0) {
		const char *file = param(ps, "file"), *dyn = param(ps, "dynaFile");
		if (file) {
			act->kind = ACT_FILE;
			act->file = file;
		} else if (dyn) {
			act->kind = ACT_DYNAFILE;
			act->file = dyn;
		} else {
			warn(c, line, "omfile action without file= or dynaFile=");
		}
		return KS_OK;
	}
	/* Network outputs: the host that receives a copy of the messages. */
	static const struct {
		const char *type, *param, *protocol;
	} net[] = {{"omfwd", "target", NULL},          {"omrelp", "target", "relp"},
	           {"omgssapi", "server", "gssapi"},   {"omelasticsearch", "server", "http"},
	           {"omhttp", "server", "http"},       {"omkafka", "broker", "kafka"},
	           {"omudpspoof", "target", "udp"}};
	for (size_t i = 0; i < sizeof net / sizeof *net; i++) {
		if (strcasecmp(type, net[i].type))
			continue;
		const char *t = param(ps, net[i].param);
		if (!t || !*t) {
			warn(c, line, "network action without a target");
			return KS_OK;
		}
		const char *port = param(ps, "port");
		act->kind = ACT_FORWARD;
		const char *proto = param(ps, "protocol");
		if (net[i].protocol) {
			act->protocol = net[i].protocol;
		} else if (proto) { /* omfwd: protocol="tcp"|"udp", any case */
			char *lower = ks_arena_strdup(c->P->ctx->arena, proto);
			if (!lower)
				return KS_ENOMEM;
			for (char *p = lower; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			act->protocol = lower;
		} else {
			act->protocol = "udp"; /* omfwd's documented default */
		}
		act->target = port ? ks_arena_printf(c->P->ctx->arena, "%s:%s", t, port) : t;
		return act->target ? KS_OK : KS_ENOMEM;
	}
	return KS_OK;
}

static int include_path(struct cur *c, struct slist *list, const char *pattern, bool optional, int line)
{
	struct parser *P = c->P;
	ks_collect_ctx *ctx = P->ctx;
	if (c->depth + 1 > KS_MAX_INCLUDE_DEPTH) {
		warn(c, line, "includes nested too deeply; not followed");
		if (!P->incomplete)
			P->incomplete = "includes nested too deeply";
		return KS_OK;
	}
	const char *pat = pattern;
	if (pat[0] != '/') /* rsyslogd runs from "/" */
		pat = ks_arena_printf(ctx->arena, "/%s", pattern);
	if (!pat)
		return KS_ENOMEM;
	const char **paths;
	size_t n;
	int rc = ks_rootfs_glob(ctx->root, ctx->arena, pat, &paths, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, c->path, line, 0, "cannot expand include %s: %s", pat,
		            ks_strerror(rc));
		if (!P->incomplete)
			P->incomplete = ks_arena_printf(ctx->arena, "%s: %s", pat, ks_strerror(rc));
		return KS_OK;
	}
	if (n == 0 && !optional && !strpbrk(pat, "*?["))
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, c->path, line, 0, "included file %s does not exist", pat);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (ks_rootfs_stat(ctx->root, paths[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && !strpbrk(pat, "*?[")) {
			/* A directory named outright includes the files in it, in name order (not its
			 * subdirectories). */
			char *sub = ks_arena_printf(ctx->arena, "%s/*", paths[i]);
			if (!sub)
				return KS_ENOMEM;
			if (strpbrk(paths[i], "*?[")) /* its name would be read as a pattern */
				continue;
			if ((rc = include_path(c, list, sub, true, line)) < 0)
				return rc;
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (++P->files > KS_MAX_INCLUDE_FILES) {
			warn(c, line, "too many included files; the rest is ignored");
			if (!P->incomplete)
				P->incomplete = "too many included files";
			return KS_OK;
		}
		char *data;
		size_t len;
		rc = ks_collect_read(ctx, paths[i], &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0) {
			if (!P->incomplete)
				P->incomplete = ks_arena_printf(ctx->arena, "%s: %s", paths[i], ks_strerror(rc));
			continue;
		}
		if ((rc = parse_file(P, paths[i], data, len, list, c->depth + 1)) < 0)
			return rc;
	}
	return KS_OK;
}

/* "$Directive args": the legacy configuration statements that matter here. */
static int legacy_directive(struct cur *c, struct slist *list)
{
	int line = c->line;
	size_t start = ++c->i;
	skip_to_eol(c);
	const char *d = c->s + start;
	size_t n = c->i - start, wl = 0;
	while (wl < n && !isspace((unsigned char)d[wl]))
		wl++;
	const char *arg = d + wl;
	size_t al = n - wl;
	ks_trim(&arg, &al);
	size_t a1 = 0;
	while (a1 < al && !isspace((unsigned char)arg[a1]))
		a1++;
	char *first = dup_range(c, arg, a1);
	if (!first)
		return KS_ENOMEM;
	if (wl == 13 && strncasecmp(d, "IncludeConfig", 13) == 0) {
		if (!*first) {
			warn(c, line, "$IncludeConfig without a path");
			return KS_OK;
		}
		return include_path(c, list, first, strpbrk(first, "*?[") != NULL, line);
	}
	if (wl == 7 && strncasecmp(d, "RuleSet", 7) == 0) {
		if (!*first) {
			warn(c, line, "$RuleSet without a name");
			return KS_OK;
		}
		c->P->cur = ruleset_get(c->P, first);
		return KS_OK;
	}
	if (wl == 7 && strncasecmp(d, "ModLoad", 7) == 0 && strstr(first, "imjournal"))
		c->P->reads_journal = true;
	return KS_OK;
}

/* ":property, [!]operation, \"value\"" then an action block. */
static int property_filter(struct cur *c, struct slist *list, int nest)
{
	int line = c->line;
	size_t start = c->i + 1, e = start;
	while (e < c->n && c->s[e] != ',' && c->s[e] != '\n')
		e++;
	const char *prop = c->s + start;
	size_t pl = e - start;
	ks_trim(&prop, &pl);
	if (e >= c->n || c->s[e] != ',') {
		syntax(c, line, "property filter: expected ':property, operation, \"value\"'");
		skip_to_eol(c);
		return KS_OK;
	}
	size_t o = e + 1;
	while (o < c->n && (c->s[o] == ' ' || c->s[o] == '\t'))
		o++;
	bool neg = false;
	if (o < c->n && c->s[o] == '!') {
		neg = true;
		o++;
	}
	size_t oe = o;
	while (oe < c->n && c->s[oe] != ',' && c->s[oe] != '\n')
		oe++;
	const char *op = c->s + o;
	size_t ol = oe - o;
	ks_trim(&op, &ol);
	c->i = oe;
	if (oe >= c->n || c->s[oe] != ',') {
		syntax(c, line, "property filter: expected ', \"value\"' after the operation");
		skip_to_eol(c);
		return KS_OK;
	}
	c->i++;
	while (!at_end(c) && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
		c->i++;
	if (peekc(c) != '"') {
		syntax(c, line, "property filter: the value must be a double-quoted string");
		skip_to_eol(c);
		return KS_OK;
	}
	char *value;
	int rc = read_string(c, &value);
	if (rc < 0)
		return rc == KS_ENOMEM ? rc : KS_OK;
	static const char *const ops[] = {"contains", "isequal", "startswith", "regex", "ereregex", "isempty",
	                                  "contains_i", "startswith_i"};
	int opi = -1;
	for (int i = 0; i < 8; i++)
		if (ks_ieq(op, ol, ops[i]))
			opi = i;
	if (opi < 0) {
		warn(c, line, "property filter: unknown compare operation (rsyslog discards the line)");
		skip_to_eol(c);
		return KS_OK;
	}
	tvt *cond = ks_arena_alloc(c->P->ctx->arena, sizeof *cond);
	if (!cond)
		return KS_ENOMEM;
	struct aval a;
	memset(&a, 0, sizeof a);
	a.kind = AV_OTHER;
	if (ks_ieq(prop, pl, "syslogfacility-text"))
		a.kind = AV_FACTEXT;
	else if (ks_ieq(prop, pl, "syslogfacility"))
		a.kind = AV_FACNUM;
	else if (ks_ieq(prop, pl, "syslogseverity-text") || ks_ieq(prop, pl, "syslogpriority-text"))
		a.kind = AV_SEVTEXT;
	else if (ks_ieq(prop, pl, "syslogseverity") || ks_ieq(prop, pl, "syslogpriority"))
		a.kind = AV_SEVNUM;
	if (a.kind != AV_OTHER && (opi == 3 || opi == 4)) {
		tvt_fill(cond, TV_X); /* regular expressions are not evaluated */
	} else if (opi == 5) {
		tvt_fill(cond, a.kind == AV_OTHER ? TV_U : TV_F); /* syslog names are never empty */
	} else {
		struct aval b, r;
		memset(&b, 0, sizeof b);
		b.kind = AV_CONST;
		b.s = value;
		static const char *const cmp[] = {"contains", "==", "startswith", "", "", "", "contains_i",
		                                  "startswith_i"};
		compare(&a, cmp[opi], &b, &r);
		*cond = r.t;
	}
	if (neg)
		tvt_not(cond, cond);
	if (c->P->bsd)
		tvt_and(cond, cond, c->P->bsd);
	struct stmt *s = add_stmt(c, list, ST_IF, line);
	if (!s)
		return c->P->incomplete ? KS_OK : KS_ENOMEM;
	s->cond = cond;
	return parse_block(c, &s->then_l, nest + 1);
}

static int selector_filter(struct cur *c, struct slist *list, int nest, size_t sl)
{
	int line = c->line;
	char *sel = dup_range(c, c->s + c->i, sl);
	if (!sel)
		return KS_ENOMEM;
	c->i += sl;
	tvt *cond = ks_arena_alloc(c->P->ctx->arena, sizeof *cond);
	if (!cond)
		return KS_ENOMEM;
	const char *err = parse_selector(sel, cond);
	if (err) {
		ks_diag_add(c->P->ctx->diags, KS_DIAG_WARNING, c->path, line, 0,
		            "selector '%s': %s (rsyslog discards the line)", sel, err);
		skip_to_eol(c);
		return KS_OK;
	}
	if (c->P->bsd)
		tvt_and(cond, cond, c->P->bsd);
	struct stmt *s = add_stmt(c, list, ST_IF, line);
	if (!s)
		return c->P->incomplete ? KS_OK : KS_ENOMEM;
	s->cond = cond;
	return parse_block(c, &s->then_l, nest + 1);
}

static int if_stmt(struct cur *c, struct slist *list, int nest)
{
	int line = c->line;
	struct expr e = {.c = c};
	struct aval *v = ks_arena_alloc(c->P->ctx->arena, sizeof *v);
	tvt *cond = ks_arena_alloc(c->P->ctx->arena, sizeof *cond);
	if (!v || !cond)
		return KS_ENOMEM;
	int rc = parse_expr(&e, 0, v);
	if (rc == KS_ENOMEM)
		return rc;
	struct tok t;
	if (rc == KS_OK && (rc = next_tok(c, &t)) < 0)
		return rc;
	if (rc == KS_OK && !tok_is(&t, "then"))
		e.err = "expected 'then' after the condition";
	if (e.err) {
		char *msg = ks_arena_printf(c->P->ctx->arena, "if: %s", e.err);
		if (!msg)
			return KS_ENOMEM;
		syntax(c, line, msg);
		/* Recover at the next 'then' on this statement; its block then counts as unknown. */
		tvt_fill(cond, TV_X);
		for (;;) {
			if ((rc = next_tok(c, &t)) < 0)
				return rc;
			if (t.kind == TK_EOF)
				return KS_OK;
			if (tok_is(&t, "then"))
				break;
		}
	} else {
		to_bool(v, cond);
	}
	struct stmt *s = add_stmt(c, list, ST_IF, line);
	if (!s)
		return c->P->incomplete ? KS_OK : KS_ENOMEM;
	s->cond = cond;
	if ((rc = parse_block(c, &s->then_l, nest + 1)) < 0)
		return rc;
	skip_space(c, true);
	size_t wl = word_len(c);
	if (wl && word_is(c, wl, "else")) {
		c->i += wl;
		return parse_block(c, &s->else_l, nest + 1);
	}
	if (wl && word_is(c, wl, "elseif")) { /* "elseif expr then block": an if in the else branch */
		c->i += wl;
		return if_stmt(c, &s->else_l, nest + 1);
	}
	return KS_OK;
}

/* Statements that can stand where a block is expected (after a filter, 'then', 'else', '&'). */
static int keyword_stmt(struct cur *c, struct slist *list, int nest, size_t wl, bool *handled)
{
	int line = c->line;
	*handled = true;
	if (word_is(c, wl, "if")) {
		c->i += wl;
		return if_stmt(c, list, nest);
	}
	if (word_is(c, wl, "action")) {
		c->i += wl;
		return script_action(c, list, line);
	}
	if (word_is(c, wl, "stop")) {
		c->i += wl;
		return add_stmt(c, list, ST_STOP, line) || c->P->incomplete ? KS_OK : KS_ENOMEM;
	}
	if (word_is(c, wl, "continue")) {
		c->i += wl;
		return KS_OK;
	}
	if (word_is(c, wl, "call")) {
		c->i += wl;
		skip_space(c, false);
		size_t nl = word_len(c);
		if (!nl) {
			syntax(c, line, "call without a ruleset name");
			skip_to_eol(c);
			return KS_OK;
		}
		struct stmt *s = add_stmt(c, list, ST_CALL, line);
		if (!s)
			return c->P->incomplete ? KS_OK : KS_ENOMEM;
		s->callee = dup_range(c, c->s + c->i, nl);
		c->i += nl;
		return s->callee ? KS_OK : KS_ENOMEM;
	}
	if (word_is(c, wl, "call_indirect") || word_is(c, wl, "set") || word_is(c, wl, "unset") ||
	    word_is(c, wl, "reset") || word_is(c, wl, "reload_lookup_table")) {
		bool indirect = word_is(c, wl, "call_indirect");
		/* Statements ending with ';' (strings may hold one). */
		c->i += wl;
		while (!at_end(c) && c->s[c->i] != ';') {
			char ch = c->s[c->i];
			if (ch == '"' || ch == '\'' || ch == '`') {
				char *s;
				int rc = read_string(c, &s);
				if (rc == KS_ENOMEM)
					return rc;
				continue;
			}
			if (ch == '\n')
				c->line++;
			c->i++;
		}
		if (!at_end(c))
			c->i++;
		if (indirect)
			return add_stmt(c, list, ST_CALL_UNKNOWN, line) || c->P->incomplete ? KS_OK : KS_ENOMEM;
		return KS_OK;
	}
	if (word_is(c, wl, "foreach")) {
		c->i += wl;
		skip_space(c, true);
		if (peekc(c) == '(')
			skip_balanced(c, '(', ')');
		skip_space(c, true);
		size_t dl = word_len(c);
		if (!dl || !word_is(c, dl, "do")) {
			syntax(c, line, "foreach: expected 'do'");
			skip_to_eol(c);
			return KS_OK;
		}
		c->i += dl;
		/* The body runs once per array element, maybe never: its actions depend on the message. */
		tvt *cond = ks_arena_alloc(c->P->ctx->arena, sizeof *cond);
		if (!cond)
			return KS_ENOMEM;
		tvt_fill(cond, TV_U);
		struct stmt *s = add_stmt(c, list, ST_IF, line);
		if (!s)
			return c->P->incomplete ? KS_OK : KS_ENOMEM;
		s->cond = cond;
		return parse_block(c, &s->then_l, nest + 1);
	}
	*handled = false;
	return KS_OK;
}

/* One statement where a block is expected, followed by '&' continuations. */
static int parse_block(struct cur *c, struct slist *list, int nest)
{
	if (nest > KS_MAX_EXPR_DEPTH) {
		warn(c, c->line, "blocks nested too deeply; the rest of the line is ignored");
		if (!c->P->incomplete)
			c->P->incomplete = "blocks nested too deeply";
		skip_to_eol(c);
		return KS_OK;
	}
	for (bool first = true;; first = false) {
		skip_space(c, true);
		if (at_end(c)) {
			if (first)
				syntax(c, c->line, "expected an action at the end of the file");
			return KS_OK;
		}
		if (first && peekc(c) == '{') {
			c->i++;
			int rc = parse_stmts(c, list, nest + 1, true);
			if (rc < 0)
				return rc;
		} else {
			if (!first && peekc(c) == '&' && peekc2(c) != '&')
				c->i++;
			else if (!first)
				return KS_OK;
			skip_space(c, false);
			int line = c->line;
			size_t wl = word_len(c);
			bool handled = false;
			int rc = wl ? keyword_stmt(c, list, nest, wl, &handled) : KS_OK;
			if (rc < 0)
				return rc;
			if (!handled) {
				size_t start = c->i;
				skip_to_eol(c);
				if (c->i == start) {
					syntax(c, line, "expected an action");
					continue;
				}
				if ((rc = legacy_action(c, list, c->s + start, c->i - start, line)) < 0)
					return rc;
			}
		}
	}
}

static int object_stmt(struct cur *c, struct slist *list, int nest, size_t wl, bool *handled)
{
	int line = c->line;
	*handled = true;
	static const char *const objects[] = {"module", "input", "global", "main_queue", "parser", "timezone",
	                                      "lookup_table", "dyn_stats", "percentile_stats", "ratelimit",
	                                      "property", "constant", "template", "include", "ruleset"};
	size_t which = sizeof objects / sizeof *objects;
	for (size_t i = 0; i < sizeof objects / sizeof *objects; i++)
		if (word_is(c, wl, objects[i]))
			which = i;
	if (which == sizeof objects / sizeof *objects) {
		*handled = false;
		return KS_OK;
	}
	c->i += wl;
	struct params *ps = &c->P->params;
	bool ok;
	int rc = parse_params(c, ps, &ok);
	if (rc < 0)
		return rc;
	const char *name = objects[which];
	if (!strcmp(name, "template")) {
		skip_space(c, true);
		if (peekc(c) == '{') /* list/subtree templates have a body */
			skip_balanced(c, '{', '}');
		return KS_OK;
	}
	if (!ok)
		return KS_OK;
	if (!strcmp(name, "module") || !strcmp(name, "input")) {
		const char *m = param(ps, !strcmp(name, "module") ? "load" : "type");
		if (m && strcasecmp(m, "imjournal") == 0)
			c->P->reads_journal = true;
		return KS_OK;
	}
	if (!strcmp(name, "include")) {
		const char *file = param(ps, "file"), *text = param(ps, "text"), *mode = param(ps, "mode");
		bool optional = mode && strcasecmp(mode, "optional") == 0;
		if (file)
			return include_path(c, list, file, optional, line);
		if (text) {
			if (c->depth + 1 > KS_MAX_INCLUDE_DEPTH) {
				warn(c, line, "includes nested too deeply; not followed");
				return KS_OK;
			}
			return parse_file(c->P, c->path, text, strlen(text), list, c->depth + 1);
		}
		warn(c, line, "include() needs file= or text=");
		return KS_OK;
	}
	if (!strcmp(name, "ruleset")) {
		const char *rname = param(ps, "name");
		skip_space(c, true);
		if (!rname) {
			warn(c, line, "ruleset() without name=");
			rname = "";
		}
		if (peekc(c) != '{') /* a ruleset() with only queue parameters */
			return KS_OK;
		c->i++;
		struct ruleset *r = ruleset_get(c->P, rname);
		return parse_stmts(c, &r->body, nest + 1, true);
	}
	(void)list;
	return KS_OK;
}

static int parse_stmt(struct cur *c, struct slist *list, int nest)
{
	int line = c->line;
	int ch = peekc(c);
	if (ch == '$')
		return legacy_directive(c, list);
	if (ch == ':')
		return property_filter(c, list, nest);
	if (ch == '!' || ch == '+' || ch == '-') {
		/* BSD-style "!program" / "+host" / "-host" block: later selector lines only see that
		 * program's or host's messages, until "!*" / "+*". */
		size_t start = c->i;
		skip_to_eol(c);
		const char *t = c->s + start;
		size_t tl = c->i - start;
		ks_trim(&t, &tl);
		if (tl == 2 && t[1] == '*') {
			c->P->bsd = NULL;
		} else {
			tvt *u = ks_arena_alloc(c->P->ctx->arena, sizeof *u);
			if (!u)
				return KS_ENOMEM;
			tvt_fill(u, TV_U);
			c->P->bsd = u;
		}
		return KS_OK;
	}
	if (ch == '&') {
		syntax(c, line, "'&' continuation without a preceding filter");
		skip_to_eol(c);
		return KS_OK;
	}
	if (ch == '{') {
		c->i++;
		return parse_stmts(c, list, nest + 1, true);
	}
	size_t sl = selector_len(c);
	if (sl)
		return selector_filter(c, list, nest, sl);
	size_t wl = word_len(c);
	if (wl) {
		bool handled;
		int rc = keyword_stmt(c, list, nest, wl, &handled);
		if (rc < 0 || handled)
			return rc;
		rc = object_stmt(c, list, nest, wl, &handled);
		if (rc < 0 || handled)
			return rc;
	}
	syntax(c, line, "unrecognised statement; line skipped");
	size_t before = c->i;
	skip_to_eol(c);
	if (c->i == before && !at_end(c))
		c->i++;
	return KS_OK;
}

static int parse_stmts(struct cur *c, struct slist *list, int nest, bool in_block)
{
	if (nest > KS_MAX_EXPR_DEPTH) {
		warn(c, c->line, "blocks nested too deeply; the rest of the file is ignored");
		if (!c->P->incomplete)
			c->P->incomplete = "blocks nested too deeply";
		c->i = c->n;
		return KS_OK;
	}
	int open_line = c->line;
	for (;;) {
		skip_space(c, true);
		if (at_end(c)) {
			if (in_block)
				syntax(c, open_line, "'{' without a matching '}'");
			return KS_OK;
		}
		if (peekc(c) == '}') {
			c->i++;
			if (in_block)
				return KS_OK;
			syntax(c, c->line, "'}' without a matching '{'");
			continue;
		}
		size_t before = c->i;
		int rc = parse_stmt(c, list, nest);
		if (rc < 0)
			return rc;
		if (c->P->incomplete && c->P->stmts >= MAX_STATEMENTS) {
			c->i = c->n;
			return KS_OK;
		}
		if (c->i == before) /* never loop without progress */
			c->i++;
	}
}

static int parse_file(struct parser *P, const char *path, const char *data, size_t len, struct slist *list,
                      int depth)
{
	struct cur c = {.P = P, .path = path, .s = data, .n = len, .line = 1, .depth = depth};
	if (memchr(data, '\0', len)) {
		ks_diag_add(P->ctx->diags, KS_DIAG_WARNING, path, 0, 0, "NUL byte in configuration; not parsed");
		if (!P->incomplete)
			P->incomplete = ks_arena_printf(P->ctx->arena, "%s: not a text file", path);
		return KS_OK;
	}
	return parse_stmts(&c, list, 0, false);
}

/* ---- evaluation of the default ruleset ----------------------------------------------------- */

struct walk {
	struct parser *P;
	ks_rsyslog_conf *out;
	unsigned long steps;
};

/* Whether every message of facility F at severity emerg..info reaches the action. */
static unsigned char facility_class(const tvt *reach, const tvt *guard, int f)
{
	unsigned char r = TV_T;
	for (int p = 0; p <= SEV_INFO; p++)
		r = tv_and(r, tv_and(reach->v[f][p], guard->v[f][p]));
	return r;
}

static bool listed(const ks_value *list, const char *name)
{
	for (size_t i = 0; i < list->u.list.n; i++) {
		const ks_value *v = ks_record_get(&list->u.list.items[i], "name");
		if (v && v->type == KS_VAL_STR && strcmp(v->u.str.s, name) == 0)
			return true;
	}
	return false;
}

static int record_action(struct walk *w, const struct stmt *s, const tvt *reach, const tvt *guard)
{
	const struct action *a = &s->act;
	if (a->kind != ACT_FILE && a->kind != ACT_DYNAFILE && a->kind != ACT_FORWARD)
		return KS_OK;
	if (a->kind == ACT_FILE && strncmp(a->file, "/dev/", 5) == 0)
		return KS_OK; /* consoles, ttys, /dev/null: nothing is kept */
	unsigned char ca = facility_class(reach, guard, FAC_AUTH);
	unsigned char cp = facility_class(reach, guard, FAC_AUTHPRIV);
	unsigned char any = tv_or(ca, cp);
	ks_rsyslog_conf *o = w->out;
	if (s->after_error && any != TV_F)
		any = TV_X;
	if (any == TV_X) {
		if (a->kind == ACT_FORWARD && !o->unsure_fwd_path) {
			o->unsure_fwd_path = s->path;
			o->unsure_fwd_line = s->line;
		} else if (a->kind != ACT_FORWARD && !o->unsure_file_path) {
			o->unsure_file_path = s->path;
			o->unsure_file_line = s->line;
		}
		return KS_OK;
	}
	if (any != TV_T)
		return KS_OK;
	ks_arena *ar = w->P->ctx->arena;
	const char *name = a->kind == ACT_FORWARD ? a->target
	                   : a->kind == ACT_DYNAFILE ? ks_arena_printf(ar, "?%s", a->file) : a->file;
	if (!name)
		return KS_ENOMEM;
	ks_value *list = a->kind == ACT_FORWARD ? &o->auth_forward : &o->auth_files;
	if (listed(list, name))
		return KS_OK;
	if (list->u.list.n >= MAX_RECORDS) {
		if (!w->P->incomplete)
			w->P->incomplete = "too many auth destinations";
		return KS_OK;
	}
	const char *fac = ca == TV_T && cp == TV_T ? "auth,authpriv" : ca == TV_T ? "auth" : "authpriv";
	const char *src = ks_collect_where(w->P->ctx, s->path, s->line);
	ks_value rec = ks_val_record();
	if (!src || ks_record_set(ar, &rec, "name", ks_val_strz(ar, name)) < 0 ||
	    ks_record_set(ar, &rec, "facilities", ks_val_strz(ar, fac)) < 0 ||
	    ks_record_set(ar, &rec, "source", ks_val_strz(ar, src)) < 0)
		return KS_ENOMEM;
	if (a->kind == ACT_FORWARD) {
		if (ks_record_set(ar, &rec, "protocol", ks_val_strz(ar, a->protocol ? a->protocol : "udp")) < 0)
			return KS_ENOMEM;
	} else if (ks_record_set(ar, &rec, "kind", ks_val_strz(ar, a->kind == ACT_FILE ? "file" : "dynafile")) < 0) {
		return KS_ENOMEM;
	}
	return ks_list_push(ar, list, rec);
}

static int walk_list(struct walk *w, const struct slist *l, const tvt *guard, tvt *reach, int depth)
{
	for (const struct stmt *s = l->head; s; s = s->next) {
		if (++w->steps > MAX_WALK_STEPS) {
			if (!w->P->incomplete)
				w->P->incomplete = "ruleset calls too many to follow";
			return KS_OK;
		}
		int rc = KS_OK;
		switch (s->kind) {
		case ST_ACTION:
			rc = record_action(w, s, reach, guard);
			break;
		case ST_STOP: {
			tvt ng;
			tvt_not(&ng, guard);
			tvt_and(reach, reach, &ng);
			break;
		}
		case ST_IF: {
			tvt g;
			tvt_and(&g, guard, s->cond);
			if ((rc = walk_list(w, &s->then_l, &g, reach, depth)) < 0)
				return rc;
			if (s->else_l.head) {
				tvt ng;
				tvt_not(&ng, s->cond);
				tvt_and(&g, guard, &ng);
				rc = walk_list(w, &s->else_l, &g, reach, depth);
			}
			break;
		}
		case ST_CALL: {
			struct ruleset *r = NULL;
			for (size_t i = 0; i < w->P->nsets; i++)
				if (strcmp(w->P->sets[i].name, s->callee) == 0)
					r = &w->P->sets[i];
			if (!r) {
				ks_diag_add(w->P->ctx->diags, KS_DIAG_WARNING, s->path, s->line, 0,
				            "call of undefined ruleset %s", s->callee);
				break;
			}
			if (depth >= KS_MAX_INCLUDE_DEPTH) {
				if (!w->P->incomplete)
					w->P->incomplete = ks_arena_printf(w->P->ctx->arena, "%s:%d: calls nested too deeply",
					                                   s->path, s->line);
				break;
			}
			/* A called ruleset shares the message: its "stop" ends processing for the caller too. */
			rc = walk_list(w, &r->body, guard, reach, depth + 1);
			break;
		}
		case ST_CALL_UNKNOWN:
			/* call_indirect: the callee is computed, so what follows may or may not be reached. */
			for (int f = 0; f < NFAC; f++)
				for (int p = 0; p < NSEV; p++)
					if (guard->v[f][p] != TV_F && reach->v[f][p] != TV_F)
						reach->v[f][p] = TV_X;
			break;
		default:
			break;
		}
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_rsyslog_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                            ks_rsyslog_conf *out)
{
	memset(out, 0, sizeof *out);
	out->auth_files = ks_val_list();
	out->auth_forward = ks_val_list();
	struct parser *P = ks_arena_alloc(ctx->arena, sizeof *P);
	if (!P)
		return KS_ENOMEM;
	P->ctx = ctx;
	P->cur = ruleset_get(P, "RSYSLOG_DefaultRuleset");
	slist_init(&P->overflow.body);
	P->overflow.name = "";
	P->files = 1;
	int rc = parse_file(P, path, data, len, NULL, 0);
	if (rc < 0)
		return rc;
	struct walk w = {.P = P, .out = out};
	tvt guard, reach;
	tvt_fill(&guard, TV_T);
	tvt_fill(&reach, TV_T);
	if ((rc = walk_list(&w, &P->sets[0].body, &guard, &reach, 0)) < 0)
		return rc;
	out->reads_journal = P->reads_journal;
	out->syntax_error_path = P->err_path;
	out->syntax_error_line = P->err_line;
	out->incomplete = P->incomplete;
	return KS_OK;
}

/* ---- collector ----------------------------------------------------------------------------- */

static int collect_installed(ks_collect_ctx *ctx, bool *installed)
{
	static const char *const bins[] = {"/usr/sbin/rsyslogd", "/sbin/rsyslogd"};
	*installed = true;
	for (size_t i = 0; i < 2; i++) {
		struct stat st;
		if (ks_rootfs_stat(ctx->root, bins[i], &st) == KS_OK && S_ISREG(st.st_mode))
			return ks_fact_bool(ctx->facts, "rsyslog.installed", true, bins[i], 0);
	}
	const ks_value *pkg = ks_dpkg_find(ctx->facts, "rsyslog");
	const ks_value *src = pkg ? ks_record_get(pkg, "source") : NULL;
	if (src && src->type == KS_VAL_STR) {
		const char *colon = strrchr(src->u.str.s, ':');
		return ks_fact_bool(ctx->facts, "rsyslog.installed", true, KS_DPKG_STATUS, colon ? atoi(colon + 1) : 0);
	}
	*installed = false;
	return ks_fact_put_probe(ctx->facts, "rsyslog.installed", ks_val_bool(false),
	                         "no /usr/sbin/rsyslogd and package rsyslog not installed");
}

static int unknown_all(ks_collect_ctx *ctx, const char *path, const char *why)
{
	static const char *const keys[] = {"rsyslog.auth_files", "rsyslog.auth_forward", "rsyslog.reads_journal"};
	for (size_t i = 0; i < 3; i++) {
		int rc = ks_fact_unknown(ctx->facts, keys[i], path, "%s", why);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_collect_rsyslog(ks_collect_ctx *ctx)
{
	bool installed, enabled;
	int rc = collect_installed(ctx, &installed);
	if (rc < 0)
		return rc;
	if (!installed) {
		static const char *const keys[] = {"rsyslog.enabled", "rsyslog.reads_journal"};
		for (size_t i = 0; i < 2; i++)
			if ((rc = ks_fact_put_probe(ctx->facts, keys[i], ks_val_bool(false), "rsyslog not installed")) < 0)
				return rc;
		if ((rc = ks_fact_put_probe(ctx->facts, "rsyslog.auth_files", ks_val_list(), "rsyslog not installed")) < 0)
			return rc;
		return ks_fact_put_probe(ctx->facts, "rsyslog.auth_forward", ks_val_list(), "rsyslog not installed");
	}
	static const char *const units[] = {"rsyslog.service", NULL};
	if ((rc = ks_systemd_enable_fact(ctx, "rsyslog.enabled", units, "rsyslog", &enabled)) < 0)
		return rc;

	const char *path = KS_RSYSLOG_CONF;
	char *data;
	size_t len;
	rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT) {
		/* Without a configuration rsyslogd falls back to an emergency one that logs to the console. */
		const char *probe = "no " KS_RSYSLOG_CONF ": rsyslogd writes no log files";
		if ((rc = ks_fact_put_probe(ctx->facts, "rsyslog.auth_files", ks_val_list(), probe)) < 0 ||
		    (rc = ks_fact_put_probe(ctx->facts, "rsyslog.auth_forward", ks_val_list(), probe)) < 0)
			return rc;
		return ks_fact_put_probe(ctx->facts, "rsyslog.reads_journal", ks_val_bool(false), probe);
	}
	if (rc < 0)
		return unknown_all(ctx, path, ks_arena_printf(ctx->arena, "%s: %s", path, ks_strerror(rc)));
	ks_rsyslog_conf conf;
	if ((rc = ks_rsyslog_parse_buffer(ctx, path, data, len, &conf)) < 0)
		return rc;
	if (conf.incomplete)
		return unknown_all(ctx, path, ks_arena_printf(ctx->arena, "configuration not fully read: %s",
		                                              conf.incomplete));
	const char *probe = "actions of the default ruleset receiving every auth or authpriv message "
	                    "of severity info and above (" KS_RSYSLOG_CONF " and its includes)";
	const char *after = conf.syntax_error_path
	                        ? ks_arena_printf(ctx->arena, ", or it follows the syntax error at %s:%d where rsyslogd "
	                                                      "stops reading",
	                                          conf.syntax_error_path, conf.syntax_error_line)
	                        : "";
	if (!after)
		return KS_ENOMEM;
	if (conf.auth_files.u.list.n == 0 && conf.unsure_file_path)
		rc = ks_fact_unknown(ctx->facts, "rsyslog.auth_files", conf.unsure_file_path,
		                     "%s:%d: cannot tell whether this action receives auth messages (filter not understood%s)",
		                     conf.unsure_file_path, conf.unsure_file_line, after);
	else
		rc = ks_fact_put_probe(ctx->facts, "rsyslog.auth_files", conf.auth_files, probe);
	if (rc < 0)
		return rc;
	if (conf.auth_forward.u.list.n == 0 && conf.unsure_fwd_path)
		rc = ks_fact_unknown(ctx->facts, "rsyslog.auth_forward", conf.unsure_fwd_path,
		                     "%s:%d: cannot tell whether this forwarding action receives auth messages (filter not "
		                     "understood%s)",
		                     conf.unsure_fwd_path, conf.unsure_fwd_line, after);
	else
		rc = ks_fact_put_probe(ctx->facts, "rsyslog.auth_forward", conf.auth_forward, probe);
	if (rc < 0)
		return rc;
	return ks_fact_put_probe(ctx->facts, "rsyslog.reads_journal", ks_val_bool(conf.reads_journal),
	                         conf.reads_journal ? "imjournal loaded" : "imjournal not loaded");
}
