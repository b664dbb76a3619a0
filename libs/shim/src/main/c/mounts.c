/*
 * The spec's operations: what the container's init mounts and makes in the rootfs before
 * pivot_root, and what it hides or makes read-only after it (with the rlimits, set at that point
 * too). Any failure ends the child through fail().
 *
 * In a user namespace of its own the container's root may not do all of it: mount sysfs for a
 * network namespace the engine made, mount a cgroup v1 hierarchy, make device nodes, or drop the
 * flags the kernel locked on the host's mounts it copied. There, as runc does, it binds what the
 * host has instead, and every remount keeps the locked flags.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "container.h"
#include "mounts.h"
#include "shim.h"

/*
 * mkdir -p. The path itself is tried first: its parent usually exists (the rootfs, or a mount point
 * made before), so a start makes one call per mount point instead of one per component from /.
 * Where a parent is missing, the path is cut back at its slashes to the deepest directory that
 * exists, then made forward from there (in one buffer: the init's stack is small).
 */
static void mkdirs(const char *path, mode_t mode)
{
    if (mkdir(path, mode) == 0 || errno == EEXIST)
        return;
    if (errno != ENOENT)
        fail(1, "mkdir %s: %s", path, strerror(errno));
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int) sizeof tmp)
        fail(1, "mkdir %s: %s", path, strerror(ENAMETOOLONG));
    char *end = tmp + strlen(tmp);
    for (;;) {
        char *slash = strrchr(tmp, '/');
        while (slash != NULL && slash > tmp && slash[-1] == '/')
            slash--;
        if (slash == NULL || slash == tmp)
            fail(1, "mkdir %s: %s", path, strerror(ENOENT));
        *slash = 0;
        if (mkdir(tmp, 0755) == 0 || errno == EEXIST)
            break;
        if (errno != ENOENT)
            fail(1, "mkdir %s: %s", tmp, strerror(errno));
    }
    /* Forward: each cut is put back, and the directory up to the next one made. */
    for (char *cut = tmp + strlen(tmp); cut < end; cut += strlen(cut)) {
        *cut = '/';
        if (cut + strlen(cut) >= end)
            break;
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            fail(1, "mkdir %s: %s", tmp, strerror(errno));
    }
    if (mkdir(path, mode) < 0 && errno != EEXIST)
        fail(1, "mkdir %s: %s", path, strerror(errno));
}

/* The directories above a path (the host's /dev/net of /dev/net/tun), as runc makes them. */
static void mkparents(const char *path)
{
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    if (slash != NULL && slash != parent) {
        *slash = 0;
        mkdirs(parent, 0755);
    }
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
        mkparents(target);
        int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0)
            fail(1, "create mount point %s: %s", target, strerror(errno));
        close(fd);
    } else {
        mkdirs(target, 0755);
    }
}

#define ATIME_FLAGS (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

int remount_bind(const char *path, unsigned long flags)
{
    /* statvfs's flags are not all mount(2)'s: ST_RELATIME is 4096, MS_RELATIME 1 << 21. */
    static const struct {
        unsigned long st, ms;
    } kept[] = {{ST_RDONLY, MS_RDONLY}, {ST_NOSUID, MS_NOSUID}, {ST_NODEV, MS_NODEV}, {ST_NOEXEC, MS_NOEXEC},
                {ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME}};
    struct statvfs st;
    if (statvfs(path, &st) < 0)
        return -1;
    /*
     * The atime flags are the mount's own, whatever was asked: the kernel locks them as they are.
     * With none of them (strictatime) the remount keeps the mount's.
     */
    flags &= ~(unsigned long) ATIME_FLAGS;
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        if (st.f_flag & kept[i].st)
            flags |= kept[i].ms;
    return mount(NULL, path, NULL, flags | MS_BIND | MS_REMOUNT, NULL);
}

/*
 * Where the container's user namespace may not mount a filesystem (sysfs of a network namespace
 * the engine made, a cgroup v1 hierarchy), the host's directory is bound instead, as runc does,
 * then given the mount's flags (read-only, nosuid, ...) by a remount.
 */
static void bind_instead(const char *source, const char *target, const char *shown, unsigned long flags)
{
    if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0)
        fail(1, "bind %s on %s: %s", source, shown, strerror(errno));
    flags &= MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (flags != 0 && remount_bind(target, flags) < 0)
        fail(1, "remount %s: %s", shown, strerror(errno));
}

/*
 * mount SOURCE TARGET FSTYPE FLAGS DATA [FALLBACK]: FALLBACK, a host directory bound instead when
 * the kernel refuses the mount in the container's user namespace.
 */
static void do_mount(struct op *o)
{
    char target[PATH_MAX];
    in_root(target, sizeof target, o->argv[1]);
    unsigned long flags = strtoul(o->argv[3], NULL, 10);
    const char *data = o->argv[4][0] ? o->argv[4] : NULL;
    const char *type = o->argv[2][0] ? o->argv[2] : NULL;
    if (!(flags & MS_REMOUNT))
        ensure_target(target, o->argv[0], flags);
    unsigned long first = flags;
    if ((flags & MS_BIND) && (flags & MS_RDONLY))
        first &= ~(unsigned long) MS_RDONLY; /* a bind mount is made read-only by a remount */
    if (mount(o->argv[0], target, type, first, data) < 0) {
        if (errno == EPERM && uid_map != NULL && o->argc == 6) {
            bind_instead(o->argv[5], target, o->argv[1], flags);
            return;
        }
        fail(1, "mount %s on %s: %s", o->argv[0], o->argv[1], strerror(errno));
    }
    if ((flags & MS_BIND) && (flags & MS_RDONLY) && remount_bind(target, flags) < 0)
        fail(1, "remount %s read-only: %s", o->argv[1], strerror(errno));
}

