/* Fuzzes the limits.conf parser (pam_limits syntax and priorities). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/limits.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

/* One empty root for the whole run: includes find nothing in it. */
static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-limits-XXXXXX";
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
	ks_limits st;
	ks_limits_init(&st);
	if (ks_limits_parse_buffer(&ctx, "/etc/security/limits.conf", (const char *)data, size, &st) != 0)
		abort();
	if (st.def != KS_LIMITS_DEF_NONE && (st.def < KS_LIMITS_DEF_ALL || st.line < 1))
		abort(); /* only '*' and '%' lines decide, with a line and a value */
	if (st.entries.type != KS_VAL_LIST || st.entries.u.list.n != st.nentries)
		abort();
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
