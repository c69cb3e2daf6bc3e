/* `kenshin scan` and `kenshin facts`: options, configuration, then collect -> decide -> report. */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/config.h"
#include "collect/collect.h"
#include "core/error.h"
#include "core/limits.h"
#include "profile/registry.h"
#include "report/report.h"
#include "verdict/verdict.h"
#include "verdict/waiver.h"

#define KS_DEFAULT_CONFIG "/etc/kenshin/kenshin.conf"
#define KS_DEFAULT_WAIVERS "/etc/kenshin/waivers.yaml"

static const char scan_usage[] =
	"Usage: kenshin scan [OPTIONS]\n"
	"\n"
	"Checks this host (or the system image under --root) and reports each checklist item with its\n"
	"verdict, the evidence (file:line) and the fix.\n"
	"\n"
	"  -r, --root DIR        scan the system mounted at DIR instead of / (read-only)\n"
	"  -p, --profile NAME    built-in profile or YAML file (default mhlw-r7; see `kenshin profiles`)\n"
	"  -R, --role ROLE       server, terminal or network (default server): items not for the role are n/a\n"
	"  -f, --format FMT      text, json, html or csv (default text)\n"
	"  -o, --output FILE     write the report to FILE instead of standard output\n"
	"  -l, --lang LANG       ja or en (default from the locale)\n"
	"  -s, --set NAME=VALUE  override a profile parameter, e.g. --set dormant_days=120 (repeatable)\n"
	"  -c, --config FILE     settings file (default " KS_DEFAULT_CONFIG ", if present)\n"
	"  -w, --waivers FILE    accepted exceptions (default " KS_DEFAULT_WAIVERS ", if present)\n"
	"      --digest-key-file FILE  key for the digests of password hashes (share it across a fleet\n"
	"                        to compare hosts; default: a random key per scan)\n"
	"      --now EPOCH       evaluate ages as of this time (reproducible reports and tests)\n"
	"  -v, --verbose         text format: every piece of evidence, and informational messages\n"
	"      --color WHEN      auto, always or never (default auto)\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit status: 0 no item failed, 1 some item failed, 2 usage or runtime error.\n";

struct opts {
	const char *root, *profile, *format, *output, *config, *digest_key_file, *color, *waivers;
	unsigned role;
	ks_lang lang;
	bool lang_set, role_set, verbose;
	time_t now;
	const char *sets[64];
	size_t nsets;
	/* from the config file, applied below the command line */
	const char *cfg_sets[64][2];
	int cfg_lines[64];
	size_t ncfg;
};

ks_lang ks_cli_default_lang(void)
{
	const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "ja", 2) == 0 ? KS_LANG_JA : KS_LANG_EN;
	}
	return KS_LANG_EN;
}

void ks_cli_bad_option(char **argv)
{
	if (optopt)
		fprintf(stderr, "kenshin: option -%c needs a value or is unknown (see --help)\n", optopt);
	else
		fprintf(stderr, "kenshin: unknown option '%s' (see --help)\n", argv[optind - 1]);
}

int ks_cli_parse_now(const char *s, time_t *out)
{
	char *end;
	errno = 0;
	long long t = strtoll(s, &end, 10);
	if (errno || end == s || *end || t < 0) {
		fprintf(stderr, "kenshin: --now expects seconds since 1970, got '%s'\n", s);
		return -1;
	}
	*out = (time_t)t;
	return 0;
}

int ks_cli_parse_lang(const char *s, ks_lang *out)
{
	if (strcmp(s, "ja") == 0)
		*out = KS_LANG_JA;
	else if (strcmp(s, "en") == 0)
		*out = KS_LANG_EN;
	else
		return -1;
	return 0;
}

static int config_setting(void *ud, const char *key, const char *value, int line, char *err, size_t errlen)
{
	struct opts *o = ud;
	if (strcmp(key, "role") == 0) {
		int r = ks_target_parse(value);
		if (r < 0) {
			snprintf(err, errlen, "line %d: role must be server, terminal or network", line);
			return KS_EUSAGE;
		}
		if (!o->role_set)
			o->role = (unsigned)r;
		return 0;
	}
	if (strcmp(key, "lang") == 0) {
		ks_lang l;
		if (ks_cli_parse_lang(value, &l) < 0) {
			snprintf(err, errlen, "line %d: lang must be ja or en", line);
			return KS_EUSAGE;
		}
		if (!o->lang_set) {
			o->lang = l;
			o->lang_set = true;
		}
		return 0;
	}
	char *v = strdup(value);
	if (!v)
		return KS_ENOMEM;
	if (strcmp(key, "profile") == 0) {
		if (!o->profile)
			o->profile = v;
		else
			free(v);
		return 0;
	}
	if (strcmp(key, "waivers") == 0) {
		if (!o->waivers)
			o->waivers = v;
		else
			free(v);
		return 0;
	}
	if (strcmp(key, "digest_key_file") == 0) {
		if (!o->digest_key_file)
			o->digest_key_file = v;
		else
			free(v);
		return 0;
	}
	if (o->ncfg == 64) {
		free(v);
		snprintf(err, errlen, "line %d: too many settings", line);
		return KS_ELIMIT;
	}
	o->cfg_sets[o->ncfg][0] = strdup(key);
	o->cfg_sets[o->ncfg][1] = v;
	o->cfg_lines[o->ncfg++] = line;
	return 0;
}

