/* The checklist as one printable HTML page for an on-site inspection: the summary first, then the
 * form as the MHLW table, then each item with the evidence behind its mark, then the 3x3 view.
 * The page is self-contained (no scripts, no external resources, a CSP that forbids both) and every
 * string that came from a result or answers file is escaped. Host lists are capped, so a fleet of
 * thousands still prints in a few pages; the full per-host table is in the XLSX and the JSON. */
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "report/checklist.h"
#include "report/report.h"

/* Failing, unknown and waived hosts listed per item and category before "and N more". */
#define HOSTS_SHOWN 50
/* Hosts or items named in one line of the attention list. */
#define ATTENTION_SHOWN 10
/* Warnings listed at the end of the page. */
#define DIAGS_SHOWN 50

struct w {
	FILE *out;
	const ks_checklist *cl;
	ks_lang lang;
	bool ja;
};

#define L(w, j, e) ((w)->ja ? (j) : (e))

/* Text and attribute values alike: both quotes are escaped, so the same function is safe inside
 * double-quoted attributes. Control characters (other than tab and newline) become '?'. */
static void esc(FILE *out, const char *s)
{
	ks_report_html_escape(out, s);
}

static void esc_or(FILE *out, const char *s, const char *fallback)
{
	if (s && *s)
		esc(out, s);
	else
		fputs(fallback, out);
}

static void host_name(struct w *w, const ks_cl_host *h)
{
	if (h->hostname && *h->hostname) {
		esc(w->out, h->hostname);
		return;
	}
	fputs(L(w, "（ホスト名不明: ", "(unnamed host: "), w->out);
	esc(w->out, h->file);
	fputs(L(w, "）", ")"), w->out);
}

/* A day as the reader expects it (和暦 in Japanese, ISO in English), with the ISO date kept in the
 * markup so that it stays machine-readable. */
static void day(struct w *w, ks_day d)
{
	char iso[16], text[48];
	if (d == KS_DAY_NONE) {
		fputs("—", w->out);
		return;
	}
	ks_day_iso(d, iso, sizeof iso);
	fprintf(w->out, "<time datetime=\"%s\">%s</time>", iso,
	        w->ja ? ks_day_wareki(d, text, sizeof text) : iso);
}

