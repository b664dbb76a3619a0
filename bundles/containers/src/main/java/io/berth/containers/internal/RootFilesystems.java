package io.berth.containers.internal;

import io.berth.api.UnavailableException;
import io.berth.api.storage.Mount;
import io.berth.api.storage.StorageDriver;
import io.berth.posix.Mounts;
import io.berth.posix.Native;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where containers' root filesystems are mounted on the host: {@code <runRoot>/<id>/rootfs} while
 * a container runs (or while its files are read or written, when it does not). A storage driver
 * whose snapshot is a single writable directory (vfs) needs no mount: that directory is the root.
 */
final class RootFilesystems {
    private static final System.Logger LOG = System.getLogger(RootFilesystems.class.getName());

    private final Path runRoot;
    private final Remapping remapping;

    /** @param runRoot where the mount points are made, {@code <run root>/containers} */
    RootFilesystems(Path runRoot, Remapping remapping) throws IOException {
        this.runRoot = Files.createDirectories(runRoot);
        this.remapping = remapping;
    }

    Path runRoot() {
        return runRoot;
    }

    /** Where a container's root filesystem is mounted while it runs (as inspect's MergedDir shows). */
    Path mountpoint(ContainerRecord r) {
        return runRoot.resolve(r.id()).resolve("rootfs");
    }

    /**
     * Mounts a container's snapshot at its mount point and returns its root as the host sees it.
     * A remapped container's overlay is mounted on id-mapped lower layers, so the image's files
     * are its root's (and its users') as the host sees them through the mount, while the layers
     * stay as they are, shared with every other container; its upper layer holds the mapped ids
     * itself (the kernel refuses an overlay whose upper layer is id-mapped). A copying driver's
     * snapshot (vfs) was given the mapped ids when it was made ({@link ContainerSnapshots}).
     */
    Path mount(ContainerRecord r, StorageDriver storage) throws IOException {
        List<Mount> mounts = storage.mounts(r.snapshot());
        Path target = Files.createDirectories(mountpoint(r));
        if (!r.ids().remaps() || singleDirectory(mounts)) {
            return mount(mounts, target);
        }
        if (mounts.size() != 1 || !mounts.get(0).type().equals("overlay")) {
            throw new UnavailableException("storage driver " + r.storage() + " cannot run a container with remapped ids: "
                    + "its mounts are neither an overlay nor a single directory");
        }
        Mount overlay = mounts.get(0);
        int userns = remapping.namespace(r.ids());
        Path lowerRoot = Files.createDirectories(mountpoint(r).resolveSibling("lower"));
        List<Path> made = new ArrayList<>();
        try {
            List<String> options = new ArrayList<>();
            for (String o : overlay.options()) {
                if (!o.startsWith("lowerdir=")) {
                    options.add(o);
                    continue;
                }
                List<String> lowers = new ArrayList<>();
                for (String lower : o.substring("lowerdir=".length()).split(":")) {
                    Path t = Files.createDirectory(lowerRoot.resolve(Integer.toString(made.size())));
                    made.add(t);
                    Native.bindIdMapped(Path.of(lower), t, userns);
                    lowers.add(t.toString());
                }
                options.add("lowerdir=" + String.join(":", lowers));
            }
            Mounts.mount(List.of(new Mount("overlay", overlay.source(), null, options)), target);
            return target;
        } finally {
            // The overlay holds its lower layers' mounts: they need no mount point of their own.
            for (Path t : made) {
                try {
                    unmount(t);
                    Files.deleteIfExists(t);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot detach id-mapped layer " + t + ": " + e);
                }
            }
            Files.deleteIfExists(lowerRoot);
        }
    }

    /** The root of a running container as the host sees it: its mount point, or its single directory. */
    Path running(ContainerRecord r, StorageDriver storage) throws IOException {
        List<Mount> mounts = storage.mounts(r.snapshot());
        return singleDirectory(mounts) ? Path.of(mounts.get(0).source()) : mountpoint(r);
    }

    /**
     * Unmounts a container's root filesystem and removes its mount point, if there is one. Failures
     * are logged, not thrown: whoever calls this is cleaning up after the container, and the rest
     * of that (recording its exit, say) must happen anyway.
     */
    void release(ContainerRecord r) {
        Path mountpoint = mountpoint(r);
        try {
            unmount(mountpoint);
            Files.deleteIfExists(mountpoint);
            Files.deleteIfExists(mountpoint.getParent());
        } catch (NoSuchFileException ex) {
            // Nothing there.
        } catch (IOException | RuntimeException | LinkageError ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot unmount the root filesystem of container " + r.shortId() + ": " + ex);
        }
    }

    /** Mounts a root filesystem at {@code target}, or returns a single writable bind source as it is. */
    static Path mount(List<Mount> mounts, Path target) throws IOException {
        if (singleDirectory(mounts)) {
            return Path.of(mounts.get(0).source());
        }
        Mounts.mount(mounts, target);
        return target;
    }

    /** Unmounts {@code target} if something is mounted there. */
    static void unmount(Path target) throws IOException {
        if (Files.isDirectory(target) && Mounts.isMountPoint(target)) {
            Mounts.unmount(target);
        }
    }

    private static boolean singleDirectory(List<Mount> mounts) {
        return mounts.size() == 1 && mounts.get(0).type().equals("bind") && !mounts.get(0).readOnly();
    }
}
