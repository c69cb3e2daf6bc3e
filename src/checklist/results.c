/* Reading one scan result (schema kenshin.scan/1) with yajl's callback parser. A fleet sends
 * thousands of these files, so no tree is built: a small state machine keeps what ks_cl_host needs
 * and skips everything else, which also lets newer scanners add fields freely. */
#include "results.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "checklist/date.h"
#include "core/error.h"
#include "core/limits.h"

#define SCHEMA "kenshin.scan/1"
#define MAX_DEPTH 64         /* JSON nesting: the format uses 5 levels, evidence values a few more */
#define HOST_TEXT_MAX 255    /* a DNS name's limit; plenty for os, kernel, machine id, versions */
#define TEXT_MAX 4096        /* waiver texts and rule errors */
#define DECISIVE_MAX 16      /* decisive evidence kept per item; the rest is counted (nevidence_more) */
#define ADDRESSES_MAX 256
#define ELLIPSIS "\xe2\x80\xa6" /* "…", appended to text that was cut */

enum frame {
	FR_ROOT, FR_CATALOG, FR_HOST, FR_ADDRESSES, FR_RESULTS, FR_RESULT, FR_EVIDENCES, FR_EVIDENCE,
	FR_WAIVER, FR_DIAGNOSTICS,
};

enum field {
	F_SKIP,
	F_SCHEMA, F_KENSHIN, F_PROFILE, F_CATALOG, F_SCANNED_AT, F_AS_ROOT, F_HOST, F_RESULTS, F_DIAGNOSTICS,
	F_NAME, F_EDITION,
	F_HOSTNAME, F_OS, F_OS_ID, F_OS_VERSION, F_KERNEL, F_ARCH, F_MACHINE_ID, F_ADDRESSES, F_ROLE,
	F_ITEM, F_VERDICT, F_EVIDENCE, F_WAIVER, F_RULE_ERROR,
	F_FACT, F_VALUE, F_SOURCE, F_NOTE, F_DECISIVE,
	F_JUSTIFICATION, F_APPROVER, F_EXPIRES, F_W_HOST, F_W_SOURCE, F_EXPIRED, F_WITHOUT,
};

struct key {
	const char *name;
	unsigned char len;
	unsigned char field;
};
#define K(s, f) {s, sizeof s - 1, f}

/* Keys each object knows, per frame; anything else is skipped. */
static const struct key root_keys[] = {
	K("schema", F_SCHEMA), K("kenshin", F_KENSHIN), K("profile", F_PROFILE), K("catalog", F_CATALOG),
	K("scanned_at", F_SCANNED_AT), K("as_root", F_AS_ROOT), K("host", F_HOST), K("results", F_RESULTS),
	K("diagnostics", F_DIAGNOSTICS), {NULL, 0, 0},
};
static const struct key catalog_keys[] = {K("name", F_NAME), K("edition", F_EDITION), {NULL, 0, 0}};
static const struct key host_keys[] = {
	K("hostname", F_HOSTNAME), K("os", F_OS), K("os_id", F_OS_ID), K("os_version", F_OS_VERSION),
	K("kernel", F_KERNEL), K("arch", F_ARCH), K("machine_id", F_MACHINE_ID), K("addresses", F_ADDRESSES),
	K("role", F_ROLE), {NULL, 0, 0},
};
static const struct key result_keys[] = {
	K("item", F_ITEM), K("verdict", F_VERDICT), K("evidence", F_EVIDENCE), K("waiver", F_WAIVER),
	K("rule_error", F_RULE_ERROR), {NULL, 0, 0},
};
static const struct key evidence_keys[] = {
	K("fact", F_FACT), K("value", F_VALUE), K("source", F_SOURCE), K("note", F_NOTE),
	K("decisive", F_DECISIVE), {NULL, 0, 0},
};
static const struct key waiver_keys[] = {
	K("justification", F_JUSTIFICATION), K("approver", F_APPROVER), K("expires", F_EXPIRES),
	K("host", F_W_HOST), K("source", F_W_SOURCE), K("expired", F_EXPIRED),
	K("verdict_without_waiver", F_WITHOUT), {NULL, 0, 0},
};

enum vtype { VT_NULL, VT_BOOL, VT_NUM, VT_STR, VT_MAP, VT_ARRAY };

/* One evidence entry while its object is read: "decisive" may follow "value", so an entry is
 * only kept (copied to the arena) once the object is closed. */
struct slot {
	char fact[KS_CL_VALUE_MAX + 1], value[KS_CL_VALUE_MAX + 1];
	char source[KS_CL_VALUE_MAX + 1], note[KS_CL_VALUE_MAX + 1];
	bool has_source, has_note, decisive;
};
#define NSLOTS (DECISIVE_MAX + KS_CL_EVIDENCE_MAX + 1)

struct ctx {
	ks_arena *a;
	const char *data;
	size_t len;
	const ks_catalog *cat;
	ks_cl_host *out;
	yajl_handle h;

	unsigned depth;              /* all open containers */
	unsigned char frames[MAX_DEPTH + 2];
	unsigned nframes;
	unsigned skip;               /* > 0: inside a container nobody needs */
	enum field field;            /* what the next value of the current object is */
	const char *key;             /* its name, for messages */

	/* compact writer for an evidence value */
	unsigned vdepth;
	bool vfirst[MAX_DEPTH + 2], vafter_key, vcut;
	size_t vlen;

	bool root_seen, schema_seen, schema_ok, catalog_seen, catalog_named, scanned_seen, host_seen;
	bool role_seen, results_seen;
	size_t catalog_off, host_off;

	const char *addresses[ADDRESSES_MAX];
	size_t naddresses;

