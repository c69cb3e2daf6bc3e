/* Helpers shared by unit tests: a scratch root directory and a ready collector context. */
#ifndef KS_TEST_SUPPORT_H
#define KS_TEST_SUPPORT_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "collect/collect.h"

/* Creates an empty temporary directory; returns its malloc'd path. */
char *ks_test_tmpdir(void);
/* Writes CONTENT to ROOT/RELPATH, creating parent directories. */
void ks_test_write(const char *root, const char *relpath, const char *content);
/* rm -rf of a directory made by ks_test_tmpdir (only below /tmp). */
void ks_test_rmtree(const char *dir);

/* A collector context over ROOT with fresh arena/facts/diags; free with ks_test_ctx_free. */
ks_collect_ctx *ks_test_ctx(const char *root);
void ks_test_ctx_free(ks_collect_ctx *ctx);

/* Fact accessors that fail the test when the fact is missing or of another type. */
long long ks_test_fact_int(ks_collect_ctx *ctx, const char *key);
int ks_test_fact_bool(ks_collect_ctx *ctx, const char *key);
const char *ks_test_fact_str(ks_collect_ctx *ctx, const char *key);
int ks_test_fact_is_unknown(ks_collect_ctx *ctx, const char *key);

#endif
