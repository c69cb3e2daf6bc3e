/* Fuzzes the systemd unit file parser (sections, continuations, ExecStart=, Listen*=, Alias=) and
 * the ExecStart= program extraction. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/systemd.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-systemd-XXXXXX";
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
	ks_systemd_unit u;
	ks_systemd_unit_init(&u);
	/* twice: the second pass acts as a drop-in over the first */
	if (ks_systemd_parse_buffer(&ctx, "/lib/systemd/system/x.service", (const char *)data, size, &u) == 0)
		ks_systemd_parse_buffer(&ctx, "/etc/systemd/system/x.service.d/y.conf", (const char *)data, size, &u);
	ks_systemd_exec_program(ctx.arena, (const char *)data, size);
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
