/* Fuzzes the deb822 reader and the dpkg status parser, then looks names up in the result. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/dpkg.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-dpkg-XXXXXX";
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
	/* The reader alone: every field lies inside the input. */
	ks_deb822 r;
	ks_deb822_field f;
	ks_deb822_init(&r, &ctx, "/x", (const char *)data, size);
	int k;
	while ((k = ks_deb822_next(&r, &f)) != KS_DEB822_EOF)
		if (k == KS_DEB822_FIELD &&
		    (f.raw < (const char *)data || f.raw + f.raw_len > (const char *)data + size ||
		     f.value < f.raw || f.value + f.value_len > f.raw + f.raw_len))
			abort();
	ks_value installed;
	if (ks_dpkg_parse_buffer(&ctx, "/var/lib/dpkg/status", (const char *)data, size, &installed) == 0) {
		static const char *const names[] = {"", "a", "dpkg", "openssh-server", "zzzz"};
		for (size_t i = 0; i < sizeof names / sizeof *names; i++)
			ks_dpkg_find_in(&installed, names[i]);
		/* Every installed package must be found by its own name. */
		for (size_t i = 0; i < installed.u.list.n; i++) {
			const ks_value *n = ks_record_get(&installed.u.list.items[i], "name");
			if (!n || n->type != KS_VAL_STR || !ks_dpkg_find_in(&installed, n->u.str.s))
				if (n && n->type == KS_VAL_STR && strlen(n->u.str.s) == n->u.str.len)
					abort();
		}
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
