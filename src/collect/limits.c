/* limits collector: pam_limits in the session stacks of sshd and login, and the maxlogins /
 * maxsyslogins lines of /etc/security/limits.conf and limits.d/<name>.conf -> limits.pam_limits_active,
 * limits.maxlogins, limits.maxlogins_scope, limits.entries. */
#include "limits.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "pam.h"

#define LIMITS_CONF "/etc/security/limits.conf"
#define LIMITS_D_GLOB "/etc/security/limits.d/*.conf"
#define PAM_LIMITS_LINE 1024 /* pam_limits reads with fgets(buf, LINE_LENGTH = 1024) */

void ks_limits_init(ks_limits *st)
{
	memset(st, 0, sizeof *st);
	st->entries = ks_val_list();
	st->def = KS_LIMITS_DEF_NONE;
	st->limit = -2;
}

static int add_entry(ks_collect_ctx *ctx, ks_limits *st, const char *path, int line, const char *domain,
                     const char *type, const char *item, const char *value)
{
	ks_arena *a = ctx->arena;
	ks_value rec = ks_val_record();
	const char *src = ks_collect_where(ctx, path, line);
	const char *sum = ks_arena_printf(a, "%s %s %s", type, item, value);
	if (!src || !sum || ks_record_set(a, &rec, "name", ks_val_strz(a, domain)) < 0 ||
	    ks_record_set(a, &rec, "item", ks_val_strz(a, item)) < 0 ||
	    ks_record_set(a, &rec, "type", ks_val_strz(a, type)) < 0 ||
	    ks_record_set(a, &rec, "value", ks_val_strz(a, value)) < 0 ||
	    ks_record_set(a, &rec, "summary", ks_val_strz(a, sum)) < 0 ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, src)) < 0 || ks_list_push(a, &st->entries, rec) < 0)
		return KS_ENOMEM;
	st->nentries++;
	return KS_OK;
}

/* process_limit() for the login items: value "-1", "-", "unlimited", "infinity" = no limit; else
 * strtol (a value without digits is ignored). Returns false when ignored. */
static bool login_value(const char *v, int64_t *out)
{
	if (!strcmp(v, "-1") || !strcmp(v, "-") || !strcmp(v, "unlimited") || !strcmp(v, "infinity")) {
		*out = -1;
		return true;
	}
	char *end;
	long x = strtol(v, &end, 10);
	if (x == 0 && end == v)
		return false;
	if (x > INT_MAX)
		x = INT_MAX;
	if (x < INT_MIN)
		x = INT_MIN;
	*out = x;
	return true;
}

/* One word as sscanf("%s") reads it (bounded by the line). */
static bool scan_word(const char **p, const char *end, char *out, size_t cap)
{
	const char *s = *p;
	while (s < end && isspace((unsigned char)*s))
		s++;
	if (s >= end)
		return false;
	size_t n = 0;
	while (s < end && !isspace((unsigned char)*s)) {
		if (n + 1 < cap)
			out[n++] = *s;
		s++;
	}
	out[n] = '\0';
	*p = s;
	return true;
}

