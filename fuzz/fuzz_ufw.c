/* Fuzzes the KEY=value parser of ufw and firewalld files and the firewalld zone XML reader. */
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
	static char dir[] = "/tmp/kenshin-fuzz-ufw-XXXXXX";
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
	ks_ufw_conf c;
	ks_firewall_parse_ufw_buffer(&ctx, "/etc/default/ufw", (const char *)data, size, &c);
	ks_fw_zone z;
	ks_firewall_parse_zone_xml(&ctx, "/etc/firewalld/zones/public.xml", (const char *)data, size, &z);
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
