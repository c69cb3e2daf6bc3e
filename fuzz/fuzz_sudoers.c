/* Fuzzes the sudoers parser (includes resolve into an empty root) and the admin.* facts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/sudoers.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

/* One empty root for the whole run. */
static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-sudoers-XXXXXX";
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
	/* Accounts and groups, as the accounts collector would have left them. */
	ks_value accts = ks_val_list(), groups = ks_val_list();
	static const struct { const char *name; int uid, gid; } users[] = {
		{"root", 0, 0}, {"alice", 1000, 27}, {"bob", 1001, 1001}, {"ALICE", 1002, 10},
	};
	for (size_t i = 0; i < sizeof users / sizeof *users; i++) {
		ks_value r = ks_val_record();
		ks_record_set(ctx.arena, &r, "name", ks_val_strz(ctx.arena, users[i].name));
		ks_record_set(ctx.arena, &r, "uid", ks_val_int(users[i].uid));
		ks_record_set(ctx.arena, &r, "gid", ks_val_int(users[i].gid));
		ks_list_push(ctx.arena, &accts, r);
	}
	static const struct { const char *name; int gid; const char *member; } grs[] = {
		{"sudo", 27, "bob"}, {"wheel", 10, "carol"}, {"ops", 2000, "alice"},
	};
	for (size_t i = 0; i < sizeof grs / sizeof *grs; i++) {
		ks_value r = ks_val_record(), m = ks_val_list();
		ks_list_push(ctx.arena, &m, ks_val_strz(ctx.arena, grs[i].member));
		ks_record_set(ctx.arena, &r, "name", ks_val_strz(ctx.arena, grs[i].name));
		ks_record_set(ctx.arena, &r, "gid", ks_val_int(grs[i].gid));
		ks_record_set(ctx.arena, &r, "members", m);
		ks_list_push(ctx.arena, &groups, r);
	}
	ks_fact_put(ctx.facts, "accounts.list", accts, "/etc/passwd", 0);
	ks_fact_put(ctx.facts, "accounts.groups", groups, "/etc/group", 0);
	ks_sudoers *s = ks_sudoers_new(ctx.arena);
	if (!s || ks_sudoers_parse_buffer(&ctx, s, "/etc/sudoers", (const char *)data, size) != 0 ||
	    ks_sudoers_publish(&ctx, s) != 0)
		abort();
	const ks_fact *h = ks_fact_get(ctx.facts, "admin.holders");
	if (!h || (h->value.type != KS_VAL_LIST && h->value.type != KS_VAL_UNKNOWN))
		abort();
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
