/* host collector: host.hostname, host.machine_id, host.kernel, host.arch, host.addresses,
 * host.timezone. On a live system uname()/getifaddrs() are read-only probes; on an image only
 * files count. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "collect.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

/* First line that is neither empty nor a comment (hostname(5) ignores '#' lines). */
static bool first_line(const char *data, size_t len, bool comments, const char **s, size_t *n, int *lineno)
{
	ks_lines it;
	ks_lines_init(&it, data, len);
	while (ks_lines_next(&it, s, n)) {
		ks_trim(s, n);
		if (!*n || (comments && (*s)[0] == '#'))
			continue;
		*lineno = it.lineno;
		return true;
	}
	return false;
}

static int unknown_read(ks_collect_ctx *ctx, const char *key, const char *path, int rc)
{
	return ks_fact_unknown(ctx->facts, key, path, "%s: %s", path, ks_strerror(rc));
}

static int collect_hostname(ks_collect_ctx *ctx, const struct utsname *u)
{
	const char *path = "/etc/hostname";
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_OK) {
		const char *s;
		size_t n;
		int line;
		if (first_line(data, len, true, &s, &n, &line)) {
			/* hostname(7): labels of letters, digits and '-', joined by '.', at most 253 bytes. */
			bool ok = n <= 253;
			for (size_t i = 0; ok && i < n; i++)
				ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
				     (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.';
			if (!ok)
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
				            "not a valid host name (letters, digits, '-' and '.' only)");
			return ks_fact_put(ctx->facts, "host.hostname", ks_val_str(ctx->arena, s, n), path, line);
		}
		if (!u)
			return ks_fact_unknown(ctx->facts, "host.hostname", path, "%s is empty", path);
	} else if (!u) {
		if (rc == KS_ENOENT)
			return ks_fact_unknown(ctx->facts, "host.hostname", NULL, "no /etc/hostname");
		return unknown_read(ctx, "host.hostname", path, rc);
	}
	return ks_fact_put_probe(ctx->facts, "host.hostname", ks_val_strz(ctx->arena, u->nodename),
	                         "uname() nodename (no usable /etc/hostname)");
}

static int collect_machine_id(ks_collect_ctx *ctx)
{
	const char *path = "/etc/machine-id", *key = "host.machine_id";
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT)
		return ks_fact_unknown(ctx->facts, key, NULL, "no /etc/machine-id");
	if (rc < 0)
		return unknown_read(ctx, key, path, rc);
	const char *s;
	size_t n;
	int line;
	if (!first_line(data, len, false, &s, &n, &line))
		/* Images and templates ship an empty file; systemd fills it on first boot. */
		return ks_fact_unknown(ctx->facts, key, path, "%s is empty (not yet initialised)", path);
	if (ks_eq(s, n, "uninitialized"))
		return ks_fact_unknown(ctx->facts, key, path, "%s is \"uninitialized\" (first boot pending)",
		                       path);
	/* machine-id(5): 32 lower-case hexadecimal characters. */
	bool ok = n == 32;
	for (size_t i = 0; ok && i < n; i++)
		ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
	if (!ok) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 1,
		            "expected 32 lower-case hexadecimal characters");
		return ks_fact_unknown(ctx->facts, key, path,
		                       "malformed at line %d: expected 32 lower-case hex characters", line);
	}
	return ks_fact_put(ctx->facts, key, ks_val_str(ctx->arena, s, n), path, line);
}

