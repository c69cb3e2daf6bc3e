/* Finds a profile by name (compiled-in data) or path, and loads the catalog it names. */
#ifndef KS_REGISTRY_H
#define KS_REGISTRY_H
#include <stddef.h>

#include "profile/profile.h"

/* NAME is a built-in profile name ("mhlw-r7") or a path to a YAML file (contains '/' or ends in
 * ".yaml"). Errors name the file, line and column. */
int ks_profile_open(ks_arena *a, const char *name, ks_profile **out, char *err, size_t errlen);

/* Every built-in catalog (for checking ids that may belong to another profile). Returns the count;
 * the array has room for one more entry after them. *OUT is NULL when out of memory. */
size_t ks_catalog_builtins(ks_arena *a, const ks_catalog ***out);

/* Built-in profile names, NULL-terminated iteration by index. */
const char *ks_profile_builtin(size_t i);

#endif
