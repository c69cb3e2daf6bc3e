/* USBGuard: usbguard-daemon.conf(5) settings and usbguard-rules.conf(5) rule sets. */
#ifndef KS_USBGUARD_H
#define KS_USBGUARD_H
#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

#define KS_USBGUARD_CONF "/etc/usbguard/usbguard-daemon.conf"

typedef struct ks_usbguard_conf {
	const char *rule_file, *rule_folder, *implicit_target; /* NULL when not set */
	int rule_file_line, rule_folder_line, implicit_target_line;
} ks_usbguard_conf;

/* Parses usbguard-daemon.conf: "Name=value" lines, '#' comments, the last setting wins. */
int ks_usbguard_parse_daemon_conf(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                  ks_usbguard_conf *out);

/* The rule sets read so far, in the daemon's evaluation order (RuleFile, then RuleFolder files). */
typedef struct ks_usbguard_rules {
	ks_value list;                 /* records {name: rule text, target, source} */
	bool allows_all;               /* a reachable allow rule lets any USB mass-storage device in */
	const char *allows_path;
	int allows_line;
	bool closed;                   /* an unconditional block/reject rule: later rules never match */
	bool storage_blocked;          /* a block/reject rule catches every storage device */
	const char *malformed_path;    /* first rule the daemon would refuse to parse */
	int malformed_line;
} ks_usbguard_rules;

void ks_usbguard_rules_init(ks_usbguard_rules *r);
/* Parses one rule file (usbguard-rules.conf(5) grammar) held in DATA, appending to *R. */
int ks_usbguard_parse_rules(ks_collect_ctx *ctx, ks_usbguard_rules *r, const char *path,
                            const char *data, size_t len);

#endif
