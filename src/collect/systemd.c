/* systemd collector: unit files, enablement links and masks (systemd.unit(5), systemctl(1)), and
 * SysV rc links (systemd-sysv-generator(8)) -> services.enabled, services.masked, services.sysv. */
#include "systemd.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

/* systemd.unit(5) "Unit File Load Path" (system mode): the directories packages and administrators
 * write; /lib/systemd/system is the pre-merged-/usr location images may still have. */
const char *const ks_systemd_unit_dirs[] = {
	"/etc/systemd/system",  "/run/systemd/system",     "/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system", "/lib/systemd/system", NULL,
};

/* Where `systemctl enable` (and `enable --runtime`) and `systemctl mask` write. */
static const char *const admin_dirs[] = {"/etc/systemd/system", "/run/systemd/system", NULL};

#define UNIT_NAME_MAX 255 /* systemd's UNIT_NAME_MAX - 1 */

static const char *const unit_types[] = {"service", "socket", "timer",  "path",  "target", "mount",
                                         "automount", "swap", "slice", "scope", "device", NULL};

/* The type suffix of NAME ("service"), or NULL when NAME is not a valid unit name. Rejects what
 * systemd's unit_name_is_valid() rejects that matters here: '/', control characters, white space,
 * empty prefixes, unknown types; also glob characters, so a name can be used in a glob pattern. */
static const char *unit_type(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > UNIT_NAME_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= ' ' || c == '/' || c == '*' || c == '?' || c == '[' || c == ']' || c == 0x7f)
			return NULL;
	}
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name || (dot[-1] == '@' && dot - 1 == name))
		return NULL;
	for (size_t i = 0; unit_types[i]; i++)
		if (strcmp(dot + 1, unit_types[i]) == 0)
			return unit_types[i];
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

void ks_systemd_unit_init(ks_systemd_unit *u)
{
	memset(u, 0, sizeof *u);
	u->listen = ks_val_list();
	u->aliases = ks_val_list();
}

/* ---- ExecStart= -------------------------------------------------------------------------------- */