static int load_config(struct opts *o)
{
	const char *path = o->config ? o->config : KS_DEFAULT_CONFIG;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (!o->config && errno == ENOENT)
			return 0;
		fprintf(stderr, "kenshin: %s: %s\n", path, strerror(errno));
		return -1;
	}
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char err[512];
	if (ks_config_parse(path, buf, n, config_setting, o, err, sizeof err) < 0) {
		fprintf(stderr, "kenshin: %s%s%s\n", strncmp(err, path, strlen(path)) ? path : "",
		        strncmp(err, path, strlen(path)) ? ": " : "", err);
		return -1;
	}
	return 0;
}

static int load_digest_key(const char *path, unsigned char key[KS_DIGEST_KEY_BYTES])
{
	if (!path) {
		randombytes_buf(key, KS_DIGEST_KEY_BYTES);
		return 0;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "kenshin: %s: %s\n", path, strerror(errno));
		return -1;
	}
	unsigned char buf[4096];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (n < 16) {
		fprintf(stderr, "kenshin: %s: a digest key needs at least 16 bytes of secret\n", path);
		return -1;
	}
	/* Any length of key material is condensed to the 32-byte BLAKE2b key. */
	crypto_generichash(key, KS_DIGEST_KEY_BYTES, buf, n, NULL, 0);
	sodium_memzero(buf, sizeof buf);
	return 0;
}

static void free_opts(struct opts *o)
{
	for (size_t i = 0; i < o->ncfg; i++) {
		free((void *)o->cfg_sets[i][0]);
		free((void *)o->cfg_sets[i][1]);
	}
}

/* Parses options shared by scan and facts. Returns -1 on a usage error, 1 for --help. */
static int parse_opts(int argc, char **argv, struct opts *o, const char *usage)
{
	static const struct option longopts[] = {
		{"root", required_argument, 0, 'r'}, {"profile", required_argument, 0, 'p'},
		{"role", required_argument, 0, 'R'}, {"format", required_argument, 0, 'f'},
		{"output", required_argument, 0, 'o'}, {"lang", required_argument, 0, 'l'},
		{"set", required_argument, 0, 's'}, {"config", required_argument, 0, 'c'},
		{"digest-key-file", required_argument, 0, 'K'}, {"now", required_argument, 0, 'N'},
		{"verbose", no_argument, 0, 'v'}, {"color", required_argument, 0, 'C'},
		{"waivers", required_argument, 0, 'w'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
	};
	memset(o, 0, sizeof *o);
	o->root = "/";
	o->role = KS_TARGET_SERVER;
	o->lang = ks_cli_default_lang();
	o->format = "text";
	o->color = "auto";
	o->now = time(NULL);
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "r:p:R:f:o:l:s:c:w:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->root = optarg; break;
		case 'p': o->profile = optarg; break;
		case 'R': {
			int r = ks_target_parse(optarg);
			if (r < 0) {
				fprintf(stderr, "kenshin: --role must be server, terminal or network, not '%s'\n", optarg);
				return -1;
			}
			o->role = (unsigned)r;
			o->role_set = true;
			break;
		}
		case 'f': o->format = optarg; break;
		case 'o': o->output = optarg; break;
		case 'l':
			if (ks_cli_parse_lang(optarg, &o->lang) < 0) {
				fprintf(stderr, "kenshin: --lang must be ja or en, not '%s'\n", optarg);
				return -1;
			}
			o->lang_set = true;
			break;
		case 's':
			if (!strchr(optarg, '=') || o->nsets == 64) {
				fprintf(stderr, "kenshin: --set expects NAME=VALUE, got '%s'\n", optarg);
				return -1;
			}
			o->sets[o->nsets++] = optarg;
			break;
		case 'c': o->config = optarg; break;
		case 'w': o->waivers = optarg; break;
		case 'K': o->digest_key_file = optarg; break;
		case 'N':
			if (ks_cli_parse_now(optarg, &o->now) < 0)
				return -1;
			break;
		case 'v': o->verbose = true; break;
		case 'C':
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
				fprintf(stderr, "kenshin: --color must be auto, always or never\n");
				return -1;
			}
			o->color = optarg;
			break;
		case 'h': fputs(usage, stdout); return 1;
		default:
			ks_cli_bad_option(argv);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kenshin: unexpected argument '%s' (see --help)\n", argv[optind]);
		return -1;
	}
	return 0;
}

