/* inetd collector: services started by an enabled inetd (openbsd-inetd, inetutils-inetd) from
 * /etc/inetd.conf, or by an enabled xinetd from /etc/xinetd.conf and its includes -> services.inetd. */
#include "inetd.h"

#include <stdbool.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "systemd.h"

static bool list_has_str(const ks_value *list, const char *s, size_t n)
{
	for (size_t i = 0; i < list->u.list.n; i++) {
		const ks_value *v = &list->u.list.items[i];
		if (v->type == KS_VAL_STR && ks_eq(s, n, v->u.str.s))
			return true;
	}
	return false;
}

/* True when LIST already has a record with this name and server. */
static bool have_record(const ks_value *list, const char *name, const char *server)
{
	for (size_t i = 0; i < list->u.list.n; i++) {
		const ks_value *n = ks_record_get(&list->u.list.items[i], "name");
		const ks_value *s = ks_record_get(&list->u.list.items[i], "server");
		if (n && s && n->type == KS_VAL_STR && s->type == KS_VAL_STR && strcmp(n->u.str.s, name) == 0 &&
		    strcmp(s->u.str.s, server) == 0)
			return true;
	}
	return false;
}

static bool word_in(const char *w, size_t n, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (ks_eq(w, n, set[i]))
			return true;
	return false;
}

static bool base_is(const char *w, size_t n, const char *base)
{
	size_t bl = strlen(base);
	return n >= bl && memcmp(w + n - bl, base, bl) == 0 && (n == bl || w[n - bl - 1] == '/');
}

/* ---- inetd.conf -------------------------------------------------------------------------------- */

int ks_inetd_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                          ks_value *list)
{
	static const char *const socktypes[] = {"stream", "dgram", "raw", "rdm", "seqpacket", NULL};
	ks_arena *a = ctx->arena;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next(&it, &line, &n)) {
		ks_trim(&line, &n);
		/* '#' comments out a line; update-inetd --disable writes "#<off># service ...". */
		if (!n || line[0] == '#')
			continue;
		if (n > KS_MAX_LINE) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "line longer than %u bytes; skipped",
			            KS_MAX_LINE);
			continue;
		}
		const char *w[8];
		size_t wl[8], nw = 0;
		const char *s = line;
		size_t sl = n;
		while (nw < 8 && ks_next_word(&s, &sl, &w[nw], &wl[nw]))
			nw++;
		/* openbsd-inetd: a lone "address:" line sets the default listen address of later lines. */
		if (nw == 1 && w[0][wl[0] - 1] == ':')
			continue;
		const char *bad = NULL;
		if (nw < 6)
			bad = "expected: service socket-type protocol wait|nowait user server [arguments]";
		else if (!word_in(w[1], wl[1], socktypes))
			bad = "socket type must be stream, dgram, raw, rdm or seqpacket";
		else if (!(wl[3] >= 4 && memcmp(w[3], "wait", 4) == 0) && !(wl[3] >= 6 && memcmp(w[3], "nowait", 6) == 0))
			bad = "fourth field must be wait or nowait";
		if (bad) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "%s", bad);
			continue;
		}
		/* [address:]service */
		const char *name = w[0];
		size_t nl = wl[0];
		const char *colon = NULL;
		for (size_t i = 0; i < nl; i++)
			if (name[i] == ':')
				colon = name + i;
		if (colon) {
			nl -= (size_t)(colon + 1 - name);
			name = colon + 1;
		}
		if (!nl) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "empty service name");
			continue;
		}
		const char *server = w[5];
		size_t svl = wl[5];
		/* tcpd(8) runs the program named by its first argument */
		if (base_is(server, svl, "tcpd") && nw >= 7) {
			server = w[6];
			svl = wl[6];
		}
		ks_value rec = ks_val_record();
		if (ks_record_set(a, &rec, "name", ks_val_str(a, name, nl)) < 0 ||
		    ks_record_set(a, &rec, "server", ks_val_str(a, server, svl)) < 0 ||
		    ks_record_set(a, &rec, "socktype", ks_val_str(a, w[1], wl[1])) < 0 ||
		    ks_record_set(a, &rec, "proto", ks_val_str(a, w[2], wl[2])) < 0 ||
		    ks_record_set(a, &rec, "user", ks_val_str(a, w[4], wl[4])) < 0 ||
		    ks_record_set(a, &rec, "via", ks_val_strz(a, "inetd")) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, ks_collect_where(ctx, path, it.lineno))) < 0 ||
		    ks_list_push(a, list, rec) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

