/* The checklist HTML page: summary before the form and the items, the 3x3 view after them, failing
 * hosts named with their evidence, capped host lists, and every hostile string escaped (checked by
 * walking every tag of the page, not only by searching for a few words). */
#include "support.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/checklist.h"

#define EVIL_HOST "<script>document.title='PWNED'</script>"
#define EVIL_IMG "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
#define EVIL_QUOTE "\"><b onmouseover=\"x\">'"

/* Catalog order: 1-1 (organisational), 2-6 (every category), 2-11 (servers), 2-12 (servers and
 * terminals), 3-1 (organisational). */
enum { I11, I26, I211, I212, I31, NITEMS };

struct fx {
	ks_catalog cat;
	ks_section sections[3];
	ks_item items[NITEMS];
	ks_answers ans;
	ks_item_answer answers[3];
	ks_answer_doc docs[1];
	ks_practice practice;
	ks_cl_host hosts[3];
	ks_cl_result results[3][NITEMS];
	ks_cl_evidence ev_fail[2], ev_unknown[1], ev_pass[1];
	ks_cl_waiver waiver;
	const ks_cl_host *hostv[3];
	const ks_cl_host *fail26[1], *unknown212[1], *waived211[1];
	ks_cl_waiver_use wuse[1];
	const ks_cl_item *mx_items[KS_CELLS][NITEMS];
	const ks_practice *mx_pr[1];
	ks_checklist cl;
};

static const char *refs26[] = {"システム運用編 11.1"};

static void set_cell(ks_cl_cell *c, size_t nhosts, size_t pass, size_t fail, size_t unknown, size_t waived, ks_mark m)
{
	c->applies = true;
	c->nhosts = nhosts;
	c->counts[KS_VERDICT_PASS] = pass;
	c->counts[KS_VERDICT_FAIL] = fail;
	c->counts[KS_VERDICT_UNKNOWN] = unknown;
	c->counts[KS_VERDICT_WAIVED] = waived;
	c->nfail = fail;
	c->nunknown = unknown;
	c->nwaived = waived;
	c->mark = m;
	c->oldest_scan = 1763769600;
}

