/* Messages for KS_E* codes, written for an administrator reading a report. */
#include "error.h"

#include <errno.h>

const char *ks_strerror(int code)
{
	switch (code) {
	case KS_OK: return "success";
	case KS_ENOMEM: return "out of memory";
	case KS_ENOENT: return "not found";
	case KS_EACCES: return "permission denied";
	case KS_ENOTREG: return "not a regular file";
	case KS_ETOOBIG: return "file over the size limit";
	case KS_ELOOP: return "too many symbolic links";
	case KS_EIO: return "read error";
	case KS_EPARSE: return "malformed";
	case KS_EUSAGE: return "usage error";
	case KS_ENOTDIR: return "not a directory";
	case KS_ELIMIT: return "over a built-in limit";
	}
	return "unknown error";
}

int ks_error_from_errno(int err)
{
	switch (err) {
	case ENOENT: return KS_ENOENT;
	case EACCES: case EPERM: return KS_EACCES;
	case ELOOP: return KS_ELOOP;
	case ENOTDIR: return KS_ENOTDIR;
	case ENOMEM: return KS_ENOMEM;
	case EXDEV: return KS_ENOENT; /* a path that would leave the root does not exist for us */
	default: return KS_EIO;
	}
}
