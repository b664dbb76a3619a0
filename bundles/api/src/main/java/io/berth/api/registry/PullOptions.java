package io.berth.api.registry;

import io.berth.api.content.Platform;

/**
 * How {@link Registry#pull(io.berth.api.image.ImageReference, PullOptions, io.berth.api.ProgressListener)} pulls.
 *
 * @param platform the platform to take from a multi-platform image, or {@code null} for the host's
 * @param storageDriver the storage driver to unpack into, or {@code null} for the default one
 */
public record PullOptions(Platform platform, String storageDriver) {
    /** The host's platform, the default storage driver. */
    public static final PullOptions DEFAULT = new PullOptions(null, null);
}
