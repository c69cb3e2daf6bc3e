/* os-release(5) parser: shell-like KEY=value assignments with quotes and backslash escapes. */
#ifndef KS_OSRELEASE_H
#define KS_OSRELEASE_H
#include <stddef.h>

#include "collect.h"

enum {
	KS_OSR_ID,
	KS_OSR_VERSION_ID,
	KS_OSR_VERSION_CODENAME,
	KS_OSR_PRETTY_NAME,
	KS_OSR_ID_LIKE,
	KS_OSR_NKEYS,
};

typedef struct ks_osrelease {
	const char *value[KS_OSR_NKEYS]; /* unquoted, arena allocated; NULL when not assigned */
	int line[KS_OSR_NKEYS];          /* line of the (last) assignment */
} ks_osrelease;

/* Parses DATA (os-release syntax) into *OUT; the last assignment of a key wins, as in a shell.
 * Malformed lines are reported against PATH and skipped. Returns 0 or KS_ENOMEM. */
int ks_osrelease_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                              ks_osrelease *out);

/* Unquotes one shell-like value (the text after '='): single quotes, double quotes with
 * backslash escapes of $ ` " \, and bare backslash escapes. Returns the arena-allocated value,
 * or NULL with *ERR set to a message (unterminated quote, text after the value). */
char *ks_osrelease_unquote(ks_arena *a, const char *s, size_t len, const char **err);

#endif
