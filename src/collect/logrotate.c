/* logrotate collector: logrotate.installed and logrotate.files (retention of each auth log file
 * named by rsyslog.auth_files). */
#include "logrotate.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

#define MAX_STANZAS 4096u
#define UNLIMITED_DAYS 36500 /* "rotate -1" without maxage: never removed (shown as 100 years) */

static const char *const default_taboo[] = {",v", ".cfsaved", ".disabled", ".dpkg-bak", ".dpkg-del",
                                            ".dpkg-dist", ".dpkg-new", ".dpkg-old", ".rhn-cfg-tmp-*",
                                            ".rpmnew", ".rpmorig", ".rpmsave", ".swp", ".ucf-dist",
                                            ".ucf-new", ".ucf-old", "~"};

void ks_logrotate_conf_init(ks_logrotate_conf *conf)
{
	memset(conf, 0, sizeof *conf);
	/* logrotate's built-in defaults: rotate by size (1M), keep 0 copies, no create. */
	conf->globals.period = KS_LR_SIZE;
	conf->globals.create_mode = -1;
	for (size_t i = 0; i < sizeof default_taboo / sizeof *default_taboo; i++)
		conf->taboo[conf->ntaboo++] = default_taboo[i];
}

/* ---- words ------------------------------------------------------------------------------- */

struct words {
	const char *w[KS_MAX_TOKENS];
	size_t n;
	bool truncated;
};

/* Splits a line into words; '"..."' and '\'...\'' quote (logrotate allows quoted file names);
 * a word starting with '#' starts a comment. */
static int split(ks_arena *a, const char *s, size_t n, struct words *out)
{
	out->n = 0;
	out->truncated = false;
	size_t i = 0;
	while (i < n) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i >= n || s[i] == '#')
			break;
		size_t start = i, end;
		if (s[i] == '"' || s[i] == '\'') {
			char q = s[i++];
			start = i;
			while (i < n && s[i] != q)
				i++;
			end = i;
			if (i < n)
				i++;
		} else {
			while (i < n && !isspace((unsigned char)s[i]))
				i++;
			end = i;
		}
		if (out->n == KS_MAX_TOKENS) {
			out->truncated = true;
			break;
		}
		char *w = ks_arena_strndup(a, s + start, end - start);
		if (!w)
			return KS_ENOMEM;
		out->w[out->n++] = w;
	}
	return KS_OK;
}

static bool parse_count(const char *s, int64_t *v)
{
	return ks_parse_int(s, strlen(s), v);
}

static bool is_keyword(const char *w)
{
	static const char *const kws[] = {
		"compress", "nocompress", "compresscmd", "uncompresscmd", "compressext", "compressoptions",
		"copy", "nocopy", "copytruncate", "nocopytruncate", "create", "nocreate", "createolddir",
		"nocreateolddir", "daily", "dateext", "nodateext", "dateformat", "dateyesterday", "datehourago",
		"delaycompress", "nodelaycompress", "extension", "addextension", "hourly", "ifempty", "notifempty",
		"include", "mail", "nomail", "mailfirst", "maillast", "maxage", "minage", "maxsize", "minsize",
		"missingok", "nomissingok", "monthly", "olddir", "noolddir", "postrotate", "prerotate",
		"firstaction", "lastaction", "preremove", "endscript", "rotate", "size", "sharedscripts",
		"nosharedscripts", "shred", "noshred", "shredcycles", "start", "su", "tabooext", "taboopat",
		"weekly", "yearly", "renamecopy", "norenamecopy", "allowhardlink", "noallowhardlink",
		"ignoreduplicates", "errors", "uncompressext"};
	for (size_t i = 0; i < sizeof kws / sizeof *kws; i++)
		if (strcmp(w, kws[i]) == 0)
			return true;
	return false;
}

static bool is_script(const char *w)
{
	return !strcmp(w, "postrotate") || !strcmp(w, "prerotate") || !strcmp(w, "firstaction") ||
	       !strcmp(w, "lastaction") || !strcmp(w, "preremove");
}

/* ---- parser ------------------------------------------------------------------------------ */

struct lr {
	ks_collect_ctx *ctx;
	ks_logrotate_conf *conf;
	const char *path;
	int depth;
};

