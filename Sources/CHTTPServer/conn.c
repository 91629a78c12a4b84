/* One client connection: reading request heads, dispatching them in order (pipelining), writing
 * responses with backpressure, and the timeouts that keep idle and slow clients from holding slots.
 * Memory is bounded per connection and in total: a connection over its budget (or any, when the server is
 * over its own) takes no new request and is not even read until its output drains, and its deadline runs
 * on regardless, so a peer that asks and never reads is closed rather than fed. */
#include "internal.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHS_LINGER_MS 2000
/* Freed this much since the last trim: give the heap's free pages back to the system. An attack's worth
 * of connections leaves megabytes of small free chunks that glibc would otherwise keep. */
#define CHS_TRIM_BYTES (4u << 20)
/* What a connection costs beyond what chs_account sees: its read buffer, nghttp2's session. */
#define CHS_CONN_BASE_BYTES 32768
/* Pipelined requests answered per connection per turn of the loop. */
#define CHS_ANSWERS_PER_TURN 4

int64_t chs_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void chs_account_output(chs_server *server, long delta) {
    server->buffered = (size_t)((long)server->buffered + delta);
    if (delta < 0 && server->starved && server->buffered < server->config.max_buffered_bytes / 2) server->resume = 1;
}

void chs_account(chs_conn *conn, long delta) {
    conn->held = (size_t)((long)conn->held + delta);
    chs_account_output(conn->server, delta);
}

int chs_over_budget(chs_conn *conn, int count_output) {
    chs_server *server = conn->server;
    size_t queued = count_output ? conn->wlen - conn->woff : 0;
    if (conn->held >= server->config.write_high_water || queued >= server->config.write_high_water) return 1;
    /* The total is spent: connections that already hold something wait; one that holds nothing may still
     * take a request, so a newcomer is answered whatever the others have queued (its answer is bounded). */
    if (server->buffered >= server->config.max_buffered_bytes && (conn->held || queued || conn->tail)) {
        server->starved = 1;
        return 1;
    }
    return 0;
}

/* Level-triggered epoll reports unread input again and again: a connection that must not read is not
 * watched for it, or the loop would spin. Errors and hang-ups are reported whatever is asked. */
static void set_interest(chs_server *server, chs_conn *conn) {
    uint32_t events = (conn->read_paused ? 0 : EPOLLIN | EPOLLRDHUP) |
                      (conn->watching_writes || conn->transport_wants_write ? EPOLLOUT : 0);
    /* A handshake waits for the one readiness OpenSSL asked for. */
    if (conn->handshaking) events = conn->transport_wants_write ? EPOLLOUT : EPOLLIN | EPOLLRDHUP;
    if (events == conn->events) return;
    struct epoll_event event = {.events = events, .data.ptr = conn};
    if (epoll_ctl(server->epoll_fd, EPOLL_CTL_MOD, conn->fd, &event) == 0) conn->events = events;
}

static void watch(chs_server *server, chs_conn *conn, int writes) {
    conn->watching_writes = writes;
    set_interest(server, conn);
}

static void pause_reading(chs_server *server, chs_conn *conn, int paused) {
    conn->read_paused = paused;
    set_interest(server, conn);
}

