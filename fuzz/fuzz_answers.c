/* Fuzzes the checklist answers loader against the mhlw-r7 catalog, on both forms. */
#include <stddef.h>
#include <stdint.h>

#include "catalog/data.h"
#include "checklist/answers.h"

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
		/* both forms: they differ in what is required and which items are allowed */
		for (int form = KS_FORM_FACILITY; form <= KS_FORM_VENDOR; form++) {
			ks_diags *d = ks_diags_new(a);
			ks_answers *ans;
			ks_answers_load(a, "answers.yaml", (const char *)data, size, c, form, &ans, d);
			if (ans)
				(void)ks_answers_find(ans, "3-3");
		}
	}
	ks_arena_free(a);
	return 0;
}
