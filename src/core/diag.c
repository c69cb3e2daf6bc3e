/* Diagnostic list: bounded, arena-backed, insertion ordered. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

#include "limits.h"

struct ks_diags {
	ks_arena *arena;
	ks_diag *items;
	size_t n, cap, dropped;
};

ks_diags *ks_diags_new(ks_arena *a)
{
	ks_diags *d = ks_arena_alloc(a, sizeof *d);
	if (d)
		d->arena = a;
	return d;
}

void ks_diag_add(ks_diags *d, ks_diag_severity sev, const char *path, int line, int column,
                 const char *fmt, ...)
{
	if (!d)
		return;
	if (d->n >= KS_MAX_DIAGS) {
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		ks_diag *items = ks_arena_alloc(d->arena, cap * sizeof *items);
		if (!items) {
			d->dropped++;
			return;
		}
		for (size_t i = 0; i < d->n; i++)
			items[i] = d->items[i];
		d->items = items;
		d->cap = cap;
	}
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ks_diag *g = &d->items[d->n++];
	g->severity = sev;
	g->path = path ? ks_arena_strdup(d->arena, path) : NULL;
	g->line = line;
	g->column = column;
	g->message = ks_arena_strdup(d->arena, buf);
}

size_t ks_diags_count(const ks_diags *d)
{
	return d ? d->n : 0;
}

const ks_diag *ks_diags_at(const ks_diags *d, size_t i)
{
	return i < d->n ? &d->items[i] : NULL;
}

size_t ks_diags_dropped(const ks_diags *d)
{
	return d ? d->dropped : 0;
}
