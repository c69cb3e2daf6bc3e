/* apt collector: sources.list(5) -> Release/InRelease and Packages under /var/lib/apt/lists ->
 * apt.*, updates.pending_security*, system.reboot_required. Only security suites' Packages files
 * are read, and only the stanzas of installed packages are looked at. */
#include "apt.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "decompress.h"
#include "dpkg.h"

#define SOURCES_LIST "/etc/apt/sources.list"
#define SOURCES_DIR "/etc/apt/sources.list.d"
#define REBOOT_FILE "/run/reboot-required"
#define REBOOT_PKGS "/run/reboot-required.pkgs"
#define DPKG_ARCH_FILE "/var/lib/dpkg/arch"
#define DAY 86400

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static bool has_suffix(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Printable excerpt length for diagnostics. */
static int clip(size_t n) { return n > 120 ? 120 : (int)n; }

/* ---- sources ------------------------------------------------------------------------------ */

static int src_add(ks_collect_ctx *ctx, ks_apt_sources *out, const char *path, int line,
                   ks_apt_source **res)
{
	*res = NULL;
	if (out->n >= KS_APT_MAX_SOURCES) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
		            "more than %d source entries; the rest is ignored", KS_APT_MAX_SOURCES);
		return KS_ELIMIT;
	}
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		ks_apt_source *nv = ks_arena_alloc(ctx->arena, cap * sizeof *nv);
		if (!nv)
			return KS_ENOMEM;
		if (out->n)
			memcpy(nv, out->v, out->n * sizeof *nv);
		out->v = nv;
		out->cap = cap;
	}
	ks_apt_source *s = &out->v[out->n++];
	memset(s, 0, sizeof *s);
	s->path = path;
	s->line = line;
	*res = s;
	return KS_OK;
}

/* Words of a deb822 value (continuation lines included), arena copies. */
static int split_words(ks_collect_ctx *ctx, const char *path, int line, const char *s, size_t len,
                       const char ***words, size_t *n)
{
	*words = NULL;
	*n = 0;
	size_t cnt = 0;
	const char *p = s, *w;
	size_t l = len, wl;
	while (ks_next_word(&p, &l, &w, &wl))
		cnt++;
	if (!cnt)
		return KS_OK;
	if (cnt > KS_MAX_TOKENS) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
		            "more than %u values; the rest is ignored", KS_MAX_TOKENS);
		cnt = KS_MAX_TOKENS;
	}
	const char **v = ks_arena_alloc(ctx->arena, cnt * sizeof *v);
	if (!v)
		return KS_ENOMEM;
	p = s;
	l = len;
	for (size_t i = 0; i < cnt && ks_next_word(&p, &l, &w, &wl); i++) {
		v[i] = ks_arena_strndup(ctx->arena, w, wl);
		if (!v[i])
			return KS_ENOMEM;
	}
	*words = v;
	*n = cnt;
	return KS_OK;
}

/* One word of a one-line entry as apt's ParseQuoteWord() takes it: up to a blank, with "..."
 * and [...] spans kept whole; then quotes dropped and %xx decoded. */
static int quote_word(ks_collect_ctx *ctx, const char **s, const char *end, char **word)
{
	*word = NULL;
	const char *p = *s;
	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		return KS_ENOENT;
	const char *start = p;
	for (; p < end && !is_blank(*p); p++) {
		if (*p == '"' || *p == '[') {
			const char *close = memchr(p + 1, *p == '"' ? '"' : ']', (size_t)(end - p - 1));
			if (!close)
				return KS_EPARSE;
			p = close;
		}
	}
	*s = p;
	char *w = ks_arena_alloc(ctx->arena, (size_t)(p - start) + 1);
	if (!w)
		return KS_ENOMEM;
	size_t o = 0;
	for (const char *q = start; q < p; q++) {
		if (*q == '%' && q + 2 < p && hexval(q[1]) >= 0 && hexval(q[2]) >= 0) {
			w[o++] = (char)(hexval(q[1]) * 16 + hexval(q[2]));
			q += 2;
		} else if (*q != '"') {
			w[o++] = *q;
		}
	}
	w[o] = '\0';
	*word = w;
	return KS_OK;
}

/* "[ arch=amd64,i386 signed-by=/usr/share/keyrings/x.gpg ]": only arch= matters here (which
 * binary-<arch> lists exist); arch+= / arch-= adjust apt's default set, which we take anyway. */
static int parse_options(ks_collect_ctx *ctx, const char *path, int line, const char *s, size_t len,
                         ks_apt_source *src)
{
	const char *w;
	size_t wl;
	while (ks_next_word(&s, &len, &w, &wl)) {
		const char *eq = memchr(w, '=', wl);
		if (!eq || eq == w) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
			            "option '%.*s' is not name=value; ignored", clip(wl), w);
			continue;
		}
		size_t nl = (size_t)(eq - w);
		if (!ks_ieq(w, nl, "arch"))
			continue;
		const char *v = eq + 1;
		size_t vl = wl - nl - 1, cnt = 1;
		for (size_t i = 0; i < vl; i++)
			cnt += v[i] == ',';
		if (cnt > KS_MAX_TOKENS)
			cnt = KS_MAX_TOKENS;
		src->archs = ks_arena_alloc(ctx->arena, cnt * sizeof *src->archs);
		if (!src->archs)
			return KS_ENOMEM;
		src->narchs = 0;
		while (vl && src->narchs < cnt) {
			const char *comma = memchr(v, ',', vl);
			size_t al = comma ? (size_t)(comma - v) : vl;
			if (al && !(src->archs[src->narchs++] = ks_arena_strndup(ctx->arena, v, al)))
				return KS_ENOMEM;
			v += comma ? al + 1 : al;
			vl -= comma ? al + 1 : al;
		}
	}
	return KS_OK;
}

static int bad_entry(ks_collect_ctx *ctx, const char *path, int line, const char *what)
{
	/* apt refuses to run at all with such a line ("Malformed entry N in list file"). */
	ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "malformed source entry (%s); skipped",
	            what);
	return KS_OK;
}

static int parse_list_line(ks_collect_ctx *ctx, ks_apt_sources *out, const char *path, int line,
                           const char *s, size_t len)
{
	/* apt cuts a comment at '#', unless the '#' is inside [options]. */
	size_t open = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '[')
			open++;
		else if (s[i] == ']' && open)
			open--;
		else if (s[i] == '#' && !open) {
			len = i;
			break;
		}
	}
	ks_trim(&s, &len);
	if (!len)
		return KS_OK;
	const char *end = s + len, *type;
	size_t tl;
	const char *p = s;
	size_t rest = len;
	ks_next_word(&p, &rest, &type, &tl);
	bool deb = ks_eq(type, tl, "deb"), deb_src = ks_eq(type, tl, "deb-src");
	if (!deb && !deb_src) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
		            "type '%.*s' is not known (expected deb or deb-src); line skipped", clip(tl), type);
		return KS_OK;
	}
	while (p < end && is_blank(*p))
		p++;
	const char *opts = NULL;
	size_t optslen = 0;
	if (p < end && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (!close)
			return bad_entry(ctx, path, line, "options without ']'");
		opts = p + 1;
		optslen = (size_t)(close - p - 1);
		p = close + 1;
	}
	char *uri, *suite;
	int rc = quote_word(ctx, &p, end, &uri);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 || !strchr(uri, ':'))
		return bad_entry(ctx, path, line, "URI");
	rc = quote_word(ctx, &p, end, &suite);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 || !*suite)
		return bad_entry(ctx, path, line, "dist");
	const char *comps[KS_MAX_TOKENS];
	size_t nc = 0;
	char *w;
	while ((rc = quote_word(ctx, &p, end, &w)) == KS_OK) {
		if (nc == KS_MAX_TOKENS) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
			            "more than %u components; the rest is ignored", KS_MAX_TOKENS);
			break;
		}
		comps[nc++] = w;
	}
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_EPARSE)
		return bad_entry(ctx, path, line, "component");
	bool flat = suite[strlen(suite) - 1] == '/';
	if (flat && nc)
		return bad_entry(ctx, path, line, "components after an absolute dist ending in '/'");
	if (!flat && !nc)
		return bad_entry(ctx, path, line, "component");
	ks_apt_source *src;
	if ((rc = src_add(ctx, out, path, line, &src)) < 0)
		return rc;
	src->deb = deb;
	src->deb_src = deb_src;
	src->uri = uri;
	src->suite = suite;
	if (nc) {
		src->components = ks_arena_alloc(ctx->arena, nc * sizeof *src->components);
		if (!src->components)
			return KS_ENOMEM;
		memcpy(src->components, comps, nc * sizeof *comps);
		src->ncomponents = nc;
	}
	return opts ? parse_options(ctx, path, line, opts, optslen, src) : KS_OK;
}

