/* logs collector (derived): logs.auth_persisted, logs.auth_destinations, logs.retention_days,
 * logs.auth_forwarded, logs.forward_targets, logs.bad_permissions, logs.bad_permissions_count.
 * Reads the rsyslog.*, journald.* and logrotate.files facts and stats the log files themselves. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

/* Kleene truth of a bool fact: 1, 0, or -1 when unknown or missing. */
static int tri(const ks_facts *f, const char *key)
{
	const ks_fact *x = ks_fact_get(f, key);
	if (!x || x->value.type != KS_VAL_BOOL)
		return -1;
	return x->value.u.b ? 1 : 0;
}

static int tri_and(int a, int b)
{
	if (a == 0 || b == 0)
		return 0;
	return a < 0 || b < 0 ? -1 : 1;
}

static int tri_or(int a, int b)
{
	if (a == 1 || b == 1)
		return 1;
	return a < 0 || b < 0 ? -1 : 0;
}

static const ks_value *list_fact(const ks_facts *f, const char *key)
{
	const ks_fact *x = ks_fact_get(f, key);
	return x && x->value.type == KS_VAL_LIST ? &x->value : NULL;
}

static const char *str_field(const ks_value *rec, const char *name)
{
	const ks_value *v = ks_record_get(rec, name);
	return v && v->type == KS_VAL_STR ? v->u.str.s : NULL;
}

/* Splits a "path:line" source back into its parts (LINE 0 when there is none). */
static const char *split_source(ks_arena *a, const char *src, int *line)
{
	*line = 0;
	if (!src)
		return NULL;
	const char *colon = strrchr(src, ':');
	if (colon && colon[1]) {
		int64_t v;
		if (ks_parse_int(colon + 1, strlen(colon + 1), &v) && v > 0 && v < 1000000000) {
			*line = (int)v;
			return ks_arena_strndup(a, src, (size_t)(colon - src));
		}
	}
	return src;
}

static int put_from_source(ks_collect_ctx *ctx, const char *key, ks_value v, const char *src)
{
	int line;
	const char *path = split_source(ctx->arena, src, &line);
	if (path && path[0] == '/')
		return ks_fact_put(ctx->facts, key, v, path, line);
	return ks_fact_put_probe(ctx->facts, key, v, src ? src : key);
}

/* ---- what reaches rsyslog ----------------------------------------------------------------- */

/* Local programs log to /dev/log, which journald owns on systemd hosts: rsyslog then sees them only
 * through ForwardToSyslog= or by reading the journal with imjournal (journald.conf(5)). */
static int rsyslog_active(ks_collect_ctx *ctx, const char **why)
{
	const ks_facts *f = ctx->facts;
	int on = tri_and(tri(f, "rsyslog.installed"), tri(f, "rsyslog.enabled"));
	*why = on == 0 ? "rsyslog is not installed or not enabled" : on < 0 ? "rsyslog enablement unknown" : NULL;
	if (on <= 0)
		return on;
	int journald = tri(f, "journald.installed");
	if (journald == 0)
		return 1;
	const ks_fact *st = ks_fact_get(f, "journald.storage");
	int storage_some = st && st->value.type == KS_VAL_STR ? strcmp(st->value.u.str.s, "none") != 0 : -1;
	int feed = tri_or(tri(f, "journald.forward_to_syslog"), tri_and(tri(f, "rsyslog.reads_journal"), storage_some));
	int r = tri_or(journald == 1 ? 0 : -1, feed);
	*why = r == 0 ? "journald does not forward to syslog and rsyslog does not read the journal"
	       : r < 0 ? "whether journald feeds rsyslog is unknown" : NULL;
	return r;
}

/* ---- permissions -------------------------------------------------------------------------- */

struct idmap {
	const char **names;
	long *ids;
	size_t n;
	bool loaded;
};

