/*
 * berth-shim: runs one container and stays as its parent, independent of the JVM.
 *
 * Java decides everything and writes it to STATE_DIR/spec; the shim only does what Java cannot do
 * safely: clone the namespaces, join the cgroups, mount, pivot_root, drop privileges and exec. It
 * then keeps the container's output flowing into the json-file log (with rotation), serves
 * STATE_DIR/shim.sock (wait, state, attach), and records the exit status in STATE_DIR/exit.
 *
 * Start-up, as seen by the engine (stdin and stdout of the first process are pipes from Java):
 *   berth-shim STATE_DIR
 *     -> "pid N\n"            the container's init exists (namespaces, cgroups, mounts done),
 *                             waiting; the engine may now set up its network namespace
 *     <- "start\n"            the engine says go
 *     -> "started\n"          the command was exec'ed, or
 *     -> "error CODE MESSAGE\n" it was not (CODE: 127 not found, 126 not executable, 1 other);
 *                             the message names the call and the errno.
 * The first process exits once the answer is given; the shim proper lives on in its own session.
 *
 * The spec is a sequence of NUL-terminated strings: a directive, the number of its arguments,
 * then the arguments. Directives are listed in apply_directive() and parse_spec().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sys/ioctl.h>

#define MAX_ITEMS 4096
#define MAX_CLIENTS 64
#define LINE_MAX_BYTES 16384

/* ------------------------------------------------------------------ the spec */

struct op {
    const char *name;
    int argc;
    char **argv;
};

static struct op ops[MAX_ITEMS];
static int nops;
static char *args[MAX_ITEMS];
static int nargs;
static char *envs[MAX_ITEMS];
static int nenvs;
static const char *cgroup_procs[64];
static int ncgroups;
static const char *rootfs, *hostname_value, *cwd = "/", *log_path, *netns;
static int readonly_rootfs, no_new_privs, namespaces;
static uid_t uid;
static gid_t gid;
static gid_t groups[256];
static int ngroups;
static uint64_t caps;
static long long log_max_size;
static int log_max_files = 1;
static const char *state_dir;
static int terminal, open_stdin, stdin_once;
static pid_t join_pid; /* exec: the container init whose namespaces the process joins */
static unsigned short term_rows, term_cols;
/* OCI mode: an OCI runtime binary (runc, crun) makes the container; the shim stays its parent. */
static const char *oci_runtime, *oci_root, *oci_id, *oci_mode, *oci_path, *oci_empty;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "berth-shim: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static char *read_file(const char *path, size_t *len)
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

static void parse_spec(const char *path)
{
    size_t len;
    char *buf = read_file(path, &len);
    if (buf == NULL)
        die("cannot read %s: %s", path, strerror(errno));
    size_t pos = 0;
    while (pos < len) {
        char *name = buf + pos;
        pos += strlen(name) + 1;
        if (pos >= len)
            die("spec: truncated after %s", name);
        int argc = atoi(buf + pos);
        pos += strlen(buf + pos) + 1;
        char **argv = calloc((size_t) argc + 1, sizeof(char *));
        for (int i = 0; i < argc; i++) {
            if (pos >= len)
                die("spec: %s lacks arguments", name);
            argv[i] = buf + pos;
            pos += strlen(buf + pos) + 1;
        }
        if (!strcmp(name, "arg")) {
            args[nargs++] = argv[0];
        } else if (!strcmp(name, "env")) {
            envs[nenvs++] = argv[0];
        } else if (!strcmp(name, "rootfs")) {
            rootfs = argv[0];
            readonly_rootfs = atoi(argv[1]);
        } else if (!strcmp(name, "hostname")) {
            hostname_value = argv[0];
        } else if (!strcmp(name, "cwd")) {
            cwd = argv[0];
        } else if (!strcmp(name, "user")) {
            uid = (uid_t) strtoul(argv[0], NULL, 10);
            gid = (gid_t) strtoul(argv[1], NULL, 10);
            for (int i = 2; i < argc && ngroups < 256; i++)
                groups[ngroups++] = (gid_t) strtoul(argv[i], NULL, 10);
        } else if (!strcmp(name, "caps")) {
            caps = strtoull(argv[0], NULL, 16);
        } else if (!strcmp(name, "no-new-privileges")) {
            no_new_privs = atoi(argv[0]);
        } else if (!strcmp(name, "namespaces")) {
            namespaces = (int) strtol(argv[0], NULL, 16);
        } else if (!strcmp(name, "netns")) {
            netns = argv[0];
        } else if (!strcmp(name, "cgroup")) {
            if (ncgroups < 64)
                cgroup_procs[ncgroups++] = argv[0];
        } else if (!strcmp(name, "join")) {
            join_pid = (pid_t) atoi(argv[0]);
        } else if (!strcmp(name, "terminal")) {
            terminal = 1;
            term_rows = (unsigned short) atoi(argv[0]);
            term_cols = (unsigned short) atoi(argv[1]);
        } else if (!strcmp(name, "stdin")) {
            open_stdin = 1;
            stdin_once = atoi(argv[0]);
        } else if (!strcmp(name, "oci")) {
            /* runtime, its state root, container id, "create" BUNDLE or "exec" PROCESS.json,
               and an empty file to show as the unified hierarchy's cgroup.controllers, or "". */
            if (argc != 6)
                die("spec: oci needs 6 arguments");
            oci_runtime = argv[0];
            oci_root = argv[1];
            oci_id = argv[2];
            oci_mode = argv[3];
            oci_path = argv[4];
            oci_empty = argv[5][0] ? argv[5] : NULL;
        } else if (!strcmp(name, "log")) {
            log_path = argv[0];
            log_max_size = atoll(argv[1]);
            log_max_files = atoi(argv[2]);
        } else {
            if (nops == MAX_ITEMS)
                die("spec: too many operations");
            ops[nops].name = name;
            ops[nops].argc = argc;
            ops[nops].argv = argv;
            nops++;
        }
        if (nargs >= MAX_ITEMS - 1 || nenvs >= MAX_ITEMS - 1)
            die("spec: too many arguments or variables");
    }
    if (oci_runtime == NULL && ((rootfs == NULL && join_pid <= 0) || nargs == 0))
        die("spec: no rootfs or no command");
}

/* ------------------------------------------------------------------ the container's init */

