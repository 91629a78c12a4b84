/* RFC 9112's response grammar, as far as a client that reads one answer needs it. Lenient where servers
 * commonly are (a bare LF ends a line, the reason phrase may be missing); strict where a mistake would
 * desynchronise the connection (Content-Length must be digits and agree with itself, chunk sizes must be
 * hex). */
#include "http1_response.h"

#include <string.h>
#include <strings.h>

#define CHC_LENGTH_MAX ((int64_t)1 << 50)

static const char *line_end(const char *at, const char *end) { return memchr(at, '\n', (size_t)(end - at)); }

/* [from, to) with its surrounding spaces, tabs and a trailing CR removed. */
static void trim(const char **from, const char **to) {
    while (*from < *to && (**from == ' ' || **from == '\t')) (*from)++;
    while (*to > *from && ((*to)[-1] == ' ' || (*to)[-1] == '\t' || (*to)[-1] == '\r')) (*to)--;
}

static int token_is(const char *from, const char *to, const char *word) {
    size_t n = strlen(word);
    return (size_t)(to - from) == n && strncasecmp(from, word, n) == 0;
}

/* Calls back for each comma-separated token of a list header, trimmed. */
static void each_token(const char *from, const char *to, chc_response_head *head,
                       void (*seen)(chc_response_head *, const char *, const char *, int last)) {
    while (from < to) {
        const char *comma = memchr(from, ',', (size_t)(to - from));
        const char *end = comma ? comma : to, *a = from, *b = end;
        trim(&a, &b);
        if (a < b) seen(head, a, b, comma == NULL);
        from = comma ? comma + 1 : to;
    }
}

static void coding(chc_response_head *head, const char *a, const char *b, int last) {
    if (!last) return;
    head->chunked = token_is(a, b, "chunked");
    head->other_coding = !head->chunked;
}

static void connection(chc_response_head *head, const char *a, const char *b, int last) {
    (void)last;
    if (token_is(a, b, "close")) head->close = 1;
    if (token_is(a, b, "keep-alive") && head->close == 2) head->close = 0;
}

static int parse_status_line(const char *at, const char *end, chc_response_head *head, const char **reason) {
    /* "HTTP/1.x SSS[ reason]" */
    if (end - at < 12 || memcmp(at, "HTTP/1.", 7) != 0 || at[7] < '0' || at[7] > '9' || at[8] != ' ')
        return *reason = "not an HTTP/1.x status line", -1;
    int status = 0;
    for (int i = 9; i < 12; i++) {
        if (at[i] < '0' || at[i] > '9') return *reason = "malformed status code", -1;
        status = status * 10 + at[i] - '0';
    }
    if (end - at > 12 && at[12] != ' ' && at[12] != '\r') return *reason = "malformed status code", -1;
    if (status < 100) return *reason = "malformed status code", -1;
    head->status = status;
    head->minor_version = at[7] - '0';
    return 0;
}

static int parse_header(const char *at, const char *end, chc_response_head *head, const char **reason) {
    if (*at == ' ' || *at == '\t') return *reason = "obsolete line folding in a header", -1;
    const char *colon = memchr(at, ':', (size_t)(end - at));
    if (!colon || colon == at) return *reason = "a header line without a name", -1;
    for (const char *p = at; p < colon; p++)
        if (*p <= ' ' || *p == 0x7f) return *reason = "invalid character in a header name", -1;
    const char *value = colon + 1, *value_end = end;
    trim(&value, &value_end);
    if (token_is(at, colon, "Content-Length")) {
        int64_t length = 0;
        if (value == value_end) return *reason = "an empty Content-Length", -1;
        for (const char *p = value; p < value_end; p++) {
            if (*p < '0' || *p > '9') return *reason = "a Content-Length that is not a number", -1;
            length = length * 10 + (*p - '0');
            if (length > CHC_LENGTH_MAX) return *reason = "a Content-Length out of range", -1;
        }
        if (head->content_length >= 0 && head->content_length != length)
            return *reason = "two different Content-Lengths", -1;
        head->content_length = length;
    } else if (token_is(at, colon, "Transfer-Encoding")) {
        each_token(value, value_end, head, coding);
    } else if (token_is(at, colon, "Connection")) {
        each_token(value, value_end, head, connection);
    } else if (token_is(at, colon, "Retry-After")) {
        head->retry_after = value;
        head->retry_after_len = (size_t)(value_end - value);
    }
    return 0;
}

