/* The only place where expression results become pass, fail, unknown, manual or n/a. */
#include "verdict.h"

#include <string.h>

#include "core/error.h"

#define KS_MAX_WITNESSES 25 /* enough to act on; the JSON says how many more there were */

const char *ks_verdict_id(ks_verdict_kind k)
{
	static const char *const ids[] = {"pass", "fail", "unknown", "manual", "na", "waived"};
	return ids[k];
}

const char *ks_verdict_label(ks_verdict_kind k, ks_lang lang)
{
	static const char *const ja[] = {"はい", "いいえ", "要確認", "手動確認", "対象外", "例外承認"};
	static const char *const en[] = {"yes", "no", "unknown", "manual", "n/a", "waived"};
	return lang == KS_LANG_JA ? ja[k] : en[k];
}

struct evlist {
	ks_arena *a;
	ks_evidence *v;
	size_t n, cap;
};

static ks_evidence *ev_add(struct evlist *l, const char *fact)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].fact, fact) == 0)
			return NULL; /* already listed */
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		ks_evidence *nv = ks_arena_alloc(l->a, cap * sizeof *nv);
		if (!nv)
			return NULL;
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof *nv);
		l->v = nv;
		l->cap = cap;
	}
	ks_evidence *e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	e->fact = fact;
	return e;
}

static const char *fact_source(ks_arena *a, const ks_fact *f)
{
	if (f->source.path && f->source.line > 0)
		return ks_arena_printf(a, "%s:%d", f->source.path, f->source.line);
	if (f->source.path)
		return f->source.path;
	return f->source.probe;
}

static void add_fact(struct evlist *l, const ks_facts *facts, const char *key)
{
	const ks_fact *f = ks_fact_get(facts, key);
	ks_evidence *e = ev_add(l, key);
	if (!e)
		return;
	if (!f) {
		e->display = "unknown";
		e->note = "not collected";
		return;
	}
	e->source = fact_source(l->a, f);
	if (f->value.type == KS_VAL_UNKNOWN) {
		e->display = "unknown";
		e->note = f->reason;
	} else {
		e->value = &f->value;
		e->display = ks_value_format(l->a, &f->value);
	}
}

static void add_eval(struct evlist *l, const ks_facts *facts, const ks_eval *ev)
{
	const bool known = ev->result.type != KS_VAL_UNKNOWN;
	/* Decisive list elements first: the dormant account, the account sharing a hash, … */
	size_t shown = 0;
	for (size_t i = 0; i < ev->nwitnesses && known; i++) {
		const ks_witness *w = &ev->witnesses[i];
		const ks_value *name = ks_record_get(w->element, "name");
		const char *label = name && name->type == KS_VAL_STR
		                        ? ks_arena_printf(l->a, "%s[%s]", w->list_key, name->u.str.s)
		                        : ks_arena_printf(l->a, "%s[%zu]", w->list_key, i);
		if (shown == KS_MAX_WITNESSES) {
			ks_evidence *e = ev_add(l, ks_arena_printf(l->a, "%s[…]", w->list_key));
			if (e) {
				e->display = ks_arena_printf(l->a, "%zu more", ev->nwitnesses - shown);
				e->decisive = 1;
			}
			break;
		}
		ks_evidence *e = ev_add(l, label);
		if (!e)
			continue;
		shown++;
		e->value = w->element;
		e->display = ks_value_format(l->a, w->element);
		const ks_value *src = ks_record_get(w->element, "source");
		e->source = src && src->type == KS_VAL_STR ? src->u.str.s : NULL;
		e->decisive = 1;
	}
	/* Then the facts that decided the expression (the usbguard branch that made 2-9 pass, …). */
	if (known)
		for (size_t i = 0; i < ev->ndecisive; i++) {
			size_t before = l->n;
			add_fact(l, facts, ev->decisive[i]);
			if (l->n > before)
				l->v[l->n - 1].decisive = 1;
		}
	if (!known)
		for (size_t i = 0; i < ev->nunknowns; i++) {
			ks_evidence *e = ev_add(l, ev->unknowns[i].key);
			if (!e)
				continue;
			const ks_fact *f = ks_fact_get(facts, ev->unknowns[i].key);
			e->source = f ? fact_source(l->a, f) : NULL;
			e->display = "unknown";
			e->note = ev->unknowns[i].reason;
			e->decisive = 1;
		}
}

