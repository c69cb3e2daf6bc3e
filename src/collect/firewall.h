/* Host firewalls as configured for boot: nftables (/etc/nftables.conf), iptables-persistent
 * (/etc/iptables/rules.v4, rules.v6), ufw and firewalld; what each does with inbound packets that
 * no rule lets in. */
#ifndef KS_FIREWALL_H
#define KS_FIREWALL_H
#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

#define KS_NFT_CONF "/etc/nftables.conf"
#define KS_IPT_RULES_V4 "/etc/iptables/rules.v4"
#define KS_IPT_RULES_V6 "/etc/iptables/rules.v6"
#define KS_UFW_CONF "/etc/ufw/ufw.conf"
#define KS_UFW_DEFAULTS "/etc/default/ufw"
#define KS_FIREWALLD_CONF "/etc/firewalld/firewalld.conf"

/* The fate of an inbound packet that no rule lets in. NONE: the configuration filters nothing
 * for that address family. */
typedef enum { KS_FW_NONE = 0, KS_FW_ACCEPT, KS_FW_DROP, KS_FW_REJECT, KS_FW_UNKNOWN } ks_fw_policy;

typedef struct ks_fw_verdict {
	ks_fw_policy policy;
	const char *path; /* the policy line or the unconditional rule that decided it */
	int line;
	const char *why;  /* for KS_FW_UNKNOWN */
} ks_fw_verdict;

typedef struct ks_fw_result {
	ks_fw_verdict v4, v6;
} ks_fw_result;

const char *ks_fw_policy_name(ks_fw_policy p); /* "none", "accept", "drop", "reject", "unknown" */

/* nft(8) ruleset file: tables, chains (type filter hook input ... ; policy ...;), rules,
 * add/insert/delete/flush commands, define, and include (resolved inside ctx->root, globbed, at
 * most KS_MAX_INCLUDE_DEPTH deep and KS_MAX_INCLUDE_FILES files). Fills the default verdict of the
 * input hook for IPv4 and IPv6. */
int ks_firewall_parse_nft_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                 ks_fw_result *out);

/* iptables-save(8) format as iptables-restore(8) reads it: the filter table's INPUT chain, its
 * policy and its unconditional rules (following jumps into user chains). */
int ks_firewall_parse_iptables_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                      ks_fw_verdict *out);

/* ufw's shell-style KEY=value files (/etc/ufw/ufw.conf, /etc/default/ufw). */
typedef struct ks_ufw_conf {
	int enabled;      /* -1 not set, 0 no, 1 yes */
	int enabled_line;
	ks_fw_policy input; /* DEFAULT_INPUT_POLICY; NONE when not set, UNKNOWN when not understood */
	int input_line;
	int ipv6;         /* -1 not set, 0 no, 1 yes */
	int ipv6_line;
	const char *default_zone; /* firewalld.conf DefaultZone=, read by the same parser */
	int default_zone_line;
} ks_ufw_conf;

int ks_firewall_parse_ufw_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                 ks_ufw_conf *out);

/* firewalld zone XML: the <zone target="..."> attribute and any <interface name=".."/> binding. */
typedef struct ks_fw_zone {
	bool found;        /* a <zone> element */
	ks_fw_policy target; /* default/%%REJECT%% -> REJECT, DROP, ACCEPT; UNKNOWN if not understood */
	int target_line;
	bool has_interface;
	int interface_line;
} ks_fw_zone;

int ks_firewall_parse_zone_xml(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                               ks_fw_zone *out);

#endif
