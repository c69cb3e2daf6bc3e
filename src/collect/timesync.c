/* timesync collector: time.sync_enabled, time.sync_service, time.servers. */
#include "timesync.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "systemd_enable.h"

/* Debian's compiled-in FallbackNTP= of systemd-timesyncd (timesyncd.conf(5), shown commented in
 * the shipped /etc/systemd/timesyncd.conf). */
#define TIMESYNCD_FALLBACK "0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org 3.debian.pool.ntp.org"

void ks_timesync_sources_init(ks_timesync_sources *s)
{
	memset(s, 0, sizeof *s);
	s->servers = ks_val_list();
}

static int add_server(ks_collect_ctx *ctx, ks_timesync_sources *s, const char *name, size_t n, const char *path,
                      int line)
{
	if (s->servers.u.list.n >= KS_MAX_TOKENS)
		return KS_OK;
	if (!s->first_path) {
		s->first_path = path;
		s->first_line = line;
	}
	return ks_list_push(ctx->arena, &s->servers, ks_val_str(ctx->arena, name, n));
}

static bool is_runtime_dir(const char *d)
{
	return !strncmp(d, "/run/", 5) || !strcmp(d, "/run") || !strncmp(d, "/var/run/", 9);
}

typedef int (*parse_fn)(ks_collect_ctx *, ks_timesync_sources *, const char *, const char *, size_t, int);

static int read_into(ks_collect_ctx *ctx, ks_timesync_sources *s, const char *path, int depth, parse_fn fn)
{
	if (depth > KS_MAX_INCLUDE_DEPTH || ++s->files > KS_MAX_INCLUDE_FILES) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0, "include limit reached; not read");
		if (!s->failed)
			s->failed = "include limit reached";
		return KS_OK;
	}
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT)
		return KS_OK;
	if (rc < 0) {
		if (!s->failed)
			s->failed = ks_arena_printf(ctx->arena, "%s: %s", path, ks_strerror(rc));
		return KS_OK;
	}
	return fn(ctx, s, path, data, len, depth);
}

/* Every regular file named *SUFFIX in DIR, in name order. */
static int read_dir(ks_collect_ctx *ctx, ks_timesync_sources *s, const char *dir, size_t dl, const char *suffix,
                    int depth, parse_fn fn)
{
	char *d = ks_arena_strndup(ctx->arena, dir, dl);
	if (!d)
		return KS_ENOMEM;
	if (is_runtime_dir(d)) {
		s->dynamic = true; /* filled at run time (chrony's DHCP hook): nothing to read offline */
		return KS_OK;
	}
	const char **names;
	size_t n;
	int rc = ks_rootfs_list(ctx->root, ctx->arena, d, &names, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		if (rc != KS_ENOENT && rc != KS_ENOTDIR && !s->failed)
			s->failed = ks_arena_printf(ctx->arena, "%s: %s", d, ks_strerror(rc));
		return KS_OK;
	}
	size_t sl = strlen(suffix);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]);
		if (l <= sl || strcmp(names[i] + l - sl, suffix))
			continue;
		char *p = ks_arena_printf(ctx->arena, "%s/%s", d, names[i]);
		if (!p)
			return KS_ENOMEM;
		struct stat st;
		if (ks_rootfs_stat(ctx->root, p, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if ((rc = read_into(ctx, s, p, depth + 1, fn)) < 0)
			return rc;
	}
	return KS_OK;
}

/* ---- chrony ------------------------------------------------------------------------------- */

static int parse_chrony_sources(ks_collect_ctx *ctx, ks_timesync_sources *s, const char *path, const char *data,
                                size_t len, int depth);

