package io.berth.storage.overlay.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.Names;
import io.berth.api.storage.Mount;
import io.berth.api.storage.Snapshot;
import io.berth.api.storage.SnapshotKind;
import io.berth.api.storage.StorageDriver;
import io.berth.api.storage.Usage;
import io.berth.layers.LayerApplier;
import io.berth.layers.LayerWriter;
import io.berth.layers.SnapshotStore;
import io.berth.layers.Whiteouts;
import io.berth.posix.Native;
import io.berth.posix.Trees;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Snapshots as overlayfs layers: each snapshot's directory holds {@code fs/}, the layer's own
 * files with whiteouts as overlayfs stores them, and, when active, {@code work/}. A layer stands
 * alone, so layers apply in any order and in parallel; only mounting needs the whole chain.
 * Mounts use the snapshots' short numeric directories, which keeps deep chains within the page
 * of mount options the kernel accepts.
 */
public final class OverlayStorageDriver implements StorageDriver {
    /** The most bytes of mount options the kernel takes (one page). */
    static final int MOUNT_DATA_MAX = 4096;

    private final SnapshotStore store;
    private final boolean indexOff;

    /**
     * @param home the driver's directory ({@code <root>/storage/overlay})
     * @param indexOff whether to mount with {@code index=off} (when the kernel knows the option)
     */
    public OverlayStorageDriver(Path home, boolean indexOff) throws IOException {
        this.store = new SnapshotStore(home);
        this.indexOff = indexOff;
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
        if (parent != null) {
            requireCommittedChain(parent);
        }
        Path work = store.workDirectory();
        try {
            Files.createDirectory(work.resolve("fs"));
            if (kind == SnapshotKind.ACTIVE) {
                Files.createDirectory(work.resolve("work"));
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
        List<SnapshotStore.Entry> chain = store.chain(key);
        SnapshotStore.Entry top = chain.get(0);
        SnapshotKind kind = top.snapshot().kind();
        if (kind == SnapshotKind.COMMITTED) {
            throw new InvalidArgumentException("snapshot " + key + " is committed: prepare or view one on it");
        }
        List<SnapshotStore.Entry> lowers = chain.subList(1, chain.size());
        if (kind == SnapshotKind.VIEW) {
            if (lowers.isEmpty()) {
                return List.of(new Mount("bind", top.dir().resolve("fs").toString(), null, List.of("rbind", "ro")));
            }
            if (lowers.size() == 1) {
                return List.of(new Mount("bind", lowers.get(0).dir().resolve("fs").toString(), null, List.of("rbind", "ro")));
            }
            return List.of(overlay(lowerDirs(lowers), null, null, key));
        }
        if (lowers.isEmpty()) {
            return List.of(new Mount("bind", top.dir().resolve("fs").toString(), null, List.of("rbind", "rw")));
        }
        return List.of(overlay(lowerDirs(lowers), top.dir().resolve("fs").toString(), top.dir().resolve("work").toString(), key));
    }

    private Mount overlay(String lowerDirs, String upper, String work, String key) {
        List<String> options = new ArrayList<>();
        if (indexOff) {
            options.add("index=off");
        }
        if (upper == null) {
            options.add("ro");
        }
        options.add("lowerdir=" + lowerDirs);
        if (upper != null) {
            options.add("upperdir=" + upper);
            options.add("workdir=" + work);
        }
        int length = String.join(",", options).length();
        if (length >= MOUNT_DATA_MAX) {
            throw new InvalidArgumentException("snapshot " + key + " has too many layers for one overlay mount ("
                    + length + " bytes of mount options, the kernel takes " + (MOUNT_DATA_MAX - 1) + ")");
        }
        return new Mount("overlay", "overlay", null, options);
    }

    private static String lowerDirs(List<SnapshotStore.Entry> lowers) {
        List<String> dirs = new ArrayList<>();
        for (SnapshotStore.Entry e : lowers) {
            dirs.add(e.dir().resolve("fs").toString());
        }
        return String.join(":", dirs);
    }

    @Override
    public Snapshot commit(String name, String key) throws IOException {
        SnapshotStore.Entry e = store.get(key);
        if (e.snapshot().kind() != SnapshotKind.ACTIVE) {
            throw new InvalidArgumentException("snapshot " + key + " is not active, it cannot be committed");
        }
        SnapshotStore.Entry committed = store.rekey(key, name, SnapshotKind.COMMITTED);
        Trees.delete(committed.dir().resolve("work"));
        return committed.snapshot();
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

    /**
     * The upper directory is the diff: its entries are what changed; character devices 0/0 are
     * deletions, and directories marked opaque lost their old content.
     */
    @Override
    public void diff(String key, OutputStream tar) throws IOException {
        SnapshotStore.Entry e = store.get(key);
        if (e.snapshot().kind() != SnapshotKind.ACTIVE) {
            throw new InvalidArgumentException("snapshot " + key + " is not active, it has no changes to diff");
        }
        Path upper = e.dir().resolve("fs");
        LayerWriter writer = new LayerWriter(tar);
        walkSorted(upper, upper, writer);
        writer.finish();
    }

    private static void walkSorted(Path upper, Path dir, LayerWriter writer) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            String relative = Names.relative(upper, child);
            Map<String, Object> a = Files.readAttributes(child, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
            int format = (Integer) a.get("mode") & 0170000;
            if (format == Native.S_IFCHR && (Long) a.get("rdev") == 0L) {
                writer.whiteout(relative);
                continue;
            }
            writer.add(upper, relative);
            if (format == 0040000) {
                byte[] opaque = Native.getxattr(child, Whiteouts.OPAQUE_XATTR);
                if (opaque != null && opaque.length == 1 && opaque[0] == 'y') {
                    writer.opaque(relative);
                }
                walkSorted(upper, child, writer);
            }
        }
    }

    /**
     * The upper directory's entries: whiteouts are deletions; the rest are changes where a lower
     * layer has the path, additions where none does.
     */
    @Override
    public List<io.berth.api.storage.Change> changes(String key) throws IOException {
        List<SnapshotStore.Entry> chain = store.chain(key);
        SnapshotStore.Entry top = chain.get(0);
        if (top.snapshot().kind() != SnapshotKind.ACTIVE) {
            throw new InvalidArgumentException("snapshot " + key + " is not active, it has no changes");
        }
        List<Path> lowers = new ArrayList<>();
        for (SnapshotStore.Entry e : chain.subList(1, chain.size())) {
            lowers.add(e.dir().resolve("fs"));
        }
        Path upper = top.dir().resolve("fs");
        List<io.berth.api.storage.Change> out = new ArrayList<>();
        changes(upper, upper, lowers, out);
        // As docker lists them: by path.
        out.sort((x, y) -> java.util.Arrays.compareUnsigned(io.berth.api.Names.encode(x.path()),
                io.berth.api.Names.encode(y.path())));
        return out;
    }

    private static void changes(Path upper, Path dir, List<Path> lowers, List<io.berth.api.storage.Change> out)
            throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            String relative = Names.relative(upper, child);
            Map<String, Object> a = Files.readAttributes(child, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
            int format = (Integer) a.get("mode") & 0170000;
            if (format == Native.S_IFCHR && (Long) a.get("rdev") == 0L) {
                out.add(new io.berth.api.storage.Change(io.berth.api.storage.Change.Kind.DELETED, "/" + relative));
                continue;
            }
            out.add(new io.berth.api.storage.Change(existsBelow(lowers, relative)
                    ? io.berth.api.storage.Change.Kind.CHANGED : io.berth.api.storage.Change.Kind.ADDED, "/" + relative));
            if (format == 0040000) {
                if (isOpaque(child)) {
                    // A directory made anew: what the lower ones had there is deleted.
                    java.util.Set<String> kept = new java.util.HashSet<>();
                    try (Stream<Path> list = Files.list(child)) {
                        list.forEach(c -> kept.add(Names.fileName(c)));
                    }
                    for (String name : lowerNames(lowers, relative)) {
                        if (!kept.contains(name)) {
                            out.add(new io.berth.api.storage.Change(io.berth.api.storage.Change.Kind.DELETED,
                                    "/" + relative + "/" + name));
                        }
                    }
                }
                changes(upper, child, lowers, out);
            }
        }
    }

    private static boolean isOpaque(Path dir) throws IOException {
        byte[] opaque = Native.getxattr(dir, Whiteouts.OPAQUE_XATTR);
        return opaque != null && opaque.length == 1 && opaque[0] == 'y';
    }

    private static boolean isWhiteout(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        return ((Integer) a.get("mode") & 0170000) == Native.S_IFCHR && (Long) a.get("rdev") == 0L;
    }

    /** The names the merged lower layers have in directory {@code relative}, whiteouts and opaque directories honoured. */
    private static java.util.Set<String> lowerNames(List<Path> lowers, String relative) throws IOException {
        java.util.Set<String> names = new java.util.TreeSet<>();
        java.util.Set<String> decided = new java.util.HashSet<>();
        for (Path lower : lowers) {
            Path dir = Names.resolve(lower, relative);
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                break; // a file or a whiteout there hides the layers below
            }
            try (Stream<Path> list = Files.list(dir)) {
                for (Path c : (Iterable<Path>) list::iterator) {
                    String name = Names.fileName(c);
                    if (decided.add(name) && !isWhiteout(c)) {
                        names.add(name);
                    }
                }
            }
            if (isOpaque(dir)) {
                break;
            }
        }
        return names;
    }

