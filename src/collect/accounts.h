/* Account collector: /etc/passwd, /etc/shadow, /etc/group and login history -> accounts.* facts. */
#ifndef KS_ACCOUNTS_H
#define KS_ACCOUNTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"

/* One /etc/passwd entry (passwd(5)). Strings are NUL-terminated arena copies, except PASSWD, which
 * points into the parsed buffer (it may hold a hash on systems without shadow passwords). */
typedef struct ks_passwd_ent {
	const char *name;
	const char *passwd;
	size_t passwd_len;
	uint32_t uid, gid;
	const char *gecos, *home, *shell;
	int line;
} ks_passwd_ent;

/* One /etc/shadow entry (shadow(5)). PW points into the parsed buffer and is never copied: the
 * collector wipes that buffer when done. Numeric fields are -1 when empty. */
typedef struct ks_shadow_ent {
	const char *name;
	const char *pw;
	size_t pw_len;
	int64_t lastchg, min, max, warn, inactive, expire;
	int line;
} ks_shadow_ent;

/* One /etc/group entry (group(5)). */
typedef struct ks_group_ent {
	const char *name;
	uint32_t gid;
	const char **members;
	size_t nmembers;
	int line;
} ks_group_ent;

/* Parsers over an in-memory file (for fuzzing). Malformed lines are diagnosed against PATH and
 * skipped; NIS compat lines ("+", "-", "+@netgroup") are reported and skipped. At most
 * KS_MAX_ACCOUNTS entries are kept. Return 0 or KS_ENOMEM. */
int ks_accounts_parse_passwd(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                             ks_passwd_ent **out, size_t *n);
int ks_accounts_parse_shadow(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                             ks_shadow_ent **out, size_t *n);
int ks_accounts_parse_group(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                            ks_group_ent **out, size_t *n);

typedef enum {
	KS_PW_EMPTY,    /* "" : no password at all */
	KS_PW_LOCKED,   /* "!..." : locked with passwd -l / usermod -L */
	KS_PW_DISABLED, /* "*", "!!", "x" without shadow entry, anything that is not a crypt(5) hash */
	KS_PW_HASH,     /* a crypt(5) hash: password login possible */
} ks_pw_class;

ks_pw_class ks_accounts_classify(const char *pw, size_t len);
const char *ks_accounts_class_name(ks_pw_class c); /* "empty", "locked", "disabled", "hash" */

/* Keyed BLAKE2b-256 of SECRET under ctx->digest_key, as 64 hex digits + NUL in HEX (65 bytes).
 * The only form in which a password hash may leave the collector. Returns 0 or KS_EIO. */
#define KS_ACCOUNTS_DIGEST_HEX 65
int ks_accounts_digest(const ks_collect_ctx *ctx, const char *secret, size_t len,
                       char hex[KS_ACCOUNTS_DIGEST_HEX]);

int ks_collect_accounts(ks_collect_ctx *ctx);

#endif
