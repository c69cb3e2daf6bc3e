/* OpenSSH server configuration (sshd_config(5), OpenSSH 9.2 as shipped by Debian 12): the parser,
 * the ssh.* facts it yields, and the two-factor derivation (mfa.c) that reads those facts. */
#ifndef KS_SSHD_H
#define KS_SSHD_H
#include <stddef.h>

#include "collect.h"

#define KS_SSHD_BINARY "/usr/sbin/sshd"
#define KS_SSHD_CONFIG "/etc/ssh/sshd_config"
#define KS_SSHD_DIR    "/etc/ssh" /* relative Include paths are taken from here (SSHDIR) */

typedef struct ks_sshd_config ks_sshd_config; /* lives in ctx->arena */

/* Parses DATA as the configuration file PATH. Include directives are expanded in place through
 * ctx->root (an empty root simply matches nothing). Malformed lines become diagnostics. */
int ks_sshd_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                         ks_sshd_config **out);

/* Writes the ssh.* option facts (everything but ssh.installed / ssh.config_present) from CFG. */
int ks_sshd_put_facts(ks_collect_ctx *ctx, const ks_sshd_config *cfg);

/* Collectors (also listed in collectors.def). ks_collect_mfa reads only facts: ssh.* and
 * pam.sshd.mfa / pam.login.mfa, and writes auth.*. */
int ks_collect_sshd(ks_collect_ctx *ctx);
int ks_collect_mfa(ks_collect_ctx *ctx);

#endif
