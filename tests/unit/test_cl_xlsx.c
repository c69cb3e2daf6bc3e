/* The checklist workbook: the same checklist gives the same bytes (whatever the clock and time
 * zone), the file is a zip with the five sheets, and hostile strings stay plain text: never a
 * formula, never a control character in the XML, never over Excel's cell limit. When Debian's
 * python3-openpyxl is there, every cell is also checked against the JSON of the same checklist. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/error.h"
#include "report/checklist.h"

#define EVIL_FORMULA "=HYPERLINK(\"http://x\",\"y\")"
#define EVIL_TAG "<script>alert(1)</script>"
#define EVIL_CTRL "pc\x01-01\x1f"
#define EVIL_ESCAPE "_x0041_"
#define LONG_CHARS 40000 /* over Excel's 32767 */

/* Catalog order: 1-1 (organisational), 2-6 (every category), 2-7 (servers), 3-1 (organisational,
 * facility form), 4-1 (vendor form only, so not on the facility form). */
enum { I11, I26, I27, I31, I41, NITEMS };

struct fx {
	ks_catalog cat;
	ks_section sections[4];
	ks_item items[NITEMS];
	ks_answers ans;
	ks_item_answer answers[3];
	ks_answer_doc docs[2];
	ks_practice practice;
	ks_cl_host hosts[3];
	const char *addrs[2];
	ks_cl_result results[3][NITEMS];
	ks_cl_evidence ev_pass[1], ev_fail[2];
	ks_cl_waiver waiver;
	const ks_cl_host *hostv[3];
	const ks_cl_host *fail26[1], *unknown27[1], *waived27[1];
	ks_cl_waiver_use wuse[1];
	ks_cl_item clitems[NITEMS];
	const ks_cl_item *mx[KS_CELLS][NITEMS];
	const ks_practice *mx_pr[1];
	char *long_note, *long_escapes;
	ks_checklist cl;
};

static void set_cell(ks_cl_cell *c, size_t nhosts, size_t pass, size_t fail, size_t unknown, ks_mark m)
{
	c->applies = true;
	c->nhosts = nhosts;
	c->counts[KS_VERDICT_PASS] = pass;
	c->counts[KS_VERDICT_FAIL] = fail;
	c->counts[KS_VERDICT_UNKNOWN] = unknown;
	c->mark = m;
}