int ks_apt_sources_parse_list(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                              ks_apt_sources *out)
{
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *s;
	size_t n;
	while (ks_lines_next_capped(&it, ctx->diags, path, &s, &n)) {
		int rc = parse_list_line(ctx, out, path, it.lineno, s, n);
		if (rc == KS_ELIMIT)
			break;
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

/* apt's StringToBool() for Enabled: (yes/true/with/on/enable, no/false/without/off/disable, or a
 * number); anything else keeps the default (enabled). */
static bool enabled_value(const char *v, size_t n)
{
	static const char *const no[] = {"no", "false", "without", "off", "disable", "0"};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (ks_ieq(v, n, no[i]))
			return false;
	return true;
}

struct stanza {
	const char *types, *uris, *suites, *comps, *archs, *enabled;
	size_t types_len, uris_len, suites_len, comps_len, archs_len, enabled_len;
	int line;
};

static int finish_stanza(ks_collect_ctx *ctx, ks_apt_sources *out, const char *path, struct stanza *st)
{
	if (!st->line)
		return KS_OK;
	if (st->enabled && !enabled_value(st->enabled, st->enabled_len))
		return KS_OK; /* Enabled: no: apt ignores the stanza */
	const char **types, **uris, **suites, **comps, **archs;
	size_t nt, nu, ns, nc, na;
	int rc;
	if ((rc = split_words(ctx, path, st->line, st->types, st->types_len, &types, &nt)) < 0 ||
	    (rc = split_words(ctx, path, st->line, st->uris, st->uris_len, &uris, &nu)) < 0 ||
	    (rc = split_words(ctx, path, st->line, st->suites, st->suites_len, &suites, &ns)) < 0 ||
	    (rc = split_words(ctx, path, st->line, st->comps, st->comps_len, &comps, &nc)) < 0 ||
	    (rc = split_words(ctx, path, st->line, st->archs, st->archs_len, &archs, &na)) < 0)
		return rc;
	if (!nt)
		return bad_entry(ctx, path, st->line, "no Types");
	if (!nu)
		return bad_entry(ctx, path, st->line, "no URIs");
	if (!ns)
		return bad_entry(ctx, path, st->line, "no Suites");
	bool deb = false, deb_src = false;
	for (size_t i = 0; i < nt; i++) {
		if (strcmp(types[i], "deb") == 0)
			deb = true;
		else if (strcmp(types[i], "deb-src") == 0)
			deb_src = true;
		else
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, st->line, 1,
			            "type '%s' is not known (expected deb or deb-src); ignored", types[i]);
	}
	if (!deb && !deb_src)
		return KS_OK;
	for (size_t u = 0; u < nu; u++) {
		if (!strchr(uris[u], ':')) {
			bad_entry(ctx, path, st->line, "URI");
			continue;
		}
		for (size_t s = 0; s < ns; s++) {
			bool flat = suites[s][strlen(suites[s]) - 1] == '/';
			if (flat && nc) {
				bad_entry(ctx, path, st->line, "Components with a suite ending in '/'");
				continue;
			}
			if (!flat && !nc) {
				bad_entry(ctx, path, st->line, "no Components");
				continue;
			}
			ks_apt_source *src;
			if ((rc = src_add(ctx, out, path, st->line, &src)) < 0)
				return rc;
			src->deb = deb;
			src->deb_src = deb_src;
			src->uri = uris[u];
			src->suite = suites[s];
			src->components = comps;
			src->ncomponents = nc;
			src->archs = archs;
			src->narchs = na;
		}
	}
	return KS_OK;
}

int ks_apt_sources_parse_deb822(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                ks_apt_sources *out)
{
	ks_deb822 r;
	ks_deb822_init(&r, ctx, path, data, len);
	struct stanza st = {0};
	for (;;) {
		ks_deb822_field f;
		int k = ks_deb822_next(&r, &f);
		if (k == KS_DEB822_EOF)
			break;
		if (k == KS_DEB822_END) {
			int rc = finish_stanza(ctx, out, path, &st);
			memset(&st, 0, sizeof st);
			if (rc == KS_ELIMIT)
				break;
			if (rc < 0)
				return rc;
			continue;
		}
		if (!st.line)
			st.line = f.line;
		const char **slot = NULL;
		size_t *slen = NULL;
		if (ks_ieq(f.name, f.name_len, "Types"))
			slot = &st.types, slen = &st.types_len;
		else if (ks_ieq(f.name, f.name_len, "URIs"))
			slot = &st.uris, slen = &st.uris_len;
		else if (ks_ieq(f.name, f.name_len, "Suites"))
			slot = &st.suites, slen = &st.suites_len;
		else if (ks_ieq(f.name, f.name_len, "Components"))
			slot = &st.comps, slen = &st.comps_len;
		else if (ks_ieq(f.name, f.name_len, "Architectures"))
			slot = &st.archs, slen = &st.archs_len;
		else if (ks_ieq(f.name, f.name_len, "Enabled"))
			slot = &st.enabled, slen = &st.enabled_len;
		if (!slot)
			continue;
		if (*slot) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, f.line, 1,
			            "field %.*s repeated in one stanza; the first is used", clip(f.name_len), f.name);
			continue;
		}
		/* Multi-value fields may continue over several lines; Enabled is one word. */
		if (slot == &st.enabled) {
			*slot = f.value;
			*slen = f.value_len;
		} else {
			*slot = f.raw;
			*slen = f.raw_len;
		}
	}
	return KS_OK;
}

/* ---- list file names -------------------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void sb_putc(struct sbuf *b, char c)
{
	if (b->oom)
		return;
	if (b->n + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char *np = realloc(b->p, cap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	b->p[b->n++] = c;
	b->p[b->n] = '\0';
}

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_putc(b, s[i]);
}

char *ks_apt_list_name(ks_arena *a, const char *uri, const char *rest)
{
	struct sbuf b = {0};
	const char *colon = strchr(uri, ':');
	const char *p = colon ? colon + 1 : uri; /* scheme ("Access") dropped */
	const char *end = uri + strlen(uri);
	bool host = false;
	if (p[0] == '/' && p[1] == '/') {
		p += 2;
		const char *aend = memchr(p, '/', (size_t)(end - p));
		if (!aend)
			aend = end;
		const char *h = p;
		for (const char *q = p; q < aend; q++)
			if (*q == '@')
				h = q + 1; /* user:password@ dropped */
		const char *hend = aend, *port = NULL;
		if (*h == '[' && memchr(h, ']', (size_t)(aend - h))) {
			/* RFC 2732 literal: apt keeps the address, without brackets once the scheme is gone. */
			const char *rb = memchr(h, ']', (size_t)(aend - h));
			sb_put(&b, h + 1, (size_t)(rb - h - 1));
			if (rb + 1 < aend && rb[1] == ':')
				port = rb + 2;
		} else {
			const char *c = memchr(h, ':', (size_t)(aend - h));
			if (c) {
				hend = c;
				port = c + 1;
			}
			sb_put(&b, h, (size_t)(hend - h));
		}
		if (port) {
			/* apt keeps the port as a number: ":080" is ":80", an empty or zero port vanishes. */
			unsigned long v = 0;
			for (const char *q = port; q < aend && *q >= '0' && *q <= '9' && v < 100000; q++)
				v = v * 10 + (unsigned long)(*q - '0');
			if (v) {
				char num[24];
				int k = snprintf(num, sizeof num, ":%lu", v);
				sb_put(&b, num, (size_t)k);
			}
		}
		host = true;
		p = aend;
	}
	if (p < end && *p != '/' && host)
		sb_putc(&b, '/');
	sb_put(&b, p, (size_t)(end - p));
	if (!b.n || b.p[b.n - 1] != '/')
		sb_putc(&b, '/'); /* apt's FixupURI() */
	sb_put(&b, rest, strlen(rest));
	char *out = NULL;
	if (!b.oom) {
		/* QuoteString(U, "\\|{}[]<>\"^~_=!@#$%^&*"), then '/' -> '_'. */
		static const char bad[] = "\\|{}[]<>\"^~_=!@#$%^&*";
		out = ks_arena_alloc(a, b.n * 3 + 1);
		if (out) {
			size_t o = 0;
			for (size_t i = 0; i < b.n; i++) {
				unsigned char c = (unsigned char)b.p[i];
				if (c <= 0x20 || c >= 0x7f || strchr(bad, c)) {
					static const char hex[] = "0123456789abcdef";
					out[o++] = '%';
					out[o++] = hex[c >> 4];
					out[o++] = hex[c & 15];
				} else {
					out[o++] = c == '/' ? '_' : (char)c;
				}
			}
			out[o] = '\0';
		}
	}
	free(b.p);
	return out;
}