static struct fx *fixture(void)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->sections[0] = (ks_section){1, {"安全管理の体制づくり", "Organisation"}};
	f->sections[1] = (ks_section){2, {"医療情報システムの管理と運用", "Systems"}};
	f->sections[2] = (ks_section){3, {"インシデント発生に備えた対応", "Incidents"}};
	const unsigned all = KS_TARGET_SERVER | KS_TARGET_TERMINAL | KS_TARGET_NETWORK;
	const unsigned both = KS_FORM_FACILITY | KS_FORM_VENDOR;
	f->items[I11] = (ks_item){.id = "1-1", .label = "1-①", .section = 1,
	                          .title = {"責任者を置いている。", "A manager is appointed."},
	                          .question = {"責任者は決まっているか。", "Is there a manager?"},
	                          .forms = both, .controls = 1u << 2};
	f->items[I26] = (ks_item){.id = "2-6", .label = "2-⑥", .section = 2,
	                          .title = {"更新を適用している。", "Updates are applied."},
	                          .targets = all, .forms = both, .controls = 1u << 5,
	                          .references = refs26, .nreferences = 1};
	f->items[I211] = (ks_item){.id = "2-11", .label = "2-⑪", .section = 2,
	                           .title = {"ログを保管している。", "Logs are kept."},
	                           .targets = KS_TARGET_SERVER, .forms = both, .controls = 1u << 4};
	f->items[I212] = (ks_item){.id = "2-12", .label = "2-⑫", .section = 2,
	                           .title = {"マルウェア対策をしている。", "Anti-malware runs."},
	                           .targets = KS_TARGET_SERVER | KS_TARGET_TERMINAL, .forms = both,
	                           .controls = 1u << 5};
	f->items[I31] = (ks_item){.id = "3-1", .label = "3-①", .section = 3,
	                          .title = {"連絡体制図がある。", "There is a contact chart."},
	                          .question = {"連絡体制図はあるか。", "Is there a chart?"},
	                          .forms = KS_FORM_FACILITY, .controls = (1u << 1) | (1u << 7)};
	f->cat = (ks_catalog){.name = "mhlw-r7", .edition = "令和7年度 (FY2025)",
	                      .title = {"医療機関におけるサイバーセキュリティ対策チェックリスト", "Checklist"},
	                      .sections = f->sections, .nsections = 3, .items = f->items, .nitems = NITEMS};

	f->docs[0] = (ks_answer_doc){"規程 " EVIL_IMG, "v1" EVIL_QUOTE, "棚 " EVIL_HOST};
	f->answers[0] = (ks_item_answer){.item = "1-1", .answer = KS_ANSWER_YES,
	                                 .confirmed = ks_day_from_ymd(2026, 11, 1), .target = KS_DAY_NONE,
	                                 .confirmed_by = "担当 " EVIL_QUOTE, .docs = f->docs, .ndocs = 1,
	                                 .note = "備考 " EVIL_HOST EVIL_IMG};
	/* People say はい to 2-6, which a server fails: a conflict. */
	f->answers[1] = (ks_item_answer){.item = "2-6", .answer = KS_ANSWER_YES,
	                                 .confirmed = KS_DAY_NONE, .target = KS_DAY_NONE};
	f->answers[2] = (ks_item_answer){.item = "2-12", .answer = KS_ANSWER_NONE,
	                                 .confirmed = KS_DAY_NONE, .target = ks_day_from_ymd(2027, 3, 31)};
	f->practice = (ks_practice){.cell = 8, .description = "研修 " EVIL_IMG,
	                            .confirmed = ks_day_from_ymd(2026, 10, 1)};
	f->ans = (ks_answers){.path = "answers.yaml", .facility_name = "病院 " EVIL_HOST,
	                      .facility_type = KS_FACILITY_HOSPITAL, .fiscal_year = 2026,
	                      .confirmer_name = "確認 " EVIL_IMG, .confirmer_title = "title" EVIL_QUOTE,
	                      .has_system = true, .max_result_age_days = 30, .items = f->answers,
	                      .nitems = 3, .practices = &f->practice, .npractices = 1};

	/* Hosts: srv-a (server), EVIL_HOST (server, stale), EVIL_IMG (terminal). */
	const char *names[3] = {"srv-a", EVIL_HOST, EVIL_IMG};
	const unsigned roles[3] = {KS_TARGET_SERVER, KS_TARGET_SERVER, KS_TARGET_TERMINAL};
	for (int h = 0; h < 3; h++) {
		f->hosts[h] = (ks_cl_host){.file = h == 2 ? "results/" EVIL_QUOTE ".json" : "results/h.json",
		                           .hostname = names[h], .role = roles[h], .scanned_at = 1763769600,
		                           .scanned_at_text = "2025-11-22T00:00:00Z", .results = f->results[h],
		                           .nresults = NITEMS, .stale = h == 1};
		for (int i = 0; i < NITEMS; i++)
			f->results[h][i] = (ks_cl_result){.present = true, .verdict = KS_VERDICT_PASS,
			                                  .evidence = f->ev_pass, .nevidence = 1};
		f->hostv[h] = &f->hosts[h];
	}
	f->ev_pass[0] = (ks_cl_evidence){"pass.fact", "true", "/etc/ok", NULL};
	f->ev_fail[0] = (ks_cl_evidence){"apt.pending_security", "\"" EVIL_IMG "\"", "/var/lib/" EVIL_HOST, "note " EVIL_QUOTE};
	f->ev_fail[1] = (ks_cl_evidence){"apt.last_update_days", "412", "/var/log/apt/history.log", NULL};
	f->ev_unknown[0] = (ks_cl_evidence){"clamav.running", "null", NULL, "unreadable " EVIL_IMG};
	f->results[1][I26] = (ks_cl_result){.present = true, .verdict = KS_VERDICT_FAIL, .evidence = f->ev_fail, .nevidence = 2};
	f->results[0][I212] = (ks_cl_result){.present = true, .verdict = KS_VERDICT_UNKNOWN, .evidence = f->ev_unknown, .nevidence = 1};
	f->waiver = (ks_cl_waiver){.item = "2-11", .host = "srv-*", .justification = "理由 " EVIL_HOST,
	                           .approver = "承認 " EVIL_IMG, .expires = "2027-03-31", .source = "waivers.yaml:3",
	                           .verdict_without = KS_VERDICT_FAIL};
	f->results[0][I211] = (ks_cl_result){.present = true, .verdict = KS_VERDICT_WAIVED, .evidence = f->ev_fail,
	                                     .nevidence = 1, .waiver = &f->waiver};

	ks_checklist *cl = &f->cl;
	cl->catalog = &f->cat;
	cl->answers = &f->ans;
	cl->form = KS_FORM_FACILITY;
	cl->now = 1763769600 + 86400 * 365;
	cl->today = ks_day_from_ymd(2026, 11, 22);
	cl->hosts = f->hostv;
	cl->nhosts = 3;
	cl->ncategory[0] = 2;
	cl->ncategory[1] = 1;
	cl->nstale_hosts = 1;
	cl->oldest_scan = cl->newest_scan = 1763769600;
	static ks_cl_item items[NITEMS];
	memset(items, 0, sizeof items);
	cl->items = items;
	cl->nitems = NITEMS;
	for (int i = 0; i < NITEMS; i++) {
		items[i].item = &f->items[i];
		items[i].on_form = true;
		items[i].confirmed = ks_day_from_ymd(2025, 11, 22);
		items[i].target = KS_DAY_NONE;
		for (int c = 0; c < KS_CATEGORIES; c++)
			items[i].cells[c].mark = KS_MARK_NA;
	}
	items[I11].needs_people = true;
	items[I11].answer = &f->answers[0];
	items[I11].mark = KS_MARK_YES;
	items[I11].measured_mark = KS_MARK_NA;

	f->fail26[0] = &f->hosts[1];
	set_cell(&items[I26].cells[0], 2, 1, 1, 0, 0, KS_MARK_NO);
	items[I26].cells[0].fail = f->fail26;
	items[I26].cells[0].nstale = 1;
	set_cell(&items[I26].cells[1], 1, 1, 0, 0, 0, KS_MARK_YES);
	items[I26].cells[2] = (ks_cl_cell){.applies = true, .mark = KS_MARK_NOHOST};
	items[I26].answer = &f->answers[1];
	items[I26].measured = true;
	items[I26].mark = items[I26].measured_mark = KS_MARK_NO;
	items[I26].conflict = true;
	items[I26].target_missing = true;
	items[I26].nstale = 1;

	f->waived211[0] = &f->hosts[0];
	set_cell(&items[I211].cells[0], 2, 1, 0, 0, 1, KS_MARK_YES);
	items[I211].cells[0].waived = f->waived211;
	items[I211].measured = items[I211].waived = true;
	items[I211].mark = items[I211].measured_mark = KS_MARK_YES;

	f->unknown212[0] = &f->hosts[0];
	set_cell(&items[I212].cells[0], 2, 1, 0, 1, 0, KS_MARK_CHECK);
	items[I212].cells[0].unknown = f->unknown212;
	set_cell(&items[I212].cells[1], 1, 1, 0, 0, 0, KS_MARK_YES);
	items[I212].answer = &f->answers[2];
	items[I212].measured = true;
	items[I212].mark = items[I212].measured_mark = KS_MARK_CHECK;
	items[I212].target = ks_day_from_ymd(2027, 3, 31);

	items[I31].needs_people = true;
	items[I31].mark = KS_MARK_UNANSWERED;
	items[I31].measured_mark = KS_MARK_NA;
	items[I31].confirmed = KS_DAY_NONE;

	cl->counts[KS_MARK_YES] = 2;
	cl->counts[KS_MARK_NO] = 1;
	cl->counts[KS_MARK_CHECK] = 1;
	cl->counts[KS_MARK_UNANSWERED] = 1;
	f->wuse[0] = (ks_cl_waiver_use){&f->waiver, &f->hosts[0], KS_VERDICT_FAIL};
	cl->waivers = f->wuse;
	cl->nwaivers = 1;

	/* 3x3: each cell lists the items placed there; cover as the merge would decide it. */
	for (int k = 0; k < KS_CELLS; k++) {
		ks_cl_matrix_cell *m = &cl->matrix[k];
		m->items = f->mx_items[k];
		size_t yes = 0;
		for (int i = 0; i < NITEMS; i++)
			if (f->items[i].controls & (1u << k)) {
				f->mx_items[k][m->nitems++] = &items[i];
				yes += items[i].mark == KS_MARK_YES;
			}
		m->cover = m->nitems && yes == m->nitems ? KS_COVER_FULL : yes ? KS_COVER_PARTIAL : KS_COVER_GAP;
	}
	f->mx_pr[0] = &f->practice;
	cl->matrix[8].practices = f->mx_pr;
	cl->matrix[8].npractices = 1;
	cl->matrix[8].cover = KS_COVER_FULL;
	return f;
}

