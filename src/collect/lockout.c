/* lockout collector (derived): whether pam_faillock / pam_tally2 sits where it really locks accounts
 * in the auth stacks sshd and login use -> lockout.effective, lockout.services; keeps the
 * lockout.module / lockout.deny of password_policy in agreement with what it finds per service. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/stateset.h"
#include "core/limits.h"
#include "core/text.h"
#include "pam.h"
#include "pwquality.h"

#define FAILLOCK_CONF "/etc/security/faillock.conf"
#define FAILLOCK_MAX_LINE 1022       /* pam_faillock FAILLOCK_CONF_MAX_LINELEN */
#define WALK_LEVELS (KS_MAX_INCLUDE_DEPTH + 3)
#define WALK_MAX_STEPS 65536u

/* Three-valued result of one service (EFF_NEVER: enforced() found no successful path at all). */
enum { EFF_FALSE = 0, EFF_TRUE = 1, EFF_UNKNOWN = -1, EFF_NEVER = 2 };

typedef struct svc_result {
	const char *name;
	int effective;
	const char *reason;
	const char *source;      /* "file:line" of the deciding line, or the stack file */
	const char *module;      /* "pam_faillock", "pam_tally2" or NULL */
	const char *module_src;  /* file and line of that module's deciding line */
	int module_line;
	int deny_known;          /* 1 known, 0 unknown (deny_why), -1 no module */
	int64_t deny;
	const char *deny_path;   /* NULL: default */
	int deny_line;
	const char *deny_why;
} svc_result;

static const char *where(ks_collect_ctx *ctx, const ks_pam_entry *e)
{
	return ks_collect_where(ctx, e->file, e->line);
}

/* ---- pam_faillock deny (as password_policy.c and pam_faillock.c read it) ------------------ */

/* The action pam_faillock takes for E: the last of preauth/authfail/authsucc (preauth when none). */
static const char *faillock_action(const ks_pam_entry *e)
{
	const char *act = "preauth";
	for (size_t i = 0; i < e->nargs; i++)
		if (!strcmp(e->args[i], "preauth") || !strcmp(e->args[i], "authfail") ||
		    !strcmp(e->args[i], "authsucc"))
			act = e->args[i];
	return act;
}

static int faillock_deny(ks_collect_ctx *ctx, const ks_pam_entry *fe, svc_result *r)
{
	r->deny = 3; /* pam_faillock.c default */
	r->deny_path = NULL;
	const char *conf = ks_pam_arg(fe, "conf=");
	const char *cpath = conf ? conf : FAILLOCK_CONF;
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, cpath, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && (rc != KS_ENOENT || conf)) {
		/* A conf= file that is missing makes pam_faillock fail ("Configuration file missing"). */
		r->deny_known = 0;
		r->deny_why = ks_arena_printf(ctx->arena, "%s: %s", cpath, ks_strerror(rc));
		return r->deny_why ? KS_OK : KS_ENOMEM;
	}
	const char *p = ks_arena_strdup(ctx->arena, cpath);
	if (!p)
		return KS_ENOMEM;
	if (rc == KS_OK) {
		ks_lines it;
		ks_lines_init(&it, data, len);
		const char *ln, *name, *val;
		size_t n, nlen, vlen;
		uint64_t v;
		while (ks_lines_next(&it, &ln, &n)) {
			if (n > FAILLOCK_MAX_LINE) {
				r->deny_known = 0;
				r->deny_why = ks_arena_printf(ctx->arena, "%s:%d: line longer than 1022 characters: "
				                                          "pam_faillock rejects the file", p, it.lineno);
				return r->deny_why ? KS_OK : KS_ENOMEM;
			}
			if (ks_pwq_split_line(ln, n, &name, &nlen, &val, &vlen) && ks_eq(name, nlen, "deny") &&
			    ks_scan_unsigned(val, vlen, 0xFFFFull, &v)) {
				r->deny = (int64_t)v;
				r->deny_path = p;
				r->deny_line = it.lineno;
			}
		}
	}
	/* Module arguments override the file. */
	for (size_t i = 0; i < fe->nargs; i++) {
		uint64_t v;
		const char *a = fe->args[i];
		if (!strncmp(a, "deny=", 5) && ks_scan_unsigned(a + 5, strlen(a + 5), 0xFFFFull, &v)) {
			r->deny = (int64_t)v;
			r->deny_path = fe->file;
			r->deny_line = fe->line;
		}
	}
	r->deny_known = 1;
	return KS_OK;
}

