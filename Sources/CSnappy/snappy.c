/* libsnappy through dlopen rather than linked: the agent runs on hosts without libsnappy1v5 as long as
 * nobody sets REMOTE_WRITE_URL (a pull-only or dashboard-only agent never maps it), as it does for
 * OpenSSL (Sources/CHTTPClient/library.c). The C API (snappy-c.h) is what is called; its header gives
 * the types, so a signature that changed would not compile. */
#define _GNU_SOURCE
#include "csnappy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <snappy-c.h>
#include <stdio.h>

static struct {
    int loaded;
    snappy_status (*compress)(const char *input, size_t input_length, char *compressed, size_t *compressed_length);
    snappy_status (*uncompress)(const char *compressed, size_t compressed_length, char *uncompressed,
                                size_t *uncompressed_length);
    size_t (*max_compressed_length)(size_t source_length);
    snappy_status (*uncompressed_length)(const char *compressed, size_t compressed_length, size_t *result);
} lib;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[256];

#define FIND(handle, field, name)                                                                            \
    do {                                                                                                     \
        *(void **)&lib.field = dlsym(handle, name);                                                          \
        if (!lib.field) {                                                                                    \
            snprintf(failure, sizeof failure, "%s: %s", name, dlerror());                                    \
            return;                                                                                          \
        }                                                                                                    \
    } while (0)

static void load(void) {
    void *handle = dlopen("libsnappy.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(failure, sizeof failure, "cannot load libsnappy.so.1 (Debian: libsnappy1v5): %s", dlerror());
        return;
    }
    FIND(handle, compress, "snappy_compress");
    FIND(handle, uncompress, "snappy_uncompress");
    FIND(handle, max_compressed_length, "snappy_max_compressed_length");
    FIND(handle, uncompressed_length, "snappy_uncompressed_length");
    lib.loaded = 1;
}

const char *csn_library_error(void) {
    pthread_once(&once, load);
    return lib.loaded ? NULL : failure;
}

size_t csn_max_compressed_length(size_t len) { return csn_library_error() ? 0 : lib.max_compressed_length(len); }

int csn_compress(const void *input, size_t len, void *out, size_t *out_len) {
    if (csn_library_error()) return -1;
    return lib.compress(input, len, out, out_len) == SNAPPY_OK ? 0 : -1;
}

int csn_uncompress(const void *input, size_t len, void *out, size_t *out_len) {
    if (csn_library_error()) return -1;
    return lib.uncompress(input, len, out, out_len) == SNAPPY_OK ? 0 : -1;
}

int csn_uncompressed_length(const void *input, size_t len, size_t *result) {
    if (csn_library_error()) return -1;
    return lib.uncompressed_length(input, len, result) == SNAPPY_OK ? 0 : -1;
}
