package io.berth.api.image;

/** The formats {@code save} writes and {@code load} reads. */
public enum ArchiveFormat {
    /** {@code docker save}'s: {@code manifest.json}, configs and {@code layer.tar}s. */
    DOCKER,
    /** An OCI image layout in a tar ({@code oci-layout}, {@code index.json}, {@code blobs/}). */
    OCI
}
