/* URL parsing, the choice of proxy from the environment (libcurl's rules) and no_proxy's matching. */
#include "check.h"
#include "proxy.h"
#include "url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void url_ok(const char *text, int proxy, int https, const char *host, int ip, unsigned port,
                   const char *target, const char *user, const char *password) {
    chc_url url;
    char error[128] = "";
    size_t len = strlen(text);
    char *copy = malloc(len + 1); /* exact length: ASan catches reading past the NUL */
    memcpy(copy, text, len + 1);
    int rc = chc_url_parse(copy, proxy, &url, error, sizeof error);
    CHECK(rc == 0, "%s: %s", text, error);
    if (rc == 0) {
        char got[512];
        snprintf(got, sizeof got, "%s%.*s", url.slash ? "/" : "", (int)url.target_len, url.target);
        CHECK(url.https == https && strcmp(url.host, host) == 0 && url.ip_literal == ip && url.port == port,
              "%s: https %d host %s ip %d port %u", text, url.https, url.host, url.ip_literal, url.port);
        CHECK(strcmp(got, target) == 0, "%s: target %s, want %s", text, got, target);
        CHECK(url.userinfo == (user != NULL), "%s: userinfo %d", text, url.userinfo);
        if (user) CHECK(strcmp(url.user, user) == 0 && strcmp(url.password, password) == 0, "%s: %s:%s", text, url.user, url.password);
    }
    free(copy);
}

static void url_bad(const char *text, int proxy, const char *why) {
    chc_url url;
    char error[128] = "";
    CHECK(chc_url_parse(text, proxy, &url, error, sizeof error) == -1, "%s parsed", text);
    CHECK(strstr(error, why) != NULL, "%s: error \"%s\" does not say \"%s\"", text, error, why);
}

static void authority(const char *text, int always, const char *want) {
    chc_url url;
    char error[128], got[300];
    chc_url_parse(text, 0, &url, error, sizeof error);
    chc_url_authority(&url, always, got, sizeof got);
    CHECK(strcmp(got, want) == 0, "authority of %s: %s, want %s", text, got, want);
}

/* A fake environment: name=value pairs. */
static const char *const *fake;
static char *lookup(const char *name) {
    for (const char *const *p = fake; *p; p += 2)
        if (strcmp(*p, name) == 0) return (char *)p[1];
    return NULL;
}

static void route(const char *const *environment, const char *url_text, const char *want, const char *want_setting) {
    fake = environment;
    chc_proxy_env env;
    chc_proxy_env_read(&env, lookup);
    chc_url url;
    char error[128];
    chc_url_parse(url_text, 0, &url, error, sizeof error);
    const char *setting = NULL, *got = chc_proxy_for(&env, &url, &setting);
    if (!want) CHECK(got == NULL, "%s: proxy %s, want direct", url_text, got);
    else CHECK(got && strcmp(got, want) == 0 && strcmp(setting, want_setting) == 0, "%s: proxy %s (%s), want %s (%s)",
               url_text, got ? got : "direct", setting ? setting : "-", want, want_setting);
    chc_proxy_env_free(&env);
}

static void no_proxy(const char *list, const char *host, int want) {
    CHECK(chc_no_proxy_matches(list, host) == want, "no_proxy=\"%s\" for %s: want %d", list, host, want);
}

