/* remote_access collector: remote maintenance software listed in profiles/remote-access.list,
 * found as installed dpkg packages or as paths -> remote_access.software, remote_access.count. */
#include <string.h>

#include "catalog/data.h"
#include "collect.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "dpkg.h"

#define LIST_NAME "profiles/remote-access.list"

static bool valid_kind(const char *s, size_t n)
{
	static const char *const kinds[] = {"ssh", "vnc", "rdp", "remote-support", "remote-shell"};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (ks_eq(s, n, kinds[i]))
			return true;
	return false;
}

struct found {
	ks_value list;
};

static bool already(const struct found *f, const char *product, size_t plen)
{
	for (size_t i = 0; i < f->list.u.list.n; i++) {
		const ks_value *name = ks_record_get(&f->list.u.list.items[i], "name");
		if (name && name->type == KS_VAL_STR && ks_eq(product, plen, name->u.str.s))
			return true;
	}
	return false;
}

static int add(ks_collect_ctx *ctx, struct found *f, const char *product, size_t plen, const char *kind,
               size_t klen, const char *evidence, const char *source)
{
	ks_arena *a = ctx->arena;
	ks_value rec = ks_val_record();
	if (!evidence || !source || ks_record_set(a, &rec, "name", ks_val_str(a, product, plen)) < 0 ||
	    ks_record_set(a, &rec, "kind", ks_val_str(a, kind, klen)) < 0 ||
	    ks_record_set(a, &rec, "evidence", ks_val_strz(a, evidence)) < 0 ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, source)) < 0 || ks_list_push(a, &f->list, rec) < 0)
		return KS_ENOMEM;
	return KS_OK;
}

/* Checks one list entry against the host. */
static int check(ks_collect_ctx *ctx, struct found *f, bool have_dpkg, const char *what, size_t wlen,
                 const char *kind, size_t klen, const char *product, size_t plen)
{
	if (already(f, product, plen))
		return KS_OK;
	char *w = ks_arena_strndup(ctx->arena, what, wlen);
	if (!w)
		return KS_ENOMEM;
	if (w[0] == '/') {
		const char **paths;
		size_t n;
		int rc = ks_rootfs_glob(ctx->root, ctx->arena, w, &paths, &n);
		if (rc == KS_ENOMEM)
			return rc;
		if (n == 0)
			return KS_OK;
		return add(ctx, f, product, plen, kind, klen, paths[0], paths[0]);
	}
	if (!have_dpkg)
		return KS_OK;
	const ks_value *pkg = ks_dpkg_find(ctx->facts, w);
	if (!pkg)
		return KS_OK;
	const ks_value *ver = ks_record_get(pkg, "version");
	const ks_value *src = ks_record_get(pkg, "source");
	const char *evidence = ks_arena_printf(ctx->arena, "package %s %s", w,
	                                       ver && ver->type == KS_VAL_STR ? ver->u.str.s : "(version unknown)");
	return add(ctx, f, product, plen, kind, klen, evidence,
	           src && src->type == KS_VAL_STR ? src->u.str.s : KS_DPKG_STATUS);
}

static int scan(ks_collect_ctx *ctx, struct found *f, bool have_dpkg, const char *data, size_t len)
{
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next(&it, &line, &n)) {
		ks_trim(&line, &n);
		if (!n || line[0] == '#')
			continue;
		/* package-or-path <TAB> kind <TAB> product */
		const char *col[3] = {NULL};
		size_t coll[3] = {0};
		size_t k = ks_split_tabs(line, n, col, coll, 3);
		const char *what = col[0], *kind = col[1], *product = col[2];
		size_t wl = coll[0], kl = coll[1], pl = coll[2];
		if (k < 3 || !wl || !pl || !valid_kind(kind, kl) || memchr(product, '\t', pl)) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, LIST_NAME, it.lineno, 1,
			            "expected package-or-path<TAB>kind<TAB>product with kind ssh, vnc, rdp, "
			            "remote-support or remote-shell");
			continue;
		}
		int rc = check(ctx, f, have_dpkg, what, wl, kind, kl, product, pl);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_collect_remote_access(ks_collect_ctx *ctx)
{
	size_t len;
	const char *data = ks_data_find(LIST_NAME, &len);
	if (!data) {
		int rc = ks_fact_unknown(ctx->facts, "remote_access.software", NULL, "%s is not built in",
		                         LIST_NAME);
		if (rc < 0)
			return rc;
		return ks_fact_unknown(ctx->facts, "remote_access.count", NULL, "%s is not built in", LIST_NAME);
	}
	bool have_dpkg = ks_dpkg_available(ctx->facts);
	struct found f = {.list = ks_val_list()};
	int rc = scan(ctx, &f, have_dpkg, data, len);
	if (rc < 0)
		return rc;
	size_t count = f.list.u.list.n;
	if (!have_dpkg && count == 0) {
		/* Without a package database an empty result would look like "nothing installed". */
		const char *why = "no package database to check (packages.installed unknown) and no "
		                  "remote-access software found by path";
		if ((rc = ks_fact_unknown(ctx->facts, "remote_access.software", NULL, "%s", why)) < 0)
			return rc;
		return ks_fact_unknown(ctx->facts, "remote_access.count", NULL, "%s", why);
	}
	const char *probe = have_dpkg
	                        ? LIST_NAME " entries checked against the dpkg database and the file system"
	                        : LIST_NAME " path entries only (no package database): a lower bound";
	if ((rc = ks_fact_put_probe(ctx->facts, "remote_access.software", f.list, probe)) < 0)
		return rc;
	return ks_fact_put_probe(ctx->facts, "remote_access.count", ks_val_int((int64_t)count), probe);
}
