/* Helpers shared by every report format. */
#include "report.h"

#include <string.h>

const char *ks_report_host_str(const ks_report *r, const char *key)
{
	const ks_fact *f = ks_fact_get(r->facts, key);
	if (f && f->value.type == KS_VAL_STR)
		return f->value.u.str.s;
	return "";
}

const ks_evidence *ks_report_decisive(const ks_verdict *v)
{
	for (size_t i = 0; i < v->nevidence; i++)
		if (v->evidence[i].decisive)
			return &v->evidence[i];
	return v->nevidence ? &v->evidence[0] : NULL;
}

void ks_report_counts(const ks_report *r, size_t counts[KS_VERDICT_KINDS])
{
	memset(counts, 0, KS_VERDICT_KINDS * sizeof counts[0]);
	for (size_t i = 0; i < r->verdicts->n; i++)
		counts[r->verdicts->items[i].kind]++;
}

void ks_report_iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void ks_report_csv_field(FILE *out, const char *s, bool last)
{
	fputc('"', out);
	/* Host text starting like a formula would run in a spreadsheet (CSV injection): prefix a quote. */
	if (s && (s[0] == '=' || s[0] == '+' || s[0] == '@' || s[0] == '\t' || s[0] == '\r' ||
	          (s[0] == '-' && !(s[1] >= '0' && s[1] <= '9'))))
		fputc('\'', out);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
	fputs(last ? "\r\n" : ",", out);
}

void ks_report_html_escape(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', out);
			else
				fputc(*s, out);
		}
	}
}
