/* login.defs collector: /etc/login.defs -> login_defs.pass_max_days, pass_min_days,
 * pass_warn_age, encrypt_method, umask (shadow-utils 4.13 getdef semantics). */
#include "logindefs.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

#define LOGIN_DEFS "/etc/login.defs"
#define GETDEF_LINE 1023 /* def_load() reads with fgets() into 1024 bytes */
#define NO_MAX_AGE 99999 /* how "no maximum" is written in shadow(5) and Debian's login.defs */

int ks_logindefs_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                              ks_logindefs *out)
{
	memset(out, 0, sizeof *out);
	if (!(out->path = ks_arena_strdup(ctx->arena, path)))
		return KS_ENOMEM;
	size_t cap = 0;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *ln;
	size_t n;
	while (ks_lines_next(&it, &ln, &n)) {
		if (n > GETDEF_LINE - 1) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, out->path, it.lineno, 0,
			            "line longer than %d characters: skipped", GETDEF_LINE - 1);
			continue;
		}
		while (n && ks_is_space(ln[n - 1]))
			n--;
		size_t i = 0;
		while (i < n && (ln[i] == ' ' || ln[i] == '\t'))
			i++;
		if (i == n || ln[i] == '#')
			continue;
		/* def_load(): the name runs to the first blank; a name alone is skipped. */
		size_t ks = i;
		while (i < n && ln[i] != ' ' && ln[i] != '\t')
			i++;
		if (i == n) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, out->path, it.lineno, (int)ks + 1,
			            "'%.*s' has no value: ignored", (int)((i - ks) > 64 ? 64 : i - ks), ln + ks);
			continue;
		}
		size_t klen = i - ks;
		i++;
		/* The value skips blanks and double quotes and ends at the next double quote; text
		 * after it (a trailing "# comment" too) is part of the value, as in shadow. */
		while (i < n && (ln[i] == ' ' || ln[i] == '\t' || ln[i] == '"'))
			i++;
		size_t vs = i;
		while (i < n && ln[i] != '"')
			i++;
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			ks_logindefs_item *ni = ks_arena_alloc(ctx->arena, nc * sizeof *ni);
			if (!ni)
				return KS_ENOMEM;
			if (out->n)
				memcpy(ni, out->items, out->n * sizeof *ni);
			out->items = ni;
			cap = nc;
		}
		ks_logindefs_item *item = &out->items[out->n];
		item->key = ks_arena_strndup(ctx->arena, ln + ks, klen);
		item->value = ks_arena_strndup(ctx->arena, ln + vs, i - vs);
		item->line = it.lineno;
		if (!item->key || !item->value)
			return KS_ENOMEM;
		out->n++;
	}
	return KS_OK;
}

const ks_logindefs_item *ks_logindefs_get(const ks_logindefs *d, const char *key)
{
	/* putdef_str() replaces the stored value: the last occurrence wins. */
	for (size_t i = d->n; i-- > 0;)
		if (strcmp(d->items[i].key, key) == 0)
			return &d->items[i];
	return NULL;
}

/* getlong(): strtol(base 0) over the whole value (octal "022", hex "0x1f"). */
static bool getlong(const char *s, long *out)
{
	if (!*s)
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 0);
	if (*end || errno == ERANGE || v > INT_MAX || v < INT_MIN)
		return false;
	*out = v;
	return true;
}

static const char *const unset = "default (not set in " LOGIN_DEFS ")";

/* An integer key. ABSENT is what kenshin reports when getdef falls back to its default. */
static int int_fact(ks_collect_ctx *ctx, const ks_logindefs *d, const char *key, const char *fact,
                    int64_t absent, const char *meaning, bool no_max)
{
	ks_arena *a = ctx->arena;
	const ks_logindefs_item *it = ks_logindefs_get(d, key);
	long v;
	if (!it) {
		const char *p = ks_arena_printf(a, "%s: shadow-utils uses %s", unset, meaning);
		return p ? ks_fact_put_probe(ctx->facts, fact, ks_val_int(absent), p) : KS_ENOMEM;
	}
	if (!getlong(it->value, &v)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, d->path, it->line, 0,
		            "%s '%s' is not a number: shadow-utils uses its default", key, it->value);
		const char *p = ks_arena_printf(a, "%s '%s' (%s:%d) is not a number: shadow-utils uses %s",
		                                key, it->value, d->path, it->line, meaning);
		return p ? ks_fact_put_probe(ctx->facts, fact, ks_val_int(absent), p) : KS_ENOMEM;
	}
	if (no_max && v < 0) {
		/* A negative maximum disables ageing; reported as 99999 so that comparisons stay honest. */
		const char *p = ks_arena_printf(a, "%s %ld (%s:%d) means no maximum; reported as %d", key, v,
		                                d->path, it->line, NO_MAX_AGE);
		return p ? ks_fact_put_probe(ctx->facts, fact, ks_val_int(NO_MAX_AGE), p) : KS_ENOMEM;
	}
	return ks_fact_int(ctx->facts, fact, v, d->path, it->line);
}

