/* Fuzzes the os-release(5) parser and its shell-like unquoting. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/osrelease.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-osrelease-XXXXXX";
	static int made;
	if (!made) {
		if (!mkdtemp(dir))
			abort();
		made = 1;
	}
	return dir;
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
	ks_osrelease r;
	if (ks_osrelease_parse_buffer(&ctx, "/etc/os-release", (const char *)data, size, &r) == 0) {
		for (int k = 0; k < KS_OSR_NKEYS; k++)
			if (r.value[k] && strlen(r.value[k]) > size)
				abort(); /* unquoting never grows a value */
	}
	const char *err;
	ks_osrelease_unquote(ctx.arena, (const char *)data, size, &err);
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
