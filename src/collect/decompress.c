/* Streaming decompression of apt index files into a size-capped buffer (see decompress.h). One
 * decoder interface over zlib, liblzma, liblz4 (frame format) and libzstd; every format is read
 * in chunks so the cap applies while decoding, never after. */
#include "decompress.h"

#include <errno.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "core/error.h"

#define CHUNK (64u * 1024u)

const char *ks_compression_name(ks_compression c)
{
	switch (c) {
	case KS_COMP_NONE: return "plain";
	case KS_COMP_GZIP: return "gzip";
	case KS_COMP_XZ: return "xz";
	case KS_COMP_LZMA: return "lzma";
	case KS_COMP_LZ4: return "lz4";
	case KS_COMP_ZSTD: return "zstd";
	case KS_COMP_BZIP2: return "bzip2";
	}
	return "?";
}

ks_compression ks_compression_sniff(const void *head, size_t n)
{
	const unsigned char *h = head;
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return KS_COMP_GZIP;
	if (n >= 6 && memcmp(h, "\xfd" "7zXZ\0", 6) == 0)
		return KS_COMP_XZ;
	if (n >= 4 && memcmp(h, "\x04\x22\x4d\x18", 4) == 0)
		return KS_COMP_LZ4;
	if (n >= 4 && memcmp(h, "\x28\xb5\x2f\xfd", 4) == 0)
		return KS_COMP_ZSTD;
	if (n >= 3 && memcmp(h, "BZh", 3) == 0)
		return KS_COMP_BZIP2;
	return KS_COMP_NONE;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

ks_compression ks_compression_from_name(const char *path)
{
	if (ends_with(path, ".gz"))
		return KS_COMP_GZIP;
	if (ends_with(path, ".xz"))
		return KS_COMP_XZ;
	if (ends_with(path, ".lzma"))
		return KS_COMP_LZMA;
	if (ends_with(path, ".lz4"))
		return KS_COMP_LZ4;
	if (ends_with(path, ".zst"))
		return KS_COMP_ZSTD;
	if (ends_with(path, ".bz2"))
		return KS_COMP_BZIP2;
	return KS_COMP_NONE;
}

/* ---- one decoder over all formats ------------------------------------------------------------ */

struct dec {
	ks_compression c;
	bool started;     /* decoder state initialised (needs freeing) */
	bool complete;    /* the input so far ends exactly at the end of a stream/frame */
	z_stream z;
	lzma_stream x;
	LZ4F_dctx *l4;
	ZSTD_DStream *zs;
	char *buf;        /* output; alloc + 1 bytes so a NUL always fits */
	size_t used, alloc, cap;
	const char *why;
};

static int dec_fail(struct dec *d, int rc, const char *why)
{
	d->why = why;
	return rc;
}

/* Makes room for more output: the buffer may reach CAP + 1 bytes, so that one byte beyond the cap
 * proves the cap was exceeded without decoding (or allocating) any further. */
static int room(struct dec *d)
{
	if (d->used < d->alloc)
		return KS_OK;
	if (d->alloc > d->cap)
		return dec_fail(d, KS_ETOOBIG, "decompressed size exceeds the cap");
	size_t na = d->alloc ? d->alloc * 2 : CHUNK;
	if (na > d->cap + 1 || na < d->alloc)
		na = d->cap + 1;
	char *nb = realloc(d->buf, na + 1);
	if (!nb)
		return dec_fail(d, KS_ENOMEM, "out of memory");
	d->buf = nb;
	d->alloc = na;
	return KS_OK;
}

static int over_cap(struct dec *d)
{
	return d->used > d->cap ? dec_fail(d, KS_ETOOBIG, "decompressed size exceeds the cap") : KS_OK;
}

static int dec_init(struct dec *d, ks_compression c, size_t cap)
{
	memset(d, 0, sizeof *d);
	d->c = c;
	d->cap = cap;
	d->complete = true; /* empty input is an empty file for plain text; see dec_finish */
	switch (c) {
	case KS_COMP_NONE:
		break;
	case KS_COMP_GZIP:
		/* 15 + 16: gzip wrapper only (RFC 1952), largest window. */
		if (inflateInit2(&d->z, 15 + 16) != Z_OK)
			return dec_fail(d, KS_ENOMEM, "zlib initialisation failed");
		break;
	case KS_COMP_XZ:
	case KS_COMP_LZMA: {
		lzma_stream init = LZMA_STREAM_INIT;
		d->x = init;
		lzma_ret r = c == KS_COMP_XZ ? lzma_stream_decoder(&d->x, KS_MAX_XZ_MEMORY, LZMA_CONCATENATED)
		                             : lzma_alone_decoder(&d->x, KS_MAX_XZ_MEMORY);
		if (r != LZMA_OK)
			return dec_fail(d, KS_ENOMEM, "liblzma initialisation failed");
		break;
	}
	case KS_COMP_LZ4:
		if (LZ4F_isError(LZ4F_createDecompressionContext(&d->l4, LZ4F_VERSION)))
			return dec_fail(d, KS_ENOMEM, "liblz4 initialisation failed");
		break;
	case KS_COMP_ZSTD:
		d->zs = ZSTD_createDStream();
		if (!d->zs || ZSTD_isError(ZSTD_initDStream(d->zs))) {
			ZSTD_freeDStream(d->zs);
			d->zs = NULL;
			return dec_fail(d, KS_ENOMEM, "libzstd initialisation failed");
		}
		break;
	case KS_COMP_BZIP2:
		return dec_fail(d, KS_EPARSE, "bzip2 compression is not supported");
	}
	d->started = true;
	return KS_OK;
}

static void dec_free(struct dec *d)
{
	if (d->started) {
		switch (d->c) {
		case KS_COMP_GZIP: inflateEnd(&d->z); break;
		case KS_COMP_XZ:
		case KS_COMP_LZMA: lzma_end(&d->x); break;
		case KS_COMP_LZ4: LZ4F_freeDecompressionContext(d->l4); break;
		case KS_COMP_ZSTD: ZSTD_freeDStream(d->zs); break;
		default: break;
		}
	}
	d->started = false;
	free(d->buf);
	d->buf = NULL;
}

static int feed_plain(struct dec *d, const unsigned char *in, size_t n)
{
	while (n) {
		int rc = room(d);
		if (rc < 0)
			return rc;
		size_t k = d->alloc - d->used < n ? d->alloc - d->used : n;
		memcpy(d->buf + d->used, in, k);
		d->used += k;
		in += k;
		n -= k;
		if ((rc = over_cap(d)) < 0)
			return rc;
	}
	return KS_OK;
}

static int feed_gzip(struct dec *d, const unsigned char *in, size_t n, bool finish)
{
	d->z.next_in = (unsigned char *)(uintptr_t)in;
	d->z.avail_in = (uInt)n;
	for (;;) {
		if (d->complete && d->z.avail_in > 0) {
			/* gzip(1) concatenates members; the next member continues the output. */
			if (inflateReset(&d->z) != Z_OK)
				return dec_fail(d, KS_EPARSE, "corrupt gzip data");
			d->complete = false;
		}
		if (d->complete || (d->z.avail_in == 0 && !finish))
			return KS_OK;
		int rc = room(d);
		if (rc < 0)
			return rc;
		size_t space = d->alloc - d->used;
		if (space > UINT32_MAX)
			space = UINT32_MAX;
		d->z.next_out = (unsigned char *)d->buf + d->used;
		d->z.avail_out = (uInt)space;
		int zr = inflate(&d->z, Z_NO_FLUSH);
		d->used += space - d->z.avail_out;
		if ((rc = over_cap(d)) < 0)
			return rc;
		if (zr == Z_STREAM_END) {
			d->complete = true;
			continue;
		}
		if (zr == Z_BUF_ERROR) { /* no progress possible: input used up */
			if (d->z.avail_in == 0)
				return finish ? dec_fail(d, KS_EPARSE, "truncated gzip data") : KS_OK;
			continue;
		}
		if (zr == Z_MEM_ERROR)
			return dec_fail(d, KS_ENOMEM, "out of memory");
		if (zr != Z_OK)
			return dec_fail(d, KS_EPARSE, "corrupt gzip data");
		if (d->z.avail_in == 0 && d->z.avail_out > 0 && !finish)
			return KS_OK;
	}
}

static int feed_xz(struct dec *d, const unsigned char *in, size_t n, bool finish)
{
	d->x.next_in = in;
	d->x.avail_in = n;
	d->complete = false;
	for (;;) {
		if (d->x.avail_in == 0 && !finish)
			return KS_OK;
		int rc = room(d);
		if (rc < 0)
			return rc;
		size_t space = d->alloc - d->used;
		d->x.next_out = (uint8_t *)d->buf + d->used;
		d->x.avail_out = space;
		lzma_ret r = lzma_code(&d->x, finish ? LZMA_FINISH : LZMA_RUN);
		d->used += space - d->x.avail_out;
		if ((rc = over_cap(d)) < 0)
			return rc;
		switch (r) {
		case LZMA_OK:
			continue;
		case LZMA_STREAM_END:
			d->complete = true;
			return KS_OK;
		case LZMA_MEM_ERROR:
			return dec_fail(d, KS_ENOMEM, "out of memory");
		case LZMA_MEMLIMIT_ERROR:
			return dec_fail(d, KS_ETOOBIG, "xz dictionary larger than the decoder memory limit");
		case LZMA_BUF_ERROR:
			return dec_fail(d, KS_EPARSE, d->c == KS_COMP_XZ ? "truncated xz data" : "truncated lzma data");
		case LZMA_FORMAT_ERROR:
			return dec_fail(d, KS_EPARSE, d->c == KS_COMP_XZ ? "not xz data" : "not lzma data");
		default:
			return dec_fail(d, KS_EPARSE, d->c == KS_COMP_XZ ? "corrupt xz data" : "corrupt lzma data");
		}
	}
}

static int feed_lz4(struct dec *d, const unsigned char *in, size_t n, bool finish)
{
	while (n > 0) {
		int rc = room(d);
		if (rc < 0)
			return rc;
		size_t dst = d->alloc - d->used, src = n;
		size_t hint = LZ4F_decompress(d->l4, d->buf + d->used, &dst, in, &src, NULL);
		if (LZ4F_isError(hint))
			return dec_fail(d, KS_EPARSE, "corrupt lz4 data");
		d->used += dst;
		in += src;
		n -= src;
		/* 0: a frame ended here; the next byte, if any, starts another frame. */
		d->complete = hint == 0;
		if ((rc = over_cap(d)) < 0)
			return rc;
		if (src == 0 && dst == 0 && d->used < d->alloc)
			return dec_fail(d, KS_EPARSE, "corrupt lz4 data"); /* no progress: never loop */
	}
	/* Output the decoder still holds needs more calls with no input. */
	for (;;) {
		int rc = room(d);
		if (rc < 0)
			return rc;
		size_t dst = d->alloc - d->used, src = 0;
		size_t hint = LZ4F_decompress(d->l4, d->buf + d->used, &dst, in, &src, NULL);
		if (LZ4F_isError(hint))
			return dec_fail(d, KS_EPARSE, "corrupt lz4 data");
		if (dst == 0) /* nothing held back (after a frame's end the hint asks for a new header) */
			break;
		d->used += dst;
		d->complete = hint == 0;
		if ((rc = over_cap(d)) < 0)
			return rc;
	}
	if (finish && !d->complete)
		return dec_fail(d, KS_EPARSE, "truncated lz4 data");
	return KS_OK;
}

static int feed_zstd(struct dec *d, const unsigned char *in, size_t n, bool finish)
{
	ZSTD_inBuffer ib = {in, n, 0};
	/* No input: nothing is held back (each call below drains the output), and asking the decoder
	 * would report a fresh frame header as missing. */
	while (n > 0) {
		int rc = room(d);
		if (rc < 0)
			return rc;
		ZSTD_outBuffer ob = {d->buf + d->used, d->alloc - d->used, 0};
		size_t in_before = ib.pos;
		size_t r = ZSTD_decompressStream(d->zs, &ob, &ib);
		if (ZSTD_isError(r)) {
			ZSTD_ErrorCode e = ZSTD_getErrorCode(r);
			if (e == ZSTD_error_memory_allocation)
				return dec_fail(d, KS_ENOMEM, "out of memory");
			if (e == ZSTD_error_frameParameter_windowTooLarge)
				return dec_fail(d, KS_ETOOBIG, "zstd window larger than the decoder limit");
			return dec_fail(d, KS_EPARSE, "corrupt zstd data");
		}
		d->used += ob.pos;
		/* A call that made no progress after a frame's end asks for the next frame's header:
		 * that is not a truncation. */
		if (ob.pos > 0 || ib.pos != in_before)
			d->complete = r == 0;
		if ((rc = over_cap(d)) < 0)
			return rc;
		/* Done with this input once it is consumed and the output buffer was not filled (a full
		 * buffer may mean more output is pending). */
		if (ib.pos == ib.size && ob.pos < ob.size)
			break;
	}
	if (finish && !d->complete)
		return dec_fail(d, KS_EPARSE, "truncated zstd data");
	return KS_OK;
}

/* Feeds IN; FINISH marks the end of the input (IN may be empty then). */
static int dec_feed(struct dec *d, const unsigned char *in, size_t n, bool finish)
{
	switch (d->c) {
	case KS_COMP_NONE: return feed_plain(d, in, n);
	case KS_COMP_GZIP: return feed_gzip(d, in, n, finish);
	case KS_COMP_XZ:
	case KS_COMP_LZMA: return feed_xz(d, in, n, finish);
	case KS_COMP_LZ4: return feed_lz4(d, in, n, finish);
	case KS_COMP_ZSTD: return feed_zstd(d, in, n, finish);
	case KS_COMP_BZIP2: break;
	}
	return dec_fail(d, KS_EPARSE, "bzip2 compression is not supported");
}

/* Hands the output over: NUL-terminated, never NULL. */
static int dec_take(struct dec *d, char **out, size_t *outlen)
{
	if (!d->buf) {
		d->buf = malloc(1);
		if (!d->buf)
			return dec_fail(d, KS_ENOMEM, "out of memory");
	}
	d->buf[d->used] = '\0';
	*out = d->buf;
	*outlen = d->used;
	d->buf = NULL;
	return KS_OK;
}

int ks_decompress_buffer(ks_compression c, const void *in, size_t inlen, size_t cap, char **out,
                         size_t *outlen, const char **why)
{
	*out = NULL;
	*outlen = 0;
	struct dec d;
	int rc = dec_init(&d, c, cap);
	/* Compressed formats must hold at least a header: an empty .gz is corrupt, not empty text. */
	if (rc == KS_OK && c != KS_COMP_NONE && inlen == 0)
		rc = dec_fail(&d, KS_EPARSE, "empty compressed file");
	const unsigned char *p = in;
	/* Chunked even from memory: the cap then bounds every allocation along the way. */
	while (rc == KS_OK && inlen > CHUNK) {
		rc = dec_feed(&d, p, CHUNK, false);
		p += CHUNK;
		inlen -= CHUNK;
	}
	if (rc == KS_OK)
		rc = dec_feed(&d, p, inlen, true);
	if (rc == KS_OK)
		rc = dec_take(&d, out, outlen);
	if (why)
		*why = rc == KS_OK ? NULL : d.why;
	dec_free(&d);
	return rc;
}

/* ---- through the rootfs ----------------------------------------------------------------------- */

static ssize_t read_full(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

int ks_decompress_read(ks_collect_ctx *ctx, const char *path, size_t cap, char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	int fd;
	struct stat st;
	int rc = ks_rootfs_open_regular(ctx->root, path, &fd, &st);
	if (rc == KS_ENOENT)
		return rc;
	if (rc < 0) {
		ks_diag_add(ctx->diags, rc == KS_EACCES ? KS_DIAG_WARNING : KS_DIAG_ERROR, path, 0, 0,
		            "cannot read: %s", ks_strerror(rc));
		return rc;
	}
	unsigned char *chunk = malloc(CHUNK);
	if (!chunk) {
		close(fd);
		return KS_ENOMEM;
	}
	struct dec d;
	memset(&d, 0, sizeof d);
	size_t total = 0;
	ssize_t n = read_full(fd, chunk, CHUNK);
	ks_compression named = ks_compression_from_name(path);
	ks_compression c = n > 0 ? ks_compression_sniff(chunk, (size_t)n) : KS_COMP_NONE;
	if (c == KS_COMP_NONE && named == KS_COMP_LZMA)
		c = KS_COMP_LZMA; /* lzma_alone has no magic number */
	if (n < 0) {
		rc = KS_EIO;
		d.why = "read error";
	} else if (c == KS_COMP_NONE && named != KS_COMP_NONE) {
		rc = KS_EPARSE;
		d.why = n == 0 ? "empty compressed file" : "content is not in the format its name says";
	} else {
		rc = dec_init(&d, c, cap);
	}
	/* The compressed input is capped too: no input larger than the output cap is plausible. */
	while (rc == KS_OK) {
		total += (size_t)n;
		if (total > cap) {
			rc = dec_fail(&d, KS_ETOOBIG, "file larger than the cap");
			break;
		}
		bool last = (size_t)n < CHUNK;
		rc = dec_feed(&d, chunk, (size_t)n, last);
		if (rc < 0 || last)
			break;
		n = read_full(fd, chunk, CHUNK);
		if (n < 0)
			rc = dec_fail(&d, KS_EIO, "read error");
	}
	close(fd);
	free(chunk);
	if (rc == KS_OK)
		rc = dec_take(&d, out, outlen);
	if (rc == KS_ETOOBIG)
		ks_diag_add(ctx->diags, KS_DIAG_ERROR, path, 0, 0,
		            "%s: %s (%zu bytes); reading stopped there (decompression bomb?)",
		            ks_compression_name(c), d.why ? d.why : "too big", cap);
	else if (rc < 0 && rc != KS_ENOMEM)
		ks_diag_add(ctx->diags, KS_DIAG_ERROR, path, 0, 0, "cannot read %s data: %s",
		            ks_compression_name(c), d.why ? d.why : ks_strerror(rc));
	dec_free(&d);
	return rc;
}
