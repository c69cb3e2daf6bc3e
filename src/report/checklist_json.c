/* The checklist as JSON (schema kenshin.checklist/1, docs/checklist-json.md). Written with yajl's
 * streaming generator: a fleet's evidence table has hundreds of thousands of rows, and building a
 * document tree first would only cost time and memory. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "core/error.h"
#include "report/checklist.h"

struct jw {
	yajl_gen g;
	FILE *out;
	bool failed;
	size_t used;
	char buf[1 << 16]; /* yajl hands over one token at a time: batch them for stdio */
};

static void flush(struct jw *w)
{
	if (w->used && fwrite(w->buf, 1, w->used, w->out) != w->used)
		w->failed = true;
	w->used = 0;
}

static void print_cb(void *ctx, const char *s, size_t len)
{
	struct jw *w = ctx;
	if (w->used + len > sizeof w->buf)
		flush(w);
	if (len > sizeof w->buf) {
		if (fwrite(s, 1, len, w->out) != len)
			w->failed = true;
		return;
	}
	memcpy(w->buf + w->used, s, len);
	w->used += len;
}

static void key(struct jw *w, const char *k)
{
	yajl_gen_string(w->g, (const unsigned char *)k, strlen(k));
}

static void str(struct jw *w, const char *s)
{
	if (!s) {
		yajl_gen_null(w->g);
		return;
	}
	/* Inputs were validated as UTF-8 when read; if one was not, write null rather than lose the
	 * document. */
	if (yajl_gen_string(w->g, (const unsigned char *)s, strlen(s)) != yajl_gen_status_ok)
		yajl_gen_null(w->g);
}

static void kstr(struct jw *w, const char *k, const char *s)
{
	key(w, k);
	str(w, s);
}

static void kint(struct jw *w, const char *k, long long v)
{
	key(w, k);
	yajl_gen_integer(w->g, v);
}

static void kbool(struct jw *w, const char *k, bool v)
{
	key(w, k);
	yajl_gen_bool(w->g, v);
}

static void ktext(struct jw *w, const char *k, const ks_text *t)
{
	key(w, k);
	yajl_gen_map_open(w->g);
	kstr(w, "ja", t->ja);
	kstr(w, "en", t->en);
	yajl_gen_map_close(w->g);
}

static void kpair(struct jw *w, const char *k, const char *ja, const char *en)
{
	ks_text t = {ja, en};
	ktext(w, k, &t);
}

static void kday(struct jw *w, const char *k, const char *kw, ks_day d)
{
	char buf[48];
	key(w, k);
	if (d == KS_DAY_NONE)
		yajl_gen_null(w->g);
	else
		str(w, ks_day_iso(d, buf, sizeof buf));
	if (kw) {
		key(w, kw);
		if (d == KS_DAY_NONE)
			yajl_gen_null(w->g);
		else
			str(w, ks_day_wareki(d, buf, sizeof buf));
	}
}

static void ktime(struct jw *w, const char *k, time_t t)
{
	key(w, k);
	if (!t) {
		yajl_gen_null(w->g);
		return;
	}
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	str(w, buf);
}

static void host_names(struct jw *w, const char *k, const ks_cl_host *const *v, size_t n)
{
	key(w, k);
	yajl_gen_array_open(w->g);
	for (size_t i = 0; i < n; i++)
		str(w, v[i]->hostname);
	yajl_gen_array_close(w->g);
}

static void documents(struct jw *w, const ks_answer_doc *docs, size_t n)
{
	key(w, "documents");
	yajl_gen_array_open(w->g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(w->g);
		kstr(w, "document", docs[i].document);
		kstr(w, "version", docs[i].version);
		kstr(w, "location", docs[i].location);
		yajl_gen_map_close(w->g);
	}
	yajl_gen_array_close(w->g);
}

