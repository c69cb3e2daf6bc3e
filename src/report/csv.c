/* CSV report (RFC 4180): CRLF line ends, every field quoted, quotes doubled. */
#include "report.h"

#include "core/error.h"
#include "verdict/waiver.h"

#include <stdio.h>

int ks_report_render_csv(const ks_report *r, FILE *out)
{
	const bool ja = r->lang == KS_LANG_JA;
	const char *head[] = {"host", "item", "label", "verdict", ja ? "判定" : "verdict_label", "title",
	                      "evidence_fact", "evidence_value", "evidence_source", "references", "remediation",
	                      "waiver"};
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		ks_report_csv_field(out, head[i], i + 1 == sizeof head / sizeof head[0]);
	const char *host = ks_report_host_str(r, "host.hostname");
	for (size_t i = 0; i < r->verdicts->n; i++) {
		const ks_verdict *v = &r->verdicts->items[i];
		const ks_evidence *e = ks_report_decisive(v);
		char refs[1024] = "";
		size_t used = 0;
		for (size_t k = 0; k < v->item->nreferences && used < sizeof refs; k++)
			used += (size_t)snprintf(refs + used, sizeof refs - used, "%s%s", k ? "; " : "",
			                         v->item->references[k]);
		ks_report_csv_field(out, host, false);
		ks_report_csv_field(out, v->item->id, false);
		ks_report_csv_field(out, v->item->label, false);
		ks_report_csv_field(out, ks_verdict_id(v->kind), false);
		ks_report_csv_field(out, ks_verdict_label(v->kind, r->lang), false);
		ks_report_csv_field(out, ks_text_get(&v->item->title, r->lang), false);
		ks_report_csv_field(out, e ? e->fact : "", false);
		ks_report_csv_field(out, e ? e->display : "", false);
		ks_report_csv_field(out, e && e->source ? e->source : "", false);
		ks_report_csv_field(out, refs, false);
		ks_report_csv_field(out, ks_text_get(&v->rule->remediation, r->lang), false);
		char waiver[1024] = "";
		if (v->waiver)
			snprintf(waiver, sizeof waiver, "%s%s (%s, %s)", v->waiver_expired ? "EXPIRED: " : "",
			         v->waiver->justification, v->waiver->approver, v->waiver->expires);
		ks_report_csv_field(out, waiver, true);
	}
	return ferror(out) ? KS_EIO : KS_OK;
}