	/* the result entry being read */
	size_t res_off, item_off;
	long item;                   /* catalog index; -1 unknown; -2 not seen yet */
	char item_text[64];
	bool has_verdict;
	ks_verdict_kind verdict;
	const char *rule_error;
	ks_cl_waiver waiver;
	bool has_waiver, has_without;
	struct slot slots[NSLOTS];
	unsigned char free_slots[NSLOTS], nfree;
	unsigned char dec[DECISIVE_MAX], first[KS_CL_EVIDENCE_MAX];
	unsigned ndec, nfirst, cur;
	size_t ndec_more;  /* decisive entries beyond DECISIVE_MAX */

	/* the first problem found: reported with its byte offset */
	int rc;
	bool failed, fatal, has_off;
	size_t err_off;
	char msg[512];
};

/* --- errors --------------------------------------------------------------------------------- */

/* Start of the token yajl has just handed over: its callbacks fire with the byte count just past
 * the token, which is enough to find where a string, number or container began. */
static size_t token_start(const struct ctx *c)
{
	size_t o = yajl_get_bytes_consumed(c->h);
	if (o > c->len)
		o = c->len;
	if (o == 0)
		return 0;
	const char *d = c->data;
	char last = d[o - 1];
	if (last == '"') {
		for (size_t i = o - 1; i-- > 0;) {
			if (d[i] != '"')
				continue;
			size_t bs = 0;
			while (bs < i && d[i - 1 - bs] == '\\')
				bs++;
			if (bs % 2 == 0)
				return i;
		}
		return 0;
	}
	if (last == '{' || last == '[' || last == '}' || last == ']')
		return o - 1;
	size_t i = o;
	while (i > 0 && (strchr("+-.eE", d[i - 1]) || (d[i - 1] >= '0' && d[i - 1] <= '9') ||
	                 (d[i - 1] >= 'a' && d[i - 1] <= 'z')))
		i--;
	return i;
}

/* Text from the file shown in a message: short, and without control bytes that would reach the
 * terminal as escape sequences. */
