/* kenshin entry point: dispatches subcommands and prints help and version. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"Usage: kenshin COMMAND [OPTIONS]\n"
	"\n"
	"Security check-up for the information systems of medical institutions (MHLW checklist).\n"
	"kenshin only reads the system it checks; it never changes it.\n"
	"\n"
	"Commands:\n"
	"  scan       check this host (or an image with --root) against a profile\n"
	"  checklist  merge scan results and people's answers into the facility's MHLW checklist\n"
	"  explain    say why a checklist item matters and how kenshin decides it\n"
	"  facts      print the facts kenshin collects, with their sources\n"
	"  profiles   list the built-in profiles\n"
	"\n"
	"Common options:\n"
	"  -h, --help       help for kenshin or for a command (kenshin scan --help)\n"
	"  -V, --version    print the version\n"
	"\n"
	"Exit status: 0 no item failed, 1 some item failed, 2 usage or runtime error.\n"
	"See kenshin(1).\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return KS_EXIT_ERROR;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return KS_EXIT_OK;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("kenshin %s\n", KS_VERSION);
		return KS_EXIT_OK;
	}
	static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
		{"scan", ks_cli_scan}, {"checklist", ks_cli_checklist}, {"explain", ks_cli_explain}, {"facts", ks_cli_facts},
		{"profiles", ks_cli_profiles},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "kenshin: unknown command '%s'\n\n%s", cmd, usage);
	return KS_EXIT_ERROR;
}
