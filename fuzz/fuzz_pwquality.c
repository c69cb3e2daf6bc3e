/* Fuzzes the pwquality.conf parser and the pam_pwquality / pam_cracklib argument handling. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/pwquality.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-pwquality-XXXXXX";
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
	ks_pwq q;
	if (size && data[0] == 'c')
		ks_pwq_cracklib_defaults(&q);
	else
		ks_pwq_defaults(&q);
	int rc = ks_pwq_parse_buffer(&ctx, "/etc/security/pwquality.conf", (const char *)data, size, &q);
	if (rc != 0 && rc != KS_EPARSE)
		abort();
	/* The same bytes as module arguments: NUL-terminated words. */
	char *copy = ks_arena_strndup(ctx.arena, (const char *)data, size);
	const char *args[64];
	size_t n = 0;
	for (char *p = copy, *save = NULL, *w; p && n < 64 && (w = strtok_r(p, " \t\n", &save)); p = NULL)
		args[n++] = w;
	if (ks_pwq_apply_args(&ctx, &q, args, n, "/etc/pam.d/common-password", 25) != 0)
		abort();
	if (q.s[KS_PWQ_MINCLASS].v > 4 || (!q.cracklib && q.s[KS_PWQ_MINLEN].v < 6))
		abort(); /* the libraries' clamps hold */
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
