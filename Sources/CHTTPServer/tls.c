/* TLS on the listening socket, through Debian's OpenSSL 3 loaded with dlopen when a certificate is
 * configured: an agent without TLS maps neither libssl nor libcrypto (serving, they hold 1.4 MiB of library
 * pages under a client that keeps its connection and 3.4 MiB under one that makes a new one per request, and
 * about 0.4 MiB of heap: Tests/Bench/tls_memory.py), as the dashboard client does (Sources/CHTTPClient/library.c,
 * a table of its own). The headers give types and constants only; every call goes through the table below.
 *
 * A connection's TLS is a transport (recv/send/shutdown) under the HTTP/1.1 and HTTP/2 code, which never
 * sees it. The handshake runs in the epoll loop like everything else: SSL_ERROR_WANT_READ/WRITE become
 * epoll interest, and it must finish within the request timeout (conn.c's sweep), so a silent or slow
 * handshake holds a slot no longer than a slow request head. TLS 1.2 and 1.3 only, Mozilla's
 * "intermediate" ciphers, ALPN h2 then http/1.1, session tickets and a small session cache. The context
 * can be replaced while connections run (rotation): each SSL holds a reference to the context it was made
 * from, so open connections keep theirs and new ones get the new one. */
#define _GNU_SOURCE
#include "internal.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

/* Mozilla's "intermediate" configuration (TLS 1.2 suites; TLS 1.3's defaults are its list). */
#define CHS_TLS12_CIPHERS                                                                                    \
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"             \
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"               \
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305"
#define CHS_TLS13_SUITES "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
/* TLS 1.2 sessions kept for resumption by id; TLS 1.3 resumes by ticket and keeps nothing here. */
#define CHS_TLS_SESSION_CACHE 256
/* Sends of small pieces (a head, a chunk's size line) are gathered into one record up to this. */
#define CHS_TLS_GATHER 16384

static struct {
    int loaded;
    const SSL_METHOD *(*server_method)(void);
    SSL_CTX *(*ctx_new)(const SSL_METHOD *method);
    void (*ctx_free)(SSL_CTX *ctx);
    long (*ctx_ctrl)(SSL_CTX *ctx, int cmd, long larg, void *parg);
    uint64_t (*ctx_set_options)(SSL_CTX *ctx, uint64_t options);
    int (*ctx_set_cipher_list)(SSL_CTX *ctx, const char *list);
    int (*ctx_set_ciphersuites)(SSL_CTX *ctx, const char *list);
    int (*ctx_use_chain_file)(SSL_CTX *ctx, const char *file);
    int (*ctx_use_key_file)(SSL_CTX *ctx, const char *file, int type);
    int (*ctx_check_key)(const SSL_CTX *ctx);
    int (*ctx_set_session_id_context)(SSL_CTX *ctx, const unsigned char *id, unsigned int len);
    void (*ctx_set_alpn_select_cb)(SSL_CTX *ctx, SSL_CTX_alpn_select_cb_func cb, void *arg);
    int (*ctx_load_verify_locations)(SSL_CTX *ctx, const char *file, const char *path);
    void (*ctx_set_verify)(SSL_CTX *ctx, int mode, SSL_verify_cb callback);
    void (*ctx_set_client_ca_list)(SSL_CTX *ctx, STACK_OF(X509_NAME) *list);
    STACK_OF(X509_NAME) *(*load_client_ca_file)(const char *file);
    SSL *(*ssl_new)(SSL_CTX *ctx);
    void (*ssl_free)(SSL *ssl);
    int (*set_fd)(SSL *ssl, int fd);
    void (*set_accept_state)(SSL *ssl);
    int (*do_handshake)(SSL *ssl);
    int (*read)(SSL *ssl, void *buf, int num);
    int (*write)(SSL *ssl, const void *buf, int num);
    int (*shutdown)(SSL *ssl);
    int (*get_error)(const SSL *ssl, int ret);
    int (*has_pending)(const SSL *ssl);
    void (*get0_alpn_selected)(const SSL *ssl, const unsigned char **data, unsigned int *len);
    unsigned long (*err_get_error)(void);
    void (*err_error_string_n)(unsigned long e, char *buf, size_t len);
    void (*err_clear_error)(void);
} ssl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_failure[256];

#define FIND(handle, field, name)                                                                            \
    do {                                                                                                     \
        *(void **)&ssl.field = dlsym(handle, name);                                                          \
        if (!ssl.field) {                                                                                    \
            snprintf(load_failure, sizeof load_failure, "%s: %s", name, dlerror());                          \
            return;                                                                                          \
        }                                                                                                    \
    } while (0)

