/* sudoers collector: /etc/sudoers, @include/@includedir trees, aliases and rules -> admin.* facts
 * (rules, NOPASSWD ALL holders, members of sudo/wheel/admin, everyone who can become root). */
#include "sudoers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

#define SUDOERS_PATH "/etc/sudoers"
#define MAX_EXPAND 65536        /* aliases visited by one expansion query */
#define MAX_WHO KS_MAX_TOKENS   /* distinct users one rule may expand to */
#define MAX_ALIAS_DEPTH 64      /* aliases nested in aliases */

struct item {
	const char *s;
	bool neg;
};

struct itemv {
	struct item *v;
	size_t n, cap;
};

enum akind { A_USER, A_RUNAS, A_HOST, A_CMND, A_NKINDS };
static const char *const akind_name[A_NKINDS] = {"User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias"};

struct alias {
	const char *name;
	struct itemv items;
	const char *path;
	int line;
	unsigned long stamp; /* last expansion that visited it: each alias is expanded once per query */
};

struct runas {
	struct itemv users;
	bool user_given, group_given;
};

struct cmnd {
	const char *cmd; /* first word of the command: a path, "ALL", a Cmnd_Alias, "sudoedit", ... */
	bool neg, nopasswd;
	const struct runas *runas; /* NULL: no Runas_Spec given, i.e. root (runas_default) */
};

struct rule {
	struct itemv users;
	struct cmnd *cmds;
	size_t ncmds, cap;
	const char *text, *path;
	int line;
};

struct aliases {
	struct alias *v;
	size_t n, cap;
	size_t *slots; /* index + 1; 0 = empty */
	size_t nslots;
};

struct fileid {
	dev_t dev;
	ino_t ino;
};

struct ks_sudoers {
	ks_arena *a;
	struct aliases al[A_NKINDS];
	struct rule *rules;
	size_t nrules, rcap;
	size_t files;
	bool absent;          /* /etc/sudoers does not exist */
	bool incomplete;      /* part of the tree could not be read: rules are unknown */
	const char *why;
	struct fileid stack[KS_MAX_INCLUDE_DEPTH + 2];
	int depth;
	const char *host;     /* short host name for %h, "" if unknown */
	unsigned long stamp;  /* alias expansion queries so far */
};

static void *grow(ks_arena *a, void *v, size_t n, size_t *cap, size_t el)
{
	if (n < *cap)
		return v;
	size_t nc = *cap ? *cap * 2 : 8;
	void *nv = ks_arena_alloc(a, nc * el);
	if (!nv)
		return NULL;
	if (n)
		memcpy(nv, v, n * el);
	*cap = nc;
	return nv;
}

static int push_item(ks_arena *a, struct itemv *iv, const char *s, bool neg)
{
	if (!(iv->v = grow(a, iv->v, iv->n, &iv->cap, sizeof *iv->v)))
		return KS_ENOMEM;
	iv->v[iv->n++] = (struct item){s, neg};
	return KS_OK;
}

static void incomplete(ks_sudoers *s, const char *why)
{
	if (!s->incomplete)
		s->why = why;
	s->incomplete = true;
}

ks_sudoers *ks_sudoers_new(ks_arena *a)
{
	ks_sudoers *s = ks_arena_alloc(a, sizeof *s);
	if (s)
		s->a = a;
	return s;
}

/* ---- aliases: one hash index per kind; the first definition wins (sudo rejects redefinitions) */

static uint64_t hash_str(const char *str)
{
	uint64_t h = 1469598103934665603ull;
	for (; *str; str++)
		h = (h ^ (unsigned char)*str) * 1099511628211ull;
	return h;
}

static size_t *alias_slot(size_t *slots, size_t nslots, const struct alias *v, const char *name)
{
	size_t i = (size_t)hash_str(name) & (nslots - 1);
	while (slots[i] && strcmp(v[slots[i] - 1].name, name) != 0)
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

static struct alias *find_alias(const ks_sudoers *s, enum akind k, const char *name)
{
	const struct aliases *al = &s->al[k];
	if (!al->nslots)
		return NULL;
	size_t *slot = alias_slot(al->slots, al->nslots, al->v, name);
	return *slot ? &al->v[*slot - 1] : NULL;
}

static int add_alias(ks_collect_ctx *ctx, ks_sudoers *s, enum akind k, struct alias def)
{
	struct aliases *al = &s->al[k];
	const struct alias *old = find_alias(s, k, def.name);
	if (old) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, def.path, def.line, 0,
		            "%s %s is already defined at %s:%d; this definition is ignored", akind_name[k],
		            def.name, old->path, old->line);
		return KS_OK;
	}
	if ((al->n + 1) * 2 > al->nslots) {
		size_t ns = al->nslots ? al->nslots * 2 : 32;
		size_t *slots = ks_arena_alloc(s->a, ns * sizeof *slots);
		if (!slots)
			return KS_ENOMEM;
		for (size_t i = 0; i < al->n; i++)
			*alias_slot(slots, ns, al->v, al->v[i].name) = i + 1;
		al->slots = slots;
		al->nslots = ns;
	}
	if (!(al->v = grow(s->a, al->v, al->n, &al->cap, sizeof *al->v)))
		return KS_ENOMEM;
	al->v[al->n] = def;
	*alias_slot(al->slots, al->nslots, al->v, def.name) = al->n + 1;
	al->n++;
	return KS_OK;
}

