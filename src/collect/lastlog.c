/* Login history readers: /var/log/lastlog by uid (pread per record) and wtmp by user name. */
#include "lastlog.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/limits.h"

/* A login stamped up to a day after the scan time is clock skew, not an attack on the check. */
#define KS_FUTURE_SKEW 86400

static int32_t le32(const unsigned char *p)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return (int32_t)v;
}

static int16_t le16(const unsigned char *p)
{
	return (int16_t)(uint16_t)((unsigned)p[0] | (unsigned)p[1] << 8);
}

static bool plausible(const ks_collect_ctx *ctx, int64_t t)
{
	return t >= 0 && t <= (int64_t)ctx->now + KS_FUTURE_SKEW;
}

void ks_lastlog_decode(ks_collect_ctx *ctx, const char *path, uint32_t uid, const unsigned char *rec,
                       int64_t *when)
{
	int64_t t = le32(rec); /* ll_time at offset 0 */
	*when = 0;
	if (t == 0)
		return; /* lastlog(8): 0 means "**Never logged in**" */
	if (!plausible(ctx, t)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0,
		            "uid %u: last-login time %lld is %s; record ignored", uid, (long long)t,
		            t < 0 ? "negative" : "in the future");
		return;
	}
	*when = t;
}

int ks_lastlog_parse_buffer(ks_collect_ctx *ctx, const char *path, const unsigned char *data,
                            size_t len, uint32_t uid, int64_t *when)
{
	uint64_t off = (uint64_t)uid * KS_LASTLOG_RECORD;
	*when = 0;
	if (off > len || len - off < KS_LASTLOG_RECORD)
		return KS_OK; /* never written: the user never logged in */
	ks_lastlog_decode(ctx, path, uid, data + off, when);
	return KS_OK;
}

int ks_lastlog_open(ks_collect_ctx *ctx, const char *path, ks_lastlog *ll)
{
	struct stat st;
	ll->fd = -1;
	ll->size = 0;
	ll->path = path;
	int rc = ks_rootfs_open_regular(ctx->root, path, &ll->fd, &st);
	if (rc < 0) {
		if (rc != KS_ENOENT)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0, "cannot read: %s", ks_strerror(rc));
		return rc;
	}
	ll->size = st.st_size;
	return KS_OK;
}

/* pread() until N bytes arrived; returns bytes read (short only at end of file) or -1. */
static ssize_t pread_full(int fd, unsigned char *buf, size_t n, off_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, off + (off_t)got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int ks_lastlog_get(ks_collect_ctx *ctx, ks_lastlog *ll, uint32_t uid, int64_t *when)
{
	unsigned char rec[KS_LASTLOG_RECORD];
	uint64_t off = (uint64_t)uid * KS_LASTLOG_RECORD; /* < 2^41: fits off_t */
	*when = 0;
	if (ll->fd < 0 || ll->size < 0 || off + KS_LASTLOG_RECORD > (uint64_t)ll->size)
		return KS_OK; /* beyond the end: no record, never logged in */
	ssize_t r = pread_full(ll->fd, rec, sizeof rec, (off_t)off);
	if (r < 0) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, ll->path, 0, 0, "uid %u: read error: %s", uid,
		            strerror(errno));
		return KS_EIO;
	}
	if ((size_t)r < sizeof rec)
		return KS_OK; /* the file shrank under us: treat like a short file */
	ks_lastlog_decode(ctx, ll->path, uid, rec, when);
	return KS_OK;
}

void ks_lastlog_close(ks_lastlog *ll)
{
	if (ll && ll->fd >= 0) {
		close(ll->fd);
		ll->fd = -1;
	}
}

/* ---- wtmp ---- */

struct wtmp_slot {
	char *name; /* NULL = empty */
	int64_t when;
};

struct ks_wtmp {
	ks_arena *arena;
	struct wtmp_slot *slots;
	size_t nslots, used;
	uint64_t records, logins;
	bool full_reported;
};

#define UT_TYPE_OFF 0
#define UT_USER_OFF 44
#define UT_USER_LEN 32
#define UT_TV_OFF 340

ks_wtmp *ks_wtmp_new(ks_arena *a)
{
	ks_wtmp *w = ks_arena_alloc(a, sizeof *w);
	if (!w)
		return NULL;
	w->arena = a;
	w->nslots = 64;
	w->slots = ks_arena_alloc(a, w->nslots * sizeof *w->slots);
	return w->slots ? w : NULL;
}

