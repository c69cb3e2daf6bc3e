/* modprobe collector: modprobe.d(5) rules for usb-storage and uas -> usb.storage_install_disabled,
 * usb.uas_install_disabled, usb.storage_blacklisted, usb.uas_blacklisted, usb.modprobe_rules,
 * usb.storage_loaded (live only). Semantics follow kmod's libkmod-config.c. */
#include "modprobe.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

/* kmod's search path, highest priority first (modprobe.d(5); /usr/lib/modprobe.d since kmod 31,
 * the same directory as /lib/modprobe.d on merged-/usr systems such as Debian 12). */
static const char *const conf_dirs[] = {
	"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d",
	"/lib/modprobe.d",
};

static int add_rule(ks_collect_ctx *ctx, ks_modprobe_conf *c, const char *directive,
                    const char *module, const char *args, const char *path, int line)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		ks_modprobe_rule *nr = ks_arena_alloc(ctx->arena, cap * sizeof *nr);
		if (!nr)
			return KS_ENOMEM;
		if (c->n)
			memcpy(nr, c->rules, c->n * sizeof *nr);
		c->rules = nr;
		c->cap = cap;
	}
	ks_modprobe_rule *r = &c->rules[c->n];
	r->directive = directive;
	r->module = ks_arena_strdup(ctx->arena, module);
	r->args = ks_arena_strdup(ctx->arena, args ? args : "");
	r->path = path;
	r->line = line;
	if (!r->module || !r->args)
		return KS_ENOMEM;
	c->n++;
	return KS_OK;
}

/* kmod underscores(): '-' becomes '_' except inside [...] (a fnmatch class). False on an
 * unmatched bracket, which kmod rejects. */
static bool underscores(char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '-') {
			s[i] = '_';
		} else if (s[i] == ']') {
			return false;
		} else if (s[i] == '[') {
			i += strcspn(s + i, "]");
			if (!s[i])
				return false;
		}
	}
	return true;
}

/* strtok_r-like split on blanks (kmod splits on " \t" only: a '\r' stays in the word). */
static char *next_tok(char **p)
{
	char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	char *w = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return w;
}

static char *rest_trimmed(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		p[--n] = '\0';
	return *p ? p : NULL;
}

static int parse_line(ks_collect_ctx *ctx, ks_modprobe_conf *c, const char *path, int line, char *buf)
{
	/* kmod: only a '#' in the first column starts a comment; an indented '#' makes a bad line
	 * that is ignored as well. */
	if (buf[0] == '\0' || buf[0] == '#')
		return KS_OK;
	char *p = buf;
	char *cmd = next_tok(&p);
	if (!cmd || cmd[0] == '#')
		return KS_OK;
	const char *directive = NULL;
	static const char *const known[] = {"alias", "blacklist", "install", "remove", "options", "softdep"};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strcmp(cmd, known[i]) == 0)
			directive = known[i];
	if (!directive) {
		bool old = strcmp(cmd, "include") == 0 || strcmp(cmd, "config") == 0;
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
		            old ? "'%.40s' is deprecated and ignored by kmod"
		                : "unknown command '%.40s'; line ignored (as modprobe does)",
		            cmd);
		return KS_OK;
	}
	char *first = next_tok(&p);
	char *module = first, *args = NULL;
	bool ok = first != NULL;
	if (ok && strcmp(directive, "alias") == 0) {
		/* alias <wildcard> <modulename> */
		module = next_tok(&p);
		args = first;
		ok = module != NULL;
	} else if (ok && strcmp(directive, "blacklist") != 0) {
		args = rest_trimmed(p);
		ok = args != NULL;
	}
	if (!ok) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
		            "%s: missing %s; line ignored", directive,
		            first ? "arguments" : "module name");
		return KS_OK;
	}
	if (strchr(module, '\r'))
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
		            "carriage return in module name: kmod treats it as part of the name, so this "
		            "rule matches no module (file saved with CRLF line ends?)");
	if (!underscores(module) || (strcmp(directive, "alias") == 0 && !underscores(args))) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "unmatched '[' or ']'; line ignored");
		return KS_OK;
	}
	return add_rule(ctx, c, directive, module, args, path, line);
}

