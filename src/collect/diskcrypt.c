/* diskcrypt collector: /etc/crypttab, live dm-crypt devices and the devices under /, /var, /srv
 * and /home -> disk.crypttab, disk.encrypted_volumes, disk.data_mounts, disk.root_encrypted,
 * disk.encrypted. */
#include "diskcrypt.h"

#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

#define MOUNTINFO "/proc/self/mountinfo"
#define MAX_STACK 8 /* device-mapper layers followed (LUKS under LVM under RAID ...) */

/* fstab(5), crypttab(5) and mountinfo escape blanks and backslashes as \ooo. */
static char *unescape(ks_arena *a, const char *s, size_t n)
{
	char *out = ks_arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[k++] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = 0;
	return out;
}

/* Splits a line into at most MAX blank-separated fields; returns the count (MAX + 1 if more). */
static size_t fields(const char *line, size_t n, const char **f, size_t *fl, size_t max)
{
	size_t k = 0;
	const char *w;
	size_t wl;
	while (ks_next_word(&line, &n, &w, &wl)) {
		if (k == max)
			return max + 1;
		f[k] = w;
		fl[k++] = wl;
	}
	return k;
}

int ks_diskcrypt_parse_crypttab(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                ks_value *list)
{
	ks_arena *a = ctx->arena;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next_capped(&it, ctx->diags, path, &line, &n)) {
		ks_trim(&line, &n);
		if (!n || line[0] == '#')
			continue;
		const char *f[4];
		size_t fl[4];
		size_t k = fields(line, n, f, fl, 4);
		if (k < 2 || k > 4) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1,
			            "expected \"name device [keyfile [options]]\"");
			continue;
		}
		char *name = unescape(a, f[0], fl[0]), *dev = unescape(a, f[1], fl[1]);
		char *key = k > 2 ? unescape(a, f[2], fl[2]) : ks_arena_strdup(a, "none");
		char *opts = k > 3 ? unescape(a, f[3], fl[3]) : ks_arena_strdup(a, "");
		const char *src = ks_collect_where(ctx, path, it.lineno);
		ks_value rec = ks_val_record();
		if (!name || !dev || !key || !opts || !src || ks_record_set(a, &rec, "name", ks_val_strz(a, name)) < 0 ||
		    ks_record_set(a, &rec, "device", ks_val_strz(a, dev)) < 0 ||
		    ks_record_set(a, &rec, "keyfile", ks_val_strz(a, key)) < 0 ||
		    ks_record_set(a, &rec, "options", ks_val_strz(a, opts)) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, src)) < 0 || ks_list_push(a, list, rec) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

static int push_mount(ks_arena *a, ks_mount **m, size_t *n, size_t *cap, ks_mount v)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		ks_mount *nm = ks_arena_alloc(a, c * sizeof *nm);
		if (!nm)
			return KS_ENOMEM;
		if (*n)
			memcpy(nm, *m, *n * sizeof *nm);
		*m = nm;
		*cap = c;
	}
	(*m)[(*n)++] = v;
	return KS_OK;
}

