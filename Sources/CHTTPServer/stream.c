/* Endless responses (Server-Sent Events): a handler answers with chs_respond_stream() and any thread then
 * queues bytes with chs_stream_send(). Senders never touch a connection: they append to an outbox under a
 * lock and wake the loop through post_fd; the loop moves the bytes into the connection (an HTTP/1.1 chunk,
 * or an HTTP/2 DATA frame through nghttp2's deferred data provider) and sends them as the reader takes
 * them. The kernel's send buffer (16 KiB to MiBs) absorbs a reader's hiccups; an event that finds the one
 * before it still queued here means the reader has stopped, and it is dropped: a stalled reader costs one
 * event, never a growing buffer (100 readers that never read: see LiveViewTests). A stream's connection also
 * lets go of its read buffer and, between events, of its write buffer. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

struct chs_event_stream {
    uint64_t id;
    chs_conn *conn;
    chs_h2_stream *h2; /* NULL on HTTP/1.1 */
    int unframed;      /* an HTTP/1.0 reader: events go as they are, the stream ends with the connection */
    struct chs_event_stream *next;
};

/* One event for several streams: one copy, whatever the number of readers. */
struct chs_outbox_item {
    size_t count, len;
    struct chs_outbox_item *next;
    uint64_t *ids;
    uint8_t bytes[];
};

/* One HTTP/1.1 chunk (RFC 9112 §7.1), or the bytes alone for an HTTP/1.0 reader. */
static int append_chunk(chs_conn *conn, const uint8_t *bytes, size_t len, int unframed) {
    if (unframed) return chs_conn_append(conn, bytes, len);
    char size[24];
    int n = snprintf(size, sizeof size, "%zx\r\n", len);
    return chs_conn_append(conn, (const uint8_t *)size, (size_t)n) != 0 || chs_conn_append(conn, bytes, len) != 0 ||
                   chs_conn_append(conn, (const uint8_t *)"\r\n", 2) != 0
               ? -1
               : 0;
}

int chs_streams_init(chs_server *server) {
    if (pthread_mutex_init(&server->stream_lock, NULL) != 0) return -1;
    server->stream_lock_ready = 1;
    return 0;
}

void chs_streams_destroy(chs_server *server) {
    while (server->outbox) {
        chs_outbox_item *item = server->outbox;
        server->outbox = item->next;
        free(item->ids);
        free(item);
    }
    while (server->streams) {
        chs_event_stream *stream = server->streams;
        server->streams = stream->next;
        free(stream);
    }
    if (server->stream_lock_ready) pthread_mutex_destroy(&server->stream_lock);
}

uint64_t chs_respond_stream(chs_responder *responder, const char *content_type, const char *extra_headers,
                            const uint8_t *first, size_t first_len) {
    chs_server *server = responder->server;
    if (responder->responded) return 0;
    if (responder->is_head) {
        chs_respond(responder, 200, content_type, extra_headers, NULL, 0);
        return 0;
    }
    pthread_mutex_lock(&server->stream_lock);
    int full = server->open_streams >= server->config.max_event_streams;
    pthread_mutex_unlock(&server->stream_lock);
    chs_event_stream *stream = full ? NULL : calloc(1, sizeof *stream);
    if (!stream) {
        char body[64];
        size_t len = chs_error_body(503, "too many open streams", body, sizeof body);
        chs_respond(responder, 503, "application/json", "Retry-After: 5\r\n", (const uint8_t *)body, len);
        return 0;
    }
    responder->responded = 1;
    stream->conn = responder->conn;
    if (responder->stream) {
        stream->h2 = responder->stream;
        if (chs_h2_respond_stream(responder, content_type, extra_headers, stream) != 0) {
            free(stream);
            return 0;
        }
    } else {
        char head[512];
        /* HTTP/1.0 has no chunked coding: its reader gets the events unframed, ended by the close. */
        stream->unframed = responder->http10;
        int n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nDate: %s\r\nContent-Type: %s\r\n%s%s\r\n",
                         chs_http_date(), content_type,
                         stream->unframed ? "Connection: close\r\n" : "Transfer-Encoding: chunked\r\n",
                         extra_headers ? extra_headers : "");
        if (n < 0 || (size_t)n >= sizeof head || chs_conn_append(responder->conn, (const uint8_t *)head, (size_t)n) != 0) {
            free(stream);
            responder->conn->close_after_write = 1;
            return 0;
        }
        responder->conn->event_stream = stream; /* process() lets go of its read buffer once dispatch returns */
    }
    if (first_len) {
        if (stream->h2) chs_h2_stream_push(stream->conn, stream->h2, first, first_len);
        else append_chunk(stream->conn, first, first_len, stream->unframed);
    }
    pthread_mutex_lock(&server->stream_lock);
    stream->id = ++server->next_stream_id;
    stream->next = server->streams;
    server->streams = stream;
    server->open_streams++;
    pthread_mutex_unlock(&server->stream_lock);
    return stream->id;
}

