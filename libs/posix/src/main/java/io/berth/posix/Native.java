package io.berth.posix;

import io.berth.api.Names;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.annotations.SaveError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The libc calls the JVM lacks, through jnr-ffi: device nodes and extended attributes of any
 * namespace ({@code security.capability}, {@code trusted.overlay.opaque}), never following a final
 * symbolic link. Failures are {@link IOException}s naming the call, the path and the error.
 */
public final class Native {
    /** The libc functions bound. */
    public interface LibC {
        @SaveError
        int mknod(byte[] path, int mode, long dev);

        @SaveError
        int lsetxattr(byte[] path, String name, byte[] value, long size, int flags);

        @SaveError
        long lgetxattr(byte[] path, String name, byte[] value, long size);

        @SaveError
        long llistxattr(byte[] path, byte[] list, long size);

        @SaveError
        int utimensat(int dirfd, byte[] path, long[] times, int flags);

        @SaveError
        int mount(String source, String target, String type, long flags, String data);

        @SaveError
        int umount2(String target, int flags);

        @SaveError
        int open(String path, int flags);

        @SaveError
        int syncfs(int fd);

        @SaveError
        int sync_file_range(int fd, long offset, long nbytes, int flags);

        @SaveError
        int statfs(String path, byte[] buffer);

        int close(int fd);

        @SaveError
        int kill(int pid, int signal);

        @SaveError
        int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        @SaveError
        int waitid(int idtype, int id, byte[] info, int options);

        @SaveError
        int waitpid(int pid, int[] status, int options);

        @SaveError
        int getrlimit(int resource, long[] limits);

        @SaveError
        long readlink(byte[] path, byte[] buffer, long size);

        @SaveError
        int symlink(byte[] target, byte[] linkpath);

        /** open_tree(2), raw: {@code syscall(SYS_open_tree, dirfd, path, flags)}. */
        @SaveError
        int syscall(long number, int dirfd, String path, int flags);

        /** mount_setattr(2), raw: {@code syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, attr, size)}. */
        @SaveError
        int syscall(long number, int fd, String path, int flags, long[] attr, long size);

        /** move_mount(2), raw: {@code syscall(SYS_move_mount, from_fd, "", to_dirfd, to_path, flags)}. */
        @SaveError
        int syscall(long number, int fromFd, String fromPath, int toDirfd, String toPath, int flags);

        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int bind(int fd, byte[] address, int length);

        @SaveError
        int listen(int fd, int backlog);

        /** poll(2), its {@code struct pollfd}s as pairs of ints: the descriptor, then events | revents << 16. */
        @SaveError
        int poll(int[] fds, long count, int timeout);

        @SaveError
        int eventfd(int initial, int flags);

        @SaveError
        long write(int fd, byte[] buffer, long size);

        String strerror(int errnum);
    }

    /** A path as a C string: its bytes as the kernel has them, then NUL. */
    private static byte[] c(Path path) {
        return cString(Names.bytes(path));
    }

