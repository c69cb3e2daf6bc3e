/* Fuzzes both sources.list(5) formats (one-line and deb822) on the same input, then turns every
 * entry into its list file names: no name may contain '/' or leave the lists directory. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/apt.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-sources-XXXXXX";
	static int made;
	if (!made) {
		if (!mkdtemp(dir))
			abort();
		made = 1;
	}
	return dir;
}

static void check(ks_collect_ctx *ctx, const ks_apt_sources *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const ks_apt_source *e = &s->v[i];
		if (!e->uri || !e->suite || !e->path || (!e->deb && !e->deb_src))
			abort();
		char *name = ks_apt_list_name(ctx->arena, e->uri, e->suite);
		if (!name || strchr(name, '/') || strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
			abort();
		for (size_t c = 0; c < e->ncomponents; c++)
			if (!e->components[c])
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ks_collect_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.arena = ks_arena_new();
	if (!ctx.arena || ks_rootfs_open(&ctx.root, empty_root()) != 0)
		abort();
	ctx.facts = ks_facts_new(ctx.arena);
	ctx.diags = ks_diags_new(ctx.arena);
	if (!ctx.facts || !ctx.diags)
		abort();
	ks_apt_sources a = {0}, b = {0};
	if (ks_apt_sources_parse_list(&ctx, "/etc/apt/sources.list", (const char *)data, size, &a) != 0 ||
	    ks_apt_sources_parse_deb822(&ctx, "/etc/apt/sources.list.d/x.sources", (const char *)data, size, &b) != 0)
		abort();
	check(&ctx, &a);
	check(&ctx, &b);
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
