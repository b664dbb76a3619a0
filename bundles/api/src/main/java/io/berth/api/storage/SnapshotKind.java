package io.berth.api.storage;

/** The three kinds of snapshot, as in containerd. */
public enum SnapshotKind {
    /** Read-only, made by {@link StorageDriver#view}. */
    VIEW,
    /** Writable, made by {@link StorageDriver#prepare}; a container's filesystem. */
    ACTIVE,
    /** Immutable, made by {@link StorageDriver#commit} or {@link StorageDriver#apply}; a layer. */
    COMMITTED
}
