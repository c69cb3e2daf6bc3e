/* Fuzzes Debian version parsing and ordering: two versions from one input (split at the first
 * newline); ordering must be reflexive and antisymmetric, and parsed parts must lie in the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/debversion.h"

static int sign(int x) { return (x > 0) - (x < 0); }

static void check_parts(const ks_debversion *v, const char *s, size_t n)
{
	if (v->upstream < s || v->upstream + v->upstream_len > s + n || v->upstream_len == 0)
		abort();
	if (v->revision_len && (v->revision < s || v->revision + v->revision_len > s + n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t an = nl ? (size_t)(nl - s) : size;
	const char *b = nl ? nl + 1 : s;
	size_t bn = nl ? size - an - 1 : size;
	ks_debversion va, vb;
	const char *why;
	int oka = ks_debversion_parse(&va, s, an, &why) == 0;
	int okb = ks_debversion_parse(&vb, b, bn, &why) == 0;
	(void)ks_debversion_valid(s, an, NULL);
	if (oka) {
		check_parts(&va, s, an);
		if (ks_debversion_cmp(&va, &va) != 0)
			abort();
	}
	if (okb)
		check_parts(&vb, b, bn);
	if (oka && okb) {
		int ab = sign(ks_debversion_cmp(&va, &vb)), ba = sign(ks_debversion_cmp(&vb, &va));
		if (ab != -ba)
			abort();
		int r;
		if (ks_debversion_compare(s, an, b, bn, &r, NULL, NULL) != 0 || r != ab)
			abort();
	}
	return 0;
}
