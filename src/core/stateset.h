/* A set of fixed-size byte states, for walks that must visit each state once (PAM stack walks:
 * paths that meet again are explored once, bounding the walk by distinct states). States are
 * compared and hashed as bytes, so callers zero their padding. */
#ifndef KS_STATESET_H
#define KS_STATESET_H
#include <stddef.h>

typedef struct ks_stateset {
	unsigned char *slot; /* cap * size bytes */
	unsigned char *used;
	size_t size, cap, n;
} ks_stateset;

/* An empty set of states of SIZE bytes; nothing to free until the first add. */
#define KS_STATESET_INIT(sz) {.size = (sz)}

/* Adds STATE: 1 if it was new, 0 if already present, KS_ENOMEM. */
int ks_stateset_add(ks_stateset *s, const void *state);
void ks_stateset_free(ks_stateset *s);

#endif
