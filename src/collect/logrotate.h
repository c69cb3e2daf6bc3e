/* logrotate: logrotate(8) configuration (global defaults, includes, per-file stanzas) and how long
 * the rotated copies of a given log file are kept. */
#ifndef KS_LOGROTATE_H
#define KS_LOGROTATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"

#define KS_LOGROTATE_CONF "/etc/logrotate.conf"

enum { KS_LR_SIZE = 0, KS_LR_HOURLY, KS_LR_DAILY, KS_LR_WEEKLY, KS_LR_MONTHLY, KS_LR_YEARLY };

/* The options that decide retention, as in effect for one stanza. */
typedef struct ks_logrotate_opts {
	int period;        /* KS_LR_*: KS_LR_SIZE when rotated by size only (logrotate's default) */
	int64_t rotate;    /* kept copies; -1 = never removed (logrotate's default is 0) */
	int64_t maxage;    /* days; 0 = not set */
	bool maxsize;      /* rotated early when bigger than a size */
	int create_mode;   /* -1 when not set */
	const char *create_owner, *create_group;
	const char *period_path, *rotate_path, *create_path;
	int period_line, rotate_line, create_line;
} ks_logrotate_opts;

typedef struct ks_logrotate_stanza {
	const char **patterns;
	size_t npatterns;
	ks_logrotate_opts opts;
	const char *path;
	int line;
} ks_logrotate_stanza;

typedef struct ks_logrotate_conf {
	ks_logrotate_stanza *stanzas;
	size_t n, cap;
	ks_logrotate_opts globals;
	const char *taboo[64];
	size_t ntaboo;
	size_t files;            /* configuration files read */
	const char *incomplete;  /* a file that could not be read, when set */
} ks_logrotate_conf;

void ks_logrotate_conf_init(ks_logrotate_conf *conf);
/* Parses one configuration file in DATA (as if read from PATH), following `include` inside the
 * root with DEPTH levels already used. */
int ks_logrotate_parse_buffer(ks_collect_ctx *ctx, ks_logrotate_conf *conf, const char *path,
                              const char *data, size_t len, int depth);
/* The first stanza whose file pattern matches the log file PATH (logrotate keeps the first entry
 * of a duplicated file), or NULL. */
const ks_logrotate_stanza *ks_logrotate_match(const ks_logrotate_conf *conf, const char *path);
/* Guaranteed lookback in days of the rotated copies under OPTS, or -1 when it cannot be bounded
 * below (rotation by size). *UNLIMITED is set for "rotate -1" without maxage. */
int64_t ks_logrotate_retention_days(const ks_logrotate_opts *opts, bool *unlimited);

#endif
