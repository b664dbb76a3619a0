/*
 * The container's first process. The shim clones it into the container's namespaces (or, for
 * exec, into a running container's pid namespace) and its cgroup2 cgroup; the child joins the rest
 * itself, mounts, pivots into the rootfs, drops its privileges, reports ready and waits for the
 * shim's word to exec. What fails before exec goes to the shim over the errors pipe (fail()).
 *
 * With a user namespace of its own the child is cloned into it too; the shim writes its uid and
 * gid maps before its 'C', and the child becomes the namespace's root before anything else.
 *
 * The sync protocol, over struct pipes:
 *   shim -> child  'C'   the shim moved it into its cgroups (and wrote its user namespace's maps):
 *                        it may join its own and go on
 *   child -> shim  'R'   ready to exec (or the pipe closes: it failed, the errors pipe says why)
 *   shim -> child  'E'   exec (the engine said start); the exec closes the errors pipe
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups.h"
#include "console.h"
#include "container.h"
#include "seccomp_filter.h"
#include "mounts.h"
#include "process.h"
#include "shim.h"
#include "utils.h"

static int error_fd = -1; /* child -> shim: what failed before exec */

/* ------------------------------------------------------------------ the child's side */

void fail(int code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (n >= (int) sizeof msg)
        n = sizeof msg - 1;
    char out[1100];
    int m = snprintf(out, sizeof out, "%d %.*s", code, n, msg);
    if (write(error_fd, out, (size_t) m) < 0) {
        /* Nobody to tell. */
    }
    _exit(code);
}

void wait_for(int fd, char expected)
{
    char c;
    ssize_t n;
    do {
        n = read(fd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1 || c != expected)
        _exit(1); /* the shim went away: nothing to report to */
}

/* A new network namespace has a loopback interface that is down; containers expect it up. */
static void loopback_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fail(1, "socket for lo: %s", strerror(errno));
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    CHECK(ioctl(fd, SIOCGIFFLAGS, &ifr), "get flags of lo");
    ifr.ifr_flags |= IFF_UP;
    CHECK(ioctl(fd, SIOCSIFFLAGS, &ifr), "bring lo up");
    close(fd);
}

/*
 * The container's user namespace, once the shim wrote its maps: its root, whose capabilities it
 * keeps (its ids were the host's root, not the namespace's), before it mounts or makes anything.
 */
static void become_namespace_root(void)
{
    CHECK(setresgid(0, 0, 0), "setgid 0 in the user namespace");
    CHECK(setgroups(0, NULL), "setgroups in the user namespace");
    CHECK(setresuid(0, 0, 0), "setuid 0 in the user namespace");
}

/*
 * The engine's network namespace if it made one, else the container's own, with lo up. With a
 * user namespace the child was born in the engine's (see container_create): joining it from the
 * container's user namespace is not allowed.
 */
static void set_up_network(void)
{
    if (netns != NULL && uid_map == NULL) {
        int fd = open(netns, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            fail(1, "open %s: %s", netns, strerror(errno));
        CHECK(setns(fd, CLONE_NEWNET), "setns %s", netns);
        close(fd);
    }
    if (netns == NULL && (namespaces & CLONE_NEWNET))
        loopback_up();
}

static int mounts_cgroupfs(const struct op *o)
{
    return !strcmp(o->name, "mount") && o->argc == 5
           && (!strcmp(o->argv[2], "cgroup") || !strcmp(o->argv[2], "cgroup2"));
}

/* The rootfs and what the spec mounts and makes in it, from the host's side. */
static void prepare_rootfs(void)
{
    CHECK(mount(NULL, "/", NULL, root_propagation, NULL), "set the propagation of /");
    if (root_propagation & MS_SHARED) {
        /* pivot_root refuses a shared new root or parent: the root is bound twice, the first made private. */
        CHECK(mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL), "bind rootfs %s", rootfs);
        CHECK(mount(NULL, rootfs, NULL, MS_PRIVATE, NULL), "make rootfs %s private", rootfs);
    }
    CHECK(mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL), "bind rootfs %s", rootfs);
    for (int i = 0; i < nops; i++) {
        if (mounts_cgroupfs(&ops[i]))
            join_cgroups();
        apply_op(&ops[i]);
    }
    join_cgroups();
}

/* Into the rootfs, the host's root detached; then what the spec hides or makes read-only there. */
static void pivot_into_rootfs(void)
{
    CHECK(chdir(rootfs), "chdir %s", rootfs);
    CHECK(syscall(SYS_pivot_root, ".", "."), "pivot_root %s", rootfs);
    CHECK(umount2(".", MNT_DETACH), "detach the old root");
    CHECK(chdir("/"), "chdir /");
    if (readonly_rootfs)
        CHECK(remount_bind("/", MS_RDONLY), "remount / read-only");
    for (int i = 0; i < nops; i++)
        apply_late_op(&ops[i]);
}

