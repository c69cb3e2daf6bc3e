/* listening collector: sockets the running host accepts peers on, from /proc/net/{tcp,tcp6,udp,udp6},
 * and the process holding each (found through /proc/<pid>/fd) -> services.listening. */
#include "listening.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

#define TCP_LISTEN 0x0A /* include/net/tcp_states.h */
#define TCP_CLOSE 0x07  /* what an unconnected UDP socket reports */

static bool hexval(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	if (n == 0 || n > 16)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | (uint64_t)d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* The kernel prints each 32-bit word of the address with %08X as the CPU holds it (network byte
 * order in memory), so copying the native words back gives the address bytes. */
static bool address(const char *s, size_t n, bool v6, char *out, size_t outlen)
{
	unsigned char bytes[16];
	size_t words = v6 ? 4 : 1;
	if (n != words * 8)
		return false;
	for (size_t i = 0; i < words; i++) {
		uint64_t w;
		if (!hexval(s + i * 8, 8, UINT32_MAX, &w))
			return false;
		uint32_t w32 = (uint32_t)w;
		memcpy(bytes + i * 4, &w32, 4);
	}
	return inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, out, (socklen_t)outlen) != NULL;
}

static int set_push(ks_arena *a, ks_listen_set *set, const ks_listen_socket *s)
{
	if (set->n == KS_LISTEN_MAX_SOCKETS) {
		set->truncated = true;
		return KS_OK;
	}
	if (set->n == set->cap) {
		size_t nc = set->cap ? set->cap * 2 : 32;
		ks_listen_socket *nv = ks_arena_alloc(a, nc * sizeof *nv);
		if (!nv)
			return KS_ENOMEM;
		if (set->n)
			memcpy(nv, set->v, set->n * sizeof *nv);
		set->v = nv;
		set->cap = nc;
	}
	set->v[set->n++] = *s;
	return KS_OK;
}

int ks_procnet_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *proto, const char *data,
                            size_t len, ks_listen_set *set)
{
	bool v6 = strchr(proto, '6') != NULL, udp = proto[0] == 'u';
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next(&it, &line, &n)) {
		ks_trim(&line, &n);
		if (!n)
			continue;
		const char *w[10];
		size_t wl[10], nw = 0;
		const char *s = line;
		size_t sl = n;
		while (nw < 10 && ks_next_word(&s, &sl, &w[nw], &wl[nw]))
			nw++;
		if (ks_eq(w[0], wl[0], "sl"))
			continue; /* header: "sl local_address rem_address st ..." */
		const char *colon = nw >= 2 ? memchr(w[1], ':', wl[1]) : NULL;
		uint64_t port, st;
		int64_t inode = -1;
		ks_listen_socket sock;
		memset(&sock, 0, sizeof sock);
		if (nw < 10 || wl[0] < 2 || w[0][wl[0] - 1] != ':' || !colon ||
		    !address(w[1], (size_t)(colon - w[1]), v6, sock.address, sizeof sock.address) ||
		    !hexval(colon + 1, (size_t)(w[1] + wl[1] - colon - 1), 0xFFFF, &port) ||
		    !hexval(w[3], wl[3], 0xFF, &st) || wl[9] > 20 || !ks_parse_int(w[9], wl[9], &inode) ||
		    inode < 0) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, it.lineno, 1,
			            "expected: sl: local-address:port remote-address:port state ... inode");
			continue;
		}
		if (st != (udp ? TCP_CLOSE : TCP_LISTEN) || port == 0)
			continue;
		sock.proto = proto;
		sock.port = (unsigned)port;
		sock.inode = (unsigned long)inode;
		sock.line = it.lineno;
		sock.path = path;
		if (set_push(ctx->arena, set, &sock) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

/* ---- owners ------------------------------------------------------------------------------------ */

struct owner {
	unsigned long inode;
	long pid; /* 0 = not found yet */
};

static int cmp_owner(const void *x, const void *y)
{
	unsigned long a = ((const struct owner *)x)->inode, b = ((const struct owner *)y)->inode;
	return a < b ? -1 : a > b;
}

struct scan_stats {
	size_t denied, pids, fds;
	bool capped, timeout;
};

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Reads the fd links of processes until every socket inode in O has an owner or a cap is hit. */
static int find_owners(ks_collect_ctx *ctx, struct owner *o, size_t no, struct scan_stats *stats)
{
	size_t left = no;
	if (!left)
		return KS_OK;
	const char **pids;
	size_t np;
	int rc = ks_rootfs_list(ctx->root, ctx->arena, "/proc", &pids, &np);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0)
		return KS_OK;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < np && left; i++) {
		if (!all_digits(pids[i]) || strlen(pids[i]) > 10)
			continue;
		if (elapsed_ms(&t0) > KS_LISTEN_BUDGET_MS) {
			stats->timeout = true;
			break;
		}
		if (stats->pids == KS_LISTEN_MAX_PIDS) {
			stats->capped = true;
			break;
		}
		stats->pids++;
		char dir[64];
		snprintf(dir, sizeof dir, "/proc/%s/fd", pids[i]);
		const char **fds;
		size_t nf;
		rc = ks_rootfs_list(ctx->root, ctx->arena, dir, &fds, &nf);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc == KS_EACCES)
			stats->denied++; /* another user's process and we are not root: its owner stays unknown */
		if (rc < 0)
			continue;
		for (size_t j = 0; j < nf && left; j++) {
			if (stats->fds == KS_LISTEN_MAX_FDS) {
				stats->capped = true;
				return KS_OK;
			}
			if ((j & 63) == 63 && elapsed_ms(&t0) > KS_LISTEN_BUDGET_MS) {
				stats->timeout = true;
				return KS_OK;
			}
			stats->fds++;
			char lp[96];
			snprintf(lp, sizeof lp, "%s/%s", dir, fds[j]);
			char *target;
			rc = ks_rootfs_readlink(ctx->root, ctx->arena, lp, &target);
			if (rc == KS_ENOMEM)
				return rc;
			if (rc < 0 || strncmp(target, "socket:[", 8) != 0)
				continue;
			char *end;
			unsigned long ino = strtoul(target + 8, &end, 10);
			if (*end != ']')
				continue;
			struct owner key = {.inode = ino};
			struct owner *hit = bsearch(&key, o, no, sizeof *o, cmp_owner);
			if (hit && !hit->pid) {
				hit->pid = strtol(pids[i], NULL, 10);
				left--;
			}
		}
	}
	return KS_OK;
}

