/* dpkg collector: /var/lib/dpkg/status -> packages.installed, packages.count, packages.manager. */
#include "dpkg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

/* ---- deb822 reader ---------------------------------------------------------------------- */

void ks_deb822_init(ks_deb822 *r, ks_collect_ctx *ctx, const char *path, const char *data, size_t len)
{
	r->ctx = ctx;
	r->path = path;
	r->p = data;
	r->end = data + len;
	r->lineno = 0;
	r->in_paragraph = false;
	r->paragraph_line = 0;
}

static void d822_warn(ks_deb822 *r, int line, const char *msg)
{
	if (r->ctx)
		ks_diag_add(r->ctx->diags, KS_DIAG_WARNING, r->path, line, 1, "%s", msg);
}

/* Takes the next physical line; its end excludes "\n" and a trailing "\r". */
static void take_line(ks_deb822 *r, const char **s, size_t *len)
{
	const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	const char *e = nl ? nl : r->end;
	*s = r->p;
	*len = (size_t)(e - r->p);
	if (*len && (*s)[*len - 1] == '\r')
		(*len)--;
	r->p = nl ? nl + 1 : r->end;
	r->lineno++;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* deb822(5): a line starting with space or tab continues the previous field, unless it holds
 * nothing else (then it separates paragraphs, as dpkg treats it). */
static bool at_continuation(const ks_deb822 *r)
{
	if (r->p >= r->end || (*r->p != ' ' && *r->p != '\t'))
		return false;
	for (const char *q = r->p; q < r->end && *q != '\n'; q++)
		if (*q != ' ' && *q != '\t' && *q != '\r')
			return true;
	return false;
}

/* Consumes continuation lines; returns the end of the last one. */
static const char *skip_continuations(ks_deb822 *r, const char *end)
{
	while (at_continuation(r)) {
		const char *s;
		size_t len;
		take_line(r, &s, &len);
		end = s + len;
	}
	return end;
}

static int paragraph_end(ks_deb822 *r)
{
	r->in_paragraph = false;
	return KS_DEB822_END;
}

int ks_deb822_next(ks_deb822 *r, ks_deb822_field *f)
{
	for (;;) {
		if (r->p >= r->end)
			return r->in_paragraph ? paragraph_end(r) : KS_DEB822_EOF;
		const char *s;
		size_t len;
		take_line(r, &s, &len);
		if (blank(s, len)) {
			if (r->in_paragraph)
				return paragraph_end(r);
			continue;
		}
		if (s[0] == '#') /* deb822(5) comment line */
			continue;
		if (s[0] == ' ' || s[0] == '\t') {
			d822_warn(r, r->lineno, "continuation line without a field before it; skipped");
			continue;
		}
		int line = r->lineno;
		/* No KS_MAX_LINE cap here: fields point into the buffer and are never copied, and real
		 * status files have longer lines (Build-Ids, Provides). Callers cap what they keep. */
		const char *colon = memchr(s, ':', len);
		size_t nlen = colon ? (size_t)(colon - s) : 0;
		bool bad = !colon || nlen == 0;
		for (size_t i = 0; !bad && i < nlen; i++)
			if (ks_is_space(s[i]) || (unsigned char)s[i] < 33)
				bad = true;
		if (bad) {
			d822_warn(r, line, "expected 'Field: value'; line skipped");
			skip_continuations(r, NULL);
			continue;
		}
		f->name = s;
		f->name_len = nlen;
		f->raw = colon + 1;
		f->value = colon + 1;
		f->value_len = len - nlen - 1;
		ks_trim(&f->value, &f->value_len);
		const char *rend = skip_continuations(r, s + len);
		f->raw_len = (size_t)(rend - f->raw);
		f->line = line;
		if (!r->in_paragraph) {
			r->in_paragraph = true;
			r->paragraph_line = line;
		}
		f->paragraph_line = r->paragraph_line;
		return KS_DEB822_FIELD;
	}
}

/* ---- dpkg status -------------------------------------------------------------------------- */

struct pkg {
	const char *name, *version, *arch, *status;
	size_t name_len, version_len, arch_len, status_len;
	int line, status_line, first_line;
};

struct pkgv {
	struct pkg *v;
	size_t n, cap;
};

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn;
	int c = n ? memcmp(a, b, n) : 0;
	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

static int cmp_pkg(const void *x, const void *y)
{
	const struct pkg *a = x, *b = y;
	int c = cmp_bytes(a->name, a->name_len, b->name, b->name_len);
	if (c)
		return c;
	c = cmp_bytes(a->arch ? a->arch : "", a->arch_len, b->arch ? b->arch : "", b->arch_len);
	return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* dpkg-query(1) Status: "want flag state"; only the state "installed" means the package's files
 * are all there and configured (half-installed, config-files, unpacked... are not). */
static bool status_installed(ks_collect_ctx *ctx, const char *path, const struct pkg *p)
{
	const char *s = p->status;
	size_t len = p->status_len, wl;
	const char *w[4];
	size_t n = 0;
	while (n < 4 && ks_next_word(&s, &len, &w[n], &wl))
		n++;
	if (n != 3) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, p->status_line, 1,
		            "Status of package %.*s: expected 'want flag state'; package skipped",
		            (int)(p->name_len > 200 ? 200 : p->name_len), p->name);
		return false;
	}
	return ks_eq(w[2], wl, "installed");
}

