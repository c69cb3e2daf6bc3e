/* Open-addressing set of byte states (see stateset.h). */
#include "stateset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static uint64_t hash(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

int ks_stateset_add(ks_stateset *s, const void *state)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		unsigned char *ns = calloc(cap, s->size), *nu = calloc(cap, 1);
		if (!ns || !nu) {
			free(ns);
			free(nu);
			return KS_ENOMEM;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->used[i])
				continue;
			size_t j = (size_t)hash(s->slot + i * s->size, s->size) & (cap - 1);
			while (nu[j])
				j = (j + 1) & (cap - 1);
			memcpy(ns + j * s->size, s->slot + i * s->size, s->size);
			nu[j] = 1;
		}
		free(s->slot);
		free(s->used);
		s->slot = ns;
		s->used = nu;
		s->cap = cap;
	}
	size_t j = (size_t)hash(state, s->size) & (s->cap - 1);
	while (s->used[j]) {
		if (memcmp(s->slot + j * s->size, state, s->size) == 0)
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	memcpy(s->slot + j * s->size, state, s->size);
	s->used[j] = 1;
	s->n++;
	return 1;
}

void ks_stateset_free(ks_stateset *s)
{
	free(s->slot);
	free(s->used);
	s->slot = s->used = NULL;
	s->cap = s->n = 0;
}
