/* Fuzzes the /etc/shadow parser, the password classification and the keyed digest. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/accounts.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

/* One empty root for the whole run. */
static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-shadow-XXXXXX";
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
	ks_shadow_ent *sh;
	size_t n;
	for (int i = 0; i < KS_DIGEST_KEY_BYTES; i++)
		ctx.digest_key[i] = (unsigned char)(i * 7);
	if (ks_accounts_parse_shadow(&ctx, "/etc/shadow", (const char *)data, size, &sh, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			char hex[KS_ACCOUNTS_DIGEST_HEX];
			if (!sh[i].name || sh[i].pw < (const char *)data ||
			    sh[i].pw + sh[i].pw_len > (const char *)data + size)
				abort();
			if (ks_accounts_classify(sh[i].pw, sh[i].pw_len) == KS_PW_HASH &&
			    (ks_accounts_digest(&ctx, sh[i].pw, sh[i].pw_len, hex) != 0 || strlen(hex) != 64))
				abort();
		}
	}
	/* No diagnostic may quote the file (any field may hold a hash): the fixed messages never
	 * contain 12 characters in a row from the crypt(5) alphabet, a quoted hash would. */
	for (size_t i = 0; i < ks_diags_count(ctx.diags); i++) {
		size_t run = 0;
		for (const char *m = ks_diags_at(ctx.diags, i)->message; *m; m++) {
			int c = (unsigned char)*m;
			run = (c == '.' || c == '/' || c == '$' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			       (c >= 'A' && c <= 'Z')) ? run + 1 : 0;
			if (run >= 12)
				abort();
		}
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
