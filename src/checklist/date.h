/* Calendar days for the checklist: the form is filled in Japan, so dates are days of the Japanese
 * calendar (JST, UTC+9), shown in 和暦 (令和7年5月16日) and kept as ISO 8601 in data. */
#ifndef KS_CL_DATE_H
#define KS_CL_DATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef int32_t ks_day; /* days since 1970-01-01; KS_DAY_NONE when absent */
#define KS_DAY_NONE INT32_MIN

/* Proleptic Gregorian conversions; ks_day_from_ymd returns KS_DAY_NONE for an invalid date. */
ks_day ks_day_from_ymd(int y, int m, int d);
void ks_day_to_ymd(ks_day day, int *y, int *m, int *d);
/* "YYYY-MM-DD" exactly (no time part) -> day; KS_DAY_NONE when malformed or not a real date. */
ks_day ks_day_parse(const char *s);
/* The JST calendar day of a UTC instant. */
ks_day ks_day_from_time(time_t t);
/* Writes "YYYY-MM-DD"; BUF needs 11 bytes. Returns BUF ("" for KS_DAY_NONE). */
char *ks_day_iso(ks_day day, char *buf, size_t len);
/* Writes 和暦 "令和7年5月16日" ("令和元年5月1日" for the first year of an era) from 明治 on;
 * earlier days are written in ISO. Returns BUF ("" for KS_DAY_NONE). BUF needs 40 bytes. */
char *ks_day_wareki(ks_day day, char *buf, size_t len);

/* Japanese fiscal year (年度) N runs from N-04-01 to (N+1)-03-31. */
int ks_fiscal_year_of(ks_day day);
ks_day ks_fiscal_year_first(int fy);
ks_day ks_fiscal_year_last(int fy);
/* "令和7年度" for 2025 ("令和元年度" for 2019; 2018 is "平成30年度"); BUF needs 40 bytes. */
char *ks_fiscal_year_wareki(int fy, char *buf, size_t len);
/* Accepts 2025, "2025", "令和7年度", "令和7", "R7" -> 2025; -1 when not a fiscal year from 1989 on. */
int ks_fiscal_year_parse(const char *s);

/* ISO 8601 UTC instant "YYYY-MM-DDTHH:MM:SSZ" (as kenshin scan writes it) -> time_t; -1 if bad. */
time_t ks_time_parse_utc(const char *s);

#endif