static chs_conn *conn_new(chs_server *server, int fd, int rejected) {
    chs_conn *conn = calloc(1, sizeof *conn);
    if (!conn) return NULL;
    /* A rejected connection only drains input after its 503; it needs no request buffer. */
    conn->rbuf = rejected ? NULL : malloc(server->config.max_header_bytes);
    if (!rejected && !conn->rbuf) {
        free(conn);
        return NULL;
    }
    conn->fd = fd;
    conn->server = server;
    conn->transport = &chs_plain_transport;
    conn->rejected = rejected;
    conn->last_activity_ms = chs_now_ms();
    chs_deadline(server, conn->last_activity_ms + server->config.idle_timeout_ms);
    if (server->tls && !rejected) {
        if (chs_tls_accept(server, conn) != 0) {
            free(conn->rbuf);
            free(conn);
            return NULL;
        }
        /* The handshake is the first part of the first request: it has the request timeout to finish. */
        conn->request_started_ms = conn->last_activity_ms;
        chs_deadline(server, conn->request_started_ms + server->config.request_timeout_ms);
    }
    conn->events = EPOLLIN | EPOLLRDHUP;
    struct epoll_event event = {.events = conn->events, .data.ptr = conn};
    if (epoll_ctl(server->epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
        conn->transport->release(conn);
        free(conn->rbuf);
        free(conn);
        return NULL;
    }
    conn->next = server->conns;
    if (server->conns) server->conns->prev = conn;
    server->conns = conn;
    if (rejected) server->rejecting++;
    else server->open_connections++;
    return conn;
}

chs_conn *chs_conn_open(chs_server *server, int fd) { return conn_new(server, fd, 0); }

static void start_lingering(chs_server *server, chs_conn *conn);
static int flush(chs_server *server, chs_conn *conn);

/* At the connection limit with nobody to evict: the 503 is written, the write side shut, and the input
 * drained for a moment before the close, so the client reads an answer instead of a reset (closing with
 * its request unread would make the kernel send RST). Only so many linger at once; past that, plain close. */
void chs_conn_reject(chs_server *server, int fd) {
    static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                               "Retry-After: 1\r\nConnection: close\r\n\r\n";
    /* Over TLS a 503 would cost a handshake, at the moment the server has no slot for one: the client sees
     * the connection close instead. */
    if (server->tls) {
        close(fd);
        return;
    }
    chs_conn *conn = server->rejecting < server->config.max_connections ? conn_new(server, fd, 1) : NULL;
    if (!conn) {
        (void)!send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        close(fd);
        return;
    }
    conn->close_after_write = 1;
    if (chs_conn_append(conn, (const uint8_t *)busy, sizeof busy - 1) != 0) {
        chs_conn_close(server, conn);
        return;
    }
    flush(server, conn);
}

void chs_conn_close(chs_server *server, chs_conn *conn) {
    server->released += CHS_CONN_BASE_BYTES + conn->wcap + conn->held;
    epoll_ctl(server->epoll_fd, EPOLL_CTL_DEL, conn->fd, NULL);
    conn->transport->release(conn);
    close(conn->fd);
    conn->fd = -1;
    chs_stream_detach(server, conn->event_stream);
    conn->event_stream = NULL;
    chs_h2_free(conn);
    conn->wlen = conn->woff = 0;
    chs_conn_release_output(conn);
    chs_account(conn, -(long)conn->held); /* nothing should be left; the budget must not leak if it is */
    if (conn->prev) conn->prev->next = conn->next;
    else server->conns = conn->next;
    if (conn->next) conn->next->prev = conn->prev;
    if (conn->rejected) server->rejecting--;
    else server->open_connections--;
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
    if (server->released >= CHS_TRIM_BYTES) {
        malloc_trim(0);
        server->released = 0;
    }
}

/* The budget freed up: connections that stopped for it take requests again (and are read again). */
void chs_conn_resume_starved(chs_server *server) {
    server->resume = server->starved = 0;
    for (chs_conn *conn = server->conns, *next; conn; conn = next) {
        next = conn->next;
        if (conn->linger_until_ms || conn->rejected) continue;
        if (conn->read_paused || conn->h2) chs_conn_writable(server, conn);
    }
}

/* After the last response of a connection we are closing: stop sending, keep reading (and discarding)
 * for a moment, so that unread input does not turn our close into a reset that eats the response. */
static void start_lingering(chs_server *server, chs_conn *conn) {
    conn->transport->shutdown(conn);
    conn->linger_until_ms = chs_now_ms() + CHS_LINGER_MS;
    conn->rlen = 0;
    conn->answering = 0;
    conn->request_started_ms = 0;
    chs_deadline(server, conn->linger_until_ms);
    if (conn->read_paused) pause_reading(server, conn, 0); /* draining input is the point now */
}

/* Counts bytes the socket took: from wbuf first, then the tail. */
static void consume(chs_conn *conn, size_t sent) {
    size_t head = conn->wlen - conn->woff;
    size_t from_head = sent < head ? sent : head;
    conn->woff += from_head;
    if (conn->tail) {
        conn->tail_off += sent - from_head;
        if (conn->tail_off == conn->tail->len) chs_conn_release_output(conn);
    }
}

/* Everything queued is written: the answer is complete, so the request's deadline ends here; the next
 * pipelined request (if one waits) starts its own. */
static void drained(chs_server *server, chs_conn *conn) {
    conn->wlen = conn->woff = 0;
    conn->output_since_ms = 0;
    chs_conn_release_output(conn);
    if (conn->answering && !conn->h2) {
        int64_t now = chs_now_ms();
        conn->answering = 0;
        conn->last_activity_ms = now;
        conn->request_started_ms = 0;
        if (conn->rlen && !conn->close_after_write) {
            conn->request_started_ms = now;
            chs_deadline(server, now + server->config.request_timeout_ms);
        }
        chs_deadline(server, now + server->config.idle_timeout_ms);
    }
    watch(server, conn, 0);
    if (conn->read_paused && !conn->linger_until_ms) pause_reading(server, conn, 0);
}

/* Writes what is queued; returns -1 if the connection was closed. */
static int flush(chs_server *server, chs_conn *conn) {
    while (conn->woff < conn->wlen || conn->tail) {
        struct iovec parts[2];
        int count = 0;
        if (conn->woff < conn->wlen) parts[count++] = (struct iovec){conn->wbuf + conn->woff, conn->wlen - conn->woff};
        if (conn->tail)
            parts[count++] = (struct iovec){conn->tail->data + conn->tail_off, conn->tail->len - conn->tail_off};
        ssize_t n = conn->transport->send(conn, parts, count);
        if (n > 0) {
            consume(conn, (size_t)n);
            /* Over HTTP/2 written bytes may be PING and SETTINGS acknowledgements: its frames say what
             * counts as work (see on_frame_send in http2.c). */
            if (!conn->h2) conn->last_activity_ms = chs_now_ms();
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!conn->output_since_ms) {
                conn->output_since_ms = chs_now_ms();
                chs_deadline(server, conn->output_since_ms + server->config.request_timeout_ms);
            }
            watch(server, conn, 1);
            return 0;
        }
        chs_conn_close(server, conn);
        return -1;
    }
    drained(server, conn);
    if (conn->close_after_write && !conn->linger_until_ms) start_lingering(server, conn);
    return 0;
}

