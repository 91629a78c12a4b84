/* The loop's clocks: monotonic milliseconds for deadlines, and the Date header's wall-clock text. */
#include "internal.h"

#include <time.h>

int64_t chs_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The Date header (RFC 9110 §6.6.1), formatted once per second. Only the loop thread calls this. */
const char *chs_http_date(void) {
    static char cached[40];
    static time_t cached_at = 0;
    time_t now = time(NULL);
    if (now != cached_at) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(cached, sizeof cached, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached_at = now;
    }
    return cached;
}
