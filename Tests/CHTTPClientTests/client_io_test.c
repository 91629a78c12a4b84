/* The client over real loopback sockets, with a server in the test's own thread: an abort from another
 * thread ends a request the server never answers within milliseconds, the total timeout holds, a
 * kept-alive connection is reused, and one the server closed is replaced without a failure (and without
 * sending the request twice when the server had closed it before the request came). Bounded: every
 * wait has a deadline. Built with the client's sources under the sanitizers by scripts/test-c. */
#include "check.h"
#include "chc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int listener(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, len) || listen(fd, 8) || getsockname(fd, (struct sockaddr *)&a, &len)) return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

/* Accepts (within 5 s) and reads one request whole: its head and a Content-Length body. -1 on timeout. */
static int accept_within(int fd) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 5000) == 1 ? accept(fd, NULL, NULL) : -1;
}

static int read_request(int fd, char *out, size_t cap) {
    size_t have = 0;
    double deadline = now_ms() + 5000;
    while (now_ms() < deadline && have + 1 < cap) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) != 1) continue;
        ssize_t n = read(fd, out + have, cap - 1 - have);
        if (n <= 0) return -1;
        have += (size_t)n;
        out[have] = 0;
        char *end = strstr(out, "\r\n\r\n");
        char *length = strstr(out, "Content-Length: ");
        if (end && (!length || have >= (size_t)(end + 4 - out) + strtoul(length + 16, NULL, 10))) return 0;
    }
    return -1;
}

typedef struct {
    chc_client *client;
    chc_request request;
    chc_response response;
    int rc;
    double returned;
} call;

static void *perform(void *arg) {
    call *c = arg;
    c->rc = chc_perform(c->client, &c->request, &c->response);
    c->returned = now_ms();
    return NULL;
}

static chc_request post(const char *url, long total_ms) {
    return (chc_request){.method = "POST", .url = url, .body = "{}", .body_len = 2, .user_agent = "test",
                         .connect_timeout_ms = 2000, .total_timeout_ms = total_ms, .verify_tls = 1};
}

static const char OK[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

static void abort_ends_a_request_at_once(void) {
    int port, fd = listener(&port);
    char url[64], request[4096];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", port);
    call c = {.client = chc_client_new(), .request = post(url, 30000)};
    pthread_t thread;
    pthread_create(&thread, NULL, perform, &c);
    int conn = accept_within(fd);
    CHECK(conn >= 0 && read_request(conn, request, sizeof request) == 0, "the request arrives");
    double aborted = now_ms();
    chc_client_abort(c.client, 1);
    pthread_join(thread, NULL);
    CHECK(c.rc == -1 && strcmp(c.response.error, "aborted: the agent is stopping") == 0, "rc %d: %s", c.rc, c.response.error);
    CHECK(c.returned - aborted < 50, "the abort took %.1f ms", c.returned - aborted);
    chc_client_abort(c.client, 0);
    chc_response_free(&c.response);
    chc_client_free(c.client);
    close(conn), close(fd);
}

static void total_timeout_holds(void) {
    int port, fd = listener(&port);
    char url[64], request[4096];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", port);
    call c = {.client = chc_client_new(), .request = post(url, 300)};
    double started = now_ms();
    pthread_t thread;
    pthread_create(&thread, NULL, perform, &c);
    int conn = accept_within(fd);
    read_request(conn, request, sizeof request);
    pthread_join(thread, NULL);
    CHECK(c.rc == -1 && strcmp(c.response.error, "timed out after 300 ms") == 0, "%s", c.response.error);
    CHECK(c.returned - started >= 299 && c.returned - started < 400, "timed out after %.0f ms", c.returned - started);
    chc_client_free(c.client);
    close(conn), close(fd);
}

/* Two requests: the second reuses the first's connection unless close_between, when the server closes
 * it after the first answer (unannounced, as an idle timeout does) and a new one must carry the second. */
static void keep_alive(int close_between) {
    int port, fd = listener(&port);
    char url[64], request[4096];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", port);
    chc_client *client = chc_client_new();
    int conn = -1;
    for (int i = 0; i < 2; i++) {
        call c = {.client = client, .request = post(url, 5000)};
        pthread_t thread;
        pthread_create(&thread, NULL, perform, &c);
        if (i == 0 || close_between) conn = accept_within(fd);
        CHECK(read_request(conn, request, sizeof request) == 0, "request %d arrives on %s connection", i,
              i && !close_between ? "the same" : "a new");
        CHECK(write(conn, OK, sizeof OK - 1) == (ssize_t)(sizeof OK - 1), "answered");
        pthread_join(thread, NULL);
        CHECK(c.rc == 0 && c.response.status == 200 && c.response.body_len == 2, "request %d: %d %s", i, c.rc, c.response.error);
        chc_response_free(&c.response);
        if (close_between || i == 1) {
            close(conn);
            conn = -1;
        }
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    CHECK(poll(&p, 1, 0) == 0, "no connection beyond those expected");
    chc_client_free(client);
    close(fd);
}

int main(void) {
    CHECK(chc_library_error() == NULL, "OpenSSL loads: %s", chc_library_error());
    abort_ends_a_request_at_once();
    total_timeout_holds();
    keep_alive(0);
    keep_alive(1);
    return check_report("client_io_test");
}
