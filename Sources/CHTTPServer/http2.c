/* HTTP/2 over cleartext through libnghttp2, after nghttp2's examples/libevent-server.c: nghttp2 does no
 * I/O here. Bytes read from the socket go in with nghttp2_session_mem_recv, frames to send come out of
 * nghttp2_session_mem_send into the connection's output buffer. (Debian 12 ships nghttp2 1.52, which
 * predates the mem_recv2/mem_send2 spellings; these are the same functions with ssize_t results.)
 * Requests are collected by the callbacks and answered after mem_recv returns, so nghttp2 is never
 * re-entered from inside a callback. Bodies are read by the data provider as the peer's window opens,
 * from a reference to the (usually shared) body rather than a copy per stream; a connection over its
 * budget has new streams refused and its ready ones wait, and a stream open past the request timeout
 * closes the connection (conn.c's sweep). */
#include "internal.h"

#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    size_t name_off, name_len, value_off, value_len;
} field_ref;

struct chs_h2_stream {
    int32_t id;
    struct chs_h2_stream *next, *prev; /* all streams of the connection */
    struct chs_h2_stream *next_ready;  /* complete requests waiting for the handler */
    int ready, has_body, answered;
    int64_t opened_ms;
    char *text; /* header names and values, back to back; freed once the request is answered */
    size_t text_len, text_cap;
    field_ref *fields;
    size_t num_fields, fields_cap;
    long method, path; /* index into fields, -1 until seen */
    chs_body *body;    /* the response body, read by the data provider as the window allows */
    size_t body_sent;
    uint8_t *events; /* an endless response's bytes not yet sent, grown as events arrive */
    size_t events_len, events_sent, events_cap;
    chs_event_stream *event_stream;
    int deferred; /* the event provider is waiting for the next event */
};

/* What a stream costs its connection, as charged to the budget. */
#define CHS_STREAM_BYTES (sizeof(chs_h2_stream) + 512)

static chs_h2_stream *stream_new(chs_conn *conn, int32_t id) {
    chs_h2_stream *stream = calloc(1, sizeof *stream);
    if (!stream) return NULL;
    stream->id = id;
    stream->method = stream->path = -1;
    stream->opened_ms = chs_now_ms();
    chs_deadline(conn->server, stream->opened_ms + conn->server->config.request_timeout_ms);
    stream->next = conn->h2_streams;
    if (conn->h2_streams) conn->h2_streams->prev = stream;
    conn->h2_streams = stream;
    chs_account(conn, (long)CHS_STREAM_BYTES);
    return stream;
}

/* The request's fields, once it has been answered: only the body is needed from here. */
static void drop_fields(chs_conn *conn, chs_h2_stream *stream) {
    chs_account(conn, -(long)(stream->text_cap + stream->fields_cap * sizeof *stream->fields));
    free(stream->text);
    free(stream->fields);
    stream->text = NULL;
    stream->fields = NULL;
    stream->text_len = stream->text_cap = stream->num_fields = stream->fields_cap = 0;
}

static void stream_free(chs_conn *conn, chs_h2_stream *stream) {
    if (stream->prev) stream->prev->next = stream->next;
    else conn->h2_streams = stream->next;
    if (stream->next) stream->next->prev = stream->prev;
    for (chs_h2_stream **at = &conn->h2_ready; *at; at = &(*at)->next_ready)
        if (*at == stream) {
            *at = stream->next_ready;
            break;
        }
    if (stream->event_stream) chs_stream_detach(conn->server, stream->event_stream);
    if (conn->h2_upgraded == stream) conn->h2_upgraded = NULL;
    free(stream->events);
    drop_fields(conn, stream);
    if (stream->answered) conn->h2_answering--;
    chs_account(conn, -(long)(CHS_STREAM_BYTES + chs_body_charge(stream->body)));
    chs_body_release(stream->body);
    free(stream);
}

static void mark_ready(chs_conn *conn, chs_h2_stream *stream) {
    if (stream->ready) return;
    stream->ready = 1;
    chs_h2_stream **at = &conn->h2_ready;
    while (*at) at = &(*at)->next_ready; /* keep arrival order */
    *at = stream;
}

