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

typedef struct ks_item {
	const char *id;     /* "2-7" */
	const char *label;  /* "2-⑦" */
	int section;
	ks_text title, question, why;
	unsigned targets;   /* 0 = organisational item, not tied to a device */
	unsigned forms;
	const char **references;
	size_t nreferences;
	int line;           /* where it is defined in the catalog file */
} ks_item;

typedef struct ks_catalog {
	const char *name;
	const char *edition;
	ks_text title;
	ks_item *items;
	size_t nitems;
} ks_catalog;

/* Loads a catalog from YAML text; ORIGIN names the file in errors ("catalog/mhlw-r7.yaml:12:5: ..."). */
int ks_catalog_load(ks_arena *a, const char *origin, const char *data, size_t len, ks_catalog **out,
                    char *err, size_t errlen);
const ks_item *ks_catalog_find(const ks_catalog *c, const char *id);

#endif