/* ---- "enforced": every way the chain can succeed passes through E succeeding ------------- */

static ks_pam_target is_entry(const ks_pam_entry *e, void *arg)
{
	return e == arg ? KS_PAM_TARGET : KS_PAM_NOT_TARGET;
}

/* Returns EFF_TRUE/EFF_FALSE/EFF_NEVER/EFF_UNKNOWN (too complex), or KS_ENOMEM. */
static int enforced(const ks_pam_chain *c, const ks_pam_entry *e)
{
	ks_pam_flow f;
	if (ks_pam_flow_eval(c, is_entry, (void *)(uintptr_t)e, &f) < 0)
		return KS_ENOMEM;
	if (f.too_complex)
		return EFF_UNKNOWN;
	if (!f.can_succeed)
		return EFF_NEVER;
	return f.without_target ? EFF_FALSE : EFF_TRUE;
}

/* ---- the failed-password walk ----------------------------------------------------------- */

/* Roles in the walk: what each module returns when a wrong password is typed for an account that
 * is not locked yet. */
enum { R_OTHER, R_UNIX, R_PREAUTH, R_AUTHFAIL, R_AUTHSUCC, R_PERMIT, R_DENY, R_FAIL, R_SKIP };

typedef struct wstate {
	uint32_t idx;
	uint8_t imp, ok, prev_level;
	uint8_t unix_failed;   /* pam_unix returned PAM_AUTH_ERR on this path */
	uint8_t recorded;      /* pam_faillock authfail ran after that */
	uint8_t reset;         /* pam_faillock authsucc ran after that (clears the count) */
	uint8_t other_ok;      /* another module succeeded after that (an alternative login) */
	uint8_t sub[WALK_LEVELS];
	uint8_t spare[2];      /* no implicit padding: states are hashed and compared as bytes */
} wstate;


typedef struct walk_out {
	bool unrecorded; /* a failed attempt ends without authfail */
	bool reset;      /* authsucc runs after a failed pam_unix */
	bool accepted;   /* the stack succeeds although pam_unix failed and nothing else succeeded */
	bool too_complex;
} walk_out;

static int role_of(const ks_pam_entry *e)
{
	if (e->kind == KS_PAM_E_SUBSTACK)
		return R_SKIP;
	if (e->kind == KS_PAM_E_MUST_FAIL)
		return R_FAIL;
	if (ks_pam_is(e, "pam_unix"))
		return R_UNIX;
	if (ks_pam_is(e, "pam_faillock")) {
		const char *a = faillock_action(e);
		return !strcmp(a, "authfail") ? R_AUTHFAIL : !strcmp(a, "authsucc") ? R_AUTHSUCC : R_PREAUTH;
	}
	if (ks_pam_is(e, "pam_permit"))
		return R_PERMIT;
	if (ks_pam_is(e, "pam_deny"))
		return R_DENY;
	return R_OTHER;
}

/* Walks libpam's dispatch (pam_dispatch.c _pam_dispatch_aux, as pam.c's flow analysis does) with
 * pam_unix failing, pam_faillock behaving as for an unlocked account (preauth/authsucc succeed,
 * authfail records and returns PAM_IGNORE), and every other module either succeeding or failing. */
