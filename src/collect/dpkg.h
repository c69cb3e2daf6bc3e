/* dpkg package database: a deb822 paragraph reader and the installed-package list it yields. */
#ifndef KS_DPKG_H
#define KS_DPKG_H
#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

#define KS_DPKG_STATUS "/var/lib/dpkg/status"

/* deb822(5) reader: one pass over a buffer, no copies. Also fits apt's Packages/Release files. */
typedef struct ks_deb822 {
	ks_collect_ctx *ctx; /* for diagnostics; may be NULL */
	const char *path;
	const char *p, *end;
	int lineno;         /* of the last line consumed */
	bool in_paragraph;
	int paragraph_line;
} ks_deb822;

typedef struct ks_deb822_field {
	const char *name;  /* field name (case-insensitive per deb822) */
	size_t name_len;
	const char *value; /* first-line value, trimmed */
	size_t value_len;
	const char *raw;   /* the whole value including continuation lines, untrimmed */
	size_t raw_len;
	int line;          /* 1-based line of the field name */
	int paragraph_line; /* line of the paragraph's first field */
} ks_deb822_field;

enum { KS_DEB822_EOF = 0, KS_DEB822_FIELD = 1, KS_DEB822_END = 2 };

void ks_deb822_init(ks_deb822 *r, ks_collect_ctx *ctx, const char *path, const char *data, size_t len);
/* KS_DEB822_FIELD with *f filled; KS_DEB822_END once after the last field of a paragraph;
 * KS_DEB822_EOF at the end of input. Malformed lines are reported and skipped. */
int ks_deb822_next(ks_deb822 *r, ks_deb822_field *f);

/* Parses a dpkg status file held in DATA into *INSTALLED: a list of records {name, version, arch,
 * source} for packages whose Status third word is "installed", sorted by name then arch. */
int ks_dpkg_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                         ks_value *installed);

/* The installed-package record named NAME from the packages.installed fact (first architecture
 * when several are installed), or NULL when it is not installed or the fact is not known. */
const ks_value *ks_dpkg_find(const ks_facts *f, const char *name);
/* As ks_dpkg_find, in a list returned by ks_dpkg_parse_buffer. */
const ks_value *ks_dpkg_find_in(const ks_value *installed, const char *name);
/* True when the package database was read (packages.installed is a list). */
bool ks_dpkg_available(const ks_facts *f);

#endif
