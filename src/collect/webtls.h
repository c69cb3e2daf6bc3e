/* TLS protocol versions offered by the web servers nginx and Apache httpd, from their configuration
 * trees (includes followed inside the root), as the servers merge them. */
#ifndef KS_WEBTLS_H
#define KS_WEBTLS_H
#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

/* Protocol bits, lowest version first. */
enum {
	KS_TLS_SSLV2 = 1u << 0,
	KS_TLS_SSLV3 = 1u << 1,
	KS_TLS_V1 = 1u << 2,
	KS_TLS_V1_1 = 1u << 3,
	KS_TLS_V1_2 = 1u << 4,
	KS_TLS_V1_3 = 1u << 5,
};

/* What one configuration tree yields. */
typedef struct ks_webtls {
	ks_value servers;     /* records {name, server, protocols, min_version, ok, summary, source} */
	size_t ntls;          /* records added */
	size_t nbad;          /* records with ok == false */
	size_t nunknown;      /* records with ok unknown */
	const char *bad;      /* name and summary of the first bad record */
	const char *unknown;  /* non-NULL: the tree could not be read completely (reason) */
} ks_webtls;

void ks_webtls_init(ks_webtls *out);

/* nginx's ssl_protocols default for an installed version string ("1.22.1-9+deb12u11"); returns
 * false when the version cannot be read. */
bool ks_webtls_nginx_default(const char *version, unsigned *mask);

/* Parses DATA as nginx.conf (PATH), following include inside ctx->root; DEFAULT_MASK is the
 * ssl_protocols default (0 = unknown). Appends to OUT. Returns 0 or KS_ENOMEM. */
int ks_webtls_nginx_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                 unsigned default_mask, ks_webtls *out);

/* Parses DATA as apache2.conf (PATH), following Include/IncludeOptional inside ctx->root. */
int ks_webtls_apache_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                  ks_webtls *out);

#endif
