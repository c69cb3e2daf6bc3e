/* webtls collector: TLS versions of nginx (ngx_conf_file.c syntax, ngx_http/stream/mail_ssl_module
 * merging) and Apache httpd (mod_ssl SSLProtocol/SSLEngine, Include/IncludeOptional, IfModule,
 * IfDefine, VirtualHost) -> tls.servers, tls.min_version_ok. */
#include "webtls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "dpkg.h"

#define NGINX_CONF "/etc/nginx/nginx.conf"
#define NGINX_PREFIX "/etc/nginx/" /* Debian: --conf-path=/etc/nginx/nginx.conf */
#define APACHE_CONF "/etc/apache2/apache2.conf"
#define APACHE_ROOT "/etc/apache2" /* Debian's compiled-in HTTPD_ROOT / ServerRoot */
#define MAX_BLOCK_DEPTH 64
#define MAX_LISTENS 64

static const struct {
	const char *name;
	unsigned bit;
} protos[] = {
	{"SSLv2", KS_TLS_SSLV2}, {"SSLv3", KS_TLS_SSLV3},     {"TLSv1", KS_TLS_V1},
	{"TLSv1.1", KS_TLS_V1_1}, {"TLSv1.2", KS_TLS_V1_2}, {"TLSv1.3", KS_TLS_V1_3},
};
#define NPROTOS (sizeof protos / sizeof *protos)
#define BELOW_1_2 (KS_TLS_SSLV2 | KS_TLS_SSLV3 | KS_TLS_V1 | KS_TLS_V1_1)

void ks_webtls_init(ks_webtls *out)
{
	memset(out, 0, sizeof *out);
	out->servers = ks_val_list();
}

static void set_unknown(ks_collect_ctx *ctx, ks_webtls *out, const char *path, int line, const char *why)
{
	if (!out->unknown)
		out->unknown = line ? ks_arena_printf(ctx->arena, "%s:%d: %s", path, line, why)
		                    : ks_arena_printf(ctx->arena, "%s: %s", path, why);
}

/* Adds one TLS-serving server. MASK 0 = protocols unknown (WHY says why). */
static int add_server(ks_collect_ctx *ctx, ks_webtls *out, const char *server, const char *path, int line,
                      unsigned mask, const char *src_path, int src_line, const char *how)
{
	ks_arena *a = ctx->arena;
	if (!how)
		return KS_ENOMEM;
	ks_value rec = ks_val_record(), list = ks_val_list();
	char plist[96] = "";
	const char *minv = NULL;
	for (size_t i = 0; i < NPROTOS; i++)
		if (mask & protos[i].bit) {
			if (!minv)
				minv = protos[i].name;
			if (ks_list_push(a, &list, ks_val_strz(a, protos[i].name)) < 0)
				return KS_ENOMEM;
			size_t o = strlen(plist);
			snprintf(plist + o, sizeof plist - o, "%s%s", o ? " " : "", protos[i].name);
		}
	const char *name = ks_arena_printf(a, "%s %s", server, ks_collect_where(ctx, path, line));
	const char *src = ks_collect_where(ctx, src_path, src_line);
	const char *summary = mask ? ks_arena_printf(a, "%s (%s)", plist, how) : ks_arena_strdup(a, how);
	bool ok = !(mask & BELOW_1_2);
	if (!name || !src || !summary ||
	    ks_record_set(a, &rec, "name", ks_val_strz(a, name)) < 0 ||
	    ks_record_set(a, &rec, "server", ks_val_strz(a, server)) < 0 ||
	    ks_record_set(a, &rec, "protocols", mask ? list : ks_val_unknown()) < 0 ||
	    ks_record_set(a, &rec, "min_version", mask && minv ? ks_val_strz(a, minv) : ks_val_unknown()) < 0 ||
	    ks_record_set(a, &rec, "ok", mask ? ks_val_bool(ok) : ks_val_unknown()) < 0 ||
	    ks_record_set(a, &rec, "summary", ks_val_strz(a, summary)) < 0 ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, src)) < 0 || ks_list_push(a, &out->servers, rec) < 0)
		return KS_ENOMEM;
	out->ntls++;
	if (!mask) {
		out->nunknown++;
	} else if (!ok) {
		if (!out->nbad++) {
			out->bad = ks_arena_printf(a, "%s: %s", name, summary);
			if (!out->bad)
				return KS_ENOMEM;
		}
	}
	return KS_OK;
}

static bool version_triplet(const char *v, unsigned t[3])
{
	const char *colon = strchr(v, ':'); /* epoch */
	if (colon)
		v = colon + 1;
	for (int i = 0; i < 3; i++) {
		if (*v < '0' || *v > '9')
			return i == 2 ? (t[2] = 0, true) : false;
		unsigned long x = 0;
		while (*v >= '0' && *v <= '9') {
			if (x < 100000)
				x = x * 10 + (unsigned)(*v - '0');
			v++;
		}
		t[i] = (unsigned)x;
		if (i < 2) {
			if (*v != '.')
				return i == 1 ? (t[2] = 0, true) : false;
			v++;
		}
	}
	return true;
}

bool ks_webtls_nginx_default(const char *version, unsigned *mask)
{
	unsigned t[3];
	if (!version || !version_triplet(version, t))
		return false;
	unsigned long v = t[0] * 1000000ul + t[1] * 1000ul + t[2];
	if (v >= 1027003ul) /* 1.27.3: NGX_SSL_DEFAULT_PROTOCOLS = TLSv1.2 TLSv1.3 */
		*mask = KS_TLS_V1_2 | KS_TLS_V1_3;
	else if (v >= 1023004ul) /* 1.23.4: "TLSv1.3 protocol is enabled by default" */
		*mask = KS_TLS_V1 | KS_TLS_V1_1 | KS_TLS_V1_2 | KS_TLS_V1_3;
	else
		*mask = KS_TLS_V1 | KS_TLS_V1_1 | KS_TLS_V1_2;
	return true;
}

/* ==== nginx ================================================================================ */

enum { NX_MAIN, NX_HTTP, NX_STREAM, NX_MAIL, NX_SERVER, NX_OTHER };

typedef struct nx_module {
	int kind;
	unsigned proto;        /* 0 = not set */
	const char *proto_path;
	int proto_line;
	int ssl_on;            /* -1 unset, 0 off, 1 on ("ssl on", mail "starttls on|only") */
	const char *path;
	int line;
} nx_module;

typedef struct nx_listen {
	char key[80];          /* normalised address:port */
	bool ssl, quic;
} nx_listen;