/* Copies one header field into the stream; -1 past the configured limits. */
static int add_field(chs_conn *conn, chs_h2_stream *stream, const uint8_t *name, size_t name_len,
                     const uint8_t *value, size_t value_len) {
    const chs_config *config = &conn->server->config;
    if (stream->num_fields == config->max_headers || stream->text_len + name_len + value_len > config->max_header_bytes)
        return -1;
    if (stream->num_fields == stream->fields_cap) {
        size_t cap = stream->fields_cap ? stream->fields_cap * 2 : 8;
        field_ref *grown = realloc(stream->fields, cap * sizeof *grown);
        if (!grown) return -1;
        chs_account(conn, (long)((cap - stream->fields_cap) * sizeof *grown));
        stream->fields = grown;
        stream->fields_cap = cap;
    }
    if (stream->text_len + name_len + value_len > stream->text_cap) {
        size_t cap = stream->text_cap ? stream->text_cap : 512;
        while (cap < stream->text_len + name_len + value_len) cap *= 2;
        char *grown = realloc(stream->text, cap);
        if (!grown) return -1;
        chs_account(conn, (long)(cap - stream->text_cap));
        stream->text = grown;
        stream->text_cap = cap;
    }
    field_ref *field = &stream->fields[stream->num_fields++];
    field->name_off = stream->text_len;
    field->name_len = name_len;
    memcpy(stream->text + stream->text_len, name, name_len);
    stream->text_len += name_len;
    field->value_off = stream->text_len;
    field->value_len = value_len;
    memcpy(stream->text + stream->text_len, value, value_len);
    stream->text_len += value_len;
    if (name_len == 7 && memcmp(name, ":method", 7) == 0) stream->method = (long)stream->num_fields - 1;
    if (name_len == 5 && memcmp(name, ":path", 5) == 0) stream->path = (long)stream->num_fields - 1;
    return 0;
}

static int on_begin_headers(nghttp2_session *session, const nghttp2_frame *frame, void *user_data) {
    chs_conn *conn = user_data;
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    /* Over budget (this connection's answers wait on its window, or the server's total is spent): the
     * stream is reset, the connection goes on. */
    if (chs_over_budget(conn, 0)) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    chs_h2_stream *stream = stream_new(conn, frame->hd.stream_id);
    if (!stream) return NGHTTP2_ERR_CALLBACK_FAILURE;
    nghttp2_session_set_stream_user_data(session, frame->hd.stream_id, stream);
    return 0;
}

static int on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name, size_t name_len,
                     const uint8_t *value, size_t value_len, uint8_t flags, void *user_data) {
    (void)flags;
    chs_conn *conn = user_data;
    chs_h2_stream *stream = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
    if (!stream || frame->hd.type != NGHTTP2_HEADERS) return 0;
    /* Too many or too large headers: this stream is reset, the connection and its other streams go on. */
    if (add_field(conn, stream, name, name_len, value, value_len) != 0) {
        __atomic_add_fetch(&conn->server->bad_requests, 1, __ATOMIC_RELAXED);
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    return 0;
}

static int on_data_chunk(nghttp2_session *session, uint8_t flags, int32_t stream_id, const uint8_t *data, size_t len,
                         void *user_data) {
    (void)flags, (void)data, (void)len, (void)user_data;
    chs_h2_stream *stream = nghttp2_session_get_stream_user_data(session, stream_id);
    if (stream) stream->has_body = 1; /* answered with 413; nghttp2 keeps the flow-control window moving */
    return 0;
}

static int on_frame_recv(nghttp2_session *session, const nghttp2_frame *frame, void *user_data) {
    chs_conn *conn = user_data;
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
        chs_h2_stream *stream = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
        if (stream) {
            mark_ready(conn, stream);
            conn->last_activity_ms = chs_now_ms(); /* a whole request: work, unlike a PING */
        }
    }
    return 0;
}

/* Answers going out are work; acknowledgements of PINGs and SETTINGS, and empty frames, are not, so a
 * peer cannot keep a connection alive (or look busy at the connection limit) with them. */
static int on_frame_send(nghttp2_session *session, const nghttp2_frame *frame, void *user_data) {
    (void)session;
    chs_conn *conn = user_data;
    if (frame->hd.type == NGHTTP2_HEADERS || (frame->hd.type == NGHTTP2_DATA && frame->hd.length > 0))
        conn->last_activity_ms = chs_now_ms();
    return 0;
}

static int on_stream_close(nghttp2_session *session, int32_t stream_id, uint32_t error_code, void *user_data) {
    (void)error_code;
    chs_h2_stream *stream = nghttp2_session_get_stream_user_data(session, stream_id);
    if (stream) stream_free(user_data, stream);
    return 0;
}

