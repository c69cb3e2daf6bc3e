/* Fuzzes the waivers file loader against the mhlw-r7 catalog. */
#include <stddef.h>
#include <stdint.h>

#include "catalog/data.h"
#include "verdict/waiver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	ks_arena *a = ks_arena_new();
	if (!a)
		return 0;
	char err[512];
	size_t clen;
	const char *cdata = ks_data_find("catalog/mhlw-r7.yaml", &clen);
	ks_catalog *c;
	if (cdata && ks_catalog_load(a, "catalog/mhlw-r7.yaml", cdata, clen, &c, err, sizeof err) == 0) {
		ks_waivers w;
		const ks_catalog *cats[] = {c};
		ks_waivers_load(a, "waivers.yaml", (const char *)data, size, cats, 1, &w, err, sizeof err);
	}
	ks_arena_free(a);
	return 0;
}
