/* login.defs(5) parser with shadow-utils 4.13 getdef semantics (Debian 12). */
#ifndef KS_LOGINDEFS_H
#define KS_LOGINDEFS_H
#include <stddef.h>

#include "collect.h"

typedef struct ks_logindefs_item {
	const char *key;
	const char *value; /* as getdef stores it: leading blanks and '"' skipped, cut at the next '"' */
	int line;
} ks_logindefs_item;

typedef struct ks_logindefs {
	const char *path;
	ks_logindefs_item *items; /* file order; for a key repeated, the last one counts */
	size_t n;
} ks_logindefs;

/* Parses DATA (login.defs syntax). Returns 0 or KS_ENOMEM. */
int ks_logindefs_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                              ks_logindefs *out);

/* The item getdef would use for KEY (the last occurrence), or NULL. */
const ks_logindefs_item *ks_logindefs_get(const ks_logindefs *d, const char *key);

#endif
