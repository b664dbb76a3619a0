package io.berth.layers;

/**
 * How a driver stores what a layer deletes: as overlayfs whiteouts (a character device 0/0 for a
 * deleted entry, {@code trusted.overlay.opaque=y} on a directory whose old content is hidden), or
 * by deleting from a full copy of the tree.
 */
public enum Whiteouts {
    /** Layers stand alone and overlayfs merges them. */
    OVERLAY,
    /** Each snapshot is a whole tree: deletions delete. */
    DELETE;

    /** OCI's prefix of a whiteout entry's name. */
    public static final String PREFIX = ".wh.";
    /** OCI's name of the entry that makes its directory opaque. */
    public static final String OPAQUE = ".wh..wh..opq";
    /** The extended attribute overlayfs reads for an opaque directory. */
    public static final String OPAQUE_XATTR = "trusted.overlay.opaque";
}