static void load(void) {
    /* libssl brings libcrypto with it; dlsym on its handle finds both libraries' functions. */
    void *handle = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(load_failure, sizeof load_failure, "cannot load libssl.so.3 (Debian: libssl3): %s", dlerror());
        return;
    }
    FIND(handle, server_method, "TLS_server_method");
    FIND(handle, ctx_new, "SSL_CTX_new");
    FIND(handle, ctx_free, "SSL_CTX_free");
    FIND(handle, ctx_ctrl, "SSL_CTX_ctrl");
    FIND(handle, ctx_set_options, "SSL_CTX_set_options");
    FIND(handle, ctx_set_cipher_list, "SSL_CTX_set_cipher_list");
    FIND(handle, ctx_set_ciphersuites, "SSL_CTX_set_ciphersuites");
    FIND(handle, ctx_use_chain_file, "SSL_CTX_use_certificate_chain_file");
    FIND(handle, ctx_use_key_file, "SSL_CTX_use_PrivateKey_file");
    FIND(handle, ctx_check_key, "SSL_CTX_check_private_key");
    FIND(handle, ctx_set_session_id_context, "SSL_CTX_set_session_id_context");
    FIND(handle, ctx_set_alpn_select_cb, "SSL_CTX_set_alpn_select_cb");
    FIND(handle, ctx_load_verify_locations, "SSL_CTX_load_verify_locations");
    FIND(handle, ctx_set_verify, "SSL_CTX_set_verify");
    FIND(handle, ctx_set_client_ca_list, "SSL_CTX_set_client_CA_list");
    FIND(handle, load_client_ca_file, "SSL_load_client_CA_file");
    FIND(handle, ssl_new, "SSL_new");
    FIND(handle, ssl_free, "SSL_free");
    FIND(handle, set_fd, "SSL_set_fd");
    FIND(handle, set_accept_state, "SSL_set_accept_state");
    FIND(handle, do_handshake, "SSL_do_handshake");
    FIND(handle, read, "SSL_read");
    FIND(handle, write, "SSL_write");
    FIND(handle, shutdown, "SSL_shutdown");
    FIND(handle, get_error, "SSL_get_error");
    FIND(handle, has_pending, "SSL_has_pending");
    FIND(handle, get0_alpn_selected, "SSL_get0_alpn_selected");
    FIND(handle, err_get_error, "ERR_get_error");
    FIND(handle, err_error_string_n, "ERR_error_string_n");
    FIND(handle, err_clear_error, "ERR_clear_error");
    ssl.loaded = 1;
}

/* Unmaps the pages of one object's never-written segments (code, read-only data, symbol tables): they are
 * the file's own bytes, so whatever is touched again comes back from the page cache as it is needed. */
static int drop_clean_pages(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size, (void)data;
    if (!info->dlpi_name || (!strstr(info->dlpi_name, "/libssl.so.3") && !strstr(info->dlpi_name, "/libcrypto.so.3")))
        return 0;
    uintptr_t page = 4096;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || (segment->p_flags & PF_W)) continue; /* relocated data stays */
        uintptr_t start = (info->dlpi_addr + segment->p_vaddr + page - 1) & ~(page - 1);
        uintptr_t end = (info->dlpi_addr + segment->p_vaddr + segment->p_memsz) & ~(page - 1);
        if (end > start) madvise((void *)start, end - start, MADV_DONTNEED);
    }
    return 0;
}

/* Loading OpenSSL and making the first context (its providers fetch every algorithm) touches most of
 * libcrypto's 4 MiB; the kernel maps pages around each one touched, and they would stay resident for the
 * process's life. Dropped once the first context is made, what serving needs (the handshake's and the
 * ciphers' code) comes back: 3.2 MiB of library pages resident after a few HTTPS requests instead of 4.1. */
static void trim_library_pages(void) {
    static int trimmed;
    if (__atomic_exchange_n(&trimmed, 1, __ATOMIC_RELAXED)) return;
    dl_iterate_phdr(drop_clean_pages, NULL);
}

static const char *load_library(void) {
    pthread_once(&load_once, load);
    return ssl.loaded ? NULL : load_failure;
}

/* The server's TLS: the files it was configured with, the context new connections get, and what the
 * files looked like when last loaded (to notice a replacement without reading them). */
struct chs_tls {
    char *cert_file, *key_file, *client_ca_file;
    pthread_mutex_t lock; /* guards ctx between the loop (SSL_new) and a reload on another thread */
    pthread_mutex_t reload_lock; /* one reload at a time (a SIGHUP and the periodic check may meet) */
    SSL_CTX *ctx;
    struct stat seen[3];
};

