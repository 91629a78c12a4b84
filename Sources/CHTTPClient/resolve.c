/* getaddrinfo on a thread of its own, so that a slow or dead DNS server holds a request no longer than its
 * deadline and an abort ends it at once, as libcurl's threaded resolver does. A lookup given up on is left
 * to finish: the last of the two sides to let go frees it. Addresses skip the thread (AI_NUMERICHOST). */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

typedef struct {
    int refs; /* atomic: the caller and the thread */
    int done_fd;
    char host[256], port[8];
    int rc, error; /* getaddrinfo's, and errno for EAI_SYSTEM (the thread's own) */
    struct addrinfo *result;
} lookup;

static void release(lookup *l) {
    if (__atomic_sub_fetch(&l->refs, 1, __ATOMIC_ACQ_REL)) return;
    close(l->done_fd);
    if (l->result) freeaddrinfo(l->result);
    free(l);
}

static void *run(void *arg) {
    lookup *l = arg;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG};
    l->rc = getaddrinfo(l->host, l->port, &hints, &l->result);
    l->error = errno;
    uint64_t one = 1;
    while (write(l->done_fd, &one, sizeof one) < 0 && errno == EINTR) {}
    release(l);
    return NULL;
}

int chc_resolve(chc_io *io, const char *host, unsigned port, struct addrinfo **result) {
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    struct addrinfo numeric = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST};
    if (getaddrinfo(host, service, &numeric, result) == 0) return 0;
    lookup *l = calloc(1, sizeof *l);
    if (!l) return chc_fail(io, CHC_FAILED, "out of memory");
    l->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (l->done_fd < 0) {
        free(l);
        return chc_fail(io, CHC_FAILED, "eventfd: %s", strerror(errno));
    }
    snprintf(l->host, sizeof l->host, "%s", host);
    memcpy(l->port, service, sizeof service);
    l->refs = 2;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    /* The thread takes no signal meant for the agent (SIGTERM's handling belongs to its own threads). */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_t thread;
    int started = pthread_create(&thread, &attributes, run, l);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    pthread_attr_destroy(&attributes);
    if (started != 0) {
        l->refs = 1;
        release(l);
        return chc_fail(io, CHC_FAILED, "could not resolve host %s: no thread (%s)", host, strerror(started));
    }
    int waited = chc_wait(io, l->done_fd, POLLIN);
    if (waited == 0) {
        if (l->rc != 0) {
            chc_fail(io, CHC_FAILED, "could not resolve host %s: %s", host,
                     l->rc == EAI_SYSTEM ? strerror(l->error) : gai_strerror(l->rc));
            waited = -1;
        } else {
            *result = l->result;
            l->result = NULL;
        }
    }
    release(l);
    return waited;
}

void chc_resolved_free(struct addrinfo *result) {
    if (result) freeaddrinfo(result);
}