    /** Whether the merged lower layers have {@code relative}, whiteouts and opaque directories honoured. */
    private static boolean existsBelow(List<Path> lowers, String relative) throws IOException {
        for (Path lower : lowers) {
            Path p = Names.resolve(lower, relative);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
                return !(((Integer) a.get("mode") & 0170000) == Native.S_IFCHR && (Long) a.get("rdev") == 0L);
            }
            Path parent = p.getParent();
            if (parent != null && Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
                byte[] opaque = Native.getxattr(parent, Whiteouts.OPAQUE_XATTR);
                if (opaque != null && opaque.length == 1 && opaque[0] == 'y') {
                    return false;
                }
            }
        }
        return false;
    }

    @Override
    public Snapshot apply(String name, String parent, InputStream tar) throws IOException {
        if (store.contains(name)) {
            throw new io.berth.api.ConflictException("snapshot " + name + " already exists");
        }
        Path work = store.workDirectory();
        try {
            Path fs = Files.createDirectory(work.resolve("fs"));
            LayerApplier.apply(tar, fs, new LayerApplier.Options(Whiteouts.OVERLAY, true, true));
            Native.syncfs(work);
            return store.publish(work, name, parent, SnapshotKind.COMMITTED, Map.of()).snapshot();
        } catch (IOException | RuntimeException e) {
            Trees.delete(work);
            throw e;
        }
    }

    @Override
    public boolean parallelApply() {
        return true;
    }

    @Override
    public Map<String, String> graphData(String key) {
        List<SnapshotStore.Entry> chain = store.chain(key);
        SnapshotStore.Entry top = chain.get(0);
        Map<String, String> data = new LinkedHashMap<>();
        if (chain.size() > 1) {
            data.put("LowerDir", lowerDirs(chain.subList(1, chain.size())));
        }
        data.put("UpperDir", top.dir().resolve("fs").toString());
        data.put("WorkDir", top.dir().resolve("work").toString());
        return data;
    }

    private void requireCommittedChain(String parent) {
        for (SnapshotStore.Entry e : store.chain(parent)) {
            if (e.snapshot().kind() != SnapshotKind.COMMITTED) {
                throw new InvalidArgumentException("snapshot " + e.key() + " is not committed; only layers can be parents");
            }
        }
    }
}
