/* Fuzzes the shell-profile TMOUT scanner (/etc/profile, profile.d) and the pam_env /etc/environment reader. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/session.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

/* One empty root for the whole run: includes find nothing in it. */
static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-shprofile-XXXXXX";
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
	const char *in = (const char *)data;
	ks_tmout_state st;
	ks_session_tmout_init(&st);
	if (ks_session_parse_buffer(&ctx, "/etc/profile.d/x.sh", in, size, &st) != 0)
		abort();
	if (st.set && (st.value < -2147483648LL || st.value > 2147483647LL))
		abort(); /* bash atoi semantics: the value fits an int */
	if (st.readonly && !st.ro_path)
		abort();
	if (ks_session_parse_environment(&ctx, "/etc/environment", in, size, &st) != 0)
		abort();
	if (st.settings.type != KS_VAL_LIST)
		abort();
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