/* Evaluates one expression; maps true/false through T and F, unknown to unknown. */
static ks_verdict_kind run(ks_arena *a, const ks_expr *e, const ks_facts *facts, const ks_value *params,
                           ks_verdict_kind t, ks_verdict_kind f, struct evlist *l, const char **error,
                           int *oom)
{
	ks_eval ev;
	if (ks_expr_eval(a, e, facts, params, &ev) < 0)
		*oom = 1;
	ks_verdict_kind k;
	if (ev.error) {
		*error = ev.error;
		k = KS_VERDICT_UNKNOWN;
	} else if (ev.result.type == KS_VAL_BOOL) {
		k = ev.result.u.b ? t : f;
	} else {
		k = KS_VERDICT_UNKNOWN;
		if (ev.result.type != KS_VAL_UNKNOWN)
			*error = "the rule's expression is not true or false";
	}
	add_eval(l, facts, &ev);
	return k;
}

int ks_verdict_decide_all(ks_arena *a, const ks_profile *profile, const ks_facts *facts, unsigned role,
                          ks_verdicts *out)
{
	out->role = role;
	out->n = 0;
	out->items = ks_arena_alloc(a, (profile->nrules + 1) * sizeof *out->items);
	if (!out->items)
		return KS_ENOMEM;
	int oom = 0;
	for (size_t i = 0; i < profile->nrules; i++) {
		const ks_rule *r = &profile->rules[i];
		ks_verdict *v = &out->items[out->n++];
		struct evlist l = {.a = a};
		v->rule = r;
		v->item = r->item;
		if (r->item->targets && !(r->item->targets & role)) {
			v->kind = KS_VERDICT_NA;
			continue;
		}
		/* fail_if true fails; unknown_if true means the evidence proves nothing (unknown);
		 * then pass_if decides, or the rule's `otherwise`. Unknown at any step stops there. */
		const ks_verdict_kind next = (ks_verdict_kind)-1;
		ks_verdict_kind k = next;
		if (!r->fail_if && !r->pass_if)
			k = KS_VERDICT_MANUAL;
		size_t from = 0; /* evidence added by the step that decided */
		if (k == next && r->fail_if) {
			from = l.n;
			k = run(a, r->fail_if, facts, &profile->params, KS_VERDICT_FAIL, next, &l, &v->error, &oom);
		}
		if (k == next && r->unknown_if) {
			from = l.n;
			k = run(a, r->unknown_if, facts, &profile->params, KS_VERDICT_UNKNOWN, next, &l, &v->error, &oom);
		}
		if (k == next && r->pass_if) {
			from = l.n;
			k = run(a, r->pass_if, facts, &profile->params, KS_VERDICT_PASS, KS_VERDICT_FAIL, &l, &v->error, &oom);
		}
		if (k == next)
			k = r->otherwise == KS_OTHERWISE_MANUAL ? KS_VERDICT_MANUAL : KS_VERDICT_PASS;
		else /* only the deciding step's facts are decisive; earlier steps stay as context */
			for (size_t e = 0; e < from; e++)
				l.v[e].decisive = 0;
		v->kind = k;
		v->unwaived = k;
		for (size_t e = 0; e < r->nevidence; e++)
			add_fact(&l, facts, r->evidence[e]);
		/* Decisive evidence first (stable), so every report leads with what decided. */
		for (size_t m = 1; m < l.n; m++)
			for (size_t j = m; j > 0 && l.v[j].decisive && !l.v[j - 1].decisive; j--) {
				ks_evidence t = l.v[j];
				l.v[j] = l.v[j - 1];
				l.v[j - 1] = t;
			}
		v->evidence = l.v;
		v->nevidence = l.n;
	}
	return oom ? KS_ENOMEM : KS_OK;
}