static struct fx *fixture(void)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->sections[0] = (ks_section){1, {"安全管理の体制づくり", "Organisation"}};
	f->sections[1] = (ks_section){2, {"医療情報システムの管理と運用", "Systems"}};
	f->sections[2] = (ks_section){3, {"インシデント発生に備えた対応", "Incidents"}};
	f->sections[3] = (ks_section){4, {"規程類の整備", "Rules"}};
	const unsigned all = KS_TARGET_SERVER | KS_TARGET_TERMINAL | KS_TARGET_NETWORK;
	const unsigned both = KS_FORM_FACILITY | KS_FORM_VENDOR;
	f->items[I11] = (ks_item){.id = "1-1", .label = "1-①", .section = 1,
	                          .title = {"責任者を置いている。", "A manager is appointed."},
	                          .forms = both, .controls = 1u << 2};
	f->items[I26] = (ks_item){.id = "2-6", .label = "2-⑥", .section = 2,
	                          .title = {"更新を適用している。", "Updates are applied."},
	                          .targets = all, .forms = both, .controls = 1u << 5};
	f->items[I27] = (ks_item){.id = "2-7", .label = "2-⑦", .section = 2,
	                          .title = {"ログを保管している。", "Logs are kept."},
	                          .targets = KS_TARGET_SERVER, .forms = both, .controls = 1u << 4};
	f->items[I31] = (ks_item){.id = "3-1", .label = "3-①", .section = 3,
	                          .title = {"連絡体制図がある。", "There is a contact chart."},
	                          .forms = KS_FORM_FACILITY, .controls = (1u << 1) | (1u << 7)};
	f->items[I41] = (ks_item){.id = "4-1", .label = "4-①", .section = 4,
	                          .title = {"規程がある。", "Rules exist."}, .forms = KS_FORM_VENDOR};
	f->cat = (ks_catalog){.name = "mhlw-r7", .edition = "令和7年度 (FY2025)",
	                      .title = {"医療機関におけるサイバーセキュリティ対策チェックリスト", "Checklist"},
	                      .sections = f->sections, .nsections = 4, .items = f->items, .nitems = NITEMS};

	/* A note over Excel's cell limit, to be cut rather than refused. */
	f->long_note = malloc(LONG_CHARS * 3 + 1);
	assert_non_null(f->long_note);
	for (int i = 0; i < LONG_CHARS; i++)
		memcpy(f->long_note + 3 * i, "あ", 3);
	f->long_note[LONG_CHARS * 3] = 0;
	/* Text that grows when escaped ("_x0041_" is stored as "_x005F_x0041_"): still under the limit. */
	f->long_escapes = malloc(5000 * 7 + 1);
	assert_non_null(f->long_escapes);
	for (int i = 0; i < 5000; i++)
		memcpy(f->long_escapes + 7 * i, EVIL_ESCAPE, 7);
	f->long_escapes[5000 * 7] = 0;

	f->docs[0] = (ks_answer_doc){"情報セキュリティ規程", "第3版", "総務課キャビネット"};
	f->docs[1] = (ks_answer_doc){EVIL_FORMULA, NULL, EVIL_TAG};
	f->answers[0] = (ks_item_answer){.item = "1-1", .answer = KS_ANSWER_YES,
	                                 .confirmed = ks_day_from_ymd(2025, 5, 1), .target = KS_DAY_NONE,
	                                 .confirmed_by = "情報システム課 " EVIL_ESCAPE, .docs = f->docs,
	                                 .ndocs = 2, .note = "備考 " EVIL_CTRL};
	/* People say はい to 2-6, which a server fails: a conflict, and no target date. */
	f->answers[1] = (ks_item_answer){.item = "2-6", .answer = KS_ANSWER_YES,
	                                 .confirmed = KS_DAY_NONE, .target = KS_DAY_NONE};
	f->answers[2] = (ks_item_answer){.item = "3-1", .answer = KS_ANSWER_NONE, .confirmed = KS_DAY_NONE,
	                                 .target = ks_day_from_ymd(2026, 3, 31), .note = f->long_note};
	f->practice = (ks_practice){.cell = 8, .description = "職員研修 " EVIL_FORMULA, .docs = f->docs,
	                            .ndocs = 1, .confirmed = ks_day_from_ymd(2025, 4, 10)};
	f->ans = (ks_answers){.path = "answers.yaml", .facility_name = "テスト病院 " EVIL_FORMULA,
	                      .facility_type = KS_FACILITY_HOSPITAL, .fiscal_year = 2025,
	                      .confirmer_name = "山田太郎", .confirmer_title = "事務長",
	                      .has_system = true, .max_result_age_days = 30, .items = f->answers,
	                      .nitems = 3, .practices = &f->practice, .npractices = 1};

	/* Hosts in the checklist's order: two servers by name, then the (stale) terminal. */
	const char *names[3] = {EVIL_TAG, EVIL_FORMULA, EVIL_CTRL};
	const unsigned roles[3] = {KS_TARGET_SERVER, KS_TARGET_SERVER, KS_TARGET_TERMINAL};
	const char *files[3] = {"results/a.json", "results/=1+1.json", "results/pc.json"};
	f->addrs[0] = "192.0.2.10";
	f->addrs[1] = "2001:db8::10";
	for (int h = 0; h < 3; h++) {
		f->hosts[h] = (ks_cl_host){.file = files[h], .hostname = names[h], .os = "Debian GNU/Linux 12 (bookworm)",
		                           .kernel = "6.1.0-18-amd64", .arch = "x86_64", .machine_id = "0123abcd",
		                           .addresses = f->addrs, .naddresses = h == 0 ? 2 : 0, .role = roles[h],
		                           .scanned_at = h == 2 ? 1743465600 : 1747357200,
		                           .scanned_at_text = h == 2 ? "2025-04-01T00:00:00Z" : "2025-05-16T01:00:00Z",
		                           .kenshin_version = "0.1.0", .as_root = h != 2, .results = f->results[h],
		                           .nresults = NITEMS, .stale = h == 2};
		for (int i = 0; i < NITEMS; i++)
			f->results[h][i] = (ks_cl_result){.present = true, .verdict = KS_VERDICT_PASS,
			                                  .evidence = f->ev_pass, .nevidence = 1};
		f->hostv[h] = &f->hosts[h];
	}
	f->ev_pass[0] = (ks_cl_evidence){"apt.pending_security", "0", "/var/lib/apt/lists", NULL};
	f->ev_fail[0] = (ks_cl_evidence){"apt.pending_security", "\"" EVIL_FORMULA "\"", EVIL_TAG, "decisive"};
	f->ev_fail[1] = (ks_cl_evidence){"apt.last_update_days", "412", NULL, NULL};
	/* 2-6: the first server fails. 2-7: the second server's result lacks the item (unknown), the
	 * first fails under a valid waiver. */
	f->results[0][I26] = (ks_cl_result){.present = true, .verdict = KS_VERDICT_FAIL, .evidence = f->ev_fail,
	                                    .nevidence = 2, .rule_error = "bad rule " EVIL_CTRL};
	f->results[1][I27] = (ks_cl_result){.present = false};
	f->waiver = (ks_cl_waiver){.item = "2-7", .host = "=*", .justification = f->long_escapes,
	                           .approver = EVIL_FORMULA, .expires = "2026-03-31", .source = "waivers.yaml:3",
	                           .verdict_without = KS_VERDICT_FAIL};
	f->results[0][I27] = (ks_cl_result){.present = true, .verdict = KS_VERDICT_WAIVED, .evidence = f->ev_fail,
	                                    .nevidence = 1, .waiver = &f->waiver};
	f->wuse[0] = (ks_cl_waiver_use){&f->waiver, &f->hosts[0], KS_VERDICT_FAIL};

	ks_checklist *cl = &f->cl;
	cl->catalog = &f->cat;
	cl->answers = &f->ans;
	cl->form = KS_FORM_FACILITY;
	cl->now = 1747357200 + 86400;
	cl->today = ks_day_from_ymd(2025, 5, 17);
	cl->hosts = f->hostv;
	cl->nhosts = 3;
	cl->ncategory[0] = 2;
	cl->ncategory[1] = 1;
	cl->nstale_hosts = 1;
	cl->oldest_scan = 1743465600;
	cl->newest_scan = 1747357200;
	cl->waivers = f->wuse;
	cl->nwaivers = 1;
	cl->items = f->clitems;
	cl->nitems = NITEMS;
	for (int i = 0; i < NITEMS; i++) {
		ks_cl_item *it = &f->clitems[i];
		it->item = &f->items[i];
		it->on_form = i != I41;
		it->confirmed = KS_DAY_NONE;
		it->target = KS_DAY_NONE;
		for (int c = 0; c < KS_CATEGORIES; c++)
			it->cells[c].mark = KS_MARK_NA;
		it->measured_mark = KS_MARK_NA;
		it->mark = KS_MARK_NA;
	}
	ks_cl_item *it = &f->clitems[I11];
	it->needs_people = true;
	it->answer = &f->answers[0];
	it->mark = KS_MARK_YES;
	it->confirmed = f->answers[0].confirmed;

	it = &f->clitems[I26];
	it->measured = true;
	it->answer = &f->answers[1];
	f->fail26[0] = &f->hosts[0];
	set_cell(&it->cells[0], 2, 1, 1, 0, KS_MARK_NO);
	it->cells[0].fail = f->fail26;
	it->cells[0].nfail = 1;
	set_cell(&it->cells[1], 1, 1, 0, 0, KS_MARK_YES);
	it->cells[1].nstale = 1;
	set_cell(&it->cells[2], 0, 0, 0, 0, KS_MARK_NOHOST);
	it->measured_mark = it->mark = KS_MARK_NO;
	it->conflict = true;
	it->target_missing = true;
	it->confirmed = ks_day_from_ymd(2025, 4, 1);
	it->nstale = 1;

	it = &f->clitems[I27];
	it->measured = true;
	it->waived = true;
	f->unknown27[0] = &f->hosts[1];
	f->waived27[0] = &f->hosts[0];
	set_cell(&it->cells[0], 2, 0, 0, 1, KS_MARK_CHECK);
	it->cells[0].counts[KS_VERDICT_WAIVED] = 1;
	it->cells[0].nmissing = 1;
	it->cells[0].unknown = f->unknown27;
	it->cells[0].nunknown = 1;
	it->cells[0].waived = f->waived27;
	it->cells[0].nwaived = 1;
	it->measured_mark = it->mark = KS_MARK_CHECK;
	it->confirmed = ks_day_from_ymd(2025, 5, 16);

	it = &f->clitems[I31];
	it->needs_people = true;
	it->answer = &f->answers[2];
	it->mark = KS_MARK_UNANSWERED;
	it->target = f->answers[2].target;

	cl->counts[KS_MARK_YES] = 1;
	cl->counts[KS_MARK_NO] = 1;
	cl->counts[KS_MARK_CHECK] = 1;
	cl->counts[KS_MARK_UNANSWERED] = 1;
	for (int k = 0; k < KS_CELLS; k++) {
		ks_cl_matrix_cell *m = &cl->matrix[k];
		m->items = f->mx[k];
		for (int i = 0; i < NITEMS; i++)
			if (f->clitems[i].on_form && (f->items[i].controls & (1u << k)))
				f->mx[k][m->nitems++] = &f->clitems[i];
		m->cover = m->nitems && f->clitems[f->mx[k][0] - f->clitems].mark == KS_MARK_YES ? KS_COVER_FULL : KS_COVER_GAP;
	}
	f->mx_pr[0] = &f->practice;
	cl->matrix[8].practices = f->mx_pr;
	cl->matrix[8].npractices = 1;
	cl->matrix[8].cover = KS_COVER_PARTIAL;
	return f;
}

