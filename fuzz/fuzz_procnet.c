/* Fuzzes the /proc/net/{tcp,tcp6,udp,udp6} line parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/listening.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-procnet-XXXXXX";
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
	static const char *const protos[] = {"tcp", "tcp6", "udp", "udp6"};
	ks_listen_set set = {0};
	for (size_t i = 0; i < 4; i++)
		if (ks_procnet_parse_buffer(&ctx, "/proc/net/x", protos[i], (const char *)data, size, &set) != 0)
			break;
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