/* sudoers(5): alias names are [A-Z][A-Z0-9_]*; ALL is the built-in alias. */
static bool is_alias_name(const char *w)
{
	if (!(*w >= 'A' && *w <= 'Z'))
		return false;
	for (const char *p = w; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return strcmp(w, "ALL") != 0;
}

static bool in_set(const char *w, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (ks_eq(w, n, *set))
			return true;
	return false;
}

static const char *const tags[] = {
	"NOPASSWD", "PASSWD", "NOEXEC", "EXEC", "SETENV", "NOSETENV", "LOG_INPUT", "NOLOG_INPUT",
	"LOG_OUTPUT", "NOLOG_OUTPUT", "MAIL", "NOMAIL", "FOLLOW", "NOFOLLOW", "INTERCEPT", "NOINTERCEPT",
	NULL,
};
static const char *const options[] = {
	"CWD", "CHROOT", "ROLE", "TYPE", "TIMEOUT", "NOTBEFORE", "NOTAFTER", "PRIVS", "LIMITPRIVS",
	"APPARMOR_PROFILE", NULL,
};

/* ---- lexical helpers over NUL-terminated logical lines ---- */

static void skip_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

static char *unescape(ks_arena *a, const char *p, size_t n)
{
	char *o = ks_arena_alloc(a, n + 1);
	size_t k = 0;
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\' && i + 1 < n)
			i++;
		o[k++] = p[i];
	}
	o[k] = '\0';
	return o;
}

/* One list word: a "quoted string", or characters up to a blank or one of ,:=()! with backslash
 * escaping any. "%:group" (non-Unix group) keeps its colon. Returns NULL when there is none
 * (*OOM set when out of memory). */
static const char *read_word(ks_arena *a, const char **pp, bool *oom)
{
	const char *p = *pp, *start = p;
	char *w;
	if (*p == '"') {
		const char *q = strchr(p + 1, '"');
		if (!q)
			return NULL;
		w = ks_arena_strndup(a, p + 1, (size_t)(q - p - 1));
		p = q + 1;
	} else {
		if (p[0] == '%' && p[1] == ':')
			p += 2;
		while (*p && !ks_is_space(*p) && !strchr(",:=()!", *p))
			p += (*p == '\\' && p[1]) ? 2 : 1;
		if (p == start)
			return NULL;
		w = unescape(a, start, (size_t)(p - start));
	}
	if (!w)
		*oom = true;
	*pp = p;
	return w;
}

/* "alice, !bob, %sudo": comma separated, possibly negated words. Stops before the first character
 * that continues neither an item nor the list. Returns 0, KS_EPARSE or KS_ENOMEM. */
static int parse_word_list(ks_arena *a, const char **pp, struct itemv *out)
{
	const char *p = *pp;
	for (;;) {
		bool neg = false, oom = false;
		skip_blanks(&p);
		while (*p == '!') {
			neg = !neg;
			p++;
			skip_blanks(&p);
		}
		const char *w = read_word(a, &p, &oom);
		if (oom)
			return KS_ENOMEM;
		if (!w) {
			if (neg || out->n)
				return KS_EPARSE; /* "!" or "," with nothing after it */
			break;
		}
		if (push_item(a, out, w, neg) < 0)
			return KS_ENOMEM;
		const char *q = p;
		skip_blanks(&q);
		if (*q != ',')
			break;
		p = q + 1;
	}
	*pp = p;
	return KS_OK;
}

/* Position of the '=' ending a Host_List, or NULL. */
static const char *find_eq(const char *p)
{
	bool q = false;
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '"')
			q = !q;
		else if (!q && *p == '=')
			return p;
	}
	return NULL;
}

static bool is_digest(const char *p)
{
	return strncmp(p, "sha224:", 7) == 0 || strncmp(p, "sha256:", 7) == 0 ||
	       strncmp(p, "sha384:", 7) == 0 || strncmp(p, "sha512:", 7) == 0;
}

/* One Cmnd (after Runas, tags and options): [digest[, digest]] [!]command [args], ending at an
 * unescaped ',' or ':' (sudoers(5) requires those to be escaped in arguments). *CMD gets the
 * command's first word. Returns 0, KS_EPARSE (no command) or KS_ENOMEM. */
static int parse_command(ks_arena *a, const char **pp, const char **cmd, bool *neg)
{
	const char *p = *pp;
	*neg = false;
	skip_blanks(&p);
	while (is_digest(p)) {
		while (*p && !ks_is_space(*p) && *p != ',')
			p++;
		skip_blanks(&p);
		if (*p == ',') {
			const char *q = p + 1;
			skip_blanks(&q);
			if (is_digest(q))
				p = q;
		}
	}
	while (*p == '!') {
		*neg = !*neg;
		p++;
		skip_blanks(&p);
	}
	const char *start = p;
	bool q = false;
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '"')
			q = !q;
		else if (!q && (*p == ',' || *p == ':'))
			break;
	}
	*pp = p;
	const char *w = start;
	while (w < p && !ks_is_space(*w))
		w += (*w == '\\' && w + 1 < p) ? 2 : 1;
	if (w == start)
		return KS_EPARSE;
	if (*start == '"' && w - start >= 2 && w[-1] == '"')
		*cmd = ks_arena_strndup(a, start + 1, (size_t)(w - start - 2));
	else
		*cmd = unescape(a, start, (size_t)(w - start));
	return *cmd ? KS_OK : KS_ENOMEM;
}