static ssize_t read_body(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t length,
                         uint32_t *data_flags, nghttp2_data_source *source, void *user_data) {
    (void)session, (void)stream_id, (void)user_data;
    chs_h2_stream *stream = source->ptr;
    size_t n = stream->body->len - stream->body_sent;
    if (n > length) n = length;
    memcpy(buf, stream->body->data + stream->body_sent, n);
    stream->body_sent += n;
    if (stream->body_sent == stream->body->len) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

/* An event stream's provider: what has arrived, then a pause (deferred) until chs_h2_stream_push. */
static ssize_t read_events(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t length,
                           uint32_t *data_flags, nghttp2_data_source *source, void *user_data) {
    (void)session, (void)stream_id, (void)data_flags, (void)user_data;
    chs_h2_stream *stream = source->ptr;
    size_t n = stream->events_len - stream->events_sent;
    if (n == 0) {
        /* Drained: between events a stream holds no buffer (an event is seconds apart). */
        free(stream->events);
        stream->events = NULL;
        stream->events_len = stream->events_sent = stream->events_cap = 0;
        stream->deferred = 1;
        return NGHTTP2_ERR_DEFERRED;
    }
    if (n > length) n = length;
    memcpy(buf, stream->events + stream->events_sent, n);
    stream->events_sent += n;
    return (ssize_t)n;
}

/* Lowercases a header name into out (HTTP/2 field names must be lowercase, RFC 9113 §8.2.1). */
static void lowercase(char *out, const char *in, size_t len) {
    for (size_t i = 0; i < len; i++) out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] + 32) : in[i];
}

/* The response's fields: status, content type, content length (when known, >= 0) and the handler's
 * "Name: value\r\n" lines as lowercase fields; the text lives in the caller's buffers. */
typedef struct {
    nghttp2_nv nva[16];
    size_t count;
    char status_text[4], length_text[24], names[1024];
} response_fields;

static void build_fields(response_fields *out, int status, const char *content_type, const char *extra_headers,
                         long long content_length) {
    size_t used = 0;
    out->count = 0;
    snprintf(out->status_text, sizeof out->status_text, "%03d", status % 1000);
#define NV(name, name_len, value, value_len)                                                                \
    out->nva[out->count++] =                                                                                \
        (nghttp2_nv){(uint8_t *)(name), (uint8_t *)(value), (name_len), (value_len), NGHTTP2_NV_FLAG_NONE}
    NV(":status", 7, out->status_text, strlen(out->status_text));
    NV("content-type", 12, content_type, strlen(content_type));
    if (content_length >= 0) {
        snprintf(out->length_text, sizeof out->length_text, "%lld", content_length);
        NV("content-length", 14, out->length_text, strlen(out->length_text));
    }
    for (const char *line = extra_headers; line && *line && out->count < 16;) {
        const char *colon = strchr(line, ':'), *end = strstr(line, "\r\n");
        if (!colon || !end || colon > end || used + (size_t)(colon - line) > sizeof out->names) break;
        const char *value = colon + 1;
        while (*value == ' ') value++;
        lowercase(out->names + used, line, (size_t)(colon - line));
        NV(out->names + used, (size_t)(colon - line), value, (size_t)(end - value));
        used += (size_t)(colon - line);
        line = end + 2;
    }
#undef NV
}

void chs_h2_respond(chs_responder *responder, int status, const char *content_type, const char *extra_headers,
                    const uint8_t *body, size_t body_len, chs_body *shared) {
    chs_h2_stream *stream = responder->stream;
    nghttp2_session *session = responder->conn->h2;
    response_fields fields;
    build_fields(&fields, status, content_type, extra_headers, (long long)body_len);
    nghttp2_data_provider provider = {.source.ptr = stream, .read_callback = read_body};
    int with_body = !responder->is_head && body_len > 0;
    if (!stream->answered) responder->conn->h2_answering++;
    stream->answered = 1;
    if (with_body) {
        stream->body = shared ? chs_body_retain(shared) : chs_body_private(body, body_len);
        if (!stream->body) {
            nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, stream->id, NGHTTP2_INTERNAL_ERROR);
            return;
        }
        chs_account(responder->conn, (long)chs_body_charge(stream->body));
    }
    /* nghttp2 copies the fields; the body stays with the stream until its data provider has sent it. */
    nghttp2_submit_response(session, stream->id, fields.nva, fields.count, with_body ? &provider : NULL);
}

