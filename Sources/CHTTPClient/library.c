/* Debian's OpenSSL 3 (libssl.so.3, which brings libcrypto.so.3), loaded with dlopen when the first
 * dashboard client is made rather than linked: a pull-only agent, which never pushes, maps neither
 * (about 1 MiB of libraries and their initialisation). The server's TLS (Sources/CHTTPServer/tls.c) loads
 * the same library through a table of its own, so that the two targets stay independent; the dynamic
 * loader maps the library once whichever asks first. */
#define _GNU_SOURCE
#include "library.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

chc_library chc_lib;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[256];

#define FIND(handle, field, name)                                                                            \
    do {                                                                                                     \
        *(void **)&chc_lib.field = dlsym(handle, name);                                                      \
        if (!chc_lib.field) {                                                                                \
            snprintf(failure, sizeof failure, "%s: %s", name, dlerror());                                    \
            return;                                                                                          \
        }                                                                                                    \
    } while (0)

static void load(void) {
    /* dlsym on libssl's handle also finds libcrypto's functions: it is among libssl's dependencies. */
    void *handle = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(failure, sizeof failure, "cannot load libssl.so.3 (Debian: libssl3): %s", dlerror());
        return;
    }
    FIND(handle, client_method, "TLS_client_method");
    FIND(handle, ctx_new, "SSL_CTX_new");
    FIND(handle, ctx_free, "SSL_CTX_free");
    FIND(handle, ctx_ctrl, "SSL_CTX_ctrl");
    FIND(handle, ctx_set_options, "SSL_CTX_set_options");
    FIND(handle, ctx_load_verify_locations, "SSL_CTX_load_verify_locations");
    FIND(handle, default_cert_file, "X509_get_default_cert_file");
    FIND(handle, default_cert_dir, "X509_get_default_cert_dir");
    FIND(handle, ctx_set_verify, "SSL_CTX_set_verify");
    FIND(handle, ctx_use_chain_file, "SSL_CTX_use_certificate_chain_file");
    FIND(handle, ctx_use_key_file, "SSL_CTX_use_PrivateKey_file");
    FIND(handle, ctx_check_key, "SSL_CTX_check_private_key");
    FIND(handle, ssl_new, "SSL_new");
    FIND(handle, ssl_free, "SSL_free");
    FIND(handle, set_fd, "SSL_set_fd");
    FIND(handle, set_connect_state, "SSL_set_connect_state");
    FIND(handle, ssl_ctrl, "SSL_ctrl");
    FIND(handle, set1_host, "SSL_set1_host");
    FIND(handle, get0_param, "SSL_get0_param");
    FIND(handle, param_set1_ip_asc, "X509_VERIFY_PARAM_set1_ip_asc");
    FIND(handle, set_alpn_protos, "SSL_set_alpn_protos");
    FIND(handle, set_session, "SSL_set_session");
    FIND(handle, get1_session, "SSL_get1_session");
    FIND(handle, session_free, "SSL_SESSION_free");
    FIND(handle, do_handshake, "SSL_do_handshake");
    FIND(handle, read, "SSL_read");
    FIND(handle, write, "SSL_write");
    FIND(handle, shutdown, "SSL_shutdown");
    FIND(handle, get_error, "SSL_get_error");
    FIND(handle, get_verify_result, "SSL_get_verify_result");
    FIND(handle, verify_error_string, "X509_verify_cert_error_string");
    FIND(handle, err_get_error, "ERR_get_error");
    FIND(handle, err_error_string_n, "ERR_error_string_n");
    FIND(handle, err_clear_error, "ERR_clear_error");
    FIND(handle, digest, "EVP_Digest");
    FIND(handle, sha256, "EVP_sha256");
    chc_lib.loaded = 1;
}

const char *chc_library_load(void) {
    pthread_once(&once, load);
    return chc_lib.loaded ? NULL : failure;
}

const char *chc_library_error(void) { return chc_library_load(); }