/* A scan instant: the JST day for reading, the exact UTC instant in the markup. */
static void instant(struct w *w, time_t t)
{
	char iso[32], text[48];
	struct tm tm;
	if (!t) {
		fputs("—", w->out);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	ks_day d = ks_day_from_time(t);
	fprintf(w->out, "<time datetime=\"%s\">%s</time>", iso,
	        w->ja ? ks_day_wareki(d, text, sizeof text) : ks_day_iso(d, text, sizeof text));
}

/* Host verdicts in the words of the evidence table (適合/不適合...), kept apart from the form's marks. */
static const char *verdict_label(ks_verdict_kind k, ks_lang lang)
{
	ks_cl_result r = {.present = true, .verdict = k};
	return ks_cl_result_label(&r, lang);
}

static void mark_span(struct w *w, ks_mark m)
{
	fprintf(w->out, "<span class=\"mk m-%s\">%s</span>", ks_mark_id(m), ks_mark_label(m, w->lang));
}

static void hosts_count(struct w *w, size_t n)
{
	fprintf(w->out, w->ja ? "%zu台" : (n == 1 ? "%zu host" : "%zu hosts"), n);
}

static const char css[] =
	"@page{size:A4;margin:12mm 11mm 14mm}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"body{font-family:'Noto Sans CJK JP','Noto Sans JP','IPAexGothic',sans-serif;font-size:9.5pt;"
	"line-height:1.4;color:#111;max-width:188mm;margin:0 auto;padding:4mm 0}"
	"h1{font-size:14pt;margin:0}h2{font-size:12pt;margin:10pt 0 4pt;padding:1pt 4pt;"
	"border-left:4pt solid #333;break-after:avoid}"
	"h3{font-size:10.5pt;margin:8pt 0 2pt;break-after:avoid}"
	"h4{font-size:9.5pt;margin:4pt 0 1pt;break-after:avoid}"
	".sub{font-size:11pt;margin:2pt 0 6pt}"
	"table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:2pt 3pt;"
	"vertical-align:top;text-align:left}th{background:#e8e8e8;font-weight:bold}"
	"tr,.host,.nb{break-inside:avoid}thead{display:table-header-group}"
	"table.meta td,table.meta th{border:none;border-bottom:1px solid #ccc;padding:1.5pt 4pt}"
	"table.meta th{background:none;width:34mm;white-space:nowrap}"
	".counts{display:flex;gap:4pt;flex-wrap:wrap;margin:4pt 0}"
	".counts span{border:1px solid #666;padding:2pt 8pt;font-size:10.5pt}"
	".counts b{font-size:12pt;margin-left:4pt}"
	".mk{display:inline-block;padding:0 3pt;border:1px solid #888;border-radius:2pt;white-space:nowrap}"
	".m-yes{background:#dcefd8;color:#14521b}"
	".m-no{background:#f8d3d1;color:#8a0000;font-weight:bold;border:1.5px solid #8a0000}"
	".m-check{background:#fff0bf;color:#6b4e00}"
	".m-unanswered{background:#e9dcf3;color:#4d2373}"
	".m-nohost,.m-na{background:#eee;color:#555}"
	"ul.att{margin:2pt 0;padding-left:14pt}ul.att li{margin:1pt 0}"
	".warn{font-weight:bold}.ok{color:#14521b}"
	"table.form{table-layout:fixed;font-size:8.5pt}"
	"table.form td.c,table.form th.c{text-align:center}"
	"table.form tr.sec th{background:#d5dbe3;text-align:left}"
	"table.form small,small{color:#444;font-size:7.5pt}"
	"td.lbl{white-space:nowrap;font-weight:bold}"
	".item{break-before:auto;border-top:1px solid #888;margin-top:6pt}"
	".refs{font-size:8pt;color:#333;margin:0 0 2pt}"
	".q{margin:2pt 0;padding:2pt 4pt;background:#f4f4f4}"
	"table.ans{font-size:8.5pt;margin:2pt 0}table.ans th{width:22mm}"
	".host{margin:1pt 0 1pt 6pt;font-size:8.5pt}"
	".ev{font-family:'Noto Sans Mono CJK JP','DejaVu Sans Mono',monospace;font-size:7.5pt;"
	"word-break:break-all;margin-left:10pt;color:#222}"
	".more,.pass{font-size:8.5pt;margin:1pt 0 1pt 6pt;color:#333}"
	".break{break-before:page}"
	"table.mx{table-layout:fixed;font-size:8.5pt}table.mx td{height:38mm}"
	"table.mx th.row{width:24mm}"
	".cv{display:block;font-weight:bold;margin-bottom:2pt}"
	".cv-full{background:#dcefd8}.cv-partial{background:#fff0bf}.cv-gap{background:#f8d3d1}"
	".about{display:block;font-size:7.5pt;color:#333;margin-bottom:2pt}"
	"ul.mxi{margin:0;padding-left:10pt}"
	"footer{margin-top:10pt;font-size:8pt;color:#444}"
	"html[lang=en] time{white-space:nowrap}";

/* ------------------------------------------------------------------ header and summary */

static void meta_row(struct w *w, const char *label)
{
	fprintf(w->out, "<tr><th>%s</th><td>", label);
}

static void header(struct w *w)
{
	const ks_checklist *cl = w->cl;
	const ks_answers *ans = cl->answers;
	FILE *out = w->out;
	char buf[64];

	fputs("<header><h1>", out);
	esc(out, ks_text_get(&cl->catalog->title, w->lang));
	fputs("</h1><p class=\"sub\">", out);
	esc(out, ks_cl_form_title(cl, w->lang));
	if (ans && ans->fiscal_year > 0) {
		fputs(" — ", out);
		if (w->ja)
			fputs(ks_fiscal_year_wareki(ans->fiscal_year, buf, sizeof buf), out);
		else
			fprintf(out, "fiscal year %d (%s)", ans->fiscal_year,
			        ks_fiscal_year_wareki(ans->fiscal_year, buf, sizeof buf));
	}
	fputs("</p></header>\n<table class=\"meta\">", out);

	meta_row(w, cl->form == KS_FORM_VENDOR ? L(w, "医療機関名（提供先）", "Customer facility")
	                                       : L(w, "医療機関名", "Facility"));
	esc_or(out, ans ? ans->facility_name : NULL, "—");
	if (ans && ans->facility_type)
		fprintf(out, w->ja ? "（%s）" : " (%s)", ks_cl_facility_type_label(ans->facility_type, w->lang));
	fputs("</td></tr>", out);
	if (cl->form == KS_FORM_VENDOR || (ans && ans->vendor_name)) {
		meta_row(w, L(w, "事業者名", "Vendor"));
		esc_or(out, ans ? ans->vendor_name : NULL, "—");
		fputs("</td></tr>", out);
		meta_row(w, L(w, "提供システム", "System provided"));
		esc_or(out, ans ? ans->system_name : NULL, "—");
		fputs("</td></tr>", out);
	}
	meta_row(w, L(w, "確認者", "Confirmed by"));
	esc_or(out, ans ? ans->confirmer_name : NULL, "—");
	if (ans && ans->confirmer_title && *ans->confirmer_title) {
		fputs(L(w, "（", " ("), out);
		esc(out, ans->confirmer_title);
		fputs(L(w, "）", ")"), out);
	}
	fputs("</td></tr>", out);
	meta_row(w, L(w, "作成日", "Date"));
	day(w, cl->today);
	fputs("</td></tr>", out);
	meta_row(w, L(w, "医療情報システムの有無", "Medical information system"));
	bool has = !ans || ans->has_system;
	fputs(has ? L(w, "有", "Yes") : L(w, "無（以下の項目はすべて対象外）", "No (every item is not applicable)"), out);
	fputs("</td></tr>", out);
	meta_row(w, L(w, "対象機器", "Hosts"));
	for (int c = 0; c < KS_CATEGORIES; c++) {
		fprintf(out, "%s%s ", c ? L(w, "　", ", ") : "", ks_category_label(c, w->lang));
		hosts_count(w, cl->ncategory[c]);
	}
	fputs(L(w, "（計 ", " (total "), out);
	hosts_count(w, cl->nhosts);
	fputs(L(w, "）", ")"), out);
	fputs("</td></tr>", out);
	meta_row(w, L(w, "結果の取得日", "Scanned"));
	if (cl->nhosts) {
		instant(w, cl->oldest_scan);
		fputs(L(w, " 〜 ", " to "), out);
		instant(w, cl->newest_scan);
	} else {
		fputs(L(w, "結果なし", "no results"), out);
	}
	int max_age = ans && ans->max_result_age_days > 0 ? ans->max_result_age_days : 30;
	fprintf(out, w->ja ? "（%d日より古い結果は要注意）" : " (results older than %d days are flagged)", max_age);
	fputs("</td></tr></table>\n", out);
}

/* Up to ATTENTION_SHOWN host names of a list, then how many more. */
static void some_hosts(struct w *w, const ks_cl_host *const *v, size_t n)
{
	size_t shown = n < ATTENTION_SHOWN ? n : ATTENTION_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		if (i)
			fputs(L(w, "、", ", "), w->out);
		host_name(w, v[i]);
	}
	if (n > shown)
		fprintf(w->out, w->ja ? " ほか%zu台" : " and %zu more", n - shown);
}

static void item_ref(struct w *w, const ks_cl_item *it)
{
	fputs("<b>", w->out);
	esc(w->out, it->item->label);
	fputs("</b>", w->out);
}

static void summary(struct w *w)
{
	const ks_checklist *cl = w->cl;
	FILE *out = w->out;
	fprintf(out, "<section id=\"summary\"><h2>%s</h2><div class=\"counts\">", L(w, "集計", "Summary"));
	for (int m = 0; m < KS_MARKS; m++) {
		/* The four marks of the form are always shown; the two "nothing to judge" marks only when
		 * they occur. */
		if ((m == KS_MARK_NOHOST || m == KS_MARK_NA) && !cl->counts[m])
			continue;
		fprintf(out, "<span class=\"m-%s\">%s<b>%zu</b></span>", ks_mark_id((ks_mark)m),
		        ks_mark_label((ks_mark)m, w->lang), cl->counts[m]);
	}
	fputs("</div>\n", out);

	fprintf(out, "<h3>%s</h3><ul class=\"att\">", L(w, "要注意事項", "Needs attention"));
	size_t nlines = 0;
	for (size_t i = 0; i < cl->nitems; i++) {
		const ks_cl_item *it = &cl->items[i];
		if (!it->on_form || !it->conflict)
			continue;
		nlines++;
		fputs("<li class=\"warn\">", out);
		item_ref(w, it);
		fputs(L(w, "：「はい」と回答されていますが、不適合の機器があるため「いいえ」としています（",
		        ": answered Yes, but hosts fail it, so the form shows No ("),
		      out);
		bool first = true;
		for (int c = 0; c < KS_CATEGORIES; c++) {
			const ks_cl_cell *cell = &it->cells[c];
			if (!cell->nfail)
				continue;
			fprintf(out, "%s%s: ", first ? "" : L(w, "／", "; "), ks_category_label(c, w->lang));
			some_hosts(w, cell->fail, cell->nfail);
			first = false;
		}
		fputs(L(w, "）</li>", ")</li>"), out);
	}
	size_t nmissing = 0;
	for (size_t i = 0; i < cl->nitems; i++)
		nmissing += cl->items[i].on_form && cl->items[i].target_missing;
	if (nmissing) {
		nlines++;
		fputs(L(w, "<li class=\"warn\">「いいえ」で目標日が未記入の項目: ", "<li class=\"warn\">Items marked No without a target date: "), out);
		bool first = true;
		for (size_t i = 0; i < cl->nitems; i++) {
			if (!cl->items[i].on_form || !cl->items[i].target_missing)
				continue;
			if (!first)
				fputs(L(w, "、", ", "), out);
			item_ref(w, &cl->items[i]);
			first = false;
		}
		fputs("</li>", out);
	}
	if (cl->nstale_hosts) {
		nlines++;
		int max_age = cl->answers && cl->answers->max_result_age_days > 0 ? cl->answers->max_result_age_days : 30;
		fprintf(out, w->ja ? "<li>%d日より古い結果: " : "<li>Results older than %d days: ", max_age);
		hosts_count(w, cl->nstale_hosts);
		fputs(L(w, "（", " ("), out);
		size_t shown = 0;
		for (size_t h = 0; h < cl->nhosts && shown < ATTENTION_SHOWN; h++) {
			if (!cl->hosts[h]->stale)
				continue;
			if (shown++)
				fputs(L(w, "、", ", "), out);
			host_name(w, cl->hosts[h]);
			fputs(" ", out);
			instant(w, cl->hosts[h]->scanned_at);
		}
		if (cl->nstale_hosts > shown)
			fprintf(out, w->ja ? " ほか%zu台" : " and %zu more", cl->nstale_hosts - shown);
		fputs(L(w, "）。再スキャンしてください。</li>", "); scan them again.</li>"), out);
	}
	if (cl->nsuperseded) {
		nlines++;
		fprintf(out, w->ja ? "<li>同じ機器の古い結果 %zu件は、新しい結果で置き換えました。</li>"
		                   : "<li>%zu older results were replaced by newer results of the same hosts.</li>",
		        cl->nsuperseded);
	}
	size_t nexpired = 0;
	for (size_t i = 0; i < cl->nwaivers; i++)
		nexpired += cl->waivers[i].waiver->expired;
	if (nexpired) {
		nlines++;
		fprintf(out, w->ja ? "<li>期限切れの例外承認 %zu件（適用していません）: " : "<li>%zu expired waivers (not applied): ",
		        nexpired);
		size_t shown = 0;
		for (size_t i = 0; i < cl->nwaivers && shown < ATTENTION_SHOWN; i++) {
			const ks_cl_waiver_use *u = &cl->waivers[i];
			if (!u->waiver->expired)
				continue;
			if (shown++)
				fputs(L(w, "、", ", "), out);
			esc(out, u->waiver->item);
			fputs(" / ", out);
			host_name(w, u->host);
			fputs(L(w, "（期限 ", " (expired "), out);
			esc(out, u->waiver->expires);
			fputs(L(w, "）", ")"), out);
		}
		if (nexpired > shown)
			fprintf(out, w->ja ? " ほか%zu件" : " and %zu more", nexpired - shown);
		fputs("</li>", out);
	}
	if (cl->counts[KS_MARK_UNANSWERED]) {
		nlines++;
		fprintf(out, w->ja ? "<li>未回答の項目が%zu件あります。回答ファイルに記入してください。</li>"
		                   : "<li>%zu items are unanswered; fill them in in the answers file.</li>",
		        cl->counts[KS_MARK_UNANSWERED]);
	}
	size_t nd = ks_diags_count(cl->diags);
	if (nd) {
		nlines++;
		fprintf(out, w->ja ? "<li>読み込み時の注意 %zu件（末尾に一覧）。</li>" : "<li>%zu warnings while reading (listed at the end).</li>", nd);
	}
	if (!nlines)
		fprintf(out, "<li class=\"ok\">%s</li>", L(w, "特になし", "Nothing"));
	fputs("</ul></section>\n", out);
}

/* ------------------------------------------------------------------ the form table */

static void form_cell(struct w *w, const ks_cl_cell *c)
{
	FILE *out = w->out;
	if (!c->applies) {
		fputs("<td class=\"c m-na\">—</td>", out);
		return;
	}
	fprintf(out, "<td class=\"c m-%s\">%s", ks_mark_id(c->mark), ks_mark_label(c->mark, w->lang));
	size_t n = 0;
	switch (c->mark) {
	case KS_MARK_YES: n = c->counts[KS_VERDICT_PASS] + c->nwaived; break;
	case KS_MARK_NO: n = c->nfail; break;
	case KS_MARK_CHECK: n = c->nunknown; break;
	default: break;
	}
	/* "1/2台": how many of the category's hosts the mark rests on. A はい that only people gave
	 * (every host said manual) has no such count. */
	if (n)
		fprintf(out, w->ja ? "<br><small>%zu/%zu台</small>" : "<br><small>%zu/%zu</small>", n, c->nhosts);
	if (c->counts[KS_VERDICT_MANUAL])
		fprintf(out, "<br><small>%s</small>", L(w, "手動確認", "manual"));
	if (c->nwaived)
		fprintf(out, w->ja ? "<br><small>例外%zu</small>" : "<br><small>%zu waived</small>", c->nwaived);
	if (c->nstale)
		fprintf(out, w->ja ? "<br><small>古い結果%zu</small>" : "<br><small>%zu stale</small>", c->nstale);
	fputs("</td>", out);
}

static void form_table(struct w *w)
{
	const ks_checklist *cl = w->cl;
	FILE *out = w->out;
	char tbuf[128];
	fprintf(out, "<section id=\"form\"><h2>%s</h2>", L(w, "チェックリスト", "Checklist"));
	fputs("<table class=\"form\"><colgroup><col style=\"width:9mm\"><col><col style=\"width:17mm\">"
	      "<col style=\"width:15mm\"><col style=\"width:15mm\"><col style=\"width:15mm\">"
	      "<col style=\"width:15mm\"><col style=\"width:17mm\"><col style=\"width:17mm\"></colgroup><thead><tr>",
	      out);
	fprintf(out, "<th>%s</th><th>%s</th><th>%s</th>", L(w, "番号", "No."), L(w, "確認項目", "Item"),
	        L(w, "対象", "Target"));
	for (int c = 0; c < KS_CATEGORIES; c++)
		fprintf(out, "<th class=\"c\">%s</th>", ks_category_label(c, w->lang));
	fprintf(out, "<th class=\"c\">%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n", L(w, "結果", "Result"),
	        L(w, "確認日", "Confirmed"), L(w, "目標日", "Target date"));
	int section = -1;
	for (size_t i = 0; i < cl->nitems; i++) {
		const ks_cl_item *it = &cl->items[i];
		if (!it->on_form)
			continue;
		if (it->item->section != section) {
			section = it->item->section;
			const ks_section *s = ks_catalog_section(cl->catalog, section);
			fprintf(out, "<tr class=\"sec\"><th colspan=\"9\">%d. ", section);
			if (s)
				esc(out, ks_text_get(&s->title, w->lang));
			fputs("</th></tr>\n", out);
		}
		fputs("<tr><td class=\"lbl\">", out);
		esc(out, it->item->label);
		fputs("</td><td>", out);
		esc(out, ks_text_get(&it->item->title, w->lang));
		fputs("</td><td>", out);
		esc(out, ks_cl_targets_label(it->item->targets, w->lang, tbuf, sizeof tbuf));
		fputs("</td>", out);
		for (int c = 0; c < KS_CATEGORIES; c++)
			form_cell(w, &it->cells[c]);
		fprintf(out, "<td class=\"c m-%s\"><b>%s</b>", ks_mark_id(it->mark), ks_mark_label(it->mark, w->lang));
		if (it->conflict)
			fprintf(out, "<br><small>%s</small>", L(w, "回答と不一致", "conflicts with answer"));
		if (it->waived)
			fprintf(out, "<br><small>%s</small>", L(w, "例外承認あり", "waiver applied"));
		fputs("</td><td>", out);
		day(w, it->confirmed);
		fputs("</td><td>", out);
		if (it->target_missing)
			fprintf(out, "<b>%s</b>", L(w, "未記入", "missing"));
		else
			day(w, it->target);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

/* ------------------------------------------------------------------ items with evidence */

static void docs(struct w *w, const ks_answer_doc *d, size_t n)
{
	FILE *out = w->out;
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs("<br>", out);
		esc(out, d[i].document);
		if (d[i].version && *d[i].version) {
			fputs(L(w, "（版: ", " (version "), out);
			esc(out, d[i].version);
			fputs(L(w, "）", ")"), out);
		}
		if (d[i].location && *d[i].location) {
			fputs(L(w, " 保管場所: ", " kept at: "), out);
			esc(out, d[i].location);
		}
	}
}

static void answer_block(struct w *w, const ks_cl_item *it)
{
	const ks_item_answer *a = it->answer;
	const ks_answers *ans = w->cl->answers;
	FILE *out = w->out;
	fputs("<table class=\"ans nb\"><tr><th>", out);
	fputs(L(w, "回答", "Answer"), out);
	fputs("</th><td>", out);
	if (!a || a->answer == KS_ANSWER_NONE)
		mark_span(w, KS_MARK_UNANSWERED);
	else
		mark_span(w, a->answer == KS_ANSWER_YES ? KS_MARK_YES : KS_MARK_NO);
	if (a && a->confirmed != KS_DAY_NONE) {
		fputs(L(w, "　確認日 ", "  confirmed "), out);
		day(w, a->confirmed);
	}
	fputs(L(w, "　確認者 ", "  by "), out);
	esc_or(out, a && a->confirmed_by ? a->confirmed_by : ans ? ans->confirmer_name : NULL, "—");
	fputs("</td></tr>", out);
	if (a && a->ndocs) {
		fprintf(out, "<tr><th>%s</th><td>", L(w, "根拠文書", "Documents"));
		docs(w, a->docs, a->ndocs);
		fputs("</td></tr>", out);
	}
	if (a && a->note && *a->note) {
		fprintf(out, "<tr><th>%s</th><td>", L(w, "備考", "Note"));
		esc(out, a->note);
		fputs("</td></tr>", out);
	}
	fputs("</table>\n", out);
}

static void evidence_lines(struct w *w, const ks_cl_result *r)
{
	FILE *out = w->out;
	if (!r || !r->present) {
		fprintf(out, "<div class=\"ev\">%s</div>",
		        L(w, "結果ファイルにこの項目の結果がありません", "the result file has no entry for this item"));
		return;
	}
	if (r->rule_error) {
		fprintf(out, "<div class=\"ev\">%s", L(w, "判定ルールの誤り: ", "rule error: "));
		esc(out, r->rule_error);
		fputs("</div>", out);
	}
	for (size_t e = 0; e < r->nevidence; e++) {
		const ks_cl_evidence *ev = &r->evidence[e];
		fputs("<div class=\"ev\">", out);
		esc(out, ev->fact);
		fputs(" = ", out);
		esc(out, ev->value);
		if (ev->source && *ev->source) {
			fputs(" <small>(", out);
			esc(out, ev->source);
			fputs(")</small>", out);
		}
		if (ev->note && *ev->note) {
			fputs(" <small>[", out);
			esc(out, ev->note);
			fputs("]</small>", out);
		}
		fputs("</div>", out);
	}
	if (r->nevidence_more)
		fprintf(out, w->ja ? "<div class=\"ev\">ほか%zu件（JSON に全件）</div>" : "<div class=\"ev\">%zu more (all in the JSON)</div>",
		        r->nevidence_more);
}

static void host_head(struct w *w, const ks_cl_host *h)
{
	FILE *out = w->out;
	fputs("<b>", out);
	host_name(w, h);
	fputs("</b> <small>", out);
	instant(w, h->scanned_at);
	fputs(" ", out);
	esc(out, h->file);
	if (h->stale)
		fprintf(out, " <b>%s</b>", L(w, "古い結果", "stale"));
	fputs("</small>", out);
}

static void more_line(struct w *w, size_t n)
{
	fprintf(w->out,
	        w->ja ? "<p class=\"more\">ほか%zu台（全件は XLSX の「証跡」シートと JSON にあります）</p>"
	              : "<p class=\"more\">and %zu more (the full list is in the XLSX evidence sheet and the JSON)</p>",
	        n);
}

/* Failing or unknown hosts with the evidence that decided them. IDX is the item's catalog index,
 * which is also its index in every host's results. */
static void host_list(struct w *w, const char *what, const ks_cl_host *const *v, size_t n, size_t idx)
{
	if (!n)
		return;
	fprintf(w->out, "<p class=\"more\"><b>%s</b>（", what);
	hosts_count(w, n);
	fputs(L(w, "）</p>", ")</p>"), w->out);
	size_t shown = n < HOSTS_SHOWN ? n : HOSTS_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		const ks_cl_host *h = v[i];
		fputs("<div class=\"host\">", w->out);
		host_head(w, h);
		evidence_lines(w, idx < h->nresults ? &h->results[idx] : NULL);
		fputs("</div>\n", w->out);
	}
	if (n > shown)
		more_line(w, n - shown);
}

static void waived_list(struct w *w, const ks_cl_cell *c, size_t idx)
{
	FILE *out = w->out;
	if (!c->nwaived)
		return;
	fprintf(out, "<p class=\"more\"><b>%s</b>（", L(w, "例外承認", "Waived"));
	hosts_count(w, c->nwaived);
	fputs(L(w, "）</p>", ")</p>"), out);
	size_t shown = c->nwaived < HOSTS_SHOWN ? c->nwaived : HOSTS_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		const ks_cl_host *h = c->waived[i];
		const ks_cl_result *r = idx < h->nresults ? &h->results[idx] : NULL;
		fputs("<div class=\"host\">", out);
		host_head(w, h);
		if (r && r->present && r->waiver) {
			const ks_cl_waiver *wv = r->waiver;
			fputs("<div class=\"ev\">", out);
			fputs(L(w, "理由: ", "reason: "), out);
			esc(out, wv->justification);
			fputs(L(w, "　承認者: ", "; approved by "), out);
			esc(out, wv->approver);
			fputs(L(w, "　期限: ", "; until "), out);
			esc(out, wv->expires);
			fprintf(out, L(w, "　本来の判定: %s", "; verdict without it: %s"),
			        verdict_label(wv->verdict_without, w->lang));
			if (wv->source && *wv->source) {
				fputs(" <small>(", out);
				esc(out, wv->source);
				fputs(")</small>", out);
			}
			fputs("</div>", out);
		}
		evidence_lines(w, r);
		fputs("</div>\n", out);
	}
	if (c->nwaived > shown)
		more_line(w, c->nwaived - shown);
}

