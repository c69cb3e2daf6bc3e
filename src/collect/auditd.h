/* Linux audit: auditd installation and the rules auditctl(8) loads at boot (augenrules(8) from
 * /etc/audit/rules.d, else /etc/audit/audit.rules), judged for login, identity and privileged-
 * command coverage. */
#ifndef KS_AUDITD_H
#define KS_AUDITD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"

enum { KS_AUDIT_LOGIN, KS_AUDIT_IDENTITY, KS_AUDIT_PRIVILEGED, KS_AUDIT_NCLASS };

typedef struct ks_audit_rules {
	ks_value list;             /* records {name: rule text, source} of the watch and syscall rules */
	bool augenrules;           /* rules.d concatenation: a bare -D is moved first, the last -e last */
	bool ignore_errors;        /* "-i" seen: auditctl keeps going after a bad rule */
	const char *error_path;    /* first rule auditctl rejects (it stops there without -i) */
	int error_line;
	/* For each class: the rule that established it, split by whether it comes after error_path. */
	const char *class_path[KS_AUDIT_NCLASS][2];
	int class_line[KS_AUDIT_NCLASS][2];
	unsigned identity_seen[2]; /* bit per identity file covered, before/after the error */
	const char *identity_path[2];
	int identity_line[2];
	int64_t enable;            /* last -e value; -1 when none */
	const char *enable_path;
	int enable_line;
	bool enable_after_error;
} ks_audit_rules;

void ks_audit_rules_init(ks_audit_rules *r, bool augenrules);
/* Parses one rules file (auditctl -R syntax) in DATA, appending to *R. */
int ks_audit_parse_buffer(ks_collect_ctx *ctx, ks_audit_rules *r, const char *path, const char *data,
                          size_t len);

#endif
