/* The OpenSSL functions the client uses, found at run time (library.c says why). The headers give types
 * and constants only: every call goes through this table. */
#ifndef CHC_LIBRARY_H
#define CHC_LIBRARY_H

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

typedef struct {
    int loaded;
    const SSL_METHOD *(*client_method)(void);
    SSL_CTX *(*ctx_new)(const SSL_METHOD *method);
    void (*ctx_free)(SSL_CTX *ctx);
    long (*ctx_ctrl)(SSL_CTX *ctx, int cmd, long larg, void *parg);
    uint64_t (*ctx_set_options)(SSL_CTX *ctx, uint64_t options);
    int (*ctx_load_verify_locations)(SSL_CTX *ctx, const char *file, const char *path);
    const char *(*default_cert_file)(void);
    const char *(*default_cert_dir)(void);
    void (*ctx_set_verify)(SSL_CTX *ctx, int mode, SSL_verify_cb callback);
    int (*ctx_use_chain_file)(SSL_CTX *ctx, const char *file);
    int (*ctx_use_key_file)(SSL_CTX *ctx, const char *file, int type);
    int (*ctx_check_key)(const SSL_CTX *ctx);
    SSL *(*ssl_new)(SSL_CTX *ctx);
    void (*ssl_free)(SSL *ssl);
    int (*set_fd)(SSL *ssl, int fd);
    void (*set_connect_state)(SSL *ssl);
    long (*ssl_ctrl)(SSL *ssl, int cmd, long larg, void *parg);
    int (*set1_host)(SSL *ssl, const char *hostname);
    X509_VERIFY_PARAM *(*get0_param)(SSL *ssl);
    int (*param_set1_ip_asc)(X509_VERIFY_PARAM *param, const char *ipasc);
    int (*set_alpn_protos)(SSL *ssl, const unsigned char *protos, unsigned int len);
    int (*set_session)(SSL *ssl, SSL_SESSION *session);
    SSL_SESSION *(*get1_session)(SSL *ssl);
    void (*session_free)(SSL_SESSION *session);
    int (*do_handshake)(SSL *ssl);
    int (*read)(SSL *ssl, void *buf, int num);
    int (*write)(SSL *ssl, const void *buf, int num);
    int (*shutdown)(SSL *ssl);
    int (*get_error)(const SSL *ssl, int ret);
    long (*get_verify_result)(const SSL *ssl);
    const char *(*verify_error_string)(long n);
    unsigned long (*err_get_error)(void);
    void (*err_error_string_n)(unsigned long e, char *buf, size_t len);
    void (*err_clear_error)(void);
    int (*digest)(const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type,
                  ENGINE *impl);
    const EVP_MD *(*sha256)(void);
} chc_library;

extern chc_library chc_lib;

/* Loads libssl (and libcrypto with it) once; NULL when they are there, else why not. Thread-safe. */
const char *chc_library_load(void);

#endif