/* ---- Release ------------------------------------------------------------------------------ */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: days since 1970-01-01 in the proleptic Gregorian calendar. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool take_num(const char **p, const char *end, unsigned min_digits, unsigned max_digits,
                     unsigned *out)
{
	unsigned v = 0, k = 0;
	while (*p < end && **p >= '0' && **p <= '9' && k < max_digits) {
		v = v * 10 + (unsigned)(**p - '0');
		(*p)++;
		k++;
	}
	*out = v;
	return k >= min_digits && !(*p < end && **p >= '0' && **p <= '9');
}

static void skip_blanks(const char **p, const char *end)
{
	while (*p < end && is_blank(**p))
		(*p)++;
}

bool ks_apt_parse_date(const char *s, size_t len, int64_t *epoch)
{
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	const char *p = s, *end = s + len;
	skip_blanks(&p, end);
	/* Optional day of week: three letters and a comma. */
	if (end - p >= 4 && p[3] == ',') {
		for (int i = 0; i < 3; i++)
			if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')))
				return false;
		p += 4;
		skip_blanks(&p, end);
	}
	unsigned day, year, hh, mm, ss = 0;
	if (!take_num(&p, end, 1, 2, &day))
		return false;
	skip_blanks(&p, end);
	if (end - p < 3)
		return false;
	unsigned mon = 0;
	for (unsigned i = 0; i < 12 && !mon; i++)
		if (strncasecmp(p, months[i], 3) == 0)
			mon = i + 1;
	if (!mon)
		return false;
	p += 3;
	if (p < end && !is_blank(*p))
		return false;
	skip_blanks(&p, end);
	if (!take_num(&p, end, 4, 4, &year))
		return false;
	skip_blanks(&p, end);
	if (!take_num(&p, end, 2, 2, &hh) || p >= end || *p++ != ':' || !take_num(&p, end, 2, 2, &mm))
		return false;
	if (p < end && *p == ':') {
		p++;
		if (!take_num(&p, end, 2, 2, &ss))
			return false;
	}
	skip_blanks(&p, end);
	int64_t off = 0;
	const char *z = p;
	size_t zl = (size_t)(end - p);
	while (zl && is_blank(z[zl - 1]))
		zl--;
	if (ks_eq(z, zl, "UTC") || ks_eq(z, zl, "GMT") || ks_eq(z, zl, "UT") || ks_eq(z, zl, "Z")) {
		off = 0;
	} else if (zl == 5 && (z[0] == '+' || z[0] == '-')) {
		for (int i = 1; i < 5; i++)
			if (z[i] < '0' || z[i] > '9')
				return false;
		unsigned oh = (unsigned)((z[1] - '0') * 10 + (z[2] - '0'));
		unsigned om = (unsigned)((z[3] - '0') * 10 + (z[4] - '0'));
		if (oh > 23 || om > 59)
			return false;
		off = (int64_t)(oh * 3600 + om * 60) * (z[0] == '-' ? -1 : 1);
	} else {
		return false;
	}
	static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (year < 1970 || day < 1 || day > mdays[mon - 1] || (mon == 2 && day == 29 && !leap) || hh > 23 ||
	    mm > 59 || ss > 60)
		return false;
	*epoch = days_from_civil(year, mon, day) * DAY + hh * 3600 + mm * 60 + (ss == 60 ? 59 : ss) - off;
	return true;
}

static bool starts_with(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n >= m && memcmp(s, lit, m) == 0;
}

int ks_apt_release_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                ks_apt_release *out)
{
	memset(out, 0, sizeof *out);
	enum { START, ARMOR, BODY } state = START;
	bool fields = false, ended = false, signature = false;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *s;
	size_t n;
	while (ks_lines_next(&it, &s, &n)) {
		int line = it.lineno;
		if (state == START) {
			if (!n)
				continue;
			state = BODY;
			/* RFC 4880 7: clearsigned text; apt verified the signature before storing it. */
			if (ks_eq(s, n, "-----BEGIN PGP SIGNED MESSAGE-----")) {
				out->clearsigned = true;
				state = ARMOR;
				continue;
			}
		}
		if (state == ARMOR) { /* "Hash: SHA256" armor headers up to an empty line */
			if (!n)
				state = BODY;
			continue;
		}
		if (out->clearsigned) {
			if (starts_with(s, n, "-----BEGIN PGP SIGNATURE-----")) {
				signature = true;
				break;
			}
			if (starts_with(s, n, "- ")) { /* dash-escaped line */
				s += 2;
				n -= 2;
			}
		}
		if (ended)
			continue;
		const char *t = s;
		size_t tl = n;
		ks_trim(&t, &tl);
		if (!tl) {
			ended = fields; /* apt reads the first paragraph only */
			continue;
		}
		if (is_blank(s[0]) || s[0] == '#')
			continue; /* continuation (checksum lists) or comment */
		const char *colon = memchr(s, ':', n);
		size_t nl = colon ? (size_t)(colon - s) : 0;
		bool bad = !nl;
		for (size_t i = 0; !bad && i < nl; i++)
			bad = ks_is_space(s[i]);
		if (bad) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "expected 'Field: value'; line skipped");
			continue;
		}
		fields = true;
		const char *v = colon + 1;
		size_t vl = n - nl - 1;
		ks_trim(&v, &vl);
		const char **slot = NULL;
		int *lslot = NULL;
		int dummy;
		if (ks_ieq(s, nl, "Origin"))
			slot = &out->origin, lslot = &dummy;
		else if (ks_ieq(s, nl, "Label"))
			slot = &out->label, lslot = &out->label_line;
		else if (ks_ieq(s, nl, "Suite"))
			slot = &out->suite, lslot = &out->suite_line;
		else if (ks_ieq(s, nl, "Codename"))
			slot = &out->codename, lslot = &out->codename_line;
		else if (ks_ieq(s, nl, "Components"))
			slot = &out->components, lslot = &dummy;
		else if (ks_ieq(s, nl, "Architectures"))
			slot = &out->architectures, lslot = &dummy;
		else if (ks_ieq(s, nl, "Date") || ks_ieq(s, nl, "Valid-Until")) {
			bool is_date = ks_ieq(s, nl, "Date");
			bool *has = is_date ? &out->has_date : &out->has_valid_until;
			if (*has)
				continue;
			int64_t t64;
			if (!ks_apt_parse_date(v, vl, &t64)) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, nl < 1000 ? (int)nl + 3 : 0,
				            "%s: expected an RFC 2822 date such as 'Sat, 22 Nov 2025 08:12:34 UTC'",
				            is_date ? "Date" : "Valid-Until");
				continue;
			}
			*has = true;
			if (is_date) {
				out->date = t64;
				out->date_line = line;
			} else {
				out->valid_until = t64;
				out->valid_until_line = line;
			}
			continue;
		}
		if (!slot || *slot)
			continue;
		if (vl > KS_MAX_LINE) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
			            "%.*s value longer than %u bytes; ignored", clip(nl), s, KS_MAX_LINE);
			continue;
		}
		if (!(*slot = ks_arena_strndup(ctx->arena, v, vl)))
			return KS_ENOMEM;
		*lslot = line;
	}
	if (out->clearsigned && !signature)
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0,
		            "clearsigned file without a signature block (apt would not have accepted it)");
	if (!fields)
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0, "no Release fields found");
	return KS_OK;
}

