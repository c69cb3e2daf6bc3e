/* Small text helpers shared by the hand-written parsers: line iteration, trimming, integers. */
#ifndef KS_TEXT_H
#define KS_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ks_lines {
	const char *p, *end;
	int lineno; /* of the line last returned, 1-based */
} ks_lines;

void ks_lines_init(ks_lines *it, const char *data, size_t len);
/* Next line without its "\n" or "\r\n". Returns false at end of input. */
bool ks_lines_next(ks_lines *it, const char **line, size_t *len);

/* Trims ASCII white space at both ends. */
void ks_trim(const char **s, size_t *len);
bool ks_is_space(char c);
/* Splits off the next white-space separated word; returns false when none is left. */
bool ks_next_word(const char **s, size_t *len, const char **word, size_t *wlen);
/* Whole string is a decimal integer (optional sign) that fits int64_t. */
bool ks_parse_int(const char *s, size_t len, int64_t *out);
bool ks_eq(const char *s, size_t len, const char *lit);
bool ks_ieq(const char *s, size_t len, const char *lit); /* ASCII case-insensitive */
/* True if the data looks like text (no NUL bytes). */
bool ks_is_text(const char *data, size_t len);

#endif
