/* JSON report, schema "kenshin.scan/1" (docs/json.md). Built with jansson: it escapes for us. */
#include "report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "verdict/waiver.h"

/* Host files are not guaranteed UTF-8: invalid bytes become U+FFFD rather than bad JSON. */
static json_t *safe_string(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	if (j)
		return j;
	char *buf = malloc(len * 3 + 1);
	if (!buf)
		return json_null();
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80 && c != 0) {
			buf[k++] = (char)c;
		} else {
			/* keep valid multi-byte sequences, replace the rest */
			size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
			json_t *t = n && i + n <= len ? json_stringn(s + i, n) : NULL;
			if (t) {
				memcpy(buf + k, s + i, n);
				k += n;
				i += n - 1;
				json_decref(t);
			} else {
				memcpy(buf + k, "\xef\xbf\xbd", 3);
				k += 3;
			}
		}
	}
	j = json_stringn(buf, k);
	free(buf);
	return j ? j : json_null();
}

static json_t *value_json(const ks_value *v, int depth)
{
	if (!v || depth > 16)
		return json_null();
	switch (v->type) {
	case KS_VAL_UNKNOWN: return json_null();
	case KS_VAL_BOOL: return json_boolean(v->u.b);
	case KS_VAL_INT: return json_integer((json_int_t)v->u.i);
	case KS_VAL_STR: return safe_string(v->u.str.s, v->u.str.len);
	case KS_VAL_LIST: {
		json_t *a = json_array();
		for (size_t i = 0; i < v->u.list.n; i++)
			json_array_append_new(a, value_json(&v->u.list.items[i], depth + 1));
		return a;
	}
	case KS_VAL_RECORD: {
		json_t *o = json_object();
		for (size_t i = 0; i < v->u.rec.n; i++)
			json_object_set_new_nocheck(o, v->u.rec.keys[i], value_json(&v->u.rec.vals[i], depth + 1));
		return o;
	}
	}
	return json_null();
}

static json_t *str_or_null(const char *s)
{
	return s ? safe_string(s, strlen(s)) : json_null();
}

static json_t *text_json(const ks_text *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "ja", str_or_null(t->ja));
	json_object_set_new(o, "en", str_or_null(t->en));
	return o;
}

