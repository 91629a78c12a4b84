/* URL parsing for the one URL the agent is configured with (and the proxy from the environment): enough of
 * RFC 3986 for scheme://[user:password@]host[:port][/path][?query][#fragment], with IPv6 literals in
 * brackets. Bytes that could break the request line (controls, spaces) are refused, not sent. */
#include "url.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes [from, to) into out; -1 when it does not fit or an escape is malformed. */
static int decode(const char *from, const char *to, char *out, size_t out_len) {
    size_t n = 0;
    for (const char *p = from; p < to; p++) {
        char c = *p;
        if (c == '%') {
            if (to - p < 3 || hex(p[1]) < 0 || hex(p[2]) < 0) return -1;
            c = (char)(hex(p[1]) * 16 + hex(p[2]));
            p += 2;
        }
        if (n + 1 >= out_len) return -1;
        out[n++] = c;
    }
    out[n] = 0;
    return 0;
}

#define FAIL(...)                                                                                            \
    do {                                                                                                     \
        snprintf(error, error_len, __VA_ARGS__);                                                             \
        return -1;                                                                                           \
    } while (0)

static int parse_host_port(const char *at, const char *end, int proxy, chc_url *url, char *error,
                           size_t error_len) {
    const char *host = at, *host_end, *colon;
    if (at < end && *at == '[') {
        const char *close = memchr(at, ']', (size_t)(end - at));
        if (!close) FAIL("unclosed [ in the host");
        host = at + 1;
        host_end = close;
        colon = close + 1 < end ? close + 1 : NULL;
        if (colon && *colon != ':') FAIL("unexpected text after ]");
    } else {
        colon = memchr(at, ':', (size_t)(end - at));
        host_end = colon ? colon : end;
    }
    size_t host_len = (size_t)(host_end - host);
    if (host_len == 0) FAIL("no host");
    if (host_len >= sizeof url->host) FAIL("host name too long");
    memcpy(url->host, host, host_len);
    url->host[host_len] = 0;
    for (size_t i = 0; i < host_len; i++) {
        unsigned char c = (unsigned char)url->host[i];
        if (c <= ' ' || c == 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '%' || c == '[' ||
            c == ']')
            FAIL("invalid character in the host");
    }
    unsigned char address[16];
    url->ip_literal = inet_pton(AF_INET6, url->host, address) == 1 ? 6
                      : inet_pton(AF_INET, url->host, address) == 1 ? 4
                                                                      : 0;
    if (host != at && url->ip_literal != 6) FAIL("[%s] is not an IPv6 address", url->host);
    if (host == at && url->ip_literal == 6) FAIL("an IPv6 address must be in brackets");
    url->port = proxy ? 1080 : url->https ? 443 : 80;
    if (colon && colon + 1 < end) {
        unsigned long port = 0;
        for (const char *p = colon + 1; p < end; p++) {
            if (*p < '0' || *p > '9') FAIL("invalid port");
            port = port * 10 + (unsigned long)(*p - '0');
            if (port > 65535) FAIL("port out of range");
        }
        if (port == 0) FAIL("port out of range");
        url->port = (unsigned)port;
    }
    return 0;
}

int chc_url_parse(const char *text, int proxy, chc_url *url, char *error, size_t error_len) {
    memset(url, 0, sizeof *url);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p <= ' ' || *p == 0x7f) FAIL("control character or space in the URL");
    const char *at = text, *scheme_end = strstr(text, "://");
    if (scheme_end) {
        size_t n = (size_t)(scheme_end - text);
        if (n == 4 && strncasecmp(text, "http", 4) == 0) url->https = 0;
        else if (!proxy && n == 5 && strncasecmp(text, "https", 5) == 0) url->https = 1;
        else FAIL("unsupported scheme %.*s://", (int)(n > 16 ? 16 : n), text);
        at = scheme_end + 3;
    } else if (!proxy) {
        FAIL("no http:// or https:// in the URL");
    }
    const char *authority_end = at + strcspn(at, "/?#");
    const char *userinfo_end = NULL;
    for (const char *p = at; p < authority_end; p++)
        if (*p == '@') userinfo_end = p;
    if (userinfo_end) {
        const char *colon = memchr(at, ':', (size_t)(userinfo_end - at));
        if (decode(at, colon ? colon : userinfo_end, url->user, sizeof url->user) ||
            (colon && decode(colon + 1, userinfo_end, url->password, sizeof url->password)))
            FAIL("malformed user:password");
        url->userinfo = 1;
        at = userinfo_end + 1;
    }
    if (parse_host_port(at, authority_end, proxy, url, error, error_len)) return -1;
    const char *target = authority_end, *target_end = target + strcspn(target, "#");
    /* "http://h" and "http://h?q" have an empty path, which the request line spells "/". */
    url->slash = target == target_end || *target == '?';
    url->target = target;
    url->target_len = (size_t)(target_end - target);
    return 0;
}

void chc_url_authority(const chc_url *url, int always_port, char *out, size_t out_len) {
    const char *open = url->ip_literal == 6 ? "[" : "", *close = url->ip_literal == 6 ? "]" : "";
    if (always_port || url->port != (url->https ? 443u : 80u))
        snprintf(out, out_len, "%s%s%s:%u", open, url->host, close, url->port);
    else
        snprintf(out, out_len, "%s%s%s", open, url->host, close);
}
