/* The checklist as an XLSX workbook laid out like the MHLW form (libxlsxwriter): the form itself,
 * the per-host evidence behind every mark, the asset ledger item 2-① asks for, the waivers and the
 * 3x3 view. Dates are real date cells shown in 和暦, so the data stays a date.
 *
 * The workbook is written in libxlsxwriter's constant-memory mode: a fleet's evidence sheet has
 * hundreds of thousands of rows, and that mode streams each row to disk instead of keeping every
 * cell in memory. It requires rows to be written top to bottom, which every sheet here does.
 *
 * Every text goes through put(): as a string (never a formula, never guessed as a number), with
 * characters XML cannot carry replaced, and cut at Excel's cell limit. Result files and answers
 * come from other people's machines. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/error.h"
#include "report/checklist.h"

#define CELL_MAX_CHARS 32767 /* Excel's limit on the characters in one cell */
#define EVIDENCE_LINES 2     /* evidence entries per cell of the evidence sheet; the JSON has all */
#define NAMES_MAX 20         /* host names listed in one remark line before "ほかN台" */
#define SERIAL_EPOCH 25569   /* Excel's serial number of 1970-01-01 */
/* The creation time written into docProps/core.xml when the checklist has no scan: 2000-01-01. */
#define FIXED_CREATED ((time_t)946684800)

/* A growable text buffer; on allocation failure it stops growing and sets OOM. */
struct sb {
	char *p;
	size_t len, cap;
	bool oom;
};