/* Writes "what: OpenSSL's reason" to err. */
static void fail_with(char *err, size_t err_len, const char *what) {
    unsigned long code = ssl.err_get_error(), last;
    while ((last = ssl.err_get_error()) != 0) code = last; /* the innermost reason is the telling one */
    char reason[200] = "unknown error";
    if (code) ssl.err_error_string_n(code, reason, sizeof reason);
    snprintf(err, err_len, "%s: %s", what, reason);
}

/* ALPN (RFC 7301): h2 when the client offers it, else http/1.1; a client offering neither gets no ALPN
 * answer and is served HTTP/1.1, as nginx does. */
static int select_alpn(SSL *s, const unsigned char **out, unsigned char *out_len, const unsigned char *in,
                       unsigned int in_len, void *arg) {
    (void)s, (void)arg;
    static const char *const preferred[] = {"h2", "http/1.1"};
    for (int p = 0; p < 2; p++) {
        size_t want = strlen(preferred[p]);
        for (unsigned int i = 0; i < in_len; i += 1u + in[i]) {
            if (i + 1u + in[i] > in_len) break;
            if (in[i] == want && memcmp(in + i + 1, preferred[p], want) == 0) {
                *out = in + i + 1;
                *out_len = in[i];
                return SSL_TLSEXT_ERR_OK;
            }
        }
    }
    return SSL_TLSEXT_ERR_NOACK;
}

