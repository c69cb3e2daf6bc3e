/* journald collector: journald.installed, journald.storage, journald.persistent,
 * journald.max_retention_sec, journald.max_file_sec, journald.system_max_use,
 * journald.forward_to_syslog. */
#include "journald.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

/* ---- systemd.time(7) spans ---------------------------------------------------------------- */

bool ks_journald_parse_timespan(const char *s, int64_t *seconds)
{
	/* Units in microseconds; longer names first so "months" is not read as "m" + "onths". */
	static const struct {
		const char *name;
		double usec;
	} units[] = {
		{"seconds", 1e6}, {"second", 1e6}, {"sec", 1e6}, {"s", 1e6},
		{"minutes", 60e6}, {"minute", 60e6}, {"min", 60e6},
		{"months", 2629800e6}, {"month", 2629800e6}, {"M", 2629800e6},
		{"msec", 1e3}, {"ms", 1e3}, {"m", 60e6},
		{"hours", 3600e6}, {"hour", 3600e6}, {"hr", 3600e6}, {"h", 3600e6},
		{"days", 86400e6}, {"day", 86400e6}, {"d", 86400e6},
		{"weeks", 604800e6}, {"week", 604800e6}, {"w", 604800e6},
		{"years", 31557600e6}, {"year", 31557600e6}, {"y", 31557600e6},
		{"usec", 1}, {"us", 1}, {"\xce\xbcs", 1}, {"\xc2\xb5s", 1},
	};
	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, "infinity", 8) == 0) {
		const char *t = s + 8;
		while (isspace((unsigned char)*t))
			t++;
		if (*t)
			return false;
		*seconds = INT64_MAX;
		return true;
	}
	double total = 0;
	bool any = false;
	while (*s) {
		if (!isdigit((unsigned char)*s) && *s != '.')
			return false;
		const char *start = s;
		while (isdigit((unsigned char)*s))
			s++;
		if (*s == '.') {
			s++;
			while (isdigit((unsigned char)*s))
				s++;
		}
		if (s - start > 30 || (s - start == 1 && *start == '.'))
			return false;
		char num[32];
		memcpy(num, start, (size_t)(s - start));
		num[s - start] = '\0';
		double v = strtod(num, NULL);
		while (*s == ' ' || *s == '\t')
			s++;
		double unit = 1e6; /* a bare number is seconds for the *Sec= settings */
		size_t best = 0;
		for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
			size_t l = strlen(units[i].name);
			if (l > best && strncmp(s, units[i].name, l) == 0 && !isalpha((unsigned char)s[l])) {
				best = l;
				unit = units[i].usec;
			}
		}
		if (!best && isalpha((unsigned char)*s))
			return false;
		s += best;
		total += v * unit;
		if (total > 9.2e18)
			return false;
		any = true;
		while (isspace((unsigned char)*s))
			s++;
	}
	if (!any)
		return false;
	*seconds = (int64_t)(total / 1e6);
	return true;
}

