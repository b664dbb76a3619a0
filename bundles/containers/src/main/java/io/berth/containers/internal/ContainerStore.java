package io.berth.containers.internal;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.container.HostConfig;
import io.berth.api.image.ContainerConfig;
import io.berth.api.runtime.Resources;
import io.berth.posix.RenameSafety;
import io.berth.posix.Trees;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The containers on disk, {@code <root>/containers/<id>/}: {@code config.json}, {@code state.json},
 * the files bind-mounted into the container and its log. A container appears by renaming a
 * complete directory into place and disappears by renaming it away, so a crash leaves it either
 * whole or gone; files in it are replaced atomically.
 */
final class ContainerStore {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
    private static final System.Logger LOG = System.getLogger(ContainerStore.class.getName());
    /** What a container whose state file cannot be read is taken to be: exited, as docker after a host crash. */
    private static final StateRecord LOST = new StateRecord(io.berth.api.container.ContainerStatus.EXITED, 0, 255, false,
            "its state was lost", null, null, 0, false);

    /**
     * The records' JSON. The API's value classes ({@link HostConfig}, {@link ContainerConfig},
     * {@link Resources}) are written field by field and read back through their builders, so
     * their JSON has the same names as their accessors, and fields the API adds later read as
     * absent from older files.
     */
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .visibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
            .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
            .addMixIn(HostConfig.class, ReadThroughBuilder.HostConfigMixIn.class)
            .addMixIn(HostConfig.Builder.class, ReadThroughBuilder.class)
            .addMixIn(ContainerConfig.class, ReadThroughBuilder.ContainerConfigMixIn.class)
            .addMixIn(ContainerConfig.Builder.class, ReadThroughBuilder.class)
            .addMixIn(Resources.class, ReadThroughBuilder.ResourcesMixIn.class)
            .addMixIn(Resources.Builder.class, ReadThroughBuilder.class)
            .build();

    /** Jackson reads the API's value classes through their builders, whose setters have the fields' names. */
    @JsonPOJOBuilder(withPrefix = "")
    abstract static class ReadThroughBuilder {
        @JsonDeserialize(builder = HostConfig.Builder.class)
        abstract static class HostConfigMixIn {
        }

        @JsonDeserialize(builder = ContainerConfig.Builder.class)
        abstract static class ContainerConfigMixIn {
        }

        @JsonDeserialize(builder = Resources.Builder.class)
        abstract static class ResourcesMixIn {
        }
    }

    /** One container in memory. Its lock serializes the operations on it. */
    static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        final Path dir;
        volatile ContainerRecord record;
        volatile StateRecord state;
        /** The current run's exit, completed once it is cleaned up; guarded by {@link #lock}. */
        CompletableFuture<Integer> exit;
        /** Counts runs, so a late monitor of an earlier run changes nothing; guarded by {@link #lock}. */
        long run;
        /** The thread waiting for the current run to end, if any. */
        volatile Thread monitor;
        /** The restart its policy has scheduled, if any; guarded by {@link #lock}. */
        java.util.concurrent.ScheduledFuture<?> pendingRestart;
        /** Docker's back-off: the wait before the next policy restart, in milliseconds. */
        long restartDelay = 100;
        volatile boolean removing;
        volatile boolean removed;
        /** The health checks of the current run, while they run; guarded by {@link #lock}. */
        volatile HealthMonitor.Watch health;
        /** Notified whenever {@link #state} changes or the container is removed (what waiting for its health waits on). */
        final Object stateChanged = new Object();

        Entry(Path dir, ContainerRecord record, StateRecord state) {
            this.dir = dir;
            this.record = record;
            this.state = state;
        }

