/* `kenshin explain ITEM`: why an item matters and how kenshin decides it, from the data files. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "profile/registry.h"

static const char explain_usage[] =
	"Usage: kenshin explain ITEM [--profile NAME] [--lang ja|en]\n"
	"\n"
	"ITEM is a checklist number such as 2-7 (also accepted: 2-⑦ or 2.7).\n"
	"`kenshin explain --list` lists the items.\n";

/* Accepts "2-7", "2.7", "2-⑦" (circled digits are U+2460.. in UTF-8: E2 91 A0+n-1). */
static void normalise(const char *in, char *out, size_t len)
{
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && k + 3 < len; p++) {
		if (p[0] == 0xE2 && p[1] == 0x91 && p[2] >= 0xA0 && p[2] <= 0xB3) {
			k += (size_t)snprintf(out + k, len - k, "%d", p[2] - 0xA0 + 1);
			p += 2;
		} else {
			out[k++] = *p == '.' ? '-' : (char)*p;
		}
	}
	out[k] = '\0';
}

int ks_cli_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"profile", required_argument, 0, 'p'}, {"lang", required_argument, 0, 'l'},
		{"list", no_argument, 0, 'L'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
	};
	const char *pname = "mhlw-r7";
	ks_lang lang = ks_cli_default_lang();
	bool list = false;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "p:l:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': pname = optarg; break;
		case 'l':
			if (strcmp(optarg, "ja") != 0 && strcmp(optarg, "en") != 0) {
				fputs("kenshin: --lang must be ja or en\n", stderr);
				return KS_EXIT_ERROR;
			}
			lang = optarg[0] == 'j' ? KS_LANG_JA : KS_LANG_EN;
			break;
		case 'L': list = true; break;
		case 'h': fputs(explain_usage, stdout); return KS_EXIT_OK;
		default: fputs(explain_usage, stderr); return KS_EXIT_ERROR;
		}
	}
	if (!list && optind + 1 != argc) {
		fputs(explain_usage, stderr);
		return KS_EXIT_ERROR;
	}
	ks_arena *a = ks_arena_new();
	ks_profile *p;
	char err[1024];
	int status = KS_EXIT_ERROR;
	if (!a || ks_profile_open(a, pname, &p, err, sizeof err) < 0) {
		fprintf(stderr, "kenshin: %s\n", a ? err : "out of memory");
		goto out;
	}
	const bool ja = lang == KS_LANG_JA;
	if (list) {
		for (size_t i = 0; i < p->nrules; i++)
			printf("%-5s %s\n", p->rules[i].item->id, ks_text_get(&p->rules[i].item->title, lang));
		status = KS_EXIT_OK;
		goto out;
	}
	char id[64];
	normalise(argv[optind], id, sizeof id);
	const ks_rule *r = ks_profile_rule(p, id);
	if (!r) {
		fprintf(stderr, "kenshin: no item '%s' in profile %s (try `kenshin explain --list`)\n", argv[optind],
		        p->name);
		goto out;
	}
	const ks_item *it = r->item;
	printf("%s  %s\n", it->label, ks_text_get(&it->title, lang));
	printf("%s: ", ja ? "対象" : "Applies to");
	if (!it->targets)
		fputs(ja ? "組織（機器によらない）" : "the organisation (no device)", stdout);
	for (unsigned b = 1, first = 1; b <= KS_TARGET_NETWORK; b <<= 1)
		if (it->targets & b) {
			printf("%s%s", first ? "" : ", ", ks_target_name(b));
			first = 0;
		}
	putchar('\n');
	if (it->nreferences) {
		printf("%s: ", ja ? "ガイドライン第6.0版" : "Guideline 6.0");
		for (size_t i = 0; i < it->nreferences; i++)
			printf("%s%s", i ? ", " : "", it->references[i]);
		putchar('\n');
	}
	printf("\n%s\n  %s\n", ja ? "なぜ重要か" : "Why it matters", ks_text_get(&it->why, lang));
	printf("\n%s\n", ja ? "kenshin の判定方法" : "How kenshin decides");
	const char *method = ks_text_get(&r->method, lang);
	if (*method)
		printf("  %s\n", method);
	else
		printf("  %s\n", ja ? "ホストからは判定できないため手動確認とし、次の問いを示します。"
		                    : "A host cannot show this, so kenshin marks it manual and asks:");
	if (r->fail_if_src)
		printf("  fail_if: %s\n", r->fail_if_src);
	if (r->pass_if_src)
		printf("  pass_if: %s\n", r->pass_if_src);
	const char *q = ks_text_get(&it->question, lang);
	if (*q)
		printf("\n%s\n  %s\n", ja ? "確認すること" : "What to confirm", q);
	const char *fix = ks_text_get(&r->remediation, lang);
	if (*fix)
		printf("\n%s\n  %s\n", ja ? "対策" : "How to fix", fix);
	for (size_t i = 0; i < p->nparam_docs; i++) {
		const ks_value *v = ks_record_get(&p->params, p->param_docs[i].name);
		char *vs = ks_value_format(a, v);
		bool used = (r->fail_if_src && strstr(r->fail_if_src, p->param_docs[i].name)) ||
		            (r->pass_if_src && strstr(r->pass_if_src, p->param_docs[i].name));
		if (used)
			printf("\n$%s = %s  (%s)\n", p->param_docs[i].name, vs ? vs : "?",
			       ks_text_get(&p->param_docs[i].help, lang));
	}
	status = KS_EXIT_OK;
out:
	ks_arena_free(a);
	return status;
}