/*
 * The working directory, entered as runc does: first as root, before the user is set, so that one
 * the user cannot enter works (-u nobody -w /root); only if root is refused (EACCES or EPERM: a
 * directory on a file system that does not trust root, say) again once the user is set, which
 * finish_cwd() does. Returns whether it must.
 */
static int enter_cwd_as_root(void)
{
    if (chdir(cwd) == 0)
        return 0;
    if (errno != EACCES && errno != EPERM)
        fail(1, "chdir to working directory %s: %s", cwd, strerror(errno));
    return 1;
}

static void finish_cwd(int again)
{
    if (again && chdir(cwd) < 0)
        fail(1, "chdir to working directory %s: %s", cwd, strerror(errno));
}

/* Ready: tell the shim, exec when it says so. */
static int run_when_told(struct child_args *a)
{
    /* When the shim dies the process dies with it; set after the credentials changed, which resets it. */
    CHECK(prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0), "prctl PR_SET_PDEATHSIG");
    if (write(a->sync_write, "R", 1) != 1)
        _exit(1);
    wait_for(a->sync_read, 'E');
    if (no_new_privs)
        install_seccomp(); /* the last step: from here on the process is as it will run */
    exec_command();
    return 1;
}

/* The namespaces a process added to a running container joins, in this order, the mount namespace last. */
static const char *ns_kinds[] = {"cgroup", "ipc", "uts", "net", "mnt"};
static const int ns_types[] = {CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWNS};

/* The container's user namespace, when it is not the shim's: open, else -1. */
static int open_user_namespace(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int) join_pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail(1, "open %s: %s", path, strerror(errno));
    struct stat theirs, ours;
    CHECK(fstat(fd, &theirs), "stat %s", path);
    CHECK(stat("/proc/self/ns/user", &ours), "stat /proc/self/ns/user");
    if (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino) {
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * A process added to a running container (exec): in its cgroups (joined before anything else,
 * while the host's cgroup paths are visible), then its namespaces, the mount namespace last but
 * for the user namespace: the host's root may join those the container's user namespace owns,
 * the container's root could not. The pid namespace is the shim's own since before the fork.
 */
static int exec_child_main(struct child_args *a)
{
    int fds[5];
    for (int i = 0; i < 5; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) join_pid, ns_kinds[i]);
        fds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0)
            fail(1, "open %s: %s", path, strerror(errno));
    }
    int userns = open_user_namespace();
    join_cgroups();
    for (int i = 0; i < 5; i++) {
        CHECK(setns(fds[i], ns_types[i]), "join the container's %s namespace", ns_kinds[i]);
        close(fds[i]);
    }
    if (userns >= 0) {
        CHECK(setns(userns, CLONE_NEWUSER), "join the container's user namespace");
        close(userns);
        become_namespace_root();
    }
    for (int i = 0; i < nops; i++)
        if (!strcmp(ops[i].name, "rlimit"))
            apply_late_op(&ops[i]);
    setup_stdio(a, 0);
    int again = enter_cwd_as_root();
    if (!no_new_privs)
        install_seccomp(); /* without no_new_privs only CAP_SYS_ADMIN may, as runc does it */
    drop_privileges();
    finish_cwd(again);
    return run_when_told(a);
}

int child_main(void *arg)
{
    struct child_args *a = arg;
    /*
     * Not the shim's signals (SIGCHLD blocked) nor the engine's (its ignored ones): a container's
     * processes, its init and those exec adds, start with every signal at its default, as with runc.
     */
    CHECK(reset_signals(), "reset the signal dispositions and mask");
    join_cgroups_when_told(a->sync_read);
    if (join_pid > 0)
        return exec_child_main(a);
    if (uid_map != NULL) {
        /*
         * Nothing can be done in the user namespace before its maps are written, which the
         * shim's 'C' says: the cgroups are joined at once (as the host's root still, whom the
         * v1 "tasks" files let in), then the child becomes the namespace's root.
         */
        join_cgroups();
        become_namespace_root();
    }
    set_up_network();
    prepare_rootfs();
    if (hostname_value != NULL)
        CHECK(sethostname(hostname_value, strlen(hostname_value)), "sethostname");
    pivot_into_rootfs();
    setup_stdio(a, 1);
    int again = enter_cwd_as_root();
    if (!no_new_privs)
        install_seccomp(); /* without no_new_privs only CAP_SYS_ADMIN may, as runc does it */
    drop_privileges();
    finish_cwd(again);
    return run_when_told(a);
}

/* ------------------------------------------------------------------ the shim's side */

