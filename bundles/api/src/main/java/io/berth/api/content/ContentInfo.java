package io.berth.api.content;

import java.time.Instant;
import java.util.Objects;

/**
 * What the content store knows of one committed blob.
 *
 * @param digest the blob's digest
 * @param size its size in bytes
 * @param committedAt when it was committed
 */
public record ContentInfo(Digest digest, long size, Instant committedAt) {
    public ContentInfo {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(committedAt, "committedAt");
    }
}
