/* Thin wrapper over libyaml's document loader: the parser is libyaml's; we only add positions. */
#include "yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "error.h"

struct ks_yaml {
	yaml_document_t doc;
	char *name;
};

int ks_yaml_load(ks_yaml **out, const char *name, const char *data, size_t len, char *err, size_t errlen)
{
	*out = NULL;
	ks_yaml *y = calloc(1, sizeof *y);
	if (!y)
		return KS_ENOMEM;
	y->name = strdup(name ? name : "(input)");
	yaml_parser_t p;
	if (!y->name || !yaml_parser_initialize(&p)) {
		free(y->name);
		free(y);
		return KS_ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	int rc = KS_OK;
	if (!yaml_parser_load(&p, &y->doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: %s%s%s", y->name, p.problem_mark.line + 1,
		         p.problem_mark.column + 1, p.problem ? p.problem : "syntax error",
		         p.context ? " " : "", p.context ? p.context : "");
		yaml_parser_delete(&p);
		free(y->name);
		free(y);
		return KS_EPARSE;
	}
	/* Only one document is read: a second one ("---") would be ignored, so it is an error. */
	yaml_document_t next;
	if (!yaml_parser_load(&p, &next)) {
		snprintf(err, errlen, "%s:%zu:%zu: %s%s%s", y->name, p.problem_mark.line + 1,
		         p.problem_mark.column + 1, p.problem ? p.problem : "syntax error",
		         p.context ? " " : "", p.context ? p.context : "");
		rc = KS_EPARSE;
	} else {
		if (yaml_document_get_root_node(&next)) {
			snprintf(err, errlen, "%s:%zu:%zu: a second YAML document starts here; a file holds one",
			         y->name, next.start_mark.line + 1, next.start_mark.column + 1);
			rc = KS_EPARSE;
		}
		yaml_document_delete(&next);
	}
	yaml_parser_delete(&p);
	if (rc == KS_OK && !yaml_document_get_root_node(&y->doc)) {
		snprintf(err, errlen, "%s:1:1: the document is empty", y->name);
		rc = KS_EPARSE;
	}
	if (rc < 0) {
		ks_yaml_free(y);
		return rc;
	}
	*out = y;
	return KS_OK;
}

void ks_yaml_free(ks_yaml *y)
{
	if (!y)
		return;
	yaml_document_delete(&y->doc);
	free(y->name);
	free(y);
}

static yaml_node_t *nd(const ks_yaml *y, ks_ynode n)
{
	return n ? yaml_document_get_node((yaml_document_t *)&y->doc, n) : NULL;
}

ks_ynode ks_yaml_root(const ks_yaml *y) { return y ? 1 : 0; }

bool ks_yaml_is_map(const ks_yaml *y, ks_ynode n)
{
	yaml_node_t *x = nd(y, n);
	return x && x->type == YAML_MAPPING_NODE;
}

bool ks_yaml_is_seq(const ks_yaml *y, ks_ynode n)
{
	yaml_node_t *x = nd(y, n);
	return x && x->type == YAML_SEQUENCE_NODE;
}

bool ks_yaml_is_scalar(const ks_yaml *y, ks_ynode n)
{
	yaml_node_t *x = nd(y, n);
	return x && x->type == YAML_SCALAR_NODE;
}

const char *ks_yaml_str(const ks_yaml *y, ks_ynode n)
{
	yaml_node_t *x = nd(y, n);
	return x && x->type == YAML_SCALAR_NODE ? (const char *)x->data.scalar.value : NULL;
}

size_t ks_yaml_strlen(const ks_yaml *y, ks_ynode n)
{
	yaml_node_t *x = nd(y, n);
	return x && x->type == YAML_SCALAR_NODE ? x->data.scalar.length : 0;
}

ks_ynode ks_yaml_get(const ks_yaml *y, ks_ynode map, const char *key)
{
	yaml_node_t *x = nd(y, map);
	if (!x || x->type != YAML_MAPPING_NODE)
		return 0;
	for (yaml_node_pair_t *p = x->data.mapping.pairs.start; p < x->data.mapping.pairs.top; p++) {
		const char *k = ks_yaml_str(y, p->key);
		if (k && strcmp(k, key) == 0)
			return p->value;
	}
	return 0;
}

size_t ks_yaml_len(const ks_yaml *y, ks_ynode n)
{
	yaml_node_t *x = nd(y, n);
	if (!x)
		return 0;
	if (x->type == YAML_SEQUENCE_NODE)
		return (size_t)(x->data.sequence.items.top - x->data.sequence.items.start);
	if (x->type == YAML_MAPPING_NODE)
		return (size_t)(x->data.mapping.pairs.top - x->data.mapping.pairs.start);
	return 0;
}

ks_ynode ks_yaml_at(const ks_yaml *y, ks_ynode seq, size_t i)
{
	yaml_node_t *x = nd(y, seq);
	if (!x || x->type != YAML_SEQUENCE_NODE || i >= ks_yaml_len(y, seq))
		return 0;
	return x->data.sequence.items.start[i];
}

ks_ynode ks_yaml_key_at(const ks_yaml *y, ks_ynode map, size_t i)
{
	yaml_node_t *x = nd(y, map);
	if (!x || x->type != YAML_MAPPING_NODE || i >= ks_yaml_len(y, map))
		return 0;
	return x->data.mapping.pairs.start[i].key;
}

ks_ynode ks_yaml_value_at(const ks_yaml *y, ks_ynode map, size_t i)
{
	yaml_node_t *x = nd(y, map);
	if (!x || x->type != YAML_MAPPING_NODE || i >= ks_yaml_len(y, map))
		return 0;
	return x->data.mapping.pairs.start[i].value;
}

int ks_yaml_line(const ks_yaml *y, ks_ynode n)
{
	yaml_node_t *x = nd(y, n);
	return x ? (int)x->start_mark.line + 1 : 0;
}

int ks_yaml_column(const ks_yaml *y, ks_ynode n)
{
	yaml_node_t *x = nd(y, n);
	return x ? (int)x->start_mark.column + 1 : 0;
}

const char *ks_yaml_name(const ks_yaml *y) { return y->name; }
