/* A stateless HTTP/1.1 request-head parser after picohttpparser's design: it reports how many bytes a
 * complete head took, or that more are needed, or that the input can never become a valid request.
 * It follows RFC 9112: tokens for method and header names, no whitespace before the colon, no obs-fold,
 * bare LF accepted as a line end (§2.2), HTTP/1.0 and 1.1 only. Framing is checked here too, since a head
 * two parsers could frame differently is a request-smuggling primitive (§6.3, §11.2): Content-Length must
 * be digits and appear once (even "0" twice is refused), and never beside Transfer-Encoding. */
#include "chs.h"

#include <string.h>
#include <strings.h>

static int is_tchar(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Visible ASCII, space, tab and obs-text, as field values and targets allow. */
static int is_value_char(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

/* The end of the line starting at *pos: returns its length without CR/LF and advances *pos past the
 * line end; -2 when no line end has arrived yet; -1 for a CR not followed by LF. */
static long take_line(const char *buf, size_t len, size_t *pos) {
    size_t start = *pos;
    for (size_t i = start; i < len; i++) {
        if (buf[i] == '\n') {
            size_t end = i;
            if (end > start && buf[end - 1] == '\r') end--;
            *pos = i + 1;
            return (long)(end - start);
        }
        if (buf[i] == '\r' && i + 1 < len && buf[i + 1] != '\n') return CHS_PARSE_ERROR;
    }
    return CHS_PARSE_PARTIAL;
}

static int parse_request_line(const char *line, size_t len, chs_http1_request *request) {
    size_t i = 0;
    while (i < len && is_tchar((unsigned char)line[i])) i++;
    if (i == 0 || i >= len || line[i] != ' ') return CHS_PARSE_ERROR;
    request->method = line;
    request->method_len = i;
    size_t target_start = ++i;
    while (i < len && line[i] != ' ') {
        unsigned char c = (unsigned char)line[i];
        if (c <= 0x20 || c == 0x7f) return CHS_PARSE_ERROR;
        i++;
    }
    if (i == target_start || i >= len) return CHS_PARSE_ERROR;
    request->target = line + target_start;
    request->target_len = i - target_start;
    i++;
    if (len - i != 8 || memcmp(line + i, "HTTP/1.", 7) != 0) return CHS_PARSE_ERROR;
    char minor = line[i + 7];
    if (minor != '0' && minor != '1') return CHS_PARSE_ERROR;
    request->minor_version = minor - '0';
    return 0;
}

static int parse_header(const char *line, size_t len, chs_header *header) {
    size_t colon = 0;
    while (colon < len && is_tchar((unsigned char)line[colon])) colon++;
    /* No name, a space before the colon (request smuggling, §5.1) or a folded line: all errors. */
    if (colon == 0 || colon >= len || line[colon] != ':') return CHS_PARSE_ERROR;
    size_t value = colon + 1, end = len;
    while (value < end && (line[value] == ' ' || line[value] == '\t')) value++;
    while (end > value && (line[end - 1] == ' ' || line[end - 1] == '\t')) end--;
    for (size_t i = value; i < end; i++)
        if (!is_value_char((unsigned char)line[i])) return CHS_PARSE_ERROR;
    header->name = line;
    header->name_len = colon;
    header->value = line + value;
    header->value_len = end - value;
    return 0;
}

static int named(const chs_header *header, const char *name, size_t name_len) {
    return header->name_len == name_len && strncasecmp(header->name, name, name_len) == 0;
}

/* -1 when this field makes the head's framing ambiguous, given what came before it. */
static int check_framing(const chs_header *header, int *lengths, int *encodings) {
    if (named(header, "Content-Length", 14)) {
        if (header->value_len == 0 || ++*lengths > 1) return -1;
        for (size_t i = 0; i < header->value_len; i++)
            if (header->value[i] < '0' || header->value[i] > '9') return -1; /* also "0, 0" lists */
    } else if (named(header, "Transfer-Encoding", 17)) {
        ++*encodings;
    }
    return *lengths && *encodings ? -1 : 0;
}

int chs_http1_parse(const char *buf, size_t len, chs_http1_request *request) {
    size_t capacity = request->num_headers, count = 0, pos = 0;
    int lengths = 0, encodings = 0;
    request->num_headers = 0;
    /* RFC 9112 §2.2: ignore at least one empty line before the request line. */
    while (pos < len && (buf[pos] == '\r' || buf[pos] == '\n')) {
        if (buf[pos] == '\r' && pos + 1 < len && buf[pos + 1] != '\n') return CHS_PARSE_ERROR;
        pos++;
    }
    size_t line_start = pos;
    long line_len = take_line(buf, len, &pos);
    if (line_len < 0) return (int)line_len;
    if (parse_request_line(buf + line_start, (size_t)line_len, request) != 0) return CHS_PARSE_ERROR;
    for (;;) {
        line_start = pos;
        line_len = take_line(buf, len, &pos);
        if (line_len < 0) return (int)line_len;
        if (line_len == 0) break;
        if (buf[line_start] == ' ' || buf[line_start] == '\t') return CHS_PARSE_ERROR; /* obs-fold */
        if (count == capacity) return CHS_PARSE_TOO_MANY_HEADERS;
        if (parse_header(buf + line_start, (size_t)line_len, &request->headers[count]) != 0) return CHS_PARSE_ERROR;
        if (check_framing(&request->headers[count], &lengths, &encodings) != 0) return CHS_PARSE_ERROR;
        count++;
    }
    request->num_headers = count;
    return (int)pos;
}
