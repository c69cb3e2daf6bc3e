/* Subcommands of the kenshin command line. Each returns the process exit status:
 * 0 = no item failed, 1 = some item failed, 2 = usage or runtime error. */
#ifndef KS_CLI_H
#define KS_CLI_H

#include <time.h>

#include "catalog/catalog.h"

enum { KS_EXIT_OK = 0, KS_EXIT_FAIL = 1, KS_EXIT_ERROR = 2 };

int ks_cli_scan(int argc, char **argv);
int ks_cli_checklist(int argc, char **argv);
int ks_cli_facts(int argc, char **argv);
int ks_cli_explain(int argc, char **argv);
int ks_cli_profiles(int argc, char **argv);

/* Option values shared by the commands; parse_now prints its own error. Both return 0 or -1. */
int ks_cli_parse_lang(const char *s, ks_lang *out); /* "ja" or "en" */
int ks_cli_parse_now(const char *s, time_t *out);   /* seconds since 1970 */
/* After getopt_long returned '?': says which option of ARGV was wrong. */
void ks_cli_bad_option(char **argv);

/* Report language from LC_ALL, LC_MESSAGES or LANG: Japanese when it starts with "ja". */
ks_lang ks_cli_default_lang(void);

#endif
