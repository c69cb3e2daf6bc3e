/* Read-only access to one YAML document (libyaml's document API) with node positions, so that
 * every error in a catalog, profile or answers file can name its line and column. */
#ifndef KS_YAML_H
#define KS_YAML_H
#include <stdbool.h>
#include <stddef.h>

typedef struct ks_yaml ks_yaml;
typedef int ks_ynode; /* 0 = no node */

/* Parses DATA. On a syntax error returns KS_EPARSE with "NAME:LINE:COL: problem" in ERR. An empty
 * document is an error too (there is nothing to load). */
int ks_yaml_load(ks_yaml **out, const char *name, const char *data, size_t len, char *err, size_t errlen);
void ks_yaml_free(ks_yaml *y); /* accepts NULL */

ks_ynode ks_yaml_root(const ks_yaml *y);
bool ks_yaml_is_map(const ks_yaml *y, ks_ynode n);
bool ks_yaml_is_seq(const ks_yaml *y, ks_ynode n);
bool ks_yaml_is_scalar(const ks_yaml *y, ks_ynode n);
/* Scalar text (NUL-terminated) or NULL when N is not a scalar. */
const char *ks_yaml_str(const ks_yaml *y, ks_ynode n);
/* Byte length of a scalar's text, which a "\0" escape can make longer than strlen(); 0 for a
 * node that is not a scalar. */
size_t ks_yaml_strlen(const ks_yaml *y, ks_ynode n);
/* Value of KEY in mapping MAP, or 0. */
ks_ynode ks_yaml_get(const ks_yaml *y, ks_ynode map, const char *key);
size_t ks_yaml_len(const ks_yaml *y, ks_ynode n); /* items of a sequence, pairs of a mapping */
ks_ynode ks_yaml_at(const ks_yaml *y, ks_ynode seq, size_t i);
ks_ynode ks_yaml_key_at(const ks_yaml *y, ks_ynode map, size_t i);
ks_ynode ks_yaml_value_at(const ks_yaml *y, ks_ynode map, size_t i);
int ks_yaml_line(const ks_yaml *y, ks_ynode n);   /* 1-based */
int ks_yaml_column(const ks_yaml *y, ks_ynode n); /* 1-based */
const char *ks_yaml_name(const ks_yaml *y);

#endif
