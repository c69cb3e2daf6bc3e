/* Diagnostics: what went wrong reading the host, pointing at the input (path, line, column). */
#ifndef KS_DIAG_H
#define KS_DIAG_H
#include <stddef.h>

#include "arena.h"

typedef enum { KS_DIAG_INFO, KS_DIAG_WARNING, KS_DIAG_ERROR } ks_diag_severity;

typedef struct ks_diag {
	ks_diag_severity severity;
	const char *path; /* as seen inside the root, e.g. /etc/ssh/sshd_config; NULL if none */
	int line;         /* 1-based, 0 if not applicable */
	int column;       /* 1-based, 0 if unknown */
	const char *message;
} ks_diag;

typedef struct ks_diags ks_diags; /* owned by the arena it was made from */

ks_diags *ks_diags_new(ks_arena *a);
void ks_diag_add(ks_diags *d, ks_diag_severity sev, const char *path, int line, int column,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
size_t ks_diags_count(const ks_diags *d);
const ks_diag *ks_diags_at(const ks_diags *d, size_t i);
size_t ks_diags_dropped(const ks_diags *d); /* beyond KS_MAX_DIAGS */

#endif
