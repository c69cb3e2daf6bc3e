/* Labels shared by the checklist writers, so that every format says the same thing. */
#include <stdio.h>
#include <string.h>

#include "report/checklist.h"

const char *ks_cl_form_title(const ks_checklist *cl, ks_lang lang)
{
	bool ja = lang == KS_LANG_JA;
	if (cl->form == KS_FORM_VENDOR)
		return ja ? "事業者確認用" : "Vendor form";
	if (cl->answers && cl->answers->facility_type == KS_FACILITY_PHARMACY)
		return ja ? "薬局確認用" : "Pharmacy form";
	return ja ? "医療機関確認用" : "Medical institution form";
}

const char *ks_cl_facility_type_id(int type)
{
	switch (type) {
	case KS_FACILITY_HOSPITAL: return "hospital";
	case KS_FACILITY_CLINIC: return "clinic";
	case KS_FACILITY_PHARMACY: return "pharmacy";
	default: return NULL;
	}
}

const char *ks_cl_facility_type_label(int type, ks_lang lang)
{
	bool ja = lang == KS_LANG_JA;
	switch (type) {
	case KS_FACILITY_HOSPITAL: return ja ? "病院" : "Hospital";
	case KS_FACILITY_CLINIC: return ja ? "診療所" : "Clinic";
	case KS_FACILITY_PHARMACY: return ja ? "薬局" : "Pharmacy";
	default: return "";
	}
}

const char *ks_cl_targets_label(unsigned targets, ks_lang lang, char *buf, size_t len)
{
	bool ja = lang == KS_LANG_JA;
	unsigned all = KS_TARGET_SERVER | KS_TARGET_TERMINAL | KS_TARGET_NETWORK;
	if (!targets)
		return "—";
	if ((targets & all) == all)
		return ja ? "医療情報システム全般" : "All medical information systems";
	size_t used = 0;
	buf[0] = 0;
	for (int c = 0; c < KS_CATEGORIES; c++) {
		if (!(targets & ks_category_bit(c)))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? (ja ? "、" : ", ") : "",
		                 ks_category_label(c, lang));
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

const char *ks_cl_result_id(const ks_cl_result *r)
{
	return r && r->present ? ks_verdict_id(r->verdict) : "missing";
}

const char *ks_cl_result_label(const ks_cl_result *r, ks_lang lang)
{
	static const char *const ja[KS_VERDICT_KINDS] = {"適合", "不適合", "要確認", "手動確認", "対象外", "例外承認"};
	static const char *const en[KS_VERDICT_KINDS] = {"Pass", "Fail", "Unknown", "Manual", "N/A", "Waived"};
	if (!r || !r->present || (unsigned)r->verdict >= KS_VERDICT_KINDS)
		return lang == KS_LANG_JA ? "結果なし" : "No result";
	return lang == KS_LANG_JA ? ja[r->verdict] : en[r->verdict];
}

const char *ks_cl_cover_id(ks_cover c)
{
	return c == KS_COVER_FULL ? "full" : c == KS_COVER_PARTIAL ? "partial" : "gap";
}

const char *ks_cl_cover_label(ks_cover c, ks_lang lang)
{
	bool ja = lang == KS_LANG_JA;
	if (c == KS_COVER_FULL)
		return ja ? "対応済" : "Covered";
	if (c == KS_COVER_PARTIAL)
		return ja ? "一部対応" : "Partly covered";
	return ja ? "未対応" : "Not covered";
}

const char *ks_cl_cell_label(int cell, ks_lang lang)
{
	static const char *const ja[KS_CELLS] = {
		"組織的・是正的", "組織的・発見的", "組織的・予防的",
		"システム的・是正的", "システム的・発見的", "システム的・予防的",
		"人的・是正的", "人的・発見的", "人的・予防的",
	};
	static const char *const en[KS_CELLS] = {
		"Organisational, corrective", "Organisational, detective", "Organisational, preventive",
		"System, corrective", "System, detective", "System, preventive",
		"Staff, corrective", "Staff, detective", "Staff, preventive",
	};
	if (cell < 0 || cell >= KS_CELLS)
		return "?";
	return lang == KS_LANG_JA ? ja[cell] : en[cell];
}

const char *ks_cl_cell_text(const ks_cl_cell *c, ks_lang lang, char *buf, size_t len)
{
	bool ja = lang == KS_LANG_JA;
	const char *mark = ks_mark_label(c->mark, lang);
	const char *hosts = c->nhosts == 1 ? "host" : "hosts";
	if (!c->applies || !c->nhosts)
		snprintf(buf, len, "%s", mark);
	else if (c->mark == KS_MARK_NO || c->mark == KS_MARK_CHECK)
		snprintf(buf, len, ja ? "%s (%zu/%zu台)" : "%s (%zu/%zu %s)", mark,
		         c->mark == KS_MARK_NO ? c->nfail : c->nunknown, c->nhosts, hosts);
	else
		snprintf(buf, len, ja ? "%s (%zu台)" : "%s (%zu %s)", mark, c->nhosts, hosts);
	return buf;
}
