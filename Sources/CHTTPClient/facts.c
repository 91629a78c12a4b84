/* Digests, randomness and the host's address: what registration and the spool need from the system. */
#define _GNU_SOURCE
#include "chc.h"
#include "library.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <zlib.h>

int chc_sha256_hex(const void *data, size_t len, char out[65]) {
    if (chc_library_load()) return -1;
    unsigned char digest[32];
    unsigned int digest_len = 0;
    if (!chc_lib.digest(data, len, digest, &digest_len, chc_lib.sha256(), NULL)) return -1;
    for (unsigned i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", digest[i]);
    out[64] = 0;
    return 0;
}

uint32_t chc_crc32(const void *data, size_t len) {
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)len);
}

int chc_random_bytes(void *buffer, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom((char *)buffer + done, len - done, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        done += (size_t)n;
    }
    return 0;
}

int chc_primary_address(char *out, size_t out_len) {
    struct ifaddrs *all;
    if (getifaddrs(&all) != 0) return -1;
    int found = -1;
    for (int want = AF_INET; want && found != 0; want = want == AF_INET ? AF_INET6 : 0) {
        for (struct ifaddrs *ifa = all; ifa; ifa = ifa->ifa_next) {
            if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != want) continue;
            if ((ifa->ifa_flags & IFF_LOOPBACK) || !(ifa->ifa_flags & IFF_UP)) continue;
            const void *address = want == AF_INET ? (const void *)&((struct sockaddr_in *)ifa->ifa_addr)->sin_addr
                                                  : (const void *)&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
            if (want == AF_INET6 && IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)address)) continue;
            if (inet_ntop(want, address, out, (socklen_t)out_len)) {
                found = 0;
                break;
            }
        }
    }
    freeifaddrs(all);
    return found;
}
