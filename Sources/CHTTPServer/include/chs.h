/* ShelterAgent's HTTP server: an epoll loop on one thread serving HTTP/1.1 (keep-alive, pipelining) and
 * HTTP/2 cleartext (prior knowledge or Upgrade: h2c) on the same port, handing every complete request to
 * one handler. The C side knows nothing of Swift. */
#ifndef CHS_H
#define CHS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chs_server chs_server;

/* Limits and address; chs_config_default() gives the safe defaults. */
typedef struct {
    const char *host;            /* numeric IPv4/IPv6 or a name; "::" is dual-stack */
    uint16_t port;               /* 0 picks a free port: see chs_server_port() */
    int max_connections;         /* at it, the connection that did useful work least recently makes room; 503
                                  * only when every one is being answered right now */
    size_t max_header_bytes;     /* request line + headers; past it 431 */
    size_t max_request_line;     /* past it 414 */
    size_t max_headers;          /* header count; past it 431 */
    int idle_timeout_ms;         /* keep-alive connection with no request under way; PINGs and empty frames
                                  * do not count as activity */
    int request_timeout_ms;      /* a request must arrive whole and its answer be written within this (an
                                  * HTTP/2 stream: be opened and closed); trickles do not extend it */
    size_t write_high_water;     /* per connection: stop reading and taking requests while this much output
                                  * (and bodies of its own) is queued */
    size_t max_buffered_bytes;   /* all connections together: past it no connection takes a new request */
    int h2_max_streams;          /* HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS */
    int max_event_streams;       /* open chs_respond_stream() responses at most; past it 503 */
    /* TLS: with a certificate file the port speaks TLS only (libssl is loaded then, not before). PEM; the
     * certificate file may hold the chain after the leaf. NULL: cleartext. */
    const char *tls_cert_file;
    const char *tls_key_file;
    const char *tls_client_ca_file; /* non-NULL: a client certificate signed by one of these is required */
} chs_config;

void chs_config_default(chs_config *config);

typedef struct {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} chs_header;

/* One parsed request; pointers are valid only during the handler call. Header names are as the client
 * sent them (HTTP/1.1) or lowercase (HTTP/2): compare them case-insensitively. */
typedef struct {
    const char *method;
    size_t method_len;
    const char *target;
    size_t target_len;
    const chs_header *headers;
    size_t num_headers;
} chs_request;

/* Passed to the handler; the handler answers exactly once with chs_respond(). */
typedef struct chs_responder chs_responder;

/* extra_headers: zero or more complete "Name: value\r\n" lines, or NULL. The body is copied before
 * chs_respond returns (only what the socket does not take at once). For HEAD the body is measured but
 * not sent. */
void chs_respond(chs_responder *responder, int status, const char *content_type, const char *extra_headers,
                 const uint8_t *body, size_t body_len);

/* An endless response (Server-Sent Events): sends the head and `first` (copied; may be empty) now, chunked on
 * HTTP/1.1 or as an open DATA stream on HTTP/2, and returns the stream's id (> 0). 0 when it could not: the
 * handler has then answered already (503 past max_event_streams; HEAD gets the head alone). */
uint64_t chs_respond_stream(chs_responder *responder, const char *content_type, const char *extra_headers,
                            const uint8_t *first, size_t first_len);

/* From any thread: queues bytes (copied once) for `count` streams; the loop sends them as each reader takes
 * them, and drops a reader that has fallen behind. gone[i] is set to 1 for an id whose stream has ended
 * (reader left, dropped, or the server stopped: forget it), 0 otherwise; returns how many are gone. */
int chs_stream_send(chs_server *server, const uint64_t *ids, size_t count, const uint8_t *bytes, size_t len,
                    uint8_t *gone);

/* An immutable, reference-counted body, for one made once and sent many times (a cached page): the
 * bytes are copied into it once; every response that sends it holds a reference until it has been
 * written, instead of a copy. Release from any thread. NULL when out of memory. */
typedef struct chs_body chs_body;
chs_body *chs_body_new(const uint8_t *bytes, size_t len);
void chs_body_release(chs_body *body);
/* chs_respond with a shared body: the server takes its own reference. */
void chs_respond_body(chs_responder *responder, int status, const char *content_type, const char *extra_headers,
                      chs_body *body);

typedef void (*chs_handler)(const chs_request *request, chs_responder *responder, void *ctx);

/* Binds and listens; NULL with a message in err on failure: "cannot listen …" or "cannot resolve …" for the
 * address, "TLS: …" for the certificate, key or client CAs, anything else for the rest. */
chs_server *chs_server_create(const chs_config *config, chs_handler handler, void *ctx, char *err, size_t err_len);
/* Runs the loop on a thread of its own; 0 or -1. */
int chs_server_start(chs_server *server);
uint16_t chs_server_port(const chs_server *server);
/* Wakes the loop, closes every connection and joins the thread. Safe to call once. */
void chs_server_stop(chs_server *server);
void chs_server_destroy(chs_server *server);

/* Loads a certificate and key (and client CAs) as the server would and checks that they match: 0, or -1
 * with the reason in err. For --check-config. */
int chs_tls_check(const char *cert_file, const char *key_file, const char *client_ca_file, char *err, size_t err_len);
/* From any thread: when the TLS files changed since last loaded (inode, size, mtime) or force is set,
 * loads them into a new context for new connections; open ones keep theirs. 1 reloaded, 0 unchanged (or
 * no TLS), -1 the new files cannot be used (err says why; the previous context stays). */
int chs_server_reload_tls(chs_server *server, int force, char *err, size_t err_len);

/* Counters for self-metrics; read from any thread (approximate). */
typedef struct {
    uint64_t connections_accepted;
    uint64_t connections_rejected;
    uint64_t connections_evicted; /* closed to make room at the connection limit */
    uint64_t requests;
    uint64_t bad_requests;
    uint64_t timeouts;
    int open_connections;
} chs_stats;
void chs_server_stats(const chs_server *server, chs_stats *out);

/* gzip-compresses a body; *output is malloc'd (free it). 0, or -1 when out of memory. */
int chs_gzip(const uint8_t *input, size_t input_len, uint8_t **output, size_t *output_len);

/* --- The HTTP/1.1 request parser, exposed for tests and fuzzing. Stateless: call it again with the
 * whole buffer when more bytes arrive. Never allocates. --- */
typedef struct {
    const char *method;
    size_t method_len;
    const char *target;
    size_t target_len;
    int minor_version;
    chs_header *headers; /* caller's array */
    size_t num_headers;  /* in: capacity; out: count */
} chs_http1_request;

#define CHS_PARSE_ERROR (-1)
#define CHS_PARSE_PARTIAL (-2)
#define CHS_PARSE_TOO_MANY_HEADERS (-3)

/* Bytes consumed by a complete request head (>0), or one of the CHS_PARSE_ codes. */
int chs_http1_parse(const char *buf, size_t len, chs_http1_request *request);

#ifdef __cplusplus
}
#endif
#endif
