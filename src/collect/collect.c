/* Collector registry: the order here is the order facts become available (derived facts last). */
#include "collect.h"

#include <stddef.h>

#include "core/error.h"
#include "core/limits.h"
#include "collectors.h"

int ks_collect_read(ks_collect_ctx *ctx, const char *path, char **data, size_t *len)
{
	int rc = ks_rootfs_read(ctx->root, ctx->arena, path, KS_MAX_CONFIG_BYTES, data, len);
	if (rc < 0 && rc != KS_ENOENT)
		ks_diag_add(ctx->diags, rc == KS_EACCES ? KS_DIAG_WARNING : KS_DIAG_ERROR, path, 0, 0,
		            "cannot read: %s", ks_strerror(rc));
	return rc;
}

const char *ks_collect_where(ks_collect_ctx *ctx, const char *path, int line)
{
	if (line > 0)
		return ks_arena_printf(ctx->arena, "%s:%d", path, line);
	return ks_arena_strdup(ctx->arena, path);
}

static const struct {
	const char *name;
	ks_collector_fn fn;
} collectors[] = {
#define KS_COLLECTOR(name) {#name, ks_collect_##name},
#include "collectors.def"
#undef KS_COLLECTOR
	{NULL, NULL},
};

int ks_collect_all(ks_collect_ctx *ctx)
{
	for (size_t i = 0; collectors[i].fn; i++) {
		int rc = collectors[i].fn(ctx);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0)
			ks_diag_add(ctx->diags, KS_DIAG_ERROR, NULL, 0, 0, "collector %s failed: %s",
			            collectors[i].name, ks_strerror(rc));
	}
	return KS_OK;
}
