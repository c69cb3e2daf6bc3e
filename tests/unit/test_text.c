/* core/text.c: the helpers the hand-written parsers share. */
#include <string.h>

#include "support.h"

#include "core/arena.h"
#include "core/diag.h"
#include "core/limits.h"
#include "core/text.h"

static void split_tabs_trims_and_keeps_the_rest(void **state)
{
	(void)state;
	const char *f[3];
	size_t fl[3];
	const char *line = " sshd \t ssh\t OpenSSH\tserver ";
	size_t k = ks_split_tabs(line, strlen(line), f, fl, 3);
	assert_int_equal(k, 3);
	assert_true(ks_eq(f[0], fl[0], "sshd"));
	assert_true(ks_eq(f[1], fl[1], "ssh"));
	assert_true(ks_eq(f[2], fl[2], "OpenSSH\tserver")); /* the last field keeps further tabs */
	k = ks_split_tabs("only-one", 8, f, fl, 3);
	assert_int_equal(k, 1);
	assert_true(ks_eq(f[0], fl[0], "only-one"));
	k = ks_split_tabs("a\t", 2, f, fl, 2);
	assert_int_equal(k, 2);
	assert_int_equal(fl[1], 0);
}

static void lines_capped_skips_and_reports_long_lines(void **state)
{
	(void)state;
	ks_arena *a = ks_arena_new();
	ks_diags *d = ks_diags_new(a);
	size_t big = KS_MAX_LINE + 1;
	char *data = ks_arena_alloc(a, big + 32);
	strcpy(data, "first\n");
	memset(data + 6, 'x', big);
	strcpy(data + 6 + big, "\nthird");
	ks_lines it;
	ks_lines_init(&it, data, strlen(data));
	const char *line;
	size_t n;
	assert_true(ks_lines_next_capped(&it, d, "f.conf", &line, &n));
	assert_true(ks_eq(line, n, "first"));
	assert_true(ks_lines_next_capped(&it, d, "f.conf", &line, &n));
	assert_true(ks_eq(line, n, "third"));
	assert_int_equal(it.lineno, 3);
	assert_false(ks_lines_next_capped(&it, d, "f.conf", &line, &n));
	assert_int_equal(ks_diags_count(d), 1);
	const ks_diag *g = ks_diags_at(d, 0);
	assert_int_equal(g->line, 2);
	assert_string_equal(g->path, "f.conf");
	assert_non_null(strstr(g->message, "line longer than"));
	ks_arena_free(a);
}

static void scan_unsigned_reads_like_sscanf(void **state)
{
	(void)state;
	uint64_t v;
	assert_true(ks_scan_unsigned("  5 # five", 10, 0xFFFFull, &v));
	assert_int_equal(v, 5);
	assert_true(ks_scan_unsigned("70000", 5, 0xFFFFull, &v)); /* %hu wraps */
	assert_int_equal(v, 70000 & 0xFFFF);
	assert_true(ks_scan_unsigned("70000", 5, 0xFFFFFFFFull, &v));
	assert_int_equal(v, 70000);
	assert_false(ks_scan_unsigned("never", 5, 0xFFFFull, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_tabs_trims_and_keeps_the_rest),
		cmocka_unit_test(lines_capped_skips_and_reports_long_lines),
		cmocka_unit_test(scan_unsigned_reads_like_sscanf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