static bool ends_security(const char *s)
{
	return s && has_suffix(s, strlen(s), "-security");
}

bool ks_apt_release_is_security(const ks_apt_release *r)
{
	return (r->label && strcmp(r->label, "Debian-Security") == 0) || ends_security(r->suite) ||
	       ends_security(r->codename);
}

/* ---- installed index and Packages --------------------------------------------------------- */

struct entry {
	const char *name;
	size_t name_len;
	const char *arch;       /* for matching: "all" mapped to the native architecture */
	const char *inst_arch;  /* as dpkg has it */
	const char *inst_str;   /* NULL when dpkg's version is unknown */
	ks_debversion inst;
	bool inst_ok;
	const char *cand_str;   /* best offered version (arena copy), NULL if none */
	ks_debversion cand;
	const char *cand_suite, *cand_path;
	int cand_line;
};

struct slot {
	uint32_t hash, first, count; /* count 0: empty slot */
};

struct ks_apt_index {
	struct entry *e;
	size_t n;
	struct slot *t;
	size_t mask;
	const char *native;
};

static uint32_t hash_name(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	if (a->name_len != b->name_len)
		return a->name_len < b->name_len ? -1 : 1;
	return strcmp(a->inst_arch, b->inst_arch);
}

static const char *rec_str(const ks_value *rec, const char *key)
{
	const ks_value *v = ks_record_get(rec, key);
	return v && v->type == KS_VAL_STR ? v->u.str.s : NULL;
}

int ks_apt_index_new(ks_collect_ctx *ctx, const ks_value *installed, const char *native,
                     const char *const *foreign, size_t nforeign, ks_apt_index **out)
{
	*out = NULL;
	ks_apt_index *ix = ks_arena_alloc(ctx->arena, sizeof *ix);
	if (!ix)
		return KS_ENOMEM;
	ix->native = native;
	size_t cap = installed && installed->type == KS_VAL_LIST ? installed->u.list.n : 0;
	if (cap > UINT32_MAX / 4)
		cap = UINT32_MAX / 4;
	ix->e = ks_arena_alloc(ctx->arena, (cap ? cap : 1) * sizeof *ix->e);
	if (!ix->e)
		return KS_ENOMEM;
	for (size_t i = 0; i < cap; i++) {
		const ks_value *rec = &installed->u.list.items[i];
		const char *name = rec_str(rec, "name"), *arch = rec_str(rec, "arch");
		if (!name || !arch || !*name)
			continue;
		bool ok = strcmp(arch, native) == 0 || strcmp(arch, "all") == 0;
		for (size_t f = 0; !ok && f < nforeign; f++)
			ok = strcmp(arch, foreign[f]) == 0;
		if (!ok)
			continue;
		struct entry *e = &ix->e[ix->n++];
		e->name = name;
		e->name_len = strlen(name);
		e->inst_arch = arch;
		e->arch = strcmp(arch, "all") == 0 ? native : arch;
		e->inst_str = rec_str(rec, "version");
		const char *why = NULL;
		e->inst_ok = e->inst_str &&
		             ks_debversion_parse(&e->inst, e->inst_str, strlen(e->inst_str), &why) == KS_OK;
	}
	if (ix->n > 1)
		qsort(ix->e, ix->n, sizeof *ix->e, cmp_entry);
	size_t size = 16;
	while (size < ix->n * 2)
		size *= 2;
	ix->t = ks_arena_alloc(ctx->arena, size * sizeof *ix->t);
	if (!ix->t)
		return KS_ENOMEM;
	ix->mask = size - 1;
	for (size_t i = 0; i < ix->n;) {
		size_t j = i + 1;
		while (j < ix->n && ix->e[j].name_len == ix->e[i].name_len &&
		       memcmp(ix->e[j].name, ix->e[i].name, ix->e[i].name_len) == 0)
			j++;
		uint32_t h = hash_name(ix->e[i].name, ix->e[i].name_len);
		size_t k = h & ix->mask;
		while (ix->t[k].count)
			k = (k + 1) & ix->mask;
		ix->t[k] = (struct slot){h, (uint32_t)i, (uint32_t)(j - i)};
		i = j;
	}
	*out = ix;
	return KS_OK;
}

static const struct slot *lookup(const ks_apt_index *ix, const char *name, size_t n)
{
	uint32_t h = hash_name(name, n);
	for (size_t k = h & ix->mask;; k = (k + 1) & ix->mask) {
		const struct slot *s = &ix->t[k];
		if (!s->count)
			return NULL;
		const struct entry *e = &ix->e[s->first];
		if (s->hash == h && e->name_len == n && memcmp(e->name, name, n) == 0)
			return s;
	}
}

/* "Name: value" with NAME (LEN bytes) matched case-insensitively; VALUE trimmed. */
static bool field_is(const char *s, size_t n, const char *name, size_t len, const char **v, size_t *vl)
{
	if (n <= len || s[len] != ':' || strncasecmp(s, name, len) != 0)
		return false;
	*v = s + len + 1;
	*vl = n - len - 1;
	ks_trim(v, vl);
	return true;
}

struct pstanza {
	const char *name, *version, *arch;
	size_t name_len, version_len, arch_len;
	int line, name_line;
	bool skip;           /* not an installed package: the rest of the stanza is not looked at */
	const struct slot *hit;
};

static int offer(ks_collect_ctx *ctx, ks_apt_index *ix, const char *path, const char *suite,
                 struct pstanza *st)
{
	if (!st->line || st->skip)
		return KS_OK;
	if (!st->name) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, st->line, 1, "stanza has no Package field; skipped");
		return KS_OK;
	}
	if (!st->hit)
		return KS_OK;
	if (!st->version || !st->arch) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, st->name_line, 1,
		            "package %.*s has no %s field; stanza skipped", clip(st->name_len), st->name,
		            st->version ? "Architecture" : "Version");
		return KS_OK;
	}
	const char *arch = st->arch;
	size_t arch_len = st->arch_len;
	if (ks_eq(arch, arch_len, "all")) {
		arch = ix->native;
		arch_len = strlen(arch);
	}
	ks_debversion v;
	const char *why = NULL;
	bool parsed = false;
	for (uint32_t i = 0; i < st->hit->count; i++) {
		struct entry *e = &ix->e[st->hit->first + i];
		if (!ks_eq(arch, arch_len, e->arch))
			continue;
		if (!parsed) {
			if (st->version_len > KS_MAX_LINE ||
			    ks_debversion_parse(&v, st->version, st->version_len, &why) < 0 || why) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, st->name_line, 1,
				            "package %.*s: invalid Version '%.*s' (%s); stanza skipped",
				            clip(st->name_len), st->name, clip(st->version_len), st->version,
				            why ? why : "too long");
				return KS_OK;
			}
			parsed = true;
		}
		if (e->cand_str && ks_debversion_cmp(&v, &e->cand) <= 0)
			continue;
		char *copy = ks_arena_strndup(ctx->arena, st->version, st->version_len);
		if (!copy)
			return KS_ENOMEM;
		e->cand_str = copy;
		ks_debversion_parse(&e->cand, copy, st->version_len, NULL);
		e->cand_suite = suite;
		e->cand_path = path;
		e->cand_line = st->name_line;
	}
	return KS_OK;
}

