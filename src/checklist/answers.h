/* The answers file: what only people can answer on the checklist (who is responsible, whether
 * there is a contact chart, a BCP, rules...), with the facility header and the fiscal year.
 * Every problem is reported with file, line and column; nothing is silently ignored. */
#ifndef KS_CL_ANSWERS_H
#define KS_CL_ANSWERS_H
#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"
#include "checklist/date.h"
#include "core/arena.h"
#include "core/diag.h"

typedef enum { KS_ANSWER_NONE, KS_ANSWER_YES, KS_ANSWER_NO } ks_answer_value;

/* A document that backs an answer: what it is, which version, where it is kept. */
typedef struct ks_answer_doc {
	const char *document;
	const char *version;  /* may be NULL */
	const char *location; /* may be NULL */
} ks_answer_doc;

typedef struct ks_item_answer {
	const char *item;        /* catalog id, "3-1" */
	ks_answer_value answer;  /* KS_ANSWER_NONE: only a target date or a note was given */
	ks_day confirmed;        /* 確認日, KS_DAY_NONE if not given */
	ks_day target;           /* 目標日 for いいえ, KS_DAY_NONE if not given */
	const char *confirmed_by; /* overrides the file's confirmer for this item; may be NULL */
	ks_answer_doc *docs;
	size_t ndocs;
	const char *note;        /* may be NULL */
	int line;                /* where the item's entry starts */
} ks_item_answer;

/* A measure people take that is not a checklist item (staff training, drills...), placed in a
 * cell of the 3x3 view. */
typedef struct ks_practice {
	int cell;                /* 0..8 */
	const char *description;
	ks_answer_doc *docs;
	size_t ndocs;
	ks_day confirmed;
	int line;
} ks_practice;

enum { KS_FACILITY_HOSPITAL = 1, KS_FACILITY_CLINIC, KS_FACILITY_PHARMACY };

typedef struct ks_answers {
	const char *path;
	/* Facility header. For the vendor form, the facility is the customer the vendor answers for. */
	const char *facility_name;
	int facility_type;          /* KS_FACILITY_*; 0 if not given (vendor form only) */
	const char *vendor_name;    /* vendor form: the vendor answering (required there) */
	const char *system_name;    /* vendor form: the medical information system(s) it provides */
	int fiscal_year;            /* 2025 for 令和7年度 */
	const char *confirmer_name; /* 確認者 */
	const char *confirmer_title;
	bool has_system;            /* gate question: the facility runs a medical information system */
	int max_result_age_days;    /* default 30 */
	ks_item_answer *items;
	size_t nitems;
	ks_practice *practices;
	size_t npractices;
} ks_answers;

/* Loads PATH's YAML text (DATA, LEN) for FORM (KS_FORM_FACILITY or KS_FORM_VENDOR) against
 * CATALOG. Every problem goes to DIAGS as "path:line:col" with what was expected; errors are
 * KS_DIAG_ERROR, doubtful but usable input is KS_DIAG_WARNING. Returns 0 when no error was
 * found (OUT set), KS_EPARSE when at least one was (OUT still set as far as it could be read),
 * KS_ENOMEM on allocation failure. */
int ks_answers_load(ks_arena *a, const char *path, const char *data, size_t len,
                    const ks_catalog *catalog, int form, ks_answers **out, ks_diags *diags);
const ks_item_answer *ks_answers_find(const ks_answers *ans, const char *item);

#endif
