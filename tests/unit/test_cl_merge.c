/* ks_checklist_merge: the aggregation rules of the facility checklist, one test per rule. */
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "catalog/data.h"
#include "checklist/checklist.h"
#include "core/error.h"

#define DAY 86400
/* 2025-05-16T00:00:00Z */
#define T0 ((time_t)1747353600)

static ks_arena *arena;
static ks_catalog *cat;

static int setup(void **state)
{
	(void)state;
	arena = ks_arena_new();
	size_t len;
	const char *data = ks_data_find("catalog/mhlw-r7.yaml", &len);
	char err[256];
	assert_non_null(data);
	assert_int_equal(ks_catalog_load(arena, "catalog/mhlw-r7.yaml", data, len, &cat, err, sizeof err), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ks_arena_free(arena);
	return 0;
}

static size_t idx(const char *id)
{
	const ks_item *it = ks_catalog_find(cat, id);
	assert_non_null(it);
	return (size_t)(it - cat->items);
}

/* A host whose every item has verdict V (pass unless told otherwise). */
static void host(ks_cl_host *h, const char *name, unsigned role, time_t when, ks_verdict_kind v)
{
	memset(h, 0, sizeof *h);
	h->hostname = name;
	h->file = name;
	h->role = role;
	h->scanned_at = when;
	h->scanned_at_text = "2025-05-16T00:00:00Z";
	h->nresults = cat->nitems;
	h->results = ks_arena_alloc(arena, cat->nitems * sizeof *h->results);
	for (size_t i = 0; i < cat->nitems; i++) {
		h->results[i].present = true;
		h->results[i].verdict = cat->items[i].targets & role ? v : KS_VERDICT_NA;
		if (!cat->items[i].targets)
			h->results[i].verdict = KS_VERDICT_MANUAL;
	}
}

static void set(ks_cl_host *h, const char *id, ks_verdict_kind v)
{
	h->results[idx(id)].verdict = v;
}

static const ks_cl_item *item(const ks_checklist *cl, const char *id)
{
	return &cl->items[idx(id)];
}

static ks_answers *answers(void)
{
	ks_answers *a = ks_arena_alloc(arena, sizeof *a);
	a->path = "answers.yaml";
	a->facility_name = "テスト病院";
	a->facility_type = KS_FACILITY_HOSPITAL;
	a->fiscal_year = 2025;
	a->has_system = true;
	a->max_result_age_days = 30;
	a->items = ks_arena_alloc(arena, 8 * sizeof *a->items);
	return a;
}

static ks_item_answer *answer(ks_answers *a, const char *id, ks_answer_value v, ks_day confirmed)
{
	ks_item_answer *x = &a->items[a->nitems++];
	x->item = id;
	x->answer = v;
	x->confirmed = confirmed;
	x->target = KS_DAY_NONE;
	return x;
}

static void merge(ks_cl_host *hosts, size_t n, const ks_answers *ans, int form, time_t now, ks_checklist *cl)
{
	assert_int_equal(ks_checklist_merge(arena, cat, ans, form, hosts, n, now, cl, ks_diags_new(arena)), 0);
}

/* Rule: いいえ if any host of the category fails, naming the hosts; other categories keep theirs. */
static void fail_in_category_names_hosts(void **state)
{
	(void)state;
	ks_cl_host h[3];
	host(&h[0], "srv-b", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	host(&h[1], "srv-a", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	host(&h[2], "pc01", KS_TARGET_TERMINAL, T0, KS_VERDICT_PASS);
	set(&h[0], "2-6", KS_VERDICT_FAIL);
	ks_checklist cl;
	merge(h, 3, NULL, KS_FORM_FACILITY, T0 + DAY, &cl);
	const ks_cl_item *it = item(&cl, "2-6");
	assert_int_equal(it->cells[0].mark, KS_MARK_NO);
	assert_int_equal(it->cells[0].nfail, 1);
	assert_string_equal(it->cells[0].fail[0]->hostname, "srv-b");
	assert_int_equal(it->cells[0].nhosts, 2);
	assert_int_equal(it->cells[1].mark, KS_MARK_YES);
	assert_int_equal(it->cells[2].mark, KS_MARK_NOHOST);
	assert_int_equal(it->mark, KS_MARK_NO);
	assert_true(it->target_missing);
	/* hosts are ordered by category, then name */
	assert_string_equal(cl.hosts[0]->hostname, "srv-a");
	assert_string_equal(cl.hosts[2]->hostname, "pc01");
}

/* Rule: 要確認 if any host is unknown and none fails; a fail elsewhere still wins. */
static void unknown_without_fail_is_check(void **state)
{
	(void)state;
	ks_cl_host h[2];
	host(&h[0], "srv1", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	host(&h[1], "srv2", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	set(&h[1], "2-5", KS_VERDICT_UNKNOWN);
	set(&h[0], "2-7", KS_VERDICT_UNKNOWN);
	set(&h[1], "2-7", KS_VERDICT_FAIL);
	h[0].results[idx("2-9")].present = false; /* a result without the item counts as unknown */
	ks_checklist cl;
	merge(h, 2, NULL, KS_FORM_FACILITY, T0, &cl);
	assert_int_equal(item(&cl, "2-5")->cells[0].mark, KS_MARK_CHECK);
	assert_string_equal(item(&cl, "2-5")->cells[0].unknown[0]->hostname, "srv2");
	assert_int_equal(item(&cl, "2-7")->cells[0].mark, KS_MARK_NO);
	assert_int_equal(item(&cl, "2-9")->cells[0].mark, KS_MARK_CHECK);
	assert_int_equal(item(&cl, "2-9")->cells[0].nmissing, 1);
}

/* Rule: はい only if every host of the category passes; with no host the category says so. */
static void all_pass_is_yes_and_empty_category_says_so(void **state)
{
	(void)state;
	ks_cl_host h[1];
	host(&h[0], "srv1", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	ks_checklist cl;
	merge(h, 1, NULL, KS_FORM_FACILITY, T0, &cl);
	const ks_cl_item *it = item(&cl, "2-11"); /* サーバ only */
	assert_int_equal(it->cells[0].mark, KS_MARK_YES);
	assert_false(it->cells[1].applies);
	assert_int_equal(it->mark, KS_MARK_YES);
	/* 2-13 is for network devices only: nobody scanned one */
	it = item(&cl, "2-13");
	assert_int_equal(it->cells[2].mark, KS_MARK_NOHOST);
	assert_int_equal(it->mark, KS_MARK_NOHOST);
	/* 2-6 applies to all three: servers pass, terminals and network devices were not scanned, so
	 * the item cannot be はい until people answer for them */
	assert_int_equal(item(&cl, "2-6")->mark, KS_MARK_UNANSWERED);
}

/* Rule: people's はい never overrides a measured failure; the conflict is shown. People's いいえ
 * stands even when hosts pass. */
static void human_yes_never_hides_fail(void **state)
{
	(void)state;
	ks_cl_host h[1];
	host(&h[0], "srv1", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	set(&h[0], "2-11", KS_VERDICT_FAIL);
	ks_answers *a = answers();
	answer(a, "2-11", KS_ANSWER_YES, ks_day_from_ymd(2025, 5, 10));
	ks_item_answer *no = answer(a, "2-5", KS_ANSWER_NO, ks_day_from_ymd(2025, 5, 10));
	no->target = ks_day_from_ymd(2025, 9, 30);
	ks_checklist cl;
	merge(h, 1, a, KS_FORM_FACILITY, T0, &cl);
	assert_int_equal(item(&cl, "2-11")->mark, KS_MARK_NO);
	assert_true(item(&cl, "2-11")->conflict);
	assert_int_equal(item(&cl, "2-5")->mark, KS_MARK_NO);
	assert_false(item(&cl, "2-5")->conflict);
	assert_false(item(&cl, "2-5")->target_missing);
	assert_int_equal(item(&cl, "2-5")->target, ks_day_from_ymd(2025, 9, 30));
}

/* Rule: only a waiver changes a failure: a waived host counts as an accepted exception. */
static void waiver_turns_fail_into_exception(void **state)
{
	(void)state;
	ks_cl_host h[2];
	host(&h[0], "srv1", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	host(&h[1], "srv2", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	set(&h[1], "2-11", KS_VERDICT_WAIVED);
	ks_cl_waiver w = {.item = "2-11", .host = "srv2", .justification = "vendor appliance",
	                  .approver = "CISO", .expires = "2026-03-31", .verdict_without = KS_VERDICT_FAIL};
	h[1].results[idx("2-11")].waiver = &w;
	ks_checklist cl;
	merge(h, 2, NULL, KS_FORM_FACILITY, T0, &cl);
	const ks_cl_item *it = item(&cl, "2-11");
	assert_int_equal(it->mark, KS_MARK_YES);
	assert_true(it->waived);
	assert_int_equal(it->cells[0].nwaived, 1);
	assert_string_equal(it->cells[0].waived[0]->hostname, "srv2");
	assert_int_equal(cl.nwaivers, 1);
	assert_ptr_equal(cl.waivers[0].waiver, &w);
	assert_int_equal(cl.waivers[0].verdict_without, KS_VERDICT_FAIL);
}

/* Rule: the confirmation date of a measured item is the oldest scan it rests on (JST day);
 * results older than max_result_age_days are stale. */
static void confirmed_is_oldest_scan_and_stale_flagged(void **state)
{
	(void)state;
	ks_cl_host h[3];
	host(&h[0], "srv1", KS_TARGET_SERVER, T0 + 10 * DAY, KS_VERDICT_PASS);
	host(&h[1], "srv2", KS_TARGET_SERVER, T0 - 20 * DAY + 16 * 3600, KS_VERDICT_PASS); /* 16:00Z = next day JST */
	host(&h[2], "pc1", KS_TARGET_TERMINAL, T0 - 40 * DAY, KS_VERDICT_PASS);
	ks_checklist cl;
	merge(h, 3, NULL, KS_FORM_FACILITY, T0 + 10 * DAY, &cl);
	/* 2-11 rests on servers only */
	assert_int_equal(item(&cl, "2-11")->confirmed, ks_day_from_ymd(2025, 4, 27));
	/* 2-5 rests on servers and the terminal: the terminal's scan is older */
	assert_int_equal(item(&cl, "2-5")->confirmed, ks_day_from_ymd(2025, 4, 6));
	assert_int_equal(cl.nstale_hosts, 1); /* pc1 is 50 days old; srv2 29 days and 8 hours */
	assert_true(h[2].stale);
	assert_false(h[1].stale);
	assert_false(h[0].stale);
	assert_int_equal(item(&cl, "2-5")->nstale, 1);
	assert_int_equal(item(&cl, "2-11")->nstale, 0);
}

/* Organisational items rest on people alone; without an answer they are 未回答. */
static void organisational_items_follow_people(void **state)
{
	(void)state;
	ks_cl_host h[1];
	host(&h[0], "srv1", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	ks_answers *a = answers();
	answer(a, "1-1", KS_ANSWER_YES, ks_day_from_ymd(2025, 5, 1));
	ks_checklist cl;
	merge(h, 1, a, KS_FORM_FACILITY, T0, &cl);
	assert_int_equal(item(&cl, "1-1")->mark, KS_MARK_YES);
	assert_int_equal(item(&cl, "1-1")->confirmed, ks_day_from_ymd(2025, 5, 1));
	assert_int_equal(item(&cl, "3-1")->mark, KS_MARK_UNANSWERED);
	assert_int_equal(item(&cl, "3-1")->confirmed, KS_DAY_NONE);
}

/* Items with manual parts: hosts that say "manual" leave the category to people's answer. */
static void manual_parts_take_people_answer(void **state)
{
	(void)state;
	ks_cl_host h[1];
	host(&h[0], "srv1", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	set(&h[0], "2-4", KS_VERDICT_MANUAL);
	set(&h[0], "2-8", KS_VERDICT_MANUAL);
	ks_answers *a = answers();
	answer(a, "2-4", KS_ANSWER_YES, ks_day_from_ymd(2025, 5, 1));
	ks_checklist cl;
	merge(h, 1, a, KS_FORM_FACILITY, T0, &cl);
	assert_int_equal(item(&cl, "2-4")->cells[0].mark, KS_MARK_YES);
	assert_true(item(&cl, "2-4")->needs_people);
	assert_int_equal(item(&cl, "2-4")->confirmed, ks_day_from_ymd(2025, 5, 1)); /* older than the scan */
	assert_int_equal(item(&cl, "2-8")->cells[0].mark, KS_MARK_UNANSWERED);
}

/* Two results of the same machine: the newer one is used, the older one reported. */
static void newer_result_of_same_machine_wins(void **state)
{
	(void)state;
	ks_cl_host h[2];
	host(&h[0], "srv1", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	host(&h[1], "srv1", KS_TARGET_SERVER, T0 + DAY, KS_VERDICT_PASS);
	h[0].machine_id = h[1].machine_id = "0123456789abcdef";
	set(&h[0], "2-6", KS_VERDICT_FAIL);
	h[1].file = "new.json";
	ks_checklist cl;
	ks_diags *d = ks_diags_new(arena);
	assert_int_equal(ks_checklist_merge(arena, cat, NULL, KS_FORM_FACILITY, h, 2, T0 + DAY, &cl, d), 0);
	assert_int_equal(cl.nhosts, 1);
	assert_int_equal(cl.nsuperseded, 1);
	assert_string_equal(cl.hosts[0]->file, "new.json");
	assert_int_equal(item(&cl, "2-6")->cells[0].mark, KS_MARK_YES);
	assert_true(ks_diags_count(d) >= 1);
	assert_non_null(strstr(ks_diags_at(d, 0)->message, "new.json"));
}

/* The vendor form has sections 1 and 2 only; a facility without a medical information system
 * answers nothing further. */
static void vendor_form_and_gate(void **state)
{
	(void)state;
	ks_cl_host h[1];
	host(&h[0], "srv1", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	ks_checklist cl;
	merge(h, 1, NULL, KS_FORM_VENDOR, T0, &cl);
	assert_true(item(&cl, "2-6")->on_form);
	assert_false(item(&cl, "3-1")->on_form);
	assert_false(item(&cl, "4-1")->on_form);
	assert_int_equal(item(&cl, "3-1")->mark, KS_MARK_NA);
	ks_answers *a = answers();
	a->has_system = false;
	merge(h, 1, a, KS_FORM_FACILITY, T0, &cl);
	for (size_t i = 0; i < cl.nitems; i++)
		assert_int_equal(cl.items[i].mark, KS_MARK_NA);
	assert_int_equal(cl.counts[KS_MARK_NA], cl.nitems);
}

/* The 3x3 view: a cell is covered when all its items are はい, partly when some are; an attested
 * practice counts. */
static void matrix_cover(void **state)
{
	(void)state;
	ks_cl_host h[1];
	host(&h[0], "srv1", KS_TARGET_SERVER, T0, KS_VERDICT_PASS);
	ks_answers *a = answers();
	answer(a, "3-1", KS_ANSWER_YES, ks_day_from_ymd(2025, 5, 1));
	a->practices = ks_arena_alloc(arena, sizeof *a->practices);
	a->practices[0] = (ks_practice){.cell = ks_cell_parse("staff-preventive"), .description = "研修",
	                                .confirmed = KS_DAY_NONE};
	a->npractices = 1;
	ks_checklist cl;
	merge(h, 1, a, KS_FORM_FACILITY, T0, &cl);
	int org_det = ks_cell_parse("organisational-detective");
	int sys_det = ks_cell_parse("system-detective");
	int staff_cor = ks_cell_parse("staff-corrective");
	assert_int_equal(cl.matrix[org_det].cover, KS_COVER_FULL); /* 3-1 only */
	assert_int_equal(cl.matrix[sys_det].cover, KS_COVER_FULL); /* 2-11 passes on the server */
	assert_int_equal(cl.matrix[staff_cor].cover, KS_COVER_GAP); /* 3-3 unanswered */
	int staff_prev = ks_cell_parse("staff-preventive");
	assert_int_equal(cl.matrix[staff_prev].npractices, 1);
	assert_int_equal(cl.matrix[staff_prev].cover, KS_COVER_PARTIAL); /* 2-8/2-9 not all はい */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fail_in_category_names_hosts),
		cmocka_unit_test(unknown_without_fail_is_check),
		cmocka_unit_test(all_pass_is_yes_and_empty_category_says_so),
		cmocka_unit_test(human_yes_never_hides_fail),
		cmocka_unit_test(waiver_turns_fail_into_exception),
		cmocka_unit_test(confirmed_is_oldest_scan_and_stale_flagged),
		cmocka_unit_test(organisational_items_follow_people),
		cmocka_unit_test(manual_parts_take_people_answer),
		cmocka_unit_test(newer_result_of_same_machine_wins),
		cmocka_unit_test(vendor_form_and_gate),
		cmocka_unit_test(matrix_cover),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
