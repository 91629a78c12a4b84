/* adjtimex(2) in read-only mode: modes = 0 asks for the state and changes nothing. */
#define _GNU_SOURCE
#include "csc.h"

#include <string.h>
#include <sys/timex.h>

int csc_read_timex(struct csc_timex *out) {
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    tx.modes = 0;
    int state = adjtimex(&tx);
    if (state < 0) return -1;
    out->state = state;
    out->status = tx.status;
    out->offset = tx.offset;
    out->freq = tx.freq;
    out->maxerror = tx.maxerror;
    out->esterror = tx.esterror;
    out->constant = tx.constant;
    out->precision = tx.precision;
    out->tolerance = tx.tolerance;
    out->tick = tx.tick;
    out->ppsfreq = tx.ppsfreq;
    out->jitter = tx.jitter;
    out->stabil = tx.stabil;
    out->jitcnt = tx.jitcnt;
    out->calcnt = tx.calcnt;
    out->errcnt = tx.errcnt;
    out->stbcnt = tx.stbcnt;
    out->shift = tx.shift;
    out->tai = tx.tai;
    return 0;
}