const char *ks_systemd_exec_program(ks_arena *a, const char *value, size_t len)
{
	const char *s = value;
	size_t n = len;
	ks_trim(&s, &n);
	/* systemd.service(5) "Command lines": any of @ - : + ! !! may precede the program. */
	while (n && (*s == '@' || *s == '-' || *s == ':' || *s == '+' || *s == '!')) {
		s++;
		n--;
	}
	if (!n)
		return NULL;
	char *out = ks_arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	char quote = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (quote) {
			if (c == quote) {
				quote = 0;
				continue;
			}
			if (c == '\\' && i + 1 < n)
				c = s[++i];
		} else if (c == '"' || c == '\'') {
			quote = c;
			continue;
		} else if (ks_is_space(c)) {
			break;
		} else if (c == '\\' && i + 1 < n) {
			c = s[++i];
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return o ? out : NULL;
}

/* ---- unit file parser -------------------------------------------------------------------------- */

enum section { SEC_NONE, SEC_UNIT, SEC_SERVICE, SEC_SOCKET, SEC_TIMER, SEC_PATH, SEC_INSTALL, SEC_OTHER };

static enum section section_of(const char *s, size_t n)
{
	static const struct {
		const char *name;
		enum section sec;
	} tab[] = {{"Unit", SEC_UNIT},   {"Service", SEC_SERVICE}, {"Socket", SEC_SOCKET},
	           {"Timer", SEC_TIMER}, {"Path", SEC_PATH},       {"Install", SEC_INSTALL}};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (ks_eq(s, n, tab[i].name))
			return tab[i].sec;
	return SEC_OTHER;
}

/* systemd's parse_boolean(). */
static bool parse_bool(const char *s, size_t n, bool *out)
{
	static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};
	static const char *const no[] = {"0", "no", "n", "false", "f", "off"};
	for (size_t i = 0; i < 6; i++) {
		if (ks_ieq(s, n, yes[i])) {
			*out = true;
			return true;
		}
		if (ks_ieq(s, n, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static const struct {
	const char *key, *kind;
} listen_keys[] = {
	{"ListenStream", "stream"},   {"ListenDatagram", "datagram"}, {"ListenSequentialPacket", "seqpacket"},
	{"ListenFIFO", "fifo"},       {"ListenSpecial", "special"},   {"ListenNetlink", "netlink"},
	{"ListenMessageQueue", "mqueue"}, {"ListenUSBFunction", "usbfunction"},
};

static int assign(ks_collect_ctx *ctx, const char *path, int line, enum section sec, const char *k,
                  size_t kl, const char *v, size_t vl, ks_systemd_unit *u)
{
	ks_arena *a = ctx->arena;
	if (sec == SEC_UNIT && ks_eq(k, kl, "Description")) {
		u->description = ks_arena_strndup(a, v, vl);
		return u->description ? KS_OK : KS_ENOMEM;
	}
	if (sec == SEC_SERVICE && ks_eq(k, kl, "ExecStart")) {
		/* An empty assignment resets the list (drop-ins replace the command this way). */
		if (vl == 0) {
			u->exec = NULL;
			u->exec_path = NULL;
			u->exec_line = 0;
			return KS_OK;
		}
		if (u->exec)
			return KS_OK; /* Type=oneshot may list several: the first one names the program */
		const char *prog = ks_systemd_exec_program(a, v, vl);
		if (!prog) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "ExecStart= without a program");
			return KS_OK;
		}
		u->exec = prog;
		u->exec_path = path;
		u->exec_line = line;
		return KS_OK;
	}
	if (sec == SEC_SOCKET) {
		for (size_t i = 0; i < sizeof listen_keys / sizeof *listen_keys; i++) {
			if (!ks_eq(k, kl, listen_keys[i].key))
				continue;
			if (vl == 0) {
				u->listen = ks_val_list();
				return KS_OK;
			}
			char *s = ks_arena_printf(a, "%s %.*s", listen_keys[i].kind, (int)vl, v);
			if (!s || ks_list_push(a, &u->listen, ks_val_strz(a, s)) < 0)
				return KS_ENOMEM;
			return KS_OK;
		}
		if (ks_eq(k, kl, "Accept")) {
			bool b;
			if (!parse_bool(v, vl, &b))
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "Accept= expects a boolean");
			else
				u->accept = b;
			return KS_OK;
		}
		if (ks_eq(k, kl, "Service")) {
			u->service = vl ? ks_arena_strndup(a, v, vl) : NULL;
			return !vl || u->service ? KS_OK : KS_ENOMEM;
		}
		return KS_OK;
	}
	if ((sec == SEC_TIMER || sec == SEC_PATH) && ks_eq(k, kl, "Unit")) {
		u->service = vl ? ks_arena_strndup(a, v, vl) : NULL;
		return !vl || u->service ? KS_OK : KS_ENOMEM;
	}
	if (sec == SEC_INSTALL && ks_eq(k, kl, "Alias")) {
		if (vl == 0) {
			u->aliases = ks_val_list();
			return KS_OK;
		}
		const char *w;
		size_t wl;
		while (ks_next_word(&v, &vl, &w, &wl))
			if (ks_list_push(a, &u->aliases, ks_val_str(a, w, wl)) < 0)
				return KS_ENOMEM;
	}
	return KS_OK;
}

static int logical_line(ks_collect_ctx *ctx, const char *path, int line, const char *s, size_t n,
                        enum section *sec, ks_systemd_unit *u)
{
	ks_trim(&s, &n);
	if (!n)
		return KS_OK;
	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']') {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "expected [Section]");
			*sec = SEC_OTHER; /* systemd ignores what follows a bad header until the next one */
			return KS_OK;
		}
		*sec = section_of(s + 1, n - 2);
		return KS_OK;
	}
	const char *eq = memchr(s, '=', n);
	if (!eq) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "expected Key=Value");
		return KS_OK;
	}
	if (*sec == SEC_NONE) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "assignment outside a [Section]; ignored");
		return KS_OK;
	}
	const char *k = s, *v = eq + 1;
	size_t kl = (size_t)(eq - s), vl = (size_t)(s + n - v);
	ks_trim(&k, &kl);
	ks_trim(&v, &vl);
	if (!kl) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "expected Key=Value");
		return KS_OK;
	}
	return assign(ctx, path, line, *sec, k, kl, v, vl, u);
}

