/* The answers file loader. It is strict (unknown keys, duplicates, impossible dates are errors, so a
 * typo never drops an answer unnoticed) and it keeps going after an error, so that one run lists
 * every problem in the file with its line and column. */
#include "answers.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/yaml.h"

struct ctx {
	ks_arena *a;
	ks_yaml *y;
	const char *path;
	const ks_catalog *cat;
	int form;
	ks_diags *diags;
	size_t nerrors;
	bool oom;
	/* Aliases let a small file name one long value many times; copied text is budgeted so that
	 * such a file cannot make us allocate far more than it is long. */
	size_t copied;
	bool over_budget;
	int fy; /* 0 until a valid fiscal_year is read */
	ks_day fy_first, fy_last;
	char fy_name[40];
};

static const char *const facility_keys[] = {"name", "type", NULL};
static const char *const vendor_keys[] = {"name", "system", NULL};
static const char *const confirmer_keys[] = {"name", "title", NULL};
static const char *const item_keys[] = {"answer", "confirmed", "confirmed_by", "target", "evidence", "note", NULL};
static const char *const doc_keys[] = {"document", "version", "location", NULL};
static const char *const practice_keys[] = {"cell", "description", "confirmed", "evidence", NULL};

__attribute__((format(printf, 4, 0))) static void vreport(struct ctx *c, ks_diag_severity sev, ks_ynode at,
                                                          const char *fmt, va_list ap)
{
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	int line = c->y && at ? ks_yaml_line(c->y, at) : 0;
	int col = c->y && at ? ks_yaml_column(c->y, at) : 0;
	ks_diag_add(c->diags, sev, c->path, line, col, "%s", buf);
}

__attribute__((format(printf, 3, 4))) static void error(struct ctx *c, ks_ynode at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(c, KS_DIAG_ERROR, at, fmt, ap);
	va_end(ap);
	c->nerrors++;
}

__attribute__((format(printf, 3, 4))) static void warning(struct ctx *c, ks_ynode at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(c, KS_DIAG_WARNING, at, fmt, ap);
	va_end(ap);
}

static void *alloc(struct ctx *c, size_t n)
{
	void *p = ks_arena_alloc(c->a, n ? n : 1);
	if (!p)
		c->oom = true;
	return p;
}

/* Copies user text S into BUF for a message: at most about 40 bytes of whole UTF-8 characters,
 * control characters shown as '?', so that a hostile value cannot flood or steer a terminal. */