static SSL_CTX *make_context(const char *cert_file, const char *key_file, const char *client_ca_file, char *err,
                             size_t err_len) {
    const char *failure = load_library();
    if (failure) {
        snprintf(err, err_len, "%s", failure);
        return NULL;
    }
    ssl.err_clear_error();
    SSL_CTX *ctx = ssl.ctx_new(ssl.server_method());
    if (!ctx) {
        fail_with(err, err_len, "cannot make a TLS context");
        return NULL;
    }
    ssl.ctx_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
    ssl.ctx_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, TLS1_3_VERSION, NULL);
    ssl.ctx_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    /* Partial writes and a moving buffer: a send that stops short is retried from wherever the queue then
     * is, with the same bytes first. Idle connections give their 34 KiB of record buffers back. */
    ssl.ctx_ctrl(ctx, SSL_CTRL_MODE,
                 SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS, NULL);
    ssl.ctx_ctrl(ctx, SSL_CTRL_SET_DH_AUTO, 1, NULL);
    ssl.ctx_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_SIZE, CHS_TLS_SESSION_CACHE, NULL);
    ssl.ctx_set_session_id_context(ctx, (const unsigned char *)"shelter-agent", 13);
    char what[600];
    if (ssl.ctx_set_cipher_list(ctx, CHS_TLS12_CIPHERS) != 1 || ssl.ctx_set_ciphersuites(ctx, CHS_TLS13_SUITES) != 1) {
        fail_with(err, err_len, "cannot set the cipher list");
        goto fail;
    }
    if (ssl.ctx_use_chain_file(ctx, cert_file) != 1) {
        snprintf(what, sizeof what, "certificate file %s", cert_file);
        fail_with(err, err_len, what);
        goto fail;
    }
    if (ssl.ctx_use_key_file(ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        snprintf(what, sizeof what, "key file %s", key_file);
        fail_with(err, err_len, what);
        goto fail;
    }
    if (ssl.ctx_check_key(ctx) != 1) {
        snprintf(what, sizeof what, "key file %s does not match certificate file %s", key_file, cert_file);
        fail_with(err, err_len, what);
        goto fail;
    }
    if (client_ca_file) {
        /* The names are loaded only once the locations are: a failure then leaves nothing to free. */
        STACK_OF(X509_NAME) *names = ssl.ctx_load_verify_locations(ctx, client_ca_file, NULL) == 1
                                         ? ssl.load_client_ca_file(client_ca_file)
                                         : NULL;
        if (!names) {
            snprintf(what, sizeof what, "client CA file %s", client_ca_file);
            fail_with(err, err_len, what);
            goto fail;
        }
        ssl.ctx_set_client_ca_list(ctx, names); /* the context owns the list now */
        ssl.ctx_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
    ssl.ctx_set_alpn_select_cb(ctx, select_alpn, NULL);
    return ctx;
fail:
    ssl.ctx_free(ctx);
    return NULL;
}

int chs_tls_check(const char *cert_file, const char *key_file, const char *client_ca_file, char *err, size_t err_len) {
    SSL_CTX *ctx = make_context(cert_file, key_file, client_ca_file, err, err_len);
    if (!ctx) return -1;
    ssl.ctx_free(ctx);
    return 0;
}

static void look(const chs_tls *tls, struct stat seen[3]) {
    const char *files[3] = {tls->cert_file, tls->key_file, tls->client_ca_file};
    memset(seen, 0, 3 * sizeof *seen);
    for (int i = 0; i < 3; i++)
        if (files[i]) stat(files[i], &seen[i]);
}

static int same(const struct stat *a, const struct stat *b) {
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

void chs_tls_free(chs_tls *tls) {
    if (!tls) return;
    if (tls->ctx) ssl.ctx_free(tls->ctx);
    pthread_mutex_destroy(&tls->lock);
    pthread_mutex_destroy(&tls->reload_lock);
    free(tls->cert_file);
    free(tls->key_file);
    free(tls->client_ca_file);
    free(tls);
}

chs_tls *chs_tls_new(const chs_config *config, char *err, size_t err_len) {
    chs_tls *tls = calloc(1, sizeof *tls);
    if (!tls || pthread_mutex_init(&tls->lock, NULL) != 0) {
        free(tls);
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&tls->reload_lock, NULL) != 0) {
        pthread_mutex_destroy(&tls->lock);
        free(tls);
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    tls->cert_file = strdup(config->tls_cert_file);
    tls->key_file = strdup(config->tls_key_file ? config->tls_key_file : "");
    tls->client_ca_file = config->tls_client_ca_file ? strdup(config->tls_client_ca_file) : NULL;
    if (!tls->cert_file || !tls->key_file || (config->tls_client_ca_file && !tls->client_ca_file)) {
        chs_tls_free(tls);
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    look(tls, tls->seen);
    tls->ctx = make_context(tls->cert_file, tls->key_file, tls->client_ca_file, err, err_len);
    if (!tls->ctx) {
        chs_tls_free(tls);
        return NULL;
    }
    trim_library_pages();
    return tls;
}

int chs_server_reload_tls(chs_server *server, int force, char *err, size_t err_len) {
    chs_tls *tls = server->tls;
    if (!tls) return 0;
    struct stat now[3];
    pthread_mutex_lock(&tls->reload_lock);
    look(tls, now);
    if (!force && same(&now[0], &tls->seen[0]) && same(&now[1], &tls->seen[1]) && same(&now[2], &tls->seen[2])) {
        pthread_mutex_unlock(&tls->reload_lock);
        return 0;
    }
    /* Remembered even when the new files fail, so a bad pair is reported once, not at every check; the
     * next change (the missing half of a pair arriving) is tried again. */
    memcpy(tls->seen, now, sizeof now);
    SSL_CTX *fresh = make_context(tls->cert_file, tls->key_file, tls->client_ca_file, err, err_len);
    pthread_mutex_unlock(&tls->reload_lock);
    if (!fresh) return -1;
    pthread_mutex_lock(&tls->lock);
    SSL_CTX *old = tls->ctx;
    tls->ctx = fresh;
    pthread_mutex_unlock(&tls->lock);
    ssl.ctx_free(old); /* open connections hold their own references to it */
    return 1;
}

/* --- The TLS transport --- */

static SSL *conn_ssl(const chs_conn *conn) { return conn->tls; }

/* The last call's failure as errno: EAGAIN for "try when the socket is ready", with epoll told which
 * readiness; anything else ends the connection. */
static ssize_t failed(chs_conn *conn, int ret) {
    int code = ssl.get_error(conn_ssl(conn), ret);
    ssl.err_clear_error();
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
        conn->transport_wants_write = code == SSL_ERROR_WANT_WRITE;
        errno = EAGAIN;
        return -1;
    }
    if (code == SSL_ERROR_ZERO_RETURN) return 0; /* close_notify: the peer's end of stream */
    if (code == SSL_ERROR_SYSCALL && errno == 0) return 0;
    if (code != SSL_ERROR_SYSCALL) errno = ECONNRESET;
    return -1;
}

static ssize_t tls_recv(chs_conn *conn, void *buf, size_t len) {
    errno = 0; /* SSL_ERROR_SYSCALL with errno 0 is an end of stream; a stale EAGAIN must not pass for one */
    int n = ssl.read(conn_ssl(conn), buf, len > INT_MAX ? INT_MAX : (int)len);
    if (n <= 0) return failed(conn, n);
    conn->transport_wants_write = 0;
    /* Decrypted bytes (or whole records) left inside OpenSSL are not in the socket, so epoll would not
     * report them: the loop comes back for them without sleeping. */
    if (ssl.has_pending(conn_ssl(conn))) {
        conn->input_pending = 1;
        conn->server->backlog = 1;
    }
    return n;
}

static ssize_t tls_send(chs_conn *conn, const struct iovec *parts, int count) {
    uint8_t gather[CHS_TLS_GATHER];
    size_t sent = 0;
    int index = 0;
    size_t offset = 0; /* into parts[index] */
    while (index < count) {
        const uint8_t *from = (const uint8_t *)parts[index].iov_base + offset;
        size_t len = parts[index].iov_len - offset;
        if (len == 0) {
            index++, offset = 0;
            continue;
        }
        /* Small pieces together make one record, not a record (and a packet) each. */
        if (len < CHS_TLS_GATHER && index + 1 < count) {
            size_t used = 0;
            for (int i = index; i < count && used < CHS_TLS_GATHER; i++) {
                size_t skip = i == index ? offset : 0, take = parts[i].iov_len - skip;
                if (take > CHS_TLS_GATHER - used) take = CHS_TLS_GATHER - used;
                memcpy(gather + used, (const uint8_t *)parts[i].iov_base + skip, take);
                used += take;
            }
            from = gather;
            len = used;
        }
        errno = 0;
        int n = ssl.write(conn_ssl(conn), from, len > INT_MAX ? INT_MAX : (int)len);
        if (n <= 0) {
            ssize_t result = failed(conn, n);
            if (sent) return (ssize_t)sent;
            return result == 0 ? (errno = EPIPE, -1) : result;
        }
        conn->transport_wants_write = 0;
        sent += (size_t)n;
        /* Advance through the parts by what went. */
        size_t left = (size_t)n;
        while (left && index < count) {
            size_t here = parts[index].iov_len - offset;
            if (left < here) {
                offset += left;
                left = 0;
            } else {
                left -= here;
                index++, offset = 0;
            }
        }
        if ((size_t)n < len) break; /* one record went; the socket may be full: let the caller come back */
    }
    return (ssize_t)sent;
}

static void tls_shutdown(chs_conn *conn) {
    ssl.shutdown(conn_ssl(conn)); /* close_notify, best effort: the FIN follows either way */
    ssl.err_clear_error();
    shutdown(conn->fd, SHUT_WR);
}

static void tls_release(chs_conn *conn) {
    if (conn->tls) ssl.ssl_free(conn->tls);
    conn->tls = NULL;
}

static const chs_transport tls_transport = {tls_recv, tls_send, tls_shutdown, tls_release};

int chs_tls_accept(chs_server *server, chs_conn *conn) {
    chs_tls *tls = server->tls;
    pthread_mutex_lock(&tls->lock);
    SSL *s = ssl.ssl_new(tls->ctx); /* takes its own reference to the context */
    pthread_mutex_unlock(&tls->lock);
    if (!s) return -1;
    if (ssl.set_fd(s, conn->fd) != 1) {
        ssl.ssl_free(s);
        return -1;
    }
    ssl.set_accept_state(s);
    conn->tls = s;
    conn->transport = &tls_transport;
    conn->handshaking = 1;
    return 0;
}

chs_tls_step chs_tls_handshake(chs_conn *conn) {
    if (!conn->tls_peeked) {
        /* A TLS client's first byte is 22 (a handshake record); a letter is an HTTP method sent to the
         * wrong scheme, which gets an answer it can read (conn.c) rather than a bare close. */
        unsigned char first;
        ssize_t n;
        do n = recv(conn->fd, &first, 1, MSG_PEEK);
        while (n < 0 && errno == EINTR);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return CHS_TLS_AGAIN;
        if (n <= 0) return CHS_TLS_FAILED;
        conn->tls_peeked = 1;
        if (first >= 'A' && first <= 'Z') {
            tls_release(conn);
            conn->transport = &chs_plain_transport;
            conn->handshaking = 0;
            return CHS_TLS_PLAINTEXT;
        }
    }
    errno = 0;
    int rc = ssl.do_handshake(conn_ssl(conn));
    if (rc == 1) {
        conn->handshaking = 0;
        conn->transport_wants_write = 0;
        const unsigned char *protocol = NULL;
        unsigned int len = 0;
        ssl.get0_alpn_selected(conn_ssl(conn), &protocol, &len);
        conn->alpn_h2 = len == 2 && memcmp(protocol, "h2", 2) == 0;
        if (ssl.has_pending(conn_ssl(conn))) {
            conn->input_pending = 1;
            conn->server->backlog = 1;
        }
        return CHS_TLS_DONE;
    }
    ssize_t result = failed(conn, rc);
    return result < 0 && errno == EAGAIN ? CHS_TLS_AGAIN : CHS_TLS_FAILED;
}
