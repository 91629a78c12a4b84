/* One client connection: reading request heads, dispatching them in order (pipelining), writing
 * responses with backpressure, and the timeouts that keep idle and slow clients from holding slots. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHS_LINGER_MS 2000

int64_t chs_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void watch(chs_server *server, chs_conn *conn, int writes) {
    struct epoll_event event = {.events = EPOLLIN | EPOLLRDHUP | (writes ? EPOLLOUT : 0), .data.ptr = conn};
    if (conn->watching_writes != writes && epoll_ctl(server->epoll_fd, EPOLL_CTL_MOD, conn->fd, &event) == 0)
        conn->watching_writes = writes;
}

chs_conn *chs_conn_open(chs_server *server, int fd) {
    chs_conn *conn = calloc(1, sizeof *conn);
    if (!conn) return NULL;
    conn->rbuf = malloc(server->config.max_header_bytes);
    if (!conn->rbuf) {
        free(conn);
        return NULL;
    }
    conn->fd = fd;
    conn->server = server;
    conn->last_activity_ms = chs_now_ms();
    chs_deadline(server, conn->last_activity_ms + server->config.idle_timeout_ms);
    struct epoll_event event = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = conn};
    if (epoll_ctl(server->epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
        free(conn->rbuf);
        free(conn);
        return NULL;
    }
    conn->next = server->conns;
    if (server->conns) server->conns->prev = conn;
    server->conns = conn;
    server->open_connections++;
    return conn;
}

void chs_conn_close(chs_server *server, chs_conn *conn) {
    epoll_ctl(server->epoll_fd, EPOLL_CTL_DEL, conn->fd, NULL);
    close(conn->fd);
    conn->fd = -1;
    chs_stream_detach(server, conn->event_stream);
    conn->event_stream = NULL;
    chs_h2_free(conn);
    if (conn->prev) conn->prev->next = conn->next;
    else server->conns = conn->next;
    if (conn->next) conn->next->prev = conn->prev;
    server->open_connections--;
    conn->next = server->closed;
    server->closed = conn;
}

void chs_conn_free_closed(chs_server *server) {
    while (server->closed) {
        chs_conn *conn = server->closed;
        server->closed = conn->next;
        free(conn->rbuf);
        free(conn->wbuf);
        free(conn);
    }
}

/* After the last response of a connection we are closing: stop sending, keep reading (and discarding)
 * for a moment, so that unread input does not turn our close into a reset that eats the response. */
static void start_lingering(chs_server *server, chs_conn *conn) {
    shutdown(conn->fd, SHUT_WR);
    conn->linger_until_ms = chs_now_ms() + CHS_LINGER_MS;
    conn->rlen = 0;
    chs_deadline(server, conn->linger_until_ms);
}

/* Writes what is queued; returns -1 if the connection was closed. */
static int flush(chs_server *server, chs_conn *conn) {
    while (conn->woff < conn->wlen) {
        ssize_t n = send(conn->fd, conn->wbuf + conn->woff, conn->wlen - conn->woff, MSG_NOSIGNAL);
        if (n > 0) {
            conn->woff += (size_t)n;
            conn->last_activity_ms = chs_now_ms();
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            watch(server, conn, 1);
            return 0;
        }
        chs_conn_close(server, conn);
        return -1;
    }
    conn->wlen = conn->woff = 0;
    if (conn->event_stream && conn->wbuf) { /* idle until the next event: hold no buffer meanwhile */
        free(conn->wbuf);
        conn->wbuf = NULL;
        conn->wcap = 0;
    }
    watch(server, conn, 0);
    if (conn->close_after_write && !conn->linger_until_ms) start_lingering(server, conn);
    return 0;
}

void chs_conn_fail(chs_server *server, chs_conn *conn, int status, const char *message) {
    char body[256];
    int n = snprintf(body, sizeof body, "{\"error\":\"%s\",\"status\":%d}", message, status);
    __atomic_add_fetch(&server->bad_requests, 1, __ATOMIC_RELAXED);
    chs_write_response(conn, status, "application/json", NULL, (const uint8_t *)body, (size_t)n, 1, 0);
    conn->rlen = 0;
}

