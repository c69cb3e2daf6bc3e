/* The checklist table as CSV (RFC 4180): one row per item on the form, the same columns the XLSX
 * form and the JSON items carry, for people who load it into their own spreadsheet. */
#include <string.h>

#include "core/error.h"
#include "report/checklist.h"
#include "report/report.h"

/* Host names of one kind (failing, unknown, waived) over the three categories, "; "-separated
 * and cut at CAP bytes with the number left out (the full lists are in the JSON and the XLSX). */
enum { HOSTS_FAIL, HOSTS_UNKNOWN, HOSTS_WAIVED };
static const char *join_hosts(const ks_cl_item *it, int kind, char *buf, size_t cap)
{
	size_t used = 0, total = 0, shown = 0;
	buf[0] = 0;
	for (int c = 0; c < KS_CATEGORIES; c++) {
		const ks_cl_cell *cell = &it->cells[c];
		const ks_cl_host *const *v = kind == HOSTS_FAIL ? cell->fail : kind == HOSTS_UNKNOWN ? cell->unknown : cell->waived;
		size_t n = kind == HOSTS_FAIL ? cell->nfail : kind == HOSTS_UNKNOWN ? cell->nunknown : cell->nwaived;
		total += n;
		for (size_t i = 0; i < n; i++) {
			size_t need = strlen(v[i]->hostname) + 2;
			if (used + need + 32 >= cap)
				continue;
			used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? "; " : "", v[i]->hostname);
			shown++;
		}
	}
	if (shown < total)
		snprintf(buf + used, cap - used, "%s… (+%zu)", used ? "; " : "", total - shown);
	return buf;
}

int ks_cl_write_csv(const ks_checklist *cl, ks_lang lang, FILE *out)
{
	const bool ja = lang == KS_LANG_JA;
	const char *head[] = {
		"item", "label", "section", ja ? "チェック項目" : "title", "targets", "mark",
		ja ? "回答" : "mark_label", "answer", "confirmed", ja ? "確認日" : "confirmed_label", "target",
		ja ? "目標日" : "target_label", "server", "terminal", "network", "failing_hosts",
		"unknown_hosts", "waived_hosts", "conflict", "stale", "target_missing", "documents", "note",
	};
	size_t nhead = sizeof head / sizeof head[0];
	for (size_t i = 0; i < nhead; i++)
		ks_report_csv_field(out, head[i], i + 1 == nhead);
	char hosts[16384];
	for (size_t i = 0; i < cl->nitems; i++) {
		const ks_cl_item *it = &cl->items[i];
		if (!it->on_form)
			continue;
		const ks_item *ci = it->item;
		const ks_item_answer *ans = it->answer;
		char sec[16], tbuf[128], d1[16], d2[48], d3[16], d4[48], cells[KS_CATEGORIES][96];
		snprintf(sec, sizeof sec, "%d", ci->section);
		ks_report_csv_field(out, ci->id, false);
		ks_report_csv_field(out, ci->label, false);
		ks_report_csv_field(out, sec, false);
		ks_report_csv_field(out, ks_text_get(&ci->title, lang), false);
		ks_report_csv_field(out, ks_cl_targets_label(ci->targets, lang, tbuf, sizeof tbuf), false);
		ks_report_csv_field(out, ks_mark_id(it->mark), false);
		ks_report_csv_field(out, ks_mark_label(it->mark, lang), false);
		ks_report_csv_field(out, !ans || ans->answer == KS_ANSWER_NONE ? "" : ans->answer == KS_ANSWER_YES ? "yes" : "no", false);
		ks_report_csv_field(out, ks_day_iso(it->confirmed, d1, sizeof d1), false);
		ks_report_csv_field(out, ja ? ks_day_wareki(it->confirmed, d2, sizeof d2) : d1, false);
		ks_report_csv_field(out, ks_day_iso(it->target, d3, sizeof d3), false);
		ks_report_csv_field(out, ja ? ks_day_wareki(it->target, d4, sizeof d4) : d3, false);
		for (int c = 0; c < KS_CATEGORIES; c++)
			ks_report_csv_field(out, ks_cl_cell_text(&it->cells[c], lang, cells[c], sizeof cells[c]), false);
		for (int k = HOSTS_FAIL; k <= HOSTS_WAIVED; k++)
			ks_report_csv_field(out, join_hosts(it, k, hosts, sizeof hosts), false);
		ks_report_csv_field(out, it->conflict ? "yes" : "", false);
		char stale[24];
		snprintf(stale, sizeof stale, "%zu", it->nstale);
		ks_report_csv_field(out, it->nstale ? stale : "", false);
		ks_report_csv_field(out, it->target_missing ? "yes" : "", false);
		char docs[4096] = "";
		size_t used = 0;
		for (size_t d = 0; ans && d < ans->ndocs && used < sizeof docs; d++) {
			const ks_answer_doc *doc = &ans->docs[d];
			used += (size_t)snprintf(docs + used, sizeof docs - used, "%s%s%s%s%s%s", used ? "; " : "",
			                         doc->document, doc->version ? " (" : "", doc->version ? doc->version : "",
			                         doc->version ? ")" : "", "");
			if (doc->location && used < sizeof docs)
				used += (size_t)snprintf(docs + used, sizeof docs - used, " — %s", doc->location);
		}
		ks_report_csv_field(out, docs, false);
		ks_report_csv_field(out, ans && ans->note ? ans->note : "", true);
	}
	return ferror(out) ? KS_EIO : KS_OK;
}
