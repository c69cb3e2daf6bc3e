/* Profile loader: rules, parameters and their validation against the catalog. */
#include "profile.h"

#include <stdio.h>
#include <string.h>

#include "catalog/loadutil.h"
#include "core/error.h"
#include "core/text.h"

static ks_value scalar_value(ks_arena *a, const char *s)
{
	int64_t i;
	if (ks_parse_int(s, strlen(s), &i))
		return ks_val_int(i);
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
		return ks_val_bool(true);
	if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
		return ks_val_bool(false);
	return ks_val_strz(a, s);
}

static ks_value list_value(ks_arena *a, const char *csv)
{
	ks_value l = ks_val_list();
	const char *s = csv;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		const char *w = s;
		ks_trim(&w, &n);
		if (n && ks_list_push(a, &l, ks_val_str(a, w, n)) < 0)
			return ks_val_unknown();
		s += (e ? (size_t)(e - s) + 1 : strlen(s));
	}
	return l;
}

static int load_params(struct ks_loader *l, ks_profile *p, ks_ynode n)
{
	p->params = ks_val_record();
	/* $role is always defined: the scan sets it from --role (server until then). */
	if (ks_record_set(l->a, &p->params, "role", ks_val_strz(l->a, "server")) < 0)
		return KS_ENOMEM;
	if (!n)
		return 0;
	if (!ks_yaml_is_map(l->y, n))
		return ks_loader_fail(l, n, "'params' must be a mapping of name: {default: ..., help: ...}");
	size_t len = ks_yaml_len(l->y, n);
	p->param_docs = ks_arena_alloc(l->a, (len + 1) * sizeof *p->param_docs);
	if (!p->param_docs)
		return KS_ENOMEM;
	for (size_t i = 0; i < len; i++) {
		const char *name = ks_yaml_str(l->y, ks_yaml_key_at(l->y, n, i));
		ks_ynode v = ks_yaml_value_at(l->y, n, i);
		ks_ynode defnode = ks_yaml_is_map(l->y, v) ? ks_yaml_get(l->y, v, "default") : v;
		ks_text help = {0};
		if (ks_yaml_is_map(l->y, v) && ks_loader_text(l, v, "help", false, &help) < 0)
			return KS_EPARSE;
		ks_value value;
		if (ks_yaml_is_seq(l->y, defnode)) {
			value = ks_val_list();
			for (size_t k = 0; k < ks_yaml_len(l->y, defnode); k++) {
				const char *item = ks_yaml_str(l->y, ks_yaml_at(l->y, defnode, k));
				if (!item)
					return ks_loader_fail(l, defnode, "a list parameter holds plain values");
				if (ks_list_push(l->a, &value, ks_val_strz(l->a, item)) < 0)
					return KS_ENOMEM;
			}
		} else {
			const char *def = ks_yaml_str(l->y, defnode);
			if (!def)
				return ks_loader_fail(l, v, "a parameter needs a name and a default value");
			value = scalar_value(l->a, def);
		}
		if (!name || strcmp(name, "role") == 0)
			return ks_loader_fail(l, v, "a parameter needs a name other than the built-in 'role'");
		if (ks_record_set(l->a, &p->params, name, value) < 0)
			return KS_ENOMEM;
		p->param_docs[p->nparam_docs++] = (ks_param_doc){ks_arena_strdup(l->a, name), help};
	}
	return 0;
}

struct refcheck {
	const ks_profile *p;
	const char *missing;
};

static void check_ref(void *ud, const char *name, bool is_param)
{
	struct refcheck *rc = ud;
	if (is_param && !rc->missing && !ks_record_get(&rc->p->params, name))
		rc->missing = name;
}

static int load_expr(struct ks_loader *l, const ks_profile *p, ks_ynode rule, const char *key,
                     const char **src, ks_expr **out)
{
	if (ks_loader_str(l, rule, key, false, src) < 0)
		return KS_EPARSE;
	if (!*src)
		return 0;
	char perr[256];
	ks_ynode at = ks_yaml_get(l->y, rule, key);
	if (ks_expr_parse(l->a, *src, out, perr, sizeof perr) < 0) {
		char msg[400];
		snprintf(msg, sizeof msg, "%s: %s", key, perr);
		return ks_loader_fail(l, at, msg);
	}
	struct refcheck rc = {.p = p};
	ks_expr_walk_refs(*out, check_ref, &rc);
	if (rc.missing) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s uses $%s, which 'params' does not declare", key, rc.missing);
		return ks_loader_fail(l, at, msg);
	}
	return 0;
}

static int load_rule(struct ks_loader *l, ks_profile *p, ks_ynode n, ks_rule *r)
{
	if (!ks_yaml_is_map(l->y, n))
		return ks_loader_fail(l, n, "expected a mapping for a rule");
	r->line = ks_yaml_line(l->y, n);
	const char *otherwise = NULL;
	if (ks_loader_str(l, n, "item", true, &r->item_id) < 0 ||
	    ks_loader_str(l, n, "severity", false, &r->severity) < 0 ||
	    ks_loader_str(l, n, "otherwise", false, &otherwise) < 0 ||
	    ks_loader_text(l, n, "method", false, &r->method) < 0 ||
	    ks_loader_text(l, n, "remediation", false, &r->remediation) < 0 ||
	    ks_loader_strlist(l, n, "evidence", &r->evidence, &r->nevidence) < 0 ||
	    load_expr(l, p, n, "pass_if", &r->pass_if_src, &r->pass_if) < 0 ||
	    load_expr(l, p, n, "fail_if", &r->fail_if_src, &r->fail_if) < 0 ||
	    load_expr(l, p, n, "unknown_if", &r->unknown_if_src, &r->unknown_if) < 0)
		return KS_EPARSE;
	if (r->unknown_if && !r->fail_if && !r->pass_if)
		return ks_loader_fail(l, ks_yaml_get(l->y, n, "unknown_if"), "unknown_if needs fail_if or pass_if");
	r->item = ks_catalog_find(p->catalog, r->item_id);
	if (!r->item)
		return ks_loader_fail(l, ks_yaml_get(l->y, n, "item"), "no such item in the catalog");
	if (!otherwise || strcmp(otherwise, "pass") == 0)
		r->otherwise = KS_OTHERWISE_PASS;
	else if (strcmp(otherwise, "manual") == 0)
		r->otherwise = KS_OTHERWISE_MANUAL;
	else
		return ks_loader_fail(l, ks_yaml_get(l->y, n, "otherwise"), "expected 'pass' or 'manual'");
	if (!r->severity)
		r->severity = "medium";
	return 0;
}