static int chrony_lines(ks_collect_ctx *ctx, ks_timesync_sources *s, const char *path, const char *data,
                        size_t len, int depth, bool sources_only)
{
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next(&it, &line, &n)) {
		if (n > KS_MAX_LINE) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "line too long; skipped");
			continue;
		}
		const char *p = line, *w, *a;
		size_t pl = n, wl, al;
		if (!ks_next_word(&p, &pl, &w, &wl) || strchr("!;#%", w[0]))
			continue;
		int rc = KS_OK;
		if (ks_ieq(w, wl, "server") || ks_ieq(w, wl, "pool") || ks_ieq(w, wl, "peer")) {
			if (!ks_next_word(&p, &pl, &a, &al)) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "%.*s needs an address",
				            (int)wl, w);
				continue;
			}
			rc = add_server(ctx, s, a, al, path, it.lineno);
		} else if (sources_only) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1,
			            "only server, pool and peer are allowed in a .sources file");
		} else if (ks_ieq(w, wl, "refclock")) {
			const char *t = w;
			size_t tl = n - (size_t)(w - line);
			ks_trim(&t, &tl);
			rc = add_server(ctx, s, t, tl, path, it.lineno);
		} else if (ks_ieq(w, wl, "include")) {
			if (!ks_next_word(&p, &pl, &a, &al))
				continue;
			char *pat = ks_arena_strndup(ctx->arena, a, al);
			const char **paths;
			size_t np;
			if (!pat)
				return KS_ENOMEM;
			rc = ks_rootfs_glob(ctx->root, ctx->arena, pat, &paths, &np);
			if (rc == KS_ENOMEM)
				return rc;
			if (rc < 0 && !s->failed)
				s->failed = ks_arena_printf(ctx->arena, "%s: %s", pat, ks_strerror(rc));
			rc = KS_OK;
			for (size_t i = 0; i < np && rc == KS_OK; i++)
				rc = read_into(ctx, s, paths[i], depth + 1, ks_timesync_parse_chrony);
		} else if (ks_ieq(w, wl, "confdir") || ks_ieq(w, wl, "sourcedir")) {
			bool conf = ks_ieq(w, wl, "confdir");
			/* Several directories may be given; chrony reads *.conf / *.sources from all. */
			while (rc == KS_OK && ks_next_word(&p, &pl, &a, &al))
				rc = read_dir(ctx, s, a, al, conf ? ".conf" : ".sources", depth,
				              conf ? ks_timesync_parse_chrony : parse_chrony_sources);
		}
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_timesync_parse_chrony(ks_collect_ctx *ctx, ks_timesync_sources *s, const char *path, const char *data,
                             size_t len, int depth)
{
	return chrony_lines(ctx, s, path, data, len, depth, false);
}

static int parse_chrony_sources(ks_collect_ctx *ctx, ks_timesync_sources *s, const char *path, const char *data,
                                size_t len, int depth)
{
	return chrony_lines(ctx, s, path, data, len, depth, true);
}

/* ---- ntp ---------------------------------------------------------------------------------- */

int ks_timesync_parse_ntp(ks_collect_ctx *ctx, ks_timesync_sources *s, const char *path, const char *data,
                          size_t len, int depth)
{
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next(&it, &line, &n)) {
		if (n > KS_MAX_LINE)
			continue;
		const char *p = line, *w, *a;
		size_t pl = n, wl, al;
		if (!ks_next_word(&p, &pl, &w, &wl) || w[0] == '#')
			continue;
		int rc = KS_OK;
		if (ks_eq(w, wl, "server") || ks_eq(w, wl, "pool") || ks_eq(w, wl, "peer") || ks_eq(w, wl, "refclock")) {
			if (!ks_next_word(&p, &pl, &a, &al)) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "%.*s needs an address", (int)wl, w);
				continue;
			}
			/* 127.127.1.x is ntpd's undisciplined local clock: not a time source. */
			if (al >= 10 && !strncmp(a, "127.127.1.", 10))
				continue;
			if (ks_eq(w, wl, "refclock")) {
				const char *t = w;
				size_t tl = n - (size_t)(w - line);
				ks_trim(&t, &tl);
				rc = add_server(ctx, s, t, tl, path, it.lineno);
			} else {
				rc = add_server(ctx, s, a, al, path, it.lineno);
			}
		} else if (ks_eq(w, wl, "includefile") && ks_next_word(&p, &pl, &a, &al)) {
			char *inc = ks_arena_strndup(ctx->arena, a, al);
			if (!inc)
				return KS_ENOMEM;
			rc = read_into(ctx, s, inc, depth + 1, ks_timesync_parse_ntp);
		}
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

/* ---- systemd-timesyncd -------------------------------------------------------------------- */

int ks_timesync_parse_timesyncd(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                const char **ntp, const char **ntp_src, const char **fallback,
                                const char **fallback_src)
{
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	bool in_time = false;
	while (ks_lines_next(&it, &line, &n)) {
		if (n > KS_MAX_LINE)
			continue;
		const char *s = line;
		size_t sl = n;
		ks_trim(&s, &sl);
		if (!sl || s[0] == '#' || s[0] == ';')
			continue;
		if (s[0] == '[') {
			in_time = ks_eq(s, sl, "[Time]");
			continue;
		}
		const char *eq = memchr(s, '=', sl);
		if (!eq || !in_time)
			continue;
		const char *k = s, *v = eq + 1;
		size_t kl = (size_t)(eq - s), vl = sl - kl - 1;
		ks_trim(&k, &kl);
		ks_trim(&v, &vl);
		const char **slot = ks_eq(k, kl, "NTP") ? ntp : ks_eq(k, kl, "FallbackNTP") ? fallback : NULL;
		const char **src = slot == ntp ? ntp_src : fallback_src;
		if (!slot)
			continue;
		/* timesyncd.conf(5): each assignment adds to the list; an empty one clears it. */
		char *val;
		if (!vl)
			val = ks_arena_strdup(ctx->arena, "");
		else if (*slot && **slot)
			val = ks_arena_printf(ctx->arena, "%s %.*s", *slot, (int)vl, v);
		else
			val = ks_arena_strndup(ctx->arena, v, vl);
		*src = ks_collect_where(ctx, path, it.lineno);
		if (!val || !*src)
			return KS_ENOMEM;
		*slot = val;
	}
	return KS_OK;
}

