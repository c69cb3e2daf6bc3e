/* Fuzzes the modprobe.d parser, the kernel command line parser, the no-op install check and the
 * usb.* facts derived from them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/modprobe.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-modprobe-XXXXXX";
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
	ks_modprobe_conf c;
	memset(&c, 0, sizeof c);
	if (ks_modprobe_parse_buffer(&ctx, &c, "/etc/modprobe.d/x.conf", (const char *)data, size) == 0 &&
	    ks_modprobe_parse_cmdline(&ctx, &c, "/proc/cmdline", (const char *)data, size) == 0)
		ks_modprobe_put_facts(&ctx, &c);
	char *s = ks_arena_strndup(ctx.arena, (const char *)data, size);
	if (s)
		ks_modprobe_install_is_noop(s);
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
