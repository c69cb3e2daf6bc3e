/* The checklist on the terminal: the header, one line per item with its mark and categories, the
 * hosts that fail, and the counts. The full detail is in the other formats. */
#include <string.h>

#include "core/error.h"
#include "report/checklist.h"

static const char *mark_color(ks_mark m)
{
	switch (m) {
	case KS_MARK_YES: return "\033[32m";
	case KS_MARK_NO: return "\033[1;31m";
	case KS_MARK_CHECK: return "\033[33m";
	case KS_MARK_UNANSWERED: return "\033[35m";
	default: return "\033[2m";
	}
}

static void host_line(FILE *out, const char *what, const ks_cl_host *const *v, size_t n)
{
	if (!n)
		return;
	fprintf(out, "        %s:", what);
	size_t shown = n < 10 ? n : 10;
	for (size_t i = 0; i < shown; i++)
		fprintf(out, " %s", v[i]->hostname);
	if (n > shown)
		fprintf(out, " (+%zu)", n - shown);
	fputc('\n', out);
}

int ks_cl_write_text(const ks_checklist *cl, ks_lang lang, bool color, FILE *out)
{
	const bool ja = lang == KS_LANG_JA;
	const ks_answers *ans = cl->answers;
	char buf[64], buf2[64];
	fprintf(out, "%s — %s %s\n", ks_text_get(&cl->catalog->title, lang), ks_cl_form_title(cl, lang),
	        ans && ans->fiscal_year > 0 ? ks_fiscal_year_wareki(ans->fiscal_year, buf, sizeof buf) : "");
	if (ans) {
		fprintf(out, "%s", ans->facility_name ? ans->facility_name : "");
		if (ans->facility_type)
			fprintf(out, " (%s)", ks_cl_facility_type_label(ans->facility_type, lang));
		if (ans->vendor_name)
			fprintf(out, "  %s: %s", ja ? "事業者" : "vendor", ans->vendor_name);
		fprintf(out, "  %s: %s\n", ja ? "確認者" : "confirmed by", ans->confirmer_name ? ans->confirmer_name : "");
	}
	fprintf(out, "%s: %s", ja ? "作成日" : "date", ja ? ks_day_wareki(cl->today, buf, sizeof buf) : ks_day_iso(cl->today, buf, sizeof buf));
	fprintf(out, "  %s:", ja ? "ホスト" : "hosts");
	for (int c = 0; c < KS_CATEGORIES; c++)
		fprintf(out, " %s %zu", ks_category_label(c, lang), cl->ncategory[c]);
	if (cl->nstale_hosts)
		fprintf(out, "  (%s %zu)", ja ? "古い結果" : "stale", cl->nstale_hosts);
	fputs("\n\n", out);
	if (ans && !ans->has_system)
		fprintf(out, "%s\n\n", ja ? "医療情報システムなし: 以降の項目は対象外です。" : "No medical information system: the items do not apply.");
	for (size_t i = 0; i < cl->nitems; i++) {
		const ks_cl_item *it = &cl->items[i];
		if (!it->on_form)
			continue;
		const char *mark = ks_mark_label(it->mark, lang);
		fprintf(out, "%-6s %s%s%s", it->item->label, color ? mark_color(it->mark) : "", mark, color ? "\033[0m" : "");
		if (it->confirmed != KS_DAY_NONE)
			fprintf(out, "  %s %s", ja ? "確認日" : "confirmed",
			        ja ? ks_day_wareki(it->confirmed, buf, sizeof buf) : ks_day_iso(it->confirmed, buf, sizeof buf));
		if (it->target != KS_DAY_NONE)
			fprintf(out, "  %s %s", ja ? "目標日" : "target",
			        ja ? ks_day_wareki(it->target, buf2, sizeof buf2) : ks_day_iso(it->target, buf2, sizeof buf2));
		fprintf(out, "  %s\n", ks_text_get(&it->item->title, lang));
		bool any = false;
		for (int c = 0; c < KS_CATEGORIES; c++) {
			const ks_cl_cell *cell = &it->cells[c];
			if (!cell->applies)
				continue;
			char text[128];
			fprintf(out, "%s%s %s", any ? ", " : "       ", ks_category_label(c, lang),
			        ks_cl_cell_text(cell, lang, text, sizeof text));
			any = true;
		}
		if (any)
			fputc('\n', out);
		for (int c = 0; c < KS_CATEGORIES; c++) {
			const ks_cl_cell *cell = &it->cells[c];
			host_line(out, ja ? "不適合" : "failing", cell->fail, cell->nfail);
			host_line(out, ja ? "要確認" : "unknown", cell->unknown, cell->nunknown);
			host_line(out, ja ? "例外承認" : "waived", cell->waived, cell->nwaived);
		}
		if (it->conflict)
			fprintf(out, "        %s\n", ja ? "回答は「はい」ですが、測定ではいいえです。" : "Answered yes, but hosts fail it.");
		if (it->target_missing)
			fprintf(out, "        %s\n", ja ? "目標日が記入されていません。" : "No target date given.");
		if (it->nstale)
			fprintf(out, "        %s: %zu\n", ja ? "古い結果" : "stale results", it->nstale);
	}
	fputc('\n', out);
	bool first = true;
	for (int m = 0; m < KS_MARKS; m++) {
		if (m == KS_MARK_NA || (!cl->counts[m] && m > KS_MARK_UNANSWERED))
			continue;
		fprintf(out, "%s%s %zu", first ? "" : " / ", ks_mark_label((ks_mark)m, lang), cl->counts[m]);
		first = false;
	}
	fputc('\n', out);
	return ferror(out) ? KS_EIO : KS_OK;
}