/* systemd's parse_boolean(). */
static int parse_bool(const char *s)
{
	static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};
	static const char *const no[] = {"0", "no", "n", "false", "f", "off"};
	for (size_t i = 0; i < 6; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* ---- journald.conf ------------------------------------------------------------------------ */

int ks_journald_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                             ks_journald_conf *conf)
{
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	bool in_journal = false;
	char *joined = NULL; /* a line continued with a trailing backslash */
	size_t jl = 0;
	int jline = 0;
	while (ks_lines_next(&it, &line, &n)) {
		if (n > KS_MAX_LINE || jl + n > KS_MAX_LINE) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1,
			            "line longer than %u bytes; skipped", KS_MAX_LINE);
			joined = NULL;
			jl = 0;
			continue;
		}
		if (memchr(line, '\0', n)) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "NUL byte; line skipped");
			continue;
		}
		/* systemd.syntax(7): a line ending in a backslash continues on the next one, the
		 * backslash becoming a space; comment lines inside a continuation are dropped. */
		if (joined) {
			const char *t = line;
			size_t tl = n;
			ks_trim(&t, &tl);
			if (tl && (t[0] == '#' || t[0] == ';'))
				continue;
			char *j2 = ks_arena_printf(ctx->arena, "%.*s%.*s", (int)jl, joined, (int)n, line);
			if (!j2)
				return KS_ENOMEM;
			joined = j2;
			jl += n;
		}
		const char *s = joined ? joined : line;
		size_t sl = joined ? jl : n;
		int lineno = joined ? jline : it.lineno;
		if (sl && s[sl - 1] == '\\') {
			char *j2 = ks_arena_strndup(ctx->arena, s, sl);
			if (!j2)
				return KS_ENOMEM;
			j2[sl - 1] = ' ';
			if (!joined)
				jline = it.lineno;
			joined = j2;
			jl = sl;
			continue;
		}
		joined = NULL;
		jl = 0;
		ks_trim(&s, &sl);
		if (!sl || s[0] == '#' || s[0] == ';')
			continue;
		if (s[0] == '[') {
			if (s[sl - 1] != ']') {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, 1, "invalid section header");
				in_journal = false;
				continue;
			}
			in_journal = ks_eq(s, sl, "[Journal]");
			continue;
		}
		const char *eq = memchr(s, '=', sl);
		if (!eq) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, 1, "expected Key=Value; line ignored");
			continue;
		}
		if (!in_journal)
			continue; /* other sections, or assignments before any: systemd ignores them here */
		const char *key = s, *val = eq + 1;
		size_t kl = (size_t)(eq - s), vl = sl - kl - 1;
		ks_trim(&key, &kl);
		ks_trim(&val, &vl);
		ks_journald_setting *slot = NULL;
		if (ks_eq(key, kl, "Storage"))
			slot = &conf->storage;
		else if (ks_eq(key, kl, "MaxRetentionSec"))
			slot = &conf->max_retention;
		else if (ks_eq(key, kl, "MaxFileSec"))
			slot = &conf->max_file;
		else if (ks_eq(key, kl, "SystemMaxUse"))
			slot = &conf->system_max_use;
		else if (ks_eq(key, kl, "ForwardToSyslog"))
			slot = &conf->forward_to_syslog;
		if (!slot)
			continue;
		char *v = ks_arena_strndup(ctx->arena, val, vl);
		if (!v)
			return KS_ENOMEM;
		/* journald logs and ignores an assignment it cannot parse; the earlier value stays. */
		const char *bad = NULL;
		int64_t secs;
		if (slot == &conf->storage && strcmp(v, "volatile") && strcmp(v, "persistent") && strcmp(v, "auto") &&
		    strcmp(v, "none") && *v)
			bad = "Storage= must be volatile, persistent, auto or none";
		else if ((slot == &conf->max_retention || slot == &conf->max_file) && *v &&
		         !ks_journald_parse_timespan(v, &secs))
			bad = "not a time span (systemd.time(7))";
		else if (slot == &conf->forward_to_syslog && *v && parse_bool(v) < 0)
			bad = "not a boolean";
		if (bad) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, (int)(val - s) + 1,
			            "%.*s: %s; assignment ignored", (int)kl, key, bad);
			continue;
		}
		/* An empty assignment resets the setting to its default. */
		slot->value = *v ? v : NULL;
		slot->path = *v ? path : NULL;
		slot->line = *v ? lineno : 0;
	}
	return KS_OK;
}

/* ---- collector ---------------------------------------------------------------------------- */

/* journald.conf(5): drop-ins from these directories, sorted by file name across all of them; for
 * equal names the earlier directory wins; later files override earlier ones. */
static const char *const dropin_dirs[] = {"/etc/systemd/journald.conf.d", "/run/systemd/journald.conf.d",
                                          "/usr/local/lib/systemd/journald.conf.d",
                                          "/usr/lib/systemd/journald.conf.d", "/lib/systemd/journald.conf.d"};

struct dropin {
	const char *name, *path;
};

static int cmp_dropin(const void *a, const void *b)
{
	return strcmp(((const struct dropin *)a)->name, ((const struct dropin *)b)->name);
}