int ks_diskcrypt_parse_fstab(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                             ks_mount **mounts, size_t *count)
{
	ks_arena *a = ctx->arena;
	size_t cap = 0;
	*mounts = NULL;
	*count = 0;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next_capped(&it, ctx->diags, path, &line, &n)) {
		ks_trim(&line, &n);
		if (!n || line[0] == '#')
			continue;
		const char *f[6];
		size_t fl[6];
		size_t k = fields(line, n, f, fl, 6);
		if (k < 3 || k > 6) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1,
			            "expected \"spec file vfstype [options [freq [passno]]]\"");
			continue;
		}
		ks_mount m = {unescape(a, f[0], fl[0]), unescape(a, f[1], fl[1]), unescape(a, f[2], fl[2]), 0, 0, path,
		              it.lineno};
		if (!m.spec || !m.dir || !m.type || push_mount(a, mounts, count, &cap, m) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

int ks_diskcrypt_parse_mountinfo(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                 ks_mount **mounts, size_t *count)
{
	ks_arena *a = ctx->arena;
	size_t cap = 0;
	*mounts = NULL;
	*count = 0;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next(&it, &line, &n)) {
		if (n > KS_MAX_LINE || !n)
			continue;
		/* id parent major:minor root mountpoint options [optional...] - fstype source superopts */
		const char *f[KS_MAX_TOKENS];
		size_t fl[KS_MAX_TOKENS];
		size_t k = fields(line, n, f, fl, KS_MAX_TOKENS);
		size_t dash = 0;
		for (size_t i = 6; i < k && i < KS_MAX_TOKENS; i++)
			if (ks_eq(f[i], fl[i], "-")) {
				dash = i;
				break;
			}
		unsigned maj = 0, min = 0;
		char mm[32];
		bool ok = k <= KS_MAX_TOKENS && dash && dash + 2 < k && fl[2] < sizeof mm;
		if (ok) {
			memcpy(mm, f[2], fl[2]);
			mm[fl[2]] = 0;
			char extra;
			ok = sscanf(mm, "%u:%u%c", &maj, &min, &extra) == 2;
		}
		if (!ok) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "expected a mountinfo line");
			continue;
		}
		ks_mount m = {unescape(a, f[dash + 2], fl[dash + 2]),
		              unescape(a, f[4], fl[4]), unescape(a, f[dash + 1], fl[dash + 1]), maj, min, path, it.lineno};
		if (!m.spec || !m.dir || !m.type || push_mount(a, mounts, count, &cap, m) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

/* ---- judging one device ------------------------------------------------------------------- */

enum { E_FALSE, E_TRUE, E_UNKNOWN };

struct enc {
	int state;
	const char *path; /* provenance */
	int line;
	const char *why;  /* for the record and unknown reasons */
};

struct dc {
	ks_collect_ctx *ctx;
	ks_value crypttab;
	bool crypttab_read; /* the file exists */
	bool crypttab_bad;  /* ... but could not be read */
};

static const ks_value *crypttab_entry(struct dc *d, const char *name)
{
	for (size_t i = 0; i < d->crypttab.u.list.n; i++) {
		const ks_value *v = ks_record_get(&d->crypttab.u.list.items[i], "name");
		if (v && v->type == KS_VAL_STR && strcmp(v->u.str.s, name) == 0)
			return &d->crypttab.u.list.items[i];
	}
	return NULL;
}

static struct enc crypttab_true(struct dc *d, const ks_value *e, const char *name)
{
	const ks_value *src = ks_record_get(e, "source");
	const char *s = src && src->type == KS_VAL_STR ? src->u.str.s : KS_CRYPTTAB;
	const char *colon = strrchr(s, ':');
	int line = 0;
	if (colon)
		sscanf(colon + 1, "%d", &line);
	return (struct enc){E_TRUE, KS_CRYPTTAB, line,
	                    ks_arena_printf(d->ctx->arena, "dm-crypt mapping %s from %s", name, s)};
}

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static bool raw_disk(const char *spec)
{
	static const char *const raw[] = {"/dev/sd", "/dev/vd", "/dev/xvd", "/dev/hd", "/dev/nvme", "/dev/mmcblk"};
	for (size_t i = 0; i < sizeof raw / sizeof *raw; i++)
		if (has_prefix(spec, raw[i]))
			return true;
	return false;
}

/* "/dev/mapper/VG-LV" -> VG: a single '-' separates, "--" stands for '-' (lvm(8)). */
static char *mapper_vg(ks_arena *a, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < n; i++) {
		if (name[i] != '-')
			continue;
		if (name[i + 1] == '-') {
			i++;
			continue;
		}
		if (i == 0 || i + 1 >= n)
			return NULL;
		char *vg = ks_arena_alloc(a, i + 1);
		if (!vg)
			return NULL;
		size_t k = 0;
		for (size_t j = 0; j < i; j++) {
			vg[k++] = name[j];
			if (name[j] == '-')
				j++;
		}
		vg[k] = 0;
		return vg;
	}
	return NULL;
}

static bool vg_name_ok(const char *vg)
{
	if (!vg[0] || vg[0] == '.')
		return false;
	for (const char *p = vg; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("+_.-", *p)))
			return false;
	return true;
}

static struct enc judge_spec(struct dc *d, const char *spec, const char *path, int line, bool in_lvm);

/* An LVM logical volume offline: the physical volumes its group's metadata backup names
 * (/etc/lvm/backup/VG, "device = "/dev/..." # Hint only"). */
