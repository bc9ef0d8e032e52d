/* Preloaded into mfad by test_durability: a disk that hangs or fails on
 * fdatasync, while a file the test creates exists (MFA_TEST_SYNC_HANG,
 * MFA_TEST_SYNC_FAIL). Nothing else in mfad changes. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int present(const char* variable) {
    const char* path = getenv(variable);
    return path != NULL && access(path, F_OK) == 0;
}

int fdatasync(int fd) {
    static int (*real)(int) = NULL;
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    while (present("MFA_TEST_SYNC_HANG")) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    if (present("MFA_TEST_SYNC_FAIL")) {
        errno = EIO;
        return -1;
    }
    return real(fd);
}
