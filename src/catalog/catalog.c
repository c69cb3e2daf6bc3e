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

static const char *const cell_names[KS_CELLS] = {
	"organisational-corrective", "organisational-detective", "organisational-preventive",
	"system-corrective",         "system-detective",         "system-preventive",
	"staff-corrective",          "staff-detective",          "staff-preventive",
};

int ks_cell_parse(const char *s)
{
	for (int i = 0; i < KS_CELLS; i++)
		if (strcmp(s, cell_names[i]) == 0)
			return i;
	return -1;
}

const char *ks_cell_id(int cell)
{
	return cell >= 0 && cell < KS_CELLS ? cell_names[cell] : "?";
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
	const char **controls;
	size_t nc;
	if (ks_loader_strlist(l, n, "controls", &controls, &nc) < 0)
		return KS_EPARSE;
	for (size_t i = 0; i < nc; i++) {
		int cell = ks_cell_parse(controls[i]);
		if (cell < 0)
			return ks_loader_fail(l, ks_yaml_get(l->y, n, "controls"),
			                      "unknown 3x3 cell (expected ROW-COLUMN with ROW organisational, "
			                      "system or staff and COLUMN corrective, detective or preventive)");
		it->controls |= 1u << cell;
	}
	return ks_loader_strlist(l, n, "references", &it->references, &it->nreferences);
}

static int load_sections(struct ks_loader *l, ks_ynode root, ks_catalog *c)
{
	ks_ynode secs = ks_yaml_get(l->y, root, "sections");
	if (!secs)
		return KS_OK;
	if (!ks_yaml_is_seq(l->y, secs))
		return ks_loader_fail(l, secs, "expected a list under 'sections'");
	c->nsections = ks_yaml_len(l->y, secs);
	c->sections = ks_arena_alloc(l->a, (c->nsections + 1) * sizeof *c->sections);
	if (!c->sections)
		return KS_ENOMEM;
	for (size_t i = 0; i < c->nsections; i++) {
		ks_ynode n = ks_yaml_at(l->y, secs, i);
		if (!ks_yaml_is_map(l->y, n))
			return ks_loader_fail(l, n, "expected a mapping {number, ja, en} for a section");
		int64_t num;
		if (ks_loader_int(l, n, "number", true, &num) < 0 ||
		    ks_loader_str(l, n, "ja", false, &c->sections[i].title.ja) < 0 ||
		    ks_loader_str(l, n, "en", false, &c->sections[i].title.en) < 0)
			return KS_EPARSE;
		c->sections[i].number = (int)num;
	}
	return KS_OK;
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
	         ks_loader_text(&l, root, "title", false, &c->title) == 0 &&
	         (rc = load_sections(&l, root, c)) == KS_OK) {
		ks_ynode items = ks_yaml_get(l.y, root, "items");
		if (!ks_yaml_is_seq(l.y, items)) {
			rc = ks_loader_fail(&l, items ? items : root, "expected a list under 'items'");
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

const ks_section *ks_catalog_section(const ks_catalog *c, int number)
{
	for (size_t i = 0; i < c->nsections; i++)
		if (c->sections[i].number == number)
			return &c->sections[i];
	return NULL;
}