int ks_profile_load(ks_arena *a, const char *origin, const char *data, size_t len,
                    const ks_catalog *catalog, ks_profile **out, char *err, size_t errlen)
{
	*out = NULL;
	struct ks_loader l = {.a = a, .err = err, .errlen = errlen};
	int rc = ks_yaml_load(&l.y, origin, data, len, err, errlen);
	if (rc < 0)
		return rc;
	ks_profile *p = ks_arena_alloc(a, sizeof *p);
	ks_ynode root = ks_yaml_root(l.y);
	rc = KS_EPARSE;
	ks_rule *loaded = NULL;
	size_t nloaded = 0;
	if (!p) {
		rc = KS_ENOMEM;
		goto out;
	}
	p->catalog = catalog;
	if (!ks_yaml_is_map(l.y, root)) {
		ks_loader_fail(&l, root, "expected a mapping at the top level");
		goto out;
	}
	if (ks_loader_str(&l, root, "profile", true, &p->name) < 0 ||
	    ks_loader_str(&l, root, "catalog", true, &p->catalog_name) < 0 ||
	    ks_loader_text(&l, root, "title", false, &p->title) < 0 ||
	    load_params(&l, p, ks_yaml_get(l.y, root, "params")) < 0)
		goto out;
	if (strcmp(p->catalog_name, catalog->name) != 0) {
		ks_loader_fail(&l, ks_yaml_get(l.y, root, "catalog"), "profile names a different catalog");
		goto out;
	}
	ks_ynode rules = ks_yaml_get(l.y, root, "rules");
	if (!ks_yaml_is_seq(l.y, rules)) {
		ks_loader_fail(&l, rules ? rules : root, "expected a list under 'rules'");
		goto out;
	}
	nloaded = ks_yaml_len(l.y, rules);
	loaded = ks_arena_alloc(a, (nloaded + 1) * sizeof *loaded);
	if (!loaded) {
		rc = KS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nloaded; i++) {
		if (load_rule(&l, p, ks_yaml_at(l.y, rules, i), &loaded[i]) < 0)
			goto out;
		for (size_t j = 0; j < i; j++)
			if (loaded[j].item == loaded[i].item) {
				ks_loader_fail(&l, ks_yaml_at(l.y, rules, i), "a second rule for the same item");
				goto out;
			}
	}
	/* One rule per catalog item, in catalog order: the report follows the official form. */
	p->rules = ks_arena_alloc(a, (catalog->nitems + 1) * sizeof *p->rules);
	if (!p->rules) {
		rc = KS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < catalog->nitems; i++) {
		ks_rule *r = &p->rules[p->nrules++];
		const ks_item *it = &catalog->items[i];
		size_t j = 0;
		while (j < nloaded && loaded[j].item != it)
			j++;
		if (j < nloaded) {
			*r = loaded[j];
		} else {
			r->item_id = it->id;
			r->item = it;
			r->implicit = true;
			r->severity = "medium";
			r->otherwise = KS_OTHERWISE_MANUAL;
		}
	}
	rc = KS_OK;
out:
	ks_yaml_free(l.y);
	if (rc == KS_OK)
		*out = p;
	return rc;
}

int ks_profile_set_param(ks_arena *a, ks_profile *p, const char *name, const char *value, char *err,
                         size_t errlen)
{
	const ks_value *cur = ks_record_get(&p->params, name);
	if (!cur) {
		snprintf(err, errlen, "profile %s has no parameter '%s'", p->name, name);
		return KS_EUSAGE;
	}
	if (strcmp(name, "role") == 0) {
		snprintf(err, errlen, "'role' is set with --role, not as a parameter");
		return KS_EUSAGE;
	}
	ks_value v = cur->type == KS_VAL_LIST ? list_value(a, value) : scalar_value(a, value);
	if (v.type != cur->type) {
		snprintf(err, errlen, "parameter '%s' expects %s, got '%s'", name,
		         cur->type == KS_VAL_INT ? "a whole number" : cur->type == KS_VAL_BOOL ? "true or false" : "text",
		         value);
		return KS_EUSAGE;
	}
	if (v.type == KS_VAL_INT && v.u.i < 0) {
		snprintf(err, errlen, "parameter '%s' must not be negative", name);
		return KS_EUSAGE;
	}
	return ks_record_set(a, &p->params, name, v);
}

int ks_profile_set_role(ks_arena *a, ks_profile *p, const char *role)
{
	return ks_record_set(a, &p->params, "role", ks_val_strz(a, role));
}

const ks_rule *ks_profile_rule(const ks_profile *p, const char *item_id)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].item_id, item_id) == 0)
			return &p->rules[i];
	return NULL;
}
