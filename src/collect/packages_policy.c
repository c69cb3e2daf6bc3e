/* packages_policy collector (derived, reads the dpkg facts): installed packages named in
 * profiles/dev-tools.list and profiles/file-sharing.list -> packages.dev_tools(_count),
 * packages.file_sharing(_count). */
#include <string.h>

#include "catalog/data.h"
#include "collect.h"
#include "core/error.h"
#include "core/text.h"
#include "dpkg.h"

typedef struct policy_list {
	const char *file;  /* embedded data file */
	const char *key;   /* list fact; "<key>_count" is its length */
	const char *what;
} policy_list;

static const policy_list lists[] = {
	{"profiles/dev-tools.list", "packages.dev_tools", "development tools"},
	{"profiles/file-sharing.list", "packages.file_sharing", "file-sharing software"},
};

static int scan(ks_collect_ctx *ctx, const policy_list *pl, const char *data, size_t len, ks_value *found)
{
	ks_arena *a = ctx->arena;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next(&it, &line, &n)) {
		ks_trim(&line, &n);
		if (!n || line[0] == '#')
			continue;
		/* package <TAB> category */
		const char *col[2] = {NULL};
		size_t coll[2] = {0};
		size_t k = ks_split_tabs(line, n, col, coll, 2);
		const char *pkg = col[0], *cat = col[1];
		size_t pl_len = coll[0], cl = coll[1];
		if (k < 2 || !pl_len || !cl || memchr(pkg, ' ', pl_len) || memchr(cat, '\t', cl)) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, pl->file, it.lineno, 1, "expected package<TAB>category");
			continue;
		}
		char *name = ks_arena_strndup(a, pkg, pl_len);
		if (!name)
			return KS_ENOMEM;
		const ks_value *rec = ks_dpkg_find(ctx->facts, name);
		if (!rec)
			continue;
		const ks_value *ver = ks_record_get(rec, "version");
		const ks_value *src = ks_record_get(rec, "source");
		ks_value out = ks_val_record();
		if (ks_record_set(a, &out, "name", ks_val_strz(a, name)) < 0 ||
		    ks_record_set(a, &out, "version", ver ? *ver : ks_val_unknown()) < 0 ||
		    ks_record_set(a, &out, "category", ks_val_str(a, cat, cl)) < 0 ||
		    ks_record_set(a, &out, "summary",
		                  ks_val_strz(a, ver && ver->type == KS_VAL_STR ? ver->u.str.s : "")) < 0 ||
		    ks_record_set(a, &out, "source",
		                  src && src->type == KS_VAL_STR ? *src : ks_val_strz(a, KS_DPKG_STATUS)) < 0 ||
		    ks_list_push(a, found, out) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

static int one_list(ks_collect_ctx *ctx, const policy_list *pl)
{
	ks_arena *a = ctx->arena;
	char *ckey = ks_arena_printf(a, "%s_count", pl->key);
	if (!ckey)
		return KS_ENOMEM;
	size_t len;
	const char *data = ks_data_find(pl->file, &len);
	const char *why = NULL;
	if (!data)
		why = ks_arena_printf(a, "%s is not built in", pl->file);
	else if (!ks_dpkg_available(ctx->facts))
		why = "no package database to check (packages.installed unknown)";
	if (why || !data) {
		if (!why || ks_fact_unknown(ctx->facts, pl->key, NULL, "%s", why) < 0 ||
		    ks_fact_unknown(ctx->facts, ckey, NULL, "%s", why) < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	ks_value found = ks_val_list();
	int rc = scan(ctx, pl, data, len, &found);
	if (rc < 0)
		return rc;
	const char *probe = ks_arena_printf(a, "%s entries (%s) checked against the dpkg database", pl->file, pl->what);
	if (!probe || ks_fact_put_probe(ctx->facts, pl->key, found, probe) < 0 ||
	    ks_fact_put_probe(ctx->facts, ckey, ks_val_int((int64_t)found.u.list.n), probe) < 0)
		return KS_ENOMEM;
	return KS_OK;
}

int ks_collect_packages_policy(ks_collect_ctx *ctx)
{
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
		int rc = one_list(ctx, &lists[i]);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}
