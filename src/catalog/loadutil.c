/* Typed field access with positioned errors for YAML data files. */
#include "loadutil.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"

int ks_loader_fail(struct ks_loader *l, ks_ynode at, const char *msg)
{
	if (l->err && l->errlen)
		snprintf(l->err, l->errlen, "%s:%d:%d: %s", ks_yaml_name(l->y), ks_yaml_line(l->y, at),
		         ks_yaml_column(l->y, at), msg);
	return KS_EPARSE;
}

static int missing(struct ks_loader *l, ks_ynode map, const char *key)
{
	char msg[160];
	snprintf(msg, sizeof msg, "missing required field '%s'", key);
	return ks_loader_fail(l, map, msg);
}

int ks_loader_str(struct ks_loader *l, ks_ynode map, const char *key, bool required, const char **out)
{
	*out = NULL;
	ks_ynode n = ks_yaml_get(l->y, map, key);
	if (!n)
		return required ? missing(l, map, key) : 0;
	const char *s = ks_yaml_str(l->y, n);
	if (!s) {
		char msg[160];
		snprintf(msg, sizeof msg, "field '%s' must be a single value", key);
		return ks_loader_fail(l, n, msg);
	}
	*out = ks_arena_strdup(l->a, s);
	return *out ? 0 : KS_ENOMEM;
}

int ks_loader_int(struct ks_loader *l, ks_ynode map, const char *key, bool required, int64_t *out)
{
	const char *s;
	int rc = ks_loader_str(l, map, key, required, &s);
	if (rc < 0 || !s)
		return rc;
	if (!ks_parse_int(s, strlen(s), out)) {
		char msg[160];
		snprintf(msg, sizeof msg, "field '%s' must be a whole number", key);
		return ks_loader_fail(l, ks_yaml_get(l->y, map, key), msg);
	}
	return 0;
}

int ks_loader_text(struct ks_loader *l, ks_ynode map, const char *key, bool required, ks_text *out)
{
	out->ja = out->en = NULL;
	ks_ynode n = ks_yaml_get(l->y, map, key);
	if (!n)
		return required ? missing(l, map, key) : 0;
	if (ks_yaml_is_scalar(l->y, n)) {
		out->ja = out->en = ks_arena_strdup(l->a, ks_yaml_str(l->y, n));
		return 0;
	}
	if (!ks_yaml_is_map(l->y, n)) {
		char msg[160];
		snprintf(msg, sizeof msg, "field '%s' must be text or {ja: ..., en: ...}", key);
		return ks_loader_fail(l, n, msg);
	}
	if (ks_loader_str(l, n, "ja", false, &out->ja) < 0 || ks_loader_str(l, n, "en", false, &out->en) < 0)
		return KS_EPARSE;
	return 0;
}

int ks_loader_strlist(struct ks_loader *l, ks_ynode map, const char *key, const char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	ks_ynode s = ks_yaml_get(l->y, map, key);
	if (!s)
		return 0;
	if (!ks_yaml_is_seq(l->y, s)) {
		char msg[160];
		snprintf(msg, sizeof msg, "field '%s' must be a list", key);
		return ks_loader_fail(l, s, msg);
	}
	size_t len = ks_yaml_len(l->y, s);
	const char **v = ks_arena_alloc(l->a, (len + 1) * sizeof *v);
	if (!v)
		return KS_ENOMEM;
	for (size_t i = 0; i < len; i++) {
		const char *str = ks_yaml_str(l->y, ks_yaml_at(l->y, s, i));
		if (!str) {
			char msg[160];
			snprintf(msg, sizeof msg, "items of '%s' must be single values", key);
			return ks_loader_fail(l, ks_yaml_at(l->y, s, i), msg);
		}
		v[i] = ks_arena_strdup(l->a, str);
	}
	*out = v;
	*n = len;
	return 0;
}
