/* The client's response parser, byte by byte as the server's request parser is tested: every prefix of a
 * valid head is partial, the whole is consumed exactly, malformed heads are errors, chunked bodies decode
 * the same however they are split, and nothing reads past the buffer (each input is copied into a heap
 * buffer of exactly its length; scripts/test-c builds this under AddressSanitizer and UBSan). */
#include "check.h"
#include "http1_response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long parse_exact(const char *text, size_t len, chc_response_head *head) {
    char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    const char *reason = NULL;
    long rc = chc_http1_parse_head(copy, len, head, &reason);
    if (rc == CHC_PARSE_ERROR && !reason) rc = -100; /* an error always says why */
    if (head->retry_after) head->retry_after = text + (head->retry_after - copy);
    free(copy);
    return rc;
}

static chc_response_head valid(const char *text) {
    chc_response_head head;
    size_t len = strlen(text);
    for (size_t cut = 0; cut < len; cut++) {
        long rc = parse_exact(text, cut, &head);
        CHECK(rc == CHC_PARSE_PARTIAL, "prefix %zu of %.30s: got %ld, want partial", cut, text, rc);
    }
    long rc = parse_exact(text, len, &head);
    CHECK(rc == (long)len, "whole head %.30s: consumed %ld of %zu", text, rc, len);
    return head;
}

static void invalid(const char *text) {
    chc_response_head head;
    size_t len = strlen(text);
    CHECK(parse_exact(text, len, &head) == CHC_PARSE_ERROR, "malformed %.40s parsed", text);
    for (size_t cut = 0; cut < len; cut++) {
        long rc = parse_exact(text, cut, &head);
        CHECK(rc == CHC_PARSE_PARTIAL || rc == CHC_PARSE_ERROR, "prefix %zu of a malformed head: %ld", cut, rc);
    }
}

/* Decodes body split into pieces of `step` bytes (each in an exact heap copy); the body, or NULL on error. */
static char *dechunk(const char *body, size_t step, int *done, size_t *consumed) {
    static char out[4096];
    size_t out_len = 0, len = strlen(body), at = 0;
    chc_chunked state = {0};
    *done = 0;
    while (at < len && !*done) {
        size_t piece = len - at < step ? len - at : step;
        char *copy = malloc(piece);
        memcpy(copy, body + at, piece);
        size_t used = 0;
        while (used < piece && !chc_chunked_done(&state)) {
            const char *data, *reason = NULL;
            size_t data_len;
            long n = chc_chunked_decode(&state, copy + used, piece - used, &data, &data_len, &reason);
            if (n < 0) {
                CHECK(reason != NULL, "an error says why");
                free(copy);
                return NULL;
            }
            CHECK(n > 0, "progress on %zu bytes", piece - used);
            if (n == 0) break;
            if (data_len) memcpy(out + out_len, data, data_len);
            out_len += data_len;
            used += (size_t)n;
        }
        free(copy);
        at += used;
        *done = chc_chunked_done(&state);
        if (used < piece) break;
    }
    *consumed = at;
    out[out_len] = 0;
    return out;
}

static void chunked(const char *body, const char *want, size_t trailing) {
    size_t len = strlen(body);
    for (size_t step = 1; step <= len; step++) {
        int done;
        size_t consumed;
        char *got = dechunk(body, step, &done, &consumed);
        CHECK(got && strcmp(got, want) == 0, "step %zu: %s, want %s", step, got ? got : "(error)", want);
        CHECK(done && consumed == len - trailing, "step %zu: done %d, consumed %zu of %zu", step, done, consumed, len);
    }
    /* Every prefix is not done (or an error would be a bug: it is valid so far). */
    for (size_t cut = 0; cut + trailing < len; cut++) {
        char prefix[512];
        memcpy(prefix, body, cut);
        prefix[cut] = 0;
        int done;
        size_t consumed;
        char *got = dechunk(prefix, cut ? cut : 1, &done, &consumed);
        CHECK(got && !done, "prefix %zu of a chunked body: %s", cut, got ? "done" : "error");
    }
}

static void bad_chunked(const char *body) {
    int done;
    size_t consumed;
    CHECK(dechunk(body, strlen(body), &done, &consumed) == NULL, "malformed chunked body %s decoded", body);
}

static void retry_after(const char *value, int64_t now, long want) {
    long got = chc_retry_after_seconds(value, strlen(value), now);
    CHECK(got == want, "Retry-After %s: %ld, want %ld", value, got, want);
}