static struct enc judge_lvm(struct dc *d, const char *vg, const char *path, int line)
{
	ks_collect_ctx *ctx = d->ctx;
	if (!vg_name_ok(vg))
		return (struct enc){E_UNKNOWN, path, line, "not a volume group name"};
	const char *bpath = ks_arena_printf(ctx->arena, "/etc/lvm/backup/%s", vg);
	char *data;
	size_t len;
	int rc = bpath ? ks_collect_read(ctx, bpath, &data, &len) : KS_ENOMEM;
	if (rc < 0)
		return (struct enc){E_UNKNOWN, path, line,
		                    ks_arena_printf(ctx->arena, "LVM volume group %s: %s: %s", vg, bpath ? bpath : "?",
		                                    ks_strerror(rc))};
	int pv = 0, yes = 0, no = 0, first = 0;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *l;
	size_t n;
	while (ks_lines_next(&it, &l, &n)) {
		ks_trim(&l, &n);
		if (n < 10 || memcmp(l, "device", 6) != 0)
			continue;
		if (pv == KS_MAX_TOKENS) {
			/* More physical volumes than any real group: do not conclude. */
			pv++;
			break;
		}
		const char *q1 = memchr(l, '"', n);
		const char *q2 = q1 ? memchr(q1 + 1, '"', (size_t)(l + n - q1 - 1)) : NULL;
		const char *eq = memchr(l, '=', n);
		if (!q1 || !q2 || !eq || eq > q1)
			continue;
		char *dev = ks_arena_strndup(ctx->arena, q1 + 1, (size_t)(q2 - q1 - 1));
		if (!dev)
			break;
		struct enc e = judge_spec(d, dev, bpath, it.lineno, true);
		pv++;
		if (!first)
			first = it.lineno;
		yes += e.state == E_TRUE;
		no += e.state == E_FALSE;
	}
	if (pv && yes == pv)
		return (struct enc){E_TRUE, bpath, first,
		                    ks_arena_printf(ctx->arena, "LVM volume group %s on dm-crypt physical volumes", vg)};
	if (pv && no == pv)
		return (struct enc){E_FALSE, bpath, first,
		                    ks_arena_printf(ctx->arena, "LVM volume group %s on unencrypted physical volumes", vg)};
	return (struct enc){E_UNKNOWN, bpath, first,
	                    pv ? ks_arena_printf(ctx->arena, "LVM volume group %s: its physical volumes are not all "
	                                                     "known to be encrypted", vg)
	                       : ks_arena_printf(ctx->arena, "LVM volume group %s: no physical volume in %s", vg, bpath)};
}

/* A device named in fstab (or mountinfo) judged from the files alone. */
static struct enc judge_spec(struct dc *d, const char *spec, const char *path, int line, bool in_lvm)
{
	ks_arena *a = d->ctx->arena;
	const char *mapped = has_prefix(spec, "/dev/mapper/")             ? spec + 12
	                     : has_prefix(spec, "/dev/disk/by-id/dm-name-") ? spec + 24
	                                                                    : NULL;
	if (mapped) {
		const ks_value *e = crypttab_entry(d, mapped);
		if (e)
			return crypttab_true(d, e, mapped);
		char *vg = in_lvm ? NULL : mapper_vg(a, mapped);
		if (vg)
			return judge_lvm(d, vg, path, line);
		return (struct enc){E_UNKNOWN, path, line,
		                    ks_arena_printf(a, "device-mapper device %s is not in %s", mapped, KS_CRYPTTAB)};
	}
	if (raw_disk(spec))
		return (struct enc){E_FALSE, path, line, ks_arena_printf(a, "%s is a disk partition", spec)};
	/* /dev/VG/LV */
	if (!in_lvm && has_prefix(spec, "/dev/") && !has_prefix(spec, "/dev/disk/") && !has_prefix(spec, "/dev/md")) {
		const char *rest = spec + 5, *slash = strchr(rest, '/');
		if (slash && slash > rest && slash[1] && !strchr(slash + 1, '/')) {
			char *vg = ks_arena_strndup(a, rest, (size_t)(slash - rest));
			if (vg)
				return judge_lvm(d, vg, path, line);
		}
	}
	/* UUID=, LABEL=, /dev/disk/by-uuid/..., md: a file system inside an unlocked mapping looks the
	 * same as one on a plain partition. Without crypttab entries nothing is unlocked at boot. */
	if (d->crypttab_bad)
		return (struct enc){E_UNKNOWN, KS_CRYPTTAB, 0, ks_arena_printf(a, "%s: %s is unreadable", spec, KS_CRYPTTAB)};
	if (d->crypttab_read && d->crypttab.u.list.n == 0)
		return (struct enc){E_FALSE, path, line, ks_arena_printf(a, "%s, and %s has no entries", spec, KS_CRYPTTAB)};
	if (!d->crypttab_read)
		return (struct enc){E_FALSE, path, line, ks_arena_printf(a, "%s, and there is no %s", spec, KS_CRYPTTAB)};
	return (struct enc){E_UNKNOWN, path, line,
	                    ks_arena_printf(a, "%s cannot be matched to a %s entry without the running system", spec,
	                                    KS_CRYPTTAB)};
}

