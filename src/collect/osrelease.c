/* os-release collector: /etc/os-release (or /usr/lib/os-release) -> os.id, os.version_id,
 * os.version_codename, os.pretty_name, os.id_like. */
#include "osrelease.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

static const char *const var_names[KS_OSR_NKEYS] = {
	[KS_OSR_ID] = "ID",
	[KS_OSR_VERSION_ID] = "VERSION_ID",
	[KS_OSR_VERSION_CODENAME] = "VERSION_CODENAME",
	[KS_OSR_PRETTY_NAME] = "PRETTY_NAME",
	[KS_OSR_ID_LIKE] = "ID_LIKE",
};

static const char *const fact_keys[KS_OSR_NKEYS] = {
	[KS_OSR_ID] = "os.id",
	[KS_OSR_VERSION_ID] = "os.version_id",
	[KS_OSR_VERSION_CODENAME] = "os.version_codename",
	[KS_OSR_PRETTY_NAME] = "os.pretty_name",
	[KS_OSR_ID_LIKE] = "os.id_like",
};

char *ks_osrelease_unquote(ks_arena *a, const char *s, size_t len, const char **err)
{
	char *out = ks_arena_alloc(a, len + 1);
	if (!out) {
		*err = "out of memory";
		return NULL;
	}
	size_t o = 0, i = 0;
	*err = NULL;
	while (i < len && s[i] != ' ' && s[i] != '\t') {
		char c = s[i];
		if (c == '\'') {
			/* Shell single quotes: everything literal up to the next quote. */
			const char *q = memchr(s + i + 1, '\'', len - i - 1);
			if (!q) {
				*err = "unterminated single quote";
				return NULL;
			}
			size_t n = (size_t)(q - (s + i + 1));
			memcpy(out + o, s + i + 1, n);
			o += n;
			i += n + 2;
		} else if (c == '"') {
			/* os-release(5): inside double quotes, $ ` " \ are escaped with a backslash. */
			i++;
			while (i < len && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < len && s[i + 1] && strchr("$`\"\\", s[i + 1])) {
					out[o++] = s[i + 1];
					i += 2;
				} else {
					out[o++] = s[i++];
				}
			}
			if (i >= len) {
				*err = "unterminated double quote";
				return NULL;
			}
			i++;
		} else if (c == '\\') {
			if (i + 1 >= len) {
				*err = "backslash at end of line (continuation lines are not allowed)";
				return NULL;
			}
			out[o++] = s[i + 1];
			i += 2;
		} else {
			out[o++] = c;
			i++;
		}
	}
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && s[i] != '#') {
		*err = "unquoted white space in value (quote values that contain spaces)";
		return NULL;
	}
	out[o] = '\0';
	return out;
}

static bool valid_name(const char *s, size_t n)
{
	if (!n || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

int ks_osrelease_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                              ks_osrelease *out)
{
	memset(out, 0, sizeof *out);
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next_capped(&it, ctx->diags, path, &line, &n)) {
		const char *s = line;
		ks_trim(&s, &n);
		if (!n || s[0] == '#')
			continue;
		const char *eq = memchr(s, '=', n);
		if (!eq || !valid_name(s, (size_t)(eq - s))) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1,
			            "expected KEY=value; line skipped");
			continue;
		}
		size_t klen = (size_t)(eq - s);
		int which = -1;
		for (int k = 0; k < KS_OSR_NKEYS; k++)
			if (ks_eq(s, klen, var_names[k]))
				which = k;
		const char *err;
		char *v = ks_osrelease_unquote(ctx->arena, eq + 1, n - klen - 1, &err);
		if (!v) {
			if (err && strcmp(err, "out of memory") == 0)
				return KS_ENOMEM;
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, (int)(klen + 2),
			            "%s; line skipped", err);
			continue;
		}
		if (which >= 0) {
			out->value[which] = v;
			out->line[which] = it.lineno;
		}
	}
	return KS_OK;
}

static int put_all(ks_collect_ctx *ctx, const char *path, const ks_osrelease *r)
{
	for (int k = 0; k < KS_OSR_NKEYS; k++) {
		int rc;
		if (r->value[k]) {
			rc = ks_fact_str(ctx->facts, fact_keys[k], r->value[k], path, r->line[k]);
		} else if (k == KS_OSR_ID) {
			/* os-release(5): "If not set, a default of ID=linux may be used." */
			rc = ks_fact_put_probe(ctx->facts, fact_keys[k], ks_val_strz(ctx->arena, "linux"),
			                       "default per os-release(5): ID not set");
		} else if (k == KS_OSR_PRETTY_NAME) {
			rc = ks_fact_put_probe(ctx->facts, fact_keys[k], ks_val_strz(ctx->arena, "Linux"),
			                       "default per os-release(5): PRETTY_NAME not set");
		} else if (k == KS_OSR_ID_LIKE) {
			/* No ID_LIKE means the distribution names no parent: an empty list, not unknown. */
			rc = ks_fact_put_probe(ctx->facts, fact_keys[k], ks_val_strz(ctx->arena, ""),
			                       "ID_LIKE not set (no parent distribution)");
		} else {
			rc = ks_fact_unknown(ctx->facts, fact_keys[k], path, "%s not set in %s", var_names[k],
			                     path);
		}
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_collect_osrelease(ks_collect_ctx *ctx)
{
	/* os-release(5): /etc/os-release takes precedence; /usr/lib/os-release is the fallback.
	 * On Debian /etc/os-release is a relative symlink to ../usr/lib/os-release, which the
	 * root-confined read follows inside the root. */
	static const char *const paths[] = {"/etc/os-release", "/usr/lib/os-release"};
	char *data = NULL;
	size_t len = 0;
	const char *path = NULL;
	int rc = KS_ENOENT;
	for (size_t i = 0; i < 2; i++) {
		rc = ks_collect_read(ctx, paths[i], &data, &len);
		if (rc == KS_ENOENT)
			continue;
		path = paths[i];
		break;
	}
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		for (int k = 0; k < KS_OSR_NKEYS; k++) {
			int r2 = path ? ks_fact_unknown(ctx->facts, fact_keys[k], path, "%s: %s", path,
			                                ks_strerror(rc))
			              : ks_fact_unknown(ctx->facts, fact_keys[k], NULL,
			                                "no /etc/os-release or /usr/lib/os-release");
			if (r2 < 0)
				return r2;
		}
		return KS_OK;
	}
	ks_osrelease r;
	if (!ks_is_text(data, len)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0, "binary data (NUL bytes) in a text file");
		len = strlen(data);
	}
	if ((rc = ks_osrelease_parse_buffer(ctx, path, data, len, &r)) < 0)
		return rc;
	return put_all(ctx, path, &r);
}
