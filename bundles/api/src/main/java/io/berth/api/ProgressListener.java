package io.berth.api;

/**
 * Receives the progress of long work. Called from the working threads, possibly several at once;
 * implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = event -> { };

    void progress(ProgressEvent event);
}