static int load_ids(ks_collect_ctx *ctx, const char *path, struct idmap *m)
{
	if (m->loaded)
		return KS_OK;
	m->loaded = true;
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0)
		return KS_OK; /* names then show as numbers */
	size_t cap = 0;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next(&it, &line, &n) && m->n < 65536) {
		const char *c1 = memchr(line, ':', n);
		if (!c1)
			continue;
		const char *c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - line));
		if (!c2)
			continue;
		const char *c3 = memchr(c2 + 1, ':', n - (size_t)(c2 + 1 - line));
		size_t il = c3 ? (size_t)(c3 - c2 - 1) : n - (size_t)(c2 + 1 - line);
		int64_t id;
		if (!ks_parse_int(c2 + 1, il, &id))
			continue;
		if (m->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			const char **nn = ks_arena_alloc(ctx->arena, nc * sizeof *nn);
			long *ni = ks_arena_alloc(ctx->arena, nc * sizeof *ni);
			if (!nn || !ni)
				return KS_ENOMEM;
			if (m->n) {
				memcpy(nn, m->names, m->n * sizeof *nn);
				memcpy(ni, m->ids, m->n * sizeof *ni);
			}
			m->names = nn;
			m->ids = ni;
			cap = nc;
		}
		m->names[m->n] = ks_arena_strndup(ctx->arena, line, (size_t)(c1 - line));
		if (!m->names[m->n])
			return KS_ENOMEM;
		m->ids[m->n++] = (long)id;
	}
	return KS_OK;
}

static const char *id_name(ks_collect_ctx *ctx, const struct idmap *m, long id)
{
	if (id == 0)
		return "root";
	for (size_t i = 0; i < m->n; i++)
		if (m->ids[i] == id)
			return m->names[i];
	return ks_arena_printf(ctx->arena, "%ld", id);
}

static bool one_of(const char *s, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (!strcmp(s, set[i]))
			return true;
	return false;
}

/* Who may write auth logs: root and the syslog user; by group also adm (Debian's log readers, who
 * are not given write access by default) and systemd-journal. */
static const char *const owners_ok[] = {"root", "syslog", NULL};
static const char *const groups_ok[] = {"root", "adm", "syslog", "systemd-journal", NULL};

struct perms {
	ks_collect_ctx *ctx;
	struct idmap users, groups;
	ks_value list;
	const char *unknown;
	const char *unknown_path;
	const char **seen;
	size_t nseen, capseen;
};

static bool seen(struct perms *p, const char *path)
{
	for (size_t i = 0; i < p->nseen; i++)
		if (!strcmp(p->seen[i], path))
			return true;
	if (p->nseen == p->capseen) {
		size_t nc = p->capseen ? p->capseen * 2 : 16;
		const char **v = ks_arena_alloc(p->ctx->arena, nc * sizeof *v);
		if (!v)
			return true;
		if (p->nseen)
			memcpy(v, p->seen, p->nseen * sizeof *v);
		p->seen = v;
		p->capseen = nc;
	}
	p->seen[p->nseen++] = path;
	return false;
}

static int add_bad(struct perms *p, const char *path, unsigned mode, const char *owner, const char *group,
                   const char *problem, const char *source)
{
	ks_arena *a = p->ctx->arena;
	ks_value rec = ks_val_record();
	char *m = ks_arena_printf(a, "%04o", mode & 07777);
	if (!m || ks_record_set(a, &rec, "name", ks_val_strz(a, path)) < 0 ||
	    ks_record_set(a, &rec, "mode", ks_val_strz(a, m)) < 0 ||
	    ks_record_set(a, &rec, "owner", ks_val_strz(a, owner ? owner : "")) < 0 ||
	    ks_record_set(a, &rec, "group", ks_val_strz(a, group ? group : "")) < 0 ||
	    ks_record_set(a, &rec, "summary", ks_val_strz(a, problem)) < 0 ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, source)) < 0)
		return KS_ENOMEM;
	return ks_list_push(a, &p->list, rec);
}