static void warn(struct lr *p, int line, const char *msg)
{
	ks_diag_add(p->ctx->diags, KS_DIAG_WARNING, p->path, line, 0, "%s", msg);
}

static int include(struct lr *p, const char *arg, int line);

/* Applies directive W[0] (with arguments) to OPTS. IN_STANZA: inside { }. */
static int directive(struct lr *p, ks_logrotate_opts *o, const struct words *w, int line, bool in_stanza)
{
	const char *k = w->w[0];
	const char *a1 = w->n > 1 ? w->w[1] : NULL;
	static const struct {
		const char *name;
		int period;
	} periods[] = {{"hourly", KS_LR_HOURLY}, {"daily", KS_LR_DAILY}, {"weekly", KS_LR_WEEKLY},
	               {"monthly", KS_LR_MONTHLY}, {"yearly", KS_LR_YEARLY}};
	for (size_t i = 0; i < sizeof periods / sizeof *periods; i++)
		if (!strcmp(k, periods[i].name)) {
			o->period = periods[i].period;
			o->period_path = p->path;
			o->period_line = line;
			return KS_OK;
		}
	if (!strncmp(k, "size", 4) && (k[4] == '\0' || k[4] == '=')) {
		/* "size" is the last-given criterion like the time options: rotation by size only. */
		if (k[4] == '\0' && !a1) {
			warn(p, line, "size needs a value; line ignored");
			return KS_OK;
		}
		o->period = KS_LR_SIZE;
		o->period_path = p->path;
		o->period_line = line;
		return KS_OK;
	}
	if (!strcmp(k, "maxsize")) {
		o->maxsize = a1 != NULL;
		return KS_OK;
	}
	if (!strcmp(k, "rotate") || !strcmp(k, "maxage")) {
		int64_t v;
		if (!a1 || !parse_count(a1, &v)) {
			ks_diag_add(p->ctx->diags, KS_DIAG_WARNING, p->path, line, 0, "%s needs a number; line ignored", k);
			return KS_OK;
		}
		if (k[0] == 'r') {
			o->rotate = v < 0 ? -1 : v;
			o->rotate_path = p->path;
			o->rotate_line = line;
		} else {
			o->maxage = v < 0 ? 0 : v;
		}
		return KS_OK;
	}
	if (!strcmp(k, "create")) {
		o->create_path = p->path;
		o->create_line = line;
		o->create_owner = w->n > 2 ? w->w[2] : NULL;
		o->create_group = w->n > 3 ? w->w[3] : NULL;
		o->create_mode = -1;
		if (a1) {
			char *end;
			long m = strtol(a1, &end, 8);
			if (*end || m < 0 || m > 07777)
				warn(p, line, "create: mode must be octal");
			else
				o->create_mode = (int)m;
		}
		return KS_OK;
	}
	if (!strcmp(k, "nocreate")) {
		o->create_mode = -1;
		o->create_owner = o->create_group = NULL;
		o->create_path = NULL;
		return KS_OK;
	}
	if (!strcmp(k, "tabooext")) {
		ks_logrotate_conf *c = p->conf;
		size_t i = 1;
		if (w->n > 1 && !strcmp(w->w[1], "+"))
			i = 2;
		else
			c->ntaboo = 0;
		for (; i < w->n; i++) {
			/* The list is separated by commas and/or blanks. */
			char *s = (char *)w->w[i], *save = NULL;
			for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				if (c->ntaboo < sizeof c->taboo / sizeof *c->taboo)
					c->taboo[c->ntaboo++] = tok;
		}
		return KS_OK;
	}
	if (!strcmp(k, "include")) {
		if (in_stanza) {
			warn(p, line, "include is not allowed inside a { } block; line ignored");
			return KS_OK;
		}
		if (!a1) {
			warn(p, line, "include needs a path");
			return KS_OK;
		}
		return include(p, a1, line);
	}
	if (!is_keyword(k))
		ks_diag_add(p->ctx->diags, KS_DIAG_WARNING, p->path, line, 0, "unknown option '%s'; line ignored", k);
	return KS_OK;
}