int ks_modprobe_parse_buffer(ks_collect_ctx *ctx, ks_modprobe_conf *c, const char *path,
                             const char *data, size_t len)
{
	char buf[KS_MAX_LINE + 1];
	const char *p = data, *end = data + len;
	int lineno = 0;
	while (p < end) {
		/* kmod getline_wrapped(): backslash-newline joins lines; a backslash before any other
		 * character is dropped and the character kept. The rule is reported at its first line. */
		size_t n = 0;
		bool too_long = false;
		int first = ++lineno;
		while (p < end && *p != '\n') {
			char ch = *p++;
			if (ch == '\\') {
				if (p < end && *p == '\n') {
					p++;
					lineno++;
					continue;
				}
				if (p >= end)
					break;
				ch = *p++;
			}
			if (ch == '\0')
				ch = ' '; /* a NUL would end kmod's C string early; never match past it */
			if (n < KS_MAX_LINE)
				buf[n++] = ch;
			else
				too_long = true;
		}
		if (p < end)
			p++; /* the newline */
		buf[n] = '\0';
		if (too_long) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, first, 1,
			            "line longer than %u bytes; skipped", KS_MAX_LINE);
			continue;
		}
		int rc = parse_line(ctx, c, path, first, buf);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_modprobe_parse_cmdline(ks_collect_ctx *ctx, ks_modprobe_conf *c, const char *path,
                              const char *data, size_t len)
{
	const char *s = data;
	const char *w;
	size_t wl;
	/* Only the first line: /proc/cmdline is one line. */
	const char *nl = memchr(data, '\n', len);
	if (nl)
		len = (size_t)(nl - data);
	while (ks_next_word(&s, &len, &w, &wl)) {
		const char *directive = NULL;
		size_t plen = 0;
		if (wl > 19 && memcmp(w, "modprobe.blacklist=", 19) == 0) {
			directive = "blacklist";
			plen = 19;
		} else if (wl > 17 && memcmp(w, "module_blacklist=", 17) == 0) {
			directive = "module_blacklist";
			plen = 17;
		}
		if (!directive)
			continue;
		char *arg = ks_arena_strndup(ctx->arena, w, wl);
		if (!arg)
			return KS_ENOMEM;
		/* Comma-separated module names, compared verbatim (kmod and the kernel do not map '-'). */
		const char *q = w + plen, *qe = w + wl;
		while (q < qe) {
			const char *comma = memchr(q, ',', (size_t)(qe - q));
			const char *e = comma ? comma : qe;
			if (e > q) {
				char *m = ks_arena_strndup(ctx->arena, q, (size_t)(e - q));
				if (!m)
					return KS_ENOMEM;
				int rc = add_rule(ctx, c, directive, m, arg, path, 1);
				if (rc < 0)
					return rc;
			}
			q = e + 1;
		}
	}
	return KS_OK;
}

static bool is_cmd(const char *w, size_t n, const char *name)
{
	static const char *const dirs[] = {"", "/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/"};
	size_t nl = strlen(name);
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		size_t dl = strlen(dirs[i]);
		if (n == dl + nl && memcmp(w, dirs[i], dl) == 0 && memcmp(w + dl, name, nl) == 0)
			return true;
	}
	return false;
}

