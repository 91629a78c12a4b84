/* The dashboard and remote-write client: HTTP/1.1 over plain sockets, TLS through Debian's OpenSSL.
 *
 * Why not libcurl, which this replaced: Debian's libcurl4 links some 30 libraries (GnuTLS, nettle, p11-kit,
 * Kerberos, LDAP, SASL, RTMP, SSH2, idn2, psl, brotli, zstd…) whose loading cost about 4.4 MiB resident
 * and their constructors' CPU, for features the agent never uses: it needs POST and GET to one configured
 * URL. Measured (release build, --static-swift-stdlib) with two agents side by side, each run from its own
 * copy of the binary and pushing at the default intervals to its own receiver.py --tls with CA_FILE,
 * scraped every 15 s; read after 60 s, over 2 minutes (two runs):
 *   libcurl:  VmRSS 26.7-27.2 MiB (RssAnon 4.8-5.2, RssFile 21.9-22.0), Pss 17.3-17.9 MiB, 35 .so mapped,
 *             CPU (schedstat, all threads) 88-92 ms per 2 min
 *   this:     VmRSS 22.8-23.3 MiB (RssAnon 3.8-4.4, RssFile 18.9-19.0), Pss 15.9-16.3 MiB, 9 .so mapped,
 *             CPU 83-91 ms per 2 min
 * With the system's trust store instead (Debian's bundle plus the test CA: libcurl read the bundle whole,
 * this reads the hashed directory), 27.2 -> 22.9 MiB (RssAnon 5.3 -> 3.9), CPU 90 -> 86 ms.
 * That is 3.9-4.3 MiB less resident, the same CPU; one POST on a fresh connection (connect, TLS 1.3 with
 * verification, answer) takes the same ~1.1-1.4 ms either way on loopback, and the image loses 26 libraries.
 *
 * What libcurl did that users rely on is kept: keep-alive, with a request on a connection the server had
 * closed while idle retried once on a fresh one; the proxy environment (proxy.c); Basic authentication
 * from user:password@ in the URL; certificate verification with the verify error's text; Retry-After in
 * both forms. Every wait is a poll beside an eventfd, so chc_client_abort ends a request within
 * milliseconds (a shutdown must finish within SHUTDOWN_FLUSH_SECONDS). */
#define _GNU_SOURCE
#include "chc.h"
#include "exchange.h"
#include "proxy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* libcurl's default when CURLOPT_CONNECTTIMEOUT is 0. */
#define CHC_DEFAULT_CONNECT_MS 300000L

struct chc_client {
    int abort_requested; /* written by any thread, read on the request's thread */
    int wake_fd;         /* an eventfd in every poll, written by chc_client_abort */
    chc_proxy_env proxy; /* read once, when the client is made */
    chc_conn conn;       /* the kept-alive connection, fd -1 when none */
    char *conn_key;      /* what it connects to, and with which TLS settings */
    SSL_CTX *ctx;
    char *ctx_key;
    SSL_SESSION *session; /* for resuming TLS on the next connection with the same key */
};

chc_client *chc_client_new(void) {
    if (chc_library_load()) return NULL;
    chc_client *client = calloc(1, sizeof *client);
    if (!client) return NULL;
    client->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (client->wake_fd < 0) {
        free(client);
        return NULL;
    }
    client->conn.fd = -1;
    chc_proxy_env_read(&client->proxy, getenv);
    return client;
}

static void forget_connection(chc_client *client) {
    chc_conn_close(&client->conn);
    free(client->conn_key);
    client->conn_key = NULL;
}

void chc_client_free(chc_client *client) {
    if (!client) return;
    forget_connection(client);
    if (client->session) chc_lib.session_free(client->session);
    if (client->ctx) chc_lib.ctx_free(client->ctx);
    free(client->ctx_key);
    chc_proxy_env_free(&client->proxy);
    close(client->wake_fd);
    free(client);
}

void chc_client_abort(chc_client *client, int abort) {
    __atomic_store_n(&client->abort_requested, abort, __ATOMIC_SEQ_CST);
    uint64_t count = 1;
    if (abort) {
        while (write(client->wake_fd, &count, sizeof count) < 0 && errno == EINTR) {}
    } else {
        while (read(client->wake_fd, &count, sizeof count) > 0) {}
    }
}

/* A growing request text. */
typedef struct {
    char *bytes;
    size_t len, cap;
    int failed;
} text;

