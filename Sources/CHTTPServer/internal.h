/* Shared between server.c (the loop) and conn.c (one connection); not part of the public API. */
#ifndef CHS_INTERNAL_H
#define CHS_INTERNAL_H

#include "chs.h"

#include <pthread.h>
#include <stdint.h>

typedef struct chs_h2_stream chs_h2_stream;
typedef struct chs_event_stream chs_event_stream;
typedef struct chs_outbox_item chs_outbox_item;

typedef struct chs_conn {
    int fd;
    struct chs_server *server;
    struct chs_conn *prev, *next;
    char *rbuf;          /* the request head being assembled; capacity max_header_bytes */
    size_t rlen;
    uint8_t *wbuf;       /* responses not yet written */
    size_t wlen, woff, wcap;
    int64_t last_activity_ms;
    int64_t request_started_ms; /* 0 when no request is part-way in */
    int64_t linger_until_ms;    /* after an error: draining input before close, so the peer sees our answer */
    int close_after_write;
    int watching_writes;
    void *h2;                   /* the nghttp2 session once the connection speaks HTTP/2 */
    chs_h2_stream *h2_streams;  /* every open stream, freed with the connection */
    chs_h2_stream *h2_ready;    /* complete requests not yet answered, in arrival order */
    chs_event_stream *event_stream; /* HTTP/1.1: the endless response this connection now carries */
} chs_conn;

struct chs_server {
    chs_config config;
    chs_handler handler;
    void *ctx;
    int listen_fd, epoll_fd, wake_fd;
    int listening_paused; /* out of file descriptors: resumed by the next sweep */
    uint16_t port;
    pthread_t thread;
    int started, stopped;
    chs_conn *conns;
    chs_conn *closed; /* closed during this batch of events; freed after it, since later events may name them */
    int open_connections;
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
    int responded;
};

int64_t chs_now_ms(void);
const char *chs_http_date(void);
/* Records a time at which a connection may time out, so the loop wakes for it (and not before). */
static inline void chs_deadline(struct chs_server *server, int64_t at_ms) {
    if (at_ms < server->next_sweep_ms) server->next_sweep_ms = at_ms;
}
chs_conn *chs_conn_open(chs_server *server, int fd);
void chs_conn_close(chs_server *server, chs_conn *conn);
void chs_conn_free_closed(chs_server *server);
void chs_conn_readable(chs_server *server, chs_conn *conn);
void chs_conn_writable(chs_server *server, chs_conn *conn);
void chs_conn_sweep(chs_server *server, int64_t now);
/* Answers with a status and a short JSON body outside any handler, then closes: limits and errors. */
void chs_conn_fail(chs_server *server, chs_conn *conn, int status, const char *message);
int chs_conn_append(chs_conn *conn, const uint8_t *bytes, size_t len);
void chs_write_response(chs_conn *conn, int status, const char *content_type, const char *extra_headers,
                        const uint8_t *body, size_t body_len, int send_body, int keep_alive);

/* stream.c */
int chs_streams_init(chs_server *server);
void chs_streams_destroy(chs_server *server);
void chs_streams_drain(chs_server *server);
void chs_stream_detach(chs_server *server, chs_event_stream *gone);

/* http2.c */
int chs_h2_start(chs_server *server, chs_conn *conn);
int chs_h2_upgrade(chs_server *server, chs_conn *conn, const chs_request *request, const char *settings,
                   size_t settings_len, int is_head);
int chs_h2_recv(chs_server *server, chs_conn *conn, const uint8_t *data, size_t len);
int chs_h2_pump(chs_server *server, chs_conn *conn);
void chs_h2_respond(chs_responder *responder, int status, const char *content_type, const char *extra_headers,
                    const uint8_t *body, size_t body_len);
void chs_h2_free(chs_conn *conn);
int chs_h2_respond_stream(chs_responder *responder, const char *content_type, const char *extra_headers,
                          chs_event_stream *event_stream);
/* Queues bytes on an HTTP/2 event stream; resets the stream (and returns -1) while earlier bytes are unsent. */
int chs_h2_stream_push(chs_conn *conn, chs_h2_stream *stream, const uint8_t *bytes, size_t len);
int chs_h2_wants_write(const chs_conn *conn);

#endif