static void fixture_free(struct fx *f)
{
	free(f->long_note);
	free(f->long_escapes);
	free(f);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	long n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = 0;
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static char *join(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	assert_non_null(p);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static void write_book(const ks_checklist *cl, ks_lang lang, const char *path)
{
	char err[256] = "";
	int rc = ks_cl_write_xlsx(cl, lang, path, err, sizeof err);
	if (rc != KS_OK)
		fail_msg("ks_cl_write_xlsx: %d %s", rc, err);
}

/* ----------------------------------------------------------------- a small zip reader */

struct part {
	char name[128];
	unsigned char *data;
	size_t len;
	unsigned dos_time, dos_date;
};

static unsigned get16(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

static unsigned long get32(const unsigned char *p)
{
	return get16(p) | (unsigned long)get16(p + 2) << 16;
}

/* Reads every entry of the zip in BUF through its central directory. */
static size_t unzip(const unsigned char *buf, size_t len, struct part *parts, size_t max)
{
	assert_true(len > 22);
	assert_memory_equal(buf, "PK\x03\x04", 4);
	size_t eocd = len - 22;
	while (eocd > 0 && memcmp(buf + eocd, "PK\x05\x06", 4) != 0)
		eocd--;
	assert_memory_equal(buf + eocd, "PK\x05\x06", 4);
	size_t n = get16(buf + eocd + 10), off = get32(buf + eocd + 16);
	assert_true(n <= max);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *c = buf + off;
		assert_true(off + 46 <= len);
		assert_memory_equal(c, "PK\x01\x02", 4);
		unsigned method = get16(c + 10), nlen = get16(c + 28), elen = get16(c + 30), clen = get16(c + 32);
		unsigned long csize = get32(c + 20), usize = get32(c + 24), loc = get32(c + 42);
		struct part *p = &parts[i];
		assert_true(nlen < sizeof p->name);
		memcpy(p->name, c + 46, nlen);
		p->name[nlen] = 0;
		p->dos_time = get16(c + 12);
		p->dos_date = get16(c + 14);
		const unsigned char *l = buf + loc;
		assert_memory_equal(l, "PK\x03\x04", 4);
		const unsigned char *data = l + 30 + get16(l + 26) + get16(l + 28);
		assert_true(data + csize <= buf + len);
		p->len = usize;
		p->data = malloc(usize + 1);
		assert_non_null(p->data);
		if (method == 0) {
			memcpy(p->data, data, usize);
		} else {
			assert_int_equal(method, 8);
			z_stream z = {0};
			assert_int_equal(inflateInit2(&z, -15), Z_OK);
			z.next_in = (unsigned char *)data;
			z.avail_in = (uInt)csize;
			z.next_out = p->data;
			z.avail_out = (uInt)usize;
			assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
			assert_int_equal(z.total_out, usize);
			inflateEnd(&z);
		}
		p->data[usize] = 0;
		off += 46 + nlen + elen + clen;
	}
	return n;
}

static void parts_free(struct part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(parts[i].data);
}

static const struct part *find_part(const struct part *parts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(parts[i].name, name) == 0)
			return &parts[i];
	fail_msg("the workbook has no part %s", name);
	return NULL;
}

/* ----------------------------------------------------------------- tests */

static void test_same_bytes(void **state)
{
	(void)state;
	struct fx *f = fixture();
	char *dir = ks_test_tmpdir();
	char *a = join(dir, "a.xlsx"), *b = join(dir, "b.xlsx");
	const char *tz = getenv("TZ");
	char *saved = tz ? strdup(tz) : NULL;
	for (int lang = KS_LANG_JA; lang <= KS_LANG_EN; lang++) {
		/* Another second and another time zone: neither may show in the file. */
		setenv("TZ", "Asia/Tokyo", 1);
		tzset();
		write_book(&f->cl, (ks_lang)lang, a);
		struct timespec pause = {1, 200000000};
		nanosleep(&pause, NULL);
		setenv("TZ", "America/Los_Angeles", 1);
		tzset();
		write_book(&f->cl, (ks_lang)lang, b);
		size_t la, lb;
		char *da = slurp(a, &la), *db = slurp(b, &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(da, db, la);
		free(da);
		free(db);
	}
	/* A checklist without any scan still gets a fixed date, not the clock. */
	f->cl.newest_scan = 0;
	write_book(&f->cl, KS_LANG_JA, a);
	struct timespec pause = {1, 100000000};
	nanosleep(&pause, NULL);
	write_book(&f->cl, KS_LANG_JA, b);
	size_t la, lb;
	char *da = slurp(a, &la), *db = slurp(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	free(da);
	free(db);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	free(a);
	free(b);
	ks_test_rmtree(dir);
	free(dir);
	fixture_free(f);
}

/* The longest run of "あ" in TEXT. */
static size_t longest_a_run(const char *text)
{
	size_t best = 0, run = 0;
	for (const char *p = text; *p;) {
		if (strncmp(p, "あ", 3) == 0) {
			run++;
			p += 3;
		} else {
			best = run > best ? run : best;
			run = 0;
			p++;
		}
	}
	return run > best ? run : best;
}

static void test_parts_and_hostile_text(void **state)
{
	(void)state;
	struct fx *f = fixture();
	char *dir = ks_test_tmpdir();
	char *path = join(dir, "book.xlsx");
	write_book(&f->cl, KS_LANG_JA, path);
	size_t len;
	unsigned char *buf = (unsigned char *)slurp(path, &len);
	struct part parts[64];
	size_t n = unzip(buf, len, parts, 64);

	const char *want[] = {"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
	                      "xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml",
	                      "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml",
	                      "xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		find_part(parts, n, want[i]);
	const char *wb = (const char *)find_part(parts, n, "xl/workbook.xml")->data;
	const char *sheet_names[] = {"チェックリスト", "証跡", "資産台帳", "例外承認", "対策マトリクス"};
	for (size_t i = 0; i < 5; i++)
		assert_non_null(strstr(wb, sheet_names[i]));
	/* The creation date is the newest scan; every zip entry carries the same fixed time. */
	assert_non_null(strstr((const char *)find_part(parts, n, "docProps/core.xml")->data, "2025-05-16T01:00:00Z"));
	for (size_t i = 1; i < n; i++) {
		assert_int_equal(parts[i].dos_time, parts[0].dos_time);
		assert_int_equal(parts[i].dos_date, parts[0].dos_date);
	}

	for (size_t i = 0; i < n; i++) {
		/* No character XML 1.0 forbids, in any part. */
		for (size_t k = 0; k < parts[i].len; k++) {
			unsigned char ch = parts[i].data[k];
			if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
				fail_msg("%s: control character 0x%02x at byte %zu", parts[i].name, ch, k);
		}
		if (strncmp(parts[i].name, "xl/worksheets/sheet", 19) == 0) {
			const char *x = (const char *)parts[i].data;
			/* Strings only: no formula element anywhere. */
			assert_null(strstr(x, "<f>"));
			assert_null(strstr(x, "<f "));
			assert_null(strstr(x, "<script"));
		}
	}
	const char *s1 = (const char *)find_part(parts, n, "xl/worksheets/sheet1.xml")->data;
	const char *s2 = (const char *)find_part(parts, n, "xl/worksheets/sheet2.xml")->data;
	const char *s4 = (const char *)find_part(parts, n, "xl/worksheets/sheet4.xml")->data;
	/* The formula-looking facility name and document are inline text. */
	assert_non_null(strstr(s1, "<t>テスト病院 =HYPERLINK("));
	assert_non_null(strstr(s1, "キャビネット\n=HYPERLINK(\"http://x\",\"y\") — &lt;script&gt;"));
	/* Host names in remarks and evidence: escaped markup, replaced control characters. */
	assert_non_null(strstr(s1, "不適合: &lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(s2, "<t>pc\xef\xbf\xbd-01\xef\xbf\xbd</t>"));
	assert_non_null(strstr(s2, "<t>=HYPERLINK("));
	assert_non_null(strstr(s4, "<t>=*</t>"));
	/* A literal "_x0041_" is escaped so that Excel does not read it as "A". */
	assert_non_null(strstr(s1, "_x005F_x0041_"));
	/* The long note is cut at Excel's limit: 32766 characters and an ellipsis. */
	assert_int_equal(longest_a_run(s1), 32766);
	assert_non_null(strstr(s1, "あ…"));
	/* Dates are numbers with the 和暦 format: 2025-05-01 is serial 45778. */
	assert_non_null(strstr(s1, "<v>45778</v>"));
	const char *styles = (const char *)find_part(parts, n, "xl/styles.xml")->data;
	assert_non_null(strstr(styles, "[$-411]ggge&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"));

	parts_free(parts, n);
	free(buf);
	free(path);
	ks_test_rmtree(dir);
	free(dir);
	fixture_free(f);
}

static void test_write_error(void **state)
{
	(void)state;
	struct fx *f = fixture();
	char err[256] = "";
	int rc = ks_cl_write_xlsx(&f->cl, KS_LANG_EN, "/nonexistent-kenshin-dir/book.xlsx", err, sizeof err);
	assert_int_equal(rc, KS_EIO);
	assert_non_null(strstr(err, "cannot write /nonexistent-kenshin-dir/book.xlsx: No such file or directory"));
	fixture_free(f);
}

/* Every cell against the JSON of the same checklist, when the checker can run here. */
static void test_agrees_with_json(void **state)
{
	(void)state;
	if (system("/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1") != 0)
		skip();
	struct fx *f = fixture();
	char *dir = ks_test_tmpdir();
	char *json = join(dir, "cl.json");
	FILE *out = fopen(json, "w");
	assert_non_null(out);
	assert_int_equal(ks_cl_write_json(&f->cl, out), KS_OK);
	assert_int_equal(fclose(out), 0);
	for (int lang = KS_LANG_JA; lang <= KS_LANG_EN; lang++) {
		const char *code = lang == KS_LANG_JA ? "ja" : "en";
		char *book = join(dir, lang == KS_LANG_JA ? "ja.xlsx" : "en.xlsx");
		write_book(&f->cl, (ks_lang)lang, book);
		char cmd[4096];
		snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/../e2e/check_xlsx.py '%s' '%s' %s", KS_FIXTURES, book,
		         json, code);
		assert_int_equal(system(cmd), 0);
		free(book);
	}
	free(json);
	ks_test_rmtree(dir);
	free(dir);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes),
		cmocka_unit_test(test_parts_and_hostile_text),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_agrees_with_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
