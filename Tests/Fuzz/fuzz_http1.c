/* libFuzzer target: the HTTP/1.1 request-head parser on arbitrary bytes. The input is copied into a heap
 * buffer of exactly its size so AddressSanitizer sees any read past the end. */
#include "chs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    chs_header headers[16];
    chs_http1_request request = {.headers = headers, .num_headers = 16};
    int rc = chs_http1_parse(copy, size, &request);
    if (rc > 0) {
        /* Everything it points at lies inside the consumed bytes. */
        if ((size_t)rc > size || request.method < copy || request.target + request.target_len > copy + rc) abort();
        for (size_t i = 0; i < request.num_headers; i++)
            if (headers[i].value + headers[i].value_len > copy + rc) abort();
    }
    free(copy);
    return 0;
}
