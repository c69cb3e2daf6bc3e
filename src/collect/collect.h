/* What every collector receives, and the list of collectors. A collector reads host files through
 * ctx->root only, writes facts, and records diagnostics; it never writes to the host. */
#ifndef KS_COLLECT_H
#define KS_COLLECT_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

#define KS_DIGEST_KEY_BYTES 32

typedef struct ks_collect_ctx {
	ks_arena *arena;
	ks_rootfs *root;
	ks_facts *facts;
	ks_diags *diags;
	time_t now;        /* scan time; ages ("days since") are computed against it */
	bool live;         /* the root is the running system: probes of /proc etc. are meaningful */
	unsigned char digest_key[KS_DIGEST_KEY_BYTES]; /* keys the digests of password hashes */
} ks_collect_ctx;

/* Reads a configuration file (capped at KS_MAX_CONFIG_BYTES). A missing file returns KS_ENOENT
 * silently; any other failure also records a warning diagnostic naming the path. */
int ks_collect_read(ks_collect_ctx *ctx, const char *path, char **data, size_t *len);

/* "path:line" (or "path" when line is 0), arena allocated; for record fields named "source". */
const char *ks_collect_where(ks_collect_ctx *ctx, const char *path, int line);

typedef int (*ks_collector_fn)(ks_collect_ctx *ctx);

/* Runs every collector in dependency order. Returns 0, or KS_ENOMEM. */
int ks_collect_all(ks_collect_ctx *ctx);

#endif
