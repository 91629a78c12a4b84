/* One HTTP/1.1 exchange over an open connection: the request goes out in one send, the answer is read
 * through the pure parser (http1_response.c), and the body is kept up to 64 KiB while the rest is read and
 * dropped so that the connection stays usable. Also the proxy's CONNECT, which is an exchange of its own. */
#define _GNU_SOURCE
#include "exchange.h"

#include "http1_response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHC_HEAD_MAX 16384

static int keep_body(chc_io *io, chc_response *response, const char *data, size_t len) {
    size_t keep = len;
    if (response->body_len + keep > CHC_MAX_BODY) keep = CHC_MAX_BODY - response->body_len;
    if (!keep) return 0;
    char *grown = realloc(response->body, response->body_len + keep + 1);
    if (!grown) return chc_fail(io, CHC_FAILED, "out of memory");
    response->body = grown;
    memcpy(response->body + response->body_len, data, keep);
    response->body_len += keep;
    response->body[response->body_len] = 0;
    return 0;
}

/* Reads until a final (non-1xx) head is complete; its length in *head_len, the bytes after it in buffer. */
static int read_head(chc_conn *conn, chc_io *io, char *buffer, size_t *have, chc_response_head *head,
                     size_t *head_len, int *received) {
    for (;;) {
        if (*have) {
            const char *reason = NULL;
            long n = chc_http1_parse_head(buffer, *have, head, &reason);
            if (n == CHC_PARSE_ERROR) return chc_fail(io, CHC_FAILED, "malformed response: %s", reason);
            if (n > 0 && head->status == 101) return chc_fail(io, CHC_FAILED, "malformed response: an unasked-for 101");
            if (n > 0 && head->status >= 200) return *head_len = (size_t)n, 0;
            if (n > 0) { /* 1xx: an interim answer, the final one follows */
                memmove(buffer, buffer + n, *have - (size_t)n);
                *have -= (size_t)n;
                continue;
            }
            if (*have == CHC_HEAD_MAX) return chc_fail(io, CHC_FAILED, "malformed response: a head over 16 KiB");
        }
        ssize_t got = chc_conn_recv(conn, io, buffer + *have, CHC_HEAD_MAX - *have);
        if (got < 0) return -1;
        if (got == 0)
            return chc_fail(io, CHC_FAILED, *received ? "the server closed the connection in the response head"
                                                      : "the server closed the connection without answering");
        *received = 1;
        *have += (size_t)got;
    }
}

/* The body after the head: bytes [0, have) of buffer are already read. *whole: it ended where it should,
 * with nothing after it (no stray bytes that would poison the next exchange). */
static int read_body(chc_conn *conn, chc_io *io, const chc_response_head *head, char *buffer, size_t have,
                     chc_response *response, int *whole) {
    *whole = 0;
    if (head->status == 204 || head->status == 304) return *whole = have == 0, 0;
    chc_chunked chunked = {0};
    int64_t left = head->content_length;
    int to_close = !head->chunked && left < 0;
    for (;;) {
        const char *at = buffer, *end = buffer + have;
        while (at < end) {
            if (head->chunked) {
                const char *data, *reason;
                size_t data_len;
                long n = chc_chunked_decode(&chunked, at, (size_t)(end - at), &data, &data_len, &reason);
                if (n < 0) return chc_fail(io, CHC_FAILED, "malformed response: %s", reason);
                if (data_len && keep_body(io, response, data, data_len)) return -1;
                at += n;
                if (chc_chunked_done(&chunked)) return *whole = at == end, 0;
            } else {
                size_t n = (size_t)(end - at);
                if (!to_close && (int64_t)n > left) n = (size_t)left;
                if (keep_body(io, response, at, n)) return -1;
                at += n;
                if (!to_close) left -= (int64_t)n;
                if (!to_close && left == 0) return *whole = at == end, 0;
            }
        }
        if (!to_close && !head->chunked && left == 0) return *whole = 1, 0;
        ssize_t got = chc_conn_recv(conn, io, buffer, CHC_HEAD_MAX);
        if (got < 0) return -1;
        if (got == 0) {
            if (to_close) return 0; /* the body's end, and the connection's */
            return chc_fail(io, CHC_FAILED, "the server closed the connection in the middle of the body");
        }
        have = (size_t)got;
    }
}

int chc_exchange(chc_conn *conn, chc_io *io, const char *request, size_t len, chc_response *response,
                 int *received, int *keep) {
    *received = 0;
    *keep = 0;
    if (chc_conn_send(conn, io, request, len)) return -1;
    char *buffer = malloc(CHC_HEAD_MAX);
    if (!buffer) return chc_fail(io, CHC_FAILED, "out of memory");
    size_t have = 0, head_len = 0;
    chc_response_head head;
    int rc = read_head(conn, io, buffer, &have, &head, &head_len, received);
    if (rc == 0) {
        response->status = head.status;
        if (head.retry_after)
            response->retry_after_seconds = chc_retry_after_seconds(head.retry_after, head.retry_after_len, (int64_t)time(NULL));
        memmove(buffer, buffer + head_len, have - head_len);
        int whole = 0;
        rc = read_body(conn, io, &head, buffer, have - head_len, response, &whole);
        *keep = rc == 0 && whole && !head.close && !head.other_coding && (head.chunked || head.content_length >= 0 ||
                                                                           head.status == 204 || head.status == 304);
    }
    free(buffer);
    return rc;
}

int chc_tunnel(chc_conn *conn, chc_io *io, const char *authority, const char *user_agent, const char *credentials) {
    char request[1024];
    int n = snprintf(request, sizeof request, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s%s%s%s%s%s\r\n", authority,
                     authority, credentials ? "Proxy-Authorization: Basic " : "", credentials ? credentials : "",
                     credentials ? "\r\n" : "", user_agent ? "User-Agent: " : "", user_agent ? user_agent : "",
                     user_agent ? "\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof request) return chc_fail(io, CHC_FAILED, "proxy CONNECT request too long");
    if (chc_conn_send(conn, io, request, (size_t)n)) return -1;
    char buffer[CHC_HEAD_MAX];
    size_t have = 0, head_len = 0;
    int received = 0;
    chc_response_head head;
    if (read_head(conn, io, buffer, &have, &head, &head_len, &received)) {
        if (io->outcome != CHC_FAILED) return -1; /* a timeout's or an abort's message stays as it is */
        /* "malformed response" from the proxy, not the dashboard */
        memmove(io->error + 7, io->error, strnlen(io->error, sizeof io->error - 8) + 1);
        memcpy(io->error, "proxy: ", 7);
        return -1;
    }
    if (head.status == 407) return chc_fail(io, CHC_FAILED, "proxy: authentication required (HTTP 407)");
    if (head.status < 200 || head.status > 299)
        return chc_fail(io, CHC_FAILED, "proxy: CONNECT to %s answered HTTP %d", authority, head.status);
    if (have != head_len) return chc_fail(io, CHC_FAILED, "proxy: bytes after its CONNECT answer");
    return 0;
}
