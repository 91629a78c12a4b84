/* Serialising HTTP/1.1 responses into a connection's output buffer. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

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

static int reserve(chs_conn *conn, size_t extra) {
    if (conn->wlen + extra <= conn->wcap) return 0;
    size_t cap = conn->wcap ? conn->wcap : 4096;
    while (cap < conn->wlen + extra) cap *= 2;
    uint8_t *grown = realloc(conn->wbuf, cap);
    if (!grown) return -1;
    chs_account_output(conn->server, (long)cap - (long)conn->wcap);
    conn->wbuf = grown;
    conn->wcap = cap;
    return 0;
}

int chs_conn_append(chs_conn *conn, const uint8_t *bytes, size_t len) {
    if (reserve(conn, len) != 0) return -1;
    memcpy(conn->wbuf + conn->wlen, bytes, len);
    conn->wlen += len;
    return 0;
}

/* A drained output buffer larger than this is freed rather than kept for the next answer. */
#define CHS_KEEP_WBUF 16384

void chs_conn_release_output(chs_conn *conn) {
    if (conn->tail) {
        chs_account(conn, -(long)chs_body_charge(conn->tail));
        chs_body_release(conn->tail);
        conn->tail = NULL;
        conn->tail_off = 0;
    }
    /* An event stream's connection waits seconds between events: it holds no buffer meanwhile. */
    if (conn->wlen == conn->woff && (conn->wcap > CHS_KEEP_WBUF || conn->fd < 0 || conn->event_stream)) {
        chs_account_output(conn->server, -(long)conn->wcap);
        free(conn->wbuf);
        conn->wbuf = NULL;
        conn->wcap = conn->wlen = conn->woff = 0;
    }
}

/* The Date header (RFC 9110 §6.6.1), formatted once per second. Only the loop thread calls this. */
const char *chs_http_date(void) {
    static char cached[40];
    static time_t cached_at = 0;
    time_t now = time(NULL);
    if (now != cached_at) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(cached, sizeof cached, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached_at = now;
    }
    return cached;
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
    memmove(conn->wbuf, conn->wbuf + head_taken, conn->wlen - head_taken);
    conn->wlen -= head_taken;
    return taken - head_taken;
}

/* What the socket did not take becomes the tail: the shared body by reference, or a copy of the rest. */
static int queue_tail(chs_conn *conn, const uint8_t *body, size_t body_len, chs_body *shared, size_t sent) {
    if (shared) {
        conn->tail = chs_body_retain(shared);
        conn->tail_off = sent;
        return 0;
    }
    conn->tail = chs_body_private(body + sent, body_len - sent);
    if (!conn->tail) return -1;
    conn->tail_off = 0;
    chs_account(conn, (long)conn->tail->len);
    return 0;
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
    if (direct) conn->wlen = conn->woff = 0;
    size_t total = (size_t)n + extra_len + 2 + (send_body && !large ? body_len : 0);
    conn->answering = 1;
    if (!keep_alive) conn->close_after_write = 1;
    if (reserve(conn, total) != 0) {
        conn->close_after_write = 1;
        return;
    }
    memcpy(conn->wbuf + conn->wlen, head, (size_t)n);
    conn->wlen += (size_t)n;
    if (extra_len) {
        memcpy(conn->wbuf + conn->wlen, extra_headers, extra_len);
        conn->wlen += extra_len;
    }
    memcpy(conn->wbuf + conn->wlen, "\r\n", 2);
    conn->wlen += 2;
    if (large) {
        size_t sent = direct ? send_direct(conn, body, body_len) : 0;
        if (sent < body_len && queue_tail(conn, body, body_len, shared, sent) != 0) conn->close_after_write = 1;
    } else if (send_body && body_len) {
        memcpy(conn->wbuf + conn->wlen, body, body_len);
        conn->wlen += body_len;
    }
}
