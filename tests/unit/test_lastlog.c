/* Unit tests of the lastlog and wtmp readers (src/collect/lastlog.c). */
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/lastlog.h"
#include "core/error.h"
#include "core/limits.h"

#define NOW 1763769600LL /* ks_test_ctx's scan time */
#define DAY 86400LL

static void put32(unsigned char *p, int64_t v)
{
	uint32_t u = (uint32_t)v;
	p[0] = (unsigned char)u;
	p[1] = (unsigned char)(u >> 8);
	p[2] = (unsigned char)(u >> 16);
	p[3] = (unsigned char)(u >> 24);
}

static void lastlog_rec(unsigned char rec[KS_LASTLOG_RECORD], int64_t t)
{
	memset(rec, 0, KS_LASTLOG_RECORD);
	put32(rec, t);
	memcpy(rec + 4, "pts/0", 5);
	memcpy(rec + 36, "192.0.2.1", 9);
}

static void utmp_rec(unsigned char rec[KS_UTMP_RECORD], int type, const char *user, int64_t t)
{
	memset(rec, 0, KS_UTMP_RECORD);
	rec[0] = (unsigned char)type;
	put32(rec + 4, 4242);
	memcpy(rec + 8, "pts/0", 5);
	memcpy(rec + 44, user, strnlen(user, 32));
	put32(rec + 340, t);
}

static char *path_in(const char *root, const char *rel)
{
	char *p = malloc(strlen(root) + strlen(rel) + 2);
	assert_non_null(p);
	sprintf(p, "%s/%s", root, rel);
	return p;
}

/* Writes one lastlog record at uid*292 with pwrite(): the file stays sparse. Returns false when
 * the file system cannot hold the offset (EFBIG). */
static bool write_lastlog(const char *root, uint32_t uid, int64_t t)
{
	char *p = path_in(root, "var/log/lastlog");
	int fd = open(p, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	unsigned char rec[KS_LASTLOG_RECORD];
	lastlog_rec(rec, t);
	ssize_t n = pwrite(fd, rec, sizeof rec, (off_t)uid * KS_LASTLOG_RECORD);
	int e = errno;
	close(fd);
	free(p);
	if (n < 0 && (e == EFBIG || e == EINVAL))
		return false;
	assert_int_equal(n, (ssize_t)sizeof rec);
	return true;
}

static bool has_diag(ks_collect_ctx *ctx, const char *path, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if ((!path || (d->path && strcmp(d->path, path) == 0)) && strstr(d->message, needle))
			return true;
	}
	return false;
}