static void category_block(struct w *w, const ks_cl_cell *c, int cat, size_t idx)
{
	FILE *out = w->out;
	fputs("<h4>", out);
	fputs(ks_category_label(cat, w->lang), out);
	fputs(" ", out);
	mark_span(w, c->mark);
	fputs(" <small>", out);
	if (!c->nhosts) {
		fputs(L(w, "この区分の機器の結果はありません", "no host of this category was scanned"), out);
	} else {
		hosts_count(w, c->nhosts);
		fputs(": ", out);
		bool first = true;
		for (int k = 0; k < KS_VERDICT_KINDS; k++) {
			if (!c->counts[k])
				continue;
			fprintf(out, "%s%s %zu", first ? "" : L(w, "・", ", "),
			        verdict_label((ks_verdict_kind)k, w->lang), c->counts[k]);
			first = false;
		}
		if (c->nmissing)
			fprintf(out, "%s%s %zu", first ? "" : L(w, "・", ", "), L(w, "結果なし", "no result"), c->nmissing);
	}
	fputs("</small></h4>\n", out);
	host_list(w, L(w, "不適合の機器", "Failing hosts"), c->fail, c->nfail, idx);
	host_list(w, L(w, "判定できなかった機器", "Hosts that could not be judged"), c->unknown, c->nunknown, idx);
	waived_list(w, c, idx);
	if (c->counts[KS_VERDICT_PASS])
		fprintf(out,
		        w->ja ? "<p class=\"pass\">適合 %zu台（機器ごとの一覧は XLSX の「証跡」シートと JSON にあります）</p>\n"
		              : "<p class=\"pass\">%zu hosts pass (the per-host table is in the XLSX evidence sheet and the JSON)</p>\n",
		        c->counts[KS_VERDICT_PASS]);
	if (c->counts[KS_VERDICT_MANUAL])
		fprintf(out,
		        w->ja ? "<p class=\"pass\">手動確認 %zu台: 機器からは判定できないため、回答で判断します</p>\n"
		              : "<p class=\"pass\">%zu hosts need a manual check: the answer decides</p>\n",
		        c->counts[KS_VERDICT_MANUAL]);
}

