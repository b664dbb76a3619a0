package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.Names;
import io.berth.api.NotFoundException;
import io.berth.api.container.PathStat;
import io.berth.api.driver.DriverRegistry;
import io.berth.layers.LayerApplier;
import io.berth.layers.LayerWriter;
import io.berth.layers.TreeTar;
import io.berth.layers.Whiteouts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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
    private final ContainerStore store;
    private final DriverRegistry drivers;
    private final RootFilesystems rootfs;

    ContainerFiles(ContainerStore store, DriverRegistry drivers, RootFilesystems rootfs) {
        this.store = store;
        this.drivers = drivers;
        this.rootfs = rootfs;
    }

    private interface OnRootfs<T> {
        T apply(Path root) throws IOException;
    }

    /** Runs {@code work} on the container's root filesystem, mounted for the while if it is not running. */
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
     * A path inside the container, resolved as docker resolves it (see {@link ContainerPaths#resolve}):
     * links on the way followed inside the container's root, never out of it; the last component's
     * link too when {@code follow} says so.
     */
    static Path inside(Path root, String path, boolean follow) throws IOException {
        return ContainerPaths.resolve(root, path.isEmpty() ? "/" : path, follow);
    }

    PathStat stat(String idOrName, String path, boolean follow) throws IOException {
        return withRootfs(idOrName, root -> stat(root, path, follow, idOrName));
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
            link = "/" + Names.relative(root, target);
        }
        String name = p.equals(root) ? "/" : Names.fileName(p);
        return new PathStat(name, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS), (Long) a.get("size"),
                (Integer) a.get("mode"), link);
    }

    void copyFrom(String idOrName, String path, String name, OutputStream tar) throws IOException {
        withRootfs(idOrName, root -> {
            Path p = inside(root, path, false);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new NotFoundException("Could not find the file " + path + " in container " + idOrName);
            }
            String top = name != null ? name : p.equals(root) ? "" : Names.fileName(p);
            LayerWriter out = new LayerWriter(tar);
            TreeTar.write(p, top, out);
            out.finish();
            return null;
        });
    }

    void copyTo(String idOrName, String directory, InputStream tar) throws IOException {
        withRootfs(idOrName, root -> {
            Path dir = inside(root, directory, true);
            // A real directory of the container: links were resolved inside it, never followed here.
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidArgumentException(Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
                        ? "cannot copy to " + directory + ": not a directory"
                        : "Could not find the file " + directory + " in container " + idOrName);
            }
            LayerApplier.apply(tar, dir, new LayerApplier.Options(Whiteouts.DELETE, false, true));
            return null;
        });
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

    /** The container's whole filesystem, its mounts left out, as an uncompressed tar. */
    void export(String idOrName, OutputStream tar) throws IOException {
        copyFrom(idOrName, "/", "", tar);
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
