/* sudoers collector: /etc/sudoers and its includes -> admin.* facts (who can become root). */
#ifndef KS_SUDOERS_H
#define KS_SUDOERS_H
#include <stddef.h>

#include "collect.h"

/* Parsed rules and aliases of one sudoers tree (arena allocated). */
typedef struct ks_sudoers ks_sudoers;

ks_sudoers *ks_sudoers_new(ks_arena *a);

/* Parses DATA as the sudoers file PATH. @include/@includedir (and #include/#includedir) lines
 * are followed through ctx->root, relative to PATH's directory, up to KS_MAX_INCLUDE_DEPTH deep
 * and KS_MAX_INCLUDE_FILES files; loops are diagnosed. Returns 0 or KS_ENOMEM. */
int ks_sudoers_parse_buffer(ks_collect_ctx *ctx, ks_sudoers *s, const char *path, const char *data,
                            size_t len);

/* Expands aliases and group references and writes the admin.* facts. Reads the accounts.list
 * and accounts.groups facts (collector "accounts" runs first). */
int ks_sudoers_publish(ks_collect_ctx *ctx, ks_sudoers *s);

int ks_collect_sudoers(ks_collect_ctx *ctx);

#endif