int ks_systemd_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                            ks_systemd_unit *u)
{
	static const size_t cap = KS_MAX_LINE;
	char *buf = malloc(cap + 1);
	if (!buf)
		return KS_ENOMEM;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n, used = 0;
	bool cont = false, too_long = false;
	int start = 0, rc = KS_OK;
	enum section sec = SEC_NONE;
	while (rc == KS_OK && ks_lines_next(&it, &line, &n)) {
		const char *t = line;
		size_t tn = n;
		ks_trim(&t, &tn);
		/* Comments start with # or ; (systemd.syntax(7)); inside a continuation they are dropped
		 * without ending it. */
		if (tn && (t[0] == '#' || t[0] == ';'))
			continue;
		if (!cont) {
			if (!tn)
				continue;
			start = it.lineno;
			used = 0;
			too_long = false;
		}
		/* As systemd's config_parse(): a line ending in an unescaped backslash continues; the
		 * backslash becomes a space and the next line is appended as it is. */
		bool esc = false;
		for (size_t i = 0; i < n; i++)
			esc = esc ? false : line[i] == '\\';
		if (!too_long && used + n <= cap) {
			memcpy(buf + used, line, n);
			used += n;
			if (esc)
				buf[used - 1] = ' ';
		} else {
			too_long = true;
		}
		cont = esc;
		if (cont)
			continue;
		if (too_long) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, start, 1, "line longer than %u bytes; skipped",
			            KS_MAX_LINE);
			continue;
		}
		rc = logical_line(ctx, path, start, buf, used, &sec, u);
	}
	if (rc == KS_OK && cont) {
		/* A backslash on the last line: systemd takes what was collected. */
		if (too_long)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, start, 1, "line longer than %u bytes; skipped",
			            KS_MAX_LINE);
		else
			rc = logical_line(ctx, path, start, buf, used, &sec, u);
	}
	free(buf);
	return rc;
}

/* ---- unit lookup ------------------------------------------------------------------------------- */

static bool not_found(int rc)
{
	return rc == KS_ENOENT || rc == KS_ENOTDIR;
}

/* Joins a symlink target with the directory of the link. */
static char *link_dest(ks_arena *a, const char *link, const char *target)
{
	if (target[0] == '/')
		return ks_arena_strdup(a, target);
	const char *slash = strrchr(link, '/');
	size_t dl = slash ? (size_t)(slash - link) : 0;
	return ks_arena_printf(a, "%.*s/%s", (int)dl, link, target);
}

enum found { F_NONE, F_FILE, F_MASKED };

/* Resolves DIR/NAME: F_FILE with *FILE the regular file reached (following symlinks inside the
 * root), F_MASKED for a link to /dev/null, a character device or an empty file, F_NONE when
 * absent or dangling. */
static int resolve(ks_collect_ctx *ctx, const char *dir, const char *name, const char **file, enum found *out)
{
	*out = F_NONE;
	*file = NULL;
	char *cur = ks_arena_printf(ctx->arena, "%s/%s", dir, name);
	if (!cur)
		return KS_ENOMEM;
	for (int hops = 0;; hops++) {
		struct stat st;
		int rc = ks_rootfs_lstat(ctx->root, cur, &st);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0) {
			if (!not_found(rc) && hops == 0)
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, cur, 0, 0, "cannot read: %s", ks_strerror(rc));
			return KS_OK;
		}
		if (S_ISLNK(st.st_mode)) {
			if (hops >= KS_MAX_SYMLINKS) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, cur, 0, 0, "too many symbolic links");
				return KS_OK;
			}
			char *target;
			rc = ks_rootfs_readlink(ctx->root, ctx->arena, cur, &target);
			if (rc == KS_ENOMEM)
				return rc;
			if (rc < 0)
				return KS_OK;
			/* systemctl mask links the name to /dev/null; in an image /dev may be empty, so the
			 * target text decides, as systemd's offline mode does. */
			if (strcmp(target, "/dev/null") == 0) {
				*out = F_MASKED;
				*file = cur;
				return KS_OK;
			}
			if (!(cur = link_dest(ctx->arena, cur, target)))
				return KS_ENOMEM;
			continue;
		}
		if (S_ISCHR(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size == 0)) {
			*out = F_MASKED; /* systemd.unit(5): "empty or symlinked to /dev/null" */
			*file = cur;
		} else if (S_ISREG(st.st_mode)) {
			*out = F_FILE;
			*file = cur;
		}
		return KS_OK;
	}
}