static int timesyncd_sources(ks_collect_ctx *ctx, ks_timesync_sources *s)
{
	static const char *const dirs[] = {"/etc/systemd/timesyncd.conf.d", "/run/systemd/timesyncd.conf.d",
	                                   "/usr/local/lib/systemd/timesyncd.conf.d",
	                                   "/usr/lib/systemd/timesyncd.conf.d", "/lib/systemd/timesyncd.conf.d"};
	const char *files[KS_MAX_TOKENS];
	const char *names[KS_MAX_TOKENS];
	size_t nf = 0;
	files[nf++] = "/etc/systemd/timesyncd.conf";
	names[0] = "";
	for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
		const char **entries;
		size_t n;
		int rc = ks_rootfs_list(ctx->root, ctx->arena, dirs[d], &entries, &n);
		if (rc == KS_ENOMEM)
			return rc;
		for (size_t i = 0; rc == KS_OK && i < n && nf < KS_MAX_TOKENS; i++) {
			size_t l = strlen(entries[i]);
			if (l < 6 || strcmp(entries[i] + l - 5, ".conf"))
				continue;
			bool dup = false;
			for (size_t k = 1; k < nf && !dup; k++)
				dup = !strcmp(names[k], entries[i]);
			if (dup)
				continue;
			names[nf] = entries[i];
			files[nf] = ks_arena_printf(ctx->arena, "%s/%s", dirs[d], entries[i]);
			if (!files[nf])
				return KS_ENOMEM;
			nf++;
		}
	}
	/* Drop-ins in name order across the directories, after the main file. */
	for (size_t i = 1; i < nf; i++)
		for (size_t k = i; k > 1 && strcmp(names[k - 1], names[k]) > 0; k--) {
			const char *t = names[k];
			names[k] = names[k - 1];
			names[k - 1] = t;
			t = files[k];
			files[k] = files[k - 1];
			files[k - 1] = t;
		}
	const char *ntp = NULL, *fallback = NULL, *ntp_src = NULL, *fallback_src = NULL;
	for (size_t i = 0; i < nf; i++) {
		char *data;
		size_t len;
		int rc = ks_collect_read(ctx, files[i], &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc == KS_ENOENT)
			continue;
		if (rc < 0) {
			if (!s->failed)
				s->failed = ks_arena_printf(ctx->arena, "%s: %s", files[i], ks_strerror(rc));
			continue;
		}
		if ((rc = ks_timesync_parse_timesyncd(ctx, files[i], data, len, &ntp, &ntp_src, &fallback,
		                                      &fallback_src)) < 0)
			return rc;
	}
	/* NTP= servers (plus any from systemd-networkd) are used; FallbackNTP= only when there are none. */
	const char *list = ntp && *ntp ? ntp : fallback ? fallback : TIMESYNCD_FALLBACK;
	const char *src = ntp && *ntp ? ntp_src : fallback ? fallback_src : NULL;
	s->dynamic = true; /* systemd-networkd may hand out servers */
	const char *p = list, *w;
	size_t pl = strlen(list), wl;
	while (ks_next_word(&p, &pl, &w, &wl)) {
		int rc = add_server(ctx, s, w, wl, src ? src : "compiled-in FallbackNTP=", 0);
		if (rc < 0)
			return rc;
	}
	if (!src && s->servers.u.list.n)
		s->first_path = NULL; /* the compiled-in default: reported as a probe */
	return KS_OK;
}

/* ---- collector ---------------------------------------------------------------------------- */

enum { SVC_CHRONY, SVC_NTPSEC, SVC_NTP, SVC_TIMESYNCD };

static const struct {
	const char *name;
	const char *units[3];
	const char *sysv;
	const char *bins[3];
	const char *confs[3];
} services[] = {
	{"chrony", {"chrony.service", "chronyd.service", NULL}, "chrony", {"/usr/sbin/chronyd", "/sbin/chronyd", NULL},
	 {"/etc/chrony/chrony.conf", "/etc/chrony.conf", NULL}},
	{"ntpsec", {"ntpsec.service", NULL, NULL}, "ntpsec", {"/usr/sbin/ntpd", "/sbin/ntpd", NULL},
	 {"/etc/ntpsec/ntp.conf", NULL, NULL}},
	{"ntp", {"ntp.service", "ntpd.service", NULL}, "ntp", {"/usr/sbin/ntpd", "/sbin/ntpd", NULL},
	 {"/etc/ntp.conf", NULL, NULL}},
	{"systemd-timesyncd", {"systemd-timesyncd.service", NULL, NULL}, NULL,
	 {"/lib/systemd/systemd-timesyncd", "/usr/lib/systemd/systemd-timesyncd", NULL}, {NULL, NULL, NULL}},
};