static int add_stanza(struct lr *p, const char **pats, size_t n, int line, ks_logrotate_stanza **out)
{
	ks_logrotate_conf *c = p->conf;
	*out = NULL;
	if (c->n >= MAX_STANZAS) {
		if (!c->incomplete)
			c->incomplete = "too many logrotate stanzas";
		return KS_OK;
	}
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 16;
		ks_logrotate_stanza *v = ks_arena_alloc(p->ctx->arena, nc * sizeof *v);
		if (!v)
			return KS_ENOMEM;
		if (c->n)
			memcpy(v, c->stanzas, c->n * sizeof *v);
		c->stanzas = v;
		c->cap = nc;
	}
	const char **copy = ks_arena_alloc(p->ctx->arena, (n ? n : 1) * sizeof *copy);
	if (!copy)
		return KS_ENOMEM;
	memcpy(copy, pats, n * sizeof *pats);
	ks_logrotate_stanza *s = &c->stanzas[c->n++];
	s->patterns = copy;
	s->npatterns = n;
	s->opts = c->globals; /* a stanza starts from the global options in effect at this point */
	s->path = p->path;
	s->line = line;
	*out = s;
	return KS_OK;
}

int ks_logrotate_parse_buffer(ks_collect_ctx *ctx, ks_logrotate_conf *conf, const char *path,
                              const char *data, size_t len, int depth)
{
	struct lr p = {.ctx = ctx, .conf = conf, .path = path, .depth = depth};
	struct words *w = ks_arena_alloc(ctx->arena, sizeof *w);
	const char **pending = ks_arena_alloc(ctx->arena, KS_MAX_TOKENS * sizeof *pending);
	if (!w || !pending)
		return KS_ENOMEM;
	size_t npending = 0;
	int pending_line = 0;
	ks_logrotate_stanza *st = NULL; /* open stanza */
	ks_logrotate_opts scratch;      /* options of a stanza that could not be kept */
	bool in_stanza = false, in_script = false;
	int stanza_line = 0;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next_capped(&it, ctx->diags, path, &line, &n)) {
		if (memchr(line, '\0', n)) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "NUL byte; line skipped");
			continue;
		}
		int rc = split(ctx->arena, line, n, w);
		if (rc < 0)
			return rc;
		if (w->n == 0)
			continue;
		if (in_script) {
			/* Shell lines up to "endscript" belong to the script. */
			if (!strcmp(w->w[0], "endscript"))
				in_script = false;
			continue;
		}
		if (in_stanza) {
			ks_logrotate_opts *o = st ? &st->opts : &scratch;
			if (w->w[0][0] == '}') {
				in_stanza = false;
				st = NULL;
				if (w->n > 1 || w->w[0][1])
					warn(&p, it.lineno, "text after '}' ignored");
				continue;
			}
			if (is_script(w->w[0])) {
				in_script = true;
				continue;
			}
			if ((rc = directive(&p, o, w, it.lineno, true)) < 0)
				return rc;
			continue;
		}
		/* Outside a block: file names (possibly over several lines) up to '{', or a global option. */
		size_t i = 0;
		if (w->w[0][0] == '}') {
			warn(&p, it.lineno, "'}' without a matching '{'; line ignored");
			continue;
		}
		bool opened = false;
		if (npending == 0 && isalpha((unsigned char)w->w[0][0])) {
			if (is_script(w->w[0]) || !strcmp(w->w[0], "endscript")) {
				warn(&p, it.lineno, "script outside a { } block; ignored");
				if (is_script(w->w[0]))
					in_script = true;
				continue;
			}
			if ((rc = directive(&p, &conf->globals, w, it.lineno, false)) < 0)
				return rc;
			continue;
		}
		for (; i < w->n; i++) {
			const char *word = w->w[i];
			if (!strcmp(word, "{")) {
				opened = true;
				i++;
				break;
			}
			size_t wl = strlen(word);
			bool brace = wl > 1 && word[wl - 1] == '{';
			char *name = brace ? ks_arena_strndup(ctx->arena, word, wl - 1) : (char *)word;
			if (!name)
				return KS_ENOMEM;
			if (npending == 0)
				pending_line = it.lineno;
			if (npending < KS_MAX_TOKENS)
				pending[npending++] = name;
			if (brace) {
				opened = true;
				i++;
				break;
			}
		}
		if (!opened)
			continue;
		if (npending == 0) {
			warn(&p, it.lineno, "'{' without file names");
			npending = 0;
		}
		if ((rc = add_stanza(&p, pending, npending, pending_line, &st)) < 0)
			return rc;
		if (!st) {
			scratch = conf->globals;
		}
		in_stanza = true;
		stanza_line = pending_line;
		npending = 0;
		if (i < w->n) {
			/* Options on the same line as '{' (one directive) or a closing '}'. */
			struct words rest;
			rest.n = 0;
			for (; i < w->n && rest.n < KS_MAX_TOKENS; i++)
				rest.w[rest.n++] = w->w[i];
			if (!strcmp(rest.w[0], "}")) {
				in_stanza = false;
				st = NULL;
			} else if ((rc = directive(&p, st ? &st->opts : &scratch, &rest, it.lineno, true)) < 0) {
				return rc;
			}
		}
	}
	if (in_stanza)
		warn(&p, stanza_line, "'{' without a matching '}'");
	if (npending)
		warn(&p, pending_line, "file names without a '{' block; ignored");
	return KS_OK;
}