        String id() {
            return record.id();
        }
    }

    private final Path root;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    /** Names in use, reserved ones included; guarded by {@code this}. */
    private final Map<String, String> byName = new HashMap<>();
    /** Durable writes, written out or synced before their rename. */
    private final RenameSafety renames;

    ContainerStore(Path root) throws IOException {
        this.root = Files.createDirectories(root);
        this.renames = new RenameSafety(this.root);
    }

    Path root() {
        return root;
    }

    /** Reads every container; finishes removals a crash interrupted. */
    void load() throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (name.startsWith(".commit-") && name.endsWith(".tar")) {
                    // The diff of a commit the engine did not finish.
                    Files.deleteIfExists(d);
                    continue;
                }
                if (name.startsWith(".new-") || name.startsWith(".removing-")) {
                    Trees.delete(d);
                    continue;
                }
                if (!ID.matcher(name).matches()) {
                    continue;
                }
                try {
                    ContainerRecord r = JSON.readValue(d.resolve("config.json").toFile(), ContainerRecord.class);
                    StateRecord s;
                    try {
                        s = JSON.readValue(d.resolve("state.json").toFile(), StateRecord.class);
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "the state of container " + name + " is lost ("
                                + e.getMessage() + "): it is taken as exited");
                        s = LOST;
                    }
                    if (!r.id().equals(name)) {
                        throw new IOException("its config names container " + r.id());
                    }
                    byId.put(r.id(), new Entry(d, r, s));
                    synchronized (this) {
                        byName.put(r.name(), r.id());
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "container " + name + " cannot be read and is ignored: " + e.getMessage());
                }
            }
        }
    }

    Collection<Entry> all() {
        return byId.values();
    }

    /** Whether a container with this full id exists. */
    boolean contains(String id) {
        return byId.containsKey(id);
    }

    /** A container's json-file log. */
    Path logPath(Entry e) {
        return e.dir.resolve(e.id() + "-json.log");
    }

    /**
     * Gives a container another name, atomically: the new name is reserved before the record is
     * saved, the old one released after.
     *
     * @throws ConflictException if the name is taken
     * @throws InvalidArgumentException for a bad name or the container's own
     */
    void rename(String idOrName, String newName) throws IOException {
        Entry e = find(idOrName); // first, as docker: a missing container is the error, whatever the name
        String name = Names.validate(newName);
        e.lock.lock();
        try {
            ContainerLifecycle.checkNotRemoved(e);
            ContainerRecord r = e.record;
            if (r.name().equals(name)) {
                throw new InvalidArgumentException("Renaming a container with the same name as its current name");
            }
            try {
                reserve(name, r.id());
            } catch (ConflictException taken) {
                throw new ConflictException("Error when allocating new name: " + taken.getMessage());
            }
            try {
                saveRecord(e, r.withName(name));
            } catch (IOException | RuntimeException ex) {
                release(name, r.id());
                throw ex;
            }
            release(r.name(), r.id());
        } finally {
            e.lock.unlock();
        }
    }

    /**
     * Reserves a name for a container being made.
     *
     * @throws ConflictException if another container has it
     */
    synchronized void reserve(String name, String id) {
        String owner = byName.get(name);
        if (owner != null && !owner.equals(id)) {
            throw new ConflictException("Conflict. The container name \"/" + name + "\" is already in use by container \""
                    + owner + "\". You have to remove (or rename) that container to be able to reuse that name.");
        }
        byName.put(name, id);
    }

    /** Makes up a free name and reserves it. */
    synchronized String reserveGenerated(String id) {
        for (int attempt = 0; ; attempt++) {
            String name = Names.generate(attempt / 10);
            if (!byName.containsKey(name)) {
                byName.put(name, id);
                return name;
            }
        }
    }

    synchronized void release(String name, String id) {
        byName.remove(name, id);
    }

    /** Whether an id or name (with or without its slash) is taken by another container than {@code id}. */
    synchronized boolean nameTaken(String name, String id) {
        String owner = byName.get(name);
        return owner != null && !owner.equals(id);
    }

    /**
     * Saves a new container with the files that go with it, all at once.
     *
     * @param files file names in the container's directory and their content
     */
    Entry add(ContainerRecord record, StateRecord state, Map<String, byte[]> files) throws IOException {
        Path tmp = root.resolve(".new-" + record.id());
        Path dir = root.resolve(record.id());
        try {
            Files.createDirectories(tmp);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Files.write(tmp.resolve(f.getKey()), f.getValue());
            }
            write(tmp.resolve("config.json"), JSON.writeValueAsBytes(record), true);
            write(tmp.resolve("state.json"), JSON.writeValueAsBytes(state), false);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Trees.delete(tmp);
            throw e;
        }
        Entry e = new Entry(dir, record, state);
        byId.put(record.id(), e);
        return e;
    }

    void saveState(Entry e, StateRecord state) throws IOException {
        write(e.dir.resolve("state.json"), JSON.writeValueAsBytes(state), false);
        e.state = state;
        changed(e);
    }

    private static void changed(Entry e) {
        synchronized (e.stateChanged) {
            e.stateChanged.notifyAll();
        }
    }

    void saveRecord(Entry e, ContainerRecord record) throws IOException {
        write(e.dir.resolve("config.json"), JSON.writeValueAsBytes(record), true);
        e.record = record;
    }

    /**
     * Takes a container away: from then on it is gone, even if the engine stops before its
     * directory is deleted.
     */
    void remove(Entry e) throws IOException {
        Path doomed = root.resolve(".removing-" + e.id());
        Files.move(e.dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        byId.remove(e.id());
        release(e.record.name(), e.id());
        e.removed = true;
        changed(e);
        Trees.delete(doomed);
    }

    /**
     * Finds a container by full id, name (docker's leading slash allowed) or unique id prefix.
     *
     * @throws NotFoundException {@code No such container: X}
     * @throws InvalidArgumentException if a prefix matches several
     */
    Entry find(String idOrName) {
        if (idOrName == null || idOrName.isEmpty()) {
            throw new NotFoundException("No such container: " + idOrName);
        }
        Entry e = byId.get(idOrName);
        if (e != null) {
            return e;
        }
        String name = idOrName.startsWith("/") ? idOrName.substring(1) : idOrName;
        String owner;
        synchronized (this) {
            owner = byName.get(name);
        }
        if (owner != null && (e = byId.get(owner)) != null) {
            return e;
        }
        List<Entry> matches = new ArrayList<>();
        for (Entry c : byId.values()) {
            if (c.id().startsWith(idOrName)) {
                matches.add(c);
            }
        }
        if (matches.size() > 1) {
            throw new InvalidArgumentException("multiple IDs found with provided prefix: " + idOrName);
        }
        if (matches.isEmpty()) {
            throw new NotFoundException("No such container: " + idOrName);
        }
        return matches.get(0);
    }

    /**
     * Replaces a file atomically. A durable write has its data on the device before it takes the
     * old one's place ({@link RenameSafety}), so that a crash leaves the old file or the new one,
     * never an empty one. Where the filesystem orders its metadata (ext4 with a journal, XFS) this
     * forces no journal commit: the rename reaches the disk with the data at the next commit (the
     * next layer's publication, or the journal's own: ext4's every 5 s, XFS's within 30 s);
     * elsewhere the data is synced first, as docker syncs its records. The rename is not synced,
     * as docker's is not: a crash before it reaches the disk loses a new container whole (its
     * {@code .new-ID/} is deleted at the next load). The state is written without either: it
     * changes at every start and exit, the runtime holds the truth that {@code reconcile}
     * restores it from, and a state lost with the host (nothing runs after that anyway) reads as
     * exited.
     */
    private void write(Path file, byte[] data, boolean durable) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        if (durable) {
            renames.prepare(tmp);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
