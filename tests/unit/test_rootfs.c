/* rootfs: confinement (absolute and ../.. symlinks), loops, FIFOs, devices, size caps, globbing,
 * each in both resolution modes (kernel openat2 and the user-space walk). */
#include "support.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/rootfs.h"

struct env {
	char *outside; /* a directory beside the root holding a "secret" */
	char *root;
	ks_arena *a;
};

static char *path_in(const char *dir, const char *rel)
{
	char *p = malloc(4096);
	snprintf(p, 4096, "%s/%s", dir, rel);
	return p;
}

static void link_at(const char *dir, const char *rel, const char *target)
{
	char *p = path_in(dir, rel);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	e->outside = ks_test_tmpdir();
	ks_test_write(e->outside, "etc/shadow", "OUTSIDE-SECRET\n");
	e->root = path_in(e->outside, "root");
	ks_test_write(e->root, "etc/shadow", "inside\n");
	ks_test_write(e->root, "usr/lib/os-release", "ID=debian\n");
	link_at(e->root, "etc/os-release", "../usr/lib/os-release");
	/* Escape attempts: absolute, relative far above the root, and via a directory link. */
	link_at(e->root, "etc/abs", e->outside);           /* absolute path of the real outside dir */
	char *abs_secret = path_in(e->outside, "etc/shadow");
	link_at(e->root, "etc/abs-secret", abs_secret);
	free(abs_secret);
	link_at(e->root, "etc/rel-secret", "../../../../../../../../etc/shadow");
	link_at(e->root, "etc/dotdot", "../..");
	link_at(e->root, "loop-a", "loop-b");
	link_at(e->root, "loop-b", "loop-a");
	link_at(e->root, "self", "self");
	char *fifo = path_in(e->root, "etc/fifo.conf");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	free(fifo);
	if (geteuid() == 0) {
		char *dev = path_in(e->root, "etc/dev.conf");
		assert_int_equal(mknod(dev, S_IFCHR | 0644, makedev(1, 3)), 0);
		free(dev);
	}
	char *big = path_in(e->root, "etc/big.conf");
	int fd = open(big, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)KS_MAX_CONFIG_BYTES * 4), 0); /* sparse: cheap to make */
	close(fd);
	free(big);
	ks_test_write(e->root, "etc/ssh/sshd_config.d/b.conf", "b\n");
	ks_test_write(e->root, "etc/ssh/sshd_config.d/a.conf", "a\n");
	ks_test_write(e->root, "etc/ssh/sshd_config.d/.hidden.conf", "h\n");
	ks_test_write(e->root, "etc/ssh/sshd_config.d/c.txt", "c\n");
	e->a = ks_arena_new();
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	ks_arena_free(e->a);
	ks_test_rmtree(e->outside);
	free(e->outside);
	free(e->root);
	free(e);
	unsetenv("KENSHIN_NO_OPENAT2");
	return 0;
}

