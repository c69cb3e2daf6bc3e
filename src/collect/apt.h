/* apt: configured sources, the Release and Packages lists of the last `apt update`, and the
 * security updates still pending for the installed packages. */
#ifndef KS_APT_H
#define KS_APT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"
#include "debversion.h"

#define KS_APT_LISTS "/var/lib/apt/lists"
#define KS_APT_MAX_SOURCES 4096 /* source entries kept (each file line / deb822 stanza expands) */

/* ---- sources.list(5) ---------------------------------------------------------------------- */

typedef struct ks_apt_source {
	bool deb, deb_src;          /* Types */
	const char *uri;            /* as written */
	const char *suite;          /* "bookworm-security"; a flat repository's path ends in '/' */
	const char **components;
	size_t ncomponents;
	const char **archs;         /* arch= / Architectures:; none = the dpkg architectures */
	size_t narchs;
	const char *path;           /* file inside the root */
	int line;                   /* of the one-line entry, or of the deb822 stanza's first field */
} ks_apt_source;

typedef struct ks_apt_sources {
	ks_apt_source *v; /* arena memory */
	size_t n, cap;
} ks_apt_sources;

/* One-line format ("deb [arch=amd64 signed-by=...] URI SUITE COMPONENT..."): entries appended to
 * *OUT (zero it first). Malformed lines get a warning and are skipped, as apt would refuse them. */
int ks_apt_sources_parse_list(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                              ks_apt_sources *out);
/* deb822 format (*.sources: Types, URIs, Suites, Components, Architectures, Enabled). */
int ks_apt_sources_parse_deb822(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                ks_apt_sources *out);

/* apt's URItoFileName(): the name under /var/lib/apt/lists of URI (normalised to end in '/')
 * followed by REST ("dists/bookworm-security/InRelease"): scheme and user:password@ dropped,
 * special characters %-quoted, '/' turned into '_'. NULL only when out of memory. */
char *ks_apt_list_name(ks_arena *a, const char *uri, const char *rest);

/* ---- Release / InRelease ------------------------------------------------------------------ */

typedef struct ks_apt_release {
	const char *origin, *label, *suite, *codename, *components, *architectures; /* NULL if absent */
	int label_line, suite_line, codename_line, date_line, valid_until_line;
	bool has_date, has_valid_until;
	int64_t date, valid_until;  /* epoch seconds */
	bool clearsigned;
} ks_apt_release;

/* Parses a Release file or the clearsigned body of an InRelease file (the signature is not
 * verified: apt did that before storing it). Returns 0 or KS_ENOMEM; problems are diagnostics. */
int ks_apt_release_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                ks_apt_release *out);
/* Label Debian-Security (Debian), or Suite or Codename ending in "-security" (Ubuntu, Debian 11+). */
bool ks_apt_release_is_security(const ks_apt_release *r);

/* RFC 2822 date as apt writes it in Release files ("Sat, 22 Nov 2025 08:12:34 UTC"): optional
 * weekday, day, English month, 4-digit year, HH:MM[:SS], zone UTC/GMT/UT/Z or +hhmm/-hhmm. */
bool ks_apt_parse_date(const char *s, size_t len, int64_t *epoch);

/* ---- Packages and pending updates --------------------------------------------------------- */

typedef struct ks_apt_index ks_apt_index; /* arena memory: freed with the arena */

/* Indexes the installed packages (a packages.installed list) whose architecture is NATIVE, "all"
 * or one of FOREIGN, hashed by name; arch "all" counts as NATIVE for matching (as apt does). */
int ks_apt_index_new(ks_collect_ctx *ctx, const ks_value *installed, const char *native,
                     const char *const *foreign, size_t nforeign, ks_apt_index **out);
/* Streams the stanzas of one Packages file (already decompressed) and keeps, for each installed
 * package, the highest version offered; SUITE names the suite in the result. */
int ks_apt_packages_parse_buffer(ks_collect_ctx *ctx, ks_apt_index *ix, const char *path,
                                 const char *suite, const char *data, size_t len);
/* The pending list: records {name, installed, candidate, suite, arch, summary, source} for each
 * package whose best offered version is higher than the installed one, by name then arch.
 * *UNDECIDED counts packages offered a version whose installed version does not parse. */
int ks_apt_index_pending(ks_collect_ctx *ctx, const ks_apt_index *ix, ks_value *out, size_t *undecided);

#endif
