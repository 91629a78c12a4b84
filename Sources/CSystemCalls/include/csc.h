/* System calls and glibc functions whose declarations Swift's Glibc module leaves out (sys/timex.h,
 * malloc.h), wrapped so Swift sees only plain structs of fixed meaning. */
#ifndef CSC_H
#define CSC_H

/* What adjtimex(2) reports of the kernel clock discipline, field for field as struct timex has them. */
struct csc_timex {
    int state; /* the call's return: TIME_OK ... TIME_ERROR (5) */
    int status; /* STA_* bits; STA_NANO says offset and jitter are in ns rather than us */
    long offset, freq, maxerror, esterror;
    long constant, precision, tolerance, tick;
    long ppsfreq, jitter, stabil, jitcnt, calcnt, errcnt, stbcnt;
    int shift, tai;
};

/* Reads the clock discipline without changing it (modes = 0, which needs no privilege). 0, or -1 with errno. */
int csc_read_timex(struct csc_timex *out);

/* glibc's malloc_trim(0): gives the free pages inside every heap arena back to the kernel. */
void csc_malloc_trim(void);

/* A range of this process's address space. */
struct csc_range {
    unsigned long start, length;
};

/* For each range, madvise MADV_RANDOM then MADV_DONTNEED; then posix_fadvise(POSIX_FADV_DONTNEED) on each
 * descriptor's whole file. In one C function so that as little as possible runs between the unmapping and
 * the dropping of the page cache: code that runs in between is mapped back, and what is mapped cannot be
 * dropped. 0, or the errno of the first madvise that failed (the rest are still tried). */
int csc_release_file_pages(const struct csc_range *ranges, int range_count, const int *files, int file_count);

#endif
