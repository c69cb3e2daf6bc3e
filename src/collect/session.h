/* Shell idle timeout: TMOUT as bash sees it after /etc/environment, /etc/profile, /etc/bash.bashrc
 * and /etc/profile.d/<name>.sh (a conservative scanner of POSIX/bash syntax; nothing is executed). */
#ifndef KS_SESSION_H
#define KS_SESSION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"

/* What the files read so far leave TMOUT at. */
typedef struct ks_tmout_state {
	bool set;             /* TMOUT has a value (else unset: no timeout) */
	int64_t value;        /* the value as bash reads it (atoi, clamped to int) */
	bool readonly;        /* made readonly unconditionally: users cannot change or unset it */
	const char *path;     /* the assignment (or unset) that decided; NULL if none */
	int line;
	const char *ro_path;  /* where it became readonly */
	int ro_line;
	const char *unknown;  /* non-NULL: the value cannot be determined statically (the reason) */
	bool ro_unknown;      /* a conditional or unreadable readonly: later changes may have failed */
	ks_value settings;    /* list of records, one per TMOUT assignment/readonly/unset seen */
	size_t nsettings;
} ks_tmout_state;

void ks_session_tmout_init(ks_tmout_state *st);

/* Scans DATA as a shell file sourced by login shells (PATH names it in facts and diagnostics) and
 * applies what it does to TMOUT. Returns 0 or KS_ENOMEM. */
int ks_session_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                            ks_tmout_state *st);

/* Same for a pam_env file (/etc/environment: KEY=VALUE lines, optional "export "). */
int ks_session_parse_environment(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                 ks_tmout_state *st);

#endif
