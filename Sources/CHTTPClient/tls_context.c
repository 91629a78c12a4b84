/* The client's TLS settings: TLS 1.2 and later, the peer verified against the system's trust store
 * (system_store below) or CA_FILE alone, and a client
 * certificate when one is configured. Made once per client and kept while the settings stay the same:
 * reading the system bundle costs milliseconds of CPU each time. */
#define _GNU_SOURCE
#include "internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHC_DEBIAN_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static int failed(SSL_CTX *ctx, char *error, size_t error_len, const char *what, const char *file) {
    unsigned long code = chc_lib.err_get_error();
    char text[200] = "unknown error";
    if (code) chc_lib.err_error_string_n(code, text, sizeof text);
    snprintf(error, error_len, "TLS: %s %s: %s", what, file, text);
    chc_lib.ctx_free(ctx);
    return 0;
}

/* Whether one of the ':'-separated directories holds OpenSSL's hash links (c_rehash's "5d9e5f1a.0"). */
static int hashed(const char *dirs) {
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", dirs);
    for (char *saved, *dir = strtok_r(copy, ":", &saved); dir; dir = strtok_r(NULL, ":", &saved)) {
        DIR *d = opendir(dir);
        if (!d) continue;
        int found = 0;
        for (struct dirent *e; !found && (e = readdir(d));) {
            size_t n = strlen(e->d_name);
            found = n == 10 && e->d_name[8] == '.' && strspn(e->d_name, "0123456789abcdef") == 8;
        }
        closedir(d);
        if (found) return 1;
    }
    return 0;
}

/* The system's trust store, as SSL_CTX_set_default_verify_paths names it (SSL_CERT_FILE and SSL_CERT_DIR
 * override it), but the hashed directory alone when it exists: OpenSSL then reads only the CA a server's
 * chain needs, when it needs it, where the bundle file (Debian's 139 certificates) costs 0.9 MiB of heap for
 * the client's life. Debian's update-ca-certificates makes both from the same certificates. Without the
 * directory (the FROM-scratch image has only the bundle), the file, or Debian's bundle, which libcurl read
 * directly, when OpenSSL's default file is missing. 0, or -1 when nothing could be read. */
static int system_store(SSL_CTX *ctx) {
    const char *file = getenv("SSL_CERT_FILE"), *dirs = getenv("SSL_CERT_DIR");
    if (file && *file) /* as OpenSSL does: the file, and the directories only when also named */
        return chc_lib.ctx_load_verify_locations(ctx, file, dirs && *dirs ? dirs : NULL) ? 0 : -1;
    if (!dirs || !*dirs) dirs = chc_lib.default_cert_dir();
    if (hashed(dirs)) return chc_lib.ctx_load_verify_locations(ctx, NULL, dirs) ? 0 : -1;
    file = chc_lib.default_cert_file();
    if (access(file, R_OK) != 0 && access(CHC_DEBIAN_CA_BUNDLE, R_OK) == 0) file = CHC_DEBIAN_CA_BUNDLE;
    return chc_lib.ctx_load_verify_locations(ctx, file, NULL) ? 0 : -1;
}

SSL_CTX *chc_tls_context(int verify, const char *ca_file, const char *cert, const char *key, char *error,
                         size_t error_len) {
    chc_lib.err_clear_error();
    SSL_CTX *ctx = chc_lib.ctx_new(chc_lib.client_method());
    if (!ctx) {
        snprintf(error, error_len, "TLS: cannot make a context");
        return NULL;
    }
    chc_lib.ctx_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
    /* A response read to its end may come without close_notify; renegotiation and compression are off. */
    chc_lib.ctx_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    /* Records are read whole with one read(2) where the socket has them, not header then body. */
    chc_lib.ctx_ctrl(ctx, SSL_CTRL_SET_READ_AHEAD, 1, NULL);
    chc_lib.ctx_set_verify(ctx, verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
    if (verify) {
        if (ca_file && *ca_file) {
            if (!chc_lib.ctx_load_verify_locations(ctx, ca_file, NULL)) {
                failed(ctx, error, error_len, "cannot read CA file", ca_file);
                return NULL;
            }
        } else if (system_store(ctx)) {
            failed(ctx, error, error_len, "cannot read the system's", "trust store");
            return NULL;
        }
    }
    if (cert && *cert) {
        if (!chc_lib.ctx_use_chain_file(ctx, cert)) {
            failed(ctx, error, error_len, "cannot read client certificate", cert);
            return NULL;
        }
        if (!chc_lib.ctx_use_key_file(ctx, key && *key ? key : cert, SSL_FILETYPE_PEM)) {
            failed(ctx, error, error_len, "cannot read client key", key && *key ? key : cert);
            return NULL;
        }
        if (!chc_lib.ctx_check_key(ctx)) {
            failed(ctx, error, error_len, "client key does not match", cert);
            return NULL;
        }
    }
    return ctx;
}
