package io.berth.api.image;

import io.berth.api.content.Digest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image in the store, as {@code images} lists it.
 *
 * @param id the image id: the digest of its config
 * @param repoTags the tags that point at it, familiar form ({@code busybox:latest}); empty for a
 *        dangling image
 * @param repoDigests {@code name@digest} for each repository it was pulled from or pushed to
 * @param parent the local image it was made from (by a commit), or {@code null}
 * @param created when the image was made, from its config
 * @param size the uncompressed size of all its layers, in bytes
 * @param labels the config's labels; empty if none
 */
public record Image(Digest id, List<String> repoTags, List<String> repoDigests, Digest parent, Instant created, long size,
                    Map<String, String> labels) {
    public Image {
        Objects.requireNonNull(id, "id");
        repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
        repoDigests = repoDigests == null ? List.of() : List.copyOf(repoDigests);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** Whether no tag points at the image. */
    public boolean dangling() {
        return repoTags.isEmpty();
    }
}