static json_t *host_json(const ks_report *r)
{
	json_t *h = json_object();
	static const struct { const char *json, *fact; } map[] = {
		{"hostname", "host.hostname"}, {"os", "os.pretty_name"}, {"os_id", "os.id"},
		{"os_version", "os.version_id"}, {"kernel", "host.kernel"}, {"arch", "host.arch"},
		{"machine_id", "host.machine_id"}, {"addresses", "host.addresses"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		const ks_fact *f = ks_fact_get(r->facts, map[i].fact);
		json_object_set_new(h, map[i].json, f ? value_json(&f->value, 0) : json_null());
	}
	json_object_set_new(h, "role", json_string(ks_target_name(r->verdicts->role)));
	return h;
}

static json_t *result_json(const ks_verdict *v)
{
	json_t *o = json_object();
	json_object_set_new(o, "item", json_string(v->item->id));
	json_object_set_new(o, "label", str_or_null(v->item->label));
	json_object_set_new(o, "verdict", json_string(ks_verdict_id(v->kind)));
	json_object_set_new(o, "title", text_json(&v->item->title));
	json_t *targets = json_array();
	for (unsigned b = 1; b <= KS_TARGET_NETWORK; b <<= 1)
		if (v->item->targets & b)
			json_array_append_new(targets, json_string(ks_target_name(b)));
	json_object_set_new(o, "targets", targets);
	json_object_set_new(o, "severity", str_or_null(v->rule->severity));
	json_t *ev = json_array();
	for (size_t i = 0; i < v->nevidence; i++) {
		const ks_evidence *e = &v->evidence[i];
		json_t *x = json_object();
		json_object_set_new(x, "fact", str_or_null(e->fact));
		json_object_set_new(x, "value", value_json(e->value, 0));
		json_object_set_new(x, "source", str_or_null(e->source));
		if (e->note)
			json_object_set_new(x, "note", str_or_null(e->note));
		json_object_set_new(x, "decisive", json_boolean(e->decisive));
		json_array_append_new(ev, x);
	}
	json_object_set_new(o, "evidence", ev);
	json_t *refs = json_array();
	for (size_t i = 0; i < v->item->nreferences; i++)
		json_array_append_new(refs, str_or_null(v->item->references[i]));
	json_object_set_new(o, "references", refs);
	json_object_set_new(o, "remediation", text_json(&v->rule->remediation));
	if (v->kind == KS_VERDICT_MANUAL || v->kind == KS_VERDICT_UNKNOWN)
		json_object_set_new(o, "question", text_json(&v->item->question));
	if (v->error)
		json_object_set_new(o, "rule_error", str_or_null(v->error));
	if (v->waiver) {
		json_t *w = json_object();
		json_object_set_new(w, "justification", str_or_null(v->waiver->justification));
		json_object_set_new(w, "approver", str_or_null(v->waiver->approver));
		json_object_set_new(w, "expires", str_or_null(v->waiver->expires));
		json_object_set_new(w, "host", str_or_null(v->waiver->host));
		json_object_set_new(w, "source", str_or_null(v->waiver->source));
		json_object_set_new(w, "expired", json_boolean(v->waiver_expired));
		json_object_set_new(w, "verdict_without_waiver", json_string(ks_verdict_id(v->unwaived)));
		json_object_set_new(o, "waiver", w);
	}
	return o;
}

int ks_report_render_json(const ks_report *r, FILE *out)
{
	json_t *root = json_object();
	char when[32];
	ks_report_iso_time(r->scanned_at, when, sizeof when);
	json_object_set_new(root, "schema", json_string("kenshin.scan/1"));
	json_object_set_new(root, "kenshin", json_string(KS_VERSION));
	json_object_set_new(root, "profile", str_or_null(r->profile->name));
	json_t *cat = json_object();
	json_object_set_new(cat, "name", str_or_null(r->profile->catalog->name));
	json_object_set_new(cat, "edition", str_or_null(r->profile->catalog->edition));
	json_object_set_new(root, "catalog", cat);
	json_object_set_new(root, "scanned_at", json_string(when));
	json_object_set_new(root, "root", str_or_null(r->root));
	json_object_set_new(root, "as_root", json_boolean(r->as_root));
	json_object_set_new(root, "host", host_json(r));
	json_object_set_new(root, "params", value_json(&r->profile->params, 0));
	size_t counts[KS_VERDICT_KINDS];
	ks_report_counts(r, counts);
	json_t *sum = json_object();
	for (int k = 0; k < KS_VERDICT_KINDS; k++)
		json_object_set_new(sum, ks_verdict_id((ks_verdict_kind)k), json_integer((json_int_t)counts[k]));
	json_object_set_new(root, "summary", sum);
	json_t *results = json_array();
	for (size_t i = 0; i < r->verdicts->n; i++)
		json_array_append_new(results, result_json(&r->verdicts->items[i]));
	json_object_set_new(root, "results", results);
	json_t *diags = json_array();
	for (size_t i = 0; i < ks_diags_count(r->diags); i++) {
		const ks_diag *d = ks_diags_at(r->diags, i);
		json_t *x = json_object();
		static const char *const sev[] = {"info", "warning", "error"};
		json_object_set_new(x, "severity", json_string(sev[d->severity]));
		json_object_set_new(x, "path", str_or_null(d->path));
		json_object_set_new(x, "line", json_integer(d->line));
		json_object_set_new(x, "column", json_integer(d->column));
		json_object_set_new(x, "message", str_or_null(d->message));
		json_array_append_new(diags, x);
	}
	json_object_set_new(root, "diagnostics", diags);
	json_object_set_new(root, "diagnostics_dropped", json_integer((json_int_t)ks_diags_dropped(r->diags)));
	int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? KS_OK : KS_EIO;
	fputc('\n', out);
	json_decref(root);
	return rc;
}

int ks_report_facts_json(const ks_facts *facts, FILE *out)
{
	json_t *root = json_object();
	json_object_set_new(root, "schema", json_string("kenshin.facts/1"));
	json_t *arr = json_array();
	for (size_t i = 0; i < ks_facts_count(facts); i++) {
		const ks_fact *f = ks_facts_at(facts, i);
		json_t *x = json_object();
		json_object_set_new(x, "key", str_or_null(f->key));
		json_object_set_new(x, "value", value_json(&f->value, 0));
		json_object_set_new(x, "path", str_or_null(f->source.path));
		json_object_set_new(x, "line", json_integer(f->source.line));
		json_object_set_new(x, "probe", str_or_null(f->source.probe));
		if (f->reason)
			json_object_set_new(x, "unknown", str_or_null(f->reason));
		json_array_append_new(arr, x);
	}
	json_object_set_new(root, "facts", arr);
	int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? KS_OK : KS_EIO;
	fputc('\n', out);
	json_decref(root);
	return rc;
}
