/* Login history readers: lastlog (binary, sparse, indexed by uid) and wtmp (utmp records by name). */
#ifndef KS_LASTLOG_H
#define KS_LASTLOG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "collect.h"

/* glibc x86_64 / aarch64 layouts (little endian, 32-bit times for 32-bit compatibility):
 * struct lastlog { int32_t ll_time; char ll_line[32]; char ll_host[256]; }       292 bytes
 * struct utmp    { short ut_type; pid_t ut_pid; char ut_line[32], ut_id[4], ut_user[32],
 *                  ut_host[256]; struct exit_status ut_exit; int32_t ut_session;
 *                  struct { int32_t tv_sec, tv_usec; } ut_tv; int32_t ut_addr_v6[4];
 *                  char __unused[20]; }                                            384 bytes */
#define KS_LASTLOG_RECORD 292u
#define KS_UTMP_RECORD    384u
#define KS_UTMP_USER_PROCESS 7

/* Decodes the lastlog record REC (KS_LASTLOG_RECORD bytes) of UID. *WHEN is the login time in
 * epoch seconds, or 0 for "never" and for implausible times (negative or beyond ctx->now plus a
 * day of clock skew), which are reported as diagnostics against PATH. */
void ks_lastlog_decode(ks_collect_ctx *ctx, const char *path, uint32_t uid, const unsigned char *rec,
                       int64_t *when);

/* Looks UID up in an in-memory copy of a lastlog file (for fuzzing and tests): the record sits at
 * offset uid * 292; a file too short to hold it means the user never logged in (*WHEN = 0). */
int ks_lastlog_parse_buffer(ks_collect_ctx *ctx, const char *path, const unsigned char *data,
                            size_t len, uint32_t uid, int64_t *when);

/* An open lastlog file, read record by record with pread(): the file is sparse (uid 65534 sits at
 * ~19 MB, uid 4294967294 at ~1.2 TB) and is never read whole. */
typedef struct ks_lastlog {
	int fd;
	off_t size;
	const char *path;
} ks_lastlog;

/* Returns 0, KS_ENOENT (no lastlog), or another KS_E* code (a diagnostic was recorded). */
int ks_lastlog_open(ks_collect_ctx *ctx, const char *path, ks_lastlog *ll);
/* *WHEN as in ks_lastlog_decode. Returns 0 or KS_EIO (diagnosed) when the record cannot be read. */
int ks_lastlog_get(ks_collect_ctx *ctx, ks_lastlog *ll, uint32_t uid, int64_t *when);
void ks_lastlog_close(ks_lastlog *ll);

/* Latest USER_PROCESS (login) time per user name, accumulated over one or more wtmp files. */
typedef struct ks_wtmp ks_wtmp;

ks_wtmp *ks_wtmp_new(ks_arena *a);
/* Parses DATA as consecutive utmp records; a trailing partial record is diagnosed and ignored. */
int ks_wtmp_parse_buffer(ks_collect_ctx *ctx, const char *path, const unsigned char *data, size_t len,
                         ks_wtmp *w);
/* Reads at most KS_MAX_BINLOG_BYTES from the end of the wtmp file PATH (the newest logins) in
 * chunks. Returns 0, KS_ENOENT (absent, silent), or another KS_E* code (diagnosed). */
int ks_wtmp_read(ks_collect_ctx *ctx, const char *path, ks_wtmp *w);
/* Latest login of NAME in epoch seconds, 0 if none was seen. */
int64_t ks_wtmp_last_login(const ks_wtmp *w, const char *name);
/* Complete utmp records parsed (any type), and USER_PROCESS records among them. */
uint64_t ks_wtmp_records(const ks_wtmp *w);
uint64_t ks_wtmp_logins(const ks_wtmp *w);

#endif
