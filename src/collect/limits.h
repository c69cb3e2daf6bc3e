/* pam_limits configuration (limits.conf(5), Linux-PAM 1.5.2 semantics): the login-count limits
 * maxlogins / maxsyslogins and the lines that set them. */
#ifndef KS_LIMITS_CONF_H
#define KS_LIMITS_CONF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"

/* pam_limits' priorities (LIMITS_DEF_*): lower wins; equal priority: the later line wins. */
enum { KS_LIMITS_DEF_USER, KS_LIMITS_DEF_GROUP, KS_LIMITS_DEF_ALLGROUP, KS_LIMITS_DEF_ALL, KS_LIMITS_DEF_DEFAULT,
       KS_LIMITS_DEF_NONE = 6 };

typedef struct ks_limits {
	ks_value entries;      /* records {name: domain, item, type, value, source} */
	size_t nentries;
	size_t noverrides;     /* user/group/uid-range lines that override '*' for some users */
	/* The login limit of an ordinary account (no own line, in no group with one): '*' and '%'. */
	int def;               /* KS_LIMITS_DEF_* of the deciding line */
	int64_t limit;         /* -1 unlimited; >= 0 the limit (0: no login at all) */
	bool syslogins;        /* pam_limits' flag_numsyslogins: the last login item read was maxsyslogins */
	const char *path;      /* deciding line */
	int line;
} ks_limits;

void ks_limits_init(ks_limits *st);

/* Parses DATA as a limits.conf file (PATH) and applies its lines in order. Returns 0 or KS_ENOMEM. */
int ks_limits_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len, ks_limits *st);

#endif