static int str_fact(ks_collect_ctx *ctx, const ks_logindefs *d, const char *key, const char *fact,
                    const char *absent, const char *meaning)
{
	const ks_logindefs_item *it = ks_logindefs_get(d, key);
	if (it)
		return ks_fact_str(ctx->facts, fact, it->value, d->path, it->line);
	const char *p = ks_arena_printf(ctx->arena, "%s: %s", unset, meaning);
	return p ? ks_fact_put_probe(ctx->facts, fact, ks_val_strz(ctx->arena, absent), p) : KS_ENOMEM;
}

static const char *const fact_keys[] = {
	"login_defs.pass_max_days", "login_defs.pass_min_days", "login_defs.pass_warn_age",
	"login_defs.encrypt_method", "login_defs.umask",
};

int ks_collect_logindefs(ks_collect_ctx *ctx)
{
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, LOGIN_DEFS, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		const char *why = rc == KS_ENOENT ? LOGIN_DEFS " not present" : ks_strerror(rc);
		for (size_t i = 0; i < sizeof fact_keys / sizeof *fact_keys; i++)
			if (ks_fact_unknown(ctx->facts, fact_keys[i], LOGIN_DEFS, "%s", why) < 0)
				return KS_ENOMEM;
		return KS_OK;
	}
	ks_logindefs d;
	if (ks_logindefs_parse_buffer(ctx, LOGIN_DEFS, data, len, &d) < 0)
		return KS_ENOMEM;
	/* Programs call getdef_num("PASS_MAX_DAYS", -1) etc.: -1 = no maximum / minimum / warning. */
	if (int_fact(ctx, &d, "PASS_MAX_DAYS", fact_keys[0], NO_MAX_AGE, "no maximum age (99999)", true) < 0 ||
	    int_fact(ctx, &d, "PASS_MIN_DAYS", fact_keys[1], 0, "no minimum age (0)", false) < 0 ||
	    int_fact(ctx, &d, "PASS_WARN_AGE", fact_keys[2], 0, "no warning (0)", false) < 0)
		return KS_ENOMEM;
	/* salt.c (4.13): without ENCRYPT_METHOD, MD5 if MD5_CRYPT_ENAB is "yes", else DES. */
	const ks_logindefs_item *md5 = ks_logindefs_get(&d, "MD5_CRYPT_ENAB");
	bool use_md5 = md5 && strcasecmp(md5->value, "yes") == 0;
	if (str_fact(ctx, &d, "ENCRYPT_METHOD", fact_keys[3], use_md5 ? "MD5" : "DES",
	             use_md5 ? "shadow-utils hashes with MD5 (MD5_CRYPT_ENAB yes)"
	                     : "shadow-utils hashes with DES") < 0)
		return KS_ENOMEM;
	const ks_logindefs_item *um = ks_logindefs_get(&d, "UMASK");
	long v;
	if (um && !getlong(um->value, &v)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, d.path, um->line, 0,
		            "UMASK '%s' is not a number: shadow-utils uses 022", um->value);
		const char *p = ks_arena_printf(ctx->arena, "UMASK '%s' (%s:%d) is not a number: shadow-utils "
		                                            "uses 022", um->value, d.path, um->line);
		if (!p || ks_fact_put_probe(ctx->facts, fact_keys[4], ks_val_strz(ctx->arena, "022"), p) < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	if (str_fact(ctx, &d, "UMASK", fact_keys[4], "022", "shadow-utils uses 022 (GETDEF_DEFAULT_UMASK)") < 0)
		return KS_ENOMEM;
	return KS_OK;
}
