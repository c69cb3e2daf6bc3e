/* Terminal report: one line per item (verdict, decisive evidence, fix), then a summary. */
#include "report.h"

#include <string.h>

#include "core/error.h"
#include "verdict/waiver.h"

static const char *color_of(ks_verdict_kind k)
{
	static const char *const c[] = {"\033[32m", "\033[1;31m", "\033[33m", "\033[36m", "\033[2m", "\033[35m"};
	return c[k];
}

/* Writes S without control characters: host-supplied text must not drive the terminal. */
static void put_clean(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
	}
}

/* Long values (a whole account list) are cut at a UTF-8 boundary; JSON keeps them whole. */
static void put_clipped(FILE *out, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max) {
		put_clean(out, s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	for (size_t i = 0; i < max; i++)
		fputc((unsigned char)s[i] < 0x20 ? '?' : s[i], out);
	fputs("…", out);
}

static int utf8_width(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void evidence_line(FILE *out, const ks_evidence *e)
{
	put_clean(out, e->fact);
	fputs(" = ", out);
	put_clipped(out, e->display ? e->display : "", 120);
	if (e->source) {
		fputs(" (", out);
		put_clean(out, e->source);
		fputc(')', out);
	}
	if (e->note) {
		fputs(" [", out);
		put_clean(out, e->note);
		fputc(']', out);
	}
}

int ks_report_render_text(const ks_report *r, FILE *out)
{
	const bool ja = r->lang == KS_LANG_JA;
	char when[32];
	ks_report_iso_time(r->scanned_at, when, sizeof when);
	fprintf(out, "kenshin %s  %s (%s)\n", KS_VERSION, r->profile->name,
	        r->profile->catalog->edition ? r->profile->catalog->edition : "");
	fputs(ja ? "ホスト: " : "host: ", out);
	put_clean(out, ks_report_host_str(r, "host.hostname"));
	fputs("  ", out);
	put_clean(out, ks_report_host_str(r, "os.pretty_name"));
	fprintf(out, "  %s: %s  root: ", ja ? "役割" : "role", ks_target_name(r->verdicts->role));
	put_clean(out, r->root);
	fprintf(out, "  %s\n\n", when);
	int lw = 0; /* label column: "2-⑦" or "VB-PASSWORD", counted in characters */
	for (size_t i = 0; i < r->verdicts->n; i++) {
		int w = utf8_width(r->verdicts->items[i].item->label);
		lw = w > lw ? w : lw;
	}
	for (size_t i = 0; i < r->verdicts->n; i++) {
		const ks_verdict *v = &r->verdicts->items[i];
		const char *label = ks_verdict_label(v->kind, r->lang);
		put_clean(out, v->item->label);
		for (int w = utf8_width(v->item->label); w <= lw; w++)
			fputc(' ', out);
		if (r->color)
			fputs(color_of(v->kind), out);
		/* pad by display width: the Japanese labels are two columns per character */
		fputs(label, out);
		int width = ja ? 2 * (int)(strlen(label) / 3) : (int)strlen(label);
		for (int w = width; w < 9; w++)
			fputc(' ', out);
		if (r->color)
			fputs("\033[0m", out);
		put_clean(out, ks_text_get(&v->item->title, r->lang));
		const ks_evidence *e = ks_report_decisive(v);
		if (v->kind == KS_VERDICT_NA) {
			fputc('\n', out);
			continue;
		}
		if (e && !r->verbose) {
			fputs(" | ", out);
			evidence_line(out, e);
		}
		if (v->error) {
			fputs(ja ? " | ルールの誤り: " : " | rule error: ", out);
			put_clean(out, v->error);
		}
		if (v->waiver) {
			const ks_waiver *w = v->waiver;
			if (v->waiver_expired)
				fputs(ja ? " | 例外承認は期限切れ: " : " | waiver expired: ", out);
			else
				fprintf(out, " | %s (%s): ", ja ? "例外承認" : "waived",
				        ks_verdict_label(v->unwaived, r->lang));
			put_clean(out, w->justification);
			fprintf(out, " [%s ", ja ? "承認" : "approved by");
			put_clean(out, w->approver);
			fprintf(out, ", %s %s]", ja ? "期限" : "until", w->expires);
		}
		if (v->kind == KS_VERDICT_FAIL || v->kind == KS_VERDICT_UNKNOWN) {
			const char *fix = ks_text_get(&v->rule->remediation, r->lang);
			if (*fix) {
				fputs(ja ? " | 対策: " : " | fix: ", out);
				put_clean(out, fix);
			}
		} else if (v->kind == KS_VERDICT_MANUAL) {
			const char *q = ks_text_get(&v->item->question, r->lang);
			if (*q) {
				fputs(ja ? " | 確認: " : " | confirm: ", out);
				put_clean(out, q);
			}
		}
		fputc('\n', out);
		if (r->verbose)
			for (size_t k = 0; k < v->nevidence; k++) {
				fputs("        ", out);
				evidence_line(out, &v->evidence[k]);
				fputc('\n', out);
			}
	}
	size_t c[KS_VERDICT_KINDS];
	ks_report_counts(r, c);
	fprintf(out, "\n%s:", ja ? "集計" : "summary");
	for (int k = 0; k < KS_VERDICT_KINDS; k++)
		if (k != KS_VERDICT_WAIVED || c[k])
			fprintf(out, "%s %s %zu", k ? "," : "", ks_verdict_label((ks_verdict_kind)k, r->lang), c[k]);
	fprintf(out, "  (%.0f ms)\n", r->duration_ms);
	if (!r->as_root)
		fputs(ja ? "注意: root 以外で実行したため、読めないファイルがあります（下記）。判定は「要確認」になります。\n"
		         : "note: not run as root; files below could not be read and their items are 'unknown'.\n",
		      out);
	size_t nd = ks_diags_count(r->diags);
	for (size_t i = 0; i < nd; i++) {
		const ks_diag *d = ks_diags_at(r->diags, i);
		if (d->severity == KS_DIAG_INFO && !r->verbose)
			continue;
		fputs(d->severity == KS_DIAG_ERROR ? "error: " : d->severity == KS_DIAG_WARNING ? "warning: " : "info: ", out);
		if (d->path) {
			put_clean(out, d->path);
			if (d->line)
				fprintf(out, ":%d", d->line);
			fputs(": ", out);
		}
		put_clean(out, d->message);
		fputc('\n', out);
	}
	if (ks_diags_dropped(r->diags))
		fprintf(out, "(%zu more diagnostics not shown)\n", ks_diags_dropped(r->diags));
	return ferror(out) ? KS_EIO : KS_OK;
}

int ks_report_facts_text(const ks_facts *facts, ks_arena *a, FILE *out)
{
	for (size_t i = 0; i < ks_facts_count(facts); i++) {
		const ks_fact *f = ks_facts_at(facts, i);
		put_clean(out, f->key);
		fputs(" = ", out);
		if (f->value.type == KS_VAL_UNKNOWN) {
			fputs("unknown [", out);
			put_clean(out, f->reason ? f->reason : "");
			fputc(']', out);
		} else {
			put_clean(out, ks_value_format(a, &f->value));
		}
		if (f->source.path) {
			fputs("  (", out);
			put_clean(out, f->source.path);
			if (f->source.line)
				fprintf(out, ":%d", f->source.line);
			fputc(')', out);
		} else if (f->source.probe) {
			fputs("  (", out);
			put_clean(out, f->source.probe);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	return ferror(out) ? KS_EIO : KS_OK;
}
