package io.berth.api.image;

import io.berth.api.content.Descriptor;
import io.berth.api.content.Platform;

import java.util.Objects;

/**
 * What {@link ImageStore#receive} is asked to add.
 *
 * @param reference the name the image was fetched as; its tag, if it has one, is pointed at the
 *        image, and {@code name@digest} of {@code descriptor} is recorded as a repo digest
 * @param descriptor the descriptor of {@code content}: an image manifest, or an index (OCI index or
 *        Docker manifest list) of which the entry for {@code platform} is taken
 * @param content the manifest's or index's bytes, as fetched; they must hash to the descriptor's
 *        digest
 * @param platform the platform to take from an index, or {@code null} for the host's
 * @param storageDriver the storage driver to unpack into, or {@code null} for the default one
 * @param concurrency how many layers are fetched at once, at least 1
 */
public record ReceiveRequest(ImageReference reference, Descriptor descriptor, byte[] content, Platform platform,
                             String storageDriver, int concurrency) {
    public ReceiveRequest {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(content, "content");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
        }
    }
}
