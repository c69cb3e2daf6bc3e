/* Merging host results and people's answers into the checklist (rules in checklist.h). */
#include "checklist.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static const char *const mark_ids[KS_MARKS] = {"yes", "no", "check", "unanswered", "nohost", "na"};
static const char *const mark_ja[KS_MARKS] = {"はい", "いいえ", "要確認", "未回答", "対象機器なし", "対象外"};
static const char *const mark_en[KS_MARKS] = {"Yes", "No", "Check", "Unanswered", "No host", "N/A"};

const char *ks_mark_id(ks_mark m)
{
	return (unsigned)m < KS_MARKS ? mark_ids[m] : "?";
}

const char *ks_mark_label(ks_mark m, ks_lang lang)
{
	if ((unsigned)m >= KS_MARKS)
		return "?";
	return lang == KS_LANG_JA ? mark_ja[m] : mark_en[m];
}

unsigned ks_category_bit(int c)
{
	return c >= 0 && c < KS_CATEGORIES ? 1u << c : 0;
}

const char *ks_category_label(int c, ks_lang lang)
{
	static const char *const ja[KS_CATEGORIES] = {"サーバ", "端末PC", "ネットワーク機器"};
	static const char *const en[KS_CATEGORIES] = {"Server", "Terminal PC", "Network device"};
	if (c < 0 || c >= KS_CATEGORIES)
		return "?";
	return lang == KS_LANG_JA ? ja[c] : en[c];
}

static int category_of(unsigned role)
{
	for (int c = 0; c < KS_CATEGORIES; c++)
		if (role == ks_category_bit(c))
			return c;
	return -1;
}

static int host_order(const void *pa, const void *pb)
{
	const ks_cl_host *a = *(const ks_cl_host *const *)pa, *b = *(const ks_cl_host *const *)pb;
	int ca = category_of(a->role), cb = category_of(b->role);
	if (ca != cb)
		return ca < cb ? -1 : 1;
	int r = strcmp(a->hostname ? a->hostname : "", b->hostname ? b->hostname : "");
	if (r)
		return r;
	return strcmp(a->file ? a->file : "", b->file ? b->file : "");
}

/* Results of one machine: the machine id identifies it; without one, the host name does. */
static const char *identity(const ks_cl_host *h, bool *by_id)
{
	*by_id = h->machine_id && *h->machine_id;
	return *by_id ? h->machine_id : h->hostname ? h->hostname : "";
}

static int identity_order(const void *pa, const void *pb)
{
	const ks_cl_host *a = *(const ks_cl_host *const *)pa, *b = *(const ks_cl_host *const *)pb;
	bool ia, ib;
	const char *ka = identity(a, &ia), *kb = identity(b, &ib);
	if (ia != ib)
		return ia ? -1 : 1;
	int r = strcmp(ka, kb);
	if (r)
		return r;
	/* Newest first, so the first of a run is the one kept. */
	if (a->scanned_at != b->scanned_at)
		return a->scanned_at > b->scanned_at ? -1 : 1;
	return strcmp(a->file ? a->file : "", b->file ? b->file : "");
}

/* Keeps the newest result per machine; returns how many hosts remain in V (reordered). */
static size_t drop_superseded(const ks_cl_host **v, size_t n, ks_diags *diags, size_t *dropped)
{
	qsort(v, n, sizeof *v, identity_order);
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		bool ia, ib;
		if (out > 0) {
			const ks_cl_host *kept = v[out - 1];
			const char *ka = identity(kept, &ia), *kb = identity(v[i], &ib);
			if (ia == ib && *ka && strcmp(ka, kb) == 0) {
				(*dropped)++;
				if (diags)
					ks_diag_add(diags, KS_DIAG_WARNING, v[i]->file, 0, 0,
					            "older result for host '%s' (%s %s); %s (%s) is used instead",
					            v[i]->hostname, ia ? "machine id" : "host name", ka, kept->file,
					            kept->scanned_at_text ? kept->scanned_at_text : "");
				continue;
			}
		}
		v[out++] = v[i];
	}
	return out;
}

static ks_mark worse(ks_mark a, ks_mark b)
{
	/* Severity on the form: いいえ, then 要確認, then 未回答, then はい. */
	static const int rank[KS_MARKS] = {[KS_MARK_YES] = 1, [KS_MARK_NO] = 5, [KS_MARK_CHECK] = 4,
	                                   [KS_MARK_UNANSWERED] = 3, [KS_MARK_NOHOST] = 2, [KS_MARK_NA] = 0};
	return rank[b] > rank[a] ? b : a;
}

