package io.berth.api.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Facts about one snapshot.
 *
 * @param key the snapshot's key (for committed snapshots, its name)
 * @param parent the key of the committed snapshot it is based on, or {@code null}
 * @param kind its kind
 * @param created when it was made
 * @param labels free-form metadata the caller attached; empty if none
 */
public record Snapshot(String key, String parent, SnapshotKind kind, Instant created, Map<String, String> labels) {
    public Snapshot {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(created, "created");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