static int error_fd = -1; /* child -> shim: what failed before exec */

/* Reports a failure of the container's set-up to the shim and ends the child. */
static void fail(int code, const char *fmt, ...)
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

#define CHECK(call, what, ...) \
    do { \
        if ((call) < 0) \
            fail(1, what ": %s", ##__VA_ARGS__, strerror(errno)); \
    } while (0)

static void mkdirs(const char *path, mode_t mode)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
                fail(1, "mkdir %s: %s", tmp, strerror(errno));
            *p = '/';
        }
    }
    if (mkdir(tmp, mode) < 0 && errno != EEXIST)
        fail(1, "mkdir %s: %s", tmp, strerror(errno));
}

/* The target inside the new root, as a path under the old one (before pivot_root). */
static void in_root(char *out, size_t size, const char *path)
{
    snprintf(out, size, "%s%s", rootfs, path);
}

static void ensure_target(const char *target, const char *source, unsigned long flags)
{
    struct stat st;
    if (lstat(target, &st) == 0)
        return;
    int is_file = 0;
    if ((flags & MS_BIND) && source != NULL && stat(source, &st) == 0 && !S_ISDIR(st.st_mode))
        is_file = 1;
    if (is_file) {
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%s", target);
        char *slash = strrchr(parent, '/');
        if (slash != NULL && slash != parent) {
            *slash = 0;
            mkdirs(parent, 0755);
        }
        int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0)
            fail(1, "create mount point %s: %s", target, strerror(errno));
        close(fd);
    } else {
        mkdirs(target, 0755);
    }
}

/* Applies one operation of the spec, before pivot_root. */
static void apply_op(struct op *o)
{
    char target[PATH_MAX];
    if (!strcmp(o->name, "mount") && o->argc == 5) {
        /* mount SOURCE TARGET FSTYPE FLAGS DATA */
        in_root(target, sizeof target, o->argv[1]);
        unsigned long flags = strtoul(o->argv[3], NULL, 10);
        const char *data = o->argv[4][0] ? o->argv[4] : NULL;
        const char *type = o->argv[2][0] ? o->argv[2] : NULL;
        if (!(flags & MS_REMOUNT))
            ensure_target(target, o->argv[0], flags);
        unsigned long first = flags;
        if ((flags & MS_BIND) && (flags & MS_RDONLY))
            first &= ~(unsigned long) MS_RDONLY; /* a bind mount is made read-only by a remount */
        if (mount(o->argv[0], target, type, first, data) < 0)
            fail(1, "mount %s on %s: %s", o->argv[0], o->argv[1], strerror(errno));
        if ((flags & MS_BIND) && (flags & MS_RDONLY)
                && mount(NULL, target, NULL, flags | MS_REMOUNT, NULL) < 0)
            fail(1, "remount %s read-only: %s", o->argv[1], strerror(errno));
    } else if (!strcmp(o->name, "mknod") && o->argc == 5) {
        /* mknod PATH c|b MAJOR MINOR MODE */
        in_root(target, sizeof target, o->argv[0]);
        mode_t type = o->argv[1][0] == 'b' ? S_IFBLK : S_IFCHR;
        mode_t mode = (mode_t) strtoul(o->argv[4], NULL, 8);
        unlink(target);
        if (mknod(target, type | mode, makedev(atoi(o->argv[2]), atoi(o->argv[3]))) < 0)
            fail(1, "mknod %s: %s", o->argv[0], strerror(errno));
        if (chmod(target, mode) < 0)
            fail(1, "chmod %s: %s", o->argv[0], strerror(errno));
    } else if (!strcmp(o->name, "symlink") && o->argc == 2) {
        /* symlink TARGET PATH */
        in_root(target, sizeof target, o->argv[1]);
        unlink(target);
        if (symlink(o->argv[0], target) < 0)
            fail(1, "symlink %s: %s", o->argv[1], strerror(errno));
    } else if (!strcmp(o->name, "mkdir") && o->argc == 2) {
        in_root(target, sizeof target, o->argv[0]);
        mkdirs(target, (mode_t) strtoul(o->argv[1], NULL, 8));
    }
}

/* Masks and read-only paths, after pivot_root (paths as the container sees them). */
static void apply_late_op(struct op *o)
{
    struct stat st;
    if (!strcmp(o->name, "mask") && o->argc == 1) {
        if (lstat(o->argv[0], &st) < 0)
            return;
        if (S_ISDIR(st.st_mode)) {
            if (mount("tmpfs", o->argv[0], "tmpfs", MS_RDONLY, NULL) < 0)
                fail(1, "mask %s: %s", o->argv[0], strerror(errno));
        } else if (mount("/dev/null", o->argv[0], NULL, MS_BIND, NULL) < 0) {
            fail(1, "mask %s: %s", o->argv[0], strerror(errno));
        }
    } else if (!strcmp(o->name, "readonly") && o->argc == 1) {
        if (lstat(o->argv[0], &st) < 0)
            return;
        if (mount(o->argv[0], o->argv[0], NULL, MS_BIND | MS_REC, NULL) < 0)
            fail(1, "bind %s: %s", o->argv[0], strerror(errno));
        if (mount(NULL, o->argv[0], NULL, MS_BIND | MS_REC | MS_RDONLY | MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  NULL) < 0)
            fail(1, "remount %s read-only: %s", o->argv[0], strerror(errno));
    } else if (!strcmp(o->name, "rlimit") && o->argc == 3) {
        struct rlimit current, wanted;
        int resource = atoi(o->argv[0]);
        if (getrlimit(resource, &current) < 0)
            fail(1, "getrlimit %d: %s", resource, strerror(errno));
        wanted.rlim_cur = strtoull(o->argv[1], NULL, 10);
        wanted.rlim_max = strtoull(o->argv[2], NULL, 10);
        /* Never raise a hard limit: the host may lack CAP_SYS_RESOURCE. */
        if (wanted.rlim_max > current.rlim_max)
            wanted.rlim_max = current.rlim_max;
        if (wanted.rlim_cur > wanted.rlim_max)
            wanted.rlim_cur = wanted.rlim_max;
        if (setrlimit(resource, &wanted) < 0)
            fail(1, "setrlimit %d: %s", resource, strerror(errno));
    }
}