/* ---- xinetd.conf ------------------------------------------------------------------------------- */

struct xsvc {
	const char *name, *id, *server, *path;
	int line;
	bool disable, internal;
};

struct xstate {
	ks_collect_ctx *ctx;
	struct xsvc *v;
	size_t n, cap;
	ks_value enabled, disabled; /* the defaults section's lists of service ids */
	bool have_enabled;
	int files;
	bool incomplete;
};

enum xmode { X_TOP, X_BRACE, X_BLOCK, X_SKIP };

static int xparse(struct xstate *st, const char *path, const char *data, size_t len, int depth);

static int xinclude_file(struct xstate *st, const char *from, int line, const char *file, int depth)
{
	ks_collect_ctx *ctx = st->ctx;
	if (depth >= KS_MAX_INCLUDE_DEPTH || st->files >= KS_MAX_INCLUDE_FILES) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, line, 1, "include limit reached; %s not read", file);
		st->incomplete = true;
		return KS_OK;
	}
	st->files++;
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, file, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		if (rc == KS_ENOENT)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, line, 1, "included file %s does not exist", file);
		st->incomplete = true;
		return KS_OK;
	}
	return xparse(st, file, data, len, depth + 1);
}

static int xinclude_dir(struct xstate *st, const char *from, int line, const char *dir, int depth)
{
	ks_collect_ctx *ctx = st->ctx;
	const char **ents;
	size_t n;
	int rc = ks_rootfs_list(ctx->root, ctx->arena, dir, &ents, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, from, line, 1, "includedir %s: %s", dir, ks_strerror(rc));
		st->incomplete = true;
		return KS_OK;
	}
	for (size_t i = 0; i < n; i++) {
		size_t el = strlen(ents[i]);
		/* xinetd.conf(5): files whose names contain a dot or end with a tilde are skipped. */
		if (strchr(ents[i], '.') || ents[i][el - 1] == '~')
			continue;
		char *p = ks_arena_printf(ctx->arena, "%s/%s", dir, ents[i]);
		if (!p)
			return KS_ENOMEM;
		if ((rc = xinclude_file(st, from, line, p, depth)) < 0)
			return rc;
	}
	return KS_OK;
}

static int xpush(struct xstate *st, const struct xsvc *s)
{
	if (st->n == st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 16;
		struct xsvc *nv = ks_arena_alloc(st->ctx->arena, nc * sizeof *nv);
		if (!nv)
			return KS_ENOMEM;
		if (st->n)
			memcpy(nv, st->v, st->n * sizeof *nv);
		st->v = nv;
		st->cap = nc;
	}
	st->v[st->n++] = *s;
	return KS_OK;
}

