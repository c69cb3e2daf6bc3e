/* HTML report: one self-contained page (no scripts, no external resources), printable on A4.
 * Every string from the host or the data files is escaped. */
#include "report.h"

#include "core/error.h"
#include "verdict/waiver.h"

static void esc(FILE *out, const char *s)
{
	ks_report_html_escape(out, s);
}

static const char css[] =
	"@page{size:A4;margin:14mm}body{font-family:'Noto Sans CJK JP','IPAexGothic',sans-serif;"
	"font-size:10pt;color:#111;max-width:190mm;margin:auto}h1{font-size:15pt;margin:0 0 4pt}"
	"table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:3pt 4pt;"
	"vertical-align:top;text-align:left}th{background:#eee}tr{page-break-inside:avoid}"
	"td:nth-child(1),td:nth-child(2),th:nth-child(1),th:nth-child(2){white-space:nowrap}"
	"td:nth-child(4){width:30%}"
	".pass{background:#e3f4e1}.fail{background:#fbe0df;font-weight:bold}.unknown{background:#fff4cf}"
	".manual{background:#e4f0fb}.waived{background:#f1e6f7}.na{color:#777}.ev{font-family:monospace;font-size:8.5pt;"
	"word-break:break-all}.meta td{border:none;padding:1pt 6pt 1pt 0}small{color:#555}";

int ks_report_render_html(const ks_report *r, FILE *out)
{
	const bool ja = r->lang == KS_LANG_JA;
	char when[32];
	ks_report_iso_time(r->scanned_at, when, sizeof when);
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
	             "<title>kenshin ", ja ? "ja" : "en");
	esc(out, ks_report_host_str(r, "host.hostname"));
	fprintf(out, "</title><style>%s</style></head><body>\n<h1>", css);
	esc(out, ks_text_get(&r->profile->catalog->title, r->lang));
	fputs("</h1>\n<table class=\"meta\">", out);
	struct { const char *k_ja, *k_en, *v; } meta[] = {
		{"ホスト", "Host", ks_report_host_str(r, "host.hostname")},
		{"OS", "OS", ks_report_host_str(r, "os.pretty_name")},
		{"カーネル", "Kernel", ks_report_host_str(r, "host.kernel")},
		{"役割", "Role", ks_target_name(r->verdicts->role)},
		{"プロファイル", "Profile", r->profile->name},
		{"版", "Edition", r->profile->catalog->edition},
		{"実施日時", "Scanned", when},
		{"対象ルート", "Root", r->root},
	};
	for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++) {
		fprintf(out, "<tr><td>%s</td><td>", ja ? meta[i].k_ja : meta[i].k_en);
		esc(out, meta[i].v);
		fputs("</td></tr>", out);
	}
	size_t c[KS_VERDICT_KINDS];
	ks_report_counts(r, c);
	fputs("</table>\n<p>", out);
	for (int k = 0; k < KS_VERDICT_KINDS; k++)
		if (k != KS_VERDICT_WAIVED || c[k])
			fprintf(out, "<span class=\"%s\">&nbsp;%s %zu&nbsp;</span> ", ks_verdict_id((ks_verdict_kind)k),
		        ks_verdict_label((ks_verdict_kind)k, r->lang), c[k]);
	if (!r->as_root)
		fputs(ja ? "<br><b>root 以外で実行: 読めないファイルがあります。</b>"
		         : "<br><b>Not run as root: some files could not be read.</b>", out);
	fprintf(out, "</p>\n<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
	        ja ? "項目" : "Item", ja ? "判定" : "Verdict", ja ? "内容・根拠" : "Item and evidence",
	        ja ? "対策・参照" : "Fix and references");
	for (size_t i = 0; i < r->verdicts->n; i++) {
		const ks_verdict *v = &r->verdicts->items[i];
		fprintf(out, "<tr class=\"%s\"><td>", ks_verdict_id(v->kind));
		esc(out, v->item->label);
		fprintf(out, "</td><td>%s</td><td>", ks_verdict_label(v->kind, r->lang));
		esc(out, ks_text_get(&v->item->title, r->lang));
		if (v->kind == KS_VERDICT_MANUAL || v->kind == KS_VERDICT_UNKNOWN) {
			const char *q = ks_text_get(&v->item->question, r->lang);
			if (*q) {
				fputs("<br><small>", out);
				esc(out, q);
				fputs("</small>", out);
			}
		}
		if (v->waiver) {
			fprintf(out, "<br><b>%s</b> ", v->waiver_expired ? (ja ? "例外承認（期限切れ・無効）:" : "Expired waiver (not applied):")
			                                                 : (ja ? "例外承認:" : "Waiver:"));
			esc(out, v->waiver->justification);
			fprintf(out, " <small>(%s ", ja ? "承認" : "approved by");
			esc(out, v->waiver->approver);
			fprintf(out, ", %s ", ja ? "期限" : "until");
			esc(out, v->waiver->expires);
			if (!v->waiver_expired)
				fprintf(out, "; %s %s", ja ? "本来の判定" : "verdict without it", ks_verdict_label(v->unwaived, r->lang));
			fputs(")</small>", out);
		}
		if (v->error) {
			fputs("<br><b>rule error: ", out);
			esc(out, v->error);
			fputs("</b>", out);
		}
		for (size_t k = 0; k < v->nevidence && v->kind != KS_VERDICT_NA; k++) {
			const ks_evidence *e = &v->evidence[k];
			fputs("<div class=\"ev\">", out);
			if (e->decisive)
				fputs("&#9656; ", out);
			esc(out, e->fact);
			fputs(" = ", out);
			esc(out, e->display);
			if (e->source) {
				fputs(" <small>(", out);
				esc(out, e->source);
				fputs(")</small>", out);
			}
			if (e->note) {
				fputs(" <small>[", out);
				esc(out, e->note);
				fputs("]</small>", out);
			}
			fputs("</div>", out);
		}
		fputs("</td><td>", out);
		if (v->kind == KS_VERDICT_FAIL || v->kind == KS_VERDICT_UNKNOWN)
			esc(out, ks_text_get(&v->rule->remediation, r->lang));
		if (v->item->nreferences) {
			fputs("<br><small>", out);
			for (size_t k = 0; k < v->item->nreferences; k++) {
				if (k)
					fputs(", ", out);
				esc(out, v->item->references[k]);
			}
			fputs("</small>", out);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
	size_t nd = ks_diags_count(r->diags);
	if (nd) {
		fprintf(out, "<h2>%s</h2><ul class=\"ev\">", ja ? "読み取りの問題" : "Problems reading the host");
		for (size_t i = 0; i < nd; i++) {
			const ks_diag *d = ks_diags_at(r->diags, i);
			fputs("<li>", out);
			if (d->path) {
				esc(out, d->path);
				if (d->line)
					fprintf(out, ":%d", d->line);
				fputs(": ", out);
			}
			esc(out, d->message);
			fputs("</li>", out);
		}
		fputs("</ul>", out);
	}
	fprintf(out, "<p><small>kenshin %s</small></p></body></html>\n", KS_VERSION);
	return ferror(out) ? KS_EIO : KS_OK;
}
