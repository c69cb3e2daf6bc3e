/* Fuzzes the scan result reader (kenshin checklist input from other machines) against the mhlw-r7
 * catalog, and checks what it hands out: every kept string within its cap and NUL-terminated. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/data.h"
#include "checklist/results.h"

static void check_evidence(const ks_cl_result *r)
{
	for (size_t i = 0; i < r->nevidence; i++) {
		const ks_cl_evidence *e = &r->evidence[i];
		if (strlen(e->fact) > KS_CL_VALUE_MAX || strlen(e->value) > KS_CL_VALUE_MAX ||
		    (e->source && strlen(e->source) > KS_CL_VALUE_MAX) || (e->note && strlen(e->note) > KS_CL_VALUE_MAX))
			abort();
	}
}

/* The catalog is loaded once: parsing its YAML on every input would dominate the run. */
static const ks_catalog *catalog(void)
{
	static ks_arena *a;
	static ks_catalog *c;
	if (!a) {
		char err[512];
		size_t clen;
		const char *cdata = ks_data_find("catalog/mhlw-r7.yaml", &clen);
		a = ks_arena_new();
		if (!a || !cdata || ks_catalog_load(a, "catalog/mhlw-r7.yaml", cdata, clen, &c, err, sizeof err) != 0)
			abort();
	}
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20)
		return 0;
	const ks_catalog *c = catalog();
	ks_arena *a = ks_arena_new();
	/* a copy of exactly SIZE bytes: the reader must not look past the end */
	char *copy = malloc(size ? size : 1);
	if (!a || !copy)
		abort();
	memcpy(copy, data, size);
	char err[512];
	ks_cl_host h;
	if (ks_cl_result_read(a, "r.json", copy, size, c, &h, err, sizeof err) == 0) {
		if (!h.hostname || strlen(h.hostname) > 255 || h.nresults != c->nitems)
			abort();
		for (size_t i = 0; i < h.nresults; i++)
			check_evidence(&h.results[i]);
	} else if (!memchr(err, 0, sizeof err) || strncmp(err, "r.json", 6) != 0) {
		abort();
	}
	free(copy);
	ks_arena_free(a);
	return 0;
}
