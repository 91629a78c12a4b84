/* Response bodies shared by reference: the cached /metrics page is made into one chs_body per snapshot
 * and every connection and HTTP/2 stream that sends it holds a reference instead of a copy, so a thousand
 * streams waiting for flow-control window cost one page, not a thousand. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static chs_body *make(const uint8_t *bytes, size_t len, int shared) {
    chs_body *body = malloc(sizeof *body + (len ? len : 1));
    if (!body) return NULL;
    body->refs = 1;
    body->len = len;
    body->shared = shared;
    if (len) memcpy(body->data, bytes, len);
    return body;
}

chs_body *chs_body_new(const uint8_t *bytes, size_t len) { return make(bytes, len, 1); }

chs_body *chs_body_private(const uint8_t *bytes, size_t len) { return make(bytes, len, 0); }

chs_body *chs_body_retain(chs_body *body) {
    __atomic_add_fetch(&body->refs, 1, __ATOMIC_RELAXED);
    return body;
}

/* The maker (Swift's page cache, on its own thread) and the loop release independently. */
void chs_body_release(chs_body *body) {
    if (body && __atomic_sub_fetch(&body->refs, 1, __ATOMIC_ACQ_REL) == 0) free(body);
}

/* What a connection is charged for holding a body: private bodies are its own; a shared one is the
 * cache's, whatever number of connections send it. */
size_t chs_body_charge(const chs_body *body) { return body && !body->shared ? body->len : 0; }