static char *render(const ks_checklist *cl, ks_lang lang, size_t *lenp)
{
	/* The stream's buffer pointer lives on the heap: GCC's dangling-pointer check otherwise
	 * mistakes the returned page for a pointer into this frame. */
	struct { char *buf; size_t len; } *m = calloc(1, sizeof *m);
	assert_non_null(m);
	FILE *f = open_memstream(&m->buf, &m->len);
	assert_non_null(f);
	assert_int_equal(ks_cl_write_html(cl, lang, f), 0);
	assert_int_equal(fclose(f), 0);
	char *html = m->buf;
	if (lenp)
		*lenp = m->len;
	free(m);
	return html;
}

static const char *find(const char *html, const char *needle)
{
	const char *p = strstr(html, needle);
	if (!p)
		fail_msg("missing from the page: %s", needle);
	return p;
}

/* Walks every tag of the page: only the elements the writer emits, no event handler attributes,
 * every attribute value double-quoted and free of '<' and '"'. Text between tags never holds a raw
 * '<' that does not start such a tag, so injected markup of any shape fails here. */
static void check_markup(const char *html)
{
	static const char *const allowed[] = {
		"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p",
		"table", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "section", "article", "span",
		"b", "br", "small", "ul", "li", "time", "div", "footer", NULL,
	};
	const char *p = html;
	size_t ntags = 0;
	while ((p = strchr(p, '<'))) {
		p++;
		if (*p == '!') {
			p = strchr(p, '>');
			assert_non_null(p);
			continue;
		}
		if (*p == '/')
			p++;
		char name[16];
		size_t n = 0;
		while (isalnum((unsigned char)*p) && n < sizeof name - 1)
			name[n++] = (char)*p++;
		name[n] = 0;
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			ok |= strcmp(name, allowed[i]) == 0;
		if (!ok)
			fail_msg("unexpected element <%s> near: %.60s", name, p - n);
		ntags++;
		for (;;) {
			while (*p == ' ')
				p++;
			if (*p == '>')
				break;
			char attr[32];
			size_t m = 0;
			while ((isalnum((unsigned char)*p) || *p == '-') && m < sizeof attr - 1)
				attr[m++] = (char)tolower((unsigned char)*p++);
			attr[m] = 0;
			if (m == 0)
				fail_msg("malformed attribute in <%s> near: %.60s", name, p);
			if (strncmp(attr, "on", 2) == 0)
				fail_msg("event handler attribute %s in <%s>", attr, name);
			if (*p != '=')
				fail_msg("attribute %s of <%s> has no quoted value", attr, name);
			p++;
			if (*p != '"')
				fail_msg("attribute %s of <%s> is not double-quoted", attr, name);
			const char *end = strchr(p + 1, '"');
			assert_non_null(end);
			for (const char *q = p + 1; q < end; q++)
				if (*q == '<')
					fail_msg("raw '<' in attribute %s of <%s>", attr, name);
			p = end + 1;
			if (*p != ' ' && *p != '>')
				fail_msg("attribute %s of <%s> runs on after its closing quote: %.40s", attr, name, p);
		}
	}
	assert_true(ntags > 100);
}

