/* Sockets a live host listens on: /proc/net/{tcp,tcp6,udp,udp6} (proc(5)) and their owners. */
#ifndef KS_LISTENING_H
#define KS_LISTENING_H
#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

/* Caps on what one scan reads from /proc (cf. core/limits.h): a busy host stays well under 50 ms. */
#define KS_LISTEN_MAX_SOCKETS 4096   /* listening sockets kept */
#define KS_LISTEN_MAX_PIDS    4096   /* /proc/<pid> directories examined */
#define KS_LISTEN_MAX_FDS     65536  /* /proc/<pid>/fd links read in total */
#define KS_LISTEN_BUDGET_MS   40     /* time spent looking for owners; the rest stay unknown */

typedef struct ks_listen_socket {
	const char *proto;   /* "tcp", "tcp6", "udp", "udp6" */
	char address[48];    /* inet_ntop() text */
	unsigned port;
	unsigned long inode; /* 0: owned by the kernel (nfsd, lockd) */
	int line;            /* in the /proc/net file */
	const char *path;
} ks_listen_socket;

typedef struct ks_listen_set {
	ks_listen_socket *v;
	size_t n, cap;
	bool truncated; /* KS_LISTEN_MAX_SOCKETS was hit */
} ks_listen_set;

/* Parses one /proc/net/{tcp,tcp6,udp,udp6} file held in DATA (PROTO names it) and appends the
 * sockets that accept peers: TCP in state LISTEN (0A) and UDP sockets not connected to a peer
 * (state 07, i.e. bound and receiving from anyone). The header line is skipped; malformed lines
 * are reported and skipped. Returns 0 or KS_ENOMEM. */
int ks_procnet_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *proto, const char *data,
                            size_t len, ks_listen_set *set);

#endif