static int capset_all(uint64_t mask)
{
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    /* Inheritable stays empty, as docker has it since CVE-2022-24769. */
    data[0].effective = data[0].permitted = (uint32_t) mask;
    data[1].effective = data[1].permitted = (uint32_t) (mask >> 32);
    return (int) syscall(SYS_capset, &header, data);
}

static void drop_privileges(void)
{
    int last = 40;
    size_t len;
    char *s = read_file("/proc/sys/kernel/cap_last_cap", &len);
    if (s != NULL) {
        last = atoi(s);
        free(s);
    }
    for (int cap = 0; cap <= last; cap++) {
        if (!(caps & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            fail(1, "prctl PR_CAPBSET_DROP %d: %s", cap, strerror(errno));
    }
    CHECK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl PR_SET_KEEPCAPS");
    CHECK(setgroups((size_t) ngroups, groups), "setgroups");
    CHECK(setresgid(gid, gid, gid), "setgid %u", (unsigned) gid);
    CHECK(setresuid(uid, uid, uid), "setuid %u", (unsigned) uid);
    CHECK(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), "prctl PR_SET_KEEPCAPS");
    /* Other users than root keep the set as their bounding set only, as with docker. */
    if (capset_all(uid == 0 ? caps : 0) < 0)
        fail(1, "capset: %s", strerror(errno));
    if (no_new_privs)
        CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl PR_SET_NO_NEW_PRIVS");
}

static const char *path_of(char **env)
{
    for (char **e = env; *e; e++)
        if (!strncmp(*e, "PATH=", 5))
            return *e + 5;
    return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static void exec_command(void)
{
    args[nargs] = NULL;
    envs[nenvs] = NULL;
    if (strchr(args[0], '/') != NULL) {
        execve(args[0], args, envs);
        fail(errno == ENOENT ? 127 : 126, "exec: \"%s\": %s", args[0],
             errno == ENOENT ? "no such file or directory" : strerror(errno));
    }
    const char *path = path_of(envs);
    int saw_eacces = 0;
    char candidate[PATH_MAX];
    const char *p = path;
    while (*p) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t) (colon - p) : strlen(p);
        snprintf(candidate, sizeof candidate, "%.*s/%s", (int) n, n ? p : ".", args[0]);
        execve(candidate, args, envs);
        if (errno == EACCES)
            saw_eacces = 1;
        p += n;
        if (*p == ':')
            p++;
    }
    if (saw_eacces)
        fail(126, "exec: \"%s\": permission denied", args[0]);
    fail(127, "exec: \"%s\": executable file not found in $PATH", args[0]);
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

struct child_args {
    int sync_read;   /* shim -> child */
    int sync_write;  /* child -> shim */
    int out_fd, err_fd;
    int stdin_fd;    /* the read end of the stdin pipe, or -1 */
    int console_fd;  /* child -> shim: the pty master, passed over this socket */
};

/* Passes a file descriptor over a unix socket. */
static int send_fd(int sock, int fd)
{
    char byte = 'P';
    struct iovec iov = {&byte, 1};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
    char byte;
    struct iovec iov = {&byte, 1};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } u;
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    ssize_t n;
    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    struct cmsghdr *c = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (c == NULL || c->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

static void wait_for(int fd, char expected)
{
    char c;
    ssize_t n;
    do {
        n = read(fd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1 || c != expected)
        _exit(1); /* the shim went away: nothing to report to */
}

static int cgroup_sync_fd = -1;

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* A cgroup v1 "tasks" file, which a thread joins by itself; cgroup2 has "cgroup.procs". */
static int is_tasks_file(const char *path)
{
    return ends_with(path, "/tasks");
}

/*
 * Joins the container's cgroups, then takes a cgroup namespace rooted there. The shim may have to
 * move the child into the cgroup2 cgroup (when the kernel cannot create it there), which waits
 * for an RCU grace period, so the child sets up what does not depend on its cgroups meanwhile and
 * joins only here: before the first cgroup filesystem it mounts, or before pivot_root.
 */
static void join_cgroups(void)
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

static int child_main(void *arg);

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The clone3 arguments (linux/sched.h's struct clone_args, up to the cgroup field). */
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/*
 * Creates the container's init directly in a cgroup2 cgroup (Linux 5.7+): no migration, so no
 * wait for the RCU grace period that moving a process into a cgroup costs. Fork-like: the child
 * runs child_main on a copy of this stack. Returns -1 when the kernel cannot, for the caller to
 * clone and migrate instead.
 */
static pid_t clone_into_cgroup(int flags, int cgroup_fd, struct child_args *cargs)
{
#ifdef SYS_clone3
    struct clone3_args ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = ((uint64_t) flags & ~(uint64_t) CSIGNAL) | CLONE_INTO_CGROUP;
    ca.exit_signal = SIGCHLD;
    ca.cgroup = (uint64_t) cgroup_fd;
    long r = syscall(SYS_clone3, &ca, sizeof ca);
    if (r == 0)
        _exit(child_main(cargs));
    return r < 0 ? -1 : (pid_t) r;
#else
    (void) flags, (void) cgroup_fd, (void) cargs;
    return -1;
#endif
}

/*
 * A terminal for the container, as runc makes one: a pty of the container's own devpts, its slave
 * the controlling terminal and the standard streams of the init and bind-mounted on /dev/console,
 * its master passed to the shim.
 */
static void setup_console(int console_fd, int bind_console)
{
    int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    CHECK(master, "open /dev/pts/ptmx");
    int unlock = 0;
    CHECK(ioctl(master, TIOCSPTLCK, &unlock), "unlock the pty");
    int number;
    CHECK(ioctl(master, TIOCGPTN, &number), "get the pty number");
    char name[64];
    snprintf(name, sizeof name, "/dev/pts/%d", number);
    int slave = open(name, O_RDWR | O_NOCTTY);
    CHECK(slave, "open %s", name);
    if (term_rows > 0 && term_cols > 0) {
        struct winsize ws = {term_rows, term_cols, 0, 0};
        CHECK(ioctl(slave, TIOCSWINSZ, &ws), "set the terminal size");
    }
    CHECK(fchown(slave, uid, (gid_t) -1), "chown %s", name);
    if (bind_console) {
        int console = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        if (console >= 0)
            close(console);
        CHECK(mount(name, "/dev/console", NULL, MS_BIND, NULL), "bind %s on /dev/console", name);
    }
    CHECK(send_fd(console_fd, master), "pass the pty to the shim");
    close(master);
    close(console_fd);
    CHECK(setsid(), "setsid");
    CHECK(ioctl(slave, TIOCSCTTY, 0), "take %s as controlling terminal", name);
    CHECK(dup2(slave, 0), "dup2 stdin");
    CHECK(dup2(slave, 1), "dup2 stdout");
    CHECK(dup2(slave, 2), "dup2 stderr");
    if (slave > 2)
        close(slave);
}

/* The standard streams of a process: its terminal, or pipes to the shim and stdin or /dev/null. */
static void setup_stdio(struct child_args *a, int bind_console)
{
    if (terminal) {
        setup_console(a->console_fd, bind_console);
        return;
    }
    int in = a->stdin_fd;
    if (in < 0)
        in = open("/dev/null", O_RDONLY);
    if (in < 0)
        in = open("/", O_RDONLY | O_DIRECTORY);
    CHECK(dup2(in, 0), "dup2 stdin");
    CHECK(dup2(a->out_fd, 1), "dup2 stdout");
    CHECK(dup2(a->err_fd, 2), "dup2 stderr");
}

/* Ready: tell the shim, exec when it says so. */
static int run_when_told(struct child_args *a)
{
    /* When the shim dies the process dies with it; set after the credentials changed, which resets it. */
    CHECK(prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0), "prctl PR_SET_PDEATHSIG");
    if (write(a->sync_write, "R", 1) != 1)
        _exit(1);
    wait_for(a->sync_read, 'E');
    exec_command();
    return 1;
}

/*
 * A process added to a running container (exec): in its cgroups (joined before anything else,
 * while the host's cgroup paths are visible), then its namespaces, the mount namespace last; the
 * pid namespace is the shim's own since before the fork.
 */
static int exec_child_main(struct child_args *a)
{
    static const char *kinds[] = {"cgroup", "ipc", "uts", "net", "mnt"};
    static const int types[] = {CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWNS};
    int fds[5];
    for (int i = 0; i < 5; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) join_pid, kinds[i]);
        fds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0)
            fail(1, "open %s: %s", path, strerror(errno));
    }
    join_cgroups();
    for (int i = 0; i < 5; i++) {
        CHECK(setns(fds[i], types[i]), "join the container's %s namespace", kinds[i]);
        close(fds[i]);
    }
    for (int i = 0; i < nops; i++)
        if (!strcmp(ops[i].name, "rlimit"))
            apply_op(&ops[i]);
    setup_stdio(a, 0);
    drop_privileges();
    if (chdir(cwd) < 0)
        fail(1, "chdir to working directory %s: %s", cwd, strerror(errno));
    return run_when_told(a);
}