typedef struct nx_server {
	int mod;
	const char *path;
	int line;
	unsigned proto;
	const char *proto_path;
	int proto_line;
	int ssl_on;
	nx_listen *listens;
	size_t nlisten;
	bool listen_overflow;
} nx_server;

typedef struct nx_state {
	ks_collect_ctx *ctx;
	ks_webtls *out;
	nx_module *mods;
	size_t nmods, capmods;
	nx_server *srvs;
	size_t nsrvs, capsrvs;
	int files;
	const char *open[KS_MAX_INCLUDE_DEPTH + 2];
} nx_state;

typedef struct nx_tok {
	char *s;
	size_t n;
	bool quoted;
} nx_tok;

static void *grow(ks_arena *a, void *old, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return old;
	size_t nc = *cap ? *cap * 2 : 8;
	void *p = ks_arena_alloc(a, nc * size);
	if (!p)
		return NULL;
	if (old)
		memcpy(p, old, n * size);
	*cap = nc;
	return p;
}

/* "443", "*:443", "0.0.0.0:443" -> "*:443"; "[::]:443" stays; "unix:..." stays. */
static void listen_key(const char *a, size_t n, char key[80])
{
	char buf[64];
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, a, n);
	buf[n] = '\0';
	bool digits = n > 0;
	for (size_t i = 0; i < n; i++)
		if (buf[i] < '0' || buf[i] > '9')
			digits = false;
	if (digits)
		snprintf(key, 80, "*:%s", buf);
	else if (!strncmp(buf, "0.0.0.0:", 8))
		snprintf(key, 80, "*:%s", buf + 8);
	else if (!strchr(buf, ':') && strncmp(buf, "unix:", 5) != 0)
		snprintf(key, 80, "%s:80", buf); /* host without port: port 80 */
	else
		snprintf(key, 80, "%s", buf);
}

static bool tok_is(const nx_tok *t, const char *lit)
{
	return ks_eq(t->s, t->n, lit);
}

static int nx_protocols(nx_state *st, const char *path, int line, nx_tok *t, size_t nt, unsigned *mask)
{
	unsigned m = 0;
	for (size_t i = 1; i < nt; i++) {
		size_t k = 0;
		while (k < NPROTOS && !tok_is(&t[i], protos[k].name))
			k++;
		if (k == NPROTOS) {
			ks_diag_add(st->ctx->diags, KS_DIAG_WARNING, path, line, 0,
			            "ssl_protocols: invalid value '%.*s' (nginx refuses the configuration)",
			            (int)(t[i].n > 40 ? 40 : t[i].n), t[i].s);
			set_unknown(st->ctx, st->out, path, line, "invalid ssl_protocols value");
			return -1;
		}
		m |= protos[k].bit;
	}
	if (!m) {
		ks_diag_add(st->ctx->diags, KS_DIAG_WARNING, path, line, 0, "ssl_protocols without a value");
		set_unknown(st->ctx, st->out, path, line, "ssl_protocols without a value");
		return -1;
	}
	*mask = m;
	return 0;
}

static int nx_file(nx_state *st, const char *path, const char *data, size_t len, int ctxkind, int mod, int srv,
                   int depth);

static int nx_include(nx_state *st, const char *path, int line, const nx_tok *arg, int ctxkind, int mod, int srv,
                      int depth)
{
	ks_collect_ctx *ctx = st->ctx;
	char *pat = arg->s[0] == '/' ? ks_arena_strndup(ctx->arena, arg->s, arg->n)
	                             : ks_arena_printf(ctx->arena, "%s%.*s", NGINX_PREFIX, (int)arg->n, arg->s);
	if (!pat)
		return KS_ENOMEM;
	if (depth >= KS_MAX_INCLUDE_DEPTH) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "include nested deeper than %d: not followed",
		            KS_MAX_INCLUDE_DEPTH);
		set_unknown(ctx, st->out, path, line, "include nesting limit reached");
		return KS_OK;
	}
	const char **files = NULL;
	size_t n = 0;
	bool glob = strpbrk(pat, "*?[") != NULL;
	if (glob) {
		int rc = ks_rootfs_glob(ctx->root, ctx->arena, pat, &files, &n);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "include %s: %s", pat, ks_strerror(rc));
			set_unknown(ctx, st->out, path, line, ks_arena_printf(ctx->arena, "include %s: %s", pat, ks_strerror(rc)));
		}
	} else {
		files = ks_arena_alloc(ctx->arena, sizeof *files);
		if (!files)
			return KS_ENOMEM;
		files[0] = pat;
		n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (++st->files > KS_MAX_INCLUDE_FILES) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "more than %d included files: stopped",
			            KS_MAX_INCLUDE_FILES);
			set_unknown(ctx, st->out, path, line, "include file limit reached");
			return KS_OK;
		}
		bool loop = false;
		for (int d = 0; d <= depth && d < KS_MAX_INCLUDE_DEPTH + 2; d++)
			if (st->open[d] && !strcmp(st->open[d], files[i]))
				loop = true;
		if (loop) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "include loop through %s", files[i]);
			set_unknown(ctx, st->out, path, line, "include loop");
			continue;
		}
		char *d;
		size_t dl;
		int rc = ks_collect_read(ctx, files[i], &d, &dl);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0) {
			/* nginx: open() failed -> the configuration is refused. */
			if (rc == KS_ENOENT)
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "include %s: not found", files[i]);
			set_unknown(ctx, st->out, files[i], 0, ks_strerror(rc));
			continue;
		}
		st->open[depth + 1] = files[i];
		rc = nx_file(st, files[i], d, dl, ctxkind, mod, srv, depth + 1);
		st->open[depth + 1] = NULL;
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

typedef struct nx_frame {
	int kind, mod, srv;
} nx_frame;

