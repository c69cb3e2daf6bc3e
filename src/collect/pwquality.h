/* Password-quality settings of pam_pwquality (libpwquality 1.4.5, Debian 12) and pam_cracklib:
 * pwquality.conf(5) parser, the library's reading order, and module-argument overrides. */
#ifndef KS_PWQUALITY_H
#define KS_PWQUALITY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"

enum {
	KS_PWQ_DIFOK,
	KS_PWQ_MINLEN,
	KS_PWQ_DCREDIT,
	KS_PWQ_UCREDIT,
	KS_PWQ_LCREDIT,
	KS_PWQ_OCREDIT,
	KS_PWQ_MINCLASS,
	KS_PWQ_USERCHECK, /* pam_cracklib: reject_username */
	KS_PWQ_ENFORCING, /* libpwquality only; 0 = warn but accept */
	KS_PWQ_RETRY,
	KS_PWQ_ENFORCE_FOR_ROOT,
	KS_PWQ_NSETTINGS,
};

typedef struct ks_pwq_val {
	int64_t v;
	const char *path; /* file (configuration or PAM file) that set it; NULL = built-in default */
	int line;
	const char *note; /* adjustment the library made, e.g. "raised to libpwquality's floor 6" */
} ks_pwq_val;

typedef struct ks_pwq {
	bool cracklib;               /* pam_cracklib semantics (arguments only) */
	ks_pwq_val s[KS_PWQ_NSETTINGS];
	const char *unknown;         /* a configuration file could not be read: settings unknown */
	const char *unknown_path;
} ks_pwq;

const char *ks_pwq_setting_name(int setting);

/* Built-in defaults: libpwquality 1.4.5 (pwqprivate.h) or pam_cracklib (Linux-PAM 1.4). */
void ks_pwq_defaults(ks_pwq *q);
void ks_pwq_cracklib_defaults(ks_pwq *q);

/* Applies one pwquality.conf-format file. Returns 0, KS_ENOMEM, or KS_EPARSE when libpwquality
 * would stop reading (unknown setting, bad number, overlong line): a diagnostic says where, and
 * the settings read before that point stay applied, as in the library. */
int ks_pwq_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len, ks_pwq *q);

/* Reads /etc/security/pwquality.conf.d/ *.conf (strcmp order) then /etc/security/pwquality.conf,
 * as pwquality_read_config() does. Unreadable files set q->unknown. Returns 0 or KS_ENOMEM. */
int ks_pwq_load(ks_collect_ctx *ctx, ks_pwq *q);

/* Module arguments of the pam_pwquality / pam_cracklib line at PATH:LINE (they override the
 * configuration). Returns 0 or KS_ENOMEM. */
int ks_pwq_apply_args(ks_collect_ctx *ctx, ks_pwq *q, const char *const *args, size_t nargs,
                      const char *path, int line);

/* One "name = value" line as libpwquality's read_config_file() (and pam_faillock's) splits it:
 * '#' starts a comment anywhere, the name ends at a blank or '=', then blanks and at most one
 * '=' are skipped. Returns false for a line with nothing but comment or blanks. */
bool ks_pwq_split_line(const char *ln, size_t n, const char **name, size_t *nlen, const char **val,
                       size_t *vlen);

#endif
