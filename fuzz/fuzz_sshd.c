/* Fuzzes the sshd_config parser, the ssh.* facts and the two-factor derivation over them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/sshd.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

/* One empty root for the whole run: Include lines simply match nothing in it. */
static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-sshd-XXXXXX";
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
	ks_sshd_config *cfg;
	if (ks_sshd_parse_buffer(&ctx, "/etc/ssh/sshd_config", (const char *)data, size, &cfg) == 0 &&
	    ks_sshd_put_facts(&ctx, cfg) == 0) {
		/* The derivation reads the facts just written; give it the other inputs too. */
		ks_fact_bool(ctx.facts, "ssh.installed", true, "/usr/sbin/sshd", 0);
		ks_fact_bool(ctx.facts, "pam.sshd.mfa", size % 3 == 0, "/etc/pam.d/sshd", 1);
		if (size % 3 == 2)
			ks_fact_unknown(ctx.facts, "pam.sshd.mfa", "/etc/pam.d/sshd", "fuzz");
		ks_collect_mfa(&ctx);
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