static void add(text *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *format, ...) {
    if (!t->bytes && !t->failed) {
        t->cap = 1024;
        if (!(t->bytes = malloc(t->cap))) t->failed = 1;
    }
    if (t->failed) return;
    for (;;) {
        va_list args;
        va_start(args, format);
        int n = vsnprintf(t->bytes + t->len, t->cap - t->len, format, args);
        va_end(args);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = (t->len + (size_t)n + 1) * 2;
        char *grown = realloc(t->bytes, cap);
        if (!grown) {
            t->failed = 1;
            return;
        }
        t->bytes = grown, t->cap = cap;
    }
}

static void add_bytes(text *t, const char *bytes, size_t len) {
    if (t->failed || !len) return;
    if (t->cap - t->len < len) {
        char *grown = realloc(t->bytes, t->len + len + 1);
        if (!grown) {
            t->failed = 1;
            return;
        }
        t->bytes = grown, t->cap = t->len + len + 1;
    }
    memcpy(t->bytes + t->len, bytes, len);
    t->len += len;
}

static int basic_credentials(const chc_url *url, char *out, size_t out_len) {
    char pair[520];
    int n = snprintf(pair, sizeof pair, "%s:%s", url->user, url->password);
    return n < 0 || (size_t)n >= sizeof pair ? -1 : chc_base64(pair, (size_t)n, out, out_len);
}

/* The head as libcurl sent it (Host, User-Agent, Accept, the given headers, Content-Length), then the body. */
static void build_request(text *t, const chc_request *r, const chc_url *url, const chc_url *http_proxy) {
    char authority[300], credentials[720];
    chc_url_authority(url, 0, authority, sizeof authority);
    add(t, "%s %s%s%s%.*s HTTP/1.1\r\nHost: %s\r\n", r->method, http_proxy ? "http://" : "",
        http_proxy ? authority : "", url->slash ? "/" : "", (int)url->target_len, url->target, authority);
    /* Through an http:// proxy the request goes to it in absolute form, with its credentials. */
    if (http_proxy && http_proxy->userinfo && basic_credentials(http_proxy, credentials, sizeof credentials) == 0)
        add(t, "Proxy-Authorization: Basic %s\r\n", credentials);
    int bearer = r->bearer_token && *r->bearer_token;
    if (url->userinfo && !bearer && basic_credentials(url, credentials, sizeof credentials) == 0)
        add(t, "Authorization: Basic %s\r\n", credentials);
    if (r->user_agent && *r->user_agent) add(t, "User-Agent: %s\r\n", r->user_agent);
    if (r->content_type)
        add(t, "Accept: */*\r\nContent-Type: %s\r\n", r->content_type);
    else
        add(t, "Content-Type: application/json\r\nAccept: application/json\r\n");
    for (const char *at = r->extra_headers; at && *at;) {
        const char *end = strchr(at, '\n');
        size_t n = end ? (size_t)(end - at) : strlen(at);
        if (n && memchr(at, '\r', n) == NULL) add(t, "%.*s\r\n", (int)n, at);
        at = end ? end + 1 : at + n;
    }
    if (bearer) add(t, "Authorization: Bearer %s\r\n", r->bearer_token);
    int post = strcmp(r->method, "POST") == 0;
    if (post || r->body_len) add(t, "Content-Length: %zu\r\n", r->body ? r->body_len : 0);
    add(t, "\r\n");
    if (r->body) add_bytes(t, r->body, r->body_len);
}

static int same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* The TLS context for the request's settings, made again only when they change. */
static SSL_CTX *context_for(chc_client *client, const chc_request *r, chc_io *io) {
    char key[4200];
    snprintf(key, sizeof key, "%d\n%s\n%s\n%s", r->verify_tls ? 1 : 0, r->ca_file ? r->ca_file : "",
             r->client_cert ? r->client_cert : "", r->client_key ? r->client_key : "");
    if (client->ctx && same(client->ctx_key, key)) return client->ctx;
    SSL_CTX *ctx = chc_tls_context(r->verify_tls, r->ca_file, r->client_cert, r->client_key, io->error, sizeof io->error);
    if (!ctx) {
        io->outcome = CHC_FAILED;
        return NULL;
    }
    if (client->ctx) chc_lib.ctx_free(client->ctx);
    free(client->ctx_key);
    client->ctx = ctx;
    client->ctx_key = strdup(key);
    return ctx;
}

typedef struct {
    chc_url url, proxy;
    int proxied;
    SSL_CTX *ctx;
    const chc_request *request;
} route;