/* Natural order for kernel release strings: digit runs compare as numbers ("6.1.0-10" > "6.1.0-9"). */
static int cmp_release(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			size_t la = 0, lb = 0;
			while (a[la] >= '0' && a[la] <= '9')
				la++;
			while (b[lb] >= '0' && b[lb] <= '9')
				lb++;
			if (la != lb)
				return la < lb ? -1 : 1;
			int c = memcmp(a, b, la);
			if (c)
				return c;
			a += la;
			b += lb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

/* An image has no running kernel: report the newest one installed. A /lib/modules/<ver> directory
 * counts when it still holds a kernel/ tree or a matching /boot/vmlinuz-<ver>; removed kernels
 * leave bare directories behind (DKMS leftovers). */
static int collect_kernel_image(ks_collect_ctx *ctx)
{
	const char *key = "host.kernel";
	const char **names;
	size_t n;
	int rc = ks_rootfs_list(ctx->root, ctx->arena, "/lib/modules", &names, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT)
		return ks_fact_unknown(ctx->facts, key, NULL, "no /lib/modules (no kernel installed in the image)");
	if (rc < 0)
		return unknown_read(ctx, key, "/lib/modules", rc);
	const char *best = NULL;
	for (size_t i = 0; i < n; i++) {
		if (names[i][0] == '.')
			continue;
		char *dir = ks_arena_printf(ctx->arena, "/lib/modules/%s/kernel", names[i]);
		char *vmlinuz = ks_arena_printf(ctx->arena, "/boot/vmlinuz-%s", names[i]);
		if (!dir || !vmlinuz)
			return KS_ENOMEM;
		struct stat st;
		bool ok = (ks_rootfs_stat(ctx->root, dir, &st) == KS_OK && S_ISDIR(st.st_mode)) ||
		          (ks_rootfs_stat(ctx->root, vmlinuz, &st) == KS_OK && S_ISREG(st.st_mode));
		if (ok && (!best || cmp_release(names[i], best) > 0))
			best = names[i];
	}
	if (!best)
		return ks_fact_unknown(ctx->facts, key, "/lib/modules", "no installed kernel under /lib/modules");
	char *probe = ks_arena_printf(ctx->arena,
	                              "newest installed kernel: /lib/modules/%s (an image has no running kernel)",
	                              best);
	if (!probe)
		return KS_ENOMEM;
	return ks_fact_put_probe(ctx->facts, key, ks_val_strz(ctx->arena, best), probe);
}

static int collect_arch_image(ks_collect_ctx *ctx)
{
	/* dpkg(1) keeps the native and foreign architectures here, native first. Without the file
	 * (no foreign architectures added) the dpkg collector fills host.arch from the status file. */
	const char *path = "/var/lib/dpkg/arch", *key = "host.arch";
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_OK) {
		const char *s;
		size_t n;
		int line;
		if (first_line(data, len, true, &s, &n, &line))
			return ks_fact_put(ctx->facts, key, ks_val_str(ctx->arena, s, n), path, line);
	}
	return ks_fact_unknown(ctx->facts, key, NULL,
	                       "no /var/lib/dpkg/arch and no package database to take it from");
}

static int collect_addresses(ks_collect_ctx *ctx)
{
	const char *key = "host.addresses";
	if (!ctx->live)
		return ks_fact_unknown(ctx->facts, key, NULL, "not available for an image");
	struct ifaddrs *ifa;
	if (getifaddrs(&ifa) < 0)
		return ks_fact_unknown(ctx->facts, key, NULL, "getifaddrs() failed");
	ks_value list = ks_val_list();
	int rc = KS_OK;
	for (struct ifaddrs *i = ifa; i && rc == KS_OK; i = i->ifa_next) {
		if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
		int fam = i->ifa_addr->sa_family;
		if (fam == AF_INET) {
			const struct sockaddr_in *sa = (const struct sockaddr_in *)(const void *)i->ifa_addr;
			if (!inet_ntop(AF_INET, &sa->sin_addr, buf, sizeof buf))
				continue;
		} else if (fam == AF_INET6) {
			const struct sockaddr_in6 *sa = (const struct sockaddr_in6 *)(const void *)i->ifa_addr;
			if (IN6_IS_ADDR_LOOPBACK(&sa->sin6_addr) || !inet_ntop(AF_INET6, &sa->sin6_addr, buf, sizeof buf))
				continue;
			/* A link-local address means nothing without its interface. */
			if (IN6_IS_ADDR_LINKLOCAL(&sa->sin6_addr) && i->ifa_name) {
				size_t l = strlen(buf);
				snprintf(buf + l, sizeof buf - l, "%%%s", i->ifa_name);
			}
		} else {
			continue;
		}
		rc = ks_list_push(ctx->arena, &list, ks_val_strz(ctx->arena, buf));
	}
	freeifaddrs(ifa);
	if (rc < 0)
		return rc;
	return ks_fact_put_probe(ctx->facts, key, list, "getifaddrs(): non-loopback IPv4/IPv6 addresses");
}

/* Finds the zone file that /etc/localtime resolves to by comparing device and inode numbers with
 * the files under /usr/share/zoneinfo (depth-limited; the posix/ and right/ copies are skipped).
 * This names the zone without reading the link target. */