void chs_conn_fail(chs_server *server, chs_conn *conn, int status, const char *message) {
    char body[256];
    size_t len = chs_error_body(status, message, body, sizeof body);
    __atomic_add_fetch(&server->bad_requests, 1, __ATOMIC_RELAXED);
    chs_write_response(conn, status, "application/json", NULL, (const uint8_t *)body, len, NULL, 1, 0);
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
     * stream 1. Without both (or if the settings do not decode) it is served as HTTP/1.1, as §3.2 allows.
     * Over TLS it is ignored (RFC 9113 §3.2: h2c is cleartext only; TLS chooses h2 by ALPN). */
    if (!conn->tls && request->minor_version == 1 && upgrade && value_has_token(upgrade, "h2c") && settings &&
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
        .server = server, .conn = conn, .keep_alive = keep_alive, .http10 = request->minor_version == 0,
        .is_head = request->method_len == 4 && memcmp(request->method, "HEAD", 4) == 0,
    };
    chs_dispatch(server, &public_request, &responder);
}

static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/* Hands what is left in the read buffer to nghttp2 once the connection has switched to HTTP/2. */
static void enter_h2(chs_server *server, chs_conn *conn) {
    if (conn->rlen && chs_h2_recv(server, conn, (const uint8_t *)conn->rbuf, conn->rlen) != 0) conn->close_after_write = 1;
    conn->rlen = 0;
    conn->request_started_ms = 0;
    conn->answering = 0;
}