int main(void) {
    chc_response_head h = valid("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n");
    CHECK(h.status == 201 && h.minor_version == 1 && h.content_length == 27 && !h.chunked && !h.close, "201");
    h = valid("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    CHECK(h.chunked && h.content_length == -1 && !h.close, "chunked");
    h = valid("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nContent-Length: 5\r\n\r\n");
    CHECK(h.chunked && h.content_length == -1, "chunked last wins over Content-Length");
    h = valid("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n");
    CHECK(!h.chunked && h.other_coding, "chunked not last: read to the close");
    h = valid("HTTP/1.1 204 No Content\r\nConnection: keep-alive, Close\r\n\r\n");
    CHECK(h.status == 204 && h.close, "Connection: close among tokens");
    h = valid("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n");
    CHECK(h.minor_version == 0 && h.close, "HTTP/1.0 closes by default");
    h = valid("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n");
    CHECK(!h.close, "HTTP/1.0 with keep-alive");
    h = valid("HTTP/1.1 503\nRetry-After:  120 \nContent-Length: 0\n\n");
    CHECK(h.status == 503 && h.retry_after_len == 3 && memcmp(h.retry_after, "120", 3) == 0, "bare LF, no reason");
    h = valid("HTTP/1.1 429 Too Many Requests\r\nretry-after: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n");
    CHECK(h.retry_after_len == 29, "lower-case header name, date value");
    h = valid("HTTP/1.1 200 OK\r\nContent-Length: 7\r\ncontent-length: 7\r\nX-Empty:\r\n\r\n");
    CHECK(h.content_length == 7, "a repeated equal Content-Length");
    h = valid("HTTP/1.1 100 Continue\r\n\r\n");
    CHECK(h.status == 100, "interim answers parse on their own (the caller skips them)");

    /* A head followed by a body: only the head is consumed. */
    {
        const char *text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        chc_response_head head;
        CHECK(parse_exact(text, strlen(text), &head) == (long)strlen(text) - 2, "stops after the blank line");
    }

    invalid("HTTP/2 200 OK\r\n\r\n");
    invalid("ICY 200 OK\r\n\r\n");
    invalid("HTTP/1.1 20 OK\r\n\r\n");
    invalid("HTTP/1.1 2000 OK\r\n\r\n");
    invalid("HTTP/1.1 099 Low\r\n\r\n");
    invalid("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n");
    invalid("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n");
    invalid("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n");
    invalid("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n");
    invalid("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n");
    invalid("HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n");
    invalid("HTTP/1.1 200 OK\r\n: no name\r\n\r\n");
    invalid("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n");
    invalid("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n");
    invalid("<html>\r\n");
    {   /* garbage is an error as soon as it cannot be a status line, before any line end */
        chc_response_head head;
        CHECK(parse_exact("<htm", 4, &head) == CHC_PARSE_ERROR, "early error");
    }

    chunked("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", 0);
    chunked("A;name=value\r\n0123456789\r\n0\r\nTrailer: x\r\nOther: y\r\n\r\n", "0123456789", 0);
    chunked("3\nabc\n0\n\n", "abc", 0);
    chunked("1\r\nx\r\n0\r\n\r\nHTTP/1.1 200 OK", "x", 15);
    chunked("0\r\n\r\n", "", 0);
    bad_chunked("\r\nabc\r\n");
    bad_chunked("g\r\nabc\r\n");
    bad_chunked("3\r\nabcd\r\n0\r\n\r\n");
    bad_chunked("3\rxabc\r\n");
    bad_chunked("FFFFFFFFFFFFFFFFF\r\n");
    bad_chunked("0\r\n\rx");

    int64_t now = 1445412480; /* Wed, 21 Oct 2015 07:28:00 GMT */
    retry_after("120", now, 120);
    retry_after(" 0 ", now, 0);
    retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now, 30);
    retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now, 60);
    retry_after("Wed Oct 21 07:28:05 2015", now, 5);
    retry_after("Wed Oct  1 07:28:05 2015", now - 20 * 86400, 5);
    retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now, 0); /* in the past: now */
    retry_after("Thu, 01 Jan 1970 00:00:00 GMT", 0, 0);
    retry_after("Mon, 29 Feb 2016 00:00:00 GMT", 1456704000 - 10, 10);
    retry_after("99999999999999999999", now, 999999999);
    retry_after("", now, -1);
    retry_after("soon", now, -1);
    retry_after("12s", now, -1);
    retry_after("-5", now, -1);
    retry_after("Wed, 21 Oct 2015 07:28:30 UTC", now, -1);
    retry_after("Wed, 21 Foo 2015 07:28:30 GMT", now, -1);
    retry_after("Wed, 21 Oct 2015 25:28:30 GMT", now, -1);
    retry_after("Wed, 21 Oct 2015 07:28:30 GMT junk", now, -1);

    return check_report("http1_response_test");
}