static ks_mark answer_mark(const ks_item_answer *ans)
{
	if (ans && ans->answer == KS_ANSWER_YES)
		return KS_MARK_YES;
	if (ans && ans->answer == KS_ANSWER_NO)
		return KS_MARK_NO;
	return KS_MARK_UNANSWERED;
}

static const ks_cl_host **host_list(ks_arena *a, size_t n)
{
	return n ? ks_arena_alloc(a, n * sizeof(const ks_cl_host *)) : NULL;
}

/* Fills one cell from the hosts of its category (V[0..N)). */
static int fill_cell(ks_arena *a, size_t idx, const ks_cl_host *const *v, size_t n, ks_cl_cell *cell)
{
	cell->nhosts = n;
	for (size_t h = 0; h < n; h++) {
		const ks_cl_result *r = idx < v[h]->nresults ? &v[h]->results[idx] : NULL;
		if (!r || !r->present) {
			cell->nmissing++;
			cell->nunknown++;
			continue;
		}
		cell->counts[r->verdict]++;
		if (r->verdict == KS_VERDICT_FAIL)
			cell->nfail++;
		else if (r->verdict == KS_VERDICT_UNKNOWN)
			cell->nunknown++;
		else if (r->verdict == KS_VERDICT_WAIVED)
			cell->nwaived++;
	}
	cell->fail = host_list(a, cell->nfail);
	cell->unknown = host_list(a, cell->nunknown);
	cell->waived = host_list(a, cell->nwaived);
	if ((cell->nfail && !cell->fail) || (cell->nunknown && !cell->unknown) || (cell->nwaived && !cell->waived))
		return KS_ENOMEM;
	size_t nf = 0, nu = 0, nw = 0;
	for (size_t h = 0; h < n; h++) {
		const ks_cl_result *r = idx < v[h]->nresults ? &v[h]->results[idx] : NULL;
		if (!r || !r->present)
			cell->unknown[nu++] = v[h];
		else if (r->verdict == KS_VERDICT_FAIL)
			cell->fail[nf++] = v[h];
		else if (r->verdict == KS_VERDICT_UNKNOWN)
			cell->unknown[nu++] = v[h];
		else if (r->verdict == KS_VERDICT_WAIVED)
			cell->waived[nw++] = v[h];
		else if (r->verdict == KS_VERDICT_NA)
			continue; /* the item does not apply to this host: it backs nothing */
		if (cell->oldest_scan == 0 || v[h]->scanned_at < cell->oldest_scan)
			cell->oldest_scan = v[h]->scanned_at;
		cell->nstale += v[h]->stale;
	}
	return KS_OK;
}

/* The cell's own mark; a category where people must answer (manual) or nothing was scanned takes
 * the people's answer at item level, not here. */
static ks_mark cell_mark(const ks_cl_cell *c, const ks_item_answer *ans)
{
	if (c->nhosts == 0)
		return KS_MARK_NOHOST;
	if (c->nfail)
		return KS_MARK_NO;
	if (c->nunknown)
		return KS_MARK_CHECK;
	if (c->counts[KS_VERDICT_MANUAL])
		return answer_mark(ans);
	if (c->counts[KS_VERDICT_PASS] + c->nwaived)
		return KS_MARK_YES;
	return KS_MARK_NA; /* every host said the item does not apply to it */
}

