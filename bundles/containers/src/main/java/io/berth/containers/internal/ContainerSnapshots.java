package io.berth.containers.internal;

import io.berth.api.NotFoundException;
import io.berth.api.storage.Mount;
import io.berth.api.storage.StorageDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The snapshots containers sit on. Each container has a writable snapshot (keyed by its id) on an
 * "init" snapshot of its image: the image's layers plus the empty files and directories the
 * runtime mounts over ({@code /proc}, {@code /sys}, {@code /dev}, {@code /etc/hosts},
 * {@code /etc/hostname}, {@code /etc/resolv.conf}), so those never show in {@code diff} or a
 * commit, as with docker. The init snapshot is shared by the image's containers and kept while the
 * image exists; the image store removes it with the image's layers.
 */
final class ContainerSnapshots {
    private static final System.Logger LOG = System.getLogger(ContainerSnapshots.class.getName());
    private static final String INIT_SUFFIX = "-init";
    private static final List<String> INIT_FILES = List.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf");
    private static final List<String> INIT_DIRECTORIES = List.of("/proc", "/sys", "/dev");

    private final Path scratch;
    private final Object initLock = new Object();

    /** @param scratch where an init snapshot is mounted while it is made */
    ContainerSnapshots(Path scratch) {
        this.scratch = scratch;
    }

    /**
     * Prepares a container's writable snapshot {@code key} on the init snapshot of the image whose
     * top layer is {@code chain} ({@code null}: an image without layers), making that first if
     * needed.
     *
     * @return the init snapshot's key
     */
    String prepare(StorageDriver storage, String key, String chain) throws IOException {
        synchronized (initLock) {
            String init = init(storage, chain);
            storage.prepare(key, init);
            return init;
        }
    }

    /** The init snapshot of an image, made if it is not there yet. Called with {@link #initLock} held. */
    private String init(StorageDriver storage, String chain) throws IOException {
        String key = (chain == null ? "scratch" : chain) + INIT_SUFFIX;
        try {
            storage.stat(key);
            return key;
        } catch (NotFoundException e) {
            // Made below.
        }
        String work = key + "-" + Names.newId().substring(0, 8);
        List<Mount> mounts = storage.prepare(work, chain);
        try {
            Path target = Files.createDirectories(scratch.resolve(".init-" + work.hashCode()));
            try {
                Path root = RootFilesystems.mount(mounts, target);
                try {
                    for (String d : INIT_DIRECTORIES) {
                        ContainerPaths.mountPoint(root, d, true);
                    }
                    for (String f : INIT_FILES) {
                        ContainerPaths.mountPoint(root, f, false);
                    }
                } finally {
                    RootFilesystems.unmount(target);
                }
            } finally {
                Files.deleteIfExists(target);
            }
            storage.commit(key, work);
        } catch (IOException | RuntimeException e) {
            try {
                storage.remove(work);
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        return key;
    }

    /**
     * Removes a container's writable snapshot; the init snapshot under it stays for the image's
     * next container. Failures are logged: the container is gone either way, and
     * {@link Reconciler#collectOrphans} removes what is left at the next start.
     */
    static void remove(StorageDriver storage, String key) {
        try {
            storage.remove(key);
        } catch (NotFoundException e) {
            // Already gone.
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove snapshot " + key + ": " + e.getMessage());
        }
    }
}
