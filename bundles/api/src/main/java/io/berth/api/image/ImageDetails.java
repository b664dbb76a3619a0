package io.berth.api.image;

import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code inspect} shows of an image.
 *
 * @param image the image as listed
 * @param config its config
 * @param manifest the descriptor of the manifest the store keeps for it
 * @param layers the descriptors of its layer blobs, base first
 * @param parent the local parent image (a commit's base), or {@code null}
 * @param lastTagTime when a tag last changed to point at it, or {@code null}
 * @param storageDriver the storage driver its layers are unpacked for, or {@code null} if none
 * @param graphData that driver's data for the top layer ({@code LowerDir}, {@code UpperDir}...), empty
 *        if not unpacked
 */
public record ImageDetails(Image image, ImageConfig config, Descriptor manifest, List<Descriptor> layers, Digest parent,
                           Instant lastTagTime, String storageDriver, Map<String, String> graphData) {
    public ImageDetails {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(manifest, "manifest");
        layers = List.copyOf(layers);
        graphData = graphData == null ? Map.of() : Map.copyOf(graphData);
    }
}