static void item_block(struct w *w, const ks_cl_item *it, size_t idx)
{
	const ks_item *ci = it->item;
	FILE *out = w->out;
	char tbuf[128];
	fputs("<article class=\"item\" id=\"item-", out);
	esc(out, ci->id);
	fputs("\"><h3>", out);
	esc(out, ci->label);
	fputs(" ", out);
	esc(out, ks_text_get(&ci->title, w->lang));
	fputs(" ", out);
	mark_span(w, it->mark);
	fputs("</h3><p class=\"refs\">", out);
	fputs(L(w, "対象: ", "Target: "), out);
	esc(out, ks_cl_targets_label(ci->targets, w->lang, tbuf, sizeof tbuf));
	if (ci->nreferences) {
		fputs(L(w, "　ガイドライン参照: ", "   Guideline: "), out);
		for (size_t r = 0; r < ci->nreferences; r++) {
			if (r)
				fputs(L(w, "、", ", "), out);
			esc(out, ci->references[r]);
		}
	}
	bool first = true;
	for (int k = 0; k < KS_CELLS; k++) {
		if (!(ci->controls & (1u << k)))
			continue;
		fprintf(out, "%s%s", first ? L(w, "　3×3: ", "   3x3: ") : L(w, "、", ", "), ks_cl_cell_label(k, w->lang));
		first = false;
	}
	fputs("</p>\n", out);
	const char *q = ks_text_get(&ci->question, w->lang);
	if (it->needs_people && *q) {
		fputs("<p class=\"q\">", out);
		esc(out, q);
		fputs("</p>\n", out);
	}
	if (it->needs_people || it->answer)
		answer_block(w, it);
	if (it->conflict)
		fprintf(out, "<p class=\"warn\">%s</p>\n",
		        L(w, "回答は「はい」ですが、不適合の機器があるため「いいえ」としています。",
		          "The answer is Yes, but hosts fail the item, so the form shows No."));
	if (it->target_missing)
		fprintf(out, "<p class=\"warn\">%s</p>\n",
		        L(w, "「いいえ」ですが目標日が記入されていません。", "The item is No but has no target date."));
	for (int c = 0; c < KS_CATEGORIES; c++)
		if (it->cells[c].applies)
			category_block(w, &it->cells[c], c, idx);
	fputs("</article>\n", out);
}