int ks_apt_packages_parse_buffer(ks_collect_ctx *ctx, ks_apt_index *ix, const char *path,
                                 const char *suite, const char *data, size_t len)
{
	/* Stanzas point into DATA; what a candidate keeps is copied. PATH and SUITE are kept. */
	if (!(path = ks_arena_strdup(ctx->arena, path)) || !(suite = ks_arena_strdup(ctx->arena, suite)))
		return KS_ENOMEM;
	const char *p = data, *end = data + len;
	int lineno = 0, rc;
	struct pstanza st = {0};
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *s = p;
		size_t n = (size_t)(e - p);
		p = nl ? nl + 1 : end;
		if (lineno < INT32_MAX)
			lineno++;
		if (n && s[n - 1] == '\r')
			n--;
		if (n && is_blank(s[0])) {
			/* A continuation line, or a line of blanks which ends the stanza (deb822(5)). */
			size_t i = 0;
			while (i < n && is_blank(s[i]))
				i++;
			if (i < n)
				continue;
			n = 0;
		}
		if (!n) {
			if ((rc = offer(ctx, ix, path, suite, &st)) < 0)
				return rc;
			memset(&st, 0, sizeof st);
			continue;
		}
		if (!st.line)
			st.line = lineno;
		if (st.skip || s[0] == '#')
			continue;
		const char *v;
		size_t vl;
		switch (s[0] | 0x20) {
		case 'p':
			if (!st.name && field_is(s, n, "Package", 7, &v, &vl)) {
				st.name = v;
				st.name_len = vl;
				st.name_line = lineno;
				st.hit = lookup(ix, v, vl);
				st.skip = !st.hit; /* the common case: not installed */
			}
			break;
		case 'v':
			if (!st.version && field_is(s, n, "Version", 7, &v, &vl)) {
				st.version = v;
				st.version_len = vl;
			}
			break;
		case 'a':
			if (!st.arch && field_is(s, n, "Architecture", 12, &v, &vl)) {
				st.arch = v;
				st.arch_len = vl;
			}
			break;
		default:
			break;
		}
	}
	return offer(ctx, ix, path, suite, &st);
}

int ks_apt_index_pending(ks_collect_ctx *ctx, const ks_apt_index *ix, ks_value *out, size_t *undecided)
{
	ks_arena *a = ctx->arena;
	*out = ks_val_list();
	*undecided = 0;
	for (size_t i = 0; i < ix->n; i++) {
		const struct entry *e = &ix->e[i];
		if (!e->cand_str)
			continue;
		if (!e->inst_ok) {
			(*undecided)++;
			continue;
		}
		if (ks_debversion_cmp(&e->cand, &e->inst) <= 0)
			continue;
		ks_value rec = ks_val_record();
		const char *summary = ks_arena_printf(a, "installed %s < security %s", e->inst_str, e->cand_str);
		const char *src = ks_collect_where(ctx, e->cand_path, e->cand_line);
		if (!summary || !src || ks_record_set(a, &rec, "name", ks_val_str(a, e->name, e->name_len)) < 0 ||
		    ks_record_set(a, &rec, "installed", ks_val_strz(a, e->inst_str)) < 0 ||
		    ks_record_set(a, &rec, "candidate", ks_val_strz(a, e->cand_str)) < 0 ||
		    ks_record_set(a, &rec, "suite", ks_val_strz(a, e->cand_suite)) < 0 ||
		    ks_record_set(a, &rec, "arch", ks_val_strz(a, e->inst_arch)) < 0 ||
		    ks_record_set(a, &rec, "summary", ks_val_strz(a, summary)) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, src)) < 0 || ks_list_push(a, out, rec) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

/* ---- collector ---------------------------------------------------------------------------- */

static bool valid_part_name(const char *name)
{
	/* apt reads sources.list.d entries made of [A-Za-z0-9_.-] ending in .list or .sources. */
	if (name[0] == '.')
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '.' || *p == '-'))
			return false;
	return true;
}

struct run {
	ks_collect_ctx *ctx;
	ks_apt_sources srcs;
	const char *sources_problem;  /* a sources file that could not be read */
	const char *native;
	const char **foreign;
	size_t nforeign;
};

static int read_sources_file(struct run *r, const char *path, bool deb822)
{
	ks_collect_ctx *ctx = r->ctx;
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOENT || rc == KS_ENOTREG)
		return KS_OK;
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		r->sources_problem = ks_arena_printf(ctx->arena, "%s: %s", path, ks_strerror(rc));
		return r->sources_problem ? KS_OK : KS_ENOMEM;
	}
	if (!ks_is_text(data, len)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0, "binary data (NUL bytes) in a text file");
		r->sources_problem = ks_arena_printf(ctx->arena, "%s: not a text file", path);
		return r->sources_problem ? KS_OK : KS_ENOMEM;
	}
	rc = deb822 ? ks_apt_sources_parse_deb822(ctx, path, data, len, &r->srcs)
	            : ks_apt_sources_parse_list(ctx, path, data, len, &r->srcs);
	return rc == KS_ELIMIT ? KS_OK : rc;
}

static int read_sources(struct run *r)
{
	ks_collect_ctx *ctx = r->ctx;
	int rc = read_sources_file(r, SOURCES_LIST, false);
	if (rc < 0)
		return rc;
	const char **names;
	size_t n;
	rc = ks_rootfs_list(ctx->root, ctx->arena, SOURCES_DIR, &names, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT || rc == KS_ENOTDIR)
		return KS_OK;
	if (rc < 0) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, SOURCES_DIR, 0, 0, "cannot list: %s", ks_strerror(rc));
		r->sources_problem = ks_arena_printf(ctx->arena, "%s: %s", SOURCES_DIR, ks_strerror(rc));
		return r->sources_problem ? KS_OK : KS_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]);
		bool list = has_suffix(names[i], l, ".list"), deb822 = has_suffix(names[i], l, ".sources");
		if ((!list && !deb822) || !valid_part_name(names[i]))
			continue;
		const char *path = ks_arena_printf(ctx->arena, "%s/%s", SOURCES_DIR, names[i]);
		if (!path)
			return KS_ENOMEM;
		if ((rc = read_sources_file(r, path, deb822)) < 0)
			return rc;
	}
	return KS_OK;
}

static ks_value str_list(ks_arena *a, const char *const *v, size_t n, int *rc)
{
	ks_value l = ks_val_list();
	for (size_t i = 0; i < n && *rc == KS_OK; i++)
		if (ks_list_push(a, &l, ks_val_strz(a, v[i])) < 0)
			*rc = KS_ENOMEM;
	return l;
}

static int put_sources(struct run *r)
{
	ks_collect_ctx *ctx = r->ctx;
	ks_arena *a = ctx->arena;
	ks_value list = ks_val_list();
	for (size_t i = 0; i < r->srcs.n; i++) {
		const ks_apt_source *s = &r->srcs.v[i];
		int rc = KS_OK;
		const char *types[2];
		size_t nt = 0;
		if (s->deb)
			types[nt++] = "deb";
		if (s->deb_src)
			types[nt++] = "deb-src";
		ks_value rec = ks_val_record();
		const char *name = ks_arena_printf(a, "%s %s", s->uri, s->suite);
		const char *where = ks_collect_where(ctx, s->path, s->line);
		ks_value tl = str_list(a, types, nt, &rc);
		ks_value cl = str_list(a, s->components, s->ncomponents, &rc);
		ks_value al = str_list(a, s->archs, s->narchs, &rc);
		if (rc < 0 || !name || !where || ks_record_set(a, &rec, "name", ks_val_strz(a, name)) < 0 ||
		    ks_record_set(a, &rec, "types", tl) < 0 ||
		    ks_record_set(a, &rec, "uri", ks_val_strz(a, s->uri)) < 0 ||
		    ks_record_set(a, &rec, "suite", ks_val_strz(a, s->suite)) < 0 ||
		    ks_record_set(a, &rec, "components", cl) < 0 ||
		    ks_record_set(a, &rec, "architectures", al) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, where)) < 0 || ks_list_push(a, &list, rec) < 0)
			return KS_ENOMEM;
	}
	if (r->sources_problem && !r->srcs.n)
		return ks_fact_unknown(ctx->facts, "apt.sources", NULL, "%s", r->sources_problem);
	const char *probe = ks_arena_printf(
		a, "%s and %s/*.list, *.sources%s%s", SOURCES_LIST, SOURCES_DIR,
		r->sources_problem ? "; incomplete: " : "", r->sources_problem ? r->sources_problem : "");
	return probe ? ks_fact_put_probe(ctx->facts, "apt.sources", list, probe) : KS_ENOMEM;
}

