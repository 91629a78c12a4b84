/* The C tests' one assertion, shared by every test program scripts/test-c builds: CHECK counts the check,
 * reports a failure with its file and line and goes on, and check_report() ends main with the counts (exit
 * status 1 if any failed). Header-only: each test is a program of its own. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

static int failures = 0, checks = 0;

#define CHECK(cond, ...)                                                                                    \
    do {                                                                                                    \
        checks++;                                                                                           \
        if (!(cond)) {                                                                                      \
            failures++;                                                                                     \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                           \
            fprintf(stderr, __VA_ARGS__);                                                                   \
            fputc('\n', stderr);                                                                            \
        }                                                                                                   \
    } while (0)

static inline int check_report(const char *test) {
    if (failures) {
        fprintf(stderr, "%s: %d of %d checks failed\n", test, failures, checks);
        return 1;
    }
    printf("%s: %d checks passed\n", test, checks);
    return 0;
}

#endif