/* The running system: the sysfs block device DIR is dm-crypt ("CRYPT-" dm uuid) or built only on
 * dm-crypt devices (its slaves/). */
static struct enc judge_sysfs(struct dc *d, const char *dir, int depth)
{
	ks_collect_ctx *ctx = d->ctx;
	ks_arena *a = ctx->arena;
	if (depth > MAX_STACK)
		return (struct enc){E_UNKNOWN, dir, 0, "block devices stacked too deep"};
	const char *upath = ks_arena_printf(a, "%s/dm/uuid", dir);
	char *uuid;
	size_t ul;
	if (upath && ks_collect_read(ctx, upath, &uuid, &ul) == KS_OK && ul >= 6 && memcmp(uuid, "CRYPT-", 6) == 0) {
		const char *npath = ks_arena_printf(a, "%s/dm/name", dir);
		char *name = NULL;
		size_t nl = 0;
		if (npath && ks_collect_read(ctx, npath, &name, &nl) == KS_OK) {
			while (nl && (name[nl - 1] == '\n' || name[nl - 1] == ' '))
				name[--nl] = 0;
		}
		return (struct enc){E_TRUE, upath, 0, ks_arena_printf(a, "dm-crypt device %s", name && nl ? name : dir)};
	}
	const char *spath = ks_arena_printf(a, "%s/slaves", dir);
	const char **names;
	size_t n = 0;
	if (spath && ks_rootfs_list(ctx->root, a, spath, &names, &n) == KS_OK && n > 0) {
		size_t yes = 0, no = 0;
		struct enc last = {E_UNKNOWN, spath, 0, NULL};
		for (size_t i = 0; i < n && i < KS_MAX_DIR_ENTRIES; i++) {
			const char *sub = ks_arena_printf(a, "/sys/class/block/%s", names[i]);
			if (!sub)
				break;
			struct enc e = judge_sysfs(d, sub, depth + 1);
			yes += e.state == E_TRUE;
			no += e.state == E_FALSE;
			last = e;
		}
		if (yes == n)
			return last;
		if (no == n)
			return (struct enc){E_FALSE, spath, 0, "built on unencrypted block devices"};
		return (struct enc){E_UNKNOWN, spath, 0, "built on block devices of which only some are encrypted"};
	}
	struct stat st;
	if (ks_rootfs_stat(ctx->root, dir, &st) < 0)
		return (struct enc){E_UNKNOWN, dir, 0, "no such block device in /sys"};
	return (struct enc){E_FALSE, dir, 0, "a plain block device (no dm-crypt layer)"};
}

static struct enc judge_mount(struct dc *d, const ks_mount *m)
{
	ks_collect_ctx *ctx = d->ctx;
	if (ctx->live && m->path && strcmp(m->path, MOUNTINFO) == 0) {
		unsigned maj = m->major, min = m->minor;
		struct stat st;
		/* btrfs and others report an anonymous 0:N device: use the source device node. */
		if (maj == 0 && m->spec[0] == '/' && ks_rootfs_stat(ctx->root, m->spec, &st) == KS_OK &&
		    S_ISBLK(st.st_mode)) {
			maj = major(st.st_rdev);
			min = minor(st.st_rdev);
		}
		if (maj != 0) {
			const char *dir = ks_arena_printf(ctx->arena, "/sys/dev/block/%u:%u", maj, min);
			struct enc e = dir ? judge_sysfs(d, dir, 0) : (struct enc){E_UNKNOWN, NULL, 0, "out of memory"};
			if (e.state != E_UNKNOWN || m->spec[0] != '/')
				return e;
		} else if (m->spec[0] != '/') {
			return (struct enc){E_UNKNOWN, m->path, m->line,
			                    ks_arena_printf(ctx->arena, "%s file system from %s is not on a local block "
			                                                "device (container, network or ZFS?)", m->type, m->spec)};
		}
	}
	return judge_spec(d, m->spec, m->path, m->line, false);
}