static void test_lastlog_sparse(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/log/.keep", "");
	assert_true(write_lastlog(root, 1000, NOW - 10 * DAY));
	assert_true(write_lastlog(root, 65534, NOW - 3 * DAY)); /* ~19 MB into the file */
	bool huge = write_lastlog(root, 4294967294u, NOW - 1 * DAY); /* ~1.2 TB offset */

	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_lastlog ll;
	assert_int_equal(ks_lastlog_open(ctx, "/var/log/lastlog", &ll), KS_OK);
	int64_t t = -1;
	assert_int_equal(ks_lastlog_get(ctx, &ll, 1000, &t), KS_OK);
	assert_int_equal(t, NOW - 10 * DAY);
	assert_int_equal(ks_lastlog_get(ctx, &ll, 65534, &t), KS_OK);
	assert_int_equal(t, NOW - 3 * DAY);
	/* A hole between records reads as zeros: never logged in. */
	assert_int_equal(ks_lastlog_get(ctx, &ll, 1001, &t), KS_OK);
	assert_int_equal(t, 0);
	assert_int_equal(ks_lastlog_get(ctx, &ll, 0, &t), KS_OK);
	assert_int_equal(t, 0);
	if (huge) {
		assert_int_equal(ks_lastlog_get(ctx, &ll, 4294967294u, &t), KS_OK);
		assert_int_equal(t, NOW - 1 * DAY);
		assert_int_equal(ks_lastlog_get(ctx, &ll, 4294967293u, &t), KS_OK);
		assert_int_equal(t, 0);
	} else {
		/* Beyond the end of the file: no record, and nothing is read. */
		assert_int_equal(ks_lastlog_get(ctx, &ll, 4294967294u, &t), KS_OK);
		assert_int_equal(t, 0);
	}
	ks_lastlog_close(&ll);
	assert_int_equal(ll.fd, -1);
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_lastlog_implausible_times(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/log/.keep", "");
	assert_true(write_lastlog(root, 5, -5));                  /* negative */
	assert_true(write_lastlog(root, 6, NOW + 30 * DAY));      /* far future */
	assert_true(write_lastlog(root, 7, NOW + 3600));          /* clock skew: accepted */
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_lastlog ll;
	int64_t t = -1;
	assert_int_equal(ks_lastlog_open(ctx, "/var/log/lastlog", &ll), KS_OK);
	assert_int_equal(ks_lastlog_get(ctx, &ll, 5, &t), KS_OK);
	assert_int_equal(t, 0);
	assert_true(has_diag(ctx, "/var/log/lastlog", "uid 5: last-login time -5 is negative"));
	assert_int_equal(ks_lastlog_get(ctx, &ll, 6, &t), KS_OK);
	assert_int_equal(t, 0);
	assert_true(has_diag(ctx, "/var/log/lastlog", "uid 6: last-login time"));
	assert_true(has_diag(ctx, "/var/log/lastlog", "in the future"));
	assert_int_equal(ks_lastlog_get(ctx, &ll, 7, &t), KS_OK);
	assert_int_equal(t, NOW + 3600);
	ks_lastlog_close(&ll);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_lastlog_missing_and_not_regular(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_lastlog ll;
	assert_int_equal(ks_lastlog_open(ctx, "/var/log/lastlog", &ll), KS_ENOENT);
	assert_int_equal(ks_diags_count(ctx->diags), 0);
	char *p = path_in(root, "var/log");
	ks_test_write(root, "var/log/.keep", "");
	char *fifo = path_in(root, "var/log/lastlog");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(ks_lastlog_open(ctx, "/var/log/lastlog", &ll), KS_ENOTREG);
	assert_true(has_diag(ctx, "/var/log/lastlog", "cannot read"));
	free(p);
	free(fifo);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_lastlog_buffer(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	unsigned char buf[3 * KS_LASTLOG_RECORD + 100];
	memset(buf, 0, sizeof buf);
	lastlog_rec(buf + 2 * KS_LASTLOG_RECORD, NOW - DAY);
	int64_t t = -1;
	assert_int_equal(ks_lastlog_parse_buffer(ctx, "/b", buf, sizeof buf, 2, &t), KS_OK);
	assert_int_equal(t, NOW - DAY);
	/* uid 3's record would end 192 bytes past the buffer: never. */
	assert_int_equal(ks_lastlog_parse_buffer(ctx, "/b", buf, sizeof buf, 3, &t), KS_OK);
	assert_int_equal(t, 0);
	assert_int_equal(ks_lastlog_parse_buffer(ctx, "/b", buf, sizeof buf, 4294967294u, &t), KS_OK);
	assert_int_equal(t, 0);
	assert_int_equal(ks_lastlog_parse_buffer(ctx, "/b", buf, 0, 0, &t), KS_OK);
	assert_int_equal(t, 0);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_wtmp_buffer(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	enum { N = 7 };
	unsigned char buf[N * KS_UTMP_RECORD + 100];
	memset(buf, 0xAA, sizeof buf);
	utmp_rec(buf + 0 * KS_UTMP_RECORD, 2, "reboot", NOW - 20 * DAY);           /* BOOT_TIME */
	utmp_rec(buf + 1 * KS_UTMP_RECORD, 7, "alice", NOW - 20 * DAY);
	utmp_rec(buf + 2 * KS_UTMP_RECORD, 7, "alice", NOW - 2 * DAY);             /* newest */
	utmp_rec(buf + 3 * KS_UTMP_RECORD, 7, "alice", NOW - 9 * DAY);             /* out of order */
	utmp_rec(buf + 4 * KS_UTMP_RECORD, 8, "", NOW - 1 * DAY);                  /* DEAD_PROCESS */
	utmp_rec(buf + 5 * KS_UTMP_RECORD, 7, "bob", NOW + 40 * DAY);              /* future */
	utmp_rec(buf + 6 * KS_UTMP_RECORD, 7, "abcdefghijabcdefghijabcdefghij12", NOW - DAY); /* 32 chars */
	ks_wtmp *w = ks_wtmp_new(ctx->arena);
	assert_non_null(w);
	assert_int_equal(ks_wtmp_parse_buffer(ctx, "/var/log/wtmp", buf, sizeof buf, w), KS_OK);
	assert_int_equal(ks_wtmp_records(w), N);
	assert_int_equal(ks_wtmp_logins(w), 5);
	assert_int_equal(ks_wtmp_last_login(w, "alice"), NOW - 2 * DAY);
	assert_int_equal(ks_wtmp_last_login(w, "bob"), 0);
	assert_int_equal(ks_wtmp_last_login(w, "carol"), 0);
	assert_int_equal(ks_wtmp_last_login(w, "reboot"), 0);
	assert_int_equal(ks_wtmp_last_login(w, "abcdefghijabcdefghijabcdefghij12"), NOW - DAY);
	assert_true(has_diag(ctx, "/var/log/wtmp", "1 login records with a zero, negative or future time"));
	assert_true(has_diag(ctx, "/var/log/wtmp", "trailing partial record of 100 bytes"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void write_file(const char *root, const char *rel, const void *data, size_t len, off_t at)
{
	char *p = path_in(root, rel);
	int fd = open(p, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, at), (ssize_t)len);
	close(fd);
	free(p);
}

static void test_wtmp_files(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/log/.keep", "");
	unsigned char r[KS_UTMP_RECORD];
	utmp_rec(r, 7, "alice", NOW - 40 * DAY);
	write_file(root, "var/log/wtmp.1", r, sizeof r, 0);
	utmp_rec(r, 7, "alice", NOW - 3 * DAY);
	write_file(root, "var/log/wtmp", r, sizeof r, 0);
	utmp_rec(r, 7, "bob", NOW - 4 * DAY);
	write_file(root, "var/log/wtmp", r, 200, KS_UTMP_RECORD); /* truncated: a crash mid-write */

	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_wtmp *w = ks_wtmp_new(ctx->arena);
	assert_int_equal(ks_wtmp_read(ctx, "/var/log/wtmp", w), KS_OK);
	assert_int_equal(ks_wtmp_read(ctx, "/var/log/wtmp.1", w), KS_OK);
	assert_int_equal(ks_wtmp_read(ctx, "/var/log/wtmp.2", w), KS_ENOENT);
	assert_int_equal(ks_wtmp_records(w), 2);
	assert_int_equal(ks_wtmp_last_login(w, "alice"), NOW - 3 * DAY);
	assert_int_equal(ks_wtmp_last_login(w, "bob"), 0);
	assert_true(has_diag(ctx, "/var/log/wtmp", "trailing partial record of 200 bytes"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* Only the last KS_MAX_BINLOG_BYTES are read: the newest logins are at the end. */
static void test_wtmp_cap(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_test_write(root, "var/log/.keep", "");
	unsigned char r[KS_UTMP_RECORD];
	uint64_t nrec = KS_MAX_BINLOG_BYTES / KS_UTMP_RECORD + 3;
	utmp_rec(r, 7, "bob", NOW - 50 * DAY);
	write_file(root, "var/log/wtmp", r, sizeof r, 0); /* first record: beyond the cap */
	utmp_rec(r, 7, "alice", NOW - 5 * DAY);
	write_file(root, "var/log/wtmp", r, sizeof r, (off_t)((nrec - 1) * KS_UTMP_RECORD));
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_wtmp *w = ks_wtmp_new(ctx->arena);
	assert_int_equal(ks_wtmp_read(ctx, "/var/log/wtmp", w), KS_OK);
	assert_int_equal(ks_wtmp_last_login(w, "alice"), NOW - 5 * DAY);
	assert_int_equal(ks_wtmp_last_login(w, "bob"), 0);
	assert_true(ks_wtmp_records(w) <= KS_MAX_BINLOG_BYTES / KS_UTMP_RECORD);
	assert_true(ks_wtmp_records(w) >= KS_MAX_BINLOG_BYTES / KS_UTMP_RECORD - 1);
	assert_true(has_diag(ctx, "/var/log/wtmp", "only the last"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lastlog_sparse),
		cmocka_unit_test(test_lastlog_implausible_times),
		cmocka_unit_test(test_lastlog_missing_and_not_regular),
		cmocka_unit_test(test_lastlog_buffer),
		cmocka_unit_test(test_wtmp_buffer),
		cmocka_unit_test(test_wtmp_files),
		cmocka_unit_test(test_wtmp_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
