package io.berth.api.content;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a blob is, its digest and its size.
 *
 * @param mediaType the media type of the referenced content, see {@link MediaTypes}
 * @param digest the digest of the content
 * @param size the size of the content in bytes
 * @param annotations arbitrary metadata; empty if none
 * @param platform the platform of the referenced manifest in an index, or {@code null}
 * @param urls places the content may also be fetched from; empty if none
 */
public record Descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations,
                         Platform platform, List<String> urls) {
    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + digest);
        }
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        urls = urls == null ? List.of() : List.copyOf(urls);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, Map.of(), null, List.of());
    }
}
