/* Debian version parsing and ordering, written from deb-version(5) and the behaviour of dpkg's
 * parseversion()/verrevcmp(): same errors, same warnings, same order, on length-delimited text. */
#include "debversion.h"

#include <limits.h>
#include <string.h>

#include "core/error.h"

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_blank(int c) { return c == ' ' || c == '\t'; }

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return KS_EPARSE;
}

int ks_debversion_parse(ks_debversion *out, const char *s, size_t len, const char **why)
{
	if (why)
		*why = NULL;
	memset(out, 0, sizeof *out);
	out->revision = "";
	if (!s || len == 0)
		return fail(why, "version string is empty");
	if (memchr(s, '\0', len))
		return fail(why, "version string contains a NUL byte");
	/* dpkg trims blanks (space, tab) at both ends; a blank inside is an error. */
	const char *p = s, *end = s + len;
	while (p < end && is_blank(*p))
		p++;
	const char *e = p;
	while (e < end && !is_blank(*e))
		e++;
	for (const char *q = e; q < end; q++)
		if (!is_blank(*q))
			return fail(why, "version string has embedded spaces");
	end = e;
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (colon) {
		if (colon == p)
			return fail(why, "epoch in version is empty");
		unsigned long long ep = 0;
		for (const char *q = p; q < colon; q++) {
			if (!is_digit(*q))
				return fail(why, "epoch in version is not number");
			ep = ep * 10 + (unsigned)(*q - '0');
			if (ep > INT_MAX)
				return fail(why, "epoch in version is too big");
		}
		if (colon + 1 == end)
			return fail(why, "nothing after colon in version number");
		out->epoch = (unsigned)ep;
		p = colon + 1;
	}
	/* The revision follows the LAST hyphen: upstream versions may contain hyphens themselves. */
	const char *hyphen = NULL;
	for (const char *q = end; q > p; q--)
		if (q[-1] == '-') {
			hyphen = q - 1;
			break;
		}
	const char *uend = end;
	if (hyphen) {
		if (hyphen + 1 == end)
			return fail(why, "revision number is empty");
		out->revision = hyphen + 1;
		out->revision_len = (size_t)(end - hyphen - 1);
		uend = hyphen;
	}
	out->upstream = p;
	out->upstream_len = (size_t)(uend - p);
	if (out->upstream_len == 0)
		return fail(why, "version number is empty");
	/* deb-version(5) rules that dpkg only warns about: the version still orders. */
	if (why) {
		if (!is_digit(out->upstream[0]))
			*why = "version number does not start with digit";
		for (size_t i = 0; !*why && i < out->upstream_len; i++) {
			int c = (unsigned char)out->upstream[i];
			if (!is_digit(c) && !is_alpha(c) && !strchr(".-+~:", c))
				*why = "invalid character in version number";
		}
		for (size_t i = 0; !*why && i < out->revision_len; i++) {
			int c = (unsigned char)out->revision[i];
			if (!is_digit(c) && !is_alpha(c) && !strchr(".+~", c))
				*why = "invalid character in revision number";
		}
	}
	return KS_OK;
}

bool ks_debversion_valid(const char *s, size_t len, const char **why)
{
	ks_debversion v;
	const char *w = NULL;
	int rc = ks_debversion_parse(&v, s, len, &w);
	if (why)
		*why = w;
	return rc == KS_OK && !w;
}

/* Weight of one character in a non-digit run, as dpkg's order(): end of string and digits 0,
 * '~' below everything, letters by their code, every other character after all letters. dpkg
 * reads the byte as a (signed) char; so do we, so that even odd bytes order identically. */
static int order(int c)
{
	if (is_digit(c))
		return 0;
	if (is_alpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int at(const char *s, size_t len, size_t i)
{
	return i < len ? (int)(signed char)s[i] : 0;
}

/* Alternating non-digit and digit runs. Digit runs: leading zeros skipped, the longer run is the
 * bigger number, equal lengths decide by the first differing digit. No integer conversion, so
 * 40-digit runs compare exactly. */
static int verrevcmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i = 0, j = 0;
	while (i < al || j < bl) {
		while ((i < al && !is_digit(a[i])) || (j < bl && !is_digit(b[j]))) {
			int ac = order(at(a, al, i)), bc = order(at(b, bl, j));
			if (ac != bc)
				return ac - bc;
			i++;
			j++;
		}
		while (i < al && a[i] == '0')
			i++;
		while (j < bl && b[j] == '0')
			j++;
		int first_diff = 0;
		while (i < al && j < bl && is_digit(a[i]) && is_digit(b[j])) {
			if (!first_diff)
				first_diff = a[i] - b[j];
			i++;
			j++;
		}
		if (i < al && is_digit(a[i]))
			return 1;
		if (j < bl && is_digit(b[j]))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

int ks_debversion_cmp(const ks_debversion *a, const ks_debversion *b)
{
	if (a->epoch != b->epoch)
		return a->epoch < b->epoch ? -1 : 1;
	int rc = verrevcmp(a->upstream, a->upstream_len, b->upstream, b->upstream_len);
	if (rc)
		return rc;
	return verrevcmp(a->revision, a->revision_len, b->revision, b->revision_len);
}

int ks_debversion_compare(const char *a, size_t alen, const char *b, size_t blen, int *result,
                          const char **why, int *bad)
{
	ks_debversion va, vb;
	*result = 0;
	if (ks_debversion_parse(&va, a, alen, why) < 0) {
		if (bad)
			*bad = 0;
		return KS_EPARSE;
	}
	if (ks_debversion_parse(&vb, b, blen, why) < 0) {
		if (bad)
			*bad = 1;
		return KS_EPARSE;
	}
	if (why)
		*why = NULL;
	int c = ks_debversion_cmp(&va, &vb);
	*result = (c > 0) - (c < 0);
	return KS_OK;
}