/* Template of an instance name ("getty@tty1.service" -> "getty@.service"), or NULL. */
static char *template_of(ks_arena *a, const char *name)
{
	const char *at = strchr(name, '@');
	const char *dot = strrchr(name, '.');
	if (!at || !dot || dot < at || dot == at + 1)
		return NULL;
	return ks_arena_printf(a, "%.*s%s", (int)(at - name + 1), name, dot);
}

/* Drop-in files for NAMES, as systemd orders them: *.conf from <dir>/<name>.d in every unit
 * directory; a file name seen in a higher-priority directory hides later ones; sorted by name. */
struct dropin {
	const char *base, *path;
};

static int cmp_dropin(const void *x, const void *y)
{
	return strcmp(((const struct dropin *)x)->base, ((const struct dropin *)y)->base);
}

static int read_dropins(ks_collect_ctx *ctx, const char *const *names, size_t nnames, ks_systemd_unit *u)
{
	struct dropin *v = NULL;
	size_t n = 0, cap = 0;
	int rc = KS_OK;
	for (size_t d = 0; ks_systemd_unit_dirs[d] && rc == KS_OK; d++) {
		for (size_t k = 0; k < nnames && rc == KS_OK; k++) {
			char *dir = ks_arena_printf(ctx->arena, "%s/%s.d", ks_systemd_unit_dirs[d], names[k]);
			if (!dir)
				return KS_ENOMEM;
			const char **ents;
			size_t ne;
			int lrc = ks_rootfs_list(ctx->root, ctx->arena, dir, &ents, &ne);
			if (lrc == KS_ENOMEM)
				return lrc;
			if (lrc < 0) {
				if (!not_found(lrc))
					ks_diag_add(ctx->diags, KS_DIAG_WARNING, dir, 0, 0, "cannot read: %s", ks_strerror(lrc));
				continue;
			}
			for (size_t i = 0; i < ne; i++) {
				if (!ends_with(ents[i], ".conf"))
					continue;
				bool dup = false;
				for (size_t j = 0; j < n && !dup; j++)
					dup = strcmp(v[j].base, ents[i]) == 0;
				if (dup)
					continue;
				if (n == KS_MAX_INCLUDE_FILES) {
					ks_diag_add(ctx->diags, KS_DIAG_WARNING, dir, 0, 0,
					            "more than %d drop-in files for %s; the rest are ignored",
					            KS_MAX_INCLUDE_FILES, names[0]);
					break;
				}
				if (n == cap) {
					size_t nc = cap ? cap * 2 : 8;
					struct dropin *nv = ks_arena_alloc(ctx->arena, nc * sizeof *nv);
					if (!nv)
						return KS_ENOMEM;
					if (n)
						memcpy(nv, v, n * sizeof *nv);
					v = nv;
					cap = nc;
				}
				v[n].base = ents[i];
				if (!(v[n].path = ks_arena_printf(ctx->arena, "%s/%s", dir, ents[i])))
					return KS_ENOMEM;
				n++;
			}
		}
	}
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_dropin);
	for (size_t i = 0; i < n && rc == KS_OK; i++) {
		char *data;
		size_t len;
		int r = ks_collect_read(ctx, v[i].path, &data, &len);
		if (r == KS_ENOMEM)
			return r;
		if (r < 0)
			continue;
		rc = ks_systemd_parse_buffer(ctx, v[i].path, data, len, u);
	}
	return rc;
}

/* First directory that holds NAME (or, for an instance, its template). */
static int find(ks_collect_ctx *ctx, const char *name, const char **file, enum found *how)
{
	*how = F_NONE;
	for (size_t d = 0; ks_systemd_unit_dirs[d]; d++) {
		int rc = resolve(ctx, ks_systemd_unit_dirs[d], name, file, how);
		if (rc < 0 || *how != F_NONE)
			return rc;
	}
	char *tmpl = template_of(ctx->arena, name);
	if (!tmpl || strcmp(tmpl, name) == 0)
		return KS_OK;
	for (size_t d = 0; ks_systemd_unit_dirs[d]; d++) {
		int rc = resolve(ctx, ks_systemd_unit_dirs[d], tmpl, file, how);
		if (rc < 0 || *how != F_NONE)
			return rc;
	}
	return KS_OK;
}

/* The unit name a file found for NAME stands for: its own base name when that is a unit name of
 * the same type (an alias link), keeping NAME's instance for templates. */