static bool valid_token(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (ks_is_space(s[i]) || (unsigned char)s[i] < 32)
			return false;
	return true;
}

/* Closes one paragraph: keep it when it describes an installed package. */
static int finish(ks_collect_ctx *ctx, const char *path, struct pkgv *pv, struct pkg *p)
{
	if (!p->first_line)
		return KS_OK;
	if (!p->name) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, p->first_line, 1,
		            "paragraph has no Package field; skipped");
		return KS_OK;
	}
	if (!valid_token(p->name, p->name_len)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, p->line, 1,
		            "invalid package name; paragraph skipped");
		return KS_OK;
	}
	if (!p->status) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, p->line, 1,
		            "package %.*s has no Status field; skipped",
		            (int)(p->name_len > 200 ? 200 : p->name_len), p->name);
		return KS_OK;
	}
	if (!status_installed(ctx, path, p))
		return KS_OK;
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 256;
		struct pkg *nv = realloc(pv->v, cap * sizeof *nv);
		if (!nv)
			return KS_ENOMEM;
		pv->v = nv;
		pv->cap = cap;
	}
	pv->v[pv->n++] = *p;
	return KS_OK;
}

static ks_value str_or_unknown(ks_arena *a, const char *s, size_t len)
{
	return s ? ks_val_str(a, s, len) : ks_val_unknown();
}

static int build_list(ks_collect_ctx *ctx, const char *path, struct pkgv *pv, ks_value *out)
{
	ks_arena *a = ctx->arena;
	/* dpkg writes the file sorted already; sorting again makes lookups safe on any input. */
	if (pv->n > 1)
		qsort(pv->v, pv->n, sizeof *pv->v, cmp_pkg);
	ks_value list = ks_val_list();
	if (pv->n) {
		list.u.list.items = ks_arena_alloc(a, pv->n * sizeof(ks_value));
		if (!list.u.list.items)
			return KS_ENOMEM;
		list.u.list.cap = pv->n;
	}
	for (size_t i = 0; i < pv->n; i++) {
		const struct pkg *p = &pv->v[i];
		if (i > 0 && cmp_bytes(p->name, p->name_len, pv->v[i - 1].name, pv->v[i - 1].name_len) == 0 &&
		    cmp_bytes(p->arch ? p->arch : "", p->arch_len, pv->v[i - 1].arch ? pv->v[i - 1].arch : "",
		              pv->v[i - 1].arch_len) == 0) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, p->line, 1,
			            "package %.*s listed twice; the entry at line %d is used",
			            (int)(p->name_len > 200 ? 200 : p->name_len), p->name, pv->v[i - 1].line);
			continue;
		}
		if (p->version && !valid_token(p->version, p->version_len)) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, p->line, 1,
			            "package %.*s: malformed Version", (int)(p->name_len > 200 ? 200 : p->name_len),
			            p->name);
		} else if (!p->version) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, p->line, 1,
			            "installed package %.*s has no Version field",
			            (int)(p->name_len > 200 ? 200 : p->name_len), p->name);
		}
		ks_value rec = ks_val_record();
		const char *src = ks_collect_where(ctx, path, p->line);
		bool okv = p->version && valid_token(p->version, p->version_len);
		if (!src || ks_record_set(a, &rec, "name", ks_val_str(a, p->name, p->name_len)) < 0 ||
		    ks_record_set(a, &rec, "version",
		                  okv ? ks_val_str(a, p->version, p->version_len) : ks_val_unknown()) < 0 ||
		    ks_record_set(a, &rec, "arch", str_or_unknown(a, p->arch, p->arch_len)) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, src)) < 0 ||
		    ks_list_push(a, &list, rec) < 0)
			return KS_ENOMEM;
	}
	*out = list;
	return KS_OK;
}

int ks_dpkg_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                         ks_value *installed)
{
	*installed = ks_val_list();
	ks_deb822 r;
	ks_deb822_init(&r, ctx, path, data, len);
	struct pkgv pv = {0};
	struct pkg cur = {0};
	int rc = KS_OK;
	for (;;) {
		ks_deb822_field f;
		int k = ks_deb822_next(&r, &f);
		if (k == KS_DEB822_EOF)
			break;
		if (k == KS_DEB822_END) {
			rc = finish(ctx, path, &pv, &cur);
			memset(&cur, 0, sizeof cur);
			if (rc < 0)
				break;
			continue;
		}
		if (!cur.first_line)
			cur.first_line = f.line;
		const char **slot = NULL;
		size_t *slen = NULL;
		if (ks_ieq(f.name, f.name_len, "Package")) {
			slot = &cur.name;
			slen = &cur.name_len;
			if (!cur.name)
				cur.line = f.line;
		} else if (ks_ieq(f.name, f.name_len, "Version")) {
			slot = &cur.version;
			slen = &cur.version_len;
		} else if (ks_ieq(f.name, f.name_len, "Architecture")) {
			slot = &cur.arch;
			slen = &cur.arch_len;
		} else if (ks_ieq(f.name, f.name_len, "Status")) {
			slot = &cur.status;
			slen = &cur.status_len;
			if (!cur.status)
				cur.status_line = f.line;
		}
		if (!slot)
			continue;
		if (f.value_len > KS_MAX_LINE) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, f.line, 1,
			            "%.*s value longer than %u bytes; ignored", (int)f.name_len, f.name, KS_MAX_LINE);
			continue;
		}
		if (*slot) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, f.line, 1,
			            "field %.*s repeated in one paragraph; the first is used", (int)f.name_len,
			            f.name);
			continue;
		}
		*slot = f.value;
		*slen = f.value_len;
	}
	if (rc == KS_OK)
		rc = build_list(ctx, path, &pv, installed);
	free(pv.v);
	return rc;
}