static void request_started(chs_server *server, chs_conn *conn, int64_t now) {
    conn->request_started_ms = now;
    chs_deadline(server, now + server->config.request_timeout_ms);
}

/* Answers complete requests in the buffer, in order, until output backs up or *answers_left runs out. */
static void process(chs_server *server, chs_conn *conn, int *answers_left) {
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
    /* A pipelined request waits while an answer's body is still going out (conn->tail) or the connection
     * (or the server) is over budget: a client that pipelines and never reads holds one answer, not a
     * megabyte of them. */
    while (!conn->h2 && conn->rlen > 0 && !conn->close_after_write && !conn->tail && !chs_over_budget(conn, 1) &&
           *answers_left > 0) {
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
            conn->last_activity_ms = chs_now_ms();
            --*answers_left;
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
            /* The request's deadline runs on until its answer is written (drained() ends it). */
            if (conn->h2) enter_h2(server, conn); /* upgraded: the rest is the client's HTTP/2 preface */
        }
    }
}

static int pump_h2(chs_server *server, chs_conn *conn);

/* Answers what the buffer holds and writes it, again while the socket takes each answer whole (an answer
 * that leaves a tail stops the taking of requests until it is written), up to CHS_ANSWERS_PER_TURN: a
 * client pipelining hundreds of requests into a roomy loopback socket would otherwise be served them all
 * before anyone else is looked at (behind 250 such clients a fresh one waited up to 1.9 s with 16 a
 * turn, 0.3 s with 2 or 4). The rest waits for the loop's next turn (chs_conn_serve_backlog). -1 if
 * closed. */
static int serve_buffered(chs_server *server, chs_conn *conn) {
    int answers_left = CHS_ANSWERS_PER_TURN;
    for (;;) {
        size_t before = conn->rlen;
        process(server, conn, &answers_left);
        if (conn->h2) return pump_h2(server, conn);
        if (flush(server, conn) != 0) return -1;
        if (conn->linger_until_ms || conn->watching_writes || conn->rlen == 0) return 0;
        if (answers_left == 0) {
            conn->backlogged = server->backlog = 1;
            return 0;
        }
        if (conn->rlen == before) return 0;
    }
}

void chs_conn_serve_backlog(chs_server *server) {
    server->backlog = 0;
    for (chs_conn *conn = server->conns, *next; conn; conn = next) {
        next = conn->next;
        int backlogged = conn->backlogged, pending = conn->input_pending;
        conn->backlogged = conn->input_pending = 0;
        if (conn->fd < 0 || conn->linger_until_ms || conn->rejected) continue;
        if (backlogged && !conn->h2 && serve_buffered(server, conn) != 0) continue;
        /* TLS input already decrypted (or read whole) sits in OpenSSL, where epoll cannot see it; a paused
         * connection reads it when it resumes (chs_conn_writable). */
        if (pending && conn->fd >= 0 && !conn->read_paused && !conn->linger_until_ms) chs_conn_readable(server, conn);
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
    /* The peer is not reading what it gets: nor do we (PINGs would only add acknowledgements). Over the
     * budget otherwise, reading goes on, since WINDOW_UPDATEs are what lets the queued answers out; new
     * streams are refused and answers wait instead (http2.c). Received bytes are no sign of life here:
     * frames that count do so in http2.c. */
    if (conn->wlen - conn->woff >= server->config.write_high_water) {
        pause_reading(server, conn, 1);
        return;
    }
    ssize_t n = conn->transport->recv(conn, buffer, sizeof buffer);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (conn->transport_wants_write) set_interest(server, conn);
        return;
    }
    if (n <= 0 || chs_h2_recv(server, conn, buffer, (size_t)n) != 0) {
        chs_conn_close(server, conn);
        return;
    }
    pump_h2(server, conn);
}

