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
/* The same, but a line over KS_MAX_LINE bytes is skipped with a warning naming PATH and its line:
 * what every configuration parser does with one. */
struct ks_diags;
bool ks_lines_next_capped(ks_lines *it, struct ks_diags *diags, const char *path, const char **line,
                          size_t *len);

/* Splits a tab-separated line (the embedded profiles/NAME.list files) into at most MAX fields, each
 * trimmed; the last field keeps any further tabs. Returns how many fields there were. */
size_t ks_split_tabs(const char *line, size_t len, const char **f, size_t *fl, size_t max);
/* Trims ASCII white space at both ends. */
void ks_trim(const char **s, size_t *len);
bool ks_is_space(char c);
/* Splits off the next white-space separated word; returns false when none is left. */
bool ks_next_word(const char **s, size_t *len, const char **word, size_t *wlen);
/* Whole string is a decimal integer (optional sign) that fits int64_t. */
bool ks_parse_int(const char *s, size_t len, int64_t *out);
/* What sscanf("%hu") or sscanf("%u") makes of S, as PAM modules read their numbers: leading blanks,
 * an optional sign and digits, the rest ignored; the value is cut to MASK (0xFFFF or 0xFFFFFFFF). */
bool ks_scan_unsigned(const char *s, size_t len, unsigned long long mask, uint64_t *out);
bool ks_eq(const char *s, size_t len, const char *lit);
bool ks_ieq(const char *s, size_t len, const char *lit); /* ASCII case-insensitive */
/* True if the data looks like text (no NUL bytes). */
bool ks_is_text(const char *data, size_t len);

#endif
