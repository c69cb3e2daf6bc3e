/* Error codes shared by every module: 0 is success, failures are negative KS_E* values. */
#ifndef KS_ERROR_H
#define KS_ERROR_H

enum {
	KS_OK = 0,
	KS_ENOMEM = -1,
	KS_ENOENT = -2,     /* file or directory does not exist inside the root */
	KS_EACCES = -3,     /* permission denied (not running as root?) */
	KS_ENOTREG = -4,    /* not a regular file (FIFO, device, socket, directory) */
	KS_ETOOBIG = -5,    /* over the size cap */
	KS_ELOOP = -6,      /* too many symbolic links, or a loop */
	KS_EIO = -7,        /* read error */
	KS_EPARSE = -8,     /* malformed input; details are in a diagnostic */
	KS_EUSAGE = -9,     /* bad command line or configuration */
	KS_ENOTDIR = -10,
	KS_ELIMIT = -11,    /* an input exceeded one of limits.h */
};

const char *ks_strerror(int code);
int ks_error_from_errno(int err);

#endif
