/* Catalog and profile files compiled into the binary (see cmake/embed.cmake). */
#ifndef KS_DATA_H
#define KS_DATA_H
#include <stddef.h>

/* NAME is the path relative to the source tree, e.g. "profiles/mhlw-r7.yaml". NULL if absent. */
const char *ks_data_find(const char *name, size_t *len);
/* Iterates over embedded files: returns the Ith name or NULL past the end. */
const char *ks_data_name(size_t i);

#endif