static void header(struct jw *w, const ks_checklist *cl)
{
	const ks_answers *ans = cl->answers;
	char buf[64];
	kstr(w, "schema", "kenshin.checklist/1");
	kstr(w, "kenshin", KS_VERSION);
	key(w, "catalog");
	yajl_gen_map_open(w->g);
	kstr(w, "name", cl->catalog->name);
	kstr(w, "edition", cl->catalog->edition);
	ktext(w, "title", &cl->catalog->title);
	yajl_gen_map_close(w->g);
	kstr(w, "form", cl->form == KS_FORM_VENDOR ? "vendor" : "facility");
	kpair(w, "form_title", ks_cl_form_title(cl, KS_LANG_JA), ks_cl_form_title(cl, KS_LANG_EN));
	key(w, "facility");
	yajl_gen_map_open(w->g);
	kstr(w, "name", ans ? ans->facility_name : NULL);
	int type = ans ? ans->facility_type : 0;
	kstr(w, "type", ks_cl_facility_type_id(type));
	kpair(w, "type_label", ks_cl_facility_type_label(type, KS_LANG_JA), ks_cl_facility_type_label(type, KS_LANG_EN));
	yajl_gen_map_close(w->g);
	key(w, "vendor");
	if (ans && ans->vendor_name) {
		yajl_gen_map_open(w->g);
		kstr(w, "name", ans->vendor_name);
		kstr(w, "system", ans->system_name);
		yajl_gen_map_close(w->g);
	} else {
		yajl_gen_null(w->g);
	}
	key(w, "fiscal_year");
	if (ans && ans->fiscal_year > 0) {
		yajl_gen_integer(w->g, ans->fiscal_year);
		kstr(w, "fiscal_year_label", ks_fiscal_year_wareki(ans->fiscal_year, buf, sizeof buf));
	} else {
		yajl_gen_null(w->g);
		kstr(w, "fiscal_year_label", NULL);
	}
	key(w, "confirmed_by");
	yajl_gen_map_open(w->g);
	kstr(w, "name", ans ? ans->confirmer_name : NULL);
	kstr(w, "title", ans ? ans->confirmer_title : NULL);
	yajl_gen_map_close(w->g);
	kbool(w, "has_medical_information_system", !ans || ans->has_system);
	kday(w, "today", NULL, cl->today);
	kint(w, "max_result_age_days", ans && ans->max_result_age_days > 0 ? ans->max_result_age_days : 30);
	key(w, "hosts");
	yajl_gen_map_open(w->g);
	kint(w, "total", (long long)cl->nhosts);
	for (int c = 0; c < KS_CATEGORIES; c++)
		kint(w, ks_target_name(ks_category_bit(c)), (long long)cl->ncategory[c]);
	kint(w, "stale", (long long)cl->nstale_hosts);
	kint(w, "superseded", (long long)cl->nsuperseded);
	yajl_gen_map_close(w->g);
	ktime(w, "oldest_scan", cl->oldest_scan);
	ktime(w, "newest_scan", cl->newest_scan);
	key(w, "summary");
	yajl_gen_map_open(w->g);
	for (int m = 0; m < KS_MARKS; m++)
		kint(w, ks_mark_id((ks_mark)m), (long long)cl->counts[m]);
	yajl_gen_map_close(w->g);
}

static void cell(struct jw *w, const ks_cl_cell *c)
{
	yajl_gen_map_open(w->g);
	kbool(w, "applies", c->applies);
	kstr(w, "mark", ks_mark_id(c->mark));
	kint(w, "hosts", (long long)c->nhosts);
	for (int v = 0; v < KS_VERDICT_KINDS; v++)
		kint(w, ks_verdict_id((ks_verdict_kind)v), (long long)c->counts[v]);
	kint(w, "missing", (long long)c->nmissing);
	host_names(w, "failing", c->fail, c->nfail);
	host_names(w, "unknown_hosts", c->unknown, c->nunknown);
	host_names(w, "waived_hosts", c->waived, c->nwaived);
	ktime(w, "oldest_scan", c->oldest_scan);
	kint(w, "stale", (long long)c->nstale);
	yajl_gen_map_close(w->g);
}

