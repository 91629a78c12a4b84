/* System calls whose declarations Swift's Glibc module leaves out (sys/timex.h), wrapped so Swift sees only
 * plain structs of fixed meaning. */
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

#endif
