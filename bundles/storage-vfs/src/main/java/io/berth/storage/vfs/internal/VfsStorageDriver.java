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
import java.util.function.Consumer;

/**
 * Snapshots as full copies: each snapshot's {@code fs/} is a whole tree, a child made by copying
 * its parent ({@code cp -a --reflink=auto}, which keeps owners, modes, times, extended
 * attributes, hard links and devices, and shares blocks where the filesystem can). Works on any
 * filesystem; costs a copy per layer and per container.
 */
public final class VfsStorageDriver implements StorageDriver {
    private final SnapshotStore store;
    private final boolean allowDevices;

    public VfsStorageDriver(Path home, boolean allowDevices) throws IOException {
        this.store = new SnapshotStore(home);
        this.allowDevices = allowDevices;
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
        store.remove(key);
    }

    @Override
    public Usage usage(String key) throws IOException {
        long[] u = Trees.usage(store.get(key).dir().resolve("fs"));
        return new Usage(u[0], u[1]);
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
                copy(committed(parent).dir().resolve("fs"), fs);
            } else {
                Files.createDirectory(fs);
            }
            LayerApplier.apply(tar, fs, new LayerApplier.Options(Whiteouts.DELETE, allowDevices, true));
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

    private static void copy(Path from, Path to) throws IOException {
        Process p = new ProcessBuilder("cp", "-a", "--reflink=auto", "--", from.toString(), to.toString())
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
