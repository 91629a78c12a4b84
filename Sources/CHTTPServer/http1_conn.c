/* HTTP/1.1 on a connection: taking whole request heads from the read buffer in order (pipelining), the
 * checks the parser cannot make (framing, Host), the switch to HTTP/2 (prior knowledge or Upgrade: h2c),
 * and handing each request to chs_dispatch. conn.c reads the bytes and writes the answers. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Pipelined requests answered per connection per turn of the loop. */
#define CHS_ANSWERS_PER_TURN 4

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
            else if (!conn->request_started_ms) chs_request_started(server, conn, chs_now_ms());
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

/* Answers what the buffer holds and writes it, again while the socket takes each answer whole (an answer
 * that leaves a tail stops the taking of requests until it is written), up to CHS_ANSWERS_PER_TURN: a
 * client pipelining hundreds of requests into a roomy loopback socket would otherwise be served them all
 * before anyone else is looked at (behind 250 such clients a fresh one waited up to 1.9 s with 16 a
 * turn, 0.3 s with 2 or 4). The rest waits for the loop's next turn (chs_conn_serve_backlog). -1 if
 * closed. */
int chs_http1_serve(chs_server *server, chs_conn *conn) {
    int answers_left = CHS_ANSWERS_PER_TURN;
    for (;;) {
        size_t before = conn->rlen;
        process(server, conn, &answers_left);
        if (conn->h2) return chs_conn_pump_h2(server, conn);
        if (chs_conn_flush(server, conn) != 0) return -1;
        if (conn->linger_until_ms || conn->watching_writes || conn->rlen == 0) return 0;
        if (answers_left == 0) {
            conn->backlogged = server->backlog = 1;
            return 0;
        }
        if (conn->rlen == before) return 0;
    }
}
