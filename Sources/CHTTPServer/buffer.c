/* A connection's output and what it holds, and the budget they count against. This file alone changes
 * wbuf, wlen, woff, wcap, tail, tail_off and held, and keeps the server's total, buffered, in step. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

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

int chs_conn_reserve(chs_conn *conn, size_t extra) {
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
    if (chs_conn_reserve(conn, len) != 0) return -1;
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

/* Counts bytes the socket took: from wbuf first, then the tail. */
void chs_conn_consume(chs_conn *conn, size_t sent) {
    size_t head = conn->wlen - conn->woff;
    size_t from_head = sent < head ? sent : head;
    conn->woff += from_head;
    if (conn->tail) {
        conn->tail_off += sent - from_head;
        if (conn->tail_off == conn->tail->len) chs_conn_release_output(conn);
    }
}

/* What the socket did not take becomes the tail: the shared body by reference, or a copy of the rest. */
int chs_conn_queue_tail(chs_conn *conn, const uint8_t *body, size_t body_len, chs_body *shared, size_t sent) {
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

void chs_conn_drop_output(chs_conn *conn) { conn->wlen = conn->woff = 0; }
