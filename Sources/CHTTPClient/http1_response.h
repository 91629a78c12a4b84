/* The HTTP/1.1 response parser: a response head, chunked bodies and Retry-After. Pure and allocation-free,
 * like the server's request parser (Sources/CHTTPServer/http1.c), and tested byte by byte the same way
 * (Tests/CHTTPClientTests/http1_response_test.c). */
#ifndef CHC_HTTP1_RESPONSE_H
#define CHC_HTTP1_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#define CHC_PARSE_PARTIAL (-2)
#define CHC_PARSE_ERROR (-1)

typedef struct {
    int status;
    int minor_version;
    int64_t content_length;   /* -1 when absent */
    int chunked;              /* Transfer-Encoding ends with chunked */
    int other_coding;         /* Transfer-Encoding without chunked last: the body lasts until the close */
    int close;                /* Connection: close, or HTTP/1.0 without keep-alive */
    const char *retry_after;  /* the header's value inside the parsed bytes, or NULL */
    size_t retry_after_len;
} chc_response_head;

/* The head's length (status line to the blank line) when complete, CHC_PARSE_PARTIAL when more bytes are
 * needed, CHC_PARSE_ERROR with *reason when malformed. */
long chc_http1_parse_head(const char *bytes, size_t len, chc_response_head *head, const char **reason);

/* A chunked body's decoder state; zero it to start. */
typedef struct {
    int state;
    int digits; /* the size line has begun */
    uint64_t remaining;
} chc_chunked;

/* Consumes up to len bytes of a chunked body: returns how many, and sets *data and *data_len to the body bytes
 * among them (at most one span per call; *data_len 0 when there were none). CHC_PARSE_ERROR with *reason
 * when malformed. chc_chunked_done says when the last chunk and its trailers are through. */
long chc_chunked_decode(chc_chunked *chunked, const char *bytes, size_t len, const char **data, size_t *data_len,
                        const char **reason);
int chc_chunked_done(const chc_chunked *chunked);

/* Retry-After's value in seconds from now: delta-seconds, or an HTTP-date (IMF-fixdate, RFC 850 or
 * asctime's form) less now_unix, never below 0; -1 when it is neither. */
long chc_retry_after_seconds(const char *value, size_t len, int64_t now_unix);

#endif
