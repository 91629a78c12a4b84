/* sleepers N: forks N children that sleep until killed, prints "ready" when all exist, then waits for
 * stdin to close and kills them. The cheapest process there is, so that scripts/bench can put 1,000 or
 * 10,000 extra processes on the host without the load itself skewing what is measured. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int count = argc > 1 ? atoi(argv[1]) : 0;
    pid_t *children = calloc((size_t)count, sizeof *children);
    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            count = i;
            break;
        }
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            for (;;) pause();
        }
        children[i] = pid;
    }
    printf("ready %d\n", count);
    fflush(stdout);
    char buffer[64];
    while (read(0, buffer, sizeof buffer) > 0) {}
    for (int i = 0; i < count; i++) kill(children[i], SIGKILL);
    while (wait(NULL) > 0) {}
    return 0;
}
