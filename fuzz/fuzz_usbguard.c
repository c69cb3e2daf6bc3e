/* Fuzzes the usbguard-daemon.conf parser and the rule-language parser on the same input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/usbguard.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-usbguard-XXXXXX";
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
	ks_usbguard_conf conf;
	ks_usbguard_parse_daemon_conf(&ctx, "/etc/usbguard/usbguard-daemon.conf", (const char *)data, size,
	                              &conf);
	ks_usbguard_rules r;
	ks_usbguard_rules_init(&r);
	if (ks_usbguard_parse_rules(&ctx, &r, "/etc/usbguard/rules.conf", (const char *)data, size) == 0) {
		/* A rule that lets storage through is one the parser accepted and listed. */
		if (r.allows_all && (!r.allows_path || r.list.u.list.n == 0))
			abort();
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
