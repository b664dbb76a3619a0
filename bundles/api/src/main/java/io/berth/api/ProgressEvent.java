package io.berth.api;

import java.util.Objects;

/**
 * One step of long work, in the words docker uses: {@code Pulling fs layer},
 * {@code Downloading}, {@code Extracting}, {@code Pull complete}...
 *
 * @param id what the step is about, such as a short layer digest; {@code null} for a line about
 *        the whole operation ({@code Digest: ...}, {@code Status: ...})
 * @param status the step, in docker's words
 * @param current bytes (or items) done so far, or {@code -1} when not measured
 * @param total bytes (or items) in all, or {@code -1} when unknown
 */
public record ProgressEvent(String id, String status, long current, long total) {
    public ProgressEvent {
        Objects.requireNonNull(status, "status");
    }

    /** A step without a measure. */
    public static ProgressEvent of(String id, String status) {
        return new ProgressEvent(id, status, -1, -1);
    }
}
