/* rsyslog: which files and remote hosts receive the auth and authpriv facilities, read from
 * rsyslog.conf(5) in both the legacy (sysklogd selector, $Directive) and RainerScript syntax. */
#ifndef KS_RSYSLOG_H
#define KS_RSYSLOG_H
#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

#define KS_RSYSLOG_CONF "/etc/rsyslog.conf"

typedef struct ks_rsyslog_conf {
	ks_value auth_files;   /* records {name: path, kind: file|dynafile, facilities, source} */
	ks_value auth_forward; /* records {name: target, protocol, facilities, source} */
	bool reads_journal;    /* imjournal is loaded */
	/* First action whose share of auth messages could not be told (filter not understood). */
	const char *unsure_file_path, *unsure_fwd_path;
	int unsure_file_line, unsure_fwd_line;
	const char *incomplete; /* set when the configuration could not be followed completely */
	const char *syntax_error_path; /* first syntax error: rsyslogd stops reading there */
	int syntax_error_line;
} ks_rsyslog_conf;

/* Parses the configuration in DATA (as if read from PATH, following its includes inside the root)
 * and evaluates the default ruleset for auth/authpriv messages of severity info and above. */
int ks_rsyslog_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                            ks_rsyslog_conf *out);

#endif