static void check_confinement(struct env *e, bool fallback)
{
	if (fallback)
		setenv("KENSHIN_NO_OPENAT2", "1", 1);
	else
		unsetenv("KENSHIN_NO_OPENAT2");
	ks_rootfs *r;
	assert_int_equal(ks_rootfs_open(&r, e->root), 0);
	char *d;
	size_t n;
	/* A relative symlink inside the root is followed (Debian's /etc/os-release). */
	assert_int_equal(ks_rootfs_read(r, e->a, "/etc/os-release", 1024, &d, &n), 0);
	assert_string_equal(d, "ID=debian\n");
	/* Every escape lands inside the root, never on the outside secret. */
	const char *escapes[] = {"/etc/abs-secret", "/etc/rel-secret", "/etc/dotdot/etc/shadow",
	                         "/../../../../etc/shadow", "../etc/shadow"};
	for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
		int rc = ks_rootfs_read(r, e->a, escapes[i], 1024, &d, &n);
		if (rc == 0) {
			if (strstr(d, "OUTSIDE"))
				fail_msg("%s escaped the root (fallback=%d)", escapes[i], fallback);
			assert_string_equal(d, "inside\n");
		} else {
			assert_int_equal(rc, KS_ENOENT);
		}
	}
	/* The absolute link to the outside directory resolves to a (missing) path inside the root. */
	assert_int_equal(ks_rootfs_read(r, e->a, "/etc/abs/etc/shadow", 1024, &d, &n), KS_ENOENT);
	assert_int_equal(ks_rootfs_read(r, e->a, "/loop-a", 1024, &d, &n), KS_ELOOP);
	assert_int_equal(ks_rootfs_read(r, e->a, "/self", 1024, &d, &n), KS_ELOOP);
	/* FIFOs and devices are refused without being opened: this must not block. */
	time_t t0 = time(NULL);
	assert_int_equal(ks_rootfs_read(r, e->a, "/etc/fifo.conf", 1024, &d, &n), KS_ENOTREG);
	assert_true(time(NULL) - t0 < 2);
	if (geteuid() == 0)
		assert_int_equal(ks_rootfs_read(r, e->a, "/etc/dev.conf", 1024, &d, &n), KS_ENOTREG);
	assert_int_equal(ks_rootfs_read(r, e->a, "/etc", 1024, &d, &n), KS_ENOTREG);
	assert_int_equal(ks_rootfs_read(r, e->a, "/etc/big.conf", KS_MAX_CONFIG_BYTES, &d, &n), KS_ETOOBIG);
	assert_int_equal(ks_rootfs_read(r, e->a, "/etc/shadow/x", 1024, &d, &n), KS_ENOTDIR);
	/* lstat sees the link itself; stat follows it inside the root. */
	struct stat st;
	assert_int_equal(ks_rootfs_lstat(r, "/etc/os-release", &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(ks_rootfs_stat(r, "/etc/os-release", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	char *target;
	assert_int_equal(ks_rootfs_readlink(r, e->a, "/etc/os-release", &target), 0);
	assert_string_equal(target, "../usr/lib/os-release");
	assert_int_not_equal(ks_rootfs_readlink(r, e->a, "/etc/shadow", &target), 0);
	ks_rootfs_close(r);
}

static void test_confinement_openat2(void **state) { check_confinement(*state, false); }
static void test_confinement_fallback(void **state) { check_confinement(*state, true); }

static void test_glob_and_list(void **state)
{
	struct env *e = *state;
	ks_rootfs *r;
	assert_int_equal(ks_rootfs_open(&r, e->root), 0);
	const char **v;
	size_t n;
	assert_int_equal(ks_rootfs_glob(r, e->a, "/etc/ssh/sshd_config.d/*.conf", &v, &n), 0);
	assert_int_equal(n, 2); /* sorted; dot files are not matched, as in sshd's glob(3) */
	assert_string_equal(v[0], "/etc/ssh/sshd_config.d/a.conf");
	assert_string_equal(v[1], "/etc/ssh/sshd_config.d/b.conf");
	assert_int_equal(ks_rootfs_glob(r, e->a, "/etc/*/sshd_config.d/?.conf", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ks_rootfs_glob(r, e->a, "/nonexistent/*.conf", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ks_rootfs_list(r, e->a, "/etc/ssh/sshd_config.d", &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], ".hidden.conf");
	assert_int_equal(ks_rootfs_list(r, e->a, "/etc/shadow", &v, &n), KS_ENOTDIR);
	ks_rootfs_close(r);
}

static void test_fault_injection(void **state)
{
	struct env *e = *state;
	ks_rootfs *r;
	assert_int_equal(ks_rootfs_open(&r, e->root), 0);
	char *d;
	size_t n;
	ks_rootfs_fail_after(r, 1);
	assert_int_equal(ks_rootfs_read(r, e->a, "/etc/shadow", 1024, &d, &n), KS_EIO);
	assert_int_equal(ks_rootfs_read(r, e->a, "/etc/shadow", 1024, &d, &n), 0);
	ks_rootfs_close(r);
	ks_arena *a = ks_arena_new();
	ks_arena_fail_after(a, 3);
	assert_non_null(ks_arena_alloc(a, 8));
	assert_non_null(ks_arena_alloc(a, 8));
	assert_null(ks_arena_alloc(a, 8));
	assert_non_null(ks_arena_alloc(a, 8));
	ks_arena_free(a);
}

static void test_open_errors(void **state)
{
	(void)state;
	ks_rootfs *r;
	assert_int_equal(ks_rootfs_open(&r, "/nonexistent-kenshin-root"), KS_ENOENT);
	assert_int_equal(ks_rootfs_open(&r, "/etc/passwd"), KS_ENOTDIR);
	assert_int_equal(ks_rootfs_open(&r, "/"), 0);
	assert_true(ks_rootfs_is_live(r));
	ks_rootfs_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_confinement_openat2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confinement_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_glob_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_injection, setup, teardown),
		cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