/* One directive (tokens T[0..NT)) ending with ';' (OPEN false) or '{' (OPEN true). */
static int nx_directive(nx_state *st, const char *path, int line, nx_tok *t, size_t nt, bool open,
                        nx_frame *cur, nx_frame *child, int depth)
{
	ks_collect_ctx *ctx = st->ctx;
	ks_arena *a = ctx->arena;
	if (open) {
		child->kind = NX_OTHER;
		child->mod = cur->mod;
		child->srv = cur->srv;
		if (cur->kind == NX_MAIN && (tok_is(&t[0], "http") || tok_is(&t[0], "stream") || tok_is(&t[0], "mail"))) {
			nx_module *m = grow(a, st->mods, st->nmods, &st->capmods, sizeof *m);
			if (!m)
				return KS_ENOMEM;
			st->mods = m;
			m = &st->mods[st->nmods];
			memset(m, 0, sizeof *m);
			m->kind = tok_is(&t[0], "http") ? NX_HTTP : tok_is(&t[0], "stream") ? NX_STREAM : NX_MAIL;
			m->ssl_on = -1;
			m->path = path;
			m->line = line;
			child->kind = m->kind;
			child->mod = (int)st->nmods++;
			child->srv = -1;
		} else if ((cur->kind == NX_HTTP || cur->kind == NX_STREAM || cur->kind == NX_MAIL) &&
		           tok_is(&t[0], "server") && nt == 1) {
			nx_server *s = grow(a, st->srvs, st->nsrvs, &st->capsrvs, sizeof *s);
			if (!s)
				return KS_ENOMEM;
			st->srvs = s;
			s = &st->srvs[st->nsrvs];
			memset(s, 0, sizeof *s);
			s->mod = cur->mod;
			s->path = path;
			s->line = line;
			s->ssl_on = -1;
			child->kind = NX_SERVER;
			child->srv = (int)st->nsrvs++;
		}
		return KS_OK;
	}
	if (tok_is(&t[0], "include")) {
		if (nt != 2) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "include takes one argument");
			set_unknown(ctx, st->out, path, line, "malformed include");
			return KS_OK;
		}
		return nx_include(st, path, line, &t[1], cur->kind, cur->mod, cur->srv, depth);
	}
	bool in_mod = cur->kind == NX_HTTP || cur->kind == NX_STREAM || cur->kind == NX_MAIL;
	bool in_srv = cur->kind == NX_SERVER;
	if (tok_is(&t[0], "ssl_protocols")) {
		if (!in_mod && !in_srv) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0,
			            "ssl_protocols is not allowed here (nginx refuses the configuration)");
			set_unknown(ctx, st->out, path, line, "ssl_protocols in a wrong context");
			return KS_OK;
		}
		unsigned m;
		if (nx_protocols(st, path, line, t, nt, &m) < 0)
			return KS_OK;
		unsigned *slot = in_srv ? &st->srvs[cur->srv].proto : &st->mods[cur->mod].proto;
		if (*slot) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0,
			            "ssl_protocols is duplicate (nginx refuses the configuration)");
			set_unknown(ctx, st->out, path, line, "duplicate ssl_protocols");
			return KS_OK;
		}
		*slot = m;
		if (in_srv) {
			st->srvs[cur->srv].proto_path = path;
			st->srvs[cur->srv].proto_line = line;
		} else {
			st->mods[cur->mod].proto_path = path;
			st->mods[cur->mod].proto_line = line;
		}
		return KS_OK;
	}
	bool is_ssl = tok_is(&t[0], "ssl"), is_starttls = tok_is(&t[0], "starttls");
	if ((is_ssl || is_starttls) && (in_mod || in_srv) && nt == 2) {
		int on = tok_is(&t[1], "on") || (is_starttls && tok_is(&t[1], "only"));
		if (is_starttls && cur->mod >= 0 && st->mods[cur->mod].kind != NX_MAIL)
			return KS_OK;
		int *slot = in_srv ? &st->srvs[cur->srv].ssl_on : &st->mods[cur->mod].ssl_on;
		if (on || *slot < 0)
			*slot = on;
		return KS_OK;
	}
	if (tok_is(&t[0], "listen") && in_srv && nt >= 2) {
		nx_server *s = &st->srvs[cur->srv];
		if (s->nlisten >= MAX_LISTENS) {
			s->listen_overflow = true;
			return KS_OK;
		}
		if (!s->listens) {
			s->listens = ks_arena_alloc(a, MAX_LISTENS * sizeof *s->listens);
			if (!s->listens)
				return KS_ENOMEM;
		}
		nx_listen *l = &s->listens[s->nlisten++];
		listen_key(t[1].s, t[1].n, l->key);
		for (size_t i = 2; i < nt; i++) {
			if (tok_is(&t[i], "ssl"))
				l->ssl = true;
			else if (tok_is(&t[i], "quic"))
				l->quic = true;
		}
	}
	return KS_OK;
}

/* ngx_conf_read_token: words separated by blanks, ';' '{' '}', '#' comments at a word start,
 * "..." and '...' with backslash escapes, ${var} inside a word. */
