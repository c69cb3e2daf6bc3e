/* Verdicts: the outcome of one rule on one host, with the evidence a person needs to check it. */
#ifndef KS_VERDICT_H
#define KS_VERDICT_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "catalog/catalog.h"
#include "core/arena.h"
#include "fact/fact.h"
#include "profile/profile.h"

typedef enum {
	KS_VERDICT_PASS,
	KS_VERDICT_FAIL,
	KS_VERDICT_UNKNOWN,
	KS_VERDICT_MANUAL,
	KS_VERDICT_NA,
	KS_VERDICT_WAIVED,  /* a fail or unknown covered by a valid waiver */
} ks_verdict_kind;
#define KS_VERDICT_KINDS 6

const char *ks_verdict_id(ks_verdict_kind k);                 /* "pass", "fail", ... */
const char *ks_verdict_label(ks_verdict_kind k, ks_lang lang); /* はい/いいえ/要確認/手動確認/対象外 */

typedef struct ks_evidence {
	const char *fact;      /* fact key, or "accounts.list[bob]" for a list element */
	const ks_value *value; /* NULL when unknown */
	const char *display;   /* value rendered for people */
	const char *source;    /* "/etc/login.defs:161", a probe description, or NULL */
	const char *note;      /* why unknown, or what role it played ("decisive") */
	int decisive;          /* this evidence decided the verdict */
} ks_evidence;

typedef struct ks_waiver ks_waiver;

typedef struct ks_verdict {
	const ks_rule *rule;
	const ks_item *item;
	ks_verdict_kind kind;
	const char *error;     /* the rule itself is broken (shown, never hidden) */
	const ks_waiver *waiver;      /* the waiver that applies, or an expired one that no longer does */
	bool waiver_expired;
	ks_verdict_kind unwaived;     /* the verdict before a waiver changed it */
	ks_evidence *evidence;
	size_t nevidence;
} ks_verdict;

typedef struct ks_verdicts {
	ks_verdict *items;
	size_t n;
	unsigned role;         /* KS_TARGET_* the host was scanned as */
} ks_verdicts;

/* Evaluates every rule of PROFILE over FACTS for a host of ROLE. */
int ks_verdict_decide_all(ks_arena *a, const ks_profile *profile, const ks_facts *facts, unsigned role,
                          ks_verdicts *out);

#endif