static const char *shown(char *buf, size_t size, const char *s, size_t n)
{
	size_t k = n;
	if (n >= size) {
		k = size - sizeof ELLIPSIS;
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
	}
	for (size_t i = 0; i < k; i++) {
		unsigned char ch = (unsigned char)s[i];
		buf[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	if (k < n)
		memcpy(buf + k, ELLIPSIS, sizeof ELLIPSIS);
	else
		buf[k] = 0;
	return buf;
}

__attribute__((format(printf, 4, 0))) static int vfail_at(struct ctx *c, bool has_off, size_t off,
                                                         const char *fmt, va_list ap)
{
	if (!c->failed) {
		vsnprintf(c->msg, sizeof c->msg, fmt, ap);
		c->has_off = has_off;
		c->err_off = off;
		c->failed = true;
		c->rc = KS_EPARSE;
	}
	/* Until the schema is known to be ours, a later "schema" may explain this error better:
	 * keep reading, ignoring everything but that key. */
	return c->schema_ok ? 0 : 1;
}

__attribute__((format(printf, 3, 4))) static int fail_at(struct ctx *c, size_t off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfail_at(c, true, off, fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((format(printf, 2, 3))) static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfail_at(c, true, token_start(c), fmt, ap);
	va_end(ap);
	return r;
}

/* Errors that stop reading at once, whatever the schema. */
__attribute__((format(printf, 2, 3))) static int fatal(struct ctx *c, const char *fmt, ...)
{
	if (!c->failed) {
		va_list ap;
		va_start(ap, fmt);
		vfail_at(c, true, token_start(c), fmt, ap);
		va_end(ap);
	}
	c->fatal = true;
	return 0;
}

static int nomem(struct ctx *c)
{
	c->rc = KS_ENOMEM;
	c->failed = c->fatal = true;
	snprintf(c->msg, sizeof c->msg, "out of memory");
	c->has_off = false;
	return 0;
}

/* Points at the bad byte when the string had no escapes (its text is then the file's bytes). */
static int bad_utf8(struct ctx *c, size_t n, size_t bad)
{
	size_t start = token_start(c), end = yajl_get_bytes_consumed(c->h);
	size_t off = end - start == n + 2 ? start + 1 + bad : start;
	return fail_at(c, off, "invalid UTF-8 in a string (result files are UTF-8 JSON)");
}

static const char *type_name(enum vtype t, int b)
{
	static const char *const names[] = {"null", "a boolean", "a number", "a string", "an object", "an array"};
	return t == VT_BOOL ? (b ? "true" : "false") : names[t];
}

static int expected(struct ctx *c, const char *what, enum vtype t, int b)
{
	return fail(c, "expected %s for '%s', found %s", what, c->key ? c->key : "?", type_name(t, b));
}

/* --- text ----------------------------------------------------------------------------------- */

/* Length of S[0..N) cut to at most CAP bytes with room for "…", on a character boundary
 * (the input is valid UTF-8: yajl checked it). */
static size_t cut_len(const char *s, size_t n, size_t cap)
{
	if (n <= cap)
		return n;
	size_t k = cap - (sizeof ELLIPSIS - 1);
	while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	return k;
}

static char *cut_dup(ks_arena *a, const char *s, size_t n, size_t cap)
{
	size_t k = cut_len(s, n, cap);
	char *p = ks_arena_alloc(a, k + sizeof ELLIPSIS);
	if (!p)
		return NULL;
	memcpy(p, s, k);
	if (k < n)
		memcpy(p + k, ELLIPSIS, sizeof ELLIPSIS);
	return p;
}

/* Eight bytes at a time over plain text (evidence values are most of a file's strings). */
#define ONES 0x0101010101010101u
#define HIGH 0x8080808080808080u
static uint64_t load8(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* Whether W has a byte below 0x20, '"' or '\\': the bytes JSON writes escaped. */
static bool word_needs_escape(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
	return (((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGH;
}

/* Offset of the first byte of S[0..N) that does not start a well-formed UTF-8 character, looking
 * at characters that start before LIMIT (text past a cut is never kept); N when all are good.
 * yajl's own check lets overlong forms, surrogates and code points past U+10FFFF through; kept text
 * must not carry them into the XLSX and HTML reports. */
static size_t utf8_bad(const char *str, size_t n, size_t limit)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	if (limit > n)
		limit = n;
	while (i < limit) {
		unsigned ch = s[i];
		if (ch < 0x80) {
			while (i + 8 <= limit && !(load8(s + i) & HIGH))
				i += 8;
			if (i < limit && s[i] < 0x80)
				i++;
			continue;
		}
		size_t k;
		unsigned lo = 0x80, hi = 0xbf;
		if (ch >= 0xc2 && ch <= 0xdf) {
			k = 1;
		} else if (ch >= 0xe0 && ch <= 0xef) {
			k = 2;
			lo = ch == 0xe0 ? 0xa0 : 0x80;
			hi = ch == 0xed ? 0x9f : 0xbf;
		} else if (ch >= 0xf0 && ch <= 0xf4) {
			k = 3;
			lo = ch == 0xf0 ? 0x90 : 0x80;
			hi = ch == 0xf4 ? 0x8f : 0xbf;
		} else {
			return i;
		}
		if (n - i <= k || s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t j = 2; j <= k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return i;
		i += k + 1;
	}
	return n;
}

/* Bytes of a string the value writer can still use: each input byte makes at least one output
 * byte, so one more than the room left is enough to know the value is cut. */
static size_t w_room(const struct ctx *c) { return KS_CL_VALUE_MAX - c->vlen + 1; }

/* Into a fixed buffer of CAP + 1 bytes. */
static void cut_copy(char *dst, const char *s, size_t n, size_t cap)
{
	size_t k = cut_len(s, n, cap);
	memcpy(dst, s, k);
	if (k < n)
		memcpy(dst + k, ELLIPSIS, sizeof ELLIPSIS);
	else
		dst[k] = 0;
}

static bool eq(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n == m && memcmp(s, lit, n) == 0;
}

static int parse_verdict(const char *s, size_t n)
{
	for (int k = 0; k < KS_VERDICT_KINDS; k++)
		if (eq(s, n, ks_verdict_id((ks_verdict_kind)k)))
			return k;
	return -1;
}

/* --- the compact writer for evidence values ---------------------------------------------------- */

static struct slot *cur_slot(struct ctx *c) { return &c->slots[c->cur]; }

static void w_raw(struct ctx *c, const char *s, size_t n)
{
	if (c->vcut)
		return;
	char *v = cur_slot(c)->value;
	if (c->vlen + n > KS_CL_VALUE_MAX) {
		/* keep what fits so the cut can land on a character boundary */
		n = KS_CL_VALUE_MAX - c->vlen;
		c->vcut = true;
	}
	memcpy(v + c->vlen, s, n);
	c->vlen += n;
}

static void w_str(struct ctx *c, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	w_raw(c, "\"", 1);
	if (n > w_room(c))
		n = w_room(c); /* the rest would be cut anyway */
	size_t run = 0;
	for (size_t i = 0; i < n && !c->vcut; i++) {
		while (i + 8 <= n && !word_needs_escape(load8((const unsigned char *)s + i)))
			i += 8;
		if (i >= n)
			break;
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		w_raw(c, s + run, i - run);
		run = i + 1;
		char esc[6] = {'\\', 0};
		size_t k = 2;
		switch (ch) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\t': esc[1] = 't'; break;
		case '\r': esc[1] = 'r'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
			k = 6;
		}
		w_raw(c, esc, k);
	}
	if (run < n)
		w_raw(c, s + run, n - run);
	w_raw(c, "\"", 1);
}

/* Comma before an element or key, except the first in its container or a key's value. */
static void w_sep(struct ctx *c)
{
	if (c->vdepth == 0)
		return;
	if (c->vafter_key)
		c->vafter_key = false;
	else if (!c->vfirst[c->vdepth])
		w_raw(c, ",", 1);
	c->vfirst[c->vdepth] = false;
}

static void w_scalar(struct ctx *c, enum vtype t, const char *s, size_t n, int b)
{
	w_sep(c);
	switch (t) {
	case VT_NULL: w_raw(c, "null", 4); break;
	case VT_BOOL: b ? w_raw(c, "true", 4) : w_raw(c, "false", 5); break;
	case VT_NUM: w_raw(c, s, n); break;
	case VT_STR: w_str(c, s, n); break;
	default: break;
	}
}

static void w_open(struct ctx *c, bool map)
{
	w_sep(c);
	w_raw(c, map ? "{" : "[", 1);
	c->vdepth++;
	c->vfirst[c->vdepth] = true;
}

static void w_done(struct ctx *c)
{
	char *v = cur_slot(c)->value;
	size_t n = c->vlen;
	if (c->vcut) {
		n = cut_len(v, KS_CL_VALUE_MAX + 1, KS_CL_VALUE_MAX);
		memcpy(v + n, ELLIPSIS, sizeof ELLIPSIS);
	} else {
		v[n] = 0;
	}
}

/* --- frames ---------------------------------------------------------------------------------- */

static int push(struct ctx *c, enum frame f)
{
	c->frames[c->nframes++] = (unsigned char)f;
	c->field = F_SKIP;
	c->key = NULL;
	return 1;
}

static enum frame top(const struct ctx *c) { return (enum frame)c->frames[c->nframes - 1]; }

static int skip(struct ctx *c, enum vtype t)
{
	if (t == VT_MAP || t == VT_ARRAY)
		c->skip = 1;
	return 1;
}

static int set_text(struct ctx *c, enum vtype t, const char *s, size_t n, int b, size_t cap,
                    const char **dst)
{
	size_t bad;
	if (t == VT_NULL) {
		*dst = NULL;
		return 1;
	}
	if (t != VT_STR)
		return expected(c, "a string or null", t, b);
	if ((bad = utf8_bad(s, n, cap)) < n)
		return bad_utf8(c, n, bad);
	if (!(*dst = cut_dup(c->a, s, n, cap)))
		return nomem(c);
	return 1;
}

static int check_schema(struct ctx *c, enum vtype t, const char *s, size_t n, int b)
{
	c->schema_seen = true;
	if (t == VT_STR && eq(s, n, SCHEMA)) {
		c->schema_ok = true;
		/* an error held back until now is the one to report */
		return c->failed ? 0 : 1;
	}
	char buf[80];
	const char *found = t == VT_STR ? shown(buf, sizeof buf, s, n) : type_name(t, b);
	/* the schema explains everything else: it replaces an earlier error */
	c->failed = false;
	fatal(c, "unsupported schema %s%s%s (this kenshin reads '" SCHEMA "' results)", t == VT_STR ? "'" : "",
	      found, t == VT_STR ? "'" : "");
	return 0;
}

static int root_value(struct ctx *c, enum vtype t, const char *s, size_t n, int b)
{
	switch (c->field) {
	case F_SCHEMA:
		return check_schema(c, t, s, n, b);
	case F_KENSHIN:
		return set_text(c, t, s, n, b, HOST_TEXT_MAX, &c->out->kenshin_version);
	case F_PROFILE:
		return set_text(c, t, s, n, b, HOST_TEXT_MAX, &c->out->profile);
	case F_CATALOG:
		if (t != VT_MAP)
			return expected(c, "an object", t, b);
		c->catalog_seen = true;
		c->catalog_off = token_start(c);
		return push(c, FR_CATALOG);
	case F_SCANNED_AT: {
		if (t != VT_STR)
			return expected(c, "a UTC time such as \"2026-11-22T04:50:00Z\"", t, b);
		char buf[32], shown_buf[80];
		time_t when = -1;
		if (n < sizeof buf) {
			memcpy(buf, s, n);
			buf[n] = 0;
			when = ks_time_parse_utc(buf);
		}
		if (when == -1)
			return fail(c, "'scanned_at' is '%s', expected a UTC time such as \"2026-11-22T04:50:00Z\"",
			            shown(shown_buf, sizeof shown_buf, s, n));
		c->scanned_seen = true;
		c->out->scanned_at = when;
		if (!(c->out->scanned_at_text = ks_arena_strndup(c->a, s, n)))
			return nomem(c);
		return 1;
	}
	case F_AS_ROOT:
		if (t != VT_BOOL)
			return expected(c, "true or false", t, b);
		c->out->as_root = b;
		return 1;
	case F_HOST:
		if (t != VT_MAP)
			return expected(c, "an object", t, b);
		c->host_seen = true;
		c->host_off = token_start(c);
		return push(c, FR_HOST);
	case F_RESULTS:
		if (t != VT_ARRAY)
			return expected(c, "an array", t, b);
		c->results_seen = true;
		return push(c, FR_RESULTS);
	case F_DIAGNOSTICS:
		if (t == VT_NULL)
			return 1;
		if (t != VT_ARRAY)
			return expected(c, "an array", t, b);
		return push(c, FR_DIAGNOSTICS);
	default:
		return skip(c, t);
	}
}

static int catalog_value(struct ctx *c, enum vtype t, const char *s, size_t n, int b)
{
	char buf[80];
	switch (c->field) {
	case F_NAME:
		if (t != VT_STR)
			return expected(c, "a string", t, b);
		if (!eq(s, n, c->cat->name))
			return fail(c, "results are for catalog '%s'; this checklist needs '%s' results "
			            "(kenshin scan --profile %s)", shown(buf, sizeof buf, s, n), c->cat->name,
			            c->cat->name);
		c->catalog_named = true;
		return set_text(c, t, s, n, b, HOST_TEXT_MAX, &c->out->catalog);
	case F_EDITION:
		return set_text(c, t, s, n, b, HOST_TEXT_MAX, &c->out->edition);
	default:
		return skip(c, t);
	}
}

static int host_value(struct ctx *c, enum vtype t, const char *s, size_t n, int b)
{
	ks_cl_host *o = c->out;
	switch (c->field) {
	case F_HOSTNAME: return set_text(c, t, s, n, b, HOST_TEXT_MAX, &o->hostname);
	case F_OS: return set_text(c, t, s, n, b, HOST_TEXT_MAX, &o->os);
	case F_OS_ID: return set_text(c, t, s, n, b, HOST_TEXT_MAX, &o->os_id);
	case F_OS_VERSION: return set_text(c, t, s, n, b, HOST_TEXT_MAX, &o->os_version);
	case F_KERNEL: return set_text(c, t, s, n, b, HOST_TEXT_MAX, &o->kernel);
	case F_ARCH: return set_text(c, t, s, n, b, HOST_TEXT_MAX, &o->arch);
	case F_MACHINE_ID: return set_text(c, t, s, n, b, HOST_TEXT_MAX, &o->machine_id);
	case F_ADDRESSES:
		if (t == VT_NULL)
			return 1;
		if (t != VT_ARRAY)
			return expected(c, "an array of strings or null", t, b);
		c->naddresses = 0;
		return push(c, FR_ADDRESSES);
	case F_ROLE: {
		if (t != VT_STR)
			return expected(c, "server, terminal or network", t, b);
		char buf[80];
		int bit = -1;
		if (n < 16 && !memchr(s, 0, n)) {
			memcpy(buf, s, n);
			buf[n] = 0;
			bit = ks_target_parse(buf);
		}
		if (bit < 0)
			return fail(c, "unknown host role '%s' (expected server, terminal or network)",
			            shown(buf, sizeof buf, s, n));
		o->role = (unsigned)bit;
		c->role_seen = true;
		return 1;
	}
	default:
		return skip(c, t);
	}
}

static void reset_result(struct ctx *c)
{
	c->res_off = token_start(c);
	c->item = -2;
	c->item_text[0] = 0;
	c->has_verdict = c->has_waiver = c->has_without = false;
	c->rule_error = NULL;
	memset(&c->waiver, 0, sizeof c->waiver);
	c->nfree = 0;
	for (unsigned i = 0; i < NSLOTS; i++)
		c->free_slots[c->nfree++] = (unsigned char)i;
	c->ndec = c->nfirst = 0;
	c->ndec_more = 0;
}

static int result_value(struct ctx *c, enum vtype t, const char *s, size_t n, int b)
{
	char buf[80];
	switch (c->field) {
	case F_ITEM:
		if (t != VT_STR)
			return expected(c, "an item number such as \"2-7\"", t, b);
		if (c->item != -2)
			return fail(c, "second 'item' in one result entry");
		c->item = -1;
		c->item_off = token_start(c);
		shown(c->item_text, sizeof c->item_text, s, n);
		for (size_t i = 0; i < c->cat->nitems; i++)
			if (eq(s, n, c->cat->items[i].id)) {
				c->item = (long)i;
				break;
			}
		return 1;
	case F_VERDICT: {
		int k = t == VT_STR ? parse_verdict(s, n) : -1;
		if (t != VT_STR)
			return expected(c, "a verdict", t, b);
		if (k < 0)
			return fail(c, "unknown verdict '%s' (expected pass, fail, unknown, manual, na or waived)",
			            shown(buf, sizeof buf, s, n));
		c->verdict = (ks_verdict_kind)k;
		c->has_verdict = true;
		return 1;
	}
	case F_EVIDENCE:
		if (t == VT_NULL)
			return 1;
		if (t != VT_ARRAY)
			return expected(c, "an array", t, b);
		return push(c, FR_EVIDENCES);
	case F_WAIVER:
		if (t == VT_NULL)
			return 1;
		if (t != VT_MAP)
			return expected(c, "an object", t, b);
		c->has_waiver = true;
		return push(c, FR_WAIVER);
	case F_RULE_ERROR:
		return set_text(c, t, s, n, b, TEXT_MAX, &c->rule_error);
	default:
		return skip(c, t);
	}
}

static int slot_text(struct ctx *c, enum vtype t, const char *s, size_t n, int b, char *dst, bool *has)
{
	size_t bad;
	if (t == VT_NULL) {
		if (has)
			*has = false;
		dst[0] = 0;
		return 1;
	}
	if (t != VT_STR)
		return expected(c, "a string or null", t, b);
	if ((bad = utf8_bad(s, n, KS_CL_VALUE_MAX)) < n)
		return bad_utf8(c, n, bad);
	cut_copy(dst, s, n, KS_CL_VALUE_MAX);
	if (has)
		*has = true;
	return 1;
}

static int evidence_value(struct ctx *c, enum vtype t, const char *s, size_t n, int b)
{
	size_t bad;
	struct slot *e = cur_slot(c);
	switch (c->field) {
	case F_FACT: return slot_text(c, t, s, n, b, e->fact, NULL);
	case F_SOURCE: return slot_text(c, t, s, n, b, e->source, &e->has_source);
	case F_NOTE: return slot_text(c, t, s, n, b, e->note, &e->has_note);
	case F_DECISIVE:
		if (t != VT_BOOL && t != VT_NULL)
			return expected(c, "true or false", t, b);
		e->decisive = t == VT_BOOL && b;
		return 1;
	case F_VALUE:
		c->vlen = 0;
		c->vcut = false;
		c->vafter_key = false;
		if (t == VT_MAP || t == VT_ARRAY) {
			w_open(c, t == VT_MAP);
			return 1;
		}
		if (t == VT_STR && (bad = utf8_bad(s, n, w_room(c))) < n)
			return bad_utf8(c, n, bad);
		w_scalar(c, t, s, n, b);
		w_done(c);
		return 1;
	default:
		return skip(c, t);
	}
}

static int waiver_value(struct ctx *c, enum vtype t, const char *s, size_t n, int b)
{
	ks_cl_waiver *w = &c->waiver;
	char buf[80];
	switch (c->field) {
	case F_JUSTIFICATION: return set_text(c, t, s, n, b, TEXT_MAX, &w->justification);
	case F_APPROVER: return set_text(c, t, s, n, b, TEXT_MAX, &w->approver);
	case F_EXPIRES: return set_text(c, t, s, n, b, HOST_TEXT_MAX, &w->expires);
	case F_W_HOST: return set_text(c, t, s, n, b, TEXT_MAX, &w->host);
	case F_W_SOURCE: return set_text(c, t, s, n, b, TEXT_MAX, &w->source);
	case F_EXPIRED:
		if (t != VT_BOOL)
			return expected(c, "true or false", t, b);
		w->expired = b;
		return 1;
	case F_WITHOUT: {
		if (t != VT_STR)
			return expected(c, "a verdict", t, b);
		int k = parse_verdict(s, n);
		if (k < 0)
			return fail(c, "unknown verdict '%s' (expected pass, fail, unknown, manual, na or waived)",
			            shown(buf, sizeof buf, s, n));
		w->verdict_without = (ks_verdict_kind)k;
		c->has_without = true;
		return 1;
	}
	default:
		return skip(c, t);
	}
}

/* A value (scalar or the start of a container) outside skipped parts and evidence values. */
static int value(struct ctx *c, enum vtype t, const char *s, size_t n, int b)
{
	size_t bad;
	if (c->nframes == 0) {
		if (t != VT_MAP)
			return fatal(c, "expected a JSON object (a kenshin scan --format json result), found %s",
			             type_name(t, b));
		c->root_seen = true;
		return push(c, FR_ROOT);
	}
	switch (top(c)) {
	case FR_ROOT: return root_value(c, t, s, n, b);
	case FR_CATALOG: return catalog_value(c, t, s, n, b);
	case FR_HOST: return host_value(c, t, s, n, b);
	case FR_RESULT: return result_value(c, t, s, n, b);
	case FR_EVIDENCE: return evidence_value(c, t, s, n, b);
	case FR_WAIVER: return waiver_value(c, t, s, n, b);
	case FR_ADDRESSES:
		c->key = "addresses";
		if (t == VT_NULL)
			return 1;
		if (t != VT_STR)
			return expected(c, "strings", t, b);
		if ((bad = utf8_bad(s, n, HOST_TEXT_MAX)) < n)
			return bad_utf8(c, n, bad);
		if (c->naddresses < ADDRESSES_MAX &&
		    !(c->addresses[c->naddresses++] = cut_dup(c->a, s, n, HOST_TEXT_MAX)))
			return nomem(c);
		return 1;
	case FR_RESULTS:
		if (t != VT_MAP) {
			c->key = "results";
			return expected(c, "objects", t, b);
		}
		reset_result(c);
		return push(c, FR_RESULT);
	case FR_EVIDENCES:
		if (t != VT_MAP) {
			c->key = "evidence";
			return expected(c, "objects", t, b);
		}
		c->cur = c->free_slots[--c->nfree];
		{
			struct slot *e = cur_slot(c);
			e->fact[0] = e->source[0] = e->note[0] = 0;
			memcpy(e->value, "null", 5); /* a missing value reads like an unknown one */
			e->has_source = e->has_note = e->decisive = false;
		}
		return push(c, FR_EVIDENCE);
	case FR_DIAGNOSTICS:
		c->out->ndiagnostics++;
		return skip(c, t);
	}
	return skip(c, t);
}

/* Decides, once an evidence object is closed, whether it is kept. */
static void evidence_end(struct ctx *c)
{
	bool keep = false;
	if (cur_slot(c)->decisive) {
		if (c->ndec < DECISIVE_MAX) {
			c->dec[c->ndec++] = (unsigned char)c->cur;
			keep = true;
		} else {
			c->ndec_more++;
		}
	} else if (c->ndec == 0 && c->nfirst < KS_CL_EVIDENCE_MAX) {
		c->first[c->nfirst++] = (unsigned char)c->cur;
		keep = true;
	}
	if (!keep)
		c->free_slots[c->nfree++] = (unsigned char)c->cur;
}

static int result_end(struct ctx *c)
{
	if (c->item == -2)
		return fail_at(c, c->res_off, "result entry without 'item'");
	if (!c->has_verdict)
		return fail_at(c, c->res_off, "result for item '%s' has no 'verdict'", c->item_text);
	if (c->item < 0) {
		c->out->nunknown_items++;
		return 1;
	}
	ks_cl_result *r = &c->out->results[c->item];
	const ks_item *it = &c->cat->items[c->item];
	if (r->present)
		return fail_at(c, c->item_off, "second result for item '%s'", it->id);
	r->present = true;
	r->verdict = c->verdict;
	r->rule_error = c->rule_error;
	r->decisive = c->ndec > 0;
	r->nevidence_more = c->ndec_more;
	const unsigned char *keep = c->ndec ? c->dec : c->first;
	size_t nkeep = c->ndec ? c->ndec : c->nfirst;
	if (nkeep) {
		if (!(r->evidence = ks_arena_alloc(c->a, nkeep * sizeof *r->evidence)))
			return nomem(c);
		for (size_t i = 0; i < nkeep; i++) {
			const struct slot *e = &c->slots[keep[i]];
			ks_cl_evidence *x = &r->evidence[i];
			x->fact = ks_arena_strdup(c->a, e->fact);
			x->value = ks_arena_strdup(c->a, e->value);
			x->source = e->has_source ? ks_arena_strdup(c->a, e->source) : NULL;
			x->note = e->has_note ? ks_arena_strdup(c->a, e->note) : NULL;
			if (!x->fact || !x->value || (e->has_source && !x->source) || (e->has_note && !x->note))
				return nomem(c);
		}
		r->nevidence = nkeep;
	}
	if (c->has_waiver) {
		ks_cl_waiver *w = ks_arena_alloc(c->a, sizeof *w);
		if (!w)
			return nomem(c);
		*w = c->waiver;
		w->item = it->id;
		if (!c->has_without)
			w->verdict_without = c->verdict;
		r->waiver = w;
	}
	return 1;
}

static int host_end(struct ctx *c)
{
	ks_cl_host *o = c->out;
	if (!o->hostname)
		o->hostname = "";
	if (!c->role_seen)
		return fail_at(c, c->host_off, "'host' has no 'role' (expected server, terminal or network)");
	return 1;
}

/* A container of ours closes. */
static int frame_end(struct ctx *c)
{
	enum frame f = top(c);
	c->nframes--;
	c->field = F_SKIP;
	switch (f) {
	case FR_CATALOG:
		if (!c->catalog_named)
			return fail_at(c, c->catalog_off, "'catalog' has no 'name'");
		return 1;
	case FR_HOST:
		return host_end(c);
	case FR_ADDRESSES:
		if (c->naddresses) {
			const char **v = ks_arena_alloc(c->a, c->naddresses * sizeof *v);
			if (!v)
				return nomem(c);
			memcpy(v, c->addresses, c->naddresses * sizeof *v);
			c->out->addresses = v;
			c->out->naddresses = c->naddresses;
		}
		return 1;
	case FR_RESULT:
		return result_end(c);
	case FR_EVIDENCE:
		evidence_end(c);
		return 1;
	default:
		return 1;
	}
}

/* --- yajl callbacks -------------------------------------------------------------------------- */

/* After an error held back for the schema's sake only the top-level "schema" is still read. */
static int scalar(struct ctx *c, enum vtype t, const char *s, size_t n, int b)
{
	size_t bad;
	if (c->failed)
		return c->depth == 1 && c->field == F_SCHEMA ? check_schema(c, t, s, n, b) : 1;
	if (c->skip)
		return 1;
	if (c->vdepth) {
		/* once the value is cut the rest of it is dropped unread */
		if (c->vcut)
			return 1;
		if (t == VT_STR && (bad = utf8_bad(s, n, w_room(c))) < n)
			return bad_utf8(c, n, bad);
		w_scalar(c, t, s, n, b);
		return 1;
	}
	return value(c, t, s, n, b);
}

static int cb_null(void *ctx) { return scalar(ctx, VT_NULL, NULL, 0, 0); }
static int cb_boolean(void *ctx, int b) { return scalar(ctx, VT_BOOL, NULL, 0, b); }
static int cb_number(void *ctx, const char *s, size_t n) { return scalar(ctx, VT_NUM, s, n, 0); }
static int cb_string(void *ctx, const unsigned char *s, size_t n)
{
	return scalar(ctx, VT_STR, (const char *)s, n, 0);
}

static int start(struct ctx *c, bool map)
{
	if (++c->depth > MAX_DEPTH)
		return fatal(c, "nested deeper than %d levels", MAX_DEPTH);
	enum vtype t = map ? VT_MAP : VT_ARRAY;
	if (c->failed) {
		if (c->depth == 2 && c->field == F_SCHEMA)
			return check_schema(c, t, NULL, 0, 0);
		return 1;
	}
	if (c->skip) {
		c->skip++;
		return 1;
	}
	if (c->vdepth) {
		if (c->vcut)
			c->vdepth++;
		else
			w_open(c, map);
		return 1;
	}
	return value(c, t, NULL, 0, 0);
}

static int end(struct ctx *c, bool map)
{
	c->depth--;
	if (c->failed)
		return 1;
	if (c->skip) {
		c->skip--;
		return 1;
	}
	if (c->vdepth) {
		w_raw(c, map ? "}" : "]", 1);
		if (--c->vdepth == 0)
			w_done(c);
		return 1;
	}
	return frame_end(c);
}

static int cb_start_map(void *ctx) { return start(ctx, true); }
static int cb_start_array(void *ctx) { return start(ctx, false); }
static int cb_end_map(void *ctx) { return end(ctx, true); }
static int cb_end_array(void *ctx) { return end(ctx, false); }

static int cb_map_key(void *ctx, const unsigned char *key, size_t n)
{
	size_t bad;
	struct ctx *c = ctx;
	const char *k = (const char *)key;
	if (c->failed) {
		c->field = c->depth == 1 && eq(k, n, "schema") ? F_SCHEMA : F_SKIP;
		return 1;
	}
	if (c->skip)
		return 1;
	if (c->vdepth) {
		if (c->vcut)
			return 1;
		if ((bad = utf8_bad(k, n, w_room(c))) < n)
			return bad_utf8(c, n, bad);
		w_sep(c);
		w_str(c, k, n);
		w_raw(c, ":", 1);
		c->vafter_key = true;
		return 1;
	}
	const struct key *keys;
	switch (top(c)) {
	case FR_ROOT: keys = root_keys; break;
	case FR_CATALOG: keys = catalog_keys; break;
	case FR_HOST: keys = host_keys; break;
	case FR_RESULT: keys = result_keys; break;
	case FR_EVIDENCE: keys = evidence_keys; break;
	case FR_WAIVER: keys = waiver_keys; break;
	default: keys = NULL; break; /* arrays have no keys: yajl would not call this */
	}
	c->field = F_SKIP;
	c->key = NULL;
	for (; keys && keys->name; keys++)
		if (keys->len == n && memcmp(keys->name, k, n) == 0) {
			c->field = (enum field)keys->field;
			c->key = keys->name;
			break;
		}
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_boolean,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end_map,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end_array,
};

/* --- entry point ---------------------------------------------------------------------------- */

/* 1-based line and column (in characters, as editors count them) of byte OFF. */
static void position(const char *d, size_t len, size_t off, size_t *line, size_t *col)
{
	if (off > len)
		off = len;
	size_t l = 1, start = 0;
	for (const char *p = d; (p = memchr(p, '\n', off - (size_t)(p - d))); p++) {
		l++;
		start = (size_t)(p - d) + 1;
	}
	size_t cl = 1;
	for (size_t i = start; i < off; i++)
		if (((unsigned char)d[i] & 0xc0) != 0x80)
			cl++;
	*line = l;
	*col = cl;
}

/* yajl stops a little past a bad UTF-8 sequence. Bytes outside strings are ASCII and earlier
 * strings passed yajl's test, so the first sequence on the line that fails that same (lenient)
 * test is the one. */
static size_t lenient_utf8_bad(const char *data, size_t len, size_t off)
{
	if (off > len)
		off = len;
	const unsigned char *d = (const unsigned char *)data;
	size_t i = off;
	while (i > 0 && d[i - 1] != '\n')
		i--;
	while (i < off) {
		unsigned ch = d[i];
		size_t k = ch < 0x80 ? 0 : (ch >> 5) == 0x6 ? 1 : (ch >> 4) == 0xe ? 2 : (ch >> 3) == 0x1e ? 3 : 9;
		if (k == 9)
			return i;
		for (size_t j = 1; j <= k; j++)
			if (i + j >= len || (d[i + j] >> 6) != 0x2)
				return i;
		i += k + 1;
	}
	return off;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]) || !s[i])
			return false;
	return true;
}

/* yajl's short message, without its trailing newline, in plainer words where it helps. */
static void syntax_message(struct ctx *c, bool at_eof)
{
	unsigned char *m = yajl_get_error(c->h, 0, (const unsigned char *)c->data, c->len);
	const char *text = m ? (const char *)m : "malformed JSON";
	if (strstr(text, "UTF8"))
		snprintf(c->msg, sizeof c->msg, "invalid UTF-8 in a string (result files are UTF-8 JSON)");
	else if (at_eof && blank(c->data, c->len))
		snprintf(c->msg, sizeof c->msg, "empty file (expected a kenshin scan --format json result)");
	else if (at_eof)
		snprintf(c->msg, sizeof c->msg, "JSON ends too early (a truncated file?)");
	else
		snprintf(c->msg, sizeof c->msg, "invalid JSON: %s", text);
	size_t n = strlen(c->msg);
	while (n > 0 && (c->msg[n - 1] == '\n' || c->msg[n - 1] == ' '))
		c->msg[--n] = 0;
	if (m)
		yajl_free_error(c->h, m);
}

int ks_cl_result_read(ks_arena *a, const char *file, const char *data, size_t len,
                      const ks_catalog *catalog, ks_cl_host *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (errlen)
		err[0] = 0;
	if (len > KS_MAX_RESULT_BYTES) {
		snprintf(err, errlen, "%s: %zu bytes is over the limit of %u MiB for a result file", file, len,
		         KS_MAX_RESULT_BYTES >> 20);
		return KS_ETOOBIG;
	}
	if (!data)
		data = "";
	struct ctx *c = calloc(1, sizeof *c);
	out->file = ks_arena_strdup(a, file);
	out->results = ks_arena_alloc(a, (catalog->nitems + 1) * sizeof *out->results);
	if (!c || !out->file || !out->results) {
		free(c);
		snprintf(err, errlen, "%s: out of memory", file);
		return KS_ENOMEM;
	}
	for (size_t i = 0; i < catalog->nitems; i++)
		out->results[i].verdict = KS_VERDICT_UNKNOWN; /* never a pass by default */
	out->nresults = catalog->nitems;
	c->a = a;
	c->data = data;
	c->len = len;
	c->cat = catalog;
	c->out = out;

	c->h = yajl_alloc(&callbacks, NULL, c);
	if (!c->h) {
		free(c);
		snprintf(err, errlen, "%s: out of memory", file);
		return KS_ENOMEM;
	}
	/* yajl checks UTF-8 in strings by default; that stays on */
	yajl_status st = yajl_parse(c->h, (const unsigned char *)data, len);
	bool at_eof = false;
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(c->h);
		at_eof = true;
	}
	if (st == yajl_status_error) {
		/* a syntax error outranks a held-back one: the file is not JSON at all */
		c->rc = KS_EPARSE;
		c->has_off = true;
		/* yajl_complete_parse restarts the byte count: an error there is at the end */
		c->err_off = at_eof ? len : yajl_get_bytes_consumed(c->h);
		syntax_message(c, at_eof);
		/* a grammar error has consumed the token it rejects: point at its start */
		if (!at_eof && strstr(c->msg, "parse error"))
			c->err_off = token_start(c);
		if (strstr(c->msg, "UTF-8"))
			c->err_off = lenient_utf8_bad(data, len, c->err_off);
	} else if (!c->fatal && c->rc != KS_ENOMEM) {
		/* the whole document was read: what is missing is reported without a position */
		const char *missing = NULL;
		if (!c->root_seen)
			missing = "a JSON object";
		else if (!c->schema_seen)
			missing = "'schema' (not a kenshin scan --format json result?)";
		else if (c->failed)
			missing = NULL;
		else if (!c->catalog_seen)
			missing = "'catalog'";
		else if (!c->scanned_seen)
			missing = "'scanned_at'";
		else if (!c->host_seen)
			missing = "'host'";
		else if (!c->results_seen)
			missing = "'results'";
		if (missing) {
			snprintf(c->msg, sizeof c->msg, "missing %s", missing);
			c->rc = KS_EPARSE;
			c->has_off = false;
		}
	}
	int rc = c->rc;
	if (rc < 0) {
		if (c->has_off) {
			size_t line, col;
			position(data, len, c->err_off, &line, &col);
			snprintf(err, errlen, "%s:%zu:%zu: %s", file, line, col, c->msg);
		} else {
			snprintf(err, errlen, "%s: %s", file, c->msg);
		}
		const char *name = out->file;
		memset(out, 0, sizeof *out);
		out->file = name;
	}
	yajl_free(c->h);
	free(c);
	return rc;
}