/*
 * A user namespace may not make device nodes: the host's node of the same path is bound on an
 * empty file instead, as runc does. It keeps the host's mode and owner: a chmod or chown through
 * the bind would change the host's node.
 */
static void bind_host_device(const char *path, const char *target)
{
    int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        fail(1, "create mount point %s: %s", path, strerror(errno));
    close(fd);
    if (mount(path, target, NULL, MS_BIND, NULL) < 0)
        fail(1, "bind the host's %s: %s", path, strerror(errno));
}

/* mknod PATH c|b MAJOR MINOR MODE [UID GID]: the node with exactly that mode, and that owner if given. */
static void do_mknod(struct op *o)
{
    char target[PATH_MAX];
    in_root(target, sizeof target, o->argv[0]);
    mode_t type = o->argv[1][0] == 'b' ? S_IFBLK : S_IFCHR;
    mode_t mode = (mode_t) strtoul(o->argv[4], NULL, 8);
    mkparents(target);
    unlink(target);
    if (mknod(target, type | mode, makedev(atoi(o->argv[2]), atoi(o->argv[3]))) < 0) {
        if (errno == EPERM && uid_map != NULL) {
            bind_host_device(o->argv[0], target);
            return;
        }
        fail(1, "mknod %s: %s", o->argv[0], strerror(errno));
    }
    if (chmod(target, mode) < 0)
        fail(1, "chmod %s: %s", o->argv[0], strerror(errno));
    if (o->argc == 7
            && chown(target, (uid_t) strtoul(o->argv[5], NULL, 10), (gid_t) strtoul(o->argv[6], NULL, 10)) < 0)
        fail(1, "chown %s: %s", o->argv[0], strerror(errno));
}

/* symlink TARGET PATH */
static void do_symlink(struct op *o)
{
    char target[PATH_MAX];
    in_root(target, sizeof target, o->argv[1]);
    unlink(target);
    if (symlink(o->argv[0], target) < 0)
        fail(1, "symlink %s: %s", o->argv[1], strerror(errno));
}

void apply_op(struct op *o)
{
    if (!strcmp(o->name, "mount") && (o->argc == 5 || o->argc == 6)) {
        do_mount(o);
    } else if (!strcmp(o->name, "mknod") && (o->argc == 5 || o->argc == 7)) {
        do_mknod(o);
    } else if (!strcmp(o->name, "symlink") && o->argc == 2) {
        do_symlink(o);
    } else if (!strcmp(o->name, "mkdir") && o->argc == 2) {
        char target[PATH_MAX];
        in_root(target, sizeof target, o->argv[0]);
        mkdirs(target, (mode_t) strtoul(o->argv[1], NULL, 8));
    }
}

/* mask PATH: a directory hidden under an empty read-only tmpfs, a file under /dev/null. */
static void do_mask(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL) < 0)
            fail(1, "mask %s: %s", path, strerror(errno));
    } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
        fail(1, "mask %s: %s", path, strerror(errno));
    }
}

/* readonly PATH */
static void do_readonly(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        fail(1, "bind %s: %s", path, strerror(errno));
    if (remount_bind(path, MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC) < 0)
        fail(1, "remount %s read-only: %s", path, strerror(errno));
}

/* The names of setrlimit(2)'s resources, by number, as specs and runc's messages use them. */
static const char *rlimit_names[] = {"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE",
                                     "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
                                     "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",
                                     "RLIMIT_RTPRIO", "RLIMIT_RTTIME"};

static void format_limit(char *out, size_t size, rlim_t value)
{
    if (value == RLIM_INFINITY)
        snprintf(out, size, "unlimited");
    else
        snprintf(out, size, "%llu", (unsigned long long) value);
}

/*
 * rlimit RESOURCE SOFT HARD: exactly these limits, or the start fails, as with runc. A hard limit
 * above the engine's own (which the shim inherited) can be set only with CAP_SYS_RESOURCE; when
 * the kernel refuses, the message says which limit, what was asked and what the engine has.
 */
static void do_rlimit(struct op *o)
{
    int resource = atoi(o->argv[0]);
    char name[32];
    if (resource >= 0 && resource < (int) (sizeof rlimit_names / sizeof rlimit_names[0]))
        snprintf(name, sizeof name, "%s", rlimit_names[resource]);
    else
        snprintf(name, sizeof name, "%d", resource);
    struct rlimit current, wanted;
    wanted.rlim_cur = strtoull(o->argv[1], NULL, 10);
    wanted.rlim_max = strtoull(o->argv[2], NULL, 10);
    if (setrlimit(resource, &wanted) == 0)
        return;
    int error = errno;
    char asked[32], own[32];
    format_limit(asked, sizeof asked, wanted.rlim_max);
    if (error == EPERM && getrlimit(resource, &current) == 0 && wanted.rlim_max > current.rlim_max) {
        format_limit(own, sizeof own, current.rlim_max);
        fail(1, "setrlimit %s: hard limit %s is above the engine's hard limit %s "
                "(raising it needs CAP_SYS_RESOURCE): %s", name, asked, own, strerror(error));
    }
    char soft[32];
    format_limit(soft, sizeof soft, wanted.rlim_cur);
    fail(1, "setrlimit %s to %s:%s: %s", name, soft, asked, strerror(error));
}

void apply_late_op(struct op *o)
{
    if (!strcmp(o->name, "mask") && o->argc == 1)
        do_mask(o->argv[0]);
    else if (!strcmp(o->name, "readonly") && o->argc == 1)
        do_readonly(o->argv[0]);
    else if (!strcmp(o->name, "rlimit") && o->argc == 3)
        do_rlimit(o);
}