int ks_limits_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len, ks_limits *st)
{
	const char *p = ks_arena_strdup(ctx->arena, path);
	if (!p)
		return KS_ENOMEM;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *ln;
	size_t n;
	char domain[PAM_LIMITS_LINE], type[PAM_LIMITS_LINE], item[PAM_LIMITS_LINE], value[PAM_LIMITS_LINE];
	while (ks_lines_next(&it, &ln, &n)) {
		if (n >= PAM_LIMITS_LINE - 1) {
			/* fgets would split it into several lines; we do not guess what they mean. */
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, p, it.lineno, 0,
			            "line longer than %d characters: pam_limits reads it in pieces; skipped",
			            PAM_LIMITS_LINE - 2);
			continue;
		}
		const char *h = memchr(ln, '#', n);
		const char *end = h ? h : ln + n;
		const char *s = ln;
		int got = 0;
		if (scan_word(&s, end, domain, sizeof domain)) {
			got++;
			if (scan_word(&s, end, type, sizeof type)) {
				got++;
				if (scan_word(&s, end, item, sizeof item)) {
					got++;
					if (scan_word(&s, end, value, sizeof value))
						got++;
				}
			}
		}
		if (got == 0)
			continue;
		for (char *c = type; got >= 2 && *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (got == 2 && type[0] == '-') {
			/* "<domain> -": no limits at all for a matching user or group (not for '*'). */
			if (strcmp(domain, "*") != 0 && domain[0] != '%') {
				if (add_entry(ctx, st, p, it.lineno, domain, "-", "(no limits)", "") < 0)
					return KS_ENOMEM;
				st->noverrides++;
			}
			continue;
		}
		if (got != 4) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, p, it.lineno, 0,
			            "expected '<domain> <type> <item> <value>': pam_limits ignores the line");
			continue;
		}
		for (char *c = item; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		for (char *c = value; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		bool maxlogins = !strcmp(item, "maxlogins"), sys = !strcmp(item, "maxsyslogins");
		if (!maxlogins && !sys)
			continue;
		if (add_entry(ctx, st, p, it.lineno, domain, type, item, value) < 0)
			return KS_ENOMEM;
		int src;
		if (!strcmp(domain, "*"))
			src = KS_LIMITS_DEF_DEFAULT;
		else if (!strcmp(domain, "%"))
			src = KS_LIMITS_DEF_ALL;
		else {
			st->noverrides++; /* a user, @group, %group or uid range: only some accounts */
			continue;
		}
		/* The flag is set while the item is parsed, before the priority check. */
		st->syslogins = sys;
		int64_t v;
		if (!login_value(value, &v)) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, p, it.lineno, 0,
			            "%s value '%.40s' is not a number: pam_limits ignores it", item, value);
			continue;
		}
		if (st->def < src)
			continue;
		st->def = src;
		st->limit = v;
		st->path = p;
		st->line = it.lineno;
	}
	return KS_OK;
}

/* ---- collector -------------------------------------------------------------------------- */

static ks_pam_target is_entry(const ks_pam_entry *e, void *arg)
{
	return e == arg ? KS_PAM_TARGET : KS_PAM_NOT_TARGET;
}

typedef struct svc {
	const char *name;
	int active;          /* 1, 0, -1 unknown */
	const char *why;
	const char *conf;    /* conf= of its pam_limits, NULL = default files */
} svc;

static int svc_analyse(ks_collect_ctx *ctx, ks_pam_loader *l, svc *r)
{
	ks_arena *a = ctx->arena;
	ks_pam_stack *s;
	if (ks_pam_load(l, r->name, &s) < 0)
		return KS_ENOMEM;
	r->active = -1;
	if (s->error) {
		r->why = ks_arena_printf(a, "%s: %s", r->name, s->error);
		return r->why ? KS_OK : KS_ENOMEM;
	}
	ks_pam_chain c;
	if (ks_pam_chain_get(ctx, s, KS_PAM_SESSION, &c) < 0)
		return KS_ENOMEM;
	const char *src = c.from_other ? s->other_file : s->file;
	if (c.incomplete) {
		r->why = ks_arena_printf(a, "%s session stack incomplete: %s", r->name, c.incomplete);
		return r->why ? KS_OK : KS_ENOMEM;
	}
	const ks_pam_entry *e = NULL;
	for (size_t i = 0; i < c.n && !e; i++)
		if (c.e[i]->kind == KS_PAM_E_MODULE && ks_pam_is(c.e[i], "pam_limits"))
			e = c.e[i];
	if (!e) {
		r->active = 0;
		r->why = ks_arena_printf(a, "no pam_limits in the session stack of %s (%s)", r->name,
		                         src ? src : "no PAM configuration");
		return r->why ? KS_OK : KS_ENOMEM;
	}
	r->conf = ks_pam_arg(e, "conf=");
	ks_pam_flow f;
	if (ks_pam_flow_eval(&c, is_entry, (void *)e, &f) < 0)
		return KS_ENOMEM;
	const char *w = ks_collect_where(ctx, e->file, e->line);
	if (f.too_complex) {
		r->why = ks_arena_printf(a, "%s session stack too complex to analyse", r->name);
	} else if (!f.can_succeed || f.without_target) {
		/* pam_limits returns PAM_PERM_DENIED for one login too many; it must stop the session. */
		r->active = 0;
		r->why = ks_arena_printf(a, "%s: pam_limits (%s, control %s) does not stop the session when it refuses "
		                            "a login", r->name, w, e->control ? e->control : "?");
	} else {
		r->active = 1;
		r->why = ks_arena_printf(a, "%s: pam_limits at %s", r->name, w);
	}
	return r->why ? KS_OK : KS_ENOMEM;
}

