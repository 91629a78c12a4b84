/* A connection to the dashboard (or the proxy before it): non-blocking connect to each resolved address
 * in turn, TLS over the socket, and sends and receives that wait only in poll, beside the client's wake-up
 * eventfd, so that chc_client_abort ends any of them within milliseconds. */
#define _GNU_SOURCE
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int64_t chc_now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int chc_fail(chc_io *io, int outcome, const char *format, ...) {
    if (io->outcome) return -1;
    io->outcome = outcome;
    va_list args;
    va_start(args, format);
    vsnprintf(io->error, sizeof io->error, format, args);
    va_end(args);
    return -1;
}

static int aborted(chc_io *io) { return __atomic_load_n(io->abort_flag, __ATOMIC_SEQ_CST); }

int chc_wait(chc_io *io, int fd, short events) {
    for (;;) {
        if (aborted(io)) return chc_fail(io, CHC_ABORTED, "aborted: the agent is stopping");
        int64_t now = chc_now_ms(), deadline = io->deadline;
        int connect_first = io->connecting && io->connect_deadline < deadline;
        if (connect_first) deadline = io->connect_deadline;
        if (now >= deadline) {
            if (connect_first) return chc_fail(io, CHC_TIMED_OUT, "connect timed out after %ld ms", io->connect_ms);
            return chc_fail(io, CHC_TIMED_OUT, "timed out after %ld ms", io->total_ms);
        }
        int64_t left = deadline - now;
        struct pollfd fds[2] = {{.fd = fd, .events = events}, {.fd = io->wake_fd, .events = POLLIN}};
        int n = poll(fds, 2, left > 60000 ? 60000 : (int)left);
        if (n < 0 && errno != EINTR) return chc_fail(io, CHC_FAILED, "poll: %s", strerror(errno));
        if (n > 0 && fds[0].revents) return 0; /* errors and hang-ups too: the next call reports them */
        /* A wake-up without the flag is a stale abort(1)/abort(0) pair: drain it and wait on. */
        if (n > 0 && fds[1].revents && !aborted(io)) {
            uint64_t count;
            while (read(io->wake_fd, &count, sizeof count) > 0) {}
        }
    }
}

/* "connection refused" rather than "Connection refused": it follows a colon in the message. */
static const char *reason(int error) {
    static __thread char text[96];
    snprintf(text, sizeof text, "%s", strerror(error));
    if (text[0] >= 'A' && text[0] <= 'Z' && !(text[1] >= 'A' && text[1] <= 'Z')) text[0] = (char)(text[0] + 32);
    return text;
}

static int connect_one(chc_io *io, const struct addrinfo *address) {
    int fd = socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address->ai_protocol);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* the head and body go out in one send */
    if (connect(fd, address->ai_addr, address->ai_addrlen) == 0) return fd;
    if (errno != EINPROGRESS) {
        int error = errno;
        close(fd);
        return -error;
    }
    if (chc_wait(io, fd, POLLOUT)) {
        close(fd);
        return -ETIMEDOUT; /* io says whether it was the deadline or an abort */
    }
    int error = 0;
    socklen_t len = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
    if (error) {
        close(fd);
        return -error;
    }
    return fd;
}

int chc_conn_connect(chc_conn *conn, chc_io *io, const char *host, unsigned port) {
    conn->fd = -1;
    conn->ssl = NULL;
    struct addrinfo *addresses = NULL;
    if (chc_resolve(io, host, port, &addresses)) return -1;
    int last_error = ENOENT;
    for (struct addrinfo *a = addresses; a && !io->outcome; a = a->ai_next) {
        int fd = connect_one(io, a);
        if (fd >= 0) {
            conn->fd = fd;
            break;
        }
        last_error = -fd;
    }
    chc_resolved_free(addresses);
    if (conn->fd >= 0) return 0;
    return chc_fail(io, CHC_FAILED, "could not connect to %s port %u: %s", host, port, reason(last_error));
}

/* Why the handshake failed, as libcurl would say it: the verification result when that is the cause. */
static int tls_failure(chc_io *io, chc_conn *conn, int verify, int ssl_error) {
    long result = chc_lib.get_verify_result(conn->ssl);
    if (verify && result != X509_V_OK)
        return chc_fail(io, CHC_FAILED, "TLS: certificate verify failed: %s", chc_lib.verify_error_string(result));
    unsigned long code = chc_lib.err_get_error();
    if (code) {
        char text[200];
        chc_lib.err_error_string_n(code, text, sizeof text);
        return chc_fail(io, CHC_FAILED, "TLS: handshake failed: %s", text);
    }
    if (ssl_error == SSL_ERROR_SYSCALL && errno)
        return chc_fail(io, CHC_FAILED, "TLS: handshake failed: %s", reason(errno));
    return chc_fail(io, CHC_FAILED, "TLS: the server closed the connection during the handshake");
}

