/* Debian version numbers: parsing and ordering as deb-version(5) and dpkg's verrevcmp define them. */
#ifndef KS_DEBVERSION_H
#define KS_DEBVERSION_H
#include <stdbool.h>
#include <stddef.h>

/* [epoch:]upstream[-revision]. The strings point into the parsed text (not NUL-terminated). */
typedef struct ks_debversion {
	unsigned epoch;       /* 0 when absent; at most INT_MAX, as dpkg */
	const char *upstream;
	size_t upstream_len;
	const char *revision; /* "" (length 0) when there is no '-' */
	size_t revision_len;
} ks_debversion;

/* Parses S (LEN bytes; leading/trailing blanks ignored as dpkg does). Returns 0, or KS_EPARSE with
 * *WHY naming what dpkg rejects ("epoch in version is not number", "revision number is empty"…).
 * On success *WHY is NULL, or names a policy violation dpkg only warns about ("version number does
 * not start with digit", "invalid character in version number"): the version still orders, but
 * callers that want deb-version(5)-valid input treat it as an error. WHY may be NULL. */
int ks_debversion_parse(ks_debversion *out, const char *s, size_t len, const char **why);

/* Strict form: true only for versions dpkg accepts without any warning. */
bool ks_debversion_valid(const char *s, size_t len, const char **why);

/* <0, 0, >0 as A sorts before, equal to, after B: epoch numerically, then upstream and revision
 * by verrevcmp ('~' before everything including the end, letters before other characters, digit
 * runs as numbers of any length). */
int ks_debversion_cmp(const ks_debversion *a, const ks_debversion *b);

/* Parses both and compares; returns 0 with *RESULT set, or KS_EPARSE (*WHY: the reason, prefixed
 * with which side failed is up to the caller; *BAD = 0 for A, 1 for B). WHY and BAD may be NULL. */
int ks_debversion_compare(const char *a, size_t alen, const char *b, size_t blen, int *result,
                          const char **why, int *bad);

#endif