static bool noop_depth(const char *cmd, size_t len, int depth)
{
	const char *s = cmd;
	ks_trim(&s, &len);
	const char *w;
	size_t wl;
	const char *rest = s;
	size_t rlen = len;
	if (!ks_next_word(&rest, &rlen, &w, &wl))
		return false;
	/* sh -c 'false': unwrap one level of quoting. */
	if (depth == 0 && (is_cmd(w, wl, "sh") || is_cmd(w, wl, "bash") || is_cmd(w, wl, "dash"))) {
		const char *w2;
		size_t w2l;
		if (!ks_next_word(&rest, &rlen, &w2, &w2l) || !ks_eq(w2, w2l, "-c"))
			return false;
		ks_trim(&rest, &rlen);
		const char *w3, *r3 = rest;
		size_t w3l, r3l = rlen;
		if (rlen && rest[0] != '\'' && rest[0] != '"' && ks_next_word(&r3, &r3l, &w3, &w3l) &&
		    !ks_next_word(&r3, &r3l, &w3, &w3l))
			return noop_depth(rest, rlen, depth + 1); /* sh -c false: one bare word */
		if (rlen < 2 || (rest[0] != '\'' && rest[0] != '"') || rest[rlen - 1] != rest[0])
			return false;
		if (memchr(rest + 1, rest[0], rlen - 2))
			return false;
		return noop_depth(rest + 1, rlen - 2, depth + 1);
	}
	for (size_t i = 0; i < len; i++)
		if (strchr(";&|`$()<>\n\r'\"\\", s[i]))
			return false;
	if (is_cmd(w, wl, "true") || is_cmd(w, wl, "false") || ks_eq(w, wl, ":"))
		return true; /* arguments are ignored by true/false/: */
	if (ks_eq(w, wl, "exit")) {
		const char *a;
		size_t al;
		if (!ks_next_word(&rest, &rlen, &a, &al))
			return true;
		int64_t v;
		const char *more;
		size_t ml;
		return ks_parse_int(a, al, &v) && !ks_next_word(&rest, &rlen, &more, &ml);
	}
	return false;
}

bool ks_modprobe_install_is_noop(const char *cmd)
{
	return cmd && noop_depth(cmd, strlen(cmd), 0);
}

const ks_modprobe_rule *ks_modprobe_install_rule(const ks_modprobe_conf *c, const char *module)
{
	/* The kernel refuses a module named in module_blacklist=, whatever modprobe would run. */
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->rules[i].directive, "module_blacklist") == 0 && strcmp(c->rules[i].module, module) == 0)
			return &c->rules[i];
	/* kmod_module_get_install_commands(): the first matching install rule wins. */
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->rules[i].directive, "install") == 0 && fnmatch(c->rules[i].module, module, 0) == 0)
			return &c->rules[i];
	return NULL;
}

const ks_modprobe_rule *ks_modprobe_blacklist_rule(const ks_modprobe_conf *c, const char *module)
{
	/* kmod compares blacklist entries with the module name exactly (no pattern). */
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->rules[i].directive, "blacklist") == 0 && strcmp(c->rules[i].module, module) == 0)
			return &c->rules[i];
	return NULL;
}

static bool relevant(const ks_modprobe_rule *r, const char *module)
{
	if (strcmp(r->directive, "blacklist") == 0 || strcmp(r->directive, "alias") == 0 ||
	    strcmp(r->directive, "module_blacklist") == 0)
		return strcmp(r->module, module) == 0;
	return fnmatch(r->module, module, 0) == 0;
}

static const char *searched(void)
{
	return "/etc/modprobe.d, /run/modprobe.d, /usr/local/lib/modprobe.d, /usr/lib/modprobe.d, "
	       "/lib/modprobe.d";
}

static int put_bool(ks_collect_ctx *ctx, const ks_modprobe_conf *c, const char *key,
                    const ks_modprobe_rule *r, bool value, const char *none_probe)
{
	if (r && value)
		return ks_fact_bool(ctx->facts, key, true, r->path, r->line);
	if (c->unreadable)
		return ks_fact_unknown(ctx->facts, key, c->unreadable,
		                       "%s could not be read: its rules are unknown", c->unreadable);
	if (r)
		return ks_fact_bool(ctx->facts, key, false, r->path, r->line);
	return ks_fact_put_probe(ctx->facts, key, ks_val_bool(false), none_probe);
}

