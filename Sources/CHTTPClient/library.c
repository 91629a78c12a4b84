/* libcurl and libcrypto, loaded when the first dashboard client is made rather than at start-up.
 * Debian's libcurl brings 30-odd libraries (OpenSSL, GnuTLS, Kerberos, LDAP, p11-kit…) whose loading and
 * initialisation cost about 4 MiB of resident memory: a pull-only agent, which never pushes, should not
 * pay it. Linking them normally would map them into every process at exec. */
#define _GNU_SOURCE
#include "library.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

chc_library chc_lib;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[256];

#define FIND(handle, field, name)                                                                            \
    do {                                                                                                     \
        *(void **)&chc_lib.field = dlsym(handle, name);                                                      \
        if (!chc_lib.field) {                                                                                \
            snprintf(failure, sizeof failure, "%s: %s", name, dlerror());                                    \
            return;                                                                                          \
        }                                                                                                    \
    } while (0)

static void load(void) {
    void *curl = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!curl) {
        snprintf(failure, sizeof failure, "cannot load libcurl.so.4 (Debian: libcurl4): %s", dlerror());
        return;
    }
    void *crypto = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!crypto) {
        snprintf(failure, sizeof failure, "cannot load libcrypto.so.3 (Debian: libssl3): %s", dlerror());
        return;
    }
    FIND(curl, global_init, "curl_global_init");
    FIND(curl, easy_init, "curl_easy_init");
    FIND(curl, easy_cleanup, "curl_easy_cleanup");
    FIND(curl, easy_reset, "curl_easy_reset");
    FIND(curl, easy_setopt, "curl_easy_setopt");
    FIND(curl, easy_getinfo, "curl_easy_getinfo");
    FIND(curl, easy_strerror, "curl_easy_strerror");
    FIND(curl, multi_init, "curl_multi_init");
    FIND(curl, multi_cleanup, "curl_multi_cleanup");
    FIND(curl, multi_add_handle, "curl_multi_add_handle");
    FIND(curl, multi_remove_handle, "curl_multi_remove_handle");
    FIND(curl, multi_perform, "curl_multi_perform");
    FIND(curl, multi_poll, "curl_multi_poll"); /* 7.66 */
    FIND(curl, multi_wakeup, "curl_multi_wakeup"); /* 7.68; Debian 11 has 7.74 */
    FIND(curl, multi_info_read, "curl_multi_info_read");
    FIND(curl, slist_append, "curl_slist_append");
    FIND(curl, slist_free_all, "curl_slist_free_all");
    FIND(crypto, digest, "EVP_Digest");
    FIND(crypto, sha256, "EVP_sha256");
    if (chc_lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(failure, sizeof failure, "curl_global_init failed");
        return;
    }
    chc_lib.loaded = 1;
}

const char *chc_library_load(void) {
    pthread_once(&once, load);
    return chc_lib.loaded ? NULL : failure;
}

const char *chc_library_error(void) { return chc_library_load(); }