static int nx_file(nx_state *st, const char *path, const char *data, size_t len, int ctxkind, int mod, int srv,
                   int depth)
{
	ks_collect_ctx *ctx = st->ctx;
	nx_frame *stack = ks_arena_alloc(ctx->arena, (MAX_BLOCK_DEPTH + 1) * sizeof *stack);
	nx_tok *t = ks_arena_alloc(ctx->arena, KS_MAX_TOKENS * sizeof *t);
	char *buf = ks_arena_alloc(ctx->arena, len + 1);
	if (!stack || !t || !buf)
		return KS_ENOMEM;
	int sp = 0;
	stack[0] = (nx_frame){ctxkind, mod, srv};
	size_t nt = 0, bo = 0;
	bool overflow = false;
	int line = 1, dline = 0;
	const char *p = data, *end = data + len;
	while (p < end) {
		char c = *p;
		if (c == '\n' || c == ' ' || c == '\t' || c == '\r') {
			if (c == '\n')
				line++;
			p++;
			continue;
		}
		if (c == '#') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (c == ';' || c == '{') {
			p++;
			if (!nt) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "unexpected \"%c\"", c);
				set_unknown(ctx, st->out, path, line, "syntax error");
				return KS_OK;
			}
			if (overflow) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, dline, 0, "more than %u words: not analysed",
				            KS_MAX_TOKENS);
				set_unknown(ctx, st->out, path, dline, "directive too long");
			}
			nx_frame child = stack[sp];
			int rc = overflow ? KS_OK : nx_directive(st, path, dline, t, nt, c == '{', &stack[sp], &child, depth);
			if (rc < 0)
				return rc;
			if (c == '{') {
				if (sp >= MAX_BLOCK_DEPTH) {
					ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "blocks nested deeper than %d",
					            MAX_BLOCK_DEPTH);
					set_unknown(ctx, st->out, path, line, "blocks nested too deep");
					return KS_OK;
				}
				if (overflow)
					child = (nx_frame){NX_OTHER, stack[sp].mod, stack[sp].srv};
				sp++;
				stack[sp] = child;
			}
			nt = 0;
			bo = 0;
			overflow = false;
			continue;
		}
		if (c == '}') {
			p++;
			if (nt || sp == 0) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "unexpected \"}\"");
				set_unknown(ctx, st->out, path, line, "syntax error");
				return KS_OK;
			}
			sp--;
			continue;
		}
		/* A word. */
		nx_tok w = {buf + bo, 0, false};
		int wline = line;
		if (c == '"' || c == '\'') {
			char q = c;
			p++;
			w.quoted = true;
			while (p < end && *p != q) {
				if (*p == '\\' && p + 1 < end) {
					char e = p[1];
					buf[bo++] = e == 't' ? '\t' : e == 'r' ? '\r' : e == 'n' ? '\n' : e;
					if (e == '\n')
						line++;
					p += 2;
					continue;
				}
				if (*p == '\n')
					line++;
				buf[bo++] = *p++;
			}
			if (p >= end) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, wline, 0, "unterminated quoted string");
				set_unknown(ctx, st->out, path, wline, "syntax error");
				return KS_OK;
			}
			p++;
			if (p < end && !strchr(" \t\r\n;{", *p)) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "unexpected \"%c\" after a quoted string",
				            *p);
				set_unknown(ctx, st->out, path, line, "syntax error");
				return KS_OK;
			}
		} else {
			bool var = false;
			while (p < end) {
				char d = *p;
				if (d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == ';')
					break;
				if ((d == '{' && !var) || d == '}') {
					if (d == '}' && var) {
						var = false;
						buf[bo++] = *p++;
						continue;
					}
					break;
				}
				if (d == '\\' && p + 1 < end) {
					buf[bo++] = p[1];
					if (p[1] == '\n')
						line++;
					p += 2;
					continue;
				}
				if (d == '$' && p + 1 < end && p[1] == '{') {
					var = true; /* ${name}: its braces are not blocks */
					buf[bo++] = *p++;
				}
				buf[bo++] = *p++;
			}
		}
		w.n = (size_t)(buf + bo - w.s);
		buf[bo++] = '\0';
		if (!nt)
			dline = wline;
		if (nt < KS_MAX_TOKENS)
			t[nt++] = w;
		else
			overflow = true;
	}
	if (nt || sp) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "unexpected end of file, expecting \"%s\"",
		            nt ? ";" : "}");
		set_unknown(ctx, st->out, path, line, "unexpected end of file");
	}
	return KS_OK;
}

/* Addresses listened on with "ssl", per block: sorted "mod\x01key" strings for bsearch (the
 * naive pairwise search is quadratic in the number of servers). */
typedef struct nx_sslkeys {
	const char **v;
	size_t n;
} nx_sslkeys;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int nx_sslkeys_build(nx_state *st, nx_sslkeys *k)
{
	size_t total = 0;
	for (size_t i = 0; i < st->nsrvs; i++)
		for (size_t j = 0; j < st->srvs[i].nlisten; j++)
			total += st->srvs[i].listens[j].ssl;
	k->n = 0;
	k->v = ks_arena_alloc(st->ctx->arena, (total ? total : 1) * sizeof *k->v);
	if (!k->v)
		return KS_ENOMEM;
	for (size_t i = 0; i < st->nsrvs; i++)
		for (size_t j = 0; j < st->srvs[i].nlisten; j++)
			if (st->srvs[i].listens[j].ssl) {
				const char *e = ks_arena_printf(st->ctx->arena, "%d\x01%s", st->srvs[i].mod,
				                                st->srvs[i].listens[j].key);
				if (!e)
					return KS_ENOMEM;
				k->v[k->n++] = e;
			}
	qsort(k->v, k->n, sizeof *k->v, cmp_str);
	return KS_OK;
}

static bool nx_key_ssl(const nx_sslkeys *k, int mod, const char *key)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%d\x01%s", mod, key);
	const char *p = buf;
	return k->n && bsearch(&p, k->v, k->n, sizeof *k->v, cmp_str) != NULL;
}