static const char *fmt_time(ks_arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];
	if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm))
		return ks_arena_printf(a, "@%lld", (long long)t);
	return ks_arena_strdup(a, buf);
}

static int64_t age_days(const ks_collect_ctx *ctx, int64_t t)
{
	return t >= (int64_t)ctx->now ? 0 : ((int64_t)ctx->now - t) / DAY;
}

/* ---- reboot-required ---- */

static int collect_reboot(ks_collect_ctx *ctx)
{
	const char *key = "system.reboot_required", *pkey = "system.reboot_required_pkgs";
	ks_arena *a = ctx->arena;
	int rc;
	if (!ctx->live) {
		if ((rc = ks_fact_put_probe(ctx->facts, key, ks_val_bool(false),
		                            "not applicable to an image (no running kernel)")) < 0)
			return rc;
		return ks_fact_unknown(ctx->facts, pkey, NULL, "not applicable to an image (no running kernel)");
	}
	/* Debian/Ubuntu package hooks (kernel postinst, libc6, dbus…) create the flag file in the tmpfs
	 * /run, so it lasts until the next boot, and name the packages in the .pkgs file. */
	struct stat st;
	rc = ks_rootfs_lstat(ctx->root, REBOOT_FILE, &st);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT) {
		if ((rc = ks_fact_put_probe(ctx->facts, key, ks_val_bool(false), "no " REBOOT_FILE)) < 0)
			return rc;
		return ks_fact_put_probe(ctx->facts, pkey, ks_val_list(), "no " REBOOT_FILE);
	}
	if (rc < 0) {
		ks_fact_unknown(ctx->facts, pkey, REBOOT_FILE, "%s: %s", REBOOT_FILE, ks_strerror(rc));
		return ks_fact_unknown(ctx->facts, key, REBOOT_FILE, "%s: %s", REBOOT_FILE, ks_strerror(rc));
	}
	if ((rc = ks_fact_put(ctx->facts, key, ks_val_bool(true), REBOOT_FILE, 0)) < 0)
		return rc;
	char *data;
	size_t len;
	rc = ks_collect_read(ctx, REBOOT_PKGS, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT)
		return ks_fact_put_probe(ctx->facts, pkey, ks_val_list(), "no " REBOOT_PKGS);
	if (rc < 0)
		return ks_fact_unknown(ctx->facts, pkey, REBOOT_PKGS, "%s: %s", REBOOT_PKGS, ks_strerror(rc));
	ks_value list = ks_val_list();
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *s;
	size_t n;
	while (ks_lines_next(&it, &s, &n)) {
		ks_trim(&s, &n);
		if (!n || n > KS_MAX_LINE)
			continue;
		bool dup = false; /* the hooks append, so a package may be named several times */
		for (size_t i = 0; i < list.u.list.n && !dup; i++) {
			const ks_value *nm = ks_record_get(&list.u.list.items[i], "name");
			dup = nm && ks_eq(s, n, nm->u.str.s);
		}
		if (dup || list.u.list.n >= KS_MAX_TOKENS)
			continue;
		ks_value rec = ks_val_record();
		const char *where = ks_collect_where(ctx, REBOOT_PKGS, it.lineno);
		if (!where || ks_record_set(a, &rec, "name", ks_val_str(a, s, n)) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, where)) < 0 || ks_list_push(a, &list, rec) < 0)
			return KS_ENOMEM;
	}
	return ks_fact_put(ctx->facts, pkey, list, REBOOT_PKGS, 0);
}

/* ---- architectures ---- */

static const char *dpkg_arch_of_uname(const char *m)
{
	static const char *const map[][2] = {
		{"x86_64", "amd64"}, {"aarch64", "arm64"}, {"i386", "i386"},   {"i486", "i386"},
		{"i586", "i386"},    {"i686", "i386"},     {"armv7l", "armhf"}, {"armv6l", "armel"},
		{"ppc64le", "ppc64el"}, {"s390x", "s390x"}, {"riscv64", "riscv64"},
		{"loongarch64", "loong64"}, {"mips64", "mips64el"},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(m, map[i][0]) == 0)
			return map[i][1];
	return m;
}

/* Native: the architecture of the installed "dpkg" package (dpkg is always native), else the first
 * line of /var/lib/dpkg/arch, else host.arch. Foreign: the other lines of /var/lib/dpkg/arch. */
static int find_archs(struct run *r, const ks_value *installed, const char **why)
{
	ks_collect_ctx *ctx = r->ctx;
	*why = NULL;
	const ks_value *dpkg = ks_dpkg_find_in(installed, "dpkg");
	const char *native = dpkg ? rec_str(dpkg, "arch") : NULL;
	if (native && strcmp(native, "all") == 0)
		native = NULL;
	char *data;
	size_t len;
	const char *lines[64];
	size_t nl = 0;
	int rc = ks_collect_read(ctx, DPKG_ARCH_FILE, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_OK) {
		ks_lines it;
		ks_lines_init(&it, data, len);
		const char *s;
		size_t n;
		while (nl < 64 && ks_lines_next(&it, &s, &n)) {
			ks_trim(&s, &n);
			if (!n || n > 64)
				continue;
			if (!(lines[nl++] = ks_arena_strndup(ctx->arena, s, n)))
				return KS_ENOMEM;
		}
	}
	if (!native && nl)
		native = lines[0];
	if (!native) {
		const ks_fact *f = ks_fact_get(ctx->facts, "host.arch");
		if (f && f->value.type == KS_VAL_STR)
			native = dpkg_arch_of_uname(f->value.u.str.s);
	}
	if (!native) {
		*why = "native architecture unknown (no dpkg package, no /var/lib/dpkg/arch, no host.arch)";
		return KS_OK;
	}
	r->native = native;
	r->foreign = ks_arena_alloc(ctx->arena, (nl ? nl : 1) * sizeof *r->foreign);
	if (!r->foreign)
		return KS_ENOMEM;
	for (size_t i = 0; i < nl; i++)
		if (strcmp(lines[i], native) != 0)
			r->foreign[r->nforeign++] = lines[i];
	return KS_OK;
}

/* ---- lists ---- */

struct secsuite {
	const ks_apt_source *src;
	const char *key;           /* the Release path, found or expected */
	const char *release_path;  /* NULL: never downloaded */
	ks_apt_release rel;
};

struct scan {
	struct run *r;
	ks_apt_index *ix;
	/* newest Release/InRelease of any source */
	bool have_mtime;
	int64_t mtime;
	const char *mtime_path;
	struct secsuite *sec;
	size_t nsec;
	const char **seen;      /* Release and Packages paths already read */
	size_t nseen, capseen;
	const char *missing;    /* first expected security list that is absent */
	size_t packages_files;
	const char *first_packages;
};

static bool seen_before(struct scan *sc, const char *path, int *rc)
{
	*rc = KS_OK;
	for (size_t i = 0; i < sc->nseen; i++)
		if (strcmp(sc->seen[i], path) == 0)
			return true;
	if (sc->nseen == sc->capseen) {
		size_t cap = sc->capseen ? sc->capseen * 2 : 32;
		const char **nv = ks_arena_alloc(sc->r->ctx->arena, cap * sizeof *nv);
		if (!nv) {
			*rc = KS_ENOMEM;
			return true;
		}
		if (sc->nseen)
			memcpy(nv, sc->seen, sc->nseen * sizeof *nv);
		sc->seen = nv;
		sc->capseen = cap;
	}
	sc->seen[sc->nseen++] = path;
	return false;
}

/* Path under the lists directory of URI + REST. */
static const char *list_path(ks_collect_ctx *ctx, const char *uri, const char *rest)
{
	char *name = ks_apt_list_name(ctx->arena, uri, rest);
	return name ? ks_arena_printf(ctx->arena, "%s/%s", KS_APT_LISTS, name) : NULL;
}

