/* pthread_setname_np, which Swift's Glibc module leaves out (it is a GNU extension). */
#define _GNU_SOURCE
#include "csc_thread.h"

#include <pthread.h>
#include <string.h>

int csc_name_this_thread(const char *name) {
    char kept[16];
    strncpy(kept, name, sizeof kept - 1);
    kept[sizeof kept - 1] = 0;
    return pthread_setname_np(pthread_self(), kept);
}
