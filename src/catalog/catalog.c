/* Catalog loader: validates the YAML shape and fails with file:line:column on any deviation. */
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/yaml.h"
#include "loadutil.h"

const char *ks_text_get(const ks_text *t, ks_lang lang)
{
	const char *first = lang == KS_LANG_JA ? t->ja : t->en;
	const char *second = lang == KS_LANG_JA ? t->en : t->ja;
	return first && *first ? first : second ? second : "";
}

static const char *const target_names[] = {"server", "terminal", "network"};

const char *ks_target_name(unsigned bit)
{
	for (unsigned i = 0; i < 3; i++)
		if (bit == 1u << i)
			return target_names[i];
	return "?";
}

int ks_target_parse(const char *s)
{
	for (unsigned i = 0; i < 3; i++)
		if (strcmp(s, target_names[i]) == 0)
			return (int)(1u << i);
	return -1;
}

static int load_item(struct ks_loader *l, ks_ynode n, ks_item *it)
{
	if (!ks_yaml_is_map(l->y, n))
		return ks_loader_fail(l, n, "expected a mapping for an item");
	it->line = ks_yaml_line(l->y, n);
	if (ks_loader_str(l, n, "id", true, &it->id) < 0 || ks_loader_str(l, n, "label", false, &it->label) < 0 ||
	    ks_loader_text(l, n, "title", true, &it->title) < 0 ||
	    ks_loader_text(l, n, "question", false, &it->question) < 0 ||
	    ks_loader_text(l, n, "why", false, &it->why) < 0)
		return KS_EPARSE;
	int64_t section = 0;
	if (ks_loader_int(l, n, "section", true, &section) < 0)
		return KS_EPARSE;
	it->section = (int)section;
	if (!it->label)
		it->label = it->id;
	const char **targets;
	size_t nt;
	if (ks_loader_strlist(l, n, "targets", &targets, &nt) < 0)
		return KS_EPARSE;
	for (size_t i = 0; i < nt; i++) {
		int b = ks_target_parse(targets[i]);
		if (b < 0)
			return ks_loader_fail(l, ks_yaml_get(l->y, n, "targets"),
			                      "unknown target (expected server, terminal or network)");
		it->targets |= (unsigned)b;
	}
	const char **forms;
	size_t nf;
	if (ks_loader_strlist(l, n, "forms", &forms, &nf) < 0)
		return KS_EPARSE;
	for (size_t i = 0; i < nf; i++) {
		if (strcmp(forms[i], "facility") == 0)
			it->forms |= KS_FORM_FACILITY;
		else if (strcmp(forms[i], "vendor") == 0)
			it->forms |= KS_FORM_VENDOR;
		else
			return ks_loader_fail(l, ks_yaml_get(l->y, n, "forms"),
			                      "unknown form (expected facility or vendor)");
	}
	return ks_loader_strlist(l, n, "references", &it->references, &it->nreferences);
}

int ks_catalog_load(ks_arena *a, const char *origin, const char *data, size_t len, ks_catalog **out,
                    char *err, size_t errlen)
{
	*out = NULL;
	struct ks_loader l = {.a = a, .err = err, .errlen = errlen};
	int rc = ks_yaml_load(&l.y, origin, data, len, err, errlen);
	if (rc < 0)
		return rc;
	ks_catalog *c = ks_arena_alloc(a, sizeof *c);
	ks_ynode root = ks_yaml_root(l.y);
	rc = KS_EPARSE;
	if (!c)
		rc = KS_ENOMEM;
	else if (!ks_yaml_is_map(l.y, root))
		ks_loader_fail(&l, root, "expected a mapping at the top level");
	else if (ks_loader_str(&l, root, "catalog", true, &c->name) == 0 &&
	         ks_loader_str(&l, root, "edition", false, &c->edition) == 0 &&
	         ks_loader_text(&l, root, "title", false, &c->title) == 0) {
		ks_ynode items = ks_yaml_get(l.y, root, "items");
		if (!ks_yaml_is_seq(l.y, items)) {
			ks_loader_fail(&l, items ? items : root, "expected a list under 'items'");
		} else {
			c->nitems = ks_yaml_len(l.y, items);
			c->items = ks_arena_alloc(a, (c->nitems + 1) * sizeof *c->items);
			rc = c->items ? KS_OK : KS_ENOMEM;
			for (size_t i = 0; rc == KS_OK && i < c->nitems; i++) {
				rc = load_item(&l, ks_yaml_at(l.y, items, i), &c->items[i]);
				for (size_t j = 0; rc == KS_OK && j < i; j++)
					if (strcmp(c->items[j].id, c->items[i].id) == 0)
						rc = ks_loader_fail(&l, ks_yaml_at(l.y, items, i), "duplicate item id");
			}
		}
	}
	ks_yaml_free(l.y);
	if (rc == KS_OK)
		*out = c;
	return rc;
}

const ks_item *ks_catalog_find(const ks_catalog *c, const char *id)
{
	for (size_t i = 0; i < c->nitems; i++)
		if (strcmp(c->items[i].id, id) == 0)
			return &c->items[i];
	return NULL;
}