static const chs_header *find_header(const chs_http1_request *request, const char *name) {
    size_t len = strlen(name);
    for (size_t i = 0; i < request->num_headers; i++)
        if (request->headers[i].name_len == len && strncasecmp(request->headers[i].name, name, len) == 0)
            return &request->headers[i];
    return NULL;
}

static int count_headers(const chs_http1_request *request, const char *name) {
    size_t len = strlen(name);
    int count = 0;
    for (size_t i = 0; i < request->num_headers; i++)
        if (request->headers[i].name_len == len && strncasecmp(request->headers[i].name, name, len) == 0) count++;
    return count;
}

static int value_has_token(const chs_header *header, const char *token) {
    size_t len = strlen(token);
    const char *p = header->value, *end = header->value + header->value_len;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == ',' || *p == '\t')) p++;
        const char *start = p;
        while (p < end && *p != ',') p++;
        const char *stop = p;
        while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t')) stop--;
        if ((size_t)(stop - start) == len && strncasecmp(start, token, len) == 0) return 1;
    }
    return 0;
}

/* Checks what the parser cannot (framing, Host) and calls the handler; the response is queued. */
static void dispatch(chs_server *server, chs_conn *conn, const chs_http1_request *request) {
    const chs_header *length = find_header(request, "Content-Length");
    /* These routes take no body; one we cannot frame safely closes the connection (RFC 9112 §6.3). */
    if (find_header(request, "Transfer-Encoding") ||
        (length && !(length->value_len == 1 && length->value[0] == '0'))) {
        chs_conn_fail(server, conn, 413, "request bodies are not accepted");
        return;
    }
    if (request->minor_version == 1 && count_headers(request, "Host") != 1) {
        chs_conn_fail(server, conn, 400, "HTTP/1.1 requires exactly one Host header");
        return;
    }
    const chs_header *connection = find_header(request, "Connection");
    int keep_alive = request->minor_version == 1 ? !(connection && value_has_token(connection, "close"))
                                                 : (connection && value_has_token(connection, "keep-alive"));
    chs_request public_request = {
        .method = request->method, .method_len = request->method_len,
        .target = request->target, .target_len = request->target_len,
        .headers = request->headers, .num_headers = request->num_headers,
    };
    const chs_header *upgrade = find_header(request, "Upgrade"), *settings = find_header(request, "HTTP2-Settings");
    /* RFC 7540 §3.2: "Upgrade: h2c" with HTTP2-Settings switches to HTTP/2 and answers this request as
     * stream 1. Without both (or if the settings do not decode) it is served as HTTP/1.1, as §3.2 allows. */
    if (request->minor_version == 1 && upgrade && value_has_token(upgrade, "h2c") && settings &&
        count_headers(request, "HTTP2-Settings") == 1 && connection && value_has_token(connection, "HTTP2-Settings")) {
        int is_head = request->method_len == 4 && memcmp(request->method, "HEAD", 4) == 0;
        if (chs_h2_upgrade(server, conn, &public_request, settings->value, settings->value_len, is_head) == 0) {
            static const char switching[] = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
            chs_conn_append(conn, (const uint8_t *)switching, sizeof switching - 1);
            return;
        }
        chs_h2_free(conn);
    }
    chs_responder responder = {
        .server = server, .conn = conn, .keep_alive = keep_alive,
        .is_head = request->method_len == 4 && memcmp(request->method, "HEAD", 4) == 0,
    };
    __atomic_add_fetch(&server->requests, 1, __ATOMIC_RELAXED);
    server->handler(&public_request, &responder, server->ctx);
    if (!responder.responded)
        chs_respond(&responder, 500, "application/json", NULL, (const uint8_t *)"{\"error\":\"no response\"}", 23);
}

static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/* Hands what is left in the read buffer to nghttp2 once the connection has switched to HTTP/2. */
static void enter_h2(chs_server *server, chs_conn *conn) {
    if (conn->rlen && chs_h2_recv(server, conn, (const uint8_t *)conn->rbuf, conn->rlen) != 0) conn->close_after_write = 1;
    conn->rlen = 0;
    conn->request_started_ms = 0;
}

