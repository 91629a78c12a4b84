/* One client connection's socket: reading (request heads go to http1_conn.c, HTTP/2 bytes to http2.c),
 * writing queued output with backpressure, lingering after an error, and the timeouts that keep idle and slow clients from holding slots.
 * Memory is bounded per connection and in total: a connection over its budget (or any, when the server is
 * over its own) takes no new request and is not even read until its output drains, and its deadline runs
 * on regardless, so a peer that asks and never reads is closed rather than fed. */
#include "internal.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHS_LINGER_MS 2000
/* Freed this much since the last trim: give the heap's free pages back to the system. An attack's worth
 * of connections leaves megabytes of small free chunks that glibc would otherwise keep. */
#define CHS_TRIM_BYTES (4u << 20)
/* What a connection costs beyond what chs_account sees: its read buffer, nghttp2's session. */
#define CHS_CONN_BASE_BYTES 32768

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
    chs_conn_flush(server, conn);
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
    chs_conn_drop_output(conn);
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

/* Serves connections whose pipelined requests, or input held by TLS, were left for this turn. */
void chs_conn_serve_backlog(chs_server *server) {
    server->backlog = 0;
    for (chs_conn *conn = server->conns, *next; conn; conn = next) {
        next = conn->next;
        int backlogged = conn->backlogged, pending = conn->input_pending;
        conn->backlogged = conn->input_pending = 0;
        if (conn->fd < 0 || conn->linger_until_ms || conn->rejected) continue;
        if (backlogged && !conn->h2 && chs_http1_serve(server, conn) != 0) continue;
        /* TLS input already decrypted (or read whole) sits in OpenSSL, where epoll cannot see it; a paused
         * connection reads it when it resumes (chs_conn_writable). */
        if (pending && conn->fd >= 0 && !conn->read_paused && !conn->linger_until_ms) chs_conn_readable(server, conn);
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


/* Everything queued is written: the answer is complete, so the request's deadline ends here; the next
 * pipelined request (if one waits) starts its own. */
static void drained(chs_server *server, chs_conn *conn) {
    chs_conn_drop_output(conn);
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

int chs_conn_flush(chs_server *server, chs_conn *conn) {
    while (conn->woff < conn->wlen || conn->tail) {
        struct iovec parts[2];
        int count = 0;
        if (conn->woff < conn->wlen) parts[count++] = (struct iovec){conn->wbuf + conn->woff, conn->wlen - conn->woff};
        if (conn->tail)
            parts[count++] = (struct iovec){conn->tail->data + conn->tail_off, conn->tail->len - conn->tail_off};
        ssize_t n = conn->transport->send(conn, parts, count);
        if (n > 0) {
            chs_conn_consume(conn, (size_t)n);
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


int chs_conn_pump_h2(chs_server *server, chs_conn *conn) {
    for (;;) {
        int over = chs_h2_pump(server, conn);
        if (over && conn->woff == conn->wlen) conn->close_after_write = 1;
        if (chs_conn_flush(server, conn) != 0) return -1;
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
    chs_conn_pump_h2(server, conn);
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
        if (!conn->request_started_ms) chs_request_started(server, conn, chs_now_ms());
        /* One read per readiness: epoll is level-triggered and reports the socket again if more is
         * waiting. Reading on while the client kept sending let one busy connection be served again and
         * again ahead of the others (p99 under wrk -c64 was 4x the median; one read each evens it out). */
        chs_http1_serve(server, conn);
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
        chs_conn_flush(server, conn);
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
        if (chs_conn_pump_h2(server, conn) != 0 || conn->linger_until_ms) return;
    }
    chs_conn_readable(server, conn);
}

void chs_conn_writable(chs_server *server, chs_conn *conn) {
    if (conn->handshaking) {
        handshake(server, conn);
        return;
    }
    if (chs_conn_flush(server, conn) != 0 || conn->linger_until_ms) return;
    if (conn->h2) {
        if (chs_conn_pump_h2(server, conn) != 0 || conn->linger_until_ms) return;
        readable_h2(server, conn);
        return;
    }
    /* Output drained below the mark: answer requests that were waiting in the buffer. */
    if (chs_http1_serve(server, conn) != 0) return;
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
                chs_conn_flush(server, conn);
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