static int nx_finish(nx_state *st, unsigned default_mask)
{
	ks_collect_ctx *ctx = st->ctx;
	nx_sslkeys keys;
	if (nx_sslkeys_build(st, &keys) < 0)
		return KS_ENOMEM;
	for (size_t i = 0; i < st->nsrvs; i++) {
		const nx_server *s = &st->srvs[i];
		const nx_module *m = &st->mods[s->mod];
		/* The ssl flag belongs to the listening socket: any server listening with "ssl" on an
		 * address makes it TLS for every server on that address (ngx_http_add_listen). */
		bool tls = (s->ssl_on >= 0 ? s->ssl_on : m->ssl_on) == 1, quic = false;
		for (size_t j = 0; j < s->nlisten; j++) {
			if (s->listens[j].ssl || nx_key_ssl(&keys, s->mod, s->listens[j].key))
				tls = true;
			if (s->listens[j].quic)
				quic = true;
		}
		if (!s->nlisten && m->kind == NX_HTTP && nx_key_ssl(&keys, s->mod, "*:80"))
			tls = true;
		if (s->listen_overflow)
			set_unknown(ctx, st->out, s->path, s->line, "more than 64 listen directives");
		const char *mk = m->kind == NX_STREAM ? "nginx stream" : m->kind == NX_MAIL ? "nginx mail" : "nginx";
		int rc;
		if (!tls && quic) {
			rc = add_server(ctx, st->out, mk, s->path, s->line, KS_TLS_V1_3, s->path, s->line,
			                "QUIC listeners only: TLSv1.3 (RFC 9001)");
		} else if (!tls) {
			continue;
		} else if (s->proto) {
			rc = add_server(ctx, st->out, mk, s->path, s->line, s->proto, s->proto_path, s->proto_line,
			                ks_arena_printf(ctx->arena, "ssl_protocols at %s",
			                                ks_collect_where(ctx, s->proto_path, s->proto_line)));
		} else if (m->proto) {
			rc = add_server(ctx, st->out, mk, s->path, s->line, m->proto, m->proto_path, m->proto_line,
			                ks_arena_printf(ctx->arena, "ssl_protocols of the enclosing block at %s",
			                                ks_collect_where(ctx, m->proto_path, m->proto_line)));
		} else {
			rc = add_server(ctx, st->out, mk, s->path, s->line, default_mask, s->path, s->line,
			                default_mask ? "no ssl_protocols: the installed nginx version's default"
			                             : "no ssl_protocols and the nginx version is unknown: default unknown");
		}
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_webtls_nginx_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                 unsigned default_mask, ks_webtls *out)
{
	nx_state *st = ks_arena_alloc(ctx->arena, sizeof *st);
	const char *p = ks_arena_strdup(ctx->arena, path);
	if (!st || !p)
		return KS_ENOMEM;
	st->ctx = ctx;
	st->out = out;
	st->open[0] = p;
	int rc = nx_file(st, p, data, len, NX_MAIN, -1, -1, 0);
	if (rc < 0)
		return rc;
	return nx_finish(st, default_mask);
}

/* ==== Apache httpd ========================================================================= */

/* Modules compiled into Debian 12's apache2 (apache2 -l). */
static const char *const ap_static[] = {"core.c",         "mod_so.c",    "mod_watchdog.c", "http_core.c",
                                        "mod_log_config.c", "mod_logio.c", "mod_version.c",  "mod_unixd.c"};

typedef struct ap_vhost {
	const char *path;
	int line;
	int engine;        /* -1 unset, 0 off, 1 on/optional */
	unsigned proto;    /* valid when proto_set */
	bool proto_set;
	const char *proto_path;
	int proto_line;
} ap_vhost;

typedef struct ap_state {
	ks_collect_ctx *ctx;
	ks_webtls *out;
	const char *server_root;
	const char **mods;      /* loaded: "ssl_module" and "mod_ssl.c" */
	size_t nmods, capmods;
	const char **defines;
	size_t ndefines, capdefines;
	ap_vhost main;
	ap_vhost *vh;
	size_t nvh, capvh;
	int files;
	const char *open[KS_MAX_INCLUDE_DEPTH + 2];
} ap_state;

static bool ap_has(const char *const *v, size_t n, const char *s, size_t sl)
{
	for (size_t i = 0; i < n; i++)
		if (ks_eq(s, sl, v[i]))
			return true;
	return false;
}

static int ap_push(ks_arena *a, const char ***v, size_t *n, size_t *cap, const char *s, size_t sl)
{
	const char **nv = grow(a, *v, *n, cap, sizeof **v);
	if (!nv)
		return KS_ENOMEM;
	*v = nv;
	if (!((*v)[(*n)] = ks_arena_strndup(a, s, sl)))
		return KS_ENOMEM;
	(*n)++;
	return KS_OK;
}

static bool ap_module_loaded(const ap_state *st, const char *m, size_t ml)
{
	for (size_t i = 0; i < sizeof ap_static / sizeof *ap_static; i++)
		if (ks_eq(m, ml, ap_static[i]))
			return true;
	return ap_has(st->mods, st->nmods, m, ml);
}

/* ap_getword_conf: the next word, "..." or '...' quoted (quotes removed, \" kept as "). */
static bool ap_word(const char **s, const char *end, const char **w, size_t *wl, char *scratch, size_t cap)
{
	const char *p = *s;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end)
		return false;
	size_t n = 0;
	if (*p == '"' || *p == '\'') {
		char q = *p++;
		while (p < end && *p != q) {
			if (*p == '\\' && p + 1 < end && (p[1] == q || p[1] == '\\'))
				p++;
			if (n < cap)
				scratch[n++] = *p;
			p++;
		}
		if (p < end)
			p++;
	} else {
		while (p < end && *p != ' ' && *p != '\t') {
			if (n < cap)
				scratch[n++] = *p;
			p++;
		}
	}
	*s = p;
	*w = scratch;
	*wl = n;
	return true;
}

static int ap_file(ap_state *st, const char *path, const char *data, size_t len, int vh, bool active, int depth);

static int ap_include_one(ap_state *st, const char *from, int line, const char *file, int vh, bool active,
                          int depth)
{
	ks_collect_ctx *ctx = st->ctx;
	if (++st->files > KS_MAX_INCLUDE_FILES) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, line, 0, "more than %d included files: stopped",
		            KS_MAX_INCLUDE_FILES);
		set_unknown(ctx, st->out, from, line, "include file limit reached");
		return KS_OK;
	}
	for (int d = 0; d <= depth && d < KS_MAX_INCLUDE_DEPTH + 2; d++)
		if (st->open[d] && !strcmp(st->open[d], file)) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, line, 0, "include loop through %s", file);
			set_unknown(ctx, st->out, from, line, "include loop");
			return KS_OK;
		}
	char *d;
	size_t dl;
	int rc = ks_collect_read(ctx, file, &d, &dl);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		set_unknown(ctx, st->out, file, 0, ks_strerror(rc));
		return KS_OK;
	}
	st->open[depth + 1] = file;
	rc = ap_file(st, file, d, dl, vh, active, depth + 1);
	st->open[depth + 1] = NULL;
	return rc;
}

/* A directory: every file in it and its subdirectories, in name order (ap_process_resource_config). */
static int ap_include_dir(ap_state *st, const char *from, int line, const char *dir, int vh, bool active,
                          int depth, int level)
{
	ks_collect_ctx *ctx = st->ctx;
	const char **names;
	size_t n;
	int rc = ks_rootfs_list(ctx->root, ctx->arena, dir, &names, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		set_unknown(ctx, st->out, dir, 0, ks_strerror(rc));
		return KS_OK;
	}
	for (size_t i = 0; i < n; i++) {
		char *p = ks_arena_printf(ctx->arena, "%s/%s", dir, names[i]);
		if (!p)
			return KS_ENOMEM;
		struct stat sb;
		if (ks_rootfs_stat(ctx->root, p, &sb) < 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			if (level >= KS_MAX_INCLUDE_DEPTH) {
				set_unknown(ctx, st->out, p, 0, "directories nested too deep");
				continue;
			}
			rc = ap_include_dir(st, from, line, p, vh, active, depth, level + 1);
		} else {
			rc = ap_include_one(st, from, line, p, vh, active, depth);
		}
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

static int ap_include(ap_state *st, const char *path, int line, const char *arg, size_t al, bool optional, int vh,
                      bool active, int depth)
{
	ks_collect_ctx *ctx = st->ctx;
	if (memchr(arg, '$', al)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "include path with a variable: not followed");
		set_unknown(ctx, st->out, path, line, "include path uses a variable");
		return KS_OK;
	}
	if (depth >= KS_MAX_INCLUDE_DEPTH) {
		set_unknown(ctx, st->out, path, line, "include nesting limit reached");
		return KS_OK;
	}
	char *pat = arg[0] == '/' ? ks_arena_strndup(ctx->arena, arg, al)
	                          : ks_arena_printf(ctx->arena, "%s/%.*s", st->server_root, (int)al, arg);
	if (!pat)
		return KS_ENOMEM;
	if (strpbrk(pat, "*?[")) {
		const char **files;
		size_t n;
		int rc = ks_rootfs_glob(ctx->root, ctx->arena, pat, &files, &n);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0)
			set_unknown(ctx, st->out, path, line, ks_arena_printf(ctx->arena, "Include %s: %s", pat, ks_strerror(rc)));
		if (!n && !optional) {
			/* Include (not IncludeOptional) with a wildcard that matches nothing is an error. */
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "Include %s: no matches (Apache refuses "
			                                                       "to start)", pat);
			set_unknown(ctx, st->out, path, line, "Include without matches");
		}
		for (size_t i = 0; i < n; i++) {
			struct stat sb;
			if (ks_rootfs_stat(ctx->root, files[i], &sb) == 0 && S_ISDIR(sb.st_mode))
				rc = ap_include_dir(st, path, line, files[i], vh, active, depth, 0);
			else
				rc = ap_include_one(st, path, line, files[i], vh, active, depth);
			if (rc < 0)
				return rc;
		}
		return KS_OK;
	}
	struct stat sb;
	int rc = ks_rootfs_stat(ctx->root, pat, &sb);
	if (rc < 0) {
		if (rc == KS_ENOENT && optional)
			return KS_OK;
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "Include %s: %s", pat, ks_strerror(rc));
		set_unknown(ctx, st->out, path, line, ks_arena_printf(ctx->arena, "Include %s: %s", pat, ks_strerror(rc)));
		return KS_OK;
	}
	if (S_ISDIR(sb.st_mode))
		return ap_include_dir(st, path, line, pat, vh, active, depth, 0);
	return ap_include_one(st, path, line, pat, vh, active, depth);
}

