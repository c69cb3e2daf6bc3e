/* Profile lookup: built-ins come from the embedded data files, custom ones from disk. */
#include "registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/data.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/yaml.h"

static int read_file(ks_arena *a, const char *path, char **data, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return KS_ENOENT;
	}
	char *buf = ks_arena_alloc(a, KS_MAX_CONFIG_BYTES + 1);
	size_t n = buf ? fread(buf, 1, KS_MAX_CONFIG_BYTES + 1, f) : 0;
	fclose(f);
	if (!buf)
		return KS_ENOMEM;
	if (n > KS_MAX_CONFIG_BYTES) {
		snprintf(err, errlen, "%s: larger than %u bytes", path, KS_MAX_CONFIG_BYTES);
		return KS_ETOOBIG;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return KS_OK;
}

int ks_profile_open(ks_arena *a, const char *name, ks_profile **out, char *err, size_t errlen)
{
	*out = NULL;
	const char *data;
	size_t len;
	char *origin;
	bool is_path = strchr(name, '/') || (strlen(name) > 5 && strcmp(name + strlen(name) - 5, ".yaml") == 0);
	if (is_path) {
		char *buf;
		int rc = read_file(a, name, &buf, &len, err, errlen);
		if (rc < 0)
			return rc;
		data = buf;
		origin = ks_arena_strdup(a, name);
	} else {
		origin = ks_arena_printf(a, "profiles/%s.yaml", name);
		data = origin ? ks_data_find(origin, &len) : NULL;
		if (!data) {
			snprintf(err, errlen, "no built-in profile '%s' (see `kenshin profiles`)", name);
			return KS_EUSAGE;
		}
	}
	/* The profile names its catalog; read that key first so the catalog can validate the rules. */
	ks_yaml *y;
	int rc = ks_yaml_load(&y, origin, data, len, err, errlen);
	if (rc < 0)
		return rc;
	const char *cname = ks_yaml_str(y, ks_yaml_get(y, ks_yaml_root(y), "catalog"));
	char *catpath = cname ? ks_arena_printf(a, "catalog/%s.yaml", cname) : NULL;
	ks_yaml_free(y);
	if (!catpath) {
		snprintf(err, errlen, "%s: missing 'catalog'", origin);
		return KS_EPARSE;
	}
	size_t clen;
	const char *cdata = ks_data_find(catpath, &clen);
	if (!cdata) {
		snprintf(err, errlen, "%s: no built-in catalog '%s'", origin, catpath);
		return KS_EPARSE;
	}
	ks_catalog *cat;
	rc = ks_catalog_load(a, catpath, cdata, clen, &cat, err, errlen);
	if (rc < 0)
		return rc;
	return ks_profile_load(a, origin, data, len, cat, out, err, errlen);
}

const char *ks_profile_builtin(size_t i)
{
	static char names[32][64];
	size_t k = 0;
	for (size_t j = 0; ks_data_name(j); j++) {
		const char *n = ks_data_name(j);
		size_t len = strlen(n);
		if (strncmp(n, "profiles/", 9) != 0 || len < 14 || strcmp(n + len - 5, ".yaml") != 0)
			continue;
		if (k == i && k < 32) {
			snprintf(names[k], sizeof names[k], "%.*s", (int)(len - 14), n + 9);
			return names[k];
		}
		k++;
	}
	return NULL;
}

size_t ks_catalog_builtins(ks_arena *a, const ks_catalog ***out)
{
	size_t n = 0;
	*out = NULL;
	for (size_t i = 0; ks_data_name(i); i++)
		n += strncmp(ks_data_name(i), "catalog/", 8) == 0;
	const ks_catalog **v = ks_arena_alloc(a, (n + 1) * sizeof *v);
	if (!v)
		return 0;
	size_t k = 0;
	for (size_t i = 0; ks_data_name(i); i++) {
		const char *name = ks_data_name(i);
		size_t len;
		const char *data = ks_data_find(name, &len);
		ks_catalog *c;
		char err[256];
		/* Only catalogs of items (the vendor countermeasure table is a reference list). */
		if (strncmp(name, "catalog/", 8) == 0 && ks_catalog_load(a, name, data, len, &c, err, sizeof err) == 0)
			v[k++] = c;
	}
	*out = v;
	return k;
}
