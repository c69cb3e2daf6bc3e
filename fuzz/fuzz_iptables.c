/* Fuzzes the iptables-save (iptables-restore input) parser. */
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
	static char dir[] = "/tmp/kenshin-fuzz-iptables-XXXXXX";
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
	ks_fw_verdict v;
	if (ks_firewall_parse_iptables_buffer(&ctx, "/etc/iptables/rules.v4", (const char *)data, size, &v) == 0) {
		if (v.policy > KS_FW_UNKNOWN || ((v.policy == KS_FW_DROP || v.policy == KS_FW_REJECT) && !v.path))
			abort();
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