static void item(struct jw *w, const ks_checklist *cl, const ks_cl_item *it)
{
	const ks_item *ci = it->item;
	const ks_item_answer *ans = it->answer;
	yajl_gen_map_open(w->g);
	kstr(w, "item", ci->id);
	kstr(w, "label", ci->label);
	kint(w, "section", ci->section);
	const ks_section *sec = ks_catalog_section(cl->catalog, ci->section);
	ks_text none = {NULL, NULL};
	ktext(w, "section_title", sec ? &sec->title : &none);
	ktext(w, "title", &ci->title);
	key(w, "targets");
	yajl_gen_array_open(w->g);
	for (int c = 0; c < KS_CATEGORIES; c++)
		if (ci->targets & ks_category_bit(c))
			str(w, ks_target_name(ks_category_bit(c)));
	yajl_gen_array_close(w->g);
	kstr(w, "mark", ks_mark_id(it->mark));
	kstr(w, "measured_mark", ks_mark_id(it->measured_mark));
	kbool(w, "measured", it->measured);
	kbool(w, "needs_people", it->needs_people);
	kstr(w, "answer", !ans || ans->answer == KS_ANSWER_NONE ? NULL : ans->answer == KS_ANSWER_YES ? "yes" : "no");
	kday(w, "answer_confirmed", NULL, ans && ans->answer != KS_ANSWER_NONE ? ans->confirmed : KS_DAY_NONE);
	kbool(w, "conflict", it->conflict);
	kbool(w, "waived", it->waived);
	kday(w, "confirmed", "confirmed_wareki", it->confirmed);
	kday(w, "target", "target_wareki", it->target);
	kbool(w, "target_missing", it->target_missing);
	kint(w, "stale", (long long)it->nstale);
	key(w, "categories");
	yajl_gen_map_open(w->g);
	for (int c = 0; c < KS_CATEGORIES; c++) {
		key(w, ks_target_name(ks_category_bit(c)));
		cell(w, &it->cells[c]);
	}
	yajl_gen_map_close(w->g);
	documents(w, ans ? ans->docs : NULL, ans ? ans->ndocs : 0);
	kstr(w, "note", ans ? ans->note : NULL);
	kstr(w, "confirmed_by", ans ? ans->confirmed_by : NULL);
	key(w, "references");
	yajl_gen_array_open(w->g);
	for (size_t r = 0; r < ci->nreferences; r++)
		str(w, ci->references[r]);
	yajl_gen_array_close(w->g);
	key(w, "controls");
	yajl_gen_array_open(w->g);
	for (int k = 0; k < KS_CELLS; k++)
		if (ci->controls & (1u << k))
			str(w, ks_cell_id(k));
	yajl_gen_array_close(w->g);
	yajl_gen_map_close(w->g);
}

static void waiver_fields(struct jw *w, const ks_cl_waiver *wv)
{
	kstr(w, "pattern", wv->host);
	kstr(w, "justification", wv->justification);
	kstr(w, "approver", wv->approver);
	kstr(w, "expires", wv->expires);
	kstr(w, "source", wv->source);
	kbool(w, "expired", wv->expired);
	kstr(w, "verdict_without_waiver", ks_verdict_id(wv->verdict_without));
}

/* One row of the evidence table. */
static void result_row(struct jw *w, const ks_checklist *cl, size_t i, size_t h)
{
	const ks_cl_item *it = &cl->items[i];
	const ks_cl_host *host = cl->hosts[h];
	const ks_cl_result *r = i < host->nresults ? &host->results[i] : NULL;
	yajl_gen_map_open(w->g);
	kstr(w, "item", it->item->id);
	kstr(w, "host", host->hostname);
	kstr(w, "role", ks_target_name(host->role));
	kstr(w, "verdict", ks_cl_result_id(r));
	key(w, "evidence");
	yajl_gen_array_open(w->g);
	for (size_t e = 0; r && r->present && e < r->nevidence; e++) {
		yajl_gen_map_open(w->g);
		kstr(w, "fact", r->evidence[e].fact);
		kstr(w, "value", r->evidence[e].value);
		kstr(w, "source", r->evidence[e].source);
		kstr(w, "note", r->evidence[e].note);
		yajl_gen_map_close(w->g);
	}
	yajl_gen_array_close(w->g);
	kbool(w, "decisive", r && r->present && r->decisive);
	kint(w, "evidence_more", r && r->present ? (long long)r->nevidence_more : 0);
	key(w, "waiver");
	if (r && r->present && r->waiver) {
		yajl_gen_map_open(w->g);
		waiver_fields(w, r->waiver);
		yajl_gen_map_close(w->g);
	} else {
		yajl_gen_null(w->g);
	}
	kstr(w, "rule_error", r && r->present ? r->rule_error : NULL);
	kstr(w, "scanned_at", host->scanned_at_text);
	kbool(w, "stale", host->stale);
	kstr(w, "file", host->file);
	yajl_gen_map_close(w->g);
}

/* The evidence table has a row per item and host (180 000 for 10 000 hosts): its rows are written
 * compactly, one per line, by up to ROW_THREADS threads into memory, then joined in order. */