static uint64_t hash_name(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static struct wtmp_slot *find_slot(struct wtmp_slot *slots, size_t nslots, const char *name, size_t n)
{
	size_t i = (size_t)hash_name(name, n) & (nslots - 1);
	while (slots[i].name && !(strlen(slots[i].name) == n && memcmp(slots[i].name, name, n) == 0))
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

static int wtmp_grow(ks_wtmp *w)
{
	size_t ns = w->nslots * 2;
	struct wtmp_slot *slots = ks_arena_alloc(w->arena, ns * sizeof *slots);
	if (!slots)
		return KS_ENOMEM;
	for (size_t i = 0; i < w->nslots; i++)
		if (w->slots[i].name)
			*find_slot(slots, ns, w->slots[i].name, strlen(w->slots[i].name)) = w->slots[i];
	w->slots = slots;
	w->nslots = ns;
	return KS_OK;
}

static int wtmp_note(ks_collect_ctx *ctx, const char *path, ks_wtmp *w, const char *name, size_t n,
                     int64_t when)
{
	struct wtmp_slot *s = find_slot(w->slots, w->nslots, name, n);
	if (s->name) {
		if (when > s->when)
			s->when = when;
		return KS_OK;
	}
	if (w->used >= KS_MAX_ACCOUNTS) {
		if (!w->full_reported)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0,
			            "more than %u distinct user names; further names ignored", KS_MAX_ACCOUNTS);
		w->full_reported = true;
		return KS_OK;
	}
	if ((w->used + 1) * 2 > w->nslots) {
		int rc = wtmp_grow(w);
		if (rc < 0)
			return rc;
		s = find_slot(w->slots, w->nslots, name, n);
	}
	s->name = ks_arena_strndup(w->arena, name, n);
	if (!s->name)
		return KS_ENOMEM;
	s->when = when;
	w->used++;
	return KS_OK;
}

/* Parses NREC complete records; *BAD counts logins with implausible times. */
static int parse_records(ks_collect_ctx *ctx, const char *path, const unsigned char *data, size_t nrec,
                         ks_wtmp *w, uint64_t *bad)
{
	for (size_t i = 0; i < nrec; i++) {
		const unsigned char *r = data + i * KS_UTMP_RECORD;
		w->records++;
		if (le16(r + UT_TYPE_OFF) != KS_UTMP_USER_PROCESS)
			continue;
		const char *user = (const char *)r + UT_USER_OFF;
		size_t n = strnlen(user, UT_USER_LEN); /* NUL-padded, not always terminated */
		if (n == 0)
			continue;
		w->logins++;
		int64_t t = le32(r + UT_TV_OFF);
		if (!plausible(ctx, t) || t == 0) {
			(*bad)++;
			continue;
		}
		int rc = wtmp_note(ctx, path, w, user, n, t);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

static void report_bad(ks_collect_ctx *ctx, const char *path, uint64_t bad)
{
	if (bad)
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0,
		            "%llu login records with a zero, negative or future time ignored",
		            (unsigned long long)bad);
}

int ks_wtmp_parse_buffer(ks_collect_ctx *ctx, const char *path, const unsigned char *data, size_t len,
                         ks_wtmp *w)
{
	uint64_t bad = 0;
	int rc = parse_records(ctx, path, data, len / KS_UTMP_RECORD, w, &bad);
	report_bad(ctx, path, bad);
	if (len % KS_UTMP_RECORD)
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0,
		            "trailing partial record of %zu bytes ignored (records are %u bytes)",
		            len % KS_UTMP_RECORD, KS_UTMP_RECORD);
	return rc;
}

int ks_wtmp_read(ks_collect_ctx *ctx, const char *path, ks_wtmp *w)
{
	struct stat st;
	int fd;
	int rc = ks_rootfs_open_regular(ctx->root, path, &fd, &st);
	if (rc < 0) {
		if (rc != KS_ENOENT)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0, "cannot read: %s", ks_strerror(rc));
		return rc;
	}
	uint64_t size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	uint64_t partial = size % KS_UTMP_RECORD;
	uint64_t end = size - partial, start = 0;
	if (end > KS_MAX_BINLOG_BYTES) {
		/* Newest logins are at the end; keep record alignment counted from the file start. */
		start = end - KS_MAX_BINLOG_BYTES;
		start = (start + KS_UTMP_RECORD - 1) / KS_UTMP_RECORD * KS_UTMP_RECORD;
		ks_diag_add(ctx->diags, KS_DIAG_INFO, path, 0, 0,
		            "file is %llu bytes; only the last %llu bytes (newest records) were read",
		            (unsigned long long)size, (unsigned long long)(end - start));
	}
	enum { CHUNK_RECORDS = 128 };
	unsigned char buf[CHUNK_RECORDS * KS_UTMP_RECORD];
	uint64_t bad = 0;
	rc = KS_OK;
	for (uint64_t off = start; off < end && rc == KS_OK;) {
		size_t want = end - off < sizeof buf ? (size_t)(end - off) : sizeof buf;
		ssize_t got = pread_full(fd, buf, want, (off_t)off);
		if (got < 0) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0, "read error at offset %llu: %s",
			            (unsigned long long)off, strerror(errno));
			rc = KS_EIO;
			break;
		}
		size_t nrec = (size_t)got / KS_UTMP_RECORD;
		rc = parse_records(ctx, path, buf, nrec, w, &bad);
		if ((size_t)got < want)
			break; /* the file shrank while we read it */
		off += (uint64_t)got;
	}
	close(fd);
	report_bad(ctx, path, bad);
	if (partial)
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0,
		            "trailing partial record of %llu bytes ignored (records are %u bytes)",
		            (unsigned long long)partial, KS_UTMP_RECORD);
	return rc;
}

int64_t ks_wtmp_last_login(const ks_wtmp *w, const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > UT_USER_LEN)
		return 0; /* longer names cannot appear in ut_user */
	const struct wtmp_slot *s = find_slot(w->slots, w->nslots, name, n);
	return s->name ? s->when : 0;
}

uint64_t ks_wtmp_records(const ks_wtmp *w) { return w->records; }
uint64_t ks_wtmp_logins(const ks_wtmp *w) { return w->logins; }