    private static byte[] cString(byte[] b) {
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    /** The target of a symbolic link, as bytes. */
    public static byte[] readlink(Path link) throws IOException {
        byte[] buffer = new byte[4096];
        long n = libc().readlink(c(link), buffer, buffer.length);
        if (n < 0) {
            throw failure("readlink", link);
        }
        return java.util.Arrays.copyOf(buffer, (int) n);
    }

    /** Makes a symbolic link to {@code target}, any bytes. */
    public static void symlink(byte[] target, Path link) throws IOException {
        if (libc().symlink(cString(target), c(link)) != 0) {
            throw failure("symlink", link);
        }
    }

    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    private static final int ENODATA = 61;
    private static final int ENOTSUP = 95;
    private static final int ERANGE = 34;

    private static volatile LibC libc;
    private static volatile jnr.ffi.Runtime runtime;

    private Native() {
    }

    /**
     * Binds libc now, waiting for it.
     *
     * @throws LinkageError if the native library cannot be loaded
     */
    public static void load() {
        libc();
    }

    /**
     * Binds libc without waiting for it, for a bundle that binds it when it starts, off the
     * framework's start; whoever needs it meanwhile waits.
     */
    public static void loadInBackground() {
        binding();
    }

    /** The binding of libc, started once (again after a failure); guarded by the class. */
    private static java.util.concurrent.CompletableFuture<LibC> binding;

    private static LibC libc() {
        LibC l = libc;
        if (l != null) {
            return l;
        }
        try {
            return binding().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            if (e.getCause() instanceof RuntimeException runtimeException) {
                throw runtimeException;
            }
            throw e;
        }
    }

    /**
     * Binds libc on a thread of its own, whatever thread asks first: jnr-ffi's first
     * initialisation goes deep (it loads its provider and generates its stubs with ASM), too deep
     * for the small stacks of the threads that watch containers, where a {@link
     * StackOverflowError} would leave jnr-ffi unusable for the whole class loader.
     */
    private static synchronized java.util.concurrent.CompletableFuture<LibC> binding() {
        if (binding == null || binding.isCompletedExceptionally()) {
            java.util.concurrent.CompletableFuture<LibC> bound = new java.util.concurrent.CompletableFuture<>();
            binding = bound;
            Thread binder = new Thread(null, () -> {
                try {
                    LibC c = LibraryLoader.create(LibC.class).option(LibraryOption.LoadNow, true).load("c");
                    runtime = jnr.ffi.Runtime.getRuntime(c);
                    libc = c;
                    bound.complete(c);
                } catch (Throwable e) {
                    bound.completeExceptionally(e);
                }
            }, "berth-libc-bind", 4L << 20);
            binder.setDaemon(true);
            binder.start();
        }
        return binding;
    }

    private static IOException failure(String call, Path path) {
        int errno = runtime.getLastError();
        return new IOException(call + "(" + Names.printable(Names.name(path)) + "): " + libc.strerror(errno) + " (errno "
                + errno + ")");
    }

    /** Linux's {@code makedev}. */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    /** Linux's {@code major} of a {@code dev_t}. */
    public static long major(long dev) {
        return ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
    }

    /** Linux's {@code minor} of a {@code dev_t}. */
    public static long minor(long dev) {
        return ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
    }

    /**
     * Makes a device node or fifo.
     *
     * @param type {@link #S_IFCHR}, {@link #S_IFBLK} or {@link #S_IFIFO}
     */
    public static void mknod(Path path, int type, int permissions, long major, long minor) throws IOException {
        if (libc().mknod(c(path), type | (permissions & 07777), makedev(major, minor)) != 0) {
            throw failure("mknod", path);
        }
    }

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    /**
     * Sets access and modification times of the path itself, by path: the JDK opens the file to
     * set times, which blocks on a fifo and opens a device.
     */
    public static void utimes(Path path, long seconds, int nanos) throws IOException {
        long[] times = {seconds, nanos, seconds, nanos};
        if (libc().utimensat(AT_FDCWD, c(path), times, AT_SYMLINK_NOFOLLOW) != 0) {
            throw failure("utimensat", path);
        }
    }

    /** {@code MS_RDONLY}. */
    public static final long MS_RDONLY = 1;
    /** {@code MS_BIND}. */
    public static final long MS_BIND = 4096;
    /** {@code MS_REC}. */
    public static final long MS_REC = 16384;
    /** {@code MNT_DETACH}. */
    public static final int MNT_DETACH = 2;
    private static final int O_RDONLY_DIRECTORY = 0200000;

    /** Mounts a filesystem, as {@code mount(2)}. */
    public static void mount(String source, Path target, String type, long flags, String data) throws IOException {
        if (libc().mount(source, target.toString(), type, flags, data) != 0) {
            throw failure("mount " + type + " " + source, target);
        }
    }

    // The new mount API's system calls: the same numbers on every architecture (the unified table, Linux 5.2+).
    private static final long SYS_OPEN_TREE = 428;
    private static final long SYS_MOVE_MOUNT = 429;
    private static final long SYS_MOUNT_SETATTR = 442;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int OPEN_TREE_CLONE = 1;
    private static final int OPEN_TREE_CLOEXEC = 02000000;
    private static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    private static final long MOUNT_ATTR_IDMAP = 0x00100000;

    /**
     * Binds {@code source} at {@code target} with its owners seen through the user namespace
     * {@code userns} (an open {@code /proc/PID/ns/user}): a file the disk has as uid 0 shows as the
     * host id that namespace maps 0 to, and a write by that host id is stored as 0 (an id-mapped
     * mount, {@code mount_setattr(2)}, Linux 5.12+; overlayfs takes such mounts as its layers from 5.19).
     *
     * @throws IOException if the kernel or the filesystem cannot (EINVAL for a filesystem without id-mapped mounts)
     */
    public static void bindIdMapped(Path source, Path target, int userns) throws IOException {
        LibC c = libc();
        int tree = c.syscall(SYS_OPEN_TREE, AT_FDCWD, source.toString(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0) {
            throw failure("open_tree", source);
        }
        try {
            // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd; }
            long[] attr = {MOUNT_ATTR_IDMAP, 0, 0, userns};
            if (c.syscall(SYS_MOUNT_SETATTR, tree, "", AT_EMPTY_PATH, attr, 32) != 0) {
                throw failure("mount_setattr MOUNT_ATTR_IDMAP", source);
            }
            if (c.syscall(SYS_MOVE_MOUNT, tree, "", AT_FDCWD, target.toString(), MOVE_MOUNT_F_EMPTY_PATH) != 0) {
                throw failure("move_mount", target);
            }
        } finally {
            c.close(tree);
        }
    }

    /** Opens a file for reading and returns its descriptor (close it with {@link #close}), as {@code open(2)}. */
    public static int openReadOnly(Path path) throws IOException {
        int fd = libc().open(path.toString(), O_CLOEXEC);
        if (fd < 0) {
            throw failure("open", path);
        }
        return fd;
    }

    /** Closes a descriptor {@link #openReadOnly} gave. */
    public static void close(int fd) {
        libc().close(fd);
    }

    /** Unmounts, as {@code umount2(2)}. */
    public static void umount(Path target, int flags) throws IOException {
        if (libc().umount2(target.toString(), flags) != 0) {
            throw failure("umount2", target);
        }
    }

    private static final int SYNC_FILE_RANGE_ALL = 1 | 2 | 4;

    /**
     * Writes a file's data out to its device and waits for it, without committing the file
     * system's journal ({@code sync_file_range(2)} over the whole file: wait, write, wait). On a
     * filesystem that orders its metadata ({@link Filesystems#ordersMetadata}: ext4 with a
     * journal, XFS) the blocks are then allocated, written and the file's size logged, so a
     * commit that records a later rename of the file, whoever forces it, has the data: a file
     * written out and renamed into place, then its directory synced, costs one commit where
     * fsync, rename and a directory's fsync cost two ({@link RenameSafety}). It makes nothing durable: the device's cache is not flushed
     * (the next commit flushes it), and on other filesystems it promises nothing beyond the
     * pages' writeback.
     */
    public static void writeOut(Path file) throws IOException {
        int fd = openReadOnly(file);
        try {
            if (libc.sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_ALL) != 0) {
                throw failure("sync_file_range", file);
            }
        } finally {
            libc.close(fd);
        }
    }

    /**
     * The type of the filesystem that holds {@code path}: {@code statfs(2)}'s {@code f_type}, the
     * first field of glibc's {@code struct statfs}, in the machine's byte order: a {@code long} on
     * 64-bit Linux but s390x, where it is an {@code unsigned int}.
     */
    public static long filesystemType(Path path) throws IOException {
        byte[] buffer = new byte[256];
        if (libc().statfs(path.toString(), buffer) != 0) {
            throw failure("statfs", path);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buffer).order(java.nio.ByteOrder.nativeOrder());
        return jnr.ffi.Platform.getNativePlatform().getCPU() == jnr.ffi.Platform.CPU.S390X
                ? b.getInt(0) & 0xffffffffL : b.getLong(0);
    }

    /** Writes out everything dirty of the filesystem that holds {@code directory}. */
    public static void syncfs(Path directory) throws IOException {
        int fd = libc().open(directory.toString(), O_RDONLY_DIRECTORY);
        if (fd < 0) {
            throw failure("open", directory);
        }
        try {
            if (libc.syncfs(fd) != 0) {
                throw failure("syncfs", directory);
            }
        } finally {
            libc.close(fd);
        }
    }

    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    /** {@code sizeof(struct sockaddr_un)}: the family, then the path (NUL-terminated, 108 bytes at most). */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int POLLIN = 1;
    private static final int EINTR = 4;

    /**
     * A unix stream socket listening on {@code path} (which must not exist): {@code socket},
     * {@code bind} and {@code listen}, non-blocking and close-on-exec. Close it with {@link #close}.
     *
     * @return its descriptor
     */
    public static int listenUnix(Path path, int backlog) throws IOException {
        byte[] name = Names.bytes(path);
        if (name.length >= SOCKADDR_UN_SIZE - 2) {
            throw new IOException("bind(" + Names.printable(Names.name(path)) + "): the socket's path is longer than "
                    + (SOCKADDR_UN_SIZE - 3) + " bytes");
        }
        byte[] address = new byte[SOCKADDR_UN_SIZE];
        address[0] = (byte) AF_UNIX;
        System.arraycopy(name, 0, address, 2, name.length);
        LibC c = libc();
        int fd = c.socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | O_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("socket", path);
        }
        try {
            if (c.bind(fd, address, 2 + name.length + 1) != 0) {
                throw failure("bind", path);
            }
            if (c.listen(fd, backlog) != 0) {
                throw failure("listen", path);
            }
            return fd;
        } catch (IOException e) {
            c.close(fd);
            throw e;
        }
    }

