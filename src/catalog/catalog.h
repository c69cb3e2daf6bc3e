/* The catalog: checklist items (ids, official titles, targets, guideline references) as data. */
#ifndef KS_CATALOG_H
#define KS_CATALOG_H
#include <stddef.h>

#include "core/arena.h"

typedef enum { KS_LANG_JA, KS_LANG_EN } ks_lang;

/* Text in both report languages; either may be NULL in the data. */
typedef struct ks_text {
	const char *ja, *en;
} ks_text;
const char *ks_text_get(const ks_text *t, ks_lang lang); /* falls back to the other language, then "" */

/* Targets (the checklist's 対象) and scan roles share one bit set. */
enum {
	KS_TARGET_SERVER = 1,
	KS_TARGET_TERMINAL = 2,
	KS_TARGET_NETWORK = 4,
};
const char *ks_target_name(unsigned bit);  /* "server", ... */
int ks_target_parse(const char *s);         /* bit, or -1 */

enum { KS_FORM_FACILITY = 1, KS_FORM_VENDOR = 2 };

/* Cells of the 3x3 view of seed 002: who acts (rows: organisational, system, staff) x what kind of
 * control (columns: corrective, detective, preventive). Cell = row * 3 + column. */
enum { KS_CELL_ORG, KS_CELL_SYSTEM, KS_CELL_STAFF };
enum { KS_CELL_CORRECTIVE, KS_CELL_DETECTIVE, KS_CELL_PREVENTIVE };
#define KS_CELLS 9
/* "organisational-corrective", "system-detective", "staff-preventive", ... -> 0..8; -1 if unknown. */
int ks_cell_parse(const char *s);
const char *ks_cell_id(int cell);

typedef struct ks_item {
	const char *id;     /* "2-7" */
	const char *label;  /* "2-⑦" */
	int section;
	ks_text title, question, why;
	unsigned targets;   /* 0 = organisational item, not tied to a device */
	unsigned forms;
	unsigned controls;  /* bit per 3x3 cell (1u << cell) the item contributes to */
	const char **references;
	size_t nreferences;
	int line;           /* where it is defined in the catalog file */
} ks_item;

typedef struct ks_section {
	int number;
	ks_text title;
} ks_section;

typedef struct ks_catalog {
	const char *name;
	const char *edition;
	ks_text title;
	ks_section *sections; /* may be empty */
	size_t nsections;
	ks_item *items;
	size_t nitems;
} ks_catalog;

/* Loads a catalog from YAML text; ORIGIN names the file in errors ("catalog/mhlw-r7.yaml:12:5: ..."). */
int ks_catalog_load(ks_arena *a, const char *origin, const char *data, size_t len, ks_catalog **out,
                    char *err, size_t errlen);
const ks_item *ks_catalog_find(const ks_catalog *c, const char *id);
const ks_section *ks_catalog_section(const ks_catalog *c, int number); /* NULL if not declared */

#endif
