/* Fuzzes the logrotate configuration parser, stanza matching and the retention arithmetic. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/logrotate.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-logrotate-XXXXXX";
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
	ks_logrotate_conf conf;
	ks_logrotate_conf_init(&conf);
	if (ks_logrotate_parse_buffer(&ctx, &conf, "/etc/logrotate.conf", (const char *)data, size, 0) == 0) {
		const ks_logrotate_stanza *s = ks_logrotate_match(&conf, "/var/log/auth.log");
		bool unlimited;
		if (s && ks_logrotate_retention_days(&s->opts, &unlimited) < -1)
			abort();
		for (size_t i = 0; i < conf.n; i++)
			ks_logrotate_retention_days(&conf.stanzas[i].opts, &unlimited);
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