static int child_main(void *arg)
{
    struct child_args *a = arg;
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    cgroup_sync_fd = a->sync_read;
    if (join_pid > 0)
        return exec_child_main(a);
    if (netns != NULL) {
        int fd = open(netns, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            fail(1, "open %s: %s", netns, strerror(errno));
        CHECK(setns(fd, CLONE_NEWNET), "setns %s", netns);
        close(fd);
    }
    if (netns == NULL && (namespaces & CLONE_NEWNET))
        loopback_up();
    CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), "make / private");
    CHECK(mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL), "bind rootfs %s", rootfs);
    for (int i = 0; i < nops; i++) {
        if (!strcmp(ops[i].name, "mount") && ops[i].argc == 5
                && (!strcmp(ops[i].argv[2], "cgroup") || !strcmp(ops[i].argv[2], "cgroup2")))
            join_cgroups();
        apply_op(&ops[i]);
    }
    join_cgroups();
    if (hostname_value != NULL)
        CHECK(sethostname(hostname_value, strlen(hostname_value)), "sethostname");
    CHECK(chdir(rootfs), "chdir %s", rootfs);
    CHECK(syscall(SYS_pivot_root, ".", "."), "pivot_root %s", rootfs);
    CHECK(umount2(".", MNT_DETACH), "detach the old root");
    CHECK(chdir("/"), "chdir /");
    if (readonly_rootfs)
        CHECK(mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL), "remount / read-only");
    for (int i = 0; i < nops; i++)
        apply_late_op(&ops[i]);
    setup_stdio(a, 1);
    drop_privileges();
    if (chdir(cwd) < 0)
        fail(1, "chdir to working directory %s: %s", cwd, strerror(errno));
    return run_when_told(a);
}

/* ------------------------------------------------------------------ the log */

static int log_fd = -1;
static long long log_size;

static void open_log(void)
{
    if (log_path == NULL)
        return;
    log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd < 0)
        return;
    struct stat st;
    log_size = fstat(log_fd, &st) == 0 ? st.st_size : 0;
}

static void rotate_log(void)
{
    close(log_fd);
    char from[PATH_MAX], to[PATH_MAX];
    if (log_max_files <= 1) {
        if (truncate(log_path, 0) < 0) {
            /* Keep writing to the file as it is. */
        }
    } else {
        snprintf(to, sizeof to, "%s.%d", log_path, log_max_files - 1);
        unlink(to);
        for (int i = log_max_files - 2; i >= 1; i--) {
            snprintf(from, sizeof from, "%s.%d", log_path, i);
            snprintf(to, sizeof to, "%s.%d", log_path, i + 1);
            rename(from, to);
        }
        snprintf(to, sizeof to, "%s.1", log_path);
        rename(log_path, to);
    }
    open_log();
}

/* RFC 3339 with nanoseconds, trailing zeros dropped, as Go's RFC3339Nano. */
static int format_time(char *out, size_t size)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    int n = (int) strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
    if (ts.tv_nsec != 0) {
        char frac[16];
        snprintf(frac, sizeof frac, ".%09ld", ts.tv_nsec);
        int end = (int) strlen(frac);
        while (end > 1 && frac[end - 1] == '0')
            end--;
        frac[end] = 0;
        n += snprintf(out + n, size - (size_t) n, "%s", frac);
    }
    n += snprintf(out + n, size - (size_t) n, "Z");
    return n;
}

