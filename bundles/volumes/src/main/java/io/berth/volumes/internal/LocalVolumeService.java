package io.berth.volumes.internal;

import io.berth.api.BerthException;
import io.berth.api.ConflictException;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverType;
import io.berth.api.volume.Volume;
import io.berth.api.volume.VolumeDriver;
import io.berth.api.volume.VolumeService;
import io.berth.volumes.internal.VolumeStore.VolumeRecord;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The engine's volumes, as docker's daemon keeps them: their records ({@link VolumeStore}), which
 * containers refer to each (in memory: the container service says it again when the engine
 * starts), and the calls to their drivers, looked up by name for each operation.
 *
 * <p>Thread safety: one lock guards the records and the users; operations on one volume (and so
 * the driver's calls for it) run one at a time under the volume's own lock, taken before the
 * records' lock and never while holding it.
 */
final class LocalVolumeService {
    /** Docker's rule for volume names (of every driver). */
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    private static final Set<String> LIST_FILTERS = Set.of("dangling", "driver", "label", "name");
    private static final Set<String> PRUNE_FILTERS = Set.of("label", "label!", "all");
    private static final System.Logger LOG = System.getLogger(LocalVolumeService.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DriverRegistry drivers;
    private final VolumeStore store;
    private final Object lock = new Object();
    /** The volumes by name; guarded by {@link #lock}. */
    private final Map<String, VolumeRecord> records = new TreeMap<>();
    /** The containers that refer to each volume; guarded by {@link #lock}. */
    private final Map<String, Set<String>> users = new HashMap<>();
    private final Stripes volumeLocks = new Stripes(64);
    private final AtomicBoolean pruning = new AtomicBoolean();

    /**
     * @param root the engine's root; records are kept in {@code <root>/volume-db}
     */
    LocalVolumeService(DriverRegistry drivers, Path root) throws IOException {
        this.drivers = drivers;
        this.store = new VolumeStore(root.resolve("volume-db"));
        for (VolumeRecord r : store.load()) {
            records.put(r.name(), r);
        }
    }

    Volume create(String name, String driver, Map<String, String> options, Map<String, String> labels)
            throws IOException {
        boolean explicitDriver = driver != null && !driver.isEmpty();
        String driverName = explicitDriver ? driver : defaultDriver();
        if (name == null || name.isEmpty()) {
            while (true) {
                String anonymous = anonymousName();
                try (Stripes.Held held = volumeLocks.hold(anonymous)) {
                    if (record(anonymous) == null) {
                        return make(anonymous, driverName, options, labels, true);
                    }
                }
            }
        }
        checkName(name);
        try (Stripes.Held held = volumeLocks.hold(name)) {
            VolumeRecord existing = record(name);
            if (existing != null) {
                // Docker's: the same name again is the same volume (its options and labels unchanged),
                // unless another driver is asked for.
                if (explicitDriver && !existing.driver().equals(driver)) {
                    throw new ConflictException("create " + name + ": driver '" + existing.driver()
                            + "' already has volume '" + name + "': volume name must be unique");
                }
                return existing.volume();
            }
            return make(name, driverName, options, labels, false);
        }
    }

    List<Volume> list(Filters filters) {
        Filters f = (filters == null ? Filters.NONE : filters).requireKnown(LIST_FILTERS);
        Boolean dangling = f.has("dangling") ? f.bool("dangling") : null;
        List<Volume> result = new ArrayList<>();
        synchronized (lock) {
            for (VolumeRecord r : records.values()) {
                if (dangling != null && dangling == inUse(r.name())) {
                    continue;
                }
                if (f.has("driver") && !f.get("driver").contains(r.driver())) {
                    continue;
                }
                if (!f.labelsMatch(r.labels())) {
                    continue;
                }
                if (f.has("name") && f.get("name").stream().noneMatch(v -> nameMatches(v, r.name()))) {
                    continue;
                }
                result.add(r.volume());
            }
        }
        return result;
    }

    Volume get(String name) {
        return require(name).volume();
    }

    void remove(String name, boolean force) throws IOException {
        if (name == null) {
            throw notFound(null);
        }
        try (Stripes.Held held = volumeLocks.hold(name)) {
            VolumeRecord r;
            Set<String> current;
            synchronized (lock) {
                r = records.get(name);
                current = new TreeSet<>(users.getOrDefault(name, Set.of()));
            }
            if (r == null) {
                if (force) {
                    return;
                }
                throw notFound(name);
            }
            if (!current.isEmpty()) {
                throw new ConflictException("remove " + name + ": volume is in use - ["
                        + String.join(", ", current) + "]");
            }
            VolumeDriver d = null;
            try {
                d = drivers.volume(r.driver());
            } catch (UnavailableException e) {
                if (!force) {
                    throw withContext(e, "remove " + name);
                }
                LOG.log(System.Logger.Level.WARNING, "removing volume " + name + " without its data: "
                        + e.getMessage());
            }
            if (d != null) {
                try {
                    d.remove(name, r.options());
                } catch (IOException e) {
                    throw withContext(e, "remove " + name);
                } catch (BerthException e) {
                    throw withContext(e, "remove " + name);
                }
            }
            store.delete(name);
            synchronized (lock) {
                records.remove(name);
                users.remove(name);
            }
        }
    }

    /**
     * Docker's prune: volumes of the {@code local} driver without options (those with options hold
     * no space of the engine's), that no container refers to, anonymous unless {@code all}, whose
     * labels pass {@code label} and {@code label!}. Sizes are measured before removal. A volume that
     * cannot be removed (a container took it meanwhile) is reported and skipped.
     */
    VolumeService.Pruned prune(Filters filters, boolean all) throws IOException {
        Filters f = (filters == null ? Filters.NONE : filters).requireKnown(PRUNE_FILTERS);
        boolean everything = all || (f.has("all") && f.bool("all"));
        if (!pruning.compareAndSet(false, true)) {
            throw new ConflictException("a prune operation is already running");
        }
        try {
            List<VolumeRecord> candidates = new ArrayList<>();
            synchronized (lock) {
                for (VolumeRecord r : records.values()) {
                    if (r.driver().equals(LocalVolumeDriver.NAME) && r.options().isEmpty() && !inUse(r.name())
                            && (everything || r.anonymous()) && f.labelsMatch(r.labels())
                            && !(f.has("label!") && matchesEvery(f.get("label!"), r.labels()))) {
                        candidates.add(r);
                    }
                }
            }
            List<String> removed = new ArrayList<>();
            long reclaimed = 0;
            for (VolumeRecord r : candidates) {
                long size;
                try {
                    size = size(r.name());
                    remove(r.name(), false);
                } catch (IOException | BerthException e) {
                    LOG.log(System.Logger.Level.WARNING, "prune: not removing volume " + r.name() + ": "
                            + e.getMessage());
                    continue;
                }
                removed.add(r.name());
                reclaimed += Math.max(size, 0);
            }
            return new VolumeService.Pruned(removed, reclaimed);
        } finally {
            pruning.set(false);
        }
    }

    Set<String> users(String name) {
        synchronized (lock) {
            if (!records.containsKey(name)) {
                throw notFound(name);
            }
            return Set.copyOf(users.getOrDefault(name, Set.of()));
        }
    }

    void use(String name, String containerId) {
        try (Stripes.Held held = volumeLocks.hold(name)) {
            synchronized (lock) {
                if (!records.containsKey(name)) {
                    throw notFound(name);
                }
                users.computeIfAbsent(name, k -> new TreeSet<>()).add(containerId);
            }
        }
    }

    void release(String name, String containerId) {
        try (Stripes.Held held = volumeLocks.hold(name)) {
            synchronized (lock) {
                Set<String> current = users.get(name);
                if (current != null && current.remove(containerId) && current.isEmpty()) {
                    users.remove(name);
                }
            }
        }
    }

    long size(String name) {
        try (Stripes.Held held = volumeLocks.hold(name)) {
            VolumeRecord r = require(name);
            try {
                return drivers.volume(r.driver()).size(name, r.options());
            } catch (UnavailableException e) {
                return -1;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "size of volume " + name + ": " + e.getMessage());
                return -1;
            }
        }
    }

    /**
     * Mounts a volume for a container. It is fresh when it was never filled and is empty; a volume
     * found holding data (a bind-mounted directory, files a container wrote) counts as filled from
     * then on.
     */
    VolumeService.Mounted mount(String name, String containerId) throws IOException {
        try (Stripes.Held held = volumeLocks.hold(name)) {
            VolumeRecord r = require(name);
            Path path;
            try {
                path = drivers.volume(r.driver()).mount(name, r.options(), containerId);
            } catch (IOException e) {
                throw withContext(e, "mount " + name);
            } catch (BerthException e) {
                throw withContext(e, "mount " + name);
            }
            boolean fresh = false;
            if (!r.filled()) {
                if (isEmpty(path)) {
                    fresh = true;
                } else {
                    save(r.withFilled());
                }
            }
            return new VolumeService.Mounted(path, fresh);
        }
    }

    void filled(String name) throws IOException {
        try (Stripes.Held held = volumeLocks.hold(name)) {
            VolumeRecord r = require(name);
            if (!r.filled()) {
                save(r.withFilled());
            }
        }
    }

    void unmount(String name, String containerId) throws IOException {
        try (Stripes.Held held = volumeLocks.hold(name)) {
            VolumeRecord r = record(name);
            if (r == null) {
                return;
            }
            try {
                drivers.volume(r.driver()).unmount(name, r.options(), containerId);
            } catch (IOException e) {
                throw withContext(e, "unmount " + name);
            } catch (BerthException e) {
                throw withContext(e, "unmount " + name);
            }
        }
    }

    /** Makes a volume whose name is free; the caller holds its lock. */
    private Volume make(String name, String driverName, Map<String, String> options, Map<String, String> labels,
                        boolean anonymous) throws IOException {
        Map<String, String> opts = options == null ? Map.of() : options;
        VolumeDriver d;
        Path mountpoint;
        try {
            d = drivers.volume(driverName);
            mountpoint = d.create(name, opts);
        } catch (IOException e) {
            throw withContext(e, "create " + name);
        } catch (BerthException e) {
            throw withContext(e, "create " + name);
        }
        VolumeRecord r = new VolumeRecord(name, driverName, mountpoint.toString(), Instant.now().toString(), labels,
                opts, anonymous, false);
        try {
            save(r);
        } catch (IOException e) {
            try {
                d.remove(name, opts);
            } catch (IOException | RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw new IOException("create " + name + ": " + e.getMessage(), e);
        }
        return r.volume();
    }

    private void save(VolumeRecord r) throws IOException {
        store.save(r);
        synchronized (lock) {
            records.put(r.name(), r);
        }
    }

    private VolumeRecord record(String name) {
        synchronized (lock) {
            return records.get(name);
        }
    }

    private VolumeRecord require(String name) {
        VolumeRecord r = name == null ? null : record(name);
        if (r == null) {
            throw notFound(name);
        }
        return r;
    }

    /** Whether a container refers to the volume; the caller holds {@link #lock}. */
    private boolean inUse(String name) {
        Set<String> current = users.get(name);
        return current != null && !current.isEmpty();
    }

    private String defaultDriver() {
        String name = drivers.defaultName(DriverType.VOLUME);
        return name == null ? LocalVolumeDriver.NAME : name;
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new InvalidArgumentException("create " + name + ": \"" + name + "\" includes invalid characters for a "
                    + "local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a "
                    + "host directory, use absolute path");
        }
    }

    private static NotFoundException notFound(String name) {
        return new NotFoundException("get " + name + ": no such volume");
    }

    private static String anonymousName() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Docker's name filter: the value is a regular expression found in the name (a plain substring if invalid). */
    private static boolean nameMatches(String value, String name) {
        try {
            return Pattern.compile(value).matcher(name).find();
        } catch (PatternSyntaxException e) {
            return name.contains(value);
        }
    }

    /** Docker's {@code label!}: the labels have every one of the values ({@code key} or {@code key=value}). */
    private static boolean matchesEvery(List<String> values, Map<String, String> labels) {
        for (String v : values) {
            int eq = v.indexOf('=');
            String key = eq < 0 ? v : v.substring(0, eq);
            if (!labels.containsKey(key) || (eq >= 0 && !v.substring(eq + 1).equals(labels.get(key)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    /**
     * The error of a driver's call with the operation and volume in front, as docker's daemon says
     * it ({@code create NAME: invalid option key: "x"}), of the same type.
     */
    private static BerthException withContext(BerthException e, String op) {
        String message = op + ": " + e.getMessage();
        if (e instanceof InvalidArgumentException) {
            return new InvalidArgumentException(message, e);
        }
        if (e instanceof NotFoundException) {
            return new NotFoundException(message, e);
        }
        if (e instanceof ConflictException) {
            return new ConflictException(message, e);
        }
        if (e instanceof UnavailableException) {
            return new UnavailableException(message, e);
        }
        return e;
    }

    private static IOException withContext(IOException e, String op) {
        return new IOException(op + ": " + e.getMessage(), e);
    }
}