static int read_limits(ks_collect_ctx *ctx, const char *conf, ks_limits *st, const char **unknown)
{
	ks_arena *a = ctx->arena;
	const char *main = conf ? conf : LIMITS_CONF;
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, main, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		/* pam_limits: "cannot read settings from ..." -> PAM_SERVICE_ERR, limits.d not read. */
		*unknown = ks_arena_printf(a, "%s: %s (pam_limits fails the session)", main, ks_strerror(rc));
		return *unknown ? KS_OK : KS_ENOMEM;
	}
	if ((rc = ks_limits_parse_buffer(ctx, main, data, len, st)) < 0)
		return rc;
	if (conf)
		return KS_OK; /* conf=: limits.d is skipped */
	const char **files;
	size_t n;
	rc = ks_rootfs_glob(ctx->root, a, LIMITS_D_GLOB, &files, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		*unknown = ks_arena_printf(a, "/etc/security/limits.d: %s", ks_strerror(rc));
		return *unknown ? KS_OK : KS_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		rc = ks_collect_read(ctx, files[i], &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0) {
			*unknown = ks_arena_printf(a, "%s: %s", files[i], ks_strerror(rc));
			return *unknown ? KS_OK : KS_ENOMEM;
		}
		if ((rc = ks_limits_parse_buffer(ctx, files[i], data, len, st)) < 0)
			return rc;
	}
	return KS_OK;
}

