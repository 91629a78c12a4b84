/* One request through a reused libcurl easy handle, so connections to the dashboard are kept alive. The
 * transfer runs in a multi handle of its own rather than through curl_easy_perform: easy_perform looks at
 * the abort flag only from the progress callback, about once a second, which is too late for a shutdown
 * that must end within SHUTDOWN_FLUSH_SECONDS; curl_multi_wakeup ends the wait at once. */
#include "chc.h"
#include "library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHC_MAX_BODY (64 * 1024)

struct chc_client {
    CURL *easy;
    CURLM *multi;        /* holds the kept-alive connection between requests */
    int abort_requested; /* written by any thread, read on the request's thread */
};

chc_client *chc_client_new(void) {
    if (chc_library_load()) return NULL;
    chc_client *client = calloc(1, sizeof *client);
    if (!client) return NULL;
    client->easy = chc_lib.easy_init();
    client->multi = chc_lib.multi_init();
    if (!client->easy || !client->multi) {
        if (client->easy) chc_lib.easy_cleanup(client->easy);
        if (client->multi) chc_lib.multi_cleanup(client->multi);
        free(client);
        return NULL;
    }
    return client;
}

void chc_client_free(chc_client *client) {
    if (!client) return;
    chc_lib.easy_cleanup(client->easy);
    chc_lib.multi_cleanup(client->multi);
    free(client);
}

void chc_client_abort(chc_client *client, int abort) {
    __atomic_store_n(&client->abort_requested, abort, __ATOMIC_SEQ_CST);
    if (abort) chc_lib.multi_wakeup(client->multi); /* thread-safe by libcurl's contract */
}

static int aborted(chc_client *client) { return __atomic_load_n(&client->abort_requested, __ATOMIC_SEQ_CST); }

/* Drives the transfer to its end, a timeout (libcurl's, which multi_poll's wait never exceeds) or an abort. */
static CURLcode transfer(chc_client *client) {
    if (chc_lib.multi_add_handle(client->multi, client->easy) != CURLM_OK) return CURLE_FAILED_INIT;
    CURLcode result = CURLE_ABORTED_BY_CALLBACK;
    while (!aborted(client)) {
        int running = 0;
        if (chc_lib.multi_perform(client->multi, &running) != CURLM_OK) {
            result = CURLE_FAILED_INIT;
            break;
        }
        if (!running) {
            int left = 0;
            CURLMsg *message;
            result = CURLE_RECV_ERROR; /* replaced below: a finished transfer always posts its result */
            while ((message = chc_lib.multi_info_read(client->multi, &left)))
                if (message->msg == CURLMSG_DONE) result = message->data.result;
            break;
        }
        if (chc_lib.multi_poll(client->multi, NULL, 0, 1000, NULL) != CURLM_OK) {
            result = CURLE_FAILED_INIT;
            break;
        }
    }
    chc_lib.multi_remove_handle(client->multi, client->easy);
    return result;
}

/* libcurl calls this at least once a second during a transfer; non-zero ends it (CURLE_ABORTED_BY_CALLBACK). */
static int progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return __atomic_load_n(&((chc_client *)user)->abort_requested, __ATOMIC_SEQ_CST);
}

static size_t collect(char *data, size_t size, size_t count, void *user) {
    chc_response *response = user;
    size_t n = size * count, keep = n;
    if (response->body_len + keep > CHC_MAX_BODY) keep = CHC_MAX_BODY - response->body_len;
    if (keep) {
        char *grown = realloc(response->body, response->body_len + keep + 1);
        if (!grown) return 0;
        response->body = grown;
        memcpy(response->body + response->body_len, data, keep);
        response->body_len += keep;
        response->body[response->body_len] = 0;
    }
    return n; /* the rest is read and dropped: an error page does not need to be kept whole */
}

int chc_perform(chc_client *client, const chc_request *request, chc_response *response) {
    memset(response, 0, sizeof *response);
    response->retry_after_seconds = -1;
    CURL *easy = client->easy;
    chc_lib.easy_reset(easy);
    struct curl_slist *headers = NULL;
    char authorization[512];
    char line[512];
    if (request->content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", request->content_type);
        headers = chc_lib.slist_append(headers, line);
    } else {
        headers = chc_lib.slist_append(headers, "Content-Type: application/json");
        headers = chc_lib.slist_append(headers, "Accept: application/json");
    }
    for (const char *at = request->extra_headers; at && *at;) {
        const char *end = strchr(at, '\n');
        size_t n = end ? (size_t)(end - at) : strlen(at);
        if (n > 0 && n < sizeof line) {
            memcpy(line, at, n);
            line[n] = 0;
            headers = chc_lib.slist_append(headers, line);
        }
        at = end ? end + 1 : at + n;
    }
    headers = chc_lib.slist_append(headers, "Expect:"); /* no 100-continue round trip for small bodies */
    if (request->bearer_token && *request->bearer_token) {
        snprintf(authorization, sizeof authorization, "Authorization: Bearer %s", request->bearer_token);
        headers = chc_lib.slist_append(headers, authorization);
    }
    chc_lib.easy_setopt(easy, CURLOPT_URL, request->url);
    chc_lib.easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    chc_lib.easy_setopt(easy, CURLOPT_USERAGENT, request->user_agent);
    chc_lib.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    chc_lib.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
    chc_lib.easy_setopt(easy, CURLOPT_TIMEOUT_MS, request->total_timeout_ms);
    chc_lib.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect is an answer to report, not to chase */
    chc_lib.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    chc_lib.easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, request->verify_tls ? 1L : 0L);
    chc_lib.easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, request->verify_tls ? 2L : 0L);
    if (request->ca_file && *request->ca_file) chc_lib.easy_setopt(easy, CURLOPT_CAINFO, request->ca_file);
    if (request->client_cert && *request->client_cert) chc_lib.easy_setopt(easy, CURLOPT_SSLCERT, request->client_cert);
    if (request->client_key && *request->client_key) chc_lib.easy_setopt(easy, CURLOPT_SSLKEY, request->client_key);
    chc_lib.easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    chc_lib.easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, progress);
    chc_lib.easy_setopt(easy, CURLOPT_XFERINFODATA, client);
    if (aborted(client)) {
        chc_lib.slist_free_all(headers);
        snprintf(response->error, sizeof response->error, "aborted: the agent is stopping");
        return -1;
    }
    chc_lib.easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect);
    chc_lib.easy_setopt(easy, CURLOPT_WRITEDATA, response);
    if (strcmp(request->method, "POST") == 0) {
        chc_lib.easy_setopt(easy, CURLOPT_POST, 1L);
        chc_lib.easy_setopt(easy, CURLOPT_POSTFIELDS, request->body ? request->body : "");
        chc_lib.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(request->body ? request->body_len : 0));
    }
    CURLcode rc = transfer(client);
    chc_lib.slist_free_all(headers);
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        snprintf(response->error, sizeof response->error, "aborted: the agent is stopping");
        return -1;
    }
    if (rc != CURLE_OK) {
        snprintf(response->error, sizeof response->error, "%s", chc_lib.easy_strerror(rc));
        return -1;
    }
    chc_lib.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response->status);
    curl_off_t retry_after = 0;
    if (chc_lib.easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
        response->retry_after_seconds = (long)retry_after;
    return 0;
}

void chc_response_free(chc_response *response) {
    free(response->body);
    response->body = NULL;
    response->body_len = 0;
}
