/* The one way a request reaches the handler, whichever protocol carried it, and the one shape of an error
 * body: HTTP/1.1 (http1_conn.c) and HTTP/2 (http2.c) each build a chs_request and a responder, and this
 * counts the request, calls the handler and answers 500 if it did not. The responder's calls pick the
 * protocol's serialiser here, so neither protocol's code knows about the other. */
#include "internal.h"

#include <stdio.h>

size_t chs_error_body(int status, const char *message, char *buf, size_t cap) {
    int n = snprintf(buf, cap, "{\"error\":\"%s\",\"status\":%d}", message, status);
    if (n < 0) return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

void chs_dispatch(chs_server *server, const chs_request *request, chs_responder *responder) {
    __atomic_add_fetch(&server->requests, 1, __ATOMIC_RELAXED);
    server->handler(request, responder, server->ctx);
    if (!responder->responded) {
        char body[64];
        size_t len = chs_error_body(500, "no response", body, sizeof body);
        chs_respond(responder, 500, "application/json", NULL, (const uint8_t *)body, len);
    }
}

void chs_respond(chs_responder *responder, int status, const char *content_type, const char *extra_headers,
                 const uint8_t *body, size_t body_len) {
    if (responder->responded) return;
    responder->responded = 1;
    if (responder->stream) {
        chs_h2_respond(responder, status, content_type, extra_headers, body, body_len, NULL);
        return;
    }
    chs_write_response(responder->conn, status, content_type, extra_headers, body, body_len, NULL,
                       !responder->is_head, responder->keep_alive);
}

void chs_respond_body(chs_responder *responder, int status, const char *content_type, const char *extra_headers,
                      chs_body *body) {
    if (responder->responded) return;
    responder->responded = 1;
    if (responder->stream) {
        chs_h2_respond(responder, status, content_type, extra_headers, body->data, body->len, body);
        return;
    }
    chs_write_response(responder->conn, status, content_type, extra_headers, body->data, body->len, body,
                       !responder->is_head, responder->keep_alive);
}
