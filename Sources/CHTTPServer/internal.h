/* Shared between the server's files; not part of the public API. Who calls whom, bottom up:
 *   clock.c     chs_now_ms, chs_http_date
 *   buffer.c    a connection's output (wbuf, wlen, woff, wcap, tail, tail_off), what it holds (held) and
 *               the server's total (buffered): the only file that changes them
 *   response.c  HTTP/1.1 answers serialised into that buffer
 *   dispatch.c  the handler call for both protocols, the error body, and the responder's calls
 *   http1_conn.c, http2.c, stream.c  the protocols (requests in, answers out)
 *   conn.c      the socket: reading, writing (chs_conn_flush), lingering, timeouts; owns the connection's
 *               state flags and timers and its read buffer (rbuf, rlen; http1_conn.c takes requests from it)
 *   server.c    the loop: accepting, epoll, eviction */
#ifndef CHS_INTERNAL_H
#define CHS_INTERNAL_H

#include "chs.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef struct chs_h2_stream chs_h2_stream;
typedef struct chs_event_stream chs_event_stream;
typedef struct chs_outbox_item chs_outbox_item;
typedef struct chs_tls chs_tls;
typedef struct chs_conn chs_conn;

/* How a connection's bytes reach its socket: plain (transport.c) or TLS (tls.c). Every read and write of
 * conn.c, response.c and stream.c goes through it. recv and send return bytes moved, 0 at the peer's end
 * of stream (recv), or -1 with errno (EAGAIN: nothing can move now; epoll will say when). */
typedef struct {
    ssize_t (*recv)(chs_conn *conn, void *buf, size_t len);
    ssize_t (*send)(chs_conn *conn, const struct iovec *parts, int count);
    void (*shutdown)(chs_conn *conn); /* no more output (TLS: close_notify, then FIN) */
    void (*release)(chs_conn *conn);  /* frees the transport's state; the caller closes the socket */
} chs_transport;
extern const chs_transport chs_plain_transport;

struct chs_body {
    size_t refs; /* atomic */
    size_t len;
    int shared;  /* made by chs_body_new (a cache's) rather than for one response */
    uint8_t data[];
};
chs_body *chs_body_private(const uint8_t *bytes, size_t len);
chs_body *chs_body_retain(chs_body *body);
size_t chs_body_charge(const chs_body *body);

struct chs_conn {
    int fd;
    struct chs_server *server;
    const chs_transport *transport;
    void *tls;                  /* the connection's SSL, with the TLS transport */
    int handshaking;            /* TLS: no HTTP until the handshake is done (within the request timeout) */
    int tls_peeked;             /* the first byte was looked at: TLS, not plain HTTP */
    int alpn_h2;                /* TLS: ALPN chose h2 */
    int transport_wants_write;  /* the transport needs the socket writable to go on (epoll interest) */
    int input_pending;          /* the transport holds input the socket no longer shows: read it this turn */
    struct chs_conn *prev, *next;
    char *rbuf;          /* the request head being assembled; capacity max_header_bytes */
    size_t rlen;
    uint8_t *wbuf;       /* responses not yet written */
    size_t wlen, woff, wcap;
    chs_body *tail;      /* HTTP/1.1: a body to send after wbuf, by reference; no request is taken meanwhile */
    size_t tail_off;
    size_t held;         /* bytes charged to this connection: its own bodies, HTTP/2 streams and fields */
    int64_t output_since_ms;    /* when the socket last refused output that is still queued; 0 when none is */
    int64_t last_activity_ms;   /* the last useful work: accepted, a request taken, answer bytes written */
    int64_t request_started_ms; /* HTTP/1.1: first byte of the request under way until its answer is written */
    int64_t linger_until_ms;    /* after an error: draining input before close, so the peer sees our answer */
    int answering;              /* HTTP/1.1: an answer is queued and not yet written whole */
    int close_after_write;
    int watching_writes;
    int read_paused;            /* over budget: not reading (nor epoll-watching input) until output drains */
    uint32_t events;            /* what epoll watches for */
    int rejected;               /* a 503 on its way out at the connection limit; not counted as open */
    int backlogged;             /* HTTP/1.1: whole requests wait in rbuf for the loop's next turn */
    void *h2;                   /* the nghttp2 session once the connection speaks HTTP/2 */
    chs_h2_stream *h2_streams;  /* every open stream, freed with the connection */
    chs_h2_stream *h2_ready;    /* complete requests not yet answered, in arrival order */
    chs_h2_stream *h2_upgraded; /* the Upgrade: h2c request, answered once the client's preface arrives */
    chs_event_stream *event_stream; /* HTTP/1.1: the endless response this connection now carries */
    int h2_answering;           /* streams answered and still open (sending) */
};

