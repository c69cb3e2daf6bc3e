/* Fuzzes the nginx configuration parser (ngx_conf_file.c syntax, ssl_protocols/listen/ssl). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/webtls.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

/* One empty root for the whole run: includes find nothing in it. */
static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-nginx-XXXXXX";
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
	ks_webtls out;
	ks_webtls_init(&out);
	unsigned dflt = size && (data[0] & 1) ? (1u << 2 | 1u << 3 | 1u << 4) : 0;
	if (ks_webtls_nginx_parse_buffer(&ctx, "/etc/nginx/nginx.conf", (const char *)data, size, dflt, &out) != 0)
		abort();
	if (out.servers.type != KS_VAL_LIST || out.servers.u.list.n != out.ntls || out.nbad + out.nunknown > out.ntls)
		abort();
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