/* ---- collector ---------------------------------------------------------------------------- */

static int count_live(struct dc *d, int64_t *count, const char **probe)
{
	ks_collect_ctx *ctx = d->ctx;
	const char **paths;
	size_t n;
	int rc = ks_rootfs_glob(ctx->root, ctx->arena, "/sys/block/dm-*", &paths, &n);
	if (rc == KS_ENOMEM)
		return rc;
	*count = 0;
	const char *names = "";
	for (size_t i = 0; i < n; i++) {
		const char *u = ks_arena_printf(ctx->arena, "%s/dm/uuid", paths[i]);
		char *uuid;
		size_t ul;
		if (!u)
			return KS_ENOMEM;
		if (ks_collect_read(ctx, u, &uuid, &ul) == KS_OK && ul >= 6 && memcmp(uuid, "CRYPT-", 6) == 0) {
			(*count)++;
			const char *np = ks_arena_printf(ctx->arena, "%s/dm/name", paths[i]);
			char *name;
			size_t nl;
			if (np && ks_collect_read(ctx, np, &name, &nl) == KS_OK) {
				while (nl && (name[nl - 1] == '\n' || name[nl - 1] == ' '))
					name[--nl] = 0;
				names = ks_arena_printf(ctx->arena, "%s%s%s", names, names[0] ? ", " : "", name);
				if (!names)
					return KS_ENOMEM;
			}
		}
	}
	*probe = ks_arena_printf(ctx->arena, "/sys/block/dm-*/dm/uuid starting with CRYPT-%s%s%s",
	                         names[0] ? " (" : "", names, names[0] ? ")" : "");
	return *probe ? KS_OK : KS_ENOMEM;
}

static const char *const data_dirs[] = {"/", "/var", "/srv", "/home"};