/* mod_ssl ssl_cmd_protocol_parse() with Debian's OpenSSL (built without SSLv3). */
static int ap_protocol(ap_state *st, const char *path, int line, const char *args, const char *end, unsigned *out)
{
	const unsigned all = KS_TLS_V1 | KS_TLS_V1_1 | KS_TLS_V1_2 | KS_TLS_V1_3;
	unsigned m = 0;
	const char *w;
	size_t wl;
	char scratch[64];
	while (ap_word(&args, end, &w, &wl, scratch, sizeof scratch)) {
		char act = 0;
		if (wl && (w[0] == '+' || w[0] == '-')) {
			act = w[0];
			w++;
			wl--;
		}
		unsigned bit = 0;
		if (ks_ieq(w, wl, "SSLv2") || ks_ieq(w, wl, "SSLv3")) {
			if (act == '-')
				continue;
			ks_diag_add(st->ctx->diags, KS_DIAG_WARNING, path, line, 0,
			            "SSLProtocol: %.*s is not supported (Apache refuses to start)", (int)wl, w);
			bit = ks_ieq(w, wl, "SSLv2") ? KS_TLS_SSLV2 : KS_TLS_SSLV3;
		} else if (ks_ieq(w, wl, "TLSv1")) {
			bit = KS_TLS_V1;
		} else if (ks_ieq(w, wl, "TLSv1.1")) {
			bit = KS_TLS_V1_1;
		} else if (ks_ieq(w, wl, "TLSv1.2")) {
			bit = KS_TLS_V1_2;
		} else if (ks_ieq(w, wl, "TLSv1.3")) {
			bit = KS_TLS_V1_3;
		} else if (ks_ieq(w, wl, "all")) {
			bit = all;
		} else {
			ks_diag_add(st->ctx->diags, KS_DIAG_WARNING, path, line, 0,
			            "SSLProtocol: illegal protocol '%.*s' (Apache refuses to start)", (int)(wl > 32 ? 32 : wl), w);
			set_unknown(st->ctx, st->out, path, line, "illegal SSLProtocol value");
			return -1;
		}
		if (act == '-')
			m &= ~bit;
		else if (act == '+')
			m |= bit;
		else
			m = bit;
	}
	/* ssl_engine_init.c: the highest version, then down while there is no hole. */
	unsigned eff = 0;
	for (int i = (int)NPROTOS - 1; i >= 0; i--) {
		if (m & protos[i].bit)
			eff |= protos[i].bit;
		else if (eff)
			break;
	}
	if (!eff) {
		ks_diag_add(st->ctx->diags, KS_DIAG_WARNING, path, line, 0, "SSLProtocol enables no protocol");
		set_unknown(st->ctx, st->out, path, line, "SSLProtocol enables no protocol");
		return -1;
	}
	*out = eff;
	return 0;
}

typedef struct ap_frame {
	char name[32];
	bool active;
	int vh;
} ap_frame;

static int ap_directive(ap_state *st, const char *path, int line, const char *name, size_t nl, const char *args,
                        const char *end, int vh, int depth)
{
	ks_collect_ctx *ctx = st->ctx;
	const char *w;
	size_t wl;
	char scratch[4096];
	ap_vhost *v = vh >= 0 ? &st->vh[vh] : &st->main;
	if (ks_ieq(name, nl, "Include") || ks_ieq(name, nl, "IncludeOptional")) {
		const char *a = args;
		while (ap_word(&a, end, &w, &wl, scratch, sizeof scratch)) {
			int rc = ap_include(st, path, line, w, wl, ks_ieq(name, nl, "IncludeOptional"), vh, true, depth);
			if (rc < 0)
				return rc;
		}
		return KS_OK;
	}
	if (ks_ieq(name, nl, "LoadModule")) {
		const char *a = args;
		if (ap_word(&a, end, &w, &wl, scratch, sizeof scratch) &&
		    ap_push(ctx->arena, &st->mods, &st->nmods, &st->capmods, w, wl) < 0)
			return KS_ENOMEM;
		if (ap_word(&a, end, &w, &wl, scratch, sizeof scratch)) {
			/* mod_ssl.so -> "mod_ssl.c", the name <IfModule> also accepts */
			const char *base = w;
			for (size_t i = 0; i < wl; i++)
				if (w[i] == '/')
					base = w + i + 1;
			size_t bl = wl - (size_t)(base - w);
			if (bl > 3 && !memcmp(base + bl - 3, ".so", 3)) {
				char *c = ks_arena_printf(ctx->arena, "%.*s.c", (int)(bl - 3), base);
				if (!c || ap_push(ctx->arena, &st->mods, &st->nmods, &st->capmods, c, strlen(c)) < 0)
					return KS_ENOMEM;
			}
		}
		return KS_OK;
	}
	if (ks_ieq(name, nl, "Define")) {
		const char *a = args;
		if (ap_word(&a, end, &w, &wl, scratch, sizeof scratch) &&
		    ap_push(ctx->arena, &st->defines, &st->ndefines, &st->capdefines, w, wl) < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	if (ks_ieq(name, nl, "ServerRoot") && vh < 0) {
		const char *a = args;
		if (ap_word(&a, end, &w, &wl, scratch, sizeof scratch) && wl && w[0] == '/') {
			while (wl > 1 && w[wl - 1] == '/')
				wl--;
			if (!(st->server_root = ks_arena_strndup(ctx->arena, w, wl)))
				return KS_ENOMEM;
		}
		return KS_OK;
	}
	bool ssl = ap_module_loaded(st, "ssl_module", 10);
	if (ks_ieq(name, nl, "SSLEngine")) {
		if (!ssl) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0,
			            "SSLEngine without mod_ssl loaded (Apache refuses to start)");
			return KS_OK;
		}
		const char *a = args;
		if (ap_word(&a, end, &w, &wl, scratch, sizeof scratch))
			v->engine = ks_ieq(w, wl, "on") || ks_ieq(w, wl, "optional") ? 1 : 0;
		return KS_OK;
	}
	if (ks_ieq(name, nl, "SSLProtocol")) {
		if (!ssl) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0,
			            "SSLProtocol without mod_ssl loaded (Apache refuses to start)");
			return KS_OK;
		}
		unsigned m;
		if (ap_protocol(st, path, line, args, end, &m) == 0) {
			v->proto = m;
			v->proto_set = true;
			v->proto_path = path;
			v->proto_line = line;
		}
		return KS_OK;
	}
	return KS_OK;
}