static void log_line(const char *stream, const char *data, size_t len)
{
    if (log_fd < 0)
        return;
    static char out[LINE_MAX_BYTES * 6 + 128];
    size_t n = 0;
    n += (size_t) snprintf(out, sizeof out, "{\"log\":\"");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) data[i];
        switch (c) {
        case '"': out[n++] = '\\'; out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; out[n++] = '\\'; break;
        case '\n': out[n++] = '\\'; out[n++] = 'n'; break;
        case '\r': out[n++] = '\\'; out[n++] = 'r'; break;
        case '\t': out[n++] = '\\'; out[n++] = 't'; break;
        case '<': case '>': case '&':
            n += (size_t) snprintf(out + n, sizeof out - n, "\\u%04x", c);
            break;
        default:
            if (c < 0x20)
                n += (size_t) snprintf(out + n, sizeof out - n, "\\u%04x", c);
            else
                out[n++] = (char) c;
        }
    }
    n += (size_t) snprintf(out + n, sizeof out - n, "\",\"stream\":\"%s\",\"time\":\"", stream);
    n += (size_t) format_time(out + n, sizeof out - n);
    n += (size_t) snprintf(out + n, sizeof out - n, "\"}\n");
    if (log_max_size > 0 && log_size > 0 && log_size + (long long) n > log_max_size)
        rotate_log();
    if (log_fd >= 0) {
        ssize_t w = write(log_fd, out, n);
        if (w > 0)
            log_size += w;
    }
}

/* ------------------------------------------------------------------ clients of shim.sock */

struct client {
    int fd;
    int attached; /* receives output frames */
    int waiting;  /* receives the exit frame */
    int stdin_mode; /* what follows its "stdin" line is the container's input */
    char line[256];
    size_t len;
};

/* The container's input: the pty master or the stdin pipe's write end (-1: none, or closed). */
static int stdin_target = -1;
static int pty_master = -1;
/* Input read from the stdin client, not yet taken by the container. */
static char in_buf[65536];
static size_t in_len;
static int close_stdin_when_drained;
static struct client *stdin_client;

static struct client clients[MAX_CLIENTS];

static void send_frame(struct client *c, char type, const void *data, uint32_t len)
{
    unsigned char header[5];
    header[0] = (unsigned char) type;
    header[1] = (unsigned char) (len >> 24);
    header[2] = (unsigned char) (len >> 16);
    header[3] = (unsigned char) (len >> 8);
    header[4] = (unsigned char) len;
    if (send(c->fd, header, 5, MSG_NOSIGNAL) != 5 || (len && send(c->fd, data, len, MSG_NOSIGNAL) != (ssize_t) len)) {
        close(c->fd);
        c->fd = -1;
    }
}

struct stream {
    const char *name;
    char frame_type;
    int fd;
    char buf[LINE_MAX_BYTES];
    size_t len;
};

/* Reads what a container stream has, sends it to attached clients, logs it line by line. */
static void pump(struct stream *s)
{
    char data[65536];
    ssize_t n = read(s->fd, data, sizeof data);
    if (n <= 0) {
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (s->len > 0)
            log_line(s->name, s->buf, s->len);
        s->len = 0;
        close(s->fd);
        s->fd = -1;
        return;
    }
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].fd >= 0 && clients[i].attached)
            send_frame(&clients[i], s->frame_type, data, (uint32_t) n);
    for (ssize_t i = 0; i < n; i++) {
        s->buf[s->len++] = data[i];
        if (data[i] == '\n' || s->len == sizeof s->buf) {
            log_line(s->name, s->buf, s->len);
            s->len = 0;
        }
    }
}

static int exited = 0, exit_code = 0;

static void close_stdin(void)
{
    if (stdin_target >= 0 && stdin_target != pty_master)
        close(stdin_target);
    if (stdin_target != pty_master)
        stdin_target = -1;
    close_stdin_when_drained = 0;
}

/* Takes what a stdin client sent; its end closes the container's stdin when stdin_once says so. */
static void stdin_data(struct client *c, const char *data, ssize_t n)
{
    if (n <= 0) {
        if (stdin_once) {
            if (in_len == 0)
                close_stdin();
            else
                close_stdin_when_drained = 1;
        }
        stdin_client = NULL;
        close(c->fd);
        c->fd = -1;
        return;
    }
    size_t room = sizeof in_buf - in_len;
    size_t take = (size_t) n < room ? (size_t) n : room; /* read at most what fits, see the loop */
    memcpy(in_buf + in_len, data, take);
    in_len += take;
}

static void flush_stdin(void)
{
    if (stdin_target < 0) {
        in_len = 0;
        return;
    }
    ssize_t n = write(stdin_target, in_buf, in_len);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        /* Nobody reads the container's stdin any more. */
        in_len = 0;
        close_stdin();
        return;
    }
    memmove(in_buf, in_buf + n, in_len - (size_t) n);
    in_len -= (size_t) n;
    if (in_len == 0 && close_stdin_when_drained)
        close_stdin();
}

static void handle_command(struct client *c)
{
    if (!strncmp(c->line, "resize ", 7)) {
        unsigned rows = 0, cols = 0;
        if (pty_master >= 0 && sscanf(c->line + 7, "%u %u", &rows, &cols) == 2 && rows > 0 && cols > 0) {
            struct winsize ws = {(unsigned short) rows, (unsigned short) cols, 0, 0};
            ioctl(pty_master, TIOCSWINSZ, &ws);
        }
        return;
    } else if (!strcmp(c->line, "stdin")) {
        if (stdin_client != NULL || stdin_target < 0) {
            send_frame(c, 'F', stdin_target < 0 ? "the container's stdin is closed" : "stdin is attached to another client",
                       stdin_target < 0 ? 31 : 35);
            if (c->fd >= 0)
                close(c->fd);
            c->fd = -1;
            return;
        }
        c->stdin_mode = 1;
        stdin_client = c;
        send_frame(c, 'K', NULL, 0);
        return;
    } else if (!strcmp(c->line, "wait")) {
        c->waiting = 1;
    } else if (!strcmp(c->line, "attach")) {
        c->attached = 1;
        c->waiting = 1;
    } else if (!strcmp(c->line, "state")) {
        char out[64];
        int n = snprintf(out, sizeof out, exited ? "exited %d" : "running", exit_code);
        send_frame(c, 'S', out, (uint32_t) n);
    } else {
        send_frame(c, 'F', "unknown command", 15);
        close(c->fd);
        c->fd = -1;
        return;
    }
    if (c->waiting && exited) {
        unsigned char code[4] = {0, 0, 0, (unsigned char) exit_code};
        send_frame(c, 'X', code, 4);
    }
}

