#define _GNU_SOURCE
#include "csc.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

int csc_release_file_pages(const struct csc_range *ranges, int range_count, const int *files, int file_count) {
    int failure = 0;
    for (int i = 0; i < range_count; i++) {
        void *start = (void *)ranges[i].start;
        (void)madvise(start, ranges[i].length, MADV_RANDOM);
        if (madvise(start, ranges[i].length, MADV_DONTNEED) != 0 && !failure) failure = errno;
    }
    for (int i = 0; i < file_count; i++) (void)posix_fadvise(files[i], 0, 0, POSIX_FADV_DONTNEED);
    return failure;
}
