/* Root-confined read-only file access (see rootfs.h).
 *
 * Resolution uses openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): the kernel treats the root fd as
 * "/" for every absolute symlink and clamps "..", so no link in a hostile image can point us at the
 * scanner's own /etc/shadow. Where openat2 is missing (old kernels, some container seccomp profiles)
 * a component-by-component walk with O_PATH|O_NOFOLLOW gives the same confinement in user space.
 * A file is first opened O_PATH (no side effects, even on a device), checked to be regular, and
 * only then opened for reading, non-blocking, with the inode compared to catch a swap. */
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "error.h"
#include "limits.h"

struct ks_rootfs {
	int fd;
	char *path;
	bool live;
	bool no_openat2;
	unsigned long fail_after;
};

static long sys_openat2(int dirfd, const char *path, struct open_how *how)
{
#ifdef SYS_openat2
	return syscall(SYS_openat2, dirfd, path, how, sizeof *how);
#else
	(void)dirfd; (void)path; (void)how;
	errno = ENOSYS;
	return -1;
#endif
}

int ks_rootfs_open(ks_rootfs **out, const char *dir)
{
	*out = NULL;
	ks_rootfs *r = calloc(1, sizeof *r);
	if (!r)
		return KS_ENOMEM;
	r->fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->fd < 0) {
		int e = errno;
		free(r);
		return e == ENOTDIR ? KS_ENOTDIR : ks_error_from_errno(e);
	}
	r->path = strdup(dir);
	if (!r->path) {
		close(r->fd);
		free(r);
		return KS_ENOMEM;
	}
	char *real = realpath(dir, NULL);
	r->live = real && strcmp(real, "/") == 0;
	free(real);
	const char *force = getenv("KENSHIN_NO_OPENAT2"); /* lets tests exercise the fallback */
	r->no_openat2 = force && *force && strcmp(force, "0") != 0;
	*out = r;
	return KS_OK;
}

void ks_rootfs_close(ks_rootfs *r)
{
	if (!r)
		return;
	close(r->fd);
	free(r->path);
	free(r);
}

const char *ks_rootfs_path(const ks_rootfs *r) { return r->path; }
bool ks_rootfs_is_live(const ks_rootfs *r) { return r->live; }
void ks_rootfs_fail_after(ks_rootfs *r, unsigned long n) { r->fail_after = n; }

/* User-space resolution inside the root. On success *dirfd is an O_PATH fd of the directory that
 * holds the final component and NAME its name (a non-symlink unless !follow_last), or NAME is ""
 * when the path names the root or a directory reached through "..". */
#define WALK_STACK 256
static int walk(ks_rootfs *r, const char *path, bool follow_last, int *dirfd, char *name)
{
	int stack[WALK_STACK];
	int depth = 0, links = 0, rc = KS_OK;
	size_t cap = PATH_MAX * 2;
	char *rest = malloc(cap);
	if (!rest)
		return KS_ENOMEM;
	if (strlen(path) >= cap) {
		free(rest);
		return KS_ELIMIT;
	}
	strcpy(rest, path);
	stack[0] = dup(r->fd);
	if (stack[0] < 0) {
		free(rest);
		return ks_error_from_errno(errno);
	}
	name[0] = '\0';
	char *p = rest;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *slash = strchr(p, '/');
		size_t clen = slash ? (size_t)(slash - p) : strlen(p);
		if (clen > NAME_MAX) {
			rc = KS_ENOENT;
			goto out;
		}
		char comp[NAME_MAX + 1];
		memcpy(comp, p, clen);
		comp[clen] = '\0';
		p += clen;
		const char *q = p;
		while (*q == '/')
			q++;
		bool last = *q == '\0';
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (depth > 0)
				close(stack[depth--]);
			continue;
		}
		struct stat st;
		if (fstatat(stack[depth], comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (last && errno == ENOENT) {
				strcpy(name, comp); /* let the caller report ENOENT uniformly */
				break;
			}
			rc = ks_error_from_errno(errno);
			goto out;
		}
		if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
			if (++links > KS_MAX_SYMLINKS) {
				rc = KS_ELOOP;
				goto out;
			}
			char target[PATH_MAX];
			ssize_t tl = readlinkat(stack[depth], comp, target, sizeof target - 1);
			if (tl < 0) {
				rc = ks_error_from_errno(errno);
				goto out;
			}
			target[tl] = '\0';
			size_t need = (size_t)tl + 1 + strlen(p) + 1;
			if (need > cap) {
				rc = KS_ELIMIT;
				goto out;
			}
			char *nr = malloc(cap);
			if (!nr) {
				rc = KS_ENOMEM;
				goto out;
			}
			size_t tlen = strlen(target);
			memcpy(nr, target, tlen);
			nr[tlen] = '/';
			memcpy(nr + tlen + 1, p, strlen(p) + 1);
			free(rest);
			rest = nr;
			p = rest;
			if (target[0] == '/')
				while (depth > 0)
					close(stack[depth--]);
			continue;
		}
		if (last) {
			strcpy(name, comp);
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			rc = KS_ENOTDIR;
			goto out;
		}
		if (depth + 1 >= WALK_STACK) {
			rc = KS_ELIMIT;
			goto out;
		}
		int fd = openat(stack[depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			rc = ks_error_from_errno(errno);
			goto out;
		}
		stack[++depth] = fd;
	}
