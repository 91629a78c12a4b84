/* libFuzzer target: a whole connection — HTTP/1.1 parsing, pipelining, the h2c preface and Upgrade
 * paths, and nghttp2's frame handling — fed arbitrary bytes through a socketpair, one read at a time,
 * with a handler that answers like the agent (a body, extra headers, HEAD). Runs single-threaded: the
 * loop's functions are called directly instead of from epoll. */
#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void handler(const chs_request *request, chs_responder *responder, void *ctx) {
    (void)ctx;
    static const uint8_t body[] = "{\"ok\":true}";
    if (request->target_len > 1 && request->target[1] == 'x')
        chs_respond(responder, 405, "application/json", "Allow: GET, HEAD\r\n", body, sizeof body - 1);
    else
        chs_respond(responder, 200, "application/json", NULL, body, sizeof body - 1);
}

static chs_server *plain_server, *tls_server;

/* With CHS_FUZZ_TLS_CERT and CHS_FUZZ_TLS_KEY (scripts/fuzz makes a pair), inputs whose first byte is odd
 * go to a TLS server: the first-byte check, plain HTTP on the TLS port, handshake garbage and the linger
 * after a failed handshake. */
static chs_server *make_server(const char *cert, const char *key) {
    chs_config config;
    chs_config_default(&config);
    config.port = 0;
    config.tls_cert_file = cert;
    config.tls_key_file = key;
    char err[512];
    chs_server *made = chs_server_create(&config, handler, NULL, err, sizeof err);
    if (!made) {
        fprintf(stderr, "fuzz_conn: %s\n", err);
        abort();
    }
    return made;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!plain_server) {
        plain_server = make_server(NULL, NULL);
        const char *cert = getenv("CHS_FUZZ_TLS_CERT"), *key = getenv("CHS_FUZZ_TLS_KEY");
        if (cert && key) tls_server = make_server(cert, key);
    }
    if (size > 100000) return 0;
    chs_server *server = tls_server && size && (data[0] & 1) ? tls_server : plain_server;
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) != 0) abort();
    int size_hint = 1 << 20;
    setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &size_hint, sizeof size_hint);
    setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &size_hint, sizeof size_hint);
    chs_conn *conn = chs_conn_open(server, fds[0]);
    if (!conn) abort();
    /* Feed in uneven pieces so partial heads and frames split across reads are exercised. */
    size_t offset = 0, piece = 1;
    char drain[65536];
    while (offset < size && conn->fd >= 0) {
        size_t n = size - offset < piece ? size - offset : piece;
        ssize_t written = send(fds[1], data + offset, n, MSG_NOSIGNAL);
        if (written <= 0) break;
        offset += (size_t)written;
        piece = piece * 3 + 1;
        chs_conn_readable(server, conn);
        while (recv(fds[1], drain, sizeof drain, 0) > 0) {
        }
        if (conn->fd >= 0 && conn->watching_writes) chs_conn_writable(server, conn);
    }
    if (conn->fd >= 0) chs_conn_sweep(server, chs_now_ms() + 3600 * 1000);
    if (conn->fd >= 0) chs_conn_close(server, conn);
    chs_conn_free_closed(server);
    close(fds[1]);
    return 0;
}
