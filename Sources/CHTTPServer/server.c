/* Listening socket, the epoll loop on its own thread, accepting under a connection limit, and the
 * eventfd that wakes the loop to stop. */
#define _GNU_SOURCE /* accept4 */
#include "internal.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHS_RETRY_LISTEN_MS 250
/* A connection whose answer is being written and moved bytes this recently is kept at the limit. */
#define CHS_BUSY_MS 1000

void chs_config_default(chs_config *config) {
    memset(config, 0, sizeof *config);
    config->host = "127.0.0.1";
    config->port = 9110;
    config->max_connections = 256;
    config->max_header_bytes = 8192;
    config->max_request_line = 4096;
    config->max_headers = 64;
    config->idle_timeout_ms = 90000; /* past a one-minute scrape interval, so the scraper keeps its connection */
    config->request_timeout_ms = 10000;
    config->write_high_water = 256 << 10;
    config->max_buffered_bytes = 32u << 20;
    config->h2_max_streams = 100;
    config->max_event_streams = 128;
}

static int bind_listener(const chs_config *config, uint16_t *bound_port, char *err, size_t err_len) {
    char port[8];
    snprintf(port, sizeof port, "%u", config->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *found = NULL;
    int rc = getaddrinfo(config->host, port, &hints, &found);
    if (rc != 0) {
        snprintf(err, err_len, "cannot resolve listen address %s: %s", config->host, gai_strerror(rc));
        return -1;
    }
    int fd = -1, last_errno = 0;
    for (struct addrinfo *ai = found; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        int on = 1, off = 0;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 512) != 0) {
            last_errno = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    if (fd < 0) {
        snprintf(err, err_len, "cannot listen on %s:%u: %s", config->host, config->port, strerror(last_errno));
        return -1;
    }
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    getsockname(fd, (struct sockaddr *)&address, &length);
    *bound_port = ntohs(address.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&address)->sin6_port
                                                      : ((struct sockaddr_in *)&address)->sin_port);
    return fd;
}

chs_server *chs_server_create(const chs_config *config, chs_handler handler, void *ctx, char *err, size_t err_len) {
    if (config->max_header_bytes < 256 || config->max_headers < 1 || config->max_headers > 1024 ||
        config->max_connections < 1 || config->h2_max_streams < 1 || config->write_high_water < 4096 ||
        config->max_buffered_bytes < config->write_high_water) {
        snprintf(err, err_len, "server limits out of range");
        return NULL;
    }
    chs_server *server = calloc(1, sizeof *server);
    if (!server) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    server->config = *config;
    server->handler = handler;
    server->ctx = ctx;
    server->epoll_fd = server->wake_fd = server->post_fd = server->listen_fd = -1;
    if (config->tls_cert_file) {
        char reason[256] = "";
        server->tls = chs_tls_new(config, reason, sizeof reason);
        if (!server->tls) {
            snprintf(err, err_len, "TLS: %s", reason); /* the caller tells TLS failures by this prefix */
            goto fail;
        }
    }
    server->config.tls_cert_file = server->config.tls_key_file = server->config.tls_client_ca_file = NULL; /* chs_tls's copies */
    server->listen_fd = bind_listener(config, &server->port, err, err_len);
    if (server->listen_fd < 0) goto fail;
    server->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    server->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    server->post_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (server->epoll_fd < 0 || server->wake_fd < 0 || server->post_fd < 0 || chs_streams_init(server) != 0) {
        snprintf(err, err_len, "epoll/eventfd: %s", strerror(errno));
        goto fail;
    }
    struct epoll_event listen_event = {.events = EPOLLIN, .data.ptr = &server->listen_fd};
    struct epoll_event wake_event = {.events = EPOLLIN, .data.ptr = &server->wake_fd};
    struct epoll_event post_event = {.events = EPOLLIN, .data.ptr = &server->post_fd};
    if (epoll_ctl(server->epoll_fd, EPOLL_CTL_ADD, server->listen_fd, &listen_event) != 0 ||
        epoll_ctl(server->epoll_fd, EPOLL_CTL_ADD, server->wake_fd, &wake_event) != 0 ||
        epoll_ctl(server->epoll_fd, EPOLL_CTL_ADD, server->post_fd, &post_event) != 0) {
        snprintf(err, err_len, "epoll_ctl: %s", strerror(errno));
        goto fail;
    }
    return server;
fail:
    chs_server_destroy(server);
    return NULL;
}

