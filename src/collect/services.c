/* services collector (derived): matches enabled units, inetd/xinetd services, SysV scripts and
 * listening processes against profiles/unwanted-services.list -> services.unwanted, services.review. */
#include <fnmatch.h>
#include <stdbool.h>
#include <string.h>

#include "catalog/data.h"
#include "collect.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

#define LIST_NAME "profiles/unwanted-services.list"
#define MAX_CANDIDATES 32

struct entry {
	const char *pattern, *reason;
	ks_value roles; /* list of str */
};

struct table {
	struct entry *v;
	size_t n, cap;
};

static int table_push(ks_arena *a, struct table *t, const struct entry *e)
{
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		struct entry *nv = ks_arena_alloc(a, nc * sizeof *nv);
		if (!nv)
			return KS_ENOMEM;
		if (t->n)
			memcpy(nv, t->v, t->n * sizeof *nv);
		t->v = nv;
		t->cap = nc;
	}
	t->v[t->n++] = *e;
	return KS_OK;
}

/* pattern <TAB> roles <TAB> reason; roles a comma list of server, terminal. */
static int load_table(ks_collect_ctx *ctx, const char *data, size_t len, struct table *t)
{
	ks_arena *a = ctx->arena;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next(&it, &line, &n)) {
		ks_trim(&line, &n);
		if (!n || line[0] == '#')
			continue;
		const char *col[3] = {NULL};
		size_t coll[3] = {0};
		size_t k = ks_split_tabs(line, n, col, coll, 3);
		const char *pat = col[0], *roles = col[1], *reason = col[2];
		size_t pl = coll[0], rl = coll[1], wl = coll[2];
		struct entry e = {.roles = ks_val_list()};
		bool ok = k == 3 && pl && rl && wl;
		while (ok && rl) {
			const char *comma = memchr(roles, ',', rl);
			size_t one = comma ? (size_t)(comma - roles) : rl;
			const char *r = roles;
			size_t l = one;
			ks_trim(&r, &l);
			if (!ks_eq(r, l, "server") && !ks_eq(r, l, "terminal"))
				ok = false;
			else if (ks_list_push(a, &e.roles, ks_val_str(a, r, l)) < 0)
				return KS_ENOMEM;
			roles += comma ? one + 1 : one;
			rl -= comma ? one + 1 : one;
		}
		if (!ok) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, LIST_NAME, it.lineno, 1,
			            "expected pattern<TAB>roles<TAB>reason with roles a comma list of server, terminal");
			continue;
		}
		e.pattern = ks_arena_strndup(a, pat, pl);
		e.reason = ks_arena_strndup(a, reason, wl);
		if (!e.pattern || !e.reason || table_push(a, t, &e) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

/* ---- candidates: the names one service is known by ---------------------------------------------- */

struct cands {
	const char *s[MAX_CANDIDATES];
	size_t n;
};

static void cand_add(struct cands *c, const char *s)
{
	if (s && *s && c->n < MAX_CANDIDATES)
		c->s[c->n++] = s;
}

/* NAME and, for a unit name, NAME without its type suffix. */
static int cand_unit(ks_arena *a, struct cands *c, const char *name)
{
	cand_add(c, name);
	const char *dot = strrchr(name, '.');
	if (dot && dot != name) {
		char *b = ks_arena_strndup(a, name, (size_t)(dot - name));
		if (!b)
			return KS_ENOMEM;
		cand_add(c, b);
	}
	return KS_OK;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static const char *str_field(const ks_value *rec, const char *key)
{
	const ks_value *v = ks_record_get(rec, key);
	return v && v->type == KS_VAL_STR ? v->u.str.s : NULL;
}

static const struct entry *match(const struct table *t, const struct cands *c)
{
	for (size_t i = 0; i < t->n; i++)
		for (size_t j = 0; j < c->n; j++)
			if (fnmatch(t->v[i].pattern, c->s[j], FNM_CASEFOLD) == 0)
				return &t->v[i];
	return NULL;
}

/* ---- results ------------------------------------------------------------------------------------ */

struct out {
	ks_value unwanted;
	const char *seen[1024]; /* patterns matched by configuration (units, inetd, sysv) */
	size_t nseen;
};

static bool pattern_seen(const struct out *o, const char *p)
{
	for (size_t i = 0; i < o->nseen; i++)
		if (o->seen[i] == p)
			return true;
	return false;
}

static bool name_reported(const struct out *o, const char *name)
{
	for (size_t i = 0; i < o->unwanted.u.list.n; i++) {
		const char *n = str_field(&o->unwanted.u.list.items[i], "name");
		if (n && strcmp(n, name) == 0)
			return true;
	}
	return false;
}

static int report(ks_collect_ctx *ctx, struct out *o, const struct entry *e, const char *name, const char *how,
                  const char *summary, const char *source, bool config)
{
	ks_arena *a = ctx->arena;
	if (!summary)
		return KS_ENOMEM;
	if (config && !pattern_seen(o, e->pattern) && o->nseen < sizeof o->seen / sizeof *o->seen)
		o->seen[o->nseen++] = e->pattern;
	ks_value rec = ks_val_record();
	if (ks_record_set(a, &rec, "name", ks_val_strz(a, name)) < 0 ||
	    ks_record_set(a, &rec, "roles", e->roles) < 0 ||
	    ks_record_set(a, &rec, "reason", ks_val_strz(a, e->reason)) < 0 ||
	    ks_record_set(a, &rec, "how", ks_val_strz(a, how)) < 0 ||
	    ks_record_set(a, &rec, "pattern", ks_val_strz(a, e->pattern)) < 0 ||
	    ks_record_set(a, &rec, "summary", ks_val_strz(a, summary)) < 0 ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, source ? source : "")) < 0)
		return KS_ENOMEM;
	return ks_list_push(a, &o->unwanted, rec);
}

