/* Serialising HTTP/1.1 responses into a connection's output buffer (buffer.c), a large body straight to
 * the socket. */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

static const char *reason_phrase(int status) {
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

/* Bodies at least this long go to the socket straight from where they are when nothing is queued before
 * them: copying a 50 KB /metrics page into the output buffer first was a sixth of the loop's time. */
#define CHS_DIRECT_BODY_MIN 4096

/* Sends the head (queued alone in wbuf) and the body in one call; returns how much of the body went. */
static size_t send_direct(chs_conn *conn, const uint8_t *body, size_t body_len) {
    struct iovec parts[2] = {{conn->wbuf, conn->wlen}, {(void *)body, body_len}};
    ssize_t sent = conn->transport->send(conn, parts, 2);
    /* An error other than a full socket is left for flush() to meet again and close on. */
    size_t taken = sent > 0 ? (size_t)sent : 0;
    if (taken) conn->last_activity_ms = chs_now_ms();
    size_t head_taken = taken < conn->wlen ? taken : conn->wlen;
    chs_conn_consume(conn, head_taken); /* no tail yet: only the head's offset moves */
    return taken - head_taken;
}

void chs_write_response(chs_conn *conn, int status, const char *content_type, const char *extra_headers,
                        const uint8_t *body, size_t body_len, chs_body *shared, int send_body, int keep_alive) {
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s",
                     status, reason_phrase(status), chs_http_date(), content_type ? content_type : "text/plain",
                     body_len, keep_alive ? "" : "Connection: close\r\n");
    if (n < 0 || (size_t)n >= sizeof head) n = 0;
    size_t extra_len = extra_headers ? strlen(extra_headers) : 0;
    int large = send_body && body_len >= CHS_DIRECT_BODY_MIN && !conn->tail;
    int direct = large && conn->woff == conn->wlen;
    if (direct) chs_conn_drop_output(conn); /* nothing is queued: the head starts the buffer */
    size_t total = (size_t)n + extra_len + 2 + (send_body && !large ? body_len : 0);
    conn->answering = 1;
    if (!keep_alive) conn->close_after_write = 1;
    /* Reserved whole, so the appends below cannot fail halfway through a head. */
    if (chs_conn_reserve(conn, total) != 0) {
        conn->close_after_write = 1;
        return;
    }
    chs_conn_append(conn, (const uint8_t *)head, (size_t)n);
    if (extra_len) chs_conn_append(conn, (const uint8_t *)extra_headers, extra_len);
    chs_conn_append(conn, (const uint8_t *)"\r\n", 2);
    if (large) {
        size_t sent = direct ? send_direct(conn, body, body_len) : 0;
        if (sent < body_len && chs_conn_queue_tail(conn, body, body_len, shared, sent) != 0) conn->close_after_write = 1;
    } else if (send_body && body_len) {
        chs_conn_append(conn, body, body_len);
    }
}
