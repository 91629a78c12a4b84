/* The plain transport: a connection's bytes straight to and from its socket. TLS (tls.c) is the other
 * one; conn.c, response.c and stream.c move bytes only through conn->transport, so HTTP/1.1 and HTTP/2
 * do not know which carries them. */
#include "internal.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>

static ssize_t plain_recv(chs_conn *conn, void *buf, size_t len) {
    ssize_t n;
    do n = recv(conn->fd, buf, len, 0);
    while (n < 0 && errno == EINTR);
    return n;
}

static ssize_t plain_send(chs_conn *conn, const struct iovec *parts, int count) {
    struct msghdr message = {.msg_iov = (struct iovec *)parts, .msg_iovlen = (size_t)count};
    ssize_t n;
    do n = sendmsg(conn->fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    return n;
}

static void plain_shutdown(chs_conn *conn) { shutdown(conn->fd, SHUT_WR); }

static void plain_release(chs_conn *conn) { (void)conn; }

const chs_transport chs_plain_transport = {plain_recv, plain_send, plain_shutdown, plain_release};
