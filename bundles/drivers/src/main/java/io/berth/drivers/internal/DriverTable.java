package io.berth.drivers.internal;

import io.berth.api.UnavailableException;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The drivers the engine knows, and the one place that picks among them.
 *
 * <p>Selection: an explicit name wins; without one, the configured default if it is available;
 * otherwise the highest ranking (ties: the lowest service id, the one registered first). When two
 * services share a name, the higher ranked serves it. Thread-safe: the OSGi bind methods and the
 * engine's threads call it concurrently.
 */
public final class DriverTable {
    /**
     * A registered driver service.
     *
     * @param serviceId the service id, unique per registration
     */
    public record Entry(DriverType type, String name, long serviceId, int ranking, String bundle,
                        String bundleVersion, Object driver) {
        public Entry {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(driver, "driver");
        }
    }

    /** A driver that announced it cannot work here. */
    public record Unavailable(DriverType type, String name, long serviceId, String bundle, String bundleVersion,
                              String reason) {
    }

    private static final Comparator<Entry> PREFERENCE = Comparator.comparingInt(Entry::ranking).reversed()
            .thenComparingLong(Entry::serviceId);

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final List<Unavailable> unavailable = new CopyOnWriteArrayList<>();
    private final Function<DriverType, String> configuredDefault;

    /**
     * @param configuredDefault the configured default name of each type, read at each selection so
     *        configuration changes apply at once; may return {@code null} or an empty string
     */
    public DriverTable(Function<DriverType, String> configuredDefault) {
        this.configuredDefault = configuredDefault;
    }

    public void add(Entry entry) {
        entries.add(entry);
    }

    public void remove(DriverType type, long serviceId) {
        entries.removeIf(e -> e.type() == type && e.serviceId() == serviceId);
    }

    public void addUnavailable(Unavailable entry) {
        unavailable.add(entry);
    }

    public void removeUnavailable(long serviceId) {
        unavailable.removeIf(e -> e.serviceId() == serviceId);
    }

    /**
     * Picks a driver.
     *
     * @param name the name asked for, or {@code null} for the default
     * @throws UnavailableException naming what is available when nothing fits
     */
    public <T> T select(DriverType type, String name, Class<T> serviceType) {
        Optional<Entry> chosen = name == null || name.isEmpty() ? defaultEntry(type) : best(type, name);
        if (chosen.isPresent()) {
            return serviceType.cast(chosen.get().driver());
        }
        String available = availableNames(type);
        String availableText = available.isEmpty() ? "none is installed" : "available: " + available;
        if (name == null || name.isEmpty()) {
            throw new UnavailableException("no " + type.label() + " driver is available (" + availableText + ")");
        }
        Optional<Unavailable> reason = unavailable.stream()
                .filter(u -> u.type() == type && u.name().equals(name)).findFirst();
        if (reason.isPresent()) {
            throw new UnavailableException(type.label() + " driver '" + name + "' is unavailable: "
                    + reason.get().reason() + " (" + availableText + ")");
        }
        throw new UnavailableException("unknown " + type.label() + " driver '" + name + "' (" + availableText + ")");
    }

    /** The name of the driver used when none is named, or {@code null}. */
    public String defaultName(DriverType type) {
        return defaultEntry(type).map(Entry::name).orElse(null);
    }

    /** Every driver, available ones and those that said why they are not, by type and name. */
    public List<DriverInfo> drivers() {
        Map<DriverType, String> defaults = new EnumMap<>(DriverType.class);
        for (DriverType type : DriverType.values()) {
            defaults.put(type, defaultName(type));
        }
        List<DriverInfo> result = new ArrayList<>();
        for (Entry e : entries) {
            // A name served by several services is listed once, for the one that serves it.
            if (best(e.type(), e.name()).map(b -> b.serviceId() == e.serviceId()).orElse(false)) {
                result.add(new DriverInfo(e.type(), e.name(), DriverState.AVAILABLE,
                        e.name().equals(defaults.get(e.type())), e.bundle(), e.bundleVersion(), e.ranking(), null));
            }
        }
        for (Unavailable u : unavailable) {
            if (best(u.type(), u.name()).isEmpty()) {
                result.add(new DriverInfo(u.type(), u.name(), DriverState.UNAVAILABLE, false, u.bundle(),
                        u.bundleVersion(), 0, u.reason()));
            }
        }
        result.sort(Comparator.comparing(DriverInfo::type).thenComparing(DriverInfo::name));
        return result;
    }

    private Optional<Entry> defaultEntry(DriverType type) {
        String configured = configuredDefault.apply(type);
        if (configured != null && !configured.isEmpty()) {
            Optional<Entry> entry = best(type, configured);
            if (entry.isPresent()) {
                return entry;
            }
        }
        return entries.stream().filter(e -> e.type() == type).min(PREFERENCE);
    }

    private Optional<Entry> best(DriverType type, String name) {
        return entries.stream().filter(e -> e.type() == type && e.name().equals(name)).min(PREFERENCE);
    }

    private String availableNames(DriverType type) {
        return entries.stream().filter(e -> e.type() == type).map(Entry::name)
                .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(", "));
    }
}