/* The "dists/SUITE/" part of an index URI; a flat repository's suite is a path ("./", "/"). */
static const char *dist_prefix(ks_collect_ctx *ctx, const char *suite)
{
	if (strcmp(suite, "/") == 0)
		return "";
	if (suite[strlen(suite) - 1] == '/')
		return suite;
	return ks_arena_printf(ctx->arena, "dists/%s/", suite);
}

/* Whether a Release field (space-separated words) lists WORD; apt maps Debian-Security's
 * "updates/main" to "main", so a word ending in "/WORD" counts too. Absent field: yes. */
static bool release_lists(const char *field, const char *word)
{
	if (!field)
		return true;
	size_t wl = strlen(word);
	const char *p = field, *w;
	size_t l = strlen(field), n;
	while (ks_next_word(&p, &l, &w, &n))
		if ((n == wl && memcmp(w, word, n) == 0) ||
		    (n > wl && w[n - wl - 1] == '/' && memcmp(w + n - wl, word, wl) == 0))
			return true;
	return false;
}

static int read_release(struct scan *sc, const ks_apt_source *s, const char **found,
                        ks_apt_release *rel)
{
	ks_collect_ctx *ctx = sc->r->ctx;
	*found = NULL;
	memset(rel, 0, sizeof *rel);
	const char *prefix = dist_prefix(ctx, s->suite);
	if (!prefix)
		return KS_ENOMEM;
	static const char *const names[] = {"InRelease", "Release"}; /* apt prefers InRelease */
	for (size_t i = 0; i < 2; i++) {
		const char *rest = ks_arena_printf(ctx->arena, "%s%s", prefix, names[i]);
		const char *path = rest ? list_path(ctx, s->uri, rest) : NULL;
		if (!path)
			return KS_ENOMEM;
		struct stat st;
		int rc = ks_rootfs_stat(ctx->root, path, &st);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0)
			continue;
		char *data;
		size_t len;
		rc = ks_collect_read(ctx, path, &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0)
			continue;
		/* apt sets a list file's mtime to the server's Last-Modified when it downloads it. */
		if (!sc->have_mtime || (int64_t)st.st_mtime > sc->mtime) {
			sc->have_mtime = true;
			sc->mtime = (int64_t)st.st_mtime;
			sc->mtime_path = path;
		}
		if ((rc = ks_apt_release_parse_buffer(ctx, path, data, len, rel)) < 0)
			return rc;
		*found = path;
		return KS_OK;
	}
	return KS_OK;
}

static int read_packages(struct scan *sc, const ks_apt_source *s, const ks_apt_release *rel)
{
	ks_collect_ctx *ctx = sc->r->ctx;
	struct run *r = sc->r;
	const char *prefix = dist_prefix(ctx, s->suite);
	if (!prefix)
		return KS_ENOMEM;
	bool flat = s->ncomponents == 0;
	size_t nc = flat ? 1 : s->ncomponents;
	/* Architectures: the entry's own list, else dpkg's; plus binary-all where a repository has it. */
	const char *archs[KS_MAX_TOKENS + 65];
	size_t na = 0;
	if (s->narchs) {
		for (size_t i = 0; i < s->narchs && na < KS_MAX_TOKENS; i++)
			archs[na++] = s->archs[i];
	} else {
		archs[na++] = r->native;
		for (size_t i = 0; i < r->nforeign && na < 64; i++)
			archs[na++] = r->foreign[i];
	}
	size_t nexpected = na;
	archs[na++] = "all";
	for (size_t c = 0; c < nc; c++) {
		if (!flat && !release_lists(rel ? rel->components : NULL, s->components[c]))
			continue; /* apt does not fetch a component the Release does not list */
		for (size_t ai = 0; ai < (flat ? 1 : na); ai++) {
			bool expected = flat || (ai < nexpected && release_lists(rel ? rel->architectures : NULL, archs[ai]));
			const char *rest = flat ? ks_arena_printf(ctx->arena, "%sPackages", prefix)
			                        : ks_arena_printf(ctx->arena, "%s%s/binary-%s/Packages", prefix,
			                                          s->components[c], archs[ai]);
			const char *base = rest ? list_path(ctx, s->uri, rest) : NULL;
			if (!base)
				return KS_ENOMEM;
			static const char *const ext[] = {"", ".lz4", ".gz", ".xz", ".zst", ".lzma", ".bz2"};
			const char *path = NULL;
			for (size_t e = 0; e < sizeof ext / sizeof *ext && !path; e++) {
				const char *cand = ks_arena_printf(ctx->arena, "%s%s", base, ext[e]);
				if (!cand)
					return KS_ENOMEM;
				struct stat st;
				int rc = ks_rootfs_stat(ctx->root, cand, &st);
				if (rc == KS_ENOMEM)
					return rc;
				if (rc == KS_OK || (rc != KS_ENOENT && rc != KS_ENOTDIR))
					path = cand; /* exists (or exists but unreadable: reported below) */
			}
			if (!path) {
				if (expected && !sc->missing)
					sc->missing = base;
				continue;
			}
			int rc;
			if (seen_before(sc, path, &rc)) {
				if (rc < 0)
					return rc;
				continue; /* another entry for the same suite already read it */
			}
			char *data;
			size_t len;
			rc = ks_decompress_read(ctx, path, KS_MAX_INDEX_BYTES, &data, &len);
			if (rc == KS_ENOMEM)
				return rc;
			if (rc < 0) {
				if (!sc->missing)
					sc->missing = ks_arena_printf(ctx->arena, "%s (%s)", path, ks_strerror(rc));
				continue;
			}
			rc = ks_apt_packages_parse_buffer(ctx, sc->ix, path, s->suite, data, len);
			free(data);
			if (rc < 0)
				return rc;
			if (!sc->packages_files++)
				sc->first_packages = path;
		}
	}
	return KS_OK;
}

/* Without a Release file: what the entry's own suite name says (Debian 11+ and Ubuntu
 * "-security", Debian up to 10 "buster/updates"). */
static bool suite_looks_security(const char *suite)
{
	size_t n = strlen(suite);
	return has_suffix(suite, n, "-security") || has_suffix(suite, n, "/updates");
}

