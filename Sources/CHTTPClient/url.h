/* An http:// or https:// URL taken apart (SERVER_URL's, REMOTE_WRITE_URL's or a proxy's). Pure. */
#ifndef CHC_URL_H
#define CHC_URL_H

#include <stddef.h>

typedef struct {
    int https;
    char host[256];        /* without an IPv6 literal's brackets */
    int ip_literal;        /* 4 or 6 for an address, 0 for a name */
    unsigned port;
    int userinfo;          /* user[:password]@ was given (Basic authentication) */
    char user[256];        /* percent-decoded */
    char password[256];
    int slash;             /* the path is empty: "/" goes before target in the request line */
    const char *target;    /* path and query, pointing into the parsed text */
    size_t target_len;
} chc_url;

/* 0, or -1 with why in error. A proxy URL may omit its scheme (http:// is meant), defaults to port 1080
 * as libcurl does, and must be http://; a request URL must be http:// or https://. */
int chc_url_parse(const char *text, int proxy, chc_url *url, char *error, size_t error_len);

/* "host" or "[v6]", with ":port" unless it is the scheme's default: the Host header and CONNECT's target. */
void chc_url_authority(const chc_url *url, int always_port, char *out, size_t out_len);

#endif
