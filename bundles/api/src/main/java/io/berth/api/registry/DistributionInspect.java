package io.berth.api.registry;

import io.berth.api.content.Descriptor;
import io.berth.api.content.Platform;

import java.util.List;
import java.util.Objects;

/**
 * What a registry has for a reference, found without pulling it (docker's {@code GET
 * /distribution/NAME/json}).
 *
 * @param descriptor the manifest (or index) the reference names: its media type, digest and size
 * @param platforms the platforms it is for: an index's entries, or a manifest's config
 * @since 1.3
 */
public record DistributionInspect(Descriptor descriptor, List<Platform> platforms) {
    public DistributionInspect {
        Objects.requireNonNull(descriptor, "descriptor");
        platforms = platforms == null ? List.of() : List.copyOf(platforms);
    }
}