/* ---- statements ---- */

static void diag(ks_collect_ctx *ctx, const char *path, int line, const char *text, const char *at,
                 const char *msg)
{
	int col = at && text && at >= text ? (int)(at - text) + 1 : 0;
	ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, col, "%s", msg);
}

static int parse_alias(ks_collect_ctx *ctx, ks_sudoers *s, const char *path, int line, enum akind k,
                       const char *text, const char *p)
{
	for (;;) {
		skip_blanks(&p);
		const char *n = p;
		while ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')
			p++;
		if (p == n || !(*n >= 'A' && *n <= 'Z')) {
			diag(ctx, path, line, text, n, "expected an alias name ([A-Z][A-Z0-9_]*)");
			return KS_OK;
		}
		char *name = ks_arena_strndup(s->a, n, (size_t)(p - n));
		if (!name)
			return KS_ENOMEM;
		skip_blanks(&p);
		if (*p != '=') {
			diag(ctx, path, line, text, p, "expected '=' after the alias name");
			return KS_OK;
		}
		p++;
		struct alias def = {.name = name, .path = path, .line = line};
		int rc;
		if (k == A_CMND) {
			for (;;) {
				const char *cmd;
				bool neg;
				rc = parse_command(s->a, &p, &cmd, &neg);
				if (rc == KS_ENOMEM || (rc == KS_OK && (rc = push_item(s->a, &def.items, cmd, neg)) < 0))
					return rc;
				if (rc == KS_EPARSE || *p != ',')
					break;
				p++;
			}
		} else {
			rc = parse_word_list(s->a, &p, &def.items);
			if (rc == KS_ENOMEM)
				return rc;
		}
		if (rc == KS_EPARSE || def.items.n == 0) {
			diag(ctx, path, line, text, p, "expected a list of alias members");
			return KS_OK;
		}
		if (in_set(name, strlen(name), options) || in_set(name, strlen(name), tags) ||
		    strcmp(name, "ALL") == 0)
			diag(ctx, path, line, text, n, "a reserved word cannot be an alias name; ignored");
		else if ((rc = add_alias(ctx, s, k, def)) < 0)
			return rc;
		skip_blanks(&p);
		if (*p == ':') {
			p++;
			continue;
		}
		if (*p)
			diag(ctx, path, line, text, p, "unexpected text after the alias definition");
		return KS_OK;
	}
}

/* User_List Host_List = Cmnd_Spec_List [: Host_List = Cmnd_Spec_List] ... (sudoers(5)). Runas
 * and tags carry over to the following commands of the same Cmnd_Spec_List. */
static int parse_rule(ks_collect_ctx *ctx, ks_sudoers *s, const char *path, int line, const char *text)
{
	struct rule r = {.text = text, .path = path, .line = line};
	const char *p = text;
	int rc = parse_word_list(s->a, &p, &r.users);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 || r.users.n == 0) {
		diag(ctx, path, line, text, p, "expected a user list");
		return KS_OK;
	}
	skip_blanks(&p);
	const char *eq = find_eq(p);
	if (!eq) {
		diag(ctx, path, line, text, p, "expected 'host = command' after the user list");
		return KS_OK;
	}
	p = eq + 1;
	for (;;) {
		const struct runas *ra = NULL;
		bool nopw = false;
		for (;;) {
			skip_blanks(&p);
			if (*p == '(') {
				struct runas *nr = ks_arena_alloc(s->a, sizeof *nr);
				struct itemv groups = {0};
				if (!nr)
					return KS_ENOMEM;
				p++;
				if ((rc = parse_word_list(s->a, &p, &nr->users)) == KS_ENOMEM)
					return rc;
				skip_blanks(&p);
				if (rc == KS_OK && *p == ':') {
					p++;
					if ((rc = parse_word_list(s->a, &p, &groups)) == KS_ENOMEM)
						return rc;
					skip_blanks(&p);
				}
				if (rc < 0 || *p != ')') {
					diag(ctx, path, line, text, p, "expected ')' closing the Runas list");
					return KS_OK;
				}
				p++;
				nr->user_given = nr->users.n > 0;
				nr->group_given = groups.n > 0;
				ra = nr;
			}
			for (;;) { /* Tag_Spec "NOPASSWD:" and Option_Spec "CWD=/tmp" */
				skip_blanks(&p);
				const char *t = p;
				while ((*t >= 'A' && *t <= 'Z') || *t == '_')
					t++;
				if (t == p)
					break;
				const char *u = t;
				skip_blanks(&u);
				if (*u == ':' && in_set(p, (size_t)(t - p), tags)) {
					if (ks_eq(p, (size_t)(t - p), "NOPASSWD"))
						nopw = true;
					else if (ks_eq(p, (size_t)(t - p), "PASSWD"))
						nopw = false;
					p = u + 1;
					continue;
				}
				if (*t == '=' && in_set(p, (size_t)(t - p), options)) {
					p = t + 1;
					if (*p == '"') {
						const char *qe = strchr(p + 1, '"');
						p = qe ? qe + 1 : p + strlen(p);
					} else {
						while (*p && !ks_is_space(*p))
							p++;
					}
					continue;
				}
				break;
			}
			struct cmnd c = {.nopasswd = nopw, .runas = ra};
			rc = parse_command(s->a, &p, &c.cmd, &c.neg);
			if (rc == KS_ENOMEM)
				return rc;
			if (rc < 0) {
				diag(ctx, path, line, text, p, "expected a command");
				return KS_OK;
			}
			if (!(r.cmds = grow(s->a, r.cmds, r.ncmds, &r.cap, sizeof *r.cmds)))
				return KS_ENOMEM;
			r.cmds[r.ncmds++] = c;
			if (*p != ',')
				break;
			p++;
		}
		if (*p != ':')
			break;
		p++;
		if (!(eq = find_eq(p))) {
			diag(ctx, path, line, text, p, "expected 'host = command' after ':'");
			return KS_OK;
		}
		p = eq + 1;
	}
	if (!(s->rules = grow(s->a, s->rules, s->nrules, &s->rcap, sizeof *s->rules)))
		return KS_ENOMEM;
	s->rules[s->nrules++] = r;
	return KS_OK;
}