static const char *canonical(ks_arena *a, const char *name, const char *file)
{
	const char *b = base_name(file);
	const char *bt = unit_type(b), *nt = unit_type(name);
	if (!bt || !nt || strcmp(bt, nt) != 0 || strcmp(b, name) == 0)
		return name;
	const char *bat = strchr(b, '@'), *nat = strchr(name, '@');
	if (bat && bat[1] == '.') {
		/* b is a template: name must be an instance or the template itself */
		if (!nat)
			return name;
		const char *ndot = strrchr(name, '.');
		return ks_arena_printf(a, "%.*s%.*s%s", (int)(bat - b + 1), b, (int)(ndot - nat - 1), nat + 1,
		                       bat + 1);
	}
	if (nat)
		return name; /* an instance cannot alias a plain unit */
	return b;
}

static int lookup(ks_collect_ctx *ctx, const char *name, ks_systemd_unit *u, int depth)
{
	ks_systemd_unit_init(u);
	u->name = name;
	if (!unit_type(name))
		return KS_EPARSE;
	const char *file;
	enum found how;
	int rc = find(ctx, name, &file, &how);
	if (rc < 0)
		return rc;
	if (how == F_NONE)
		return KS_ENOENT;
	if (how == F_MASKED) {
		u->masked = true;
		u->path = file;
		return KS_OK;
	}
	const char *canon = canonical(ctx->arena, name, file);
	if (!canon)
		return KS_ENOMEM;
	if (strcmp(canon, name) != 0 && depth == 0) {
		/* An alias: the canonical name decides masking and which file wins. */
		ks_systemd_unit cu;
		rc = lookup(ctx, canon, &cu, depth + 1);
		if (rc == KS_OK) {
			*u = cu;
			return KS_OK;
		}
		if (rc == KS_ENOMEM)
			return rc;
	}
	u->name = canon;
	u->path = file;
	char *data;
	size_t len;
	rc = ks_collect_read(ctx, file, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_OK && (rc = ks_systemd_parse_buffer(ctx, file, data, len, u)) < 0)
		return rc;
	const char *names[3];
	size_t nn = 0;
	char *tmpl = template_of(ctx->arena, canon);
	if (tmpl && strcmp(tmpl, canon) != 0)
		names[nn++] = tmpl;
	names[nn++] = canon;
	if (strcmp(canon, name) != 0)
		names[nn++] = name;
	return read_dropins(ctx, names, nn, u);
}

int ks_systemd_lookup(ks_collect_ctx *ctx, const char *name, ks_systemd_unit *u)
{
	return lookup(ctx, name, u, 0);
}

bool ks_systemd_present(ks_collect_ctx *ctx)
{
	static const char *const marks[] = {"/etc/systemd/system", "/lib/systemd/systemd",
	                                    "/usr/lib/systemd/systemd"};
	for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
		struct stat st;
		if (ks_rootfs_stat(ctx->root, marks[i], &st) == KS_OK)
			return true;
	}
	return false;
}

/* First link named NAME in a .wants/.requires directory of the admin directories. systemd adds the
 * dependency by the link's name, so where the link points does not matter (lstat, not stat). */
static const char *wants_link(ks_collect_ctx *ctx, const char *name)
{
	static const char *const kinds[] = {"wants", "requires"};
	for (size_t d = 0; admin_dirs[d]; d++)
		for (size_t k = 0; k < 2; k++) {
			char *pat = ks_arena_printf(ctx->arena, "%s/*.%s", admin_dirs[d], kinds[k]);
			if (!pat)
				return NULL;
			const char **dirs;
			size_t nd;
			ks_rootfs_glob(ctx->root, ctx->arena, pat, &dirs, &nd);
			for (size_t i = 0; i < nd; i++) {
				char *p = ks_arena_printf(ctx->arena, "%s/%s", dirs[i], name);
				struct stat st;
				if (p && ks_rootfs_lstat(ctx->root, p, &st) == KS_OK)
					return p;
			}
		}
	return NULL;
}

bool ks_systemd_unit_enabled(ks_collect_ctx *ctx, const char *unit, const char **evidence_path)
{
	if (evidence_path)
		*evidence_path = NULL;
	ks_systemd_unit u;
	if (ks_systemd_lookup(ctx, unit, &u) != KS_OK || u.masked)
		return false;
	const char *link = wants_link(ctx, unit);
	if (!link && strcmp(u.name, unit) != 0)
		link = wants_link(ctx, u.name);
	if (!link)
		return false;
	if (evidence_path)
		*evidence_path = link;
	return true;
}

