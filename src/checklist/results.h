/* Reading scan results (`kenshin scan --format json`, schema kenshin.scan/1) for the checklist.
 * A fleet sends thousands of these, so they are read with a streaming parser (yajl) that keeps
 * only what the checklist needs: the host, the scan time and, per item, the verdict, the decisive
 * evidence and any waiver. Result files come from other machines and are untrusted input. */
#ifndef KS_CL_RESULTS_H
#define KS_CL_RESULTS_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "catalog/catalog.h"
#include "core/arena.h"
#include "verdict/verdict.h"

/* One piece of evidence as the scan printed it. VALUE is the JSON text of the value, compacted and
 * cut at KS_CL_VALUE_MAX bytes (ending in "…" when cut), or "null" when the fact was unknown. */
#define KS_CL_VALUE_MAX 240
typedef struct ks_cl_evidence {
	const char *fact;
	const char *value;
	const char *source; /* may be NULL */
	const char *note;   /* may be NULL */
} ks_cl_evidence;

typedef struct ks_cl_waiver {
	const char *item;
	const char *host;          /* the glob as written */
	const char *justification;
	const char *approver;
	const char *expires;       /* YYYY-MM-DD */
	const char *source;        /* "waivers.yaml:12" */
	bool expired;
	ks_verdict_kind verdict_without; /* the host's verdict without the waiver */
} ks_cl_waiver;

/* One item's result on one host. */
typedef struct ks_cl_result {
	bool present;              /* false: the result file has no entry for this item */
	ks_verdict_kind verdict;
	ks_cl_evidence *evidence;  /* the decisive evidence (at most 16); when none is marked decisive,
	                            * the first KS_CL_EVIDENCE_MAX entries, as context */
	size_t nevidence;
	bool decisive;             /* evidence[] is what decided the verdict */
	size_t nevidence_more;     /* decisive entries left out beyond the cap (shown as a count) */
	const ks_cl_waiver *waiver; /* NULL when none */
	const char *rule_error;    /* NULL unless the scan's rule was broken */
} ks_cl_result;
#define KS_CL_EVIDENCE_MAX 4

typedef struct ks_cl_host {
	const char *file;          /* the result file, as named on the command line */
	const char *hostname;      /* "" when the scan could not tell */
	const char *os, *os_id, *os_version, *kernel, *arch, *machine_id; /* NULL when unknown */
	const char **addresses;
	size_t naddresses;
	unsigned role;             /* one KS_TARGET_* bit */
	time_t scanned_at;
	const char *scanned_at_text; /* as written, "2026-11-22T04:50:00Z" */
	const char *profile;       /* "mhlw-r7" */
	const char *catalog;       /* "mhlw-r7" */
	const char *edition;
	const char *kenshin_version;
	bool as_root;
	size_t ndiagnostics;       /* problems the scan reported reading the host */
	ks_cl_result *results;     /* one per catalog item, in catalog order */
	size_t nresults;
	size_t nunknown_items;     /* result entries naming items the catalog does not have */
	bool stale;                /* set by ks_checklist_merge: older than max_result_age_days */
} ks_cl_host;

/* Reads one result file's text (DATA, LEN) named FILE against CATALOG. On failure returns
 * KS_EPARSE (or KS_ENOMEM, KS_ETOOBIG) and writes "FILE:LINE:COL: what was expected" to ERR
 * (line and column of the JSON text where known). Checks: valid JSON, schema kenshin.scan/1,
 * a catalog of the same name as CATALOG's, a host role, a scan time, known verdicts. Result entries
 * for items CATALOG does not know are counted in nunknown_items, never silently kept. */
int ks_cl_result_read(ks_arena *a, const char *file, const char *data, size_t len,
                      const ks_catalog *catalog, ks_cl_host *out, char *err, size_t errlen);

#endif
