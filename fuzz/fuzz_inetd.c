/* Fuzzes the inetd.conf and xinetd.conf parsers (includes resolve inside an empty root). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/inetd.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-inetd-XXXXXX";
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
	ks_value list = ks_val_list();
	bool incomplete = false;
	if (ks_inetd_parse_buffer(&ctx, "/etc/inetd.conf", (const char *)data, size, &list) == 0)
		ks_xinetd_parse_buffer(&ctx, "/etc/xinetd.conf", (const char *)data, size, &list, &incomplete);
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