/* ---- SysV rc links ----------------------------------------------------------------------------- */

/* The native unit that would replace SCRIPT: systemd-sysv-generator drops a ".sh" suffix. */
static char *sysv_unit_name(ks_arena *a, const char *script)
{
	size_t n = strlen(script);
	if (n > 3 && strcmp(script + n - 3, ".sh") == 0)
		n -= 3;
	return ks_arena_printf(a, "%.*s.service", (int)n, script);
}

/* True when SCRIPT has a native unit (or a mask) that the generator defers to. */
static bool has_native_unit(ks_collect_ctx *ctx, const char *script)
{
	char *un = sysv_unit_name(ctx->arena, script);
	if (!un || !unit_type(un))
		return false;
	const char *file;
	enum found how;
	for (size_t d = 0; ks_systemd_unit_dirs[d]; d++)
		if (resolve(ctx, ks_systemd_unit_dirs[d], un, &file, &how) == KS_OK && how != F_NONE)
			return true;
	return false;
}

/* S<NN><script> -> script, or NULL. */
static const char *start_link_script(const char *e)
{
	if (e[0] != 'S' || !isdigit((unsigned char)e[1]) || !isdigit((unsigned char)e[2]) || !e[3])
		return NULL;
	return e + 3;
}

static bool script_exists(ks_collect_ctx *ctx, const char *link)
{
	struct stat st;
	return ks_rootfs_stat(ctx->root, link, &st) == KS_OK && S_ISREG(st.st_mode);
}

bool ks_sysv_enabled(ks_collect_ctx *ctx, const char *script, const char **evidence_path)
{
	if (evidence_path)
		*evidence_path = NULL;
	if (!*script || strchr(script, '/'))
		return false;
	for (int rl = 2; rl <= 5; rl++) {
		char dir[32];
		snprintf(dir, sizeof dir, "/etc/rc%d.d", rl);
		const char **ents;
		size_t n;
		if (ks_rootfs_list(ctx->root, ctx->arena, dir, &ents, &n) < 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			const char *s = start_link_script(ents[i]);
			if (!s || strcmp(s, script) != 0)
				continue;
			char *p = ks_arena_printf(ctx->arena, "%s/%s", dir, ents[i]);
			if (!p || !script_exists(ctx, p))
				continue;
			if (ks_systemd_present(ctx) && has_native_unit(ctx, script))
				return false;
			if (evidence_path)
				*evidence_path = p;
			return true;
		}
	}
	return false;
}

/* ---- collector --------------------------------------------------------------------------------- */

static bool listed_kind(const char *type)
{
	return strcmp(type, "service") == 0 || strcmp(type, "socket") == 0 || strcmp(type, "timer") == 0 ||
	       strcmp(type, "path") == 0;
}

static bool list_has(const ks_value *list, const char *s)
{
	for (size_t i = 0; i < list->u.list.n; i++) {
		const ks_value *v = &list->u.list.items[i];
		if (v->type == KS_VAL_STR && strcmp(v->u.str.s, s) == 0)
			return true;
		if (v->type == KS_VAL_RECORD) {
			const ks_value *nm = ks_record_get(v, "name");
			if (nm && nm->type == KS_VAL_STR && strcmp(nm->u.str.s, s) == 0)
				return true;
		}
	}
	return false;
}

/* The unit a socket, timer or path unit starts (systemd.socket(5) Service=, Accept=;
 * systemd.timer(5)/systemd.path(5) Unit=): default <name>.service, or <name>@.service for
 * Accept=yes sockets. */
static const char *activated(ks_arena *a, const ks_systemd_unit *u, const char *type)
{
	if (strcmp(type, "service") == 0)
		return NULL;
	if (u->service)
		return u->service;
	const char *dot = strrchr(u->name, '.');
	int bl = (int)(dot - u->name);
	if (strcmp(type, "socket") == 0 && u->accept)
		return ks_arena_printf(a, "%.*s@.service", bl, u->name);
	return ks_arena_printf(a, "%.*s.service", bl, u->name);
}

