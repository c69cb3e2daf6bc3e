/* Fuzzes the nftables ruleset parser (includes resolve in an empty root). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/firewall.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-nftables-XXXXXX";
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
	ks_fw_result r;
	if (ks_firewall_parse_nft_buffer(&ctx, "/etc/nftables.conf", (const char *)data, size, &r) == 0) {
		if (r.v4.policy > KS_FW_UNKNOWN || r.v6.policy > KS_FW_UNKNOWN)
			abort();
		/* A verdict kenshin reports always says where it came from, or why it is unknown. */
		if ((r.v4.policy == KS_FW_DROP || r.v4.policy == KS_FW_REJECT) && !r.v4.path)
			abort();
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
