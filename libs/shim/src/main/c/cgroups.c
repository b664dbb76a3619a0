/*
 * The container's cgroups. The cgroup2 cgroup: the child is born in it (clone3, Linux 5.7+) or the
 * shim moves it there. The v1 hierarchies ("tasks" files): the child joins them itself. Then the
 * child takes a cgroup namespace rooted there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups.h"
#include "container.h"
#include "shim.h"
#include "utils.h"

static int cgroup_sync_fd = -1;

/* A cgroup v1 "tasks" file, which a thread joins by itself; cgroup2 has "cgroup.procs". */
static int is_tasks_file(const char *path)
{
    return ends_with(path, "/tasks");
}

/* ------------------------------------------------------------------ the child's side */

void join_cgroups_when_told(int fd)
{
    cgroup_sync_fd = fd;
}

/*
 * Joins the container's cgroups, then takes a cgroup namespace rooted there. The shim may have to
 * move the child into the cgroup2 cgroup (when the kernel cannot create it there), which waits
 * for an RCU grace period, so the child sets up what does not depend on its cgroups meanwhile and
 * joins only here: before the first cgroup filesystem it mounts, or before pivot_root.
 */
void join_cgroups(void)
{
    if (cgroup_sync_fd < 0)
        return;
    wait_for(cgroup_sync_fd, 'C');
    cgroup_sync_fd = -1;
    /*
     * The v1 hierarchies are joined by the process itself: a thread moving itself ("0" into
     * tasks) does not take the kernel's global thread-group lock, so it does not wait for the
     * grace period that moving another process costs.
     */
    for (int i = 0; i < ncgroups; i++) {
        if (!is_tasks_file(cgroup_procs[i]))
            continue;
        int fd = open(cgroup_procs[i], O_WRONLY | O_CLOEXEC);
        CHECK(fd < 0 ? -1 : (int) write(fd, "0", 1), "join cgroup %s", cgroup_procs[i]);
        close(fd);
    }
    if (namespaces & CLONE_NEWCGROUP)
        CHECK(unshare(CLONE_NEWCGROUP), "unshare cgroup namespace");
}

/* ------------------------------------------------------------------ the shim's side */

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The clone3 arguments (linux/sched.h's struct clone_args, up to the cgroup field). */
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/*
 * Creates a process directly in a cgroup2 cgroup (Linux 5.7+): no migration, so no wait for the
 * RCU grace period that moving a process into a cgroup costs. Fork-like: 0 in the child, which
 * goes on on a copy of this stack. -1 when the kernel cannot, for the caller to clone and
 * migrate instead.
 */
static long clone3_into(int flags, int cgroup_fd)
{
#ifdef SYS_clone3
    struct clone3_args ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = ((uint64_t) flags & ~(uint64_t) CSIGNAL) | CLONE_INTO_CGROUP;
    ca.exit_signal = SIGCHLD;
    ca.cgroup = (uint64_t) cgroup_fd;
    return syscall(SYS_clone3, &ca, sizeof ca);
#else
    (void) flags, (void) cgroup_fd;
    errno = ENOSYS;
    return -1;
#endif
}

/*
 * Fork-like (0 in the child) into the first cgroup2 cgroup of the spec that the kernel lets it
 * (*born_in: its index, or -1); -1 when it cannot.
 */
static pid_t clone3_into_cgroup2(int flags, int *born_in)
{
    *born_in = -1;
    for (int i = 0; i < ncgroups; i++) {
        size_t len = strlen(cgroup_procs[i]);
        if (!ends_with(cgroup_procs[i], "/cgroup.procs"))
            continue;
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%.*s", (int) (len - 13), cgroup_procs[i]);
        int cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cgroup_fd < 0)
            return -1;
        long r = clone3_into(flags, cgroup_fd);
        if (r >= 0)
            *born_in = i;
        close(cgroup_fd);
        return r < 0 ? -1 : (pid_t) r;
    }
    return -1;
}

/* The container's init: the child runs child_main. */
pid_t clone_into_cgroup2(int flags, struct child_args *cargs, int *born_in)
{
    pid_t child = clone3_into_cgroup2(flags, born_in);
    if (child == 0)
        _exit(child_main(cargs));
    return child;
}

pid_t fork_into_cgroup2(int *born_in)
{
    pid_t child = clone3_into_cgroup2(0, born_in);
    return child >= 0 ? child : fork();
}

const char *join_cgroups_itself(int born_in)
{
    for (int i = 0; i < ncgroups; i++) {
        if (i == born_in)
            continue;
        int fd = open(cgroup_procs[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) < 0) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            errno = e;
            return cgroup_procs[i];
        }
        close(fd);
    }
    return NULL;
}

int move_into_cgroups(pid_t child, int born_in)
{
    char pidbuf[32];
    snprintf(pidbuf, sizeof pidbuf, "%d", child);
    for (int i = 0; i < ncgroups; i++) {
        if (i == born_in || is_tasks_file(cgroup_procs[i]))
            continue;
        int fd = open(cgroup_procs[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, pidbuf, strlen(pidbuf)) < 0) {
            reply(1, "error 1 join cgroup %s: %s\n", cgroup_procs[i], strerror(errno));
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            return -1;
        }
        close(fd);
    }
    return 0;
}
