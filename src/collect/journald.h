/* systemd-journald: journald.conf(5) [Journal] settings after drop-ins, and whether the journal
 * is kept on disk. */
#ifndef KS_JOURNALD_H
#define KS_JOURNALD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"

#define KS_JOURNALD_CONF "/etc/systemd/journald.conf"

typedef struct ks_journald_setting {
	const char *value; /* NULL when never set (the compiled-in default applies) */
	const char *path;
	int line;
} ks_journald_setting;

typedef struct ks_journald_conf {
	ks_journald_setting storage, max_retention, max_file, system_max_use, forward_to_syslog;
} ks_journald_conf;

/* Parses one journald.conf or drop-in in DATA into CONF: later assignments replace earlier ones,
 * as systemd does when it reads the main file and then each drop-in. */
int ks_journald_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                             ks_journald_conf *conf);

/* A systemd.time(7) span ("1year", "6month 2w", "3600" = seconds) in seconds. INT64_MAX for
 * "infinity". Returns false when malformed. */
bool ks_journald_parse_timespan(const char *s, int64_t *seconds);

#endif
