/* Root-confined, read-only file access. Every file kenshin reads from a scanned system goes through
 * here: paths (absolute or relative, with symlinks) resolve inside the root and can never leave it,
 * only regular files are opened, sizes are capped, and FIFOs or devices are never opened at all. */
#ifndef KS_ROOTFS_H
#define KS_ROOTFS_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "arena.h"

typedef struct ks_rootfs ks_rootfs;

/* Opens DIR as the root. Returns 0 or a KS_E* code. */
int ks_rootfs_open(ks_rootfs **out, const char *dir);
void ks_rootfs_close(ks_rootfs *r); /* accepts NULL */
const char *ks_rootfs_path(const ks_rootfs *r);
bool ks_rootfs_is_live(const ks_rootfs *r); /* root is "/" */

/* Reads the regular file PATH (interpreted inside the root) into arena memory, NUL-terminated.
 * Fails with KS_ETOOBIG if it holds more than CAP bytes. */
int ks_rootfs_read(ks_rootfs *r, ks_arena *a, const char *path, size_t cap, char **data, size_t *len);

/* Opens the regular file PATH for reading (non-blocking, close-on-exec) and fills ST. For binary
 * files read by offset (lastlog is sparse and indexed by uid): use pread() and close() the fd. */
int ks_rootfs_open_regular(ks_rootfs *r, const char *path, int *fd, struct stat *st);

/* stat() of PATH inside the root, following symlinks inside the root. */
int ks_rootfs_stat(ks_rootfs *r, const char *path, struct stat *st);
/* lstat(): the last component is not followed. */
int ks_rootfs_lstat(ks_rootfs *r, const char *path, struct stat *st);

/* Target of the symbolic link PATH (its last component is not followed), as stored in the link:
 * callers interpret it relative to the link's directory inside the root. */
int ks_rootfs_readlink(ks_rootfs *r, ks_arena *a, const char *path, char **target);

/* Sorted names (without "." and "..") of the directory PATH. */
int ks_rootfs_list(ks_rootfs *r, ks_arena *a, const char *path, const char ***names, size_t *n);

/* Expands a glob(7) pattern (*, ?, [..] in any component) inside the root; results sorted,
 * absolute, existing paths. No match is not an error (n = 0); a directory on the way that exists but
 * cannot be read is (KS_EACCES, …), with the matches found so far still returned. */
int ks_rootfs_glob(ks_rootfs *r, ks_arena *a, const char *pattern, const char ***paths, size_t *n);

/* Test hook: the Nth open from now fails with KS_EIO (0 = never). */
void ks_rootfs_fail_after(ks_rootfs *r, unsigned long n);

#endif