out:
	free(rest);
	if (rc == KS_OK) {
		*dirfd = stack[depth];
		depth--;
	}
	while (depth >= 0)
		close(stack[depth--]);
	return rc;
}

/* Opens PATH inside the root with FLAGS (O_PATH or O_RDONLY based). */
static int open_in_root(ks_rootfs *r, const char *path, int flags, bool follow_last)
{
	if (r->fail_after && --r->fail_after == 0)
		return KS_EIO;
	if (!r->no_openat2) {
		struct open_how how = {
			.flags = (unsigned long long)(flags | O_CLOEXEC | (follow_last ? 0 : O_NOFOLLOW)),
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		long fd = sys_openat2(r->fd, path, &how);
		if (fd >= 0)
			return (int)fd;
		if (errno != ENOSYS && errno != EPERM)
			return ks_error_from_errno(errno);
		if (errno == EPERM) {
			/* EPERM may be a seccomp filter rather than the file: retry in user space. */
		}
		r->no_openat2 = true;
	}
	int dfd;
	char name[NAME_MAX + 1];
	int rc = walk(r, path, follow_last, &dfd, name);
	if (rc < 0)
		return rc;
	int fd = openat(dfd, name[0] ? name : ".", flags | O_CLOEXEC | O_NOFOLLOW);
	int e = errno;
	close(dfd);
	if (fd < 0)
		return (e == ELOOP && !follow_last && (flags & O_PATH)) ? KS_ELOOP : ks_error_from_errno(e);
	return fd;
}

int ks_rootfs_stat(ks_rootfs *r, const char *path, struct stat *st)
{
	int fd = open_in_root(r, path, O_PATH, true);
	if (fd < 0)
		return fd;
	int rc = fstat(fd, st) < 0 ? ks_error_from_errno(errno) : KS_OK;
	close(fd);
	return rc;
}

int ks_rootfs_lstat(ks_rootfs *r, const char *path, struct stat *st)
{
	int fd = open_in_root(r, path, O_PATH, false);
	if (fd < 0)
		return fd;
	int rc = fstat(fd, st) < 0 ? ks_error_from_errno(errno) : KS_OK;
	close(fd);
	return rc;
}

int ks_rootfs_readlink(ks_rootfs *r, ks_arena *a, const char *path, char **target)
{
	*target = NULL;
	int fd = open_in_root(r, path, O_PATH, false);
	if (fd < 0)
		return fd;
	char buf[PATH_MAX];
	ssize_t n = readlinkat(fd, "", buf, sizeof buf - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return e == ENOENT ? KS_EPARSE : ks_error_from_errno(e); /* ENOENT here: not a symlink */
	*target = ks_arena_strndup(a, buf, (size_t)n);
	return *target ? KS_OK : KS_ENOMEM;
}

int ks_rootfs_open_regular(ks_rootfs *r, const char *path, int *fd, struct stat *st)
{
	struct stat st1;
	*fd = -1;
	int rc = ks_rootfs_stat(r, path, &st1);
	if (rc < 0)
		return rc;
	if (!S_ISREG(st1.st_mode))
		return KS_ENOTREG;
	int f = open_in_root(r, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, true);
	if (f < 0)
		return f;
	if (fstat(f, st) < 0 || st->st_ino != st1.st_ino || st->st_dev != st1.st_dev ||
	    !S_ISREG(st->st_mode)) {
		close(f);
		return KS_ENOTREG;
	}
	*fd = f;
	return KS_OK;
}

int ks_rootfs_read(ks_rootfs *r, ks_arena *a, const char *path, size_t cap, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	struct stat st2;
	int fd;
	int rc = ks_rootfs_open_regular(r, path, &fd, &st2);
	if (rc < 0)
		return rc;
	if ((unsigned long long)st2.st_size > cap) {
		close(fd);
		return KS_ETOOBIG;
	}
	/* Read to EOF rather than trusting st_size: /proc-like files report 0 and files grow. */
	size_t size = (size_t)st2.st_size + 1, used = 0;
	if (size > cap + 1)
		size = cap + 1;
	char *buf = malloc(size + 1);
	if (!buf) {
		close(fd);
		return KS_ENOMEM;
	}
	for (;;) {
		if (used == size) {
			if (size > cap) {
				rc = KS_ETOOBIG;
				break;
			}
			size_t ns = size * 2 > cap + 1 ? cap + 1 : size * 2;
			char *nb = realloc(buf, ns + 1);
			if (!nb) {
				rc = KS_ENOMEM;
				break;
			}
			buf = nb;
			size = ns;
		}
		ssize_t n = read(fd, buf + used, size - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = KS_EIO;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (rc == KS_OK && used > cap)
		rc = KS_ETOOBIG;
	if (rc == KS_OK) {
		*data = ks_arena_strndup(a, buf, used);
		if (!*data)
			rc = KS_ENOMEM;
		else
			*len = used;
	}
	free(buf);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ks_rootfs_list(ks_rootfs *r, ks_arena *a, const char *path, const char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	int fd = open_in_root(r, path, O_RDONLY | O_DIRECTORY | O_NONBLOCK, true);
	if (fd < 0)
		return fd;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return ks_error_from_errno(errno);
	}
	size_t cap = 16, cnt = 0;
	const char **v = ks_arena_alloc(a, cap * sizeof *v);
	int rc = v ? KS_OK : KS_ENOMEM;
	struct dirent *de;
	while (rc == KS_OK && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (cnt == KS_MAX_DIR_ENTRIES) {
			rc = KS_ELIMIT;
			break;
		}
		if (cnt == cap) {
			const char **nv = ks_arena_alloc(a, cap * 2 * sizeof *nv);
			if (!nv) {
				rc = KS_ENOMEM;
				break;
			}
			memcpy(nv, v, cnt * sizeof *v);
			v = nv;
			cap *= 2;
		}
		v[cnt] = ks_arena_strdup(a, de->d_name);
		if (!v[cnt]) {
			rc = KS_ENOMEM;
			break;
		}
		cnt++;
	}
	closedir(d);
	if (rc == KS_ELIMIT)
		rc = KS_OK; /* keep what fits; callers see a truncated but sorted list */
	if (rc < 0)
		return rc;
	qsort(v, cnt, sizeof *v, cmp_str);
	*names = v;
	*n = cnt;
	return KS_OK;
}

static bool has_magic(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	return false;
}

struct globv {
	ks_arena *a;
	const char **v;
	size_t n, cap;
};

static int globv_push(struct globv *g, const char *s)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 8;
		const char **nv = ks_arena_alloc(g->a, cap * sizeof *nv);
		if (!nv)
			return KS_ENOMEM;
		if (g->n)
			memcpy(nv, g->v, g->n * sizeof *nv);
		g->v = nv;
		g->cap = cap;
	}
	g->v[g->n++] = s;
	return KS_OK;
}

/* PREFIX is an existing directory path ("" = root); PAT the remaining pattern. */
static int glob_rec(ks_rootfs *r, struct globv *g, const char *prefix, const char *pat, int depth)
{
	if (depth > 64 || g->n >= KS_MAX_INCLUDE_FILES)
		return KS_OK;
	while (*pat == '/')
		pat++;
	if (!*pat) {
		struct stat st;
		int rc = ks_rootfs_stat(r, *prefix ? prefix : "/", &st);
		if (rc == KS_OK) {
			const char *p = ks_arena_strdup(g->a, *prefix ? prefix : "/");
			return p ? globv_push(g, p) : KS_ENOMEM;
		}
		return rc == KS_ENOENT || rc == KS_ENOTDIR ? KS_OK : rc;
	}
	const char *slash = strchr(pat, '/');
	size_t clen = slash ? (size_t)(slash - pat) : strlen(pat);
	const char *rest = pat + clen;
	if (!has_magic(pat, clen)) {
		char *np = ks_arena_printf(g->a, "%s/%.*s", prefix, (int)clen, pat);
		return np ? glob_rec(r, g, np, rest, depth + 1) : KS_ENOMEM;
	}
	char comp[NAME_MAX + 1];
	if (clen > NAME_MAX)
		return KS_OK;
	memcpy(comp, pat, clen);
	comp[clen] = '\0';
	const char **names;
	size_t n;
	int lrc = ks_rootfs_list(r, g->a, *prefix ? prefix : "/", &names, &n);
	if (lrc == KS_ENOENT || lrc == KS_ENOTDIR)
		return KS_OK; /* a missing directory is no match, as for glob(3) */
	if (lrc < 0)
		return lrc;   /* unreadable: the caller must not take it for "no match" */
	for (size_t i = 0; i < n; i++) {
		if (fnmatch(comp, names[i], FNM_PERIOD) != 0)
			continue;
		char *np = ks_arena_printf(g->a, "%s/%s", prefix, names[i]);
		if (!np)
			return KS_ENOMEM;
		int rc = glob_rec(r, g, np, rest, depth + 1);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_rootfs_glob(ks_rootfs *r, ks_arena *a, const char *pattern, const char ***paths, size_t *n)
{
	struct globv g = {.a = a};
	int rc = glob_rec(r, &g, "", pattern, 0);
	*paths = g.v;
	*n = g.n;
	return rc;
}