/* exec: the process is born in the container's pid namespace, it joins the others itself. */
static int join_pid_namespace(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int) join_pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWPID) < 0) {
        reply(1, "error 1 join the container's pid namespace: %s\n", strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

/*
 * With a user namespace, the engine's network namespace is joined by the shim for the clone, so
 * that the child is born in it (the container's root could not join it), and left at once for
 * the shim's own, kept open in *own: 0, or -1 after replying the error.
 */
static int enter_engine_netns(int *own)
{
    *own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int fd = open(netns, O_RDONLY | O_CLOEXEC);
    if (*own < 0 || fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
        reply(1, "error 1 join the network namespace %s: %s\n", netns, strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

static int leave_engine_netns(int own)
{
    if (setns(own, CLONE_NEWNET) < 0) {
        reply(1, "error 1 return to the shim's network namespace: %s\n", strerror(errno));
        return -1;
    }
    close(own);
    return 0;
}

/* Writes the user namespace's maps of the child (as the host's root): 0, or -1 after replying the error. */
static int write_id_maps(pid_t child)
{
    const char *files[] = {"uid_map", "gid_map"};
    const char *maps[] = {uid_map, gid_map};
    for (int i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/%s", (int) child, files[i]);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        /* In one write: the kernel takes a map once, whole. */
        if (fd < 0 || write(fd, maps[i], strlen(maps[i])) != (ssize_t) strlen(maps[i])) {
            reply(1, "error 1 write %s: %s\n", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
    }
    return 0;
}

/* Born in the cgroup2 cgroup if the kernel can (*born_in says which), else cloned on a stack of its own. */
static pid_t clone_child(int flags, struct child_args *cargs, int *born_in)
{
    pid_t child = clone_into_cgroup2(flags, cargs, born_in);
    if (child < 0) {
        size_t stack_size = 1 << 20;
        char *stack = malloc(stack_size);
        child = clone(child_main, stack + stack_size, flags, cargs);
    }
    return child;
}

static void close_child_ends(struct pipes *p)
{
    close(p->to_child[0]);
    close(p->from_child[1]);
    close(p->errors[1]);
    close(p->out[1]);
    close(p->err[1]);
    if (p->in[0] >= 0)
        close(p->in[0]);
    if (p->console[1] >= 0)
        close(p->console[1]);
}

/* The child is ready to exec, or failed: 0, or -1 after replying what failed. */
static int wait_until_ready(struct pipes *p, pid_t child)
{
    char c;
    ssize_t n;
    do {
        n = read(p->from_child[0], &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) {
        char msg[1100] = "1 container set-up failed";
        ssize_t m = read(p->errors[0], msg, sizeof msg - 1);
        if (m > 0)
            msg[m] = 0;
        waitpid(child, NULL, 0);
        reply(1, "error %s\n", msg);
        return -1;
    }
    return 0;
}

pid_t container_create(struct pipes *p)
{
    struct child_args cargs = {p->to_child[0], p->from_child[1], p->out[1], p->err[1], p->in[0], p->console[1]};
    error_fd = p->errors[1];
    int flags = (namespaces & ~CLONE_NEWCGROUP) | SIGCHLD;
    if (netns != NULL)
        flags &= ~CLONE_NEWNET;
    if (uid_map != NULL)
        flags |= CLONE_NEWUSER;
    if (join_pid > 0) {
        if (join_pid_namespace() < 0)
            return -1;
        flags = SIGCHLD;
    }
    int own_netns = -1;
    if ((flags & CLONE_NEWUSER) && netns != NULL && enter_engine_netns(&own_netns) < 0)
        return -1;
    int born_in;
    pid_t child = clone_child(flags, &cargs, &born_in);
    int clone_errno = errno;
    if (own_netns >= 0 && leave_engine_netns(own_netns) < 0) {
        if (child > 0) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
        }
        return -1;
    }
    if (child < 0) {
        reply(1, "error 1 clone: %s\n", strerror(clone_errno));
        return -1;
    }
    close_child_ends(p);
    /* Into the cgroup2 cgroup unless born there (the child joins v1 ones itself), then let it go on. */
    if (move_into_cgroups(child, born_in) < 0)
        return -1;
    if ((flags & CLONE_NEWUSER) && write_id_maps(child) < 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return -1;
    }
    if (write(p->to_child[1], "C", 1) != 1)
        die("sync: %s", strerror(errno));
    if (wait_until_ready(p, child) < 0)
        return -1;
    return child;
}

int container_start(struct pipes *p, pid_t child)
{
    if (write(p->to_child[1], "E", 1) != 1) {
        reply(1, "error 1 the container's init went away\n");
        return -1;
    }
    /* The exec closes the errors pipe; anything read is why it failed. */
    char msg[1100];
    ssize_t m;
    do {
        m = read(p->errors[0], msg, sizeof msg - 1);
    } while (m < 0 && errno == EINTR);
    if (m > 0) {
        msg[m] = 0;
        waitpid(child, NULL, 0);
        reply(1, "error %s\n", msg);
        return -1;
    }
    close(p->errors[0]);
    return 0;
}
