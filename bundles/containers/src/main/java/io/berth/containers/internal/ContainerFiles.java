package io.berth.containers.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.Names;
import io.berth.api.NotFoundException;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.MountSpec;
import io.berth.api.container.PathStat;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.storage.Mount;
import io.berth.layers.LayerApplier;
import io.berth.layers.LayerWriter;
import io.berth.layers.TreeTar;
import io.berth.layers.Whiteouts;
import io.berth.posix.IdMap;
import io.berth.posix.Mounts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A container's files, running or not: {@code stat} of a path, {@code cp} both ways and
 * {@code export}. A stopped container's root filesystem is mounted for the while. Paths are
 * resolved as docker resolves them: symbolic links are followed within the container's root, a
 * {@code ..} never climbs above it and an absolute target starts at it, so nothing of the host
 * outside the container is read or written.
 */
final class ContainerFiles {
    private static final System.Logger LOG = System.getLogger(ContainerFiles.class.getName());
    /** Where a runtime mounts the kernel's file systems in a container. */
    private static final List<String> KERNEL_DIRECTORIES = List.of("/proc", "/sys", "/dev");

    private final ContainerStore store;
    private final DriverRegistry drivers;
    private final RootFilesystems rootfs;
    private final Volumes volumes;
    private final ContainerLifecycle lifecycle;

