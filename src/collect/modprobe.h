/* modprobe.d(5) configuration as kmod reads it, and the USB storage facts derived from it. */
#ifndef KS_MODPROBE_H
#define KS_MODPROBE_H
#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

typedef struct ks_modprobe_rule {
	const char *directive; /* alias, blacklist, install, remove, options, softdep; or, from the
	                        * kernel command line, blacklist (modprobe.blacklist=) and
	                        * module_blacklist (the kernel's own refusal list) */
	const char *module;    /* module name or fnmatch(3) pattern, '-' written as '_' (kmod's
	                        * underscores()); for alias the target module; verbatim from the
	                        * kernel command line (kmod does not normalise those) */
	const char *args;      /* rest of the line: command, options, softdeps, or the alias name */
	const char *path;
	int line;
} ks_modprobe_rule;

typedef struct ks_modprobe_conf {
	ks_modprobe_rule *rules; /* in kmod's processing order */
	size_t n, cap;
	const char *unreadable;  /* first configuration file that could not be read, if any */
} ks_modprobe_conf;

/* Parses one modprobe.d file held in DATA, appending its rules. Returns 0 or KS_ENOMEM. */
int ks_modprobe_parse_buffer(ks_collect_ctx *ctx, ks_modprobe_conf *c, const char *path,
                             const char *data, size_t len);
/* Parses a kernel command line (/proc/cmdline) for modprobe.blacklist= and module_blacklist=. */
int ks_modprobe_parse_cmdline(ks_collect_ctx *ctx, ks_modprobe_conf *c, const char *path,
                              const char *data, size_t len);

/* True when an install command can never load the module: true/false/exit/":" (with or
 * without /bin/ or /usr/bin/), optionally wrapped in "sh -c '...'", and nothing after it that a
 * shell would run (; & | ` $ ( ) < > or a newline). */
bool ks_modprobe_install_is_noop(const char *cmd);

/* The rule that decides whether MODULE (normalised, e.g. "usb_storage") is loaded through its
 * install command: kmod uses the first install rule whose pattern matches; a module_blacklist= on
 * the kernel command line takes precedence. NULL when there is none. */
const ks_modprobe_rule *ks_modprobe_install_rule(const ks_modprobe_conf *c, const char *module);
/* The first blacklist entry naming MODULE, or NULL. */
const ks_modprobe_rule *ks_modprobe_blacklist_rule(const ks_modprobe_conf *c, const char *module);

/* Writes the usb.* facts from a parsed configuration. */
int ks_modprobe_put_facts(ks_collect_ctx *ctx, const ks_modprobe_conf *c);

#endif
