/* Fuzzes the wtmp (utmp records) parser and the per-user last-login table. */
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
	static char dir[] = "/tmp/kenshin-fuzz-wtmp-XXXXXX";
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
	ks_wtmp *w = ks_wtmp_new(ctx.arena);
	if (!w)
		abort();
	/* Twice, as wtmp and wtmp.1 are merged into one table. */
	if (ks_wtmp_parse_buffer(&ctx, "/var/log/wtmp", data, size, w) != 0 ||
	    ks_wtmp_parse_buffer(&ctx, "/var/log/wtmp.1", data, size / 2, w) != 0)
		abort();
	if (ks_wtmp_records(w) != size / KS_UTMP_RECORD + (size / 2) / KS_UTMP_RECORD)
		abort();
	for (size_t i = 0; i + KS_UTMP_RECORD <= size; i += KS_UTMP_RECORD) {
		char user[33];
		memcpy(user, data + i + 44, 32);
		user[32] = '\0';
		int64_t t = ks_wtmp_last_login(w, user);
		if (t < 0 || t > ctx.now + 86400)
			abort();
	}
	ks_wtmp_last_login(w, "");
	ks_wtmp_last_login(w, "a-name-longer-than-thirty-two-characters");
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