static int all_unknown(ks_collect_ctx *ctx, const char *path, const char *reason)
{
	static const char *const keys[] = {
		"apt.security_suite_configured", "apt.security_suites", "apt.security_release_age_days",
		"apt.lists_age_days", "updates.pending_security", "updates.pending_security_count",
	};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		int rc = ks_fact_unknown(ctx->facts, keys[i], path, "%s", reason);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

static int put_suites(struct scan *sc)
{
	ks_collect_ctx *ctx = sc->r->ctx;
	ks_arena *a = ctx->arena;
	ks_value list = ks_val_list();
	for (size_t i = 0; i < sc->nsec; i++) {
		const struct secsuite *q = &sc->sec[i];
		if (!q->release_path)
			continue;
		ks_value rec = ks_val_record();
		int rc = KS_OK;
#define OPT_STR(field, v) \
	if (rc == KS_OK && (v)) rc = ks_record_set(a, &rec, field, ks_val_strz(a, (v)));
		rc = ks_record_set(a, &rec, "name", ks_val_strz(a, q->src->suite));
		OPT_STR("uri", q->src->uri)
		OPT_STR("origin", q->rel.origin)
		OPT_STR("label", q->rel.label)
		OPT_STR("suite", q->rel.suite)
		OPT_STR("codename", q->rel.codename)
#undef OPT_STR
		if (rc == KS_OK && q->rel.has_date) {
			if ((rc = ks_record_set(a, &rec, "date", ks_val_int(q->rel.date))) == KS_OK)
				rc = ks_record_set(a, &rec, "age_days", ks_val_int(age_days(ctx, q->rel.date)));
		}
		if (rc == KS_OK && q->rel.has_valid_until)
			rc = ks_record_set(a, &rec, "valid_until", ks_val_int(q->rel.valid_until));
		if (rc < 0 || ks_record_set(a, &rec, "source", ks_val_strz(a, q->release_path)) < 0 ||
		    ks_list_push(a, &list, rec) < 0)
			return KS_ENOMEM;
	}
	return ks_fact_put_probe(ctx->facts, "apt.security_suites", list,
	                         "Release/InRelease of each configured security suite under " KS_APT_LISTS);
}

static int put_release_age(struct scan *sc)
{
	ks_collect_ctx *ctx = sc->r->ctx;
	const char *key = "apt.security_release_age_days";
	if (!sc->nsec)
		return ks_fact_unknown(ctx->facts, key, NULL, "no security suite configured");
	const struct secsuite *best = NULL;
	for (size_t i = 0; i < sc->nsec; i++) {
		const struct secsuite *q = &sc->sec[i];
		if (!q->release_path)
			return ks_fact_unknown(ctx->facts, key, NULL,
			                       "lists never downloaded: no InRelease or Release for %s %s under %s "
			                       "(apt update has not run since the source was added)",
			                       q->src->uri, q->src->suite, KS_APT_LISTS);
		if (!q->rel.has_date)
			return ks_fact_unknown(ctx->facts, key, q->release_path, "%s has no valid Date field",
			                       q->release_path);
		if (!best || q->rel.date > best->rel.date)
			best = q;
	}
	return ks_fact_put(ctx->facts, key, ks_val_int(age_days(ctx, best->rel.date)), best->release_path,
	                   best->rel.date_line);
}

static int put_lists_age(struct scan *sc)
{
	ks_collect_ctx *ctx = sc->r->ctx;
	const char *key = "apt.lists_age_days";
	if (!sc->r->srcs.n)
		return ks_fact_unknown(ctx->facts, key, NULL, "no apt sources configured");
	if (!sc->have_mtime)
		return ks_fact_unknown(ctx->facts, key, NULL,
		                       "lists never downloaded (no InRelease or Release under %s for any "
		                       "configured source)", KS_APT_LISTS);
	const char *when = fmt_time(ctx->arena, sc->mtime);
	const char *probe = when ? ks_arena_printf(ctx->arena,
	                                           "mtime of %s, the newest Release/InRelease (%s%s)",
	                                           sc->mtime_path, when,
	                                           sc->mtime > (int64_t)ctx->now ? ", in the future" : "")
	                         : NULL;
	return probe ? ks_fact_put_probe(ctx->facts, key, ks_val_int(age_days(ctx, sc->mtime)), probe)
	             : KS_ENOMEM;
}

static int put_pending(struct scan *sc)
{
	ks_collect_ctx *ctx = sc->r->ctx;
	const char *key = "updates.pending_security", *ckey = "updates.pending_security_count";
	int rc;
	if (!sc->nsec) {
		if ((rc = ks_fact_unknown(ctx->facts, key, NULL, "no security suite configured")) < 0)
			return rc;
		return ks_fact_unknown(ctx->facts, ckey, NULL, "no security suite configured");
	}
	ks_value list;
	size_t undecided;
	if ((rc = ks_apt_index_pending(ctx, sc->ix, &list, &undecided)) < 0)
		return rc;
	size_t n = list.u.list.n;
	/* Pending updates found are certain even with some lists missing; "none" is not. */
	if (!n && (sc->missing || undecided)) {
		const char *reason =
			sc->missing ? ks_arena_printf(ctx->arena, "security lists missing: %s (run apt update)", sc->missing)
			            : ks_arena_printf(ctx->arena,
			                              "%zu installed package(s) offered a security version have an "
			                              "unparsable installed version", undecided);
		if (!reason)
			return KS_ENOMEM;
		if ((rc = ks_fact_unknown(ctx->facts, key, NULL, "%s", reason)) < 0)
			return rc;
		return ks_fact_unknown(ctx->facts, ckey, NULL, "%s", reason);
	}
	const char *probe = ks_arena_printf(
		ctx->arena, "%s versions compared with %zu security Packages file(s)%s%s%s", KS_DPKG_STATUS,
		sc->packages_files, sc->first_packages ? " (" : "", sc->first_packages ? sc->first_packages : "",
		sc->first_packages ? (sc->packages_files > 1 ? ", ...)" : ")") : "");
	if (!probe)
		return KS_ENOMEM;
	if ((rc = ks_fact_put_probe(ctx->facts, key, list, probe)) < 0)
		return rc;
	return ks_fact_put_probe(ctx->facts, ckey, ks_val_int((int64_t)n), probe);
}

static int put_configured(struct scan *sc)
{
	ks_collect_ctx *ctx = sc->r->ctx;
	const char *key = "apt.security_suite_configured";
	if (sc->nsec)
		return ks_fact_put(ctx->facts, key, ks_val_bool(true), sc->sec[0].src->path, sc->sec[0].src->line);
	if (sc->r->sources_problem)
		return ks_fact_unknown(ctx->facts, key, NULL, "no security suite found, but %s",
		                       sc->r->sources_problem);
	const char *probe = ks_arena_printf(
		ctx->arena,
		"no deb entry for a security suite (Release Label Debian-Security or Suite *-security) "
		"among %zu source entries", sc->r->srcs.n);
	return probe ? ks_fact_put_probe(ctx->facts, key, ks_val_bool(false), probe) : KS_ENOMEM;
}

int ks_collect_apt(ks_collect_ctx *ctx)
{
	struct run r = {.ctx = ctx};
	int rc;
	if ((rc = read_sources(&r)) < 0 || (rc = put_sources(&r)) < 0 || (rc = collect_reboot(ctx)) < 0)
		return rc;
	const ks_fact *inst = ks_fact_get(ctx->facts, "packages.installed");
	if (!ks_dpkg_available(ctx->facts))
		return all_unknown(ctx, NULL,
		                   inst && inst->reason ? inst->reason
		                                        : "package manager not supported yet (no /var/lib/dpkg/status)");
	const char *why;
	if ((rc = find_archs(&r, &inst->value, &why)) < 0)
		return rc;
	if (why)
		return all_unknown(ctx, NULL, why);
	struct scan sc = {.r = &r};
	if ((rc = ks_apt_index_new(ctx, &inst->value, r.native, r.foreign, r.nforeign, &sc.ix)) < 0)
		return rc;
	sc.sec = ks_arena_alloc(ctx->arena, (r.srcs.n ? r.srcs.n : 1) * sizeof *sc.sec);
	if (!sc.sec)
		return KS_ENOMEM;
	for (size_t i = 0; i < r.srcs.n; i++) {
		const ks_apt_source *s = &r.srcs.v[i];
		if (!s->deb)
			continue; /* deb-src lists hold sources, not installable versions */
		ks_apt_release rel;
		const char *found;
		if ((rc = read_release(&sc, s, &found, &rel)) < 0)
			return rc;
		bool security = found ? ks_apt_release_is_security(&rel) : suite_looks_security(s->suite);
		if (!security)
			continue;
		/* Several entries for one suite (components split over lines, the URI written with or
		 * without its final '/') are one suite: the same Release file. */
		const char *key = found;
		if (!key) {
			const char *prefix = dist_prefix(ctx, s->suite);
			const char *rest = prefix ? ks_arena_printf(ctx->arena, "%sInRelease", prefix) : NULL;
			if (!rest || !(key = list_path(ctx, s->uri, rest)))
				return KS_ENOMEM;
		}
		bool dup = false;
		for (size_t k = 0; k < sc.nsec && !dup; k++)
			dup = strcmp(sc.sec[k].key, key) == 0;
		if (!dup)
			sc.sec[sc.nsec++] = (struct secsuite){.src = s, .key = key, .release_path = found, .rel = rel};
		if (!found) {
			if (!sc.missing)
				sc.missing = key;
			continue;
		}
		if ((rc = read_packages(&sc, s, &rel)) < 0)
			return rc;
	}
	if ((rc = put_configured(&sc)) < 0 || (rc = put_suites(&sc)) < 0 || (rc = put_release_age(&sc)) < 0 ||
	    (rc = put_lists_age(&sc)) < 0 || (rc = put_pending(&sc)) < 0)
		return rc;
	return KS_OK;
}