/* Whether an <IfModule>/<IfDefine>/<IfFile> section is read. */
static bool ap_condition(ap_state *st, const char *kind, size_t kl, const char *arg, size_t al)
{
	bool neg = al && arg[0] == '!';
	if (neg) {
		arg++;
		al--;
	}
	bool v = true;
	if (ks_ieq(kind, kl, "IfModule"))
		v = ap_module_loaded(st, arg, al);
	else if (ks_ieq(kind, kl, "IfDefine"))
		v = ap_has(st->defines, st->ndefines, arg, al);
	else if (ks_ieq(kind, kl, "IfFile")) {
		char *p = ks_arena_strndup(st->ctx->arena, arg, al);
		char *full = p && p[0] != '/' ? ks_arena_printf(st->ctx->arena, "%s/%s", st->server_root, p) : p;
		struct stat sb;
		v = full && ks_rootfs_stat(st->ctx->root, full, &sb) == 0;
	}
	return neg ? !v : v;
}

static int ap_new_vhost(ap_state *st, const char *path, int line)
{
	ap_vhost *nv = grow(st->ctx->arena, st->vh, st->nvh, &st->capvh, sizeof *nv);
	if (!nv)
		return KS_ENOMEM;
	st->vh = nv;
	memset(&st->vh[st->nvh], 0, sizeof *nv);
	st->vh[st->nvh].path = path;
	st->vh[st->nvh].line = line;
	st->vh[st->nvh].engine = -1;
	return (int)st->nvh++;
}

/* ap_cfg_getline: trailing backslash joins lines; blanks trimmed; '#' lines are comments. */
static int ap_file(ap_state *st, const char *path, const char *data, size_t len, int vh, bool active, int depth)
{
	ks_collect_ctx *ctx = st->ctx;
	ap_frame *stack = ks_arena_alloc(ctx->arena, (MAX_BLOCK_DEPTH + 1) * sizeof *stack);
	char *joined = ks_arena_alloc(ctx->arena, KS_MAX_LINE + 1);
	if (!stack || !joined)
		return KS_ENOMEM;
	int sp = 0;
	stack[0].name[0] = '\0';
	stack[0].active = active;
	stack[0].vh = vh;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *ln;
	size_t n;
	while (ks_lines_next(&it, &ln, &n)) {
		int first = it.lineno;
		size_t jl = 0;
		bool too_long = false;
		for (;;) {
			const char *s = ln;
			size_t sl = n;
			ks_trim(&s, &sl);
			bool cont = sl && s[sl - 1] == '\\';
			if (cont)
				sl--;
			if (jl + sl + 1 > KS_MAX_LINE)
				too_long = true;
			else {
				if (jl && sl)
					joined[jl++] = ' ';
				memcpy(joined + jl, s, sl);
				jl += sl;
			}
			if (!cont || !ks_lines_next(&it, &ln, &n))
				break;
		}
		if (too_long) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, first, 0, "line longer than %u characters: skipped",
			            KS_MAX_LINE);
			continue;
		}
		const char *s = joined, *end = joined + jl;
		if (!jl || s[0] == '#')
			continue;
		ap_frame *top = &stack[sp];
		if (s[0] == '<') {
			bool close = jl > 1 && s[1] == '/';
			const char *nm = s + (close ? 2 : 1);
			size_t nml = 0;
			while (nm + nml < end && nm[nml] != '>' && nm[nml] != ' ' && nm[nml] != '\t')
				nml++;
			if (close) {
				if (sp == 0 || !ks_ieq(nm, nml, top->name)) {
					ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, first, 0, "</%.*s> without matching section",
					            (int)(nml > 30 ? 30 : nml), nm);
					set_unknown(ctx, st->out, path, first, "unbalanced sections");
					return KS_OK;
				}
				sp--;
				continue;
			}
			const char *a = nm + nml;
			const char *gt = memchr(a, '>', (size_t)(end - a));
			const char *aend = gt ? gt : end;
			if (!gt) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, first, 0, "section <%.*s without '>'",
				            (int)(nml > 30 ? 30 : nml), nm);
				set_unknown(ctx, st->out, path, first, "syntax error");
				return KS_OK;
			}
			if (sp >= MAX_BLOCK_DEPTH) {
				set_unknown(ctx, st->out, path, first, "sections nested too deep");
				return KS_OK;
			}
			ap_frame f;
			size_t cl = nml < sizeof f.name - 1 ? nml : sizeof f.name - 1;
			memcpy(f.name, nm, cl);
			f.name[cl] = '\0';
			f.active = top->active;
			f.vh = top->vh;
			char scratch[256];
			const char *w;
			size_t wl;
			const char *aa = a;
			if (ks_ieq(nm, nml, "IfModule") || ks_ieq(nm, nml, "IfDefine") || ks_ieq(nm, nml, "IfFile")) {
				if (ap_word(&aa, aend, &w, &wl, scratch, sizeof scratch))
					f.active = top->active && ap_condition(st, nm, nml, w, wl);
			} else if (ks_ieq(nm, nml, "VirtualHost")) {
				if (top->vh >= 0) {
					ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, first, 0, "nested <VirtualHost>");
					set_unknown(ctx, st->out, path, first, "nested VirtualHost");
				}
				if (f.active) {
					int nv = ap_new_vhost(st, path, first);
					if (nv < 0)
						return nv;
					f.vh = nv;
				}
			}
			stack[++sp] = f;
			continue;
		}
		if (!top->active)
			continue;
		const char *nm = s;
		size_t nml = 0;
		while (nm + nml < end && nm[nml] != ' ' && nm[nml] != '\t')
			nml++;
		int rc = ap_directive(st, path, first, nm, nml, nm + nml, end, top->vh, depth);
		if (rc < 0)
			return rc;
	}
	if (sp) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 0, "<%s> not closed at end of file",
		            stack[sp].name);
		set_unknown(ctx, st->out, path, it.lineno, "section not closed");
	}
	return KS_OK;
}