static int find_zone(ks_collect_ctx *ctx, const char *dir, const char *rel, const struct stat *want,
                     int depth, const char **found)
{
	if (depth > 3 || *found)
		return KS_OK;
	const char **names;
	size_t n;
	int rc = ks_rootfs_list(ctx->root, ctx->arena, dir, &names, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0)
		return KS_OK;
	for (size_t i = 0; i < n && !*found; i++) {
		if (names[i][0] == '.' || (depth == 0 && (strcmp(names[i], "posix") == 0 ||
		                                          strcmp(names[i], "right") == 0)))
			continue;
		char *p = ks_arena_printf(ctx->arena, "%s/%s", dir, names[i]);
		char *r = ks_arena_printf(ctx->arena, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		if (!p || !r)
			return KS_ENOMEM;
		struct stat st;
		if (ks_rootfs_lstat(ctx->root, p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if ((rc = find_zone(ctx, p, r, want, depth + 1, found)) < 0)
				return rc;
		} else if (S_ISREG(st.st_mode) && st.st_ino == want->st_ino && st.st_dev == want->st_dev &&
		           strchr(r, '/')) {
			*found = r;
		}
	}
	return KS_OK;
}

static int collect_timezone(ks_collect_ctx *ctx)
{
	const char *key = "host.timezone";
	char *data;
	size_t len;
	/* Debian's tzdata keeps the zone name in /etc/timezone (up to Debian 12). */
	int rc = ks_collect_read(ctx, "/etc/timezone", &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_OK) {
		const char *s;
		size_t n;
		int line;
		if (first_line(data, len, true, &s, &n, &line))
			return ks_fact_put(ctx->facts, key, ks_val_str(ctx->arena, s, n), "/etc/timezone", line);
	}
	struct stat lst, st;
	rc = ks_rootfs_lstat(ctx->root, "/etc/localtime", &lst);
	if (rc == KS_ENOENT)
		/* glibc uses UTC when /etc/localtime is missing and TZ is unset. */
		return ks_fact_put_probe(ctx->facts, key, ks_val_strz(ctx->arena, "UTC"),
		                         "no /etc/timezone or /etc/localtime: glibc default UTC");
	if (rc < 0)
		return unknown_read(ctx, key, "/etc/localtime", rc);
	if (!S_ISLNK(lst.st_mode))
		return ks_fact_unknown(ctx->facts, key, "/etc/localtime",
		                       "/etc/localtime is a copy, not a link into /usr/share/zoneinfo");
	rc = ks_rootfs_stat(ctx->root, "/etc/localtime", &st);
	if (rc < 0)
		return ks_fact_unknown(ctx->facts, key, "/etc/localtime", "/etc/localtime: broken link (%s)",
		                       ks_strerror(rc));
	const char *zone = NULL;
	if ((rc = find_zone(ctx, "/usr/share/zoneinfo", "", &st, 0, &zone)) < 0)
		return rc;
	if (!zone)
		return ks_fact_unknown(ctx->facts, key, "/etc/localtime",
		                       "/etc/localtime links outside /usr/share/zoneinfo");
	char *probe = ks_arena_printf(ctx->arena, "/etc/localtime links to /usr/share/zoneinfo/%s", zone);
	if (!probe)
		return KS_ENOMEM;
	return ks_fact_put_probe(ctx->facts, key, ks_val_strz(ctx->arena, zone), probe);
}

int ks_collect_host(ks_collect_ctx *ctx)
{
	struct utsname u;
	bool have_uname = ctx->live && uname(&u) == 0;
	int rc;
	if ((rc = collect_hostname(ctx, have_uname ? &u : NULL)) < 0 || (rc = collect_machine_id(ctx)) < 0)
		return rc;
	if (have_uname) {
		if ((rc = ks_fact_put_probe(ctx->facts, "host.kernel", ks_val_strz(ctx->arena, u.release),
		                            "uname() release")) < 0 ||
		    (rc = ks_fact_put_probe(ctx->facts, "host.arch", ks_val_strz(ctx->arena, u.machine),
		                            "uname() machine")) < 0)
			return rc;
	} else {
		if ((rc = collect_kernel_image(ctx)) < 0 || (rc = collect_arch_image(ctx)) < 0)
			return rc;
	}
	if ((rc = collect_addresses(ctx)) < 0)
		return rc;
	return collect_timezone(ctx);
}