static int read_file(ks_collect_ctx *ctx, ks_sudoers *s, const char *path, int depth, const char *from,
                     int fline);

/* The argument of an include directive: "quoted", or a word with backslash escapes; %h is the
 * short host name (sudoers(5)). Relative paths are relative to the including file's directory. */
static const char *include_target(ks_collect_ctx *ctx, ks_sudoers *s, const char *from, int fline,
                                  const char *p)
{
	skip_blanks(&p);
	char *arg;
	if (*p == '"') {
		const char *q = strchr(p + 1, '"');
		if (!q)
			return NULL;
		arg = ks_arena_strndup(s->a, p + 1, (size_t)(q - p - 1));
	} else {
		const char *st = p;
		while (*p && !ks_is_space(*p))
			p += (*p == '\\' && p[1]) ? 2 : 1;
		arg = unescape(s->a, st, (size_t)(p - st));
	}
	if (!arg || !*arg)
		return NULL;
	if (strstr(arg, "%h")) {
		if (!s->host) {
			char *d;
			size_t n;
			s->host = "";
			if (ks_collect_read(ctx, "/etc/hostname", &d, &n) == KS_OK) {
				const char *h = d;
				size_t hl = strcspn(d, ".\r\n \t");
				ks_trim(&h, &hl);
				s->host = ks_arena_strndup(s->a, h, hl);
			}
		}
		if (!s->host || !*s->host) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, fline, 0,
			            "include path uses %%h but /etc/hostname gives no host name; not read");
			return NULL;
		}
		char *o = ks_arena_alloc(s->a, strlen(arg) * (strlen(s->host) + 1) + 1);
		if (!o)
			return NULL;
		size_t k = 0;
		for (const char *c = arg; *c; c++) {
			if (c[0] == '%' && c[1] == 'h') {
				memcpy(o + k, s->host, strlen(s->host));
				k += strlen(s->host);
				c++;
			} else {
				o[k++] = *c;
			}
		}
		o[k] = '\0';
		arg = o;
	}
	if (arg[0] == '/')
		return arg;
	const char *slash = strrchr(from, '/');
	size_t dl = slash ? (size_t)(slash - from) : 0;
	return ks_arena_printf(s->a, "%.*s/%s", (int)dl, from, arg);
}

static int include_file(ks_collect_ctx *ctx, ks_sudoers *s, const char *from, int fline, const char *target,
                        int depth)
{
	if (depth + 1 > KS_MAX_INCLUDE_DEPTH) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, fline, 0,
		            "include depth limit (%d) reached; %s not read", KS_MAX_INCLUDE_DEPTH, target);
		incomplete(s, "include depth limit reached");
		return KS_OK;
	}
	int rc = read_file(ctx, s, target, depth + 1, from, fline);
	return rc == KS_ENOMEM ? rc : KS_OK;
}

/* sudoers(5): files in the directory are read in sorted lexical order, skipping names that end
 * in '~' or contain a '.' (package manager and editor leftovers). */
static int include_dir(ks_collect_ctx *ctx, ks_sudoers *s, const char *from, int fline, const char *dir,
                       int depth)
{
	const char **names;
	size_t n;
	int rc = ks_rootfs_list(ctx->root, s->a, dir, &names, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT) {
		ks_diag_add(ctx->diags, KS_DIAG_INFO, from, fline, 0, "%s: no such directory; nothing included",
		            dir);
		return KS_OK;
	}
	if (rc < 0) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, fline, 0, "%s: cannot list: %s", dir,
		            ks_strerror(rc));
		incomplete(s, ks_arena_printf(s->a, "%s: %s", dir, ks_strerror(rc)));
		return KS_OK;
	}
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(names[i]);
		if (nl == 0 || names[i][nl - 1] == '~' || strchr(names[i], '.'))
			continue;
		const char *path = ks_arena_printf(s->a, "%.*s/%s", (int)(dl == 1 ? 0 : dl), dir, names[i]);
		struct stat st;
		if (!path)
			return KS_ENOMEM;
		if (ks_rootfs_stat(ctx->root, path, &st) == KS_OK && !S_ISREG(st.st_mode)) {
			ks_diag_add(ctx->diags, KS_DIAG_INFO, path, 0, 0, "not a regular file; skipped");
			continue;
		}
		if ((rc = include_file(ctx, s, from, fline, path, depth)) < 0)
			return rc;
	}
	return KS_OK;
}

