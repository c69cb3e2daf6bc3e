/* Calendar arithmetic for the checklist (days from civil dates after H. Hinnant's well-known
 * algorithm), 和暦 and fiscal years. */
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ks_day ks_day_from_ymd(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return KS_DAY_NONE;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return KS_DAY_NONE;
	y -= m <= 2;
	int era = y / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ks_day_to_ymd(ks_day day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

ks_day ks_day_parse(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return KS_DAY_NONE;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0)
		return KS_DAY_NONE;
	return ks_day_from_ymd(y, m, d);
}

ks_day ks_day_from_time(time_t t)
{
	long long s = (long long)t + 9 * 3600; /* JST has no daylight saving time */
	long long q = s / 86400;
	if (s % 86400 < 0)
		q--;
	return (ks_day)q;
}

char *ks_day_iso(ks_day day, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = 0;
	if (day == KS_DAY_NONE)
		return buf;
	int y, m, d;
	ks_day_to_ymd(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
	return buf;
}

/* Eras from their first day (the day the new name took effect) and the Gregorian year of their
 * first year (元年), which differ only for 明治: it began in 1868, but days are written in 和暦
 * only from the adoption of the Gregorian calendar on 明治6年1月1日. */
static const struct era {
	int y, m, d;
	int year1;
	const char *name;
} eras[] = {
	{2019, 5, 1, 2019, "令和"}, {1989, 1, 8, 1989, "平成"}, {1926, 12, 25, 1926, "昭和"},
	{1912, 7, 30, 1912, "大正"}, {1873, 1, 1, 1868, "明治"},
};

static const struct era *era_of(ks_day day)
{
	for (size_t i = 0; i < sizeof eras / sizeof eras[0]; i++)
		if (day >= ks_day_from_ymd(eras[i].y, eras[i].m, eras[i].d))
			return &eras[i];
	return NULL;
}

static void era_year(char *buf, size_t len, const char *name, int n)
{
	if (n == 1)
		snprintf(buf, len, "%s元年", name);
	else
		snprintf(buf, len, "%s%d年", name, n);
}

char *ks_day_wareki(ks_day day, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = 0;
	if (day == KS_DAY_NONE)
		return buf;
	const struct era *e = era_of(day);
	if (!e)
		return ks_day_iso(day, buf, len);
	int y, m, d;
	ks_day_to_ymd(day, &y, &m, &d);
	char year[32];
	era_year(year, sizeof year, e->name, y - e->year1 + 1);
	snprintf(buf, len, "%s%d月%d日", year, m, d);
	return buf;
}

int ks_fiscal_year_of(ks_day day)
{
	int y, m, d;
	ks_day_to_ymd(day, &y, &m, &d);
	return m >= 4 ? y : y - 1;
}

ks_day ks_fiscal_year_first(int fy)
{
	return ks_day_from_ymd(fy, 4, 1);
}

ks_day ks_fiscal_year_last(int fy)
{
	return ks_day_from_ymd(fy + 1, 3, 31);
}

char *ks_fiscal_year_wareki(int fy, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	/* A fiscal year is named after the era in force on its first day, except that FY2019 (which
	 * began in 平成31年) is by custom called 令和元年度. */
	const char *name = fy >= 2019 ? "令和" : fy >= 1989 ? "平成" : NULL;
	if (!name) {
		snprintf(buf, len, "%d", fy);
		return buf;
	}
	char year[32];
	era_year(year, sizeof year, name, fy >= 2019 ? fy - 2018 : fy - 1988);
	snprintf(buf, len, "%s度", year);
	return buf;
}

int ks_fiscal_year_parse(const char *s)
{
	if (!s || !*s)
		return -1;
	size_t n = strlen(s);
	int v = -1;
	if (n == 4 && digits(s, 4) >= 0) {
		v = digits(s, 4);
	} else {
		const char *p = NULL;
		int base = 0;
		if (strncmp(s, "令和", strlen("令和")) == 0)
			p = s + strlen("令和"), base = 2018;
		else if (strncmp(s, "平成", strlen("平成")) == 0)
			p = s + strlen("平成"), base = 1988;
		else if (s[0] == 'R' || s[0] == 'r')
			p = s + 1, base = 2018;
		else if (s[0] == 'H' || s[0] == 'h')
			p = s + 1, base = 1988;
		if (!p)
			return -1;
		int k;
		size_t nd = 0;
		if (strncmp(p, "元", strlen("元")) == 0) {
			k = 1;
			nd = strlen("元");
		} else {
			k = 0;
			while (p[nd] >= '0' && p[nd] <= '9' && nd < 3)
				k = k * 10 + (p[nd++] - '0');
			if (nd == 0 || k == 0)
				return -1;
		}
		const char *rest = p + nd;
		if (*rest && strcmp(rest, "年度") != 0 && strcmp(rest, "年") != 0)
			return -1;
		v = base + k;
		if (base == 1988 && v > 2019)
			return -1; /* 平成 ended in its 31st year */
	}
	return v >= 1989 && v <= 9998 ? v : -1;
}

time_t ks_time_parse_utc(const char *s)
{
	/* YYYY-MM-DDTHH:MM:SSZ */
	if (!s || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -1;
	char date[11];
	memcpy(date, s, 10);
	date[10] = 0;
	ks_day day = ks_day_parse(date);
	int hh = digits(s + 11, 2), mm = digits(s + 14, 2), ss = digits(s + 17, 2);
	if (day == KS_DAY_NONE || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return -1;
	return (time_t)day * 86400 + hh * 3600 + mm * 60 + ss;
}