struct scan {
	ks_collect_ctx ctx;
	ks_profile *profile;
	double ms;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Sets up the context, applies configuration, and runs every collector. */
static int run_collect(struct opts *o, struct scan *s, bool need_profile)
{
	char err[1024];
	double t0 = now_ms();
	memset(s, 0, sizeof *s);
	if (sodium_init() < 0) {
		fputs("kenshin: libsodium failed to initialise\n", stderr);
		return -1;
	}
	if (load_config(o) < 0)
		return -1;
	s->ctx.arena = ks_arena_new();
	if (!s->ctx.arena)
		return -1;
	if (need_profile) {
		const char *pname = o->profile ? o->profile : "mhlw-r7";
		if (ks_profile_open(s->ctx.arena, pname, &s->profile, err, sizeof err) < 0) {
			fprintf(stderr, "kenshin: %s\n", err);
			return -1;
		}
		if (ks_profile_set_role(s->ctx.arena, s->profile, ks_target_name(o->role)) < 0)
			return -1;
		for (size_t i = 0; i < o->ncfg; i++)
			if (ks_profile_set_param(s->ctx.arena, s->profile, o->cfg_sets[i][0], o->cfg_sets[i][1], err,
			                         sizeof err) < 0) {
				fprintf(stderr, "kenshin: %s:%d: %s\n", o->config ? o->config : KS_DEFAULT_CONFIG,
				        o->cfg_lines[i], err);
				return -1;
			}
		for (size_t i = 0; i < o->nsets; i++) {
			char name[128];
			const char *eq = strchr(o->sets[i], '=');
			snprintf(name, sizeof name, "%.*s", (int)(eq - o->sets[i]), o->sets[i]);
			if (ks_profile_set_param(s->ctx.arena, s->profile, name, eq + 1, err, sizeof err) < 0) {
				fprintf(stderr, "kenshin: --set %s: %s\n", o->sets[i], err);
				return -1;
			}
		}
	}
	int rc = ks_rootfs_open(&s->ctx.root, o->root);
	if (rc < 0) {
		fprintf(stderr, "kenshin: --root %s: %s\n", o->root, ks_strerror(rc));
		return -1;
	}
	if (load_digest_key(o->digest_key_file, s->ctx.digest_key) < 0)
		return -1;
	s->ctx.facts = ks_facts_new(s->ctx.arena);
	s->ctx.diags = ks_diags_new(s->ctx.arena);
	s->ctx.now = o->now;
	s->ctx.live = ks_rootfs_is_live(s->ctx.root);
	if (!s->ctx.facts || !s->ctx.diags || ks_collect_all(&s->ctx) < 0) {
		fputs("kenshin: out of memory\n", stderr);
		return -1;
	}
	s->ms = now_ms() - t0;
	return 0;
}

/* Waivers come from --waivers, the config's `waivers`, or KS_DEFAULT_WAIVERS when it exists. A
 * waiver file that is named but broken stops the scan: silently ignoring it would hide exceptions. */
static int load_waivers(struct opts *o, struct scan *s, ks_waivers *out)
{
	const char *path = o->waivers ? o->waivers : KS_DEFAULT_WAIVERS;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (!o->waivers && errno == ENOENT)
			return 0;
		fprintf(stderr, "kenshin: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *buf = ks_arena_alloc(s->ctx.arena, KS_MAX_CONFIG_BYTES + 1);
	size_t n = buf ? fread(buf, 1, KS_MAX_CONFIG_BYTES, f) : 0;
	fclose(f);
	if (!buf)
		return -1;
	char err[1024];
	/* One waivers file may serve several profiles: ids are checked against every catalog, plus
	 * the profile's own (a custom profile's catalog need not be built in). */
	const ks_catalog **cats;
	size_t ncats = ks_catalog_builtins(s->ctx.arena, &cats);
	if (!cats)
		return -1;
	cats[ncats] = s->profile->catalog; /* ks_catalog_builtins leaves room for one more */
	if (ks_waivers_load(s->ctx.arena, path, buf, n, cats, ncats + 1, out, err, sizeof err) < 0) {
		fprintf(stderr, "kenshin: %s\n", err);
		return -1;
	}
	return 0;
}

static void free_scan(struct scan *s)
{
	sodium_memzero(s->ctx.digest_key, sizeof s->ctx.digest_key);
	ks_rootfs_close(s->ctx.root);
	ks_arena_free(s->ctx.arena);
}

static FILE *open_output(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "kenshin: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

static int close_output(FILE *f, const char *path)
{
	if (f == stdout)
		return fflush(f) == 0 ? 0 : -1;
	if (fclose(f) != 0) {
		fprintf(stderr, "kenshin: writing %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int ks_cli_scan(int argc, char **argv)
{
	struct opts o;
	int prc = parse_opts(argc, argv, &o, scan_usage);
	if (prc != 0)
		return prc > 0 ? KS_EXIT_OK : KS_EXIT_ERROR;
	int (*render)(const ks_report *, FILE *) = NULL;
	if (strcmp(o.format, "text") == 0)
		render = ks_report_render_text;
	else if (strcmp(o.format, "json") == 0)
		render = ks_report_render_json;
	else if (strcmp(o.format, "html") == 0)
		render = ks_report_render_html;
	else if (strcmp(o.format, "csv") == 0)
		render = ks_report_render_csv;
	else {
		fprintf(stderr, "kenshin: --format must be text, json, html or csv, not '%s'\n", o.format);
		return KS_EXIT_ERROR;
	}
	struct scan s;
	int status = KS_EXIT_ERROR;
	if (run_collect(&o, &s, true) < 0)
		goto out;
	double t0 = now_ms();
	ks_verdicts verdicts;
	if (ks_verdict_decide_all(s.ctx.arena, s.profile, s.ctx.facts, o.role, &verdicts) < 0) {
		fputs("kenshin: out of memory\n", stderr);
		goto out;
	}
	ks_waivers waivers = {0};
	if (load_waivers(&o, &s, &waivers) < 0)
		goto out;
	ks_waivers_apply(&waivers, ks_fact_get(s.ctx.facts, "host.hostname") &&
	                               ks_fact_get(s.ctx.facts, "host.hostname")->value.type == KS_VAL_STR
	                           ? ks_fact_get(s.ctx.facts, "host.hostname")->value.u.str.s
	                           : "",
	                 o.now, &verdicts);
	FILE *out = open_output(o.output);
	if (!out)
		goto out;
	bool tty = out == stdout && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	ks_report rep = {
		.profile = s.profile, .verdicts = &verdicts, .facts = s.ctx.facts, .diags = s.ctx.diags,
		.lang = o.lang, .scanned_at = o.now, .root = o.root, .as_root = geteuid() == 0,
		.duration_ms = s.ms + (now_ms() - t0), .verbose = o.verbose,
		.color = strcmp(o.color, "always") == 0 || (strcmp(o.color, "auto") == 0 && tty),
	};
	int rrc = render(&rep, out);
	if (close_output(out, o.output) < 0 || rrc < 0) {
		if (rrc < 0)
			fprintf(stderr, "kenshin: writing the report failed: %s\n", ks_strerror(rrc));
		goto out;
	}
	status = KS_EXIT_OK;
	for (size_t i = 0; i < verdicts.n; i++)
		if (verdicts.items[i].kind == KS_VERDICT_FAIL)
			status = KS_EXIT_FAIL;
out:
	free_scan(&s);
	free_opts(&o);
	return status;
}

static const char facts_usage[] =
	"Usage: kenshin facts [--root DIR] [--format text|json] [--now EPOCH] [-o FILE]\n"
	"\n"
	"Prints every fact the collectors produce, with its source file and line or why it is unknown.\n"
	"Useful to write custom profiles (see docs/facts.md).\n";

int ks_cli_facts(int argc, char **argv)
{
	struct opts o;
	int prc = parse_opts(argc, argv, &o, facts_usage);
	if (prc != 0)
		return prc > 0 ? KS_EXIT_OK : KS_EXIT_ERROR;
	if (strcmp(o.format, "text") != 0 && strcmp(o.format, "json") != 0) {
		fprintf(stderr, "kenshin: facts --format must be text or json\n");
		return KS_EXIT_ERROR;
	}
	struct scan s;
	int status = KS_EXIT_ERROR;
	if (run_collect(&o, &s, false) == 0) {
		FILE *out = open_output(o.output);
		if (out) {
			int rc = strcmp(o.format, "json") == 0 ? ks_report_facts_json(s.ctx.facts, out)
			                                        : ks_report_facts_text(s.ctx.facts, s.ctx.arena, out);
			if (close_output(out, o.output) == 0 && rc == 0)
				status = KS_EXIT_OK;
		}
	}
	free_scan(&s);
	free_opts(&o);
	return status;
}

int ks_cli_profiles(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; ks_profile_builtin(i); i++)
		puts(ks_profile_builtin(i));
	return KS_EXIT_OK;
}