long chc_http1_parse_head(const char *bytes, size_t len, chc_response_head *head, const char **reason) {
    memset(head, 0, sizeof *head);
    head->content_length = -1;
    const char *at = bytes, *end = bytes + len, *eol = line_end(at, end);
    if (!eol) {
        /* A prefix that already cannot become a status line is an error now, not after 16 KiB. */
        size_t n = len < 7 ? len : 7;
        if (memcmp(bytes, "HTTP/1.", n) != 0) return *reason = "not an HTTP/1.x status line", CHC_PARSE_ERROR;
        return CHC_PARSE_PARTIAL;
    }
    if (parse_status_line(at, eol, head, reason)) return CHC_PARSE_ERROR;
    int version_1_0 = head->minor_version == 0;
    if (version_1_0) head->close = 2; /* closes unless the server says keep-alive */
    for (at = eol + 1;; at = eol + 1) {
        eol = line_end(at, end);
        if (!eol) return CHC_PARSE_PARTIAL;
        if (eol == at || (eol == at + 1 && *at == '\r')) break;
        if (parse_header(at, eol, head, reason)) return CHC_PARSE_ERROR;
    }
    if (head->close == 2) head->close = 1;
    if (head->chunked || head->other_coding) head->content_length = -1; /* RFC 9112 6.3: coding wins */
    return (long)(eol + 1 - bytes);
}

enum { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_TEXT, TRAILER_LF, DONE };

long chc_chunked_decode(chc_chunked *c, const char *bytes, size_t len, const char **data, size_t *data_len,
                        const char **reason) {
    *data = NULL;
    *data_len = 0;
    size_t i = 0;
    while (i < len && c->state != DONE) {
        char ch = bytes[i];
        switch (c->state) {
        case SIZE:
            if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')) {
                if (c->remaining >> 56) return *reason = "a chunk size out of range", CHC_PARSE_ERROR;
                c->remaining = c->remaining * 16 + (uint64_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
                c->digits = 1;
            } else if (!c->digits) {
                return *reason = "a chunk without a size", CHC_PARSE_ERROR;
            } else if (ch == ';' || ch == ' ' || ch == '\t') {
                c->state = EXTENSION;
            } else if (ch == '\r') {
                c->state = SIZE_LF;
            } else if (ch == '\n') {
                c->state = c->remaining ? DATA : TRAILER;
            } else {
                return *reason = "a malformed chunk size", CHC_PARSE_ERROR;
            }
            i++;
            continue;
        case EXTENSION:
            if (ch == '\n') c->state = c->remaining ? DATA : TRAILER;
            i++;
            continue;
        case SIZE_LF:
            if (ch != '\n') return *reason = "a chunk size line without its LF", CHC_PARSE_ERROR;
            c->state = c->remaining ? DATA : TRAILER;
            i++;
            continue;
        case DATA: {
            size_t n = len - i < c->remaining ? len - i : (size_t)c->remaining;
            *data = bytes + i;
            *data_len = n;
            c->remaining -= n;
            if (!c->remaining) c->state = DATA_CR;
            c->digits = 0;
            return (long)(i + n);
        }
        case DATA_CR:
            if (ch == '\r') c->state = DATA_LF;
            else if (ch == '\n') c->state = SIZE;
            else return *reason = "a chunk longer than its size", CHC_PARSE_ERROR;
            i++;
            continue;
        case DATA_LF:
            if (ch != '\n') return *reason = "a chunk longer than its size", CHC_PARSE_ERROR;
            c->state = SIZE;
            i++;
            continue;
        case TRAILER: /* at the start of a trailer line: an empty one ends the body */
            if (ch == '\r') c->state = TRAILER_LF;
            else if (ch == '\n') c->state = DONE;
            else c->state = TRAILER_TEXT;
            i++;
            continue;
        case TRAILER_TEXT:
            if (ch == '\n') c->state = TRAILER;
            i++;
            continue;
        case TRAILER_LF:
            if (ch != '\n') return *reason = "a malformed trailer", CHC_PARSE_ERROR;
            c->state = DONE;
            i++;
            continue;
        }
    }
    return (long)i;
}