static int statement(ks_collect_ctx *ctx, ks_sudoers *s, const char *path, int line, const char *buf,
                     size_t len, int depth)
{
	const char *t = buf;
	size_t tl = len;
	ks_trim(&t, &tl);
	if (!tl)
		return KS_OK;
	char *text = ks_arena_strndup(s->a, t, tl);
	if (!text)
		return KS_ENOMEM;
	const char *p = text, *w = text;
	size_t wl = 0, rest = tl;
	ks_next_word(&p, &rest, &w, &wl);
	bool dir = ks_eq(w, wl, "@includedir") || ks_eq(w, wl, "#includedir");
	if (dir || ks_eq(w, wl, "@include") || ks_eq(w, wl, "#include")) {
		const char *target = include_target(ctx, s, path, line, p);
		if (!target) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "expected a path after %.*s",
			            (int)wl, w);
			return KS_OK;
		}
		return dir ? include_dir(ctx, s, path, line, target, depth)
		           : include_file(ctx, s, path, line, target, depth);
	}
	if (wl >= 8 && memcmp(w, "Defaults", 8) == 0 && (wl == 8 || strchr(":@>!", w[8])))
		return KS_OK; /* Defaults entries do not grant anything by themselves */
	static const struct {
		const char *kw;
		enum akind k;
	} kws[] = {{"User_Alias", A_USER}, {"Runas_Alias", A_RUNAS}, {"Host_Alias", A_HOST},
	           {"Cmnd_Alias", A_CMND}, {"Cmd_Alias", A_CMND}};
	for (size_t i = 0; i < sizeof kws / sizeof *kws; i++)
		if (ks_eq(w, wl, kws[i].kw))
			return parse_alias(ctx, s, path, line, kws[i].k, text, p);
	return parse_rule(ctx, s, path, line, text);
}

/* Length of LINE before its comment. '#' starts a comment at the start of a word unless it is a
 * uid ("#0", "%#27") or an #include/#includedir directive (sudoers(5) "Other special characters").
 * *Q is the double-quote state, carried over continued lines. */
static size_t strip_comment(const char *l, size_t len, bool line_start, bool *q)
{
	if (line_start) {
		size_t i = 0;
		while (i < len && (l[i] == ' ' || l[i] == '\t'))
			i++;
		for (size_t k = 0; k < 2; k++) {
			const char *kw = k ? "#includedir" : "#include";
			size_t kl = strlen(kw);
			if (len - i > kl && memcmp(l + i, kw, kl) == 0 && (l[i + kl] == ' ' || l[i + kl] == '\t'))
				return len;
		}
	}
	for (size_t i = 0; i < len; i++) {
		char c = l[i];
		if (c == '\\') {
			i++;
			continue;
		}
		if (c == '"') {
			*q = !*q;
			continue;
		}
		if (*q || c != '#')
			continue;
		if (i > 0 && !ks_is_space(l[i - 1]) && !memchr(",=:(!", l[i - 1], 5))
			continue; /* inside a word */
		if (i + 1 < len && l[i + 1] >= '0' && l[i + 1] <= '9')
			continue; /* #uid */
		return i;
	}
	return len;
}

static int parse_text(ks_collect_ctx *ctx, ks_sudoers *s, const char *path, const char *data, size_t len,
                      int depth)
{
	if (!ks_is_text(data, len)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0, "contains NUL bytes: not a sudoers file; skipped");
		incomplete(s, ks_arena_printf(s->a, "%s: not a text file", path));
		return KS_OK;
	}
	char *buf = ks_arena_alloc(s->a, KS_MAX_LINE + 1);
	if (!buf)
		return KS_ENOMEM;
	ks_lines it;
	const char *line;
	size_t n, bl = 0;
	int start = 0;
	bool cont = false, too_long = false, q = false;
	ks_lines_init(&it, data, len);
	for (;;) {
		bool have = ks_lines_next(&it, &line, &n);
		if (!have && !cont)
			break;
		if (have) {
			if (!cont) {
				start = it.lineno;
				bl = 0;
				too_long = false;
				q = false;
			}
			size_t keep = strip_comment(line, n, !cont, &q);
			size_t e = keep;
			while (e && (line[e - 1] == ' ' || line[e - 1] == '\t'))
				e--;
			size_t bs = 0;
			while (bs < e && line[e - 1 - bs] == '\\')
				bs++;
			cont = bs % 2 == 1; /* a backslash ending the line joins the next one */
			if (cont)
				e--;
			else
				e = keep;
			if (bl + e + 1 > KS_MAX_LINE) {
				too_long = true;
			} else if (!too_long) {
				memcpy(buf + bl, line, e);
				bl += e;
				if (cont)
					buf[bl++] = ' ';
			}
			if (cont)
				continue;
		} else {
			cont = false; /* the file ended on a continuation */
		}
		if (too_long) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, start, 0,
			            "line longer than %u bytes; skipped", KS_MAX_LINE);
			continue;
		}
		int rc = statement(ctx, s, path, start, buf, bl, depth);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