static void handshake(chs_server *server, chs_conn *conn);

void chs_conn_readable(chs_server *server, chs_conn *conn) {
    if (conn->handshaking) {
        handshake(server, conn);
        return;
    }
    if (conn->h2 && !conn->linger_until_ms) {
        readable_h2(server, conn);
        return;
    }
    if (conn->event_stream && !conn->linger_until_ms) {
        /* Nothing a stream's client sends means anything now; one read per readiness, like the rest. */
        char discard[4096];
        ssize_t n = conn->transport->recv(conn, discard, sizeof discard);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) chs_conn_close(server, conn);
        else if (n < 0 && conn->transport_wants_write) set_interest(server, conn);
        return;
    }
    for (int drains = 0;; drains++) {
        if (conn->linger_until_ms || conn->rejected) { /* a rejected one has no request buffer: it only drains */
            /* Straight from the socket, past any TLS: what comes now is thrown away unread. */
            char discard[4096];
            ssize_t n = recv(conn->fd, discard, sizeof discard, 0);
            /* A peer that floods a lingering connection is drained a little per turn, not for as long as
             * it keeps sending. */
            if (n > 0 && drains < 16) continue;
            if (n > 0) return;
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
            chs_conn_close(server, conn);
            return;
        }
        /* Backpressure: leave input in the socket until the client reads what it asked for. */
        if (conn->tail || chs_over_budget(conn, 1)) {
            pause_reading(server, conn, 1);
            return;
        }
        size_t space = server->config.max_header_bytes - conn->rlen;
        if (space == 0) {
            pause_reading(server, conn, 1); /* whole requests wait in the buffer: the writable path takes them */
            return;
        }
        ssize_t n = conn->transport->recv(conn, conn->rbuf + conn->rlen, space);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (conn->transport_wants_write) set_interest(server, conn);
            return;
        }
        if (n <= 0) {
            chs_conn_close(server, conn);
            return;
        }
        conn->rlen += (size_t)n;
        /* Bytes of a head are not yet work done: a trickle must not look busy (last_activity_ms moves when
         * a whole request is taken), and the request's deadline is not moved by them either. */
        if (!conn->request_started_ms) request_started(server, conn, chs_now_ms());
        /* One read per readiness: epoll is level-triggered and reports the socket again if more is
         * waiting. Reading on while the client kept sending let one busy connection be served again and
         * again ahead of the others (p99 under wrk -c64 was 4x the median; one read each evens it out). */
        serve_buffered(server, conn);
        return;
    }
}

/* Drives a TLS handshake. Once done, HTTP starts (HTTP/2 at once when ALPN chose it, so our SETTINGS go
 * out first) and reads whatever the handshake's last read brought with it. */
static void handshake(chs_server *server, chs_conn *conn) {
    switch (chs_tls_handshake(conn)) {
    case CHS_TLS_AGAIN:
        set_interest(server, conn);
        return;
    case CHS_TLS_FAILED:
        /* OpenSSL has queued its alert (protocol version, certificate required…): linger as after any
         * error, so the client reads why rather than a reset its request's unread bytes would cause. */
        __atomic_add_fetch(&server->bad_requests, 1, __ATOMIC_RELAXED);
        conn->handshaking = 0;
        conn->transport_wants_write = 0;
        start_lingering(server, conn);
        set_interest(server, conn);
        return;
    case CHS_TLS_PLAINTEXT:
        set_interest(server, conn);
        chs_conn_fail(server, conn, 400, "The plain HTTP request was sent to HTTPS port");
        flush(server, conn);
        return;
    case CHS_TLS_DONE:
        break;
    }
    conn->request_started_ms = 0;
    conn->last_activity_ms = chs_now_ms();
    chs_deadline(server, conn->last_activity_ms + server->config.idle_timeout_ms);
    set_interest(server, conn);
    if (conn->alpn_h2) {
        if (chs_h2_start(server, conn) != 0) {
            chs_conn_close(server, conn);
            return;
        }
        if (pump_h2(server, conn) != 0 || conn->linger_until_ms) return;
    }
    chs_conn_readable(server, conn);
}