static int walk(const ks_pam_chain *c, walk_out *out)
{
	memset(out, 0, sizeof *out);
	size_t n = c->n;
	for (size_t i = 0; i < n; i++)
		if (c->e[i]->level < 0 || c->e[i]->level >= WALK_LEVELS) {
			out->too_complex = true;
			return KS_OK;
		}
	size_t cap = 64, top = 0, steps = 0;
	ks_stateset seen = KS_STATESET_INIT(sizeof(wstate)); /* paths that meet again are walked once */
	wstate *st = malloc(cap * sizeof *st);
	if (!st)
		return KS_ENOMEM;
	memset(&st[0], 0, sizeof st[0]);
	st[0].sub[0] = 1; /* libpam: substates[0] = {undefined, PAM_MUST_FAIL_CODE} */
	top = 1;
	while (top) {
		if (++steps > WALK_MAX_STEPS) {
			out->too_complex = true;
			break;
		}
		wstate s = st[--top];
		if (s.idx >= n) {
			if (!s.unix_failed)
				continue;
			if (s.imp == 1 && s.ok) {
				if (!s.other_ok)
					out->accepted = true;
			} else {
				if (!s.recorded)
					out->unrecorded = true;
				if (s.reset)
					out->reset = true;
			}
			continue;
		}
		const ks_pam_entry *h = c->e[s.idx];
		int L = h->level;
		if (s.prev_level < L)
			s.sub[L] = (uint8_t)(1 + s.imp * 2 + s.ok);
		int role = role_of(h);
		if (role == R_SKIP) {
			s.idx++;
			s.prev_level = (uint8_t)L;
			st[top++] = s;
			continue;
		}
		int rets[2], nret = 1;
		switch (role) {
		case R_UNIX: rets[0] = KS_PAM_R_AUTH_ERR; break;
		case R_DENY: rets[0] = KS_PAM_R_AUTH_ERR; break;
		case R_FAIL: rets[0] = KS_PAM_R_PERM_DENIED; break;
		case R_AUTHFAIL: rets[0] = KS_PAM_R_IGNORE; break;
		case R_OTHER:
			rets[0] = KS_PAM_R_SUCCESS;
			rets[1] = KS_PAM_R_AUTH_ERR;
			nret = 2;
			break;
		default: rets[0] = KS_PAM_R_SUCCESS; break;
		}
		for (int k = 0; k < nret; k++) {
			int rv = rets[k];
			int act = h->actions[rv];
			bool succ = rv == KS_PAM_R_SUCCESS;
			wstate t = s;
			if (role == R_UNIX)
				t.unix_failed = 1;
			if (t.unix_failed && s.unix_failed) {
				if (role == R_AUTHFAIL)
					t.recorded = 1;
				if (role == R_AUTHSUCC)
					t.reset = 1;
				if (role == R_OTHER && succ)
					t.other_ok = 1;
			}
			size_t j = ks_pam_dispatch_step(c, s.idx, act, succ, t.sub[L], &t.imp, &t.ok);
			t.idx = (uint32_t)(j + 1);
			t.prev_level = (uint8_t)L;
			int added = ks_stateset_add(&seen, &t);
			if (added < 0)
				goto nomem;
			if (!added)
				continue;
			if (top == cap) {
				wstate *ns = realloc(st, cap * 2 * sizeof *ns);
				if (!ns)
					goto nomem;
				st = ns;
				cap *= 2;
			}
			st[top++] = t;
		}
	}
	free(st);
	ks_stateset_free(&seen);
	return KS_OK;
nomem:
	free(st);
	ks_stateset_free(&seen);
	return KS_ENOMEM;
}

/* ---- one service ------------------------------------------------------------------------ */

static int set_reason(ks_collect_ctx *ctx, svc_result *r, int eff, const char *src, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int set_reason(ks_collect_ctx *ctx, svc_result *r, int eff, const char *src, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	r->effective = eff;
	r->reason = ks_arena_strdup(ctx->arena, buf);
	r->source = src;
	return r->reason ? KS_OK : KS_ENOMEM;
}

static const ks_pam_entry *first_of(const ks_pam_chain *c, const char *module, size_t *idx)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i]->kind == KS_PAM_E_MODULE && ks_pam_is(c->e[i], module)) {
			if (idx)
				*idx = i;
			return c->e[i];
		}
	return NULL;
}

