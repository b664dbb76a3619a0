package io.berth.layers;

import io.berth.posix.RenameSafety;
import io.berth.posix.Trees;
import io.berth.api.ConflictException;
import io.berth.api.NotFoundException;
import io.berth.api.storage.Snapshot;
import io.berth.api.storage.SnapshotKind;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The bookkeeping storage drivers share: each snapshot is a directory {@code snapshots/ID/} with
 * its data and an {@code info} file (key, parent, kind, created, labels). A snapshot appears by
 * renaming a complete directory from {@code tmp/} into {@code snapshots/}, and disappears by
 * renaming it back out before deleting it, so a crash never leaves half of one; leftovers in
 * {@code tmp/} are deleted when the store opens. IDs are short numbers, which keeps overlay mount
 * options short.
 */
public final class SnapshotStore {
    /**
     * A snapshot and where it is.
     *
     * @param id its number
     * @param dir its directory
     * @param snapshot its facts
     */
    public record Entry(long id, Path dir, Snapshot snapshot) {
        public String key() {
            return snapshot.key();
        }
    }

    private static final String INFO = "info";
    private static final System.Logger LOG = System.getLogger(SnapshotStore.class.getName());

    private final Path snapshots;
    private final Path tmp;
    private final Map<String, Entry> byKey = new HashMap<>();
    /** A publication's {@code info}, written out or synced before its directory's rename. */
    private final RenameSafety renames;
    private long lastId;

