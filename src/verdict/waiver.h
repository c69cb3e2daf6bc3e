/* Waivers: accepted exceptions (item, host glob, justification, approver, expiry). Auditors accept
 * an exception only with all of these, so the loader refuses a waiver that lacks one. */
#ifndef KS_WAIVER_H
#define KS_WAIVER_H
#include <stddef.h>
#include <time.h>

#include "catalog/catalog.h"
#include "core/arena.h"
#include "verdict/verdict.h"

struct ks_waiver {
	const char *item;          /* catalog item or control id, e.g. "2-9", "VB-DISK" */
	const char *host;          /* fnmatch(3) glob on the host name; "*" for every host */
	const char *justification;
	const char *approver;
	const char *expires;       /* YYYY-MM-DD as written */
	time_t expires_at;         /* end of that day, UTC */
	const char *source;        /* "waivers.yaml:12" */
};

typedef struct ks_waivers {
	ks_waiver *items;
	size_t n;
} ks_waivers;

/* Loads ORIGIN's YAML text. Each item must exist in one of the NCATALOGS CATALOGS (one file may
 * hold waivers for several profiles). Errors: "origin:line:col: message". */
int ks_waivers_load(ks_arena *a, const char *origin, const char *data, size_t len,
                    const ks_catalog *const *catalogs, size_t ncatalogs, ks_waivers *out, char *err,
                    size_t errlen);

/* Applies the waivers matching HOST to fail and unknown verdicts: valid ones make the verdict
 * KS_VERDICT_WAIVED; expired ones are attached (waiver_expired) and change nothing. */
void ks_waivers_apply(const ks_waivers *w, const char *host, time_t now, ks_verdicts *v);

#endif
