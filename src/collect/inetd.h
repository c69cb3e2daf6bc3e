/* Internet super-servers: inetd.conf(5) (openbsd-inetd, inetutils-inetd) and xinetd.conf(5). */
#ifndef KS_INETD_H
#define KS_INETD_H
#include <stddef.h>

#include "collect.h"

/* Parses an inetd.conf held in DATA and appends one record per active service line to LIST:
 * {name, server, socktype, proto, user, via "inetd", source "path:line"}. Lines commented out
 * (including update-inetd's "#<off>#") count for nothing; a tcpd(8) wrapper is seen through (the
 * server is its first argument). Malformed lines are reported and skipped. 0 or KS_ENOMEM. */
int ks_inetd_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                          ks_value *list);

/* Parses an xinetd configuration held in DATA (following includefile and includedir inside the
 * root, up to KS_MAX_INCLUDE_DEPTH / KS_MAX_INCLUDE_FILES) and appends one record per service
 * xinetd would start - not `disable = yes`, not in the defaults' `disabled` list and, when the
 * defaults have an `enabled` list, in it - to LIST: {name, server ("internal" for INTERNAL
 * services), via "xinetd", source}. *INCOMPLETE is set when an included file could not be read.
 * Returns 0 or KS_ENOMEM. */
int ks_xinetd_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                           ks_value *list, bool *incomplete);

#endif
