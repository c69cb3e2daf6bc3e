/* The rule expression language: comparisons, &&, ||, !, exists(), count/any/all over lists, with
 * three-valued (Kleene) logic so that a rule whose facts are unknown evaluates to unknown and can
 * never pass by accident. Parsed once when a profile loads, evaluated per scan. */
#ifndef KS_EXPR_H
#define KS_EXPR_H
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "fact/fact.h"

typedef struct ks_expr ks_expr; /* arena-owned AST */

/* Parses SRC. On error returns KS_EPARSE and, if ERR is not NULL, writes a message naming the
 * 1-based column into ERR (size ERRLEN). */
int ks_expr_parse(ks_arena *a, const char *src, ks_expr **out, char *err, size_t errlen);

/* Calls FN for each fact key and each $parameter the expression names (for validation and for
 * listing evidence). IS_PARAM tells which. */
void ks_expr_walk_refs(const ks_expr *e, void (*fn)(void *ud, const char *name, bool is_param),
                       void *ud);

/* A list element that decided an any/all/count: the list's fact key and the element. */
typedef struct ks_witness {
	const char *list_key;
	const ks_value *element;
} ks_witness;

/* A fact that made the result unknown, with the reason. */
typedef struct ks_unknown_ref {
	const char *key;
	const char *reason;
} ks_unknown_ref;

typedef struct ks_eval {
	ks_value result;          /* KS_VAL_UNKNOWN when undetermined */
	ks_witness *witnesses;
	size_t nwitnesses;
	ks_unknown_ref *unknowns;
	size_t nunknowns;
	const char **decisive;    /* facts that decided a true/false result: the true branch of an ||,
	                           * the false operand of an &&, every fact of a comparison */
	size_t ndecisive;
	const char *error;        /* a type error in the rule itself (a profile bug), or NULL */
} ks_eval;

/* Evaluates E over FACTS with PARAMS (a record of parameter values). Allocation from A. */
int ks_expr_eval(ks_arena *a, const ks_expr *e, const ks_facts *facts, const ks_value *params,
                 ks_eval *out);

#endif