static const char *shown(char *buf, size_t len, const char *s)
{
	size_t o = 0, i = 0;
	while (s[i] && o + 8 < len && i < 40) {
		unsigned char b = (unsigned char)s[i];
		size_t n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
		if (b < 0x20 || b == 0x7f || (b == 0xc2 && (unsigned char)s[i + 1] >= 0x80 &&
		                              (unsigned char)s[i + 1] <= 0x9f)) {
			buf[o++] = '?';
			i += b < 0x80 ? 1 : 2;
			continue;
		}
		size_t k = 0;
		while (k < n && s[i + k])
			k++;
		if (k < n)
			break; /* truncated character: libyaml would not produce it, but stay safe */
		memcpy(buf + o, s + i, n);
		o += n;
		i += n;
	}
	if (s[i] && o + 4 <= len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = 0;
	return buf;
}

static const char *shape(const struct ctx *c, ks_ynode n)
{
	return ks_yaml_is_map(c->y, n) ? "a mapping" : ks_yaml_is_seq(c->y, n) ? "a list" : "a single value";
}

static void join(char *buf, size_t len, const char *const keys[])
{
	size_t o = 0;
	buf[0] = 0;
	for (size_t i = 0; keys[i] && o < len; i++) {
		int w = snprintf(buf + o, len - o, "%s%s", i ? ", " : "", keys[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

/* "facility" + "name" -> "facility.name" */
static const char *sub(char *buf, size_t len, const char *where, const char *key)
{
	snprintf(buf, len, "%s.%s", where, key);
	return buf;
}

/* Checks that N is a mapping whose keys are all among KEYS, each given once. Returns false when N
 * is not a mapping (reported). */
static bool check_map(struct ctx *c, ks_ynode n, const char *where, const char *const keys[])
{
	char list[256];
	join(list, sizeof list, keys);
	if (!ks_yaml_is_map(c->y, n)) {
		error(c, n, "%s: expected a mapping with the keys %s, not %s", where, list, shape(c, n));
		return false;
	}
	int first[16] = {0}; /* line where each known key was first given */
	for (size_t i = 0; i < ks_yaml_len(c->y, n); i++) {
		ks_ynode kn = ks_yaml_key_at(c->y, n, i);
		const char *k = ks_yaml_str(c->y, kn);
		char b[64];
		if (!k || strlen(k) != ks_yaml_strlen(c->y, kn)) {
			error(c, kn, "%s: expected a plain key (one of %s)", where, list);
			continue;
		}
		size_t j = 0;
		while (keys[j] && strcmp(keys[j], k) != 0)
			j++;
		if (!keys[j]) {
			error(c, kn, "%s: unknown key '%s' (accepted keys: %s)", where, shown(b, sizeof b, k), list);
		} else if (j < sizeof first / sizeof first[0] && first[j]) {
			char p[96];
			error(c, kn, "%s: duplicate key (first given at line %d)", sub(p, sizeof p, where, k), first[j]);
		} else if (j < sizeof first / sizeof first[0]) {
			first[j] = ks_yaml_line(c->y, kn);
		}
	}
	return true;
}

/* The text of scalar N, checked for length and control characters (tab and newline are allowed
 * only when MULTILINE); NULL after reporting a problem. */
static const char *scalar(struct ctx *c, ks_ynode n, const char *path, bool multiline)
{
	const char *s = ks_yaml_str(c->y, n);
	if (!s) {
		error(c, n, "%s: expected a single value, not %s", path, shape(c, n));
		return NULL;
	}
	size_t len = ks_yaml_strlen(c->y, n);
	if (len > KS_MAX_ANSWER_TEXT) {
		error(c, n, "%s: the value is %zu bytes long; at most %u bytes are accepted", path, len,
		      KS_MAX_ANSWER_TEXT);
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)s[i];
		unsigned cp = b;
		if (b == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9f)
			cp = (unsigned char)s[i + 1];
		else if (b >= 0x20 && b != 0x7f)
			continue;
		if (multiline && (b == '\t' || b == '\n'))
			continue;
		error(c, n, "%s: contains the control character U+%04X; %s", path, cp,
		      multiline ? "only tab and line breaks may appear in a note"
		                : "write it on one line without control characters");
		return NULL;
	}
	return s;
}

static const char *copy(struct ctx *c, ks_ynode n, const char *s)
{
	size_t len = strlen(s);
	if (c->copied + len > 2 * (size_t)KS_MAX_ANSWERS_BYTES) {
		if (!c->over_budget)
			error(c, n, "aliases repeat text beyond %u bytes; write the file without them",
			      2 * KS_MAX_ANSWERS_BYTES);
		c->over_budget = true;
		return NULL;
	}
	c->copied += len;
	char *r = ks_arena_strndup(c->a, s, len);
	if (!r)
		c->oom = true;
	return r;
}

enum { TXT_REQUIRED = 1, TXT_MULTILINE = 2 };

/* KEY of MAP as text in the arena. NULL when absent, empty (an error if required) or bad. */
static const char *text(struct ctx *c, ks_ynode map, const char *where, const char *key, unsigned flags)
{
	char p[96];
	sub(p, sizeof p, where, key);
	ks_ynode n = ks_yaml_get(c->y, map, key);
	if (!n) {
		if (flags & TXT_REQUIRED)
			error(c, map, "%s: missing required key '%s'", where, key);
		return NULL;
	}
	const char *s = scalar(c, n, p, flags & TXT_MULTILINE);
	if (!s)
		return NULL;
	if (!*s) {
		if (flags & TXT_REQUIRED)
			error(c, n, "%s: must not be empty", p);
		return NULL;
	}
	return copy(c, n, s);
}

/* KEY of MAP as a day (YYYY-MM-DD) inside the fiscal year; KS_DAY_NONE when absent or bad. */
static ks_day date(struct ctx *c, ks_ynode map, const char *where, const char *key)
{
	char p[96], b[64];
	sub(p, sizeof p, where, key);
	ks_ynode n = ks_yaml_get(c->y, map, key);
	if (!n)
		return KS_DAY_NONE;
	const char *s = scalar(c, n, p, false);
	if (!s)
		return KS_DAY_NONE;
	ks_day d = ks_day_parse(s);
	if (d == KS_DAY_NONE) {
		error(c, n, "%s: expected a date YYYY-MM-DD that exists in the calendar, got '%s'", p,
		      shown(b, sizeof b, s));
		return KS_DAY_NONE;
	}
	if (c->fy && (d < c->fy_first || d > c->fy_last)) {
		char f[16], l[16];
		error(c, n, "%s: %s must fall within %s (%s to %s)", p, s, c->fy_name, ks_day_iso(c->fy_first, f, sizeof f),
		      ks_day_iso(c->fy_last, l, sizeof l));
	}
	return d;
}

static int ascii_casecmp(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a, y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
		if (x != y)
			return x - y;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static void load_docs(struct ctx *c, ks_ynode map, const char *where, ks_answer_doc **docs, size_t *ndocs)
{
	char p[96];
	sub(p, sizeof p, where, "evidence");
	ks_ynode list = ks_yaml_get(c->y, map, "evidence");
	if (!list)
		return;
	if (!ks_yaml_is_seq(c->y, list)) {
		error(c, list, "%s: expected a list of documents (- document: ..., version: ..., location: ...), not %s",
		      p, shape(c, list));
		return;
	}
	size_t n = ks_yaml_len(c->y, list);
	if (n > KS_MAX_ANSWER_LIST) {
		error(c, list, "%s: %zu documents; at most %u are accepted", p, n, KS_MAX_ANSWER_LIST);
		n = KS_MAX_ANSWER_LIST;
	}
	*ndocs = 0;
	*docs = alloc(c, n * sizeof **docs);
	if (!*docs)
		return;
	for (size_t i = 0; i < n; i++) {
		ks_ynode d = ks_yaml_at(c->y, list, i);
		char w[128];
		snprintf(w, sizeof w, "%s[%zu]", p, i);
		if (!check_map(c, d, w, doc_keys))
			continue;
		ks_answer_doc x = {
			.document = text(c, d, w, "document", TXT_REQUIRED),
			.version = text(c, d, w, "version", 0),
			.location = text(c, d, w, "location", 0),
		};
		const char *loc = ks_yaml_str(c->y, ks_yaml_get(c->y, d, "location"));
		if (x.document && !x.location && (!ks_yaml_get(c->y, d, "location") || (loc && !*loc)))
			warning(c, d, "%s: no location: say where the document is kept (an inspector will ask to see it)",
			        w);
		if (x.document)
			(*docs)[(*ndocs)++] = x;
	}
}

/* Section numbers (as "3 and 4") whose items are all missing from FORM. */
static int sections_off_form(const struct ctx *c, char *buf, size_t len)
{
	int secs[16], n = 0;
	for (size_t i = 0; i < c->cat->nitems; i++) {
		int s = c->cat->items[i].section;
		bool on = false, seen = false;
		for (size_t j = 0; j < c->cat->nitems; j++)
			if (c->cat->items[j].section == s && (c->cat->items[j].forms & (unsigned)c->form))
				on = true;
		for (int k = 0; k < n; k++)
			seen |= secs[k] == s;
		if (!on && !seen && n < 16)
			secs[n++] = s;
	}
	size_t o = 0;
	buf[0] = 0;
	for (int k = 0; k < n && o < len; k++) {
		int w = snprintf(buf + o, len - o, "%s%d", k == 0 ? "" : k == n - 1 ? " and " : ", ", secs[k]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return n;
}

static const ks_item *find_item(const ks_catalog *cat, const char *key)
{
	for (size_t i = 0; i < cat->nitems; i++)
		if (strcmp(cat->items[i].id, key) == 0 || (cat->items[i].label && strcmp(cat->items[i].label, key) == 0))
			return &cat->items[i];
	return NULL;
}

static void load_item(struct ctx *c, const ks_item *it, ks_ynode key, ks_ynode v, ks_item_answer *x)
{
	char where[64], b[64];
	snprintf(where, sizeof where, "items.%s", it->id);
	x->item = ks_arena_strdup(c->a, it->id);
	if (!x->item)
		c->oom = true;
	x->confirmed = x->target = KS_DAY_NONE;
	x->line = ks_yaml_line(c->y, key);
	if (!check_map(c, v, where, item_keys))
		return;
	ks_ynode an = ks_yaml_get(c->y, v, "answer");
	if (an) {
		char p[96];
		const char *s = scalar(c, an, sub(p, sizeof p, where, "answer"), false);
		if (s && (strcmp(s, "はい") == 0 || ascii_casecmp(s, "yes") == 0))
			x->answer = KS_ANSWER_YES;
		else if (s && (strcmp(s, "いいえ") == 0 || ascii_casecmp(s, "no") == 0))
			x->answer = KS_ANSWER_NO;
		else if (s)
			error(c, an, "%s: expected はい, いいえ, yes or no, got '%s'", p, shown(b, sizeof b, s));
	}
	ks_ynode cn = ks_yaml_get(c->y, v, "confirmed"), tn = ks_yaml_get(c->y, v, "target");
	x->confirmed = date(c, v, where, "confirmed");
	x->target = date(c, v, where, "target");
	if (x->answer != KS_ANSWER_NONE && !cn)
		error(c, v, "%s: an answer needs the day it was confirmed (確認日): confirmed: YYYY-MM-DD", where);
	if (x->answer == KS_ANSWER_NO && !tn)
		error(c, v, "%s: the answer いいえ needs a target date (目標日) by which it will be done: target: YYYY-MM-DD",
		      where);
	if (x->answer == KS_ANSWER_YES && tn)
		warning(c, tn, "%s.target: kept, but not printed on the form because the answer is はい", where);
	if (x->target != KS_DAY_NONE && x->confirmed != KS_DAY_NONE && x->target < x->confirmed) {
		char t[16], d[16];
		error(c, tn, "%s.target: %s is earlier than the confirmation date %s", where,
		      ks_day_iso(x->target, t, sizeof t), ks_day_iso(x->confirmed, d, sizeof d));
	}
	x->confirmed_by = text(c, v, where, "confirmed_by", 0);
	x->note = text(c, v, where, "note", TXT_MULTILINE);
	load_docs(c, v, where, &x->docs, &x->ndocs);
}

static void load_items(struct ctx *c, ks_ynode map, ks_answers *ans)
{
	if (!map)
		return;
	if (!ks_yaml_is_map(c->y, map)) {
		error(c, map, "items: expected a mapping from item id (\"1-1\" or \"1-①\") to its answer, not %s",
		      shape(c, map));
		return;
	}
	size_t ncat = c->cat->nitems;
	ans->items = alloc(c, ncat * sizeof *ans->items);
	int *first = alloc(c, ncat * sizeof *first);
	if (!ans->items || !first)
		return;
	const char *lo = ncat ? c->cat->items[0].id : "", *hi = ncat ? c->cat->items[ncat - 1].id : "";
	for (size_t i = 0; i < ks_yaml_len(c->y, map); i++) {
		ks_ynode k = ks_yaml_key_at(c->y, map, i), v = ks_yaml_value_at(c->y, map, i);
		const char *id = ks_yaml_str(c->y, k);
		char b[64];
		if (!id || strlen(id) != ks_yaml_strlen(c->y, k)) {
			error(c, k, "items: expected an item id such as \"1-1\" as the key");
			continue;
		}
		const ks_item *it = find_item(c->cat, id);
		if (!it) {
			error(c, k, "items: unknown item '%s' (the catalog %s has items %s .. %s; write the id \"2-7\" or the label \"2-⑦\")",
			      shown(b, sizeof b, id), c->cat->name ? c->cat->name : "", lo, hi);
			continue;
		}
		size_t idx = (size_t)(it - c->cat->items);
		if (first[idx]) {
			error(c, k, "items: item %s is given twice (first at line %d)", it->id, first[idx]);
			continue;
		}
		first[idx] = ks_yaml_line(c->y, k);
		if (!(it->forms & (unsigned)c->form)) {
			char secs[64];
			int n = sections_off_form(c, secs, sizeof secs);
			if (c->form == KS_FORM_VENDOR)
				error(c, k, "items: item %s is not on the vendor form (事業者確認用): section%s %s %s answered by the medical institution (医療機関等確認用)",
				      it->id, n > 1 ? "s" : "", secs, n > 1 ? "are" : "is");
			else
				error(c, k, "items: item %s is not on the facility form (医療機関等確認用)", it->id);
			continue;
		}
		load_item(c, it, k, v, &ans->items[ans->nitems++]);
	}
}

static void load_practices(struct ctx *c, ks_ynode list, ks_answers *ans)
{
	if (!list)
		return;
	if (!ks_yaml_is_seq(c->y, list)) {
		error(c, list, "practices: expected a list of measures (- cell: ..., description: ...), not %s",
		      shape(c, list));
		return;
	}
	size_t n = ks_yaml_len(c->y, list);
	if (n > KS_MAX_ANSWER_LIST) {
		error(c, list, "practices: %zu entries; at most %u are accepted", n, KS_MAX_ANSWER_LIST);
		n = KS_MAX_ANSWER_LIST;
	}
	ans->practices = alloc(c, n * sizeof *ans->practices);
	if (!ans->practices)
		return;
	for (size_t i = 0; i < n; i++) {
		ks_ynode pn = ks_yaml_at(c->y, list, i);
		char where[32], b[64];
		snprintf(where, sizeof where, "practices[%zu]", i);
		if (!check_map(c, pn, where, practice_keys))
			continue;
		/* a practice that is not kept leaves its slot to the next one: start from a clean slot */
		ks_practice *x = &ans->practices[ans->npractices];
		*x = (ks_practice){.cell = -1, .confirmed = KS_DAY_NONE, .line = ks_yaml_line(c->y, pn)};
		ks_ynode cn = ks_yaml_get(c->y, pn, "cell");
		if (!cn) {
			error(c, pn, "%s: missing required key 'cell'", where);
		} else {
			char p[64];
			const char *s = scalar(c, cn, sub(p, sizeof p, where, "cell"), false);
			if (s && (x->cell = ks_cell_parse(s)) < 0)
				error(c, cn, "%s: unknown cell '%s' (expected ROW-COLUMN: ROW organisational, system or staff; COLUMN corrective, detective or preventive, e.g. staff-preventive)",
				      p, shown(b, sizeof b, s));
		}
		x->description = text(c, pn, where, "description", TXT_REQUIRED);
		x->confirmed = date(c, pn, where, "confirmed");
		load_docs(c, pn, where, &x->docs, &x->ndocs);
		if (x->cell >= 0 && x->description)
			ans->npractices++;
	}
}

static int facility_type(const char *s)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {
		{"病院", KS_FACILITY_HOSPITAL}, {"hospital", KS_FACILITY_HOSPITAL},
		{"診療所", KS_FACILITY_CLINIC},  {"clinic", KS_FACILITY_CLINIC},
		{"薬局", KS_FACILITY_PHARMACY}, {"pharmacy", KS_FACILITY_PHARMACY},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (ascii_casecmp(s, types[i].name) == 0)
			return types[i].type;
	return 0;
}

/* Top-level keys, each read by its own function when met in the file, so that diagnostics come
 * out roughly in file order. */
static void key_form(struct ctx *c, ks_ynode k, ks_ynode n, ks_answers *ans)
{
	(void)k, (void)ans;
	char b[64];
	const char *s = scalar(c, n, "form", false);
	if (!s)
		return;
	int f = strcmp(s, "facility") == 0 ? KS_FORM_FACILITY : strcmp(s, "vendor") == 0 ? KS_FORM_VENDOR : 0;
	if (!f)
		error(c, n, "form: expected facility or vendor, got '%s'", shown(b, sizeof b, s));
	else if (f != c->form)
		error(c, n, "form: this file is for the %s form but the %s form is being filled in",
		      f == KS_FORM_VENDOR ? "vendor (事業者確認用)" : "facility (医療機関等確認用)",
		      c->form == KS_FORM_VENDOR ? "vendor (事業者確認用)" : "facility (医療機関等確認用)");
}

static void key_facility(struct ctx *c, ks_ynode k, ks_ynode n, ks_answers *ans)
{
	(void)k;
	char b[64];
	if (!check_map(c, n, "facility", facility_keys))
		return;
	ans->facility_name = text(c, n, "facility", "name", TXT_REQUIRED);
	ks_ynode t = ks_yaml_get(c->y, n, "type");
	if (!t && c->form != KS_FORM_VENDOR) {
		error(c, n, "facility: missing required key 'type' (病院, 診療所 or 薬局)");
	} else if (t) {
		const char *s = scalar(c, t, "facility.type", false);
		if (s && !(ans->facility_type = facility_type(s)))
			error(c, t, "facility.type: expected 病院, 診療所 or 薬局 (hospital, clinic, pharmacy), got '%s'",
			      shown(b, sizeof b, s));
	}
}

static void key_vendor(struct ctx *c, ks_ynode k, ks_ynode n, ks_answers *ans)
{
	if (c->form != KS_FORM_VENDOR) {
		error(c, k, "vendor: only on the vendor form (事業者確認用); this is the facility form");
		return;
	}
	if (!check_map(c, n, "vendor", vendor_keys))
		return;
	ans->vendor_name = text(c, n, "vendor", "name", TXT_REQUIRED);
	ans->system_name = text(c, n, "vendor", "system", TXT_REQUIRED);
}

static void key_fiscal_year(struct ctx *c, ks_ynode k, ks_ynode n, ks_answers *ans)
{
	(void)k, (void)ans;
	char b[64];
	const char *s = scalar(c, n, "fiscal_year", false);
	if (s && ks_fiscal_year_parse(s) < 0)
		error(c, n, "fiscal_year: expected a fiscal year such as 令和7年度, 令和7, R7 or 2025, got '%s'",
		      shown(b, sizeof b, s));
}

static void key_confirmed_by(struct ctx *c, ks_ynode k, ks_ynode n, ks_answers *ans)
{
	(void)k;
	if (!check_map(c, n, "confirmed_by", confirmer_keys))
		return;
	ans->confirmer_name = text(c, n, "confirmed_by", "name", TXT_REQUIRED);
	ans->confirmer_title = text(c, n, "confirmed_by", "title", 0);
}

static void key_has_system(struct ctx *c, ks_ynode k, ks_ynode n, ks_answers *ans)
{
	(void)k;
	static const char *const yes[] = {"true", "yes", "はい", "あり"}, *const no[] = {"false", "no", "いいえ", "なし"};
	char b[64];
	const char *s = scalar(c, n, "has_medical_information_system", false);
	if (!s)
		return;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (ascii_casecmp(s, yes[i]) == 0 || ascii_casecmp(s, no[i]) == 0) {
			ans->has_system = ascii_casecmp(s, yes[i]) == 0;
			return;
		}
	}
	error(c, n, "has_medical_information_system: expected true or false (はい/いいえ, あり/なし), got '%s'",
	      shown(b, sizeof b, s));
}

static void key_max_age(struct ctx *c, ks_ynode k, ks_ynode n, ks_answers *ans)
{
	(void)k;
	char b[64];
	const char *s = scalar(c, n, "max_result_age_days", false);
	if (!s)
		return;
	size_t len = strlen(s);
	int v = 0;
	for (size_t i = 0; i < len && i < 5; i++)
		v = s[i] >= '0' && s[i] <= '9' ? v * 10 + (s[i] - '0') : -1000000;
	if (len == 0 || len > 4 || v < 1 || v > 3650)
		error(c, n, "max_result_age_days: expected a whole number of days from 1 to 3650, got '%s'",
		      shown(b, sizeof b, s));
	else
		ans->max_result_age_days = v;
}

static void key_items(struct ctx *c, ks_ynode k, ks_ynode n, ks_answers *ans)
{
	(void)k;
	load_items(c, n, ans);
}

static void key_practices(struct ctx *c, ks_ynode k, ks_ynode n, ks_answers *ans)
{
	(void)k;
	load_practices(c, n, ans);
}

static const struct {
	const char *key;
	void (*load)(struct ctx *c, ks_ynode k, ks_ynode n, ks_answers *ans);
} top[] = {
	{"form", key_form},
	{"facility", key_facility},
	{"vendor", key_vendor},
	{"fiscal_year", key_fiscal_year},
	{"confirmed_by", key_confirmed_by},
	{"has_medical_information_system", key_has_system},
	{"max_result_age_days", key_max_age},
	{"items", key_items},
	{"practices", key_practices},
};

static void load_top(struct ctx *c, ks_ynode root, ks_answers *ans)
{
	/* The fiscal year bounds every date in the file, wherever it is written; a bad one is
	 * reported where it stands. */
	int fy = ks_fiscal_year_parse(ks_yaml_str(c->y, ks_yaml_get(c->y, root, "fiscal_year")));
	if (fy > 0) {
		ans->fiscal_year = c->fy = fy;
		c->fy_first = ks_fiscal_year_first(fy);
		c->fy_last = ks_fiscal_year_last(fy);
		ks_fiscal_year_wareki(fy, c->fy_name, sizeof c->fy_name);
	}
	if (!ks_yaml_get(c->y, root, "facility"))
		error(c, root, "missing required key 'facility' (name and type of the %s)",
		      c->form == KS_FORM_VENDOR ? "customer facility" : "medical institution");
	if (c->form == KS_FORM_VENDOR && !ks_yaml_get(c->y, root, "vendor"))
		error(c, root, "missing required key 'vendor' (name and system of the vendor answering)");
	if (!ks_yaml_get(c->y, root, "fiscal_year"))
		error(c, root, "missing required key 'fiscal_year' (e.g. 令和7年度)");
	if (!ks_yaml_get(c->y, root, "confirmed_by"))
		error(c, root, "missing required key 'confirmed_by' (確認者: name and title)");

	const char *keys[sizeof top / sizeof top[0] + 1] = {0};
	for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
		keys[i] = top[i].key;
	char list[256];
	join(list, sizeof list, keys);
	int first[sizeof top / sizeof top[0]] = {0};
	for (size_t i = 0; i < ks_yaml_len(c->y, root); i++) {
		ks_ynode kn = ks_yaml_key_at(c->y, root, i), vn = ks_yaml_value_at(c->y, root, i);
		const char *k = ks_yaml_str(c->y, kn);
		char b[64];
		if (!k || strlen(k) != ks_yaml_strlen(c->y, kn)) {
			error(c, kn, "expected a plain key (one of %s)", list);
			continue;
		}
		size_t j = 0;
		while (j < sizeof top / sizeof top[0] && strcmp(top[j].key, k) != 0)
			j++;
		if (j == sizeof top / sizeof top[0]) {
			error(c, kn, "unknown key '%s' at the top level (accepted keys: %s)", shown(b, sizeof b, k), list);
		} else if (first[j]) {
			error(c, kn, "%s: duplicate key (first given at line %d)", k, first[j]);
		} else {
			first[j] = ks_yaml_line(c->y, kn);
			top[j].load(c, kn, vn, ans);
		}
	}
}

/* Turns ks_yaml_load's "NAME:LINE:COL: problem" into a diagnostic at that place. */
static void syntax_error(struct ctx *c, const char *name, const char *err)
{
	int line = 0, col = 0, off = 0;
	size_t nl = strlen(name);
	const char *msg = err;
	if (strncmp(err, name, nl) == 0 && err[nl] == ':' &&
	    sscanf(err + nl + 1, "%d:%d: %n", &line, &col, &off) == 2 && off > 0)
		msg = err + nl + 1 + off;
	ks_diag_add(c->diags, KS_DIAG_ERROR, c->path, line, col, "YAML syntax error: %s", msg);
	c->nerrors++;
}

int ks_answers_load(ks_arena *a, const char *path, const char *data, size_t len,
                    const ks_catalog *catalog, int form, ks_answers **out, ks_diags *diags)
{
	*out = NULL;
	const char *name = path ? path : "(input)";
	ks_answers *ans = ks_arena_alloc(a, sizeof *ans);
	if (!ans || !(ans->path = ks_arena_strdup(a, name)))
		return KS_ENOMEM;
	ans->has_system = true;
	ans->max_result_age_days = 30;
	*out = ans;
	struct ctx c = {.a = a, .path = ans->path, .cat = catalog, .form = form, .diags = diags};
	if (len > KS_MAX_ANSWERS_BYTES) {
		ks_diag_add(diags, KS_DIAG_ERROR, c.path, 0, 0,
		            "the file is %zu bytes long; an answers file may be at most %u bytes", len,
		            KS_MAX_ANSWERS_BYTES);
		return KS_EPARSE;
	}
	char err[512] = "";
	int rc = ks_yaml_load(&c.y, name, data, len, err, sizeof err);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0) {
		syntax_error(&c, name, err);
		return KS_EPARSE;
	}
	ks_ynode root = ks_yaml_root(c.y);
	if (!ks_yaml_is_map(c.y, root)) {
		error(&c, root, "expected a mapping at the top level (facility:, fiscal_year:, confirmed_by:, items: ...), not %s",
		      shape(&c, root));
	} else {
		load_top(&c, root, ans);
	}
	ks_yaml_free(c.y);
	if (c.oom)
		return KS_ENOMEM;
	return c.nerrors ? KS_EPARSE : KS_OK;
}

const ks_item_answer *ks_answers_find(const ks_answers *ans, const char *item)
{
	if (!ans || !item)
		return NULL;
	for (size_t i = 0; i < ans->nitems; i++)
		if (strcmp(ans->items[i].item, item) == 0)
			return &ans->items[i];
	return NULL;
}