int ks_modprobe_put_facts(ks_collect_ctx *ctx, const ks_modprobe_conf *c)
{
	static const struct {
		const char *module, *install_key, *blacklist_key;
	} mods[] = {
		{"usb_storage", "usb.storage_install_disabled", "usb.storage_blacklisted"},
		{"uas", "usb.uas_install_disabled", "usb.uas_blacklisted"},
	};
	int rc;
	for (size_t m = 0; m < 2; m++) {
		const ks_modprobe_rule *ir = ks_modprobe_install_rule(c, mods[m].module);
		bool disabled = ir && (strcmp(ir->directive, "module_blacklist") == 0 ||
		                       ks_modprobe_install_is_noop(ir->args));
		char *probe = ks_arena_printf(ctx->arena, "no rule in modprobe.d: no install rule for %s in %s",
		                              mods[m].module, searched());
		char *bprobe = ks_arena_printf(ctx->arena, "no rule in modprobe.d: no blacklist %s in %s",
		                               mods[m].module, searched());
		if (!probe || !bprobe)
			return KS_ENOMEM;
		if ((rc = put_bool(ctx, c, mods[m].install_key, ir, disabled, probe)) < 0)
			return rc;
		const ks_modprobe_rule *br = ks_modprobe_blacklist_rule(c, mods[m].module);
		if ((rc = put_bool(ctx, c, mods[m].blacklist_key, br, br != NULL, bprobe)) < 0)
			return rc;
	}
	ks_value list = ks_val_list();
	for (size_t i = 0; i < c->n; i++) {
		const ks_modprobe_rule *r = &c->rules[i];
		if (!relevant(r, "usb_storage") && !relevant(r, "uas"))
			continue;
		ks_value rec = ks_val_record();
		const char *src = ks_collect_where(ctx, r->path, r->line);
		if (!src || ks_record_set(ctx->arena, &rec, "name", ks_val_strz(ctx->arena, r->module)) < 0 ||
		    ks_record_set(ctx->arena, &rec, "directive", ks_val_strz(ctx->arena, r->directive)) < 0 ||
		    ks_record_set(ctx->arena, &rec, "args", ks_val_strz(ctx->arena, r->args)) < 0 ||
		    ks_record_set(ctx->arena, &rec, "source", ks_val_strz(ctx->arena, src)) < 0 ||
		    ks_list_push(ctx->arena, &list, rec) < 0)
			return KS_ENOMEM;
	}
	return ks_fact_put_probe(ctx->facts, "usb.modprobe_rules", list,
	                         "modprobe.d rules naming usb_storage or uas, in kmod's order");
}

/* ---- collector ---------------------------------------------------------------------------- */

struct conf_file {
	const char *name;
	const char *dir;
	size_t prio;
};

static int cmp_conf(const void *x, const void *y)
{
	const struct conf_file *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->prio > b->prio) - (a->prio < b->prio);
}

static bool conf_name(const char *n)
{
	/* kmod conf_files_filter_out(): no dot files; names end in ".conf" or ".alias". */
	size_t l = strlen(n);
	if (n[0] == '.' || l < 6)
		return false;
	return strcmp(n + l - 5, ".conf") == 0 || strcmp(n + l - 6, ".alias") == 0;
}

static int read_conf(ks_collect_ctx *ctx, ks_modprobe_conf *c, const char *path)
{
	struct stat st;
	int rc = ks_rootfs_stat(ctx->root, path, &st);
	if (rc == KS_ENOENT || (rc == KS_OK && S_ISCHR(st.st_mode)))
		/* A link to /dev/null (or a dangling one) masks the same name in later directories
		 * and contributes nothing, as in kmod. */
		return KS_OK;
	if (rc == KS_OK && S_ISDIR(st.st_mode))
		return KS_OK; /* kmod: "Directories inside directories are not supported" */
	char *data;
	size_t len;
	rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		if (!c->unreadable)
			c->unreadable = path;
		return KS_OK;
	}
	return ks_modprobe_parse_buffer(ctx, c, path, data, len);
}