struct chs_server {
    chs_config config;
    chs_handler handler;
    void *ctx;
    int listen_fd, epoll_fd, wake_fd;
    int listening_paused; /* out of file descriptors: resumed by the next sweep */
    uint16_t port;
    pthread_t thread;
    int started, stopped;
    chs_tls *tls;         /* NULL: cleartext */
    chs_conn *conns;
    chs_conn *closed; /* closed during this batch of events; freed after it, since later events may name them */
    int open_connections;
    int rejecting;         /* rejected connections lingering after their 503 */
    size_t buffered;       /* every connection's held bytes and output buffers */
    size_t released;       /* bytes freed since the last malloc_trim */
    int starved;           /* some connection stopped taking requests for the global budget */
    int resume;            /* the budget freed up: let starved connections go on */
    int backlog;           /* some connection is backlogged: the loop polls without sleeping */
    int64_t next_sweep_ms; /* the earliest time a connection may time out; INT64_MAX when none can */
    uint64_t accepted, rejected, evicted, requests, bad_requests, timeouts;
    /* Event streams (stream.c). The list and the outbox change under stream_lock; the loop thread, the
     * only one that adds or removes streams, may read the list without it. */
    int post_fd; /* wakes the loop when the outbox has something */
    pthread_mutex_t stream_lock;
    int stream_lock_ready;
    chs_outbox_item *outbox;
    chs_event_stream *streams;
    uint64_t next_stream_id;
    int open_streams;
};

struct chs_responder {
    chs_server *server;
    chs_conn *conn;
    chs_h2_stream *stream; /* NULL for HTTP/1.1 */
    int is_head;
    int keep_alive;
    int http10; /* an HTTP/1.0 request: no chunked framing for it (RFC 9112 §6.1) */
    int responded;
};

/* clock.c */
int64_t chs_now_ms(void);
const char *chs_http_date(void);

/* buffer.c */
/* Charges (or, negative, credits) a connection and the server's total for bytes it holds. */
void chs_account(chs_conn *conn, long delta);
/* Output buffers count in the server's total only: a connection's own limit on them is on what is queued. */
void chs_account_output(chs_server *server, long delta);
/* Whether the connection (or the server as a whole) holds so much that no new request may be taken;
 * count_output: whether queued output counts too (not for opening an HTTP/2 stream, which costs little). */
int chs_over_budget(chs_conn *conn, int count_output);
/* Makes room for extra more bytes of output; -1 when out of memory. */
int chs_conn_reserve(chs_conn *conn, size_t extra);
int chs_conn_append(chs_conn *conn, const uint8_t *bytes, size_t len);
/* Counts bytes the socket took: from wbuf first, then the tail. */
void chs_conn_consume(chs_conn *conn, size_t sent);
/* What the socket did not take of a body becomes the tail: shared's reference, or a copy of the rest. */
int chs_conn_queue_tail(chs_conn *conn, const uint8_t *body, size_t body_len, chs_body *shared, size_t sent);
/* Releases the tail and a large drained wbuf. */
void chs_conn_release_output(chs_conn *conn);
/* Forgets what wbuf holds: written, or the connection is closing. */
void chs_conn_drop_output(chs_conn *conn);

