/* Fuzzes the journald.conf parser and the systemd.time(7) span parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/journald.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-journald-XXXXXX";
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
	ks_journald_conf conf;
	memset(&conf, 0, sizeof conf);
	ks_journald_parse_buffer(&ctx, "/etc/systemd/journald.conf", (const char *)data, size, &conf);
	/* A value that was kept must have passed validation. */
	int64_t secs;
	if (conf.max_retention.value && !ks_journald_parse_timespan(conf.max_retention.value, &secs))
		abort();
	char *s = ks_arena_strndup(ctx.arena, (const char *)data, size);
	if (s)
		ks_journald_parse_timespan(s, &secs);
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