static const char *comm_of(ks_collect_ctx *ctx, long pid)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/%ld/comm", pid);
	char *data;
	size_t len;
	if (ks_rootfs_read(ctx->root, ctx->arena, p, 256, &data, &len) < 0)
		return NULL;
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		data[--len] = '\0';
	return len ? data : NULL;
}

/* ---- collector --------------------------------------------------------------------------------- */

static const struct {
	const char *path, *proto;
	bool required; /* tcp6/udp6 are absent when IPv6 is disabled */
} procnet[] = {
	{"/proc/net/tcp", "tcp", true},
	{"/proc/net/tcp6", "tcp6", false},
	{"/proc/net/udp", "udp", true},
	{"/proc/net/udp6", "udp6", false},
};

static int record(ks_collect_ctx *ctx, ks_value *list, const ks_listen_socket *s, long pid, const char *comm,
                  const char *why)
{
	ks_arena *a = ctx->arena;
	bool v6 = strchr(s->proto, '6') != NULL;
	const char *addr = ks_arena_printf(a, v6 ? "[%s]:%u" : "%s:%u", s->address, s->port);
	const char *name = addr ? ks_arena_printf(a, "%s %s %s", s->proto, addr, comm ? comm : "?") : NULL;
	if (!name)
		return KS_ENOMEM;
	for (size_t i = 0; i < list->u.list.n; i++) {
		const ks_value *nm = ks_record_get(&list->u.list.items[i], "name");
		if (nm && strcmp(nm->u.str.s, name) == 0)
			return KS_OK; /* SO_REUSEPORT groups: one line is enough */
	}
	ks_value rec = ks_val_record();
	if (ks_record_set(a, &rec, "name", ks_val_strz(a, name)) < 0 ||
	    ks_record_set(a, &rec, "proto", ks_val_strz(a, s->proto)) < 0 ||
	    ks_record_set(a, &rec, "address", ks_val_strz(a, s->address)) < 0 ||
	    ks_record_set(a, &rec, "port", ks_val_int(s->port)) < 0 ||
	    ks_record_set(a, &rec, "process", comm ? ks_val_strz(a, comm) : ks_val_unknown()) < 0 ||
	    ks_record_set(a, &rec, "pid", comm ? ks_val_int(pid) : ks_val_unknown()) < 0 ||
	    (why && ks_record_set(a, &rec, "note", ks_val_strz(a, why)) < 0) ||
	    ks_record_set(a, &rec, "source", ks_val_strz(a, ks_collect_where(ctx, s->path, s->line))) < 0)
		return KS_ENOMEM;
	return ks_list_push(a, list, rec);
}