static void read_client(struct client *c)
{
    char buf[4096];
    if (c->stdin_mode) {
        ssize_t n = read(c->fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        stdin_data(c, buf, n);
        return;
    }
    ssize_t n = read(c->fd, buf, sizeof buf);
    if (n <= 0) {
        close(c->fd);
        c->fd = -1;
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        if (c->stdin_mode) {
            /* The rest came with the "stdin" line. */
            stdin_data(c, buf + i, n - i);
            return;
        }
        if (buf[i] == '\n') {
            c->line[c->len] = 0;
            handle_command(c);
            c->len = 0;
            if (c->fd < 0)
                return;
        } else if (c->len < sizeof c->line - 1) {
            c->line[c->len++] = buf[i];
        }
    }
}

/* ------------------------------------------------------------------ the shim */

/*
 * Replaces a file in the state directory atomically. No fsync: the state directory lives under the
 * run root, which a host restart empties anyway (/run is a tmpfs); the rename is what makes a
 * crash of the shim or the engine leave the old file or the new one, never a torn one.
 */
static void write_state_file(const char *name, const char *content)
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

static void reply(int fd, const char *fmt, ...)
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

/* ------------------------------------------------------------------ OCI runtimes */

/*
 * Runs the OCI runtime with the given arguments after "RUNTIME --root ROOT", its stdio as given,
 * in a private mount namespace where the unified hierarchy's cgroup.controllers reads empty when
 * asked (crun refuses hybrid hosts whose unified hierarchy lists controllers; Berth made the
 * cgroups, so the runtime may treat the host as v1). Returns the runtime's pid.
 */
static pid_t oci_spawn(const char **extra, int in_fd, int out_fd, int err_fd)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = oci_runtime;
    argv[n++] = "--root";
    argv[n++] = oci_root;
    for (int i = 0; extra[i] != NULL && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    pid_t p = fork();
    if (p != 0)
        return p;
    int devnull = open("/dev/null", O_RDWR);
    dup2(in_fd >= 0 ? in_fd : devnull, 0);
    dup2(out_fd >= 0 ? out_fd : devnull, 1);
    dup2(err_fd >= 0 ? err_fd : devnull, 2);
    if (oci_empty != NULL) {
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0
                || mount(oci_empty, "/sys/fs/cgroup/unified/cgroup.controllers", NULL, MS_BIND, NULL) < 0) {
            fprintf(stderr, "hide the unified hierarchy's controllers from %s: %s\n", oci_runtime, strerror(errno));
            _exit(1);
        }
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(oci_runtime, (char **) argv);
    fprintf(stderr, "exec %s: %s\n", oci_runtime, strerror(errno));
    _exit(127);
}

/* Waits for a runtime process; its exit status, or -1. */
static int oci_wait(pid_t p)
{
    int status;
    pid_t r;
    do {
        r = waitpid(p, &status, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* What a failed runtime wrote, up to the size of msg, on one line. */
static void oci_message(int fd, char *msg, size_t size)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    ssize_t m = read(fd, msg, size - 1);
    msg[m > 0 ? m : 0] = 0;
    for (char *c = msg; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    size_t len = strlen(msg);
    while (len > 0 && msg[len - 1] == ' ')
        msg[--len] = 0;
}

/*
 * Has the runtime make the container (create) or the process (exec --detach), with the shim as
 * the subreaper that inherits it. With a terminal the runtime hands the pty master over the
 * console socket. Returns the pid of the container's process, or -1 after replying the error.
 */
static pid_t oci_launch(int in_fd, int out_fd, int err_fd, int err_read)
{
    char pidfile[PATH_MAX], console[PATH_MAX];
    snprintf(pidfile, sizeof pidfile, "%s/oci.pid", state_dir);
    snprintf(console, sizeof console, "%s/console.sock", state_dir);
    unlink(pidfile);
    int listener = -1;
    if (terminal) {
        unlink(console);
        listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un addr;
        memset(&addr, 0, sizeof addr);
        addr.sun_family = AF_UNIX;
        if (strlen(console) >= sizeof addr.sun_path) {
            reply(1, "error 1 console socket path %s is too long\n", console);
            return -1;
        }
        memcpy(addr.sun_path, console, strlen(console) + 1);
        if (listener < 0 || bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(listener, 1) < 0) {
            reply(1, "error 1 console socket %s: %s\n", console, strerror(errno));
            return -1;
        }
    }
    const char *args_create[] = {"create", "--bundle", oci_path, "--pid-file", pidfile,
                                 terminal ? "--console-socket" : NULL, console, NULL, NULL};
    const char *args_exec[] = {"exec", "--detach", "--process", oci_path, "--pid-file", pidfile,
                               terminal ? "--console-socket" : NULL, console, NULL, NULL};
    const char **extra = !strcmp(oci_mode, "exec") ? args_exec : args_create;
    /* The id goes last, in place of the console options when there is no terminal. */
    int last = 0;
    while (extra[last] != NULL)
        last++;
    extra[last] = oci_id;
    extra[last + 1] = NULL;
    pid_t runtime = oci_spawn(extra, in_fd, out_fd, err_fd);
    if (runtime < 0) {
        reply(1, "error 1 fork: %s\n", strerror(errno));
        return -1;
    }
    if (terminal) {
        struct pollfd pfd = {listener, POLLIN, 0};
        int got = 0;
        for (int waited = 0; waited < 300 && !got; waited++) {
            if (poll(&pfd, 1, 100) > 0) {
                int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
                if (c >= 0) {
                    pty_master = recv_fd(c);
                    close(c);
                    got = 1;
                }
            } else if (waitpid(runtime, NULL, WNOHANG) == runtime) {
                runtime = -1;
                break;
            }
        }
        close(listener);
        unlink(console);
    }
    int code = runtime > 0 ? oci_wait(runtime) : 1;
    char msg[1000];
    if (code != 0) {
        oci_message(err_read, msg, sizeof msg);
        /* As docker: 127 for a command that is not there, 126 for one that cannot be run. */
        int status = strstr(msg, "not found") || strstr(msg, "no such file") || strstr(msg, "No such file") ? 127
                   : strstr(msg, "ermission denied") ? 126 : 1;
        reply(1, "error %d %s %s: %s\n", status, oci_runtime, extra[0], msg[0] ? msg : "failed");
        return -1;
    }
    if (terminal && pty_master < 0) {
        reply(1, "error 1 %s sent no terminal\n", oci_runtime);
        return -1;
    }
    size_t len;
    char *pid = read_file(pidfile, &len);
    if (pid == NULL) {
        reply(1, "error 1 %s wrote no pid file\n", oci_runtime);
        return -1;
    }
    pid[len < 31 ? len : 31] = 0;
    pid_t child = (pid_t) atoi(pid);
    free(pid);
    return child;
}

/* Starts a created container; 0, or -1 after replying the error. */
static int oci_start(void)
{
    int errors[2];
    if (pipe2(errors, O_CLOEXEC) < 0) {
        reply(1, "error 1 pipe: %s\n", strerror(errno));
        return -1;
    }
    const char *extra[] = {"start", oci_id, NULL};
    pid_t p = oci_spawn(extra, -1, -1, errors[1]);
    close(errors[1]);
    int code = p > 0 ? oci_wait(p) : 1;
    if (code != 0) {
        char msg[1000];
        oci_message(errors[0], msg, sizeof msg);
        close(errors[0]);
        reply(1, "error 1 %s start: %s\n", oci_runtime, msg[0] ? msg : "failed");
        return -1;
    }
    close(errors[0]);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: berth-shim STATE_DIR\n");
        return 2;
    }
    state_dir = argv[1];
    char spec_path[PATH_MAX];
    snprintf(spec_path, sizeof spec_path, "%s/spec", state_dir);
    parse_spec(spec_path);

    /* Detach from the engine: the first process returns once the container started or failed. */
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    pid_t shim = fork();
    if (shim < 0)
        die("fork: %s", strerror(errno));
    if (shim > 0) {
        /* A different name, so that only the shim proper is reaped as an adopted orphan. */
        prctl(PR_SET_NAME, "berth-shim-p0", 0, 0, 0);
        close(ready[1]);
        char c;
        ssize_t n;
        do {
            n = read(ready[0], &c, 1);
        } while (n < 0 && errno == EINTR);
        _exit(n == 1 ? 0 : 1);
    }
    close(ready[0]);
    setsid();
    prctl(PR_SET_NAME, "berth-shim", 0, 0, 0);
    /* Blocked before the container exists, so its exit stays pending for the signalfd, however early. */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);

    int to_child[2], from_child[2], errors[2], out[2], err[2], in[2] = {-1, -1}, console[2] = {-1, -1};
    if (pipe2(to_child, O_CLOEXEC) < 0 || pipe2(from_child, O_CLOEXEC) < 0 || pipe2(errors, O_CLOEXEC) < 0
            || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    if (open_stdin && !terminal && pipe2(in, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    if (terminal && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)
        die("socketpair: %s", strerror(errno));
    open_log();

    struct child_args cargs = {to_child[0], from_child[1], out[1], err[1], in[0], console[1]};
    /* The child starts with SIGCHLD unblocked again, as a container's init expects. */
    error_fd = errors[1];
    int flags = (namespaces & ~CLONE_NEWCGROUP) | SIGCHLD;
    if (netns != NULL)
        flags &= ~CLONE_NEWNET;
    pid_t child = -1;
    ssize_t n;
    if (oci_runtime != NULL) {
        /* An OCI runtime makes the container; the shim inherits its process as the subreaper. */
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        close(to_child[0]);
        close(from_child[1]);
        close(errors[1]);
        if (console[0] >= 0) {
            close(console[0]);
            close(console[1]);
            console[0] = console[1] = -1;
        }
        child = oci_launch(in[0], out[1], err[1], err[0]);
        if (child < 0)
            return 1;
        close(out[1]);
        close(err[1]);
        if (in[0] >= 0)
            close(in[0]);
        close(errors[0]);
        errors[0] = -1;
    } else {
        if (join_pid > 0) {
            /* exec: the process is born in the container's pid namespace, it joins the others itself. */
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/ns/pid", (int) join_pid);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || setns(fd, CLONE_NEWPID) < 0) {
                reply(1, "error 1 join the container's pid namespace: %s\n", strerror(errno));
                return 1;
            }
            close(fd);
            flags = SIGCHLD;
        }
        /* Born in the cgroup2 cgroup if the kernel can: that one is not joined by migration below. */
        int born_in = -1;
        for (int i = 0; i < ncgroups && child < 0; i++) {
            size_t len = strlen(cgroup_procs[i]);
            if (!ends_with(cgroup_procs[i], "/cgroup.procs"))
                continue;
            char dir[PATH_MAX];
            snprintf(dir, sizeof dir, "%.*s", (int) (len - 13), cgroup_procs[i]);
            int cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (cgroup_fd < 0)
                break;
            child = clone_into_cgroup(flags, cgroup_fd, &cargs);
            close(cgroup_fd);
            if (child >= 0)
                born_in = i;
        }
        if (child < 0) {
            size_t stack_size = 1 << 20;
            char *stack = malloc(stack_size);
            child = clone(child_main, stack + stack_size, flags, &cargs);
        }
        if (child < 0) {
            reply(1, "error 1 clone: %s\n", strerror(errno));
            return 1;
        }
        close(to_child[0]);
        close(from_child[1]);
        close(errors[1]);
        close(out[1]);
        close(err[1]);
        if (in[0] >= 0)
            close(in[0]);
        if (console[1] >= 0)
            close(console[1]);

        /* Into the cgroup2 cgroup unless born there (the child joins v1 ones itself), then let it go on. */
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
                return 1;
            }
            close(fd);
        }
        if (write(to_child[1], "C", 1) != 1)
            die("sync: %s", strerror(errno));

        /* The child is ready to exec, or failed. */
        char c;
        do {
            n = read(from_child[0], &c, 1);
        } while (n < 0 && errno == EINTR);
        if (n != 1) {
            char msg[1100] = "1 container set-up failed";
            ssize_t m = read(errors[0], msg, sizeof msg - 1);
            if (m > 0)
                msg[m] = 0;
            waitpid(child, NULL, 0);
            reply(1, "error %s\n", msg);
            return 1;
        }
    }
    if (terminal) {
        if (oci_runtime == NULL) {
            pty_master = recv_fd(console[0]);
            close(console[0]);
        }
        if (pty_master < 0) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            reply(1, "error 1 the container's terminal did not come\n");
            return 1;
        }
        fcntl(pty_master, F_SETFL, fcntl(pty_master, F_GETFL) | O_NONBLOCK);
        stdin_target = pty_master;
        /* The master is the container's output, read by the loop below. */
        close(out[0]);
        close(err[0]);
        out[0] = dup(pty_master);
        err[0] = -1;
    } else if (in[1] >= 0) {
        fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
        stdin_target = in[1];
    }

    /* The engine may attach now, before the container's first output. */
    for (int i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;
    char sock_path[PATH_MAX];
    snprintf(sock_path, sizeof sock_path, "%s/shim.sock", state_dir);
    unlink(sock_path);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(sock_path) >= sizeof addr.sun_path)
        die("socket path %s is too long", sock_path);
    memcpy(addr.sun_path, sock_path, strlen(sock_path) + 1);
    if (listener < 0 || bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(listener, 16) < 0)
        listener = -1;
    chmod(sock_path, 0600);

    reply(1, "pid %d\n", child);
    char command[64];
    size_t clen = 0;
    while (clen < sizeof command - 1) {
        n = read(0, command + clen, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || command[clen] == '\n')
            break;
        clen++;
    }
    command[clen] = 0;
    if (strcmp(command, "start") != 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        reply(1, "error 1 the engine did not confirm the start\n");
        return 1;
    }
    if (oci_runtime != NULL) {
        if (!strcmp(oci_mode, "create") && oci_start() < 0) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            return 1;
        }
    } else {
        if (write(to_child[1], "E", 1) != 1) {
            reply(1, "error 1 the container's init went away\n");
            return 1;
        }
        char msg[1100];
        ssize_t m;
        do {
            m = read(errors[0], msg, sizeof msg - 1);
        } while (m < 0 && errno == EINTR);
        if (m > 0) {
            msg[m] = 0;
            waitpid(child, NULL, 0);
            reply(1, "error %s\n", msg);
            return 1;
        }
        close(errors[0]);
    }

    /* Running. Record it, answer, and let go of the engine's pipes. */
    char pidfile[64];
    snprintf(pidfile, sizeof pidfile, "%d\n", getpid());
    write_state_file("shim.pid", pidfile);
    snprintf(pidfile, sizeof pidfile, "%d\n", child);
    write_state_file("init.pid", pidfile);

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);

    reply(1, "started\n");
    if (write(ready[1], "1", 1) < 0) {
        /* The first process died: nothing changes for the shim. */
    }
    close(ready[1]);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    close(devnull);

    struct stream streams[2] = {{"stdout", 'O', out[0], {0}, 0}, {"stderr", 'E', err[0], {0}, 0}};
    int status = 0;
    for (;;) {
        /* sigfd, stdout, stderr, listener, stdin target, then the clients. */
        struct pollfd fds[5 + MAX_CLIENTS];
        int nfds = 0;
        fds[nfds].fd = sigfd;
        fds[nfds++].events = POLLIN;
        fds[nfds].fd = streams[0].fd;
        fds[nfds++].events = POLLIN;
        fds[nfds].fd = streams[1].fd;
        fds[nfds++].events = POLLIN;
        fds[nfds].fd = listener;
        fds[nfds++].events = POLLIN;
        fds[nfds].fd = in_len > 0 ? stdin_target : -1;
        fds[nfds++].events = POLLOUT;
        for (int i = 0; i < MAX_CLIENTS; i++) {
            /* The stdin client waits while the container has not taken what it sent. */
            fds[nfds].fd = clients[i].stdin_mode && in_len > 0 ? -1 : clients[i].fd;
            fds[nfds++].events = POLLIN;
        }
        if (exited && streams[0].fd < 0 && streams[1].fd < 0)
            break;
        if (poll(fds, (nfds_t) nfds, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        /* Clients first: one that attached before output arrived gets all of it. */
        if (fds[3].revents & POLLIN) {
            int fd;
            while ((fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
                int slot = -1;
                for (int i = 0; i < MAX_CLIENTS; i++)
                    if (clients[i].fd < 0) {
                        slot = i;
                        break;
                    }
                if (slot < 0) {
                    close(fd);
                    continue;
                }
                memset(&clients[slot], 0, sizeof clients[slot]);
                clients[slot].fd = fd;
                struct pollfd first = {fd, POLLIN, 0};
                if (poll(&first, 1, 0) > 0)
                    read_client(&clients[slot]);
            }
        }
        for (int i = 0; i < MAX_CLIENTS; i++)
            if (clients[i].fd >= 0 && fds[5 + i].fd == clients[i].fd && fds[5 + i].revents)
                read_client(&clients[i]);
        if (in_len > 0)
            flush_stdin();
        if (fds[1].revents)
            pump(&streams[0]);
        if (fds[2].revents)
            pump(&streams[1]);
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sigfd, &si, sizeof si) == sizeof si) {
            }
            pid_t p;
            while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
                if (p == child) {
                    exited = 1;
                    exit_code = WIFEXITED(status) ? WEXITSTATUS(status)
                              : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
                }
            }
        }
    }

    /* The container ended and its output is drained: record the status, tell who waits. */
    char exit_record[128];
    char when[64];
    format_time(when, sizeof when);
    snprintf(exit_record, sizeof exit_record, "%d %s\n", exit_code, when);
    write_state_file("exit", exit_record);
    unsigned char code[4] = {(unsigned char) (exit_code >> 24), (unsigned char) (exit_code >> 16),
                             (unsigned char) (exit_code >> 8), (unsigned char) exit_code};
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].fd >= 0) {
            if (clients[i].waiting)
                send_frame(&clients[i], 'X', code, 4);
            if (clients[i].fd >= 0)
                close(clients[i].fd);
        }
    }
    if (listener >= 0) {
        close(listener);
        unlink(sock_path);
    }
    if (log_fd >= 0)
        close(log_fd);
    return 0;
}