static int read_one(ks_collect_ctx *ctx, const char *path, ks_journald_conf *conf, const char **failed)
{
	struct stat st;
	if (ks_rootfs_stat(ctx->root, path, &st) == KS_OK && (S_ISCHR(st.st_mode) || st.st_size == 0))
		return KS_OK; /* masked with /dev/null, or empty */
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT)
		return KS_OK;
	if (rc < 0) {
		if (!*failed)
			*failed = ks_arena_printf(ctx->arena, "%s: %s", path, ks_strerror(rc));
		return KS_OK;
	}
	return ks_journald_parse_buffer(ctx, path, data, len, conf);
}

static int read_config(ks_collect_ctx *ctx, ks_journald_conf *conf, const char **failed)
{
	int rc = read_one(ctx, KS_JOURNALD_CONF, conf, failed);
	if (rc < 0)
		return rc;
	struct dropin *v = NULL;
	size_t nv = 0, cap = 0;
	for (size_t d = 0; d < sizeof dropin_dirs / sizeof *dropin_dirs; d++) {
		const char **names;
		size_t n;
		rc = ks_rootfs_list(ctx->root, ctx->arena, dropin_dirs[d], &names, &n);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0 && rc != KS_ENOENT && rc != KS_ENOTDIR && !*failed)
			*failed = ks_arena_printf(ctx->arena, "%s: %s", dropin_dirs[d], ks_strerror(rc));
		for (size_t i = 0; rc == KS_OK && i < n; i++) {
			size_t l = strlen(names[i]);
			if (l < 6 || strcmp(names[i] + l - 5, ".conf"))
				continue;
			bool dup = false;
			for (size_t k = 0; k < nv && !dup; k++)
				dup = strcmp(v[k].name, names[i]) == 0;
			if (dup)
				continue;
			if (nv == cap) {
				size_t nc = cap ? cap * 2 : 8;
				struct dropin *nvp = ks_arena_alloc(ctx->arena, nc * sizeof *nvp);
				if (!nvp)
					return KS_ENOMEM;
				if (nv)
					memcpy(nvp, v, nv * sizeof *v);
				v = nvp;
				cap = nc;
			}
			v[nv].name = names[i];
			v[nv].path = ks_arena_printf(ctx->arena, "%s/%s", dropin_dirs[d], names[i]);
			if (!v[nv].path)
				return KS_ENOMEM;
			nv++;
			if (nv >= KS_MAX_INCLUDE_FILES)
				break;
		}
	}
	if (nv)
		qsort(v, nv, sizeof *v, cmp_dropin);
	for (size_t i = 0; i < nv; i++)
		if ((rc = read_one(ctx, v[i].path, conf, failed)) < 0)
			return rc;
	return KS_OK;
}

static const char *const keys[] = {"journald.storage", "journald.persistent", "journald.max_retention_sec",
                                   "journald.max_file_sec", "journald.system_max_use",
                                   "journald.forward_to_syslog"};

static int put_setting(ks_collect_ctx *ctx, const char *key, const ks_journald_setting *s, ks_value v,
                       const char *default_probe)
{
	if (s->value)
		return ks_fact_put(ctx->facts, key, v, s->path, s->line);
	return ks_fact_put_probe(ctx->facts, key, v, default_probe);
}

