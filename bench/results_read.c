/* Throughput of ks_cl_result_read on real scan output (not built by default). Build against a
 * Release tree and run on one or more `kenshin scan --format json` files:
 *   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DKENSHIN_TESTS=OFF && cmake --build build-rel
 *   cc -O2 -std=c17 -D_GNU_SOURCE -Isrc bench/results_read.c build-rel/libkenshin_core.a \
 *      $(pkg-config --libs jansson yaml-0.1 libsodium zlib liblzma liblz4 libzstd yajl xlsxwriter) \
 *      -lpthread -o /tmp/results_read
 *   /tmp/results_read result.json [more.json ...]
 * Each file is parsed repeatedly for about a second, each round into a fresh arena as the fleet
 * merge does; MB/s counts the JSON bytes read per second of CPU time, arena allocation included. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "catalog/data.h"
#include "checklist/results.h"

/* CPU time of this thread: on a busy build machine wall time mostly measures the neighbours. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char err[1024];
	size_t clen;
	const char *cdata = ks_data_find("catalog/mhlw-r7.yaml", &clen);
	ks_arena *ca = ks_arena_new();
	ks_catalog *cat;
	if (!cdata || ks_catalog_load(ca, "catalog/mhlw-r7.yaml", cdata, clen, &cat, err, sizeof err) != 0) {
		fprintf(stderr, "catalog: %s\n", err);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		fseek(f, 0, SEEK_SET);
		char *buf = malloc(n > 0 ? (size_t)n : 1);
		size_t len = buf ? fread(buf, 1, (size_t)(n > 0 ? n : 0), f) : 0;
		fclose(f);
		if (!buf)
			return 1;
		unsigned long rounds = 0;
		double t0 = now(), t;
		do {
			ks_arena *a = ks_arena_new();
			ks_cl_host h;
			if (ks_cl_result_read(a, argv[i], buf, len, cat, &h, err, sizeof err) != 0) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
			ks_arena_free(a);
			rounds++;
		} while ((t = now() - t0) < 1.0);
		printf("%s: %zu bytes, %lu rounds, %.1f us/file, %.0f MB/s\n", argv[i], len, rounds,
		       t / (double)rounds * 1e6, (double)len * (double)rounds / t / 1e6);
		free(buf);
	}
	ks_arena_free(ca);
	return 0;
}