/* Applies "name op values" to the defaults' id lists. */
static int xlist(ks_arena *a, ks_value *list, char op, const char *v, size_t vl)
{
	if (op == '=')
		*list = ks_val_list();
	const char *w;
	size_t wl;
	while (ks_next_word(&v, &vl, &w, &wl)) {
		if (op == '-') {
			for (size_t i = 0; i < list->u.list.n; i++)
				if (ks_eq(w, wl, list->u.list.items[i].u.str.s))
					list->u.list.items[i] = ks_val_strz(a, "");
			continue;
		}
		if (ks_list_push(a, list, ks_val_str(a, w, wl)) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

static int xattr(struct xstate *st, const char *path, int line, bool defaults, struct xsvc *svc,
                 const char *s, size_t n)
{
	ks_collect_ctx *ctx = st->ctx;
	ks_arena *a = ctx->arena;
	const char *eq = memchr(s, '=', n);
	if (!eq) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "expected attribute = value or }");
		return KS_OK;
	}
	char op = '=';
	const char *kend = eq;
	if (eq > s && (eq[-1] == '+' || eq[-1] == '-')) {
		op = eq[-1];
		kend--;
	}
	const char *k = s, *v = eq + 1;
	size_t kl = (size_t)(kend - s), vl = (size_t)(s + n - v);
	ks_trim(&k, &kl);
	ks_trim(&v, &vl);
	if (defaults) {
		if (ks_eq(k, kl, "enabled")) {
			st->have_enabled = true;
			return xlist(a, &st->enabled, op, v, vl);
		}
		if (ks_eq(k, kl, "disabled"))
			return xlist(a, &st->disabled, op, v, vl);
		return KS_OK;
	}
	const char *w;
	size_t wl;
	if (ks_eq(k, kl, "disable")) {
		if (ks_eq(v, vl, "yes"))
			svc->disable = true;
		else if (ks_eq(v, vl, "no"))
			svc->disable = false;
		else
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1, "disable expects yes or no");
	} else if (ks_eq(k, kl, "server")) {
		if (ks_next_word(&v, &vl, &w, &wl) && !(svc->server = ks_arena_strndup(a, w, wl)))
			return KS_ENOMEM;
	} else if (ks_eq(k, kl, "id")) {
		if (ks_next_word(&v, &vl, &w, &wl) && !(svc->id = ks_arena_strndup(a, w, wl)))
			return KS_ENOMEM;
	} else if (ks_eq(k, kl, "type")) {
		while (ks_next_word(&v, &vl, &w, &wl))
			if (ks_eq(w, wl, "INTERNAL"))
				svc->internal = true;
	}
	return KS_OK;
}

static int xparse(struct xstate *st, const char *path, const char *data, size_t len, int depth)
{
	ks_collect_ctx *ctx = st->ctx;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	enum xmode mode = X_TOP;
	bool defaults = false;
	struct xsvc svc;
	memset(&svc, 0, sizeof svc);
	int rc = KS_OK, open_line = 0;
	while (rc == KS_OK && ks_lines_next(&it, &line, &n)) {
		ks_trim(&line, &n);
		if (!n || line[0] == '#')
			continue;
		if (n > KS_MAX_LINE) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "line longer than %u bytes; skipped",
			            KS_MAX_LINE);
			continue;
		}
		if (mode == X_BRACE) {
			if (ks_eq(line, n, "{")) {
				mode = defaults || svc.name ? X_BLOCK : X_SKIP;
				continue;
			}
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "expected {");
			mode = X_TOP; /* and read this line as a top-level one */
		}
		if (mode == X_BLOCK || mode == X_SKIP) {
			if (line[0] == '}') {
				if (n > 1)
					ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 2, "text after }");
				if (mode == X_BLOCK && !defaults)
					rc = xpush(st, &svc);
				mode = X_TOP;
				continue;
			}
			if (mode == X_BLOCK)
				rc = xattr(st, path, it.lineno, defaults, &svc, line, n);
			continue;
		}
		const char *s = line, *w, *arg = NULL;
		size_t sl = n, wl, al = 0;
		ks_next_word(&s, &sl, &w, &wl);
		bool brace = sl && s[sl - 1] == '{';
		if (brace) {
			sl--;
			ks_trim(&s, &sl);
		}
		ks_trim(&s, &sl);
		if (sl) {
			arg = s;
			al = sl;
		}
		if (wl && w[wl - 1] == '{' && !brace) { /* "defaults{" */
			wl--;
			brace = true;
		}
		if (ks_eq(w, wl, "includedir") || ks_eq(w, wl, "includefile")) {
			if (!arg || brace) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1, "expected %.*s PATH", (int)wl, w);
				continue;
			}
			char *p = ks_arena_strndup(ctx->arena, arg, al);
			if (!p)
				return KS_ENOMEM;
			rc = w[7] == 'd' ? xinclude_dir(st, path, it.lineno, p, depth)
			                 : xinclude_file(st, path, it.lineno, p, depth);
			continue;
		}
		memset(&svc, 0, sizeof svc);
		open_line = it.lineno;
		if (ks_eq(w, wl, "defaults")) {
			defaults = true;
		} else if (ks_eq(w, wl, "service") && arg && !memchr(arg, ' ', al) && !memchr(arg, '\t', al)) {
			defaults = false;
			svc.name = ks_arena_strndup(ctx->arena, arg, al);
			svc.path = path;
			svc.line = it.lineno;
			if (!svc.name)
				return KS_ENOMEM;
		} else {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1,
			            "expected defaults, service NAME, includefile or includedir");
			defaults = false;
		}
		mode = brace ? (defaults || svc.name ? X_BLOCK : X_SKIP) : (defaults || svc.name ? X_BRACE : X_TOP);
	}
	if (rc == KS_OK && mode != X_TOP)
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, open_line, 1, "section not closed with }; ignored");
	return rc;
}

