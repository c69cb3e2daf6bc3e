/* Fuzzes the PAM service-file parser, chain selection and the flow analysis over the result. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/pam.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

/* One empty root for the whole run: includes simply find nothing in it. */
static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-pam-XXXXXX";
	static int made;
	if (!made) {
		if (!mkdtemp(dir))
			abort();
		made = 1;
	}
	return dir;
}

static ks_pam_target any_unix(const ks_pam_entry *e, void *arg)
{
	(void)arg;
	return ks_pam_is(e, "pam_unix") ? KS_PAM_TARGET : KS_PAM_NOT_TARGET;
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
	ks_pam_stack *s;
	if (ks_pam_parse_buffer(&ctx, "/etc/pam.d/sshd", (const char *)data, size, &s) == 0) {
		for (int t = 0; t < KS_PAM_NTYPES; t++) {
			ks_pam_chain c;
			if (ks_pam_chain_get(&ctx, s, (ks_pam_type)t, &c) != 0)
				break;
			ks_pam_flow fl;
			if (ks_pam_flow_eval(&c, t == KS_PAM_AUTH ? ks_pam_mfa_target : any_unix, NULL, &fl) != 0)
				abort();
			if (fl.always && !fl.can_succeed)
				abort(); /* a target on every successful path implies a successful path */
			for (size_t i = 0; i < c.n; i++) {
				(void)ks_pam_arg(c.e[i], "remember=");
				(void)ks_pam_has_arg(c.e[i], "nullok");
			}
		}
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
