/* Shared helpers for loading typed fields from YAML data files (catalog, profiles, config). */
#ifndef KS_LOADUTIL_H
#define KS_LOADUTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "core/arena.h"
#include "core/yaml.h"

struct ks_loader {
	ks_arena *a;
	ks_yaml *y;
	char *err;
	size_t errlen;
};

/* Writes "file:line:col: MSG" to the error buffer; returns KS_EPARSE. */
int ks_loader_fail(struct ks_loader *l, ks_ynode at, const char *msg);
/* Field KEY of MAP as an arena string; absent optional -> NULL. */
int ks_loader_str(struct ks_loader *l, ks_ynode map, const char *key, bool required, const char **out);
int ks_loader_int(struct ks_loader *l, ks_ynode map, const char *key, bool required, int64_t *out);
/* {ja: .., en: ..} mapping, or a plain string used for both. */
int ks_loader_text(struct ks_loader *l, ks_ynode map, const char *key, bool required, ks_text *out);
/* A list of scalars; absent -> empty. */
int ks_loader_strlist(struct ks_loader *l, ks_ynode map, const char *key, const char ***out, size_t *n);

#endif