    /** Opens (creating if needed) a store under {@code home}, cleaning up what a crash left. */
    public SnapshotStore(Path home) throws IOException {
        this.snapshots = Files.createDirectories(home.resolve("snapshots"));
        this.tmp = Files.createDirectories(home.resolve("tmp"));
        this.renames = new RenameSafety(snapshots);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
            for (Path p : leftovers) {
                Trees.delete(p);
            }
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(snapshots)) {
            for (Path dir : dirs) {
                long id;
                try {
                    id = Long.parseLong(dir.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                lastId = Math.max(lastId, id);
                Path info = dir.resolve(INFO);
                if (!Files.exists(info)) {
                    continue;
                }
                Snapshot s;
                try {
                    s = read(info);
                } catch (IOException | RuntimeException e) {
                    // A publication a crash cut short where the filesystem wrote the rename
                    // before the file, or a damaged disk: not a snapshot; the next opening
                    // deletes it.
                    Path aside = tmp.resolve("unreadable-" + id);
                    LOG.log(System.Logger.Level.WARNING, "snapshot " + dir + " has an unreadable info ("
                            + e + "): moved to " + aside + ", deleted at the next start");
                    Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
                    continue;
                }
                byKey.put(s.key(), new Entry(id, dir, s));
            }
        }
    }

    /** A new private directory to build a snapshot in, then {@link #publish} it (or delete it). */
    public Path workDirectory() throws IOException {
        return Files.createDirectory(tmp.resolve(UUID.randomUUID().toString()));
    }

    /**
     * Makes a snapshot of a directory built in {@link #workDirectory()}.
     *
     * @throws ConflictException if the key exists; the work directory is deleted then
     */
    public synchronized Entry publish(Path workDir, String key, String parent, SnapshotKind kind,
                                      Map<String, String> labels) throws IOException {
        if (byKey.containsKey(key)) {
            Trees.delete(workDir);
            throw new ConflictException("snapshot " + key + " already exists");
        }
        Snapshot s = new Snapshot(key, parent, kind, Instant.now(), labels);
        Path info = workDir.resolve(INFO);
        long id = ++lastId;
        Path dir = snapshots.resolve(Long.toString(id));
        store(info, s);
        // Written out (or synced) before the rename; where the filesystem orders its metadata the
        // sync of snapshots/ after it is then the one commit of the data, rename and directory.
        renames.prepare(info);
        Files.move(workDir, dir, StandardCopyOption.ATOMIC_MOVE);
        sync(snapshots);
        Entry e = new Entry(id, dir, s);
        byKey.put(key, e);
        return e;
    }

    /** A snapshot by key. */
    public synchronized Entry get(String key) {
        Entry e = byKey.get(key);
        if (e == null) {
            throw new NotFoundException("no snapshot " + key);
        }
        return e;
    }

    /** Whether a snapshot has this key. */
    public synchronized boolean contains(String key) {
        return byKey.containsKey(key);
    }

    /**
     * The snapshot and its ancestors, nearest first.
     *
     * @throws NotFoundException if one of them is missing
     */
    public synchronized List<Entry> chain(String key) {
        List<Entry> chain = new ArrayList<>();
        String k = key;
        while (k != null) {
            Entry e = byKey.get(k);
            if (e == null) {
                throw new NotFoundException(k.equals(key) ? "no snapshot " + key
                        : "snapshot " + key + " is missing its ancestor " + k);
            }
            chain.add(e);
            k = e.snapshot().parent();
            if (chain.size() > 10_000) {
                throw new IllegalStateException("snapshot " + key + ": parent cycle");
            }
        }
        return chain;
    }

    /**
     * Renames a snapshot and changes its kind (an active snapshot committed as a layer).
     *
     * @throws ConflictException if {@code newKey} exists
     */
    public synchronized Entry rekey(String key, String newKey, SnapshotKind kind) throws IOException {
        Entry e = get(key);
        if (!key.equals(newKey) && byKey.containsKey(newKey)) {
            throw new ConflictException("snapshot " + newKey + " already exists");
        }
        Snapshot s = new Snapshot(newKey, e.snapshot().parent(), kind, e.snapshot().created(), e.snapshot().labels());
        Path info = e.dir().resolve(INFO);
        Path next = e.dir().resolve(INFO + ".tmp");
        write(next, s);
        Files.move(next, info, StandardCopyOption.ATOMIC_MOVE);
        Entry updated = new Entry(e.id(), e.dir(), s);
        byKey.remove(key);
        byKey.put(newKey, updated);
        return updated;
    }

    /**
     * Removes a snapshot and its data.
     *
     * @throws ConflictException if another snapshot has it as parent
     */
    public void remove(String key) throws IOException {
        Trees.delete(detach(key));
    }

    /**
     * Removes a snapshot, leaving its data for the caller to delete: the directory returned is in
     * {@code tmp/}, where the next opening of the store deletes it if the caller did not.
     *
     * @throws ConflictException if another snapshot has it as parent
     */
    public Path detach(String key) throws IOException {
        Path doomed;
        synchronized (this) {
            Entry e = get(key);
            for (Entry other : byKey.values()) {
                if (key.equals(other.snapshot().parent())) {
                    throw new ConflictException("snapshot " + key + " has a child, " + other.key());
                }
            }
            doomed = tmp.resolve("removing-" + e.id());
            Files.move(e.dir(), doomed, StandardCopyOption.ATOMIC_MOVE);
            byKey.remove(key);
        }
        return doomed;
    }

    /** Every snapshot, parents before children. */
    public void walk(Consumer<Snapshot> visitor) {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(byKey.values());
        }
        Map<String, Entry> remaining = new LinkedHashMap<>();
        all.stream().sorted(java.util.Comparator.comparingLong(Entry::id)).forEach(e -> remaining.put(e.key(), e));
        while (!remaining.isEmpty()) {
            boolean progress = false;
            for (var it = remaining.values().iterator(); it.hasNext(); ) {
                Entry e = it.next();
                String parent = e.snapshot().parent();
                if (parent == null || !remaining.containsKey(parent)) {
                    visitor.accept(e.snapshot());
                    it.remove();
                    progress = true;
                }
            }
            if (!progress) {
                remaining.values().forEach(e -> visitor.accept(e.snapshot()));
                break;
            }
        }
    }

    /** Writes a snapshot's facts and syncs them (fsync). */
    private static void write(Path file, Snapshot s) throws IOException {
        store(file, s);
        sync(file);
    }

    /** Writes a snapshot's facts, without syncing them. */
    private static void store(Path file, Snapshot s) throws IOException {
        Properties p = new Properties();
        p.setProperty("key", s.key());
        if (s.parent() != null) {
            p.setProperty("parent", s.parent());
        }
        p.setProperty("kind", s.kind().name());
        p.setProperty("created", s.created().toString());
        s.labels().forEach((k, v) -> p.setProperty("label." + k, v));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
    }

    private static Snapshot read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> labels = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("label.")) {
                labels.put(name.substring(6), p.getProperty(name));
            }
        }
        return new Snapshot(p.getProperty("key"), p.getProperty("parent"), SnapshotKind.valueOf(p.getProperty("kind")),
                Instant.parse(p.getProperty("created")), labels);
    }

    /** fsync of a file or a directory. */
    private static void sync(Path fileOrDirectory) throws IOException {
        try (FileChannel c = FileChannel.open(fileOrDirectory, StandardOpenOption.READ)) {
            c.force(true);
        }
    }
}