static void test_order_and_content(void **state)
{
	(void)state;
	struct fx *f = fixture();
	char *html = render(&f->cl, KS_LANG_JA, NULL);
	const char *summary = find(html, "id=\"summary\"");
	const char *form = find(html, "id=\"form\"");
	const char *ev = find(html, "id=\"evidence\"");
	const char *mx = find(html, "id=\"matrix\"");
	assert_true(summary < form && form < ev && ev < mx);

	/* Header: form name, fiscal year in 和暦, today in 和暦 with the ISO date in the markup. */
	assert_true(find(html, "医療機関確認用") < summary);
	assert_true(find(html, "令和8年度") < summary);
	assert_true(find(html, "<time datetime=\"2026-11-22\">令和8年11月22日</time>") < summary);
	/* Counts per mark and the attention list come before the form. */
	assert_true(find(html, "はい<b>2</b>") < form);
	assert_true(find(html, "いいえ<b>1</b>") < form);
	assert_true(find(html, "要確認<b>1</b>") < form);
	assert_true(find(html, "未回答<b>1</b>") < form);
	const char *conflict = find(html, "「はい」と回答されていますが");
	assert_true(conflict > summary && conflict < form);
	const char *nodate = find(html, "目標日が未記入の項目: <b>2-⑥</b>");
	assert_true(nodate < form);
	assert_true(find(html, "30日より古い結果: 1台") < form);
	assert_null(strstr(html, "期限切れの例外承認"));

	/* Form table: the failing server cell counts 1 of 2, target date in 和暦. */
	const char *row = find(form, "<td class=\"lbl\">2-⑥</td>");
	assert_true(row < ev);
	assert_true(find(row, "いいえ<br><small>1/2台</small>") < ev);
	assert_true(find(form, "医療情報システム全般") < ev);
	assert_true(find(form, "<time datetime=\"2027-03-31\">令和9年3月31日</time>") < ev);

	/* Evidence: each item's failing and unknown hosts with their evidence; passing ones counted. */
	const char *i26 = find(ev, "id=\"item-2-6\"");
	const char *i211 = find(ev, "id=\"item-2-11\"");
	const char *i212 = find(ev, "id=\"item-2-12\"");
	const char *i31 = find(ev, "id=\"item-3-1\"");
	assert_true(i26 < i211 && i211 < i212 && i212 < i31 && i31 < mx);
	const char *h = find(i26, "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;");
	assert_true(h < i211);
	assert_true(find(i26, "apt.last_update_days = 412") < i211);
	assert_true(find(i26, "適合 1台") < i211);
	assert_true(find(i212, "<b>srv-a</b>") < i31);
	assert_true(find(i212, "clamav.running = null") < i31);
	assert_true(find(i211, "承認者: 承認 &lt;img") < i212);
	assert_true(find(i211, "本来の判定: 不適合") < i212);
	/* srv-a passes 2-6 and is not named there; under 2-11 it is waived, so it is listed. */
	assert_true(find(i26, "<b>srv-a</b>") > i211);
	assert_true(find(i211, "<b>srv-a</b>") < i212);

	/* 3x3 view: cover words, not colour alone. */
	assert_non_null(strstr(mx, "対応済"));
	assert_non_null(strstr(mx, "一部対応"));
	assert_non_null(strstr(mx, "未対応"));
	assert_non_null(strstr(mx, "取り組み: 研修 &lt;img"));
	free(html);
	free(f);
}