/* ---- includes ---------------------------------------------------------------------------- */

static bool taboo(const ks_logrotate_conf *c, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < c->ntaboo; i++) {
		const char *t = c->taboo[i];
		size_t tl = strlen(t);
		if (strchr(t, '*')) {
			char pat[256];
			if (tl + 2 < sizeof pat) {
				pat[0] = '*';
				memcpy(pat + 1, t, tl + 1);
				if (fnmatch(pat, name, 0) == 0)
					return true;
			}
		} else if (tl && n >= tl && strcmp(name + n - tl, t) == 0) {
			return true;
		}
	}
	return false;
}

static int read_file(struct lr *p, const char *path, int line)
{
	ks_logrotate_conf *c = p->conf;
	if (++c->files > KS_MAX_INCLUDE_FILES) {
		warn(p, line, "too many included files; the rest is ignored");
		if (!c->incomplete)
			c->incomplete = "too many included files";
		return KS_OK;
	}
	struct stat st;
	if (ks_rootfs_stat(p->ctx->root, path, &st) == KS_OK && (st.st_mode & (S_IWGRP | S_IWOTH))) {
		/* logrotate(8) "include": configuration files must not be group- or world-writable. */
		ks_diag_add(p->ctx->diags, KS_DIAG_WARNING, path, 0, 0,
		            "group- or world-writable: logrotate ignores this file");
		return KS_OK;
	}
	char *data;
	size_t len;
	int rc = ks_collect_read(p->ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		if (rc != KS_ENOENT && !c->incomplete)
			c->incomplete = ks_arena_printf(p->ctx->arena, "%s: %s", path, ks_strerror(rc));
		if (rc == KS_ENOENT)
			ks_diag_add(p->ctx->diags, KS_DIAG_WARNING, p->path, line, 0, "included %s does not exist", path);
		return KS_OK;
	}
	return ks_logrotate_parse_buffer(p->ctx, c, path, data, len, p->depth + 1);
}

static int include(struct lr *p, const char *arg, int line)
{
	if (p->depth + 1 > KS_MAX_INCLUDE_DEPTH) {
		warn(p, line, "includes nested too deeply; not followed");
		if (!p->conf->incomplete)
			p->conf->incomplete = "includes nested too deeply";
		return KS_OK;
	}
	ks_arena *a = p->ctx->arena;
	const char *path = arg;
	if (!strncmp(arg, "~/", 2)) /* logrotate runs as root */
		path = ks_arena_printf(a, "/root/%s", arg + 2);
	else if (arg[0] != '/')
		path = ks_arena_printf(a, "/%s", arg);
	if (!path)
		return KS_ENOMEM;
	struct stat st;
	int rc = ks_rootfs_stat(p->ctx->root, path, &st);
	if (rc == KS_OK && S_ISDIR(st.st_mode)) {
		const char **names;
		size_t n;
		rc = ks_rootfs_list(p->ctx->root, a, path, &names, &n);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0) {
			if (!p->conf->incomplete)
				p->conf->incomplete = ks_arena_printf(a, "%s: %s", path, ks_strerror(rc));
			return KS_OK;
		}
		for (size_t i = 0; i < n; i++) {
			if (taboo(p->conf, names[i]))
				continue;
			char *f = ks_arena_printf(a, "%s/%s", path, names[i]);
			if (!f)
				return KS_ENOMEM;
			struct stat fst;
			if (ks_rootfs_stat(p->ctx->root, f, &fst) < 0 || !S_ISREG(fst.st_mode))
				continue;
			if ((rc = read_file(p, f, line)) < 0)
				return rc;
		}
		return KS_OK;
	}
	return read_file(p, path, line);
}