int chc_conn_tls(chc_conn *conn, chc_io *io, SSL_CTX *ctx, const chc_url *url, SSL_SESSION *session, int verify) {
    static const unsigned char alpn[] = "\x08http/1.1";
    conn->ssl = chc_lib.ssl_new(ctx);
    if (!conn->ssl || !chc_lib.set_fd(conn->ssl, conn->fd)) return chc_fail(io, CHC_FAILED, "TLS: out of memory");
    chc_lib.set_connect_state(conn->ssl);
    if (!url->ip_literal) /* RFC 6066: no SNI for addresses */
        chc_lib.ssl_ctrl(conn->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)url->host);
    if (verify) {
        int named = url->ip_literal ? chc_lib.param_set1_ip_asc(chc_lib.get0_param(conn->ssl), url->host)
                                    : chc_lib.set1_host(conn->ssl, url->host);
        if (!named) return chc_fail(io, CHC_FAILED, "TLS: cannot check the certificate for %s", url->host);
    }
    chc_lib.set_alpn_protos(conn->ssl, alpn, sizeof alpn - 1);
    if (session) chc_lib.set_session(conn->ssl, session);
    for (;;) {
        chc_lib.err_clear_error();
        errno = 0;
        int rc = chc_lib.do_handshake(conn->ssl);
        if (rc == 1) return 0;
        int error = chc_lib.get_error(conn->ssl, rc);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            if (chc_wait(io, conn->fd, error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT)) return -1;
            continue;
        }
        return tls_failure(io, conn, verify, error);
    }
}

int chc_conn_send(chc_conn *conn, chc_io *io, const void *bytes, size_t len) {
    const char *at = bytes;
    while (len) {
        if (conn->ssl) {
            chc_lib.err_clear_error();
            int chunk = len > (1u << 30) ? 1 << 30 : (int)len;
            int rc = chc_lib.write(conn->ssl, at, chunk);
            if (rc > 0) {
                at += rc, len -= (size_t)rc;
                continue;
            }
            int error = chc_lib.get_error(conn->ssl, rc);
            if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
                if (chc_wait(io, conn->fd, error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT)) return -1;
                continue;
            }
            return chc_fail(io, CHC_FAILED, "send failed: %s", error == SSL_ERROR_SYSCALL && errno ? reason(errno) : "TLS error");
        }
        ssize_t n = send(conn->fd, at, len, MSG_NOSIGNAL);
        if (n > 0) {
            at += n, len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (chc_wait(io, conn->fd, POLLOUT)) return -1;
            continue;
        }
        return chc_fail(io, CHC_FAILED, "send failed: %s", reason(errno));
    }
    return 0;
}

ssize_t chc_conn_recv(chc_conn *conn, chc_io *io, void *buffer, size_t cap) {
    for (;;) {
        if (conn->ssl) {
            chc_lib.err_clear_error();
            errno = 0;
            int rc = chc_lib.read(conn->ssl, buffer, cap > INT32_MAX ? INT32_MAX : (int)cap);
            if (rc > 0) return rc;
            int error = chc_lib.get_error(conn->ssl, rc);
            if (error == SSL_ERROR_ZERO_RETURN) return 0;
            if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
                if (chc_wait(io, conn->fd, error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT)) return -1;
                continue;
            }
            /* SSL_OP_IGNORE_UNEXPECTED_EOF: a close without close_notify reads as the end (SYSCALL, errno 0). */
            if (error == SSL_ERROR_SYSCALL && errno == 0) return 0;
            unsigned long code = chc_lib.err_get_error();
            char text[200] = "";
            if (code) chc_lib.err_error_string_n(code, text, sizeof text);
            return chc_fail(io, CHC_FAILED, "receive failed: %s", code ? text : reason(errno));
        }
        ssize_t n = recv(conn->fd, buffer, cap, 0);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (chc_wait(io, conn->fd, POLLIN)) return -1;
            continue;
        }
        return chc_fail(io, CHC_FAILED, "receive failed: %s", reason(errno));
    }
}

int chc_conn_usable(chc_conn *conn) {
    if (conn->fd < 0) return 0;
    struct pollfd fd = {.fd = conn->fd, .events = POLLIN};
    if (poll(&fd, 1, 0) == 0) return 1; /* nothing arrived while idle: still open */
    if (fd.revents & (POLLERR | POLLHUP | POLLNVAL)) return 0;
    if (!conn->ssl) return 0;           /* a plain server sends nothing unasked: that was its FIN */
    /* Over TLS it may be a record that is not data (a TLS 1.3 session ticket, a key update). */
    char byte;
    chc_lib.err_clear_error();
    int rc = chc_lib.read(conn->ssl, &byte, 1);
    return rc <= 0 && chc_lib.get_error(conn->ssl, rc) == SSL_ERROR_WANT_READ;
}

void chc_conn_close(chc_conn *conn) {
    if (conn->ssl) {
        /* close_notify, once, without waiting for the server's: the socket is non-blocking. */
        chc_lib.err_clear_error();
        chc_lib.shutdown(conn->ssl);
        chc_lib.ssl_free(conn->ssl);
        conn->ssl = NULL;
    }
    if (conn->fd >= 0) close(conn->fd);
    conn->fd = -1;
}
