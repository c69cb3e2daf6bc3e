/* Fact store: open-addressing hash table over an insertion-ordered array, all in one arena. */
#include "fact.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

struct ks_facts {
	ks_arena *arena;
	ks_fact **order;
	size_t n, cap;
	ks_fact **slots; /* hash table, size nslots (power of two) */
	size_t nslots;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

ks_facts *ks_facts_new(ks_arena *a)
{
	ks_facts *f = ks_arena_alloc(a, sizeof *f);
	if (!f)
		return NULL;
	f->arena = a;
	f->nslots = 256;
	f->slots = ks_arena_alloc(a, f->nslots * sizeof *f->slots);
	return f->slots ? f : NULL;
}

ks_arena *ks_facts_arena(const ks_facts *f) { return f->arena; }

static ks_fact **find_slot(ks_fact **slots, size_t nslots, const char *key)
{
	size_t i = (size_t)hash(key) & (nslots - 1);
	while (slots[i] && strcmp(slots[i]->key, key) != 0)
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

static int grow(ks_facts *f)
{
	size_t ns = f->nslots * 2;
	ks_fact **slots = ks_arena_alloc(f->arena, ns * sizeof *slots);
	if (!slots)
		return KS_ENOMEM;
	for (size_t i = 0; i < f->n; i++)
		*find_slot(slots, ns, f->order[i]->key) = f->order[i];
	f->slots = slots;
	f->nslots = ns;
	return KS_OK;
}

static ks_fact *get_or_add(ks_facts *f, const char *key)
{
	ks_fact **slot = find_slot(f->slots, f->nslots, key);
	if (*slot)
		return *slot;
	if ((f->n + 1) * 2 > f->nslots) {
		if (grow(f) < 0)
			return NULL;
		slot = find_slot(f->slots, f->nslots, key);
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		ks_fact **o = ks_arena_alloc(f->arena, cap * sizeof *o);
		if (!o)
			return NULL;
		if (f->n)
			memcpy(o, f->order, f->n * sizeof *o);
		f->order = o;
		f->cap = cap;
	}
	ks_fact *fact = ks_arena_alloc(f->arena, sizeof *fact);
	if (!fact || !(fact->key = ks_arena_strdup(f->arena, key)))
		return NULL;
	f->order[f->n++] = fact;
	*slot = fact;
	return fact;
}

int ks_fact_put(ks_facts *f, const char *key, ks_value v, const char *path, int line)
{
	ks_fact *fact = get_or_add(f, key);
	if (!fact)
		return KS_ENOMEM;
	fact->value = v;
	fact->source = (ks_source){.path = path ? ks_arena_strdup(f->arena, path) : NULL, .line = line};
	fact->reason = NULL;
	return path && !fact->source.path ? KS_ENOMEM : KS_OK;
}

int ks_fact_put_probe(ks_facts *f, const char *key, ks_value v, const char *probe)
{
	ks_fact *fact = get_or_add(f, key);
	if (!fact)
		return KS_ENOMEM;
	fact->value = v;
	fact->source = (ks_source){.probe = probe ? ks_arena_strdup(f->arena, probe) : NULL};
	fact->reason = NULL;
	return probe && !fact->source.probe ? KS_ENOMEM : KS_OK;
}

int ks_fact_unknown(ks_facts *f, const char *key, const char *path, const char *fmt, ...)
{
	ks_fact *fact = get_or_add(f, key);
	if (!fact)
		return KS_ENOMEM;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fact->value = ks_val_unknown();
	fact->source = (ks_source){.path = path ? ks_arena_strdup(f->arena, path) : NULL};
	fact->reason = ks_arena_strdup(f->arena, buf);
	return fact->reason ? KS_OK : KS_ENOMEM;
}

int ks_fact_bool(ks_facts *f, const char *key, bool b, const char *path, int line)
{
	return ks_fact_put(f, key, ks_val_bool(b), path, line);
}

int ks_fact_int(ks_facts *f, const char *key, int64_t i, const char *path, int line)
{
	return ks_fact_put(f, key, ks_val_int(i), path, line);
}

int ks_fact_str(ks_facts *f, const char *key, const char *s, const char *path, int line)
{
	return ks_fact_put(f, key, ks_val_strz(f->arena, s), path, line);
}

const ks_fact *ks_fact_get(const ks_facts *f, const char *key)
{
	return *find_slot(f->slots, f->nslots, key);
}

size_t ks_facts_count(const ks_facts *f) { return f->n; }

const ks_fact *ks_facts_at(const ks_facts *f, size_t i)
{
	return i < f->n ? f->order[i] : NULL;
}

ks_value ks_val_bool(bool b) { return (ks_value){.type = KS_VAL_BOOL, .u.b = b}; }
ks_value ks_val_int(int64_t i) { return (ks_value){.type = KS_VAL_INT, .u.i = i}; }
ks_value ks_val_list(void) { return (ks_value){.type = KS_VAL_LIST}; }
ks_value ks_val_record(void) { return (ks_value){.type = KS_VAL_RECORD}; }
ks_value ks_val_unknown(void) { return (ks_value){.type = KS_VAL_UNKNOWN}; }

ks_value ks_val_str(ks_arena *a, const char *s, size_t len)
{
	ks_value v = {.type = KS_VAL_STR};
	v.u.str.s = ks_arena_strndup(a, s ? s : "", s ? len : 0);
	v.u.str.len = v.u.str.s ? len : 0;
	if (!v.u.str.s)
		v.type = KS_VAL_UNKNOWN;
	return v;
}

ks_value ks_val_strz(ks_arena *a, const char *s)
{
	return ks_val_str(a, s, s ? strlen(s) : 0);
}

int ks_list_push(ks_arena *a, ks_value *list, ks_value item)
{
	if (list->u.list.n == list->u.list.cap) {
		size_t cap = list->u.list.cap ? list->u.list.cap * 2 : 4;
		ks_value *items = ks_arena_alloc(a, cap * sizeof *items);
		if (!items)
			return KS_ENOMEM;
		if (list->u.list.n)
			memcpy(items, list->u.list.items, list->u.list.n * sizeof *items);
		list->u.list.items = items;
		list->u.list.cap = cap;
	}
	list->u.list.items[list->u.list.n++] = item;
	return KS_OK;
}

int ks_record_set(ks_arena *a, ks_value *rec, const char *key, ks_value v)
{
	for (size_t i = 0; i < rec->u.rec.n; i++)
		if (strcmp(rec->u.rec.keys[i], key) == 0) {
			rec->u.rec.vals[i] = v;
			return KS_OK;
		}
	if (rec->u.rec.n == rec->u.rec.cap) {
		size_t cap = rec->u.rec.cap ? rec->u.rec.cap * 2 : 8;
		const char **keys = ks_arena_alloc(a, cap * sizeof *keys);
		ks_value *vals = ks_arena_alloc(a, cap * sizeof *vals);
		if (!keys || !vals)
			return KS_ENOMEM;
		if (rec->u.rec.n) {
			memcpy(keys, rec->u.rec.keys, rec->u.rec.n * sizeof *keys);
			memcpy(vals, rec->u.rec.vals, rec->u.rec.n * sizeof *vals);
		}
		rec->u.rec.keys = keys;
		rec->u.rec.vals = vals;
		rec->u.rec.cap = cap;
	}
	const char *k = ks_arena_strdup(a, key);
	if (!k)
		return KS_ENOMEM;
	rec->u.rec.keys[rec->u.rec.n] = k;
	rec->u.rec.vals[rec->u.rec.n++] = v;
	return KS_OK;
}

const ks_value *ks_record_get(const ks_value *rec, const char *key)
{
	if (rec->type != KS_VAL_RECORD)
		return NULL;
	for (size_t i = 0; i < rec->u.rec.n; i++)
		if (strcmp(rec->u.rec.keys[i], key) == 0)
			return &rec->u.rec.vals[i];
	return NULL;
}

bool ks_value_equal(const ks_value *x, const ks_value *y)
{
	if (x->type != y->type)
		return false;
	switch (x->type) {
	case KS_VAL_UNKNOWN: return false;
	case KS_VAL_BOOL: return x->u.b == y->u.b;
	case KS_VAL_INT: return x->u.i == y->u.i;
	case KS_VAL_STR:
		return x->u.str.len == y->u.str.len && memcmp(x->u.str.s, y->u.str.s, x->u.str.len) == 0;
	case KS_VAL_LIST:
		if (x->u.list.n != y->u.list.n)
			return false;
		for (size_t i = 0; i < x->u.list.n; i++)
			if (!ks_value_equal(&x->u.list.items[i], &y->u.list.items[i]))
				return false;
		return true;
	case KS_VAL_RECORD:
		if (x->u.rec.n != y->u.rec.n)
			return false;
		for (size_t i = 0; i < x->u.rec.n; i++) {
			const ks_value *o = ks_record_get(y, x->u.rec.keys[i]);
			if (!o || !ks_value_equal(&x->u.rec.vals[i], o))
				return false;
		}
		return true;
	}
	return false;
}

struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void format_rec(struct sbuf *b, const ks_value *v, int depth)
{
	char num[32];
	if (depth > 8) {
		sb_str(b, "…");
		return;
	}
	switch (v->type) {
	case KS_VAL_UNKNOWN: sb_str(b, "unknown"); break;
	case KS_VAL_BOOL: sb_str(b, v->u.b ? "yes" : "no"); break;
	case KS_VAL_INT:
		snprintf(num, sizeof num, "%lld", (long long)v->u.i);
		sb_str(b, num);
		break;
	case KS_VAL_STR: sb_add(b, v->u.str.s, v->u.str.len); break;
	case KS_VAL_LIST:
		if (v->u.list.n == 0)
			sb_str(b, "(none)");
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i)
				sb_str(b, ", ");
			format_rec(b, &v->u.list.items[i], depth + 1);
		}
		break;
	case KS_VAL_RECORD: {
		/* Records print by their "name" field (and "summary", when a collector wrote one): that is
		 * what people look for; the JSON report keeps every field. */
		const ks_value *name = ks_record_get(v, "name");
		if (name) {
			format_rec(b, name, depth + 1);
			const ks_value *summary = ks_record_get(v, "summary");
			if (summary && summary->type == KS_VAL_STR) {
				sb_str(b, ": ");
				sb_add(b, summary->u.str.s, summary->u.str.len);
			}
			break;
		}
		sb_str(b, "{");
		for (size_t i = 0; i < v->u.rec.n; i++) {
			if (i)
				sb_str(b, " ");
			sb_str(b, v->u.rec.keys[i]);
			sb_str(b, "=");
			format_rec(b, &v->u.rec.vals[i], depth + 1);
		}
		sb_str(b, "}");
		break;
	}
	}
}

char *ks_value_format(ks_arena *a, const ks_value *v)
{
	struct sbuf b = {0};
	format_rec(&b, v, 0);
	char *out = b.oom ? NULL : ks_arena_strdup(a, b.p ? b.p : "");
	free(b.p);
	return out;
}