static bool sb_reserve(struct sb *b, size_t more)
{
	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static void sb_reset(struct sb *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
}

static void sb_addn(struct sb *b, const char *s, size_t n)
{
	if (!sb_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void sb_add(struct sb *b, const char *s)
{
	if (s)
		sb_addn(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void sb_addf(struct sb *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		sb_addn(b, small, (size_t)n);
		return;
	}
	if (!sb_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Starts a new line unless the buffer is empty. */
static void sb_line(struct sb *b)
{
	if (b->len)
		sb_addn(b, "\n", 1);
}

enum { F_TITLE, F_SUBTITLE, F_LABEL, F_VALUE, F_VALUE_DATE, F_TH, F_SECTION, F_TD, F_TD_CENTER,
       F_TD_DATE, F_MATRIX_HEAD, F_PLAIN, F_PLAIN_CENTER, F_PLAIN_DATE, F_NFORMATS };

struct xw {
	lxw_workbook *wb;
	const ks_checklist *cl;
	ks_lang lang;
	bool ja;
	lxw_format *f[F_NFORMATS];
	lxw_format *mark[KS_MARKS];      /* 回答: bold, filled by mark */
	lxw_format *cellmark[KS_MARKS];  /* category columns: filled by mark */
	lxw_format *cover[3];            /* 3x3 view, by ks_cover */
	lxw_error error;                 /* the first libxlsxwriter failure */
	bool too_many_rows;              /* the evidence table is over Excel's row limit */
	struct sb text, clean;
};

static void note_error(struct xw *w, lxw_error e)
{
	if (e != LXW_NO_ERROR && w->error == LXW_NO_ERROR)
		w->error = e;
}

/* Length of the valid UTF-8 sequence at S (at most N bytes), or 0 if it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, min = 0x80, c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, min = 0x800, c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Excel reads "_xHHHH_" in cell text as an escaped character; a literal one must be escaped
 * itself ("_x005F_" is the underscore) so that the cell shows what was written. */
static bool is_xml_escape_like(const char *s)
{
	if (s[0] != '_' || s[1] != 'x')
		return false;
	for (int i = 2; i < 6; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return s[6] == '_';
}

/* S as XML and Excel can carry it: invalid UTF-8 and characters XML 1.0 forbids become U+FFFD,
 * a literal "_xHHHH_" is escaped, and the stored text is cut at Excel's cell limit with an
 * ellipsis (never inside an escape). Returns S itself when it needs none of this (the common
 * case), else the cleaned copy in W->clean. CHARS counts stored characters. */
static const char *clean_text(struct xw *w, const char *s)
{
	static const char repl[] = "\xef\xbf\xbd", ellipsis[] = "\xe2\x80\xa6";
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), chars = 0, i = 0;
	bool dirty = false;
	while (i < n && !dirty) {
		unsigned cp;
		size_t k = utf8_seq(u + i, n - i, &cp);
		if (!k || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xfffe || cp == 0xffff ||
		    (cp == '_' && is_xml_escape_like(s + i)) || ++chars >= CELL_MAX_CHARS)
			dirty = true;
		else
			i += k;
	}
	if (!dirty)
		return s;
	struct sb *b = &w->clean;
	sb_reset(b);
	sb_addn(b, s, i);
	for (; i < n; chars++) {
		if (chars >= CELL_MAX_CHARS - 1) {
			sb_add(b, ellipsis);
			break;
		}
		unsigned cp;
		size_t k = utf8_seq(u + i, n - i, &cp);
		if (!k) {
			sb_add(b, repl);
			i++;
		} else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xfffe || cp == 0xffff) {
			sb_add(b, repl);
			i += k;
		} else if (cp == '_' && is_xml_escape_like(s + i)) {
			if (chars + 7 > CELL_MAX_CHARS - 1) {
				sb_add(b, ellipsis);
				break;
			}
			sb_add(b, "_x005F_");
			chars += 6;
			i++;
		} else {
			sb_addn(b, s + i, k);
			i += k;
		}
	}
	return b->oom ? "" : b->p;
}

/* Writes S as a plain string cell; NULL or "" gives a blank cell that keeps the format's borders. */
static void put(struct xw *w, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *f)
{
	if (!s || !*s) {
		if (f)
			note_error(w, worksheet_write_blank(ws, row, col, f));
		return;
	}
	note_error(w, worksheet_write_string(ws, row, col, clean_text(w, s), f));
}

/* A date cell: the day as an Excel serial number; the format shows it (和暦 in ja). */
static void put_day(struct xw *w, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, ks_day d, lxw_format *f)
{
	if (d == KS_DAY_NONE)
		put(w, ws, row, col, NULL, f);
	else
		note_error(w, worksheet_write_number(ws, row, col, (double)d + SERIAL_EPOCH, f));
}

static void merge(struct xw *w, lxw_worksheet *ws, lxw_row_t row, lxw_col_t c0, lxw_col_t c1, const char *s,
                  lxw_format *f)
{
	note_error(w, worksheet_merge_range(ws, row, c0, row, c1, clean_text(w, s ? s : ""), f));
}

static int category_of(unsigned role)
{
	for (int c = 0; c < KS_CATEGORIES; c++)
		if (role == ks_category_bit(c))
			return c;
	return 0;
}

static const char *host_name(const struct xw *w, const ks_cl_host *h)
{
	if (h->hostname && *h->hostname)
		return h->hostname;
	return w->ja ? "(ホスト名不明)" : "(unknown host name)";
}

/* ------------------------------------------------------------------------------------------- */
/* Formats */

static lxw_format *fmt(struct xw *w, bool border, bool wrap)
{
	lxw_format *f = workbook_add_format(w->wb);
	if (!f)
		return NULL;
	format_set_font_name(f, w->ja ? "Yu Gothic" : "Calibri");
	format_set_font_size(f, 10);
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	if (wrap)
		format_set_text_wrap(f);
	return f;
}

static bool make_formats(struct xw *w)
{
	/* Fill and font colours of the marks: the usual spreadsheet good/bad/neutral palette. */
	static const struct { uint32_t fill, font; } mark_colours[KS_MARKS] = {
		[KS_MARK_YES] = {0xC6EFCE, 0x006100},        [KS_MARK_NO] = {0xFFC7CE, 0x9C0006},
		[KS_MARK_CHECK] = {0xFFEB9C, 0x9C5700},      [KS_MARK_UNANSWERED] = {0xD9D9D9, 0x000000},
		[KS_MARK_NOHOST] = {0xF2F2F2, 0x595959},     [KS_MARK_NA] = {0xF2F2F2, 0x595959},
	};
	static const uint32_t cover_fill[3] = {[KS_COVER_GAP] = 0xFFC7CE, [KS_COVER_PARTIAL] = 0xFFEB9C,
	                                       [KS_COVER_FULL] = 0xC6EFCE};
	/* [$-411] (Japanese locale) with the era code ggg: Excel and LibreOffice both show 令和7年5月16日
	 * (the newer [$-ja-JP-x-gannen] tag, which writes 元年, is shown as a bare number by LibreOffice). */
	const char *date_format = w->ja ? "[$-411]ggge\"年\"m\"月\"d\"日\"" : "yyyy-mm-dd";

	/* libxlsxwriter caches a format's style index only in the first of several identical formats
	 * and hashes the others' whole state again for every cell, so each look is made once. */
	for (int i = 0; i < F_NFORMATS; i++) {
		if (i == F_VALUE || i == F_SECTION || i == F_MATRIX_HEAD)
			continue;
		bool border = i != F_TITLE && i != F_SUBTITLE && i != F_PLAIN && i != F_PLAIN_CENTER && i != F_PLAIN_DATE;
		if (!(w->f[i] = fmt(w, border, true)))
			return false;
	}
	w->f[F_VALUE] = w->f[F_TD];
	w->f[F_SECTION] = w->f[F_LABEL];
	w->f[F_MATRIX_HEAD] = w->f[F_TH];
	format_set_bold(w->f[F_TITLE]);
	format_set_font_size(w->f[F_TITLE], 14);
	format_set_align(w->f[F_TITLE], LXW_ALIGN_VERTICAL_CENTER);
	format_set_bold(w->f[F_SUBTITLE]);
	format_set_font_size(w->f[F_SUBTITLE], 11);
	format_set_bold(w->f[F_LABEL]);
	format_set_bg_color(w->f[F_LABEL], 0xDDEBF7);
	format_set_align(w->f[F_VALUE_DATE], LXW_ALIGN_LEFT);
	format_set_num_format(w->f[F_VALUE_DATE], date_format);
	format_set_bold(w->f[F_TH]);
	format_set_bg_color(w->f[F_TH], 0xBDD7EE);
	format_set_align(w->f[F_TH], LXW_ALIGN_CENTER);
	format_set_align(w->f[F_TH], LXW_ALIGN_VERTICAL_CENTER);
	format_set_align(w->f[F_TD_CENTER], LXW_ALIGN_CENTER);
	format_set_align(w->f[F_TD_DATE], LXW_ALIGN_CENTER);
	format_set_num_format(w->f[F_TD_DATE], date_format);
	format_set_align(w->f[F_PLAIN_CENTER], LXW_ALIGN_CENTER);
	format_set_align(w->f[F_PLAIN_DATE], LXW_ALIGN_CENTER);
	format_set_num_format(w->f[F_PLAIN_DATE], date_format);
	for (int m = 0; m < KS_MARKS; m++) {
		if (m == KS_MARK_NA) {
			w->mark[m] = w->mark[KS_MARK_NOHOST];
			w->cellmark[m] = w->cellmark[KS_MARK_NOHOST];
			continue;
		}
		if (!(w->mark[m] = fmt(w, true, true)) || !(w->cellmark[m] = fmt(w, true, true)))
			return false;
		format_set_bold(w->mark[m]);
		format_set_align(w->mark[m], LXW_ALIGN_CENTER);
		format_set_align(w->cellmark[m], LXW_ALIGN_CENTER);
		format_set_bg_color(w->mark[m], mark_colours[m].fill);
		format_set_font_color(w->mark[m], mark_colours[m].font);
		format_set_bg_color(w->cellmark[m], mark_colours[m].fill);
		format_set_font_color(w->cellmark[m], mark_colours[m].font);
	}
	for (int c = 0; c < 3; c++) {
		if (!(w->cover[c] = fmt(w, true, true)))
			return false;
		format_set_bg_color(w->cover[c], cover_fill[c]);
	}
	return true;
}

/* ------------------------------------------------------------------------------------------- */
/* Sheet 1: the form */

enum { C_LABEL, C_TITLE, C_TARGETS, C_SERVER, C_TERMINAL, C_NETWORK, C_MARK, C_CONFIRMED, C_TARGET,
       C_DOCS, C_REMARKS, C_FORM_COLUMNS };

static void cell_text(struct xw *w, const ks_cl_cell *c, struct sb *b)
{
	char buf[128];
	sb_reset(b);
	sb_add(b, ks_cl_cell_text(c, w->lang, buf, sizeof buf));
}

/* One remark line naming hosts of one kind over the categories: at most NAMES_MAX, then the rest
 * as a number. */
static void host_line(struct xw *w, const ks_cl_item *it, int kind, const char *prefix, struct sb *b)
{
	size_t total = 0, shown = 0;
	for (int c = 0; c < KS_CATEGORIES; c++) {
		const ks_cl_cell *cell = &it->cells[c];
		total += kind == 0 ? cell->nfail : kind == 1 ? cell->nunknown : cell->nwaived;
	}
	if (!total)
		return;
	sb_line(b);
	sb_add(b, prefix);
	for (int c = 0; c < KS_CATEGORIES; c++) {
		const ks_cl_cell *cell = &it->cells[c];
		const ks_cl_host *const *v = kind == 0 ? cell->fail : kind == 1 ? cell->unknown : cell->waived;
		size_t n = kind == 0 ? cell->nfail : kind == 1 ? cell->nunknown : cell->nwaived;
		for (size_t i = 0; i < n && shown < NAMES_MAX; i++, shown++) {
			if (shown)
				sb_add(b, ", ");
			sb_add(b, host_name(w, v[i]));
		}
	}
	if (shown < total)
		sb_addf(b, w->ja ? " ほか%zu台" : " and %zu more", total - shown);
}

static void remarks(struct xw *w, const ks_cl_item *it, struct sb *b)
{
	const ks_item_answer *ans = it->answer;
	sb_reset(b);
	if (it->conflict) {
		sb_line(b);
		sb_add(b, w->ja ? "回答は「はい」ですが、測定結果は「いいえ」です"
		                : "Answered yes, but the scan results say no");
	}
	host_line(w, it, 0, w->ja ? "不適合: " : "Failing: ", b);
	host_line(w, it, 1, w->ja ? "要確認: " : "Unknown: ", b);
	host_line(w, it, 2, w->ja ? "例外承認: " : "Waived: ", b);
	if (it->nstale) {
		sb_line(b);
		sb_addf(b, w->ja ? "古い結果: %zu台" : "Stale results: %zu", it->nstale);
	}
	if (it->target_missing) {
		sb_line(b);
		sb_add(b, w->ja ? "目標日が未記入です" : "No target date given");
	}
	if (ans && ans->note && *ans->note) {
		sb_line(b);
		sb_add(b, ans->note);
	}
	if (ans && ans->confirmed_by && *ans->confirmed_by) {
		sb_line(b);
		sb_add(b, w->ja ? "確認者: " : "Confirmed by: ");
		sb_add(b, ans->confirmed_by);
	}
}

/* "document (version) — location", one per line. */
static void documents(const ks_answer_doc *docs, size_t n, const char *indent, struct sb *b)
{
	for (size_t d = 0; d < n; d++) {
		sb_line(b);
		sb_add(b, indent);
		sb_add(b, docs[d].document);
		if (docs[d].version && *docs[d].version)
			sb_addf(b, " (%s)", docs[d].version);
		if (docs[d].location && *docs[d].location)
			sb_addf(b, " — %s", docs[d].location);
	}
}

static void header_pair(struct xw *w, lxw_worksheet *ws, lxw_row_t row, int side, const char *label,
                        const char *value, ks_day day)
{
	if (side == 0) {
		put(w, ws, row, C_LABEL, label, w->f[F_LABEL]);
		if (day != KS_DAY_NONE)
			put_day(w, ws, row, C_TITLE, day, w->f[F_VALUE_DATE]);
		else
			put(w, ws, row, C_TITLE, value, w->f[F_VALUE]);
		return;
	}
	/* The right-hand pair spans columns, so the header block takes half the rows. */
	merge(w, ws, row, C_TARGETS, C_TERMINAL, label, w->f[F_LABEL]);
	if (day != KS_DAY_NONE) {
		merge(w, ws, row, C_NETWORK, C_REMARKS, "", w->f[F_VALUE_DATE]);
		put_day(w, ws, row, C_NETWORK, day, w->f[F_VALUE_DATE]);
	} else {
		merge(w, ws, row, C_NETWORK, C_REMARKS, value, w->f[F_VALUE]);
	}
}

struct pair {
	const char *label, *value;
	ks_day day;
};

static lxw_row_t form_header(struct xw *w, lxw_worksheet *ws)
{
	const ks_checklist *cl = w->cl;
	const ks_answers *ans = cl->answers;
	struct sb *b = &w->text;
	char buf[64];

	worksheet_set_row(ws, 0, 24, NULL);
	merge(w, ws, 0, 0, C_REMARKS, ks_text_get(&cl->catalog->title, w->lang), w->f[F_TITLE]);
	sb_reset(b);
	sb_add(b, ks_cl_form_title(cl, w->lang));
	if (ans && ans->fiscal_year > 0) {
		if (w->ja)
			sb_addf(b, "　%s", ks_fiscal_year_wareki(ans->fiscal_year, buf, sizeof buf));
		else
			sb_addf(b, " — FY%d", ans->fiscal_year);
	}
	merge(w, ws, 1, 0, C_REMARKS, b->p, w->f[F_SUBTITLE]);

	struct pair pairs[12];
	size_t n = 0;
	char hosts[256], summary[512];
	struct sb confirmer = {0};
	pairs[n++] = (struct pair){w->ja ? "医療機関等名" : "Facility", ans ? ans->facility_name : NULL, KS_DAY_NONE};
	pairs[n++] = (struct pair){w->ja ? "施設区分" : "Facility type",
	                           ks_cl_facility_type_label(ans ? ans->facility_type : 0, w->lang), KS_DAY_NONE};
	if (cl->form == KS_FORM_VENDOR) {
		pairs[n++] = (struct pair){w->ja ? "事業者名" : "Vendor", ans ? ans->vendor_name : NULL, KS_DAY_NONE};
		pairs[n++] = (struct pair){w->ja ? "医療情報システム名" : "Medical information system",
		                           ans ? ans->system_name : NULL, KS_DAY_NONE};
	}
	if (ans && ans->confirmer_name && ans->confirmer_title) {
		sb_add(&confirmer, ans->confirmer_name);
		sb_addf(&confirmer, w->ja ? "（%s）" : " (%s)", ans->confirmer_title);
	} else if (ans) {
		sb_add(&confirmer, ans->confirmer_name ? ans->confirmer_name : ans->confirmer_title);
	}
	if (confirmer.oom)
		note_error(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
	pairs[n++] = (struct pair){w->ja ? "確認者" : "Confirmed by", confirmer.p, KS_DAY_NONE};
	pairs[n++] = (struct pair){w->ja ? "作成日" : "Date", NULL, cl->today};
	size_t used = 0;
	for (int c = 0; c < KS_CATEGORIES && used < sizeof hosts; c++)
		used += (size_t)snprintf(hosts + used, sizeof hosts - used, "%s%s %zu", c ? " / " : "",
		                         ks_category_label(c, w->lang), cl->ncategory[c]);
	if (cl->nstale_hosts && used < sizeof hosts)
		snprintf(hosts + used, sizeof hosts - used, w->ja ? "（古い結果 %zu台）" : " (%zu stale)", cl->nstale_hosts);
	pairs[n++] = (struct pair){w->ja ? "対象ホスト数" : "Hosts", hosts, KS_DAY_NONE};
	const char *has = !ans || ans->has_system ? (w->ja ? "あり" : "Yes") : (w->ja ? "なし" : "No");
	pairs[n++] = (struct pair){w->ja ? "医療情報システムの有無" : "Medical information system in use", has, KS_DAY_NONE};
	used = 0;
	for (int m = 0; m < KS_MARKS && used < sizeof summary; m++)
		used += (size_t)snprintf(summary + used, sizeof summary - used, "%s%s %zu", m ? " / " : "",
		                         ks_mark_label((ks_mark)m, w->lang), cl->counts[m]);
	pairs[n++] = (struct pair){w->ja ? "集計" : "Summary", summary, KS_DAY_NONE};

	lxw_row_t row = 3;
	for (size_t i = 0; i < n; i++) {
		header_pair(w, ws, row, (int)(i % 2), pairs[i].label, pairs[i].value, pairs[i].day);
		if (i % 2 == 1 || i + 1 == n)
			row++;
	}
	free(confirmer.p);
	return row + 1;
}

static void form_sheet(struct xw *w, lxw_worksheet *ws)
{
	const ks_checklist *cl = w->cl;
	static const double widths[C_FORM_COLUMNS] = {12, 46, 14, 14, 14, 14, 10, 17, 17, 30, 40};
	const char *head_ja[C_FORM_COLUMNS] = {"番号", "チェック項目", "対象", "サーバ", "端末PC", "ネットワーク機器",
	                                       "回答", "確認日", "目標日", "根拠資料", "備考"};
	const char *head_en[C_FORM_COLUMNS] = {"No.", "Check item", "Target", "Server", "Terminal PC",
	                                       "Network device", "Answer", "Confirmed", "Target date",
	                                       "Supporting documents", "Remarks"};
	for (lxw_col_t c = 0; c < C_FORM_COLUMNS; c++)
		worksheet_set_column(ws, c, c, widths[c], NULL);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_gridlines(ws, LXW_SHOW_ALL_GRIDLINES);
	worksheet_set_margins(ws, 0.4, 0.4, 0.5, 0.5);

	lxw_row_t row = form_header(w, ws);
	for (lxw_col_t c = 0; c < C_FORM_COLUMNS; c++)
		put(w, ws, row, c, w->ja ? head_ja[c] : head_en[c], w->f[F_TH]);
	note_error(w, worksheet_repeat_rows(ws, row, row));
	worksheet_freeze_panes(ws, row + 1, 0);
	row++;

	struct sb *b = &w->text;
	int section = -1;
	char tbuf[160];
	for (size_t i = 0; i < cl->nitems; i++) {
		const ks_cl_item *it = &cl->items[i];
		if (!it->on_form)
			continue;
		const ks_item *ci = it->item;
		if (ci->section != section) {
			section = ci->section;
			const ks_section *sec = ks_catalog_section(cl->catalog, section);
			const char *title = sec ? ks_text_get(&sec->title, w->lang) : "";
			sb_reset(b);
			sb_addf(b, "%d%s%s", section, *title ? " " : "", title);
			merge(w, ws, row++, 0, C_REMARKS, b->p, w->f[F_SECTION]);
		}
		put(w, ws, row, C_LABEL, ci->label, w->f[F_TD_CENTER]);
		put(w, ws, row, C_TITLE, ks_text_get(&ci->title, w->lang), w->f[F_TD]);
		put(w, ws, row, C_TARGETS, ks_cl_targets_label(ci->targets, w->lang, tbuf, sizeof tbuf), w->f[F_TD_CENTER]);
		for (int c = 0; c < KS_CATEGORIES; c++) {
			cell_text(w, &it->cells[c], b);
			put(w, ws, row, (lxw_col_t)(C_SERVER + c), b->p, w->cellmark[it->cells[c].mark % KS_MARKS]);
		}
		put(w, ws, row, C_MARK, ks_mark_label(it->mark, w->lang), w->mark[it->mark % KS_MARKS]);
		put_day(w, ws, row, C_CONFIRMED, it->confirmed, w->f[F_TD_DATE]);
		put_day(w, ws, row, C_TARGET, it->target, w->f[F_TD_DATE]);
		sb_reset(b);
		if (it->answer)
			documents(it->answer->docs, it->answer->ndocs, "", b);
		put(w, ws, row, C_DOCS, b->p, w->f[F_TD]);
		remarks(w, it, b);
		put(w, ws, row, C_REMARKS, b->p, w->f[F_TD]);
		row++;
	}
}

/* ------------------------------------------------------------------------------------------- */
/* Sheet 2: evidence, one row per item on the form and host it targets */

/* The layout of the long data sheets (evidence, assets): a header row that stays in view and is
 * printed on every page, and column formats rather than cell borders, so that empty cells need no
 * writing and the rows stay small (a fleet's evidence sheet has hundreds of thousands). */
static void data_sheet_setup(struct xw *w, lxw_worksheet *ws, lxw_col_t ncols, const double *widths,
                             const int *formats, const char *const *head_ja, const char *const *head_en)
{
	for (lxw_col_t c = 0; c < ncols; c++)
		worksheet_set_column(ws, c, c, widths[c], w->f[formats[c]]);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_gridlines(ws, LXW_SHOW_ALL_GRIDLINES);
	for (lxw_col_t c = 0; c < ncols; c++)
		put(w, ws, 0, c, w->ja ? head_ja[c] : head_en[c], w->f[F_TH]);
	worksheet_freeze_panes(ws, 1, 0);
	note_error(w, worksheet_repeat_rows(ws, 0, 0));
}

static const char *verdict_label(ks_verdict_kind k, ks_lang lang)
{
	ks_cl_result r = {.present = true, .verdict = k};
	return ks_cl_result_label(&r, lang);
}

static void waiver_text(struct xw *w, const ks_cl_waiver *wv, struct sb *b)
{
	sb_reset(b);
	if (!wv)
		return;
	if (wv->justification && *wv->justification)
		sb_add(b, wv->justification);
	if (wv->approver && *wv->approver) {
		sb_line(b);
		sb_add(b, w->ja ? "承認者: " : "Approver: ");
		sb_add(b, wv->approver);
	}
	if (wv->expires && *wv->expires) {
		sb_line(b);
		sb_add(b, w->ja ? "有効期限: " : "Expires: ");
		sb_add(b, wv->expires);
	}
	if (wv->expired) {
		sb_line(b);
		sb_add(b, w->ja ? "期限切れ" : "Expired");
	}
}

static void evidence_text(struct xw *w, const ks_cl_result *r, struct sb *b)
{
	sb_reset(b);
	if (!r || !r->present) {
		sb_add(b, w->ja ? "結果に項目がありません" : "The result file has no entry for this item");
		return;
	}
	if (r->rule_error && *r->rule_error) {
		sb_add(b, w->ja ? "ルールの誤り: " : "Rule error: ");
		sb_add(b, r->rule_error);
	}
	/* What decided the verdict; for a fail or an unknown without decisive entries, the context the
	 * scan gave. Passing and manual rows without a decision stay short: a fleet has 10^5 rows. */
	bool show = r->decisive || r->verdict == KS_VERDICT_FAIL || r->verdict == KS_VERDICT_UNKNOWN;
	size_t shown = show ? (r->nevidence < EVIDENCE_LINES ? r->nevidence : EVIDENCE_LINES) : 0;
	for (size_t e = 0; e < shown; e++) {
		const ks_cl_evidence *ev = &r->evidence[e];
		sb_line(b);
		sb_add(b, ev->fact);
		sb_add(b, " = ");
		sb_add(b, ev->value);
		if (ev->source && *ev->source)
			sb_addf(b, " (%s)", ev->source);
		if (ev->note && *ev->note)
			sb_addf(b, " — %s", ev->note);
	}
	size_t more = show ? r->nevidence - shown + r->nevidence_more : 0;
	if (more) {
		sb_line(b);
		sb_addf(b, w->ja ? "ほか%zu件（JSON に全件）" : "%zu more (all in the JSON)", more);
	}
}

static void evidence_sheet(struct xw *w, lxw_worksheet *ws)
{
	const ks_checklist *cl = w->cl;
	/* Scan time and result file are per host: they are in the asset ledger, not repeated per row. */
	static const double widths[] = {8, 20, 12, 10, 70, 30, 8};
	static const int formats[] = {F_PLAIN, F_PLAIN, F_PLAIN, F_PLAIN, F_PLAIN, F_PLAIN, F_PLAIN_CENTER};
	const char *head_ja[] = {"番号", "ホスト", "区分", "判定", "判定の根拠", "例外承認", "古い結果"};
	const char *head_en[] = {"No.", "Host", "Category", "Verdict", "Evidence", "Waiver", "Stale"};
	const lxw_col_t ncols = sizeof widths / sizeof widths[0];
	data_sheet_setup(w, ws, ncols, widths, formats, head_ja, head_en);

	struct sb *b = &w->text;
	lxw_row_t row = 1;
	size_t i = 0, h = 0;
	bool first = true;
	while (ks_checklist_next_row(cl, &i, &h, &first)) {
		const ks_cl_item *it = &cl->items[i];
		const ks_cl_host *host = cl->hosts[h];
		if (row >= LXW_ROW_MAX) {
			w->too_many_rows = true;
			note_error(w, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
			return;
		}
		const ks_cl_result *r = i < host->nresults ? &host->results[i] : NULL;
		/* A host that left the item to people (手動確認) decided nothing: its row would only
		 * repeat the verdict, and a fleet has tens of thousands of them. The JSON keeps them. */
		if (r && r->present && r->verdict == KS_VERDICT_MANUAL && !r->decisive && !r->waiver &&
		    !r->rule_error)
			continue;
		put(w, ws, row, 0, it->item->label, NULL);
		put(w, ws, row, 1, host_name(w, host), NULL);
		put(w, ws, row, 2, ks_category_label(category_of(host->role), w->lang), NULL);
		put(w, ws, row, 3, ks_cl_result_label(r, w->lang), NULL);
		evidence_text(w, r, b);
		put(w, ws, row, 4, b->p, NULL);
		waiver_text(w, r && r->present ? r->waiver : NULL, b);
		put(w, ws, row, 5, b->p, NULL);
		put(w, ws, row, 6, host->stale ? (w->ja ? "○" : "Yes") : NULL, NULL);
		row++;
	}
	note_error(w, worksheet_autofilter(ws, 0, 0, row - 1, ncols - 1));
}

/* ------------------------------------------------------------------------------------------- */
/* Sheet 3: the asset ledger (item 2-①) */

static void assets_sheet(struct xw *w, lxw_worksheet *ws)
{
	const ks_checklist *cl = w->cl;
	static const double widths[] = {20, 12, 28, 24, 10, 30, 34, 17, 21, 8, 30, 10, 9};
	static const int formats[] = {F_PLAIN, F_PLAIN, F_PLAIN, F_PLAIN, F_PLAIN, F_PLAIN, F_PLAIN, F_PLAIN_DATE,
	                              F_PLAIN, F_PLAIN_CENTER, F_PLAIN, F_PLAIN, F_PLAIN_CENTER};
	const char *head_ja[] = {"ホスト名", "区分", "OS", "カーネル", "アーキテクチャ", "IPアドレス", "マシンID",
	                         "最終スキャン", "スキャン日時", "古い結果", "結果ファイル", "kenshin", "root権限"};
	const char *head_en[] = {"Host name", "Category", "OS", "Kernel", "Architecture", "IP addresses",
	                         "Machine ID", "Last scan", "Scanned at", "Stale", "Result file", "kenshin", "As root"};
	const lxw_col_t ncols = sizeof widths / sizeof widths[0];
	data_sheet_setup(w, ws, ncols, widths, formats, head_ja, head_en);

	struct sb *b = &w->text;
	lxw_row_t row = 1;
	for (size_t h = 0; h < cl->nhosts; h++, row++) {
		const ks_cl_host *host = cl->hosts[h];
		put(w, ws, row, 0, host_name(w, host), NULL);
		put(w, ws, row, 1, ks_category_label(category_of(host->role), w->lang), NULL);
		put(w, ws, row, 2, host->os, NULL);
		put(w, ws, row, 3, host->kernel, NULL);
		put(w, ws, row, 4, host->arch, NULL);
		sb_reset(b);
		for (size_t i = 0; i < host->naddresses; i++) {
			if (i)
				sb_add(b, ", ");
			sb_add(b, host->addresses[i]);
		}
		put(w, ws, row, 5, b->p, NULL);
		put(w, ws, row, 6, host->machine_id, NULL);
		put_day(w, ws, row, 7, host->scanned_at ? ks_day_from_time(host->scanned_at) : KS_DAY_NONE, NULL);
		put(w, ws, row, 8, host->scanned_at_text, NULL);
		put(w, ws, row, 9, host->stale ? (w->ja ? "○" : "Yes") : NULL, NULL);
		put(w, ws, row, 10, host->file, NULL);
		put(w, ws, row, 11, host->kenshin_version, NULL);
		put(w, ws, row, 12, host->as_root ? (w->ja ? "はい" : "Yes") : (w->ja ? "いいえ" : "No"), NULL);
	}
	if (cl->nhosts)
		note_error(w, worksheet_autofilter(ws, 0, 0, row - 1, ncols - 1));
}

/* ------------------------------------------------------------------------------------------- */
/* Sheet 4: waivers */

static void waivers_sheet(struct xw *w, lxw_worksheet *ws)
{
	const ks_checklist *cl = w->cl;
	static const double widths[] = {8, 20, 16, 40, 16, 12, 22, 10, 12};
	const char *head_ja[] = {"番号", "ホスト", "対象パターン", "理由", "承認者", "有効期限", "定義", "状態",
	                         "本来の判定"};
	const char *head_en[] = {"No.", "Host", "Host pattern", "Justification", "Approver", "Expires",
	                         "Defined in", "State", "Verdict without waiver"};
	const lxw_col_t ncols = sizeof widths / sizeof widths[0];
	for (lxw_col_t c = 0; c < ncols; c++)
		worksheet_set_column(ws, c, c, widths[c], NULL);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9);
	worksheet_fit_to_pages(ws, 1, 0);
	for (lxw_col_t c = 0; c < ncols; c++)
		put(w, ws, 0, c, w->ja ? head_ja[c] : head_en[c], w->f[F_TH]);
	worksheet_freeze_panes(ws, 1, 0);

	for (size_t i = 0; i < cl->nwaivers; i++) {
		const ks_cl_waiver_use *u = &cl->waivers[i];
		const ks_cl_waiver *wv = u->waiver;
		const ks_item *ci = wv->item ? ks_catalog_find(cl->catalog, wv->item) : NULL;
		lxw_row_t row = (lxw_row_t)i + 1;
		put(w, ws, row, 0, ci ? ci->label : wv->item, w->f[F_TD]);
		put(w, ws, row, 1, host_name(w, u->host), w->f[F_TD]);
		put(w, ws, row, 2, wv->host, w->f[F_TD]);
		put(w, ws, row, 3, wv->justification, w->f[F_TD]);
		put(w, ws, row, 4, wv->approver, w->f[F_TD]);
		put(w, ws, row, 5, wv->expires, w->f[F_TD_CENTER]);
		put(w, ws, row, 6, wv->source, w->f[F_TD]);
		put(w, ws, row, 7, wv->expired ? (w->ja ? "期限切れ" : "Expired") : (w->ja ? "有効" : "Valid"),
		    w->cellmark[wv->expired ? KS_MARK_NO : KS_MARK_YES]);
		put(w, ws, row, 8, verdict_label(wv->verdict_without, w->lang), w->f[F_TD]);
	}
}

/* ------------------------------------------------------------------------------------------- */
/* Sheet 5: the 3x3 view */

static void matrix_sheet(struct xw *w, lxw_worksheet *ws)
{
	const ks_checklist *cl = w->cl;
	const char *rows_ja[] = {"組織的", "システム的", "人的"}, *rows_en[] = {"Organisational", "System", "Staff"};
	const char *cols_ja[] = {"是正的", "発見的", "予防的"}, *cols_en[] = {"Corrective", "Detective", "Preventive"};
	worksheet_set_column(ws, 0, 0, 16, NULL);
	worksheet_set_column(ws, 1, 3, 44, NULL);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9);
	worksheet_fit_to_pages(ws, 1, 1);

	put(w, ws, 0, 0, w->ja ? "対策マトリクス（組織的・システム的・人的 × 是正的・発見的・予防的）"
	                       : "3x3 view (organisational, system, staff x corrective, detective, preventive)",
	    w->f[F_SUBTITLE]);
	put(w, ws, 1, 0, NULL, w->f[F_MATRIX_HEAD]);
	for (int c = 0; c < 3; c++)
		put(w, ws, 1, (lxw_col_t)(c + 1), w->ja ? cols_ja[c] : cols_en[c], w->f[F_MATRIX_HEAD]);
	struct sb *b = &w->text;
	char day[16];
	for (int r = 0; r < 3; r++) {
		lxw_row_t row = (lxw_row_t)r + 2;
		put(w, ws, row, 0, w->ja ? rows_ja[r] : rows_en[r], w->f[F_MATRIX_HEAD]);
		for (int c = 0; c < 3; c++) {
			const ks_cl_matrix_cell *m = &cl->matrix[r * 3 + c];
			sb_reset(b);
			sb_add(b, ks_cl_cover_label(m->cover, w->lang));
			for (size_t i = 0; i < m->nitems; i++) {
				sb_line(b);
				sb_addf(b, "%s %s", m->items[i]->item->label, ks_mark_label(m->items[i]->mark, w->lang));
			}
			for (size_t p = 0; p < m->npractices; p++) {
				const ks_practice *pr = m->practices[p];
				sb_line(b);
				sb_add(b, w->ja ? "取組: " : "Practice: ");
				sb_add(b, pr->description);
				if (pr->confirmed != KS_DAY_NONE)
					sb_addf(b, " (%s)", ks_day_iso(pr->confirmed, day, sizeof day));
				documents(pr->docs, pr->ndocs, "  ", b);
			}
			put(w, ws, row, (lxw_col_t)(c + 1), b->p, w->cover[m->cover <= KS_COVER_FULL ? m->cover : 0]);
		}
	}
}

/* ------------------------------------------------------------------------------------------- */

/* Gives every cell format its index in the workbook's table now, in a fixed order, so that writing
 * cells later only reads that table. */
static void prepare_formats(struct xw *w)
{
	for (size_t i = 0; i < F_NFORMATS; i++)
		if (w->f[i])
			lxw_format_get_xf_index(w->f[i]);
	for (size_t i = 0; i < KS_MARKS; i++) {
		if (w->mark[i])
			lxw_format_get_xf_index(w->mark[i]);
		if (w->cellmark[i])
			lxw_format_get_xf_index(w->cellmark[i]);
	}
	for (size_t i = 0; i < 3; i++)
		if (w->cover[i])
			lxw_format_get_xf_index(w->cover[i]);
}

struct sheet_job {
	struct xw w;   /* a copy with its own scratch buffers and error */
	lxw_worksheet *ws;
	pthread_t thread;
	bool started;
};

static void *sheet_thread(void *arg)
{
	struct sheet_job *job = arg;
	evidence_sheet(&job->w, job->ws);
	return NULL;
}

int ks_cl_write_xlsx(const ks_checklist *cl, ks_lang lang, const char *path, char *err, size_t errlen)
{
	struct xw w = {.cl = cl, .lang = lang, .ja = lang == KS_LANG_JA};
	/* libxlsxwriter only opens the file when it closes the workbook, and then logs its own message;
	 * finding out first gives the caller one clear error and skips the work. */
	FILE *probe = fopen(path, "wb");
	if (!probe) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return KS_EIO;
	}
	fclose(probe);
	/* Constant memory mode also keeps strings inline rather than in a shared table, so the
	 * writer's memory does not grow with the fleet. */
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
	w.wb = workbook_new_opt(path, &opt);
	if (!w.wb) {
		snprintf(err, errlen, "cannot start the workbook: out of memory");
		remove(path);
		return KS_ENOMEM;
	}
	/* The creation time comes from the data, never the clock: the same checklist gives the same
	 * bytes (libxlsxwriter's zip entries already carry a fixed date). */
	lxw_doc_properties props = {
		.title = (char *)ks_text_get(&cl->catalog->title, lang),
		.subject = (char *)ks_cl_form_title(cl, lang),
		.author = "kenshin",
		.created = cl->newest_scan > 0 ? cl->newest_scan : FIXED_CREATED,
	};
	const char *title = props.title;
	props.title = (char *)clean_text(&w, title);
	note_error(&w, workbook_set_properties(w.wb, &props));

	const char *names_ja[] = {"チェックリスト", "証跡", "資産台帳", "例外承認", "対策マトリクス"};
	const char *names_en[] = {"Checklist", "Evidence", "Asset ledger", "Waivers", "3x3 view"};
	void (*const sheets[])(struct xw *, lxw_worksheet *) = {form_sheet, evidence_sheet, assets_sheet,
	                                                        waivers_sheet, matrix_sheet};
	enum { NSHEETS = sizeof sheets / sizeof sheets[0], EVIDENCE = 1 };
	lxw_worksheet *ws[NSHEETS] = {NULL};
	bool ok = make_formats(&w);
	for (size_t s = 0; ok && s < NSHEETS; s++)
		ok = (ws[s] = workbook_add_worksheet(w.wb, w.ja ? names_ja[s] : names_en[s])) != NULL;
	if (ok) {
		/* The evidence sheet (most of the work for a fleet) is written on a second thread while
		 * this one writes the others. In constant-memory mode a worksheet writes only its own
		 * temporary file; the one structure they share is the workbook's table of cell formats,
		 * which is filled here first so that the threads only read it. */
		prepare_formats(&w);
		struct sheet_job job = {.w = w, .ws = ws[EVIDENCE]};
		job.w.text = job.w.clean = (struct sb){0};
		job.started = pthread_create(&job.thread, NULL, sheet_thread, &job) == 0;
		for (size_t s = 0; s < NSHEETS; s++)
			if (s != EVIDENCE)
				sheets[s](&w, ws[s]);
		if (job.started)
			pthread_join(job.thread, NULL);
		else
			evidence_sheet(&job.w, job.ws);
		note_error(&w, job.w.error);
		w.too_many_rows |= job.w.too_many_rows;
		if (job.w.text.oom || job.w.clean.oom)
			note_error(&w, LXW_ERROR_MEMORY_MALLOC_FAILED);
		free(job.w.text.p);
		free(job.w.clean.p);
	}
	if (!ok)
		note_error(&w, LXW_ERROR_MEMORY_MALLOC_FAILED);
	if (w.text.oom || w.clean.oom)
		note_error(&w, LXW_ERROR_MEMORY_MALLOC_FAILED);
	/* The workbook is closed (and freed) even after a failure, so that its temporary files go. */
	lxw_error e = workbook_close(w.wb);
	free(w.text.p);
	free(w.clean.p);
	if (w.error == LXW_NO_ERROR)
		w.error = e;
	if (w.error != LXW_NO_ERROR) {
		if (w.too_many_rows)
			snprintf(err, errlen, "the evidence table has more rows than a worksheet can hold (%u); "
			         "use --format json for a fleet this large", (unsigned)LXW_ROW_MAX);
		else
			snprintf(err, errlen, "cannot write the workbook: %s", lxw_strerror(w.error));
		if (w.error != e)
			remove(path); /* a partial workbook would look complete */
		return w.error == LXW_ERROR_MEMORY_MALLOC_FAILED ? KS_ENOMEM : KS_EIO;
	}
	return KS_OK;
}
