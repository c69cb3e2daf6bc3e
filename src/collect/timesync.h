/* Time synchronisation: which NTP client is enabled at boot (chrony, ntpsec/ntp,
 * systemd-timesyncd) and the time sources it is configured with. */
#ifndef KS_TIMESYNC_H
#define KS_TIMESYNC_H
#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

typedef struct ks_timesync_sources {
	ks_value servers;         /* list of str: host names, addresses, "refclock ..." */
	const char *first_path;   /* where the first source was configured */
	int first_line;
	bool dynamic;             /* sources may also come from a runtime directory (DHCP) */
	const char *failed;       /* a file that could not be read */
	size_t files;
} ks_timesync_sources;

void ks_timesync_sources_init(ks_timesync_sources *s);
/* chrony.conf(5): server/pool/peer/refclock lines; include, confdir and sourcedir are followed
 * inside the root (DEPTH levels already used). */
int ks_timesync_parse_chrony(ks_collect_ctx *ctx, ks_timesync_sources *s, const char *path, const char *data,
                             size_t len, int depth);
/* ntp.conf(5) (ntpsec and classic ntp): server/pool/peer/refclock lines and includefile. */
int ks_timesync_parse_ntp(ks_collect_ctx *ctx, ks_timesync_sources *s, const char *path, const char *data,
                          size_t len, int depth);
/* timesyncd.conf(5) [Time] NTP= and FallbackNTP= (space-separated lists; empty resets). *NTP and
 * *FALLBACK keep the last assignment seen (NULL = never assigned). */
int ks_timesync_parse_timesyncd(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                const char **ntp, const char **ntp_src, const char **fallback,
                                const char **fallback_src);

#endif