static int enabled_record(ks_collect_ctx *ctx, ks_value *list, const char *link_name, const char *link,
                          const ks_systemd_unit *u)
{
	ks_arena *a = ctx->arena;
	const char *type = unit_type(u->name);
	if (!type)
		type = unit_type(link_name);
	ks_value rec = ks_val_record();
	ks_value aliases = ks_val_list();
	if (strcmp(link_name, u->name) != 0 && ks_list_push(a, &aliases, ks_val_strz(a, link_name)) < 0)
		return KS_ENOMEM;
	for (size_t i = 0; i < u->aliases.u.list.n; i++)
		if (!list_has(&aliases, u->aliases.u.list.items[i].u.str.s) &&
		    ks_list_push(a, &aliases, u->aliases.u.list.items[i]) < 0)
			return KS_ENOMEM;
	const char *exec = u->exec;
	const char *act = activated(a, u, type);
	if (act && !exec) {
		ks_systemd_unit su;
		int rc = ks_systemd_lookup(ctx, act, &su);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc == KS_OK && !su.masked)
			exec = su.exec;
	}
	if (ks_record_set(a, &rec, "name", ks_val_strz(a, u->name)) < 0 ||
	    ks_record_set(a, &rec, "kind", ks_val_strz(a, type)) < 0 ||
	    ks_record_set(a, &rec, "exec", ks_val_strz(a, exec ? exec : "")) < 0 ||
	    ks_record_set(a, &rec, "description", ks_val_strz(a, u->description ? u->description : "")) < 0 ||
	    (strcmp(type, "socket") == 0 && ks_record_set(a, &rec, "listen", u->listen) < 0) ||
	    (act && ks_record_set(a, &rec, "activates", ks_val_strz(a, act)) < 0) ||
	    ks_record_set(a, &rec, "aliases", aliases) < 0 ||
	    ks_record_set(a, &rec, "via", ks_val_strz(a, link)) < 0 ||
	    ks_record_set(a, &rec, "file", ks_val_strz(a, u->path)) < 0 ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, link)) < 0)
		return KS_ENOMEM;
	return ks_list_push(a, list, rec);
}

static int put_unknown(ks_collect_ctx *ctx, const char *key, const char *path, int rc)
{
	return ks_fact_unknown(ctx->facts, key, path, "%s: %s", path, ks_strerror(rc));
}

#define ENABLED_PROBE                                                                                   \
	"symlinks in the *.wants and *.requires directories of /etc/systemd/system and "                \
	"/run/systemd/system (systemctl enable), unit files from the systemd search path"

static int collect_enabled(ks_collect_ctx *ctx)
{
	ks_arena *a = ctx->arena;
	ks_value list = ks_val_list();
	for (size_t d = 0; admin_dirs[d]; d++) {
		const char **ents;
		size_t n;
		int rc = ks_rootfs_list(ctx->root, a, admin_dirs[d], &ents, &n);
		if (rc == KS_ENOMEM)
			return rc;
		if (not_found(rc))
			continue;
		if (rc < 0)
			return put_unknown(ctx, "services.enabled", admin_dirs[d], rc);
		for (size_t i = 0; i < n; i++) {
			if (!ends_with(ents[i], ".wants") && !ends_with(ents[i], ".requires"))
				continue;
			char *dir = ks_arena_printf(a, "%s/%s", admin_dirs[d], ents[i]);
			if (!dir)
				return KS_ENOMEM;
			const char **links;
			size_t nl;
			rc = ks_rootfs_list(ctx->root, a, dir, &links, &nl);
			if (rc == KS_ENOMEM)
				return rc;
			if (not_found(rc))
				continue;
			if (rc < 0)
				return put_unknown(ctx, "services.enabled", dir, rc);
			for (size_t j = 0; j < nl; j++) {
				char *link = ks_arena_printf(a, "%s/%s", dir, links[j]);
				if (!link)
					return KS_ENOMEM;
				const char *type = unit_type(links[j]);
				if (!type) {
					ks_diag_add(ctx->diags, KS_DIAG_WARNING, link, 0, 0,
					            "not a unit name; systemd ignores it");
					continue;
				}
				if (!listed_kind(type))
					continue;
				ks_systemd_unit u;
				rc = ks_systemd_lookup(ctx, links[j], &u);
				if (rc == KS_ENOMEM)
					return rc;
				if (rc == KS_ENOENT) {
					ks_diag_add(ctx->diags, KS_DIAG_INFO, link, 0, 0,
					            "%s has no unit file in the search path; systemd cannot start it", links[j]);
					continue;
				}
				if (rc < 0 || u.masked || list_has(&list, u.name))
					continue;
				if ((rc = enabled_record(ctx, &list, links[j], link, &u)) < 0)
					return rc;
			}
		}
	}
	return ks_fact_put_probe(ctx->facts, "services.enabled", list, ENABLED_PROBE);
}