#define ROW_THREADS 2
#define ROWS_PER_THREAD_MIN 4096

struct slice {
	const ks_checklist *cl;
	const size_t (*rows)[2];
	size_t from, to;
	char *text;
	size_t len;
	int rc;
};

static void *write_slice(void *arg)
{
	struct slice *s = arg;
	struct jw *w = calloc(1, sizeof *w);
	FILE *mem = open_memstream(&s->text, &s->len);
	if (!w || !mem || !(w->g = yajl_gen_alloc(NULL))) {
		s->rc = KS_ENOMEM;
	} else {
		w->out = mem;
		yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
		yajl_gen_config(w->g, yajl_gen_print_callback, print_cb, w);
		for (size_t r = s->from; r < s->to; r++) {
			if (r > s->from) {
				yajl_gen_reset(w->g, NULL);
				print_cb(w, ",\n", 2);
			}
			result_row(w, s->cl, s->rows[r][0], s->rows[r][1]);
		}
		flush(w);
		s->rc = w->failed ? KS_EIO : KS_OK;
	}
	if (w && w->g)
		yajl_gen_free(w->g);
	if (mem && fclose(mem) != 0)
		s->rc = KS_ENOMEM;
	free(w);
	return NULL;
}

static void results(struct jw *w, const ks_checklist *cl)
{
	key(w, "results");
	yajl_gen_array_open(w->g);
	size_t n = 0, i = 0, h = 0;
	bool first = true;
	while (ks_checklist_next_row(cl, &i, &h, &first))
		n++;
	size_t (*rows)[2] = malloc((n + 1) * sizeof *rows);
	if (!rows) {
		w->failed = true;
		yajl_gen_array_close(w->g);
		return;
	}
	n = i = h = 0;
	first = true;
	while (ks_checklist_next_row(cl, &i, &h, &first)) {
		rows[n][0] = i;
		rows[n][1] = h;
		n++;
	}
	struct slice slices[ROW_THREADS];
	pthread_t threads[ROW_THREADS];
	bool started[ROW_THREADS] = {false};
	size_t nslices = n >= ROW_THREADS * ROWS_PER_THREAD_MIN ? ROW_THREADS : 1;
	for (size_t k = 0; k < nslices; k++) {
		slices[k] = (struct slice){.cl = cl, .rows = (const size_t(*)[2])rows,
		                           .from = n * k / nslices, .to = n * (k + 1) / nslices};
		if (k > 0)
			started[k] = pthread_create(&threads[k], NULL, write_slice, &slices[k]) == 0;
	}
	write_slice(&slices[0]);
	for (size_t k = 1; k < nslices; k++) {
		if (started[k])
			pthread_join(threads[k], NULL);
		else
			write_slice(&slices[k]); /* no thread to spare: do it here */
	}
	flush(w);
	bool any = false;
	for (size_t k = 0; k < nslices; k++) {
		if (slices[k].rc < 0)
			w->failed = true;
		if (slices[k].len) {
			/* yajl has put the opening bracket's line break; rows follow one per line */
			if ((any && fputs(",\n", w->out) == EOF) ||
			    fwrite(slices[k].text, 1, slices[k].len, w->out) != slices[k].len)
				w->failed = true;
			any = true;
		}
		free(slices[k].text);
	}
	free(rows);
	yajl_gen_array_close(w->g);
}

static void assets(struct jw *w, const ks_checklist *cl)
{
	key(w, "assets");
	yajl_gen_array_open(w->g);
	for (size_t h = 0; h < cl->nhosts; h++) {
		const ks_cl_host *host = cl->hosts[h];
		yajl_gen_map_open(w->g);
		kstr(w, "hostname", host->hostname);
		kstr(w, "role", ks_target_name(host->role));
		kstr(w, "os", host->os);
		kstr(w, "kernel", host->kernel);
		kstr(w, "arch", host->arch);
		key(w, "addresses");
		yajl_gen_array_open(w->g);
		for (size_t i = 0; i < host->naddresses; i++)
			str(w, host->addresses[i]);
		yajl_gen_array_close(w->g);
		kstr(w, "machine_id", host->machine_id);
		kstr(w, "scanned_at", host->scanned_at_text);
		kbool(w, "stale", host->stale);
		kstr(w, "file", host->file);
		kstr(w, "kenshin", host->kenshin_version);
		kbool(w, "as_root", host->as_root);
		yajl_gen_map_close(w->g);
	}
	yajl_gen_array_close(w->g);
}

