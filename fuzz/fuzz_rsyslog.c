/* Fuzzes the rsyslog.conf parser and the evaluation of its default ruleset. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/rsyslog.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-rsyslog-XXXXXX";
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
	ks_rsyslog_conf conf;
	if (ks_rsyslog_parse_buffer(&ctx, "/etc/rsyslog.conf", (const char *)data, size, &conf) == 0) {
		/* Every listed destination names where it was configured. */
		for (size_t i = 0; i < conf.auth_files.u.list.n; i++)
			if (!ks_record_get(&conf.auth_files.u.list.items[i], "source"))
				abort();
		for (size_t i = 0; i < conf.auth_forward.u.list.n; i++)
			if (!ks_record_get(&conf.auth_forward.u.list.items[i], "protocol"))
				abort();
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