static void set_listening(chs_server *server, int on) {
    struct epoll_event event = {.events = on ? EPOLLIN : 0, .data.ptr = &server->listen_fd};
    epoll_ctl(server->epoll_fd, EPOLL_CTL_MOD, server->listen_fd, &event);
    server->listening_paused = !on;
    /* Out of descriptors: try again after a pause rather than spin on a listener that stays readable. */
    if (!on) chs_deadline(server, chs_now_ms() + CHS_RETRY_LISTEN_MS);
}

/* Whether a connection has no request under way and nothing to send. */
static int idle(const chs_conn *conn) {
    if (conn->wlen != conn->woff || conn->tail) return 0;
    return conn->h2 ? !conn->h2_streams : !conn->request_started_ms && !conn->answering;
}

/* Whom to close for a newcomer at the connection limit: the connection that did useful work (was accepted,
 * had a request taken, had answer bytes written) least recently, whatever it is doing. Bytes of a head
 * trickled in, PINGs, SETTINGS and window updates are not useful work, so slowloris and PING-trickle
 * connections age like idle ones and go first, and a real client, whose request comes at once, always
 * gets a slot. Lingering ones (already answered, draining before close) go before any of them. Kept: one
 * being answered that moved bytes within CHS_BUSY_MS, and an idle one whose request already waits unread
 * in its socket (a burst of accepts runs before any reads, so such a client would look idle here). NULL
 * when everything is kept: the newcomer gets a 503. */
static chs_conn *pick_victim(chs_server *server) {
    int64_t now = chs_now_ms();
    chs_conn *spared[8];
    int spared_count = 0;
    chs_conn *lingering = NULL; /* the one lingering longest, whose peer has had most time to read */
    for (chs_conn *conn = server->conns; conn; conn = conn->next)
        if (!conn->rejected && conn->linger_until_ms && (!lingering || conn->linger_until_ms < lingering->linger_until_ms))
            lingering = conn;
    if (lingering) return lingering;
    for (;;) {
        chs_conn *victim = NULL;
        for (chs_conn *conn = server->conns; conn; conn = conn->next) {
            if (conn->rejected) continue;
            int answering = conn->h2 ? chs_h2_answering(conn) || conn->wlen != conn->woff : conn->answering;
            if (answering && now - conn->last_activity_ms < CHS_BUSY_MS) continue;
            int kept = 0;
            for (int i = 0; i < spared_count; i++) kept |= spared[i] == conn;
            if (kept) continue;
            if (!victim || conn->last_activity_ms < victim->last_activity_ms) victim = conn;
        }
        int unread = 0;
        if (!victim || !idle(victim) || ioctl(victim->fd, FIONREAD, &unread) != 0 || unread == 0) return victim;
        if (spared_count == 8) return NULL;
        spared[spared_count++] = victim;
    }
}

static void accept_all(chs_server *server) {
    for (;;) {
        int fd = accept4(server->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            /* Out of descriptors: level-triggered epoll would spin, so stop listening until the sweep. */
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) set_listening(server, 0);
            return;
        }
        chs_conn *victim = server->open_connections >= server->config.max_connections ? pick_victim(server) : NULL;
        if (victim) {
            chs_conn_close(server, victim);
            __atomic_add_fetch(&server->evicted, 1, __ATOMIC_RELAXED);
        }
        if (server->open_connections >= server->config.max_connections) {
            chs_conn_reject(server, fd);
            __atomic_add_fetch(&server->rejected, 1, __ATOMIC_RELAXED);
            continue;
        }
        int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        if (!chs_conn_open(server, fd)) {
            close(fd);
            continue;
        }
        __atomic_add_fetch(&server->accepted, 1, __ATOMIC_RELAXED);
    }
}