static bool installed(ks_collect_ctx *ctx, size_t i)
{
	for (size_t b = 0; services[i].bins[b]; b++) {
		struct stat st;
		if (ks_rootfs_stat(ctx->root, services[i].bins[b], &st) == KS_OK && S_ISREG(st.st_mode))
			return true;
	}
	return false;
}

static int sources_of(ks_collect_ctx *ctx, size_t i, ks_timesync_sources *s, const char **conf)
{
	ks_timesync_sources_init(s);
	*conf = NULL;
	if (i == SVC_TIMESYNCD) {
		*conf = "/etc/systemd/timesyncd.conf";
		return timesyncd_sources(ctx, s);
	}
	for (size_t c = 0; services[i].confs[c]; c++) {
		struct stat st;
		if (ks_rootfs_stat(ctx->root, services[i].confs[c], &st) < 0)
			continue;
		*conf = services[i].confs[c];
		return read_into(ctx, s, *conf, 0, i == SVC_CHRONY ? ks_timesync_parse_chrony : ks_timesync_parse_ntp);
	}
	return KS_OK;
}

static int put_all(ks_collect_ctx *ctx, bool on, const char *service, ks_value servers, const char *path, int line,
                   const char *probe)
{
	int rc = path ? ks_fact_bool(ctx->facts, "time.sync_enabled", on, path, line)
	              : ks_fact_put_probe(ctx->facts, "time.sync_enabled", ks_val_bool(on), probe);
	if (rc < 0)
		return rc;
	rc = path ? ks_fact_str(ctx->facts, "time.sync_service", service, path, line)
	          : ks_fact_put_probe(ctx->facts, "time.sync_service", ks_val_strz(ctx->arena, service), probe);
	if (rc < 0)
		return rc;
	return ks_fact_put_probe(ctx->facts, "time.servers", servers, probe);
}

static int unknown_all(ks_collect_ctx *ctx, const char *path, const char *why)
{
	static const char *const keys[] = {"time.sync_enabled", "time.sync_service", "time.servers"};
	for (size_t i = 0; i < 3; i++) {
		int rc = ks_fact_unknown(ctx->facts, keys[i], path, "%s", why);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_collect_timesync(ks_collect_ctx *ctx)
{
	const char *unsure = NULL, *unsure_path = NULL;
	const char *idle = NULL; /* an enabled client without sources */
	bool dynamic_only = false;
	for (size_t i = 0; i < sizeof services / sizeof *services; i++) {
		if (!installed(ctx, i))
			continue;
		ks_unit_enablement e;
		int rc = ks_systemd_enable_query(ctx, services[i].units, services[i].sysv, &e);
		if (rc < 0)
			return rc;
		if (e.state == KS_UNIT_UNREADABLE && !unsure) {
			unsure = e.detail;
			unsure_path = e.path;
		}
		if (e.state != KS_UNIT_ENABLED)
			continue;
		ks_timesync_sources s;
		const char *conf;
		if ((rc = sources_of(ctx, i, &s, &conf)) < 0)
			return rc;
		if (s.failed) {
			if (!unsure) {
				unsure = s.failed;
				unsure_path = conf;
			}
			continue;
		}
		if (s.servers.u.list.n == 0) {
			if (!idle)
				idle = services[i].name;
			dynamic_only |= s.dynamic;
			continue;
		}
		char *probe = ks_arena_printf(ctx->arena, "%s enabled (%s) with time sources from %s", services[i].name,
		                              e.path, s.first_path ? s.first_path : "its compiled-in defaults");
		if (!probe)
			return KS_ENOMEM;
		return put_all(ctx, true, services[i].name, s.servers, e.path, 0, probe);
	}
	if (unsure)
		return unknown_all(ctx, unsure_path, unsure);
	if (idle && dynamic_only) {
		char *why = ks_arena_printf(ctx->arena,
		                            "%s is enabled but configures no server: sources would have to come "
		                            "from DHCP at run time",
		                            idle);
		return why ? unknown_all(ctx, NULL, why) : KS_ENOMEM;
	}
	char *probe = idle ? ks_arena_printf(ctx->arena, "%s is enabled but has no server configured", idle)
	                   : ks_arena_strdup(ctx->arena, "no chrony, ntpsec, ntp or systemd-timesyncd enabled at boot");
	if (!probe)
		return KS_ENOMEM;
	return put_all(ctx, false, idle ? idle : "none", ks_val_list(), NULL, 0, probe);
}