int chc_chunked_done(const chc_chunked *c) { return c->state == DONE; }

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

typedef struct {
    const char *at, *end;
} cursor;

static int number(cursor *c, int min_digits, int max_digits, int *out) {
    int n = 0, v = 0;
    while (c->at < c->end && *c->at >= '0' && *c->at <= '9' && n < max_digits) v = v * 10 + (*c->at++ - '0'), n++;
    *out = v;
    return n >= min_digits ? 0 : -1;
}

static int literal(cursor *c, char ch) {
    if (c->at >= c->end || *c->at != ch) return -1;
    c->at++;
    return 0;
}

static void spaces(cursor *c) {
    while (c->at < c->end && *c->at == ' ') c->at++;
}

static int month(cursor *c, int *out) {
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (c->end - c->at < 3) return -1;
    for (int i = 0; i < 12; i++)
        if (strncmp(c->at, names + 3 * i, 3) == 0) return *out = i + 1, c->at += 3, 0;
    return -1;
}

static int clock_time(cursor *c, int *h, int *m, int *s) {
    return number(c, 2, 2, h) || literal(c, ':') || number(c, 2, 2, m) || literal(c, ':') || number(c, 2, 2, s) ||
                   *h > 23 || *m > 59 || *s > 60
               ? -1
               : 0;
}

/* Unix time of an HTTP-date in any of RFC 9110's three forms; -1 when it is none of them. */
static int64_t http_date(const char *value, size_t len) {
    cursor c = {value, value + len};
    while (c.at < c.end && ((*c.at >= 'A' && *c.at <= 'Z') || (*c.at >= 'a' && *c.at <= 'z'))) c.at++;
    if (c.at == value) return -1;
    int day, mon, year, h, m, s;
    if (c.at < c.end && *c.at == ',') {
        c.at++;
        spaces(&c);
        if (number(&c, 1, 2, &day)) return -1;
        char separator = c.at < c.end ? *c.at : 0;
        if (separator != ' ' && separator != '-') return -1;
        c.at++;
        if (month(&c, &mon) || literal(&c, separator)) return -1;
        if (separator == ' ') {
            if (number(&c, 4, 4, &year)) return -1; /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
        } else {
            if (number(&c, 2, 2, &year)) return -1; /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
            year += year < 70 ? 2000 : 1900;
        }
        spaces(&c);
        if (clock_time(&c, &h, &m, &s)) return -1;
        spaces(&c);
        if (c.end - c.at < 3 || strncmp(c.at, "GMT", 3) != 0) return -1;
        c.at += 3;
    } else {
        spaces(&c); /* asctime: Sun Nov  6 08:49:37 1994 */
        if (month(&c, &mon)) return -1;
        spaces(&c);
        if (number(&c, 1, 2, &day)) return -1;
        spaces(&c);
        if (clock_time(&c, &h, &m, &s)) return -1;
        spaces(&c);
        if (number(&c, 4, 4, &year)) return -1;
    }
    spaces(&c);
    if (c.at != c.end || day < 1 || day > 31) return -1;
    return days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400 + h * 3600 + m * 60 + s;
}

long chc_retry_after_seconds(const char *value, size_t len, int64_t now_unix) {
    cursor c = {value, value + len};
    spaces(&c);
    while (c.end > c.at && (c.end[-1] == ' ' || c.end[-1] == '\t')) c.end--;
    if (c.at == c.end) return -1;
    if (*c.at >= '0' && *c.at <= '9') {
        long seconds = 0;
        for (; c.at < c.end; c.at++) {
            if (*c.at < '0' || *c.at > '9') return -1;
            if (seconds < 100000000) seconds = seconds * 10 + (*c.at - '0'); /* years: clamped, not wrapped */
        }
        return seconds;
    }
    int64_t when = http_date(c.at, (size_t)(c.end - c.at));
    if (when < 0) return -1;
    return when > now_unix ? (long)(when - now_unix) : 0;
}