static void test_hostile_strings_escaped(void **state)
{
	(void)state;
	struct fx *f = fixture();
	for (int lang = 0; lang < 2; lang++) {
		char *html = render(&f->cl, lang ? KS_LANG_EN : KS_LANG_JA, NULL);
		assert_null(strstr(html, "<script"));
		assert_null(strstr(html, "<img"));
		assert_null(strstr(html, "<b onmouseover"));
		/* The page forbids scripts and outside resources even if something slipped through. */
		assert_non_null(strstr(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		                             "style-src 'unsafe-inline'; img-src data:\">"));
		assert_null(strstr(html, "script-src"));
		check_markup(html);
		/* Each hostile string is there, escaped: nothing was dropped to make the test pass. */
		assert_non_null(strstr(html, "病院 &lt;script&gt;"));
		assert_non_null(strstr(html, "onerror=&quot;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&quot;&gt;"));
		assert_non_null(strstr(html, "v1&quot;&gt;&lt;b onmouseover=&quot;x&quot;&gt;&#39;"));
		assert_non_null(strstr(html, "/var/lib/&lt;script&gt;"));
		free(html);
	}
	free(f);
}

static void test_english(void **state)
{
	(void)state;
	struct fx *f = fixture();
	char *html = render(&f->cl, KS_LANG_EN, NULL);
	assert_non_null(strstr(html, "<html lang=\"en\""));
	assert_non_null(strstr(html, "Medical institution form"));
	assert_non_null(strstr(html, "Failing hosts"));
	assert_non_null(strstr(html, "No<br><small>1/2</small>"));
	assert_null(strstr(html, "いいえ"));
	assert_null(strstr(html, "不適合"));
	free(html);
	free(f);
}

