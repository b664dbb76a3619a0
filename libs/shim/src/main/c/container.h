/*
 * The container's first process: the shim's side (clone it into its namespaces and cgroups, let it
 * exec) and the child's (set up the container, then exec its command).
 */
#ifndef BERTH_CONTAINER_H
#define BERTH_CONTAINER_H

#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include "shim.h"

/* What the child gets from the shim: its ends of struct pipes. */
struct child_args {
    int sync_read;   /* shim -> child */
    int sync_write;  /* child -> shim */
    int out_fd, err_fd;
    int stdin_fd;    /* the read end of the stdin pipe, or -1 */
    int console_fd;  /* child -> shim: the pty master, passed over this socket */
};

/*
 * The shim's side. container_create() returns the child's pid once it is ready to exec, or -1
 * after replying the error; container_start() lets it exec: 0, or -1 after replying the error.
 */
pid_t container_create(struct pipes *p);
int container_start(struct pipes *p, pid_t child);

/* The child's side, from clone(): a new container's init, or a process joining a running one. */
int child_main(void *arg);

/* In the child: reports a failure of the container's set-up to the shim and ends the child. */
void fail(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

#define CHECK(call, what, ...) \
    do { \
        if ((call) < 0) \
            fail(1, what ": %s", ##__VA_ARGS__, strerror(errno)); \
    } while (0)

/* In the child: waits for the shim's go; ends the child if the shim went away. */
void wait_for(int fd, char expected);

#endif