    /** An event counter to {@link #signal} another thread's {@link #awaitReadable} with ({@code eventfd(2)}), close-on-exec. */
    public static int eventfd() throws IOException {
        int fd = libc().eventfd(0, O_CLOEXEC);
        if (fd < 0) {
            throw failure("eventfd", Path.of("/proc/self"));
        }
        return fd;
    }

    /** Adds one to an {@link #eventfd}, which makes it readable. */
    public static void signal(int eventfd) throws IOException {
        byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
        if (libc().write(eventfd, one, one.length) != one.length) {
            throw failure("write eventfd", Path.of("/proc/self/fd/" + eventfd));
        }
    }

    /**
     * Blocks until {@code fd} or {@code wake} is readable (or has an error or a hang-up), as
     * {@code poll(2)} on the two.
     *
     * @return whether {@code fd} is, {@code false} if only {@code wake} is
     */
    public static boolean awaitReadable(int fd, int wake) throws IOException {
        while (true) {
            int[] fds = {fd, POLLIN, wake, POLLIN};
            if (libc().poll(fds, 2, -1) >= 0) {
                if ((fds[3] >>> 16) != 0) {
                    return false;
                }
                if ((fds[1] >>> 16) != 0) {
                    return true;
                }
            } else if (runtime.getLastError() != EINTR) {
                throw failure("poll", Path.of("/proc/self/fd/" + fd));
            }
        }
    }

    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int P_ALL = 0;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int WNOHANG = 1;
    private static final int ESRCH = 3;
    private static final int ECHILD = 10;