static void evidence(struct w *w)
{
	const ks_checklist *cl = w->cl;
	fprintf(w->out, "<section id=\"evidence\" class=\"break\"><h2>%s</h2>", L(w, "項目ごとの根拠", "Evidence per item"));
	fprintf(w->out, "<p class=\"refs\">%s</p>\n",
	        L(w, "各項目について、不適合・判定不能・例外承認の機器と決め手になった証跡を示します。適合した機器は台数のみ示します（機器ごとの全結果は XLSX の「証跡」シートと JSON にあります）。",
	          "For each item: the hosts that fail, could not be judged or are waived, with the evidence that decided them. Passing hosts are only counted; every host's result is in the XLSX evidence sheet and the JSON."));
	for (size_t i = 0; i < cl->nitems; i++)
		if (cl->items[i].on_form)
			item_block(w, &cl->items[i], i);
	fputs("</section>\n", w->out);
}

/* ------------------------------------------------------------------ the 3x3 view */

/* What each cell is about, in the project's words (seed 002 gives the grid, not this text). */
static const char *const cell_about_ja[KS_CELLS] = {
	"事故の後、組織として原因を突き止め、やり方を改める仕組み",
	"院外の機関も含めた報告の経路と、どんなときに報告するかの基準",
	"責任者・委員会・運用ルールを整え、委託先に任せきりにしない",
	"バックアップと、障害の間も機能を絞って動かし続ける手段",
	"外からの侵入や異常に早く気づく仕組み（ログ・監視）",
	"更新プログラム、マルウェア対策、アクセス制御などの技術的な守り",
	"システムが止まっている間、現場で診療や業務をどう続けるか",
	"おかしいと感じた職員が、誰にどう知らせるかを皆が知っている",
	"教育・訓練と規程の周知で、うっかりミスや規程違反を減らす",
};
static const char *const cell_about_en[KS_CELLS] = {
	"After an incident, the organisation finds the cause and changes how it works.",
	"Reporting lines, including outside bodies, and when a report is due.",
	"Owners, committees and written rules; vendors overseen rather than trusted blindly.",
	"Backups, and a way to keep running in a reduced mode during an outage.",
	"Noticing intrusions and anomalies early: logs and monitoring.",
	"Technical defences: updates, anti-malware, access control.",
	"How staff keep treating patients while the systems are down.",
	"Every member of staff knows whom to tell, and how, when something looks wrong.",
	"Training and well-known rules that make slips and rule-breaking less likely.",
};