static int analyse_faillock(ks_collect_ctx *ctx, svc_result *r, const ks_pam_chain *auth,
                            const ks_pam_chain *acct, const ks_pam_entry *unix_e, size_t unix_i)
{
	const ks_pam_entry *pre = NULL, *fail = NULL, *succ = NULL;
	size_t pre_i = 0;
	for (size_t i = 0; i < auth->n; i++) {
		const ks_pam_entry *e = auth->e[i];
		if (e->kind != KS_PAM_E_MODULE || !ks_pam_is(e, "pam_faillock"))
			continue;
		const char *a = faillock_action(e);
		if (!strcmp(a, "preauth") && ks_pam_has_arg(e, "preauth") && !pre) {
			pre = e;
			pre_i = i;
		} else if (!strcmp(a, "authfail") && !fail) {
			fail = e;
		} else if (!strcmp(a, "authsucc") && !succ) {
			succ = e;
		}
	}
	const ks_pam_entry *any = pre ? pre : fail ? fail : succ ? succ : first_of(auth, "pam_faillock", NULL);
	r->module = "pam_faillock";
	r->module_src = any->file;
	r->module_line = any->line;
	int rc = faillock_deny(ctx, pre ? pre : any, r);
	if (rc < 0)
		return rc;
	const char *uw = where(ctx, unix_e);
	if (!pre)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, any),
		                  "no 'auth required pam_faillock.so preauth' line: a locked account is not "
		                  "refused before pam_unix (%s)", uw);
	if (pre_i > unix_i)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, pre),
		                  "pam_faillock preauth (%s) comes after pam_unix (%s)", where(ctx, pre), uw);
	int e = enforced(auth, pre);
	if (e == KS_ENOMEM)
		return e;
	if (e == EFF_UNKNOWN)
		return set_reason(ctx, r, EFF_UNKNOWN, where(ctx, pre), "auth stack too complex to analyse");
	if (e == EFF_NEVER)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, pre),
		                  "the auth stack can never succeed (every login fails; e.g. a [success=N] jump "
		                  "that lands on pam_deny)");
	if (e == EFF_FALSE)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, pre),
		                  "pam_faillock preauth (%s, control %s) does not stop the login when it refuses "
		                  "a locked account: the stack can succeed without it",
		                  where(ctx, pre), pre->control ? pre->control : "?");
	if (!fail)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, pre),
		                  "no 'auth [default=die] pam_faillock.so authfail' line after pam_unix (%s): "
		                  "failed passwords are never counted", uw);
	walk_out w;
	if ((rc = walk(auth, &w)) < 0)
		return rc;
	if (w.too_complex)
		return set_reason(ctx, r, EFF_UNKNOWN, where(ctx, fail), "auth stack too complex to analyse");
	if (w.accepted)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, fail),
		                  "the auth stack can succeed after pam_unix (%s) rejects the password (e.g. "
		                  "through pam_faillock authfail/authsucc or pam_permit)", uw);
	if (w.unrecorded)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, fail),
		                  "a password rejected by pam_unix (%s) can end the stack without reaching "
		                  "pam_faillock authfail (%s): that failure is not counted", uw, where(ctx, fail));
	if (w.reset)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, fail),
		                  "pam_faillock authsucc (%s) runs after a rejected password and clears the count",
		                  succ ? where(ctx, succ) : "?");
	const ks_pam_entry *ae = first_of(acct, "pam_faillock", NULL);
	if (!ae && !succ)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, pre),
		                  "no 'account required pam_faillock.so' line (nor authsucc): pam_faillock(8) "
		                  "setup incomplete, a successful login never clears the failure count");
	return set_reason(ctx, r, EFF_TRUE, where(ctx, pre),
	                  "pam_faillock preauth (%s) before pam_unix (%s), authfail (%s) reached when it "
	                  "fails, %s (%s)",
	                  where(ctx, pre), uw, where(ctx, fail), ae ? "account line" : "authsucc",
	                  ae ? where(ctx, ae) : where(ctx, succ));
}

