/* Test support: scratch trees and contexts (see support.h). */
#include "support.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *ks_test_tmpdir(void)
{
	char tmpl[] = "/tmp/kenshin-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static void mkparents(char *path)
{
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				fail_msg("mkdir %s: %s", path, strerror(errno));
			*p = '/';
		}
}

void ks_test_write(const char *root, const char *relpath, const char *content)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", root, relpath[0] == '/' ? relpath + 1 : relpath);
	mkparents(path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

void ks_test_rmtree(const char *dir)
{
	if (strncmp(dir, "/tmp/kenshin-test-", 18) != 0)
		return;
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
}

ks_collect_ctx *ks_test_ctx(const char *root)
{
	ks_collect_ctx *ctx = calloc(1, sizeof *ctx);
	assert_non_null(ctx);
	ctx->arena = ks_arena_new();
	assert_non_null(ctx->arena);
	assert_int_equal(ks_rootfs_open(&ctx->root, root), 0);
	ctx->facts = ks_facts_new(ctx->arena);
	ctx->diags = ks_diags_new(ctx->arena);
	ctx->now = 1763769600; /* 2025-11-22T00:00:00Z: fixed so ages in tests are exact */
	ctx->live = false;
	for (int i = 0; i < KS_DIGEST_KEY_BYTES; i++)
		ctx->digest_key[i] = (unsigned char)i;
	return ctx;
}

void ks_test_ctx_free(ks_collect_ctx *ctx)
{
	if (!ctx)
		return;
	ks_rootfs_close(ctx->root);
	ks_arena_free(ctx->arena);
	free(ctx);
}

static const ks_fact *need(ks_collect_ctx *ctx, const char *key, ks_vtype t)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	if (!f)
		fail_msg("fact %s was not set", key);
	if (f->value.type != t)
		fail_msg("fact %s has type %d, expected %d (reason: %s)", key, f->value.type, t,
		         f->reason ? f->reason : "-");
	return f;
}

long long ks_test_fact_int(ks_collect_ctx *ctx, const char *key)
{
	return (long long)need(ctx, key, KS_VAL_INT)->value.u.i;
}

int ks_test_fact_bool(ks_collect_ctx *ctx, const char *key)
{
	return need(ctx, key, KS_VAL_BOOL)->value.u.b;
}

const char *ks_test_fact_str(ks_collect_ctx *ctx, const char *key)
{
	return need(ctx, key, KS_VAL_STR)->value.u.str.s;
}

int ks_test_fact_is_unknown(ks_collect_ctx *ctx, const char *key)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	if (!f)
		fail_msg("fact %s was not set", key);
	return f->value.type == KS_VAL_UNKNOWN;
}
