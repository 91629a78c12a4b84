/* Which proxy a request goes through, from the environment as libcurl reads it. Pure apart from
 * chc_proxy_env_read, which takes the lookup function (getenv, or a test's table). */
#ifndef CHC_PROXY_H
#define CHC_PROXY_H

#include "url.h"

#include <stddef.h>

/* The variables' values (malloc'd copies, NULL when unset or empty) and their names, for messages. */
typedef struct {
    char *http, *https, *all, *no;
    const char *https_name, *all_name;
} chc_proxy_env;

void chc_proxy_env_read(chc_proxy_env *env, char *(*lookup)(const char *name));
void chc_proxy_env_free(chc_proxy_env *env);

/* The proxy URL for a request to url, or NULL to connect directly; *setting names the variable. */
const char *chc_proxy_for(const chc_proxy_env *env, const chc_url *url, const char **setting);

/* Whether no_proxy's list ("*", or names, .suffixes, addresses and address/bits, separated by commas or
 * spaces) says host is reached directly. Names match case-insensitively, themselves and their subdomains. */
int chc_no_proxy_matches(const char *list, const char *host);

/* Base64 of data into out (NUL-terminated); -1 when out is too small. For Proxy-Authorization: Basic. */
int chc_base64(const void *data, size_t len, char *out, size_t out_len);

#endif