static void request_started(chs_server *server, chs_conn *conn, int64_t now) {
    conn->request_started_ms = now;
    chs_deadline(server, now + server->config.request_timeout_ms);
}

/* Answers every complete request in the buffer, in order, until output backs up. */
static void process(chs_server *server, chs_conn *conn) {
    const chs_config *config = &server->config;
    /* A connection carrying an event stream has answered its last request; what it sends now is ignored. */
    if (conn->event_stream) {
        conn->rlen = 0;
        conn->request_started_ms = 0;
        return;
    }
    chs_header headers[config->max_headers ? config->max_headers : 1];
    /* HTTP/2 with prior knowledge starts with the client preface instead of a request line. */
    if (!conn->h2 && conn->rlen && memcmp(conn->rbuf, preface, conn->rlen < 24 ? conn->rlen : 24) == 0) {
        if (conn->rlen < 24) return;
        if (chs_h2_start(server, conn) != 0) {
            chs_conn_fail(server, conn, 503, "cannot start HTTP/2");
            return;
        }
        enter_h2(server, conn);
        return;
    }
    while (!conn->h2 && conn->rlen > 0 && !conn->close_after_write && conn->wlen - conn->woff < config->write_high_water) {
        chs_http1_request request = {.headers = headers, .num_headers = config->max_headers};
        int consumed = chs_http1_parse(conn->rbuf, conn->rlen, &request);
        const char *line_end = memchr(conn->rbuf, '\n', conn->rlen);
        size_t line_len = line_end ? (size_t)(line_end - conn->rbuf) : conn->rlen;
        if (line_len > config->max_request_line) {
            chs_conn_fail(server, conn, 414, "request line too long");
        } else if (consumed == CHS_PARSE_PARTIAL) {
            if (conn->rlen == config->max_header_bytes) chs_conn_fail(server, conn, 431, "request head too large");
            else if (!conn->request_started_ms) request_started(server, conn, chs_now_ms());
            return;
        } else if (consumed == CHS_PARSE_TOO_MANY_HEADERS) {
            chs_conn_fail(server, conn, 431, "too many header fields");
        } else if (consumed < 0) {
            chs_conn_fail(server, conn, 400, "malformed request");
        } else {
            dispatch(server, conn, &request);
            if (conn->close_after_write) return; /* dispatch refused it (400, 413): the input is dropped */
            if (conn->event_stream) {
                /* No more requests are read on it (chs_conn_readable discards what comes): 8 KiB back. */
                free(conn->rbuf);
                conn->rbuf = NULL;
                conn->rlen = 0;
                conn->request_started_ms = 0;
                return;
            }
            memmove(conn->rbuf, conn->rbuf + consumed, conn->rlen - (size_t)consumed);
            conn->rlen -= (size_t)consumed;
            conn->request_started_ms = 0;
            if (conn->rlen) request_started(server, conn, chs_now_ms());
            if (conn->h2) enter_h2(server, conn); /* upgraded: the rest is the client's HTTP/2 preface */
        }
    }
}

/* Queues nghttp2's frames and writes them, again and again while the socket takes everything (the pump
 * stops at the write threshold, and nothing else would wake it); closes the connection when the session
 * is over. -1 if closed. */
static int pump_h2(chs_server *server, chs_conn *conn) {
    for (;;) {
        int over = chs_h2_pump(server, conn);
        if (over && conn->woff == conn->wlen) conn->close_after_write = 1;
        if (flush(server, conn) != 0) return -1;
        if (over || conn->linger_until_ms || conn->watching_writes || !chs_h2_wants_write(conn)) return 0;
    }
}

/* Reads on an HTTP/2 connection go straight to nghttp2; one read per readiness, as for HTTP/1.1, so one
 * connection's stream of requests does not hold the loop while the others wait. */
static void readable_h2(chs_server *server, chs_conn *conn) {
    uint8_t buffer[16384];
    if (conn->wlen - conn->woff >= server->config.write_high_water) return;
    ssize_t n;
    do n = recv(conn->fd, buffer, sizeof buffer, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0 || chs_h2_recv(server, conn, buffer, (size_t)n) != 0) {
        chs_conn_close(server, conn);
        return;
    }
    conn->last_activity_ms = chs_now_ms();
    pump_h2(server, conn);
}