static void waivers(struct jw *w, const ks_checklist *cl)
{
	key(w, "waivers");
	yajl_gen_array_open(w->g);
	for (size_t i = 0; i < cl->nwaivers; i++) {
		const ks_cl_waiver_use *u = &cl->waivers[i];
		yajl_gen_map_open(w->g);
		kstr(w, "item", u->waiver->item);
		kstr(w, "host", u->host->hostname);
		waiver_fields(w, u->waiver);
		yajl_gen_map_close(w->g);
	}
	yajl_gen_array_close(w->g);
}

static void matrix(struct jw *w, const ks_checklist *cl)
{
	static const char *const rows[] = {"organisational", "system", "staff"};
	static const char *const cols[] = {"corrective", "detective", "preventive"};
	char buf[48];
	key(w, "matrix");
	yajl_gen_array_open(w->g);
	for (int k = 0; k < KS_CELLS; k++) {
		const ks_cl_matrix_cell *m = &cl->matrix[k];
		yajl_gen_map_open(w->g);
		kstr(w, "cell", ks_cell_id(k));
		kstr(w, "row", rows[k / 3]);
		kstr(w, "column", cols[k % 3]);
		kstr(w, "cover", ks_cl_cover_id(m->cover));
		key(w, "items");
		yajl_gen_array_open(w->g);
		for (size_t i = 0; i < m->nitems; i++)
			str(w, m->items[i]->item->id);
		yajl_gen_array_close(w->g);
		key(w, "practices");
		yajl_gen_array_open(w->g);
		for (size_t p = 0; p < m->npractices; p++) {
			const ks_practice *pr = m->practices[p];
			yajl_gen_map_open(w->g);
			kstr(w, "description", pr->description);
			key(w, "confirmed");
			if (pr->confirmed == KS_DAY_NONE)
				yajl_gen_null(w->g);
			else
				str(w, ks_day_iso(pr->confirmed, buf, sizeof buf));
			documents(w, pr->docs, pr->ndocs);
			yajl_gen_map_close(w->g);
		}
		yajl_gen_array_close(w->g);
		yajl_gen_map_close(w->g);
	}
	yajl_gen_array_close(w->g);
}

static void diagnostics(struct jw *w, const ks_diags *d)
{
	static const char *const sev[] = {"info", "warning", "error"};
	key(w, "diagnostics");
	yajl_gen_array_open(w->g);
	for (size_t i = 0; d && i < ks_diags_count(d); i++) {
		const ks_diag *g = ks_diags_at(d, i);
		yajl_gen_map_open(w->g);
		kstr(w, "severity", sev[g->severity]);
		kstr(w, "path", g->path);
		kint(w, "line", g->line);
		kint(w, "column", g->column);
		kstr(w, "message", g->message);
		yajl_gen_map_close(w->g);
	}
	yajl_gen_array_close(w->g);
	kint(w, "diagnostics_dropped", d ? (long long)ks_diags_dropped(d) : 0);
}

int ks_cl_write_json(const ks_checklist *cl, FILE *out)
{
	struct jw *w = calloc(1, sizeof *w);
	if (!w)
		return KS_ENOMEM;
	w->out = out;
	if (!(w->g = yajl_gen_alloc(NULL))) {
		free(w);
		return KS_ENOMEM;
	}
	yajl_gen_config(w->g, yajl_gen_beautify, 1);
	yajl_gen_config(w->g, yajl_gen_indent_string, "  ");
	yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
	yajl_gen_config(w->g, yajl_gen_print_callback, print_cb, w);
	yajl_gen_map_open(w->g);
	header(w, cl);
	key(w, "items");
	yajl_gen_array_open(w->g);
	for (size_t i = 0; i < cl->nitems; i++)
		if (cl->items[i].on_form)
			item(w, cl, &cl->items[i]);
	yajl_gen_array_close(w->g);
	results(w, cl);
	assets(w, cl);
	waivers(w, cl);
	matrix(w, cl);
	diagnostics(w, cl->diags);
	yajl_gen_map_close(w->g);
	yajl_gen_free(w->g);
	print_cb(w, "\n", 1);
	flush(w);
	int rc = w->failed ? KS_EIO : KS_OK;
	free(w);
	return rc;
}
