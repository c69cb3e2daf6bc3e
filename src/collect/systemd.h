/* systemd unit files and their enablement (systemd.unit(5), systemctl(1) enable/mask), and SysV rc
 * links (systemd-sysv-generator(8)): the services.enabled, services.masked and services.sysv facts. */
#ifndef KS_SYSTEMD_H
#define KS_SYSTEMD_H
#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

/* What kenshin reads from one unit (its file plus drop-ins). Strings live in the ctx arena. */
typedef struct ks_systemd_unit {
	const char *name;        /* canonical name: aliases (symlinks to other unit files) resolved */
	const char *path;        /* unit file that was read; NULL when none was found */
	bool masked;             /* the winning file is a symlink to /dev/null or empty */
	const char *description; /* [Unit] Description= */
	const char *exec;        /* program of the first ExecStart= left after resets ("" resets) */
	const char *exec_path;   /* file and line of that ExecStart= */
	int exec_line;
	ks_value listen;         /* [Socket] Listen*= as "stream 23", "datagram 0.0.0.0:69", ... */
	ks_value aliases;        /* [Install] Alias= names (list of str) */
	const char *service;     /* [Socket] Service= or [Timer]/[Path] Unit=: the unit it activates */
	bool accept;             /* [Socket] Accept=yes: one <name>@.service instance per connection */
} ks_systemd_unit;

/* Unit directories in precedence order (the first that holds a name wins), NULL terminated:
 * /etc/systemd/system, /run/systemd/system, /usr/local/lib/systemd/system, /usr/lib/systemd/system,
 * /lib/systemd/system (images without merged /usr). */
extern const char *const ks_systemd_unit_dirs[];

/* Initialises U (lists empty, strings NULL). */
void ks_systemd_unit_init(ks_systemd_unit *u);

/* Parses one unit file or drop-in held in DATA into U (later files override earlier ones, as
 * drop-ins do). Malformed lines are reported and skipped. Returns 0 or KS_ENOMEM. */
int ks_systemd_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                            ks_systemd_unit *u);

/* Finds unit NAME in the search path as systemd loads it: the first directory holding the name
 * wins; a symlink there to another unit file makes that file's name the canonical one (an alias,
 * e.g. sshd.service -> ssh.service); a symlink to /dev/null or an empty file masks it; an instance
 * (a@b.service) falls back to its template (a@.service). Reads the file and its drop-ins
 * (*.conf in <dir>/<name>.d, the template's first). Returns 0, KS_ENOENT (no file anywhere), KS_EPARSE
 * (not a unit name) or KS_ENOMEM; read errors are diagnostics. */
int ks_systemd_lookup(ks_collect_ctx *ctx, const char *name, ks_systemd_unit *u);

/* True when the root has systemd (/etc/systemd/system, /lib/systemd/systemd or
 * /usr/lib/systemd/systemd exists). */
bool ks_systemd_present(ks_collect_ctx *ctx);

/* `systemctl is-enabled` == enabled/enabled-runtime: a symlink named UNIT (or its canonical name)
 * in a *.wants or *.requires directory of /etc/systemd/system (or /run/systemd/system), the unit
 * has a unit file, and it is not masked. *EVIDENCE_PATH (may be NULL) is set to the link found.
 * Whether the target owning the .wants directory is itself started is not checked (systemctl does
 * not either). */
bool ks_systemd_unit_enabled(ks_collect_ctx *ctx, const char *unit, const char **evidence_path);

/* A SysV init script started at boot: an S<NN>SCRIPT link in /etc/rc2.d..rc5.d (Debian's default
 * runlevels) to an existing /etc/init.d script, and - when systemd is present - no native unit
 * SCRIPT.service (with ".sh" dropped, as systemd-sysv-generator does), which would replace it.
 * *EVIDENCE_PATH (may be NULL) is set to the rc link. */
bool ks_sysv_enabled(ks_collect_ctx *ctx, const char *script, const char **evidence_path);

/* First word of an ExecStart= value: the program, with the prefixes @-:+! dropped and quotes
 * removed. Arena allocated; NULL for an empty value. */
const char *ks_systemd_exec_program(ks_arena *a, const char *value, size_t len);

#endif
