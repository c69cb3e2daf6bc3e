/* Fuzzes lastlog record lookup over an in-memory file (sparse offsets, odd sizes, bad times). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/lastlog.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

/* One empty root for the whole run. */
static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-lastlog-XXXXXX";
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
	static const uint32_t uids[] = {0, 1, 2, 7, 1000, 65534, 4294967294u};
	for (size_t i = 0; i < sizeof uids / sizeof *uids; i++) {
		int64_t t = -1;
		if (ks_lastlog_parse_buffer(&ctx, "/var/log/lastlog", data, size, uids[i], &t) != 0 || t < 0 ||
		    t > ctx.now + 86400)
			abort();
	}
	/* Every record the buffer holds, and the one just past it. */
	for (uint32_t uid = 0; uid <= size / KS_LASTLOG_RECORD && uid < 4096; uid++) {
		int64_t t;
		ks_lastlog_parse_buffer(&ctx, "/var/log/lastlog", data, size, uid, &t);
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
