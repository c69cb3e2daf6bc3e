/* Fuzzes the login.defs parser (shadow-utils getdef syntax). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/logindefs.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-logindefs-XXXXXX";
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
	ks_logindefs d;
	if (ks_logindefs_parse_buffer(&ctx, "/etc/login.defs", (const char *)data, size, &d) == 0) {
		static const char *const keys[] = {"PASS_MAX_DAYS", "ENCRYPT_METHOD", "UMASK", ""};
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
			const ks_logindefs_item *it = ks_logindefs_get(&d, keys[i]);
			if (it && (strchr(it->value, '"') || it->line < 1))
				abort(); /* getdef values never hold a double quote */
		}
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
