/* Text helpers: no allocation, no locale dependence (configs are ASCII keywords). */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "limits.h"

void ks_lines_init(ks_lines *it, const char *data, size_t len)
{
	it->p = data;
	it->end = data + len;
	it->lineno = 0;
}

bool ks_lines_next_capped(ks_lines *it, ks_diags *diags, const char *path, const char **line, size_t *len)
{
	while (ks_lines_next(it, line, len)) {
		if (*len <= KS_MAX_LINE)
			return true;
		ks_diag_add(diags, KS_DIAG_WARNING, path, it->lineno, 1, "line longer than %u bytes; skipped",
		            KS_MAX_LINE);
	}
	return false;
}

bool ks_lines_next(ks_lines *it, const char **line, size_t *len)
{
	if (it->p >= it->end)
		return false;
	const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	const char *e = nl ? nl : it->end;
	*line = it->p;
	*len = (size_t)(e - it->p);
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	it->p = nl ? nl + 1 : it->end;
	it->lineno++;
	return true;
}

bool ks_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

void ks_trim(const char **s, size_t *len)
{
	while (*len && ks_is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && ks_is_space((*s)[*len - 1]))
		(*len)--;
}

bool ks_next_word(const char **s, size_t *len, const char **word, size_t *wlen)
{
	while (*len && ks_is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	if (!*len)
		return false;
	*word = *s;
	size_t i = 0;
	while (i < *len && !ks_is_space((*s)[i]))
		i++;
	*wlen = i;
	*s += i;
	*len -= i;
	return true;
}

bool ks_parse_int(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len)
		return false;
	uint64_t v = 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

bool ks_eq(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	return n == len && memcmp(s, lit, n) == 0;
}

bool ks_ieq(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	if (n != len)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = s[i], b = lit[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (char)(b + 32);
		if (a != b)
			return false;
	}
	return true;
}

bool ks_is_text(const char *data, size_t len)
{
	return memchr(data, '\0', len) == NULL;
}

size_t ks_split_tabs(const char *line, size_t len, const char **f, size_t *fl, size_t max)
{
	size_t k = 0;
	while (k < max) {
		const char *tab = k + 1 < max ? memchr(line, '\t', len) : NULL;
		f[k] = line;
		fl[k] = tab ? (size_t)(tab - line) : len;
		ks_trim(&f[k], &fl[k]);
		k++;
		if (!tab)
			break;
		len -= (size_t)(tab + 1 - line);
		line = tab + 1;
	}
	return k;
}

bool ks_scan_unsigned(const char *s, size_t len, unsigned long long mask, uint64_t *out)
{
	char buf[64];
	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *end;
	unsigned long long v = strtoull(buf, &end, 10);
	if (end == buf)
		return false;
	*out = v & mask;
	return true;
}
