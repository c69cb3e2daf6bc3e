/* Fuzzes the /etc/group parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/accounts.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

/* One empty root for the whole run. */
static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-group-XXXXXX";
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
	ctx.now = 1763769600;
	if (!ctx.facts || !ctx.diags)
		abort();
	ks_group_ent *g;
	size_t n;
	if (ks_accounts_parse_group(&ctx, "/etc/group", (const char *)data, size, &g, &n) == 0)
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < g[i].nmembers; k++)
				if (!g[i].members[k] || !*g[i].members[k])
					abort();
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