int chs_h2_respond_stream(chs_responder *responder, const char *content_type, const char *extra_headers,
                          chs_event_stream *event_stream) {
    chs_h2_stream *stream = responder->stream;
    response_fields fields;
    build_fields(&fields, 200, content_type, extra_headers, -1);
    nghttp2_data_provider provider = {.source.ptr = stream, .read_callback = read_events};
    if (nghttp2_submit_response(responder->conn->h2, stream->id, fields.nva, fields.count, &provider) != 0) {
        /* Answered by nothing else now (the responder is spent): the stream is reset, not left hanging. */
        nghttp2_submit_rst_stream(responder->conn->h2, NGHTTP2_FLAG_NONE, stream->id, NGHTTP2_INTERNAL_ERROR);
        return -1;
    }
    if (!stream->answered) responder->conn->h2_answering++;
    stream->answered = 1;
    stream->event_stream = event_stream;
    return 0;
}

int chs_h2_stream_push(chs_conn *conn, chs_h2_stream *stream, const uint8_t *bytes, size_t len) {
    if (stream->events_len > stream->events_sent) { /* the previous event is still here: the reader stopped */
        nghttp2_submit_rst_stream(conn->h2, NGHTTP2_FLAG_NONE, stream->id, NGHTTP2_CANCEL);
        return -1;
    }
    stream->events_len = stream->events_sent = 0;
    if (len > stream->events_cap) {
        uint8_t *grown = realloc(stream->events, len);
        if (!grown) return -1;
        stream->events = grown;
        stream->events_cap = len;
    }
    memcpy(stream->events, bytes, len);
    stream->events_len = len;
    if (stream->deferred) {
        stream->deferred = 0;
        nghttp2_session_resume_data(conn->h2, stream->id);
    }
    return 0;
}

/* Answers ready requests in arrival order while the budget allows; the rest wait for their turn (their
 * deadline runs on). */
static void dispatch_ready(chs_server *server, chs_conn *conn) {
    while (conn->h2_ready && !chs_over_budget(conn, 1)) {
        chs_h2_stream *stream = conn->h2_ready;
        conn->h2_ready = stream->next_ready;
        stream->next_ready = NULL;
        chs_responder responder = {.server = server, .conn = conn, .stream = stream, .keep_alive = 1};
        /* CONNECT carries no :path (RFC 9113 §8.5); nothing here serves it. */
        int refused = stream->has_body ? 413 : stream->method < 0 || stream->path < 0 ? 400 : 0;
        if (refused) {
            char body[128];
            size_t len = chs_error_body(refused, refused == 413 ? "request bodies are not accepted"
                                                                : "a request needs :method and :path",
                                        body, sizeof body);
            chs_respond(&responder, refused, "application/json", NULL, (const uint8_t *)body, len);
            drop_fields(conn, stream);
            continue;
        }
        chs_header headers[stream->num_fields ? stream->num_fields : 1];
        size_t count = 0;
        for (size_t i = 0; i < stream->num_fields; i++) {
            field_ref *f = &stream->fields[i];
            if (stream->text[f->name_off] == ':') continue; /* pseudo-headers travel as method and target */
            headers[count++] = (chs_header){stream->text + f->name_off, f->name_len, stream->text + f->value_off,
                                            f->value_len};
        }
        field_ref *method = &stream->fields[stream->method], *path = &stream->fields[stream->path];
        chs_request request = {
            .method = stream->text + method->value_off, .method_len = method->value_len,
            .target = stream->text + path->value_off, .target_len = path->value_len,
            .headers = headers, .num_headers = count,
        };
        responder.is_head = method->value_len == 4 && memcmp(request.method, "HEAD", 4) == 0;
        chs_dispatch(server, &request, &responder);
        drop_fields(conn, stream);
    }
}

int chs_h2_start(chs_server *server, chs_conn *conn) {
    nghttp2_session_callbacks *callbacks;
    nghttp2_option *option;
    if (nghttp2_session_callbacks_new(&callbacks) != 0) return -1;
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, on_frame_send);
    if (nghttp2_option_new(&option) != 0) {
        nghttp2_session_callbacks_del(callbacks);
        return -1;
    }
    /* Floods of PING or SETTINGS make nghttp2 queue acknowledgements; past this many it ends the session. */
    nghttp2_option_set_max_outbound_ack(option, 1000);
    nghttp2_option_set_max_settings(option, 32);
    int rc = nghttp2_session_server_new2((nghttp2_session **)&conn->h2, callbacks, conn, option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(callbacks);
    if (rc != 0) return -1;
    nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, (uint32_t)server->config.h2_max_streams},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, (uint32_t)server->config.max_header_bytes},
    };
    return nghttp2_submit_settings(conn->h2, NGHTTP2_FLAG_NONE, settings, 2) == 0 ? 0 : -1;
}

