/* Service enablement from unit links and SysV start links (see systemd_enable.h). */
#include "systemd_enable.h"

#include <string.h>
#include <sys/stat.h>

#include "core/error.h"

/* systemd.unit(5): a unit file that is empty or links to /dev/null is masked; a dangling link
 * cannot be loaded either. */
static bool masked(ks_collect_ctx *ctx, const char *path)
{
	struct stat lst, st;
	if (ks_rootfs_lstat(ctx->root, path, &lst) < 0)
		return false;
	if (ks_rootfs_stat(ctx->root, path, &st) < 0)
		return S_ISLNK(lst.st_mode);
	return S_ISCHR(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size == 0);
}

/* A link that resolves inside the root to a non-empty unit file: what `systemctl enable` makes. */
static bool live_link(ks_collect_ctx *ctx, const char *path)
{
	struct stat lst, st;
	if (ks_rootfs_lstat(ctx->root, path, &lst) < 0)
		return false;
	return ks_rootfs_stat(ctx->root, path, &st) == KS_OK && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* systemd-sysv-generator only wraps an init script when no native unit of that name exists. */
static bool native_unit(ks_collect_ctx *ctx, const char *const *units)
{
	static const char *const dirs[] = {"/etc/systemd/system", "/run/systemd/system",
	                                   "/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
	                                   "/lib/systemd/system"};
	for (size_t u = 0; units[u]; u++)
		for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
			char *p = ks_arena_printf(ctx->arena, "%s/%s", dirs[d], units[u]);
			struct stat st;
			if (p && ks_rootfs_stat(ctx->root, p, &st) == KS_OK && S_ISREG(st.st_mode))
				return true;
		}
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcmp(s + n - k, suffix) == 0;
}

/* update-rc.d names start links S<two digits><script> in the multi-user runlevels and rcS.d. */
static int sysv_enabled(ks_collect_ctx *ctx, const char *sysv, ks_unit_enablement *out)
{
	static const char *const dirs[] = {"/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d", "/etc/rcS.d"};
	for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
		const char **names;
		size_t n;
		int rc = ks_rootfs_list(ctx->root, ctx->arena, dirs[d], &names, &n);
		if (rc == KS_ENOMEM)
			return rc;
		for (size_t i = 0; rc == KS_OK && i < n; i++) {
			const char *s = names[i];
			if (s[0] != 'S' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9' || strcmp(s + 3, sysv))
				continue;
			char *p = ks_arena_printf(ctx->arena, "%s/%s", dirs[d], s);
			if (!p)
				return KS_ENOMEM;
			struct stat st;
			if (ks_rootfs_stat(ctx->root, p, &st) == KS_OK && S_ISREG(st.st_mode)) {
				out->state = KS_UNIT_ENABLED;
				out->path = p;
				return KS_OK;
			}
		}
	}
	return KS_OK;
}

int ks_systemd_enable_query(ks_collect_ctx *ctx, const char *const *units, const char *sysv,
                            ks_unit_enablement *out)
{
	memset(out, 0, sizeof *out);
	/* systemctl mask writes /etc; `mask --runtime` writes /run, which also wins over links. */
	static const char *const mask_dirs[] = {"/etc/systemd/system", "/run/systemd/system"};
	for (size_t u = 0; units[u]; u++)
		for (size_t d = 0; d < 2; d++) {
			char *p = ks_arena_printf(ctx->arena, "%s/%s", mask_dirs[d], units[u]);
			if (!p)
				return KS_ENOMEM;
			if (masked(ctx, p)) {
				out->state = KS_UNIT_MASKED;
				out->path = p;
				return KS_OK;
			}
		}
	/* systemctl enable links the unit into the .wants/ or .requires/ directory of each target
	 * named by its WantedBy=/RequiredBy= (systemd.unit(5) [Install]). */
	const char *base = "/etc/systemd/system";
	const char **names;
	size_t n;
	int lrc = ks_rootfs_list(ctx->root, ctx->arena, base, &names, &n);
	if (lrc == KS_ENOMEM)
		return lrc;
	for (size_t i = 0; lrc == KS_OK && i < n; i++) {
		if (!ends_with(names[i], ".wants") && !ends_with(names[i], ".requires"))
			continue;
		for (size_t u = 0; units[u]; u++) {
			char *p = ks_arena_printf(ctx->arena, "%s/%s/%s", base, names[i], units[u]);
			if (!p)
				return KS_ENOMEM;
			if (live_link(ctx, p)) {
				out->state = KS_UNIT_ENABLED;
				out->path = p;
				return KS_OK;
			}
		}
	}
	if (sysv && !native_unit(ctx, units)) {
		int rc = sysv_enabled(ctx, sysv, out);
		if (rc < 0 || out->state == KS_UNIT_ENABLED)
			return rc;
	}
	if (lrc < 0 && lrc != KS_ENOENT && lrc != KS_ENOTDIR) {
		out->state = KS_UNIT_UNREADABLE;
		out->path = base;
		out->detail = ks_arena_printf(ctx->arena, "%s: %s", base, ks_strerror(lrc));
		return out->detail ? KS_OK : KS_ENOMEM;
	}
	out->state = KS_UNIT_DISABLED;
	out->detail = ks_arena_printf(ctx->arena, "no link to %s in /etc/systemd/system/*.wants%s%s", units[0],
	                              sysv ? " and no /etc/rc?.d/S??" : "", sysv ? sysv : "");
	return out->detail ? KS_OK : KS_ENOMEM;
}

int ks_systemd_enable_fact(ks_collect_ctx *ctx, const char *key, const char *const *units,
                           const char *sysv, bool *enabled)
{
	ks_unit_enablement e;
	*enabled = false;
	int rc = ks_systemd_enable_query(ctx, units, sysv, &e);
	if (rc < 0)
		return rc;
	switch (e.state) {
	case KS_UNIT_ENABLED:
		*enabled = true;
		return ks_fact_bool(ctx->facts, key, true, e.path, 0);
	case KS_UNIT_MASKED:
		return ks_fact_bool(ctx->facts, key, false, e.path, 0);
	case KS_UNIT_UNREADABLE:
		return ks_fact_unknown(ctx->facts, key, e.path, "%s", e.detail);
	default:
		return ks_fact_put_probe(ctx->facts, key, ks_val_bool(false), e.detail);
	}
}
