/* The HTTP/1.1 parser, byte by byte: every prefix of a valid request is "partial", the whole is consumed
 * exactly, malformed heads are errors at the byte they go wrong, and nothing reads past the buffer.
 * Built and run under AddressSanitizer and UBSan by scripts/test-c; each case copies its input into a
 * heap buffer of exactly its length so any over-read is caught. */
#include "check.h"
#include "chs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_exact(const char *text, size_t len, chs_http1_request *request, chs_header *headers, size_t cap) {
    char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    request->headers = headers;
    request->num_headers = cap;
    int rc = chs_http1_parse(copy, len, request);
    /* Pointers into the copy must not outlive it: tests only compare lengths and offsets below. */
    if (rc > 0) {
        request->method = text + (request->method - copy);
        request->target = text + (request->target - copy);
        for (size_t i = 0; i < request->num_headers; i++) {
            headers[i].name = text + (headers[i].name - copy);
            headers[i].value = text + (headers[i].value - copy);
        }
    }
    free(copy);
    return rc;
}

static void valid(const char *text, const char *method, const char *target, int minor, size_t nheaders) {
    chs_header headers[16];
    chs_http1_request request;
    size_t len = strlen(text);
    for (size_t cut = 0; cut < len; cut++) {
        int rc = parse_exact(text, cut, &request, headers, 16);
        CHECK(rc == CHS_PARSE_PARTIAL, "prefix %zu of %s: got %d, want partial", cut, method, rc);
    }
    int rc = parse_exact(text, len, &request, headers, 16);
    CHECK(rc == (int)len, "whole request: consumed %d of %zu", rc, len);
    if (rc <= 0) return;
    CHECK(request.method_len == strlen(method) && memcmp(request.method, method, request.method_len) == 0, "method");
    CHECK(request.target_len == strlen(target) && memcmp(request.target, target, request.target_len) == 0, "target");
    CHECK(request.minor_version == minor, "minor version %d", request.minor_version);
    CHECK(request.num_headers == nheaders, "header count %zu, want %zu", request.num_headers, nheaders);
}

static void invalid(const char *text, int expected) {
    chs_header headers[4];
    chs_http1_request request;
    size_t len = strlen(text);
    int rc = parse_exact(text, len, &request, headers, 4);
    CHECK(rc == expected, "got %d want %d for %.*s", rc, expected, (int)(len > 40 ? 40 : len), text);
    /* Every prefix is partial or already the same error: never a success, never a crash. */
    for (size_t cut = 0; cut < len; cut++) {
        int r = parse_exact(text, cut, &request, headers, 4);
        CHECK(r < 0, "prefix %zu of an invalid request parsed as complete (%d)", cut, r);
    }
}

int main(void) {
    valid("GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n", "GET", "/metrics", 1, 2);
    valid("HEAD / HTTP/1.0\r\n\r\n", "HEAD", "/", 0, 0);
    valid("GET /api/v1/processes?limit=5&sort=cpu HTTP/1.1\nHost: x\n\n", "GET", "/api/v1/processes?limit=5&sort=cpu", 1, 1);
    valid("\r\nGET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Pad:   v  \r\n\r\n", "GET", "/", 1, 3);

    /* Pipelined: the parser stops after the first head. */
    {
        const char *two = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
        chs_header headers[4];
        chs_http1_request request;
        int rc = parse_exact(two, strlen(two), &request, headers, 4);
        CHECK(rc == (int)strlen("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"), "pipelined first head: %d", rc);
    }
    /* Header value trimmed, name exact. */
    {
        const char *text = "GET / HTTP/1.1\r\nAccept:  text/html \r\n\r\n";
        chs_header headers[4];
        chs_http1_request request;
        parse_exact(text, strlen(text), &request, headers, 4);
        CHECK(headers[0].value_len == 9 && memcmp(headers[0].value, "text/html", 9) == 0, "trimmed value");
    }

    invalid("GET /metrics HTTP/2.0\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET  /metrics HTTP/1.1\r\n\r\n", CHS_PARSE_ERROR);
    invalid("G(T / HTTP/1.1\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\nHost : x\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\nNoColon\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\rX\n\r\n", CHS_PARSE_ERROR);
    invalid("GET /\x01 HTTP/1.1\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", CHS_PARSE_ERROR);
    /* Framing two parsers could read differently (RFC 9112 §6.3): refused at the field that makes it so. */
    invalid("GET / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\ncontent-length: 5\r\nCONTENT-LENGTH: 7\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\nContent-Length: 0, 0\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\nContent-Length: +5\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\nContent-Length:\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\nContent-Length: 3\r\ntransfer-encoding: chunked\r\n\r\n", CHS_PARSE_ERROR);
    /* Obsolete line folding, with a space or a tab, after a field or before the first one. */
    invalid("GET / HTTP/1.1\r\nX-A: b\r\n\tfolded\r\n\r\n", CHS_PARSE_ERROR);
    invalid("GET / HTTP/1.1\r\n X-A: b\r\nHost: x\r\n\r\n", CHS_PARSE_ERROR);
    /* Where the error is found: at the field, before the head is complete. */
    {
        const char *text = "GET / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n";
        chs_header headers[4];
        chs_http1_request request;
        CHECK(parse_exact(text, strlen(text), &request, headers, 4) == CHS_PARSE_ERROR, "second length refused at once");
    }
    /* What stays valid: one Content-Length, Transfer-Encoding alone (the server answers 413 for those). */
    valid("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n", "POST", "/", 1, 2);
    valid("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "POST", "/", 1, 2);
    invalid("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", CHS_PARSE_TOO_MANY_HEADERS);

    /* Every single byte value at every position of a small request: no crash, no over-read. */
    const char *base = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t len = strlen(base);
    char mutated[64];
    for (size_t pos = 0; pos < len; pos++) {
        for (int byte = 0; byte < 256; byte++) {
            memcpy(mutated, base, len);
            mutated[pos] = (char)byte;
            chs_header headers[4];
            chs_http1_request request;
            int rc = parse_exact(mutated, len, &request, headers, 4);
            CHECK(rc <= (int)len && rc != 0, "mutation at %zu to %d returned %d", pos, byte, rc);
        }
    }
    return check_report("http1_parser_test");
}