static int read_file(ks_collect_ctx *ctx, ks_sudoers *s, const char *path, int depth, const char *from,
                     int fline)
{
	if (s->files >= KS_MAX_INCLUDE_FILES) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, fline, 0,
		            "more than %d sudoers files; %s not read", KS_MAX_INCLUDE_FILES, path);
		incomplete(s, "too many include files");
		return KS_ELIMIT;
	}
	struct stat st;
	bool have_id = ks_rootfs_stat(ctx->root, path, &st) == KS_OK;
	for (int i = 0; have_id && i < s->depth; i++)
		if (s->stack[i].dev == st.st_dev && s->stack[i].ino == st.st_ino) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, fline, 0,
			            "include loop: %s is already being read; skipped", path);
			return KS_ELOOP;
		}
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT) {
		if (from)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, fline, 0, "included file %s not found", path);
		return rc;
	}
	if (rc < 0) {
		incomplete(s, ks_arena_printf(s->a, "%s: %s", path, ks_strerror(rc)));
		return rc;
	}
	s->files++;
	bool pushed = have_id && s->depth < (int)(sizeof s->stack / sizeof *s->stack);
	if (pushed)
		s->stack[s->depth++] = (struct fileid){st.st_dev, st.st_ino};
	rc = parse_text(ctx, s, path, data, len, depth);
	if (pushed)
		s->depth--;
	return rc;
}

int ks_sudoers_parse_buffer(ks_collect_ctx *ctx, ks_sudoers *s, const char *path, const char *data,
                            size_t len)
{
	return parse_text(ctx, s, path, data, len, 0);
}

/* ---- expansion and facts ---- */

struct strv {
	const char **v;
	size_t n, cap;
};

static int strv_add(ks_arena *a, struct strv *sv, const char *str)
{
	if (!str)
		return KS_ENOMEM;
	if (!(sv->v = grow(a, sv->v, sv->n, &sv->cap, sizeof *sv->v)))
		return KS_ENOMEM;
	sv->v[sv->n++] = str;
	return KS_OK;
}

static bool strv_has(const struct strv *sv, const char *str)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], str) == 0)
			return true;
	return false;
}

static int cmp_strp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void strv_sort_unique(struct strv *sv)
{
	if (!sv->n)
		return;
	qsort(sv->v, sv->n, sizeof *sv->v, cmp_strp);
	size_t k = 1;
	for (size_t i = 1; i < sv->n; i++)
		if (strcmp(sv->v[i], sv->v[k - 1]) != 0)
			sv->v[k++] = sv->v[i];
	sv->n = k;
}

static ks_value strv_value(ks_arena *a, const struct strv *sv, int *rc)
{
	ks_value l = ks_val_list();
	for (size_t i = 0; i < sv->n && *rc == KS_OK; i++)
		*rc = ks_list_push(a, &l, ks_val_strz(a, sv->v[i]));
	return l;
}

struct expand {
	ks_collect_ctx *ctx;
	ks_sudoers *s;
	const struct rule *r;
	size_t budget;
	unsigned long stamp;
	bool overflow;
};

/* Starts a query: every alias is expanded at most once in it, which ends cycles and keeps
 * repeated references (A = B, B, B ...) linear. */
static void new_query(struct expand *x)
{
	x->stamp = ++x->s->stamp;
	x->budget = MAX_EXPAND;
}

/* ALIAS if it is defined and not yet expanded in this query. */
static struct alias *visit(struct expand *x, enum akind k, const char *name, int depth)
{
	struct alias *al = find_alias(x->s, k, name);
	if (!al || al->stamp == x->stamp)
		return NULL;
	if (depth >= MAX_ALIAS_DEPTH || x->budget == 0) {
		x->overflow = true;
		return NULL;
	}
	x->budget--;
	al->stamp = x->stamp;
	return al;
}

