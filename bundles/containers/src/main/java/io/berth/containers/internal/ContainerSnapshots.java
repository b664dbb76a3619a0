package io.berth.containers.internal;

import io.berth.api.NotFoundException;
import io.berth.api.storage.Mount;
import io.berth.api.storage.StorageDriver;
import io.berth.posix.IdMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The snapshots containers sit on. Each container has a writable snapshot (keyed by its id) on an
 * "init" snapshot of its image: the image's layers plus the empty files and directories the
 * runtime mounts over ({@code /proc}, {@code /sys}, {@code /dev} with {@code pts}, {@code shm} and
 * {@code console}, {@code /etc/hosts}, {@code /etc/hostname}, {@code /etc/resolv.conf}) and
 * {@code /etc/mtab} as a link to {@code /proc/mounts}, so those never show in {@code diff} or a
 * commit, and {@code export} has them, as with docker's init layer. The init snapshot is shared
 * by the image's containers and kept while the image exists; the image store removes it with the
 * image's layers.
 */
final class ContainerSnapshots {
    private static final System.Logger LOG = System.getLogger(ContainerSnapshots.class.getName());
    private static final String INIT_SUFFIX = "-init";
    private static final List<String> INIT_FILES = List.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf",
            "/dev/console");
    private static final List<String> INIT_DIRECTORIES = List.of("/proc", "/sys", "/dev", "/dev/pts", "/dev/shm");

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
     * <p>A remapped container ({@code ids}) needs its root filesystem owned by its ids. On a
     * copying driver (one whose snapshot is a single directory: vfs) its init snapshot is a copy of
     * the image with the mapped ids, made once per range as docker chowns layers per range, so
     * its changes are still the differences from its parent; on overlay it shares the image's
     * init snapshot, whose lower layers are id-mapped when it is mounted, and only its upper
     * layer's root is given to its root here.
     *
     * @return the init snapshot's key
     */
    String prepare(StorageDriver storage, String key, String chain, IdMap ids) throws IOException {
        synchronized (initLock) {
            String init = init(storage, chain, ids.remaps() && copies(storage, chain) ? ids : IdMap.IDENTITY);
            List<Mount> mounts = storage.prepare(key, init);
            if (ids.remaps()) {
                try {
                    giveUpperToRoot(mounts, ids);
                } catch (IOException | RuntimeException e) {
                    remove(storage, key);
                    throw e;
                }
            }
            return init;
        }
    }

    /**
     * Whether the driver copies its snapshots: its {@code graphData} is a single {@code Dir}, as
     * the SPI has copying drivers describe themselves (an image without layers: taken as layered).
     */
    private static boolean copies(StorageDriver storage, String chain) throws IOException {
        if (chain == null) {
            return false;
        }
        java.util.Map<String, String> data = storage.graphData(chain);
        return data.containsKey("Dir") && !data.containsKey("UpperDir");
    }

    /** An overlay's upper layer root, owned by the container's root; a single directory is already (it was copied from the init snapshot). */
    private static void giveUpperToRoot(List<Mount> mounts, IdMap ids) throws IOException {
        for (Mount m : mounts) {
            for (String o : m.options()) {
                if (o.startsWith("upperdir=")) {
                    ids.chownToRoot(Path.of(o.substring("upperdir=".length())));
                }
            }
        }
    }

    /** The init snapshot of an image, made if it is not there yet. Called with {@link #initLock} held. */
    private String init(StorageDriver storage, String chain, IdMap ids) throws IOException {
        String key = (chain == null ? "scratch" : chain) + INIT_SUFFIX
                + (ids.remaps() ? "-" + ids.hostUid(0) + "." + ids.hostGid(0) : "");
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
                    ids.chownTree(root);
                    for (String d : INIT_DIRECTORIES) {
                        ContainerPaths.mountPoint(root, d, true, ids);
                    }
                    for (String f : INIT_FILES) {
                        ContainerPaths.mountPoint(root, f, false, ids);
                    }
                    // As docker's init layer: tools such as df and mount read /etc/mtab.
                    Path mtab = ContainerPaths.mkdirs(root, "/etc", ids).resolve("mtab");
                    if (!Files.exists(mtab, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(mtab, Path.of("/proc/mounts"));
                        ids.chownToRoot(mtab);
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