/* A fleet: 10 000 failing servers. The page lists 50 with their evidence and counts the rest, so it
 * stays a few pages long. */
static void test_large_fleet_capped(void **state)
{
	(void)state;
	struct fx *f = fixture();
	enum { N = 10000 };
	ks_cl_host *hosts = calloc(N, sizeof *hosts);
	const ks_cl_host **v = calloc(N, sizeof *v);
	char (*names)[16] = calloc(N, sizeof *names);
	assert_true(hosts && v && names);
	for (int h = 0; h < N; h++) {
		snprintf(names[h], sizeof names[h], "ws%05d", h);
		hosts[h] = f->hosts[1];
		hosts[h].hostname = names[h];
		v[h] = &hosts[h];
	}
	ks_cl_cell *c = &f->cl.items[I26].cells[0];
	c->nhosts = N;
	c->nfail = c->counts[KS_VERDICT_FAIL] = N;
	c->counts[KS_VERDICT_PASS] = 0;
	c->fail = v;
	f->cl.hosts = v;
	f->cl.nhosts = N;
	f->cl.ncategory[0] = N;
	f->cl.nstale_hosts = N;
	size_t len;
	char *html = render(&f->cl, KS_LANG_JA, &len);
	assert_non_null(strstr(html, "<b>ws00049</b>"));
	assert_null(strstr(html, "<b>ws00050</b>"));
	assert_non_null(strstr(html, "ほか9950台"));
	assert_non_null(strstr(html, "30日より古い結果: 10000台"));
	assert_non_null(strstr(html, "いいえ<br><small>10000/10000台</small>"));
	assert_true(len < 200000);
	free(html);
	free(names);
	free(v);
	free(hosts);
	free(f);
}

static void test_vendor_and_gate(void **state)
{
	(void)state;
	struct fx *f = fixture();
	f->cl.form = KS_FORM_VENDOR;
	f->ans.vendor_name = "ベンダー " EVIL_HOST;
	f->ans.system_name = "電子カルテ";
	f->ans.has_system = false;
	f->waiver.expired = true;
	char *html = render(&f->cl, KS_LANG_JA, NULL);
	assert_non_null(strstr(html, "事業者確認用"));
	assert_non_null(strstr(html, "ベンダー &lt;script&gt;"));
	assert_non_null(strstr(html, "電子カルテ"));
	assert_non_null(strstr(html, "無（以下の項目はすべて対象外）"));
	assert_non_null(strstr(html, "期限切れの例外承認 1件（適用していません）: 2-11 / srv-a"));
	check_markup(html);
	free(html);
	f->ans.facility_type = KS_FACILITY_PHARMACY;
	f->cl.form = KS_FORM_FACILITY;
	html = render(&f->cl, KS_LANG_JA, NULL);
	assert_non_null(strstr(html, "薬局確認用"));
	free(html);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_content),
		cmocka_unit_test(test_hostile_strings_escaped),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_large_fleet_capped),
		cmocka_unit_test(test_vendor_and_gate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
