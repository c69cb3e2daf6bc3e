/* kenshin.conf: comments, quoting, spacing; malformed lines are errors naming file and line. */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "cli/config.h"
#include "core/error.h"

struct seen {
	char keys[8][64];
	char values[8][256];
	int lines[8];
	int n;
};

static int collect(void *ud, const char *key, const char *value, int line, char *err, size_t errlen)
{
	struct seen *s = ud;
	if (strcmp(key, "refuse") == 0) {
		snprintf(err, errlen, "line %d: refused", line);
		return KS_EUSAGE;
	}
	if (s->n < 8) {
		snprintf(s->keys[s->n], 64, "%s", key);
		snprintf(s->values[s->n], 256, "%s", value);
		s->lines[s->n++] = line;
	}
	return 0;
}

static void test_good(void **state)
{
	(void)state;
	const char *conf = "# settings\n\n  role = terminal  \r\nlang=ja\ndormant_days =120\nprofile = \"mhlw-r7\"\n";
	struct seen s = {0};
	char err[256];
	assert_int_equal(ks_config_parse("/etc/kenshin/kenshin.conf", conf, strlen(conf), collect, &s, err, sizeof err), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.keys[0], "role");
	assert_string_equal(s.values[0], "terminal");
	assert_int_equal(s.lines[0], 3);
	assert_string_equal(s.values[2], "120");
	assert_string_equal(s.values[3], "mhlw-r7");
}

static void test_bad(void **state)
{
	(void)state;
	struct { const char *conf, *msg; } cases[] = {
		{"role = server\njust words\n", "kenshin.conf:2: expected 'key = value'"},
		{"= value\n", "kenshin.conf:1: expected a setting name"},
		{"Role = x\n", "kenshin.conf:1: expected a setting name"},
		{"a = 1\nrefuse = 1\n", "line 2: refused"},
		{"a = 1\0b = 2\n", "binary data"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct seen s = {0};
		char err[256] = "";
		size_t len = i == 4 ? 12 : strlen(cases[i].conf);
		assert_int_not_equal(ks_config_parse("kenshin.conf", cases[i].conf, len, collect, &s, err, sizeof err), 0);
		if (!strstr(err, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
