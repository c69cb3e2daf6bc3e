/* Fuzzes the ClamAV database header parser and the clamd.conf parser on the same input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/antimalware.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-clamav-XXXXXX";
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
	ks_cvd_header h;
	if (ks_antimalware_parse_cvd_header(&ctx, "/var/lib/clamav/daily.cvd", (const char *)data, size, &h) == 0) {
		/* An accepted header makes only claims that passed the range checks. */
		if (h.build_time < 946684800 || h.build_time > (int64_t)ctx.now + 86400 || h.version < 1 || h.sigs < 0 ||
		    h.level < 0 || strlen(h.builder) >= sizeof h.builder)
			abort();
	}
	ks_clamd_conf conf;
	ks_antimalware_parse_clamd_conf(&ctx, "/etc/clamav/clamd.conf", (const char *)data, size, &conf);
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