static void matrix(struct w *w)
{
	const ks_checklist *cl = w->cl;
	FILE *out = w->out;
	static const char *const rows_ja[] = {"組織的<br><small>経営層</small>", "システム的<br><small>システム管理者</small>",
	                                      "人的<br><small>職員・医療従事者</small>"};
	static const char *const rows_en[] = {"Organisational<br><small>management</small>",
	                                      "System<br><small>system administrators</small>",
	                                      "Staff<br><small>all staff</small>"};
	static const char *const cols_ja[] = {"是正的コントロール", "発見的コントロール", "予防的コントロール"};
	static const char *const cols_en[] = {"Corrective", "Detective", "Preventive"};
	char dbuf[48];
	fprintf(out, "<section id=\"matrix\" class=\"break\"><h2>%s</h2>", L(w, "3×3 の観点", "The 3x3 view"));
	fprintf(out, "<p class=\"refs\">%s</p>\n",
	        L(w, "誰が担うか（組織・システム・人）と、どう効くか（起きた後に直す・早く気づく・起こさない）で項目を分け、手薄な領域を見つけるための表です。項目がすべて「はい」なら対応済、一部なら一部対応、ひとつもなければ未対応です。回答ファイルで申告された取り組みは対応として数えます。",
	          "Items sorted by who acts (organisation, systems, people) and how the control works (repairing after the fact, noticing early, preventing), to show where effort is thin. A cell is covered when all its items are Yes, partly covered when some are, not covered when none are. Practices declared in the answers file count as covered."));
	fputs("<table class=\"mx nb\"><thead><tr><th class=\"row\"></th>", out);
	for (int c = 0; c < 3; c++)
		fprintf(out, "<th>%s</th>", w->ja ? cols_ja[c] : cols_en[c]);
	fputs("</tr></thead><tbody>", out);
	for (int r = 0; r < 3; r++) {
		fprintf(out, "<tr><th class=\"row\">%s</th>", w->ja ? rows_ja[r] : rows_en[r]);
		for (int c = 0; c < 3; c++) {
			int k = r * 3 + c;
			const ks_cl_matrix_cell *m = &cl->matrix[k];
			fprintf(out, "<td class=\"cv-%s\"><span class=\"cv\">%s</span><span class=\"about\">%s</span>",
			        ks_cl_cover_id(m->cover), ks_cl_cover_label(m->cover, w->lang),
			        w->ja ? cell_about_ja[k] : cell_about_en[k]);
			if (!m->nitems && !m->npractices)
				fprintf(out, "<small>%s</small>", L(w, "該当する項目・取り組みなし", "no item or practice"));
			fputs("<ul class=\"mxi\">", out);
			for (size_t i = 0; i < m->nitems; i++) {
				fputs("<li>", out);
				esc(out, m->items[i]->item->label);
				fputs(" ", out);
				mark_span(w, m->items[i]->mark);
				fputs("</li>", out);
			}
			for (size_t p = 0; p < m->npractices; p++) {
				const ks_practice *pr = m->practices[p];
				fputs("<li>", out);
				fputs(L(w, "取り組み: ", "Practice: "), out);
				esc(out, pr->description);
				if (pr->confirmed != KS_DAY_NONE) {
					fputs(" <small>", out);
					if (w->ja)
						fputs(ks_day_wareki(pr->confirmed, dbuf, sizeof dbuf), out);
					else
						fputs(ks_day_iso(pr->confirmed, dbuf, sizeof dbuf), out);
					fputs("</small>", out);
				}
				if (pr->ndocs) {
					fputs(" <small>", out);
					docs(w, pr->docs, pr->ndocs);
					fputs("</small>", out);
				}
				fputs("</li>", out);
			}
			fputs("</ul></td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

static void diagnostics(struct w *w)
{
	const ks_diags *d = w->cl->diags;
	size_t nd = ks_diags_count(d);
	if (!nd)
		return;
	FILE *out = w->out;
	fprintf(out, "<section id=\"diagnostics\"><h2>%s</h2><ul class=\"att\">", L(w, "読み込み時の注意", "Warnings while reading"));
	size_t shown = nd < DIAGS_SHOWN ? nd : DIAGS_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		const ks_diag *g = ks_diags_at(d, i);
		fputs("<li class=\"ev\">", out);
		if (g->severity == KS_DIAG_ERROR)
			fputs(L(w, "エラー: ", "error: "), out);
		if (g->path) {
			esc(out, g->path);
			if (g->line)
				fprintf(out, ":%d", g->line);
			if (g->line && g->column)
				fprintf(out, ":%d", g->column);
			fputs(": ", out);
		}
		esc(out, g->message);
		fputs("</li>", out);
	}
	if (nd > shown)
		fprintf(out, w->ja ? "<li>ほか%zu件（JSON の diagnostics にあります）</li>" : "<li>and %zu more (in the JSON diagnostics)</li>",
		        nd - shown);
	fputs("</ul></section>\n", out);
}

int ks_cl_write_html(const ks_checklist *cl, ks_lang lang, FILE *out)
{
	struct w w = {.out = out, .cl = cl, .lang = lang, .ja = lang == KS_LANG_JA};
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
	             "<meta name=\"viewport\" content=\"width=device-width\">"
	             "<title>",
	        w.ja ? "ja" : "en");
	esc(out, ks_text_get(&cl->catalog->title, lang));
	if (cl->answers && cl->answers->facility_name) {
		fputs(" — ", out);
		esc(out, cl->answers->facility_name);
	}
	fprintf(out, "</title><style>%s</style></head><body>\n", css);
	header(&w);
	summary(&w);
	form_table(&w);
	evidence(&w);
	matrix(&w);
	diagnostics(&w);
	fprintf(out,
	        w.ja ? "<footer>kenshin %s で作成。機器ごとの全結果は XLSX の「証跡」シートと JSON 形式の出力にあります。</footer>\n"
	             : "<footer>Made by kenshin %s. Every host's result is in the XLSX evidence sheet and the JSON output.</footer>\n",
	        KS_VERSION);
	fputs("</body></html>\n", out);
	return ferror(out) ? KS_EIO : KS_OK;
}
