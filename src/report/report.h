/* Reports read verdicts and the evidence they carry (never the host) and render one format each. */
#ifndef KS_REPORT_H
#define KS_REPORT_H
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "core/diag.h"
#include "fact/fact.h"
#include "profile/profile.h"
#include "verdict/verdict.h"

typedef struct ks_report {
	const ks_profile *profile;
	const ks_verdicts *verdicts;
	const ks_facts *facts;     /* only the host.* and os.* facts are read, for the header */
	const ks_diags *diags;
	ks_lang lang;
	time_t scanned_at;
	const char *root;
	bool as_root;              /* the scanner ran with uid 0 */
	double duration_ms;
	bool color;                /* text only */
	bool verbose;              /* text only: every evidence line */
} ks_report;

int ks_report_render_text(const ks_report *r, FILE *out);
int ks_report_render_json(const ks_report *r, FILE *out);
int ks_report_render_html(const ks_report *r, FILE *out);
int ks_report_render_csv(const ks_report *r, FILE *out);

/* Every fact with its source or unknown reason (`kenshin facts`). */
int ks_report_facts_json(const ks_facts *facts, FILE *out);
int ks_report_facts_text(const ks_facts *facts, ks_arena *a, FILE *out);

/* Shared by the renderers. */
const char *ks_report_host_str(const ks_report *r, const char *key); /* "" when unknown */
const ks_evidence *ks_report_decisive(const ks_verdict *v);         /* NULL when none */
void ks_report_counts(const ks_report *r, size_t counts[KS_VERDICT_KINDS]);
/* One RFC 4180 field, always quoted, followed by "," or CRLF when LAST. Text that a spreadsheet
 * would run as a formula is prefixed with a quote (CSV injection). */
void ks_report_csv_field(FILE *out, const char *s, bool last);
/* Escapes S for HTML text and for double- or single-quoted attribute values alike; control
 * characters other than tab and newline become '?'. NULL writes nothing. */
void ks_report_html_escape(FILE *out, const char *s);
/* "2026-11-22T04:50:00Z" into BUF (size >= 21). */
void ks_report_iso_time(time_t t, char *buf, size_t len);

#endif