static int analyse_tally2(ks_collect_ctx *ctx, svc_result *r, const ks_pam_chain *auth,
                          const ks_pam_chain *acct, const ks_pam_entry *te, size_t te_i,
                          const ks_pam_entry *unix_e, size_t unix_i)
{
	r->module = "pam_tally2";
	r->module_src = te->file;
	r->module_line = te->line;
	/* pam_tally2(8): deny=n, default 0 (never lock); read with strtol like password_policy.c. */
	const char *d = ks_pam_arg(te, "deny=");
	r->deny_known = 1;
	r->deny = d ? strtol(d, NULL, 10) : 0;
	r->deny_path = d ? te->file : NULL;
	r->deny_line = te->line;
	const char *uw = where(ctx, unix_e);
	if (te_i > unix_i)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, te),
		                  "pam_tally2 (%s) comes after pam_unix (%s): it is not reached when the "
		                  "password is wrong", where(ctx, te), uw);
	int e = enforced(auth, te);
	if (e == KS_ENOMEM)
		return e;
	if (e == EFF_UNKNOWN)
		return set_reason(ctx, r, EFF_UNKNOWN, where(ctx, te), "auth stack too complex to analyse");
	if (e == EFF_NEVER)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, te), "the auth stack can never succeed (every login fails)");
	if (e == EFF_FALSE)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, te),
		                  "pam_tally2 (%s, control %s) does not stop the login of a locked account: the "
		                  "stack can succeed without it",
		                  where(ctx, te), te->control ? te->control : "?");
	const ks_pam_entry *ae = first_of(acct, "pam_tally2", NULL);
	if (!ae)
		return set_reason(ctx, r, EFF_FALSE, where(ctx, te),
		                  "no 'account required pam_tally2.so' line: the count is never reset after a "
		                  "successful login (pam_tally2(8))");
	return set_reason(ctx, r, EFF_TRUE, where(ctx, te),
	                  "pam_tally2 (%s) before pam_unix (%s), account line (%s)", where(ctx, te), uw,
	                  where(ctx, ae));
}

static int analyse_service(ks_collect_ctx *ctx, ks_pam_loader *l, const char *svc, svc_result *r)
{
	memset(r, 0, sizeof *r);
	r->name = svc;
	r->deny_known = -1;
	ks_pam_stack *s;
	if (ks_pam_load(l, svc, &s) < 0)
		return KS_ENOMEM;
	if (s->error)
		return set_reason(ctx, r, EFF_UNKNOWN, NULL, "%s", s->error);
	if (!s->file && !s->other_file)
		return set_reason(ctx, r, EFF_FALSE, "/etc/pam.d",
		                  "neither /etc/pam.d/%s nor /etc/pam.d/other exists: no lockout module", svc);
	ks_pam_chain auth, acct;
	if (ks_pam_chain_get(ctx, s, KS_PAM_AUTH, &auth) < 0 || ks_pam_chain_get(ctx, s, KS_PAM_ACCOUNT, &acct) < 0)
		return KS_ENOMEM;
	const char *asrc = auth.from_other ? s->other_file : s->file;
	if (!asrc)
		asrc = s->file ? s->file : s->other_file;
	if (auth.incomplete)
		return set_reason(ctx, r, EFF_UNKNOWN, asrc, "auth stack incomplete: %s", auth.incomplete);
	if (acct.incomplete)
		return set_reason(ctx, r, EFF_UNKNOWN, acct.from_other ? s->other_file : s->file,
		                  "account stack incomplete: %s", acct.incomplete);
	size_t fi = 0, ti = 0, ui = 0;
	const ks_pam_entry *fe = first_of(&auth, "pam_faillock", &fi);
	const ks_pam_entry *te = first_of(&auth, "pam_tally2", &ti);
	if (!fe && !te)
		return set_reason(ctx, r, EFF_FALSE, asrc, "no pam_faillock or pam_tally2 in the auth stack of %s%s",
		                  svc, auth.from_other ? " (from /etc/pam.d/other)" : "");
	const ks_pam_entry *ue = first_of(&auth, "pam_unix", &ui);
	bool use_faillock = fe && (!te || fi <= ti);
	if (!ue) {
		const ks_pam_entry *m = use_faillock ? fe : te;
		r->module = use_faillock ? "pam_faillock" : "pam_tally2";
		r->module_src = m->file;
		r->module_line = m->line;
		if (use_faillock) {
			int rc = faillock_deny(ctx, m, r);
			if (rc < 0)
				return rc;
		}
		return set_reason(ctx, r, EFF_UNKNOWN, asrc,
		                  "no pam_unix in the auth stack of %s: the password module is another one, its "
		                  "placement relative to %s is not analysed", svc, r->module);
	}
	if (use_faillock)
		return analyse_faillock(ctx, r, &auth, &acct, ue, ui);
	return analyse_tally2(ctx, r, &auth, &acct, te, ti, ue, ui);
}

