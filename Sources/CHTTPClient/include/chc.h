/* ShelterAgent's dashboard and remote-write client: one HTTP/1.1 request at a time, over TLS through
 * Debian's OpenSSL (loaded on first use: library.c), keeping one connection alive; plus the few system
 * facts and digests registration needs. client.c says why it is not libcurl. */
#ifndef CHC_H
#define CHC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chc_client chc_client;

typedef struct {
    const char *method;       /* "GET" or "POST" */
    const char *url;
    const char *body;         /* JSON or any bytes (body_len of them), or NULL */
    size_t body_len;
    const char *bearer_token; /* NULL for none */
    const char *user_agent;
    long connect_timeout_ms;
    long total_timeout_ms;
    const char *ca_file;      /* NULL: the system trust store */
    int verify_tls;           /* 0 only when the operator asked for it */
    const char *content_type; /* NULL: application/json (and Accept: application/json) */
    const char *extra_headers; /* "Name: value" lines separated by '\n' (remote write's), or NULL */
    const char *client_cert;  /* PEM certificate for TLS client authentication, or NULL */
    const char *client_key;   /* its PEM private key, or NULL */
} chc_request;

typedef struct {
    long status;              /* 0 when no HTTP answer came (see error) */
    char *body;               /* malloc'd, NUL-terminated, at most 64 KiB kept */
    size_t body_len;
    long retry_after_seconds; /* -1 when absent */
    char error[256];
} chc_response;

/* NULL when OpenSSL could not be loaded (chc_library_error says why) or memory ran out. Reads the proxy
 * environment (https_proxy, http_proxy, all_proxy, no_proxy, as libcurl does) once, here. */
chc_client *chc_client_new(void);
/* Why libssl or libcrypto could not be loaded; NULL once they are. Loads them if not yet tried. */
const char *chc_library_error(void);
void chc_client_free(chc_client *client);
/* From any thread: makes the request under way fail at once (within milliseconds: every wait polls an
 * eventfd this writes), and any started later until called with 0. The error is "aborted: the agent is
 * stopping". */
void chc_client_abort(chc_client *client, int abort);
/* 0 when an HTTP answer came back (any status), -1 for a transport failure (error says which). */
int chc_perform(chc_client *client, const chc_request *request, chc_response *response);
void chc_response_free(chc_response *response);

/* Lowercase hex SHA-256 of data into out (65 bytes with the NUL); 0, or -1 without libcrypto. */
int chc_sha256_hex(const void *data, size_t len, char out[65]);
/* CRC-32 (zlib's), for spool records. */
uint32_t chc_crc32(const void *data, size_t len);
/* Cryptographically random bytes; 0 or -1. */
int chc_random_bytes(void *buffer, size_t len);
/* The first non-loopback IPv4 address of an interface that is up (else IPv6); 0 or -1. */
int chc_primary_address(char *out, size_t out_len);

#ifdef __cplusplus
}
#endif
#endif
