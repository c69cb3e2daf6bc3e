/* Checklist dates: civil days, JST, 和暦 at the era boundaries, fiscal years and their names. */
#include "support.h"

#include <string.h>

#include "checklist/date.h"

static ks_day ymd(int y, int m, int d)
{
	ks_day day = ks_day_from_ymd(y, m, d);
	assert_int_not_equal(day, KS_DAY_NONE);
	return day;
}

static void expect_wareki(int y, int m, int d, const char *want)
{
	char buf[40];
	assert_string_equal(ks_day_wareki(ymd(y, m, d), buf, sizeof buf), want);
}

static void test_civil_days(void **state)
{
	(void)state;
	assert_int_equal(ymd(1970, 1, 1), 0);
	assert_int_equal(ymd(1969, 12, 31), -1);
	assert_int_equal(ymd(2025, 5, 16), 20224);
	assert_int_equal(ymd(1, 1, 1), -719162);
	assert_int_equal(ymd(9999, 12, 31), 2932896);
	assert_int_equal(ks_day_from_ymd(2025, 2, 29), KS_DAY_NONE);
	assert_int_equal(ks_day_from_ymd(1900, 2, 29), KS_DAY_NONE); /* century, not leap */
	assert_int_not_equal(ks_day_from_ymd(2000, 2, 29), KS_DAY_NONE); /* every 400 years, leap */
	assert_int_equal(ks_day_from_ymd(2025, 4, 31), KS_DAY_NONE);
	assert_int_equal(ks_day_from_ymd(2025, 13, 1), KS_DAY_NONE);
	assert_int_equal(ks_day_from_ymd(2025, 0, 1), KS_DAY_NONE);
	assert_int_equal(ks_day_from_ymd(2025, 1, 0), KS_DAY_NONE);
	assert_int_equal(ks_day_from_ymd(0, 1, 1), KS_DAY_NONE);
	assert_int_equal(ks_day_from_ymd(10000, 1, 1), KS_DAY_NONE);
}

static void test_eras(void **state)
{
	(void)state;
	expect_wareki(1989, 1, 7, "昭和64年1月7日");
	expect_wareki(1989, 1, 8, "平成元年1月8日");
	expect_wareki(1990, 1, 1, "平成2年1月1日");
	expect_wareki(2019, 4, 30, "平成31年4月30日");
	expect_wareki(2019, 5, 1, "令和元年5月1日");
	expect_wareki(2020, 1, 1, "令和2年1月1日");
	expect_wareki(2025, 5, 16, "令和7年5月16日");
	expect_wareki(1926, 12, 24, "大正15年12月24日");
	expect_wareki(1926, 12, 25, "昭和元年12月25日");
	expect_wareki(1912, 7, 29, "明治45年7月29日");
	expect_wareki(1912, 7, 30, "大正元年7月30日");
	expect_wareki(1873, 1, 1, "明治6年1月1日");
	/* before the Gregorian calendar was adopted the day is written in ISO */
	expect_wareki(1872, 12, 31, "1872-12-31");
	char buf[40] = "x";
	assert_string_equal(ks_day_wareki(KS_DAY_NONE, buf, sizeof buf), "");
	/* a short buffer is cut, never overrun */
	char small[8];
	ks_day_wareki(ymd(2025, 5, 16), small, sizeof small);
	assert_true(strlen(small) < sizeof small);
}

static void test_iso(void **state)
{
	(void)state;
	char buf[11] = "x";
	assert_string_equal(ks_day_iso(ymd(2025, 5, 1), buf, sizeof buf), "2025-05-01");
	assert_string_equal(ks_day_iso(ymd(1, 1, 1), buf, sizeof buf), "0001-01-01");
	assert_string_equal(ks_day_iso(KS_DAY_NONE, buf, sizeof buf), "");
}

static void test_fiscal_years(void **state)
{
	(void)state;
	assert_int_equal(ks_fiscal_year_of(ymd(2026, 3, 31)), 2025);
	assert_int_equal(ks_fiscal_year_of(ymd(2026, 4, 1)), 2026);
	assert_int_equal(ks_fiscal_year_of(ymd(2025, 4, 1)), 2025);
	assert_int_equal(ks_fiscal_year_of(ymd(2025, 1, 1)), 2024);
	assert_int_equal(ks_fiscal_year_of(ymd(2025, 12, 31)), 2025);
	assert_int_equal(ks_fiscal_year_first(2025), ymd(2025, 4, 1));
	assert_int_equal(ks_fiscal_year_last(2025), ymd(2026, 3, 31));
	assert_int_equal(ks_fiscal_year_last(2027), ymd(2028, 3, 31));
	assert_int_equal(ks_fiscal_year_last(2025) + 1, ks_fiscal_year_first(2026));

	char buf[40];
	assert_string_equal(ks_fiscal_year_wareki(2019, buf, sizeof buf), "令和元年度");
	assert_string_equal(ks_fiscal_year_wareki(2018, buf, sizeof buf), "平成30年度");
	assert_string_equal(ks_fiscal_year_wareki(2025, buf, sizeof buf), "令和7年度");
	assert_string_equal(ks_fiscal_year_wareki(2020, buf, sizeof buf), "令和2年度");
	assert_string_equal(ks_fiscal_year_wareki(1989, buf, sizeof buf), "平成元年度");
	assert_string_equal(ks_fiscal_year_wareki(1988, buf, sizeof buf), "1988");
}

