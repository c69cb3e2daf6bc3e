/* The merged checklist: for each item and device category (サーバ / 端末PC / ネットワーク機器), what
 * the hosts measured, combined with what people answered, into the mark the MHLW form shows.
 *
 * Rules (issue 4):
 *   - per item and category: いいえ if any host of the category fails (the hosts are named),
 *     要確認 if any is unknown and none fails, はい only if every host passes (a valid waiver counts
 *     as an accepted exception); a category with no host says so;
 *   - a human はい never overrides a measured failure: the item stays いいえ and the conflict is shown;
 *   - the confirmation date of a measured item is the oldest scan it rests on;
 *   - results older than max_result_age_days are flagged stale. */
#ifndef KS_CHECKLIST_H
#define KS_CHECKLIST_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "catalog/catalog.h"
#include "checklist/answers.h"
#include "checklist/date.h"
#include "checklist/results.h"
#include "core/arena.h"
#include "core/diag.h"

/* What the form shows for an item (or for one category of it). */
typedef enum {
	KS_MARK_YES,        /* はい */
	KS_MARK_NO,         /* いいえ */
	KS_MARK_CHECK,      /* 要確認: some evidence could not be determined */
	KS_MARK_UNANSWERED, /* 未回答: people must answer and have not */
	KS_MARK_NOHOST,     /* 対象機器なし: no scanned host in this category */
	KS_MARK_NA,         /* 対象外: not applicable (category not targeted, not on this form, or the
	                     * facility runs no medical information system) */
} ks_mark;
#define KS_MARKS 6
const char *ks_mark_id(ks_mark m);                 /* "yes", "no", "check", "unanswered", "nohost", "na" */
const char *ks_mark_label(ks_mark m, ks_lang lang); /* はい, いいえ, 要確認, 未回答, 対象機器なし, 対象外 */

/* Device categories, in the form's order; index = bit position of KS_TARGET_*. */
#define KS_CATEGORIES 3
unsigned ks_category_bit(int c);                     /* 0 -> KS_TARGET_SERVER ... */
const char *ks_category_label(int c, ks_lang lang);  /* サーバ / 端末PC / ネットワーク機器 */

/* One item in one category. Host lists are sorted by host name. */
typedef struct ks_cl_cell {
	bool applies;               /* the item targets this category */
	ks_mark mark;               /* KS_MARK_NA when !applies */
	size_t nhosts;              /* hosts of this category */
	size_t counts[KS_VERDICT_KINDS]; /* host verdicts, by ks_verdict_kind */
	size_t nmissing;            /* hosts whose result has no entry for the item (counted unknown) */
	const ks_cl_host **fail;    /* failing hosts */
	size_t nfail;
	const ks_cl_host **unknown; /* unknown hosts (including missing entries) */
	size_t nunknown;
	const ks_cl_host **waived;  /* hosts whose fail/unknown a valid waiver covers */
	size_t nwaived;
	time_t oldest_scan;         /* oldest scan among the hosts the mark rests on; 0 if none */
	size_t nstale;              /* of those hosts, how many results are stale */
} ks_cl_cell;

typedef struct ks_cl_item {
	const ks_item *item;        /* catalog entry */
	bool on_form;               /* the item is on the chosen form */
	bool measured;              /* at least one host result decided it (pass/fail/unknown/waived) */
	bool needs_people;          /* people must answer: organisational item, or some host said manual */
	ks_cl_cell cells[KS_CATEGORIES];
	const ks_item_answer *answer; /* what people answered, or NULL */
	ks_mark measured_mark;      /* combined over the categories that apply; KS_MARK_NA if none did */
	ks_mark mark;               /* what the form shows */
	bool conflict;              /* people answered はい but a host fails: the item stays いいえ */
	bool waived;                /* a waiver turned a host's fail/unknown into an accepted exception */
	ks_day confirmed;           /* 確認日: oldest of the scans and the people's date; NONE if unknown */
	ks_day target;              /* 目標日 from the answers; NONE if not given */
	bool target_missing;        /* mark is いいえ and no target date was given */
	size_t nstale;              /* stale results among the hosts it rests on */
} ks_cl_item;

/* A waiver row for the waivers sheet: which host it was applied to, or that it has expired. */
typedef struct ks_cl_waiver_use {
	const ks_cl_waiver *waiver;
	const ks_cl_host *host;
	ks_verdict_kind verdict_without;
} ks_cl_waiver_use;

/* One cell of the 3x3 view: covered when every item placed there is はい (and there is at least
 * one item or attested practice), partial when some are, gap when none. */
typedef enum { KS_COVER_GAP, KS_COVER_PARTIAL, KS_COVER_FULL } ks_cover;
typedef struct ks_cl_matrix_cell {
	ks_cover cover;
	const ks_cl_item **items;
	size_t nitems;
	const ks_practice **practices;
	size_t npractices;
} ks_cl_matrix_cell;

typedef struct ks_checklist {
	const ks_catalog *catalog;
	const ks_answers *answers;
	int form;                   /* KS_FORM_FACILITY or KS_FORM_VENDOR */
	time_t now;                 /* for staleness */
	ks_day today;
	ks_cl_item *items;          /* every catalog item, in catalog order (check on_form) */
	size_t nitems;
	const ks_cl_host **hosts;   /* by category, then host name */
	size_t nhosts;
	size_t ncategory[KS_CATEGORIES];
	size_t nstale_hosts;
	size_t nsuperseded;         /* older results of a host that a newer one replaced */
	time_t oldest_scan, newest_scan; /* over all hosts; 0 when there are none */
	ks_cl_waiver_use *waivers;  /* every waiver seen in a result, applied or expired */
	size_t nwaivers;
	size_t counts[KS_MARKS];    /* items on the form per mark */
	const ks_diags *diags;      /* what the merge and the readers warned about; may be NULL */
	ks_cl_matrix_cell matrix[KS_CELLS]; /* by ks_cell index (item->controls) */
} ks_checklist;

/* Merges HOSTS with ANSWERS (may be NULL) into OUT for FORM. When several results describe the same
 * host (same machine id, or same host name when the id is unknown) the newest is used and the
 * others are named in a warning. Conditions worth a person's attention (stale results, いいえ
 * without a target date, conflicts) are also reported to DIAGS as warnings. */
int ks_checklist_merge(ks_arena *a, const ks_catalog *catalog, const ks_answers *answers, int form,
                       ks_cl_host *hosts, size_t nhosts, time_t now, ks_checklist *out,
                       ks_diags *diags);

/* The evidence table, in the order every format lists it: each item on the form (catalog order),
 * then each host (cl->hosts order) of a category the item targets. Start with *ITEM = *HOST = 0
 * and FIRST true; returns false after the last row. */
bool ks_checklist_next_row(const ks_checklist *cl, size_t *item, size_t *host, bool *first);

#endif
