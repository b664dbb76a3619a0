/* Small helpers of the shim: errors, files, the answers to the engine, signals. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"
#include "utils.h"

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "berth-shim: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t) r;
    }
    close(fd);
    *len = n;
    return buf;
}

int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

void reply(int fd, const char *fmt, ...)
{
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0 && write(fd, buf, (size_t) (n < (int) sizeof buf ? n : (int) sizeof buf - 1)) < 0) {
        /* The engine went away; the exit file still tells. */
    }
}

/*
 * Replaces a file in the state directory atomically. No fsync: the state directory lives under the
 * run root, which a host restart empties anyway (/run is a tmpfs); the rename is what makes a
 * crash of the shim or the engine leave the old file or the new one, never a torn one.
 */
void write_state_file(const char *name, const char *content)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", state_dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", state_dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    size_t len = strlen(content);
    if (write(fd, content, len) != (ssize_t) len) {
        close(fd);
        unlink(tmp);
        return;
    }
    close(fd);
    rename(tmp, path);
}

/*
 * The shim inherits the engine's ignored signals (SIGINT for a daemon started in the background
 * by a shell, SIGHUP under nohup; 32 and 33, glibc's own, which the JVM's posix_spawn leaves
 * ignored) and the mask it was started with, and an ignored signal stays ignored across exec.
 * glibc's sigaction() refuses 32 and 33, so this is the raw system call, with the kernel's struct
 * sigaction all zeros: SIG_DFL, no flags, an empty mask, whatever the architecture's layout.
 */
int reset_signals(void)
{
    unsigned long dfl[16];
    memset(dfl, 0, sizeof dfl);
    for (int sig = 1; sig < _NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        if (syscall(SYS_rt_sigaction, sig, dfl, NULL, (_NSIG - 1) / 8) < 0)
            return -1;
    }
    sigset_t none;
    sigemptyset(&none);
    return sigprocmask(SIG_SETMASK, &none, NULL);
}