/* conn.c */
void chs_conn_resume_starved(chs_server *server);
/* Serves connections whose pipelined requests were left for this turn. */
void chs_conn_serve_backlog(chs_server *server);
/* Records a time at which a connection may time out, so the loop wakes for it (and not before). */
static inline void chs_deadline(struct chs_server *server, int64_t at_ms) {
    if (at_ms < server->next_sweep_ms) server->next_sweep_ms = at_ms;
}
/* An HTTP/1.1 request's first byte arrived: it has the request timeout to arrive whole and be answered. */
static inline void chs_request_started(struct chs_server *server, chs_conn *conn, int64_t now) {
    conn->request_started_ms = now;
    chs_deadline(server, now + server->config.request_timeout_ms);
}
chs_conn *chs_conn_open(chs_server *server, int fd);
/* At the limit with nobody to evict: a 503 that reaches the client, then close. */
void chs_conn_reject(chs_server *server, int fd);
void chs_conn_close(chs_server *server, chs_conn *conn);
void chs_conn_free_closed(chs_server *server);
void chs_conn_readable(chs_server *server, chs_conn *conn);
void chs_conn_writable(chs_server *server, chs_conn *conn);
void chs_conn_sweep(chs_server *server, int64_t now);
/* Answers with a status and a short JSON body outside any handler, then closes: limits and errors. */
void chs_conn_fail(chs_server *server, chs_conn *conn, int status, const char *message);
/* Writes what is queued; returns -1 if the connection was closed. */
int chs_conn_flush(chs_server *server, chs_conn *conn);
/* Queues nghttp2's frames and writes them, again and again while the socket takes everything (the pump
 * stops at the write threshold, and nothing else would wake it); closes the connection when the session
 * is over. -1 if closed. */
int chs_conn_pump_h2(chs_server *server, chs_conn *conn);

/* http1_conn.c */
/* Answers the requests the read buffer holds and writes them, a few per turn; -1 if closed. */
int chs_http1_serve(chs_server *server, chs_conn *conn);

/* response.c */
/* Queues an HTTP/1.1 answer: the head and a small body into wbuf, a large body straight to the socket and
 * what it does not take as the tail (shared's reference, or a private copy of the rest). */
void chs_write_response(chs_conn *conn, int status, const char *content_type, const char *extra_headers,
                        const uint8_t *body, size_t body_len, chs_body *shared, int send_body, int keep_alive);

/* dispatch.c */
/* Counts the request, calls the handler and answers 500 if it did not: both protocols come through here. */
void chs_dispatch(chs_server *server, const chs_request *request, chs_responder *responder);
/* Writes {"error":message,"status":status} into buf (message is ours, never the peer's: not escaped);
 * returns its length. */
size_t chs_error_body(int status, const char *message, char *buf, size_t cap);

/* stream.c */
int chs_streams_init(chs_server *server);
void chs_streams_destroy(chs_server *server);
void chs_streams_drain(chs_server *server);
void chs_stream_detach(chs_server *server, chs_event_stream *gone);

/* tls.c */
typedef enum { CHS_TLS_DONE, CHS_TLS_AGAIN, CHS_TLS_FAILED, CHS_TLS_PLAINTEXT } chs_tls_step;
chs_tls *chs_tls_new(const chs_config *config, char *err, size_t err_len);
void chs_tls_free(chs_tls *tls);
/* Gives a new connection the TLS transport, in its handshake; -1 when out of memory. */
int chs_tls_accept(chs_server *server, chs_conn *conn);
/* One step of the handshake. PLAINTEXT: the peer speaks plain HTTP (the connection is now plain, to
 * be told so); AGAIN: conn->transport_wants_write says which readiness to wait for. */
chs_tls_step chs_tls_handshake(chs_conn *conn);

/* http2.c */
int chs_h2_start(chs_server *server, chs_conn *conn);
int chs_h2_upgrade(chs_server *server, chs_conn *conn, const chs_request *request, const char *settings,
                   size_t settings_len, int is_head);
int chs_h2_recv(chs_server *server, chs_conn *conn, const uint8_t *data, size_t len);
int chs_h2_pump(chs_server *server, chs_conn *conn);
void chs_h2_respond(chs_responder *responder, int status, const char *content_type, const char *extra_headers,
                    const uint8_t *body, size_t body_len, chs_body *shared);
void chs_h2_free(chs_conn *conn);
int chs_h2_respond_stream(chs_responder *responder, const char *content_type, const char *extra_headers,
                          chs_event_stream *event_stream);
/* Queues bytes on an HTTP/2 event stream; resets the stream (and returns -1) while earlier bytes are unsent. */
int chs_h2_stream_push(chs_conn *conn, chs_h2_stream *stream, const uint8_t *bytes, size_t len);
int chs_h2_wants_write(const chs_conn *conn);
/* When the oldest open stream was opened; 0 when none is open. */
int64_t chs_h2_oldest_stream_ms(const chs_conn *conn);
/* Whether some stream has been answered and is still sending. */
int chs_h2_answering(const chs_conn *conn);

#endif