static void decide_item(ks_cl_item *it, const ks_item_answer *ans)
{
	ks_mark people = answer_mark(ans);
	it->answer = ans;
	it->target = ans ? ans->target : KS_DAY_NONE;
	if (!it->item->targets) {
		/* Organisational items are answered by people only. */
		it->needs_people = true;
		it->measured_mark = KS_MARK_NA;
		it->mark = people;
	} else {
		ks_mark measured = KS_MARK_NA, combined = KS_MARK_NA;
		bool all_nohost = true, any_applies = false;
		for (int c = 0; c < KS_CATEGORIES; c++) {
			const ks_cl_cell *cell = &it->cells[c];
			if (!cell->applies)
				continue;
			any_applies = true;
			if (cell->counts[KS_VERDICT_MANUAL])
				it->needs_people = true;
			if (cell->nfail || cell->nunknown || cell->counts[KS_VERDICT_PASS] || cell->nwaived)
				it->measured = true;
			if (cell->nwaived)
				it->waived = true;
			it->nstale += cell->nstale;
			if (cell->mark != KS_MARK_NOHOST)
				all_nohost = false;
			/* What the hosts alone say, manual parts aside. */
			ks_mark m = cell->nhosts == 0 ? KS_MARK_NOHOST
			            : cell->nfail     ? KS_MARK_NO
			            : cell->nunknown  ? KS_MARK_CHECK
			            : cell->counts[KS_VERDICT_PASS] + cell->nwaived ? KS_MARK_YES
			                                                           : KS_MARK_NA;
			if (m != KS_MARK_NOHOST)
				measured = worse(measured, m);
			/* A category nobody scanned rests on people's answer. */
			ks_mark eff = cell->mark == KS_MARK_NOHOST ? people : cell->mark;
			combined = worse(combined, eff);
		}
		it->measured_mark = measured;
		if (!any_applies)
			combined = people;
		else if (all_nohost && people == KS_MARK_UNANSWERED)
			combined = KS_MARK_NOHOST;
		/* People can always report a problem; they can never hide a measured one. */
		if (people == KS_MARK_NO)
			combined = KS_MARK_NO;
		if (people == KS_MARK_YES && measured == KS_MARK_NO)
			it->conflict = true;
		it->mark = combined;
	}
	/* 確認日: the item is confirmed only as of its oldest piece of evidence. */
	ks_day confirmed = KS_DAY_NONE;
	for (int c = 0; c < KS_CATEGORIES; c++) {
		const ks_cl_cell *cell = &it->cells[c];
		if (cell->applies && cell->oldest_scan) {
			ks_day d = ks_day_from_time(cell->oldest_scan);
			if (confirmed == KS_DAY_NONE || d < confirmed)
				confirmed = d;
		}
	}
	if (ans && ans->answer != KS_ANSWER_NONE && ans->confirmed != KS_DAY_NONE &&
	    (confirmed == KS_DAY_NONE || ans->confirmed < confirmed))
		confirmed = ans->confirmed;
	it->confirmed = confirmed;
	it->target_missing = it->mark == KS_MARK_NO && it->target == KS_DAY_NONE;
}

static int collect_waivers(ks_arena *a, ks_checklist *cl)
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < cl->nitems; i++) {
			if (!cl->items[i].on_form)
				continue;
			for (size_t h = 0; h < cl->nhosts; h++) {
				const ks_cl_host *host = cl->hosts[h];
				if (i >= host->nresults || !host->results[i].present || !host->results[i].waiver)
					continue;
				if (pass == 1)
					cl->waivers[n] = (ks_cl_waiver_use){
						.waiver = host->results[i].waiver,
						.host = host,
						.verdict_without = host->results[i].waiver->verdict_without,
					};
				n++;
			}
		}
		if (pass == 0) {
			cl->nwaivers = n;
			n = 0;
			if (cl->nwaivers && !(cl->waivers = ks_arena_alloc(a, cl->nwaivers * sizeof *cl->waivers)))
				return KS_ENOMEM;
		}
	}
	return KS_OK;
}

static int build_matrix(ks_arena *a, ks_checklist *cl)
{
	for (int cell = 0; cell < KS_CELLS; cell++) {
		ks_cl_matrix_cell *m = &cl->matrix[cell];
		for (size_t i = 0; i < cl->nitems; i++)
			m->nitems += cl->items[i].on_form && (cl->items[i].item->controls & (1u << cell));
		const ks_answers *ans = cl->answers;
		for (size_t p = 0; ans && p < ans->npractices; p++)
			m->npractices += ans->practices[p].cell == cell;
		if ((m->nitems && !(m->items = ks_arena_alloc(a, m->nitems * sizeof *m->items))) ||
		    (m->npractices && !(m->practices = ks_arena_alloc(a, m->npractices * sizeof *m->practices))))
			return KS_ENOMEM;
		size_t ni = 0, np = 0, yes = 0;
		for (size_t i = 0; i < cl->nitems; i++)
			if (cl->items[i].on_form && (cl->items[i].item->controls & (1u << cell))) {
				m->items[ni++] = &cl->items[i];
				yes += cl->items[i].mark == KS_MARK_YES;
			}
		for (size_t p = 0; ans && p < ans->npractices; p++)
			if (ans->practices[p].cell == cell)
				m->practices[np++] = &ans->practices[p]; /* an attested practice is in place */
		size_t total = ni + np, done = yes + np;
		m->cover = total && done == total ? KS_COVER_FULL : done ? KS_COVER_PARTIAL : KS_COVER_GAP;
	}
	return KS_OK;
}

