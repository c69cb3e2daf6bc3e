/* The fact store: typed values under dotted keys (e.g. "password.min_length"), each with its
 * provenance (host file and line, or the probe that produced it) or, when it could not be
 * determined, the reason it is unknown. Collectors write facts; profiles only read them. */
#ifndef KS_FACT_H
#define KS_FACT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

typedef enum {
	KS_VAL_UNKNOWN = 0,
	KS_VAL_BOOL,
	KS_VAL_INT,
	KS_VAL_STR,
	KS_VAL_LIST,
	KS_VAL_RECORD,
} ks_vtype;

typedef struct ks_value ks_value;
struct ks_value {
	ks_vtype type;
	union {
		bool b;
		int64_t i;
		struct { const char *s; size_t len; } str;         /* NUL-terminated too */
		struct { ks_value *items; size_t n, cap; } list;
		struct { const char **keys; ks_value *vals; size_t n, cap; } rec;
	} u;
};

typedef struct ks_source {
	const char *path; /* inside the root, e.g. "/etc/login.defs"; NULL for probes */
	int line;         /* 0 = whole file or not line based */
	const char *probe; /* what computed it, when not a single file line */
} ks_source;

typedef struct ks_fact {
	const char *key;
	ks_value value;     /* type KS_VAL_UNKNOWN when undetermined */
	ks_source source;
	const char *reason; /* why unknown; NULL otherwise */
} ks_fact;

typedef struct ks_facts ks_facts; /* lives in (and is freed with) its arena */

ks_facts *ks_facts_new(ks_arena *a);
ks_arena *ks_facts_arena(const ks_facts *f);

/* Sets KEY (copied), replacing an earlier value. PATH is copied; LINE 0 = whole file. */
int ks_fact_put(ks_facts *f, const char *key, ks_value v, const char *path, int line);
int ks_fact_put_probe(ks_facts *f, const char *key, ks_value v, const char *probe);
int ks_fact_unknown(ks_facts *f, const char *key, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

int ks_fact_bool(ks_facts *f, const char *key, bool b, const char *path, int line);
int ks_fact_int(ks_facts *f, const char *key, int64_t i, const char *path, int line);
int ks_fact_str(ks_facts *f, const char *key, const char *s, const char *path, int line);

const ks_fact *ks_fact_get(const ks_facts *f, const char *key); /* NULL if never set */
size_t ks_facts_count(const ks_facts *f);
const ks_fact *ks_facts_at(const ks_facts *f, size_t i); /* insertion order */

/* Value constructors. Strings are copied into the arena. */
ks_value ks_val_bool(bool b);
ks_value ks_val_int(int64_t i);
ks_value ks_val_str(ks_arena *a, const char *s, size_t len);
ks_value ks_val_strz(ks_arena *a, const char *s);
ks_value ks_val_list(void);
ks_value ks_val_record(void);
ks_value ks_val_unknown(void);
int ks_list_push(ks_arena *a, ks_value *list, ks_value item);
int ks_record_set(ks_arena *a, ks_value *rec, const char *key, ks_value v);
const ks_value *ks_record_get(const ks_value *rec, const char *key);

bool ks_value_equal(const ks_value *x, const ks_value *y);
/* A one-line rendering for text reports ("yes", "12", "root, admin", …). A record shows its
 * "name" field and, if present, its "summary" string field. */
char *ks_value_format(ks_arena *a, const ks_value *v);

#endif