/* ---- lookups ------------------------------------------------------------------------------ */

static int cmp_name(const ks_value *rec, const char *name, size_t nlen)
{
	const ks_value *n = ks_record_get(rec, "name");
	if (!n || n->type != KS_VAL_STR)
		return -1;
	return cmp_bytes(n->u.str.s, n->u.str.len, name, nlen);
}

const ks_value *ks_dpkg_find_in(const ks_value *installed, const char *name)
{
	if (!installed || installed->type != KS_VAL_LIST || !name)
		return NULL;
	size_t nlen = strlen(name);
	size_t lo = 0, hi = installed->u.list.n;
	/* Lower bound: the first record whose name is >= NAME (the list is sorted by name, arch). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_name(&installed->u.list.items[mid], name, nlen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < installed->u.list.n && cmp_name(&installed->u.list.items[lo], name, nlen) == 0)
		return &installed->u.list.items[lo];
	return NULL;
}

const ks_value *ks_dpkg_find(const ks_facts *f, const char *name)
{
	const ks_fact *fact = ks_fact_get(f, "packages.installed");
	return fact ? ks_dpkg_find_in(&fact->value, name) : NULL;
}

bool ks_dpkg_available(const ks_facts *f)
{
	const ks_fact *fact = ks_fact_get(f, "packages.installed");
	return fact && fact->value.type == KS_VAL_LIST;
}

/* ---- collector ---------------------------------------------------------------------------- */

static int all_unknown(ks_collect_ctx *ctx, const char *path, const char *reason)
{
	static const char *const keys[] = {"packages.manager", "packages.installed", "packages.count"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		int rc = ks_fact_unknown(ctx->facts, keys[i], path, "%s", reason);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

/* An image has no uname(): the host collector leaves host.arch unknown unless
 * /var/lib/dpkg/arch exists; the architecture of the "dpkg" package itself is the native one. */
static int fill_arch(ks_collect_ctx *ctx, const ks_value *installed)
{
	const ks_fact *arch = ks_fact_get(ctx->facts, "host.arch");
	if (ctx->live || (arch && arch->value.type != KS_VAL_UNKNOWN))
		return KS_OK;
	const ks_value *dpkg = ks_dpkg_find_in(installed, "dpkg");
	const ks_value *a = dpkg ? ks_record_get(dpkg, "arch") : NULL;
	const ks_value *src = dpkg ? ks_record_get(dpkg, "source") : NULL;
	if (!a || a->type != KS_VAL_STR || !src || src->type != KS_VAL_STR)
		return KS_OK;
	const char *colon = strrchr(src->u.str.s, ':');
	int line = colon ? atoi(colon + 1) : 0;
	return ks_fact_put(ctx->facts, "host.arch", *a, KS_DPKG_STATUS, line);
}

int ks_collect_dpkg(ks_collect_ctx *ctx)
{
	const char *path = KS_DPKG_STATUS;
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOENT)
		return all_unknown(ctx, NULL, "package manager not supported yet (no /var/lib/dpkg/status)");
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		char reason[128];
		snprintf(reason, sizeof reason, "%s: %s", path, ks_strerror(rc));
		return all_unknown(ctx, path, reason);
	}
	if (!ks_is_text(data, len)) {
		ks_diag_add(ctx->diags, KS_DIAG_ERROR, path, 0, 0, "binary data (NUL bytes) in a text file");
		return all_unknown(ctx, path, "/var/lib/dpkg/status: not a text file");
	}
	ks_value installed;
	rc = ks_dpkg_parse_buffer(ctx, path, data, len, &installed);
	if (rc < 0)
		return rc;
	if ((rc = ks_fact_put(ctx->facts, "packages.manager", ks_val_strz(ctx->arena, "dpkg"), path, 0)) < 0 ||
	    (rc = ks_fact_put(ctx->facts, "packages.installed", installed, path, 0)) < 0 ||
	    (rc = ks_fact_int(ctx->facts, "packages.count", (int64_t)installed.u.list.n, path, 0)) < 0)
		return rc;
	return fill_arch(ctx, &installed);
}