int ks_checklist_merge(ks_arena *a, const ks_catalog *catalog, const ks_answers *answers, int form,
                       ks_cl_host *hosts, size_t nhosts, time_t now, ks_checklist *out,
                       ks_diags *diags)
{
	memset(out, 0, sizeof *out);
	out->catalog = catalog;
	out->answers = answers;
	out->form = form;
	out->now = now;
	out->diags = diags;
	out->today = ks_day_from_time(now);
	out->nitems = catalog->nitems;
	out->items = ks_arena_alloc(a, (catalog->nitems + 1) * sizeof *out->items);
	const ks_cl_host **v = ks_arena_alloc(a, (nhosts + 1) * sizeof *v);
	if (!out->items || !v)
		return KS_ENOMEM;

	int max_age = answers && answers->max_result_age_days > 0 ? answers->max_result_age_days : 30;
	for (size_t h = 0; h < nhosts; h++)
		v[h] = &hosts[h];
	nhosts = drop_superseded(v, nhosts, diags, &out->nsuperseded);
	for (size_t h = 0; h < nhosts; h++) {
		ks_cl_host *host = (ks_cl_host *)v[h];
		int c = category_of(host->role);
		if (c < 0)
			return KS_EPARSE; /* the reader accepts only the three roles */
		host->stale = now - host->scanned_at > (time_t)max_age * 86400;
		if (host->stale) {
			out->nstale_hosts++;
			if (diags)
				ks_diag_add(diags, KS_DIAG_WARNING, host->file, 0, 0,
				            "result of '%s' is from %s, older than %d days", host->hostname,
				            host->scanned_at_text ? host->scanned_at_text : "?", max_age);
		}
		out->ncategory[c]++;
		if (out->oldest_scan == 0 || host->scanned_at < out->oldest_scan)
			out->oldest_scan = host->scanned_at;
		if (host->scanned_at > out->newest_scan)
			out->newest_scan = host->scanned_at;
	}
	qsort(v, nhosts, sizeof *v, host_order);
	out->hosts = v;
	out->nhosts = nhosts;

	bool gate_no = answers && !answers->has_system;
	size_t first[KS_CATEGORIES + 1] = {0};
	for (int c = 0; c < KS_CATEGORIES; c++)
		first[c + 1] = first[c] + out->ncategory[c];
	for (size_t i = 0; i < catalog->nitems; i++) {
		ks_cl_item *it = &out->items[i];
		it->item = &catalog->items[i];
		it->on_form = (it->item->forms & (unsigned)form) != 0;
		it->confirmed = it->target = KS_DAY_NONE;
		const ks_item_answer *ans = answers ? ks_answers_find(answers, it->item->id) : NULL;
		for (int c = 0; c < KS_CATEGORIES; c++) {
			ks_cl_cell *cell = &it->cells[c];
			cell->mark = KS_MARK_NA;
			if (!it->on_form || gate_no || !(it->item->targets & ks_category_bit(c)))
				continue;
			cell->applies = true;
			int rc = fill_cell(a, i, v + first[c], first[c + 1] - first[c], cell);
			if (rc < 0)
				return rc;
			cell->mark = cell_mark(cell, ans);
		}
		if (!it->on_form || gate_no) {
			it->mark = it->measured_mark = KS_MARK_NA;
			out->counts[KS_MARK_NA] += it->on_form;
			continue;
		}
		decide_item(it, ans);
		out->counts[it->mark]++;
		if (!diags)
			continue;
		const char *apath = answers ? answers->path : NULL;
		int aline = ans ? ans->line : 0;
		if (it->conflict)
			ks_diag_add(diags, KS_DIAG_WARNING, apath, aline, 0,
			            "item %s: answered yes, but %zu host(s) fail it; the form shows no", it->item->label,
			            it->cells[0].nfail + it->cells[1].nfail + it->cells[2].nfail);
		if (it->target_missing)
			ks_diag_add(diags, KS_DIAG_WARNING, apath, aline, 0,
			            "item %s is 'no' but has no target date (add items: \"%s\": target: YYYY-MM-DD)",
			            it->item->label, it->item->id);
	}
	int rc = collect_waivers(a, out);
	if (rc == KS_OK)
		rc = build_matrix(a, out);
	return rc;
}

bool ks_checklist_next_row(const ks_checklist *cl, size_t *item, size_t *host, bool *first)
{
	size_t i = *item, h = *host;
	if (*first)
		*first = false;
	else
		h++;
	for (; i < cl->nitems; i++, h = 0) {
		if (!cl->items[i].on_form)
			continue;
		for (; h < cl->nhosts; h++)
			if (cl->items[i].item->targets & cl->hosts[h]->role) {
				*item = i;
				*host = h;
				return true;
			}
	}
	*item = cl->nitems;
	return false;
}