void chs_conn_writable(chs_server *server, chs_conn *conn) {
    if (conn->handshaking) {
        handshake(server, conn);
        return;
    }
    if (flush(server, conn) != 0 || conn->linger_until_ms) return;
    if (conn->h2) {
        if (pump_h2(server, conn) != 0 || conn->linger_until_ms) return;
        readable_h2(server, conn);
        return;
    }
    /* Output drained below the mark: answer requests that were waiting in the buffer. */
    if (serve_buffered(server, conn) != 0) return;
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
        int64_t oldest_stream = conn->h2 && !conn->linger_until_ms ? chs_h2_oldest_stream_ms(conn) : 0;
        if (conn->linger_until_ms) {
            if (now >= conn->linger_until_ms) chs_conn_close(server, conn);
            else chs_deadline(server, conn->linger_until_ms);
        } else if (conn->handshaking) {
            /* A TLS handshake not finished within the request timeout: silent, slow or stuck halfway. */
            if (now - conn->request_started_ms >= config->request_timeout_ms) {
                __atomic_add_fetch(&server->timeouts, 1, __ATOMIC_RELAXED);
                chs_conn_close(server, conn);
            } else {
                chs_deadline(server, conn->request_started_ms + config->request_timeout_ms);
            }
        } else if (oldest_stream) {
            /* A stream must be opened and closed within the request timeout, whatever else the peer
             * sends meanwhile: held open with PINGs, or waiting on a window the peer never opens. */
            if (now - oldest_stream >= config->request_timeout_ms) {
                __atomic_add_fetch(&server->timeouts, 1, __ATOMIC_RELAXED);
                chs_conn_close(server, conn);
            } else {
                chs_deadline(server, oldest_stream + config->request_timeout_ms);
            }
        } else if (conn->request_started_ms) {
            if (now - conn->request_started_ms < config->request_timeout_ms) {
                chs_deadline(server, conn->request_started_ms + config->request_timeout_ms);
            } else if (conn->answering) {
                /* Asked and does not take the answer (or takes it a trickle at a time). */
                __atomic_add_fetch(&server->timeouts, 1, __ATOMIC_RELAXED);
                chs_conn_close(server, conn);
            } else {
                __atomic_add_fetch(&server->timeouts, 1, __ATOMIC_RELAXED);
                chs_conn_fail(server, conn, 408, "request not received in time");
                /* The 408 itself has one more request timeout to go out. */
                conn->request_started_ms = now;
                chs_deadline(server, now + config->request_timeout_ms);
                flush(server, conn);
            }
        } else if (conn->event_stream && conn->wlen == conn->woff && !conn->tail) {
            /* A stream whose reader keeps up is not idle, however long between events; one whose output
             * backs up makes no progress and is closed below like any other. */
        } else if (now - conn->last_activity_ms >= config->idle_timeout_ms ||
                   (conn->output_since_ms && now - conn->output_since_ms >= config->request_timeout_ms)) {
            /* Idle, or output (acknowledgements, say) that the peer has not taken within a request
             * timeout: a connection that asks and does not read is not kept for the idle timeout. */
            __atomic_add_fetch(&server->timeouts, 1, __ATOMIC_RELAXED);
            chs_conn_close(server, conn);
        } else {
            chs_deadline(server, conn->last_activity_ms + config->idle_timeout_ms);
            if (conn->output_since_ms) chs_deadline(server, conn->output_since_ms + config->request_timeout_ms);
        }
        conn = next;
    }
}