static int ap_finish(ap_state *st)
{
	ks_collect_ctx *ctx = st->ctx;
	const unsigned dflt = KS_TLS_V1 | KS_TLS_V1_1 | KS_TLS_V1_2 | KS_TLS_V1_3; /* SSL_PROTOCOL_DEFAULT */
	for (size_t i = 0; i <= st->nvh; i++) {
		const ap_vhost *v = i < st->nvh ? &st->vh[i] : &st->main;
		/* mod_ssl merges unset virtual-host settings from the main server. */
		int engine = v->engine >= 0 ? v->engine : st->main.engine;
		if (engine != 1)
			continue;
		const ap_vhost *pv = v->proto_set ? v : st->main.proto_set ? &st->main : NULL;
		const char *spath = v->path ? v->path : APACHE_CONF;
		int rc;
		if (pv)
			rc = add_server(ctx, st->out, "apache", spath, v->line, pv->proto, pv->proto_path, pv->proto_line,
			                ks_arena_printf(ctx->arena, "SSLProtocol at %s%s",
			                                ks_collect_where(ctx, pv->proto_path, pv->proto_line),
			                                pv == v ? "" : " (main server)"));
		else
			rc = add_server(ctx, st->out, "apache", spath, v->line, dflt, spath, v->line,
			                "no SSLProtocol: mod_ssl default 'all -SSLv3'");
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_webtls_apache_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                  ks_webtls *out)
{
	ap_state *st = ks_arena_alloc(ctx->arena, sizeof *st);
	const char *p = ks_arena_strdup(ctx->arena, path);
	if (!st || !p)
		return KS_ENOMEM;
	st->ctx = ctx;
	st->out = out;
	st->server_root = APACHE_ROOT;
	st->main.engine = -1;
	st->open[0] = p;
	int rc = ap_file(st, p, data, len, -1, true, 0);
	if (rc < 0)
		return rc;
	return ap_finish(st);
}

/* ==== collector ============================================================================ */

static const char *const nginx_pkgs[] = {"nginx", "nginx-core", "nginx-full", "nginx-light", "nginx-extras"};

int ks_collect_webtls(ks_collect_ctx *ctx)
{
	ks_webtls out;
	ks_webtls_init(&out);
	ks_arena *a = ctx->arena;
	char *data;
	size_t len;
	bool nginx = false, apache = false;
	int rc = ks_collect_read(ctx, NGINX_CONF, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_OK) {
		nginx = true;
		unsigned dmask = 0;
		const char *ver = NULL;
		for (size_t i = 0; i < sizeof nginx_pkgs / sizeof *nginx_pkgs && !ver; i++) {
			const ks_value *pkg = ks_dpkg_find(ctx->facts, nginx_pkgs[i]);
			const ks_value *v = pkg ? ks_record_get(pkg, "version") : NULL;
			if (v && v->type == KS_VAL_STR)
				ver = v->u.str.s;
		}
		if (!ks_webtls_nginx_default(ver, &dmask))
			ks_diag_add(ctx->diags, KS_DIAG_INFO, NGINX_CONF, 0, 0,
			            "nginx version unknown (no nginx package in the dpkg database): its ssl_protocols "
			            "default is unknown");
		if ((rc = ks_webtls_nginx_parse_buffer(ctx, NGINX_CONF, data, len, dmask, &out)) < 0)
			return rc;
	} else if (rc != KS_ENOENT) {
		nginx = true;
		set_unknown(ctx, &out, NGINX_CONF, 0, ks_strerror(rc));
	}
	rc = ks_collect_read(ctx, APACHE_CONF, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_OK) {
		apache = true;
		if ((rc = ks_webtls_apache_parse_buffer(ctx, APACHE_CONF, data, len, &out)) < 0)
			return rc;
	} else if (rc != KS_ENOENT) {
		apache = true;
		set_unknown(ctx, &out, APACHE_CONF, 0, ks_strerror(rc));
	}
	const char *which = nginx && apache ? "nginx and apache2" : nginx ? "nginx" : "apache2";
	const char *probe = !nginx && !apache
	                        ? "no web server with TLS (no /etc/nginx/nginx.conf, no /etc/apache2/apache2.conf)"
	                        : ks_arena_printf(a, "%s configuration: %zu TLS server(s)", which, out.ntls);
	if (!probe || ks_fact_put_probe(ctx->facts, "tls.servers", out.servers, probe) < 0)
		return KS_ENOMEM;
	const char *key = "tls.min_version_ok";
	if (out.nbad) {
		const char *p = ks_arena_printf(a, "%zu TLS server(s) allow a version below TLS 1.2; first: %s", out.nbad,
		                                out.bad);
		return p ? ks_fact_put_probe(ctx->facts, key, ks_val_bool(false), p) : KS_ENOMEM;
	}
	if (out.unknown)
		return ks_fact_unknown(ctx->facts, key, NULL, "%s", out.unknown);
	if (out.nunknown)
		return ks_fact_unknown(ctx->facts, key, NGINX_CONF, "nginx version unknown: the ssl_protocols default of "
		                                                    "%zu server(s) is unknown", out.nunknown);
	if (!nginx && !apache)
		return ks_fact_put_probe(ctx->facts, key, ks_val_bool(true), probe);
	const char *p = out.ntls ? ks_arena_printf(a, "%s: all %zu TLS server(s) allow only TLS 1.2 or later", which,
	                                           out.ntls)
	                         : ks_arena_printf(a, "%s configured without TLS listeners: no web server with TLS",
	                                           which);
	return p ? ks_fact_put_probe(ctx->facts, key, ks_val_bool(true), p) : KS_ENOMEM;
}
