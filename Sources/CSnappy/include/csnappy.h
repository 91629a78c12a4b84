/* Snappy block compression for Prometheus remote write, through Debian's libsnappy (libsnappy-dev for
 * the header, libsnappy1v5 at run time), loaded with dlopen on first use (snappy.c says why). */
#ifndef CSNAPPY_H
#define CSNAPPY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* NULL once libsnappy is loaded, else why it cannot be. Loads it if not yet tried. Thread-safe. */
const char *csn_library_error(void);
/* The most bytes `len` input bytes can compress to; 0 when libsnappy cannot be loaded. */
size_t csn_max_compressed_length(size_t len);
/* Compresses input into out (capacity *out_len, at least csn_max_compressed_length(len)); on success
 * *out_len is the compressed size. 0, or -1 (library missing, buffer too small). */
int csn_compress(const void *input, size_t len, void *out, size_t *out_len);
/* Undoes csn_compress (for reading the spool and for tests); *out_len in: capacity, out: size. 0 or -1. */
int csn_uncompress(const void *input, size_t len, void *out, size_t *out_len);
/* The uncompressed size a compressed block declares; 0 or -1. */
int csn_uncompressed_length(const void *input, size_t len, size_t *result);

#ifdef __cplusplus
}
#endif
#endif