/* sshd only runs the PAM auth stack with UsePAM yes (sshd_config(5)). */
static int apply_use_pam(ks_collect_ctx *ctx, svc_result *r)
{
	const ks_fact *f = ks_fact_get(ctx->facts, "ssh.use_pam");
	if (!f)
		return KS_OK; /* sshd collector not run (unit tests): PAM assumed */
	if (f->value.type == KS_VAL_BOOL && !f->value.u.b) {
		const char *src = f->source.path ? ks_collect_where(ctx, f->source.path, f->source.line)
		                                 : "OpenSSH default UsePAM no";
		return set_reason(ctx, r, EFF_FALSE, src,
		                  "sshd does not use PAM (UsePAM no, %s): its password logins bypass the auth "
		                  "stack and its lockout", src);
	}
	if (f->value.type != KS_VAL_BOOL && r->effective == EFF_TRUE)
		return set_reason(ctx, r, EFF_UNKNOWN, f->source.path, "ssh.use_pam unknown%s%s",
		                  f->reason ? ": " : "", f->reason ? f->reason : "");
	return KS_OK;
}

/* ---- facts ------------------------------------------------------------------------------ */

static int record_of(ks_collect_ctx *ctx, const svc_result *r, ks_value *out)
{
	ks_arena *a = ctx->arena;
	ks_value rec = ks_val_record();
	ks_value eff = r->effective == EFF_UNKNOWN ? ks_val_unknown() : ks_val_bool(r->effective == EFF_TRUE);
	ks_value deny = r->deny_known == 1 ? ks_val_int(r->deny) : r->deny_known == 0 ? ks_val_unknown()
	                                                                                : ks_val_int(0);
	if (ks_record_set(a, &rec, "name", ks_val_strz(a, r->name)) < 0 ||
	    ks_record_set(a, &rec, "effective", eff) < 0 ||
	    ks_record_set(a, &rec, "module", ks_val_strz(a, r->module ? r->module : "")) < 0 ||
	    ks_record_set(a, &rec, "deny", deny) < 0 ||
	    ks_record_set(a, &rec, "reason", ks_val_strz(a, r->reason ? r->reason : "")) < 0 ||
	    ks_record_set(a, &rec, "summary", ks_val_strz(a, r->reason ? r->reason : "")) < 0 ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, r->source ? r->source : "")) < 0)
		return KS_ENOMEM;
	*out = rec;
	return KS_OK;
}

/* lockout.module / lockout.deny come from password_policy (sshd's stack). When the services
 * analysed here disagree with them (login configured differently, sshd not installed), the
 * weakest value (largest deny) is reported instead, so that a rule on lockout.deny and
 * lockout.effective judges every service. */
