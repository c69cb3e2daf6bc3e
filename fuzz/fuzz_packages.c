/* Fuzzes the Packages stanza reader against a fixed set of installed packages (multiarch, arch
 * all), and the decompressors: an input starting with a gzip/xz/lz4/zstd magic number is first
 * decompressed under a 4 MiB cap. Every pending record must really be higher than installed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/apt.h"
#include "collect/decompress.h"
#include "collect/dpkg.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/rootfs.h"
#include "fact/fact.h"

static const char status[] =
	"Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.21.22\n\n"
	"Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9+deb12u4\n\n"
	"Package: libc6\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.36-9+deb12u4\n\n"
	"Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u2\n\n"
	"Package: tzdata\nStatus: install ok installed\nArchitecture: all\nVersion: 2024a-0+deb12u1\n\n"
	"Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:0~rc1-1\n\n"
	"Package: weird\nStatus: install ok installed\nArchitecture: amd64\nVersion: a-b-c\n";

static const char *empty_root(void)
{
	static char dir[] = "/tmp/kenshin-fuzz-packages-XXXXXX";
	static int made;
	if (!made) {
		if (!mkdtemp(dir))
			abort();
		made = 1;
	}
	return dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ks_collect_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.arena = ks_arena_new();
	if (!ctx.arena || ks_rootfs_open(&ctx.root, empty_root()) != 0)
		abort();
	ctx.facts = ks_facts_new(ctx.arena);
	ctx.diags = ks_diags_new(ctx.arena);
	if (!ctx.facts || !ctx.diags)
		abort();
	ks_value installed;
	if (ks_dpkg_parse_buffer(&ctx, "/var/lib/dpkg/status", status, sizeof status - 1, &installed) != 0)
		abort();
	static const char *const foreign[] = {"i386"};
	ks_apt_index *ix;
	if (ks_apt_index_new(&ctx, &installed, "amd64", foreign, 1, &ix) != 0)
		abort();
	const char *text = (const char *)data;
	size_t len = size;
	char *plain = NULL;
	ks_compression c = ks_compression_sniff(data, size);
	if (c != KS_COMP_NONE) {
		size_t n;
		const char *why;
		int rc = ks_decompress_buffer(c, data, size, 4u << 20, &plain, &n, &why);
		if (rc == 0) {
			if (n > (4u << 20) || plain[n] != '\0')
				abort();
			text = plain;
			len = n;
		} else if (plain || !why) {
			abort();
		}
	}
	if (ks_apt_packages_parse_buffer(&ctx, ix, "/var/lib/apt/lists/x_Packages", "s-security", text, len) != 0)
		abort();
	free(plain);
	ks_value pend;
	size_t undecided;
	if (ks_apt_index_pending(&ctx, ix, &pend, &undecided) != 0)
		abort();
	for (size_t i = 0; i < pend.u.list.n; i++) {
		const ks_value *ins = ks_record_get(&pend.u.list.items[i], "installed");
		const ks_value *cand = ks_record_get(&pend.u.list.items[i], "candidate");
		int r;
		if (!ins || !cand ||
		    ks_debversion_compare(cand->u.str.s, cand->u.str.len, ins->u.str.s, ins->u.str.len, &r, NULL, NULL) != 0 ||
		    r <= 0)
			abort();
	}
	ks_rootfs_close(ctx.root);
	ks_arena_free(ctx.arena);
	return 0;
}