int chs_stream_send(chs_server *server, const uint64_t *ids, size_t count, const uint8_t *bytes, size_t len,
                    uint8_t *gone) {
    chs_outbox_item *item = malloc(sizeof *item + len);
    uint64_t *live = malloc(count * sizeof *live);
    if (!item || !live) { /* this event is lost for these readers; their streams go on */
        free(item);
        free(live);
        return 0;
    }
    item->len = len;
    item->next = NULL;
    item->ids = live;
    item->count = 0;
    memcpy(item->bytes, bytes, len);
    int missing = 0;
    pthread_mutex_lock(&server->stream_lock);
    for (size_t i = 0; i < count; i++) {
        chs_event_stream *stream = server->streams;
        while (stream && stream->id != ids[i]) stream = stream->next;
        gone[i] = stream == NULL;
        missing += gone[i];
        if (stream) live[item->count++] = ids[i];
    }
    if (item->count) {
        chs_outbox_item **at = &server->outbox;
        while (*at) at = &(*at)->next;
        *at = item;
    }
    pthread_mutex_unlock(&server->stream_lock);
    if (!item->count) {
        free(live);
        free(item);
        return missing;
    }
    uint64_t one = 1;
    (void)!write(server->post_fd, &one, sizeof one);
    return missing;
}

/* Loop thread: a connection or HTTP/2 stream that carried an event stream is gone. */
void chs_stream_detach(chs_server *server, chs_event_stream *gone) {
    if (!gone) return;
    pthread_mutex_lock(&server->stream_lock);
    for (chs_event_stream **at = &server->streams; *at; at = &(*at)->next)
        if (*at == gone) {
            *at = gone->next;
            server->open_streams--;
            break;
        }
    pthread_mutex_unlock(&server->stream_lock);
    free(gone);
}

/* Straight from the shared event to the socket, framed as one chunk. What the kernel does not take at once
 * (its send buffer, 16 KiB or more, is full: the reader is several events behind) is kept if nothing was
 * queued before; an event that finds the one before it still queued drops the reader. */
static void deliver_http1(chs_server *server, chs_conn *conn, const chs_outbox_item *item, int unframed) {
    if (conn->wlen != conn->woff) {
        chs_conn_close(server, conn);
        return;
    }
    char size[24];
    int n = unframed ? 0 : snprintf(size, sizeof size, "%zx\r\n", item->len);
    struct iovec parts[3] = {{size, (size_t)n}, {(void *)item->bytes, item->len}, {"\r\n", unframed ? 0 : 2}};
    ssize_t sent = conn->transport->send(conn, parts, 3);
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        chs_conn_close(server, conn);
        return;
    }
    size_t taken = sent > 0 ? (size_t)sent : 0, total = parts[0].iov_len + parts[1].iov_len + parts[2].iov_len;
    if (taken) conn->last_activity_ms = chs_now_ms();
    if (taken == total) return;
    for (int i = 0; i < 3 && taken < total; i++) {
        size_t skip = taken < parts[i].iov_len ? taken : parts[i].iov_len;
        taken -= skip;
        if (chs_conn_append(conn, (const uint8_t *)parts[i].iov_base + skip, parts[i].iov_len - skip) != 0) {
            chs_conn_close(server, conn);
            return;
        }
    }
    chs_conn_writable(server, conn);
}

/* Loop thread, when post_fd is readable: hands every queued event to its reader. */
void chs_streams_drain(chs_server *server) {
    uint64_t count;
    (void)!read(server->post_fd, &count, sizeof count);
    pthread_mutex_lock(&server->stream_lock);
    chs_outbox_item *items = server->outbox;
    server->outbox = NULL;
    pthread_mutex_unlock(&server->stream_lock);
    while (items) {
        chs_outbox_item *item = items;
        items = item->next;
        for (size_t i = 0; i < item->count; i++) {
            /* Looked up again: the stream may have ended since the event was queued. */
            chs_event_stream *stream = server->streams;
            while (stream && stream->id != item->ids[i]) stream = stream->next;
            if (!stream || stream->conn->fd < 0) continue;
            if (!stream->h2) {
                deliver_http1(server, stream->conn, item, stream->unframed);
            } else {
                /* Whether the event was queued or the stalled stream reset, the frames must go out now. */
                chs_h2_stream_push(stream->conn, stream->h2, item->bytes, item->len);
                chs_conn_writable(server, stream->conn);
            }
        }
        free(item->ids);
        free(item);
    }
}
