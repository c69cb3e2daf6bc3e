/* Waiver file loading and application. */
#include "waiver.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "catalog/loadutil.h"
#include "core/error.h"

static const char *const known_keys[] = {"item", "host", "justification", "approver", "expires", NULL};

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Parses YYYY-MM-DD strictly; returns the last second of that day in UTC. */
static int parse_date(const char *s, time_t *out)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' || s[7] != '-')
		return -1;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y)))
		return -1;
	/* days since 1970-01-01 without timegm's dependence on the environment */
	long long days = 0;
	for (int yy = 1970; yy < y; yy++)
		days += 365 + leap(yy);
	for (int mm = 1; mm < m; mm++)
		days += mdays[mm - 1] + (mm == 2 && leap(y));
	days += d - 1;
	*out = (time_t)(days * 86400 + 86399);
	return 0;
}

int ks_waivers_load(ks_arena *a, const char *origin, const char *data, size_t len,
                    const ks_catalog *const *catalogs, size_t ncatalogs, ks_waivers *out, char *err,
                    size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct ks_loader l = {.a = a, .err = err, .errlen = errlen};
	int rc = ks_yaml_load(&l.y, origin, data, len, err, errlen);
	if (rc < 0)
		return rc;
	ks_ynode root = ks_yaml_root(l.y), list = ks_yaml_get(l.y, root, "waivers");
	rc = KS_EPARSE;
	if (!ks_yaml_is_map(l.y, root) || !ks_yaml_is_seq(l.y, list)) {
		ks_loader_fail(&l, list ? list : root, "expected a list under 'waivers'");
		goto out;
	}
	for (size_t i = 0; i < ks_yaml_len(l.y, root); i++) {
		const char *k = ks_yaml_str(l.y, ks_yaml_key_at(l.y, root, i));
		if (!k || strcmp(k, "waivers") != 0) {
			ks_loader_fail(&l, ks_yaml_key_at(l.y, root, i), "unknown top-level key (expected 'waivers')");
			goto out;
		}
	}
	size_t n = ks_yaml_len(l.y, list);
	out->items = ks_arena_alloc(a, (n + 1) * sizeof *out->items);
	if (!out->items) {
		rc = KS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		ks_ynode w = ks_yaml_at(l.y, list, i);
		ks_waiver *x = &out->items[out->n];
		if (!ks_yaml_is_map(l.y, w)) {
			ks_loader_fail(&l, w, "expected a mapping with item, host, justification, approver, expires");
			goto out;
		}
		for (size_t k = 0; k < ks_yaml_len(l.y, w); k++) {
			const char *key = ks_yaml_str(l.y, ks_yaml_key_at(l.y, w, k));
			size_t j = 0;
			while (key && known_keys[j] && strcmp(known_keys[j], key) != 0)
				j++;
			if (!key || !known_keys[j]) {
				ks_loader_fail(&l, ks_yaml_key_at(l.y, w, k),
				               "unknown field (expected item, host, justification, approver, expires)");
				goto out;
			}
		}
		if (ks_loader_str(&l, w, "item", true, &x->item) < 0 || ks_loader_str(&l, w, "host", true, &x->host) < 0 ||
		    ks_loader_str(&l, w, "justification", true, &x->justification) < 0 ||
		    ks_loader_str(&l, w, "approver", true, &x->approver) < 0 ||
		    ks_loader_str(&l, w, "expires", true, &x->expires) < 0)
			goto out;
		if (!*x->justification || !*x->approver) {
			ks_loader_fail(&l, w, "justification and approver must not be empty");
			goto out;
		}
		if (parse_date(x->expires, &x->expires_at) < 0) {
			ks_loader_fail(&l, ks_yaml_get(l.y, w, "expires"), "expected a date YYYY-MM-DD");
			goto out;
		}
		size_t c = 0;
		while (c < ncatalogs && !ks_catalog_find(catalogs[c], x->item))
			c++;
		if (c == ncatalogs) {
			ks_loader_fail(&l, ks_yaml_get(l.y, w, "item"), "no such item or control in any catalog");
			goto out;
		}
		x->source = ks_arena_printf(a, "%s:%d", origin, ks_yaml_line(l.y, w));
		out->n++;
	}
	rc = KS_OK;
out:
	ks_yaml_free(l.y);
	return rc;
}

void ks_waivers_apply(const ks_waivers *w, const char *host, time_t now, ks_verdicts *v)
{
	if (!w || !host)
		return;
	for (size_t i = 0; i < v->n; i++) {
		ks_verdict *x = &v->items[i];
		if (x->kind != KS_VERDICT_FAIL && x->kind != KS_VERDICT_UNKNOWN)
			continue;
		/* A valid waiver wins over an expired one; among valid ones, the first in the file. */
		for (size_t k = 0; k < w->n; k++) {
			const ks_waiver *y = &w->items[k];
			if (strcmp(y->item, x->item->id) != 0 || fnmatch(y->host, host, 0) != 0)
				continue;
			if (y->expires_at >= now) {
				x->waiver = y;
				x->waiver_expired = false;
				x->kind = KS_VERDICT_WAIVED;
				break;
			}
			if (!x->waiver) {
				x->waiver = y;
				x->waiver_expired = true;
			}
		}
	}
}