static int reconcile(ks_collect_ctx *ctx, const svc_result *rs, size_t n)
{
	const svc_result *worst = NULL;
	bool differ = false;
	const ks_fact *fd = ks_fact_get(ctx->facts, "lockout.deny");
	const ks_fact *fm = ks_fact_get(ctx->facts, "lockout.module");
	for (size_t i = 0; i < n; i++) {
		const svc_result *r = &rs[i];
		if (r->deny_known != 1)
			continue;
		if (!fd || fd->value.type != KS_VAL_INT || fd->value.u.i != r->deny)
			differ = true;
		if (!fm || fm->value.type != KS_VAL_STR || strcmp(fm->value.u.str.s, r->module) != 0)
			differ = true;
		if (!worst || r->deny > worst->deny)
			worst = r;
	}
	if (fd && fd->value.type == KS_VAL_UNKNOWN)
		return KS_OK; /* unknown stays unknown */
	for (size_t i = 0; i < n; i++)
		if (rs[i].deny_known == 0)
			return KS_OK; /* some service's deny is unknown: keep password_policy's value */
	if (!differ || !worst)
		return KS_OK;
	char buf[1024];
	size_t off = 0;
	off += (size_t)snprintf(buf + off, sizeof buf - off, "largest deny over the services analysed:");
	for (size_t i = 0; i < n && off < sizeof buf; i++)
		if (rs[i].deny_known == 1)
			off += (size_t)snprintf(buf + off, sizeof buf - off, " %s %s deny=%lld (%s)", rs[i].name,
			                        rs[i].module, (long long)rs[i].deny,
			                        rs[i].deny_path ? ks_collect_where(ctx, rs[i].deny_path, rs[i].deny_line)
			                                        : "default");
	if (ks_fact_put_probe(ctx->facts, "lockout.deny", ks_val_int(worst->deny), buf) < 0 ||
	    ks_fact_put_probe(ctx->facts, "lockout.module", ks_val_strz(ctx->arena, worst->module), buf) < 0)
		return KS_ENOMEM;
	return KS_OK;
}

int ks_collect_lockout(ks_collect_ctx *ctx)
{
	ks_pam_loader *l = ks_pam_loader_new(ctx, true);
	if (!l)
		return KS_ENOMEM;
	static const char *const services[] = {"sshd", "login"};
	svc_result rs[2];
	size_t n = 0;
	const char *skipped = NULL;
	int rc;
	for (size_t i = 0; i < 2; i++) {
		if (!strcmp(services[i], "sshd")) {
			const ks_fact *inst = ks_fact_get(ctx->facts, "ssh.installed");
			if (inst && inst->value.type == KS_VAL_BOOL && !inst->value.u.b) {
				skipped = "sshd skipped (OpenSSH server not installed)";
				continue;
			}
		}
		if ((rc = analyse_service(ctx, l, services[i], &rs[n])) < 0)
			return rc;
		if (!strcmp(services[i], "sshd") && (rc = apply_use_pam(ctx, &rs[n])) < 0)
			return rc;
		n++;
	}
	ks_value list = ks_val_list();
	int eff = EFF_TRUE;
	const svc_result *decisive = NULL;
	for (size_t i = 0; i < n; i++) {
		ks_value rec;
		if (record_of(ctx, &rs[i], &rec) < 0 || ks_list_push(ctx->arena, &list, rec) < 0)
			return KS_ENOMEM;
		if (rs[i].effective == EFF_FALSE && eff != EFF_FALSE) {
			eff = EFF_FALSE;
			decisive = &rs[i];
		} else if (rs[i].effective == EFF_UNKNOWN && eff == EFF_TRUE) {
			eff = EFF_UNKNOWN;
			decisive = &rs[i];
		}
	}
	const char *probe = ks_arena_printf(ctx->arena, "auth stacks of %s%s%s", n > 1 ? "sshd and login" : "login",
	                                    skipped ? "; " : "", skipped ? skipped : "");
	if (!probe || ks_fact_put_probe(ctx->facts, "lockout.services", list, probe) < 0)
		return KS_ENOMEM;
	if (eff == EFF_UNKNOWN) {
		rc = ks_fact_unknown(ctx->facts, "lockout.effective", decisive->source, "%s: %s", decisive->name,
		                     decisive->reason);
	} else if (eff == EFF_FALSE) {
		const char *p = ks_arena_printf(ctx->arena, "%s: %s", decisive->name, decisive->reason);
		rc = p ? ks_fact_put_probe(ctx->facts, "lockout.effective", ks_val_bool(false), p) : KS_ENOMEM;
	} else {
		char buf[1024];
		size_t off = 0;
		for (size_t i = 0; i < n && off < sizeof buf; i++)
			off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s: %s", i ? "; " : "", rs[i].name,
			                        rs[i].reason);
		rc = ks_fact_put_probe(ctx->facts, "lockout.effective", ks_val_bool(true), buf);
	}
	if (rc < 0)
		return rc;
	return reconcile(ctx, rs, n);
}
