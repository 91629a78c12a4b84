/* pthread_setname_np, a GNU extension that Swift's Glibc module leaves out. */
#ifndef CSC_THREAD_H
#define CSC_THREAD_H

/* Names the calling thread (at most 15 bytes are kept), as top -H and /proc/PID/task/TID/comm show it.
 * 0, or an errno value. */
int csc_name_this_thread(const char *name);

#endif