/* Users named by ITEMS, with User_Alias expanded; negated entries are exclusions and name no one. */
static int expand_users(struct expand *x, const struct itemv *items, int depth, struct strv *out)
{
	for (size_t i = 0; i < items->n; i++) {
		const struct item *it = &items->v[i];
		if (it->neg)
			continue;
		if (!is_alias_name(it->s)) {
			if (strv_has(out, it->s))
				continue;
			if (out->n >= MAX_WHO) {
				x->overflow = true;
				return KS_OK;
			}
			if (strv_add(x->s->a, out, it->s) < 0)
				return KS_ENOMEM;
			continue;
		}
		if (!find_alias(x->s, A_USER, it->s)) {
			ks_diag_add(x->ctx->diags, KS_DIAG_WARNING, x->r->path, x->r->line, 0,
			            "User_Alias %s is used but not defined; it matches no one", it->s);
			continue;
		}
		const struct alias *al = visit(x, A_USER, it->s, depth);
		int rc = al ? expand_users(x, &al->items, depth + 1, out) : KS_OK;
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

/* The command is ALL, or a Cmnd_Alias with a non-negated ALL in it. */
static bool cmd_is_all(struct expand *x, const char *cmd, int depth)
{
	if (strcmp(cmd, "ALL") == 0)
		return true;
	const struct alias *al = is_alias_name(cmd) ? visit(x, A_CMND, cmd, depth) : NULL;
	for (size_t i = 0; al && i < al->items.n; i++)
		if (!al->items.v[i].neg && cmd_is_all(x, al->items.v[i].s, depth + 1))
			return true;
	return false;
}

static bool runas_names_root(struct expand *x, const struct itemv *items, int depth)
{
	for (size_t i = 0; i < items->n; i++) {
		const char *u = items->v[i].s;
		if (items->v[i].neg)
			continue;
		if (strcmp(u, "ALL") == 0 || strcmp(u, "root") == 0 || strcmp(u, "#0") == 0)
			return true;
		const struct alias *al = is_alias_name(u) ? visit(x, A_RUNAS, u, depth) : NULL;
		if (al && runas_names_root(x, &al->items, depth + 1))
			return true;
	}
	return false;
}

/* No Runas_Spec runs as root (the default runas_default); "(:group)" alone keeps the invoking
 * user; otherwise the user list must allow root. */
static bool runas_root(struct expand *x, const struct runas *ra)
{
	if (!ra || (!ra->user_given && !ra->group_given))
		return true;
	if (!ra->user_given)
		return false;
	new_query(x);
	return runas_names_root(x, &ra->users, 0);
}

struct acct_view {
	const char *name;
	int64_t uid, gid;
};

static const ks_value *fact_value(ks_collect_ctx *ctx, const char *key, ks_vtype t)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	return f && f->value.type == t ? &f->value : NULL;
}

static const char *rec_str(const ks_value *rec, const char *k)
{
	const ks_value *v = ks_record_get(rec, k);
	return v && v->type == KS_VAL_STR ? v->u.str.s : NULL;
}

static bool rec_int(const ks_value *rec, const char *k, int64_t *out)
{
	const ks_value *v = ks_record_get(rec, k);
	if (!v || v->type != KS_VAL_INT)
		return false;
	*out = v->u.i;
	return true;
}

/* Members of group record G: listed members plus accounts whose primary group it is. */
static int group_members(ks_arena *a, const ks_value *g, const ks_value *accts, struct strv *out)
{
	int64_t gid = -1;
	const ks_value *m = ks_record_get(g, "members");
	rec_int(g, "gid", &gid);
	for (size_t i = 0; m && m->type == KS_VAL_LIST && i < m->u.list.n; i++)
		if (m->u.list.items[i].type == KS_VAL_STR && strv_add(a, out, m->u.list.items[i].u.str.s) < 0)
			return KS_ENOMEM;
	for (size_t i = 0; accts && i < accts->u.list.n; i++) {
		int64_t ag;
		const char *name = rec_str(&accts->u.list.items[i], "name");
		if (name && rec_int(&accts->u.list.items[i], "gid", &ag) && ag == gid && strv_add(a, out, name) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

static const ks_value *group_by(const ks_value *groups, const char *name, int64_t gid)
{
	for (size_t i = 0; groups && i < groups->u.list.n; i++) {
		const ks_value *g = &groups->u.list.items[i];
		int64_t id;
		const char *n = rec_str(g, "name");
		if (name ? n && strcmp(n, name) == 0 : rec_int(g, "gid", &id) && id == gid)
			return g;
	}
	return NULL;
}

/* Everyone WHO (as written in a rule) stands for, for admin.holders. */
static int holders_of(ks_arena *a, const char *who, const ks_value *accts, const ks_value *groups,
                      struct strv *out)
{
	int64_t id;
	if (who[0] == '%' && who[1] != ':') {
		const ks_value *g = who[1] == '#' ? (ks_parse_int(who + 2, strlen(who + 2), &id)
		                                         ? group_by(groups, NULL, id) : NULL)
		                                  : group_by(groups, who + 1, 0);
		if (g)
			return group_members(a, g, accts, out);
	} else if (who[0] == '#' && ks_parse_int(who + 1, strlen(who + 1), &id)) {
		bool any = false;
		for (size_t i = 0; accts && i < accts->u.list.n; i++) {
			int64_t uid;
			const char *name = rec_str(&accts->u.list.items[i], "name");
			if (name && rec_int(&accts->u.list.items[i], "uid", &uid) && uid == id) {
				any = true;
				if (strv_add(a, out, name) < 0)
					return KS_ENOMEM;
			}
		}
		if (any)
			return KS_OK;
	}
	return strv_add(a, out, who); /* a name, ALL, +netgroup, %:group, or an unknown group */
}

int ks_sudoers_publish(ks_collect_ctx *ctx, ks_sudoers *s)
{
	ks_arena *a = s->a;
	int rc = KS_OK;
	const ks_value *accts = fact_value(ctx, "accounts.list", KS_VAL_LIST);
	const ks_value *groups = fact_value(ctx, "accounts.groups", KS_VAL_LIST);
	ks_value rules = ks_val_list();
	struct strv nopw = {0}, holders = {0};

	for (size_t i = 0; i < s->nrules && rc == KS_OK; i++) {
		const struct rule *r = &s->rules[i];
		struct expand x = {.ctx = ctx, .s = s, .r = r, .budget = MAX_EXPAND};
		struct strv who = {0};
		new_query(&x);
		if ((rc = expand_users(&x, &r->users, 0, &who)) < 0)
			break;
		bool all = false, root = false, nopasswd = false;
		for (size_t k = 0; k < r->ncmds; k++) {
			const struct cmnd *c = &r->cmds[k];
			if (c->neg)
				continue;
			new_query(&x);
			if (!cmd_is_all(&x, c->cmd, 0))
				continue;
			all = true;
			root |= runas_root(&x, c->runas);
			nopasswd |= c->nopasswd;
		}
		if (x.overflow) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, r->path, r->line, 0,
			            "alias expansion exceeds kenshin's limits; rule not fully evaluated");
			incomplete(s, ks_arena_printf(a, "%s:%d: alias expansion too large", r->path, r->line));
		}
		const char *where = ks_collect_where(ctx, r->path, r->line);
		for (size_t k = 0; k < who.n && rc == KS_OK; k++) {
			ks_value rec = ks_val_record();
			const char *w = who.v[k];
			if ((rc = ks_record_set(a, &rec, "name", ks_val_strz(a, w))) < 0 ||
			    (rc = ks_record_set(a, &rec, "who", ks_val_strz(a, w))) < 0 ||
			    (rc = ks_record_set(a, &rec, "rule", ks_val_strz(a, r->text))) < 0 ||
			    (rc = ks_record_set(a, &rec, "all_commands", ks_val_bool(all))) < 0 ||
			    (rc = ks_record_set(a, &rec, "runas_root", ks_val_bool(root))) < 0 ||
			    (rc = ks_record_set(a, &rec, "nopasswd_all", ks_val_bool(nopasswd))) < 0 ||
			    (rc = ks_record_set(a, &rec, "source", ks_val_strz(a, where))) < 0 ||
			    (rc = ks_list_push(a, &rules, rec)) < 0)
				break;
			if (nopasswd && !strv_has(&nopw, w))
				rc = strv_add(a, &nopw, w);
			if (rc == KS_OK && all && root)
				rc = holders_of(a, w, accts, groups, &holders);
		}
	}
	if (rc < 0)
		return rc;

	if (s->incomplete) {
		const char *why = s->why ? s->why : "sudoers could not be read completely";
		if ((rc = ks_fact_unknown(ctx->facts, "admin.sudoers_rules", SUDOERS_PATH, "%s", why)) < 0 ||
		    (rc = ks_fact_unknown(ctx->facts, "admin.nopasswd_all", SUDOERS_PATH, "%s", why)) < 0)
			return rc;
	} else if (s->absent) {
		const char *probe = "sudo is not installed: /etc/sudoers is absent, so no sudo rules apply";
		if ((rc = ks_fact_put_probe(ctx->facts, "admin.sudoers_rules", rules, probe)) < 0 ||
		    (rc = ks_fact_put_probe(ctx->facts, "admin.nopasswd_all", ks_val_list(), probe)) < 0)
			return rc;
	} else {
		ks_value nl = strv_value(a, &nopw, &rc);
		if (rc < 0 || (rc = ks_fact_put(ctx->facts, "admin.sudoers_rules", rules, SUDOERS_PATH, 0)) < 0 ||
		    (rc = ks_fact_put_probe(ctx->facts, "admin.nopasswd_all", nl,
		                            "users and groups whose sudoers rules give ALL commands with "
		                            "NOPASSWD")) < 0)
			return rc;
	}

	/* The groups that grant root on Debian (sudo) and other distributions (wheel, admin). */
	static const char *const admin_groups[] = {"sudo", "wheel", "admin"};
	if (!groups || !accts) {
		const char *why = !groups ? "/etc/group could not be read" : "/etc/passwd could not be read";
		if ((rc = ks_fact_unknown(ctx->facts, "admin.groups", "/etc/group", "%s", why)) < 0 ||
		    (rc = ks_fact_unknown(ctx->facts, "admin.holders", "/etc/group", "%s", why)) < 0)
			return rc;
		return KS_OK;
	}
	ks_value glist = ks_val_list();
	for (size_t i = 0; i < 3; i++) {
		const ks_value *g = group_by(groups, admin_groups[i], 0);
		struct strv mem = {0};
		ks_value rec = ks_val_record();
		if (!g)
			continue;
		if ((rc = group_members(a, g, accts, &mem)) < 0)
			return rc;
		strv_sort_unique(&mem);
		for (size_t k = 0; k < mem.n; k++)
			if ((rc = strv_add(a, &holders, mem.v[k])) < 0)
				return rc;
		const char *src = rec_str(g, "source");
		ks_value ml = strv_value(a, &mem, &rc);
		if (rc < 0 || (rc = ks_record_set(a, &rec, "name", ks_val_strz(a, admin_groups[i]))) < 0 ||
		    (rc = ks_record_set(a, &rec, "members", ml)) < 0 ||
		    (rc = ks_record_set(a, &rec, "source", ks_val_strz(a, src ? src : "/etc/group"))) < 0 ||
		    (rc = ks_list_push(a, &glist, rec)) < 0)
			return rc;
	}
	if ((rc = ks_fact_put(ctx->facts, "admin.groups", glist, "/etc/group", 0)) < 0)
		return rc;

	for (size_t i = 0; i < accts->u.list.n; i++) {
		int64_t uid;
		const char *name = rec_str(&accts->u.list.items[i], "name");
		if (name && rec_int(&accts->u.list.items[i], "uid", &uid) && uid == 0 &&
		    (rc = strv_add(a, &holders, name)) < 0)
			return rc;
	}
	if (s->incomplete)
		return ks_fact_unknown(ctx->facts, "admin.holders", SUDOERS_PATH, "%s",
		                       s->why ? s->why : "sudoers could not be read completely");
	strv_sort_unique(&holders);
	ks_value hl = strv_value(a, &holders, &rc);
	if (rc < 0)
		return rc;
	return ks_fact_put_probe(ctx->facts, "admin.holders", hl,
	                         "uid 0 accounts, members of sudo/wheel/admin (listed or primary group) and "
	                         "users named by sudoers rules granting ALL commands as root");
}

int ks_collect_sudoers(ks_collect_ctx *ctx)
{
	ks_sudoers *s = ks_sudoers_new(ctx->arena);
	if (!s)
		return KS_ENOMEM;
	int rc = read_file(ctx, s, SUDOERS_PATH, 0, NULL, 0);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT)
		s->absent = true;
	return ks_sudoers_publish(ctx, s);
}