static void test_fiscal_year_parse(void **state)
{
	(void)state;
	assert_int_equal(ks_fiscal_year_parse("2025"), 2025);
	assert_int_equal(ks_fiscal_year_parse("令和7年度"), 2025);
	assert_int_equal(ks_fiscal_year_parse("令和7年"), 2025);
	assert_int_equal(ks_fiscal_year_parse("令和7"), 2025);
	assert_int_equal(ks_fiscal_year_parse("R7"), 2025);
	assert_int_equal(ks_fiscal_year_parse("r7"), 2025);
	assert_int_equal(ks_fiscal_year_parse("令和元年度"), 2019);
	assert_int_equal(ks_fiscal_year_parse("令和10年度"), 2028);
	assert_int_equal(ks_fiscal_year_parse("平成30年度"), 2018);
	assert_int_equal(ks_fiscal_year_parse("H30"), 2018);
	assert_int_equal(ks_fiscal_year_parse("平成元年度"), 1989);
	assert_int_equal(ks_fiscal_year_parse("1989"), 1989);

	static const char *const bad[] = {
		"", "令和", "令和0年度", "R", "R0", "R7x", "令和7年度末", "令和7年度 ", " 2025", "2025年度",
		"20255", "202", "1988", "0000", "平成32年度", "昭和63年度", "S63", "２０２５", "令和七年度",
		"R1234", "2025-04-01", "-2025",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (ks_fiscal_year_parse(bad[i]) != -1)
			fail_msg("'%s' parsed as %d", bad[i], ks_fiscal_year_parse(bad[i]));
	assert_int_equal(ks_fiscal_year_parse(NULL), -1);
}

static void test_day_parse(void **state)
{
	(void)state;
	assert_int_equal(ks_day_parse("2025-02-29"), KS_DAY_NONE);
	assert_int_equal(ks_day_parse("2024-02-29"), ymd(2024, 2, 29));
	assert_int_equal(ks_day_parse("2025-05-16"), 20224);
	static const char *const bad[] = {
		"2025-5-1",   "2025-05-1",  "25-05-01",   "2025/05/01", "2025-05-01T00:00:00Z", "2025-13-01",
		"2025-00-01", "2025-04-31", "0000-01-01", "+025-01-01", "2025-05-0a", " 2025-05-1",
		"",           "2025-05-01 ",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (ks_day_parse(bad[i]) != KS_DAY_NONE)
			fail_msg("'%s' was accepted", bad[i]);
	assert_int_equal(ks_day_parse(NULL), KS_DAY_NONE);
}

static void test_jst(void **state)
{
	(void)state;
	/* 2025-05-15T15:00:00Z is midnight in Tokyo: already the 16th there */
	assert_int_equal(ks_day_from_time((time_t)1747321200), ymd(2025, 5, 16));
	assert_int_equal(ks_day_from_time((time_t)1747321199), ymd(2025, 5, 15));
	assert_int_equal(ks_day_from_time(0), 0);
	assert_int_equal(ks_day_from_time((time_t)-9 * 3600), 0);
	assert_int_equal(ks_day_from_time((time_t)-9 * 3600 - 1), -1); /* before 1970 rounds down */
}

static void test_time_parse(void **state)
{
	(void)state;
	assert_int_equal(ks_time_parse_utc("2025-05-15T15:00:00Z"), 1747321200);
	assert_int_equal(ks_time_parse_utc("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(ks_day_from_time(ks_time_parse_utc("2025-05-15T15:00:00Z")), ymd(2025, 5, 16));
	static const char *const bad[] = {
		"2025-05-15T15:00:00",   "2025-05-15 15:00:00Z", "2025-05-15T24:00:00Z", "2025-05-15T15:60:00Z",
		"2025-05-15T15:00:61Z",  "2025-02-29T00:00:00Z", "2025-05-15T15:00:00+09:00",
		"2025-05-15T15:00:00.5Z", "2025-5-15T15:00:00Z", "2025-05-15T1a:00:00Z", "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (ks_time_parse_utc(bad[i]) != -1)
			fail_msg("'%s' was accepted", bad[i]);
	assert_int_equal(ks_time_parse_utc(NULL), -1);
}

/* Every day of years 1..9999: to_ymd inverts from_ymd, consecutive days are consecutive dates,
 * and ISO text parses back to the same day. */
static void test_round_trips(void **state)
{
	(void)state;
	int py = 1, pm = 1, pd = 0;
	for (ks_day day = ymd(1, 1, 1); day <= ymd(9999, 12, 31); day++) {
		int y, m, d;
		ks_day_to_ymd(day, &y, &m, &d);
		if (ks_day_from_ymd(y, m, d) != day)
			fail_msg("day %d -> %04d-%02d-%02d does not map back", (int)day, y, m, d);
		bool next = (y == py && m == pm && d == pd + 1) || (y == py && m == pm + 1 && d == 1) ||
		            (y == py + 1 && m == 1 && d == 1 && pm == 12);
		if (!next)
			fail_msg("day %d is %04d-%02d-%02d after %04d-%02d-%02d", (int)day, y, m, d, py, pm, pd);
		py = y, pm = m, pd = d;
		if (day % 97 == 0) {
			char buf[11];
			assert_int_equal(ks_day_parse(ks_day_iso(day, buf, sizeof buf)), day);
			assert_int_equal(ks_day_from_time((time_t)day * 86400 - 9 * 3600), day);
			assert_int_equal(ks_day_from_time((time_t)day * 86400 + 15 * 3600 - 1), day);
		}
	}
	assert_int_equal(py, 9999);
	assert_int_equal(pm, 12);
	assert_int_equal(pd, 31);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_days), cmocka_unit_test(test_eras),
		cmocka_unit_test(test_iso),        cmocka_unit_test(test_fiscal_years),
		cmocka_unit_test(test_fiscal_year_parse), cmocka_unit_test(test_day_parse),
		cmocka_unit_test(test_jst),        cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
