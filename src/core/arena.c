/* Arena allocator: chunks of growing size, bump allocation, freed all at once. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct ks_arena {
	struct chunk *head;
	size_t total;
	unsigned long fail_after;
};

ks_arena *ks_arena_new(void)
{
	return calloc(1, sizeof(ks_arena));
}

void ks_arena_free(ks_arena *a)
{
	if (!a)
		return;
	struct chunk *c = a->head;
	while (c) {
		struct chunk *n = c->next;
		free(c);
		c = n;
	}
	free(a);
}

void ks_arena_fail_after(ks_arena *a, unsigned long n)
{
	a->fail_after = n;
}

void *ks_arena_alloc(ks_arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	if (a->fail_after && --a->fail_after == 0)
		return NULL;
	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		size_t sz = c ? c->size * 2 : 16384;
		if (sz > (1u << 22))
			sz = 1u << 22;
		if (sz < n)
			sz = n;
		c = malloc(sizeof(struct chunk) + sz);
		if (!c)
			return NULL;
		c->size = sz;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->total += sz;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *ks_arena_strndup(ks_arena *a, const char *s, size_t n)
{
	char *p = ks_arena_alloc(a, n + 1);
	if (p && n)
		memcpy(p, s, n);
	return p;
}

char *ks_arena_strdup(ks_arena *a, const char *s)
{
	return s ? ks_arena_strndup(a, s, strlen(s)) : NULL;
}

char *ks_arena_printf(ks_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = ks_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t ks_arena_used(const ks_arena *a)
{
	return a->total;
}