static int collect_loaded(ks_collect_ctx *ctx)
{
	const char *key = "usb.storage_loaded";
	if (!ctx->live)
		return ks_fact_unknown(ctx->facts, key, NULL, "not available for an image");
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, "/proc/modules", &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && rc != KS_ENOENT)
		return ks_fact_unknown(ctx->facts, key, "/proc/modules", "/proc/modules: %s", ks_strerror(rc));
	if (rc == KS_OK) {
		ks_lines it;
		ks_lines_init(&it, data, len);
		const char *line, *w;
		size_t n, wl;
		while (ks_lines_next(&it, &line, &n))
			if (ks_next_word(&line, &n, &w, &wl) && ks_eq(w, wl, "usb_storage"))
				return ks_fact_bool(ctx->facts, key, true, "/proc/modules", it.lineno);
	}
	struct stat st;
	if (ks_rootfs_stat(ctx->root, "/sys/module/usb_storage", &st) == KS_OK && S_ISDIR(st.st_mode))
		return ks_fact_put_probe(ctx->facts, key, ks_val_bool(true),
		                         "/sys/module/usb_storage exists but /proc/modules does not list it: "
		                         "built into the kernel");
	if (rc == KS_ENOENT) {
		/* No /proc/modules: a kernel without loadable modules (CONFIG_MODULES=n), or no /proc. */
		if (ks_rootfs_stat(ctx->root, "/sys/module", &st) == KS_OK && S_ISDIR(st.st_mode))
			return ks_fact_put_probe(ctx->facts, key, ks_val_bool(false),
			                         "kernel without loadable modules (no /proc/modules) and no "
			                         "/sys/module/usb_storage: not built in");
		return ks_fact_unknown(ctx->facts, key, NULL, "no /proc/modules (is /proc mounted?)");
	}
	return ks_fact_put_probe(ctx->facts, key, ks_val_bool(false),
	                         "usb_storage not listed in /proc/modules");
}

int ks_collect_modprobe(ks_collect_ctx *ctx)
{
	ks_modprobe_conf c = {0};
	size_t nd = sizeof conf_dirs / sizeof *conf_dirs;
	struct conf_file *files = NULL;
	size_t nf = 0, cap = 0;
	int rc = KS_OK;
	for (size_t d = 0; d < nd && rc == KS_OK; d++) {
		const char **names;
		size_t n;
		int lr = ks_rootfs_list(ctx->root, ctx->arena, conf_dirs[d], &names, &n);
		if (lr == KS_ENOMEM)
			return lr;
		if (lr < 0) {
			if (lr != KS_ENOENT && lr != KS_ENOTDIR && !c.unreadable)
				c.unreadable = conf_dirs[d];
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			if (!conf_name(names[i]))
				continue;
			if (nf == KS_MAX_INCLUDE_FILES) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, conf_dirs[d], 0, 0,
				            "more than %d modprobe.d files; the rest are ignored", KS_MAX_INCLUDE_FILES);
				break;
			}
			if (nf == cap) {
				size_t ncap = cap ? cap * 2 : 32;
				struct conf_file *nv = ks_arena_alloc(ctx->arena, ncap * sizeof *nv);
				if (!nv)
					return KS_ENOMEM;
				if (nf)
					memcpy(nv, files, nf * sizeof *nv);
				files = nv;
				cap = ncap;
			}
			files[nf++] = (struct conf_file){names[i], conf_dirs[d], d};
		}
	}
	/* kmod conf_files_insert_sorted(): one list sorted by file name; a name already taken by an
	 * earlier directory is ignored, so /etc/modprobe.d/x.conf replaces /lib/modprobe.d/x.conf. */
	if (nf > 1)
		qsort(files, nf, sizeof *files, cmp_conf);
	for (size_t i = 0; i < nf; i++) {
		if (i > 0 && strcmp(files[i].name, files[i - 1].name) == 0)
			continue;
		char *path = ks_arena_printf(ctx->arena, "%s/%s", files[i].dir, files[i].name);
		if (!path)
			return KS_ENOMEM;
		if ((rc = read_conf(ctx, &c, path)) < 0)
			return rc;
	}
	if (ctx->live) {
		/* kmod also reads modprobe.blacklist= from the kernel command line. */
		char *data;
		size_t len;
		rc = ks_collect_read(ctx, "/proc/cmdline", &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc == KS_OK && (rc = ks_modprobe_parse_cmdline(ctx, &c, "/proc/cmdline", data, len)) < 0)
			return rc;
	}
	if ((rc = ks_modprobe_put_facts(ctx, &c)) < 0)
		return rc;
	return collect_loaded(ctx);
}
