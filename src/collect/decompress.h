/* Reading compressed host files (apt's lists under Acquire::GzipIndexes: gz, xz, lzma, lz4, zst)
 * through the rootfs, with a hard cap on the decompressed size so that a decompression bomb stops
 * at the cap with a diagnostic instead of exhausting memory. */
#ifndef KS_DECOMPRESS_H
#define KS_DECOMPRESS_H
#include <stddef.h>

#include "collect.h"
#include "core/limits.h" /* KS_MAX_INDEX_BYTES */

/* xz/lzma decoder memory (dictionary): xz -9 needs 65 MiB. */
#define KS_MAX_XZ_MEMORY (128u * 1024u * 1024u)

typedef enum {
	KS_COMP_NONE = 0, /* plain text */
	KS_COMP_GZIP,
	KS_COMP_XZ,
	KS_COMP_LZMA,     /* legacy .lzma ("lzma_alone"): no magic number, recognised by name only */
	KS_COMP_LZ4,      /* LZ4 frame format, as apt and lz4(1) write it */
	KS_COMP_ZSTD,
	KS_COMP_BZIP2,    /* recognised to say so; not decoded (apt does not keep .bz2 indexes) */
} ks_compression;

const char *ks_compression_name(ks_compression c);
/* By magic number in the first bytes (KS_COMP_NONE when none matches). */
ks_compression ks_compression_sniff(const void *head, size_t n);
/* By file name suffix: .gz .xz .lzma .lz4 .zst .bz2, else KS_COMP_NONE. */
ks_compression ks_compression_from_name(const char *path);

/* Decompresses the whole buffer IN (format C; KS_COMP_NONE copies) into *OUT: malloc'd,
 * NUL-terminated, owned by the caller (free()). Returns 0; KS_ETOOBIG as soon as the output
 * would exceed CAP bytes; KS_EPARSE for corrupt or truncated data or an unsupported format;
 * KS_ENOMEM. *WHY (may be NULL) then says what happened. *OUT is NULL on failure. */
int ks_decompress_buffer(ks_compression c, const void *in, size_t inlen, size_t cap, char **out,
                         size_t *outlen, const char **why);

/* Reads the regular file PATH inside ctx->root, streaming it through the decoder that its magic
 * number names (a .lzma name selects lzma_alone; a compression suffix with plain content is
 * reported), at most CAP bytes of output. *OUT as above (caller frees). A missing file returns
 * KS_ENOENT silently; every other failure, including the cap, records a diagnostic on PATH. */
int ks_decompress_read(ks_collect_ctx *ctx, const char *path, size_t cap, char **out, size_t *outlen);

#endif