int ks_collect_listening(ks_collect_ctx *ctx)
{
	const char *key = "services.listening";
	if (!ctx->live)
		return ks_fact_unknown(ctx->facts, key, NULL,
		                       "not available for an image: listening sockets can only be read on the "
		                       "running host");
	ks_listen_set set = {0};
	int rc;
	for (size_t i = 0; i < sizeof procnet / sizeof *procnet; i++) {
		char *data;
		size_t len;
		rc = ks_collect_read(ctx, procnet[i].path, &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0) {
			if (!procnet[i].required && rc == KS_ENOENT)
				continue;
			return ks_fact_unknown(ctx->facts, key, procnet[i].path, "%s: %s", procnet[i].path,
			                       ks_strerror(rc));
		}
		if ((rc = ks_procnet_parse_buffer(ctx, procnet[i].path, procnet[i].proto, data, len, &set)) < 0)
			return rc;
	}
	if (set.truncated)
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, NULL, 0, 0,
		            "more than %d listening sockets; the rest are not reported", KS_LISTEN_MAX_SOCKETS);
	/* Unique socket inodes, sorted for bsearch. */
	struct owner *o = ks_arena_alloc(ctx->arena, (set.n ? set.n : 1) * sizeof *o);
	if (!o)
		return KS_ENOMEM;
	size_t no = 0;
	for (size_t i = 0; i < set.n; i++)
		if (set.v[i].inode)
			o[no++].inode = set.v[i].inode;
	qsort(o, no, sizeof *o, cmp_owner);
	size_t u = 0;
	for (size_t i = 0; i < no; i++)
		if (!u || o[u - 1].inode != o[i].inode)
			o[u++] = o[i];
	no = u;
	struct scan_stats stats = {0};
	if ((rc = find_owners(ctx, o, no, &stats)) < 0)
		return rc;
	const char *why_missing;
	if (stats.denied)
		why_missing = ks_arena_printf(ctx->arena,
		                              "owner not visible: /proc/<pid>/fd of %zu processes could not be read "
		                              "(permission denied; run as root)",
		                              stats.denied);
	else if (stats.capped || stats.timeout)
		why_missing = ks_arena_printf(ctx->arena,
		                              "owner not found within the limits (%d processes, %d descriptors, "
		                              "%d ms)",
		                              KS_LISTEN_MAX_PIDS, KS_LISTEN_MAX_FDS, KS_LISTEN_BUDGET_MS);
	else
		why_missing = "no process holds this socket (it exited, or /proc hides other users' processes)";
	if (!why_missing)
		return KS_ENOMEM;
	ks_value list = ks_val_list();
	for (size_t i = 0; i < set.n; i++) {
		const ks_listen_socket *s = &set.v[i];
		long pid = 0;
		const char *comm = NULL, *why = NULL;
		if (!s->inode) {
			comm = "[kernel]"; /* in-kernel servers (nfsd, lockd) have no socket inode */
		} else {
			struct owner want = {.inode = s->inode};
			struct owner *hit = bsearch(&want, o, no, sizeof *o, cmp_owner);
			if (hit && hit->pid) {
				pid = hit->pid;
				comm = comm_of(ctx, pid);
				if (!comm)
					why = "process exited while kenshin was reading /proc";
			} else {
				why = why_missing;
			}
		}
		if ((rc = record(ctx, &list, s, pid, comm, why)) < 0)
			return rc;
	}
	const char *probe = ks_arena_printf(ctx->arena,
	                                    "TCP LISTEN and unconnected UDP sockets in /proc/net/{tcp,tcp6,udp,udp6}; "
	                                    "owners from /proc/<pid>/fd (%zu processes, %zu descriptors read%s)",
	                                    stats.pids, stats.fds,
	                                    stats.timeout || stats.capped ? "; stopped at a limit" : "");
	if (!probe)
		return KS_ENOMEM;
	return ks_fact_put_probe(ctx->facts, key, list, probe);
}