static int open_connection(chc_client *client, const route *to, chc_io *io, const char *key) {
    io->connecting = 1;
    const chc_url *first = to->proxied ? &to->proxy : &to->url;
    if (chc_conn_connect(&client->conn, io, first->host, first->port)) return -1;
    if (to->proxied && to->url.https) {
        char authority[300], credentials[720];
        chc_url_authority(&to->url, 1, authority, sizeof authority);
        int with = to->proxy.userinfo && basic_credentials(&to->proxy, credentials, sizeof credentials) == 0;
        if (chc_tunnel(&client->conn, io, authority, to->request->user_agent, with ? credentials : NULL)) return -1;
    }
    if (to->url.https) {
        SSL_SESSION *session = same(client->conn_key, key) ? client->session : NULL;
        if (chc_conn_tls(&client->conn, io, to->ctx, &to->url, session, to->request->verify_tls)) return -1;
    }
    io->connecting = 0;
    free(client->conn_key);
    client->conn_key = strdup(key);
    return 0;
}

static void remember_session(chc_client *client) {
    if (!client->conn.ssl) return;
    SSL_SESSION *session = chc_lib.get1_session(client->conn.ssl);
    if (!session) return;
    if (client->session) chc_lib.session_free(client->session);
    client->session = session;
}

/* Where the request goes: the URL, and the proxy the environment names for it. */
static int plan(chc_client *client, const chc_request *r, chc_io *io, route *to) {
    memset(to, 0, sizeof *to);
    to->request = r;
    char reason[160];
    if (chc_url_parse(r->url, 0, &to->url, reason, sizeof reason))
        return chc_fail(io, CHC_FAILED, "bad URL: %s", reason);
    const char *setting = NULL, *proxy = chc_proxy_for(&client->proxy, &to->url, &setting);
    if (proxy) {
        if (chc_url_parse(proxy, 1, &to->proxy, reason, sizeof reason))
            return chc_fail(io, CHC_FAILED, "bad proxy in %s: %s", setting, reason);
        to->proxied = 1;
    }
    if (to->url.https && !(to->ctx = context_for(client, r, io))) return -1;
    return 0;
}

int chc_perform(chc_client *client, const chc_request *request, chc_response *response) {
    memset(response, 0, sizeof *response);
    response->retry_after_seconds = -1;
    int64_t start = chc_now_ms();
    chc_io io = {
        .abort_flag = &client->abort_requested, .wake_fd = client->wake_fd,
        .deadline = request->total_timeout_ms > 0 ? start + request->total_timeout_ms : INT64_MAX,
        .connect_ms = request->connect_timeout_ms > 0 ? request->connect_timeout_ms : CHC_DEFAULT_CONNECT_MS,
        .total_ms = request->total_timeout_ms,
    };
    io.connect_deadline = start + io.connect_ms;
    route to;
    text bytes = {0};
    char key[4600];
    if (__atomic_load_n(&client->abort_requested, __ATOMIC_SEQ_CST)) {
        chc_fail(&io, CHC_ABORTED, "aborted: the agent is stopping");
    } else if (plan(client, request, &io, &to) == 0) {
        snprintf(key, sizeof key, "%d %s %u %s %u\n%s", to.url.https, to.url.host, to.url.port,
                 to.proxied ? to.proxy.host : "", to.proxied ? to.proxy.port : 0, to.url.https ? client->ctx_key : "");
        if (client->conn.fd >= 0 && (!same(client->conn_key, key) || !chc_conn_usable(&client->conn)))
            chc_conn_close(&client->conn);
        build_request(&bytes, request, &to.url, to.proxied && !to.url.https ? &to.proxy : NULL);
        if (bytes.failed) chc_fail(&io, CHC_FAILED, "out of memory");
    }
    for (int attempt = 0; attempt < 2 && !io.outcome; attempt++) {
        int reused = client->conn.fd >= 0, received = 0, keep = 0;
        if (!reused && open_connection(client, &to, &io, key)) break;
        if (chc_exchange(&client->conn, &io, bytes.bytes, bytes.len, response, &received, &keep) == 0) {
            remember_session(client);
            if (!keep) chc_conn_close(&client->conn);
            free(bytes.bytes);
            return 0;
        }
        chc_conn_close(&client->conn);
        /* A kept-alive connection the server closed before this request reached it: once more, afresh.
         * Only when nothing of an answer came back, so the server cannot have acted on it twice. */
        if (!reused || received || io.outcome != CHC_FAILED) break;
        io.outcome = 0;
        io.error[0] = 0;
        response->status = 0;
        response->retry_after_seconds = -1;
        chc_response_free(response);
    }
    if (client->conn.fd >= 0) forget_connection(client);
    free(bytes.bytes);
    response->status = 0;
    chc_response_free(response);
    snprintf(response->error, sizeof response->error, "%s", io.error[0] ? io.error : "request failed");
    return -1;
}

void chc_response_free(chc_response *response) {
    free(response->body);
    response->body = NULL;
    response->body_len = 0;
}