static int collect_masked(ks_collect_ctx *ctx)
{
	ks_arena *a = ctx->arena;
	ks_value list = ks_val_list();
	for (size_t d = 0; admin_dirs[d]; d++) {
		const char **ents;
		size_t n;
		int rc = ks_rootfs_list(ctx->root, a, admin_dirs[d], &ents, &n);
		if (rc == KS_ENOMEM)
			return rc;
		if (not_found(rc))
			continue;
		if (rc < 0)
			return put_unknown(ctx, "services.masked", admin_dirs[d], rc);
		for (size_t i = 0; i < n; i++) {
			if (!unit_type(ents[i]) || list_has(&list, ents[i]))
				continue;
			/* Only the winning (first) directory's entry counts: /etc hides /run. */
			const char *file;
			enum found how = F_NONE;
			for (size_t e = 0; e <= d && how == F_NONE; e++)
				if ((rc = resolve(ctx, admin_dirs[e], ents[i], &file, &how)) < 0)
					return rc;
			if (how == F_MASKED && ks_list_push(a, &list, ks_val_strz(a, ents[i])) < 0)
				return KS_ENOMEM;
		}
	}
	return ks_fact_put_probe(ctx->facts, "services.masked", list,
	                         "units linked to /dev/null (or empty) in /etc/systemd/system and "
	                         "/run/systemd/system (systemctl mask)");
}

static int collect_sysv(ks_collect_ctx *ctx, bool have_systemd)
{
	ks_arena *a = ctx->arena;
	ks_value list = ks_val_list();
	for (int rl = 2; rl <= 5; rl++) {
		char dir[32];
		snprintf(dir, sizeof dir, "/etc/rc%d.d", rl);
		const char **ents;
		size_t n;
		int rc = ks_rootfs_list(ctx->root, a, dir, &ents, &n);
		if (rc == KS_ENOMEM)
			return rc;
		if (not_found(rc))
			continue;
		if (rc < 0)
			return put_unknown(ctx, "services.sysv", dir, rc);
		for (size_t i = 0; i < n; i++) {
			const char *script = start_link_script(ents[i]);
			if (!script || list_has(&list, script))
				continue;
			char *link = ks_arena_printf(a, "%s/%s", dir, ents[i]);
			char *path = ks_arena_printf(a, "/etc/init.d/%s", script);
			if (!link || !path)
				return KS_ENOMEM;
			if (!script_exists(ctx, link) || (have_systemd && has_native_unit(ctx, script)))
				continue;
			ks_value rec = ks_val_record();
			if (ks_record_set(a, &rec, "name", ks_val_strz(a, script)) < 0 ||
			    ks_record_set(a, &rec, "script", ks_val_strz(a, path)) < 0 ||
			    ks_record_set(a, &rec, "runlevel", ks_val_int(rl)) < 0 ||
			    ks_record_set(a, &rec, "source", ks_val_strz(a, link)) < 0 || ks_list_push(a, &list, rec) < 0)
				return KS_ENOMEM;
		}
	}
	return ks_fact_put_probe(ctx->facts, "services.sysv", list,
	                         have_systemd
	                             ? "S links in /etc/rc2.d..rc5.d to /etc/init.d scripts without a native "
	                               "systemd unit of the same name (systemd-sysv-generator)"
	                             : "S links in /etc/rc2.d..rc5.d to /etc/init.d scripts (no systemd)");
}

int ks_collect_systemd(ks_collect_ctx *ctx)
{
	bool have = ks_systemd_present(ctx);
	int rc;
	if (!have) {
		const char *why = "systemd is not installed (no /etc/systemd/system, no /lib/systemd/systemd)";
		if ((rc = ks_fact_put_probe(ctx->facts, "services.enabled", ks_val_list(), why)) < 0 ||
		    (rc = ks_fact_put_probe(ctx->facts, "services.masked", ks_val_list(), why)) < 0)
			return rc;
	} else if ((rc = collect_enabled(ctx)) < 0 || (rc = collect_masked(ctx)) < 0) {
		return rc;
	}
	return collect_sysv(ctx, have);
}