int ks_collect_diskcrypt(ks_collect_ctx *ctx)
{
	ks_arena *a = ctx->arena;
	struct dc d = {ctx, ks_val_list(), false, false};
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, KS_CRYPTTAB, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_OK) {
		d.crypttab_read = true;
		if ((rc = ks_diskcrypt_parse_crypttab(ctx, KS_CRYPTTAB, data, len, &d.crypttab)) < 0)
			return rc;
		rc = ks_fact_put(ctx->facts, "disk.crypttab", d.crypttab, KS_CRYPTTAB, 0);
	} else if (rc == KS_ENOENT) {
		rc = ks_fact_put_probe(ctx->facts, "disk.crypttab", d.crypttab, "no " KS_CRYPTTAB);
	} else {
		/* Unreadable: judging devices against it would be guesswork. */
		d.crypttab_read = true;
		rc = ks_fact_unknown(ctx->facts, "disk.crypttab", KS_CRYPTTAB, "%s: %s", KS_CRYPTTAB, ks_strerror(rc));
		if (rc == KS_OK && !ctx->live)
			rc = ks_fact_unknown(ctx->facts, "disk.encrypted_volumes", KS_CRYPTTAB, "%s: unreadable", KS_CRYPTTAB);
		d.crypttab_bad = true;
	}
	if (rc < 0)
		return rc;

	const ks_fact *vf = ks_fact_get(ctx->facts, "disk.encrypted_volumes");
	if (!vf) {
		if (ctx->live) {
			int64_t count;
			const char *probe;
			if ((rc = count_live(&d, &count, &probe)) < 0 ||
			    (rc = ks_fact_put_probe(ctx->facts, "disk.encrypted_volumes", ks_val_int(count), probe)) < 0)
				return rc;
		} else if ((rc = ks_fact_put_probe(ctx->facts, "disk.encrypted_volumes",
		                                   ks_val_int((int64_t)d.crypttab.u.list.n),
		                                   "entries of " KS_CRYPTTAB " (not the running system)")) < 0) {
			return rc;
		}
	}

	/* Mounts: the running system's when live, else /etc/fstab. */
	ks_mount *mounts = NULL;
	size_t nm = 0;
	const char *mpath = ctx->live ? MOUNTINFO : KS_FSTAB;
	rc = ks_collect_read(ctx, mpath, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && ctx->live) {
		mpath = KS_FSTAB;
		rc = ks_collect_read(ctx, mpath, &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
	}
	const char *mounts_why = NULL;
	if (rc == KS_OK) {
		rc = strcmp(mpath, MOUNTINFO) == 0 ? ks_diskcrypt_parse_mountinfo(ctx, mpath, data, len, &mounts, &nm)
		                                   : ks_diskcrypt_parse_fstab(ctx, mpath, data, len, &mounts, &nm);
		if (rc < 0)
			return rc;
	} else {
		mounts_why = rc == KS_ENOENT ? ks_arena_printf(a, "no %s", mpath)
		                             : ks_arena_printf(a, "%s: %s", mpath, ks_strerror(rc));
		if (!mounts_why)
			return KS_ENOMEM;
	}

	ks_value list = ks_val_list();
	int any_true = 0, any_unknown = 0;
	const char *true_path = NULL, *unknown_why = NULL;
	int true_line = 0;
	for (size_t k = 0; k < sizeof data_dirs / sizeof *data_dirs; k++) {
		const ks_mount *m = NULL;
		for (size_t i = 0; i < nm; i++)
			if (strcmp(mounts[i].dir, data_dirs[k]) == 0)
				m = &mounts[i]; /* the last one is on top */
		bool root = k == 0;
		if (!m) {
			if (root) {
				const char *why = mounts_why ? mounts_why : ks_arena_printf(a, "no / in %s", mpath);
				if (!why || (rc = ks_fact_unknown(ctx->facts, "disk.root_encrypted", mpath, "%s", why)) < 0)
					return rc < 0 ? rc : KS_ENOMEM;
				any_unknown = 1;
				unknown_why = unknown_why ? unknown_why : why;
			}
			continue; /* not a separate file system: it lives on / */
		}
		if (strcmp(m->type, "tmpfs") == 0 || strcmp(m->type, "ramfs") == 0)
			continue; /* holds nothing across a reboot */
		struct enc e = judge_mount(&d, m);
		ks_value rec = ks_val_record();
		const char *src = ks_collect_where(ctx, m->path, m->line);
		const char *summary = ks_arena_printf(a, "%s: %s", m->spec,
		                                      e.state == E_TRUE    ? "encrypted"
		                                      : e.state == E_FALSE ? "not encrypted"
		                                                           : "unknown");
		if (!src || !summary || ks_record_set(a, &rec, "name", ks_val_strz(a, data_dirs[k])) < 0 ||
		    ks_record_set(a, &rec, "device", ks_val_strz(a, m->spec)) < 0 ||
		    ks_record_set(a, &rec, "encrypted",
		                  e.state == E_UNKNOWN ? ks_val_unknown() : ks_val_bool(e.state == E_TRUE)) < 0 ||
		    ks_record_set(a, &rec, "evidence", ks_val_strz(a, e.why ? e.why : "")) < 0 ||
		    ks_record_set(a, &rec, "summary", ks_val_strz(a, summary)) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, src)) < 0 || ks_list_push(a, &list, rec) < 0)
			return KS_ENOMEM;
		if (root) {
			if (e.state == E_UNKNOWN)
				rc = ks_fact_unknown(ctx->facts, "disk.root_encrypted", e.path ? e.path : m->path, "%s",
				                     e.why ? e.why : "cannot tell");
			else
				rc = ks_fact_put(ctx->facts, "disk.root_encrypted", ks_val_bool(e.state == E_TRUE),
				                 e.path ? e.path : m->path, e.path ? e.line : m->line);
			if (rc < 0)
				return rc;
		}
		if (e.state == E_TRUE && !any_true) {
			any_true = 1;
			true_path = e.path;
			true_line = e.line;
		}
		if (e.state == E_UNKNOWN && !any_unknown) {
			any_unknown = 1;
			unknown_why = ks_arena_printf(a, "%s: %s", data_dirs[k], e.why ? e.why : "cannot tell");
		}
	}
	if ((rc = ks_fact_put_probe(ctx->facts, "disk.data_mounts", list,
	                            ks_arena_printf(a, "/, /var, /srv and /home in %s", mpath))) < 0)
		return rc;
	if (any_true)
		return ks_fact_put(ctx->facts, "disk.encrypted", ks_val_bool(true), true_path, true_line);
	if (any_unknown)
		return ks_fact_unknown(ctx->facts, "disk.encrypted", NULL, "%s", unknown_why ? unknown_why : "cannot tell");
	return ks_fact_put_probe(ctx->facts, "disk.encrypted", ks_val_bool(false),
	                         "none of /, /var, /srv, /home is on an encrypted block device");
}
