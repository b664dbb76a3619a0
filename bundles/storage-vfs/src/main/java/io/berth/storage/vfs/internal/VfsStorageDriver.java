package io.berth.storage.vfs.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.storage.Mount;
import io.berth.api.storage.Snapshot;
import io.berth.api.storage.SnapshotKind;
import io.berth.api.storage.StorageDriver;
import io.berth.api.storage.Usage;
import io.berth.layers.LayerApplier;
import io.berth.layers.LayerWriter;
import io.berth.posix.Native;
import io.berth.layers.SnapshotStore;
import io.berth.posix.Trees;
import io.berth.layers.Whiteouts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Snapshots as whole trees, each in its own {@code fs/}. A layer is its parent's tree as a hard
 * link farm ({@code cp -al}: new directories, every other entry a link to the parent's inode) with
 * the layer applied on it; committed snapshots never change, and the applier copies a shared inode
 * before it would change one in place, so layers share their unchanged files. A container's tree
 * (an active snapshot) is a real copy ({@code cp -a --reflink=auto}, which keeps owners, modes,
 * times, extended attributes, hard links and devices, and shares blocks where the filesystem
 * can): nothing it writes reaches a layer. Works on any filesystem with hard links; where the farm
 * cannot be made (too many links to one inode), a layer is a copy too. Removed snapshots leave the
 * store at once and their files are deleted in the background.
 */
public final class VfsStorageDriver implements StorageDriver, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VfsStorageDriver.class.getName());

    private final SnapshotStore store;
    private final boolean allowDevices;
    /** Deletes removed snapshots' files, one tree after the other; no thread while idle. */
    private final ThreadPoolExecutor reaper = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "berth-vfs-reaper");
                t.setDaemon(true);
                return t;
            });

    public VfsStorageDriver(Path home, boolean allowDevices) throws IOException {
        this.store = new SnapshotStore(home);
        this.allowDevices = allowDevices;
        reaper.allowCoreThreadTimeOut(true);
    }

    /** Waits until the files of removed snapshots are deleted. */
    @Override
    public void close() throws IOException {
        reaper.shutdown();
        try {
            if (!reaper.awaitTermination(10, TimeUnit.MINUTES)) {
                throw new IOException("removed snapshots are still being deleted after 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while deleting removed snapshots");
        }
    }

    @Override
    public Snapshot stat(String key) {
        return store.get(key).snapshot();
    }

    @Override
    public List<Mount> prepare(String key, String parent) throws IOException {
        return make(key, parent, SnapshotKind.ACTIVE);
    }

    @Override
    public List<Mount> view(String key, String parent) throws IOException {
        return make(key, parent, SnapshotKind.VIEW);
    }

    private List<Mount> make(String key, String parent, SnapshotKind kind) throws IOException {
        if (store.contains(key)) {
            throw new io.berth.api.ConflictException("snapshot " + key + " already exists");
        }
        Path work = store.workDirectory();
        try {
            Path fs = work.resolve("fs");
            if (parent != null && kind == SnapshotKind.ACTIVE) {
                copy(committed(parent).dir().resolve("fs"), fs);
            } else {
                if (parent != null) {
                    committed(parent);
                }
                Files.createDirectory(fs);
            }
            store.publish(work, key, parent, kind, Map.of());
        } catch (IOException | RuntimeException e) {
            Trees.delete(work);
            throw e;
        }
        return mounts(key);
    }

    @Override
    public List<Mount> mounts(String key) {
        SnapshotStore.Entry e = store.get(key);
        return switch (e.snapshot().kind()) {
            case ACTIVE -> List.of(new Mount("bind", e.dir().resolve("fs").toString(), null, List.of("rbind", "rw")));
            // A view of a layer is the layer itself, read-only: nothing to copy.
            case VIEW -> List.of(new Mount("bind", (e.snapshot().parent() == null ? e : store.get(e.snapshot().parent()))
                    .dir().resolve("fs").toString(), null, List.of("rbind", "ro")));
            case COMMITTED -> throw new InvalidArgumentException("snapshot " + key
                    + " is committed: prepare or view one on it");
        };
    }

    @Override
    public Snapshot commit(String name, String key) throws IOException {
        SnapshotStore.Entry e = store.get(key);
        if (e.snapshot().kind() != SnapshotKind.ACTIVE) {
            throw new InvalidArgumentException("snapshot " + key + " is not active, it cannot be committed");
        }
        return store.rekey(key, name, SnapshotKind.COMMITTED).snapshot();
    }

    @Override
    public void remove(String key) throws IOException {
        Path doomed = store.detach(key);
        try {
            reaper.execute(() -> {
                try {
                    Trees.delete(doomed);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot delete removed snapshot " + key + " (" + doomed
                            + "); the store deletes it when it opens next: " + e.getMessage(), e);
                }
            });
        } catch (RejectedExecutionException closed) {
            Trees.delete(doomed);
        }
    }

    @Override
    public Usage usage(String key) throws IOException {
        SnapshotStore.Entry e = store.get(key);
        Path fs = e.dir().resolve("fs");
        String parent = e.snapshot().parent();
        if (e.snapshot().kind() != SnapshotKind.COMMITTED || parent == null || !store.contains(parent)) {
            long[] u = Trees.usage(fs);
            return new Usage(u[0], u[1]);
        }
        // A layer's own: what it does not share with its parent (the farm's links are the parent's).
        Path below = store.get(parent).dir().resolve("fs");
        long[] totals = new long[2];
        java.util.Set<Object> seen = new java.util.HashSet<>();
        try (var all = Files.walk(fs)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (!a.isDirectory() && a.fileKey() != null && a.fileKey().equals(fileKey(below.resolve(fs.relativize(p))))) {
                    continue;
                }
                if (a.fileKey() == null || seen.add(a.fileKey())) {
                    totals[0] += a.isDirectory() ? 0 : a.size();
                    totals[1]++;
                }
            }
        }
        return new Usage(totals[0], totals[1]);
    }

    private static Object fileKey(Path p) throws IOException {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void walk(Consumer<Snapshot> visitor) {
        store.walk(visitor);
    }

    @Override
    public void diff(String key, OutputStream tar) throws IOException {
        SnapshotStore.Entry e = store.get(key);
        if (e.snapshot().kind() != SnapshotKind.ACTIVE) {
            throw new InvalidArgumentException("snapshot " + key + " is not active, it has no changes to diff");
        }
        Path before = e.snapshot().parent() == null ? null : store.get(e.snapshot().parent()).dir().resolve("fs");
        LayerWriter writer = new LayerWriter(tar);
        TreeDiff.write(before, e.dir().resolve("fs"), writer);
        writer.finish();
    }

    @Override
    public List<io.berth.api.storage.Change> changes(String key) throws IOException {
        SnapshotStore.Entry e = store.get(key);
        if (e.snapshot().kind() != SnapshotKind.ACTIVE) {
            throw new InvalidArgumentException("snapshot " + key + " is not active, it has no changes");
        }
        Path before = e.snapshot().parent() == null ? null : store.get(e.snapshot().parent()).dir().resolve("fs");
        return TreeDiff.changes(before, e.dir().resolve("fs"));
    }

    @Override
    public Snapshot apply(String name, String parent, InputStream tar) throws IOException {
        if (store.contains(name)) {
            throw new io.berth.api.ConflictException("snapshot " + name + " already exists");
        }
        Path work = store.workDirectory();
        try {
            Path fs = work.resolve("fs");
            if (parent != null) {
                linkFarm(committed(parent).dir().resolve("fs"), fs);
            } else {
                Files.createDirectory(fs);
            }
            LayerApplier.apply(tar, fs, new LayerApplier.Options(Whiteouts.DELETE, allowDevices, true, parent != null));
            Native.syncfs(work);
            return store.publish(work, name, parent, SnapshotKind.COMMITTED, Map.of()).snapshot();
        } catch (IOException | RuntimeException e) {
            Trees.delete(work);
            throw e;
        }
    }

    @Override
    public boolean parallelApply() {
        return false;
    }

    @Override
    public Map<String, String> graphData(String key) {
        return Map.of("Dir", store.get(key).dir().resolve("fs").toString());
    }

    private SnapshotStore.Entry committed(String key) {
        SnapshotStore.Entry e = store.get(key);
        if (e.snapshot().kind() != SnapshotKind.COMMITTED) {
            throw new InvalidArgumentException("snapshot " + key + " is not committed; only layers can be parents");
        }
        return e;
    }

    /** {@code to} as a copy of the tree {@code from}, sharing blocks where the filesystem can. */
    private static void copy(Path from, Path to) throws IOException {
        cp(from, to, "--reflink=auto");
    }

    /**
     * {@code to} as new directories holding hard links to everything else in {@code from}; a copy
     * if that fails (an inode with the most links the filesystem allows, a filesystem without
     * hard links).
     */
    private static void linkFarm(Path from, Path to) throws IOException {
        try {
            cp(from, to, "--link");
        } catch (java.io.InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "cannot link " + from + ", copying it: " + e.getMessage());
            Trees.delete(to);
            copy(from, to);
        }
    }

    private static void cp(Path from, Path to, String how) throws IOException {
        Process p = new ProcessBuilder("cp", "-a", how, "--", from.toString(), to.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("copying " + from + " failed: " + output);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while copying " + from);
        }
    }
}
