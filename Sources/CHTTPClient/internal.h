/* What the client's files share: one request's deadlines and abort (chc_io), a connection (socket and
 * TLS), name resolution. */
#ifndef CHC_INTERNAL_H
#define CHC_INTERNAL_H

#include "library.h"
#include "url.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CHC_MAX_BODY (64 * 1024)

/* How an I/O step ended when it did not succeed; the message is in chc_io.error. */
enum { CHC_FAILED = 1, CHC_TIMED_OUT, CHC_ABORTED };

/* One request's limits: every wait is a poll on the socket and the client's wake-up eventfd, until the
 * deadline that applies (the connect deadline covers TCP, the proxy's CONNECT and the TLS handshake, as
 * libcurl's CONNECTTIMEOUT does). */
typedef struct {
    const int *abort_flag;
    int wake_fd;
    int64_t deadline, connect_deadline; /* monotonic ms; INT64_MAX for none */
    long total_ms, connect_ms;
    int connecting;
    int outcome;                        /* 0, or CHC_FAILED / CHC_TIMED_OUT / CHC_ABORTED */
    char error[256];
} chc_io;

int64_t chc_now_ms(void);
/* Records the first failure (later ones are its consequences); returns -1 for `return chc_fail(...)`. */
int chc_fail(chc_io *io, int outcome, const char *format, ...) __attribute__((format(printf, 3, 4)));
/* Waits until fd has one of events; 0, or -1 on timeout, abort or poll failure (recorded in io). */
int chc_wait(chc_io *io, int fd, short events);

/* Resolves host:port without blocking the caller past the deadline or an abort (resolve.c). */
struct addrinfo;
int chc_resolve(chc_io *io, const char *host, unsigned port, struct addrinfo **result);
void chc_resolved_free(struct addrinfo *result);

/* A socket, with TLS over it once chc_conn_tls has run. fd -1: none. */
typedef struct {
    int fd;
    SSL *ssl;
} chc_conn;

int chc_conn_connect(chc_conn *conn, chc_io *io, const char *host, unsigned port);
/* The handshake, verifying the certificate for url's host unless the context does not verify. */
int chc_conn_tls(chc_conn *conn, chc_io *io, SSL_CTX *ctx, const chc_url *url, SSL_SESSION *session, int verify);
int chc_conn_send(chc_conn *conn, chc_io *io, const void *bytes, size_t len);
/* Bytes read (> 0), 0 at the end of the stream, -1 on failure (recorded in io). */
ssize_t chc_conn_recv(chc_conn *conn, chc_io *io, void *buffer, size_t cap);
/* Whether an idle kept-alive connection can carry another request: the server has not closed it. */
int chc_conn_usable(chc_conn *conn);
void chc_conn_close(chc_conn *conn);

/* A TLS context for these settings: trust store or ca_file, client certificate (tls_context.c). */
SSL_CTX *chc_tls_context(int verify, const char *ca_file, const char *cert, const char *key, char *error,
                         size_t error_len);

#endif