static int from_units(ks_collect_ctx *ctx, const struct table *t, const ks_value *units, struct out *o)
{
	ks_arena *a = ctx->arena;
	for (size_t i = 0; i < units->u.list.n; i++) {
		const ks_value *r = &units->u.list.items[i];
		const char *name = str_field(r, "name");
		if (!name)
			continue;
		struct cands c = {.n = 0};
		if (cand_unit(a, &c, name) < 0)
			return KS_ENOMEM;
		const ks_value *al = ks_record_get(r, "aliases");
		for (size_t j = 0; al && al->type == KS_VAL_LIST && j < al->u.list.n; j++)
			if (al->u.list.items[j].type == KS_VAL_STR && cand_unit(a, &c, al->u.list.items[j].u.str.s) < 0)
				return KS_ENOMEM;
		const char *exec = str_field(r, "exec");
		if (exec && *exec)
			cand_add(&c, basename_of(exec));
		const struct entry *e = match(t, &c);
		if (!e || name_reported(o, name))
			continue;
		int rc = report(ctx, o, e, name, "enabled unit", ks_arena_printf(a, "%s enabled: %s", name, e->reason),
		                str_field(r, "source"), true);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

static int from_inetd(ks_collect_ctx *ctx, const struct table *t, const ks_value *svcs, struct out *o)
{
	ks_arena *a = ctx->arena;
	for (size_t i = 0; i < svcs->u.list.n; i++) {
		const ks_value *r = &svcs->u.list.items[i];
		const char *name = str_field(r, "name"), *server = str_field(r, "server"), *via = str_field(r, "via");
		if (!name)
			continue;
		struct cands c = {.n = 0};
		cand_add(&c, name);
		const char *slash = strchr(name, '/'); /* rpc services: name/version */
		if (slash) {
			char *b = ks_arena_strndup(a, name, (size_t)(slash - name));
			if (!b)
				return KS_ENOMEM;
			cand_add(&c, b);
		}
		if (server && strcmp(server, "internal") != 0)
			cand_add(&c, basename_of(server));
		const struct entry *e = match(t, &c);
		if (!e || name_reported(o, name))
			continue;
		via = via ? via : "inetd";
		int rc = report(ctx, o, e, name, "inetd",
		                ks_arena_printf(a, "%s started by %s (%s): %s", name, via, server ? server : "?", e->reason),
		                str_field(r, "source"), true);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

static int from_sysv(ks_collect_ctx *ctx, const struct table *t, const ks_value *scripts, struct out *o)
{
	ks_arena *a = ctx->arena;
	for (size_t i = 0; i < scripts->u.list.n; i++) {
		const ks_value *r = &scripts->u.list.items[i];
		const char *name = str_field(r, "name");
		if (!name)
			continue;
		struct cands c = {.n = 0};
		cand_add(&c, name);
		size_t nl = strlen(name);
		if (nl > 3 && strcmp(name + nl - 3, ".sh") == 0) {
			char *b = ks_arena_strndup(a, name, nl - 3);
			if (!b)
				return KS_ENOMEM;
			cand_add(&c, b);
		}
		const struct entry *e = match(t, &c);
		if (!e || name_reported(o, name))
			continue;
		int rc = report(ctx, o, e, name, "sysv",
		                ks_arena_printf(a, "%s started at boot by /etc/init.d/%s: %s", name, name, e->reason),
		                str_field(r, "source"), true);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

static int from_listening(ks_collect_ctx *ctx, const struct table *t, const ks_value *socks, struct out *o)
{
	ks_arena *a = ctx->arena;
	for (size_t i = 0; i < socks->u.list.n; i++) {
		const ks_value *r = &socks->u.list.items[i];
		const char *proc = str_field(r, "process"), *proto = str_field(r, "proto"),
		           *addr = str_field(r, "address");
		const ks_value *port = ks_record_get(r, "port");
		if (!proc || !proto || !addr || !port || port->type != KS_VAL_INT)
			continue;
		struct cands c = {.n = 0};
		cand_add(&c, proc);
		const struct entry *e = match(t, &c);
		/* Already reported from its configuration: the socket adds no new service. */
		if (!e || pattern_seen(o, e->pattern) || name_reported(o, proc))
			continue;
		bool v6 = strchr(proto, '6') != NULL;
		int rc = report(ctx, o, e, proc, "listening",
		                ks_arena_printf(a, v6 ? "%s listening on %s [%s]:%lld: %s" : "%s listening on %s %s:%lld: %s",
		                                proc, proto, addr, (long long)port->u.i, e->reason),
		                str_field(r, "source"), false);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

/* The list fact KEY, or NULL with *WHY set when it is unknown or missing. */
static const ks_value *input(ks_collect_ctx *ctx, const char *key, const char **why)
{
	const ks_fact *f = ks_fact_get(ctx->facts, key);
	if (!f) {
		*why = ks_arena_printf(ctx->arena, "%s was not collected", key);
		return NULL;
	}
	if (f->value.type != KS_VAL_LIST) {
		*why = ks_arena_printf(ctx->arena, "%s is unknown (%s)", key, f->reason ? f->reason : "no reason given");
		return NULL;
	}
	return &f->value;
}

static int review_list(ks_collect_ctx *ctx, const ks_value *units, const ks_value *inetd, const ks_value *sysv,
                       ks_value *out)
{
	ks_arena *a = ctx->arena;
	*out = ks_val_list();
	for (size_t i = 0; i < units->u.list.n; i++) {
		const char *n = str_field(&units->u.list.items[i], "name");
		if (n && ks_list_push(a, out, ks_val_strz(a, n)) < 0)
			return KS_ENOMEM;
	}
	for (size_t i = 0; i < inetd->u.list.n; i++) {
		const char *n = str_field(&inetd->u.list.items[i], "name");
		const char *via = str_field(&inetd->u.list.items[i], "via");
		char *s = n ? ks_arena_printf(a, "%s:%s", via ? via : "inetd", n) : NULL;
		if (n && (!s || ks_list_push(a, out, ks_val_strz(a, s)) < 0))
			return KS_ENOMEM;
	}
	for (size_t i = 0; i < sysv->u.list.n; i++) {
		const char *n = str_field(&sysv->u.list.items[i], "name");
		char *s = n ? ks_arena_printf(a, "sysv:%s", n) : NULL;
		if (n && (!s || ks_list_push(a, out, ks_val_strz(a, s)) < 0))
			return KS_ENOMEM;
	}
	return KS_OK;
}

int ks_collect_services(ks_collect_ctx *ctx)
{
	const char *why = NULL;
	const ks_value *units = input(ctx, "services.enabled", &why);
	const ks_value *inetd = units ? input(ctx, "services.inetd", &why) : NULL;
	const ks_value *sysv = inetd ? input(ctx, "services.sysv", &why) : NULL;
	int rc;
	if (!sysv) {
		if (!why)
			return KS_ENOMEM;
		if ((rc = ks_fact_unknown(ctx->facts, "services.unwanted", NULL, "%s", why)) < 0)
			return rc;
		return ks_fact_unknown(ctx->facts, "services.review", NULL, "%s", why);
	}
	ks_value review;
	if ((rc = review_list(ctx, units, inetd, sysv, &review)) < 0 ||
	    (rc = ks_fact_put_probe(ctx->facts, "services.review", review,
	                            "names from services.enabled, services.inetd (inetd:/xinetd:) and "
	                            "services.sysv (sysv:)")) < 0)
		return rc;
	size_t len;
	const char *data = ks_data_find(LIST_NAME, &len);
	if (!data)
		return ks_fact_unknown(ctx->facts, "services.unwanted", NULL, "%s is not built in", LIST_NAME);
	struct table t = {0};
	if ((rc = load_table(ctx, data, len, &t)) < 0)
		return rc;
	struct out *o = ks_arena_alloc(ctx->arena, sizeof *o);
	if (!o)
		return KS_ENOMEM;
	o->unwanted = ks_val_list();
	if ((rc = from_units(ctx, &t, units, o)) < 0 || (rc = from_inetd(ctx, &t, inetd, o)) < 0 ||
	    (rc = from_sysv(ctx, &t, sysv, o)) < 0)
		return rc;
	/* Listening sockets add what runs without being enabled; on an image (or when /proc cannot be
	 * read) the configuration alone decides. */
	const char *lwhy = NULL;
	const ks_value *socks = input(ctx, "services.listening", &lwhy);
	if (socks && (rc = from_listening(ctx, &t, socks, o)) < 0)
		return rc;
	const char *probe = socks ? LIST_NAME " matched against services.enabled, services.inetd, services.sysv "
	                                      "and services.listening"
	                          : LIST_NAME " matched against services.enabled, services.inetd and "
	                                      "services.sysv (no live sockets: services.listening is unknown)";
	return ks_fact_put_probe(ctx->facts, "services.unwanted", o->unwanted, probe);
}
