/* Fuzzes catalog and profile loading (libyaml underneath, our schema checks and expression
 * parsing on top). The first byte picks catalog or profile; profiles load against the real catalog. */
#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "catalog/data.h"
#include "profile/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	ks_arena *a = ks_arena_new();
	if (!a)
		return 0;
	char err[512];
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	if (data[0] & 1) {
		ks_catalog *c;
		ks_catalog_load(a, "fuzz.yaml", text, len, &c, err, sizeof err);
	} else {
		size_t clen;
		const char *cdata = ks_data_find("catalog/mhlw-r7.yaml", &clen);
		ks_catalog *c;
		ks_profile *p;
		if (cdata && ks_catalog_load(a, "catalog/mhlw-r7.yaml", cdata, clen, &c, err, sizeof err) == 0)
			ks_profile_load(a, "fuzz.yaml", text, len, c, &p, err, sizeof err);
	}
	ks_arena_free(a);
	return 0;
}