void chs_conn_readable(chs_server *server, chs_conn *conn) {
    if (conn->h2 && !conn->linger_until_ms) {
        readable_h2(server, conn);
        return;
    }
    if (conn->event_stream && !conn->linger_until_ms) {
        /* Nothing a stream's client sends means anything now; one read per readiness, like the rest. */
        char discard[4096];
        ssize_t n;
        do n = recv(conn->fd, discard, sizeof discard, 0);
        while (n < 0 && errno == EINTR);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) chs_conn_close(server, conn);
        return;
    }
    for (;;) {
        if (conn->linger_until_ms) {
            char discard[4096];
            ssize_t n = recv(conn->fd, discard, sizeof discard, 0);
            if (n > 0) continue;
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
            chs_conn_close(server, conn);
            return;
        }
        /* Backpressure: leave input in the socket until the client reads what it asked for. */
        if (conn->wlen - conn->woff >= server->config.write_high_water) return;
        size_t space = server->config.max_header_bytes - conn->rlen;
        if (space == 0) return;
        ssize_t n = recv(conn->fd, conn->rbuf + conn->rlen, space, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n <= 0) {
            chs_conn_close(server, conn);
            return;
        }
        conn->rlen += (size_t)n;
        conn->last_activity_ms = chs_now_ms();
        if (!conn->request_started_ms) request_started(server, conn, conn->last_activity_ms);
        process(server, conn);
        if (conn->h2) {
            pump_h2(server, conn);
            return;
        }
        /* One read per readiness: epoll is level-triggered and reports the socket again if more is
         * waiting. Reading on while the client kept sending let one busy connection be served again and
         * again ahead of the others (p99 under wrk -c64 was 4x the median; one read each evens it out). */
        flush(server, conn);
        return;
    }
}

void chs_conn_writable(chs_server *server, chs_conn *conn) {
    if (flush(server, conn) != 0 || conn->linger_until_ms) return;
    if (conn->h2) {
        if (pump_h2(server, conn) != 0 || conn->linger_until_ms) return;
        readable_h2(server, conn);
        return;
    }
    /* Output drained below the mark: answer requests that were waiting in the buffer. */
    process(server, conn);
    if (flush(server, conn) != 0) return;
    chs_conn_readable(server, conn);
}

/* Closes what has timed out and records when the others next may, since activity only moves their
 * deadlines later than the ones recorded when they were set. */
void chs_conn_sweep(chs_server *server, int64_t now) {
    const chs_config *config = &server->config;
    server->next_sweep_ms = INT64_MAX;
    chs_conn *conn = server->conns;
    while (conn) {
        chs_conn *next = conn->next;
        if (conn->linger_until_ms) {
            if (now >= conn->linger_until_ms) chs_conn_close(server, conn);
            else chs_deadline(server, conn->linger_until_ms);
        } else if (conn->request_started_ms) {
            if (now - conn->request_started_ms >= config->request_timeout_ms) {
                __atomic_add_fetch(&server->timeouts, 1, __ATOMIC_RELAXED);
                chs_conn_fail(server, conn, 408, "request not received in time");
                conn->request_started_ms = 0; /* answered: only the idle timeout applies from here */
                if (flush(server, conn) == 0 && !conn->linger_until_ms)
                    chs_deadline(server, conn->last_activity_ms + config->idle_timeout_ms);
            } else {
                chs_deadline(server, conn->request_started_ms + config->request_timeout_ms);
            }
        } else if (conn->event_stream && conn->wlen == conn->woff) {
            /* A stream whose reader keeps up is not idle, however long between events; one whose output
             * backs up makes no progress and times out below like any other. */
        } else if (now - conn->last_activity_ms >= config->idle_timeout_ms) {
            __atomic_add_fetch(&server->timeouts, 1, __ATOMIC_RELAXED);
            chs_conn_close(server, conn);
        } else {
            chs_deadline(server, conn->last_activity_ms + config->idle_timeout_ms);
        }
        conn = next;
    }
}