/* RFC 7540 §3.2.1: HTTP2-Settings is the SETTINGS payload in base64url without padding. */
static long base64url_decode(const char *in, size_t len, uint8_t *out, size_t cap) {
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52
              : c == '-' ? 62 : c == '_' ? 63 : c == '=' ? -2 : -1;
        if (v == -2) break;
        if (v < 0) return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == cap) return -1;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    return (long)n;
}

int chs_h2_upgrade(chs_server *server, chs_conn *conn, const chs_request *request, const char *settings,
                   size_t settings_len, int is_head) {
    uint8_t payload[256];
    long payload_len = base64url_decode(settings, settings_len, payload, sizeof payload);
    if (payload_len < 0 || chs_h2_start(server, conn) != 0) return -1;
    if (nghttp2_session_upgrade2(conn->h2, payload, (size_t)payload_len, is_head, NULL) != 0) return -1;
    /* The upgrading request becomes stream 1, half-closed by the client, answered over HTTP/2. */
    chs_h2_stream *stream = stream_new(conn, 1);
    if (!stream) return -1;
    nghttp2_session_set_stream_user_data(conn->h2, 1, stream);
    add_field(conn, stream, (const uint8_t *)":method", 7, (const uint8_t *)request->method, request->method_len);
    add_field(conn, stream, (const uint8_t *)":path", 5, (const uint8_t *)request->target, request->target_len);
    for (size_t i = 0; i < request->num_headers; i++) {
        const chs_header *h = &request->headers[i];
        char name[128];
        if (h->name_len > sizeof name) continue;
        lowercase(name, h->name, h->name_len);
        add_field(conn, stream, (const uint8_t *)name, h->name_len, (const uint8_t *)h->value, h->value_len);
    }
    /* Answered only once the client's preface arrives, i.e. once it has read the 101: curl 7.88 (Debian 12)
     * fails with "connection buffer size is too small to store data following HTTP Upgrade response header"
     * when more than its 32 KiB buffer of frames follows the 101 in what it reads with it. */
    conn->h2_upgraded = stream;
    return 0;
}

/* Feeds received bytes to nghttp2 and answers the requests they completed; -1 ends the connection. */
int chs_h2_recv(chs_server *server, chs_conn *conn, const uint8_t *data, size_t len) {
    ssize_t rc = nghttp2_session_mem_recv(conn->h2, data, len);
    if (rc < 0) return -1;
    if (conn->h2_upgraded && rc > 0) {
        mark_ready(conn, conn->h2_upgraded);
        conn->h2_upgraded = NULL;
    }
    dispatch_ready(server, conn);
    return 0;
}

/* Moves frames from nghttp2 to the output buffer until it has none or the buffer reaches the write
 * threshold; 1 when the session is over (nothing left to read or write). */
int chs_h2_pump(chs_server *server, chs_conn *conn) {
    dispatch_ready(server, conn);
    while (conn->wlen - conn->woff < server->config.write_high_water) {
        const uint8_t *frames;
        ssize_t n = nghttp2_session_mem_send(conn->h2, &frames);
        if (n < 0) return 1;
        if (n == 0) break;
        if (chs_conn_append(conn, frames, (size_t)n) != 0) return 1;
    }
    return !nghttp2_session_want_read(conn->h2) && !nghttp2_session_want_write(conn->h2);
}

int chs_h2_wants_write(const chs_conn *conn) { return conn->h2 && nghttp2_session_want_write(conn->h2); }

int64_t chs_h2_oldest_stream_ms(const chs_conn *conn) {
    int64_t oldest = 0;
    for (const chs_h2_stream *stream = conn->h2_streams; stream; stream = stream->next) {
        /* An event stream never closes; a reader that stops is reset by chs_h2_stream_push instead. */
        if (stream->event_stream) continue;
        if (!oldest || stream->opened_ms < oldest) oldest = stream->opened_ms;
    }
    return oldest;
}

int chs_h2_answering(const chs_conn *conn) { return conn->h2_answering > 0; }

void chs_h2_free(chs_conn *conn) {
    if (conn->h2) nghttp2_session_del(conn->h2);
    conn->h2 = NULL;
    while (conn->h2_streams) stream_free(conn, conn->h2_streams);
}
