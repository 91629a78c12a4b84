/* The proxy environment as libcurl 7.88 honours it, since users set it for libcurl without knowing the
 * agent used one: https_proxy then HTTPS_PROXY for https:// URLs, http_proxy (lower case only: libcurl
 * ignores HTTP_PROXY, which a CGI client could have set from a request's Proxy: header) for http:// URLs,
 * all_proxy then ALL_PROXY for either, and no_proxy then NO_PROXY for hosts reached directly. Loopback
 * is not special: it is reached directly only when listed, as in libcurl. */
#include "proxy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *copy(char *(*lookup)(const char *), const char *name, const char **found) {
    const char *value = lookup(name);
    if (!value || !*value) return NULL;
    if (found) *found = name;
    return strdup(value);
}

void chc_proxy_env_read(chc_proxy_env *env, char *(*lookup)(const char *name)) {
    memset(env, 0, sizeof *env);
    env->http = copy(lookup, "http_proxy", NULL);
    env->https = copy(lookup, "https_proxy", &env->https_name);
    if (!env->https) env->https = copy(lookup, "HTTPS_PROXY", &env->https_name);
    env->all = copy(lookup, "all_proxy", &env->all_name);
    if (!env->all) env->all = copy(lookup, "ALL_PROXY", &env->all_name);
    env->no = copy(lookup, "no_proxy", NULL);
    if (!env->no) env->no = copy(lookup, "NO_PROXY", NULL);
}

void chc_proxy_env_free(chc_proxy_env *env) {
    free(env->http), free(env->https), free(env->all), free(env->no);
    memset(env, 0, sizeof *env);
}

const char *chc_proxy_for(const chc_proxy_env *env, const chc_url *url, const char **setting) {
    if (env->no && chc_no_proxy_matches(env->no, url->host)) return NULL;
    if (url->https && env->https) return *setting = env->https_name, env->https;
    if (!url->https && env->http) return *setting = "http_proxy", env->http;
    if (env->all) return *setting = env->all_name, env->all;
    return NULL;
}

/* An address entry, optionally with /bits: whether host (an address of the same family) is inside it. */
static int address_matches(const char *entry, size_t len, const char *host) {
    char text[64];
    if (len >= sizeof text) return 0;
    memcpy(text, entry, len);
    text[len] = 0;
    char *slash = strchr(text, '/');
    long bits = -1;
    if (slash) {
        *slash = 0;
        char *end;
        bits = strtol(slash + 1, &end, 10);
        if (*end || end == slash + 1 || bits < 0) return 0;
    }
    unsigned char want[16], have[16];
    int family = strchr(text, ':') ? AF_INET6 : AF_INET;
    size_t size = family == AF_INET6 ? 16 : 4;
    if (inet_pton(family, text, want) != 1 || inet_pton(family, host, have) != 1) return 0;
    if (bits < 0 || bits > (long)size * 8) bits = (long)size * 8;
    size_t whole = (size_t)bits / 8;
    if (memcmp(want, have, whole) != 0) return 0;
    unsigned rest = (unsigned)bits % 8;
    if (!rest) return 1;
    unsigned mask = (0xffu << (8 - rest)) & 0xffu;
    return (want[whole] & mask) == (have[whole] & mask);
}

static int name_matches(const char *entry, size_t len, const char *host) {
    if (len && entry[0] == '.') entry++, len--;
    if (len && entry[len - 1] == '.') len--;
    size_t host_len = strlen(host);
    if (host_len && host[host_len - 1] == '.') host_len--;
    if (!len || len > host_len) return 0;
    if (strncasecmp(host + host_len - len, entry, len) != 0) return 0;
    return host_len == len || host[host_len - len - 1] == '.';
}

int chc_no_proxy_matches(const char *list, const char *host) {
    unsigned char scratch[16];
    int host_is_address = inet_pton(AF_INET, host, scratch) == 1 || inet_pton(AF_INET6, host, scratch) == 1;
    for (const char *at = list; *at;) {
        while (*at == ',' || isspace((unsigned char)*at)) at++;
        size_t len = strcspn(at, ", \t");
        if (!len) break;
        if (len == 1 && *at == '*') return 1;
        const char *entry = at;
        size_t entry_len = len;
        if (entry_len >= 2 && entry[0] == '[' && entry[entry_len - 1] == ']') entry++, entry_len -= 2;
        if (host_is_address ? address_matches(entry, entry_len, host) : name_matches(entry, entry_len, host))
            return 1;
        at += len;
    }
    return 0;
}

int chc_base64(const void *data, size_t len, char *out, size_t out_len) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (out_len < (len + 2) / 3 * 4 + 1) return -1;
    const unsigned char *in = data;
    size_t n = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0) |
                     (i + 2 < len ? in[i + 2] : 0);
        out[n++] = alphabet[v >> 18 & 63];
        out[n++] = alphabet[v >> 12 & 63];
        out[n++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
        out[n++] = i + 2 < len ? alphabet[v & 63] : '=';
    }
    out[n] = 0;
    return 0;
}
