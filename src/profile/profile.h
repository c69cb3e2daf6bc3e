/* Profiles: which rule decides which catalog item, with parameters (thresholds) as data. */
#ifndef KS_PROFILE_H
#define KS_PROFILE_H
#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"
#include "core/arena.h"
#include "fact/fact.h"
#include "profile/expr.h"

typedef enum { KS_OTHERWISE_PASS, KS_OTHERWISE_MANUAL } ks_otherwise;

typedef struct ks_rule {
	const char *item_id;
	const ks_item *item;     /* resolved in the profile's catalog */
	const char *pass_if_src, *fail_if_src, *unknown_if_src;
	ks_expr *pass_if, *fail_if; /* both NULL: a manual item */
	ks_expr *unknown_if;        /* after fail_if is false: true means the evidence proves nothing */
	ks_otherwise otherwise;  /* result when fail_if is false and there is no pass_if */
	const char **evidence;   /* fact keys shown as evidence */
	size_t nevidence;
	const char *severity;    /* high | medium | low */
	ks_text method;          /* how kenshin decides (for `kenshin explain`) */
	ks_text remediation;
	bool implicit;           /* made for a catalog item the profile does not mention */
	int line;
} ks_rule;

typedef struct ks_param_doc {
	const char *name;
	ks_text help;
} ks_param_doc;

typedef struct ks_profile {
	const char *name;
	const char *catalog_name;
	ks_text title;
	ks_value params;         /* record: name -> value */
	ks_param_doc *param_docs;
	size_t nparam_docs;
	ks_rule *rules;          /* in catalog order, one per catalog item */
	size_t nrules;
	const ks_catalog *catalog;
} ks_profile;

/* Loads a profile; ORIGIN names the file in "origin:line:col: ..." errors. Every rule's item must
 * exist in CATALOG, and every $parameter a rule uses must be declared. Catalog items without a rule
 * get an implicit manual one. */
int ks_profile_load(ks_arena *a, const char *origin, const char *data, size_t len,
                    const ks_catalog *catalog, ks_profile **out, char *err, size_t errlen);

/* Overrides parameter NAME with VALUE (text, converted to the parameter's type; a list parameter
 * takes comma-separated values, "" for none). */
int ks_profile_set_param(ks_arena *a, ks_profile *p, const char *name, const char *value, char *err,
                         size_t errlen);

const ks_rule *ks_profile_rule(const ks_profile *p, const char *item_id);

/* Sets the built-in parameter $role ("server", "terminal" or "network") for the scan. */
int ks_profile_set_role(ks_arena *a, ks_profile *p, const char *role);

#endif