int ks_xinetd_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                           ks_value *list, bool *incomplete)
{
	ks_arena *a = ctx->arena;
	struct xstate st = {.ctx = ctx, .enabled = ks_val_list(), .disabled = ks_val_list(), .files = 1};
	int rc = xparse(&st, path, data, len, 0);
	if (rc < 0)
		return rc;
	*incomplete = st.incomplete;
	for (size_t i = 0; i < st.n; i++) {
		const struct xsvc *s = &st.v[i];
		const char *id = s->id ? s->id : s->name;
		if (s->disable || list_has_str(&st.disabled, id, strlen(id)) ||
		    (st.have_enabled && !list_has_str(&st.enabled, id, strlen(id))))
			continue;
		if (!s->internal && !s->server) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, s->path, s->line, 1,
			            "service %s has no server attribute; xinetd does not start it", s->name);
			continue;
		}
		const char *server = s->internal ? "internal" : s->server;
		if (have_record(list, s->name, server))
			continue;
		ks_value rec = ks_val_record();
		if (ks_record_set(a, &rec, "name", ks_val_strz(a, s->name)) < 0 ||
		    ks_record_set(a, &rec, "server", ks_val_strz(a, server)) < 0 ||
		    ks_record_set(a, &rec, "via", ks_val_strz(a, "xinetd")) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, ks_collect_where(ctx, s->path, s->line))) < 0 ||
		    ks_list_push(a, list, rec) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

/* ---- collector --------------------------------------------------------------------------------- */

/* The ways an inetd is started on Debian: openbsd-inetd ships inetd.service (openbsd-inetd.service
 * is a link to it); inetutils-inetd and xinetd ship only init scripts, which systemd runs through
 * systemd-sysv-generator. */
struct daemon {
	const char *unit, *script;
};
static const struct daemon inetds[] = {
	{"inetd.service", "openbsd-inetd"},
	{"inetutils-inetd.service", "inetutils-inetd"},
	{NULL, "inetd"},
};
static const struct daemon xinetds[] = {{"xinetd.service", "xinetd"}};

/* The evidence that one of DS is enabled (the link), or NULL. *WHICH gets its name. */
static const char *enabled_daemon(ks_collect_ctx *ctx, const struct daemon *ds, size_t n, const char **which)
{
	for (size_t i = 0; i < n; i++) {
		const char *ev;
		if (ds[i].unit && ks_systemd_unit_enabled(ctx, ds[i].unit, &ev)) {
			*which = ds[i].unit;
			return ev;
		}
		if (ds[i].script && ks_sysv_enabled(ctx, ds[i].script, &ev)) {
			*which = ds[i].script;
			return ev;
		}
	}
	return NULL;
}