    /**
     * Sends a signal.
     *
     * @return {@code false} if there is no such process
     */
    public static boolean kill(int pid, int signal) throws IOException {
        if (libc().kill(pid, signal) == 0) {
            return true;
        }
        if (runtime.getLastError() == ESRCH) {
            return false;
        }
        throw failure("kill " + signal + " " + pid, Path.of("/proc/" + pid));
    }

    /**
     * Makes this process the parent of its orphaned descendants (a child subreaper), so processes
     * that outlive their parents (berth-shim) are reaped here, not left to an init that may not reap.
     */
    public static void becomeSubreaper() throws IOException {
        if (libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
            throw failure("prctl PR_SET_CHILD_SUBREAPER", Path.of("/proc/self"));
        }
    }

    /**
     * Blocks until some child has exited, without reaping it.
     *
     * @return its pid, or 0 if this process has no children
     */
    public static int awaitExitedChild() throws IOException {
        byte[] info = new byte[128];
        while (true) {
            if (libc().waitid(P_ALL, 0, info, WEXITED | WNOWAIT) == 0) {
                return (info[16] & 0xff) | (info[17] & 0xff) << 8 | (info[18] & 0xff) << 16 | (info[19] & 0xff) << 24;
            }
            int errno = runtime.getLastError();
            if (errno == ECHILD) {
                return 0;
            }
            if (errno != 4) {
                throw failure("waitid", Path.of("/proc/self"));
            }
        }
    }

    /**
     * This process's limits of a resource ({@code getrlimit(2)}): the soft one, then the hard one;
     * -1 for unlimited.
     */
    public static long[] rlimit(int resource) throws IOException {
        long[] limits = new long[2];
        if (libc().getrlimit(resource, limits) != 0) {
            throw failure("getrlimit " + resource, Path.of("/proc/self/limits"));
        }
        return limits;
    }

    /** Reaps an exited child; returns whether it was reaped. */
    public static boolean reap(int pid) {
        return libc().waitpid(pid, new int[1], WNOHANG) == pid;
    }

    /** Sets an extended attribute on the path itself (not what a symbolic link points to). */
    public static void setxattr(Path path, String name, byte[] value) throws IOException {
        if (libc().lsetxattr(c(path), name, value, value.length, 0) != 0) {
            throw failure("lsetxattr " + name, path);
        }
    }

    /** An extended attribute's value, or {@code null} if the path has none by that name. */
    public static byte[] getxattr(Path path, String name) throws IOException {
        byte[] buffer = new byte[256];
        while (true) {
            long n = libc().lgetxattr(c(path), name, buffer, buffer.length);
            if (n >= 0) {
                return java.util.Arrays.copyOf(buffer, (int) n);
            }
            int errno = runtime.getLastError();
            if (errno == ENODATA || errno == ENOTSUP) {
                return null;
            }
            if (errno != ERANGE || buffer.length > (1 << 20)) {
                throw failure("lgetxattr " + name, path);
            }
            buffer = new byte[buffer.length * 4];
        }
    }

    /** The names of the path's extended attributes (not following a final symbolic link). */
    public static List<String> listxattr(Path path) throws IOException {
        byte[] buffer = new byte[1024];
        long n;
        while (true) {
            n = libc().llistxattr(c(path), buffer, buffer.length);
            if (n >= 0) {
                break;
            }
            int errno = runtime.getLastError();
            if (errno == ENOTSUP) {
                return List.of();
            }
            if (errno != ERANGE || buffer.length > (1 << 20)) {
                throw failure("llistxattr", path);
            }
            buffer = new byte[buffer.length * 4];
        }
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (buffer[i] == 0) {
                if (i > start) {
                    names.add(new String(buffer, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return names;
    }

}