int ks_collect_journald(ks_collect_ctx *ctx)
{
	static const char *const bins[] = {"/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"};
	const char *bin = NULL;
	for (size_t i = 0; i < 2 && !bin; i++) {
		struct stat st;
		if (ks_rootfs_stat(ctx->root, bins[i], &st) == KS_OK && S_ISREG(st.st_mode))
			bin = bins[i];
	}
	int rc;
	if (!bin) {
		if ((rc = ks_fact_put_probe(ctx->facts, "journald.installed", ks_val_bool(false),
		                            "no systemd-journald binary")) < 0 ||
		    (rc = ks_fact_put_probe(ctx->facts, "journald.persistent", ks_val_bool(false),
		                            "systemd-journald not installed")) < 0 ||
		    (rc = ks_fact_put_probe(ctx->facts, "journald.forward_to_syslog", ks_val_bool(false),
		                            "systemd-journald not installed")) < 0)
			return rc;
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
			if (i == 1 || i == 5) /* persistent, forward_to_syslog: set above */
				continue;
			if ((rc = ks_fact_unknown(ctx->facts, keys[i], NULL, "systemd-journald not installed")) < 0)
				return rc;
		}
		return KS_OK;
	}
	if ((rc = ks_fact_bool(ctx->facts, "journald.installed", true, bin, 0)) < 0)
		return rc;

	ks_journald_conf conf;
	memset(&conf, 0, sizeof conf);
	const char *failed = NULL;
	if ((rc = read_config(ctx, &conf, &failed)) < 0)
		return rc;
	if (failed) {
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
			if ((rc = ks_fact_unknown(ctx->facts, keys[i], KS_JOURNALD_CONF, "%s", failed)) < 0)
				return rc;
		return KS_OK;
	}

	/* journald.conf(5): Storage= defaults to auto, which is persistent iff /var/log/journal exists. */
	const char *storage = conf.storage.value ? conf.storage.value : "auto";
	if ((rc = put_setting(ctx, "journald.storage", &conf.storage, ks_val_strz(ctx->arena, storage),
	                      "default per journald.conf(5): Storage=auto")) < 0)
		return rc;
	if (!strcmp(storage, "persistent")) {
		rc = ks_fact_bool(ctx->facts, "journald.persistent", true, conf.storage.path, conf.storage.line);
	} else if (!strcmp(storage, "auto")) {
		struct stat st;
		int src = ks_rootfs_stat(ctx->root, "/var/log/journal", &st);
		if (src == KS_OK && S_ISDIR(st.st_mode))
			rc = ks_fact_bool(ctx->facts, "journald.persistent", true, "/var/log/journal", 0);
		else if (src == KS_OK || src == KS_ENOENT || src == KS_ENOTDIR)
			rc = ks_fact_put_probe(ctx->facts, "journald.persistent", ks_val_bool(false),
			                       "Storage=auto and no /var/log/journal directory: the journal stays in /run");
		else
			rc = ks_fact_unknown(ctx->facts, "journald.persistent", "/var/log/journal", "/var/log/journal: %s",
			                     ks_strerror(src));
	} else {
		rc = ks_fact_bool(ctx->facts, "journald.persistent", false, conf.storage.path, conf.storage.line);
	}
	if (rc < 0)
		return rc;

	int64_t secs = 0;
	if (conf.max_retention.value)
		ks_journald_parse_timespan(conf.max_retention.value, &secs);
	if (secs == INT64_MAX)
		secs = 0; /* infinity: no time limit, like 0 */
	if ((rc = put_setting(ctx, "journald.max_retention_sec", &conf.max_retention, ks_val_int(secs),
	                      "default per journald.conf(5): MaxRetentionSec=0 (no time limit)")) < 0)
		return rc;
	secs = 2629800; /* one month */
	if (conf.max_file.value)
		ks_journald_parse_timespan(conf.max_file.value, &secs);
	if (secs == INT64_MAX)
		secs = 0;
	if ((rc = put_setting(ctx, "journald.max_file_sec", &conf.max_file, ks_val_int(secs),
	                      "default per journald.conf(5): MaxFileSec=1month")) < 0)
		return rc;
	if ((rc = put_setting(ctx, "journald.system_max_use", &conf.system_max_use,
	                      ks_val_strz(ctx->arena, conf.system_max_use.value ? conf.system_max_use.value : ""),
	                      "default per journald.conf(5): 10% of the file system, at most 4G")) < 0)
		return rc;
	bool fwd = conf.forward_to_syslog.value ? parse_bool(conf.forward_to_syslog.value) == 1 : true;
	return put_setting(ctx, "journald.forward_to_syslog", &conf.forward_to_syslog, ks_val_bool(fwd),
	                   "default per journald.conf(5) (systemd 252): ForwardToSyslog=yes");
}