/* ---- retention ---------------------------------------------------------------------------- */

const ks_logrotate_stanza *ks_logrotate_match(const ks_logrotate_conf *conf, const char *path)
{
	for (size_t i = 0; i < conf->n; i++)
		for (size_t k = 0; k < conf->stanzas[i].npatterns; k++)
			if (fnmatch(conf->stanzas[i].patterns[k], path, FNM_PATHNAME | FNM_PERIOD) == 0)
				return &conf->stanzas[i];
	return NULL;
}

int64_t ks_logrotate_retention_days(const ks_logrotate_opts *o, bool *unlimited)
{
	*unlimited = false;
	/* Rotation by size, or early rotation by maxsize, can cycle through every kept copy within
	 * hours on a busy host: no lower bound. */
	if (o->period == KS_LR_SIZE || o->maxsize)
		return -1;
	int64_t days;
	if (o->rotate < 0) {
		if (o->maxage > 0)
			return o->maxage;
		*unlimited = true;
		return UNLIMITED_DAYS;
	}
	int64_t r = o->rotate > 1000000 ? 1000000 : o->rotate;
	/* Right after a rotation the ROTATE copies hold the last ROTATE periods; the live file is new.
	 * A month counts as 365/12 days, so "monthly, rotate 12" is one year. */
	switch (o->period) {
	case KS_LR_HOURLY: days = r / 24; break;
	case KS_LR_DAILY: days = r; break;
	case KS_LR_WEEKLY: days = 7 * r; break;
	case KS_LR_MONTHLY: days = r * 365 / 12; break;
	default: days = 365 * r; break;
	}
	if (o->maxage > 0 && o->maxage < days) /* maxage removes older copies at each rotation */
		days = o->maxage;
	return days;
}

/* ---- collector ---------------------------------------------------------------------------- */

static const char *period_name(int p)
{
	static const char *const names[] = {"size", "hourly", "daily", "weekly", "monthly", "yearly"};
	return p >= 0 && p <= KS_LR_YEARLY ? names[p] : "?";
}

static int file_record(ks_collect_ctx *ctx, const ks_logrotate_conf *conf, bool have_conf, const char *file,
                       ks_value *list)
{
	ks_arena *a = ctx->arena;
	ks_value rec = ks_val_record();
	if (ks_record_set(a, &rec, "name", ks_val_strz(a, file)) < 0)
		return KS_ENOMEM;
	const ks_logrotate_stanza *s = have_conf ? ks_logrotate_match(conf, file) : NULL;
	if (!s) {
		const char *why = have_conf ? "no logrotate stanza matches this file" : "logrotate is not configured";
		if (ks_record_set(a, &rec, "retention_days", ks_val_unknown()) < 0 ||
		    ks_record_set(a, &rec, "summary", ks_val_strz(a, why)) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, have_conf ? KS_LOGROTATE_CONF : "")) < 0)
			return KS_ENOMEM;
		return ks_list_push(a, list, rec);
	}
	bool unlimited;
	int64_t days = ks_logrotate_retention_days(&s->opts, &unlimited);
	const char *src = ks_collect_where(ctx, s->path, s->line);
	char *summary = days < 0 ? ks_arena_printf(a, "rotated by size: retention has no lower bound")
	                         : ks_arena_printf(a, "%s, rotate %lld%s: %lld days%s", period_name(s->opts.period),
	                                           (long long)s->opts.rotate,
	                                           s->opts.maxage ? ", maxage" : "", (long long)days,
	                                           unlimited ? " (never removed)" : "");
	ks_value dv = days < 0 ? ks_val_unknown() : ks_val_int(days);
	if (!src || !summary || ks_record_set(a, &rec, "retention_days", dv) < 0 ||
	    ks_record_set(a, &rec, "rotate", ks_val_int(s->opts.rotate)) < 0 ||
	    ks_record_set(a, &rec, "period", ks_val_strz(a, period_name(s->opts.period))) < 0 ||
	    ks_record_set(a, &rec, "maxage", ks_val_int(s->opts.maxage)) < 0 ||
	    ks_record_set(a, &rec, "unlimited", ks_val_bool(unlimited)) < 0 ||
	    ks_record_set(a, &rec, "summary", ks_val_strz(a, summary)) < 0 ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, src)) < 0)
		return KS_ENOMEM;
	if (s->opts.create_mode >= 0) {
		char *m = ks_arena_printf(a, "%04o", (unsigned)s->opts.create_mode);
		const char *csrc = ks_collect_where(ctx, s->opts.create_path ? s->opts.create_path : s->path,
		                                    s->opts.create_line);
		const char *owner = s->opts.create_owner ? s->opts.create_owner : "";
		const char *group = s->opts.create_group ? s->opts.create_group : "";
		if (!m || !csrc || ks_record_set(a, &rec, "create_mode", ks_val_strz(a, m)) < 0 ||
		    ks_record_set(a, &rec, "create_owner", ks_val_strz(a, owner)) < 0 ||
		    ks_record_set(a, &rec, "create_group", ks_val_strz(a, group)) < 0 ||
		    ks_record_set(a, &rec, "create_source", ks_val_strz(a, csrc)) < 0)
			return KS_ENOMEM;
	}
	return ks_list_push(a, list, rec);
}