static void *run_loop(void *arg) {
    chs_server *server = arg;
    /* Signals belong to the Swift side's handlers, never to this thread. */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    /* So top -H and /proc/PID/task/TID/comm tell the server's CPU apart from the sampler's. */
    pthread_setname_np(pthread_self(), "http");
    struct epoll_event events[64];
    server->next_sweep_ms = INT64_MAX;
    for (;;) {
        /* Sleep until an event or the earliest timeout, never on a fixed tick: an idle agent (or one
         * holding a scraper's keep-alive connection) wakes only when something is due. */
        int timeout = -1;
        if (server->next_sweep_ms != INT64_MAX) {
            int64_t wait = server->next_sweep_ms - chs_now_ms();
            timeout = wait < 0 ? 0 : wait > INT32_MAX ? INT32_MAX : (int)wait;
        }
        if (server->backlog) timeout = 0; /* requests already read are waiting: look at events, then serve them */
        int n = epoll_wait(server->epoll_fd, events, 64, timeout);
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < n; i++) {
            void *tag = events[i].data.ptr;
            if (tag == &server->wake_fd) goto out;
            if (tag == &server->post_fd) {
                chs_streams_drain(server);
                continue;
            }
            if (tag == &server->listen_fd) {
                accept_all(server);
                continue;
            }
            chs_conn *conn = tag;
            if (conn->fd < 0) continue; /* closed earlier in this batch; freed below */
            /* Reported even when nothing is watched (a connection paused over its budget): the peer is
             * gone or the socket failed, and nothing more can be written to it. */
            if ((events[i].events & (EPOLLERR | EPOLLHUP)) && !(events[i].events & EPOLLIN)) {
                chs_conn_close(server, conn);
                continue;
            }
            if (events[i].events & EPOLLOUT) {
                chs_conn_writable(server, conn);
                continue;
            }
            chs_conn_readable(server, conn);
        }
        if (server->resume) chs_conn_resume_starved(server);
        if (server->backlog) chs_conn_serve_backlog(server);
        int64_t now = chs_now_ms();
        if (now >= server->next_sweep_ms) {
            chs_conn_sweep(server, now);
            if (server->listening_paused) set_listening(server, 1);
        }
        chs_conn_free_closed(server);
    }
out:
    while (server->conns) chs_conn_close(server, server->conns);
    chs_conn_free_closed(server);
    return NULL;
}

int chs_server_start(chs_server *server) {
    if (pthread_create(&server->thread, NULL, run_loop, server) != 0) return -1;
    server->started = 1;
    return 0;
}

uint16_t chs_server_port(const chs_server *server) { return server->port; }

void chs_server_stop(chs_server *server) {
    if (!server->started || server->stopped) return;
    server->stopped = 1;
    uint64_t one = 1;
    (void)!write(server->wake_fd, &one, sizeof one);
    pthread_join(server->thread, NULL);
}

void chs_server_destroy(chs_server *server) {
    if (!server) return;
    chs_server_stop(server);
    if (server->listen_fd >= 0) close(server->listen_fd);
    if (server->epoll_fd >= 0) close(server->epoll_fd);
    if (server->wake_fd >= 0) close(server->wake_fd);
    if (server->post_fd >= 0) close(server->post_fd);
    chs_streams_destroy(server);
    chs_tls_free(server->tls);
    free(server);
}

void chs_server_stats(const chs_server *server, chs_stats *out) {
    out->connections_accepted = __atomic_load_n(&server->accepted, __ATOMIC_RELAXED);
    out->connections_rejected = __atomic_load_n(&server->rejected, __ATOMIC_RELAXED);
    out->requests = __atomic_load_n(&server->requests, __ATOMIC_RELAXED);
    out->bad_requests = __atomic_load_n(&server->bad_requests, __ATOMIC_RELAXED);
    out->timeouts = __atomic_load_n(&server->timeouts, __ATOMIC_RELAXED);
    out->connections_evicted = __atomic_load_n(&server->evicted, __ATOMIC_RELAXED);
    out->open_connections = __atomic_load_n(&server->open_connections, __ATOMIC_RELAXED);
}