/* The problem with MODE/OWNER/GROUP for an auth log, or NULL. */
static const char *judge(ks_arena *a, unsigned mode, const char *owner, const char *group)
{
	if (mode & S_IWOTH)
		return "writable by every user";
	if ((mode & S_IWGRP) && !one_of(group, groups_ok))
		return ks_arena_printf(a, "writable by group %s", group);
	if (!one_of(owner, owners_ok))
		return ks_arena_printf(a, "owned by %s", owner);
	return NULL;
}

static void unsure(struct perms *p, const char *path, const char *why)
{
	if (!p->unknown) {
		p->unknown = why;
		p->unknown_path = path;
	}
}

/* Stats PATH (a log file or directory) inside the root and lists it when others can alter it.
 * *EXISTS (may be NULL) tells whether there was anything to check. */
static int check_path(struct perms *p, const char *path, bool is_dir, bool *exists)
{
	if (exists)
		*exists = true;
	if (seen(p, path))
		return KS_OK;
	ks_collect_ctx *ctx = p->ctx;
	struct stat lst, st;
	int rc = ks_rootfs_lstat(ctx->root, path, &lst);
	if (rc == KS_ENOENT || rc == KS_ENOTDIR) {
		if (exists)
			*exists = false;
		return KS_OK; /* not created yet: rsyslog/journald create it with their own modes */
	}
	if (rc < 0) {
		unsure(p, path, ks_arena_printf(ctx->arena, "%s: %s", path, ks_strerror(rc)));
		return KS_OK;
	}
	st = lst;
	if (S_ISLNK(lst.st_mode) && (rc = ks_rootfs_stat(ctx->root, path, &st)) < 0) {
		if (rc == KS_ENOENT)
			return add_bad(p, path, lst.st_mode, "", "", "dangling symbolic link: nothing is kept", path);
		unsure(p, path, ks_arena_printf(ctx->arena, "%s: %s", path, ks_strerror(rc)));
		return KS_OK;
	}
	const char *owner = id_name(ctx, &p->users, (long)st.st_uid);
	const char *group = id_name(ctx, &p->groups, (long)st.st_gid);
	if (!owner || !group)
		return KS_ENOMEM;
	if (is_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return add_bad(p, path, st.st_mode, owner, group,
		               is_dir ? "not a directory" : "not a regular file (e.g. a link to /dev/null): nothing is kept",
		               path);
	const char *problem = judge(ctx->arena, st.st_mode, owner, group);
	if (problem)
		return add_bad(p, path, st.st_mode, owner, group, problem, path);
	return KS_OK;
}

/* A log file, and the directory holding it (whoever can write there can delete or replace it). */
static int check_file(struct perms *p, const char *path)
{
	bool exists;
	int rc = check_path(p, path, false, &exists);
	if (rc < 0 || !exists)
		return rc;
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return KS_OK;
	char *dir = ks_arena_strndup(p->ctx->arena, path, (size_t)(slash - path));
	return dir ? check_path(p, dir, true, NULL) : KS_ENOMEM;
}

/* logrotate's "create MODE OWNER GROUP" is the mode the file gets at every rotation. */
static int check_create(struct perms *p, const ks_value *lr_files, const char *path)
{
	if (!lr_files)
		return KS_OK;
	for (size_t i = 0; i < lr_files->u.list.n; i++) {
		const ks_value *rec = &lr_files->u.list.items[i];
		const char *name = str_field(rec, "name"), *mode = str_field(rec, "create_mode");
		if (!name || strcmp(name, path) || !mode)
			continue;
		unsigned m = (unsigned)strtoul(mode, NULL, 8);
		const char *owner = str_field(rec, "create_owner"), *group = str_field(rec, "create_group");
		const char *problem = judge(p->ctx->arena, m, owner && *owner ? owner : "root", group && *group ? group : "root");
		if (!problem)
			return KS_OK;
		char *why = ks_arena_printf(p->ctx->arena, "logrotate recreates it %s", problem);
		return why ? add_bad(p, path, m, owner, group, why, str_field(rec, "create_source")) : KS_ENOMEM;
	}
	return KS_OK;
}

/* /var/log/journal, its machine directories and the journal files in them. */
static int check_journal(struct perms *p)
{
	const char *top = "/var/log/journal";
	int rc = check_path(p, top, true, NULL);
	if (rc < 0)
		return rc;
	const char **names;
	size_t n;
	rc = ks_rootfs_list(p->ctx->root, p->ctx->arena, top, &names, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		if (rc != KS_ENOENT && rc != KS_ENOTDIR)
			unsure(p, top, ks_arena_printf(p->ctx->arena, "%s: %s", top, ks_strerror(rc)));
		return KS_OK;
	}
	for (size_t i = 0; i < n; i++) {
		char *sub = ks_arena_printf(p->ctx->arena, "%s/%s", top, names[i]);
		struct stat st;
		if (!sub)
			return KS_ENOMEM;
		if (ks_rootfs_lstat(p->ctx->root, sub, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if ((rc = check_path(p, sub, true, NULL)) < 0)
			return rc;
		const char **files;
		size_t nf;
		if (ks_rootfs_list(p->ctx->root, p->ctx->arena, sub, &files, &nf) == KS_ENOMEM)
			return KS_ENOMEM;
		for (size_t k = 0; k < nf; k++) {
			size_t l = strlen(files[k]);
			if (l < 9 || strcmp(files[k] + l - 8, ".journal"))
				continue;
			char *f = ks_arena_printf(p->ctx->arena, "%s/%s", sub, files[k]);
			if (!f)
				return KS_ENOMEM;
			if ((rc = check_path(p, f, false, NULL)) < 0)
				return rc;
		}
	}
	return KS_OK;
}

static int collect_permissions(ks_collect_ctx *ctx, int journal_persistent)
{
	struct perms p;
	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.list = ks_val_list();
	int rc;
	if ((rc = load_ids(ctx, "/etc/passwd", &p.users)) < 0 || (rc = load_ids(ctx, "/etc/group", &p.groups)) < 0)
		return rc;
	const ks_value *files = list_fact(ctx->facts, "rsyslog.auth_files");
	const ks_value *lr = list_fact(ctx->facts, "logrotate.files");
	if (!files)
		unsure(&p, NULL, "the auth log files are not known (rsyslog.auth_files)");
	for (size_t i = 0; files && i < files->u.list.n; i++) {
		const ks_value *rec = &files->u.list.items[i];
		const char *name = str_field(rec, "name"), *kind = str_field(rec, "kind");
		if (!name)
			continue;
		if (kind && !strcmp(kind, "dynafile")) {
			unsure(&p, NULL, ks_arena_printf(ctx->arena, "%s: file names come from a template (%s)",
			                                 str_field(rec, "source"), name));
			continue;
		}
		if ((rc = check_file(&p, name)) < 0 || (rc = check_create(&p, lr, name)) < 0)
			return rc;
	}
	if (journal_persistent < 0)
		unsure(&p, "/var/log/journal", "whether the journal is kept on disk is unknown");
	else if (journal_persistent && (rc = check_journal(&p)) < 0)
		return rc;
	if (p.unknown) {
		const char *why = p.unknown ? p.unknown : "out of memory";
		if ((rc = ks_fact_unknown(ctx->facts, "logs.bad_permissions", p.unknown_path, "%s", why)) < 0)
			return rc;
		return ks_fact_unknown(ctx->facts, "logs.bad_permissions_count", p.unknown_path, "%s", why);
	}
	const char *probe = "auth log files, their directories and the persistent journal, stat()ed inside the root: "
	                    "writable by others, by a group other than root/adm/syslog/systemd-journal, or "
	                    "owned by a user other than root/syslog";
	if ((rc = ks_fact_put_probe(ctx->facts, "logs.bad_permissions", p.list, probe)) < 0)
		return rc;
	size_t n = p.list.u.list.n;
	if (n)
		return put_from_source(ctx, "logs.bad_permissions_count", ks_val_int((int64_t)n),
		                       str_field(&p.list.u.list.items[0], "source"));
	return ks_fact_put_probe(ctx->facts, "logs.bad_permissions_count", ks_val_int(0), probe);
}

/* ---- persistence, retention, forwarding --------------------------------------------------- */

static int add_dest(ks_collect_ctx *ctx, ks_value *list, const char *name, const char *kind, const char *source)
{
	ks_arena *a = ctx->arena;
	ks_value rec = ks_val_record();
	if (ks_record_set(a, &rec, "name", ks_val_strz(a, name ? name : "")) < 0 ||
	    ks_record_set(a, &rec, "kind", ks_val_strz(a, kind)) < 0 ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, source ? source : "")) < 0)
		return KS_ENOMEM;
	return ks_list_push(a, list, rec);
}

static const ks_value *lr_record(const ks_value *lr, const char *name)
{
	for (size_t i = 0; lr && i < lr->u.list.n; i++) {
		const char *n = str_field(&lr->u.list.items[i], "name");
		if (n && !strcmp(n, name))
			return &lr->u.list.items[i];
	}
	return NULL;
}

int ks_collect_logs(ks_collect_ctx *ctx)
{
	const ks_facts *f = ctx->facts;
	ks_arena *a = ctx->arena;
	const char *rs_why;
	int rs = rsyslog_active(ctx, &rs_why);
	const ks_value *files = list_fact(f, "rsyslog.auth_files");
	const ks_value *fwd = list_fact(f, "rsyslog.auth_forward");
	int rs_files = files ? files->u.list.n > 0 : -1;
	int rs_fwd = fwd ? fwd->u.list.n > 0 : -1;
	int rs_auth = tri_and(rs, rs_files);
	int journal = tri(f, "journald.persistent");
	int rc;

	/* logs.auth_persisted: an rsyslog file action for auth, or the journal on disk. */
	int persisted = tri_or(rs_auth, journal);
	const char *key = "logs.auth_persisted";
	if (persisted < 0)
		rc = ks_fact_unknown(ctx->facts, key, NULL, "%s",
		                     rs_auth < 0 ? (rs < 0 ? rs_why : "the auth log files are not known")
		                                 : "whether the journal is kept on disk is unknown");
	else if (rs_auth == 1)
		rc = put_from_source(ctx, key, ks_val_bool(true), str_field(&files->u.list.items[0], "source"));
	else if (journal == 1) {
		const ks_fact *jp = ks_fact_get(f, "journald.persistent");
		rc = ks_fact_bool(ctx->facts, key, true, jp->source.path ? jp->source.path : "/var/log/journal",
		                  jp->source.line);
	}
	else
		rc = ks_fact_put_probe(ctx->facts, key, ks_val_bool(false),
		                       ks_arena_printf(a, "no rsyslog file receives auth messages (%s) and the journal "
		                                          "is not kept on disk",
		                                       rs == 0 ? rs_why : "none configured"));
	if (rc < 0)
		return rc;

	/* logs.auth_destinations */
	ks_value dests = ks_val_list();
	for (size_t i = 0; rs == 1 && files && i < files->u.list.n; i++)
		if ((rc = add_dest(ctx, &dests, str_field(&files->u.list.items[i], "name"), "file",
		                   str_field(&files->u.list.items[i], "source"))) < 0)
			return rc;
	if (journal == 1 && (rc = add_dest(ctx, &dests, "/var/log/journal", "journal", "/var/log/journal")) < 0)
		return rc;
	for (size_t i = 0; rs == 1 && fwd && i < fwd->u.list.n; i++)
		if ((rc = add_dest(ctx, &dests, str_field(&fwd->u.list.items[i], "name"), "forward",
		                   str_field(&fwd->u.list.items[i], "source"))) < 0)
			return rc;
	if ((rc = ks_fact_put_probe(ctx->facts, "logs.auth_destinations", dests,
	                            "rsyslog auth files and forwards (when rsyslog runs and is fed) and the "
	                            "persistent journal")) < 0)
		return rc;

	/* logs.retention_days: the longest guaranteed lookback among the persisted auth stores. */
	key = "logs.retention_days";
	int64_t best = -1;
	const char *best_src = NULL, *unknown = NULL, *unknown_path = NULL;
	if (rs_auth < 0)
		unknown = rs < 0 ? rs_why : "the auth log files are not known";
	if (rs_auth == 1) {
		const ks_value *lr = list_fact(f, "logrotate.files");
		for (size_t i = 0; i < files->u.list.n && !unknown; i++) {
			const char *name = str_field(&files->u.list.items[i], "name");
			if (!name)
				continue;
			const ks_value *rec = lr ? lr_record(lr, name) : NULL;
			const ks_value *days = rec ? ks_record_get(rec, "retention_days") : NULL;
			const char *summary = rec ? str_field(rec, "summary") : NULL;
			if (!lr)
				unknown = "logrotate.files is unknown";
			else if (!days || days->type != KS_VAL_INT) {
				unknown = ks_arena_printf(a, "%s: %s", name, summary ? summary : "retention unknown");
				if (!unknown)
					return KS_ENOMEM;
				int line;
				unknown_path = rec ? split_source(a, str_field(rec, "source"), &line) : NULL;
				if (unknown_path && unknown_path[0] != '/')
					unknown_path = NULL;
			}
			else if (days->u.i > best) {
				best = days->u.i;
				best_src = str_field(rec, "source");
			}
		}
	}
	if (journal < 0 && !unknown)
		unknown = "whether the journal is kept on disk is unknown";
	if (journal == 1 && !unknown) {
		/* MaxRetentionSec= is the only time setting; without it the size caps bound the journal
		 * and guarantee no minimum age. */
		const ks_fact *mr = ks_fact_get(f, "journald.max_retention_sec");
		if (!mr || mr->value.type != KS_VAL_INT) {
			unknown = "journald.max_retention_sec is unknown";
		} else {
			int64_t days = mr->value.u.i / 86400;
			if (days > best) {
				best = days;
				best_src = mr->source.path ? ks_collect_where(ctx, mr->source.path, mr->source.line) : NULL;
			}
		}
	}
	if (unknown)
		rc = ks_fact_unknown(ctx->facts, key, unknown_path, "%s", unknown);
	else if (best < 0)
		rc = ks_fact_put_probe(ctx->facts, key, ks_val_int(0), "no persisted auth log store");
	else if (best_src)
		rc = put_from_source(ctx, key, ks_val_int(best), best_src);
	else
		rc = ks_fact_put_probe(ctx->facts, key, ks_val_int(best),
		                       "longest retention among the persisted auth stores (journal: no MaxRetentionSec=)");
	if (rc < 0)
		return rc;

	/* logs.auth_forwarded / logs.forward_targets */
	int forwarded = tri_and(rs, rs_fwd);
	key = "logs.auth_forwarded";
	if (forwarded < 0)
		rc = ks_fact_unknown(ctx->facts, key, NULL, "%s", rs < 0 ? rs_why : "the rsyslog forwarding actions are not known");
	else if (forwarded)
		rc = put_from_source(ctx, key, ks_val_bool(true), str_field(&fwd->u.list.items[0], "source"));
	else
		rc = ks_fact_put_probe(ctx->facts, key, ks_val_bool(false),
		                       rs == 0 ? rs_why : "no rsyslog action forwards auth messages to another host");
	if (rc < 0)
		return rc;
	if (forwarded < 0) {
		rc = ks_fact_unknown(ctx->facts, "logs.forward_targets", NULL, "%s", "forwarding unknown");
	} else {
		ks_value targets = ks_val_list();
		for (size_t i = 0; forwarded && i < fwd->u.list.n; i++) {
			const char *name = str_field(&fwd->u.list.items[i], "name");
			if ((rc = ks_list_push(a, &targets, ks_val_strz(a, name ? name : ""))) < 0)
				return rc;
		}
		rc = ks_fact_put_probe(ctx->facts, "logs.forward_targets", targets, "rsyslog.auth_forward names");
	}
	if (rc < 0)
		return rc;
	return collect_permissions(ctx, journal);
}
