/* kenshin.conf parser: comments (#), blank lines, `key = value`; values may be double-quoted. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

int ks_config_parse(const char *path, const char *data, size_t len, ks_config_fn fn, void *ud, char *err,
                    size_t errlen)
{
	ks_lines it;
	const char *line;
	size_t n;
	ks_lines_init(&it, data, len);
	if (!ks_is_text(data, len)) {
		snprintf(err, errlen, "%s: binary data where a text configuration was expected", path);
		return KS_EPARSE;
	}
	while (ks_lines_next(&it, &line, &n)) {
		ks_trim(&line, &n);
		if (n == 0 || line[0] == '#')
			continue;
		if (n > KS_MAX_LINE) {
			snprintf(err, errlen, "%s:%d: line longer than %u bytes", path, it.lineno, KS_MAX_LINE);
			return KS_EPARSE;
		}
		const char *eq = memchr(line, '=', n);
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected 'key = value'", path, it.lineno);
			return KS_EPARSE;
		}
		const char *k = line, *v = eq + 1;
		size_t kn = (size_t)(eq - line), vn = n - kn - 1;
		ks_trim(&k, &kn);
		ks_trim(&v, &vn);
		if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
			v++;
			vn -= 2;
		}
		bool ok = kn > 0 && kn < 64;
		for (size_t i = 0; ok && i < kn; i++)
			ok = (k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_';
		if (!ok) {
			snprintf(err, errlen, "%s:%d: expected a setting name of lower-case letters, digits and '_'",
			         path, it.lineno);
			return KS_EPARSE;
		}
		char key[64], value[KS_MAX_LINE + 1];
		memcpy(key, k, kn);
		key[kn] = '\0';
		memcpy(value, v, vn);
		value[vn] = '\0';
		int rc = fn(ud, key, value, it.lineno, err, errlen);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}