int main(void) {
    url_ok("https://dash.example.com/api", 0, 1, "dash.example.com", 0, 443, "/api", NULL, NULL);
    url_ok("http://10.0.0.5:8080/agent/register?x=1#frag", 0, 0, "10.0.0.5", 4, 8080, "/agent/register?x=1", NULL, NULL);
    url_ok("HTTPS://[::1]:9443", 0, 1, "::1", 6, 9443, "/", NULL, NULL);
    url_ok("http://h?q=1", 0, 0, "h", 0, 80, "/?q=1", NULL, NULL);
    url_ok("http://h:/p", 0, 0, "h", 0, 80, "/p", NULL, NULL);
    url_ok("http://writer:s3cret-pw@127.0.0.1:8428/api/v1/write", 0, 0, "127.0.0.1", 4, 8428, "/api/v1/write", "writer", "s3cret-pw");
    url_ok("http://a%40b:p%3Aw@h/", 0, 0, "h", 0, 80, "/", "a@b", "p:w");
    url_ok("http://user@h/", 0, 0, "h", 0, 80, "/", "user", "");
    url_ok("http://u:p@x@h/", 0, 0, "h", 0, 80, "/", "u", "p@x"); /* the last @ ends the userinfo */
    url_ok("proxy.corp:3128", 1, 0, "proxy.corp", 0, 3128, "/", NULL, NULL);
    url_ok("http://proxy.corp", 1, 0, "proxy.corp", 0, 1080, "/", NULL, NULL); /* libcurl's default */
    url_ok("http://bob:pw@[fd00::1]:8080/", 1, 0, "fd00::1", 6, 8080, "/", "bob", "pw");
    url_bad("ftp://h/", 0, "unsupported scheme");
    url_bad("dash.example.com/api", 0, "no http://");
    url_bad("https:///api", 0, "no host");
    url_bad("http://h:0/", 0, "port out of range");
    url_bad("http://h:65536/", 0, "port out of range");
    url_bad("http://h:8a/", 0, "invalid port");
    url_bad("http://[::1/", 0, "unclosed [");
    url_bad("http://[1.2.3.4]/", 0, "not an IPv6 address");
    url_bad("http://::1/", 0, "no host");
    url_bad("http://h/a b", 0, "control character or space");
    url_bad("http://h/a\r\nX: y", 0, "control character or space");
    url_bad("https://proxy:443", 1, "unsupported scheme");
    url_bad("socks5://proxy:1080", 1, "unsupported scheme");
    url_bad("http://a%4@h/", 0, "malformed user:password");
    authority("https://h/", 0, "h");
    authority("https://h:443/", 0, "h");
    authority("https://h:8443/", 0, "h:8443");
    authority("http://[::1]/", 0, "[::1]");
    authority("http://[::1]/", 1, "[::1]:80");

    static const char *const both[] = {"https_proxy", "http://s:1", "HTTPS_PROXY", "http://S:2", "http_proxy",
                                       "http://p:3", "HTTP_PROXY", "http://P:4", "all_proxy", "http://a:5", NULL};
    route(both, "https://d/", "http://s:1", "https_proxy");
    route(both, "http://d/", "http://p:3", "http_proxy");
    static const char *const upper[] = {"HTTPS_PROXY", "http://S:2", "HTTP_PROXY", "http://P:4", NULL};
    route(upper, "https://d/", "http://S:2", "HTTPS_PROXY");
    route(upper, "http://d/", NULL, NULL); /* libcurl ignores HTTP_PROXY */
    static const char *const all[] = {"ALL_PROXY", "http://A:6", "https_proxy", "", NULL};
    route(all, "https://d/", "http://A:6", "ALL_PROXY"); /* empty is unset */
    route(all, "http://d/", "http://A:6", "ALL_PROXY");
    static const char *const bypass[] = {"https_proxy", "http://s:1", "no_proxy", "example.com, 10.0.0.0/8",
                                         "NO_PROXY", "*", NULL};
    route(bypass, "https://dash.example.com/", NULL, NULL);
    route(bypass, "https://10.1.2.3/", NULL, NULL);
    route(bypass, "https://127.0.0.1/", "http://s:1", "https_proxy"); /* loopback is not special */
    route(bypass, "https://example.org/", "http://s:1", "https_proxy"); /* no_proxy wins over NO_PROXY */
    static const char *const none[] = {NULL};
    route(none, "https://d/", NULL, NULL);

    no_proxy("*", "anything.example", 1);
    no_proxy("example.com", "example.com", 1);
    no_proxy("example.com", "dash.example.com", 1);
    no_proxy("example.com", "badexample.com", 0);
    no_proxy(".example.com", "example.com", 1);
    no_proxy(".example.com", "a.b.example.com", 1);
    no_proxy("EXAMPLE.com", "Dash.Example.COM.", 1);
    no_proxy("example.com.", "dash.example.com", 1);
    no_proxy("localhost,127.0.0.1", "127.0.0.1", 1);
    no_proxy("localhost,127.0.0.1", "127.0.0.2", 0);
    no_proxy("localhost 127.0.0.1", "localhost", 1);
    no_proxy("192.168.0.0/16", "192.168.44.1", 1);
    no_proxy("192.168.0.0/16", "192.169.0.1", 0);
    no_proxy("10.0.0.0/7", "11.255.0.1", 1);
    no_proxy("::1", "::1", 1);
    no_proxy("[::1]", "::1", 1);
    no_proxy("fd00::/8", "fd12:3456::1", 1);
    no_proxy("fd00::/8", "fe80::1", 0);
    no_proxy("127.0.0.1", "::1", 0);
    no_proxy("1.2.3.4", "1.2.3.4.example.com", 0); /* an address entry never matches a name */
    no_proxy("", "example.com", 0);
    no_proxy(" , ,", "example.com", 0);
    no_proxy("*.example.com", "a.example.com", 0); /* libcurl has no wildcards but the lone "*" */

    char out[64];
    CHECK(chc_base64("writer:s3cret-pw", 16, out, sizeof out) == 0 && strcmp(out, "d3JpdGVyOnMzY3JldC1wdw==") == 0, "%s", out);
    CHECK(chc_base64("ab", 2, out, sizeof out) == 0 && strcmp(out, "YWI=") == 0, "%s", out);
    CHECK(chc_base64("abc", 3, out, sizeof out) == 0 && strcmp(out, "YWJj") == 0, "%s", out);
    CHECK(chc_base64("abc", 3, out, 4) == -1, "too small");

    return check_report("url_proxy_test");
}