/* inetutils-inetd also reads every file in /etc/inetd.d (inetd(8) of GNU inetutils). */
static int read_inetd_d(ks_collect_ctx *ctx, ks_value *list, const char **unreadable)
{
	const char **ents;
	size_t n;
	int rc = ks_rootfs_list(ctx->root, ctx->arena, "/etc/inetd.d", &ents, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT)
		return KS_OK;
	if (rc < 0) {
		*unreadable = "/etc/inetd.d";
		return KS_OK;
	}
	for (size_t i = 0; i < n && i < KS_MAX_INCLUDE_FILES; i++) {
		size_t el = strlen(ents[i]);
		if (ents[i][0] == '.' || ents[i][el - 1] == '~')
			continue;
		char *p = ks_arena_printf(ctx->arena, "/etc/inetd.d/%s", ents[i]);
		char *data;
		size_t len;
		if (!p)
			return KS_ENOMEM;
		rc = ks_collect_read(ctx, p, &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc == KS_ENOTREG)
			continue;
		if (rc < 0) {
			*unreadable = p;
			continue;
		}
		if ((rc = ks_inetd_parse_buffer(ctx, p, data, len, list)) < 0)
			return rc;
	}
	return KS_OK;
}

int ks_collect_inetd(ks_collect_ctx *ctx)
{
	ks_arena *a = ctx->arena;
	ks_value list = ks_val_list();
	const char *unreadable = NULL, *which = NULL, *xwhich = NULL;
	const char *ev = enabled_daemon(ctx, inetds, sizeof inetds / sizeof *inetds, &which);
	const char *xev = enabled_daemon(ctx, xinetds, 1, &xwhich);
	char *data;
	size_t len;
	int rc;
	if (ev) {
		rc = ks_collect_read(ctx, "/etc/inetd.conf", &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc == KS_OK && (rc = ks_inetd_parse_buffer(ctx, "/etc/inetd.conf", data, len, &list)) < 0)
			return rc;
		if (rc < 0 && rc != KS_ENOENT)
			unreadable = "/etc/inetd.conf";
		if (strcmp(which, "inetutils-inetd") == 0 || strcmp(which, "inetutils-inetd.service") == 0)
			if ((rc = read_inetd_d(ctx, &list, &unreadable)) < 0)
				return rc;
	} else if (ks_collect_read(ctx, "/etc/inetd.conf", &data, &len) == KS_OK) {
		/* Parse anyway so that the administrator hears about active lines nothing runs. */
		ks_value unused = ks_val_list();
		if ((rc = ks_inetd_parse_buffer(ctx, "/etc/inetd.conf", data, len, &unused)) < 0)
			return rc;
		if (unused.u.list.n)
			ks_diag_add(ctx->diags, KS_DIAG_INFO, "/etc/inetd.conf", 0, 0,
			            "%zu active service lines, but no inetd is enabled: they are not served",
			            unused.u.list.n);
	}
	if (xev) {
		rc = ks_collect_read(ctx, "/etc/xinetd.conf", &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc == KS_OK) {
			bool incomplete = false;
			if ((rc = ks_xinetd_parse_buffer(ctx, "/etc/xinetd.conf", data, len, &list, &incomplete)) < 0)
				return rc;
			if (incomplete)
				unreadable = "an xinetd include";
		} else if (rc != KS_ENOENT) {
			unreadable = "/etc/xinetd.conf";
		}
	}
	if (unreadable)
		return ks_fact_unknown(ctx->facts, "services.inetd", NULL,
		                       "%s is enabled but %s could not be read", xev && !ev ? xwhich : which,
		                       unreadable);
	const char *probe;
	if (!ev && !xev)
		probe = "no inetd or xinetd is enabled (inetd.service, inetutils-inetd, xinetd)";
	else if (ev && xev)
		probe = ks_arena_printf(a, "%s enabled (%s): /etc/inetd.conf; %s enabled (%s): /etc/xinetd.conf", which,
		                        ev, xwhich, xev);
	else if (ev)
		probe = ks_arena_printf(a, "%s enabled (%s): /etc/inetd.conf", which, ev);
	else
		probe = ks_arena_printf(a, "%s enabled (%s): /etc/xinetd.conf and its includes", xwhich, xev);
	if (!probe)
		return KS_ENOMEM;
	return ks_fact_put_probe(ctx->facts, "services.inetd", list, probe);
}