    ContainerFiles(ContainerStore store, DriverRegistry drivers, RootFilesystems rootfs, Volumes volumes,
                   ContainerLifecycle lifecycle) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.volumes = volumes;
        this.drivers = drivers;
        this.rootfs = rootfs;
    }

    private interface OnRootfs<T> {
        T apply(Path root) throws IOException;
    }

    /**
     * Runs {@code work} on the container's root filesystem alone, without its volumes and binds
     * (as {@code export} and {@code diff} see it), mounted for the while if it is not running.
     */
    private <T> T withRootfs(String idOrName, OnRootfs<T> work) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            ContainerLifecycle.checkNotRemoved(e);
            ContainerRecord r = e.record;
            if (e.state.running()) {
                return work.apply(rootfs.running(r, drivers.storage(r.storage())).toAbsolutePath().normalize());
            }
            try {
                return work.apply(rootfs.mount(r, drivers.storage(r.storage())).toAbsolutePath().normalize());
            } finally {
                rootfs.release(r);
            }
        } finally {
            e.lock.unlock();
        }
    }

    /**
     * Runs {@code work} on the files the container's processes see: its root filesystem with its
     * volumes and binds where they are mounted, as {@code cp} reads and writes them. A running
     * container's own mount namespace is used ({@code /proc/PID/root}), so whatever its runtime
     * mounted is there; a stopped one's root is mounted with its volumes and binds on it for the
     * while (a volume made but never used is filled from the image first, as a start would).
     * {@code work} is given the root and the container's mount targets, as the container names them.
     */
    private <T> T withFiles(String idOrName, OnView<T> work) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try (Frozen others = freeze(coUsers(e))) {
            ContainerLifecycle.checkNotRemoved(e);
            ContainerRecord r = e.record;
            if (e.state.running()) {
                // Frozen for the while, so that no process of the container can swap a directory the
                // copy has resolved for a link that leads out of it (CVE-2018-15664).
                RuntimeDriver runtime = null;
                if (e.state.status() == ContainerStatus.RUNNING) {
                    runtime = lifecycle.runtimeOf(e);
                    runtime.pause(r.id());
                }
                try {
                    return work.apply(new View(namespaceRoot(e), r.mounts(), true));
                } finally {
                    if (runtime != null) {
                        try {
                            runtime.resume(r.id());
                        } catch (ConflictException | NotFoundException ex) {
                            // It ended meanwhile.
                        }
                    }
                }
            }
            if (r.mounts().isEmpty()) {
                try {
                    return work.apply(new View(rootfs.mount(r, drivers.storage(r.storage())).toAbsolutePath().normalize(), List.of(), false));
                } finally {
                    rootfs.release(r);
                }
            }
            Path mountpoint = rootfs.mountpoint(r);
            boolean volumesMounted = false;
            try {
                Path root = rootfs.mount(r, drivers.storage(r.storage())).toAbsolutePath().normalize();
                if (!root.equals(mountpoint)) {
                    // A single directory (vfs): bound at the mount point, so that what is mounted on it
                    // below lives under the run root, never in the storage driver's own tree.
                    Mounts.mount(List.of(new Mount("bind", root.toString(), "/", List.of("rw"))), mountpoint);
                    root = mountpoint;
                }
                List<Mount> mounts = volumes.mount(r, root);
                volumesMounted = true;
                for (Mount m : mounts) {
                    if (m.type().equals("bind")) {
                        Mounts.mount(List.of(m), root.resolve(m.target().substring(1)));
                    }
                }
                return work.apply(new View(root, r.mounts(), false));
            } finally {
                // The mount point's subtree goes with it.
                rootfs.release(r);
                if (volumesMounted) {
                    volumes.unmount(r);
                }
            }
        } finally {
            e.lock.unlock();
        }
    }

    /**
     * The other running containers that share a volume or a bind (the same or an enclosing or
     * enclosed host directory) with {@code e}: while a copy works through that mount, their
     * processes could swap a directory it resolved for a link out of it, as the container's own
     * could if it were not frozen, so they are frozen too.
     */
    private List<ContainerStore.Entry> coUsers(ContainerStore.Entry e) {
        List<MountSpec> own = e.record.mounts().stream().filter(m -> !m.type().equals("tmpfs")).toList();
        if (own.isEmpty()) {
            return List.of();
        }
        List<ContainerStore.Entry> out = new java.util.ArrayList<>();
        for (ContainerStore.Entry other : store.all()) {
            if (other == e || other.state.status() != ContainerStatus.RUNNING) {
                continue;
            }
            boolean shares = false;
            for (MountSpec m : other.record.mounts()) {
                for (MountSpec mine : own) {
                    shares |= m.type().equals(mine.type()) && (m.type().equals("bind")
                            ? overlaps(Path.of(m.source()), Path.of(mine.source())) : m.source().equals(mine.source()));
                }
            }
            if (shares) {
                out.add(other);
            }
        }
        return out;
    }

    private static boolean overlaps(Path a, Path b) {
        Path x = a.toAbsolutePath().normalize();
        Path y = b.toAbsolutePath().normalize();
        return x.startsWith(y) || y.startsWith(x);
    }

    /** Pauses running containers for a while; closing resumes those it paused (one that ended meanwhile is left). */
    private Frozen freeze(List<ContainerStore.Entry> entries) throws IOException {
        Frozen frozen = new Frozen(new java.util.ArrayList<>());
        try {
            for (ContainerStore.Entry other : entries) {
                RuntimeDriver runtime = lifecycle.runtimeOf(other);
                try {
                    runtime.pause(other.id());
                    frozen.paused().add(java.util.Map.entry(other.id(), runtime));
                } catch (ConflictException | NotFoundException ex) {
                    // It ended meanwhile, or a user paused it: nothing of it runs.
                }
            }
            return frozen;
        } catch (IOException | RuntimeException ex) {
            frozen.close();
            throw ex;
        }
    }

    private record Frozen(List<Map.Entry<String, RuntimeDriver>> paused) implements AutoCloseable {
        @Override
        public void close() {
            for (Map.Entry<String, RuntimeDriver> p : paused) {
                try {
                    p.getValue().resume(p.getKey());
                } catch (IOException | RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "cannot resume container " + p.getKey() + " after a copy: " + ex);
                }
            }
        }
    }

    private interface OnView<T> {
        T apply(View view) throws IOException;
    }

    /** The files of a container: its root, its mounts as it names them, and whether it runs. */
    private record View(Path root, List<MountSpec> mounts, boolean running) {
    }

    /**
     * A running container's root as its processes see it, through its first process: checked to
     * be the same directory as the container's root filesystem, so that a process that ended (and
     * whose pid now names another) is never taken for it.
     */
    private Path namespaceRoot(ContainerStore.Entry e) throws IOException {
        ContainerRecord r = e.record;
        Path root = Path.of("/proc", Integer.toString(e.state.pid()), "root");
        Path own = rootfs.running(r, drivers.storage(r.storage()));
        try {
            Object[] a = identity(root);
            Object[] b = identity(own);
            if (Arrays.equals(a, b)) {
                return root;
            }
        } catch (NoSuchFileException ex) {
            // Ended meanwhile.
        }
        throw new ConflictException("cannot reach the files of container " + r.shortId()
                + ": its first process has left the container's root filesystem or ended");
    }

    private static Object[] identity(Path dir) throws IOException {
        Map<String, Object> a = Files.readAttributes(dir.resolve("."), "unix:dev,ino");
        return new Object[] {a.get("dev"), a.get("ino")};
    }

    /**
     * A path inside the container, resolved as docker resolves it (see {@link ContainerPaths#resolve}):
     * links on the way followed inside the container's root, never out of it; the last component's
     * link too when {@code follow} says so. The root itself is named {@code ROOT/.}: a running
     * container's root is reached through {@code /proc/PID/root}, a link to be followed.
     */
    static Path inside(Path root, String path, boolean follow) throws IOException {
        Path p = ContainerPaths.resolve(root, path.isEmpty() ? "/" : path, follow);
        return p.equals(root.toAbsolutePath().normalize()) ? p.resolve(".") : p;
    }

    private static boolean isRoot(Path p, Path root) {
        return p.normalize().equals(root.toAbsolutePath().normalize());
    }

    PathStat stat(String idOrName, String path, boolean follow) throws IOException {
        return withFiles(idOrName, view -> stat(view.root(), path, follow, idOrName));
    }

    /**
     * What a path is, as docker's {@code stat} of a container path says: a symbolic link's
     * {@code linkTarget} is the path inside the container where it leads once every link is
     * followed, which {@code cp -L} copies.
     */
    static PathStat stat(Path rootfs, String path, boolean follow, String idOrName) throws IOException {
        Path root = rootfs.toAbsolutePath().normalize();
        Path p = inside(root, path, follow);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotFoundException("Could not find the file " + path + " in container " + idOrName);
        }
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,size", LinkOption.NOFOLLOW_LINKS);
        String link = "";
        if (Files.isSymbolicLink(p)) {
            Path target = inside(root, path, true);
            link = isRoot(target, root) ? "/" : "/" + Names.relative(root, target);
        }
        String name = isRoot(p, root) ? "/" : Names.fileName(p);
        return new PathStat(name, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS), (Long) a.get("size"),
                (Integer) a.get("mode"), link);
    }

    void copyFrom(String idOrName, String path, String name, OutputStream tar) throws IOException {
        IdMap ids = store.find(idOrName).record.ids();
        withFiles(idOrName, view -> {
            Path root = view.root();
            Path p = inside(root, path, false);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new NotFoundException("Could not find the file " + path + " in container " + idOrName);
            }
            String top = name != null ? name : isRoot(p, root) ? "" : Names.fileName(p);
            // A running container's kernel file systems are not its files: a copy of a tree holds
            // their directories, not what the kernel shows in them, as docker's copy does.
            List<Path> kernel = view.running()
                    ? KERNEL_DIRECTORIES.stream().map(d -> root.resolve(d.substring(1))).toList() : List.of();
            LayerWriter out = new LayerWriter(tar, ids);
            TreeTar.write(p, top, out, dir -> !kernel.contains(dir.normalize()));
            out.finish();
            return null;
        });
    }

    void copyTo(String idOrName, String directory, InputStream tar) throws IOException {
        boolean readonlyRootfs = store.find(idOrName).record.host().readonlyRootfs();
        IdMap ids = store.find(idOrName).record.ids();
        withFiles(idOrName, view -> {
            Path dir = inside(view.root(), directory, true);
            // A real directory of the container: links were resolved inside it, never followed here.
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidArgumentException(Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
                        ? "cannot copy to " + directory + ": not a directory"
                        : "Could not find the file " + directory + " in container " + idOrName);
            }
            MountSpec mount = mountOf(view.root(), dir, view.mounts());
            if (mount != null && mount.readOnly()) {
                throw new InvalidArgumentException("mounted volume is marked read-only");
            }
            if (mount == null && readonlyRootfs) {
                throw new InvalidArgumentException("container rootfs is marked read-only");
            }
            LayerApplier.apply(tar, dir, new LayerApplier.Options(Whiteouts.DELETE, false, true, false, ids));
            return null;
        });
    }

    /** The mount that {@code path} (a resolved host path under {@code root}) lies in, the deepest one, or {@code null}. */
    private static MountSpec mountOf(Path root, Path path, List<MountSpec> mounts) throws IOException {
        MountSpec found = null;
        int depth = -1;
        for (MountSpec m : mounts) {
            Path target = ContainerPaths.resolve(root, m.target(), true);
            if (path.normalize().startsWith(target) && target.getNameCount() > depth) {
                found = m;
                depth = target.getNameCount();
            }
        }
        return found;
    }

    void copyToHost(String idOrName, String path, Path hostDirectory, String name, boolean owners) throws IOException {
        pipe(out -> copyFrom(idOrName, path, name, out),
                in -> LayerApplier.apply(in, hostDirectory, new LayerApplier.Options(Whiteouts.DELETE, false, owners)));
    }

    void copyFromHost(Path source, String name, String idOrName, String directory) throws IOException {
        pipe(out -> {
            LayerWriter w = new LayerWriter(out);
            TreeTar.write(source, name, w);
            w.finish();
        }, in -> copyTo(idOrName, directory, in));
    }

    /**
     * The container's whole filesystem as an uncompressed tar: its root filesystem alone, without
     * its volumes, binds and tmpfs mounts, as docker's {@code export} writes it.
     */
    void export(String idOrName, OutputStream tar) throws IOException {
        IdMap ids = store.find(idOrName).record.ids();
        withRootfs(idOrName, root -> {
            LayerWriter out = new LayerWriter(tar, ids);
            TreeTar.write(root, "", out);
            out.finish();
            return null;
        });
    }

    private interface TarSource {
        void writeTo(OutputStream out) throws IOException;
    }

    private interface TarSink {
        void readFrom(InputStream in) throws IOException;
    }

    /** Streams a tar from a writer to a reader; either side's failure fails the whole. */
    private static void pipe(TarSource source, TarSink sink) throws IOException {
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream out = new PipedOutputStream(in);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (out) {
                source.writeTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (in) {
            sink.readFrom(in);
            writer.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        } finally {
            writer.cancel(true);
        }
    }
}