int ks_collect_logrotate(ks_collect_ctx *ctx)
{
	static const char *const bins[] = {"/usr/sbin/logrotate", "/sbin/logrotate"};
	const char *bin = NULL;
	for (size_t i = 0; i < 2 && !bin; i++) {
		struct stat st;
		if (ks_rootfs_stat(ctx->root, bins[i], &st) == KS_OK && S_ISREG(st.st_mode))
			bin = bins[i];
	}
	int rc = bin ? ks_fact_bool(ctx->facts, "logrotate.installed", true, bin, 0)
	             : ks_fact_put_probe(ctx->facts, "logrotate.installed", ks_val_bool(false), "no /usr/sbin/logrotate");
	if (rc < 0)
		return rc;
	const char *key = "logrotate.files";
	const ks_fact *af = ks_fact_get(ctx->facts, "rsyslog.auth_files");
	if (!af || af->value.type != KS_VAL_LIST)
		return ks_fact_unknown(ctx->facts, key, NULL, "the auth log files are not known (rsyslog.auth_files)");

	ks_logrotate_conf *conf = ks_arena_alloc(ctx->arena, sizeof *conf);
	if (!conf)
		return KS_ENOMEM;
	ks_logrotate_conf_init(conf);
	bool have_conf = false;
	if (bin) {
		char *data;
		size_t len;
		rc = ks_collect_read(ctx, KS_LOGROTATE_CONF, &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0 && rc != KS_ENOENT)
			return ks_fact_unknown(ctx->facts, key, KS_LOGROTATE_CONF, "%s: %s", KS_LOGROTATE_CONF, ks_strerror(rc));
		if (rc == KS_OK) {
			have_conf = true;
			conf->files = 1;
			if ((rc = ks_logrotate_parse_buffer(ctx, conf, KS_LOGROTATE_CONF, data, len, 0)) < 0)
				return rc;
			if (conf->incomplete)
				return ks_fact_unknown(ctx->facts, key, KS_LOGROTATE_CONF, "configuration not fully read: %s",
				                       conf->incomplete);
		}
	}
	ks_value list = ks_val_list();
	for (size_t i = 0; i < af->value.u.list.n; i++) {
		const ks_value *name = ks_record_get(&af->value.u.list.items[i], "name");
		if (!name || name->type != KS_VAL_STR)
			continue;
		if ((rc = file_record(ctx, conf, have_conf, name->u.str.s, &list)) < 0)
			return rc;
	}
	return ks_fact_put_probe(ctx->facts, key, list,
	                         "the logrotate stanza of each rsyslog.auth_files entry (" KS_LOGROTATE_CONF
	                         " and its includes); retention = rotate x period, capped by maxage");
}
