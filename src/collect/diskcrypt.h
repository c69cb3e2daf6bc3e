/* Disk encryption: /etc/crypttab, dm-crypt devices of the running system, and whether the file
 * systems holding data (/, /var, /srv, /home) sit on encrypted block devices. */
#ifndef KS_DISKCRYPT_H
#define KS_DISKCRYPT_H
#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

#define KS_CRYPTTAB "/etc/crypttab"
#define KS_FSTAB "/etc/fstab"

/* crypttab(5): "name device [keyfile [options]]" per line, '#' comments, \ooo octal escapes.
 * Appends records {name, device, keyfile, options, source} to *LIST (a ks_val_list()). */
int ks_diskcrypt_parse_crypttab(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                ks_value *list);

typedef struct ks_mount {
	const char *spec;   /* device: /dev/..., UUID=..., LABEL=... */
	const char *dir;    /* mount point */
	const char *type;
	unsigned major, minor; /* mountinfo only; 0:0 from fstab */
	const char *path;
	int line;
} ks_mount;

/* fstab(5) lines "spec file vfstype [options [freq [passno]]]"; fills an arena array. */
int ks_diskcrypt_parse_fstab(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                             ks_mount **mounts, size_t *n);

/* proc(5) /proc/self/mountinfo lines; later lines are mounted on top of earlier ones. */
int ks_diskcrypt_parse_mountinfo(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                 ks_mount **mounts, size_t *n);

#endif
