/* Fuzzes the rule expression parser and evaluator over a small fixed fact set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	ks_arena *a = ks_arena_new();
	if (!a)
		return 0;
	char *src = ks_arena_strndup(a, (const char *)data, size);
	ks_facts *f = ks_facts_new(a);
	ks_value params = ks_val_record();
	ks_record_set(a, &params, "n", ks_val_int(60));
	ks_fact_int(f, "a.n", 8, "/x", 1);
	ks_fact_str(f, "a.s", "no", "/x", 2);
	ks_fact_bool(f, "a.b", true, NULL, 0);
	ks_fact_unknown(f, "a.u", NULL, "unreadable");
	ks_value list = ks_val_list();
	for (int i = 0; i < 3; i++) {
		ks_value r = ks_val_record();
		ks_record_set(a, &r, "name", ks_val_strz(a, i ? "x" : "y"));
		ks_record_set(a, &r, "n", i == 2 ? ks_val_unknown() : ks_val_int(i));
		ks_value inner = ks_val_list();
		ks_list_push(a, &inner, ks_val_int(i));
		ks_record_set(a, &r, "l", inner);
		ks_list_push(a, &list, r);
	}
	ks_fact_put(f, "a.l", list, "/x", 3);
	ks_expr *e;
	char err[256];
	if (src && ks_expr_parse(a, src, &e, err, sizeof err) == 0) {
		ks_eval ev;
		ks_expr_eval(a, e, f, &params, &ev);
	}
	ks_arena_free(a);
	return 0;
}