int ks_collect_limits(ks_collect_ctx *ctx)
{
	ks_arena *a = ctx->arena;
	ks_pam_loader *l = ks_pam_loader_new(ctx, true);
	if (!l)
		return KS_ENOMEM;
	svc svcs[2] = {{.name = "sshd"}, {.name = "login"}};
	size_t first = 0;
	const ks_fact *inst = ks_fact_get(ctx->facts, "ssh.installed");
	if (inst && inst->value.type == KS_VAL_BOOL && !inst->value.u.b)
		first = 1; /* no sshd: console logins only */
	int active = 1, rc;
	const char *why = NULL;
	char buf[1024] = "";
	for (size_t i = first; i < 2; i++) {
		svc *r = &svcs[i];
		if ((rc = svc_analyse(ctx, l, r)) < 0)
			return rc;
		if (i == 0) {
			const ks_fact *up = ks_fact_get(ctx->facts, "ssh.use_pam");
			if (up && up->value.type == KS_VAL_BOOL && !up->value.u.b) {
				r->active = 0;
				r->why = "sshd: UsePAM no, sshd does not run the PAM session stack";
			} else if (up && up->value.type != KS_VAL_BOOL && r->active == 1) {
				r->active = -1;
				r->why = "sshd: ssh.use_pam unknown";
			}
		}
		if (r->active == 0 && active != 0) {
			active = 0;
			why = r->why;
		} else if (r->active < 0 && active == 1) {
			active = -1;
			why = r->why;
		}
		size_t o = strlen(buf);
		snprintf(buf + o, sizeof buf - o, "%s%s", o ? "; " : "", r->why);
	}
	if (active == 1)
		rc = ks_fact_put_probe(ctx->facts, "limits.pam_limits_active", ks_val_bool(true), buf);
	else if (active == 0)
		rc = ks_fact_put_probe(ctx->facts, "limits.pam_limits_active", ks_val_bool(false), why);
	else
		rc = ks_fact_unknown(ctx->facts, "limits.pam_limits_active", NULL, "%s", why);
	if (rc < 0)
		return rc;

	/* The files pam_limits reads: conf= of the services' pam_limits lines, else the defaults. */
	const char *conf = svcs[first].conf;
	bool differ = first == 0 && ((svcs[0].conf == NULL) != (svcs[1].conf == NULL) ||
	                             (svcs[0].conf && svcs[1].conf && strcmp(svcs[0].conf, svcs[1].conf) != 0));
	ks_limits st;
	ks_limits_init(&st);
	const char *unknown = NULL;
	if ((rc = read_limits(ctx, conf, &st, &unknown)) < 0)
		return rc;
	const char *files = conf ? conf : LIMITS_CONF ", " LIMITS_D_GLOB;
	if ((rc = ks_fact_put_probe(ctx->facts, "limits.entries", st.entries,
	                            ks_arena_printf(a, "maxlogins/maxsyslogins lines of %s", files))) < 0)
		return rc;
	if (differ)
		unknown = "sshd and login read different limits files (pam_limits conf=)";
	if (unknown) {
		if (ks_fact_unknown(ctx->facts, "limits.maxlogins", conf ? conf : LIMITS_CONF, "%s", unknown) < 0 ||
		    ks_fact_unknown(ctx->facts, "limits.maxlogins_scope", conf ? conf : LIMITS_CONF, "%s", unknown) < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	const char *over = st.noverrides ? ks_arena_printf(a, "; %zu user/group line(s) override it for some accounts "
	                                                      "(see limits.entries)", st.noverrides)
	                                 : "";
	if (!over)
		return KS_ENOMEM;
	if (st.def == KS_LIMITS_DEF_NONE) {
		const char *p = ks_arena_printf(a, "no '*' maxlogins or maxsyslogins line in %s%s", files, over);
		if (!p || ks_fact_put_probe(ctx->facts, "limits.maxlogins", ks_val_int(0), p) < 0 ||
		    ks_fact_put_probe(ctx->facts, "limits.maxlogins_scope", ks_val_strz(a, ""), p) < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	/* check_logins(): '*' counts the user's own sessions; '%' and maxsyslogins count everyone's. */
	const char *scope = st.syslogins || st.def == KS_LIMITS_DEF_ALL ? "system" : "per-user";
	const char *w = ks_collect_where(ctx, st.path, st.line);
	if (st.limit < 0) {
		const char *p = ks_arena_printf(a, "%s: unlimited%s", w, over);
		if (!p || ks_fact_put_probe(ctx->facts, "limits.maxlogins", ks_val_int(0), p) < 0 ||
		    ks_fact_put_probe(ctx->facts, "limits.maxlogins_scope", ks_val_strz(a, ""), p) < 0)
			return KS_ENOMEM;
		return KS_OK;
	}
	if (st.limit == 0) {
		const char *p = ks_arena_printf(a, "%s: limit 0, pam_limits refuses every non-root login%s", w, over);
		if (!p || ks_fact_put_probe(ctx->facts, "limits.maxlogins", ks_val_int(0), p) < 0)
			return KS_ENOMEM;
	} else if (st.noverrides) {
		const char *p = ks_arena_printf(a, "%s (%s)%s", w, scope, over);
		if (!p || ks_fact_put_probe(ctx->facts, "limits.maxlogins", ks_val_int(st.limit), p) < 0)
			return KS_ENOMEM;
	} else if (ks_fact_int(ctx->facts, "limits.maxlogins", st.limit, st.path, st.line) < 0) {
		return KS_ENOMEM;
	}
	return ks_fact_str(ctx->facts, "limits.maxlogins_scope", scope, st.path, st.line);
}
